# Sourced by tests/e2e/t_probe_lab.sh: the live endpoint probe lab (DESIGN §8, issue 12).
#
#   node namespace $PL_NODE: cbr0 10.244.1.1/24 (the real CNI bridge + host-local
#   plugins), a route that sends 10.0.0.0/16 (the ClusterIP range) to a neighbour
#   that does not exist (without a rule, packets to a VIP go nowhere), and
#   kube-proxy-style DNAT rules, one per ClusterIP:port, in the nat OUTPUT chain
#   (what the node sends) and PREROUTING (what its pods send), as iptables
#   kube-proxy writes them.
#   pod namespaces $PL_P<pod>: eth0 from the plugin, socat listeners, dnsmasq.
#
# netdiag runs in the node namespace, as on a node, and in a client pod. Every
# name starts with $PL_P (pid + random), all traffic stays in these namespaces;
# pl_down removes them and stops every process it started, by PID.

PL_P="ndpr$$$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
PL_NODE="${PL_P}n"
PL_CNI=${CNI_PATH_LAB:-/usr/lib/cni}
PL_PIDS=""

pl_down() {
	for p in $PL_PIDS; do kill "$p" 2>/dev/null; done
	for p in $PL_PIDS; do wait "$p" 2>/dev/null; done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PL_P"); do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

pl_cid() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# pl_pod NAME: a pod namespace with an IP from the plugins; prints the IP
pl_pod() {
	ip netns add "$PL_P$1" || return 1
	out=$(ip netns exec "$PL_NODE" env CNI_COMMAND=ADD CNI_CONTAINERID="$(pl_cid "$1")" \
		CNI_NETNS="/var/run/netns/$PL_P$1" CNI_IFNAME=eth0 CNI_PATH="$PL_CNI" \
		"$PL_CNI/bridge" < "$PL_DIR/plugin.json") || { echo "$out" >&2; return 1; }
	ip -n "$PL_P$1" link set lo up
	printf '%s\n' "$out" | jq -r '.ips[0].address' | cut -d/ -f1
}

# pl_listen POD PORT: a TCP listener on all of the pod's addresses
pl_listen() {
	ip netns exec "$PL_P$1" socat "TCP-LISTEN:$2,fork,reuseaddr" EXEC:/bin/true \
		> /dev/null 2>&1 &
	PL_PIDS="$PL_PIDS $!"
}

# pl_dns POD IP: dnsmasq on IP:53, answering the name the probe asks
pl_dns() {
	ip netns exec "$PL_P$1" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$2" --user=root --pid-file= \
		--log-facility=- --host-record=kubernetes.default.svc.cluster.local,10.0.0.1 \
		> "$PL_DIR/dnsmasq.log" 2>&1 &
	PL_DNS_PID=$!
	PL_PIDS="$PL_PIDS $!"
}

# pl_dnat PROTO VIP PORT DEST [MATCH...]: the node's rule for VIP:PORT -> DEST (ip:port),
# for what the node sends (OUTPUT) and what its pods send (PREROUTING), as kube-proxy's
# KUBE-SERVICES jumps from both
pl_dnat() {
	proto=$1 vip=$2 port=$3 dest=$4
	shift 4
	for chain in OUTPUT PREROUTING; do
		ip netns exec "$PL_NODE" iptables -w -t nat -A "$chain" -d "$vip/32" -p "$proto" \
			--dport "$port" "$@" -j DNAT --to-destination "$dest" || return 1
	done
}
pl_undnat() {
	for chain in OUTPUT PREROUTING; do
		ip netns exec "$PL_NODE" iptables -w -t nat -D "$chain" -d "$2/32" -p "$1" \
			--dport "$3" -j DNAT --to-destination "$4" || return 1
	done
}

# pl_up DIR: the node and its CNI config (pods come with pl_pod)
pl_up() {
	PL_DIR=$1
	mkdir -p "$PL_DIR/ipam"
	cat > "$PL_DIR/plugin.json" <<CONF
{"cniVersion": "1.0.0", "name": "kubenet", "type": "bridge", "bridge": "cbr0",
 "isGateway": true, "isDefaultGateway": true, "ipMasq": false,
 "ipam": {"type": "host-local", "dataDir": "$PL_DIR/ipam",
          "ranges": [[{"subnet": "10.244.1.0/24"}]]}}
CONF
	ip netns add "$PL_NODE" || return 1
	ip -n "$PL_NODE" link set lo up
	# the VIP range goes out of a veth to a neighbour that does not exist: dropped
	ip -n "$PL_NODE" link add vipsink0 type veth peer name vipsink1 || return 1
	ip -n "$PL_NODE" link set vipsink0 up
	ip -n "$PL_NODE" link set vipsink1 up
	ip -n "$PL_NODE" neigh add 169.254.0.2 lladdr 02:00:00:00:00:02 dev vipsink0 nud permanent
	ip -n "$PL_NODE" route add 10.0.0.0/16 via 169.254.0.2 dev vipsink0 onlink
	# pods reach ClusterIPs through the node: it forwards, and masquerades what it
	# DNATed back onto the bridge, so the answer returns through it (kube-proxy's
	# KUBE-MARK-MASQ does the same for such hairpin flows)
	ip netns exec "$PL_NODE" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$PL_NODE" iptables -w -t nat -A POSTROUTING -m conntrack --ctstate DNAT \
		-j MASQUERADE
}
