#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("kube-proxy-missing", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
DAY = 1440
K8S = "v1.32.5"
# a kubeadm cluster (not AKS): one control-plane node, three Linux workers, one Windows worker
SPEC = [("cp-1", "192.168.10.10", "linux", True), ("worker-1", "192.168.10.21", "linux", False),
        ("worker-2", "192.168.10.22", "linux", False), ("worker-3", "192.168.10.23", "linux", False),
        ("win-1", "192.168.10.31", "windows", False)]
nodes = []
for i, (name, ip, os_, cp) in enumerate(SPEC):
    n = aks_node(g, name, ip=ip, pod_cidrs=["10.244.%d.0/24" % i], created=g.t(120 * DAY), sub="-", node_rg="-", vmss="-",
                 instance=i, k8s=K8S, kubenet=False, images=[],
                 kernel="10.0.20348.2849" if os_ == "windows" else "6.1.0-31-amd64",
                 os_image="Windows Server 2022 Datacenter" if os_ == "windows" else "Debian GNU/Linux 12 (bookworm)",
                 containerd="containerd://1.7.24")
    lab = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": os_, "kubernetes.io/arch": "amd64",
           "kubernetes.io/hostname": name, "kubernetes.io/os": os_}
    if cp:
        lab["node-role.kubernetes.io/control-plane"] = ""
        lab["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        n["spec"]["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    n["metadata"]["labels"] = lab
    n["metadata"]["annotations"] = {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                                    "node.alpha.kubernetes.io/ttl": "0",
                                    "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    del n["spec"]["providerID"]
    n["status"]["nodeInfo"]["operatingSystem"] = os_
    n["status"]["conditions"] = [c for c in n["status"]["conditions"]
                                 if c["type"] in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")]
    nodes.append(n)

kp = {"k8s-app": "kube-proxy"}
kpc = container("kube-proxy", "registry.k8s.io/kube-proxy:" + K8S,
                command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                security={"privileged": True})
pods = []
for name, ip, os_, cp in SPEC:
    if os_ != "linux" or name == "worker-3":
        continue
    p = pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", name), node=name, host_network=True, host_ips=[ip],
            labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
            containers=[kpc], owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=120 * DAY,
            sa="kube-proxy", priority_class="system-node-critical", priority=2000001000,
            tolerations=[{"operator": "Exists"}] + DS_TOLERATIONS, node_selector={"kubernetes.io/os": "linux"})
    p["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [name]}]}]}}}
    pods.append(p)
ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([kpc], host_network=True, sa="kube-proxy", priority_class="system-node-critical",
                                      tolerations=[{"operator": "Exists"}], node_selector={"kubernetes.io/os": "linux"}),
               desired=4, ready=3, created=g.t(120 * DAY))
ds["status"]["currentNumberScheduled"] = 3
ds["status"]["updatedNumberScheduled"] = 3
events = [event_legacy(g, "kube-system", {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy", "namespace": "kube-system",
                                          "resourceVersion": ds["metadata"]["resourceVersion"], "uid": ds["metadata"]["uid"]},
                       reason="FailedCreate", type_="Warning", count=57, first=59, last=0.5, component="daemonset-controller",
                       message="Error creating: admission webhook \"validation.gatekeeper.sh\" denied the request: "
                               "[psp-host-network-ports] The specified hostNetwork and hostPort are not allowed, pod: kube-proxy-%s. "
                               "Allowed values: {\"hostNetwork\": false}" % g.sfx(5, "denied"))]
svc = kubernetes_service(g, "10.96.0.1", created=g.t(120 * DAY), target=6443)
ep, sl = kubernetes_endpoints(g, ["192.168.10.10"], created=g.t(120 * DAY), port_=6443)
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_list(ROOT + "/cluster/events.json", events)
write_list(ROOT + "/cluster/services.json", [svc])
write_list(ROOT + "/cluster/endpoints.json", [ep])
write_list(ROOT + "/cluster/endpointslices.json", [sl])
write_json(ROOT + "/expected-findings.json", [{"code": "kube-proxy-not-running", "kind": "Node", "namespace": None, "name": "worker-3"}])
assert not check_json_files(ROOT)
EOF
