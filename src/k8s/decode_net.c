/* SPDX-License-Identifier: MIT */
/* Endpoints, EndpointSlices, Events, DaemonSets, NodeNetworkConfigs. */
#include "k8s/decode.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

#define PUSH(vec, val) do { \
	ND_GROW((vec).v, (vec).cap, (vec).n + 1); \
	(vec).v[(vec).n++] = (val); \
} while (0)

static void ep_ports(struct dec *d, const struct nd_json *ports, const char *field,
		     struct nd_epset *s)
{
	uint32_t i;

	if (!ports || !ports->n)
		return;
	s->ports = dec_alloc(d, ports->n, sizeof(*s->ports));
	for (i = 0; i < ports->n; i++) {
		const struct nd_json *p = &ports->u.items[i];
		struct nd_epport *ep = &s->ports[s->nports++];

		ep->name = dec_str(d, nd_json_get(p, "name"), field);
		ep->port = (int32_t)dec_int(d, nd_json_get(p, "port"), field, 0, 65535);
		ep->proto = dec_proto(d, nd_json_get(p, "protocol"), field);
	}
}

static void prefetch_str(struct dec *d, const struct nd_json *v)
{
	if (v && v->type == ND_JSTR)
		nd_intern_prefetch(d->m->strings, v->u.s, v->n);
}

static void ep_target(struct dec *d, const struct nd_json *ref, struct nd_epaddr *a)
{
	const char *k = dec_str(d, nd_json_get(ref, "kind"), "targetRef.kind");

	if (k && strcmp(k, "Pod") == 0)
		a->pod = dec_str(d, nd_json_get(ref, "name"), "targetRef.name");
}

static void add_addrs(struct dec *d, const struct nd_json *list, bool ready,
		      struct nd_epaddr *out, uint32_t *n)
{
	uint32_t i;

	/* the IPs and pod names are met again here after the pods, far apart in a
	 * large table: all of them asked for first, then looked up */
	for (i = 0; list && i < list->n; i++) {
		const struct nd_json *a = &list->u.items[i];

		prefetch_str(d, nd_json_get(a, "ip"));
		prefetch_str(d, nd_json_path(a, "targetRef", "name", NULL));
	}
	for (i = 0; list && i < list->n; i++) {
		const struct nd_json *a = &list->u.items[i];
		struct nd_epaddr *ea = &out[(*n)++];

		ea->ip = dec_str(d, nd_json_get(a, "ip"), "subsets[].addresses[].ip");
		ea->node = dec_str(d, nd_json_get(a, "nodeName"), "subsets[].addresses[].nodeName");
		ep_target(d, dec_obj(d, nd_json_get(a, "targetRef"), "subsets[].addresses[].targetRef"),
			  ea);
		ea->ready = ea->serving = ready;
	}
}

int dec_endpoints(struct dec *d, const struct nd_json *o)
{
	struct nd_meta meta;
	const struct nd_json *subsets, *ann;
	bool truncated = false;
	size_t first = d->m->epsets.n;
	uint32_t i;

	dec_meta(d, o, &meta);
	ann = nd_json_path(o, "metadata", "annotations", NULL);
	if (ann) {
		const char *t = nd_json_str(nd_json_get(ann, "endpoints.kubernetes.io/over-capacity"));

		truncated = t && strcmp(t, "truncated") == 0;
	}
	subsets = dec_arr(d, nd_json_get(o, "subsets"), "subsets");
	/* an Endpoints object with no subsets still says "no endpoints" */
	for (i = 0; i < (subsets && subsets->n ? subsets->n : 1); i++) {
		const struct nd_json *ss = subsets && subsets->n ? &subsets->u.items[i] : NULL;
		const struct nd_json *ready = dec_arr(d, nd_json_get(ss, "addresses"),
						      "subsets[].addresses");
		const struct nd_json *notready = dec_arr(d, nd_json_get(ss, "notReadyAddresses"),
							 "subsets[].notReadyAddresses");
		struct nd_epset s = {.m = meta, .service = meta.name, .truncated = truncated};
		uint32_t total = (ready ? ready->n : 0) + (notready ? notready->n : 0);

		s.addrs = dec_alloc(d, total, sizeof(*s.addrs));
		add_addrs(d, ready, true, s.addrs, &s.naddrs);
		add_addrs(d, notready, false, s.addrs, &s.naddrs);
		ep_ports(d, dec_arr(d, nd_json_get(ss, "ports"), "subsets[].ports"),
			 "subsets[].ports[]", &s);
		PUSH(d->m->epsets, s);
	}
	if (d->failed) {
		d->m->epsets.n = first;
		return -1;
	}
	return 1;
}

int dec_endpointslice(struct dec *d, const struct nd_json *o)
{
	struct nd_epset s = {.is_slice = true};
	const struct nd_json *eps;
	uint32_t i, j, total = 0;

	dec_meta(d, o, &s.m);
	s.service = nd_labels_get(&s.m.labels, "kubernetes.io/service-name");
	s.addr_type = dec_str(d, nd_json_get(o, "addressType"), "addressType");
	eps = dec_arr(d, nd_json_get(o, "endpoints"), "endpoints");
	for (i = 0; eps && i < eps->n; i++) {
		const struct nd_json *a = dec_arr(d, nd_json_get(&eps->u.items[i], "addresses"),
						  "endpoints[].addresses");
		total += a ? a->n : 0;
	}
	s.addrs = dec_alloc(d, total, sizeof(*s.addrs));
	for (i = 0; eps && i < eps->n; i++) {
		const struct nd_json *ep = &eps->u.items[i], *a = nd_json_get(ep, "addresses");

		for (j = 0; a && a->type == ND_JARR && j < a->n; j++)
			prefetch_str(d, &a->u.items[j]);
		prefetch_str(d, nd_json_path(ep, "targetRef", "name", NULL));
	}
	for (i = 0; eps && i < eps->n; i++) {
		const struct nd_json *ep = &eps->u.items[i];
		const struct nd_json *addrs = dec_arr(d, nd_json_get(ep, "addresses"),
						      "endpoints[].addresses");
		const struct nd_json *cond = dec_obj(d, nd_json_get(ep, "conditions"),
						     "endpoints[].conditions");
		const struct nd_json *rv = nd_json_get(cond, "ready");
		const struct nd_json *sv = nd_json_get(cond, "serving");
		const struct nd_json *tv = nd_json_get(cond, "terminating");
		/* nil ready means ready; nil serving means "as ready" */
		bool ready = rv && rv->type != ND_JNULL ? dec_bool(d, rv, "conditions.ready") : true;
		bool serving = sv && sv->type != ND_JNULL ? dec_bool(d, sv, "conditions.serving")
							   : ready;
		bool term = dec_bool(d, tv, "conditions.terminating");
		const char *node = dec_str(d, nd_json_get(ep, "nodeName"), "endpoints[].nodeName");

		/* discovery/v1beta1 and early v1 slices name the node in the topology */
		if (!node)
			node = dec_str(d, nd_json_path(ep, "deprecatedTopology", "kubernetes.io/hostname",
						       NULL), "endpoints[].deprecatedTopology");
		if (!node)
			node = dec_str(d, nd_json_path(ep, "topology", "kubernetes.io/hostname", NULL),
				       "endpoints[].topology");

		for (j = 0; addrs && j < addrs->n; j++) {
			struct nd_epaddr *ea = &s.addrs[s.naddrs++];

			ea->ip = dec_str(d, &addrs->u.items[j], "endpoints[].addresses[]");
			ea->node = node;
			ea->ready = ready;
			ea->serving = serving;
			ea->terminating = term;
			ep_target(d, dec_obj(d, nd_json_get(ep, "targetRef"), "endpoints[].targetRef"),
				  ea);
		}
	}
	ep_ports(d, dec_arr(d, nd_json_get(o, "ports"), "ports"), "ports[]", &s);
	if (d->failed)
		return -1;
	PUSH(d->m->epsets, s);
	return 1;
}

static int64_t ts(struct dec *d, const struct nd_json *v, const char *field)
{
	const char *s = dec_str(d, v, field);
	int64_t t;

	return s && nd_parse_rfc3339(s, &t) == 0 ? t : 0;
}

/*
 * core/v1 and events.k8s.io/v1 in one shape. Only Warning events are kept:
 * every check reads warnings, and a large cluster has far more Normal ones.
 */
int dec_event(struct dec *d, const struct nd_json *o)
{
	struct nd_event ev = {0};
	const struct nd_json *obj, *series, *msg;
	int64_t t;

	dec_meta(d, o, &ev.m);
	ev.type = dec_str(d, nd_json_get(o, "type"), "type");
	if (d->failed)
		return -1;
	if (!ev.type || strcmp(ev.type, "Warning") != 0)
		return 0;
	obj = dec_obj(d, nd_json_get(o, "involvedObject"), "involvedObject");
	if (!obj)
		obj = dec_obj(d, nd_json_get(o, "regarding"), "regarding");
	ev.obj_kind = dec_str(d, nd_json_get(obj, "kind"), "involvedObject.kind");
	ev.obj_ns = dec_str(d, nd_json_get(obj, "namespace"), "involvedObject.namespace");
	ev.obj_name = dec_str(d, nd_json_get(obj, "name"), "involvedObject.name");
	ev.reason = dec_str(d, nd_json_get(o, "reason"), "reason");
	msg = nd_json_get(o, "message");
	if (!msg || msg->type == ND_JNULL)
		msg = nd_json_get(o, "note");
	if (msg && msg->type == ND_JSTR)
		ev.message = nd_arena_strndup(d->m->arena, msg->u.s, msg->n);
	else if (msg && msg->type != ND_JNULL)
		dec_fail(d, "message", _("expected a string, got %s"), nd_json_type_name(msg->type));
	ev.host = dec_str(d, nd_json_path(o, "source", "host", NULL), "source.host");
	if (!ev.host)
		ev.host = dec_str(d, nd_json_path(o, "deprecatedSource", "host", NULL),
				  "deprecatedSource.host");
	if (!ev.host)
		ev.host = dec_str(d, nd_json_get(o, "reportingInstance"), "reportingInstance");
	series = dec_obj(d, nd_json_get(o, "series"), "series");
	ev.count = dec_int(d, nd_json_get(o, "count"), "count", 0, INT32_MAX);
	if (!ev.count)
		ev.count = dec_int(d, nd_json_get(series, "count"), "series.count", 0, INT32_MAX);
	if (!ev.count)
		ev.count = dec_int(d, nd_json_get(o, "deprecatedCount"), "deprecatedCount", 0,
				   INT32_MAX);
	if (!ev.count)
		ev.count = 1;
	ev.last = ts(d, nd_json_get(o, "lastTimestamp"), "lastTimestamp");
	if (!ev.last)
		ev.last = ts(d, nd_json_get(series, "lastObservedTime"), "series.lastObservedTime");
	if (!ev.last)
		ev.last = ts(d, nd_json_get(o, "deprecatedLastTimestamp"), "deprecatedLastTimestamp");
	if (!ev.last && (t = ts(d, nd_json_get(o, "eventTime"), "eventTime")))
		ev.last = t;
	if (!ev.last)
		ev.last = ts(d, nd_json_get(o, "firstTimestamp"), "firstTimestamp");
	if (d->failed)
		return -1;
	PUSH(d->m->events, ev);
	return 1;
}

/* A NodeSelectorRequirement list into sel; false when one would not pass API validation. */
static bool node_reqs(struct dec *d, const struct nd_json *list, bool fields, const char *field,
		      struct nd_selector *sel)
{
	static const struct { const char *name; uint8_t op; } ops[] = {
		{"In", ND_SEL_IN}, {"NotIn", ND_SEL_NOTIN}, {"Exists", ND_SEL_EXISTS},
		{"DoesNotExist", ND_SEL_NOTEXISTS}, {"Gt", ND_SEL_GT}, {"Lt", ND_SEL_LT},
	};
	const struct nd_json *a = dec_arr(d, list, field);
	bool ok = true;

	if (!a || !a->n)
		return true;
	sel->req = dec_alloc(d, a->n, sizeof(*sel->req));
	for (uint32_t i = 0; i < a->n; i++) {
		const struct nd_json *r = &a->u.items[i];
		struct nd_selreq *q = &sel->req[sel->nreq++];
		const char *op = dec_str(d, nd_json_get(r, "operator"), field);
		size_t k, nops = sizeof(ops) / sizeof(ops[0]);
		int64_t ignored;

		q->key = dec_str(d, nd_json_get(r, "key"), field);
		q->vals = dec_strs(d, nd_json_get(r, "values"), field, &q->nvals);
		for (k = 0; op && k < nops && strcmp(op, ops[k].name) != 0; k++)
			;
		if (!q->key || !op || k == nops) {
			ok = false;
			continue;
		}
		q->op = ops[k].op;
		if (fields)
			ok &= (q->op == ND_SEL_IN || q->op == ND_SEL_NOTIN) && q->nvals == 1;
		else if (q->op == ND_SEL_IN || q->op == ND_SEL_NOTIN)
			ok &= q->nvals > 0;
		else if (q->op == ND_SEL_EXISTS || q->op == ND_SEL_NOTEXISTS)
			ok &= q->nvals == 0;
		else
			ok &= q->nvals == 1 && nd_parse_i64(q->vals[0], strlen(q->vals[0]),
							    INT64_MIN, INT64_MAX, &ignored) == 0;
	}
	return ok;
}

/* A pod spec's scheduling constraints (what is in nd_placement). */
static void dec_placement(struct dec *d, const struct nd_json *spec, struct nd_placement *p)
{
	const struct nd_json *ns, *terms, *tols, *req;
	struct nd_err e;

	p->node_name = dec_str(d, nd_json_get(spec, "nodeName"), "spec.template.spec.nodeName");
	p->host_network = dec_bool(d, nd_json_get(spec, "hostNetwork"),
				   "spec.template.spec.hostNetwork");
	ns = nd_json_get(spec, "nodeSelector");
	if (ns && ns->type != ND_JNULL &&
	    nd_labels_from_json(ns, d->m->arena, d->m->strings, &p->node_selector, &e) < 0)
		dec_fail(d, "spec.template.spec.nodeSelector", "%s", e.msg);
	req = dec_obj(d, nd_json_path(spec, "affinity", "nodeAffinity",
				      "requiredDuringSchedulingIgnoredDuringExecution", NULL),
		      "spec.template.spec.affinity.nodeAffinity."
		      "requiredDuringSchedulingIgnoredDuringExecution");
	if (req) {
		p->has_required = true;
		terms = dec_arr(d, nd_json_get(req, "nodeSelectorTerms"),
				"requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
		if (terms && terms->n) {
			p->terms = dec_alloc(d, terms->n, sizeof(*p->terms));
			for (uint32_t i = 0; i < terms->n; i++) {
				const struct nd_json *t = &terms->u.items[i];
				struct nd_nsterm *nt = &p->terms[p->nterms++];
				bool ok = node_reqs(d, nd_json_get(t, "matchExpressions"), false,
						    "nodeSelectorTerms[].matchExpressions", &nt->exprs);

				ok &= node_reqs(d, nd_json_get(t, "matchFields"), true,
						"nodeSelectorTerms[].matchFields", &nt->fields);
				nt->invalid = !ok;
			}
		}
	}
	tols = dec_arr(d, nd_json_get(spec, "tolerations"), "spec.template.spec.tolerations");
	if (tols && tols->n) {
		p->tols = dec_alloc(d, tols->n, sizeof(*p->tols));
		for (uint32_t i = 0; i < tols->n; i++) {
			const struct nd_json *t = &tols->u.items[i];
			struct nd_toleration *to = &p->tols[p->ntols++];
			const struct nd_json *secs = nd_json_get(t, "tolerationSeconds");

			to->key = dec_str(d, nd_json_get(t, "key"), "tolerations[].key");
			to->op = dec_str(d, nd_json_get(t, "operator"), "tolerations[].operator");
			to->value = dec_str(d, nd_json_get(t, "value"), "tolerations[].value");
			to->effect = dec_str(d, nd_json_get(t, "effect"), "tolerations[].effect");
			to->has_seconds = secs && secs->type != ND_JNULL;
			to->seconds = dec_int(d, secs, "tolerations[].tolerationSeconds", INT64_MIN,
					      INT64_MAX);
		}
	}
}

int dec_daemonset(struct dec *d, const struct nd_json *o)
{
	struct nd_daemonset ds = {0};
	const struct nd_json *spec, *tmpl, *sel, *cs, *status;

	dec_meta(d, o, &ds.m);
	spec = dec_obj(d, nd_json_get(o, "spec"), "spec");
	sel = dec_obj(d, nd_json_get(spec, "selector"), "spec.selector");
	if (sel) {
		struct nd_err e;

		if (nd_selector_from_labelselector(sel, d->m->arena, d->m->strings, &ds.selector,
						   &e) < 0)
			dec_fail(d, "spec.selector", "%s", e.msg);
	}
	tmpl = dec_obj(d, nd_json_get(spec, "template"), "spec.template");
	{
		struct nd_err e;
		const struct nd_json *tl = nd_json_path(tmpl, "metadata", "labels", NULL);

		if (tl && tl->type != ND_JNULL &&
		    nd_labels_from_json(tl, d->m->arena, d->m->strings, &ds.template_labels, &e) < 0)
			dec_fail(d, "spec.template.metadata.labels", "%s", e.msg);
	}
	dec_placement(d, dec_obj(d, nd_json_get(tmpl, "spec"), "spec.template.spec"), &ds.place);
	cs = dec_arr(d, nd_json_path(tmpl, "spec", "containers", NULL), "spec.template.spec.containers");
	if (cs && cs->n) {
		const struct nd_json *c = &cs->u.items[0];
		uint32_t na = 0, nc = 0, i;
		const char **a = dec_strs(d, nd_json_get(c, "args"), "containers[0].args", &na);
		const char **cm = dec_strs(d, nd_json_get(c, "command"), "containers[0].command", &nc);

		ds.image0 = dec_str(d, nd_json_get(c, "image"), "containers[0].image");
		ds.args = dec_alloc(d, na + nc, sizeof(*ds.args));
		for (i = 0; i < nc; i++)
			ds.args[ds.nargs++] = cm[i];
		for (i = 0; i < na; i++)
			ds.args[ds.nargs++] = a[i];
	}
	status = dec_obj(d, nd_json_get(o, "status"), "status");
	ds.desired = dec_int(d, nd_json_get(status, "desiredNumberScheduled"),
			     "status.desiredNumberScheduled", 0, INT32_MAX);
	ds.ready = dec_int(d, nd_json_get(status, "numberReady"), "status.numberReady", 0,
			   INT32_MAX);
	if (d->failed)
		return -1;
	PUSH(d->m->daemonsets, ds);
	return 1;
}

int dec_nnc(struct dec *d, const struct nd_json *o)
{
	struct nd_nnc n = {0};
	const struct nd_json *status, *scaler, *ncs;
	uint32_t i;

	dec_meta(d, o, &n.m);
	n.requested = dec_int(d, nd_json_path(o, "spec", "requestedIPCount", NULL),
			      "spec.requestedIPCount", 0, INT32_MAX);
	status = dec_obj(d, nd_json_get(o, "status"), "status");
	n.assigned = dec_int(d, nd_json_get(status, "assignedIPCount"), "status.assignedIPCount",
			     0, INT32_MAX);
	n.status = dec_str(d, nd_json_get(status, "status"), "status.status");
	scaler = dec_obj(d, nd_json_get(status, "scaler"), "status.scaler");
	n.batch = dec_int(d, nd_json_get(scaler, "batchSize"), "status.scaler.batchSize", 0,
			  INT32_MAX);
	n.max_ips = dec_int(d, nd_json_get(scaler, "maxIPCount"), "status.scaler.maxIPCount", 0,
			    INT32_MAX);
	n.request_pct = dec_int(d, nd_json_get(scaler, "requestThresholdPercent"),
				"status.scaler.requestThresholdPercent", 0, INT32_MAX);
	n.release_pct = dec_int(d, nd_json_get(scaler, "releaseThresholdPercent"),
				"status.scaler.releaseThresholdPercent", 0, INT32_MAX);
	ncs = dec_arr(d, nd_json_get(status, "networkContainers"), "status.networkContainers");
	if (ncs && ncs->n) {
		n.ncs = dec_alloc(d, ncs->n, sizeof(*n.ncs));
		for (i = 0; i < ncs->n; i++) {
			const struct nd_json *c = &ncs->u.items[i];
			struct nd_nnc_nc *nc = &n.ncs[n.nncs++];
			const struct nd_json *ipa;

			nc->id = dec_str(d, nd_json_get(c, "id"), "networkContainers[].id");
			nc->mode = dec_str(d, nd_json_get(c, "assignmentMode"),
					   "networkContainers[].assignmentMode");
			nc->type = dec_str(d, nd_json_get(c, "type"), "networkContainers[].type");
			nc->status = dec_str(d, nd_json_get(c, "status"), "networkContainers[].status");
			nc->primary_ip = dec_str(d, nd_json_get(c, "primaryIP"),
						 "networkContainers[].primaryIP");
			nc->subnet_name = dec_str(d, nd_json_get(c, "subnetName"),
						  "networkContainers[].subnetName");
			nc->subnet_cidr = dec_str(d, nd_json_get(c, "subnetAddressSpace"),
						  "networkContainers[].subnetAddressSpace");
			nc->subscription = dec_str(d, nd_json_get(c, "subcriptionID"),
						   "networkContainers[].subcriptionID");
			if (!nc->subscription)
				nc->subscription = dec_str(d, nd_json_get(c, "subscriptionID"),
							   "networkContainers[].subscriptionID");
			nc->resource_group = dec_str(d, nd_json_get(c, "resourceGroupID"),
						     "networkContainers[].resourceGroupID");
			nc->vnet = dec_str(d, nd_json_get(c, "vnetID"), "networkContainers[].vnetID");
			nc->subnet_id = dec_str(d, nd_json_get(c, "subnetID"),
						"networkContainers[].subnetID");
			ipa = dec_arr(d, nd_json_get(c, "ipAssignments"),
				      "networkContainers[].ipAssignments");
			nc->nassigned = ipa ? ipa->n : 0;
			if (nc->nassigned) {
				nc->ips = dec_alloc(d, nc->nassigned, sizeof(*nc->ips));
				nc->ip_names = dec_alloc(d, nc->nassigned, sizeof(*nc->ip_names));
				for (uint32_t k = 0; k < nc->nassigned; k++) {
					const struct nd_json *a = &ipa->u.items[k];

					nc->ips[k] = dec_str(d, nd_json_get(a, "ip"),
							     "networkContainers[].ipAssignments[].ip");
					nc->ip_names[k] = dec_str(d, nd_json_get(a, "name"),
								  "networkContainers[].ipAssignments[].name");
				}
			}
		}
	}
	if (d->failed)
		return -1;
	PUSH(d->m->nncs, n);
	return 1;
}
