/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for `can-reach`'s arguments, as cmd_canreach.c takes
 * them: the input is "SRC DST[:PORT[/PROTO]]" (one space apart; a third
 * word is --port's value). SRC and DST go through nd_np_ep_parse() against
 * a small model (pods with named containerPorts, a Service with named
 * ports, its EndpointSlice, a NetworkPolicy), "svc:NS/NAME[:PORT]" through
 * nd_np_split_dst() and the Service's port names, a named port through
 * nd_np_named_port(), then nd_np_port_parse(); a flow that parses is
 * evaluated. Every string handed back is walked so a bad pointer shows.
 */
#include "policy/netpol_report.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/model.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const objects[] = {
	"{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-7d4b9c-x2x9z\","
	"\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":"
	"\"aks-nodepool1-12345678-vmss000000\",\"containers\":[{\"name\":\"web\",\"image\":"
	"\"nginx:1.27\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"},"
	"{\"name\":\"metrics\",\"containerPort\":9090}]}]},\"status\":{\"phase\":\"Running\","
	"\"podIP\":\"10.244.0.12\",\"podIPs\":[{\"ip\":\"10.244.0.12\"}],\"conditions\":[{\"type\":"
	"\"Ready\",\"status\":\"True\"}]}}",
	"{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"client\",\"namespace\":"
	"\"default\",\"labels\":{\"run\":\"client\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
	"\"image\":\"busybox\"}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.1.7\","
	"\"podIPs\":[{\"ip\":\"10.244.1.7\"},{\"ip\":\"fd00:10:244:1::7\"}]}}",
	"{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\",\"namespace\":"
	"\"shop\"},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.0.12.34\",\"selector\":"
	"{\"app\":\"web\"},\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":\"http\","
	"\"protocol\":\"TCP\"},{\"name\":\"dns\",\"port\":53,\"targetPort\":5353,\"protocol\":"
	"\"UDP\"}]}}",
	"{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{\"name\":"
	"\"web-abcde\",\"namespace\":\"shop\",\"labels\":{\"kubernetes.io/service-name\":\"web\"}},"
	"\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.244.0.12\"],\"conditions\":"
	"{\"ready\":true},\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-7d4b9c-x2x9z\","
	"\"namespace\":\"shop\"}}],\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"},"
	"{\"name\":\"dns\",\"port\":5353,\"protocol\":\"UDP\"}]}",
	"{\"kind\":\"NetworkPolicy\",\"apiVersion\":\"networking.k8s.io/v1\",\"metadata\":{\"name\":"
	"\"web-allow-http\",\"namespace\":\"shop\"},\"spec\":{\"podSelector\":{\"matchLabels\":"
	"{\"app\":\"web\"}},\"policyTypes\":[\"Ingress\"],\"ingress\":[{\"from\":[{"
	"\"namespaceSelector\":{}}],\"ports\":[{\"port\":\"http\",\"protocol\":\"TCP\"}]}]}}",
};

static struct nd_model *model;
static struct nd_np_engine *engine;

/* On the first input: the replay driver of make check calls no LLVMFuzzerInitialize. */
static void setup(void)
{
	struct nd_arena *a;

	if (model)
		return;
	a = nd_arena_new(0);
	model = nd_model_new();
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		struct nd_json root;
		struct nd_err e;

		if (nd_json_parse(objects[i], strlen(objects[i]), 0, a, &root, &e) < 0 ||
		    nd_model_add_object(model, &root, NULL, &e) < 0)
			abort();
	}
	nd_model_finish(model);
	engine = nd_np_engine_new(model);
	nd_arena_free(a);
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

/* The port text q as cmd_canreach.c reads it for dst (a pod, or svc's endpoints). */
static int port_of(struct nd_report *r, const char *text, const struct nd_pod *pod,
		   const struct nd_service *svc, struct nd_np_port *q)
{
	const char *names, *num = nd_np_named_port(r, text, pod, svc, &names);
	struct nd_err e;

	if (!num) {
		(void)touch(names);
		return -1;
	}
	if (nd_np_port_parse(num, q, &e) < 0) {
		(void)touch(e.msg);
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_report *r;
	char *s, *words[3] = {NULL, NULL, NULL}, *save = NULL, buf[512];
	struct nd_np_ep src, dst;
	struct nd_np_port q;
	struct nd_np_verdict v;
	struct nd_err e;
	const char *dstarg, *port = "";
	int n = 0;

	setup();
	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	for (char *w = strtok_r(s, " ", &save); w && n < 3; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	if (n < 2 || nd_np_ep_parse(engine, words[0], "default", &src, &e) < 0)
		goto out;
	r = nd_report_new();
	if (strncmp(words[1], "svc:", 4) == 0) {
		dstarg = nd_np_split_dst(words[1] + 4, buf, sizeof(buf), &port);
		if (dstarg) {
			const char *slash = strchr(dstarg, '/');
			char ns[256];
			const struct nd_service *svc;

			if (strlen(buf) >= sizeof(buf))
				__builtin_trap();
			if (!slash || (size_t)(slash - dstarg) >= sizeof(ns)) {
				memcpy(ns, "default", sizeof("default"));
				slash = dstarg - 1;
			} else {
				memcpy(ns, dstarg, (size_t)(slash - dstarg));
				ns[slash - dstarg] = '\0';
			}
			svc = nd_model_service(model, ns, slash + 1);
			if (words[2] && !*port)
				port = words[2];
			if (svc && port_of(r, port, NULL, svc, &q) == 0)
				(void)touch(nd_np_query_words(r, &src, &src, &q));
		}
	} else {
		dstarg = nd_np_split_dst(words[1], buf, sizeof(buf), &port);
		if (words[2] && !*port)
			port = words[2];
		if (dstarg && strlen(buf) >= sizeof(buf))
			__builtin_trap();
		if (dstarg && nd_np_ep_parse(engine, dstarg, "default", &dst, &e) == 0 &&
		    port_of(r, port, dst.pod, NULL, &q) == 0) {
			nd_np_evaluate(engine, &src, &dst, &q, r->arena, &v);
			(void)touch(nd_np_query_words(r, &src, &dst, &q));
			nd_np_verdict_val(r, engine, &src, &dst, &q, &v);
		}
	}
	nd_report_free(r);
out:
	free(s);
	return 0;
}
