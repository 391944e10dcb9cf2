/* SPDX-License-Identifier: MIT */
#ifndef ND_CAUSES_H
#define ND_CAUSES_H
/*
 * Triage: the report's findings folded into causes, one per finding code
 * and subject kind ("3 Services have no endpoints"), worst first: by
 * severity, then by how many subjects share it, then by code. The text
 * verdict block, the JSON summary.top and the HTML report all read this
 * one list, so they never disagree.
 *
 * The list lives in the report's arena and is computed once (the report must
 * not grow afterwards, as for nd_report_tree).
 */
#include <stddef.h>

#include "findings/finding.h"

/* At most this many subjects are named per cause; count says how many there are. */
#define ND_CAUSE_SUBJECTS 3

struct nd_cause {
	const char *code;
	const char *scenario;
	enum nd_sev sev;         /* the worst of its findings */
	const char *kind;        /* the subjects' kind, NULL when they have none */
	size_t count;            /* findings folded into it */
	const char *subjects[ND_CAUSE_SUBJECTS];   /* "ns/name" or "name" */
	size_t nsubjects;
	/* One line, translated: the finding's summary when it stands alone,
	 * else "N × Kind: <catalogue title>". */
	const char *text;
};

/* The causes of r, worst first; *n gets how many. NULL when none. */
const struct nd_cause *nd_report_causes(struct nd_report *r, size_t *n);

#endif
