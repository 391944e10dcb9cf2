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
# It also fails when a message handed to the error and usage functions
# (nd_err_set, nd_err_prefix, nd_usage_error, dec_fail, the rule readers'
# skip) is a bare literal, not _("..."): such a message would stay English in
# Italian output. Formats without words ("%s: %s", "--from: %s") are exempt,
# and so are serve's answers to kubectl (src/serve/api.c, select.c and the
# Unauthorized reasons), which are the API server's own words.
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

# bare literals given to the message functions
find src -name '*.c' ! -path src/serve/api.c ! -path src/serve/select.c | LC_ALL=C sort \
	> "$tmp/lint.files"
if xgettext --language=C --from-code=UTF-8 --keyword=nd_err_set:2 --keyword=nd_err_prefix:2 \
	--keyword=nd_usage_error:2 --keyword=dec_fail:3 --keyword=skip:2 --keyword=skip_at:3 \
	--keyword=SKIP:1 --files-from="$tmp/lint.files" -o "$tmp/bare.pot" 2>"$tmp/err"; then
	[ -f "$tmp/bare.pot" ] && awk '
	/^#:/ { loc = substr($0, 4); next }
	/^msgid / { inid = 1; id = substr($0, 8, length($0) - 8); next }
	/^"/ && inid { id = id substr($0, 2, length($0) - 2); next }
	/^msgstr/ {
		inid = 0
		if (id == "invalid bearer token" || id == "no credentials")
			next    # the Unauthorized reason serve sends kubectl
		t = id
		gsub(/%[-+ #0]*[0-9*]*(\.[0-9*]+)?(hh|h|ll|l|z|j|t)?[a-zA-Z%]/, "", t)
		gsub(/--[a-z][a-z-]*/, "", t)
		if (t ~ /[A-Za-z][A-Za-z]/)
			print "i18n: " loc ": \"" id "\" is not marked for translation (wrap it in _())"
	}' "$tmp/bare.pot" > "$tmp/bare.txt"
	if [ -s "$tmp/bare.txt" ]; then
		cat "$tmp/bare.txt"
		fail=1
	fi
else
	cat "$tmp/err"
	bad "xgettext failed on src/ (bare literals)"
fi

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
