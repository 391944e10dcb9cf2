/* SPDX-License-Identifier: MIT */
/* serve: a small bundle through the store and the API, without HTTP. */
#include "serve/api.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "serve/store.h"
#include "core/banned.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/cluster/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define POD(ns, name, node, app, phase) \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" name "\",\"namespace\":\"" ns \
	"\",\"resourceVersion\":\"42\",\"labels\":{\"app\":\"" app "\"}},\"spec\":{\"nodeName\":\"" node \
	"\"},\"status\":{\"phase\":\"" phase "\"}}"

static int setup(void **state)
{
	struct nd_store *s;
	struct nd_err e;
	char p[128];

	snprintf(dir, sizeof(dir), "/tmp/nd-serve-unit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cluster", dir);
	mkdir(p, 0700);
	put("pods.json", "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
	    POD("b", "p3", "n2", "db", "Running") ","
	    POD("a", "p2", "n1", "web", "Pending") ","
	    POD("a", "p1", "n1", "web", "Running") ","
	    POD("c", "p4", "n2", "web", "Succeeded") "]}");
	/* a raw API list: items without kind/apiVersion; a duplicate of a/p1 */
	put("raw.json", "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":["
	    "{\"metadata\":{\"name\":\"p1\",\"namespace\":\"a\"}},"
	    "{\"metadata\":{\"name\":\"p9\",\"namespace\":\"z\"},\"spec\":{\"hostNetwork\":true}}]}");
	put("secret.json", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\","
	    "\"namespace\":\"a\"},\"data\":{\"k\":\"c2VjcmV0\"}}");
	put("node.json", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"},"
	    "\"status\":{\"nodeInfo\":{\"kubeletVersion\":\"v1.29.7\"}}}");
	put("crd.json", "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
	    "\"metadata\":{\"name\":\"widgets.example.com\"},\"spec\":{\"group\":\"example.com\","
	    "\"scope\":\"Namespaced\",\"names\":{\"kind\":\"Widget\",\"plural\":\"widgetz\","
	    "\"singular\":\"widget\",\"shortNames\":[\"wd\"]},\"versions\":[{\"name\":\"v1\","
	    "\"served\":true}]}}");
	put("widget.json", "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":"
	    "{\"name\":\"w\",\"namespace\":\"a\"}}");
	put("bad.json", "{\"kind\":\"List\",\"items\":[");
	assert_int_equal(nd_store_load(dir, NULL, &s, &e), 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	nd_store_free(*state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

struct got {
	int code;
	struct nd_arena *a;
	struct nd_json v;
	char *text;
};

static void call(const struct nd_store *s, const char *path, const char *ls, const char *fs,
		 const char *limit, const char *cont, struct got *g)
{
	struct nd_api api = {.s = s, .server = "127.0.0.1:1"};
	struct nd_api_req rq = {.method = "GET", .path = path, .label_selector = ls,
				.field_selector = fs, .limit = limit, .cont = cont, .user = "u"};
	struct nd_api_resp rs;
	uint64_t size, pos = 0;
	struct nd_err e;

	nd_api_handle(&api, &rq, &rs);
	size = nd_body_size(rs.body);
	g->code = rs.code;
	g->text = malloc(size + 1);
	/* read in small odd pieces to exercise the cursor */
	while (pos < size) {
		long n = nd_body_read(rs.body, pos, g->text + pos, 7);

		assert_true(n > 0);
		pos += (uint64_t)n;
	}
	assert_int_equal(nd_body_read(rs.body, pos, g->text, 7), 0);
	g->text[size] = '\0';
	nd_body_free(rs.body);
	g->a = nd_arena_new(0);
	if (nd_json_parse(g->text, size, 0, g->a, &g->v, &e) < 0)
		fail_msg("%s: %s: %s", path, e.msg, g->text);
}

static void got_free(struct got *g)
{
	free(g->text);
	nd_arena_free(g->a);
}

static const char *item_name(const struct got *g, uint32_t i)
{
	const struct nd_json *items = nd_json_get(&g->v, "items");

	return nd_json_str(nd_json_path(&items->u.items[i], "metadata", "name", NULL));
}

static uint32_t nitems(const struct got *g)
{
	return nd_json_get(&g->v, "items")->n;
}

static void test_list_sorted_deduped(void **state)
{
	struct got g;

	call(*state, "/api/v1/pods", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	assert_string_equal(nd_json_str(nd_json_get(&g.v, "kind")), "PodList");
	assert_string_equal(nd_json_str(nd_json_path(&g.v, "metadata", "resourceVersion", NULL)), "42");
	assert_int_equal(nitems(&g), 5);
	assert_string_equal(item_name(&g, 0), "p1");
	assert_string_equal(item_name(&g, 1), "p2");
	assert_string_equal(item_name(&g, 4), "p9");
	/* the raw list's item got its kind and apiVersion */
	assert_string_equal(nd_json_str(nd_json_get(&nd_json_get(&g.v, "items")->u.items[4], "kind")),
			    "Pod");
	got_free(&g);
	assert_int_equal(((struct nd_store *)*state)->dups, 1);
	assert_int_equal(((struct nd_store *)*state)->secrets, 1);
	assert_int_equal(((struct nd_store *)*state)->nerrors, 1);   /* bad.json */
}

static void test_namespace_and_selectors(void **state)
{
	struct got g;

	call(*state, "/api/v1/namespaces/a/pods", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(nitems(&g), 2);
	got_free(&g);
	/* a/p1 is read twice: the last copy (raw.json, no labels) is served, as the
	 * bundle loader's model keeps it */
	call(*state, "/api/v1/pods", "app=web", NULL, NULL, NULL, &g);
	assert_int_equal(nitems(&g), 2);
	got_free(&g);
	call(*state, "/api/v1/pods", "app in (db),app!=web", NULL, NULL, NULL, &g);
	assert_int_equal(nitems(&g), 1);
	assert_string_equal(item_name(&g, 0), "p3");
	got_free(&g);
	call(*state, "/api/v1/pods", NULL, "spec.nodeName=n2,status.phase!=Running", NULL, NULL, &g);
	assert_int_equal(nitems(&g), 1);
	assert_string_equal(item_name(&g, 0), "p4");
	got_free(&g);
	call(*state, "/api/v1/pods", NULL, "spec.hostNetwork=true", NULL, NULL, &g);
	assert_int_equal(nitems(&g), 1);
	got_free(&g);
	call(*state, "/api/v1/pods", NULL, "spec.hostNetwork=false", NULL, NULL, &g);
	assert_int_equal(nitems(&g), 4);
	got_free(&g);
	call(*state, "/api/v1/pods", NULL, "metadata.namespace=b", NULL, NULL, &g);
	assert_int_equal(nitems(&g), 1);
	got_free(&g);
	call(*state, "/api/v1/pods", "app=(", NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 400);
	got_free(&g);
	call(*state, "/api/v1/pods", NULL, "spec.frob=1", NULL, NULL, &g);
	assert_int_equal(g.code, 400);
	got_free(&g);
}

static void test_paging(void **state)
{
	struct got g;
	char tok[256];
	int pages = 0, total = 0;

	tok[0] = '\0';
	do {
		const char *c;

		call(*state, "/api/v1/pods", NULL, NULL, "2", tok[0] ? tok : NULL, &g);
		assert_int_equal(g.code, 200);
		total += (int)nitems(&g);
		pages++;
		c = nd_json_str(nd_json_path(&g.v, "metadata", "continue", NULL));
		snprintf(tok, sizeof(tok), "%s", c ? c : "");
		if (c)
			assert_non_null(nd_json_path(&g.v, "metadata", "remainingItemCount", NULL));
		got_free(&g);
	} while (tok[0]);
	assert_int_equal(total, 5);
	assert_int_equal(pages, 3);
	call(*state, "/api/v1/nodes", NULL, NULL, "1", "bmQxOjA6MDox", &g);   /* a token for res 0 */
	assert_int_equal(g.code, 400);
	got_free(&g);
}

static void test_get_and_errors(void **state)
{
	struct got g;

	call(*state, "/api/v1/namespaces/a/pods/p2", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	assert_string_equal(nd_json_str(nd_json_path(&g.v, "spec", "nodeName", NULL)), "n1");
	got_free(&g);
	call(*state, "/api/v1/nodes/n1/status", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	got_free(&g);
	call(*state, "/api/v1/namespaces/a/pods/nope", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	assert_string_equal(nd_json_str(nd_json_get(&g.v, "message")), "pods \"nope\" not found");
	assert_string_equal(nd_json_str(nd_json_path(&g.v, "details", "kind", NULL)), "pods");
	got_free(&g);
	call(*state, "/api/v1/namespaces/a/secrets", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 403);
	assert_string_equal(nd_json_str(nd_json_get(&g.v, "message")),
			    "secrets is forbidden: User \"u\" cannot list resource \"secrets\" in API "
			    "group \"\" in the namespace \"a\"");
	got_free(&g);
	call(*state, "/api/v1/namespaces/a/nodes", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	got_free(&g);
	call(*state, "/api/v2/pods", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	got_free(&g);
}

static void test_discovery(void **state)
{
	struct got g;
	const struct nd_json *res;
	uint32_t i;
	bool nnc = false;

	call(*state, "/version", NULL, NULL, NULL, NULL, &g);
	assert_string_equal(nd_json_str(nd_json_get(&g.v, "gitVersion")), "v1.29.7");
	assert_string_equal(nd_json_str(nd_json_get(&g.v, "minor")), "29");
	got_free(&g);
	call(*state, "/apis", NULL, NULL, NULL, NULL, &g);
	res = nd_json_get(&g.v, "groups");
	for (i = 0; i < res->n; i++)
		if (strcmp(nd_json_str(nd_json_get(&res->u.items[i], "name")), "acn.azure.com") == 0)
			nnc = true;
	assert_false(nnc);    /* no NodeNetworkConfig in this bundle */
	got_free(&g);
	call(*state, "/apis/example.com/v1", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	res = nd_json_get(&g.v, "resources");
	assert_int_equal(res->n, 1);
	assert_string_equal(nd_json_str(nd_json_get(&res->u.items[0], "name")), "widgetz");
	assert_string_equal(nd_json_str(&nd_json_get(&res->u.items[0], "shortNames")->u.items[0]), "wd");
	got_free(&g);
	call(*state, "/apis/example.com/v1/namespaces/a/widgetz/w", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	got_free(&g);
	call(*state, "/apis/acn.azure.com/v1alpha/nodenetworkconfigs", NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_sorted_deduped),
		cmocka_unit_test(test_namespace_and_selectors),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_get_and_errors),
		cmocka_unit_test(test_discovery),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
