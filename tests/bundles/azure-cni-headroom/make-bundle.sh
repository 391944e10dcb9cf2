#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("azure-cni-headroom", "2025-10-02T13:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "8dbd2563-77eb-41a1-917b-5a1344da0006", "rg-room", "aks-room"
NODE_RG = "MC_rg-room_aks-room_westeurope"
VNET = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet-aks" % (SUB, RG)
DAY = 1440
# Three pod subnets, nothing failing yet:
#  snet-pods    10.241.0.0/23 (507 usable): nodepool1, 6 nodes of 32 IPs + 1 primary = 198 taken,
#               309 free = 18 more nodes at a batch of 16; the autoscaler may add 34 (max 40) -> warning
#  snet-spot    10.242.0.0/27 (27 usable): spotpool, 1 node of 16 + 1 = 17 taken, 10 free; an upgrade
#               surge (no maxSurge in the profile: 1 node assumed) needs 17 -> warning
#  snet-roomy   10.243.0.0/22 (1019 usable): userpool, 2 nodes, autoscaler max 10 and surge 33% fit -> nothing
POOLS = (("nodepool1", "21718281", 6, "snet-pods", "10.241.0.0/23", 32, (3, 40), "33%"),
         ("spotpool", "31415926", 1, "snet-spot", "10.242.0.0/27", 16, None, None),
         ("userpool", "14142135", 2, "snet-roomy", "10.243.0.0/22", 16, (2, 10), "33%"))
nodes, pods, nncs, pool_profiles, N = [], [], [], [], []
wc = container("svc", "ghcr.io/example/svc:4.0.1", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
svc = "svc-" + g.sfx(10, "svc")
ipn = 4
for pname, pid, count, subnet, cidr, alloc, auto, surge in POOLS:
    base = cidr.rsplit(".", 2)[0]          # e.g. 10.241
    vmss = "aks-%s-%s-vmss" % (pname, pid)
    for i in range(count):
        n = vmss + "%06d" % i
        N.append(n)
        nip = "10.240.0.%d" % ipn
        ipn += 1
        nodes.append(aks_node(g, n, ip=nip, pod_cidrs=None, created=g.t(60 * DAY), sub=SUB, node_rg=NODE_RG, vmss=vmss,
                              instance=i, kubenet=False, pool=pname, mode="system" if pname == "nodepool1" else "user",
                              max_pods=110, extra_labels={"kubernetes.azure.com/podnetwork-type": "vnet",
                                                          "kubernetes.azure.com/podnetwork-subnet": subnet,
                                                          "kubernetes.azure.com/network-subnet": "snet-nodes"}))
        first = 5 + count + i * alloc
        ips = ["%s.%d.%d" % (base, x // 256, x % 256) for x in range(first, first + alloc)]
        for k in range(alloc // 2):
            pods.append(pod(g, "web", "%s-%s" % (svc, g.sfx(5, "svc", n, k)), node=n, host_ips=[nip], ip=ips[k],
                            labels={"app": "svc", "pod-template-hash": svc.split("-")[1]}, containers=[wc], age=10 * DAY - k,
                            owner=owner_ref(g, "apps/v1", "ReplicaSet", "web", svc)))
        nncs.append(nnc(g, n, created=g.t(60 * DAY), requested=alloc, subnet_label=subnet,
                        ncs=[dynamic_nc(g, n, ips=ips, primary="%s.0.%d" % (base, 4 + i), node_ip=nip, subnet=subnet,
                                        cidr=cidr, gateway="%s.0.1" % base, sub=SUB, rg=RG)]))
    pool_profiles.append(aks_pool(pname, count=count, max_pods=110, vnet=VNET, node_subnet="snet-nodes", pod_subnet=subnet,
                                  autoscale=auto, mode="System" if pname == "nodepool1" else "User", surge=surge))
kp = {"component": "kube-proxy", "tier": "node"}
for n in N:
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True,
                    host_ips=[nodes[N.index(n)]["status"]["addresses"][0]["address"]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
                    containers=[container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                    owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=60 * DAY,
                    priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))
ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                                      host_network=True), desired=len(N), ready=len(N), created=g.t(60 * DAY))
for n in N:
    write_text("%s/nodes/%s/cni/net.d/15-azure-swift.conflist" % (ROOT, n), json.dumps(SWIFT_CONFLIST, indent=2) + "\n")
aks = aks_cni_profile(g, sub=SUB, rg=RG, name=CL, node_rg=NODE_RG, pools=pool_profiles)
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)
write_json(ROOT + "/aks.json", aks)
write_json(ROOT + "/expected-findings.json",
           [{"code": "azure-cni-subnet-headroom-low", "kind": "Subnet", "namespace": None, "name": "snet-pods"},
            {"code": "azure-cni-subnet-headroom-low", "kind": "Subnet", "namespace": None, "name": "snet-spot"}])
assert not check_json_files(ROOT)
PY
