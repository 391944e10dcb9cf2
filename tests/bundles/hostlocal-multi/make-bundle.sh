#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("hostlocal-multi", "2025-10-09T10:10:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, NODE_RG, VMSS = "3c2b1a09-8f7e-4d6c-9b5a-4c3b2a1f0e9d", "MC_rg-hl_aks-hl_eastus2", "aks-nodepool1-27182818-vmss"
DAY = 1440
N = [VMSS + "00000%d" % i for i in range(3)]
IP = {n: "10.224.0.%d" % (4 + i) for i, n in enumerate(N)}
CIDR = {n: "10.244.%d.0/24" % i for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=[CIDR[n]], created=g.t(30 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, region="eastus2") for i, n in enumerate(N)]
# Every node has more than one host-local network. The default network (the first config
# in libcni order) is what pods' status.podIPs list; the others (Multus attachments, a
# chained ptp network) are judged by their own store: full is full, but an address no
# pod's status lists is no proof of a leak there without the node's sandbox state.
#  vmss000000: 10-containerd-net.conflist (kubenet: 1 leaked entry), 20-macvlan.conf (a
#              single .conf, 3 attachments), 30-ptp.conflist (chained ptp + portmap on a /29:
#              all 5 addresses reserved -> full)
#  vmss000001: a .conf default network only (a finished pod still holds its address)
#  vmss000002: healthy, with a macvlan network whose attachments no pod's status lists
MACVLAN = lambda sub: json.dumps({"cniVersion": "0.4.0", "name": "macvlan-net", "type": "macvlan", "master": "eth1",
                                  "mode": "bridge", "ipam": {"type": "host-local", "subnet": sub,
                                                             "rangeStart": sub.rsplit(".", 1)[0] + ".10",
                                                             "rangeEnd": sub.rsplit(".", 1)[0] + ".50"}}, indent=2) + "\n"
PTP = json.dumps({"cniVersion": "0.4.0", "name": "ptp-net", "plugins": [
    {"type": "ptp", "ipMasq": True, "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.250.0.0/29"}]]}},
    {"type": "portmap", "capabilities": {"portMappings": True}}]}, indent=2) + "\n"
SINGLE = lambda cidr: json.dumps({"cniVersion": "0.3.1", "name": "kubenet", "type": "bridge", "bridge": "cbr0",
                                  "isGateway": True, "ipam": {"type": "host-local", "subnet": cidr}}, indent=2) + "\n"
pods, store = [], {n: [] for n in N}
wc = container("app", "ghcr.io/example/app:3.1.0", ports=[port(8080, "http")])
app = "app-" + g.sfx(10, "app")
COUNT = {N[0]: 6, N[1]: 4, N[2]: 5}
for i, n in enumerate(N):
    ips = usable_hostlocal(CIDR[n])
    for k in range(COUNT[n]):
        p = pod(g, "apps", "%s-%s" % (app, g.sfx(5, "app", n, k)), node=n, host_ips=[IP[n]], ip=ips[k],
                labels={"app": "app", "pod-template-hash": app.split("-")[1]}, containers=[wc], age=3 * DAY - k,
                owner=owner_ref(g, "apps/v1", "ReplicaSet", "apps", app))
        pods.append(p)
        store[n].append((ips[k], g.cid("sb", p["metadata"]["name"])))
# vmss000000: an address of the default network no pod holds
store[N[0]].append((usable_hostlocal(CIDR[N[0]])[40], g.cid("leaked", 1)))
# vmss000001: a finished Job pod still holds its address
jc = container("job", "ghcr.io/example/job:1.0.0", command=["/job"])
jp = pod(g, "apps", "nightly-29170000-" + g.sfx(5, "job"), node=N[1], host_ips=[IP[N[1]]],
         ip=usable_hostlocal(CIDR[N[1]])[20], state="succeeded", containers=[jc], age=DAY, finished=DAY - 10,
         restart_policy="Never", labels={"job-name": "nightly-29170000"},
         owner=owner_ref(g, "batch/v1", "Job", "apps", "nightly-29170000"))
pods.append(jp)
store[N[1]].append((usable_hostlocal(CIDR[N[1]])[20], g.cid("sb", jp["metadata"]["name"])))
for n in N:
    write_store(ROOT, n, "kubenet", store[n], {0: store[n][-1][0]})
write_text("%s/nodes/%s/cni/net.d/10-containerd-net.conflist" % (ROOT, N[0]), kubenet_conflist([CIDR[N[0]]]))
write_text("%s/nodes/%s/cni/net.d/20-macvlan.conf" % (ROOT, N[0]), MACVLAN("192.168.50.0/24"))
write_text("%s/nodes/%s/cni/net.d/30-ptp.conflist" % (ROOT, N[0]), PTP)
write_store(ROOT, N[0], "macvlan-net", [("192.168.50.%d" % (10 + k), g.cid("mv", 0, k)) for k in range(3)], {0: "192.168.50.12"})
write_store(ROOT, N[0], "ptp-net", [("10.250.0.%d" % x, g.cid("ptp", x)) for x in range(2, 7)], {0: "10.250.0.6"})
write_text("%s/nodes/%s/cni/net.d/10-kubenet.conf" % (ROOT, N[1]), SINGLE(CIDR[N[1]]))
write_text("%s/nodes/%s/cni/net.d/10-containerd-net.conflist" % (ROOT, N[2]), kubenet_conflist([CIDR[N[2]]]))
write_text("%s/nodes/%s/cni/net.d/20-macvlan.conf" % (ROOT, N[2]), MACVLAN("192.168.60.0/24"))
write_store(ROOT, N[2], "macvlan-net", [("192.168.60.%d" % (10 + k), g.cid("mv", 2, k)) for k in range(4)], {0: "192.168.60.13"})
kp = {"component": "kube-proxy", "tier": "node"}
for n in N:
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[IP[n]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
                    containers=[container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                    owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=30 * DAY,
                    priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))
ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                                      host_network=True), desired=3, ready=3, created=g.t(30 * DAY))
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_json(ROOT + "/expected-findings.json", [
    {"code": "ipam-leak", "kind": "Node", "namespace": None, "name": N[0]},
    {"code": "ipam-pool-exhausted", "kind": "Node", "namespace": None, "name": N[0]},
    {"code": "terminated-pods-hold-ips", "kind": "Node", "namespace": None, "name": N[1]},
])
assert not check_json_files(ROOT)
PY
