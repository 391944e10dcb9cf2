/* SPDX-License-Identifier: MIT */
#ifndef ND_NETPOL_H
#define ND_NETPOL_H
/*
 * NetworkPolicy reachability, as networking.k8s.io/v1 defines it.
 *
 * A flow from a source to a destination on a port is allowed when both
 * sides allow it:
 *  - egress of the source: if no policy with policyType Egress selects the
 *    source pod, it is not isolated for egress and everything leaves;
 *    otherwise some egress rule of one of those policies must match the
 *    destination (peer) and the port;
 *  - ingress of the destination: the same with Ingress and the source.
 * Policies are a union: any allowing rule of any selecting policy will do.
 * policyTypes defaults are applied by the decoder (decode_policy.c) as the
 * API server does: Ingress always, Egress when spec.egress is non-empty.
 *
 * A rule matches when a peer matches (no peers: every peer) and a port
 * matches (no ports: every port and protocol). A peer:
 *  - podSelector alone: pods of the policy's own namespace;
 *  - namespaceSelector alone: every pod of the selected namespaces;
 *  - both: pods matching podSelector in the selected namespaces;
 *  - ipBlock: addresses in cidr and in none of except; matched against the
 *    peer's address, pod IPs included (the API reference leaves pod IPs in
 *    ipBlock implementation-defined; Calico, Cilium and Azure NPM match them).
 * An empty selector ({}) selects everything. Every namespace carries the
 * label kubernetes.io/metadata.name=<name> (the API server sets it; it is
 * added here when a bundle lacks it or lacks the Namespace object).
 * A port: protocol must equal (default TCP); a numeric port, or the range
 * port..endPort; a named port is resolved on the destination pod: one of its
 * container ports must carry that name and protocol and the port number.
 * A destination that is not a pod has no named ports.
 *
 * Documented choices where the reference leaves behaviour to the plugin:
 *  - hostNetwork pods are never selected by a policy's podSelector nor by a
 *    peer's pod/namespace selectors (the common case the reference names);
 *    traffic from or to one is matched only by ipBlock, on its (node)
 *    address. Its own side is not evaluated.
 *  - traffic from the node a pod runs on to that pod (its InternalIP, or a
 *    hostNetwork pod on the same node) is always allowed, as the reference
 *    says ("traffic to and from the node where a Pod is running is always
 *    allowed"); likewise from a pod to its own node.
 *  - a pod reaching itself (its own pod IP) is allowed: policies do not
 *    govern a pod's traffic to itself (loopback cannot be blocked; CNIs
 *    short-circuit the hairpin).
 *  - a pod with no IP yet still matches selectors; it matches no ipBlock.
 *  - a peer with neither a selector nor an ipBlock (rejected by API
 *    validation) matches nothing.
 *
 * Equivalence classes: pods of one namespace with the same labels, the same
 * hostNetwork and the same container ports are decided alike except for
 * ipBlock peers, so the matrix is computed per pair of classes; only class
 * pairs whose answer depends on an ipBlock are refined per pod pair.
 *
 * The engine keeps pointers into the model; the model must outlive it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct nd_model;
struct nd_pod;
struct nd_npport;
struct nd_netpol;
struct nd_labels;
struct nd_arena;
struct nd_err;

/* At most this many allowing rules are listed per side (the verdict says when more). */
#define ND_NP_MAX_ALLOW 32
/* Default ceiling on the pods of one matrix (n*n cells). */
#define ND_NP_MATRIX_MAX 5000

struct nd_np_engine;

/* Index the model's policies and namespaces. Never fails (allocation aborts). */
struct nd_np_engine *nd_np_engine_new(const struct nd_model *m);
void nd_np_engine_free(struct nd_np_engine *e);
const struct nd_model *nd_np_engine_model(const struct nd_np_engine *e);

/* One end of a flow: a pod, or an address that is no pod's. */
struct nd_np_ep {
	const struct nd_pod *pod;   /* NULL for an outside address */
	struct nd_ip ip;            /* family 0 when unknown (a pod without an IP) */
};
/* The pod's first IP (family 0 when it has none). */
void nd_np_ep_pod(struct nd_np_ep *ep, const struct nd_pod *p);
/*
 * "NAMESPACE/POD", "POD" (in default_ns) or an IP address. An address that
 * is a live pod's IP (a non-hostNetwork one first) is that pod. Returns 0,
 * or -1 with e filled when the pod is not in the model.
 */
int nd_np_ep_parse(const struct nd_np_engine *e, const char *arg, const char *default_ns,
		   struct nd_np_ep *ep, struct nd_err *err);

/* The port asked about. any: no port given, "is some port allowed". */
struct nd_np_port {
	bool any;
	uint8_t proto;              /* enum nd_proto */
	int32_t port;
};
/* "80", "80/TCP", "53/udp", "" (any). 0, or -1 with e filled. */
int nd_np_port_parse(const char *s, struct nd_np_port *out, struct nd_err *e);

/* A rule that allows: policy index (m->netpols.v), rule, peer and port (-1: the rule has none). */
struct nd_np_allow {
	uint32_t policy;
	uint32_t rule;
	int32_t peer;
	int32_t port;
};

struct nd_np_side {
	bool evaluated;             /* false: not governed by policy here, see note */
	const char *note;           /* why not evaluated (static text), or NULL */
	bool isolated;              /* some policy of this direction selects the pod */
	bool allowed;
	uint32_t npolicies;         /* the selecting policies, indexes into m->netpols.v */
	uint32_t *policies;
	uint32_t nallow;            /* allowing rules, at most ND_NP_MAX_ALLOW */
	struct nd_np_allow *allow;
	bool allow_truncated;
	bool some_ports_only;       /* port.any and every allowing rule limits ports */
};

struct nd_np_verdict {
	bool allowed;
	const char *always;         /* allowed whatever the policies say, and why (static text) */
	struct nd_np_side egress;   /* of the source */
	struct nd_np_side ingress;  /* of the destination */
};

/*
 * Decide one flow. Lists are allocated from a. Never fails.
 */
void nd_np_evaluate(const struct nd_np_engine *e, const struct nd_np_ep *src,
		    const struct nd_np_ep *dst, const struct nd_np_port *port,
		    struct nd_arena *a, struct nd_np_verdict *out);

/* Labels of a namespace, with kubernetes.io/metadata.name always present. */
const struct nd_labels *nd_np_ns_labels(const struct nd_np_engine *e, const char *ns);

/* ---- matrix ---- */
struct nd_np_matrix {
	size_t n;                   /* pods in scope: live, with an IP, not hostNetwork */
	uint32_t *pods;             /* indexes into m->pods.v, sorted by namespace/name */
	uint8_t *allowed;           /* n*n, allowed[src*n + dst] is 0 or 1 */
	size_t nclasses;            /* equivalence classes among those pods */
	size_t refined;             /* pod pairs decided one by one (an ipBlock decides) */
};

/*
 * The allowed matrix of the pods of ns (NULL: every namespace) on one port.
 * More than max_pods pods (0: ND_NP_MATRIX_MAX) is an error naming the count.
 * Returns 0, or -1 with e filled; release with nd_np_matrix_release().
 */
int nd_np_matrix(const struct nd_np_engine *e, const char *ns, const struct nd_np_port *port,
		 size_t max_pods, struct nd_np_matrix *out, struct nd_err *e_out);
void nd_np_matrix_release(struct nd_np_matrix *mx);

/* ---- explanations (netpol_explain.c) ---- */
/*
 * For a policy of the given direction that selects the deciding pod but
 * does not allow the flow: the index of its closest rule (-1 when it has
 * none: it denies everything) and text saying what differs, from a.
 */
int nd_np_closest_rule(const struct nd_np_engine *e, uint32_t policy, bool ingress,
		       const struct nd_np_ep *src, const struct nd_np_ep *dst,
		       const struct nd_np_port *port, struct nd_arena *a, const char **why);
/*
 * Why a rule's peer does not match an endpoint, as the engine decided it:
 * the explainer renders this and never tests a peer itself.
 */
enum nd_np_miss_kind {
	ND_NP_MATCH = 0,
	ND_NP_MISS_NOT_POD,        /* a selector peer, the endpoint is an address */
	ND_NP_MISS_HOSTNET,        /* a selector peer, the pod is hostNetwork */
	ND_NP_MISS_NS_SEL,         /* namespaceSelector does not match its namespace */
	ND_NP_MISS_OTHER_NS,       /* podSelector alone: the policy's namespace only */
	ND_NP_MISS_POD_SEL,        /* podSelector does not match its labels */
	ND_NP_MISS_NO_IP,          /* ipBlock, the endpoint has no IP */
	ND_NP_MISS_NOT_IN_BLOCK,   /* ipBlock does not contain the IP */
	ND_NP_MISS_EXCEPTED,       /* ipBlock's except[except] contains it */
	ND_NP_MISS_EMPTY,          /* no selector, no ipBlock: matches nothing */
};
struct nd_np_miss {
	enum nd_np_miss_kind kind;
	uint32_t except;           /* ND_NP_MISS_EXCEPTED: which except entry */
};
struct nd_netpol;
struct nd_nppeer;
/* The engine's one peer test (ip known): true on a match, else *miss says why. */
bool nd_np_peer_matches(const struct nd_np_engine *e, const struct nd_netpol *np,
			const struct nd_nppeer *p, const struct nd_np_ep *x, struct nd_np_miss *miss);

/*
 * Port q is allowed by the rule's port entry pp for destination pod dst
 * (named ports resolve against dst's containerPorts; NULL dst: no named
 * port matches). The engine's one port test: the explainer uses it too,
 * so an explanation cannot disagree with its verdict.
 */
bool nd_np_port_matches(const struct nd_npport *pp, const struct nd_np_port *q,
			const struct nd_pod *dst);
/* One rule in words: "from: namespaceSelector {...} podSelector {...}; ports: 80/TCP". */
const char *nd_np_rule_text(const struct nd_netpol *np, bool ingress, uint32_t rule,
			    struct nd_arena *a);
/*
 * A minimal NetworkPolicy (YAML, starting with "---\n") that would let the
 * flow through the denying side(s): an ingress policy in the destination's
 * namespace and/or an egress policy in the source's. NULL when allowed.
 */
const char *nd_np_fix_yaml(const struct nd_np_engine *e, const struct nd_np_ep *src,
			   const struct nd_np_ep *dst, const struct nd_np_port *port,
			   const struct nd_np_verdict *v, struct nd_arena *a);
/* "ns/name" of a pod, or the address text; from a. */
const char *nd_np_ep_name(const struct nd_np_ep *ep, struct nd_arena *a);
/* One-line reason for the verdict, from a. */
const char *nd_np_reason(const struct nd_np_engine *e, const struct nd_np_ep *src,
			 const struct nd_np_ep *dst, const struct nd_np_port *port,
			 const struct nd_np_verdict *v, struct nd_arena *a);

#endif
