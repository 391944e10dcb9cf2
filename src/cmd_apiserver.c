/* SPDX-License-Identifier: MIT */
/*
 * netdiag apiserver: S1 from this machine. The AKS profile and the client's
 * egress IP are gathered here, the probe runs, and checks/apiserver.c
 * reasons over what came back. `diagnose` calls nd_apiserver_checks()
 * first (main.c, before listing the API; nd_run_checks with a bundle).
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aks/aks.h"
#include "checks/apiserver.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "k8s/bundle.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "k8s/snapshot.h"
#include "probe/probe.h"
#include "core/banned.h"

#define ECHO_BODY_MAX 1024
#define ECHO_CAP_MS 3000

const char nd_apiserver_help[] =
	N_("Probes the kubeconfig's API server stage by stage (DNS, TCP, TLS, /version,\n"
	"/readyz, an authenticated request) and names why it cannot be reached: the\n"
	"authorized IP ranges of an AKS cluster, a private cluster, a firewall, the\n"
	"certificate or the credentials. The whole run ends within --timeout (10s).\n"
	"The global --aks, --resource-group/--name, --client-ip, --egress-ip-url and\n"
	"--snapshot (offline: DIR/aks.json, no probe) feed it; diagnose runs it too.\n");

static const char *dns_server;   /* apiserver --dns-server */

struct echo {
	struct nd_http_body col;
	bool done;
	long status;
	char error[256];
};

static int echo_body(void *ctx, const char *p, size_t n)
{
	struct echo *x = ctx;

	return nd_http_body_add(&x->col, p, n);
}

static void echo_done(void *ctx, const struct nd_http_result *res)
{
	struct echo *x = ctx;

	x->done = true;
	x->status = res->status;
	snprintf(x->error, sizeof(x->error), "%s", res->error);
}

/* The first IP address in the body: plain text ("203.0.113.7\n") or JSON ({"ip": "..."}). */
static int ip_in_body(char *b, struct nd_ip *ip)
{
	char *p = b;

	while (*p) {
		size_t n = strspn(p, "0123456789abcdefABCDEF:.");

		if (n >= 2 && n < 46) {
			char save = p[n];

			p[n] = '\0';
			if (nd_ip_parse(p, ip) == 0)
				return 0;
			p[n] = save;
		}
		p += n ? n : 1;
	}
	return -1;
}

/* GET url and read the client's IP from it. -1 with e filled. */
static int egress_ip(const char *url, int64_t timeout_ms, struct nd_ip *ip, struct nd_err *e)
{
	struct nd_http_config hc = {0};
	struct nd_http_req rq = {0};
	struct echo x = {0};
	struct nd_http *h;
	char server[512];
	const char *p = strstr(url, "://");
	int64_t deadline = nd_now_ms() + timeout_ms;
	size_t sl;
	int rc = 0;

	if (!p || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
		return nd_err_set(e, _("--egress-ip-url '%s' is not an http(s) URL"), url);
	p += 3;
	p += strcspn(p, "/?#");
	sl = (size_t)(p - url);
	if (sl >= sizeof(server))
		return nd_err_set(e, _("--egress-ip-url '%s' is too long"), url);
	memcpy(server, url, sl);
	server[sl] = '\0';
	hc.server = server;
	hc.connect_timeout_ms = timeout_ms;
	hc.timeout_ms = timeout_ms;
	hc.max_connections = 1;
	h = nd_http_new(&hc, e);
	if (!h)
		return -1;
	rq.path = *p ? p : "/";
	nd_http_body_init(&x.col, ECHO_BODY_MAX, true);
	rq.on_body = echo_body;
	rq.on_done = echo_done;
	rq.ctx = &x;
	if (nd_http_start(h, &rq, e) < 0) {
		nd_http_free(h);
		return -1;
	}
	while (!x.done && nd_probe_left(deadline) > 0)
		nd_http_poll(h, 100);
	nd_http_free(h);
	if (!x.done)
		rc = nd_err_set(e, _("'%s' did not answer within %lld ms"), url, (long long)timeout_ms);
	else if (x.col.cut)
		rc = nd_err_set(e, _("'%s' answered more than %d bytes: not an echo of the IP"), url,
				ECHO_BODY_MAX);
	else if (x.error[0])
		rc = nd_err_set(e, _("'%s' could not be read: %s"), url, x.error);
	else if (x.status < 200 || x.status >= 300)
		rc = nd_err_set(e, _("'%s' answered HTTP %ld"), url, x.status);
	else if (ip_in_body(x.col.body.p ? x.col.body.p : "", ip) < 0)
		rc = nd_err_set(e, _("'%s' answered no IP address"), url);
	nd_http_body_release(&x.col);
	return rc;
}

static void print_err(const char *cmd, const char *msg)
{
	fprintf(stderr, "netdiag %s: %s\n", cmd, msg);
}

/* Why the probe found the server unusable, in one line for stderr. */
static const char *unusable(struct nd_report *r, const struct nd_probe_result *p)
{
	if (p->dns.status != ND_STAGE_PASS)
		return nd_report_printf(r, _("API server name '%s' does not resolve (%s)"), p->host,
					nd_dns_error_name(p->dns.error));
	if (p->tcp_status != ND_STAGE_PASS)
		return nd_report_printf(r, _("cannot connect to the API server %s"), p->server);
	if (p->https && p->tls.status != ND_STAGE_PASS)
		return nd_report_printf(r, _("the API server's certificate is not trusted (%s): %s"),
					nd_tls_reason_name(p->tls.reason), p->tls.verify_error);
	if (p->version.status != ND_STAGE_PASS)
		return nd_report_printf(r, _("%s: %s"), p->server, p->version.detail);
	if (p->auth.http == 401)
		return nd_report_printf(r, _("the API server refuses the credentials: 401 "
					     "Unauthorized (%s)"), p->status_message);
	return nd_report_printf(r, _("no usable credentials: %s"), p->auth.detail);
}

int nd_apiserver_checks(struct nd_ctx *ctx, bool no_probe, bool in_diagnose, const char **why)
{
	const char *cmd = in_diagnose ? "diagnose" : "apiserver";
	int64_t deadline = ctx->deadline_ms ? ctx->deadline_ms
					    : nd_now_ms() + (ctx->timeout_ms > 0 ? ctx->timeout_ms : 10000);
	struct nd_s1_input in = {.in_diagnose = in_diagnose, .timeout_ms = ctx->timeout_ms};
	struct nd_aks_profile *aks = NULL;
	struct nd_kubeconfig *kc = NULL;
	struct nd_probe_result *pr = NULL;
	struct nd_report *r = ctx->report;
	struct nd_ip ip;
	struct nd_err e;
	char path[4096];
	int rc = ND_EXIT_OK;

	*why = NULL;
	ctx->s1_done = true;
	if (ctx->client_ip) {
		if (nd_ip_parse(ctx->client_ip, &ip) < 0) {
			fprintf(stderr, "netdiag %s: %s\n", cmd,
				nd_report_printf(r, _("--client-ip takes an IPv4 or IPv6 address, "
						      "not '%s'"), ctx->client_ip));
			return ND_EXIT_USAGE;
		}
		in.client_ip = &ip;
		in.client_ip_source = "flag";
	}
	/* the profile: --aks, else az aks show, else the bundle's aks.json */
	if (ctx->aks) {
		if (nd_aks_load_file(ctx->aks, &aks, &e) < 0) {
			print_err(cmd, e.msg);
			return ND_EXIT_USAGE;
		}
	} else if (ctx->resource_group || ctx->cluster_name) {
		if (!ctx->resource_group || !ctx->cluster_name) {
			print_err(cmd, _("--resource-group and --name go together"));
			return ND_EXIT_USAGE;
		}
		if (nd_aks_from_az(ctx->resource_group, ctx->cluster_name,
				   nd_probe_left(deadline), &aks, &e) < 0) {
			print_err(cmd, e.msg);
			in.aks_error = nd_report_strdup(r, e.msg);
		}
	} else if (ctx->snapshot) {
		/* the bundle may be a .tar.gz: read it where it was opened */
		struct nd_snapshot *sn = NULL;
		const struct nd_snapshot *at = ctx->bundle ? ctx->bundle->snap : NULL;

		if (!at && nd_snapshot_open(ctx->snapshot, &sn, &e) < 0) {
			print_err(cmd, e.msg);
			return ND_EXIT_USAGE;
		}
		at = at ? at : sn;
		snprintf(path, sizeof(path), "%s/aks.json", at->root);
		if (nd_aks_load_file(path, &aks, &e) < 0 && access(path, F_OK) == 0) {
			char *msg = nd_snapshot_display(at, e.msg);

			print_err(cmd, msg);
			in.aks_error = nd_report_strdup(r, msg);
			free(msg);
		}
		nd_snapshot_close(sn);
	}
	in.aks = aks;
	if (!in.client_ip && ctx->egress_ip_url) {
		int64_t t = nd_probe_left(deadline) / 3;

		if (egress_ip(ctx->egress_ip_url, t < ECHO_CAP_MS ? t : ECHO_CAP_MS, &ip, &e) == 0) {
			in.client_ip = &ip;
			in.client_ip_source = "echo-url";
		} else {
			print_err(cmd, e.msg);
			in.client_ip_error = nd_report_strdup(r, e.msg);
		}
	}
	if ((ctx->snapshot || no_probe) && in_diagnose && !aks && !in.aks_error) {
		/* diagnose offline without a profile: S1 has nothing to look at */
		goto out;
	}
	if (ctx->snapshot || no_probe) {
		in.probe_skip = ctx->snapshot ? _("offline (--snapshot): the API server is not probed")
					      : _("--no-probe");
	} else if (nd_kubeconfig_opts_from_ctx(ctx, &kc, &e) < 0) {
		in.probe_skip = nd_report_strdup(r, e.msg);
		/* diagnose: the live source that follows says it (once) */
		if (!aks && !in_diagnose)
			print_err(cmd, e.msg);
	} else {
		struct nd_probe_opts po = {0};

		pr = nd_xcalloc(1, sizeof(*pr));
		/* a little of the deadline is kept for reasoning and printing */
		po.timeout_ms = nd_probe_left(deadline) - 100;
		if (po.timeout_ms < 1)
			po.timeout_ms = 1;
		po.dns_servers = dns_server;
		po.auth_ns = ctx->ns ? ctx->ns : kc->ns;
		/* diagnose: the listing that follows tests the credentials (and runs
		 * an exec plugin once, not twice) */
		po.no_auth = in_diagnose;
		if (nd_probe_apiserver(kc, &po, pr, &e) < 0) {
			in.probe_skip = nd_report_strdup(r, e.msg);
			free(pr);
			pr = NULL;
		} else {
			in.kc = kc;
			in.probe = pr;
			if (r && !r->source.server) {
				r->source.mode = "live";
				r->source.context = nd_report_strdup(r, kc->context);
				r->source.server = nd_report_strdup(r, kc->server);
			}
		}
	}
	{
		/* diagnose on a bundle, with nothing S1-specific asked: only what
		 * S1 found is shown, so bundles without an S1 problem read as before */
		bool quiet = in_diagnose && !pr && !ctx->client_ip && !ctx->egress_ip_url &&
			     !ctx->aks && !ctx->resource_group;
		size_t nchecks = r->nchecks, nfindings = r->nfindings;

		nd_check_apiserver(r, &in);
		if (quiet && r->nfindings == nfindings)
			r->nchecks = nchecks;
	}
	if (pr && !nd_s1_reachable(pr)) {
		ctx->s1_unreachable = true;
		*why = unusable(r, pr);
	}
out:
	free(pr);
	nd_kubeconfig_free(kc);
	/* the S2 checks read the same profile */
	if (!ctx->aks_profile && aks) {
		ctx->aks_profile = aks;
		ctx->aks_tried = true;
	} else {
		nd_aks_free(aks);
	}
	return rc;
}

int cmd_apiserver(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("apiserver");
	bool no_probe = false;
	const char *why;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-probe") == 0) {
			no_probe = true;
		} else if (strcmp(argv[i], "--dns-server") == 0 && i + 1 < argc) {
			dns_server = argv[++i];
		} else {
			return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
		}
	}
	rc = nd_apiserver_checks(ctx, no_probe, false, &why);
	return rc;
}
