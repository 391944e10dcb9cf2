#!/bin/sh
# netdiag agent on a node root (no namespaces needed): one compact netdiag/v1
# line; the conntrack check's thresholds (pass, 90 % warning, full error, a
# bad stat file an error that makes the run incomplete); --raw-files bounded
# by --raw-max; --stay keeps the process after the line. Then serve's
# pods/{name}/log replay: tailLines, limitBytes, a missing log, a bad value.
. "$TOP/tests/e2e/lib.sh"

SPID=""
APID=""
cleanup() {
	[ -n "$APID" ] && kill "$APID" 2>/dev/null && wait "$APID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

R="$WORK/root"
B="$WORK/b"
mkdir -p "$R/etc/cni/net.d" "$R/var/lib/cni/networks/kubenet" "$R/proc/sys/net/netfilter" \
	"$R/proc/net/stat" "$B/cluster"
cat > "$R/etc/cni/net.d/10-kubenet.conflist" <<'CONF'
{"cniVersion": "1.0.0", "name": "kubenet", "plugins": [{"type": "bridge", "bridge": "cbr0",
 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.7.0/28"}]]}}]}
CONF
printf 'c1\r\neth0' > "$R/var/lib/cni/networks/kubenet/10.244.7.2"
cat > "$B/cluster/x.json" <<'JSON'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}, "spec": {"podCIDR": "10.244.7.0/28"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "namespace": "default", "uid": "u1"},
  "spec": {"nodeName": "n1", "containers": [{"name": "c"}]},
  "status": {"phase": "Running", "podIP": "10.244.7.2"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "netdiag-agent-x", "namespace": "netdiag",
  "uid": "u2", "labels": {"app.kubernetes.io/name": "netdiag", "app.kubernetes.io/component": "agent"}},
  "spec": {"nodeName": "n1", "hostNetwork": true, "containers": [{"name": "agent"}]},
  "status": {"phase": "Running"}}]}
JSON
: > "$WORK/rules"
STAT='entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
000003b6  00000000 00000000 00000000 00000010 00000000 00000000 00000000 00000000 00000002 00000005 00000000 00000000  00000000 00000000 00000000 00000000
000003b6  00000000 00000000 00000000 00000010 00000000 00000000 00000000 00000000 00000001 00000000 00000000 00000000  00000000 00000000 00000000 00000000'
printf '%s\n' "$STAT" > "$R/proc/net/stat/nf_conntrack"
echo 262144 > "$R/proc/sys/net/netfilter/nf_conntrack_max"
agent() { "$ND" agent --node-root "$R" --node n1 --snapshot "$B" --iptables-save "$WORK/rules" -o json "$@"; }

echo 1000 > "$R/proc/sys/net/netfilter/nf_conntrack_count"
agent > "$WORK/a.json"
check "agent: exactly one line, compact netdiag/v1" sh -c "test \$(wc -l < '$WORK/a.json') = 1 && grep -q '^{\"schema\":\"netdiag/v1\",\"source\":{\"mode\":\"node\"' '$WORK/a.json'"
check "agent: runs the node checks only, the conntrack one passes" sh -c "jq -e '([.checks[].id] | index(\"service-endpoints\") == null) and (.checks[] | select(.id == \"conntrack\") | .status == \"pass\" and (.reason | test(\"1000 of 262144\")))' '$WORK/a.json'"
check "agent: each finding names its check" sh -c "jq -e '.findings | all(.check != null)' '$WORK/a.json'"

echo 240000 > "$R/proc/sys/net/netfilter/nf_conntrack_count"
check_rc "agent: exits 1 on a 91 % table" 1 agent
check "agent: conntrack-table-full warning at 91 %, the counters summed" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json |
	jq -e '.findings[] | select(.code == \"conntrack-table-full\") | .severity == \"warning\" and .subject.name == \"n1\" and .evidence.percent == 91 and .evidence.drop == 5 and .evidence.insert_failed == 3'"
echo 262144 > "$R/proc/sys/net/netfilter/nf_conntrack_count"
check "agent: a full table is an error" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json |
	jq -e '.findings[] | select(.code == \"conntrack-table-full\") | .severity == \"error\"'"
echo 'entries drop
00000001 zz' > "$R/proc/net/stat/nf_conntrack"
check "agent: a bad stat file errors the check, named, and the run is incomplete" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json |
	jq -e '(.checks[] | select(.id == \"conntrack\") | .status == \"error\" and (.reason | test(\"nf_conntrack.*line 2, field 2\"))) and .summary.verdict == \"incomplete\"'"
printf '%s\n' "$STAT" > "$R/proc/net/stat/nf_conntrack"
echo 100 > "$R/proc/sys/net/netfilter/nf_conntrack_count"

agent --raw-files > "$WORK/raw.json"
check "agent --raw-files: the node's files, base64, with their bundle paths" sh -c "jq -e '.node_files.files | map(.path) | (index(\"cni/networks/kubenet/10.244.7.2\") != null and index(\"proc/net/stat/nf_conntrack\") != null)' '$WORK/raw.json' &&
	test \"\$(jq -r '.node_files.files[] | select(.path == \"cni/networks/kubenet/10.244.7.2\") | .base64' '$WORK/raw.json' | base64 -d | od -An -c | tr -d ' \n')\" = 'c1\\r\\neth0'"
# a 3 KiB resolv.conf does not fit in 1 KiB
awk 'BEGIN { for (i = 0; i < 100; i++) print "# comment line number " i; print "nameserver 10.0.0.10" }' > "$R/etc/resolv.conf"
check "agent --raw-max: what does not fit is dropped and named, never cut" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json --raw-files --raw-max 1024 |
	jq -e '.node_files | .dropped > 0 and .bytes <= 1024 and (.skipped[0] | test(\"resolv.conf: over the size bound\")) and (.files | map(.path) | index(\"resolv.conf\") == null)'"
check_rc "agent: --raw-max out of range is a usage error" 2 agent --raw-files --raw-max 12
check_rc "agent: unknown argument" 2 agent extra
# the node's network: nothing is sent without a name to ask (this root has a
# resolv.conf but no kubelet kubeconfig), and the rows say why they did not run
check "agent: no kubelet kubeconfig: node-dns and node-apiserver skipped with the reason" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json |
	jq -e '(.checks[] | select(.id == \"node-dns\") | .status == \"skip\" and (.reason | test(\"no name to ask\"))) and (.checks[] | select(.id == \"node-apiserver\") | .status == \"skip\" and (.reason | test(\"no kubelet kubeconfig under\")))'"
check "agent --no-probe: both skipped, said so" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json --no-probe --dns-name example.com |
	jq -e '[.checks[] | select(.id == \"node-dns\" or .id == \"node-apiserver\") | .status + \" \" + .reason] == [\"skip not probed (--no-probe)\", \"skip not probed (--no-probe)\"]'"
check_rc "agent: an empty --dns-name is a usage error" 2 agent --dns-name ''
check_rc "agent: at most 4 --dns-name" 2 agent --no-probe --dns-name a --dns-name b --dns-name c --dns-name d --dns-name e
mkdir -p "$R/var/lib/kubelet"
echo 'clusters: [' > "$R/var/lib/kubelet/kubeconfig"
check "agent: a kubelet kubeconfig that cannot be read errors node-apiserver, named" sh -c "'$ND' agent --node-root '$R' --node n1 --snapshot '$B' --iptables-save '$WORK/rules' -o json |
	jq -e '(.checks[] | select(.id == \"node-apiserver\") | .status == \"error\" and (.reason | test(\"var/lib/kubelet/kubeconfig\"))) and .summary.verdict == \"incomplete\"'"
rm -rf "$R/var/lib/kubelet"

# exec: $! must be netdiag itself, not a subshell running the function
"$ND" agent --node-root "$R" --node n1 --snapshot "$B" --iptables-save "$WORK/rules" -o json --stay > "$WORK/stay.json" 2>/dev/null &
APID=$!
i=0
while [ $i -lt 100 ] && ! [ -s "$WORK/stay.json" ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
if [ -s "$WORK/stay.json" ] && kill -0 "$APID" 2>/dev/null; then ok "agent --stay: alive after its line"
else not_ok "agent --stay: alive after its line"; fi
kill "$APID" 2>/dev/null
wait "$APID" 2>/dev/null
APID=""

# ------------------------------------------------------- pods/log replay ----
mkdir -p "$B/logs/netdiag"
printf 'one\ntwo\nthree\n' > "$B/logs/netdiag/netdiag-agent-x.log"
"$ND" serve --snapshot "$B" --listen 127.0.0.1:0 --token tok > "$WORK/s.out" 2> "$WORK/s.err" &
SPID=$!
i=0
while [ $i -lt 200 ] && ! [ -s "$WORK/s.out" ]; do sleep 0.05; i=$((i + 1)); done
URL=$(head -n 1 "$WORK/s.out")
get() { curl -sk -H 'Authorization: Bearer tok' -w '\n%{http_code}' "$URL/api/v1/namespaces/netdiag/pods/$1"; }
check "serve: pods/log replays the bundle's log" sh -c "test \"\$(curl -sk -H 'Authorization: Bearer tok' '$URL/api/v1/namespaces/netdiag/pods/netdiag-agent-x/log')\" = \"\$(printf 'one\ntwo\nthree')\""
check "serve: tailLines" sh -c "test \"\$(curl -sk -H 'Authorization: Bearer tok' '$URL/api/v1/namespaces/netdiag/pods/netdiag-agent-x/log?tailLines=2')\" = \"\$(printf 'two\nthree')\""
check "serve: tailLines then limitBytes" sh -c "test \"\$(curl -sk -H 'Authorization: Bearer tok' '$URL/api/v1/namespaces/netdiag/pods/netdiag-agent-x/log?tailLines=2&limitBytes=5')\" = \"\$(printf 'two\nt')\""
check "serve: a pod not in the bundle is 404 NotFound" sh -c "curl -sk -H 'Authorization: Bearer tok' '$URL/api/v1/namespaces/netdiag/pods/nosuch/log' | jq -e '.code == 404 and .reason == \"NotFound\"'"
check "serve: a pod whose log was not collected is 404, naming the file" sh -c "curl -sk -H 'Authorization: Bearer tok' '$URL/api/v1/namespaces/default/pods/p1/log' | jq -e '.code == 404 and (.message | test(\"logs/default/p1.log\"))'"
check "serve: a bad tailLines is 400" sh -c "curl -sk -H 'Authorization: Bearer tok' '$URL/api/v1/namespaces/netdiag/pods/netdiag-agent-x/log?tailLines=x' | jq -e '.code == 400'"
check "serve: the log needs the token" sh -c "curl -sk '$URL/api/v1/namespaces/netdiag/pods/netdiag-agent-x/log' | jq -e '.code == 401'"
