/* SPDX-License-Identifier: MIT */
#include "core/ipaddr.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- nd_ip_parse / nd_ip_format ---- */

static const struct {
	const char *in;
	const char *out;   /* canonical text, NULL when the input must be refused */
	int family;
} ip_cases[] = {
	{ "10.0.0.1", "10.0.0.1", 4 },
	{ "0.0.0.0", "0.0.0.0", 4 },
	{ "255.255.255.255", "255.255.255.255", 4 },
	{ "fd00:10:244:1::5", "fd00:10:244:1::5", 6 },
	{ "fd00:10:244:1:0:0:0:5", "fd00:10:244:1::5", 6 },
	{ "FD00:0010:0244:0001:0000:0000:0000:0005", "fd00:10:244:1::5", 6 },
	{ "::1", "::1", 6 },
	{ "0:0:0:0:0:0:0:1", "::1", 6 },
	{ "::", "::", 6 },
	{ "2001:db8::", "2001:db8::", 6 },
	{ "2001:db8:0:0:0:0:0:0", "2001:db8::", 6 },
	{ "1:0:0:0:0:0:0:0", "1::", 6 },
	{ "0:1:0:0:0:0:0:0", "0:1::", 6 },
	/* RFC 5952 4.2.2: one zero group is not shortened. */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", 6 },
	/* 4.2.1: the longest run; 4.2.3: the first of equal runs. */
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1", 6 },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 6 },
	{ "fe80::1:2", "fe80::1:2", 6 },
	/* Go prints IPv4-mapped addresses as dotted IPv4 ... */
	{ "::ffff:1.2.3.4", "1.2.3.4", 4 },
	{ "::ffff:0102:0304", "1.2.3.4", 4 },
	/* ... but not the old IPv4-compatible form. */
	{ "::1.2.3.4", "::102:304", 6 },
	{ "64:ff9b::1.2.3.4", "64:ff9b::102:304", 6 },
	{ "", NULL, 0 },
	{ "1.2.3", NULL, 0 },
	{ "1.2.3.4.5", NULL, 0 },
	{ "256.0.0.1", NULL, 0 },
	{ "01.2.3.4", NULL, 0 },
	{ " 1.2.3.4", NULL, 0 },
	{ "1.2.3.4 ", NULL, 0 },
	{ "1.2.3.4\n", NULL, 0 },
	{ "10.0.0.0/24", NULL, 0 },
	{ "fe80::1%eth0", NULL, 0 },
	{ "1::2::3", NULL, 0 },
	{ "::g", NULL, 0 },
	{ "12345::", NULL, 0 },
	{ "lock", NULL, 0 },
	{ "last_reserved_ip.0", NULL, 0 },
};

static void test_ip_parse_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(ip_cases); i++) {
		struct nd_ip ip;
		char buf[64];
		int r = nd_ip_parse(ip_cases[i].in, &ip);

		if (!ip_cases[i].out) {
			if (r != -1)
				fail_msg("'%s' parsed, should not", ip_cases[i].in);
			continue;
		}
		if (r != 0)
			fail_msg("'%s' did not parse", ip_cases[i].in);
		if (ip.family != ip_cases[i].family)
			fail_msg("'%s': family %d, want %d", ip_cases[i].in, ip.family,
				 ip_cases[i].family);
		nd_ip_format(&ip, buf, sizeof(buf));
		if (strcmp(buf, ip_cases[i].out) != 0)
			fail_msg("'%s' printed '%s', want '%s'", ip_cases[i].in, buf,
				 ip_cases[i].out);
		/* The canonical form reads back to the same address. */
		{
			struct nd_ip again;

			assert_int_equal(nd_ip_parse(buf, &again), 0);
			assert_true(nd_ip_equal(&ip, &again));
		}
	}
}

static void test_ip_format_edges(void **state)
{
	struct nd_ip ip;
	char buf[8];
	char big[64];

	(void)state;
	/* A mapped address built by hand (family 6) still prints dotted, like Go. */
	memset(&ip, 0, sizeof(ip));
	ip.family = 6;
	ip.b[10] = ip.b[11] = 0xff;
	ip.b[12] = 192;
	ip.b[13] = 168;
	ip.b[14] = 0;
	ip.b[15] = 1;
	nd_ip_format(&ip, big, sizeof(big));
	assert_string_equal(big, "192.168.0.1");
	/* The longest form fits in 46 bytes (INET6_ADDRSTRLEN). */
	assert_int_equal(nd_ip_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &ip), 0);
	{
		char b46[46];

		nd_ip_format(&ip, b46, sizeof(b46));
		assert_string_equal(b46, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	}
	/* A short buffer truncates and stays terminated. */
	assert_int_equal(nd_ip_parse("fd00:10:244:1::5", &ip), 0);
	memset(buf, 'x', sizeof(buf));
	nd_ip_format(&ip, buf, sizeof(buf));
	assert_true(memchr(buf, '\0', sizeof(buf)) != NULL);
	assert_int_equal(strncmp(buf, "fd00:10", 7), 0);
	assert_int_equal(nd_ip_parse("192.168.100.200", &ip), 0);
	memset(buf, 'x', sizeof(buf));
	nd_ip_format(&ip, buf, sizeof(buf));
	assert_string_equal(buf, "192.168");
}

static const struct {
	const char *a, *b;
	int sign;
} cmp_cases[] = {
	{ "10.0.0.1", "10.0.0.1", 0 },
	{ "10.0.0.1", "10.0.0.2", -1 },
	{ "10.0.0.9", "10.0.0.10", -1 },   /* numbers, not text */
	{ "10.0.1.0", "10.0.0.255", 1 },
	{ "255.255.255.255", "::", -1 },   /* IPv4 before IPv6 */
	{ "fd00::10", "fd00::9", 1 },
	{ "fd00::5", "fd00:0::5", 0 },
	{ "::ffff:10.0.0.1", "10.0.0.1", 0 },
};

static void test_ip_cmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cmp_cases); i++) {
		struct nd_ip a, b;
		int c;

		assert_int_equal(nd_ip_parse(cmp_cases[i].a, &a), 0);
		assert_int_equal(nd_ip_parse(cmp_cases[i].b, &b), 0);
		c = nd_ip_cmp(&a, &b);
		c = c < 0 ? -1 : c > 0 ? 1 : 0;
		if (c != cmp_cases[i].sign)
			fail_msg("cmp('%s', '%s') = %d, want %d", cmp_cases[i].a,
				 cmp_cases[i].b, c, cmp_cases[i].sign);
		assert_int_equal(nd_ip_equal(&a, &b), cmp_cases[i].sign == 0);
		c = nd_ip_cmp(&b, &a);
		c = c < 0 ? -1 : c > 0 ? 1 : 0;
		assert_int_equal(c, -cmp_cases[i].sign);
	}
}

/* ---- CIDR ---- */

static const struct {
	const char *in;
	bool bare;
	const char *out;   /* nd_cidr_format, NULL when refused */
	bool network;
	uint64_t size;
} cidr_cases[] = {
	{ "10.0.0.0/24", false, "10.0.0.0/24", true, 256 },
	{ "10.0.0.1/24", false, "10.0.0.1/24", false, 256 },
	{ "10.244.1.0/24", false, "10.244.1.0/24", true, 256 },
	{ "10.128.0.0/9", false, "10.128.0.0/9", true, 1u << 23 },
	{ "10.0.0.0/9", false, "10.0.0.0/9", true, 1u << 23 },
	{ "10.0.0.1/31", false, "10.0.0.1/31", false, 2 },
	{ "0.0.0.0/0", false, "0.0.0.0/0", true, UINT64_C(1) << 32 },
	{ "1.2.3.4/0", false, "1.2.3.4/0", false, UINT64_C(1) << 32 },
	{ "10.1.2.3/32", false, "10.1.2.3/32", true, 1 },
	{ "::/0", false, "::/0", true, UINT64_MAX },
	{ "fd00::/64", false, "fd00::/64", true, UINT64_MAX },
	{ "fd00::/65", false, "fd00::/65", true, UINT64_C(1) << 63 },
	{ "fd00:10:244:1::/64", false, "fd00:10:244:1::/64", true, UINT64_MAX },
	{ "fd00:10:244:1::5/64", false, "fd00:10:244:1::5/64", false, UINT64_MAX },
	{ "fd00::1/128", false, "fd00::1/128", true, 1 },
	{ "fd00::/120", false, "fd00::/120", true, 256 },
	{ "2001:db8::8000/113", false, "2001:db8::8000/113", true, 32768 },
	{ "2001:db8::8000/112", false, "2001:db8::8000/112", false, 65536 },
	{ "::ffff:10.0.0.0/104", false, "10.0.0.0/8", true, 1u << 24 },
	{ "10.0.0.1", true, "10.0.0.1/32", true, 1 },
	{ "fd00::1", true, "fd00::1/128", true, 1 },
	{ "::ffff:1.2.3.4", true, "1.2.3.4/32", true, 1 },
	{ "10.0.0.1", false, NULL, false, 0 },
	{ "10.0.0.0/33", false, NULL, false, 0 },
	{ "fd00::/129", false, NULL, false, 0 },
	{ "10.0.0.0/", false, NULL, false, 0 },
	{ "/24", false, NULL, false, 0 },
	{ "10.0.0.0/024", false, NULL, false, 0 },
	{ "10.0.0.0/-1", false, NULL, false, 0 },
	{ "10.0.0.0/+8", false, NULL, false, 0 },
	{ "10.0.0.0/8 ", false, NULL, false, 0 },
	{ "10.0.0.0/8/8", false, NULL, false, 0 },
	{ "10.0.0.0/1000", false, NULL, false, 0 },
	{ "10.0.0/8", false, NULL, false, 0 },
	{ "", true, NULL, false, 0 },
	{ "usePodCidr", true, NULL, false, 0 },
};

static void test_cidr_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cidr_cases); i++) {
		struct nd_cidr c;
		char buf[64];
		int r = nd_cidr_parse(cidr_cases[i].in, cidr_cases[i].bare, &c);

		if (!cidr_cases[i].out) {
			if (r != -1)
				fail_msg("'%s' parsed, should not", cidr_cases[i].in);
			continue;
		}
		if (r != 0)
			fail_msg("'%s' did not parse", cidr_cases[i].in);
		nd_cidr_format(&c, buf, sizeof(buf));
		if (strcmp(buf, cidr_cases[i].out) != 0)
			fail_msg("'%s' printed '%s', want '%s'", cidr_cases[i].in, buf,
				 cidr_cases[i].out);
		if (nd_cidr_is_network(&c) != cidr_cases[i].network)
			fail_msg("'%s': is_network %d", cidr_cases[i].in,
				 nd_cidr_is_network(&c));
		if (nd_cidr_size(&c) != cidr_cases[i].size)
			fail_msg("'%s': size %llu, want %llu", cidr_cases[i].in,
				 (unsigned long long)nd_cidr_size(&c),
				 (unsigned long long)cidr_cases[i].size);
		/* A prefix always contains the address it was written with. */
		assert_true(nd_cidr_contains(&c, &c.ip));
	}
}

static const struct {
	const char *cidr, *ip;
	bool in;
} contains_cases[] = {
	{ "10.0.0.0/24", "10.0.0.0", true },
	{ "10.0.0.0/24", "10.0.0.255", true },
	{ "10.0.0.0/24", "10.0.1.0", false },
	{ "10.0.0.0/24", "9.255.255.255", false },
	{ "10.0.0.1/24", "10.0.0.200", true },
	{ "10.0.0.0/9", "10.127.255.255", true },
	{ "10.0.0.0/9", "10.128.0.0", false },
	{ "0.0.0.0/0", "203.0.113.7", true },
	{ "0.0.0.0/0", "::1", false },
	{ "::/0", "::1", true },
	{ "::/0", "10.0.0.1", false },
	{ "203.0.113.7/32", "203.0.113.7", true },
	{ "203.0.113.7/32", "203.0.113.8", false },
	{ "fd00:10:244:1::/64", "fd00:10:244:1::5", true },
	{ "fd00:10:244:1::/64", "fd00:10:244:1:ffff:ffff:ffff:ffff", true },
	{ "fd00:10:244:1::/64", "fd00:10:244:2::5", false },
	{ "2001:db8::/127", "2001:db8::1", true },
	{ "2001:db8::/127", "2001:db8::2", false },
	{ "fd00::1/128", "fd00::1", true },
	{ "fd00::1/128", "fd00::", false },
	/* A client seen through a dual-stack socket. */
	{ "10.244.1.0/24", "::ffff:10.244.1.7", true },
	{ "::ffff:10.0.0.0/104", "10.1.2.3", true },
};

static void test_cidr_contains(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(contains_cases); i++) {
		struct nd_cidr c;
		struct nd_ip ip;

		assert_int_equal(nd_cidr_parse(contains_cases[i].cidr, false, &c), 0);
		assert_int_equal(nd_ip_parse(contains_cases[i].ip, &ip), 0);
		if (nd_cidr_contains(&c, &ip) != contains_cases[i].in)
			fail_msg("'%s' contains '%s': want %d", contains_cases[i].cidr,
				 contains_cases[i].ip, contains_cases[i].in);
	}
}

static const struct {
	const char *cidr;
	uint64_t n;
	const char *want;   /* NULL: out of range */
} nth_cases[] = {
	{ "10.244.1.0/24", 0, "10.244.1.0" },
	{ "10.244.1.0/24", 1, "10.244.1.1" },
	{ "10.244.1.0/24", 255, "10.244.1.255" },
	{ "10.244.1.0/24", 256, NULL },
	{ "10.0.0.1/24", 5, "10.0.0.5" },   /* counted from the network address */
	{ "10.0.0.0/23", 256, "10.0.1.0" },
	{ "10.0.0.0/23", 511, "10.0.1.255" },
	{ "10.0.0.0/23", 512, NULL },
	{ "0.0.0.0/0", UINT64_C(0xffffffff), "255.255.255.255" },
	{ "0.0.0.0/0", UINT64_C(0x100000000), NULL },
	{ "10.0.0.1/32", 0, "10.0.0.1" },
	{ "10.0.0.1/32", 1, NULL },
	{ "fd00::/64", 5, "fd00::5" },
	{ "fd00::/64", 0x10000, "fd00::1:0" },
	{ "fd00::/64", UINT64_MAX, "fd00::ffff:ffff:ffff:ffff" },
	{ "fd00:10:244:1::/64", 1, "fd00:10:244:1::1" },
	{ "::/0", UINT64_MAX, "::ffff:ffff:ffff:ffff" },
	{ "fd00::/120", 255, "fd00::ff" },
	{ "fd00::/120", 256, NULL },
	{ "fd00::1/128", 0, "fd00::1" },
	{ "fd00::1/128", 1, NULL },
	{ "fd00::ff00/121", 0x7f, "fd00::ff7f" },
};

static void test_cidr_nth(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(nth_cases); i++) {
		struct nd_cidr c;
		struct nd_ip ip;
		char buf[64];
		int r;

		assert_int_equal(nd_cidr_parse(nth_cases[i].cidr, false, &c), 0);
		r = nd_cidr_nth(&c, nth_cases[i].n, &ip);
		if (!nth_cases[i].want) {
			if (r != -1)
				fail_msg("'%s' nth %llu: want out of range", nth_cases[i].cidr,
					 (unsigned long long)nth_cases[i].n);
			continue;
		}
		if (r != 0)
			fail_msg("'%s' nth %llu: out of range", nth_cases[i].cidr,
				 (unsigned long long)nth_cases[i].n);
		nd_ip_format(&ip, buf, sizeof(buf));
		if (strcmp(buf, nth_cases[i].want) != 0)
			fail_msg("'%s' nth %llu = '%s', want '%s'", nth_cases[i].cidr,
				 (unsigned long long)nth_cases[i].n, buf, nth_cases[i].want);
		assert_true(nd_cidr_contains(&c, &ip));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_parse_format),
		cmocka_unit_test(test_ip_format_edges),
		cmocka_unit_test(test_ip_cmp),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_contains),
		cmocka_unit_test(test_cidr_nth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
