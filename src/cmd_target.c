/* SPDX-License-Identifier: MIT */
/* netdiag service NAME, pod NAME: the checks of one scenario, narrowed to one object. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "checks/epprobe.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "policy/netpol.h"
#include "policy/netpol_report.h"
#include "core/banned.h"

#define FROM_MAX_FINDINGS 20   /* denied endpoint flows reported as findings */

/* "ns/name" or "name" with -n (default "default"). Returns the name part. */
static const char *split_name(const struct nd_ctx *ctx, const char *arg, char *ns, size_t nslen)
{
	const char *slash = strchr(arg, '/');

	if (slash && (size_t)(slash - arg) < nslen) {
		memcpy(ns, arg, (size_t)(slash - arg));
		ns[slash - arg] = '\0';
		return slash + 1;
	}
	snprintf(ns, nslen, "%s", ctx->ns ? ctx->ns : "default");
	return arg;
}

/* The positional argument, refusing options this command does not know. */
static const char *one_arg(const struct nd_cmd *cmd, int argc, char **argv, int *rc)
{
	const char *name = NULL;
	int i;

	*rc = ND_EXIT_OK;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			*rc = nd_usage_error(cmd, _("unknown option '%s'"), argv[i]);
			return NULL;
		}
		if (name) {
			*rc = nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
			return NULL;
		}
		name = argv[i];
	}
	if (!name && cmd->min_args)
		*rc = nd_usage_error(cmd, _("missing argument"));
	return name;
}

/* Whether the address was already evaluated (an IP in both a slice and Endpoints). */
static bool seen_ip(const char **seen, size_t n, const char *ip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(seen[i], ip) == 0)
			return true;
	return false;
}

/*
 * service --from: the NetworkPolicy verdict from src to every ready
 * endpoint on each Service port's target port, as the "service-netpol"
 * check; a netpol-denies finding per denied flow (at most FROM_MAX_FINDINGS).
 */
static void from_check(struct nd_ctx *ctx, const struct nd_np_engine *e,
		       const struct nd_service *svc, const struct nd_np_ep *src)
{
	const struct nd_model *m = ctx->model;
	struct nd_report *r = ctx->report;
	const uint32_t *sets;
	const char **seen = NULL;
	size_t nsets, i, nseen = 0, cap = 0, flows = 0, denied = 0, unresolved = 0;
	bool slices = false;
	uint32_t j, k;

	if (!nd_check_runnable(ctx, "service-netpol"))
		return;
	nd_check_begin(r, "service-netpol", "S3");
	sets = nd_model_epsets_of(m, svc->m.ns, svc->m.name, &nsets);
	for (i = 0; i < nsets; i++)
		slices |= m->epsets.v[sets[i]].is_slice;
	for (i = 0; i < nsets; i++) {
		const struct nd_epset *es = &m->epsets.v[sets[i]];

		if (slices && !es->is_slice)
			continue;   /* slices are what kube-proxy reads */
		for (j = 0; j < es->naddrs; j++) {
			const struct nd_epaddr *ad = &es->addrs[j];
			const struct nd_pod *p;
			struct nd_np_ep dst;

			if (!ad->ready || !ad->ip || seen_ip(seen, nseen, ad->ip))
				continue;
			ND_GROW(seen, cap, nseen + 1);
			seen[nseen++] = ad->ip;
			p = nd_endpoint_pod(m, svc->m.ns, ad);
			nd_np_ep_pod(&dst, p);
			if (nd_ip_parse(ad->ip, &dst.ip) < 0)
				continue;
			for (k = 0; k < svc->nports; k++) {
				struct nd_np_port q = {.proto = svc->ports[k].proto};
				struct nd_np_verdict v;

				q.port = nd_svcport_target(&svc->ports[k], es, p);
				if (!q.port) {
					unresolved++;
					continue;
				}
				nd_np_evaluate(e, src, &dst, &q, r->arena, &v);
				flows++;
				if (!v.allowed && denied++ < FROM_MAX_FINDINGS)
					nd_np_add_finding(r, e, src, &dst, &q, &v);
			}
		}
	}
	free(seen);
	if (!flows) {
		nd_check_end(r, ND_CHECK_SKIP,
			     unresolved ? _("no ready endpoint declares the Service's target ports")
					: _("the Service has no ready endpoints to evaluate"));
		return;
	}
	nd_check_end(r, ND_CHECK_PASS,
		     nd_report_printf(r, _("from %s: %zu of %zu endpoint flows allowed by "
					   "NetworkPolicy"), nd_np_ep_name(src, r->arena),
				      flows - denied, flows));
}

static int not_found(struct nd_ctx *ctx, const char *cmdname, enum nd_kind k, const char *what);

int cmd_service(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("service");
	char ns[256];
	struct nd_scope scope = {0};
	const struct nd_service *svc;
	const char *arg = NULL, *name, *from = NULL;
	struct nd_np_engine *e = NULL;
	struct nd_np_ep src;
	struct nd_err err;
	bool probe = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--probe") == 0) {
			probe = true;
		} else if (strcmp(a, "--from") == 0) {
			if (i + 1 >= argc)
				return nd_usage_error(cmd, _("option '%s' needs a value"), a);
			from = argv[++i];
		} else if (strncmp(a, "--from=", 7) == 0) {
			from = a + 7;
		} else if (a[0] == '-') {
			return nd_usage_error(cmd, _("unknown option '%s'"), a);
		} else if (arg) {
			return nd_usage_error(cmd, _("unexpected argument '%s'"), a);
		} else {
			arg = a;
		}
	}
	if (!arg)
		return nd_usage_error(cmd, _("missing argument"));
	if (from && !*from)
		return nd_usage_error(cmd, _("--from needs NAMESPACE/POD or an IP address"));
	name = split_name(ctx, arg, ns, sizeof(ns));
	svc = nd_model_service(ctx->model, ns, name);
	if (!svc)
		return not_found(ctx, "service", ND_K_SERVICE,
				 nd_report_printf(ctx->report, "Service '%s/%s'", ns, name));
	if (from) {
		/* checked before any check runs: a usage error prints no report */
		e = nd_np_engine_new(ctx->model);
		if (nd_np_ep_parse(e, from, ctx->ns, &src, &err) < 0) {
			nd_np_engine_free(e);
			return nd_usage_error(cmd, "--from: %s", err.msg);
		}
	}
	scope.ns = ns;
	scope.service = name;
	/* the Service asked about comes first in the report */
	ctx->report->focus = (struct nd_subject){"Service", svc->m.ns, svc->m.name};
	if (strcmp(ns, "default") == 0 &&
	    (strcmp(name, "kubernetes") == 0 || strcmp(name, "kubernetes-internal") == 0))
		nd_run_checks(ctx, &scope, ND_RUN_S4);
	else
		nd_run_checks(ctx, &scope, ND_RUN_S3);
	if (e)
		from_check(ctx, e, svc, &src);
	nd_np_engine_free(e);
	if (probe)
		nd_endpoint_probes(ctx, &scope);
	return ND_EXIT_OK;
}

/*
 * The object asked about is not in the model: a usage error, unless its
 * kind could not be read from the API server; then nobody can tell (exit 3).
 */
static int not_found(struct nd_ctx *ctx, const char *cmdname, enum nd_kind k, const char *what)
{
	const char *why[ND_K__COUNT] = {0};

	nd_live_source_unread(ctx->live, ctx->report, why);
	if (why[k]) {
		fprintf(stderr, "netdiag %s: %s\n", cmdname,
			nd_report_printf(ctx->report, _("cannot tell whether %s exists: %s"), what,
					 why[k]));
		return ND_EXIT_NORUN;
	}
	fprintf(stderr, "netdiag %s: %s\n", cmdname,
		nd_report_printf(ctx->report, _("%s is not in the source"), what));
	return ND_EXIT_USAGE;
}

int cmd_pod(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("pod");
	char ns[256];
	struct nd_scope scope = {0};
	const struct nd_pod *p;
	const char *arg, *name;
	int rc;

	arg = one_arg(cmd, argc, argv, &rc);
	if (!arg)
		return rc;
	name = split_name(ctx, arg, ns, sizeof(ns));
	p = nd_model_pod(ctx->model, ns, name);
	if (!p)
		return not_found(ctx, "pod", ND_K_POD,
				 nd_report_printf(ctx->report, "Pod '%s/%s'", ns, name));
	scope.ns = ns;
	scope.pod = name;
	ctx->report->focus = (struct nd_subject){"Pod", p->m.ns, p->m.name};
	scope.node = p->node ? p->node : "";
	nd_run_checks(ctx, &scope, ND_RUN_S2);
	return ND_EXIT_OK;
}
