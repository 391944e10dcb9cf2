/* SPDX-License-Identifier: MIT */
/* kube-proxy chain names: the facts file's test vectors (§6.2, §6.6). */
#include "node/kpchains.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_svc_vectors(void **state)
{
	static const struct {
		const char *ns, *svc, *port, *proto, *want;
	} cases[] = {
		{"default", "kubernetes", "https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"},
		{"kube-system", "kube-dns", "dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"},
		{"kube-system", "kube-dns", "dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"},
		{"default", "web", "http", "tcp", "KUBE-SVC-CDGGSHYLG3RE2FKL"},
		{"default", "web", NULL, "tcp", "KUBE-SVC-LOLE4ISW44XBNF3G"},
		{"default", "web", "", "tcp", "KUBE-SVC-LOLE4ISW44XBNF3G"},
	};
	char spn[256], out[ND_KP_CHAIN_MAX];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		nd_kp_port_name(cases[i].ns, cases[i].svc, cases[i].port, spn, sizeof(spn));
		nd_kp_svc_chain("KUBE-SVC-", spn, cases[i].proto, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	nd_kp_svc_chain("KUBE-SVL-", "default/web:http", "tcp", out, sizeof(out));
	assert_string_equal(out, "KUBE-SVL-CDGGSHYLG3RE2FKL");
}

static void test_sep_vectors(void **state)
{
	char ep[64], out[ND_KP_CHAIN_MAX];

	(void)state;
	nd_kp_join_host_port("10.244.1.5", 8080, ep, sizeof(ep));
	assert_string_equal(ep, "10.244.1.5:8080");
	nd_kp_sep_chain("default/web:http", "tcp", ep, out, sizeof(out));
	assert_string_equal(out, "KUBE-SEP-AFGSLHOD2HFNCBX4");
	nd_kp_sep_chain("default/web:http", "tcp", "10.244.2.7:8080", out, sizeof(out));
	assert_string_equal(out, "KUBE-SEP-2RIJ5GIYXEFH6G4D");
	nd_kp_join_host_port("fd00::5", 8080, ep, sizeof(ep));
	assert_string_equal(ep, "[fd00::5]:8080");
}

static void test_nft_vectors(void **state)
{
	char out[ND_KP_CHAIN_MAX];

	(void)state;
	nd_kp_nft_service_chain("service", "default", "web", "tcp", "http", out, sizeof(out));
	assert_string_equal(out, "service-SUSTUHLJ-default/web/tcp/http");
	nd_kp_nft_service_chain("service", "kube-system", "kube-dns", "udp", "dns", out,
				sizeof(out));
	assert_string_equal(out, "service-FY5PMXPG-kube-system/kube-dns/udp/dns");
	nd_kp_nft_endpoint_chain("default", "web", "tcp", "http", "10.244.1.5", 8080, out,
				 sizeof(out));
	assert_string_equal(out, "endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080");
	nd_kp_nft_endpoint_chain("default", "web", "tcp", "http", "fd00::5", 80, out, sizeof(out));
	assert_true(strstr(out, "__fd00..5/80") != NULL);
}

static void test_hash_edges(void **state)
{
	char h[53];

	(void)state;
	/* SHA-256("") starts e3b0c442...: base32 of 0xe3 0xb0 0xc4 0x42 = 4OYMIQ */
	nd_kp_hash("", 6, h);
	assert_string_equal(h, "4OYMIQ");
	nd_kp_hash("x", 60, h);       /* clamped to 52 characters */
	assert_int_equal(strlen(h), 52);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svc_vectors),
		cmocka_unit_test(test_sep_vectors),
		cmocka_unit_test(test_nft_vectors),
		cmocka_unit_test(test_hash_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
