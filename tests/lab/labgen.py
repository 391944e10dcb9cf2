#!/usr/bin/env python3
"""Data for the node lab (tests/e2e/t_node_lab.sh), in kubectl's JSON shape.

  labgen.py pods DIR NODE PODCIDR < LIST   LIST lines: "name ip cid phase [hostnet]";
                                            writes DIR/cluster/{nodes,pods}.json and
                                            DIR/collect-info.json
  labgen.py info DIR [AGE_S [NAMESPACES [PODS_STATE]]]   DIR/collect-info.json alone
  labgen.py kp DIR RULES                    Services + EndpointSlices in DIR/cluster and
                                            kube-proxy iptables-restore text in RULES

Chain names are computed here from the kube-proxy algorithm (facts §6.2), on their
own, so the test does not borrow netdiag's code.
"""
import base64, hashlib, json, os, sys

def h(text, n=16):
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:n]

def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)

def pods(d, node, cidr):
    items = []
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        name, ip, cid, phase = f[:4]
        hostnet = len(f) > 4 and f[4] == "hostnet"
        p = {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": name, "namespace": "default", "uid": "uid-" + name},
             "spec": {"nodeName": f[5] if len(f) > 5 else node, "hostNetwork": hostnet,
                      "containers": [{"name": "c", "image": "busybox"}]},
             "status": {"phase": phase, "podIP": ip, "podIPs": [{"ip": ip}]}}
        if phase == "Running":
            p["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
        items.append(p)
    write(d + "/cluster/pods.json", {"apiVersion": "v1", "kind": "List", "items": items})
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": n},
              "spec": {"podCIDR": c, "podCIDRs": [c]},
              "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
             for n, c in ((node, cidr), ("lab-node-2", "10.244.8.0/24"))]
    write(d + "/cluster/nodes.json", {"apiVersion": "v1", "kind": "List", "items": nodes})
    info(d)

# collect-info.json as `netdiag collect` writes it: when, and that every
# namespace's pods were read (ipam release's pod-list witness)
def info(d, age=0, namespaces="all", pods_state="ok"):
    import time
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - age))
    write(d + "/collect-info.json",
          {"collected_at": when, "context": "lab", "server": "https://lab.invalid",
           "namespaces": namespaces,
           "kinds": [{"resource": "pods", "state": pods_state, "objects": 0},
                     {"resource": "nodes", "state": "ok", "objects": 2}]})

# name, cluster IP, port name, port, target, API endpoints, endpoints in the rules, comments
SERVICES = [
    ("web", "10.0.45.12", "http", 80, 8080, ["10.244.1.5", "10.244.2.7"], None, True),
    ("api", "10.0.45.13", "grpc", 9000, 9000, ["10.244.1.9"], [], True),      # chain missing
    ("shop", "10.0.45.14", "http", 80, 8080, ["10.244.1.20", "10.244.1.21"],
     ["10.244.1.20", "10.244.9.9"], True),                                      # stale SEP
    ("big", "10.0.45.15", None, 80, 8080,
     ["10.245.%d.%d" % (i // 250, i % 250 + 1) for i in range(1001)], None, False),
    ("empty", "10.0.45.16", "http", 80, 8080, [], [], True),                   # no endpoints
]

def kp(d, rules_path):
    svcs, slices = [], []
    nat = ["*nat", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
           ":POSTROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]",
           ":KUBE-POSTROUTING - [0:0]", ":KUBE-MARK-MASQ - [0:0]"]
    body = ["-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"]
    filt = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
            ":KUBE-SERVICES - [0:0]"]
    for name, cip, pname, port, target, api, inrules, comments in SERVICES:
        sp = {"port": port, "protocol": "TCP", "targetPort": target}
        if pname:
            sp["name"] = pname
        svcs.append({"apiVersion": "v1", "kind": "Service",
                     "metadata": {"name": name, "namespace": "default"},
                     "spec": {"type": "ClusterIP", "clusterIP": cip, "ports": [sp],
                              "selector": {"app": name}}})
        for k in range(0, max(len(api), 1), 1000):
            chunk = api[k:k + 1000]
            epp = {"port": target, "protocol": "TCP"}
            if pname:
                epp["name"] = pname
            slices.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                           "metadata": {"name": "%s-%d" % (name, k), "namespace": "default",
                                        "labels": {"kubernetes.io/service-name": name}},
                           "addressType": "IPv4", "ports": [epp],
                           "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}
                                         for ip in chunk]})
        spn = "default/%s" % name + (":" + pname if pname else "")
        rules = api if inrules is None else inrules
        if not rules:
            if not api:
                filt.append("-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s has no "
                            "endpoints\" -m tcp --dport %d -j REJECT --reject-with "
                            "icmp-port-unreachable" % (cip, spn, port))
            continue
        svc = "KUBE-SVC-" + h(spn + "tcp")
        nat.append(":%s - [0:0]" % svc)
        body.append("-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" "
                    "-m tcp --dport %d -j %s" % (cip, spn, port, svc))
        body.append("-A %s ! -s 10.244.0.0/16 -d %s/32 -p tcp -m comment --comment \"%s cluster "
                    "IP\" -m tcp --dport %d -j KUBE-MARK-MASQ" % (svc, cip, spn, port))
        n = len(rules)
        for i, ip in enumerate(rules):
            ep = "%s:%d" % (ip, target)
            sep = "KUBE-SEP-" + h(spn + "tcp" + ep)
            nat.append(":%s - [0:0]" % sep)
            c = " -m comment --comment \"%s -> %s\"" % (spn, ep) if comments else ""
            prob = (" -m statistic --mode random --probability %0.10f" % (1.0 / (n - i))
                    if i < n - 1 else "")
            body.append("-A %s%s%s -j %s" % (svc, c, prob, sep))
            c = " -m comment --comment \"%s\"" % spn if comments else ""
            body.append("-A %s -s %s/32%s -j KUBE-MARK-MASQ" % (sep, ip, c))
            body.append("-A %s -p tcp%s -m tcp -j DNAT --to-destination %s" % (sep, c, ep))
    body.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: "
                "this must be the last rule in this chain\" -m addrtype --dst-type LOCAL "
                "-j KUBE-NODEPORTS")
    with open(rules_path, "w") as f:
        f.write("\n".join(nat + body + ["COMMIT"] + filt + ["COMMIT"]) + "\n")
    write(d + "/cluster/services.json", {"apiVersion": "v1", "kind": "List", "items": svcs})
    write(d + "/cluster/endpointslices.json",
          {"apiVersion": "v1", "kind": "List", "items": slices})

if __name__ == "__main__":
    if sys.argv[1] == "pods":
        pods(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "info":
        info(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0,
             sys.argv[4] if len(sys.argv) > 4 else "all",
             sys.argv[5] if len(sys.argv) > 5 else "ok")
    elif sys.argv[1] == "kp":
        kp(sys.argv[2], sys.argv[3])
