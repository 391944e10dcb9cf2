#!/bin/sh
# Large Lists are cut into pieces read by several threads; each guess of
# where an element starts is checked, never trusted. Forcing the split on
# every file (NETDIAG_SPLIT_MIN=1), in two pieces and in as many as there
# may be (NETDIAG_SPLIT_PIECE=1: a cut every few bytes, 64 of them), must give
# byte-identical reports, on every bundle, including the broken ones and a
# file whose middle is full of decoys.
. "$TOP/tests/e2e/lib.sh"

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || continue
	name=$(stage "${dir%/}")
	[ -f "$WORK/$name/make-big.sh" ] && sh "$WORK/$name/make-big.sh" "$WORK/$name/cluster"
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" -o json 2>&1) | normalize_json > "$WORK/one.json"
	(cd "$WORK" && NETDIAG_SPLIT_MIN=1 "$ND" diagnose --snapshot "$name" -o json 2>&1) |
		normalize_json > "$WORK/two.json"
	if out=$(diff -u "$WORK/one.json" "$WORK/two.json"); then
		ok "split $name"
	else
		not_ok "split $name" "$out"
	fi
	(cd "$WORK" && NETDIAG_SPLIT_MIN=1 NETDIAG_SPLIT_PIECE=1 "$ND" diagnose --snapshot "$name" \
		-o json 2>&1) | normalize_json > "$WORK/many.json"
	if out=$(diff -u "$WORK/one.json" "$WORK/many.json"); then
		ok "split $name in 64 pieces"
	else
		not_ok "split $name in 64 pieces" "$out"
	fi
done

# decoys: the second half holds "},{" inside strings and nested arrays of
# objects that have kind and metadata (a List inside an annotation string,
# pod templates in an array) before the real elements
mkdir -p "$WORK/decoy/cluster"
{
	printf '{"apiVersion":"v1","kind":"List","items":['
	i=0
	while [ $i -lt 40 ]; do
		[ $i -gt 0 ] && printf ','
		printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s%d","namespace":"n",' $i
		printf '"annotations":{"a":"},{\\"kind\\":\\"Service\\",\\"metadata\\":{}}"}},'
		printf '"spec":{"ports":[{"port":80}],"x":[{"kind":"Pod","metadata":{"name":"t"}},'
		printf '{"kind":"Pod","metadata":{"name":"u"}}]}}'
		i=$((i + 1))
	done
	printf '],"metadata":{}}'
} > "$WORK/decoy/cluster/svc.json"
(cd "$WORK" && "$ND" diagnose --snapshot decoy -o json) | normalize_json > "$WORK/one.json"
(cd "$WORK" && NETDIAG_SPLIT_MIN=1 "$ND" diagnose --snapshot decoy -o json) | normalize_json > "$WORK/two.json"
check "split with decoys" cmp "$WORK/one.json" "$WORK/two.json"
(cd "$WORK" && NETDIAG_SPLIT_MIN=1 NETDIAG_SPLIT_PIECE=1 "$ND" diagnose --snapshot decoy -o json) |
	normalize_json > "$WORK/many.json"
check "split with decoys, in 64 pieces" cmp "$WORK/one.json" "$WORK/many.json"
check "decoy bundle read whole" sh -c "jq -e '.findings | length == 40' '$WORK/two.json'"
