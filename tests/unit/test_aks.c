/* SPDX-License-Identifier: MIT */
/* The AKS profile (both spellings, ARM form) and the authorized-range logic. */
#include "aks/aks.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct nd_aks_profile *parse(const char *json)
{
	struct nd_aks_profile *p = NULL;
	struct nd_err e;

	if (nd_aks_parse(json, strlen(json), "t.json", &p, &e) < 0) {
		print_message("%s\n", e.msg);
		return NULL;
	}
	return p;
}

static void cli_spelling(void **state)
{
	struct nd_aks_profile *p = parse(
		"{\"name\":\"aks-prod\",\"resourceGroup\":\"rg\",\"fqdn\":\"x.hcp.westeurope.azmk8s.io\","
		"\"privateFqdn\":null,\"powerState\":{\"code\":\"Stopped\"},"
		"\"apiServerAccessProfile\":{\"authorizedIpRanges\":[\" 203.0.113.0/24 \",\"198.51.100.7/32\"],"
		"\"enablePrivateCluster\":false,\"enablePrivateClusterPublicFqdn\":null,"
		"\"privateDnsZone\":null,\"disableRunCommand\":true}}");

	(void)state;
	assert_non_null(p);
	assert_string_equal(p->name, "aks-prod");
	assert_string_equal(p->resource_group, "rg");
	assert_string_equal(p->power_state, "Stopped");
	assert_int_equal(p->nranges, 2);
	assert_string_equal(p->ranges[0], "203.0.113.0/24");   /* white space stripped */
	assert_int_equal(p->private_cluster, 0);
	assert_int_equal(p->public_fqdn, -1);
	assert_int_equal(p->disable_run_command, 1);
	assert_null(p->private_fqdn);
	nd_aks_free(p);
}

static void arm_spelling(void **state)
{
	struct nd_aks_profile *p = parse(
		"{\"id\":\"/subscriptions/s/resourceGroups/rg-sec/providers/Microsoft.ContainerService/managedClusters/aks-sec\","
		"\"name\":\"aks-sec\",\"properties\":{\"privateFQDN\":\"a.b.privatelink.swedencentral.azmk8s.io\","
		"\"apiServerAccessProfile\":{\"authorizedIPRanges\":[\"10.0.0.0/8\"],\"enablePrivateCluster\":true,"
		"\"enablePrivateClusterPublicFQDN\":true,\"privateDNSZone\":\"system\"}}}");

	(void)state;
	assert_non_null(p);
	assert_string_equal(p->resource_group, "rg-sec");
	assert_string_equal(p->private_fqdn, "a.b.privatelink.swedencentral.azmk8s.io");
	assert_int_equal(p->private_cluster, 1);
	assert_int_equal(p->public_fqdn, 1);
	assert_string_equal(p->private_dns_zone, "system");
	assert_int_equal(p->nranges, 1);
	nd_aks_free(p);
}

static void null_profile_and_errors(void **state)
{
	struct nd_aks_profile *p = parse("{\"name\":\"a\",\"fqdn\":\"f\",\"apiServerAccessProfile\":null}");
	struct nd_err e;
	static const char *bad[] = {
		"[1]", "{\"name\":\"x\"}", "{\"fqdn\":\"f\",\"apiServerAccessProfile\":5}",
		"{\"fqdn\":\"f\",\"apiServerAccessProfile\":{\"authorizedIpRanges\":\"1.2.3.4/32\"}}",
		"{\"fqdn\":\"f\",\"apiServerAccessProfile\":{\"authorizedIpRanges\":[1]}}",
		"{\"fqdn\":", "",
	};
	size_t i;

	(void)state;
	assert_non_null(p);
	assert_false(p->have_access_profile);
	assert_int_equal(p->nranges, 0);
	assert_int_equal(p->private_cluster, -1);
	nd_aks_free(p);
	for (i = 0; i < N(bad); i++) {
		p = (struct nd_aks_profile *)1;
		assert_int_equal(nd_aks_parse(bad[i], strlen(bad[i]), "bad.json", &p, &e), -1);
		assert_null(p);
		assert_non_null(strstr(e.msg, "bad.json"));
	}
	assert_int_equal(nd_aks_load_file("/nonexistent/aks.json", &p, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/aks.json"));
}

static const struct {
	const char *ranges[4];
	const char *ip;          /* NULL: list only */
	bool enabled, allowed;
	size_t matched, nbad;
} range_cases[] = {
	{{"203.0.113.0/24", "198.51.100.7/32"}, "203.0.113.99", true, true, 0, 0},
	{{"203.0.113.0/24", "198.51.100.7/32"}, "198.51.100.7", true, true, 1, 0},
	{{"203.0.113.0/24", "198.51.100.7/32"}, "198.51.100.8", true, false, 0, 0},
	{{"2001:db8:10::/48"}, "2001:db8:10:ffff::1", true, true, 0, 0},
	{{"2001:db8:10::/48"}, "2001:db8:11::1", true, false, 0, 0},
	{{"203.0.113.0/24"}, "2001:db8::1", true, false, 0, 0},      /* other family */
	{{"::ffff:203.0.113.0/120"}, "203.0.113.5", true, true, 0, 0}, /* mapped = v4 */
	{{"137.117.106.90/29", "10.0.0.0/8"}, "137.117.106.90", true, false, 0, 1}, /* bad skipped */
	{{"garbage", "1.2.3.4"}, "1.2.3.4", true, true, 1, 1},          /* bare address = /32 */
	{{"0.0.0.0/32"}, "203.0.113.1", true, false, 0, 0},
	{{NULL}, "203.0.113.1", false, false, 0, 0},
	{{"203.0.113.0/24"}, NULL, true, false, 0, 0},
};

static void ranges(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < N(range_cases); i++) {
		struct nd_aks_profile p = {0};
		struct nd_range_verdict v;
		struct nd_ip ip;
		char *rs[4];

		for (j = 0; j < 4 && range_cases[i].ranges[j]; j++)
			rs[j] = (char *)range_cases[i].ranges[j];
		p.ranges = rs;
		p.nranges = j;
		if (range_cases[i].ip)
			assert_int_equal(nd_ip_parse(range_cases[i].ip, &ip), 0);
		nd_aks_ranges_check(&p, range_cases[i].ip ? &ip : NULL, &v);
		assert_int_equal(v.enabled, range_cases[i].enabled);
		assert_int_equal(v.allowed, range_cases[i].allowed);
		if (v.allowed)
			assert_int_equal(v.matched, range_cases[i].matched);
		assert_int_equal(v.nbad, range_cases[i].nbad);
	}
}

static void not_network_names_the_network(void **state)
{
	char *rs[] = {(char *)"137.117.106.90/29"};
	struct nd_aks_profile p = {.ranges = rs, .nranges = 1};
	struct nd_range_verdict v;

	(void)state;
	nd_aks_ranges_check(&p, NULL, &v);
	assert_int_equal(v.nbad, 1);
	assert_int_equal(v.bad[0].problem, ND_RANGE_NOT_NETWORK);
	assert_string_equal(v.bad[0].network, "137.117.106.88/29");
}

static void update_value(void **state)
{
	char *rs[] = {(char *)"203.0.113.0/24", (char *)"198.51.100.7/32", (char *)"203.0.113.0/24"};
	struct nd_aks_profile p = {.ranges = rs, .nranges = 3};
	struct nd_ip ip;
	char buf[256], small[20];

	(void)state;
	assert_int_equal(nd_ip_parse("192.0.2.9", &ip), 0);
	assert_true(nd_aks_ranges_with(&p, &ip, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "203.0.113.0/24,198.51.100.7/32,192.0.2.9/32");
	assert_int_equal(nd_ip_parse("2001:db8::7", &ip), 0);
	assert_true(nd_aks_ranges_with(&p, &ip, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "203.0.113.0/24,198.51.100.7/32,2001:db8::7/128");
	p.nranges = 0;
	assert_true(nd_aks_ranges_with(&p, &ip, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2001:db8::7/128");
	p.nranges = 3;
	assert_int_equal(nd_aks_ranges_with(&p, &ip, small, sizeof(small)), -1);
}

static void names_and_private(void **state)
{
	static const struct { const char *ip; bool priv; } ips[] = {
		{"10.1.2.3", true}, {"172.16.0.1", true}, {"172.32.0.1", false},
		{"192.168.9.9", true}, {"100.64.0.1", true}, {"100.128.0.1", false},
		{"203.0.113.1", false}, {"fd00::1", true}, {"fe80::1", true}, {"2001:db8::1", false},
	};
	size_t i;

	(void)state;
	assert_true(nd_aks_is_privatelink("a-1.b-2.privatelink.westeurope.azmk8s.io"));
	assert_true(nd_aks_is_privatelink("a-1.b-2.privatelink.westeurope.azmk8s.io."));
	assert_false(nd_aks_is_privatelink("a-1.hcp.westeurope.azmk8s.io"));
	assert_false(nd_aks_is_privatelink("a.privatelink.example.com"));
	assert_false(nd_aks_is_privatelink(NULL));
	for (i = 0; i < N(ips); i++) {
		struct nd_ip ip;

		assert_int_equal(nd_ip_parse(ips[i].ip, &ip), 0);
		assert_int_equal(nd_ip_is_private(&ip), ips[i].priv);
	}
}

static void az_missing(void **state)
{
	struct nd_aks_profile *p = NULL;
	struct nd_err e;
	const char *path = getenv("PATH");
	char *save = path ? strdup(path) : NULL;

	(void)state;
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(nd_aks_from_az("rg", "name", 2000, &p, &e), -1);
	assert_null(p);
	assert_non_null(strstr(e.msg, "az aks show -g rg -n name"));
	if (save)
		setenv("PATH", save, 1);
	free(save);
}

/* agentPoolProfiles (facts §1.5): what the S2 subnet headroom reads, both ID spellings. */
static void agent_pools(void **state)
{
	struct nd_aks_profile *p = parse(
		"{\"fqdn\":\"x.hcp.westeurope.azmk8s.io\",\"networkProfile\":{\"networkPlugin\":\"azure\","
		"\"networkPluginMode\":null},\"agentPoolProfiles\":["
		"{\"name\":\"nodepool1\",\"mode\":\"System\",\"count\":3,\"minCount\":3,\"maxCount\":10,"
		"\"enableAutoScaling\":true,\"maxPods\":110,\"podSubnetId\":\"/s/x/subnets/snet-pods\","
		"\"vnetSubnetId\":\"/s/x/subnets/snet-nodes\",\"upgradeSettings\":{\"maxSurge\":\"33%\"}},"
		"{\"name\":\"arm\",\"count\":null,\"podSubnetID\":\"/s/x/subnets/b\"}]}");
	struct nd_aks_profile *bad = NULL;
	const char *wrong = "{\"fqdn\":\"x\",\"agentPoolProfiles\":[{\"count\":\"3\"}]}";
	struct nd_err e;

	(void)state;
	assert_non_null(p);
	assert_string_equal(p->network_plugin, "azure");
	assert_null(p->network_plugin_mode);
	assert_int_equal(p->npools, 2);
	assert_string_equal(p->pools[0].name, "nodepool1");
	assert_int_equal(p->pools[0].count, 3);
	assert_int_equal(p->pools[0].max_count, 10);
	assert_int_equal(p->pools[0].max_pods, 110);
	assert_int_equal(p->pools[0].autoscaling, 1);
	assert_string_equal(p->pools[0].pod_subnet_id, "/s/x/subnets/snet-pods");
	assert_string_equal(p->pools[0].max_surge, "33%");
	assert_int_equal(p->pools[1].count, -1);
	assert_int_equal(p->pools[1].autoscaling, -1);
	assert_string_equal(p->pools[1].pod_subnet_id, "/s/x/subnets/b");
	nd_aks_free(p);
	/* a count that is not a number names the pool */
	assert_int_equal(nd_aks_parse(wrong, strlen(wrong), "t.json", &bad, &e), -1);
	assert_non_null(strstr(e.msg, "agentPoolProfiles[0].count"));
}

/* A Node's providerID names its VMSS instance: what az vmss reimage needs. */
static void test_vmss_of(void **state)
{
	struct nd_vmss_ref v;

	(void)state;
	assert_true(nd_aks_vmss_of("azure:///subscriptions/3f2a/resourceGroups/mc_rg_aks_westeurope/providers/"
				   "Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/"
				   "virtualMachines/3", &v));
	assert_string_equal(v.subscription, "3f2a");
	assert_string_equal(v.group, "mc_rg_aks_westeurope");
	assert_string_equal(v.vmss, "aks-nodepool1-12345678-vmss");
	assert_string_equal(v.instance, "3");
	/* an availability-set VM, another cloud, nothing */
	assert_false(nd_aks_vmss_of("azure:///subscriptions/3f2a/resourceGroups/rg/providers/"
				    "Microsoft.Compute/virtualMachines/aks-agentpool-1", &v));
	assert_false(nd_aks_vmss_of("aws:///eu-west-1a/i-0abc", &v));
	assert_false(nd_aks_vmss_of(NULL, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmss_of),
		cmocka_unit_test(cli_spelling),
		cmocka_unit_test(arm_spelling),
		cmocka_unit_test(null_profile_and_errors),
		cmocka_unit_test(ranges),
		cmocka_unit_test(not_network_names_the_network),
		cmocka_unit_test(update_value),
		cmocka_unit_test(names_and_private),
		cmocka_unit_test(az_missing),
		cmocka_unit_test(agent_pools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
