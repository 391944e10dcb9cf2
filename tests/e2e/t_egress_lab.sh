#!/bin/sh
# The egress lab (issue 12 item 2, DESIGN §8): a client, a router and an
# "internet" in network namespaces. dnsmasq answers AKS's real destination
# names with lab addresses, `openssl s_server` with a lab CA stands for each
# destination, iptables in the router drops, rejects or redirects to an
# intercepting proxy (a certificate from another CA). Each case runs
# `netdiag egress -o json` from the client and must give its findings with
# the evidence. Needs root, iproute2, iptables, dnsmasq, socat, openssl, jq;
# everything is removed by the trap, even on failure.
. "$TOP/tests/e2e/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v iptables >/dev/null ||
   ! command -v dnsmasq >/dev/null || ! command -v socat >/dev/null ||
   ! command -v openssl >/dev/null || ! command -v jq >/dev/null; then
	echo "egress lab: skipped (needs root, iproute2, iptables, dnsmasq, socat, openssl, jq)" >&2
	exit 0
fi

L="$TOP/tests/lab/egress"
. "$L/lab.sh"
trap 'eg_down; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT INT TERM
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy

if ! eg_up "$WORK"; then
	not_ok "egress lab: set up" "$(cat "$WORK"/*.log 2>/dev/null)"
	exit 0
fi
ok "egress lab: set up"
CA="$WORK/labca.crt"

# run NAME ARGS...: netdiag egress from the client namespace, JSON in $WORK/NAME.json
run() {
	n=$1
	shift
	ip netns exec "$EGC" "$ND" egress -o json "$@" > "$WORK/$n.json" 2> "$WORK/$n.err"
	echo $? > "$WORK/$n.rc"
}
rc() { cat "$WORK/$1.rc"; }
# blocked NAME: "dest:stage:error" of every egress-blocked finding, sorted
blocked() {
	jq -r '[.findings[] | select(.code == "egress-blocked") |
		"\(.evidence.destination):\(.evidence.stage):\(.evidence.error)"] | sort | join(" ")' \
		"$WORK/$1.json" 2>/dev/null
}
expect() {
	got=$(blocked "$1")
	if [ "$got" = "$2" ]; then ok "egress lab: $1 -> ${2:-nothing blocked}"
	else not_ok "egress lab: $1 -> ${2:-nothing blocked}" "got '$got' (rc $(rc "$1"))
$(cat "$WORK/$1.err")
$(jq -c '.checks, .verdict.destinations' "$WORK/$1.json" 2>/dev/null)"; fi
}
jqcheck() { check "egress lab: $1" jq -e "$3" "$WORK/$2.json"; }

MCR=$(eg_ip mcr.microsoft.com) MGMT=$(eg_ip management.azure.com)
LOGIN=$(eg_ip login.microsoftonline.com) ACS=$(eg_ip acs-mirror.azureedge.net)

# healthy, the system resolver (/etc/netns/<client>/resolv.conf): every destination passes
eg_fw
run healthy --ca-file "$CA"
expect healthy ""
check_rc "egress lab: healthy exits 0" 0 sh -c "exit $(rc healthy)"
jqcheck "healthy: the 6 probed required destinations pass every stage, the API server is skipped without a profile" healthy \
	'([.verdict.destinations[] | select(.result == "ok")] | length) == 6 and
	 ([.verdict.destinations[] | select(.result == "ok") | select(.dns == "ok" and .tcp == "ok" and .tls == "ok" and .http == "ok")] | length) == 6 and
	 (.verdict.destinations[] | select(.destination == "*.hcp.eastus.azmk8s.io") | .result) == "skip" and
	 .checks[0].id == "egress" and .checks[0].status == "pass" and .source.mode == "live" and
	 .summary.verdict == "healthy"'
jqcheck "healthy: each destination says why it is needed and what rule it is" healthy \
	'[.verdict.destinations[] | select(.purpose == null or .rule == null)] | length == 0'
check "egress lab: healthy text shows the table of destinations x stages" sh -c \
	"ip netns exec '$EGC' '$ND' egress --ca-file '$CA' | grep -Eq '^ +mcr.microsoft.com +443/TCP +ok +ok +ok +ok +ok '"

# the profile: region and API server name filled in, the API server tested with ALPN
run profile --ca-file "$CA" --aks "$L/aks.json" --include mcr-edge
expect profile ""
jqcheck "profile: the API server FQDN is probed with ALPN h2 and the region's data.mcr name" profile \
	'(.verdict.destinations[] | select(.destination == "aks-lab-5e6f7a-q8w9e0r1.hcp.westeurope.azmk8s.io") |
	  .result == "ok" and .tls == "ok" and .alpn == "h2,http/1.1" and .rule == "*.hcp.westeurope.azmk8s.io") and
	 (.verdict.destinations | map(.destination) | index("westeurope.data.mcr.microsoft.com") != null) and
	 .verdict.region == "westeurope" and
	 (.verdict.destinations[] | select(.destination == "mcr-0001.mcr-msedge.net") | .result) == "ok"'

# in a pod whose KUBERNETES_SERVICE_HOST is the API server's FQDN: it is probed without a profile
ip netns exec "$EGC" env KUBERNETES_SERVICE_HOST="$EG_FQDN" KUBERNETES_SERVICE_PORT=443 \
	"$ND" egress -o json --ca-file "$CA" > "$WORK/pod-fqdn.json" 2> "$WORK/pod-fqdn.err"
echo $? > "$WORK/pod-fqdn.rc"
expect pod-fqdn ""
jqcheck "pod: KUBERNETES_SERVICE_HOST names the API server: probed with ALPN, region from the name" pod-fqdn \
	'.source.mode == "in-cluster" and .verdict.region == "westeurope" and
	 (.verdict.destinations[] | select(.destination == "aks-lab-5e6f7a-q8w9e0r1.hcp.westeurope.azmk8s.io") | .result) == "ok"'

# without the lab CA the destinations do not chain to the system store: interception, not a drop
run no-ca
jqcheck "no --ca-file: every TLS destination is reported as intercepted with its issuer" no-ca \
	'([.findings[] | select(.evidence.error == "intercepted" and .evidence.stage == "tls" and
	   (.evidence.issuer | test("netdiag lab root CA")))] | length) == 6'

# dropped: SYN to mcr.microsoft.com dropped -> tcp timeout
eg_fw "FORWARD -d $MCR -p tcp --dport 443 -j DROP"
run dropped --ca-file "$CA" --timeout 3s
expect dropped "mcr.microsoft.com:tcp:timeout"
check_rc "egress lab: a blocked destination exits 1" 1 sh -c "exit $(rc dropped)"
jqcheck "dropped: evidence destination, port, purpose, stage, error, addresses and an application rule" dropped \
	'.findings[0] | .code == "egress-blocked" and .subject.kind == "Destination" and
	 .subject.name == "mcr.microsoft.com" and .evidence.port == "443/TCP" and
	 (.evidence.purpose | test("Container Registry")) and .evidence.addresses[0].result == "timeout" and
	 .evidence.firewall_rule.kind == "application" and .evidence.firewall_rule.fqdn == "mcr.microsoft.com" and
	 (.commands[0] | test("az network firewall application-rule create .*--target-fqdns .mcr.microsoft.com"))'

# refused: REJECT with a TCP reset -> tcp refused
eg_fw "FORWARD -d $MGMT -p tcp --dport 443 -j REJECT --reject-with tcp-reset"
run refused --ca-file "$CA"
expect refused "management.azure.com:tcp:refused"

# unresolvable: the other resolver (--dns-server) answers NXDOMAIN for packages.microsoft.com
eg_fw
run nxdomain --ca-file "$CA" --dns-server 203.0.113.1:5353
expect nxdomain "packages.microsoft.com:dns:NXDOMAIN"
jqcheck "nxdomain: the resolver asked is named" nxdomain \
	'.findings[0].evidence.resolvers == ["203.0.113.1:5353"]'

# intercepted: the router redirects login.microsoftonline.com to a proxy that re-signs with its CA
eg_fw "PREROUTING -d $LOGIN -p tcp --dport 443 -j DNAT --to-destination $EG_PROXY_IP:443"
run intercepted --ca-file "$CA"
expect intercepted "login.microsoftonline.com:tls:intercepted"
jqcheck "intercepted: told apart from a drop, with the proxy's issuer and the TLS-inspection fix" intercepted \
	'.findings[0] | (.evidence.issuer | test("Contoso Egress Proxy Inspection CA")) and
	 (.remedy | test("TLS inspection")) and (.summary | test("intercepted")) and
	 (.evidence.addresses[0].result == "ok")'
# the proxy's CA trusted (installed on the machine): its issuer still names a proxy
cat "$CA" "$WORK/proxyca.crt" > "$WORK/both.crt"
run intercepted-trusted --ca-file "$WORK/both.crt"
expect intercepted-trusted "login.microsoftonline.com:tls:intercepted"

# a TLS peer that strips ALPN in front of the API server: konnectivity would break
eg_fw "PREROUTING -d $(eg_ip "$EG_FQDN") -p tcp --dport 443 -j DNAT --to-destination $MCR:443"
run alpn --ca-file "$CA" --aks "$L/aks.json"
expect alpn "aks-lab-5e6f7a-q8w9e0r1.hcp.westeurope.azmk8s.io:tls:alpn-stripped"

# several at once, in one run: each its own finding
eg_fw "FORWARD -d $MCR -p tcp --dport 443 -j DROP" \
      "FORWARD -d $ACS -p tcp --dport 443 -j REJECT --reject-with tcp-reset" \
      "PREROUTING -d $LOGIN -p tcp --dport 443 -j DNAT --to-destination $EG_PROXY_IP:443"
run mixed --ca-file "$CA" --dns-server 203.0.113.1:5353 --timeout 4s --html "$WORK/mixed.html"
expect mixed "acs-mirror.azureedge.net:tcp:refused login.microsoftonline.com:tls:intercepted mcr.microsoft.com:tcp:timeout packages.microsoft.com:dns:NXDOMAIN"
# ... and its HTML report in a browser: a row per destination, each stage as the JSON says
. "$TOP/tests/e2e/browser.sh"
if [ -n "$CHROMIUM" ]; then
	chrome "$WORK/mixed.dom" "$WORK/mixed.domerr" --dump-dom "file://$WORK/mixed.html"
	want=$(jq -r '.verdict.destinations[] | "\(.destination) \(.dns) \(.tcp) \(.tls) \(.http) \(.result)"' "$WORK/mixed.json")
	got=$(grep -o '<tr class="dest".*</tr>' "$WORK/mixed.dom" | sed 's#<td[^>]*>\([^<]*\)</td>#\1 #g; s#<[^>]*>##g; s# $##' |
		awk '{print $1, $3, $4, $5, $6, $7}')
	if [ -n "$want" ] && [ "$got" = "$want" ] && [ -z "$(console_of "$WORK/mixed.domerr")" ] &&
	   grep -q '<td class="st-fail"[^>]*>NXDOMAIN</td>' "$WORK/mixed.dom"; then
		ok "egress lab: mixed --html: the browser shows each destination's stages as the JSON"
	else
		not_ok "egress lab: mixed --html: the browser shows each destination's stages as the JSON" "want:
$want
got:
$got
$(console_of "$WORK/mixed.domerr")"
	fi
fi

# --also adds destinations: a TCP listener by name, one by address, a dropped one
eg_fw "FORWARD -d 198.51.100.30 -p tcp --dport 7001 -j DROP"
run also --ca-file "$CA" --also extra.lab.example:7000 --also 198.51.100.30:7000,198.51.100.30:7001 --timeout 3s
expect also "198.51.100.30:tcp:timeout"
jqcheck "also: the --also destinations are in the table, TCP only" also \
	'[.verdict.destinations[] | select(.sets == "also")] | length == 3 and
	 (map(select(.destination == "extra.lab.example")) | .[0].result == "ok" and .[0].tls == "-")'
jqcheck "also: an address destination gets a network rule with the address" also \
	'.findings[0].evidence.firewall_rule.kind == "network" and
	 .findings[0].evidence.firewall_rule.addresses == ["198.51.100.30"]'

# HTTP where it applies: a plain HTTP destination answers; one behind a firewall that denies (470)
run http --ca-file "$CA" --also http://extra.lab.example:8200 --also http://extra.lab.example:8470
expect http "extra.lab.example:http:http-470"
jqcheck "http: the answering one passes every stage, the denied one says the firewall's words" http \
	'(.verdict.destinations[] | select(.port == "8200/TCP") | .http == "ok" and .tls == "-" and .result == "ok") and
	 (.findings[0].evidence.http_status == 470) and (.findings[0].evidence.detail | test("470")) and
	 (.findings[0].remedy | test("application rule"))'

# a TLS peer that verifies but never answers HTTP: reachable (the HTTP stage says it stayed silent)
run silent --ca-file "$CA" --also extra.lab.example:443
expect silent ""
jqcheck "silent: TLS verified, HTTP silent, not blocked" silent \
	'(.verdict.destinations[] | select(.destination == "extra.lab.example") |
	  .tls == "ok" and .http == "silent" and .result == "ok" and (.note | test("no HTTP answer")) and
	  .stage_ms.http >= 2900 and .stage_ms.http < 3500)'

# --timeout bounds the whole run: everything dropped, 2 s
eg_fw "FORWARD -p tcp -j DROP"
start=$(date +%s%N)
run all-dropped --ca-file "$CA" --timeout 2s
took=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$took" -le 3000 ]; then ok "egress lab: --timeout 2s bounds the run (${took} ms)"
else not_ok "egress lab: --timeout 2s bounds the run" "took $took ms"; fi
jqcheck "all dropped: 6 destinations blocked at tcp, none missing" all-dropped \
	'[.findings[] | select(.evidence.stage == "tcp" and .evidence.error == "timeout")] | length == 6'
# with one thread and a short deadline, destinations never reached make the run incomplete
run starved --ca-file "$CA" --timeout 1500ms --concurrency 1
jqcheck "starved: destinations not probed before the deadline -> verdict incomplete, they are named unread" starved \
	'.checks[0].status == "fail" and .summary.verdict == "incomplete" and
	 (.summary.unread[0] | test("not probed before the deadline")) and
	 ([.verdict.destinations[] | select(.result == "not-probed")] | length) > 0'
check_rc "egress lab: an incomplete run with findings still exits 1" 1 sh -c "exit $(rc starved)"
eg_fw

# bad input: a clear message, exit 2, nothing on stdout
check_rc "egress lab: --also without a port number" 2 ip netns exec "$EGC" "$ND" egress --also 'x:y'
check_rc "egress lab: --ca-file that is not PEM" 2 ip netns exec "$EGC" "$ND" egress --ca-file /etc/hostname
check_rc "egress lab: --dns-server that is not an address" 2 ip netns exec "$EGC" "$ND" egress --dns-server nowhere
check_rc "egress lab: --include an unknown set" 2 ip netns exec "$EGC" "$ND" egress --include nosuch
