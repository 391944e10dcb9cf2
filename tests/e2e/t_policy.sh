#!/bin/sh
# can-reach and can-i end to end on tests/bundles/policy: verdicts, reasons,
# fixes, findings and exit codes (allowed 0, denied 1, usage 2).
. "$TOP/tests/e2e/lib.sh"

b=$(stage "$TOP/tests/bundles/policy")
cd "$WORK" || exit 1
nd() { "$ND" --snapshot "$b" "$@"; }

for c in can-reach can-i; do
	check_rc "help $c" 0 "$ND" "$c" -h
done

# ---- can-reach ----
check_rc "can-reach allowed exits 0" 0 nd can-reach backend/api-1 data/db:5432
check "can-reach allowed names the rule" sh -c "'$ND' --snapshot '$b' can-reach backend/api-1 data/db:5432/TCP -o json |
	jq -e '.verdict.allowed == true and .verdict.ingress.isolated == true and
	       .verdict.ingress.allowed_by[0].policy == \"data/db-from-api\" and
	       .verdict.egress.isolated == false and (.findings | length) == 0'"
check_rc "can-reach denied exits 1" 1 nd can-reach frontend/web-1 data/db:5432
check "can-reach denied: verdict, reason, fix, finding" sh -c "'$ND' --snapshot '$b' can-reach frontend/web-1 data/db:5432 -o json |
	jq -e '.verdict.allowed == false and
	       (.verdict.ingress.policies | sort) == [\"data/db-from-api\", \"data/deny-all\"] and
	       (.verdict.reason | startswith(\"denied: ingress of data/db\")) and
	       (.verdict.fix | contains(\"kind: NetworkPolicy\")) and
	       .findings[0].code == \"netpol-denies\" and
	       .findings[0].evidence.port == \"5432/TCP\" and
	       .findings[0].evidence.source.pod == \"frontend/web-1\" and
	       .findings[0].evidence.destination.pod == \"data/db\" and
	       (.findings[0].evidence.policies | length) == 2'"
check "can-reach text shows the fix YAML" sh -c "'$ND' --snapshot '$b' can-reach frontend/admin backend/api-1:8080 --color never |
	grep -q '^  - Egress'"
check "can-reach egress deny" sh -c "'$ND' --snapshot '$b' can-reach frontend/admin frontend/web-1:8080 -o json |
	jq -e '.verdict.egress.isolated and (.verdict.egress.allowed | not) and .verdict.ingress.allowed'"
check "can-reach to an outside address" sh -c "'$ND' --snapshot '$b' can-reach backend/worker 8.8.8.8:53/udp -o json |
	jq -e '.verdict.allowed and .verdict.egress.allowed_by[0].rule == 1'"
check "can-reach bracketed IPv6 destination" sh -c "'$ND' --snapshot '$b' can-reach frontend/web-1 '[2001:db8::1]:443' -o json |
	jq -e '.verdict.allowed and .verdict.destination.ip == \"2001:db8::1\"'"
check "can-reach from the pod's node" sh -c "'$ND' --snapshot '$b' can-reach 10.240.0.7 data/backup:8080 -o json |
	jq -e '.verdict.allowed and (.verdict.always | test(\"node\"))'"
check "can-reach svc: every ready endpoint, service port to target port" sh -c "'$ND' --snapshot '$b' can-reach backend/api-2 svc:data/db:5432 -o json |
	jq -e '.verdict.allowed and .verdict.service == \"data/db\" and .verdict.endpoints_total == 1 and
	       .verdict.endpoints[0].destination.pod == \"data/db\"'"
check_rc "can-reach svc: denied exits 1" 1 nd can-reach frontend/web-1 svc:data/db:5432
check "can-reach no port: some port" sh -c "'$ND' --snapshot '$b' can-reach frontend/web-1 data/cache -o json |
	jq -e '.verdict.allowed and .verdict.ingress.some_ports_only and .verdict.port == \"any\"'"
check "can-reach --matrix JSON" sh -c "'$ND' --snapshot '$b' can-reach --matrix --port 8080/TCP -o json |
	jq -e '(.verdict.pods | length) == 9 and (.verdict.allowed | length) == 9 and
	       (.verdict.allowed | map(length) | unique) == [9] and
	       .verdict.allowed[7][0] == true and .verdict.allowed[6][0] == false and
	       ([.verdict.allowed[] | .[]] | map(select(.)) | length) == 32'"
check "can-reach --matrix -n" sh -c "'$ND' --snapshot '$b' -n data can-reach --matrix --port 5432 -o json |
	jq -e '.verdict.pods == [\"data/backup\", \"data/cache\", \"data/db\"]'"
check "can-reach --matrix text" sh -c "'$ND' --snapshot '$b' can-reach --matrix --port 8080 | grep -q 'X X \\. \\. \\. \\. X X X'"
check_rc "can-reach unknown pod" 2 nd can-reach frontend/nosuch data/db:5432
check_rc "can-reach bad port" 2 nd can-reach frontend/web-1 data/db:99999
check_rc "can-reach bad protocol" 2 nd can-reach frontend/web-1 data/db:53/ICMP
check_rc "can-reach one argument" 2 nd can-reach frontend/web-1
check_rc "can-reach --matrix without --port" 2 nd can-reach --matrix
check_rc "can-reach unknown service" 2 nd can-reach frontend/web-1 svc:data/nosuch:80
check "can-reach usage error prints nothing on stdout" sh -c "test -z \"\$('$ND' --snapshot '$b' can-reach x 2>/dev/null)\""

# ---- can-i ----
check_rc "can-i allowed exits 0" 0 nd can-i get secrets -n shop --as system:serviceaccount:shop:deployer
check "can-i allowed: binding -> role -> rule (aggregated)" sh -c "'$ND' --snapshot '$b' can-i get secrets -n shop --as system:serviceaccount:shop:deployer -o json |
	jq -e '.verdict.allowed and .verdict.matched[0].binding == \"RoleBinding/shop/editors\" and
	       .verdict.matched[0].role == \"ClusterRole/edit\" and
	       .verdict.matched[0].aggregated_from == \"ClusterRole/system:aggregate-to-edit\"'"
check_rc "can-i: view cannot read secrets" 1 nd can-i get secrets -n shop --as system:serviceaccount:shop:reader
check "can-i denied: closest, fix, finding" sh -c "'$ND' --snapshot '$b' can-i get secrets -n shop --as system:serviceaccount:shop:reader -o json |
	jq -e '(.verdict.allowed | not) and (.verdict.closest | length) > 0 and
	       (.verdict.fix | contains(\"kind: RoleBinding\")) and
	       .findings[0].code == \"incluster-forbidden\" and
	       .findings[0].evidence.user == \"system:serviceaccount:shop:reader\" and
	       .findings[0].evidence.verb == \"get\" and .findings[0].evidence.resource == \"secrets\" and
	       .findings[0].evidence.namespace == \"shop\"'"
check_rc "can-i: view cannot create pods/exec" 1 nd can-i create pods --subresource exec -n shop --as system:serviceaccount:shop:reader
check_rc "can-i: edit can create pods/exec" 0 nd can-i create pods --subresource exec -n shop --as system:serviceaccount:shop:deployer
check_rc "can-i: admin (nested aggregation) can read secrets anywhere" 0 nd can-i get secrets -n any --as alice@example.com
check_rc "can-i: resourceNames" 0 nd can-i get configmaps/app-config -n shop --as system:serviceaccount:shop:web
check_rc "can-i: implied group system:serviceaccounts:shop" 0 nd can-i get pods --subresource log -n shop --as system:serviceaccount:shop:nobody
check_rc "can-i: --as-group replaces the implied groups" 1 nd can-i get pods --subresource log -n shop --as system:serviceaccount:shop:nobody --as-group devs
check_rc "can-i get /healthz" 0 nd can-i get /healthz --as bob
check "can-i path denied gets a ClusterRole" sh -c "'$ND' --snapshot '$b' can-i get /metrics --as bob -o json |
	jq -e '(.verdict.allowed | not) and (.verdict.fix | contains(\"kind: ClusterRole\")) and
	       (.verdict.fix | contains(\"nonResourceURLs\")) and .findings[0].evidence.namespace == null'"
check "can-i cluster-scoped kind ignores -n" sh -c "'$ND' --snapshot '$b' can-i list nodes -n shop --as bob -o json |
	jq -e '.verdict.request.namespace == null and (.verdict.fix | contains(\"kind: ClusterRoleBinding\"))'"
check_rc "can-i system:masters" 0 nd can-i delete nodes --as root --as-group system:masters
check_rc "can-i -A is all namespaces (RoleBindings do not count)" 1 nd -A can-i list pods --as system:serviceaccount:shop:reader
check "can-i text shows the reason" sh -c "'$ND' --snapshot '$b' can-i list pods -n default --as system:serviceaccount:shop:reader --color never |
	grep -q 'grants in namespace shop, not default'"
check_rc "can-i without --as" 2 nd can-i get pods
check_rc "can-i missing resource" 2 nd can-i get --as bob
check_rc "can-i unknown option" 2 nd can-i get pods --as bob --frobnicate
