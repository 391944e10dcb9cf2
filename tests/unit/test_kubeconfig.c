/* SPDX-License-Identifier: MIT */
/* kubeconfig merge rules, fields, the kubelogin entry, in-cluster, and exec plugins. */
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

#include "core/err.h"
#include "k8s/auth.h"
#include "k8s/kubeconfig.h"

static char dir[] = "/tmp/nd-kc-XXXXXX";

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (strstr(name, ".sh"))
		chmod(p, 0755);
}

static const char *path(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static const char A[] =
	"apiVersion: v1\nkind: Config\ncurrent-context: a\n"
	"clusters:\n- name: c1\n  cluster:\n    server: https://a.example:443\n"
	"    certificate-authority: ca.crt\n    tls-server-name: api.internal\n"
	"    proxy-url: http://proxy:3128\n"
	"- name: shared\n  cluster: {server: https://from-a}\n"
	"users:\n- name: u1\n  user: {token: tok-a, client-certificate-data: aGVsbG8=}\n"
	"contexts:\n- name: a\n  context: {cluster: c1, user: u1, namespace: shop}\n"
	"- name: s\n  context: {cluster: shared, user: u1}\n";
static const char B[] =
	"apiVersion: v1\nkind: Config\ncurrent-context: b\n"
	"clusters:\n- name: shared\n  cluster: {server: https://from-b, insecure-skip-tls-verify: true}\n"
	"- name: c2\n  cluster: {server: https://b.example}\n"
	"users:\n- name: u2\n  user: {tokenFile: tok}\n"
	"contexts:\n- name: b\n  context: {cluster: c2, user: u2}\n";
static const char AKS[] =
	"apiVersion: v1\nkind: Config\ncurrent-context: aks-prod\n"
	"clusters:\n- cluster:\n    certificate-authority-data: TFMwdA==\n"
	"    server: https://aks-prod-x7k2m9qp.hcp.westeurope.azmk8s.io:443\n  name: aks-prod\n"
	"contexts:\n- context:\n    cluster: aks-prod\n    user: clusterUser_rg-prod_aks-prod\n  name: aks-prod\n"
	"users:\n- name: clusterUser_rg-prod_aks-prod\n  user:\n    exec:\n"
	"      apiVersion: client.authentication.k8s.io/v1beta1\n"
	"      args:\n      - get-token\n      - --environment\n      - AzurePublicCloud\n"
	"      - --server-id\n      - 6dae42f8-4368-4678-94ff-3960e28e3630\n"
	"      - --client-id\n      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a\n"
	"      - --tenant-id\n      - 72f988bf-86f1-41af-91ab-2d7cd011db47\n      - --login\n      - devicecode\n"
	"      command: kubelogin\n      env: null\n      installHint: |\n        kubelogin is not installed\n"
	"      provideClusterInfo: false\n";

static void test_merge(void **st)
{
	struct nd_kubeconfig *kc;
	struct nd_kubeconfig_opts o = {0};
	struct nd_err e;
	char env[600];

	(void)st;
	put("a.yaml", A);
	put("b.yaml", B);
	snprintf(env, sizeof(env), "%s:%s:%s", path("missing.yaml"), path("a.yaml"), path("b.yaml"));
	o.kubeconfig_env = env;
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), 0);
	assert_string_equal(kc->context, "a");          /* first current-context */
	assert_string_equal(kc->server, "https://a.example:443");
	assert_string_equal(kc->ca_file, path("ca.crt"));  /* relative to its file */
	assert_string_equal(kc->tls_server_name, "api.internal");
	assert_string_equal(kc->proxy_url, "http://proxy:3128");
	assert_string_equal(kc->ns, "shop");
	assert_string_equal(kc->token, "tok-a");
	assert_int_equal(kc->cert_len, 5);
	assert_memory_equal(kc->cert_data, "hello", 5);
	nd_kubeconfig_free(kc);

	o.context = "s";                                 /* first file wins per key */
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), 0);
	assert_string_equal(kc->server, "https://from-a");
	assert_false(kc->insecure);
	nd_kubeconfig_free(kc);

	o.context = "b";                                 /* from the second file */
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), 0);
	assert_string_equal(kc->token_file, path("tok"));
	nd_kubeconfig_free(kc);

	o.context = "nope";
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), -1);
	assert_non_null(strstr(e.msg, "context 'nope' is not in kubeconfig"));
	o.context = NULL;
	o.path = path("absent.yaml");
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), -1);
	assert_non_null(strstr(e.msg, "absent.yaml"));
	put("bad.yaml", "clusters: [\n");
	o.path = path("bad.yaml");
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), -1);
	assert_non_null(strstr(e.msg, "line"));
}

static void test_kubelogin_entry(void **st)
{
	struct nd_kubeconfig *kc;
	struct nd_kubeconfig_opts o = {0};
	struct nd_err e;

	(void)st;
	put("aks.yaml", AKS);
	o.path = path("aks.yaml");
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), 0);
	assert_non_null(kc->exec);
	assert_string_equal(kc->exec->command, "kubelogin");
	assert_int_equal(kc->exec->nargs, 11);
	assert_string_equal(kc->exec->args[4], "6dae42f8-4368-4678-94ff-3960e28e3630");
	assert_int_equal(kc->exec->interactive, ND_EXEC_IF_AVAILABLE);
	assert_memory_equal(kc->ca_data, "LS0t", 4);
	nd_kubeconfig_free(kc);
}

static void test_in_cluster(void **st)
{
	struct nd_kubeconfig *kc;
	struct nd_kubeconfig_opts o = {0};
	struct nd_auth *a;
	struct nd_cred cr;
	struct nd_err e;
	char sa[300];

	(void)st;
	snprintf(sa, sizeof(sa), "%s/sa", dir);
	mkdir(sa, 0700);
	put("sa/token", "sa-token-1\n");
	put("sa/ca.crt", "x");
	put("sa/namespace", "kube-system");
	o.kubeconfig_env = path("none.yaml");
	o.home = dir;
	o.sa_dir = sa;
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), 0);
	assert_true(kc->in_cluster);
	assert_string_equal(kc->server, "https://[fd00::1]:443");
	assert_string_equal(kc->ns, "kube-system");
	a = nd_auth_new(kc, 0);
	assert_int_equal(nd_auth_get(a, &cr, &e), 0);
	assert_string_equal(cr.token, "sa-token-1");
	put("sa/token", "sa-token-2\n");          /* rotated by the kubelet */
	assert_true(nd_auth_invalidate(a));
	assert_int_equal(nd_auth_get(a, &cr, &e), 0);
	assert_string_equal(cr.token, "sa-token-2");
	nd_auth_free(a);
	nd_kubeconfig_free(kc);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

/* incluster's discovery: the variables and the folder, whatever kubeconfig exists */
static void test_in_cluster_forced(void **st)
{
	struct nd_kubeconfig *kc;
	struct nd_err e;
	char sa[300], nosa[300], noca[300];

	(void)st;
	snprintf(sa, sizeof(sa), "%s/sa2", dir);
	snprintf(nosa, sizeof(nosa), "%s/sa-none", dir);
	snprintf(noca, sizeof(noca), "%s/sa-noca", dir);
	mkdir(sa, 0700);
	mkdir(noca, 0700);
	put("sa2/token", "t\n");
	put("sa2/ca.crt", "x");
	put("sa2/namespace", "lab\n");
	put("sa-noca/token", "t");
	unsetenv("KUBERNETES_SERVICE_HOST");
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(nd_kubeconfig_in_cluster(sa, &kc, &e), -1);
	assert_null(kc);
	assert_non_null(strstr(e.msg, "KUBERNETES_SERVICE_HOST"));
	setenv("KUBERNETES_SERVICE_HOST", "", 1);          /* set but empty: not a pod either */
	assert_int_equal(nd_kubeconfig_in_cluster(sa, &kc, &e), -1);
	setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
	assert_int_equal(nd_kubeconfig_in_cluster(sa, &kc, &e), 0);
	assert_true(kc->in_cluster);
	assert_string_equal(kc->server, "https://10.0.0.1:443");
	assert_string_equal(kc->ns, "lab");
	assert_non_null(strstr(kc->token_file, "sa2/token"));
	assert_non_null(strstr(kc->ca_file, "sa2/ca.crt"));
	assert_string_equal(kc->context, "in-cluster");
	nd_kubeconfig_free(kc);
	/* no token (automountServiceAccountToken: false), no CA: named */
	assert_int_equal(nd_kubeconfig_in_cluster(nosa, &kc, &e), -1);
	assert_non_null(strstr(e.msg, "sa-none/token"));
	assert_int_equal(nd_kubeconfig_in_cluster(noca, &kc, &e), -1);
	assert_non_null(strstr(e.msg, "sa-noca/ca.crt"));
	/* the variables name the server: an AKS FQDN host too */
	setenv("KUBERNETES_SERVICE_HOST", "aks-x-1a2b.hcp.westeurope.azmk8s.io", 1);
	assert_int_equal(nd_kubeconfig_in_cluster(sa, &kc, &e), 0);
	assert_string_equal(kc->server, "https://aks-x-1a2b.hcp.westeurope.azmk8s.io:443");
	nd_kubeconfig_free(kc);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

static void exec_case(const char *script, int want, const char *errpart, const char *token)
{
	struct nd_kubeconfig *kc;
	struct nd_kubeconfig_opts o = {0};
	struct nd_auth *a;
	struct nd_cred cr;
	struct nd_err e;
	char y[2048];

	put("plugin.sh", script);
	snprintf(y, sizeof(y),
		 "apiVersion: v1\ncurrent-context: x\nclusters:\n- name: c\n  cluster: {server: "
		 "https://h:6443, certificate-authority-data: aGVsbG8=}\nusers:\n- name: u\n  user:\n"
		 "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
		 "      command: ./plugin.sh\n      interactiveMode: Never\n"
		 "      provideClusterInfo: true\n      installHint: get it\n"
		 "      env: [{name: FOO, value: bar}]\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n");
	put("exec.yaml", y);
	o.path = path("exec.yaml");
	assert_int_equal(nd_kubeconfig_load(&o, &kc, &e), 0);
	a = nd_auth_new(kc, 3000);
	assert_int_equal(nd_auth_get(a, &cr, &e), want);
	if (want == 0) {
		assert_string_equal(cr.token, token);
		assert_int_equal(nd_auth_get(a, &cr, &e), 0);     /* cached */
		assert_int_equal(nd_auth_exec_runs(a), 1);
		assert_true(nd_auth_invalidate(a));               /* after a 401 */
		assert_int_equal(nd_auth_get(a, &cr, &e), 0);
		assert_int_equal(nd_auth_exec_runs(a), 2);
	} else {
		if (!strstr(e.msg, errpart))
			print_message("got: %s\n", e.msg);
		assert_non_null(strstr(e.msg, errpart));
		assert_null(strstr(e.msg, "SECRET"));
		/* a failure is kept: the plugin is not run (nor its stderr shown) again */
		assert_int_equal(nd_auth_get(a, &cr, &e), -1);
		assert_non_null(strstr(e.msg, errpart));
		assert_int_equal(nd_auth_exec_runs(a), 1);
	}
	nd_auth_free(a);
	nd_kubeconfig_free(kc);
}

static void test_exec(void **st)
{
	(void)st;
	exec_case("#!/bin/sh\ncase \"$KUBERNETES_EXEC_INFO\" in *'\"server\":\"https://h:6443\"'*"
		  "'aGVsbG8='*) ;; *) exit 9;; esac\n[ \"$FOO\" = bar ] || exit 8\n"
		  "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
		  "\"status\":{\"token\":\"t0k\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}'\n",
		  0, NULL, "t0k");
	exec_case("#!/bin/sh\necho 'SECRET not json'\n", -1, "not JSON", NULL);
	exec_case("#!/bin/sh\nexit 3\n", -1, "exited with status 3", NULL);
	/* its stderr, once, under its name */
	exec_case("#!/bin/sh\necho 'login failed:' >&2\necho 'AADSTS700082 expired' >&2\nexit 1\n",
		  -1, "exited with status 1; /tmp/nd-kc-", NULL);
	exec_case("#!/bin/sh\necho 'login failed:' >&2\necho 'AADSTS700082 expired' >&2\nexit 1\n",
		  -1, "plugin.sh said: login failed: AADSTS700082 expired",
		  NULL);
	exec_case("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
		  "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"SECRET\"}}'\n", -1,
		  "apiVersion", NULL);
	exec_case("#!/bin/sh\nsleep 10\n", -1, "did not finish", NULL);
	exec_case("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
		  "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"SECRET\","
		  "\"expirationTimestamp\":\"yesterday\"}}'\n", -1, "RFC 3339", NULL);
}

static void test_base64(void **st)
{
	size_t n;
	char *s;

	(void)st;
	s = nd_base64_decode("aGVs\nbG8gd29ybGQ=", &n);
	assert_int_equal(n, 11);
	assert_string_equal(s, "hello world");
	free(s);
	assert_null(nd_base64_decode("a*b", &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_kubelogin_entry),
		cmocka_unit_test(test_in_cluster),
		cmocka_unit_test(test_in_cluster_forced),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_base64),
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
