/* SPDX-License-Identifier: MIT */
#ifndef ND_IPADDR_H
#define ND_IPADDR_H
/*
 * IPv4/IPv6 addresses and CIDR prefixes, in their own unit (used by IPAM
 * capacity, authorized IP ranges, NetworkPolicy ipBlock).
 *
 * Addresses are held as 16 bytes; IPv4 as the IPv4-mapped form is NOT used:
 * family says which, and for v4 only the first 4 bytes count.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_ip {
	uint8_t family;      /* 4 or 6 */
	uint8_t b[16];
};

struct nd_cidr {
	struct nd_ip ip;     /* as written */
	uint8_t prefix;
};

/*
 * Parse "10.0.0.1" / "fd00::5". 0, or -1 when not an address. Strict forms
 * only (no zones, no leading zeros in IPv4). An IPv4-mapped IPv6 address
 * ("::ffff:1.2.3.4") is read as the IPv4 address, as Go's net.IP treats it.
 */
int nd_ip_parse(const char *s, struct nd_ip *out);
/* Canonical text (Go's net.IP.String form: RFC 5952 for v6). buf >= 46. */
void nd_ip_format(const struct nd_ip *ip, char *buf, size_t len);
bool nd_ip_equal(const struct nd_ip *a, const struct nd_ip *b);
/*
 * "10.0.0.0/24"; a bare address is /32 or /128 when allow_bare. The prefix
 * is decimal without leading zeros; "::ffff:10.0.0.0/104" is 10.0.0.0/8.
 */
int nd_cidr_parse(const char *s, bool allow_bare, struct nd_cidr *out);
bool nd_cidr_contains(const struct nd_cidr *c, const struct nd_ip *ip);
/* True when the address has no bits set past the prefix (a network address). */
bool nd_cidr_is_network(const struct nd_cidr *c);
/* Number of addresses in the prefix, saturated at UINT64_MAX. */
uint64_t nd_cidr_size(const struct nd_cidr *c);
/* The n-th address of the prefix (0 = network address); -1 when out of range. */
int nd_cidr_nth(const struct nd_cidr *c, uint64_t n, struct nd_ip *out);
/*
 * Compare two addresses of one family as numbers: <0, 0, >0. Across
 * families IPv4 sorts before IPv6.
 */
int nd_ip_cmp(const struct nd_ip *a, const struct nd_ip *b);
/* "10.0.0.1/24", the address as written (not masked). buf >= 50. */
void nd_cidr_format(const struct nd_cidr *c, char *buf, size_t len);

#endif
