#!/bin/sh
# The image's root filesystem (scripts/mkrootfs, what 'make image' packs) run
# under chroot in fresh network, mount and PID namespaces: nothing of the host
# but the kernel. It proves the library set is complete (every library ldd
# names, and nothing else), the catalogue is found (--lang it), a bundle
# (folder and .tar.gz) is diagnosed as on the host, and TLS, getaddrinfo and
# in-cluster credentials work: serve and a client both inside the rootfs, the
# client finding the API server as a pod does (KUBERNETES_SERVICE_HOST,
# the service-account folder). Traffic stays on the namespace's loopback.
. "$TOP/tests/e2e/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 ||
   ! command -v chroot >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1 ||
   ! command -v nft >/dev/null 2>&1; then
	not_ok "image: root, unshare, chroot, jq and nft are needed"
	exit 0
fi

R="$WORK/rootfs"
PREFIX=/usr/local
if ! out=$(sh "$TOP/scripts/mkrootfs" "$ND" "$(dirname "$ND")/locale" "$PREFIX" "$R" 2>&1); then
	not_ok "image: mkrootfs builds the root filesystem" "$out"
	exit 0
fi
ok "image: mkrootfs builds the root filesystem"

# the libraries: exactly ldd's closure (of netdiag, and of iptables' save tools
# and their extension modules, which are shared objects too), by real path
XT=$(dirname "$(find "$R/usr/lib" -name libxt_comment.so | head -n 1)")
XT=${XT#"$R"}
t_libs() {
	{ ldd "$ND" /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi /usr/sbin/nft "$XT"/*.so |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }'
	  ls "$XT"/*.so; } |
		while read -r l; do readlink -f "$l"; done | sort -u > "$WORK/want.libs"
	(cd "$R" && find . -type f -name '*.so*' | sed 's|^\.||') | sort > "$WORK/got.libs"
	diff "$WORK/want.libs" "$WORK/got.libs"
}
check "image: the rootfs holds exactly the libraries ldd names (netdiag's, iptables')" t_libs
t_noshell() {
	! [ -e "$R/bin/sh" ] && ! [ -e "$R/usr/bin/sh" ] && [ ! -d "$R/usr/bin" ] &&
		test "$(cd "$R/usr/sbin" && ls | tr '\n' ' ')" = "iptables-legacy-save iptables-nft-save iptables-save nft xtables-legacy-multi xtables-nft-multi "
}
check "image: no shell; the only other programs are iptables' save tools and nft" t_noshell
t_bad() {
	! sh "$TOP/scripts/mkrootfs" "$ND" "$WORK/nosuch" "$PREFIX" "$WORK/r2" 2>"$WORK/e" &&
		grep -q "cannot read '$WORK/nosuch'" "$WORK/e"
}
check "image: mkrootfs names a missing catalogue folder" t_bad

# the inputs, copied in; the host runs the same from the rootfs' folder
mkdir -p "$WORK/o"
stage "$TOP/examples/aks-kubenet-broken" > /dev/null
cp -R "$WORK/aks-kubenet-broken" "$R/tmp/b"
tar -C "$R/tmp" -czf "$R/tmp/b.tar.gz" b

# a lab CA and an HTTPS echo's certificate for localhost, signed by it
cp -R "$TOP/tests/bundles/aks-authorized-ranges" "$R/tmp/ranges"
mkdir -p "$WORK/o/www"
echo 203.0.113.7 > "$WORK/o/www/ip"
(cd "$WORK/o" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 \
		-subj /CN=netdiag-lab-ca &&
	openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=localhost &&
	printf 'subjectAltName=DNS:localhost\n' > ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem \
		-days 1 -extfile ext) > "$WORK/o/openssl.log" 2>&1 ||
	not_ok "image: lab certificates" "$(cat "$WORK/o/openssl.log")"

# the inner script: runs in the new namespaces (host tools, netdiag chrooted)
cat > "$WORK/inner.sh" <<'EOF'
set -u
R=$1 O=$2 CH=$3
ND=/usr/local/bin/netdiag
mount -t proc proc "$R/proc" || exit 1
ip link set lo up 2>/dev/null || true
run() { n=$1; shift; env -i "$@" > "$O/$n.out" 2> "$O/$n.err"; echo $? > "$O/$n.rc"; }
run version "$CH" "$R" $ND --version
run json "$CH" "$R" $ND diagnose --snapshot tmp/b -o json
run tgz "$CH" "$R" $ND diagnose --snapshot tmp/b.tar.gz -o json
run it "$CH" "$R" $ND --lang it diagnose --snapshot tmp/b
run en "$CH" "$R" $ND diagnose --snapshot tmp/b
# kube-proxy-style rules in this namespace, one table per back end: the agent in the
# rootfs reads the live rules with the image's own iptables (the nft ones: more rules)
printf '*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.0.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j RETURN\n-A KUBE-SERVICES -j RETURN\nCOMMIT\n' |
	iptables-nft-restore
printf '*nat\n:KUBE-LEGACY-ONLY - [0:0]\nCOMMIT\n' | iptables-legacy-restore
# and kube-proxy's nftables table (its nftables mode), read with the image's nft
printf 'table ip kube-proxy {\n map service-ips {\n  type ipv4_addr . inet_proto . inet_service : verdict\n  comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"\n }\n chain services {\n  ip daddr . meta l4proto . th dport vmap @service-ips\n }\n}\n' |
	nft -f -
run agent "$CH" "$R" $ND agent --node-root / --node aks-nodepool1-12345678-vmss000000 --snapshot tmp/b --no-probe --raw-files -o json
# an API server and a "pod" both in the rootfs, on this namespace's loopback
"$CH" "$R" $ND serve --snapshot tmp/b --listen 127.0.0.1:0 --write-kubeconfig /tmp/kc \
	--spool-dir /tmp > "$O/serve.out" 2> "$O/serve.err" &
spid=$!
i=0
while [ $i -lt 400 ] && ! [ -s "$O/serve.out" ]; do sleep 0.05; i=$((i + 1)); done
url=$(head -n 1 "$O/serve.out")
port=${url##*:}
mkdir -p "$R/tmp/sa"
sed -n 's/^ *token: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$R/tmp/kc" > "$R/tmp/sa/token"
sed -n 's/^ *certificate-authority-data: *//p' "$R/tmp/kc" | base64 -d > "$R/tmp/sa/ca.crt"
echo default > "$R/tmp/sa/namespace"
run live env KUBERNETES_SERVICE_HOST=localhost KUBERNETES_SERVICE_PORT="$port" \
	NETDIAG_SERVICEACCOUNT_DIR=/tmp/sa "$CH" "$R" $ND diagnose -o json
kill "$spid" 2>/dev/null
# the trust store: an HTTPS echo whose CA is unknown, then added to the image's bundle
cd "$O/www" || exit 1
openssl s_server -accept 127.0.0.1:0 -cert "$O/srv.pem" -key "$O/srv.key" -WWW \
	> "$O/ss.out" 2>&1 &
sspid=$!
i=0
while [ $i -lt 400 ] && ! grep -q '^ACCEPT' "$O/ss.out"; do sleep 0.05; i=$((i + 1)); done
p=$(sed -n 's/^ACCEPT 127.0.0.1://p' "$O/ss.out")
run ca_no "$CH" "$R" $ND apiserver --snapshot tmp/ranges --egress-ip-url "https://localhost:$p/ip" -o json
cat "$O/ca.pem" >> "$R/etc/ssl/certs/ca-certificates.crt"
run ca_yes "$CH" "$R" $ND apiserver --snapshot tmp/ranges --egress-ip-url "https://localhost:$p/ip" -o json
kill "$sspid" 2>/dev/null
wait
EOF
if ! out=$(timeout 300 unshare --net --mount --pid --fork sh "$WORK/inner.sh" "$R" "$WORK/o" "$(command -v chroot)" 2>&1); then
	not_ok "image: the namespaces start" "$out"
	exit 0
fi

rc() { cat "$WORK/o/$1.rc" 2>/dev/null; }
t_version() {
	test "$(rc version)" = 0 && test "$(cat "$WORK/o/version.out")" = "$("$ND" --version)"
}
check "image: netdiag --version runs in the rootfs" t_version

# host NAME ARGS...: the same command on the host, from the rootfs' folder
host() {
	n=$1
	shift
	(cd "$R" && env -i PATH="$PATH" "$ND" "$@" > "$WORK/o/$n.host" 2>/dev/null)
	echo $? > "$WORK/o/$n.hostrc"
}
# same NAME: the rootfs run printed and exited as the host run
same() {
	if [ "$(rc "$1")" = "$(cat "$WORK/o/$1.hostrc")" ] &&
	   normalize_json < "$WORK/o/$1.out" > "$WORK/o/$1.a" &&
	   normalize_json < "$WORK/o/$1.host" > "$WORK/o/$1.b" &&
	   diff "$WORK/o/$1.b" "$WORK/o/$1.a" > "$WORK/o/$1.diff"; then
		return 0
	fi
	echo "exit $(rc "$1") (host $(cat "$WORK/o/$1.hostrc")); $(cat "$WORK/o/$1.err")"
	head -n 20 "$WORK/o/$1.diff"
	return 1
}
host json diagnose --snapshot tmp/b -o json
host tgz diagnose --snapshot tmp/b.tar.gz -o json
host it --lang it diagnose --snapshot tmp/b
host en diagnose --snapshot tmp/b
t_findings() { same json && jq -e '.findings | length > 0' "$WORK/o/json.out" >/dev/null; }
check "image: diagnose --snapshot in the rootfs equals the host's (JSON)" t_findings
check "image: diagnose --snapshot of a .tar.gz in the rootfs (libarchive, zlib)" same tgz
t_it() { same it && ! cmp -s "$WORK/o/it.out" "$WORK/o/en.out" && grep -q 'evidenze' "$WORK/o/it.out"; }
check "image: --lang it finds the catalogue in the rootfs" t_it
t_live() {
	j="$WORK/o/live.out"
	jq -e '.source.mode == "in-cluster" or .source.mode == "live"' "$j" >/dev/null &&
		jq -e '.source.server | test("^https://localhost:[0-9]+$")' "$j" >/dev/null &&
		jq -e '[.checks[] | select(.id == "api-list")][0].status == "pass"' "$j" >/dev/null &&
		jq -e '[.findings[].code] | index("service-no-endpoints") != null' "$j" >/dev/null ||
		{ echo "exit $(rc live): $(cat "$WORK/o/live.err")"; head -c 2000 "$j"; return 1; }
}
check "image: in the rootfs, a pod's credentials reach serve over TLS (localhost via /etc/hosts)" t_live
t_ca() {
	grep -q 'unable to get local issuer certificate' "$WORK/o/ca_no.err" &&
		! grep -q 'certificate' "$WORK/o/ca_yes.err" && grep -q '203\.0\.113\.7' "$WORK/o/ca_yes.out" ||
		{ echo "without: $(cat "$WORK/o/ca_no.err")"; echo "with: $(cat "$WORK/o/ca_yes.err")"; head -c 1500 "$WORK/o/ca_yes.out"; return 1; }
}
check "image: TLS trusts the image's CA bundle (/etc/ssl/certs/ca-certificates.crt) and only it" t_ca
t_rules() {
	j="$WORK/o/agent.out"
	jq -r 'select(.schema) | .node_files.files[] | select(.path == "iptables-save.txt") | .base64' "$j" |
		base64 -d > "$WORK/o/agent.rules" &&
		grep -q 'default/kubernetes:https cluster IP' "$WORK/o/agent.rules" &&
		grep -q 'iptables-nft-save' "$WORK/o/agent.rules" &&
		! grep -q 'KUBE-LEGACY-ONLY' "$WORK/o/agent.rules" ||
		{ echo "exit $(rc agent): $(cat "$WORK/o/agent.err")"; head -c 1500 "$WORK/o/agent.rules"; return 1; }
}
check "image: the agent in the rootfs reads the node's live rules with the image's iptables-nft-save" t_rules
t_nft() {
	jq -r 'select(.schema) | .node_files.files[] | select(.path == "nft.txt") | .base64' "$WORK/o/agent.out" |
		base64 -d > "$WORK/o/agent.nft" && grep -q 'map service-ips' "$WORK/o/agent.nft" ||
		{ echo "exit $(rc agent): $(cat "$WORK/o/agent.err")"; head -c 600 "$WORK/o/agent.nft"; return 1; }
}
check "image: ... and kube-proxy's nftables table with the image's nft" t_nft
