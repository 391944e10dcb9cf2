/* SPDX-License-Identifier: MIT */
#ifndef ND_K8S_LABELS_H
#define ND_K8S_LABELS_H
/*
 * Kubernetes label selectors, as a unit of their own.
 *
 * One representation for the three spellings:
 *  - a Service's spec.selector (a map: every key must equal its value);
 *  - a metav1.LabelSelector (matchLabels + matchExpressions with In, NotIn,
 *    Exists, DoesNotExist);
 *  - kubectl's -l string ("app=web,tier!=db,env in (a,b),!legacy").
 * Requirements are ANDed. A selector with no requirements matches
 * everything (LabelSelector semantics); callers that must treat an empty
 * Service selector as "no selector" check nreq themselves.
 *
 * Labels are kept sorted by key (struct nd_labels), strings interned, so a
 * match is pointer comparisons.
 */
#include <stdbool.h>
#include <stdint.h>

struct nd_arena;
struct nd_intern;
struct nd_err;
struct nd_json;

struct nd_kv {
	const char *k;
	const char *v;
};

/* Labels of an object: n pairs sorted by key (pointer order is not used). */
struct nd_labels {
	uint32_t n;
	struct nd_kv *kv;
};

enum nd_selop {
	ND_SEL_IN = 0,        /* key in (vals); "k=v" and "k==v" are IN with one value */
	ND_SEL_NOTIN,         /* key notin (vals); "k!=v"; true when the key is absent */
	ND_SEL_EXISTS,        /* "k" */
	ND_SEL_NOTEXISTS,     /* "!k" */
	ND_SEL_GT,            /* "k>5" / "Gt" (node affinity only; integer compare) */
	ND_SEL_LT,
};

struct nd_selreq {
	const char *key;
	uint8_t op;           /* enum nd_selop */
	uint32_t nvals;
	const char **vals;
};

struct nd_selector {
	uint32_t nreq;
	struct nd_selreq *req;
};

/* Value of key in labels (key must be interned in the same table), or NULL. */
const char *nd_labels_get(const struct nd_labels *l, const char *key);
bool nd_selector_matches(const struct nd_selector *s, const struct nd_labels *l);

/*
 * Decode, interning strings in t and allocating from a:
 *  - from a JSON map {"k": "v", ...}: every pair an IN requirement;
 *  - from a LabelSelector object {matchLabels, matchExpressions}.
 * Return 0 or -1 with e filled (a value of the wrong type, an unknown
 * operator, In/NotIn without values, Exists with values).
 */
int nd_selector_from_map(const struct nd_json *map, struct nd_arena *a,
			 struct nd_intern *t, struct nd_selector *out, struct nd_err *e);
int nd_selector_from_labelselector(const struct nd_json *ls, struct nd_arena *a,
				   struct nd_intern *t, struct nd_selector *out,
				   struct nd_err *e);
/* Parse kubectl's -l syntax. Errors name the position in the string. */
int nd_selector_parse(const char *text, struct nd_arena *a, struct nd_intern *t,
		      struct nd_selector *out, struct nd_err *e);
/* Labels from a JSON map, sorted by key; non-string values are an error. */
int nd_labels_from_json(const struct nd_json *map, struct nd_arena *a,
			struct nd_intern *t, struct nd_labels *out, struct nd_err *e);

/* Text form in kubectl's syntax, for messages: "app=web,tier in (a,b)". */
char *nd_selector_string(const struct nd_selector *s, struct nd_arena *a);

#endif
