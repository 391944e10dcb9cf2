/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_APISERVER_H
#define ND_CHECKS_APISERVER_H
/*
 * S1: why this machine cannot reach the API server. Reads a probe result
 * (probe/probe.h), the AKS profile (aks/aks.h) and the client's egress IP,
 * reasons across them, and adds checks and findings to the report:
 *
 *  - one check per probe stage (apiserver-dns, -tcp, -tls, -version,
 *    -readyz, -auth) with its timing, the finding in the stage that failed;
 *  - apiserver-authorized-ranges and apiserver-private-cluster, which need
 *    no probe: with a profile and a client IP they run offline too.
 *
 * Reasoning: a TCP timeout with ranges that exclude the client is cause 1
 * (apiserver-client-ip-not-authorized), not a generic timeout; a timeout
 * with the client inside the ranges points at the path (firewall, NSG,
 * proxy); a DNS failure or an unreachable private address on a private
 * cluster (or a privatelink name) is cause 2 (apiserver-private-cluster).
 */
#include <stdbool.h>
#include <stdint.h>

struct nd_report;
struct nd_kubeconfig;
struct nd_probe_result;
struct nd_aks_profile;
struct nd_ip;

struct nd_s1_input {
	const struct nd_kubeconfig *kc;      /* NULL offline */
	const struct nd_probe_result *probe; /* NULL when no probe ran */
	const char *probe_skip;              /* why not, when probe is NULL */
	const struct nd_aks_profile *aks;    /* NULL when there is none */
	const char *aks_error;               /* why the profile could not be read, or NULL */
	const struct nd_ip *client_ip;       /* NULL when unknown */
	const char *client_ip_source;        /* "flag", "echo-url" */
	const char *client_ip_error;         /* why the echo URL gave none, or NULL */
	bool in_diagnose;                    /* the live source reports 403 and insecure itself */
	int64_t timeout_ms;
};

void nd_check_apiserver(struct nd_report *r, const struct nd_s1_input *in);

/* True when the probe got as far as an HTTP answer with credentials accepted
 * or refused (the API can be used, or tried, for listing). */
bool nd_s1_reachable(const struct nd_probe_result *p);

#endif
