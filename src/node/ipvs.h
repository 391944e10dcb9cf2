/* SPDX-License-Identifier: MIT */
#ifndef ND_IPVS_H
#define ND_IPVS_H
/*
 * `ipvsadm -Ln` text (facts §6.5): a header, then one virtual service per
 * line ("TCP  10.0.0.1:443 rr persistent 10800", "FWM  1 rr") followed by
 * its real servers ("  -> 10.224.0.4:443  Masq 1 0 0"). IPv6 addresses
 * are bracketed ("[fd00::1]:443").
 *
 * A line netdiag cannot read (a real server before any virtual service,
 * an address without a port, a line that is none of these) is skipped with
 * a warning naming it (struct nd_rules_warning, node/iptables.h); the real
 * servers under a skipped virtual service are skipped with it. A NUL byte
 * fails. Ceilings: 64 MiB of text, 1 million services and real servers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/iptables.h"   /* struct nd_rules_warning */

struct nd_arena;
struct nd_err;

struct nd_ipvs_real {
	const char *ip;          /* without brackets */
	int32_t port;
	const char *method;      /* Masq, Route, Tunnel, Local */
	int64_t weight;
};

struct nd_ipvs_svc {
	const char *proto;       /* TCP, UDP, SCTP, FWM */
	const char *ip;          /* NULL for FWM */
	int32_t port;            /* the mark for FWM */
	const char *sched;
	int32_t persistent;      /* "persistent <seconds>" (session affinity), 0 if not */
	struct nd_ipvs_real *reals;
	uint32_t nreals;
	uint32_t line;
};

struct nd_ipvs {
	struct nd_ipvs_svc *svcs;
	uint32_t nsvcs;
	struct nd_rules_warning *warnings;
	uint32_t nwarnings, nskipped;
};

int nd_ipvs_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		  struct nd_ipvs *out, struct nd_err *e);
/* The virtual service for proto ("tcp"/"TCP") ip:port, or NULL. */
const struct nd_ipvs_svc *nd_ipvs_find(const struct nd_ipvs *v, const char *proto,
				       const char *ip, int32_t port);

#endif
