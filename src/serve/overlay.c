/* SPDX-License-Identifier: MIT */
/* serve --writable: created objects over the replayed bundle (overlay.h). */
#include "serve/overlay.h"
#include "serve/overlay_int.h"

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
#include "core/json.h"
#include "k8s/labels.h"
#include "k8s/model.h"
#include "k8s/sched.h"
#include "serve/api.h"
#include "serve/store.h"
#include "core/banned.h"

#define OV_MAX_OBJECTS 10000
#define NS_GRACE_MS 2000
#define NAME_MAX_LEN 253

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

void nd_ov_status(struct nd_api_resp *out, int code, const char *reason,
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
size_t nd_ov_find(const struct nd_overlay *ov, const struct nd_sres *r, const char *ns,
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
void nd_ov_sweep(struct nd_overlay *ov)
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
		size_t at = nd_ov_find(ov, nsr, "", ns, &found);

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

		if (nd_store_parse(s, o, &buf, &cap, a, &root) == 0)
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
		nd_ov_status(out, 405, "MethodNotAllowed", NULL, NULL,
		       "the server does not allow this method on the requested resource");
		goto out;
	}
	if (rq->body_toobig) {
		nd_ov_status(out, 413, "RequestEntityTooLarge", NULL, NULL,
		       "Request entity too large: the body passed netdiag serve's ceiling");
		goto out;
	}
	if (!rq->body || !rq->body_len) {
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "the request has no body: a create "
		       "needs the object");
		goto out;
	}
	if (nd_json_parse(rq->body, rq->body_len, 0, a, &root, &e) < 0) {
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "the body of the request is not JSON: %s",
		       e.msg);
		goto out;
	}
	if (root.type != ND_JOBJ) {
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "the body of the request is a JSON %s, "
		       "not an object", nd_json_type_name((enum nd_jtype)root.type));
		goto out;
	}
	kind = nd_json_str(nd_json_get(&root, "kind"));
	av = nd_json_str(nd_json_get(&root, "apiVersion"));
	snprintf(want_av, sizeof(want_av), "%s%s%s", r->group, r->group[0] ? "/" : "", r->version);
	if (!kind || !*kind) {
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "Object 'Kind' is missing in the body");
		goto out;
	}
	if (!av || strcmp(av, want_av) != 0 || strcmp(kind, r->kind) != 0) {
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "the API version in the data (%s) does "
		       "not match the expected API version (%s), or its kind (%s) is not %s",
		       av ? av : "", want_av, kind, r->kind);
		goto out;
	}
	md = nd_json_get(&root, "metadata");
	name = nd_json_str(nd_json_get(md, "name"));
	if (!md || md->type != ND_JOBJ || !name || !*name) {
		nd_ov_status(out, 422, "Invalid", r, NULL, "%s \"\" is invalid: metadata.name: Required "
		       "value: name or generateName is required", r->kind);
		goto out;
	}
	why = bad_name(name, !r->group[0] && strcmp(r->plural, "namespaces") == 0);
	if (why) {
		nd_ov_status(out, 422, "Invalid", r, name, "%s \"%.300s\" is invalid: metadata.name: "
		       "Invalid value: \"%.300s\": %s", r->kind, name, name, why);
		goto out;
	}
	v = nd_json_get(md, "namespace");
	bns = nd_json_str(v);
	if (r->namespaced && bns && *bns && strcmp(bns, ns) != 0) {
		nd_ov_status(out, 400, "BadRequest", NULL, NULL, "the namespace of the provided object "
		       "does not match the namespace sent on the request");
		goto out;
	}
	pthread_mutex_lock(&ov->mu);
	nd_ov_sweep(ov);
	if (r->namespaced && !ns_exists(ov, ns)) {
		const struct nd_sres *nsr = res(ov->s, "", "namespaces");

		pthread_mutex_unlock(&ov->mu);
		nd_ov_status(out, 404, "NotFound", nsr, ns, "namespaces \"%s\" not found", ns);
		goto out;
	}
	at = nd_ov_find(ov, r, r->namespaced ? ns : "", name, &found);
	if (found || nd_store_get(ov->s, r, r->namespaced ? ns : "", name)) {
		pthread_mutex_unlock(&ov->mu);
		nd_ov_status(out, 409, "AlreadyExists", r, name, "%s \"%s\" already exists",
		       qual(r, q, sizeof(q)), name);
		goto out;
	}
	if (ov->n >= OV_MAX_OBJECTS) {
		pthread_mutex_unlock(&ov->mu);
		nd_ov_status(out, 500, "InternalError", NULL, NULL, "netdiag serve --writable holds at "
		       "most %d created objects", OV_MAX_OBJECTS);
		goto out;
	}
	uuid(uid);
	nd_buf_init(&b, OV_MAX_DOC);
	encode(ov, &root, r, r->namespaced ? ns : "", name, uid, ov->rv + 1, &b);
	if (b.toobig) {
		pthread_mutex_unlock(&ov->mu);
		nd_buf_release(&b);
		nd_ov_status(out, 413, "RequestEntityTooLarge", NULL, NULL, "Request entity too large");
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
	nd_ov_sweep(ov);
	at = nd_ov_find(ov, r, k, name, &found);
	if (!found) {
		bool bundle = nd_store_get(ov->s, r, k, name) != NULL;

		pthread_mutex_unlock(&ov->mu);
		if (bundle)
			nd_ov_status(out, 405, "MethodNotAllowed", r, name, "%s \"%s\" is part of the "
			       "replayed bundle: netdiag serve --writable deletes only what was "
			       "created through it", qual(r, q, sizeof(q)), name);
		else
			nd_ov_status(out, 404, "NotFound", r, name, "%s \"%s\" not found",
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

