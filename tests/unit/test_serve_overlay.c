/* SPDX-License-Identifier: MIT */
/* serve --writable: creates, deletes, gets and lists through the overlay (serve/overlay.h). */
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
#include "serve/overlay.h"
#include "serve/store.h"
#include "core/banned.h"

static char dir[64];
static struct nd_store *store;

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

#define AGENT(name, node, phase, ready) \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" name "\",\"namespace\":" \
	"\"netdiag\",\"labels\":{\"app.kubernetes.io/name\":\"netdiag\"}},\"spec\":{\"nodeName\":\"" \
	node "\"},\"status\":{\"phase\":\"" phase "\",\"conditions\":[{\"type\":\"Ready\"," \
	"\"status\":\"" ready "\"}]}}"
#define NODE(name, os) \
	"{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" name "\",\"labels\":" \
	"{\"kubernetes.io/os\":\"" os "\"}},\"status\":{\"conditions\":[{\"type\":\"Ready\"," \
	"\"status\":\"True\"}]}}"

static int setup(void **state)
{
	struct nd_err e;
	char p[128];

	snprintf(dir, sizeof(dir), "/tmp/nd-overlay-unit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cluster", dir);
	mkdir(p, 0700);
	put("nodes.json", "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" NODE("n1", "linux")
	    "," NODE("n2", "linux") "," NODE("w1", "windows") "]}");
	put("pods.json", "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
	    AGENT("a1", "n1", "Running", "True") "," AGENT("a2", "n2", "Pending", "False") ","
	    AGENT("a3", "w1", "Running", "True") "]}");
	put("ns.json", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":"
	    "\"default\",\"resourceVersion\":\"7\"}}");
	put("ds.json", "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":"
	    "\"kube-proxy\",\"namespace\":\"kube-system\"},\"spec\":{\"selector\":{\"matchLabels\":"
	    "{\"k\":\"p\"}}}}");
	assert_int_equal(nd_store_load(dir, NULL, &store, &e), 0);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	nd_store_free(store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
	return 0;
}

struct got {
	int code;
	struct nd_arena *a;
	struct nd_json v;
	char *text;
};

static void call(struct nd_overlay *ov, const char *method, const char *path, const char *body,
		 const char *ls, const char *fs, const char *accept, const char *dry,
		 struct got *g)
{
	struct nd_api api = {.s = store, .server = "127.0.0.1:1", .ov = ov};
	struct nd_api_req rq = {.method = method, .path = path, .label_selector = ls,
				.field_selector = fs, .accept = accept, .user = "u", .body = body,
				.body_len = body ? strlen(body) : 0, .dry_run = dry};
	struct nd_api_resp rs;
	uint64_t size;
	struct nd_err e;

	nd_api_handle(&api, &rq, &rs);
	size = nd_body_size(rs.body);
	g->code = rs.code;
	g->text = malloc(size + 1);
	assert_int_equal(nd_body_read(rs.body, 0, g->text, size), (long)size);
	g->text[size] = '\0';
	nd_body_free(rs.body);
	g->a = nd_arena_new(0);
	if (nd_json_parse(g->text, size, 0, g->a, &g->v, &e) < 0)
		fail_msg("%s %s: %s: %s", method, path, e.msg, g->text);
}

static void got_free(struct got *g)
{
	free(g->text);
	nd_arena_free(g->a);
}

static const char *str(const struct got *g, const char *a, const char *b)
{
	return nd_json_str(b ? nd_json_path(&g->v, a, b, NULL) : nd_json_get(&g->v, a));
}

static long long num(const struct got *g, const char *a, const char *b)
{
	const struct nd_json *v = nd_json_path(&g->v, a, b, NULL);

	return nd_json_is(v, ND_JNUM) ? strtoll(v->u.s, NULL, 10) : -1;
}

#define NS_BODY(name) "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" \
	name "\",\"labels\":{\"app.kubernetes.io/name\":\"netdiag\"},\"uid\":\"mine\"}," \
	"\"status\":{\"phase\":\"Gone\"}}"
#define SA_BODY(ns, name) "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":" \
	"{\"name\":\"" name "\",\"namespace\":\"" ns "\"}}"
#define DS_BODY "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":" \
	"\"agent\",\"labels\":{\"app.kubernetes.io/name\":\"netdiag\"}},\"spec\":{\"selector\":" \
	"{\"matchLabels\":{\"app.kubernetes.io/name\":\"netdiag\"}},\"template\":{\"metadata\":" \
	"{\"labels\":{\"app.kubernetes.io/name\":\"netdiag\"}},\"spec\":{\"nodeSelector\":" \
	"{\"kubernetes.io/os\":\"linux\"},\"containers\":[{\"name\":\"agent\",\"image\":\"x\"}]}}}}"

static void test_create_fills_and_conflicts(void **state)
{
	struct nd_overlay *ov = nd_overlay_new(store);
	struct got g;

	call(ov, "POST", "/api/v1/namespaces", NS_BODY("netdiag"), NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 201);
	assert_string_equal(str(&g, "kind", NULL), "Namespace");
	assert_int_equal(strlen(str(&g, "metadata", "uid")), 36);
	assert_string_not_equal(str(&g, "metadata", "uid"), "mine");
	assert_string_equal(str(&g, "metadata", "resourceVersion"), "8");   /* after the bundle's 7 */
	assert_non_null(str(&g, "metadata", "creationTimestamp"));
	assert_string_equal(nd_json_str(nd_json_path(&g.v, "metadata", "labels",
						     "kubernetes.io/metadata.name", NULL)), "netdiag");
	assert_string_equal(str(&g, "status", "phase"), "Active");
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces", NS_BODY("netdiag"), NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 409);
	assert_string_equal(str(&g, "reason", NULL), "AlreadyExists");
	assert_string_equal(str(&g, "message", NULL), "namespaces \"netdiag\" already exists");
	assert_string_equal(str(&g, "details", "kind"), "namespaces");
	got_free(&g);
	/* one of the bundle's own */
	call(ov, "POST", "/api/v1/namespaces", NS_BODY("default"), NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 409);
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/nope/serviceaccounts", SA_BODY("nope", "sa"), NULL,
	     NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	assert_string_equal(str(&g, "message", NULL), "namespaces \"nope\" not found");
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/netdiag/serviceaccounts", SA_BODY("other", "sa"), NULL,
	     NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 400);
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/netdiag/serviceaccounts", SA_BODY("netdiag", "Bad_Name"),
	     NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 422);
	assert_string_equal(str(&g, "reason", NULL), "Invalid");
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/netdiag/serviceaccounts", NS_BODY("x"), NULL, NULL,
	     NULL, NULL, &g);
	assert_int_equal(g.code, 400);     /* a Namespace to the serviceaccounts collection */
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/netdiag/serviceaccounts", "[1,", NULL, NULL, NULL, NULL,
	     &g);
	assert_int_equal(g.code, 400);
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/netdiag/pods", SA_BODY("netdiag", "p"), NULL, NULL,
	     NULL, NULL, &g);
	assert_int_equal(g.code, 405);     /* not a writable resource */
	got_free(&g);
	/* the namespace holding bundle pods exists for them even without its object: netdiag
	 * here is the created one; dryRun stores nothing */
	call(ov, "POST", "/api/v1/namespaces/netdiag/serviceaccounts", SA_BODY("netdiag", "sa"), NULL,
	     NULL, NULL, "All", &g);
	assert_int_equal(g.code, 201);
	got_free(&g);
	call(ov, "GET", "/api/v1/namespaces/netdiag/serviceaccounts/sa", NULL, NULL, NULL, NULL, NULL,
	     &g);
	assert_int_equal(g.code, 404);
	got_free(&g);
	nd_overlay_free(ov);
	(void)state;
}

static void test_daemonset_status_from_the_replay(void **state)
{
	struct nd_overlay *ov = nd_overlay_new(store);
	struct got g;

	call(ov, "POST", "/apis/apps/v1/namespaces/netdiag/daemonsets", DS_BODY, NULL, NULL, NULL,
	     NULL, &g);
	assert_int_equal(g.code, 201);   /* netdiag exists: the bundle's pods live there */
	assert_string_equal(str(&g, "metadata", "namespace"), "netdiag");
	assert_int_equal(num(&g, "metadata", "generation"), 1);
	assert_int_equal(num(&g, "status", "desiredNumberScheduled"), 2);   /* not w1 */
	assert_int_equal(num(&g, "status", "currentNumberScheduled"), 2);
	assert_int_equal(num(&g, "status", "numberReady"), 1);              /* a2 is Pending */
	assert_int_equal(num(&g, "status", "numberMisscheduled"), 1);       /* a3 on Windows */
	assert_int_equal(num(&g, "status", "numberUnavailable"), 1);
	got_free(&g);
	call(ov, "GET", "/apis/apps/v1/namespaces/netdiag/daemonsets/agent", NULL, NULL, NULL, NULL,
	     NULL, &g);
	assert_int_equal(g.code, 200);
	assert_int_equal(num(&g, "status", "numberReady"), 1);
	got_free(&g);
	/* the list holds the bundle's DaemonSet and the created one, sorted */
	call(ov, "GET", "/apis/apps/v1/daemonsets", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	assert_int_equal(nd_json_get(&g.v, "items")->n, 2);
	assert_string_equal(nd_json_str(nd_json_path(&nd_json_get(&g.v, "items")->u.items[0],
						     "metadata", "namespace", NULL)), "kube-system");
	got_free(&g);
	call(ov, "GET", "/apis/apps/v1/daemonsets", NULL, "app.kubernetes.io/name=netdiag", NULL,
	     NULL, NULL, &g);
	assert_int_equal(nd_json_get(&g.v, "items")->n, 1);
	got_free(&g);
	call(ov, "GET", "/apis/apps/v1/daemonsets", NULL, NULL, "metadata.name=kube-proxy", NULL,
	     NULL, &g);
	assert_int_equal(nd_json_get(&g.v, "items")->n, 1);
	got_free(&g);
	call(ov, "GET", "/apis/apps/v1/namespaces/netdiag/daemonsets/agent", NULL, NULL, NULL,
	     "application/json;as=Table;v=v1;g=meta.k8s.io", NULL, &g);
	assert_int_equal(g.code, 200);
	assert_string_equal(str(&g, "kind", NULL), "Table");
	assert_int_equal(nd_json_get(&g.v, "rows")->n, 1);
	got_free(&g);
	nd_overlay_free(ov);
	(void)state;
}

static void test_delete(void **state)
{
	struct nd_overlay *ov = nd_overlay_new(store);
	struct got g;

	call(ov, "POST", "/api/v1/namespaces", NS_BODY("tmp"), NULL, NULL, NULL, NULL, &g);
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/tmp/serviceaccounts", SA_BODY("tmp", "sa"), NULL, NULL,
	     NULL, NULL, &g);
	assert_int_equal(g.code, 201);
	got_free(&g);
	call(ov, "DELETE", "/api/v1/namespaces/tmp", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	assert_string_equal(str(&g, "status", NULL), "Success");
	assert_string_equal(str(&g, "details", "name"), "tmp");
	got_free(&g);
	call(ov, "GET", "/api/v1/namespaces/tmp", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	got_free(&g);
	/* its contents stay until the namespace controller's grace ends */
	call(ov, "GET", "/api/v1/namespaces/tmp/serviceaccounts/sa", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 200);
	got_free(&g);
	call(ov, "POST", "/api/v1/namespaces/tmp/serviceaccounts", SA_BODY("tmp", "sb"), NULL, NULL,
	     NULL, NULL, &g);
	assert_int_equal(g.code, 404);   /* no new content in a deleted namespace */
	got_free(&g);
	usleep(2100 * 1000);
	call(ov, "GET", "/api/v1/namespaces/tmp/serviceaccounts/sa", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	got_free(&g);
	call(ov, "DELETE", "/api/v1/namespaces/tmp", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 404);
	assert_string_equal(str(&g, "message", NULL), "namespaces \"tmp\" not found");
	got_free(&g);
	call(ov, "DELETE", "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy", NULL, NULL,
	     NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 405);   /* the bundle's own: the replay is fixed */
	got_free(&g);
	call(ov, "DELETE", "/api/v1/namespaces/tmp/serviceaccounts", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 405);   /* a collection */
	got_free(&g);
	nd_overlay_free(ov);
	(void)state;
}

static void test_read_only_without_overlay(void **state)
{
	struct got g;

	call(NULL, "POST", "/api/v1/namespaces", NS_BODY("x"), NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 405);
	assert_string_equal(str(&g, "reason", NULL), "MethodNotAllowed");
	got_free(&g);
	call(NULL, "DELETE", "/api/v1/namespaces/default", NULL, NULL, NULL, NULL, NULL, &g);
	assert_int_equal(g.code, 405);
	got_free(&g);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_fills_and_conflicts),
		cmocka_unit_test(test_daemonset_status_from_the_replay),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_read_only_without_overlay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
