#!/bin/sh
# Live diagnose against 'netdiag serve --client-ca' with client-certificate
# auth (PEM data and file paths in the kubeconfig): the same findings as
# --snapshot. An expired client certificate and one from another CA give
# clear errors; insecure-skip-tls-verify works and is reported as a warning.
# Certificates are made here with openssl; everything on 127.0.0.1.
. "$TOP/tests/e2e/lib.sh"

SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM

B="$TOP/examples/aks-kubenet-broken"
P="$WORK/pki"
mkdir -p "$P/db"

# ---- a client CA, a client certificate, an expired one, a stranger's -------
ec_req() {   # KEY CSR SUBJECT
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1" -out "$2" -subj "$3" 2>/dev/null
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$P/ca.key" -out "$P/ca.crt" -subj /CN=netdiag-test-client-ca \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	2>/dev/null
# 'openssl ca' takes explicit -startdate/-enddate, so a certificate that
# expired in 2020 is made without touching the clock
: > "$P/db/index.txt"
echo 01 > "$P/db/serial"
cat > "$P/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $P/db/index.txt
new_certs_dir = $P/db
serial = $P/db/serial
default_md = sha256
policy = p
unique_subject = no
x509_extensions = ext
[p]
commonName = supplied
organizationName = optional
[ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
EOF
sign() {     # CSR CRT STARTDATE ENDDATE
	openssl ca -batch -notext -config "$P/ca.cnf" -cert "$P/ca.crt" -keyfile "$P/ca.key" \
		-in "$1" -out "$2" -startdate "$3" -enddate "$4" 2>/dev/null
}
ec_req "$P/alice.key" "$P/alice.csr" "/O=system:masters/CN=alice"
sign "$P/alice.csr" "$P/alice.crt" "$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)" \
	"$(date -u -d '+1 day' +%Y%m%d%H%M%SZ)"
ec_req "$P/bob.key" "$P/bob.csr" "/CN=bob"
sign "$P/bob.csr" "$P/bob.crt" 20200101000000Z 20200102000000Z
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-keyout "$P/eve.key" -out "$P/eve.crt" -subj /CN=eve 2>/dev/null
check "pki: made the client certificates" test -s "$P/alice.crt" -a -s "$P/bob.crt" -a -s "$P/eve.crt"

# ---- the server: its own serving certificate and token, plus --client-ca ----
rm -f "$WORK/url"
"$ND" serve --snapshot "$B" --client-ca "$P/ca.crt" --write-kubeconfig "$WORK/srv.kc" \
	> "$WORK/url" 2> "$WORK/serve.err" &
SPID=$!
i=0
while [ ! -s "$WORK/url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL=$(head -n 1 "$WORK/url")
CAD=$(sed -n 's/^ *certificate-authority-data: *"*\([^"]*\)"*$/\1/p' "$WORK/srv.kc")
TOKEN=$(sed -n 's/^ *token: *"*\([^"]*\)"*$/\1/p' "$WORK/srv.kc")

# kc NAME CLUSTER-LINES USER-LINES: a kubeconfig in $WORK/NAME.kc
kc() {
	cat > "$WORK/$1.kc" <<EOF
apiVersion: v1
kind: Config
current-context: c
clusters:
- name: serve
  cluster:
    server: $URL
$2
contexts:
- name: c
  context: {cluster: serve, user: $1-user}
users:
- name: $1-user
  user:
$3
EOF
}
CA_LINE="    certificate-authority-data: $CAD"
kc certdata "$CA_LINE" "    client-certificate-data: $(base64 -w0 "$P/alice.crt")
    client-key-data: $(base64 -w0 "$P/alice.key")"
kc certfile "$CA_LINE" "    client-certificate: $P/alice.crt
    client-key: $P/alice.key"
kc expired "$CA_LINE" "    client-certificate-data: $(base64 -w0 "$P/bob.crt")
    client-key-data: $(base64 -w0 "$P/bob.key")"
kc expiredfile "$CA_LINE" "    client-certificate: $P/bob.crt
    client-key: $P/bob.key"
kc expiredtok "$CA_LINE" "    token: $TOKEN
    client-certificate: $P/bob.crt
    client-key: $P/bob.key"
kc stranger "$CA_LINE" "    client-certificate: $P/eve.crt
    client-key: $P/eve.key"
kc insecure "    insecure-skip-tls-verify: true" "    token: $TOKEN"

findings() { jq -S "$NO_SOURCE_FLAGS | [.findings[] | del(.seq)]" "$1"; }
mkdir -p "$WORK/snap" && cp -R "$B/cluster" "$WORK/snap/"
"$ND" diagnose --snapshot "$WORK/snap" -o json 2>/dev/null | findings /dev/stdin > "$WORK/snap.f"

same_as_snap() {   # CASE JSON
	if out=$(findings "$2" | diff -u "$WORK/snap.f" -); then ok "$1"; else not_ok "$1" "$out"; fi
}

# ---- client certificates: the same findings as the snapshot ----------------
for k in certdata certfile; do
	"$ND" --kubeconfig "$WORK/$k.kc" diagnose -o json > "$WORK/$k.json" 2> "$WORK/$k.err"
	same_as_snap "client certificate ($k): live=snapshot" "$WORK/$k.json"
	check "client certificate ($k): live source" \
		jq -e '.source.mode == "live" and (.findings | length) > 0' "$WORK/$k.json"
done
# the cert alone authenticated: the kubeconfig has no token, and the server
# saw user alice (its 403 for Secrets names the user)
if grep -q 'token' "$WORK/certdata.kc"; then not_ok "client certificate: no token in kubeconfig"
else ok "client certificate: no token in kubeconfig"; fi
printf '%s' "$CAD" | base64 -d > "$WORK/ca.pem"
out=$(curl -s --cacert "$WORK/ca.pem" --cert "$P/alice.crt" --key "$P/alice.key" \
	"$URL/api/v1/namespaces/default/secrets")
case $out in
*'User \"alice\" cannot list'*) ok "client certificate: server sees the CN as the user" ;;
*) not_ok "client certificate: server sees the CN as the user" "$out" ;;
esac
for k in certdata certfile; do
	if grep -q "BEGIN\|PRIVATE" "$WORK/$k.json" "$WORK/$k.err"; then
		not_ok "client certificate ($k): no PEM in output"
	else
		ok "client certificate ($k): no PEM in output"
	fi
done

# ---- an expired client certificate: a clear error, naming it and when -----
for k in expired expiredfile; do
	"$ND" --kubeconfig "$WORK/$k.kc" diagnose -o json > "$WORK/$k.json" 2> "$WORK/$k.err"
	rc=$?
	if [ $rc -eq 3 ] && grep -q "client certificate of kubeconfig user '$k-user'" "$WORK/$k.err" &&
	   grep -q "expired on 2020-01-02T00:00:00Z" "$WORK/$k.err"; then
		ok "expired client certificate ($k): clear error"
	else
		not_ok "expired client certificate ($k): clear error" "rc=$rc $(cat "$WORK/$k.err")"
	fi
	check "expired client certificate ($k): nothing on stdout" test ! -s "$WORK/$k.json"
done
check "expired client certificate: file named" grep -qF "($P/bob.crt)" "$WORK/expiredfile.err"
# the server refuses it too, and says why
out=$(curl -s --cacert "$WORK/ca.pem" --cert "$P/bob.crt" --key "$P/bob.key" "$URL/api/v1/pods")
case $out in
*'certificate has expired'*'"code":401'*) ok "expired client certificate: server answers 401, expired" ;;
*) not_ok "expired client certificate: server answers 401, expired" "$out" ;;
esac
# with a valid token as well, the token still authenticates (as on a real API server)
"$ND" --kubeconfig "$WORK/expiredtok.kc" diagnose -o json > "$WORK/expiredtok.json" 2> "$WORK/expiredtok.err"
same_as_snap "expired certificate plus token: token authenticates" "$WORK/expiredtok.json"

# ---- a certificate from a CA the server does not trust ---------------------
"$ND" --kubeconfig "$WORK/stranger.kc" diagnose -o json > /dev/null 2> "$WORK/stranger.err"
rc=$?
if [ $rc -eq 3 ] && grep -q "Unauthorized" "$WORK/stranger.err" &&
   grep -q "client certificate rejected" "$WORK/stranger.err"; then
	ok "untrusted client certificate: clear error"
else
	not_ok "untrusted client certificate: clear error" "rc=$rc $(cat "$WORK/stranger.err")"
fi

# ---- insecure-skip-tls-verify: honoured, and a warning finding -------------
"$ND" --kubeconfig "$WORK/insecure.kc" diagnose -o json > "$WORK/insecure.json" 2> "$WORK/insecure.err"
rc=$?
if [ $rc -eq 1 ]; then ok "insecure-skip-tls-verify: run works"; else not_ok "insecure-skip-tls-verify: run works" "rc=$rc $(cat "$WORK/insecure.err")"; fi
check "insecure-skip-tls-verify: warning finding" jq -e \
	'[.findings[] | select(.code == "apiserver-insecure-skip-tls-verify" and .severity == "warning")] | length == 1' \
	"$WORK/insecure.json"
jq 'del(.findings[] | select(.code == "apiserver-insecure-skip-tls-verify"))' "$WORK/insecure.json" \
	> "$WORK/insecure.rest.json"
same_as_snap "insecure-skip-tls-verify: otherwise live=snapshot" "$WORK/insecure.rest.json"
# without the flag and without a CA, the self-signed server is not trusted
kc noca "" "    token: $TOKEN"
"$ND" --kubeconfig "$WORK/noca.kc" diagnose -o json > /dev/null 2> "$WORK/noca.err"
rc=$?
if [ $rc -eq 3 ] && grep -qi "certificate" "$WORK/noca.err"; then ok "no CA, no insecure flag: untrusted"
else not_ok "no CA, no insecure flag: untrusted" "rc=$rc $(cat "$WORK/noca.err")"; fi

kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
SPID=""
