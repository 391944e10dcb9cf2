/* SPDX-License-Identifier: MIT */
/* serve: field selectors, continue tokens, the JSON writer, plurals. */
#include "serve/select.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/buf.h"
#include "serve/store.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_fsel_ok(void **state)
{
	static const struct {
		const char *text;
		uint32_t n;
		const char *k0, *v0;
		bool neg0;
	} cases[] = {
		{"", 0, NULL, NULL, false},
		{"spec.nodeName=n1", 1, "spec.nodeName", "n1", false},
		{"spec.nodeName==n1", 1, "spec.nodeName", "n1", false},
		{"status.phase!=Running,metadata.name=a", 2, "status.phase", "Running", true},
		{"involvedObject.name=a\\,b", 1, "involvedObject.name", "a,b", false},
		{"metadata.name=", 1, "metadata.name", "", false},
		{"a=b=c", 1, "a", "b=c", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_fsel f;
		struct nd_err e;

		assert_int_equal(nd_fsel_parse(cases[i].text, a, &f, &e), 0);
		assert_int_equal(f.n, cases[i].n);
		if (f.n) {
			assert_string_equal(f.t[0].key, cases[i].k0);
			assert_string_equal(f.t[0].val, cases[i].v0);
			assert_int_equal(f.t[0].neg, cases[i].neg0);
		}
		nd_arena_free(a);
	}
}

static void test_fsel_bad(void **state)
{
	static const char *const bad[] = {"spec.nodeName", "=x", "a=b,", ",a=b", "a=b,,c=d"};
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_fsel f;
		struct nd_err e;

		assert_int_equal(nd_fsel_parse(bad[i], a, &f, &e), -1);
		assert_non_null(strstr(e.msg, "field selector"));
		nd_arena_free(a);
	}
}

static void test_fields_of_builtins(void **state)
{
	size_t i;
	const struct nd_sres *pod = NULL, *ev2 = NULL;
	struct nd_fsel f = {.n = 1};
	struct nd_err e;

	(void)state;
	for (i = 0; i < nd_sres_builtin_count; i++) {
		if (strcmp(nd_sres_builtin[i].plural, "pods") == 0)
			pod = &nd_sres_builtin[i];
		if (strcmp(nd_sres_builtin[i].group, "events.k8s.io") == 0)
			ev2 = &nd_sres_builtin[i];
	}
	assert_non_null(pod);
	assert_non_null(ev2);
	assert_true(nd_sres_has_field(pod, "spec.nodeName"));
	assert_true(nd_sres_has_field(pod, "spec.hostNetwork"));
	assert_true(nd_sres_has_field(pod, "metadata.namespace"));
	assert_false(nd_sres_has_field(pod, "spec"));
	assert_true(nd_sres_has_field(ev2, "involvedObject.name"));
	assert_true(nd_sres_has_field(ev2, "regarding.name"));
	f.t[0].key = "spec.frob";
	f.t[0].val = "x";
	assert_int_equal(nd_fsel_check(pod, &f, &e), -1);
	assert_string_equal(e.msg, "field label not supported: spec.frob");
}

static void test_continue(void **state)
{
	struct nd_buf b;
	uint32_t res, pos;
	uint64_t rv;

	(void)state;
	nd_buf_init(&b, 256);
	nd_continue_make(&b, 7, 12345, 987654321ull);
	assert_int_equal(nd_continue_parse(b.p, &res, &pos, &rv), 0);
	assert_int_equal(res, 7);
	assert_int_equal(pos, 12345);
	assert_true(rv == 987654321ull);
	nd_buf_release(&b);
	assert_int_equal(nd_continue_parse("bogus", &res, &pos, &rv), -1);
	assert_int_equal(nd_continue_parse("", &res, &pos, &rv), -1);
	assert_int_equal(nd_continue_parse("bmQxOjE6Mg==", &res, &pos, &rv), -1);   /* nd1:1:2 */
	assert_int_equal(nd_continue_parse("bmQxOng6MTox", &res, &pos, &rv), -1);   /* nd1:x:1:1 */
}

static void test_jbuf(void **state)
{
	struct nd_buf b;
	unsigned char out[16];
	size_t n;

	(void)state;
	nd_buf_init(&b, 64);
	nd_buf_str(&b, "a\"b\\c\n\x01\0z", 9);
	assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\u0001\\u0000z\"");
	nd_buf_reset(&b);
	nd_buf_base64(&b, "netdiag", 7);
	assert_string_equal(b.p, "bmV0ZGlhZw==");
	assert_int_equal(nd_buf_b64decode(b.p, b.len, out, sizeof(out), &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "netdiag", 7);
	nd_buf_reset(&b);
	for (n = 0; n < 100; n++)
		nd_buf_adds(&b, "0123456789");
	assert_true(b.toobig);
	assert_true(b.len <= 64);
	nd_buf_release(&b);
}

static void test_reencode(void **state)
{
	static const char in[] = "{ \"a\" : [1, 2.50, -3e4, true, false, null],\n \"b\": {\"c\": \"\\u00e9\\n\"},"
				 " \"a\": \"dup\", \"big\": 123456789012345678901234567890 }";
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_buf b;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_json_parse(in, strlen(in), 0, a, &v, &e), 0);
	nd_buf_init(&b, 4096);
	nd_buf_json(&b, &v);
	assert_string_equal(b.p, "{\"a\":[1,2.50,-3e4,true,false,null],\"b\":{\"c\":\"\xc3\xa9\\n\"},"
			    "\"a\":\"dup\",\"big\":123456789012345678901234567890}");
	nd_buf_release(&b);
	nd_arena_free(a);
}

static void test_plural(void **state)
{
	static const char *const cases[][2] = {
		{"Pod", "pods"}, {"NetworkPolicy", "networkpolicies"}, {"Ingress", "ingresses"},
		{"Endpoints", "endpoints"}, {"CiliumEndpoint", "ciliumendpoints"},
		{"NodeNetworkConfig", "nodenetworkconfigs"},
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		nd_sres_plural(cases[i][0], out, sizeof(out));
		assert_string_equal(out, cases[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsel_ok),
		cmocka_unit_test(test_fsel_bad),
		cmocka_unit_test(test_fields_of_builtins),
		cmocka_unit_test(test_continue),
		cmocka_unit_test(test_jbuf),
		cmocka_unit_test(test_reencode),
		cmocka_unit_test(test_plural),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
