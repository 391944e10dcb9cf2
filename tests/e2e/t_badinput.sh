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

# symbolic links: four loops and a link out of the bundle are reported, each
# file is read once (a second name for one file adds nothing), and it ends
mkdir -p links/cluster
cp "$TOP/examples/aks-kubenet-broken/cluster/"*.json links/cluster/
for i in 1 2 3 4; do ln -s . "links/cluster/l$i"; done
ln -s /etc links/cluster/out
ln -s pods.json links/cluster/zz-again.json
timeout 60 "$ND" diagnose --snapshot "$TOP/examples/aks-kubenet-broken" -o json 2>/dev/null |
	jq '[.checks[] | select(.id == "bundle-load")][0].reason' > want-links
timeout 60 "$ND" diagnose --snapshot links -o json > links.json 2> links.err
check "links: ends, each object read once" sh -c "test \"\$(jq '[.checks[] | select(.id == \"bundle-load\")][0].reason' links.json)\" = \"\$(cat want-links)\""
check "links: each loop reported" sh -c "[ \$(jq '[.findings[] | select(.code == \"bundle-load-error\") | select(.summary | test(\"symbolic link loop\"))] | length' links.json) -eq 4 ]"
check "links: a link out of the bundle is not followed" jq -e '[.findings[] | select(.code == "bundle-load-error") | select(.summary | test("outside the bundle: not read"))] | length == 1' links.json

# one object twice with different content: a warning naming both files; twice the same: nothing
mkdir -p dups/cluster
printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":80}]}}' > dups/cluster/a.json
printf '{"kind":"Service","apiVersion":"v1","metadata":{"namespace":"n","name":"s"},"spec":{"ports":[{"port":80}]}}' > dups/cluster/b.json
printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":8080}]}}' > dups/cluster/c.json
"$ND" diagnose --snapshot dups -o json > dups.json 2>/dev/null
check "duplicate objects with different content: one warning naming both files" jq -e '[.findings[] | select(.code == "bundle-duplicate-object")] | length == 1 and (.[0].evidence.conflict | test("Service n/s is in .*b.json. and, different, in .*c.json"))' dups.json

# the same, in a file read by two threads (its second half) and against another file
mkdir -p dups2/cluster
{
	printf '{"kind":"ServiceList","apiVersion":"v1","metadata":{},"items":['
	i=0
	while [ $i -lt 300 ]; do
		printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s%d","namespace":"n"},"spec":{"ports":[{"port":80}]}},' $i
		i=$((i + 1))
	done
	printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s5","namespace":"n"},"spec":{"ports":[{"port":81}]}},'
	printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s6","namespace":"n"},"spec":{"ports":[{"port":80}]}},'
	printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s290","namespace":"n"},"spec":{"ports":[{"port":82}]}}]}'
} > dups2/cluster/big.json
printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s250","namespace":"n"},"spec":{"ports":[{"port":9}]}}' > dups2/cluster/z.json
for split in 1 1000000000; do
	NETDIAG_SPLIT_MIN=$split "$ND" diagnose --snapshot dups2 -o json > dups2-$split.json 2>/dev/null
	check "duplicates in a file read by $( [ $split = 1 ] && echo two threads || echo one): each conflict once, identical copies none" jq -e '[.findings[] | select(.code == "bundle-duplicate-object") | .evidence.conflict] | length == 3 and (map(select(test("^Service n/s5 is in .*big.json. and, different, in .*big.json"))) | length == 1) and (map(select(test("^Service n/s290 is in .*big.json. and, different, in .*big.json"))) | length == 1) and (map(select(test("^Service n/s250 is in .*big.json. and, different, in .*z.json"))) | length == 1)' dups2-$split.json
done
check "duplicates: the same warnings whether read by one thread or two" sh -c "jq -c '[.findings[] | select(.code == \"bundle-duplicate-object\")]' dups2-1.json > dups2-a; jq -c '[.findings[] | select(.code == \"bundle-duplicate-object\")]' dups2-1000000000.json > dups2-b; cmp dups2-a dups2-b"

# the same object as a file of its own (with managedFields, which are never
# read) and in a List, indented: one object, no conflict; and the earlier copy
# read again from its file when the third copy differs
mkdir -p dups3/cluster
printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n","managedFields":[{"manager":"kubectl","operation":"Update"}]},"spec":{"ports":[{"port":80}]}}' > dups3/cluster/a.json
printf '{"kind":"ServiceList","apiVersion":"v1","items":[\n  {"kind":"Service","apiVersion":"v1",\n   "metadata":{"namespace":"n","name":"s"},"spec":{"ports":[{"port":80}]}}\n]}' > dups3/cluster/b.json
"$ND" diagnose --snapshot dups3 -o json > dups3.json 2>/dev/null
check "one object as a file of its own and in a List: no conflict" jq -e '[.findings[] | select(.code == "bundle-duplicate-object")] | length == 0' dups3.json
printf '{"kind":"ServiceList","apiVersion":"v1","items":[{"kind":"Service","apiVersion":"v1","metadata":{"namespace":"n","name":"s"},"spec":{"ports":[{"port":81}]}}]}' > dups3/cluster/c.json
"$ND" diagnose --snapshot dups3 -o json > dups3c.json 2>/dev/null
check "a third copy that differs: one conflict, against the second" jq -e '[.findings[] | select(.code == "bundle-duplicate-object") | .evidence.conflict] | length == 1 and (.[0] | test("Service n/s is in .*b.json. and, different, in .*c.json"))' dups3c.json

# a broken CNI conflist in a node's files: a finding naming it, the node's store not dropped in silence
cp -R "$TOP/examples/aks-kubenet-broken" cnibad
printf '{"cniVersion": "1.0.0", "name": ' > cnibad/nodes/aks-nodepool1-12345678-vmss000001/cni/net.d/05-broken.conflist
"$ND" diagnose --snapshot cnibad -o json > cnibad.json 2>/dev/null
check "broken conflist: a finding names the node and the file" jq -e '[.findings[] | select(.code == "bundle-load-error" and .subject.name == "aks-nodepool1-12345678-vmss000001") | select(.summary | test("05-broken.conflist"))] | length == 1' cnibad.json
check "broken conflist: the store comparison is an error, not a pass" jq -e '.checks[] | select(.id == "ipam-store") | .status == "error"' cnibad.json
