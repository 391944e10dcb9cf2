/* SPDX-License-Identifier: MIT */
/*
 * S3: kube-proxy must run, ready, on every node its DaemonSet targets
 * (decided as the DaemonSet controller decides, k8s/sched.h: nodeSelector,
 * required node affinity, taints against the template's tolerations plus
 * the controller's own), unless Cilium replaces it (AKS's Azure CNI powered by Cilium has no
 * kube-proxy DaemonSet at all).
 */
#include "checks/checks.h"

#include <string.h>

#include "core/i18n.h"
#include "k8s/model.h"
#include "k8s/sched.h"
#include "core/banned.h"

static bool is_kube_proxy_pod(const struct nd_pod *p)
{
	const char *c, *k;

	/* the namespace first: it rules out nearly every pod of a large cluster
	 * before its labels are looked up */
	if (!p->m.ns || strcmp(p->m.ns, "kube-system") != 0)
		return false;
	c = nd_labels_get(&p->m.labels, "component");
	k = nd_labels_get(&p->m.labels, "k8s-app");
	if ((c && strcmp(c, "kube-proxy") == 0) || (k && strcmp(k, "kube-proxy") == 0))
		return true;
	if (p->m.owner_kind && strcmp(p->m.owner_kind, "DaemonSet") == 0 && p->m.owner_name &&
	    strncmp(p->m.owner_name, "kube-proxy", 10) == 0)
		return true;
	/* static pods (kubeadm, some distributions): kube-proxy-<node> */
	return strncmp(p->m.name, "kube-proxy-", 11) == 0;
}

static const struct nd_daemonset *find_ds(const struct nd_model *m, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < m->daemonsets.n; i++) {
		const struct nd_daemonset *d = &m->daemonsets.v[i];

		if (d->m.ns && strcmp(d->m.ns, "kube-system") == 0 &&
		    strncmp(d->m.name, prefix, n) == 0 && (!d->m.name[n] || d->m.name[n] == '-'))
			return d;
	}
	return NULL;
}

/* Cilium with its kube-proxy replacement: an agent DaemonSet, or agent pods. */
static bool cilium_present(const struct nd_model *m)
{
	size_t i;

	if (find_ds(m, "cilium"))
		return true;
	for (i = 0; i < m->pods.n; i++) {
		const char *k = nd_labels_get(&m->pods.v[i].m.labels, "k8s-app");

		if (k && strcmp(k, "cilium") == 0)
			return true;
	}
	return false;
}

/*
 * Whether kube-proxy belongs on node n: the DaemonSet controller's own
 * predicates (k8s/sched.h); with no DaemonSet to tell (static pods), every
 * Linux node (Windows runs its own proxy).
 */
static bool node_selected(const struct nd_daemonset *ds, const struct nd_node *n)
{
	struct nd_place_verdict v;

	if (!ds)
		return !n->os || strcmp(n->os, "windows") != 0;
	nd_daemon_should_run(&ds->place, n, &v);
	return v.should_run;
}

enum nd_check_status nd_check_kube_proxy(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	const struct nd_daemonset *ds = find_ds(m, "kube-proxy");
	size_t i, kp_pods = 0, ks_pods = 0, nodes = 0, elsewhere = 0;

	for (i = 0; i < m->pods.n; i++) {
		kp_pods += is_kube_proxy_pod(&m->pods.v[i]);
		ks_pods += m->pods.v[i].m.ns && strcmp(m->pods.v[i].m.ns, "kube-system") == 0;
	}
	if (!ds && !kp_pods && cilium_present(m)) {
		*why = _("Cilium replaces kube-proxy in this cluster: no kube-proxy rules are "
			 "expected");
		return ND_CHECK_SKIP;
	}
	if (!m->nodes.n) {
		*why = _("no Nodes in the source");
		return ND_CHECK_SKIP;
	}
	if (!ds && !ks_pods) {
		*why = _("no kube-system pods or DaemonSets in the source");
		return ND_CHECK_SKIP;
	}
	for (i = 0; i < m->nodes.n; i++) {
		const struct nd_node *n = &m->nodes.v[i];
		const struct nd_pod *found = NULL;
		size_t np, k;
		const uint32_t *ix;
		struct nd_finding *f;
		bool ready = false;

		if (env->scope.node && strcmp(env->scope.node, n->m.name) != 0)
			continue;
		if (!node_selected(ds, n)) {
			elsewhere++;
			continue;
		}
		nodes++;
		ix = nd_model_pods_on_node(m, n->m.name, &np);
		for (k = 0; k < np; k++) {
			const struct nd_pod *p = &m->pods.v[ix[k]];

			if (!is_kube_proxy_pod(p) || nd_pod_is_terminated(p))
				continue;
			found = p;
			if (p->ready) {
				ready = true;
				break;
			}
		}
		if (ready)
			continue;
		f = nd_finding_add(r, "kube-proxy-not-running", "Node", NULL, n->m.name);
		nd_obj_str(r, f->evidence, "node", n->m.name);
		nd_obj_str(r, f->evidence, "daemonset",
			   ds ? nd_report_printf(r, "%s/%s", ds->m.ns, ds->m.name) : NULL);
		nd_obj_str(r, f->evidence, "pod", found ? found->m.name : NULL);
		nd_obj_bool(r, f->evidence, "node_ready", n->ready);
		if (found) {
			const char *cause = nd_report_printf(r, _("kube-proxy pod %s is not ready "
								"(phase %s%s%s)"), found->m.name,
							   found->phase ? found->phase : "?",
							   found->waiting ? ", " : "",
							   found->waiting ? found->waiting : "");

			nd_obj_str(r, f->evidence, "reason", cause);
			nd_finding_summary(r, f, _("%s: Services do not work from pods on this node"),
					   cause);
			nd_finding_command(r, f, "kubectl describe pod -n kube-system %s",
					   found->m.name);
			nd_finding_command(r, f, "kubectl logs -n kube-system %s", found->m.name);
		} else {
			nd_obj_str(r, f->evidence, "reason", _("no kube-proxy pod on the node"));
			nd_finding_summary(r, f, _("no kube-proxy pod runs on node %s: Service "
						   "ClusterIPs do not work from pods on it"),
					   n->m.name);
			nd_finding_command(r, f, "kubectl get pods -n kube-system -o wide "
					   "--field-selector spec.nodeName=%s", n->m.name);
			if (ds)
				nd_finding_command(r, f, "kubectl describe daemonset -n kube-system %s",
						   ds->m.name);
		}
		if (found)
			nd_finding_remedy(r, f, _("get kube-proxy ready on the node (the pod's events "
						  "and logs say why it is not); on AKS a node image "
						  "upgrade or a reimage restores it"));
		else
			nd_finding_remedy(r, f, _("the DaemonSet places a pod on this node (it fits the "
						  "node selector, the node affinity and the tolerations) "
						  "but none runs: the DaemonSet's events say why it was "
						  "not created (an admission webhook, a quota); on AKS a "
						  "node image upgrade or a reimage restores it"));
	}
	*why = elsewhere ? nd_report_printf(r, _("%zu nodes looked at; %zu where the DaemonSet "
						 "places no pod"), nodes, elsewhere)
			 : nd_report_printf(r, _("%zu nodes looked at"), nodes);
	return ND_CHECK_PASS;
}
