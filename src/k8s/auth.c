/* SPDX-License-Identifier: MIT */
#include "k8s/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/num.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "core/base64.h"
#include "core/banned.h"
#include "core/i18n.h"

extern char **environ;

#define EXEC_OUT_MAX (1 << 20)
#define TOKEN_FILE_MAX (64 * 1024)
#define TOKEN_FILE_TTL_MS 60000

struct nd_auth {
	const struct nd_kubeconfig *kc;
	int64_t exec_timeout_ms;
	/* exec cache */
	bool have_exec;
	char *x_token, *x_cert, *x_key;
	size_t x_cert_len, x_key_len;
	int64_t x_expires;           /* Unix seconds, 0 = no expiry given */
	unsigned runs;
	char *x_failed;              /* the plugin's failure, kept: it is not run again */
	/* token file cache */
	char *f_token;
	int64_t f_read_at;
	/* the kubeconfig client certificate's validity window, checked once */
	bool cert_checked;
	char cert_problem[512];      /* "" when it is in its window (or unreadable) */
};

struct nd_auth *nd_auth_new(const struct nd_kubeconfig *kc, int64_t exec_timeout_ms)
{
	struct nd_auth *a = nd_xcalloc(1, sizeof(*a));

	a->kc = kc;
	a->exec_timeout_ms = exec_timeout_ms;
	return a;
}

static void wipe(char **s, size_t n)
{
	if (*s) {
		explicit_bzero(*s, n ? n : strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static void drop_exec(struct nd_auth *a)
{
	wipe(&a->x_token, 0);
	wipe(&a->x_cert, a->x_cert_len);
	wipe(&a->x_key, a->x_key_len);
	a->have_exec = false;
}

void nd_auth_free(struct nd_auth *a)
{
	if (!a)
		return;
	drop_exec(a);
	wipe(&a->f_token, 0);
	free(a->x_failed);
	free(a);
}

unsigned nd_auth_exec_runs(const struct nd_auth *a)
{
	return a->runs;
}

bool nd_auth_invalidate(struct nd_auth *a)
{
	const struct nd_kubeconfig *kc = a->kc;

	if (kc->exec) {
		drop_exec(a);
		return true;
	}
	if (kc->token_file) {
		wipe(&a->f_token, 0);
		return true;
	}
	return false;
}

/* ---- token file ---- */

static int read_token_file(struct nd_auth *a, struct nd_err *e)
{
	const char *p = a->kc->token_file;
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;
	size_t len = 0, s = 0;

	if (fd < 0)
		return nd_err_set(e, _("cannot read token file '%s': %s"), p, strerror(errno));
	buf = nd_xmalloc(TOKEN_FILE_MAX + 1);
	while (len < TOKEN_FILE_MAX && (n = read(fd, buf + len, TOKEN_FILE_MAX - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			wipe(&buf, len);
			return nd_err_set(e, _("cannot read token file '%s': %s"), p, strerror(errno));
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	while (buf[s] == ' ' || buf[s] == '\n')
		s++;
	if (buf[s] == '\0') {
		free(buf);
		return nd_err_set(e, _("token file '%s' is empty"), p);
	}
	if (s)
		memmove(buf, buf + s, len - s + 1);
	wipe(&a->f_token, 0);
	a->f_token = buf;
	a->f_read_at = nd_now_ms();
	return 0;
}

/* ---- exec plugin ---- */

/* Append a JSON string literal (s is a config value: escape quotes, backslashes, controls). */
static void jstr(char **buf, size_t *len, size_t *cap, const char *s)
{
	for (; s && *s; s++) {
		char tmp[8];
		const char *esc = nd_json_escape((unsigned char)*s, tmp);
		size_t n = esc ? strlen(esc) : 1;

		if (!esc) {
			tmp[0] = *s;
			esc = tmp;
		}
		ND_GROW(*buf, *cap, *len + n + 1);
		memcpy(*buf + *len, esc, n);
		*len += n;
		(*buf)[*len] = '\0';
	}
}

static void jraw(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	ND_GROW(*buf, *cap, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

static char *exec_info(const struct nd_kubeconfig *kc, bool interactive)
{
	const struct nd_exec_cfg *x = kc->exec;
	char *b = NULL;
	size_t len = 0, cap = 0;

	jraw(&b, &len, &cap, "KUBERNETES_EXEC_INFO={\"apiVersion\":\"");
	jstr(&b, &len, &cap, x->api_version);
	jraw(&b, &len, &cap, "\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":");
	jraw(&b, &len, &cap, interactive ? "true" : "false");
	if (x->provide_cluster_info) {
		struct nd_arena *ar = nd_arena_new(0);
		char *ca = NULL;

		jraw(&b, &len, &cap, ",\"cluster\":{\"server\":\"");
		jstr(&b, &len, &cap, kc->server);
		jraw(&b, &len, &cap, "\"");
		if (kc->tls_server_name) {
			jraw(&b, &len, &cap, ",\"tls-server-name\":\"");
			jstr(&b, &len, &cap, kc->tls_server_name);
			jraw(&b, &len, &cap, "\"");
		}
		if (kc->insecure)
			jraw(&b, &len, &cap, ",\"insecure-skip-tls-verify\":true");
		if (kc->ca_data) {
			ca = nd_arena_alloc(ar, ND_B64_LEN(kc->ca_len) + 1);
			nd_b64_encode(kc->ca_data, kc->ca_len, ca);
		}
		if (ca) {
			jraw(&b, &len, &cap, ",\"certificate-authority-data\":\"");
			jraw(&b, &len, &cap, ca);
			jraw(&b, &len, &cap, "\"");
		}
		if (kc->proxy_url) {
			jraw(&b, &len, &cap, ",\"proxy-url\":\"");
			jstr(&b, &len, &cap, kc->proxy_url);
			jraw(&b, &len, &cap, "\"");
		}
		jraw(&b, &len, &cap, "}");
		nd_arena_free(ar);
	}
	jraw(&b, &len, &cap, "}}");
	return b;
}

static char **child_env(const struct nd_kubeconfig *kc, char *info)
{
	size_t n = 0, i, k = 0, j;
	char **env;

	while (environ[n])
		n++;
	env = nd_xcalloc(n + kc->exec->nenv + 2, sizeof(*env));
	for (i = 0; i < n; i++) {
		size_t l = strcspn(environ[i], "=");
		bool over = strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0;

		for (j = 0; !over && j < kc->exec->nenv; j++)
			over = strncmp(environ[i], kc->exec->env[j], l + 1) == 0;
		if (!over)
			env[k++] = environ[i];
	}
	for (j = 0; j < kc->exec->nenv; j++)
		env[k++] = kc->exec->env[j];
	env[k++] = info;
	env[k] = NULL;
	return env;
}

/* Run the plugin; its stdout (up to EXEC_OUT_MAX) into *out. */
static int run_plugin(struct nd_auth *a, char **out, size_t *outlen, struct nd_err *e)
{
	const struct nd_kubeconfig *kc = a->kc;
	const struct nd_exec_cfg *x = kc->exec;
	bool tty = isatty(STDIN_FILENO), interactive;
	int po[2], pe[2], perr[2] = {-1, -1}, status = 0, rc = -1;
	char **argv, **env, *info, *buf = NULL, said[1024];
	size_t len = 0, i, saidlen = 0;
	int64_t deadline, limit;
	pid_t pid;
	int err_no = 0;
	bool timed_out = false;

	if (x->interactive == ND_EXEC_ALWAYS && !tty)
		return nd_err_set(e, _("exec plugin '%s' (user '%s') needs an interactive terminal "
				  "(interactiveMode: Always) and standard input is not one"),
				  x->command, kc->user);
	interactive = tty && x->interactive != ND_EXEC_NEVER;
	limit = a->exec_timeout_ms > 0 ? a->exec_timeout_ms : interactive ? 300000 : 60000;
	deadline = nd_now_ms() + limit;
	info = exec_info(kc, interactive);
	env = child_env(kc, info);
	argv = nd_xcalloc(x->nargs + 2, sizeof(*argv));
	argv[0] = x->command;
	for (i = 0; i < x->nargs; i++)
		argv[i + 1] = x->args[i];
	/* not interactive: its stderr is kept and shown once, in the error, under its name
	 * (interactive: it goes to the terminal, where a sign-in prompt must be seen) */
	if (!interactive && pipe2(perr, O_CLOEXEC) < 0)
		perr[0] = perr[1] = -1;
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		nd_err_set(e, _("cannot start exec plugin '%s': %s"), x->command, strerror(errno));
		goto out_free;
	}
	pid = fork();
	if (pid < 0) {
		nd_err_set(e, _("cannot start exec plugin '%s': %s"), x->command, strerror(errno));
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		goto out_free;
	}
	if (pid == 0) {
		int en;

		dup2(po[1], STDOUT_FILENO);
		if (perr[1] >= 0)
			dup2(perr[1], STDERR_FILENO);
		if (!interactive) {
			int dn = open("/dev/null", O_RDONLY);

			if (dn >= 0)
				dup2(dn, STDIN_FILENO);
		}
		execvpe(x->command, argv, env);
		en = errno;
		if (write(pe[1], &en, sizeof(en)) < 0)
			_exit(127);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	if (perr[1] >= 0)
		close(perr[1]);
	if (read(pe[0], &err_no, sizeof(err_no)) != (ssize_t)sizeof(err_no))
		err_no = 0;
	close(pe[0]);
	buf = nd_xmalloc(EXEC_OUT_MAX + 1);
	for (;;) {
		struct pollfd pf[2] = {{.fd = po[0], .events = POLLIN},
				       {.fd = perr[0], .events = POLLIN}};
		int64_t left = deadline - nd_now_ms();
		ssize_t n;
		int pr;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		pr = poll(pf, perr[0] >= 0 ? 2 : 1, (int)(left > 1000 ? 1000 : left));
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		if (perr[0] >= 0 && (pf[1].revents & (POLLIN | POLLHUP))) {
			char junk[512];

			n = read(perr[0], saidlen < sizeof(said) - 1 ? said + saidlen : junk,
				 saidlen < sizeof(said) - 1 ? sizeof(said) - 1 - saidlen : sizeof(junk));
			if (n <= 0) {
				close(perr[0]);
				perr[0] = -1;
			} else if (saidlen < sizeof(said) - 1) {
				saidlen += (size_t)n;
			}
		}
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (len >= EXEC_OUT_MAX) {
			timed_out = false;
			break;
		}
		n = read(po[0], buf + len, EXEC_OUT_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(po[0]);
	if (timed_out || len >= EXEC_OUT_MAX)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while (perr[0] >= 0 && saidlen < sizeof(said) - 1) {   /* what it said last */
		ssize_t n = read(perr[0], said + saidlen, sizeof(said) - 1 - saidlen);

		if (n <= 0)
			break;
		saidlen += (size_t)n;
	}
	if (perr[0] >= 0)
		close(perr[0]);
	said[saidlen] = '\0';
	for (i = 0; i < saidlen; i++)        /* one line for the message */
		if (said[i] == '\n' || said[i] == '\r' || said[i] == '\t')
			said[i] = ' ';
	while (saidlen && said[saidlen - 1] == ' ')
		said[--saidlen] = '\0';
	a->runs++;
	buf[len] = '\0';
	if (err_no) {
		nd_err_set(e, _("cannot run exec plugin '%s' of user '%s': %s%s%s"), x->command,
			   kc->user, strerror(err_no), x->install_hint ? "; " : "",
			   x->install_hint ? x->install_hint : "");
	} else if (timed_out) {
		nd_err_set(e, _("exec plugin '%s' of user '%s' did not finish within %lld ms"),
			   x->command, kc->user, (long long)limit);
	} else if (len >= EXEC_OUT_MAX) {
		nd_err_set(e, _("exec plugin '%s' printed more than %d bytes"), x->command, EXEC_OUT_MAX);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && saidlen)
			nd_err_set(e, _("exec plugin '%s' of user '%s' exited with status %d; %s "
				   "said: %.600s"), x->command, kc->user, WEXITSTATUS(status),
				   x->command, said);
		else if (WIFEXITED(status))
			nd_err_set(e, _("exec plugin '%s' of user '%s' exited with status %d%s"),
				   x->command, kc->user, WEXITSTATUS(status),
				   interactive ? _(" (its messages are above)") : _(" and said nothing"));
		else
			nd_err_set(e, _("exec plugin '%s' of user '%s' was killed by signal %d"),
				   x->command, kc->user, WTERMSIG(status));
	} else {
		*out = buf;
		*outlen = len;
		buf = NULL;
		rc = 0;
	}
out_free:
	if (buf)
		wipe(&buf, len);
	free(argv);
	free(env);
	free(info);
	return rc;
}

static char *dup_json_str(const struct nd_json *v, size_t *len)
{
	char *s;

	if (!v || v->type != ND_JSTR)
		return NULL;
	s = nd_xmalloc(v->n + 1);
	memcpy(s, v->u.s, v->n);
	s[v->n] = '\0';
	if (len)
		*len = v->n;
	return s;
}

int nd_auth_exec_parse(struct nd_auth *a, const char *buf, size_t len, struct nd_err *e)
{
	const struct nd_exec_cfg *x = a->kc->exec;
	struct nd_arena *ar = nd_arena_new(0);
	struct nd_json root;
	const struct nd_json *st;
	const char *kind, *api, *exp;
	struct nd_err pe;
	int rc = -1;

	if (nd_json_parse(buf, len, 0, ar, &root, &pe) < 0) {
		/* pe may quote the output: do not pass it on */
		nd_err_set(e, _("exec plugin '%s' printed something that is not JSON (an "
			   "ExecCredential was expected)"), x->command);
		goto out;
	}
	kind = nd_json_str(nd_json_get(&root, "kind"));
	api = nd_json_str(nd_json_get(&root, "apiVersion"));
	if (!kind || strcmp(kind, "ExecCredential") != 0) {
		nd_err_set(e, _("exec plugin '%s' printed a '%s', not an ExecCredential"), x->command,
			   kind ? kind : _("object without kind"));
		goto out;
	}
	if (!api || strcmp(api, x->api_version) != 0) {
		nd_err_set(e, _("exec plugin '%s' answered with apiVersion '%s', but the kubeconfig "
			   "asks for '%s'"), x->command, api ? api : "(none)", x->api_version);
		goto out;
	}
	st = nd_json_get(&root, "status");
	if (!st || st->type != ND_JOBJ) {
		nd_err_set(e, _("exec plugin '%s' gave an ExecCredential without status"), x->command);
		goto out;
	}
	drop_exec(a);
	a->x_token = dup_json_str(nd_json_get(st, "token"), NULL);
	a->x_cert = dup_json_str(nd_json_get(st, "clientCertificateData"), &a->x_cert_len);
	a->x_key = dup_json_str(nd_json_get(st, "clientKeyData"), &a->x_key_len);
	if (!a->x_token && !(a->x_cert && a->x_key)) {
		drop_exec(a);
		nd_err_set(e, _("exec plugin '%s' gave neither status.token nor "
			   "status.clientCertificateData and clientKeyData"), x->command);
		goto out;
	}
	a->x_expires = 0;
	exp = nd_json_str(nd_json_get(st, "expirationTimestamp"));
	if (exp && nd_parse_rfc3339(exp, &a->x_expires) < 0) {
		drop_exec(a);
		nd_err_set(e, _("exec plugin '%s': expirationTimestamp '%s' is not RFC 3339"),
			   x->command, exp);
		goto out;
	}
	a->have_exec = true;
	rc = 0;
out:
	nd_arena_free(ar);
	return rc;
}

static void asn1_iso(const ASN1_TIME *t, char *out, size_t n)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1 || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, _("an unreadable date"));
}

/*
 * An API server refuses a client certificate outside its validity window
 * with a bare 401 "Unauthorized"; say which certificate and when instead.
 * Only when the certificate is the user's only credential: with a token as
 * well, the server may still authenticate the token. A certificate that
 * cannot be read is left to libcurl, which names the problem.
 */
static void check_cert_window(struct nd_auth *a)
{
	const struct nd_kubeconfig *kc = a->kc;
	BIO *bio;
	X509 *x = NULL;
	char when[40];
	const char *from = kc->cert_data ? "client-certificate-data" : kc->cert_file;

	a->cert_checked = true;
	a->cert_problem[0] = '\0';
	if (kc->cert_data)
		bio = BIO_new_mem_buf(kc->cert_data, (int)kc->cert_len);
	else
		bio = BIO_new_file(kc->cert_file, "r");
	if (bio)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!x)
		return;
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
		asn1_iso(X509_get0_notAfter(x), when, sizeof(when));
		snprintf(a->cert_problem, sizeof(a->cert_problem),
			 _("the client certificate of kubeconfig user '%s' (%s) expired on %s; "
			 "the API server refuses it: get new credentials (on AKS: az aks "
			 "get-credentials)"), kc->user ? kc->user : "", from, when);
	} else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
		asn1_iso(X509_get0_notBefore(x), when, sizeof(when));
		snprintf(a->cert_problem, sizeof(a->cert_problem),
			 _("the client certificate of kubeconfig user '%s' (%s) is not valid before "
			 "%s: check this machine's clock"), kc->user ? kc->user : "", from, when);
	}
	X509_free(x);
}

int nd_auth_get(struct nd_auth *a, struct nd_cred *out, struct nd_err *e)
{
	const struct nd_kubeconfig *kc = a->kc;

	memset(out, 0, sizeof(*out));
	out->source = "none";
	if (kc->cert_data && kc->key_data) {
		out->cert_data = kc->cert_data;
		out->cert_len = kc->cert_len;
		out->key_data = kc->key_data;
		out->key_len = kc->key_len;
		out->source = "client-certificate";
	} else if (kc->cert_file && kc->key_file) {
		out->cert_file = kc->cert_file;
		out->key_file = kc->key_file;
		out->source = "client-certificate";
	}
	if (out->cert_data || out->cert_file) {
		if (!kc->exec && !kc->token && !kc->token_file && !a->cert_checked)
			check_cert_window(a);
		if (a->cert_problem[0])
			return nd_err_set(e, "%s", a->cert_problem);
	}
	if (kc->exec) {
		if (a->have_exec && a->x_expires && a->x_expires <= (int64_t)time(NULL) + 10)
			drop_exec(a);
		if (a->x_failed)     /* once: the same failure, not the plugin again */
			return nd_err_set(e, "%s", a->x_failed);
		if (!a->have_exec) {
			char *buf = NULL;
			size_t len = 0;
			int rc;

			if (run_plugin(a, &buf, &len, e) < 0) {
				a->x_failed = nd_xstrdup(e->msg);
				return -1;
			}
			rc = nd_auth_exec_parse(a, buf, len, e);
			wipe(&buf, len);
			if (rc < 0) {
				a->x_failed = nd_xstrdup(e->msg);
				return -1;
			}
		}
		out->source = "exec";
		out->token = a->x_token;
		if (a->x_cert && a->x_key) {
			out->cert_data = a->x_cert;
			out->cert_len = a->x_cert_len;
			out->key_data = a->x_key;
			out->key_len = a->x_key_len;
			out->cert_file = out->key_file = NULL;
		}
		return 0;
	}
	if (kc->token_file) {
		if (!a->f_token || nd_now_ms() - a->f_read_at > TOKEN_FILE_TTL_MS) {
			if (read_token_file(a, e) < 0) {
				if (!kc->token)
					return -1;
			}
		}
		if (a->f_token) {
			out->token = a->f_token;
			out->source = "tokenFile";
			return 0;
		}
	}
	if (kc->token) {
		out->token = kc->token;
		out->source = "token";
	}
	return 0;
}

void nd_cred_apply(const struct nd_cred *cr, struct nd_http_req *rq)
{
	rq->bearer = cr->token;
	rq->cert_data = cr->cert_data;
	rq->cert_len = cr->cert_len;
	rq->key_data = cr->key_data;
	rq->key_len = cr->key_len;
	rq->cert_file = cr->cert_file;
	rq->key_file = cr->key_file;
}
