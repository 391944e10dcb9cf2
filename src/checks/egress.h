/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_EGRESS_H
#define ND_CHECKS_EGRESS_H
/*
 * S4: AKS's required outbound destinations, from where netdiag stands.
 * Reads the expanded destinations (aks/egress.h) and what the staged probe
 * of each found (probe/probe.h: nd_probe_dests), and adds to the report:
 *
 *  - the check `egress` (status fail when a destination is blocked, error
 *    when some could not be probed before the deadline);
 *  - one `egress-blocked` finding per destination that failed, subject
 *    {kind Destination, name HOST}, with evidence destination, port
 *    ("443/TCP"), purpose, rule (as Microsoft writes it), stage (dns, tcp,
 *    tls, http), error, detail, addresses, and the firewall rule to add;
 *
 * and returns the destinations table (one flat row per destination:
 * destination, port, dns, tcp, tls, http, result, ms) for the caller to
 * show (the egress command puts it in the report's verdict).
 *
 * TLS interception is an error value of egress-blocked (stage tls, error
 * "intercepted", evidence issuer and chain_issuer): a certificate that does
 * not chain to the trust store (system + --ca-file), or an issuer that names
 * a proxy (the data's interception_issuers). A proxy that strips ALPN from a
 * destination that needs it is error "alpn-stripped". A TCP reset during
 * the handshake (a firewall filtering on SNI) is error "reset".
 *
 * No I/O: everything comes in the input.
 */
#include <stdbool.h>
#include <stdint.h>

struct nd_report;
struct nd_val;
struct nd_egress_list;
struct nd_egress_data;
struct nd_dest_result;

struct nd_egress_input {
	const struct nd_egress_list *dests;
	const struct nd_dest_result *res;    /* one per destination; NULL when nothing was probed */
	const char *no_probe;                /* why nothing was probed (then res is NULL) */
	const struct nd_egress_data *data;   /* the interception words, the version */
	const char *dns_servers;             /* --dns-server, or NULL (the system's) */
	const char *cluster;                 /* the AKS cluster's name, or NULL */
	const char *resource_group;          /* or NULL */
	int64_t timeout_ms;                  /* the run's deadline, for the evidence */
};

struct nd_val *nd_check_egress(struct nd_report *r, const struct nd_egress_input *in);

#endif
