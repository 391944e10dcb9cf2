/* SPDX-License-Identifier: MIT */
#ifndef ND_HTML_H
#define ND_HTML_H
/*
 * The HTML report: one self-contained file written from the report's tree
 * (nd_report_tree, the data of the JSON output) and its causes
 * (findings/causes.h). No script, no font, no fetch: a Content-Security-
 * Policy of default-src 'none' says so to the browser, styles and pictures
 * (inline SVG written here) are inside the file. Every string from the
 * report is escaped: evidence is hostile input (a pod name, an event
 * message).
 *
 * What it holds: the verdict block and the top causes; pictures where the
 * report has their data (IP usage per node from the S2 findings' evidence,
 * a can-reach --matrix answer as a heat map, the S1/S4 probe stages as a
 * ladder of checks with their duration_ms, egress-* checks and findings as
 * a table); one section per scenario with every finding, its evidence and
 * its commands; the checks.
 */
#include <stdio.h>

#include "findings/finding.h"

/* Write the page. Returns 0, or -1 when writing failed (ferror). */
int nd_emit_html(FILE *out, struct nd_report *r);

/* Internal to src/out (html.c, html_svg.c). */
void nd_html_esc(FILE *out, const char *s);
/* The member k of an object value, or NULL. */
const struct nd_val *nd_val_get(const struct nd_val *o, const char *k);
/* The pictures section (html_svg.c); prints nothing when there is no data. */
void nd_html_pictures(FILE *out, struct nd_report *r, const struct nd_val *tree);

#endif
