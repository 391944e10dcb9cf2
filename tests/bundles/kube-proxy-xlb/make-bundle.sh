#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys, hashlib, base64
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("kube-proxy-xlb", "2025-03-10T07:30:00Z")
reset_dirs(ROOT, "cluster", "nodes")
DAY = 1440
K8S = "v1.22.11"       # kube-proxy before KUBE-EXT: externalTrafficPolicy Local goes through KUBE-XLB
SUB = "5e1b7c2d-4f3a-4b8e-9c0d-7a6b5c4d3e2f"
RG = "MC_rg-legacy_aks-legacy_northeurope"
CIDR = "10.244.0.0/16"
N0, N1 = ("aks-agentpool-27182818-vmss00000%d" % i for i in range(2))
NODE_IP = {N0: "10.240.0.4", N1: "10.240.0.5"}


def h(text):
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:16]


nodes = [aks_node(g, n, ip=NODE_IP[n], pod_cidrs=["10.244.%d.0/24" % i], created=g.t(400 * DAY), sub=SUB,
                  node_rg=RG, vmss="aks-agentpool-27182818-vmss", instance=i, pool="agentpool", k8s=K8S,
                  image_ver="AKSUbuntu-1804gen2containerd-2022.08.29", kernel="5.4.0-1089-azure",
                  os_image="Ubuntu 18.04.6 LTS", containerd="containerd://1.5.11+azure-2")
         for i, n in enumerate((N0, N1))]
ctl = container("controller", "registry.k8s.io/ingress-nginx/controller:v1.3.1",
                ports=[port(80, "http"), port(443, "https")], readiness=http_probe("/healthz", 10254))
api = container("api", "ghcr.io/example/api:1.9.0", ports=[port(8080, "http")], readiness=http_probe("/ready", 8080))
pods = [
    pod(g, "ingress-nginx", "ingress-nginx-controller-7d9f8c6b5-x2m4p", node=N0, ip="10.244.0.12",
        labels={"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
        containers=[ctl], age=30 * DAY, owner=owner_ref(g, "apps/v1", "ReplicaSet", "ingress-nginx",
                                                        "ingress-nginx-controller-7d9f8c6b5")),
    pod(g, "shop", "api-5c8d7b6f4-k9q2w", node=N0, ip="10.244.0.31", labels={"app": "api"}, containers=[api],
        age=2 * DAY, owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", "api-5c8d7b6f4")),
]
ing = service(g, "ingress-nginx", "ingress-nginx-controller",
              ports=[svc_port(80, "http", "http", node_port=31080), svc_port(443, "https", "https", node_port=31443)],
              selector={"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
              cluster_ip="10.0.88.20", type_="LoadBalancer", lb_ingress=["20.54.1.9"], external_traffic_policy="Local")
ing["spec"]["healthCheckNodePort"] = 32100
apis = service(g, "shop", "api", ports=[svc_port(80, "http", "http", node_port=30480)], selector={"app": "api"},
               cluster_ip="10.0.88.31", type_="NodePort", external_traffic_policy="Local")
for s_ in (ing, apis):
    del s_["spec"]["internalTrafficPolicy"]     # 1.22 clusters created before the field
eps, slices = [], []
for s_ in (ing, apis):
    ep, sl = endpoints_for(g, s_, pods, nodes)
    eps.append(ep)
    slices.extend(sl)
ksvc = kubernetes_service(g, "10.0.0.1", created=g.t(400 * DAY))
kep, ksl = kubernetes_endpoints(g, ["20.67.3.44"], created=g.t(400 * DAY))

kp = {"component": "kube-proxy", "tier": "node"}
kpc = container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.22.11-hotfix.20220728",
                command=["kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249",
                         "--cluster-cidr=" + CIDR, "--detect-local-mode=ClusterCIDR", "--v=3"], security={"privileged": True})
tols = [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoExecute", "operator": "Exists"},
        {"effect": "NoSchedule", "operator": "Exists"}]
for n in (N0, N1):
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[NODE_IP[n]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "4"}),
                    containers=[kpc], owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"),
                    age=30 * DAY, sa="kube-proxy", priority_class="system-node-critical", priority=2000001000,
                    tolerations=tols + DS_TOLERATIONS))
ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([kpc], host_network=True, sa="kube-proxy", priority_class="system-node-critical",
                                      tolerations=tols), desired=2, ready=2, created=g.t(400 * DAY), generation=4)

# The service ports, and for each node the endpoints its KUBE-XLB chain balances to.
PORTS = [("default/kubernetes:https", "10.0.0.1", 443, None, ["20.67.3.44:443"], {N0: None, N1: None}),
         ("ingress-nginx/ingress-nginx-controller:http", "10.0.88.20", 80, 31080, ["10.244.0.12:80"],
          {N0: ["10.244.0.12:80"], N1: []}),
         ("ingress-nginx/ingress-nginx-controller:https", "10.0.88.20", 443, 31443, ["10.244.0.12:443"],
          {N0: ["10.244.0.12:443"], N1: []}),
         # the api pod was replaced (10.244.0.27 -> .31); node 0's KUBE-XLB still balances to the old one
         ("shop/api:http", "10.0.88.31", 80, 30480, ["10.244.0.31:8080"], {N0: ["10.244.0.27:8080"], N1: []})]


def dump(node):
    chains = {"KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ", "KUBE-MARK-DROP"}
    svcs, rules, nps = [], [], []
    for spn, vip, p, np_, cl, xl in PORTS:
        svc = "KUBE-SVC-" + h(spn + "tcp")
        chains.add(svc)
        svcs.append('-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment "%s cluster IP" -m tcp --dport %d -j %s'
                    % (vip, spn, p, svc))
        rules.append('-A %s ! -s %s -d %s/32 -p tcp -m comment --comment "%s cluster IP" -m tcp --dport %d -j KUBE-MARK-MASQ'
                     % (svc, CIDR, vip, spn, p))
        seps = set(cl)
        for i, ep in enumerate(cl):
            prob = "" if i == len(cl) - 1 else " -m statistic --mode random --probability %.11f" % (1.0 / (len(cl) - i))
            rules.append('-A %s -m comment --comment "%s"%s -j KUBE-SEP-%s' % (svc, spn, prob, h(spn + "tcp" + ep)))
        if np_:
            xlb = "KUBE-XLB-" + h(spn + "tcp")
            chains.add(xlb)
            nps.append('-A KUBE-NODEPORTS -s 127.0.0.0/8 -p tcp -m comment --comment "%s" -m tcp --dport %d -j KUBE-MARK-MASQ'
                       % (spn, np_))
            nps.append('-A KUBE-NODEPORTS -p tcp -m comment --comment "%s" -m tcp --dport %d -j %s' % (spn, np_, xlb))
            rules.append('-A %s -s %s -m comment --comment "Redirect pods trying to reach external loadbalancer VIP to '
                         'clusterIP" -j %s' % (xlb, CIDR, svc))
            rules.append('-A %s -m comment --comment "masquerade LOCAL traffic for %s LB IP" -m addrtype --src-type LOCAL '
                         '-j KUBE-MARK-MASQ' % (xlb, spn))
            rules.append('-A %s -m comment --comment "route LOCAL traffic for %s LB IP to service chain" -m addrtype '
                         '--src-type LOCAL -j %s' % (xlb, spn, svc))
            local = xl[node]
            if not local:
                rules.append('-A %s -m comment --comment "%s has no local endpoints" -j KUBE-MARK-DROP' % (xlb, spn))
            for i, ep in enumerate(local):
                rules.append('-A %s -m comment --comment "Balancing rule %d for %s" -j KUBE-SEP-%s'
                             % (xlb, i, spn, h(spn + "tcp" + ep)))
                seps.add(ep)
        for ep in sorted(seps):
            sep = "KUBE-SEP-" + h(spn + "tcp" + ep)
            chains.add(sep)
            rules.append('-A %s -s %s/32 -m comment --comment "%s" -j KUBE-MARK-MASQ' % (sep, ep.split(":")[0], spn))
            rules.append('-A %s -p tcp -m comment --comment "%s" -m tcp -j DNAT --to-destination %s' % (sep, spn, ep))
    svcs.append('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule '
                'in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
    out = ["# Generated by iptables-save v1.8.4 on Mon Mar 10 07:28:01 2025", "*nat",
           ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]"]
    out += [":%s - [0:0]" % c for c in sorted(chains)]
    out += ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
            '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
            '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
            '-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000',
            '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
            '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
            '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
            '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully']
    out += nps + svcs + rules + ["COMMIT", "# Completed on Mon Mar 10 07:28:01 2025"]
    return "\n".join(out) + "\n"


for n in (N0, N1):
    write_text(ROOT + "/nodes/%s/iptables-save.txt" % n, dump(n))
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_list(ROOT + "/cluster/services.json", sorted([ing, apis, ksvc], key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted([e for e in eps if e] + [kep], key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(slices + [ksl], key=key))
write_json(ROOT + "/expected-findings.json",
           [{"code": "kube-proxy-rules-missing", "kind": "Service", "namespace": "shop", "name": "api"}])
assert not check_json_files(ROOT)
PY
