/* SPDX-License-Identifier: MIT */
#include "serve/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "serve/store.h"
#include "serve/table_int.h"
#include "core/banned.h"

/* ---- Accept and includeObject ---- */

/* One media range "application/json;as=Table;v=v1;g=meta.k8s.io": its Table version or NULL. */
static const char *range_table(const char *p, size_t n)
{
	bool as = false, g = false;
	const char *v = NULL;
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && p[j] != ';')
			j++;
		/* parameters, spaces around them allowed */
		while (i < j && p[i] == ' ')
			i++;
		if (j - i == 8 && strncmp(p + i, "as=Table", 8) == 0)
			as = true;
		else if (j - i == 13 && strncmp(p + i, "g=meta.k8s.io", 13) == 0)
			g = true;
		else if (j - i == 4 && strncmp(p + i, "v=v1", 4) == 0)
			v = "v1";
		else if (j - i == 9 && strncmp(p + i, "v=v1beta1", 9) == 0)
			v = "v1beta1";
		i = j + 1;
	}
	return as && g && v ? v : NULL;
}

const char *nd_table_wanted(const char *accept)
{
	const char *p = accept;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *v = range_table(p, n);

		if (v)
			return v;
		/* the first range we can serve decides: plain JSON after a Table we cannot */
		while (n && p[n - 1] == ' ')
			n--;
		if ((n >= 16 && strncmp(p, "application/json", 16) == 0 &&
		     !memchr(p, ';', n)) || (n == 3 && strncmp(p, "*/*", 3) == 0))
			return NULL;
		p = e ? e + 1 : NULL;
		while (p && *p == ' ')
			p++;
	}
	return NULL;
}

int nd_table_include_parse(const char *s, enum nd_table_include *out)
{
	if (!s || !*s || strcmp(s, "Metadata") == 0)
		*out = ND_TABLE_METADATA;
	else if (strcmp(s, "Object") == 0)
		*out = ND_TABLE_OBJECT;
	else if (strcmp(s, "None") == 0)
		*out = ND_TABLE_NONE;
	else
		return -1;
	return 0;
}

/* ---- durations and times ---- */

void nd_table_duration(int64_t d, char *out, size_t outlen)
{
	int64_t m, h, dy, y;

	if (d < -1) {
		snprintf(out, outlen, "<invalid>");
		return;
	}
	if (d < 0)
		d = 0;
	if (d < 120) {
		snprintf(out, outlen, "%llds", (long long)d);
		return;
	}
	m = d / 60;
	if (m < 10) {
		if (d % 60)
			snprintf(out, outlen, "%lldm%llds", (long long)m, (long long)(d % 60));
		else
			snprintf(out, outlen, "%lldm", (long long)m);
		return;
	}
	if (m < 180) {
		snprintf(out, outlen, "%lldm", (long long)m);
		return;
	}
	h = d / 3600;
	if (h < 8) {
		if (m % 60)
			snprintf(out, outlen, "%lldh%lldm", (long long)h, (long long)(m % 60));
		else
			snprintf(out, outlen, "%lldh", (long long)h);
		return;
	}
	if (h < 48) {
		snprintf(out, outlen, "%lldh", (long long)h);
		return;
	}
	if (h < 24 * 8) {
		if (h % 24)
			snprintf(out, outlen, "%lldd%lldh", (long long)(h / 24), (long long)(h % 24));
		else
			snprintf(out, outlen, "%lldd", (long long)(h / 24));
		return;
	}
	if (h < 24 * 365 * 2) {
		snprintf(out, outlen, "%lldd", (long long)(h / 24));
		return;
	}
	y = h / 24 / 365;
	dy = (h / 24) % 365;
	if (h < 24 * 365 * 8 && dy)
		snprintf(out, outlen, "%lldy%lldd", (long long)y, (long long)dy);
	else
		snprintf(out, outlen, "%lldy", (long long)y);
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int64_t nd_ttime(const struct nd_json *ts)
{
	const char *s;
	struct tm tm = {0};
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	size_t i = 19;
	int64_t t;
	bool frac = false;

	if (!ts || ts->type != ND_JSTR || ts->n < 20)
		return 0;
	s = ts->u.s;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return 0;
	/* a fraction makes the instant later: ages are whole seconds rounded down, as Go's */
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			frac |= s[i] != '0';
	if ((s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2, &oh) && s[i + 3] == ':' &&
	    digits(s + i + 4, 2, &om)) {
		if (s[i] == '+')
			oh = -oh, om = -om;
	} else if (s[i] != 'Z' && s[i] != 'z') {
		return 0;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = (int64_t)timegm(&tm);
	return t + oh * 3600 + om * 60 + frac;
}

/* ---- cells ---- */

static void sep(struct nd_trow *t)
{
	if (t->ncells++)
		nd_buf_addc(t->b, ',');
}

void nd_tcell_str(struct nd_trow *t, const char *s)
{
	sep(t);
	nd_buf_cstr(t->b, s ? s : "");
}

void nd_tcell_int(struct nd_trow *t, int64_t i)
{
	sep(t);
	nd_buf_printf(t->b, "%lld", (long long)i);
}

void nd_tcell_bool(struct nd_trow *t, bool v)
{
	sep(t);
	nd_buf_adds(t->b, v ? "true" : "false");
}

void nd_tcell_raw(struct nd_trow *t, const char *json, size_t n)
{
	sep(t);
	nd_buf_add(t->b, json, n);
}

void nd_tcell_age(struct nd_trow *t, const struct nd_json *ts)
{
	int64_t at = nd_ttime(ts);
	char d[32];

	if (!at) {
		nd_tcell_str(t, "<unknown>");
		return;
	}
	nd_table_duration(t->now - at, d, sizeof(d));
	nd_tcell_str(t, d);
}

const char *nd_tstr(const struct nd_json *o, const char *key)
{
	const struct nd_json *v = o ? nd_json_get(o, key) : NULL;

	return v && v->type == ND_JSTR ? v->u.s : NULL;
}

int64_t nd_tint(const struct nd_json *o, const char *key, int64_t dflt)
{
	int64_t v;

	if (!o || nd_json_i64(nd_json_get(o, key), INT64_MIN, INT64_MAX, &v) < 0)
		return dflt;
	return v;
}

bool nd_ttrue(const struct nd_json *o, const char *key)
{
	const struct nd_json *v = o ? nd_json_get(o, key) : NULL;

	return v && v->type == ND_JTRUE;
}

static int cmp_members(const void *a, const void *b)
{
	const struct nd_jmember *x = *(const struct nd_jmember *const *)a;
	const struct nd_jmember *y = *(const struct nd_jmember *const *)b;

	return strcmp(x->key, y->key);
}

/* The string members of an object, sorted by key; *n gets how many (caller frees). */
static const struct nd_jmember **sorted(const struct nd_json *map, size_t *n)
{
	const struct nd_jmember **v;

	*n = 0;
	if (!map || map->type != ND_JOBJ || !map->n)
		return NULL;
	v = nd_xcalloc(map->n, sizeof(*v));
	for (uint32_t i = 0; i < map->n; i++)
		if (map->u.members[i].val.type == ND_JSTR)
			v[(*n)++] = &map->u.members[i];
	qsort(v, *n, sizeof(*v), cmp_members);
	return v;
}

void nd_tlabels(struct nd_buf *out, const struct nd_json *map)
{
	size_t n;
	const struct nd_jmember **v = sorted(map, &n);

	for (size_t i = 0; i < n; i++)
		nd_buf_printf(out, "%s%s=%s", i ? "," : "", v[i]->key, v[i]->val.u.s);
	if (!n)
		nd_buf_adds(out, "<none>");
	free(v);
}

/* A selector's requirements, as labels.Selector.String() prints them: sorted by key. */
struct req {
	const char *key;
	const char *op;          /* "=", "in", "notin", "exists", "!" */
	const char *val;         /* "=": the value */
	const struct nd_json *vals;
};

static int cmp_req(const void *a, const void *b)
{
	return strcmp(((const struct req *)a)->key, ((const struct req *)b)->key);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void nd_tselector(struct nd_buf *out, const struct nd_json *sel)
{
	const struct nd_json *ml = sel ? nd_json_get(sel, "matchLabels") : NULL;
	const struct nd_json *me = sel ? nd_json_get(sel, "matchExpressions") : NULL;
	size_t nml = ml && ml->type == ND_JOBJ ? ml->n : 0, nme = me && me->type == ND_JARR ? me->n : 0;
	struct req *r = nd_xcalloc(nml + nme + 1, sizeof(*r));
	size_t n = 0;

	for (size_t i = 0; i < nml; i++)
		if (ml->u.members[i].val.type == ND_JSTR)
			r[n++] = (struct req){ml->u.members[i].key, "=", ml->u.members[i].val.u.s, NULL};
	for (size_t i = 0; i < nme; i++) {
		const struct nd_json *e = &me->u.items[i];
		const char *k = nd_tstr(e, "key"), *op = nd_tstr(e, "operator");

		if (!k || !op)
			continue;
		r[n] = (struct req){k, NULL, NULL, nd_json_get(e, "values")};
		r[n].op = !strcmp(op, "In") ? "in" : !strcmp(op, "NotIn") ? "notin"
			  : !strcmp(op, "Exists") ? "exists" : !strcmp(op, "DoesNotExist") ? "!" : NULL;
		if (r[n].op)
			n++;
	}
	qsort(r, n, sizeof(*r), cmp_req);
	for (size_t i = 0; i < n; i++) {
		if (i)
			nd_buf_addc(out, ',');
		if (!strcmp(r[i].op, "="))
			nd_buf_printf(out, "%s=%s", r[i].key, r[i].val);
		else if (!strcmp(r[i].op, "exists"))
			nd_buf_adds(out, r[i].key);
		else if (!strcmp(r[i].op, "!"))
			nd_buf_printf(out, "!%s", r[i].key);
		else {
			const struct nd_json *vs = r[i].vals;
			size_t nv = vs && vs->type == ND_JARR ? vs->n : 0, k = 0;
			const char **sv = nd_xcalloc(nv + 1, sizeof(*sv));

			for (size_t j = 0; j < nv; j++)
				if (vs->u.items[j].type == ND_JSTR)
					sv[k++] = vs->u.items[j].u.s;
			qsort(sv, k, sizeof(*sv), cmp_str);
			nd_buf_printf(out, "%s %s (", r[i].key, r[i].op);
			for (size_t j = 0; j < k; j++)
				nd_buf_printf(out, "%s%s", j ? "," : "", sv[j]);
			nd_buf_addc(out, ')');
			free(sv);
		}
	}
	if (!n)
		nd_buf_adds(out, "<none>");
	free(r);
}

void nd_tcontainers(struct nd_buf *names, struct nd_buf *images, const struct nd_json *podspec)
{
	const struct nd_json *cs = podspec ? nd_json_get(podspec, "containers") : NULL;

	for (uint32_t i = 0; cs && cs->type == ND_JARR && i < cs->n; i++) {
		const char *n = nd_tstr(&cs->u.items[i], "name"), *im = nd_tstr(&cs->u.items[i], "image");

		nd_buf_printf(names, "%s%s", i ? "," : "", n ? n : "");
		nd_buf_printf(images, "%s%s", i ? "," : "", im ? im : "");
	}
}

/* ---- the Table ---- */

static void columns(struct nd_buf *b, const struct nd_tprinter *p)
{
	nd_buf_adds(b, "\"columnDefinitions\":[");
	for (size_t i = 0; i < p->ncols; i++) {
		const struct nd_tcol *c = &p->cols[i];

		nd_buf_adds(b, i ? ",{" : "{");
		nd_buf_key(b, false, "name");
		nd_buf_cstr(b, c->name);
		nd_buf_key(b, true, "type");
		nd_buf_cstr(b, c->type);
		nd_buf_key(b, true, "format");
		nd_buf_cstr(b, c->format ? c->format : "");
		nd_buf_key(b, true, "description");
		nd_buf_cstr(b, c->desc ? c->desc : "");
		nd_buf_printf(b, ",\"priority\":%d}", c->priority);
	}
	nd_buf_addc(b, ']');
}

/* Pods that ended carry the Completed condition, as the API server marks them. */
static void conditions(struct nd_buf *b, const struct nd_sres *r, const struct nd_json *obj)
{
	const char *phase = nd_tstr(nd_json_get(obj, "status"), "phase");

	if (strcmp(r->plural, "pods") != 0 || r->group[0] || !phase)
		return;
	if (strcmp(phase, "Succeeded") == 0)
		nd_buf_adds(b, ",\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\","
			    "\"reason\":\"Succeeded\",\"message\":\"The pod has completed "
			    "successfully.\"}]");
	else if (strcmp(phase, "Failed") == 0)
		nd_buf_adds(b, ",\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\","
			    "\"reason\":\"Failed\",\"message\":\"The pod failed.\"}]");
}

static int row(struct nd_buf *b, const struct nd_sres *r, const struct nd_tprinter *p,
	       const struct nd_tcrd *crd, const char *raw, size_t len,
	       enum nd_table_include inc, int64_t now, bool first)
{
	struct nd_arena *a;
	struct nd_json obj;
	struct nd_err e;
	struct nd_trow t = {b, now, 0};
	int rc = -1;

	a = nd_arena_new(0);
	if (nd_json_parse(raw, len, 0, a, &obj, &e) == 0 && obj.type == ND_JOBJ) {
		nd_buf_adds(b, first ? "{\"cells\":[" : ",{\"cells\":[");
		if (crd)
			nd_tcrd_row(&t, crd, &obj);
		else
			p->row(&t, &obj);
		/* a printer that missed a cell would shift every column after it */
		while (t.ncells < p->ncols)
			nd_tcell_str(&t, "");
		nd_buf_addc(b, ']');
		conditions(b, r, &obj);
		if (inc == ND_TABLE_OBJECT) {
			nd_buf_adds(b, ",\"object\":");
			nd_buf_json(b, &obj);
		} else if (inc == ND_TABLE_METADATA) {
			const struct nd_json *md = nd_json_get(&obj, "metadata");

			nd_buf_adds(b, ",\"object\":{\"kind\":\"PartialObjectMetadata\","
				    "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":");
			if (md && md->type == ND_JOBJ)
				nd_buf_json(b, md);
			else
				nd_buf_adds(b, "{}");
			nd_buf_addc(b, '}');
		}
		nd_buf_addc(b, '}');
		rc = 0;
	}
	nd_arena_free(a);
	return rc;
}

static int store_row(struct nd_buf *b, const struct nd_store *s, const struct nd_sres *r,
		     const struct nd_tprinter *p, const struct nd_tcrd *crd,
		     const struct nd_sobj *o, enum nd_table_include inc, int64_t now, bool first)
{
	char *raw = malloc(o->len ? o->len : 1);
	int rc;

	if (!raw)
		return -1;
	if (nd_store_read(s, o, 0, raw, o->len) != (long)o->len) {
		free(raw);
		return -1;
	}
	rc = row(b, r, p, crd, raw, o->len, inc, now, first);
	free(raw);
	return rc;
}

static void table_head(struct nd_buf *b, const struct nd_tprinter *p, const char *version,
		       uint64_t rv, const char *cont, uint32_t remaining)
{
	nd_buf_printf(b, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/%s\",\"metadata\":"
		      "{\"resourceVersion\":\"%llu\"", version, (unsigned long long)rv);
	if (cont) {
		nd_buf_key(b, true, "continue");
		nd_buf_cstr(b, cont);
		if (remaining)
			nd_buf_printf(b, ",\"remainingItemCount\":%u", remaining);
	}
	nd_buf_adds(b, "},");
	columns(b, p);
	nd_buf_adds(b, ",\"rows\":[");
}

int nd_table_write(struct nd_buf *b, const struct nd_store *s, const struct nd_sres *r,
		   const uint32_t *items, size_t n, const char *version,
		   enum nd_table_include inc, const char *cont, uint32_t remaining,
		   int64_t now_unix)
{
	const struct nd_tprinter *p = nd_tprinter_find(r->group, r->plural);
	struct nd_arena *ca = NULL;
	struct nd_tcrd crd;
	const struct nd_tcrd *cp = NULL;
	int rc = 0;

	/* a kind without a printer of its own: its CRD's printer columns, when the bundle has it */
	if (!p->plural[0]) {
		ca = nd_arena_new(0);
		if (nd_tcrd_find(s, r, ca, &crd) == 0) {
			p = &crd.p;
			cp = &crd;
		}
	}
	if (!now_unix)
		now_unix = (int64_t)time(NULL);
	table_head(b, p, version, s->max_rv, cont, remaining);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = store_row(b, s, r, p, cp, &s->objs[items[i]], inc, now_unix, i == 0);
	nd_buf_adds(b, "]}");
	nd_arena_free(ca);
	return rc < 0 || b->toobig ? -1 : 0;
}

/* Objects created over the bundle (serve --writable): the built-in kinds' printers only. */
int nd_table_write_raw(struct nd_buf *b, const struct nd_sres *r, const char *const *raw,
		       const size_t *len, size_t n, const char *version,
		       enum nd_table_include inc, const char *cont, uint64_t rv, int64_t now_unix)
{
	const struct nd_tprinter *p = nd_tprinter_find(r->group, r->plural);

	if (!now_unix)
		now_unix = (int64_t)time(NULL);
	table_head(b, p, version, rv, cont, 0);
	for (size_t i = 0; i < n; i++)
		if (row(b, r, p, NULL, raw[i], len[i], inc, now_unix, i == 0) < 0)
			return -1;
	nd_buf_adds(b, "]}");
	return b->toobig ? -1 : 0;
}
