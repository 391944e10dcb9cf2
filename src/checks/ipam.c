/* SPDX-License-Identifier: MIT */
/*
 * S2 on the nodes: compare each bundled host-local store with the pods of
 * its node. Every reserved IP is one of: held by a live pod (fine); held by
 * a pod that still exists but has terminated (terminated-pods-hold-ips);
 * held by no pod at all (ipam-leak). A store that is full is
 * ipam-pool-exhausted, whatever the reason.
 */
#include "checks/checks.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "k8s/bundle.h"
#include "k8s/model.h"
#include "node/cni.h"
#include "node/hostlocal.h"
#include "core/banned.h"

#define MAX_LISTED 50

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *rfc3339(struct nd_report *r, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];

	if (!t || !gmtime_r(&tt, &tm))
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return nd_report_strdup(r, buf);
}

/* The name of the only sub-folder of dir, or NULL. */
static const char *only_subdir(struct nd_arena *a, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	const char *found = NULL;
	int n = 0;

	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = nd_arena_printf(a, "%s/%s", dir, de->d_name);
		if (is_dir(p)) {
			found = nd_arena_strdup(a, de->d_name);
			n++;
		}
	}
	closedir(d);
	return n == 1 ? found : NULL;
}

/* The host-local network of a node: from its net.d, else the only store folder. */
static const struct nd_cni_net *find_network(struct nd_arena *a, const char *nodedir,
					     const char **netname, char **why)
{
	char *netd = nd_arena_printf(a, "%s/cni/net.d", nodedir);
	struct nd_cni_net *nets = NULL;
	char **errs = NULL;
	size_t n = 0, nerr = 0, i;
	struct nd_err e;

	*netname = NULL;
	*why = NULL;
	if (is_dir(netd) && nd_cni_load_dir(netd, a, &nets, &n, &errs, &nerr, &e) == 0) {
		for (i = 0; i < n; i++) {
			if (nets[i].ipam_type && strcmp(nets[i].ipam_type, "host-local") == 0) {
				*netname = nets[i].name;
				return &nets[i];
			}
		}
		if (n) {
			*why = nd_arena_printf(a, _("the node's CNI network '%s' (%s) does not use "
						    "host-local IPAM"), nets[0].name,
					       nets[0].plugin ? nets[0].plugin : "?");
			return NULL;
		}
		if (nerr)
			*why = nd_arena_strdup(a, errs[0]);
	}
	return NULL;
}

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

static void check_node(struct nd_check_env *env, const struct nd_bundle_node *bn,
		       struct nd_arena *a, size_t *stores, size_t *errors)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	const struct nd_node *node = nd_model_node(m, bn->name);
	const struct nd_cni_net *net;
	const char *netname, *store_dir;
	char *why;
	struct nd_hl_store st;
	struct nd_err e;
	size_t i, running = 0, nleak = 0, nterm = 0, npods;
	const uint32_t *pix;
	struct nd_val *leaked = NULL, *held = NULL;
	struct nd_finding *fl = NULL, *ft = NULL;
	uint32_t ri;

	net = find_network(a, bn->dir, &netname, &why);
	if (!net) {
		if (why)
			return;       /* not a host-local node: nothing to compare */
		/* no net.d was copied: a single store folder still names the network */
		netname = only_subdir(a, nd_arena_printf(a, "%s/cni/networks", bn->dir));
		if (!netname)
			return;
	}
	store_dir = nd_arena_printf(a, "%s/cni/networks/%s", bn->dir, netname);
	if (!is_dir(store_dir))
		return;
	(*stores)++;
	if (nd_hostlocal_read(store_dir, a, &st, &e) < 0) {
		(*errors)++;
		{
			struct nd_finding *f = nd_finding_add(r, "bundle-load-error", "Node", NULL,
							      bn->name);

			nd_finding_summary(r, f, _("the host-local store of node %s cannot be "
						   "trusted, so it was not compared: %s"), bn->name,
					   e.msg);
			nd_obj_str(r, f->evidence, "file", store_dir);
			nd_obj_str(r, f->evidence, "error", e.msg);
		}
		return;
	}
	pix = nd_model_pods_on_node(m, bn->name, &npods);
	for (i = 0; i < npods; i++) {
		const struct nd_pod *p = &m->pods.v[pix[i]];

		running += !p->host_network && p->nips && nd_pod_is_live(p);
	}
	for (i = 0; i < st.n; i++) {
		const struct nd_hl_entry *en = &st.entries[i];
		size_t nh, k;
		const uint32_t *hx = nd_model_pods_by_ip(m, en->ip, &nh);
		const struct nd_pod *term = NULL;
		bool live = false;

		for (k = 0; k < nh; k++) {
			const struct nd_pod *p = &m->pods.v[hx[k]];

			if (p->host_network || !p->node || strcmp(p->node, bn->name) != 0)
				continue;
			if (nd_pod_is_live(p))
				live = true;
			else if (!term)
				term = p;
		}
		if (live)
			continue;
		if (term) {
			struct nd_val *o;

			if (!ft) {
				ft = nd_finding_add(r, "terminated-pods-hold-ips", "Node", NULL, bn->name);
				held = nd_val_arr(r);
			}
			if (nterm++ < MAX_LISTED) {
				o = nd_arr_obj(r, held);
				nd_obj_str(r, o, "ip", en->ip);
				nd_obj_str(r, o, "container_id", en->container_id);
				nd_obj_str(r, o, "pod", nd_report_printf(r, "%s/%s", term->m.ns,
									 term->m.name));
				nd_obj_str(r, o, "phase", term->phase);
			}
		} else {
			struct nd_val *o;

			if (!fl) {
				fl = nd_finding_add(r, "ipam-leak", "Node", NULL, bn->name);
				leaked = nd_val_arr(r);
			}
			if (nleak++ < MAX_LISTED) {
				o = nd_arr_obj(r, leaked);
				nd_obj_str(r, o, "ip", en->ip);
				nd_obj_str(r, o, "container_id", en->container_id);
				nd_obj_str(r, o, "reserved_at", rfc3339(r, en->mtime));
			}
		}
	}
	if (fl) {
		nd_obj_str(r, fl->evidence, "node", bn->name);
		nd_obj_str(r, fl->evidence, "network", netname);
		nd_obj_str(r, fl->evidence, "store_dir", store_dir);
		nd_obj_int(r, fl->evidence, "reserved", (int64_t)st.n);
		nd_obj_int(r, fl->evidence, "running", (int64_t)running);
		nd_obj_int(r, fl->evidence, "leaked_count", (int64_t)nleak);
		leaked->key = "leaked";
		if (fl->evidence->last)
			fl->evidence->last->next = leaked;
		else
			fl->evidence->first = leaked;
		fl->evidence->last = leaked;
		fl->evidence->n++;
		nd_finding_summary(r, fl, _("%zu of %zu addresses reserved in network '%s' on node "
					    "%s belong to no pod: the CNI plugin never released them"),
				   nleak, st.n, netname, bn->name);
		nd_finding_remedy(r, fl, _("free the leaked entries with 'netdiag ipam release' on "
					   "the node (it takes the store's lock and keeps a journal); "
					   "never delete the store by hand"));
		nd_finding_command(r, fl, "kubectl debug node/%s -it --image=<netdiag image> -- "
				   "netdiag ipam release --node-root /host --node %s", bn->name,
				   bn->name);
	}
	if (ft) {
		nd_obj_str(r, ft->evidence, "node", bn->name);
		nd_obj_str(r, ft->evidence, "network", netname);
		nd_obj_str(r, ft->evidence, "store_dir", store_dir);
		nd_obj_int(r, ft->evidence, "held_count", (int64_t)nterm);
		held->key = "held";
		ft->evidence->last->next = held;
		ft->evidence->last = held;
		ft->evidence->n++;
		nd_finding_summary(r, ft, _("%zu address(es) on node %s are still held by pods that "
					    "have terminated: pods are created faster than finished "
					    "ones are collected"), nterm, bn->name);
		nd_finding_remedy(r, ft, _("delete the finished pods (or lower the controller's "
					   "terminated-pod-gc-threshold; use Job ttlSecondsAfterFinished)"));
		nd_finding_command(r, ft, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Succeeded", bn->name);
		nd_finding_command(r, ft, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Failed", bn->name);
	}
	/* a full range */
	for (ri = 0; net && ri < net->nranges; ri++) {
		const char *text = NULL;
		struct nd_cidr c;
		uint64_t cap = range_capacity(&net->ranges[ri], node, &c, &text, a);
		size_t used = 0;

		if (!cap || !text)
			continue;
		for (i = 0; i < st.n; i++) {
			struct nd_ip ip;

			if (nd_ip_parse(st.entries[i].ip, &ip) == 0 && nd_cidr_contains(&c, &ip))
				used++;
		}
		if (used >= cap) {
			struct nd_finding *f = nd_finding_add(r, "ipam-pool-exhausted", "Node", NULL,
							      bn->name);

			nd_obj_str(r, f->evidence, "node", bn->name);
			nd_obj_str(r, f->evidence, "network", netname);
			nd_obj_str(r, f->evidence, "range", text);
			nd_obj_int(r, f->evidence, "capacity", (int64_t)cap);
			nd_obj_int(r, f->evidence, "reserved", (int64_t)used);
			nd_obj_int(r, f->evidence, "leaked", (int64_t)nleak);
			nd_obj_int(r, f->evidence, "held_by_terminated_pods", (int64_t)nterm);
			nd_finding_summary(r, f, _("every address of %s on node %s is reserved (%zu "
						   "of %llu): new pods there cannot get an IP"),
					   text, bn->name, used, (unsigned long long)cap);
			nd_finding_remedy(r, f, _("free leaked and terminated-pod addresses first; if "
						  "the node really runs that many pods, lower maxPods "
						  "or give nodes a larger pod CIDR"));
			nd_finding_command(r, f, "netdiag ipam --node %s", bn->name);
		}
	}
}

void nd_check_ipam_stores(struct nd_check_env *env)
{
	struct nd_report *r = env->r;
	struct nd_arena *a;
	size_t i, stores = 0, errors = 0;

	if (!env->b || !env->b->nnodes) {
		nd_check_skip(r, "ipam-store", "S2",
			      _("no node files in the source (bundle nodes/<node>/cni/...)"));
		return;
	}
	nd_check_begin(r, "ipam-store", "S2");
	a = nd_arena_new(64 * 1024);
	for (i = 0; i < env->b->nnodes; i++) {
		if (env->scope.node && strcmp(env->scope.node, env->b->nodes[i].name) != 0)
			continue;
		check_node(env, &env->b->nodes[i], a, &stores, &errors);
	}
	nd_arena_free(a);
	if (!stores)
		nd_check_end(r, ND_CHECK_SKIP, _("no host-local store among the node files"));
	else
		nd_check_end(r, errors ? ND_CHECK_ERROR : ND_CHECK_PASS,
			     nd_report_printf(r, _("%zu host-local stores compared"), stores));
}
