#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("azure-cni-guide", "2025-09-04T11:20:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "8dbd2563-77eb-41a1-917b-5a1344da0003", "rg-guide", "aks-guide"
NODE_RG = "MC_rg-guide_aks-guide_westeurope"
VNET = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet-aks" % (SUB, RG)
VMSS = "aks-nodepool1-16180339-vmss"
DAY = 1440
# A: the guide's example exactly as printed: 32 requested, 32 allocated, 21 running pod IPs,
#    pods in ContainerCreating on "not enough IPs available"; no finished pod holds an IP,
#    so the 11 others belong to no pod (the plugin did not release them);
# B: a healthy dynamic node (16 allocated, 6 in use: the rest is CNS's buffer);
# D: a node CNS is growing (asked for 48, has 32, 27 in use, nobody waits): normal.
A, B, D = (VMSS + "00000%d" % i for i in range(3))
N = [A, B, D]
IP = {n: "10.240.0.%d" % (4 + i) for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=None, created=g.t(90 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, kubenet=False, max_pods=110,
                  extra_labels={"kubernetes.azure.com/podnetwork-type": "vnet",
                                "kubernetes.azure.com/podnetwork-subnet": "snet-pods",
                                "kubernetes.azure.com/network-subnet": "snet-nodes"})
         for i, n in enumerate(N)]
NC_IPS = {A: ["10.241.0.%d" % x for x in range(10, 42)],      # 32
          B: ["10.241.0.%d" % x for x in range(42, 58)],      # 16
          D: ["10.241.0.%d" % x for x in range(58, 90)]}      # 32
RUNNING = {A: 21, B: 6, D: 27}
REQUESTED = {A: 32, B: 16, D: 48}
PRIMARY = {A: "10.241.0.4", B: "10.241.0.5", D: "10.241.0.6"}

pods = []
wc = container("web", "ghcr.io/example/web:2.8.1", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
web = "web-" + g.sfx(10, "web")
for n in N:
    for k in range(RUNNING[n]):
        pods.append(pod(g, "shop", "%s-%s" % (web, g.sfx(5, "web", n, k)), node=n, host_ips=[IP[n]], ip=NC_IPS[n][k],
                        labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[wc], age=3 * DAY - k,
                        owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", web)))
stuck = []
for k in range(3):
    p = pod(g, "shop", "%s-%s" % (web, g.sfx(5, "stuck", k)), node=A, host_ips=[IP[A]], state="creating",
            labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[wc], age=9 - k,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", web))
    pods.append(p)
    stuck.append(p)
# B: a pod scheduled seconds ago, no IP yet and no failure: not a pod waiting on the pool
pods.append(pod(g, "shop", "%s-%s" % (web, g.sfx(5, "fresh")), node=B, host_ips=[IP[B]], state="creating",
                labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[wc], age=0.05,
                owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", web)))
HOSTNET_DS = (
    ("kube-proxy", {"component": "kube-proxy", "tier": "node"}, "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", ["kube-proxy", "--v=3"]),
    ("azure-cns", {"k8s-app": "azure-cns"}, "mcr.microsoft.com/containernetworking/azure-cns:v1.6.25", ["/usr/local/bin/azure-cns"]),
)
for dsname, lab, img, cmd in HOSTNET_DS:
    for n in N:
        pods.append(pod(g, "kube-system", "%s-%s" % (dsname, g.sfx(5, dsname, n)), node=n, host_network=True, host_ips=[IP[n]],
                        labels=dict(lab, **{"controller-revision-hash": g.sfx(10, dsname), "pod-template-generation": "1"}),
                        containers=[container(dsname, img, command=cmd)], age=90 * DAY,
                        owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", dsname),
                        priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))
dss = [daemonset(g, "kube-system", dsname, labels=lab, selector=lab, template_labels=lab,
                 pod_spec=template_spec([container(dsname, img, command=cmd)], host_network=True,
                                        priority_class="system-node-critical"),
                 desired=3, ready=3, created=g.t(90 * DAY)) for dsname, lab, img, cmd in HOSTNET_DS]

nncs = [nnc(g, n, created=g.t(90 * DAY), requested=REQUESTED[n], generation=3 + i,
            ncs=[dynamic_nc(g, n, ips=NC_IPS[n], primary=PRIMARY[n], node_ip=IP[n], subnet="snet-pods",
                            cidr="10.241.0.0/16", gateway="10.241.0.1", sub=SUB, rg=RG, version=30 + i)])
        for i, n in enumerate(N)]
events = []
for p in stuck:
    sn = p["metadata"]["name"]
    obj = {"apiVersion": "v1", "kind": "Pod", "name": sn, "namespace": "shop",
           "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}
    events.append(event_legacy(g, "shop", obj, reason="FailedCreatePodSandBox", type_="Warning", count=9, first=8.5, last=0.4,
                               host=A, message=msg_cns_exhausted(g.cid("sb", sn), g.uid("nc", A), sn, "shop")))
for n in N:
    write_text("%s/nodes/%s/cni/net.d/15-azure-swift.conflist" % (ROOT, n), json.dumps(SWIFT_CONFLIST, indent=2) + "\n")
# node-root/: vmss000000's own files, as `netdiag ipam --node-root` reads them on the node (not
# part of the bundle): CNS's endpoint state, one endpoint per container (the 21 running pods,
# and the 11 containers that are gone but whose IPs CNS still records), in the shape CNS
# writes it (Go's json.MarshalIndent with tabs; net.IPNet as {"IP", "Mask"}).
reset_dirs(ROOT, "node-root")
running = [p for p in pods if p["spec"]["nodeName"] == A and p["status"].get("podIP") and not p["spec"].get("hostNetwork")]
eps = {}
for p in running:
    cid = g.cid("sb", p["metadata"]["name"])
    eps[cid] = {"PodName": p["metadata"]["name"], "PodNamespace": p["metadata"]["namespace"],
                "IfnameToIPMap": {"eth0": {"IPv4": [{"IP": p["status"]["podIP"], "Mask": "//8AAA=="}], "IPv6": None,
                                           "HnsEndpointID": "", "HnsNetworkID": "", "HostVethName": "azv" + cid[:11],
                                           "MacAddress": "", "NetworkContainerID": "", "NICType": "InfraNIC"}}}
for k, ip in enumerate(NC_IPS[A][RUNNING[A]:]):
    cid = g.cid("gone", k)
    eps[cid] = {"PodName": "%s-%s" % (web, g.sfx(5, "gone", k)), "PodNamespace": "shop",
                "IfnameToIPMap": {"eth0": {"IPv4": [{"IP": ip, "Mask": "//8AAA=="}], "IPv6": None,
                                           "HnsEndpointID": "", "HnsNetworkID": "", "HostVethName": "azv" + cid[:11],
                                           "MacAddress": "", "NetworkContainerID": "", "NICType": "InfraNIC"}}}
write_text("%s/node-root/%s/var/run/azure-cns/azure-endpoints.json" % (ROOT, A),
           json.dumps({"Endpoints": dict(sorted(eps.items()))}, indent="\t") + "\n")
write_text("%s/node-root/%s/etc/cni/net.d/15-azure-swift.conflist" % (ROOT, A), json.dumps(SWIFT_CONFLIST, indent=2) + "\n")
# node-root-vnet/: the same containers as the azure-vnet plugin records them in
# /var/run/azure-vnet.json (its "Network" store: ExternalInterfaces -> Networks -> Endpoints)
vep = {}
for cid, e in sorted(eps.items()):
    eid = cid[:8] + "-eth0"
    vep[eid] = {"Id": eid, "SandboxKey": "", "IfName": "eth0", "HostIfName": "azv" + cid[:11], "MacAddress": "",
                "InfraVnetIP": {"IP": "", "Mask": None}, "LocalIP": "",
                "IPAddresses": e["IfnameToIPMap"]["eth0"]["IPv4"], "Gateways": ["10.241.0.1"],
                "DNS": {"Suffix": "", "Servers": ["168.63.129.16"], "Options": None}, "Routes": None, "VlanID": 0,
                "EnableSnatOnHost": False, "EnableInfraVnet": False, "EnableMultitenancy": False,
                "AllowInboundFromHostToNC": False, "AllowInboundFromNCToHost": False, "NetworkContainerID": "",
                "ContainerID": cid, "PODName": e["PodName"], "PODNameSpace": e["PodNamespace"], "SecondaryInterfaces": None}
vnet_state = {"Network": {"Version": "v1.6.25", "TimeStamp": g.t(1), "ExternalInterfaces": {"eth0": {
    "Name": "eth0", "Networks": {"azure": {"Id": "azure", "Mode": "transparent", "VlanId": 0, "Subnets": None,
                                           "Endpoints": vep, "SnatBridgeIP": "", "NetNs": "", "DNS": {}}},
    "Subnets": ["10.240.0.0/16"], "BridgeName": "", "DNSSuffix": "", "DNSServers": None, "MacAddress": "",
    "IPAddresses": None, "Routes": None, "IPv4Gateway": "10.240.0.1", "IPv6Gateway": "::"}}}}
reset_dirs(ROOT, "node-root-vnet")
write_text("%s/node-root-vnet/%s/var/run/azure-vnet.json" % (ROOT, A), json.dumps(vnet_state, indent="\t") + "\n")
aks = aks_cni_profile(g, sub=SUB, rg=RG, name=CL, node_rg=NODE_RG,
                      pools=[aks_pool("nodepool1", count=3, max_pods=110, vnet=VNET, node_subnet="snet-nodes",
                                      pod_subnet="snet-pods", autoscale=(3, 10), mode="System")])
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/daemonsets.json", sorted(dss, key=key))
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)
write_json(ROOT + "/aks.json", aks)
write_json(ROOT + "/expected-findings.json",
           [{"code": "ipam-leak", "kind": "NodeNetworkConfig", "namespace": "kube-system", "name": A}] +
           node_findings("pod-ip-allocation-failed", stuck))
assert not check_json_files(ROOT)
PY
