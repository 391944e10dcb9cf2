/* SPDX-License-Identifier: MIT */
/* The NetworkPolicy engine: namespaces, selection, rule matching, classes, matrix. */
#include "policy/netpol.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/num.h"
#include "k8s/model.h"
#include "k8s/labels.h"
#include "core/banned.h"
#include "core/i18n.h"

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

struct ns_ent {
	const char *name;
	struct nd_labels labels;    /* with NS_NAME_LABEL */
	uint32_t *pols;             /* policies of this namespace */
	uint32_t npols;
	size_t cap;
};

struct nd_np_engine {
	const struct nd_model *m;
	struct nd_arena *a;
	struct ns_ent *ns;
	size_t nns, capns;
	uint32_t *slots;            /* open addressing: index+1 into ns, 0 empty */
	size_t nslots;
};

static bool streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t ns_slot(const struct nd_np_engine *e, const char *name, bool *found)
{
	size_t mask = e->nslots - 1, i = (size_t)nd_hash(name, strlen(name)) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t s = e->slots[i];

		if (!s) {
			*found = false;
			return i;
		}
		if (streq(e->ns[s - 1].name, name)) {
			*found = true;
			return i;
		}
	}
}

static struct ns_ent *ns_get(const struct nd_np_engine *e, const char *name)
{
	bool found;
	size_t i;

	if (!name || !e->nslots)
		return NULL;
	i = ns_slot(e, name, &found);
	return found ? &e->ns[e->slots[i] - 1] : NULL;
}

/* labels plus NS_NAME_LABEL=name, sorted by key; the label is replaced when present. */
static void ns_labels(struct nd_arena *a, const char *name, const struct nd_labels *in,
		      struct nd_labels *out)
{
	uint32_t i, j = 0;
	bool put = false;

	out->kv = nd_arena_alloc(a, ((in ? in->n : 0) + 1) * sizeof(*out->kv));
	for (i = 0; in && i < in->n; i++) {
		int c = strcmp(in->kv[i].k, NS_NAME_LABEL);

		if (!put && c >= 0) {
			out->kv[j].k = NS_NAME_LABEL;
			out->kv[j++].v = name;
			put = true;
			if (c == 0)
				continue;
		}
		out->kv[j++] = in->kv[i];
	}
	if (!put) {
		out->kv[j].k = NS_NAME_LABEL;
		out->kv[j++].v = name;
	}
	out->n = j;
}

static struct ns_ent *ns_add(struct nd_np_engine *e, const char *name,
			     const struct nd_labels *labels)
{
	bool found;
	size_t i;
	struct ns_ent *n;

	if (!name)
		return NULL;
	i = ns_slot(e, name, &found);
	if (found) {
		n = &e->ns[e->slots[i] - 1];
		if (labels)
			ns_labels(e->a, name, labels, &n->labels);
		return n;
	}
	ND_GROW(e->ns, e->capns, e->nns + 1);
	n = &e->ns[e->nns++];
	memset(n, 0, sizeof(*n));
	n->name = name;
	ns_labels(e->a, name, labels, &n->labels);
	e->slots[i] = (uint32_t)e->nns;
	return n;
}

struct nd_np_engine *nd_np_engine_new(const struct nd_model *m)
{
	struct nd_np_engine *e = nd_xcalloc(1, sizeof(*e));
	size_t i, want = m->namespaces.n + m->netpols.n + 16;

	e->m = m;
	e->a = nd_arena_new(0);
	/* pods may name namespaces with no Namespace object: size for the worst case lazily */
	e->nslots = 64;
	while (e->nslots < 2 * want)
		e->nslots <<= 1;
	e->slots = nd_xcalloc(e->nslots, sizeof(*e->slots));
	for (i = 0; i < m->namespaces.n; i++)
		ns_add(e, m->namespaces.v[i].m.name, &m->namespaces.v[i].m.labels);
	for (i = 0; i < m->netpols.n; i++) {
		struct ns_ent *n = ns_get(e, m->netpols.v[i].m.ns);

		if (!n)
			n = ns_add(e, m->netpols.v[i].m.ns, NULL);
		if (!n)
			continue;
		ND_GROW(n->pols, n->cap, n->npols + 1);
		n->pols[n->npols++] = (uint32_t)i;
	}
	for (i = 0; i < m->pods.n; i++) {
		const char *ns = m->pods.v[i].m.ns;

		if (!ns || ns_get(e, ns))
			continue;
		if (2 * (e->nns + 1) > e->nslots) {
			/* rehash */
			size_t j;

			free(e->slots);
			e->nslots <<= 1;
			e->slots = nd_xcalloc(e->nslots, sizeof(*e->slots));
			for (j = 0; j < e->nns; j++) {
				bool f;

				e->slots[ns_slot(e, e->ns[j].name, &f)] = (uint32_t)(j + 1);
			}
		}
		ns_add(e, ns, NULL);
	}
	return e;
}

void nd_np_engine_free(struct nd_np_engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nns; i++)
		free(e->ns[i].pols);
	free(e->ns);
	free(e->slots);
	nd_arena_free(e->a);
	free(e);
}

const struct nd_model *nd_np_engine_model(const struct nd_np_engine *e)
{
	return e->m;
}

const struct nd_labels *nd_np_ns_labels(const struct nd_np_engine *e, const char *ns)
{
	static const struct nd_labels none;
	const struct ns_ent *n = ns_get(e, ns);

	return n ? &n->labels : &none;
}

void nd_np_ep_pod(struct nd_np_ep *ep, const struct nd_pod *p)
{
	memset(ep, 0, sizeof(*ep));
	ep->pod = p;
	if (p && p->nips && nd_ip_parse(p->ips[0], &ep->ip) < 0)
		ep->ip.family = 0;
}

static const struct nd_pod *live_pod_by_ip(const struct nd_model *m, const char *ip)
{
	size_t n, i;
	const uint32_t *v = nd_model_pods_by_ip(m, ip, &n);

	for (i = 0; i < n; i++)
		if (nd_pod_is_live(&m->pods.v[v[i]]) && !m->pods.v[v[i]].host_network)
			return &m->pods.v[v[i]];
	for (i = 0; i < n; i++)
		if (nd_pod_is_live(&m->pods.v[v[i]]))
			return &m->pods.v[v[i]];
	return NULL;
}

int nd_np_ep_parse(const struct nd_np_engine *e, const char *arg, const char *default_ns,
		   struct nd_np_ep *ep, struct nd_err *err)
{
	const char *slash = strchr(arg, '/');
	const struct nd_pod *p;
	struct nd_ip ip;
	char ns[256];

	memset(ep, 0, sizeof(*ep));
	if (nd_ip_parse(arg, &ip) == 0) {
		char canon[64];

		nd_ip_format(&ip, canon, sizeof(canon));
		p = live_pod_by_ip(e->m, canon);
		if (p)
			nd_np_ep_pod(ep, p);
		ep->ip = ip;
		return 0;
	}
	if (slash && (size_t)(slash - arg) < sizeof(ns)) {
		memcpy(ns, arg, (size_t)(slash - arg));
		ns[slash - arg] = '\0';
		p = nd_model_pod(e->m, ns, slash + 1);
	} else {
		snprintf(ns, sizeof(ns), "%s", default_ns ? default_ns : "default");
		p = nd_model_pod(e->m, ns, arg);
	}
	if (!p)
		return nd_err_set(err, _("'%s' is neither an IP address nor a pod in the source"), arg);
	nd_np_ep_pod(ep, p);
	return 0;
}

int nd_np_port_parse(const char *s, struct nd_np_port *out, struct nd_err *e)
{
	const char *slash;
	char num[16], proto[8];
	size_t n, i;
	int64_t v;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		out->any = true;
		return 0;
	}
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(num))
		return nd_err_set(e, _("invalid port '%s': expected PORT or PORT/PROTOCOL"), s);
	memcpy(num, s, n);
	num[n] = '\0';
	if (nd_parse_i64(num, n, 1, 65535, &v) < 0)
		return nd_err_set(e, _("invalid port '%s': a number from 1 to 65535"), num);
	out->port = (int32_t)v;
	if (slash) {
		const char *p = slash + 1;

		if (strlen(p) >= sizeof(proto))
			return nd_err_set(e, _("invalid protocol '%s': TCP, UDP or SCTP"), p);
		for (i = 0; p[i]; i++)
			proto[i] = (char)toupper((unsigned char)p[i]);
		proto[i] = '\0';
		if (!*proto || nd_proto_parse(proto, &out->proto) < 0)
			return nd_err_set(e, _("invalid protocol '%s': TCP, UDP or SCTP"), p);
	}
	return 0;
}

/* ---- matching ---- */

enum { NO = 0, YES = 1, MAYBE = 2 };

static int ip_block(const struct nd_nppeer *p, const struct nd_ip *ip, struct nd_np_miss *miss)
{
	struct nd_cidr c;
	uint32_t i;

	if (!ip->family) {
		miss->kind = ND_NP_MISS_NO_IP;
		return NO;
	}
	if (nd_cidr_parse(p->cidr, false, &c) < 0 || c.ip.family != ip->family ||
	    !nd_cidr_contains(&c, ip)) {
		miss->kind = ND_NP_MISS_NOT_IN_BLOCK;
		return NO;
	}
	for (i = 0; i < p->nexcept; i++) {
		struct nd_cidr x;

		if (nd_cidr_parse(p->except[i], false, &x) == 0 && x.ip.family == ip->family &&
		    nd_cidr_contains(&x, ip)) {
			miss->kind = ND_NP_MISS_EXCEPTED;
			miss->except = i;
			return NO;
		}
	}
	return YES;
}

/* Does peer p of policy np match endpoint x? MAYBE when only its address could tell. */
static int peer_match(const struct nd_np_engine *e, const struct nd_netpol *np,
		      const struct nd_nppeer *p, const struct nd_np_ep *x, bool ip_unknown,
		      struct nd_np_miss *miss)
{
	miss->kind = ND_NP_MATCH;
	miss->except = 0;
	if (p->has_pod_sel || p->has_ns_sel) {
		if (!x->pod || x->pod->host_network) {
			miss->kind = !x->pod ? ND_NP_MISS_NOT_POD : ND_NP_MISS_HOSTNET;
			return NO;
		}
		if (p->has_ns_sel) {
			if (!nd_selector_matches(&p->ns_sel, nd_np_ns_labels(e, x->pod->m.ns))) {
				miss->kind = ND_NP_MISS_NS_SEL;
				return NO;
			}
		} else if (!streq(x->pod->m.ns, np->m.ns)) {
			miss->kind = ND_NP_MISS_OTHER_NS;
			return NO;
		}
		if (p->has_pod_sel && !nd_selector_matches(&p->pod_sel, &x->pod->m.labels)) {
			miss->kind = ND_NP_MISS_POD_SEL;
			return NO;
		}
		return YES;
	}
	if (p->cidr)
		return ip_unknown ? MAYBE : ip_block(p, &x->ip, miss);
	miss->kind = ND_NP_MISS_EMPTY;
	return NO;
}

bool nd_np_peer_matches(const struct nd_np_engine *e, const struct nd_netpol *np,
			const struct nd_nppeer *p, const struct nd_np_ep *x, struct nd_np_miss *miss)
{
	return peer_match(e, np, p, x, false, miss) == YES;
}

bool nd_np_port_matches(const struct nd_npport *pp, const struct nd_np_port *q,
			const struct nd_pod *dst)
{
	uint32_t i;

	if (q->any)
		return true;
	if (pp->proto != q->proto)
		return false;
	if (!pp->has_port)
		return true;
	if (pp->port_name) {
		if (!dst)
			return false;
		for (i = 0; i < dst->nports; i++)
			if (dst->ports[i].name && streq(dst->ports[i].name, pp->port_name) &&
			    dst->ports[i].proto == q->proto && dst->ports[i].port == q->port)
				return true;
		return false;
	}
	if (pp->end_port && pp->end_port >= pp->port)
		return q->port >= pp->port && q->port <= pp->end_port;
	return q->port == pp->port;
}

/* The pod is selected by np for the direction. */
static bool selects(const struct nd_netpol *np, bool ingress, const struct nd_pod *p)
{
	if (ingress ? !np->ingress_type : !np->egress_type)
		return false;
	return !p->host_network && streq(np->m.ns, p->m.ns) &&
	       nd_selector_matches(&np->pod_sel, &p->m.labels);
}

/*
 * Selecting policies of pod p for a direction, into *out (from a, or a
 * malloc'd array when a is NULL). Returns the count.
 */
static uint32_t selecting(const struct nd_np_engine *e, const struct nd_pod *p, bool ingress,
			  struct nd_arena *a, uint32_t **out)
{
	const struct ns_ent *n = ns_get(e, p->m.ns);
	uint32_t i, k = 0;

	*out = NULL;
	if (!n || !n->npols || p->host_network)
		return 0;
	*out = a ? nd_arena_alloc(a, n->npols * sizeof(**out)) : nd_xmalloc(n->npols * sizeof(**out));
	for (i = 0; i < n->npols; i++)
		if (selects(&e->m->netpols.v[n->pols[i]], ingress, p))
			(*out)[k++] = n->pols[i];
	return k;
}

/*
 * One side: the policies pols (already known to select the pod) decide
 * whether peer may talk with the pod on port (named ports resolved on dst).
 * Collects allowing rules into s when a is given; otherwise stops at the
 * first. Returns YES, NO or MAYBE (an ipBlock decides and ip_unknown).
 */
static int decide(const struct nd_np_engine *e, const uint32_t *pols, uint32_t npols,
		  bool ingress, const struct nd_np_ep *peer, const struct nd_pod *dst,
		  const struct nd_np_port *q, bool ip_unknown, struct nd_arena *a,
		  struct nd_np_side *s)
{
	uint32_t i, r, j;
	bool maybe = false, any_allow = false, all_limited = true;

	if (!npols)
		return YES;
	for (i = 0; i < npols; i++) {
		const struct nd_netpol *np = &e->m->netpols.v[pols[i]];
		const struct nd_nprule *rules = ingress ? np->ingress : np->egress;
		uint32_t nrules = ingress ? np->ningress : np->negress;

		for (r = 0; r < nrules; r++) {
			const struct nd_nprule *ru = &rules[r];
			int pm = ru->npeers ? NO : YES, peer_i = -1, port_i = -1;

			for (j = 0; j < ru->npeers && pm != YES; j++) {
				struct nd_np_miss miss;
				int x = peer_match(e, np, &ru->peers[j], peer, ip_unknown, &miss);

				if (x == YES || (x == MAYBE && pm == NO)) {
					pm = x;
					peer_i = (int)j;
				}
			}
			if (pm == NO)
				continue;
			if (ru->nports) {
				for (j = 0; j < ru->nports; j++)
					if (nd_np_port_matches(&ru->ports[j], q, dst))
						break;
				if (j == ru->nports)
					continue;
				port_i = (int)j;
			}
			if (pm == MAYBE) {
				maybe = true;
				continue;
			}
			any_allow = true;
			if (!ru->nports)
				all_limited = false;
			if (!a)
				return YES;
			if (s->nallow < ND_NP_MAX_ALLOW) {
				if (!s->allow)
					s->allow = nd_arena_alloc(a, ND_NP_MAX_ALLOW * sizeof(*s->allow));
				s->allow[s->nallow++] = (struct nd_np_allow){pols[i], r, peer_i, port_i};
			} else {
				s->allow_truncated = true;
			}
		}
	}
	if (s)
		s->some_ports_only = any_allow && all_limited && q->any;
	return any_allow ? YES : maybe ? MAYBE : NO;
}

/* a is a pod's own node: the InternalIP of the node p runs on. */
static bool from_own_node(const struct nd_model *m, const struct nd_np_ep *a,
			  const struct nd_pod *p)
{
	const struct nd_node *n;
	struct nd_ip ip;

	if (!p || !p->node || p->host_network)
		return false;
	if (a->pod && a->pod->host_network)
		return streq(a->pod->node, p->node);
	if (a->pod || !a->ip.family)
		return false;
	n = nd_model_node(m, p->node);
	return n && n->internal_ip && nd_ip_parse(n->internal_ip, &ip) == 0 &&
	       nd_ip_equal(&ip, &a->ip);
}

static void side(const struct nd_np_engine *e, bool ingress, const struct nd_np_ep *self,
		 const struct nd_np_ep *peer, const struct nd_np_ep *dst,
		 const struct nd_np_port *q, struct nd_arena *a, struct nd_np_side *s)
{
	memset(s, 0, sizeof(*s));
	if (!self->pod) {
		s->note = ingress ? "the destination is not a pod: no ingress policy applies"
				  : "the source is not a pod: no egress policy applies";
		s->allowed = true;
		return;
	}
	if (self->pod->host_network) {
		s->note = "hostNetwork pod: NetworkPolicies do not select it";
		s->allowed = true;
		return;
	}
	s->evaluated = true;
	s->npolicies = selecting(e, self->pod, ingress, a, &s->policies);
	s->isolated = s->npolicies > 0;
	s->allowed = decide(e, s->policies, s->npolicies, ingress, peer, dst->pod, q, false, a,
			    s) == YES;
}

void nd_np_evaluate(const struct nd_np_engine *e, const struct nd_np_ep *src,
		    const struct nd_np_ep *dst, const struct nd_np_port *port,
		    struct nd_arena *a, struct nd_np_verdict *out)
{
	memset(out, 0, sizeof(*out));
	side(e, false, src, dst, dst, port, a, &out->egress);
	side(e, true, dst, src, dst, port, a, &out->ingress);
	out->allowed = out->egress.allowed && out->ingress.allowed;
	if (src->pod && dst->pod && src->pod == dst->pod)
		out->always = "a pod's traffic to itself is not subject to NetworkPolicy";
	else if (from_own_node(e->m, src, dst->pod))
		out->always = "traffic from the node a pod runs on to the pod is always allowed";
	else if (from_own_node(e->m, dst, src->pod))
		out->always = "traffic from a pod to the node it runs on is always allowed";
	if (out->always)
		out->allowed = true;
}

/* ---- matrix ---- */

struct np_class {
	const struct nd_pod *rep;   /* a member, to decide the class */
	uint32_t *ing, *eg;         /* selecting policies (malloc'd) */
	uint32_t ning, neg;
};

static uint64_t pod_key(const struct nd_pod *p)
{
	uint64_t h = nd_hash(p->m.ns, strlen(p->m.ns));
	uint32_t i;

	for (i = 0; i < p->m.labels.n; i++) {
		h = h * 1099511628211ULL ^ nd_hash(p->m.labels.kv[i].k, strlen(p->m.labels.kv[i].k));
		h = h * 1099511628211ULL ^ nd_hash(p->m.labels.kv[i].v, strlen(p->m.labels.kv[i].v));
	}
	for (i = 0; i < p->nports; i++) {
		const struct nd_cport *c = &p->ports[i];

		h = h * 1099511628211ULL ^ (uint64_t)(uint32_t)c->port ^ ((uint64_t)c->proto << 32);
		if (c->name)
			h ^= nd_hash(c->name, strlen(c->name));
	}
	return h;
}

static bool same_class(const struct nd_pod *a, const struct nd_pod *b)
{
	uint32_t i;

	if (!streq(a->m.ns, b->m.ns) || a->m.labels.n != b->m.labels.n || a->nports != b->nports ||
	    a->host_network != b->host_network)
		return false;
	for (i = 0; i < a->m.labels.n; i++)
		if (!streq(a->m.labels.kv[i].k, b->m.labels.kv[i].k) ||
		    !streq(a->m.labels.kv[i].v, b->m.labels.kv[i].v))
			return false;
	for (i = 0; i < a->nports; i++)
		if (a->ports[i].port != b->ports[i].port || a->ports[i].proto != b->ports[i].proto ||
		    !streq(a->ports[i].name, b->ports[i].name))
			return false;
	return true;
}

static int cmp_pod(const void *x, const void *y, void *arg)
{
	const struct nd_model *m = arg;
	const struct nd_pod *a = &m->pods.v[*(const uint32_t *)x];
	const struct nd_pod *b = &m->pods.v[*(const uint32_t *)y];
	int c = strcmp(a->m.ns, b->m.ns);

	return c ? c : strcmp(a->m.name, b->m.name);
}

int nd_np_matrix(const struct nd_np_engine *e, const char *ns, const struct nd_np_port *port,
		 size_t max_pods, struct nd_np_matrix *out, struct nd_err *err)
{
	const struct nd_model *m = e->m;
	struct np_class *cls = NULL;
	uint32_t *cof = NULL, *slots = NULL;
	size_t i, j, n = 0, ncls = 0, capc = 0, nslots = 64;
	uint8_t *cmx = NULL;
	struct nd_np_ep *eps = NULL;

	memset(out, 0, sizeof(*out));
	if (!max_pods)
		max_pods = ND_NP_MATRIX_MAX;
	out->pods = nd_xmalloc((m->pods.n ? m->pods.n : 1) * sizeof(*out->pods));
	for (i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];

		if (!p->m.ns || !nd_pod_is_live(p) || p->host_network || !p->nips ||
		    (ns && !streq(p->m.ns, ns)))
			continue;
		out->pods[n++] = (uint32_t)i;
	}
	if (n > max_pods) {
		nd_err_set(err, _("%zu pods are in scope, more than the matrix limit of %zu: narrow it "
			   "with -n NAMESPACE"), n, max_pods);
		free(out->pods);
		out->pods = NULL;
		return -1;
	}
	qsort_r(out->pods, n, sizeof(*out->pods), cmp_pod, (void *)m);
	out->n = n;

	/* classes */
	while (nslots < 2 * n)
		nslots <<= 1;
	slots = nd_xcalloc(nslots, sizeof(*slots));
	cof = nd_xmalloc((n ? n : 1) * sizeof(*cof));
	for (i = 0; i < n; i++) {
		const struct nd_pod *p = &m->pods.v[out->pods[i]];
		size_t s = (size_t)pod_key(p) & (nslots - 1);

		for (;; s = (s + 1) & (nslots - 1)) {
			if (!slots[s]) {
				ND_GROW(cls, capc, ncls + 1);
				memset(&cls[ncls], 0, sizeof(cls[ncls]));
				cls[ncls].rep = p;
				slots[s] = (uint32_t)++ncls;
				break;
			}
			if (same_class(cls[slots[s] - 1].rep, p))
				break;
		}
		cof[i] = slots[s] - 1;
	}
	for (i = 0; i < ncls; i++) {
		cls[i].ning = selecting(e, cls[i].rep, true, NULL, &cls[i].ing);
		cls[i].neg = selecting(e, cls[i].rep, false, NULL, &cls[i].eg);
	}
	out->nclasses = ncls;

	/* per class pair: YES, NO or MAYBE */
	cmx = nd_xmalloc(ncls ? ncls * ncls : 1);
	for (i = 0; i < ncls; i++)
		for (j = 0; j < ncls; j++) {
			struct nd_np_ep s = {.pod = cls[i].rep}, d = {.pod = cls[j].rep};
			int eg = decide(e, cls[i].eg, cls[i].neg, false, &d, d.pod, port, true, NULL,
					NULL);
			int in = eg == NO ? NO : decide(e, cls[j].ing, cls[j].ning, true, &s, d.pod,
							port, true, NULL, NULL);

			cmx[i * ncls + j] = (uint8_t)(eg == NO || in == NO ? NO :
						      eg == YES && in == YES ? YES : MAYBE);
		}

	out->allowed = nd_xcalloc(n ? n * n : 1, 1);
	eps = nd_xmalloc((n ? n : 1) * sizeof(*eps));
	for (i = 0; i < n; i++)
		nd_np_ep_pod(&eps[i], &m->pods.v[out->pods[i]]);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			uint8_t c = cmx[cof[i] * ncls + cof[j]];

			if (i == j) {
				out->allowed[i * n + j] = 1;    /* a pod to itself: see netpol.h */
				continue;
			}
			if (c == MAYBE) {
				const struct np_class *cs = &cls[cof[i]], *cd = &cls[cof[j]];
				int eg = decide(e, cs->eg, cs->neg, false, &eps[j], eps[j].pod, port,
						false, NULL, NULL);
				int in = eg == YES ? decide(e, cd->ing, cd->ning, true, &eps[i],
							    eps[j].pod, port, false, NULL, NULL) : NO;

				c = eg == YES && in == YES ? YES : NO;
				out->refined++;
			}
			out->allowed[i * n + j] = c == YES;
		}
	for (i = 0; i < ncls; i++) {
		free(cls[i].ing);
		free(cls[i].eg);
	}
	free(cls);
	free(cof);
	free(slots);
	free(cmx);
	free(eps);
	return 0;
}

void nd_np_matrix_release(struct nd_np_matrix *mx)
{
	if (!mx)
		return;
	free(mx->pods);
	free(mx->allowed);
	memset(mx, 0, sizeof(*mx));
}
