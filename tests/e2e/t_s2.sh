#!/bin/sh
# S2 beyond the goldens: sandbox failures grouped per node and cause, and
# each grouped pod still found by `netdiag pod NAME`.
. "$TOP/tests/e2e/lib.sh"

B=$TOP/tests/bundles/sandbox-causes
"$ND" pod apps/web-dmnnbx4dd4-88rb5 --snapshot "$B" -o json > "$WORK/pod.json" 2>/dev/null
check "pod NAME: the node's finding for that pod alone" jq -e \
	'[.findings[] | select(.code == "pod-network-setup-failed")] | length == 1 and
	 .[0].subject == {"kind": "Node", "namespace": null, "name": "aks-nodepool1-14142135-vmss000000"} and
	 .[0].evidence.pods_count == 1 and .[0].evidence.pods[0].pod == "apps/web-dmnnbx4dd4-88rb5" and
	 .[0].evidence.cause == "plugin-not-found" and .[0].evidence.plugin == "azure-vnet"' "$WORK/pod.json"
"$ND" diagnose --snapshot "$B" -o json > "$WORK/all.json" 2>/dev/null
check "17 pods of one node, one cause: one finding" jq -e \
	'[.findings[] | select(.subject.name == "aks-nodepool1-14142135-vmss000000")] | length == 1 and .[0].evidence.pods_count == 17' \
	"$WORK/all.json"
check "one node, two causes: two findings" jq -e \
	'[.findings[] | select(.subject.name == "aks-nodepool1-14142135-vmss000001") | .code] | sort == ["pod-ip-allocation-failed", "pod-network-setup-failed"]' \
	"$WORK/all.json"
check "causes named" jq -e \
	'[.findings[] | select(.code == "pod-network-setup-failed") | .evidence.cause] | sort ==
	 ["cni-agent-unreachable", "cni-not-initialized", "cns-unreachable", "netns-missing", "plugin-not-found", "timeout"]' \
	"$WORK/all.json"
check "no subnet advice for a missing plugin" sh -c \
	"jq -r '.findings[] | select(.code == \"pod-network-setup-failed\") | .remedy' '$WORK/all.json' | grep -qv subnet"

# Azure CNI on the node: `ipam --node-root` names the leaked IPs' containers (issue 13 item 3)
G=$TOP/tests/bundles/azure-cni-guide
A=aks-nodepool1-16180339-vmss000000
ROOT=$WORK/azroot
cp -R "$G/node-root/$A" "$ROOT"
before=$(find "$ROOT" -type f -exec sha256sum {} + | sort)
"$ND" ipam --node-root "$ROOT" --node "$A" --snapshot "$G" -o json > "$WORK/az.json" 2>/dev/null
check "node-root: one leak finding for the node, 11 IPs, each with its container" jq -e \
	'[.findings[] | select(.code == "ipam-leak")] | length == 1 and .[0].subject.kind == "NodeNetworkConfig" and
	 .[0].evidence.leaked_count == 11 and ([.[0].evidence.leaked[] | select(.container_id | test("^[0-9a-f]{64}$"))] | length) == 11 and
	 (.[0].evidence.store_dir | endswith("var/run/azure-cns/azure-endpoints.json"))' "$WORK/az.json"
after=$(find "$ROOT" -type f -exec sha256sum {} + | sort)
check "node-root: Azure's state files are never written" test "$before" = "$after"
# without NodeNetworkConfigs in the source, the endpoint state alone judges (both formats)
mkdir -p "$WORK/nonnc"
cp -R "$G/cluster" "$WORK/nonnc/cluster"
rm "$WORK/nonnc/cluster/nodenetworkconfigs.json"
for r in node-root:azure-cns node-root-vnet:azure-vnet; do
	dir=${r%%:*} fmt=${r#*:}
	"$ND" ipam --node-root "$G/$dir/$A" --node "$A" --snapshot "$WORK/nonnc" -o json > "$WORK/st.json" 2>/dev/null
	check "endpoint state alone ($fmt): the 11 IPs with their containers and recorded pods" jq -e --arg f "$fmt" \
		'[.findings[] | select(.code == "ipam-leak")] | length == 1 and .[0].subject.kind == "Node" and
		 .[0].evidence.network == $f and .[0].evidence.leaked_count == 11 and
		 ([.[0].evidence.leaked[] | select(.recorded_pod | startswith("shop/"))] | length) == 11' "$WORK/st.json"
done
# a state file that is not what it claims: a clear error naming it, the other checks go on
mkdir -p "$WORK/bad/var/run/azure-cns"
printf '{"Endpoints": {"x": {"IfnameToIPMap": {"eth0": {"IPv4": [{"IP": "10.0.0.300"}]}}}}}' \
	> "$WORK/bad/var/run/azure-cns/azure-endpoints.json"
"$ND" ipam --node-root "$WORK/bad" --node "$A" --snapshot "$WORK/nonnc" -o json > "$WORK/bad.json" 2>/dev/null
check "bad endpoint state: azure-cns-state in error, naming the member" jq -e \
	'.summary.verdict == "incomplete" and ([.checks[] | select(.id == "azure-cns-state" and .status == "error" and
	 (.reason | test("Endpoints.x.IfnameToIPMap.eth0.IPv4\\[0\\].IP")))] | length) == 1' "$WORK/bad.json"

# every host-local network of a node, on the node (issue 11 item 6)
H=$TOP/tests/bundles/hostlocal-multi
N0=aks-nodepool1-27182818-vmss000000
HR=$WORK/hlroot
mkdir -p "$HR/etc/cni" "$HR/var/lib/cni"
cp -R "$H/nodes/$N0/cni/net.d" "$HR/etc/cni/net.d"
cp -R "$H/nodes/$N0/cni/networks" "$HR/var/lib/cni/networks"
"$ND" ipam --node-root "$HR" --node "$N0" --snapshot "$H" -o json > "$WORK/hl.json" 2>/dev/null
check "node-root: the default network's leak and the chained network's full range" jq -e \
	'([.findings[] | "\(.code) \(.evidence.network)"] | sort) == ["ipam-leak kubenet", "ipam-pool-exhausted ptp-net"] and
	 ([.checks[] | select(.id == "ipam-node") | .reason | test("3 host-local stores")] | any)' "$WORK/hl.json"
"$ND" pod web/"$(jq -r '[.items[] | select(.spec.nodeName == "aks-userpool-14142135-vmss000000") | .metadata.name][0]' "$TOP/tests/bundles/azure-cni-headroom/cluster/pods.json")" \
	--snapshot "$TOP/tests/bundles/azure-cni-headroom" -o json > "$WORK/hr.json" 2>/dev/null
check "pod NAME on a roomy subnet: no other subnet's headroom warning" jq -e \
	'[.findings[] | select(.code == "azure-cni-subnet-headroom-low")] | length == 0' "$WORK/hr.json"

# a bundle that carries the node's endpoint state gives the same containers
cp -R "$G" "$WORK/gb"
cp "$G/node-root/$A/var/run/azure-cns/azure-endpoints.json" "$WORK/gb/nodes/$A/azure-endpoints.json"
(cd "$WORK" && "$ND" diagnose --snapshot gb -o json) > "$WORK/gb.json" 2>/dev/null
check "bundle with azure-endpoints.json: the gap finding names the containers" jq -e \
	--arg d "gb/nodes/$A/azure-endpoints.json" \
	'[.findings[] | select(.code == "ipam-leak")] | length == 1 and .[0].evidence.store_dir == $d and
	 ([.[0].evidence.leaked[] | select(.container_id != null and .recorded_pod != null)] | length) == 11' "$WORK/gb.json"

# netdiag pod NAME shows first the node finding that lists the pod (issue 11 item 9)
check "pod NAME: the node finding listing the pod comes first" sh -c "'$ND' pod shop/web-qntsqnr8sm-pxbdx --snapshot '$TOP/tests/bundles/azure-cni-guide' -o json 2>/dev/null | jq -e '.findings[0].code == \"pod-ip-allocation-failed\" and (.findings[0].evidence.pods | map(.pod) | index(\"shop/web-qntsqnr8sm-pxbdx\") != null)' >/dev/null"
