#!/bin/sh
# The command line contract: help, did-you-mean, exit codes, --fail-on, output formats.
. "$TOP/tests/e2e/lib.sh"

demo=$(stage "$TOP/examples/aks-kubenet-broken")
cd "$WORK" || exit 1

check_rc "help" 0 "$ND" --help
check_rc "version" 0 "$ND" --version
for c in diagnose service pod ipam explain; do
	check_rc "help $c" 0 "$ND" "$c" -h
done
check "did-you-mean" sh -c "'$ND' diagnoze 2>&1 | grep -q \"did you mean 'diagnose'\""
check_rc "unknown command is a usage error" 2 "$ND" frobnicate
check_rc "bad -o" 2 "$ND" -o yaml diagnose --snapshot "$demo"
check_rc "bad --fail-on" 2 "$ND" --fail-on fatal diagnose --snapshot "$demo"
check_rc "missing bundle" 2 "$ND" diagnose --snapshot /nonexistent/netdiag-bundle
check "missing bundle names it" sh -c "'$ND' diagnose --snapshot /nonexistent/x 2>&1 | grep -q \"'/nonexistent/x'\""
check_rc "not a bundle" 2 "$ND" diagnose --snapshot "$TOP/src"
check_rc "no source at all" 3 "$ND" diagnose
check "usage error prints nothing on stdout" sh -c "test -z \"\$('$ND' -o yaml diagnose 2>/dev/null)\""
check_rc "findings exit 1" 1 "$ND" diagnose --snapshot "$demo"
check_rc "fail-on error still 1 (errors present)" 1 "$ND" --fail-on error diagnose --snapshot "$demo"
check_rc "no command means diagnose" 1 "$ND" --snapshot "$demo"
check "json parses" sh -c "'$ND' diagnose --snapshot '$demo' -o json | jq -e '.summary.error > 0'"
check "text and json agree on the count" sh -c "
	n=\$('$ND' diagnose --snapshot '$demo' -o json | jq '.findings | length')
	t=\$('$ND' diagnose --snapshot '$demo' --color never | grep -cE '^  (error|warning|info) ')
	test \"\$n\" = \"\$t\""
check "no colour when not a tty" sh -c "! '$ND' diagnose --snapshot '$demo' | grep -q \"\$(printf '\\033')\""
check "colour when asked" sh -c "'$ND' diagnose --snapshot '$demo' --color always | grep -q \"\$(printf '\\033')\""
check_rc "unknown service" 2 "$ND" service nosuch --snapshot "$demo"
check_rc "unknown pod" 2 "$ND" pod default/nosuch --snapshot "$demo"
check_rc "unknown node" 2 "$ND" ipam --node nosuch --snapshot "$demo"
check_rc "explain known" 0 "$ND" explain ipam-leak
check_rc "explain unknown" 2 "$ND" explain ipam-leek
check "explain did-you-mean" sh -c "'$ND' explain ipam-leek 2>&1 | grep -q \"did you mean 'ipam-leak'\""
check "explain in Italian" sh -c "'$ND' --lang it explain ipam-leak | grep -q '## Significato'"
check "explain lists every code" sh -c "test \$('$ND' explain | wc -l) = \$(ls '$TOP'/docs/findings/*.md | wc -l)"
check "stdout write error is reported" sh -c "! '$ND' diagnose --snapshot '$demo' > /dev/full 2>/dev/null"

# --fail-on against a bundle whose only finding is a warning
mkdir -p warn/cluster
printf '{"kind":"Service","apiVersion":"v1","metadata":{"name":"ext","namespace":"n"},"spec":{"ports":[{"port":5432}]}}' > warn/cluster/svc.json
printf '{"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"ext","namespace":"n"},"subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":5432}]}]}' > warn/cluster/ep.json
printf '{"kind":"Pod",' > warn/cluster/broken.json
# a file that could not be read makes the run incomplete: 3, not 0, below --fail-on
check_rc "unreadable file, its warning below --fail-on error: exit 3 (incomplete)" 3 "$ND" --fail-on error diagnose --snapshot warn
check "unreadable file: the first line says so" sh -c "'$ND' --fail-on error diagnose --snapshot warn 2>/dev/null | head -n 1 | grep -q '^INCOMPLETE: could not read warn/cluster/broken.json'"
# a warning below --fail-on with everything read: exit 0 (the authorized-ranges bundle's finding is a warning)
check_rc "only a warning below --fail-on error: exit 0" 0 "$ND" --fail-on error apiserver --snapshot "$TOP/tests/bundles/aks-authorized-ranges"
check_rc "the same warning fails the default --fail-on warning" 1 "$ND" diagnose --snapshot warn
rm warn/cluster/broken.json
check_rc "nothing found: exit 0" 0 "$ND" --fail-on info diagnose --snapshot warn
check "nothing found says so" sh -c "'$ND' diagnose --snapshot warn | grep -q 'no problems found'"
