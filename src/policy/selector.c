/* SPDX-License-Identifier: MIT */
#include "policy/selector.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/banned.h"

/*
 * Behaviour follows k8s.io/apimachinery/pkg/labels (Parse, Requirement,
 * NewRequirement) and metav1.LabelSelectorAsSelector, re-implemented here:
 *  - values of In/NotIn are a set: sorted and deduplicated;
 *  - requirements are sorted by key (stably: equal keys keep their order);
 *  - a JSON null where a map or list is expected reads as empty, as Go's
 *    encoding/json does; a duplicate JSON key: the last one wins;
 *  - from_map does not validate keys (Services use AsSelectorPreValidated),
 *    from_labelselector and parse do (NewRequirement).
 * Keys and values are compared with strcmp after a pointer check, so a
 * selector and labels interned in different tables still compare right.
 */

#define QNAME_MAX 63
#define DNS_SUBDOMAIN_MAX 253
#define ERR_TEXT_MAX 200

/* ---- small helpers ---- */

static bool streq(const char *a, const char *b)
{
	return a == b || strcmp(a, b) == 0;
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* strconv.ParseInt(s, 10, 64): optional sign, decimal digits, no spaces. */
static bool parse_int64(const char *s, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0, lim;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!*s)
		return false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d = (unsigned char)*s - '0';

		if (d > 9 || v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? of n bytes (n > 0). */
static bool qname_chars(const char *s, size_t n)
{
	if (!is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

/* RFC 1123 subdomain: dot-separated [a-z0-9]([-a-z0-9]*[a-z0-9])?, <= 253. */
static bool dns_subdomain(const char *s, size_t n)
{
	size_t start = 0;

	if (n > DNS_SUBDOMAIN_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (i == start || s[start] == '-' || s[i - 1] == '-')
				return false;
			start = i + 1;
		} else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
			return false;
		}
	}
	return true;
}

/* Why key is not a qualified name (validation.IsQualifiedName), or NULL. */
static const char *key_problem(const char *k)
{
	const char *slash = strchr(k, '/');
	const char *name = k;

	if (slash) {
		if (strchr(slash + 1, '/'))
			return "a key is a name with an optional DNS subdomain prefix and one '/'";
		if (slash == k)
			return "prefix part must not be empty";
		if (!dns_subdomain(k, (size_t)(slash - k)))
			return "prefix part must be a lowercase DNS subdomain of at most 253 characters";
		name = slash + 1;
	}
	if (!*name)
		return "name part must not be empty";
	if (strlen(name) > QNAME_MAX)
		return "name part must be at most 63 characters";
	if (!qname_chars(name, strlen(name)))
		return "name part must be alphanumerics, '-', '_' or '.', "
		       "starting and ending with an alphanumeric";
	return NULL;
}

/* Why v is not a label value (validation.IsValidLabelValue), or NULL. */
static const char *value_problem(const char *v)
{
	size_t n = strlen(v);

	if (n > QNAME_MAX)
		return "a value must be at most 63 characters";
	if (n && !qname_chars(v, n))
		return "a value must be empty or alphanumerics, '-', '_' or '.', "
		       "starting and ending with an alphanumeric";
	return NULL;
}

/* Set semantics for In/NotIn: sort, drop duplicates, copy into the arena. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void set_vals(struct nd_selreq *r, const char **vals, uint32_t n, struct nd_arena *a)
{
	uint32_t m = 0;

	r->nvals = 0;
	r->vals = NULL;
	if (!n)
		return;
	qsort(vals, n, sizeof(*vals), cmp_str);
	r->vals = nd_arena_alloc(a, n * sizeof(*r->vals));
	for (uint32_t i = 0; i < n; i++)
		if (!m || !streq(r->vals[m - 1], vals[i]))
			r->vals[m++] = vals[i];
	r->nvals = m;
}

/* Stable sort by key: equal keys compare by address, i.e. input order. */
static int cmp_req(const void *a, const void *b)
{
	const struct nd_selreq *x = *(const struct nd_selreq *const *)a;
	const struct nd_selreq *y = *(const struct nd_selreq *const *)b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x < y ? -1 : x > y);
}

/* Sort reqs[0..n) by key into out (arena); reqs itself is left alone. */
static void finish(struct nd_selector *out, const struct nd_selreq *reqs, uint32_t n,
		   struct nd_arena *a)
{
	const struct nd_selreq **p;

	out->nreq = n;
	out->req = NULL;
	if (!n)
		return;
	p = nd_xmalloc(n * sizeof(*p));
	for (uint32_t i = 0; i < n; i++)
		p[i] = &reqs[i];
	qsort(p, n, sizeof(*p), cmp_req);
	out->req = nd_arena_alloc(a, n * sizeof(*out->req));
	for (uint32_t i = 0; i < n; i++)
		out->req[i] = *p[i];
	free(p);
}

/* ---- labels and matching ---- */

const char *nd_labels_get(const struct nd_labels *l, const char *key)
{
	uint32_t lo = 0, hi = l ? l->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = l->kv[mid].k == key ? 0 : strcmp(key, l->kv[mid].k);

		if (!c)
			return l->kv[mid].v;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static bool has_value(const struct nd_selreq *r, const char *v)
{
	for (uint32_t i = 0; i < r->nvals; i++)
		if (streq(r->vals[i], v))
			return true;
	return false;
}

static bool req_matches(const struct nd_selreq *r, const struct nd_labels *l)
{
	const char *v = nd_labels_get(l, r->key);
	int64_t have, want;

	switch (r->op) {
	case ND_SEL_IN:
		return v && has_value(r, v);
	case ND_SEL_NOTIN:
		return !v || !has_value(r, v);
	case ND_SEL_EXISTS:
		return v != NULL;
	case ND_SEL_NOTEXISTS:
		return v == NULL;
	case ND_SEL_GT:
	case ND_SEL_LT:
		if (!v || r->nvals != 1 || !parse_int64(v, &have) ||
		    !parse_int64(r->vals[0], &want))
			return false;
		return r->op == ND_SEL_GT ? have > want : have < want;
	}
	return false;
}

bool nd_selector_matches(const struct nd_selector *s, const struct nd_labels *l)
{
	for (uint32_t i = 0; i < s->nreq; i++)
		if (!req_matches(&s->req[i], l))
			return false;
	return true;
}

/* ---- JSON decoding ---- */

struct kvi {
	const char *k, *v;
	uint32_t i;
};

static int cmp_kvi(const void *a, const void *b)
{
	const struct kvi *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/*
 * A JSON map of strings, interned, sorted by key, last duplicate kept.
 * what names the map in messages. NULL or JSON null is an empty map.
 */
static int string_map(const struct nd_json *map, const char *what, struct nd_arena *a,
		      struct nd_intern *t, struct nd_kv **kv, uint32_t *n, struct nd_err *e)
{
	struct kvi *tmp;
	uint32_t m = 0;

	*kv = NULL;
	*n = 0;
	if (!map || map->type == ND_JNULL)
		return 0;
	if (map->type != ND_JOBJ)
		return nd_err_set(e, "%s is %s, want an object of strings", what,
				  nd_json_type_name(map->type));
	if (!map->n)
		return 0;
	for (uint32_t i = 0; i < map->n; i++) {
		const struct nd_jmember *mb = &map->u.members[i];

		if (mb->val.type != ND_JSTR)
			return nd_err_set(e, "%s: value of '%.*s' is %s, want a string", what,
					  ERR_TEXT_MAX, mb->key, nd_json_type_name(mb->val.type));
	}
	tmp = nd_xmalloc(map->n * sizeof(*tmp));
	for (uint32_t i = 0; i < map->n; i++) {
		const struct nd_jmember *mb = &map->u.members[i];

		tmp[i].k = nd_intern(t, mb->key, mb->klen);
		tmp[i].v = nd_intern(t, mb->val.u.s, mb->val.n);
		tmp[i].i = i;
	}
	qsort(tmp, map->n, sizeof(*tmp), cmp_kvi);
	*kv = nd_arena_alloc(a, map->n * sizeof(**kv));
	for (uint32_t i = 0; i < map->n; i++) {
		if (m && streq((*kv)[m - 1].k, tmp[i].k))
			m--;            /* the later duplicate replaces the earlier */
		(*kv)[m].k = tmp[i].k;
		(*kv)[m++].v = tmp[i].v;
	}
	*n = m;
	free(tmp);
	return 0;
}

int nd_labels_from_json(const struct nd_json *map, struct nd_arena *a,
			struct nd_intern *t, struct nd_labels *out, struct nd_err *e)
{
	return string_map(map, "labels", a, t, &out->kv, &out->n, e);
}

/* One In requirement per pair; the pairs come sorted and unique. */
static void map_reqs(const struct nd_kv *kv, uint32_t n, struct nd_selreq *r,
		     struct nd_arena *a)
{
	for (uint32_t i = 0; i < n; i++) {
		r[i].key = kv[i].k;
		r[i].op = ND_SEL_IN;
		r[i].nvals = 1;
		r[i].vals = nd_arena_alloc(a, sizeof(*r[i].vals));
		r[i].vals[0] = kv[i].v;
	}
}

int nd_selector_from_map(const struct nd_json *map, struct nd_arena *a,
			 struct nd_intern *t, struct nd_selector *out, struct nd_err *e)
{
	struct nd_kv *kv;
	uint32_t n;

	out->nreq = 0;
	out->req = NULL;
	if (string_map(map, "selector", a, t, &kv, &n, e) < 0)
		return -1;
	if (n) {
		out->req = nd_arena_alloc(a, n * sizeof(*out->req));
		map_reqs(kv, n, out->req, a);
		out->nreq = n;
	}
	return 0;
}

static const struct {
	const char *name;
	uint8_t op;
} ls_ops[] = {
	{ "In", ND_SEL_IN },
	{ "NotIn", ND_SEL_NOTIN },
	{ "Exists", ND_SEL_EXISTS },
	{ "DoesNotExist", ND_SEL_NOTEXISTS },
};

/* One matchExpressions item into r (values on the heap scratch *vals). */
static int ls_expr(const struct nd_json *x, uint32_t idx, struct nd_arena *a,
		   struct nd_intern *t, struct nd_selreq *r, struct nd_err *e)
{
	const struct nd_json *key = nd_json_get(x, "key");
	const struct nd_json *op = nd_json_get(x, "operator");
	const struct nd_json *vs = nd_json_get(x, "values");
	const char **vals = NULL, *why;
	uint32_t nv = 0, k;
	int rc = -1;

	if (x->type != ND_JOBJ)
		return nd_err_set(e, "matchExpressions[%u] is %s, want an object", idx,
				  nd_json_type_name(x->type));
	if ((key && key->type != ND_JSTR && key->type != ND_JNULL) ||
	    (op && op->type != ND_JSTR && op->type != ND_JNULL))
		return nd_err_set(e, "matchExpressions[%u]: 'key' and 'operator' must be strings",
				  idx);
	if (vs && vs->type != ND_JARR && vs->type != ND_JNULL)
		return nd_err_set(e, "matchExpressions[%u]: 'values' is %s, want an array",
				  idx, nd_json_type_name(vs->type));
	r->key = nd_intern(t, key && key->type == ND_JSTR ? key->u.s : "",
			   key && key->type == ND_JSTR ? key->n : 0);
	if ((why = key_problem(r->key)))
		return nd_err_set(e, "matchExpressions[%u]: invalid key '%.*s': %s", idx,
				  ERR_TEXT_MAX, r->key, why);
	for (k = 0; k < sizeof(ls_ops) / sizeof(ls_ops[0]); k++)
		if (op && op->type == ND_JSTR && strcmp(op->u.s, ls_ops[k].name) == 0)
			break;
	if (k == sizeof(ls_ops) / sizeof(ls_ops[0]))
		return nd_err_set(e, "matchExpressions[%u]: operator '%.*s' is not In, NotIn, "
				  "Exists or DoesNotExist", idx, ERR_TEXT_MAX,
				  op && op->type == ND_JSTR ? op->u.s : "");
	r->op = ls_ops[k].op;
	if (vs && vs->type == ND_JARR && vs->n) {
		vals = nd_xmalloc(vs->n * sizeof(*vals));
		for (nv = 0; nv < vs->n; nv++) {
			const struct nd_json *v = &vs->u.items[nv];

			if (v->type != ND_JSTR) {
				nd_err_set(e, "matchExpressions[%u]: values[%u] is %s, want a string",
					   idx, nv, nd_json_type_name(v->type));
				goto out;
			}
			if ((why = value_problem(v->u.s))) {
				nd_err_set(e, "matchExpressions[%u]: invalid value '%.*s': %s", idx,
					   ERR_TEXT_MAX, v->u.s, why);
				goto out;
			}
			vals[nv] = nd_intern(t, v->u.s, v->n);
		}
	}
	if ((r->op == ND_SEL_IN || r->op == ND_SEL_NOTIN) && !nv) {
		nd_err_set(e, "matchExpressions[%u]: operator %s needs at least one value", idx,
			   ls_ops[k].name);
		goto out;
	}
	if ((r->op == ND_SEL_EXISTS || r->op == ND_SEL_NOTEXISTS) && nv) {
		nd_err_set(e, "matchExpressions[%u]: operator %s takes no values", idx,
			   ls_ops[k].name);
		goto out;
	}
	set_vals(r, vals, nv, a);
	rc = 0;
out:
	free(vals);
	return rc;
}

int nd_selector_from_labelselector(const struct nd_json *ls, struct nd_arena *a,
				   struct nd_intern *t, struct nd_selector *out,
				   struct nd_err *e)
{
	const struct nd_json *ml, *me;
	struct nd_selreq *reqs = NULL;
	struct nd_kv *kv;
	uint32_t nkv, nme = 0, n = 0;
	const char *why;
	int rc = -1;

	out->nreq = 0;
	out->req = NULL;
	if (!ls || ls->type != ND_JOBJ)
		return nd_err_set(e, "label selector is %s, want an object",
				  ls ? nd_json_type_name(ls->type) : "missing");
	ml = nd_json_get(ls, "matchLabels");
	me = nd_json_get(ls, "matchExpressions");
	if (string_map(ml, "matchLabels", a, t, &kv, &nkv, e) < 0)
		return -1;
	if (me && me->type != ND_JARR && me->type != ND_JNULL)
		return nd_err_set(e, "matchExpressions is %s, want an array",
				  nd_json_type_name(me->type));
	if (me && me->type == ND_JARR)
		nme = me->n;
	if (!nkv && !nme)
		return 0;
	for (uint32_t i = 0; i < nkv; i++) {
		if ((why = key_problem(kv[i].k)))
			return nd_err_set(e, "matchLabels: invalid key '%.*s': %s",
					  ERR_TEXT_MAX, kv[i].k, why);
		if ((why = value_problem(kv[i].v)))
			return nd_err_set(e, "matchLabels: invalid value '%.*s' of '%.*s': %s",
					  ERR_TEXT_MAX, kv[i].v, ERR_TEXT_MAX, kv[i].k, why);
	}
	reqs = nd_xcalloc((size_t)nkv + nme, sizeof(*reqs));
	map_reqs(kv, nkv, reqs, a);
	for (n = nkv; n < nkv + nme; n++)
		if (ls_expr(&me->u.items[n - nkv], n - nkv, a, t, &reqs[n], e) < 0)
			goto out;
	finish(out, reqs, n, a);
	rc = 0;
out:
	free(reqs);
	return rc;
}
