/* SPDX-License-Identifier: MIT */
/* Many small GETs at once, bounded and retried (live.h, nd_live_get_many). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "k8s/auth.h"
#include "k8s/http.h"
#include "k8s/live_impl.h"
#include "core/banned.h"
#include "core/i18n.h"

struct get {
	struct getrun *run;
	size_t i;
	struct nd_http_body col;
	bool running, done, auth_retried;
	unsigned attempts;
	int64_t not_before;
};

struct getrun {
	struct nd_live *lv;
	const char *const *paths;
	struct nd_live_get_opts *o;
	nd_live_got_fn fn;
	void *ctx;
	size_t running, done, waiting;   /* waiting: retries not yet started again */
};

static void finish(struct get *g, const char *body, size_t len, const struct nd_api_error *ae)
{
	g->done = true;
	g->run->done++;
	g->run->fn(g->run->ctx, g->i, body, len, g->col.cut, ae);
	nd_http_body_release(&g->col);
}

static void fail_msg(struct get *g, const char *msg)
{
	struct nd_api_error ae;

	memset(&ae, 0, sizeof(ae));
	ae.fail = ND_HTTP_OTHER;
	snprintf(ae.message, sizeof(ae.message), "%.511s", msg);
	finish(g, NULL, 0, &ae);
}

static bool retry(struct get *g, int64_t delay_ms)
{
	struct getrun *run = g->run;

	if (g->attempts >= run->o->max_retries)
		return false;
	if (delay_ms < 0) {
		int64_t b = 250LL << g->attempts;

		delay_ms = b + (nd_now_ms() % (b / 2 + 1));
	}
	if (delay_ms > 10000)
		delay_ms = 10000;
	if (run->o->deadline_ms && nd_now_ms() + delay_ms >= run->o->deadline_ms)
		return false;
	g->attempts++;
	run->o->retries++;
	g->not_before = nd_now_ms() + delay_ms;
	nd_http_body_release(&g->col);
	run->waiting++;
	return true;
}

static void on_done(void *ctx, const struct nd_http_result *res)
{
	struct get *g = ctx;
	struct nd_api_error ae;
	char what[600];

	g->running = false;
	g->run->running--;
	snprintf(what, sizeof(what), "GET %.580s", g->run->paths[g->i]);
	if (res->status >= 200 && res->status < 300 &&
	    (res->fail == ND_HTTP_OK || (res->fail == ND_HTTP_ABORTED && g->col.cut))) {
		/* whole, or its start when it passed max (the transfer was ended there) */
		finish(g, g->col.body.p ? g->col.body.p : "", g->col.body.len, NULL);
		return;
	}
	if (res->fail == ND_HTTP_TRUNCATED && retry(g, -1))
		return;
	nd_api_error_from(&ae, res, what);
	if (res->status == 401 && !g->auth_retried && nd_auth_invalidate(g->run->lv->auth)) {
		g->auth_retried = true;
		nd_http_body_release(&g->col);
		g->not_before = 0;
		g->run->waiting++;
		return;
	}
	if ((res->status == 429 || (res->status >= 500 && res->status <= 504)) &&
	    retry(g, res->retry_after_ms))
		return;
	finish(g, NULL, 0, &ae);
}

static int on_body(void *ctx, const char *p, size_t n)
{
	struct get *g = ctx;

	nd_http_body_add(&g->col, p, n);
	/* past max: the start is kept and the rest not waited for (an endless body) */
	return g->col.cut ? -1 : 0;
}

static void start(struct get *g)
{
	struct getrun *run = g->run;
	struct nd_http_req rq = {0};
	struct nd_cred cr;
	struct nd_err e;

	if (run->o->deadline_ms && nd_now_ms() >= run->o->deadline_ms) {
		char msg[600];

		snprintf(msg, sizeof(msg), _("GET %.500s: not read, the run's --timeout deadline passed"),
			 run->paths[g->i]);
		fail_msg(g, msg);
		return;
	}
	if (nd_auth_get(run->lv->auth, &cr, &e) < 0) {
		fail_msg(g, e.msg);
		return;
	}
	nd_http_body_init(&g->col, run->o->max, false);
	rq.path = run->paths[g->i];
	if (run->o->deadline_ms)
		rq.timeout_ms = run->o->deadline_ms - nd_now_ms();
	nd_cred_apply(&cr, &rq);
	rq.on_body = on_body;
	rq.on_done = on_done;
	rq.ctx = g;
	if (nd_http_start(run->lv->http, &rq, &e) < 0) {
		nd_http_body_release(&g->col);
		fail_msg(g, e.msg);
		return;
	}
	run->o->requests++;
	g->running = true;
	run->running++;
}

void nd_live_get_many(struct nd_live *lv, const char *const *paths, size_t n,
		      struct nd_live_get_opts *o, nd_live_got_fn fn, void *ctx)
{
	struct getrun run = {lv, paths, o, fn, ctx, 0};
	struct get *gs = nd_xcalloc(n ? n : 1, sizeof(*gs));
	size_t next = 0, i;

	if (!o->parallel)
		o->parallel = 32;
	if (!o->max)
		o->max = 1u << 20;
	if (!o->max_retries)
		o->max_retries = 5;
	for (i = 0; i < n; i++) {
		gs[i].run = &run;
		gs[i].i = i;
	}
	while (run.done < n) {
		int64_t now = nd_now_ms(), wait = 200;

		/* retries first (they are due), then new paths, within the bound */
		for (i = 0; run.waiting && i < next && run.running < o->parallel; i++) {
			struct get *g = &gs[i];

			if (g->done || g->running)
				continue;
			if (g->not_before > now) {
				if (g->not_before - now < wait)
					wait = g->not_before - now;
				continue;
			}
			run.waiting--;
			start(g);
		}
		while (next < n && run.running < o->parallel)
			start(&gs[next++]);
		if (run.done < n && run.running) {
			nd_http_poll(lv->http, wait);
		} else if (run.done < n && wait > 0) {
			/* only retries waiting for their time: nothing to poll */
			struct timespec ts = {wait / 1000, (long)(wait % 1000) * 1000000};

			nanosleep(&ts, NULL);
		}
	}
	free(gs);
}
