/* SPDX-License-Identifier: MIT */
/*
 * S2, Azure CNI dynamic IP allocation: the pod subnet's headroom, before it
 * runs out. Every node on a pod subnet takes its network container's
 * primary IP and the IPs CNS was allocated (the NodeNetworkConfigs'
 * ipAssignments); Azure keeps 5 addresses of every subnet. What is left is
 * compared with what the node pools on that subnet (the AKS profile's
 * agentPoolProfiles, by podSubnetId) may still ask for: a new node takes
 * one batch of IPs plus its primary, a node at maxPods maxPods + 1. The
 * warning is raised when a scale-out to the autoscaler's maximum or an
 * upgrade surge would not fit at the current batch size. A subnet an NC
 * already reports full is azure-cni-subnet-full's, not this check's.
 * Overlay and static network containers take no pod subnet IPs.
 */
#include "checks/checks.h"

#include <stdlib.h>
#include <string.h>

#include "aks/aks.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "core/num.h"
#include "k8s/model.h"
#include "core/banned.h"

#define AZURE_RESERVED_PER_SUBNET 5     /* network, gateway, 2 for DNS, broadcast */
#define ASSUMED_SURGE_NODES 1

struct subnet {
	const char *name;        /* subnetID, else subnetName */
	const char *cidr;
	size_t nodes;
	int64_t taken;           /* primary + allocated IPs of its nodes */
	int64_t batch, max_ips;  /* the scaler of its first node */
	bool full;               /* an NC on it says NCUpdateSubnetFullError */
	bool in_scope;           /* the scope's node (if any) is on it */
};

static bool pool_nc(const struct nd_nnc_nc *nc)
{
	return (!nc->mode || strcmp(nc->mode, "dynamic") == 0) &&
	       (!nc->type || strcmp(nc->type, "overlay") != 0);
}

static struct subnet *find(struct subnet *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Does the pool's podSubnetId name this subnet (".../subnets/<name>")? */
static bool pool_on(const struct nd_aks_pool *p, const char *subnet)
{
	const char *id = p->pod_subnet_id, *tail = id ? strrchr(id, '/') : NULL;

	return tail && tail - id >= 8 && strncmp(tail - 8, "/subnets", 8) == 0 &&
	       strcmp(tail + 1, subnet) == 0;
}

/* Nodes an upgrade adds at once: upgradeSettings.maxSurge, a count or a percentage of
 * the pool (rounded up); *assumed when the profile does not say. */
static int64_t surge_nodes(const struct nd_aks_pool *p, bool *assumed)
{
	const char *s = p->max_surge;
	int64_t v, count = p->count > 0 ? p->count : 0;
	size_t len;

	*assumed = false;
	if (s && (len = strlen(s)) > 1 && s[len - 1] == '%') {
		if (nd_parse_i64(s, len - 1, 0, 100, &v) == 0)
			return (count * v + 99) / 100 > 0 ? (count * v + 99) / 100 : 1;
	} else if (s && nd_parse_i64(s, strlen(s), 0, 1000, &v) == 0) {
		return v;
	}
	*assumed = true;
	return ASSUMED_SURGE_NODES;
}

/* The segment after key in an Azure resource ID ("/resourceGroups/" -> "rg-net"), or NULL. */
static const char *id_part(struct nd_report *r, const char *id, const char *key)
{
	const char *p = id ? strstr(id, key) : NULL;
	size_t n;

	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, "/");
	return n ? nd_report_printf(r, "%.*s", (int)n, p) : NULL;
}

static void judge(struct nd_check_env *env, const struct subnet *sn)
{
	const struct nd_aks_pool *on_pool = NULL;
	struct nd_report *r = env->r;
	struct nd_cidr c;
	int64_t usable, free_ips, per_new, per_full, max_pods = -1;
	int64_t more_nodes = 0, surge = 0, need_scale, need_surge;
	bool any_assumed = false, autoscaling = false;
	struct nd_val *pools = nd_val_arr(r);
	struct nd_finding *f;
	uint64_t size;

	if (sn->full || !sn->cidr || nd_cidr_parse(sn->cidr, false, &c) < 0)
		return;
	size = nd_cidr_size(&c);
	if (size <= AZURE_RESERVED_PER_SUBNET || size > (uint64_t)1 << 32)
		return;
	usable = (int64_t)size - AZURE_RESERVED_PER_SUBNET;
	free_ips = usable - sn->taken;
	per_new = sn->batch + 1;
	for (size_t i = 0; env->aks && i < env->aks->npools; i++) {
		const struct nd_aks_pool *p = &env->aks->pools[i];
		struct nd_val *o;
		bool assumed;
		int64_t s;

		if (!pool_on(p, sn->name))
			continue;
		if (!on_pool)
			on_pool = p;
		s = surge_nodes(p, &assumed);
		any_assumed |= assumed;
		surge += s;
		if (p->autoscaling == 1 && p->max_count > p->count && p->count >= 0) {
			more_nodes += p->max_count - p->count;
			autoscaling = true;
		}
		if (p->max_pods > max_pods)
			max_pods = p->max_pods;
		o = nd_arr_obj(r, pools);
		nd_obj_str(r, o, "name", p->name);
		nd_obj_int(r, o, "count", p->count);
		if (p->autoscaling == 1)
			nd_obj_int(r, o, "max_count", p->max_count);
		nd_obj_int(r, o, "max_pods", p->max_pods);
		nd_obj_str(r, o, "max_surge", p->max_surge);
		nd_obj_int(r, o, "surge_nodes", s);
	}
	if (!surge) {
		/* no pool of the profile is known to be on this subnet */
		surge = ASSUMED_SURGE_NODES;
		any_assumed = true;
	}
	per_full = (max_pods > 0 ? max_pods : sn->max_ips) + 1;
	need_scale = more_nodes * per_new;
	need_surge = surge * per_new;
	if (need_surge <= free_ips && need_scale <= free_ips)
		return;
	f = nd_finding_add(r, "azure-cni-subnet-headroom-low", "Subnet", NULL, sn->name);
	nd_obj_str(r, f->evidence, "subnet", sn->name);
	nd_obj_str(r, f->evidence, "subnet_cidr", sn->cidr);
	nd_obj_int(r, f->evidence, "usable", usable);
	nd_obj_int(r, f->evidence, "nodes", (int64_t)sn->nodes);
	nd_obj_int(r, f->evidence, "taken", sn->taken);
	nd_obj_int(r, f->evidence, "free", free_ips);
	nd_obj_int(r, f->evidence, "batch_size", sn->batch);
	nd_obj_int(r, f->evidence, "ips_per_new_node", per_new);
	nd_obj_int(r, f->evidence, "nodes_fit_at_batch", free_ips > 0 ? free_ips / per_new : 0);
	nd_obj_int(r, f->evidence, "ips_per_full_node", per_full);
	nd_obj_int(r, f->evidence, "nodes_fit_at_max_pods", free_ips > 0 ? free_ips / per_full : 0);
	if (autoscaling) {
		nd_obj_int(r, f->evidence, "autoscaler_more_nodes", more_nodes);
		nd_obj_int(r, f->evidence, "needed_for_autoscaler_max", need_scale);
	}
	nd_obj_int(r, f->evidence, "surge_nodes", surge);
	nd_obj_bool(r, f->evidence, "surge_assumed", any_assumed);
	nd_obj_int(r, f->evidence, "needed_for_surge", need_surge);
	if (env->aks)
		nd_obj_put(r, f->evidence, "pools", pools);
	if (need_surge > free_ips)
		nd_finding_summary(r, f, _("pod subnet %s (%s) has %lld free IPs: an upgrade surge of "
					   "%lld node(s) needs %lld at the batch size of %lld, so the "
					   "next upgrade or scale-out will fail on it"), sn->name,
				   sn->cidr, (long long)(free_ips > 0 ? free_ips : 0),
				   (long long)surge, (long long)need_surge, (long long)sn->batch);
	else
		nd_finding_summary(r, f, _("pod subnet %s (%s) has %lld free IPs, room for %lld more "
					   "node(s) at the batch size of %lld: the autoscaler's maximum "
					   "(%lld more) needs %lld"), sn->name, sn->cidr,
				   (long long)free_ips, (long long)(free_ips / per_new),
				   (long long)sn->batch, (long long)more_nodes, (long long)need_scale);
	nd_finding_remedy(r, f, _("give the pods more address space before it runs out: a larger "
				  "or an additional pod subnet in the VNet, with a new node pool on "
				  "it (existing pools keep their subnet), or lower the pools' "
				  "autoscaler maximum or max surge to what fits"));
	{
		const struct nd_aks_pool *p = on_pool;
		const char *pid = p ? p->pod_subnet_id : NULL;
		const char *vrg = id_part(r, pid, "/resourceGroups/"), *vnet = id_part(r, pid, "/virtualNetworks/");
		const char *cut = pid ? strstr(pid, "/subnets/") : NULL;
		const char *new_id = cut ? nd_report_printf(r, "%.*s/subnets/%s-2", (int)(cut - pid), pid,
							    sn->name)
					 : "<new-pod-subnet-id>";

		nd_finding_command(r, f, "az network vnet subnet create -g %s --vnet-name %s -n %s-2 "
				   "--address-prefixes <new-cidr>", vrg ? vrg : "<vnet-resource-group>",
				   vnet ? vnet : "<vnet>", sn->name);
		nd_finding_command(r, f, "az aks nodepool add -g %s --cluster-name %s -n <newpool> "
				   "--pod-subnet-id %s --vnet-subnet-id %s",
				   env->aks && env->aks->resource_group ? env->aks->resource_group
									: "<resource-group>",
				   env->aks && env->aks->name ? env->aks->name : "<cluster>", new_id,
				   p && p->vnet_subnet_id ? p->vnet_subnet_id : "<node-subnet-id>");
	}
}

enum nd_check_status nd_check_azure_cni_subnet(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	struct subnet *v = NULL;
	size_t n = 0, cap = 0;

	if (!m->nncs.n) {
		*why = _("no NodeNetworkConfig objects in the source (not Azure CNI dynamic IP "
			 "allocation, or 'kubectl get nnc -A' was not collected)");
		return ND_CHECK_SKIP;
	}
	for (size_t i = 0; i < m->nncs.n; i++) {
		const struct nd_nnc *nnc = &m->nncs.v[i];

		for (uint32_t k = 0; k < nnc->nncs; k++) {
			const struct nd_nnc_nc *nc = &nnc->ncs[k];
			const char *name = nc->subnet_id ? nc->subnet_id : nc->subnet_name;
			struct subnet *s;

			if (!pool_nc(nc) || !name)
				continue;
			s = find(v, n, name);
			if (!s) {
				ND_GROW(v, cap, n + 1);
				s = &v[n++];
				memset(s, 0, sizeof(*s));
				s->name = name;
				s->cidr = nc->subnet_cidr;
				s->batch = nnc->batch > 0 ? nnc->batch : 1;
				s->max_ips = nnc->max_ips > 0 ? nnc->max_ips : 250;
			}
			s->nodes++;
			s->in_scope |= !env->scope.node || strcmp(env->scope.node, nnc->m.name) == 0;
			s->taken += (int64_t)nc->nassigned + (nc->primary_ip ? 1 : 0);
			if (nc->status && strcmp(nc->status, "NCUpdateSubnetFullError") == 0)
				s->full = true;
		}
	}
	if (!n) {
		*why = _("no dynamic pod subnet: the network containers are overlay or static");
		return ND_CHECK_SKIP;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].in_scope)
			judge(env, &v[i]);
	*why = nd_report_printf(env->r, _("%zu pod subnet(s) measured%s"), n,
				env->aks ? "" : _(" (no AKS profile: pools, autoscaler and surge "
						  "unknown, one surge node assumed)"));
	free(v);
	return ND_CHECK_PASS;
}
