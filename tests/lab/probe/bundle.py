#!/usr/bin/env python3
"""The probe lab's bundle (tests/e2e/t_probe_lab.sh), in kubectl's JSON shape.

  bundle.py DIR NODE < SPEC      writes DIR/cluster/{nodes,pods,services,endpointslices}.json

SPEC lines:
  pod NS/NAME IP [PORTNAME=PORT[/PROTO] ...]          a Running, ready pod on NODE
  svc NS/NAME CLUSTERIP PORTS POD[,POD...]            PORTS: NAME:PORT:TARGET[/PROTO],...
                                                      TARGET a number or a containerPort name

The EndpointSlice lists the pods' IPs, ready, with targetRef and nodeName, and one
port per Service port, resolved as the endpoint-slice controller does (a named
targetPort through the first pod's containerPort of that name).
"""
import json, os, sys

def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=4, sort_keys=True)

def lst(items):
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
            "items": items}

def main():
    d, node = sys.argv[1], sys.argv[2]
    pods, svcs = {}, []
    for line in sys.stdin:
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        if f[0] == "pod":
            ns, name = f[1].split("/")
            ports = []
            for spec in f[3:]:
                pname, rest = spec.split("=")
                num, _, proto = rest.partition("/")
                ports.append({"name": pname, "containerPort": int(num),
                              "protocol": proto or "TCP"})
            pods[(ns, name)] = {"ns": ns, "name": name, "ip": f[2], "ports": ports}
        elif f[0] == "svc":
            ns, name = f[1].split("/")
            ports = []
            for spec in f[3].split(","):
                pname, port, target = spec.split(":")
                target, _, proto = target.partition("/")
                ports.append((pname, int(port), target, proto or "TCP"))
            svcs.append((ns, name, f[2], ports, f[4].split(",") if len(f) > 4 else []))

    pod_items = []
    for p in pods.values():
        pod_items.append({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": p["name"], "namespace": p["ns"], "uid": "uid-" + p["name"],
                         "labels": {"app": p["name"]}},
            "spec": {"nodeName": node,
                     "containers": [{"name": "app", "image": "busybox", "ports": p["ports"]}]},
            "status": {"phase": "Running", "podIP": p["ip"], "podIPs": [{"ip": p["ip"]}],
                       "conditions": [{"type": "Ready", "status": "True"}]}})
    # the node's kube-proxy, so that the S3 checks see it running
    pod_items.append({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "kube-proxy-x7k2m", "namespace": "kube-system",
                     "uid": "uid-kube-proxy", "labels": {"component": "kube-proxy",
                                                          "tier": "node"}},
        "spec": {"nodeName": node, "hostNetwork": True,
                 "containers": [{"name": "kube-proxy", "image": "kube-proxy"}]},
        "status": {"phase": "Running", "podIP": "10.224.0.4", "podIPs": [{"ip": "10.224.0.4"}],
                   "conditions": [{"type": "Ready", "status": "True"}]}})
    svc_items, slices = [], []
    for ns, name, cip, ports, members in svcs:
        spec_ports = []
        for pname, port, target, proto in ports:
            spec_ports.append({"name": pname, "port": port, "protocol": proto,
                               "targetPort": int(target) if target.isdigit() else target})
        svc_items.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": "uid-svc-" + name},
            "spec": {"type": "ClusterIP", "clusterIP": cip, "clusterIPs": [cip],
                     "ports": spec_ports, "selector": {"svc-" + name: "yes"}}})
        eps, first = [], pods[(ns, members[0])] if members else None
        for m in members:
            p = pods[(ns, m)]
            eps.append({"addresses": [p["ip"]],
                        "conditions": {"ready": True, "serving": True, "terminating": False},
                        "nodeName": node,
                        "targetRef": {"kind": "Pod", "name": m, "namespace": ns,
                                      "uid": "uid-" + m}})
        slice_ports = []
        for pname, port, target, proto in ports:
            num = int(target) if target.isdigit() else next(
                (c["containerPort"] for c in (first["ports"] if first else [])
                 if c["name"] == target), None)
            if num is not None:
                slice_ports.append({"name": pname, "port": num, "protocol": proto})
        slices.append({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name + "-x1y2z", "namespace": ns,
                         "labels": {"kubernetes.io/service-name": name,
                                    "endpointslice.kubernetes.io/managed-by":
                                        "endpointslice-controller.k8s.io"}},
            "addressType": "IPv4", "endpoints": eps or None, "ports": slice_ports})
        # the selector must match: label the member pods for the Service
        for m in members:
            for it in pod_items:
                if it["metadata"]["namespace"] == ns and it["metadata"]["name"] == m:
                    it["metadata"]["labels"]["svc-" + name] = "yes"
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": node},
              "status": {"conditions": [{"type": "Ready", "status": "True"}]}}]
    write(d + "/cluster/nodes.json", lst(nodes))
    write(d + "/cluster/pods.json", lst(pod_items))
    write(d + "/cluster/services.json", lst(svc_items))
    write(d + "/cluster/endpointslices.json", lst(slices))

main()
