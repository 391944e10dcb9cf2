/* SPDX-License-Identifier: MIT */
/* netdiag serve --snapshot DIR: a bundle as a read-only Kubernetes API that kubectl can use. */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/i18n.h"
#include "core/num.h"
#include "core/buf.h"
#include "k8s/snapshot.h"
#include "serve/hostile.h"
#include "serve/overlay.h"
#include "serve/serve.h"
#include "serve/store.h"
#include "serve/tls.h"
#include "core/banned.h"

#define MAX_FORBID 32
#define MAX_PEM (1u << 20)

const char nd_serve_help[] =
	N_("Serves a bundle as a read-only Kubernetes API; kubectl works on it:\n"
	"  netdiag serve --snapshot DIR --write-kubeconfig kc &\n"
	"  kubectl --kubeconfig kc get pods -A\n"
	"The first line on standard output is the server's URL. Writes are refused\n"
	"(405) unless --writable: then namespaces, serviceaccounts, RBAC objects and\n"
	"daemonsets can be created and deleted, in memory over the bundle (which is\n"
	"never modified); a created DaemonSet's status counts the bundle's pods it\n"
	"selects, so 'netdiag fleet run' and 'kubectl apply -f' can be tried on a\n"
	"replay. The --fault-* switches are for tests: they make the server\n"
	"misbehave on purpose.\n"
	"A connection must finish its TLS handshake and first request headers\n"
	"within 5 s of connecting; once a request has authenticated it may stay\n"
	"idle 60 s between requests. Over --max-connections (1024) or\n"
	"--max-per-client (256) a new connection evicts one that never\n"
	"authenticated, never an authenticated one.\n");

struct serve_args {
	const char *dir, *listen, *cert, *key, *client_ca, *token, *user, *kubeconfig, *spool;
	const char *forbid[MAX_FORBID];
	size_t nforbid;
	struct nd_faults faults;
	uint32_t max_conns, max_per_client;
	bool writable;
};

static int parse_args(const struct nd_cmd *cmd, int argc, char **argv, struct serve_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = NULL;
		const char *eq = strchr(o, '=');
		char name[64];
		size_t nl = eq ? (size_t)(eq - o) : strlen(o);

		if (o[0] != '-') {
			if (a->dir)
				return nd_usage_error(cmd, _("unexpected argument '%s'"), o);
			a->dir = o;
			continue;
		}
		if (nl >= sizeof(name))
			return nd_usage_error(cmd, _("unknown option '%s'"), o);
		memcpy(name, o, nl);
		name[nl] = '\0';
		if (strcmp(name, "--fault-410-continue") == 0 && !eq) {
			a->faults.expire_continue = true;
			continue;
		}
		if (strcmp(name, "--writable") == 0 && !eq) {
			a->writable = true;
			continue;
		}
		if (strcmp(name, "--fault-sar-deny") == 0 && !eq) {
			a->faults.sar_deny = true;
			continue;
		}
		if (eq) {
			v = eq + 1;
		} else {
			if (i + 1 >= argc)
				return nd_usage_error(cmd, _("option '%s' needs a value"), o);
			v = argv[++i];
		}
#define STR(opt, field) if (strcmp(name, opt) == 0) { a->field = v; continue; }
		STR("--listen", listen)
		STR("--tls-cert", cert)
		STR("--tls-key", key)
		STR("--client-ca", client_ca)
		STR("--token", token)
		STR("--user", user)
		STR("--write-kubeconfig", kubeconfig)
		STR("--spool-dir", spool)
		STR("--fault-hang-path", faults.hang_prefix)
		STR("--fault-truncate-path", faults.truncate_prefix)
		STR("--fault-500-path", faults.fail500_prefix)
		STR("--fault-hostile-path", faults.hostile_prefix)
#undef STR
		if (strcmp(name, "--forbid") == 0) {
			if (a->nforbid >= MAX_FORBID)
				return nd_usage_error(cmd, _("--forbid given more than %d times"),
						      MAX_FORBID);
			a->forbid[a->nforbid++] = v;
			continue;
		}
		if (strcmp(name, "--fault-hostile") == 0) {
			a->faults.hostile = nd_hostile_parse(v);
			if (a->faults.hostile < 0)
				return nd_usage_error(cmd, _("--fault-hostile takes one of %s, not "
							     "'%s'"), nd_hostile_names, v);
			continue;
		}
		if (strcmp(name, "--fault-latency") == 0) {
			if (nd_parse_i64(v, strlen(v), 0, 3600000, &a->faults.latency_ms) < 0)
				return nd_usage_error(cmd, _("--fault-latency takes milliseconds "
							     "(0-3600000), not '%s'"), v);
			continue;
		}
		if (strcmp(name, "--max-connections") == 0 || strcmp(name, "--max-per-client") == 0) {
			uint32_t *n = name[6] == 'c' ? &a->max_conns : &a->max_per_client;

			if (nd_parse_u32(v, strlen(v), 100000, n) < 0 || *n < 1)
				return nd_usage_error(cmd, _("%s takes a count (1-100000), not '%s'"),
						      name, v);
			continue;
		}
		if (strcmp(name, "--fault-429-every") == 0) {
			if (nd_parse_u32(v, strlen(v), 1000000, &a->faults.every_429) < 0 ||
			    !a->faults.every_429)
				return nd_usage_error(cmd, _("--fault-429-every takes a count "
							     "(1-1000000), not '%s'"), v);
			continue;
		}
		return nd_usage_error(cmd, _("unknown option '%s'"), o);
	}
	if (!a->cert != !a->key)
		return nd_usage_error(cmd, _("--tls-cert and --tls-key go together"));
	if (a->token && (!*a->token || strpbrk(a->token, " \t\r\n\"\\")))
		return nd_usage_error(cmd, _("--token must be non-empty, without spaces or quotes"));
	return ND_EXIT_OK;
}

/* A kubeconfig for url; written to a temporary file, then renamed, mode 0600. */
static int write_kubeconfig(const char *path, const char *url, const char *ca_pem,
			    const char *token, struct nd_err *e)
{
	struct nd_buf b;
	char tmp[4096];
	size_t done = 0;
	int fd, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return nd_err_set(e, _("kubeconfig path '%s' is too long"), path);
	nd_buf_init(&b, 4u << 20);
	nd_buf_adds(&b, "apiVersion: v1\nkind: Config\nclusters:\n- name: netdiag-serve\n"
		     "  cluster:\n    server: ");
	nd_buf_cstr(&b, url);
	nd_buf_adds(&b, "\n    certificate-authority-data: ");
	nd_buf_base64(&b, ca_pem, strlen(ca_pem));
	nd_buf_adds(&b, "\ncontexts:\n- name: netdiag-serve\n  context:\n    cluster: netdiag-serve\n"
		     "    user: netdiag-serve\ncurrent-context: netdiag-serve\nusers:\n"
		     "- name: netdiag-serve\n  user:\n");
	if (token) {
		nd_buf_adds(&b, "    token: ");
		nd_buf_cstr(&b, token);
		nd_buf_addc(&b, '\n');
	} else {
		nd_buf_adds(&b, "    {}\n");
	}
	if (b.toobig) {
		nd_buf_release(&b);
		return nd_err_set(e, _("kubeconfig for '%s' too large"), path);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		nd_err_set(e, _("cannot write '%s': %s"), tmp, strerror(errno));
		goto out;
	}
	while (done < b.len) {
		ssize_t n = write(fd, b.p + done, b.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			nd_err_set(e, _("cannot write '%s': %s"), tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, 0600) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		nd_err_set(e, _("cannot write '%s': %s"), path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	nd_buf_release(&b);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_serve(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("serve");
	struct serve_args a = {0};
	struct nd_store_opts so = {0};
	struct nd_serve_opts o = {0};
	struct nd_store *store = NULL;
	struct nd_snapshot *snap = NULL;
	struct nd_server *srv = NULL;
	struct nd_overlay *ov = NULL;
	struct nd_tls_pair pair = {0};
	char host[256], token[65], url[400];
	char *client_ca = NULL, *logs = NULL;
	const char *url_host;
	struct nd_err e;
	sigset_t sigs;
	int rc, sig = 0;
	int64_t t0 = now_ms();
	size_t i, kinds = 0;

	rc = parse_args(cmd, argc, argv, &a);
	if (rc != ND_EXIT_OK)
		return rc;
	if (!a.dir)
		a.dir = ctx->snapshot;
	if (!a.dir)
		return nd_usage_error(cmd, _("no bundle to serve: give --snapshot DIR"));
	if (nd_listen_parse(a.listen ? a.listen : "127.0.0.1:0", host, sizeof(host), &o.port, &e) < 0)
		return nd_usage_error(cmd, "%s", e.msg);

	/* the signals are waited for below; every thread started from here inherits the mask */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	so.spool_dir = a.spool;
	/* a .tar.gz is extracted to a private folder, removed at the end */
	if (nd_snapshot_open(a.dir, &snap, &e) < 0 ||
	    nd_store_load(snap->root, &so, &store, &e) < 0) {
		fprintf(stderr, "netdiag serve: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < store->nerrors; i++)
		fprintf(stderr, "netdiag serve: %s\n", store->errors[i]);
	if (store->errors_dropped)
		fprintf(stderr, _("netdiag serve: %zu more problems not listed\n"),
			store->errors_dropped);
	for (i = 0; i < store->nres; i++)
		kinds += store->res[i].nobjs > 0;

	if (a.cert) {
		if (nd_read_small_file(a.cert, MAX_PEM, &pair.cert_pem, &e) < 0 ||
		    nd_read_small_file(a.key, MAX_PEM, &pair.key_pem, &e) < 0) {
			fprintf(stderr, "netdiag serve: %s\n", e.msg);
			rc = ND_EXIT_USAGE;
			goto out;
		}
	} else {
		const char *hosts[1] = {host};

		if (nd_tls_selfsigned(hosts, 1, 365, &pair, &e) < 0) {
			fprintf(stderr, "netdiag serve: %s\n", e.msg);
			rc = ND_EXIT_NORUN;
			goto out;
		}
	}
	if (a.client_ca && nd_read_small_file(a.client_ca, MAX_PEM, &client_ca, &e) < 0) {
		fprintf(stderr, "netdiag serve: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
		goto out;
	}
	if (!a.token) {
		if (nd_random_hex(token, 32, &e) < 0) {
			fprintf(stderr, "netdiag serve: %s\n", e.msg);
			rc = ND_EXIT_NORUN;
			goto out;
		}
		a.token = token;
	}

	o.host = host;
	o.cert_pem = pair.cert_pem;
	o.key_pem = pair.key_pem;
	o.client_ca_pem = client_ca;
	o.client_ca_name = a.client_ca;
	o.token = a.token;
	o.token_user = a.user ? a.user : "netdiag";
	o.forbid = a.forbid;
	o.nforbid = a.nforbid;
	o.faults = a.faults;
	o.max_connections = a.max_conns;
	o.max_per_client = a.max_per_client;
	/* the former connection model, kept only so bench/run.sh can compare the two */
	o.thread_per_connection = getenv("NETDIAG_SERVE_MODEL") &&
				  strcmp(getenv("NETDIAG_SERVE_MODEL"), "thread-per-connection") == 0;
	logs = nd_xmalloc(strlen(snap->root) + 6);
	memcpy(logs, snap->root, strlen(snap->root));
	memcpy(logs + strlen(snap->root), "/logs", 6);
	o.logs_dir = logs;
	/* kubectl reads the API server's own words: the request threads answer in English */
	nd_i18n_english_threads();
	if (a.writable)
		o.overlay = ov = nd_overlay_new(store);
	if (nd_server_start(store, &o, &srv, &e) < 0) {
		fprintf(stderr, "netdiag serve: %s\n", e.msg);
		rc = ND_EXIT_NORUN;
		goto out;
	}
	url_host = strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : strcmp(host, "::") == 0 ? "::1" : host;
	snprintf(url, sizeof(url), strchr(url_host, ':') ? "https://[%s]:%u" : "https://%s:%u",
		 url_host, nd_server_port(srv));
	if (a.kubeconfig && write_kubeconfig(a.kubeconfig, url, pair.cert_pem, a.token, &e) < 0) {
		fprintf(stderr, "netdiag serve: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
		goto out;
	}
	printf("%s\n", url);
	if (fflush(stdout) != 0) {
		rc = ND_EXIT_USAGE;
		goto out;
	}
	fprintf(stderr, _("netdiag serve: %zu objects of %zu kinds from '%s' at %s "
			  "(spool %.1f MiB, ready in %lld ms)%s\n"),
		(size_t)store->nobjs, kinds, a.dir, url, (double)store->spool_size / 1048576.0,
		(long long)(now_ms() - t0), nd_faults_any(&a.faults) ? _("; faults on") : "");
	if (a.writable)
		fprintf(stderr, _("netdiag serve: writable: objects created through the API are kept "
				  "in memory over the bundle, which is not modified\n"));
	if (store->secrets)
		fprintf(stderr, _("netdiag serve: %zu Secrets in the bundle are not served\n"),
			store->secrets);
	while (sigwait(&sigs, &sig) != 0)
		;
	fprintf(stderr, _("netdiag serve: stopping (%s)\n"), sig == SIGINT ? "SIGINT" : "SIGTERM");
	{
		uint64_t acc, ev, ex;

		nd_server_counts(srv, &acc, &ev, &ex);
		fprintf(stderr, _("netdiag serve: %llu connections, %llu evicted over a cap, %llu cut "
				  "at the %d s handshake deadline\n"), (unsigned long long)acc,
			(unsigned long long)ev, (unsigned long long)ex, ND_SERVE_FRESH_S);
	}
	rc = ND_EXIT_OK;
out:
	nd_server_stop(srv);
	nd_overlay_free(ov);
	nd_store_free(store);
	nd_snapshot_close(snap);
	nd_tls_pair_release(&pair);
	free(client_ca);
	free(logs);
	return rc;
}
