#!/bin/sh
# The HTML report in a real browser. For every golden bundle (as t_golden.sh
# stages them): -o html passes html_check.sh (nothing it could fetch), headless
# Chromium loads it from disk without a console message (the page's
# Content-Security-Policy turns any fetch or script into one), and the DOM it
# dumps has the verdict, one section per scenario and one article per finding
# of the JSON report. The demo's report is also drawn to a PNG next to $ND
# (demo-report.png) for review. Hostile evidence stays text; a report with an
# external URL fails both the static check and the browser's.
#
# Chromium runs in a network namespace of its own (unshare -n) with every host
# name mapped to nothing: it cannot send a packet anywhere (browser.sh).
. "$TOP/tests/e2e/lib.sh"

. "$TOP/tests/e2e/browser.sh"
if [ -z "$CHROMIUM" ]; then
	echo "html: browser tests skipped: no chromium (Debian package 'chromium'; scripts/install-deps installs it)" >&2
	exit 0
fi

# count PATTERN FILE: occurrences (not lines) of a fixed string
count() { grep -o -F "$1" "$2" | wc -l | tr -d ' '; }

# dom_check NAME DOM JSON: the DOM agrees with the JSON report
dom_check() {
	_n=$1 _dom=$2 _json=$3
	_want_v=$(jq -r '.summary.verdict' "$_json")
	_want_f=$(jq '.findings | length' "$_json")
	_want_c=$(jq '.checks | length' "$_json")
	_want_s=$(jq -r '[.findings[].scenario] | unique | join(" ")' "$_json")
	_want_t=$(jq '.summary.top | length' "$_json")
	_got_s=$(grep -o 'class="scenario" id="S[0-9]*"' "$_dom" | sed 's/.*id="\(S[0-9]*\)"/\1/' | tr '\n' ' ' | sed 's/ $//')
	if grep -q "<header id=\"verdict\" class=\"verdict v-[a-z]*\" data-verdict=\"$_want_v\"" "$_dom"; then
		ok "html $_n: verdict $_want_v"
	else
		not_ok "html $_n: verdict $_want_v" "$(grep -o '<header[^>]*>' "$_dom")"
	fi
	_got_f=$(count '<article class="finding' "$_dom")
	if [ "$_got_f" = "$_want_f" ]; then ok "html $_n: $_want_f findings"; else
		not_ok "html $_n: $_want_f findings" "the DOM has $_got_f"; fi
	if [ "$_got_s" = "$_want_s" ]; then ok "html $_n: scenario sections"; else
		not_ok "html $_n: scenario sections" "want '$_want_s', got '$_got_s'"; fi
	if grep -q "<section id=\"checks\" data-checks=\"$_want_c\">" "$_dom" &&
	   [ "$(grep -c '<tr class="st-' "$_dom")" -ge "$_want_c" ]; then
		ok "html $_n: $_want_c checks"
	else
		not_ok "html $_n: $_want_c checks" "$(grep -o '<section id="checks"[^>]*>' "$_dom")"
	fi
	_got_t=$(count '<li class="sev-' "$_dom")
	if [ "$_got_t" = "$_want_t" ]; then ok "html $_n: $_want_t top causes"; else
		not_ok "html $_n: $_want_t top causes" "the DOM has $_got_t"; fi
}

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || [ -d "$dir/nodes" ] || continue
	name=$(stage "${dir%/}")
	[ -f "$WORK/$name/make-big.sh" ] && sh "$WORK/$name/make-big.sh" "$WORK/$name/cluster"
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" -o html > "$WORK/$name.html" 2>/dev/null)
	(cd "$WORK" && "$ND" diagnose --snapshot "$name" -o json > "$WORK/$name.json" 2>/dev/null)
	check "html $name: nothing to fetch" sh "$TOP/tests/e2e/html_check.sh" "$WORK/$name.html"
	chrome "$WORK/$name.dom" "$WORK/$name.err" --dump-dom "file://$WORK/$name.html"
	if [ -s "$WORK/$name.dom" ] && [ -z "$(console_of "$WORK/$name.err")" ]; then
		ok "html $name: loads without a console message"
	else
		not_ok "html $name: loads without a console message" "$(console_of "$WORK/$name.err") $(tail -n 3 "$WORK/$name.err")"
	fi
	dom_check "$name" "$WORK/$name.dom" "$WORK/$name.json"
done

demo=aks-kubenet-broken
# --html FILE writes what -o html prints, and the text still goes to stdout
(cd "$WORK" && "$ND" diagnose --snapshot "$demo" --html "$WORK/demo-file.html" > "$WORK/demo.txt" 2>/dev/null)
# (the checks' times differ from run to run)
nodur() { sed 's#<td>[0-9]*</td></tr>#<td>0</td></tr>#g; s# [0-9]* ms<title># 0 ms<title>#g' "$1" > "$2"; }
nodur "$WORK/demo-file.html" "$WORK/demo-file.n.html"
nodur "$WORK/$demo.html" "$WORK/$demo.n.html"
check "html: --html FILE is the -o html page" cmp "$WORK/demo-file.n.html" "$WORK/$demo.n.html"
check "html: --html FILE keeps the text on stdout" grep -q '^PROBLEMS: ' "$WORK/demo.txt"
check "html: the demo draws IP use for its 3 nodes, worst first" sh -c "
	grep -q '<figure id=\"ipam-chart\" data-nodes=\"3\">' '$WORK/$demo.dom' &&
	grep -o 'data-node=\"[^\"]*\" data-leaked=\"[0-9]*\"' '$WORK/$demo.dom' | head -n 1 | grep -q 'vmss000001\" data-leaked=\"3\"'"
check "html: every fix command is in a copy-able block" test \
	"$(jq '[.findings[].commands | length] | add' "$WORK/$demo.json")" = "$(count '<pre class="cmd">' "$WORK/$demo.dom")"
chrome "$WORK/shot.out" "$WORK/shot.err" --window-size=1200,1700 --hide-scrollbars \
	--screenshot="$WORK/demo-report.png" "file://$WORK/$demo.html"
if [ -s "$WORK/demo-report.png" ] && [ "$(head -c 4 "$WORK/demo-report.png" | od -An -c | tr -d ' ')" = "211PNG" ]; then
	cp "$WORK/demo-report.png" "$(dirname "$ND")/demo-report.png"
	ok "html: screenshot of the demo report ($(dirname "$ND")/demo-report.png)"
else
	not_ok "html: screenshot of the demo report" "$(tail -n 3 "$WORK/shot.err")"
fi

# Italian
(cd "$WORK" && "$ND" --lang it diagnose --snapshot "$demo" -o html > "$WORK/it.html" 2>/dev/null)
check "html it: lang and headings in Italian" sh -c "grep -q '<html lang=\"it\">' '$WORK/it.html' &&
	grep -q 'cause principali:' '$WORK/it.html' && grep -q 'PROBLEMI:' '$WORK/it.html'"

# the can-reach matrix as a heat map, the deciding policy in each denied cell's title
"$ND" --snapshot "$TOP/tests/bundles/policy" can-reach --matrix --port 8080 -o html > "$WORK/matrix.html" 2>/dev/null
chrome "$WORK/matrix.dom" "$WORK/matrix.err" --dump-dom "file://$WORK/matrix.html"
check "html matrix: 81 cells, 49 denied, each titled with its policies" sh -c "
	test \$(grep -o '<rect class=\"\(allow\|deny\)\"' '$WORK/matrix.dom' | wc -l) = 81 &&
	test \$(grep -o '<rect class=\"deny\"' '$WORK/matrix.dom' | wc -l) = 49 &&
	test \$(grep -o 'denied ([a-z]*gress: [^)]*/[^)]*)</title>' '$WORK/matrix.dom' | wc -l) = 49"
check "html matrix: no console message" sh -c "! grep -q ':CONSOLE' '$WORK/matrix.err'"

# hostile evidence: an event message with markup stays text
hostile=$(stage "$TOP/examples/$demo")
mv "$WORK/$hostile" "$WORK/hostile"
sed -i 's#no IP addresses available in range set: 10.244.3.1-10.244.3.30#no IP addresses available in range set: 10.244.3.1-10.244.3.30 </pre><script>console.error(1)</script><img src=https://x.invalid/a.png onerror=alert(1)>\\"><svg onload=alert(2)>#' \
	"$WORK/hostile/cluster/events.json"
(cd "$WORK" && "$ND" diagnose --snapshot hostile -o html > "$WORK/hostile.html" 2>/dev/null)
check "html hostile: the markup is in the page as text" grep -q '&lt;script&gt;console.error(1)&lt;/script&gt;' "$WORK/hostile.html"
check "html hostile: nothing to fetch" sh "$TOP/tests/e2e/html_check.sh" "$WORK/hostile.html"
chrome "$WORK/hostile.dom" "$WORK/hostile.err" --dump-dom "file://$WORK/hostile.html"
check "html hostile: no script, no image, no console message in the browser" sh -c "
	test -s '$WORK/hostile.dom' && ! grep -q '<script\|<img\|<svg onload' '$WORK/hostile.dom' &&
	! grep -q ':CONSOLE' '$WORK/hostile.err'"

# the S1 probe stages as a ladder: apiserver against a real TLS API server on 127.0.0.1
"$ND" serve --snapshot "$TOP/examples/$demo" --listen 127.0.0.1:0 --write-kubeconfig "$WORK/kc" \
	> "$WORK/serve.out" 2> "$WORK/serve.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
i=0
while [ $i -lt 200 ] && [ ! -s "$WORK/serve.out" ] && kill -0 "$SPID" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
"$ND" apiserver --kubeconfig "$WORK/kc" -o html > "$WORK/s1.html" 2>/dev/null
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
chrome "$WORK/s1.dom" "$WORK/s1.err" --dump-dom "file://$WORK/s1.html"
check "html S1: the probe ladder has its 6 stages, each with its time" sh -c "
	grep -q '<figure class=\"ladder\" id=\"ladder-S1\" data-stages=\"6\">' '$WORK/s1.dom' &&
	test \$(grep -o '<g class=\"stage st-pass\" data-check=\"apiserver-[a-z-]*\">' '$WORK/s1.dom' | wc -l) = 6 &&
	test \$(grep -o 'pass [0-9]* ms<title>' '$WORK/s1.dom' | wc -l) = 6 &&
	! grep -q ':CONSOLE' '$WORK/s1.err'"

# the checks can fail: an external URL in the file
sed 's#<footer>#<img src="https://example.invalid/x.png"><footer>#' "$WORK/$demo.html" > "$WORK/bad.html"
check_rc "html: an external URL fails the static check" 1 sh "$TOP/tests/e2e/html_check.sh" "$WORK/bad.html"
sed 's#<footer>#<a href="https://example.invalid/">support</a><footer>#' "$WORK/$demo.html" > "$WORK/bad2.html"
check_rc "html: a link out of the page fails the static check" 1 sh "$TOP/tests/e2e/html_check.sh" "$WORK/bad2.html"
chrome "$WORK/bad.dom" "$WORK/bad.err" --dump-dom "file://$WORK/bad.html"
check "html: the browser reports the refused fetch on its console" grep -q ':CONSOLE.*example.invalid' "$WORK/bad.err"
