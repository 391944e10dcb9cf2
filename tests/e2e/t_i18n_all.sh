#!/bin/sh
# Italian all the way: every line netdiag writes for people under --lang it
# differs from the English one, unless it is data (a command to run, an
# evidence value, an example command line). A line that reads the same in
# both languages and holds three English words in a row is a message that
# is missing from po/it.po or was never marked for translation.
. "$TOP/tests/e2e/lib.sh"

demo="$TOP/examples/aks-kubenet-broken"

# same NAME ARGS...: the English lines found unchanged in the Italian output
same() {
	_n=$1
	shift
	"$ND" --lang en "$@" > "$WORK/en.txt" 2>&1
	"$ND" --lang it "$@" > "$WORK/it.txt" 2>&1
	grep -Fxf "$WORK/en.txt" "$WORK/it.txt" |
		grep -vE '^ *\$ |^ {12}|^ *kubectl |^ *netdiag |<dd>|<pre class="cmd">|<td>' |
		grep -E '(^|[ (>])[a-z]{2,} [a-z]{2,} [a-z]{2,}' > "$WORK/same.txt"
	if [ -s "$WORK/same.txt" ]; then
		not_ok "it: every message of '$_n' is Italian" "$(head -n 10 "$WORK/same.txt")"
	else
		ok "it: every message of '$_n' is Italian"
	fi
}

same "--help" --help
# every command of the table, as --help lists them
for c in $("$ND" --lang en --help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit } f && /^  [a-z]/ { print $1 }'); do
	same "$c --help" "$c" --help
done
same "diagnose (text)" diagnose --snapshot "$demo"
same "--brief" --brief --snapshot "$demo"
same "-o html" -o html --snapshot "$demo"
same "an empty bundle" diagnose --snapshot "$TOP/tests/bundles/empty"
same "can-reach --matrix" --snapshot "$TOP/tests/bundles/policy" can-reach --matrix --port 8080
same "an unknown option" diagnose --bogus
same "a bad -o" -o yaml
same "a missing argument" service
same "an unknown command" nosuch
check "it: severities and statuses in Italian" sh -c "
	'$ND' --lang it --snapshot '$demo' | grep -q '^  errore  ipam-leak' &&
	'$ND' --lang it --snapshot '$demo' | grep -q '^  saltato  ipam-node'"
check "it: a usage error before the command is parsed is Italian" sh -c "
	'$ND' --lang it diagnose --bogus 2>&1 | grep -q \"^netdiag diagnose: opzione sconosciuta '--bogus'\" &&
	'$ND' --lang=it diagnose --bogus 2>&1 | grep -q '^uso: netdiag \[opzioni globali\] diagnose'"
