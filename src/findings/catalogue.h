/* SPDX-License-Identifier: MIT */
#ifndef ND_CATALOGUE_H
#define ND_CATALOGUE_H
/*
 * The finding catalogue, generated at build time from docs/findings/<code>.md
 * (English) and docs/findings/it/<code>.md (Italian) by
 * scripts/gencatalogue. Codes are stable: never renamed, never reused.
 */
#include <stddef.h>

struct nd_catentry {
	const char *code;
	const char *scenario;    /* "S1".."S4" */
	const char *severity;    /* "info", "warning", "error" */
	const char *title;       /* English title */
	const char *text;        /* the whole English markdown file */
	const char *title_it;    /* NULL when the Italian page is missing */
	const char *text_it;
};

extern const struct nd_catentry nd_catalogue[];
extern const size_t nd_catalogue_len;

const struct nd_catentry *nd_catalogue_find(const char *code);

#endif
