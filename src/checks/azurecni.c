/* SPDX-License-Identifier: MIT */
/*
 * S2 with Azure CNI dynamic IP allocation: each node's NodeNetworkConfig
 * says how many pod IPs CNS asked for (spec.requestedIPCount) and how many
 * it got (the networkContainers' ipAssignments), and CNS's scaler says when
 * it must ask for more (nd_cns_pool_eval). Findings:
 *   azure-cni-subnet-full       a network container's NCUpdateSubnetFullError
 *   azure-cni-nc-update-failed  another NCUpdate error (unauthorized, internal, failed)
 *   azure-cni-ip-shortage       the node's pods use every allocated IP while more are
 *                               requested or pods wait: said as pending, refused,
 *                               capped or not asked, each with its remedy
 *   azure-cni-ip-limit-reached  CNS holds maxIPCount IPs and pods still wait: it
 *                               will not ask for more
 * Overlay and static network containers are a fixed block per node, not a
 * pool: none of this applies to them.
 */
#include "checks/checks.h"

#include <string.h>

#include "aks/aks.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

struct node_pods {
	size_t live;       /* live pods with an IP */
	size_t held;       /* ... and terminated pods still carrying one */
	size_t waiting;    /* live pods with no IP whose sandbox failed on the pool */
};

static void count_pods(const struct nd_model *m, const char *node, struct node_pods *c)
{
	size_t n, i;
	const uint32_t *ix = nd_model_pods_on_node(m, node, &n);

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		const struct nd_pod *p = &m->pods.v[ix[i]];

		if (p->host_network)
			continue;
		if (nd_pod_is_live(p)) {
			if (p->nips) {
				c->live++;
				c->held++;
			} else if (!p->m.deleting && nd_pod_failed_for_ip(m, p)) {
				c->waiting++;
			}
		} else if (p->nips && nd_pod_is_terminated(p)) {
			c->held++;
		}
	}
}

static const char *ns_of(const struct nd_nnc *n)
{
	return n->m.ns ? n->m.ns : "kube-system";
}

/* The resource ID of the pod subnet named subnet (".../subnets/<subnet>") from the AKS
 * profile's pools, or the placeholder. */
static const char *pod_subnet_id(const struct nd_check_env *env, const char *subnet)
{
	for (size_t i = 0; subnet && env->aks && i < env->aks->npools; i++) {
		const char *id = env->aks->pools[i].pod_subnet_id;
		const char *tail = id ? strrchr(id, '/') : NULL;

		if (tail && tail - id >= 8 && strncmp(tail - 8, "/subnets", 8) == 0 &&
		    strcmp(tail + 1, subnet) == 0)
			return id;
	}
	return "<podSubnetId>";
}

static bool pool_nnc(const struct nd_nnc *n)
{
	for (uint32_t k = 0; k < n->nncs; k++) {
		const struct nd_nnc_nc *nc = &n->ncs[k];

		if ((nc->mode && strcmp(nc->mode, "static") == 0) ||
		    (nc->type && strcmp(nc->type, "overlay") == 0))
			return false;
	}
	return true;
}

static void subnet_full(struct nd_check_env *env, const struct nd_nnc *n,
			const struct nd_nnc_nc *nc, const struct nd_cns_pool *pool)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "azure-cni-subnet-full", "NodeNetworkConfig",
					      n->m.ns, n->m.name);

	nd_obj_str(r, f->evidence, "node", n->m.name);
	nd_obj_str(r, f->evidence, "subnet", nc->subnet_name);
	nd_obj_str(r, f->evidence, "subnet_cidr", nc->subnet_cidr);
	nd_obj_str(r, f->evidence, "nc_status", nc->status);
	nd_obj_int(r, f->evidence, "requested", n->requested);
	nd_obj_int(r, f->evidence, "allocated", pool->allocated);
	if (pool_nnc(n))
		nd_cns_pool_evidence(r, f->evidence, pool);
	nd_finding_summary(r, f, _("the pod subnet %s (%s) is full: node %s cannot get the pod IPs "
				   "it asked for"), nc->subnet_name ? nc->subnet_name : "?",
			   nc->subnet_cidr ? nc->subnet_cidr : "?", n->m.name);
	nd_finding_remedy(r, f, _("add address space: a new, larger pod subnet with a new node pool "
				  "on it (az aks nodepool add --pod-subnet-id ...), or free IPs by "
				  "scaling down"));
	nd_finding_command(r, f, "kubectl get nnc -n %s %s -o yaml", ns_of(n), n->m.name);
	/* the profile's pod subnet ID, else the NNC's own names: subscription, group, VNet, subnet */
	if (strcmp(pod_subnet_id(env, nc->subnet_name), "<podSubnetId>") == 0 && nc->subscription &&
	    nc->resource_group && nc->vnet && (nc->subnet_id || nc->subnet_name))
		nd_finding_command(r, f, "az network vnet subnet show --subscription %s -g %s "
				   "--vnet-name %s -n %s --query addressPrefix", nc->subscription,
				   nc->resource_group, nc->vnet,
				   nc->subnet_id ? nc->subnet_id : nc->subnet_name);
	else
		nd_finding_command(r, f, "az network vnet subnet show --ids %s --query addressPrefix",
				   pod_subnet_id(env, nc->subnet_name));
}

static void nc_update_failed(struct nd_check_env *env, const struct nd_nnc *n,
			     const struct nd_nnc_nc *nc, const struct nd_cns_pool *pool)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "azure-cni-nc-update-failed", "NodeNetworkConfig",
					      n->m.ns, n->m.name);
	const char *st = nc->status;

	nd_obj_str(r, f->evidence, "node", n->m.name);
	nd_obj_str(r, f->evidence, "nc_id", nc->id);
	nd_obj_str(r, f->evidence, "nc_status", st);
	nd_obj_str(r, f->evidence, "subnet", nc->subnet_name);
	nd_obj_int(r, f->evidence, "requested", n->requested);
	nd_obj_int(r, f->evidence, "allocated", pool->allocated);
	if (pool_nnc(n))
		nd_cns_pool_evidence(r, f->evidence, pool);
	nd_finding_summary(r, f, _("Azure refused to update the network container of node %s (%s): "
				   "CNS asked for %lld pod IPs and has %lld"), n->m.name, st,
			   (long long)n->requested, (long long)pool->allocated);
	if (strcmp(st, "NCUpdateUnauthorizedError") == 0) {
		nd_finding_remedy(r, f, _("the cluster's identity may not use the pod subnet %s: grant "
					  "it the Network Contributor role (or the "
					  "Microsoft.Network/virtualNetworks/subnets/join/action "
					  "permission) on the subnet"),
				  nc->subnet_name ? nc->subnet_name : "?");
		nd_finding_command(r, f, "az aks show -g %s -n %s --query identity.principalId -o tsv",
				   env->aks && env->aks->resource_group ? env->aks->resource_group
									: "<resource-group>",
				   env->aks && env->aks->name ? env->aks->name : "<cluster>");
		nd_finding_command(r, f, "az role assignment create --assignee <principalId> --role "
				   "\"Network Contributor\" --scope %s", pod_subnet_id(env, nc->subnet_name));
	} else if (strcmp(st, "NCUpdateInternalServerError") == 0) {
		nd_finding_remedy(r, f, _("an internal error of Azure's network control plane: it is "
					  "retried by itself; if the status stays, open a support "
					  "request with the network container id %s"),
				  nc->id ? nc->id : "?");
	} else {
		nd_finding_remedy(r, f, _("the network container update failed: read the azure-cns "
					  "logs of node %s and the NNC's status; open a support request "
					  "with the network container id %s if it persists"), n->m.name,
				  nc->id ? nc->id : "?");
		nd_finding_command(r, f, "kubectl logs -n kube-system -l k8s-app=azure-cns --tail=200");
	}
	nd_finding_command(r, f, "kubectl get nnc -n %s %s -o yaml", ns_of(n), n->m.name);
}

static void shortage(struct nd_check_env *env, const struct nd_nnc *n,
		     const struct node_pods *c, const struct nd_cns_pool *pool)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "azure-cni-ip-shortage", "NodeNetworkConfig",
					      n->m.ns, n->m.name);
	const char *st = pool->request;
	long long alloc = (long long)pool->allocated, req = (long long)n->requested;

	nd_obj_str(r, f->evidence, "node", n->m.name);
	nd_obj_int(r, f->evidence, "requested", n->requested);
	nd_obj_int(r, f->evidence, "allocated", pool->allocated);
	nd_obj_int(r, f->evidence, "pods_using", (int64_t)c->live);
	nd_obj_int(r, f->evidence, "free", pool->allocated - (int64_t)c->live);
	nd_obj_int(r, f->evidence, "pods_waiting", (int64_t)c->waiting);
	nd_obj_int(r, f->evidence, "max_ips", pool->max_ips);
	nd_cns_pool_evidence(r, f->evidence, pool);
	if (strcmp(st, "pending") == 0) {
		nd_finding_summary(r, f, _("node %s uses all %lld allocated pod IPs; CNS asked for "
					   "%lld and the request is pending: new pods wait for an IP"),
				   n->m.name, alloc, req);
		nd_finding_remedy(r, f, _("Azure is still allocating the IPs CNS asked for; if "
					  "requestedIPCount stays above the allocated count, look at "
					  "the network container's status and the azure-cns logs; "
					  "meanwhile spread the pods to other nodes"));
	} else if (strcmp(st, "refused") == 0) {
		nd_finding_summary(r, f, _("node %s uses all %lld allocated pod IPs and CNS's request "
					   "for %lld was refused (%s): new pods wait for an IP"),
				   n->m.name, alloc, req, pool->nc_status);
		nd_finding_remedy(r, f, _("fix the refusal first (the azure-cni-subnet-full or "
					  "azure-cni-nc-update-failed finding of this node)"));
	} else if (strcmp(st, "capped") == 0) {
		nd_finding_summary(r, f, _("node %s uses all %lld pod IPs CNS may hold (maxIPCount): "
					   "the node is at its pod limit and new pods wait for an IP"),
				   n->m.name, alloc);
		nd_finding_remedy(r, f, _("run the waiting pods on other nodes (scale the pool out), "
					  "or add a node pool with a higher --max-pods: maxPods cannot "
					  "be changed on an existing pool"));
	} else {
		nd_finding_summary(r, f, _("node %s uses all %lld allocated pod IPs and CNS has not "
					   "asked for more (requested %lld, though fewer than its minFree "
					   "of %lld are free): new pods wait for an IP"), n->m.name, alloc, req,
				   (long long)pool->min_free);
		nd_finding_remedy(r, f, _("CNS's pool monitor should have raised requestedIPCount to "
					  "%lld: check the azure-cns pod of node %s (running, its logs) "
					  "and restart it"), (long long)pool->next_request, n->m.name);
		nd_finding_command(r, f, "kubectl get pods -n kube-system -l k8s-app=azure-cns -o wide "
				   "--field-selector spec.nodeName=%s", n->m.name);
	}
	nd_finding_command(r, f, "kubectl get nnc -n %s %s -o wide", ns_of(n), n->m.name);
}

static void limit_reached(struct nd_check_env *env, const struct nd_nnc *n,
			  const struct node_pods *c, const struct nd_cns_pool *pool)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "azure-cni-ip-limit-reached", "NodeNetworkConfig",
					      n->m.ns, n->m.name);

	nd_obj_str(r, f->evidence, "node", n->m.name);
	nd_obj_int(r, f->evidence, "max_ips", pool->max_ips);
	nd_obj_int(r, f->evidence, "allocated", pool->allocated);
	nd_obj_int(r, f->evidence, "pods_using", (int64_t)c->live);
	nd_obj_int(r, f->evidence, "held_by_terminated_pods", (int64_t)(c->held - c->live));
	nd_obj_int(r, f->evidence, "pods_waiting", (int64_t)c->waiting);
	nd_cns_pool_evidence(r, f->evidence, pool);
	nd_finding_summary(r, f, _("node %s holds CNS's maximum of %lld pod IPs (maxIPCount): CNS "
				   "will not ask for more, so its %zu waiting pod(s) get an IP only "
				   "when one is freed (%zu running pods hold one)"), n->m.name,
			   (long long)pool->max_ips, c->waiting, c->live);
	nd_finding_remedy(r, f, _("free the IPs no running pod needs (see this node's "
				  "terminated-pods-hold-ips or ipam-leak finding); if the node really "
				  "runs that many pods, scale the pool out or add a node pool with a "
				  "higher --max-pods"));
	nd_finding_command(r, f, "kubectl get nnc -n %s %s -o wide", ns_of(n), n->m.name);
}


static void check_nnc(struct nd_check_env *env, const struct nd_nnc *n)
{
	struct nd_cns_pool pool;
	struct node_pods c;
	bool short_of;

	count_pods(env->m, n->m.name, &c);
	nd_cns_pool_eval(n, (int64_t)c.held, &pool);
	if (!pool.allocated)
		pool.allocated = n->assigned;
	for (uint32_t k = 0; k < n->nncs; k++) {
		const struct nd_nnc_nc *nc = &n->ncs[k];

		if (!nc->status || !*nc->status || strcmp(nc->status, "NCUpdateSuccess") == 0)
			continue;
		if (strcmp(nc->status, "NCUpdateSubnetFullError") == 0)
			subnet_full(env, n, nc, &pool);
		else
			nc_update_failed(env, n, nc, &pool);
	}
	if (!pool_nnc(n))
		return;
	/* every allocated IP in use, and either more asked for and not granted, or
	 * pods of the node waiting for one */
	short_of = (int64_t)c.live >= pool.allocated && (n->requested > pool.allocated || c.waiting);
	if (short_of)
		shortage(env, n, &c, &pool);
	else if (c.waiting && pool.requested >= pool.max_ips && pool.allocated >= pool.max_ips &&
		 pool.allocated - (int64_t)c.held < (int64_t)c.waiting)
		/* at the cap, and too few IPs left for the pods that wait */
		limit_reached(env, n, &c, &pool);
}

enum nd_check_status nd_check_azure_cni(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	size_t i;

	if (!m->nncs.n) {
		*why = _("no NodeNetworkConfig objects in the source (not Azure CNI dynamic IP "
			 "allocation, or 'kubectl get nnc -A' was not collected)");
		return ND_CHECK_SKIP;
	}
	for (i = 0; i < m->nncs.n; i++) {
		if (env->scope.node && strcmp(env->scope.node, m->nncs.v[i].m.name) != 0)
			continue;
		check_nnc(env, &m->nncs.v[i]);
	}
	*why = nd_report_printf(env->r, _("%zu NodeNetworkConfigs looked at"), m->nncs.n);
	return ND_CHECK_PASS;
}
