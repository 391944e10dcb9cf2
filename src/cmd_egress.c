/* SPDX-License-Identifier: MIT */
/*
 * netdiag egress: AKS's required outbound destinations from here. The data
 * (aks/egress.h) is expanded for the cluster's profile and --also, every
 * destination is probed at once (probe/probe.h: nd_probe_dests), and
 * checks/egress.c turns what came back into the table and the findings.
 * incluster and diagnose call nd_egress_checks() (cmd.h) the same way.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aks/aks.h"
#include "aks/egress.h"
#include "checks/egress.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "core/num.h"
#include "k8s/http.h"
#include "probe/probe.h"
#include "core/banned.h"

#define MAX_CONCURRENCY 64
#define DATA_FILE_MAX (1u << 20)

const char nd_egress_help[] =
	N_("Tests, from where it runs (a pod, a node, any machine), every outbound\n"
	"destination AKS requires: DNS, then TCP, then TLS (with ALPN where the rule\n"
	"needs it), then an HTTP request where it applies, all destinations at once and\n"
	"within --timeout. Each destination says why AKS needs it and when it does not;\n"
	"a failure gives egress-blocked with the stage, the error and the firewall rule\n"
	"to add, and TLS interception (a certificate that does not chain to the system\n"
	"store and --ca-file, or a proxy's issuer) is told apart from a drop.\n"
	"The list is data/aks-egress.json (built in); --aks FILE (az aks show) fills the\n"
	"region and the API server name and adds the destinations of the cluster's\n"
	"add-ons and node pools. Sets: required (always), recommended, apiserver-ip,\n"
	"mcr-edge, tunnel, ntp, custom-dns, gpu, windows, monitoring, policy, keyvault,\n"
	"defender, extensions, all.\n");

/* "IP", "IP:PORT" or "[IPv6]:PORT" -> c-ares' form. -1 with e filled. */
static int dns_server_check(const char *s, struct nd_err *e)
{
	char host[64];
	const char *port = NULL;
	struct nd_ip ip;
	size_t hl;

	if (*s == '[') {
		const char *end = strchr(s, ']');

		if (!end || (end[1] && end[1] != ':'))
			return nd_err_set(e, _("--dns-server '%s': write IPv6 as [ADDR]:PORT"), s);
		hl = (size_t)(end - s - 1);
		if (hl >= sizeof(host))
			return nd_err_set(e, _("--dns-server '%s': not an IP address"), s);
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		port = end[1] ? end + 2 : NULL;
	} else {
		const char *c = strchr(s, ':');

		if (c && strchr(c + 1, ':'))
			c = NULL;   /* a bare IPv6 address */
		hl = c ? (size_t)(c - s) : strlen(s);
		if (hl >= sizeof(host))
			return nd_err_set(e, _("--dns-server '%s': not an IP address"), s);
		memcpy(host, s, hl);
		host[hl] = '\0';
		port = c ? c + 1 : NULL;
	}
	if (nd_ip_parse(host, &ip) < 0)
		return nd_err_set(e, _("--dns-server '%s': '%s' is not an IP address"), s, host);
	if (port) {
		int64_t v;

		if (nd_parse_i64(port, strlen(port), 1, 65535, &v) < 0)
			return nd_err_set(e, _("--dns-server '%s': the port must be a number from 1 to "
					  "65535"), s);
	}
	return 0;
}

static int load_data(const char *path, struct nd_egress_data **d, struct nd_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!path)
		return nd_egress_data_parse(nd_egress_builtin, nd_egress_builtin_len,
					    "data/aks-egress.json (built in)", d, e);
	if (nd_read_file(path, DATA_FILE_MAX, &buf, &len, e) < 0)
		return -1;
	rc = nd_egress_data_parse(buf, len, path, d, e);
	free(buf);
	return rc;
}

static const char *source_mode(const struct nd_ctx *ctx)
{
	if (ctx->node_root)
		return "node";
	if (getenv("KUBERNETES_SERVICE_HOST") && *getenv("KUBERNETES_SERVICE_HOST"))
		return "in-cluster";
	return "live";
}

int nd_egress_checks(struct nd_ctx *ctx, const struct nd_egress_opts *o)
{
	const char *cmd = o->caller ? o->caller : "egress";
	struct nd_report *r = ctx->report;
	struct nd_egress_data *data = NULL;
	struct nd_aks_profile *own = NULL;
	const struct nd_aks_profile *aks = o->aks;
	struct nd_egress_list dests = {0};
	struct nd_egress_env env = {0};
	struct nd_egress_input in = {0};
	struct nd_dest_req *q = NULL;
	struct nd_dest_result *res = NULL;
	struct nd_arena *a = nd_arena_new(4096);
	struct nd_val *rows;
	struct nd_err e;
	char region[64];
	int64_t deadline = ctx->deadline_ms ? ctx->deadline_ms
					    : nd_now_ms() + (ctx->timeout_ms > 0 ? ctx->timeout_ms : 10000);
	int rc = ND_EXIT_USAGE;
	size_t i;

	if (o->ca_file && nd_tls_ca_file_check(o->ca_file, &e) < 0)
		goto usage;
	if (o->dns_server && dns_server_check(o->dns_server, &e) < 0)
		goto usage;
	if (load_data(o->data_file, &data, &e) < 0)
		goto usage;
	if (!aks && ctx->aks) {
		if (nd_aks_load_file(ctx->aks, &own, &e) < 0)
			goto usage;
		aks = own;
	} else if (!aks && ctx->resource_group && ctx->cluster_name) {
		if (nd_aks_from_az(ctx->resource_group, ctx->cluster_name,
				   nd_probe_left(deadline) / 3, &own, &e) < 0)
			fprintf(stderr, "netdiag %s: %s\n", cmd, e.msg);
		aks = own;
	}
	nd_egress_env_from_profile(aks, a, &env);
	if (o->apiserver_fqdn && *o->apiserver_fqdn)
		env.fqdn = o->apiserver_fqdn;
	/* in a pod whose KUBERNETES_SERVICE_HOST is the API server's FQDN (AKS's
	 * kubernetes.azure.com/set-kube-service-host-fqdn, kube-system pods) */
	if (!env.fqdn && !aks) {
		const char *h = getenv("KUBERNETES_SERVICE_HOST");

		if (nd_egress_region_of(h, region, sizeof(region)))
			env.fqdn = nd_arena_strdup(a, h);
	}
	if (!env.region && env.fqdn)
		env.region = nd_egress_region_of(env.fqdn, region, sizeof(region));
	env.include = o->include;
	if (nd_egress_expand(data, &env, &dests, &e) < 0)
		goto usage;
	for (i = 0; i < o->nalso; i++)
		if (nd_egress_also_parse(o->also[i], &dests, &e) < 0)
			goto usage;

	if (r && !ctx->snapshot && (!r->source.mode || strcmp(r->source.mode, "snapshot") == 0))
		r->source.mode = source_mode(ctx);
	in.dests = &dests;
	in.data = data;
	in.dns_servers = o->dns_server;
	in.cluster = aks ? aks->name : NULL;
	in.resource_group = aks ? aks->resource_group : NULL;
	in.timeout_ms = ctx->timeout_ms;
	if (o->no_probe || ctx->snapshot) {
		in.no_probe = o->no_probe ? "--no-probe" : _("offline (--snapshot)");
	} else {
		struct nd_dest_opts po = {0};
		size_t n = 0;
		size_t *map = nd_xcalloc(dests.n ? dests.n : 1, sizeof(*map));

		q = nd_xcalloc(dests.n ? dests.n : 1, sizeof(*q));
		res = nd_xcalloc(dests.n ? dests.n : 1, sizeof(*res));
		for (i = 0; i < dests.n; i++) {
			const struct nd_egress_dest *d = &dests.v[i];

			if (d->skip)
				continue;
			q[n].host = d->host;
			q[n].port = d->port;
			q[n].tls = d->scheme == ND_EG_TLS || d->scheme == ND_EG_HTTPS;
			q[n].http = d->scheme == ND_EG_HTTPS || d->scheme == ND_EG_HTTP;
			q[n].alpn = d->alpn;
			map[n++] = i;
		}
		po.dns_servers = o->dns_server;
		po.ca_file = o->ca_file;
		/* a little of the deadline is kept for reasoning and printing */
		po.deadline = deadline - 100;
		po.concurrency = o->concurrency;
		{
			struct nd_dest_result *tmp = nd_xcalloc(n ? n : 1, sizeof(*tmp));

			if (n)
				nd_probe_dests(q, n, &po, tmp);
			for (i = 0; i < n; i++)
				res[map[i]] = tmp[i];
			free(tmp);
		}
		free(map);
		in.res = res;
	}
	rows = nd_check_egress(r, &in);
	if (o->table) {
		struct nd_val *top = nd_val_obj(r), *src;

		nd_obj_str(r, top, "data_version", data->version);
		nd_obj_str(r, top, "data_date", data->date);
		nd_obj_str(r, top, "cloud", data->cloud);
		nd_obj_str(r, top, "region", env.region);
		nd_obj_str(r, top, "apiserver_fqdn", env.fqdn);
		nd_obj_str(r, top, "features", env.features);
		src = nd_obj_arr(r, top, "sources");
		for (i = 0; i < data->nsources; i++)
			nd_arr_str(r, src, data->sources[i]);
		nd_obj_put(r, top, "destinations", rows);
		r->verdict = top;
		if (in.res)
			r->answer = nd_report_printf(r, _("every destination probed is reachable (%zu "
							  "listed)"), dests.n);
		else
			r->answer = nd_report_printf(r, _("%zu destinations listed, none probed"),
						     dests.n);
	}
	rc = ND_EXIT_OK;
	goto out;
usage:
	fprintf(stderr, "netdiag %s: %s\n", cmd, e.msg);
out:
	free(q);
	free(res);
	nd_egress_list_release(&dests);
	nd_egress_data_free(data);
	nd_aks_free(own);
	nd_arena_free(a);
	return rc;
}

int cmd_egress(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("egress");
	struct nd_egress_opts o = {.table = true};
	const char **also = nd_xcalloc((size_t)argc + 1, sizeof(*also));
	int i, rc;

	o.also = also;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--no-probe") == 0) {
			o.no_probe = true;
			continue;
		}
		if (!v)
			goto bad;
		if (strcmp(a, "--also") == 0) {
			also[o.nalso++] = v;
		} else if (strcmp(a, "--include") == 0) {
			o.include = v;
		} else if (strcmp(a, "--ca-file") == 0) {
			o.ca_file = v;
		} else if (strcmp(a, "--dns-server") == 0) {
			o.dns_server = v;
		} else if (strcmp(a, "--data") == 0) {
			o.data_file = v;
		} else if (strcmp(a, "--concurrency") == 0) {
			int64_t n;

			if (nd_parse_i64(v, strlen(v), 1, MAX_CONCURRENCY, &n) < 0) {
				free(also);
				return nd_usage_error(cmd, _("--concurrency takes a number from 1 to %d, "
							     "not '%s'"), MAX_CONCURRENCY, v);
			}
			o.concurrency = (unsigned)n;
		} else {
			goto bad;
		}
		i++;
	}
	rc = nd_egress_checks(ctx, &o);
	free(also);
	return rc;
bad:
	free(also);
	return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
}
