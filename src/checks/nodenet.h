/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_NODENET_H
#define ND_CHECKS_NODENET_H
/*
 * S4 on a node (the fleet agent): the node's own view of DNS and of the API
 * server. `netdiag agent` (src/cmd_agent_net.c) does the I/O from the
 * node's network and hands the results here; this file turns them into the
 * checks node-dns and node-apiserver and their findings, and does no I/O.
 *
 * node-dns: every server of the node's resolv.conf files (node/nodedns.h)
 * was asked each name that must resolve (the API server's host from the
 * kubelet's kubeconfig when it is a name, and --dns-name), one question
 * each, all at once. An answer other than addresses (NXDOMAIN, SERVFAIL,
 * REFUSED, no address, no answer: timeout, or one after 5 s: slow) is
 * node-dns-failure, one per node, naming the first failing server, its
 * file, the name and the result, with every answer as evidence. Without a
 * name to ask, or a resolv.conf, the check is skipped with the reason; a
 * resolv.conf that exists and cannot be read is an error.
 *
 * node-apiserver: the kubelet kubeconfig's server, probed in stages from
 * the node (DNS through the node's servers as above, then TCP, TLS against
 * the kubeconfig's CA, GET /version and /readyz without credentials: a 401
 * or 403 still proves the server is reached). A stage that fails is
 * node-apiserver-unreachable (target, stage, error, detail) unless the
 * host did not resolve and node-dns already says why: one cause, one
 * finding. No kubelet kubeconfig: skipped with the reason. A CA that cannot
 * be read is an error, not a finding.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

struct nd_report;

struct nd_nodenet_dns {
	const char *file;                 /* the resolv.conf that names the server */
	struct nd_dns_ask ask;
};

struct nd_nodenet_input {
	const char *node;
	/* DNS */
	const char *resolv_files;         /* the files read, for the reason ("a, b") */
	const char *dns_skip;             /* why nothing was asked (then ndns is 0) */
	const char *dns_error;            /* a resolv.conf that could not be read */
	struct nd_nodenet_dns *dns;
	size_t ndns;
	/* the API server, from the kubelet's kubeconfig */
	const char *kubeconfig;           /* the file read */
	const char *server;               /* its server URL */
	const char *api_host;             /* the URL's host */
	const char *api_skip;             /* why it was not probed */
	const char *api_error;            /* the kubeconfig could not be read or used */
	const struct nd_probe_result *probe;  /* NULL when not probed */
	const char *address;              /* the address probed (the host's first answer) */
	const char *dns_fail;             /* the host did not resolve from the node: no server
					   * gave an address (the first failure's result) */
	int64_t timeout_ms;
};

/* The failed stage of an unauthenticated probe (dns, tcp, tls, http), NULL when the
 * API server answered; *error as incluster.h's nd_ic_classify names it (buf holds it). */
const char *nd_nodenet_classify(const struct nd_probe_result *p, const char **error, char *buf,
				size_t n);

/* node-dns, then node-apiserver. */
void nd_check_nodenet(struct nd_report *r, const struct nd_nodenet_input *in);

#endif
