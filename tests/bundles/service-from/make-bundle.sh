#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
# `netdiag service NAME --from NAMESPACE/POD`: NetworkPolicies between one
# client pod and every ready endpoint of a Service, on each Service port's
# target port, a named targetPort resolved per endpoint pod.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PYEOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("service-from", "2025-07-01T10:00:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, NODE_RG, VMSS = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a", "MC_rg-from_aks-from_westeurope", "aks-nodepool1-16180339-vmss"
DAY = 1440
NODE = VMSS + "000000"
IP, CIDR = "10.224.0.4", "10.244.0.0/24"
nodes = [aks_node(g, NODE, ip=IP, pod_cidrs=[CIDR], created=g.t(40 * DAY), sub=SUB, node_rg=NODE_RG, vmss=VMSS,
                  instance=0)]
nss = [namespace(g, "shop", created=g.t(40 * DAY), labels={"team": "shop"}),
       namespace(g, "monitoring", created=g.t(40 * DAY), labels={"team": "observability"})]
pods = []


def mk(ns, name, labels, containers, ip, state="ready"):
    p = pod(g, ns, name, node=NODE, host_ips=[IP], ip=ip, state=state, labels=labels, containers=containers,
            age=2 * DAY)
    pods.append(p)
    return p


# web: "http" is 8080 in v1 and 8081 in v2 (resolved per endpoint pod); metrics 9090 in both
mk("shop", "web-v1", {"app": "web", "track": "stable"},
   [container("web", "ghcr.io/example/web:1.4.2", ports=[port(8080, "http"), port(9090, "metrics")],
              readiness=http_probe("/", "http"))], "10.244.0.10")
mk("shop", "web-v2", {"app": "web", "track": "canary"},
   [container("web", "ghcr.io/example/web:2.0.0", ports=[port(8081, "http"), port(9090, "metrics")],
              readiness=http_probe("/", "http"))], "10.244.0.11")
# not ready: not an endpoint the Service sends to, so not evaluated
mk("shop", "web-v2-unready", {"app": "web", "track": "canary"},
   [container("web", "ghcr.io/example/web:2.0.0", ports=[port(8081, "http"), port(9090, "metrics")],
              readiness=http_probe("/", "http"))], "10.244.0.12", state="notready")
# clients
mk("shop", "frontend", {"app": "frontend"}, [container("frontend", "ghcr.io/example/frontend:3.1.0")], "10.244.0.20")
mk("shop", "legacy", {"app": "legacy"}, [container("legacy", "ghcr.io/example/legacy:0.9.7")], "10.244.0.21")
mk("shop", "batch", {"app": "batch"}, [container("batch", "ghcr.io/example/batch:1.0.0")], "10.244.0.22")
mk("monitoring", "prom", {"app": "prometheus"},
   [container("prometheus", "quay.io/prometheus/prometheus:v2.53.0", ports=[port(9090, "web")])], "10.244.0.30")

svcs, eps, sls = [], [], []


def with_ep(s):
    e, sl = endpoints_for(g, s, pods, nodes)
    svcs.append(s)
    eps.append(e)
    sls.extend(sl)


with_ep(service(g, "shop", "web", cluster_ip="10.0.20.10", selector={"app": "web"},
                ports=[svc_port(80, "http", "http"), svc_port(9090, 9090, "metrics")]))
# the fault diagnose reports: a selector that matches no pod
with_ep(service(g, "shop", "idle", cluster_ip="10.0.20.11", selector={"app": "idle"},
                ports=[svc_port(80, 8080, "http")]))


def np(ns, name, spec):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(g, "NetworkPolicy", ns, name, created=g.t(10 * DAY), generation=1), "spec": spec}


pols = [
    # web: from frontend on the named port "http" (8080 or 8081, per pod) and on metrics;
    # from legacy on 8080 only (written when every pod listened there);
    # from namespace monitoring on metrics only
    np("shop", "web-ingress", {
        "podSelector": {"matchLabels": {"app": "web"}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
             "ports": [{"protocol": "TCP", "port": "http"}, {"protocol": "TCP", "port": 9090}]},
            {"from": [{"podSelector": {"matchLabels": {"app": "legacy"}}}],
             "ports": [{"protocol": "TCP", "port": 8080}]},
            {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
             "ports": [{"protocol": "TCP", "port": 9090}]}]}),
    # batch may only resolve names
    np("shop", "batch-egress", {
        "podSelector": {"matchLabels": {"app": "batch"}},
        "policyTypes": ["Egress"],
        "egress": [{"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}),
]

key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/namespaces.json", sorted(nss, key=key))
write_list(ROOT + "/cluster/nodes.json", nodes)
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_list(ROOT + "/cluster/networkpolicies.json", sorted(pols, key=key))
write_json(ROOT + "/expected-findings.json", [
    {"code": "service-selector-mismatch", "kind": "Service", "namespace": "shop", "name": "idle"},
])
assert not check_json_files(ROOT)
PYEOF
