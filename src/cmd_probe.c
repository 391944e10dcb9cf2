/* SPDX-License-Identifier: MIT */
/*
 * --probe of `service` and `diagnose`: the live endpoint probes (S3). The
 * plan and the findings are checks/epprobe.c's; this file does the I/O:
 * where netdiag stands, and the probes themselves (probe/fanout.h) within
 * the whole run's --timeout.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/epprobe.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/http.h"
#include "probe/fanout.h"
#include "core/banned.h"

#define SA_NAMESPACE "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

/* "node N", "pod NS/NAME" (in a pod: its service account's namespace, HOSTNAME), "host H". */
static const char *vantage(struct nd_ctx *ctx)
{
	struct nd_report *r = ctx->report;
	const char *host = getenv("HOSTNAME");
	char name[256] = "";

	if (ctx->node)
		return nd_report_printf(r, "node %s", ctx->node);
	if (getenv("KUBERNETES_SERVICE_HOST") && host && *host) {
		FILE *f = fopen(SA_NAMESPACE, "re");
		char ns[254] = "";

		if (f) {
			if (!fgets(ns, sizeof(ns), f))
				ns[0] = '\0';
			fclose(f);
			ns[strcspn(ns, "\r\n")] = '\0';
		}
		return *ns ? nd_report_printf(r, "pod %s/%s", ns, host)
			   : nd_report_printf(r, "pod %s", host);
	}
	if (gethostname(name, sizeof(name) - 1) < 0 || !*name)
		snprintf(name, sizeof(name), "localhost");
	return nd_report_printf(r, "host %s", name);
}

/* A progress line on stderr, only on a terminal and only after a second. */
struct progress {
	int64_t start;
	bool shown;
};

static void show_progress(void *arg, size_t done, size_t total)
{
	struct progress *p = arg;

	if (nd_now_ms() - p->start < 1000)
		return;
	fprintf(stderr, "\r\033[K%s %zu/%zu", _("netdiag: probing endpoints"), done, total);
	p->shown = true;
}

void nd_endpoint_probes(struct nd_ctx *ctx, const struct nd_scope *scope)
{
	struct nd_epprobe_plan plan;
	struct nd_epprobe_input in = {0};
	struct nd_fan_opts fo = {0};
	struct nd_fan_stats st = {0};
	struct nd_scope sc = {0};
	struct progress prog = {0};
	struct nd_err e;
	bool ep_ok, vip_ok;

	/* both rows read the same kinds: a source that could not list them skips both */
	ep_ok = nd_check_runnable(ctx, "endpoint-probe");
	vip_ok = nd_check_runnable(ctx, "cluster-ip-probe");
	if (!ep_ok || !vip_ok)
		return;
	if (scope)
		sc = *scope;
	if (!sc.ns && ctx->ns && !ctx->all_ns)
		sc.ns = ctx->ns;
	nd_epprobe_plan(ctx->model, &sc, &plan);
	fo.deadline = ctx->deadline_ms ? ctx->deadline_ms
				       : nd_now_ms() + (ctx->timeout_ms > 0 ? ctx->timeout_ms : 10000);
	fo.probe_ms = ND_FAN_DEFAULT_PROBE_MS;
	prog.start = nd_now_ms();
	if (isatty(STDERR_FILENO)) {
		fo.progress = show_progress;
		fo.progress_ctx = &prog;
	}
	if (nd_fan_run(plan.t, plan.n, &fo, &st, &e) < 0)
		in.error = nd_report_strdup(ctx->report, e.msg);
	if (prog.shown)
		fprintf(stderr, "\r\033[K");
	in.plan = &plan;
	in.probed_from = vantage(ctx);
	in.node = ctx->node;
	in.probe_ms = fo.probe_ms;
	in.concurrency = st.concurrency;
	in.ms = st.ms;
	nd_check_endpoint_probes(ctx->report, &in);
	nd_epprobe_plan_release(&plan);
}
