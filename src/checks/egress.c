/* SPDX-License-Identifier: MIT */
/* S4: AKS's outbound destinations, staged, turned into the table and egress-blocked findings. */
#include "checks/egress.h"

#include <stdio.h>
#include <string.h>

#include "aks/egress.h"
#include "core/i18n.h"
#include "findings/finding.h"
#include "probe/probe.h"
#include "core/banned.h"

/* How one destination fared, decided before anything is emitted. */
struct verdict {
	const char *stage;        /* the stage that failed, or NULL */
	const char *error;        /* its error value */
	const char *detail;       /* the words behind it */
	bool intercepted;
	const char *cell[4];      /* dns, tcp, tls, http: "ok", "-", or the error */
};

static const char *tcp_error(const struct nd_dest_result *x)
{
	bool timeout = false, unreach = false;

	for (size_t i = 0; i < x->ntcp; i++) {
		if (x->tcp[i].state == ND_TCP_REFUSED)
			return "refused";
		timeout |= x->tcp[i].state == ND_TCP_TIMEOUT;
		unreach |= x->tcp[i].state == ND_TCP_UNREACHABLE;
	}
	return timeout ? "timeout" : unreach ? "unreachable" : "error";
}

static const char *tls_error(const struct nd_tls_result *t)
{
	switch (t->reason) {
	case ND_TLS_UNKNOWN_AUTHORITY: return "intercepted";
	case ND_TLS_NAME_MISMATCH: return "name-mismatch";
	case ND_TLS_EXPIRED: return "expired";
	case ND_TLS_NOT_YET_VALID: return "not-yet-valid";
	case ND_TLS_TIMEOUT: return "timeout";
	case ND_TLS_BAD_CA: return "bad-ca";
	case ND_TLS_HANDSHAKE: case ND_TLS_OK: break;
	}
	/* no certificate at all: the connection was cut during the handshake */
	return t->have_cert ? "handshake-failed" : "reset";
}

static void decide(const struct nd_egress_input *in, const struct nd_egress_dest *d,
		   const struct nd_dest_result *x, struct verdict *v)
{
	bool tls = d->scheme == ND_EG_TLS || d->scheme == ND_EG_HTTPS;
	bool http = d->scheme == ND_EG_HTTPS || d->scheme == ND_EG_HTTP;

	memset(v, 0, sizeof(*v));
	for (int i = 0; i < 4; i++)
		v->cell[i] = "-";
	if (x->dns.status != ND_STAGE_PASS) {
		v->stage = "dns";
		v->error = nd_dns_error_name(x->dns.error);
		v->detail = x->dns.detail;
		v->cell[0] = v->error;
		return;
	}
	v->cell[0] = x->dns.literal ? "ip" : "ok";
	if (x->tcp_status != ND_STAGE_PASS) {
		v->stage = "tcp";
		v->error = tcp_error(x);
		v->detail = v->error;
		v->cell[1] = v->error;
		return;
	}
	v->cell[1] = "ok";
	if (tls) {
		const struct nd_tls_result *t = &x->tls;

		if (t->status != ND_STAGE_PASS) {
			v->stage = "tls";
			v->error = tls_error(t);
			v->detail = t->verify_error;
			v->intercepted = t->reason == ND_TLS_UNKNOWN_AUTHORITY;
		} else if (nd_egress_issuer_is_proxy(in->data, t->issuer) ||
			   nd_egress_issuer_is_proxy(in->data, t->chain_issuer)) {
			/* trusted (its CA was installed), but a proxy signed it */
			v->stage = "tls";
			v->error = "intercepted";
			v->detail = t->issuer;
			v->intercepted = true;
		} else if (d->alpn && !t->alpn[0]) {
			v->stage = "tls";
			v->error = "alpn-stripped";
			v->detail = "the server chose no ALPN protocol of those offered";
		}
		if (v->stage) {
			v->cell[2] = v->error;
			return;
		}
		v->cell[2] = "ok";
	}
	if (http) {
		if (x->http.status == ND_STAGE_FAIL) {
			v->stage = "http";
			v->error = x->http.error;
			v->detail = x->http.detail;
			v->cell[3] = v->error;
			return;
		}
		v->cell[3] = x->http.status == ND_STAGE_PASS && x->http.http
			     ? "ok" : x->http.status == ND_STAGE_PASS ? "silent" : "-";
	}
}

static const char *rg(const struct nd_egress_input *in)
{
	return in->resource_group ? in->resource_group : "<fw-resource-group>";
}

/* The firewall rule that lets d through, as evidence and as commands. */
static void rule_to_add(struct nd_report *r, struct nd_finding *f, const struct nd_egress_input *in,
			const struct nd_egress_dest *d, const struct nd_dest_result *x)
{
	struct nd_val *o = nd_obj_obj(r, f->evidence, "firewall_rule");
	const char *proto = strcmp(d->protocol, "udp") == 0 ? "UDP" : "TCP";
	const bool http = d->scheme == ND_EG_HTTP;

	if (!d->network_rule) {
		nd_obj_str(r, o, "kind", "application");
		nd_obj_str(r, o, "fqdn", d->rule);
		nd_obj_str(r, o, "protocol", nd_report_printf(r, "%s:%u", http ? "Http" : "Https",
							      d->port));
		nd_finding_command(r, f, "az network firewall application-rule create -g %s -f "
				   "<firewall> --collection-name aks-egress -n %s --action allow "
				   "--priority 200 --source-addresses <node-subnet-cidr> "
				   "--protocols %s=%u --target-fqdns '%s'", rg(in), d->host,
				   http ? "Http" : "Https", d->port, d->rule);
		return;
	}
	nd_obj_str(r, o, "kind", "network");
	nd_obj_str(r, o, "protocol", proto);
	nd_obj_int(r, o, "port", d->port);
	if (x->dns.naddrs) {
		struct nd_val *a = nd_obj_arr(r, o, "addresses");

		for (size_t i = 0; i < x->dns.naddrs; i++)
			nd_arr_str(r, a, x->dns.addrs[i]);
		nd_finding_command(r, f, "az network firewall network-rule create -g %s -f "
				   "<firewall> --collection-name aks-egress-net -n %s-%u --action "
				   "allow --priority 210 --source-addresses <node-subnet-cidr> "
				   "--protocols %s --destination-addresses %s --destination-ports %u",
				   rg(in), d->host, d->port, proto, x->dns.addrs[0], d->port);
		nd_finding_command(r, f, "az network nsg rule create -g <node-resource-group> "
				   "--nsg-name <nsg> -n allow-%s-%u --priority 200 --direction "
				   "Outbound --access Allow --protocol %s "
				   "--destination-address-prefixes %s --destination-port-ranges %u",
				   d->host, d->port, proto[0] == 'U' ? "Udp" : "Tcp",
				   x->dns.addrs[0], d->port);
	}
}

static void remedy(struct nd_report *r, struct nd_finding *f, const struct verdict *v,
		   const struct nd_egress_dest *d, const struct nd_dest_result *x)
{
	if (strcmp(v->stage, "dns") == 0) {
		nd_finding_remedy(r, f, _("the name does not resolve through %s: custom DNS "
					  "servers must forward to Azure DNS (168.63.129.16) or resolve "
					  "public names, and a firewall DNS proxy must answer it"),
				  x->dns.nservers ? x->dns.servers[0] : _("the configured servers"));
		nd_finding_command(r, f, "nslookup %s", d->host);
	} else if (strcmp(v->stage, "tcp") == 0 && strcmp(v->error, "timeout") == 0) {
		nd_finding_remedy(r, f, _("packets to %s port %u are dropped without an answer: "
					  "allow it on the firewall or appliance the route table "
					  "sends 0.0.0.0/0 to, and check the NSG's outbound rules"),
				  d->host, d->port);
	} else if (strcmp(v->stage, "tcp") == 0) {
		nd_finding_remedy(r, f, _("connections to %s port %u are %s: a firewall rejects "
					  "them (TCP reset) or there is no route; allow the destination"),
				  d->host, d->port, v->error);
	} else if (v->intercepted) {
		nd_finding_remedy(r, f, _("a TLS-inspecting proxy or firewall re-signs the "
					  "connection: nodes and pods do not trust its CA, and AKS "
					  "breaks (images, konnectivity); exempt %s from TLS inspection "
					  "(or, for your own service, pass its CA with --ca-file)"),
				  d->rule);
		nd_finding_command(r, f, "openssl s_client -connect %s:%u -servername %s -showcerts "
				   "</dev/null", d->host, d->port, d->host);
		return;
	} else if (strcmp(v->error, "alpn-stripped") == 0) {
		nd_finding_remedy(r, f, _("a proxy on the path removes TLS ALPN, which "
					  "konnectivity needs: exempt %s from TLS inspection"), d->rule);
		return;
	} else if (strcmp(v->stage, "tls") == 0) {
		nd_finding_remedy(r, f, _("the TLS handshake with %s failed (%s): a firewall "
					  "filtering on the TLS server name (an application rule) does "
					  "not allow it"), d->host, v->error);
	} else {
		nd_finding_remedy(r, f, _("a firewall or proxy refused the request (%s): add an "
					  "application rule that allows %s"), v->error, d->rule);
	}
}

static void finding(struct nd_report *r, const struct nd_egress_input *in,
		    const struct nd_egress_dest *d, const struct nd_dest_result *x,
		    const struct verdict *v)
{
	struct nd_finding *f = nd_finding_add(r, "egress-blocked", "Destination", NULL, d->host);
	struct nd_val *a;

	if (v->intercepted)
		nd_finding_summary(r, f, _("%s port %u is intercepted: the certificate is issued by "
					   "'%s', which does not chain to the trusted CAs"), d->host,
				   d->port, x->tls.issuer[0] ? x->tls.issuer : "?");
	else
		nd_finding_summary(r, f, _("%s port %u is blocked at %s: %s"), d->host, d->port,
				   v->stage, v->error);
	nd_obj_str(r, f->evidence, "destination", d->host);
	nd_obj_str(r, f->evidence, "port", nd_report_printf(r, "%u/%s", d->port,
							    strcmp(d->protocol, "udp") == 0 ? "UDP"
											    : "TCP"));
	nd_obj_str(r, f->evidence, "purpose", d->purpose);
	nd_obj_str(r, f->evidence, "rule", d->rule);
	nd_obj_str(r, f->evidence, "set", d->sets);
	nd_obj_str(r, f->evidence, "stage", v->stage);
	nd_obj_str(r, f->evidence, "error", v->error);
	if (v->detail && *v->detail && strcmp(v->detail, v->error) != 0)
		nd_obj_str(r, f->evidence, "detail", v->detail);
	if (strcmp(v->stage, "dns") == 0) {
		a = nd_obj_arr(r, f->evidence, "resolvers");
		for (size_t i = 0; i < x->dns.nservers; i++)
			nd_arr_str(r, a, x->dns.servers[i]);
	} else {
		a = nd_obj_arr(r, f->evidence, "addresses");
		for (size_t i = 0; i < x->ntcp; i++) {
			struct nd_val *o = nd_arr_obj(r, a);

			nd_obj_str(r, o, "ip", x->tcp[i].ip);
			nd_obj_str(r, o, "result", nd_tcp_state_name(x->tcp[i].state));
			nd_obj_int(r, o, "ms", x->tcp[i].ms);
		}
	}
	if (strcmp(v->stage, "tcp") == 0 && strcmp(v->error, "timeout") == 0)
		nd_obj_int(r, f->evidence, "timeout_ms", x->tcp_ms);
	if (strcmp(v->stage, "tls") == 0 && x->tls.have_cert) {
		nd_obj_str(r, f->evidence, "issuer", x->tls.issuer);
		nd_obj_str(r, f->evidence, "chain_issuer", x->tls.chain_issuer);
		nd_obj_str(r, f->evidence, "certificate_subject", x->tls.subject);
	}
	if (d->alpn) {
		nd_obj_str(r, f->evidence, "alpn_offered", d->alpn);
		nd_obj_str(r, f->evidence, "alpn_chosen", x->tls.alpn[0] ? x->tls.alpn : NULL);
	}
	if (x->http.http)
		nd_obj_int(r, f->evidence, "http_status", x->http.http);
	nd_obj_str(r, f->evidence, "not_needed", d->not_needed);
	remedy(r, f, v, d, x);
	if (!v->intercepted && (!v->error || strcmp(v->error, "alpn-stripped") != 0))
		rule_to_add(r, f, in, d, x);
}

struct nd_val *nd_check_egress(struct nd_report *r, const struct nd_egress_input *in)
{
	const struct nd_egress_list *l = in->dests;
	struct nd_val *rows = nd_val_arr(r);
	size_t probed = 0, blocked = 0, unprobed = 0, skipped = 0;
	enum nd_check_status st = ND_CHECK_PASS;
	const char *why;

	rows->table = 9;     /* destination .. note in text; the rest in JSON */
	if (in->res)
		nd_check_begin(r, "egress", "S4");
	for (size_t i = 0; i < l->n; i++) {
		const struct nd_egress_dest *d = &l->v[i];
		const struct nd_dest_result *x = in->res ? &in->res[i] : NULL;
		struct nd_val *row = nd_arr_obj(r, rows);
		struct verdict v;
		const char *result, *note;

		memset(&v, 0, sizeof(v));
		for (int k = 0; k < 4; k++)
			v.cell[k] = "-";
		if (d->skip) {
			result = "skip";
			skipped++;
		} else if (!x) {
			result = "listed";
		} else if (!x->started) {
			result = "not-probed";
			unprobed++;
		} else {
			probed++;
			decide(in, d, x, &v);
			result = !v.stage ? "ok" : v.intercepted ? "intercepted" : "blocked";
			if (v.stage) {
				blocked++;
				finding(r, in, d, x, &v);
			}
		}
		nd_obj_str(r, row, "destination", d->host);
		nd_obj_str(r, row, "port", nd_report_printf(r, "%u/%s", d->port,
							    strcmp(d->protocol, "udp") == 0 ? "UDP"
											    : "TCP"));
		nd_obj_str(r, row, "dns", v.cell[0]);
		nd_obj_str(r, row, "tcp", v.cell[1]);
		nd_obj_str(r, row, "tls", v.cell[2]);
		nd_obj_str(r, row, "http", v.cell[3]);
		nd_obj_str(r, row, "result", result);
		nd_obj_int(r, row, "ms", x && x->started ? x->ms : 0);
		if (d->skip)
			note = d->skip;
		else if (v.intercepted)
			note = nd_report_printf(r, "issuer %s", x->tls.issuer);
		else if (v.stage && v.detail && *v.detail && strcmp(v.detail, v.error) != 0)
			note = v.detail;
		else if (!v.stage && x && x->http.status == ND_STAGE_PASS && !x->http.http)
			note = x->http.detail;    /* reached, but no HTTP answer: say how */
		else
			note = d->purpose;
		nd_obj_str(r, row, "note", note);
		nd_obj_str(r, row, "rule", d->rule);
		nd_obj_str(r, row, "firewall_rule", d->network_rule ? "network" : "application");
		nd_obj_str(r, row, "scheme", nd_egress_scheme_name(d->scheme));
		nd_obj_str(r, row, "alpn", d->alpn);
		nd_obj_str(r, row, "sets", d->sets);
		nd_obj_str(r, row, "purpose", d->purpose);
		nd_obj_str(r, row, "not_needed", d->not_needed);
		nd_obj_str(r, row, "stage", v.stage);
		nd_obj_str(r, row, "error", v.error);
		if (v.intercepted)
			nd_obj_str(r, row, "issuer", x->tls.issuer);
		if (x && x->started) {
			struct nd_val *t = nd_obj_obj(r, row, "stage_ms");

			t->compact = true;
			nd_obj_int(r, t, "dns", x->dns.ms);
			if (x->dns.status == ND_STAGE_PASS)
				nd_obj_int(r, t, "tcp", x->tcp_ms);
			if (x->tls.status != ND_STAGE_NOT_RUN)
				nd_obj_int(r, t, "tls", x->tls.ms - x->http.ms);
			if (x->http.status != ND_STAGE_NOT_RUN)
				nd_obj_int(r, t, "http", x->http.ms);
		}
	}
	/* listed only (--no-probe, offline): no check ran, so none is recorded */
	if (!in->res)
		return rows;
	if (unprobed) {
		/* what was found stands (a fail); what was not looked at makes the run incomplete */
		st = blocked ? ND_CHECK_FAIL : ND_CHECK_ERROR;
		nd_report_unread(r, _("%zu egress destinations (not probed before the deadline)"),
				 unprobed);
		why = nd_report_printf(r, _("%zu of %zu destinations not probed before the deadline "
					    "(--timeout %lld ms); %zu blocked"), unprobed, l->n - skipped,
				       (long long)in->timeout_ms, blocked);
	} else {
		why = nd_report_printf(r, _("%zu destinations probed: %zu reachable, %zu blocked; "
					    "%zu not probed (see the table)"), probed, probed - blocked,
				       blocked, skipped);
	}
	nd_check_end(r, st, why);
	return rows;
}
