/* SPDX-License-Identifier: MIT */
#ifndef ND_IPTABLES_H
#define ND_IPTABLES_H
/*
 * iptables-save text: "*table", ":CHAIN POLICY [p:b]", "-A CHAIN ...",
 * "COMMIT", "# comment". Every table of the text is kept; each rule keeps
 * the matches kube-proxy rules are read by (-s, -d, -p, --dport, -j/-g,
 * DNAT --to-destination, --comment, --probability), all else is skipped.
 *
 * The text is read fully or not at all: a line that is none of the above,
 * an unterminated quote, a rule outside a table or for a chain that was not
 * declared, a chain declared twice, a table without COMMIT fail with the
 * name and the line number. Ceilings: 256 MiB of text, 64 KiB per line,
 * 4 million rules, 1 million chains.
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

struct nd_iptables {
	struct nd_ipt_table *tables;
	uint32_t ntables;
};

/* name is used in messages ("'iptables-save.txt' line 12: ..."). */
int nd_ipt_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_iptables *out, struct nd_err *e);
const struct nd_ipt_table *nd_ipt_table(const struct nd_iptables *t, const char *name);
const struct nd_ipt_chain *nd_ipt_chain(const struct nd_ipt_table *t, const char *name);

#endif
