/* SPDX-License-Identifier: MIT */
/*
 * S2: pods stuck without an IP, read from their FailedCreatePodSandBox
 * events. Messages change across versions, so only the stable inner
 * substrings each CNI writes are matched (reference facts §3.2), with the
 * most specific first: Azure CNS messages also contain "azure-vnet".
 *
 * Two findings, by cause: the pool is out of addresses
 * (pod-ip-allocation-failed), or the network set-up failed for another
 * reason the message names (pod-network-setup-failed: the plugin binary
 * missing, no CNI config yet, the IPAM daemon or CNI agent unreachable, the
 * netns gone, a timeout). The pods of one node that fail for one cause are
 * one finding for that node, listing them. A pod that has an IP now is
 * history: its old events are not a finding.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

#define MAX_LISTED 50

static const struct nd_cni_signature signatures[] = {
	/* out of addresses (facts §3.2) */
	{"azure-cns", true, "not enough IPs available", NULL},
	{"azure-cns", true, "AllocateIPConfig failed", NULL},
	{"azure-cni", true, "No available addresses", NULL},
	{"azure-cni", true, "No available address pools", NULL},
	{"azure-cni", true, "no available address pools", NULL},
	{"host-local", true, "no IP addresses available in range set", NULL},
	{"calico", true, "IPAM allocated only 0", NULL},
	{"calico", true, "cannot allocate new block due to per host block limit", NULL},
	{"calico", true, "cannot find a qualified ippool", NULL},
	{"cilium", true, "range is full", NULL},
	{"cilium", true, "No more IPs available", NULL},
	{"aws-vpc-cni", true, "failed to assign an IP address to container", NULL},
	/* other set-up failures, each with its cause (docs/findings/pod-network-setup-failed.md) */
	{"cni", false, "failed to find plugin", "plugin-not-found"},
	{"cni", false, "cni plugin not initialized", "cni-not-initialized"},
	{"cni", false, "cni config uninitialized", "cni-not-initialized"},
	{"cni", false, "No networks found in", "cni-not-initialized"},
	{"azure-cns", false, "Failed to get IP address from CNS", "cns-unreachable"},
	{"cilium", false, "unable to connect to Cilium agent", "cni-agent-unreachable"},
	{"cilium", false, "unable to connect to Cilium daemon", "cni-agent-unreachable"},
	{"calico", false, "stat /var/lib/calico/nodename", "cni-agent-unreachable"},
	{"cni", false, "failed to Statfs", "netns-missing"},
	{"cni", false, "unknown FS magic on", "netns-missing"},
	{"host-local", false, "is not available in range set", "other"},
	{"azure-cni", false, "Failed to allocate pool", "other"},
	{"azure-cni", false, "Failed to allocate address", "other"},
	{"cilium", false, "unable to allocate IP via local cilium agent", "other"},
	/* a network set-up failure whose plugin said nothing more specific */
	{"cni", false, "failed to setup network for sandbox", "other"},
	{"cni", false, "failed to set up sandbox container", "other"},
	{"cni", false, "networkPlugin cni failed", "other"},
	{"cni", false, "NetworkPlugin cni failed", "other"},
};

/* Causes a generic message can still carry, looked for only when the
 * message is a network set-up failure. */
static const char *generic_cause(const char *msg)
{
	if (strstr(msg, "context deadline exceeded") || strstr(msg, "i/o timeout"))
		return "timeout";
	return "other";
}

bool nd_classify_sandbox_message(const char *msg, struct nd_cni_signature *out)
{
	size_t i;

	if (!msg)
		return false;
	for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
		if (!strstr(msg, signatures[i].match))
			continue;
		*out = signatures[i];
		if (out->cause && strcmp(out->cause, "other") == 0)
			out->cause = generic_cause(msg);
		/* CNS not listening is unreachable; CNS slow or failing is not */
		if (out->cause && strcmp(out->cause, "cns-unreachable") == 0 &&
		    !strstr(msg, "connection refused") && !strstr(msg, "connect: no route to host"))
			out->cause = generic_cause(msg);
		/* name the plugin when the generic text carries it */
		if (strcmp(out->cni, "cni") == 0 || strcmp(out->cni, "host-local") == 0) {
			if (strstr(msg, "azure-vnet"))
				out->cni = "azure-cni";
			else if (strstr(msg, "calico"))
				out->cni = "calico";
			else if (strstr(msg, "cilium"))
				out->cni = "cilium";
			else if (strstr(msg, "flannel"))
				out->cni = "flannel";
		}
		return true;
	}
	return false;
}

/* The quoted plugin name of "failed to find plugin \"X\" in path [...]", or NULL. */
static const char *missing_plugin(struct nd_report *r, const char *msg)
{
	const char *k = "failed to find plugin \"", *p = strstr(msg, k), *q;

	if (!p)
		return NULL;
	p += strlen(k);
	q = strchr(p, '"');
	if (!q || q == p || q - p > 64)
		return NULL;
	return nd_report_printf(r, "%.*s", (int)(q - p), p);
}

bool nd_pod_failed_for_ip(const struct nd_model *m, const struct nd_pod *p)
{
	size_t n;
	const uint32_t *ix = nd_model_events_of(m, "Pod", p->m.ns, p->m.name, &n);

	for (size_t k = 0; k < n; k++) {
		const struct nd_event *ev = &m->events.v[ix[k]];
		struct nd_cni_signature sig;

		if (ev->reason && strcmp(ev->reason, "FailedCreatePodSandBox") == 0 &&
		    nd_classify_sandbox_message(ev->message, &sig) && sig.exhausted)
			return true;
	}
	return false;
}

static bool waiting_for_ip(const struct nd_pod *p)
{
	if (p->host_network || p->nips || !p->node || p->m.deleting)
		return false;
	return !p->phase || strcmp(p->phase, "Pending") == 0;
}

/* One pod's sandbox failures: the newest matching event and its class. */
struct stuck_pod {
	const struct nd_pod *p;
	const struct nd_event *last;
	struct nd_cni_signature sig;
	const char *plugin;       /* plugin-not-found: the binary's name, else NULL */
	int64_t count;
};

/* Pods of one node failing for one cause. */
struct group {
	const char *node;
	struct nd_cni_signature sig;
	const char *plugin;       /* plugin-not-found: the binary's name */
	size_t first, n;          /* its pods: stuck[first..], n of them */
	int64_t events;
	const struct nd_event *last;
};

static bool same_cause(const struct group *g, const struct stuck_pod *s)
{
	if (strcmp(g->node, s->p->node) != 0 || g->sig.exhausted != s->sig.exhausted ||
	    strcmp(g->sig.cni, s->sig.cni) != 0)
		return false;
	if (!g->sig.exhausted && strcmp(g->sig.cause, s->sig.cause) != 0)
		return false;
	return !s->plugin == !g->plugin && (!s->plugin || strcmp(s->plugin, g->plugin) == 0);
}

/* The pod's newest sandbox network failure; an exhaustion message names the cause
 * better than a generic one seen at the same time. */
static bool read_events(const struct nd_model *m, const struct nd_pod *p, struct stuck_pod *out)
{
	size_t n, k;
	const uint32_t *ix = nd_model_events_of(m, "Pod", p->m.ns, p->m.name, &n);

	memset(out, 0, sizeof(*out));
	out->p = p;
	for (k = 0; k < n; k++) {
		const struct nd_event *ev = &m->events.v[ix[k]];
		struct nd_cni_signature s;

		if (!ev->reason || strcmp(ev->reason, "FailedCreatePodSandBox") != 0)
			continue;
		if (!nd_classify_sandbox_message(ev->message, &s))
			continue;
		out->count += ev->count;
		if (!out->last || ev->last > out->last->last ||
		    (ev->last == out->last->last && s.exhausted && !out->sig.exhausted)) {
			out->last = ev;
			out->sig = s;
		}
	}
	return out->last != NULL;
}

static void cause_remedy(struct nd_report *r, struct nd_finding *f, const struct group *g)
{
	const char *c = g->sig.cause, *node = g->node;

	if (strcmp(c, "plugin-not-found") == 0) {
		nd_finding_remedy(r, f, _("the CNI plugin binary '%s' is not in the node's CNI bin "
					  "directory (/opt/cni/bin): the CNI's DaemonSet pod (or the "
					  "node image) installs it; make sure that pod runs on node %s "
					  "and has finished its install step, or reimage the node"),
				  g->plugin ? g->plugin : "?", node);
	} else if (strcmp(c, "cni-not-initialized") == 0) {
		nd_finding_remedy(r, f, _("the container runtime on node %s has no CNI network "
					  "config (/etc/cni/net.d is empty or unreadable): the CNI's "
					  "DaemonSet pod writes it when it starts; check that pod on the "
					  "node, then the runtime reloads the config by itself"), node);
	} else if (strcmp(c, "cns-unreachable") == 0) {
		nd_finding_remedy(r, f, _("Azure CNI asks azure-cns on the node (localhost:10090) "
					  "for every pod IP and nobody answers: check the azure-cns pod "
					  "of node %s (running, ready, its logs); restarting it is safe"),
				  node);
		nd_finding_command(r, f, "kubectl get pods -n kube-system -l k8s-app=azure-cns -o wide "
				   "--field-selector spec.nodeName=%s", node);
	} else if (strcmp(c, "cni-agent-unreachable") == 0) {
		nd_finding_remedy(r, f, _("the %s plugin needs its agent on the node and cannot reach "
					  "it: check the %s DaemonSet pod of node %s (running, ready, "
					  "its logs)"), g->sig.cni, g->sig.cni, node);
		nd_finding_command(r, f, "kubectl get pods -A -o wide --field-selector spec.nodeName=%s",
				   node);
	} else if (strcmp(c, "netns-missing") == 0) {
		nd_finding_remedy(r, f, _("the pod's network namespace was gone before the plugin "
					  "ran (the sandbox was torn down meanwhile, often after a "
					  "container runtime restart); the kubelet retries by itself, "
					  "and if it keeps failing restart containerd on node %s"), node);
	} else if (strcmp(c, "timeout") == 0) {
		nd_finding_remedy(r, f, _("the CNI plugin did not finish within the runtime's "
					  "deadline: it, or what it calls (its agent, the IPAM daemon, "
					  "the API server), is slow or down on node %s; check the CNI's "
					  "pods there"), node);
	} else {
		nd_finding_remedy(r, f, _("the CNI plugin failed for a reason netdiag does not "
					  "classify: read last_message, then the CNI's pods and logs on "
					  "node %s"), node);
	}
}

static void exhausted_remedy(struct nd_report *r, struct nd_finding *f, const struct group *g)
{
	if (strcmp(g->sig.cni, "host-local") == 0)
		nd_finding_remedy(r, f, _("find leaked or terminated-pod addresses in the node's "
					  "host-local store (netdiag ipam --node %s) and free them"),
				  g->node);
	else if (strncmp(g->sig.cni, "azure", 5) == 0)
		nd_finding_remedy(r, f, _("the node's NodeNetworkConfig tells why CNS has no IP to "
					  "give: follow the Azure CNI finding of node %s (IPs not "
					  "released, held by finished pods, a request pending or "
					  "refused, the subnet full, the node at its IP limit)"),
				  g->node);
	else
		nd_finding_remedy(r, f, _("free or add addresses in the CNI's IP pool for node %s"),
				  g->node);
}

static void report_group(struct nd_check_env *env, const struct group *g,
			 const struct stuck_pod *stuck)
{
	struct nd_report *r = env->r;
	const char *code = g->sig.exhausted ? "pod-ip-allocation-failed" : "pod-network-setup-failed";
	struct nd_finding *f = nd_finding_add(r, code, "Node", NULL, g->node);
	struct nd_val *pods = nd_val_arr(r);
	const struct stuck_pod *one = &stuck[g->first];

	for (size_t i = 0; i < g->n && i < MAX_LISTED; i++) {
		const struct stuck_pod *s = &stuck[g->first + i];
		struct nd_val *o = nd_arr_obj(r, pods);

		nd_obj_str(r, o, "pod", nd_report_printf(r, "%s/%s", s->p->m.ns, s->p->m.name));
		nd_obj_int(r, o, "events", s->count);
		nd_obj_str(r, o, "last_seen", nd_report_time(r, s->last->last));
	}
	nd_obj_str(r, f->evidence, "node", g->node);
	nd_obj_str(r, f->evidence, "cni", g->sig.cni);
	if (g->sig.exhausted)
		nd_obj_bool(r, f->evidence, "out_of_addresses", true);
	else
		nd_obj_str(r, f->evidence, "cause", g->sig.cause);
	if (g->plugin)
		nd_obj_str(r, f->evidence, "plugin", g->plugin);
	nd_obj_str(r, f->evidence, "matched", g->sig.match);
	nd_obj_int(r, f->evidence, "pods_count", (int64_t)g->n);
	nd_obj_put(r, f->evidence, "pods", pods);
	nd_obj_int(r, f->evidence, "events", g->events);
	nd_obj_str(r, f->evidence, "last_message", g->last->message);
	nd_obj_str(r, f->evidence, "last_seen", nd_report_time(r, g->last->last));

	if (g->sig.exhausted && g->n == 1)
		nd_finding_summary(r, f, _("pod %s/%s has no IP: %s on node %s is out of addresses "
					   "(%lld sandbox failures)"), one->p->m.ns, one->p->m.name,
				   g->sig.cni, g->node, (long long)g->events);
	else if (g->sig.exhausted)
		nd_finding_summary(r, f, _("%zu pods on node %s have no IP: %s is out of addresses "
					   "(%lld sandbox failures)"), g->n, g->node, g->sig.cni,
				   (long long)g->events);
	else if (g->n == 1)
		nd_finding_summary(r, f, _("pod %s/%s has no IP: %s failed to set up its network on "
					   "node %s (%s, %lld sandbox failures)"), one->p->m.ns,
				   one->p->m.name, g->sig.cni, g->node, g->sig.cause,
				   (long long)g->events);
	else
		nd_finding_summary(r, f, _("%zu pods on node %s have no IP: %s failed to set up their "
					   "network (%s, %lld sandbox failures)"), g->n, g->node,
				   g->sig.cni, g->sig.cause, (long long)g->events);
	if (g->sig.exhausted)
		exhausted_remedy(r, f, g);
	else
		cause_remedy(r, f, g);
	if (g->n == 1)
		nd_finding_command(r, f, "kubectl get events -n %s --field-selector "
				   "involvedObject.name=%s,reason=FailedCreatePodSandBox", one->p->m.ns,
				   one->p->m.name);
	else
		nd_finding_command(r, f, "kubectl get pods -A -o wide --field-selector "
				   "spec.nodeName=%s,status.phase=Pending", g->node);
	if (!g->sig.exhausted)
		return;
	if (strncmp(g->sig.cni, "azure", 5) == 0)
		nd_finding_command(r, f, "kubectl get nnc -n kube-system %s -o yaml", g->node);
	else
		nd_finding_command(r, f, "netdiag ipam --node %s", g->node);
}

static int cmp_stuck(const void *a, const void *b)
{
	const struct stuck_pod *x = a, *y = b;
	int c = strcmp(x->p->node, y->p->node);

	if (c)
		return c;
	if ((c = strcmp(x->p->m.ns, y->p->m.ns)) != 0)
		return c;
	return strcmp(x->p->m.name, y->p->m.name);
}

/*
 * The groups of stuck (sorted by node): the pods of one node with one cause,
 * in the order first seen. ordered receives the pods group after group;
 * each group's first and n index it. Returns the groups (malloc'd).
 */
static struct group *group_pods(const struct stuck_pod *stuck, size_t n,
				struct stuck_pod *ordered, size_t *ngroups)
{
	struct group *groups = NULL;
	bool *done = nd_xcalloc(n ? n : 1, sizeof(*done));
	size_t ng = 0, cap = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		struct group g;

		if (done[i])
			continue;
		memset(&g, 0, sizeof(g));
		g.node = stuck[i].p->node;
		g.sig = stuck[i].sig;
		g.plugin = stuck[i].plugin;
		g.first = k;
		for (size_t j = i; j < n && strcmp(stuck[j].p->node, g.node) == 0; j++) {
			if (done[j] || !same_cause(&g, &stuck[j]))
				continue;
			done[j] = true;
			ordered[k++] = stuck[j];
			g.n++;
			g.events += stuck[j].count;
			if (!g.last || stuck[j].last->last > g.last->last) {
				g.last = stuck[j].last;
				g.sig.match = stuck[j].sig.match;
			}
		}
		ND_GROW(groups, cap, ng + 1);
		groups[ng++] = g;
	}
	free(done);
	*ngroups = ng;
	return groups;
}

enum nd_check_status nd_check_pod_ip(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	struct stuck_pod *stuck = NULL, *ordered;
	struct group *groups;
	size_t i, n = 0, cap = 0, ng;

	if (!m->pods.n) {
		*why = _("no Pods in the source");
		return ND_CHECK_SKIP;
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];
		struct stuck_pod s;

		if (!waiting_for_ip(p))
			continue;
		if (env->scope.ns && strcmp(env->scope.ns, p->m.ns) != 0)
			continue;
		if (env->scope.pod && strcmp(env->scope.pod, p->m.name) != 0)
			continue;
		if (env->scope.node && strcmp(env->scope.node, p->node) != 0)
			continue;
		if (!read_events(m, p, &s))
			continue;
		if (s.sig.cause && strcmp(s.sig.cause, "plugin-not-found") == 0)
			s.plugin = missing_plugin(r, s.last->message);
		ND_GROW(stuck, cap, n + 1);
		stuck[n++] = s;
	}
	if (n > 1)
		qsort(stuck, n, sizeof(*stuck), cmp_stuck);
	ordered = nd_xcalloc(n ? n : 1, sizeof(*ordered));
	groups = group_pods(stuck, n, ordered, &ng);
	for (i = 0; i < ng; i++)
		report_group(env, &groups[i], ordered);
	if (ng)
		*why = nd_report_printf(r, _("%zu pods without an IP after sandbox failures, in %zu "
					     "finding(s) by node and cause"), n, ng);
	else
		*why = nd_report_printf(r, _("%zu pods without an IP after sandbox failures"), n);
	free(groups);
	free(ordered);
	free(stuck);
	return ND_CHECK_PASS;
}
