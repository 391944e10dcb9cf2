/* SPDX-License-Identifier: MIT */
/*
 * S3: why a Service has no usable endpoints. For each Service, the most
 * specific cause is reported, once: the selector matches no pod; pods match
 * but none is ready; a targetPort no selected pod declares; otherwise, no
 * endpoints at all. Selector-less Services are healthy when someone wrote
 * endpoints for them.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

#define MAX_LISTED 10

struct epstate {
	size_t sets, slices, endpoints_objs;
	size_t ready, not_ready;
};

/*
 * Ready addresses of a Service. Slices are what kube-proxy reads; legacy
 * Endpoints count only when there are no slices.
 */
static void ep_state(const struct nd_model *m, const struct nd_service *s, struct epstate *st)
{
	size_t n, i;
	const uint32_t *ix = nd_model_epsets_of(m, s->m.ns, s->m.name, &n);
	uint32_t j;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < n; i++)
		m->epsets.v[ix[i]].is_slice ? st->slices++ : st->endpoints_objs++;
	st->sets = n;
	for (i = 0; i < n; i++) {
		const struct nd_epset *e = &m->epsets.v[ix[i]];

		if (st->slices && !e->is_slice)
			continue;
		for (j = 0; j < e->naddrs; j++)
			e->addrs[j].ready ? st->ready++ : st->not_ready++;
	}
}

static struct nd_val *selector_val(struct nd_report *r, struct nd_val *ev,
				   const struct nd_service *s)
{
	struct nd_val *sel = nd_obj_obj(r, ev, "selector");
	uint32_t i;

	for (i = 0; i < s->selector.nreq; i++)
		nd_obj_str(r, sel, s->selector.req[i].key,
			   s->selector.req[i].nvals ? s->selector.req[i].vals[0] : "");
	return sel;
}

static void ports_val(struct nd_report *r, struct nd_val *ev, const struct nd_service *s)
{
	struct nd_val *a = nd_obj_arr(r, ev, "ports");
	uint32_t i;

	for (i = 0; i < s->nports; i++) {
		const struct nd_svcport *p = &s->ports[i];
		struct nd_val *o = nd_arr_obj(r, a);

		nd_obj_str(r, o, "name", p->name);
		nd_obj_int(r, o, "port", p->port);
		nd_obj_str(r, o, "protocol", nd_proto_name(p->proto));
		if (p->target_name)
			nd_obj_str(r, o, "target_port", p->target_name);
		else
			nd_obj_int(r, o, "target_port", p->target_num);
	}
}

static bool pod_counts(const struct nd_pod *p)
{
	return nd_pod_is_live(p) && !p->m.deleting;
}

/* Nearest pods: the live pods of the namespace that share most selector labels. */
static void nearest_pods(const struct nd_check_env *env, const struct nd_service *s,
			 struct nd_val *ev)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	size_t n, i, k;
	const uint32_t *ix = nd_model_pods_in_ns(m, s->m.ns, &n);
	struct nd_val *arr = nd_obj_arr(r, ev, "nearest_pods");
	uint32_t best[3] = {0};
	int score[3] = {-1, -1, -1};

	for (i = 0; i < n; i++) {
		const struct nd_pod *p = &m->pods.v[ix[i]];
		int sc = 0;
		uint32_t q;

		if (!pod_counts(p))
			continue;
		for (q = 0; q < s->selector.nreq; q++) {
			const char *have = nd_labels_get(&p->m.labels, s->selector.req[q].key);

			if (have && strcmp(have, s->selector.req[q].vals[0]) == 0)
				sc += 2;
			else if (have)
				sc += 1;       /* the key is there with another value */
		}
		if (sc == 0)
			continue;
		for (k = 0; k < 3; k++) {
			if (sc > score[k]) {
				memmove(&score[k + 1], &score[k], (2 - k) * sizeof(score[0]));
				memmove(&best[k + 1], &best[k], (2 - k) * sizeof(best[0]));
				score[k] = sc;
				best[k] = ix[i];
				break;
			}
		}
	}
	for (k = 0; k < 3 && score[k] >= 0; k++) {
		const struct nd_pod *p = &m->pods.v[best[k]];
		struct nd_val *o = nd_arr_obj(r, arr);
		struct nd_val *diff;
		uint32_t q, matching = 0;

		nd_obj_str(r, o, "pod", p->m.name);
		for (q = 0; q < s->selector.nreq; q++) {
			const char *have = nd_labels_get(&p->m.labels, s->selector.req[q].key);

			matching += have && strcmp(have, s->selector.req[q].vals[0]) == 0;
		}
		nd_obj_int(r, o, "matching", matching);
		diff = nd_obj_arr(r, o, "differing");
		for (q = 0; q < s->selector.nreq; q++) {
			const struct nd_selreq *rq = &s->selector.req[q];
			const char *have = nd_labels_get(&p->m.labels, rq->key);
			struct nd_val *d;

			if (have && strcmp(have, rq->vals[0]) == 0)
				continue;
			d = nd_arr_obj(r, diff);
			nd_obj_str(r, d, "key", rq->key);
			nd_obj_str(r, d, "want", rq->vals[0]);
			nd_obj_str(r, d, "have", have);
		}
	}
}

/*
 * The live pods of other namespaces the selector matches, per namespace
 * ({namespace, pods}): a Service selects pods of its own namespace only, so
 * these are the cause when its own namespace has none. Returns the count.
 */
/*
 * Live pods the selector matches in other namespaces, each namespace asked
 * through the label index (nd_model_select_pods), so a mismatched Service
 * costs the namespaces, not every pod of the cluster. The namespaces are
 * listed in the order of their first matching pod.
 */
struct hit {
	const char *ns;
	size_t pods;
	uint32_t first;
};

static int cmp_first(const void *a, const void *b)
{
	uint32_t x = ((const struct hit *)a)->first, y = ((const struct hit *)b)->first;

	return x < y ? -1 : x > y;
}

static size_t elsewhere(const struct nd_check_env *env, const struct nd_service *s,
			struct nd_val *ev, const char **first_ns)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	struct hit *hits = NULL;
	size_t nhits = 0, cap = 0, total = 0;

	*first_ns = NULL;
	for (size_t k = 0; k < m->npod_ns; k++) {
		const char *ns = m->pod_ns[k];
		size_t n, live = 0;
		uint32_t *ix, first = 0;

		if (s->m.ns && strcmp(ns, s->m.ns) == 0)
			continue;
		ix = nd_model_select_pods(m, ns, &s->selector, &n);
		for (size_t i = 0; i < n; i++) {
			if (!pod_counts(&m->pods.v[ix[i]]))
				continue;
			if (!live++)
				first = ix[i];
		}
		free(ix);
		if (!live)
			continue;
		ND_GROW(hits, cap, nhits + 1);
		hits[nhits++] = (struct hit){ns, live, first};
		total += live;
	}
	if (nhits) {
		struct nd_val *arr = nd_obj_arr(r, ev, "matches_in_other_namespaces");

		qsort(hits, nhits, sizeof(*hits), cmp_first);
		*first_ns = hits[0].ns;
		for (size_t j = 0; j < nhits && j < MAX_LISTED; j++) {
			struct nd_val *o = nd_arr_obj(r, arr);

			nd_obj_str(r, o, "namespace", hits[j].ns);
			nd_obj_int(r, o, "pods", (int64_t)hits[j].pods);
		}
	}
	free(hits);
	return total;
}

static void selector_mismatch(struct nd_check_env *env, const struct nd_service *s)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "service-selector-mismatch", "Service", s->m.ns,
					      s->m.name);
	char *sel = nd_selector_string(&s->selector, env->r->arena);
	const char *other;
	size_t nother;

	selector_val(r, f->evidence, s);
	nother = elsewhere(env, s, f->evidence, &other);
	if (nother) {
		nd_finding_summary(r, f, _("the selector %s matches no running pod in namespace %s but "
					   "%zu in other namespaces (first: %s); a Service selects "
					   "pods of its own namespace only"), sel, s->m.ns, nother,
				   other);
		nd_finding_remedy(r, f, _("create the Service in the namespace of the pods (or run "
					  "the pods in the Service's namespace); from other "
					  "namespaces reach it as <service>.<namespace>.svc"));
		nd_finding_command(r, f, "kubectl get pods -n %s -l '%s'", other, sel);
		nd_finding_command(r, f, "kubectl get service -n %s %s -o yaml", s->m.ns, s->m.name);
		return;
	}
	nd_finding_summary(r, f, _("the selector %s matches no running pod in namespace %s, so "
				   "the Service has no endpoints"), sel, s->m.ns);
	nearest_pods(env, s, f->evidence);
	nd_finding_remedy(r, f, _("make the Service's selector equal the labels of the pods it "
				  "should reach (or relabel the pods)"));
	nd_finding_command(r, f, "kubectl get pods -n %s --show-labels", s->m.ns);
	nd_finding_command(r, f, "kubectl get pods -n %s -l '%s'", s->m.ns, sel);
	nd_finding_command(r, f, "kubectl edit service -n %s %s", s->m.ns, s->m.name);
}

static void pods_not_ready(struct nd_check_env *env, const struct nd_service *s,
			   const uint32_t *pods, size_t npods)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "service-pods-not-ready", "Service", s->m.ns,
					      s->m.name);
	struct nd_val *arr;
	size_t i;

	nd_finding_summary(r, f, _("%zu pod(s) match the selector but none is ready, so the "
				   "Service has no ready endpoints"), npods);
	selector_val(r, f->evidence, s);
	arr = nd_obj_arr(r, f->evidence, "pods");
	for (i = 0; i < npods && i < MAX_LISTED; i++) {
		const struct nd_pod *p = &env->m->pods.v[pods[i]];
		struct nd_val *o = nd_arr_obj(r, arr);

		nd_obj_str(r, o, "pod", p->m.name);
		nd_obj_str(r, o, "phase", p->phase);
		nd_obj_bool(r, o, "ready", p->ready);
		nd_obj_str(r, o, "node", p->node);
		if (p->waiting)
			nd_obj_str(r, o, "waiting", p->waiting);
	}
	nd_finding_remedy(r, f, _("find why the pods are not ready (readiness probe, crash, "
				  "image pull) and fix that"));
	nd_finding_command(r, f, "kubectl describe pod -n %s %s", s->m.ns,
			   env->m->pods.v[pods[0]].m.name);
	nd_finding_command(r, f, "kubectl get endpointslices -n %s -l kubernetes.io/service-name=%s",
			   s->m.ns, s->m.name);
}

static void no_endpoints(struct nd_check_env *env, const struct nd_service *s,
			 const struct epstate *st, const char *why)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "service-no-endpoints", "Service", s->m.ns,
					      s->m.name);

	nd_finding_summary(r, f, "%s", why);
	nd_obj_str(r, f->evidence, "service", nd_report_printf(r, "%s/%s", s->m.ns, s->m.name));
	if (s->has_selector)
		selector_val(r, f->evidence, s);
	else
		nd_obj_str(r, f->evidence, "selector", NULL);
	ports_val(r, f->evidence, s);
	nd_obj_int(r, f->evidence, "endpoint_slices", (int64_t)st->slices);
	nd_obj_int(r, f->evidence, "endpoints_objects", (int64_t)st->endpoints_objs);
	nd_obj_int(r, f->evidence, "not_ready_addresses", (int64_t)st->not_ready);
	if (!s->has_selector) {
		nd_finding_remedy(r, f, _("a Service without a selector only gets the endpoints "
					  "someone writes: create an EndpointSlice (or Endpoints) "
					  "for it, or give it a selector"));
	} else {
		nd_finding_remedy(r, f, _("the selected pods are ready but no endpoints were "
					  "published: check the endpoint-slice controller in "
					  "kube-controller-manager"));
	}
	nd_finding_command(r, f, "kubectl get endpointslices -n %s -l kubernetes.io/service-name=%s",
			   s->m.ns, s->m.name);
}

/* Port declarations of a pod, as text: "http:8080/TCP,9090/TCP". */
static const char *pod_ports_text(struct nd_report *r, const struct nd_pod *p)
{
	char *buf;
	size_t cap = 1, len = 0;
	uint32_t i;

	for (i = 0; i < p->nports; i++)
		cap += 80;
	buf = nd_arena_alloc(r->arena, cap);
	for (i = 0; i < p->nports; i++) {
		int w = snprintf(buf + len, cap - len, "%s%s%s%d/%s", i ? "," : "",
				 p->ports[i].name ? p->ports[i].name : "",
				 p->ports[i].name ? ":" : "", p->ports[i].port,
				 nd_proto_name(p->ports[i].proto));
		if (w > 0)
			len += (size_t)w;
	}
	return buf;
}

/* Does the pod serve the Service port's targetPort? -1: cannot tell. */
static int resolves(const struct nd_pod *p, const struct nd_svcport *sp)
{
	uint32_t i;

	if (sp->target_name) {
		for (i = 0; i < p->nports; i++)
			if (p->ports[i].name && strcmp(p->ports[i].name, sp->target_name) == 0 &&
			    p->ports[i].proto == sp->proto)
				return 1;
		return 0;
	}
	if (!p->nports)
		return -1;     /* nothing declared: a listener may still be there */
	for (i = 0; i < p->nports; i++)
		if (p->ports[i].port == sp->target_num && p->ports[i].proto == sp->proto)
			return 1;
	return 0;
}

/* Returns the number of findings added. */
/*
 * Fold pod p into the one containerPort of protocol proto all pods so far
 * declare: want 0 (none seen yet), the port, or -1 (none, several, or they
 * differ).
 */
static int32_t one_port(const struct nd_pod *p, uint8_t proto, int32_t want)
{
	int32_t mine = 0;

	if (want < 0)
		return -1;
	for (uint32_t i = 0; i < p->nports; i++) {
		if (p->ports[i].proto != proto)
			continue;
		if (mine && mine != p->ports[i].port)
			return -1;
		mine = p->ports[i].port;
	}
	if (!mine || (want && want != mine))
		return -1;
	return mine;
}

static int target_ports(struct nd_check_env *env, const struct nd_service *s,
			const uint32_t *pods, size_t npods)
{
	struct nd_report *r = env->r;
	uint32_t q;
	int added = 0;

	for (q = 0; q < s->nports; q++) {
		const struct nd_svcport *sp = &s->ports[q];
		size_t i, bad = 0;
		struct nd_finding *f = NULL;
		struct nd_val *arr = NULL;
		int32_t want = 0;        /* the one containerPort every such pod has, or -1 */

		for (i = 0; i < npods; i++) {
			const struct nd_pod *p = &env->m->pods.v[pods[i]];
			struct nd_val *o;

			if (resolves(p, sp) != 0)
				continue;
			if (!f) {
				f = nd_finding_add(r, "service-target-port-mismatch", "Service",
						   s->m.ns, s->m.name);
				nd_obj_str(r, f->evidence, "port",
					   sp->name ? nd_report_printf(r, "%s (%d/%s)", sp->name,
								       sp->port,
								       nd_proto_name(sp->proto))
						    : nd_report_printf(r, "%d/%s", sp->port,
								       nd_proto_name(sp->proto)));
				if (sp->target_name)
					nd_obj_str(r, f->evidence, "target_port", sp->target_name);
				else
					nd_obj_int(r, f->evidence, "target_port", sp->target_num);
				arr = nd_obj_arr(r, f->evidence, "pods");
				added++;
			}
			want = one_port(p, sp->proto, want);
			if (bad++ < MAX_LISTED) {
				o = nd_arr_obj(r, arr);
				nd_obj_str(r, o, "pod", p->m.name);
				nd_obj_str(r, o, "container_ports", pod_ports_text(r, p));
			}
		}
		if (!f)
			continue;
		nd_obj_int(r, f->evidence, "pods_without_target", (int64_t)bad);
		nd_obj_int(r, f->evidence, "pods_selected", (int64_t)npods);
		if (sp->target_name)
			nd_finding_summary(r, f, _("targetPort '%s' of port %d is not a named "
						   "containerPort of %zu of %zu selected pod(s); those "
						   "pods get no endpoint for it"),
					   sp->target_name, sp->port, bad, npods);
		else
			nd_finding_summary(r, f, _("targetPort %d of port %d is not a containerPort "
						   "of %zu of %zu selected pod(s): traffic is sent to "
						   "a port the containers do not declare"),
					   sp->target_num, sp->port, bad, npods);
		nd_finding_remedy(r, f, _("set the Service's targetPort to the port the container "
					  "listens on (or name that containerPort)"));
		/* the value when the pods say it: each declares one port of the protocol, the same */
		if (want > 0)
			nd_finding_command(r, f,
					   "kubectl patch service -n %s %s --type=json -p "
					   "'[{\"op\":\"replace\",\"path\":\"/spec/ports/%u/targetPort\","
					   "\"value\":%d}]'", s->m.ns, s->m.name, q, want);
		else
			nd_finding_command(r, f,
					   "kubectl patch service -n %s %s --type=json -p "
					   "'[{\"op\":\"replace\",\"path\":\"/spec/ports/%u/targetPort\","
					   "\"value\":<containerPort>}]'", s->m.ns, s->m.name, q);
	}
	return added;
}

static bool in_scope(const struct nd_scope *sc, const struct nd_service *s)
{
	if (sc->ns && strcmp(sc->ns, s->m.ns ? s->m.ns : "") != 0)
		return false;
	if (sc->service && strcmp(sc->service, s->m.name) != 0)
		return false;
	return true;
}

static void check_one(struct nd_check_env *env, const struct nd_service *s)
{
	struct epstate st;
	uint32_t *matched, *live;
	size_t nmatched = 0, nlive = 0, nready = 0, i;

	ep_state(env->m, s, &st);
	if (!s->has_selector) {
		if (!st.ready)
			no_endpoints(env, s, &st,
				     st.sets ? _("the Service has no selector and its hand-made "
						 "endpoints list no ready address")
					     : _("the Service has no selector and nobody created "
						 "endpoints for it"));
		return;
	}
	matched = nd_model_select_pods(env->m, s->m.ns, &s->selector, &nmatched);
	live = nd_xmalloc((nmatched + 1) * sizeof(*live));
	for (i = 0; i < nmatched; i++) {
		const struct nd_pod *p = &env->m->pods.v[matched[i]];

		if (!pod_counts(p))
			continue;
		live[nlive++] = matched[i];
		nready += p->ready;
	}
	if (!nmatched) {
		selector_mismatch(env, s);
	} else if (!nlive || (!nready && !st.ready && !s->publish_not_ready)) {
		pods_not_ready(env, s, nlive ? live : matched, nlive ? nlive : nmatched);
	} else if (target_ports(env, s, live, nlive) == 0 && !st.ready && st.sets) {
		no_endpoints(env, s, &st, _("ready pods match the selector but the Service has no "
					    "ready endpoints"));
	}
	free(live);
	free(matched);
}

enum nd_check_status nd_check_services(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	size_t i, seen = 0;

	for (i = 0; i < m->services.n; i++) {
		const struct nd_service *s = &m->services.v[i];

		if (!in_scope(&env->scope, s) || (s->type && strcmp(s->type, "ExternalName") == 0))
			continue;
		/* the kubernetes Service has its own check */
		if (s->m.ns && strcmp(s->m.ns, "default") == 0 && !s->has_selector &&
		    (strcmp(s->m.name, "kubernetes") == 0 ||
		     strcmp(s->m.name, "kubernetes-internal") == 0))
			continue;
		seen++;
		check_one(env, s);
	}
	if (!m->services.n) {
		*why = _("no Services in the source");
		return ND_CHECK_SKIP;
	}
	*why = nd_report_printf(env->r, _("%zu Services looked at"), seen);
	return ND_CHECK_PASS;
}

enum nd_check_status nd_check_kubernetes_service(struct nd_check_env *env, const char **why)
{
	const struct nd_service *s = nd_model_service(env->m, "default", "kubernetes");
	struct epstate st;
	struct nd_finding *f;
	struct nd_report *r = env->r;

	if (!s)
		s = nd_model_service(env->m, "default", "kubernetes-internal");
	if (!s) {
		*why = _("the default/kubernetes Service is not in the source");
		return ND_CHECK_SKIP;
	}
	ep_state(env->m, s, &st);
	if (!st.ready) {
		f = nd_finding_add(r, "kubernetes-service-no-endpoints", "Service", s->m.ns,
				   s->m.name);
		nd_finding_summary(r, f, _("the %s Service has no ready endpoint: pods that use "
					   "the in-cluster API address cannot reach the API server"),
				   s->m.name);
		nd_obj_str(r, f->evidence, "service",
			   nd_report_printf(r, "%s/%s", s->m.ns, s->m.name));
		nd_obj_str(r, f->evidence, "cluster_ip", s->cluster_ip);
		nd_obj_int(r, f->evidence, "endpoints", 0);
		nd_obj_int(r, f->evidence, "endpoint_slices", (int64_t)st.slices);
		nd_obj_int(r, f->evidence, "endpoints_objects", (int64_t)st.endpoints_objs);
		nd_finding_remedy(r, f, _("the API server writes these endpoints itself; on AKS "
					  "check the cluster's health and the API server's "
					  "reachability, on a self-managed control plane check the "
					  "kube-apiserver pods"));
		nd_finding_command(r, f, "kubectl get endpointslices -n default -l "
				   "kubernetes.io/service-name=%s -o wide", s->m.name);
		nd_finding_command(r, f, "kubectl get --raw /readyz?verbose");
	}
	*why = NULL;
	return ND_CHECK_PASS;
}
