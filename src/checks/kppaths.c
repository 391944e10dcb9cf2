/* SPDX-License-Identifier: MIT */
#include "checks/kppaths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/ipaddr.h"
#include "node/kpchains.h"
#include "core/banned.h"

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
				struct nd_kp_path *pa)
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

static struct nd_kp_path *add_path(struct nd_kp_verdict *v, const char *role, const char *chain,
			     const struct nd_strs *want, struct nd_arena *a)
{
	struct nd_kp_path *pa = &v->p[v->np++];

	memset(pa, 0, sizeof(*pa));
	pa->role = role;
	pa->chain = nd_arena_strdup(a, chain);
	pa->want = want;
	pa->expected = want->n > 0;
	return pa;
}

void nd_kp_iptables_paths(const struct nd_kp_rules *r, const struct nd_service *s,
			  const struct nd_svcport *sp, const char *spn, const char *proto,
			  const struct nd_kp_eps *eps, struct nd_arena *a, struct nd_kp_verdict *v)
{
	const struct nd_ipt_table *nat = nd_ipt_table(&r->ipt, "nat");
	const struct nd_ipt_table *filter = nd_ipt_table(&r->ipt, "filter");
	const struct nd_ipt_chain *top;
	char svc[ND_KP_CHAIN_MAX], svl[ND_KP_CHAIN_MAX], ext[ND_KP_CHAIN_MAX], xlb[ND_KP_CHAIN_MAX];
	char fw[ND_KP_CHAIN_MAX];
	struct nd_kp_path *cl = NULL, *lo = NULL, *ex;

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
		struct nd_kp_path *pa = &v->p[i];
		const struct nd_ipt_chain *c = nd_ipt_chain(nat, pa->chain);

		if (!c)
			continue;
		pa->found = true;
		ipt_chain_endpoints(nat, c, spn, proto, a, pa);
	}
	/* the ClusterIP goes to SVL under internalTrafficPolicy Local, else to SVC */
	{
		struct nd_kp_path *in = s->itp_local ? lo : cl;

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
		const struct nd_kp_path *to = s->etp_local ? lo : cl;

		if (to && to->found && ipt_jumps(nat, ext, to->chain))
			for (size_t k = 0; k < to->got.n; k++)
				nd_strs_add_uniq(&ex->got, to->got.v[k]);
	}
}

void nd_kp_ipvs_paths(const struct nd_kp_rules *r, const struct nd_service *s,
		      const struct nd_svcport *sp, const char *proto, const struct nd_node *nd,
		      const struct nd_kp_eps *eps, struct nd_arena *a, struct nd_kp_verdict *v)
{
	char hp[96];
	struct nd_kp_path *pa;
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
				struct nd_kp_path *pa)
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

void nd_kp_nft_paths(const struct nd_kp_rules *r, const struct nd_service *s,
		     const struct nd_svcport *sp, const char *spn, const char *proto,
		     const struct nd_kp_eps *eps, struct nd_arena *a, struct nd_kp_verdict *v)
{
	const struct nd_nft_map *none = nd_nft_map(&r->nft, "no-endpoint-services");
	char svc[ND_KP_CHAIN_MAX], loc[ND_KP_CHAIN_MAX], ext[ND_KP_CHAIN_MAX];
	struct nd_kp_path *cl = NULL, *lo = NULL, *in, *ex;

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
		struct nd_kp_path *pa = &v->p[i];
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
		const struct nd_kp_path *to = s->etp_local ? lo : cl;

		const struct nd_nft_chain *e = nd_nft_chain(&r->nft, ext);
		bool leads = false;

		ex->found = true;
		for (uint32_t k = 0; to && k < e->ntargets; k++)
			leads |= strcmp(e->targets[k], to->chain) == 0;
		for (size_t k = 0; leads && to->found && k < to->got.n; k++)
			nd_strs_add_uniq(&ex->got, to->got.v[k]);
	}
}
