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
#include "node/source.h"
#include "core/banned.h"

#define MAX_LISTED  50

enum mode { M_NONE = 0, M_IPTABLES, M_IPVS, M_NFT };

struct rules {
	enum mode mode;
	const char *source;                   /* the dump the mode was read from */
	const char *origin[ND_RULES__COUNT];  /* where each dump came from */
	struct nd_iptables ipt;
	struct nd_ipvs ipvs;
	struct nd_nft nft;
	bool have_ipt, have_ipvs, have_nft;
};

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
static int load_text(struct rules *r, enum mode kind, const char *name, const char *buf,
		     size_t len, struct nd_arena *a, struct nd_err *e)
{
	if (kind == M_IPTABLES) {
		if (nd_ipt_parse(name, buf, len, a, &r->ipt, e) < 0)
			return -1;
		r->have_ipt = true;
	} else if (kind == M_IPVS) {
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
static int load_node(struct rules *rl, const struct nd_node_src *src, size_t i,
		     struct nd_arena *a, struct nd_err *e)
{
	static const enum mode modes[ND_RULES__COUNT] = {
		[ND_RULES_IPTABLES] = M_IPTABLES, [ND_RULES_IPVS] = M_IPVS, [ND_RULES_NFT] = M_NFT,
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
static void pick_mode(struct rules *r)
{
	const struct nd_ipt_table *nat = nd_ipt_table(&r->ipt, "nat");

	if (r->have_ipvs && r->ipvs.nsvcs)
		r->mode = M_IPVS;
	else if (r->have_nft && nd_nft_map(&r->nft, "service-ips"))
		r->mode = M_NFT;
	else if (nat && nd_ipt_chain(nat, "KUBE-SERVICES"))
		r->mode = M_IPTABLES;
	else
		r->mode = M_NONE;
	r->source = r->mode == M_IPVS ? r->origin[ND_RULES_IPVS]
		    : r->mode == M_NFT ? r->origin[ND_RULES_NFT] : r->origin[ND_RULES_IPTABLES];
	for (int k = 0; !r->source && k < ND_RULES__COUNT; k++)
		r->source = r->origin[k];
}

static const char *mode_name(enum mode m)
{
	return m == M_IPVS ? "ipvs" : m == M_NFT ? "nftables" : "iptables";
}

/*
 * One chain (or virtual server) kube-proxy should have written for a
 * Service port, and what the rules hold: want = the endpoints kube-proxy
 * would forward to from this node, got = those the rules forward to.
 */
struct path {
	const char *role;       /* "cluster", "local", "external", "nodeport" */
	const char *chain;      /* chain or virtual server looked for */
	bool expected;          /* kube-proxy writes it (some endpoint to forward to) */
	bool found;
	bool dispatched;        /* the dispatch rule/element leads to it */
	const char *dispatch;   /* where the dispatch should be */
	const struct nd_strs *want;
	struct nd_strs got;
	bool affinity;          /* the rules keep ClientIP affinity */
	int32_t affinity_seconds;
};

struct verdict {
	struct path p[8];
	int np;
	bool rejects;           /* "has no endpoints" seen */
};

static bool ip_is(const char *cidr, const char *ip)
{
	struct nd_cidr c;
	struct nd_ip x;

	return cidr && nd_cidr_parse(cidr, true, &c) == 0 && nd_ip_parse(ip, &x) == 0 &&
	       nd_cidr_contains(&c, &x) && (c.prefix == 32 || c.prefix == 128);
}

static bool ipt_jumps(const struct nd_ipt_table *t, const char *from, const char *to)
{
	const struct nd_ipt_chain *c = nd_ipt_chain(t, from);

	for (uint32_t i = 0; c && i < c->nrules; i++) {
		const struct nd_ipt_rule *ru = &t->rules[c->rules[i]];

		if (ru->target && strcmp(ru->target, to) == 0)
			return true;
	}
	return false;
}

/* Whether KUBE-SERVICES sends vip:port to one of the chains a or b. */
static bool ipt_vip_to(const struct nd_ipt_table *nat, const char *vip, int32_t port,
		       const char *a, const char *b)
{
	const struct nd_ipt_chain *c = nd_ipt_chain(nat, "KUBE-SERVICES");

	for (uint32_t i = 0; c && i < c->nrules; i++) {
		const struct nd_ipt_rule *ru = &nat->rules[c->rules[i]];

		if (ru->target && ip_is(ru->dst, vip) && ru->dport == port &&
		    (strcmp(ru->target, a) == 0 || strcmp(ru->target, b) == 0))
			return true;
	}
	return false;
}

/* The Service's external IPs and load-balancer IPs, i < count; NULL for one
 * of the other family than the ClusterIP (another proxier writes it). */
static const char *vip_at(const struct nd_service *s, uint32_t i)
{
	const char *ip = i < s->nexternal_ips ? s->external_ips[i] : s->lb_ips[i - s->nexternal_ips];

	return ip && (strchr(ip, ':') != NULL) == (strchr(s->cluster_ip, ':') != NULL) ? ip : NULL;
}

/* The endpoints a KUBE-SVC/SVL chain forwards to, through its KUBE-SEP chains. */
static void ipt_chain_endpoints(const struct nd_ipt_table *nat, const struct nd_ipt_chain *svc,
				const char *spn, const char *proto, struct nd_arena *a,
				struct path *pa)
{
	for (uint32_t i = 0; i < svc->nrules; i++) {
		const struct nd_ipt_rule *ru = &nat->rules[svc->rules[i]];
		const struct nd_ipt_chain *sep;

		if (!ru->target || strncmp(ru->target, "KUBE-SEP-", 9) != 0)
			continue;
		if (ru->recent_rcheck) {
			pa->affinity = true;
			pa->affinity_seconds = ru->recent_seconds;
		}
		sep = nd_ipt_chain(nat, ru->target);
		for (uint32_t k = 0; sep && k < sep->nrules; k++) {
			const struct nd_ipt_rule *d = &nat->rules[sep->rules[k]];
			char want[ND_KP_CHAIN_MAX];

			if (!d->to_dest)
				continue;
			/* a SEP whose name is not this endpoint's hash belongs elsewhere */
			nd_kp_sep_chain(spn, proto, d->to_dest, want, sizeof(want));
			nd_strs_add_uniq(&pa->got, strcmp(want, sep->name) == 0 ? d->to_dest
					 : nd_arena_printf(a, "%s (in %s, not its chain)",
							   d->to_dest, sep->name));
		}
	}
}

static struct path *add_path(struct verdict *v, const char *role, const char *chain,
			     const struct nd_strs *want, struct nd_arena *a)
{
	struct path *pa = &v->p[v->np++];

	memset(pa, 0, sizeof(*pa));
	pa->role = role;
	pa->chain = nd_arena_strdup(a, chain);
	pa->want = want;
	pa->expected = want->n > 0;
	return pa;
}

static void iptables_path(const struct rules *r, const struct nd_service *s,
			  const struct nd_svcport *sp, const char *spn, const char *proto,
			  const struct nd_kp_eps *eps, struct nd_arena *a, struct verdict *v)
{
	const struct nd_ipt_table *nat = nd_ipt_table(&r->ipt, "nat");
	const struct nd_ipt_table *filter = nd_ipt_table(&r->ipt, "filter");
	const struct nd_ipt_chain *top;
	char svc[ND_KP_CHAIN_MAX], svl[ND_KP_CHAIN_MAX], ext[ND_KP_CHAIN_MAX], xlb[ND_KP_CHAIN_MAX];
	char fw[ND_KP_CHAIN_MAX];
	struct path *cl = NULL, *lo = NULL, *ex;

	nd_kp_svc_chain("KUBE-SVC-", spn, proto, svc, sizeof(svc));
	nd_kp_svc_chain("KUBE-SVL-", spn, proto, svl, sizeof(svl));
	nd_kp_svc_chain("KUBE-EXT-", spn, proto, ext, sizeof(ext));
	if ((top = nd_ipt_chain(filter, "KUBE-SERVICES")) != NULL) {
		for (uint32_t i = 0; i < top->nrules; i++) {
			const struct nd_ipt_rule *ru = &filter->rules[top->rules[i]];

			if (ru->target && strcmp(ru->target, "REJECT") == 0 &&
			    ip_is(ru->dst, s->cluster_ip) && ru->dport == sp->port)
				v->rejects = true;
		}
	}
	if (eps->uses_cluster || nd_ipt_chain(nat, svc)) {
		cl = add_path(v, "cluster", svc, &eps->cluster, a);
		if (!eps->uses_cluster)
			cl->expected = false;
	}
	if (eps->uses_local || nd_ipt_chain(nat, svl)) {
		lo = add_path(v, "local", svl, &eps->local, a);
		if (!eps->uses_local)
			lo->expected = false;
	}
	for (int i = 0; i < v->np; i++) {
		struct path *pa = &v->p[i];
		const struct nd_ipt_chain *c = nd_ipt_chain(nat, pa->chain);

		if (!c)
			continue;
		pa->found = true;
		ipt_chain_endpoints(nat, c, spn, proto, a, pa);
	}
	/* the ClusterIP goes to SVL under internalTrafficPolicy Local, else to SVC */
	{
		struct path *in = s->itp_local ? lo : cl;

		if (in) {
			in->dispatch = "KUBE-SERVICES";
			in->dispatched = ipt_jumps(nat, "KUBE-SERVICES", in->chain);
		}
		/* SVC used only by the external path: reached through KUBE-EXT */
		if (cl && cl != in) {
			cl->dispatch = ext;
			cl->dispatched = ipt_jumps(nat, ext, cl->chain);
		}
		if (lo && lo != in) {
			lo->dispatch = ext;
			lo->dispatched = ipt_jumps(nat, ext, lo->chain);
		}
	}
	if (!eps->external || (!sp->node_port && !s->nexternal_ips && !s->nlb_ips))
		return;
	nd_kp_svc_chain("KUBE-XLB-", spn, proto, xlb, sizeof(xlb));
	nd_kp_svc_chain("KUBE-FW-", spn, proto, fw, sizeof(fw));
	if (s->etp_local && !nd_ipt_chain(nat, ext) && nd_ipt_chain(nat, xlb)) {
		/* kube-proxy before KUBE-EXT: KUBE-XLB holds the local endpoints
		 * itself (or a "has no local endpoints" drop), and there is no SVL */
		ex = add_path(v, "external", xlb, &eps->local, a);
		ex->found = true;
		ex->dispatch = "KUBE-NODEPORTS";
		ex->dispatched = !sp->node_port || ipt_jumps(nat, "KUBE-NODEPORTS", xlb);
		ipt_chain_endpoints(nat, nd_ipt_chain(nat, xlb), spn, proto, a, ex);
		if (lo && !lo->found && !s->itp_local)
			lo->expected = false;
		return;
	}
	ex = add_path(v, "external", ext, s->etp_local ? &eps->local : &eps->cluster, a);
	ex->found = nd_ipt_chain(nat, ext) != NULL;
	ex->dispatch = "KUBE-NODEPORTS";
	ex->dispatched = !sp->node_port || ipt_jumps(nat, "KUBE-NODEPORTS", ext);
	/* each external and load-balancer IP goes to KUBE-EXT (KUBE-FW with source ranges) */
	for (uint32_t i = 0; ex->dispatched && i < s->nexternal_ips + s->nlb_ips; i++) {
		if (!vip_at(s, i) || ipt_vip_to(nat, vip_at(s, i), sp->port, ext, fw))
			continue;
		ex->dispatched = false;
		ex->dispatch = nd_arena_printf(a, "KUBE-SERVICES for %s:%d", vip_at(s, i), sp->port);
	}
	/* the EXT chain holds no endpoints itself: it leads to SVC or SVL */
	if (ex->found) {
		const struct path *to = s->etp_local ? lo : cl;

		if (to && to->found && ipt_jumps(nat, ext, to->chain))
			for (size_t k = 0; k < to->got.n; k++)
				nd_strs_add_uniq(&ex->got, to->got.v[k]);
	}
}

static void ipvs_path(const struct rules *r, const struct nd_service *s,
		      const struct nd_svcport *sp, const char *proto, const struct nd_node *nd,
		      const struct nd_kp_eps *eps, struct nd_arena *a, struct verdict *v)
{
	char hp[96];
	struct path *pa;
	const struct nd_ipvs_svc *vs;

	/* 0: the ClusterIP, 1: <nodeIP>:<nodePort>, then each external and load-balancer IP */
	for (uint32_t k = 0; k < 2 + s->nexternal_ips + s->nlb_ips && v->np < 8; k++) {
		const char *ip = k == 0 ? s->cluster_ip : k == 1 ? (nd ? nd->internal_ip : NULL)
			       : vip_at(s, k - 2);
		int32_t port = k == 1 ? sp->node_port : sp->port;

		if (k >= 1 && (!eps->external || !port || !ip))
			continue;
		nd_kp_join_host_port(ip, port, hp, sizeof(hp));
		pa = add_path(v, k == 0 ? (s->itp_local ? "local" : "cluster") : k == 1 ? "nodeport"
			      : "external",
			      nd_arena_printf(a, "%s %s", nd_proto_name(sp->proto), hp),
			      k == 0 ? (s->itp_local ? &eps->local : &eps->cluster)
				     : (s->etp_local ? &eps->local : &eps->cluster), a);
		pa->dispatched = true;
		vs = nd_ipvs_find(&r->ipvs, proto, ip, port);
		if (!vs)
			continue;
		pa->found = true;
		pa->affinity = vs->persistent > 0;
		pa->affinity_seconds = vs->persistent;
		for (uint32_t i = 0; i < vs->nreals; i++) {
			nd_kp_join_host_port(vs->reals[i].ip, vs->reals[i].port, hp, sizeof(hp));
			nd_strs_add_uniq(&pa->got, nd_arena_strdup(a, hp));
		}
	}
}

static bool nft_leads(const struct nd_nft *t, const char *map, const char *to)
{
	const struct nd_nft_map *m = nd_nft_map(t, map);

	for (uint32_t i = 0; m && i < m->nelems; i++)
		if (m->elems[i].target && strcmp(m->elems[i].target, to) == 0)
			return true;
	return false;
}

static bool nft_key_leads(const struct nd_nft *t, const char *map, const char *key,
			  const char *to)
{
	const struct nd_nft_map *m = nd_nft_map(t, map);

	for (uint32_t i = 0; m && i < m->nelems; i++)
		if (m->elems[i].target && strcmp(m->elems[i].target, to) == 0 &&
		    m->elems[i].key && strcmp(m->elems[i].key, key) == 0)
			return true;
	return false;
}

static void nft_chain_endpoints(const struct nd_nft *t, const struct nd_nft_chain *c,
				struct path *pa)
{
	for (uint32_t i = 0; i < c->ntargets; i++) {
		const struct nd_nft_chain *ep;

		if (strncmp(c->targets[i], "endpoint-", 9) != 0)
			continue;
		ep = nd_nft_chain(t, c->targets[i]);
		for (uint32_t k = 0; ep && k < ep->ndnat; k++)
			nd_strs_add_uniq(&pa->got, ep->dnat[k]);
	}
}

/*
 * ClientIP affinity in nftables mode: one set per endpoint,
 * affinity-<H8>-<ns>/<svc>/<proto>/<port>__<ip>/<port>, named after the
 * endpoint chain of the service chain's endpoints.
 */
static bool nft_affinity(const struct nd_nft *t, const char *chain)
{
	const char *rest = strchr(chain, '-'), *svc;
	size_t n;

	if (!rest || !(rest = strchr(rest + 1, '-')))
		return false;
	svc = rest + 1;          /* "<ns>/<svc>/<proto>/<port>" */
	n = strlen(svc);
	for (uint32_t i = 0; i < t->nmaps; i++) {
		const char *nm = t->maps[i].name, *r2;

		if (strncmp(nm, "affinity-", 9) != 0 || !(r2 = strchr(nm + 9, '-')))
			continue;
		if (strncmp(r2 + 1, svc, n) == 0 && strncmp(r2 + 1 + n, "__", 2) == 0)
			return true;
	}
	return false;
}

static void nft_path(const struct rules *r, const struct nd_service *s,
		     const struct nd_svcport *sp, const char *spn, const char *proto,
		     const struct nd_kp_eps *eps, struct nd_arena *a, struct verdict *v)
{
	const struct nd_nft_map *none = nd_nft_map(&r->nft, "no-endpoint-services");
	char svc[ND_KP_CHAIN_MAX], loc[ND_KP_CHAIN_MAX], ext[ND_KP_CHAIN_MAX];
	struct path *cl = NULL, *lo = NULL, *in, *ex;

	nd_kp_nft_service_chain("service", s->m.ns, s->m.name, proto, sp->name, svc, sizeof(svc));
	nd_kp_nft_service_chain("local", s->m.ns, s->m.name, proto, sp->name, loc, sizeof(loc));
	nd_kp_nft_service_chain("external", s->m.ns, s->m.name, proto, sp->name, ext, sizeof(ext));
	for (uint32_t i = 0; none && i < none->nelems; i++)
		if (none->elems[i].comment && strcmp(none->elems[i].comment, spn) == 0)
			v->rejects = true;
	if (eps->uses_cluster || nd_nft_chain(&r->nft, svc)) {
		cl = add_path(v, "cluster", svc, &eps->cluster, a);
		cl->expected &= eps->uses_cluster;
	}
	if (eps->uses_local || nd_nft_chain(&r->nft, loc)) {
		lo = add_path(v, "local", loc, &eps->local, a);
		lo->expected &= eps->uses_local;
	}
	for (int i = 0; i < v->np; i++) {
		const struct nd_nft_chain *c = nd_nft_chain(&r->nft, v->p[i].chain);

		if (!c)
			continue;
		v->p[i].found = true;
		nft_chain_endpoints(&r->nft, c, &v->p[i]);
		v->p[i].affinity = nft_affinity(&r->nft, v->p[i].chain);
	}
	in = s->itp_local ? lo : cl;
	if (in) {
		in->dispatch = "service-ips";
		in->dispatched = nft_leads(&r->nft, "service-ips", in->chain);
	}
	for (int i = 0; i < v->np; i++) {
		struct path *pa = &v->p[i];
		const struct nd_nft_chain *e = nd_nft_chain(&r->nft, ext);

		if (pa == in)
			continue;
		pa->dispatch = ext;
		for (uint32_t k = 0; e && k < e->ntargets; k++)
			pa->dispatched |= strcmp(e->targets[k], pa->chain) == 0;
	}
	if (!eps->external || (!sp->node_port && !s->nexternal_ips && !s->nlb_ips))
		return;
	ex = add_path(v, "external", ext, s->etp_local ? &eps->local : &eps->cluster, a);
	ex->dispatch = "service-nodeports";
	ex->dispatched = !sp->node_port || nft_leads(&r->nft, "service-nodeports", ext);
	/* each external and load-balancer IP: an element of service-ips to it
	 * (or to the firewall- chain under loadBalancerSourceRanges) */
	for (uint32_t i = 0; ex->dispatched && i < s->nexternal_ips + s->nlb_ips; i++) {
		char fw[ND_KP_CHAIN_MAX];
		const char *key;

		if (!vip_at(s, i))
			continue;
		key = nd_arena_printf(a, "%s . %s . %d", vip_at(s, i), proto, sp->port);
		nd_kp_nft_service_chain("firewall", s->m.ns, s->m.name, proto, sp->name, fw,
					sizeof(fw));
		if (nft_key_leads(&r->nft, "service-ips", key, ext) ||
		    nft_key_leads(&r->nft, "service-ips", key, fw))
			continue;
		ex->dispatched = false;
		ex->dispatch = nd_arena_printf(a, "service-ips for %s:%d", vip_at(s, i), sp->port);
	}
	if (nd_nft_chain(&r->nft, ext)) {
		const struct path *to = s->etp_local ? lo : cl;

		const struct nd_nft_chain *e = nd_nft_chain(&r->nft, ext);
		bool leads = false;

		ex->found = true;
		for (uint32_t k = 0; to && k < e->ntargets; k++)
			leads |= strcmp(e->targets[k], to->chain) == 0;
		for (size_t k = 0; leads && to->found && k < to->got.n; k++)
			nd_strs_add_uniq(&ex->got, to->got.v[k]);
	}
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
static const char *path_problem(const struct path *pa, const struct nd_service *s,
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

static void report_path(struct nd_check_env *env, const char *node, const struct rules *rl,
			const struct nd_service *s, const struct nd_svcport *sp, const char *spn,
			const struct nd_kp_eps *eps, const struct path *pa, const char *problem,
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
static void check_node_rules(struct nd_check_env *env, const char *node, struct rules *rl,
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
			struct verdict v;
			char spn[ND_KP_CHAIN_MAX], proto[8];

			memset(&v, 0, sizeof(v));
			snprintf(proto, sizeof(proto), "%s", nd_proto_name(sp->proto));
			lower(proto);
			nd_kp_port_name(s->m.ns, s->m.name, sp->name, spn, sizeof(spn));
			nd_kp_endpoints(m, s, sp, node, a, &eps);
			if (rl->mode == M_IPVS)
				ipvs_path(rl, s, sp, proto, nd, &eps, a, &v);
			else if (rl->mode == M_NFT)
				nft_path(rl, s, sp, spn, proto, &eps, a, &v);
			else
				iptables_path(rl, s, sp, spn, proto, &eps, a, &v);
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

static void run_node(struct nd_check_env *env, const char *node, struct rules *rl,
		     struct nd_arena *a, size_t *nodes, size_t *ports, size_t *rejects,
		     const char **skip)
{
	pick_mode(rl);
	if (rl->mode == M_NONE && cilium_present(env->m)) {
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
		struct rules rl;

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
