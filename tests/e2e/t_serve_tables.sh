#!/bin/sh
# netdiag serve prints as a cluster does: the real kubectl get, which asks for
# a meta.k8s.io Table, against tests/serve-tables (objects that exercise each
# kind's printing rules, ages fixed by collect-info.json), compared with
# tests/serve-tables/expected/*.tsv: the cells written by hand from the API
# server's printing rules, laid out here as kubectl's tabwriter lays them out
# (each column but the last as wide as its widest cell plus 3, at least 6).
# 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if ! command -v kubectl >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1 ||
   ! command -v jq >/dev/null 2>&1; then
	not_ok "serve tables: kubectl, curl and jq are needed"
	exit 0
fi

B="$TOP/tests/serve-tables"
KC="$WORK/kc"
"$ND" serve --snapshot "$B" --listen 127.0.0.1:0 --write-kubeconfig "$KC" \
	> "$WORK/serve.out" 2> "$WORK/serve.err" &
SPID=$!
i=0
while [ $i -lt 200 ] && [ ! -s "$WORK/serve.out" ] && kill -0 "$SPID" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
if [ ! -s "$WORK/serve.out" ]; then
	not_ok "serve tables: serve started" "$(cat "$WORK/serve.err")"
	exit 0
fi
kc() { kubectl --kubeconfig "$KC" --cache-dir "$WORK/kcache" --request-timeout 20s "$@"; }

# render TSV: the table kubectl prints for these cells
render() {
	awk -F '\t' '
	NR == FNR { for (i = 1; i < NF; i++) if (length($i) + 3 > w[i]) w[i] = length($i) + 3; next }
	{
		line = ""
		for (i = 1; i < NF; i++) { c = $i; pad = (w[i] < 6 ? 6 : w[i]) - length(c); line = line c sprintf("%" pad "s", "") }
		print line $NF
	}' "$1" "$1"
}

# table NAME KUBECTL-ARGS...
table() {
	_n=$1
	shift
	render "$B/expected/$_n.tsv" > "$WORK/$_n.want"
	if ! kc "$@" > "$WORK/$_n.got" 2> "$WORK/$_n.err"; then
		not_ok "serve tables: kubectl $*" "$(cat "$WORK/$_n.err")"
		return
	fi
	if out=$(diff -u "$WORK/$_n.want" "$WORK/$_n.got"); then
		ok "serve tables: kubectl $*"
	else
		not_ok "serve tables: kubectl $*" "$out"
	fi
}

table pods get pods -n app
table pods-wide get pods -n app -o wide
table pods-all get pods -A
table pod-web-2 get pod web-2 -n app
table services-wide get services -n app -o wide
table endpoints get endpoints -n app
table endpointslices get endpointslices -n app
table nodes-wide get nodes -o wide
table events get events -n app
table events-wide get events -n app -o wide
table namespaces get namespaces
table daemonsets-wide get daemonsets -n app -o wide
table deployments-wide get deployments -n app -o wide
table networkpolicies get networkpolicies -n app
table configmaps get configmaps -n app
table serviceaccounts get serviceaccounts -n app
table roles get roles -n app
table rolebindings-wide get rolebindings -n app -o wide
table jobs-wide get jobs -n app -o wide
table cronjobs-wide get cronjobs -n app -o wide
table ingresses get ingresses -n app
table ingressclasses get ingressclasses
table pvcs-wide get pvc -n app -o wide
table pvs-wide get pv -o wide
table storageclasses get storageclasses
table crds get crd
table pdbs get pdb -n app
table replicationcontrollers-wide get rc -n app -o wide
table podtemplates get podtemplates -n app
table controllerrevisions get controllerrevisions -n app
table hpas get hpa -n app
table resourcequotas get quota -n app
# custom resources: the CRD's printer columns, or Name and Age without a CRD
table nnc get nnc -n kube-system
table nnc-wide get nnc -n kube-system -o wide
table ciliumnodes get ciliumnodes

# the Table itself, as the API server shapes it
token=$(sed -n 's/^ *token: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$KC")
sed -n 's/^ *certificate-authority-data: *//p' "$KC" | base64 -d > "$WORK/ca.pem"
URL=$(head -n 1 "$WORK/serve.out")
api() { curl -sS --cacert "$WORK/ca.pem" -H "Authorization: Bearer $token" "$@"; }
ACCEPT='Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
check "serve tables: pod columns, priorities and row objects" sh -c "
	curl -sS --cacert '$WORK/ca.pem' -H 'Authorization: Bearer $token' -H '$ACCEPT' \
		'$URL/api/v1/namespaces/app/pods' | jq -e '
		.kind == \"Table\" and .apiVersion == \"meta.k8s.io/v1\" and
		([.columnDefinitions[] | \"\(.name):\(.priority)\"] | join(\",\")) ==
		  \"Name:0,Ready:0,Status:0,Restarts:0,Age:0,IP:1,Node:1,Nominated Node:1,Readiness Gates:1\" and
		(.rows | length) == 7 and
		all(.rows[]; (.cells | length) == 9 and .object.kind == \"PartialObjectMetadata\") and
		(.rows[] | select(.cells[0] == \"job-done\") | .conditions[0].reason) == \"Succeeded\"'"
check "serve tables: includeObject=Object carries the whole object" sh -c "
	curl -sS --cacert '$WORK/ca.pem' -H 'Authorization: Bearer $token' -H '$ACCEPT' \
		'$URL/api/v1/namespaces/app/pods?includeObject=Object&limit=2' |
		jq -e '(.rows | length) == 2 and .rows[0].object.kind == \"Pod\" and
		       (.metadata.continue | length) > 0 and .metadata.remainingItemCount == 5'"
check "serve tables: without the Accept header, a plain list" sh -c "
	api '$URL/api/v1/namespaces/app/pods' | jq -e '.kind == \"PodList\" and (.items | length) == 7'"
check "serve tables: a bad includeObject is a 400 Status" sh -c "
	api -H '$ACCEPT' '$URL/api/v1/namespaces/app/pods?includeObject=Everything' |
		jq -e '.kind == \"Status\" and .code == 400'"
check "serve tables: job columns and priorities as the API server defines them" sh -c "
	curl -sS --cacert '$WORK/ca.pem' -H 'Authorization: Bearer $token' -H '$ACCEPT' \
		'$URL/apis/batch/v1/namespaces/app/jobs' | jq -e '
		([.columnDefinitions[] | \"\\(.name):\\(.type):\\(.priority)\"] | join(\",\")) ==
		  \"Name:string:0,Status:string:0,Completions:string:0,Duration:string:0,Age:string:0,Containers:string:1,Images:string:1,Selector:string:1\" and
		(.rows | length) == 3'"
check "serve tables: a CronJob's Suspend is boolean-typed, its Active an integer" sh -c "
	curl -sS --cacert '$WORK/ca.pem' -H 'Authorization: Bearer $token' -H '$ACCEPT' \
		'$URL/apis/batch/v1/namespaces/app/cronjobs' | jq -e '
		([.columnDefinitions[] | select(.name == \"Suspend\" or .name == \"Active\") | .type] ==
		  [\"boolean\", \"integer\"]) and
		(.rows[] | select(.cells[0] == \"nightly\") | .cells[4]) == 1'"
check "serve tables: a custom resource's columns come from its CRD, nulls where a path finds nothing" sh -c "
	curl -sS --cacert '$WORK/ca.pem' -H 'Authorization: Bearer $token' -H '$ACCEPT' \
		'$URL/apis/acn.azure.com/v1alpha/namespaces/kube-system/nodenetworkconfigs' | jq -e '
		([.columnDefinitions[] | \"\\(.name):\\(.type):\\(.priority)\"] | join(\",\")) ==
		  \"Name:string:0,Requested IPs:integer:1,Allocated IPs:integer:0,Subnet:string:1,Subnet CIDR:string:1,NC ID:string:1,NC Mode:string:0,NC Type:string:1,NC Version:integer:0\" and
		.columnDefinitions[1].description == \"Custom resource definition column (in JSONPath format): .spec.requestedIPCount\" and
		.rows[1].cells == [\"aks-nodepool1-27182818-vmss000001\", 16, null, null, null, null, null, null, null]'"
# kubectl pages through a Table too
check "serve tables: kubectl --chunk-size=2 lists every pod" sh -c "
	test \$(kubectl --kubeconfig '$KC' --cache-dir '$WORK/kcache' get pods -n app --chunk-size=2 --no-headers | wc -l) = 7"
