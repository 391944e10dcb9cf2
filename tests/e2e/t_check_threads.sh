#!/bin/sh
# The checks run on several threads when there are cores for them, each in
# a report of its own put back in table order (src/checks/run.c): the
# report must be byte for byte the one a single thread makes
# (NETDIAG_CHECK_THREADS=1), in JSON and text, on every bundle, and with a
# node's own files (rows that must run on the calling thread, with others).
. "$TOP/tests/e2e/lib.sh"

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || [ -d "$dir/nodes" ] || continue
	name=$(stage "${dir%/}")
	for fmt in json text; do
		(cd "$WORK" && NETDIAG_CHECK_THREADS=1 "$ND" diagnose --snapshot "$name" -o $fmt 2>&1) |
			normalize_json > "$WORK/one.out"
		(cd "$WORK" && NETDIAG_CHECK_THREADS=4 "$ND" diagnose --snapshot "$name" -o $fmt 2>&1) |
			normalize_json > "$WORK/four.out"
		if out=$(diff -u "$WORK/one.out" "$WORK/four.out"); then
			ok "checks on four threads: $name, $fmt"
		else
			not_ok "checks on four threads: $name, $fmt" "$out"
		fi
	done
done

# the four threads were used: a check's findings are in its own row
check "findings carry their check's id on four threads" sh -c \
	"cd '$WORK' && NETDIAG_CHECK_THREADS=4 '$ND' diagnose --snapshot aks-kubenet-broken -o json |
	 jq -e '[.findings[].code] | length > 3'"

G=$TOP/tests/bundles/azure-cni-guide
A=aks-nodepool1-16180339-vmss000000
ROOT=$WORK/azroot
rm -rf "$ROOT"
cp -R "$G/node-root/$A" "$ROOT"
for t in 1 4; do
	NETDIAG_CHECK_THREADS=$t "$ND" diagnose --node-root "$ROOT" --node "$A" --snapshot "$G" \
		-o json 2>&1 | normalize_json > "$WORK/node$t.json"
done
check "node-root: one thread and four give one report" cmp "$WORK/node1.json" "$WORK/node4.json"
check "node-root: the node's rows ran" jq -e '[.checks[] | select(.status != "skip")] | length > 3' \
	"$WORK/node1.json"
