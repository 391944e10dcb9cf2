/* SPDX-License-Identifier: MIT */
/*
 * S4 in a pod, without a network: how a probe result is classified (stage
 * and error of incluster-apiserver-unreachable), how DNS answers are
 * classified, and the resolv.conf parser with its ndots expansion count.
 */
#include "checks/incluster.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "findings/finding.h"
#include "k8s/model.h"
#include "node/resolvconf.h"
#include "core/banned.h"

/* A probe that got as far as the HTTP answer with the given auth status and object. */
static void reached(struct nd_probe_result *p, long http, const char *kind)
{
	memset(p, 0, sizeof(*p));
	p->https = true;
	p->dns.status = ND_STAGE_PASS;
	p->tcp_status = ND_STAGE_PASS;
	p->ntcp = 1;
	p->tcp[0].state = ND_TCP_OK;
	p->tls.status = ND_STAGE_PASS;
	p->version.status = ND_STAGE_PASS;
	p->version.http = 200;
	p->readyz.status = ND_STAGE_PASS;
	p->auth.status = http >= 200 && http < 300 ? ND_STAGE_PASS : ND_STAGE_FAIL;
	p->auth.http = http;
	snprintf(p->auth_object, sizeof(p->auth_object), "%s", kind);
}

static void classify(void **st)
{
	struct nd_probe_result p;
	const char *err, *stage;
	char buf[32];

	(void)st;
	reached(&p, 200, "PodList");
	assert_null(nd_ic_classify(&p, &err, buf, sizeof(buf)));
	assert_null(err);
	/* a 2xx that is not a PodList is not healthy */
	reached(&p, 200, "Status");
	stage = nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(stage, "http");
	assert_string_equal(err, "http-200");
	reached(&p, 401, "");
	assert_string_equal(nd_ic_classify(&p, &err, buf, sizeof(buf)), "http");
	assert_string_equal(err, "http-401");
	reached(&p, 403, "");
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "http-403");
	/* /version itself failing: its status, or its transport failure */
	reached(&p, 200, "PodList");
	p.version.status = ND_STAGE_FAIL;
	p.version.http = 404;
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "http-404");
	p.version.http = 0;
	snprintf(p.version.fail, sizeof(p.version.fail), "timeout");
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "timeout");
	snprintf(p.version.fail, sizeof(p.version.fail), "truncated");
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "reset");
	/* TLS */
	reached(&p, 200, "PodList");
	p.tls.status = ND_STAGE_FAIL;
	p.tls.reason = ND_TLS_UNKNOWN_AUTHORITY;
	assert_string_equal(nd_ic_classify(&p, &err, buf, sizeof(buf)), "tls");
	assert_string_equal(err, "tls");
	p.tls.reason = ND_TLS_TIMEOUT;
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "timeout");
	/* TCP: refused wins over timeout; unreachable alone is unreachable */
	reached(&p, 200, "PodList");
	p.tcp_status = ND_STAGE_FAIL;
	p.ntcp = 2;
	p.tcp[0].state = ND_TCP_TIMEOUT;
	p.tcp[1].state = ND_TCP_REFUSED;
	assert_string_equal(nd_ic_classify(&p, &err, buf, sizeof(buf)), "tcp");
	assert_string_equal(err, "refused");
	p.tcp[1].state = ND_TCP_TIMEOUT;
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "timeout");
	p.ntcp = 1;
	p.tcp[0].state = ND_TCP_UNREACHABLE;
	nd_ic_classify(&p, &err, buf, sizeof(buf));
	assert_string_equal(err, "unreachable");
	/* DNS comes first */
	p.dns.status = ND_STAGE_FAIL;
	assert_string_equal(nd_ic_classify(&p, &err, buf, sizeof(buf)), "dns");
	assert_string_equal(err, "dns");
}

static void dns_class(void **st)
{
	struct nd_dns_ask a = {0};

	(void)st;
	assert_string_equal(nd_ic_dns_class(&a), "timeout");
	a.answered = true;
	a.error = ND_DNS_OK;
	a.ms = 12;
	assert_string_equal(nd_ic_dns_class(&a), "ok");
	a.ms = ND_DNS_SLOW_MS;
	assert_string_equal(nd_ic_dns_class(&a), "slow");
	a.error = ND_DNS_NXDOMAIN;
	assert_string_equal(nd_ic_dns_class(&a), "NXDOMAIN");
	a.error = ND_DNS_SERVFAIL;
	assert_string_equal(nd_ic_dns_class(&a), "SERVFAIL");
	assert_string_equal(nd_ic_via_name(ND_VIA_ENDPOINT), "endpoint");
	assert_string_equal(nd_ic_dns_role_name(ND_DNS_ROLE_POD), "coredns-pod");
}

static void resolv(void **st)
{
	static const char pod[] =
		"# a pod's resolv.conf\n"
		"search shop.svc.cluster.local svc.cluster.local cluster.local\n"
		"nameserver 10.0.0.10\n"
		"options ndots:5 timeout:2 attempts:3\n";
	static const char odd[] =
		"domain example.internal\n"
		"nameserver fe80::1%eth0\r\n"
		"nameserver 168.63.129.16 ; Azure DNS\n"
		"  nameserver\t10.1.0.4\n"
		"nameserver 10.1.0.5\n"
		"nameserver not-an-ip\n"
		"options ndots:99 attempts:x rotate\n"
		"sortlist 10.0.0.0/8\n";
	struct nd_arena *a = nd_arena_new(0);
	struct nd_resolv rc;

	(void)st;
	nd_resolv_parse(pod, strlen(pod), a, &rc);
	assert_int_equal(rc.nns, 1);
	assert_string_equal(rc.ns[0], "10.0.0.10");
	assert_int_equal(rc.nsearch, 3);
	assert_string_equal(rc.search[1], "svc.cluster.local");
	assert_int_equal(rc.ndots, 5);
	assert_int_equal(rc.timeout, 2);
	assert_int_equal(rc.attempts, 3);
	assert_int_equal(rc.bad, 0);
	assert_string_equal(nd_resolv_cluster_domain(&rc), "cluster.local");
	/* ndots 5: names with fewer dots go through the 3 search domains first */
	assert_int_equal(nd_resolv_expansions(&rc, "mcr.microsoft.com"), 3);
	assert_int_equal(nd_resolv_expansions(&rc, "kubernetes.default.svc.cluster.local"), 3);
	assert_int_equal(nd_resolv_expansions(&rc, "mcr.microsoft.com."), 0);
	assert_int_equal(nd_resolv_expansions(&rc, "a.b.c.d.e.f"), 0);
	assert_int_equal(nd_resolv_expansions(&rc, ""), 0);

	nd_resolv_parse(odd, strlen(odd), a, &rc);
	assert_int_equal(rc.nns, 3);               /* glibc keeps three */
	assert_string_equal(rc.ns[0], "fe80::1");
	assert_string_equal(rc.ns[1], "168.63.129.16");
	assert_string_equal(rc.ns[2], "10.1.0.4");
	assert_int_equal(rc.ns_dropped, 1);
	assert_int_equal(rc.nsearch, 1);
	assert_string_equal(rc.search[0], "example.internal");
	assert_null(nd_resolv_cluster_domain(&rc));
	assert_int_equal(rc.ndots, 15);            /* capped */
	assert_int_equal(rc.attempts, 2);          /* bad value: the default stays */
	assert_int_equal(rc.bad, 2);               /* not-an-ip, attempts:x */
	assert_int_equal(rc.bad_line, 6);
	assert_int_equal(nd_resolv_expansions(&rc, "host"), 1);

	nd_resolv_parse("", 0, a, &rc);
	assert_int_equal(rc.nns, 0);
	assert_int_equal(rc.ndots, 1);
	nd_resolv_parse("nameserver", 10, a, &rc);
	assert_int_equal(rc.bad, 1);
	/* a NUL inside a word: not understood, never a truncated name (found by fuzz_resolvconf) */
	nd_resolv_parse("search a\0b c\nnameserver 10.0.0.1\0x\n", 35, a, &rc);
	assert_int_equal(rc.nsearch, 1);
	assert_string_equal(rc.search[0], "c");
	assert_int_equal(rc.nns, 0);
	assert_int_equal(rc.bad, 2);
	nd_arena_free(a);
}

static const struct nd_finding *only(const struct nd_report *r, const char *code)
{
	const struct nd_finding *f = NULL;

	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i]->code, code) == 0) {
			assert_null(f);
			f = r->findings[i];
		}
	return f;
}

static const char *ev_str(const struct nd_finding *f, const char *key)
{
	for (const struct nd_val *v = f->evidence->first; v; v = v->next)
		if (v->key && strcmp(v->key, key) == 0)
			return v->u.s;
	return NULL;
}

static enum nd_check_status status_of(const struct nd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return r->checks[i].status;
	fail_msg("no check %s", id);
	return ND_CHECK_ERROR;
}

/* The VIP times out, the endpoint answers: the Service path is broken, said once. */
static void vip_broken(void **st)
{
	struct nd_model *m = nd_model_new();
	struct nd_report *r = nd_report_new();
	struct nd_probe_result svc, ep;
	struct nd_ic_path eps[1] = {{.via = ND_VIA_ENDPOINT, .target = "https://10.10.0.10:443",
				     .probe = &ep}};
	struct nd_incluster_input in = {
		.pod_ns = "lab", .pod_name = "p", .host = "10.96.0.1", .port = "443",
		.service = {.via = ND_VIA_SERVICE, .target = "https://10.96.0.1:443", .probe = &svc},
		.fqdn = {.via = ND_VIA_FQDN, .skip = "unknown"},
		.endpoints = eps, .nendpoints = 1, .sar_allowed = -1,
		.dns_skip = "none", .dns_name = "kubernetes.default.svc.cluster.local",
	};
	const struct nd_finding *f;

	(void)st;
	nd_model_finish(m);
	reached(&svc, 200, "PodList");
	svc.tcp_status = ND_STAGE_FAIL;
	svc.tcp[0].state = ND_TCP_TIMEOUT;
	reached(&ep, 200, "PodList");
	nd_check_incluster(r, m, &in);
	f = only(r, "incluster-apiserver-unreachable");
	assert_non_null(f);
	assert_string_equal(f->subject.kind, "Pod");
	assert_string_equal(f->subject.name, "p");
	assert_string_equal(ev_str(f, "via"), "service");
	assert_string_equal(ev_str(f, "stage"), "tcp");
	assert_string_equal(ev_str(f, "error"), "timeout");
	assert_string_equal(ev_str(f, "answered_via"), "https://10.10.0.10:443");
	assert_non_null(strstr(f->summary, "kube-proxy"));
	assert_int_equal(status_of(r, "incluster-service"), ND_CHECK_FAIL);
	assert_int_equal(status_of(r, "incluster-endpoints"), ND_CHECK_PASS);
	assert_int_equal(status_of(r, "incluster-fqdn"), ND_CHECK_SKIP);
	assert_int_equal(status_of(r, "incluster-rbac"), ND_CHECK_SKIP);
	nd_report_free(r);

	/* a 403 is not unreachable: the path passes and incluster-rbac answers */
	r = nd_report_new();
	reached(&svc, 403, "");
	snprintf(svc.status_message, sizeof(svc.status_message), "pods is forbidden: User "
		 "\"system:serviceaccount:lab:p\" cannot list resource \"pods\" in API group \"\" "
		 "in the namespace \"default\"");
	nd_check_incluster(r, m, &in);
	assert_null(only(r, "incluster-apiserver-unreachable"));
	f = only(r, "incluster-forbidden");
	assert_non_null(f);
	assert_string_equal(f->subject.kind, "ServiceAccount");
	assert_string_equal(ev_str(f, "user"), "system:serviceaccount:lab:p");
	assert_string_equal(ev_str(f, "namespace"), "default");
	assert_non_null(strstr(ev_str(f, "fix"), "kind: RoleBinding"));
	assert_int_equal(status_of(r, "incluster-service"), ND_CHECK_PASS);
	nd_report_free(r);
	nd_model_free(m);
}

/* A private FQDN unknown to the custom forwarder: the forwarder is named, not kube-dns. */
static void private_dns(void **st)
{
	struct nd_model *m = nd_model_new();
	struct nd_report *r = nd_report_new();
	struct nd_ic_dns dns[3] = {
		{.role = ND_DNS_ROLE_SERVICE, .private_fqdn = true,
		 .ask = {.name = "x.privatelink.westeurope.azmk8s.io", .server = "10.0.0.10:53",
			 .answered = true, .error = ND_DNS_NXDOMAIN, .ms = 3}},
		{.role = ND_DNS_ROLE_UPSTREAM, .private_fqdn = true,
		 .ask = {.name = "x.privatelink.westeurope.azmk8s.io", .server = "10.1.0.4:53",
			 .answered = true, .error = ND_DNS_NXDOMAIN, .ms = 2}},
		{.role = ND_DNS_ROLE_SERVICE,
		 .ask = {.name = "kubernetes.default.svc.cluster.local", .server = "10.0.0.10:53",
			 .answered = true, .error = ND_DNS_OK, .naddrs = 1, .addrs = {"10.0.0.1"}, .ms = 1}},
	};
	struct nd_incluster_input in = {
		.pod_ns = "lab", .pod_name = "p", .cluster = "aks-1",
		.service = {.via = ND_VIA_SERVICE, .skip = "-"}, .fqdn = {.via = ND_VIA_FQDN, .skip = "-"},
		.endpoints_skip = "-", .sar_allowed = -1, .dns = dns, .ndns = 3,
		.dns_name = "kubernetes.default.svc.cluster.local", .dns_expect = "10.0.0.1",
		.private_fqdn = "x.privatelink.westeurope.azmk8s.io", .private_dns_zone = "system",
	};
	const struct nd_finding *f;

	(void)st;
	nd_model_finish(m);
	nd_check_incluster(r, m, &in);
	assert_null(only(r, "incluster-dns-failure"));
	f = only(r, "private-dns-unresolvable");
	assert_non_null(f);
	assert_string_equal(f->subject.name, "aks-1");
	assert_string_equal(ev_str(f, "server"), "10.1.0.4:53");
	assert_string_equal(ev_str(f, "result"), "NXDOMAIN");
	assert_int_equal(status_of(r, "incluster-dns"), ND_CHECK_PASS);
	nd_report_free(r);

	/* the cluster's name answered with another address is a failure too */
	r = nd_report_new();
	snprintf(dns[2].ask.addrs[0], sizeof(dns[2].ask.addrs[0]), "10.0.0.99");
	in.private_fqdn = NULL;
	nd_check_incluster(r, m, &in);
	f = only(r, "incluster-dns-failure");
	assert_non_null(f);
	assert_string_equal(ev_str(f, "result"), "ok");
	assert_string_equal(ev_str(f, "expected"), "10.0.0.1");
	assert_int_equal(status_of(r, "incluster-private-dns"), ND_CHECK_SKIP);
	nd_report_free(r);
	nd_model_free(m);
}

/* Questions to a closed port on loopback: no answer, each a timeout of its own. */
static void ask_closed(void **st)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char server[32];
	struct nd_dns_ask q[2] = {{.name = "kubernetes.default.svc.cluster.local"},
				  {.name = "x.example"}};
	struct nd_err e;

	(void)st;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);   /* the port is free now: nothing answers there */
	snprintf(server, sizeof(server), "127.0.0.1:%u", ntohs(sa.sin_port));
	q[0].server = server;
	q[1].server = server;
	assert_int_equal(nd_dns_ask_all(q, 2, 500, &e), 0);
	for (int i = 0; i < 2; i++) {
		assert_false(q[i].answered);
		assert_int_equal(q[i].error, ND_DNS_TIMEOUT);
		assert_string_equal(nd_ic_dns_class(&q[i]), "timeout");
	}
	/* a server that is not an address is an error naming it */
	q[0].server = "dns.example";
	assert_int_equal(nd_dns_ask_all(q, 1, 100, &e), -1);
	assert_non_null(strstr(e.msg, "dns.example"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify),
		cmocka_unit_test(dns_class),
		cmocka_unit_test(resolv),
		cmocka_unit_test(vip_broken),
		cmocka_unit_test(private_dns),
		cmocka_unit_test(ask_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
