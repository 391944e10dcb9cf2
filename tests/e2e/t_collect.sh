#!/bin/sh
# collect from the real 'netdiag serve': the bundle (folder and .tar.gz)
# gives the same findings as the served bundle; secrets are redacted and
# the kubeconfig's token never lands in the bundle.
. "$TOP/tests/e2e/lib.sh"

SPID=
SPID2=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; [ -n "$SPID2" ] && kill "$SPID2" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM

B="$WORK/b"
cp -R "$TOP/examples/aks-kubenet-broken" "$B"
rm -rf "$B/nodes"
# a pod carrying things that must not leave the cluster
cat > "$B/cluster/secretive.json" <<'EOS'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"leaky","namespace":"shop",
 "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"env\":\"hunter2-annot\"}"}},
 "spec":{"nodeName":"aks-nodepool1-12345678-vmss000001","containers":[{"name":"c","image":"x",
  "args":["--db-password=hunter2-arg","--port=80"],
  "env":[{"name":"DB_PASSWORD","value":"hunter2-env"},{"name":"LOG_LEVEL","value":"debug"}]}]},
 "status":{"phase":"Running","podIP":"10.244.1.99"}}
EOS
# 13 credentials in the shapes issue 10 lists, each a distinct PLANTnn, and one for --redact-extra
cat > "$B/cluster/planted.json" <<'EOS'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"planted","namespace":"vaulted",
 "labels":{"app":"planted","db-password":"PLANT09"},
 "annotations":{"vault.hashicorp.com/agent-token":"PLANT07","example.com/deploy-token-id":"PLANT08",
  "kubectl.kubernetes.io/last-applied-configuration":"{\"x\":\"PLANT11\"}",
  "example.com/probe":"curl -H 'Authorization: Basic PLANT12cGFzcw=='",
  "example.com/note":"customer CUST-PLANT14 onboarded"}},
 "spec":{"nodeName":"aks-nodepool1-12345678-vmss000001","containers":[{"name":"c","image":"x",
  "command":["sh","-c","mysql -uroot -pPLANT05 -h db shop < /init.sql"],
  "args":["--password","PLANT03","-p=PLANT04","--token=PLANT13","--port","8080",
          "curl","-H","Authorization: Bearer PLANT06abcdefgh"],
  "env":[{"name":"DATABASE_URL","value":"postgres://app:PLANT01@db.shop:5432/orders"},
         {"name":"CACHE_URL","value":"redis://:PLANT02@redis.shop:6379/0"},
         {"name":"DB_SECRET","value":"PLANT10"}]}]},
 "status":{"phase":"Running","podIP":"10.244.1.98"}}
EOS
"$ND" diagnose --snapshot "$B" -o json 2>/dev/null | jq -S "$NO_SOURCE_FLAGS | .findings" > "$WORK/want"

"$ND" serve --snapshot "$B" --write-kubeconfig "$WORK/kc" > "$WORK/url" 2> "$WORK/serve.err" &
SPID=$!
i=0; while [ ! -s "$WORK/url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
TOKEN=$(sed -n 's/^ *token: *"*\([^"]*\)"*$/\1/p' "$WORK/kc")

NETDIAG_PAGE_LIMIT=7 "$ND" --kubeconfig "$WORK/kc" collect -o "$WORK/out" 2> "$WORK/collect.err"
check "collect exit 0" test $? -eq 0
check "collect progress on stderr" grep -q "pods: 59" "$WORK/collect.err"
"$ND" diagnose --snapshot "$WORK/out" -o json 2>/dev/null | jq -S "$NO_SOURCE_FLAGS | .findings" > "$WORK/got"
if out=$(diff -u "$WORK/want" "$WORK/got"); then ok "collect dir: same findings"; else not_ok "collect dir: same findings" "$out"; fi
if grep -rq "hunter2" "$WORK/out"; then not_ok "collect redacts secrets" "$(grep -ro 'hunter2[^"]*' "$WORK/out")"; else ok "collect redacts secrets"; fi
check "collect keeps harmless env" grep -q '"debug"' "$WORK/out/cluster/pods.json"
check "collect keeps harmless args" grep -q '"--port=80"' "$WORK/out/cluster/pods.json"
if [ -n "$TOKEN" ] && grep -rq "$TOKEN" "$WORK/out" "$WORK/collect.err"; then not_ok "token not in bundle"; else ok "token not in bundle"; fi
check "collect-info" jq -e '.kinds | length > 10' "$WORK/out/collect-info.json"
# every planted credential redacted, in the folder and in the archive; the rest kept
"$ND" --kubeconfig "$WORK/kc" collect --redact-extra 'CUST-[A-Z0-9]+' -o "$WORK/red" 2> "$WORK/red.err"
"$ND" --kubeconfig "$WORK/kc" collect --redact-extra 'CUST-[A-Z0-9]+' -o "$WORK/red.tar.gz" 2> /dev/null
left=""
for n in 01 02 03 04 05 06 07 08 09 10 11 12 13 14; do
	grep -rq "PLANT$n" "$WORK/red" && left="$left dir:PLANT$n"
	gzip -dc "$WORK/red.tar.gz" | grep -aq "PLANT$n" && left="$left tgz:PLANT$n"
done
if [ -z "$left" ]; then ok "collect redacts all 13 planted credential shapes and --redact-extra (folder and archive)"
else not_ok "collect redacts all 13 planted credential shapes and --redact-extra (folder and archive)" "$left $(grep -o '"planted".*' "$WORK/red/cluster/pods.json" | head -c 2000)"; fi
check "collect keeps what tells a reader what was redacted" sh -c "grep -q 'postgres://app:<redacted>@db.shop' '$WORK/red/cluster/pods.json' && grep -q '\"--port\",\"8080\"' '$WORK/red/cluster/pods.json' && grep -q 'mysql -uroot -p<redacted> -h db' '$WORK/red/cluster/pods.json'"
check "collect says it redacted" grep -q "values redacted (credentials by name and by shape, and --redact-extra)" "$WORK/red.err"
check_rc "collect: a bad --redact-extra is a usage error" 2 "$ND" --kubeconfig "$WORK/kc" collect --redact-extra '([' -o "$WORK/bad"
bad=$(find "$WORK/red" -type f ! -perm 0600; find "$WORK/red" -type d ! -perm 0700; find "$WORK/red.tar.gz" ! -perm 0600)
if [ -z "$bad" ]; then ok "collect: files and archive 0600, folders 0700"; else not_ok "collect: files and archive 0600, folders 0700" "$bad"; fi
check_rc "collect refuses to overwrite" 3 "$ND" --kubeconfig "$WORK/kc" collect -o "$WORK/out"

"$ND" --kubeconfig "$WORK/kc" collect -o "$WORK/b.tar.gz" 2> /dev/null
mkdir -p "$WORK/x" && tar xzf "$WORK/b.tar.gz" -C "$WORK/x"
"$ND" diagnose --snapshot "$WORK/x/b" -o json 2>/dev/null | jq -S "$NO_SOURCE_FLAGS | .findings" > "$WORK/got2"
if out=$(diff -u "$WORK/want" "$WORK/got2"); then ok "collect tar.gz: same findings"; else not_ok "collect tar.gz: same findings" "$out"; fi
# the archive itself as --snapshot: the whole report, text and JSON, as from the folder
# (but when: each of the two bundles says when it was collected)
for f in json text; do
	"$ND" diagnose --snapshot "$WORK/out" -o $f 2>/dev/null | grep -v '"snapshot": \|"when": \|^source: snapshot ' |
		normalize_json | no_source_flags > "$WORK/want.$f"
	"$ND" diagnose --snapshot "$WORK/b.tar.gz" -o $f 2>/dev/null | grep -v '"snapshot": \|"when": \|^source: snapshot ' |
		normalize_json | no_source_flags > "$WORK/got.$f"
	if [ -s "$WORK/want.$f" ] && out=$(diff -u "$WORK/want.$f" "$WORK/got.$f"); then
		ok "collect tar.gz: --snapshot on it gives the same $f report"
	else not_ok "collect tar.gz: --snapshot on it gives the same $f report" "$out"; fi
done
check_rc "collect needs -o" 2 "$ND" --kubeconfig "$WORK/kc" collect

# serve the archive: collecting from it gives the same findings again, and
# serve removes its private folder when it stops
mkdir -p "$WORK/stmp"
TMPDIR="$WORK/stmp" "$ND" serve --snapshot "$WORK/b.tar.gz" --write-kubeconfig "$WORK/kc2" \
	> "$WORK/url2" 2> "$WORK/serve2.err" &
SPID2=$!
i=0; while [ ! -s "$WORK/url2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$ND" --kubeconfig "$WORK/kc2" collect -o "$WORK/out2" 2> /dev/null
"$ND" diagnose --snapshot "$WORK/out2" -o json 2>/dev/null | jq -S "$NO_SOURCE_FLAGS | .findings" > "$WORK/got3"
if out=$(diff -u "$WORK/want" "$WORK/got3"); then ok "serve tar.gz: same findings"; else not_ok "serve tar.gz: same findings" "$out$(cat "$WORK/serve2.err")"; fi
kill "$SPID2" 2>/dev/null; wait "$SPID2" 2>/dev/null
if [ -z "$(ls -A "$WORK/stmp")" ]; then ok "serve tar.gz: private folder removed on stop"
else not_ok "serve tar.gz: private folder removed on stop" "$(ls -A "$WORK/stmp")"; fi
