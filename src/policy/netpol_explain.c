/* SPDX-License-Identifier: MIT */
/* NetworkPolicy explanations: rules in words, the closest rule, the reason, the fix (YAML). */
#include "policy/netpol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/yaml.h"
#include "k8s/model.h"
#include "core/buf.h"
#include "k8s/labels.h"
#include "core/banned.h"

const char *nd_np_ep_name(const struct nd_np_ep *ep, struct nd_arena *a)
{
	char buf[64];

	if (ep->pod)
		return nd_arena_printf(a, "%s/%s", ep->pod->m.ns, ep->pod->m.name);
	if (!ep->ip.family)
		return "?";
	nd_ip_format(&ep->ip, buf, sizeof(buf));
	return nd_arena_strdup(a, buf);
}

static void port_text(struct nd_buf *b, const struct nd_np_port *q)
{
	if (q->any)
		nd_buf_printf(b, "any port");
	else
		nd_buf_printf(b, "%d/%s", q->port, nd_proto_name(q->proto));
}

static void labels_text(struct nd_buf *b, const struct nd_labels *l)
{
	uint32_t i;

	nd_buf_printf(b, "{");
	for (i = 0; i < l->n; i++)
		nd_buf_printf(b, "%s%s=%s", i ? "," : "", l->kv[i].k, l->kv[i].v);
	nd_buf_printf(b, "}");
}

static void sel_text(struct nd_buf *b, const struct nd_selector *s, struct nd_arena *a)
{
	nd_buf_printf(b, "{%s}", nd_selector_string(s, a));
}

static void peer_text(struct nd_buf *b, const struct nd_nppeer *p, struct nd_arena *a)
{
	uint32_t i;

	if (p->has_ns_sel) {
		nd_buf_printf(b, "namespaceSelector ");
		sel_text(b, &p->ns_sel, a);
	}
	if (p->has_pod_sel) {
		nd_buf_printf(b, "%spodSelector ", p->has_ns_sel ? " " : "");
		sel_text(b, &p->pod_sel, a);
	}
	if (p->cidr && !p->has_ns_sel && !p->has_pod_sel) {
		nd_buf_printf(b, "ipBlock %s", p->cidr);
		for (i = 0; i < p->nexcept; i++)
			nd_buf_printf(b, "%s%s", i ? "," : " except ", p->except[i]);
	}
	if (!p->cidr && !p->has_ns_sel && !p->has_pod_sel)
		nd_buf_printf(b, "(empty peer: matches nothing)");
}

static void npport_text(struct nd_buf *b, const struct nd_npport *pp)
{
	if (!pp->has_port)
		nd_buf_printf(b, "all/%s", nd_proto_name(pp->proto));
	else if (pp->port_name)
		nd_buf_printf(b, "%s/%s", pp->port_name, nd_proto_name(pp->proto));
	else if (pp->end_port && pp->end_port >= pp->port)
		nd_buf_printf(b, "%d-%d/%s", pp->port, pp->end_port, nd_proto_name(pp->proto));
	else
		nd_buf_printf(b, "%d/%s", pp->port, nd_proto_name(pp->proto));
}

const char *nd_np_rule_text(const struct nd_netpol *np, bool ingress, uint32_t rule,
			    struct nd_arena *a)
{
	const struct nd_nprule *r = ingress ? &np->ingress[rule] : &np->egress[rule];
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);
	uint32_t i;

	nd_buf_printf(&b, "%s: ", ingress ? "from" : "to");
	if (!r->npeers)
		nd_buf_printf(&b, "any");
	for (i = 0; i < r->npeers; i++) {
		nd_buf_printf(&b, "%s", i ? " | " : "");
		peer_text(&b, &r->peers[i], a);
	}
	nd_buf_printf(&b, "; ports: ");
	if (!r->nports)
		nd_buf_printf(&b, "any");
	for (i = 0; i < r->nports; i++) {
		nd_buf_printf(&b, "%s", i ? ", " : "");
		npport_text(&b, &r->ports[i]);
	}
	return nd_buf_arena(&b, a);
}

/* Why peer p does not match x (appended to b), as the engine decided; true when it matches. */
static bool peer_why(const struct nd_np_engine *e, const struct nd_netpol *np,
		     const struct nd_nppeer *p, const struct nd_np_ep *x, struct nd_buf *b,
		     struct nd_arena *a)
{
	struct nd_np_miss miss;
	char ip[64];

	if (nd_np_peer_matches(e, np, p, x, &miss))
		return true;
	switch (miss.kind) {
	case ND_NP_MISS_NOT_POD:
		nd_buf_printf(b, "selects pods, %s is not a pod", nd_np_ep_name(x, a));
		break;
	case ND_NP_MISS_HOSTNET:
		nd_buf_printf(b, "selects pods, %s is a hostNetwork pod (matched by ipBlock only)",
			      nd_np_ep_name(x, a));
		break;
	case ND_NP_MISS_NS_SEL:
		nd_buf_printf(b, "namespaceSelector ");
		sel_text(b, &p->ns_sel, a);
		nd_buf_printf(b, " does not match namespace %s ", x->pod->m.ns);
		labels_text(b, nd_np_ns_labels(e, x->pod->m.ns));
		break;
	case ND_NP_MISS_OTHER_NS:
		nd_buf_printf(b, "podSelector without namespaceSelector selects pods of namespace "
			      "%s only, not %s", np->m.ns, x->pod->m.ns);
		break;
	case ND_NP_MISS_POD_SEL:
		nd_buf_printf(b, "podSelector ");
		sel_text(b, &p->pod_sel, a);
		nd_buf_printf(b, " does not match %s ", nd_np_ep_name(x, a));
		labels_text(b, &x->pod->m.labels);
		break;
	case ND_NP_MISS_NO_IP:
		nd_buf_printf(b, "ipBlock %s: %s has no IP", p->cidr, nd_np_ep_name(x, a));
		break;
	case ND_NP_MISS_NOT_IN_BLOCK:
		nd_ip_format(&x->ip, ip, sizeof(ip));
		nd_buf_printf(b, "ipBlock %s does not contain %s", p->cidr, ip);
		break;
	case ND_NP_MISS_EXCEPTED:
		nd_buf_printf(b, "ipBlock %s excepts %s", p->cidr, p->except[miss.except]);
		break;
	case ND_NP_MISS_EMPTY:
	case ND_NP_MATCH:
		nd_buf_printf(b, "empty peer (no selector, no ipBlock) matches nothing");
		break;
	}
	return false;
}

int nd_np_closest_rule(const struct nd_np_engine *e, uint32_t policy, bool ingress,
		       const struct nd_np_ep *src, const struct nd_np_ep *dst,
		       const struct nd_np_port *port, struct nd_arena *a, const char **why)
{
	const struct nd_model *m = nd_np_engine_model(e);
	const struct nd_netpol *np = &m->netpols.v[policy];
	const struct nd_nprule *rules = ingress ? np->ingress : np->egress;
	uint32_t nr = ingress ? np->ningress : np->negress, r, j;
	const struct nd_np_ep *peer = ingress ? src : dst;
	int best = -1, best_score = -1;
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);

	if (!nr) {
		*why = nd_arena_printf(a, "%s has no %s rules: it denies all %s traffic %s the pods "
				       "it selects", np->m.name, ingress ? "ingress" : "egress",
				       ingress ? "ingress" : "egress", ingress ? "to" : "from");
		return -1;
	}
	for (r = 0; r < nr; r++) {
		int score = 0;
		bool pm = !rules[r].npeers, qm = !rules[r].nports;
		struct nd_buf tmp = ND_BUF_INIT(ND_TEXT_MAX);

		for (j = 0; j < rules[r].npeers && !pm; j++)
			pm = peer_why(e, np, &rules[r].peers[j], peer, &tmp, a);
		nd_buf_release(&tmp);
		for (j = 0; j < rules[r].nports && !qm; j++)
			qm = nd_np_port_matches(&rules[r].ports[j], port, dst->pod);
		score = pm + qm;
		if (score > best_score) {
			best_score = score;
			best = (int)r;
		}
	}
	nd_buf_printf(&b, "%s[%d] (%s): ", ingress ? "ingress" : "egress", best,
		  nd_np_rule_text(np, ingress, (uint32_t)best, a));
	{
		const struct nd_nprule *ru = &rules[best];
		bool pm = !ru->npeers, qm = !ru->nports, first = true;

		for (j = 0; j < ru->npeers && !pm; j++) {
			struct nd_buf tmp = ND_BUF_INIT(ND_TEXT_MAX);

			pm = peer_why(e, np, &ru->peers[j], peer, &tmp, a);
			if (!pm && j < 3) {
				nd_buf_printf(&b, "%s%s", first ? "" : "; ", tmp.p ? tmp.p : "");
				first = false;
			}
			nd_buf_release(&tmp);
		}
		if (pm)
			nd_buf_printf(&b, "%s matches", nd_np_ep_name(peer, a));
		for (j = 0; j < ru->nports && !qm; j++)
			qm = nd_np_port_matches(&ru->ports[j], port, dst->pod);
		if (!qm) {
			nd_buf_printf(&b, "; port ");
			port_text(&b, port);
			nd_buf_printf(&b, " is not in its ports");
			for (j = 0; j < ru->nports; j++)
				if (ru->ports[j].port_name && dst->pod) {
					nd_buf_printf(&b, " (named ports resolve on %s)",
						  nd_np_ep_name(dst, a));
					break;
				}
		} else {
			nd_buf_printf(&b, "; the port matches");
		}
	}
	*why = nd_buf_arena(&b, a);
	return best;
}

static void pol_list(struct nd_buf *b, const struct nd_model *m, const struct nd_np_side *s)
{
	uint32_t i;

	for (i = 0; i < s->npolicies && i < 5; i++)
		nd_buf_printf(b, "%s%s", i ? ", " : "", m->netpols.v[s->policies[i]].m.name);
	if (s->npolicies > 5)
		nd_buf_printf(b, " and %u more", s->npolicies - 5);
}

static void side_reason(struct nd_buf *b, const struct nd_model *m, const struct nd_np_side *s,
			bool ingress, const char *who, const char *peer, const struct nd_np_port *q,
			struct nd_arena *a)
{
	if (!s->evaluated) {
		nd_buf_printf(b, "%s: %s", ingress ? "ingress" : "egress", s->note);
		return;
	}
	if (!s->isolated) {
		nd_buf_printf(b, "%s of %s: not isolated (no %s policy selects it)",
			  ingress ? "ingress" : "egress", who, ingress ? "Ingress" : "Egress");
		return;
	}
	if (s->allowed) {
		const struct nd_np_allow *al = &s->allow[0];

		nd_buf_printf(b, "%s of %s: allowed by %s %s[%u]", ingress ? "ingress" : "egress", who,
			  m->netpols.v[al->policy].m.name, ingress ? "ingress" : "egress", al->rule);
		if (s->some_ports_only)
			nd_buf_printf(b, " (on some ports only)");
		return;
	}
	nd_buf_printf(b, "%s of %s is isolated by ", ingress ? "ingress" : "egress", who);
	pol_list(b, m, s);
	nd_buf_printf(b, " and no rule allows %s %s ", ingress ? "from" : "to", peer);
	port_text(b, q);
	(void)a;
}

const char *nd_np_reason(const struct nd_np_engine *e, const struct nd_np_ep *src,
			 const struct nd_np_ep *dst, const struct nd_np_port *port,
			 const struct nd_np_verdict *v, struct nd_arena *a)
{
	const struct nd_model *m = nd_np_engine_model(e);
	const char *sn = nd_np_ep_name(src, a), *dn = nd_np_ep_name(dst, a);
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);

	if (v->always) {
		nd_buf_printf(&b, "allowed: %s", v->always);
		return nd_buf_arena(&b, a);
	}
	nd_buf_printf(&b, "%s: ", v->allowed ? "allowed" : "denied");
	if (v->allowed) {
		side_reason(&b, m, &v->egress, false, sn, dn, port, a);
		nd_buf_printf(&b, "; ");
		side_reason(&b, m, &v->ingress, true, dn, sn, port, a);
	} else {
		bool both = !v->egress.allowed && !v->ingress.allowed;

		if (!v->egress.allowed)
			side_reason(&b, m, &v->egress, false, sn, dn, port, a);
		if (both)
			nd_buf_printf(&b, "; ");
		if (!v->ingress.allowed)
			side_reason(&b, m, &v->ingress, true, dn, sn, port, a);
	}
	return nd_buf_arena(&b, a);
}

/* ---- the fix ---- */

static bool hashy(const char *k)
{
	return strcmp(k, "pod-template-hash") == 0 || strcmp(k, "controller-revision-hash") == 0 ||
	       strcmp(k, "pod-template-generation") == 0 ||
	       strcmp(k, "statefulset.kubernetes.io/pod-name") == 0 ||
	       strcmp(k, "apps.kubernetes.io/pod-index") == 0 ||
	       strcmp(k, "batch.kubernetes.io/controller-uid") == 0 ||
	       strcmp(k, "controller-uid") == 0;
}

/* matchLabels that pick the pod: a name label when it has one, else its stable labels. */
static void match_labels(struct nd_yaml *y, const struct nd_pod *p)
{
	static const char *const names[] = {"app.kubernetes.io/name", "app", "k8s-app", "name"};
	const struct nd_labels *l = &p->m.labels;
	size_t i;
	uint32_t j, k = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = NULL;

		for (j = 0; j < l->n && !v; j++)
			if (strcmp(l->kv[j].k, names[i]) == 0)
				v = l->kv[j].v;
		if (v) {
			nd_yaml_map(y);
			nd_yaml_str(y, "matchLabels");
			nd_yaml_map(y);
			nd_yaml_kv(y, names[i], v);
			nd_yaml_end(y);
			nd_yaml_end(y);
			return;
		}
	}
	for (j = 0; j < l->n; j++)
		if (!hashy(l->kv[j].k))
			k++;
	nd_yaml_map(y);
	if (!k) {
		nd_yaml_note(y, "pod %s/%s has no stable labels: its podSelector {} selects every "
			     "pod of namespace %s", p->m.ns, p->m.name, p->m.ns);
		nd_yaml_end(y);
		return;
	}
	nd_yaml_str(y, "matchLabels");
	nd_yaml_map(y);
	for (j = 0; j < l->n; j++)
		if (!hashy(l->kv[j].k))
			nd_yaml_kv(y, l->kv[j].k, l->kv[j].v);
	nd_yaml_end(y);
	nd_yaml_end(y);
}

static const char *dns_name(const char *s, size_t max, struct nd_arena *a)
{
	char *out = nd_arena_alloc(a, max + 1);
	size_t n = 0;

	for (; *s && n < max; s++, n++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		out[n] = c;
	}
	out[n] = '\0';
	return out;
}

/* The peer, one item of from: / to:. */
static void peer_yaml(struct nd_yaml *y, const struct nd_np_ep *x)
{
	char ip[64], cidr[80];

	nd_yaml_map(y);
	if (x->pod && !x->pod->host_network) {
		nd_yaml_str(y, "namespaceSelector");
		nd_yaml_map(y);
		nd_yaml_str(y, "matchLabels");
		nd_yaml_map(y);
		nd_yaml_kv(y, "kubernetes.io/metadata.name", x->pod->m.ns);
		nd_yaml_end(y);
		nd_yaml_end(y);
		nd_yaml_str(y, "podSelector");
		match_labels(y, x->pod);
	} else {
		nd_ip_format(&x->ip, ip, sizeof(ip));
		snprintf(cidr, sizeof(cidr), "%s/%d", ip, x->ip.family == 6 ? 128 : 32);
		nd_yaml_str(y, "ipBlock");
		nd_yaml_map(y);
		nd_yaml_kv(y, "cidr", cidr);
		nd_yaml_end(y);
	}
	nd_yaml_end(y);
}

static void policy_yaml(struct nd_yaml *y, bool ingress, const struct nd_np_ep *self,
			const struct nd_np_ep *peer, const struct nd_np_port *q,
			struct nd_arena *a)
{
	const char *pn = peer->pod ? peer->pod->m.name : nd_np_ep_name(peer, a);

	nd_yaml_doc(y);
	nd_yaml_map(y);
	nd_yaml_kv(y, "apiVersion", "networking.k8s.io/v1");
	nd_yaml_kv(y, "kind", "NetworkPolicy");
	nd_yaml_str(y, "metadata");
	nd_yaml_map(y);
	nd_yaml_kv(y, "name", nd_arena_printf(a, "allow-%s-%s", ingress ? "from" : "to",
					       dns_name(pn, 40, a)));
	nd_yaml_kv(y, "namespace", self->pod->m.ns);
	nd_yaml_end(y);
	nd_yaml_str(y, "spec");
	nd_yaml_map(y);
	nd_yaml_str(y, "podSelector");
	match_labels(y, self->pod);
	nd_yaml_str(y, "policyTypes");
	nd_yaml_seq(y);
	nd_yaml_str(y, ingress ? "Ingress" : "Egress");
	nd_yaml_end(y);
	nd_yaml_str(y, ingress ? "ingress" : "egress");
	nd_yaml_seq(y);
	nd_yaml_map(y);
	nd_yaml_str(y, ingress ? "from" : "to");
	nd_yaml_seq(y);
	peer_yaml(y, peer);
	nd_yaml_end(y);
	if (!q->any) {
		nd_yaml_str(y, "ports");
		nd_yaml_seq(y);
		nd_yaml_map(y);
		nd_yaml_kv(y, "protocol", nd_proto_name(q->proto));
		nd_yaml_kv_int(y, "port", q->port);
		nd_yaml_end(y);
		nd_yaml_end(y);
	}
	nd_yaml_end(y);
	nd_yaml_end(y);
	nd_yaml_end(y);
	nd_yaml_end(y);
}

const char *nd_np_fix_yaml(const struct nd_np_engine *e, const struct nd_np_ep *src,
			   const struct nd_np_ep *dst, const struct nd_np_port *port,
			   const struct nd_np_verdict *v, struct nd_arena *a)
{
	struct nd_yaml *y;

	(void)e;
	if (v->allowed)
		return NULL;
	y = nd_yaml_new();
	if (!v->egress.allowed && src->pod)
		policy_yaml(y, false, src, dst, port, a);
	if (!v->ingress.allowed && dst->pod)
		policy_yaml(y, true, dst, src, port, a);
	return nd_yaml_done(y, a);
}
