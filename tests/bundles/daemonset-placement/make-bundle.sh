#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("daemonset-placement", "2025-07-01T08:00:00Z")
reset_dirs(ROOT, "cluster", "nodes")
DAY = 1440
K8S = "v1.31.7"
SUB = "3f2a4c1e-8d6b-4e0f-9a1c-5b7d2e9f0a11"
RG = "MC_rg-platform_aks-platform_westeurope"
# (name, pool, mode, taints, ready, unschedulable, kube-proxy pod state or None)
SPEC = [
    ("aks-system-21436587-vmss000000", "system", "System",
     [{"effect": "NoSchedule", "key": "CriticalAddonsOnly", "value": "true"}], True, False, "ready"),
    ("aks-user-21436587-vmss000000", "user", "User", [], True, False, "ready"),
    ("aks-user-21436587-vmss000001", "user", "User", [], True, False, None),
    ("aks-user-21436587-vmss000002", "user", "User",
     [{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "timeAdded": "2025-07-01T07:40:00Z"}],
     True, True, None),
    ("aks-user-21436587-vmss000003", "user", "User",
     [{"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": "2025-07-01T07:52:00Z"},
      {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": "2025-07-01T07:52:05Z"}],
     False, False, "notready"),
    ("aks-gpu-21436587-vmss000000", "gpu", "User", [{"effect": "NoSchedule", "key": "sku", "value": "gpu"}],
     True, False, None),
    ("aks-infra-21436587-vmss000000", "infra", "User",
     [{"effect": "NoSchedule", "key": "dedicated", "value": "infra"}], True, False, None),
    ("aks-batch-21436587-vmss000000", "batch", "User",
     [{"effect": "NoExecute", "key": "dedicated", "value": "batch"}], True, False, None),
]
nodes = []
for i, (name, pool, mode, taints, ready, cordoned, _) in enumerate(SPEC):
    n = aks_node(g, name, ip="10.224.0.%d" % (4 + i), pod_cidrs=["10.244.%d.0/24" % i], created=g.t(90 * DAY),
                 sub=SUB, node_rg=RG, vmss="aks-%s-21436587-vmss" % pool, instance=int(name[-1]), pool=pool,
                 mode=mode.lower(), k8s=K8S, ready=ready)
    if taints:
        n["spec"]["taints"] = taints
    if cordoned:
        n["spec"]["unschedulable"] = True
    nodes.append(n)
# the virtual node (ACI connector): not a VMSS node, labelled type=virtual-kubelet
vk = aks_node(g, "virtual-node-aci-linux", ip="10.224.0.40", pod_cidrs=[], created=g.t(90 * DAY), sub=SUB,
              node_rg=RG, vmss="-", instance=0, pool="aci", k8s=K8S, kubenet=False, images=[],
              extra_labels={"type": "virtual-kubelet", "kubernetes.io/role": "agent"})
del vk["metadata"]["labels"]["kubernetes.azure.com/cluster"]
vk["spec"] = {"taints": [{"effect": "NoSchedule", "key": "virtual-kubelet.io/provider", "value": "azure"}]}
nodes.append(vk)
# a Windows pool: kube-proxy runs as a Windows service there, not from this DaemonSet
win = aks_node(g, "aksnpwin000000", ip="10.224.0.50", pod_cidrs=["10.244.20.0/24"], created=g.t(90 * DAY),
               sub=SUB, node_rg=RG, vmss="aksnpwin", instance=0, pool="npwin", mode="user", k8s=K8S,
               os_image="Windows Server 2022 Datacenter", kernel="10.0.20348.3692", images=[])
for k in ("beta.kubernetes.io/os", "kubernetes.io/os"):
    win["metadata"]["labels"][k] = "windows"
win["status"]["nodeInfo"]["operatingSystem"] = "windows"
nodes.append(win)

kp = {"component": "kube-proxy", "tier": "node"}
kpc = container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:" + K8S,
                command=["kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249",
                         "--cluster-cidr=10.244.0.0/16", "--detect-local-mode=ClusterCIDR",
                         "--pod-interface-name-prefix=", "--v=3"],
                security={"privileged": True})
# The platform team narrowed kube-proxy's tolerations (AKS ships "operator: Exists" for both effects):
# only the system pool's CriticalAddonsOnly taint and the infra pool's dedicated=infra.
TOLS = [{"key": "CriticalAddonsOnly", "operator": "Exists"},
        {"effect": "NoSchedule", "key": "dedicated", "operator": "Equal", "value": "infra"}]
AFF = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
    {"key": "kubernetes.azure.com/cluster", "operator": "Exists"},
    {"key": "type", "operator": "NotIn", "values": ["virtual-kubelet"]},
    {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}}
spec = template_spec([kpc], host_network=True, sa="kube-proxy", priority_class="system-node-critical",
                     tolerations=TOLS)
spec["affinity"] = AFF
pods = []
for name, pool, mode, taints, ready, cordoned, state in SPEC:
    if not state:
        continue
    ip = [n for n in nodes if n["metadata"]["name"] == name][0]["status"]["addresses"][0]["address"]
    p = pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", name), node=name, host_network=True, host_ips=[ip],
            labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "3"}),
            containers=[kpc], owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=20 * DAY,
            sa="kube-proxy", priority_class="system-node-critical", priority=2000001000, state=state,
            tolerations=TOLS + DS_TOLERATIONS)
    p["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [name]}]}]}}}
    pods.append(p)
ds = daemonset(g, "kube-system", "kube-proxy", labels={"addonmanager.kubernetes.io/mode": "Reconcile", "component": "kube-proxy",
                                                        "tier": "node"},
               selector=kp, template_labels=kp, pod_spec=spec, desired=4, ready=2, created=g.t(90 * DAY), generation=3)
svc = kubernetes_service(g, "10.0.0.1", created=g.t(90 * DAY))
ep, sl = kubernetes_endpoints(g, ["20.61.15.130"], created=g.t(90 * DAY))
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_list(ROOT + "/cluster/services.json", [svc])
write_list(ROOT + "/cluster/endpoints.json", [ep])
write_list(ROOT + "/cluster/endpointslices.json", [sl])
write_json(ROOT + "/expected-findings.json", [
    {"code": "kube-proxy-not-running", "kind": "Node", "namespace": None, "name": n}
    for n in ("aks-infra-21436587-vmss000000", "aks-user-21436587-vmss000001", "aks-user-21436587-vmss000002")])
assert not check_json_files(ROOT)
PY
