#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("pool-exhausted", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, NODE_RG, VMSS = "0b7e4c1d-2a3f-4e5b-8c6d-9e0f1a2b3c4d", "MC_rg-tiny_aks-tiny_northeurope", "aks-nodepool1-55512345-vmss"
DAY = 1440
N = [VMSS + "000000", VMSS + "000001"]
IP = {N[0]: "10.224.0.4", N[1]: "10.224.0.5"}
CIDR = {N[0]: "10.244.0.0/28", N[1]: "10.244.0.16/28"}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=[CIDR[n]], created=g.t(20 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, region="northeurope") for i, n in enumerate(N)]
pods, store = [], {n: [] for n in N}


def add(p):
    pods.append(p)
    if p["status"].get("podIP") and not p["spec"].get("hostNetwork"):
        store[p["spec"]["nodeName"]].append((p["status"]["podIP"], g.cid("sandbox", p["metadata"]["name"])))


kp = {"component": "kube-proxy", "tier": "node"}
for n in N:
    add(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[IP[n]],
            labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
            containers=[container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
            owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=20 * DAY,
            priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))

# vmss000000: the /28 gives 13 addresses (10.244.0.2 .. .14); 13 live pods hold them
rs = "worker-" + g.sfx(10, "rs")
wc = container("worker", "ghcr.io/example/queue-worker:1.2.0", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
usable = usable_hostlocal(CIDR[N[0]])
assert len(usable) == 13
for k, ip in enumerate(usable):
    add(pod(g, "work", "%s-%s" % (rs, g.sfx(5, "w", k)), node=N[0], host_ips=[IP[N[0]]], ip=ip,
            labels={"app": "worker", "pod-template-hash": rs.split("-")[1]}, containers=[wc], age=300 - k,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "work", rs)))
stuck = pod(g, "work", "%s-%s" % (rs, g.sfx(5, "w", "stuck")), node=N[0], host_ips=[IP[N[0]]], state="creating",
            labels={"app": "worker", "pod-template-hash": rs.split("-")[1]}, containers=[wc], age=25,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "work", rs))
add(stuck)
# vmss000001: healthy, 2 of 13 used
for k, ip in enumerate(("10.244.0.18", "10.244.0.19")):
    add(pod(g, "work", "%s-%s" % (rs, g.sfx(5, "w1", k)), node=N[1], host_ips=[IP[N[1]]], ip=ip,
            labels={"app": "worker", "pod-template-hash": rs.split("-")[1]}, containers=[wc], age=280,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "work", rs)))

for n in N:
    write_text("%s/nodes/%s/cni/net.d/10-containerd-net.conflist" % (ROOT, n), kubenet_conflist([CIDR[n]]))
    write_store(ROOT, n, "kubenet", sorted(store[n], key=lambda e: ipaddress.ip_address(e[0])),
                {0: max((e[0] for e in store[n]), key=ipaddress.ip_address)})

sn = stuck["metadata"]["name"]
pobj = {"apiVersion": "v1", "kind": "Pod", "name": sn, "namespace": "work",
        "resourceVersion": stuck["metadata"]["resourceVersion"], "uid": stuck["metadata"]["uid"]}
events = [event_legacy(g, "work", pobj, reason="FailedCreatePodSandBox", type_="Warning",
                       message=msg_hostlocal(g.cid("failed-sandbox", sn), CIDR[N[0]]), count=22, first=24.8, last=0.7,
                       host=N[0])]

svcs, eps, sls = [], [], []
ks = kubernetes_service(g, "10.0.0.1", created=g.t(20 * DAY))
ke, kl = kubernetes_endpoints(g, ["198.51.100.40"], created=g.t(20 * DAY))
svcs.append(ks); eps.append(ke); sls.append(kl)
s = service(g, "work", "worker", cluster_ip="10.0.31.7", selector={"app": "worker"}, ports=[svc_port(80, "http", "http")])
e, sl = endpoints_for(g, s, pods, nodes)
svcs.append(s); eps.append(e); sls.extend(sl)
ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                                      host_network=True), desired=2, ready=2, created=g.t(20 * DAY))
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_json(ROOT + "/expected-findings.json", node_findings("pod-ip-allocation-failed", [stuck]) + [
    {"code": "ipam-pool-exhausted", "kind": "Node", "namespace": None, "name": N[0]},
])
assert not check_json_files(ROOT)
print("stuck pod:", sn)
EOF
