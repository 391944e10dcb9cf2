#!/bin/sh
# The fleet lab (issue 14): "nodes" are network namespaces whose pods get their
# IPs from the real CNI bridge + host-local plugins; leaks are made the way they
# happen (a pod's netns removed without CNI DEL), one node's kube-proxy-style
# rules miss a Service's chain. 'netdiag agent --node-root' runs in each node's
# namespace; its output is stored as that agent pod's log in the bundle
# (logs/<namespace>/<pod>.log); 'netdiag serve' replays it, and 'fleet report'
# must name exactly the broken nodes with their causes and nothing about the
# healthy one. A Windows node is listed as not covered, a Pending agent as not
# reported. Then 'collect --nodes' over the replay makes an offline bundle that
# diagnoses the same IPAM leaks.
# The nodes' own network (issue 14's "DNS and API-server reachability from the
# node"): every node namespace hangs off a bridge in an infra namespace that runs
# dnsmasq (10.99.0.1, answering the lab's API name) and a 'netdiag serve' with TLS
# on 10.99.0.1:6443, the server of each node's kubelet kubeconfig. fl-n1 is a
# systemd-resolved node (etc/resolv.conf an absolute link to the stub file, a
# stub dnsmasq on 127.0.0.53 in its namespace, the upstreams in
# run/systemd/resolve/resolv.conf); fl-n5's resolver is 10.99.0.2, where a
# firewall drops DNS; fl-n7's packets to the API server are dropped. fl-n3's
# kube-proxy rules are in iptables' legacy back end, the others' in nft: the
# agent must read the one holding them; fl-n8's kube-proxy runs in nftables
# mode (its 'table ip kube-proxy', loaded with nft, read live by the agent).
# Needs root, iproute2, iptables, python3, jq, dnsmasq, openssl, /usr/lib/cni;
# the trap removes everything; traffic stays in the namespaces made here, and
# the replay's API is on 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"

CNI=${CNI_PATH_LAB:-/usr/lib/cni}
if [ "$(id -u)" != 0 ] || [ ! -x "$CNI/bridge" ] || [ ! -x "$CNI/host-local" ] ||
   ! command -v ip >/dev/null || ! command -v iptables-restore >/dev/null ||
   ! command -v python3 >/dev/null || ! command -v jq >/dev/null ||
   ! command -v dnsmasq >/dev/null || ! command -v openssl >/dev/null ||
   ! command -v iptables-legacy-restore >/dev/null || ! command -v nft >/dev/null; then
	echo "fleet lab: skipped (needs root, iproute2, iptables, nft, python3, jq, dnsmasq, openssl, $CNI)" >&2
	exit 0
fi

P="ndf$$$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')"   # prefix of every namespace made here
GEN="$TOP/tests/lab/fleetgen.py"
SPID=""
SPID2=""
PIDS=""        # what runs in the lab's namespaces: dnsmasq, the nodes' API server
INFRA="${P}infra"
API=api.fleet.lab
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$SPID2" ] && kill "$SPID2" 2>/dev/null && wait "$SPID2" 2>/dev/null
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P"); do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# node_setup ROOT NODE_NS SUBNET: the node's conflist under ROOT/etc/cni/net.d
node_setup() {
	root=$1 ns=$2 subnet=$3
	mkdir -p "$root/etc/cni/net.d" "$root/var/lib/cni/networks" \
		"$root/run/containerd/io.containerd.runtime.v2.task/k8s.io"
	cat > "$root/etc/cni/net.d/10-kubenet.conflist" <<CONF
{"cniVersion": "1.0.0", "name": "kubenet",
 "plugins": [{"type": "bridge", "bridge": "cbr0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$subnet"}]]}}]}
CONF
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); p=c["plugins"][0]; p["cniVersion"]=c["cniVersion"]; p["name"]=c["name"]; p["ipam"]["dataDir"]=sys.argv[2]; print(json.dumps(p))' \
		"$root/etc/cni/net.d/10-kubenet.conflist" "$root/var/lib/cni/networks" > "$root/plugin.json"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
}

cid_of() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# add_pod ROOT NODE_NS POD: sandbox "task" + netns + CNI ADD; prints the IP
add_pod() {
	mkdir -p "$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$(cid_of "$3")"
	ip netns add "$P$3" || return 1
	out=$(ip netns exec "$2" env CNI_COMMAND=ADD CNI_CONTAINERID="$(cid_of "$3")" \
		CNI_NETNS="/var/run/netns/$P$3" CNI_IFNAME=eth0 CNI_PATH="$CNI" \
		"$CNI/bridge" < "$1/plugin.json") || { echo "$out" >&2; return 1; }
	printf '%s\n' "$out" | jq -r '.ips[0].address' | cut -d/ -f1
}

# leak_pod ROOT POD: what a crash does: the sandbox and netns go, CNI DEL never runs
leak_pod() {
	rm -rf "$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$(cid_of "$2")"
	ip netns del "$P$2"
}

B="$WORK/bundle"
LIST="$WORK/list"
: > "$LIST"
LEAKS=""
# infra_setup: the bridge the nodes hang off, its DNS and the nodes' API server
infra_setup() {
	d="$WORK/infra"
	mkdir -p "$d"
	ip netns add "$INFRA" || return 1
	ip -n "$INFRA" link set lo up
	ip -n "$INFRA" link add br0 type bridge || return 1
	ip -n "$INFRA" link set br0 up
	ip -n "$INFRA" addr add 10.99.0.1/24 dev br0
	ip -n "$INFRA" addr add 10.99.0.2/24 dev br0
	# 10.99.0.2: a DNS server behind a firewall that drops DNS (no answer, no ICMP)
	ip netns exec "$INFRA" iptables -A INPUT -d 10.99.0.2 -p udp --dport 53 -j DROP || return 1
	ip netns exec "$INFRA" iptables -A INPUT -d 10.99.0.2 -p tcp --dport 53 -j DROP
	# fl-n7 (10.99.0.17): its packets to the API server are dropped
	ip netns exec "$INFRA" iptables -A INPUT -s 10.99.0.17 -p tcp --dport 6443 -j DROP
	ip netns exec "$INFRA" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address=10.99.0.1 --except-interface=lo \
		--user=root --pid-file= --log-facility=- --quiet-dhcp \
		--address="/$API/10.99.0.1" > "$d/dnsmasq.log" 2>&1 &
	PIDS="$PIDS $!"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=fleet-lab-ca \
		-keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$API" \
		-keyout "$d/srv.key" -out "$d/srv.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:%s\n' "$API" > "$d/san.ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/san.ext" -out "$d/srv.crt" >/dev/null 2>&1 || return 1
	mkdir -p "$d/b/cluster"
	echo '{"apiVersion": "v1", "kind": "List", "items": []}' > "$d/b/cluster/empty.json"
	ip netns exec "$INFRA" "$ND" serve --snapshot "$d/b" --listen 10.99.0.1:6443 \
		--tls-cert "$d/srv.crt" --tls-key "$d/srv.key" > "$d/serve.out" 2> "$d/serve.err" &
	PIDS="$PIDS $!"
	i=0
	while [ $i -lt 200 ] && ! [ -s "$d/serve.out" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$d/serve.out" ]
}

# node_net N IDX RESOLVER: N on the lab's bridge as 10.99.0.(10+IDX), its kubelet
# kubeconfig naming the lab's API server, its resolv.conf naming RESOLVER ("stub": a
# systemd-resolved node, its stub on 127.0.0.53 forwarding to 10.99.0.1)
node_net() {
	n=$1 idx=$2 rsv=$3 root="$WORK/root-$1"
	ip -n "$INFRA" link add "v$idx" type veth peer name eth0 netns "$P$n" || return 1
	ip -n "$INFRA" link set "v$idx" master br0 up
	ip -n "$P$n" addr add "10.99.0.$((10 + idx))/24" dev eth0
	ip -n "$P$n" link set eth0 up
	mkdir -p "$root/var/lib/kubelet" "$root/etc/kubernetes/certs"
	cp "$WORK/infra/ca.crt" "$root/etc/kubernetes/certs/ca.crt"
	cat > "$root/var/lib/kubelet/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /etc/kubernetes/certs/ca.crt
    server: https://$API:6443
  name: localcluster
contexts:
- context:
    cluster: localcluster
    user: client
  name: localclustercontext
current-context: localclustercontext
users:
- name: client
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
KC
	if [ "$rsv" = stub ]; then
		mkdir -p "$root/run/systemd/resolve"
		printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' \
			> "$root/run/systemd/resolve/stub-resolv.conf"
		printf 'nameserver 10.99.0.1\n' > "$root/run/systemd/resolve/resolv.conf"
		# absolute, as on the node: netdiag must follow it under the root
		ln -s /run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
		ip -n "$P$n" addr add 127.0.0.53/8 dev lo
		ip netns exec "$P$n" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
			--bind-interfaces --listen-address=127.0.0.53 --server=10.99.0.1 \
			--user=root --pid-file= --log-facility=- --quiet-dhcp \
			> "$WORK/stub-$n.log" 2>&1 &
		PIDS="$PIDS $!"
	else
		printf 'nameserver %s\n' "$rsv" > "$root/etc/resolv.conf"
	fi
}

# node N SUBNET LIVE LEAKED: N's namespace and root, LIVE pods that run, LEAKED that leak
node() {
	n=$1 subnet=$2 live=$3 leaked=$4
	node_setup "$WORK/root-$n" "$P$n" "$subnet" || return 1
	echo "node $n $subnet" >> "$LIST"
	echo "agent $n Running" >> "$LIST"
	echo "kproxy $n" >> "$LIST"
	i=0
	while [ $i -lt "$live" ]; do
		ip=$(add_pod "$WORK/root-$n" "$P$n" "$n-p$i") || return 1
		echo "pod $n $n-p$i $ip" >> "$LIST"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$leaked" ]; do
		ip=$(add_pod "$WORK/root-$n" "$P$n" "$n-l$i") || return 1
		leak_pod "$WORK/root-$n" "$n-l$i"
		LEAKS="$LEAKS $n:$ip"
		i=$((i + 1))
	done
}
ok_setup=yes
infra_setup || ok_setup=no
node fl-n1 10.244.1.0/28 3 0 || ok_setup=no      # healthy (systemd-resolved)
node fl-n2 10.244.2.0/28 2 3 || ok_setup=no      # leaks 3
node fl-n3 10.244.3.0/28 2 1 || ok_setup=no      # leaks 1 (rules in iptables-legacy)
node fl-n4 10.244.4.0/28 2 0 || ok_setup=no      # kube-proxy rules removed
node fl-n5 10.244.5.0/28 2 0 || ok_setup=no      # its DNS server does not answer
node fl-n7 10.244.7.0/28 1 0 || ok_setup=no      # cannot reach the API server
node fl-n8 10.244.8.0/28 1 0 || ok_setup=no      # healthy, kube-proxy in nftables mode
for nn in "fl-n1 1 stub" "fl-n2 2 10.99.0.1" "fl-n3 3 10.99.0.1" "fl-n4 4 10.99.0.1" \
	  "fl-n5 5 10.99.0.2" "fl-n7 7 10.99.0.1" "fl-n8 8 10.99.0.1"; do
	# shellcheck disable=SC2086
	node_net $nn || ok_setup=no
done
if [ $ok_setup != yes ]; then
	not_ok "fleet lab: set up the nodes with the real CNI plugins"
	exit 0
fi
ok "fleet lab: set up the nodes with the real CNI plugins"
n1ips=$(awk '$1=="pod" && $2=="fl-n1" {print $4}' "$LIST" | tr '\n' ' ')
{
	cat "$LIST"
	echo "node fl-win1 10.244.9.0/28 windows"    # not covered
	echo "node fl-n6 10.244.6.0/28"             # its agent is still pulling its image
	echo "agent fl-n6 Pending ContainerCreating"
	echo "kproxy fl-n6"
	echo "svc web 10.0.40.10 80 8080 $n1ips"
} | python3 "$GEN" cluster "$B"
python3 "$GEN" rules "$B" "$WORK/rules.txt"
python3 "$GEN" rules "$B" "$WORK/rules-broken.txt" web
python3 "$GEN" nft "$B" "$WORK/nft.txt"

mkdir -p "$B/logs/netdiag"
AGENTS="fl-n1 fl-n2 fl-n3 fl-n4 fl-n5 fl-n7 fl-n8"
for n in $AGENTS; do
	rules="$WORK/rules.txt"
	restore=iptables-nft-restore
	[ $n = fl-n4 ] && rules="$WORK/rules-broken.txt"
	[ $n = fl-n3 ] && restore=iptables-legacy-restore
	if [ $n = fl-n8 ]; then
		ip netns exec "$P$n" nft -f "$WORK/nft.txt"
	else
		ip netns exec "$P$n" $restore < "$rules"
	fi
	ip netns exec "$P$n" "$ND" agent --node-root "$WORK/root-$n" --node $n --snapshot "$B" \
		--timeout 4s --raw-files -o json > "$B/logs/netdiag/netdiag-agent-$n.log" \
		2> "$WORK/agent-$n.err"
	# what the kubelet adds to a container's log: its stderr, after the line
	cat "$WORK/agent-$n.err" >> "$B/logs/netdiag/netdiag-agent-$n.log"
done
L="$B/logs/netdiag/netdiag-agent"
check "fleet lab: each agent prints one netdiag/v1 line" sh -c "for n in $AGENTS; do
	test \"\$(grep -c '^{\"schema\":\"netdiag/v1\"' '$B/logs/netdiag/netdiag-agent-'\$n.log)\" = 1 || exit 1; done"
check "fleet lab: the agent's line carries the node files" sh -c "jq -e 'select(.schema) | .node_files.files | map(.path) | index(\"cni/net.d/10-kubenet.conflist\") != null' '$B/logs/netdiag/netdiag-agent-fl-n2.log'"
check "fleet lab: a healthy node's DNS passes through its systemd-resolved stub and upstream" sh -c "jq -e 'select(.schema) | .checks[] | select(.id == \"node-dns\") | .status == \"pass\" and (.reason | test(\"127.0.0.53:53 $API: ok\")) and (.reason | test(\"10.99.0.1:53 $API: ok\")) and (.reason | test(\"run/systemd/resolve/resolv.conf\"))' '$L-fl-n1.log'"
check "fleet lab: a healthy node reaches its API server (TLS verified with the kubelet's CA)" sh -c "for n in fl-n1 fl-n2 fl-n3 fl-n4; do jq -e 'select(.schema) | .checks[] | select(.id == \"node-apiserver\") | .status == \"pass\" and (.reason | test(\"https://$API:6443 \\\\(10.99.0.1\\\\): reached\"))' '$L-'\$n.log || exit 1; done"
check "fleet lab: DNS-broken node: the server, its file, the name, timeout" sh -c "jq -e 'select(.schema) | [.findings[] | select(.code == \"node-dns-failure\")] | length == 1 and (.[0] | .subject.name == \"fl-n5\" and .evidence.server == \"10.99.0.2:53\" and .evidence.name == \"$API\" and .evidence.result == \"timeout\" and (.evidence.file | endswith(\"root-fl-n5/etc/resolv.conf\")) and (.remedy | test(\"UDP/TCP 53\")))' '$L-fl-n5.log'"
check "fleet lab: DNS-broken node: the API server check fails, explained by the DNS finding" sh -c "jq -e 'select(.schema) | (.checks[] | select(.id == \"node-apiserver\") | .status == \"fail\" and (.reason | test(\"explained by node-dns-failure\"))) and ([.findings[] | select(.code == \"node-apiserver-unreachable\")] == [])' '$L-fl-n5.log'"
check "fleet lab: API-blocked node: tcp timeout to the address its DNS gave" sh -c "jq -e 'select(.schema) | .findings[] | select(.code == \"node-apiserver-unreachable\") | .subject.name == \"fl-n7\" and .evidence.stage == \"tcp\" and .evidence.error == \"timeout\" and .evidence.address == \"10.99.0.1\" and .evidence.target == \"https://$API:6443\"' '$L-fl-n7.log'"
check "fleet lab: the legacy back end's rules are read (fl-n3), the nft one's elsewhere" sh -c "jq -e 'select(.schema) | .checks[] | select(.id == \"kube-proxy-rules\") | .status == \"pass\"' '$L-fl-n3.log' && jq -e 'select(.schema) | .checks[] | select(.id == \"kube-proxy-rules\") | .status == \"pass\"' '$L-fl-n2.log'"
check "fleet lab: kube-proxy's nftables table is read live (fl-n8), and its rules pass" sh -c "jq -e 'select(.schema) | (.checks[] | select(.id == \"kube-proxy-rules\") | .status == \"pass\") and (.node_files.files | map(.path) | index(\"nft.txt\") != null)' '$L-fl-n8.log'"
check "fleet lab: the node's own credentials never appear in an agent's line" sh -c "! grep -q 'kubelet-client-current' '$L-fl-n1.log'"

# --------------------------------------------------------- serve + report ----
KC="$WORK/kc"
"$ND" serve --snapshot "$B" --listen 127.0.0.1:0 --write-kubeconfig "$KC" \
	> "$WORK/serve.out" 2> "$WORK/serve.err" &
SPID=$!
i=0
while [ $i -lt 200 ] && ! [ -s "$WORK/serve.out" ]; do
	kill -0 "$SPID" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
if ! [ -s "$WORK/serve.out" ]; then
	not_ok "fleet lab: serve starts" "$(cat "$WORK/serve.err")"
	exit 0
fi
if command -v kubectl >/dev/null 2>&1; then
	check "fleet lab: kubectl logs reads an agent's log from the replay" sh -c \
		"kubectl --kubeconfig '$KC' --cache-dir '$WORK/kcache' -n netdiag logs netdiag-agent-fl-n2 --tail=1 | grep -q 'dropped\\|schema\\|^netdiag' || kubectl --kubeconfig '$KC' --cache-dir '$WORK/kcache' -n netdiag logs netdiag-agent-fl-n2 | grep -q '^{\"schema\":\"netdiag/v1\"'"
fi
"$ND" fleet report --kubeconfig "$KC" -o json > "$WORK/report.json" 2> "$WORK/report.err"
rc=$?
if [ $rc -eq 1 ]; then ok "fleet lab: fleet report exits 1 on the broken nodes"
else not_ok "fleet lab: fleet report exits 1 on the broken nodes" "exit $rc $(cat "$WORK/report.err")"; fi
got=$(jq -r '[.findings[] | select(.code != "fleet-node-not-covered" and .code != "fleet-node-not-reported") | "\(.subject.node):\(.code)"] | unique | join(" ")' "$WORK/report.json")
want="fl-n2:ipam-leak fl-n3:ipam-leak fl-n4:kube-proxy-rules-missing fl-n5:node-dns-failure fl-n7:node-apiserver-unreachable"
if [ "$got" = "$want" ]; then ok "fleet lab: report names exactly the broken nodes and their causes"
else not_ok "fleet lab: report names exactly the broken nodes and their causes" "got: $got
want: $want"; fi
check "fleet lab: nothing about the healthy nodes" sh -c "! grep -q 'fl-n1\\|fl-n8' '$WORK/report.json'"
got=$(jq -r '.findings[] | select(.code=="ipam-leak") | "\(.subject.node):\(.evidence.leaked[].ip)"' "$WORK/report.json" | sort | tr '\n' ' ')
want=$(printf '%s\n' $LEAKS | sort | tr '\n' ' ')
if [ "$got" = "$want" ]; then ok "fleet lab: the leaked IPs are exactly those made"
else not_ok "fleet lab: the leaked IPs are exactly those made" "got: $got
want: $want"; fi
check "fleet lab: kube-proxy finding names the Service" sh -c "jq -e '.findings[] | select(.code==\"kube-proxy-rules-missing\") | .subject.name == \"web\" and .subject.node == \"fl-n4\"' '$WORK/report.json'"
check "fleet lab: Windows node listed as not covered" sh -c "jq -e '[.findings[] | select(.code==\"fleet-node-not-covered\") | .subject.name] == [\"fl-win1\"]' '$WORK/report.json'"
check "fleet lab: Pending agent listed as not reported, and why" sh -c "jq -e '[.findings[] | select(.code==\"fleet-node-not-reported\") | \"\(.subject.name) \(.evidence.reason) \(.evidence.detail)\"] == [\"fl-n6 pending ContainerCreating\"]' '$WORK/report.json'"
check "fleet lab: a node that did not report makes it incomplete" sh -c "jq -e '.summary.verdict == \"incomplete\"' '$WORK/report.json'"
check "fleet lab: roll-up by cause, the worst first" sh -c "jq -e '.verdict.causes[0] | .code == \"ipam-leak\" and .nodes == 2 and (.worst | map(.node)) == [\"fl-n2\", \"fl-n3\"] and .worst[0].weight == 3' '$WORK/report.json'"
check "fleet lab: roll-up counts" sh -c "jq -e '.verdict | .nodes == 9 and .reported == 7 and .not_reported == 1 and .not_covered == 1' '$WORK/report.json'"
check "fleet lab: text report's closing line is the roll-up" sh -c "'$ND' fleet report --kubeconfig '$KC' | grep -q '2 nodes: ipam-leak'"

# ------------------------------------------------ collect --nodes, offline ----
C="$WORK/collected"
"$ND" collect --nodes --kubeconfig "$KC" -o "$C" > "$WORK/collect.out" 2> "$WORK/collect.err"
check "fleet lab: collect --nodes writes the node files" sh -c "test -s '$C/nodes/fl-n2/cni/net.d/10-kubenet.conflist' && ls '$C/nodes/fl-n2/cni/networks/kubenet' | grep -q '^10.244.2'"
"$ND" diagnose --snapshot "$C" -o json > "$WORK/offline.json" 2> "$WORK/offline.err"
got=$(jq -r '.findings[] | select(.code=="ipam-leak") | "\(.subject.name):\(.evidence.leaked[].ip)"' "$WORK/offline.json" | sort | tr '\n' ' ')
if [ "$got" = "$want" ]; then ok "fleet lab: the collected bundle diagnoses the same IPAM leaks offline"
else not_ok "fleet lab: the collected bundle diagnoses the same IPAM leaks offline" "got: $got
want: $want $(cat "$WORK/offline.err")"; fi
check "fleet lab: offline, kube-proxy rules of fl-n4 found missing too" sh -c "jq -e '[.findings[] | select(.code==\"kube-proxy-rules-missing\") | .evidence.node] == [\"fl-n4\"]' '$WORK/offline.json'"
KC2="$WORK/kc2"
"$ND" serve --snapshot "$C" --listen 127.0.0.1:0 --write-kubeconfig "$KC2" \
	> "$WORK/serve2.out" 2> "$WORK/serve2.err" &
SPID2=$!
i=0
while [ $i -lt 200 ] && ! [ -s "$WORK/serve2.out" ]; do
	kill -0 "$SPID2" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
"$ND" fleet report --kubeconfig "$KC2" -o json > "$WORK/report2.json" 2>/dev/null
check "fleet lab: fleet report over the collected bundle's replay gives the same findings" sh -c "test \"\$(jq -c '[.findings[] | {code, subject}]' '$WORK/report.json')\" = \"\$(jq -c '[.findings[] | {code, subject}]' '$WORK/report2.json')\""
