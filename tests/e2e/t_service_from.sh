#!/bin/sh
# netdiag service NAME --from NAMESPACE/POD on tests/bundles/service-from:
# the NetworkPolicy verdict from one pod to every ready endpoint of the
# Service, on each Service port's target port (a named targetPort resolved
# per endpoint pod: "http" is 8080 in web-v1 and 8081 in web-v2), reported
# as the service-netpol check and one netpol-denies finding per denied flow.
. "$TOP/tests/e2e/lib.sh"

b=$(stage "$TOP/tests/bundles/service-from")
cd "$WORK" || exit 1
nd() { "$ND" --snapshot "$b" "$@"; }
# jq_case NAME FILTER ARGS...: run netdiag -o json with ARGS, FILTER must hold
jq_case() {
	_n=$1 _f=$2
	shift 2
	if _o=$(nd "$@" -o json 2>&1 | jq -e "$_f" 2>&1); then ok "$_n"; else not_ok "$_n" "$_o"; fi
}
NP='.checks[] | select(.id == "service-netpol")'

check "help shows --from" sh -c "'$ND' service -h | grep -q -- '--from NAMESPACE/POD'"

# allowed everywhere: the named port resolves to 8080 and 8081, metrics 9090
check_rc "from frontend: allowed exits 0" 0 nd -n shop service web --from frontend
jq_case "from frontend: 4 flows, all allowed" \
	"[$NP] == [$NP | select(.status == \"pass\" and (.reason | test(\"4 of 4\")))] and
	 ([$NP] | length) == 1 and (.findings | length) == 0" service shop/web --from shop/frontend

# a numeric 8080 rule: web-v1 allowed on http, web-v2 (http = 8081) denied
check_rc "from legacy: denied exits 1" 1 nd service shop/web --from shop/legacy
jq_case "from legacy: per-pod named port, 1 of 4 allowed" \
	"($NP | .status == \"fail\" and (.reason | test(\"1 of 4\"))) and
	 ([.findings[] | select(.code == \"netpol-denies\") |
	   \"\(.evidence.destination.pod) \(.evidence.port)\"] | sort) ==
	   [\"shop/web-v1 9090/TCP\", \"shop/web-v2 8081/TCP\", \"shop/web-v2 9090/TCP\"]" \
	service shop/web --from shop/legacy
jq_case "from legacy: evidence source, destination, port, policies" \
	"[.findings[] | select(.evidence.destination.pod == \"shop/web-v2\" and .evidence.port == \"8081/TCP\")][0] |
	 .subject == {\"kind\": \"Pod\", \"namespace\": \"shop\", \"name\": \"web-v2\"} and
	 .evidence.source.pod == \"shop/legacy\" and .evidence.source.ip == \"10.244.0.21\" and
	 .evidence.destination.ip == \"10.244.0.11\" and
	 .evidence.policies == [.evidence.policies[0]] and
	 .evidence.policies[0].namespace == \"shop\" and .evidence.policies[0].name == \"web-ingress\" and
	 .evidence.policies[0].direction == \"ingress\" and
	 (.commands[0] == \"netdiag --snapshot $b can-reach shop/legacy shop/web-v2:8081/TCP\")" \
	service shop/web --from shop/legacy

# egress of the source denies, and the ingress of the destinations too
jq_case "from batch: egress and ingress both named" \
	"($NP | .reason | test(\"0 of 4\")) and (.findings | length) == 4 and
	 all(.findings[]; (.evidence.policies | map(\"\(.name):\(.direction)\")) ==
	     [\"batch-egress:egress\", \"web-ingress:ingress\"])" service shop/web --from shop/batch

# another namespace: metrics allowed, http denied on both pods' own port
jq_case "from monitoring: http denied on 8080 and 8081" \
	"([.findings[] | \"\(.evidence.destination.pod) \(.evidence.port)\"] | sort) ==
	 [\"shop/web-v1 8080/TCP\", \"shop/web-v2 8081/TCP\"]" service shop/web --from monitoring/prom

# an address outside the pods
jq_case "from an IP: no pod, ingress denies" \
	"(.findings | length) == 4 and all(.findings[]; .evidence.source.ip == \"192.0.2.7\" and
	 (.evidence.source | has(\"pod\") | not))" service shop/web --from 192.0.2.7

# the not-ready endpoint is never evaluated; Endpoints and slices count once
jq_case "not-ready endpoint skipped, no duplicates" \
	"all(.findings[]; .evidence.destination.pod != \"shop/web-v2-unready\") and
	 ([.findings[] | \"\(.evidence.destination.pod) \(.evidence.port)\"] | length) ==
	 ([.findings[] | \"\(.evidence.destination.pod) \(.evidence.port)\"] | unique | length)" \
	service shop/web --from shop/batch

# the S3 checks still run first, and their findings stay
jq_case "no ready endpoints: S3 finding kept, service-netpol skipped" \
	"($NP | .status == \"skip\") and
	 ([.findings[].code] == [\"service-selector-mismatch\"])" service shop/idle --from shop/frontend
jq_case "without --from: no service-netpol check" "[$NP] == []" service shop/web

check "text names the policy" sh -c "'$ND' --snapshot '$b' service shop/web --from shop/legacy --color never |
	grep -q 'name: web-ingress'"
check "--from=VALUE spelling" sh -c "'$ND' --snapshot '$b' service shop/web --from=shop/legacy -o json |
	jq -e '(.findings | length) == 3'"

check_rc "--from unknown pod" 2 nd service shop/web --from shop/nosuch
check_rc "--from without a value" 2 nd service shop/web --from
check_rc "unknown option" 2 nd service shop/web --to shop/frontend
check_rc "two services" 2 nd service shop/web shop/idle --from shop/frontend
if out=$(nd service shop/web --from shop/nosuch 2>/dev/null) && [ -z "$out" ]; then
	not_ok "usage error prints no report"
elif [ -z "$out" ]; then ok "usage error prints no report"; else not_ok "usage error prints no report" "$out"; fi

# the policy bundle: a Service whose targetPort name is resolved on the db pod
p=$(stage "$TOP/tests/bundles/policy")
check_rc "policy bundle: api -> svc db allowed" 0 "$ND" --snapshot "$p" service data/db --from backend/api-1
check "policy bundle: web -> svc db denied by two policies" sh -c "'$ND' --snapshot '$p' service db -n data --from frontend/web-1 -o json |
	jq -e '.findings[0].code == \"netpol-denies\" and .findings[0].evidence.port == \"5432/TCP\" and
	       ([.findings[0].evidence.policies[].name] | sort) == [\"db-from-api\", \"deny-all\"]'"
