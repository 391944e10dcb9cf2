/* SPDX-License-Identifier: MIT */
/* S4 from inside a pod: the probes' results as checks and findings (incluster.h). */
#include "checks/incluster.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "findings/finding.h"
#include "k8s/model.h"
#include "node/resolvconf.h"
#include "policy/rbac.h"
#include "policy/rbac_report.h"
#include "core/banned.h"

const char *nd_ic_via_name(enum nd_ic_via v)
{
	return v == ND_VIA_ENDPOINT ? "endpoint" : v == ND_VIA_FQDN ? "fqdn" : "service";
}

const char *nd_ic_dns_role_name(enum nd_ic_dns_role r)
{
	switch (r) {
	case ND_DNS_ROLE_POD: return "coredns-pod";
	case ND_DNS_ROLE_SERVICE: return "kube-dns";
	case ND_DNS_ROLE_RESOLV: return "resolv.conf";
	case ND_DNS_ROLE_UPSTREAM: break;
	}
	return "upstream";
}

static bool tcp_any(const struct nd_probe_result *p, enum nd_tcp_state st)
{
	for (size_t i = 0; i < p->ntcp; i++)
		if (p->tcp[i].state == st)
			return true;
	return false;
}

/* A transport failure of an HTTP stage, as the error values name them. */
static const char *http_fail(const struct nd_http_stage *s, char *buf, size_t n)
{
	if (strcmp(s->fail, "timeout") == 0 || strcmp(s->fail, "dns") == 0)
		return s->fail;
	if (strcmp(s->fail, "tls") == 0 || strcmp(s->fail, "tls-verify") == 0)
		return "tls";
	if (strcmp(s->fail, "truncated") == 0 || strstr(s->detail, "reset"))
		return "reset";
	if (strcmp(s->fail, "connect") == 0)
		return strstr(s->detail, "efused") ? "refused" : "unreachable";
	snprintf(buf, n, "http-%ld", s->http);
	return buf;
}

const char *nd_ic_transport_fail(const struct nd_probe_result *p, const char **error)
{
	*error = NULL;
	if (p->dns.status != ND_STAGE_PASS) {
		*error = "dns";
		return "dns";
	}
	if (p->tcp_status != ND_STAGE_PASS) {
		*error = tcp_any(p, ND_TCP_REFUSED) ? "refused"
			 : tcp_any(p, ND_TCP_TIMEOUT) || !p->ntcp ? "timeout" : "unreachable";
		return "tcp";
	}
	if (p->https && p->tls.status != ND_STAGE_PASS) {
		*error = p->tls.reason == ND_TLS_TIMEOUT ? "timeout"
			 : p->tls.reason == ND_TLS_HANDSHAKE && strstr(p->tls.verify_error, "reset")
			 ? "reset" : "tls";
		return "tls";
	}
	return NULL;
}

const char *nd_ic_classify(const struct nd_probe_result *p, const char **error, char *buf,
			   size_t n)
{
	const struct nd_http_stage *h;
	const char *stage = nd_ic_transport_fail(p, error);

	if (stage)
		return stage;
	h = p->version.status != ND_STAGE_PASS ? &p->version : &p->auth;
	if (h->status == ND_STAGE_NOT_RUN) {
		*error = "timeout";
		return "http";
	}
	if (h->status != ND_STAGE_PASS) {
		*error = h->http ? (snprintf(buf, n, "http-%ld", h->http), buf) : http_fail(h, buf, n);
		return "http";
	}
	if (strcmp(p->auth_object, "PodList") != 0) {
		snprintf(buf, n, "http-%ld", h->http);
		*error = buf;
		return "http";
	}
	return NULL;
}

const char *nd_ic_dns_class(const struct nd_dns_ask *a)
{
	if (!a->answered)
		return "timeout";
	if (a->error == ND_DNS_OK)
		return a->ms >= ND_DNS_SLOW_MS ? "slow" : "ok";
	return nd_dns_error_name(a->error);
}

/* --- the request, per path -------------------------------------------------- */

struct ic {
	struct nd_report *r;
	const struct nd_model *m;
	const struct nd_incluster_input *in;
};

static const char *pod_text(const struct ic *c)
{
	return nd_report_printf(c->r, "%s/%s", c->in->pod_ns ? c->in->pod_ns : "?",
				c->in->pod_name ? c->in->pod_name : "?");
}

static void stages_val(struct nd_report *r, struct nd_val *o, const struct nd_probe_result *p)
{
	struct nd_val *arr = nd_obj_arr(r, o, "stages"), *x;
	const struct nd_http_stage *h = p->auth.status != ND_STAGE_NOT_RUN ? &p->auth : &p->version;

#define ST(name, st, ms) do { \
		x = nd_arr_obj(r, arr); \
		nd_obj_str(r, x, "stage", name); \
		nd_obj_str(r, x, "result", (st) == ND_STAGE_PASS ? "pass" : "fail"); \
		nd_obj_int(r, x, "ms", ms); \
	} while (0)
	ST("dns", p->dns.status, p->dns.ms);
	if (p->dns.status != ND_STAGE_PASS)
		return;
	ST("tcp", p->tcp_status, p->tcp_ms);
	if (p->tcp_status != ND_STAGE_PASS)
		return;
	if (p->https)
		ST("tls", p->tls.status, p->tls.ms);
	if (p->https && p->tls.status != ND_STAGE_PASS)
		return;
	if (h->status != ND_STAGE_NOT_RUN)
		ST("http", h->status == ND_STAGE_PASS && strcmp(p->auth_object, "PodList") == 0
			   ? ND_STAGE_PASS : ND_STAGE_FAIL,
		   p->version.ms + p->readyz.ms + p->auth.ms);
#undef ST
}

/* "dns 0 ms, tcp 1 ms, tls 4 ms, http 9 ms" */
static const char *timings(struct nd_report *r, const struct nd_probe_result *p)
{
	const char *s = nd_report_printf(r, "dns %lld ms", (long long)p->dns.ms);

	if (p->dns.status == ND_STAGE_PASS)
		s = nd_report_printf(r, "%s, tcp %lld ms", s, (long long)p->tcp_ms);
	if (p->tcp_status == ND_STAGE_PASS && p->https)
		s = nd_report_printf(r, "%s, tls %lld ms", s, (long long)p->tls.ms);
	if (p->tcp_status == ND_STAGE_PASS && (!p->https || p->tls.status == ND_STAGE_PASS))
		s = nd_report_printf(r, "%s, http %lld ms", s,
				     (long long)(p->version.ms + p->readyz.ms + p->auth.ms));
	return s;
}

static const char *detail(struct nd_report *r, const struct nd_probe_result *p, const char *stage)
{
	if (strcmp(stage, "dns") == 0)
		return nd_report_printf(r, "%s: %s", p->host, nd_dns_error_name(p->dns.error));
	if (strcmp(stage, "tcp") == 0)
		return nd_report_printf(r, "%s port %u: %s", p->ntcp ? p->tcp[0].ip : p->host, p->port,
					nd_tcp_state_name(p->ntcp ? p->tcp[0].state : ND_TCP_ERROR));
	if (strcmp(stage, "tls") == 0)
		return nd_report_printf(r, "%s: %s", nd_tls_reason_name(p->tls.reason),
					p->tls.verify_error);
	if (p->version.status != ND_STAGE_PASS)
		return nd_report_printf(r, "GET /version: %s", p->version.detail);
	if (p->auth.status == ND_STAGE_PASS)
		return nd_report_printf(r, "GET %s: HTTP %ld, a %s, not a PodList", p->auth_path,
					p->auth.http, p->auth_object[0] ? p->auth_object : "non-JSON answer");
	return nd_report_printf(r, "GET %s: %s%s%s", p->auth_path,
				p->auth.http && (p->auth.http < 200 || p->auth.http >= 300)
				? nd_report_printf(r, "HTTP %ld", p->auth.http)
				: p->auth.detail,   /* a 2xx cut, too big or not Kubernetes: says which */
				p->status_message[0] ? ": " : "", p->status_message);
}

/* Some other path's request ended in a PodList (or an HTTP answer): the API server is up. */
static const struct nd_ic_path *answering(const struct nd_incluster_input *in, enum nd_ic_via not)
{
	const struct nd_ic_path *paths[ND_PROBE_MAX_ADDRS + 2];
	size_t n = 0;
	char buf[32];
	const char *err;

	for (size_t i = 0; not != ND_VIA_ENDPOINT && i < in->nendpoints && n < sizeof(paths) /
	     sizeof(paths[0]) - 1; i++)
		if (in->endpoints[i].probe)
			paths[n++] = &in->endpoints[i];
	if (not != ND_VIA_FQDN && in->fqdn.probe)
		paths[n++] = &in->fqdn;
	for (size_t i = 0; i < n; i++) {
		const char *st = nd_ic_classify(paths[i]->probe, &err, buf, sizeof(buf));

		if (!st || (strcmp(st, "http") == 0 && paths[i]->probe->auth.http == 403))
			return paths[i];
	}
	return NULL;
}

static void f_unreachable(struct ic *c, const struct nd_ic_path *pa, const char *stage,
			  const char *error)
{
	struct nd_report *r = c->r;
	const struct nd_probe_result *p = pa->probe;
	const struct nd_ic_path *ok = answering(c->in, pa->via);
	struct nd_finding *f = nd_finding_add(r, "incluster-apiserver-unreachable", "Pod",
					      c->in->pod_ns, c->in->pod_name);
	long http = p->auth.status != ND_STAGE_NOT_RUN ? p->auth.http : p->version.http;

	nd_obj_str(r, f->evidence, "pod", pod_text(c));
	nd_obj_str(r, f->evidence, "target", pa->target);
	nd_obj_str(r, f->evidence, "via", nd_ic_via_name(pa->via));
	nd_obj_str(r, f->evidence, "stage", stage);
	nd_obj_str(r, f->evidence, "error", error);
	nd_obj_str(r, f->evidence, "detail", detail(r, p, stage));
	if (pa->via == ND_VIA_SERVICE) {
		nd_obj_str(r, f->evidence, "host", c->in->host);
		nd_obj_str(r, f->evidence, "port", c->in->port);
	}
	nd_obj_str(r, f->evidence, "tls_server_name", pa->tls_name);
	stages_val(r, f->evidence, p);
	nd_obj_int(r, f->evidence, "duration_ms", p->ms);
	nd_obj_str(r, f->evidence, "answered_via", ok ? ok->target : NULL);
	if (strcmp(stage, "http") == 0 && http == 401) {
		nd_finding_summary(r, f, _("the API server at %s refuses the pod's service-account "
					   "token (401 Unauthorized): it is expired or invalid"),
				   pa->target);
		nd_finding_remedy(r, f, _("the token is expired, revoked, or from another cluster "
					  "(a copied secret): restart the pod to get a fresh projected "
					  "token, and check that its service account still exists"));
		nd_finding_command(r, f, "kubectl get serviceaccount -n %s", c->in->pod_ns ? c->in->pod_ns
				   : "<namespace>");
		nd_finding_command(r, f, "kubectl delete pod -n %s %s", c->in->pod_ns ? c->in->pod_ns
				   : "<namespace>", c->in->pod_name ? c->in->pod_name : "<pod>");
		return;
	}
	if (pa->via == ND_VIA_SERVICE && ok && (strcmp(stage, "tcp") == 0 ||
						strcmp(stage, "tls") == 0)) {
		nd_finding_summary(r, f, _("the kubernetes Service's VIP %s does not answer (%s at "
					   "%s) but the API server does at %s: the Service path is "
					   "broken (kube-proxy or the CNI)"), pa->target, error, stage,
				   ok->target);
		nd_finding_remedy(r, f, _("the VIP is translated to the endpoints on this pod's "
					  "node: check kube-proxy (or its replacement) there and its "
					  "rules for default/kubernetes"));
		nd_finding_command(r, f, "kubectl get pods -n kube-system -l k8s-app=kube-proxy -o wide");
		nd_finding_command(r, f, "netdiag service default/kubernetes");
		return;
	}
	nd_finding_summary(r, f, _("the pod cannot get a PodList from the API server through "
				   "the %s %s: %s at the %s stage"), nd_ic_via_name(pa->via),
			   pa->target, error, stage);
	if (strcmp(stage, "dns") == 0)
		nd_finding_remedy(r, f, _("the name does not resolve from the pod: check CoreDNS "
					  "and its upstreams (the incluster-dns check), and on a "
					  "private cluster the private DNS zone"));
	else if (strcmp(stage, "tls") == 0)
		nd_finding_remedy(r, f, _("the certificate does not verify against the service "
					  "account's ca.crt: a proxy or firewall on the path intercepts "
					  "TLS, or the name is not one the API server's certificate "
					  "lists"));
	else if (strcmp(stage, "http") == 0)
		nd_finding_remedy(r, f, _("something answers but not with a PodList: an HTTP "
					  "proxy on the path, or the API server is failing (see "
					  "/readyz)"));
	else if (strcmp(error, "refused") == 0)
		nd_finding_remedy(r, f, _("nothing listens at the address, or a firewall rejects "
					  "the connection: check that the API server is running and "
					  "that no firewall between the pod and it rejects TCP %u"),
				  p->port);
	else
		nd_finding_remedy(r, f, _("packets to the API server are dropped: a NetworkPolicy "
					  "on the pod's egress, a firewall without AKS's required "
					  "outbound rules, or authorized IP ranges that omit the "
					  "cluster's egress IP"));
	nd_finding_command(r, f, "curl -sS --cacert /var/run/secrets/kubernetes.io/serviceaccount/"
			   "ca.crt -H \"Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/"
			   "serviceaccount/token)\" %s/api/v1/namespaces/default/pods", pa->target);
}

static bool dns_bad(const struct nd_ic_dns *d, const char *expect);

/*
 * The FQDN path failed at DNS and a DNS finding says why (the private FQDN
 * unknown to the configured servers, or the cluster's DNS failing): one
 * cause, one finding, as S1 does. The code of that finding, or NULL.
 */
static const char *dns_explains(const struct ic *c, const struct nd_ic_path *pa, const char *stage)
{
	const struct nd_incluster_input *in = c->in;

	if (pa->via != ND_VIA_FQDN || strcmp(stage, "dns") != 0)
		return NULL;
	for (size_t i = 0; in->dns && i < in->ndns; i++) {
		const struct nd_ic_dns *d = &in->dns[i];
		bool cluster = d->role != ND_DNS_ROLE_UPSTREAM;

		if (d->private_fqdn && pa->probe && in->private_fqdn &&
		    strcmp(pa->probe->host, in->private_fqdn) == 0 && dns_bad(d, NULL))
			return "private-dns-unresolvable";
		if (!d->private_fqdn && cluster && dns_bad(d, in->dns_expect))
			return "incluster-dns-failure";
	}
	return NULL;
}

/* The guide's own request (the VIP) got an answer from the API server: PodList or 403. */
static bool service_answers(const struct nd_incluster_input *in)
{
	const char *err;
	char buf[32];

	if (!in->service.probe)
		return false;
	return !nd_ic_classify(in->service.probe, &err, buf, sizeof(buf)) ||
	       in->service.probe->auth.http == 403;
}

/* One path's request: its stages, and the finding when it did not end in a PodList. */
static enum nd_check_status one_path(struct ic *c, const struct nd_ic_path *pa, const char **why)
{
	const struct nd_probe_result *p = pa->probe;
	const char *err, *stage, *by;
	char buf[32];

	stage = nd_ic_classify(p, &err, buf, sizeof(buf));
	if (!stage) {
		*why = nd_report_printf(c->r, _("%s: PodList (%s)"), pa->target, timings(c->r, p));
		return ND_CHECK_PASS;
	}
	if (strcmp(stage, "http") == 0 && p->auth.http == 403) {
		*why = nd_report_printf(c->r, _("%s: reached, 403 Forbidden (%s)"), pa->target,
					timings(c->r, p));
		return ND_CHECK_PASS;   /* the network works: incluster-rbac says the rest */
	}
	if (pa->via == ND_VIA_ENDPOINT && service_answers(c->in)) {
		/* the VIP leads to the API server, so the pod reaches it: an address that
		 * does not answer straight is said in the check, not as a finding */
		*why = nd_report_printf(c->r, _("%s: %s at %s (%s), but the VIP answers: the API "
					       "server is reachable"), pa->target, err, stage,
					timings(c->r, p));
		return ND_CHECK_PASS;
	}
	if ((by = dns_explains(c, pa, stage)) != NULL) {
		*why = nd_report_printf(c->r, _("%s: %s at %s (%s): explained by %s"), pa->target, err,
					stage, timings(c->r, p), by);
		return ND_CHECK_FAIL;
	}
	f_unreachable(c, pa, stage, err);
	*why = nd_report_printf(c->r, _("%s: %s at %s (%s)"), pa->target, err, stage,
				timings(c->r, p));
	return ND_CHECK_FAIL;
}

static void check_path(struct ic *c, const char *id, const struct nd_ic_path *pa)
{
	const char *why;
	enum nd_check_status st;

	if (!pa->probe) {
		nd_check_skip(c->r, id, "S4", pa->skip ? pa->skip : _("not probed"));
		return;
	}
	nd_check_begin(c->r, id, "S4");
	st = one_path(c, pa, &why);
	nd_check_end(c->r, st, why);
	c->r->checks[c->r->nchecks - 1].duration_ms = pa->probe->ms;
}

static void check_endpoints(struct ic *c)
{
	const struct nd_incluster_input *in = c->in;
	enum nd_check_status st = ND_CHECK_PASS;
	const char *why = NULL;
	int64_t ms = 0;

	if (!in->nendpoints) {
		nd_check_skip(c->r, "incluster-endpoints", "S4",
			      in->endpoints_skip ? in->endpoints_skip : _("no endpoint to probe"));
		return;
	}
	nd_check_begin(c->r, "incluster-endpoints", "S4");
	for (size_t i = 0; i < in->nendpoints; i++) {
		const char *w;

		if (!in->endpoints[i].probe) {
			w = nd_report_printf(c->r, "%s: %s", in->endpoints[i].target,
					     in->endpoints[i].skip ? in->endpoints[i].skip : "-");
		} else {
			if (one_path(c, &in->endpoints[i], &w) != ND_CHECK_PASS)
				st = ND_CHECK_FAIL;
			ms += in->endpoints[i].probe->ms;
		}
		why = why ? nd_report_printf(c->r, "%s; %s", why, w) : w;
	}
	nd_check_end(c->r, st, why);
	c->r->checks[c->r->nchecks - 1].duration_ms = ms;
}

/* --- 403: what RBAC says ---------------------------------------------------- */

static void check_rbac(struct ic *c)
{
	const struct nd_incluster_input *in = c->in;
	const struct nd_ic_path *pa = NULL;
	const struct nd_probe_result *p;
	struct nd_forbidden fb;
	struct nd_rbac_user u;
	struct nd_rbac_req q;
	struct nd_rbac_result res;
	struct nd_rbac *e;
	struct nd_finding *f;
	struct nd_err err;

	if (in->service.probe && in->service.probe->auth.http == 403)
		pa = &in->service;
	for (size_t i = 0; !pa && i < in->nendpoints; i++)
		if (in->endpoints[i].probe && in->endpoints[i].probe->auth.http == 403)
			pa = &in->endpoints[i];
	if (!pa && in->fqdn.probe && in->fqdn.probe->auth.http == 403)
		pa = &in->fqdn;
	if (!pa) {
		nd_check_skip(c->r, "incluster-rbac", "S4",
			      _("no request was answered 403 Forbidden"));
		return;
	}
	p = pa->probe;
	nd_check_begin(c->r, "incluster-rbac", "S4");
	if (nd_rbac_parse_forbidden(p->status_message, strlen(p->status_message), &fb, &err) < 0) {
		/* not the API server's usual text: ask what the guide's request asks */
		memset(&fb, 0, sizeof(fb));
		snprintf(fb.user, sizeof(fb.user), "%s", p->forbidden_user[0] ? p->forbidden_user
			 : in->user ? in->user : "system:anonymous");
		snprintf(fb.verb, sizeof(fb.verb), "list");
		snprintf(fb.resource, sizeof(fb.resource), "pods");
		snprintf(fb.ns, sizeof(fb.ns), "default");
	}
	nd_rbac_forbidden_request(&fb, c->r->arena, &u, &q);
	e = nd_rbac_new(c->m);
	nd_rbac_check(e, &u, &q, c->r->arena, &res);
	f = nd_rbac_add_finding(c->r, &u, &q, &res);
	if (f) {
		nd_obj_str(c->r, f->evidence, "target", pa->target);
		nd_obj_str(c->r, f->evidence, "message", p->status_message);
		nd_obj_bool(c->r, f->evidence, "rbac_read", in->rbac_read);
		nd_obj_str(c->r, f->evidence, "fix", nd_rbac_fix_yaml(&u, &q, c->r->arena));
		if (in->sar_allowed >= 0 || in->sar_reason) {
			struct nd_val *o = nd_obj_obj(c->r, f->evidence, "api_server");

			nd_obj_str(c->r, o, "review", "SelfSubjectAccessReview");
			if (in->sar_allowed >= 0)
				nd_obj_bool(c->r, o, "allowed", in->sar_allowed == 1);
			else
				nd_obj_str(c->r, o, "allowed", NULL);
			nd_obj_str(c->r, o, "reason", in->sar_reason);
		}
	}
	nd_rbac_free(e);
	nd_check_end(c->r, ND_CHECK_PASS,
		     f ? nd_report_printf(c->r, _("%s: 403 for %s"), pa->target, u.name)
		       : nd_report_printf(c->r, _("%s: 403, yet RBAC allows it: another authorizer "
						  "(a webhook such as Azure RBAC) refused"), pa->target));
}

/* --- DNS from the pod ---------------------------------------------------------- */

static void answers_val(struct nd_report *r, struct nd_val *o, const struct nd_incluster_input *in,
			bool private_q)
{
	struct nd_val *arr = nd_obj_arr(r, o, "answers");

	for (size_t i = 0; i < in->ndns; i++) {
		const struct nd_ic_dns *d = &in->dns[i];
		struct nd_val *x, *ad;

		if (d->private_fqdn != private_q)
			continue;
		x = nd_arr_obj(r, arr);
		nd_obj_str(r, x, "server", d->ask.server);
		nd_obj_str(r, x, "role", nd_ic_dns_role_name(d->role));
		if (d->pod)
			nd_obj_str(r, x, "pod", d->pod);
		nd_obj_str(r, x, "name", d->ask.name);
		nd_obj_str(r, x, "result", nd_ic_dns_class(&d->ask));
		ad = nd_obj_arr(r, x, "addresses");
		for (size_t j = 0; j < d->ask.naddrs; j++)
			nd_arr_str(r, ad, d->ask.addrs[j]);
		nd_obj_int(r, x, "ms", d->ask.ms);
	}
}

static bool dns_bad(const struct nd_ic_dns *d, const char *expect)
{
	const char *cl = nd_ic_dns_class(&d->ask);
	bool has = !expect;

	for (size_t j = 0; !has && j < d->ask.naddrs; j++)
		has = strcmp(d->ask.addrs[j], expect) == 0;
	return strcmp(cl, "ok") != 0 || !has;
}

static void search_val(struct nd_report *r, struct nd_val *o, const struct nd_incluster_input *in)
{
	const struct nd_resolv *rc = in->resolv;
	struct nd_val *arr;
	const char *names[3] = {in->dns_name, in->fqdn_name, in->private_fqdn};

	if (!rc)
		return;
	nd_obj_int(r, o, "ndots", rc->ndots);
	arr = nd_obj_arr(r, o, "search");
	for (size_t i = 0; i < rc->nsearch; i++)
		nd_arr_str(r, arr, rc->search[i]);
	arr = nd_obj_arr(r, o, "search_expansions");
	for (size_t i = 0; i < 3; i++) {
		struct nd_val *x;

		if (!names[i])
			continue;
		x = nd_arr_obj(r, arr);
		nd_obj_str(r, x, "name", names[i]);
		nd_obj_int(r, x, "expansions", (int64_t)nd_resolv_expansions(rc, names[i]));
	}
}

static void f_dns(struct ic *c, const struct nd_ic_dns *bad, size_t nbad, bool upstream)
{
	struct nd_report *r = c->r;
	const struct nd_incluster_input *in = c->in;
	struct nd_finding *f;
	const char *cl = nd_ic_dns_class(&bad->ask);

	if (upstream)
		f = nd_finding_add(r, "incluster-dns-failure", "DNSServer", NULL, bad->ask.server);
	else
		f = nd_finding_add(r, "incluster-dns-failure", "Service", "kube-system", "kube-dns");
	if (strcmp(cl, "ok") == 0)
		nd_finding_summary(r, f, _("DNS server %s (%s) answers '%s' with %s, not %s"),
				   bad->ask.server, nd_ic_dns_role_name(bad->role), bad->ask.name,
				   bad->ask.naddrs ? bad->ask.addrs[0] : "-",
				   in->dns_expect ? in->dns_expect : "-");
	else
		nd_finding_summary(r, f, _("DNS server %s (%s) answers '%s' with %s (%zu of the "
					   "servers asked fail)"), bad->ask.server,
				   nd_ic_dns_role_name(bad->role), bad->ask.name, cl, nbad);
	nd_obj_str(r, f->evidence, "pod", pod_text(c));
	nd_obj_str(r, f->evidence, "server", bad->ask.server);
	nd_obj_str(r, f->evidence, "role", nd_ic_dns_role_name(bad->role));
	nd_obj_str(r, f->evidence, "name", bad->ask.name);
	nd_obj_str(r, f->evidence, "result", cl);
	nd_obj_str(r, f->evidence, "expected", upstream ? NULL : in->dns_expect);
	answers_val(r, f->evidence, in, false);
	search_val(r, f->evidence, in);
	if (upstream) {
		nd_finding_remedy(r, f, _("CoreDNS forwards what is not a cluster name to this "
					  "server: make it answer (or point CoreDNS's forward at one "
					  "that does)"));
		nd_finding_command(r, f, "nslookup %s %s", bad->ask.name, bad->ask.server);
		return;
	}
	if (strcmp(cl, "timeout") == 0 || strcmp(cl, "slow") == 0)
		nd_finding_remedy(r, f, _("CoreDNS does not answer in time: check that its pods "
					  "run and are ready, that no NetworkPolicy or firewall drops "
					  "UDP/TCP 53 from the pod, and the kube-dns Service's "
					  "endpoints"));
	else
		nd_finding_remedy(r, f, _("CoreDNS answers but not with the cluster's records: "
					  "check its Corefile (the kubernetes plugin and the cluster "
					  "domain) and its logs"));
	nd_finding_command(r, f, "kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide");
	nd_finding_command(r, f, "kubectl logs -n kube-system -l k8s-app=kube-dns --tail 50");
	nd_finding_command(r, f, "kubectl get configmap -n kube-system coredns -o yaml");
}

static void check_dns(struct ic *c)
{
	const struct nd_incluster_input *in = c->in;
	const struct nd_ic_dns *first_cluster = NULL;
	size_t ncluster_bad = 0, nasked = 0, nbad = 0;
	const char *why = NULL;
	int64_t ms = 0;

	if (in->dns_skip) {
		nd_check_skip(c->r, "incluster-dns", "S4", in->dns_skip);
		return;
	}
	nd_check_begin(c->r, "incluster-dns", "S4");
	for (size_t i = 0; i < in->ndns; i++) {
		const struct nd_ic_dns *d = &in->dns[i];
		bool upstream = d->role == ND_DNS_ROLE_UPSTREAM;

		if (d->private_fqdn)
			continue;
		nasked++;
		if (d->ask.ms > ms)
			ms = d->ask.ms;
		why = nd_report_printf(c->r, "%s%s%s %s: %s %lld ms", why ? why : "", why ? "; " : "",
				       d->ask.server, d->ask.name, nd_ic_dns_class(&d->ask),
				       (long long)d->ask.ms);
		if (!dns_bad(d, upstream ? NULL : in->dns_expect))
			continue;
		nbad++;
		if (upstream) {
			f_dns(c, d, 1, true);
		} else {
			ncluster_bad++;
			if (!first_cluster)
				first_cluster = d;
		}
	}
	if (first_cluster)
		f_dns(c, first_cluster, ncluster_bad, false);
	if (in->resolv && in->dns_name && nd_resolv_expansions(in->resolv, in->dns_name))
		why = nd_report_printf(c->r, _("%s; ndots %u: '%s' is first tried with %zu search "
					       "domains"), why ? why : "", in->resolv->ndots,
				       in->dns_name, nd_resolv_expansions(in->resolv, in->dns_name));
	nd_check_end(c->r, nbad ? ND_CHECK_FAIL : ND_CHECK_PASS,
		     nasked ? why : _("no DNS server to ask"));
	c->r->checks[c->r->nchecks - 1].duration_ms = ms;
}

static void check_private_dns(struct ic *c)
{
	const struct nd_incluster_input *in = c->in;
	struct nd_report *r = c->r;
	const struct nd_ic_dns *bad = NULL;
	struct nd_finding *f;
	struct nd_val *arr;
	size_t nbad = 0, n = 0;
	int64_t ms = 0;

	if (!in->private_fqdn) {
		nd_check_skip(r, "incluster-private-dns", "S4",
			      _("not a private cluster, or its private FQDN is unknown (give --aks "
				"FILE or --private-fqdn NAME)"));
		return;
	}
	nd_check_begin(r, "incluster-private-dns", "S4");
	for (size_t i = 0; i < in->ndns; i++) {
		const struct nd_ic_dns *d = &in->dns[i];

		if (!d->private_fqdn)
			continue;
		n++;
		if (d->ask.ms > ms)
			ms = d->ask.ms;
		if (dns_bad(d, NULL)) {
			nbad++;
			/* the custom servers first: kube-dns only forwards to them */
			if (!bad || (d->role == ND_DNS_ROLE_UPSTREAM && bad->role != ND_DNS_ROLE_UPSTREAM))
				bad = d;
		}
	}
	if (!n) {
		nd_check_end(r, ND_CHECK_SKIP, _("no DNS server to ask"));
		return;
	}
	if (bad) {
		f = nd_finding_add(r, "private-dns-unresolvable", "Cluster", NULL,
				   in->cluster ? in->cluster : in->private_fqdn);
		nd_finding_summary(r, f, _("the private FQDN '%s' does not resolve through DNS "
					   "server %s (%s): %s"), in->private_fqdn, bad->ask.server,
				   nd_ic_dns_role_name(bad->role), nd_ic_dns_class(&bad->ask));
		nd_obj_str(r, f->evidence, "private_fqdn", in->private_fqdn);
		nd_obj_str(r, f->evidence, "private_dns_zone", in->private_dns_zone);
		nd_obj_str(r, f->evidence, "server", bad->ask.server);
		nd_obj_str(r, f->evidence, "result", nd_ic_dns_class(&bad->ask));
		arr = nd_obj_arr(r, f->evidence, "dns_servers");
		for (size_t i = 0; i < in->ndns; i++)
			if (in->dns[i].private_fqdn)
				nd_arr_str(r, arr, in->dns[i].ask.server);
		answers_val(r, f->evidence, in, true);
		nd_finding_remedy(r, f, _("the private DNS zone answers only networks linked to "
					  "it: link the zone to the virtual network of DNS server %s "
					  "(the hub, in hub and spoke), and on that server forward the "
					  "zone (privatelink.<region>.azmk8s.io) to Azure DNS, "
					  "168.63.129.16"), bad->ask.server);
		nd_finding_command(r, f, "nslookup %s %s", in->private_fqdn, bad->ask.server);
		nd_finding_command(r, f, "az network private-dns link vnet create -g "
				   "<zone-resource-group> -z <private-dns-zone> -n <hub-link> -v "
				   "<hub-vnet-resource-id> -e false");
	}
	nd_check_end(r, ND_CHECK_PASS,
		     nd_report_printf(r, _("'%s': %zu of %zu servers answer it"), in->private_fqdn,
				      n - nbad, n));
	r->checks[r->nchecks - 1].duration_ms = ms;
}

void nd_check_incluster(struct nd_report *r, const struct nd_model *m,
			const struct nd_incluster_input *in)
{
	struct ic c = {.r = r, .m = m, .in = in};

	check_path(&c, "incluster-service", &in->service);
	check_endpoints(&c);
	check_path(&c, "incluster-fqdn", &in->fqdn);
	check_rbac(&c);
	check_dns(&c);
	check_private_dns(&c);
}
