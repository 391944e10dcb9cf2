#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("sandbox-causes", "2025-08-21T07:45:00Z")
reset_dirs(ROOT, "cluster")
SUB, NODE_RG, VMSS = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", "MC_rg-sc_aks-sc_northeurope", "aks-nodepool1-14142135-vmss"
DAY = 1440
N = [VMSS + "00000%d" % i for i in range(5)]
IP = {n: "10.224.0.%d" % (4 + i) for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=None, created=g.t(20 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, region="northeurope", kubenet=False) for i, n in enumerate(N)]
pods, events = [], []
kp = {"component": "kube-proxy", "tier": "node"}
for n in N:
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[IP[n]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
                    containers=[container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                    owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=20 * DAY,
                    priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))


def stuck(app, node, k, age, state="creating", ip=None, deleting=None):
    rs = "%s-%s" % (app, g.sfx(10, "rs", app))
    p = pod(g, "apps", "%s-%s" % (rs, g.sfx(5, "p", app, k)), node=node, host_ips=[IP[node]], state=state, ip=ip,
            labels={"app": app, "pod-template-hash": rs.rsplit("-", 1)[1]}, deleting=deleting,
            containers=[container(app, "ghcr.io/example/%s:2.1.0" % app, ports=[port(8080, "http")])], age=age,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "apps", rs))
    pods.append(p)
    return p


def fail(p, tail, count, first, last, pfx=True):
    obj = {"apiVersion": "v1", "kind": "Pod", "name": p["metadata"]["name"], "namespace": "apps",
           "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}
    sb = g.cid("sb", p["metadata"]["name"], last)
    msg = ("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"%s\": " % sb + tail) if pfx else tail
    events.append(event_legacy(g, "apps", obj, reason="FailedCreatePodSandBox", type_="Warning", message=msg,
                               count=count, first=first, last=last, host=p["spec"]["nodeName"]))


want = {}   # (code, node) -> pods
def expect(code, p):
    want.setdefault((code, p["spec"]["nodeName"]), []).append(p)


# vmss000000: after a node-image hiccup the azure-vnet binary is missing: 17 pods, one cause
for k in range(17):
    p = stuck("web", N[0], k, 30 - k)
    fail(p, "plugin type=\"azure-vnet\" failed (add): failed to find plugin \"azure-vnet\" in path [/opt/cni/bin]", 6 + k, 29 - k, 0.5)
    expect("pod-network-setup-failed", p)
# vmss000001: azure-cns is down (connection refused on localhost:10090) for 3 pods, and an
# older exhaustion on the same node for another: two causes, two findings for the node
for k in range(3):
    p = stuck("api", N[1], k, 12 - k)
    fail(p, "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
            "%%w: http request failed: Post \"http://localhost:10090/network/requestipconfigs\": dial tcp 127.0.0.1:10090: connect: connection refused"
            % (), 9, 11.5 - k, 0.3)
    expect("pod-network-setup-failed", p)
p = stuck("batch", N[1], 0, 50)
sb = g.cid("sbx", "batch")
fail(p, "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
        "%%w: AllocateIPConfig failed: not enough IPs available of type IPv4 for %s, waiting on Azure CNS to allocate more with NC Status: , "
        "IP config request is [IPConfigRequest: DesiredIPAddress , PodInterfaceID %s-eth0, InfraContainerID %s, "
        "OrchestratorContext {\"PodName\":\"%s\",\"PodNamespace\":\"apps\"}]" % (g.uid("nc", 1), sb[:8], sb, p["metadata"]["name"]), 14, 49, 1.5)
expect("pod-ip-allocation-failed", p)
# vmss000002: containerd has no CNI config yet (2 pods), one pod whose netns went away (dockershim wording)
for k in range(2):
    p = stuck("cache", N[2], k, 8 - k)
    fail(p, "cni plugin not initialized", 5, 7.9 - k, 0.2)
    expect("pod-network-setup-failed", p)
p = stuck("worker", N[2], 0, 6)
nm = p["metadata"]["name"]
fail(p, "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"%s\" network for pod \"%s\": "
        "networkPlugin cni failed to set up pod \"%s_apps\" network: failed to Statfs \"/proc/48213/ns/net\": no such file or directory"
        % (g.cid("sbn", nm), nm, nm), 3, 5.8, 0.7, pfx=False)
expect("pod-network-setup-failed", p)
# vmss000003: the Cilium agent is not running (its socket is missing)
for k in range(2):
    p = stuck("front", N[3], k, 9 - k)
    fail(p, "plugin type=\"cilium-cni\" failed (add): unable to connect to Cilium agent: failed to create cilium agent client after "
            "30.000000 seconds timeout: Get \"http://localhost/v1/config\": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory\n"
            "Is the agent running?", 4, 8.8 - k, 0.9)
    expect("pod-network-setup-failed", p)
# vmss000004: the plugin timed out
p = stuck("report", N[4], 0, 15)
fail(p, "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
        "%w: http request failed: Post \"http://localhost:10090/network/requestipconfigs\": context deadline exceeded", 7, 14.5, 0.4)
expect("pod-network-setup-failed", p)

# ---- healthy look-alikes: nothing ----
# got its IP since: the missing-plugin events are history
p = stuck("web", N[0], 99, 40, state="ready", ip="10.224.0.140")
fail(p, "plugin type=\"azure-vnet\" failed (add): failed to find plugin \"azure-vnet\" in path [/opt/cni/bin]", 4, 39, 33)
# being deleted: the controller has given up on it
p = stuck("api", N[1], 99, 20, deleting=g.t(0.5))
fail(p, "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
        "%w: http request failed: Post \"http://localhost:10090/network/requestipconfigs\": dial tcp 127.0.0.1:10090: connect: connection refused", 2, 19, 1)
# a sandbox failure that is not about the network: the pause image cannot be pulled
p = stuck("pause", N[4], 0, 10)
fail(p, "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": "
        "failed to pull image \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": failed to pull and unpack image \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": "
        "failed to resolve reference \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": failed to do request: Head \"https://mcr.microsoft.com/v2/oss/kubernetes/pause/manifests/3.6\": dial tcp: lookup mcr.microsoft.com: i/o timeout",
     5, 9.5, 0.6, pfx=False)

ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                                      host_network=True), desired=5, ready=5, created=g.t(20 * DAY))
ks = kubernetes_service(g, "10.0.0.1", created=g.t(20 * DAY))
ke, kl = kubernetes_endpoints(g, ["203.0.113.77"], created=g.t(20 * DAY))
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/services.json", [ks])
write_list(ROOT + "/cluster/endpoints.json", [ke])
write_list(ROOT + "/cluster/endpointslices.json", [kl])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/events.json", sorted(events, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
exp = []
for (code, node), ps in sorted(want.items()):
    exp += node_findings(code, ps)
write_json(ROOT + "/expected-findings.json", exp)
assert not check_json_files(ROOT)
PY
