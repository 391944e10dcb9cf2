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

#include "core/arena.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify),
		cmocka_unit_test(dns_class),
		cmocka_unit_test(resolv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
