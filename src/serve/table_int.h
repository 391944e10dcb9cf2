/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_TABLE_INT_H
#define ND_SERVE_TABLE_INT_H
/*
 * Inside the Table writer (table.c, table_rows.c): the columns of a kind,
 * the function that makes a row's cells from the object, and the helpers
 * they share. A row function appends exactly one cell per column, in order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_buf;
struct nd_json;

struct nd_tcol {
	const char *name;
	const char *type;        /* "string", "integer", "boolean", "date" */
	const char *format;      /* "name" or "" */
	int priority;            /* 1: shown by kubectl only with -o wide */
	const char *desc;
};

struct nd_trow {
	struct nd_buf *b;
	int64_t now;             /* Unix seconds that ages are measured from */
	size_t ncells;
};

struct nd_tprinter {
	const char *group;
	const char *plural;
	const struct nd_tcol *cols;
	size_t ncols;
	void (*row)(struct nd_trow *t, const struct nd_json *obj);
};

/* The printer of group/plural, or the default one (Name, Age). */
const struct nd_tprinter *nd_tprinter_find(const char *group, const char *plural);

/* Cells. */
void nd_tcell_str(struct nd_trow *t, const char *s);
void nd_tcell_int(struct nd_trow *t, int64_t i);
void nd_tcell_bool(struct nd_trow *t, bool v);
/* The age of an RFC 3339 time, "<unknown>" when absent or unreadable. */
void nd_tcell_age(struct nd_trow *t, const struct nd_json *ts);

/* Values. */
const char *nd_tstr(const struct nd_json *o, const char *key);   /* NULL when not a string */
int64_t nd_tint(const struct nd_json *o, const char *key, int64_t dflt);
bool nd_ttrue(const struct nd_json *o, const char *key);
/* Unix seconds of an RFC 3339 time ("2025-05-02T09:00:00Z", fractions and
 * offsets allowed; a fraction rounds up); 0 when absent or unreadable. */
int64_t nd_ttime(const struct nd_json *ts);
/* "k=v,k2=v2" with keys sorted (labels.FormatLabels), "<none>" for none. */
void nd_tlabels(struct nd_buf *out, const struct nd_json *map);
/* A LabelSelector as its selector string (metav1.FormatLabelSelector), "<none>" when empty. */
void nd_tselector(struct nd_buf *out, const struct nd_json *sel);
/* The containers' names and images of a pod spec, each joined by ",". */
void nd_tcontainers(struct nd_buf *names, struct nd_buf *images, const struct nd_json *podspec);

#endif
