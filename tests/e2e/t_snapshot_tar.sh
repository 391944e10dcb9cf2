#!/bin/sh
# --snapshot FILE.tar.gz: a bundle archive reads like its folder, for every
# command that takes a bundle; hostile archives (made here with python3's
# tarfile) are refused with the entry named, nothing is written outside
# the private folder, and that folder is gone after every run.
. "$TOP/tests/e2e/lib.sh"

if ! command -v python3 >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
	not_ok "snapshot tar: python3 and jq are needed"
	exit 0
fi

# every run extracts under $T; it must be empty again after each one
T="$WORK/tmp"
mkdir -p "$T"
export TMPDIR="$T"
left() { [ -z "$(ls -A "$T")" ]; }

B=$(stage "$TOP/examples/aks-kubenet-broken")
cd "$WORK" || exit 1
tar czf b.tar.gz "$B"
tar czf dot.tgz -C "$B" .

# the same report, text and JSON, from the folder and from the archive;
# only the snapshot's name (also in the suggested netdiag commands) and node
# file paths (inside the private folder) differ
norm() { normalize_json | jq -S 'del(.source.snapshot) | walk(if type == "object" and has("store_dir")
	then .store_dir |= sub("^.*/nodes/"; "nodes/") else . end) |
	'"$NO_SOURCE_FLAGS"; }
"$ND" diagnose --snapshot "$B" -o json 2>/dev/null | norm > want.json
for a in b.tar.gz dot.tgz; do
	"$ND" diagnose --snapshot "$a" -o json 2>"$a.err" | norm > "$a.json"
	if out=$(diff -u want.json "$a.json"); then ok "tar $a: same JSON report as the folder"
	else not_ok "tar $a: same JSON report as the folder" "$out"; fi
	check "tar $a: no private folder left" left
done
"$ND" diagnose --snapshot "$B" 2>/dev/null | grep -v "^source: snapshot " |
	sed 's|[^ ]*/nodes/|nodes/|g' | no_source_flags > want.txt
"$ND" diagnose --snapshot b.tar.gz 2>/dev/null | grep -v "^source: snapshot " |
	sed 's|[^ ]*/nodes/|nodes/|g' | no_source_flags > got.txt
if out=$(diff -u want.txt got.txt); then ok "tar: same text report"; else not_ok "tar: same text report" "$out"; fi
if [ "$(wc -l < want.txt)" -gt 20 ]; then ok "tar: text report is not empty"; else not_ok "tar: text report is not empty"; fi

# the other commands that read a bundle
for c in "service shop/frontend" "pod shop/recommender-tdsrvfdgtt-tv5wh" "ipam" \
	 "can-i get pods --as system:serviceaccount:shop:default" "apiserver"; do
	# shellcheck disable=SC2086
	"$ND" $c --snapshot "$B" -o json 2>/dev/null | norm > c.want
	# shellcheck disable=SC2086
	"$ND" $c --snapshot b.tar.gz -o json 2>/dev/null | norm > c.got
	if [ -s c.want ] && out=$(diff -u c.want c.got); then ok "tar: $c reads the archive"
	else not_ok "tar: $c reads the archive" "$out"; fi
done
check "tar: apiserver read aks.json from the archive" \
	jq -e '.checks[] | select(.id == "apiserver-authorized-ranges") | .status == "pass"' c.got
check "tar: no private folder left after the commands" left

# hostile archives; each: exit 2, the entry and the reason named, nothing on
# stdout, no sanitizer report, nothing written outside, nothing left behind
python3 - "$WORK" "$B" <<'EOF'
import io, gzip, os, sys, tarfile
work, b = sys.argv[1], sys.argv[2]
pods = open(os.path.join(work, b, "cluster", "pods.json"), "rb").read()

def tgz(name, entries, raw_tail=b""):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    with gzip.open(os.path.join(work, name), "wb") as g:
        g.write(buf.getvalue() + raw_tail)

def reg(n, data):
    ti = tarfile.TarInfo(n); ti.size = len(data); return (ti, data)

def special(n, typ, link=""):
    ti = tarfile.TarInfo(n); ti.type = typ; ti.linkname = link; return (ti, None)

good = reg("b/cluster/pods.json", pods)
tgz("dotdot.tgz", [good, reg("b/../../escaped-dotdot", b"x")])
tgz("abs.tgz", [good, reg(os.path.join(work, "escaped-abs"), b"x")])
tgz("symlink.tgz", [good, special("b/cluster/link.json", tarfile.SYMTYPE, "/etc/passwd")])
tgz("hardlink.tgz", [good, special("b/cluster/hard.json", tarfile.LNKTYPE, "b/cluster/pods.json")])
dev = tarfile.TarInfo("b/cluster/null"); dev.type = tarfile.CHRTYPE; dev.devmajor = 1; dev.devminor = 3
tgz("device.tgz", [good, (dev, None)])
tgz("twice.tgz", [good, good])
tgz("good.tgz", [good, reg("./b/nodes/n1/resolv.conf", b"nameserver 10.0.0.10\n")])
# a header that claims a terabyte, followed by a few bytes
big = tarfile.TarInfo("b/cluster/huge.json"); big.size = 10**12
with gzip.open(os.path.join(work, "huge.tgz"), "wb") as g:
    g.write(big.tobuf(format=tarfile.GNU_FORMAT) + b"{" * 512)
# a good archive cut in the middle of its gzip stream
whole = open(os.path.join(work, "b.tar.gz"), "rb").read()
open(os.path.join(work, "truncated.tgz"), "wb").write(whole[: len(whole) // 2])
open(os.path.join(work, "garbage.tgz"), "wb").write(b"not an archive at all\n" * 100)
EOF

# refused NAME FILE PATTERN [ENV...]
refused() {

	_n=$1 _f=$2 _p=$3
	shift 3
	env "$@" "$ND" diagnose --snapshot "$_f" -o json > "$_n.out" 2> "$_n.err"
	_rc=$?
	if [ "$_rc" -eq 2 ] && grep -q -- "$_p" "$_n.err" && [ ! -s "$_n.out" ] &&
	   ! grep -q Sanitizer "$_n.err"; then ok "tar refused: $_n"
	else not_ok "tar refused: $_n" "exit $_rc; stderr: $(cat "$_n.err")"; fi
	if left; then ok "tar refused: $_n: nothing left"; else not_ok "tar refused: $_n: nothing left" "$(ls -lAR "$T")"; fi
}
refused dotdot dotdot.tgz "entry 'b/../../escaped-dotdot' has a '..' component"
refused absolute abs.tgz "entry '$WORK/escaped-abs' is an absolute path"
refused symlink symlink.tgz "entry 'b/cluster/link.json' is a symbolic link"
refused hardlink hardlink.tgz "entry 'b/cluster/hard.json' is a hard link"
refused device device.tgz "entry 'b/cluster/null' is a device"
refused twice twice.tgz "entry 'b/cluster/pods.json' appears twice"
refused huge huge.tgz "entry 'b/cluster/huge.json' claims 1000000000000 bytes"
refused truncated truncated.tgz "cannot read bundle 'truncated.tgz'"
refused garbage garbage.tgz "cannot read bundle 'garbage.tgz'"
refused max-entries b.tar.gz "more than 5 entries" NETDIAG_SNAPSHOT_MAX_ENTRIES=5
refused max-total b.tar.gz "past the 20000 bytes allowed in all" NETDIAG_SNAPSHOT_MAX_TOTAL=20000
refused max-file b.tar.gz "allowed for one file" NETDIAG_SNAPSHOT_MAX_FILE=1000
if [ ! -e "$WORK/escaped-abs" ] && [ ! -e "$WORK/escaped-dotdot" ] && [ ! -e "$WORK/tmp/escaped-dotdot" ] &&
   [ ! -e "/escaped-dotdot" ]; then ok "tar refused: nothing written outside"
else not_ok "tar refused: nothing written outside" "$(ls -la "$WORK")"; fi
"$ND" diagnose --snapshot good.tgz -o json > good.json 2>&1
check "tar: a small hand-made archive with ./ names reads" \
	jq -e '.checks[] | select(.id == "bundle-load") | .reason == "1 files, 57 objects"' good.json
check "tar: no private folder left" left
