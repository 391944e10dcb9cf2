/* SPDX-License-Identifier: MIT */
#include "node/cni.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* AKS kubenet: /etc/cni/net.d/10-containerd-net.conflist rendered from the template. */
#define KUBENET_CONFLIST \
	"{\n" \
	"  \"cniVersion\": \"0.3.1\",\n" \
	"  \"name\": \"kubenet\",\n" \
	"  \"plugins\": [{\n" \
	"    \"type\": \"bridge\",\n" \
	"    \"bridge\": \"cbr0\",\n" \
	"    \"mtu\": 1500,\n" \
	"    \"addIf\": \"eth0\",\n" \
	"    \"isGateway\": true,\n" \
	"    \"ipMasq\": false,\n" \
	"    \"promiscMode\": true,\n" \
	"    \"hairpinMode\": false,\n" \
	"    \"ipam\": {\n" \
	"        \"type\": \"host-local\",\n" \
	"        \"ranges\": [[{\"subnet\": \"10.244.1.0/24\"}]],\n" \
	"        \"routes\": [{\"dst\": \"0.0.0.0/0\"}]\n" \
	"    }\n" \
	"  },\n" \
	"  {\n" \
	"    \"type\": \"portmap\",\n" \
	"    \"capabilities\": {\"portMappings\": true},\n" \
	"    \"externalSetMarkChain\": \"KUBE-MARK-MASQ\"\n" \
	"  }]\n" \
	"}\n"

#define AZURE_V1_CONFLIST \
	"{\"cniVersion\":\"0.3.0\",\"name\":\"azure\",\"plugins\":[{\"type\":\"azure-vnet\"," \
	"\"mode\":\"transparent\",\"ipsToRouteViaHost\":[\"169.254.20.10\"]," \
	"\"ipam\":{\"type\":\"azure-vnet-ipam\"}},{\"type\":\"portmap\"," \
	"\"capabilities\":{\"portMappings\":true},\"snat\":true}]}"

#define AZURE_OVERLAY_CONFLIST \
	"{\"cniVersion\":\"0.3.0\",\"name\":\"azure\",\"plugins\":[{\"type\":\"azure-vnet\"," \
	"\"mode\":\"transparent\",\"ipsToRouteViaHost\":[\"169.254.20.10\"]," \
	"\"executionMode\":\"v4swift\",\"ipam\":{\"mode\":\"v4overlay\",\"type\":\"azure-cns\"}," \
	"\"dns\":{},\"runtimeConfig\":{\"dns\":{}},\"windowsSettings\":{}}," \
	"{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"snat\":true}]}"

#define CALICO_CONFLIST \
	"{\"name\":\"k8s-pod-network\",\"cniVersion\":\"0.3.1\",\"plugins\":[{\"type\":\"calico\"," \
	"\"log_level\":\"info\",\"datastore_type\":\"kubernetes\",\"nodename\":\"node1\"," \
	"\"mtu\":1440,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"usePodCidr\"}," \
	"\"policy\":{\"type\":\"k8s\"},\"kubernetes\":{\"kubeconfig\":" \
	"\"/etc/cni/net.d/calico-kubeconfig\"}},{\"type\":\"portmap\",\"snat\":true," \
	"\"capabilities\":{\"portMappings\":true}}]}"

#define LOOPBACK_CONF "{\"cniVersion\":\"0.3.1\",\"name\":\"lo\",\"type\":\"loopback\"}"

struct rexp {
	uint32_t set;
	const char *subnet, *start, *end, *gw;
	bool pod, v6;
};

static const struct {
	const char *path;
	const char *json;
	const char *err;      /* substring of the message, NULL when it must parse */
	const char *name, *plugin, *ipam, *data_dir;
	uint32_t nr;
	struct rexp r[3];
} parse_cases[] = {
	{ "10-containerd-net.conflist", KUBENET_CONFLIST, NULL,
	  "kubenet", "bridge", "host-local", NULL, 1, { { 0, "10.244.1.0/24", 0, 0, 0, 0, 0 } } },
	{ "10-azure.conflist", AZURE_V1_CONFLIST, NULL,
	  "azure", "azure-vnet", "azure-vnet-ipam", NULL, 0, { { 0 } } },
	{ "15-azure-swift-overlay.conflist", AZURE_OVERLAY_CONFLIST, NULL,
	  "azure", "azure-vnet", "azure-cns", NULL, 0, { { 0 } } },
	{ "10-calico.conflist", CALICO_CONFLIST, NULL,
	  "k8s-pod-network", "calico", "host-local", NULL, 1, { { 0, NULL, 0, 0, 0, true, false } } },
	/* Calico dual stack in a single .conf, both podCIDRs. */
	{ "10-calico.conf",
	  "{\"name\":\"k8s-pod-network\",\"cniVersion\":\"0.3.1\",\"type\":\"calico\","
	  "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"usePodCidr\"}],"
	  "[{\"subnet\":\"usePodCidrIPv6\"}]]}}", NULL,
	  "k8s-pod-network", "calico", "host-local", NULL, 2,
	  { { 0, NULL, 0, 0, 0, true, false }, { 1, NULL, 0, 0, 0, true, true } } },
	/* dataDir override; the old single range goes first, as range set 0. */
	{ "20-bridge.conf",
	  "{\"cniVersion\":\"0.4.0\",\"name\":\"mynet\",\"type\":\"bridge\",\"bridge\":\"cni0\","
	  "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/run/cni/ipam\","
	  "\"subnet\":\"10.22.0.0/16\",\"rangeStart\":\"10.22.0.10\",\"rangeEnd\":\"10.22.0.99\","
	  "\"gateway\":\"10.22.0.1\",\"ranges\":[[{\"subnet\":\"fd00:10:22::/64\"}]]}}", NULL,
	  "mynet", "bridge", "host-local", "/run/cni/ipam", 2,
	  { { 0, "10.22.0.0/16", "10.22.0.10", "10.22.0.99", "10.22.0.1", 0, 0 },
	    { 1, "fd00:10:22::/64", 0, 0, 0, 0, 0 } } },
	/* Two ranges in one set. */
	{ "30-two.json",
	  "{\"name\":\"two\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\",\"ranges\":"
	  "[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"10.1.1.0/24\",\"rangeStart\":\"10.1.1.10\","
	  "\"rangeEnd\":\"10.1.1.20\",\"gateway\":\"10.1.1.1\"}]]}}", NULL,
	  "two", "bridge", "host-local", NULL, 2,
	  { { 0, "10.1.0.0/24", 0, 0, 0, 0, 0 },
	    { 0, "10.1.1.0/24", "10.1.1.10", "10.1.1.20", "10.1.1.1", 0, 0 } } },
	/* An empty ipam on the first plugin: the next plugin's counts. */
	{ "40-later.conflist",
	  "{\"name\":\"later\",\"plugins\":[{\"type\":\"ptp\",\"ipam\":{}},"
	  "{\"type\":\"tuning\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.9.0.0/24\"}}]}",
	  NULL, "later", "ptp", "host-local", NULL, 1, { { 0, "10.9.0.0/24", 0, 0, 0, 0, 0 } } },
	{ "05-cilium.conflist",
	  "{\"cniVersion\":\"0.3.1\",\"name\":\"cilium\",\"plugins\":[{\"type\":\"cilium-cni\","
	  "\"enable-debug\":false}]}", NULL, "cilium", "cilium-cni", NULL, NULL, 0, { { 0 } } },
	{ "99-loopback.conf", LOOPBACK_CONF, NULL, "lo", "loopback", NULL, NULL, 0, { { 0 } } },
	/* null is "not set", as Go decodes it. */
	{ "50-null.conf", "{\"name\":\"n\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
	  "\"dataDir\":null,\"ranges\":null}}", NULL, "n", "bridge", "host-local", NULL, 0, { { 0 } } },
	/* No known extension: the shape decides. */
	{ "fuzz-input", KUBENET_CONFLIST, NULL,
	  "kubenet", "bridge", "host-local", NULL, 1, { { 0, "10.244.1.0/24", 0, 0, 0, 0, 0 } } },
	{ "fuzz-input", LOOPBACK_CONF, NULL, "lo", "loopback", NULL, NULL, 0, { { 0 } } },

	{ "a.conflist", "{\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}", "invalid JSON at byte" },
	{ "a.conflist", "", "invalid JSON" },
	{ "a.conflist", "{\"name\":\"x\",\"plugins\":[]} x", "invalid JSON" },
	{ "a.conflist", "[1,2]", "the top level is an array, not an object" },
	{ "a.conflist", "{\"plugins\":[{\"type\":\"bridge\"}]}", "missing network 'name'" },
	{ "a.conflist", "{\"name\":7,\"plugins\":[{\"type\":\"bridge\"}]}",
	  "'name' is a number, not a string" },
	{ "a.conflist", "{\"name\":\"../../etc\",\"plugins\":[{\"type\":\"bridge\"}]}",
	  "invalid network name '../../etc'" },
	{ "a.conflist", "{\"name\":\"a/b\",\"plugins\":[{\"type\":\"bridge\"}]}",
	  "invalid network name" },
	{ "a.conflist", "{\"name\":\"\",\"plugins\":[{\"type\":\"bridge\"}]}", "invalid network name" },
	{ "a.conflist", "{\"name\":\"k\\u0000x\",\"plugins\":[{\"type\":\"bridge\"}]}",
	  "'name' holds a NUL" },
	{ "a.conflist", "{\"name\":\"x\"}", "missing 'plugins' array" },
	{ "a.conflist", "{\"name\":\"x\",\"plugins\":{}}", "missing 'plugins' array" },
	{ "a.conflist", "{\"name\":\"x\",\"plugins\":[]}", "no plugins" },
	{ "a.conflist", "{\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"},{\"bridge\":\"b\"}]}",
	  "plugin 1: missing 'type'" },
	{ "a.conflist", "{\"name\":\"x\",\"plugins\":[\"bridge\"]}", "plugin 0: not an object" },
	/* A conflist saved as .conf: libcni reads it as one plugin without a type. */
	{ "a.conf", KUBENET_CONFLIST, "missing 'type'" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"\"}", "missing 'type'" },
	{ "a.conf", "{\"type\":\"bridge\"}", "missing network 'name'" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":\"host-local\"}",
	  "'ipam' is not an object" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"type\":5}}",
	  "ipam: 'type' is a number" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":{}}}",
	  "'ranges' is not an array" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":[{\"subnet\":"
	  "\"10.0.0.0/24\"}]}}", "range set 0 is not an array" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":[[]]}}",
	  "range set 0 is empty" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":[[\"10.0.0.0/24\"]]}}",
	  "range 0.0: not an object" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":[[{\"subnet\":"
	  "\"10.0.0.0/24\"}],[{\"subnet\":\"10.0.0.0/33\"}]]}}",
	  "range 1.0: 'subnet' is not a CIDR: '10.0.0.0/33'" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":[[{\"rangeStart\":"
	  "\"10.0.0.5\"}]]}}", "range 0.0: missing 'subnet'" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"ranges\":[[{\"subnet\":"
	  "\"10.0.0.0/24\",\"rangeStart\":\"10.0.0.300\"}]]}}",
	  "'rangeStart' is not an IP address: '10.0.0.300'" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"subnet\":\"usePodCidr\","
	  "\"gateway\":\"gw\"}}", "ipam: 'gateway' is not an IP address" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"subnet\":\"usePodCIDR\"}}",
	  "'subnet' is not a CIDR: 'usePodCIDR'" },
	{ "a.conf", "{\"name\":\"x\",\"type\":\"bridge\",\"ipam\":{\"dataDir\":[]}}",
	  "ipam: 'dataDir' is an array, not a string" },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(parse_cases); i++) {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_cni_net net;
		struct nd_err e;
		int r;

		memset(&net, 0, sizeof(net));
		e.msg[0] = '\0';
		r = nd_cni_parse(parse_cases[i].path, parse_cases[i].json,
				 strlen(parse_cases[i].json), a, &net, &e);
		if (parse_cases[i].err) {
			char want[256];

			if (r != -1)
				fail_msg("case %zu (%s): parsed, want error '%s'", i,
					 parse_cases[i].path, parse_cases[i].err);
			snprintf(want, sizeof(want), "'%s': ", parse_cases[i].path);
			if (strncmp(e.msg, want, strlen(want)) != 0 ||
			    !strstr(e.msg, parse_cases[i].err))
				fail_msg("case %zu: message '%s', want '%s' and '%s'", i, e.msg,
					 want, parse_cases[i].err);
			nd_arena_free(a);
			continue;
		}
		if (r != 0)
			fail_msg("case %zu (%s): %s", i, parse_cases[i].path, e.msg);
		assert_string_equal(net.file, parse_cases[i].path);
		assert_string_equal(net.name, parse_cases[i].name);
		assert_string_equal(net.plugin, parse_cases[i].plugin);
		if (parse_cases[i].ipam)
			assert_string_equal(net.ipam_type, parse_cases[i].ipam);
		else
			assert_null(net.ipam_type);
		if (parse_cases[i].data_dir)
			assert_string_equal(net.data_dir, parse_cases[i].data_dir);
		else
			assert_null(net.data_dir);
		if (net.nranges != parse_cases[i].nr)
			fail_msg("case %zu: %u ranges, want %u", i, net.nranges,
				 parse_cases[i].nr);
		for (uint32_t k = 0; k < net.nranges; k++) {
			const struct nd_cni_range *g = &net.ranges[k];
			const struct rexp *w = &parse_cases[i].r[k];
			const char *gs[4] = { g->subnet, g->start, g->end, g->gateway };
			const char *ws[4] = { w->subnet, w->start, w->end, w->gw };

			assert_int_equal(g->set, w->set);
			assert_int_equal(g->use_pod_cidr, w->pod);
			assert_int_equal(g->pod_cidr_v6, w->v6);
			for (int f = 0; f < 4; f++) {
				if (!ws[f] && gs[f])
					fail_msg("case %zu range %u field %d: '%s', want NULL",
						 i, k, f, gs[f]);
				if (ws[f] && (!gs[f] || strcmp(gs[f], ws[f]) != 0))
					fail_msg("case %zu range %u field %d: '%s', want '%s'",
						 i, k, f, gs[f] ? gs[f] : "(null)", ws[f]);
			}
		}
		nd_arena_free(a);
	}
}

static void test_parse_too_big(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	size_t len = (1u << 20) + 1;
	char *buf = malloc(len);
	struct nd_cni_net net;
	struct nd_err e;

	(void)state;
	assert_non_null(buf);
	memset(buf, ' ', len);
	memcpy(buf, LOOPBACK_CONF, strlen(LOOPBACK_CONF));
	assert_int_equal(nd_cni_parse("big.conf", buf, len, a, &net, &e), -1);
	assert_non_null(strstr(e.msg, "big.conf': larger than 1 MiB"));
	/* Exactly 1 MiB is still a config. */
	assert_int_equal(nd_cni_parse("big.conf", buf, len - 1, a, &net, &e), 0);
	assert_string_equal(net.name, "lo");
	free(buf);
	nd_arena_free(a);
}

/* ---- nd_cni_load_dir ---- */

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void puts_file(const char *dir, const char *name, const char *data)
{
	put(dir, name, data, strlen(data));
}

static void test_load_dir(void **state)
{
	char dir[] = "/tmp/nd-cni-XXXXXX";
	char outside[] = "/tmp/nd-cni-out-XXXXXX";
	char path[512], target[512];
	struct nd_arena *a = nd_arena_new(0);
	struct nd_cni_net *nets;
	char **errs;
	size_t n, ne;
	struct nd_err e;
	char *big;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(outside));
	puts_file(dir, "10-containerd-net.conflist", KUBENET_CONFLIST);
	puts_file(dir, "05-broken.conflist", "{\"name\":\"kubenet\",\"plugins\":[");
	puts_file(dir, "99-loopback.conf", LOOPBACK_CONF);
	puts_file(dir, "15-azure.json", AZURE_V1_CONFLIST "\n");   /* .json reads as one plugin */
	puts_file(dir, "16-azure.json", "{\"name\":\"azure\",\"type\":\"azure-vnet\"}");
	puts_file(dir, "README.md", "not a config");
	puts_file(dir, "00-old.conflist.bak", "not a config");
	/* Byte order as Go sorts: digits, then 'Z', then 'a' (no locale collation). */
	puts_file(dir, "a-lower.conf", "{\"name\":\"lower\",\"type\":\"loopback\"}");
	puts_file(dir, "Z-upper.conf", "{\"name\":\"upper\",\"type\":\"loopback\"}");
	snprintf(path, sizeof(path), "%s/20-sub.conf", dir);
	assert_int_equal(mkdir(path, 0755), 0);   /* directories are skipped silently */
	puts_file(outside, "calico.conflist", CALICO_CONFLIST);
	snprintf(target, sizeof(target), "%s/calico.conflist", outside);
	snprintf(path, sizeof(path), "%s/30-link.conflist", dir);
	assert_int_equal(symlink(target, path), 0);   /* libcni follows symlinks */
	snprintf(path, sizeof(path), "%s/31-dangling.conf", dir);
	assert_int_equal(symlink("/nonexistent/nd-test", path), 0);
	snprintf(path, sizeof(path), "%s/40-fifo.conf", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	big = malloc((1u << 20) + 10);
	assert_non_null(big);
	memset(big, ' ', (1u << 20) + 10);
	memcpy(big, LOOPBACK_CONF, strlen(LOOPBACK_CONF));
	put(dir, "50-big.conf", big, (1u << 20) + 10);
	free(big);

	assert_int_equal(nd_cni_load_dir(dir, a, &nets, &n, &errs, &ne, &e), 0);
	assert_int_equal(n, 6);
	{
		static const char *const want[][2] = {
			{ "10-containerd-net.conflist", "kubenet" },
			{ "16-azure.json", "azure" },
			{ "30-link.conflist", "k8s-pod-network" },
			{ "99-loopback.conf", "lo" },
			{ "Z-upper.conf", "upper" },
			{ "a-lower.conf", "lower" },
		};

		for (size_t i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, want[i][0]);
			assert_string_equal(nets[i].file, path);
			assert_string_equal(nets[i].name, want[i][1]);
		}
		assert_int_equal(nets[0].nranges, 1);
		assert_string_equal(nets[0].ranges[0].subnet, "10.244.1.0/24");
		assert_true(nets[2].ranges[0].use_pod_cidr);
	}
	assert_int_equal(ne, 5);
	{
		static const char *const want[][2] = {
			{ "05-broken.conflist", "': invalid JSON at byte" },
			{ "15-azure.json", "': missing 'type'" },
			{ "31-dangling.conf", "No such file or directory" },
			{ "40-fifo.conf", "': not a regular file" },
			{ "50-big.conf", "': larger than 1 MiB" },
		};

		for (size_t i = 0; i < ne; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, want[i][0]);
			if (!strstr(errs[i], path) || !strstr(errs[i], want[i][1]))
				fail_msg("error %zu: '%s', want '%s' and '%s'", i, errs[i], path,
					 want[i][1]);
		}
		snprintf(path, sizeof(path), "cannot read '%s/31-dangling.conf': ", dir);
		assert_int_equal(strncmp(errs[2], path, strlen(path)), 0);
	}

	/* A trailing slash does not double. */
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(nd_cni_load_dir(path, a, &nets, &n, &errs, &ne, &e), 0);
	snprintf(path, sizeof(path), "%s/10-containerd-net.conflist", dir);
	assert_string_equal(nets[0].file, path);

	rm_tree(dir);
	rm_tree(outside);
	nd_arena_free(a);
}

static void test_load_dir_empty_and_missing(void **state)
{
	char dir[] = "/tmp/nd-cni-XXXXXX";
	char path[512], want[600];
	struct nd_arena *a = nd_arena_new(0);
	struct nd_cni_net *nets = (void *)1;
	char **errs = (void *)1;
	size_t n = 9, ne = 9;
	struct nd_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(nd_cni_load_dir(dir, a, &nets, &n, &errs, &ne, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ne, 0);
	assert_null(nets);
	assert_null(errs);

	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(nd_cni_load_dir(path, a, &nets, &n, &errs, &ne, &e), -1);
	snprintf(want, sizeof(want), "cannot read '%s': %s", path, strerror(ENOENT));
	assert_string_equal(e.msg, want);

	puts_file(dir, "file", "x");
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_int_equal(nd_cni_load_dir(path, a, &nets, &n, &errs, &ne, &e), -1);
	snprintf(want, sizeof(want), "cannot read '%s': %s", path, strerror(ENOTDIR));
	assert_string_equal(e.msg, want);

	rm_tree(dir);
	nd_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_too_big),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_load_dir_empty_and_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
