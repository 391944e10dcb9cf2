/* SPDX-License-Identifier: MIT */
/* S1: the probe's stages, the AKS profile and the client's IP, reasoned together. */
#include "checks/apiserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aks/aks.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "findings/finding.h"
#include "k8s/kubeconfig.h"
#include "probe/probe.h"
#include "core/banned.h"

/* What the stages and the profile say, decided before anything is emitted. */
struct s1 {
	const struct nd_s1_input *in;
	struct nd_report *r;
	const struct nd_probe_result *p;
	const char *subject;          /* the cluster's name */
	bool privatelink;             /* the server name is *.privatelink.*.azmk8s.io */
	bool is_private;              /* profile or name say private */
	bool resolved_private;        /* every resolved address is private */
	struct nd_range_verdict rv;
	bool cause1;                  /* ranges exclude the client, and the probe did not prove otherwise */
	bool cause2;                  /* private, and the probe failed at DNS or TCP (or offline, public IP) */
	const char *failed_stage;     /* dns, tcp, tls, version, readyz, auth, or NULL */
	char ipbuf[46];
};

bool nd_s1_reachable(const struct nd_probe_result *p)
{
	if (p && p->auth.status == ND_STAGE_NOT_RUN && p->version.status == ND_STAGE_PASS)
		return true;   /* credentials not tested here (diagnose) */
	/* the credentials were sent and not refused as such: 403 on one
	 * resource, 429 or 5xx still leave the API usable for the rest */
	return p && (p->auth.status == ND_STAGE_PASS ||
		     (p->auth.http != 0 && p->auth.http != 401));
}

static const char *stage_failed(const struct nd_probe_result *p)
{
	if (!p)
		return NULL;
	if (p->dns.status != ND_STAGE_PASS)
		return "dns";
	if (p->tcp_status != ND_STAGE_PASS)
		return "tcp";
	if (p->https && p->tls.status != ND_STAGE_PASS)
		return "tls";
	if (p->version.status == ND_STAGE_FAIL)
		return "version";
	if (p->auth.status == ND_STAGE_FAIL)
		return "auth";
	if (p->readyz.status == ND_STAGE_FAIL)
		return "readyz";
	return NULL;
}

static bool tcp_any(const struct nd_probe_result *p, enum nd_tcp_state st)
{
	size_t i;

	for (i = 0; i < p->ntcp; i++)
		if (p->tcp[i].state == st)
			return true;
	return false;
}

static void decide(struct s1 *s)
{
	const struct nd_s1_input *in = s->in;
	const struct nd_aks_profile *a = in->aks;
	const struct nd_probe_result *p = s->p;
	size_t i;

	s->subject = a && a->name ? a->name : in->kc && in->kc->cluster ? in->kc->cluster
		     : p ? p->host : "cluster";
	s->privatelink = p && nd_aks_is_privatelink(p->host);
	if (!s->privatelink && a && a->private_fqdn && p)
		s->privatelink = strcmp(a->private_fqdn, p->host) == 0;
	s->is_private = (a && a->private_cluster == 1) || s->privatelink;
	if (p && p->dns.naddrs) {
		s->resolved_private = true;
		for (i = 0; i < p->dns.naddrs; i++) {
			struct nd_ip ip;

			if (nd_ip_parse(p->dns.addrs[i], &ip) < 0 || !nd_ip_is_private(&ip))
				s->resolved_private = false;
		}
	}
	/* an AKS name resolving to a private address: a private cluster's public FQDN */
	if (p && !s->is_private && s->resolved_private && !p->dns.literal &&
	    strstr(p->host, ".azmk8s.io") && (!a || a->private_cluster != 0))
		s->is_private = true;
	if (in->client_ip)
		nd_ip_format(in->client_ip, s->ipbuf, sizeof(s->ipbuf));
	nd_aks_ranges_check(a, in->client_ip, &s->rv);
	s->failed_stage = stage_failed(p);
	if (s->rv.enabled && in->client_ip && !s->rv.allowed && !s->rv.only_cluster_egress)
		s->cause1 = !p || (s->failed_stage && strcmp(s->failed_stage, "tcp") == 0 &&
				   !tcp_any(p, ND_TCP_REFUSED));
	else if (s->rv.only_cluster_egress && in->client_ip)
		s->cause1 = !p || (s->failed_stage && strcmp(s->failed_stage, "tcp") == 0);
	if (s->is_private) {
		if (p)
			s->cause2 = s->failed_stage && (strcmp(s->failed_stage, "dns") == 0 ||
							strcmp(s->failed_stage, "tcp") == 0);
		else if (in->client_ip)
			s->cause2 = !nd_ip_is_private(in->client_ip);
	}
}

static void ranges_val(struct nd_report *r, struct nd_val *o, const char *key,
		       const struct nd_aks_profile *a)
{
	struct nd_val *arr;
	size_t i;

	if (!a || !a->nranges) {
		nd_obj_str(r, o, key, NULL);
		return;
	}
	arr = nd_obj_arr(r, o, key);
	for (i = 0; i < a->nranges; i++)
		nd_arr_str(r, arr, a->ranges[i]);
}

static void addresses_val(struct nd_report *r, struct nd_val *o, const struct nd_probe_result *p)
{
	struct nd_val *arr = nd_obj_arr(r, o, "addresses");
	size_t i;

	for (i = 0; i < p->ntcp; i++) {
		struct nd_val *x = nd_arr_obj(r, arr);

		nd_obj_str(r, x, "ip", p->tcp[i].ip);
		nd_obj_str(r, x, "result", nd_tcp_state_name(p->tcp[i].state));
		nd_obj_int(r, x, "ms", p->tcp[i].ms);
	}
}

static const char *rg_or(const struct nd_aks_profile *a)
{
	return a && a->resource_group ? a->resource_group : "<resource-group>";
}

static const char *name_or(const struct nd_aks_profile *a)
{
	return a && a->name ? a->name : "<cluster>";
}

/* --- findings ------------------------------------------------------------ */

static void f_cause1(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_aks_profile *a = s->in->aks;
	struct nd_finding *f = nd_finding_add(r, "apiserver-client-ip-not-authorized", "Cluster",
					      NULL, s->subject);
	struct nd_val *c;
	char value[8192];

	if (s->rv.only_cluster_egress)
		nd_finding_summary(r, f, _("the API server accepts only the cluster's own outbound "
					   "IP (0.0.0.0/32); this client's egress IP %s is not "
					   "allowed"), s->ipbuf);
	else
		nd_finding_summary(r, f, _("this client's egress IP %s is in none of the %zu "
					   "authorized IP ranges of the API server"), s->ipbuf,
				   a->nranges);
	nd_obj_str(r, f->evidence, "client_ip", s->ipbuf);
	nd_obj_str(r, f->evidence, "client_ip_source", s->in->client_ip_source);
	ranges_val(r, f->evidence, "authorized_ip_ranges", a);
	c = nd_obj_obj(r, f->evidence, "cluster");
	nd_obj_str(r, c, "resource_group", a->resource_group);
	nd_obj_str(r, c, "name", a->name);
	if (s->p && s->failed_stage)
		nd_obj_str(r, f->evidence, "probe", s->failed_stage);
	nd_finding_remedy(r, f, _("add the client's egress IP to the authorized ranges (the "
				  "option replaces the whole list, so the existing ranges are "
				  "repeated), wait about two minutes, and try again"));
	if (nd_aks_ranges_with(a, s->in->client_ip, value, sizeof(value)) > 0)
		nd_finding_command(r, f, "az aks update -g %s -n %s --api-server-authorized-ip-ranges %s",
				   rg_or(a), name_or(a), value);
}

static void f_cause2(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_aks_profile *a = s->in->aks;
	const struct nd_probe_result *p = s->p;
	struct nd_finding *f = nd_finding_add(r, "apiserver-private-cluster", "Cluster", NULL,
					      s->subject);
	struct nd_val *res;
	size_t i;

	if (!p)
		nd_finding_summary(r, f, _("the cluster is private: its API server has no public IP, "
					   "and the client %s is outside its network"), s->ipbuf);
	else if (strcmp(s->failed_stage, "dns") == 0)
		nd_finding_summary(r, f, _("the cluster is private: its name '%s' does not resolve "
					   "from here (%s)"), p->host,
				   nd_dns_error_name(p->dns.error));
	else
		nd_finding_summary(r, f, _("the cluster is private: '%s' resolves to %s, which this "
					   "machine cannot reach"), p->host, p->dns.addrs[0]);
	nd_obj_str(r, f->evidence, "private_fqdn", a && a->private_fqdn ? a->private_fqdn
				   : s->privatelink ? p->host : NULL);
	nd_obj_str(r, f->evidence, "fqdn", a ? a->fqdn : NULL);
	nd_obj_str(r, f->evidence, "private_dns_zone", a ? a->private_dns_zone : NULL);
	res = nd_obj_arr(r, f->evidence, "resolved");
	for (i = 0; p && i < p->dns.naddrs; i++)
		nd_arr_str(r, res, p->dns.addrs[i]);
	nd_obj_str(r, f->evidence, "stage", p ? s->failed_stage : "offline");
	if (!p)
		nd_obj_str(r, f->evidence, "client_ip", s->ipbuf);
	if (a && a->disable_run_command >= 0)
		nd_obj_bool(r, f->evidence, "run_command_disabled", a->disable_run_command == 1);
	else
		nd_obj_str(r, f->evidence, "run_command_disabled", NULL);
	nd_finding_remedy(r, f, _("reach the API server from inside: a VM in the cluster's "
				  "virtual network or a peered one (with the private DNS zone "
				  "linked), a VPN or ExpressRoute into it, or `az aks command "
				  "invoke`; the public FQDN option only publishes a name for the "
				  "private IP"));
	if (!a || a->disable_run_command != 1)
		nd_finding_command(r, f, "az aks command invoke -g %s -n %s --command \"kubectl get "
				   "pods -A\"", rg_or(a), name_or(a));
	if (a && a->public_fqdn != 1)
		nd_finding_command(r, f, "az aks update -g %s -n %s --enable-public-fqdn", rg_or(a),
				   name_or(a));
}

static void f_dns(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_probe_result *p = s->p;
	const struct nd_aks_profile *a = s->in->aks;
	struct nd_finding *f = nd_finding_add(r, "apiserver-dns-failure", "Cluster", NULL,
					      s->subject);
	struct nd_val *rs;
	size_t i;

	nd_finding_summary(r, f, _("the API server name '%s' does not resolve: %s"), p->host,
			   nd_dns_error_name(p->dns.error));
	nd_obj_str(r, f->evidence, "server", p->server);
	nd_obj_str(r, f->evidence, "host", p->host);
	rs = nd_obj_arr(r, f->evidence, "resolvers");
	for (i = 0; i < p->dns.nservers; i++)
		nd_arr_str(r, rs, p->dns.servers[i]);
	nd_obj_str(r, f->evidence, "error", nd_dns_error_name(p->dns.error));
	nd_obj_str(r, f->evidence, "aks_fqdn", a ? a->fqdn : NULL);
	nd_obj_str(r, f->evidence, "aks_private_fqdn", a ? a->private_fqdn : NULL);
	nd_finding_remedy(r, f, _("check the server name in the kubeconfig against the "
				  "cluster's FQDN, and that this machine's DNS servers answer it; "
				  "a stopped or deleted cluster's name stops resolving"));
	nd_finding_command(r, f, "nslookup %s", p->host);
	if (a)
		nd_finding_command(r, f, "az aks get-credentials -g %s -n %s --overwrite-existing",
				   rg_or(a), name_or(a));
}

static void f_tcp(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_probe_result *p = s->p;
	const struct nd_aks_profile *a = s->in->aks;
	bool refused = tcp_any(p, ND_TCP_REFUSED);
	struct nd_finding *f = nd_finding_add(r, refused ? "apiserver-connect-refused"
						       : "apiserver-connect-timeout",
					      "Cluster", NULL, s->subject);
	const char *proxy = getenv("HTTPS_PROXY") ? getenv("HTTPS_PROXY") : getenv("https_proxy");

	nd_obj_str(r, f->evidence, "server", p->server);
	addresses_val(r, f->evidence, p);
	nd_obj_int(r, f->evidence, "port", p->port);
	if (refused) {
		nd_finding_summary(r, f, _("TCP connections to %s port %u are refused: nothing "
					   "listens there, or a firewall rejects them"),
				   p->host, p->port);
		nd_obj_str(r, f->evidence, "error", "connection refused");
		nd_obj_str(r, f->evidence, "proxy", proxy);
		nd_finding_remedy(r, f, _("check that the kubeconfig names the right server and "
					  "port and that the cluster is running; a REJECT rule in a "
					  "firewall on the path answers like this too"));
		nd_finding_command(r, f, "curl -v --connect-timeout 5 %s/version", p->server);
		return;
	}
	if (tcp_any(p, ND_TCP_UNREACHABLE) && !tcp_any(p, ND_TCP_TIMEOUT))
		nd_finding_summary(r, f, _("%s port %u is unreachable from here: no route to it"),
				   p->host, p->port);
	else
		nd_finding_summary(r, f, _("TCP connections to %s port %u time out: packets are "
					   "dropped on the way"), p->host, p->port);
	nd_obj_int(r, f->evidence, "timeout_ms", s->in->timeout_ms);
	ranges_val(r, f->evidence, "authorized_ip_ranges", a);
	if (a && a->private_cluster >= 0)
		nd_obj_bool(r, f->evidence, "private_cluster", a->private_cluster == 1);
	else
		nd_obj_str(r, f->evidence, "private_cluster", NULL);
	nd_obj_str(r, f->evidence, "power_state", a ? a->power_state : NULL);
	if (a && a->power_state && strcmp(a->power_state, "Stopped") == 0) {
		nd_finding_remedy(r, f, _("the cluster is stopped: start it"));
		nd_finding_command(r, f, "az aks start -g %s -n %s", rg_or(a), name_or(a));
	} else if (s->rv.enabled && s->in->client_ip && s->rv.allowed) {
		nd_obj_str(r, f->evidence, "client_ip", s->ipbuf);
		nd_finding_remedy(r, f, _("this client's IP %s is inside the authorized ranges "
					  "(%s), so the API server would accept it: a firewall, NSG, "
					  "proxy or VPN on the path drops outbound TCP %u; ask for it "
					  "to be allowed"), s->ipbuf, a->ranges[s->rv.matched], p->port);
	} else if (s->rv.enabled) {
		nd_finding_remedy(r, f, _("the API server has authorized IP ranges and this "
					  "client's egress IP is unknown: run again with --client-ip "
					  "IP (or --egress-ip-url URL of an echo service you trust) "
					  "to test it against them"));
	} else {
		nd_finding_remedy(r, f, _("nothing in the cluster's profile explains it: a "
					  "firewall, NSG, proxy or VPN on this side drops outbound TCP "
					  "%u; test from another network, and ask for it to be "
					  "allowed"), p->port);
	}
	nd_finding_command(r, f, "curl -v --connect-timeout 5 %s/version", p->server);
}

static void f_tls(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_probe_result *p = s->p;
	const struct nd_tls_result *t = &p->tls;
	const struct nd_kubeconfig *kc = s->in->kc;
	struct nd_finding *f = nd_finding_add(r, "apiserver-tls-untrusted", "Cluster", NULL,
					      s->subject);
	const char *name = kc->tls_server_name && *kc->tls_server_name ? kc->tls_server_name
								       : p->host;

	nd_finding_summary(r, f, _("the API server's certificate is not trusted (%s): %s"),
			   nd_tls_reason_name(t->reason), t->verify_error[0] ? t->verify_error : "?");
	nd_obj_str(r, f->evidence, "server", p->server);
	nd_obj_str(r, f->evidence, "tls_server_name", name);
	nd_obj_str(r, f->evidence, "reason", nd_tls_reason_name(t->reason));
	nd_obj_str(r, f->evidence, "verify_error", t->verify_error);
	nd_obj_str(r, f->evidence, "subject", t->have_cert ? t->subject : NULL);
	nd_obj_str(r, f->evidence, "issuer", t->have_cert ? t->issuer : NULL);
	nd_obj_str(r, f->evidence, "sans", t->have_cert ? t->sans : NULL);
	nd_obj_str(r, f->evidence, "not_before", t->have_cert ? t->not_before : NULL);
	nd_obj_str(r, f->evidence, "not_after", t->have_cert ? t->not_after : NULL);
	switch (t->reason) {
	case ND_TLS_NAME_MISMATCH:
		nd_finding_remedy(r, f, _("the certificate is not valid for '%s': use the name "
					  "the cluster's certificate lists, or fetch the kubeconfig "
					  "again"), name);
		break;
	case ND_TLS_EXPIRED: case ND_TLS_NOT_YET_VALID:
		nd_finding_remedy(r, f, _("the certificate is outside its validity period: check "
					  "this machine's clock, then rotate the cluster's "
					  "certificates if it is right"));
		break;
	default:
		nd_finding_remedy(r, f, _("the kubeconfig's certificate-authority did not sign "
					  "this certificate: fetch the kubeconfig again (the CA changes "
					  "when certificates are rotated), or a proxy on the path is "
					  "intercepting TLS"));
	}
	if (s->in->aks)
		nd_finding_command(r, f, "az aks get-credentials -g %s -n %s --overwrite-existing",
				   rg_or(s->in->aks), name_or(s->in->aks));
	nd_finding_command(r, f, "openssl s_client -connect %s:%u -servername %s -showcerts",
			   p->host, p->port, name);
}

static void f_auth(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_probe_result *p = s->p;
	const struct nd_kubeconfig *kc = s->in->kc;
	struct nd_finding *f;

	if (p->auth.http == 403) {
		if (s->in->in_diagnose)
			return;   /* the live source names what may not be listed */
		f = nd_finding_add(r, "apiserver-forbidden", "Cluster", NULL, s->subject);
		nd_finding_summary(r, f, _("the API server knows these credentials but refuses "
					   "'%s': %s"), p->auth_path, p->status_message);
		nd_obj_str(r, f->evidence, "user", p->forbidden_user[0] ? p->forbidden_user : NULL);
		nd_obj_str(r, f->evidence, "verb", p->forbidden_verb[0] ? p->forbidden_verb : "list");
		nd_obj_str(r, f->evidence, "resource",
			   p->forbidden_resource[0] ? p->forbidden_resource : "pods");
		nd_obj_str(r, f->evidence, "namespace", p->forbidden_ns[0] ? p->forbidden_ns : NULL);
		nd_obj_str(r, f->evidence, "message", p->status_message);
		nd_finding_remedy(r, f, _("the network and the credentials are fine; ask for an "
					  "RBAC role that allows it (see netdiag can-i)"));
		nd_finding_command(r, f, "kubectl auth can-i --list");
		return;
	}
	f = nd_finding_add(r, "apiserver-unauthorized", "Cluster", NULL, s->subject);
	nd_obj_str(r, f->evidence, "server", p->server);
	nd_obj_str(r, f->evidence, "user", kc->user);
	nd_obj_str(r, f->evidence, "auth", p->auth_kind);
	nd_obj_str(r, f->evidence, "exec_command", kc->exec ? kc->exec->command : NULL);
	nd_obj_str(r, f->evidence, "message",
		   p->status_message[0] ? p->status_message : p->auth.detail);
	if (p->auth.http == 401)
		nd_finding_summary(r, f, _("the API server rejects the credentials of user '%s' "
					   "(401 Unauthorized)"), kc->user ? kc->user : "?");
	else
		nd_finding_summary(r, f, _("no credentials for user '%s': %s"),
				   kc->user ? kc->user : "?", p->auth.detail);
	if (kc->exec && strstr(kc->exec->command, "kubelogin")) {
		nd_finding_remedy(r, f, _("the Microsoft Entra token from kubelogin is expired or "
					  "for another tenant or cluster: log in again and clear "
					  "kubelogin's cache"));
		nd_finding_command(r, f, "kubelogin remove-cache-dir");
		nd_finding_command(r, f, "az login");
	} else {
		nd_finding_remedy(r, f, _("the token or client certificate is expired, revoked "
					  "or for another cluster: fetch the credentials again"));
	}
	if (s->in->aks)
		nd_finding_command(r, f, "az aks get-credentials -g %s -n %s --overwrite-existing",
				   rg_or(s->in->aks), name_or(s->in->aks));
}

static void f_insecure(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_kubeconfig *kc = s->in->kc;
	struct nd_finding *f = nd_finding_add(r, "apiserver-insecure-skip-tls-verify", "Cluster",
					      NULL, kc->cluster);

	nd_finding_summary(r, f, _("kubeconfig cluster '%s' turns off TLS verification of the "
				   "API server"), kc->cluster);
	nd_obj_str(r, f->evidence, "context", kc->context);
	nd_obj_str(r, f->evidence, "cluster", kc->cluster);
	nd_obj_str(r, f->evidence, "server", kc->server);
	nd_obj_bool(r, f->evidence, "ca_present", kc->ca_file || kc->ca_data);
	nd_finding_remedy(r, f, _("remove insecure-skip-tls-verify and give the entry the "
				  "cluster's CA"));
	nd_finding_command(r, f, "kubectl config unset clusters.%s.insecure-skip-tls-verify",
			   kc->cluster);
}


static void f_bad_ranges(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_aks_profile *a = s->in->aks;
	struct nd_finding *f = nd_finding_add(r, "apiserver-authorized-range-invalid", "Cluster",
					      NULL, s->subject);
	struct nd_val *arr = nd_obj_arr(r, f->evidence, "ranges");
	size_t i;

	nd_finding_summary(r, f, _("%zu of the %zu authorized IP ranges are not valid network "
				   "ranges; AKS rejects such a list on the next update"),
			   s->rv.nbad, a->nranges);
	for (i = 0; i < s->rv.nbad; i++) {
		struct nd_val *x = nd_arr_obj(r, arr);

		nd_obj_str(r, x, "range", a->ranges[s->rv.bad[i].index]);
		nd_obj_str(r, x, "problem", s->rv.bad[i].problem == ND_RANGE_NOT_NETWORK
					    ? "not-network-address" : "unparsable");
		nd_obj_str(r, x, "network", s->rv.bad[i].network[0] ? s->rv.bad[i].network : NULL);
	}
	nd_finding_remedy(r, f, _("write every range from its network address (for example "
				  "137.117.106.88/29, not .90/29) and list them again"));
}

/* --- checks ---------------------------------------------------------------- */

static void stage(struct s1 *s, const char *id, enum nd_stage_status st, int64_t ms,
		  const char *reason, void (*emit)(struct s1 *))
{
	struct nd_report *r = s->r;

	if (st == ND_STAGE_NOT_RUN) {
		nd_check_skip(r, id, "S1", reason);
		return;
	}
	nd_check_begin(r, id, "S1");
	if (emit)
		emit(s);
	nd_check_end(r, st == ND_STAGE_PASS ? ND_CHECK_PASS : ND_CHECK_FAIL, reason);
	r->checks[r->nchecks - 1].duration_ms = ms;
}

static const char *explained(struct s1 *s, const char *what)
{
	if (s->cause1)
		return nd_report_printf(s->r, _("%s: explained by the authorized IP ranges"), what);
	return nd_report_printf(s->r, _("%s: explained by the private cluster"), what);
}

/*
 * The authenticated GET failed for a reason that says nothing of the
 * credentials (anything but 401, 403 or no credentials at all): the deadline
 * passed mid-answer, the body was cut, too big or a bomb, a 2xx was no
 * Kubernetes object, a redirect, 429, 5xx, the connection broke.
 */
static bool auth_unproven(const struct nd_probe_result *p)
{
	return p->auth.http != 401 && p->auth.http != 403 &&
	       strcmp(p->auth.fail, "credentials") != 0;
}

static void stages(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_probe_result *p = s->p;
	const char *why, *skip = NULL;
	char list[600];
	size_t i, used = 0;

	list[0] = '\0';
	for (i = 0; i < p->dns.naddrs && used < sizeof(list) - 48; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
					 p->dns.addrs[i]);
	if (p->dns.status == ND_STAGE_PASS)
		why = p->dns.literal ? nd_report_printf(r, _("%s is an address: no lookup"), p->host)
				     : nd_report_printf(r, _("%s resolves to %s"), p->host, list);
	else
		why = nd_report_printf(r, _("%s: %s from %s"), p->host,
				       nd_dns_error_name(p->dns.error),
				       p->dns.nservers ? p->dns.servers[0] : "no resolver");
	if (p->dns.status != ND_STAGE_PASS && s->cause2)
		why = explained(s, why);
	stage(s, "apiserver-dns", p->dns.status, p->dns.ms, why,
	      p->dns.status != ND_STAGE_PASS && !s->cause2 ? f_dns : NULL);
	if (p->dns.status != ND_STAGE_PASS)
		skip = _("not run: the name did not resolve");

	if (skip) {
		why = skip;
	} else if (p->tcp_status == ND_STAGE_PASS) {
		for (i = 0; i < p->ntcp && p->tcp[i].state != ND_TCP_OK; i++)
			;
		why = nd_report_printf(r, _("connected to %s port %u"), i < p->ntcp ? p->tcp[i].ip : "?",
				       p->port);
	} else {
		why = nd_report_printf(r, _("%s on every address (%zu) of port %u"),
				       tcp_any(p, ND_TCP_REFUSED) ? "refused"
				       : tcp_any(p, ND_TCP_TIMEOUT) ? "timeout" : "unreachable",
				       p->ntcp, p->port);
		if (s->cause1 || s->cause2)
			why = explained(s, why);
	}
	stage(s, "apiserver-tcp", skip ? ND_STAGE_NOT_RUN : p->tcp_status, p->tcp_ms, why,
	      !skip && p->tcp_status != ND_STAGE_PASS && !s->cause1 && !s->cause2 ? f_tcp : NULL);
	if (!skip && p->tcp_status != ND_STAGE_PASS)
		skip = _("not run: no TCP connection");

	if (p->https) {
		const struct nd_tls_result *t = &p->tls;
		bool insecure = s->in->kc->insecure && !s->in->in_diagnose;

		if (skip)
			why = skip;
		else if (t->status == ND_STAGE_PASS)
			why = nd_report_printf(r, _("%s, certificate '%s' valid until %s%s"), t->version,
					       t->subject, t->not_after,
					       s->in->kc->insecure ? _(" (not verified)") : "");
		else
			why = nd_report_printf(r, "%s: %s", nd_tls_reason_name(t->reason),
					       t->verify_error);
		stage(s, "apiserver-tls", skip ? ND_STAGE_NOT_RUN : t->status, t->ms, why,
		      skip ? NULL : t->status != ND_STAGE_PASS ? f_tls : insecure ? f_insecure : NULL);
		if (!skip && t->status != ND_STAGE_PASS)
			skip = _("not run: TLS failed");
	}

	why = skip ? skip : p->version.status == ND_STAGE_PASS
		      ? nd_report_printf(r, _("HTTP %ld %s"), p->version.http, p->version.detail)
		      : nd_report_printf(r, "%s", p->version.detail);
	stage(s, "apiserver-version", skip ? ND_STAGE_NOT_RUN : p->version.status, p->version.ms,
	      why, NULL);
	if (!skip && p->version.status != ND_STAGE_PASS)
		skip = _("not run: /version did not answer");

	why = skip ? skip : p->readyz.status == ND_STAGE_PASS
		      ? nd_report_printf(r, _("HTTP %ld %s"), p->readyz.http, p->readyz.detail)
		      : nd_report_printf(r, _("the API server is not ready: %s"), p->readyz.detail);
	stage(s, "apiserver-readyz", skip ? ND_STAGE_NOT_RUN : p->readyz.status, p->readyz.ms, why,
	      NULL);

	if (!skip && p->auth.status == ND_STAGE_NOT_RUN)
		skip = _("left to the API listing, which uses the same credentials");
	why = skip ? skip : p->auth.status == ND_STAGE_PASS
		      ? nd_report_printf(r, _("%s credentials accepted: GET %s gave HTTP %ld"),
					 p->auth_kind, p->auth_path, p->auth.http)
		      : p->auth.http ? nd_report_printf(r, _("GET %s with %s credentials: HTTP %ld"),
						       p->auth_path, p->auth_kind, p->auth.http)
		      : nd_report_printf(r, "%s", p->auth.detail);
	if (!skip && p->auth.status == ND_STAGE_FAIL && auth_unproven(p)) {
		/* the answer never came whole, or was not the API's: the credentials
		 * are not to blame and nothing is proven (incomplete, not a finding) */
		nd_check_begin(r, "apiserver-auth", "S1");
		nd_check_end(r, ND_CHECK_ERROR,
			     nd_report_printf(r, _("GET %s with %s credentials: %s"), p->auth_path,
					      p->auth_kind, p->status_message[0] ? p->status_message
					      : p->auth.detail));
		r->checks[r->nchecks - 1].duration_ms = p->auth.ms;
		return;
	}
	stage(s, "apiserver-auth", skip ? ND_STAGE_NOT_RUN : p->auth.status, p->auth.ms, why,
	      !skip && p->auth.status == ND_STAGE_FAIL &&
	      (p->auth.http == 401 || p->auth.http == 403 || !p->auth.http) ? f_auth : NULL);
}

static void check_ranges(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_aks_profile *a = s->in->aks;
	const char *why;
	enum nd_check_status st = ND_CHECK_PASS;

	if (!a) {
		nd_check_skip(r, "apiserver-authorized-ranges", "S1",
			      s->in->aks_error ? s->in->aks_error
			      : _("no AKS profile: give --aks FILE (az aks show output) or "
				  "--resource-group RG --name NAME"));
		return;
	}
	nd_check_begin(r, "apiserver-authorized-ranges", "S1");
	if (s->rv.nbad)
		f_bad_ranges(s);
	if (!s->rv.enabled) {
		why = _("authorized IP ranges are off: any address may connect");
	} else if (s->cause1) {
		f_cause1(s);
		why = nd_report_printf(r, _("%s is in none of %zu ranges"), s->ipbuf, a->nranges);
	} else if (!s->in->client_ip) {
		why = nd_report_printf(r, _("%zu ranges; this client's egress IP is unknown (%s): "
					    "give --client-ip IP or --egress-ip-url URL"), a->nranges,
				       s->in->client_ip_error ? s->in->client_ip_error
				       : _("not given"));
		if (!s->rv.nbad)
			st = ND_CHECK_SKIP;
	} else if (s->rv.allowed) {
		why = nd_report_printf(r, _("%s is in %s"), s->ipbuf, a->ranges[s->rv.matched]);
	} else {
		why = nd_report_printf(r, _("%s is in none of the ranges, yet the API server "
					    "answered: this client's egress IP is another one (NAT, "
					    "proxy)"), s->ipbuf);
	}
	nd_check_end(r, st, why);
}

static void check_private(struct s1 *s)
{
	struct nd_report *r = s->r;
	const struct nd_aks_profile *a = s->in->aks;
	const char *why;

	if (!a && !s->is_private) {
		nd_check_skip(r, "apiserver-private-cluster", "S1",
			      s->in->aks_error ? s->in->aks_error
			      : _("no AKS profile, and the server name is not a private one"));
		return;
	}
	nd_check_begin(r, "apiserver-private-cluster", "S1");
	if (!s->is_private)
		why = _("public cluster");
	else if (s->cause2) {
		f_cause2(s);
		why = _("private cluster, not reachable from here");
	} else if (s->p && !s->failed_stage)
		why = _("private cluster, reachable from here");
	else
		why = _("private cluster: reachable only from its virtual network, a peered one, "
			"VPN/ExpressRoute, or az aks command invoke");
	nd_check_end(r, ND_CHECK_PASS, why);
}

void nd_check_apiserver(struct nd_report *r, const struct nd_s1_input *in)
{
	struct s1 s = {.in = in, .r = r, .p = in->probe};

	decide(&s);
	if (s.p)
		stages(&s);
	else
		nd_check_skip(r, "apiserver-probe", "S1",
			      in->probe_skip ? in->probe_skip : _("offline: no probe"));
	check_ranges(&s);
	check_private(&s);
}
