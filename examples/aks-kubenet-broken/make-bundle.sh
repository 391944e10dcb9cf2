#!/bin/sh
# Regenerates this bundle (cluster/, nodes/, aks.json, expected-findings.json)
# byte for byte. The generated files are committed; run this only after
# changing the story below. Needs python3; helpers in tests/bundles/k8sgen.py.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
PYTHONPATH="$here/../../tests/bundles" exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("aks-kubenet-broken", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")

SUB = "3f2b8c1e-5d4a-4e7b-9c1f-2a6d8e0b7c41"
RG, CL = "rg-shop-weu", "aks-shop-weu"
NODE_RG = "MC_rg-shop-weu_aks-shop-weu_westeurope"
VMSS = "aks-nodepool1-12345678-vmss"
K8S = "v1.31.7"
DAY = 60 * 24
CLUSTER_AGE = 101 * DAY

N = ["%s%06d" % (VMSS, i) for i in range(4)]
NODE_IP = {N[0]: "10.224.0.4", N[1]: "10.224.0.5", N[2]: "10.224.0.6", N[3]: "10.224.0.7"}
# vmss000003 was added by the cluster autoscaler two days ago with a hand-shrunk
# /27 pod CIDR (29 usable addresses) while maxPods stayed 110.
POD_CIDR = {N[0]: "10.244.0.0/24", N[1]: "10.244.1.0/24", N[2]: "10.244.2.0/24", N[3]: "10.244.3.0/27"}
NODE_AGE = {N[0]: CLUSTER_AGE, N[1]: CLUSTER_AGE, N[2]: 40 * DAY, N[3]: 2 * DAY}

nodes = []
for i, n in enumerate(N):
    nodes.append(aks_node(g, n, ip=NODE_IP[n], pod_cidrs=[POD_CIDR[n]], created=g.t(NODE_AGE[n]), sub=SUB,
                          node_rg=NODE_RG, vmss=VMSS, instance=i, k8s=K8S))

namespaces = [namespace(g, n, created=g.t(a)) for n, a in (
    ("default", CLUSTER_AGE), ("kube-node-lease", CLUSTER_AGE), ("kube-public", CLUSTER_AGE),
    ("kube-system", CLUSTER_AGE), ("shop", 90 * DAY), ("payments", 88 * DAY), ("reports", 60 * DAY))]
for ns in namespaces:
    if ns["metadata"]["name"] == "kube-system":
        ns["metadata"]["labels"].update({"addonmanager.kubernetes.io/mode": "Reconcile",
                                         "control-plane": "true", "kubernetes.azure.com/managedby": "aks"})

pods = []
store = {n: [] for n in N}          # node -> [(ip, sandbox id)]
SANDBOX = {}


def add(p, in_store=True):
    """Keep a pod; its non-host IPs go to its node's host-local store."""
    pods.append(p)
    node = p["spec"].get("nodeName")
    if in_store and node and not p["spec"].get("hostNetwork") and p["status"].get("podIP"):
        sid = g.cid("sandbox", p["metadata"]["namespace"], p["metadata"]["name"])
        SANDBOX[(p["metadata"]["namespace"], p["metadata"]["name"])] = sid
        for x in p["status"]["podIPs"]:
            store[node].append((x["ip"], sid))
    return p


def rs_owner(ns, rs):
    return owner_ref(g, "apps/v1", "ReplicaSet", ns, rs)


def pin_to_node(p, node):
    p["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}}
    return p


# ---------------- kube-system ----------------
KP_IMAGE = "mcr.microsoft.com/oss/kubernetes/kube-proxy:" + K8S
KP_HASH = g.sfx(10, "kp-rev")
kp_cmd = ["kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249",
          "--cluster-cidr=10.244.0.0/16", "--detect-local-mode=ClusterCIDR", "--pod-interface-name-prefix=",
          "--v=3", "--kubeconfig=/var/lib/kubelet/kubeconfig"]
KP_MOUNTS = [{"mountPath": "/var/lib/kubelet", "name": "kubeconfig", "readOnly": True},
             {"mountPath": "/run/xtables.lock", "name": "iptableslock"},
             {"mountPath": "/lib/modules/", "name": "modules", "readOnly": True}]
KP_VOLS = [{"hostPath": {"path": "/var/lib/kubelet", "type": ""}, "name": "kubeconfig"},
           {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}, "name": "iptableslock"},
           {"hostPath": {"path": "/lib/modules/", "type": ""}, "name": "modules"}]
KP_TOL = [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoExecute", "operator": "Exists"},
          {"effect": "NoSchedule", "operator": "Exists"}] + DS_TOLERATIONS
kp_labels = {"component": "kube-proxy", "tier": "node"}
for n in N:
    nm = "kube-proxy-" + g.sfx(5, "kp", n)
    state = "crashloop" if n == N[1] else "ready"
    c = container("kube-proxy", KP_IMAGE, command=kp_cmd, requests={"cpu": "100m"},
                  security={"privileged": True}, extra_mounts=KP_MOUNTS)
    p = pod(g, "kube-system", nm, node=n, host_network=True, host_ips=[NODE_IP[n]], state=state,
            restarts=27 if state == "crashloop" else 0,
            labels=dict(kp_labels, **{"controller-revision-hash": KP_HASH, "pod-template-generation": "1"}),
            containers=[c], age=NODE_AGE[n] - 1, owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"),
            sa="kube-proxy", priority_class="system-node-critical", priority=2000001000, qos="Burstable",
            tolerations=KP_TOL, extra_volumes=KP_VOLS)
    add(pin_to_node(p, n))
KUBE_PROXY_N1 = [p for p in pods if p["spec"]["nodeName"] == N[1]][0]["metadata"]["name"]

CNM_IMAGE = "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.31.4"
CNM_HASH = g.sfx(10, "cnm-rev")
for n in N:
    c = container("cloud-node-manager", CNM_IMAGE,
                  command=["cloud-node-manager", "--node-name=$(NODE_NAME)", "--wait-routes=true"],
                  env=[{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                  requests={"cpu": "50m", "memory": "50Mi"}, limits={"cpu": "2", "memory": "512Mi"})
    p = pod(g, "kube-system", "cloud-node-manager-" + g.sfx(5, "cnm", n), node=n, host_network=True,
            host_ips=[NODE_IP[n]], labels={"component": "cloud-node-manager", "controller-revision-hash": CNM_HASH,
                                           "k8s-app": "cloud-node-manager", "pod-template-generation": "1"},
            containers=[c], age=NODE_AGE[n] - 1, owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "cloud-node-manager"),
            sa="cloud-node-manager", priority_class="system-node-critical", priority=2000001000, qos="Burstable",
            tolerations=KP_TOL)
    add(pin_to_node(p, n))

DNS_IMAGE = "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-1"
DNS_RS = "coredns-" + g.sfx(10, "dns-rs")
dns_c = container("coredns", DNS_IMAGE, args=["-conf", "/etc/coredns/Corefile"],
                  ports=[port(53, "dns", "UDP"), port(53, "dns-tcp", "TCP"), port(9153, "metrics", "TCP")],
                  readiness=http_probe("/ready", 8181), liveness=http_probe("/health", 8080, 10, 5),
                  requests={"cpu": "100m", "memory": "70Mi"}, limits={"memory": "500Mi"})
dns_labels = {"k8s-app": "kube-dns", "kubernetes.azure.com/managedby": "aks", "version": "v20"}
for n, ip, age in ((N[0], "10.244.0.2", 30 * DAY), (N[3], "10.244.3.2", 2 * DAY - 20)):
    add(pod(g, "kube-system", "%s-%s" % (DNS_RS, g.sfx(5, "dns", n)), node=n, host_ips=[NODE_IP[n]], ip=ip,
            labels=dict(dns_labels, **{"pod-template-hash": DNS_RS.split("-")[1]}), containers=[dns_c], age=age,
            owner=rs_owner("kube-system", DNS_RS), sa="coredns", priority_class="system-node-critical",
            priority=2000001000, qos="Burstable"))

AS_RS = "coredns-autoscaler-" + g.sfx(10, "as-rs")
add(pod(g, "kube-system", "%s-%s" % (AS_RS, g.sfx(5, "as")), node=N[2], host_ips=[NODE_IP[N[2]]], ip="10.244.2.2",
        labels={"k8s-app": "coredns-autoscaler", "pod-template-hash": AS_RS.split("-")[2]},
        containers=[container("autoscaler", "mcr.microsoft.com/oss/kubernetes/autoscaler/cluster-proportional-autoscaler:v1.8.11",
                              command=["/cluster-proportional-autoscaler", "--namespace=kube-system",
                                       "--configmap=coredns-autoscaler", "--target=Deployment/coredns",
                                       "--default-params={\"linear\":{\"coresPerReplica\":512,\"nodesPerReplica\":32,\"min\":1}}",
                                       "--logtostderr=true", "--v=2"],
                              requests={"cpu": "20m", "memory": "10Mi"})],
        age=40 * DAY - 30, owner=rs_owner("kube-system", AS_RS), sa="coredns-autoscaler",
        priority_class="system-cluster-critical", priority=2000000000, qos="Burstable"))

MS_RS = "metrics-server-" + g.sfx(10, "ms-rs")
ms_c = container("metrics-server", "mcr.microsoft.com/oss/kubernetes/metrics-server:v0.7.2",
                 command=["/metrics-server", "--kubelet-port=10250", "--metric-resolution=15s",
                          "--kubelet-preferred-address-types=InternalIP", "--cert-dir=/tmp", "--secure-port=4443"],
                 ports=[port(4443, "https")], readiness={"failureThreshold": 3, "httpGet": {"path": "/readyz", "port": "https", "scheme": "HTTPS"},
                                                           "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                 requests={"cpu": "150m", "memory": "100Mi"}, limits={"cpu": "1", "memory": "400Mi"})
for n, ip, age in ((N[0], "10.244.0.3", 30 * DAY), (N[3], "10.244.3.3", 2 * DAY - 20)):
    add(pod(g, "kube-system", "%s-%s" % (MS_RS, g.sfx(5, "ms", n)), node=n, host_ips=[NODE_IP[n]], ip=ip,
            labels={"k8s-app": "metrics-server", "pod-template-hash": MS_RS.split("-")[2]}, containers=[ms_c], age=age,
            owner=rs_owner("kube-system", MS_RS), sa="metrics-server", priority_class="system-cluster-critical",
            priority=2000000000, qos="Burstable"))

KA_RS = "konnectivity-agent-" + g.sfx(10, "ka-rs")
ka_c = container("konnectivity-agent", "mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent:v0.30.3-hotfix.20240819",
                 command=["/agent"], args=["--logtostderr=true", "--ca-cert=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                                          "--proxy-server-host=aks-shop-weu-8c2f1d7a.hcp.westeurope.azmk8s.io",
                                          "--proxy-server-port=443", "--health-server-port=8082",
                                          "--agent-identifiers=default-route=true", "--alpn-proto=konnectivity"],
                 requests={"cpu": "20m", "memory": "20Mi"}, limits={"cpu": "1", "memory": "1Gi"})
for n, ip, age in ((N[2], "10.244.2.3", 40 * DAY - 30), (N[3], "10.244.3.4", 2 * DAY - 20)):
    add(pod(g, "kube-system", "%s-%s" % (KA_RS, g.sfx(5, "ka", n)), node=n, host_ips=[NODE_IP[n]], ip=ip,
            labels={"app": "konnectivity-agent", "pod-template-hash": KA_RS.split("-")[2]}, containers=[ka_c], age=age,
            owner=rs_owner("kube-system", KA_RS), sa="konnectivity-agent", priority_class="system-cluster-critical",
            priority=2000000000, qos="Burstable"))

# ---------------- shop ----------------
ACR = "acrshopweu.azurecr.io/shop/"


def deploy_pods(ns, dep, *, labels, cont, placements, sa="default", rev="1", qos="Burstable"):
    """placements: [(node, ip, age, state)]"""
    rs = "%s-%s" % (dep, g.sfx(10, "rs", ns, dep, rev))
    out = []
    for k, (n, ip, age, state) in enumerate(placements):
        p = pod(g, ns, "%s-%s" % (rs, g.sfx(5, "pod", ns, dep, rev, k)), node=n, host_ips=[NODE_IP[n]] if n else None,
                ip=ip, state=state, labels=dict(labels, **{"pod-template-hash": rs.rsplit("-", 1)[1]}),
                containers=[cont], age=age, owner=rs_owner(ns, rs), sa=sa, qos=qos)
        out.append(p)
    return rs, out


web_c = container("web", ACR + "web:2.15.0", ports=[port(8080, "http")], readiness=http_probe("/healthz", "http"),
                  requests={"cpu": "250m", "memory": "256Mi"}, limits={"memory": "512Mi"})
WEB_RS, web = deploy_pods("shop", "web", labels={"app": "web", "tier": "front"}, cont=web_c, placements=[
    (N[0], "10.244.0.5", 6 * DAY, "ready"), (N[1], "10.244.1.3", 6 * DAY, "ready"),
    (N[3], "10.244.3.5", 2 * DAY - 15, "ready"), (N[0], "10.244.0.12", 3, "pulling")])
for p in web:
    add(p)
WEB_PULLING = web[3]["metadata"]["name"]

cart_c = container("cart", ACR + "cart:1.8.4", ports=[port(8080, "http")], readiness=http_probe("/healthz", 8080),
                   requests={"cpu": "200m", "memory": "256Mi"})
_, cart = deploy_pods("shop", "cart", labels={"app": "cart"}, cont=cart_c, placements=[
    (N[2], "10.244.2.4", 9 * DAY, "ready"), (N[3], "10.244.3.6", 2 * DAY - 15, "ready")])
for p in cart:
    add(p)

# catalog: revision 2 names the port "http" (the Service now targets "http");
# the rollout is paused after one canary, so two revision-1 pods declare 8080
# without a name.
cat_old = container("catalog", ACR + "catalog:3.1.0", ports=[port(8080)], readiness=tcp_probe(8080),
                    requests={"cpu": "250m", "memory": "384Mi"})
cat_new = container("catalog", ACR + "catalog:3.2.0", ports=[port(8080, "http")], readiness=tcp_probe("http"),
                    requests={"cpu": "250m", "memory": "384Mi"})
CAT_RS1, cat1 = deploy_pods("shop", "catalog", labels={"app": "catalog"}, cont=cat_old, rev="1", placements=[
    (N[0], "10.244.0.6", 12 * DAY, "ready"), (N[1], "10.244.1.4", 12 * DAY, "ready")])
CAT_RS2, cat2 = deploy_pods("shop", "catalog", labels={"app": "catalog"}, cont=cat_new, rev="2", placements=[
    (N[3], "10.244.3.7", 2 * DAY - 15, "ready")])
for p in cat1 + cat2:
    add(p)

search_c = container("search", ACR + "search:7.4.2", ports=[port(9200, "http"), port(9300, "transport")],
                     readiness=http_probe("/_cluster/health?local=true", 9200),
                     requests={"cpu": "500m", "memory": "1Gi"})
_, search = deploy_pods("shop", "search", labels={"app": "search"}, cont=search_c, placements=[
    (N[3], "10.244.3.%d" % (8 + k), 2 * DAY - 14, "ready") for k in range(3)])
for p in search:
    add(p)

add(pod(g, "shop", "redis-0", node=N[3], host_ips=[NODE_IP[N[3]]], ip="10.244.3.12",
        labels={"app": "redis", "apps.kubernetes.io/pod-index": "0", "controller-revision-hash": "redis-" + g.sfx(10, "redis-rev"),
                "statefulset.kubernetes.io/pod-name": "redis-0"},
        containers=[container("redis", "docker.io/library/redis:7.2.5", ports=[port(6379, "redis")],
                              readiness={"exec": {"command": ["redis-cli", "ping"]}, "failureThreshold": 3,
                                         "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                              requests={"cpu": "100m", "memory": "256Mi"})],
        age=2 * DAY - 14, owner=owner_ref(g, "apps/v1", "StatefulSet", "shop", "redis"), qos="Burstable"))

# recommender: scaled from 12 to 20 replicas 47 minutes ago; everything landed
# on the new, empty vmss000003, whose /27 ran out after 18 of them.
rec_c = container("recommender", ACR + "recommender:0.19.1", ports=[port(8080, "http")],
                  readiness=http_probe("/ready", "http"), requests={"cpu": "50m", "memory": "128Mi"})
REC_RS, rec = deploy_pods("shop", "recommender", labels={"app": "recommender"}, cont=rec_c, placements=
    [(N[3], "10.244.3.%d" % (13 + k), 2 * DAY - 10 if k < 10 else 47.5 - k * 0.02, "ready") for k in range(18)] +
    [(N[3], None, 47.1, "creating"), (N[3], None, 46.9, "creating")])
for p in rec:
    add(p)
STUCK = [p["metadata"]["name"] for p in rec[18:]]

# ---------------- payments ----------------
api_c = container("api", "acrshopweu.azurecr.io/payments/api:5.0.2", ports=[port(8080, "http")],
                  readiness=http_probe("/ready", "http"), requests={"cpu": "300m", "memory": "512Mi"},
                  env=[{"name": "LEDGER_DB_HOST", "value": "ledger-db.payments.svc.cluster.local"}])
_, api = deploy_pods("payments", "api", labels={"app": "payments-api"}, cont=api_c, placements=[
    (N[0], "10.244.0.8", 2 * DAY - 30, "notready"), (N[3], "10.244.3.11", 2 * DAY - 14, "notready")])
for p in api:
    add(p)

# ---------------- reports ----------------
job_c = container("report", "acrshopweu.azurecr.io/reports/nightly:1.4.0", command=["/bin/report", "--since=24h"],
                  requests={"cpu": "500m", "memory": "512Mi"})


def job_pod(job, k, node, ip, age, state, finished):
    labels = {"batch.kubernetes.io/controller-uid": g.uid("Job", "reports", job), "batch.kubernetes.io/job-name": job,
              "controller-uid": g.uid("Job", "reports", job), "job-name": job}
    return pod(g, "reports", "%s-%s" % (job, g.sfx(5, "job", job, k)), node=node, host_ips=[NODE_IP[node]], ip=ip,
               state=state, labels=labels, containers=[job_c], age=age, finished=finished,
               owner=owner_ref(g, "batch/v1", "Job", "reports", job), restart_policy="Never", qos="Burstable")


# 3 days ago: finished normally, sandbox torn down, IP released (podIP stays in status)
add(job_pod("nightly-report-29157240", 0, N[0], "10.244.0.9", 4770, "succeeded", 4755), in_store=False)
# yesterday and today on vmss000002: finished but their IPs are still reserved
HOLD = [job_pod("nightly-report-29160120", 0, N[2], "10.244.2.6", 1890, "succeeded", 1872),
        job_pod("nightly-report-29161560", 0, N[2], "10.244.2.7", 450, "failed", 441),
        job_pod("nightly-report-29161560", 1, N[2], "10.244.2.8", 440, "failed", 431)]
for p in HOLD:
    add(p)

PDF_RS = "pdf-export-" + g.sfx(10, "pdf-rs")
add(pod(g, "reports", "%s-%s" % (PDF_RS, g.sfx(5, "pdf")), node=N[0], host_ips=[NODE_IP[N[0]]], ip="10.244.0.10",
        state="evicted", labels={"app": "pdf-export", "pod-template-hash": PDF_RS.split("-")[2]},
        containers=[container("pdf-export", "acrshopweu.azurecr.io/reports/pdf-export:2.0.1", requests={"cpu": "100m", "memory": "256Mi"})],
        age=3 * DAY, finished=2 * DAY + 300, owner=rs_owner("reports", PDF_RS), qos="Burstable"), in_store=False)

REN_RS = "renderer-" + g.sfx(10, "ren-rs")
add(pod(g, "reports", "%s-%s" % (REN_RS, g.sfx(5, "ren")), node=None, state="unschedulable",
        labels={"app": "renderer", "pod-template-hash": REN_RS.split("-")[1]},
        containers=[container("renderer", "acrshopweu.azurecr.io/reports/renderer:0.9.0",
                              requests={"cpu": "2", "memory": "24Gi"}, ports=[port(8080, "http")])],
        age=35, owner=rs_owner("reports", REN_RS), qos="Burstable",
        sched_message="0/4 nodes are available: 4 Insufficient memory. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod."))
RENDERER = pods[-1]["metadata"]["name"]

# ---------------- default ----------------
add(pod(g, "default", "netshoot", node=N[1], host_ips=[NODE_IP[N[1]]], ip="10.244.1.11",
        labels={"run": "netshoot"},
        containers=[container("netshoot", "docker.io/nicolaka/netshoot:v0.13", command=["sleep", "infinity"])],
        age=20))

# ---------------- host-local stores ----------------
LEAKED = [("10.244.1.5", g.cid("leak", 1)), ("10.244.1.7", g.cid("leak", 2)), ("10.244.1.8", g.cid("leak", 3))]
store[N[1]] += LEAKED
last = {N[0]: "10.244.0.12", N[1]: "10.244.1.11", N[2]: "10.244.2.8", N[3]: "10.244.3.30"}
for n in N:
    write_text("%s/nodes/%s/cni/net.d/10-containerd-net.conflist" % (ROOT, n), kubenet_conflist([POD_CIDR[n]]))
    write_store(ROOT, n, "kubenet", sorted(store[n], key=lambda e: ipaddress.ip_address(e[0])), {0: last[n]})
n3_ips = sorted(ipaddress.ip_address(ip) for ip, _ in store[N[3]])
assert [str(x) for x in n3_ips] == usable_hostlocal(POD_CIDR[N[3]]), "vmss000003 store must be exactly full"

# ---------------- Services ----------------
svcs, eps, slices = [], [], []
K8S_CREATED = g.t(CLUSTER_AGE)
ksvc = kubernetes_service(g, "10.0.0.1", created=K8S_CREATED)
kep, ksl = kubernetes_endpoints(g, ["203.0.113.10"], created=K8S_CREATED)
svcs.append(ksvc); eps.append(kep); slices.append(ksl)


def with_endpoints(svc):
    svcs.append(svc)
    e, s = endpoints_for(g, svc, pods, nodes)
    eps.append(e)
    slices.extend(s)
    return svc


with_endpoints(service(g, "kube-system", "kube-dns", cluster_ip="10.0.0.10", selector={"k8s-app": "kube-dns"},
                       ports=[svc_port(53, 53, "dns", "UDP"), svc_port(53, 53, "dns-tcp", "TCP")],
                       labels={"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "kube-dns",
                               "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                       age=CLUSTER_AGE))
with_endpoints(service(g, "kube-system", "metrics-server", cluster_ip="10.0.143.20", selector={"k8s-app": "metrics-server"},
                       ports=[svc_port(443, "https")],
                       labels={"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "metrics-server",
                               "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "Metrics-server"},
                       age=CLUSTER_AGE))
with_endpoints(service(g, "shop", "web", cluster_ip="10.0.88.14", selector={"app": "web", "tier": "front"},
                       ports=[svc_port(80, "http", "http")], labels={"app": "web"}, age=90 * DAY))
with_endpoints(service(g, "shop", "web-public", type_="LoadBalancer", cluster_ip="10.0.201.7",
                       selector={"app": "web", "tier": "front"},
                       ports=[svc_port(80, "http", "http", node_port=31380)], labels={"app": "web"},
                       lb_ingress=["198.51.100.23"], age=90 * DAY,
                       annotations={"service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz"}))
# FAULT service-selector-mismatch: tier=frontend, the pods say tier=front
with_endpoints(service(g, "shop", "frontend", cluster_ip="10.0.52.190", selector={"app": "web", "tier": "frontend"},
                       ports=[svc_port(80, 8080, "http")], labels={"app": "web"}, age=1 * DAY))
# FAULT service-target-port-mismatch (numeric): 8081, the cart pods declare 8080
with_endpoints(service(g, "shop", "cart", cluster_ip="10.0.17.243", selector={"app": "cart"},
                       ports=[svc_port(80, 8081, "http")], labels={"app": "cart"}, age=85 * DAY))
# FAULT service-target-port-mismatch (named): "http", two revision-1 pods have no port named http
with_endpoints(service(g, "shop", "catalog", cluster_ip="10.0.130.61", selector={"app": "catalog"},
                       ports=[svc_port(80, "http", "http")], labels={"app": "catalog"}, age=85 * DAY))
with_endpoints(service(g, "shop", "search", cluster_ip="10.0.74.5", selector={"app": "search"},
                       ports=[svc_port(9200, 9200, "http")], labels={"app": "search"}, age=80 * DAY))
with_endpoints(service(g, "shop", "redis", cluster_ip="10.0.9.118", selector={"app": "redis"},
                       ports=[svc_port(6379, "redis", "redis")], labels={"app": "redis"}, age=80 * DAY))
with_endpoints(service(g, "shop", "redis-headless", cluster_ip="None", selector={"app": "redis"},
                       ports=[svc_port(6379, 6379, "redis")], labels={"app": "redis"}, age=80 * DAY))
with_endpoints(service(g, "shop", "recommender", cluster_ip="10.0.166.32", selector={"app": "recommender"},
                       ports=[svc_port(80, "http", "http")], labels={"app": "recommender"}, age=30 * DAY))
# FAULT service-pods-not-ready: both pods fail their readiness probe
with_endpoints(service(g, "payments", "api", cluster_ip="10.0.45.201", selector={"app": "payments-api"},
                       ports=[svc_port(80, "http", "http")], labels={"app": "payments-api"}, age=88 * DAY))
# healthy selector-less Service with hand-made Endpoints (a VM in the VNet) and the mirrored slice
lb = service(g, "payments", "legacy-billing", cluster_ip="10.0.212.9", ports=[svc_port(5432, 5432, "postgres")], age=88 * DAY)
svcs.append(lb)
lbe = manual_endpoints(g, "payments", "legacy-billing", ["10.224.8.20"], [{"name": "postgres", "port": 5432, "protocol": "TCP"}],
                       created=g.t(88 * DAY))
eps.append(lbe)
slices.append(mirrored_slice(g, lbe))
# FAULT service-no-endpoints: selector-less, nobody created its Endpoints
svcs.append(service(g, "payments", "ledger-db", cluster_ip="10.0.99.140", ports=[svc_port(5432, 5432, "postgres")], age=2 * DAY))
# healthy ExternalName (never has endpoints)
svcs.append(service(g, "payments", "psp-gateway", type_="ExternalName", external_name="api.psp.example.com", age=88 * DAY))

# ---------------- DaemonSets and Deployments ----------------
dss = [
    daemonset(g, "kube-system", "kube-proxy",
              labels={"addonmanager.kubernetes.io/mode": "Reconcile", "component": "kube-proxy", "tier": "node",
                      "kubernetes.azure.com/managedby": "aks"},
              selector=kp_labels, template_labels=kp_labels,
              pod_spec=template_spec([container("kube-proxy", KP_IMAGE, command=kp_cmd, requests={"cpu": "100m"},
                                                security={"privileged": True}, extra_mounts=KP_MOUNTS)],
                                     host_network=True, sa="kube-proxy", priority_class="system-node-critical",
                                     tolerations=KP_TOL[:3]) | {"volumes": KP_VOLS},
              desired=4, ready=3, created=g.t(CLUSTER_AGE)),
    daemonset(g, "kube-system", "cloud-node-manager",
              labels={"addonmanager.kubernetes.io/mode": "Reconcile", "component": "cloud-node-manager",
                      "kubernetes.io/cluster-service": "true"},
              selector={"k8s-app": "cloud-node-manager"},
              template_labels={"component": "cloud-node-manager", "k8s-app": "cloud-node-manager"},
              pod_spec=template_spec([container("cloud-node-manager", CNM_IMAGE,
                                                command=["cloud-node-manager", "--node-name=$(NODE_NAME)", "--wait-routes=true"])],
                                     host_network=True, sa="cloud-node-manager", priority_class="system-node-critical",
                                     tolerations=KP_TOL[:3]),
              desired=4, ready=4, created=g.t(CLUSTER_AGE)),
]
deps = []
for ns, name, lab, sel, cont, repl, ready, extra in (
    ("kube-system", "coredns", {"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "kube-dns",
                                "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
     {"k8s-app": "kube-dns"}, dns_c, 2, 2, {}),
    ("kube-system", "coredns-autoscaler", {"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "coredns-autoscaler"},
     {"k8s-app": "coredns-autoscaler"}, None, 1, 1, {}),
    ("kube-system", "metrics-server", {"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "metrics-server"},
     {"k8s-app": "metrics-server"}, ms_c, 2, 2, {}),
    ("kube-system", "konnectivity-agent", {"addonmanager.kubernetes.io/mode": "Reconcile", "app": "konnectivity-agent"},
     {"app": "konnectivity-agent"}, ka_c, 2, 2, {}),
    ("shop", "web", {"app": "web"}, {"app": "web", "tier": "front"}, web_c, 4, 3, {}),
    ("shop", "cart", {"app": "cart"}, {"app": "cart"}, cart_c, 2, 2, {}),
    ("shop", "catalog", {"app": "catalog"}, {"app": "catalog"}, cat_new, 3, 3, {"paused": True, "updated": 1, "gen": 2}),
    ("shop", "search", {"app": "search"}, {"app": "search"}, search_c, 3, 3, {}),
    ("shop", "recommender", {"app": "recommender"}, {"app": "recommender"}, rec_c, 20, 18, {"gen": 3}),
    ("payments", "api", {"app": "payments-api"}, {"app": "payments-api"}, api_c, 2, 0, {}),
    ("reports", "renderer", {"app": "renderer"}, {"app": "renderer"}, None, 1, 0, {}),
):
    if cont is None:
        src = [p for p in pods if p["metadata"]["namespace"] == ns and all(p["metadata"]["labels"].get(k) == v for k, v in sel.items())][0]
        cont = dict(src["spec"]["containers"][0])
        cont.pop("volumeMounts", None)
    tl = dict(sel)
    if ns == "kube-system" and name == "coredns":
        tl = dict(dns_labels)
    d = deployment(g, ns, name, labels=lab, selector=sel, template_labels=tl,
                   pod_spec=template_spec([cont]), replicas=repl, ready=ready, updated=extra.get("updated"),
                   created=g.t(CLUSTER_AGE if ns == "kube-system" else 80 * DAY), generation=extra.get("gen", 1))
    if extra.get("paused"):
        d["spec"]["paused"] = True
        d["status"]["conditions"][1] = {"lastTransitionTime": g.t(2 * DAY - 15), "lastUpdateTime": g.t(2 * DAY - 15),
                                        "message": "Deployment is paused", "reason": "DeploymentPaused",
                                        "status": "Unknown", "type": "Progressing"}
    deps.append(d)

# ---------------- Events (AKS keeps them one hour) ----------------
events = []
pod_by_name = {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in pods}


def pobj(ns, name, field_path=None):
    p = pod_by_name[(ns, name)]
    o = {"apiVersion": "v1", "kind": "Pod", "name": name, "namespace": ns,
         "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}
    if field_path:
        o["fieldPath"] = field_path
    return o


SCHED = "default-scheduler-" + "kube-scheduler-" + g.sfx(10, "sched") + "-" + g.sfx(5, "sched2")
for k, (name, when, cnt) in enumerate(zip(STUCK, (47.1, 46.9), (14, 13))):
    events.append(event_new_as_core(g, "shop", pobj("shop", name), reason="Scheduled", action="Binding",
                                    message="Successfully assigned shop/%s to %s" % (name, N[3]), when=when,
                                    controller="default-scheduler", instance=SCHED))
    sb = g.cid("failed-sandbox", name, cnt)
    events.append(event_legacy(g, "shop", pobj("shop", name), reason="FailedCreatePodSandBox", type_="Warning",
                               message=msg_hostlocal(sb, POD_CIDR[N[3]]), count=cnt, first=when - 0.2,
                               last=1.5 + k * 0.6, host=N[3]))
    events.append(event_legacy(g, "shop", {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": REC_RS, "namespace": "shop",
                                           "resourceVersion": g.rv(), "uid": g.uid("ReplicaSet", "shop", REC_RS)},
                               reason="SuccessfulCreate", message="Created pod: " + name, first=when + 0.01, last=when + 0.01,
                               component="replicaset-controller", name_parts=(name,)))
events.append(event_legacy(g, "shop", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "recommender", "namespace": "shop",
                                       "resourceVersion": g.rv(), "uid": g.uid("Deployment", "shop", "recommender")},
                           reason="ScalingReplicaSet", message="Scaled up replica set %s to 20 from 10" % REC_RS,
                           first=47.6, last=47.6, component="deployment-controller"))
for p in api:
    nm = p["metadata"]["name"]
    events.append(event_legacy(g, "payments", pobj("payments", nm, "spec.containers{api}"), reason="Unhealthy", type_="Warning",
                               message="Readiness probe failed: HTTP probe failed with statuscode: 503",
                               count=318 if p["spec"]["nodeName"] == N[0] else 305, first=58, last=0.2,
                               host=p["spec"]["nodeName"]))
events.append(event_legacy(g, "kube-system", pobj("kube-system", KUBE_PROXY_N1, "spec.containers{kube-proxy}"),
                           reason="BackOff", type_="Warning",
                           message="Back-off restarting failed container kube-proxy in pod %s_kube-system(%s)"
                           % (KUBE_PROXY_N1, pod_by_name[("kube-system", KUBE_PROXY_N1)]["metadata"]["uid"]),
                           count=131, first=59, last=0.8, host=N[1]))
events.append(event_new_as_core(g, "shop", pobj("shop", WEB_PULLING), reason="Scheduled", action="Binding",
                                message="Successfully assigned shop/%s to %s" % (WEB_PULLING, N[0]), when=3,
                                controller="default-scheduler", instance=SCHED))
events.append(event_legacy(g, "shop", pobj("shop", WEB_PULLING, "spec.containers{web}"), reason="Pulling",
                           message="Pulling image \"%s\"" % web_c["image"], first=2.9, last=2.9, host=N[0]))
events.append(event_new_as_core(g, "reports", pobj("reports", RENDERER), reason="FailedScheduling", type_="Warning",
                                action="Scheduling", when=35,
                                message="0/4 nodes are available: 4 Insufficient memory. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.",
                                controller="default-scheduler", instance=SCHED, series=(7, 4)))
events.append(event_legacy(g, "reports", pobj("reports", RENDERER), reason="NotTriggerScaleUp",
                           message="pod didn't trigger scale-up: 1 Insufficient memory",
                           count=4, first=34, last=3, component="cluster-autoscaler"))
for reason, msg, t in (("Pulled", "Container image \"docker.io/nicolaka/netshoot:v0.13\" already present on machine", 19.9),
                       ("Created", "Created container netshoot", 19.9), ("Started", "Started container netshoot", 19.8)):
    events.append(event_legacy(g, "default", pobj("default", "netshoot", "spec.containers{netshoot}"), reason=reason,
                               message=msg, first=t, last=t, host=N[1]))
events.append(event_legacy(g, "default", {"apiVersion": "v1", "kind": "Node", "name": N[1], "uid": N[1]},
                           reason="NodeHasSufficientMemory", message="Node %s status is now: NodeHasSufficientMemory" % N[1],
                           first=52, last=52, host=N[1], name_parts=("mem",)))

# ---------------- write ----------------
def key(o):
    return (o["metadata"].get("namespace", ""), o["metadata"]["name"])


write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/namespaces.json", sorted(namespaces, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(slices, key=key))
write_list(ROOT + "/cluster/events.json", sorted(events, key=key))
write_list(ROOT + "/cluster/daemonsets.json", sorted(dss, key=key))
write_list(ROOT + "/cluster/deployments.json", sorted(deps, key=key))

aks = {
    "aadProfile": None, "addonProfiles": None,
    "agentPoolProfiles": [{
        "availabilityZones": None, "count": 4, "creationData": None, "currentOrchestratorVersion": "1.31.7",
        "enableAutoScaling": True, "enableEncryptionAtHost": False, "enableFips": False, "enableNodePublicIp": False,
        "enableUltraSsd": False, "gpuInstanceProfile": None, "kubeletDiskType": "OS", "maxCount": 5, "maxPods": 110,
        "minCount": 3, "mode": "System", "name": "nodepool1", "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202505.14.0",
        "nodeLabels": None, "nodePublicIpPrefixId": None, "nodeTaints": None, "orchestratorVersion": "1.31",
        "osDiskSizeGb": 128, "osDiskType": "Managed", "osSku": "Ubuntu", "osType": "Linux",
        "podIpAllocationMode": None, "podSubnetId": None, "powerState": {"code": "Running"},
        "provisioningState": "Succeeded", "scaleSetPriority": None, "type": "VirtualMachineScaleSets",
        "upgradeSettings": {"drainTimeoutInMinutes": None, "maxSurge": "10%", "nodeSoakDurationInMinutes": None},
        "vmSize": "Standard_D4ds_v5", "vnetSubnetId": None}],
    "apiServerAccessProfile": None,
    "autoScalerProfile": {"balanceSimilarNodeGroups": "false", "expander": "random", "scanInterval": "10s",
                          "scaleDownDelayAfterAdd": "10m", "scaleDownUnneededTime": "10m"},
    "azurePortalFqdn": "aks-shop-weu-8c2f1d7a.portal.hcp.westeurope.azmk8s.io",
    "currentKubernetesVersion": "1.31.7",
    "disableLocalAccounts": False,
    "dnsPrefix": "aks-shop-weu-rg-shop-weu-3f2b8c",
    "enableRbac": True,
    "fqdn": "aks-shop-weu-8c2f1d7a.hcp.westeurope.azmk8s.io",
    "id": "/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s" % (SUB, RG, CL),
    "identity": {"principalId": g.uid("principal"), "tenantId": g.uid("tenant"), "type": "SystemAssigned",
                 "userAssignedIdentities": None},
    "identityProfile": {"kubeletidentity": {"clientId": g.uid("kubelet-identity"), "objectId": g.uid("kubelet-object"),
                                            "resourceId": "/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ManagedIdentity/userAssignedIdentities/%s-agentpool" % (SUB, NODE_RG, CL)}},
    "kubernetesVersion": "1.31",
    "location": "westeurope",
    "maxAgentPools": 100,
    "name": CL,
    "networkProfile": {
        "advancedNetworking": None, "dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"],
        "loadBalancerProfile": {
            "allocatedOutboundPorts": None, "backendPoolType": "nodeIPConfiguration",
            "effectiveOutboundIPs": [{"id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/publicIPAddresses/%s" % (SUB, NODE_RG, g.uid("pip")),
                                      "resourceGroup": NODE_RG}],
            "enableMultipleStandardLoadBalancers": None, "idleTimeoutInMinutes": None,
            "managedOutboundIPs": {"count": 1, "countIpv6": None}, "outboundIPs": None, "outboundIpPrefixes": None},
        "loadBalancerSku": "standard", "natGatewayProfile": None, "networkDataplane": None, "networkMode": None,
        "networkPlugin": "kubenet", "networkPluginMode": None, "networkPolicy": "none", "outboundType": "loadBalancer",
        "podCidr": "10.244.0.0/16", "podCidrs": ["10.244.0.0/16"], "podLinkLocalAccess": "IMDS",
        "serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"], "staticEgressGatewayProfile": None},
    "nodeResourceGroup": NODE_RG,
    "oidcIssuerProfile": {"enabled": False, "issuerUrl": None},
    "powerState": {"code": "Running"},
    "privateFqdn": None,
    "provisioningState": "Succeeded",
    "resourceGroup": RG,
    "sku": {"name": "Base", "tier": "Free"},
    "supportPlan": "KubernetesOfficial",
    "tags": {"env": "prod", "team": "shop"},
    "type": "Microsoft.ContainerService/ManagedClusters",
}
write_json(ROOT + "/aks.json", aks)

expected = [
    *node_findings("pod-ip-allocation-failed", rec[18:]),
    {"code": "ipam-leak", "kind": "Node", "namespace": None, "name": N[1]},
    {"code": "terminated-pods-hold-ips", "kind": "Node", "namespace": None, "name": N[2]},
    {"code": "ipam-pool-exhausted", "kind": "Node", "namespace": None, "name": N[3]},
    {"code": "service-no-endpoints", "kind": "Service", "namespace": "payments", "name": "ledger-db"},
    {"code": "service-selector-mismatch", "kind": "Service", "namespace": "shop", "name": "frontend"},
    {"code": "service-pods-not-ready", "kind": "Service", "namespace": "payments", "name": "api"},
    {"code": "service-target-port-mismatch", "kind": "Service", "namespace": "shop", "name": "cart"},
    {"code": "service-target-port-mismatch", "kind": "Service", "namespace": "shop", "name": "catalog"},
    {"code": "kube-proxy-not-running", "kind": "Node", "namespace": None, "name": N[1]},
]
write_json(ROOT + "/expected-findings.json", expected)
bad = check_json_files(ROOT)
assert not bad, bad
print("pods:", len(pods), "services:", len(svcs), "events:", len(events))
for n in N:
    print(n, len(store[n]), "store entries")
print("stuck:", STUCK, "renderer:", RENDERER, "kube-proxy on vmss000001:", KUBE_PROXY_N1)
EOF
