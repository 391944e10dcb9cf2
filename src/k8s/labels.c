/* SPDX-License-Identifier: MIT */
#include "k8s/labels.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/banned.h"
#include "core/i18n.h"

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
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small helpers ---- */

static bool streq(const char *a, const char *b)
{
	return a == b || strcmp(a, b) == 0;
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* strconv.ParseInt(s[0..n), 10, 64): optional sign, decimal digits only. */
static bool parse_int64(const char *s, size_t n, int64_t *out)
{
	bool neg = n && (*s == '+' || *s == '-');
	uint64_t v = 0, lim = neg && *s == '-' ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	size_t i = neg;

	if (i == n)
		return false;
	for (; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = lim > (uint64_t)INT64_MAX && v ? -(int64_t)(v - 1) - 1 : (int64_t)v;
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

/* Why k[0..n) is not a qualified name (validation.IsQualifiedName), or NULL. */
static const char *key_problem(const char *k, size_t n)
{
	const char *slash = memchr(k, '/', n);
	const char *name = k;
	size_t nn = n;

	if (slash) {
		name = slash + 1;
		nn = n - (size_t)(name - k);
		if (memchr(name, '/', nn))
			return "a key is a name with an optional DNS subdomain prefix and one '/'";
		if (slash == k)
			return "prefix part must not be empty";
		if (!dns_subdomain(k, (size_t)(slash - k)))
			return "prefix part must be a lowercase DNS subdomain of at most 253 characters";
	}
	if (!nn)
		return "name part must not be empty";
	if (nn > QNAME_MAX)
		return "name part must be at most 63 characters";
	if (!qname_chars(name, nn))
		return "name part must be alphanumerics, '-', '_' or '.', "
		       "starting and ending with an alphanumeric";
	return NULL;
}

/* Why v[0..n) is not a label value (validation.IsValidLabelValue), or NULL. */
static const char *value_problem(const char *v, size_t n)
{
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

/* Pointers to reqs[0..n) in key order (heap; the caller frees). */
static const struct nd_selreq **by_key(const struct nd_selreq *reqs, uint32_t n)
{
	const struct nd_selreq **p = nd_xmalloc((n ? n : 1) * sizeof(*p));

	for (uint32_t i = 0; i < n; i++)
		p[i] = &reqs[i];
	qsort(p, n, sizeof(*p), cmp_req);
	return p;
}

/* Copy reqs[0..n) into out (arena) in key order. */
static void finish(struct nd_selector *out, const struct nd_selreq *reqs, uint32_t n,
		   struct nd_arena *a)
{
	const struct nd_selreq **p = by_key(reqs, n);

	out->nreq = n;
	out->req = n ? nd_arena_alloc(a, n * sizeof(*out->req)) : NULL;
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
		if (!v || r->nvals != 1 || !parse_int64(v, strlen(v), &have) ||
		    !parse_int64(r->vals[0], strlen(r->vals[0]), &want))
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

/* Members by key, then by address: input order, so the last duplicate is last. */
static int cmp_member(const void *a, const void *b)
{
	const struct nd_jmember *x = *(const struct nd_jmember *const *)a;
	const struct nd_jmember *y = *(const struct nd_jmember *const *)b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x < y ? -1 : x > y);
}

/*
 * A JSON map of strings, interned, sorted by key, last duplicate kept.
 * what names the map in messages. NULL or JSON null is an empty map.
 */
static int string_map(const struct nd_json *map, const char *what, struct nd_arena *a,
		      struct nd_intern *t, struct nd_kv **kv, uint32_t *n, struct nd_err *e)
{
	const struct nd_jmember **p;
	uint32_t m = 0;

	*kv = NULL;
	*n = 0;
	if (!map || map->type == ND_JNULL)
		return 0;
	if (map->type != ND_JOBJ)
		return nd_err_set(e, _("%s is %s, want an object of strings"), what,
				  nd_json_type_name(map->type));
	if (!map->n)
		return 0;
	for (uint32_t i = 0; i < map->n; i++) {
		const struct nd_jmember *mb = &map->u.members[i];

		if (mb->val.type != ND_JSTR)
			return nd_err_set(e, _("%s: value of '%.*s' is %s, want a string"), what,
					  ERR_TEXT_MAX, mb->key, nd_json_type_name(mb->val.type));
	}
	p = nd_xmalloc(map->n * sizeof(*p));
	for (uint32_t i = 0; i < map->n; i++)
		p[i] = &map->u.members[i];
	{
		/* the API server and kubectl write maps sorted: then this is the order already */
		uint32_t i = 1;

		while (i < map->n && strcmp(p[i - 1]->key, p[i]->key) <= 0)
			i++;
		if (i < map->n)
			qsort(p, map->n, sizeof(*p), cmp_member);
	}
	*kv = nd_arena_alloc(a, map->n * sizeof(**kv));
	for (uint32_t i = 0; i < map->n; i++) {
		const char *k = nd_intern(t, p[i]->key, p[i]->klen);

		if (m && (*kv)[m - 1].k == k)
			m--;            /* the later duplicate replaces the earlier */
		(*kv)[m].k = k;
		(*kv)[m++].v = nd_intern(t, p[i]->val.u.s, p[i]->val.n);
	}
	*n = m;
	free(p);
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

/* One matchExpressions item into r. */
static int ls_expr(const struct nd_json *x, uint32_t idx, struct nd_arena *a,
		   struct nd_intern *t, struct nd_selreq *r, struct nd_err *e)
{
	const struct nd_json *key, *op, *vs;
	const char **vals = NULL, *why, *ks, *os;
	uint32_t nv = 0, k;
	int rc = -1;

	if (x->type != ND_JOBJ)
		return nd_err_set(e, _("matchExpressions[%u] is %s, want an object"), idx,
				  nd_json_type_name(x->type));
	key = nd_json_get(x, "key");
	op = nd_json_get(x, "operator");
	vs = nd_json_get(x, "values");
	ks = nd_json_str(key);
	os = nd_json_str(op);
	/* absent or null reads as "", as in Go, and fails below */
	if ((key && !ks && key->type != ND_JNULL) || (op && !os && op->type != ND_JNULL))
		return nd_err_set(e, _("matchExpressions[%u]: 'key' and 'operator' must be strings"),
				  idx);
	if (vs && vs->type != ND_JARR && vs->type != ND_JNULL)
		return nd_err_set(e, _("matchExpressions[%u]: 'values' is %s, want an array"),
				  idx, nd_json_type_name(vs->type));
	r->key = nd_intern(t, ks ? ks : "", ks ? key->n : 0);
	if ((why = key_problem(r->key, nd_intern_len(r->key))))
		return nd_err_set(e, _("matchExpressions[%u]: invalid key '%.*s': %s"), idx,
				  ERR_TEXT_MAX, r->key, why);
	for (k = 0; k < NELEM(ls_ops) && !(os && strcmp(os, ls_ops[k].name) == 0); k++)
		;
	if (k == NELEM(ls_ops))
		return nd_err_set(e, _("matchExpressions[%u]: operator '%.*s' is not In, NotIn, "
				  "Exists or DoesNotExist"), idx, ERR_TEXT_MAX, os ? os : "");
	r->op = ls_ops[k].op;
	if (vs && vs->type == ND_JARR && vs->n) {
		vals = nd_xmalloc(vs->n * sizeof(*vals));
		for (nv = 0; nv < vs->n; nv++) {
			const struct nd_json *v = &vs->u.items[nv];

			if (v->type != ND_JSTR) {
				nd_err_set(e, _("matchExpressions[%u]: values[%u] is %s, want a string"),
					   idx, nv, nd_json_type_name(v->type));
				goto out;
			}
			if ((why = value_problem(v->u.s, v->n))) {
				nd_err_set(e, _("matchExpressions[%u]: invalid value '%.*s': %s"), idx,
					   ERR_TEXT_MAX, v->u.s, why);
				goto out;
			}
			vals[nv] = nd_intern(t, v->u.s, v->n);
		}
	}
	if ((r->op == ND_SEL_IN || r->op == ND_SEL_NOTIN) != (nv > 0)) {
		nd_err_set(e, _("matchExpressions[%u]: operator %s %s"), idx, ls_ops[k].name,
			   nv ? _("takes no values") : _("needs at least one value"));
		goto out;
	}
	set_vals(r, vals, nv, a);
	rc = 0;
out:
	free(vals);
	return rc;
}

/*
 * Given the LabelSelector object itself: a null or absent selector means
 * different things to different callers (metav1 makes it match nothing, a
 * NetworkPolicy peer without podSelector means all pods), so NULL or JSON
 * null here is an error and the caller decides before calling.
 */
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
		return nd_err_set(e, _("label selector is %s, want an object"),
				  ls ? nd_json_type_name(ls->type) : "missing");
	ml = nd_json_get(ls, "matchLabels");
	me = nd_json_get(ls, "matchExpressions");
	if (string_map(ml, "matchLabels", a, t, &kv, &nkv, e) < 0)
		return -1;
	if (me && me->type != ND_JARR && me->type != ND_JNULL)
		return nd_err_set(e, _("matchExpressions is %s, want an array"),
				  nd_json_type_name(me->type));
	if (me && me->type == ND_JARR)
		nme = me->n;
	if (!nkv && !nme)
		return 0;
	for (uint32_t i = 0; i < nkv; i++) {
		if ((why = key_problem(kv[i].k, nd_intern_len(kv[i].k))))
			return nd_err_set(e, _("matchLabels: invalid key '%.*s': %s"),
					  ERR_TEXT_MAX, kv[i].k, why);
		if ((why = value_problem(kv[i].v, nd_intern_len(kv[i].v))))
			return nd_err_set(e, _("matchLabels: invalid value '%.*s' of '%.*s': %s"),
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

/* ---- kubectl -l syntax (labels.Parse) ---- */

enum tok_type { T_END, T_ID, T_NOT, T_NEQ, T_EQ, T_DEQ, T_IN, T_NOTIN, T_LPAR, T_RPAR,
		T_COMMA, T_GT, T_LT };

struct tok {
	enum tok_type type;
	size_t off, len;
};

struct parser {
	const char *s;
	size_t pos;
	struct nd_arena *a;
	struct nd_intern *t;
	struct nd_err *e;
	const char **vals;      /* scratch: one requirement's values */
	size_t nvals, capvals;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * One token. Where a key or value is expected ("values"), the keywords
 * in/notin are plain identifiers, so "in in (in)" is valid, as in Go.
 */
static struct tok lex(struct parser *p, bool values)
{
	const char *s = p->s;
	struct tok k = { T_END, 0, 0 };
	size_t i;

	while (is_space(s[p->pos]))
		p->pos++;
	i = k.off = p->pos;
	switch (s[i]) {
	case '\0': return k;
	case '!': k.type = s[i + 1] == '=' ? T_NEQ : T_NOT; break;
	case '=': k.type = s[i + 1] == '=' ? T_DEQ : T_EQ; break;
	case '(': k.type = T_LPAR; break;
	case ')': k.type = T_RPAR; break;
	case ',': k.type = T_COMMA; break;
	case '>': k.type = T_GT; break;
	case '<': k.type = T_LT; break;
	default:
		while (s[i] && !is_space(s[i]) && !strchr("=!(),><", s[i]))
			i++;
		k.type = T_ID;
		k.len = i - k.off;
		if (!values && k.len == 2 && memcmp(s + k.off, "in", 2) == 0)
			k.type = T_IN;
		else if (!values && k.len == 5 && memcmp(s + k.off, "notin", 5) == 0)
			k.type = T_NOTIN;
		p->pos = i;
		return k;
	}
	k.len = k.type == T_NEQ || k.type == T_DEQ ? 2 : 1;
	p->pos += k.len;
	return k;
}

static struct tok peek(struct parser *p, bool values)
{
	size_t pos = p->pos;
	struct tok k = lex(p, values);

	p->pos = pos;
	return k;
}

/* "invalid selector 'TEXT': WHAT at position N", N counted from 1. */
__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, size_t off, const char *fmt, ...)
{
	char what[ERR_TEXT_MAX * 2 + 256];
	size_t n = strlen(p->s);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return nd_err_set(p->e, _("invalid selector '%.*s%s': %s at position %zu"),
			  ERR_TEXT_MAX, p->s, n > ERR_TEXT_MAX ? "..." : "", what, off + 1);
}

#define TOKTEXT(p, k) (int)((k).len > ERR_TEXT_MAX ? ERR_TEXT_MAX : (k).len), (p)->s + (k).off

static int expected(struct parser *p, struct tok k, const char *what)
{
	if (k.type == T_END)
		return perr(p, k.off, "expected %s", what);
	return perr(p, k.off, "expected %s, found '%.*s'", what, TOKTEXT(p, k));
}

/* Check and keep one value token (empty for "k=" and the commas of "(,)"). */
static int add_value(struct parser *p, struct tok k, uint8_t op)
{
	const char *why;
	int64_t ignored;

	if ((op == ND_SEL_GT || op == ND_SEL_LT) && !parse_int64(p->s + k.off, k.len, &ignored))
		return perr(p, k.off, "value '%.*s' of '%c' must be an integer", TOKTEXT(p, k),
			    op == ND_SEL_GT ? '>' : '<');
	if ((why = value_problem(p->s + k.off, k.len)))
		return perr(p, k.off, "invalid value '%.*s': %s", TOKTEXT(p, k), why);
	ND_GROW(p->vals, p->capvals, p->nvals + 1);
	p->vals[p->nvals++] = nd_intern(p->t, p->s + k.off, k.len);
	return 0;
}

/* The "(a,b)" of in/notin, with Go's quirks: "()" and "(a,)" hold "". */
static int parse_list(struct parser *p, uint8_t op)
{
	struct tok k = lex(p, true), la, empty = { T_ID, 0, 0 };

	if (k.type != T_LPAR)
		return expected(p, k, "'('");
	la = peek(p, true);
	if (la.type != T_ID && la.type != T_COMMA && la.type != T_RPAR)
		return expected(p, la, "a value, ',' or ')'");
	while (la.type != T_RPAR) {
		k = lex(p, true);
		empty.off = k.off;
		if (k.type == T_ID) {
			if (add_value(p, k, op) < 0)
				return -1;
			la = peek(p, true);
			if (la.type != T_COMMA && la.type != T_RPAR)
				return expected(p, la, la.type == T_END ? "')'" : "',' or ')'");
		} else if (k.type == T_COMMA) {
			/* "(,": "" ; ",)": "" ; ",,": "" and the next ',' goes round */
			la = peek(p, true);
			if ((!p->nvals || la.type == T_RPAR || la.type == T_COMMA) &&
			    add_value(p, empty, op) < 0)
				return -1;
		} else {
			return expected(p, k, "a value, ',' or ')'");
		}
	}
	la = lex(p, true);   /* the ')' */
	if (!p->nvals) {
		empty.off = la.off;
		return add_value(p, empty, op);
	}
	return 0;
}

static int parse_req(struct parser *p, struct nd_selreq *r)
{
	struct tok k = lex(p, true), la;
	bool bang = k.type == T_NOT;
	const char *why;

	p->nvals = 0;
	if (bang)
		k = lex(p, true);
	if (k.type != T_ID)
		return expected(p, k, "a label key");
	if ((why = key_problem(p->s + k.off, k.len)))
		return perr(p, k.off, "invalid key '%.*s': %s", TOKTEXT(p, k), why);
	r->key = nd_intern(p->t, p->s + k.off, k.len);
	la = peek(p, true);
	if (bang || la.type == T_END || la.type == T_COMMA) {
		/* "!k=v" fails in the caller, on the '=' */
		r->op = bang ? ND_SEL_NOTEXISTS : ND_SEL_EXISTS;
		return 0;
	}
	k = lex(p, false);
	switch (k.type) {
	case T_EQ: case T_DEQ: r->op = ND_SEL_IN; break;
	case T_NEQ: r->op = ND_SEL_NOTIN; break;
	case T_GT: r->op = ND_SEL_GT; break;
	case T_LT: r->op = ND_SEL_LT; break;
	case T_IN: case T_NOTIN:
		r->op = k.type == T_IN ? ND_SEL_IN : ND_SEL_NOTIN;
		if (parse_list(p, r->op) < 0)
			return -1;
		set_vals(r, p->vals, (uint32_t)p->nvals, p->a);
		return 0;
	default:
		return expected(p, k, "an operator ('=', '==', '!=', 'in', 'notin', '>' or '<')");
	}
	la = peek(p, true);
	if (la.type == T_END || la.type == T_COMMA)
		la.len = 0;     /* "k=" is k in ("") */
	else if ((la = lex(p, true)).type != T_ID)
		return expected(p, la, "a value");
	if (add_value(p, la, r->op) < 0)
		return -1;
	set_vals(r, p->vals, 1, p->a);
	return 0;
}

int nd_selector_parse(const char *text, struct nd_arena *a, struct nd_intern *t,
		      struct nd_selector *out, struct nd_err *e)
{
	struct parser p = { .s = text, .a = a, .t = t, .e = e };
	struct nd_selreq *reqs = NULL;
	size_t n = 0, cap = 0;
	struct tok k = peek(&p, true);
	int rc = -1;

	out->nreq = 0;
	out->req = NULL;
	while (k.type != T_END || n) {
		if (k.type != T_ID && k.type != T_NOT) {
			expected(&p, k, n ? "a label key or '!' after ','" :
				 "a label key, '!' or end of string");
			goto out;
		}
		ND_GROW(reqs, cap, n + 1);
		memset(&reqs[n], 0, sizeof(reqs[n]));
		if (parse_req(&p, &reqs[n++]) < 0)
			goto out;
		k = lex(&p, true);
		if (k.type == T_END)
			break;
		if (k.type != T_COMMA) {
			expected(&p, k, "',' or end of string");
			goto out;
		}
		k = peek(&p, true);
	}
	finish(out, reqs, (uint32_t)n, a);
	rc = 0;
out:
	free(reqs);
	free(p.vals);
	return rc;
}

/* ---- text form ---- */

struct sb {
	char *p;        /* NULL on the counting pass */
	size_t n;
};

static void put(struct sb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->p)
		memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void put_req(struct sb *b, const struct nd_selreq *r, const char **vals)
{
	static const char *const op1[] = { "=", "!=", "", "", ">", "<" };
	static const char *const opn[] = { " in (", " notin (", "", "", ">", "<" };
	bool list = (r->op == ND_SEL_IN || r->op == ND_SEL_NOTIN) && r->nvals != 1;

	put(b, r->op == ND_SEL_NOTEXISTS ? "!" : "");
	put(b, r->key);
	if (r->op == ND_SEL_EXISTS || r->op == ND_SEL_NOTEXISTS || r->op > ND_SEL_LT)
		return;
	put(b, list ? opn[r->op] : op1[r->op]);
	for (uint32_t i = 0; i < r->nvals; i++) {
		put(b, i ? "," : "");
		put(b, vals[i]);
	}
	put(b, list ? ")" : "");
}

char *nd_selector_string(const struct nd_selector *s, struct nd_arena *a)
{
	const struct nd_selreq **order;
	const char **vals = NULL;
	struct sb b = { NULL, 0 };
	uint32_t n = s ? s->nreq : 0;
	size_t cap = 0;

	if (!n)
		return nd_arena_strdup(a, "");
	order = by_key(s->req, n);
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			b.p = nd_arena_alloc(a, b.n + 1);
			b.n = 0;
		}
		for (uint32_t i = 0; i < n; i++) {
			ND_GROW(vals, cap, (size_t)order[i]->nvals + 1);
			if (order[i]->nvals)
				memcpy(vals, order[i]->vals, order[i]->nvals * sizeof(*vals));
			qsort(vals, order[i]->nvals, sizeof(*vals), cmp_str);
			put(&b, i ? "," : "");
			put_req(&b, order[i], vals);
		}
	}
	b.p[b.n] = '\0';
	free(order);
	free(vals);
	return b.p;
}
