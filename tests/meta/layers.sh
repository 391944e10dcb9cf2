#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Meta-test: the source tree keeps its layers (DESIGN §5), lowest first:
#
#   core -> findings, node, out -> k8s -> policy, probe, aks -> checks, serve
#        -> commands (src/cmd*.c, src/cmd.h, src/livesrc.c) -> main (src/main.c)
#
# Reads every #include "..." under src/ and fails, naming file:line, on an
# include of a higher layer, on a cycle between modules of one layer, and
# on a cycle between files. Then it runs itself on a doctored tree (an
# upward include, a two-header cycle) and fails unless both are caught.
#
#   sh tests/meta/layers.sh [SRC]     (default: src)
set -u
LC_ALL=C
export LC_ALL

SRC=${1:-src}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nd-layers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# module of a path relative to SRC: its folder, or cmd/main for the top files
module() {
	case $1 in
	main.c) echo main ;;
	*/*) echo "${1%%/*}" ;;
	*) echo cmd ;;
	esac
}
rank() {
	case $1 in
	core) echo 0 ;;
	findings | node | out) echo 1 ;;
	k8s) echo 2 ;;
	policy | probe | aks) echo 3 ;;
	checks | serve) echo 4 ;;
	cmd) echo 5 ;;
	main) echo 6 ;;
	*) echo x ;;
	esac
}

# edges: "from to line" for every quoted include of a file under SRC
(cd "$SRC" && find . -name '*.[ch]' | sed 's|^\./||' | sort) >"$tmp/files"
while read -r f; do
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$SRC/$f" |
		sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' | while read -r line inc; do
		[ -f "$SRC/$inc" ] || continue   # generated headers (catalogue) live in the build
		echo "$f $inc $line"
	done
done <"$tmp/files" >"$tmp/edges"

: >"$tmp/out"
while read -r from to line; do
	mf=$(module "$from") mt=$(module "$to")
	rf=$(rank "$mf") rt=$(rank "$mt")
	if [ "$rf" = x ]; then
		echo "FAIL: $SRC/$from: folder '$mf' has no layer (add it to tests/meta/layers.sh)"
	elif [ "$rt" = x ]; then
		echo "FAIL: $SRC/$to: folder '$mt' has no layer (add it to tests/meta/layers.sh)"
	elif [ "$rt" -gt "$rf" ]; then
		echo "FAIL: $SRC/$from:$line: includes $to: $mf (layer $rf) must not include $mt (layer $rt)"
	fi
done <"$tmp/edges" | sort -u >>"$tmp/out"

# cycles: between files, and between modules (a module's own files are one node)
cycles() { # edges-file -> prints one cycle per strongly connected set, via tsort
	tsort "$1" 2>&1 >/dev/null | sed -n 's/^tsort: //p' | sed 's/^.*input contains a loop:$/|/'
}
awk '$1 != $2 { print $1, $2 }' "$tmp/edges" >"$tmp/fe"
if cycles "$tmp/fe" | grep -q .; then
	echo "FAIL: include cycle between files: $(cycles "$tmp/fe" | tr '\n' ' ')" >>"$tmp/out"
fi
while read -r from to line; do
	mf=$(module "$from") mt=$(module "$to")
	[ "$mf" != "$mt" ] && echo "$mf $mt"
done <"$tmp/edges" | sort -u >"$tmp/me"
if cycles "$tmp/me" | grep -q .; then
	echo "FAIL: include cycle between folders: $(cycles "$tmp/me" | tr '\n' ' ')" >>"$tmp/out"
fi

# calls: the same rules for the functions and data each object file uses
# (a header can be clean while the code calls up); needs the objects of a
# build: OBJ (default build/check/obj, tests/run.sh's build)
OBJ=${OBJ:-build/check/obj}
if [ "$SRC" = src ] && [ -d "$OBJ" ] && command -v nm >/dev/null 2>&1; then
	find "$OBJ" -name '*.o' ! -name 'catalogue_gen.o' | sort >"$tmp/objs"
	while read -r o; do
		f=${o#"$OBJ"/}
		f=${f%.o}.c
		[ -f "src/$f" ] || continue
		nm --defined-only -g "$o" 2>/dev/null | awk -v f="$f" 'NF == 3 { print $3, f }'
	done <"$tmp/objs" | sort -k1,1 >"$tmp/defs"
	while read -r o; do
		f=${o#"$OBJ"/}
		f=${f%.o}.c
		[ -f "src/$f" ] || continue
		nm --undefined-only -g "$o" 2>/dev/null | awk -v f="$f" '{ print $NF, f }'
	done <"$tmp/objs" | sort -k1,1 >"$tmp/uses"
	join "$tmp/uses" "$tmp/defs" | while read -r sym user def; do
		mu=$(module "$user") md=$(module "$def")
		ru=$(rank "$mu") rd=$(rank "$md")
		[ "$ru" = x ] || [ "$rd" = x ] && continue
		[ "$rd" -gt "$ru" ] &&
			echo "FAIL: src/$user calls $sym of src/$def: $mu (layer $ru) must not use $md (layer $rd)"
	done | sort -u >>"$tmp/out"
fi

nfail=$(wc -l <"$tmp/out")
cat "$tmp/out"

# the test fails when it should: a doctored copy with an upward include and a cycle
if [ "$SRC" = src ] && [ -d src/core ] && [ -d src/k8s ]; then
	mkdir -p "$tmp/bad/core" "$tmp/bad/k8s"
	printf '#include "k8s/b.h"\n' >"$tmp/bad/core/a.h"
	printf '#include "k8s/c.h"\n' >"$tmp/bad/k8s/b.h"
	printf '#include "k8s/b.h"\n' >"$tmp/bad/k8s/c.h"
	out=$(sh "$0" "$tmp/bad" 2>&1)
	case $out in
	*"core/a.h:1: includes k8s/b.h"*) ;;
	*) echo "FAIL: self-test: an upward include was not caught: $out"; nfail=$((nfail + 1)) ;;
	esac
	case $out in
	*"cycle between files"*) ;;
	*) echo "FAIL: self-test: a two-header cycle was not caught: $out"; nfail=$((nfail + 1)) ;;
	esac
fi

if [ "$nfail" -gt 0 ]; then
	echo "layers: $nfail failure(s)"
	exit 1
fi
echo "layers: ok ($(wc -l <"$tmp/files") files, $(wc -l <"$tmp/edges") includes, no upward include, no cycle)"
exit 0
