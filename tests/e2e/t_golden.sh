#!/bin/sh
# Golden text and JSON for every bundle under examples/ and tests/bundles/,
# and, where a bundle lists them in expected-findings.json ([{code, kind,
# namespace, name}], file names relative to the bundle), exactly that set of
# findings: each fault named, nothing said about the healthy objects. An
# entry's "pods" (the pods stuck without an IP that a node's finding groups)
# must be exactly the pods its finding lists.
# UPDATE_GOLDEN=1 rewrites tests/golden/ from the current output.
. "$TOP/tests/e2e/lib.sh"

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || [ -d "$dir/nodes" ] || continue
	name=$(stage "${dir%/}")
	# inputs too big to commit are made at test time
	[ -f "$WORK/$name/make-big.sh" ] && sh "$WORK/$name/make-big.sh" "$WORK/$name/cluster"
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" --color never > "$WORK/$name.txt" 2>/dev/null)
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" -o json 2>/dev/null) | normalize_json > "$WORK/$name.json"

	check "json-valid $name" jq -e '.schema == "netdiag/v1"' "$WORK/$name.json"
	for ext in txt json; do
		g="$TOP/tests/golden/$name.$ext"
		[ "${UPDATE_GOLDEN:-0}" = 1 ] && cp "$WORK/$name.$ext" "$g"
		if [ -f "$g" ]; then
			if out=$(diff -u "$g" "$WORK/$name.$ext"); then
				ok "golden $name.$ext"
			else
				not_ok "golden $name.$ext" "$out"
			fi
		fi
	done
	if [ -f "$dir/expected-findings.json" ]; then
		jq -r '.[] | "\(.code) \(.kind) \(.namespace // "-")/\(.name)" as $s |
			$s, (.pods[]? | "\($s) pod \(.)")' \
			"$dir/expected-findings.json" | sort -u > "$WORK/$name.want"
		jq -r '.findings[] | "\(.code) \(.subject.kind) \(.subject.namespace // "-")/\(.subject.name)" as $s |
			$s, (select(.code == "pod-ip-allocation-failed" or .code == "pod-network-setup-failed") |
			.evidence.pods[]? | "\($s) pod \(.pod)")' \
			"$WORK/$name.json" | sed "s#^\([^ ]* [^ ]* -/\)$name/#\1#" | sort -u > "$WORK/$name.got"
		if out=$(diff -u "$WORK/$name.want" "$WORK/$name.got"); then
			ok "findings $name"
		else
			not_ok "findings $name" "$out"
		fi
	fi
done
