/* SPDX-License-Identifier: MIT */
/*
 * The report's output layer: causes folded by code and kind, worst first
 * (findings/causes.h), the same causes in summary.top, the text's verdict
 * block and --brief, and the HTML page (escaping of hostile evidence, the
 * pictures drawn from checks and findings). Also serve's duration format
 * and Accept parsing (serve/table.h).
 */
#include "out/emit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "findings/causes.h"
#include "out/html.h"
#include "serve/table.h"
#include "core/banned.h"

/* The output of fn for r, as a malloc'd string. */
static char *render(struct nd_report *r, enum nd_emit_format fmt, bool brief)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct nd_emit_opts o = {.format = fmt, .brief = brief};

	assert_non_null(f);
	assert_int_equal(nd_emit_report(f, r, &o), 0);
	fclose(f);
	return buf;
}

static struct nd_report *sample(void)
{
	struct nd_report *r = nd_report_new();
	struct nd_finding *f;

	r->source.snapshot = "b";
	r->source.when = "2025-06-12T10:00:00Z";
	nd_check_begin(r, "service-endpoints", "S3");
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "svc-%d", i);
		f = nd_finding_add(r, "service-no-endpoints", "Service", "shop", name);
		nd_finding_summary(r, f, "the Service %s has no endpoints", name);
	}
	nd_check_end(r, ND_CHECK_PASS, NULL);
	nd_check_begin(r, "ipam-store", "S2");
	f = nd_finding_add(r, "ipam-leak", "Node", NULL, "node-<b>&\"x'");
	nd_finding_summary(r, f, "3 of 6 addresses on <script>alert(1)</script> leak");
	nd_obj_str(r, f->evidence, "node", "node-<b>&\"x'");
	nd_obj_int(r, f->evidence, "reserved", 6);
	nd_obj_int(r, f->evidence, "running", 3);
	nd_obj_int(r, f->evidence, "leaked_count", 3);
	nd_finding_command(r, f, "netdiag ipam release --node '<b>'");
	nd_check_end(r, ND_CHECK_PASS, NULL);
	f = nd_finding_add(r, "terminated-pods-hold-ips", "Node", NULL, "node-b");
	nd_obj_str(r, f->evidence, "node", "node-b");
	nd_obj_int(r, f->evidence, "held_count", 5);
	/* S1 stages and egress checks, as the probes record them */
	nd_check_begin(r, "apiserver-dns", "S1");
	nd_check_end(r, ND_CHECK_PASS, "resolves");
	r->checks[r->nchecks - 1].duration_ms = 12;
	nd_check_begin(r, "apiserver-tcp", "S1");
	nd_check_end(r, ND_CHECK_FAIL, "timeout");
	r->checks[r->nchecks - 1].duration_ms = 3000;
	nd_check_skip(r, "apiserver-tls", "S1", "not run");
	nd_check_begin(r, "egress", "S4");
	nd_check_end(r, ND_CHECK_ERROR, "dns <failed>");
	nd_report_sort(r);
	return r;
}

static void test_causes(void **state)
{
	struct nd_report *r = sample();
	size_t n;
	const struct nd_cause *c = nd_report_causes(r, &n);

	(void)state;
	assert_int_equal(n, 3);
	/* errors first, then the cause that holds more subjects */
	assert_string_equal(c[0].code, "service-no-endpoints");
	assert_int_equal(c[0].count, 3);
	assert_int_equal(c[0].nsubjects, 3);
	assert_string_equal(c[0].subjects[0], "shop/svc-0");
	assert_non_null(strstr(c[0].text, "3 × Service"));
	assert_string_equal(c[1].code, "ipam-leak");
	/* a cause of one finding says that finding's summary */
	assert_string_equal(c[1].text, "3 of 6 addresses on <script>alert(1)</script> leak");
	assert_string_equal(c[2].code, "terminated-pods-hold-ips");
	assert_int_equal(c[2].sev, ND_SEV_WARNING);
	nd_report_free(r);
}

static void test_text_and_json(void **state)
{
	struct nd_report *r = sample();
	char *brief = render(r, ND_EMIT_TEXT, true);
	char *json = render(r, ND_EMIT_JSON, false);

	(void)state;
	assert_true(strncmp(brief, "INCOMPLETE:", 11) == 0);   /* a check errored */
	assert_non_null(strstr(brief, "source: snapshot b, collected 2025-06-12T10:00:00Z\n"));
	assert_non_null(strstr(brief, "  1. error   service-no-endpoints  3 × Service:"));
	/* --brief stops after the block: no details, no check list */
	assert_null(strstr(brief, "evidence:"));
	assert_null(strstr(brief, "checks:"));
	assert_non_null(strstr(json, "\"top\": ["));
	assert_non_null(strstr(json, "{\"code\": \"service-no-endpoints\", \"scenario\": \"S3\", "
				     "\"severity\": \"error\", \"kind\": \"Service\", \"count\": 3, "
				     "\"subjects\": [\"shop/svc-0\", \"shop/svc-1\", \"shop/svc-2\"]"));
	assert_non_null(strstr(json, "\"when\": \"2025-06-12T10:00:00Z\""));
	free(brief);
	free(json);
	nd_report_free(r);
}

static void test_html(void **state)
{
	struct nd_report *r = sample();
	char *h = render(r, ND_EMIT_HTML, false);

	(void)state;
	assert_non_null(strstr(h, "default-src 'none'"));
	/* hostile strings are text */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<b>"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(h, "node-&lt;b&gt;&amp;&quot;x&#39;"));
	assert_non_null(strstr(h, "netdiag ipam release --node &#39;&lt;b&gt;&#39;"));
	/* IP use, worst first: node-b loses 5 (held by terminated pods), the other 3 (leaked) */
	assert_non_null(strstr(h, "<figure id=\"ipam-chart\" data-nodes=\"2\">"));
	assert_non_null(strstr(h, "data-node=\"node-b\" data-leaked=\"0\""));
	assert_true(strstr(h, "data-node=\"node-b\" data-leaked=\"0\"") <
		    strstr(h, "data-node=\"node-&lt;b&gt;&amp;&quot;x&#39;\" data-leaked=\"3\""));
	/* the S1 ladder: three stages, the skipped one without a time */
	assert_non_null(strstr(h, "id=\"ladder-S1\" data-stages=\"3\""));
	assert_non_null(strstr(h, ">fail 3000 ms<title>"));
	assert_null(strstr(h, "id=\"ladder-S4\""));
	/* egress: the check's status and escaped reason */
	assert_non_null(strstr(h, "<figure id=\"egress\" data-destinations=\"0\">"));
	assert_non_null(strstr(h, "<p class=\"st-fail\">dns &lt;failed&gt;</p>"));
	/* one section per scenario, one article per finding */
	assert_non_null(strstr(h, "<section class=\"scenario\" id=\"S2\" data-scenario=\"S2\" "
				  "data-findings=\"2\">"));
	assert_non_null(strstr(h, "<section class=\"scenario\" id=\"S3\" data-scenario=\"S3\" "
				  "data-findings=\"3\">"));
	free(h);
	nd_report_free(r);
}

/* S4 as incluster --egress records it: a path cut at tcp, a destination blocked at tls */
static void test_html_s4(void **state)
{
	struct nd_report *r = nd_report_new();
	struct nd_finding *f;
	struct nd_val *st, *x;
	char *h;

	(void)state;
	nd_check_begin(r, "incluster-service", "S4");
	nd_check_end(r, ND_CHECK_FAIL, "https://10.96.0.1:443: timeout at tcp");
	r->checks[r->nchecks - 1].duration_ms = 2000;
	nd_check_begin(r, "incluster-endpoints", "S4");
	nd_check_end(r, ND_CHECK_PASS, "PodList");
	r->checks[r->nchecks - 1].duration_ms = 20;
	nd_check_begin(r, "kubernetes-service", "S4");   /* not a probe: no rung */
	nd_check_end(r, ND_CHECK_PASS, NULL);
	f = nd_finding_add(r, "incluster-apiserver-unreachable", "Pod", "lab", "p");
	nd_obj_str(r, f->evidence, "via", "service");
	st = nd_obj_arr(r, f->evidence, "stages");
	x = nd_arr_obj(r, st);
	nd_obj_str(r, x, "stage", "dns");
	nd_obj_str(r, x, "result", "pass");
	nd_obj_int(r, x, "ms", 0);
	x = nd_arr_obj(r, st);
	nd_obj_str(r, x, "stage", "tcp");
	nd_obj_str(r, x, "result", "fail");
	nd_obj_int(r, x, "ms", 2000);
	nd_check_begin(r, "egress", "S4");
	f = nd_finding_add(r, "egress-blocked", "Destination", NULL, "login.microsoftonline.com");
	nd_obj_str(r, f->evidence, "destination", "login.microsoftonline.com");
	nd_obj_str(r, f->evidence, "port", "443/TCP");
	nd_obj_str(r, f->evidence, "stage", "tls");
	nd_obj_str(r, f->evidence, "error", "intercepted");
	nd_check_end(r, ND_CHECK_FAIL, "1 blocked");
	nd_report_sort(r);
	h = render(r, ND_EMIT_HTML, false);
	assert_non_null(strstr(h, "id=\"ladder-S4\" data-stages=\"2\""));
	assert_null(strstr(h, "data-check=\"kubernetes-service\""));
	assert_non_null(strstr(h, "<g class=\"stage st-fail\" data-check=\"incluster-service\">"));
	assert_non_null(strstr(h, "data-stage=\"dns\""));
	assert_non_null(strstr(h, "<title>tcp fail 2000 ms</title>"));
	/* the blocked destination: dns and tcp passed, tls failed, http not run */
	assert_non_null(strstr(h, "<figure id=\"egress\" data-destinations=\"1\">"));
	assert_non_null(strstr(h, "<td class=\"st-pass\">ok</td><td class=\"st-pass\">ok</td>"
				  "<td class=\"st-fail\">intercepted</td><td class=\"st-none\">-</td>"));
	free(h);
	nd_report_free(r);
}

static void test_table_helpers(void **state)
{
	static const struct {
		long long d;
		const char *want;
	} cases[] = {
		{-5, "<invalid>"}, {-1, "0s"}, {0, "0s"}, {119, "119s"}, {120, "2m"}, {200, "3m20s"},
		{599, "9m59s"}, {600, "10m"}, {10799, "179m"}, {10800, "3h"}, {23400, "6h30m"},
		{28800, "8h"}, {172799, "47h"}, {172800, "2d"}, {277200, "3d5h"}, {691200, "8d"},
		{63071999, "729d"}, {63072000, "2y"}, {98582400, "3y46d"}, {252288000, "8y"},
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nd_table_duration(cases[i].d, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	assert_string_equal(nd_table_wanted("application/json;as=Table;v=v1;g=meta.k8s.io,"
					    "application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
					    "application/json"), "v1");
	assert_string_equal(nd_table_wanted("application/json;as=Table;v=v1beta1;g=meta.k8s.io"),
			    "v1beta1");
	assert_null(nd_table_wanted("application/json"));
	assert_null(nd_table_wanted("application/json, application/json;as=Table;v=v1;g=meta.k8s.io"));
	assert_null(nd_table_wanted("application/json;as=Table;v=v2;g=meta.k8s.io"));
	assert_null(nd_table_wanted(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_text_and_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_s4),
		cmocka_unit_test(test_table_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
