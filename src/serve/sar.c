/* SPDX-License-Identifier: MIT */
/*
 * Access reviews for `netdiag serve`: SelfSubjectReview (who am I),
 * SelfSubjectAccessReview and SubjectAccessReview, decided by the RBAC
 * engine over the bundle's Roles, ClusterRoles and bindings, so a client's
 * live can-i has an API server to compare with. Nothing is stored: the
 * review is answered and forgotten, as the API server does.
 */
#include "serve/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/model.h"
#include "policy/rbac.h"
#include "core/buf.h"
#include "serve/store.h"
#include "core/banned.h"

#define SAR_MAX_DOC (256u << 10)
#define SAR_MAX_GROUPS ND_RBAC_MAX_GROUPS

#define WHOAMI_PATH "/apis/authentication.k8s.io/v1/selfsubjectreviews"
#define SSAR_PATH "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
#define SAR_PATH "/apis/authorization.k8s.io/v1/subjectaccessreviews"

struct nd_serve_rbac {
	struct nd_model *m;
	struct nd_rbac *e;
};

static bool rbac_kind(const struct nd_sres *r)
{
	return strcmp(r->group, "rbac.authorization.k8s.io") == 0 &&
	       (strcmp(r->plural, "roles") == 0 || strcmp(r->plural, "clusterroles") == 0 ||
		strcmp(r->plural, "rolebindings") == 0 ||
		strcmp(r->plural, "clusterrolebindings") == 0);
}

struct nd_serve_rbac *nd_serve_rbac_new(const struct nd_store *s)
{
	struct nd_serve_rbac *r;
	struct nd_arena *a = nd_arena_new(0);
	char *buf = NULL;
	size_t i, cap = 0, n = 0;
	uint32_t j;

	r = nd_xcalloc(1, sizeof(*r));
	r->m = nd_model_new();
	for (i = 0; i < s->nres; i++) {
		const struct nd_sres *res = &s->res[i];

		if (!rbac_kind(res))
			continue;
		for (j = 0; j < res->nobjs; j++) {
			const struct nd_sobj *o = &s->objs[res->objs[j]];
			struct nd_json root;
			struct nd_err e;

			/* an object that does not decode grants nothing, as it would not exist */
			if (nd_store_parse(s, o, &buf, &cap, a, &root) == 0 &&
			    nd_model_add_object(r->m, &root, res->kind, &e) == 0)
				n++;
		}
	}
	free(buf);
	nd_arena_free(a);
	nd_model_finish(r->m);
	if (!n) {
		nd_serve_rbac_free(r);
		return NULL;
	}
	r->e = nd_rbac_new(r->m);
	/* the engine expands aggregated roles lazily: do it all now, so the
	 * connection threads only read */
	for (i = 0; i < r->m->roles.n; i++) {
		const struct nd_rbac_rule *const *rules;
		const struct nd_role *const *from;

		nd_rbac_role_rules(r->e, &r->m->roles.v[i], &rules, &from);
	}
	return r;
}

void nd_serve_rbac_free(struct nd_serve_rbac *r)
{
	if (!r)
		return;
	nd_rbac_free(r->e);
	nd_model_free(r->m);
	free(r);
}

bool nd_sar_path(const char *method, const char *path)
{
	return strcmp(method, "POST") == 0 &&
	       (strcmp(path, WHOAMI_PATH) == 0 || strcmp(path, SSAR_PATH) == 0 ||
		strcmp(path, SAR_PATH) == 0);
}

static void reply(struct nd_api_resp *out, int code, struct nd_buf *b)
{
	size_t n;
	char *p;

	if (b->toobig) {
		nd_buf_release(b);
		out->code = 500;
		out->content_type = "application/json";
		out->body = nd_api_status(500, "InternalError", "access review answer too large",
					  NULL, NULL);
		return;
	}
	p = nd_buf_detach(b, &n);
	out->code = code;
	out->content_type = "application/json";
	out->body = nd_body_bytes(p, n);
}

static void bad(struct nd_api_resp *out, int code, const char *reason, const char *msg)
{
	out->code = code;
	out->content_type = "application/json";
	out->body = nd_api_status(code, reason, msg, NULL, NULL);
}

static void groups_json(struct nd_buf *b, const struct nd_rbac_user *u)
{
	uint32_t i;

	nd_buf_addc(b, '[');
	for (i = 0; i < u->ngroups; i++) {
		if (i)
			nd_buf_addc(b, ',');
		nd_buf_cstr(b, u->groups[i]);
	}
	nd_buf_addc(b, ']');
}

static const char *field(const struct nd_json *o, const char *k)
{
	const char *s = nd_json_str(nd_json_get(o, k));

	return s && *s ? s : NULL;
}

/* The request of spec.resourceAttributes or spec.nonResourceAttributes. */
static int review_req(const struct nd_json *spec, struct nd_rbac_req *q)
{
	const struct nd_json *ra = nd_json_get(spec, "resourceAttributes");
	const struct nd_json *na = nd_json_get(spec, "nonResourceAttributes");

	memset(q, 0, sizeof(*q));
	if (nd_json_is(ra, ND_JOBJ)) {
		q->verb = field(ra, "verb");
		q->group = field(ra, "group") ? field(ra, "group") : "";
		q->resource = field(ra, "resource");
		q->subresource = field(ra, "subresource");
		q->name = field(ra, "name");
		q->ns = field(ra, "namespace");
		return q->verb && q->resource ? 0 : -1;
	}
	if (nd_json_is(na, ND_JOBJ)) {
		q->verb = field(na, "verb");
		q->path = field(na, "path");
		return q->verb && q->path ? 0 : -1;
	}
	return -1;
}

void nd_sar_handle(const struct nd_api *api, const struct nd_api_req *rq, struct nd_api_resp *out)
{
	struct nd_arena *a = nd_arena_new(0);
	const bool whoami = strcmp(rq->path, WHOAMI_PATH) == 0;
	const bool self = whoami || strcmp(rq->path, SSAR_PATH) == 0;
	const char *groups[SAR_MAX_GROUPS];
	const struct nd_json *spec = NULL, *gr;
	const char *user = rq->user ? rq->user : "system:anonymous", *kind;
	struct nd_rbac_user u;
	struct nd_rbac_req q;
	struct nd_rbac_result res;
	struct nd_json root;
	struct nd_buf b;
	struct nd_err e;
	uint32_t ngroups = 0, i;

	if (rq->body_toobig) {
		bad(out, 413, "RequestEntityTooLarge", "the request body is too large");
		goto out;
	}
	if (!rq->body || nd_json_parse(rq->body, rq->body_len, 0, a, &root, &e) < 0 ||
	    !nd_json_is(&root, ND_JOBJ)) {
		bad(out, 400, "BadRequest", "the request body is not a JSON object");
		goto out;
	}
	kind = whoami ? "SelfSubjectReview" : self ? "SelfSubjectAccessReview" : "SubjectAccessReview";
	if (!whoami) {
		spec = nd_json_get(&root, "spec");
		if (!nd_json_is(spec, ND_JOBJ) || review_req(spec, &q) < 0) {
			bad(out, 422, "Invalid", "spec.resourceAttributes (verb, resource) or "
			    "spec.nonResourceAttributes (verb, path) is required");
			goto out;
		}
		if (!api->rbac) {
			bad(out, 404, "NotFound", "the bundle holds no RBAC objects: access reviews "
			    "are not served");
			goto out;
		}
	}
	if (!self) {
		user = field(spec, "user");
		if (!user) {
			bad(out, 422, "Invalid", "spec.user or spec.groups is required");
			goto out;
		}
		/* as the API server: the groups given, nothing implied */
		gr = nd_json_get(spec, "groups");
		for (i = 0; nd_json_is(gr, ND_JARR) && i < gr->n && ngroups < SAR_MAX_GROUPS; i++)
			if (nd_json_str(&gr->u.items[i]))
				groups[ngroups++] = gr->u.items[i].u.s;
		u.name = user;
		u.groups = groups;
		u.ngroups = ngroups;
	} else {
		/* the caller, with the groups authentication gives */
		nd_rbac_user_make(&u, user, NULL, 0, a);
	}
	nd_buf_init(&b, SAR_MAX_DOC);
	nd_buf_printf(&b, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":"
		       "{\"creationTimestamp\":null}", kind,
		       whoami ? "authentication.k8s.io/v1" : "authorization.k8s.io/v1");
	if (whoami) {
		nd_buf_adds(&b, ",\"status\":{\"userInfo\":{\"username\":");
		nd_buf_cstr(&b, u.name);
		nd_buf_adds(&b, ",\"groups\":");
		groups_json(&b, &u);
		nd_buf_adds(&b, "}}}");
		reply(out, 201, &b);
		goto out;
	}
	nd_buf_adds(&b, ",\"spec\":");
	nd_buf_json(&b, spec);
	if (api->sar_deny) {
		nd_buf_adds(&b, ",\"status\":{\"allowed\":false,\"denied\":true,\"reason\":");
		nd_buf_cstr(&b, "netdiag serve --fault-sar-deny: a webhook authorizer denies "
			     "every request");
		nd_buf_adds(&b, "}}");
		reply(out, 201, &b);
		goto out;
	}
	nd_rbac_check(api->rbac->e, &u, &q, a, &res);
	nd_buf_printf(&b, ",\"status\":{\"allowed\":%s", res.allowed ? "true" : "false");
	nd_buf_adds(&b, ",\"reason\":");
	nd_buf_cstr(&b, nd_rbac_reason(&u, &q, &res, a));
	nd_buf_adds(&b, "}}");
	reply(out, 201, &b);
out:
	nd_arena_free(a);
}
