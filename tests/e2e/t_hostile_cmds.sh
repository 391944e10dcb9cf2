#!/bin/sh
# Every command that talks to an API server, against hostile ones (issue 10):
# serve --fault-hostile in each mode (on every path, or only on the access
# reviews, or only on the agents' logs), raw servers made with socat for what
# serve's HTTP library cannot send (headers one byte at a time, a chunk of
# 2^64 bytes, a TLS handshake that never ends) and exec credential plugins
# that hang or print without end. Each run must end within --timeout 2s plus
# a wide constant, under 300 MB, with the command's error exit and a message
# that says what was cut and why; never a crash, never "healthy".
# 127.0.0.1 only, ports picked free; the trap ends every server.
# Memory: ASan keeps freed memory in quarantine (256 MB by default), which is
# no part of what netdiag holds; it is kept small here so the ceiling measures
# netdiag (a build without ASan uses less still).
. "$TOP/tests/e2e/lib.sh"

PIDS=""
cleanup() {
	for p in $PIDS; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
for t in /usr/bin/time socat openssl jq setsid; do
	command -v "$t" >/dev/null 2>&1 || { echo "hostile cmds: skipped (needs $t)" >&2; exit 0; }
done
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=32"
SERVE=${ND_SERVE:-$ND}
B="$TOP/examples/aks-kubenet-broken"
CEIL_MS=${HOSTILE_CEIL_MS:-8000}     # 2 s of --timeout and a wide margin for a loaded machine
CEIL_KB=307200

# serve_up MODE [PATH [BUNDLE]]: a hostile serve; sets KC (its kubeconfig), PORT, SP
serve_up() {
	rm -f "$WORK/url"
	if [ -n "${2:-}" ]; then set -- "$1" --fault-hostile-path "$2" "${3:-$B}"
	else set -- "$1" "" "" "$B"; fi
	if [ -n "$2" ]; then
		setsid "$SERVE" serve --snapshot "$4" --listen 127.0.0.1:0 --write-kubeconfig "$WORK/kc" \
			--fault-hostile "$1" "$2" "$3" > "$WORK/url" 2> "$WORK/serve.err" &
	else
		setsid "$SERVE" serve --snapshot "$4" --listen 127.0.0.1:0 --write-kubeconfig "$WORK/kc" \
			--fault-hostile "$1" > "$WORK/url" 2> "$WORK/serve.err" &
	fi
	SP=$!
	PIDS="$PIDS $SP"
	i=0
	while [ ! -s "$WORK/url" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	KC="$WORK/kc"
	PORT=$(sed -n 's|.*https://127.0.0.1:\([0-9]*\).*|\1|p' "$KC" | head -n 1)
}
serve_down() { kill -- "-$SP" 2>/dev/null; wait "$SP" 2>/dev/null; }

# attack NAME RCS REGEX CMD...: CMD ends within the ceiling, under 300 MB, with
# an exit in RCS ("3", "1 3"), a message matching REGEX (grep -E, stdout and
# stderr), and no "healthy" verdict
attack() {
	name=$1 rcs=$2 want=$3
	shift 3
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$WORK/rss" "$@" > "$WORK/out" 2> "$WORK/err"
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kb=$(tail -n 1 "$WORK/rss")
	rc_ok=no
	for r in $rcs; do [ "$rc" = "$r" ] && rc_ok=yes; done
	if [ $rc_ok = yes ] && [ "$ms" -lt "$CEIL_MS" ] && [ "$kb" -lt $CEIL_KB ] &&
	   cat "$WORK/out" "$WORK/err" | grep -Eq -- "$want" &&
	   { [ -n "${HEALTHY_OK:-}" ] || ! grep -q '"verdict": *"healthy"' "$WORK/out"; }; then
		ok "hostile $name: exit $rc in ${ms} ms, ${kb} KB, says why"
	else
		not_ok "hostile $name: exit $rcs within --timeout + a constant, under 300 MB, says why" \
			"rc=$rc ${ms} ms ${kb} KB: $(grep -v '^Command' "$WORK/err" | head -n 3 | cut -c1-300)
$(grep -o '"\(reason\|summary\|detail\)": "[^"]*' "$WORK/out" | head -n 4 | cut -c1-300)"
	fi
}

# the service-account folder of a pod, from a kubeconfig serve wrote
sa_dir() {
	mkdir -p "$WORK/sa"
	sed -n 's/.*certificate-authority-data: *//p' "$1" | base64 -d > "$WORK/sa/ca.crt"
	sed -n 's/.*token: *//p' "$1" | tr -d '"' > "$WORK/sa/token"
	echo default > "$WORK/sa/namespace"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$WORK/resolv"
}

# a bundle of two nodes with fleet agents, for fleet report
FB="$WORK/fleet"
mkdir -p "$FB/cluster" "$FB/logs/netdiag"
cat > "$FB/cluster/nodes.json" <<'EOF'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"kubernetes.io/os": "linux"}}, "spec": {"podCIDR": "10.244.1.0/28"}},
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2", "labels": {"kubernetes.io/os": "linux"}}, "spec": {"podCIDR": "10.244.2.0/28"}}]}
EOF
cat > "$FB/cluster/pods.json" <<'EOF'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent-n1", "namespace": "netdiag", "uid": "u1", "labels": {"app.kubernetes.io/name": "netdiag", "app.kubernetes.io/component": "agent"}}, "spec": {"nodeName": "n1", "hostNetwork": true, "containers": [{"name": "agent"}]}, "status": {"phase": "Running"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent-n2", "namespace": "netdiag", "uid": "u2", "labels": {"app.kubernetes.io/name": "netdiag", "app.kubernetes.io/component": "agent"}}, "spec": {"nodeName": "n2", "hostNetwork": true, "containers": [{"name": "agent"}]}, "status": {"phase": "Running"}}]}
EOF
echo "netdiag: starting" > "$FB/logs/netdiag/agent-n1.log"
echo "netdiag: starting" > "$FB/logs/netdiag/agent-n2.log"

# egress's data: one destination, on loopback (port 9: nothing listens)
jq '.destinations = [.destinations[0] | .probe = "127.0.0.1" | .port = 9 | .scheme = "tcp" | del(.alpn)]' \
	"$TOP/data/aks-egress.json" > "$WORK/egress.json"

# What each mode must be called, whichever command met it.
why() {
	case $1 in
	endless-list) echo "more than [0-9]+ objects|a list that never ends|larger than [0-9]+ bytes" ;;
	gzip-bomb) echo "compression bomb|larger than [0-9]+ bytes" ;;
	endless-continue) echo "continue tokens that never end" ;;
	repeat-continue) echo "a continue token it gave before" ;;
	retry-after) echo "429 TooManyRequests" ;;
	drip) echo "no complete answer|timed out after" ;;
	garbage) echo "invalid JSON at byte 0|not a Kubernetes object|not a JSON object" ;;
	html) echo "not JSON \\(text/html|not a Kubernetes object \\(text/html|not a JSON object .*<!DOCTYPE" ;;
	huge-header) echo "headers are larger than" ;;
	redirect-loop) echo "HTTP 302" ;;
	depth-bomb) echo "nesting deeper than|larger than [0-9]+ bytes" ;;
	huge-string) echo "larger than the [0-9]+-byte limit|larger than [0-9]+ bytes|no complete answer" ;;
	huge-number) echo "." ;;
	invalid-utf8) echo "invalid UTF-8|not a Kubernetes object" ;;
	duplicate-keys) echo "ServiceList where a [A-Za-z]+List|a ServiceList, not a PodList" ;;
	esac
}

# HOSTILE_MODES, HOSTILE_LOGS, HOSTILE_RAW, HOSTILE_EXEC: a subset (when working on one)
MODES=${HOSTILE_MODES-"endless-list gzip-bomb endless-continue repeat-continue retry-after drip garbage
html huge-header redirect-loop depth-bomb huge-string huge-number invalid-utf8 duplicate-keys"}
for m in $MODES; do
	w=$(why "$m")
	serve_up "$m"
	# a list of a million-digit number is valid JSON the model does not read: it is
	# read as it is (then the pod named "a" is in the cluster), never a crash
	if [ "$m" = huge-number ]; then lrc="0 1 2 3"; else lrc=3; fi
	case $m in
	endless-continue|repeat-continue|huge-number)
		# apiserver asks for one page (limit=1): that page is a good answer
		HEALTHY_OK=1 attack "$m: apiserver" "0" "apiserver-auth.*pass" \
			"$ND" --kubeconfig "$KC" --timeout 2s apiserver -o json ;;
	*)
		attack "$m: apiserver" "3" "$w|pods is a PodList" \
			"$ND" --kubeconfig "$KC" --timeout 2s apiserver -o json ;;
	esac
	# duplicate keys: the services' list is read as a ServiceList (the last "kind"), which
	# holds no default/kubernetes: "not in the source" (2), the other lists are refused
	if [ "$m" = duplicate-keys ]; then src="2 3"; else src=$lrc; fi
	attack "$m: service" "$src" "$w" "$ND" --kubeconfig "$KC" --timeout 2s service default/kubernetes
	attack "$m: pod" "$lrc" "$w" "$ND" --kubeconfig "$KC" --timeout 2s pod hostile/a
	rm -rf "$WORK/col"
	attack "$m: collect -o DIR" "$lrc" "$w" "$ND" --kubeconfig "$KC" --timeout 2s collect -o "$WORK/col"
	case $m in
	endless-list|gzip-bomb|endless-continue|huge-string)
		sz=$(du -sk "$WORK/col" 2>/dev/null | cut -f1)
		if [ -z "$(find "$WORK/col/cluster" -name pods.json 2>/dev/null)" ] && [ "${sz:-0}" -lt 204800 ]; then
			ok "hostile $m: collect keeps no list cut short (${sz} KB written)"
		else
			not_ok "hostile $m: collect keeps no list cut short" "$(ls -l "$WORK/col/cluster" 2>&1 | head -n 5)"
		fi ;;
	esac
	case $m in
	redirect-loop|depth-bomb|huge-string|huge-number|invalid-utf8|duplicate-keys)
		attack "$m: diagnose" "$lrc" "$w" "$ND" --kubeconfig "$KC" --timeout 2s diagnose ;;
	esac
	sa_dir "$KC"
	attack "$m: incluster" "1 3" "$w" env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$PORT" \
		"$ND" --timeout 2s incluster --sa-dir "$WORK/sa" --resolv-conf "$WORK/resolv" --pod default/x -o json
	# egress asks without credentials (serve says 401): the destination answers; the
	# data's one destination (port 9, closed) is the finding
	attack "$m: egress --also" "1" "127.0.0.1 port 9 is blocked" "$ND" --timeout 2s egress \
		--data "$WORK/egress.json" --dns-server 127.0.0.1:9 --ca-file "$WORK/sa/ca.crt" \
		--also "https://127.0.0.1:$PORT" -o json
	serve_down
	# only the access review is hostile: the RBAC objects are read, the API server's answer is not
	serve_up "$m" /apis/authorization.k8s.io/
	attack "$m: can-i (the access review)" "1 3" "rbac-api-server.*cannot ask the API server|cannot ask the API server" \
		"$ND" --kubeconfig "$KC" --timeout 2s can-i get pods --as alice -o json
	serve_down
done

# only the agents' logs are hostile: an endless log (one line without end), a bomb, a drip...
for m in ${HOSTILE_LOGS-endless-list gzip-bomb drip garbage huge-header retry-after redirect-loop}; do
	serve_up "$m" /api/v1/namespaces/netdiag/pods/agent-n1/log "$FB"
	attack "$m: fleet report (agent logs)" "1 3" "node 'n1': no agent report" \
		"$ND" --kubeconfig "$KC" --timeout 2s fleet report -o json
	serve_down
done

# ---- raw servers: what an HTTP library would not send ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/raw.key" -out "$WORK/raw.crt" -days 2 \
	-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
cat "$WORK/raw.key" "$WORK/raw.crt" > "$WORK/raw.pem"
cat > "$WORK/header-drip.sh" <<'EOF'
printf 'HTTP/1.1 200 OK\r\nX-Drip: '
i=0; while [ $i -lt 120 ]; do printf 'a'; sleep 0.5; i=$((i + 1)); done
EOF
cat > "$WORK/huge-chunk.sh" <<'EOF'
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'
printf 'fffffffffffffff\r\n{"kind":"PodList","apiVersion":"v1","metadata":{},"items":['
yes '{"metadata":{"name":"a","namespace":"h"}},' | head -c 400000000
EOF
cat > "$WORK/chunk-overflow.sh" <<'EOF'
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'
printf '1ffffffffffffffffffff\r\n{"kind":"PodList","items":[]}\r\n0\r\n\r\n'
sleep 30
EOF
# raw_up NAME TLS|TCP: a socat listener on a free port running NAME.sh (or silent), sets RP
raw_up() {
	tries=0
	while [ $tries -lt 20 ]; do
		ns=$(date +%N | cut -c1-5 | sed 's/^0*//')
		RP=$(( 20000 + ($$ * 7 + tries * 997 + ${ns:-0}) % 40000 ))
		if [ "$2" = TLS ]; then
			setsid socat "OPENSSL-LISTEN:$RP,bind=127.0.0.1,reuseaddr,fork,cert=$WORK/raw.pem,verify=0" \
				"SYSTEM:sh $WORK/$1.sh" 2>/dev/null &
		else
			setsid socat "TCP-LISTEN:$RP,bind=127.0.0.1,reuseaddr,fork" "SYSTEM:sleep 30" 2>/dev/null &
		fi
		RSP=$!
		sleep 0.3
		if kill -0 "$RSP" 2>/dev/null; then PIDS="$PIDS $RSP"; break; fi
		tries=$((tries + 1))
	done
	cat > "$WORK/raw.kc" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:$RP", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
EOF
	mkdir -p "$WORK/rawsa"
	cp "$WORK/raw.crt" "$WORK/rawsa/ca.crt"
	echo t > "$WORK/rawsa/token"
	echo default > "$WORK/rawsa/namespace"
}
raw_down() { kill -- "-$RSP" 2>/dev/null; wait "$RSP" 2>/dev/null; }

for m in ${HOSTILE_RAW-header-drip huge-chunk chunk-overflow tls-stall}; do
	case $m in
	header-drip) w="no complete answer|timed out|timeout|deadline"; raw_up "$m" TLS ;;
	huge-chunk) w="more than [0-9]+ objects|a list that never ends|larger than|no complete answer|timed out"; raw_up "$m" TLS ;;
	chunk-overflow) w="chunk|transfer|broke|truncated|HTTP 200, but"; raw_up "$m" TLS ;;
	tls-stall) w="timeout|timed out|handshake|deadline"; raw_up "$m" TCP ;;
	esac
	attack "$m: diagnose" "3" "$w" "$ND" --kubeconfig "$WORK/raw.kc" --timeout 2s diagnose
	attack "$m: apiserver" "1 3" "$w" "$ND" --kubeconfig "$WORK/raw.kc" --timeout 2s apiserver -o json
	rm -rf "$WORK/col"
	attack "$m: collect -o DIR" "3" "$w" "$ND" --kubeconfig "$WORK/raw.kc" --timeout 2s collect -o "$WORK/col"
	attack "$m: can-i" "1 3" "$w" "$ND" --kubeconfig "$WORK/raw.kc" --timeout 2s can-i get pods --as alice
	attack "$m: incluster" "1 3" "$w" env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$RP" \
		"$ND" --timeout 2s incluster --sa-dir "$WORK/rawsa" --resolv-conf "$WORK/resolv" --pod default/x -o json
	attack "$m: egress --also" "1 3" "127.0.0.1:$RP|127.0.0.1 port $RP" "$ND" --timeout 2s egress \
		--data "$WORK/egress.json" --dns-server 127.0.0.1:9 --ca-file "$WORK/raw.crt" \
		--also "https://127.0.0.1:$RP" -o json
	raw_down
done

# ---- exec credential plugins that hang or print without end ----
serve_up endless-list /nothing-here
cat > "$WORK/plugin-hang.sh" <<'EOF'
#!/bin/sh
exec sleep 60
EOF
cat > "$WORK/plugin-flood.sh" <<'EOF'
#!/bin/sh
exec yes '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}'
EOF
chmod +x "$WORK/plugin-hang.sh" "$WORK/plugin-flood.sh"
for p in ${HOSTILE_EXEC-hang flood}; do
	sed '/^users:/,$d' "$KC" > "$WORK/exec-$p.kc"
	cat >> "$WORK/exec-$p.kc" <<EOF
users:
- name: netdiag-serve
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $WORK/plugin-$p.sh
      interactiveMode: Never
EOF
	if [ $p = hang ]; then w="exec plugin .*(timed out|did not|within|killed)"; else w="exec plugin .*printed more than"; fi
	attack "exec plugin $p: diagnose" "3" "$w" "$ND" --kubeconfig "$WORK/exec-$p.kc" --timeout 2s diagnose
	attack "exec plugin $p: apiserver" "1 3" "$w" "$ND" --kubeconfig "$WORK/exec-$p.kc" --timeout 2s apiserver
	attack "exec plugin $p: can-i" "1 3" "$w" "$ND" --kubeconfig "$WORK/exec-$p.kc" --timeout 2s can-i get pods --as alice
done
serve_down
exit 0
