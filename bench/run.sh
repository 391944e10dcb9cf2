#!/bin/sh
# bench/run.sh — netdiag on a synthetic large-cluster bundle, against a plain
# read of the same files and against the guide's jq pipeline.
# Invoked by `make bench` from the repo root (after `make netdiag`).
#
# Environment:
#   BENCH_NODES / BENCH_PODS / BENCH_SERVICES   bundle size (5000 / 150000 / 10000)
#   BENCH_SEED          generator seed (1)
#   BENCH_REPEAT        runs of plain read and netdiag; the median is reported (3)
#   BENCH_MEM_LIMIT_KB  ulimit -v (KiB) for netdiag, jq and the JSON libraries (20 GiB);
#                       a run that needs more fails, and that failure is the result
#   BENCH_SKIP_JQ=1     do not run the jq pipeline
#   BENCH_LIBS=1        also time yajl, cJSON, jansson, json-c on pods.json
#   BENCH_HYPERFINE=1   also run hyperfine on plain read and netdiag
#   NETDIAG             the binary to measure (./netdiag)
# Results: a table on stdout, the same in bench/results-<date>.txt.
# shellcheck disable=SC2016  # sh -c scripts take their arguments as $1..
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
B="$ROOT/bench"
NODES=${BENCH_NODES:-5000}
PODS=${BENCH_PODS:-150000}
SVCS=${BENCH_SERVICES:-10000}
SEED=${BENCH_SEED:-1}
REPEAT=${BENCH_REPEAT:-3}
MEM_LIMIT_KB=${BENCH_MEM_LIMIT_KB:-20971520}
NETDIAG=${NETDIAG:-./netdiag}
LIBS=${BENCH_LIBS:-0}

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- packages only the benchmark needs ------------------------------------
PKGS="build-essential pkg-config time jq hyperfine libyajl-dev libcjson-dev libjansson-dev libjson-c-dev"
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		die "missing packages:$missing; run as root or: sudo apt-get install$missing"
	fi
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
fi
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required"

make -s -C "$B" gen >&2
[ "$LIBS" = 1 ] && make -s -C "$B" jsonlibs >&2

# ---- the bundle: reuse it when size, seed and generator are unchanged -----
DATA="$B/data/n$NODES-p$PODS-s$SVCS-seed$SEED"
PARAMS="nodes=$NODES pods=$PODS services=$SVCS seed=$SEED gen=$(cat "$B"/gen*.[ch] | cksum | cut -d' ' -f1)"
if [ -f "$DATA/.params" ] && [ "$(cat "$DATA/.params")" = "$PARAMS" ]; then
	say "reusing $DATA"
else
	rm -rf "$DATA"
	mkdir -p "$DATA"
	need_kb=$((PODS * 28 + 200000))
	avail_kb=$(df -Pk "$DATA" | awk 'NR==2 {print $4}')
	[ "$avail_kb" -gt "$need_kb" ] || die "need about $((need_kb / 1024)) MB free under $B/data, have $((avail_kb / 1024)) MB"
	say "generating $DATA (about $((PODS * 26 / 1024)) MB)"
	"$B/gen" -o "$DATA" --nodes "$NODES" --pods "$PODS" --services "$SVCS" --seed "$SEED" --nodes-dir
	printf '%s\n' "$PARAMS" > "$DATA/.params"
fi
PODS_JSON="$DATA/cluster/pods.json"
LOG="$DATA/logs"
mkdir -p "$LOG"

# ---- measuring ------------------------------------------------------------
warm() { cat "$DATA"/cluster/*.json > /dev/null; }

# measure NAME CMD...: runs CMD under GNU time -v; sets WALL (s), RSS (MB), RC.
# RSS is time's "Maximum resident set size": for sh -c it is the largest of
# the shell and the children it waited for (wait4 rusage).
measure() {
	name=$1
	shift
	set +e
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$LOG/$name.time" "$@"
	RC=$?
	t1=$(date +%s%N)
	set -e
	# GNU time prints 1/100 s; the same interval from date(1) has ns resolution
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$LOG/$name.time")
	if grep -q 'Command terminated by signal' "$LOG/$name.time"; then
		RC="signal $(sed -n 's/.*Command terminated by signal //p' "$LOG/$name.time")"
	fi
}

# repeat NAME CMD...: REPEAT runs after a warm-up read; median wall, max RSS
repeat_measure() {
	rname=$1   # sh has no locals: measure() sets $name
	shift
	walls="" maxrss=0 rc=0
	i=1
	while [ "$i" -le "$REPEAT" ]; do
		warm
		measure "$rname.$i" "$@"
		[ "$RC" = 0 ] || [ "$RC" = 1 ] || rc=$RC
		walls="$walls $WALL"
		maxrss=$(awk -v a="$maxrss" -v b="$RSS" 'BEGIN { print (b > a) ? b : a }')
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	WALL=$(printf '%s\n' $walls | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	RSS=$maxrss
	[ "$rc" = 0 ] || RC=$rc
}

ROWS=""
row() { ROWS="$ROWS$(printf '%-44s %10s %10s  %s' "$1" "$2" "$3" "$4")
"; }

# (a) plain read of the bundle
repeat_measure cat sh -c 'exec cat "$1"/cluster/*.json > /dev/null' sh "$DATA"
READ_S=$WALL READ_MB=$RSS
row "plain read: cat cluster/*.json" "$READ_S" "$READ_MB" "exit $RC"

# (b) netdiag
ND_S="" ND_MB="" ND_NOTE=""
if [ -x "$NETDIAG" ] && "$NETDIAG" --version >/dev/null 2>&1; then
	repeat_measure netdiag sh -c 'ulimit -v "$1" && exec "$2" diagnose --snapshot "$3" -o json > /dev/null' \
		sh "$MEM_LIMIT_KB" "$NETDIAG" "$DATA"
	if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then
		ND_S=$WALL ND_MB=$RSS
		row "netdiag diagnose --snapshot -o json" "$ND_S" "$ND_MB" "exit $RC (0/1 = ran)"
	else
		ND_NOTE="netdiag failed ($RC), see $LOG/netdiag.1.time"
		row "netdiag diagnose --snapshot -o json" "-" "-" "$ND_NOTE"
	fi
else
	ND_NOTE="pending: $NETDIAG not built or not working; run make bench"
	row "netdiag diagnose --snapshot -o json" "-" "-" "$ND_NOTE"
fi

# (c) the guide's pipeline: Running, non-hostNetwork pods per node
JQ_S="" JQ_MB="" JQ_NOTE=""
if [ "${BENCH_SKIP_JQ:-0}" != 1 ]; then
	warm
	rm -f "$LOG/jq.rc" "$DATA/jq-per-node.txt"
	measure jq sh -c 'ulimit -v "$1" && { jq -r '\''.items[] | select(.status.phase=="Running" and (.spec.hostNetwork|not)) | .spec.nodeName'\'' "$2"; echo $? > "$3"; } | sort | uniq -c > "$4"' \
		sh "$MEM_LIMIT_KB" "$PODS_JSON" "$LOG/jq.rc" "$DATA/jq-per-node.txt" 2> "$LOG/jq.err" || true
	jrc=$(cat "$LOG/jq.rc" 2>/dev/null || echo "?")
	if [ "$RC" = 0 ] && [ "$jrc" = 0 ]; then
		JQ_S=$WALL JQ_MB=$RSS
		counted=$(awk '{ n++; s += $1 } END { printf "%d nodes, %d pods", n, s }' "$DATA/jq-per-node.txt")
		row "jq pipeline (Running non-hostNet per node)" "$JQ_S" "$JQ_MB" "ok: $counted"
	else
		JQ_NOTE="jq failed after $WALL s (jq exit $jrc, limit $((MEM_LIMIT_KB / 1024)) MiB): $(head -c 120 "$LOG/jq.err" | tr '\n' ' ')"
		row "jq pipeline (Running non-hostNet per node)" "$WALL" "$RSS" "$JQ_NOTE"
	fi
fi

# (d) optional: JSON libraries, each in its own process
if [ "$LIBS" = 1 ]; then
	for m in read yajl cjson jansson jsonc; do
		warm
		measure "lib-$m" sh -c 'ulimit -v "$1" && exec "$2" "$3" "$4"' sh "$MEM_LIMIT_KB" "$B/jsonlibs" "$m" "$PODS_JSON" \
			> "$LOG/lib-$m.out" 2>&1 || true
		if [ "$RC" = 0 ]; then
			row "jsonlibs $m pods.json" "$WALL" "$RSS" "$(sed -n 's/.*\(items=[0-9-]*\).*/\1/p' "$LOG/lib-$m.out")"
		else
			row "jsonlibs $m pods.json" "$WALL" "$RSS" "failed ($RC): $(head -c 100 "$LOG/lib-$m.out" | tr '\n' ' ')"
		fi
	done
fi

# (e) optional: hyperfine's mean and spread for the two fast commands
HF=""
if [ "${BENCH_HYPERFINE:-0}" = 1 ] && command -v hyperfine >/dev/null 2>&1; then
	set -- "cat $DATA/cluster/*.json > /dev/null"
	[ -n "$ND_S" ] && set -- "$@" "$NETDIAG diagnose --snapshot $DATA -o json > /dev/null"
	HF=$(hyperfine --style basic --warmup 1 --runs "$REPEAT" -i "$@" 2>&1 || true)
fi

# ---- report ---------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
verdict() {
	[ "$1" = "-" ] && { echo "n/a"; return; }
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		ok = (op == "<=") ? v <= t : (op == ">=") ? v >= t : v < t
		print ok ? "PASS" : "MISS" }'
}
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }

STAMP=$(date +%Y-%m-%d-%H%M%S)
OUT="$B/results-$STAMP.txt"
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)
BYTES=$(cat "$DATA"/cluster/*.json | wc -c)
PBYTES=$(wc -c < "$PODS_JSON")
{
	echo "netdiag benchmark, $STAMP"
	echo "machine: $(nproc) cores, $CPU, $MEM RAM, $(uname -sr)"
	echo "tools:   $(jq --version 2>&1) (jq $(pkgver jq)), GNU time $(pkgver time), $("$NETDIAG" --version 2>/dev/null | head -1 || echo 'netdiag n/a')"
	[ "$LIBS" = 1 ] && echo "libs:    yajl $(pkgver libyajl2), cJSON $(pkgver libcjson1), jansson $(pkgver libjansson4), json-c $(pkgver libjson-c5)"
	echo "bundle:  $DATA"
	echo "         $NODES nodes, $PODS pods, $SVCS services, seed $SEED"
	echo "         cluster/*.json $((BYTES / 1048576)) MiB, pods.json $((PBYTES / 1048576)) MiB"
	echo "runs:    plain read and netdiag: median of $REPEAT after a warm-up read; jq once"
	echo
	printf '%-44s %10s %10s  %s\n' "measurement" "wall s" "peak MB" "note"
	printf '%s' "$ROWS"
	echo
	echo "targets"
	if [ -n "$ND_S" ]; then
		r1=$(ratio "$ND_S" "$READ_S")
		printf '  %-36s %8sx  target <= 6x    %s\n' "netdiag / plain read" "$r1" "$(verdict "$r1" "<=" 6)"
		if [ -n "$JQ_S" ]; then
			r2=$(ratio "$JQ_S" "$ND_S")
			printf '  %-36s %8sx  target >= 20x   %s\n' "jq / netdiag" "$r2" "$(verdict "$r2" ">=" 20)"
		elif [ -n "$JQ_NOTE" ]; then
			printf '  %-36s %9s  target >= 20x   %s\n' "jq / netdiag" "-" "PASS (jq did not finish)"
		fi
		printf '  %-36s %7s MB target < 300 MB %s\n' "netdiag peak RSS" "$ND_MB" "$(verdict "$ND_MB" "<" 300)"
	else
		echo "  netdiag: $ND_NOTE"
	fi
	if [ -n "$HF" ]; then
		echo
		echo "hyperfine"
		printf '%s\n' "$HF"
	fi
	echo
	echo "logs: $LOG (GNU time -v output per run)"
} | tee "$OUT"
say "results written to $OUT"
