/* SPDX-License-Identifier: MIT */
#include "serve/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/num.h"
#include "k8s/labels.h"
#include "serve/discovery.h"
#include "serve/openapi.h"
#include "serve/overlay.h"
#include "core/buf.h"
#include "serve/select.h"
#include "serve/store.h"
#include "serve/table.h"
#include "core/banned.h"

#define MAX_SEGS 12
#define MAX_DOC (8u << 20)      /* discovery and Status documents */

/* ---- bodies ---- */

struct nd_body {
	const struct nd_store *s;
	char *head;
	size_t hlen;
	uint32_t *items;
	size_t n;
	const char *foot;
	size_t flen;
	uint64_t total;
	uint64_t pos;             /* cursor: where the next sequential read starts */
	int phase;                /* 0 head, 1 items, 2 foot, 3 done */
	size_t item;
	uint64_t in;              /* offset inside the current part */
};

static uint64_t item_vlen(const struct nd_body *b, size_t i)
{
	return b->s->objs[b->items[i]].len + (i > 0);   /* a ',' before every item but the first */
}

static struct nd_body *body_new(const struct nd_store *s, char *head, size_t hlen,
				uint32_t *items, size_t n, const char *foot)
{
	struct nd_body *b = nd_xcalloc(1, sizeof(*b));
	size_t i;

	b->s = s;
	b->head = head;
	b->hlen = hlen;
	b->items = items;
	b->n = n;
	b->foot = foot ? foot : "";
	b->flen = strlen(b->foot);
	b->total = hlen + b->flen;
	for (i = 0; i < n; i++)
		b->total += item_vlen(b, i);
	return b;
}

struct nd_body *nd_body_bytes(char *p, size_t n)
{
	return body_new(NULL, p, n, NULL, 0, NULL);
}

uint64_t nd_body_size(const struct nd_body *b)
{
	return b->total;
}

void nd_body_free(struct nd_body *b)
{
	if (!b)
		return;
	free(b->head);
	free(b->items);
	free(b);
}

static void body_seek(struct nd_body *b, uint64_t pos)
{
	uint64_t rem;

	b->pos = pos;
	b->item = 0;
	if (pos < b->hlen) {
		b->phase = 0;
		b->in = pos;
		return;
	}
	rem = pos - b->hlen;
	for (b->item = 0; b->item < b->n; b->item++) {
		uint64_t v = item_vlen(b, b->item);

		if (rem < v) {
			b->phase = 1;
			b->in = rem;
			return;
		}
		rem -= v;
	}
	b->phase = rem < b->flen ? 2 : 3;
	b->in = rem;
}

long nd_body_read(struct nd_body *b, uint64_t pos, char *buf, size_t max)
{
	size_t w = 0;

	if (pos != b->pos)
		body_seek(b, pos);
	while (w < max && b->phase != 3) {
		if (b->phase == 0) {
			size_t k = b->hlen - (size_t)b->in;

			k = k < max - w ? k : max - w;
			if (k)
				memcpy(buf + w, b->head + b->in, k);
			w += k;
			b->in += k;
			if (b->in == b->hlen) {
				b->phase = 1;
				b->item = 0;
				b->in = 0;
			}
		} else if (b->phase == 1) {
			const struct nd_sobj *o;
			long k;

			if (b->item >= b->n) {
				b->phase = 2;
				b->in = 0;
				continue;
			}
			if (b->item > 0 && b->in == 0) {
				buf[w++] = ',';
				b->in = 1;
				continue;
			}
			o = &b->s->objs[b->items[b->item]];
			k = nd_store_read(b->s, o, b->in - (b->item > 0), buf + w, max - w);
			if (k <= 0)
				return -1;
			w += (size_t)k;
			b->in += (uint64_t)k;
			if (b->in == item_vlen(b, b->item)) {
				b->item++;
				b->in = 0;
			}
		} else {
			size_t k = b->flen - (size_t)b->in;

			k = k < max - w ? k : max - w;
			memcpy(buf + w, b->foot + b->in, k);
			w += k;
			b->in += k;
			if (b->in == b->flen)
				b->phase = 3;
		}
	}
	b->pos += w;
	return (long)w;
}

/* ---- Status ---- */

struct nd_body *nd_api_status(int code, const char *reason, const char *message,
			      const char *details_json, const char *cont)
{
	struct nd_buf b;
	size_t n;
	char *p;

	nd_buf_init(&b, MAX_DOC);
	nd_buf_adds(&b, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{");
	if (cont) {
		nd_buf_key(&b, false, "continue");
		nd_buf_cstr(&b, cont);
	}
	nd_buf_adds(&b, "},\"status\":\"Failure\",\"message\":");
	nd_buf_cstr(&b, message);
	nd_buf_adds(&b, ",\"reason\":");
	nd_buf_cstr(&b, reason);
	nd_buf_printf(&b, ",\"details\":{%s},\"code\":%d}", details_json ? details_json : "",
		       code);
	p = nd_buf_detach(&b, &n);
	return nd_body_bytes(p, n);
}

static void status(struct nd_api_resp *out, int code, const char *reason, const char *details,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void status(struct nd_api_resp *out, int code, const char *reason, const char *details,
		   const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out->code = code;
	out->content_type = "application/json";
	out->body = nd_api_status(code, reason, msg, details, NULL);
}

static void not_found_path(struct nd_api_resp *out)
{
	status(out, 404, "NotFound", NULL, "the server could not find the requested resource");
}

/* "name":..,"group":..,"kind":.. for Status details; values JSON-escaped. */
static char *details(const struct nd_sres *r, const char *name)
{
	struct nd_buf b;
	bool comma = false;

	nd_buf_init(&b, 4096);
	if (name) {
		nd_buf_key(&b, false, "name");
		nd_buf_cstr(&b, name);
		comma = true;
	}
	if (r->group[0]) {
		nd_buf_key(&b, comma, "group");
		nd_buf_cstr(&b, r->group);
		comma = true;
	}
	nd_buf_key(&b, comma, "kind");
	nd_buf_cstr(&b, r->plural);
	return nd_buf_detach(&b, NULL);
}

static void forbidden(const struct nd_api_req *rq, const struct nd_sres *r, const char *ns,
		      const char *name, struct nd_api_resp *out)
{
	char *d = details(r, name);
	char what[600], scope[400];

	if (name)
		snprintf(what, sizeof(what), "%s \"%s\"", r->plural, name);
	else
		snprintf(what, sizeof(what), "%s", r->plural);
	if (ns)
		snprintf(scope, sizeof(scope), "in the namespace \"%s\"", ns);
	else
		snprintf(scope, sizeof(scope), "at the cluster scope");
	status(out, 403, "Forbidden", d,
	       "%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s",
	       what, rq->user ? rq->user : "system:anonymous",
	       strcmp(rq->method, "POST") == 0 ? "create" : strcmp(rq->method, "DELETE") == 0
	       ? "delete" : name ? "get" : "list", r->plural, r->group, scope);
	free(d);
}

/* ---- get and list ---- */

/* A Table's ceiling: kubectl pages lists (500 per request), so a page stays far below it. */
#define MAX_TABLE (256u << 20)

/* The answer as a meta.k8s.io Table of items (taken over) instead of the objects. */
static void table(const struct nd_api *api, const struct nd_api_req *rq, const struct nd_sres *r,
		  uint32_t *items, size_t n, const char *cont, uint32_t remaining,
		  struct nd_api_resp *out)
{
	enum nd_table_include inc;
	struct nd_buf b;
	size_t len;
	char *p;

	if (nd_table_include_parse(rq->include_object, &inc) < 0) {
		free(items);
		status(out, 400, "BadRequest", NULL, "includeObject must be one of None, Metadata or "
		       "Object, not '%s'", rq->include_object);
		return;
	}
	nd_buf_init(&b, MAX_TABLE);
	if (nd_table_write(&b, api->s, r, items, n, nd_table_wanted(rq->accept), inc, cont,
			   remaining, api->s->collected_at) < 0) {
		free(items);
		nd_buf_release(&b);
		status(out, 500, "InternalError", NULL, "the table of %s could not be made (too large "
		       "or an object could not be read back)", r->plural);
		return;
	}
	free(items);
	p = nd_buf_detach(&b, &len);
	out->code = 200;
	out->content_type = "application/json";
	out->body = nd_body_bytes(p, len);
}

static void get_one(const struct nd_api *api, const struct nd_api_req *rq,
		    const struct nd_sres *r, const char *ns, const char *name,
		    struct nd_api_resp *out)
{
	const struct nd_sobj *o = nd_store_get(api->s, r, r->namespaced ? ns : "", name);
	uint32_t *items;

	if (!o) {
		char *d = details(r, name);

		status(out, 404, "NotFound", d, "%s%s%s \"%s\" not found", r->plural,
		       r->group[0] ? "." : "", r->group, name);
		free(d);
		return;
	}
	items = nd_xmalloc(sizeof(*items));
	items[0] = (uint32_t)(o - api->s->objs);
	if (nd_table_wanted(rq->accept)) {
		table(api, rq, r, items, 1, NULL, 0, out);
		return;
	}
	out->code = 200;
	out->content_type = "application/json";
	out->body = body_new(api->s, NULL, 0, items, 1, NULL);
}

static bool parse_label_selector(const char *text, struct nd_arena *a, struct nd_selector *sel,
				 struct nd_err *e)
{
	struct nd_intern *t;
	bool ok;

	memset(sel, 0, sizeof(*sel));
	if (!text || !*text)
		return true;
	if (strlen(text) > 4096) {
		nd_err_set(e, "label selector longer than 4096 bytes");
		return false;
	}
	/* a private table: the store is shared and read-only; matching compares strings */
	t = nd_intern_new();
	ok = nd_selector_parse(text, a, t, sel, e) == 0;
	if (ok) {
		uint32_t i, j;

		/* the strings must outlive the table */
		for (i = 0; i < sel->nreq; i++) {
			sel->req[i].key = nd_arena_strdup(a, sel->req[i].key);
			for (j = 0; j < sel->req[i].nvals; j++)
				sel->req[i].vals[j] = nd_arena_strdup(a, sel->req[i].vals[j]);
		}
	}
	nd_intern_free(t);
	return ok;
}

static void list(const struct nd_api *api, const struct nd_api_req *rq, const struct nd_sres *r,
		 const char *ns, struct nd_api_resp *out)
{
	const struct nd_store *s = api->s;
	uint32_t rid = nd_store_res_id(s, r), lo, hi, start, i, limit = 0, next = 0;
	struct nd_arena *a = nd_arena_new(0);
	struct nd_selector sel;
	struct nd_fsel fsel;
	struct nd_err e;
	uint32_t *items = NULL;
	size_t n = 0, cap = 0;
	bool more = false;
	struct nd_buf h;
	size_t hlen;
	char *head;

	if (!parse_label_selector(rq->label_selector, a, &sel, &e)) {
		status(out, 400, "BadRequest", NULL, "unable to parse requirement: %s", e.msg);
		goto out;
	}
	if (nd_fsel_parse(rq->field_selector, a, &fsel, &e) < 0 || nd_fsel_check(r, &fsel, &e) < 0) {
		status(out, 400, "BadRequest", NULL, "%s", e.msg);
		goto out;
	}
	if (rq->limit && *rq->limit &&
	    nd_parse_u32(rq->limit, strlen(rq->limit), UINT32_MAX, &limit) < 0) {
		status(out, 400, "BadRequest", NULL, "limit must be a non-negative integer, not '%s'",
		       rq->limit);
		goto out;
	}
	nd_store_ns_range(s, r, ns, &lo, &hi);
	start = lo;
	if (rq->cont && *rq->cont) {
		uint32_t cres, cpos;
		uint64_t crv;

		if (nd_continue_parse(rq->cont, &cres, &cpos, &crv) < 0 || cres != rid ||
		    cpos > r->nobjs) {
			status(out, 400, "BadRequest", NULL, "continue key is not valid: %s",
			       cres != rid ? "it was issued for another resource" : "malformed token");
			goto out;
		}
		start = cpos > lo ? cpos : lo;
	}
	for (i = start; i < hi; i++) {
		const struct nd_sobj *o = &s->objs[r->objs[i]];

		if (!nd_selector_matches(&sel, &o->labels) || !nd_fsel_matches(s, o, &fsel))
			continue;
		if (limit && n == limit) {
			more = true;
			next = i;
			break;
		}
		ND_GROW(items, cap, n + 1);
		items[n++] = r->objs[i];
	}
	if (nd_table_wanted(rq->accept)) {
		struct nd_buf c = ND_BUF_INIT(4096);

		if (more)
			nd_continue_make(&c, rid, next, s->max_rv);
		table(api, rq, r, items, n, more ? c.p : NULL,
		      more && !sel.nreq && !fsel.n ? hi - next : 0, out);
		nd_buf_release(&c);
		items = NULL;
		goto out;
	}
	nd_buf_init(&h, MAX_DOC);
	nd_buf_adds(&h, "{\"kind\":");
	nd_buf_printf(&h, "\"%sList\",\"apiVersion\":", r->kind);
	if (r->group[0])
		nd_buf_printf(&h, "\"%s/%s\"", r->group, r->version);
	else
		nd_buf_cstr(&h, r->version);
	nd_buf_printf(&h, ",\"metadata\":{\"resourceVersion\":\"%llu\"",
		       (unsigned long long)s->max_rv);
	if (more) {
		nd_buf_adds(&h, ",\"continue\":\"");
		nd_continue_make(&h, rid, next, s->max_rv);
		nd_buf_addc(&h, '"');
		if (!sel.nreq && !fsel.n)
			nd_buf_printf(&h, ",\"remainingItemCount\":%u", hi - next);
	}
	nd_buf_adds(&h, "},\"items\":[");
	head = nd_buf_detach(&h, &hlen);
	out->code = 200;
	out->content_type = "application/json";
	out->body = body_new(s, head, hlen, items, n, "]}");
	items = NULL;
out:
	free(items);
	nd_arena_free(a);
}

/* ---- routing ---- */

bool nd_api_public(const char *path)
{
	static const char *const pub[] = {"/version", "/version/", "/healthz", "/livez", "/readyz"};
	size_t i;

	for (i = 0; i < sizeof(pub) / sizeof(pub[0]); i++)
		if (strcmp(path, pub[i]) == 0)
			return true;
	return false;
}

static void doc(struct nd_api_resp *out, struct nd_buf *b)
{
	size_t n;
	char *p;

	if (b->toobig) {
		nd_buf_release(b);
		status(out, 500, "InternalError", NULL, "discovery document too large");
		return;
	}
	p = nd_buf_detach(b, &n);
	out->code = 200;
	out->content_type = "application/json";
	out->body = nd_body_bytes(p, n);
}

static void resource(const struct nd_api *api, const struct nd_api_req *rq, const char *group,
		     const char *version, char **rest, int nrest, struct nd_api_resp *out)
{
	const char *ns = NULL, *name, *sub;
	const struct nd_sres *r;

	if (nrest >= 3 && strcmp(rest[0], "namespaces") == 0 &&
	    !(nrest == 3 && !group[0] && (strcmp(rest[2], "status") == 0 ||
					  strcmp(rest[2], "finalize") == 0))) {
		ns = rest[1];
		rest += 2;
		nrest -= 2;
	}
	if (nrest > 3) {
		not_found_path(out);
		return;
	}
	name = nrest >= 2 ? rest[1] : NULL;
	sub = nrest >= 3 ? rest[2] : NULL;
	r = nd_store_resource(api->s, group, version, rest[0]);
	if (r && sub && strcmp(sub, "log") == 0 && !group[0] && strcmp(r->plural, "pods") == 0 &&
	    ns && name && (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0)) {
		if (!nd_store_get(api->s, r, ns, name)) {
			get_one(api, rq, r, ns, name, out);    /* the pod's 404 */
			return;
		}
		nd_api_pod_log(api, rq, ns, name, out);
		return;
	}
	if (!r || (ns && !r->namespaced) || (name && !ns && r->namespaced) ||
	    (sub && strcmp(sub, "status") != 0)) {
		not_found_path(out);
		return;
	}
	if (r->forbidden) {
		forbidden(rq, r, ns, name, out);
		return;
	}
	for (size_t i = 0; i < api->nforbid; i++)
		if (strcmp(api->forbid[i], r->plural) == 0) {
			forbidden(rq, r, ns, name, out);
			return;
		}
	if (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "DELETE") == 0) {
		if (!nd_overlay_writable(r) || sub || (strcmp(rq->method, "POST") == 0) != !name) {
			status(out, 405, "MethodNotAllowed", NULL, "the server does not allow this "
			       "method on the requested resource%s",
			       nd_overlay_writable(r) ? "" : " (netdiag serve --writable writes "
			       "namespaces, serviceaccounts, RBAC objects and daemonsets only)");
			return;
		}
		if (name)
			nd_overlay_delete(api->ov, rq, r, ns, name, out);
		else
			nd_overlay_create(api->ov, rq, r, ns, out);
		return;
	}
	if (rq->watch && (strcmp(rq->watch, "true") == 0 || strcmp(rq->watch, "1") == 0)) {
		status(out, 405, "MethodNotAllowed", NULL,
		       "watch is not supported: netdiag serve answers from a fixed bundle");
		return;
	}
	if (api->ov && name && !sub && nd_overlay_get(api->ov, rq, r, ns, name, out))
		return;
	if (api->ov && !name && nd_overlay_list(api->ov, rq, r, ns, out))
		return;
	if (name)
		get_one(api, rq, r, ns, name, out);
	else
		list(api, rq, r, ns, out);
}

void nd_api_handle(const struct nd_api *api, const struct nd_api_req *rq, struct nd_api_resp *out)
{
	char path[4096], *segs[MAX_SEGS], *p, *save = NULL;
	int n = 0;
	struct nd_buf b;

	memset(out, 0, sizeof(*out));
	if (nd_sar_path(rq->method, rq->path)) {
		nd_sar_handle(api, rq, out);
		return;
	}
	nd_buf_init(&b, MAX_DOC);
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0 &&
	    !(api->ov && (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "DELETE") == 0))) {
		status(out, 405, "MethodNotAllowed", NULL,
		       "the server does not allow this method on the requested resource");
		return;
	}
	if (strlen(rq->path) >= sizeof(path)) {
		not_found_path(out);
		return;
	}
	snprintf(path, sizeof(path), "%s", rq->path);
	for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == MAX_SEGS) {
			not_found_path(out);
			return;
		}
		segs[n++] = p;
	}
	if (n == 1 && (strcmp(segs[0], "healthz") == 0 || strcmp(segs[0], "livez") == 0 ||
		       strcmp(segs[0], "readyz") == 0)) {
		out->code = 200;
		out->content_type = "text/plain; charset=utf-8";
		out->body = nd_body_bytes(nd_xstrdup("ok"), 2);
		return;
	}
	if (n == 1 && strcmp(segs[0], "version") == 0) {
		nd_disc_version(api->s, &b);
		doc(out, &b);
		return;
	}
	if (n >= 2 && strcmp(segs[0], "openapi") == 0 && strcmp(segs[1], "v3") == 0) {
		if (n == 2)
			nd_openapi_root(api->s, &b);
		if (n == 2 ||
		    (n == 4 && strcmp(segs[2], "api") == 0 &&
		     nd_openapi_gv(api->s, "", segs[3], &b) == 0) ||
		    (n == 5 && strcmp(segs[2], "apis") == 0 &&
		     nd_openapi_gv(api->s, segs[3], segs[4], &b) == 0)) {
			doc(out, &b);
		} else {
			nd_buf_release(&b);
			not_found_path(out);
		}
		return;
	}
	if (n >= 1 && strcmp(segs[0], "api") == 0) {
		if (n == 1) {
			nd_disc_api(api->s, api->server ? api->server : "", &b);
			doc(out, &b);
		} else if (strcmp(segs[1], "v1") != 0) {
			not_found_path(out);
		} else if (n == 2) {
			nd_disc_resources(api->s, "", "v1", api->ov != NULL, &b);
			doc(out, &b);
		} else {
			resource(api, rq, "", "v1", segs + 2, n - 2, out);
		}
		return;
	}
	if (n >= 1 && strcmp(segs[0], "apis") == 0) {
		if (n == 1) {
			nd_disc_apis(api->s, &b);
			doc(out, &b);
		} else if (n == 2) {
			if (nd_disc_group(api->s, segs[1], &b) < 0) {
				nd_buf_release(&b);
				not_found_path(out);
			} else {
				doc(out, &b);
			}
		} else if (nd_disc_resources(api->s, segs[1], segs[2], api->ov != NULL, &b) < 0) {
			nd_buf_release(&b);
			not_found_path(out);
		} else if (n == 3) {
			doc(out, &b);
		} else {
			nd_buf_release(&b);
			resource(api, rq, segs[1], segs[2], segs + 3, n - 3, out);
		}
		return;
	}
	not_found_path(out);
}
