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
};

/* S3 */
void nd_check_services(struct nd_check_env *env);        /* endpoints, selector, readiness, ports */
void nd_check_kubernetes_service(struct nd_check_env *env);
void nd_check_kube_proxy(struct nd_check_env *env);
/* S2 */
void nd_check_pod_ip(struct nd_check_env *env);          /* FailedCreatePodSandBox */
void nd_check_ipam_stores(struct nd_check_env *env);     /* bundled host-local stores */
void nd_check_azure_cni(struct nd_check_env *env);       /* NodeNetworkConfig */

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
