# Sourced by tests/e2e/t_egress_lab.sh: the egress lab (issue 12 item 2, DESIGN §8).
#
#   client 203.0.113.10/24 --- 203.0.113.1 router 198.51.100.1 --- 198.51.100.0/24 internet
#
# Three network namespaces with unique names ($EGP + c/r/i), documentation
# addresses (RFC 5737) that exist only inside them. The router forwards and
# runs two dnsmasq: 203.0.113.1:53 (the client's resolver, through
# /etc/netns/<client>/resolv.conf) answers AKS's real destination names with
# lab addresses; 203.0.113.1:5353 (for --dns-server) answers the same except
# packages.microsoft.com (NXDOMAIN). The "internet" namespace holds one
# address per destination and one `openssl s_server -www` on each, with a
# certificate from the lab CA (the client gets it with --ca-file); the API
# server name answers with ALPN h2/http1.1; 198.51.100.40 is an intercepting
# proxy whose certificate comes from another CA; 198.51.100.30:7000 is a
# socat listener and :8200 / :8470 answer HTTP 200 / an Azure Firewall's 470 (for --also). Firewalls are iptables rules in the router
# (eg_fw). eg_down removes all of it; the caller traps it.

EGP="ndeg$$$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
EGC="${EGP}c" EGR="${EGP}r" EGI="${EGP}i"
EG_FQDN=aks-lab-5e6f7a-q8w9e0r1.hcp.westeurope.azmk8s.io
EG_PROXY_IP=198.51.100.40
EG_PIDS=""

# name ip: the destinations the data lists without a profile, plus the profile's region ones
EG_DESTS="mcr.microsoft.com 198.51.100.11
eastus.data.mcr.microsoft.com 198.51.100.12
westeurope.data.mcr.microsoft.com 198.51.100.12
mcr-0001.mcr-msedge.net 198.51.100.13
management.azure.com 198.51.100.14
login.microsoftonline.com 198.51.100.15
packages.microsoft.com 198.51.100.16
acs-mirror.azureedge.net 198.51.100.17
$EG_FQDN 198.51.100.20
extra.lab.example 198.51.100.30"

eg_ip() { printf '%s\n' "$EG_DESTS" | awk -v n="$1" '$1 == n {print $2; exit}'; }

eg_down() {
	for p in $EG_PIDS; do kill "$p" 2>/dev/null; done
	for p in $EG_PIDS; do wait "$p" 2>/dev/null; done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$EGP"); do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/etc/netns/$EGC"
	rmdir /etc/netns 2>/dev/null   # only when empty: ours, or nobody's
	return 0
}

# eg_cert DIR NAME CA SUBJECT SANS: a certificate DIR/NAME.crt/.key signed by CA (DIR/CA.crt)
eg_cert() {
	openssl req -newkey rsa:2048 -nodes -subj "$4" -keyout "$1/$2.key" -out "$1/$2.csr" \
		>/dev/null 2>&1 || return 1
	printf 'subjectAltName=%s\n' "$5" > "$1/$2.ext"
	openssl x509 -req -in "$1/$2.csr" -CA "$1/$3.crt" -CAkey "$1/$3.key" -CAcreateserial \
		-days 2 -extfile "$1/$2.ext" -out "$1/$2.crt" >/dev/null 2>&1
}

# eg_tls IP CERT [ARGS...]: openssl s_server -www on IP:443 in the internet namespace
eg_tls() {
	_ip=$1 _c=$2
	shift 2
	ip netns exec "$EGI" openssl s_server -quiet -www -accept "$_ip:443" \
		-cert "$EGD/$_c.crt" -key "$EGD/$_c.key" -cert_chain "$EGD/${_c%%-*}ca.crt" "$@" \
		</dev/null > "$EGD/s_server-$_ip.log" 2>&1 &
	EG_PIDS="$EG_PIDS $!"
}

# eg_up DIR: build the lab; certificates and logs under DIR
eg_up() {
	EGD=$1
	ip netns add "$EGC" && ip netns add "$EGR" && ip netns add "$EGI" || return 1
	for ns in "$EGC" "$EGR" "$EGI"; do ip -n "$ns" link set lo up; done
	ip link add "${EGP}c0" netns "$EGC" type veth peer name "${EGP}r0" netns "$EGR" || return 1
	ip link add "${EGP}r1" netns "$EGR" type veth peer name "${EGP}i0" netns "$EGI" || return 1
	ip -n "$EGC" addr add 203.0.113.10/24 dev "${EGP}c0"
	ip -n "$EGR" addr add 203.0.113.1/24 dev "${EGP}r0"
	ip -n "$EGR" addr add 198.51.100.1/24 dev "${EGP}r1"
	ip -n "$EGI" addr add 198.51.100.2/24 dev "${EGP}i0"
	for ip in $(printf '%s\n' "$EG_DESTS" | awk '{print $2}' | sort -u) $EG_PROXY_IP; do
		ip -n "$EGI" addr add "$ip/32" dev "${EGP}i0"
	done
	for l in "$EGC ${EGP}c0" "$EGR ${EGP}r0" "$EGR ${EGP}r1" "$EGI ${EGP}i0"; do
		set -- $l
		ip -n "$1" link set "$2" up
	done
	ip -n "$EGC" route add 198.51.100.0/24 via 203.0.113.1
	ip -n "$EGI" route add 203.0.113.0/24 via 198.51.100.1
	ip netns exec "$EGR" sysctl -qw net.ipv4.ip_forward=1

	mkdir -p "/etc/netns/$EGC"
	# as a pod's: the cluster's search list and ndots:5
	printf 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 203.0.113.1\noptions ndots:5\n' \
		> "/etc/netns/$EGC/resolv.conf"
	addrs=$(printf '%s\n' "$EG_DESTS" | awk '{printf " --address=/%s/%s", $1, $2}')
	addrs5353=$(printf '%s\n' "$EG_DESTS" | awk '$1 != "packages.microsoft.com" {printf " --address=/%s/%s", $1, $2}')
	# shellcheck disable=SC2086
	ip netns exec "$EGR" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address=203.0.113.1 --except-interface=lo \
		--user=root --pid-file= --log-facility=- --quiet-dhcp $addrs \
		> "$EGD/dnsmasq.log" 2>&1 &
	EG_PIDS="$EG_PIDS $!"
	# shellcheck disable=SC2086
	ip netns exec "$EGR" dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=5353 \
		--bind-interfaces --listen-address=203.0.113.1 --except-interface=lo \
		--user=root --pid-file= --log-facility=- --quiet-dhcp $addrs5353 \
		--address=/packages.microsoft.com/ > "$EGD/dnsmasq5353.log" 2>&1 &
	EG_PIDS="$EG_PIDS $!"

	# the lab CA signs the destinations; the proxy CA re-signs what it intercepts
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netdiag lab root CA" \
		-keyout "$EGD/labca.key" -out "$EGD/labca.crt" >/dev/null 2>&1 || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj "/O=Contoso/CN=Contoso Egress Proxy Inspection CA" \
		-keyout "$EGD/proxyca.key" -out "$EGD/proxyca.crt" >/dev/null 2>&1 || return 1
	sans=$(printf '%s\n' "$EG_DESTS" | awk '{printf "%sDNS:%s", (NR > 1 ? "," : ""), $1}')
	eg_cert "$EGD" lab-dest labca "/CN=mcr.microsoft.com" "$sans" || return 1
	# an intercepting proxy forges the name the client asked for
	eg_cert "$EGD" proxy-dest proxyca "/CN=login.microsoftonline.com" "$sans" || return 1

	for ip in $(printf '%s\n' "$EG_DESTS" | awk '$1 !~ /hcp|extra/ {print $2}' | sort -u); do
		eg_tls "$ip" lab-dest
	done
	eg_tls "$(eg_ip "$EG_FQDN")" lab-dest -alpn h2,http/1.1
	eg_tls "$EG_PROXY_IP" proxy-dest
	# a TLS peer that never answers HTTP (s_server without -www) on extra.lab.example:443;
	# its stdin is a FIFO it holds open itself, so it neither sends nor hangs up
	mkfifo "$EGD/silent.fifo" || return 1
	ip netns exec "$EGI" openssl s_server -quiet -accept "198.51.100.30:443" \
		-cert "$EGD/lab-dest.crt" -key "$EGD/lab-dest.key" > "$EGD/s_server-silent.log" 2>&1 \
		<> "$EGD/silent.fifo" &
	EG_PIDS="$EG_PIDS $!"
	ip netns exec "$EGI" socat TCP-LISTEN:7000,bind=198.51.100.30,fork,reuseaddr \
		SYSTEM:"echo lab" > "$EGD/socat.log" 2>&1 &
	EG_PIDS="$EG_PIDS $!"
	# plain HTTP: a server that answers, and a firewall that denies (HTTP 470)
	for st in 200 470; do
		ip netns exec "$EGI" socat TCP-LISTEN:8$st,bind=198.51.100.30,fork,reuseaddr \
			SYSTEM:"sh $TOP/tests/lab/egress/http-answer.sh $st" > "$EGD/socat-$st.log" 2>&1 &
		EG_PIDS="$EG_PIDS $!"
	done

	i=0
	while [ $i -lt 100 ]; do
		up=$(ip netns exec "$EGI" ss -ltn 2>/dev/null | grep -c ':443 ')
		ip netns exec "$EGR" ss -lun 2>/dev/null | grep -q '203.0.113.1:5353 ' &&
			ip netns exec "$EGR" ss -lun 2>/dev/null | grep -q '203.0.113.1:53 ' &&
			ip netns exec "$EGI" ss -ltn 2>/dev/null | grep -q '198.51.100.30:7000 ' &&
			ip netns exec "$EGI" ss -ltn 2>/dev/null | grep -q '198.51.100.30:8470 ' &&
			[ "$up" -ge 10 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "egress lab: listeners did not come up ($up of 10 TLS)" >&2
	return 1
}

# eg_fw RULE...: replace the router's FORWARD and nat PREROUTING rules (none without arguments);
# each argument is one rule: "FORWARD -d IP -p tcp --dport 443 -j DROP"
eg_fw() {
	ip netns exec "$EGR" iptables -F FORWARD
	ip netns exec "$EGR" iptables -t nat -F PREROUTING
	for rule in "$@"; do
		set -- $rule
		case $1 in
		PREROUTING) ip netns exec "$EGR" iptables -t nat -A $rule || return 1 ;;
		*) ip netns exec "$EGR" iptables -A $rule || return 1 ;;
		esac
	done
	return 0
}
