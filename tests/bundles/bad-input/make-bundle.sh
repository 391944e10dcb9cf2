#!/bin/sh
# Regenerates the committed files of this bundle byte for byte (needs python3;
# helpers in ../k8sgen.py). The two large files are made by make-big.sh at
# test time instead.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("bad-input", "2025-06-12T09:30:00Z")
C = ROOT + "/cluster"
for f in os.listdir(C) if os.path.isdir(C) else []:
    if f not in ("big-string.json", "deep-nesting.json", ".gitignore"):
        os.remove(os.path.join(C, f))
os.makedirs(C, exist_ok=True)
DAY = 1440
NODE = "aks-nodepool1-10101010-vmss000000"
report = []


def raw(name, data):
    with open(os.path.join(C, name), "wb") as f:
        f.write(data)


def err_at(data):
    try:
        json.loads(data.decode("utf-8"))
        return None
    except UnicodeDecodeError as ex:
        return "invalid UTF-8 at byte %d" % ex.start
    except json.JSONDecodeError as ex:
        return "%s at byte %d (line %d, column %d)" % (ex.msg, len(data.decode("utf-8")[:ex.pos].encode()), ex.lineno, ex.colno)


# --- valid: pods and a Service whose selector misses them by one label value
wc = container("web", "ghcr.io/example/web:1.0.0", ports=[port(8080, "http")], readiness=http_probe("/healthz", "http"))
rs = "web-" + g.sfx(10, "rs")
pods = [pod(g, "shop", "%s-%s" % (rs, g.sfx(5, k)), node=NODE, host_ips=["10.224.0.4"], ip="10.244.0.%d" % (10 + k),
            labels={"app": "web", "tier": "front", "pod-template-hash": rs.split("-")[1]}, containers=[wc], age=2 * DAY,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", rs)) for k in range(2)]
write_list(C + "/pods.json", pods)
svc = service(g, "shop", "web", cluster_ip="10.0.61.2", selector={"app": "web", "tier": "frontend"},
              ports=[svc_port(80, "http", "http")], labels={"app": "web"})
ep, sls = endpoints_for(g, svc, pods, [])
write_list(C + "/services.json", [svc])
write_list(C + "/endpoints.json", [ep] + sls)

# --- truncated: a List of two nodes cut in the middle of the second object
n1 = aks_node(g, NODE, ip="10.224.0.4", pod_cidrs=["10.244.0.0/24"], created=g.t(30 * DAY), sub="-", node_rg="MC_rg_x_westeurope",
              vmss="aks-nodepool1-10101010-vmss", instance=0)
n2 = aks_node(g, NODE[:-1] + "1", ip="10.224.0.5", pod_cidrs=["10.244.1.0/24"], created=g.t(30 * DAY), sub="-",
              node_rg="MC_rg_x_westeurope", vmss="aks-nodepool1-10101010-vmss", instance=1)
full = dumps(kubectl_list([n1, n2])).encode()
cut = full.index(b'"nodeInfo"', full.index(NODE[:-1].encode() + b"1")) + 40
raw("truncated.json", full[:cut])
report.append(("truncated.json", err_at(full[:cut]), len(full[:cut])))

# --- wrong types: valid JSON, three objects with fields of the wrong type
bad1 = pod(g, "bad", "labels-string", node=NODE, host_ips=["10.224.0.4"], ip="10.244.0.50", labels={"app": "x"},
           containers=[wc], age=60)
bad1["metadata"]["labels"] = "x"
bad2 = pod(g, "bad", "port-string", node=NODE, host_ips=["10.224.0.4"], ip="10.244.0.51", labels={"app": "y"},
           containers=[container("web", "ghcr.io/example/web:1.0.0", ports=[port(8080, "http")])], age=60)
bad2["spec"]["containers"][0]["ports"][0]["containerPort"] = "8080"
bad3 = service(g, "bad", "ports-object", cluster_ip="10.0.61.3", selector={"app": "y"}, ports=[svc_port(80, 8080, "http")])
bad3["spec"]["ports"] = {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}
write_list(C + "/wrong-types.json", [bad1, bad2, bad3])
raw("items-not-array.json", (
    "{\n"
    "    \"apiVersion\": \"v1\",\n"
    "    \"items\": " + dumps(dict(pod(g, "bad", "not-in-a-list", node=NODE, host_ips=["10.224.0.4"], ip="10.244.0.52",
                                         labels={"app": "z"}, containers=[wc], age=60))).rstrip("\n").replace("\n", "\n    ") + ",\n"
    "    \"kind\": \"List\",\n"
    "    \"metadata\": {\n"
    "        \"resourceVersion\": \"\"\n"
    "    }\n"
    "}\n").encode())
report.append(("items-not-array.json", err_at(open(C + "/items-not-array.json", "rb").read()), None))

# --- invalid UTF-8 inside a string value (a label value)
ns = namespace(g, "bad-utf8", created=g.t(3 * DAY), labels={"team": "PLACEHOLDER"})
b = dumps(ns).encode().replace(b"PLACEHOLDER", b"caf\xe9-\xff\xfe")
raw("invalid-utf8.json", b)
report.append(("invalid-utf8.json", err_at(b), len(b)))

# --- trailing garbage: a valid object, then a klog line that 2>&1 mixed in
ok = dumps(namespace(g, "trailing", created=g.t(3 * DAY))).encode()
t = ok + b"E0612 09:30:01.123456   48213 memcache.go:265] couldn't get current server API group list: the server has asked for the client to provide credentials\n"
raw("trailing-garbage.json", t)
report.append(("trailing-garbage.json", err_at(t), len(ok)))

# --- empty file
raw("empty.json", b"")
report.append(("empty.json", err_at(b""), 0))

# --- valid JSON, an integer above INT64_MAX in a field netdiag does not read
hn = aks_node(g, "aks-gpu-20202020-vmss000000", ip="10.224.0.9", pod_cidrs=["10.244.9.0/24"], created=g.t(5 * DAY), sub="-",
              node_rg="MC_rg_x_westeurope", vmss="aks-gpu-20202020-vmss", instance=0, pool="gpu", mode="user",
              images=[{"names": ["nvcr.io/nvidia/pytorch:24.05-py3"], "sizeBytes": 4711}])
hb = dumps(kubectl_list([hn])).encode().replace(b'"sizeBytes": 4711', b'"sizeBytes": 99999999999999999999')
raw("huge-int.json", hb)

with open(C + "/.gitignore", "w") as f:
    f.write("# made by ../make-big.sh at test time\nbig-string.json\ndeep-nesting.json\n")
# Input errors are findings too (code bundle-load-error, subject kind File).
# Their names are given relative to the bundle directory: a test strips the
# bundle path it passed to --snapshot. wrong-types.json gives one per object.
# big-string.json and huge-int.json load; deep-nesting.json needs make-big.sh.
load_errors = ["deep-nesting.json", "empty.json", "invalid-utf8.json", "items-not-array.json",
               "trailing-garbage.json", "truncated.json", "wrong-types.json", "wrong-types.json", "wrong-types.json"]
write_json(ROOT + "/expected-findings.json",
           [{"code": "bundle-load-error", "kind": "File", "namespace": None, "name": "cluster/" + f} for f in load_errors] +
           [{"code": "service-selector-mismatch", "kind": "Service", "namespace": "shop", "name": "web"}])
for r in report:
    print(*r, sep=" | ")
EOF
