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
