/* SPDX-License-Identifier: MIT */
/*
 * The node's connection-tracking table (S3): when it is full the kernel
 * drops new flows ("nf_conntrack: table full, dropping packet"), and every
 * Service, DNS lookup and SNAT'd egress of the node fails at random. A
 * table at 90 % is a warning (one burst from dropping), a full one an
 * error. The drop/insert_failed counters are since boot: they are evidence
 * (did it happen?), not a threshold of their own.
 */
#include "checks/checks.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "node/conntrack.h"
#include "node/source.h"
#include "core/banned.h"

#define WARN_PERCENT 90

static void counter(struct nd_report *r, struct nd_val *o, const char *k, int64_t v)
{
	if (v >= 0)
		nd_obj_int(r, o, k, v);
}

static enum nd_check_status one_node(struct nd_check_env *env, size_t i, struct nd_arena *a,
				     size_t *full, const char **why)
{
	struct nd_report *r = env->r;
	const char *node = nd_node_src_name(env->nodes, i);
	int64_t count, max, pct;
	struct nd_ct_stat st;
	const char *origin;
	struct nd_finding *f;
	struct nd_err e;
	int rc;

	if (!node)
		node = env->scope.node;
	if (env->scope.node && node && strcmp(node, env->scope.node) != 0)
		return ND_CHECK_SKIP;
	rc = nd_node_src_conntrack(env->nodes, i, a, &count, &max, &st, &origin, &e);
	if (rc == ND_NS_ABSENT)
		return ND_CHECK_SKIP;
	if (rc == ND_NS_ERROR) {
		*why = nd_report_strdup(r, e.msg);
		nd_report_unread(r, "%s", e.msg);
		return ND_CHECK_ERROR;
	}
	if (max <= 0)
		return ND_CHECK_PASS;
	pct = count * 100 / max;
	*why = nd_report_printf(r, _("%lld of %lld conntrack entries (%lld%%)"), (long long)count,
				(long long)max, (long long)pct);
	if (pct < WARN_PERCENT)
		return ND_CHECK_PASS;
	(*full)++;
	f = nd_finding_add(r, "conntrack-table-full", "Node", NULL, node ? node : "?");
	if (count < max)
		f->sev = ND_SEV_WARNING;
	nd_finding_summary(r, f, _("node '%s': the conntrack table holds %lld of %lld entries "
				   "(%lld%%)%s"), node ? node : "?", (long long)count,
			   (long long)max, (long long)pct,
			   count >= max ? _(": new connections are being dropped") : "");
	nd_obj_str(r, f->evidence, "node", node);
	nd_obj_int(r, f->evidence, "count", count);
	nd_obj_int(r, f->evidence, "max", max);
	nd_obj_int(r, f->evidence, "percent", pct);
	counter(r, f->evidence, "drop", st.drop);
	counter(r, f->evidence, "insert_failed", st.insert_failed);
	counter(r, f->evidence, "early_drop", st.early_drop);
	nd_obj_str(r, f->evidence, "source", origin);
	nd_finding_remedy(r, f, _("find what opens so many flows (conntrack -L | sort by source), "
				  "and raise the ceiling on the node pool (net.netfilter."
				  "nf_conntrack_max via a custom node configuration)"));
	nd_finding_command(r, f, "kubectl debug node/%s -it --image=mcr.microsoft.com/cbl-mariner/"
			   "busybox:2.0 -- chroot /host conntrack -S", node ? node : "<node>");
	return ND_CHECK_FAIL;
}

enum nd_check_status nd_check_conntrack(struct nd_check_env *env, const char **why)
{
	struct nd_arena *a = nd_arena_new(8192);
	size_t n = nd_node_src_count(env->nodes), full = 0, seen = 0, i;
	enum nd_check_status ret = ND_CHECK_PASS;
	const char *one = NULL;

	for (i = 0; i < n; i++) {
		const char *w = NULL;
		enum nd_check_status st = one_node(env, i, a, &full, &w);

		if (st == ND_CHECK_SKIP)
			continue;
		seen++;
		one = w;
		if (st == ND_CHECK_ERROR)
			ret = ND_CHECK_ERROR;
	}
	nd_arena_free(a);
	if (!seen) {
		*why = _("the node shows no conntrack table (no proc/sys/net/netfilter/"
			 "nf_conntrack_count)");
		return ND_CHECK_SKIP;
	}
	if (ret == ND_CHECK_ERROR)
		*why = one;
	else
		*why = seen == 1 && one ? one
			: nd_report_printf(env->r, _("%zu nodes read, %zu near or at the ceiling"), seen,
					   full);
	return ret;
}
