#!/bin/sh
# Live diagnose against the real 'netdiag serve': the same findings as
# --snapshot on the same bundle (token, exec plugin), under every injected
# fault, a 403 on one kind, and clear errors for a wrong CA, a missing
# token and a server that is not Kubernetes. Everything on 127.0.0.1.
. "$TOP/tests/e2e/lib.sh"

PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT INT TERM

# serve_start NAME BUNDLE [serve options]: sets URL and KC ($WORK/NAME.kc)
serve_start() {
	n=$1 b=$2
	shift 2
	rm -f "$WORK/$n.url" "$WORK/$n.kc"
	"$ND" serve --snapshot "$b" --write-kubeconfig "$WORK/$n.kc" "$@" > "$WORK/$n.url" 2> "$WORK/$n.serve.err" &
	PIDS="$PIDS $!"
	SPID=$!
	i=0
	while [ ! -s "$WORK/$n.url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	URL=$(head -n 1 "$WORK/$n.url")
	KC="$WORK/$n.kc"
}
serve_stop() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }

# (suggested netdiag commands carry each run's own source flags: compared without them)
findings() { jq -S "$NO_SOURCE_FLAGS | [.findings[] | del(.seq)]" "$1"; }

# The snapshot answer from the bundle's cluster/ only (live has no node files).
snap_findings() {
	rm -rf "$WORK/snap-$1" && mkdir -p "$WORK/snap-$1" && cp -R "$2/cluster" "$WORK/snap-$1/"
	"$ND" diagnose --snapshot "$WORK/snap-$1" -o json 2>/dev/null | findings /dev/stdin > "$WORK/$1.snap"
}

same_as_snap() {   # NAME CASE JSON
	if out=$(findings "$3" | diff -u "$WORK/$1.snap" -); then ok "$2"; else not_ok "$2" "$out"; fi
}

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || continue
	name=$(basename "$dir")
	[ "$name" = bad-input ] && continue
	# events.k8s.io/v1 Events: a real API server also lists them under /api/v1/events;
	# serve does not (yet), and live lists core/v1 only
	[ "$name" = events-variety ] && continue
	snap_findings "$name" "$dir"
	serve_start "$name" "${dir%/}"
	NETDIAG_PAGE_LIMIT=5 "$ND" --kubeconfig "$KC" diagnose -o json > "$WORK/$name.live" 2> "$WORK/$name.err"
	same_as_snap "$name" "live=snapshot $name" "$WORK/$name.live"
	check "live source $name" jq -e '.source.mode == "live" and (.source.server | startswith("https://127.0.0.1:"))' "$WORK/$name.live"
	serve_stop
done

B="$TOP/examples/aks-kubenet-broken"
snap_findings ex "$B"

# a live run's suggested netdiag commands carry its --kubeconfig and --context, and run
serve_start fixes "$B"
"$ND" --kubeconfig "$KC" --context netdiag-serve diagnose -o json > "$WORK/fixes.json" 2>/dev/null
jq -r '.findings[].commands[]? | select(startswith("netdiag "))' "$WORK/fixes.json" | sort -u > "$WORK/fixes.cmds"
check "live suggestions carry --kubeconfig and --context" sh -c "test -s '$WORK/fixes.cmds' &&
	! grep -v '^netdiag --kubeconfig $KC --context netdiag-serve ' '$WORK/fixes.cmds'"
while IFS= read -r c; do
	(eval "set -- ${c#netdiag }" && "$ND" "$@" -o json > /dev/null 2>&1)
	rc=$?
	if [ $rc -le 1 ]; then ok "live suggestion runs: $c"; else not_ok "live suggestion runs: $c (exit $rc)"; fi
done < "$WORK/fixes.cmds"
serve_stop

# exec plugin playing kubelogin: prints an ExecCredential with serve's token
serve_start srv "$B"
TOKEN=$(sed -n 's/^ *token: *"*\([^"]*\)"*$/\1/p' "$KC")
cat > "$WORK/fake-kubelogin" <<EOS
#!/bin/sh
echo run >> "$WORK/exec.runs"
printf '%s' "\$KUBERNETES_EXEC_INFO" > "$WORK/exec.info"
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\n' "$TOKEN"
EOS
chmod +x "$WORK/fake-kubelogin"
CA=$(sed -n 's/^ *certificate-authority-data: *"*\([^"]*\)"*$/\1/p' "$KC")
cat > "$WORK/exec.kc" <<EOS
apiVersion: v1
kind: Config
current-context: aks
clusters:
- name: aks
  cluster:
    server: $URL
    certificate-authority-data: $CA
contexts:
- name: aks
  context: {cluster: aks, user: clusterUser_rg_aks}
users:
- name: clusterUser_rg_aks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./fake-kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, azurecli]
      env: null
      provideClusterInfo: true
      installHint: install kubelogin
EOS
"$ND" --kubeconfig "$WORK/exec.kc" -o json > "$WORK/exec.json" 2> "$WORK/exec.err"
same_as_snap ex "live exec plugin" "$WORK/exec.json"
check "exec plugin cached (ran once for 15 kinds)" test "$(wc -l < "$WORK/exec.runs")" -eq 1
check "exec info has cluster" jq -e '.spec.cluster.server != null and .kind == "ExecCredential"' "$WORK/exec.info"
if grep -q "$TOKEN" "$WORK/exec.json" "$WORK/exec.err"; then not_ok "token not in output"; else ok "token not in output"; fi

# wrong CA
sed "s|certificate-authority-data: .*|certificate-authority-data: $(base64 -w0 < "$TOP/tests/e2e/lib.sh" | head -c 0)LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCKzBDQ1FEcm5vdGFjZXJ0Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K|" "$KC" > "$WORK/badca.kc"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/other.key" -out "$WORK/other.crt" -days 1 -subj /CN=other >/dev/null 2>&1
sed "s|certificate-authority-data: .*|certificate-authority-data: $(base64 -w0 < "$WORK/other.crt")|" "$KC" > "$WORK/badca.kc"
"$ND" --kubeconfig "$WORK/badca.kc" -o json > /dev/null 2> "$WORK/badca.err"
rc=$?
if [ $rc -eq 3 ] && grep -q "certificate" "$WORK/badca.err"; then ok "wrong CA: clear error"; else not_ok "wrong CA: clear error" "rc=$rc $(cat "$WORK/badca.err")"; fi
# missing token
grep -v 'token:' "$KC" > "$WORK/notoken.kc"
"$ND" --kubeconfig "$WORK/notoken.kc" -o json > /dev/null 2> "$WORK/notoken.err"
rc=$?
if [ $rc -eq 3 ] && grep -qi "unauthorized\|401" "$WORK/notoken.err"; then ok "missing token: clear error"; else not_ok "missing token: clear error" "rc=$rc $(cat "$WORK/notoken.err")"; fi
serve_stop

# a server that is not Kubernetes (plain HTTP answering 404 HTML)
mkdir -p "$WORK/www"
(cd "$WORK/www" && exec python3 -u -m http.server --bind 127.0.0.1 0 > "$WORK/www.log" 2>&1) &
PIDS="$PIDS $!"
i=0; while ! grep -q "port" "$WORK/www.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
WPORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/www.log" | head -n 1)
sed "s|server: .*|server: http://127.0.0.1:$WPORT|" "$KC" > "$WORK/notk8s.kc"
"$ND" --kubeconfig "$WORK/notk8s.kc" -o json > /dev/null 2> "$WORK/notk8s.err"
rc=$?
if [ $rc -eq 3 ] && grep -q "not a Kubernetes" "$WORK/notk8s.err"; then ok "not Kubernetes: clear error"; else not_ok "not Kubernetes: clear error" "rc=$rc $(cat "$WORK/notk8s.err")"; fi

# faults: the same findings, in bounded time
for f in "--fault-429-every 3" "--fault-410-continue" "--fault-truncate-path /api/v1/pods" \
	 "--fault-500-path /api/v1/events" "--fault-latency 50"; do
	# shellcheck disable=SC2086
	serve_start fault "$B" $f
	case $f in
	*500*) # 500 on every events request: retried, bounded, then that kind fails
		NETDIAG_PAGE_LIMIT=10 "$ND" --kubeconfig "$KC" -o json > "$WORK/fault.json" 2> "$WORK/fault.err"
		check "fault $f: events skipped" jq -e '.checks[] | select(.id == "pod-ip-allocation") | .status == "skip"' "$WORK/fault.json"
		;;
	*truncate*) # every pods page cut: retried, bounded, then pods fail, no crash
		NETDIAG_PAGE_LIMIT=10 "$ND" --kubeconfig "$KC" -o json > "$WORK/fault.json" 2> "$WORK/fault.err"
		check "fault $f: pods checks skipped" jq -e '.checks[] | select(.id == "service-endpoints") | .status == "skip"' "$WORK/fault.json"
		check "fault $f: error named" grep -q "pods" "$WORK/fault.err"
		;;
	*)
		NETDIAG_PAGE_LIMIT=10 "$ND" --kubeconfig "$KC" -o json > "$WORK/fault.json" 2> "$WORK/fault.err"
		same_as_snap ex "fault $f: same findings" "$WORK/fault.json"
		;;
	esac
	serve_stop
done

# a hang: no answer past the deadline
serve_start hang "$B" --fault-hang-path /api/v1/pods
start=$(date +%s)
"$ND" --kubeconfig "$KC" --timeout 2s -o json > "$WORK/hang.json" 2> "$WORK/hang.err"
echo $? > "$WORK/hang.rc"
took=$(( $(date +%s) - start ))
if [ "$took" -le 8 ] && grep -q "within 2000 ms" "$WORK/hang.err"; then ok "hang: deadline kept (${took}s)"; else not_ok "hang: deadline kept" "took ${took}s $(cat "$WORK/hang.err")"; fi
check "hang: pod checks skipped" jq -e '.checks[] | select(.id == "kube-proxy") | .status == "skip"' "$WORK/hang.json"
# never "healthy" when part of the read failed: verdict incomplete, pods named, exit 3
check "hang: verdict incomplete, pods unread" jq -e '.summary.verdict == "incomplete" and (.summary.unread | any(test("^pods ")))' "$WORK/hang.json"
check "hang: silenced checks are marked" sh -c "'$ND' --kubeconfig '$KC' --timeout 2s 2>/dev/null | head -n 1 | grep -q '^INCOMPLETE: could not read pods .*checks silenced: .*service-endpoints'"
if [ "$(cat "$WORK/hang.rc")" = 3 ] || [ "$(cat "$WORK/hang.rc")" = 1 ]; then
	# 1 only when a finding reaches --fail-on; with no finding it must be 3
	if [ "$(jq '[.findings[] | select(.severity != "info")] | length' "$WORK/hang.json")" -gt 0 ] || [ "$(cat "$WORK/hang.rc")" = 3 ]; then
		ok "hang: exit code $(cat "$WORK/hang.rc") (not 0)"
	else not_ok "hang: exit code" "exit 1 without a finding"; fi
else not_ok "hang: exit code 3 or 1" "exit $(cat "$WORK/hang.rc")"; fi
check_rc "hang, --fail-on error and no error finding: exit 3" 3 sh -c "'$ND' --kubeconfig '$KC' --timeout 2s --fail-on error -o json 2>/dev/null | jq -e '[.findings[] | select(.severity == \"error\")] | length == 0' >/dev/null && '$ND' --kubeconfig '$KC' --timeout 2s --fail-on error >/dev/null 2>&1"
serve_stop

# every list hangs: --timeout bounds the whole run, retries included (took 8x the
# timeout before: each hung request was retried with backoff)
serve_start hangall "$B" --fault-hang-path /api
start=$(date +%s%N)
"$ND" --kubeconfig "$KC" --timeout 2s -o json > "$WORK/hangall.json" 2> "$WORK/hangall.err"
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$took" -le 4000 ] && [ "$rc" = 3 ]; then ok "hang on every list: --timeout 2s is the whole run's bound (${took} ms, exit 3)"
else not_ok "hang on every list: --timeout 2s is the whole run's bound" "took $took ms, rc $rc: $(head -n 3 "$WORK/hangall.err")"; fi
serve_stop

# 403 on events: the check that needs them is skipped with the reason; the rest runs
serve_start forbid "$B" --forbid events --user alice
"$ND" --kubeconfig "$KC" -o json > "$WORK/forbid.json" 2> "$WORK/forbid.err"
check "403: pod-ip-allocation skipped" jq -e '.checks[] | select(.id == "pod-ip-allocation") | .status == "skip" and (.reason | test("events"))' "$WORK/forbid.json"
check "403: services still checked" jq -e '.checks[] | select(.id == "service-endpoints") | .status == "fail"' "$WORK/forbid.json"
check "403: user/verb/resource kept" jq -e '.findings[] | select(.code == "apiserver-forbidden") | .evidence.verb == "list" and .evidence.resource == "events"' "$WORK/forbid.json"
serve_stop
