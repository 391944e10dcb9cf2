/* SPDX-License-Identifier: MIT */
/*
 * The fleet agent's network checks (cmd.h: nd_agent_node_net): from the
 * node's network, its DNS servers (node/nodedns.h) asked for the names that
 * must resolve, and the kubelet's API server (k8s/kubelet.h) probed in
 * stages, all within the run's deadline; checks/nodenet.c judges.
 *
 * The API server's host is resolved once, by the node's own servers (the
 * same questions node-dns asks), and the probe connects to that address
 * with the certificate checked for the host: nothing is resolved through
 * the resolver of the container netdiag runs in.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "checks/nodenet.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "k8s/kubelet.h"
#include "node/nodedns.h"
#include "probe/probe.h"
#include "core/banned.h"

#define MAX_NAMES 4
#define MAX_ASKS (ND_NODE_DNS_MAX * (MAX_NAMES + 1))
#define DNS_CAP_MS 5000
#define MIN_LEFT_MS 300

struct net_run {
	struct nd_ctx *ctx;
	struct nd_report *r;
	struct nd_arena *a;
	struct nd_nodenet_input in;
	struct nd_node_dns nodedns;
	struct nd_nodenet_dns asks[MAX_ASKS];
	const char *names[MAX_NAMES + 1];
	size_t nnames;
	struct nd_kubeconfig *kc;
	char *kc_path;
	char host[256];
	unsigned port;
	bool https, host_is_ip;
	int64_t deadline;
};

static const char *with_port(struct nd_arena *a, const char *ip, unsigned port, bool url)
{
	struct nd_ip x;
	bool v6 = nd_ip_parse(ip, &x) == 0 && x.family == 6;

	return nd_arena_printf(a, "%s%s%s%s:%u", url ? "https://" : "", v6 ? "[" : "", ip,
			       v6 ? "]" : "", port);
}

static void add_name(struct net_run *x, const char *name)
{
	for (size_t i = 0; i < x->nnames; i++)
		if (strcmp(x->names[i], name) == 0)
			return;
	if (x->nnames < MAX_NAMES + 1)
		x->names[x->nnames++] = name;
}

/* The kubelet's kubeconfig: its server, and the host to resolve. */
static void read_kubelet(struct net_run *x)
{
	struct nd_err e;
	int rc = nd_kubelet_kubeconfig(x->ctx->node_root, &x->kc, &x->kc_path, &e);

	if (rc < 0) {
		x->in.api_error = nd_report_strdup(x->r, e.msg);
		return;
	}
	if (rc > 0) {
		x->in.api_skip = nd_report_printf(x->r, _("no kubelet kubeconfig under '%s' "
							  "(var/lib/kubelet/kubeconfig, "
							  "etc/kubernetes/kubelet.conf)"),
						  x->ctx->node_root);
		return;
	}
	x->in.kubeconfig = nd_report_strdup(x->r, x->kc_path);
	x->in.server = nd_report_strdup(x->r, x->kc->server);
	if (nd_probe_split_url(x->kc->server, x->host, sizeof(x->host), &x->port, &x->https) < 0) {
		x->in.api_error = nd_report_printf(x->r, _("the server '%s' of the kubelet "
							   "kubeconfig '%s' is not an http(s) URL"),
						   x->kc->server, x->kc_path);
		return;
	}
	x->in.api_host = nd_report_strdup(x->r, x->host);
	x->host_is_ip = nd_ip_parse(x->host, &(struct nd_ip){0}) == 0;
	if (!x->host_is_ip)
		add_name(x, x->in.api_host);
}

static void dns_run(struct net_run *x)
{
	struct nd_dns_ask q[MAX_ASKS];
	const char *files = NULL;
	int64_t left, t;
	size_t n = 0;
	struct nd_err e;

	if (nd_node_dns_read(x->ctx->node_root, x->a, &x->nodedns, &e) < 0) {
		x->in.dns_error = nd_report_strdup(x->r, e.msg);
		return;
	}
	for (size_t i = 0; i < x->nodedns.nfiles; i++)
		files = nd_report_printf(x->r, "%s%s%s", files ? files : "", files ? ", " : "",
					 x->nodedns.files[i]);
	x->in.resolv_files = files;
	if (!x->nodedns.nfiles) {
		x->in.dns_skip = nd_report_printf(x->r, _("no resolv.conf under '%s' "
							  "(etc/resolv.conf, "
							  "run/systemd/resolve/resolv.conf)"),
						  x->ctx->node_root);
		return;
	}
	if (!x->nnames) {
		x->in.dns_skip = _("no name to ask: the kubelet kubeconfig's server is an address "
				   "or there is none (give --dns-name NAME)");
		return;
	}
	for (size_t i = 0; i < x->nodedns.n; i++)
		for (size_t k = 0; k < x->nnames && n < MAX_ASKS; k++) {
			struct nd_nodenet_dns *d = &x->asks[n++];

			memset(d, 0, sizeof(*d));
			d->file = x->nodedns.servers[i].file;
			d->ask.server = with_port(x->a, x->nodedns.servers[i].addr, 53, false);
			d->ask.name = x->names[k];
		}
	left = nd_probe_left(x->deadline);
	if (left < MIN_LEFT_MS) {
		/* a question without time would read as a server that does not answer */
		x->in.dns_skip = _("no time left within --timeout to ask the node's DNS servers");
		nd_report_unread(x->r, "%s", _("DNS from the node (no time left within --timeout)"));
		return;
	}
	/* half of what is left, the API server's probe gets the rest */
	t = x->kc && !x->in.api_error ? left / 2 : left - 100;
	if (t > DNS_CAP_MS)
		t = DNS_CAP_MS;
	for (size_t i = 0; i < n; i++)
		q[i] = x->asks[i].ask;
	if (nd_dns_ask_all(q, n, t, &e) < 0) {
		x->in.dns_error = nd_report_strdup(x->r, e.msg);
		return;
	}
	for (size_t i = 0; i < n; i++)
		x->asks[i].ask = q[i];
	x->in.dns = x->asks;
	x->in.ndns = n;
}

/* The address to probe: the host's first answer (IPv4 first), in the servers' order. */
static const char *api_address(struct net_run *x)
{
	const char *any = NULL;

	if (x->host_is_ip)
		return x->in.api_host;
	for (size_t i = 0; i < x->in.ndns; i++) {
		const struct nd_dns_ask *q = &x->asks[i].ask;

		if (strcmp(q->name, x->in.api_host) != 0)
			continue;
		for (size_t j = 0; j < q->naddrs; j++) {
			if (!strchr(q->addrs[j], ':'))
				return nd_report_strdup(x->r, q->addrs[j]);
			if (!any)
				any = nd_report_strdup(x->r, q->addrs[j]);
		}
		if (!any && !x->in.dns_fail)
			x->in.dns_fail = nd_report_printf(x->r, "%s %s: %s", q->server, q->name,
							  nd_dns_error_name(q->answered ? q->error
									    : ND_DNS_TIMEOUT));
	}
	return any;
}

static void api_run(struct net_run *x, struct nd_probe_result *out)
{
	struct nd_kubeconfig k;
	struct nd_probe_opts po = {.no_auth = true};
	const char *addr;
	struct nd_err e;

	if (!x->kc || x->in.api_error || x->in.api_skip)
		return;
	if (!x->host_is_ip && !x->in.ndns) {
		x->in.api_skip = x->in.dns_error ? x->in.dns_error
				 : nd_report_printf(x->r, _("'%s' cannot be resolved from the node: "
							    "%s"), x->in.api_host,
						    x->in.dns_skip ? x->in.dns_skip : "-");
		if (x->in.dns_error) {
			x->in.api_error = x->in.api_skip;
			x->in.api_skip = NULL;
		}
		return;
	}
	addr = api_address(x);
	if (!addr)
		return;   /* dns_fail says why; no probe */
	if (nd_probe_left(x->deadline) < MIN_LEFT_MS) {
		x->in.api_skip = _("no time left within --timeout to probe the API server");
		nd_report_unread(x->r, "%s", _("the API server from the node (no time left within "
					       "--timeout)"));
		return;
	}
	x->in.address = addr;
	k = *x->kc;
	k.server = (char *)with_port(x->a, addr, x->port, true);
	if (!x->https)
		k.server = (char *)nd_arena_printf(x->a, "http%s", k.server + 5);
	/* the certificate is checked for the kubeconfig's name, as the kubelet checks it */
	if (!k.tls_server_name && !x->host_is_ip)
		k.tls_server_name = x->host;
	k.proxy_url = NULL;
	k.exec = NULL;
	po.timeout_ms = nd_probe_left(x->deadline) - 100;
	if (nd_probe_apiserver(&k, &po, out, &e) < 0) {
		x->in.api_error = nd_report_strdup(x->r, e.msg);
		return;
	}
	x->in.probe = out;
}

void nd_agent_node_net(struct nd_ctx *ctx, const struct nd_agent_net_opts *o)
{
	struct net_run *x = nd_xcalloc(1, sizeof(*x));
	struct nd_probe_result *pr = nd_xcalloc(1, sizeof(*pr));

	x->ctx = ctx;
	x->r = ctx->report;
	x->a = nd_arena_new(4096);
	x->deadline = ctx->deadline_ms ? ctx->deadline_ms : nd_now_ms() + ctx->timeout_ms;
	x->in.node = ctx->node;
	x->in.timeout_ms = ctx->timeout_ms;
	if (o->no_probe) {
		x->in.dns_skip = _("not probed (--no-probe)");
		x->in.api_skip = x->in.dns_skip;
	} else {
		read_kubelet(x);
		for (size_t i = 0; i < o->ndns_names; i++)
			add_name(x, o->dns_names[i]);
		dns_run(x);
		api_run(x, pr);
	}
	nd_check_nodenet(ctx->report, &x->in);
	nd_kubeconfig_free(x->kc);
	free(x->kc_path);
	nd_arena_free(x->a);
	free(pr);
	free(x);
}
