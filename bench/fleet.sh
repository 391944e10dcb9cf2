#!/bin/sh
# The fleet benchmark (issue 14): `netdiag fleet report` against `netdiag
# serve` replaying N agent pods' logs (default 5,000: one real agent line per
# node, every 10th with leaked IPs), next to the per-node way: one `kubectl
# logs` per agent, in turn (measured on BENCH_FLEET_KUBECTL pods, scaled to N).
#   sh bench/fleet.sh NETDIAG       prints rows "name wall_s peak_MB note"
set -eu
ND=$(readlink -f "$1")
B=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_FLEET_NODES:-5000}
K=${BENCH_FLEET_KUBECTL:-100}
D="$B/data/fleet-n$N"
W=$(mktemp -d /tmp/netdiag-fleetbench.XXXXXX)
SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

# two real agent lines: a healthy node root and one with 3 leaked entries
mkroot() {
	r=$1
	mkdir -p "$r/etc/cni/net.d" "$r/var/lib/cni/networks/kubenet"
	printf '%s\n' '{"cniVersion": "1.0.0", "name": "kubenet", "plugins": [{"type": "bridge", "bridge": "cbr0", "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.1.0/24"}]]}}]}' \
		> "$r/etc/cni/net.d/10-kubenet.conflist"
}
mkroot "$W/ok"
mkroot "$W/leak"
for i in 2 3 4 5 6; do
	printf 'c%s\r\neth0' "$i" > "$W/leak/var/lib/cni/networks/kubenet/10.244.1.$i"
done
mkdir -p "$W/b/cluster"
printf '%s\n' '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "bench-node"}, "spec": {"podCIDR": "10.244.1.0/24"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "default", "uid": "a"}, "spec": {"nodeName": "bench-node", "containers": [{"name": "c"}]}, "status": {"phase": "Running", "podIP": "10.244.1.2"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "default", "uid": "b"}, "spec": {"nodeName": "bench-node", "containers": [{"name": "c"}]}, "status": {"phase": "Running", "podIP": "10.244.1.3"}}]}' \
	> "$W/b/cluster/x.json"
: > "$W/rules"
"$ND" agent --node-root "$W/ok" --node bench-node --snapshot "$W/b" --iptables-save "$W/rules" -o json > "$W/healthy.line" || true
"$ND" agent --node-root "$W/leak" --node bench-node --snapshot "$W/b" --iptables-save "$W/rules" -o json > "$W/leaky.line" || true
if ! [ -d "$D/logs" ]; then
	rm -rf "$D"
	python3 "$B/fleet_bundle.py" "$D" "$N" "$W/healthy.line" "$W/leaky.line" 10
fi
LINE_B=$(wc -c < "$W/leaky.line")

"$ND" serve --snapshot "$D" --listen 127.0.0.1:0 --write-kubeconfig "$W/kc" > "$W/url" 2> "$W/serve.err" &
SPID=$!
i=0
while [ $i -lt 600 ] && ! [ -s "$W/url" ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$W/url" ] || { echo "serve did not start: $(head -c 200 "$W/serve.err")" >&2; exit 1; }

t0=$(date +%s%N)
/usr/bin/time -v -o "$W/report.time" "$ND" fleet report --kubeconfig "$W/kc" --timeout 10m -v -o json \
	> "$W/report.json" 2> "$W/report.err" || true
t1=$(date +%s%N)
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$W/report.time")
reqs=$(sed -n 's/.*: \([0-9]*\) log requests, \([0-9]*\) retries.*/\1 log requests, \2 retries/p' "$W/report.err")
leaky=$(jq '[.findings[] | select(.code == "ipam-leak")] | length' "$W/report.json")
reported=$(jq '.verdict.reported' "$W/report.json")
printf '%-44s %10s %10s  %s\n' "fleet report, $N agents (over serve)" "$wall" "$rss" \
	"$reqs + 1 list per kind; $reported reported, $leaky leaking; line $LINE_B B"
SRSS=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SPID/status")
printf '%-44s %10s %10s  %s\n' "netdiag serve: peak after fleet report" "-" "$SRSS" "the server, not counted above"

if command -v kubectl >/dev/null 2>&1; then
	t0=$(date +%s%N)
	i=0
	while [ $i -lt "$K" ]; do
		kubectl --kubeconfig "$W/kc" --cache-dir "$W/kcache" -n netdiag logs \
			"netdiag-agent-$(printf '%05x' $i)" --tail=1 > /dev/null
		i=$((i + 1))
	done
	t1=$(date +%s%N)
	per=$(awk -v a="$t0" -v b="$t1" -v k="$K" 'BEGIN { printf "%.3f", (b - a) / 1e9 / k }')
	printf '%-44s %10s %10s  %s\n' "kubectl logs, one agent at a time" \
		"$(awk -v p="$per" -v n="$N" 'BEGIN { printf "%.1f", p * n }')" "-" \
		"$K measured ($per s each), scaled to $N; no merge, no analysis"
fi
