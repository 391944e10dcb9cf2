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
#   BENCH_SKIP_LIVE=1   do not serve the bundle and compare live netdiag with kubectl
#   BENCH_KUBECTL_TIMEOUT  seconds kubectl may take before it is stopped (1800)
#   BENCH_SKIP_NETPOL=1 do not run the NetworkPolicy benchmarks
#   BENCH_NP_NODES / BENCH_NP_PODS / BENCH_NP_SERVICES / BENCH_NP_POLICIES
#                       the policy matrix bundle (167 / 5000 / 334 / 500)
#   BENCH_CR_POLICIES   policies added to the big bundle for one can-reach (5000)
#   BENCH_SKIP_PROBE=1  do not run the live endpoint probe benchmark
#   BENCH_SKIP_SCAN=1   do not time the decoder alone (bench/jsonscan) per scanner set and simdjson
#   BENCH_PROBE_ENDPOINTS  endpoints it probes (10000)
#   BENCH_SKIP_FLEET=1  do not run the fleet report benchmark (bench/fleet.sh)
#   BENCH_FLEET_NODES   agent pods whose logs serve replays (5000)
#   BENCH_SKIP_WRK=1    do not load serve with wrk (bench/wrk.sh: pool vs thread per connection)
#   BENCH_WRK_SECS      seconds per wrk run (10)
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
PKGS="build-essential pkg-config time jq hyperfine wrk curl libyajl-dev libcjson-dev libjansson-dev libjson-c-dev libsimdjson-dev"
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
JSONSCAN=""
if [ "${BENCH_SKIP_SCAN:-0}" != 1 ] &&
   make -s -C "$B" jsonscan ND_O="$(dirname "$(readlink -f "$NETDIAG")")" >&2 2>/dev/null; then
	JSONSCAN="$B/jsonscan"
fi
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
# the same cluster as kubectl prints it by default (no managedFields)
DATA_KD="$DATA-kd"
if [ -f "$DATA_KD/.params" ] && [ "$(cat "$DATA_KD/.params")" = "$PARAMS kd" ]; then
	say "reusing $DATA_KD"
else
	rm -rf "$DATA_KD"
	mkdir -p "$DATA_KD"
	say "generating $DATA_KD (kubectl default: no managedFields)"
	"$B/gen" -o "$DATA_KD" --nodes "$NODES" --pods "$PODS" --services "$SVCS" --seed "$SEED" --nodes-dir \
		--no-managed-fields -q
	printf '%s\n' "$PARAMS kd" > "$DATA_KD/.params"
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

# (b2) the kubectl-default bundle: its own plain read, then netdiag
warm_kd() { cat "$DATA_KD"/cluster/*.json > /dev/null; }
walls="" i=1
while [ "$i" -le "$REPEAT" ]; do
	warm_kd
	measure "cat-kd.$i" sh -c 'exec cat "$1"/cluster/*.json > /dev/null' sh "$DATA_KD"
	walls="$walls $WALL"
	i=$((i + 1))
done
# shellcheck disable=SC2086
READ_KD_S=$(printf '%s\n' $walls | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
row "plain read, kubectl default (no managedFields)" "$READ_KD_S" "$RSS" "exit $RC"
NDK_S="" NDK_MB=""
if [ -n "$ND_S" ]; then
	walls="" maxrss=0 i=1
	while [ "$i" -le "$REPEAT" ]; do
		warm_kd
		measure "netdiag-kd.$i" sh -c 'ulimit -v "$1" && exec "$2" diagnose --snapshot "$3" -o json > /dev/null' \
			sh "$MEM_LIMIT_KB" "$NETDIAG" "$DATA_KD"
		walls="$walls $WALL"
		maxrss=$(awk -v a="$maxrss" -v b="$RSS" 'BEGIN { print (b > a) ? b : a }')
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	NDK_S=$(printf '%s\n' $walls | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	NDK_MB=$maxrss
	row "netdiag diagnose --snapshot, kubectl default" "$NDK_S" "$NDK_MB" "exit $RC (0/1 = ran)"
fi

# (b3) the per-phase split (NETDIAG_PHASES=1), one run per input
PHASES=""
if [ -n "$ND_S" ]; then
	for kind in mf kd; do
		d=$DATA
		[ "$kind" = kd ] && d=$DATA_KD
		cat "$d"/cluster/*.json > /dev/null
		NETDIAG_PHASES=1 "$NETDIAG" diagnose --snapshot "$d" -o json > /dev/null 2> "$LOG/phases-$kind.txt" || true
		PHASES="$PHASES
  $([ "$kind" = kd ] && echo "kubectl default" || echo "with managedFields"): $(sed -n 's/^netdiag phases: //p' "$LOG/phases-$kind.txt")
$(grep -E '^  (read|scan\+decode|model|load span|checks|output|total|phase) ' "$LOG/phases-$kind.txt")"
	done
fi

# (b4) the decoder alone on pods.json, single thread, per scanner set, and simdjson
SCAN=""
if [ -n "$JSONSCAN" ]; then
	for kind in mf kd; do
		f=$PODS_JSON
		[ "$kind" = kd ] && f=$DATA_KD/cluster/pods.json
		for lv in read portable sse2 sse4.2 avx2 simdjson-ondemand simdjson-dom; do
			o=$("$JSONSCAN" "$lv" "$f" "$REPEAT" 2>&1 | tail -1) || true
			SCAN="$SCAN
  $kind $o"
		done
	done
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

# (f) live: netdiag serve on the bundle, then live netdiag and kubectl against it
SERVE_PID=""
serve_cpu() {
	# utime + stime of serve in clock ticks (fields 14 and 15 of /proc/PID/stat,
	# counted after the ") " that ends the command name)
	sed 's/.*) //' "/proc/$SERVE_PID/stat" 2>/dev/null | awk '{ print $12 + $13 }'
}

stop_serve() {
	if [ -n "$SERVE_PID" ]; then
		kill "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
		SERVE_PID=""
	fi
}
trap stop_serve EXIT
trap 'stop_serve; exit 130' INT TERM
LV_S="" LV_MB="" LV_SERVE_S="" KC_S="" KC_MB="" KC_NOTE="" LV_NOTE=""
KC_TIMEOUT=${BENCH_KUBECTL_TIMEOUT:-1800}
if [ "${BENCH_SKIP_LIVE:-0}" != 1 ]; then
	if [ -z "$ND_S" ]; then
		LV_NOTE="skipped: netdiag did not run on the snapshot"
	elif ! command -v kubectl >/dev/null 2>&1; then
		LV_NOTE="skipped: kubectl is not installed"
	else
		SKC="$LOG/serve.kubeconfig"
		rm -f "$SKC" "$LOG/serve.url"
		say "starting netdiag serve on $DATA (indexing takes a while)"
		t0=$(date +%s%N)
		"$NETDIAG" serve --snapshot "$DATA" --listen 127.0.0.1:0 --write-kubeconfig "$SKC" \
			> "$LOG/serve.url" 2> "$LOG/serve.err" &
		SERVE_PID=$!
		i=0
		while [ ! -s "$LOG/serve.url" ] && kill -0 "$SERVE_PID" 2>/dev/null && [ $i -lt 6000 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		SERVE_READY=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
		if [ ! -s "$LOG/serve.url" ] || [ ! -s "$SKC" ]; then
			LV_NOTE="serve did not start: $(head -c 160 "$LOG/serve.err" | tr '\n' ' ')"
			stop_serve
		else
			SERVE_RSS=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVE_PID/status")
			row "netdiag serve: ready (index + spool)" "$SERVE_READY" "$SERVE_RSS" \
				"$(head -n 1 "$LOG/serve.url"); $(sed -n 's/.*(\(spool [^,]*\),.*/\1/p' "$LOG/serve.err")"
			# serve's own CPU over the live runs (utime + stime, /proc/PID/stat),
			# per run: issue 16 compares live with offline plus this
			cpu0=$(serve_cpu)
			repeat_measure live sh -c 'ulimit -v "$1" && exec "$2" --kubeconfig "$3" diagnose -o json > /dev/null' \
				sh "$MEM_LIMIT_KB" "$NETDIAG" "$SKC"
			LV_SERVE_S=$(awk -v a="$cpu0" -v b="$(serve_cpu)" -v n="$REPEAT" -v hz="$(getconf CLK_TCK)" \
				'BEGIN { printf "%.3f", (b - a) / hz / n }')
			if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then
				LV_S=$WALL LV_MB=$RSS
				row "netdiag live diagnose -o json (over serve)" "$LV_S" "$LV_MB" "exit $RC (0/1 = ran)"
				row "netdiag serve: CPU s per live run" "$LV_SERVE_S" "-" "utime + stime of serve over the $REPEAT runs, / $REPEAT"
			else
				LV_NOTE="live netdiag failed ($RC), see $LOG/live.1.time"
				row "netdiag live diagnose -o json (over serve)" "-" "-" "$LV_NOTE"
			fi
			# kubectl keeps the whole list in memory before it prints: guard it
			# with the same ulimit -v and a timeout, and record what happened
			measure kubectl sh -c 'ulimit -v "$1" && exec timeout "$2" kubectl --kubeconfig "$3" get pods -A -o json > /dev/null' \
				sh "$MEM_LIMIT_KB" "$KC_TIMEOUT" "$SKC" 2> "$LOG/kubectl.err" || true
			if [ "$RC" = 0 ]; then
				KC_S=$WALL KC_MB=$RSS
				row "kubectl get pods -A -o json (over serve)" "$KC_S" "$KC_MB" "exit 0; $(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p')"
			else
				case $RC in
				124) KC_NOTE="stopped after the ${KC_TIMEOUT} s timeout" ;;
				*) KC_NOTE="failed ($RC, ulimit -v $((MEM_LIMIT_KB / 1024)) MiB): $({ grep -m 1 -E '^(fatal error|error|Error)|out of memory' "$LOG/kubectl.err" || head -c 120 "$LOG/kubectl.err"; } | tr '\n' ' ')" ;;
				esac
				row "kubectl get pods -A -o json (over serve)" "$WALL" "$RSS" "$KC_NOTE"
				KC_PART_S=$WALL KC_PART_MB=$RSS
			fi
			SERVE_RSS=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVE_PID/status")
			row "netdiag serve: peak after both clients" "-" "$SERVE_RSS" "the server, not counted above"
			stop_serve
		fi
	fi
	[ -n "$LV_NOTE" ] && [ -z "$LV_S" ] && say "live: $LV_NOTE"
fi

# (g) NetworkPolicy engine: the full matrix of a 5000-pod cluster with 500
# policies (bench/npbench on netdiag's library), and one can-reach question
# on the big bundle with policies added
NP_NOTE="" NPM_S="" CR_S=""
if [ "${BENCH_SKIP_NETPOL:-0}" != 1 ]; then
	NPN=${BENCH_NP_NODES:-167} NPP=${BENCH_NP_PODS:-5000} NPS=${BENCH_NP_SERVICES:-334}
	NPK=${BENCH_NP_POLICIES:-500} CRK=${BENCH_CR_POLICIES:-5000}
	ND_O=${BENCH_ND_O:-$(dirname "$(readlink -f "$NETDIAG")")}
	NPDATA="$B/data/np-n$NPN-p$NPP-s$NPS-k$NPK-seed$SEED"
	NPPARAMS="nodes=$NPN pods=$NPP services=$NPS policies=$NPK seed=$SEED gen=$(cat "$B"/gen*.[ch] | cksum | cut -d' ' -f1)"
	if [ -f "$NPDATA/.params" ] && [ "$(cat "$NPDATA/.params")" = "$NPPARAMS" ]; then
		say "reusing $NPDATA"
	else
		rm -rf "$NPDATA"
		mkdir -p "$NPDATA"
		"$B/gen" -q -o "$NPDATA" --nodes "$NPN" --pods "$NPP" --services "$NPS" --policies "$NPK" --seed "$SEED"
		printf '%s\n' "$NPPARAMS" > "$NPDATA/.params"
	fi
	if [ ! -f "$ND_O/libnetdiag.a" ]; then
		NP_NOTE="pending: $ND_O/libnetdiag.a missing (run make)"
	elif ! make -s -C "$B" npbench ND_O="$ND_O" >&2; then
		NP_NOTE="npbench did not build against $ND_O/libnetdiag.a"
	fi
	if [ -z "$NP_NOTE" ]; then
		measure npbench "$B/npbench" "$NPDATA" 80/TCP > "$LOG/npbench.out" 2>&1 || true
		v() { sed -n "s/^$1 //p" "$LOG/npbench.out"; }
		if [ "$RC" = 0 ]; then
			NPM_S=$WALL NPM_MB=$RSS
			row "npbench: load $NPP pods, $NPK policies + matrix" "$NPM_S" "$NPM_MB" \
				"load $(v load_ms) ms"
			row "  of which nd_np_matrix on 80/TCP" "$(awk -v m="$(v matrix_ms)" 'BEGIN { printf "%.3f", m / 1000 }')" "-" \
				"$(v matrix_pods) pods, $(v classes) classes, $(v allowed)/$(v cells) allowed, $(v refined_pairs) pairs refined"
			row "  matrix cells checked by nd_np_evaluate" "-" "-" "$(v checked_cells) random cells, $(v mismatches) mismatches"
		else
			row "npbench: $NPP pods, $NPK policies" "$WALL" "$RSS" "failed ($RC): $(tail -c 120 "$LOG/npbench.out" | tr '\n' ' ')"
		fi
		# one question on the big bundle: its cluster files linked, plus policies
		CRDATA="$DATA-k$CRK"
		rm -rf "$CRDATA"
		mkdir -p "$CRDATA/cluster"
		for f in "$DATA"/cluster/*.json; do ln -s "$f" "$CRDATA/cluster/"; done
		"$B/gen" -q -o "$CRDATA" --nodes "$NODES" --pods "$PODS" --services "$SVCS" --seed "$SEED" \
			--policies "$CRK" --policies-only
		# two Running, non-hostNetwork app pods in different namespaces, the first in pods.json
		PAIR=$(awk '
			/^                "name": "/ { split($0, a, "\""); name = a[4]; hn = 0; next }
			/^                "namespace": "/ { split($0, a, "\""); ns = a[4]; next }
			/^                "hostNetwork": true/ { hn = 1; next }
			/^                "phase": "Running"/ {
				if (hn || ns ~ /^kube-/ || ns == "default") next
				if (!src) { src = ns "/" name; sns = ns; next }
				if (ns != sns) { print src, ns "/" name; exit }
			}' "$PODS_JSON")
		# shellcheck disable=SC2086  # two words, split on purpose
		set -- $PAIR
		if [ $# -eq 2 ]; then
			warm
			measure canreach sh -c 'ulimit -v "$1" && exec "$2" --snapshot "$3" can-reach "$4" "$5:80" -o json > "$6"' \
				sh "$MEM_LIMIT_KB" "$NETDIAG" "$CRDATA" "$1" "$2" "$LOG/canreach.json"
			if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then
				CR_S=$WALL CR_MB=$RSS
				row "netdiag can-reach (bundle + $CRK policies)" "$CR_S" "$CR_MB" \
					"$1 -> $2:80 allowed=$(sed -n 's/.*"allowed": *\(true\|false\).*/\1/p' "$LOG/canreach.json" | head -n 1)"
			else
				row "netdiag can-reach (bundle + $CRK policies)" "$WALL" "$RSS" "failed ($RC)"
			fi
			measure npbench-pair "$B/npbench" "$CRDATA" 80/TCP --no-matrix --pair "$1" "$2" \
				> "$LOG/npbench-pair.out" 2>&1 || true
			if [ "$RC" = 0 ]; then
				row "  npbench: the same question, engine only" "-" "$RSS" \
					"question $(sed -n 's/^pair_ms //p' "$LOG/npbench-pair.out") ms; load $(sed -n 's/^load_ms //p' "$LOG/npbench-pair.out") ms, index $(sed -n 's/^engine_ms //p' "$LOG/npbench-pair.out") ms"
			fi
		else
			row "netdiag can-reach (bundle + policies)" "-" "-" "no two Running pods found in $PODS_JSON"
		fi
	else
		row "NetworkPolicy benchmarks" "-" "-" "$NP_NOTE"
	fi
fi

# (h) the live endpoint probes (issue 12): N endpoints on loopback-class
# latency, in a fresh network namespace (bench/probe.sh): the engine against
# one blocking connect at a time, and `service --probe` against the same
# command without --probe
PB_NOTE="" PB_E2E_S="" PB_ENG_S="" PB_SER_S=""
if [ "${BENCH_SKIP_PROBE:-0}" != 1 ]; then
	PBN=${BENCH_PROBE_ENDPOINTS:-10000}
	ND_O=${BENCH_ND_O:-$(dirname "$(readlink -f "$NETDIAG")")}
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
		PB_NOTE="skipped: needs root, unshare and python3 (a fresh network namespace)"
	elif [ ! -f "$ND_O/libnetdiag.a" ]; then
		PB_NOTE="pending: $ND_O/libnetdiag.a missing (run make)"
	elif ! make -s -C "$B" probebench ND_O="$ND_O" >&2; then
		PB_NOTE="probebench did not build against $ND_O/libnetdiag.a"
	fi
	if [ -z "$PB_NOTE" ]; then
		PBD="$B/data/probe-$PBN"
		rm -rf "$PBD"
		mkdir -p "$PBD"
		measure probe unshare -n sh "$B/probe.sh" "$(readlink -f "$NETDIAG")" "$PBN" "$PBD" \
			> "$LOG/probe.out" 2>&1 || true
		pv() { sed -n "s/^$1 //p" "$LOG/probe.out"; }
		s_of() { awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }'; }
		if [ "$RC" = 0 ]; then
			PB_ENG_S=$(s_of "$(pv engine_ms)") PB_SER_S=$(s_of "$(pv serial_ms)")
			PB_E2E_S=$(s_of "$(pv e2e_probe_ms)")
			row "probe engine: $PBN endpoints (nd_fan_run)" "$PB_ENG_S" "-" \
				"$(pv concurrency) at once; all $PBN refused: $(s_of "$(pv refused_ms)") s"
			row "  baseline: one blocking connect at a time" "$PB_SER_S" "-" "$(pv serial_ok) connected"
			row "netdiag service --probe, $PBN endpoints" "$PB_E2E_S" "-" \
				"without --probe $(s_of "$(pv e2e_noprobe_ms)") s; $(pv e2e_reason | cut -c1-60)"
		else
			PB_NOTE="failed ($RC): $(tail -c 160 "$LOG/probe.out" | tr '\n' ' ')"
			row "live endpoint probes" "$WALL" "$RSS" "$PB_NOTE"
		fi
	else
		row "live endpoint probes" "-" "-" "$PB_NOTE"
	fi
fi

# (e) optional: hyperfine's mean and spread for the two fast commands
HF=""
if [ "${BENCH_HYPERFINE:-0}" = 1 ] && command -v hyperfine >/dev/null 2>&1; then
	set -- "cat $DATA/cluster/*.json > /dev/null"
	[ -n "$ND_S" ] && set -- "$@" "$NETDIAG diagnose --snapshot $DATA -o json > /dev/null"
	HF=$(hyperfine --style basic --warmup 1 --runs "$REPEAT" -i "$@" 2>&1 || true)
fi

# (i) fleet report: N agent pods' logs replayed by serve (bench/fleet.sh)
FLEET=""
if [ "${BENCH_SKIP_FLEET:-0}" != 1 ]; then
	say "fleet report over ${BENCH_FLEET_NODES:-5000} agent logs"
	FLEET=$(sh "$B/fleet.sh" "$NETDIAG" 2> "$LOG/fleet.err") ||
		FLEET="fleet benchmark failed: $(head -c 200 "$LOG/fleet.err" | tr '\n' ' ')"
fi

# (j) serve under load: wrk over HTTPS with the token, both connection models (bench/wrk.sh)
WRK=""
if [ "${BENCH_SKIP_WRK:-0}" != 1 ]; then
	say "wrk against serve on $DATA, ${BENCH_WRK_SECS:-10} s per run"
	WRK=$(sh "$B/wrk.sh" "$NETDIAG" "$DATA" 2> "$LOG/wrk.err") ||
		WRK="wrk benchmark failed: $(head -c 200 "$LOG/wrk.err" | tr '\n' ' ')"
fi

# ---- report ---------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
verdict() {
	[ "$1" = "-" ] && { echo "n/a"; return; }
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		ok = (op == "<=") ? v <= t : (op == ">=") ? v >= t : (op == ">") ? v > t : v < t
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
	echo "runs:    plain read, netdiag, live netdiag: median of $REPEAT after a warm-up read; jq, kubectl, npbench, can-reach once"
	echo
	printf '%-44s %10s %10s  %s\n' "measurement" "wall s" "peak MB" "note"
	printf '%s' "$ROWS"
	if [ -n "$PHASES" ]; then
		echo
		echo "per-phase split (NETDIAG_PHASES=1, one run each; cpu = summed over both threads)"
		printf '%s\n' "$PHASES"
	fi
	if [ -n "$SCAN" ]; then
		echo
		echo "decoder alone on pods.json (bench/jsonscan, single thread, best of $REPEAT; simdjson loads the whole file)"
		printf '%s\n' "$SCAN"
	fi
	echo
	echo "targets"
	if [ -n "$NDK_S" ]; then
		r6=$(ratio "$NDK_S" "$READ_KD_S")
		r7=$(ratio "$ND_S" "$READ_S")
		printf '  %-36s %8sx  target <= 4x    %s\n' "netdiag / plain read, kubectl default" "$r6" "$(verdict "$r6" "<=" 4)"
		printf '  %-36s %8sx  target <= 3x    %s\n' "netdiag / plain read, managedFields" "$r7" "$(verdict "$r7" "<=" 3)"
		[ -n "$JQ_S" ] && { r8=$(ratio "$JQ_S" "$NDK_S"); printf '  %-36s %8sx  target >= 50x   %s (jq on the managedFields pods.json)\n' "jq / netdiag kubectl default" "$r8" "$(verdict "$r8" ">=" 50)"; }
		printf '  %-36s %7s MB target < 300 MB %s\n' "netdiag peak RSS, kubectl default" "$NDK_MB" "$(verdict "$NDK_MB" "<" 300)"
	fi
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
	if [ -n "$LV_S" ] && [ -n "$ND_S" ] && [ -n "$LV_SERVE_S" ]; then
		# issue 16: live within 2x of the offline time plus serve's own time
		lim=$(awk -v o="$ND_S" -v c="$LV_SERVE_S" 'BEGIN { printf "%.3f", 2 * o + c }')
		printf '  %-36s %7s s  target <= %s s %s (2 x offline %s s + serve %s s)\n' \
			"live netdiag over serve, wall" "$LV_S" "$lim" "$(verdict "$LV_S" "<=" "$lim")" \
			"$ND_S" "$LV_SERVE_S"
	fi
	if [ -n "$LV_S" ] && [ -n "$KC_S" ]; then
		r3=$(ratio "$KC_S" "$LV_S")
		r4=$(ratio "$KC_MB" "$LV_MB")
		printf '  %-36s %8sx  target > 1x     %s\n' "kubectl / live netdiag, wall" "$r3" "$(verdict "$r3" ">" 1)"
		printf '  %-36s %8sx  target > 5x     %s\n' "kubectl / live netdiag, peak RSS" "$r4" "$(verdict "$r4" ">" 5)"
	elif [ -n "$LV_S" ] && [ -n "$KC_NOTE" ]; then
		# kubectl stopped early: what it used until then is a lower bound
		r3=$(ratio "$KC_PART_S" "$LV_S")
		r4=$(ratio "$KC_PART_MB" "$LV_MB")
		printf '  %-36s %7sx  target > 1x     %s (kubectl did not finish: a lower bound)\n' "kubectl / live netdiag, wall" ">=$r3" "$(verdict "$r3" ">" 1)"
		printf '  %-36s %7sx  target > 5x     %s (kubectl did not finish: a lower bound)\n' "kubectl / live netdiag, peak RSS" ">=$r4" "$(verdict "$r4" ">" 5)"
	elif [ -n "$LV_NOTE" ]; then
		echo "  live: $LV_NOTE"
	fi
	if [ -n "$PB_E2E_S" ]; then
		r5=$(ratio "$PB_ENG_S" "$PB_SER_S")
		printf '  %-36s %8sx  target <= 2x    %s\n' "probe engine / serial connect" "$r5" "$(verdict "$r5" "<=" 2)"
		printf '  %-36s %8s s  target < 2 s    %s\n' "service --probe, $PBN endpoints" "$PB_E2E_S" "$(verdict "$PB_E2E_S" "<" 2)"
	elif [ -n "$PB_NOTE" ]; then
		echo "  probes: $PB_NOTE"
	fi
	if [ -n "$FLEET" ]; then
		echo
		echo "fleet (bench/fleet.sh)"
		printf '%s\n' "$FLEET"
	fi
	if [ -n "$WRK" ]; then
		echo
		echo "serve under load (bench/wrk.sh: wrk $(pkgver wrk), HTTPS + bearer token, ${BENCH_WRK_SECS:-10} s per run)"
		printf '%s\n' "$WRK"
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
