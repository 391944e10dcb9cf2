/* SPDX-License-Identifier: MIT */
#include "checks/kpeps.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "node/kpchains.h"
#include "core/banned.h"

void nd_strs_add_uniq(struct nd_strs *s, const char *x)
{
	if (nd_strs_has(s, x))
		return;
	ND_GROW(s->v, s->cap, s->n + 1);
	s->v[s->n++] = x;
}

bool nd_strs_has(const struct nd_strs *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

void nd_kp_eps_free(struct nd_kp_eps *e)
{
	free(e->cluster.v);
	free(e->local.v);
	memset(e, 0, sizeof(*e));
}

static bool v6(const char *ip)
{
	return ip && strchr(ip, ':') != NULL;
}

static bool same_port(const struct nd_epport *ep, const struct nd_svcport *sp)
{
	bool unnamed = !ep->name || !*ep->name;

	if (ep->proto != sp->proto)
		return false;
	return unnamed ? (!sp->name || !*sp->name) : (sp->name && strcmp(ep->name, sp->name) == 0);
}

enum pick { READY, SERVING_TERMINATING };

/* Endpoints of the port matching kind (and on node, when node is set). */
static void collect(const struct nd_model *m, const struct nd_service *s,
		    const struct nd_svcport *sp, const char *node, enum pick kind,
		    struct nd_arena *a, struct nd_strs *out)
{
	size_t n;
	const uint32_t *ix = nd_model_epsets_of(m, s->m.ns, s->m.name, &n);
	bool slices = false, fam6 = v6(s->cluster_ip);

	for (size_t i = 0; i < n; i++)
		slices |= m->epsets.v[ix[i]].is_slice;
	for (size_t i = 0; i < n; i++) {
		const struct nd_epset *es = &m->epsets.v[ix[i]];

		if (es->is_slice != slices ||
		    (es->addr_type && strcmp(es->addr_type, "FQDN") == 0))
			continue;
		for (uint32_t p = 0; p < es->nports; p++) {
			if (!same_port(&es->ports[p], sp))
				continue;
			for (uint32_t k = 0; k < es->naddrs; k++) {
				const struct nd_epaddr *ea = &es->addrs[k];
				bool ready = ea->ready || s->publish_not_ready;
				char hp[96];

				if (v6(ea->ip) != fam6)
					continue;
				if (kind == READY ? !ready : !(ea->serving && ea->terminating))
					continue;
				if (node && (!ea->node || strcmp(ea->node, node) != 0))
					continue;
				nd_kp_join_host_port(ea->ip, es->ports[p].port, hp, sizeof(hp));
				nd_strs_add_uniq(out, nd_arena_strdup(a, hp));
			}
		}
	}
}

void nd_kp_endpoints(const struct nd_model *m, const struct nd_service *s,
		     const struct nd_svcport *sp, const char *node, struct nd_arena *a,
		     struct nd_kp_eps *out)
{
	memset(out, 0, sizeof(*out));
	out->external = (s->type && (strcmp(s->type, "NodePort") == 0 ||
				     strcmp(s->type, "LoadBalancer") == 0)) || s->nexternal_ips;
	out->uses_cluster = !s->itp_local || (out->external && !s->etp_local);
	out->uses_local = s->itp_local || (out->external && s->etp_local);
	if (out->uses_cluster) {
		collect(m, s, sp, NULL, READY, a, &out->cluster);
		if (!out->cluster.n)
			collect(m, s, sp, NULL, SERVING_TERMINATING, a, &out->cluster);
		out->any = out->cluster.n > 0;
	}
	if (!out->uses_local)
		return;
	if (!out->any) {
		struct nd_strs all = {0};

		collect(m, s, sp, NULL, READY, a, &all);
		if (!all.n)
			collect(m, s, sp, NULL, SERVING_TERMINATING, a, &all);
		out->any = all.n > 0;
		free(all.v);
	}
	collect(m, s, sp, node, READY, a, &out->local);
	if (!out->local.n)
		collect(m, s, sp, node, SERVING_TERMINATING, a, &out->local);
}
