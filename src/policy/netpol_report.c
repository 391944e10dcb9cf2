/* SPDX-License-Identifier: MIT */
/* NetworkPolicy verdicts as report values (the can-reach verdict, the netpol-denies finding) and the can-reach arguments. */
#include "policy/netpol_report.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/yaml.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

static const char *pol_name(const struct nd_model *m, uint32_t i, struct nd_arena *a)
{
	return nd_arena_printf(a, "%s/%s", m->netpols.v[i].m.ns, m->netpols.v[i].m.name);
}

static const char *port_str(const struct nd_np_port *q, struct nd_arena *a)
{
	return q->any ? "any" : nd_arena_printf(a, "%d/%s", q->port, nd_proto_name(q->proto));
}

static void ep_val(struct nd_report *r, struct nd_val *o, const char *key, const struct nd_np_ep *x)
{
	struct nd_val *v = nd_obj_obj(r, o, key), *l;
	char ip[64];
	uint32_t i;

	if (x->pod)
		nd_obj_str(r, v, "pod", nd_np_ep_name(x, r->arena));
	if (x->ip.family) {
		nd_ip_format(&x->ip, ip, sizeof(ip));
		nd_obj_str(r, v, "ip", ip);
	} else {
		nd_obj_str(r, v, "ip", NULL);
	}
	if (x->pod) {
		l = nd_obj_obj(r, v, "labels");
		for (i = 0; i < x->pod->m.labels.n; i++)
			nd_obj_str(r, l, x->pod->m.labels.kv[i].k, x->pod->m.labels.kv[i].v);
		if (x->pod->host_network)
			nd_obj_bool(r, v, "host_network", true);
	}
}

static void side_val(struct nd_report *r, const struct nd_np_engine *e, struct nd_val *o,
		     bool ingress, const struct nd_np_side *s, const struct nd_np_ep *src,
		     const struct nd_np_ep *dst, const struct nd_np_port *q)
{
	const struct nd_model *m = nd_np_engine_model(e);
	struct nd_val *v = nd_obj_obj(r, o, ingress ? "ingress" : "egress"), *arr;
	uint32_t i;

	nd_obj_bool(r, v, "isolated", s->isolated);
	nd_obj_bool(r, v, "allowed", s->allowed);
	if (s->note)
		nd_obj_str(r, v, "note", s->note);
	arr = nd_obj_arr(r, v, "policies");
	for (i = 0; i < s->npolicies; i++)
		nd_arr_str(r, arr, pol_name(m, s->policies[i], r->arena));
	arr = nd_obj_arr(r, v, "allowed_by");
	for (i = 0; i < s->nallow; i++) {
		const struct nd_np_allow *al = &s->allow[i];
		struct nd_val *x = nd_arr_obj(r, arr);

		nd_obj_str(r, x, "policy", pol_name(m, al->policy, r->arena));
		nd_obj_int(r, x, "rule", al->rule);
		nd_obj_str(r, x, "text", nd_np_rule_text(&m->netpols.v[al->policy], ingress, al->rule,
							 r->arena));
	}
	if (s->allow_truncated)
		nd_obj_bool(r, v, "allowed_by_truncated", true);
	if (s->some_ports_only)
		nd_obj_bool(r, v, "some_ports_only", true);
	if (s->evaluated && !s->allowed) {
		arr = nd_obj_arr(r, v, "closest");
		for (i = 0; i < s->npolicies; i++) {
			struct nd_val *x = nd_arr_obj(r, arr);
			const char *why;
			int rule = nd_np_closest_rule(e, s->policies[i], ingress, src, dst, q, r->arena,
						      &why);

			nd_obj_str(r, x, "policy", pol_name(m, s->policies[i], r->arena));
			if (rule >= 0)
				nd_obj_int(r, x, "rule", rule);
			else
				nd_obj_str(r, x, "rule", NULL);
			nd_obj_str(r, x, "why", why);
		}
	}
}

struct nd_val *nd_np_verdict_val(struct nd_report *r, const struct nd_np_engine *e,
				 const struct nd_np_ep *src, const struct nd_np_ep *dst,
				 const struct nd_np_port *q, const struct nd_np_verdict *v)
{
	struct nd_val *o = nd_val_obj(r);

	nd_np_verdict_fill(r, o, e, src, dst, q, v);
	return o;
}

void nd_np_verdict_fill(struct nd_report *r, struct nd_val *o, const struct nd_np_engine *e,
			const struct nd_np_ep *src, const struct nd_np_ep *dst,
			const struct nd_np_port *q, const struct nd_np_verdict *v)
{
	nd_obj_bool(r, o, "allowed", v->allowed);
	ep_val(r, o, "source", src);
	ep_val(r, o, "destination", dst);
	nd_obj_str(r, o, "port", port_str(q, r->arena));
	if (v->always)
		nd_obj_str(r, o, "always", v->always);
	side_val(r, e, o, false, &v->egress, src, dst, q);
	side_val(r, e, o, true, &v->ingress, src, dst, q);
	nd_obj_str(r, o, "reason", nd_np_reason(e, src, dst, q, v, r->arena));
	if (!v->allowed)
		nd_obj_str(r, o, "fix", nd_yaml_apply_command(nd_np_fix_yaml(e, src, dst, q, v, r->arena),
								  r->arena));
}

static void denying(struct nd_report *r, const struct nd_np_engine *e, struct nd_val *arr,
		    bool ingress, const struct nd_np_side *s, const struct nd_np_ep *src,
		    const struct nd_np_ep *dst, const struct nd_np_port *q)
{
	const struct nd_model *m = nd_np_engine_model(e);
	uint32_t i;

	if (!s->evaluated || s->allowed)
		return;
	for (i = 0; i < s->npolicies; i++) {
		struct nd_val *x = nd_arr_obj(r, arr);
		const char *why;

		nd_np_closest_rule(e, s->policies[i], ingress, src, dst, q, r->arena, &why);
		nd_obj_str(r, x, "namespace", m->netpols.v[s->policies[i]].m.ns);
		nd_obj_str(r, x, "name", m->netpols.v[s->policies[i]].m.name);
		nd_obj_str(r, x, "direction", ingress ? "ingress" : "egress");
		nd_obj_str(r, x, "rule", why);
	}
}

struct nd_finding *nd_np_add_finding(struct nd_report *r, const struct nd_np_engine *e,
				     const struct nd_np_ep *src, const struct nd_np_ep *dst,
				     const struct nd_np_port *q, const struct nd_np_verdict *v)
{
	return nd_np_add_finding_code(r, "netpol-denies", e, src, dst, q, v);
}

struct nd_finding *nd_np_add_finding_code(struct nd_report *r, const char *code,
					  const struct nd_np_engine *e, const struct nd_np_ep *src,
					  const struct nd_np_ep *dst, const struct nd_np_port *q,
					  const struct nd_np_verdict *v)
{
	const struct nd_np_ep *subj = !v->ingress.allowed && dst->pod ? dst : src;
	const char *sn = nd_np_ep_name(src, r->arena), *dn = nd_np_ep_name(dst, r->arena);
	const char *ps = port_str(q, r->arena);
	struct nd_finding *f;
	struct nd_val *pols;

	if (v->allowed)
		return NULL;
	f = nd_finding_add(r, code, subj->pod ? "Pod" : "Address",
			   subj->pod ? subj->pod->m.ns : NULL,
			   subj->pod ? subj->pod->m.name : nd_np_ep_name(subj, r->arena));
	nd_finding_summary(r, f, _("NetworkPolicy denies %s -> %s on %s"), sn, dn, ps);
	ep_val(r, f->evidence, "source", src);
	ep_val(r, f->evidence, "destination", dst);
	nd_obj_str(r, f->evidence, "port", ps);
	pols = nd_obj_arr(r, f->evidence, "policies");
	denying(r, e, pols, false, &v->egress, src, dst, q);
	denying(r, e, pols, true, &v->ingress, src, dst, q);
	nd_finding_remedy(r, f, _("allow the flow in the policy named, or add the NetworkPolicy "
				  "shown by the can-reach command below"));
	nd_finding_command(r, f, "netdiag %s", nd_np_query_words(r, src, dst, q));
	return f;
}

const char *nd_np_query_words(struct nd_report *r, const struct nd_np_ep *src,
			      const struct nd_np_ep *dst, const struct nd_np_port *q)
{
	return nd_report_printf(r, "can-reach %s %s%s%s", nd_np_ep_name(src, r->arena),
				nd_np_ep_name(dst, r->arena), q->any ? "" : ":",
				q->any ? "" : port_str(q, r->arena));
}

/* ---- can-reach arguments ---- */

/* Split "DST:PORT/PROTO" (IPv6 as "[addr]:port"); dst copied to buf. */
const char *nd_np_split_dst(const char *arg, char *buf, size_t len, const char **port)
{
	const char *c;
	struct nd_ip ip;

	*port = "";
	if (arg[0] == '[') {
		c = strchr(arg, ']');
		if (!c || (size_t)(c - arg) >= len)
			return NULL;
		memcpy(buf, arg + 1, (size_t)(c - arg - 1));
		buf[c - arg - 1] = '\0';
		if (c[1] == ':')
			*port = c + 2;
		else if (c[1])
			return NULL;
		return buf;
	}
	if (nd_ip_parse(arg, &ip) == 0 || !(c = strrchr(arg, ':'))) {
		snprintf(buf, len, "%s", arg);
		return buf;
	}
	if ((size_t)(c - arg) >= len)
		return NULL;
	memcpy(buf, arg, (size_t)(c - arg));
	buf[c - arg] = '\0';
	*port = c + 1;
	return buf;
}

/*
 * A named port ("http", "http/TCP") as "N/PROTO": a Service's port name, or
 * a pod's containerPort name. The text unchanged when it is a number or
 * empty; NULL when the name is not there (*names then lists the names).
 */
const char *nd_np_named_port(struct nd_report *r, const char *text, const struct nd_pod *pod,
			      const struct nd_service *svc, const char **names)
{
	char name[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	struct nd_buf all = ND_BUF_INIT(ND_TEXT_MAX);

	*names = "";
	if (!*text || (text[0] >= '0' && text[0] <= '9') || n >= sizeof(name))
		return text;
	memcpy(name, text, n);
	name[n] = '\0';
	for (uint32_t i = 0; svc && i < svc->nports; i++) {
		const struct nd_svcport *sp = &svc->ports[i];

		if (!sp->name)
			continue;
		if (strcmp(sp->name, name) == 0 && (!slash || strcasecmp(slash + 1,
								     nd_proto_name(sp->proto)) == 0)) {
			nd_buf_release(&all);
			return nd_report_printf(r, "%d/%s", sp->port, nd_proto_name(sp->proto));
		}
		nd_buf_printf(&all, "%s%s", all.len ? ", " : "", sp->name);
	}
	for (uint32_t i = 0; !svc && pod && i < pod->nports; i++) {
		const struct nd_cport *cp = &pod->ports[i];

		if (!cp->name)
			continue;
		if (strcmp(cp->name, name) == 0 && (!slash || strcasecmp(slash + 1,
								     nd_proto_name(cp->proto)) == 0)) {
			nd_buf_release(&all);
			return nd_report_printf(r, "%d/%s", cp->port, nd_proto_name(cp->proto));
		}
		nd_buf_printf(&all, "%s%s", all.len ? ", " : "", cp->name);
	}
	*names = nd_buf_arena(&all, r->arena);
	return NULL;
}
