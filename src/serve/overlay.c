/* SPDX-License-Identifier: MIT */
/* serve --writable: created objects over the replayed bundle (overlay.h). */
#include "serve/overlay.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/num.h"
#include "k8s/labels.h"
#include "k8s/model.h"
#include "k8s/sched.h"
#include "serve/api.h"
#include "serve/select.h"
#include "serve/store.h"
#include "serve/table.h"
#include "core/banned.h"

#define OV_MAX_OBJECTS 10000
#define OV_MAX_DOC (8u << 20)
#define NS_GRACE_MS 2000
#define NAME_MAX_LEN 253

struct ovobj {
	const struct nd_sres *r;
	char *ns;                 /* "" for cluster scope */
	char *name;
	char *json;
	size_t len;
	char uid[37];
	int64_t doomed_ms;        /* its Namespace was deleted: removed at this time; 0 */
};

struct nd_overlay {
	const struct nd_store *s;
	pthread_mutex_t mu;
	struct ovobj *v;          /* sorted by (resource, ns, name) */
	size_t n, cap;
	uint64_t rv;
};

static const char *const writable[][2] = {
	{"", "namespaces"},
	{"", "serviceaccounts"},
	{"rbac.authorization.k8s.io", "roles"},
	{"rbac.authorization.k8s.io", "rolebindings"},
	{"rbac.authorization.k8s.io", "clusterroles"},
	{"rbac.authorization.k8s.io", "clusterrolebindings"},
	{"apps", "daemonsets"},
};

bool nd_overlay_writable(const struct nd_sres *r)
{
	for (size_t i = 0; i < sizeof(writable) / sizeof(writable[0]); i++)
		if (strcmp(r->group, writable[i][0]) == 0 && strcmp(r->plural, writable[i][1]) == 0)
			return true;
	return false;
}

struct nd_overlay *nd_overlay_new(const struct nd_store *s)
{
	struct nd_overlay *ov = nd_xcalloc(1, sizeof(*ov));

	ov->s = s;
	ov->rv = s->max_rv;
	pthread_mutex_init(&ov->mu, NULL);
	return ov;
}

static void obj_free(struct ovobj *o)
{
	free(o->ns);
	free(o->name);
	free(o->json);
}

void nd_overlay_free(struct nd_overlay *ov)
{
	if (!ov)
		return;
	for (size_t i = 0; i < ov->n; i++)
		obj_free(&ov->v[i]);
	free(ov->v);
	pthread_mutex_destroy(&ov->mu);
	free(ov);
}

/* ---- answers ---- */

static void status(struct nd_api_resp *out, int code, const char *reason,
		   const struct nd_sres *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void status(struct nd_api_resp *out, int code, const char *reason,
		   const struct nd_sres *r, const char *name, const char *fmt, ...)
{
	struct nd_buf d = ND_BUF_INIT(4096);
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r) {
		if (name) {
			nd_buf_key(&d, false, "name");
			nd_buf_cstr(&d, name);
		}
		if (r->group[0]) {
			nd_buf_key(&d, d.len > 0, "group");
			nd_buf_cstr(&d, r->group);
		}
		nd_buf_key(&d, d.len > 0, "kind");
		nd_buf_cstr(&d, r->plural);
	}
	out->code = code;
	out->content_type = "application/json";
	out->body = nd_api_status(code, reason, msg, d.p, NULL);
	nd_buf_release(&d);
}

/* "daemonsets.apps", "namespaces": the API server's qualified resource. */
static const char *qual(const struct nd_sres *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", r->plural, r->group[0] ? "." : "", r->group);
	return buf;
}

static void json_answer(struct nd_api_resp *out, int code, const char *json, size_t len)
{
	char *p = nd_xmalloc(len + 1);

	memcpy(p, json, len);
	p[len] = '\0';
	out->code = code;
	out->content_type = "application/json";
	out->body = nd_body_bytes(p, len);
}

/* ---- the objects ---- */

static int cmp3(const struct nd_overlay *ov, const struct ovobj *o, const struct nd_sres *r,
		const char *ns, const char *name)
{
	uint32_t a = nd_store_res_id(ov->s, o->r), b = nd_store_res_id(ov->s, r);
	int c;

	if (a != b)
		return a < b ? -1 : 1;
	c = strcmp(o->ns, ns);
	return c ? c : strcmp(o->name, name);
}

/* Position of (r, ns, name) in v, or where it would go; *found says which. */
static size_t find(const struct nd_overlay *ov, const struct nd_sres *r, const char *ns,
		   const char *name, bool *found)
{
	size_t lo = 0, hi = ov->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp3(ov, &ov->v[mid], r, ns, name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static void remove_at(struct nd_overlay *ov, size_t i)
{
	obj_free(&ov->v[i]);
	memmove(&ov->v[i], &ov->v[i + 1], (ov->n - i - 1) * sizeof(*ov->v));
	ov->n--;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The namespace controller: contents of deleted Namespaces go once their grace ends. */
static void sweep(struct nd_overlay *ov)
{
	int64_t now = now_ms();
	size_t i = 0;

	while (i < ov->n)
		if (ov->v[i].doomed_ms && ov->v[i].doomed_ms <= now)
			remove_at(ov, i);
		else
			i++;
}

static const struct nd_sres *res(const struct nd_store *s, const char *group, const char *plural)
{
	return nd_store_resource(s, group, "v1", plural);   /* the writable kinds are all v1 */
}

static bool ns_exists(const struct nd_overlay *ov, const char *ns)
{
	const struct nd_store *s = ov->s;
	const struct nd_sres *nsr = res(s, "", "namespaces");
	bool found;
	size_t i;

	if (nsr) {
		size_t at = find(ov, nsr, "", ns, &found);

		if ((found && !ov->v[at].doomed_ms) || nd_store_get(s, nsr, "", ns))
			return true;
	}
	for (i = 0; i < s->nres; i++) {
		uint32_t lo, hi;

		if (!s->res[i].namespaced)
			continue;
		nd_store_ns_range(s, &s->res[i], ns, &lo, &hi);
		if (hi > lo)
			return true;
	}
	return false;
}

static void uuid(char out[37])
{
	unsigned char b[16];
	size_t i, k = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)((uint64_t)ts.tv_nsec >> (i % 8 * 8) ^ i * 131);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		k += (size_t)snprintf(out + k, 3, "%02x", b[i]);
	}
	out[k] = '\0';
}

/* The replay's clock: the bundle's collection time (ages in Tables count from it), else now. */
static void timestamp(const struct nd_store *s, char out[32])
{
	time_t t = s->collected_at ? (time_t)s->collected_at : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A DNS-1123 subdomain (label: one part, at most 63), as the API validates names. */
static const char *bad_name(const char *name, bool label)
{
	size_t n = strlen(name), i;

	if (n > (label ? 63 : NAME_MAX_LEN))
		return label ? "must be no more than 63 characters" :
			       "must be no more than 253 characters";
	for (i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		bool edge = i == 0 || i == n - 1 || (!label && (name[i - 1] == '.' ||
								 name[i + 1] == '.'));

		if (alnum || (c == '-' && !edge) || (c == '.' && !label && !edge))
			continue;
		return label ? "a lowercase RFC 1123 label must consist of lower case alphanumeric "
			       "characters or '-', and must start and end with an alphanumeric "
			       "character (e.g. 'my-name',  or '123-abc', regex used for validation "
			       "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
			     : "a lowercase RFC 1123 subdomain must consist of lower case "
			       "alphanumeric characters, '-' or '.', and must start and end with an "
			       "alphanumeric character (e.g. 'example.com', regex used for "
			       "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
			       "[a-z0-9])?)*')";
	}
	return NULL;
}

/* ---- a DaemonSet's status from the replay ---- */

static void add_objects(struct nd_model *m, const struct nd_store *s, const struct nd_sres *r,
			const char *ns, const char *kind)
{
	struct nd_arena *a = nd_arena_new(0);
	char *buf = NULL;
	size_t cap = 0;
	uint32_t lo, hi, i;

	nd_store_ns_range(s, r, ns, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct nd_sobj *o = &s->objs[r->objs[i]];
		struct nd_json root;
		struct nd_err e;

		if ((size_t)o->len + 1 > cap) {
			cap = (size_t)o->len + 1;
			buf = nd_xrealloc(buf, cap);
		}
		if (nd_store_read(s, o, 0, buf, o->len) != (long)o->len)
			continue;
		nd_arena_reset(a);
		if (nd_json_parse(buf, o->len, 0, a, &root, &e) == 0)
			(void)nd_model_add_object(m, &root, kind, &e);
	}
	free(buf);
	nd_arena_free(a);
}

static void ds_status(const struct nd_store *s, const struct nd_json *obj, const char *ns,
		      struct nd_buf *b)
{
	const struct nd_sres *nodes = res(s, "", "nodes"), *pods = res(s, "", "pods");
	struct nd_model *m = nd_model_new();
	struct nd_err e;
	int64_t desired = 0, current = 0, ready = 0, mis = 0;
	size_t i;

	if (nodes)
		add_objects(m, s, nodes, NULL, "Node");
	if (pods)
		add_objects(m, s, pods, ns, "Pod");
	if (nd_model_add_object(m, obj, "DaemonSet", &e) == 0) {
		const struct nd_daemonset *ds;

		nd_model_finish(m);
		ds = m->daemonsets.n ? &m->daemonsets.v[0] : NULL;
		for (i = 0; ds && i < m->nodes.n; i++) {
			struct nd_place_verdict v;

			nd_daemon_should_run(&ds->place, &m->nodes.v[i], &v);
			desired += v.should_run;
		}
		for (i = 0; ds && ds->selector.nreq && i < m->pods.n; i++) {
			const struct nd_pod *p = &m->pods.v[i];
			const struct nd_node *on;
			struct nd_place_verdict v;

			if (!p->node || nd_pod_is_terminated(p) ||
			    !nd_selector_matches(&ds->selector, &p->m.labels))
				continue;
			on = nd_model_node(m, p->node);
			if (!on)
				continue;
			nd_daemon_should_run(&ds->place, on, &v);
			if (!v.should_run) {
				mis++;
				continue;
			}
			current++;
			ready += p->ready;
		}
	}
	nd_buf_printf(b, "{\"currentNumberScheduled\":%lld,\"numberMisscheduled\":%lld,"
		      "\"desiredNumberScheduled\":%lld,\"numberReady\":%lld,"
		      "\"observedGeneration\":1,\"updatedNumberScheduled\":%lld,"
		      "\"numberAvailable\":%lld", (long long)current, (long long)mis,
		      (long long)desired, (long long)ready, (long long)current, (long long)ready);
	if (desired > ready)
		nd_buf_printf(b, ",\"numberUnavailable\":%lld", (long long)(desired - ready));
	nd_buf_addc(b, '}');
	nd_model_free(m);
}

/* ---- create ---- */

static bool skip_meta(const char *k, size_t n)
{
	static const char *const drop[] = {"uid", "resourceVersion", "creationTimestamp",
					   "generation", "namespace", "deletionTimestamp",
					   "deletionGracePeriodSeconds", "selfLink", "managedFields",
					   NULL};

	for (size_t i = 0; drop[i]; i++)
		if (strlen(drop[i]) == n && memcmp(drop[i], k, n) == 0)
			return true;
	return false;
}

static bool key_is(const struct nd_jmember *m, const char *k)
{
	return m->klen == strlen(k) && memcmp(m->key, k, m->klen) == 0;
}

static void encode(struct nd_overlay *ov, const struct nd_json *root, const struct nd_sres *r,
		   const char *ns, const char *name, const char *uid, uint64_t rv,
		   struct nd_buf *b)
{
	const struct nd_json *md = nd_json_get(root, "metadata");
	bool is_ns = !r->group[0] && strcmp(r->plural, "namespaces") == 0;
	bool is_ds = strcmp(r->group, "apps") == 0 && strcmp(r->plural, "daemonsets") == 0;
	bool spec = false;
	char ts[32];
	uint32_t i, j;

	timestamp(ov->s, ts);
	nd_buf_addc(b, '{');
	for (i = 0; i < root->n; i++) {
		const struct nd_jmember *m = &root->u.members[i];

		if (key_is(m, "status") || (key_is(m, "metadata") && &m->val != md))
			continue;
		if (b->len > 1)
			nd_buf_addc(b, ',');
		nd_buf_str(b, m->key, m->klen);
		nd_buf_addc(b, ':');
		if (&m->val != md) {
			spec |= key_is(m, "spec");
			nd_buf_json(b, &m->val);
			continue;
		}
		nd_buf_addc(b, '{');
		for (j = 0; j < md->n; j++) {
			const struct nd_jmember *k = &md->u.members[j];

			if (skip_meta(k->key, k->klen) || (is_ns && key_is(k, "labels")))
				continue;
			nd_buf_str(b, k->key, k->klen);
			nd_buf_addc(b, ':');
			nd_buf_json(b, &k->val);
			nd_buf_addc(b, ',');
		}
		if (is_ns) {
			const struct nd_json *l = nd_json_get(md, "labels");

			nd_buf_adds(b, "\"labels\":{");
			for (j = 0; l && l->type == ND_JOBJ && j < l->n; j++) {
				if (key_is(&l->u.members[j], "kubernetes.io/metadata.name"))
					continue;
				nd_buf_str(b, l->u.members[j].key, l->u.members[j].klen);
				nd_buf_addc(b, ':');
				nd_buf_json(b, &l->u.members[j].val);
				nd_buf_addc(b, ',');
			}
			nd_buf_adds(b, "\"kubernetes.io/metadata.name\":");
			nd_buf_cstr(b, name);
			nd_buf_adds(b, "},");
		}
		if (r->namespaced) {
			nd_buf_key(b, false, "namespace");
			nd_buf_cstr(b, ns);
			nd_buf_addc(b, ',');
		}
		nd_buf_key(b, false, "uid");
		nd_buf_cstr(b, uid);
		nd_buf_printf(b, ",\"resourceVersion\":\"%llu\"", (unsigned long long)rv);
		if (is_ds)
			nd_buf_adds(b, ",\"generation\":1");
		nd_buf_key(b, true, "creationTimestamp");
		nd_buf_cstr(b, ts);
		nd_buf_addc(b, '}');
	}
	if (is_ns && !spec)
		nd_buf_adds(b, ",\"spec\":{\"finalizers\":[\"kubernetes\"]}");
	if (is_ns)
		nd_buf_adds(b, ",\"status\":{\"phase\":\"Active\"}");
	if (is_ds) {
		nd_buf_adds(b, ",\"status\":");
		ds_status(ov->s, root, ns, b);
	}
	nd_buf_addc(b, '}');
}

static bool dry_run(const struct nd_api_req *rq)
{
	return rq->dry_run && strcmp(rq->dry_run, "All") == 0;
}

void nd_overlay_create(struct nd_overlay *ov, const struct nd_api_req *rq,
		       const struct nd_sres *r, const char *ns, struct nd_api_resp *out)
{
	struct nd_arena *a = nd_arena_new(0);
	const struct nd_json *md, *v;
	const char *name, *kind, *av, *bns, *why;
	struct nd_json root;
	struct nd_err e;
	struct nd_buf b;
	char want_av[256], q[300], uid[37];
	bool found;
	size_t at;

	memset(out, 0, sizeof(*out));
	if (r->namespaced && !ns) {
		status(out, 405, "MethodNotAllowed", NULL, NULL,
		       "the server does not allow this method on the requested resource");
		goto out;
	}
	if (rq->body_toobig) {
		status(out, 413, "RequestEntityTooLarge", NULL, NULL,
		       "Request entity too large: the body passed netdiag serve's ceiling");
		goto out;
	}
	if (!rq->body || !rq->body_len) {
		status(out, 400, "BadRequest", NULL, NULL, "the request has no body: a create "
		       "needs the object");
		goto out;
	}
	if (nd_json_parse(rq->body, rq->body_len, 0, a, &root, &e) < 0) {
		status(out, 400, "BadRequest", NULL, NULL, "the body of the request is not JSON: %s",
		       e.msg);
		goto out;
	}
	if (root.type != ND_JOBJ) {
		status(out, 400, "BadRequest", NULL, NULL, "the body of the request is a JSON %s, "
		       "not an object", nd_json_type_name((enum nd_jtype)root.type));
		goto out;
	}
	kind = nd_json_str(nd_json_get(&root, "kind"));
	av = nd_json_str(nd_json_get(&root, "apiVersion"));
	snprintf(want_av, sizeof(want_av), "%s%s%s", r->group, r->group[0] ? "/" : "", r->version);
	if (!kind || !*kind) {
		status(out, 400, "BadRequest", NULL, NULL, "Object 'Kind' is missing in the body");
		goto out;
	}
	if (!av || strcmp(av, want_av) != 0 || strcmp(kind, r->kind) != 0) {
		status(out, 400, "BadRequest", NULL, NULL, "the API version in the data (%s) does "
		       "not match the expected API version (%s), or its kind (%s) is not %s",
		       av ? av : "", want_av, kind, r->kind);
		goto out;
	}
	md = nd_json_get(&root, "metadata");
	name = nd_json_str(nd_json_get(md, "name"));
	if (!md || md->type != ND_JOBJ || !name || !*name) {
		status(out, 422, "Invalid", r, NULL, "%s \"\" is invalid: metadata.name: Required "
		       "value: name or generateName is required", r->kind);
		goto out;
	}
	why = bad_name(name, !r->group[0] && strcmp(r->plural, "namespaces") == 0);
	if (why) {
		status(out, 422, "Invalid", r, name, "%s \"%.300s\" is invalid: metadata.name: "
		       "Invalid value: \"%.300s\": %s", r->kind, name, name, why);
		goto out;
	}
	v = nd_json_get(md, "namespace");
	bns = nd_json_str(v);
	if (r->namespaced && bns && *bns && strcmp(bns, ns) != 0) {
		status(out, 400, "BadRequest", NULL, NULL, "the namespace of the provided object "
		       "does not match the namespace sent on the request");
		goto out;
	}
	pthread_mutex_lock(&ov->mu);
	sweep(ov);
	if (r->namespaced && !ns_exists(ov, ns)) {
		const struct nd_sres *nsr = res(ov->s, "", "namespaces");

		pthread_mutex_unlock(&ov->mu);
		status(out, 404, "NotFound", nsr, ns, "namespaces \"%s\" not found", ns);
		goto out;
	}
	at = find(ov, r, r->namespaced ? ns : "", name, &found);
	if (found || nd_store_get(ov->s, r, r->namespaced ? ns : "", name)) {
		pthread_mutex_unlock(&ov->mu);
		status(out, 409, "AlreadyExists", r, name, "%s \"%s\" already exists",
		       qual(r, q, sizeof(q)), name);
		goto out;
	}
	if (ov->n >= OV_MAX_OBJECTS) {
		pthread_mutex_unlock(&ov->mu);
		status(out, 500, "InternalError", NULL, NULL, "netdiag serve --writable holds at "
		       "most %d created objects", OV_MAX_OBJECTS);
		goto out;
	}
	uuid(uid);
	nd_buf_init(&b, OV_MAX_DOC);
	encode(ov, &root, r, r->namespaced ? ns : "", name, uid, ov->rv + 1, &b);
	if (b.toobig) {
		pthread_mutex_unlock(&ov->mu);
		nd_buf_release(&b);
		status(out, 413, "RequestEntityTooLarge", NULL, NULL, "Request entity too large");
		goto out;
	}
	json_answer(out, 201, b.p, b.len);
	if (dry_run(rq)) {
		pthread_mutex_unlock(&ov->mu);
		nd_buf_release(&b);
		goto out;
	}
	ov->rv++;
	ND_GROW(ov->v, ov->cap, ov->n + 1);
	memmove(&ov->v[at + 1], &ov->v[at], (ov->n - at) * sizeof(*ov->v));
	ov->v[at] = (struct ovobj){r, nd_xstrdup(r->namespaced ? ns : ""), nd_xstrdup(name), NULL,
				   0, "", 0};
	memcpy(ov->v[at].uid, uid, sizeof(uid));
	ov->v[at].json = nd_buf_detach(&b, &ov->v[at].len);
	ov->n++;
	pthread_mutex_unlock(&ov->mu);
out:
	nd_arena_free(a);
}

/* ---- delete ---- */

void nd_overlay_delete(struct nd_overlay *ov, const struct nd_api_req *rq,
		       const struct nd_sres *r, const char *ns, const char *name,
		       struct nd_api_resp *out)
{
	struct nd_buf d = ND_BUF_INIT(4096);
	const char *k = r->namespaced ? ns : "";
	char q[300];
	bool found;
	size_t at;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&ov->mu);
	sweep(ov);
	at = find(ov, r, k, name, &found);
	if (!found) {
		bool bundle = nd_store_get(ov->s, r, k, name) != NULL;

		pthread_mutex_unlock(&ov->mu);
		if (bundle)
			status(out, 405, "MethodNotAllowed", r, name, "%s \"%s\" is part of the "
			       "replayed bundle: netdiag serve --writable deletes only what was "
			       "created through it", qual(r, q, sizeof(q)), name);
		else
			status(out, 404, "NotFound", r, name, "%s \"%s\" not found",
			       qual(r, q, sizeof(q)), name);
		return;
	}
	nd_buf_adds(&d, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
		    "\"status\":\"Success\",\"details\":{\"name\":");
	nd_buf_cstr(&d, name);
	if (r->group[0]) {
		nd_buf_key(&d, true, "group");
		nd_buf_cstr(&d, r->group);
	}
	nd_buf_key(&d, true, "kind");
	nd_buf_cstr(&d, r->plural);
	nd_buf_key(&d, true, "uid");
	nd_buf_cstr(&d, ov->v[at].uid);
	nd_buf_adds(&d, "}}");
	if (!dry_run(rq)) {
		bool is_ns = !r->group[0] && strcmp(r->plural, "namespaces") == 0;

		remove_at(ov, at);
		ov->rv++;
		for (size_t i = 0; is_ns && i < ov->n; i++)
			if (ov->v[i].r->namespaced && strcmp(ov->v[i].ns, name) == 0)
				ov->v[i].doomed_ms = now_ms() + NS_GRACE_MS;
	}
	pthread_mutex_unlock(&ov->mu);
	json_answer(out, 200, d.p, d.len);
	nd_buf_release(&d);
}

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
			status(out, 400, "BadRequest", NULL, NULL, "includeObject must be one of None, "
			       "Metadata or Object, not '%s'", rq->include_object);
			return;
		}
		if (nd_table_write_raw(&b, r, (const char *const *)raw, len, n, version, inc, cont,
				       ov->rv, ov->s->collected_at) < 0) {
			nd_buf_release(&b);
			status(out, 500, "InternalError", NULL, NULL, "the table of %s could not be "
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
		status(out, 500, "InternalError", NULL, NULL, "the answer is too large");
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
	sweep(ov);
	at = find(ov, r, r->namespaced ? ns : "", name, &found);
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
	sweep(ov);
	i = find(ov, r, "", "", &found);
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
		status(out, 400, "BadRequest", NULL, NULL, "unable to parse requirement: %s", e.msg);
		goto out;
	}
	if (nd_fsel_parse(rq->field_selector, a, &fs, &e) < 0 || nd_fsel_check(r, &fs, &e) < 0) {
		pthread_mutex_unlock(&ov->mu);
		status(out, 400, "BadRequest", NULL, NULL, "%s", e.msg);
		goto out;
	}
	if (rq->limit && *rq->limit &&
	    nd_parse_u32(rq->limit, strlen(rq->limit), UINT32_MAX, &limit) < 0) {
		pthread_mutex_unlock(&ov->mu);
		status(out, 400, "BadRequest", NULL, NULL, "limit must be a non-negative integer, "
		       "not '%s'", rq->limit);
		goto out;
	}
	if (rq->cont && *rq->cont) {
		uint32_t cres, cpos;
		uint64_t crv;

		if (nd_continue_parse(rq->cont, &cres, &cpos, &crv) < 0 || cres != rid) {
			pthread_mutex_unlock(&ov->mu);
			status(out, 400, "BadRequest", NULL, NULL, "continue key is not valid");
			goto out;
		}
		start = cpos;
	}
	for (i = find(ov, r, "", "", &found); i < ov->n && ov->v[i].r == r; i++) {
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
