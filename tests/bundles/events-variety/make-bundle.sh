#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("events-variety", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, NODE_RG, VMSS = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "MC_rg-ev_aks-ev_westus3", "aks-nodepool1-16180339-vmss"
DAY = 1440
N = [VMSS + "00000%d" % i for i in range(3)]
IP = {n: "10.224.0.%d" % (4 + i) for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=["10.244.%d.0/24" % i], created=g.t(40 * DAY), sub=SUB, node_rg=NODE_RG,
                  vmss=VMSS, instance=i, region="westus3") for i, n in enumerate(N)]
pods, core, v1 = [], [], []
kp = {"component": "kube-proxy", "tier": "node"}
for n in N:
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[IP[n]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
                    containers=[container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                    owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=40 * DAY,
                    priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))


def stuck(name, node, age, state="creating", ip=None):
    rs = "%s-%s" % (name, g.sfx(10, "rs", name))
    p = pod(g, "apps", "%s-%s" % (rs, g.sfx(5, "p", name)), node=node, host_ips=[IP[node]], state=state, ip=ip,
            labels={"app": name, "pod-template-hash": rs.rsplit("-", 1)[1]},
            containers=[container(name, "ghcr.io/example/%s:1.0.0" % name, ports=[port(8080, "http")])], age=age,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "apps", rs))
    pods.append(p)
    return p


def ref(p):
    return {"apiVersion": "v1", "kind": "Pod", "name": p["metadata"]["name"], "namespace": "apps",
            "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}


PFX = "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"%s\": "
expected = []


def legacy(p, msg, count, first, last, host=None, **kw):
    core.append(event_legacy(g, "apps", ref(p), reason="FailedCreatePodSandBox", type_="Warning", message=msg,
                             count=count, first=first, last=last, host=host or p["spec"]["nodeName"], **kw))


def expect(p):
    expected.append(p)


# 1 Azure CNI v1 (azure-vnet-ipam), containerd wording
p = stuck("azcni-v1", N[0], 30); expect(p)
legacy(p, (PFX % g.cid("sb", 1)) + "Failed to allocate pool: Failed to delegate: Failed to allocate address: No available addresses", 12, 29.5, 0.5)
# 2 Azure CNI v1 pool variant, dockershim wording
p = stuck("azcni-pool", N[0], 31); expect(p)
nm = p["metadata"]["name"]
legacy(p, "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"%s\" network for pod \"%s\": "
          "networkPlugin cni failed to set up pod \"%s_apps\" network: Failed to allocate pool: Failed to delegate: Failed to allocate pool: No available address pools"
          % (g.cid("sb", 2), nm, nm), 9, 30.5, 1)
# 3 Azure CNI + CNS, the wording of the AKS troubleshooting guide
p = stuck("cns", N[1], 25); expect(p)
nm = p["metadata"]["name"]
sb = g.cid("sb", 3)
legacy(p, (PFX % sb) + "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
          "%%w: AllocateIPConfig failed: not enough IPs available for %s, waiting on Azure CNS to allocate more with NC Status: , "
          "IP config request is [IPConfigRequest: DesiredIPAddress , PodInterfaceID %s-eth0, InfraContainerID %s, "
          "OrchestratorContext {\"PodName\":\"%s\",\"PodNamespace\":\"apps\"}]" % (g.uid("nc", 1), sb[:8], sb, nm), 17, 24.8, 0.2)
# 4 CNS, current wording (typed)
p = stuck("cns-typed", N[1], 22); expect(p)
sb = g.cid("sb", 4)
legacy(p, (PFX % sb) + "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
          "%%w: AllocateIPConfig failed: not enough IPs available of type IPv4 for %s, waiting on Azure CNS to allocate more with NC Status: SubnetFull, "
          "IP config request is [IPConfigRequest: DesiredIPAddress , PodInterfaceID %s-eth0, InfraContainerID %s, "
          "OrchestratorContext {\"PodName\":\"%s\",\"PodNamespace\":\"apps\"}]" % (g.uid("nc", 2), sb[:8], sb, p["metadata"]["name"]), 6, 21.7, 2.5)
# 5 Calico IPAM
p = stuck("calico", N[2], 40); expect(p)
legacy(p, (PFX % g.cid("sb", 5)) + "plugin type=\"calico\" failed (add): failed to request 1 IPv4 addresses. IPAM allocated only 0", 21, 39.8, 0.9)
# 6 Cilium cluster-pool
p = stuck("cilium", N[2], 15); expect(p)
legacy(p, (PFX % g.cid("sb", 6)) + "plugin type=\"cilium-cni\" name=\"cilium\" failed (add): unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure  range is full", 8, 14.7, 3)
# 7 Cilium ENI/Azure IPAM
p = stuck("cilium-crd", N[2], 16); expect(p)
legacy(p, (PFX % g.cid("sb", 7)) + "plugin type=\"cilium-cni\" name=\"cilium\" failed (add): unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure \"No more IPs available\"", 5, 15.9, 4)
# 8 AWS VPC CNI, old kubelet wording "Failed create pod sandbox"
p = stuck("aws", N[0], 50); expect(p)
nm = p["metadata"]["name"]
legacy(p, "Failed create pod sandbox: rpc error: code = Unknown desc = NetworkPlugin cni failed to set up pod \"%s_apps\" network: add cmd: failed to assign an IP address to container" % nm, 34, 49.7, 0.3)
# 9 host-local via events.k8s.io/v1, legacy recorder underneath (deprecatedCount etc.)
p = stuck("hl-v1", N[0], 20); expect(p)
v1.append(event_v1(g, "apps", ref(p), reason="FailedCreatePodSandBox", type_="Warning", controller="kubelet", instance=N[0],
                   note=msg_hostlocal(g.cid("sb", 9), "10.244.0.0/24"), deprecated=(17, 19.8, 0.4, "kubelet", N[0])))
# 10 host-local via events.k8s.io/v1 with a series (new recorder)
p = stuck("hl-series", N[1], 18); expect(p)
v1.append(event_v1(g, "apps", ref(p), reason="FailedCreatePodSandBox", type_="Warning", controller="kubelet", instance=N[1],
                   action="CreatePodSandbox", note=msg_hostlocal(g.cid("sb", 10), "10.244.1.0/24"), when=17.9, series=(9, 0.6)))
# 11 core/v1, aggregated by the client-go correlator
p = stuck("hl-combined", N[1], 45); expect(p)
legacy(p, "(combined from similar events): " + msg_hostlocal(g.cid("sb", 11), "10.244.1.0/24"), 31, 44.9, 0.1)
# 12 the same event in both APIs (same name and uid): one finding
p = stuck("hl-dup", N[2], 12); expect(p)
e = event_legacy(g, "apps", ref(p), reason="FailedCreatePodSandBox", type_="Warning",
                 message=msg_hostlocal(g.cid("sb", 12), "10.244.2.0/24"), count=4, first=11.9, last=1.2, host=N[2])
core.append(e)
v1.append({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": dict(e["metadata"]), "eventTime": None,
           "reason": e["reason"], "note": e["message"], "regarding": e["involvedObject"], "type": "Warning",
           "reportingController": "kubelet", "reportingInstance": N[2],
           "deprecatedCount": 4, "deprecatedFirstTimestamp": e["firstTimestamp"], "deprecatedLastTimestamp": e["lastTimestamp"],
           "deprecatedSource": {"component": "kubelet", "host": N[2]}})

# ---- negatives ----
# sandbox failure that is not about IPs (pause image cannot be pulled)
p = stuck("pause-pull", N[0], 10)
legacy(p, "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": "
          "failed to pull image \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": failed to pull and unpack image \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": "
          "failed to resolve reference \"mcr.microsoft.com/oss/kubernetes/pause:3.6\": failed to do request: Head \"https://mcr.microsoft.com/v2/oss/kubernetes/pause/manifests/3.6\": dial tcp: lookup mcr.microsoft.com: i/o timeout",
       7, 9.8, 0.8)
NEG_PAUSE = p["metadata"]["name"]
# recovered: Running with an IP, old out-of-IP event still listed
p = stuck("recovered", N[1], 55, state="ready", ip="10.244.1.40")
legacy(p, msg_hostlocal(g.cid("sb", 20), "10.244.1.0/24"), 3, 54.5, 41)
NEG_RECOVERED = p["metadata"]["name"]
# just scheduled, sandbox being created, no event yet
p = stuck("fresh", N[2], 0.1)
NEG_FRESH = p["metadata"]["name"]
# event about a pod that no longer exists
gone = {"apiVersion": "v1", "kind": "Pod", "name": "gone-6f7d8c9b5d-q2w3e", "namespace": "apps", "resourceVersion": "4111111",
        "uid": g.uid("Pod", "apps", "gone")}
core.append(event_legacy(g, "apps", gone, reason="FailedCreatePodSandBox", type_="Warning",
                         message=msg_hostlocal(g.cid("sb", 21), "10.244.2.0/24"), count=6, first=30, last=9, host=N[2]))
# unrelated Normal events (both APIs)
core.append(event_legacy(g, "apps", dict(ref(p), fieldPath="spec.containers{fresh}"), reason="Pulling",
                         message="Pulling image \"ghcr.io/example/fresh:1.0.0\"", first=0.05, last=0.05, host=N[2]))
v1.append(event_v1(g, "apps", ref(p), reason="Scheduled", note="Successfully assigned apps/%s to %s" % (p["metadata"]["name"], N[2]),
                   controller="default-scheduler", instance="default-scheduler-kube-scheduler-6b8d9f7c5-x4k2p", action="Binding", when=0.1))
core.append(event_legacy(g, "default", {"apiVersion": "v1", "kind": "Node", "name": N[0], "uid": N[0]}, reason="NodeReady",
                         message="Node %s status is now: NodeReady" % N[0], first=58, last=58, host=N[0]))

ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", command=["kube-proxy", "--v=3"])],
                                      host_network=True), desired=3, ready=3, created=g.t(40 * DAY))
ks = kubernetes_service(g, "10.0.0.1", created=g.t(40 * DAY))
ke, kl = kubernetes_endpoints(g, ["203.0.113.61"], created=g.t(40 * DAY))
write_list(ROOT + "/cluster/services.json", [ks])
write_list(ROOT + "/cluster/endpoints.json", [ke])
write_list(ROOT + "/cluster/endpointslices.json", [kl])
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/events.json", sorted(core, key=key))
write_list(ROOT + "/cluster/events-events.k8s.io.json", sorted(v1, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_json(ROOT + "/expected-findings.json", node_findings("pod-ip-allocation-failed", expected))
assert not check_json_files(ROOT)
print("negatives:", NEG_PAUSE, NEG_RECOVERED, NEG_FRESH)
for x in sorted(expected, key=lambda x: x["metadata"]["name"]):
    print(x["metadata"]["name"])
EOF
