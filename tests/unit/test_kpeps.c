/* SPDX-License-Identifier: MIT */
/*
 * The endpoints kube-proxy programs for a Service port on a node
 * (checks/kpeps.h), from the cases of kube-proxy's CategorizeEndpoints
 * tests (pkg/proxy/topology_test.go): ready endpoints, the
 * serving-terminating fallback, internal and external traffic policy, a
 * Service not reachable from outside whose externalTrafficPolicy does not
 * count, and the ClusterIP's family.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/kpeps.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/model.h"

/* one endpoint: address, ready, serving, terminating, on this node */
struct ep {
	const char *ip;
	int ready, serving, terminating, local;
};

struct tcase {
	const char *what;
	const char *spec;          /* extra members of the Service spec */
	struct ep eps[6];
	const char *cluster;       /* "ip:port ip:port", sorted as listed */
	const char *local;
	int any;
};

#define NP "\"type\":\"NodePort\",\"ports\":[{\"name\":\"p80\",\"port\":80,\"nodePort\":30080}]"

static const struct tcase cases[] = {
	{"ready endpoints only", "", {{"10.0.0.0", 1, 1, 0, 1}, {"10.0.0.1", 0, 0, 0, 0}, {"10.0.0.2", 1, 1, 0, 0}},
	 "10.0.0.0:80 10.0.0.2:80", "", 1},
	{"all terminating: the serving ones", "",
	 {{"10.0.0.0", 0, 1, 1, 1}, {"10.0.0.1", 0, 0, 1, 0}, {"10.0.0.2", 0, 1, 1, 0}},
	 "10.0.0.0:80 10.0.0.2:80", "", 1},
	{"one ready: the terminating ones are not used", "",
	 {{"10.0.0.0", 0, 1, 1, 1}, {"10.0.0.1", 1, 1, 0, 0}}, "10.0.0.1:80", "", 1},
	{"nothing ready nor serving", "", {{"10.0.0.0", 0, 0, 1, 1}, {"10.0.0.1", 0, 0, 0, 0}}, "", "", 0},
	{"iTP Local: local ready ones", "\"internalTrafficPolicy\":\"Local\",",
	 {{"10.0.0.0", 1, 1, 0, 1}, {"10.0.0.1", 1, 1, 0, 0}, {"10.0.0.2", 0, 0, 0, 1}}, "", "10.0.0.0:80", 1},
	{"iTP Local, no local endpoint: nothing here, some elsewhere", "\"internalTrafficPolicy\":\"Local\",",
	 {{"10.0.0.1", 1, 1, 0, 0}}, "", "", 1},
	{"iTP Local, local ones terminating: the serving local ones",
	 "\"internalTrafficPolicy\":\"Local\",",
	 {{"10.0.0.0", 0, 1, 1, 1}, {"10.0.0.1", 1, 1, 0, 0}, {"10.0.0.2", 0, 0, 1, 1}}, "", "10.0.0.0:80", 1},
	{"iTP Local, empty", "\"internalTrafficPolicy\":\"Local\",", {{NULL, 0, 0, 0, 0}}, "", "", 0},
	{"eTP Local, externally reachable, with terminating endpoints", "\"externalTrafficPolicy\":\"Local\"," NP ",",
	 {{"10.0.0.0", 0, 0, 1, 1}, {"10.0.0.1", 0, 1, 1, 1}, {"10.0.0.2", 0, 1, 1, 0}, {"10.0.0.3", 0, 1, 1, 0},
	  {"10.0.0.4", 0, 0, 1, 0}},
	 "10.0.0.1:80 10.0.0.2:80 10.0.0.3:80", "10.0.0.1:80", 1},
	{"eTP Local: cluster set for the ClusterIP, local set for the node port",
	 "\"externalTrafficPolicy\":\"Local\"," NP ",",
	 {{"10.0.0.0", 1, 1, 0, 1}, {"10.0.0.1", 1, 1, 0, 0}}, "10.0.0.0:80 10.0.0.1:80", "10.0.0.0:80", 1},
	{"eTP Local ignored when not reachable from outside", "\"externalTrafficPolicy\":\"Local\",",
	 {{"10.0.0.0", 1, 1, 0, 1}, {"10.0.0.1", 1, 1, 0, 0}}, "10.0.0.0:80 10.0.0.1:80", "", 1},
	{"iTP Local and eTP Local, no local endpoint",
	 "\"internalTrafficPolicy\":\"Local\",\"externalTrafficPolicy\":\"Local\"," NP ",",
	 {{"10.0.0.1", 1, 1, 0, 0}}, "", "", 1},
	{"other family ignored (an IPv4 ClusterIP)", "", {{"fd00::5", 1, 1, 0, 1}, {"10.0.0.1", 1, 1, 0, 0}},
	 "10.0.0.1:80", "", 1},
};

static void add(struct nd_model *m, const char *json)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;

	if (nd_json_parse(json, strlen(json), 0, a, &v, &e) != 0)
		fail_msg("bad test JSON: %s\n%s", e.msg, json);
	if (nd_model_add_object(m, &v, NULL, &e) != 0)
		fail_msg("not decoded: %s", e.msg);
	nd_arena_free(a);
}

static void same(const char *what, const char *which, const struct nd_strs *got, const char *want)
{
	char buf[512] = "";
	size_t o = 0;

	for (size_t i = 0; i < got->n; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " " : "", got->v[i]);
	if (strcmp(buf, want) != 0)
		fail_msg("case '%s': %s set '%s', want '%s'", what, which, buf, want);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct nd_model *m = nd_model_new();
		struct nd_arena *a = nd_arena_new(0);
		char svc[1024], sl[4096];
		size_t o;
		struct nd_kp_eps eps;
		const struct nd_service *s;

		snprintf(svc, sizeof(svc), "{\"kind\":\"Service\",\"metadata\":{\"name\":\"svc1\",\"namespace\":"
			 "\"ns1\"},\"spec\":{%s\"clusterIP\":\"172.30.0.41\"%s}}", c->spec,
			 strstr(c->spec, "\"ports\"") ? "" : ",\"ports\":[{\"name\":\"p80\",\"port\":80}]");
		o = (size_t)snprintf(sl, sizeof(sl), "{\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":"
				     "\"svc1-abc\",\"namespace\":\"ns1\",\"labels\":{\"kubernetes.io/"
				     "service-name\":\"svc1\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":"
				     "\"p80\",\"port\":80,\"protocol\":\"TCP\"}],\"endpoints\":[");
		for (int k = 0; k < 6 && c->eps[k].ip; k++)
			o += (size_t)snprintf(sl + o, sizeof(sl) - o, "%s{\"addresses\":[\"%s\"],\"conditions\":"
					      "{\"ready\":%s,\"serving\":%s,\"terminating\":%s},"
					      "\"nodeName\":\"%s\"}", k ? "," : "", c->eps[k].ip,
					      c->eps[k].ready ? "true" : "false",
					      c->eps[k].serving ? "true" : "false",
					      c->eps[k].terminating ? "true" : "false",
					      c->eps[k].local ? "node-a" : "node-b");
		snprintf(sl + o, sizeof(sl) - o, "]}");
		add(m, svc);
		add(m, sl);
		nd_model_finish(m);
		s = nd_model_service(m, "ns1", "svc1");
		assert_non_null(s);
		nd_kp_endpoints(m, s, &s->ports[0], "node-a", a, &eps);
		same(c->what, "cluster", &eps.cluster, c->cluster);
		same(c->what, "local", &eps.local, c->local);
		if (eps.any != (bool)c->any)
			fail_msg("case '%s': any %d, want %d", c->what, eps.any, c->any);
		nd_kp_eps_free(&eps);
		nd_arena_free(a);
		nd_model_free(m);
	}
}

/* nil conditions: ready is true, serving follows ready, terminating false. */
static void test_nil_conditions(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_arena *a = nd_arena_new(0);
	struct nd_kp_eps eps;
	const struct nd_service *s;

	(void)state;
	add(m, "{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"clusterIP\":"
	       "\"10.0.0.10\",\"ports\":[{\"port\":53,\"protocol\":\"UDP\"}]}}");
	add(m, "{\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"s-1\",\"namespace\":\"n\",\"labels\":"
	       "{\"kubernetes.io/service-name\":\"s\"}},\"addressType\":\"IPv4\",\"ports\":[{\"port\":5353,"
	       "\"protocol\":\"UDP\"}],\"endpoints\":[{\"addresses\":[\"10.1.0.1\"]},{\"addresses\":"
	       "[\"10.1.0.2\"],\"conditions\":{}}]}");
	nd_model_finish(m);
	s = nd_model_service(m, "n", "s");
	nd_kp_endpoints(m, s, &s->ports[0], "x", a, &eps);
	same("nil conditions", "cluster", &eps.cluster, "10.1.0.1:5353 10.1.0.2:5353");
	nd_kp_eps_free(&eps);
	nd_arena_free(a);
	nd_model_free(m);
}

/* An older slice names the endpoint's node in its topology: still local. */
static void test_topology_hostname(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_arena *a = nd_arena_new(0);
	struct nd_kp_eps eps;
	const struct nd_service *s;

	(void)state;
	add(m, "{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"clusterIP\":"
	       "\"10.0.0.10\",\"internalTrafficPolicy\":\"Local\",\"ports\":[{\"port\":80}]}}");
	add(m, "{\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"s-1\",\"namespace\":\"n\",\"labels\":"
	       "{\"kubernetes.io/service-name\":\"s\"}},\"addressType\":\"IPv4\",\"ports\":[{\"port\":8080}],"
	       "\"endpoints\":[{\"addresses\":[\"10.1.0.1\"],\"topology\":{\"kubernetes.io/hostname\":\"node-a\"}},"
	       "{\"addresses\":[\"10.1.0.2\"],\"deprecatedTopology\":{\"kubernetes.io/hostname\":\"node-b\"}}]}");
	nd_model_finish(m);
	s = nd_model_service(m, "n", "s");
	nd_kp_endpoints(m, s, &s->ports[0], "node-a", a, &eps);
	same("topology hostname", "local", &eps.local, "10.1.0.1:8080");
	nd_kp_eps_free(&eps);
	nd_kp_endpoints(m, s, &s->ports[0], "node-b", a, &eps);
	same("deprecatedTopology hostname", "local", &eps.local, "10.1.0.2:8080");
	nd_kp_eps_free(&eps);
	nd_arena_free(a);
	nd_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_nil_conditions),
		cmocka_unit_test(test_topology_hostname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
