/* SPDX-License-Identifier: MIT */
/*
 * The HTTP stages of the probe, through the one HTTP client (k8s/http.h):
 * GET /version and /readyz without credentials (a public API server
 * answers them to anyone, or says 401/403, which still proves it is
 * there), then one authenticated GET with the kubeconfig's credentials.
 */
#include "probe/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/apierr.h"
#include "k8s/auth.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "probe/stage.h"
#include "core/banned.h"

#define BODY_MAX 16384
/* The most any answer here may send (an authenticated limit=1 list is a few
 * KiB): past it the transfer ends, so an endless or inflating body is cut. */
#define ANSWER_MAX (1u << 20)

struct get {
	struct nd_http_body col;     /* only the start is looked at */
	bool done;
	struct nd_http_result res;
	char err_body[1024];
	char ctype[128];
};

static int on_body(void *ctx, const char *p, size_t n)
{
	struct get *g = ctx;

	return nd_http_body_add(&g->col, p, n);
}

static void on_done(void *ctx, const struct nd_http_result *res)
{
	struct get *g = ctx;

	g->done = true;
	g->res = *res;
	g->res.body = NULL;
	g->res.content_type = NULL;
	snprintf(g->ctype, sizeof(g->ctype), "%s", res->content_type ? res->content_type : "");
	if (res->body) {
		snprintf(g->err_body, sizeof(g->err_body), "%.*s",
			 (int)(res->body_len < sizeof(g->err_body) - 1 ? res->body_len
								       : sizeof(g->err_body) - 1),
			 res->body);
		g->res.body = g->err_body;
		g->res.body_len = strlen(g->err_body);
	}
}

/* One GET until it ends or the deadline passes. -1 when it could not start. */
static int get(struct nd_http *h, struct nd_http_req *rq, struct get *g, int64_t deadline,
	       struct nd_err *e)
{
	nd_http_body_release(&g->col);
	nd_http_body_init(&g->col, rq->bearer || rq->cert_data || rq->cert_file ? ANSWER_MAX
									      : BODY_MAX, false);
	rq->max_body = ANSWER_MAX;
	rq->on_body = on_body;
	rq->on_done = on_done;
	rq->ctx = g;
	if (nd_http_start(h, rq, e) < 0)
		return -1;
	while (!g->done) {
		int64_t left = nd_probe_left(deadline);

		if (left <= 0 || nd_http_poll(h, left < 200 ? left : 200) < 0)
			break;
	}
	return 0;
}

static void stage_from(struct nd_http_stage *s, const struct get *g, int64_t t0, bool any_answer)
{
	s->ms = nd_now_ms() - t0;
	if (!g->done) {
		s->status = ND_STAGE_FAIL;
		snprintf(s->fail, sizeof(s->fail), "timeout");
		if (g->col.body.len)
			snprintf(s->detail, sizeof(s->detail), "no complete answer before the deadline "
				 "(--timeout; %zu bytes came, the answer had not ended)",
				 g->col.body.len);
		else
			snprintf(s->detail, sizeof(s->detail), "no answer before the deadline");
		return;
	}
	s->http = g->res.status;
	if (g->res.fail != ND_HTTP_OK && (g->res.status == 0 ||
					  (g->res.status >= 200 && g->res.status < 300))) {
		/* a 2xx that did not arrive whole (cut, too big, a bomb) proves nothing */
		s->status = ND_STAGE_FAIL;
		snprintf(s->fail, sizeof(s->fail), "%s", nd_http_fail_name(g->res.fail));
		if (g->res.status)
			snprintf(s->detail, sizeof(s->detail), "HTTP %ld, but %.200s", g->res.status,
				 g->res.error);
		else
			snprintf(s->detail, sizeof(s->detail), "%s", g->res.error);
		return;
	}
	if (s->http >= 200 && s->http < 300) {
		s->status = ND_STAGE_PASS;
		return;
	}
	/* without credentials, any answer of an API server proves it is there */
	s->status = any_answer && (s->http == 401 || s->http == 403 || s->http == 429 ||
				   s->http >= 500) ? ND_STAGE_PASS : ND_STAGE_FAIL;
	if (any_answer && s->status == ND_STAGE_FAIL)
		snprintf(s->detail, sizeof(s->detail), "HTTP %ld: not a Kubernetes API server?",
			 s->http);
	else
		snprintf(s->detail, sizeof(s->detail), "HTTP %ld", s->http);
}

static void version_detail(struct nd_http_stage *s, const struct get *g)
{
	struct nd_arena *a;
	struct nd_json doc;
	struct nd_err e;

	if (s->status != ND_STAGE_PASS || s->http != 200)
		return;
	a = nd_arena_new(8192);
	if (nd_json_parse(g->col.body.p ? g->col.body.p : "", g->col.body.len, 0, a, &doc, &e) == 0) {
		const char *v = nd_json_str(nd_json_get(&doc, "gitVersion"));

		snprintf(s->detail, sizeof(s->detail), "%s", v ? v : "no gitVersion");
	} else {
		s->status = ND_STAGE_FAIL;
		snprintf(s->detail, sizeof(s->detail), "/version is not JSON: not a Kubernetes API server?");
	}
	nd_arena_free(a);
}

/* The kind of the authenticated answer: what a healthy one is (a PodList) is the caller's call. */
static void object_kind(struct nd_probe_result *out, const struct get *g)
{
	struct nd_arena *a = nd_arena_new(8192);
	struct nd_json doc;
	struct nd_err e;

	if (!g->col.cut &&
	    nd_json_parse(g->col.body.p ? g->col.body.p : "", g->col.body.len, 0, a, &doc, &e) == 0) {
		const char *k = nd_json_str(nd_json_get(&doc, "kind"));

		snprintf(out->auth_object, sizeof(out->auth_object), "%s", k ? k : "");
	}
	nd_arena_free(a);
}

void nd_probe_http_stages(const struct nd_kubeconfig *kc, const struct nd_probe_opts *o,
			  struct nd_probe_result *out, int64_t deadline)
{
	struct nd_http_config hc = {0};
	struct nd_http *h;
	struct nd_auth *auth = NULL;
	struct nd_http_req rq;
	struct nd_cred cr;
	struct nd_err e;
	struct get *g = nd_xcalloc(1, sizeof(*g));
	int64_t t0;

	hc.server = kc->server;
	hc.ca_file = kc->ca_file;
	hc.ca_data = kc->ca_data;
	hc.ca_len = kc->ca_len;
	hc.insecure = kc->insecure;
	hc.tls_server_name = kc->tls_server_name;
	hc.proxy = kc->proxy_url;
	hc.connect_timeout_ms = nd_probe_left(deadline) > 0 ? nd_probe_left(deadline) : 1;
	hc.timeout_ms = hc.connect_timeout_ms;
	hc.max_connections = 1;
	hc.err_body_max = 8192;
	h = nd_http_new(&hc, &e);
	if (!h) {
		out->version.status = ND_STAGE_FAIL;
		snprintf(out->version.detail, sizeof(out->version.detail), "%.255s", e.msg);
		goto out;
	}

	t0 = nd_now_ms();
	memset(&rq, 0, sizeof(rq));
	rq.path = "/version";
	if (get(h, &rq, g, deadline, &e) < 0)
		g->done = false;
	stage_from(&out->version, g, t0, true);
	version_detail(&out->version, g);
	if (out->version.status != ND_STAGE_PASS)
		goto out;

	nd_http_body_release(&g->col);
	memset(g, 0, sizeof(*g));
	t0 = nd_now_ms();
	memset(&rq, 0, sizeof(rq));
	rq.path = "/readyz";
	if (get(h, &rq, g, deadline, &e) < 0)
		g->done = false;
	stage_from(&out->readyz, g, t0, true);
	if (out->readyz.http >= 500)
		out->readyz.status = ND_STAGE_FAIL;
	if (out->readyz.status == ND_STAGE_PASS && out->readyz.http == 200)
		snprintf(out->readyz.detail, sizeof(out->readyz.detail), "%.40s", g->col.body.p ? g->col.body.p : "");
	/* not ready: reported, but the credentials are still worth testing */

	if (o->no_auth)
		goto out;
	nd_http_body_release(&g->col);
	memset(g, 0, sizeof(*g));
	t0 = nd_now_ms();
	if (o->auth_path)
		snprintf(out->auth_path, sizeof(out->auth_path), "%s", o->auth_path);
	else
		snprintf(out->auth_path, sizeof(out->auth_path), "/api/v1/namespaces/%s/pods?limit=1",
			 o->auth_ns ? o->auth_ns : "default");
	auth = nd_auth_new(kc, nd_probe_left(deadline));
	if (nd_auth_get(auth, &cr, &e) < 0) {
		/* an exec plugin (kubelogin) that failed: no credentials to send */
		snprintf(out->auth_kind, sizeof(out->auth_kind), "%s", kc->exec ? "exec" : "none");
		out->auth.status = ND_STAGE_FAIL;
		snprintf(out->auth.fail, sizeof(out->auth.fail), "credentials");
		snprintf(out->auth.detail, sizeof(out->auth.detail), "%.255s", e.msg);
		out->auth.ms = nd_now_ms() - t0;
		goto out;
	}
	snprintf(out->auth_kind, sizeof(out->auth_kind), "%s",
		 kc->exec ? "exec" : cr.token ? "token" : (cr.cert_data || cr.cert_file)
		 ? "client-certificate" : "none");
	memset(&rq, 0, sizeof(rq));
	rq.path = out->auth_path;
	nd_cred_apply(&cr, &rq);
	if (get(h, &rq, g, deadline, &e) < 0)
		g->done = false;
	stage_from(&out->auth, g, t0, false);
	if (out->auth.status == ND_STAGE_PASS)
		object_kind(out, g);
	if (out->auth.status == ND_STAGE_PASS && out->auth_object[0] && !o->auth_path &&
	    strcmp(out->auth_object, "PodList") != 0) {
		out->auth.status = ND_STAGE_FAIL;
		snprintf(out->auth.fail, sizeof(out->auth.fail), "not-kubernetes");
		snprintf(out->auth.detail, sizeof(out->auth.detail), "HTTP %ld, but the answer to a "
			 "list of pods is a %.60s, not a PodList: not the API server's answer",
			 out->auth.http, out->auth_object);
	} else if (out->auth.status == ND_STAGE_PASS && !out->auth_object[0]) {
		/* a 2xx that is no Kubernetes object: a proxy's page, not the API server */
		char start[48];
		size_t i, k = 0;

		for (i = 0; i < g->res.first_len && k + 5 < sizeof(start); i++) {
			unsigned char c = (unsigned char)g->res.first[i];

			if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
				start[k++] = (char)c;
			else
				k += (size_t)snprintf(start + k, sizeof(start) - k, "\\x%02x", c);
		}
		start[k < sizeof(start) ? k : sizeof(start) - 1] = '\0';
		out->auth.status = ND_STAGE_FAIL;
		snprintf(out->auth.fail, sizeof(out->auth.fail), "not-kubernetes");
		snprintf(out->auth.detail, sizeof(out->auth.detail),
			 "HTTP %ld, but the answer is not a Kubernetes object (%.60s), it starts "
			 "'%s': not the API server (a proxy's page?)", out->auth.http,
			 g->ctype[0] ? g->ctype : "no Content-Type", start);
	}
	if (g->done && g->res.status >= 300) {
		struct nd_api_error ae;

		nd_api_error_from(&ae, &g->res, out->auth_path);
		snprintf(out->status_reason, sizeof(out->status_reason), "%s", ae.reason);
		snprintf(out->status_message, sizeof(out->status_message), "%s", ae.message);
		snprintf(out->forbidden_user, sizeof(out->forbidden_user), "%s", ae.user);
		snprintf(out->forbidden_verb, sizeof(out->forbidden_verb), "%s", ae.verb);
		snprintf(out->forbidden_resource, sizeof(out->forbidden_resource), "%s", ae.resource);
		snprintf(out->forbidden_ns, sizeof(out->forbidden_ns), "%s", ae.ns);
	}
out:
	nd_auth_free(auth);
	nd_http_free(h);
	nd_http_body_release(&g->col);
	free(g);
}
