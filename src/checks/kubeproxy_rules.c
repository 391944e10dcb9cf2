/* SPDX-License-Identifier: MIT */
/*
 * S3 on the nodes: for each Service port with a ClusterIP, rebuild the
 * paths kube-proxy should have written on a node (iptables, IPVS or
 * nftables, facts §6) by chain NAME — never by comment — and compare the
 * endpoints each forwards to with the ones kube-proxy itself would use from
 * that node (checks/kpeps.h: ready, else serving-terminating; the node's
 * own under a Local traffic policy):
 *   cluster   KUBE-SVC / service-   (internalTrafficPolicy Cluster, or the
 *                                    external path under Cluster)
 *   local     KUBE-SVL / local-     (either policy Local)
 *   external  KUBE-EXT / external-  from the node port, leading to one of them
 *             (KUBE-XLB, older kube-proxy: the local endpoints themselves)
 *   IPVS      the ClusterIP and <nodeIP>:<nodePort> virtual servers
 * kube-proxy-rules-missing when a path with endpoints is missing or not
 * reached from its dispatch rule, forwards to endpoints kube-proxy would
 * not use (stale) or misses some, or keeps ClientIP affinity other than the
 * Service's. A path with nothing to forward to is expected to be absent
 * (iptables: the "has no endpoints" REJECT, the "has no local endpoints"
 * DROP). Lines a dump could not read are kube-proxy-rules-unreadable-line.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "k8s/model.h"
#include "node/iptables.h"
#include "node/ipvs.h"
#include "node/kpchains.h"
#include "node/nft.h"
#include "checks/kpeps.h"
#include "checks/kppaths.h"
#include "node/source.h"
#include "core/banned.h"

#define MAX_LISTED  50


static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static bool cilium_present(const struct nd_model *m)
{
	for (size_t i = 0; i < m->daemonsets.n; i++)
		if (m->daemonsets.v[i].m.ns && strcmp(m->daemonsets.v[i].m.ns, "kube-system") == 0 &&
		    strcmp(m->daemonsets.v[i].m.name, "cilium") == 0)
			return true;
	for (size_t i = 0; i < m->pods.n; i++) {
		const char *k = nd_labels_get(&m->pods.v[i].m.labels, "k8s-app");

		if (k && strcmp(k, "cilium") == 0)
			return true;
	}
	return false;
}

/* Load one text source into r; -1 with e on a parse error. */
static int load_text(struct nd_kp_rules *r, enum nd_kp_mode kind, const char *name, const char *buf,
		     size_t len, struct nd_arena *a, struct nd_err *e)
{
	if (kind == ND_KP_IPTABLES) {
		if (nd_ipt_parse(name, buf, len, a, &r->ipt, e) < 0)
			return -1;
		r->have_ipt = true;
	} else if (kind == ND_KP_IPVS) {
		if (nd_ipvs_parse(name, buf, len, a, &r->ipvs, e) < 0)
			return -1;
		r->have_ipvs = true;
	} else {
		if (nd_nft_parse(name, buf, len, a, &r->nft, e) < 0)
			return -1;
		r->have_nft = true;
	}
	return 0;
}

/* Node i's dumps of every kind the source has; -1 with e on one it cannot read or parse. */
static int load_node(struct nd_kp_rules *rl, const struct nd_node_src *src, size_t i,
		     struct nd_arena *a, struct nd_err *e)
{
	static const enum nd_kp_mode modes[ND_RULES__COUNT] = {
		[ND_RULES_IPTABLES] = ND_KP_IPTABLES, [ND_RULES_IPVS] = ND_KP_IPVS, [ND_RULES_NFT] = ND_KP_NFT,
	};

	memset(rl, 0, sizeof(*rl));
	for (int k = 0; k < ND_RULES__COUNT; k++) {
		char *buf;
		size_t len;
		const char *origin;
		int rc = nd_node_src_rules(src, i, (enum nd_rules_kind)k, a, &buf, &len, &origin, e);

		if (rc == ND_NS_ABSENT)
			continue;
		if (rc == ND_NS_ERROR)
			return -1;
		rc = load_text(rl, modes[k], origin, buf, len, a, e);
		free(buf);
		if (rc < 0)
			return -1;
		rl->origin[k] = origin;
	}
	return 0;
}

/* Which data plane the rules show. */
static void pick_mode(struct nd_kp_rules *r)
{
	const struct nd_ipt_table *nat = nd_ipt_table(&r->ipt, "nat");

	if (r->have_ipvs && r->ipvs.nsvcs)
		r->mode = ND_KP_IPVS;
	else if (r->have_nft && nd_nft_map(&r->nft, "service-ips"))
		r->mode = ND_KP_NFT;
	else if (nat && nd_ipt_chain(nat, "KUBE-SERVICES"))
		r->mode = ND_KP_IPTABLES;
	else
		r->mode = ND_KP_NONE;
	r->source = r->mode == ND_KP_IPVS ? r->origin[ND_RULES_IPVS]
		    : r->mode == ND_KP_NFT ? r->origin[ND_RULES_NFT] : r->origin[ND_RULES_IPTABLES];
	for (int k = 0; !r->source && k < ND_RULES__COUNT; k++)
		r->source = r->origin[k];
}

static const char *mode_name(enum nd_kp_mode m)
{
	return m == ND_KP_IPVS ? "ipvs" : m == ND_KP_NFT ? "nftables" : "iptables";
}

static struct nd_val *str_list(struct nd_report *r, struct nd_val *o, const char *key,
			       const struct nd_strs *s)
{
	struct nd_val *arr = nd_obj_arr(r, o, key);

	for (size_t i = 0; i < s->n && i < MAX_LISTED; i++)
		nd_arr_str(r, arr, s->v[i]);
	return arr;
}

/* What is wrong with one path, or NULL; missing/stale filled. */
static const char *path_problem(const struct nd_kp_path *pa, const struct nd_service *s,
				struct nd_strs *missing, struct nd_strs *stale)
{
	for (size_t k = 0; k < pa->want->n; k++)
		if (!nd_strs_has(&pa->got, pa->want->v[k]))
			nd_strs_add_uniq(missing, pa->want->v[k]);
	for (size_t k = 0; k < pa->got.n; k++)
		if (!nd_strs_has(pa->want, pa->got.v[k]))
			nd_strs_add_uniq(stale, pa->got.v[k]);
	if (pa->expected && !pa->found)
		return "chain missing";
	if (!pa->expected && !pa->found)
		return NULL;
	if (pa->expected && pa->dispatch && !pa->dispatched)
		return "not dispatched";
	if (missing->n || stale->n)
		return "endpoints differ";
	if (pa->expected && s->affinity_client_ip && !pa->affinity)
		return "session affinity missing";
	if (pa->expected && !s->affinity_client_ip && pa->affinity)
		return "session affinity stale";
	if (pa->expected && s->affinity_client_ip && pa->affinity_seconds &&
	    pa->affinity_seconds != s->affinity_timeout)
		return "session affinity timeout differs";
	return NULL;
}

static void report_path(struct nd_check_env *env, const char *node, const struct nd_kp_rules *rl,
			const struct nd_service *s, const struct nd_svcport *sp, const char *spn,
			const struct nd_kp_eps *eps, const struct nd_kp_path *pa, const char *problem,
			const struct nd_strs *missing, const struct nd_strs *stale)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "kube-proxy-rules-missing", "Service", s->m.ns,
					      s->m.name);

	nd_obj_str(r, f->evidence, "node", node);
	nd_obj_str(r, f->evidence, "service", spn);
	nd_obj_str(r, f->evidence, "cluster_ip", s->cluster_ip);
	nd_obj_int(r, f->evidence, "port", sp->port);
	if (!strcmp(pa->role, "external") || !strcmp(pa->role, "nodeport"))
		nd_obj_int(r, f->evidence, "node_port", sp->node_port);
	nd_obj_str(r, f->evidence, "mode", mode_name(rl->mode));
	nd_obj_str(r, f->evidence, "traffic", pa->role);
	nd_obj_str(r, f->evidence, "internal_traffic_policy", s->itp_local ? "Local" : "Cluster");
	if (eps->external)
		nd_obj_str(r, f->evidence, "external_traffic_policy",
			   s->etp_local ? "Local" : "Cluster");
	if (s->affinity_client_ip)
		nd_obj_int(r, f->evidence, "session_affinity_seconds", s->affinity_timeout);
	nd_obj_str(r, f->evidence, "expected_chain", pa->chain);
	nd_obj_bool(r, f->evidence, "chain_found", pa->found);
	str_list(r, f->evidence, "endpoints_api", pa->want);
	str_list(r, f->evidence, "endpoints_rules", &pa->got);
	str_list(r, f->evidence, "missing", missing);
	str_list(r, f->evidence, "stale", stale);
	nd_obj_str(r, f->evidence, "source", rl->source);
	if (!strcmp(problem, "not dispatched"))
		nd_obj_str(r, f->evidence, "problem",
			   nd_report_printf(r, "no rule in %s leads to %s", pa->dispatch, pa->chain));
	else
		nd_obj_str(r, f->evidence, "problem", problem);
	if (!strcmp(problem, "chain missing"))
		nd_finding_summary(r, f, _("node %s has no %s for Service %s (%s:%d): its %zu "
					   "endpoint(s) for that traffic cannot be reached from that "
					   "node"), node, pa->chain, spn, s->cluster_ip, sp->port,
				   pa->want->n);
	else if (!strcmp(problem, "not dispatched"))
		nd_finding_summary(r, f, _("node %s: no rule in %s leads to %s (Service %s)"), node,
				   pa->dispatch, pa->chain, spn);
	else if (!strcmp(problem, "endpoints differ"))
		nd_finding_summary(r, f, _("node %s's %s for Service %s forwards to %zu endpoint(s) "
					   "kube-proxy would not use and misses %zu it would"), node,
				   pa->chain, spn, stale->n, missing->n);
	else if (!strcmp(problem, "session affinity missing"))
		nd_finding_summary(r, f, _("node %s's %s for Service %s has no ClientIP session "
					   "affinity, which the Service asks for"), node, pa->chain,
				   spn);
	else if (!strcmp(problem, "session affinity stale"))
		nd_finding_summary(r, f, _("node %s's %s for Service %s keeps ClientIP session "
					   "affinity, which the Service no longer asks for"), node,
				   pa->chain, spn);
	else
		nd_finding_summary(r, f, _("node %s's %s for Service %s keeps clients for %d s, the "
					   "Service asks for %d s"), node, pa->chain, spn,
				   pa->affinity_seconds, s->affinity_timeout);
	nd_finding_remedy(r, f, _("make kube-proxy on the node resync (delete its "
				  "pod; the DaemonSet recreates it) and find what "
				  "rewrote the rules if they go stale again"));
	nd_finding_command(r, f, "kubectl get pods -n kube-system -o wide "
			   "--field-selector spec.nodeName=%s", node);
	nd_finding_command(r, f, "kubectl get endpointslices -n %s -l "
			   "kubernetes.io/service-name=%s -o wide", s->m.ns, s->m.name);
}

/* Compare every Service port of the scope with the node's rules. */
static void check_node_rules(struct nd_check_env *env, const char *node, struct nd_kp_rules *rl,
			     struct nd_arena *a, size_t *ports, size_t *rejects)
{
	const struct nd_model *m = env->m;
	const struct nd_node *nd = nd_model_node(m, node);

	for (size_t i = 0; i < m->services.n; i++) {
		const struct nd_service *s = &m->services.v[i];

		if (env->scope.ns && strcmp(env->scope.ns, s->m.ns) != 0)
			continue;
		if (env->scope.service && strcmp(env->scope.service, s->m.name) != 0)
			continue;
		if (!s->cluster_ip || !*s->cluster_ip || strcmp(s->cluster_ip, "None") == 0 ||
		    (s->type && strcmp(s->type, "ExternalName") == 0))
			continue;
		for (uint32_t p = 0; p < s->nports; p++) {
			const struct nd_svcport *sp = &s->ports[p];
			struct nd_kp_eps eps;
			struct nd_kp_verdict v;
			char spn[ND_KP_CHAIN_MAX], proto[8];

			memset(&v, 0, sizeof(v));
			snprintf(proto, sizeof(proto), "%s", nd_proto_name(sp->proto));
			lower(proto);
			nd_kp_port_name(s->m.ns, s->m.name, sp->name, spn, sizeof(spn));
			nd_kp_endpoints(m, s, sp, node, a, &eps);
			if (rl->mode == ND_KP_IPVS)
				nd_kp_ipvs_paths(rl, s, sp, proto, nd, &eps, a, &v);
			else if (rl->mode == ND_KP_NFT)
				nd_kp_nft_paths(rl, s, sp, spn, proto, &eps, a, &v);
			else
				nd_kp_iptables_paths(rl, s, sp, spn, proto, &eps, a, &v);
			(*ports)++;
			*rejects += v.rejects;
			for (int k = 0; k < v.np; k++) {
				struct nd_strs missing = {0}, stale = {0};
				const char *problem = path_problem(&v.p[k], s, &missing, &stale);

				if (problem)
					report_path(env, node, rl, s, sp, spn, &eps, &v.p[k], problem,
						    &missing, &stale);
				free(missing.v);
				free(stale.v);
				free(v.p[k].got.v);
			}
			nd_kp_eps_free(&eps);
		}
	}
}

/* Lines of a node's dumps netdiag could not read: one warning per dump. */
static void report_skipped(struct nd_check_env *env, const char *node, const char *source,
			   const struct nd_rules_warning *w, uint32_t nw, uint32_t nskipped)
{
	struct nd_report *r = env->r;
	struct nd_finding *f;
	struct nd_val *arr;

	if (!nskipped)
		return;
	f = nd_finding_add(r, "kube-proxy-rules-unreadable-line", "Node", NULL, node);
	nd_obj_str(r, f->evidence, "node", node);
	nd_obj_str(r, f->evidence, "source", source);
	nd_obj_int(r, f->evidence, "skipped", nskipped);
	arr = nd_obj_arr(r, f->evidence, "lines");
	for (uint32_t i = 0; i < nw; i++) {
		struct nd_val *o = nd_arr_obj(r, arr);

		nd_obj_int(r, o, "line", w[i].line);
		nd_obj_str(r, o, "reason", w[i].why);
		nd_obj_str(r, o, "text", w[i].text);
	}
	if (nw)
		nd_finding_summary(r, f, _("%u line(s) of '%s' are not in a form netdiag reads and "
					   "were skipped (line %u: %s: '%s'); the rest was compared"),
				   nskipped, source, w[0].line, w[0].why, w[0].text);
	else
		nd_finding_summary(r, f, _("%u line(s) of '%s' are not in a form netdiag reads and "
					   "were skipped; the rest was compared"), nskipped, source);
	nd_finding_remedy(r, f, _("check that the file is the unedited output of iptables-save, "
				  "ipvsadm -Ln or nft list table; a Service whose rules are on a "
				  "skipped line may be reported wrongly"));
}

static void run_node(struct nd_check_env *env, const char *node, struct nd_kp_rules *rl,
		     struct nd_arena *a, size_t *nodes, size_t *ports, size_t *rejects,
		     const char **skip)
{
	pick_mode(rl);
	if (rl->mode == ND_KP_NONE && cilium_present(env->m)) {
		*skip = _("Cilium replaces kube-proxy in this cluster: no kube-proxy rules are "
			  "expected");
		return;
	}
	(*nodes)++;
	if (rl->have_ipt)
		report_skipped(env, node, rl->origin[ND_RULES_IPTABLES], rl->ipt.warnings,
			       rl->ipt.nwarnings, rl->ipt.nskipped);
	if (rl->have_ipvs)
		report_skipped(env, node, rl->origin[ND_RULES_IPVS], rl->ipvs.warnings,
			       rl->ipvs.nwarnings, rl->ipvs.nskipped);
	if (rl->have_nft)
		report_skipped(env, node, rl->origin[ND_RULES_NFT], rl->nft.warnings,
			       rl->nft.nwarnings, rl->nft.nskipped);
	check_node_rules(env, node, rl, a, ports, rejects);
}

enum nd_check_status nd_check_kube_proxy_rules(struct nd_check_env *env, const char **why)
{
	struct nd_report *r = env->r;
	const struct nd_node_src *src = env->nodes;
	bool local = nd_node_src_is_local(src);
	struct nd_arena *a;
	struct nd_err e;
	size_t i, n = nd_node_src_count(src), nodes = 0, ports = 0, rejects = 0, errors = 0;
	const char *skip = NULL;
	enum nd_check_status st;

	a = nd_arena_new(256 * 1024);
	for (i = 0; i < n; i++) {
		const char *node = nd_node_src_name(src, i);
		struct nd_kp_rules rl;

		if (local) {
			if (!node)
				node = env->scope.node ? env->scope.node : "(this node)";
		} else if (env->scope.node && strcmp(env->scope.node, node) != 0) {
			continue;
		}
		if (load_node(&rl, src, i, a, &e) < 0) {
			if (local) {
				/* this node's only dump: nothing was compared */
				*why = nd_report_strdup(r, e.msg);
				nd_arena_free(a);
				return ND_CHECK_ERROR;
			}
			struct nd_finding *f = nd_finding_add(r, "bundle-load-error", "Node", NULL,
							      node);

			nd_finding_summary(r, f, "%s", e.msg);
			nd_obj_str(r, f->evidence, "error", e.msg);
			errors++;
			continue;
		}
		if (!rl.have_ipt && !rl.have_ipvs && !rl.have_nft)
			continue;
		run_node(env, node, &rl, a, &nodes, &ports, &rejects, &skip);
	}
	if (!nodes && skip) {
		*why = skip;
		st = ND_CHECK_SKIP;
	} else if (!nodes) {
		*why = _("no node rules in the bundle's node files");
		st = errors ? ND_CHECK_ERROR : ND_CHECK_SKIP;
	} else {
		*why = nd_report_printf(r, _("%zu Service ports compared on %zu node(s); %zu without "
					     "endpoints rejected as expected"), ports, nodes, rejects);
		st = errors ? ND_CHECK_ERROR : ND_CHECK_PASS;
	}
	nd_arena_free(a);
	return st;
}
