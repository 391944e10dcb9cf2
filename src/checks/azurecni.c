/* SPDX-License-Identifier: MIT */
/*
 * S2 with Azure CNI dynamic IP allocation: each node's NodeNetworkConfig
 * says how many pod IPs CNS asked for (spec.requestedIPCount) and how many
 * it got (the networkContainers' ipAssignments). NCUpdateSubnetFullError is
 * the pod subnet being full; a node whose pods use every allocated IP while
 * more are requested and not granted is short of IPs.
 */
#include "checks/checks.h"

#include <string.h>

#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

static size_t pods_using(const struct nd_model *m, const char *node, size_t *waiting)
{
	size_t n, i, used = 0;
	const uint32_t *ix = nd_model_pods_on_node(m, node, &n);

	*waiting = 0;
	for (i = 0; i < n; i++) {
		const struct nd_pod *p = &m->pods.v[ix[i]];

		if (p->host_network || !nd_pod_is_live(p))
			continue;
		if (p->nips)
			used++;
		else if (!p->m.deleting)
			(*waiting)++;
	}
	return used;
}

enum nd_check_status nd_check_azure_cni(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	size_t i;

	if (!m->nncs.n) {
		*why = _("no NodeNetworkConfig objects in the source (not Azure CNI dynamic IP "
			 "allocation, or 'kubectl get nnc -A' was not collected)");
		return ND_CHECK_SKIP;
	}
	for (i = 0; i < m->nncs.n; i++) {
		const struct nd_nnc *n = &m->nncs.v[i];
		int64_t allocated = 0;
		size_t waiting, used;
		uint32_t k;
		const struct nd_nnc_nc *full = NULL;
		bool is_static = false;

		if (env->scope.node && strcmp(env->scope.node, n->m.name) != 0)
			continue;
		for (k = 0; k < n->nncs; k++) {
			allocated += n->ncs[k].nassigned;
			if (n->ncs[k].status && strcmp(n->ncs[k].status, "NCUpdateSubnetFullError") == 0)
				full = &n->ncs[k];
			if (n->ncs[k].mode && strcmp(n->ncs[k].mode, "static") == 0)
				is_static = true;
		}
		if (!allocated || is_static)
			allocated = n->assigned;
		used = pods_using(m, n->m.name, &waiting);
		if (full) {
			struct nd_finding *f = nd_finding_add(r, "azure-cni-subnet-full",
							      "NodeNetworkConfig", n->m.ns, n->m.name);

			nd_obj_str(r, f->evidence, "node", n->m.name);
			nd_obj_str(r, f->evidence, "subnet", full->subnet_name);
			nd_obj_str(r, f->evidence, "subnet_cidr", full->subnet_cidr);
			nd_obj_str(r, f->evidence, "nc_status", full->status);
			nd_obj_int(r, f->evidence, "requested", n->requested);
			nd_obj_int(r, f->evidence, "allocated", allocated);
			nd_finding_summary(r, f, _("the pod subnet %s (%s) is full: node %s cannot get "
						   "the pod IPs it asked for"),
					   full->subnet_name ? full->subnet_name : "?",
					   full->subnet_cidr ? full->subnet_cidr : "?", n->m.name);
			nd_finding_remedy(r, f, _("add address space: a new, larger pod subnet with a "
						  "new node pool on it (az aks nodepool add "
						  "--pod-subnet-id ...), or free IPs by scaling down"));
			nd_finding_command(r, f, "kubectl get nnc -n %s %s -o yaml",
					   n->m.ns ? n->m.ns : "kube-system", n->m.name);
			/* the NNC names the subnet: its subscription, group, VNet and name */
			if (full->subscription && full->resource_group && full->vnet &&
			    (full->subnet_id || full->subnet_name))
				nd_finding_command(r, f, "az network vnet subnet show --subscription %s "
						   "-g %s --vnet-name %s -n %s --query addressPrefix",
						   full->subscription, full->resource_group, full->vnet,
						   full->subnet_id ? full->subnet_id : full->subnet_name);
			else
				nd_finding_command(r, f, "az network vnet subnet show --ids <podSubnetId> "
						   "--query addressPrefix");
		}
		/* every allocated IP in use, and either more asked for and not
		 * granted, or pods of the node waiting for one */
		if (!is_static && (int64_t)used >= allocated &&
		    (n->requested > allocated || waiting)) {
			struct nd_finding *f = nd_finding_add(r, "azure-cni-ip-shortage",
							      "NodeNetworkConfig", n->m.ns, n->m.name);

			nd_obj_str(r, f->evidence, "node", n->m.name);
			nd_obj_int(r, f->evidence, "requested", n->requested);
			nd_obj_int(r, f->evidence, "allocated", allocated);
			nd_obj_int(r, f->evidence, "pods_using", (int64_t)used);
			nd_obj_int(r, f->evidence, "free", allocated - (int64_t)used);
			nd_obj_int(r, f->evidence, "pods_waiting", (int64_t)waiting);
			if (n->max_ips)
				nd_obj_int(r, f->evidence, "max_ips", n->max_ips);
			nd_finding_summary(r, f, _("node %s uses all %lld allocated pod IPs and CNS's "
						   "request for %lld is not granted: new pods wait "
						   "for an IP"), n->m.name, (long long)allocated,
					   (long long)n->requested);
			nd_finding_remedy(r, f, _("see why the allocation is not granted (subnet full, "
						  "NC update errors in the NNC status); add pod subnet "
						  "space or spread pods to other nodes"));
			nd_finding_command(r, f, "kubectl get nnc -n %s %s -o wide",
					   n->m.ns ? n->m.ns : "kube-system", n->m.name);
		}
	}
	*why = nd_report_printf(r, _("%zu NodeNetworkConfigs looked at"), m->nncs.n);
	return ND_CHECK_PASS;
}
