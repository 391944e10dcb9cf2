/* SPDX-License-Identifier: MIT */
/*
 * Azure CNS's pool arithmetic for one node (checks.h, nd_cns_pool_eval),
 * after CNS's v1 pool monitor (reference facts §5): the scaler clamped as
 * CNS clamps it, minFree and maxFree, whether CNS should already have
 * asked for more, and where its request stands.
 */
#include "checks/checks.h"

#include <string.h>

#include "core/banned.h"

#define CNS_DEFAULT_MAX_IPS 250

static int64_t pct_of(int64_t n, int64_t pct)
{
	/* CNS rounds to the nearest integer */
	return (n * pct + 50) / 100;
}

/* A network container status that is neither empty nor a success: a refusal. */
static bool refused(const char *st)
{
	return st && *st && strcmp(st, "NCUpdateSuccess") != 0;
}

void nd_cns_pool_eval(const struct nd_nnc *n, int64_t held, struct nd_cns_pool *p)
{
	memset(p, 0, sizeof(*p));
	p->max_ips = n->max_ips > 0 ? n->max_ips : CNS_DEFAULT_MAX_IPS;
	p->batch = n->batch < 1 ? 1 : n->batch > p->max_ips ? p->max_ips : n->batch;
	p->request_pct = n->request_pct < 1 ? 1 : n->request_pct > 100 ? 100 : n->request_pct;
	p->release_pct = n->release_pct < p->request_pct + 100 ? p->request_pct + 100
							       : n->release_pct;
	p->min_free = pct_of(p->batch, p->request_pct);
	p->max_free = pct_of(p->batch, p->release_pct);
	p->requested = n->requested;
	for (uint32_t c = 0; c < n->nncs; c++) {
		p->allocated += n->ncs[c].nassigned;
		if (!p->nc_status && refused(n->ncs[c].status))
			p->nc_status = n->ncs[c].status;
	}
	p->held = held;
	p->expected_free = p->requested - held;
	p->should_request = p->expected_free < p->min_free && p->requested < p->max_ips;
	if (p->should_request) {
		int64_t next = p->requested + (p->batch - p->requested % p->batch);

		p->next_request = next > p->max_ips ? p->max_ips : next;
	}
	if (p->nc_status)
		p->request = "refused";
	else if (p->requested > p->allocated)
		p->request = "pending";
	else if (p->requested >= p->max_ips && p->expected_free < p->min_free)
		p->request = "capped";
	else if (p->should_request)
		p->request = "not-asked";
	else
		p->request = "none";
}

void nd_cns_pool_evidence(struct nd_report *r, struct nd_val *ev, const struct nd_cns_pool *p)
{
	struct nd_val *o = nd_obj_obj(r, ev, "cns");

	nd_obj_int(r, o, "batch_size", p->batch);
	nd_obj_int(r, o, "request_threshold_percent", p->request_pct);
	nd_obj_int(r, o, "release_threshold_percent", p->release_pct);
	nd_obj_int(r, o, "max_ip_count", p->max_ips);
	nd_obj_int(r, o, "min_free", p->min_free);
	nd_obj_int(r, o, "max_free", p->max_free);
	nd_obj_int(r, o, "requested", p->requested);
	nd_obj_int(r, o, "allocated", p->allocated);
	nd_obj_int(r, o, "held_by_pods", p->held);
	nd_obj_int(r, o, "free_by_pods", p->expected_free);
	nd_obj_bool(r, o, "should_request", p->should_request);
	if (p->should_request)
		nd_obj_int(r, o, "next_request", p->next_request);
	nd_obj_str(r, o, "request", p->request);
	if (p->nc_status)
		nd_obj_str(r, o, "nc_status", p->nc_status);
}
