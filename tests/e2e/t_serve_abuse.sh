#!/bin/sh
# serve under connection abuse (issue 10, item 4), everything on loopback:
#  1. 300 idle connections from 127.0.0.1 (half silent, a quarter stopped in
#     the middle of a TLS ClientHello, a quarter with TLS done and no
#     request): a real kubectl still works, and netdiag too;
#  2. more connections than serve's total cap (1150 from 127.0.0.2-6, TLS
#     done, headers that never end, kept up: a new one for each one serve
#     closes): kubectl from 127.0.0.1 still works, because a newcomer evicts
#     a connection that never authenticated and none outlives the 5 s
#     handshake deadline;
#  3. 400 connections from 127.0.0.7, over the per-address cap (256): the
#     surplus is closed at once, long before any deadline.
# The acceptance is "kubectl works" (its own --request-timeout is the only
# clock); the holders are bounded in time and killed by the trap.
. "$TOP/tests/e2e/lib.sh"

if ! command -v kubectl >/dev/null || ! command -v python3 >/dev/null; then
	echo "serve abuse: skipped (needs kubectl, python3)" >&2
	exit 0
fi
PIDS=""
trap 'touch "$WORK/stop" 2>/dev/null; for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
B="$TOP/examples/aks-kubenet-broken"
HOLD="$TOP/tests/e2e/idle_holder.py"

"$ND" serve --snapshot "$B" --write-kubeconfig "$WORK/kc" > "$WORK/url" 2> "$WORK/serve.err" &
SP=$!
PIDS="$PIDS $SP"
i=0
while [ ! -s "$WORK/url" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's|^https://127.0.0.1:\([0-9]*\)$|\1|p' "$WORK/url")
[ -n "$PORT" ] || { not_ok "serve abuse: serve started" "$(cat "$WORK/serve.err")"; exit 0; }

# wait_opened FILE N: until the holder has opened at least N (or 30 s)
wait_opened() {
	_w=0
	while [ $_w -lt 300 ]; do
		[ -s "$1" ] && [ "$(cut -d' ' -f1 "$1")" -ge "$2" ] && return 0
		sleep 0.1
		_w=$((_w + 1))
	done
	return 1
}

# kubectl_works NAME: a real kubectl lists the pods
kubectl_works() {
	_out=$(kubectl --kubeconfig "$WORK/kc" --request-timeout=20s get pods -A --no-headers 2>&1)
	_rc=$?
	if [ $_rc -eq 0 ] && [ "$(printf '%s\n' "$_out" | wc -l)" -ge 50 ]; then
		ok "$1"
	else
		not_ok "$1" "rc=$_rc holder: $(cat "$2" 2>/dev/null) $_out"
	fi
}

# 1. 300 idle connections, half of them in or after a TLS handshake
python3 "$HOLD" --port "$PORT" --src 127.0.0.1 --per 300 --secs 40 \
	--status "$WORK/h1" --stop "$WORK/stop1" 2> "$WORK/h1.err" &
PIDS="$PIDS $!"
if wait_opened "$WORK/h1" 300; then ok "serve abuse: 300 idle connections opened"
else not_ok "serve abuse: 300 idle connections opened" "$(cat "$WORK/h1" "$WORK/h1.err" 2>/dev/null)"; fi
kubectl_works "serve abuse: kubectl works beside 300 idle connections" "$WORK/h1"
check "serve abuse: and live netdiag too" sh -c "'$ND' --kubeconfig '$WORK/kc' --timeout 20s diagnose -o json | jq -e '.source.mode == \"live\"'"
touch "$WORK/stop1"

# 2. over the total cap, kept up: five holders (one per address, in
#    parallel), each connection with TLS done and request headers that never
#    end, a byte every 2 s (a slowloris: the former server kept them for
#    ever, its idle timeout seeing activity)
for a in 2 3 4 5 6; do
	python3 "$HOLD" --port "$PORT" --src "127.0.0.$a" --per 230 --kinds 3 --secs 90 \
		--sustain --rate 50 --status "$WORK/h2.$a" --stop "$WORK/stop2" 2> "$WORK/h2.$a.err" &
	PIDS="$PIDS $!"
done
i=0 total=0
while [ $i -lt 300 ]; do
	total=0
	for a in 2 3 4 5 6; do
		[ -s "$WORK/h2.$a" ] && total=$((total + $(cut -d' ' -f1 "$WORK/h2.$a")))
	done
	[ $total -ge 1100 ] && break
	sleep 0.1
	i=$((i + 1))
done
cat "$WORK"/h2.? > "$WORK/h2" 2>/dev/null
if [ $total -ge 1100 ]; then ok "serve abuse: 1150 slow connections opened (total cap 1024)"
else not_ok "serve abuse: 1150 slow connections opened (total cap 1024)" "$(cat "$WORK"/h2.* 2>/dev/null)"; fi
kubectl_works "serve abuse: kubectl works while slow connections exceed the total cap" "$WORK/h2"
kubectl_works "serve abuse: and again" "$WORK/h2"
touch "$WORK/stop2"

# 3. one address over its cap: the surplus goes at once (early: within 3 s,
#    before the 5 s handshake deadline could have cut anything)
python3 "$HOLD" --port "$PORT" --src 127.0.0.7 --per 400 --secs 4 --early 3 \
	--status "$WORK/h3" 2> "$WORK/h3.err"
read -r opened open closed early < "$WORK/h3" || true
if [ "${opened:-0}" -ge 390 ] && [ "${early:-0}" -ge $((opened - 256)) ]; then
	ok "serve abuse: one address holds at most 256 connections ($early of $opened cut at once)"
else
	not_ok "serve abuse: one address holds at most 256 connections" \
		"opened=$opened open=$open closed=$closed early=$early $(cat "$WORK/h3.err")"
fi
kubectl_works "serve abuse: kubectl works after all that" "$WORK/h3"

kill "$SP" 2>/dev/null
wait "$SP" 2>/dev/null
if grep -q "evicted" "$WORK/serve.err"; then
	n=$(sed -n 's/.* \([0-9]*\) evicted.*/\1/p' "$WORK/serve.err")
	if [ "${n:-0}" -gt 0 ]; then ok "serve abuse: serve says it evicted ($n)"
	else not_ok "serve abuse: serve says it evicted" "$(tail -n 3 "$WORK/serve.err")"; fi
else
	not_ok "serve abuse: serve says it evicted" "$(tail -n 3 "$WORK/serve.err")"
fi
exit 0
