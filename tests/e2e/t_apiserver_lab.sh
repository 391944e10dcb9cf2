#!/bin/sh
# The S1 lab (issue 4, DESIGN §8): a client, a router and an API server in
# network namespaces; `netdiag serve` with TLS is the API server, dnsmasq
# answers the public and the private name, iptables in the router drops or
# rejects. Each case runs as a user would (ip netns exec <client> netdiag
# apiserver --kubeconfig ... --aks ...) and must give its code. Offline cases
# and the deadline are checked too. Needs root, iproute2, iptables, dnsmasq,
# socat, openssl, jq; everything is removed by the trap, even on failure.
. "$TOP/tests/e2e/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v iptables >/dev/null ||
   ! command -v dnsmasq >/dev/null || ! command -v socat >/dev/null ||
   ! command -v openssl >/dev/null || ! command -v jq >/dev/null; then
	echo "apiserver lab: skipped (needs root, iproute2, iptables, dnsmasq, socat, openssl, jq)" >&2
	exit 0
fi

L="$TOP/tests/lab/s1"
. "$L/lab.sh"
trap 's1_down; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT INT TERM
# the lab's names must not go to a proxy
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy

if ! s1_up "$WORK"; then
	not_ok "s1 lab: set up" "$(cat "$WORK"/*.log "$WORK/serve.err" 2>/dev/null)"
	exit 0
fi
ok "s1 lab: set up"

KC="$WORK/kc" BADCA="$WORK/badca.kc" BADTOK="$WORK/badtok.kc" PRIV="$WORK/priv.kc" GONE="$WORK/gone.kc"
s1_kubeconfig "$KC" "$S1_PUBLIC" "$WORK/ca.crt" s1-lab-token
s1_kubeconfig "$BADCA" "$S1_PUBLIC" "$WORK/other.crt" s1-lab-token
s1_kubeconfig "$BADTOK" "$S1_PUBLIC" "$WORK/ca.crt" expired-token
s1_kubeconfig "$PRIV" "$S1_PRIVATE" "$WORK/ca.crt" s1-lab-token
s1_kubeconfig "$GONE" "$S1_GONE" "$WORK/ca.crt" s1-lab-token

# run NAME ARGS...: netdiag apiserver from the client namespace, JSON in $WORK/NAME.json
run() {
	n=$1
	shift
	ip netns exec "$S1C" "$ND" apiserver -o json "$@" > "$WORK/$n.json" 2> "$WORK/$n.err"
	echo $? > "$WORK/$n.rc"
}
codes() { jq -r '[.findings[].code] | sort | join(" ")' "$WORK/$1.json" 2>/dev/null; }
# expect NAME "CODES": exactly these codes (space-separated, sorted)
expect() {
	got=$(codes "$1")
	if [ "$got" = "$2" ]; then ok "s1 lab: $1 -> ${2:-no finding}"
	else not_ok "s1 lab: $1 -> ${2:-no finding}" "got '$got' (rc $(cat "$WORK/$1.rc"))
$(cat "$WORK/$1.err")
$(jq -c '.checks' "$WORK/$1.json" 2>/dev/null)"; fi
}
jqcheck() { check "s1 lab: $1" jq -e "$3" "$WORK/$2.json"; }

# healthy: every stage passes, nothing to say
s1_fw
run healthy --kubeconfig "$KC" --aks "$L/aks-ranges-include.json" --client-ip "$S1_CLIENT_IP"
expect healthy ""
check_rc "s1 lab: healthy exits 0" 0 sh -c "exit \$(cat '$WORK/healthy.rc')"
jqcheck "healthy: six stages pass, with timings" healthy \
	'[.checks[] | select(.id | test("^apiserver-(dns|tcp|tls|version|readyz|auth)$")) | select(.status == "pass")] | length == 6'
jqcheck "healthy: the resolver is dnsmasq" healthy \
	'.checks[] | select(.id == "apiserver-dns") | .reason | test("198.51.100.10")'

# the echo service the user names gives the egress IP
run echo --kubeconfig "$KC" --aks "$L/aks-ranges-exclude.json" --egress-ip-url http://203.0.113.1:8080/
jqcheck "egress IP from --egress-ip-url" echo \
	'.checks[] | select(.id == "apiserver-authorized-ranges") | .reason | test("203.0.113.10")'

# SYN dropped for the client's source, ranges exclude it: cause 1, not a generic timeout
s1_fw -s "$S1_CLIENT_IP" -p tcp --dport 443 --syn -j DROP
start=$(date +%s%N)
run drop-excluded --kubeconfig "$KC" --aks "$L/aks-ranges-exclude.json" --client-ip "$S1_CLIENT_IP" --timeout 3s
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect drop-excluded "apiserver-client-ip-not-authorized"
jqcheck "cause 1: evidence and the one-string remedy" drop-excluded \
	'.findings[0] | .evidence.client_ip == "203.0.113.10" and (.evidence.authorized_ip_ranges | length == 2) and
	 (.commands[0] == "az aks update -g rg-lab -n aks-lab --api-server-authorized-ip-ranges 192.0.2.0/24,198.18.0.7/32,203.0.113.10/32")'
if [ "$took" -le 3500 ]; then ok "s1 lab: --timeout 3s kept (${took} ms)"
else not_ok "s1 lab: --timeout 3s kept" "took $took ms"; fi

# same drop, the client inside the ranges: the path drops it
run drop-allowed --kubeconfig "$KC" --aks "$L/aks-ranges-include.json" --client-ip "$S1_CLIENT_IP" --timeout 2s
expect drop-allowed "apiserver-connect-timeout"
jqcheck "timeout: the remedy points at the path" drop-allowed \
	'.findings[0] | (.remedy | test("firewall")) and .evidence.addresses[0].result == "timeout"'

# no reachable server, default --timeout: the whole command ends within 10 s
start=$(date +%s%N)
run drop-default --kubeconfig "$KC"
took=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$took" -le 10500 ] && [ "$(codes drop-default)" = apiserver-connect-timeout ]; then
	ok "s1 lab: default --timeout (10 s) kept (${took} ms)"
else not_ok "s1 lab: default --timeout (10 s) kept" "took $took ms, $(codes drop-default)"; fi

# diagnose with no reachable server still runs the offline parts
ip netns exec "$S1C" "$ND" diagnose --kubeconfig "$KC" --aks "$L/aks-ranges-exclude.json" \
	--client-ip "$S1_CLIENT_IP" --timeout 2s -o json > "$WORK/diag.json" 2> "$WORK/diag.err"
echo $? > "$WORK/diag.rc"
jqcheck "diagnose: cause 1 named, listing skipped, other checks ran" diag \
	'([.findings[].code] == ["apiserver-client-ip-not-authorized"]) and
	 (.checks[] | select(.id == "api-list") | .status == "skip") and
	 ([.checks[] | select(.scenario != "S1" and .scenario != "S0")] | length > 0)'

# REJECT with a reset: refused
s1_fw -s "$S1_CLIENT_IP" -p tcp --dport 443 -j REJECT --reject-with tcp-reset
run reject --kubeconfig "$KC" --aks "$L/aks-open.json" --timeout 3s
expect reject "apiserver-connect-refused"
s1_fw

# the kubeconfig's CA did not sign the server's certificate
run badca --kubeconfig "$BADCA" --aks "$L/aks-open.json"
expect badca "apiserver-tls-untrusted"
jqcheck "wrong CA: certificate details shown" badca \
	'.findings[0].evidence | .reason == "unknown-authority" and (.subject | test("CN")) and (.issuer | test("lab-ca")) and (.sans | test("DNS:")) and .not_after != null'

# a token the server does not know
run badtoken --kubeconfig "$BADTOK" --aks "$L/aks-open.json"
expect badtoken "apiserver-unauthorized"
jqcheck "401: user and kind of credential" badtoken \
	'.findings[0].evidence | .auth == "token" and .user == "clusterUser_rg-lab_aks-lab"'

# a deleted cluster's name: the lab resolver answers NXDOMAIN, nothing is dialled
run gone --kubeconfig "$GONE" --aks "$L/aks-open.json" --timeout 3s
expect gone "apiserver-dns-failure"
jqcheck "NXDOMAIN: the name, the resolver, the stages not run" gone \
	'(.findings[0].evidence | tostring | test("q1w2e3r4")) and
	 (.checks[] | select(.id == "apiserver-dns") | .reason | test("203.0.113.1")) and
	 (.checks[] | select(.id == "apiserver-tcp") | .status == "skip")'

# the private FQDN resolves to the private endpoint, which has no route from here
run private --kubeconfig "$PRIV" --aks "$L/aks-private.json" --timeout 3s
expect private "apiserver-private-cluster"
jqcheck "private: resolved address and the ways in" private \
	'.findings[0] | .evidence.resolved == ["10.240.0.4"] and .evidence.stage == "tcp" and
	 (.commands[0] | test("az aks command invoke"))'
run private-noprofile --kubeconfig "$PRIV" --timeout 3s
expect private-noprofile "apiserver-private-cluster"

# offline: the bundle's aks.json and --client-ip, no probe
for b in aks-authorized-ranges aks-private; do
	cp -R "$TOP/tests/bundles/$b" "$WORK/$b"
done
"$ND" apiserver --snapshot "$WORK/aks-authorized-ranges" --client-ip 192.0.2.77 -o json > "$WORK/off1.json" 2>/dev/null
echo $? > "$WORK/off1.rc"
expect off1 "apiserver-authorized-range-invalid apiserver-client-ip-not-authorized"
"$ND" apiserver --snapshot "$WORK/aks-authorized-ranges" --client-ip 203.0.113.77 -o json > "$WORK/off2.json" 2>/dev/null
echo $? > "$WORK/off2.rc"
expect off2 "apiserver-authorized-range-invalid"
"$ND" apiserver --snapshot "$WORK/aks-private" --client-ip 192.0.2.77 -o json > "$WORK/off3.json" 2>/dev/null
echo $? > "$WORK/off3.rc"
expect off3 "apiserver-private-cluster"
"$ND" apiserver --snapshot "$WORK/aks-private" --client-ip 10.1.2.3 -o json > "$WORK/off4.json" 2>/dev/null
echo $? > "$WORK/off4.rc"
expect off4 ""

s1_down
left=$(ip netns list 2>/dev/null | grep -c "^$S1P")
if [ "$left" -eq 0 ] && [ ! -e "/etc/netns/$S1C" ]; then ok "s1 lab: nothing left behind"
else not_ok "s1 lab: nothing left behind" "$(ip netns list)"; fi
