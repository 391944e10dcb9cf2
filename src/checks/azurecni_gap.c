/* SPDX-License-Identifier: MIT */
/*
 * S2, Azure CNI dynamic IP allocation: the IPs CNS allocated to a node (its
 * NodeNetworkConfig's ipAssignments) that no running pod holds, while pods
 * on that node wait for an IP. That gap is the AKS guide's example (32
 * allocated, 21 running pod IPs, pods in ContainerCreating on "not enough
 * IPs available"): the plugin did not release them (cause 1, ipam-leak) or
 * terminated pods still hold them while pod GC lags (cause 2,
 * terminated-pods-hold-ips). Without a pod waiting on the pool (its sandbox
 * failed on an out-of-addresses message) the unheld IPs are CNS's free
 * buffer, not a problem. Overlay and static network containers are
 * not a pool (a /24 per node) and are not judged here.
 */
#include "checks/checks.h"

#include <string.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "node/azurevnet.h"
#include "node/nodeenv.h"
#include "core/banned.h"

#define MAX_LISTED 50

/* The pod of node that carries ip, or NULL; hostNetwork pods use the node's IP. */
static const struct nd_pod *holder(const struct nd_model *m, const uint32_t *ix, size_t n,
				   const char *ip)
{
	for (size_t i = 0; i < n; i++) {
		const struct nd_pod *p = &m->pods.v[ix[i]];

		if (p->host_network)
			continue;
		for (uint32_t k = 0; k < p->nips; k++)
			if (p->ips[k] && strcmp(p->ips[k], ip) == 0)
				return p;
	}
	return NULL;
}

static bool pool_nc(const struct nd_nnc_nc *nc)
{
	return nc->ips && (!nc->mode || strcmp(nc->mode, "dynamic") == 0) &&
	       (!nc->type || strcmp(nc->type, "overlay") != 0);
}

/* What the node's endpoint state says of ip: its container, the pod it was made for, and,
 * on the node, whether that container's sandbox is still there. */
static void add_container(struct nd_report *r, struct nd_val *o, const struct nd_azv_endpoints *eps,
			  const struct nd_sandboxes *sb, const char *ip)
{
	const struct nd_azv_endpoint *ep = nd_azure_endpoint_by_ip(eps, ip);

	if (!eps)
		return;
	nd_obj_str(r, o, "container_id", ep ? ep->container_id : NULL);
	if (ep && ep->pod_name && *ep->pod_name)
		nd_obj_str(r, o, "recorded_pod", nd_report_printf(r, "%s/%s",
								  ep->pod_ns ? ep->pod_ns : "?",
								  ep->pod_name));
	if (ep && sb && sb->sources)
		nd_obj_str(r, o, "sandbox", nd_sandbox_name(nd_sandbox_state(sb, ep->container_id)));
}

static void check_node(struct nd_check_env *env, const struct nd_nnc *nnc, struct nd_arena *a)
{
	struct nd_azv_endpoints epsv;
	struct nd_sandboxes sb;
	const char *state_path = NULL;
	const struct nd_azv_endpoints *eps = NULL;
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	const char *node = nnc->m.name;
	const uint32_t *ix;
	size_t n, allocated = 0, held = 0, nterm = 0, nleak = 0;
	struct nd_val *waiting = nd_val_arr(r), *term = nd_val_arr(r), *leak = nd_val_arr(r);
	size_t nwait = 0;
	struct nd_cns_pool pool;

	if (nd_azure_endpoints_of(env, node, a, &state_path, &epsv, &sb))
		eps = &epsv;
	ix = nd_model_pods_on_node(m, node, &n);
	for (size_t i = 0; i < n; i++) {
		const struct nd_pod *p = &m->pods.v[ix[i]];

		if (p->host_network || p->nips || !nd_pod_is_live(p) || p->m.deleting ||
		    !nd_pod_failed_for_ip(m, p))
			continue;
		if (nwait++ < MAX_LISTED)
			nd_arr_str(r, waiting, nd_report_printf(r, "%s/%s", p->m.ns, p->m.name));
	}
	for (uint32_t c = 0; c < nnc->nncs; c++) {
		const struct nd_nnc_nc *nc = &nnc->ncs[c];

		if (!pool_nc(nc))
			continue;
		for (uint32_t k = 0; k < nc->nassigned; k++) {
			const struct nd_pod *p;
			struct nd_val *o;

			if (!nc->ips[k])
				continue;
			allocated++;
			p = holder(m, ix, n, nc->ips[k]);
			if (p && !nd_pod_is_terminated(p)) {
				held++;
			} else if (p) {
				if (nterm++ < MAX_LISTED) {
					o = nd_arr_obj(r, term);
					nd_obj_str(r, o, "ip", nc->ips[k]);
					nd_obj_str(r, o, "pod", nd_report_printf(r, "%s/%s", p->m.ns,
										 p->m.name));
					nd_obj_str(r, o, "phase", p->phase);
					add_container(r, o, eps, &sb, nc->ips[k]);
				}
			} else if (nleak++ < MAX_LISTED) {
				o = nd_arr_obj(r, leak);
				nd_obj_str(r, o, "ip", nc->ips[k]);
				nd_obj_str(r, o, "assignment", nc->ip_names[k]);
				add_container(r, o, eps, &sb, nc->ips[k]);
			}
		}
	}
	/* no pod waits: the IPs nobody holds are the pool's free buffer */
	if (!allocated || !nwait || (!nterm && !nleak))
		return;
	nd_cns_pool_eval(nnc, (int64_t)(held + nterm), &pool);
	if (nterm) {
		struct nd_finding *f = nd_finding_add(r, "terminated-pods-hold-ips", "NodeNetworkConfig",
						      nnc->m.ns, node);

		nd_obj_str(r, f->evidence, "node", node);
		nd_obj_str(r, f->evidence, "network", "azure-cni");
		nd_obj_int(r, f->evidence, "allocated", (int64_t)allocated);
		nd_obj_int(r, f->evidence, "running", (int64_t)held);
		nd_obj_int(r, f->evidence, "held_count", (int64_t)nterm);
		nd_obj_put(r, f->evidence, "held", term);
		nd_obj_int(r, f->evidence, "pods_waiting", (int64_t)nwait);
		nd_obj_put(r, f->evidence, "waiting", waiting);
		nd_obj_str(r, f->evidence, "store_dir", state_path);
		nd_cns_pool_evidence(r, f->evidence, &pool);
		nd_finding_summary(r, f, _("node %s: %zu of the %zu IPs Azure CNS allocated are held by "
					   "terminated pods while %zu pod(s) wait for an IP (pod "
					   "garbage collection lags)"), node, nterm, allocated, nwait);
		nd_finding_remedy(r, f, _("delete the terminated pods so their IPs return to the pool; "
					  "lower the kube-controller-manager's "
					  "--terminated-pod-gc-threshold (on AKS: clean up finished Jobs "
					  "with ttlSecondsAfterFinished)"));
		nd_finding_command(r, f, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Succeeded", node);
		nd_finding_command(r, f, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Failed", node);
	}
	if (nleak) {
		struct nd_finding *f = nd_finding_add(r, "ipam-leak", "NodeNetworkConfig", nnc->m.ns,
						      node);

		nd_obj_str(r, f->evidence, "node", node);
		nd_obj_str(r, f->evidence, "network", "azure-cni");
		nd_obj_int(r, f->evidence, "reserved", (int64_t)allocated);
		nd_obj_int(r, f->evidence, "running", (int64_t)held);
		nd_obj_int(r, f->evidence, "leaked_count", (int64_t)nleak);
		nd_obj_put(r, f->evidence, "leaked", leak);
		nd_obj_int(r, f->evidence, "pods_waiting", (int64_t)nwait);
		if (!nterm)
			nd_obj_put(r, f->evidence, "waiting", waiting);
		nd_obj_str(r, f->evidence, "store_dir", state_path);
		nd_cns_pool_evidence(r, f->evidence, &pool);
		nd_finding_summary(r, f, _("node %s: %zu of the %zu IPs Azure CNS allocated belong to "
					   "no pod while %zu pod(s) wait for an IP: the plugin did not "
					   "release them"), node, nleak, allocated, nwait);
		nd_finding_remedy(r, f, _("CNS still counts these IPs as in use: restart azure-cns on "
					  "the node (its DaemonSet pod) so it reconciles with the pods, "
					  "or reimage the node; open a support request with the "
					  "'leaked' list if it comes back"));
		nd_finding_command(r, f, "kubectl delete pod -n kube-system -l k8s-app=azure-cns "
				   "--field-selector spec.nodeName=%s", node);
	}
}

enum nd_check_status nd_check_azure_cni_gap(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	struct nd_arena *a;
	size_t nodes = 0;

	if (!m->nncs.n) {
		*why = _("no NodeNetworkConfig objects in the source (not Azure CNI dynamic IP "
			 "allocation, or 'kubectl get nnc -A' was not collected)");
		return ND_CHECK_SKIP;
	}
	a = nd_arena_new(64 * 1024);
	for (size_t i = 0; i < m->nncs.n; i++) {
		const struct nd_nnc *nnc = &m->nncs.v[i];

		if (env->scope.node && strcmp(env->scope.node, nnc->m.name) != 0)
			continue;
		nodes++;
		check_node(env, nnc, a);
	}
	nd_arena_free(a);
	*why = nd_report_printf(env->r, _("%zu nodes' allocated IPs compared with their pods"),
				nodes);
	return ND_CHECK_PASS;
}
