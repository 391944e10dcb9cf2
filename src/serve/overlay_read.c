/* SPDX-License-Identifier: MIT */
/* serve --writable: get and list over the bundle and the created objects (overlay.h). */
#include "serve/overlay.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/num.h"
#include "k8s/labels.h"
#include "serve/api.h"
#include "serve/overlay_int.h"
#include "serve/select.h"
#include "serve/store.h"
#include "serve/table.h"
#include "core/banned.h"

/* ---- get and list ---- */

static void table_or_json(struct nd_overlay *ov, const struct nd_api_req *rq,
			  const struct nd_sres *r, char **raw, size_t *len, size_t n,
			  const char *cont, bool list, struct nd_api_resp *out)
{
	const char *version = nd_table_wanted(rq->accept);
	struct nd_buf b;
	size_t i, blen;
	char *p;

	nd_buf_init(&b, 256u << 20);
	if (version) {
		enum nd_table_include inc;

		if (nd_table_include_parse(rq->include_object, &inc) < 0) {
			nd_buf_release(&b);
			nd_ov_status(out, 400, "BadRequest", NULL, NULL, "includeObject must be one of None, "
			       "Metadata or Object, not '%s'", rq->include_object);
			return;
		}
		if (nd_table_write_raw(&b, r, (const char *const *)raw, len, n, version, inc, cont,
				       ov->rv, ov->s->collected_at) < 0) {
			nd_buf_release(&b);
			nd_ov_status(out, 500, "InternalError", NULL, NULL, "the table of %s could not be "
			       "made", r->plural);
			return;
		}
	} else if (!list) {
		nd_buf_add(&b, raw[0], len[0]);
	} else {
		nd_buf_printf(&b, "{\"kind\":\"%sList\",\"apiVersion\":", r->kind);
		if (r->group[0])
			nd_buf_printf(&b, "\"%s/%s\"", r->group, r->version);
		else
			nd_buf_cstr(&b, r->version);
		nd_buf_printf(&b, ",\"metadata\":{\"resourceVersion\":\"%llu\"",
			      (unsigned long long)ov->rv);
		if (cont) {
			nd_buf_key(&b, true, "continue");
			nd_buf_cstr(&b, cont);
		}
		nd_buf_adds(&b, "},\"items\":[");
		for (i = 0; i < n; i++) {
			if (i)
				nd_buf_addc(&b, ',');
			nd_buf_add(&b, raw[i], len[i]);
		}
		nd_buf_adds(&b, "]}");
	}
	if (b.toobig) {
		nd_buf_release(&b);
		nd_ov_status(out, 500, "InternalError", NULL, NULL, "the answer is too large");
		return;
	}
	p = nd_buf_detach(&b, &blen);
	out->code = 200;
	out->content_type = "application/json";
	out->body = nd_body_bytes(p, blen);
}

bool nd_overlay_get(struct nd_overlay *ov, const struct nd_api_req *rq,
		    const struct nd_sres *r, const char *ns, const char *name,
		    struct nd_api_resp *out)
{
	bool found;
	size_t at, len;
	char *raw;

	pthread_mutex_lock(&ov->mu);
	nd_ov_sweep(ov);
	at = nd_ov_find(ov, r, r->namespaced ? ns : "", name, &found);
	if (!found) {
		pthread_mutex_unlock(&ov->mu);
		return false;
	}
	len = ov->v[at].len;
	raw = nd_xmalloc(len + 1);
	memcpy(raw, ov->v[at].json, len);
	raw[len] = '\0';
	pthread_mutex_unlock(&ov->mu);
	memset(out, 0, sizeof(*out));
	table_or_json(ov, rq, r, &raw, &len, 1, NULL, false, out);
	free(raw);
	return true;
}

/* The value of field label key in obj, as the store reads them ("" when absent). */
static const char *field_of(const struct nd_sres *r, const struct nd_json *obj, const char *key)
{
	const struct nd_json *v = obj;
	char path[256], part[128];
	const char *p;
	bool boolean = false;

	snprintf(path, sizeof(path), "%s", key);
	for (uint32_t i = 0; i < r->nfields; i++) {
		const char *f = r->fields[i], *eq;

		boolean = f[0] == '!';
		f += boolean;
		eq = strchr(f, '=');
		if ((eq && (size_t)(eq - f) == strlen(key) && strncmp(f, key, strlen(key)) == 0) ||
		    (!eq && strcmp(f, key) == 0)) {
			if (eq)
				snprintf(path, sizeof(path), "%s", eq + 1);
			break;
		}
		boolean = false;
	}
	for (p = path; v && *p;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n >= sizeof(part))
			return "";
		memcpy(part, p, n);
		part[n] = '\0';
		v = nd_json_get(v, part);
		p += n + (dot ? 1 : 0);
	}
	if (v && (v->type == ND_JSTR || v->type == ND_JNUM))
		return v->u.s;
	if (v && v->type == ND_JTRUE)
		return "true";
	return boolean || (v && v->type == ND_JFALSE) ? "false" : "";
}

static bool fsel_matches(const struct nd_sres *r, const struct nd_json *obj,
			 const struct nd_fsel *f)
{
	for (uint32_t i = 0; i < f->n; i++) {
		const char *val = field_of(r, obj, f->t[i].key);

		if ((strcmp(val, f->t[i].val) == 0) == f->t[i].neg)
			return false;
	}
	return true;
}

struct entry {
	const char *ns, *name;
	char *raw;
	size_t len;
};

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = strcmp(a->ns, b->ns);

	return c ? c : strcmp(a->name, b->name);
}

static bool selected(const struct nd_sres *r, const char *raw, size_t len,
		     const struct nd_selector *sel, const struct nd_fsel *fs, struct nd_intern *t)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_labels l = {0};
	struct nd_json obj;
	struct nd_err e;
	bool ok = false;

	if (nd_json_parse(raw, len, 0, a, &obj, &e) == 0 && obj.type == ND_JOBJ &&
	    nd_labels_from_json(nd_json_path(&obj, "metadata", "labels", NULL), a, t, &l,
				&e) == 0)
		ok = nd_selector_matches(sel, &l) && fsel_matches(r, &obj, fs);
	nd_arena_free(a);
	return ok;
}

bool nd_overlay_list(struct nd_overlay *ov, const struct nd_api_req *rq,
		     const struct nd_sres *r, const char *ns, struct nd_api_resp *out)
{
	const struct nd_store *s = ov->s;
	struct nd_arena *a;
	struct nd_intern *t;
	struct nd_selector sel;
	struct nd_fsel fs;
	struct nd_err e;
	struct entry *v = NULL;
	size_t n = 0, cap = 0, i, start = 0, end;
	uint32_t lo, hi, limit = 0, rid = nd_store_res_id(s, r);
	bool any = false, found;
	char **raw = NULL;
	size_t *len = NULL;

	pthread_mutex_lock(&ov->mu);
	nd_ov_sweep(ov);
	i = nd_ov_find(ov, r, "", "", &found);
	for (; i < ov->n && ov->v[i].r == r; i++)
		if (!ns || strcmp(ov->v[i].ns, ns) == 0)
			any = true;
	if (!any) {
		pthread_mutex_unlock(&ov->mu);
		return false;
	}
	memset(out, 0, sizeof(*out));
	a = nd_arena_new(0);
	t = nd_intern_new();
	memset(&sel, 0, sizeof(sel));
	if (rq->label_selector && *rq->label_selector &&
	    nd_selector_parse(rq->label_selector, a, t, &sel, &e) < 0) {
		pthread_mutex_unlock(&ov->mu);
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "unable to parse requirement: %s", e.msg);
		goto out;
	}
	if (nd_fsel_parse(rq->field_selector, a, &fs, &e) < 0 || nd_fsel_check(r, &fs, &e) < 0) {
		pthread_mutex_unlock(&ov->mu);
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "%s", e.msg);
		goto out;
	}
	if (rq->limit && *rq->limit &&
	    nd_parse_u32(rq->limit, strlen(rq->limit), UINT32_MAX, &limit) < 0) {
		pthread_mutex_unlock(&ov->mu);
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "limit must be a non-negative integer, "
		       "not '%s'", rq->limit);
		goto out;
	}
	if (rq->cont && *rq->cont) {
		uint32_t cres, cpos;
		uint64_t crv;

		if (nd_continue_parse(rq->cont, &cres, &cpos, &crv) < 0 || cres != rid) {
			pthread_mutex_unlock(&ov->mu);
			nd_ov_status(out, 400, "BadRequest", NULL, NULL, "continue key is not valid");
			goto out;
		}
		start = cpos;
	}
	for (i = nd_ov_find(ov, r, "", "", &found); i < ov->n && ov->v[i].r == r; i++) {
		const struct ovobj *o = &ov->v[i];

		if ((ns && strcmp(o->ns, ns) != 0) || !selected(r, o->json, o->len, &sel, &fs, t))
			continue;
		ND_GROW(v, cap, n + 1);
		v[n].raw = nd_xmalloc(o->len + 1);
		memcpy(v[n].raw, o->json, o->len);
		v[n].len = o->len;
		v[n].ns = nd_arena_strdup(a, o->ns);
		v[n].name = nd_arena_strdup(a, o->name);
		n++;
	}
	pthread_mutex_unlock(&ov->mu);
	nd_store_ns_range(s, r, ns, &lo, &hi);
	for (uint32_t k = lo; k < hi; k++) {
		const struct nd_sobj *o = &s->objs[r->objs[k]];
		char *buf = nd_xmalloc((size_t)o->len + 1);

		if (nd_store_read(s, o, 0, buf, o->len) != (long)o->len ||
		    !selected(r, buf, o->len, &sel, &fs, t)) {
			free(buf);
			continue;
		}
		ND_GROW(v, cap, n + 1);
		v[n] = (struct entry){o->ns, o->name, buf, o->len};
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_entry);
	if (start > n)
		start = n;
	end = limit && n - start > limit ? start + limit : n;
	raw = nd_xcalloc(end - start + 1, sizeof(*raw));
	len = nd_xcalloc(end - start + 1, sizeof(*len));
	for (i = start; i < end; i++) {
		raw[i - start] = v[i].raw;
		len[i - start] = v[i].len;
	}
	{
		struct nd_buf c = ND_BUF_INIT(4096);

		if (end < n)
			nd_continue_make(&c, rid, (uint32_t)end, ov->rv);
		table_or_json(ov, rq, r, raw, len, end - start, end < n ? c.p : NULL, true, out);
		nd_buf_release(&c);
	}
out:
	for (i = 0; i < n; i++)
		free(v[i].raw);
	free(v);
	free(raw);
	free(len);
	nd_intern_free(t);
	nd_arena_free(a);
	return true;
}
