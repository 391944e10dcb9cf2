/* SPDX-License-Identifier: MIT */
/* S3: the live endpoint probes' plan and findings (epprobe.h). No I/O here. */
#include "checks/epprobe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "findings/finding.h"
#include "k8s/model.h"
#include "node/kpchains.h"
#include "core/banned.h"

#define MAX_LISTED 20        /* failing endpoints listed in one finding */

int32_t nd_svcport_target(const struct nd_svcport *sp, const struct nd_epset *es,
			  const struct nd_pod *p)
{
	uint32_t i;

	if (!sp->target_name)
		return sp->target_num ? sp->target_num : sp->port;
	for (i = 0; p && i < p->nports; i++)
		if (p->ports[i].name && strcmp(p->ports[i].name, sp->target_name) == 0 &&
		    p->ports[i].proto == sp->proto)
			return p->ports[i].port;
	for (i = 0; es && i < es->nports; i++)
		if (es->ports[i].proto == sp->proto &&
		    (es->nports == 1 || (es->ports[i].name && sp->name &&
					 strcmp(es->ports[i].name, sp->name) == 0)))
			return es->ports[i].port;
	return 0;
}

const struct nd_pod *nd_endpoint_pod(const struct nd_model *m, const char *ns,
				     const struct nd_epaddr *ad)
{
	const struct nd_pod *p = ad->pod ? nd_model_pod(m, ns, ad->pod) : NULL;
	const uint32_t *v;
	size_t n, i;

	if (p)
		return p;
	v = nd_model_pods_by_ip(m, ad->ip, &n);
	for (i = 0; i < n; i++)
		if (nd_pod_is_live(&m->pods.v[v[i]]))
			return &m->pods.v[v[i]];
	return NULL;
}

/* --- the plan --------------------------------------------------------------- */

/* How port sp is probed: ND_FAN_TCP, ND_FAN_UDP_DNS, or -1 (no probe applies). */
static int probe_kind(const struct nd_svcport *sp, int32_t target)
{
	if (sp->proto == ND_TCP)
		return ND_FAN_TCP;
	if (sp->proto == ND_UDP &&
	    (sp->port == 53 || target == 53 || (sp->name && strncmp(sp->name, "dns", 3) == 0)))
		return ND_FAN_UDP_DNS;
	return -1;
}

static void add(struct nd_epprobe_plan *p, const struct nd_service *s, uint32_t port,
		const char *ip, int32_t target, int kind, const struct nd_epaddr *ad,
		const struct nd_pod *pod)
{
	struct nd_epprobe *e;
	struct nd_fan_target *t;

	if (!ip || strlen(ip) >= sizeof(t->ip) || target <= 0 || target > 65535)
		return;
	if (p->n >= ND_EPPROBE_MAX) {
		p->dropped++;
		return;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap;

		ND_GROW(p->v, p->cap, p->n + 1);
		ND_GROW(p->t, cap, p->n + 1);
	}
	e = &p->v[p->n];
	t = &p->t[p->n];
	memset(e, 0, sizeof(*e));
	memset(t, 0, sizeof(*t));
	e->svc = s;
	e->port = port;
	e->ip = ip;
	e->vip = ad == NULL;
	e->pod = pod ? pod->m.name : ad ? ad->pod : NULL;
	e->node = ad && ad->node ? ad->node : pod ? pod->node : NULL;
	snprintf(t->ip, sizeof(t->ip), "%s", ip);
	t->port = (uint16_t)target;
	t->kind = (uint8_t)kind;
	p->n++;
}

static int cmp_probe(const void *a, const void *b, void *ctx)
{
	const struct nd_epprobe_plan *p = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = (int)p->v[i].port - (int)p->v[j].port;

	if (c)
		return c;
	c = strcmp(p->t[i].ip, p->t[j].ip);
	if (c)
		return c;
	c = (int)p->t[i].port - (int)p->t[j].port;
	return c ? c : (i < j ? -1 : i > j);
}

/* Probes [from, p->n) of one Service: in port then address order, each once. */
static void dedupe(struct nd_epprobe_plan *p, size_t from)
{
	size_t n = p->n - from, i, k = 0;
	size_t *ix;
	struct nd_epprobe *v;
	struct nd_fan_target *t;

	if (n < 2)
		return;
	ix = nd_xmalloc(n * sizeof(*ix));
	v = nd_xmalloc(n * sizeof(*v));
	t = nd_xmalloc(n * sizeof(*t));
	for (i = 0; i < n; i++)
		ix[i] = from + i;
	qsort_r(ix, n, sizeof(*ix), cmp_probe, p);
	for (i = 0; i < n; i++) {
		size_t a = ix[i];

		if (k && v[k - 1].port == p->v[a].port && t[k - 1].port == p->t[a].port &&
		    strcmp(t[k - 1].ip, p->t[a].ip) == 0)
			continue;
		v[k] = p->v[a];
		t[k] = p->t[a];
		k++;
	}
	memcpy(p->v + from, v, k * sizeof(*v));
	memcpy(p->t + from, t, k * sizeof(*t));
	p->n = from + k;
	free(ix);
	free(v);
	free(t);
}

static bool in_scope(const struct nd_scope *sc, const struct nd_service *s)
{
	if (sc && sc->ns && strcmp(sc->ns, s->m.ns ? s->m.ns : "") != 0)
		return false;
	if (sc && sc->service && strcmp(sc->service, s->m.name) != 0)
		return false;
	return !s->type || strcmp(s->type, "ExternalName") != 0;
}

static void plan_service(const struct nd_model *m, const struct nd_service *s,
			 struct nd_epprobe_plan *p)
{
	size_t nsets, i, from = p->n;
	const uint32_t *sets = nd_model_epsets_of(m, s->m.ns, s->m.name, &nsets);
	bool slices = false, ready = false;

	for (i = 0; i < nsets; i++)
		slices |= m->epsets.v[sets[i]].is_slice;
	for (i = 0; i < nsets; i++) {
		const struct nd_epset *es = &m->epsets.v[sets[i]];

		if (slices && !es->is_slice)
			continue;   /* slices are what kube-proxy reads */
		if (es->addr_type && strcmp(es->addr_type, "FQDN") == 0)
			continue;
		for (uint32_t j = 0; j < es->naddrs; j++) {
			const struct nd_epaddr *ad = &es->addrs[j];
			const struct nd_pod *pod;

			if (!ad->ready || !ad->ip)
				continue;
			pod = nd_endpoint_pod(m, s->m.ns, ad);
			ready = true;
			for (uint32_t q = 0; q < s->nports; q++) {
				int32_t target = nd_svcport_target(&s->ports[q], es, pod);
				int kind = probe_kind(&s->ports[q], target);

				if (kind < 0)
					continue;
				if (!target)
					p->unresolved++;
				else
					add(p, s, q, ad->ip, target, kind, ad, pod);
			}
		}
	}
	dedupe(p, from);
	for (uint32_t q = 0; ready && q < s->nports; q++)
		if (probe_kind(&s->ports[q], s->ports[q].target_num) < 0)
			p->not_probed++;
	/* the ClusterIP path, after the endpoints it leads to */
	if (p->n > from && s->cluster_ip && *s->cluster_ip && strcmp(s->cluster_ip, "None") != 0)
		for (uint32_t q = 0; q < s->nports; q++) {
			int kind = probe_kind(&s->ports[q], s->ports[q].port);

			if (kind >= 0)
				add(p, s, q, s->cluster_ip, s->ports[q].port, kind, NULL, NULL);
		}
	if (p->n > from)
		p->services++;
}

void nd_epprobe_plan(const struct nd_model *m, const struct nd_scope *scope,
		     struct nd_epprobe_plan *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < m->services.n; i++)
		if (in_scope(scope, &m->services.v[i]))
			plan_service(m, &m->services.v[i], p);
}

void nd_epprobe_plan_release(struct nd_epprobe_plan *p)
{
	if (!p)
		return;
	free(p->v);
	free(p->t);
	memset(p, 0, sizeof(*p));
}

/* --- the findings ----------------------------------------------------------- */

static const char *port_label(struct nd_report *r, const struct nd_svcport *sp)
{
	return sp->name ? nd_report_printf(r, "%s (%d/%s)", sp->name, sp->port,
					   nd_proto_name(sp->proto))
			: nd_report_printf(r, "%d/%s", sp->port, nd_proto_name(sp->proto));
}

static void endpoint_val(struct nd_report *r, struct nd_val *arr, const struct nd_epprobe *e,
			 const struct nd_fan_target *t)
{
	const struct nd_svcport *sp = &e->svc->ports[e->port];
	struct nd_val *o = nd_arr_obj(r, arr);

	nd_obj_str(r, o, "pod", e->pod);
	nd_obj_str(r, o, "node", e->node);
	nd_obj_str(r, o, "ip", t->ip);
	nd_obj_int(r, o, "port", t->port);
	nd_obj_str(r, o, "protocol", nd_proto_name(sp->proto));
	nd_obj_str(r, o, "service_port", port_label(r, sp));
	nd_obj_str(r, o, "result", nd_fan_result_name((enum nd_fan_result)t->result));
	nd_obj_int(r, o, "ms", t->ms);
}

/*
 * The failing endpoints of probes [a, b) (results in want, a bit per
 * result): "failing", the first one's pod, node, ip, port, protocol and
 * result at the top (the one the summary names), then all of them (at most
 * MAX_LISTED) as "endpoints". Returns the count; *first is the first's index.
 */
static size_t failing(struct nd_report *r, struct nd_val *ev, const struct nd_epprobe_input *in,
		      size_t a, size_t b, unsigned want, size_t *first)
{
	const struct nd_epprobe_plan *p = in->plan;
	struct nd_val *arr;
	size_t n = 0, i;

	for (i = a; i < b; i++)
		if (!p->v[i].vip && (want & (1u << p->t[i].result)) && !n++)
			*first = i;
	nd_obj_int(r, ev, "failing", (int64_t)n);
	if (n) {
		const struct nd_epprobe *e = &p->v[*first];
		const struct nd_fan_target *t = &p->t[*first];

		nd_obj_str(r, ev, "pod", e->pod);
		nd_obj_str(r, ev, "node", e->node);
		nd_obj_str(r, ev, "ip", t->ip);
		nd_obj_int(r, ev, "port", t->port);
		nd_obj_str(r, ev, "protocol", nd_proto_name(e->svc->ports[e->port].proto));
		nd_obj_str(r, ev, "result", nd_fan_result_name((enum nd_fan_result)t->result));
	}
	arr = nd_obj_arr(r, ev, "endpoints");
	for (i = a, n = 0; i < b; i++) {
		if (p->v[i].vip || !(want & (1u << p->t[i].result)))
			continue;
		if (n++ < MAX_LISTED)
			endpoint_val(r, arr, &p->v[i], &p->t[i]);
	}
	return n;
}

static const char *who(struct nd_report *r, const struct nd_epprobe *e,
		       const struct nd_fan_target *t)
{
	return e->pod ? nd_report_printf(r, _("pod %s at %s:%d"), e->pod, t->ip, t->port)
		      : nd_report_printf(r, "%s:%d", t->ip, t->port);
}

static struct nd_finding *service_finding(struct nd_report *r, const char *code,
					  const struct nd_epprobe_input *in,
					  const struct nd_service *s, size_t probed)
{
	struct nd_finding *f = nd_finding_add(r, code, "Service", s->m.ns, s->m.name);

	nd_obj_str(r, f->evidence, "service", nd_report_printf(r, "%s/%s", s->m.ns, s->m.name));
	nd_obj_str(r, f->evidence, "probed_from", in->probed_from);
	nd_obj_int(r, f->evidence, "endpoints_probed", (int64_t)probed);
	return f;
}

/* The endpoint findings of one Service's probes [a, b). */
static void service_endpoints(struct nd_report *r, const struct nd_epprobe_input *in,
			      size_t a, size_t b)
{
	const struct nd_epprobe_plan *p = in->plan;
	const struct nd_service *s = p->v[a].svc;
	size_t probed = 0, refused = 0, lost = 0, i;

	for (i = a; i < b; i++) {
		if (p->v[i].vip)
			continue;
		probed++;
		refused += p->t[i].result == ND_FAN_REFUSED;
		lost += p->t[i].result == ND_FAN_TIMEOUT || p->t[i].result == ND_FAN_UNREACHABLE;
	}
	if (refused) {
		struct nd_finding *f = service_finding(r, "endpoint-not-listening", in, s, probed);
		size_t first = a, n;
		const struct nd_epprobe *e;

		n = failing(r, f->evidence, in, a, b, 1u << ND_FAN_REFUSED, &first);
		e = &p->v[first];
		nd_finding_summary(r, f, _("%zu of %zu endpoint(s) refuse connections, first %s: "
					   "nothing listens on the target port"), n, probed,
				   who(r, e, &p->t[first]));
		nd_finding_remedy(r, f, _("make the application listen on the target port on all "
					  "addresses (0.0.0.0 or ::, not 127.0.0.1), or set the "
					  "Service's targetPort to the port it listens on; a "
					  "readiness probe on that port keeps such pods out of the "
					  "endpoints"));
		if (e->pod)
			nd_finding_command(r, f, "kubectl debug -it -n %s %s --image=busybox -- "
					   "netstat -ltnu", s->m.ns, e->pod);
		nd_finding_command(r, f, "kubectl get endpointslices -n %s -l "
				   "kubernetes.io/service-name=%s -o wide", s->m.ns, s->m.name);
	}
	if (lost) {
		struct nd_finding *f = service_finding(r, "endpoint-unreachable", in, s, probed);
		size_t first = a, n;
		const struct nd_epprobe *e;

		nd_obj_int(r, f->evidence, "timeout_ms", in->probe_ms);
		n = failing(r, f->evidence, in, a, b,
			    (1u << ND_FAN_TIMEOUT) | (1u << ND_FAN_UNREACHABLE), &first);
		e = &p->v[first];
		nd_finding_summary(r, f, _("%zu of %zu endpoint(s) do not answer from %s, first %s "
					   "(%s): packets to the pods are lost (NetworkPolicy, CNI "
					   "route, node firewall)"), n, probed, in->probed_from,
				   who(r, e, &p->t[first]),
				   nd_fan_result_name((enum nd_fan_result)p->t[first].result));
		nd_finding_remedy(r, f, _("look for a NetworkPolicy that selects the pods, then "
					  "the path to their node: the route table of the node "
					  "subnet (kubenet), NSG rules and user-defined routes, the "
					  "CNI agent on that node"));
		nd_finding_command(r, f, "kubectl get networkpolicy -n %s", s->m.ns);
		if (e->pod)
			nd_finding_command(r, f, "netdiag can-reach <source-namespace>/<source-pod> "
					   "%s/%s:%d", s->m.ns, e->pod, p->t[first].port);
		if (e->node)
			nd_finding_command(r, f, "kubectl get pods -n kube-system -o wide "
					   "--field-selector spec.nodeName=%s", e->node);
	}
}

/*
 * The ClusterIP probe i of one Service's probes [a, b): a finding when it
 * failed and every endpoint of its port answered. Returns 1 when it decided
 * nothing (cut, or endpoints failing too: *ambiguous).
 */
static int service_vip(struct nd_report *r, const struct nd_epprobe_input *in, size_t a,
		       size_t b, size_t i, size_t *ambiguous)
{
	const struct nd_epprobe_plan *p = in->plan;
	const struct nd_epprobe *v = &p->v[i];
	const struct nd_fan_target *vt = &p->t[i];
	const struct nd_service *s = v->svc;
	const struct nd_svcport *sp = &s->ports[v->port];
	size_t eps = 0, ok = 0, k;
	struct nd_finding *f;
	struct nd_val *arr;
	char spn[ND_KP_CHAIN_MAX];

	if (!nd_fan_decided((enum nd_fan_result)vt->result))
		return 1;
	if (vt->result == ND_FAN_OK)
		return 0;
	for (k = a; k < b; k++)
		if (!p->v[k].vip && p->v[k].port == v->port) {
			eps++;
			ok += p->t[k].result == ND_FAN_OK;
		}
	if (!eps || ok < eps) {
		(*ambiguous)++;
		return 0;
	}
	nd_kp_port_name(s->m.ns, s->m.name, sp->name, spn, sizeof(spn));
	f = nd_finding_add(r, "kube-proxy-rules-missing", "Service", s->m.ns, s->m.name);
	nd_obj_str(r, f->evidence, "node", in->node);
	nd_obj_str(r, f->evidence, "service", spn);
	nd_obj_str(r, f->evidence, "cluster_ip", s->cluster_ip);
	nd_obj_int(r, f->evidence, "port", sp->port);
	nd_obj_str(r, f->evidence, "protocol", nd_proto_name(sp->proto));
	nd_obj_str(r, f->evidence, "source", "probe");
	nd_obj_str(r, f->evidence, "probed_from", in->probed_from);
	nd_obj_str(r, f->evidence, "result", nd_fan_result_name((enum nd_fan_result)vt->result));
	nd_obj_str(r, f->evidence, "problem", "cluster IP does not answer, its endpoints do");
	arr = nd_obj_arr(r, f->evidence, "endpoints_answering");
	for (k = a; k < b; k++)
		if (!p->v[k].vip && p->v[k].port == v->port)
			nd_arr_str(r, arr, nd_report_printf(r, "%s:%d", p->t[k].ip, p->t[k].port));
	nd_finding_summary(r, f, _("from %s, the cluster IP %s:%d of Service %s gets no answer "
				   "(%s) while all %zu of its endpoints answer directly: the "
				   "node's service rules (kube-proxy) do not lead to them"),
			   in->probed_from, s->cluster_ip, sp->port, spn,
			   nd_fan_result_name((enum nd_fan_result)vt->result), eps);
	nd_finding_remedy(r, f, _("make kube-proxy on the node resync (delete its pod; the "
				  "DaemonSet recreates it) and compare the node's rules for the "
				  "Service with its endpoints (diagnose --node-root / "
				  "--iptables-save)"));
	if (in->node)
		nd_finding_command(r, f, "kubectl get pods -n kube-system -o wide "
				   "--field-selector spec.nodeName=%s", in->node);
	nd_finding_command(r, f, "iptables-save -t nat | grep -e '%s'", s->cluster_ip);
	return 0;
}

void nd_check_endpoint_probes(struct nd_report *r, const struct nd_epprobe_input *in)
{
	const struct nd_epprobe_plan *p = in->plan;
	size_t eps = 0, eps_ok = 0, eps_open = 0, vips = 0, vips_ok = 0, vips_open = 0;
	size_t ambiguous = 0, noroute = 0, a, b, i;

	/* endpoints */
	nd_check_begin(r, "endpoint-probe", "S3");
	for (i = 0; i < p->n; i++) {
		noroute += p->t[i].result == ND_FAN_UNREACHABLE && p->t[i].err == ENETUNREACH;
		if (p->v[i].vip) {
			vips++;
			vips_ok += p->t[i].result == ND_FAN_OK;
			vips_open += !nd_fan_decided((enum nd_fan_result)p->t[i].result);
		} else {
			eps++;
			eps_ok += p->t[i].result == ND_FAN_OK;
			eps_open += !nd_fan_decided((enum nd_fan_result)p->t[i].result);
		}
	}
	/*
	 * No route to any address at all: netdiag stands where the pod network
	 * is not routed (a workstation). That says nothing about the endpoints.
	 */
	if (p->n && noroute == p->n) {
		const char *why = nd_report_printf(r, _("no route from %s to any endpoint or cluster "
							"IP (%s): run it on a node or in a pod"),
						   in->probed_from, p->t[0].ip);

		nd_check_end(r, ND_CHECK_ERROR, why);
		nd_check_begin(r, "cluster-ip-probe", "S3");
		nd_check_end(r, ND_CHECK_ERROR, why);
		return;
	}
	for (a = 0; a < p->n; a = b) {
		for (b = a + 1; b < p->n && p->v[b].svc == p->v[a].svc; b++)
			;
		service_endpoints(r, in, a, b);
	}
	if (in->error)
		nd_check_end(r, ND_CHECK_ERROR, in->error);
	else if (p->dropped)
		nd_check_end(r, ND_CHECK_ERROR,
			     nd_report_printf(r, _("more than %d endpoint probes in scope, %zu not "
						   "probed: narrow it with -n or service NAME"),
					      ND_EPPROBE_MAX, p->dropped));
	else if (eps_open)
		nd_check_end(r, ND_CHECK_ERROR,
			     nd_report_printf(r, _("%zu of %zu endpoint probes did not finish "
						   "before --timeout or failed here: raise --timeout"),
					      eps_open, eps));
	else if (!eps)
		nd_check_end(r, ND_CHECK_SKIP,
			     p->unresolved ? _("no ready endpoint declares the Service's target "
					       "ports")
			     : p->not_probed ? _("only UDP or SCTP ports without a DNS-style probe")
					     : _("no ready endpoints to probe"));
	else
		nd_check_end(r, ND_CHECK_PASS,
			     nd_report_printf(r, _("%zu of %zu endpoints of %zu Service(s) answered "
						   "from %s (deadline %lld ms each, %zu at once)"),
					      eps_ok, eps, p->services, in->probed_from,
					      (long long)in->probe_ms, in->concurrency));
	r->checks[r->nchecks - 1].duration_ms = in->ms;

	/* the ClusterIP path */
	nd_check_begin(r, "cluster-ip-probe", "S3");
	for (a = 0; a < p->n; a = b) {
		for (b = a + 1; b < p->n && p->v[b].svc == p->v[a].svc; b++)
			;
		for (i = a; i < b; i++)
			if (p->v[i].vip)
				service_vip(r, in, a, b, i, &ambiguous);
	}
	if (in->error)
		nd_check_end(r, ND_CHECK_ERROR, in->error);
	else if (vips_open)
		nd_check_end(r, ND_CHECK_ERROR,
			     nd_report_printf(r, _("%zu of %zu cluster IP probes did not finish "
						   "before --timeout or failed here"), vips_open, vips));
	else if (!vips)
		nd_check_end(r, ND_CHECK_SKIP, _("no Service with a cluster IP and a ready "
						 "endpoint to probe"));
	else if (ambiguous)
		nd_check_end(r, ND_CHECK_PASS,
			     nd_report_printf(r, _("%zu of %zu cluster IP ports answered; %zu "
						   "failed where endpoints fail too (see "
						   "endpoint-probe)"), vips_ok, vips, ambiguous));
	else
		nd_check_end(r, ND_CHECK_PASS,
			     nd_report_printf(r, _("%zu of %zu cluster IP ports answered from %s"),
					      vips_ok, vips, in->probed_from));
	r->checks[r->nchecks - 1].duration_ms = in->ms;
}
