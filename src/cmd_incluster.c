/* SPDX-License-Identifier: MIT */
/*
 * netdiag incluster: S4 from inside a pod. The I/O is here: the pod's
 * credentials (the standard way, k8s/kubeconfig.h), the guide's request
 * through the Service VIP, the FQDN and each endpoint (probe/probe.h), the
 * cluster's objects listed through the first path that works (livesrc.c),
 * and the DNS questions (one to each server, at once). checks/incluster.c
 * turns the results into checks and findings; the registry's S4 rows
 * (kubernetes-service, kube-apiserver, netpol-blocks-apiserver) then run on
 * the model with the pod as their vantage.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aks/aks.h"
#include "checks/incluster.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "k8s/http.h"
#include "k8s/apierr.h"
#include "k8s/kubeconfig.h"
#include "k8s/live.h"
#include "k8s/model.h"
#include "node/resolvconf.h"
#include "probe/probe.h"
#include "manifest.h"
#include "core/banned.h"

#define MAX_UPSTREAM 8
#define MAX_ENDPOINTS 8
#define MAX_COREDNS 16
#define MAX_DNS (2 * (MAX_COREDNS + ND_RESOLV_MAX_NS + MAX_UPSTREAM + 1))
#define RESOLV_MAX (64 * 1024)
#define DNS_CAP_MS 6000          /* a little over 5 s, so a slow answer is seen as slow */
#define PATH_CAP_MS 5000
#define MIN_LEFT_MS 500          /* less than this left: a probe would only time out */
/* The name every API server certificate carries, checked when the host is an endpoint's IP. */
#define APISERVER_NAME "kubernetes.default.svc"
#define GUIDE_PATH "/api/v1/namespaces/default/pods?limit=1"

const char nd_incluster_help[] =
	N_("Run inside a pod (kubectl run, or the Job of deploy/). Makes the guide's\n"
	"request, GET /api/v1/namespaces/default/pods with the service-account token,\n"
	"through the kubernetes Service's VIP (KUBERNETES_SERVICE_HOST/_PORT), the\n"
	"cluster's FQDN (--fqdn, or the --aks profile) and each of the Service's\n"
	"endpoints, each in stages (DNS, TCP, TLS against ca.crt, HTTP), and tells a\n"
	"broken Service path from an unreachable API server; then DNS from the pod:\n"
	"each CoreDNS pod, the kube-dns Service, the resolv.conf servers and the\n"
	"upstreams, and on a private cluster its private FQDN through each of them.\n"
	"The whole run ends within --timeout (10s).\n"
	"With --egress, also AKS's required outbound destinations (as netdiag egress);\n"
	"--print-manifest prints the ServiceAccount, read-only RBAC and Job that run it.\n");

struct ic_opts {
	const char *sa_dir, *pod, *fqdn, *private_fqdn, *resolv;
	const char *upstream[MAX_UPSTREAM];
	size_t nupstream;
	bool egress, print_manifest;
	const char *image;
};

struct ic_run {
	struct nd_ctx *ctx;
	struct nd_report *r;
	struct nd_kubeconfig *kc;
	struct nd_incluster_input in;
	struct nd_probe_result service, fqdn, endpoints[MAX_ENDPOINTS];
	struct nd_ic_path ep_paths[MAX_ENDPOINTS];
	struct nd_ic_dns dns[MAX_DNS];
	struct nd_resolv resolv;
	struct nd_arena *a;
	int64_t deadline;
	const char *unread[ND_K__COUNT];   /* what the listing could not read */
};

static int parse(const struct nd_cmd *cmd, int argc, char **argv, struct ic_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--egress") == 0 || strcmp(a, "--print-manifest") == 0) {
			*(a[2] == 'e' ? &o->egress : &o->print_manifest) = true;
			continue;
		}
		if (!v || a[0] != '-')
			return nd_usage_error(cmd, _("unexpected argument '%s'"), a);
		i++;
		if (strcmp(a, "--sa-dir") == 0)
			o->sa_dir = v;
		else if (strcmp(a, "--pod") == 0)
			o->pod = v;
		else if (strcmp(a, "--fqdn") == 0)
			o->fqdn = v;
		else if (strcmp(a, "--private-fqdn") == 0)
			o->private_fqdn = v;
		else if (strcmp(a, "--image") == 0)
			o->image = v;
		else if (strcmp(a, "--resolv-conf") == 0)
			o->resolv = v;
		else if (strcmp(a, "--upstream-dns") == 0) {
			if (o->nupstream >= MAX_UPSTREAM)
				return nd_usage_error(cmd, _("at most %d --upstream-dns"), MAX_UPSTREAM);
			o->upstream[o->nupstream++] = v;
		} else {
			return nd_usage_error(cmd, _("unexpected argument '%s'"), a);
		}
	}
	if (o->pod && (!strchr(o->pod, '/') || o->pod[0] == '/' || !strchr(o->pod, '/')[1]))
		return nd_usage_error(cmd, _("--pod takes NAMESPACE/NAME, not '%s'"), o->pod);
	return ND_EXIT_OK;
}

static int64_t budget(const struct ic_run *x, int64_t share, int64_t cap)
{
	int64_t left = nd_probe_left(x->deadline) - 100;
	int64_t t = share > 1 ? left / share : left;

	if (t > cap)
		t = cap;
	return t < 1 ? 1 : t;
}

/* "https://" host ":" port, IPv6 in brackets. */
static const char *url_of(struct nd_arena *a, const char *host, unsigned port)
{
	return nd_arena_printf(a, strchr(host, ':') ? "https://[%s]:%u" : "https://%s:%u", host,
			       port);
}

/* The guide's request to url, the certificate checked for tls_name (NULL: the URL's host). */
static void probe(struct ic_run *x, struct nd_ic_path *pa, enum nd_ic_via via, const char *url,
		  const char *tls_name, struct nd_probe_result *out, int64_t timeout)
{
	struct nd_kubeconfig k = *x->kc;
	struct nd_probe_opts po = {.timeout_ms = timeout, .auth_path = GUIDE_PATH};
	struct nd_err e;

	pa->via = via;
	pa->target = url;
	pa->tls_name = tls_name;
	k.server = (char *)url;
	k.tls_server_name = (char *)tls_name;
	k.proxy_url = NULL;
	if (nd_probe_apiserver(&k, &po, out, &e) < 0) {
		pa->skip = nd_report_strdup(x->r, e.msg);
		return;
	}
	pa->probe = out;
	if (!pa->tls_name)
		pa->tls_name = nd_report_strdup(x->r, out->host);
}

/* The path answered with credentials (a PodList, or 403): objects can be listed through it. */
static bool usable(const struct nd_ic_path *pa)
{
	return pa->probe && pa->probe->auth.status != ND_STAGE_NOT_RUN &&
	       (pa->probe->auth.status == ND_STAGE_PASS || pa->probe->auth.http == 403);
}

static void list_objects(struct ic_run *x, const char *sa_dir)
{
	struct nd_ctx *ctx = x->ctx;
	const struct nd_ic_path *via = usable(&x->in.service) ? &x->in.service
				       : usable(&x->in.fqdn) ? &x->in.fqdn : NULL;
	struct nd_kubeconfig *kc;
	struct nd_err e;

	/* the session owns its own copy of the credentials, pointed at the path that works */
	if (via && nd_kubeconfig_in_cluster(sa_dir, &kc, &e) == 0) {
		free(kc->server);
		kc->server = nd_xstrdup(via->target);
		if (via->via == ND_VIA_FQDN)
			kc->tls_server_name = NULL;
		if (nd_live_source_open_kc(ctx, "incluster", kc) == ND_EXIT_OK) {
			x->in.listed_via = via->target;
			ctx->have_source = true;
			return;
		}
	}
	nd_live_source_free(ctx->live);
	ctx->live = NULL;
	nd_model_free(ctx->model);
	ctx->model = nd_model_new();
	nd_model_finish(ctx->model);
	nd_report_unread(x->r, "%s", via ? _("the cluster's objects (listing them failed)")
				     : _("the cluster's objects (the API server could not be reached "
					 "from the pod to list them)"));
}

/* A 403 on the guide's request: the API server's own answer for it, when it lets the pod ask. */
static void self_review(struct ic_run *x)
{
	struct nd_access_review rq = {.verb = "list", .group = "", .resource = "pods",
				      .ns = "default"};
	struct nd_access_answer ans;
	struct nd_api_error ae;
	struct nd_live *lv = nd_live_session_client(x->ctx->live);
	bool forbidden = x->service.auth.http == 403 || x->fqdn.auth.http == 403;

	x->in.sar_allowed = -1;
	if (!forbidden || !lv)
		return;
	if (nd_live_access_review(lv, &rq, &ans, &ae) < 0) {
		x->in.sar_reason = nd_report_printf(x->r, _("cannot ask the API server: %s"),
						    ae.message);
		return;
	}
	x->in.sar_allowed = ans.allowed;
	x->in.sar_reason = ans.reason[0] ? nd_report_strdup(x->r, ans.reason) : NULL;
}

static void probe_endpoints(struct ic_run *x)
{
	struct nd_ic_apiep eps[MAX_ENDPOINTS];
	const struct nd_service *svc;
	size_t n;

	if (!x->ctx->have_source) {
		x->in.endpoints_skip = _("the kubernetes Service's endpoints are unknown: its objects "
					 "could not be listed (give --fqdn to list them through the "
					 "cluster's FQDN)");
		return;
	}
	if (x->unread[ND_K_SERVICE] || x->unread[ND_K_ENDPOINTSLICE] || x->unread[ND_K_ENDPOINTS]) {
		x->in.endpoints_skip = x->unread[ND_K_SERVICE] ? x->unread[ND_K_SERVICE]
				       : x->unread[ND_K_ENDPOINTSLICE] ? x->unread[ND_K_ENDPOINTSLICE]
				       : x->unread[ND_K_ENDPOINTS];
		return;
	}
	n = nd_ic_api_endpoints(x->ctx->model, eps, MAX_ENDPOINTS, &svc);
	if (!n) {
		x->in.endpoints_skip = svc ? _("the kubernetes Service has no ready endpoint (see "
					       "kubernetes-service)")
					   : _("the default/kubernetes Service is not in the cluster");
		return;
	}
	if (nd_probe_left(x->deadline) < MIN_LEFT_MS) {
		x->in.endpoints_skip = _("no time left within --timeout to ask the endpoints");
		nd_report_unread(x->r, "%s", _("the API server's endpoints (no time left within "
						"--timeout)"));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *url = url_of(x->a, eps[i].ip, (unsigned)eps[i].port);

		probe(x, &x->ep_paths[i], ND_VIA_ENDPOINT, url, APISERVER_NAME, &x->endpoints[i],
		      budget(x, (int64_t)(n - i) + 1, PATH_CAP_MS));
		/* an API server's certificate may name its address instead: the path is what is tested */
		if (x->ep_paths[i].probe && x->endpoints[i].tls.status == ND_STAGE_FAIL &&
		    x->endpoints[i].tls.reason == ND_TLS_NAME_MISMATCH &&
		    nd_probe_left(x->deadline) >= MIN_LEFT_MS)
			probe(x, &x->ep_paths[i], ND_VIA_ENDPOINT, url, NULL, &x->endpoints[i],
			      budget(x, (int64_t)(n - i) + 1, PATH_CAP_MS));
	}
	x->in.endpoints = x->ep_paths;
	x->in.nendpoints = n;
}

static void ask(struct ic_run *x, enum nd_ic_dns_role role, const char *pod, const char *server,
		const char *name, bool private_q)
{
	struct nd_ic_dns *d;

	if (!name || !server || x->in.ndns >= MAX_DNS)
		return;
	for (size_t i = 0; i < x->in.ndns; i++)
		if (strcmp(x->dns[i].ask.server, server) == 0 && strcmp(x->dns[i].ask.name, name) == 0)
			return;
	d = &x->dns[x->in.ndns++];
	memset(d, 0, sizeof(*d));
	d->role = role;
	d->pod = pod;
	d->private_fqdn = private_q;
	d->ask.server = server;
	d->ask.name = name;
}

/* "10.0.0.10" -> "10.0.0.10:53", "fd00::a" -> "[fd00::a]:53"; IP[:PORT] as given. */
static const char *dns_server(struct nd_arena *a, const char *ip)
{
	struct nd_ip x;

	if (nd_ip_parse(ip, &x) == 0)
		return nd_arena_printf(a, x.family == 6 ? "[%s]:53" : "%s:53", ip);
	return ip;
}

static void dns_questions(struct ic_run *x, const struct ic_opts *o)
{
	const struct nd_model *m = x->ctx->model;
	const char *kdns = NULL;
	const struct nd_service *k;
	char *buf = NULL;
	size_t len;
	struct nd_err e;

	x->in.resolv_file = o->resolv ? o->resolv : "/etc/resolv.conf";
	if (nd_read_file(x->in.resolv_file, RESOLV_MAX, &buf, &len, &e) == 0) {
		nd_resolv_parse(buf, len, x->a, &x->resolv);
		x->in.resolv = &x->resolv;
		free(buf);
	} else {
		x->in.resolv_error = nd_report_strdup(x->r, e.msg);
		fprintf(stderr, "netdiag incluster: %s\n", e.msg);
	}
	x->in.cluster_domain = x->in.resolv ? nd_resolv_cluster_domain(x->in.resolv) : NULL;
	if (!x->in.cluster_domain)
		x->in.cluster_domain = "cluster.local";
	x->in.dns_name = nd_arena_printf(x->a, "kubernetes.default.svc.%s", x->in.cluster_domain);
	k = nd_model_service(m, "default", "kubernetes");
	if (k && k->cluster_ip && strcmp(k->cluster_ip, "None") != 0)
		x->in.dns_expect = k->cluster_ip;
	else if (x->in.host && nd_ip_parse(x->in.host, &(struct nd_ip){0}) == 0)
		x->in.dns_expect = x->in.host;

	/* each CoreDNS pod, the kube-dns Service, the pod's own servers, the upstreams */
	for (size_t i = 0, n = 0; i < m->pods.n && n < MAX_COREDNS; i++) {
		const struct nd_pod *p = &m->pods.v[i];
		const char *app = nd_labels_get(&p->m.labels, "k8s-app");

		if (!app || strcmp(app, "kube-dns") != 0 || strcmp(p->m.ns, "kube-system") != 0 ||
		    !p->nips || !nd_pod_is_live(p) || p->host_network)
			continue;
		ask(x, ND_DNS_ROLE_POD, nd_arena_printf(x->a, "%s/%s", p->m.ns, p->m.name),
		    dns_server(x->a, p->ips[0]), x->in.dns_name, false);
		n++;
	}
	k = nd_model_service(m, "kube-system", "kube-dns");
	if (k && k->cluster_ip && strcmp(k->cluster_ip, "None") != 0) {
		kdns = dns_server(x->a, k->cluster_ip);
		ask(x, ND_DNS_ROLE_SERVICE, NULL, kdns, x->in.dns_name, false);
		ask(x, ND_DNS_ROLE_SERVICE, NULL, kdns, x->in.private_fqdn, true);
	}
	/*
	 * The pod's own servers: the cluster's DNS when its search list names
	 * svc.<domain> (dnsPolicy ClusterFirst), else the node's (dnsPolicy
	 * Default), which cannot know the cluster's names: asked like upstreams.
	 */
	for (size_t i = 0; x->in.resolv && i < x->resolv.nns; i++) {
		const char *sv = dns_server(x->a, x->resolv.ns[i]);
		bool cluster = nd_resolv_cluster_domain(&x->resolv) != NULL;

		ask(x, cluster ? ND_DNS_ROLE_RESOLV : ND_DNS_ROLE_UPSTREAM, NULL, sv,
		    cluster ? x->in.dns_name : x->in.fqdn_name, false);
		ask(x, cluster ? ND_DNS_ROLE_RESOLV : ND_DNS_ROLE_UPSTREAM, NULL, sv,
		    x->in.private_fqdn, true);
	}
	for (size_t i = 0; i < o->nupstream; i++) {
		const char *sv = dns_server(x->a, o->upstream[i]);

		ask(x, ND_DNS_ROLE_UPSTREAM, NULL, sv, x->in.fqdn_name, false);
		ask(x, ND_DNS_ROLE_UPSTREAM, NULL, sv, x->in.private_fqdn, true);
	}
	if (!x->in.ndns) {
		x->in.dns_skip = x->in.resolv_error ? x->in.resolv_error
				 : _("no DNS server known: no CoreDNS pods, kube-dns Service or "
				     "resolv.conf nameserver");
		return;
	}
}

static void dns_run(struct ic_run *x)
{
	struct nd_dns_ask asks[MAX_DNS];
	struct nd_err e;

	if (!x->in.ndns)
		return;
	if (nd_probe_left(x->deadline) < MIN_LEFT_MS) {
		/* a question without time would read as a server that does not answer */
		x->in.dns_skip = _("no time left within --timeout to ask the DNS servers");
		nd_report_unread(x->r, "%s", _("DNS from the pod (no time left within --timeout)"));
		x->in.ndns = 0;
		return;
	}
	for (size_t i = 0; i < x->in.ndns; i++)
		asks[i] = x->dns[i].ask;
	if (nd_dns_ask_all(asks, x->in.ndns, budget(x, 1, DNS_CAP_MS), &e) < 0) {
		x->in.dns_skip = nd_report_strdup(x->r, e.msg);
		fprintf(stderr, "netdiag incluster: %s\n", e.msg);
		return;
	}
	for (size_t i = 0; i < x->in.ndns; i++)
		x->dns[i].ask = asks[i];
	x->in.dns = x->dns;
}

/* --print-manifest: what runs netdiag incluster in a cluster; nothing is contacted. */
static int print_manifest(const struct nd_cmd *cmd, struct nd_ctx *ctx, const char *image)
{
	struct nd_buf b = ND_BUF_INIT(ND_MANIFEST_MAX);
	struct nd_err e;

	if (nd_manifest_incluster(&b, image, ctx->ns, &e) < 0) {
		nd_buf_release(&b);
		return nd_usage_error(cmd, "%s", e.msg);
	}
	fwrite(b.p, 1, b.len, stdout);
	nd_buf_release(&b);
	nd_report_free(ctx->report);   /* the manifests are the whole output */
	ctx->report = NULL;
	return ND_EXIT_OK;
}

int cmd_incluster(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("incluster");
	struct ic_opts o = {0};
	struct ic_run *x;
	struct nd_aks_profile *aks = NULL;
	struct nd_report *r = ctx->report;
	struct nd_err e;
	int rc;

	if ((rc = parse(cmd, argc, argv, &o)) != ND_EXIT_OK)
		return rc;
	if (o.image && !o.print_manifest)
		return nd_usage_error(cmd, _("--image goes with --print-manifest"));
	if (o.print_manifest)
		return print_manifest(cmd, ctx, o.image);
	if (ctx->snapshot)
		return nd_usage_error(cmd, _("incluster asks the API server from inside a pod; "
					     "--snapshot does not apply (use diagnose --snapshot)"));
	if (ctx->aks && nd_aks_load_file(ctx->aks, &aks, &e) < 0) {
		fprintf(stderr, "netdiag incluster: %s\n", e.msg);
		return ND_EXIT_USAGE;
	}
	x = nd_xcalloc(1, sizeof(*x));
	x->ctx = ctx;
	x->r = r;
	x->a = nd_arena_new(8192);
	x->deadline = ctx->deadline_ms ? ctx->deadline_ms : nd_now_ms() + ctx->timeout_ms;
	if (nd_kubeconfig_in_cluster(o.sa_dir, &x->kc, &e) < 0) {
		fprintf(stderr, "netdiag incluster: %s\n", e.msg);
		rc = ND_EXIT_NORUN;
		goto out;
	}
	r->source.mode = "in-cluster";
	r->source.context = nd_report_strdup(r, x->kc->context);
	r->source.server = nd_report_strdup(r, x->kc->server);
	r->source.snapshot = NULL;

	/* who and where the pod is */
	ctx->in_pod = true;
	if (o.pod) {
		const char *sl = strchr(o.pod, '/');

		ctx->pod_ns = nd_report_printf(r, "%.*s", (int)(sl - o.pod), o.pod);
		ctx->pod_name = sl + 1;
	} else {
		ctx->pod_ns = x->kc->ns ? nd_report_strdup(r, x->kc->ns) : NULL;
		ctx->pod_name = getenv("HOSTNAME") && *getenv("HOSTNAME") ? getenv("HOSTNAME") : NULL;
	}
	x->in.pod_ns = ctx->pod_ns;
	x->in.pod_name = ctx->pod_name;
	x->in.host = getenv("KUBERNETES_SERVICE_HOST");
	x->in.port = getenv("KUBERNETES_SERVICE_PORT");
	x->in.timeout_ms = ctx->timeout_ms;
	x->in.cluster = aks && aks->name ? aks->name : NULL;
	x->in.private_fqdn = o.private_fqdn ? o.private_fqdn
			     : aks && aks->private_cluster == 1 && aks->private_fqdn
			     ? aks->private_fqdn : NULL;
	x->in.fqdn_name = o.fqdn ? o.fqdn : aks && aks->fqdn ? aks->fqdn : NULL;
	x->in.private_dns_zone = aks ? aks->private_dns_zone : NULL;

	/* the guide's request through the Service VIP, then through the FQDN */
	probe(x, &x->in.service, ND_VIA_SERVICE, x->kc->server, NULL, &x->service,
	      budget(x, 3, PATH_CAP_MS));
	/* the path through the FQDN: the public one, else a private cluster's private one */
	if (x->in.fqdn_name || x->in.private_fqdn) {
		const char *name = x->in.fqdn_name ? x->in.fqdn_name : x->in.private_fqdn;
		const char *u = nd_arena_printf(x->a, "https://%s", name);
		char host[256];
		unsigned port;
		bool https;

		if (nd_probe_split_url(u, host, sizeof(host), &port, &https) < 0) {
			fprintf(stderr, "netdiag incluster: %s\n",
				nd_report_printf(r, _("'%s' is not HOST[:PORT]"), name));
			rc = ND_EXIT_USAGE;
			goto out;
		}
		if (x->in.fqdn_name)
			x->in.fqdn_name = nd_report_strdup(r, host);
		probe(x, &x->in.fqdn, ND_VIA_FQDN, url_of(x->a, host, port), NULL, &x->fqdn,
		      budget(x, 3, PATH_CAP_MS));
	} else {
		x->in.fqdn.via = ND_VIA_FQDN;
		x->in.fqdn.skip = _("the cluster's FQDN is unknown (give --fqdn HOST or --aks FILE)");
	}

	/* the objects, through the first path that answers; then straight to each endpoint */
	list_objects(x, o.sa_dir);
	if (ctx->live) {
		static const enum nd_kind rbac[] = {ND_K_ROLE, ND_K_CLUSTERROLE, ND_K_ROLEBINDING,
						    ND_K_CLUSTERROLEBINDING};

		nd_live_source_unread(ctx->live, r, x->unread);
		x->in.rbac_read = true;
		for (size_t i = 0; i < sizeof(rbac) / sizeof(rbac[0]); i++)
			x->in.rbac_read &= !x->unread[rbac[i]];
	}
	self_review(x);
	probe_endpoints(x);
	dns_questions(x, &o);
	dns_run(x);

	nd_check_incluster(r, ctx->model, &x->in);
	nd_run_checks(ctx, NULL, ND_RUN_S4);
	rc = ND_EXIT_OK;
	if (o.egress) {
		struct nd_egress_opts eo = {.caller = "incluster", .aks = aks,
					    .apiserver_fqdn = x->in.fqdn_name};

		rc = nd_egress_checks(ctx, &eo);
	}
out:
	nd_kubeconfig_free(x->kc);
	nd_arena_free(x->a);
	nd_aks_free(aks);
	free(x);
	return rc;
}
