/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_INCLUSTER_H
#define ND_CHECKS_INCLUSTER_H
/*
 * S4 from inside a pod: `netdiag incluster` (src/cmd_incluster.c) runs the
 * I/O (the staged probes, the DNS questions) and hands the results here;
 * this file turns them into checks and findings and does no I/O.
 *
 * The guide's request, GET /api/v1/namespaces/default/pods with the
 * service-account token, healthy when the answer is a PodList, is made
 * three ways (struct nd_ic_path):
 *   service   KUBERNETES_SERVICE_HOST:PORT, the kubernetes Service's VIP;
 *   endpoint  each address of the Service's endpoints, straight;
 *   fqdn      the cluster's FQDN (AKS profile, --fqdn).
 * A path that does not end in a PodList is incluster-apiserver-unreachable
 * (evidence target, via, stage, error), except a 403, which is
 * incluster-forbidden (the RBAC engine: bindings and the grant). When the
 * VIP fails and an endpoint answers, the VIP path is broken (kube-proxy,
 * CNI); when every path fails, the API server is unreachable from the pod.
 *
 * DNS (incluster-dns): each answer of a CoreDNS pod, the kube-dns Service
 * and the pod's resolv.conf servers for kubernetes.default.svc.<domain>,
 * and of the upstreams for the FQDN, classified ok, NXDOMAIN, SERVFAIL,
 * timeout or slow (>= 5 s); a failure is incluster-dns-failure. On a
 * private cluster the private FQDN is asked of every configured server;
 * a server without an address for it is private-dns-unresolvable.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

struct nd_report;
struct nd_model;
struct nd_resolv;
struct nd_check_env;
struct nd_service;

#define ND_DNS_SLOW_MS 5000

enum nd_ic_via { ND_VIA_SERVICE = 0, ND_VIA_ENDPOINT, ND_VIA_FQDN };
const char *nd_ic_via_name(enum nd_ic_via v);     /* "service", "endpoint", "fqdn" */

struct nd_ic_path {
	enum nd_ic_via via;
	const char *target;                   /* the URL asked */
	const char *tls_name;                 /* the name the certificate was checked for */
	const struct nd_probe_result *probe;  /* NULL: not probed (skip says why) */
	const char *skip;
};

/*
 * How a path ended: stage "dns", "tcp", "tls", "http" (NULL: a PodList
 * came back) and error "dns", "timeout", "refused", "reset", "unreachable",
 * "tls", "http-<status>" (also for a 2xx that is not a PodList), written to
 * buf. Shared by the checks and the tests.
 */
const char *nd_ic_classify(const struct nd_probe_result *p, const char **error, char *buf,
			   size_t n);

/*
 * The transport stages alone, shared with the node's probe (nodenet.h): "dns",
 * "tcp" or "tls" with *error as above, or NULL (and *error NULL) when all three
 * passed.
 */
const char *nd_ic_transport_fail(const struct nd_probe_result *p, const char **error);

enum nd_ic_dns_role { ND_DNS_ROLE_POD = 0, ND_DNS_ROLE_SERVICE, ND_DNS_ROLE_RESOLV,
		      ND_DNS_ROLE_UPSTREAM };
const char *nd_ic_dns_role_name(enum nd_ic_dns_role r);  /* coredns-pod, kube-dns, resolv.conf, upstream */

struct nd_ic_dns {
	enum nd_ic_dns_role role;
	const char *pod;                      /* ns/name of a CoreDNS pod, or NULL */
	bool private_fqdn;                    /* the question is the private FQDN */
	struct nd_dns_ask ask;
};
/* ok, NXDOMAIN, SERVFAIL, timeout, slow, or another error's name. */
const char *nd_ic_dns_class(const struct nd_dns_ask *a);

struct nd_incluster_input {
	const char *pod_ns, *pod_name;        /* the pod netdiag stands in */
	const char *host, *port;              /* KUBERNETES_SERVICE_HOST/_PORT */
	const char *user;                     /* system:serviceaccount:NS:NAME when known */
	struct nd_ic_path service, fqdn;
	struct nd_ic_path *endpoints;
	size_t nendpoints;
	const char *endpoints_skip;           /* why no endpoint was probed */
	const char *listed_via;               /* the path the objects were listed through, or NULL */
	bool rbac_read;                       /* every RBAC kind was listed */
	/* after a 403: the API server's own SelfSubjectAccessReview of the request */
	int sar_allowed;                      /* 1, 0, or -1 when not asked or no answer */
	const char *sar_reason;               /* status.reason, or why it could not be asked */
	/* DNS */
	const char *resolv_file;
	const struct nd_resolv *resolv;       /* NULL: could not be read (resolv_error) */
	const char *resolv_error;
	const char *cluster_domain;
	const char *dns_name;                 /* kubernetes.default.svc.<domain> */
	const char *dns_expect;               /* the kubernetes Service's ClusterIP, or NULL */
	struct nd_ic_dns *dns;
	size_t ndns;
	const char *dns_skip;
	/* the cluster */
	const char *cluster;                  /* its name (AKS profile), or NULL */
	const char *fqdn_name;                /* public FQDN asked of the upstreams, or NULL */
	const char *private_fqdn;             /* NULL when not a private cluster (or unknown) */
	const char *private_dns_zone;
	int64_t timeout_ms;
};

/*
 * The API server's addresses as the kubernetes Service lists them (default/
 * kubernetes, else the guide's default/kubernetes-internal): the ready
 * addresses of its EndpointSlices (of its Endpoints when it has no slice),
 * each with the port named https (else the first TCP one). Returns how
 * many were written to out (at most max); *svc is the Service or NULL.
 */
struct nd_ic_apiep {
	const char *ip;
	int32_t port;
};
size_t nd_ic_api_endpoints(const struct nd_model *m, struct nd_ic_apiep *out, size_t max,
			   const struct nd_service **svc);

/* Every incluster-* check of the input, in the order above. */
void nd_check_incluster(struct nd_report *r, const struct nd_model *m,
			const struct nd_incluster_input *in);

#endif
