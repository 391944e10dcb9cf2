/* SPDX-License-Identifier: MIT */
/*
 * S2 on the nodes: compare each bundled host-local store with the pods of
 * its node. Every reserved IP is one of: held by a live pod (fine); held by
 * a pod that still exists but has terminated (terminated-pods-hold-ips);
 * held by no pod at all (ipam-leak). A store that is full is
 * ipam-pool-exhausted, whatever the reason.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "aks/aks.h"
#include "k8s/model.h"
#include "node/cni.h"
#include "node/hostlocal.h"
#include "node/azurevnet.h"
#include "node/nodeenv.h"
#include "node/source.h"
#include "core/banned.h"

#define MAX_LISTED 50

/* How many addresses host-local can hand out from a range. */
static uint64_t range_capacity(const struct nd_cni_range *rg, const struct nd_node *node,
			       struct nd_cidr *cout, const char **text, struct nd_arena *a)
{
	struct nd_cidr c;
	struct nd_ip start, end, gw;
	const char *subnet = rg->subnet;
	uint64_t size, first, last, cap;
	uint32_t i;

	if (rg->use_pod_cidr && node) {
		for (i = 0; i < node->npod_cidrs; i++) {
			struct nd_cidr pc;

			if (nd_cidr_parse(node->pod_cidrs[i], false, &pc) == 0 &&
			    (pc.ip.family == 6) == rg->pod_cidr_v6) {
				subnet = node->pod_cidrs[i];
				break;
			}
		}
	}
	if (!subnet || nd_cidr_parse(subnet, false, &c) < 0)
		return 0;
	*cout = c;
	size = nd_cidr_size(&c);
	if (size < 4 || size == UINT64_MAX)
		return 0;
	first = 1;
	last = c.ip.family == 4 ? size - 2 : size - 1;
	if (rg->start && nd_ip_parse(rg->start, &start) == 0) {
		for (i = 0; i < 64 && first < last; i++) {
			struct nd_ip x;

			if (nd_cidr_nth(&c, first, &x) == 0 && nd_ip_cmp(&x, &start) >= 0)
				break;
			first++;
		}
	}
	if (rg->end && nd_ip_parse(rg->end, &end) == 0) {
		struct nd_ip x;

		while (last > first && nd_cidr_nth(&c, last, &x) == 0 && nd_ip_cmp(&x, &end) > 0)
			last--;
	}
	cap = last - first + 1;
	/* the gateway (default: the first address) is never handed out */
	if (!rg->gateway || nd_ip_parse(rg->gateway, &gw) < 0)
		nd_cidr_nth(&c, 1, &gw);
	{
		struct nd_ip lo, hi;

		nd_cidr_nth(&c, first, &lo);
		nd_cidr_nth(&c, last, &hi);
		if (nd_ip_cmp(&gw, &lo) >= 0 && nd_ip_cmp(&gw, &hi) <= 0)
			cap--;
		{
			char b1[64], b2[64];

			nd_ip_format(&lo, b1, sizeof(b1));
			nd_ip_format(&hi, b2, sizeof(b2));
			*text = nd_arena_printf(a, "%s (%s-%s)", subnet, b1, b2);
		}
	}
	return cap;
}

enum nd_ipam_hold nd_ipam_classify(const struct nd_model *m, const char *node, const char *ip,
				   const struct nd_pod **pod)
{
	size_t nh, k;
	const uint32_t *hx = nd_model_pods_by_ip(m, ip, &nh);
	const struct nd_pod *term = NULL;

	*pod = NULL;
	for (k = 0; k < nh; k++) {
		const struct nd_pod *p = &m->pods.v[hx[k]];

		if (p->host_network || !p->node || strcmp(p->node, node) != 0)
			continue;
		if (nd_pod_is_live(p)) {
			*pod = p;
			return ND_HOLD_LIVE;
		}
		if (!term)
			term = p;
	}
	*pod = term;
	return term ? ND_HOLD_TERMINATED : ND_HOLD_NONE;
}

/* One host-local store of one node, wherever it was read from. */
struct store_view {
	const char *node;
	const char *network;
	const char *store_dir;
	const struct nd_cni_net *net;      /* NULL when no config named it */
	const struct nd_hl_store *st;
	const struct nd_sandboxes *sb;     /* on a node; NULL in a bundle */
	bool primary;                      /* the node's default network (podIPs list its IPs) */
	size_t unjudged;                   /* out: entries of another network not judged */
};

static void report_store(struct nd_check_env *env, struct store_view *v,
			 struct nd_arena *a)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	const struct nd_node *node = nd_model_node(m, v->node);
	const struct nd_hl_store *st = v->st;
	size_t i, running = 0, nleak = 0, nterm = 0, npods;
	const uint32_t *pix;
	struct nd_val *leaked = NULL, *held = NULL;
	struct nd_finding *fl = NULL, *ft = NULL;
	uint32_t ri;

	pix = nd_model_pods_on_node(m, v->node, &npods);
	for (i = 0; i < npods; i++) {
		const struct nd_pod *p = &m->pods.v[pix[i]];

		running += !p->host_network && p->nips && nd_pod_is_live(p);
	}
	for (i = 0; i < st->n; i++) {
		const struct nd_hl_entry *en = &st->entries[i];
		const struct nd_pod *pod;
		enum nd_ipam_hold h = nd_ipam_classify(m, v->node, en->ip, &pod);
		struct nd_val *o;

		if (h == ND_HOLD_LIVE)
			continue;
		/* an extra network's address is in no pod's status: only a sandbox that is
		 * gone proves it leaked, one still running holds it */
		if (h == ND_HOLD_NONE && !v->primary) {
			enum nd_sandbox sbs = v->sb ? nd_sandbox_state(v->sb, en->container_id)
						    : ND_SANDBOX_UNKNOWN;

			if (sbs == ND_SANDBOX_UNKNOWN)
				v->unjudged++;
			if (sbs != ND_SANDBOX_GONE)
				continue;
		}
		if (h == ND_HOLD_TERMINATED) {
			if (!ft) {
				ft = nd_finding_add(r, "terminated-pods-hold-ips", "Node", NULL, v->node);
				held = nd_val_arr(r);
			}
			if (nterm++ < MAX_LISTED) {
				o = nd_arr_obj(r, held);
				nd_obj_str(r, o, "ip", en->ip);
				nd_obj_str(r, o, "container_id", en->container_id);
				nd_obj_str(r, o, "pod", nd_report_printf(r, "%s/%s", pod->m.ns,
									 pod->m.name));
				nd_obj_str(r, o, "phase", pod->phase);
			}
			continue;
		}
		if (!fl) {
			fl = nd_finding_add(r, "ipam-leak", "Node", NULL, v->node);
			leaked = nd_val_arr(r);
		}
		if (nleak++ < MAX_LISTED) {
			o = nd_arr_obj(r, leaked);
			nd_obj_str(r, o, "ip", en->ip);
			nd_obj_str(r, o, "container_id", en->container_id);
			nd_obj_str(r, o, "reserved_at", nd_report_time(r, en->mtime));
			if (v->sb) {
				nd_obj_int(r, o, "age_seconds",
					   en->mtime && env->now > en->mtime ? env->now - en->mtime : 0);
				nd_obj_str(r, o, "sandbox",
					   nd_sandbox_name(nd_sandbox_state(v->sb, en->container_id)));
			}
		}
	}
	if (fl) {
		nd_obj_str(r, fl->evidence, "node", v->node);
		nd_obj_str(r, fl->evidence, "network", v->network);
		if (!v->primary)
			nd_obj_bool(r, fl->evidence, "default_network", false);
		nd_obj_str(r, fl->evidence, "store_dir", v->store_dir);
		nd_obj_int(r, fl->evidence, "reserved", (int64_t)st->n);
		nd_obj_int(r, fl->evidence, "running", (int64_t)running);
		nd_obj_int(r, fl->evidence, "leaked_count", (int64_t)nleak);
		nd_obj_put(r, fl->evidence, "leaked", leaked);
		if (v->sb) {
			nd_obj_str(r, fl->evidence, "sandbox_sources", v->sb->sources);
			if (v->sb->has_netns_dir)
				nd_obj_int(r, fl->evidence, "netns_count", (int64_t)v->sb->netns);
		}
		nd_finding_summary(r, fl, _("%zu of %zu addresses reserved in network '%s' on node "
					    "%s belong to no pod: the CNI plugin never released them"),
				   nleak, st->n, v->network, v->node);
		if (v->primary) {
			nd_finding_remedy(r, fl, _("free the leaked entries with 'netdiag ipam release' "
						   "on the node (it takes the store's lock and keeps a "
						   "journal); never delete the store by hand"));
			nd_finding_command(r, fl, "kubectl debug node/%s -it --image=<netdiag image> -- "
					   "netdiag ipam release --node-root /host --node %s", v->node,
					   v->node);
		} else {
			nd_finding_remedy(r, fl, _("'netdiag ipam release' frees only the node's default "
						   "network; the containers of these entries of network "
						   "'%s' are gone: drain and reboot the node, or remove the "
						   "entries while holding the store's lock, never by "
						   "deleting the store"), v->network);
			nd_finding_command(r, fl, "kubectl drain %s --ignore-daemonsets "
					   "--delete-emptydir-data", v->node);
		}
	}
	if (ft) {
		nd_obj_str(r, ft->evidence, "node", v->node);
		nd_obj_str(r, ft->evidence, "network", v->network);
		nd_obj_str(r, ft->evidence, "store_dir", v->store_dir);
		nd_obj_int(r, ft->evidence, "held_count", (int64_t)nterm);
		nd_obj_put(r, ft->evidence, "held", held);
		nd_finding_summary(r, ft, _("%zu address(es) on node %s are still held by pods that "
					    "have terminated: pods are created faster than finished "
					    "ones are collected"), nterm, v->node);
		nd_finding_remedy(r, ft, _("delete the finished pods (or lower the controller's "
					   "terminated-pod-gc-threshold; use Job ttlSecondsAfterFinished)"));
		nd_finding_command(r, ft, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Succeeded", v->node);
		nd_finding_command(r, ft, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Failed", v->node);
	}
	/* a full range */
	for (ri = 0; v->net && ri < v->net->nranges; ri++) {
		const char *text = NULL;
		struct nd_cidr c;
		uint64_t cap = range_capacity(&v->net->ranges[ri], node, &c, &text, a);
		size_t used = 0;

		if (!cap || !text)
			continue;
		for (i = 0; i < st->n; i++) {
			struct nd_ip ip;

			if (nd_ip_parse(st->entries[i].ip, &ip) == 0 && nd_cidr_contains(&c, &ip))
				used++;
		}
		if (used >= cap) {
			struct nd_finding *f = nd_finding_add(r, "ipam-pool-exhausted", "Node", NULL,
							      v->node);

			nd_obj_str(r, f->evidence, "node", v->node);
			nd_obj_str(r, f->evidence, "network", v->network);
			if (!v->primary)
				nd_obj_bool(r, f->evidence, "default_network", false);
			nd_obj_str(r, f->evidence, "range", text);
			nd_obj_int(r, f->evidence, "capacity", (int64_t)cap);
			nd_obj_int(r, f->evidence, "reserved", (int64_t)used);
			nd_obj_int(r, f->evidence, "leaked", (int64_t)nleak);
			nd_obj_int(r, f->evidence, "held_by_terminated_pods", (int64_t)nterm);
			nd_finding_summary(r, f, _("every address of %s on node %s is reserved (%zu "
						   "of %llu): new pods there cannot get an IP"),
					   text, v->node, used, (unsigned long long)cap);
			nd_finding_remedy(r, f, _("free leaked and terminated-pod addresses first; if "
						  "the node really runs that many pods, lower maxPods "
						  "or give nodes a larger pod CIDR"));
			nd_finding_command(r, f, "netdiag ipam --node %s", v->node);
		}
	}
}

/* One node of the source: each of its host-local stores against the pods of the node. */
static void check_node(struct nd_check_env *env, size_t i, struct nd_arena *a, size_t *stores,
		       size_t *errors, size_t *unjudged)
{
	struct nd_report *r = env->r;
	const char *name = nd_node_src_name(env->nodes, i);

	for (size_t k = 0;; k++) {
		const struct nd_cni_net *net;
		const char *netname, *store_dir;
		struct nd_hl_store st;
		struct nd_err e;
		struct store_view v;
		bool primary;
		int rc;

		rc = nd_node_src_hostlocal(env->nodes, i, k, a, &net, &netname, &primary,
					   &store_dir, &st, NULL, &e);
		if (rc == ND_NS_ABSENT)
			return;       /* no (more) host-local network: nothing to compare */
		if (rc == ND_NS_SKIP)
			continue;     /* configured, its store not copied */
		(*stores)++;
		if (rc == ND_NS_ERROR) {
			struct nd_finding *f = nd_finding_add(r, "bundle-load-error", "Node", NULL,
							      name);

			(*errors)++;
			nd_finding_summary(r, f, _("the host-local store of node %s cannot be trusted, "
						   "so it was not compared: %s"), name, e.msg);
			nd_obj_str(r, f->evidence, "file", store_dir);
			nd_obj_str(r, f->evidence, "error", e.msg);
			continue;
		}
		memset(&v, 0, sizeof(v));
		v.node = name;
		v.network = netname;
		v.store_dir = store_dir;
		v.net = net;
		v.st = &st;
		v.primary = primary;
		report_store(env, &v, a);
		*unjudged += v.unjudged;
	}
}

enum nd_check_status nd_check_ipam_stores(struct nd_check_env *env, const char **why)
{
	struct nd_report *r = env->r;
	struct nd_arena *a;
	size_t i, n, stores = 0, errors = 0, unjudged = 0;

	if (nd_node_src_is_local(env->nodes)) {
		*why = _("on a node: its live store is read instead of bundled copies");
		return ND_CHECK_SKIP;
	}
	a = nd_arena_new(64 * 1024);
	n = nd_node_src_count(env->nodes);
	for (i = 0; i < n; i++) {
		if (env->scope.node && strcmp(env->scope.node, nd_node_src_name(env->nodes, i)) != 0)
			continue;
		check_node(env, i, a, &stores, &errors, &unjudged);
	}
	nd_arena_free(a);
	if (!stores) {
		*why = _("no host-local store among the node files");
		return ND_CHECK_SKIP;
	}
	if (unjudged)
		*why = nd_report_printf(r, _("%zu host-local stores compared; %zu address(es) of "
					     "networks other than the default one not judged (pods' "
					     "status lists only the default network, and a bundle "
					     "has no sandbox state)"), stores, unjudged);
	else
		*why = nd_report_printf(r, _("%zu host-local stores compared"), stores);
	return errors ? ND_CHECK_ERROR : ND_CHECK_PASS;
}

/* On a node: it has a name, and the source knows it (else the comparison would lie). */
static const char *node_unknown(const struct nd_check_env *env)
{
	if (!env->scope.node)
		return nd_report_strdup(env->r, env->node_error ? env->node_error
						: _("the node's name is unknown (give --node)"));
	if (env->have_pods && !nd_model_node(env->m, env->scope.node) &&
	    !nd_model_pods_on_node(env->m, env->scope.node, &(size_t){0}))
		return nd_report_printf(env->r, _("node '%s' is neither a Node nor the node of any "
						  "pod in the source: wrong --node?"),
					env->scope.node);
	return NULL;
}

/* Azure CNI v1: addresses the state file marks InUse that no pod of the node holds. */
enum nd_check_status nd_check_azure_vnet(struct nd_check_env *env, const char **why)
{
	struct nd_report *r = env->r;
	struct nd_arena *a = nd_arena_new(64 * 1024);
	const char *path;
	struct nd_azv_state st;
	struct nd_azv_endpoints eps;
	struct nd_sandboxes sb;
	const char *eps_path = NULL;
	bool have_eps;
	struct nd_finding *f = NULL;
	struct nd_val *leaked = NULL;
	struct nd_err e;
	enum nd_check_status ret = ND_CHECK_PASS;
	size_t nleak = 0;
	int rc;

	rc = nd_node_src_azure_vnet(env->nodes, 0, a, &path, &st, &e);
	if (rc == ND_NS_ABSENT) {
		*why = _("no Azure CNI v1 state (var/run/azure-vnet-ipam.json) on the node");
		ret = ND_CHECK_SKIP;
		goto out;
	}
	if (rc == ND_NS_ERROR) {
		*why = nd_report_strdup(r, e.msg);
		ret = ND_CHECK_ERROR;
		goto out;
	}
	if ((*why = node_unknown(env)) != NULL) {
		ret = ND_CHECK_ERROR;
		goto out;
	}
	if (!env->have_pods) {
		*why = nd_report_printf(r, _("%zu of %zu addresses in use; no pod list to compare "
					     "with (give --snapshot)"), st.in_use, st.n);
		ret = ND_CHECK_SKIP;
		goto out;
	}
	have_eps = nd_azure_endpoints_of(env, env->scope.node, a, &eps_path, &eps, &sb);
	for (size_t i = 0; i < st.n; i++) {
		const struct nd_pod *pod;
		const struct nd_azv_endpoint *ep;

		if (!st.addrs[i].in_use ||
		    nd_ipam_classify(env->m, env->scope.node, st.addrs[i].addr, &pod) != ND_HOLD_NONE)
			continue;
		if (!f) {
			f = nd_finding_add(r, "ipam-leak", "Node", NULL, env->scope.node);
			leaked = nd_val_arr(r);
		}
		if (nleak++ < MAX_LISTED) {
			struct nd_val *o = nd_arr_obj(r, leaked);

			/* v1 IPAM often keeps no ID: azure-vnet.json names the container */
			ep = have_eps ? nd_azure_endpoint_by_ip(&eps, st.addrs[i].addr) : NULL;
			nd_obj_str(r, o, "ip", st.addrs[i].addr);
			nd_obj_str(r, o, "container_id", st.addrs[i].id && *st.addrs[i].id
								 ? st.addrs[i].id
								 : ep ? ep->container_id : st.addrs[i].id);
			if (ep && ep->pod_name && *ep->pod_name)
				nd_obj_str(r, o, "recorded_pod",
					   nd_report_printf(r, "%s/%s", ep->pod_ns ? ep->pod_ns : "?",
							    ep->pod_name));
			if (ep && sb.sources)
				nd_obj_str(r, o, "sandbox",
					   nd_sandbox_name(nd_sandbox_state(&sb, ep->container_id)));
			nd_obj_str(r, o, "pool", st.addrs[i].pool);
		}
	}
	if (f) {
		nd_obj_str(r, f->evidence, "node", env->scope.node);
		nd_obj_str(r, f->evidence, "network", "azure-vnet");
		nd_obj_str(r, f->evidence, "store_dir", path);
		nd_obj_int(r, f->evidence, "reserved", (int64_t)st.in_use);
		nd_obj_int(r, f->evidence, "leaked_count", (int64_t)nleak);
		nd_obj_put(r, f->evidence, "leaked", leaked);
		nd_finding_summary(r, f, _("%zu of %zu addresses Azure CNI marks in use on node %s "
					   "belong to no pod: the plugin never released them"),
				   nleak, st.in_use, env->scope.node);
		nd_finding_remedy(r, f, _("netdiag does not edit Azure CNI's state file; reimage "
					  "or replace the node, and open a support request with "
					  "the 'leaked' list if it comes back"));
		{
			const struct nd_node *n = nd_model_node(env->m, env->scope.node);
			struct nd_vmss_ref v;

			if (n && nd_aks_vmss_of(n->provider_id, &v))
				nd_finding_command(r, f, "az vmss reimage --subscription %s -g %s -n %s "
						   "--instance-ids %s", v.subscription, v.group, v.vmss,
						   v.instance);
			else
				nd_finding_command(r, f, "az vmss reimage --instance-ids <id> "
						   "-g <node-resource-group> -n <vmss>");
		}
	}
	*why = nd_report_printf(r, _("%zu addresses in use in %zu pools"), st.in_use, st.pools);
out:
	nd_arena_free(a);
	return ret;
}

/* On a node (--node-root): its live stores, with its live sandboxes. */
enum nd_check_status nd_check_node_ipam(struct nd_check_env *env, const char **why)
{
	struct nd_report *r = env->r;
	struct nd_sandboxes sb;
	struct nd_arena *a;
	enum nd_check_status ret = ND_CHECK_PASS;
	size_t reserved = 0, stores = 0, unjudged = 0;
	const char *first_dir = NULL;
	bool have_sb = false;

	if ((*why = node_unknown(env)) != NULL)
		return ND_CHECK_ERROR;
	a = nd_arena_new(64 * 1024);
	for (size_t k = 0;; k++) {
		const struct nd_cni_net *net;
		const char *netname, *store_dir, *absent;
		struct nd_hl_store st;
		struct store_view v;
		struct nd_err e;
		bool primary;
		int rc;

		rc = nd_node_src_hostlocal(env->nodes, 0, k, a, &net, &netname, &primary,
					   &store_dir, &st, &absent, &e);
		if (rc == ND_NS_ABSENT && k == 0) {
			*why = nd_report_strdup(r, absent ? absent : _("no host-local store on the node"));
			ret = ND_CHECK_SKIP;
			goto out;
		}
		if (rc == ND_NS_ABSENT)
			break;
		if (rc == ND_NS_SKIP)
			continue;
		if (rc == ND_NS_ERROR) {
			*why = nd_report_printf(r, _("the store was not compared: %s"), e.msg);
			ret = ND_CHECK_ERROR;
			goto out;
		}
		stores++;
		reserved += st.n;
		if (!first_dir)
			first_dir = store_dir;
		if (!env->have_pods)
			continue;
		if (!have_sb) {
			nd_node_src_sandboxes(env->nodes, 0, a, &sb);
			have_sb = true;
		}
		memset(&v, 0, sizeof(v));
		v.node = env->scope.node;
		v.network = netname;
		v.store_dir = store_dir;
		v.net = net;
		v.st = &st;
		v.sb = &sb;
		v.primary = primary;
		report_store(env, &v, a);
		unjudged += v.unjudged;
	}
	if (!stores) {
		*why = _("no host-local store on the node");
		ret = ND_CHECK_SKIP;
	} else if (!env->have_pods) {
		*why = nd_report_printf(r, _("%zu addresses reserved in '%s'; no pod list to compare "
					     "with (give --snapshot)"), reserved, first_dir);
		ret = ND_CHECK_SKIP;
	} else if (stores == 1) {
		*why = nd_report_printf(r, _("%zu addresses reserved in '%s'"), reserved, first_dir);
	} else {
		*why = nd_report_printf(r, _("%zu addresses reserved in %zu host-local stores"),
					reserved, stores);
	}
	if (unjudged && ret == ND_CHECK_PASS)
		*why = nd_report_printf(r, _("%s; %zu address(es) of other networks whose sandbox "
					     "state is unknown not judged"), *why, unjudged);
out:
	nd_arena_free(a);
	return ret;
}
