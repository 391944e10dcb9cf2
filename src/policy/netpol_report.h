/* SPDX-License-Identifier: MIT */
#ifndef ND_NETPOL_REPORT_H
#define ND_NETPOL_REPORT_H
/*
 * NetworkPolicy verdicts turned into report values (findings/finding.h),
 * so `can-reach` and checks (service --from, diagnose) say the same thing.
 * Everything is allocated in the report's arena.
 */
#include "findings/finding.h"
#include "policy/netpol.h"

struct nd_service;

/*
 * The can-reach verdict object: allowed, source, destination, port,
 * egress and ingress {isolated, allowed, policies, allowed_by, closest},
 * reason, and fix (YAML) when denied.
 */
struct nd_val *nd_np_verdict_val(struct nd_report *r, const struct nd_np_engine *e,
				 const struct nd_np_ep *src, const struct nd_np_ep *dst,
				 const struct nd_np_port *q, const struct nd_np_verdict *v);
/* The same, filling an object that already exists (an element of a list). */
void nd_np_verdict_fill(struct nd_report *r, struct nd_val *o, const struct nd_np_engine *e,
			const struct nd_np_ep *src, const struct nd_np_ep *dst,
			const struct nd_np_port *q, const struct nd_np_verdict *v);
/*
 * A netpol-denies finding (evidence source, destination, port, policies)
 * for a denied flow; NULL (nothing added) when v allows it.
 */
/* "can-reach SRC DST[:PORT/PROTO]": the can-reach words of the question. */
const char *nd_np_query_words(struct nd_report *r, const struct nd_np_ep *src,
			      const struct nd_np_ep *dst, const struct nd_np_port *q);
struct nd_finding *nd_np_add_finding(struct nd_report *r, const struct nd_np_engine *e,
				     const struct nd_np_ep *src, const struct nd_np_ep *dst,
				     const struct nd_np_port *q, const struct nd_np_verdict *v);

/* The same finding under another code (netpol-blocks-apiserver: the pod's egress to the API server). */
struct nd_finding *nd_np_add_finding_code(struct nd_report *r, const char *code,
					  const struct nd_np_engine *e, const struct nd_np_ep *src,
					  const struct nd_np_ep *dst, const struct nd_np_port *q,
					  const struct nd_np_verdict *v);

/*
 * can-reach's DST[:PORT[/PROTO]] (IPv6 as "[addr]:port", an address alone
 * keeps its colons): DST copied into buf (len bytes), *port the text after
 * the colon or "". NULL when DST does not fit or the brackets are bad.
 */
const char *nd_np_split_dst(const char *arg, char *buf, size_t len, const char **port);
/*
 * A named port ("http", "http/TCP") as "N/PROTO" (in r's arena): a port
 * name of svc when svc is not NULL, else a containerPort name of pod. The
 * text unchanged when it is a number or empty; NULL when the name is not
 * there (*names then lists the names there are, "" for none).
 */
const char *nd_np_named_port(struct nd_report *r, const char *text, const struct nd_pod *pod,
			     const struct nd_service *svc, const char **names);

#endif
