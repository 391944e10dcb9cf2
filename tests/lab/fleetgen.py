#!/usr/bin/env python3
"""Data for the fleet lab (tests/e2e/t_fleet_lab.sh), in kubectl's JSON shape.

  fleetgen.py cluster DIR < LIST   LIST lines, one per object:
      node NAME PODCIDR [windows]
      pod NODE NAME IP                 a Running workload pod holding IP on NODE
      agent NODE PHASE [REASON]        the netdiag agent pod of NODE (netdiag/netdiag-agent-NODE)
      svc NAME CLUSTERIP PORT TARGET IP...  a Service and its EndpointSlice
      kproxy NODE                      kube-proxy's pod on NODE (its DaemonSet: Linux nodes)
    writes DIR/cluster/{nodes,pods,services,endpointslices,daemonsets}.json
  fleetgen.py rules DIR RULES [DROP_SVC]   kube-proxy iptables-restore text for the
      Services of DIR/cluster/services.json (without DROP_SVC's chain when given)
  fleetgen.py nft DIR OUT   kube-proxy's nftables mode for the same Services: the
      'table ip kube-proxy' that 'nft -f' loads (facts §6.6)

Chain names come from kube-proxy's algorithm (facts §6.2) as in labgen.py.
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labgen import h, write  # noqa: E402

AGENT_LABELS = {"app.kubernetes.io/name": "netdiag", "app.kubernetes.io/component": "agent"}

def cluster(d):
    nodes, pods, svcs, slices = [], [], [], []
    nkp = 0
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == "node":
            os_ = "windows" if len(f) > 3 and f[3] == "windows" else "linux"
            nodes.append({"apiVersion": "v1", "kind": "Node",
                          "metadata": {"name": f[1], "labels": {"kubernetes.io/os": os_}},
                          "spec": {"podCIDR": f[2], "podCIDRs": [f[2]]},
                          "status": {"conditions": [{"type": "Ready", "status": "True"}],
                                     "nodeInfo": {"operatingSystem": os_}}})
        elif f[0] == "pod":
            node, name, ip = f[1:4]
            pods.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": name, "namespace": "default", "uid": "uid-" + name,
                                      "labels": {"app": "web"}},
                         "spec": {"nodeName": node,
                                  "containers": [{"name": "c", "image": "busybox",
                                                  "ports": [{"containerPort": 8080}]}]},
                         "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                                    "conditions": [{"type": "Ready", "status": "True"}]}})
        elif f[0] == "agent":
            node, phase = f[1], f[2]
            st = {"phase": phase}
            if phase == "Running":
                st["conditions"] = [{"type": "Ready", "status": "True"}]
            if len(f) > 3:
                st["containerStatuses"] = [{"name": "agent", "ready": False,
                                            "state": {"waiting": {"reason": f[3]}}}]
            pods.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "netdiag-agent-" + node, "namespace": "netdiag",
                                      "uid": "uid-agent-" + node, "labels": AGENT_LABELS,
                                      "ownerReferences": [{"apiVersion": "apps/v1",
                                                           "kind": "DaemonSet",
                                                           "name": "netdiag-agent",
                                                           "uid": "uid-ds", "controller": True}]},
                         "spec": {"nodeName": node, "hostNetwork": True,
                                  "containers": [{"name": "agent", "image": "netdiag:0.1.0"}]},
                         "status": st})
        elif f[0] == "kproxy":
            nkp += 1
            pods.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "kube-proxy-" + f[1], "namespace": "kube-system",
                                      "uid": "uid-kp-" + f[1],
                                      "labels": {"component": "kube-proxy"},
                                      "ownerReferences": [{"apiVersion": "apps/v1",
                                                           "kind": "DaemonSet",
                                                           "name": "kube-proxy",
                                                           "uid": "uid-kpds", "controller": True}]},
                         "spec": {"nodeName": f[1], "hostNetwork": True,
                                  "containers": [{"name": "kube-proxy",
                                                  "image": "kube-proxy:v1.30"}]},
                         "status": {"phase": "Running",
                                    "conditions": [{"type": "Ready", "status": "True"}]}})
        elif f[0] == "svc":
            name, cip, port, target = f[1], f[2], int(f[3]), int(f[4])
            svcs.append({"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": name, "namespace": "default"},
                         "spec": {"type": "ClusterIP", "clusterIP": cip,
                                  "ports": [{"name": "http", "port": port, "protocol": "TCP",
                                             "targetPort": target}],
                                  "selector": {"app": name}}})
            slices.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                           "metadata": {"name": name + "-1", "namespace": "default",
                                        "labels": {"kubernetes.io/service-name": name}},
                           "addressType": "IPv4",
                           "ports": [{"name": "http", "port": target, "protocol": "TCP"}],
                           "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}
                                         for ip in f[5:]]})
    ds = [{"apiVersion": "apps/v1", "kind": "DaemonSet",
           "metadata": {"name": "kube-proxy", "namespace": "kube-system"},
           "spec": {"selector": {"matchLabels": {"component": "kube-proxy"}},
                    "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                          "containers": [{"name": "kube-proxy",
                                                          "image": "kube-proxy:v1.30"}]}}},
           "status": {"desiredNumberScheduled": nkp, "numberReady": nkp}}]
    for kind, items in (("nodes", nodes), ("pods", pods), ("services", svcs),
                        ("endpointslices", slices), ("daemonsets", ds)):
        write("%s/cluster/%s.json" % (d, kind), {"apiVersion": "v1", "kind": "List",
                                                 "items": items})

def nft_chain(kind, rest):
    return "%s-%s-%s" % (kind, h(rest, 8), rest)

def nft(d, path):
    with open(d + "/cluster/services.json") as f:
        svcs = json.load(f)["items"]
    with open(d + "/cluster/endpointslices.json") as f:
        slices = {s["metadata"]["labels"]["kubernetes.io/service-name"]: s
                  for s in json.load(f)["items"]}
    elems, chains = [], []
    for s in svcs:
        name, cip = s["metadata"]["name"], s["spec"]["clusterIP"]
        sp = s["spec"]["ports"][0]
        r = "default/%s/tcp/%s" % (name, sp["name"])
        svc = nft_chain("service", r)
        elems.append("%s . tcp . %d : goto %s" % (cip, sp["port"], svc))
        eps = [e["addresses"][0] for e in slices[name]["endpoints"]]
        vm = []
        for i, ip in enumerate(eps):
            ep = nft_chain("endpoint", "%s__%s/%d" % (r, ip, sp["targetPort"]))
            chains.append("\tchain %s {\n\t\tip saddr %s jump mark-for-masquerade\n"
                          "\t\tmeta l4proto tcp dnat to %s:%d\n\t}" % (ep, ip, ip, sp["targetPort"]))
            vm.append("%d : goto %s" % (i, ep))
        chains.append("\tchain %s {\n\t\tip daddr %s tcp dport %d jump mark-for-masquerade\n"
                      "\t\tnumgen random mod %d vmap { %s }\n\t}"
                      % (svc, cip, sp["port"], len(eps), ", ".join(vm)))
    out = ["table ip kube-proxy {", "\tcomment \"rules for kube-proxy\"",
           "\tmap service-ips {", "\t\ttype ipv4_addr . inet_proto . inet_service : verdict",
           "\t\tcomment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\""]
    if elems:
        out.append("\t\telements = { %s }" % ", ".join(elems))
    out += ["\t}", "\tchain mark-for-masquerade {", "\t\tmeta mark set meta mark | 0x00004000",
            "\t}", "\tchain services {",
            "\t\tip daddr . meta l4proto . th dport vmap @service-ips", "\t}",
            "\tchain nat-prerouting {",
            "\t\ttype nat hook prerouting priority dstnat; policy accept;",
            "\t\tjump services", "\t}"] + chains + ["}"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")

def rules(d, path, drop):
    with open(d + "/cluster/services.json") as f:
        svcs = json.load(f)["items"]
    with open(d + "/cluster/endpointslices.json") as f:
        slices = {s["metadata"]["labels"]["kubernetes.io/service-name"]: s
                  for s in json.load(f)["items"]}
    nat = ["*nat", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
           ":POSTROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]",
           ":KUBE-POSTROUTING - [0:0]", ":KUBE-MARK-MASQ - [0:0]"]
    body = ["-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"]
    for s in svcs:
        name, cip = s["metadata"]["name"], s["spec"]["clusterIP"]
        sp = s["spec"]["ports"][0]
        if name == drop:
            continue
        spn = "default/%s:%s" % (name, sp["name"])
        svc = "KUBE-SVC-" + h(spn + "tcp")
        nat.append(":%s - [0:0]" % svc)
        body.append("-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" "
                    "-m tcp --dport %d -j %s" % (cip, spn, sp["port"], svc))
        eps = [e["addresses"][0] for e in slices[name]["endpoints"]]
        for i, ip in enumerate(eps):
            ep = "%s:%d" % (ip, sp["targetPort"])
            sep = "KUBE-SEP-" + h(spn + "tcp" + ep)
            nat.append(":%s - [0:0]" % sep)
            prob = (" -m statistic --mode random --probability %0.10f" % (1.0 / (len(eps) - i))
                    if i < len(eps) - 1 else "")
            body.append("-A %s -m comment --comment \"%s -> %s\"%s -j %s" % (svc, spn, ep, prob,
                                                                             sep))
            body.append("-A %s -s %s/32 -m comment --comment \"%s\" -j KUBE-MARK-MASQ"
                        % (sep, ip, spn))
            body.append("-A %s -p tcp -m comment --comment \"%s\" -m tcp -j DNAT "
                        "--to-destination %s" % (sep, spn, ep))
    body.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: "
                "this must be the last rule in this chain\" -m addrtype --dst-type LOCAL "
                "-j KUBE-NODEPORTS")
    with open(path, "w") as f:
        f.write("\n".join(nat + body + ["COMMIT"]) + "\n")

if __name__ == "__main__":
    if sys.argv[1] == "cluster":
        cluster(sys.argv[2])
    elif sys.argv[1] == "rules":
        rules(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "nft":
        nft(sys.argv[2], sys.argv[3])
