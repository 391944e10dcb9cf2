#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("azure-cni-gap", "2025-07-03T14:10:00Z")
reset_dirs(ROOT, "cluster")
SUB, RG = "8dbd2563-77eb-41a1-917b-5a1344da0002", "rg-gap"
NODE_RG = "MC_rg-gap_aks-gap_westeurope"
VMSS = "aks-nodepool1-31415926-vmss"
DAY = 1440
# A: the guide's example (32 requested and allocated, 21 running pod IPs, pods waiting);
# B: a healthy dynamic node (16 allocated, 6 in use, nobody waits: the rest is the buffer);
# C: an overlay node (static /24 network container: not a pool, never judged by it)
A, B, C = (VMSS + "00000%d" % i for i in range(3))
N = [A, B, C]
IP = {n: "10.240.0.%d" % (4 + i) for i, n in enumerate(N)}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=None, created=g.t(90 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, kubenet=False,
                  extra_labels={"kubernetes.azure.com/podnetwork-type": "overlay" if n == C else "vnet",
                                "kubernetes.azure.com/podnetwork-subnet": "snet-pods"})
         for i, n in enumerate(N)]

NC_IPS = {A: ["10.241.0.%d" % x for x in range(10, 42)],      # 32
          B: ["10.241.0.%d" % x for x in range(42, 58)]}      # 16
RUNNING = {A: 21, B: 6}
TERMINATED = 7    # A: Jobs that finished, their pods not yet collected, still carrying podIP
# A: the remaining 32 - 21 - 7 = 4 IPs belong to no pod at all (not released)

pods = []
web = "web-" + g.sfx(10, "web")
wc = container("web", "ghcr.io/example/web:2.8.1", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
for n in (A, B):
    for k in range(RUNNING[n]):
        pods.append(pod(g, "shop", "%s-%s" % (web, g.sfx(5, "web", n, k)), node=n, host_ips=[IP[n]],
                        ip=NC_IPS[n][k], labels={"app": "web", "pod-template-hash": web.split("-")[1]},
                        containers=[wc], age=3 * DAY - k,
                        owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", web)))
jc = container("report", "ghcr.io/example/report:1.4.0", command=["/report", "--daily"])
for k in range(TERMINATED):
    job = "report-2907%02d" % k
    pods.append(pod(g, "reports", "%s-%s" % (job, g.sfx(5, "job", k)), node=A, host_ips=[IP[A]],
                    ip=NC_IPS[A][RUNNING[A] + k], state="succeeded" if k % 3 else "failed",
                    labels={"batch.kubernetes.io/job-name": job, "job-name": job}, containers=[jc],
                    age=2 * DAY - 60 * k, finished=2 * DAY - 60 * k - 20, restart_policy="Never",
                    owner=owner_ref(g, "batch/v1", "Job", "reports", job)))
stuck = []
for k in range(3):
    p = pod(g, "shop", "%s-%s" % (web, g.sfx(5, "stuck", k)), node=A, host_ips=[IP[A]], state="creating",
            labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[wc], age=9 - k,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", web))
    pods.append(p)
    stuck.append(p)
OV = ["192.168.2.%d" % x for x in range(10, 15)]
for k, ip in enumerate(OV):
    pods.append(pod(g, "shop", "%s-%s" % (web, g.sfx(5, "ov", k)), node=C, host_ips=[IP[C]], ip=ip,
                    labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[wc], age=DAY - k,
                    owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", web)))
HOSTNET_DS = (
    ("kube-proxy", {"component": "kube-proxy", "tier": "node"}, "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.7", ["kube-proxy", "--v=3"]),
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
for n in N:
    pods.append(pod(g, "kube-system", "azure-cns-" + g.sfx(5, "cns", n), node=n, host_network=True, host_ips=[IP[n]],
                    labels={"k8s-app": "azure-cns", "controller-revision-hash": g.sfx(10, "cns"), "pod-template-generation": "1"},
                    containers=[container("cns-container", "mcr.microsoft.com/containernetworking/azure-cns:v1.6.25")],
                    age=90 * DAY, owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "azure-cns"),
                    priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))

NCID = {n: g.uid("nc", n) for n in N}
def nnc_obj(n, i, requested, assigned, nc):
    return {"apiVersion": "acn.azure.com/v1alpha", "kind": "NodeNetworkConfig",
            "metadata": meta(g, "NodeNetworkConfig", "kube-system", n, created=g.t(90 * DAY), generation=3 + i,
                             finalizers=["finalizers.acn.azure.com/dnc-operations"],
                             labels={"kubernetes.azure.com/podnetwork-subnet": "snet-pods",
                                     "kubernetes.azure.com/podnetwork-type": nc["type"], "managed": "true", "owner": n},
                             owner={"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True, "kind": "Node",
                                    "name": n, "uid": g.uid("Node", "", n)}),
            "spec": {"requestedIPCount": requested},
            "status": {"assignedIPCount": assigned, "networkContainers": [nc],
                       "scaler": {"batchSize": 16, "maxIPCount": 250, "releaseThresholdPercent": 150,
                                  "requestThresholdPercent": 50}}}
nncs = []
for i, n in enumerate((A, B)):
    nc = {"assignmentMode": "dynamic", "defaultGateway": "10.241.0.1", "id": NCID[n],
          "ipAssignments": [{"ip": ip, "name": g.uid("ipassign", ip)} for ip in NC_IPS[n]],
          "nodeIP": IP[n], "primaryIP": "10.241.0.%d" % (4 + i), "resourceGroupID": RG, "subcriptionID": SUB,
          "subnetAddressSpace": "10.241.0.0/24", "subnetID": "snet-pods", "subnetName": "snet-pods", "type": "vnet",
          "version": 30 + i, "vnetID": "vnet-aks"}
    nncs.append(nnc_obj(n, i, len(NC_IPS[n]), len(NC_IPS[n]), nc))
nncs.append(nnc_obj(C, 2, 0, 256, {"assignmentMode": "static", "id": NCID[C], "nodeIP": IP[C],
                                   "primaryIP": "192.168.2.0/24", "subnetAddressSpace": "192.168.0.0/16",
                                   "subnetName": "routingdomain_0c1994ec-f208-56f6-abeb-fd3e51b272c8_overlaysubnet",
                                   "type": "overlay", "version": 0}))

events = []
for p in stuck:
    sn = p["metadata"]["name"]
    sb = g.cid("sb", sn)
    events.append(event_legacy(g, "shop", {"apiVersion": "v1", "kind": "Pod", "name": sn, "namespace": "shop",
                                           "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]},
                               reason="FailedCreatePodSandBox", type_="Warning", count=9, first=8.5, last=0.4, host=A,
                               message="Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"%s\": "
                                       "plugin type=\"azure-vnet\" failed (add): IPAM Invoker Add failed with error: Failed to get IP address from CNS with error: "
                                       "%%w: AllocateIPConfig failed: not enough IPs available for %s, waiting on Azure CNS to allocate more with NC Status: , "
                                       "IP config request is [IPConfigRequest: DesiredIPAddress , PodInterfaceID %s-eth0, InfraContainerID %s, "
                                       "OrchestratorContext {\"PodName\":\"%s\",\"PodNamespace\":\"shop\"}]" % (sb, NCID[A], sb[:8], sb, sn)))

key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/daemonsets.json", sorted(dss, key=key))
write_list(ROOT + "/cluster/nodenetworkconfigs.json", nncs)
write_json(ROOT + "/expected-findings.json",
           [{"code": "terminated-pods-hold-ips", "kind": "NodeNetworkConfig", "namespace": "kube-system", "name": A},
            {"code": "ipam-leak", "kind": "NodeNetworkConfig", "namespace": "kube-system", "name": A}] +
           node_findings("pod-ip-allocation-failed", stuck))
assert not check_json_files(ROOT)
PY
