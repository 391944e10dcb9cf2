#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("azure-cni-limits", "2025-09-18T16:05:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "8dbd2563-77eb-41a1-917b-5a1344da0004", "rg-lim", "aks-lim"
NODE_RG = "MC_rg-lim_aks-lim_westeurope"
VNET = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet-aks" % (SUB, RG)
DAY = 1440
P1, P2 = "aks-nodepool1-14142135-vmss", "aks-batchpool-17320508-vmss"
# nodepool1 on snet-pods-a 10.241.0.0/26 (64 - 5 reserved = 59 usable):
#   E is refused by NCUpdateSubnetFullError: asked for 48, has 32, all in use, 2 pods wait;
#   F, its neighbour, is fine (24 allocated, 12 in use); E 32+1 and F 24+1 primary IPs = 58 of 59.
# batchpool on snet-pods-b 10.242.0.0/24 (maxPods 30, so CNS's maxIPCount is 30):
#   G is capped: 30 requested = 30 allocated = maxIPCount; 24 running pods, 6 finished Job pods
#     not yet collected still hold theirs, 3 pods wait;
#   H is refused by NCUpdateUnauthorizedError: asked for 32, has 16, all in use, 2 pods wait;
#   I is capped as well but has 10 free IPs, and its only waiting pod was scheduled seconds ago: nothing.
E, F = P1 + "000000", P1 + "000001"
G, H, I = P2 + "000000", P2 + "000001", P2 + "000002"
N = [E, F, G, H, I]
POOL = {E: "nodepool1", F: "nodepool1", G: "batchpool", H: "batchpool", I: "batchpool"}
SUBNET = {E: "snet-pods-a", F: "snet-pods-a", G: "snet-pods-b", H: "snet-pods-b", I: "snet-pods-b"}
CIDR = {"snet-pods-a": "10.241.0.0/26", "snet-pods-b": "10.242.0.0/24"}
IP = {n: "10.240.0.%d" % (4 + i) for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=None, created=g.t(40 * DAY), sub=SUB, node_rg=NODE_RG,
                  vmss=n[:-6], instance=int(n[-1]), kubenet=False, pool=POOL[n], mode="system" if POOL[n] == "nodepool1" else "user",
                  max_pods=110 if POOL[n] == "nodepool1" else 30,
                  extra_labels={"kubernetes.azure.com/podnetwork-type": "vnet",
                                "kubernetes.azure.com/podnetwork-subnet": SUBNET[n],
                                "kubernetes.azure.com/network-subnet": "snet-nodes"})
         for n in N]
NC_IPS = {E: ["10.241.0.%d" % x for x in range(6, 38)],     # 32
          F: ["10.241.0.%d" % x for x in range(38, 62)],    # 24
          G: ["10.242.0.%d" % x for x in range(6, 36)],     # 30
          H: ["10.242.0.%d" % x for x in range(36, 52)],    # 16
          I: ["10.242.0.%d" % x for x in range(52, 82)]}    # 30
PRIMARY = {E: "10.241.0.4", F: "10.241.0.5", G: "10.242.0.4", H: "10.242.0.5", I: "10.242.0.82"}
RUNNING = {E: 32, F: 12, G: 24, H: 16, I: 20}
REQUESTED = {E: 48, F: 24, G: 30, H: 32, I: 30}
STATUS = {E: "NCUpdateSubnetFullError", F: None, G: None, H: "NCUpdateUnauthorizedError", I: None}
SCALER = {E: (16, 110, 150, 50), F: (16, 110, 150, 50), G: (10, 30, 150, 50), H: (16, 30, 150, 50), I: (10, 30, 150, 50)}
WAITING = {E: 2, F: 0, G: 3, H: 2, I: 0}

pods, stuck = [], []
wc = container("api", "ghcr.io/example/api:5.2.0", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
api = "api-" + g.sfx(10, "api")
for n in N:
    for k in range(RUNNING[n]):
        pods.append(pod(g, "prod", "%s-%s" % (api, g.sfx(5, "api", n, k)), node=n, host_ips=[IP[n]], ip=NC_IPS[n][k],
                        labels={"app": "api", "pod-template-hash": api.split("-")[1]}, containers=[wc], age=5 * DAY - k,
                        owner=owner_ref(g, "apps/v1", "ReplicaSet", "prod", api)))
    for k in range(WAITING[n]):
        p = pod(g, "prod", "%s-%s" % (api, g.sfx(5, "wait", n, k)), node=n, host_ips=[IP[n]], state="creating",
                labels={"app": "api", "pod-template-hash": api.split("-")[1]}, containers=[wc], age=12 - k,
                owner=owner_ref(g, "apps/v1", "ReplicaSet", "prod", api))
        pods.append(p)
        stuck.append(p)
# I: capped too (30 = 30 = maxIPCount) but 10 IPs free; a pod scheduled seconds ago waits: nothing
pods.append(pod(g, "prod", "%s-%s" % (api, g.sfx(5, "fresh", I)), node=I, host_ips=[IP[I]], state="creating",
                labels={"app": "api", "pod-template-hash": api.split("-")[1]}, containers=[wc], age=0.05,
                owner=owner_ref(g, "apps/v1", "ReplicaSet", "prod", api)))
jc = container("etl", "ghcr.io/example/etl:0.9.4", command=["/etl", "--once"])
for k in range(6):
    job = "etl-2915%02d" % k
    pods.append(pod(g, "batch", "%s-%s" % (job, g.sfx(5, "job", k)), node=G, host_ips=[IP[G]], ip=NC_IPS[G][24 + k],
                    state="succeeded", labels={"batch.kubernetes.io/job-name": job, "job-name": job}, containers=[jc],
                    age=DAY - 30 * k, finished=DAY - 30 * k - 12, restart_policy="Never",
                    owner=owner_ref(g, "batch/v1", "Job", "batch", job)))
HOSTNET_DS = (
    ("kube-proxy", {"component": "kube-proxy", "tier": "node"}, "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", ["kube-proxy", "--v=3"]),
    ("azure-cns", {"k8s-app": "azure-cns"}, "mcr.microsoft.com/containernetworking/azure-cns:v1.6.25", ["/usr/local/bin/azure-cns"]),
)
for dsname, lab, img, cmd in HOSTNET_DS:
    for n in N:
        pods.append(pod(g, "kube-system", "%s-%s" % (dsname, g.sfx(5, dsname, n)), node=n, host_network=True, host_ips=[IP[n]],
                        labels=dict(lab, **{"controller-revision-hash": g.sfx(10, dsname), "pod-template-generation": "1"}),
                        containers=[container(dsname, img, command=cmd)], age=40 * DAY,
                        owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", dsname),
                        priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))
dss = [daemonset(g, "kube-system", dsname, labels=lab, selector=lab, template_labels=lab,
                 pod_spec=template_spec([container(dsname, img, command=cmd)], host_network=True,
                                        priority_class="system-node-critical"),
                 desired=5, ready=5, created=g.t(40 * DAY)) for dsname, lab, img, cmd in HOSTNET_DS]
nncs = [nnc(g, n, created=g.t(40 * DAY), requested=REQUESTED[n], scaler=SCALER[n], subnet_label=SUBNET[n],
            ncs=[dynamic_nc(g, n, ips=NC_IPS[n], primary=PRIMARY[n], node_ip=IP[n], subnet=SUBNET[n], cidr=CIDR[SUBNET[n]],
                            gateway=CIDR[SUBNET[n]].replace(".0/", ".1/").split("/")[0], sub=SUB, rg=RG, status=STATUS[n])])
        for n in N]
events = []
for p in stuck:
    sn, n = p["metadata"]["name"], p["spec"]["nodeName"]
    obj = {"apiVersion": "v1", "kind": "Pod", "name": sn, "namespace": "prod",
           "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}
    events.append(event_legacy(g, "prod", obj, reason="FailedCreatePodSandBox", type_="Warning", count=7, first=11.5, last=0.5,
                               host=n, message=msg_cns_exhausted(g.cid("sb", sn), g.uid("nc", n), sn, "prod")))
for n in N:
    write_text("%s/nodes/%s/cni/net.d/15-azure-swift.conflist" % (ROOT, n), json.dumps(SWIFT_CONFLIST, indent=2) + "\n")
aks = aks_cni_profile(g, sub=SUB, rg=RG, name=CL, node_rg=NODE_RG,
                      pools=[aks_pool("nodepool1", count=2, max_pods=110, vnet=VNET, node_subnet="snet-nodes",
                                      pod_subnet="snet-pods-a", mode="System"),
                             aks_pool("batchpool", count=3, max_pods=30, vnet=VNET, node_subnet="snet-nodes",
                                      pod_subnet="snet-pods-b")])
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/daemonsets.json", sorted(dss, key=key))
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)
write_json(ROOT + "/aks.json", aks)
nf = lambda code, n: {"code": code, "kind": "NodeNetworkConfig", "namespace": "kube-system", "name": n}
write_json(ROOT + "/expected-findings.json",
           [nf("azure-cni-subnet-full", E), nf("azure-cni-ip-shortage", E),
            nf("terminated-pods-hold-ips", G), nf("azure-cni-ip-limit-reached", G),
            nf("azure-cni-nc-update-failed", H), nf("azure-cni-ip-shortage", H)] +
           node_findings("pod-ip-allocation-failed", stuck))
assert not check_json_files(ROOT)
PY
