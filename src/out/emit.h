/* SPDX-License-Identifier: MIT */
#ifndef ND_EMIT_H
#define ND_EMIT_H
/*
 * The one emitter. JSON is a walk of the report's tree (nd_report_tree,
 * schema netdiag/v1); text walks the same report for people (grouped by
 * scenario, colour only when asked); evidence trees print as indented
 * "key: value" lines or as JSON. The text opens with a verdict block (the
 * verdict, the source, the top causes of findings/causes.h), then the
 * details by scenario. HTML (out/html.h) is a third walk of the same tree.
 */
#include <stdbool.h>
#include <stdio.h>

#include "findings/finding.h"

enum nd_emit_format { ND_EMIT_TEXT = 0, ND_EMIT_JSON, ND_EMIT_HTML };

struct nd_emit_opts {
	enum nd_emit_format format;
	bool color;
	bool verbose;        /* text: list every check, not only the ones that did not pass */
	bool one_line;       /* JSON: the whole report on one line (the fleet agent's log) */
	bool brief;          /* text: only the verdict block (verdict, source, top causes) */
};

/* Print the report. Returns 0, or -1 when writing failed (ferror). */
int nd_emit_report(FILE *out, struct nd_report *r, const struct nd_emit_opts *o);
/* A value as JSON (indent < 0: on one line). */
void nd_emit_val_json(FILE *out, const struct nd_val *v, int indent);
/* The title of a scenario ("S2" -> "Pods cannot get an IP address"), translated. */
const char *nd_scenario_title(const char *s);
/* A severity and a check status for people, translated (JSON keeps nd_sev_name's). */
const char *nd_sev_label(enum nd_sev s);
const char *nd_check_status_label(enum nd_check_status s);
/* A value as indented text lines. */
void nd_emit_val_text(FILE *out, const struct nd_val *v, int indent);

#endif
