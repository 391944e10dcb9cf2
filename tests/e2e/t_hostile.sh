#!/bin/sh
# A hostile API server (serve --fault-hostile, on 127.0.0.1, itself bounded:
# 30 s per answer, 100000 answers): whatever it does, `diagnose --timeout 2s`
# ends within 2 s plus a small constant, under 300 MB, exit 3, with a message
# that says what happened (issue 10, item 2). Timings here are ceilings with a
# wide margin (a run that hangs or grows without bound fails), not benchmarks.
. "$TOP/tests/e2e/lib.sh"

PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT INT TERM
B="$TOP/examples/aks-kubenet-broken"
SERVE=${ND_SERVE:-$ND}     # the attacker (a newer serve may attack an older client)

# hostile MODE WANT: serve in MODE, diagnose against it, check exit, time, memory, message
hostile() {
	mode=$1 want=$2
	rm -f "$WORK/$mode.url"
	"$SERVE" serve --snapshot "$B" --write-kubeconfig "$WORK/$mode.kc" --fault-hostile "$mode" \
		> "$WORK/$mode.url" 2> "$WORK/$mode.serve.err" &
	sp=$!
	PIDS="$PIDS $sp"
	i=0
	while [ ! -s "$WORK/$mode.url" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$WORK/$mode.rss" "$ND" --kubeconfig "$WORK/$mode.kc" \
		--timeout 2s diagnose -o json > "$WORK/$mode.json" 2> "$WORK/$mode.err"
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kill "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	kb=$(tail -n 1 "$WORK/$mode.rss")
	if [ $rc -eq 3 ] && [ "$ms" -lt 6000 ] && [ "$kb" -lt 307200 ] &&
	   grep -q -- "$want" "$WORK/$mode.err"; then
		ok "hostile $mode: exit 3 in ${ms} ms, ${kb} KB, says why"
	else
		not_ok "hostile $mode: exit 3 within 2 s + a constant, under 300 MB, says why" \
			"rc=$rc ${ms} ms ${kb} KB: $(grep -v '^Command' "$WORK/$mode.err" | head -3)"
	fi
}

command -v /usr/bin/time >/dev/null 2>&1 || { echo "hostile: skipped (needs /usr/bin/time)" >&2; exit 0; }
hostile endless-list "more than [0-9]* objects in all\|cut after [0-9]* objects .* a list that never ends"
hostile gzip-bomb "inflates more than 200 times.*compression bomb"
# the deadline, or (a faster client) the page limit first: either says why
hostile endless-continue "cut after [0-9]* pages.*continue tokens that never end\|more than [0-9]* pages (continue tokens that never end?)"
hostile repeat-continue "a continue token it gave before.*a loop"
hostile retry-after "429 TooManyRequests from the API server.*wait 86400 s (Retry-After), more than .* left of --timeout"
hostile drip "no complete answer within"
hostile garbage "invalid JSON at byte 0.*application/json, the answer starts"
hostile html "not JSON (text/html; charset=utf-8), it starts '<!DOCTYPE html>"
hostile huge-header "headers are larger than"
check_rc "serve --fault-hostile names its modes" 2 "$SERVE" serve --snapshot "$B" --fault-hostile nosuch
exit 0
