#!/bin/sh
# serve under idle abuse (issue 10, item 4): 300 connections that say nothing
# (half plain TCP, half stopped in the middle of a TLS handshake) must not
# lock out a real kubectl; the silent ones are closed by serve's 5 s handshake
# deadline (src/serve/conns.h). Everything on 127.0.0.1; the holder is killed by the trap.
. "$TOP/tests/e2e/lib.sh"

if ! command -v kubectl >/dev/null || ! command -v python3 >/dev/null; then
	echo "serve idle: skipped (needs kubectl, python3)" >&2
	exit 0
fi
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT INT TERM
B="$TOP/examples/aks-kubenet-broken"

"$ND" serve --snapshot "$B" --write-kubeconfig "$WORK/kc" > "$WORK/url" 2> "$WORK/serve.err" &
PIDS="$PIDS $!"
i=0
while [ ! -s "$WORK/url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's|^https://127.0.0.1:\([0-9]*\)$|\1|p' "$WORK/url")

# hold N connections: even ones silent, odd ones with the first bytes of a
# TLS ClientHello (a record header announcing 512 bytes, then 10 of them)
cat > "$WORK/hold.py" <<'EOS'
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks, opened = [], 0
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        if i % 2:
            s.send(b"\x16\x03\x01\x02\x00" + b"\x01\x00\x01\xfc\x03\x03" + b"\x00" * 4)
        socks.append(s)
        opened += 1
    except OSError:
        pass
print(opened, flush=True)
end = time.time() + secs
done = [False] * len(socks)
for s in socks:
    s.setblocking(False)
while time.time() < end and not all(done):
    time.sleep(0.5)
    for k, s in enumerate(socks):
        if done[k]:
            continue
        try:
            while True:             # a TLS alert may come first, then the end
                if s.recv(4096) == b"":
                    done[k] = True
                    break
        except BlockingIOError:
            pass
        except OSError:
            done[k] = True
closed = sum(done)
print(closed, flush=True)
EOS
python3 "$WORK/hold.py" "$PORT" 300 25 > "$WORK/hold.out" 2>&1 &
HP=$!
PIDS="$PIDS $HP"
i=0
while [ ! -s "$WORK/hold.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "serve idle: 300 idle connections opened" test "$(head -n 1 "$WORK/hold.out")" -ge 300
t0=$(date +%s)
out=$(kubectl --kubeconfig "$WORK/kc" --request-timeout=8s get pods -A --no-headers 2>&1)
rc=$?
took=$(( $(date +%s) - t0 ))
# a ceiling with a wide margin: locked out, kubectl waits for the idle ones to go
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -ge 50 ] && [ $took -le 6 ]; then
	ok "serve idle: a real kubectl works beside 300 idle connections (${took}s)"
else
	not_ok "serve idle: a real kubectl works beside 300 idle connections" "rc=$rc ${took}s $out"
fi
check "serve idle: and netdiag too" sh -c "'$ND' --kubeconfig '$WORK/kc' --timeout 10s diagnose -o json | jq -e '.source.mode == \"live\"'"
wait "$HP"
closed=$(sed -n 2p "$WORK/hold.out")
if [ "${closed:-0}" -ge 300 ]; then ok "serve idle: the silent connections are closed by the idle deadline"
else not_ok "serve idle: the silent connections are closed by the idle deadline" "closed=$closed"; fi
exit 0
