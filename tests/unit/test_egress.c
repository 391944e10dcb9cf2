/* SPDX-License-Identifier: MIT */
/* AKS's outbound destinations: the built-in data, its expansion, --also, the HTTP head classifier. */
#include "aks/egress.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "aks/aks.h"
#include "core/arena.h"
#include "core/err.h"
#include "probe/probe.h"
#include "core/banned.h"

static struct nd_egress_data *builtin(void)
{
	struct nd_egress_data *d = NULL;
	struct nd_err e;

	if (nd_egress_data_parse(nd_egress_builtin, nd_egress_builtin_len, "builtin", &d, &e) < 0)
		print_message("%s\n", e.msg);
	return d;
}

static const struct nd_egress_dest *find(const struct nd_egress_list *l, const char *host,
					 unsigned port)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].host, host) == 0 && l->v[i].port == port)
			return &l->v[i];
	return NULL;
}

static size_t probed(const struct nd_egress_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += !l->v[i].skip;
	return n;
}

static void builtin_data_is_sound(void **state)
{
	struct nd_egress_data *d = builtin();

	(void)state;
	assert_non_null(d);
	assert_non_null(d->version);
	assert_non_null(d->date);
	assert_true(d->nsources >= 1);
	assert_non_null(strstr(d->sources[0], "outbound-rules-control-egress"));
	assert_true(d->nproxy > 3);
	assert_true(d->rules.n >= 30);
	for (size_t i = 0; i < d->rules.n; i++) {
		assert_non_null(d->rules.v[i].purpose);
		assert_non_null(d->rules.v[i].sets);
	}
	nd_egress_data_free(d);
}

/* No profile: the required set, <region> = default_region, the API server listed but skipped. */
static void expand_without_profile(void **state)
{
	struct nd_egress_data *d = builtin();
	struct nd_egress_env env = {0};
	struct nd_egress_list l = {0};
	const struct nd_egress_dest *x;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_egress_expand(d, &env, &l, &e), 0);
	assert_int_equal(probed(&l), 6);
	assert_non_null(find(&l, "mcr.microsoft.com", 443));
	assert_non_null(find(&l, "login.microsoftonline.com", 443));
	assert_non_null(find(&l, "acs-mirror.azureedge.net", 443));
	/* another name of the CDN storage: listed, probed only when asked for */
	x = find(&l, "mcr-0001.mcr-msedge.net", 443);
	assert_non_null(x);
	assert_non_null(x->skip);
	x = find(&l, "eastus.data.mcr.microsoft.com", 443);
	assert_non_null(x);
	assert_string_equal(x->rule, "*.data.mcr.microsoft.com");
	assert_int_equal(x->scheme, ND_EG_HTTPS);
	x = find(&l, "*.hcp.eastus.azmk8s.io", 443);
	assert_non_null(x);
	assert_non_null(x->skip);
	assert_null(find(&l, "nvidia.github.io", 443));   /* gpu: not without a GPU pool */
	nd_egress_list_release(&l);
	nd_egress_data_free(d);
}

static struct nd_aks_profile *profile(const char *json)
{
	struct nd_aks_profile *p = NULL;
	struct nd_err e;

	if (nd_aks_parse(json, strlen(json), "t.json", &p, &e) < 0)
		print_message("%s\n", e.msg);
	return p;
}

/* A profile: region and FQDN filled, features add their sets, ALPN on the API server. */
static void expand_with_profile(void **state)
{
	struct nd_aks_profile *p = profile(
		"{\"name\":\"c\",\"location\":\"WestEurope\",\"fqdn\":\"c-1.hcp.westeurope.azmk8s.io\","
		"\"agentPoolProfiles\":[{\"osType\":\"Linux\",\"vmSize\":\"Standard_NC6s_v3\"},"
		"{\"osType\":\"Windows\",\"vmSize\":\"Standard_D4s_v5\"}],"
		"\"addonProfiles\":{\"omsagent\":{\"enabled\":true},\"azurepolicy\":{\"enabled\":false}},"
		"\"apiServerAccessProfile\":{\"enablePrivateCluster\":false}}");
	struct nd_egress_data *d = builtin();
	struct nd_arena *a = nd_arena_new(1024);
	struct nd_egress_env env = {0};
	struct nd_egress_list l = {0};
	const struct nd_egress_dest *x;
	struct nd_err e;

	(void)state;
	assert_non_null(p);
	assert_true(p->gpu_pool);
	assert_true(p->windows_pool);
	nd_egress_env_from_profile(p, a, &env);
	assert_string_equal(env.features, "windows gpu monitoring");
	assert_int_equal(nd_egress_expand(d, &env, &l, &e), 0);
	x = find(&l, "c-1.hcp.westeurope.azmk8s.io", 443);
	assert_non_null(x);
	assert_null(x->skip);
	assert_int_equal(x->scheme, ND_EG_TLS);
	assert_string_equal(x->alpn, "h2,http/1.1");
	assert_string_equal(x->rule, "*.hcp.westeurope.azmk8s.io");
	assert_non_null(find(&l, "westeurope.data.mcr.microsoft.com", 443));   /* lower-cased */
	assert_non_null(find(&l, "nvidia.github.io", 443));
	assert_non_null(find(&l, "go.microsoft.com", 443));
	assert_non_null(find(&l, "westeurope.ingest.monitor.azure.com", 443));
	assert_null(find(&l, "data.policy.core.windows.net", 443));   /* the add-on is off */
	/* a wildcard with no one name to test is listed, not probed */
	x = find(&l, "*.ods.opinsights.azure.com", 443);
	assert_non_null(x);
	assert_non_null(x->skip);
	/* dc.services.visualstudio.com is in two sets; it is listed once */
	{
		size_t n = 0;

		for (size_t i = 0; i < l.n; i++)
			n += strcmp(l.v[i].host, "dc.services.visualstudio.com") == 0;
		assert_int_equal(n, 1);
	}
	nd_egress_list_release(&l);
	nd_egress_data_free(d);
	nd_aks_free(p);
	nd_arena_free(a);
}

static void expand_private_and_include(void **state)
{
	struct nd_egress_data *d = builtin();
	struct nd_egress_env env = {.fqdn = "x.hcp.eastus.azmk8s.io", .private_cluster = true,
				    .include = "tunnel,recommended,mcr-edge"};
	struct nd_egress_list l = {0};
	const struct nd_egress_dest *x;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_egress_expand(d, &env, &l, &e), 0);
	x = find(&l, "x.hcp.eastus.azmk8s.io", 443);
	assert_non_null(x);
	assert_string_equal(x->skip, "not needed: a private cluster");
	x = find(&l, "x.hcp.eastus.azmk8s.io", 9000);
	assert_non_null(x);
	assert_non_null(x->skip);
	x = find(&l, "security.ubuntu.com", 80);
	assert_non_null(x);
	assert_int_equal(x->scheme, ND_EG_HTTP);
	assert_null(x->skip);
	assert_null(find(&l, "mcr-0001.mcr-msedge.net", 443)->skip);   /* not with --include mcr-edge */
	nd_egress_list_release(&l);

	env.include = "gpu,nosuch";
	assert_int_equal(nd_egress_expand(d, &env, &l, &e), -1);
	assert_non_null(strstr(e.msg, "'nosuch'"));
	nd_egress_list_release(&l);
	nd_egress_data_free(d);
}

static void also_entries(void **state)
{
	static const struct {
		const char *arg;
		const char *host;
		unsigned port;
		enum nd_egress_scheme scheme;
	} good[] = {
		{"example.com:8443", "example.com", 8443, ND_EG_HTTPS},
		{"example.com", "example.com", 443, ND_EG_HTTPS},
		{"10.1.2.3:80", "10.1.2.3", 80, ND_EG_HTTP},
		{"[2001:db8::1]:5432", "2001:db8::1", 5432, ND_EG_TCP},
		{"tls://db.internal:5432", "db.internal", 5432, ND_EG_TLS},
		{"http://proxy.lab", "proxy.lab", 80, ND_EG_HTTP},
		{"tcp://example.org:443", "example.org", 443, ND_EG_TCP},
	};
	static const char *const bad[] = {
		"x:y", "x:0", "x:65536", "2001:db8::1", "[2001:db8::1", "ftp://x:21",
		"*.example.com:443", "https://x/path", ":443", "",
	};
	struct nd_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct nd_egress_list l = {0};

		if (nd_egress_also_parse(good[i].arg, &l, &e) < 0)
			fail_msg("'%s': %s", good[i].arg, e.msg);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.v[0].host, good[i].host);
		assert_int_equal(l.v[0].port, good[i].port);
		assert_int_equal(l.v[0].scheme, good[i].scheme);
		assert_true(l.v[0].also);
		nd_egress_list_release(&l);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nd_egress_list l = {0};

		if (nd_egress_also_parse(bad[i], &l, &e) == 0)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(e.msg, "--also"));
		nd_egress_list_release(&l);
	}
	{
		struct nd_egress_list l = {0};

		assert_int_equal(nd_egress_also_parse("a.lab:1, b.lab:2,a.lab:1", &l, &e), 0);
		assert_int_equal(l.n, 2);   /* the repeat is dropped */
		nd_egress_list_release(&l);
	}
}

static void bad_data(void **state)
{
	static const struct {
		const char *json;
		const char *msg;
	} cases[] = {
		{"[]", "not an object"},
		{"{\"schema\":\"x\"}", "schema"},
		{"{\"schema\":\"netdiag/aks-egress/v1\",\"version\":\"1\",\"date\":\"d\"}", "destinations"},
		{"{\"schema\":\"netdiag/aks-egress/v1\",\"version\":\"1\",\"date\":\"d\",\"destinations\":"
		 "[{\"rule\":\"a\",\"port\":0,\"protocol\":\"tcp\",\"scheme\":\"tcp\",\"kind\":\"network\","
		 "\"set\":\"required\",\"purpose\":\"p\"}]}", "destination 0 ('a'): \"port\""},
		{"{\"schema\":\"netdiag/aks-egress/v1\",\"version\":\"1\",\"date\":\"d\",\"destinations\":"
		 "[{\"rule\":\"a\",\"port\":1,\"protocol\":\"udp\",\"scheme\":\"tcp\",\"kind\":\"network\","
		 "\"set\":\"required\",\"purpose\":\"p\"}]}", "does not go with"},
		{"{\"schema\":\"netdiag/aks-egress/v1\",\"version\":\"1\",\"date\":\"d\",\"destinations\":"
		 "[{\"rule\":\"a b\",\"port\":1,\"protocol\":\"tcp\",\"scheme\":\"tcp\",\"kind\":\"network\","
		 "\"set\":\"required\",\"purpose\":\"p\"}]}", "not a host name"},
		{"{\"schema\":\"netdiag/aks-egress/v1\",\"version\":\"1\",\"date\":\"d\",\"destinations\":"
		 "[{\"rule\":\"a\",\"port\":1,\"protocol\":\"tcp\",\"scheme\":\"tcp\",\"kind\":\"network\","
		 "\"set\":\"Required!\",\"purpose\":\"p\"}]}", "words of"},
		{"{\"schema\":", "byte"},
	};
	struct nd_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nd_egress_data *d = NULL;

		assert_int_equal(nd_egress_data_parse(cases[i].json, strlen(cases[i].json), "x.json",
						      &d, &e), -1);
		assert_null(d);
		if (!strstr(e.msg, cases[i].msg) || !strstr(e.msg, "x.json"))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, cases[i].msg);
	}
}

static void proxy_issuers(void **state)
{
	struct nd_egress_data *d = builtin();

	(void)state;
	assert_true(nd_egress_issuer_is_proxy(d, "/C=US/O=Zscaler Inc./CN=Zscaler Intermediate Root CA"));
	assert_true(nd_egress_issuer_is_proxy(d, "/O=Contoso/CN=Contoso Egress Proxy Inspection CA"));
	assert_false(nd_egress_issuer_is_proxy(d, "/C=US/O=Microsoft Corporation/CN=Microsoft Azure RSA TLS Issuing CA 04"));
	assert_false(nd_egress_issuer_is_proxy(d, "/C=US/O=DigiCert Inc/CN=DigiCert Global Root G2"));
	assert_false(nd_egress_issuer_is_proxy(d, NULL));
	nd_egress_data_free(d);
}

static void regions_of_names(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(nd_egress_region_of("aks-1-abc.hcp.westeurope.azmk8s.io", b, sizeof(b)),
			    "westeurope");
	assert_string_equal(nd_egress_region_of("x.9a8b-11.privatelink.eastus2.azmk8s.io", b, sizeof(b)),
			    "eastus2");
	assert_null(nd_egress_region_of("10.0.0.1", b, sizeof(b)));
	assert_null(nd_egress_region_of("x.hcp.westeurope.azmk8s.io.evil.example", b, sizeof(b)));
	assert_null(nd_egress_region_of("x.hcp..azmk8s.io", b, sizeof(b)));
	assert_null(nd_egress_region_of(NULL, b, sizeof(b)));
}

static void http_heads(void **state)
{
	static const struct {
		const char *head;
		enum nd_stage_status st;
		long status;
		const char *error;
	} cases[] = {
		{"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", ND_STAGE_PASS, 200, ""},
		{"HTTP/1.1 404 Not Found\r\n\r\n", ND_STAGE_PASS, 404, ""},
		{"HTTP/1.1 400 Bad Request\r\n\r\n", ND_STAGE_PASS, 400, ""},
		{"HTTP/1.1 470 status code 470\r\n\r\nAction: Deny. Reason: No rule matched.", ND_STAGE_FAIL, 470, "http-470"},
		{"HTTP/1.1 403 Forbidden\r\n\r\nAction: Deny. Reason: policy", ND_STAGE_FAIL, 403, "firewall-deny"},
		{"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", ND_STAGE_FAIL, 407, "http-407"},
		{"SSH-2.0-OpenSSH_9.2\r\n", ND_STAGE_PASS, 0, ""},
		{"HTTP/1.1 2", ND_STAGE_PASS, 0, ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nd_http1_result r = {0};

		nd_http1_classify(cases[i].head, strlen(cases[i].head), &r);
		assert_int_equal(r.status, cases[i].st);
		assert_int_equal(r.http, cases[i].status);
		assert_string_equal(r.error, cases[i].error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_data_is_sound),
		cmocka_unit_test(expand_without_profile),
		cmocka_unit_test(expand_with_profile),
		cmocka_unit_test(expand_private_and_include),
		cmocka_unit_test(also_entries),
		cmocka_unit_test(bad_data),
		cmocka_unit_test(proxy_issuers),
		cmocka_unit_test(regions_of_names),
		cmocka_unit_test(http_heads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
