#!/bin/sh
# netdiag fleet without root: 'fleet manifest' (image, namespace, bad values),
# 'fleet run' without a cluster (tests/e2e/t_fleet_run.sh runs it), and 'fleet report' against serve replaying agent
# logs in every state: a good line from a node root with a leak, a log whose
# last report line is cut (unparsable), a log without any report line, a pod
# without a log file, an evicted agent, a node without an agent pod. With
# --fault-429-every the logs are still all read (Retry-After honoured), and
# --log-max bounds what is read. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

check "fleet manifest: the DaemonSet runs the agent with --stay" sh -c "'$ND' fleet manifest | grep -q 'args: \[\"agent\", \"--node-root\", \"/host\", \"--node\", \"\$(NODE_NAME)\", \"-o\", \"json\", \"--stay\"\]'"
check "fleet manifest: --image and -n" sh -c "'$ND' fleet manifest --image reg.example/netdiag:9 -n ops | grep -q 'image: \"reg.example/netdiag:9\"' && '$ND' fleet manifest -n ops | grep -q '^  namespace: ops$'"
check "fleet manifest: is deploy/fleet.yaml" sh -c "'$ND' fleet manifest | cmp - '$TOP/deploy/fleet.yaml'"
check_rc "fleet manifest: a bad namespace is a usage error" 2 "$ND" fleet manifest -n Bad_NS
check_rc "fleet run: no kubeconfig, a clear error and nothing tried" 3 "$ND" fleet run --kubeconfig "$WORK/none"
check_rc "fleet run: a bad --wait is a usage error" 2 "$ND" fleet run --wait soon
check_rc "fleet: an unknown subcommand" 2 "$ND" fleet reprot

B="$WORK/b"
R="$WORK/root"
mkdir -p "$R/etc/cni/net.d" "$R/var/lib/cni/networks/kubenet" "$B/cluster" "$B/logs/netdiag"
cat > "$R/etc/cni/net.d/10-kubenet.conflist" <<'CONF'
{"cniVersion": "1.0.0", "name": "kubenet", "plugins": [{"type": "bridge", "bridge": "cbr0",
 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.1.0/28"}]]}}]}
CONF
printf 'c1\r\neth0' > "$R/var/lib/cni/networks/kubenet/10.244.1.2"
printf 'c2\r\neth0' > "$R/var/lib/cni/networks/kubenet/10.244.1.3"   # no pod: a leak
touch -d '2025-01-01' "$R/var/lib/cni/networks/kubenet/"*
python3 - "$B" <<'PY'
import json, sys
d = sys.argv[1]
L = {"app.kubernetes.io/name": "netdiag", "app.kubernetes.io/component": "agent"}
nodes = [{"apiVersion": "v1", "kind": "Node",
          "metadata": {"name": "n%d" % i, "labels": {"kubernetes.io/os": "linux"}},
          "spec": {"podCIDR": "10.244.%d.0/28" % i}} for i in range(1, 7)]
def agent(n, phase, reason=None):
    st = {"phase": phase}
    if reason:
        st["reason"] = reason
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "agent-" + n, "namespace": "netdiag", "uid": "u-" + n, "labels": L},
            "spec": {"nodeName": n, "hostNetwork": True, "containers": [{"name": "agent"}]},
            "status": st}
pods = [agent("n1", "Running"), agent("n2", "Running"), agent("n3", "Running"),
        agent("n4", "Running"), agent("n5", "Failed", "Evicted"),
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "p1", "namespace": "default", "uid": "p1"},
         "spec": {"nodeName": "n1", "containers": [{"name": "c"}]},
         "status": {"phase": "Running", "podIP": "10.244.1.2"}}]
for f, items in (("nodes", nodes), ("pods", pods)):
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open("%s/cluster/%s.json" % (d, f), "w"))
PY
: > "$WORK/rules"
"$ND" agent --node-root "$R" --node n1 --snapshot "$B" --iptables-save "$WORK/rules" -o json \
	> "$WORK/line" 2>/dev/null
{ echo "netdiag: starting"; cat "$WORK/line"; echo "netdiag: a warning on stderr"; } > "$B/logs/netdiag/agent-n1.log"
head -c 60 "$WORK/line" > "$B/logs/netdiag/agent-n2.log"         # cut mid-line
echo "exec /netdiag: no such file or directory" > "$B/logs/netdiag/agent-n3.log"
# agent-n4: no log file at all; n5's agent was evicted; n6 has no agent pod

start_serve() {
	"$ND" serve --snapshot "$B" --listen 127.0.0.1:0 --write-kubeconfig "$WORK/kc" "$@" \
		> "$WORK/serve.out" 2> "$WORK/serve.err" &
	SPID=$!
	i=0
	while [ $i -lt 200 ] && ! [ -s "$WORK/serve.out" ]; do sleep 0.05; i=$((i + 1)); done
}
stop_serve() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=""; rm -f "$WORK/serve.out"; }
start_serve
"$ND" fleet report --kubeconfig "$WORK/kc" -o json > "$WORK/r.json" 2> "$WORK/r.err"
rc=$?
check "fleet report: exit 1 (a leak)" test "$rc" = 1
got=$(jq -r '[.findings[] | select(.code == "fleet-node-not-reported") | "\(.subject.name):\(.evidence.reason)"] | sort | join(" ")' "$WORK/r.json")
want="n2:unparsable n3:no-log n4:no-log n5:evicted n6:no-agent-pod"
if [ "$got" = "$want" ]; then ok "fleet report: each node that did not report, and why"
else not_ok "fleet report: each node that did not report, and why" "got: $got
want: $want"; fi
check "fleet report: the leak of n1, its subject carrying the node" sh -c "jq -e '[.findings[] | select(.code == \"ipam-leak\") | [.subject.node, .evidence.leaked[0].ip]] == [[\"n1\", \"10.244.1.3\"]]' '$WORK/r.json'"
check "fleet report: incomplete, the unread nodes named" sh -c "jq -e '.summary.verdict == \"incomplete\" and (.summary.unread | map(select(test(\"node .n[2-6]\"))) | length == 5)' '$WORK/r.json'"
check "fleet report: n4's 404 is the detail" sh -c "jq -e '.findings[] | select(.subject.name == \"n4\" and .code == \"fleet-node-not-reported\") | .evidence.detail | test(\"404|not found|logs/netdiag/agent-n4.log\")' '$WORK/r.json'"
check "fleet report: the merged check says how many nodes ran it" sh -c "jq -e '.checks[] | select(.id == \"ipam-node\") | .reason == \"1 nodes: 0 pass, 1 fail, 0 skipped\"' '$WORK/r.json'"
check "fleet report: the cluster-level checks ran once, not per node" sh -c "jq -e '[.checks[] | select(.id == \"service-endpoints\")] | length == 1' '$WORK/r.json'"
"$ND" fleet report --kubeconfig "$WORK/kc" -o json --log-max 1024 > "$WORK/r2.json" 2>/dev/null
check "fleet report --log-max: a line longer than the bound is unparsable, never half-read" sh -c "jq -e '.findings[] | select(.subject.name == \"n1\" and .code == \"fleet-node-not-reported\") | .evidence.reason == \"no-log\" or .evidence.reason == \"unparsable\"' '$WORK/r2.json'"
"$ND" agent --kubeconfig "$WORK/kc" --node-root "$R" --node n1 --iptables-save "$WORK/rules" -o json > "$WORK/live-agent.json" 2>/dev/null
check "agent over the API: lists only the kinds its node checks read, finds the same leak" sh -c "jq -e '(.checks[] | select(.id == \"api-list\") | .reason | test(\"^6 kinds listed\")) and ([.findings[] | select(.code == \"ipam-leak\") | .evidence.leaked[0].ip] == [\"10.244.1.3\"]) and .source.mode == \"node\"' '$WORK/live-agent.json'"
check_rc "fleet report: --concurrency 0 is a usage error" 2 "$ND" fleet report --kubeconfig "$WORK/kc" --concurrency 0
stop_serve

start_serve --fault-429-every 2
"$ND" fleet report --kubeconfig "$WORK/kc" -o json --concurrency 2 --timeout 60s -v > "$WORK/r3.json" 2> "$WORK/r3.err"
check "fleet report: 429s are retried (Retry-After), the same report" sh -c "test \"\$(jq -c '[.findings[] | {code, subject}]' '$WORK/r.json')\" = \"\$(jq -c '[.findings[] | {code, subject}]' '$WORK/r3.json')\" && grep -q 'log requests, [1-9][0-9]* retries' '$WORK/r3.err'"
stop_serve
