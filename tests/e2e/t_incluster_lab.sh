#!/bin/sh
# The S4 lab (issue 12, DESIGN §8): `netdiag incluster` in a "pod" (a network
# namespace with its own mount namespace: the service-account folder at the
# standard path, its own resolv.conf, KUBERNETES_SERVICE_HOST/_PORT and
# HOSTNAME set), `netdiag serve` with TLS as the API server behind a router,
# dnsmasq as CoreDNS and as the custom DNS forwarder, iptables DROP/REJECT in
# the router, kube-proxy-style DNAT rules in the pod's namespace. Each case
# asserts the code, the subject and the evidence. Needs root, iproute2,
# iptables, dnsmasq, openssl, jq, unshare; the trap removes everything.
. "$TOP/tests/e2e/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v iptables >/dev/null ||
   ! command -v dnsmasq >/dev/null || ! command -v openssl >/dev/null ||
   ! command -v jq >/dev/null || ! command -v unshare >/dev/null; then
	echo "incluster lab: skipped (needs root, iproute2, iptables, dnsmasq, openssl, jq, unshare)" >&2
	exit 0
fi

. "$TOP/tests/lab/s4/lab.sh"
trap 's4_down; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT INT TERM
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy

if ! s4_up "$WORK"; then
	not_ok "s4 lab: set up" "$(cat "$WORK"/*.log "$WORK/serve.err" 2>/dev/null)"
	exit 0
fi
ok "s4 lab: set up"

# run NAME ARGS...: netdiag incluster -o json in the pod, JSON in $WORK/NAME.json
run() {
	n=$1
	shift
	s4_pod incluster -o json "$@" > "$WORK/$n.json" 2> "$WORK/$n.err"
	echo $? > "$WORK/$n.rc"
}
codes() { jq -r '[.findings[].code] | sort | join(" ")' "$WORK/$1.json" 2>/dev/null; }
# expect NAME "CODES": exactly these codes (sorted, space-separated)
expect() {
	got=$(codes "$1")
	if [ "$got" = "$2" ]; then ok "s4 lab: $1 -> ${2:-no finding}"
	else not_ok "s4 lab: $1 -> ${2:-no finding}" "got '$got' (rc $(cat "$WORK/$1.rc"))
$(cat "$WORK/$1.err")
$(jq -c '[.checks[] | {id, status, reason}]' "$WORK/$1.json" 2>/dev/null)"; fi
}
jqcheck() {
	if jq -e "$3" "$WORK/$2.json" >/dev/null 2>&1; then ok "s4 lab: $1"
	else not_ok "s4 lab: $1" "$(jq -c '.findings' "$WORK/$2.json" 2>/dev/null | head -c 3000)"; fi
}
rc_is() {
	if [ "$(cat "$WORK/$2.rc")" = "$3" ]; then ok "s4 lab: $1"
	else not_ok "s4 lab: $1" "exit $(cat "$WORK/$2.rc"), want $3: $(cat "$WORK/$2.err")"; fi
}
POD='.subject == {"kind": "Pod", "namespace": "lab", "name": "netdiag-7d4f9"}'
unreach() { # CASE VIA STAGE ERROR: the finding of that path
	printf '.findings[] | select(.code == "incluster-apiserver-unreachable" and .evidence.via == "%s") |
		%s and .evidence.stage == "%s" and .evidence.error == "%s" and (.evidence.target | startswith("https://")) and
		(.evidence.stages | length >= 1) and .evidence.pod == "lab/netdiag-7d4f9"' "$1" "$POD" "$2" "$3"
}

# --- healthy: every path gives a PodList, every DNS server answers -----------------
run healthy --fqdn "$S4_FQDN" --upstream-dns "$S4_UPSTREAM_IP"
expect healthy ""
rc_is "healthy exits 0" healthy 0
jqcheck "healthy: source.mode is in-cluster" healthy \
	'.source.mode == "in-cluster" and .source.server == "https://10.96.0.1:443" and .summary.verdict == "healthy"'
jqcheck "healthy: the three paths and DNS pass, with timings" healthy \
	'[.checks[] | select(.id | test("^incluster-(service|endpoints|fqdn|dns)$")) | select(.status == "pass" and (.duration_ms | type) == "number" and .duration_ms >= 0)] | length == 4'
jqcheck "healthy: the endpoint is asked straight" healthy \
	'.checks[] | select(.id == "incluster-endpoints") | .reason | test("https://10.10.0.10:443: PodList")'
jqcheck "healthy: the pod's vantage checks run" healthy \
	'[.checks[] | select(.id == "netpol-blocks-apiserver" or .id == "kubernetes-service" or .id == "kube-apiserver") | .status] == ["pass","pass","pass"]'
jqcheck "healthy: ndots search expansion counted" healthy \
	'.checks[] | select(.id == "incluster-dns") | .reason | test("ndots 5: .kubernetes.default.svc.cluster.local. is first tried with 3 search domains")'

# the service-account folder from --sa-dir: a bad token is a 401
mkdir -p "$WORK/sa-bad"
cp "$WORK/sa/ca.crt" "$WORK/sa/namespace" "$WORK/sa-bad/"
printf 'expired-token' > "$WORK/sa-bad/token"
run badtoken --sa-dir "$WORK/sa-bad"
expect badtoken "incluster-apiserver-unreachable"
jqcheck "401: the token is expired or invalid" badtoken \
	"$(unreach service http http-401) and (.summary | test(\"expired or invalid\"))"

# --- the API server down: refused ------------------------------------------------
s4_serve_stop
run down --timeout 4s
expect down "incluster-apiserver-unreachable"
jqcheck "down: via service, tcp, refused" down \
	"$(unreach service tcp refused) and .evidence.target == \"https://10.96.0.1:443\""
rc_is "down exits 1" down 1
s4_serve

# --- a firewall drops the API server's port: timeout ---------------------------------
s4_fw -d "$S4_API_IP" -p tcp --dport 443 -j DROP
run drop --timeout 4s
expect drop "incluster-apiserver-unreachable"
jqcheck "drop: via service, tcp, timeout" drop "$(unreach service tcp timeout)"
# ... and a REJECT with a reset is refused
s4_fw -d "$S4_API_IP" -p tcp --dport 443 -j REJECT --reject-with tcp-reset
run reject --timeout 4s
jqcheck "reject: via service, tcp, refused" reject "$(unreach service tcp refused)"
s4_fw

# --- 403 for pods: incluster-forbidden with the RBAC fix ----------------------------
s4_serve --forbid pods
run forbid
jqcheck "forbid: incluster-forbidden, once, for the service account" forbid \
	'[.findings[] | select(.code == "incluster-forbidden")] | length == 1'
jqcheck "forbid: user, verb, resource, namespace and the fix" forbid \
	'.findings[] | select(.code == "incluster-forbidden") |
	 .subject == {"kind": "ServiceAccount", "namespace": "lab", "name": "netdiag"} and
	 .evidence.user == "system:serviceaccount:lab:netdiag" and .evidence.verb == "list" and
	 .evidence.resource == "pods" and .evidence.namespace == "default" and
	 (.evidence.fix | test("kind: Role")) and
	 (.commands | any(test("^kubectl create role .* -n default --verb=list --resource=pods"))) and
	 (.commands | any(test("--serviceaccount=lab:netdiag")))'
jqcheck "forbid: the API server's own review agrees, bindings listed" forbid \
	'.findings[] | select(.code == "incluster-forbidden") |
	 .evidence.api_server.review == "SelfSubjectAccessReview" and .evidence.api_server.allowed == false and
	 .evidence.rbac_read == true and (.evidence.bindings | any(.name == "netdiag-read"))'
jqcheck "forbid: the network path passed" forbid \
	'.checks[] | select(.id == "incluster-service") | .status == "pass"'
jqcheck "forbid: no unreachable finding" forbid \
	'[.findings[] | select(.code == "incluster-apiserver-unreachable")] | length == 0'

# --- an egress deny-all policy on the pod --------------------------------------------
S4_BUNDLE=$(s4_bundle netpol "$S4_LAB/deny-egress.json")
s4_serve
run netpol
expect netpol "netpol-blocks-apiserver"
jqcheck "netpol: names the policy, the endpoint and the rule to add" netpol \
	".findings[] | select(.code == \"netpol-blocks-apiserver\") | $POD and
	 .evidence.destination.ip == \"10.10.0.10\" and .evidence.port == \"443/TCP\" and
	 .evidence.source.pod == \"lab/netdiag-7d4f9\" and
	 (.evidence.policies | any(.namespace == \"lab\" and .name == \"deny-all-egress\" and .direction == \"egress\")) and
	 (.evidence.fix | test(\"10.10.0.10/32\")) and (.summary | test(\"lab/deny-all-egress\"))"

# --- an endpoint that does not answer straight while the VIP does: not a finding ----------
S4_BUNDLE=$(s4_bundle extra "$S4_LAB/extra-endpoint.json")
s4_serve
run extra --timeout 6s
expect extra ""
jqcheck "extra: the silent endpoint is said in the check" extra \
	'.checks[] | select(.id == "incluster-endpoints") | .status == "pass" and
	 (.reason | test("https://10.10.0.99:443: .* but the VIP answers")) and
	 (.reason | test("https://10.10.0.10:443: PodList"))'

# --- a self-managed control plane whose API server pod crash-loops ---------------------
S4_BUNDLE=$(s4_bundle crash "$S4_LAB/apiserver-crash.json")
s4_serve
run crash
expect crash "kube-apiserver-not-running"
jqcheck "crash: the kube-apiserver pod, its node and reason" crash \
	'.findings[] | select(.code == "kube-apiserver-not-running") |
	 .subject == {"kind": "Pod", "namespace": "kube-system", "name": "kube-apiserver-cp-1"} and
	 .evidence.node == "cp-1" and .evidence.ready == false and .evidence.reason == "CrashLoopBackOff"'
S4_BUNDLE=$(s4_bundle healthy)
s4_serve

# --- kube-dns answers NXDOMAIN ----------------------------------------------------------
s4_coredns --address=/#/
run nxdomain --fqdn "$S4_FQDN"
expect nxdomain "incluster-dns-failure"
jqcheck "nxdomain: kube-dns answers NXDOMAIN for the cluster's name" nxdomain \
	'.findings[] | select(.code == "incluster-dns-failure") |
	 .subject == {"kind": "Service", "namespace": "kube-system", "name": "kube-dns"} and
	 .evidence.result == "NXDOMAIN" and .evidence.name == "kubernetes.default.svc.cluster.local" and
	 (.evidence.server == "10.244.1.10:53" or .evidence.server == "10.96.0.10:53") and
	 .evidence.expected == "10.96.0.1" and (.evidence.answers | length == 2) and .evidence.ndots == 5'
jqcheck "nxdomain: the FQDN path fails at dns, explained by the DNS finding" nxdomain \
	'.checks[] | select(.id == "incluster-fqdn") | .status == "fail" and
	 (.reason | test("dns at dns .*explained by incluster-dns-failure"))'
jqcheck "nxdomain: the VIP path still answers" nxdomain \
	'.checks[] | select(.id == "incluster-service") | .status == "pass"'


# --- kube-dns does not answer -------------------------------------------------------------
s4_coredns
s4_fw -d "$S4_DNS_IP" -p udp --dport 53 -j DROP
run dnsdrop
expect dnsdrop "incluster-dns-failure"
jqcheck "dnsdrop: kube-dns times out" dnsdrop \
	'.findings[] | select(.code == "incluster-dns-failure") | .evidence.result == "timeout" and
	 (.evidence.answers | all(.result == "timeout"))'
s4_fw
# ... and when CoreDNS is down (its port closed: ICMP port unreachable), no answer either
s4_coredns_stop
run dnsdown --timeout 5s
expect dnsdown "incluster-dns-failure"
jqcheck "dnsdown: no answer is a timeout" dnsdown \
	'.findings[] | select(.code == "incluster-dns-failure") | .evidence.result == "timeout"'
s4_coredns

# --- a private cluster whose FQDN the custom forwarder does not know ------------------------
s4_upstream --address="/$S4_FQDN/$S4_API_IP" --address=/#/
run private --aks "$S4_LAB/aks-private.json" --upstream-dns "$S4_UPSTREAM_IP"
expect private "private-dns-unresolvable"
jqcheck "private: names the custom forwarder that failed, with the hub-and-spoke fix" private \
	'.findings[] | select(.code == "private-dns-unresolvable") |
	 .subject == {"kind": "Cluster", "namespace": null, "name": "aks-lab"} and
	 .evidence.private_fqdn == "aks-lab-1a2b3c-p9q8r7s6.privatelink.westeurope.azmk8s.io" and
	 .evidence.server == "172.31.0.53:53" and .evidence.result == "NXDOMAIN" and
	 .evidence.private_dns_zone == "system" and (.evidence.dns_servers | index("172.31.0.53:53") != null) and
	 (.remedy | test("168.63.129.16")) and (.commands | any(test("private-dns link vnet create")))'
jqcheck "private: the private FQDN path fails at dns, explained" private \
	'.checks[] | select(.id == "incluster-fqdn") | .status == "fail" and
	 (.reason | test("^https://aks-lab-1a2b3c-p9q8r7s6.privatelink.westeurope.azmk8s.io:443: dns at dns .*explained by private-dns-unresolvable"))'
s4_upstream
run private-ok --aks "$S4_LAB/aks-private.json" --upstream-dns "$S4_UPSTREAM_IP"
expect private-ok ""
jqcheck "private-ok: the guide's request through the private FQDN" private-ok \
	'.checks[] | select(.id == "incluster-fqdn") | .status == "pass"'


# --- the VIP path broken (kube-proxy's rule gone) while the endpoint answers -------------------
s4_vip_break
run vip --fqdn "$S4_FQDN" --timeout 6s --html "$WORK/vip.html"
expect vip "incluster-apiserver-unreachable"
jqcheck "vip: via service, tcp, timeout, and the endpoint answered" vip \
	"$(unreach service tcp timeout) and .evidence.answered_via == \"https://10.10.0.10:443\" and
	 (.summary | test(\"kube-proxy\"))"
jqcheck "vip: the endpoint and the FQDN pass" vip \
	'[.checks[] | select(.id == "incluster-endpoints" or .id == "incluster-fqdn") | .status] == ["pass","pass"]'
# ... and its HTML report in a browser: the S4 ladder, one rung per probe, the VIP's cut at tcp
. "$TOP/tests/e2e/browser.sh"
if [ -n "$CHROMIUM" ]; then
	chrome "$WORK/vip.dom" "$WORK/vip.domerr" --dump-dom "file://$WORK/vip.html"
	want=$(jq -r '[.checks[] | select(.id | test("^incluster-")) | "\(.id):\(.status)"] | join(" ")' "$WORK/vip.json")
	got=$(grep -o '<g class="stage st-[a-z]*" data-check="incluster-[a-z-]*"' "$WORK/vip.dom" |
		sed 's#.*st-\([a-z]*\)" data-check="\([^"]*\)"#\2:\1#' | tr '\n' ' ' | sed 's/ $//')
	segs=$(grep -o '<g class="stage st-fail" data-check="incluster-service">.*' "$WORK/vip.dom" |
		sed 's#</g>.*##' | grep -o 'data-stage="[a-z]*" [^>]*fill="#[0-9a-f]*"' |
		sed 's#data-stage="\([a-z]*\)".*fill="\(.*\)"#\1\2#' | tr '\n' ' ')
	if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$segs" = "dns#1a7f37 tcp#b3261e " ] &&
	   [ -z "$(console_of "$WORK/vip.domerr")" ]; then
		ok "s4 lab: vip --html: the browser shows the S4 ladder, the VIP passing dns and failing tcp"
	else
		not_ok "s4 lab: vip --html: the browser shows the S4 ladder" "want '$want'
got  '$got'
segs '$segs' $(console_of "$WORK/vip.domerr")"
	fi
fi
s4_vip_fix

# --- not in a pod: a clear error, exit 3 ----------------------------------------------------------
check_rc "s4 lab: outside a pod, exit 3" 3 env -u KUBERNETES_SERVICE_HOST "$ND" incluster
if env -u KUBERNETES_SERVICE_HOST "$ND" incluster 2>&1 | grep -q "KUBERNETES_SERVICE_HOST"; then
	ok "s4 lab: outside a pod, the message names the variables"
else
	not_ok "s4 lab: outside a pod, the message names the variables"
fi
