/* SPDX-License-Identifier: MIT */
/* The model's decoders and indexes: every kind, both Event APIs, defaults, type errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/model.h"

static int add(struct nd_model *m, const char *json, const char *hint, struct nd_err *e)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	int r;

	assert_int_equal(nd_json_parse(json, strlen(json), 0, a, &v, e), 0);
	r = nd_model_add_object(m, &v, hint, e);
	nd_arena_free(a);
	return r;
}

static void test_pod(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_err e;
	const struct nd_pod *p;
	size_t n;

	(void)state;
	assert_int_equal(add(m, "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\","
		"\"labels\":{\"tier\":\"fe\",\"app\":\"web\"},\"ownerReferences\":[{\"kind\":\"ReplicaSet\","
		"\"name\":\"web-5d\",\"controller\":true}]},\"spec\":{\"nodeName\":\"n1\",\"containers\":["
		"{\"image\":\"nginx\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080},"
		"{\"containerPort\":53,\"protocol\":\"UDP\"}]}],\"initContainers\":[{\"restartPolicy\":"
		"\"Always\",\"ports\":[{\"name\":\"side\",\"containerPort\":9000}]},{\"ports\":"
		"[{\"containerPort\":1}]}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.5\","
		"\"podIPs\":[{\"ip\":\"10.0.0.5\"},{\"ip\":\"fd00::5\"}],\"conditions\":[{\"type\":\"Ready\","
		"\"status\":\"True\"}]}}", NULL, &e), 0);
	/* a List of one kind from the API: items carry no kind */
	assert_int_equal(add(m, "{\"metadata\":{\"name\":\"web-2\",\"namespace\":\"shop\"},\"spec\":"
		"{\"nodeName\":\"n1\",\"hostNetwork\":true},\"status\":{\"phase\":\"Succeeded\"}}",
		"PodList", &e), 0);
	nd_model_finish(m);
	assert_int_equal(m->pods.n, 2);
	p = nd_model_pod(m, "shop", "web-1");
	assert_non_null(p);
	assert_string_equal(p->node, "n1");
	assert_int_equal(p->nips, 2);
	assert_string_equal(p->ips[1], "fd00::5");
	assert_int_equal(p->nports, 3);             /* the sidecar's port counts, the init's not */
	assert_int_equal(p->ports[1].proto, ND_UDP);
	assert_true(p->ready);
	assert_string_equal(p->m.owner_kind, "ReplicaSet");
	assert_string_equal(nd_labels_get(&p->m.labels, "app"), "web");
	assert_true(nd_pod_is_live(p));
	assert_true(nd_pod_is_terminated(nd_model_pod(m, "shop", "web-2")));
	assert_non_null(nd_model_pods_by_ip(m, "fd00::5", &n));
	assert_int_equal(n, 1);
	nd_model_pods_on_node(m, "n1", &n);
	assert_int_equal(n, 2);
	assert_null(nd_model_pod(m, "shop", "nosuch"));
	assert_null(nd_model_pods_in_ns(m, "nosuch", &n));
	nd_model_free(m);
}

struct terr {
	const char *json;
	const char *msg;
};

static const struct terr type_errors[] = {
	{"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\",\"labels\":\"x\"}}",
	 "Pod 'n/p': metadata.labels"},
	{"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\"},\"spec\":{\"containers\":"
	 "[{\"ports\":[{\"containerPort\":\"8080\"}]}]}}",
	 "Pod 'n/p': spec.containers[].ports[].containerPort: expected an integer, got a string"},
	{"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\"},\"spec\":{\"containers\":"
	 "[{\"ports\":[{\"containerPort\":70000}]}]}}", "is not an integer in [0, 65535]"},
	{"{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"ports\":"
	 "[{\"port\":80,\"protocol\":\"TPC\"}]}}", "unknown protocol 'TPC'"},
	{"{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"ports\":{}}}",
	 "spec.ports: expected an array, got an object"},
	{"{\"kind\":\"Node\",\"metadata\":{}}", "metadata.name: missing"},
	/* serve's store drops it too: both paths must agree (fuzz_bundle_live) */
	{"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\",\"namespace\":\"n\"}}",
	 "metadata.name: empty"},
	{"{\"kind\":\"Pod\"}", "metadata: missing"},
	{"{\"kind\":7}", "\"kind\" must be a string"},
	{"{\"metadata\":{\"name\":\"x\"}}", "object without \"kind\""},
	{"{\"kind\":\"PodList\",\"items\":{}}", "a PodList without an \"items\" array"},
	{"[1]", "expected a Kubernetes object"},
};

/* A cluster-scoped object with a namespace is one object with or without it,
 * as the API server (and serve's store) see it (fuzz_bundle_live). */
static void test_cluster_scoped_namespace(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_err e;

	(void)state;
	assert_int_equal(add(m, "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\",\"namespace\":"
			     "\"x\"}}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"},\"spec\":"
			     "{\"podCIDR\":\"10.0.0.0/24\"}}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\","
			     "\"namespace\":\"b\"}}", NULL, &e), 0);
	nd_model_finish(m);
	assert_int_equal(m->nodes.n, 1);
	assert_null(m->nodes.v[0].m.ns);
	assert_int_equal(m->nodes.v[0].npod_cidrs, 1);   /* the last one read */
	assert_null(m->namespaces.v[0].m.ns);
	nd_model_free(m);
}

static void test_type_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(type_errors) / sizeof(type_errors[0]); i++) {
		struct nd_model *m = nd_model_new();
		struct nd_err e = {{0}};
		struct nd_arena *a = nd_arena_new(0);
		struct nd_json v;

		assert_int_equal(nd_json_parse(type_errors[i].json, strlen(type_errors[i].json), 0, a,
					       &v, &e), 0);
		if (nd_model_add_object(m, &v, NULL, &e) != -1 || !strstr(e.msg, type_errors[i].msg)) {
			print_error("case %zu: '%s'\n", i, e.msg);
			fail();
		}
		nd_model_finish(m);
		assert_int_equal(m->pods.n + m->services.n + m->nodes.n, 0);
		nd_arena_free(a);
		nd_model_free(m);
	}
}

static void test_services_endpoints(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_err e;
	const struct nd_service *s;
	const uint32_t *ix;
	size_t n;

	(void)state;
	assert_int_equal(add(m, "{\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
		"\"spec\":{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"http\",\"port\":80,"
		"\"targetPort\":\"http\"},{\"port\":443},{\"port\":8443,\"targetPort\":9443}]}}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"web\",\"namespace\":"
		"\"shop\",\"annotations\":{\"endpoints.kubernetes.io/over-capacity\":\"truncated\"}},"
		"\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\",\"nodeName\":\"n1\",\"targetRef\":"
		"{\"kind\":\"Pod\",\"name\":\"web-1\"}}],\"notReadyAddresses\":[{\"ip\":\"10.0.0.2\"}],"
		"\"ports\":[{\"name\":\"http\",\"port\":8080}]}]}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\","
		"\"metadata\":{\"name\":\"web-abc\",\"namespace\":\"shop\",\"labels\":"
		"{\"kubernetes.io/service-name\":\"web\"}},\"addressType\":\"IPv4\",\"endpoints\":["
		"{\"addresses\":[\"10.0.0.1\"],\"conditions\":{}},{\"addresses\":[\"10.0.0.2\"],"
		"\"conditions\":{\"ready\":false,\"terminating\":true}}],\"ports\":null}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"empty\",\"namespace\":"
		"\"shop\"}}", NULL, &e), 0);
	nd_model_finish(m);
	s = nd_model_service(m, "shop", "web");
	assert_non_null(s);
	assert_true(s->has_selector);
	assert_string_equal(s->type, "ClusterIP");
	assert_string_equal(s->ports[0].target_name, "http");
	assert_int_equal(s->ports[1].target_num, 443);       /* defaults to port */
	assert_int_equal(s->ports[2].target_num, 9443);
	ix = nd_model_epsets_of(m, "shop", "web", &n);
	assert_int_equal(n, 2);
	assert_true(m->epsets.v[ix[0]].truncated);
	assert_int_equal(m->epsets.v[ix[0]].naddrs, 2);
	assert_false(m->epsets.v[ix[0]].addrs[1].ready);
	assert_string_equal(m->epsets.v[ix[0]].addrs[0].pod, "web-1");
	assert_true(m->epsets.v[ix[1]].is_slice);
	assert_true(m->epsets.v[ix[1]].addrs[0].ready);     /* nil ready means ready */
	assert_true(m->epsets.v[ix[1]].addrs[1].terminating);
	/* an Endpoints object without subsets still says "none" */
	ix = nd_model_epsets_of(m, "shop", "empty", &n);
	assert_int_equal(n, 1);
	assert_int_equal(m->epsets.v[ix[0]].naddrs, 0);
	nd_model_free(m);
}

static void test_events(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_err e;
	const uint32_t *ix;
	size_t n;

	(void)state;
	assert_int_equal(add(m, "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"p.1\","
		"\"namespace\":\"shop\"},\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"shop\","
		"\"name\":\"p\"},\"reason\":\"FailedCreatePodSandBox\",\"type\":\"Warning\",\"count\":14,"
		"\"message\":\"(combined from similar events): x\",\"source\":{\"host\":\"n1\"},"
		"\"lastTimestamp\":\"2025-05-02T09:24:40Z\"}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"metadata\":"
		"{\"name\":\"p.2\",\"namespace\":\"shop\"},\"regarding\":{\"kind\":\"Pod\",\"namespace\":"
		"\"shop\",\"name\":\"p\"},\"reason\":\"FailedCreatePodSandBox\",\"type\":\"Warning\","
		"\"note\":\"y\",\"series\":{\"count\":3,\"lastObservedTime\":\"2025-05-02T10:00:00.123456Z\"},"
		"\"eventTime\":\"2025-05-02T09:00:00.000000Z\",\"reportingInstance\":\"n2\"}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"Event\",\"metadata\":{\"name\":\"p.3\",\"namespace\":\"shop\"},"
		"\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"shop\",\"name\":\"p\"},"
		"\"reason\":\"Scheduled\",\"type\":\"Normal\"}", NULL, &e), 0);
	nd_model_finish(m);
	ix = nd_model_events_of(m, "Pod", "shop", "p", &n);
	assert_int_equal(n, 2);                  /* Normal events are not kept */
	assert_int_equal(m->events.v[ix[0]].count, 14);
	assert_int_equal(m->events.v[ix[0]].last, 1746177880);
	assert_string_equal(m->events.v[ix[1]].message, "y");
	assert_int_equal(m->events.v[ix[1]].count, 3);
	assert_int_equal(m->events.v[ix[1]].last, 1746180000);
	assert_string_equal(m->events.v[ix[1]].host, "n2");
	nd_model_free(m);
}

static void test_nnc_netpol_rbac(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_err e;
	const struct nd_nnc *c;

	(void)state;
	assert_int_equal(add(m, "{\"apiVersion\":\"acn.azure.com/v1alpha\",\"kind\":\"NodeNetworkConfig\","
		"\"metadata\":{\"name\":\"n1\",\"namespace\":\"kube-system\"},\"spec\":{\"requestedIPCount\":32},"
		"\"status\":{\"assignedIPCount\":16,\"scaler\":{\"batchSize\":16,\"maxIPCount\":250},"
		"\"networkContainers\":[{\"id\":\"x\",\"status\":\"NCUpdateSubnetFullError\",\"ipAssignments\":"
		"[{\"ip\":\"10.1.0.5\",\"name\":\"a\"},{\"ip\":\"10.1.0.6\",\"name\":\"b\"}],"
		"\"subnetAddressSpace\":\"10.1.0.0/24\"}]}}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
		"\"metadata\":{\"name\":\"np\",\"namespace\":\"shop\"},\"spec\":{\"podSelector\":{},"
		"\"egress\":[]}}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"r\"},\"rules\":"
		"[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"]}]}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"b\",\"namespace\":\"shop\"},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"r\"},\"subjects\":[{\"kind\":"
		"\"ServiceAccount\",\"name\":\"default\",\"namespace\":\"shop\"}]}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}", NULL, &e), 0);
	nd_model_finish(m);
	c = nd_model_nnc(m, "n1");
	assert_non_null(c);
	assert_int_equal(c->requested, 32);
	assert_int_equal(c->ncs[0].nassigned, 2);
	assert_string_equal(c->ncs[0].status, "NCUpdateSubnetFullError");
	assert_int_equal(m->netpols.n, 1);
	assert_true(m->netpols.v[0].ingress_type);
	assert_false(m->netpols.v[0].egress_type);     /* "egress: []" alone: ingress only */
	assert_int_equal(m->roles.v[0].rules[0].nresources, 2);
	assert_string_equal(m->bindings.v[0].subjects[0].kind, "ServiceAccount");
	assert_int_equal(m->skipped, 1);
	nd_model_free(m);
}

static void test_duplicates_and_select(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_err e;
	struct nd_selector sel;
	uint32_t *r;
	size_t n;
	struct nd_arena *a = nd_arena_new(0);
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		assert_int_equal(add(m, i ? "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":"
			"\"n\",\"labels\":{\"app\":\"new\"}}}" : "{\"kind\":\"Pod\",\"metadata\":{\"name\":"
			"\"a\",\"namespace\":\"n\",\"labels\":{\"app\":\"old\"}}}", NULL, &e), 0);
	assert_int_equal(add(m, "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\",\"namespace\":\"n\","
		"\"labels\":{\"app\":\"new\",\"tier\":\"x\"}}}", NULL, &e), 0);
	nd_model_finish(m);
	assert_int_equal(m->pods.n, 2);
	assert_int_equal(m->duplicates, 1);
	assert_string_equal(nd_labels_get(&nd_model_pod(m, "n", "a")->m.labels, "app"), "new");
	assert_int_equal(nd_selector_parse("app=new,tier!=x", a, m->strings, &sel, &e), 0);
	r = nd_model_select_pods(m, "n", &sel, &n);
	assert_int_equal(n, 1);
	assert_string_equal(m->pods.v[r[0]].m.name, "a");
	free(r);
	assert_int_equal(nd_selector_parse("app=none", a, m->strings, &sel, &e), 0);
	assert_null(nd_model_select_pods(m, "n", &sel, &n));
	assert_int_equal(nd_selector_parse("", a, m->strings, &sel, &e), 0);
	r = nd_model_select_pods(m, "n", &sel, &n);
	assert_int_equal(n, 2);
	free(r);
	nd_arena_free(a);
	nd_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_cluster_scoped_namespace),
		cmocka_unit_test(test_services_endpoints),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_nnc_netpol_rbac),
		cmocka_unit_test(test_duplicates_and_select),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
