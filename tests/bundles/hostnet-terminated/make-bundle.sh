#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'EOF'
import sys
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("hostnet-terminated", "2025-06-12T09:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
SUB, RG, CL = "6c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f", "rg-dual", "aks-dual"
NODE_RG = "MC_rg-dual_aks-dual_swedencentral"
VMSS = "aks-nodepool1-31415926-vmss"
DAY = 1440
N = [VMSS + "000000", VMSS + "000001"]
NIP = {N[0]: ["10.224.0.4", "fd8a:1c2e:aa10::4"], N[1]: ["10.224.0.5", "fd8a:1c2e:aa10::5"]}
CIDRS = {N[0]: ["10.244.0.0/24", "fd00:10:244::/64"], N[1]: ["10.244.1.0/24", "fd00:10:244:1::/64"]}
nodes = [aks_node(g, n, ip=NIP[n][0], ipv6=NIP[n][1], pod_cidrs=CIDRS[n], created=g.t(30 * DAY), sub=SUB,
                  node_rg=NODE_RG, vmss=VMSS, instance=i, region="swedencentral", k8s="v1.30.12")
         for i, n in enumerate(N)]


def pip(n, k):
    """The k-th pod address pair of node n: v4 .k, v6 ::<k in hex> (host-local hands both out in order)."""
    v4 = str(ipaddress.ip_network(CIDRS[n][0]).network_address + k)
    v6 = str(ipaddress.ip_network(CIDRS[n][1]).network_address + k)
    return [v4, v6]


pods, store = [], {n: [] for n in N}


def add(p, in_store=True, sandbox=None):
    pods.append(p)
    if in_store and p["status"].get("podIP") and not p["spec"].get("hostNetwork"):
        sid = sandbox or g.cid("sandbox", p["metadata"]["namespace"], p["metadata"]["name"])
        for x in p["status"]["podIPs"]:
            store[p["spec"]["nodeName"]].append((x["ip"], sid))
    return p


def rs(ns, dep):
    return "%s-%s" % (dep, g.sfx(10, "rs", ns, dep))


kp = {"k8s-app": "kube-proxy"}
kpc = container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.12",
                command=["kube-proxy", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--v=3"], security={"privileged": True})
nec = container("node-exporter", "quay.io/prometheus/node-exporter:v1.8.2", args=["--path.rootfs=/host"],
                ports=[port(9100, "metrics", host_port=9100)], readiness=http_probe("/", 9100))
for n in N:
    add(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=NIP[n],
            labels=dict(kp, **{"component": "kube-proxy", "controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "2"}),
            containers=[kpc], owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"), age=30 * DAY,
            sa="kube-proxy", priority_class="system-node-critical", priority=2000001000, tolerations=DS_TOLERATIONS, qos="Burstable"))
    add(pod(g, "monitoring", "node-exporter-" + g.sfx(5, "ne", n), node=n, host_network=True, host_ips=NIP[n],
            labels={"app": "node-exporter", "controller-revision-hash": g.sfx(10, "nerev"), "pod-template-generation": "1"},
            containers=[nec], owner=owner_ref(g, "apps/v1", "DaemonSet", "monitoring", "node-exporter"), age=25 * DAY,
            tolerations=DS_TOLERATIONS))

dns = rs("kube-system", "coredns")
dnsc = container("coredns", "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-1",
                 ports=[port(53, "dns", "UDP"), port(53, "dns-tcp", "TCP"), port(9153, "metrics")],
                 readiness=http_probe("/ready", 8181))
for n in N:
    add(pod(g, "kube-system", "%s-%s" % (dns, g.sfx(5, "dns", n)), node=n, host_ips=NIP[n], ips=pip(n, 2),
            labels={"k8s-app": "kube-dns", "pod-template-hash": dns.split("-")[1]}, containers=[dnsc], age=29 * DAY,
            owner=owner_ref(g, "apps/v1", "ReplicaSet", "kube-system", dns), sa="coredns",
            priority_class="system-node-critical", priority=2000001000, qos="Burstable"))

web = rs("default", "web")
webc = container("web", "docker.io/library/nginx:1.27.3", ports=[port(80, "http")], readiness=http_probe("/", "http"))
add(pod(g, "default", "%s-%s" % (web, g.sfx(5, "web", 0)), node=N[0], host_ips=NIP[N[0]], ips=pip(N[0], 3),
        labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[webc], age=10 * DAY,
        owner=owner_ref(g, "apps/v1", "ReplicaSet", "default", web)))
# being deleted (graceful termination): still running, still holds its IPs -> live
WEB_TERMINATING = add(pod(g, "default", "%s-%s" % (web, g.sfx(5, "web", 1)), node=N[1], host_ips=NIP[N[1]], ips=pip(N[1], 4),
                          state="terminating", deleting=g.t(-0.3),
                          labels={"app": "web", "pod-template-hash": web.split("-")[1]}, containers=[webc], age=10 * DAY,
                          owner=owner_ref(g, "apps/v1", "ReplicaSet", "default", web)))["metadata"]["name"]

api = rs("default", "api")
apic = container("api", "ghcr.io/example/api:2.3.1", ports=[port(8080, "http")], readiness=http_probe("/ready", "http"))
API_LIVE = add(pod(g, "default", "%s-%s" % (api, g.sfx(5, "api", 0)), node=N[1], host_ips=NIP[N[1]], ips=pip(N[1], 5),
                   labels={"app": "api", "pod-template-hash": api.split("-")[1]}, containers=[apic], age=200,
                   owner=owner_ref(g, "apps/v1", "ReplicaSet", "default", api)))["metadata"]["name"]

jobc = container("migrate", "ghcr.io/example/migrate:2.3.1", command=["/migrate", "up"])


def job_pod(job, k, n, idx, state, age, finished):
    lab = {"batch.kubernetes.io/controller-uid": g.uid("Job", "batch", job), "batch.kubernetes.io/job-name": job,
           "controller-uid": g.uid("Job", "batch", job), "job-name": job}
    return pod(g, "batch", "%s-%s" % (job, g.sfx(5, "job", job, k)), node=n, host_ips=NIP[n], ips=pip(n, idx),
               state=state, labels=lab, containers=[jobc], age=age, finished=finished, restart_policy="Never",
               owner=owner_ref(g, "batch/v1", "Job", "batch", job))


# vmss000000: finished long ago, IPs released -> nothing
add(job_pod("migrate-29159000", 0, N[0], 7, "succeeded", 3000, 2990), in_store=False)
# vmss000001:
OLD_REUSED = add(job_pod("migrate-29160000", 0, N[1], 5, "succeeded", 2100, 2095), in_store=False)["metadata"]["name"]  # its .5/::5 now belong to API_LIVE
RELEASED = add(job_pod("migrate-29160500", 0, N[1], 3, "succeeded", 1500, 1490), in_store=False)["metadata"]["name"]
HOLD = [add(job_pod("migrate-29161000", 0, N[1], 7, "succeeded", 1000, 990))["metadata"]["name"],
        add(job_pod("migrate-29161400", 0, N[1], 8, "failed", 600, 595))["metadata"]["name"]]
ev_rs = rs("batch", "exporter")
EVICTED = add(pod(g, "batch", "%s-%s" % (ev_rs, g.sfx(5, "ev")), node=N[1], host_ips=NIP[N[1]], ips=pip(N[1], 10),
                  state="evicted", labels={"app": "exporter", "pod-template-hash": ev_rs.split("-")[1]},
                  containers=[container("exporter", "ghcr.io/example/exporter:0.4.0")], age=400, finished=380,
                  owner=owner_ref(g, "apps/v1", "ReplicaSet", "batch", ev_rs)))["metadata"]["name"]
HOLD.append(EVICTED)

# leaks: vmss000000 a dual-stack pair with one container ID; vmss000001 one IPv6 address alone
LEAK0 = g.cid("leak", 0)
store[N[0]] += [(pip(N[0], 20)[0], LEAK0), (pip(N[0], 20)[1], LEAK0)]
store[N[1]] += [(pip(N[1], 9)[1], g.cid("leak", 1))]
last = {N[0]: {0: pip(N[0], 20)[0], 1: pip(N[0], 20)[1]}, N[1]: {0: pip(N[1], 10)[0], 1: pip(N[1], 10)[1]}}
for n in N:
    write_text("%s/nodes/%s/cni/net.d/10-containerd-net.conflist" % (ROOT, n), kubenet_conflist(CIDRS[n]))
    write_store(ROOT, n, "kubenet", sorted(store[n], key=lambda e: (ipaddress.ip_address(e[0]).version, ipaddress.ip_address(e[0]))), last[n])

svcs, eps, sls = [], [], []
ks = kubernetes_service(g, "10.0.0.1", created=g.t(30 * DAY))
ke, kl = kubernetes_endpoints(g, ["203.0.113.77"], created=g.t(30 * DAY))
svcs.append(ks); eps.append(ke); sls.append(kl)


def with_ep(s):
    e, sl = endpoints_for(g, s, pods, nodes)
    svcs.append(s); eps.append(e); sls.extend(sl)


DUAL = dict(families=("IPv4", "IPv6"), family_policy="PreferDualStack")
with_ep(service(g, "kube-system", "kube-dns", cluster_ip="10.0.0.10", cluster_ips=["10.0.0.10", "fd12:3456:789a:1::a"],
                selector={"k8s-app": "kube-dns"}, ports=[svc_port(53, 53, "dns", "UDP"), svc_port(53, 53, "dns-tcp")],
                labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}, **DUAL))
with_ep(service(g, "default", "web", cluster_ip="10.0.120.5", cluster_ips=["10.0.120.5", "fd12:3456:789a:1::7b1c"],
                selector={"app": "web"}, ports=[svc_port(80, "http", "http")], **DUAL))
with_ep(service(g, "default", "api", cluster_ip="10.0.77.31", selector={"app": "api"}, ports=[svc_port(80, "http", "http")]))
with_ep(service(g, "monitoring", "node-exporter", cluster_ip="None", selector={"app": "node-exporter"},
                ports=[svc_port(9100, 9100, "metrics")], labels={"app": "node-exporter"}))

ds = [daemonset(g, "kube-system", "kube-proxy", labels={"component": "kube-proxy", "k8s-app": "kube-proxy"}, selector=kp,
                template_labels=dict(kp, component="kube-proxy"),
                pod_spec=template_spec([kpc], host_network=True, sa="kube-proxy", priority_class="system-node-critical"),
                desired=2, ready=2, created=g.t(30 * DAY), generation=2),
      daemonset(g, "monitoring", "node-exporter", labels={"app": "node-exporter"}, selector={"app": "node-exporter"},
                template_labels={"app": "node-exporter"}, pod_spec=template_spec([nec], host_network=True),
                desired=2, ready=2, created=g.t(25 * DAY))]

pods_by = {p["metadata"]["name"]: p for p in pods}


def pref(name):
    p = pods_by[name]
    return {"apiVersion": "v1", "kind": "Pod", "name": name, "namespace": p["metadata"]["namespace"],
            "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}


events = [
    event_legacy(g, "default", dict(pref(WEB_TERMINATING), fieldPath="spec.containers{web}"), reason="Killing",
                 message="Stopping container web", first=0.4, last=0.4, host=N[1]),
    event_legacy(g, "batch", pref(EVICTED), reason="Evicted", type_="Warning",
                 message="The node was low on resource: memory. Threshold quantity: 750Mi, available: 512340Ki. ",
                 first=381, last=381, host=N[1]),
]
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/services.json", sorted(svcs, key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted(eps, key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(sls, key=key))
write_list(ROOT + "/cluster/daemonsets.json", sorted(ds, key=key))
write_list(ROOT + "/cluster/events.json", sorted(events, key=key))
write_json(ROOT + "/expected-findings.json", [
    {"code": "ipam-leak", "kind": "Node", "namespace": None, "name": N[0]},
    {"code": "ipam-leak", "kind": "Node", "namespace": None, "name": N[1]},
    {"code": "terminated-pods-hold-ips", "kind": "Node", "namespace": None, "name": N[1]},
])
assert not check_json_files(ROOT)
print("hold:", HOLD, "old reused:", OLD_REUSED, "api live:", API_LIVE, "released:", RELEASED, "terminating:", WEB_TERMINATING)
EOF
