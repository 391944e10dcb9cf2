#!/bin/sh
# netdiag fleet run against 'serve --writable' replaying a fleet bundle (made
# with tests/lab/fleetgen.py; each agent pod's log is what 'netdiag agent'
# printed for a node root made here: n1's host-local store leaks an IP, n2
# and n3 are healthy, n4's agent is still Pending, w1 runs Windows). The run
# must create the objects, see the agents "run", report exactly the broken
# node, and delete everything it created; --keep leaves them (and kubectl
# delete -f removes them); an existing DaemonSet that is not netdiag's is
# refused and left untouched (an existing namespace is used and left); a read-only serve gets a clear 405 and nothing
# is created; a 403 names the missing permission, a hung create times out;
# SIGTERM during the wait
# still deletes. kubectl apply/delete -f of the manifest work on the overlay.
# 127.0.0.1 only; needs python3 and jq (kubectl for the kubectl cases).
. "$TOP/tests/e2e/lib.sh"

if ! command -v python3 >/dev/null || ! command -v jq >/dev/null; then
	echo "fleet run: skipped (needs python3, jq)" >&2
	exit 0
fi
SPID=""
RPID=""
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

B="$WORK/b"
{
	for n in n1 n2 n3 n4; do
		echo "node $n 10.244.${n#n}.0/28"
		echo "kproxy $n"
	done
	echo "node w1 10.244.9.0/28 windows"
	echo "agent n1 Running"
	echo "agent n2 Running"
	echo "agent n3 Running"
	echo "agent n4 Pending ContainerCreating"
} | python3 "$TOP/tests/lab/fleetgen.py" cluster "$B"
mkdir -p "$B/logs/netdiag"
: > "$WORK/rules"
for n in n1 n2 n3; do
	R="$WORK/root-$n"
	mkdir -p "$R/etc/cni/net.d" "$R/var/lib/cni/networks/kubenet"
	printf '{"cniVersion": "1.0.0", "name": "kubenet", "plugins": [{"type": "bridge", "bridge": "cbr0", "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.%s.0/28"}]]}}]}\n' \
		"${n#n}" > "$R/etc/cni/net.d/10-kubenet.conflist"
done
printf 'c9\r\neth0' > "$WORK/root-n1/var/lib/cni/networks/kubenet/10.244.1.9"   # no pod: a leak
touch -d '2025-01-01' "$WORK/root-n1/var/lib/cni/networks/kubenet/10.244.1.9"
for n in n1 n2 n3; do
	"$ND" agent --node-root "$WORK/root-$n" --node $n --snapshot "$B" --iptables-save "$WORK/rules" \
		-o json > "$B/logs/netdiag/netdiag-agent-$n.log" 2>/dev/null
done
find "$B" -type f | sort | xargs cat | cksum > "$WORK/bundle.sum"

KC="$WORK/kc"
K() { kubectl --kubeconfig "$KC" --cache-dir "$WORK/kcache" "$@"; }
start_serve() {
	rm -f "$WORK/serve.out"
	"$ND" serve --snapshot "$B" --listen 127.0.0.1:0 --write-kubeconfig "$KC" "$@" \
		> "$WORK/serve.out" 2> "$WORK/serve.err" &
	SPID=$!
	i=0
	while [ $i -lt 200 ] && ! [ -s "$WORK/serve.out" ]; do
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
}
stop_serve() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=""; }
# gone KIND NAME [NS]: the object is not served (curl-free: netdiag's own client through kubectl when present)
gone() {
	if [ -n "$3" ]; then K get "$1" "$2" -n "$3" 2>&1 | grep -q 'NotFound'
	else K get "$1" "$2" 2>&1 | grep -q 'NotFound'; fi
}
HAVE_KUBECTL=no
command -v kubectl >/dev/null 2>&1 && HAVE_KUBECTL=yes

# ------------------------------------------------------------- dry run ----
"$ND" fleet run --dry-run > "$WORK/plan" 2> "$WORK/plan.err"
check "fleet run --dry-run: prints the plan in dependency order, needs no cluster" sh -c "
	test \"\$(grep -o 'POST [^ ]*' '$WORK/plan' | tr '\n' ' ')\" = 'POST /api/v1/namespaces POST /api/v1/namespaces/netdiag/serviceaccounts POST /apis/rbac.authorization.k8s.io/v1/clusterroles POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings POST /apis/apps/v1/namespaces/netdiag/daemonsets '"
check "fleet run --dry-run -n: the plan follows the namespace" sh -c "'$ND' fleet run --dry-run -n ops | grep -q 'DaemonSet ops/netdiag-agent'"

# ------------------------------------------------------------ the run ----
start_serve --writable
if ! [ -s "$WORK/serve.out" ]; then
	not_ok "fleet run: serve --writable starts" "$(cat "$WORK/serve.err")"
	exit 0
fi
"$ND" fleet run --kubeconfig "$KC" --wait 3s -o json > "$WORK/run.json" 2> "$WORK/run.err"
rc=$?
if [ $rc -eq 1 ]; then ok "fleet run: exits 1 on the broken node"
else not_ok "fleet run: exits 1 on the broken node" "exit $rc $(cat "$WORK/run.err")"; fi
got=$(jq -r '[.findings[] | select(.code != "fleet-node-not-covered" and .code != "fleet-node-not-reported") | "\(.subject.node):\(.code)"] | unique | join(" ")' "$WORK/run.json")
if [ "$got" = "n1:ipam-leak" ]; then ok "fleet run: reports exactly the broken node"
else not_ok "fleet run: reports exactly the broken node" "got: $got $(cat "$WORK/run.err")"; fi
check "fleet run: the leaked IP is the one made" sh -c "jq -e '[.findings[] | select(.code==\"ipam-leak\") | .evidence.leaked[].ip] == [\"10.244.1.9\"]' '$WORK/run.json'"
check "fleet run: the Pending agent is named as not reported, the verdict incomplete" sh -c "jq -e '([.findings[] | select(.code==\"fleet-node-not-reported\") | \"\(.subject.name) \(.evidence.reason)\"] == [\"n4 pending\"]) and .summary.verdict == \"incomplete\" and (.summary.unread | map(select(test(\"3 of 4 agents\"))) | length == 1)' '$WORK/run.json'"
check "fleet run: Windows node listed as not covered" sh -c "jq -e '[.findings[] | select(.code==\"fleet-node-not-covered\") | .subject.name] == [\"w1\"]' '$WORK/run.json'"
check "fleet run: says what it creates, then the progress, then what it deleted" sh -c "
	grep -q 'will create' '$WORK/run.err' && grep -q 'created DaemonSet netdiag/netdiag-agent' '$WORK/run.err' &&
	grep -q '3/4 nodes ready, 3 reported' '$WORK/run.err' && grep -q 'the wait ended with 3 of 4 agents' '$WORK/run.err' &&
	grep -q 'deleted Namespace netdiag' '$WORK/run.err'"
check "fleet run: the report is the one fleet report gives" sh -c "'$ND' fleet report --kubeconfig '$KC' -o json > '$WORK/rep.json' 2>/dev/null; test \"\$(jq -c '[.findings[] | {code, subject}]' '$WORK/rep.json')\" = \"\$(jq -c '[.findings[] | {code, subject}]' '$WORK/run.json')\""
if [ $HAVE_KUBECTL = yes ]; then
	check "fleet run: what it created is gone after (kubectl get: NotFound)" sh -c "
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ds netdiag-agent -n netdiag 2>&1 | grep -q NotFound &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ns netdiag 2>&1 | grep -q NotFound &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get clusterrole netdiag-agent 2>&1 | grep -q NotFound &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get clusterrolebinding netdiag-agent-netdiag 2>&1 | grep -q NotFound"
fi

# --------------------------------------------------------------- --keep ----
"$ND" fleet run --kubeconfig "$KC" --wait 2s --keep -o json > "$WORK/keep.json" 2> "$WORK/keep.err"
check "fleet run --keep: says how to remove them, deletes nothing" sh -c "grep -q 'fleet manifest -n netdiag | kubectl delete -f -' '$WORK/keep.err' && ! grep -q 'deleted' '$WORK/keep.err'"
if [ $HAVE_KUBECTL = yes ]; then
	check "fleet run --keep: kubectl get ds shows the DaemonSet and its replayed agents" sh -c "
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ds -n netdiag | grep -Eq '^netdiag-agent +4 +4 +3 +4 +3 '"
	"$ND" fleet run --kubeconfig "$KC" --wait 2s -o json > "$WORK/again.json" 2> "$WORK/again.err"
	check "fleet run over a kept install: uses netdiag's objects and leaves them" sh -c "
		grep -q 'DaemonSet netdiag/netdiag-agent already exists (netdiag' '$WORK/again.err' && ! grep -q 'deleted' '$WORK/again.err' &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ds netdiag-agent -n netdiag >/dev/null"
	"$ND" fleet manifest > "$WORK/m.yaml"
	check "kubectl delete -f of the manifest removes the kept objects" sh -c "
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' delete -f '$WORK/m.yaml' &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ds netdiag-agent -n netdiag 2>&1 | grep -q NotFound"
	sleep 2.2   # the namespace controller's grace (overlay.h)
	check "kubectl apply -f of the manifest creates them (GET 404, POST with last-applied)" sh -c "
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' apply -f '$WORK/m.yaml' | grep -q 'daemonset.apps/netdiag-agent created' &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ds netdiag-agent -n netdiag -o json | jq -e '.metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"] and .metadata.uid and .status.desiredNumberScheduled == 4'"
	check "kubectl apply -f again: unchanged" sh -c "$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' apply -f '$WORK/m.yaml' | grep -q 'daemonset.apps/netdiag-agent unchanged'"
	K delete -f "$WORK/m.yaml" > /dev/null 2>&1
	sleep 2.2

	# ------------------------------------------- a foreign DaemonSet ----
	cat > "$WORK/foreign.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: netdiag
  labels:
    app.kubernetes.io/name: netdiag
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: netdiag-agent
  namespace: netdiag
  labels:
    app: someone-elses
spec:
  selector:
    matchLabels:
      app: someone-elses
  template:
    metadata:
      labels:
        app: someone-elses
    spec:
      containers:
      - name: c
        image: busybox
EOF
	K apply -f "$WORK/foreign.yaml" > /dev/null 2>&1
	uid=$(K get ds netdiag-agent -n netdiag -o jsonpath='{.metadata.uid}' 2>/dev/null)
	check_rc "fleet run: a foreign DaemonSet of the same name is refused (exit 3)" 3 \
		"$ND" fleet run --kubeconfig "$KC" --wait 2s
	"$ND" fleet run --kubeconfig "$KC" --wait 2s > /dev/null 2> "$WORK/foreign.err"
	check "fleet run: says why it refused, and removes only what it created" sh -c "
		grep -q 'DaemonSet netdiag/netdiag-agent already exists and is not netdiag' '$WORK/foreign.err' &&
		grep -q 'deleted ServiceAccount netdiag/netdiag-agent' '$WORK/foreign.err' &&
		! grep -q 'deleted Namespace' '$WORK/foreign.err' && ! grep -q 'deleted DaemonSet' '$WORK/foreign.err'"
	check "fleet run: the foreign DaemonSet and the namespace are untouched" sh -c "
		test -n '$uid' &&
		test \"\$($(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ds netdiag-agent -n netdiag -o jsonpath='{.metadata.uid}')\" = '$uid' &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ns netdiag >/dev/null &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get sa netdiag-agent -n netdiag 2>&1 | grep -q NotFound"
	K delete -f "$WORK/foreign.yaml" > /dev/null 2>&1
	sleep 2.2
	K create namespace netdiag > /dev/null 2>&1
	"$ND" fleet run --kubeconfig "$KC" --wait 2s > /dev/null 2> "$WORK/nsown.err"
	check "fleet run in an existing namespace of someone else's: uses it, deletes only its own objects" sh -c "
		grep -q 'Namespace netdiag already exists (not netdiag' '$WORK/nsown.err' &&
		grep -q 'deleted DaemonSet netdiag/netdiag-agent' '$WORK/nsown.err' && ! grep -q 'deleted Namespace' '$WORK/nsown.err' &&
		$(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' get ns netdiag >/dev/null"
	K delete namespace netdiag > /dev/null 2>&1
	sleep 2.2
fi

# -------------------------------------------------------- SIGTERM ----
"$ND" fleet run --kubeconfig "$KC" --wait 120s -o json > "$WORK/term.json" 2> "$WORK/term.err" &
RPID=$!
i=0
while [ $i -lt 300 ] && ! grep -q '3 reported' "$WORK/term.err" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$RPID"
wait "$RPID"
rc=$?
RPID=""
if [ $rc -eq 143 ]; then ok "fleet run: SIGTERM during the wait exits 128+15"
else not_ok "fleet run: SIGTERM during the wait exits 128+15" "exit $rc $(cat "$WORK/term.err")"; fi
check "fleet run: SIGTERM still deletes what it created, and says so" sh -c "
	grep -q 'interrupted (SIGTERM): deleting what this run created' '$WORK/term.err' &&
	grep -q 'deleted DaemonSet netdiag/netdiag-agent' '$WORK/term.err' && grep -q 'deleted Namespace netdiag' '$WORK/term.err' &&
	! test -s '$WORK/term.json'"
if [ $HAVE_KUBECTL = yes ]; then
	check "fleet run: after SIGTERM the objects are gone" gone ds netdiag-agent netdiag
fi
stop_serve

# ------------------------------------------------------------- 403 ----
start_serve --writable --forbid daemonsets
"$ND" fleet run --kubeconfig "$KC" --wait 2s > /dev/null 2> "$WORK/403.err"
rc=$?
check "fleet run: a 403 on create exits 3 and names the missing permission" sh -c "
	test $rc = 3 && grep -q '403 Forbidden' '$WORK/403.err' &&
	grep -q 'the permission missing: create daemonsets.apps in the namespace \"netdiag\"' '$WORK/403.err' &&
	grep -q 'kubectl auth can-i create daemonsets.apps -n netdiag' '$WORK/403.err'"
check "fleet run: after the 403 what it had created is deleted" sh -c "
	grep -q 'deleted ClusterRoleBinding netdiag-agent-netdiag' '$WORK/403.err' && grep -q 'deleted Namespace netdiag' '$WORK/403.err'"
if [ $HAVE_KUBECTL = yes ]; then
	check "fleet run: after the 403 nothing is left" gone clusterrole netdiag-agent
fi
stop_serve

# --------------------------------------------------------- timeout ----
start_serve --writable --fault-hang-path /apis/apps/v1/namespaces/netdiag/daemonsets
"$ND" fleet run --kubeconfig "$KC" --timeout 2s --wait 2s > /dev/null 2> "$WORK/hang.err"
rc=$?
check "fleet run: a create that times out exits 3, says so, and deletes what it created" sh -c "
	test $rc = 3 && grep -q 'cannot create DaemonSet netdiag/netdiag-agent: .*timed out' '$WORK/hang.err' && grep -q 'if .kubectl get daemonset netdiag-agent -n netdiag. finds it, remove it with: kubectl delete daemonset netdiag-agent -n netdiag' '$WORK/hang.err' &&
	grep -q 'deleted ServiceAccount netdiag/netdiag-agent' '$WORK/hang.err' && grep -q 'deleted Namespace netdiag' '$WORK/hang.err'"
if [ $HAVE_KUBECTL = yes ]; then
	check "fleet run: after the timeout nothing is left" gone clusterrolebinding netdiag-agent-netdiag
fi
stop_serve

# ------------------------------------------------------- read-only ----
start_serve
"$ND" fleet run --kubeconfig "$KC" --wait 2s > /dev/null 2> "$WORK/ro.err"
rc=$?
check "fleet run against a read-only serve: exit 3, 405 named, --writable suggested" sh -c "
	test $rc = 3 && grep -q '405 MethodNotAllowed' '$WORK/ro.err' && grep -q -- '--writable' '$WORK/ro.err' &&
	! grep -q 'created' '$WORK/ro.err'"
if [ $HAVE_KUBECTL = yes ]; then
	check "read-only serve: nothing was created" gone ns netdiag
	check "read-only serve: kubectl apply is refused with 405" sh -c "
		! $(command -v kubectl) --kubeconfig '$KC' --cache-dir '$WORK/kcache' apply -f '$WORK/m.yaml' 2>&1 | grep -q created"
fi
stop_serve
check "the bundle was not modified by any of it" sh -c "test \"\$(find '$B' -type f | sort | xargs cat | cksum)\" = \"\$(cat '$WORK/bundle.sum')\""
