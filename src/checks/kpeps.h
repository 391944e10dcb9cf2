/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_KPEPS_H
#define ND_CHECKS_KPEPS_H
/*
 * The endpoints kube-proxy programs for one Service port on one node, as
 * kube-proxy chooses them (pkg/proxy CategorizeEndpoints; facts §6.8):
 *
 *  - EndpointSlices are what kube-proxy reads; legacy Endpoints are used
 *    only when the source has no slice for the Service. Only endpoints of
 *    the ClusterIP's family count (one proxier per family).
 *  - ready = conditions.ready (nil is true); serving = conditions.serving
 *    (nil is "as ready"); terminating (nil is false).
 *  - cluster set (used when internalTrafficPolicy is Cluster, or the Service
 *    is reachable from outside and externalTrafficPolicy is Cluster): the
 *    ready endpoints; when none is ready, the serving and terminating ones.
 *  - local set (used when either policy is Local): the ready endpoints
 *    whose nodeName is this node; when none, this node's serving and
 *    terminating ones.
 *  - any: the Service port has an endpoint kube-proxy would use anywhere
 *    (else iptables writes the "has no endpoints" REJECT).
 * A Service is reachable from outside when it is a NodePort or a
 * LoadBalancer or has externalIPs. Topology hints are not applied.
 *
 * Strings are "ip:port" ("[v6]:port"), in the arena; lists are malloc'd
 * (nd_kp_eps_free).
 */
#include <stdbool.h>
#include <stddef.h>

#include "k8s/model.h"

struct nd_arena;

struct nd_strs {
	const char **v;
	size_t n, cap;
};
void nd_strs_add_uniq(struct nd_strs *s, const char *x);
bool nd_strs_has(const struct nd_strs *s, const char *x);

struct nd_kp_eps {
	bool uses_cluster, uses_local, external;
	struct nd_strs cluster;
	struct nd_strs local;
	bool any;
};

void nd_kp_endpoints(const struct nd_model *m, const struct nd_service *s,
		     const struct nd_svcport *sp, const char *node, struct nd_arena *a,
		     struct nd_kp_eps *out);
void nd_kp_eps_free(struct nd_kp_eps *e);

#endif
