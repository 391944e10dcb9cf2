#!/bin/sh
# Bad input: every broken file is named with its byte offset on stderr, the
# rest of the bundle is still read and diagnosed, and nothing crashes.
. "$TOP/tests/e2e/lib.sh"

b=$(stage "$TOP/tests/bundles/bad-input")
sh "$WORK/$b/make-big.sh" "$WORK/$b/cluster"
cd "$WORK" || exit 1
"$ND" diagnose --snapshot "$b" -o json > out.json 2> err.txt
rc=$?
check "bad input: exit 1 (findings), not a crash" test "$rc" -eq 1
check "truncated file named with offset" grep -q "'$b/cluster/truncated.json': invalid JSON at byte 17240" err.txt
check "empty file named" grep -q "'$b/cluster/empty.json': invalid JSON at byte 0: the file is empty" err.txt
check "invalid UTF-8 named" grep -q "'$b/cluster/invalid-utf8.json': invalid JSON at byte [0-9]*: invalid UTF-8" err.txt
check "trailing garbage named" grep -q "trailing-garbage.json': invalid JSON at byte [0-9]*: trailing data" err.txt
check "nesting bounded" grep -q "deep-nesting.json': invalid JSON at byte [0-9]*: nesting deeper than 256" err.txt
check "wrong types name the object and field" grep -q "wrong-types.json': object at byte [0-9]*: Pod '[^']*': spec.containers\[\].ports\[\].containerPort: expected an integer, got a string" err.txt
check "10 MB string read" sh -c "! grep -q big-string err.txt"
check "the good files are still diagnosed" jq -e '[.findings[] | select(.code == "service-selector-mismatch")] | length == 1' out.json
check "bundle-load check is an error" jq -e '.checks[] | select(.id == "bundle-load") | .status == "error"' out.json
check "stdout is valid JSON despite errors" jq -e . out.json

# a folder that is not a bundle, a missing one, an empty one
mkdir -p notabundle empty/cluster
check_rc "not a bundle: usage error" 2 "$ND" diagnose --snapshot notabundle
check_rc "empty bundle: no check could run" 3 "$ND" diagnose --snapshot empty
check "empty bundle says why" sh -c "'$ND' diagnose --snapshot empty | grep -q 'no Pods in the source'"
check_rc "missing folder" 2 "$ND" diagnose --snapshot does-not-exist
# a List whose items lack kind (API server form) uses the List's kind
mkdir -p api/cluster
printf '{"kind":"ServiceList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":80}]}}]}' > api/cluster/svc.json
check "API-server list form" sh -c "'$ND' diagnose --snapshot api -o json | jq -e '.findings[0].code == \"service-no-endpoints\"'"
