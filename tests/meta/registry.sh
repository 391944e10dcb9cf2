#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Meta-test: the finding catalogue is honest about the checks. Run from the
# repository root with ND naming a built netdiag (tests/run.sh sets it):
#
#   ND=./netdiag sh tests/meta/registry.sh
#
# From `netdiag -o json checks` (the check registry, src/checks/registry.c):
#  - check ids are unique, and every id src/ begins or skips has a row;
#  - every code in docs/findings/ is declared by exactly one row, or by
#    several only when the registry lists it among its shared codes (and a
#    shared code really is declared more than once);
#  - every declared code has its English and Italian page;
#  - every code an nd_finding_add() in src/ names is declared;
#  - every declared code is produced by a test: named in tests/golden,
#    tests/e2e, tests/unit or tests/lab.
# Then it runs itself on doctored copies (a code dropped from a row, a page
# without a row, a code no test names) and fails unless each is caught.
#
# Prints one line per failure; exit 0 when all pass, 1 otherwise.
# Environment: REGISTRY_JSON, DOCS, TESTS override the inputs (self-test).
set -u
LC_ALL=C
export LC_ALL

ND=${ND:-./netdiag}
DOCS=${DOCS:-docs/findings}
TESTS=${TESTS:-tests/golden tests/e2e tests/unit tests/lab}
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nd-registry.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

if [ -n "${REGISTRY_JSON:-}" ]; then
	cp "$REGISTRY_JSON" "$tmp/reg.json"
elif ! "$ND" -o json checks >"$tmp/reg.json" 2>"$tmp/reg.err"; then
	echo "FAIL: '$ND -o json checks' failed: $(head -n 1 "$tmp/reg.err")"
	exit 1
fi
jq -r '.verdict.checks[].id' "$tmp/reg.json" >"$tmp/ids" || {
	echo "FAIL: '$ND -o json checks' is not the registry JSON"
	exit 1
}
jq -r '.verdict.checks[] | .id as $i | .codes[] | "\(.) \($i)"' "$tmp/reg.json" |
	sort >"$tmp/decl"
jq -r '.verdict.shared_codes[]' "$tmp/reg.json" | sort >"$tmp/shared"
cut -d' ' -f1 "$tmp/decl" | sort -u >"$tmp/codes"

# --- ids ----------------------------------------------------------------------
sort "$tmp/ids" | uniq -d | while read -r id; do
	echo "FAIL: check id '$id' has more than one row"
done >>"$tmp/out"
if [ -z "${REGISTRY_JSON:-}" ] && [ -d src ]; then
	grep -rhoE 'nd_check_(begin|skip)\([^,]*, *"[a-z0-9-]+"' src |
		sed 's/.*"\([a-z0-9-]*\)"$/\1/' | sort -u | while read -r id; do
		grep -qxF "$id" "$tmp/ids" || echo "FAIL: check '$id' is run in src/ but has no registry row"
	done >>"$tmp/out"
	# codes named by the checks and commands (also in a ternary's arms)
	grep -rhoE 'nd_finding_add\([^;]*' src | grep -oE '"[a-z0-9]+(-[a-z0-9]+)+"' |
		tr -d '"' | sort -u | while read -r c; do
		[ -f "$DOCS/$c.md" ] || continue   # kind names etc.: catalogue.sh checks pages
		grep -qxF "$c" "$tmp/codes" || echo "FAIL: $c: added in src/ but no registry row declares it"
	done >>"$tmp/out"
fi

# --- the catalogue against the rows -----------------------------------------
for f in "$DOCS"/*.md; do
	[ -f "$f" ] || continue
	c=${f##*/}
	c=${c%.md}
	n=$(grep -c "^$c " "$tmp/decl")
	if [ "$n" -eq 0 ]; then
		echo "FAIL: $c: has a page in $DOCS but no check declares it (move it to docs/findings-pending/)"
	elif [ "$n" -gt 1 ] && ! grep -qxF "$c" "$tmp/shared"; then
		echo "FAIL: $c: declared by $n rows ($(grep "^$c " "$tmp/decl" | cut -d' ' -f2 | tr '\n' ' ')) and not a shared code"
	fi
done >>"$tmp/out"
while read -r c; do
	n=$(grep -c "^$c " "$tmp/decl")
	[ "$n" -gt 1 ] || echo "FAIL: $c: listed as shared but declared by $n row(s)"
done <"$tmp/shared" >>"$tmp/out"
while read -r c; do
	[ -f "$DOCS/$c.md" ] || echo "FAIL: $c: declared by a check but has no page $DOCS/$c.md"
	[ -f "$DOCS/it/$c.md" ] || echo "FAIL: $c: declared by a check but has no page $DOCS/it/$c.md"
	# shellcheck disable=SC2086 # TESTS is a list of folders
	grep -rqF -- "$c" $TESTS 2>/dev/null || echo "FAIL: $c: no test produces it (not named in $TESTS)"
done <"$tmp/codes" >>"$tmp/out"

if [ -s "$tmp/out" ]; then
	cat "$tmp/out"
	nfail=$((nfail + $(wc -l <"$tmp/out")))
fi

# --- the test fails when it should ------------------------------------------
if [ -z "${REGISTRY_JSON:-}" ]; then
	expect_fail() { # what json docs tests pattern
		if out=$(REGISTRY_JSON=$2 DOCS=$3 TESTS=$4 sh "$0" 2>&1); then
			fail "self-test: $1 was not caught"
		elif ! printf '%s\n' "$out" | grep -q -- "$5"; then
			fail "self-test: $1: expected '$5' in: $(printf '%s\n' "$out" | head -n 1)"
		fi
	}
	c=$(head -n 1 "$tmp/codes")
	# a code dropped from its row: its page has no check
	jq --arg c "$c" '.verdict.checks |= map(.codes -= [$c])' "$tmp/reg.json" >"$tmp/drop.json"
	expect_fail "a code dropped from its row" "$tmp/drop.json" "$DOCS" "$TESTS" \
		"$c: has a page in $DOCS but no check declares it"
	# a second row declaring a code that is not shared
	u=$(comm -23 "$tmp/codes" "$tmp/shared" | head -n 1)
	jq --arg c "$u" '.verdict.checks += [{id: "x-dup", codes: [$c]}]' "$tmp/reg.json" >"$tmp/dup.json"
	expect_fail "a code declared twice" "$tmp/dup.json" "$DOCS" "$TESTS" "$u: declared by 2 rows"
	# a declared code without pages
	jq '.verdict.checks += [{id: "x-new", codes: ["x-no-page"]}]' "$tmp/reg.json" >"$tmp/new.json"
	expect_fail "a code without pages" "$tmp/new.json" "$DOCS" "$TESTS" "x-no-page: declared by a check but has no page"
	# a code no test names
	mkdir -p "$tmp/notests"
	expect_fail "a code no test produces" "$tmp/reg.json" "$DOCS" "$tmp/notests" "$c: no test produces it"
fi

if [ "$nfail" -gt 0 ]; then
	echo "registry: $nfail failure(s)"
	exit 1
fi
echo "registry: ok ($(wc -l <"$tmp/ids") checks, $(wc -l <"$tmp/codes") codes declared; catalogue, pages and tests agree)"
exit 0
