/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_H
#define ND_CHECKS_H
/*
 * Checks are functions of the model and the node-data source: they add
 * findings to the report and return their status. They never print and do
 * no I/O. What each needs is its row in registry.c; the runner skips a
 * check whose needs are missing before calling it.
 *
 * A scope narrows what is looked at: a namespace, one Service, one pod, one
 * node. NULL fields mean everything.
 */
#include "findings/finding.h"
#include "k8s/model.h"

struct nd_node_src;
struct nd_aks_profile;

struct nd_scope {
	const char *ns;
	const char *service;
	const char *pod;
	const char *node;
};

struct nd_check_env {
	const struct nd_model *m;
	struct nd_report *r;
	struct nd_scope scope;
	int64_t now;                   /* Unix seconds, for ages */
	/* node data (node/source.h): a bundle's node folders, or this node
	 * (--node-root, rule dumps); NULL when the source has none */
	const struct nd_node_src *nodes;
	const char *node_error;        /* on a node: why its name is unknown, or NULL */
	const struct nd_aks_profile *aks;  /* az aks show (--aks, aks.json), or NULL */
	bool have_pods;                /* the model holds a pod list (a source was read) */
	/* in a pod (netdiag incluster): the pod netdiag stands in; false elsewhere */
	bool in_pod;
	const char *pod_ns, *pod_name;
	/* what the cluster source could not read: per kind, why (NULL: read) */
	const char *unread[ND_K__COUNT];
};

/*
 * The checks the runner calls (registry.c has their rows): each returns its
 * status and sets *why to a short result or the reason it did not decide.
 */
/* S2 */
enum nd_check_status nd_check_pod_ip(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_ipam_stores(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_node_ipam(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_azure_vnet(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_azure_cni(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_azure_cni_gap(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_azure_cns_state(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_azure_cni_subnet(struct nd_check_env *env, const char **why);
/* S3 */
enum nd_check_status nd_check_services(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_kube_proxy(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_kube_proxy_rules(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_conntrack(struct nd_check_env *env, const char **why);
/* S4 */
enum nd_check_status nd_check_kubernetes_service(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_kube_apiserver(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_netpol_apiserver(struct nd_check_env *env, const char **why);

/*
 * How a reserved IP on node is held (S2, DESIGN §1): by a live pod of the
 * node, by a pod of the node that has terminated (*pod set), or by none
 * (a leak). hostNetwork pods never hold a store IP. Shared by the checks
 * and `ipam release`, so both decide alike.
 */
enum nd_ipam_hold { ND_HOLD_LIVE = 0, ND_HOLD_TERMINATED, ND_HOLD_NONE };
enum nd_ipam_hold nd_ipam_classify(const struct nd_model *m, const char *node, const char *ip,
				   const struct nd_pod **pod);

/*
 * The Azure CNI / CNS endpoint state of node (node/azurevnet.h) from the
 * node-data source, when it has that node and the file: true with *eps and
 * *path (the file) filled, and *sb (when sb is not NULL) the node's live
 * sandboxes on a node, empty elsewhere. False when there is none or it
 * cannot be read (the check azure-cns-state reports that).
 */
struct nd_arena;
struct nd_azv_endpoints;
struct nd_azv_endpoint;
struct nd_sandboxes;
bool nd_azure_endpoints_of(const struct nd_check_env *env, const char *node, struct nd_arena *a,
			   const char **path, struct nd_azv_endpoints *eps, struct nd_sandboxes *sb);
/* The endpoint holding ip in eps, or NULL. */
const struct nd_azv_endpoint *nd_azure_endpoint_by_ip(const struct nd_azv_endpoints *eps,
						      const char *ip);

/*
 * Azure CNS's pool arithmetic for one node's NodeNetworkConfig (facts §5,
 * CNS's v1 pool monitor): the scaler clamped as CNS clamps it (batch in
 * [1, maxIPCount], request% in [1, 100], release% >= request% + 100,
 * maxIPCount 250 when unset), minFree = round(batch x request%),
 * maxFree = round(batch x release%). held is the IPs of the node's pods
 * (live, or terminated and still carrying their IP): requested - held is
 * what CNS has free by the pods' count; below minFree and under maxIPCount
 * CNS should ask for the next multiple of the batch (capped at maxIPCount).
 * request says where that stands:
 *   refused    a network container's status is an NCUpdate error (nc_status)
 *   pending    requestedIPCount > allocated: asked, not (yet) granted
 *   capped     requested = maxIPCount and the pool is below minFree
 *   not-asked  CNS should have asked by its own rule and has not
 *   none       nothing to ask
 */
struct nd_cns_pool {
	int64_t batch, request_pct, release_pct, max_ips;
	int64_t min_free, max_free;
	int64_t requested, allocated, held, expected_free;
	bool should_request;
	int64_t next_request;        /* with should_request */
	const char *request;
	const char *nc_status;       /* the first refusing status, or NULL */
};
void nd_cns_pool_eval(const struct nd_nnc *n, int64_t held, struct nd_cns_pool *p);
/* The arithmetic as evidence: an object "cns" in ev. */
void nd_cns_pool_evidence(struct nd_report *r, struct nd_val *ev, const struct nd_cns_pool *p);

/* Classify a sandbox-creation message: the CNI it names, and whether it says
 * the pool is out of addresses or, when not, the cause it names. Returns
 * false when the message is not a pod network set-up failure. */
struct nd_cni_signature {
	const char *cni;         /* host-local, azure-cni, azure-cns, calico, cilium, flannel,
				  * aws-vpc-cni, cni (no plugin named) */
	bool exhausted;
	const char *match;       /* the substring that matched */
	/* not exhausted: plugin-not-found, cni-not-initialized, cns-unreachable,
	 * cni-agent-unreachable, netns-missing, timeout, other; NULL when exhausted */
	const char *cause;
};
bool nd_classify_sandbox_message(const char *msg, struct nd_cni_signature *out);
/* The pod has a FailedCreatePodSandBox event whose message says the pool is out of
 * addresses: it waits on the pool (a pod scheduled seconds ago does not yet). */
bool nd_pod_failed_for_ip(const struct nd_model *m, const struct nd_pod *p);

#endif
