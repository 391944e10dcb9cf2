/* SPDX-License-Identifier: MIT */
/*
 * The endpoint probes' plan and classification (checks/epprobe.h), without
 * a network: the plan of a small model (ready endpoints only, slices over
 * Endpoints, a named targetPort resolved per pod, duplicates once, UDP only
 * when DNS, the ClusterIP after its endpoints, headless and ExternalName
 * Services), then results written into it by hand and the findings and
 * check statuses they must give.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/epprobe.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "findings/finding.h"
#include "k8s/model.h"
#include "out/emit.h"
#include "core/banned.h"

static void add(struct nd_model *m, const char *json)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;

	assert_int_equal(nd_json_parse(json, strlen(json), 0, a, &v, &e), 0);
	assert_int_equal(nd_model_add_object(m, &v, NULL, &e), 0);
	nd_arena_free(a);
}

static void pod(struct nd_model *m, const char *name, const char *ip, const char *ports)
{
	char b[1024];

	snprintf(b, sizeof(b), "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",\"namespace\":"
		 "\"shop\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":\"n1\","
		 "\"containers\":[{\"name\":\"c\",\"ports\":[%s]}]},\"status\":{\"phase\":"
		 "\"Running\",\"podIP\":\"%s\",\"conditions\":[{\"type\":\"Ready\",\"status\":"
		 "\"True\"}]}}", name, ports, ip);
	add(m, b);
}

/*
 * shop/web: ClusterIP 10.0.0.11, port http 80 -> named "web-http", port
 * syslog 514/UDP (no probe applies); endpoints in a slice (two ready, one
 * not, one listed twice) and in a legacy Endpoints object (ignored: slices
 * win). shop/dns: 53/UDP, headless. shop/ext: ExternalName.
 */
static struct nd_model *model(void)
{
	struct nd_model *m = nd_model_new();

	pod(m, "web-1", "10.244.1.5", "{\"name\":\"web-http\",\"containerPort\":8080}");
	pod(m, "web-2", "10.244.1.6", "{\"name\":\"web-http\",\"containerPort\":8081}");
	pod(m, "web-3", "10.244.1.7", "{\"name\":\"web-http\",\"containerPort\":8080}");
	add(m, "{\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
	       "\"spec\":{\"clusterIP\":\"10.0.0.11\",\"selector\":{\"app\":\"web\"},\"ports\":["
	       "{\"name\":\"http\",\"port\":80,\"targetPort\":\"web-http\"},"
	       "{\"name\":\"syslog\",\"port\":514,\"protocol\":\"UDP\",\"targetPort\":514}]}}");
	add(m, "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{"
	       "\"name\":\"web-a\",\"namespace\":\"shop\",\"labels\":{\"kubernetes.io/service-name\":"
	       "\"web\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":8080},"
	       "{\"name\":\"syslog\",\"port\":514,\"protocol\":\"UDP\"}],\"endpoints\":["
	       "{\"addresses\":[\"10.244.1.5\"],\"conditions\":{\"ready\":true},\"nodeName\":\"n1\","
	       "\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-1\"}},"
	       "{\"addresses\":[\"10.244.1.6\"],\"conditions\":{\"ready\":true},\"nodeName\":\"n1\","
	       "\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-2\"}},"
	       "{\"addresses\":[\"10.244.1.7\"],\"conditions\":{\"ready\":false},\"nodeName\":\"n1\","
	       "\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-3\"}}]}");
	add(m, "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{"
	       "\"name\":\"web-b\",\"namespace\":\"shop\",\"labels\":{\"kubernetes.io/service-name\":"
	       "\"web\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":8080}],"
	       "\"endpoints\":[{\"addresses\":[\"10.244.1.5\"],\"conditions\":{\"ready\":true},"
	       "\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-1\"}}]}");
	add(m, "{\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
	       "\"subsets\":[{\"addresses\":[{\"ip\":\"10.244.9.9\"}],\"ports\":[{\"name\":\"http\","
	       "\"port\":8080}]}]}");
	add(m, "{\"kind\":\"Service\",\"metadata\":{\"name\":\"dns\",\"namespace\":\"shop\"},"
	       "\"spec\":{\"clusterIP\":\"None\",\"ports\":[{\"name\":\"dns\",\"port\":53,"
	       "\"protocol\":\"UDP\"}]}}");
	add(m, "{\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"dns\",\"namespace\":\"shop\"},"
	       "\"subsets\":[{\"addresses\":[{\"ip\":\"10.244.1.53\"}],\"ports\":[{\"name\":\"dns\","
	       "\"port\":53,\"protocol\":\"UDP\"}]}]}");
	add(m, "{\"kind\":\"Service\",\"metadata\":{\"name\":\"ext\",\"namespace\":\"shop\"},"
	       "\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.org\"}}");
	nd_model_finish(m);
	return m;
}

static size_t find(const struct nd_epprobe_plan *p, const char *ip, unsigned port)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->t[i].ip, ip) == 0 && p->t[i].port == port)
			return i;
	fail_msg("no probe of %s:%u", ip, port);
	return 0;
}

static void plan(void **state)
{
	struct nd_model *m = model();
	struct nd_epprobe_plan p;
	struct nd_scope sc = {.ns = "shop"};
	size_t i;

	(void)state;
	nd_epprobe_plan(m, &sc, &p);
	/* web: 2 ready endpoints (10.244.1.5 once), then its ClusterIP; dns: 1, headless */
	assert_int_equal(p.n, 4);
	assert_int_equal(p.services, 2);
	i = find(&p, "10.244.1.5", 8080);
	assert_false(p.v[i].vip);
	assert_string_equal(p.v[i].pod, "web-1");
	assert_string_equal(p.v[i].node, "n1");
	assert_int_equal(p.t[i].kind, ND_FAN_TCP);
	/* the named targetPort is resolved on web-2 itself: 8081, not the slice's 8080 */
	i = find(&p, "10.244.1.6", 8081);
	assert_string_equal(p.v[i].pod, "web-2");
	i = find(&p, "10.0.0.11", 80);
	assert_true(p.v[i].vip);
	assert_int_equal(i, 2);   /* after the endpoints it leads to */
	i = find(&p, "10.244.1.53", 53);
	assert_int_equal(p.t[i].kind, ND_FAN_UDP_DNS);
	assert_null(p.v[i].pod);
	/* syslog/UDP: a Service port with no probe that applies */
	assert_int_equal(p.not_probed, 1);
	for (i = 0; i < p.n; i++)
		assert_string_not_equal(p.t[i].ip, "10.244.9.9");   /* Endpoints lose to slices */
	nd_epprobe_plan_release(&p);
	/* one Service */
	sc.service = "dns";
	nd_epprobe_plan(m, &sc, &p);
	assert_int_equal(p.n, 1);
	nd_epprobe_plan_release(&p);
	nd_model_free(m);
}

static const struct nd_check *check_of(const struct nd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	fail_msg("no check %s", id);
	return NULL;
}

static size_t count(const struct nd_report *r, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		n += strcmp(r->findings[i]->code, code) == 0;
	return n;
}

static char *evidence(const struct nd_report *r, const char *code)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i]->code, code) == 0)
			nd_emit_val_json(f, r->findings[i]->evidence, 0);
	fclose(f);
	return s;
}

/* Run the classification with results res[] (in plan order) on shop/web. */
static struct nd_report *judge(struct nd_epprobe_plan *p, const enum nd_fan_result *res)
{
	struct nd_report *r = nd_report_new();
	struct nd_epprobe_input in = {.plan = p, .probed_from = "node n1", .node = "n1",
				      .probe_ms = 2000, .concurrency = 8};

	for (size_t i = 0; i < p->n; i++)
		p->t[i].result = (uint8_t)res[i];
	nd_check_endpoint_probes(r, &in);
	return r;
}

static void classification(void **state)
{
	struct nd_model *m = model();
	struct nd_epprobe_plan p;
	struct nd_scope sc = {.ns = "shop", .service = "web"};
	struct nd_report *r;
	char *ev;

	(void)state;
	nd_epprobe_plan(m, &sc, &p);
	assert_int_equal(p.n, 3);   /* 10.244.1.5:8080, 10.244.1.6:8081, VIP 10.0.0.11:80 */

	/* all answer: both checks pass, no finding */
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_OK, ND_FAN_OK, ND_FAN_OK});
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(check_of(r, "endpoint-probe")->status, ND_CHECK_PASS);
	assert_int_equal(check_of(r, "cluster-ip-probe")->status, ND_CHECK_PASS);
	nd_report_free(r);

	/* one refuses, one is lost: one finding each, on the Service; the VIP's
	 * failure then proves nothing about kube-proxy */
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_REFUSED, ND_FAN_TIMEOUT, ND_FAN_TIMEOUT});
	assert_int_equal(count(r, "endpoint-not-listening"), 1);
	assert_int_equal(count(r, "endpoint-unreachable"), 1);
	assert_int_equal(count(r, "kube-proxy-rules-missing"), 0);
	assert_string_equal(r->findings[0]->subject.kind, "Service");
	assert_string_equal(r->findings[0]->subject.name, "web");
	ev = evidence(r, "endpoint-not-listening");
	assert_non_null(strstr(ev, "\"pod\": \"web-1\""));
	assert_non_null(strstr(ev, "\"ip\": \"10.244.1.5\""));
	assert_non_null(strstr(ev, "\"port\": 8080"));
	assert_non_null(strstr(ev, "\"result\": \"refused\""));
	assert_non_null(strstr(ev, "\"endpoints_probed\": 2"));
	assert_non_null(strstr(ev, "\"failing\": 1"));
	/* the first failing endpoint on top, then the list */
	assert_ptr_equal(strstr(ev, "\"pod\": \"web-1\""), strstr(ev, "\"pod\""));
	assert_true(strstr(ev, "\"pod\"") < strstr(ev, "\"endpoints\""));
	free(ev);
	ev = evidence(r, "endpoint-unreachable");
	assert_non_null(strstr(ev, "\"port\": 8081"));
	assert_non_null(strstr(ev, "\"result\": \"timeout\""));
	assert_non_null(strstr(ev, "\"timeout_ms\": 2000"));
	free(ev);
	nd_report_free(r);

	/* unreachable (ICMP) counts as lost too */
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_UNREACHABLE, ND_FAN_UNREACHABLE, ND_FAN_OK});
	assert_int_equal(count(r, "endpoint-unreachable"), 1);
	ev = evidence(r, "endpoint-unreachable");
	assert_non_null(strstr(ev, "\"failing\": 2"));
	free(ev);
	nd_report_free(r);

	/* the endpoints answer, the VIP does not: kube-proxy, from the probe */
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_OK, ND_FAN_OK, ND_FAN_TIMEOUT});
	assert_int_equal(r->nfindings, 1);
	assert_int_equal(count(r, "kube-proxy-rules-missing"), 1);
	assert_string_equal(r->findings[0]->check, "cluster-ip-probe");
	ev = evidence(r, "kube-proxy-rules-missing");
	assert_non_null(strstr(ev, "\"source\": \"probe\""));
	assert_non_null(strstr(ev, "\"cluster_ip\": \"10.0.0.11\""));
	assert_non_null(strstr(ev, "\"node\": \"n1\""));
	assert_non_null(strstr(ev, "\"10.244.1.5:8080\""));
	free(ev);
	assert_int_equal(check_of(r, "endpoint-probe")->status, ND_CHECK_PASS);
	nd_report_free(r);

	/* cut by the deadline, or a local failure: no verdict, the check errors */
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_CUT, ND_FAN_OK, ND_FAN_OK});
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(check_of(r, "endpoint-probe")->status, ND_CHECK_ERROR);
	assert_int_equal(check_of(r, "cluster-ip-probe")->status, ND_CHECK_PASS);
	assert_int_equal(nd_report_verdict(r), ND_VERDICT_INCOMPLETE);
	nd_report_free(r);
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_OK, ND_FAN_ERROR, ND_FAN_NOT_RUN});
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(check_of(r, "endpoint-probe")->status, ND_CHECK_ERROR);
	assert_int_equal(check_of(r, "cluster-ip-probe")->status, ND_CHECK_ERROR);
	nd_report_free(r);

	/* no route to anything from here (a workstation): no finding, and no pass */
	for (size_t k = 0; k < p.n; k++)
		p.t[k].err = ENETUNREACH;
	r = judge(&p, (enum nd_fan_result[]){ND_FAN_UNREACHABLE, ND_FAN_UNREACHABLE,
					     ND_FAN_UNREACHABLE});
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(check_of(r, "endpoint-probe")->status, ND_CHECK_ERROR);
	assert_int_equal(check_of(r, "cluster-ip-probe")->status, ND_CHECK_ERROR);
	nd_report_free(r);

	nd_epprobe_plan_release(&p);
	/* nothing to probe: both skip */
	sc.service = "ext";
	nd_epprobe_plan(m, &sc, &p);
	r = judge(&p, NULL);
	assert_int_equal(check_of(r, "endpoint-probe")->status, ND_CHECK_SKIP);
	assert_int_equal(check_of(r, "cluster-ip-probe")->status, ND_CHECK_SKIP);
	nd_report_free(r);
	nd_epprobe_plan_release(&p);
	nd_model_free(m);
}

static void target_port(void **state)
{
	struct nd_svcport num = {.port = 80, .target_num = 8080};
	struct nd_svcport dflt = {.port = 80};
	struct nd_svcport named = {.name = "http", .port = 80, .target_name = "web-http"};
	struct nd_epport eport = {.name = "http", .port = 9090};
	struct nd_epset es = {.nports = 1, .ports = &eport};

	(void)state;
	assert_int_equal(nd_svcport_target(&num, &es, NULL), 8080);
	assert_int_equal(nd_svcport_target(&dflt, &es, NULL), 80);
	/* no pod to resolve the name on: the slice's resolved port */
	assert_int_equal(nd_svcport_target(&named, &es, NULL), 9090);
	assert_int_equal(nd_svcport_target(&named, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan),
		cmocka_unit_test(classification),
		cmocka_unit_test(target_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
