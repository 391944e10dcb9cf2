/* SPDX-License-Identifier: MIT */
#ifndef ND_CONNTRACK_H
#define ND_CONNTRACK_H
/*
 * The kernel's connection-tracking table, as procfs shows it on a node:
 *
 *   /proc/sys/net/netfilter/nf_conntrack_count   entries now (one decimal)
 *   /proc/sys/net/netfilter/nf_conntrack_max     the table's ceiling
 *   /proc/net/stat/nf_conntrack                  a header line of field names,
 *                                                then one line per CPU of hex
 *                                                counters since boot
 *
 * nd_ct_parse_stat() sums the per-CPU counters the checks read by the
 * header's names (the set of fields differs between kernels: newer ones
 * have clashres and chainlength, older ones searched and delete_list), so
 * no column position is assumed. A field the header lacks stays -1.
 *
 * Bad input fails with where: "line 3, field 10: 'zz' is not a hex counter".
 * Ceilings: 4096 lines (CPUs), 64 fields.
 */
#include <stddef.h>
#include <stdint.h>

struct nd_err;

struct nd_ct_stat {
	int64_t insert_failed;   /* inserts that lost a race (SNAT/DNS clashes); -1: not shown */
	int64_t drop;            /* packets dropped: the table was full */
	int64_t early_drop;      /* entries evicted early to make room */
	uint32_t cpus;           /* counter lines read */
};

/* One decimal number (a nf_conntrack_count/_max file: "262144\n"). */
int nd_ct_parse_number(const char *text, size_t len, int64_t *out, struct nd_err *e);
int nd_ct_parse_stat(const char *text, size_t len, struct nd_ct_stat *out, struct nd_err *e);

#endif
