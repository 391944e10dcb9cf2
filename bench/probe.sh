#!/bin/sh
# bench/probe.sh NETDIAG N DIR: the live endpoint probes at N endpoints on
# loopback-class latency, run by bench/run.sh inside a fresh network namespace
# (unshare -n: all of 127.0.0.0/8 is local there and nobody else's traffic
# shares it). Prints "key value" lines:
#   engine: bench/probebench N (nd_fan_run against one blocking connect at a
#           time, the baseline), see probebench.c
#   e2e:    `netdiag --snapshot DIR service bench/big --probe` on a bundle of N
#           ready endpoints 127.0.a.b:PORT (one listener on the wildcard address
#           serves them all), against the same command without --probe
# Exit 1 when the probes do not all answer.
set -eu
ND=$1 N=$2 D=$3
B=$(cd "$(dirname "$0")" && pwd)
ip link set lo up
"$B/probebench" "$N"
PORT=18080
python3 "$B/probe_bundle.py" bundle "$D" "$N" "$PORT"
python3 "$B/probe_bundle.py" listen "$PORT" > "$D/listen.out" 2>&1 &
LPID=$!
trap 'kill $LPID 2>/dev/null; wait $LPID 2>/dev/null || true' EXIT INT TERM
i=0
while ! grep -q listening "$D/listen.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ms() { date +%s%N; }
t0=$(ms)
"$ND" --snapshot "$D" service bench/big -o json > "$D/noprobe.json" || [ $? = 1 ]
t1=$(ms)
"$ND" --snapshot "$D" --timeout 60s service bench/big --probe -o json > "$D/probe.json" || [ $? = 1 ]
t2=$(ms)
echo "e2e_noprobe_ms $(( (t1 - t0) / 1000000 ))"
echo "e2e_probe_ms $(( (t2 - t1) / 1000000 ))"
reason=$(sed -n 's/.*"id": "endpoint-probe".*"reason": "\([^"]*\)".*/\1/p' "$D/probe.json")
echo "e2e_reason $reason"
case $reason in
"$N of $N endpoints"*) ;;
*) echo "probe.sh: not every endpoint answered: $reason" >&2; exit 1 ;;
esac
