#!/usr/bin/env python3
"""The bundle and the listener of the end-to-end probe benchmark (bench/run.sh).

  probe_bundle.py bundle DIR N PORT   DIR/cluster/: Service bench/big (ClusterIP
                                      127.255.0.1, port 80 -> PORT) with N ready pods
                                      127.0.a.b, in EndpointSlices of 100
  probe_bundle.py listen PORT         accept on 0.0.0.0:PORT and close, until killed

Run both inside a fresh network namespace, where all of 127.0.0.0/8 is local.
"""
import json, os, socket, sys

def lst(items):
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
            "items": items}

def ip(i):
    a = i + 1
    return "127.%d.%d.%d" % ((a >> 16) & 255, (a >> 8) & 255, a & 255)

def bundle(d, n, port):
    os.makedirs(d + "/cluster", exist_ok=True)
    pods = [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "big-%05d" % i, "namespace": "bench",
                          "labels": {"app": "big"}},
             "spec": {"nodeName": "bench-node",
                      "containers": [{"name": "c", "ports": [{"name": "http",
                                                              "containerPort": port}]}]},
             "status": {"phase": "Running", "podIP": ip(i),
                        "conditions": [{"type": "Ready", "status": "True"}]}}
            for i in range(n)]
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "big", "namespace": "bench"},
           "spec": {"clusterIP": "127.255.0.1", "selector": {"app": "big"},
                    "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}
    slices = []
    for k in range(0, n, 100):
        slices.append({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "big-%05d" % k, "namespace": "bench",
                         "labels": {"kubernetes.io/service-name": "big"}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": port}],
            "endpoints": [{"addresses": [ip(i)], "conditions": {"ready": True},
                           "nodeName": "bench-node",
                           "targetRef": {"kind": "Pod", "name": "big-%05d" % i}}
                          for i in range(k, min(k + 100, n))]})
    for name, obj in (("pods", lst(pods)), ("services", lst([svc])),
                      ("endpointslices", lst(slices))):
        with open("%s/cluster/%s.json" % (d, name), "w") as f:
            json.dump(obj, f)

def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(4096)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        c.close()

if sys.argv[1] == "bundle":
    bundle(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
elif sys.argv[1] == "listen":
    listen(int(sys.argv[2]))
