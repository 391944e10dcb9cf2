#!/bin/sh
# SPDX-License-Identifier: MIT
# html_check.sh FILE: fails (exit 1, one line per problem) when an HTML report
# could fetch anything: a tag that loads (script, link, img, iframe, object,
# embed, base, frame, audio, video, source), an attribute that names a
# resource (src, srcset, action, formaction, poster, data, xlink:href,
# background), an href that is not a #fragment, a url() or @import in a style,
# or a missing Content-Security-Policy of default-src 'none'. Report text is
# escaped, so only real tags are looked at: the file is read whole, tag by tag.
set -u
f=$1
[ -s "$f" ] || { echo "html_check: '$f' is missing or empty"; exit 1; }
tr '\n\r' '  ' < "$f" | awk '
BEGIN { bad = 0; RS = "<"; FS = "" }
NR == 1 { next }
{
	tag = $0
	sub(/>.*/, "", tag)
	name = tolower(tag)
	sub(/[ \t\/].*/, "", name)
	if (name ~ /^(script|link|img|iframe|object|embed|base|frame|frameset|audio|video|source|track|portal|applet)$/) {
		printf "html_check: a <%s> tag loads something: <%s>\n", name, substr(tag, 1, 120); bad = 1
	}
	low = tolower(tag)
	if (low ~ /[ \t](src|srcset|action|formaction|poster|data|xlink:href|background|ping|manifest)[ \t]*=/) {
		printf "html_check: a resource attribute: <%s>\n", substr(tag, 1, 120); bad = 1
	}
	rest = low
	while (match(rest, /[ \t]href[ \t]*=[ \t]*["\047]?/)) {
		v = substr(rest, RSTART + RLENGTH, 1)
		if (v != "#") { printf "html_check: an href that leaves the page: <%s>\n", substr(tag, 1, 120); bad = 1 }
		rest = substr(rest, RSTART + RLENGTH)
	}
	if (low ~ /style[ \t]*=.*url[ \t]*\(/ || low ~ /http-equiv[ \t]*=[ \t]*["\047]?refresh/) {
		printf "html_check: a url() or refresh in a tag: <%s>\n", substr(tag, 1, 120); bad = 1
	}
	if (name == "style") {
		body = $0
		sub(/^[^>]*>/, "", body)
		if (tolower(body) ~ /url[ \t]*\(|@import|@font-face/) {
			print "html_check: the style sheet loads something (url(), @import or @font-face)"; bad = 1
		}
	}
	if (name == "meta" && low ~ /content-security-policy/ && low ~ /default-src[ \t]*\047none\047/)
		csp = 1
}
END {
	if (!csp) { print "html_check: no Content-Security-Policy meta with default-src \047none\047"; bad = 1 }
	exit bad
}'
