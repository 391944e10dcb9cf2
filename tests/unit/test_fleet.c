/* SPDX-License-Identifier: MIT */
/* checks/fleet_merge: agents' lines merged into one report: findings keep
 * their check and gain the node, checks count the nodes, the worst nodes
 * first, lines from another version or cut lines never crash nor count. */
#include "checks/fleet.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "checks/registry.h"
#include "findings/finding.h"
#include "core/banned.h"

static const char *leak(int n)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "netdiag: starting\n"
		 "{\"schema\":\"netdiag/v1\",\"source\":{\"mode\":\"node\"},\"checks\":["
		 "{\"id\":\"ipam-node\",\"scenario\":\"S2\",\"status\":\"fail\",\"reason\":\"x\"},"
		 "{\"id\":\"conntrack\",\"scenario\":\"S3\",\"status\":\"pass\",\"reason\":\"y\"},"
		 "{\"id\":\"bundle-load\",\"scenario\":\"S0\",\"status\":\"pass\"}],"
		 "\"findings\":[{\"code\":\"ipam-leak\",\"check\":\"ipam-node\",\"severity\":\"error\","
		 "\"subject\":{\"kind\":\"Node\",\"namespace\":null,\"name\":\"n\"},\"summary\":\"s\","
		 "\"evidence\":{\"leaked_count\":%d,\"ratio\":0.5,\"list\":[1,\"a\",null,true]},"
		 "\"remedy\":\"r\",\"commands\":[\"c1\"]}],"
		 "\"summary\":{\"verdict\":\"problems\",\"unread\":[]}}\n"
		 "netdiag: after\n", n);
	return buf;
}

static const char healthy[] =
	"{\"schema\":\"netdiag/v1\",\"checks\":[{\"id\":\"ipam-node\",\"scenario\":\"S2\","
	"\"status\":\"pass\"},{\"id\":\"conntrack\",\"scenario\":\"S3\",\"status\":\"error\","
	"\"reason\":\"bad stat\"}],\"findings\":[],\"summary\":{\"unread\":[\"stat file\"]}}";

static const struct nd_check *check(const struct nd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	return NULL;
}

static void test_merge(void **state)
{
	struct nd_report *r = nd_report_new();
	struct nd_fleet *f = nd_fleet_new(r, 2);
	const struct nd_val *causes, *c, *w;
	const char *why;
	size_t leaks = 0;

	(void)state;
	assert_int_equal(nd_fleet_add_log(f, "a", "ns/pa", leak(1), strlen(leak(1)), false, &why), 0);
	assert_int_equal(nd_fleet_add_log(f, "b", "ns/pb", leak(7), strlen(leak(7)), false, &why), 0);
	assert_int_equal(nd_fleet_add_log(f, "c", "ns/pc", leak(3), strlen(leak(3)), false, &why), 0);
	assert_int_equal(nd_fleet_add_log(f, "d", "ns/pd", healthy, strlen(healthy), false, &why), 0);
	/* no line, a cut line, garbage after the prefix */
	assert_int_equal(nd_fleet_add_log(f, "e", "ns/pe", "exec failed\n", 12, false, &why), -1);
	assert_non_null(strstr(why, "no netdiag/v1 line"));
	assert_int_equal(nd_fleet_add_log(f, "g", "ns/pg", leak(1), 90, true, &why), -1);
	assert_non_null(strstr(why, "not valid JSON"));
	nd_fleet_not_reported(f, "e", "ns/pe", "no-log", why);
	nd_fleet_not_covered(f, "w", "windows");
	nd_fleet_finish(f);
	nd_fleet_finish(f);   /* once */
	nd_checks_audit(r);
	for (size_t i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i]->code, "ipam-leak") != 0)
			continue;
		leaks++;
		assert_string_equal(r->findings[i]->check, "ipam-node");
		assert_non_null(r->findings[i]->subject.node);
	}
	assert_int_equal(leaks, 3);
	assert_int_equal(check(r, "ipam-node")->status, ND_CHECK_FAIL);
	assert_non_null(strstr(check(r, "ipam-node")->reason, "4 nodes: 1 pass, 3 fail"));
	/* one node's error makes the merged check an error, naming the node */
	assert_int_equal(check(r, "conntrack")->status, ND_CHECK_ERROR);
	assert_non_null(strstr(check(r, "conntrack")->reason, "d: bad stat"));
	assert_null(check(r, "bundle-load"));
	assert_int_equal(nd_report_verdict(r), ND_VERDICT_INCOMPLETE);
	/* the roll-up: ipam-leak on 3 nodes, the 2 worst b (7) then c (3) */
	causes = r->verdict->first;
	while (causes && strcmp(causes->key, "causes") != 0)
		causes = causes->next;
	assert_non_null(causes);
	c = causes->first;
	assert_non_null(c);
	assert_string_equal(c->first->u.s, "ipam-leak");
	assert_int_equal(c->first->next->u.i, 3);
	w = c->first->next->next;
	assert_int_equal(w->n, 2);
	assert_string_equal(w->first->first->u.s, "b");
	assert_int_equal(w->first->first->next->u.i, 7);
	assert_string_equal(w->first->next->first->u.s, "c");
	assert_non_null(strstr(r->answer, "3 nodes: ipam-leak"));
	nd_fleet_free(f);
	nd_report_free(r);
}

static void test_other_version(void **state)
{
	static const char line[] =
		"{\"schema\":\"netdiag/v1\",\"checks\":[{\"id\":\"from-the-future\",\"status\":\"fail\"}],"
		"\"findings\":[{\"code\":\"no-such-code\",\"check\":\"from-the-future\"},"
		"{\"code\":\"ipam-leak\",\"check\":\"conntrack\"},"
		"{\"code\":\"ipam-leak\",\"evidence\":[1]},"
		"{\"code\":7}],\"summary\":{}}";
	struct nd_report *r = nd_report_new();
	struct nd_fleet *f = nd_fleet_new(r, 0);
	const char *why;

	(void)state;
	assert_int_equal(nd_fleet_add_log(f, "x", "ns/px", line, strlen(line), false, &why), 0);
	nd_fleet_finish(f);
	nd_checks_audit(r);
	/* only the finding whose code its (inferred) check declares survives */
	assert_int_equal(r->nfindings, 1);
	assert_string_equal(r->findings[0]->code, "ipam-leak");
	assert_null(check(r, "from-the-future"));
	assert_true(r->nunread >= 3);
	assert_int_equal(nd_report_verdict(r), ND_VERDICT_INCOMPLETE);
	nd_fleet_free(f);
	nd_report_free(r);
}

static void test_last_line(void **state)
{
	static const char log[] = "{\"schema\":\"netdiag/v1\",\"a\":1}\nnoise\n"
				  "{\"schema\":\"netdiag/v1\",\"a\":2}\r\nmore noise";
	size_t n;
	const char *l;

	(void)state;
	l = nd_fleet_last_line(log, strlen(log), &n);
	assert_non_null(l);
	assert_int_equal(n, strlen("{\"schema\":\"netdiag/v1\",\"a\":2}"));
	assert_memory_equal(l, "{\"schema\":\"netdiag/v1\",\"a\":2}", n);
	assert_null(nd_fleet_last_line("", 0, &n));
	assert_null(nd_fleet_last_line("\n\n", 2, &n));
	assert_null(nd_fleet_last_line("{\"schema\":\"netdiag/v2\"}", 23, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_other_version),
		cmocka_unit_test(test_last_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
