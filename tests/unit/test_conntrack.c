/* SPDX-License-Identifier: MIT */
/* node/conntrack: the count/max files and /proc/net/stat/nf_conntrack summed
 * by the header's names (old and new kernels' columns), and what it refuses;
 * node/nodefiles: which bundle paths an agent's line may write. */
#include "node/conntrack.h"
#include "node/nodefiles.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/banned.h"

/* Linux 5.x+: clashres and chainlength, no searched */
static const char new_kernel[] =
	"entries  clashres found new invalid ignore delete chainlength insert insert_failed drop "
	"early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
	"000003b6  00000000 00000000 00000000 00000010 00000000 00000000 00000000 00000000 "
	"00000002 00000005 00000001 00000000  00000000 00000000 00000000 00000000\n"
	"000003b6  00000000 00000000 00000000 00000010 00000000 00000000 00000000 00000000 "
	"0000000a 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n";
/* Linux 4.x: searched and delete_list */
static const char old_kernel[] =
	"entries  searched found new invalid ignore delete delete_list insert insert_failed drop "
	"early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
	"00000100  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	"00000000 000000ff 00000000 00000000  00000000 00000000 00000000 00000000\n";

static void test_stat(void **state)
{
	struct nd_ct_stat st;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_ct_parse_stat(new_kernel, strlen(new_kernel), &st, &e), 0);
	assert_int_equal(st.cpus, 2);
	assert_int_equal(st.insert_failed, 12);
	assert_int_equal(st.drop, 5);
	assert_int_equal(st.early_drop, 1);
	assert_int_equal(nd_ct_parse_stat(old_kernel, strlen(old_kernel), &st, &e), 0);
	assert_int_equal(st.cpus, 1);
	assert_int_equal(st.drop, 255);
	assert_int_equal(st.insert_failed, 0);
	/* a header without the field: -1, not 0 */
	assert_int_equal(nd_ct_parse_stat("entries found\n00000001 00000002\n", 32, &st, &e), 0);
	assert_int_equal(st.drop, -1);
	assert_int_equal(st.insert_failed, -1);
}

static void bad(const char *text, const char *want)
{
	struct nd_ct_stat st;
	struct nd_err e;

	assert_int_equal(nd_ct_parse_stat(text, strlen(text), &st, &e), -1);
	if (!strstr(e.msg, want))
		fail_msg("'%s': got '%s', want '%s'", text, e.msg, want);
}

static void test_stat_bad(void **state)
{
	(void)state;
	bad("", "empty");
	bad("hello world\n1 2\n", "not the header");
	bad("entries drop\n00000001 zz\n", "line 2, field 2: 'zz' is not a hex counter");
	bad("entries drop\n00000001 00000002 00000003\n", "more fields than the header's 2");
	bad("entries drop\n00000001\n", "line 2: 1 fields, the header has 2");
	bad("entries drop\n1 11111111111111111\n", "is not a hex counter");
	bad("entries drop\n1 3fffffffffffffff\n1 3fffffffffffffff\n", "the sum overflows");
}

static void test_number(void **state)
{
	int64_t v;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_ct_parse_number("262144\n", 7, &v, &e), 0);
	assert_int_equal(v, 262144);
	assert_int_equal(nd_ct_parse_number("0", 1, &v, &e), 0);
	assert_int_equal(nd_ct_parse_number("-1\n", 3, &v, &e), -1);
	assert_string_equal(e.msg, "'-1' is not a count");
	assert_int_equal(nd_ct_parse_number("", 0, &v, &e), -1);
	assert_int_equal(nd_ct_parse_number("12 34", 5, &v, &e), -1);
}

static void test_node_file_paths(void **state)
{
	static const char *const good[] = {
		"cni/net.d/10-kubenet.conflist", "cni/networks/kubenet/10.244.0.5",
		"cni/networks/k8s-pod-network/last_reserved_ip.0", "iptables-save.txt",
		"resolv.conf", "azure-vnet-ipam.json", "proc/net/stat/nf_conntrack",
		"proc/sys/net/netfilter/nf_conntrack_max",
	};
	static const char *const evil[] = {
		"", "/etc/passwd", "../x", "cni/net.d/../../x", "cni/net.d/", "cni/net.d/a/b",
		"cni/networks/kubenet", "cni/networks//x", "cni/networks/../x", "cni/networks/./x",
		"cni/networks/n/..", "etc/shadow", "proc/self/environ", "cni/net.d/..",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!nd_node_file_path_ok(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		if (nd_node_file_path_ok(evil[i]))
			fail_msg("'%s' accepted", evil[i]);
	assert_false(nd_node_file_path_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_stat_bad),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_node_file_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
