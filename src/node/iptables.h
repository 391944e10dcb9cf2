/* SPDX-License-Identifier: MIT */
#ifndef ND_IPTABLES_H
#define ND_IPTABLES_H
/*
 * iptables-save text: "*table", ":CHAIN POLICY [p:b]", "-A CHAIN ...",
 * "COMMIT", "# comment". Every table of the text is kept; each rule keeps
 * the matches kube-proxy rules are read by (-s, -d, -p, --dport, -j/-g,
 * DNAT --to-destination, --comment, --probability), all else is skipped.
 *
 * A line netdiag cannot read is skipped and kept as a warning naming its
 * number, the reason and the line (a line that is none of the above, an
 * unterminated quote, a rule outside a table or for a chain that was not
 * declared, a second declaration of a chain, an option without its value,
 * a --dport or --probability that is not a number): one odd line does not
 * hide the rest of the dump. What makes the dump untrustworthy fails with
 * the name and the line number: a table without COMMIT (the text is cut
 * short), a table opened inside another, a NUL byte, a line over 64 KiB.
 * Ceilings: 256 MiB of text, 4 million rules, 1 million chains; the first
 * ND_RULES_MAX_WARNINGS warnings are kept, all are counted.
 *
 * Everything returned lives in the arena a.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;

struct nd_ipt_rule {
	const char *chain;
	const char *src, *dst;     /* -s / -d as written, or NULL */
	bool src_neg, dst_neg;
	const char *proto;         /* -p, or NULL */
	int32_t dport;             /* --dport, 0 when absent */
	const char *target;        /* -j / -g target, or NULL */
	bool is_goto;
	const char *to_dest;       /* DNAT/SNAT --to-destination, or NULL */
	const char *comment;       /* --comment, or NULL */
	double probability;        /* --probability, -1 when absent */
	const char *recent_name;   /* -m recent --name, or NULL */
	bool recent_rcheck;        /* -m recent --rcheck (session affinity lookup) */
	int32_t recent_seconds;    /* --seconds, 0 when absent */
	uint32_t line;
};

struct nd_ipt_chain {
	const char *name;
	const char *policy;        /* ACCEPT/DROP for built-in chains, "-" otherwise */
	uint32_t *rules;           /* indexes into the table's rules, in order */
	uint32_t nrules;
};

struct nd_ipt_table {
	const char *name;          /* nat, filter, mangle, raw, security */
	struct nd_ipt_chain *chains;   /* sorted by name */
	uint32_t nchains;
	struct nd_ipt_rule *rules;     /* in file order */
	uint32_t nrules;
};

/* A line that was skipped (shared by the iptables, IPVS and nftables readers). */
#define ND_RULES_MAX_WARNINGS 20
struct nd_rules_warning {
	uint32_t line;
	const char *why;
	const char *text;          /* the line, cut at 200 bytes */
};

struct nd_iptables {
	struct nd_ipt_table *tables;
	uint32_t ntables;
	struct nd_rules_warning *warnings;
	uint32_t nwarnings;        /* kept */
	uint32_t nskipped;         /* lines skipped in all */
};

/* name is used in messages ("'iptables-save.txt' line 12: ..."). */
int nd_ipt_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_iptables *out, struct nd_err *e);
const struct nd_ipt_table *nd_ipt_table(const struct nd_iptables *t, const char *name);
const struct nd_ipt_chain *nd_ipt_chain(const struct nd_ipt_table *t, const char *name);

#endif
