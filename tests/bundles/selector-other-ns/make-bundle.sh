#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("selector-other-ns", "2025-08-14T07:45:00Z")
reset_dirs(ROOT, "cluster")
SUB, NODE_RG, VMSS = "8dbd2563-77eb-41a1-917b-5a1344da0003", "MC_rg-ns_aks-ns_westeurope", "aks-nodepool1-27271828-vmss"
N = VMSS + "000000"
nodes = [aks_node(g, N, ip="10.224.0.4", pod_cidrs=["10.244.0.0/24"], created=g.t(30 * 1440), sub=SUB,
                  node_rg=NODE_RG, vmss=VMSS, instance=0)]
api = "api-" + g.sfx(10, "api")
ac = container("api", "ghcr.io/example/api:5.0.2", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
pods = [pod(g, "backend", "%s-%s" % (api, g.sfx(5, "api", k)), node=N, host_ips=["10.224.0.4"],
            ip="10.244.0.%d" % (20 + k), labels={"app": "api", "pod-template-hash": api.split("-")[1]},
            containers=[ac], age=600 - k, owner=owner_ref(g, "apps/v1", "ReplicaSet", "backend", api))
        for k in range(3)]
svcs, eps, sls = [], [], []
# frontend/api selects app=api, but those pods run in namespace backend: no endpoints
# backend/api is the healthy look-alike: same selector in the pods' own namespace
for s in (service(g, "frontend", "api", cluster_ip="10.0.77.10", selector={"app": "api"},
                  ports=[svc_port(80, "http", "http")]),
          service(g, "backend", "api", cluster_ip="10.0.77.11", selector={"app": "api"},
                  ports=[svc_port(80, "http", "http")])):
    e, sl = endpoints_for(g, s, pods, nodes)
    svcs.append(s); eps.append(e); sls.extend(sl)
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", nodes)
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_json(ROOT + "/expected-findings.json",
           [{"code": "service-selector-mismatch", "kind": "Service", "namespace": "frontend", "name": "api"}])
assert not check_json_files(ROOT)
PY
