/* SPDX-License-Identifier: MIT */
/*
 * The RBAC engine: every case of tests/cases/rbac.txt (one test each), the
 * user's implied groups, kubectl's resource names, 403 message parsing, the
 * fix (YAML), explanations and the incluster-forbidden finding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "findings/finding.h"
#include "k8s/bundle.h"
#include "policy/rbac.h"
#include "policy/rbac_report.h"
#include "policy_cases.h"

static void run_case(void **state)
{
	const struct pc_case *c = *state;
	struct nd_rbac *e = nd_rbac_new(c->m);
	struct nd_arena *a = nd_arena_new(0);
	int i, bad = 0;

	assert_true(c->nexpect > 0);
	for (i = 0; i < c->nexpect; i++) {
		char want[16], user[256], groups[512], verb[64], group[256], res[256], sub[128],
			name[256], ns[256], path[512];
		const char *gv[ND_RBAC_MAX_GROUPS];
		uint32_t ng = 0;
		struct nd_rbac_user u;
		struct nd_rbac_req q = {0};
		struct nd_rbac_result r;
		const char *l = c->expect[i];

		if (sscanf(l, "%15s", want) != 1 || !pc_arg(l, "user", user, sizeof(user)) ||
		    !pc_arg(l, "verb", verb, sizeof(verb)))
			pc_die(c->file, c->expect_line[i], "expect allow|deny user=.. verb=..", l);
		if (pc_arg(l, "groups", groups, sizeof(groups))) {
			char *save = NULL, *tok;

			for (tok = strtok_r(groups, ",", &save); tok && ng < ND_RBAC_MAX_GROUPS;
			     tok = strtok_r(NULL, ",", &save))
				gv[ng++] = tok;
		}
		nd_rbac_user_make(&u, user, gv, ng, a);
		q.verb = verb;
		if (pc_arg(l, "path", path, sizeof(path))) {
			q.path = path;
		} else {
			if (!pc_arg(l, "resource", res, sizeof(res)))
				pc_die(c->file, c->expect_line[i], "resource= or path= needed", l);
			q.resource = res;
			q.group = pc_arg(l, "group", group, sizeof(group)) ? group : "";
			q.subresource = pc_arg(l, "sub", sub, sizeof(sub));
			q.name = pc_arg(l, "name", name, sizeof(name));
			q.ns = pc_arg(l, "ns", ns, sizeof(ns));
		}
		nd_rbac_check(e, &u, &q, a, &r);
		if (r.allowed != (strcmp(want, "allow") == 0)) {
			print_error("%s:%d: %s: got %s (%s)\n", c->file, c->expect_line[i], l,
				    r.allowed ? "allow" : "deny", nd_rbac_reason(&u, &q, &r, a));
			bad++;
		}
	}
	nd_arena_free(a);
	nd_rbac_free(e);
	assert_int_equal(bad, 0);
}

static bool in(const struct nd_rbac_user *u, const char *g)
{
	uint32_t i;

	for (i = 0; i < u->ngroups; i++)
		if (strcmp(u->groups[i], g) == 0)
			return true;
	return false;
}

static void test_user_groups(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rbac_user u;
	const char *g[] = {"devs", "devs"};

	(void)state;
	nd_rbac_user_make(&u, "system:serviceaccount:shop:web", NULL, 0, a);
	assert_int_equal(u.ngroups, 3);
	assert_true(in(&u, "system:serviceaccounts"));
	assert_true(in(&u, "system:serviceaccounts:shop"));
	assert_true(in(&u, "system:authenticated"));
	nd_rbac_user_make(&u, "system:serviceaccount:shop:web", g, 2, a);
	assert_int_equal(u.ngroups, 2);     /* devs (once) + system:authenticated */
	assert_false(in(&u, "system:serviceaccounts"));
	nd_rbac_user_make(&u, "alice", NULL, 0, a);
	assert_int_equal(u.ngroups, 1);
	assert_true(in(&u, "system:authenticated"));
	nd_rbac_user_make(&u, "system:anonymous", NULL, 0, a);
	assert_int_equal(u.ngroups, 1);
	assert_true(in(&u, "system:unauthenticated"));
	/* not a service account name: no SA groups */
	nd_rbac_user_make(&u, "system:serviceaccount:shop", NULL, 0, a);
	assert_false(in(&u, "system:serviceaccounts"));
	nd_arena_free(a);
}

static void test_resource_arg(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	const char *r, *g;
	bool cl;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_rbac_resource("po", a, &r, &g, &cl, &e), 0);
	assert_string_equal(r, "pods");
	assert_string_equal(g, "");
	assert_false(cl);
	assert_int_equal(nd_rbac_resource("deploy", a, &r, &g, &cl, &e), 0);
	assert_string_equal(r, "deployments");
	assert_string_equal(g, "apps");
	assert_int_equal(nd_rbac_resource("deployments.apps", a, &r, &g, &cl, &e), 0);
	assert_string_equal(r, "deployments");
	assert_string_equal(g, "apps");
	assert_int_equal(nd_rbac_resource("nodes", a, &r, &g, &cl, &e), 0);
	assert_true(cl);
	assert_int_equal(nd_rbac_resource("widgets.example.com", a, &r, &g, &cl, &e), 0);
	assert_string_equal(r, "widgets");
	assert_string_equal(g, "example.com");
	assert_int_equal(nd_rbac_resource("widgets", a, &r, &g, &cl, &e), 0);
	assert_string_equal(g, "");
	assert_int_equal(nd_rbac_resource("", a, &r, &g, &cl, &e), -1);
	nd_arena_free(a);
}

static void test_parse_forbidden(void **state)
{
	struct nd_forbidden f;
	struct nd_err e;
	const char *m1 = "pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource "
			 "\"pods\" in API group \"\" in the namespace \"default\"";
	const char *m2 = "services \"https:kubernetes-dashboard:\" is forbidden: User \"system:anonymous\" "
			 "cannot get resource \"services/proxy\" in API group \"\" in the namespace "
			 "\"kubernetes-dashboard\"";
	const char *m3 = "forbidden: User \"system:anonymous\" cannot get path \"/api/v1\"";
	const char *m4 = "nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group "
			 "\"\" at the cluster scope";
	const char *m5 = "deployments.apps \"web\" is forbidden: User \"bob@example.com\" cannot patch "
			 "resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\": "
			 "User does not have access to the resource in Azure. Update role assignment to "
			 "allow access.";
	const char *m6 = "Error from server (Forbidden): secrets \"a\\\"b\" is forbidden: User "
			 "\"u\\u00e9\" cannot get resource \"secrets\" in API group \"\" in the namespace "
			 "\"x\"";
	const char *body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
			   "\"Failure\",\"message\":\"pods is forbidden: User \\\"system:serviceaccount:"
			   "ns:sa\\\" cannot list resource \\\"pods\\\" in API group \\\"\\\" in the "
			   "namespace \\\"default\\\"\",\"reason\":\"Forbidden\",\"details\":{\"kind\":"
			   "\"pods\"},\"code\":403}";

	(void)state;
	assert_int_equal(nd_rbac_parse_forbidden(m1, strlen(m1), &f, &e), 0);
	assert_string_equal(f.user, "system:serviceaccount:ns:sa");
	assert_string_equal(f.verb, "list");
	assert_string_equal(f.resource, "pods");
	assert_string_equal(f.subresource, "");
	assert_string_equal(f.group, "");
	assert_string_equal(f.ns, "default");
	assert_string_equal(f.name, "");
	assert_false(f.cluster_scope);
	assert_false(f.non_resource);

	assert_int_equal(nd_rbac_parse_forbidden(m2, strlen(m2), &f, &e), 0);
	assert_string_equal(f.name, "https:kubernetes-dashboard:");
	assert_string_equal(f.resource, "services");
	assert_string_equal(f.subresource, "proxy");
	assert_string_equal(f.ns, "kubernetes-dashboard");

	assert_int_equal(nd_rbac_parse_forbidden(m3, strlen(m3), &f, &e), 0);
	assert_true(f.non_resource);
	assert_string_equal(f.path, "/api/v1");
	assert_string_equal(f.verb, "get");

	assert_int_equal(nd_rbac_parse_forbidden(m4, strlen(m4), &f, &e), 0);
	assert_true(f.cluster_scope);
	assert_string_equal(f.ns, "");

	assert_int_equal(nd_rbac_parse_forbidden(m5, strlen(m5), &f, &e), 0);
	assert_string_equal(f.group, "apps");
	assert_string_equal(f.name, "web");
	assert_string_equal(f.subresource, "scale");
	assert_non_null(strstr(f.reason, "Azure"));

	assert_int_equal(nd_rbac_parse_forbidden(m6, strlen(m6), &f, &e), 0);
	assert_string_equal(f.name, "a\"b");
	assert_string_equal(f.user, "u\xc3\xa9");

	assert_int_equal(nd_rbac_parse_status(body, strlen(body), &f, &e), 0);
	assert_string_equal(f.user, "system:serviceaccount:ns:sa");
	assert_string_equal(f.ns, "default");
	/* a bare message through the same entry */
	assert_int_equal(nd_rbac_parse_status(m4, strlen(m4), &f, &e), 0);

	/* not Forbidden */
	assert_int_equal(nd_rbac_parse_forbidden("pods \"x\" not found", 17, &f, &e), -1);
	assert_non_null(strstr(e.msg, "not a Kubernetes Forbidden message"));
	assert_int_equal(nd_rbac_parse_forbidden(m1, 40, &f, &e), -1);   /* cut short */
	{
		const char *nf = "{\"kind\":\"Status\",\"reason\":\"NotFound\",\"message\":\"x\"}";

		assert_int_equal(nd_rbac_parse_status(nf, strlen(nf), &f, &e), -1);
	}
	assert_non_null(strstr(e.msg, "NotFound"));
	assert_int_equal(nd_rbac_parse_status("{\"kind\":", 8, &f, &e), -1);
}

static struct nd_model *policy_bundle(void)
{
	char dir[1024];
	const char *top = getenv("TOP");
	struct nd_model *m = nd_model_new();
	struct nd_bundle *b = NULL;
	struct nd_err e;

	snprintf(dir, sizeof(dir), "%s/tests/bundles/policy", top ? top : ".");
	assert_int_equal(nd_bundle_load(dir, m, &b, &e), 0);
	nd_bundle_free(b);
	return m;
}

/* A 403 in, the answer out: the binding it lacks and the grant that fixes it. */
static void test_answer_forbidden(void **state)
{
	struct nd_model *m = policy_bundle();
	struct nd_rbac *e = nd_rbac_new(m);
	struct nd_report *r = nd_report_new();
	const char *msg = "secrets is forbidden: User \"system:serviceaccount:shop:reader\" cannot list "
			  "resource \"secrets\" in API group \"\" in the namespace \"shop\"";
	struct nd_forbidden f;
	struct nd_rbac_user u;
	struct nd_rbac_req q;
	struct nd_rbac_result res;
	struct nd_finding *fd;
	const struct nd_val *x;
	struct nd_err err;
	const char *fix;
	int seen = 0;

	(void)state;
	assert_int_equal(nd_rbac_parse_forbidden(msg, strlen(msg), &f, &err), 0);
	nd_rbac_forbidden_request(&f, r->arena, &u, &q);
	assert_true(in(&u, "system:serviceaccounts:shop"));
	nd_rbac_check(e, &u, &q, r->arena, &res);
	assert_false(res.allowed);
	assert_true(res.nbindings >= 2);     /* viewers (view), logs (group), discovery */
	assert_true(res.nclosest > 0);
	fix = nd_rbac_fix_yaml(&u, &q, r->arena);
	assert_non_null(strstr(fix, "kind: Role\n"));
	assert_non_null(strstr(fix, "  namespace: shop\n"));
	assert_non_null(strstr(fix, "  resources: [secrets]\n"));
	assert_non_null(strstr(fix, "  verbs: [list]\n"));
	assert_non_null(strstr(fix, "kind: RoleBinding\n"));
	assert_non_null(strstr(fix, "- kind: ServiceAccount\n  name: reader\n  namespace: shop\n"));
	assert_non_null(strstr(fix, "name: reader-list-secrets\n"));
	fd = nd_rbac_add_finding(r, &u, &q, &res);
	assert_non_null(fd);
	assert_string_equal(fd->code, "incluster-forbidden");
	assert_string_equal(fd->subject.kind, "ServiceAccount");
	assert_string_equal(fd->subject.ns, "shop");
	assert_string_equal(fd->subject.name, "reader");
	for (x = fd->evidence->first; x; x = x->next) {
		if (strcmp(x->key, "user") == 0)
			assert_string_equal(x->u.s, "system:serviceaccount:shop:reader"), seen++;
		if (strcmp(x->key, "verb") == 0)
			assert_string_equal(x->u.s, "list"), seen++;
		if (strcmp(x->key, "resource") == 0)
			assert_string_equal(x->u.s, "secrets"), seen++;
		if (strcmp(x->key, "namespace") == 0)
			assert_string_equal(x->u.s, "shop"), seen++;
		if (strcmp(x->key, "bindings") == 0)
			seen++;
	}
	assert_int_equal(seen, 5);
	assert_int_equal(fd->ncommands, 2);
	assert_string_equal(fd->commands[0], "kubectl create role reader-list-secrets -n shop "
			    "--verb=list --resource=secrets");
	assert_string_equal(fd->commands[1], "kubectl create rolebinding reader-list-secrets -n shop "
			    "--role=reader-list-secrets --serviceaccount=shop:reader");
	assert_non_null(nd_rbac_verdict_val(r, &u, &q, &res));
	nd_report_free(r);
	nd_rbac_free(e);
	nd_model_free(m);
}

static void test_explain(void **state)
{
	struct nd_model *m = policy_bundle();
	struct nd_rbac *e = nd_rbac_new(m);
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rbac_user u;
	struct nd_rbac_req q = {.verb = "get", .group = "", .resource = "secrets", .ns = "shop"};
	struct nd_rbac_result res;
	const char *fix, *reason;

	(void)state;
	/* allowed through aggregation: edit <- system:aggregate-to-edit */
	nd_rbac_user_make(&u, "system:serviceaccount:shop:deployer", NULL, 0, a);
	nd_rbac_check(e, &u, &q, a, &res);
	assert_true(res.allowed);
	assert_true(res.nmatched >= 1);
	assert_string_equal(res.matched[0].role->m.name, "edit");
	assert_string_equal(res.matched[0].from->m.name, "system:aggregate-to-edit");
	assert_string_equal(res.matched[0].binding->m.name, "editors");
	reason = nd_rbac_reason(&u, &q, &res, a);
	assert_non_null(strstr(reason, "allowed: RoleBinding shop/editors -> ClusterRole edit "
				       "(aggregated from ClusterRole system:aggregate-to-edit)"));
	/* denied in another namespace: the closest rule says where it is granted */
	q.ns = "default";
	nd_rbac_check(e, &u, &q, a, &res);
	assert_false(res.allowed);
	assert_non_null(strstr(res.closest[0].differs, "grants in namespace shop, not default"));
	/* broken binding named */
	nd_rbac_user_make(&u, "system:serviceaccount:shop:web", NULL, 0, a);
	q.ns = "shop";
	q.verb = "list";
	q.resource = "configmaps";
	nd_rbac_check(e, &u, &q, a, &res);
	assert_false(res.allowed);
	assert_int_equal(res.nmissing, 1);
	reason = nd_rbac_reason(&u, &q, &res, a);
	assert_non_null(strstr(reason, "names ClusterRole does-not-exist, which does not exist"));
	/* cluster scope and paths get a ClusterRole */
	q.ns = NULL;
	q.resource = "nodes";
	fix = nd_rbac_fix_yaml(&u, &q, a);
	assert_non_null(strstr(fix, "kind: ClusterRole\n"));
	assert_non_null(strstr(fix, "kind: ClusterRoleBinding\n"));
	assert_null(strstr(fix, "namespace: shop\n  "));
	nd_rbac_user_make(&u, "alice@example.com", NULL, 0, a);
	q.resource = NULL;
	q.path = "/metrics";
	q.verb = "get";
	fix = nd_rbac_fix_yaml(&u, &q, a);
	assert_non_null(strstr(fix, "- nonResourceURLs: [\"/metrics\"]\n"));
	assert_non_null(strstr(fix, "- kind: User\n  apiGroup: rbac.authorization.k8s.io\n"
				    "  name: alice@example.com\n"));
	assert_non_null(strstr(fix, "name: alice-example-com-get-metrics\n"));
	/* names a YAML 1.1 reader would take for a boolean or a number are quoted */
	nd_rbac_user_make(&u, "on", NULL, 0, a);
	q.verb = "yes";
	fix = nd_rbac_fix_yaml(&u, &q, a);
	assert_non_null(strstr(fix, "  verbs: [\"yes\"]\n"));
	assert_non_null(strstr(fix, "- kind: User\n  apiGroup: rbac.authorization.k8s.io\n"
				    "  name: \"on\"\n"));
	/* the request in words */
	q = (struct nd_rbac_req){.verb = "get", .group = "apps", .resource = "deployments",
				 .subresource = "scale", .name = "web", .ns = "shop"};
	assert_string_equal(nd_rbac_req_text(&q, a),
			    "get deployments.apps/scale \"web\" in namespace shop");
	nd_arena_free(a);
	nd_rbac_free(e);
	nd_model_free(m);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_user_groups),
		cmocka_unit_test(test_resource_arg),
		cmocka_unit_test(test_parse_forbidden),
		cmocka_unit_test(test_answer_forbidden),
		cmocka_unit_test(test_explain),
	};
	char path[1100];
	struct CMUnitTest *tests;
	struct pc_case *cases;
	size_t n, i, nf = sizeof(fixed) / sizeof(fixed[0]);
	int rc;

	snprintf(path, sizeof(path), "%s/rbac.txt", pc_cases_dir());
	cases = pc_load(path, &n);
	tests = calloc(n + nf, sizeof(*tests));
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < n; i++) {
		tests[nf + i].name = cases[i].name;
		tests[nf + i].test_func = run_case;
		tests[nf + i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("rbac", tests, n + nf, NULL, NULL);
	free(tests);
	pc_free(cases, n);
	return rc;
}
