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
	bool have_pods;                /* the model holds a pod list (a source was read) */
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
/* S3 */
enum nd_check_status nd_check_services(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_kube_proxy(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_kube_proxy_rules(struct nd_check_env *env, const char **why);
enum nd_check_status nd_check_conntrack(struct nd_check_env *env, const char **why);
/* S4 */
enum nd_check_status nd_check_kubernetes_service(struct nd_check_env *env, const char **why);

/*
 * How a reserved IP on node is held (S2, DESIGN §1): by a live pod of the
 * node, by a pod of the node that has terminated (*pod set), or by none
 * (a leak). hostNetwork pods never hold a store IP. Shared by the checks
 * and `ipam release`, so both decide alike.
 */
enum nd_ipam_hold { ND_HOLD_LIVE = 0, ND_HOLD_TERMINATED, ND_HOLD_NONE };
enum nd_ipam_hold nd_ipam_classify(const struct nd_model *m, const char *node, const char *ip,
				   const struct nd_pod **pod);

/* Classify a sandbox-creation message: the CNI it names, and whether it says
 * the pool is out of addresses. Returns false when the message is not a pod
 * network set-up failure. */
struct nd_cni_signature {
	const char *cni;         /* host-local, azure-cni, azure-cns, calico, cilium, aws-vpc-cni, cni */
	bool exhausted;
	const char *match;       /* the substring that matched */
};
bool nd_classify_sandbox_message(const char *msg, struct nd_cni_signature *out);

#endif
