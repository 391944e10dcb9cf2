/* SPDX-License-Identifier: MIT */
/* NetworkPolicies, ServiceAccounts, Roles, ClusterRoles and their bindings. */
#include "k8s/decode.h"

#include <string.h>

#include "core/err.h"
#include "core/banned.h"
#include "core/i18n.h"

#define PUSH(vec, val) do { \
	ND_GROW((vec).v, (vec).cap, (vec).n + 1); \
	(vec).v[(vec).n++] = (val); \
} while (0)

static void labelsel(struct dec *d, const struct nd_json *v, const char *field,
		     struct nd_selector *out)
{
	struct nd_err e;

	if (nd_selector_from_labelselector(v, d->m->arena, d->m->strings, out, &e) < 0)
		dec_fail(d, field, "%s", e.msg);
}

static void np_rules(struct dec *d, const struct nd_json *rules, const char *peers_key,
		     const char *field, struct nd_nprule **out, uint32_t *n)
{
	uint32_t i, j;

	*n = 0;
	*out = NULL;
	if (!rules || !rules->n)
		return;
	*out = dec_alloc(d, rules->n, sizeof(**out));
	for (i = 0; i < rules->n; i++) {
		const struct nd_json *r = &rules->u.items[i];
		const struct nd_json *peers = dec_arr(d, nd_json_get(r, peers_key), field);
		const struct nd_json *ports = dec_arr(d, nd_json_get(r, "ports"), field);
		struct nd_nprule *nr = &(*out)[(*n)++];

		if (peers && peers->n) {
			nr->peers = dec_alloc(d, peers->n, sizeof(*nr->peers));
			for (j = 0; j < peers->n; j++) {
				const struct nd_json *p = &peers->u.items[j];
				struct nd_nppeer *np = &nr->peers[nr->npeers++];
				const struct nd_json *ps = dec_obj(d, nd_json_get(p, "podSelector"), field);
				const struct nd_json *ns = dec_obj(d, nd_json_get(p, "namespaceSelector"),
								   field);
				const struct nd_json *ib = dec_obj(d, nd_json_get(p, "ipBlock"), field);

				if (ps) {
					np->has_pod_sel = true;
					labelsel(d, ps, field, &np->pod_sel);
				}
				if (ns) {
					np->has_ns_sel = true;
					labelsel(d, ns, field, &np->ns_sel);
				}
				if (ib) {
					np->cidr = dec_str(d, nd_json_get(ib, "cidr"), field);
					np->except = dec_strs(d, nd_json_get(ib, "except"), field,
							      &np->nexcept);
				}
			}
		}
		if (ports && ports->n) {
			nr->ports = dec_alloc(d, ports->n, sizeof(*nr->ports));
			for (j = 0; j < ports->n; j++) {
				const struct nd_json *p = &ports->u.items[j];
				struct nd_npport *pp = &nr->ports[nr->nports++];
				const struct nd_json *pv = nd_json_get(p, "port");

				pp->proto = dec_proto(d, nd_json_get(p, "protocol"), field);
				pp->has_port = pv && pv->type != ND_JNULL;
				dec_port(d, pv, field, &pp->port, &pp->port_name);
				pp->end_port = (int32_t)dec_int(d, nd_json_get(p, "endPort"), field, 0,
								65535);
			}
		}
	}
}

int dec_netpol(struct dec *d, const struct nd_json *o)
{
	struct nd_netpol np = {0};
	const struct nd_json *spec, *ps, *types, *egress;
	uint32_t i;

	dec_meta(d, o, &np.m);
	spec = dec_obj(d, nd_json_get(o, "spec"), "spec");
	ps = dec_obj(d, nd_json_get(spec, "podSelector"), "spec.podSelector");
	if (ps)
		labelsel(d, ps, "spec.podSelector", &np.pod_sel);
	egress = dec_arr(d, nd_json_get(spec, "egress"), "spec.egress");
	types = dec_arr(d, nd_json_get(spec, "policyTypes"), "spec.policyTypes");
	if (types && types->n) {
		for (i = 0; i < types->n; i++) {
			const char *t = dec_str(d, &types->u.items[i], "spec.policyTypes[]");

			if (t && strcmp(t, "Ingress") == 0)
				np.ingress_type = true;
			else if (t && strcmp(t, "Egress") == 0)
				np.egress_type = true;
			else
				dec_fail(d, "spec.policyTypes[]", _("unknown policy type '%s'"),
					 t ? t : "");
		}
	} else {
		/* the API server's defaulting */
		np.ingress_type = true;
		np.egress_type = egress && egress->n;
	}
	np_rules(d, dec_arr(d, nd_json_get(spec, "ingress"), "spec.ingress"), "from",
		 "spec.ingress[]", &np.ingress, &np.ningress);
	np_rules(d, egress, "to", "spec.egress[]", &np.egress, &np.negress);
	if (d->failed)
		return -1;
	PUSH(d->m->netpols, np);
	return 1;
}

int dec_sa(struct dec *d, const struct nd_json *o)
{
	struct nd_sa sa = {0};

	dec_meta(d, o, &sa.m);
	if (d->failed)
		return -1;
	PUSH(d->m->sas, sa);
	return 1;
}

int dec_role(struct dec *d, const struct nd_json *o, bool cluster)
{
	struct nd_role r = {.cluster = cluster};
	const struct nd_json *rules, *agg;
	uint32_t i;

	dec_meta(d, o, &r.m);
	rules = dec_arr(d, nd_json_get(o, "rules"), "rules");
	if (rules && rules->n) {
		r.rules = dec_alloc(d, rules->n, sizeof(*r.rules));
		for (i = 0; i < rules->n; i++) {
			const struct nd_json *ru = &rules->u.items[i];
			struct nd_rbac_rule *rr = &r.rules[r.nrules++];

			rr->verbs = dec_strs(d, nd_json_get(ru, "verbs"), "rules[].verbs", &rr->nverbs);
			rr->api_groups = dec_strs(d, nd_json_get(ru, "apiGroups"), "rules[].apiGroups",
						  &rr->napi_groups);
			rr->resources = dec_strs(d, nd_json_get(ru, "resources"), "rules[].resources",
						 &rr->nresources);
			rr->resource_names = dec_strs(d, nd_json_get(ru, "resourceNames"),
						      "rules[].resourceNames", &rr->nresource_names);
			rr->urls = dec_strs(d, nd_json_get(ru, "nonResourceURLs"),
					    "rules[].nonResourceURLs", &rr->nurls);
		}
	}
	agg = dec_arr(d, nd_json_path(o, "aggregationRule", "clusterRoleSelectors", NULL),
		      "aggregationRule.clusterRoleSelectors");
	if (agg && agg->n) {
		r.agg = dec_alloc(d, agg->n, sizeof(*r.agg));
		for (i = 0; i < agg->n; i++)
			labelsel(d, &agg->u.items[i], "aggregationRule.clusterRoleSelectors[]",
				 &r.agg[r.nagg++]);
	}
	if (d->failed)
		return -1;
	PUSH(d->m->roles, r);
	return 1;
}

int dec_binding(struct dec *d, const struct nd_json *o, bool cluster)
{
	struct nd_binding b = {.cluster = cluster};
	const struct nd_json *subs;
	uint32_t i;

	dec_meta(d, o, &b.m);
	b.role_kind = dec_str(d, nd_json_path(o, "roleRef", "kind", NULL), "roleRef.kind");
	b.role_name = dec_str(d, nd_json_path(o, "roleRef", "name", NULL), "roleRef.name");
	subs = dec_arr(d, nd_json_get(o, "subjects"), "subjects");
	if (subs && subs->n) {
		b.subjects = dec_alloc(d, subs->n, sizeof(*b.subjects));
		for (i = 0; i < subs->n; i++) {
			const struct nd_json *s = &subs->u.items[i];
			struct nd_rbac_subject *rs = &b.subjects[b.nsubjects++];

			rs->kind = dec_str(d, nd_json_get(s, "kind"), "subjects[].kind");
			rs->name = dec_str(d, nd_json_get(s, "name"), "subjects[].name");
			rs->ns = dec_str(d, nd_json_get(s, "namespace"), "subjects[].namespace");
		}
	}
	if (d->failed)
		return -1;
	PUSH(d->m->bindings, b);
	return 1;
}
