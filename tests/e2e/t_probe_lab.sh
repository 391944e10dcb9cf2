#!/bin/sh
# The live endpoint probe lab (issue 12, DESIGN §8): "pods" are network
# namespaces given their IPs by the real CNI bridge + host-local plugins behind
# cbr0 in a "node" namespace; socat listens in them, dnsmasq is kube-dns; the
# node's kube-proxy-style DNAT rules carry the ClusterIPs. netdiag runs in the
# node namespace on a bundle whose EndpointSlices carry those pod IPs, and
# `service NAME --probe` must tell: all answer (no finding, exit 0); nothing
# listens (endpoint-not-listening); iptables DROP in the pod
# (endpoint-unreachable); the endpoints answer but the ClusterIP does not once
# its DNAT rule is removed (kube-proxy-rules-missing, source probe); a named
# targetPort; DNS over UDP; the live API (`netdiag serve`) gives the same.
# Needs root, iproute2, iptables, socat, dnsmasq, jq, python3, /usr/lib/cni.
. "$TOP/tests/e2e/lib.sh"

CNI=${CNI_PATH_LAB:-/usr/lib/cni}
if [ "$(id -u)" != 0 ] || [ ! -x "$CNI/bridge" ] || [ ! -x "$CNI/host-local" ] ||
   ! command -v ip >/dev/null || ! command -v iptables >/dev/null ||
   ! command -v socat >/dev/null || ! command -v dnsmasq >/dev/null ||
   ! command -v jq >/dev/null || ! command -v python3 >/dev/null; then
	echo "probe lab: skipped (needs root, iproute2, iptables, socat, dnsmasq, jq, python3, $CNI)" >&2
	exit 0
fi

. "$TOP/tests/lab/probe/lab.sh"
trap 'pl_down; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT INT TERM
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy

B="$WORK/bundle"
if ! pl_up "$WORK"; then
	not_ok "probe lab: set up" "node namespace"
	exit 0
fi
ip_web1=$(pl_pod web1) && ip_web2=$(pl_pod web2) && ip_deaf=$(pl_pod deaf) &&
	ip_drop=$(pl_pod drop) && ip_vip=$(pl_pod vip) && ip_named=$(pl_pod named) &&
	ip_dns=$(pl_pod dns) && ip_fw=$(pl_pod fw) && ip_client=$(pl_pod client) ||
	{ not_ok "probe lab: set up" "CNI ADD failed"; exit 0; }
for p in web1 web2 drop vip fw; do pl_listen "$p" 8080; done
pl_listen named 9376           # containerPort "web-alt"
pl_dns dns "$ip_dns"
ip netns exec "${PL_P}drop" iptables -w -A INPUT -p tcp --dport 8080 -j DROP
# the node's own firewall drops what it sends to fw
ip netns exec "$PL_NODE" iptables -w -A OUTPUT -d "$ip_fw/32" -p tcp --dport 8080 -j DROP
# the node's service rules (kube-proxy's job)
pl_dnat tcp 10.0.0.11 80 "$ip_web1:8080" -m statistic --mode random --probability 0.5
pl_dnat tcp 10.0.0.11 80 "$ip_web2:8080"
pl_dnat tcp 10.0.0.16 80 "$ip_fw:8080"
pl_dnat tcp 10.0.0.12 80 "$ip_deaf:8080"
pl_dnat tcp 10.0.0.13 80 "$ip_drop:8080"
pl_dnat tcp 10.0.0.14 80 "$ip_vip:8080"
pl_dnat tcp 10.0.0.15 80 "$ip_named:9376"
pl_dnat udp 10.0.0.10 53 "$ip_dns:53"
python3 "$TOP/tests/lab/probe/bundle.py" "$B" lab-node-1 <<SPEC
pod shop/web1 $ip_web1 http=8080
pod shop/web2 $ip_web2 http=8080
pod shop/deaf $ip_deaf http=8080
pod shop/drop $ip_drop http=8080
pod shop/vip $ip_vip http=8080
pod shop/named $ip_named web-alt=9376
pod shop/fw $ip_fw http=8080
pod shop/client $ip_client
pod kube-system/coredns-7d4b9c5f6-x2x9q $ip_dns dns=53/UDP dns-tcp=53
svc shop/web 10.0.0.11 http:80:8080 web1,web2
svc shop/deaf 10.0.0.12 http:80:8080 deaf,web1
svc shop/dropped 10.0.0.13 http:80:8080 drop
svc shop/novip 10.0.0.14 http:80:8080 vip
svc shop/named 10.0.0.15 http:80:web-alt named
svc shop/fw 10.0.0.16 http:80:8080 fw
svc kube-system/kube-dns 10.0.0.10 dns:53:53/UDP coredns-7d4b9c5f6-x2x9q
SPEC
ok "probe lab: set up"

# probe NAME SERVICE [ARGS...]: service --probe from the node, JSON in $WORK/NAME.json
probe() {
	n=$1 s=$2
	shift 2
	ip netns exec "$PL_NODE" "$ND" --snapshot "$B" --node lab-node-1 --timeout 10s \
		service "$s" --probe -o json "$@" > "$WORK/$n.json" 2> "$WORK/$n.err"
	echo $? > "$WORK/$n.rc"
}
# from_pod NAME SERVICE: the same from the client pod, as a pod sees itself
from_pod() {
	n=$1 s=$2
	ip netns exec "${PL_P}client" env KUBERNETES_SERVICE_HOST=10.0.0.1 \
		KUBERNETES_SERVICE_PORT=443 HOSTNAME=client \
		"$ND" --snapshot "$B" --timeout 10s service "$s" --probe -o json \
		> "$WORK/$n.json" 2> "$WORK/$n.err"
	echo $? > "$WORK/$n.rc"
}
rc_is() { [ "$(cat "$WORK/$1.rc")" = "$2" ]; }
# jqt NAME CASE FILTER: the case passes when the filter is true on NAME's JSON
jqt() {
	if jq -e "$3" "$WORK/$1.json" >/dev/null 2>&1; then ok "$2"
	else not_ok "$2" "$(cat "$WORK/$1.err" "$WORK/$1.json" 2>/dev/null | head -c 3000)"; fi
}
codes() { jq -r '[.findings[].code] | sort | join(" ")' "$WORK/$1.json" 2>/dev/null; }

# ---- healthy: every endpoint and the ClusterIP answer
probe healthy shop/web
if rc_is healthy 0 && [ -z "$(codes healthy)" ]; then ok "probe lab: healthy Service: exit 0, no finding"
else not_ok "probe lab: healthy Service: exit 0, no finding" "rc $(cat "$WORK/healthy.rc"): $(codes healthy) $(cat "$WORK/healthy.err")"; fi
jqt healthy "probe lab: healthy: endpoint-probe passes with 2 of 2" \
	'.checks[] | select(.id=="endpoint-probe") | .status=="pass" and (.reason | test("^2 of 2 endpoints"))'
jqt healthy "probe lab: healthy: cluster-ip-probe passes" \
	'.checks[] | select(.id=="cluster-ip-probe") | .status=="pass" and (.reason | test("^1 of 1 cluster IP"))'
jqt healthy "probe lab: healthy: verdict healthy" '.summary.verdict=="healthy"'

# ---- nothing listens on one endpoint: refused
probe deaf shop/deaf
jqt deaf "probe lab: refused endpoint: endpoint-not-listening on the Service" \
	'[.findings[] | select(.code=="endpoint-not-listening")] | length==1 and
	 (.[0].subject | .kind=="Service" and .namespace=="shop" and .name=="deaf")'
jqt deaf "probe lab: refused endpoint: evidence names pod, ip, port, result" \
	".findings[] | select(.code==\"endpoint-not-listening\") | .evidence |
	 .failing==1 and .endpoints_probed==2 and .probed_from==\"node lab-node-1\" and
	 .endpoints[0].pod==\"deaf\" and .endpoints[0].ip==\"$ip_deaf\" and
	 .endpoints[0].port==8080 and .endpoints[0].protocol==\"TCP\" and
	 .endpoints[0].result==\"refused\" and .endpoints[0].node==\"lab-node-1\" and
	 .pod==\"deaf\" and .ip==\"$ip_deaf\" and .port==8080 and .result==\"refused\""
jqt deaf "probe lab: refused endpoint: no kube-proxy blame (an endpoint fails too)" \
	'[.findings[] | select(.code=="kube-proxy-rules-missing")] | length==0'
if rc_is deaf 1; then ok "probe lab: refused endpoint: exit 1"; else not_ok "probe lab: refused endpoint: exit 1" "rc $(cat "$WORK/deaf.rc")"; fi

ip netns exec "$PL_NODE" "$ND" --snapshot "$B" --node lab-node-1 --timeout 10s --color never \
	service shop/deaf --probe > "$WORK/deaf.txt" 2>&1
if grep -q "1 of 2 endpoint(s) refuse connections, first pod deaf at $ip_deaf:8080" "$WORK/deaf.txt"; then
	ok "probe lab: refused endpoint: the text names the pod and address"
else not_ok "probe lab: refused endpoint: the text names the pod and address" "$(cat "$WORK/deaf.txt")"; fi

# ---- DROP in the pod: timeout
probe dropped shop/dropped
jqt dropped "probe lab: dropped endpoint: endpoint-unreachable with a timeout" \
	".findings[] | select(.code==\"endpoint-unreachable\") | .subject.name==\"dropped\" and
	 (.evidence | .failing==1 and .timeout_ms > 0 and .endpoints[0].pod==\"drop\" and
	  .endpoints[0].ip==\"$ip_drop\" and .endpoints[0].port==8080 and
	  .endpoints[0].result==\"timeout\")"
jqt dropped "probe lab: dropped endpoint: not mistaken for not listening" \
	'[.findings[] | select(.code=="endpoint-not-listening" or .code=="kube-proxy-rules-missing")] | length==0'

# ---- the node's own firewall drops what it sends (TCP retries the SYN: a timeout)
probe fw shop/fw
jqt fw "probe lab: node firewall DROP: endpoint-unreachable" \
	".findings[] | select(.code==\"endpoint-unreachable\") | .subject.name==\"fw\" and
	 .evidence.pod==\"fw\" and .evidence.ip==\"$ip_fw\" and .evidence.result==\"timeout\""

# ---- from a pod: through the bridge to the pods, through the node to the VIPs
from_pod pod-web shop/web
jqt pod-web "probe lab: from a pod: healthy Service, endpoints and ClusterIP answer" \
	'(.findings | length==0) and ([.checks[] | select(.id=="endpoint-probe" or .id=="cluster-ip-probe") | .status] == ["pass","pass"]) and
	 (.checks[] | select(.id=="endpoint-probe") | .reason | test("from pod client"))'

# ---- the ClusterIP's DNAT rule removed: endpoints answer, the VIP does not
probe vip-before shop/novip
jqt vip-before "probe lab: ClusterIP with its rule: no finding" '.findings | length==0'
from_pod pod-vip-before shop/novip
jqt pod-vip-before "probe lab: from a pod, ClusterIP with its rule: no finding" '.findings | length==0'
pl_undnat tcp 10.0.0.14 80 "$ip_vip:8080"
from_pod pod-vip shop/novip
jqt pod-vip "probe lab: from a pod, ClusterIP rule removed: kube-proxy-rules-missing" \
	'[.findings[] | .code] == ["kube-proxy-rules-missing"] and
	 (.findings[0].evidence | .probed_from=="pod client" and .source=="probe" and .cluster_ip=="10.0.0.14")'
probe vip shop/novip
jqt vip "probe lab: ClusterIP rule removed: kube-proxy-rules-missing from the probe" \
	'[.findings[] | select(.code=="kube-proxy-rules-missing")] | length==1 and
	 (.[0] | .subject.name=="novip" and .evidence.source=="probe" and
	  .evidence.cluster_ip=="10.0.0.14" and .evidence.port==80 and
	  .evidence.result=="timeout" and .evidence.node=="lab-node-1" and
	  .evidence.problem=="cluster IP does not answer, its endpoints do")'
jqt vip "probe lab: ClusterIP rule removed: the endpoint is listed as answering" \
	".findings[] | select(.code==\"kube-proxy-rules-missing\") | .evidence.endpoints_answering==[\"$ip_vip:8080\"]"
jqt vip "probe lab: ClusterIP rule removed: no endpoint finding" \
	'[.findings[] | select(.code=="endpoint-not-listening" or .code=="endpoint-unreachable")] | length==0'

# ---- a named targetPort, resolved through the pod's containerPort
probe named shop/named
jqt named "probe lab: named targetPort: the endpoint answers on the resolved port" \
	'(.findings | length==0) and (.checks[] | select(.id=="endpoint-probe") | .status=="pass")'
ip netns exec "${PL_P}named" iptables -w -A INPUT -p tcp --dport 9376 -j REJECT --reject-with tcp-reset
probe named-rst shop/named
jqt named-rst "probe lab: named targetPort: refused on port 9376 (the name resolved)" \
	".findings[] | select(.code==\"endpoint-not-listening\") | .evidence.endpoints[0] |
	 .port==9376 and .pod==\"named\" and (.service_port | test(\"^http\"))"

# ---- DNS over UDP: kube-dns
probe dns kube-system/kube-dns
jqt dns "probe lab: kube-dns over UDP: endpoint and ClusterIP answer" \
	'(.findings | length==0) and ([.checks[] | select(.id=="endpoint-probe" or .id=="cluster-ip-probe") | .status] == ["pass","pass"])'
kill "$PL_DNS_PID" 2>/dev/null; wait "$PL_DNS_PID" 2>/dev/null
probe dns-down kube-system/kube-dns
jqt dns-down "probe lab: kube-dns stopped: UDP port unreachable is not listening" \
	".findings[] | select(.code==\"endpoint-not-listening\") | .evidence.endpoints[0] |
	 .protocol==\"UDP\" and .port==53 and .ip==\"$ip_dns\" and .result==\"refused\""

# ---- diagnose --probe: every Service of the bundle at once
ip netns exec "$PL_NODE" "$ND" --snapshot "$B" --node lab-node-1 --timeout 10s diagnose --probe \
	-o json > "$WORK/diag.json" 2> "$WORK/diag.err"
echo $? > "$WORK/diag.rc"
jqt diag "probe lab: diagnose --probe: each case's code on its Service" \
	'[.findings[] | select(.code | test("^endpoint-|^kube-proxy-rules")) | "\(.code) \(.subject.name)"] | sort ==
	 ["endpoint-not-listening deaf", "endpoint-not-listening kube-dns", "endpoint-not-listening named",
	  "endpoint-unreachable dropped", "endpoint-unreachable fw", "kube-proxy-rules-missing novip"]'
check_rc "probe lab: --probe is an option of service only" 2 "$ND" --snapshot "$B" pod shop/web1 --probe

# ---- the live API: netdiag serve on the same bundle gives the same finding
SERVE_PORT_FILE="$WORK/serve.kc"
ip netns exec "$PL_NODE" "$ND" serve --snapshot "$B" --listen 127.0.0.1:0 \
	--write-kubeconfig "$SERVE_PORT_FILE" > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
PL_PIDS="$PL_PIDS $SERVE_PID"
i=0
while [ ! -s "$SERVE_PORT_FILE" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip netns exec "$PL_NODE" "$ND" --kubeconfig "$SERVE_PORT_FILE" --node lab-node-1 --timeout 10s \
	service shop/dropped --probe -o json > "$WORK/live.json" 2> "$WORK/live.err"
jqt live "probe lab: live API: endpoint-unreachable as from the bundle" \
	".source.mode==\"live\" and ([.findings[] | select(.code==\"endpoint-unreachable\") | .evidence.endpoints[0].ip] == [\"$ip_drop\"])"
