#!/bin/sh
# Golden text and JSON for every bundle under examples/ and tests/bundles/,
# and, where a bundle lists them in expected-findings.txt ("code kind ns/name"
# a line, "-" for no namespace), exactly that set of findings: each fault
# named, nothing said about the healthy objects.
# UPDATE_GOLDEN=1 rewrites tests/golden/ from the current output.
. "$TOP/tests/e2e/lib.sh"

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || [ -d "$dir/nodes" ] || continue
	name=$(stage "${dir%/}")
	[ -x "$WORK/$name/make-bundle-extra.sh" ] && "$WORK/$name/make-bundle-extra.sh" "$WORK/$name"
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" --color never > "$WORK/$name.txt" 2>/dev/null)
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" -o json 2>/dev/null) | normalize_json > "$WORK/$name.json"

	check "json-valid $name" jq -e '.schema == "netdiag/v1"' "$WORK/$name.json"
	for ext in txt json; do
		g="$TOP/tests/golden/$name.$ext"
		if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
			cp "$WORK/$name.$ext" "$g"
		fi
		if [ -f "$g" ]; then
			if out=$(diff -u "$g" "$WORK/$name.$ext"); then
				ok "golden $name.$ext"
			else
				not_ok "golden $name.$ext" "$out"
			fi
		fi
	done
	if [ -f "$dir/expected-findings.txt" ]; then
		grep -v '^#' "$dir/expected-findings.txt" | sed '/^[[:space:]]*$/d' | sort -u > "$WORK/$name.want"
		jq -r '.findings[] | "\(.code) \(.subject.kind) \(.subject.namespace // "-")/\(.subject.name)"' \
			"$WORK/$name.json" | sed 's#^\([^ ]* [^ ]*\) -/#\1 #' | sort -u > "$WORK/$name.got"
		if out=$(diff -u "$WORK/$name.want" "$WORK/$name.got"); then
			ok "findings $name"
		else
			not_ok "findings $name" "$out"
		fi
	fi
done
