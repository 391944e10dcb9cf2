#!/bin/sh
# --lang en|it: the program's own text is translated (po/it.po, compiled next
# to the binary as locale/it/LC_MESSAGES/netdiag.mo), whatever the locale
# environment; JSON keys, finding codes, check ids and severities never are.
. "$TOP/tests/e2e/lib.sh"

demo=$(stage "$TOP/examples/aks-kubenet-broken")
cd "$WORK" || exit 1

# JSON minus the translated prose (summary, remedy, reason strings) and timings.
cat > strip.jq <<'JQ'
walk(if type == "object" then
	with_entries(select(((.key == "summary" or .key == "remedy" or .key == "reason")
			     and (.value | type) == "string") | not))
	| (if has("duration_ms") then .duration_ms = 0 else . end)
     else . end)
JQ

"$ND" --lang it diagnose --snapshot "$demo" > it.txt 2> it.err
"$ND" --lang en diagnose --snapshot "$demo" > en.txt 2> en.err

check "it: scenario title in Italian" grep -q '^S2  I pod non riescono a ottenere un indirizzo IP$' it.txt
check "it: evidence and fix labels in Italian" sh -c "grep -q '^ *evidenze:\$' it.txt && grep -q '^ *rimedio: ' it.txt"
check "it: no English labels left" sh -c "! grep -qE '^ *(evidence:|fix: )' it.txt"
check "it: findings summary line in Italian" grep -q '^finding: [0-9]* errore/i' it.txt
check "it: a finding summary in Italian" grep -q 'non appartengono a nessun pod' it.txt
# codes stay English; the severities are words for people (issue 15: Italian all the way)
check "it: codes stay English, severities in Italian" sh -c "
	grep -E '^  (error|warning|info) ' en.txt | awk '{print \$1, \$2}' |
		sed 's/^error /errore /; s/^warning /avviso /' > en.codes
	grep -E '^  (errore|avviso|info) ' it.txt | awk '{print \$1, \$2}' > it.codes
	test -s en.codes && cmp -s en.codes it.codes"
check "en: English text" sh -c "grep -q '^S2  Pods cannot get an IP address\$' en.txt &&
	grep -q '^ *evidence:\$' en.txt && ! grep -q 'evidenze' en.txt"
check "it: same exit code as en" sh -c "
	'$ND' --lang en diagnose --snapshot '$demo' >/dev/null 2>&1; a=\$?
	'$ND' --lang it diagnose --snapshot '$demo' >/dev/null 2>&1; b=\$?
	test \$a = \$b"

# The locale environment must not matter for --lang (glibc ignores LANGUAGE
# while LC_MESSAGES is C; netdiag switches to C.UTF-8 for --lang it).
for envset in "LC_ALL=C" "LC_ALL=POSIX" "LANG=C" "LANG=xx_YY.UTF-8" "LANGUAGE=fr"; do
	check "it with $envset" sh -c "env -i PATH=\"\$PATH\" $envset '$ND' --lang it diagnose \
		--snapshot '$demo' | grep -q 'I pod non riescono'"
done
check "it with an empty environment" sh -c "env -i '$ND' --lang it diagnose --snapshot '$demo' |
	grep -q 'I pod non riescono'"
for envset in "LANG=it_IT.UTF-8" "LANGUAGE=it" "LC_ALL=C.UTF-8 LANGUAGE=it"; do
	check "en with $envset" sh -c "env -i $envset '$ND' --lang en diagnose --snapshot '$demo' |
		grep -q 'Pods cannot get an IP address'"
done
check "no --lang: LANG=it_IT.UTF-8 picks Italian" sh -c "env -i LANG=it_IT.UTF-8 '$ND' diagnose \
	--snapshot '$demo' | grep -q 'I pod non riescono'"
check "no --lang, no environment: English" sh -c "env -i '$ND' diagnose --snapshot '$demo' |
	grep -q 'Pods cannot get an IP address'"

# Through a symlink (like ./netdiag in the repository): the catalogue is found
# next to the real binary.
ln -s "$ND" nd-link
check "it through a symlink" sh -c "./nd-link --lang it diagnose --snapshot '$demo' |
	grep -q 'I pod non riescono'"

check_rc "--lang fr is a usage error" 2 "$ND" --lang fr diagnose --snapshot "$demo"
check "--lang fr names the flag, prints nothing on stdout" sh -c "
	out=\$('$ND' --lang fr diagnose --snapshot '$demo' 2>err) ; test -z \"\$out\" &&
	grep -q -- \"--lang\" err"
check_rc "--lang=it works too" 1 "$ND" --lang=it diagnose --snapshot "$demo"
check "it: usage errors in Italian" sh -c "'$ND' --lang it diagnose --snapshot '$demo' extra 2>&1 |
	grep -q \"argomento inatteso 'extra'\""
check "it: help in Italian" sh -c "'$ND' --lang it --help | grep -q '^comandi:'"
check "it: explain still uses the Italian pages" sh -c "'$ND' --lang it explain ipam-leak |
	grep -q '## Significato'"

# JSON: same keys, codes, ids, statuses and evidence in both languages; only
# the prose differs.
for b in "$demo" "$TOP/tests/bundles/kube-proxy-missing" "$TOP/tests/bundles/named-ports" \
	"$TOP/tests/bundles/pool-exhausted" "$TOP/tests/bundles/policy"; do
	n=$(basename "$b")
	[ -d "$b" ] || continue
	check "json $n: same keys and codes in it and en" sh -c "
		'$ND' -o json --lang en diagnose --snapshot '$b' | jq -S -f strip.jq > $n.en.json &&
		'$ND' -o json --lang it diagnose --snapshot '$b' | jq -S -f strip.jq > $n.it.json &&
		test -s $n.en.json && diff $n.en.json $n.it.json"
done
check "json: the prose is Italian" sh -c "
	'$ND' -o json --lang it diagnose --snapshot '$demo' |
	jq -e '[.findings[].summary] | any(test(\"non appartengono a nessun pod\"))' >/dev/null"
check "json: codes are never translated" sh -c "
	a=\$('$ND' -o json --lang en diagnose --snapshot '$demo' | jq -c '[.findings[].code, .checks[].id]')
	b=\$('$ND' -o json --lang it diagnose --snapshot '$demo' | jq -c '[.findings[].code, .checks[].id]')
	test \"\$a\" = \"\$b\" && test \"\$a\" != '[]'"
