/* SPDX-License-Identifier: MIT */
#include "core/ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const uint8_t v4_mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};

static bool is_v4_mapped(const uint8_t b[16])
{
	return memcmp(b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

/* Parse without folding ::ffff:a.b.c.d into IPv4 (nd_cidr_parse needs the prefix first). */
static int parse_raw(const char *s, struct nd_ip *out)
{
	struct nd_ip ip;

	memset(&ip, 0, sizeof(ip));
	if (!s || !*s)
		return -1;
	/* inet_pton(AF_INET) takes only the strict dotted quad, like Go's ParseIP. */
	if (inet_pton(AF_INET, s, ip.b) == 1) {
		ip.family = 4;
	} else if (inet_pton(AF_INET6, s, ip.b) == 1) {
		ip.family = 6;
	} else {
		return -1;
	}
	*out = ip;
	return 0;
}

static void unmap(struct nd_ip *ip)
{
	if (ip->family == 6 && is_v4_mapped(ip->b)) {
		memmove(ip->b, ip->b + 12, 4);
		memset(ip->b + 4, 0, 12);
		ip->family = 4;
	}
}

int nd_ip_parse(const char *s, struct nd_ip *out)
{
	if (parse_raw(s, out) < 0)
		return -1;
	unmap(out);
	return 0;
}

static void format_v4(const uint8_t *b, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

void nd_ip_format(const struct nd_ip *ip, char *buf, size_t len)
{
	uint16_t w[8];
	int best = -1, bestlen = 0;
	size_t off = 0;

	if (!buf || len == 0)
		return;
	if (ip->family == 4) {
		format_v4(ip->b, buf, len);
		return;
	}
	if (ip->family != 6) {
		snprintf(buf, len, "?");
		return;
	}
	if (is_v4_mapped(ip->b)) {
		format_v4(ip->b + 12, buf, len);
		return;
	}
	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(ip->b[2 * i] << 8 | ip->b[2 * i + 1]);
	/* Longest run of zero groups, the first on a tie; a single group stays. */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (bestlen < 2)
		best = -1;
	buf[0] = '\0';
	for (int i = 0; i < 8; i++) {
		int r;

		if (i == best) {
			r = snprintf(buf + off, len - off, "::");
			i += bestlen - 1;
		} else {
			bool sep = i > 0 && i != best + bestlen;

			r = snprintf(buf + off, len - off, "%s%x", sep ? ":" : "", w[i]);
		}
		if (r < 0 || (size_t)r >= len - off)
			return; /* truncated, still NUL-terminated */
		off += (size_t)r;
	}
}

void nd_cidr_format(const struct nd_cidr *c, char *buf, size_t len)
{
	char ip[64];

	if (!buf || len == 0)
		return;
	nd_ip_format(&c->ip, ip, sizeof(ip));
	snprintf(buf, len, "%s/%u", ip, (unsigned)c->prefix);
}

static size_t ip_len(const struct nd_ip *ip)
{
	return ip->family == 4 ? 4 : 16;
}

bool nd_ip_equal(const struct nd_ip *a, const struct nd_ip *b)
{
	return a->family == b->family && memcmp(a->b, b->b, ip_len(a)) == 0;
}

int nd_ip_cmp(const struct nd_ip *a, const struct nd_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, ip_len(a));
}

/* Decimal 0..max, no sign, no leading zero (Go's netip refuses "/024" too). */
static int parse_prefix(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int nd_cidr_parse(const char *s, bool allow_bare, struct nd_cidr *out)
{
	char addr[64];
	const char *slash;
	struct nd_cidr c;
	unsigned prefix;
	size_t alen;

	if (!s)
		return -1;
	memset(&c, 0, sizeof(c));
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (parse_raw(addr, &c.ip) < 0)
		return -1;
	if (!slash) {
		if (!allow_bare)
			return -1;
		unmap(&c.ip);
		c.prefix = c.ip.family == 4 ? 32 : 128;
		*out = c;
		return 0;
	}
	if (parse_prefix(slash + 1, c.ip.family == 4 ? 32 : 128, &prefix) < 0)
		return -1;
	/* ::ffff:10.0.0.0/104 is 10.0.0.0/8, as Go reads it. */
	if (c.ip.family == 6 && is_v4_mapped(c.ip.b) && prefix >= 96) {
		unmap(&c.ip);
		prefix -= 96;
	}
	c.prefix = (uint8_t)prefix;
	*out = c;
	return 0;
}

/* Does byte i of an address fall under the prefix, and with which mask? */
static uint8_t mask_byte(unsigned prefix, size_t i)
{
	size_t bits = i * 8;

	if (prefix >= bits + 8)
		return 0xff;
	if (prefix <= bits)
		return 0;
	return (uint8_t)(0xff << (8 - (prefix - bits)));
}

bool nd_cidr_contains(const struct nd_cidr *c, const struct nd_ip *ip)
{
	struct nd_ip x = *ip;

	unmap(&x);
	if (x.family != c->ip.family)
		return false;
	for (size_t i = 0; i < ip_len(&x); i++) {
		uint8_t m = mask_byte(c->prefix, i);

		if ((x.b[i] & m) != (c->ip.b[i] & m))
			return false;
	}
	return true;
}

bool nd_cidr_is_network(const struct nd_cidr *c)
{
	for (size_t i = 0; i < ip_len(&c->ip); i++)
		if (c->ip.b[i] & (uint8_t)~mask_byte(c->prefix, i))
			return false;
	return true;
}

static unsigned host_bits(const struct nd_cidr *c)
{
	unsigned total = c->ip.family == 4 ? 32 : 128;

	return c->prefix >= total ? 0 : total - c->prefix;
}

uint64_t nd_cidr_size(const struct nd_cidr *c)
{
	unsigned hb = host_bits(c);

	return hb >= 64 ? UINT64_MAX : (uint64_t)1 << hb;
}

int nd_cidr_nth(const struct nd_cidr *c, uint64_t n, struct nd_ip *out)
{
	unsigned hb = host_bits(c);
	struct nd_ip r = c->ip;
	size_t len = ip_len(&r);
	uint64_t carry = n;

	if (hb < 64 && n >= (uint64_t)1 << hb)
		return -1;
	for (size_t i = 0; i < len; i++)
		r.b[i] &= mask_byte(c->prefix, i);
	if (len == 4)
		memset(r.b + 4, 0, 12);
	/* Host bits are zero and n fits in them, so this add never carries into the prefix. */
	for (size_t i = len; i-- > 0 && carry;) {
		unsigned sum = r.b[i] + (unsigned)(carry & 0xff);

		r.b[i] = (uint8_t)sum;
		carry = (carry >> 8) + (sum >> 8);
	}
	*out = r;
	return 0;
}
