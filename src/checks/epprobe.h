/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_EPPROBE_H
#define ND_CHECKS_EPPROBE_H
/*
 * S3's live endpoint probes (`service NAME --probe`, `diagnose --probe`),
 * in the S1 pattern: this file plans the probes from the model and turns
 * their results into findings; the command (src/cmd_probe.c) runs them
 * (probe/fanout.h). Nothing here does I/O.
 *
 * The plan: every ready endpoint `podIP:targetPort` of every Service in
 * scope, for every Service port that can be probed (TCP; UDP when the port
 * is DNS: 53, or named dns*), the targetPort resolved per endpoint exactly
 * as the Service checks do (nd_svcport_target), EndpointSlices preferred
 * over Endpoints as kube-proxy does; then each such port of the Service's
 * ClusterIP. Duplicates (one address in two slices) are probed once.
 *
 * The findings, one per Service and cause, listing its failing endpoints
 * (an SRE fixes a Deployment, not a pod; 300 replicas are one finding):
 *  - endpoint-not-listening: refused (nothing listens on the target port);
 *  - endpoint-unreachable: no answer in time, or unreachable;
 *  - kube-proxy-rules-missing (check cluster-ip-probe): the ClusterIP does
 *    not answer on a port whose every probed endpoint answered directly,
 *    so the packets die between the VIP and the pods: the service rules
 *    of this node's data plane. With an endpoint failing too the VIP's
 *    failure proves nothing (it may have been sent there) and no VIP
 *    finding is made.
 * A probe the deadline cut, or that failed locally, decides nothing: the
 * check is then `error` (the verdict incomplete), never a pass.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/checks.h"
#include "probe/fanout.h"

/* Ceiling on the probes of one run (bounded fan-out); beyond it the check errors. */
#define ND_EPPROBE_MAX 200000

struct nd_epprobe {
	const struct nd_service *svc;
	uint32_t port;               /* index into svc->ports */
	const char *ip;
	const char *pod, *node;      /* the endpoint's pod and node, NULL when unknown */
	bool vip;                    /* the ClusterIP path, not an endpoint */
};

struct nd_epprobe_plan {
	struct nd_epprobe *v;        /* v[i] is what t[i] probes */
	struct nd_fan_target *t;
	size_t n, cap;
	size_t services;             /* Services with at least one probe */
	size_t not_probed;           /* Service ports with ready endpoints that no probe applies
				      * to: UDP (not DNS), SCTP */
	size_t unresolved;           /* endpoint ports whose targetPort resolves to nothing */
	size_t dropped;              /* probes over ND_EPPROBE_MAX, not planned */
};

/* Plan the probes of the Services in scope (scope.ns, scope.service; NULL: all). */
void nd_epprobe_plan(const struct nd_model *m, const struct nd_scope *scope,
		     struct nd_epprobe_plan *p);
void nd_epprobe_plan_release(struct nd_epprobe_plan *p);

struct nd_epprobe_input {
	const struct nd_epprobe_plan *plan;   /* t[] holds the results */
	const char *probed_from;     /* "node aks-1", "pod shop/client", "host h1" */
	const char *node;            /* the node netdiag stands on, or NULL */
	int64_t probe_ms;            /* the per-probe deadline used */
	size_t concurrency;          /* the bound used */
	int64_t ms;                  /* how long the probes took (one loop for both checks) */
	const char *error;           /* the engine could not run (why), or NULL */
};

/* Add the checks endpoint-probe and cluster-ip-probe, and their findings, to r. */
void nd_check_endpoint_probes(struct nd_report *r, const struct nd_epprobe_input *in);

/*
 * The port a Service port sp reaches on one endpoint (of set es, pod p or
 * NULL): a named targetPort resolved on the pod (name and protocol), else
 * the endpoint port of the same name; a number as written. 0 when it
 * resolves to nothing (service-target-port-mismatch says so). Shared with
 * `service --from`, so the policy verdict and the probe aim at one port.
 */
int32_t nd_svcport_target(const struct nd_svcport *sp, const struct nd_epset *es,
			  const struct nd_pod *p);
/* The live pod behind an endpoint address (its targetRef, else its IP), or NULL. */
const struct nd_pod *nd_endpoint_pod(const struct nd_model *m, const char *ns,
				     const struct nd_epaddr *ad);

#endif
