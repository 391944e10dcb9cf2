/* SPDX-License-Identifier: MIT */
/*
 * The node's network from the fleet agent: its resolv.conf files
 * (node/nodedns.h: systemd-resolved's link followed under the root, the
 * servers in order and once), the kubelet's kubeconfig (k8s/kubelet.h: the
 * file found, the CA taken under the root, the credentials dropped), the
 * iptables back end's rule count (node/source.h), and the judging of
 * node-dns and node-apiserver (checks/nodenet.h), table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/nodenet.h"
#include "core/arena.h"
#include "core/err.h"
#include "findings/finding.h"
#include "k8s/kubeconfig.h"
#include "k8s/kubelet.h"
#include "node/nodedns.h"
#include "node/source.h"

static char root[] = "/tmp/nd-nodenet-XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[512], d[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = strchr(p + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		snprintf(d, sizeof(d), "%.*s", (int)(s - p), p);
		mkdir(d, 0755);
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* --- resolv.conf files -------------------------------------------------------- */

static void test_dns_add(void **state)
{
	static const struct {
		const char *text;
		const char *want;     /* servers, blank-separated */
		size_t bad;
	} cases[] = {
		{"nameserver 10.0.0.10\nnameserver 10.0.0.11\n", "10.0.0.10 10.0.0.11", 0},
		{"# only comments\nsearch example.com\n", "127.0.0.1", 0},   /* resolv.conf(5) */
		{"nameserver fe80::1%eth0\nnameserver 168.63.129.16\n", "fe80::1 168.63.129.16", 0},
		{"nameserver not-an-ip\nnameserver 10.1.1.1\n", "10.1.1.1", 1},
		{"nameserver 10.0.0.10\nnameserver 10.0.0.10\n", "10.0.0.10", 0},  /* once */
		{"", "127.0.0.1", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nd_arena *a = nd_arena_new(1024);
		struct nd_node_dns d = {0};
		char got[256] = "";

		nd_node_dns_add(&d, a, "/r/etc/resolv.conf", cases[i].text, strlen(cases[i].text));
		for (size_t k = 0; k < d.n; k++) {
			strcat(got, k ? " " : "");
			strcat(got, d.servers[k].addr);
			assert_string_equal(d.servers[k].file, "/r/etc/resolv.conf");
		}
		assert_string_equal(got, cases[i].want);
		assert_int_equal(d.bad, cases[i].bad);
		assert_int_equal(d.nfiles, 1);
		nd_arena_free(a);
	}
}

static void test_dns_files(void **state)
{
	struct nd_arena *a = nd_arena_new(1024);
	struct nd_node_dns d;
	struct nd_err e;
	char p[512], r2[600];

	(void)state;
	/* nothing under the root: no file, no server */
	assert_int_equal(nd_node_dns_read(root, a, &d, &e), 0);
	assert_int_equal(d.nfiles, 0);

	/* systemd-resolved: an absolute link to the stub file, followed under the root */
	put("run/systemd/resolve/stub-resolv.conf", "nameserver 127.0.0.53\noptions edns0 trust-ad\n");
	put("run/systemd/resolve/resolv.conf", "nameserver 168.63.129.16\nnameserver 127.0.0.53\n");
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/resolv.conf", root);
	assert_int_equal(symlink("/run/systemd/resolve/stub-resolv.conf", p), 0);
	assert_int_equal(nd_node_dns_read(root, a, &d, &e), 0);
	assert_int_equal(d.nfiles, 2);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.servers[0].addr, "127.0.0.53");
	assert_string_equal(d.servers[0].file, p);
	assert_string_equal(d.servers[1].addr, "168.63.129.16");
	assert_non_null(strstr(d.servers[1].file, "run/systemd/resolve/resolv.conf"));
	snprintf(r2, sizeof(r2), "%s/run/systemd/resolve/stub-resolv.conf", root);
	assert_string_equal(nd_node_follow(root, "etc/resolv.conf", a), r2);

	/* a link to nothing: the node cannot resolve, and netdiag says so */
	unlink(r2);
	assert_int_equal(nd_node_dns_read(root, a, &d, &e), -1);
	assert_non_null(strstr(e.msg, "does not exist"));
	assert_non_null(strstr(e.msg, "etc/resolv.conf"));

	/* a relative link (as systemd makes it: ../run/...) */
	unlink(p);
	put("run/systemd/resolve/stub-resolv.conf", "nameserver 127.0.0.53\n");
	assert_int_equal(symlink("../run/systemd/resolve/stub-resolv.conf", p), 0);
	assert_int_equal(nd_node_dns_read(root, a, &d, &e), 0);
	assert_string_equal(d.servers[0].addr, "127.0.0.53");
	unlink(p);

	/* a relative link that climbs above the root stays under it, as on the node */
	assert_int_equal(symlink("../../../../../../run/systemd/resolve/stub-resolv.conf", p), 0);
	assert_string_equal(nd_node_follow(root, "etc/resolv.conf", a), r2);
	assert_int_equal(nd_node_dns_read(root, a, &d, &e), 0);
	assert_string_equal(d.servers[0].addr, "127.0.0.53");
	unlink(p);
	/* a loop of links ends (at the eighth) */
	assert_int_equal(symlink("resolv.conf", p), 0);
	assert_non_null(nd_node_follow(root, "etc/resolv.conf", a));
	unlink(p);
	nd_arena_free(a);
}

/* --- the kubelet's kubeconfig ----------------------------------------------------- */

static const char KUBELET[] =
	"apiVersion: v1\nkind: Config\n"
	"clusters:\n- cluster:\n    certificate-authority: /etc/kubernetes/certs/ca.crt\n"
	"    server: https://aks-x-dns-12345678.hcp.eastus.azmk8s.io:443\n  name: localcluster\n"
	"contexts:\n- context:\n    cluster: localcluster\n    user: client\n"
	"  name: localclustercontext\ncurrent-context: localclustercontext\n"
	"users:\n- name: client\n  user:\n"
	"    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n"
	"    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n";

static void test_kubelet(void **state)
{
	struct nd_kubeconfig *kc;
	char *path, want[600];
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_kubelet_kubeconfig(root, &kc, &path, &e), 1);   /* none */
	assert_null(kc);

	/* kubeadm's file, with a relative CA and a token */
	put("etc/kubernetes/kubelet.conf",
	    "apiVersion: v1\nkind: Config\ncurrent-context: k\n"
	    "clusters:\n- name: c\n  cluster: {server: 'https://10.0.0.1:6443', certificate-authority: pki/ca.crt}\n"
	    "users:\n- name: u\n  user: {token: SECRET-TOKEN}\n"
	    "contexts:\n- name: k\n  context: {cluster: c, user: u}\n");
	assert_int_equal(nd_kubelet_kubeconfig(root, &kc, &path, &e), 0);
	assert_string_equal(kc->server, "https://10.0.0.1:6443");
	snprintf(want, sizeof(want), "%s/etc/kubernetes/pki/ca.crt", root);
	assert_string_equal(kc->ca_file, want);
	assert_null(kc->token);
	assert_non_null(strstr(path, "etc/kubernetes/kubelet.conf"));
	nd_kubeconfig_free(kc);
	free(path);

	/* AKS's wins over kubeadm's; its absolute CA is the node's, under the root */
	put("var/lib/kubelet/kubeconfig", KUBELET);
	assert_int_equal(nd_kubelet_kubeconfig(root, &kc, &path, &e), 0);
	assert_string_equal(kc->server, "https://aks-x-dns-12345678.hcp.eastus.azmk8s.io:443");
	snprintf(want, sizeof(want), "%s/etc/kubernetes/certs/ca.crt", root);
	assert_string_equal(kc->ca_file, want);
	assert_null(kc->cert_file);
	assert_null(kc->key_file);
	assert_non_null(strstr(path, "var/lib/kubelet/kubeconfig"));
	nd_kubeconfig_free(kc);
	free(path);

	/* no server, and a file that is not YAML: errors naming the file */
	put("var/lib/kubelet/kubeconfig",
	    "apiVersion: v1\nkind: Config\ncurrent-context: k\nclusters:\n- name: c\n  cluster: {}\n"
	    "users:\n- name: u\n  user: {}\ncontexts:\n- name: k\n  context: {cluster: c, user: u}\n");
	assert_int_equal(nd_kubelet_kubeconfig(root, &kc, &path, &e), -1);
	assert_non_null(strstr(e.msg, "kubeconfig"));
	put("var/lib/kubelet/kubeconfig", "clusters: [\n");
	assert_int_equal(nd_kubelet_kubeconfig(root, &kc, &path, &e), -1);
	assert_non_null(strstr(e.msg, "var/lib/kubelet/kubeconfig"));
	assert_null(kc);
}

/* --- iptables back ends ----------------------------------------------------------- */

static void test_rules_count(void **state)
{
	static const char nft[] =
		"# Generated by iptables-nft-save v1.8.9 (nf_tables)\n*mangle\n:KUBE-IPTABLES-HINT - [0:0]\n"
		"COMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -j RETURN\n-A OUTPUT -j KUBE-SERVICES\nCOMMIT\n";
	static const char legacy[] = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT";
	bool hint;

	(void)state;
	assert_int_equal(nd_rules_count(nft, strlen(nft), &hint), 2);
	assert_true(hint);
	assert_int_equal(nd_rules_count(legacy, strlen(legacy), &hint), 1);
	assert_false(hint);
	assert_int_equal(nd_rules_count("", 0, &hint), 0);
	assert_int_equal(nd_rules_count("-A", 2, &hint), 0);
	assert_int_equal(nd_rules_count(":KUBE-KUBELET-CANARY - [0:0]", 28, &hint), 0);
	assert_true(hint);
}

/* --- judging --------------------------------------------------------------------- */

static struct nd_nodenet_dns ask(const char *server, const char *name, bool answered,
				 enum nd_dns_error err, const char *addr, int64_t ms)
{
	struct nd_nodenet_dns d = {.file = "/host/etc/resolv.conf"};

	d.ask.server = server;
	d.ask.name = name;
	d.ask.answered = answered;
	d.ask.error = answered ? err : ND_DNS_TIMEOUT;
	d.ask.ms = ms;
	if (addr) {
		snprintf(d.ask.addrs[0], sizeof(d.ask.addrs[0]), "%s", addr);
		d.ask.naddrs = 1;
	}
	return d;
}

static const struct nd_check *check_of(const struct nd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	return NULL;
}

static void reached(struct nd_probe_result *p, long version_http)
{
	memset(p, 0, sizeof(*p));
	p->https = true;
	p->port = 443;
	p->dns.status = ND_STAGE_PASS;
	p->dns.literal = true;
	p->tcp_status = ND_STAGE_PASS;
	p->ntcp = 1;
	snprintf(p->tcp[0].ip, sizeof(p->tcp[0].ip), "10.0.0.1");
	p->tcp[0].state = ND_TCP_OK;
	p->tls.status = ND_STAGE_PASS;
	p->version.status = ND_STAGE_PASS;
	p->version.http = version_http;
}

static void test_judge(void **state)
{
	const char *api = "api.example.io";
	struct nd_probe_result p;
	struct nd_nodenet_dns ok1 = ask("10.0.0.10:53", api, true, ND_DNS_OK, "10.0.0.1", 3);
	struct nd_nodenet_dns to = ask("10.0.0.2:53", api, false, ND_DNS_OK, NULL, 2000);
	struct nd_nodenet_dns nx = ask("10.0.0.10:53", api, true, ND_DNS_NXDOMAIN, NULL, 4);
	struct nd_nodenet_dns sf = ask("10.0.0.10:53", api, true, ND_DNS_SERVFAIL, NULL, 4);
	struct {
		const char *what;
		struct nd_nodenet_dns dns[2];
		size_t ndns;
		int probe;               /* 0 none, else the /version status (-1: TCP timeout,
					  * -2: TLS untrusted, -3: TLS CA unreadable) */
		const char *dns_fail;
		const char *want_codes;  /* codes in order, blank-separated */
		enum nd_check_status dns_st, api_st;
		const char *want_result; /* node-dns-failure's result */
	} cases[] = {
		{"healthy", {ok1}, 1, 200, NULL, "", ND_CHECK_PASS, ND_CHECK_PASS, NULL},
		{"401 still proves it is reached", {ok1}, 1, 401, NULL, "", ND_CHECK_PASS,
		 ND_CHECK_PASS, NULL},
		{"dns timeout explains the API check", {to}, 1, 0, "10.0.0.2:53 api: timeout",
		 "node-dns-failure", ND_CHECK_FAIL, ND_CHECK_FAIL, "timeout"},
		{"NXDOMAIN", {nx}, 1, 0, "x", "node-dns-failure", ND_CHECK_FAIL, ND_CHECK_FAIL,
		 "NXDOMAIN"},
		{"one of two servers fails", {ok1, sf}, 2, 200, NULL, "node-dns-failure",
		 ND_CHECK_FAIL, ND_CHECK_PASS, "SERVFAIL"},
		{"tcp timeout", {ok1}, 1, -1, NULL, "node-apiserver-unreachable", ND_CHECK_PASS,
		 ND_CHECK_FAIL, NULL},
		{"tls untrusted", {ok1}, 1, -2, NULL, "node-apiserver-unreachable", ND_CHECK_PASS,
		 ND_CHECK_FAIL, NULL},
		{"CA unreadable is an error", {ok1}, 1, -3, NULL, "", ND_CHECK_PASS, ND_CHECK_ERROR,
		 NULL},
		{"a proxy's 407", {ok1}, 1, 407, NULL, "node-apiserver-unreachable", ND_CHECK_PASS,
		 ND_CHECK_FAIL, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nd_report *r = nd_report_new();
		struct nd_nodenet_input in = {.node = "n1", .dns = cases[i].dns, .ndns = cases[i].ndns,
					      .kubeconfig = "/host/var/lib/kubelet/kubeconfig",
					      .server = "https://api.example.io:443",
					      .api_host = api, .dns_fail = cases[i].dns_fail,
					      .resolv_files = "/host/etc/resolv.conf"};
		char got[256] = "";

		if (cases[i].probe) {
			reached(&p, cases[i].probe > 0 ? cases[i].probe : 0);
			if (cases[i].probe > 0 && cases[i].probe != 200 && cases[i].probe != 401)
				p.version.status = ND_STAGE_FAIL;
			if (cases[i].probe == -1) {
				p.tcp_status = ND_STAGE_FAIL;
				p.tcp[0].state = ND_TCP_TIMEOUT;
			}
			if (cases[i].probe <= -2) {
				p.tls.status = ND_STAGE_FAIL;
				p.tls.reason = cases[i].probe == -2 ? ND_TLS_UNKNOWN_AUTHORITY
								    : ND_TLS_BAD_CA;
			}
			in.probe = &p;
			in.address = "10.0.0.1";
		}
		nd_check_nodenet(r, &in);
		for (size_t k = 0; k < r->nfindings; k++) {
			strcat(got, k ? " " : "");
			strcat(got, r->findings[k]->code);
			assert_string_equal(r->findings[k]->subject.kind, "Node");
			assert_string_equal(r->findings[k]->subject.name, "n1");
			assert_non_null(r->findings[k]->remedy);
		}
		if (strcmp(got, cases[i].want_codes) != 0)
			fail_msg("%s: codes '%s', want '%s'", cases[i].what, got, cases[i].want_codes);
		if (check_of(r, "node-dns")->status != cases[i].dns_st ||
		    check_of(r, "node-apiserver")->status != cases[i].api_st)
			fail_msg("%s: node-dns %d (%s), node-apiserver %d (%s)", cases[i].what,
				 check_of(r, "node-dns")->status, check_of(r, "node-dns")->reason,
				 check_of(r, "node-apiserver")->status,
				 check_of(r, "node-apiserver")->reason);
		if (cases[i].want_result)
			assert_non_null(strstr(r->findings[0]->summary, cases[i].want_result));
		if (cases[i].dns_fail && cases[i].api_st == ND_CHECK_FAIL && !cases[i].probe)
			assert_non_null(strstr(check_of(r, "node-apiserver")->reason,
					       "explained by node-dns-failure"));
		nd_report_free(r);
	}
}

static void test_skips(void **state)
{
	struct nd_report *r = nd_report_new();
	struct nd_nodenet_input in = {.node = "n1", .dns_skip = "no name to ask",
				      .api_skip = "no kubelet kubeconfig"};

	(void)state;
	nd_check_nodenet(r, &in);
	assert_int_equal(check_of(r, "node-dns")->status, ND_CHECK_SKIP);
	assert_int_equal(check_of(r, "node-apiserver")->status, ND_CHECK_SKIP);
	assert_int_equal(r->nfindings, 0);
	assert_string_equal(check_of(r, "node-apiserver")->reason, "no kubelet kubeconfig");
	nd_report_free(r);

	/* a resolv.conf that cannot be read is an error: the run is incomplete */
	r = nd_report_new();
	in.dns_skip = NULL;
	in.dns_error = "cannot read '/host/etc/resolv.conf': Permission denied";
	nd_check_nodenet(r, &in);
	assert_int_equal(check_of(r, "node-dns")->status, ND_CHECK_ERROR);
	assert_int_equal(nd_report_verdict(r), ND_VERDICT_INCOMPLETE);
	nd_report_free(r);
}

static void test_classify(void **state)
{
	struct nd_probe_result p;
	const char *err;
	char buf[48];

	(void)state;
	reached(&p, 403);
	assert_null(nd_nodenet_classify(&p, &err, buf, sizeof(buf)));
	p.version.status = ND_STAGE_FAIL;
	p.version.http = 0;
	snprintf(p.version.fail, sizeof(p.version.fail), "timeout");
	assert_string_equal(nd_nodenet_classify(&p, &err, buf, sizeof(buf)), "http");
	assert_string_equal(err, "timeout");
	reached(&p, 200);
	p.tcp_status = ND_STAGE_FAIL;
	p.tcp[0].state = ND_TCP_REFUSED;
	assert_string_equal(nd_nodenet_classify(&p, &err, buf, sizeof(buf)), "tcp");
	assert_string_equal(err, "refused");
	reached(&p, 200);
	p.tls.status = ND_STAGE_FAIL;
	p.tls.reason = ND_TLS_TIMEOUT;
	assert_string_equal(nd_nodenet_classify(&p, &err, buf, sizeof(buf)), "tls");
	assert_string_equal(err, "timeout");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_add),
		cmocka_unit_test(test_dns_files),
		cmocka_unit_test(test_kubelet),
		cmocka_unit_test(test_rules_count),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
