#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Meta-test of the finding catalogue. Run from the repository root:
#
#   sh tests/meta/catalogue.sh
#
# Checks that every finding code (DESIGN.md section 4 when ../shared/DESIGN.md
# is there, plus the list below) has an English and an Italian page, that the
# pages have the fixed sections and the evidence fields the checks rely on,
# that scripts/gencatalogue turns them into C that compiles, round-trips and
# bisects, and that the generator rejects malformed pages.
#
# Prints one line per failure; exit 0 when all pass, 1 otherwise.
# Environment: DESIGN=path overrides ../shared/DESIGN.md; CC (default cc).
set -u
LC_ALL=C
export LC_ALL

DOCS=docs/findings
PENDING=docs/findings-pending
GEN=scripts/gencatalogue
DESIGN=${DESIGN:-../shared/DESIGN.md}
CC=${CC:-cc}

# Codes that must exist even without DESIGN.md (the section 4 table and the
# extra codes added since). Codes are never removed, only added; a code no
# check emits yet has its pages in docs/findings-pending/.
BUILTIN_CODES="
bundle-load-error
apiserver-dns-failure apiserver-connect-timeout apiserver-connect-refused
apiserver-tls-untrusted apiserver-insecure-skip-tls-verify
apiserver-unauthorized apiserver-forbidden
apiserver-client-ip-not-authorized apiserver-private-cluster
pod-ip-allocation-failed ipam-leak ipam-pool-exhausted azure-cni-ip-shortage
azure-cni-subnet-full terminated-pods-hold-ips
service-no-endpoints service-selector-mismatch service-pods-not-ready
service-target-port-mismatch endpoint-not-listening endpoint-unreachable
kube-proxy-not-running kube-proxy-rules-missing netpol-denies
kubernetes-service-no-endpoints incluster-apiserver-unreachable
incluster-forbidden netpol-blocks-apiserver egress-blocked
private-dns-unresolvable kube-apiserver-not-running
node-dns-failure node-apiserver-unreachable
"

# Evidence fields the checks emit (DESIGN section 4 and src/checks/*.c):
# "code field field ...", one code a line. Keep in step with the checks.
EVIDENCE_FIELDS="
bundle-load-error file error not_listed
apiserver-client-ip-not-authorized client_ip authorized_ip_ranges
pod-ip-allocation-failed pod node cni out_of_addresses matched events last_message last_seen
ipam-leak node network store_dir reserved running leaked_count leaked ip container_id reserved_at
terminated-pods-hold-ips node network store_dir held_count held ip container_id pod phase
ipam-pool-exhausted node network range capacity reserved leaked held_by_terminated_pods
azure-cni-ip-shortage node requested allocated pods_using free pods_waiting max_ips
azure-cni-subnet-full node subnet subnet_cidr nc_status requested allocated
service-no-endpoints service selector ports target_port endpoint_slices endpoints_objects not_ready_addresses
service-selector-mismatch selector nearest_pods pod matching differing key want have
service-pods-not-ready selector pods pod phase ready node waiting
service-target-port-mismatch port target_port pods pod container_ports pods_without_target pods_selected
kube-proxy-not-running node daemonset pod node_ready reason
netpol-denies source destination port policies
kubernetes-service-no-endpoints service cluster_ip endpoints endpoint_slices endpoints_objects
incluster-forbidden user verb resource namespace
node-dns-failure node server file name result failed answers addresses ms
node-apiserver-unreachable node target kubeconfig address stage error detail stages duration_ms
"

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

if [ ! -d "$DOCS" ] || [ ! -f "$GEN" ]; then
	echo "FAIL: run from the repository root ('$DOCS' or '$GEN' not found)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nd-catalogue.XXXXXX") || {
	echo "FAIL: cannot create a temporary directory"
	exit 1
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# --- the list of codes ------------------------------------------------------
codes=$BUILTIN_CODES
if [ -f "$DESIGN" ]; then
	design_codes=$(awk '
		/^## / { in4 = ($0 ~ /^## 4[.]/) }
		in4 && /^\|[ \t]*S[0-9]+[ \t]*\|/ {
			line = $0
			while (match(line, /`[^`]*`/)) {
				print substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
		}' "$DESIGN")
	if [ -z "$design_codes" ]; then
		fail "$DESIGN: no codes found in the table of section 4"
	fi
	codes="$codes $design_codes"
fi
# shellcheck disable=SC2086 # split on purpose: codes are kebab-case words
codes=$(printf '%s\n' $codes | sort -u)

# --- pages for every code, in both languages --------------------------------
# A code no check emits yet keeps its pages in $PENDING (out of the
# catalogue); tests/meta/registry.sh checks the catalogue against the checks.
for c in $codes; do
	if [ -f "$PENDING/$c.md" ]; then
		[ -f "$PENDING/it/$c.md" ] || fail "$c: missing Italian page $PENDING/it/$c.md"
		[ -f "$DOCS/$c.md" ] && fail "$c: page both in $DOCS and in $PENDING"
		continue
	fi
	[ -f "$DOCS/$c.md" ] || fail "$c: missing English page $DOCS/$c.md"
	[ -f "$DOCS/it/$c.md" ] || fail "$c: missing Italian page $DOCS/it/$c.md"
done
for f in "$DOCS"/it/*.md; do
	[ -f "$f" ] || continue
	b=${f##*/}
	[ -f "$DOCS/$b" ] || fail "$f: Italian page without an English page $DOCS/$b"
done
for f in "$DOCS"/*.md; do
	[ -f "$f" ] || continue
	b=${f##*/}
	[ -f "$DOCS/it/$b" ] || fail "$f: English page without an Italian page $DOCS/it/$b"
done

# --- every code the C sources emit has pages --------------------------------
if [ -d src ]; then
	src_codes=$(grep -rhoE 'nd_finding_add\([^,]*, *"[a-z0-9-]+"' src 2>/dev/null |
		sed 's/.*"\([a-z0-9-]*\)"$/\1/' | sort -u)
	for c in $src_codes; do
		[ -f "$DOCS/$c.md" ] || fail "$c: used in src/ but has no page $DOCS/$c.md"
	done
fi

# --- fixed sections ---------------------------------------------------------
check_sections() { # file heading...
	f=$1
	shift
	for h in "$@"; do
		n=$(grep -c "^## $h *\$" "$f")
		[ "$n" -eq 1 ] || fail "$f: expected one '## $h' section, found $n"
	done
}
for f in "$DOCS"/*.md; do
	[ -f "$f" ] && check_sections "$f" Meaning Evidence Remedy
done
for f in "$DOCS"/it/*.md; do
	[ -f "$f" ] && check_sections "$f" Significato Evidenze Rimedio
done

# --- the guide's section for the code's scenario ------------------------------
# "Troubleshoot network problems in AKS clusters" (learn.microsoft.com), one
# section per scenario; S0 codes (netdiag's input) link the guide itself.
GUIDE=https://learn.microsoft.com/en-us/azure/architecture/operator-guides/aks/troubleshoot-network-aks
guide_anchor() {
	case $1 in
	S1) echo "#client-cant-reach-the-api-server" ;;
	S2) echo "#pod-fails-to-allocate-the-ip-address" ;;
	S3) echo "#service-not-accessible-within-pods" ;;
	S4) echo "#nodes-cant-reach-the-api-server" ;;
	*) echo "" ;;
	esac
}
for f in "$DOCS"/*.md "$DOCS"/it/*.md; do
	[ -f "$f" ] || continue
	case $f in */it/*) h=Guida ;; *) h=Guide ;; esac
	check_sections "$f" "$h"
	want="$GUIDE$(guide_anchor "$(sed -n 's/^scenario: *//p' "$f")")"
	awk -v h="## $h" '/^## /{ on = ($0 == h) ; next } on' "$f" | grep -qx "$want" ||
		fail "$f: '## $h' does not link $want"
done

# --- evidence fields named in the Evidence section --------------------------
evidence_of() { # file heading -> the section's text
	awk -v h="## $2" '/^## /{ on = ($0 == h) ; next } on' "$1"
}
printf '%s\n' "$EVIDENCE_FIELDS" | while read -r code fields; do
	[ -n "$code" ] || continue
	for pair in "$DOCS/$code.md:Evidence" "$DOCS/it/$code.md:Evidenze"; do
		f=${pair%:*}
		h=${pair##*:}
		[ -f "$f" ] || continue
		sec=$(evidence_of "$f" "$h")
		for k in $fields; do
			case $sec in
			*"\`$k\`"* | *"{$k,"* | *" $k,"* | *" $k}"*) ;;
			*) echo "FAIL: $f: evidence field '$k' not named in '## $h'" ;;
			esac
		done
	done
done >"$tmp/evidence.out"
if [ -s "$tmp/evidence.out" ]; then
	cat "$tmp/evidence.out"
	nfail=$((nfail + $(wc -l <"$tmp/evidence.out")))
fi

# --- the generator on the real pages ----------------------------------------
if sh "$GEN" "$DOCS" >"$tmp/cat.c" 2>"$tmp/gen.err"; then
	if [ -s "$tmp/gen.err" ]; then
		fail "$GEN $DOCS succeeded with warnings: $(head -n 1 "$tmp/gen.err")"
	fi
else
	# One line per problem the generator found (it reports them all).
	grep -v ': warning: ' "$tmp/gen.err" >"$tmp/gen.errors"
	[ -s "$tmp/gen.errors" ] || echo "(no message)" >"$tmp/gen.errors"
	while IFS= read -r line; do
		fail "$GEN $DOCS failed: $line"
	done <"$tmp/gen.errors"
	: >"$tmp/cat.c"
fi

# Compile it, then check order, lookup and that every text round-trips.
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "catalogue: note: '$CC' not found, compile checks skipped" >&2
elif [ -s "$tmp/cat.c" ]; then
	cat >"$tmp/t.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include "findings/catalogue.h"

static int put(const char *dir, const char *code, const char *text)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/%s.md", dir, code);
	f = fopen(path, "w");
	if (!f)
		return 0;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

int main(int argc, char **argv)
{
	int bad = 0;
	size_t i;

	if (argc != 3)
		return 2;
	for (i = 0; i < nd_catalogue_len; i++) {
		const struct nd_catentry *e = &nd_catalogue[i];
		char head[256];

		if (i > 0 && strcmp(nd_catalogue[i - 1].code, e->code) >= 0) {
			printf("FAIL: catalogue not sorted at '%s'\n", e->code);
			bad++;
		}
		if (nd_catalogue_find(e->code) != e) {
			printf("FAIL: nd_catalogue_find(\"%s\") does not return its entry\n", e->code);
			bad++;
		}
		if (strcmp(e->severity, "info") && strcmp(e->severity, "warning") &&
		    strcmp(e->severity, "error")) {
			printf("FAIL: %s: bad severity '%s'\n", e->code, e->severity);
			bad++;
		}
		snprintf(head, sizeof head, "# %s\n", e->code);
		if (strncmp(e->text, head, strlen(head)) != 0) {
			printf("FAIL: %s: text does not start with its heading\n", e->code);
			bad++;
		}
		if (!e->title[0] || !e->title_it || !e->text_it) {
			printf("FAIL: %s: empty title or no Italian entry\n", e->code);
			bad++;
		}
		if (!put(argv[1], e->code, e->text) ||
		    (e->text_it && !put(argv[2], e->code, e->text_it))) {
			printf("FAIL: %s: cannot write round-trip copy\n", e->code);
			bad++;
		}
	}
	if (nd_catalogue_find("no-such-code") || nd_catalogue_find("") ||
	    nd_catalogue_find(NULL)) {
		printf("FAIL: nd_catalogue_find finds a code that does not exist\n");
		bad++;
	}
	printf("%zu\n", nd_catalogue_len);
	return bad ? 1 : 0;
}
EOF
	if ! "$CC" -std=c11 -Wall -Wextra -Werror -Isrc -o "$tmp/t" "$tmp/cat.c" "$tmp/t.c" \
		2>"$tmp/cc.err"; then
		fail "generated catalogue does not compile: $(head -n 1 "$tmp/cc.err")"
	else
		mkdir -p "$tmp/rt/en" "$tmp/rt/it"
		"$tmp/t" "$tmp/rt/en" "$tmp/rt/it" >"$tmp/t.out"
		rc=$?
		nf=$(grep -c '^FAIL' "$tmp/t.out")
		grep '^FAIL' "$tmp/t.out"
		nfail=$((nfail + nf))
		[ "$rc" -eq 0 ] || [ "$nf" -gt 0 ] ||
			fail "catalogue test program failed (exit $rc)"
		n=$(tail -n 1 "$tmp/t.out")
		npages=0
		for f in "$DOCS"/*.md; do
			[ -f "$f" ] && npages=$((npages + 1))
		done
		[ "$n" = "$npages" ] ||
			fail "catalogue has $n entries for $npages English pages"
		for f in "$DOCS"/*.md; do
			b=${f##*/}
			tr -d '\r' <"$f" >"$tmp/src.md"
			[ -n "$(tail -c 1 "$tmp/src.md")" ] && echo >>"$tmp/src.md"
			cmp -s "$tmp/src.md" "$tmp/rt/en/$b" ||
				fail "$f: text in the catalogue differs from the page"
			[ -f "$DOCS/it/$b" ] || continue
			tr -d '\r' <"$DOCS/it/$b" >"$tmp/src.md"
			[ -n "$(tail -c 1 "$tmp/src.md")" ] && echo >>"$tmp/src.md"
			cmp -s "$tmp/src.md" "$tmp/rt/it/$b" ||
				fail "$DOCS/it/$b: text in the catalogue differs from the page"
		done
	fi
fi

# --- the generator rejects malformed pages ----------------------------------
# expect_reject NAME FILE: a copy of a good page set with FILE broken must make
# the generator fail, print nothing on stdout, and name FILE on stderr.
good_page() { # code [scenario] [severity] [title]
	# shellcheck disable=SC2016 # the backquotes are markdown
	printf '# %s\n\nscenario: %s\nseverity: %s\ntitle: %s\n\n## Meaning\nx\n\n## Evidence\n- `a`: b\n\n## Remedy\ny\n' \
		"$1" "${2-S1}" "${3-error}" "${4-A title}"
}
case_dir() {
	d="$tmp/neg/$1"
	mkdir -p "$d/it"
	good_page ok-page >"$d/ok-page.md"
	good_page ok-page >"$d/it/ok-page.md"
	echo "$d"
}
expect_reject() { # name dir file-that-must-be-named
	if sh "$GEN" "$2" >"$tmp/neg.out" 2>"$tmp/neg.err"; then
		fail "$GEN accepted a page with $1 ($3)"
		return
	fi
	[ -s "$tmp/neg.out" ] && fail "$GEN wrote to stdout although it failed ($1)"
	grep -qF "$3" "$tmp/neg.err" || fail "$GEN did not name '$3' for $1: $(head -n 1 "$tmp/neg.err")"
}

d=$(case_dir no-scenario)
printf '# bad-page\n\nseverity: error\ntitle: T\n\n## Meaning\n' >"$d/bad-page.md"
expect_reject "no scenario" "$d" "$d/bad-page.md"

d=$(case_dir no-severity)
printf '# bad-page\n\nscenario: S2\ntitle: T\n\n## Meaning\n' >"$d/bad-page.md"
expect_reject "no severity" "$d" "$d/bad-page.md"

d=$(case_dir no-title)
printf '# bad-page\n\nscenario: S2\nseverity: error\n\n## Meaning\n' >"$d/bad-page.md"
expect_reject "no title" "$d" "$d/bad-page.md"

d=$(case_dir empty-title)
good_page bad-page S2 error "" >"$d/bad-page.md"
expect_reject "an empty title" "$d" "$d/bad-page.md"

d=$(case_dir title-after-heading)
printf '# bad-page\n\nscenario: S2\nseverity: error\n\n## Meaning\ntitle: T\n' >"$d/bad-page.md"
expect_reject "a title after the first section" "$d" "$d/bad-page.md"

d=$(case_dir bad-severity)
good_page bad-page S2 critical >"$d/bad-page.md"
expect_reject "severity 'critical'" "$d" "$d/bad-page.md"

d=$(case_dir bad-scenario)
good_page bad-page general >"$d/bad-page.md"
expect_reject "scenario 'general'" "$d" "$d/bad-page.md"

d=$(case_dir heading-mismatch)
good_page other-page >"$d/bad-page.md"
expect_reject "a heading that differs from the file name" "$d" "$d/bad-page.md"

d=$(case_dir no-heading)
good_page bad-page | sed 1d >"$d/bad-page.md"
expect_reject "no '# code' heading" "$d" "$d/bad-page.md"

d=$(case_dir not-kebab)
good_page Bad_Page >"$d/Bad_Page.md"
expect_reject "a code that is not kebab-case" "$d" "$d/Bad_Page.md"

d=$(case_dir double-dash)
good_page bad--page >"$d/bad--page.md"
expect_reject "a code with an empty word" "$d" "$d/bad--page.md"

d=$(case_dir it-severity)
good_page bad-page S2 error >"$d/bad-page.md"
good_page bad-page S2 warning >"$d/it/bad-page.md"
expect_reject "an Italian severity that differs" "$d" "$d/it/bad-page.md"

d=$(case_dir it-heading)
good_page bad-page >"$d/bad-page.md"
good_page other-page >"$d/it/bad-page.md"
expect_reject "an Italian heading that differs" "$d" "$d/it/bad-page.md"

mkdir -p "$tmp/neg/empty"
if sh "$GEN" "$tmp/neg/empty" >/dev/null 2>&1; then
	fail "$GEN accepted a directory without pages"
fi

# A page with everything that needs escaping must still compile and keep its
# bytes; a missing Italian page gives NULL, and a CRLF page is accepted.
d=$(case_dir escapes)
printf '# odd-page\r\n\r\nscenario: S0\r\nseverity: info\r\ntitle: "q" \\ ??= \303\250\r\n\r\n## Meaning\r\n\ttab ??( \001 */ %%s\r\n' \
	>"$d/odd-page.md"
if sh "$GEN" "$d" >"$tmp/esc.c" 2>"$tmp/esc.err"; then
	if command -v "$CC" >/dev/null 2>&1; then
		cat >"$tmp/esc_t.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include "findings/catalogue.h"

int main(void)
{
	const struct nd_catentry *e = nd_catalogue_find("odd-page");

	if (!e || e->title_it || e->text_it || nd_catalogue_len != 2)
		return 1;
	if (strcmp(e->title, "\"q\" \\ ?\?= \303\250") != 0)
		return 1;
	if (strstr(e->text, "\ttab ?\?( \001 */ %s\n") == NULL)
		return 1;
	if (strchr(e->text, '\r') != NULL)
		return 1;
	return !nd_catalogue_find("ok-page");
}
EOF
		if ! "$CC" -std=c11 -Wall -Wextra -Werror -Isrc -o "$tmp/esc_t" \
			"$tmp/esc.c" "$tmp/esc_t.c" 2>"$tmp/cc.err"; then
			fail "escaped page does not compile: $(head -n 1 "$tmp/cc.err")"
		elif ! "$tmp/esc_t"; then
			fail "escaped page does not keep its bytes"
		fi
	fi
else
	fail "$GEN rejected a valid page that needs escaping: $(head -n 1 "$tmp/esc.err")"
fi

if [ "$nfail" -gt 0 ]; then
	echo "catalogue: $nfail failure(s)"
	exit 1
fi
ncodes=0
for c in $codes; do
	ncodes=$((ncodes + 1))
done
echo "catalogue: ok ($ncodes codes required; pages, evidence fields and generator checks pass)"
exit 0
