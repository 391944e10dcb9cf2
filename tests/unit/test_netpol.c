/* SPDX-License-Identifier: MIT */
/*
 * The NetworkPolicy engine: every case of tests/cases/netpol.txt (one test
 * each), the matrix against the pairwise answer, the 3x3 bundle matrix,
 * explanations, the fix, and the netpol-denies finding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "findings/finding.h"
#include "k8s/bundle.h"
#include "k8s/model.h"
#include "policy/netpol.h"
#include "policy/netpol_report.h"
#include "policy_cases.h"

static int case_test_fails;

static void run_case(void **state)
{
	const struct pc_case *c = *state;
	struct nd_np_engine *e = nd_np_engine_new(c->m);
	struct nd_arena *a = nd_arena_new(0);
	int i, bad = 0;

	assert_true(c->nexpect > 0);
	for (i = 0; i < c->nexpect; i++) {
		char want[16], from[256], to[256], port[64];
		struct nd_np_ep src, dst;
		struct nd_np_port q;
		struct nd_np_verdict v;
		struct nd_err err;

		if (sscanf(c->expect[i], "%15s", want) != 1 || !pc_arg(c->expect[i], "from", from, sizeof(from)) ||
		    !pc_arg(c->expect[i], "to", to, sizeof(to)))
			pc_die(c->file, c->expect_line[i], "expect allow|deny from=.. to=..", c->expect[i]);
		if (!pc_arg(c->expect[i], "port", port, sizeof(port)))
			port[0] = '\0';
		if (nd_np_ep_parse(e, from, NULL, &src, &err) < 0 ||
		    nd_np_ep_parse(e, to, NULL, &dst, &err) < 0 || nd_np_port_parse(port, &q, &err) < 0)
			pc_die(c->file, c->expect_line[i], err.msg, c->expect[i]);
		nd_np_evaluate(e, &src, &dst, &q, a, &v);
		if (v.allowed != (strcmp(want, "allow") == 0)) {
			print_error("%s:%d: %s: got %s (%s)\n", c->file, c->expect_line[i], c->expect[i],
				    v.allowed ? "allow" : "deny", nd_np_reason(e, &src, &dst, &q, &v, a));
			bad++;
		}
	}
	nd_arena_free(a);
	nd_np_engine_free(e);
	if (bad)
		case_test_fails++;
	assert_int_equal(bad, 0);
}

/* ---- the 3 namespaces x 3 pods bundle ---- */

static struct nd_model *bundle_model(void)
{
	char dir[1024];
	const char *top = getenv("TOP");
	struct nd_model *m = nd_model_new();
	struct nd_bundle *b = NULL;
	struct nd_err e;

	snprintf(dir, sizeof(dir), "%s/tests/bundles/policy", top ? top : ".");
	assert_int_equal(nd_bundle_load(dir, m, &b, &e), 0);
	assert_int_equal(b->nerrors, 0);
	nd_bundle_free(b);
	return m;
}

static const char *row_text(const struct nd_np_matrix *mx, size_t i, char *buf)
{
	size_t j;

	for (j = 0; j < mx->n; j++)
		buf[j] = mx->allowed[i * mx->n + j] ? 'X' : '.';
	buf[mx->n] = '\0';
	return buf;
}

static void test_matrix_bundle(void **state)
{
	/* rows: sources, columns: destinations, in this order */
	static const char *const pods[] = {"backend/api-1", "backend/api-2", "backend/worker",
					   "data/backup", "data/cache", "data/db",
					   "frontend/admin", "frontend/web-1", "frontend/web-2"};
	/* 8080/TCP: api takes 8000-8100 from 10.244.1.0/24 except admin; data denies all
	 * (cache 6379, db pg only); worker is ingress-isolated by its defaulted
	 * policyTypes; admin sends nothing; worker sends to namespace data and DNS only */
	static const char *const want8080[] = {
		"X.....XXX", ".X....XXX", "..X......", "...X..XXX", "....X.XXX",
		".....XXXX", "......X..", "XX....XXX", "XX....XXX"};
	/* 5432/TCP: db from the api pods of team=be on the named port pg */
	static const char *const want5432[] = {
		"X....XXXX", ".X...XXXX", "..X......", "...X..XXX", "....X.XXX",
		".....XXXX", "......X..", "......XXX", "......XXX"};
	/* 6379/TCP: cache from every pod of namespace frontend (except admin, egress deny) */
	static const char *const want6379[] = {
		"X.....XXX", ".X....XXX", "..X......", "...X..XXX", "....X.XXX",
		".....XXXX", "......X..", "....X.XXX", "....X.XXX"};
	const char *const *want[] = {want8080, want5432, want6379};
	const int ports[] = {8080, 5432, 6379};
	struct nd_model *m = bundle_model();
	struct nd_np_engine *e = nd_np_engine_new(m);
	struct nd_err err;
	char buf[64];
	size_t i, k;

	(void)state;
	for (k = 0; k < 3; k++) {
		struct nd_np_port q = {.proto = ND_TCP, .port = ports[k]};
		struct nd_np_matrix mx;

		assert_int_equal(nd_np_matrix(e, NULL, &q, 0, &mx, &err), 0);
		assert_int_equal(mx.n, 9);
		for (i = 0; i < mx.n; i++) {
			const struct nd_pod *p = &m->pods.v[mx.pods[i]];
			char name[128];

			snprintf(name, sizeof(name), "%s/%s", p->m.ns, p->m.name);
			assert_string_equal(name, pods[i]);
			if (strcmp(row_text(&mx, i, buf), want[k][i]) != 0)
				print_error("port %d row %s: got %s want %s\n", ports[k], pods[i], buf,
					    want[k][i]);
			assert_string_equal(buf, want[k][i]);
		}
		/* web-1 and web-2 share a class, api-1 and api-2 too */
		assert_int_equal(mx.nclasses, 7);
		nd_np_matrix_release(&mx);
	}
	/* one namespace */
	{
		struct nd_np_port q = {.proto = ND_TCP, .port = 8080};
		struct nd_np_matrix mx;

		assert_int_equal(nd_np_matrix(e, "data", &q, 0, &mx, &err), 0);
		assert_int_equal(mx.n, 3);
		assert_string_equal(row_text(&mx, 0, buf), "X..");
		nd_np_matrix_release(&mx);
		assert_int_equal(nd_np_matrix(e, NULL, &q, 4, &mx, &err), -1);
		assert_non_null(strstr(err.msg, "narrow it"));
	}
	nd_np_engine_free(e);
	nd_model_free(m);
}

/* The class-level matrix agrees with deciding every pair on its own, ipBlocks included. */
static void test_matrix_equals_pairs(void **state)
{
	size_t n, k;
	char path[1100];
	struct pc_case *cases;
	int checked = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/netpol.txt", pc_cases_dir());
	cases = pc_load(path, &n);
	for (k = 0; k < n; k++) {
		struct nd_np_engine *e = nd_np_engine_new(cases[k].m);
		struct nd_arena *a = nd_arena_new(0);
		static const struct nd_np_port qs[] = {
			{.proto = ND_TCP, .port = 80}, {.proto = ND_TCP, .port = 8080},
			{.proto = ND_UDP, .port = 53}, {.any = true}};
		size_t qi, i, j;

		for (qi = 0; qi < sizeof(qs) / sizeof(qs[0]); qi++) {
			struct nd_np_matrix mx;
			struct nd_err err;

			assert_int_equal(nd_np_matrix(e, NULL, &qs[qi], 0, &mx, &err), 0);
			for (i = 0; i < mx.n; i++)
				for (j = 0; j < mx.n; j++) {
					struct nd_np_ep s, d;
					struct nd_np_verdict v;

					nd_np_ep_pod(&s, &cases[k].m->pods.v[mx.pods[i]]);
					nd_np_ep_pod(&d, &cases[k].m->pods.v[mx.pods[j]]);
					nd_np_evaluate(e, &s, &d, &qs[qi], a, &v);
					if (v.allowed != mx.allowed[i * mx.n + j])
						print_error("%s: %zu -> %zu\n", cases[k].name, i, j);
					assert_int_equal(v.allowed, mx.allowed[i * mx.n + j]);
					checked++;
				}
			nd_np_matrix_release(&mx);
		}
		nd_arena_free(a);
		nd_np_engine_free(e);
	}
	assert_true(checked > 100);
	pc_free(cases, n);
}

static void test_port_parse(void **state)
{
	struct nd_np_port q;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_np_port_parse("80", &q, &e), 0);
	assert_int_equal(q.port, 80);
	assert_int_equal(q.proto, ND_TCP);
	assert_false(q.any);
	assert_int_equal(nd_np_port_parse("53/udp", &q, &e), 0);
	assert_int_equal(q.proto, ND_UDP);
	assert_int_equal(nd_np_port_parse("3868/SCTP", &q, &e), 0);
	assert_int_equal(q.proto, ND_SCTP);
	assert_int_equal(nd_np_port_parse("", &q, &e), 0);
	assert_true(q.any);
	assert_int_equal(nd_np_port_parse("0", &q, &e), -1);
	assert_int_equal(nd_np_port_parse("65536", &q, &e), -1);
	assert_int_equal(nd_np_port_parse("http", &q, &e), -1);
	assert_int_equal(nd_np_port_parse("80/ICMP", &q, &e), -1);
	assert_int_equal(nd_np_port_parse("80/", &q, &e), -1);
}

static void test_explain_and_fix(void **state)
{
	struct nd_model *m = bundle_model();
	struct nd_np_engine *e = nd_np_engine_new(m);
	struct nd_arena *a = nd_arena_new(0);
	struct nd_np_ep src, dst;
	struct nd_np_port q = {.proto = ND_TCP, .port = 5432};
	struct nd_np_verdict v;
	struct nd_err err;
	const char *why, *fix, *reason;
	uint32_t i;
	int rule;

	(void)state;
	assert_int_equal(nd_np_ep_parse(e, "frontend/web-1", NULL, &src, &err), 0);
	assert_int_equal(nd_np_ep_parse(e, "data/db", NULL, &dst, &err), 0);
	nd_np_evaluate(e, &src, &dst, &q, a, &v);
	assert_false(v.allowed);
	assert_true(v.egress.allowed);
	assert_false(v.egress.isolated);
	assert_true(v.ingress.isolated);
	assert_int_equal(v.ingress.npolicies, 2);
	for (i = 0; i < v.ingress.npolicies; i++) {
		const struct nd_netpol *np = &m->netpols.v[v.ingress.policies[i]];

		rule = nd_np_closest_rule(e, v.ingress.policies[i], true, &src, &dst, &q, a, &why);
		if (strcmp(np->m.name, "deny-all") == 0) {
			assert_int_equal(rule, -1);
			assert_non_null(strstr(why, "no ingress rules"));
		} else {
			assert_int_equal(rule, 0);
			assert_non_null(strstr(why, "namespaceSelector {team=be} does not match namespace "
						   "frontend"));
			assert_non_null(strstr(why, "the port matches"));
		}
	}
	reason = nd_np_reason(e, &src, &dst, &q, &v, a);
	assert_non_null(strstr(reason, "denied: ingress of data/db is isolated"));
	fix = nd_np_fix_yaml(e, &src, &dst, &q, &v, a);
	assert_non_null(strstr(fix, "kind: NetworkPolicy\n"));
	assert_non_null(strstr(fix, "  namespace: data\n"));
	assert_non_null(strstr(fix, "kubernetes.io/metadata.name: frontend\n"));
	assert_non_null(strstr(fix, "      app: db\n"));
	assert_non_null(strstr(fix, "      app: web\n"));
	assert_null(strstr(fix, "pod-template-hash"));
	assert_non_null(strstr(fix, "port: 5432\n"));
	assert_null(strstr(fix, "Egress"));

	/* allowed: by which rule */
	assert_int_equal(nd_np_ep_parse(e, "backend/api-2", NULL, &src, &err), 0);
	nd_np_evaluate(e, &src, &dst, &q, a, &v);
	assert_true(v.allowed);
	assert_int_equal(v.ingress.nallow, 1);
	assert_string_equal(m->netpols.v[v.ingress.allow[0].policy].m.name, "db-from-api");
	assert_int_equal(v.ingress.allow[0].peer, 0);
	assert_int_equal(v.ingress.allow[0].port, 0);
	assert_null(nd_np_fix_yaml(e, &src, &dst, &q, &v, a));
	assert_string_equal(nd_np_rule_text(&m->netpols.v[v.ingress.allow[0].policy], true, 0, a),
			    "from: namespaceSelector {team=be} podSelector {app=api}; ports: pg/TCP");

	/* egress deny: fix in the source namespace */
	assert_int_equal(nd_np_ep_parse(e, "frontend/admin", NULL, &src, &err), 0);
	assert_int_equal(nd_np_ep_parse(e, "frontend/web-1", NULL, &dst, &err), 0);
	nd_np_evaluate(e, &src, &dst, &q, a, &v);
	assert_false(v.allowed);
	assert_false(v.egress.allowed);
	assert_true(v.ingress.allowed);
	fix = nd_np_fix_yaml(e, &src, &dst, &q, &v, a);
	assert_non_null(strstr(fix, "  - Egress\n  egress:\n  - to:\n"));
	assert_non_null(strstr(fix, "  namespace: frontend\n"));

	nd_arena_free(a);
	nd_np_engine_free(e);
	nd_model_free(m);
}

static void test_finding(void **state)
{
	struct nd_model *m = bundle_model();
	struct nd_np_engine *e = nd_np_engine_new(m);
	struct nd_report *r = nd_report_new();
	struct nd_np_ep src, dst;
	struct nd_np_port q = {.proto = ND_TCP, .port = 8080};
	struct nd_np_verdict v;
	struct nd_finding *f;
	const struct nd_val *x;
	struct nd_err err;
	int seen = 0;

	(void)state;
	assert_int_equal(nd_np_ep_parse(e, "frontend/admin", NULL, &src, &err), 0);
	assert_int_equal(nd_np_ep_parse(e, "backend/api-1", NULL, &dst, &err), 0);
	nd_np_evaluate(e, &src, &dst, &q, r->arena, &v);
	assert_false(v.allowed);
	f = nd_np_add_finding(r, e, &src, &dst, &q, &v);
	assert_non_null(f);
	assert_string_equal(f->code, "netpol-denies");
	assert_string_equal(f->subject.name, "api-1");
	for (x = f->evidence->first; x; x = x->next) {
		if (strcmp(x->key, "port") == 0)
			assert_string_equal(x->u.s, "8080/TCP"), seen++;
		if (strcmp(x->key, "policies") == 0) {
			assert_int_equal(x->n, 2);     /* admin's egress deny, api's ingress ipBlock */
			seen++;
		}
		if (strcmp(x->key, "source") == 0 || strcmp(x->key, "destination") == 0)
			seen++;
	}
	assert_int_equal(seen, 4);
	assert_non_null(nd_np_verdict_val(r, e, &src, &dst, &q, &v));
	/* allowed: no finding */
	assert_int_equal(nd_np_ep_parse(e, "frontend/web-1", NULL, &src, &err), 0);
	nd_np_evaluate(e, &src, &dst, &q, r->arena, &v);
	assert_true(v.allowed);
	assert_null(nd_np_add_finding(r, e, &src, &dst, &q, &v));
	nd_report_free(r);
	nd_np_engine_free(e);
	nd_model_free(m);
}

/*
 * The one port test (engine and explainer share it since the explainer's
 * copy was deleted). Cases from the NetworkPolicy API: a named port
 * resolves against the destination's containerPorts (unnamed ones never
 * match it, and the protocol must agree too); endPort makes an inclusive
 * range; a port entry without port allows every port of its protocol; the
 * protocol (TCP by default, set by the decoder) must match.
 */
static void test_port_matches(void **state)
{
	struct nd_cport cp[] = {{NULL, 8080, ND_TCP}, {"dns", 53, ND_UDP}, {"web", 8080, ND_TCP}};
	struct nd_pod pod = {0};
	const struct nd_npport named = {true, ND_TCP, 0, "web", 0};
	const struct nd_npport named_udp = {true, ND_UDP, 0, "dns", 0};
	const struct nd_npport range = {true, ND_TCP, 32000, NULL, 32768};
	const struct nd_npport allports = {false, ND_UDP, 0, NULL, 0};
	const struct nd_npport one = {true, ND_TCP, 80, NULL, 0};
	const struct nd_np_port t8080 = {false, ND_TCP, 8080}, u53 = {false, ND_UDP, 53};
	const struct nd_np_port t53 = {false, ND_TCP, 53}, t32000 = {false, ND_TCP, 32000};
	const struct nd_np_port t32768 = {false, ND_TCP, 32768}, t32769 = {false, ND_TCP, 32769};
	const struct nd_np_port u80 = {false, ND_UDP, 80}, t80 = {false, ND_TCP, 80};
	const struct nd_np_port any = {true, ND_TCP, 0};

	(void)state;
	pod.nports = 3;
	pod.ports = cp;
	assert_true(nd_np_port_matches(&named, &t8080, &pod));
	assert_false(nd_np_port_matches(&named, &t8080, NULL));   /* no pod: cannot resolve */
	cp[2].name = "other";                                    /* only the unnamed 8080 left */
	assert_false(nd_np_port_matches(&named, &t8080, &pod));
	assert_true(nd_np_port_matches(&named_udp, &u53, &pod));
	assert_false(nd_np_port_matches(&named_udp, &t53, &pod)); /* protocol differs */
	assert_true(nd_np_port_matches(&range, &t32000, &pod));
	assert_true(nd_np_port_matches(&range, &t32768, &pod));
	assert_false(nd_np_port_matches(&range, &t32769, &pod));
	assert_true(nd_np_port_matches(&allports, &u53, &pod));
	assert_false(nd_np_port_matches(&allports, &t53, &pod));
	assert_true(nd_np_port_matches(&one, &t80, &pod));
	assert_false(nd_np_port_matches(&one, &u80, &pod));
	assert_true(nd_np_port_matches(&one, &any, &pod));
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_port_parse),
		cmocka_unit_test(test_matrix_bundle),
		cmocka_unit_test(test_matrix_equals_pairs),
		cmocka_unit_test(test_explain_and_fix),
		cmocka_unit_test(test_finding),
		cmocka_unit_test(test_port_matches),
	};
	char path[1100];
	struct CMUnitTest *tests;
	struct pc_case *cases;
	size_t n, i, nf = sizeof(fixed) / sizeof(fixed[0]);
	int rc;

	snprintf(path, sizeof(path), "%s/netpol.txt", pc_cases_dir());
	cases = pc_load(path, &n);
	tests = calloc(n + nf, sizeof(*tests));
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < n; i++) {
		tests[nf + i].name = cases[i].name;
		tests[nf + i].test_func = run_case;
		tests[nf + i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("netpol", tests, n + nf, NULL, NULL);
	free(tests);
	pc_free(cases, n);
	return rc;
}
