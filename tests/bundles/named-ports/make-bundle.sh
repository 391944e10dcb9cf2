#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("named-ports", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, NODE_RG, VMSS = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "MC_rg-ports_aks-ports_eastus2", "aks-nodepool1-27182818-vmss"
DAY = 1440
N = [VMSS + "000000", VMSS + "000001"]
IP = {N[0]: "10.224.0.4", N[1]: "10.224.0.5"}
CIDR = {N[0]: "10.244.0.0/24", N[1]: "10.244.1.0/24"}
nodes = [aks_node(g, n, ip=IP[n], pod_cidrs=[CIDR[n]], created=g.t(50 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=i, region="eastus2", zone="eastus2-%d" % (i + 1)) for i, n in enumerate(N)]
pods = []
nextip = {N[0]: 2, N[1]: 2}


def mk(ns, dep, rev, k, n, labels, containers, state="ready"):
    rs = "%s-%s" % (dep, g.sfx(10, "rs", ns, dep, rev))
    ip = str(ipaddress.ip_network(CIDR[n]).network_address + nextip[n])
    nextip[n] += 1
    p = pod(g, ns, "%s-%s" % (rs, g.sfx(5, "p", ns, dep, rev, k)), node=n, host_ips=[IP[n]], ip=ip, state=state,
            labels=dict(labels, **{"pod-template-hash": rs.rsplit("-", 1)[1]}), containers=containers, age=3 * DAY - k,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", ns, rs))
    pods.append(p)
    return p


kp = {"component": "kube-proxy", "tier": "node"}
for n in N:
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[IP[n]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
                    containers=[container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.32.4", command=["kube-proxy", "--v=3"])],
                    owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=50 * DAY,
                    priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS))

# frontend: "http" is 8080 in v1 pods and 9090 in v2 pods -> healthy (two subsets / two slices)
for k, n in enumerate(N):
    mk("web", "frontend-v1", "1", k, n, {"app": "frontend", "track": "stable"},
       [container("frontend", "ghcr.io/example/frontend:1.9.0", ports=[port(8080, "http")], readiness=http_probe("/", "http"))])
mk("web", "frontend-v2", "1", 0, N[1], {"app": "frontend", "track": "canary"},
   [container("frontend", "ghcr.io/example/frontend:2.0.0-rc1", ports=[port(9090, "http")], readiness=http_probe("/", "http"))])
# api: "grpc" missing in one pod (declares 50051 without a name) -> finding
for k, n in enumerate(N):
    mk("web", "api", "2", k, n, {"app": "api"},
       [container("api", "ghcr.io/example/api:4.1.0", ports=[port(50051, "grpc")], readiness={"grpc": {"port": 50051, "service": ""}, "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})])
API_NONAME = mk("web", "api", "1", 0, N[0], {"app": "api"},
                [container("api", "ghcr.io/example/api:4.0.3", ports=[port(50051)], readiness=tcp_probe(50051))])["metadata"]["name"]
# metrics: targetPort 9100, pods declare 9102 -> finding
for k, n in enumerate(N):
    mk("web", "exporter", "1", k, n, {"app": "exporter"},
       [container("exporter", "ghcr.io/example/exporter:0.8.1", ports=[port(9102, "metrics")], readiness=http_probe("/metrics", 9102))])
# admin: numeric 8443 declared -> healthy
mk("web", "admin", "1", 0, N[0], {"app": "admin"},
   [container("admin", "ghcr.io/example/admin:1.0.4", ports=[port(8443, "https")], readiness=tcp_probe(8443))])
# shop: two named ports in two containers (app + sidecar) -> healthy
for k, n in enumerate(N):
    mk("web", "shop", "1", k, n, {"app": "shop"},
       [container("shop", "ghcr.io/example/shop:5.2.0", ports=[port(8080, "http")], readiness=http_probe("/healthz", "http")),
        container("nginx-exporter", "docker.io/nginx/nginx-prometheus-exporter:1.3.0", ports=[port(9113, "metrics")])])
# syslog: UDP
mk("web", "syslog", "1", 0, N[1], {"app": "syslog"},
   [container("rsyslog", "ghcr.io/example/rsyslog:8.2404", ports=[port(514, "syslog", "UDP")])])
# docs: hand-written Service without targetPort (defaults to port 80)
mk("web", "docs", "1", 0, N[0], {"app": "docs"},
   [container("docs", "docker.io/library/nginx:1.27.3", ports=[port(80, "http")], readiness=http_probe("/", 80))])
# cache: targetPort "redis", no pod has a port of that name (they call it tcp-redis) -> finding, no endpoints
for k, n in enumerate(N):
    mk("web", "cache", "1", k, n, {"app": "cache"},
       [container("redis", "docker.io/library/redis:7.2.5", ports=[port(6379, "tcp-redis")])])

svcs, eps, sls = [], [], []
ks = kubernetes_service(g, "10.0.0.1", created=g.t(50 * DAY))
ke, kl = kubernetes_endpoints(g, ["203.0.113.5"], created=g.t(50 * DAY))
svcs.append(ks); eps.append(ke); sls.append(kl)


def with_ep(s, endpoints=True, slices=True):
    e, sl = endpoints_for(g, s, pods, nodes)
    svcs.append(s)
    if endpoints:
        eps.append(e)
    if slices:
        sls.extend(sl)
    return s


with_ep(service(g, "web", "frontend", cluster_ip="10.0.10.10", selector={"app": "frontend"}, ports=[svc_port(80, "http", "http")]))
with_ep(service(g, "web", "api", cluster_ip="10.0.10.11", selector={"app": "api"},
                ports=[svc_port(50051, "grpc", "grpc", app_protocol="kubernetes.io/h2c")]), endpoints=False)
with_ep(service(g, "web", "metrics", cluster_ip="10.0.10.12", selector={"app": "exporter"}, ports=[svc_port(9100, 9100, "metrics")]), slices=False)
with_ep(service(g, "web", "admin", cluster_ip="10.0.10.13", selector={"app": "admin"}, ports=[svc_port(443, 8443, "https")]), slices=False)
with_ep(service(g, "web", "shop", cluster_ip="10.0.10.14", selector={"app": "shop"},
                ports=[svc_port(80, "http", "http"), svc_port(9113, "metrics", "metrics")]))
with_ep(service(g, "web", "syslog", cluster_ip="10.0.10.15", selector={"app": "syslog"}, ports=[svc_port(514, "syslog", "syslog", "UDP")]))
docs = service(g, "web", "docs", cluster_ip="10.0.10.16", selector={"app": "docs"}, ports=[svc_port(80, 80, "http")])
with_ep(docs)
del docs["spec"]["ports"][0]["targetPort"]          # hand-written: no targetPort (means: same as port)
with_ep(service(g, "web", "cache", cluster_ip="10.0.10.17", selector={"app": "cache"}, ports=[svc_port(6379, "redis", "redis")]))
# selector-less with a hand-made EndpointSlice only (no Endpoints object) -> healthy
ext = service(g, "web", "external-search", cluster_ip="10.0.10.18", ports=[svc_port(443, 443, "https")])
svcs.append(ext)
sls.append({"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "endpoints": [{"addresses": ["10.30.0.15"], "conditions": {"ready": True}},
                          {"addresses": ["10.30.0.16"], "conditions": {"ready": True}}],
            "ports": [{"name": "https", "port": 443, "protocol": "TCP"}],
            "metadata": meta(g, "EndpointSlice", "web", "external-search-1", created=g.t(20 * DAY),
                             labels={"endpointslice.kubernetes.io/managed-by": "platform-team",
                                     "kubernetes.io/service-name": "external-search"}, generation=1)})

ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.32.4", command=["kube-proxy", "--v=3"])],
                                      host_network=True), desired=2, ready=2, created=g.t(50 * DAY))
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_json(ROOT + "/expected-findings.json", [
    {"code": "service-target-port-mismatch", "kind": "Service", "namespace": "web", "name": "api"},
    {"code": "service-target-port-mismatch", "kind": "Service", "namespace": "web", "name": "cache"},
    {"code": "service-target-port-mismatch", "kind": "Service", "namespace": "web", "name": "metrics"},
])
assert not check_json_files(ROOT)
print("api pod without the name:", API_NONAME)
EOF
