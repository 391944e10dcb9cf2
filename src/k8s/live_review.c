/* SPDX-License-Identifier: MIT */
/*
 * The live client's single requests (live.c lists, live_get.c fans out GETs):
 * a POST with its retry on expired credentials, who the caller is
 * (SelfSubjectReview), and access reviews (SelfSubjectAccessReview,
 * SubjectAccessReview).
 */
#include "k8s/live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/auth.h"
#include "k8s/http.h"
#include "k8s/live_impl.h"
#include "core/banned.h"
#include "core/i18n.h"

/* ---- one request at a time: access reviews ---- */

struct post {
	struct nd_http_body col;     /* fails over its ceiling */
	bool done;
	struct nd_http_result res;
	char *err_body;              /* a copy of the non-2xx body */
};

static int post_body(void *ctx, const char *p, size_t n)
{
	struct post *po = ctx;

	return nd_http_body_add(&po->col, p, n);
}

static void post_done(void *ctx, const struct nd_http_result *res)
{
	struct post *po = ctx;

	po->res = *res;
	po->res.body = NULL;
	po->res.content_type = NULL;
	if (res->body) {
		po->err_body = nd_xmalloc(res->body_len + 1);
		memcpy(po->err_body, res->body, res->body_len);
		po->err_body[res->body_len] = '\0';
		po->res.body = po->err_body;
	}
	po->done = true;
}

int nd_live_post(struct nd_live *lv, const char *path, const char *body, size_t len,
		 size_t max, char **out, size_t *outlen, struct nd_api_error *ae)
{
	return nd_live_request(lv, "POST", path, body, len, max, out, outlen, ae);
}

int nd_live_request(struct nd_live *lv, const char *method, const char *path, const char *body,
		    size_t len, size_t max, char **out, size_t *outlen, struct nd_api_error *ae)
{
	struct post po;
	char what[300];
	int attempt;

	*out = NULL;
	*outlen = 0;
	snprintf(what, sizeof(what), "%s %s", method, path);
	for (attempt = 0; attempt < 2; attempt++) {
		struct nd_http_req rq = {0};
		struct nd_cred cr;
		struct nd_err e;

		memset(&po, 0, sizeof(po));
		memset(ae, 0, sizeof(*ae));
		if (lv->o.deadline_ms && nd_now_ms() >= lv->o.deadline_ms) {
			ae->fail = ND_HTTP_TIMEOUT;
			snprintf(ae->message, sizeof(ae->message), _("%.200s: not sent, the run's "
				 "--timeout deadline passed"), what);
			return -1;
		}
		nd_http_body_init(&po.col, max ? max : (1u << 20), true);
		rq = (struct nd_http_req){.path = path, .on_body = post_body, .on_done = post_done,
					  .ctx = &po, .body = body, .body_len = len,
					  .method = strcmp(method, "GET") == 0 ||
						    strcmp(method, "POST") == 0 ? NULL : method,
					  .timeout_ms = lv->o.deadline_ms ?
							lv->o.deadline_ms - nd_now_ms() : 0};
		if (nd_auth_get(lv->auth, &cr, &e) == 0)
			nd_cred_apply(&cr, &rq);
		else
			rq.path = NULL;    /* e says why there are no credentials */
		if (!rq.path || nd_http_start(lv->http, &rq, &e) < 0) {
			nd_http_body_release(&po.col);
			ae->fail = ND_HTTP_OTHER;
			snprintf(ae->message, sizeof(ae->message), "%.200s: %.300s", what, e.msg);
			return -1;
		}
		while (!po.done)
			nd_http_poll(lv->http, 200);
		if (po.res.status >= 200 && po.res.status < 300 && po.res.fail == ND_HTTP_OK) {
			free(po.err_body);
			*out = nd_buf_detach(&po.col.body, outlen);
			return 0;
		}
		nd_api_error_from(ae, &po.res, what);
		if (po.col.cut)
			snprintf(ae->message, sizeof(ae->message), _("%s: answer larger than %zu bytes"),
				 what, po.col.body.max);
		nd_http_body_release(&po.col);
		free(po.err_body);
		if (po.res.status != 401 || !nd_auth_invalidate(lv->auth))
			break;
	}
	return -1;
}

/* Parse a 2xx answer of the POST at what; NULL with ae filled when it is not JSON. */
static const struct nd_json *answer(const char *buf, size_t len, const char *what,
				    struct nd_arena *a, struct nd_json *root,
				    struct nd_api_error *ae)
{
	struct nd_err e;

	if (nd_json_parse(buf, len, 0, a, root, &e) < 0 || !nd_json_is(root, ND_JOBJ)) {
		char start[200];
		size_t o = 0;

		/* what came instead: its first bytes, escaped */
		for (size_t i = 0; i < len && i < 40 && o + 5 < sizeof(start); i++) {
			unsigned char c = (unsigned char)buf[i];

			if (c >= 0x20 && c < 0x7f && c != '\\')
				start[o++] = (char)c;
			else
				o += (size_t)snprintf(start + o, sizeof(start) - o, "\\x%02x", c);
		}
		start[o < sizeof(start) ? o : sizeof(start) - 1] = '\0';
		memset(ae, 0, sizeof(*ae));
		ae->http = 200;
		snprintf(ae->message, sizeof(ae->message), _("%s: HTTP 200 answer is not a JSON object "
			 "(%zu bytes, it starts '%s'): is this a Kubernetes API server?"), what, len,
			 start);
		return NULL;
	}
	return root;
}

int nd_live_whoami(struct nd_live *lv, struct nd_arena *a, struct nd_whoami *out,
		   struct nd_api_error *ae)
{
	static const char path[] = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
	static const char req[] = "{\"apiVersion\":\"authentication.k8s.io/v1\","
				  "\"kind\":\"SelfSubjectReview\",\"metadata\":{}}";
	const struct nd_json *ui, *gr;
	struct nd_json root;
	char *buf;
	size_t len;
	uint32_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (nd_live_post(lv, path, req, sizeof(req) - 1, 0, &buf, &len, ae) < 0)
		return -1;
	if (!answer(buf, len, "POST selfsubjectreviews", a, &root, ae))
		goto out;
	ui = nd_json_path(&root, "status", "userInfo", NULL);
	out->user = nd_json_str(nd_json_get(ui, "username"));
	if (!out->user) {
		memset(ae, 0, sizeof(*ae));
		snprintf(ae->message, sizeof(ae->message),
			 _("POST selfsubjectreviews: no status.userInfo.username in the answer"));
		goto out;
	}
	out->user = nd_arena_strdup(a, out->user);
	gr = nd_json_get(ui, "groups");
	if (nd_json_is(gr, ND_JARR) && gr->n) {
		out->groups = nd_arena_alloc(a, gr->n * sizeof(*out->groups));
		for (i = 0; i < gr->n; i++)
			if (nd_json_str(&gr->u.items[i]))
				out->groups[out->ngroups++] = nd_arena_strdup(a, gr->u.items[i].u.s);
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static void attr(struct nd_buf *b, bool *comma, const char *key, const char *v)
{
	if (!v || !*v)
		return;
	nd_buf_key(b, *comma, key);
	nd_buf_cstr(b, v);
	*comma = true;
}

int nd_live_access_review(struct nd_live *lv, const struct nd_access_review *q,
			  struct nd_access_answer *out, struct nd_api_error *ae)
{
	const char *path = q->user ? "/apis/authorization.k8s.io/v1/subjectaccessreviews"
				   : "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
	struct nd_arena *a = nd_arena_new(0);
	const struct nd_json *st;
	struct nd_json root;
	struct nd_buf b;
	bool comma = false;
	char *buf = NULL, *req;
	size_t len, rlen;
	uint32_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->self = !q->user;
	nd_buf_init(&b, 64 * 1024);
	nd_buf_printf(&b, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"%s\","
		       "\"metadata\":{},\"spec\":{",
		       q->user ? "SubjectAccessReview" : "SelfSubjectAccessReview");
	if (q->user) {
		nd_buf_key(&b, false, "user");
		nd_buf_cstr(&b, q->user);
		nd_buf_adds(&b, ",\"groups\":[");
		for (i = 0; i < q->ngroups; i++) {
			if (i)
				nd_buf_addc(&b, ',');
			nd_buf_cstr(&b, q->groups[i]);
		}
		nd_buf_adds(&b, "],");
	}
	nd_buf_adds(&b, q->path ? "\"nonResourceAttributes\":{" : "\"resourceAttributes\":{");
	attr(&b, &comma, "verb", q->verb);
	if (q->path) {
		attr(&b, &comma, "path", q->path);
	} else {
		attr(&b, &comma, "namespace", q->ns);
		attr(&b, &comma, "group", q->group);
		attr(&b, &comma, "resource", q->resource);
		attr(&b, &comma, "subresource", q->subresource);
		attr(&b, &comma, "name", q->name);
	}
	nd_buf_adds(&b, "}}}");
	if (b.toobig) {
		nd_buf_release(&b);
		memset(ae, 0, sizeof(*ae));
		snprintf(ae->message, sizeof(ae->message), _("access review request too large"));
		goto out;
	}
	req = nd_buf_detach(&b, &rlen);
	rc = nd_live_post(lv, path, req, rlen, 0, &buf, &len, ae);
	free(req);
	if (rc < 0)
		goto out;
	rc = -1;
	if (!answer(buf, len, q->user ? "POST subjectaccessreviews" : "POST selfsubjectaccessreviews",
		    a, &root, ae))
		goto out;
	st = nd_json_get(&root, "status");
	if (!nd_json_is(st, ND_JOBJ)) {
		memset(ae, 0, sizeof(*ae));
		snprintf(ae->message, sizeof(ae->message), _("POST %s: no status in the answer"),
			 strrchr(path, '/') + 1);
		goto out;
	}
	out->allowed = nd_json_true(nd_json_get(st, "allowed"));
	out->denied = nd_json_true(nd_json_get(st, "denied"));
	snprintf(out->reason, sizeof(out->reason), "%s",
		 nd_json_str(nd_json_get(st, "reason")) ? nd_json_get(st, "reason")->u.s : "");
	snprintf(out->evaluation_error, sizeof(out->evaluation_error), "%s",
		 nd_json_str(nd_json_get(st, "evaluationError")) ?
		 nd_json_get(st, "evaluationError")->u.s : "");
	rc = 0;
out:
	free(buf);
	nd_arena_free(a);
	return rc;
}

void nd_live_set_deadline(struct nd_live *lv, int64_t deadline_ms)
{
	lv->o.deadline_ms = deadline_ms;
}
