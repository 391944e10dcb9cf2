#!/bin/sh
# Runs every test layer against the build in $O (default build/check) and
# ends with one line: "N passed, N failed".
#   unit   cmocka programs in $O/tests/
#   meta   tests/meta/*.sh (one test each)
#   e2e    tests/e2e/t_*.sh (each counts its own cases)
set -u
O=${O:-build/check}
export ND="$PWD/$O/netdiag"
export TOP="$PWD"
pass=0
fail=0
failed=""

note_fail() { fail=$((fail + $2)); failed="$failed $1"; }

for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	pass=$((pass + ${p:-0}))
	if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
		printf '%s\n' "$out" | grep -E 'FAIL|ERROR|Sanitizer|runtime error' | head -n 20
		note_fail "$name" "${f:-1}"
	fi
	echo "unit  $name: ${p:-0} passed${f:+, $f failed}"
done

for t in tests/meta/*.sh; do
	[ -f "$t" ] || continue
	if out=$(sh "$t" 2>&1); then
		pass=$((pass + 1))
		echo "meta  $(basename "$t"): passed"
	else
		printf '%s\n' "$out" | tail -n 20
		note_fail "$(basename "$t")" 1
		echo "meta  $(basename "$t"): FAILED"
	fi
done

results=$(mktemp)
for t in tests/e2e/t_*.sh; do
	[ -f "$t" ] || continue
	RESULTS="$results" sh "$t"
done
p=$(grep -c '^ok ' "$results")
f=$(grep -c '^not ok ' "$results")
grep '^not ok ' "$results" | sed 's/^/e2e   /'
pass=$((pass + p))
[ "$f" -gt 0 ] && note_fail e2e "$f"
echo "e2e   $p passed, $f failed"
rm -f "$results"

[ -n "$failed" ] && echo "failing:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
