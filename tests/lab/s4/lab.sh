# The S4 lab (DESIGN §8, issue 12): a pod, a router, the API server and a
# CoreDNS pod in network namespaces; a library sourced by
# tests/e2e/t_incluster_lab.sh (and, later, fleet mode's tests).
#
#   pod  10.244.0.5 ---- 10.244.0.1  router  10.10.0.1  ---- 10.10.0.10  apiserver (netdiag serve, TLS)
#                                    (172.31.0.53:   10.244.1.1 ---- 10.244.1.10 coredns (dnsmasq)
#                                     the custom DNS forwarder, dnsmasq)
#
# The pod namespace holds kube-proxy-style DNAT rules (chain S4KP in nat
# OUTPUT): the kubernetes Service's VIP 10.96.0.1:443 -> 10.10.0.10:443 and
# the kube-dns VIP 10.96.0.10:53 -> 10.244.1.10:53. The router never routes
# 10.96.0.0/12 (a blackhole route, as a real network drops it), so without
# the DNAT the VIP times out. Firewall cases go into the router's chain S4FW.
# A pod runs with its own mount namespace (s4_pod): the service-account
# folder is bind-mounted at /var/run/secrets/kubernetes.io/serviceaccount
# (token = serve's --token, ca.crt = the CA that signed serve's
# certificate), /etc/resolv.conf is the pod's, and KUBERNETES_SERVICE_HOST,
# _PORT and HOSTNAME are set. Everything stays inside these namespaces;
# s4_down removes all of it (the caller traps it).
#
# Functions: s4_up DIR, s4_down, s4_pod ARGS... (runs netdiag in the pod),
# s4_serve [SERVE ARGS...] (restart the API server, bundle $S4_BUNDLE),
# s4_serve_stop, s4_fw [IPTABLES ARGS] (the router's firewall), s4_vip_break,
# s4_vip_fix, s4_coredns [DNSMASQ ARGS] (restart CoreDNS), s4_coredns_stop, s4_upstream
# [DNSMASQ ARGS] (restart the custom forwarder), s4_bundle NAME FILE...
# (a bundle with extra object files).

S4P="nds4$$$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
S4NP="${S4P}p" S4NR="${S4P}r" S4NA="${S4P}a" S4ND="${S4P}d"
S4_POD_IP=10.244.0.5
S4_API_IP=10.10.0.10
S4_DNS_IP=10.244.1.10
S4_UPSTREAM_IP=172.31.0.53
S4_VIP=10.96.0.1
S4_DNS_VIP=10.96.0.10
S4_FQDN=aks-lab-1a2b3c-x7k2m9qp.hcp.westeurope.azmk8s.io
S4_PRIVATE=aks-lab-1a2b3c-p9q8r7s6.privatelink.westeurope.azmk8s.io
S4_TOKEN="s4-lab-token-$$"
S4_USER=system:serviceaccount:lab:netdiag
S4_POD=netdiag-7d4f9
S4_SERVE_PID="" S4_DNS_PID="" S4_UP_PID=""
S4_LAB=${S4_LAB:-$TOP/tests/lab/s4}

_s4_kill() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

s4_down() {
	_s4_kill "$S4_SERVE_PID"
	_s4_kill "$S4_DNS_PID"
	_s4_kill "$S4_UP_PID"
	S4_SERVE_PID="" S4_DNS_PID="" S4_UP_PID=""
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$S4P"); do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# _s4_wait NS ADDR:PORT tcp|udp: until something listens there (5 s at most)
_s4_wait() {
	i=0
	while [ $i -lt 50 ]; do
		if [ "$3" = udp ]; then
			ip netns exec "$1" ss -lun 2>/dev/null | grep -q " $2 " && return 0
		else
			ip netns exec "$1" ss -ltn 2>/dev/null | grep -q " $2 " && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# s4_bundle NAME FILE...: $S4_DIR/NAME, the lab's bundle plus these object files
s4_bundle() {
	_n=$1
	shift
	rm -rf "${S4_DIR:?}/$_n"
	mkdir -p "$S4_DIR/$_n/cluster"
	cp "$S4_LAB/bundle/cluster/"*.json "$S4_DIR/$_n/cluster/"
	for f in "$@"; do cp "$f" "$S4_DIR/$_n/cluster/"; done
	echo "$S4_DIR/$_n"
}

s4_serve_stop() {
	_s4_kill "$S4_SERVE_PID"
	S4_SERVE_PID=""
}

# s4_serve [ARGS...]: (re)start the API server on $S4_API_IP:443 with $S4_BUNDLE
s4_serve() {
	s4_serve_stop
	: > "$S4_DIR/serve.url"
	ip netns exec "$S4NA" "$ND" serve --snapshot "$S4_BUNDLE" --listen "$S4_API_IP:443" \
		--tls-cert "$S4_DIR/srv.crt" --tls-key "$S4_DIR/srv.key" --token "$S4_TOKEN" \
		--user "$S4_USER" "$@" > "$S4_DIR/serve.url" 2> "$S4_DIR/serve.err" &
	S4_SERVE_PID=$!
	_s4_wait "$S4NA" "$S4_API_IP:443" tcp || { cat "$S4_DIR/serve.err" >&2; return 1; }
}

# s4_coredns [DNSMASQ ARGS...]: (re)start CoreDNS; default: the cluster's name, the rest upstream
s4_coredns() {
	_s4_kill "$S4_DNS_PID"
	[ $# -gt 0 ] || set -- --address="/kubernetes.default.svc.cluster.local/$S4_VIP" \
		--server="$S4_UPSTREAM_IP"
	ip netns exec "$S4ND" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$S4_DNS_IP" --except-interface=lo \
		--user=root --pid-file= --log-facility=- --quiet-dhcp "$@" \
		> "$S4_DIR/coredns.log" 2>&1 &
	S4_DNS_PID=$!
	_s4_wait "$S4ND" "$S4_DNS_IP:53" udp
}

s4_coredns_stop() {
	_s4_kill "$S4_DNS_PID"
	S4_DNS_PID=""
}

# s4_upstream [DNSMASQ ARGS...]: (re)start the custom forwarder; default: both FQDNs, NXDOMAIN
# for the rest (give --address=/#/ too, or it refuses what it does not know)
s4_upstream() {
	_s4_kill "$S4_UP_PID"
	[ $# -gt 0 ] || set -- --address="/$S4_FQDN/$S4_API_IP" --address="/$S4_PRIVATE/$S4_API_IP" \
		--address=/#/
	ip netns exec "$S4NR" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$S4_UPSTREAM_IP" \
		--user=root --pid-file= --log-facility=- --quiet-dhcp "$@" \
		> "$S4_DIR/upstream.log" 2>&1 &
	S4_UP_PID=$!
	_s4_wait "$S4NR" "$S4_UPSTREAM_IP:53" udp
}

# s4_fw [RULE...]: replace the router's firewall (chain S4FW; none when no argument)
s4_fw() {
	ip netns exec "$S4NR" iptables -F S4FW
	[ $# -gt 0 ] && ip netns exec "$S4NR" iptables -A S4FW "$@"
	return 0
}

_s4_kp() {
	ip netns exec "$S4NP" iptables -t nat "$1" S4KP -d "$S4_VIP" -p tcp --dport 443 \
		-m comment --comment "default/kubernetes:https" -j DNAT --to-destination "$S4_API_IP:443"
}
# the kubernetes Service's DNAT rule removed (kube-proxy's rules stale) / put back
s4_vip_break() { _s4_kp -D; }
s4_vip_fix() { _s4_kp -D 2>/dev/null; _s4_kp -I; }

# s4_up DIR: build the lab; certificates, the pod's files and bundles under DIR
s4_up() {
	S4_DIR=$1
	d=$1
	for ns in "$S4NP" "$S4NR" "$S4NA" "$S4ND"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip link add "${S4P}p0" netns "$S4NP" type veth peer name "${S4P}r0" netns "$S4NR" || return 1
	ip link add "${S4P}r1" netns "$S4NR" type veth peer name "${S4P}a0" netns "$S4NA" || return 1
	ip link add "${S4P}r2" netns "$S4NR" type veth peer name "${S4P}d0" netns "$S4ND" || return 1
	ip -n "$S4NP" addr add "$S4_POD_IP/24" dev "${S4P}p0"
	ip -n "$S4NR" addr add 10.244.0.1/24 dev "${S4P}r0"
	ip -n "$S4NR" addr add 10.10.0.1/24 dev "${S4P}r1"
	ip -n "$S4NR" addr add 10.244.1.1/24 dev "${S4P}r2"
	ip -n "$S4NR" addr add "$S4_UPSTREAM_IP/32" dev lo
	ip -n "$S4NA" addr add "$S4_API_IP/24" dev "${S4P}a0"
	ip -n "$S4ND" addr add "$S4_DNS_IP/24" dev "${S4P}d0"
	for l in "$S4NP ${S4P}p0" "$S4NR ${S4P}r0" "$S4NR ${S4P}r1" "$S4NR ${S4P}r2" \
		 "$S4NA ${S4P}a0" "$S4ND ${S4P}d0"; do
		# shellcheck disable=SC2086
		set -- $l
		ip -n "$1" link set "$2" up
	done
	ip -n "$S4NP" route add default via 10.244.0.1
	ip -n "$S4NA" route add default via 10.10.0.1
	ip -n "$S4ND" route add default via 10.244.1.1
	ip netns exec "$S4NR" sysctl -qw net.ipv4.ip_forward=1
	# a VIP is nobody's address: dropped without a word (an ICMP error would not be real)
	ip -n "$S4NR" route add blackhole 10.96.0.0/12
	ip netns exec "$S4NR" iptables -N S4FW
	ip netns exec "$S4NR" iptables -A FORWARD -j S4FW
	# kube-proxy in the pod's namespace: the two VIPs
	ip netns exec "$S4NP" iptables -t nat -N S4KP || return 1
	ip netns exec "$S4NP" iptables -t nat -A OUTPUT -j S4KP
	for proto in udp tcp; do
		ip netns exec "$S4NP" iptables -t nat -A S4KP -d "$S4_DNS_VIP" -p $proto --dport 53 \
			-m comment --comment "kube-system/kube-dns:dns" -j DNAT --to-destination "$S4_DNS_IP:53"
	done
	s4_vip_fix || return 1

	# the CA, and the API server's certificate: the names every API server has, the VIP, the FQDNs
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lab-cluster-ca \
		-keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver \
		-keyout "$d/srv.key" -out "$d/srv.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:%s,DNS:%s,IP:%s,IP:%s\n' \
		"$S4_FQDN" "$S4_PRIVATE" "$S4_VIP" "$S4_API_IP" > "$d/san.ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/san.ext" -out "$d/srv.crt" >/dev/null 2>&1 || return 1

	# the pod's service-account folder and resolv.conf
	mkdir -p "$d/sa"
	printf '%s' "$S4_TOKEN" > "$d/sa/token"
	cp "$d/ca.crt" "$d/sa/ca.crt"
	printf 'lab' > "$d/sa/namespace"
	cat > "$d/resolv.conf" <<RC
search lab.svc.cluster.local svc.cluster.local cluster.local
nameserver $S4_DNS_VIP
options ndots:5
RC
	S4_BUNDLE=$(s4_bundle healthy)
	s4_upstream || return 1
	s4_coredns || return 1
	s4_serve || return 1
	return 0
}

# s4_pod ARGS...: netdiag ARGS in the pod (its network, mounts and environment)
s4_pod() {
	ip netns exec "$S4NP" unshare --mount sh -c '
		d=$1; shift
		mount -t tmpfs tmpfs /run &&
		mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
		mount --bind "$d/sa" /run/secrets/kubernetes.io/serviceaccount &&
		mount --bind "$d/resolv.conf" /etc/resolv.conf &&
		exec env KUBERNETES_SERVICE_HOST='"$S4_VIP"' KUBERNETES_SERVICE_PORT=443 \
			HOSTNAME='"$S4_POD"' "$@"' s4pod "$S4_DIR" "$ND" "$@"
}
