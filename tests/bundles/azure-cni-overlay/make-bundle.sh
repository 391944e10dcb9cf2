#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("azure-cni-overlay", "2025-09-22T08:00:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "8dbd2563-77eb-41a1-917b-5a1344da0005", "rg-ovl", "aks-ovl"
NODE_RG = "MC_rg-ovl_aks-ovl_westeurope"
VNET = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet-aks" % (SUB, RG)
VMSS = "aks-nodepool1-22360679-vmss"
DAY = 1440
# Azure CNI Overlay, healthy: each node has a static /24 from the pod CIDR (256 addresses,
# requestedIPCount 0). Look-alikes that must give nothing: a busy node (200 pods in its /24),
# a pod that once failed on "not enough IPs available" and has run since, and a node whose
# NNC is a static block with no ipAssignments at all.
N = [VMSS + "00000%d" % i for i in range(3)]
IP = {n: "10.224.0.%d" % (4 + i) for i, n in enumerate(N)}
BLOCK = {n: "192.168.%d.0/24" % i for i, n in enumerate(N)}
COUNT = {N[0]: 200, N[1]: 12, N[2]: 3}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=[BLOCK[n]], created=g.t(30 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, kubenet=False, max_pods=250,
                  extra_labels={"kubernetes.azure.com/podnetwork-type": "overlay", "kubernetes.azure.com/network-subnet": "snet-nodes"})
         for i, n in enumerate(N)]
pods = []
wc = container("app", "ghcr.io/example/app:1.2.0", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
app = "app-" + g.sfx(10, "app")
for i, n in enumerate(N):
    for k in range(COUNT[n]):
        pods.append(pod(g, "apps", "%s-%s" % (app, g.sfx(5, "app", n, k)), node=n, host_ips=[IP[n]],
                        ip="192.168.%d.%d" % (i, 10 + k), labels={"app": "app", "pod-template-hash": app.split("-")[1]},
                        containers=[wc], age=2 * DAY - k, owner=owner_ref(g, "apps/v1", "ReplicaSet", "apps", app)))
recovered = pods[-1]
HOSTNET_DS = (
    ("kube-proxy", {"component": "kube-proxy", "tier": "node"}, "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", ["kube-proxy", "--v=3"]),
    ("azure-cns", {"k8s-app": "azure-cns"}, "mcr.microsoft.com/containernetworking/azure-cns:v1.6.25", ["/usr/local/bin/azure-cns"]),
)
for dsname, lab, img, cmd in HOSTNET_DS:
    for n in N:
        pods.append(pod(g, "kube-system", "%s-%s" % (dsname, g.sfx(5, dsname, n)), node=n, host_network=True, host_ips=[IP[n]],
                        labels=dict(lab, **{"controller-revision-hash": g.sfx(10, dsname), "pod-template-generation": "1"}),
                        containers=[container(dsname, img, command=cmd)], age=30 * DAY,
                        owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", dsname),
                        priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))
dss = [daemonset(g, "kube-system", dsname, labels=lab, selector=lab, template_labels=lab,
                 pod_spec=template_spec([container(dsname, img, command=cmd)], host_network=True,
                                        priority_class="system-node-critical"),
                 desired=3, ready=3, created=g.t(30 * DAY)) for dsname, lab, img, cmd in HOSTNET_DS]
nncs = [nnc(g, n, created=g.t(30 * DAY), requested=0, nc_type="overlay", subnet_label="overlaysubnet",
            ncs=[overlay_nc(g, n, block=BLOCK[n], node_ip=IP[n])]) for n in N]
sn = recovered["metadata"]["name"]
obj = {"apiVersion": "v1", "kind": "Pod", "name": sn, "namespace": "apps",
       "resourceVersion": recovered["metadata"]["resourceVersion"], "uid": recovered["metadata"]["uid"]}
events = [event_legacy(g, "apps", obj, reason="FailedCreatePodSandBox", type_="Warning", count=2, first=2 * DAY, last=2 * DAY - 1,
                       host=N[2], message=msg_cns_exhausted(g.cid("sb", sn), g.uid("nc", N[2]), sn, "apps"))]
ovl = {"cniVersion": "0.3.0", "name": "azure", "adapterName": "", "plugins": [
    {"type": "azure-vnet", "mode": "transparent", "ipsToRouteViaHost": ["169.254.20.10"], "executionMode": "v4swift",
     "ipam": {"mode": "v4overlay", "type": "azure-cns"}, "dns": {}, "runtimeConfig": {"dns": {}}, "windowsSettings": {}},
    {"type": "portmap", "capabilities": {"portMappings": True}, "snat": True}]}
for n in N:
    write_text("%s/nodes/%s/cni/net.d/15-azure-swift-overlay.conflist" % (ROOT, n), json.dumps(ovl, indent=2) + "\n")
aks = aks_cni_profile(g, sub=SUB, rg=RG, name=CL, node_rg=NODE_RG, mode="overlay",
                      pools=[aks_pool("nodepool1", count=3, max_pods=250, vnet=VNET, node_subnet="snet-nodes",
                                      autoscale=(3, 50), mode="System")])
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/daemonsets.json", sorted(dss, key=key))
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)
write_json(ROOT + "/aks.json", aks)
write_json(ROOT + "/expected-findings.json", [])
assert not check_json_files(ROOT)
PY
