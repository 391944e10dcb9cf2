/* SPDX-License-Identifier: MIT */
/*
 * S3 on the nodes: for each Service port with a ClusterIP, rebuild the
 * path kube-proxy should have written on a node (iptables, IPVS or
 * nftables, facts §6) by chain NAME — never by comment — and compare the
 * endpoints it forwards to with the ready endpoints in the API:
 * kube-proxy-rules-missing when the chain, the dispatch to it, or some
 * endpoints are missing, or when it forwards to endpoints that are not
 * ready any more (stale). A Service with no ready endpoints is expected to
 * have none (iptables: the filter "has no endpoints" REJECT).
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

struct strs {
	const char **v;
	size_t n, cap;
};

static void add_uniq(struct strs *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return;
	ND_GROW(s->v, s->cap, s->n + 1);
	s->v[s->n++] = x;
}

static bool has(const struct strs *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

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

/* Ready endpoints of a Service port in the API, "ip:port". */
static void api_endpoints(const struct nd_model *m, const struct nd_service *s,
			  const struct nd_svcport *sp, struct nd_arena *a, struct strs *out)
{
	size_t n;
	const uint32_t *ix = nd_model_epsets_of(m, s->m.ns, s->m.name, &n);

	for (size_t i = 0; i < n; i++) {
		const struct nd_epset *es = &m->epsets.v[ix[i]];

		for (uint32_t p = 0; p < es->nports; p++) {
			const struct nd_epport *ep = &es->ports[p];
			bool same = (!ep->name || !*ep->name) ? (!sp->name || !*sp->name)
				    : (sp->name && strcmp(ep->name, sp->name) == 0);

			if (!same || ep->proto != sp->proto)
				continue;
			for (uint32_t k = 0; k < es->naddrs; k++) {
				char hp[96];

				if (!es->addrs[k].ready && !s->publish_not_ready)
					continue;
				nd_kp_join_host_port(es->addrs[k].ip, ep->port, hp, sizeof(hp));
				add_uniq(out, nd_arena_strdup(a, hp));
			}
		}
	}
}

struct verdict {
	const char *expected;   /* chain or virtual server looked for */
	const char *problem;    /* NULL when fine */
	bool chain_found;
	bool rejects;           /* "has no endpoints" seen */
	struct strs rules;      /* endpoints the rules forward to */
};

static bool ip_is(const char *cidr, const char *ip)
{
	struct nd_cidr c;
	struct nd_ip x;

	return cidr && nd_cidr_parse(cidr, true, &c) == 0 && nd_ip_parse(ip, &x) == 0 &&
	       nd_cidr_contains(&c, &x) && (c.prefix == 32 || c.prefix == 128);
}

static void iptables_path(const struct rules *r, const struct nd_service *s,
			  const struct nd_svcport *sp, const char *spn, const char *proto,
			  struct nd_arena *a, struct verdict *v)
{
	const struct nd_ipt_table *nat = nd_ipt_table(&r->ipt, "nat");
	const struct nd_ipt_table *filter = nd_ipt_table(&r->ipt, "filter");
	const struct nd_ipt_chain *svc, *top;
	char name[ND_KP_CHAIN_MAX], svl[ND_KP_CHAIN_MAX];
	bool jumped = false;

	nd_kp_svc_chain("KUBE-SVC-", spn, proto, name, sizeof(name));
	nd_kp_svc_chain("KUBE-SVL-", spn, proto, svl, sizeof(svl));
	svc = nd_ipt_chain(nat, name);
	if (!svc && nd_ipt_chain(nat, svl))
		svc = nd_ipt_chain(nat, svl);
	v->expected = nd_arena_strdup(a, svc ? svc->name : name);
	if ((top = nd_ipt_chain(filter, "KUBE-SERVICES")) != NULL) {
		for (uint32_t i = 0; i < top->nrules; i++) {
			const struct nd_ipt_rule *ru = &filter->rules[top->rules[i]];

			if (ru->target && strcmp(ru->target, "REJECT") == 0 &&
			    ip_is(ru->dst, s->cluster_ip) && ru->dport == sp->port)
				v->rejects = true;
		}
	}
	if (!svc)
		return;
	v->chain_found = true;
	top = nd_ipt_chain(nat, "KUBE-SERVICES");
	for (uint32_t i = 0; top && i < top->nrules; i++) {
		const struct nd_ipt_rule *ru = &nat->rules[top->rules[i]];

		if (ru->target && strcmp(ru->target, svc->name) == 0)
			jumped = true;
	}
	if (!jumped)
		v->problem = "no rule in KUBE-SERVICES jumps to the Service's chain";
	for (uint32_t i = 0; i < svc->nrules; i++) {
		const struct nd_ipt_rule *ru = &nat->rules[svc->rules[i]];
		const struct nd_ipt_chain *sep;

		if (!ru->target || strncmp(ru->target, "KUBE-SEP-", 9) != 0)
			continue;
		sep = nd_ipt_chain(nat, ru->target);
		for (uint32_t k = 0; sep && k < sep->nrules; k++) {
			const struct nd_ipt_rule *d = &nat->rules[sep->rules[k]];
			char want[ND_KP_CHAIN_MAX];

			if (!d->to_dest)
				continue;
			/* a SEP whose name is not this endpoint's hash belongs elsewhere */
			nd_kp_sep_chain(spn, proto, d->to_dest, want, sizeof(want));
			add_uniq(&v->rules, strcmp(want, sep->name) == 0 ? d->to_dest
					    : nd_arena_printf(a, "%s (in %s, not its chain)",
							      d->to_dest, sep->name));
		}
	}
}

static void ipvs_path(const struct rules *r, const struct nd_service *s,
		      const struct nd_svcport *sp, const char *proto, struct nd_arena *a,
		      struct verdict *v)
{
	char hp[96];
	const struct nd_ipvs_svc *vs = nd_ipvs_find(&r->ipvs, proto, s->cluster_ip, sp->port);

	nd_kp_join_host_port(s->cluster_ip, sp->port, hp, sizeof(hp));
	v->expected = nd_arena_printf(a, "%s %s", nd_proto_name(sp->proto), hp);
	if (!vs)
		return;
	v->chain_found = true;
	for (uint32_t i = 0; i < vs->nreals; i++) {
		nd_kp_join_host_port(vs->reals[i].ip, vs->reals[i].port, hp, sizeof(hp));
		add_uniq(&v->rules, nd_arena_strdup(a, hp));
	}
}

static void nft_path(const struct rules *r, const struct nd_service *s,
		     const struct nd_svcport *sp, const char *spn, const char *proto,
		     struct nd_arena *a, struct verdict *v)
{
	const struct nd_nft_map *ips = nd_nft_map(&r->nft, "service-ips");
	const struct nd_nft_map *none = nd_nft_map(&r->nft, "no-endpoint-services");
	const struct nd_nft_chain *c;
	char name[ND_KP_CHAIN_MAX];
	bool dispatched = false;

	nd_kp_nft_service_chain("service", s->m.ns, s->m.name, proto, sp->name, name,
				sizeof(name));
	v->expected = nd_arena_strdup(a, name);
	for (uint32_t i = 0; none && i < none->nelems; i++)
		if (none->elems[i].comment && strcmp(none->elems[i].comment, spn) == 0)
			v->rejects = true;
	c = nd_nft_chain(&r->nft, name);
	if (!c)
		return;
	v->chain_found = true;
	for (uint32_t i = 0; ips && i < ips->nelems; i++)
		if (ips->elems[i].target && strcmp(ips->elems[i].target, name) == 0)
			dispatched = true;
	if (!dispatched)
		v->problem = "no element of the service-ips map leads to the Service's chain";
	for (uint32_t i = 0; i < c->ntargets; i++) {
		const struct nd_nft_chain *ep;

		if (strncmp(c->targets[i], "endpoint-", 9) != 0)
			continue;
		ep = nd_nft_chain(&r->nft, c->targets[i]);
		for (uint32_t k = 0; ep && k < ep->ndnat; k++)
			add_uniq(&v->rules, ep->dnat[k]);
	}
}

static struct nd_val *str_list(struct nd_report *r, struct nd_val *o, const char *key,
			       const struct strs *s)
{
	struct nd_val *arr = nd_obj_arr(r, o, key);

	for (size_t i = 0; i < s->n && i < MAX_LISTED; i++)
		nd_arr_str(r, arr, s->v[i]);
	return arr;
}

/* Compare every Service port of the scope with the node's rules. */
static void check_node_rules(struct nd_check_env *env, const char *node, struct rules *rl,
			     struct nd_arena *a, size_t *ports, size_t *rejects)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;

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
			struct strs api = {0}, missing = {0}, stale = {0};
			struct verdict v;
			char spn[ND_KP_CHAIN_MAX], proto[8];
			struct nd_finding *f;

			memset(&v, 0, sizeof(v));
			snprintf(proto, sizeof(proto), "%s", nd_proto_name(sp->proto));
			lower(proto);
			nd_kp_port_name(s->m.ns, s->m.name, sp->name, spn, sizeof(spn));
			api_endpoints(m, s, sp, a, &api);
			if (rl->mode == M_IPVS)
				ipvs_path(rl, s, sp, proto, a, &v);
			else if (rl->mode == M_NFT)
				nft_path(rl, s, sp, spn, proto, a, &v);
			else
				iptables_path(rl, s, sp, spn, proto, a, &v);
			(*ports)++;
			*rejects += v.rejects;
			for (size_t k = 0; k < api.n; k++)
				if (!has(&v.rules, api.v[k]))
					add_uniq(&missing, api.v[k]);
			for (size_t k = 0; k < v.rules.n; k++)
				if (!has(&api, v.rules.v[k]))
					add_uniq(&stale, v.rules.v[k]);
			if (!v.chain_found && api.n == 0)
				goto next;       /* no endpoints, no chain: as kube-proxy does */
			if (v.chain_found && !v.problem && !missing.n && !stale.n)
				goto next;
			f = nd_finding_add(r, "kube-proxy-rules-missing", "Service", s->m.ns,
					   s->m.name);
			nd_obj_str(r, f->evidence, "node", node);
			nd_obj_str(r, f->evidence, "service", spn);
			nd_obj_str(r, f->evidence, "cluster_ip", s->cluster_ip);
			nd_obj_int(r, f->evidence, "port", sp->port);
			nd_obj_str(r, f->evidence, "mode", mode_name(rl->mode));
			nd_obj_str(r, f->evidence, "expected_chain", v.expected);
			nd_obj_bool(r, f->evidence, "chain_found", v.chain_found);
			str_list(r, f->evidence, "endpoints_api", &api);
			str_list(r, f->evidence, "endpoints_rules", &v.rules);
			str_list(r, f->evidence, "missing", &missing);
			str_list(r, f->evidence, "stale", &stale);
			nd_obj_str(r, f->evidence, "source", rl->source);
			if (!v.chain_found) {
				nd_obj_str(r, f->evidence, "problem", "chain missing");
				nd_finding_summary(r, f, _("node %s has no %s for Service %s (%s:%d): "
							   "its %zu ready endpoint(s) cannot be "
							   "reached from that node"), node,
						   v.expected, spn, s->cluster_ip, sp->port, api.n);
			} else if (v.problem) {
				nd_obj_str(r, f->evidence, "problem", v.problem);
				nd_finding_summary(r, f, _("node %s: %s (Service %s)"), node,
						   _(v.problem), spn);
			} else {
				nd_obj_str(r, f->evidence, "problem", "endpoints differ");
				nd_finding_summary(r, f, _("node %s's rules for Service %s forward to "
							   "%zu endpoint(s) that are not ready in the "
							   "API and miss %zu that are"), node, spn,
						   stale.n, missing.n);
			}
			nd_finding_remedy(r, f, _("make kube-proxy on the node resync (delete its "
						  "pod; the DaemonSet recreates it) and find what "
						  "rewrote the rules if they go stale again"));
			nd_finding_command(r, f, "kubectl get pods -n kube-system -o wide "
					   "--field-selector spec.nodeName=%s", node);
			nd_finding_command(r, f, "kubectl get endpointslices -n %s -l "
					   "kubernetes.io/service-name=%s -o wide", s->m.ns,
					   s->m.name);
next:
			free(api.v);
			free(missing.v);
			free(stale.v);
			free(v.rules.v);
		}
	}
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
