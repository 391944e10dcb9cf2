/* SPDX-License-Identifier: MIT */
/* Pods, Nodes, Namespaces and Services. */
#include "k8s/decode.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"

#define PUSH(vec, val) do { \
	ND_GROW((vec).v, (vec).cap, (vec).n + 1); \
	(vec).v[(vec).n++] = (val); \
} while (0)

bool nd_pod_is_terminated(const struct nd_pod *p)
{
	return p->phase && (strcmp(p->phase, "Succeeded") == 0 || strcmp(p->phase, "Failed") == 0);
}

bool nd_pod_is_live(const struct nd_pod *p)
{
	return !nd_pod_is_terminated(p);
}

static bool cond_true(struct dec *d, const struct nd_json *conds, const char *type,
		      bool *known)
{
	uint32_t i;

	if (known)
		*known = false;
	for (i = 0; conds && i < conds->n; i++) {
		const struct nd_json *c = &conds->u.items[i];
		const char *t = dec_cstr(d, nd_json_get(c, "type"), "status.conditions[].type");

		if (t && strcmp(t, type) == 0) {
			const char *st = dec_cstr(d, nd_json_get(c, "status"),
						 "status.conditions[].status");

			if (known)
				*known = true;
			return st && strcmp(st, "True") == 0;
		}
	}
	return false;
}

static void pod_ports(struct dec *d, const struct nd_json *containers, bool sidecars_only,
		      struct nd_cport **ports, uint32_t *nports, size_t *cap)
{
	uint32_t i, j;

	for (i = 0; containers && i < containers->n; i++) {
		const struct nd_json *c = &containers->u.items[i];
		const struct nd_json *pl;

		if (sidecars_only) {
			const char *rp = nd_json_str(nd_json_get(c, "restartPolicy"));

			if (!rp || strcmp(rp, "Always") != 0)
				continue;
		}
		pl = dec_arr(d, nd_json_get(c, "ports"), "spec.containers[].ports");
		for (j = 0; pl && j < pl->n; j++) {
			const struct nd_json *p = &pl->u.items[j];
			struct nd_cport cp;

			cp.name = dec_str(d, nd_json_get(p, "name"), "spec.containers[].ports[].name");
			cp.port = (int32_t)dec_int(d, nd_json_get(p, "containerPort"),
						   "spec.containers[].ports[].containerPort", 0, 65535);
			cp.proto = dec_proto(d, nd_json_get(p, "protocol"),
					     "spec.containers[].ports[].protocol");
			ND_GROW(*ports, *cap, *nports + 1);
			(*ports)[(*nports)++] = cp;
		}
	}
}

int dec_pod(struct dec *d, const struct nd_json *o)
{
	struct nd_pod p = {0};
	const struct nd_json *spec, *status, *containers, *ips, *cs;
	struct nd_cport *ports = NULL;
	size_t cap = 0;
	uint32_t i;

	dec_meta(d, o, &p.m);
	spec = dec_obj(d, nd_json_get(o, "spec"), "spec");
	status = dec_obj(d, nd_json_get(o, "status"), "status");
	p.node = dec_str(d, nd_json_get(spec, "nodeName"), "spec.nodeName");
	p.host_network = dec_bool(d, nd_json_get(spec, "hostNetwork"), "spec.hostNetwork");
	p.sa = dec_str(d, nd_json_get(spec, "serviceAccountName"), "spec.serviceAccountName");
	containers = dec_arr(d, nd_json_get(spec, "containers"), "spec.containers");
	p.ncontainers = containers ? containers->n : 0;
	if (containers && containers->n)
		p.image0 = dec_str(d, nd_json_get(&containers->u.items[0], "image"),
				   "spec.containers[0].image");
	pod_ports(d, containers, false, &ports, &p.nports, &cap);
	pod_ports(d, dec_arr(d, nd_json_get(spec, "initContainers"), "spec.initContainers"),
		  true, &ports, &p.nports, &cap);
	if (p.nports) {
		p.ports = dec_alloc(d, p.nports, sizeof(*p.ports));
		memcpy(p.ports, ports, p.nports * sizeof(*p.ports));
	}
	free(ports);

	p.phase = dec_str(d, nd_json_get(status, "phase"), "status.phase");
	p.reason = dec_str(d, nd_json_get(status, "reason"), "status.reason");
	ips = dec_arr(d, nd_json_get(status, "podIPs"), "status.podIPs");
	if (ips && ips->n) {
		p.ips = dec_alloc(d, ips->n, sizeof(*p.ips));
		for (i = 0; i < ips->n; i++) {
			const char *ip = dec_str(d, nd_json_get(&ips->u.items[i], "ip"),
						 "status.podIPs[].ip");
			if (ip)
				p.ips[p.nips++] = ip;
		}
	} else {
		const char *ip = dec_str(d, nd_json_get(status, "podIP"), "status.podIP");

		if (ip && *ip) {
			p.ips = dec_alloc(d, 1, sizeof(*p.ips));
			p.ips[p.nips++] = ip;
		}
	}
	{
		const struct nd_json *conds = dec_arr(d, nd_json_get(status, "conditions"),
						      "status.conditions");

		p.ready = cond_true(d, conds, "Ready", NULL);
		p.containers_ready = cond_true(d, conds, "ContainersReady", NULL);
	}
	cs = dec_arr(d, nd_json_get(status, "containerStatuses"), "status.containerStatuses");
	for (i = 0; cs && i < cs->n && !p.waiting; i++)
		p.waiting = dec_str(d, nd_json_path(&cs->u.items[i], "state", "waiting", "reason",
						    NULL), "status.containerStatuses[].state.waiting.reason");
	if (d->failed)
		return -1;
	PUSH(d->m->pods, p);
	return 1;
}

/* status of condition type, or NULL when absent */
static const char *cond_status(struct dec *d, const struct nd_json *conds, const char *type)
{
	for (uint32_t i = 0; conds && i < conds->n; i++) {
		const struct nd_json *c = &conds->u.items[i];
		const char *t = dec_cstr(d, nd_json_get(c, "type"), "status.conditions[].type");

		if (t && strcmp(t, type) == 0)
			return dec_cstr(d, nd_json_get(c, "status"), "status.conditions[].status");
	}
	return NULL;
}

static uint32_t node_conds(struct dec *d, const struct nd_json *conds)
{
	static const struct { const char *type; uint32_t bit; } pressure[] = {
		{"MemoryPressure", ND_NCOND_MEMORY}, {"DiskPressure", ND_NCOND_DISK},
		{"PIDPressure", ND_NCOND_PID}, {"NetworkUnavailable", ND_NCOND_NETWORK},
	};
	const char *ready = cond_status(d, conds, "Ready");
	uint32_t bits = 0;

	if (ready && strcmp(ready, "False") == 0)
		bits |= ND_NCOND_READY_FALSE;
	else if (ready && strcmp(ready, "True") != 0)
		bits |= ND_NCOND_READY_UNKNOWN;
	for (size_t i = 0; i < sizeof(pressure) / sizeof(pressure[0]); i++) {
		const char *st = cond_status(d, conds, pressure[i].type);

		if (st && strcmp(st, "True") == 0)
			bits |= pressure[i].bit;
	}
	return bits;
}

static void node_taints(struct dec *d, const struct nd_json *spec, struct nd_node *n)
{
	const struct nd_json *ts = dec_arr(d, nd_json_get(spec, "taints"), "spec.taints");

	if (!ts || !ts->n)
		return;
	n->taints = dec_alloc(d, ts->n, sizeof(*n->taints));
	for (uint32_t i = 0; i < ts->n; i++) {
		const struct nd_json *t = &ts->u.items[i];
		struct nd_taint *x = &n->taints[n->ntaints++];

		x->key = dec_str(d, nd_json_get(t, "key"), "spec.taints[].key");
		x->value = dec_str(d, nd_json_get(t, "value"), "spec.taints[].value");
		x->effect = dec_str(d, nd_json_get(t, "effect"), "spec.taints[].effect");
	}
}

int dec_node(struct dec *d, const struct nd_json *o)
{
	struct nd_node n = {0};
	const struct nd_json *spec, *status, *addrs, *alloc;
	uint32_t i;

	dec_meta(d, o, &n.m);
	n.m.ns = NULL;   /* cluster-scoped: a namespace given is ignored, as the API server does */
	spec = dec_obj(d, nd_json_get(o, "spec"), "spec");
	status = dec_obj(d, nd_json_get(o, "status"), "status");
	n.pod_cidrs = dec_strs(d, nd_json_get(spec, "podCIDRs"), "spec.podCIDRs", &n.npod_cidrs);
	if (!n.npod_cidrs) {
		const char *c = dec_str(d, nd_json_get(spec, "podCIDR"), "spec.podCIDR");

		if (c) {
			n.pod_cidrs = dec_alloc(d, 1, sizeof(*n.pod_cidrs));
			n.pod_cidrs[n.npod_cidrs++] = c;
		}
	}
	n.unschedulable = dec_bool(d, nd_json_get(spec, "unschedulable"), "spec.unschedulable");
	n.provider_id = dec_str(d, nd_json_get(spec, "providerID"), "spec.providerID");
	addrs = dec_arr(d, nd_json_get(status, "addresses"), "status.addresses");
	for (i = 0; addrs && i < addrs->n; i++) {
		const char *t = dec_cstr(d, nd_json_get(&addrs->u.items[i], "type"),
					"status.addresses[].type");

		if (t && strcmp(t, "InternalIP") == 0 && !n.internal_ip)
			n.internal_ip = dec_str(d, nd_json_get(&addrs->u.items[i], "address"),
						"status.addresses[].address");
	}
	{
		const struct nd_json *conds = dec_arr(d, nd_json_get(status, "conditions"),
						      "status.conditions");

		n.ready = cond_true(d, conds, "Ready", &n.ready_known);
		n.conds = node_conds(d, conds);
	}
	node_taints(d, spec, &n);
	n.os = nd_labels_get(&n.m.labels, "kubernetes.io/os");
	if (!n.os)
		n.os = dec_str(d, nd_json_path(status, "nodeInfo", "operatingSystem", NULL),
			       "status.nodeInfo.operatingSystem");
	alloc = dec_obj(d, nd_json_get(status, "allocatable"), "status.allocatable");
	if (alloc) {
		const char *pods = dec_str(d, nd_json_get(alloc, "pods"), "status.allocatable.pods");
		int64_t v;

		if (pods && nd_parse_i64(pods, strlen(pods), 0, 100000, &v) == 0)
			n.max_pods = (int32_t)v;
	}
	if (d->failed)
		return -1;
	PUSH(d->m->nodes, n);
	return 1;
}

int dec_namespace(struct dec *d, const struct nd_json *o)
{
	struct nd_namespace n = {0};

	dec_meta(d, o, &n.m);
	n.m.ns = NULL;   /* cluster-scoped */
	n.phase = dec_str(d, nd_json_path(o, "status", "phase", NULL), "status.phase");
	if (d->failed)
		return -1;
	PUSH(d->m->namespaces, n);
	return 1;
}

int dec_service(struct dec *d, const struct nd_json *o)
{
	struct nd_service s = {0};
	const struct nd_json *spec, *sel, *ports;
	uint32_t i;

	dec_meta(d, o, &s.m);
	spec = dec_obj(d, nd_json_get(o, "spec"), "spec");
	s.type = dec_str(d, nd_json_get(spec, "type"), "spec.type");
	if (!s.type)
		s.type = dec_intern(d, "ClusterIP");
	s.cluster_ip = dec_str(d, nd_json_get(spec, "clusterIP"), "spec.clusterIP");
	s.publish_not_ready = dec_bool(d, nd_json_get(spec, "publishNotReadyAddresses"),
				       "spec.publishNotReadyAddresses");
	{
		const char *itp = dec_cstr(d, nd_json_get(spec, "internalTrafficPolicy"),
					  "spec.internalTrafficPolicy");
		const char *etp = dec_cstr(d, nd_json_get(spec, "externalTrafficPolicy"),
					  "spec.externalTrafficPolicy");
		const char *aff = dec_cstr(d, nd_json_get(spec, "sessionAffinity"),
					  "spec.sessionAffinity");
		const struct nd_json *to = nd_json_path(spec, "sessionAffinityConfig", "clientIP",
							"timeoutSeconds", NULL);
		uint32_t nx = 0;

		s.itp_local = itp && strcmp(itp, "Local") == 0;
		/* "OnlyLocal" is the beta-era spelling the API still converts */
		s.etp_local = etp && (strcmp(etp, "Local") == 0 || strcmp(etp, "OnlyLocal") == 0);
		s.affinity_client_ip = aff && strcmp(aff, "ClientIP") == 0;
		s.affinity_timeout = to && to->type != ND_JNULL
			? (int32_t)dec_int(d, to, "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
					   0, 86400)
			: 10800;
		s.external_ips = dec_strs(d, nd_json_get(spec, "externalIPs"), "spec.externalIPs", &nx);
		s.nexternal_ips = nx;
	}
	{
		const struct nd_json *ing = dec_arr(d, nd_json_path(o, "status", "loadBalancer",
								  "ingress", NULL),
						    "status.loadBalancer.ingress");

		/* ipMode Proxy: the load balancer delivers to the node, kube-proxy
		 * writes nothing for that IP */
		s.lb_ips = ing && ing->n ? dec_alloc(d, ing->n, sizeof(*s.lb_ips)) : NULL;
		for (uint32_t k = 0; ing && k < ing->n; k++) {
			const char *ip = dec_str(d, nd_json_get(&ing->u.items[k], "ip"),
						 "status.loadBalancer.ingress[].ip");
			const char *mode = dec_cstr(d, nd_json_get(&ing->u.items[k], "ipMode"),
						   "status.loadBalancer.ingress[].ipMode");

			if (ip && *ip && !(mode && strcmp(mode, "Proxy") == 0))
				s.lb_ips[s.nlb_ips++] = ip;
		}
	}
	sel = dec_obj(d, nd_json_get(spec, "selector"), "spec.selector");
	if (sel && sel->n) {
		struct nd_err e;

		if (nd_selector_from_map(sel, d->m->arena, d->m->strings, &s.selector, &e) < 0)
			dec_fail(d, "spec.selector", "%s", e.msg);
		s.has_selector = true;
	}
	ports = dec_arr(d, nd_json_get(spec, "ports"), "spec.ports");
	if (ports && ports->n) {
		s.ports = dec_alloc(d, ports->n, sizeof(*s.ports));
		for (i = 0; i < ports->n; i++) {
			const struct nd_json *p = &ports->u.items[i];
			struct nd_svcport *sp = &s.ports[s.nports++];

			sp->name = dec_str(d, nd_json_get(p, "name"), "spec.ports[].name");
			sp->port = (int32_t)dec_int(d, nd_json_get(p, "port"), "spec.ports[].port",
						    0, 65535);
			sp->proto = dec_proto(d, nd_json_get(p, "protocol"), "spec.ports[].protocol");
			dec_port(d, nd_json_get(p, "targetPort"), "spec.ports[].targetPort",
				 &sp->target_num, &sp->target_name);
			if (!sp->target_num && !sp->target_name)
				sp->target_num = sp->port;
			sp->node_port = (int32_t)dec_int(d, nd_json_get(p, "nodePort"),
							 "spec.ports[].nodePort", 0, 65535);
		}
	}
	if (d->failed)
		return -1;
	PUSH(d->m->services, s);
	return 1;
}
