/* SPDX-License-Identifier: MIT */
#ifndef ND_NFT_H
#define ND_NFT_H
/*
 * `nft list table ip kube-proxy` text (facts §6.6): one table holding
 * chains (one rule per line), maps and sets ("elements = { k : goto c, ... }",
 * possibly over several lines). For each chain netdiag keeps the chains its
 * rules jump or go to (also inside "vmap { ... }") and the "dnat to"
 * addresses; for each map its elements (key text, comment, verdict).
 *
 * `nft list ruleset` works too: when the text has a table named kube-proxy
 * that one is read and the others are skipped (else the first table).
 * A line netdiag cannot read (unbalanced braces in a rule, an unterminated
 * quote, an element without ':' in a map, a statement it does not know in
 * the table, text after the table) is skipped with a warning naming it
 * (struct nd_rules_warning, node/iptables.h). Text before any table, a
 * table cut short (a '}' missing) and a NUL byte fail with the line
 * number. Ceilings: 64 MiB of text, 1 million chains + elements.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/iptables.h"   /* struct nd_rules_warning */

struct nd_arena;
struct nd_err;

struct nd_nft_chain {
	const char *name;
	const char **targets;     /* goto/jump targets, in order */
	uint32_t ntargets;
	const char **dnat;        /* "10.244.1.5:8080" */
	uint32_t ndnat;
	uint32_t nrules;
};

struct nd_nft_elem {
	const char *key;          /* "10.0.0.1 . tcp . 80", blanks collapsed */
	const char *comment;      /* or NULL */
	const char *verdict;      /* "goto", "jump", "drop", ... or NULL in a set */
	const char *target;       /* chain for goto/jump, or NULL */
};

struct nd_nft_map {
	const char *name;
	bool is_set;
	struct nd_nft_elem *elems;
	uint32_t nelems;
};

struct nd_nft {
	const char *family;       /* ip, ip6, inet */
	const char *table;        /* kube-proxy */
	struct nd_nft_chain *chains;   /* sorted by name */
	uint32_t nchains;
	struct nd_nft_map *maps;
	uint32_t nmaps;
	struct nd_rules_warning *warnings;
	uint32_t nwarnings, nskipped;
};

int nd_nft_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_nft *out, struct nd_err *e);
const struct nd_nft_chain *nd_nft_chain(const struct nd_nft *t, const char *name);
const struct nd_nft_map *nd_nft_map(const struct nd_nft *t, const char *name);

#endif
