/* SPDX-License-Identifier: MIT */
#include "k8s/sched.h"

#include <string.h>

#include "core/banned.h"

static bool empty(const char *s)
{
	return !s || !*s;
}

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool nd_toleration_tolerates(const struct nd_toleration *t, const struct nd_taint *x)
{
	if (!empty(t->effect) && !same(t->effect, x->effect))
		return false;
	if (!empty(t->key) && !same(t->key, x->key))
		return false;
	if (empty(t->op) || strcmp(t->op, "Equal") == 0)
		return same(t->value, x->value);
	return strcmp(t->op, "Exists") == 0;
}

/* What the DaemonSet controller adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
static const struct nd_toleration daemon_tols[] = {
	{"node.kubernetes.io/not-ready", "Exists", NULL, "NoExecute", false, 0},
	{"node.kubernetes.io/unreachable", "Exists", NULL, "NoExecute", false, 0},
	{"node.kubernetes.io/disk-pressure", "Exists", NULL, "NoSchedule", false, 0},
	{"node.kubernetes.io/memory-pressure", "Exists", NULL, "NoSchedule", false, 0},
	{"node.kubernetes.io/pid-pressure", "Exists", NULL, "NoSchedule", false, 0},
	{"node.kubernetes.io/unschedulable", "Exists", NULL, "NoSchedule", false, 0},
};
static const struct nd_toleration hostnet_tol =
	{"node.kubernetes.io/network-unavailable", "Exists", NULL, "NoSchedule", false, 0};

static bool tolerated(const struct nd_placement *p, const struct nd_taint *x)
{
	for (uint32_t i = 0; i < p->ntols; i++)
		if (nd_toleration_tolerates(&p->tols[i], x))
			return true;
	for (size_t i = 0; i < sizeof(daemon_tols) / sizeof(daemon_tols[0]); i++)
		if (nd_toleration_tolerates(&daemon_tols[i], x))
			return true;
	return p->host_network && nd_toleration_tolerates(&hostnet_tol, x);
}

/* The taints the node lifecycle controller writes for the node's state. */
static size_t implied_taints(const struct nd_node *n, struct nd_taint *out)
{
	size_t k = 0;

	if (n->conds & ND_NCOND_READY_FALSE) {
		out[k++] = (struct nd_taint){"node.kubernetes.io/not-ready", NULL, "NoSchedule"};
		out[k++] = (struct nd_taint){"node.kubernetes.io/not-ready", NULL, "NoExecute"};
	}
	if (n->conds & ND_NCOND_READY_UNKNOWN) {
		out[k++] = (struct nd_taint){"node.kubernetes.io/unreachable", NULL, "NoSchedule"};
		out[k++] = (struct nd_taint){"node.kubernetes.io/unreachable", NULL, "NoExecute"};
	}
	if (n->conds & ND_NCOND_MEMORY)
		out[k++] = (struct nd_taint){"node.kubernetes.io/memory-pressure", NULL, "NoSchedule"};
	if (n->conds & ND_NCOND_DISK)
		out[k++] = (struct nd_taint){"node.kubernetes.io/disk-pressure", NULL, "NoSchedule"};
	if (n->conds & ND_NCOND_PID)
		out[k++] = (struct nd_taint){"node.kubernetes.io/pid-pressure", NULL, "NoSchedule"};
	if (n->conds & ND_NCOND_NETWORK)
		out[k++] = (struct nd_taint){"node.kubernetes.io/network-unavailable", NULL,
					     "NoSchedule"};
	if (n->unschedulable)
		out[k++] = (struct nd_taint){"node.kubernetes.io/unschedulable", NULL, "NoSchedule"};
	return k;
}

static const char *field_of(const struct nd_node *n, const char *key)
{
	return strcmp(key, "metadata.name") == 0 ? n->m.name : "";
}

static bool fields_match(const struct nd_selector *f, const struct nd_node *n)
{
	for (uint32_t i = 0; i < f->nreq; i++) {
		const struct nd_selreq *r = &f->req[i];
		bool eq = r->nvals == 1 && strcmp(field_of(n, r->key), r->vals[0]) == 0;

		if (r->op == ND_SEL_IN ? !eq : r->op == ND_SEL_NOTIN ? eq : true)
			return false;
	}
	return true;
}

bool nd_nsterm_matches(const struct nd_nsterm *t, const struct nd_node *n)
{
	if (t->invalid || (!t->exprs.nreq && !t->fields.nreq))
		return false;
	return nd_selector_matches(&t->exprs, &n->m.labels) && fields_match(&t->fields, n);
}

bool nd_placement_selects(const struct nd_placement *p, const struct nd_node *n,
			  enum nd_place_miss *miss, const char **key)
{
	*miss = ND_PLACE_FITS;
	*key = NULL;
	if (!empty(p->node_name) && strcmp(p->node_name, n->m.name) != 0) {
		*miss = ND_PLACE_NODE_NAME;
		*key = p->node_name;
		return false;
	}
	for (uint32_t i = 0; i < p->node_selector.n; i++) {
		const char *have = nd_labels_get(&n->m.labels, p->node_selector.kv[i].k);

		if (!have || strcmp(have, p->node_selector.kv[i].v) != 0) {
			*miss = ND_PLACE_NODE_SELECTOR;
			*key = p->node_selector.kv[i].k;
			return false;
		}
	}
	if (!p->has_required)
		return true;
	for (uint32_t i = 0; i < p->nterms; i++)
		if (nd_nsterm_matches(&p->terms[i], n))
			return true;
	*miss = ND_PLACE_AFFINITY;
	return false;
}

void nd_daemon_should_run(const struct nd_placement *p, const struct nd_node *n,
			  struct nd_place_verdict *out)
{
	struct nd_taint implied[8];
	size_t nimp = implied_taints(n, implied);
	const struct nd_taint *sched = NULL, *exec = NULL;

	memset(out, 0, sizeof(*out));
	if (!nd_placement_selects(p, n, &out->miss, &out->key))
		return;
	for (size_t i = 0; i < n->ntaints + nimp; i++) {
		const struct nd_taint *x = i < n->ntaints ? &n->taints[i] : &implied[i - n->ntaints];
		bool ns = same(x->effect, "NoSchedule"), ne = same(x->effect, "NoExecute");

		if ((!ns && !ne) || tolerated(p, x))
			continue;
		if (ne && !exec)
			exec = x;
		if (ns && !sched)
			sched = x;
	}
	if (exec || sched) {
		const struct nd_taint *x = exec ? exec : sched;

		out->miss = ND_PLACE_TAINT;
		out->key = x->key;
		out->value = x->value;
		out->effect = x->effect;
		out->should_continue = !exec;
		return;
	}
	out->should_run = out->should_continue = true;
}
