#!/bin/sh
# The node lab (DESIGN §8, issue 5): real CNI bridge + host-local plugins give
# IPs to "pod" network namespaces behind a bridge in a "node" namespace; leaks
# are made the way they happen (a pod's namespace removed without CNI DEL).
# netdiag must list exactly the leaked IPs, free exactly those (safely, under
# the plugin's lock, with a concurrent ADD), restore them byte for byte, refuse
# bad stores, and tell kube-proxy rules apart. Needs root, iproute2, iptables,
# python3 and /usr/lib/cni; everything is removed by the trap.
. "$TOP/tests/e2e/lib.sh"

CNI=${CNI_PATH_LAB:-/usr/lib/cni}
if [ "$(id -u)" != 0 ] || [ ! -x "$CNI/bridge" ] || [ ! -x "$CNI/host-local" ] ||
   ! command -v ip >/dev/null || ! command -v iptables-restore >/dev/null ||
   ! command -v python3 >/dev/null || ! command -v jq >/dev/null; then
	echo "node lab: skipped (needs root, iproute2, iptables, python3, jq, $CNI)" >&2
	exit 0
fi

P="ndl$$"                 # prefix of every namespace this test creates
NODE="${P}n1"
NODE2="${P}n2"
GEN="$TOP/tests/lab/labgen.py"
cleanup() {
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P" ); do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# node_setup ROOT NODE_NS SUBNET: a root with the conflist under etc/cni/net.d,
# naming a custom dataDir; the plugins get the same config with dataDir under ROOT.
node_setup() {
	root=$1 ns=$2 subnet=$3
	mkdir -p "$root/etc/cni/net.d" "$root/var/lib/cni/ndlab" \
		"$root/run/containerd/io.containerd.runtime.v2.task/k8s.io"
	cat > "$root/etc/cni/net.d/10-kubenet.conflist" <<CONF
{"cniVersion": "1.0.0", "name": "kubenet",
 "plugins": [{"type": "bridge", "bridge": "cbr0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "/var/lib/cni/ndlab",
            "ranges": [[{"subnet": "$subnet"}]]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
CONF
	# the plugin's own config: one plugin of the list, dataDir as seen from here
	sed -e "s#\"/var/lib/cni/ndlab\"#\"$root/var/lib/cni/ndlab\"#" \
		"$root/etc/cni/net.d/10-kubenet.conflist" |
		python3 -c 'import json,sys; c=json.load(sys.stdin); p=c["plugins"][0]; p["cniVersion"]=c["cniVersion"]; p["name"]=c["name"]; print(json.dumps(p))' \
		> "$root/plugin.json"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
}

cid_of() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# cni CMD ROOT NODE_NS POD: run the real bridge plugin for pod POD (netns $P$POD)
cni() {
	cmd=$1 root=$2 ns=$3 pod=$4
	ip netns exec "$ns" env CNI_COMMAND="$cmd" CNI_CONTAINERID="$(cid_of "$pod")" \
		CNI_NETNS="/var/run/netns/$P$pod" CNI_IFNAME=eth0 CNI_PATH="$CNI" \
		"$CNI/bridge" < "$root/plugin.json"
}

# add_pod ROOT NODE_NS POD: sandbox "task" + netns + CNI ADD; prints the IP
add_pod() {
	mkdir -p "$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$(cid_of "$3")"
	ip netns add "$P$3" || return 1
	out=$(cni ADD "$1" "$2" "$3") || { echo "$out" >&2; return 1; }
	printf '%s\n' "$out" | jq -r '.ips[0].address' | cut -d/ -f1
}

# leak_pod ROOT POD: what a crash does: the sandbox and netns go, CNI DEL never runs
leak_pod() {
	rm -rf "$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$(cid_of "$2")"
	ip netns del "$P$2"
}

del_pod() {
	cni DEL "$1" "$2" "$3" >/dev/null
	rm -rf "$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$(cid_of "$3")"
	ip netns del "$P$3"
}

sorted() { tr ' ' '\n' | sed '/^$/d' | sort; }

# ---------------------------------------------------------------- IPAM ----
R="$WORK/root"
B="$WORK/bundle"
STORE="$R/var/lib/cni/ndlab/kubenet"
node_setup "$R" "$NODE" 10.244.7.0/29        # 5 addresses: .2-.6
for p in p1 p2 p3 p4 p5; do
	eval "ip_$p=\$(add_pod \"\$R\" \"\$NODE\" $p)"
done
del_pod "$R" "$NODE" p5                        # deleted properly
ip_p6=$(add_pod "$R" "$NODE" p6)
leak_pod "$R" p3                                # the leaks
leak_pod "$R" p4
{
	echo "p1 $ip_p1 x Running"
	echo "p6 $ip_p6 x Running"
	echo "p2 $ip_p2 x Succeeded"                # terminated, still holds its IP
	echo "kube-proxy-x 10.224.0.4 x Running hostnet"
	echo "other $ip_p3 x Running nohost lab-node-2"   # same IP, another node
} | python3 "$GEN" pods "$B" lab-node-1 10.244.7.0/29
leaked_want=$(echo "$ip_p3 $ip_p4" | sorted)

full_out=$(ip netns add "${P}pfull2" && cni ADD "$R" "$NODE" pfull2 2>&1)
case $full_out in
*"no IP addresses available in range set"*) ok "lab: ADD in the full store fails as host-local says" ;;
*) not_ok "lab: ADD in the full store fails as host-local says" "$full_out" ;;
esac
ip netns del "${P}pfull2" 2>/dev/null

"$ND" ipam --node-root "$R" --node lab-node-1 --snapshot "$B" -o json > "$WORK/ipam.json"
check_rc "lab: ipam exits 1 on leaks" 1 "$ND" ipam --node-root "$R" --node lab-node-1 --snapshot "$B"
got=$(jq -r '.findings[] | select(.code=="ipam-leak") | .evidence.leaked[].ip' "$WORK/ipam.json" | sort)
if [ "$got" = "$leaked_want" ]; then ok "lab: ipam lists exactly the leaked IPs"
else not_ok "lab: ipam lists exactly the leaked IPs" "got: $got want: $leaked_want"; fi
check "lab: terminated pod's IP reported apart" sh -c "jq -e '.findings[] | select(.code==\"terminated-pods-hold-ips\") | .evidence.held[0].ip == \"$ip_p2\"' '$WORK/ipam.json'"
check "lab: pool exhausted" sh -c "jq -e '[.findings[] | select(.code==\"ipam-pool-exhausted\")] | length == 1' '$WORK/ipam.json'"
check "lab: leaked sandboxes seen gone" sh -c "jq -e '[.findings[] | select(.code==\"ipam-leak\") | .evidence.leaked[].sandbox] | all(. == \"gone\")' '$WORK/ipam.json'"
check "lab: store dir from the conflist's dataDir" sh -c "jq -e '.findings[] | select(.code==\"ipam-leak\") | .evidence.store_dir == \"$STORE\"' '$WORK/ipam.json'"

snap() { (cd "$STORE" && for f in *; do printf '%s %s\n' "$f" "$(od -An -c "$f" | tr -d ' \n')"; done); }
before=$(snap)
cp -a "$STORE" "$WORK/store.before"
"$ND" ipam release --node-root "$R" --node lab-node-1 --snapshot "$B" --min-age 0s -o json > "$WORK/dry.json"
got=$(jq -r '.verdict.would_free[].ip' "$WORK/dry.json" | sort)
if [ "$got" = "$leaked_want" ] && [ "$(snap)" = "$before" ]; then ok "lab: dry run lists the leaks and changes nothing"
else not_ok "lab: dry run lists the leaks and changes nothing" "$got"; fi
check "lab: the dry run's closing line is its plan" sh -c "'$ND' ipam release --node-root '$R' --node lab-node-1 --snapshot '$B' --min-age 0s | grep -q '^dry run: [0-9]* leaked entries would be freed; run again with --apply'"
check_rc "lab: release refuses without a pod list" 2 "$ND" ipam release --apply --node-root "$R" --node lab-node-1
check_rc "lab: release refuses an unknown node" 2 "$ND" ipam release --apply --node-root "$R" --node nosuch --snapshot "$B"
"$ND" ipam release --apply --node-root "$R" --node lab-node-1 --snapshot "$B" -o json > "$WORK/rel.json"
got=$(jq -r '.verdict.kept[] | select(.why | test("pod list")) | .ip' "$WORK/rel.json" | sort)
if [ "$got" = "$leaked_want" ] && [ "$(snap)" = "$before" ]; then ok "lab: default --min-age keeps fresh leaks"
else not_ok "lab: default --min-age keeps fresh leaks" "$(cat "$WORK/rel.json")"; fi
"$ND" ipam release --apply --min-age 0s --node-root "$R" --node lab-node-1 --snapshot "$B" -o json > "$WORK/rel.json"
got=$(jq -r '.verdict.freed[].ip' "$WORK/rel.json" | sort)
journal=$(jq -r '.verdict.journal' "$WORK/rel.json")
if [ "$got" = "$leaked_want" ] && [ ! -e "$STORE/$ip_p3" ] && [ ! -e "$STORE/$ip_p4" ] &&
   [ -e "$STORE/$ip_p1" ] && [ -e "$STORE/$ip_p2" ] && [ -e "$STORE/$ip_p6" ]; then
	ok "lab: release --apply frees exactly the leaks"
else not_ok "lab: release --apply frees exactly the leaks" "$(cat "$WORK/rel.json")"; fi
check "lab: journal written next to the store" test -s "$journal"
ip_new=$(add_pod "$R" "$NODE" pnew)
case " $ip_p3 $ip_p4 " in
*" $ip_new "*) ok "lab: the real plugin hands a freed IP out again" ;;
*) not_ok "lab: the real plugin hands a freed IP out again" "new ADD got '$ip_new'" ;;
esac
del_pod "$R" "$NODE" pnew
"$ND" ipam restore "$journal" -o json > "$WORK/restore.json"
same=yes
for ip in $ip_p3 $ip_p4; do
	cmp -s "$STORE/$ip" "$WORK/store.before/$ip" || same=no
	[ "$(stat -c '%a %Y %u' "$STORE/$ip")" = "$(stat -c '%a %Y %u' "$WORK/store.before/$ip")" ] || same=no
done
if [ $same = yes ]; then ok "lab: restore puts them back byte for byte"
else not_ok "lab: restore puts them back byte for byte" "$(cat "$WORK/restore.json")"; fi
check "lab: restore twice finds them present" sh -c "'$ND' ipam restore '$journal' -o json | jq -e '.verdict.restored_count == 0 and ([.verdict.not_restored[].why] | all(. == \"present\"))'"

# ------------------------------------------------------ kube-proxy rules ----
python3 "$GEN" kp "$B" "$WORK/rules.txt"
ip netns exec "$NODE" iptables-restore < "$WORK/rules.txt"
ip netns exec "$NODE" "$ND" diagnose --node-root "$R" --node lab-node-1 --snapshot "$B" -o json > "$WORK/kp.json"
got=$(jq -r '[.findings[] | select(.code=="kube-proxy-rules-missing") | "\(.subject.name):\(.evidence.problem)"] | sort | join(" ")' "$WORK/kp.json")
if [ "$got" = "api:chain missing shop:endpoints differ" ]; then ok "lab: kube-proxy missing SVC, stale SEP, healthy told apart (live)"
else not_ok "lab: kube-proxy missing SVC, stale SEP, healthy told apart (live)" "$got"; fi
check "lab: stale and missing endpoints named" sh -c "jq -e '.findings[] | select(.code==\"kube-proxy-rules-missing\" and .subject.name==\"shop\") | .evidence.stale == [\"10.244.9.9:8080\"] and .evidence.missing == [\"10.244.1.21:8080\"]' '$WORK/kp.json'"
check "lab: 1001-endpoint service without comments is healthy" sh -c "jq -e '[.findings[] | select(.code==\"kube-proxy-rules-missing\" and .subject.name==\"big\")] | length == 0' '$WORK/kp.json'"
check "lab: no-endpoints REJECT recognised" sh -c "jq -e '.checks[] | select(.id==\"kube-proxy-rules\") | .reason | test(\"1 without endpoints\")' '$WORK/kp.json'"
ip netns exec "$NODE" iptables-save > "$WORK/saved.txt"
"$ND" diagnose --snapshot "$B" --iptables-save "$WORK/saved.txt" --node lab-node-1 -o json > "$WORK/kp2.json"
check "lab: --iptables-save FILE gives the same findings" sh -c "test \"\$(jq -c '[.findings[] | select(.code==\"kube-proxy-rules-missing\") | .evidence | del(.source)]' '$WORK/kp.json')\" = \"\$(jq -c '[.findings[] | select(.code==\"kube-proxy-rules-missing\") | .evidence | del(.source)]' '$WORK/kp2.json')\""
mkdir -p "$B/nodes/lab-node-1"
cp "$WORK/saved.txt" "$B/nodes/lab-node-1/iptables-save.txt"
check "lab: bundle nodes/<node>/iptables-save.txt read too" sh -c "'$ND' diagnose --snapshot '$B' -o json | jq -e '[.findings[] | select(.code==\"kube-proxy-rules-missing\")] | length == 2'"
rm -rf "$B/nodes"

# ----------------------------------------- concurrent ADD during release ----
R2="$WORK/root2"
B2="$WORK/bundle2"
S2="$R2/var/lib/cni/ndlab/kubenet"
node_setup "$R2" "$NODE2" 10.244.9.0/26
live=""
lost=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	add_pod "$R2" "$NODE2" "l$i" >/dev/null && leak_pod "$R2" "l$i"
	sleep 1   # the pod list below is newer than the leak, in whole seconds
	{ echo "kube-proxy-b 10.224.0.5 x Running hostnet"
	  for c in $live; do echo "$c $(cat "$WORK/ip_$c") x Running"; done; } |
		python3 "$GEN" pods "$B2" lab-node-2b 10.244.9.0/26
	"$ND" ipam release --apply --min-age 0s --node-root "$R2" --node lab-node-2b \
		--snapshot "$B2" > "$WORK/crel.$i" 2>&1 &
	rp=$!
	add_pod "$R2" "$NODE2" "c$i" > "$WORK/ip_c$i" 2>"$WORK/cadd.$i" || lost="$lost add-c$i"
	wait $rp || { rc=$?; lost="$lost release-$i(exit $rc)"; cp "$WORK/crel.$i" "$WORK/crel.failed"; }
	live="$live c$i"
done
for c in $live; do
	f="$S2/$(cat "$WORK/ip_$c")"
	[ -f "$f" ] && [ "$(head -c 64 "$f")" = "$(cid_of "$c")" ] || lost="$lost $c"
done
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -lq "$(cid_of "l$i")" "$S2"/10.* 2>/dev/null && lost="$lost leak-l$i"
done
if [ -z "$lost" ]; then ok "lab: concurrent ADD during release never loses an entry"
else not_ok "lab: concurrent ADD during release never loses an entry" "$lost $(cat "$WORK/crel.failed" 2>/dev/null || cat "$WORK"/crel.* | tail -5)"; fi
n=$(ls "$S2" | grep -c '^10\.')
check "lab: store consistent after the loop (one file per live pod)" test "$n" -eq 10
for c in $live; do echo "$c $(cat "$WORK/ip_$c") x Running"; done |
	python3 "$GEN" pods "$B2" lab-node-2b 10.244.9.0/26
check "lab: netdiag reads it cleanly, no leak left" sh -c "'$ND' ipam --node-root '$R2' --node lab-node-2b --snapshot '$B2' -o json | jq -e '[.checks[] | select(.id==\"ipam-node\")][0].status == \"pass\"'"

# ------------------------------------------------------------ bad input ----
# A copy of the first store (plain files, no namespaces needed).
python3 "$GEN" info "$B"        # a fresh pod list: the cases below fail on their input
bad_case() {
	name=$1 setup=$2 want=$3
	rm -rf "$WORK/bad"
	cp -a "$R" "$WORK/bad"
	BS="$WORK/bad/var/lib/cni/ndlab/kubenet"
	eval "$setup"
	sum=$( (cd "$BS" && ls -la --time-style=+%s . && cat ./10.* 2>/dev/null) | sha256sum)
	out=$("$ND" ipam release --apply --min-age 0s --node-root "$WORK/bad" --node lab-node-1 --snapshot "$B" 2>&1)
	rc=$?
	sum2=$( (cd "$BS" && ls -la --time-style=+%s . && cat ./10.* 2>/dev/null) | sha256sum)
	if [ $rc -eq 2 ] && [ "$sum" = "$sum2" ] && printf '%s' "$out" | grep -q "$want"; then
		ok "lab: bad input: $name"
	else
		not_ok "lab: bad input: $name" "rc=$rc $out"
	fi
}
bad_case "garbage store file" 'printf "!!not an id\001" > "$BS/10.244.7.9"' "10.244.7.9': content is not a container ID"
bad_case "directory where a file should be" 'mkdir "$BS/10.244.7.9"' "a directory where an IP file should be"
bad_case "symlink outside the store" 'ln -s /etc/hostname "$BS/10.244.7.9"' "a symbolic link where an IP file should be"
bad_case "lock is a directory" 'rm -f "$BS/lock"; mkdir "$BS/lock"' "lock'.*Is a directory"
bad_case "lock is a FIFO" 'rm -f "$BS/lock"; mkfifo "$BS/lock"' "lock'.*not a regular file"
bad_case "lock is a symlink" 'rm -f "$BS/lock"; ln -s /etc/hostname "$BS/lock"' "lock.*symbolic link"

# ------------------------------------------- two witnesses before a write ----
# The store of the first node still holds the two leaks ($ip_p3, $ip_p4, restored
# above). Each case takes away or spoils one witness: --apply must refuse, say
# which witness is missing and how to supply it, and change nothing.
TASKS=run/containerd/io.containerd.runtime.v2.task/k8s.io
witness_case() {
	name=$1 setup=$2 want=$3
	rm -rf "$WORK/w" "$WORK/wb"
	cp -a "$R" "$WORK/w"
	cp -a "$B" "$WORK/wb"
	python3 "$GEN" info "$WORK/wb"
	WS="$WORK/w/var/lib/cni/ndlab/kubenet"
	eval "$setup"
	sum=$( (cd "$WS" && ls -la --time-style=+%s . && cat ./10.*) | sha256sum)
	out=$("$ND" ipam release --apply --min-age 0s --node-root "$WORK/w" --node lab-node-1 \
		--snapshot "$WORK/wb" $EXTRA 2>&1)
	rc=$?
	sum2=$( (cd "$WS" && ls -la --time-style=+%s . && cat ./10.*) | sha256sum)
	if [ $rc -eq 2 ] && [ "$sum" = "$sum2" ] && printf '%s' "$out" | grep -q -- "$want"; then
		ok "lab: witness: $name"
	else
		not_ok "lab: witness: $name" "rc=$rc $out"
	fi
	EXTRA=""
}
EXTRA=""
witness_case "no runtime folder (CRI-O, /run not mounted)" 'rm -rf "$WORK/w/run"' \
	"no runtime evidence on the node.*--runtime-dir DIR"
witness_case "no runtime folder: the refusal names the override" 'rm -rf "$WORK/w/run"' \
	"accept-risk-of-freeing-live-ips"
witness_case "bundle without its own timestamp" 'rm -f "$WORK/wb/collect-info.json"' \
	"no timestamp of its own.*netdiag collect"
witness_case "pod list filtered by namespace" 'python3 "$GEN" info "$WORK/wb" 0 shop' \
	"some namespaces only"
witness_case "pods not read in full" 'python3 "$GEN" info "$WORK/wb" 0 all forbidden' \
	"pods were listed in full"
witness_case "stale pod list" 'python3 "$GEN" info "$WORK/wb" 3600' \
	"taken [0-9]*s ago.*--max-list-age 300s"
witness_case "no pod at all listed on the node" \
	'echo "elsewhere 10.244.8.9 x Running nohost lab-node-2" | python3 "$GEN" pods "$WORK/wb" lab-node-1 10.244.7.0/29' \
	"no pod at all on node 'lab-node-1' while its store holds"
witness_case "runtime folder of another root (empty)" 'rm -rf "$WORK/w/$TASKS"/*' \
	"the witnesses disagree: .* is held by a live pod"
EXTRA="--runtime-dir $WORK/nosuch"
witness_case "--runtime-dir that cannot be listed" 'rm -rf "$WORK/w/run"' \
	"--runtime-dir: cannot list"

# The same witnesses, supplied: --runtime-dir, CRI-O's run root, a fresh collect.
rm -rf "$WORK/w"; cp -a "$R" "$WORK/w"; python3 "$GEN" info "$B"
mv "$WORK/w/run" "$WORK/run-elsewhere"
got=$("$ND" ipam release --min-age 0s --node-root "$WORK/w" --node lab-node-1 --snapshot "$B" \
	--runtime-dir "$WORK/run-elsewhere/${TASKS#run/}" -o json | jq -r '.verdict.would_free[].ip' | sort)
if [ "$got" = "$leaked_want" ]; then ok "lab: witness: --runtime-dir supplies the runtime evidence"
else not_ok "lab: witness: --runtime-dir supplies the runtime evidence" "$got"; fi
mkdir -p "$WORK/w/run/containers/storage/overlay-containers"
for d in "$WORK/run-elsewhere/${TASKS#run/}"/*; do
	mkdir -p "$WORK/w/run/containers/storage/overlay-containers/${d##*/}/userdata"
done
got=$("$ND" ipam release --min-age 0s --node-root "$WORK/w" --node lab-node-1 --snapshot "$B" \
	-o json | jq -r '.verdict.would_free[].ip' | sort)
if [ "$got" = "$leaked_want" ]; then ok "lab: witness: CRI-O's run root is runtime evidence"
else not_ok "lab: witness: CRI-O's run root is runtime evidence" "$got"; fi
rm -rf "$WORK/w/run" "$WORK/run-elsewhere"
out=$("$ND" ipam release --min-age 0s --node-root "$WORK/w" --node lab-node-1 --snapshot "$B" \
	--accept-risk-of-freeing-live-ips -o json 2>"$WORK/ovr.err")
if [ "$(printf '%s' "$out" | jq -r '.verdict.would_free[].ip' | sort)" = "$leaked_want" ] &&
   printf '%s' "$out" | jq -e '.verdict.override | test("no runtime evidence")' >/dev/null &&
   grep -q 'warning' "$WORK/ovr.err"; then
	ok "lab: witness: the override goes on, says so, and keeps the per-entry rules"
else not_ok "lab: witness: the override goes on, says so, and keeps the per-entry rules" "$out"; fi
exit 0
