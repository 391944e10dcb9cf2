/* SPDX-License-Identifier: MIT */
/* S4 on a node: its DNS and its path to the API server, judged (nodenet.h). */
#include "checks/nodenet.h"

#include <stdio.h>
#include <string.h>

#include "checks/incluster.h"
#include "core/i18n.h"
#include "findings/finding.h"
#include "core/banned.h"

const char *nd_nodenet_classify(const struct nd_probe_result *p, const char **error, char *buf,
				size_t n)
{
	const struct nd_http_stage *h = &p->version;
	const char *stage = nd_ic_transport_fail(p, error);

	if (stage)
		return stage;
	/* /version without credentials: any answer of an API server (401, 403 too) */
	if (h->status == ND_STAGE_PASS)
		return NULL;
	if (h->status == ND_STAGE_NOT_RUN || strcmp(h->fail, "timeout") == 0)
		*error = "timeout";
	else if (h->http)
		*error = (snprintf(buf, n, "http-%ld", h->http), buf);
	else if (strcmp(h->fail, "connect") == 0)
		*error = strstr(h->detail, "efused") ? "refused" : "unreachable";
	else if (strstr(h->detail, "reset") || strcmp(h->fail, "truncated") == 0)
		*error = "reset";
	else
		*error = h->fail[0] ? (snprintf(buf, n, "%s", h->fail), buf) : "error";
	return "http";
}

/* --- node-dns ------------------------------------------------------------- */

static bool dns_bad(const struct nd_nodenet_dns *d)
{
	return strcmp(nd_ic_dns_class(&d->ask), "ok") != 0;
}

static void answers_val(struct nd_report *r, struct nd_val *o, const struct nd_nodenet_input *in)
{
	struct nd_val *arr = nd_obj_arr(r, o, "answers");

	for (size_t i = 0; i < in->ndns; i++) {
		const struct nd_nodenet_dns *d = &in->dns[i];
		struct nd_val *x = nd_arr_obj(r, arr), *ad;

		nd_obj_str(r, x, "server", d->ask.server);
		nd_obj_str(r, x, "file", d->file);
		nd_obj_str(r, x, "name", d->ask.name);
		nd_obj_str(r, x, "result", nd_ic_dns_class(&d->ask));
		ad = nd_obj_arr(r, x, "addresses");
		for (size_t j = 0; j < d->ask.naddrs; j++)
			nd_arr_str(r, ad, d->ask.addrs[j]);
		nd_obj_int(r, x, "ms", d->ask.ms);
	}
}

/* "10.0.0.10:53" -> "10.0.0.10", "[fd00::a]:53" -> "fd00::a": what nslookup takes. */
static const char *host_of(struct nd_report *r, const char *server)
{
	const char *c = strrchr(server, ':');

	if (server[0] == '[' && strchr(server, ']'))
		return nd_report_printf(r, "%.*s", (int)(strchr(server, ']') - server - 1), server + 1);
	if (c && strchr(server, ':') == c)
		return nd_report_printf(r, "%.*s", (int)(c - server), server);
	return server;
}

static void f_dns(struct nd_report *r, const struct nd_nodenet_input *in,
		  const struct nd_nodenet_dns *bad, size_t nbad)
{
	const char *cl = nd_ic_dns_class(&bad->ask);
	struct nd_finding *f = nd_finding_add(r, "node-dns-failure", "Node", NULL, in->node);

	nd_finding_summary(r, f, _("on node %s, DNS server %s (%s) answers '%s' with %s (%zu of "
				   "%zu answers fail)"), in->node ? in->node : "?", bad->ask.server,
			   bad->file, bad->ask.name, cl, nbad, in->ndns);
	nd_obj_str(r, f->evidence, "node", in->node);
	nd_obj_str(r, f->evidence, "server", bad->ask.server);
	nd_obj_str(r, f->evidence, "file", bad->file);
	nd_obj_str(r, f->evidence, "name", bad->ask.name);
	nd_obj_str(r, f->evidence, "result", cl);
	nd_obj_int(r, f->evidence, "failed", (int64_t)nbad);
	answers_val(r, f->evidence, in);
	if (strcmp(cl, "timeout") == 0 || strcmp(cl, "slow") == 0)
		nd_finding_remedy(r, f, _("nothing answers from %s: the server is down, or a "
					  "firewall or network security group drops UDP/TCP 53 from "
					  "the node to it; a virtual network's custom DNS servers must "
					  "be reachable from the node subnet"), bad->ask.server);
	else if (strcmp(cl, "NXDOMAIN") == 0 || strcmp(cl, "no address") == 0)
		nd_finding_remedy(r, f, _("%s does not know '%s': a custom DNS server must forward "
					  "what it does not serve to Azure DNS, 168.63.129.16 (for a "
					  "private cluster, through a zone linked to the private DNS "
					  "zone)"), bad->ask.server, bad->ask.name);
	else
		nd_finding_remedy(r, f, _("%s fails to resolve '%s' (%s): look at that server and "
					  "the servers it forwards to"), bad->ask.server,
				  bad->ask.name, cl);
	nd_finding_command(r, f, "kubectl debug node/%s -it --image=busybox -- chroot /host "
			   "nslookup %s %s", in->node ? in->node : "<node>", bad->ask.name,
			   host_of(r, bad->ask.server));
	nd_finding_command(r, f, "kubectl debug node/%s -it --image=busybox -- chroot /host "
			   "cat %s", in->node ? in->node : "<node>",
			   strstr(bad->file, "systemd") ? "/run/systemd/resolve/resolv.conf"
							: "/etc/resolv.conf");
}

static void check_dns(struct nd_report *r, const struct nd_nodenet_input *in)
{
	const struct nd_nodenet_dns *first = NULL;
	const char *why = NULL;
	size_t nbad = 0;
	int64_t ms = 0;

	if (in->dns_error) {
		nd_check_begin(r, "node-dns", "S4");
		nd_check_end(r, ND_CHECK_ERROR, in->dns_error);
		return;
	}
	if (in->dns_skip || !in->ndns) {
		nd_check_skip(r, "node-dns", "S4", in->dns_skip ? in->dns_skip
							 : _("no DNS question to ask"));
		return;
	}
	nd_check_begin(r, "node-dns", "S4");
	for (size_t i = 0; i < in->ndns; i++) {
		const struct nd_nodenet_dns *d = &in->dns[i];

		if (d->ask.ms > ms)
			ms = d->ask.ms;
		why = nd_report_printf(r, "%s%s%s %s: %s %lld ms", why ? why : "", why ? "; " : "",
				       d->ask.server, d->ask.name, nd_ic_dns_class(&d->ask),
				       (long long)d->ask.ms);
		if (dns_bad(d) && !nbad++)
			first = d;
	}
	if (first)
		f_dns(r, in, first, nbad);
	nd_check_end(r, nbad ? ND_CHECK_FAIL : ND_CHECK_PASS,
		     nd_report_printf(r, "%s (%s)", why, in->resolv_files ? in->resolv_files : "-"));
	r->checks[r->nchecks - 1].duration_ms = ms;
}

/* --- node-apiserver -------------------------------------------------------- */

static void stages_val(struct nd_report *r, struct nd_val *o, const struct nd_probe_result *p)
{
	struct nd_val *arr = nd_obj_arr(r, o, "stages"), *x;

#define ST(name, st, ms) do { \
		x = nd_arr_obj(r, arr); \
		nd_obj_str(r, x, "stage", name); \
		nd_obj_str(r, x, "result", (st) == ND_STAGE_PASS ? "pass" : "fail"); \
		nd_obj_int(r, x, "ms", ms); \
	} while (0)
	if (!p->dns.literal)
		ST("dns", p->dns.status, p->dns.ms);
	ST("tcp", p->tcp_status, p->tcp_ms);
	if (p->tcp_status != ND_STAGE_PASS)
		return;
	if (p->https)
		ST("tls", p->tls.status, p->tls.ms);
	if (p->https && p->tls.status != ND_STAGE_PASS)
		return;
	ST("http", p->version.status, p->version.ms + p->readyz.ms);
#undef ST
}

static const char *detail(struct nd_report *r, const struct nd_probe_result *p, const char *stage)
{
	if (strcmp(stage, "tcp") == 0)
		return nd_report_printf(r, "%s port %u: %s", p->ntcp ? p->tcp[0].ip : p->host, p->port,
					nd_tcp_state_name(p->ntcp ? p->tcp[0].state : ND_TCP_ERROR));
	if (strcmp(stage, "tls") == 0)
		return nd_report_printf(r, "%s: %s", nd_tls_reason_name(p->tls.reason),
					p->tls.verify_error);
	return nd_report_printf(r, "GET /version: %s", p->version.detail);
}

static void f_api(struct nd_report *r, const struct nd_nodenet_input *in, const char *stage,
		  const char *error)
{
	const struct nd_probe_result *p = in->probe;
	struct nd_finding *f = nd_finding_add(r, "node-apiserver-unreachable", "Node", NULL,
					      in->node);

	nd_finding_summary(r, f, _("node %s cannot reach the API server %s (the kubelet's "
				   "server): %s at the %s stage"), in->node ? in->node : "?",
			   in->server, error, stage);
	nd_obj_str(r, f->evidence, "node", in->node);
	nd_obj_str(r, f->evidence, "target", in->server);
	nd_obj_str(r, f->evidence, "kubeconfig", in->kubeconfig);
	nd_obj_str(r, f->evidence, "address", in->address);
	nd_obj_str(r, f->evidence, "stage", stage);
	nd_obj_str(r, f->evidence, "error", error);
	nd_obj_str(r, f->evidence, "detail", p ? detail(r, p, stage) : in->dns_fail);
	if (p) {
		stages_val(r, f->evidence, p);
		nd_obj_int(r, f->evidence, "duration_ms", p->ms);
	}
	if (strcmp(stage, "dns") == 0)
		nd_finding_remedy(r, f, _("'%s' does not resolve from the node: see its DNS "
					  "servers (the node-dns check)"), in->api_host);
	else if (strcmp(stage, "tls") == 0)
		nd_finding_remedy(r, f, _("the certificate does not verify against the kubelet's "
					  "CA: a proxy or firewall between the node and the API "
					  "server intercepts TLS, or the name is not one the API "
					  "server's certificate lists"));
	else if (strcmp(stage, "http") == 0)
		nd_finding_remedy(r, f, _("something answers but not as an API server: an HTTP "
					  "proxy on the node's path, or the API server is failing"));
	else if (strcmp(error, "refused") == 0)
		nd_finding_remedy(r, f, _("nothing listens at %s port %u, or a firewall rejects "
					  "the connection: check that the API server is running and "
					  "that no firewall between the node and it rejects the port"),
				  in->address ? in->address : in->api_host, p ? p->port : 443u);
	else
		nd_finding_remedy(r, f, _("packets from the node to the API server are dropped: "
					  "a network security group or firewall without AKS's "
					  "required outbound rules (TCP 443 and 9000 to the API "
					  "server), a route table sending them elsewhere, or "
					  "authorized IP ranges that omit the cluster's egress IP"));
	nd_finding_command(r, f, "kubectl debug node/%s -it --image=busybox -- chroot /host "
			   "sh -c 'curl -sS --cacert /etc/kubernetes/certs/ca.crt %s/version'",
			   in->node ? in->node : "<node>", in->server);
}

static void check_api(struct nd_report *r, const struct nd_nodenet_input *in)
{
	const struct nd_probe_result *p = in->probe;
	const char *stage, *err;
	char buf[48];

	if (in->api_error) {
		nd_check_begin(r, "node-apiserver", "S4");
		nd_check_end(r, ND_CHECK_ERROR, in->api_error);
		return;
	}
	if (in->api_skip) {
		nd_check_skip(r, "node-apiserver", "S4", in->api_skip);
		return;
	}
	nd_check_begin(r, "node-apiserver", "S4");
	if (!p) {
		/* the host did not resolve through any of the node's servers */
		bool said = false;

		for (size_t i = 0; i < in->ndns && !said; i++)
			said = dns_bad(&in->dns[i]) && strcmp(in->dns[i].ask.name, in->api_host) == 0;
		if (said) {
			nd_check_end(r, ND_CHECK_FAIL,
				     nd_report_printf(r, _("%s: '%s' does not resolve from the node "
							   "(%s): explained by node-dns-failure"),
						      in->server, in->api_host,
						      in->dns_fail ? in->dns_fail : "dns"));
			return;
		}
		f_api(r, in, "dns", "dns");
		nd_check_end(r, ND_CHECK_FAIL, nd_report_printf(r, "%s: dns", in->server));
		return;
	}
	if (p->https && p->tls.status != ND_STAGE_PASS && p->tls.reason == ND_TLS_BAD_CA) {
		nd_check_end(r, ND_CHECK_ERROR, nd_report_printf(r, _("the kubelet's CA cannot be "
								      "read: %s"),
								 p->tls.verify_error));
		return;
	}
	stage = nd_nodenet_classify(p, &err, buf, sizeof(buf));
	if (!stage) {
		nd_check_end(r, ND_CHECK_PASS,
			     nd_report_printf(r, _("%s (%s): reached, GET /version %s, /readyz %s "
						   "(%lld ms)"), in->server,
					      in->address ? in->address : p->host,
					      p->version.detail[0] ? p->version.detail : "-",
					      p->readyz.status == ND_STAGE_NOT_RUN ? "-"
					      : p->readyz.detail[0] ? p->readyz.detail : "-",
					      (long long)p->ms));
	} else {
		f_api(r, in, stage, err);
		nd_check_end(r, ND_CHECK_FAIL, nd_report_printf(r, "%s: %s at %s", in->server,
								err, stage));
	}
	r->checks[r->nchecks - 1].duration_ms = p->ms;
}

void nd_check_nodenet(struct nd_report *r, const struct nd_nodenet_input *in)
{
	check_dns(r, in);
	check_api(r, in);
}
