#!/bin/sh
# Live RBAC against the real 'netdiag serve' on tests/bundles/policy (which
# holds Roles, ClusterRoles and bindings):
#  - a 403 on a list, for a service account, becomes the can-i question it
#    asks: incluster-forbidden with the bindings and the missing grant, next
#    to apiserver-forbidden (the raw fact);
#  - live can-i also asks the API server (SelfSubjectAccessReview for the
#    caller, SubjectAccessReview for --as), agreeing with serve's own RBAC,
#    and disagreeing under --fault-sar-deny (a webhook authorizer);
#  - serve stays read-only for everything but access reviews.
# Everything on 127.0.0.1.
. "$TOP/tests/e2e/lib.sh"

PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT INT TERM

B=$(stage "$TOP/tests/bundles/policy")
B="$WORK/$B"
SA=system:serviceaccount:shop:reader

# serve_start NAME [serve options]: sets URL, KC ($WORK/NAME.kc), TOKEN, SPID
serve_start() {
	n=$1
	shift
	rm -f "$WORK/$n.url" "$WORK/$n.kc"
	"$ND" serve --snapshot "$B" --write-kubeconfig "$WORK/$n.kc" "$@" > "$WORK/$n.url" 2> "$WORK/$n.serve.err" &
	SPID=$!
	PIDS="$PIDS $SPID"
	i=0
	while [ ! -s "$WORK/$n.url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	URL=$(head -n 1 "$WORK/$n.url")
	KC="$WORK/$n.kc"
	TOKEN=$(sed -n 's/^ *token: *"*\([^"]*\)"*$/\1/p' "$KC")
}
serve_stop() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }

# jq_file NAME FILE FILTER
jq_file() {
	if out=$(jq -e "$3" "$2" 2>&1); then ok "$1"; else not_ok "$1" "$out
$(head -c 3000 "$2")"; fi
}
# rc_is NAME WANT GOT
rc_is() { if [ "$3" -eq "$2" ]; then ok "$1"; else not_ok "$1" "exit $3, want $2"; fi; }

# ---- 403 on a list -> incluster-forbidden ----
serve_start sa --user "$SA" --forbid networkpolicies
"$ND" --kubeconfig "$KC" diagnose -o json > "$WORK/sa.json" 2> "$WORK/sa.err"
rc_is "403 for a service account: exit 1" 1 $?
jq_file "403: apiserver-forbidden keeps the raw fact" "$WORK/sa.json" \
	"[.findings[] | select(.code == \"apiserver-forbidden\")] | length == 1 and
	 .[0].evidence.user == \"$SA\" and .[0].evidence.verb == \"list\" and
	 .[0].evidence.resource == \"networkpolicies.networking.k8s.io\" and
	 (.[0].evidence.message | test(\"is forbidden\"))"
jq_file "403: incluster-forbidden with user, verb, resource, namespace" "$WORK/sa.json" \
	"[.findings[] | select(.code == \"incluster-forbidden\")] | length == 1 and
	 .[0].scenario == \"S4\" and
	 .[0].subject == {\"kind\": \"ServiceAccount\", \"namespace\": \"shop\", \"name\": \"reader\"} and
	 .[0].evidence.user == \"$SA\" and .[0].evidence.verb == \"list\" and
	 .[0].evidence.resource == \"networkpolicies.networking.k8s.io\" and
	 (.[0].evidence | has(\"namespace\")) and .[0].evidence.namespace == null"
jq_file "403: the bindings the account has" "$WORK/sa.json" \
	"[.findings[] | select(.code == \"incluster-forbidden\")][0].evidence.bindings |
	 map(\"\(.kind) \(.namespace)/\(.name)\") | index(\"RoleBinding shop/viewers\") != null"
jq_file "403: the minimal grant (cluster-wide list: ClusterRole + ClusterRoleBinding)" "$WORK/sa.json" \
	"[.findings[] | select(.code == \"incluster-forbidden\")][0].commands ==
	 [\"kubectl create clusterrole reader-list-networkpolicies --verb=list --resource=networkpolicies.networking.k8s.io\",
	  \"kubectl create clusterrolebinding reader-list-networkpolicies --clusterrole=reader-list-networkpolicies --serviceaccount=shop:reader\"]"
# the grant it names would be enough: can-i on the bundle with it added says yes
mkdir -p "$WORK/granted/cluster" && cp "$B"/cluster/*.json "$WORK/granted/cluster/"
cat > "$WORK/granted/cluster/grant.json" <<EOS
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader-list-networkpolicies"},
  "rules": [{"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["list"]}]},
 {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "reader-list-networkpolicies"},
  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader-list-networkpolicies"},
  "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": "shop"}]}]}
EOS
check_rc "403: the grant allows it" 0 "$ND" --snapshot "$WORK/granted" can-i list networkpolicies -A --as "$SA"
check_rc "403: without it, denied" 1 "$ND" --snapshot "$B" can-i list networkpolicies -A --as "$SA"
serve_stop

# not a service account: the raw fact only
serve_start user --user alice@example.com --forbid networkpolicies
"$ND" --kubeconfig "$KC" diagnose -o json > "$WORK/user.json" 2> /dev/null
jq_file "403 for a user: apiserver-forbidden only" "$WORK/user.json" \
	"([.findings[].code] | index(\"apiserver-forbidden\")) != null and
	 ([.findings[].code] | index(\"incluster-forbidden\")) == null"
serve_stop

# RBAC objects not all readable: no answer rather than a wrong one
serve_start partial --user "$SA" --forbid networkpolicies --forbid rolebindings
"$ND" --kubeconfig "$KC" diagnose -o json > "$WORK/partial.json" 2> /dev/null
jq_file "403 without every RBAC kind: no incluster-forbidden" "$WORK/partial.json" \
	"([.findings[] | select(.code == \"apiserver-forbidden\")] | length) == 2 and
	 ([.findings[].code] | index(\"incluster-forbidden\")) == null"
serve_stop

# ---- can-i asks the API server ----
serve_start sar --user "$SA"
"$ND" --kubeconfig "$KC" can-i list pods -n shop -o json > "$WORK/self.json" 2> "$WORK/self.err"
rc_is "can-i live, allowed: exit 0" 0 $?
jq_file "can-i live without --as: the caller (SelfSubjectReview), self review agrees" "$WORK/self.json" \
	".verdict.user == \"$SA\" and .verdict.allowed == true and
	 .verdict.api_server.allowed == true and .verdict.api_server.review == \"SelfSubjectAccessReview\" and
	 (.verdict.api_server.reason | test(\"viewers\")) and .verdict.disagree == false and
	 ([.checks[] | select(.id == \"rbac-api-server\")][0].status == \"pass\")"
"$ND" --kubeconfig "$KC" can-i get secrets -n shop --as "$SA" -o json > "$WORK/deny.json" 2> /dev/null
rc_is "can-i live, denied: exit 1" 1 $?
jq_file "can-i live, denied by both" "$WORK/deny.json" \
	".verdict.allowed == false and .verdict.api_server.allowed == false and .verdict.disagree == false and
	 .verdict.api_server.review == \"SelfSubjectAccessReview\" and
	 [.findings[].code] == [\"incluster-forbidden\"]"
"$ND" --kubeconfig "$KC" can-i create deployments.apps -n shop --as system:serviceaccount:shop:deployer -o json > "$WORK/other.json" 2> /dev/null
jq_file "can-i live --as another subject: SubjectAccessReview agrees" "$WORK/other.json" \
	".verdict.allowed == true and .verdict.api_server.allowed == true and
	 .verdict.api_server.review == \"SubjectAccessReview\" and .verdict.disagree == false"
"$ND" --kubeconfig "$KC" can-i get /healthz --as alice@example.com -o json > "$WORK/path.json" 2> /dev/null
jq_file "can-i live, a path: agrees" "$WORK/path.json" \
	".verdict.api_server.allowed == true and .verdict.disagree == false"
"$ND" --kubeconfig "$KC" can-i get secrets -n shop --as "$SA" --as-group system:masters -o json > "$WORK/grp.json" 2> /dev/null
jq_file "can-i live --as-group: SubjectAccessReview with the groups" "$WORK/grp.json" \
	".verdict.allowed == true and .verdict.api_server.review == \"SubjectAccessReview\" and
	 .verdict.api_server.allowed == true"
check "can-i live text shows api_server and disagree" sh -c "'$ND' --kubeconfig '$KC' can-i list pods -n shop --color never |
	grep -q '^  api_server: allowed=true' && '$ND' --kubeconfig '$KC' can-i list pods -n shop --color never | grep -q '^  disagree: false'"
check "can-i --snapshot: no api_server" sh -c "'$ND' --snapshot '$B' can-i list pods -n shop --as '$SA' -o json |
	jq -e '(.verdict | has(\"api_server\") | not) and ([.checks[].id] | index(\"rbac-api-server\")) == null'"
# real kubectl against serve's reviews
check "kubectl auth whoami" sh -c "kubectl --kubeconfig '$KC' auth whoami | grep -q '$SA'"
check "kubectl auth can-i yes" sh -c "test \"\$(kubectl --kubeconfig '$KC' auth can-i list pods -n shop)\" = yes"
check "kubectl auth can-i no" sh -c "kubectl --kubeconfig '$KC' auth can-i get secrets -n shop | grep -q '^no'"
# read-only for everything else
code() { curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$@"; }
check "serve: POST a pod is 405" test "$(code -X POST "$URL/api/v1/namespaces/shop/pods" -d '{}')" = 405
check "serve: PUT a review is 405" test "$(code -X PUT "$URL/apis/authorization.k8s.io/v1/subjectaccessreviews" -d '{}')" = 405
check "serve: a review that is not JSON is 400" test "$(code -X POST "$URL/apis/authorization.k8s.io/v1/subjectaccessreviews" -d 'nope')" = 400
check "serve: a review without attributes is 422" test "$(code -X POST "$URL/apis/authorization.k8s.io/v1/subjectaccessreviews" -d '{"spec":{"user":"x"}}')" = 422
head -c 70000 /dev/zero | tr '\0' ' ' > "$WORK/big"
check "serve: a review body over 64 KiB is 413" test "$(code -X POST "$URL/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" --data-binary @"$WORK/big")" = 413
check "serve: a review needs credentials" test "$(curl -sk -o /dev/null -w '%{http_code}' -X POST "$URL/apis/authorization.k8s.io/v1/subjectaccessreviews" -d '{}')" = 401
check "serve: nothing was stored (GET a review is 404)" test "$(code "$URL/apis/authorization.k8s.io/v1/subjectaccessreviews")" = 404
serve_stop

# ---- a webhook authorizer that disagrees ----
serve_start webhook --user "$SA" --fault-sar-deny
"$ND" --kubeconfig "$KC" can-i list pods -n shop -o json > "$WORK/wh.json" 2> /dev/null
rc_is "disagreement: exit 1" 1 $?
jq_file "disagreement: api_server denies, RBAC allows, disagree true" "$WORK/wh.json" \
	".verdict.allowed == true and .verdict.api_server.allowed == false and .verdict.disagree == true and
	 (.verdict.api_server.reason | test(\"webhook\")) and
	 ([.checks[] | select(.id == \"rbac-api-server\")][0].reason | test(\"disagrees\"))"
jq_file "disagreement: apiserver-forbidden names the request" "$WORK/wh.json" \
	"[.findings[] | select(.code == \"apiserver-forbidden\")] | length == 1 and
	 .[0].evidence.user == \"$SA\" and .[0].evidence.verb == \"list\" and
	 .[0].evidence.resource == \"pods\" and .[0].evidence.namespace == \"shop\""
check "disagreement: text says disagree: true" sh -c "'$ND' --kubeconfig '$KC' can-i list pods -n shop --color never | grep -q '^  disagree: true'"
"$ND" --kubeconfig "$KC" can-i get secrets -n shop -o json > "$WORK/wh2.json" 2> /dev/null
jq_file "both deny: no disagreement" "$WORK/wh2.json" \
	".verdict.allowed == false and .verdict.api_server.allowed == false and .verdict.disagree == false"
check "kubectl auth can-i sees the webhook's no" sh -c "kubectl --kubeconfig '$KC' auth can-i list pods -n shop | grep -q '^no'"
serve_stop

# a server whose bundle has no RBAC objects: the review is not served, can-i says so
E=$(stage "$TOP/tests/bundles/service-from")
"$ND" serve --snapshot "$WORK/$E" --write-kubeconfig "$WORK/norbac.kc" --user "$SA" > "$WORK/norbac.url" 2>/dev/null &
SPID=$!
PIDS="$PIDS $SPID"
i=0; while [ ! -s "$WORK/norbac.url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$ND" --kubeconfig "$WORK/norbac.kc" can-i list pods -n shop -o json > "$WORK/norbac.json" 2> /dev/null
jq_file "review not served: api_server error, check error" "$WORK/norbac.json" \
	".verdict.api_server.allowed == null and .verdict.api_server.http == 404 and
	 ([.checks[] | select(.id == \"rbac-api-server\")][0].status == \"error\")"
serve_stop
