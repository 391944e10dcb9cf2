/* SPDX-License-Identifier: MIT */
/* The push decoder (fed as an HTTP body arrives) at every piece size, and Status parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/json.h"
#include "k8s/apierr.h"

struct acc {
	char names[512];
	const char *kind;
};

static int on_item(const struct nd_json *o, size_t off, const char *lk, void *ctx, struct nd_err *e)
{
	struct acc *a = ctx;
	const char *n = nd_json_str(nd_json_path(o, "metadata", "name", NULL));
	size_t l = strlen(a->names);

	(void)off;
	(void)e;
	a->kind = lk;
	snprintf(a->names + l, sizeof(a->names) - l, "%s,", n ? n : "?");
	return 0;
}

static const char LIST[] =
	"{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"continue\":\"eyJ2Ijo=\"},"
	"\"items\":[{\"metadata\":{\"name\":\"a\",\"managedFields\":[{\"x\":1}]}},"
	" {\"metadata\":{\"name\":\"b\\\"q\"}} ,{\"metadata\":{\"name\":\"c\"},\"n\":12345}]}";

static void test_every_piece_size(void **st)
{
	size_t piece, len = strlen(LIST);

	(void)st;
	for (piece = 1; piece <= len; piece++) {
		struct acc a = {""};
		struct nd_json_push *p = nd_json_push_new("page", NULL, on_item, &a);
		struct nd_err e;
		size_t off;

		for (off = 0; off < len; off += piece)
			assert_int_equal(nd_json_push_feed(p, LIST + off,
							   off + piece > len ? len - off : piece, &e), 0);
		assert_int_equal(nd_json_push_finish(p, &e), 3);
		assert_string_equal(a.names, "a,b\"q,c,");
		assert_string_equal(a.kind, "PodList");
		assert_true(nd_json_push_is_list(p));
		assert_string_equal(nd_json_str(nd_json_get(nd_json_push_member(p, "metadata"),
							     "continue")), "eyJ2Ijo=");
		nd_json_push_free(p);
	}
}

static void test_errors(void **st)
{
	static const struct {
		const char *in;
		const char *err;
	} cases[] = {
		{"{\"kind\":\"PodList\",\"items\":[{\"a\":1},{\"a\":", "truncated body"},
		{"<html>", "expected a Kubernetes object"},
		{"{\"items\":[1,]}", "trailing comma"},
		{"{\"items\":[]} x", "trailing data"},
		{"", "empty"},
	};
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct acc a = {""};
		struct nd_json_push *p = nd_json_push_new("page", NULL, on_item, &a);
		struct nd_err e = {""};

		if (nd_json_push_feed(p, cases[i].in, strlen(cases[i].in), &e) == 0)
			assert_int_equal(nd_json_push_finish(p, &e), -1);
		assert_non_null(strstr(e.msg, cases[i].err));
		nd_json_push_free(p);
	}
}

static void test_status(void **st)
{
	static const char body[] =
		"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
		"\"message\":\"nodenetworkconfigs.acn.azure.com is forbidden: User \\\"system:serviceaccount:ns:sa\\\" "
		"cannot list resource \\\"nodenetworkconfigs\\\" in API group \\\"acn.azure.com\\\" in the "
		"namespace \\\"kube-system\\\"\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"pods\"},\"code\":403}";
	struct nd_http_result r = {.status = 403, .body = body, .body_len = sizeof(body) - 1};
	struct nd_api_error ae;

	(void)st;
	nd_api_error_from(&ae, &r, "GET /x");
	assert_string_equal(ae.reason, "Forbidden");
	assert_string_equal(ae.user, "system:serviceaccount:ns:sa");
	assert_string_equal(ae.verb, "list");
	assert_string_equal(ae.resource, "nodenetworkconfigs.acn.azure.com");
	assert_string_equal(ae.ns, "kube-system");
	r.body = "<html>nope</html>";
	r.body_len = strlen(r.body);
	r.status = 404;
	r.content_type = "text/html";
	nd_api_error_from(&ae, &r, "GET /x");
	assert_string_equal(ae.reason, "NotKubernetes");
	assert_non_null(strstr(ae.message, "text/html"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_piece_size),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
