#!/usr/bin/env python3
"""The fleet benchmark's bundle (bench/fleet.sh): N Linux nodes, each with its
netdiag agent pod and that pod's log in DIR/logs/netdiag/<pod>.log.

  fleet_bundle.py DIR N HEALTHY_LINE LEAKY_LINE [LEAK_EVERY]

The two lines are real `netdiag agent` output (one from a healthy node root,
one from a root with leaked host-local entries); each node's log is the
healthy or (every LEAK_EVERY-th node, default 10) the leaky line with the
node's name put where the agent wrote it, after two lines of start-up noise.
"""
import json, os, sys

d, n = sys.argv[1], int(sys.argv[2])
healthy, leaky = open(sys.argv[3]).read().strip(), open(sys.argv[4]).read().strip()
every = int(sys.argv[5]) if len(sys.argv) > 5 else 10
os.makedirs(d + "/cluster", exist_ok=True)
os.makedirs(d + "/logs/netdiag", exist_ok=True)
L = {"app.kubernetes.io/name": "netdiag", "app.kubernetes.io/component": "agent"}
nodes, pods = [], []
for i in range(n):
    node = "aks-nodepool1-%08d-vmss%06d" % (31415926, i)
    pod = "netdiag-agent-%05x" % i
    nodes.append({"apiVersion": "v1", "kind": "Node",
                  "metadata": {"name": node, "labels": {"kubernetes.io/os": "linux"}},
                  "spec": {"podCIDR": "10.%d.%d.0/24" % (100 + i // 256, i % 256)},
                  "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    pods.append({"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": pod, "namespace": "netdiag", "uid": "u%d" % i, "labels": L},
                 "spec": {"nodeName": node, "hostNetwork": True,
                          "containers": [{"name": "agent", "image": "netdiag:0.1.0"}]},
                 "status": {"phase": "Running",
                            "conditions": [{"type": "Ready", "status": "True"}]}})
    line = (leaky if i % every == 0 else healthy).replace("bench-node", node)
    with open("%s/logs/netdiag/%s.log" % (d, pod), "w") as f:
        f.write("netdiag agent: starting\n%s\n" % line)
for name, items in (("nodes", nodes), ("pods", pods)):
    with open("%s/cluster/%s.json" % (d, name), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
