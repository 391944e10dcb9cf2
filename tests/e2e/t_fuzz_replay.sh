#!/bin/sh
# Every fuzz target, linked with fuzz/replay_main.c in the sanitizer build
# (make check builds them: $O/replay/fuzz_*), runs once over its seeds
# (fuzz/seeds/<target>/, real shapes and the inputs that once crashed it) and
# its committed corpus (fuzz/corpus/<target>/, what fuzzing campaigns kept).
# A crash or a sanitizer report fails the case: a regression fails CI without
# a clang build. A target with neither seeds nor corpus fails too.
. "$TOP/tests/e2e/lib.sh"

R="$(dirname "$ND")/replay"
n=0
for src in "$TOP"/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	n=$((n + 1))
	if [ ! -x "$R/$t" ]; then
		not_ok "fuzz replay: $t is built" "no $R/$t (make ... replays)"
		continue
	fi
	set --
	[ -d "$TOP/fuzz/seeds/$t" ] && set -- "$@" "$TOP/fuzz/seeds/$t"
	[ -d "$TOP/fuzz/corpus/$t" ] && set -- "$@" "$TOP/fuzz/corpus/$t"
	if [ $# -eq 0 ]; then
		not_ok "fuzz replay: $t has seeds" "no fuzz/seeds/$t or fuzz/corpus/$t"
		continue
	fi
	if out=$("$R/$t" "$@" 2>&1); then
		ok "fuzz replay: $t ($(printf '%s\n' "$out" | tail -n 1 | sed 's/^replayed //'))"
	else
		not_ok "fuzz replay: $t" "$out"
	fi
done
[ "$n" -gt 0 ] || not_ok "fuzz replay: there are targets"
