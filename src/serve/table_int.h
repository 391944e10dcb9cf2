/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_TABLE_INT_H
#define ND_SERVE_TABLE_INT_H
/*
 * Inside the Table writer (table.c, table_rows.c, table_other.c, table_more.c): the columns of a kind,
 * the function that makes a row's cells from the object, and the helpers
 * they share. A row function appends exactly one cell per column, in order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/json.h"

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
/* A cell of n bytes of JSON written as they are (a number, null). */
void nd_tcell_raw(struct nd_trow *t, const char *json, size_t n);
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


/* The kinds of table_other.c, searched by nd_tprinter_find after the core ones. */
extern const struct nd_tprinter nd_tprinters_other[];
extern const size_t nd_ntprinters_other;
/*
 * A custom resource's printer from its CustomResourceDefinition (table_crd.c):
 * p.cols are Name and the served version's printer columns, paths[i] the
 * JSONPath of column i; p.row is NULL (rows come from nd_tcrd_row).
 */
struct nd_arena;
struct nd_store;
struct nd_sres;
struct nd_tcrd {
	struct nd_tprinter p;
	const char **paths;
};
/* The printer of a parsed CRD object for its served version (from a); returns 0. */
int nd_tcrd_from(const struct nd_json *crd, const char *version, struct nd_arena *a,
		 struct nd_tcrd *out);
/* 0 with out filled (from a) when s holds the CRD of r; -1 when it does not. */
int nd_tcrd_find(const struct nd_store *s, const struct nd_sres *r, struct nd_arena *a,
		 struct nd_tcrd *out);
void nd_tcrd_row(struct nd_trow *t, const struct nd_tcrd *c, const struct nd_json *obj);

/* The kinds of table_more.c: batch, ingresses, storage, leases. */
extern const struct nd_tprinter nd_tprinters_more[];
extern const size_t nd_ntprinters_more;

/* ---- what the row functions share ---- */
#define NAME_COL {"Name", "string", "name", 0, "Name must be unique within a namespace."}
#define AGE_COL_DESC "CreationTimestamp is a timestamp representing the server time when this object was created."
#define AGE_COL {"Age", "string", "", 0, AGE_COL_DESC}
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define P(g, p, cols, fn) {g, p, cols, N(cols), fn}

static inline const struct nd_json *get(const struct nd_json *o, const char *k)
{
	return o && o->type == ND_JOBJ ? nd_json_get(o, k) : NULL;
}

static inline size_t len_of(const struct nd_json *v)
{
	return v && (v->type == ND_JARR || v->type == ND_JOBJ) ? v->n : 0;
}

static inline const struct nd_json *at(const struct nd_json *arr, size_t i)
{
	return arr && arr->type == ND_JARR && i < arr->n ? &arr->u.items[i] : NULL;
}

static inline const char *or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static inline void name_cell(struct nd_trow *t, const struct nd_json *obj)
{
	nd_tcell_str(t, nd_tstr(get(obj, "metadata"), "name"));
}

static inline void age_cell(struct nd_trow *t, const struct nd_json *obj)
{
	nd_tcell_age(t, get(get(obj, "metadata"), "creationTimestamp"));
}

/* a cell from a buffer, released after */
static inline void buf_cell(struct nd_trow *t, struct nd_buf *b)
{
	nd_tcell_str(t, b->p ? b->p : "");
	nd_buf_release(b);
}

#endif
