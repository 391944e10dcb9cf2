# Sourced by tests/e2e/t_apiserver_lab.sh: the S1 lab (DESIGN §8).
#
#   client  203.0.113.10/24 --- 203.0.113.1  router  198.51.100.1 --- 198.51.100.10/24  apiserver
#
# Three network namespaces with unique names ($S1P + c/r/a), two veth pairs,
# documentation addresses (RFC 5737) that exist only inside them. The router
# forwards, runs dnsmasq on 203.0.113.1 (the client's resolver, through
# /etc/netns/<client>/resolv.conf, which `ip netns exec` mounts) and an echo
# service on 203.0.113.1:8080 (socat) that answers the caller's address; the
# API server namespace runs `netdiag serve` with TLS on 198.51.100.10:443.
# s1_down removes all of it; the caller traps it.

S1P="nds1$$$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
S1C="${S1P}c" S1R="${S1P}r" S1A="${S1P}a"
S1_PUBLIC=aks-lab-1a2b3c-x7k2m9qp.hcp.westeurope.azmk8s.io
S1_GONE=aks-lab-deleted-0f0f0f-q1w2e3r4.hcp.westeurope.azmk8s.io   # NXDOMAIN
S1_PRIVATE=aks-lab-private-4d5e6f.9a8b7c6d-1111-2222-3333-444455556666.privatelink.westeurope.azmk8s.io
S1_CLIENT_IP=203.0.113.10
S1_SERVER_IP=198.51.100.10
S1_PRIVATE_IP=10.240.0.4     # the private endpoint: no route to it from the client
S1_PIDS=""

s1_down() {
	for p in $S1_PIDS; do kill "$p" 2>/dev/null; done
	for p in $S1_PIDS; do wait "$p" 2>/dev/null; done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$S1P"); do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/etc/netns/$S1C"
	rmdir /etc/netns 2>/dev/null   # only when empty: ours, or nobody's
	return 0
}

# s1_up DIR: build the lab; certificates and the served bundle under DIR
s1_up() {
	d=$1
	ip netns add "$S1C" && ip netns add "$S1R" && ip netns add "$S1A" || return 1
	for ns in "$S1C" "$S1R" "$S1A"; do ip -n "$ns" link set lo up; done
	ip link add "${S1P}c0" netns "$S1C" type veth peer name "${S1P}r0" netns "$S1R" || return 1
	ip link add "${S1P}r1" netns "$S1R" type veth peer name "${S1P}a0" netns "$S1A" || return 1
	ip -n "$S1C" addr add 203.0.113.10/24 dev "${S1P}c0"
	ip -n "$S1R" addr add 203.0.113.1/24 dev "${S1P}r0"
	ip -n "$S1R" addr add 198.51.100.1/24 dev "${S1P}r1"
	ip -n "$S1A" addr add 198.51.100.10/24 dev "${S1P}a0"
	ip -n "$S1C" link set "${S1P}c0" up
	ip -n "$S1R" link set "${S1P}r0" up
	ip -n "$S1R" link set "${S1P}r1" up
	ip -n "$S1A" link set "${S1P}a0" up
	# only the server's network is routed: 10.240.0.4 has no route from the client
	ip -n "$S1C" route add 198.51.100.0/24 via 203.0.113.1
	ip -n "$S1A" route add 203.0.113.0/24 via 198.51.100.1
	ip netns exec "$S1R" sysctl -qw net.ipv4.ip_forward=1

	mkdir -p "/etc/netns/$S1C"
	echo "nameserver 203.0.113.1" > "/etc/netns/$S1C/resolv.conf"
	ip netns exec "$S1R" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address=203.0.113.1 --except-interface=lo \
		--user=root --pid-file= --log-facility=- --quiet-dhcp \
		--address="/$S1_PUBLIC/$S1_SERVER_IP" --address="/$S1_PRIVATE/$S1_PRIVATE_IP" --address="/$S1_GONE/" \
		> "$d/dnsmasq.log" 2>&1 &
	S1_PIDS="$S1_PIDS $!"
	ip netns exec "$S1R" socat TCP-LISTEN:8080,bind=203.0.113.1,fork,reuseaddr \
		SYSTEM:"sh $TOP/tests/lab/s1/echo-ip.sh" \
		> "$d/echo.log" 2>&1 &
	S1_PIDS="$S1_PIDS $!"

	# a CA and the server's certificate for the public name; another CA for "wrong CA"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lab-ca \
		-keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1 || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
		-keyout "$d/other.key" -out "$d/other.crt" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$S1_PUBLIC" \
		-keyout "$d/srv.key" -out "$d/srv.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:%s,DNS:%s,IP:%s\n' "$S1_PUBLIC" "$S1_PRIVATE" "$S1_SERVER_IP" \
		> "$d/san.ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/san.ext" -out "$d/srv.crt" >/dev/null 2>&1 || return 1

	mkdir -p "$d/bundle/cluster"
	ip netns exec "$S1A" "$ND" serve --snapshot "$d/bundle" --listen "$S1_SERVER_IP:443" \
		--tls-cert "$d/srv.crt" --tls-key "$d/srv.key" --token s1-lab-token \
		> "$d/serve.url" 2> "$d/serve.err" &
	S1_PIDS="$S1_PIDS $!"
	i=0
	while [ ! -s "$d/serve.url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$d/serve.url" ] || { cat "$d/serve.err" >&2; return 1; }
	i=0
	while ! ip netns exec "$S1R" ss -ltn 2>/dev/null | grep -q '203.0.113.1:53 ' ||
	      ! ip netns exec "$S1R" ss -ltn 2>/dev/null | grep -q '203.0.113.1:8080 '; do
		[ $i -lt 50 ] || break
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# s1_kubeconfig FILE HOST CA_FILE TOKEN
s1_kubeconfig() {
	cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: aks-lab
  cluster:
    server: https://$2:443
    certificate-authority-data: $(base64 -w0 < "$3")
users:
- name: clusterUser_rg-lab_aks-lab
  user:
    token: $4
contexts:
- name: aks-lab
  context: {cluster: aks-lab, user: clusterUser_rg-lab_aks-lab}
current-context: aks-lab
KC
}

# s1_fw RULE...: replace the router's FORWARD rules (none when no argument)
s1_fw() {
	ip netns exec "$S1R" iptables -F FORWARD
	[ $# -gt 0 ] && ip netns exec "$S1R" iptables -A FORWARD "$@"
	return 0
}
