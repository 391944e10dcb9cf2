#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Meta-test of the message catalogues. Run from the repository root:
#
#   sh tests/meta/i18n.sh
#
# Extracts the messages afresh from src/ (scripts/update-po --extract, the
# same xgettext call the maintainers use), merges them into a temporary copy
# of each po/<lang>.po of po/LINGUAS, and fails when any msgid is untranslated
# or fuzzy there (so a new _() string cannot ship untranslated), or when
# msgfmt --check rejects the file (printf conversions that differ, header).
#
# Prints one line per failure; exit 0 when all pass, 1 otherwise.
set -u
LC_ALL=C
export LC_ALL
unset LANGUAGE

tmp=$(mktemp -d /tmp/netdiag-i18n.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() {
	echo "i18n: $*"
	fail=1
}

for tool in xgettext msgmerge msgfmt msgattrib; do
	command -v "$tool" >/dev/null 2>&1 || { echo "i18n: $tool not found (gettext)"; exit 1; }
done
if ! sh scripts/update-po --extract "$tmp/netdiag.pot" 2>"$tmp/err"; then
	cat "$tmp/err"
	bad "xgettext failed on src/"
	exit 1
fi
n=$(grep -c '^msgid ' "$tmp/netdiag.pot")
[ "$n" -gt 1 ] || bad "no messages extracted from src/ (got $n msgid lines)"

[ -s po/LINGUAS ] || bad "po/LINGUAS is missing or empty"
for lang in $(cat po/LINGUAS 2>/dev/null); do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		bad "$po listed in po/LINGUAS does not exist"
		continue
	fi
	msgfmt --check -o /dev/null "$po" 2>"$tmp/err" ||
		bad "$po: msgfmt --check fails: $(head -n 5 "$tmp/err")"
	if ! msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$po" "$tmp/netdiag.pot" \
		2>"$tmp/err"; then
		bad "$po: msgmerge fails: $(head -n 5 "$tmp/err")"
		continue
	fi
	stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) ||
		bad "$po merged with a fresh extraction: msgfmt --check fails: $stats"
	case $stats in
	*untranslated* | *fuzzy*)
		bad "$po: $stats (run scripts/update-po and translate these):"
		msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -A3 '^#:' | head -n 40
		msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -A3 '^#:' | head -n 40
		;;
	*" translated message"*) ;;
	*) bad "$po: unexpected msgfmt --statistics output: $stats" ;;
	esac
done
exit "$fail"
