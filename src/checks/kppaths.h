/* SPDX-License-Identifier: MIT */
#ifndef ND_CHECKS_KPPATHS_H
#define ND_CHECKS_KPPATHS_H
/*
 * The paths kube-proxy writes for one Service port on a node, read back
 * from the node's rules (iptables, IPVS, nftables) by chain name: for each,
 * whether it is there, whether its dispatch rule leads to it, the endpoints
 * it forwards to and its session affinity. checks/kubeproxy_rules.c
 * compares them with the endpoints kube-proxy would use (checks/kpeps.h).
 *
 * Strings live in the arena; the got lists are malloc'd (the caller frees
 * each path's got.v).
 */
#include <stdbool.h>
#include <stdint.h>

#include "checks/kpeps.h"
#include "k8s/model.h"
#include "node/iptables.h"
#include "node/ipvs.h"
#include "node/nft.h"
#include "node/source.h"

struct nd_arena;

enum nd_kp_mode { ND_KP_NONE = 0, ND_KP_IPTABLES, ND_KP_IPVS, ND_KP_NFT };

/* A node's dumps, and the data plane they show. */
struct nd_kp_rules {
	enum nd_kp_mode mode;
	const char *source;                   /* the dump the mode was read from */
	const char *origin[ND_RULES__COUNT];  /* where each dump came from */
	struct nd_iptables ipt;
	struct nd_ipvs ipvs;
	struct nd_nft nft;
	bool have_ipt, have_ipvs, have_nft;
};

/*
 * One chain (or virtual server) kube-proxy should have written for a
 * Service port, and what the rules hold: want = the endpoints kube-proxy
 * would forward to from this node, got = those the rules forward to.
 */
struct nd_kp_path {
	const char *role;       /* "cluster", "local", "external", "nodeport" */
	const char *chain;      /* chain or virtual server looked for */
	bool expected;          /* kube-proxy writes it (some endpoint to forward to) */
	bool found;
	bool dispatched;        /* the dispatch rule/element leads to it */
	const char *dispatch;   /* where the dispatch should be */
	const struct nd_strs *want;
	struct nd_strs got;
	bool affinity;          /* the rules keep ClientIP affinity */
	int32_t affinity_seconds;
};

struct nd_kp_verdict {
	struct nd_kp_path p[8];
	int np;
	bool rejects;           /* "has no endpoints" seen */
};

/* The paths of Service port sp (spn its servicePortName, proto lower case)
 * as the rules hold them; v zeroed by the caller. */
void nd_kp_iptables_paths(const struct nd_kp_rules *r, const struct nd_service *s,
			  const struct nd_svcport *sp, const char *spn, const char *proto,
			  const struct nd_kp_eps *eps, struct nd_arena *a, struct nd_kp_verdict *v);
/* nd: the node (its InternalIP carries the node port), or NULL. */
void nd_kp_ipvs_paths(const struct nd_kp_rules *r, const struct nd_service *s,
		      const struct nd_svcport *sp, const char *proto, const struct nd_node *nd,
		      const struct nd_kp_eps *eps, struct nd_arena *a, struct nd_kp_verdict *v);
void nd_kp_nft_paths(const struct nd_kp_rules *r, const struct nd_service *s,
		     const struct nd_svcport *sp, const char *spn, const char *proto,
		     const struct nd_kp_eps *eps, struct nd_arena *a, struct nd_kp_verdict *v);

#endif
