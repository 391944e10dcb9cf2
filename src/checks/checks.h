/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_H
#define ND_CHECKS_H
/*
 * Checks read the model (and bundled node files), and add checks[] entries
 * and findings to the report. They never print. Each check declares what it
 * needs and records a skip with the reason when that is missing.
 *
 * A scope narrows what is looked at: a namespace, one Service, one pod, one
 * node. NULL fields mean everything.
 */
#include "findings/finding.h"

struct nd_model;
struct nd_bundle;
struct nd_pod;

struct nd_scope {
	const char *ns;
	const char *service;
	const char *pod;
	const char *node;
};

struct nd_check_env {
	const struct nd_model *m;
	const struct nd_bundle *b;     /* NULL when not reading a bundle */
	struct nd_report *r;
	struct nd_scope scope;
	int64_t now;                   /* Unix seconds, for ages */
	/* on a node (--node-root): the node's file system, and scope.node is
	 * the node's name (from --node or the kubelet kubeconfig) */
	const char *node_root;
	const char *node_error;        /* why the node's name is unknown, or NULL */
	bool have_pods;                /* the model holds a pod list (a source was read) */
	/* kube-proxy rules: files given on the command line, else (on a node)
	 * `iptables-save` is run; bundles: nodes/<node>/iptables-save.txt ... */
	const char *iptables_file, *ipvs_file, *nft_file;
};

/* S3 */
void nd_check_services(struct nd_check_env *env);        /* endpoints, selector, readiness, ports */
void nd_check_kubernetes_service(struct nd_check_env *env);
void nd_check_kube_proxy(struct nd_check_env *env);
/* S2 */
void nd_check_pod_ip(struct nd_check_env *env);          /* FailedCreatePodSandBox */
void nd_check_ipam_stores(struct nd_check_env *env);     /* bundled host-local stores */
void nd_check_azure_cni(struct nd_check_env *env);       /* NodeNetworkConfig */
void nd_check_node_ipam(struct nd_check_env *env);       /* --node-root: live store, azure-vnet-ipam.json */
void nd_check_kube_proxy_rules(struct nd_check_env *env); /* S3: the node's rules vs endpoints */

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
