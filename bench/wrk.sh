#!/bin/sh
# The serve load benchmark (issue 10): wrk against `netdiag serve` on the
# bench bundle, over HTTPS with the bearer token, in both connection models:
# the thread pool (the default) and one thread per connection (the former
# model, NETDIAG_SERVE_MODEL=thread-per-connection). Per model: one pod by
# name at 32 and 256 connections, and a list of 500 pods at 32.
#   sh bench/wrk.sh NETDIAG DATA     prints one line per run
# BENCH_WRK_SECS: seconds per run (10); BENCH_WRK_THREADS: wrk threads (2).
set -eu
ND=$(readlink -f "$1")
DATA=$2
SECS=${BENCH_WRK_SECS:-10}
WT=${BENCH_WRK_THREADS:-2}
W=$(mktemp -d /tmp/netdiag-wrkbench.XXXXXX)
SPID=""
stop() {
	if [ -n "$SPID" ]; then
		kill "$SPID" 2>/dev/null || true
		wait "$SPID" 2>/dev/null || true
		SPID=""
	fi
}
trap 'stop; rm -rf "$W"' EXIT INT TERM
command -v wrk >/dev/null || { echo "skipped: wrk is not installed"; exit 0; }
command -v curl >/dev/null || { echo "skipped: curl is not installed"; exit 0; }
HOLDER=$(cd "$(dirname "$0")/.." && pwd)/tests/e2e/idle_holder.py
TOKEN=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')

# start MODEL: serve on DATA in that model; sets URL
start() {
	rm -f "$W/url"
	NETDIAG_SERVE_MODEL=$1 "$ND" serve --snapshot "$DATA" --listen 127.0.0.1:0 --token "$TOKEN" \
		> "$W/url" 2> "$W/serve.err" &
	SPID=$!
	i=0
	while [ ! -s "$W/url" ] && kill -0 "$SPID" 2>/dev/null && [ $i -lt 6000 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	URL=$(head -n 1 "$W/url" 2>/dev/null || true)
	[ -n "$URL" ] || { echo "serve did not start: $(head -c 200 "$W/serve.err")"; exit 0; }
}

# run NAME CONNS PATH: one wrk run, one line: name, requests/s, latency p50/p99, errors
run() {
	wrk -t"$WT" -c"$2" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$URL$3" \
		> "$W/wrk.out" 2>&1 || true
	awk -v name="$1" '
		/Requests\/sec:/ { rps = $2 }
		/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/Non-2xx or 3xx/ { bad += $NF }
		/Socket errors:/ { err = $0; sub(/.*Socket errors: /, "", err) }
		END {
			if (rps == "") { print name ": wrk gave no figures"; exit }
			printf "  %-52s %10s req/s  p50 %8s  p99 %8s", name, rps, p50, p99
			if (bad) printf "  non-2xx %d", bad
			if (err != "") printf "  socket errors: %s", err
			printf "\n"
		}' "$W/wrk.out"
}

for model in pool thread-per-connection; do
	start "$model"
	if [ -z "${POD:-}" ]; then
		POD=$(curl -sk -H "Authorization: Bearer $TOKEN" "$URL/api/v1/pods?limit=1" |
			jq -r '.items[0].metadata | "namespaces/\(.namespace)/pods/\(.name)" // empty')
		[ -n "$POD" ] || { echo "skipped: serve lists no pod"; exit 0; }
	fi
	run "GET pods/NAME, 32 conns, $model" 32 "/api/v1/$POD"
	run "GET pods/NAME, 256 conns, $model" 256 "/api/v1/$POD"
	run "GET pods?limit=500, 32 conns, $model" 32 "/api/v1/pods?limit=500"
	if command -v python3 >/dev/null; then
		rm -f "$W/stop" "$W/hold"
		python3 "$HOLDER" --port "${URL##*:}" --src 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 \
			--per 250 --kinds 0,1 --sustain --rate 200 --secs $((SECS + 60)) \
			--status "$W/hold" --stop "$W/stop" 2> "$W/hold.err" &
		HP=$!
		i=0
		while { [ ! -s "$W/hold" ] || [ "$(cut -d' ' -f1 "$W/hold")" -lt 1000 ]; } &&
			kill -0 "$HP" 2>/dev/null && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		run "GET pods/NAME, 32 conns + 1000 idle, $model" 32 "/api/v1/$POD"
		touch "$W/stop"
		wait "$HP" 2>/dev/null || true
	fi
	stop
done
