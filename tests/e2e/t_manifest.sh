#!/bin/sh
# The manifests (src/manifest.c, deploy/): the real kubectl accepts them with
# 'apply --dry-run=client' against netdiag serve (discovery, OpenAPI v3, the
# GET of each object), with the defaults and with another image and
# namespace; then what they say, read back from kubectl's own JSON: the
# guide's limits, a read-only root, non-root, no privilege, read-only RBAC,
# the Pod and the Job running the same spec, fleet's DaemonSet on every Linux
# node. 127.0.0.1 only.
#
# The manifests come from the test entry point of tests/unit/test_manifest.c
# ('--print NAME [IMAGE [NS]]', the same function 'incluster --print-manifest'
# and 'fleet manifest' print).
. "$TOP/tests/e2e/lib.sh"

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PRINT="$(dirname "$ND")/tests/test_manifest"
if ! command -v kubectl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1 ||
   ! command -v curl >/dev/null 2>&1 || ! [ -x "$PRINT" ]; then
	not_ok "manifest: kubectl, jq, curl and $PRINT are needed"
	exit 0
fi

KC="$WORK/kc"
"$ND" serve --snapshot "$TOP/examples/aks-kubenet-broken" --listen 127.0.0.1:0 \
	--write-kubeconfig "$KC" > "$WORK/serve.out" 2> "$WORK/serve.err" &
SPID=$!
i=0
while [ $i -lt 200 ] && ! [ -s "$WORK/serve.out" ]; do
	kill -0 "$SPID" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
URL=$(head -n 1 "$WORK/serve.out")
if [ -z "$URL" ]; then
	not_ok "manifest: serve starts" "$(cat "$WORK/serve.err")"
	exit 0
fi
kc() { kubectl --kubeconfig "$KC" --cache-dir "$WORK/kcache" --request-timeout 20s "$@"; }

# apply NAME WANT [IMAGE NS]: kubectl apply --dry-run=client accepts the manifest
# and says it would create exactly WANT (its lines, in order)
apply() {
	n=$1 want=$2
	shift 2
	"$PRINT" --print "$n" "$@" > "$WORK/$n.yaml" || return 1
	if ! kc apply --dry-run=client -f - < "$WORK/$n.yaml" > "$WORK/$n.out" 2>&1; then
		cat "$WORK/$n.out"
		return 1
	fi
	printf '%s\n' "$want" | diff - "$WORK/$n.out"
}
INCLUSTER="serviceaccount/netdiag-incluster created (dry run)
clusterrole.rbac.authorization.k8s.io/netdiag-incluster created (dry run)
clusterrolebinding.rbac.authorization.k8s.io/netdiag-incluster-default created (dry run)
job.batch/netdiag-incluster created (dry run)"
POD="pod/netdiag-incluster created (dry run)"
FLEET="namespace/netdiag created (dry run)
serviceaccount/netdiag-agent created (dry run)
clusterrole.rbac.authorization.k8s.io/netdiag-agent created (dry run)
clusterrolebinding.rbac.authorization.k8s.io/netdiag-agent-netdiag created (dry run)
daemonset.apps/netdiag-agent created (dry run)"
check "manifest: kubectl apply --dry-run=client accepts incluster" apply incluster "$INCLUSTER"
check "manifest: kubectl apply --dry-run=client accepts incluster-pod" apply incluster-pod "$POD"
check "manifest: kubectl apply --dry-run=client accepts fleet" apply fleet "$FLEET"
IMG=registry.example:5000/ops/netdiag:1.2
check "manifest: incluster with --image and -n ops" apply incluster \
	"$(printf '%s\n' "$INCLUSTER" | sed 's/incluster-default/incluster-ops/')" "$IMG" ops
check "manifest: fleet with --image and -n ops" apply fleet \
	"$(printf '%s\n' "$FLEET" | sed 's|namespace/netdiag |namespace/ops |; s/agent-netdiag/agent-ops/')" "$IMG" ops
# the command prints the same text, and kubectl accepts it
t_cmd() {
	"$ND" incluster --print-manifest --image "$IMG" -n ops > "$WORK/cmd.yaml" 2>&1 &&
		"$PRINT" --print incluster "$IMG" ops | diff - "$WORK/cmd.yaml" &&
		kc apply --dry-run=client -f - < "$WORK/cmd.yaml" > "$WORK/cmd.out" 2>&1 &&
		grep -q '^job.batch/netdiag-incluster created' "$WORK/cmd.out"
}
check "manifest: netdiag incluster --print-manifest --image I -n ops (no pod needed)" t_cmd
t_deploy() { kc apply --dry-run=client -f "$TOP/deploy" > "$WORK/deploy.out" 2>&1 || { cat "$WORK/deploy.out"; return 1; }; }
check "manifest: kubectl apply --dry-run=client -f deploy/ (the checked-in files)" t_deploy

# the test can fail: kubectl refuses a kind the API does not serve, and a bad value never prints
t_refused() {
	sed 's/^kind: Job$/kind: Jobs/' "$WORK/incluster.yaml" > "$WORK/bad.yaml"
	! kc apply --dry-run=client -f "$WORK/bad.yaml" > "$WORK/bad.out" 2>&1 &&
		! grep -q '^job' "$WORK/bad.out" &&
		! kc apply --dry-run=client --validate=false -f "$WORK/bad.yaml" > "$WORK/bad.out" 2>&1 &&
		grep -q 'no matches for kind "Jobs"' "$WORK/bad.out"
}
check "manifest: kubectl refuses a kind serve does not serve (the check is real)" t_refused
check_rc "manifest: a bad namespace is refused" 2 "$PRINT" --print incluster x Bad_NS

# what they say, from kubectl's JSON of the objects it would create
objs() { kc create --dry-run=client -o json -f "$WORK/$1.yaml" > "$WORK/$1.json" 2>&1; }
check "manifest: kubectl reads incluster back" objs incluster
"$PRINT" --print incluster-pod "$IMG" ops > "$WORK/incluster-pod.yaml"
check "manifest: kubectl reads incluster-pod back" objs incluster-pod
check "manifest: kubectl reads fleet back" objs fleet
# all NAME JQ: JQ is true of incluster's (with -n ops) or fleet's objects
all() { jq -e -s "[.[] | if .kind == \"List\" then .items[] else . end] | $2" "$WORK/$1.json" >/dev/null; }
JOBPOD='(map(select(.kind == "Job"))[0].spec.template.spec)'
t_limits() { all incluster "$JOBPOD.containers[0].resources == {limits: {cpu: \"200m\", memory: \"128Mi\"}}"; }
check "manifest: the Job has the guide's limits (cpu 200m, memory 128Mi)" t_limits
t_secure() {
	all incluster "$JOBPOD | .securityContext.runAsNonRoot == true and .securityContext.runAsUser == 65532 and
		(.containers[0].securityContext | .readOnlyRootFilesystem == true and .privileged == false and
		 .allowPrivilegeEscalation == false and .capabilities.drop == [\"ALL\"]) and
		.volumes == [{name: \"tmp\", emptyDir: {sizeLimit: \"64Mi\"}}] and
		(.hostNetwork | not) and .restartPolicy == \"Never\""
}
check "manifest: the Job runs non-root on a read-only root, no privilege, no host access" t_secure
t_image() {
	all incluster "$JOBPOD.containers[0].image == \"$IMG\" and $JOBPOD.serviceAccountName == \"netdiag-incluster\" and
		(map(select(.kind != \"ClusterRole\" and .kind != \"ClusterRoleBinding\")) | all(.metadata.namespace == \"ops\")) and
		(map(select(.kind == \"ClusterRoleBinding\"))[0].subjects == [{kind: \"ServiceAccount\", name: \"netdiag-incluster\", namespace: \"ops\"}])"
}
check "manifest: image and namespace reach every object and the binding's subject" t_image
# read-only: only get/list, never secrets, no wildcard
RO='map(select(.kind == "ClusterRole"))[0].rules | all(.verbs - ["get", "list"] == [] and (.resources | index("secrets") | not) and (.resources | index("*") | not) and (.apiGroups | index("*") | not))'
t_rbac() {
	all incluster "$RO" &&
		all incluster 'map(select(.kind == "ClusterRole"))[0].rules | map(.resources[]) | sort == ["endpoints", "endpointslices", "namespaces", "networkpolicies", "nodes", "pods", "services"]'
}
check "manifest: incluster's ClusterRole is read-only: get/list of exactly what it reads" t_rbac
t_same() {
	jq -S '.spec' "$WORK/incluster-pod.json" > "$WORK/pod.spec" &&
		jq -S -s "[.[] | if .kind == \"List\" then .items[] else . end] | $JOBPOD" "$WORK/incluster.json" > "$WORK/job.spec" &&
		diff "$WORK/job.spec" "$WORK/pod.spec"
}
check "manifest: the Pod and the Job's template run the same spec" t_same
DS='(map(select(.kind == "DaemonSet"))[0].spec.template.spec)'
t_ds() {
	all fleet "$DS | .hostNetwork == true and .tolerations == [{operator: \"Exists\"}] and
		.nodeSelector == {\"kubernetes.io/os\": \"linux\"} and
		(.volumes | map(select(.name == \"host\"))[0].hostPath.path == \"/\") and
		(.containers[0].volumeMounts | map(select(.name == \"host\"))[0] | .readOnly == true and .mountPath == \"/host\") and
		(.containers[0].securityContext | .privileged == false and .readOnlyRootFilesystem == true and .allowPrivilegeEscalation == false and
		 .capabilities == {drop: [\"ALL\"], add: [\"NET_ADMIN\"]})" &&
		all fleet "$RO" && all fleet 'map(select(.kind == "Namespace"))[0].metadata.name == "ops"'
}
check "manifest: fleet's DaemonSet: hostNetwork, read-only hostPath /, every taint, Linux nodes, only NET_ADMIN" t_ds

# serve's OpenAPI v3, which kubectl read above
cacert() { sed -n 's/^ *certificate-authority-data: *//p' "$KC" | base64 -d > "$WORK/ca.pem"; }
token() { sed -n 's/^ *token: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$KC"; }
cacert
api() { curl -sS --cacert "$WORK/ca.pem" -H "Authorization: Bearer $(token)" "$@"; }
t_openapi() {
	u=$(api "$URL/openapi/v3" | jq -r '.paths["apis/batch/v1"].serverRelativeURL') &&
		echo "$u" | grep -Eq '^/openapi/v3/apis/batch/v1\?hash=[0-9A-F]{16}$' &&
		api "$URL$u" | jq -e '.paths["/apis/batch/v1/namespaces/{namespace}/jobs/{name}"].patch |
			(.["x-kubernetes-group-version-kind"] == {group: "batch", version: "v1", kind: "Job"}) and
			(.parameters | map(.name) | index("fieldValidation") != null)' >/dev/null &&
		api "$URL/openapi/v3/api/v1" | jq -e '.paths["/api/v1/nodes/{name}"].get["x-kubernetes-action"] == "get"' >/dev/null &&
		test "$(api -o /dev/null -w '%{http_code}' "$URL/openapi/v3/apis/nosuch.example/v1")" = 404
}
check "manifest: serve's /openapi/v3 names each group version's document, with patch's fieldValidation" t_openapi
