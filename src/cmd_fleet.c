/* SPDX-License-Identifier: MIT */
/*
 * netdiag fleet: every node at once, with Kubernetes as the engine.
 *   fleet manifest   the agent's Namespace, ServiceAccount, read-only RBAC and
 *                    DaemonSet (src/manifest.c, deploy/fleet.yaml)
 *   fleet report     the agent pods (the DaemonSet's labels, in -n NS), each
 *                    one's log read through pods/{name}/log (bounded, many at
 *                    once, retried), the last netdiag/v1 line of each merged
 *                    (src/checks/fleet_merge.c) with the cluster-level checks
 *   fleet run        the manifest's objects created through the API, the wait
 *                    for the agents, 'fleet report', and the objects removed
 *                    (src/cmd_fleet_run.c)
 */
#include "cmd.h"
#include "cmd_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/fleet.h"
#include "manifest.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/num.h"
#include "k8s/http.h"
#include "k8s/live.h"
#include "k8s/labels.h"
#include "k8s/model.h"
#include "core/banned.h"

#define LOG_MAX_DEFAULT (16u << 20)
#define LOG_MAX_CEILING (256u << 20)
#define LOG_TAIL_LINES 50
#define CONCURRENCY_DEFAULT 32
#define CONCURRENCY_MAX 1024
#define WAIT_DEFAULT_MS (5 * 60 * 1000)
#define AGENT_NAME_LABEL "app.kubernetes.io/name"
#define AGENT_COMPONENT_LABEL "app.kubernetes.io/component"

const char nd_fleet_help[] =
	N_("  fleet manifest [--image I] [-n NS]   print the agent's manifests (kubectl apply -f -)\n"
	"  fleet report [-n NS]                 merge every agent's report with the cluster's\n"
	"  fleet run [--image I] [-n NS] [--keep] [--wait DUR] [--dry-run]\n"
	"                                       create them through the API, wait for the\n"
	"                                       agents, report, then delete what it created\n"
	"The agents are the pods labelled app.kubernetes.io/name=netdiag,\n"
	"app.kubernetes.io/component=agent in NS (default netdiag); each one's log is read\n"
	"through pods/{name}/log (tailLines, limitBytes) and its last netdiag/v1 line merged.\n"
	"'fleet run' writes to the cluster, the only fleet subcommand that does: it prints\n"
	"what it will create first (--dry-run: only that), creates the Namespace,\n"
	"ServiceAccount, ClusterRole and binding and DaemonSet in that order, refuses\n"
	"to touch an object of the same name that is not netdiag's, waits until every\n"
	"scheduled agent has logged its report (progress on stderr) or --wait (default\n"
	"5m) ends, prints the merged report, and deletes only what this run created,\n"
	"unless --keep; on SIGINT/SIGTERM it deletes them too and exits 128+signal.\n"
	"--timeout bounds each step's network calls. A deletion that fails prints the\n"
	"kubectl command that removes the object.\n");

struct opts {
	const char *image;
	int64_t concurrency, log_max, top, wait_ms;
	bool keep, dry_run;
};

static int parse(const struct nd_cmd *cmd, int argc, char **argv, struct opts *o)
{
	*o = (struct opts){NULL, CONCURRENCY_DEFAULT, LOG_MAX_DEFAULT, 3, WAIT_DEFAULT_MS, false,
			   false};
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : "";

		if (strcmp(argv[i], "--keep") == 0) {
			o->keep = true;
			continue;
		}
		if (strcmp(argv[i], "--dry-run") == 0) {
			o->dry_run = true;
			continue;
		}
		if (i + 1 >= argc)
			return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
		i++;
		if (strcmp(argv[i - 1], "--image") == 0)
			o->image = v;
		else if (strcmp(argv[i - 1], "--concurrency") == 0) {
			if (nd_parse_i64(v, strlen(v), 1, CONCURRENCY_MAX, &o->concurrency) < 0)
				return nd_usage_error(cmd, _("--concurrency takes 1 to %d, not '%s'"),
						      CONCURRENCY_MAX, v);
		} else if (strcmp(argv[i - 1], "--log-max") == 0) {
			if (nd_parse_i64(v, strlen(v), 1024, LOG_MAX_CEILING, &o->log_max) < 0)
				return nd_usage_error(cmd, _("--log-max takes a number of bytes from "
							     "1024 to %u, not '%s'"), LOG_MAX_CEILING, v);
		} else if (strcmp(argv[i - 1], "--wait") == 0) {
			if (nd_parse_duration_ms(v, &o->wait_ms) < 0 || o->wait_ms < 0)
				return nd_usage_error(cmd, _("--wait takes a duration (30s, 5m), not "
							     "'%s'"), v);
		} else if (strcmp(argv[i - 1], "--top") == 0) {
			if (nd_parse_i64(v, strlen(v), 1, 100, &o->top) < 0)
				return nd_usage_error(cmd, _("--top takes 1 to 100, not '%s'"), v);
		} else {
			return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i - 1]);
		}
	}
	return ND_EXIT_OK;
}

static int fleet_manifest(struct nd_ctx *ctx, const struct opts *o)
{
	struct nd_buf out;
	struct nd_err e;
	int rc = ND_EXIT_OK;

	nd_buf_init(&out, ND_MANIFEST_MAX);
	if (nd_manifest_fleet(&out, o->image, ctx->ns, &e) < 0) {
		fprintf(stderr, "netdiag fleet manifest: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
	} else {
		fwrite(out.p, 1, out.len, stdout);
	}
	nd_buf_release(&out);
	return rc;
}

/* One node's agent, as the merge sees it. */
struct agent {
	const char *node, *pod, *pod_ns;
	const struct nd_pod *p;
};

struct fetch {
	struct nd_fleet *fleet;
	struct agent *ag;
	size_t done, n;
	bool tty;
};

static void got_log(void *ctx, size_t i, const char *body, size_t len, bool cut,
		    const struct nd_api_error *ae)
{
	struct fetch *ft = ctx;
	const struct agent *ag = &ft->ag[i];
	char name[600];
	const char *why;

	snprintf(name, sizeof(name), "%s/%s", ag->pod_ns, ag->pod);
	ft->done++;
	if (ft->tty)
		fprintf(stderr, "\r%s %zu/%zu   ", _("netdiag: agent logs read"), ft->done, ft->n);
	if (!body) {
		nd_fleet_not_reported(ft->fleet, ag->node, name, "no-log", ae->message);
		return;
	}
	if (nd_fleet_add_log(ft->fleet, ag->node, name, body, len, cut, &why) < 0)
		nd_fleet_not_reported(ft->fleet, ag->node, name,
				      nd_fleet_last_line(body, len, &(size_t){0}) ? "unparsable"
										   : "no-log",
				      why);
}

static bool is_agent(const struct nd_pod *p, const char *ns)
{
	const char *a = nd_labels_get(&p->m.labels, AGENT_NAME_LABEL);
	const char *c = nd_labels_get(&p->m.labels, AGENT_COMPONENT_LABEL);

	return p->m.ns && strcmp(p->m.ns, ns) == 0 && a && strcmp(a, "netdiag") == 0 && c &&
	       strcmp(c, "agent") == 0;
}

/* Of two agent pods on a node, the one whose log to read: running, else the newer. */
static bool better(const struct nd_pod *a, const struct nd_pod *b)
{
	bool ra = a->phase && strcmp(a->phase, "Running") == 0;
	bool rb = b->phase && strcmp(b->phase, "Running") == 0;

	if (ra != rb)
		return ra;
	return a->m.created && b->m.created && strcmp(a->m.created, b->m.created) > 0;
}

int nd_fleet_report(struct nd_ctx *ctx, unsigned concurrency, size_t log_max, unsigned top)
{
	const char *ns = ctx->ns ? ctx->ns : ND_MANIFEST_NS_FLEET;
	struct nd_live_get_opts go = {0};
	struct agent *ag = NULL;
	char **paths = NULL;
	struct nd_fleet *fleet;
	struct fetch ft = {0};
	const struct nd_model *m;
	size_t n = 0, i;
	int rc;

	ctx->report = nd_report_new();
	rc = nd_live_source_open(ctx, "fleet");
	if (rc != ND_EXIT_OK)
		return rc;
	m = ctx->model;
	/* the cluster-level checks: those that need no node data (the agents ran those) */
	ctx->ns = NULL;
	nd_run_checks(ctx, NULL, ND_RUN_ALL | ND_RUN_CLUSTER);
	fleet = nd_fleet_new(ctx->report, top);
	ag = nd_xcalloc(m->nodes.n ? m->nodes.n : 1, sizeof(*ag));
	paths = nd_xcalloc(m->nodes.n ? m->nodes.n : 1, sizeof(*paths));
	for (i = 0; i < m->nodes.n; i++) {
		const struct nd_node *nd = &m->nodes.v[i];
		const struct nd_pod *best = NULL;
		const uint32_t *on;
		size_t k, non;

		if (nd->os && strcmp(nd->os, "linux") != 0) {
			nd_fleet_not_covered(fleet, nd->m.name, nd->os);
			continue;
		}
		on = nd_model_pods_on_node(m, nd->m.name, &non);
		for (k = 0; k < non; k++) {
			const struct nd_pod *p = &m->pods.v[on[k]];

			if (is_agent(p, ns) && (!best || better(p, best)))
				best = p;
		}
		if (!best) {
			nd_fleet_not_reported(fleet, nd->m.name, NULL, "no-agent-pod",
					      nd_report_printf(ctx->report, _("no pod of the agent "
									      "DaemonSet in '%s' "
									      "on the node"), ns));
			continue;
		}
		if (best->phase && strcmp(best->phase, "Pending") == 0) {
			nd_fleet_not_reported(fleet, nd->m.name,
					      nd_report_printf(ctx->report, "%s/%s", ns, best->m.name),
					      "pending", best->waiting ? best->waiting : best->reason);
			continue;
		}
		if (best->phase && strcmp(best->phase, "Failed") == 0 &&
		    (!best->reason || strcmp(best->reason, "Evicted") == 0 || !best->ncontainers)) {
			nd_fleet_not_reported(fleet, nd->m.name,
					      nd_report_printf(ctx->report, "%s/%s", ns, best->m.name),
					      best->reason && strcmp(best->reason, "Evicted") == 0
						      ? "evicted" : "failed", best->reason);
			continue;
		}
		ag[n] = (struct agent){nd->m.name, best->m.name, ns, best};
		paths[n] = nd_xstrdup(nd_report_printf(ctx->report,
				"/api/v1/namespaces/%s/pods/%s/log?container=agent&tailLines=%d"
				"&limitBytes=%lld", ns, best->m.name, LOG_TAIL_LINES,
				(long long)log_max));
		n++;
	}
	ft = (struct fetch){fleet, ag, 0, n, isatty(STDERR_FILENO) != 0};
	go.parallel = concurrency;
	go.max = log_max + 1024;
	go.deadline_ms = ctx->deadline_ms;
	if (n)
		nd_live_get_many(nd_live_session_client(ctx->live), (const char *const *)paths, n,
				 &go, got_log, &ft);
	if (ft.tty && n)
		fputs("\r\033[K", stderr);
	if (ctx->verbose)
		fprintf(stderr, _("netdiag fleet report: %zu log requests, %zu retries\n"), go.requests,
			go.retries);
	nd_fleet_finish(fleet);
	nd_fleet_free(fleet);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(ag);
	return ND_EXIT_OK;
}

int cmd_fleet(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("fleet");
	struct opts o;
	int rc = parse(cmd, argc, argv, &o);

	if (rc != ND_EXIT_OK)
		return rc;
	if (strcmp(argv[1], "manifest") == 0)
		return fleet_manifest(ctx, &o);
	if (strcmp(argv[1], "report") == 0)
		return nd_fleet_report(ctx, (unsigned)o.concurrency, (size_t)o.log_max,
				       (unsigned)o.top);
	if (strcmp(argv[1], "run") == 0) {
		struct nd_fleet_run_opts ro = {o.image, o.keep, o.dry_run, o.wait_ms,
					       (unsigned)o.concurrency, (size_t)o.log_max,
					       (unsigned)o.top};

		return nd_fleet_run(ctx, &ro);
	}
	return nd_usage_error(cmd, _("'%s' is not a fleet subcommand (manifest, run, report)"),
			      argv[1]);
}
