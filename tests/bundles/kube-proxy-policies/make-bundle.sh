#!/bin/sh
# Regenerates this bundle byte for byte (needs python3; helpers in ../k8sgen.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$here/.." exec python3 - "$here" <<'PY'
import sys, hashlib, base64
from k8sgen import *

ROOT = sys.argv[1]
g = Gen("kube-proxy-policies", "2025-08-04T10:00:00Z")
reset_dirs(ROOT, "cluster", "nodes")
DAY = 1440
K8S = "v1.31.7"
SUB = "0c7d1f4e-2b9a-4d3c-8e6f-1a2b3c4d5e6f"
RG = "MC_rg-shop_aks-shop_westeurope"
CIDR = "10.244.0.0/16"
A, B, C = ("aks-nodepool1-40516273-vmss00000%d" % i for i in range(3))
NODE_IP = {A: "10.224.0.4", B: "10.224.0.5", C: "10.224.0.6"}
API = "20.61.15.130"


def h(text, n):
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:n]


def svc_chain(prefix, spn, proto="tcp"):
    return prefix + h(spn + proto, 16)


def sep_chain(spn, ep, proto="tcp"):
    return "KUBE-SEP-" + h(spn + proto + ep, 16)


def nft_chain(kind, rest):
    return "%s-%s-%s" % (kind, h(rest, 8), rest)


nodes = []
for i, n in enumerate((A, B, C)):
    nodes.append(aks_node(g, n, ip=NODE_IP[n], pod_cidrs=["10.244.%d.0/24" % i], created=g.t(60 * DAY), sub=SUB,
                          node_rg=RG, vmss="aks-nodepool1-40516273-vmss", instance=i, k8s=K8S))

app = container("app", "ghcr.io/example/shop:2.4.1", ports=[port(8080, "http")], readiness=http_probe("/healthz", 8080))


def mkpod(name, node, ip, labels, state="ready"):
    # "draining": deleted, still passing its readiness probe (serving and terminating)
    return pod(g, "shop", name, node=node, ip=ip, labels=labels, containers=[app],
               state="ready" if state == "draining" else state, age=3 * DAY,
               owner=owner_ref(g, "apps/v1", "ReplicaSet", "shop", name.rsplit("-", 1)[0]),
               deleting=g.t(2) if state == "draining" else None)


pods = [
    mkpod("web-6d4b9c7f5d-a1b2c", A, "10.244.0.10", {"app": "web"}),
    mkpod("web-6d4b9c7f5d-d3e4f", B, "10.244.1.10", {"app": "web"}),
    mkpod("checkout-6d4b9c7f5d-g5h6i", A, "10.244.0.20", {"app": "checkout"}),
    mkpod("cart-6d4b9c7f5d-j7k8l", A, "10.244.0.30", {"app": "cart"}),
    mkpod("cart-6d4b9c7f5d-m9n0p", C, "10.244.2.30", {"app": "cart"}),
    # a rollout of orders: the old pod is terminating but still serving, the new one not ready yet
    mkpod("orders-6d4b9c7f5d-q1r2s", A, "10.244.0.40", {"app": "orders"}, state="draining"),
    mkpod("orders-7f8e9d0c1b-t3u4v", B, "10.244.1.40", {"app": "orders"}, state="notready"),
    mkpod("front-6d4b9c7f5d-w5x6y", B, "10.244.1.50", {"app": "front"}),
    mkpod("report-6d4b9c7f5d-z7a8b", A, "10.244.0.60", {"app": "report"}),
]
http = [svc_port(80, "http", "http")]
svcs = [
    service(g, "shop", "web", ports=http, selector={"app": "web"}, cluster_ip="10.0.10.10"),
    service(g, "shop", "checkout", ports=http, selector={"app": "checkout"}, cluster_ip="10.0.10.20"),
    service(g, "shop", "cart", ports=http, selector={"app": "cart"}, cluster_ip="10.0.10.30"),
    service(g, "shop", "orders", ports=http, selector={"app": "orders"}, cluster_ip="10.0.10.40"),
    service(g, "shop", "front", ports=[svc_port(80, "http", "http", node_port=30050)], selector={"app": "front"},
            cluster_ip="10.0.10.50", type_="LoadBalancer", lb_ingress=["20.31.40.50"], external_traffic_policy="Local"),
]
# report: a ClusterIP Service with an external IP (traffic to 10.224.0.100:80 from outside)
svcs.append(service(g, "shop", "report", ports=http, selector={"app": "report"}, cluster_ip="10.0.10.60"))
svcs[5]["spec"]["externalIPs"] = ["10.224.0.100"]
svcs[1]["spec"]["sessionAffinity"] = "ClientIP"
svcs[1]["spec"]["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
svcs[2]["spec"]["internalTrafficPolicy"] = "Local"
svcs[4]["spec"]["healthCheckNodePort"] = 31050
eps, slices = [], []
for s in svcs:
    ep, sl = endpoints_for(g, s, pods, nodes)
    eps.append(ep)
    slices.extend(sl)
ksvc = kubernetes_service(g, "10.0.0.1", created=g.t(60 * DAY))
kep, ksl = kubernetes_endpoints(g, [API], created=g.t(60 * DAY))

kp = {"component": "kube-proxy", "tier": "node"}
kpc = container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:" + K8S,
                command=["kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249",
                         "--cluster-cidr=" + CIDR, "--detect-local-mode=ClusterCIDR", "--v=3"], security={"privileged": True})
tols = [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoExecute", "operator": "Exists"},
        {"effect": "NoSchedule", "operator": "Exists"}]
for n in (A, B, C):
    pods.append(pod(g, "kube-system", "kube-proxy-" + g.sfx(5, "kp", n), node=n, host_network=True, host_ips=[NODE_IP[n]],
                    labels=dict(kp, **{"controller-revision-hash": g.sfx(10, "kprev"), "pod-template-generation": "1"}),
                    containers=[kpc], owner=owner_ref(g, "apps/v1", "DaemonSet", "kube-system", "kube-proxy"),
                    age=60 * DAY, sa="kube-proxy", priority_class="system-node-critical", priority=2000001000,
                    tolerations=tols + DS_TOLERATIONS))
ds = daemonset(g, "kube-system", "kube-proxy", labels=kp, selector=kp, template_labels=kp,
               pod_spec=template_spec([kpc], host_network=True, sa="kube-proxy", priority_class="system-node-critical",
                                      tolerations=tols), desired=3, ready=3, created=g.t(60 * DAY))

# ---- node A: iptables mode (iptables-save, in the order iptables-save prints) ----
K = ("default/kubernetes:https", "10.0.0.1", 443, [API + ":443"])
WEB = ("shop/web:http", "10.0.10.10", 80, ["10.244.0.10:8080", "10.244.1.10:8080"])
CHK = ("shop/checkout:http", "10.0.10.20", 80, ["10.244.0.20:8080"])
ORD = ("shop/orders:http", "10.0.10.40", 80, ["10.244.0.40:8080"])
FRONT = ("shop/front:http", "10.0.10.50", 80, ["10.244.1.50:8080"])
REP = ("shop/report:http", "10.0.10.60", 80, ["10.244.0.60:8080"])


def svc_rules(chain, spn, vip, port_, endpoints, affinity=0, masq=True):
    out = []
    if masq:
        out.append('-A %s ! -s %s -d %s/32 -p tcp -m comment --comment "%s cluster IP" -m tcp --dport %d -j KUBE-MARK-MASQ'
                   % (chain, CIDR, vip, spn, port_))
    n = len(endpoints)
    if affinity:
        for ep in endpoints:
            out.append('-A %s -m comment --comment "%s -> %s" -m recent --rcheck --seconds %d --reap --name %s '
                       '--mask 255.255.255.255 --rsource -j %s' % (chain, spn, ep, affinity, sep_chain(spn, ep), sep_chain(spn, ep)))
    for i, ep in enumerate(endpoints):
        prob = "" if i == n - 1 else " -m statistic --mode random --probability %.11f" % (1.0 / (n - i))
        out.append('-A %s -m comment --comment "%s -> %s"%s -j %s' % (chain, spn, ep, prob, sep_chain(spn, ep)))
    return out


def sep_rules(spn, ep, affinity=False):
    c = sep_chain(spn, ep)
    rec = " -m recent --set --name %s --mask 255.255.255.255 --rsource" % c if affinity else ""
    return ['-A %s -s %s/32 -m comment --comment "%s" -j KUBE-MARK-MASQ' % (c, ep.split(":")[0], spn),
            '-A %s -p tcp -m comment --comment "%s"%s -m tcp -j DNAT --to-destination %s' % (c, spn, rec, ep)]


def head(chains):
    return [":%s - [0:0]" % c for c in sorted(chains)]


def iptables_a():
    cart_local = ["10.244.0.30:8080"]
    svl_cart = svc_chain("KUBE-SVL-", "shop/cart:http")
    ext_front, svc_front = svc_chain("KUBE-EXT-", FRONT[0]), svc_chain("KUBE-SVC-", FRONT[0])
    nat_rules = [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
        '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]
    chains = {"KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ", "KUBE-PROXY-CANARY", "KUBE-KUBELET-CANARY"}
    svc_lines, body = [], []
    for spn, vip, p, ep in (K, WEB, CHK, ORD, REP):
        if spn == ORD[0]:
            continue        # this kube-proxy predates terminating-endpoint fallback: no chain, a REJECT
        c = svc_chain("KUBE-SVC-", spn)
        chains.add(c)
        svc_lines.append('-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment "%s cluster IP" -m tcp --dport %d -j %s'
                         % (vip, spn, p, c))
        # checkout asks for ClientIP affinity, but the rules were written before it did
        body += svc_rules(c, spn, vip, p, ep)
        for e in ep:
            chains.add(sep_chain(spn, e))
            body += sep_rules(spn, e)
    # report: its KUBE-EXT chain is there, but no KUBE-SERVICES rule sends the external IP to it
    ext_rep = svc_chain("KUBE-EXT-", REP[0])
    chains.add(ext_rep)
    body += ['-A %s -m comment --comment "masquerade traffic for shop/report:http external destinations" -j KUBE-MARK-MASQ'
             % ext_rep, '-A %s -j %s' % (ext_rep, svc_chain("KUBE-SVC-", REP[0]))]
    chains.add(svl_cart)
    svc_lines.append('-A KUBE-SERVICES -d 10.0.10.30/32 -p tcp -m comment --comment "shop/cart:http cluster IP" -m tcp '
                     '--dport 80 -j %s' % svl_cart)
    body += svc_rules(svl_cart, "shop/cart:http", "10.0.10.30", 80, cart_local)
    for e in cart_local:
        chains.add(sep_chain("shop/cart:http", e))
        body += sep_rules("shop/cart:http", e)
    chains |= {ext_front, svc_front}
    svc_lines.append('-A KUBE-SERVICES -d 10.0.10.50/32 -p tcp -m comment --comment "shop/front:http cluster IP" -m tcp '
                     '--dport 80 -j %s' % svc_front)
    svc_lines.append('-A KUBE-SERVICES -d 20.31.40.50/32 -p tcp -m comment --comment "shop/front:http loadbalancer IP" '
                     '-m tcp --dport 80 -j %s' % ext_front)
    body += ['-A %s -s %s -m comment --comment "pod traffic for shop/front:http external destinations" -j %s'
             % (ext_front, CIDR, svc_front),
             '-A %s -m comment --comment "masquerade LOCAL traffic for shop/front:http external destinations" '
             '-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ' % ext_front,
             '-A %s -m comment --comment "route LOCAL traffic for shop/front:http external destinations" '
             '-m addrtype --src-type LOCAL -j %s' % (ext_front, svc_front)]
    body += svc_rules(svc_front, FRONT[0], FRONT[1], 80, FRONT[3])
    for e in FRONT[3]:
        chains.add(sep_chain(FRONT[0], e))
        body += sep_rules(FRONT[0], e)
    svc_lines.append('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last '
                     'rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
    # the node port still leads to KUBE-EXT (the Service has endpoints elsewhere); the filter DROP stops outside traffic
    nat_rules.append('-A KUBE-NODEPORTS -p tcp -m comment --comment "shop/front:http" -m tcp --dport 30050 -j %s' % ext_front)
    nat = (["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]"]
           + head(chains) + nat_rules + svc_lines + body + ["COMMIT"])
    filt = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
            ":KUBE-EXTERNAL-SERVICES - [0:0]", ":KUBE-FIREWALL - [0:0]", ":KUBE-FORWARD - [0:0]", ":KUBE-NODEPORTS - [0:0]",
            ":KUBE-PROXY-FIREWALL - [0:0]", ":KUBE-SERVICES - [0:0]",
            '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
            '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
            '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
            '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
            '-A KUBE-EXTERNAL-SERVICES -d 20.31.40.50/32 -p tcp -m comment --comment "shop/front:http has no local endpoints" '
            '-m tcp --dport 80 -j DROP',
            '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "shop/front:http has no local endpoints" -m addrtype '
            '--dst-type LOCAL -m tcp --dport 30050 -j DROP',
            '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
            '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
            '-A KUBE-NODEPORTS -p tcp -m comment --comment "shop/front:http health check node port" -m tcp --dport 31050 -j ACCEPT',
            '-A KUBE-SERVICES -d 10.0.10.40/32 -p tcp -m comment --comment "shop/orders:http has no endpoints" -m tcp '
            '--dport 80 -j REJECT --reject-with icmp-port-unreachable',
            "COMMIT"]
    return "\n".join(["# Generated by iptables-save v1.8.7 on Mon Aug  4 09:58:12 2025"] + nat +
                     ["# Completed on Mon Aug  4 09:58:12 2025", "# Generated by iptables-save v1.8.7 on Mon Aug  4 09:58:12 2025"]
                     + filt + ["# Completed on Mon Aug  4 09:58:12 2025"]) + "\n"


# ---- node B: nftables mode (nft list table ip kube-proxy) ----
def nft_b():
    def rest(ns, svc, pn):
        return "%s/%s/tcp/%s" % (ns, svc, pn)

    def ep_chain(r, ep):
        ip, p = ep.split(":")
        return nft_chain("endpoint", "%s__%s/%s" % (r, ip, p))

    lines = ["table ip kube-proxy {", '\tcomment "rules for kube-proxy"']
    svc_elems, chains, affinity_sets = [], [], []
    k_r, web_r, chk_r, ord_r = rest("default", "kubernetes", "https"), rest("shop", "web", "http"), \
        rest("shop", "checkout", "http"), rest("shop", "orders", "http")
    cart_r, front_r = rest("shop", "cart", "http"), rest("shop", "front", "http")
    # orders: no ready endpoint, its serving-terminating one is used (1.28+)
    for r, vip, p, eps_ in ((k_r, "10.0.0.1", 443, K[3]), (web_r, "10.0.10.10", 80, WEB[3]),
                            (chk_r, "10.0.10.20", 80, CHK[3]), (ord_r, "10.0.10.40", 80, ORD[3]),
                            (front_r, "10.0.10.50", 80, FRONT[3]), (rest("shop", "report", "http"), "10.0.10.60", 80, REP[3])):
        c = nft_chain("service", r)
        svc_elems.append("%s . tcp . %d : goto %s" % (vip, p, c))
        body = ["\t\tip daddr %s tcp dport %d ip saddr != %s jump mark-for-masquerade" % (vip, p, CIDR)]
        if len(eps_) == 1:
            body.append("\t\tgoto %s" % ep_chain(r, eps_[0]))
        else:
            body.append("\t\tnumgen random mod %d vmap { %s }" % (len(eps_), ", ".join(
                "%d : goto %s" % (i, ep_chain(r, e)) for i, e in enumerate(eps_))))
        if r == chk_r:
            # ClientIP affinity: a set per endpoint, looked up before the random choice
            aff = nft_chain("affinity", "%s__%s/%s" % ((r,) + tuple(eps_[0].split(":"))))
            affinity_sets.append(aff)
            body.insert(1, "\t\tip saddr @%s goto %s" % (aff, ep_chain(r, eps_[0])))
        chains.append((c, body))
        for e in eps_:
            chains.append((ep_chain(r, e), ["\t\tip saddr %s jump mark-for-masquerade" % e.split(":")[0],
                                            "\t\tmeta l4proto tcp dnat to %s" % e]))
    loc, ext = nft_chain("local", front_r), nft_chain("external", front_r)
    chains.append((loc, ["\t\tgoto %s" % ep_chain(front_r, FRONT[3][0])]))
    chains.append((ext, ["\t\tip saddr %s goto %s" % (CIDR, nft_chain("service", front_r)),
                         "\t\tfib saddr type local jump mark-for-masquerade",
                         "\t\tfib saddr type local goto %s" % nft_chain("service", front_r),
                         "\t\tgoto %s" % loc]))
    svc_elems.append("20.31.40.50 . tcp . 80 : goto %s" % ext)
    rep_r = rest("shop", "report", "http")
    rep_ext = nft_chain("external", rep_r)
    chains.append((rep_ext, ["\t\tjump mark-for-masquerade", "\t\tgoto %s" % nft_chain("service", rep_r)]))
    svc_elems.append("10.224.0.100 . tcp . 80 : goto %s" % rep_ext)
    for aff in affinity_sets:
        lines += ["\tset %s {" % aff, "\t\ttype ipv4_addr", "\t\tflags dynamic,timeout", "\t\ttimeout 3h", "\t}"]
    lines += ["\tset cluster-ips {", "\t\ttype ipv4_addr", '\t\tcomment "Active ClusterIPs"',
              "\t\telements = { 10.0.0.1, 10.0.10.10, 10.0.10.20, 10.0.10.30,", "\t\t\t     10.0.10.40, 10.0.10.50, 10.0.10.60 }", "\t}"]
    lines += ["\tmap no-endpoint-services {", "\t\ttype ipv4_addr . inet_proto . inet_service : verdict",
              '\t\tcomment "vmap to drop or reject packets to services with no endpoints"',
              '\t\telements = { 10.0.10.30 . tcp . 80 comment "%s" : drop }' % "shop/cart:http", "\t}"]
    # front's node port is missing from the map: this node's local endpoint is unreachable on 30050
    lines += ["\tmap service-nodeports {", "\t\ttype inet_proto . inet_service : verdict",
              '\t\tcomment "NodePort traffic"', "\t}"]
    lines += ["\tmap service-ips {", "\t\ttype ipv4_addr . inet_proto . inet_service : verdict",
              '\t\tcomment "ClusterIP, ExternalIP and LoadBalancer IP traffic"',
              "\t\telements = { " + (",\n\t\t\t     ".join(svc_elems)) + " }", "\t}"]
    lines += ["\tchain mark-for-masquerade {", "\t\tmeta mark set meta mark | 0x00004000", "\t}",
              "\tchain masquerading {", "\t\ttype nat hook postrouting priority srcnat; policy accept;",
              "\t\tmeta mark & 0x00004000 == 0x00000000 return",
              "\t\tmeta mark set meta mark ^ 0x00004000", "\t\tmasquerade fully-random", "\t}",
              "\tchain services {", "\t\tip daddr . meta l4proto . th dport vmap @service-ips",
              "\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports", "\t}",
              "\tchain nat-prerouting {", "\t\ttype nat hook prerouting priority dstnat; policy accept;",
              "\t\tjump services", "\t}"]
    for c, body in sorted(chains):
        lines += ["\tchain %s {" % c] + body + ["\t}"]
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---- node C: IPVS mode (ipvsadm -Ln), and the node's iptables-save with a stray tool message ----
def ipvs_c():
    out = ["IP Virtual Server version 1.2.1 (size=4096)", "Prot LocalAddress:Port Scheduler Flags",
           "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]

    def vs(addr, reals, flags=""):
        out.append("TCP  %s rr%s" % (addr, flags))
        for r in reals:
            out.append("  -> %-28s Masq    1      0          0" % r)

    vs("10.0.0.1:443", [API + ":443"])
    vs("10.0.10.10:80", WEB[3])
    vs("10.0.10.20:80", CHK[3], " persistent 10800")
    # cart has internalTrafficPolicy Local: this node should list only its own endpoint
    vs("10.0.10.30:80", ["10.244.0.30:8080", "10.244.2.30:8080"])
    vs("10.0.10.40:80", ORD[3])
    vs("10.0.10.50:80", FRONT[3])
    vs("10.0.10.60:80", REP[3])
    vs("10.224.0.100:80", REP[3])
    vs("10.224.0.6:30050", [])
    vs("20.31.40.50:80", [])
    return "\n".join(out) + "\n"


def iptables_c():
    return "\n".join([
        "# Generated by iptables-save v1.8.7 on Mon Aug  4 09:58:40 2025",
        "*nat", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
        ":KUBE-LOAD-BALANCER - [0:0]", ":KUBE-MARK-MASQ - [0:0]", ":KUBE-NODE-PORT - [0:0]", ":KUBE-POSTROUTING - [0:0]",
        ":KUBE-SERVICES - [0:0]",
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
        '-A KUBE-SERVICES ! -s %s -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" '
        '-m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ' % CIDR,
        '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
        '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
        "COMMIT",
        "# Completed on Mon Aug  4 09:58:40 2025",
        "iptables-save v1.8.7 (nf_tables): chain `KUBE-KUBELET-CANARY' in table `mangle' is incompatible, use 'nft' tool.",
    ]) + "\n"


write_text(ROOT + "/nodes/%s/iptables-save.txt" % A, iptables_a())
write_text(ROOT + "/nodes/%s/nft.txt" % B, nft_b())
write_text(ROOT + "/nodes/%s/ipvsadm.txt" % C, ipvs_c())
write_text(ROOT + "/nodes/%s/iptables-save.txt" % C, iptables_c())
key = lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
write_list(ROOT + "/cluster/nodes.json", sorted(nodes, key=key))
write_list(ROOT + "/cluster/pods.json", sorted(pods, key=key))
write_list(ROOT + "/cluster/daemonsets.json", [ds])
write_list(ROOT + "/cluster/services.json", sorted(svcs + [ksvc], key=key))
write_list(ROOT + "/cluster/endpoints.json", sorted([e for e in eps if e] + [kep], key=key))
write_list(ROOT + "/cluster/endpointslices.json", sorted(slices + [ksl], key=key))
exp = [("kube-proxy-rules-missing", "Service", "shop", n) for n in ("checkout", "orders", "cart", "front", "report")]
exp += [("kube-proxy-rules-unreadable-line", "Node", None, C), ("service-pods-not-ready", "Service", "shop", "orders")]
write_json(ROOT + "/expected-findings.json",
           [{"code": c, "kind": k, "namespace": ns, "name": n} for c, k, ns, n in exp])
assert not check_json_files(ROOT)
PY
