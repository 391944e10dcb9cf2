#!/usr/bin/env python3
"""Writes tests/bundles/policy/cluster/*.json: 3 namespaces x 3 pods with the
usual NetworkPolicies, and the upstream default ClusterRole shapes (view,
edit, admin built by aggregation, their rules left empty as in the
manifests) with a few bindings. kubectl -o json List shapes."""
import json, os, uuid

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster")
os.makedirs(OUT, exist_ok=True)

def lst(kind, items, api="v1"):
    return {"apiVersion": api, "kind": kind + "List" if False else "List", "items": items,
            "metadata": {"resourceVersion": ""}}

def write(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")

def meta(name, ns=None, labels=None):
    m = {"name": name, "creationTimestamp": "2025-05-01T08:00:00Z",
         "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "%s/%s" % (ns, name)))}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    return m

# ---- namespaces ----
nss = {"frontend": {"team": "fe"}, "backend": {"team": "be"}, "data": {"team": "data"},
       "shop": {}}
write("namespaces.json", lst("Namespace", [
    {"apiVersion": "v1", "kind": "Namespace",
     "metadata": meta(n, labels=dict(l, **{"kubernetes.io/metadata.name": n})),
     "status": {"phase": "Active"}} for n, l in sorted(nss.items())]))

# ---- nodes ----
write("nodes.json", lst("Node", [
    {"apiVersion": "v1", "kind": "Node",
     "metadata": meta("node-%d" % i, labels={"kubernetes.io/os": "linux"}),
     "spec": {"podCIDR": "10.244.%d.0/24" % i},
     "status": {"addresses": [{"type": "InternalIP", "address": "10.240.0.%d" % (4 + i)}],
                "conditions": [{"type": "Ready", "status": "True"}],
                "allocatable": {"pods": "110"}}} for i in (1, 2, 3)]))

# ---- pods ----
def pod(ns, name, app, ip, node, ports=(), host=False, extra=None):
    labels = {"app": app, "pod-template-hash": "5d8f7c9b6"}
    if extra:
        labels.update(extra)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, ns, labels),
            "spec": {"nodeName": node, "hostNetwork": host, "serviceAccountName": "default",
                     "containers": [{"name": app, "image": "example/%s:1" % app,
                                     "ports": [dict(p) for p in ports]}]},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                       "conditions": [{"type": "Ready", "status": "True"},
                                      {"type": "ContainersReady", "status": "True"}]}}

HTTP = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
pods = [
    pod("frontend", "web-1", "web", "10.244.1.10", "node-1", HTTP),
    pod("frontend", "web-2", "web", "10.244.1.11", "node-1", HTTP),
    pod("frontend", "admin", "admin", "10.244.1.12", "node-1", HTTP),
    pod("backend", "api-1", "api", "10.244.2.10", "node-2", HTTP),
    pod("backend", "api-2", "api", "10.244.2.11", "node-2", HTTP),
    pod("backend", "worker", "worker", "10.244.2.12", "node-2", HTTP),
    pod("data", "db", "db", "10.244.3.10", "node-3",
        [{"name": "pg", "containerPort": 5432, "protocol": "TCP"}] + HTTP),
    pod("data", "cache", "cache", "10.244.3.11", "node-3",
        [{"name": "redis", "containerPort": 6379, "protocol": "TCP"}] + HTTP),
    pod("data", "backup", "backup", "10.244.3.12", "node-3", HTTP),
    # a hostNetwork pod on node-3: never selected, seen by its node address
    pod("data", "node-agent", "agent", "10.240.0.7", "node-3", [], host=True),
]
write("pods.json", lst("Pod", pods))

# ---- a Service over the db for svc: destinations ----
write("services.json", lst("Service", [
    {"apiVersion": "v1", "kind": "Service", "metadata": meta("db", "data"),
     "spec": {"type": "ClusterIP", "clusterIP": "10.0.100.10", "selector": {"app": "db"},
              "ports": [{"name": "pg", "port": 5432, "targetPort": "pg", "protocol": "TCP"}]}}]))
write("endpoints.json", lst("Endpoints", [
    {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("db", "data"),
     "subsets": [{"addresses": [{"ip": "10.244.3.10", "nodeName": "node-3",
                                 "targetRef": {"kind": "Pod", "name": "db", "namespace": "data"}}],
                  "ports": [{"name": "pg", "port": 5432, "protocol": "TCP"}]}]}]))

# ---- NetworkPolicies ----
def np(ns, name, spec):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, ns), "spec": spec}

pols = [
    # deny-all ingress in data (policyTypes defaulted: Ingress)
    np("data", "deny-all", {"podSelector": {}}),
    # db from the api pods of namespaces labelled team=be, on the named port pg
    np("data", "db-from-api", {
        "podSelector": {"matchLabels": {"app": "db"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "be"}},
                               "podSelector": {"matchLabels": {"app": "api"}}}],
                     "ports": [{"port": "pg"}]}]}),
    # cache from every pod of namespace frontend (the automatic name label)
    np("data", "cache-from-frontend", {
        "podSelector": {"matchLabels": {"app": "cache"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
            "kubernetes.io/metadata.name": "frontend"}}}],
                     "ports": [{"protocol": "TCP", "port": 6379}]}]}),
    # api from the frontend node range except the admin pod, ports 8000-8100
    np("backend", "api-from-frontend-range", {
        "podSelector": {"matchLabels": {"app": "api"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"ipBlock": {"cidr": "10.244.1.0/24",
                                           "except": ["10.244.1.12/32"]}}],
                     "ports": [{"protocol": "TCP", "port": 8000, "endPort": 8100}]}]}),
    # admin may send nothing (egress deny)
    np("frontend", "admin-egress-deny", {
        "podSelector": {"matchLabels": {"app": "admin"}},
        "policyTypes": ["Egress"]}),
    # worker may only talk to namespace data (and DNS)
    np("backend", "worker-egress", {
        "podSelector": {"matchLabels": {"app": "worker"}},
        "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"team": "data"}}}]},
                   {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}),
]
write("networkpolicies.json", lst("NetworkPolicy", pols, "v1"))

# ---- RBAC: the upstream default shapes ----
AGG = "rbac.authorization.k8s.io/aggregate-to-%s"
def crole(name, rules=None, labels=None, agg=None):
    o = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": meta(name, labels=labels), "rules": rules or []}
    if agg:
        o["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {AGG % agg: "true"}}]}
    return o

def rule(verbs, resources, groups=("",), names=None):
    r = {"apiGroups": list(groups), "resources": list(resources), "verbs": list(verbs)}
    if names:
        r["resourceNames"] = list(names)
    return r

RO = ["get", "list", "watch"]
RW = ["create", "delete", "deletecollection", "patch", "update"]
roles = [
    crole("cluster-admin", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                            {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
    crole("admin", agg="admin"),
    crole("edit", labels={AGG % "admin": "true"}, agg="edit"),
    crole("view", labels={AGG % "edit": "true"}, agg="view"),
    crole("system:aggregate-to-admin", [
        rule(RO + RW, ["roles", "rolebindings"], ["rbac.authorization.k8s.io"]),
        rule(["create"], ["localsubjectaccessreviews"], ["authorization.k8s.io"])],
        labels={AGG % "admin": "true"}),
    crole("system:aggregate-to-edit", [
        rule(["create", "delete", "deletecollection", "patch", "update"],
             ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
        rule(RO + RW, ["configmaps", "endpoints", "persistentvolumeclaims",
                        "replicationcontrollers", "secrets", "serviceaccounts", "services"]),
        rule(RO, ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
                  "services/proxy"]),
        rule(RO + RW, ["deployments", "deployments/scale", "replicasets", "statefulsets",
                        "daemonsets"], ["apps"])],
        labels={AGG % "edit": "true"}),
    crole("system:aggregate-to-view", [
        rule(RO, ["configmaps", "endpoints", "persistentvolumeclaims", "pods",
                  "replicationcontrollers", "serviceaccounts", "services"]),
        rule(RO, ["bindings", "events", "limitranges", "namespaces/status", "pods/log",
                  "pods/status", "resourcequotas"]),
        rule(RO, ["deployments", "deployments/scale", "replicasets", "statefulsets",
                  "daemonsets"], ["apps"])],
        labels={AGG % "view": "true"}),
    crole("system:discovery", [{"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*",
                                                     "/healthz", "/livez", "/readyz",
                                                     "/version", "/version/"],
                                 "verbs": ["get"]}]),
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
     "metadata": meta("log-reader", "shop"),
     "rules": [rule(["get"], ["pods/log"]), rule(["get"], ["configmaps"], names=["app-config"])]},
]
write("roles.json", lst("ClusterRole", roles))

def binding(kind, name, ns, rkind, rname, subjects):
    o = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta(name, ns),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": rkind, "name": rname},
         "subjects": subjects}
    return o

SA = lambda n, ns=None: dict({"kind": "ServiceAccount", "name": n}, **({"namespace": ns} if ns else {}))
bindings = [
    binding("ClusterRoleBinding", "system:discovery", None, "ClusterRole", "system:discovery",
            [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
              "name": "system:authenticated"}]),
    binding("ClusterRoleBinding", "alice-admin", None, "ClusterRole", "admin",
            [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice@example.com"}]),
    binding("RoleBinding", "viewers", "shop", "ClusterRole", "view", [SA("reader", "shop")]),
    binding("RoleBinding", "editors", "shop", "ClusterRole", "edit", [SA("deployer")]),
    binding("RoleBinding", "logs", "shop", "Role", "log-reader",
            [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
              "name": "system:serviceaccounts:shop"}]),
    binding("RoleBinding", "broken", "shop", "ClusterRole", "does-not-exist", [SA("web", "shop")]),
]
write("rolebindings.json", lst("RoleBinding", bindings))
