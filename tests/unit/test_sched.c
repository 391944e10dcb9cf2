/* SPDX-License-Identifier: MIT */
/*
 * Where a DaemonSet pod belongs (k8s/sched.h), case by case from the API
 * reference of NodeSelectorRequirement, NodeSelectorTerm, Toleration and
 * Taint and from the DaemonSet controller's rules: each case is a pod
 * template spec, a node's spec and status, and the verdict.
 */
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
#include "k8s/sched.h"

#define RUN  1      /* should run */
#define KEEP 2      /* does not fit, but a pod already there stays */
#define NONE 0      /* neither */

#define AFF(terms) "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":" \
	"{\"nodeSelectorTerms\":" terms "}}}"
#define EXPR(k, op, vals) "{\"key\":\"" k "\",\"operator\":\"" op "\"" vals "}"
#define VALS(...) ",\"values\":[" __VA_ARGS__ "]"
#define TAINT(k, v, eff) "{\"key\":\"" k "\"" v ",\"effect\":\"" eff "\"}"

struct tcase {
	const char *what;
	const char *tmpl;       /* members of the template's spec */
	const char *nspec;      /* members of the node's spec */
	const char *nstatus;    /* members of the node's status */
	int want;
	enum nd_place_miss miss;
};

static const struct tcase cases[] = {
	{"no constraints", "", "", "", RUN, ND_PLACE_FITS},
	/* nodeSelector: every pair must be a label of the node */
	{"nodeSelector matches", "\"nodeSelector\":{\"kubernetes.io/os\":\"linux\",\"pool\":\"gpu\"}",
	 "", "", RUN, ND_PLACE_FITS},
	{"nodeSelector value differs", "\"nodeSelector\":{\"kubernetes.io/os\":\"windows\"}", "", "",
	 NONE, ND_PLACE_NODE_SELECTOR},
	{"nodeSelector key absent", "\"nodeSelector\":{\"agentpool\":\"sys\"}", "", "", NONE,
	 ND_PLACE_NODE_SELECTOR},
	/* spec.nodeName */
	{"nodeName this node", "\"nodeName\":\"n1\"", "", "", RUN, ND_PLACE_FITS},
	{"nodeName another node", "\"nodeName\":\"n2\"", "", "", NONE, ND_PLACE_NODE_NAME},
	/* matchExpressions, every operator */
	{"In one of the values", AFF("[{\"matchExpressions\":[" EXPR("pool", "In", VALS("\"cpu\",\"gpu\"")) "]}]"),
	 "", "", RUN, ND_PLACE_FITS},
	{"In none of the values", AFF("[{\"matchExpressions\":[" EXPR("pool", "In", VALS("\"cpu\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	{"In on an absent label", AFF("[{\"matchExpressions\":[" EXPR("zone", "In", VALS("\"1\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	{"NotIn holding the value", AFF("[{\"matchExpressions\":[" EXPR("pool", "NotIn", VALS("\"gpu\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	{"NotIn other values", AFF("[{\"matchExpressions\":[" EXPR("pool", "NotIn", VALS("\"cpu\"")) "]}]"),
	 "", "", RUN, ND_PLACE_FITS},
	{"NotIn on an absent label", AFF("[{\"matchExpressions\":[" EXPR("zone", "NotIn", VALS("\"1\"")) "]}]"),
	 "", "", RUN, ND_PLACE_FITS},
	{"Exists present", AFF("[{\"matchExpressions\":[" EXPR("pool", "Exists", "") "]}]"), "", "", RUN,
	 ND_PLACE_FITS},
	{"Exists absent", AFF("[{\"matchExpressions\":[" EXPR("zone", "Exists", "") "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	{"DoesNotExist absent", AFF("[{\"matchExpressions\":[" EXPR("zone", "DoesNotExist", "") "]}]"), "",
	 "", RUN, ND_PLACE_FITS},
	{"DoesNotExist present", AFF("[{\"matchExpressions\":[" EXPR("pool", "DoesNotExist", "") "]}]"), "",
	 "", NONE, ND_PLACE_AFFINITY},
	{"Gt smaller value", AFF("[{\"matchExpressions\":[" EXPR("gen", "Gt", VALS("\"4\"")) "]}]"), "", "",
	 RUN, ND_PLACE_FITS},
	{"Gt equal value", AFF("[{\"matchExpressions\":[" EXPR("gen", "Gt", VALS("\"5\"")) "]}]"), "", "",
	 NONE, ND_PLACE_AFFINITY},
	{"Lt larger value", AFF("[{\"matchExpressions\":[" EXPR("gen", "Lt", VALS("\"6\"")) "]}]"), "", "",
	 RUN, ND_PLACE_FITS},
	{"Lt smaller value", AFF("[{\"matchExpressions\":[" EXPR("gen", "Lt", VALS("\"-3\"")) "]}]"), "", "",
	 NONE, ND_PLACE_AFFINITY},
	{"Gt on a label that is not an integer",
	 AFF("[{\"matchExpressions\":[" EXPR("pool", "Gt", VALS("\"1\"")) "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	{"Gt on an absent label", AFF("[{\"matchExpressions\":[" EXPR("zone", "Gt", VALS("\"1\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	/* terms are ORed, requirements in a term ANDed */
	{"second term matches",
	 AFF("[{\"matchExpressions\":[" EXPR("pool", "In", VALS("\"cpu\"")) "]},"
	     "{\"matchExpressions\":[" EXPR("gen", "Exists", "") "]}]"), "", "", RUN, ND_PLACE_FITS},
	{"one requirement of a term fails",
	 AFF("[{\"matchExpressions\":[" EXPR("pool", "Exists", "") "," EXPR("gen", "In", VALS("\"4\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	{"an empty term matches nothing", AFF("[{}]"), "", "", NONE, ND_PLACE_AFFINITY},
	{"no terms match nothing", AFF("[]"), "", "", NONE, ND_PLACE_AFFINITY},
	{"nodeSelector and affinity both apply",
	 "\"nodeSelector\":{\"pool\":\"gpu\"}," AFF("[{\"matchExpressions\":[" EXPR("zone", "Exists", "") "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	/* matchFields on metadata.name */
	{"matchFields In this node", AFF("[{\"matchFields\":[" EXPR("metadata.name", "In", VALS("\"n1\"")) "]}]"),
	 "", "", RUN, ND_PLACE_FITS},
	{"matchFields In another node",
	 AFF("[{\"matchFields\":[" EXPR("metadata.name", "In", VALS("\"n2\"")) "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	{"matchFields NotIn this node",
	 AFF("[{\"matchFields\":[" EXPR("metadata.name", "NotIn", VALS("\"n1\"")) "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	{"matchFields NotIn another node",
	 AFF("[{\"matchFields\":[" EXPR("metadata.name", "NotIn", VALS("\"n2\"")) "]}]"), "", "", RUN,
	 ND_PLACE_FITS},
	{"matchFields and matchExpressions ANDed",
	 AFF("[{\"matchFields\":[" EXPR("metadata.name", "In", VALS("\"n1\"")) "],"
	     "\"matchExpressions\":[" EXPR("pool", "In", VALS("\"cpu\"")) "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	/* requirements the API rejects make their term match nothing, not the others */
	{"matchFields In with two values",
	 AFF("[{\"matchFields\":[" EXPR("metadata.name", "In", VALS("\"n1\",\"n2\"")) "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	{"matchFields Exists", AFF("[{\"matchFields\":[" EXPR("metadata.name", "Exists", "") "]}]"), "", "",
	 NONE, ND_PLACE_AFFINITY},
	{"Gt with two values", AFF("[{\"matchExpressions\":[" EXPR("gen", "Gt", VALS("\"1\",\"2\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	{"In without values", AFF("[{\"matchExpressions\":[" EXPR("pool", "In", "") "]}]"), "", "", NONE,
	 ND_PLACE_AFFINITY},
	{"unknown operator", AFF("[{\"matchExpressions\":[" EXPR("pool", "Equals", VALS("\"gpu\"")) "]}]"),
	 "", "", NONE, ND_PLACE_AFFINITY},
	{"an invalid term next to a valid one",
	 AFF("[{\"matchExpressions\":[" EXPR("pool", "In", "") "]},"
	     "{\"matchExpressions\":[" EXPR("pool", "In", VALS("\"gpu\"")) "]}]"), "", "", RUN, ND_PLACE_FITS},
	/* taints against tolerations */
	{"NoSchedule taint not tolerated", "", "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoSchedule") "]",
	 "", KEEP, ND_PLACE_TAINT},
	{"NoExecute taint not tolerated", "", "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoExecute") "]",
	 "", NONE, ND_PLACE_TAINT},
	{"PreferNoSchedule never keeps a daemon pod off", "",
	 "\"taints\":[" TAINT("dedicated", "", "PreferNoSchedule") "]", "", RUN, ND_PLACE_FITS},
	{"Equal with the same value",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"infra\",\"effect\":\"NoSchedule\"}]",
	 "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoSchedule") "]", "", RUN, ND_PLACE_FITS},
	{"operator omitted means Equal",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"value\":\"infra\"}]",
	 "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoExecute") "]", "", RUN, ND_PLACE_FITS},
	{"Equal with another value",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"db\",\"effect\":\"NoSchedule\"}]",
	 "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoSchedule") "]", "", KEEP, ND_PLACE_TAINT},
	{"Equal without a value against a taint without one",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\"}]",
	 "\"taints\":[" TAINT("dedicated", "", "NoSchedule") "]", "", RUN, ND_PLACE_FITS},
	{"Exists with the key, any value",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]",
	 "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoSchedule") "," TAINT("dedicated", "", "NoExecute") "]",
	 "", RUN, ND_PLACE_FITS},
	{"toleration of another effect",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]",
	 "\"taints\":[" TAINT("dedicated", "", "NoSchedule") "]", "", KEEP, ND_PLACE_TAINT},
	{"toleration of another key", "\"tolerations\":[{\"key\":\"other\",\"operator\":\"Exists\"}]",
	 "\"taints\":[" TAINT("dedicated", "", "NoExecute") "]", "", NONE, ND_PLACE_TAINT},
	{"empty key with Exists tolerates everything", "\"tolerations\":[{\"operator\":\"Exists\"}]",
	 "\"taints\":[" TAINT("dedicated", ",\"value\":\"infra\"", "NoExecute") ","
	 TAINT("CriticalAddonsOnly", ",\"value\":\"true\"", "NoSchedule") "]", "", RUN, ND_PLACE_FITS},
	{"empty key with Exists and an effect tolerates that effect only",
	 "\"tolerations\":[{\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]",
	 "\"taints\":[" TAINT("a", "", "NoSchedule") "," TAINT("b", "", "NoExecute") "]", "", NONE, ND_PLACE_TAINT},
	{"tolerationSeconds does not change the controller's answer",
	 "\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
	 "\"tolerationSeconds\":300}]",
	 "\"taints\":[" TAINT("dedicated", "", "NoExecute") "]", "", RUN, ND_PLACE_FITS},
	{"one of two taints untolerated",
	 "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]",
	 "\"taints\":[" TAINT("a", "", "NoExecute") "," TAINT("b", "", "NoSchedule") "]", "", KEEP, ND_PLACE_TAINT},
	/* the controller's own tolerations and the node's state */
	{"cordoned node (spec.unschedulable)", "", "\"unschedulable\":true", "", RUN, ND_PLACE_FITS},
	{"unschedulable taint", "", "\"taints\":[" TAINT("node.kubernetes.io/unschedulable", "", "NoSchedule") "]", "",
	 RUN, ND_PLACE_FITS},
	{"not-ready NoExecute is tolerated by the controller", "",
	 "\"taints\":[" TAINT("node.kubernetes.io/not-ready", "", "NoExecute") "]", "", RUN, ND_PLACE_FITS},
	{"not-ready NoSchedule is not", "",
	 "\"taints\":[" TAINT("node.kubernetes.io/not-ready", "", "NoSchedule") "," TAINT("node.kubernetes.io/not-ready", "", "NoExecute") "]",
	 "", KEEP, ND_PLACE_TAINT},
	{"Ready False without taints written yet", "", "",
	 "\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]", KEEP, ND_PLACE_TAINT},
	{"Ready Unknown: unreachable", "", "", "\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]",
	 KEEP, ND_PLACE_TAINT},
	{"NotReady node, template tolerates everything", "\"tolerations\":[{\"operator\":\"Exists\"}]", "",
	 "\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]", RUN, ND_PLACE_FITS},
	{"Ready True", "", "", "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]", RUN, ND_PLACE_FITS},
	{"memory, disk and PID pressure are tolerated", "", "",
	 "\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"True\"},{\"type\":\"DiskPressure\","
	 "\"status\":\"True\"},{\"type\":\"PIDPressure\",\"status\":\"True\"}]", RUN, ND_PLACE_FITS},
	{"network unavailable, hostNetwork pod", "\"hostNetwork\":true", "",
	 "\"conditions\":[{\"type\":\"NetworkUnavailable\",\"status\":\"True\"}]", RUN, ND_PLACE_FITS},
	{"network unavailable, pod network pod", "", "",
	 "\"conditions\":[{\"type\":\"NetworkUnavailable\",\"status\":\"True\"}]", KEEP, ND_PLACE_TAINT},
	{"network-unavailable taint, hostNetwork pod", "\"hostNetwork\":true",
	 "\"taints\":[" TAINT("node.kubernetes.io/network-unavailable", "", "NoSchedule") "]", "", RUN, ND_PLACE_FITS},
	/* selection fails before taints are looked at: the pod is removed */
	{"affinity fails on a tainted node",
	 AFF("[{\"matchExpressions\":[" EXPR("zone", "Exists", "") "]}]"),
	 "\"taints\":[" TAINT("dedicated", "", "NoSchedule") "]", "", NONE, ND_PLACE_AFFINITY},
};

static int add(struct nd_model *m, const char *json)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;
	int r;

	if (nd_json_parse(json, strlen(json), 0, a, &v, &e) != 0)
		fail_msg("bad test JSON: %s\n%s", e.msg, json);
	r = nd_model_add_object(m, &v, NULL, &e);
	if (r != 0)
		fail_msg("not decoded: %s", e.msg);
	nd_arena_free(a);
	return r;
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct nd_model *m = nd_model_new();
		char ds[8192], node[4096];
		struct nd_place_verdict v;
		int got;

		snprintf(ds, sizeof(ds), "{\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"d\",\"namespace\":"
			 "\"kube-system\"},\"spec\":{\"template\":{\"spec\":{%s}}}}", c->tmpl);
		snprintf(node, sizeof(node), "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\",\"labels\":"
			 "{\"kubernetes.io/os\":\"linux\",\"pool\":\"gpu\",\"gen\":\"5\"}},\"spec\":{%s},"
			 "\"status\":{%s}}", c->nspec, c->nstatus);
		add(m, ds);
		add(m, node);
		nd_model_finish(m);
		nd_daemon_should_run(&m->daemonsets.v[0].place, &m->nodes.v[0], &v);
		got = v.should_run ? RUN : v.should_continue ? KEEP : NONE;
		if (got != c->want || v.miss != c->miss)
			fail_msg("case '%s': got %d (miss %d), want %d (miss %d)", c->what, got, v.miss,
				 c->want, c->miss);
		if (v.should_run && !v.should_continue)
			fail_msg("case '%s': should run but not continue", c->what);
		nd_model_free(m);
	}
}

/* The verdict names what kept the pod off: the selector's key, the taint. */
static void test_names_the_cause(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_place_verdict v;

	(void)state;
	add(m, "{\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"d\",\"namespace\":\"x\"},\"spec\":{\"template\":"
	       "{\"spec\":{\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}}}}");
	add(m, "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":["
	       TAINT("a", "", "NoExecute") "," TAINT("b", ",\"value\":\"x\"", "NoSchedule") ","
	       TAINT("c", "", "NoExecute") "]}}");
	nd_model_finish(m);
	nd_daemon_should_run(&m->daemonsets.v[0].place, &m->nodes.v[0], &v);
	assert_false(v.should_run);
	assert_false(v.should_continue);   /* c is NoExecute and untolerated */
	assert_string_equal(v.key, "c");
	assert_string_equal(v.effect, "NoExecute");
	nd_model_free(m);
}

/* A toleration's field of the wrong type is an input error naming the field. */
static void test_type_error(void **state)
{
	struct nd_model *m = nd_model_new();
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;
	const char *js = "{\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"d\",\"namespace\":\"x\"},"
			 "\"spec\":{\"template\":{\"spec\":{\"tolerations\":[{\"key\":7}]}}}}";

	(void)state;
	assert_int_equal(nd_json_parse(js, strlen(js), 0, a, &v, &e), 0);
	assert_int_equal(nd_model_add_object(m, &v, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "tolerations[].key"));
	nd_arena_free(a);
	nd_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_names_the_cause),
		cmocka_unit_test(test_type_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
