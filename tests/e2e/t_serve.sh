#!/bin/sh
# netdiag serve: the real kubectl against a bundle served as a Kubernetes API.
# Conformance on every complete bundle (kubectl lists exactly the bundle's
# objects), then authentication, errors as Status objects, paging, the
# fault switches (seen with curl) and a clean stop. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"

PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if ! command -v kubectl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1 ||
   ! command -v curl >/dev/null 2>&1; then
	not_ok "serve: kubectl, jq and curl are needed"
	exit 0
fi

# start NAME ARGS...: run serve in the background; sets URL, KC (kubeconfig), SPID.
start() {
	name=$1
	shift
	KC="$WORK/$name.kc"
	"$ND" serve --listen 127.0.0.1:0 --write-kubeconfig "$KC" "$@" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" &
	SPID=$!
	PIDS="$PIDS $SPID"
	i=0
	URL=""
	while [ $i -lt 200 ]; do
		URL=$(head -n 1 "$WORK/$name.out" 2>/dev/null)
		[ -n "$URL" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$URL" ]
}

stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

kc() { kubectl --kubeconfig "$KC" --cache-dir "$WORK/kcache" --request-timeout 20s "$@"; }
token() { sed -n 's/^ *token: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$KC"; }
cacert() { sed -n 's/^ *certificate-authority-data: *//p' "$KC" | base64 -d > "$WORK/ca.pem"; }
api() { curl -sS --cacert "$WORK/ca.pem" -H "Authorization: Bearer $(token)" "$@"; }

NORM='[.items[] | del(.metadata.managedFields)] | sort_by(.metadata.namespace, .metadata.name)'

# every object of the bundle, one per line (items of Lists and single objects)
objects() {
	find "$1/cluster" -name '*.json' | sort | while read -r f; do
		jq -c 'if type == "object" and has("items") then .items[] else . end' "$f" 2>/dev/null
	done
}

# want DIR KIND APIVERSION [JQ-CONDITION]: the bundle's objects, normalised
want() {
	objects "$1" | jq -s -S --arg k "$2" --arg v "$3" \
		"{items: [.[] | select(.kind == \$k and .apiVersion == \$v) | select(${4:-true})]} | $NORM"
}

# same NAME WANT-FILE KUBECTL-ARGS...: kubectl's items equal the wanted ones
same() {
	n=$1 w=$2
	shift 2
	if ! kc "$@" -o json > "$WORK/got.raw" 2> "$WORK/got.err"; then
		not_ok "$n" "$(cat "$WORK/got.err")"
		return
	fi
	jq -S "$NORM" "$WORK/got.raw" > "$WORK/got.json"
	if cmp -s "$w" "$WORK/got.json"; then
		ok "$n"
	else
		not_ok "$n" "$(diff "$w" "$WORK/got.json" | head -n 20)"
	fi
}

# ---- conformance on every complete bundle ----
for dir in "$TOP"/examples/* "$TOP"/tests/bundles/*; do
	[ -d "$dir/cluster" ] || continue
	b=$(basename "$dir")
	[ "$b" = bad-input ] && continue   # malformed on purpose; see below
	if ! start "$b" --snapshot "$dir"; then
		not_ok "serve $b: starts" "$(cat "$WORK/$b.err")"
		continue
	fi
	ok "serve $b: starts"
	want "$dir" Pod v1 > "$WORK/want.json"
	same "serve $b: get pods -A" "$WORK/want.json" get pods -A
	same "serve $b: get pods -A --chunk-size=2" "$WORK/want.json" get pods -A --chunk-size=2
	sel=$(objects "$dir" | jq -r -s '[.[] | select(.kind == "Pod" and (.metadata.labels // {} | length) > 0)][0].metadata.labels // {} | to_entries | .[0] | "\(.key)=\(.value)"' 2>/dev/null)
	if [ -n "$sel" ] && [ "$sel" != "null=null" ]; then
		k=${sel%%=*} v=${sel#*=}
		want "$dir" Pod v1 ".metadata.labels[\"$k\"] == \"$v\"" > "$WORK/want.json"
		same "serve $b: get pods -l $sel -A" "$WORK/want.json" get pods -l "$sel" -A
	fi
	node=$(objects "$dir" | jq -r -s '[.[] | select(.kind == "Pod" and .spec.nodeName != null)][0].spec.nodeName // ""')
	if [ -n "$node" ]; then
		want "$dir" Pod v1 ".spec.nodeName == \"$node\"" > "$WORK/want.json"
		same "serve $b: get pods --field-selector spec.nodeName" "$WORK/want.json" \
			get pods -A --field-selector "spec.nodeName=$node"
	fi
	want "$dir" Node v1 > "$WORK/want.json"
	same "serve $b: get nodes" "$WORK/want.json" get nodes
	want "$dir" Event v1 > "$WORK/want.json"
	same "serve $b: get events -A" "$WORK/want.json" get events -A
	if objects "$dir" | grep -q '"kind":"NodeNetworkConfig"'; then
		want "$dir" NodeNetworkConfig acn.azure.com/v1alpha > "$WORK/want.json"
		same "serve $b: get nnc -A" "$WORK/want.json" get nnc -A
	fi
	stop "$SPID"
done

# ---- one server for the rest ----
# code URL [CURL-ARGS]: the HTTP status; the body goes to $WORK/b
code() { u=$1; shift; api -o "$WORK/b" -w '%{http_code}' "$@" "$u"; }
body() { jq -e "$1" "$WORK/b" >/dev/null; }

demo="$TOP/examples/aks-kubenet-broken"
start demo --snapshot "$demo" --forbid nodes --user tester || not_ok "serve demo: starts"
cacert
t_mode() { test "$(stat -c %a "$KC")" = 600; }
t_url() { echo "$URL" | grep -Eq '^https://127\.0\.0\.1:[0-9]+$'; }
t_401() {
	test "$(curl -sS --cacert "$WORK/ca.pem" -o "$WORK/b" -w '%{http_code}' "$URL/api/v1/pods")" = 401 &&
		body '.kind == "Status" and .reason == "Unauthorized" and .code == 401'
}
t_401_bad() {
	test "$(curl -sS --cacert "$WORK/ca.pem" -H 'Authorization: Bearer nope' -o /dev/null \
		-w '%{http_code}' "$URL/api/v1/pods")" = 401
}
t_401_kubectl() {
	sed 's/^\( *token:\).*/\1 wrong/' "$KC" > "$WORK/badtoken.kc"
	! kubectl --kubeconfig "$WORK/badtoken.kc" --cache-dir "$WORK/kc2" get pods -A \
		</dev/null >/dev/null 2>"$WORK/e" && grep -q 'must be logged in' "$WORK/e"
}
t_version() { curl -sS --cacert "$WORK/ca.pem" "$URL/version" | jq -e '.major == "1"' >/dev/null; }
t_404() {
	test "$(code "$URL/api/v1/namespaces/default/pods/nosuch")" = 404 &&
		body '.reason == "NotFound" and .details.name == "nosuch" and .details.kind == "pods" and .message == "pods \"nosuch\" not found"'
}
t_404_kubectl() { ! kc get pod nosuch 2>"$WORK/e" && grep -q NotFound "$WORK/e"; }
t_404_res() { test "$(code "$URL/api/v1/frobs")" = 404 && body '.kind == "Status"'; }
t_403() {
	test "$(code "$URL/api/v1/nodes")" = 403 &&
		body '.reason == "Forbidden" and (.message | contains("User \"tester\" cannot list resource \"nodes\""))'
}
t_403_kubectl() { ! kc get nodes 2>"$WORK/e" && grep -q Forbidden "$WORK/e"; }
t_secrets() { test "$(code "$URL/api/v1/namespaces/default/secrets")" = 403; }
t_405() {
	test "$(code "$URL/api/v1/namespaces/default/pods/netshoot" -X DELETE)" = 405 &&
		body '.reason == "MethodNotAllowed"'
}
t_pages() {
	api "$URL/api/v1/pods?limit=5" > "$WORK/p1" &&
		jq -e '(.items | length) == 5 and .kind == "PodList" and (.metadata.continue | length) > 0 and .metadata.remainingItemCount > 0' "$WORK/p1" >/dev/null &&
		c=$(jq -r .metadata.continue "$WORK/p1") &&
		api "$URL/api/v1/pods?limit=5&continue=$c" | jq -e '(.items | length) == 5' >/dev/null
}
t_badcont() { test "$(code "$URL/api/v1/pods?limit=5&continue=bogus")" = 400; }
t_badfield() {
	test "$(code "$URL/api/v1/pods?fieldSelector=spec.frob%3Dx")" = 400 &&
		grep -q 'field label not supported' "$WORK/b"
}
t_short() {
	api "$URL/api/v1" | jq -e '[.resources[] | select(.name == "pods")][0].shortNames == ["po"]' >/dev/null
}
check "kubeconfig is 0600" t_mode
check "first stdout line is the https URL" t_url
check "no token: 401 Unauthorized Status" t_401
check "wrong token: 401" t_401_bad
check "kubectl with a wrong token is refused" t_401_kubectl
check "/version is public" t_version
check "404 unknown object: Status NotFound" t_404
check "kubectl get of a missing pod says NotFound" t_404_kubectl
check "404 unknown resource" t_404_res
check "403 forbidden resource names the user" t_403
check "kubectl on a forbidden resource says Forbidden" t_403_kubectl
check "secrets are never served (403)" t_secrets
check "405 on a write" t_405
check "limit/continue pages by hand" t_pages
check "bad continue token: 400" t_badcont
check "unsupported field label: 400" t_badfield
check "discovery has short names" t_short
kill -TERM "$SPID"
wait "$SPID"
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'stopping (SIGTERM)' "$WORK/demo.err"; then
	ok "SIGTERM stops it cleanly (exit 0)"
else
	not_ok "SIGTERM stops it cleanly (exit 0)" "exit $rc; $(tail -n 3 "$WORK/demo.err")"
fi

# ---- fault switches, seen with curl ----
start faults --snapshot "$demo" --fault-hang-path /api/v1/namespaces/kube-system \
	--fault-truncate-path /api/v1/nodes --fault-500-path /apis/apps --fault-410-continue ||
	not_ok "serve with faults: starts"
cacert
t_hang() { api --max-time 1 -o /dev/null "$URL/api/v1/namespaces/kube-system/pods"; test $? -eq 28; }
t_trunc() { api -o "$WORK/b" "$URL/api/v1/nodes"; test $? -eq 18 && ! jq . "$WORK/b" >/dev/null 2>&1; }
t_500() { test "$(code "$URL/apis/apps/v1/daemonsets")" = 500 && body '.reason == "InternalError"'; }
t_410() {
	c=$(api "$URL/api/v1/pods?limit=2" | jq -r .metadata.continue) &&
		test "$(code "$URL/api/v1/pods?limit=2&continue=$c")" = 410 &&
		body '.reason == "Expired" and .code == 410 and (.metadata.continue | length) > 0' &&
		test "$(code "$URL/api/v1/pods?limit=2&continue=$c")" = 200
}
t_rest() { kc get pods -n default -o name | grep -q netshoot; }
check "fault hang: no answer" t_hang
check "fault truncate: body cut short" t_trunc
check "fault 500: InternalError Status" t_500
check "fault 410 on the first continue, then not" t_410
check "kubectl still lists what is not faulted" t_rest
stop "$SPID"

start slow --snapshot "$demo" --fault-429-every 3 --fault-latency 300 || not_ok "serve slow: starts"
cacert
t_latency() {
	t=$(api -o /dev/null -w '%{time_total}' "$URL/version")
	awk -v t="$t" 'BEGIN { exit !(t >= 0.3) }'
}
t_429() {
	for i in 1 2 3; do api -D "$WORK/h$i" -o /dev/null "$URL/api/v1/namespaces"; done
	grep -l '^HTTP/[0-9.]* 429' "$WORK/h1" "$WORK/h2" "$WORK/h3" | wc -l | grep -qx 1 &&
		grep -q '^HTTP/[0-9.]* 429' "$WORK/h3" && grep -qi '^retry-after: 1' "$WORK/h3"
}
check "fault latency: answers take the delay" t_latency
check "fault 429 every 3rd request, with Retry-After" t_429
stop "$SPID"

# ---- certificates ----
if command -v openssl >/dev/null 2>&1; then
	(
		cd "$WORK" || exit 1
		for n in ca other; do
			openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
				-subj "/CN=$n" -keyout $n.key -out $n.crt 2>/dev/null
		done
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=ops/CN=alice" \
			-keyout alice.key -out alice.csr 2>/dev/null
		printf 'extendedKeyUsage=clientAuth\n' > ext
		openssl x509 -req -in alice.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
			-extfile ext -out alice.crt 2>/dev/null
		openssl x509 -req -in alice.csr -CA other.crt -CAkey other.key -CAcreateserial -days 1 \
			-extfile ext -out mallory.crt 2>/dev/null
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj "/CN=srv" -addext "subjectAltName=IP:127.0.0.1" -keyout srv.key -out srv.crt 2>/dev/null
	)
	start certs --snapshot "$demo" --client-ca "$WORK/ca.crt" --tls-cert "$WORK/srv.crt" \
		--tls-key "$WORK/srv.key" --forbid pods || not_ok "serve with certificates: starts"
	ccurl() { curl -sS --cacert "$WORK/srv.crt" "$@"; }
	t_srvcert() { ccurl -o /dev/null "$URL/version"; }
	t_alice() {
		test "$(ccurl --cert "$WORK/alice.crt" --key "$WORK/alice.key" -o "$WORK/b" -w '%{http_code}' "$URL/api/v1/pods")" = 403 &&
			grep -q 'User \\"alice\\"' "$WORK/b" &&
			test "$(ccurl --cert "$WORK/alice.crt" --key "$WORK/alice.key" -o /dev/null -w '%{http_code}' "$URL/api/v1/nodes")" = 200
	}
	t_mallory() {
		test "$(ccurl --cert "$WORK/mallory.crt" --key "$WORK/alice.key" -o "$WORK/b" -w '%{http_code}' "$URL/api/v1/nodes")" = 401 &&
			grep -q 'client certificate rejected' "$WORK/b"
	}
	t_kubectl_cert() {
		k="$WORK/cert.kc"
		kubectl config --kubeconfig "$k" set-cluster s --server "$URL" --certificate-authority "$WORK/srv.crt" >/dev/null &&
			kubectl config --kubeconfig "$k" set-credentials a --client-certificate "$WORK/alice.crt" --client-key "$WORK/alice.key" >/dev/null &&
			kubectl config --kubeconfig "$k" set-context c --cluster s --user a >/dev/null &&
			kubectl config --kubeconfig "$k" use-context c >/dev/null &&
			kubectl --kubeconfig "$k" --cache-dir "$WORK/kc3" get nodes -o name | grep -q '^node/'
	}
	check "given serving certificate is used" t_srvcert
	check "client certificate from the CA: accepted, CN is the user" t_alice
	check "client certificate from another CA: 401" t_mallory
	check "kubectl with a client certificate" t_kubectl_cert
	stop "$SPID"
fi

# ---- malformed bundle and usage ----
if start bad --snapshot "$TOP/tests/bundles/bad-input"; then
	ok "serve bad-input: starts despite malformed files"
	check "serve bad-input: names the bad files" grep -q 'trailing-garbage.json' "$WORK/bad.err"
	t_badpods() { kc get pods -A -o json | jq -e '.items | length > 0' >/dev/null; }
	check "serve bad-input: serves what parsed" t_badpods
	stop "$SPID"
else
	not_ok "serve bad-input: starts despite malformed files" "$(cat "$WORK/bad.err")"
fi
check_rc "serve without a bundle is a usage error" 2 "$ND" serve
check_rc "serve on a folder without cluster/ fails" 2 "$ND" serve --snapshot "$TOP/src"
check_rc "serve with a bad --listen" 2 "$ND" serve --snapshot "$demo" --listen 127.0.0.1:99999
t_help() { "$ND" serve -h | grep -q -- '--fault-429-every'; }
check "serve -h documents the fault switches" t_help

# every server above has stopped: the sanitizers (make check) have had their say
t_clean() { ! grep -l 'Sanitizer\|runtime error' "$WORK"/*.err; }
check "serve: no sanitizer reports" t_clean
