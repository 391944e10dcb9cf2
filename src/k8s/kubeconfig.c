/* SPDX-License-Identifier: MIT */
#include "k8s/kubeconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/err.h"
#include "core/base64.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_FILES 64
#define MAX_FILE_BYTES (16 << 20)

struct kfile {
	char *path;
	char *dir;               /* folder of path, for relative paths */
	yaml_document_t doc;
};

struct kset {
	struct kfile f[MAX_FILES];
	size_t n;
};

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static char *dir_of(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s)
		return nd_xstrdup(".");
	if (s == p)
		return nd_xstrdup("/");
	{
		char *d = nd_xmalloc((size_t)(s - p) + 1);

		memcpy(d, p, (size_t)(s - p));
		d[s - p] = '\0';
		return d;
	}
}

/*
 * libyaml's problem texts (it has no message catalogue of its own), listed so
 * that they are extracted into po/ and shown translated; a text not listed
 * here is shown as libyaml wrote it.
 */
static const char *const yaml_problems[] = {
	N_("block sequence entries are not allowed in this context"),
	N_("control characters are not allowed"),
	N_("could not find expected ':'"),
	N_("could not find expected directive name"),
	N_("did not find URI escaped octet"),
	N_("did not find expected '!'"),
	N_("did not find expected ',' or ']'"),
	N_("did not find expected ',' or '}'"),
	N_("did not find expected '-' indicator"),
	N_("did not find expected <document start>"),
	N_("did not find expected <stream-start>"),
	N_("did not find expected alphabetic or numeric character"),
	N_("did not find expected comment or line break"),
	N_("did not find expected digit or '.' character"),
	N_("did not find expected hexdecimal number"),
	N_("did not find expected key"),
	N_("did not find expected node content"),
	N_("did not find expected tag URI"),
	N_("did not find expected version number"),
	N_("did not find expected whitespace"),
	N_("did not find expected whitespace or line break"),
	N_("did not find the expected '>'"),
	N_("found a tab character that violates indentation"),
	N_("found a tab character where an indentation space is expected"),
	N_("found an incorrect leading UTF-8 octet"),
	N_("found an incorrect trailing UTF-8 octet"),
	N_("found an indentation indicator equal to 0"),
	N_("found character that cannot start any token"),
	N_("found duplicate %TAG directive"),
	N_("found duplicate %YAML directive"),
	N_("found duplicate anchor; first occurrence"),
	N_("found extremely long version number"),
	N_("found incompatible YAML document"),
	N_("found invalid Unicode character escape code"),
	N_("found undefined alias"),
	N_("found undefined tag handle"),
	N_("found unexpected ':'"),
	N_("found unexpected document indicator"),
	N_("found unexpected end of stream"),
	N_("found unexpected non-alphabetical character"),
	N_("found unknown directive name"),
	N_("found unknown escape character"),
	N_("incomplete UTF-16 character"),
	N_("incomplete UTF-16 surrogate pair"),
	N_("incomplete UTF-8 octet sequence"),
	N_("invalid Unicode character"),
	N_("invalid leading UTF-8 octet"),
	N_("invalid length of a UTF-8 sequence"),
	N_("invalid trailing UTF-8 octet"),
	N_("mapping keys are not allowed in this context"),
	N_("mapping values are not allowed in this context"),
};

static const char *yaml_problem(const char *p)
{
	if (!p)
		return _("invalid YAML");
	for (size_t i = 0; i < sizeof(yaml_problems) / sizeof(yaml_problems[0]); i++)
		if (strcmp(p, yaml_problems[i]) == 0)
			return _(yaml_problems[i]);
	return p;
}

static int load_file(struct kset *ks, const char *path, struct nd_err *e)
{
	FILE *fp;
	yaml_parser_t ps;
	struct kfile *kf;
	struct stat st;
	int ok;

	if (ks->n >= MAX_FILES)
		return nd_err_set(e, _("more than %d kubeconfig files"), MAX_FILES);
	fp = fopen(path, "re");
	if (!fp)
		return nd_err_set(e, _("cannot read kubeconfig '%s': %s"), path, strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && st.st_size > MAX_FILE_BYTES) {
		fclose(fp);
		return nd_err_set(e, _("kubeconfig '%s' is larger than %d bytes"), path, MAX_FILE_BYTES);
	}
	kf = &ks->f[ks->n];
	yaml_parser_initialize(&ps);
	yaml_parser_set_input_file(&ps, fp);
	ok = yaml_parser_load(&ps, &kf->doc);
	if (!ok) {
		nd_err_set(e, _("cannot parse kubeconfig '%s' at line %zu, column %zu: %s"), path,
			   ps.problem_mark.line + 1, ps.problem_mark.column + 1,
			   yaml_problem(ps.problem));
		yaml_parser_delete(&ps);
		fclose(fp);
		return -1;
	}
	yaml_parser_delete(&ps);
	fclose(fp);
	kf->path = nd_xstrdup(path);
	kf->dir = dir_of(path);
	ks->n++;
	return 0;
}

static void kset_free(struct kset *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		yaml_document_delete(&ks->f[i].doc);
		free(ks->f[i].path);
		free(ks->f[i].dir);
	}
}

/* ---- small helpers over libyaml's document tree ---- */

static yaml_node_t *ynode(yaml_document_t *d, int id)
{
	return id ? yaml_document_get_node(d, id) : NULL;
}

static yaml_node_t *yget(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = ynode(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
			return ynode(d, p->value);
	}
	return NULL;
}

/* Scalar text; NULL for a missing node, a non-scalar, or YAML null. */
static const char *yscalar(yaml_node_t *n)
{
	const char *s;

	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	s = (const char *)n->data.scalar.value;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (strcmp(s, "null") == 0 || strcmp(s, "~") == 0 || s[0] == '\0'))
		return NULL;
	return s;
}

static const char *ystr(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	return yscalar(yget(d, map, key));
}

static bool ybool(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	const char *s = ystr(d, map, key);

	return s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0);
}

/* The entry named name in the list under key (clusters, users, contexts):
 * its inner map (cluster/user/context); first file wins. */
static yaml_node_t *find_entry(struct kset *ks, const char *list, const char *inner,
			       const char *name, struct kfile **from)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		yaml_document_t *d = &ks->f[i].doc;
		yaml_node_t *l = yget(d, yaml_document_get_root_node(d), list);
		yaml_node_item_t *it;

		if (!l || l->type != YAML_SEQUENCE_NODE)
			continue;
		for (it = l->data.sequence.items.start; it < l->data.sequence.items.top; it++) {
			yaml_node_t *ent = ynode(d, *it);
			const char *n = ystr(d, ent, "name");

			if (n && strcmp(n, name) == 0) {
				yaml_node_t *in = yget(d, ent, inner);

				*from = &ks->f[i];
				/* an entry with an empty body is still an entry */
				return in ? in : ent;
			}
		}
	}
	return NULL;
}

static char *xdup(const char *s)
{
	return s ? nd_xstrdup(s) : NULL;
}

/* Path relative to the file that named it. */
static char *rel_path(const struct kfile *f, const char *p)
{
	size_t ld, lp;
	char *r;

	if (!p)
		return NULL;
	if (p[0] == '/' || !f)
		return nd_xstrdup(p);
	if (p[0] == '~' && p[1] == '/' && getenv("HOME")) {
		const char *h = getenv("HOME");

		ld = strlen(h);
		lp = strlen(p + 1);
		r = nd_xmalloc(ld + lp + 1);
		memcpy(r, h, ld);
		memcpy(r + ld, p + 1, lp + 1);
		return r;
	}
	ld = strlen(f->dir);
	lp = strlen(p);
	r = nd_xmalloc(ld + lp + 2);
	memcpy(r, f->dir, ld);
	r[ld] = '/';
	memcpy(r + ld + 1, p, lp + 1);
	return r;
}

char *nd_base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s);
	unsigned char *out = nd_xmalloc(n / 4 * 3 + 4);

	if (nd_b64_decode(s, n, out, n / 4 * 3 + 3, len) < 0) {
		free(out);
		return NULL;
	}
	out[*len] = '\0';
	return (char *)out;
}

static int data_field(struct nd_kubeconfig *kc, yaml_document_t *d, yaml_node_t *m,
		      const char *key, char **out, size_t *len, struct nd_err *e)
{
	const char *s = ystr(d, m, key);

	if (!s)
		return 0;
	*out = nd_base64_decode(s, len);
	if (!*out)
		return nd_err_set(e, _("kubeconfig '%s': '%s' of '%s' is not valid base64"), kc->files,
				  key, kc->user && strstr(key, "client") ? kc->user : kc->cluster);
	return 0;
}

static int read_exec(struct nd_kubeconfig *kc, struct kfile *f, yaml_node_t *x,
		     struct nd_err *e)
{
	yaml_document_t *d = &f->doc;
	struct nd_exec_cfg *ex = nd_xcalloc(1, sizeof(*ex));
	yaml_node_t *l;
	const char *cmd = ystr(d, x, "command"), *im;

	kc->exec = ex;
	if (!cmd)
		return nd_err_set(e, _("kubeconfig user '%s': exec has no command"), kc->user);
	ex->command = strchr(cmd, '/') ? rel_path(f, cmd) : nd_xstrdup(cmd);
	ex->api_version = xdup(ystr(d, x, "apiVersion"));
	if (!ex->api_version)
		return nd_err_set(e, _("kubeconfig user '%s': exec has no apiVersion"), kc->user);
	if (strcmp(ex->api_version, "client.authentication.k8s.io/v1") != 0 &&
	    strcmp(ex->api_version, "client.authentication.k8s.io/v1beta1") != 0)
		return nd_err_set(e, _("kubeconfig user '%s': exec apiVersion '%s' is not supported "
				  "(use client.authentication.k8s.io/v1 or v1beta1)"), kc->user,
				  ex->api_version);
	ex->install_hint = xdup(ystr(d, x, "installHint"));
	ex->provide_cluster_info = ybool(d, x, "provideClusterInfo");
	im = ystr(d, x, "interactiveMode");
	if (!im) {
		if (strcmp(ex->api_version, "client.authentication.k8s.io/v1") == 0)
			return nd_err_set(e, _("kubeconfig user '%s': exec interactiveMode must be set "
					  "for client.authentication.k8s.io/v1"), kc->user);
		ex->interactive = ND_EXEC_IF_AVAILABLE;
	} else if (strcmp(im, "Never") == 0) {
		ex->interactive = ND_EXEC_NEVER;
	} else if (strcmp(im, "IfAvailable") == 0) {
		ex->interactive = ND_EXEC_IF_AVAILABLE;
	} else if (strcmp(im, "Always") == 0) {
		ex->interactive = ND_EXEC_ALWAYS;
	} else {
		return nd_err_set(e, _("kubeconfig user '%s': exec interactiveMode '%s' is not Never, "
				  "IfAvailable or Always"), kc->user, im);
	}
	l = yget(d, x, "args");
	if (l && l->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		ex->args = nd_xcalloc((size_t)(l->data.sequence.items.top -
					       l->data.sequence.items.start) + 1, sizeof(char *));
		for (it = l->data.sequence.items.start; it < l->data.sequence.items.top; it++) {
			yaml_node_t *a = ynode(d, *it);

			if (a && a->type == YAML_SCALAR_NODE)
				ex->args[ex->nargs++] = nd_xstrdup((char *)a->data.scalar.value);
		}
	}
	l = yget(d, x, "env");
	if (l && l->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		ex->env = nd_xcalloc((size_t)(l->data.sequence.items.top -
					      l->data.sequence.items.start) + 1, sizeof(char *));
		for (it = l->data.sequence.items.start; it < l->data.sequence.items.top; it++) {
			yaml_node_t *ev = ynode(d, *it);
			const char *n = ystr(d, ev, "name"), *v = ystr(d, ev, "value");
			size_t ln, lv;

			if (!n)
				continue;
			v = v ? v : "";
			ln = strlen(n);
			lv = strlen(v);
			ex->env[ex->nenv] = nd_xmalloc(ln + lv + 2);
			memcpy(ex->env[ex->nenv], n, ln);
			ex->env[ex->nenv][ln] = '=';
			memcpy(ex->env[ex->nenv] + ln + 1, v, lv + 1);
			ex->nenv++;
		}
	}
	return 0;
}

static int resolve(struct kset *ks, const char *want_ctx, struct nd_kubeconfig *kc,
		   struct nd_err *e)
{
	const char *ctxname = want_ctx, *cl, *us;
	struct kfile *cf = NULL, *clf = NULL, *uf = NULL;
	yaml_node_t *c, *cm, *um;
	size_t i;

	for (i = 0; !ctxname && i < ks->n; i++)
		ctxname = ystr(&ks->f[i].doc, yaml_document_get_root_node(&ks->f[i].doc),
			       "current-context");
	if (!ctxname)
		return nd_err_set(e, _("kubeconfig '%s' has no current-context; pick one with "
				  "--context"), kc->files);
	c = find_entry(ks, "contexts", "context", ctxname, &cf);
	if (!c)
		return nd_err_set(e, _("context '%s' is not in kubeconfig '%s'"), ctxname, kc->files);
	kc->context = nd_xstrdup(ctxname);
	cl = ystr(&cf->doc, c, "cluster");
	us = ystr(&cf->doc, c, "user");
	kc->ns = xdup(ystr(&cf->doc, c, "namespace"));
	if (!cl)
		return nd_err_set(e, _("context '%s' names no cluster"), ctxname);
	kc->cluster = nd_xstrdup(cl);
	cm = find_entry(ks, "clusters", "cluster", cl, &clf);
	if (!cm)
		return nd_err_set(e, _("context '%s' names cluster '%s', which is not in kubeconfig "
				  "'%s'"), ctxname, cl, kc->files);
	kc->server = xdup(ystr(&clf->doc, cm, "server"));
	if (!kc->server)
		return nd_err_set(e, _("kubeconfig cluster '%s' has no server"), cl);
	kc->ca_file = rel_path(clf, ystr(&clf->doc, cm, "certificate-authority"));
	if (data_field(kc, &clf->doc, cm, "certificate-authority-data", &kc->ca_data, &kc->ca_len,
		       e) < 0)
		return -1;
	kc->insecure = ybool(&clf->doc, cm, "insecure-skip-tls-verify");
	kc->tls_server_name = xdup(ystr(&clf->doc, cm, "tls-server-name"));
	kc->proxy_url = xdup(ystr(&clf->doc, cm, "proxy-url"));
	if (!us)
		return 0;                 /* anonymous */
	kc->user = nd_xstrdup(us);
	um = find_entry(ks, "users", "user", us, &uf);
	if (!um)
		return nd_err_set(e, _("context '%s' names user '%s', which is not in kubeconfig "
				  "'%s'"), ctxname, us, kc->files);
	kc->cert_file = rel_path(uf, ystr(&uf->doc, um, "client-certificate"));
	kc->key_file = rel_path(uf, ystr(&uf->doc, um, "client-key"));
	if (data_field(kc, &uf->doc, um, "client-certificate-data", &kc->cert_data, &kc->cert_len,
		       e) < 0 ||
	    data_field(kc, &uf->doc, um, "client-key-data", &kc->key_data, &kc->key_len, e) < 0)
		return -1;
	kc->token = xdup(ystr(&uf->doc, um, "token"));
	kc->token_file = rel_path(uf, ystr(&uf->doc, um, "tokenFile"));
	if (yget(&uf->doc, um, "auth-provider") && !yget(&uf->doc, um, "exec"))
		return nd_err_set(e, _("kubeconfig user '%s' uses an auth-provider, which kubectl "
				  "dropped in 1.26; convert it with 'kubelogin convert-kubeconfig'"),
				  us);
	if (yget(&uf->doc, um, "exec"))
		return read_exec(kc, uf, yget(&uf->doc, um, "exec"), e);
	return 0;
}

static char *read_small(const char *path, size_t max, size_t *len)
{
	FILE *fp = fopen(path, "re");
	char *buf;
	size_t n;

	if (!fp)
		return NULL;
	buf = nd_xmalloc(max + 1);
	n = fread(buf, 1, max, fp);
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int in_cluster(const struct nd_kubeconfig_opts *o, struct nd_kubeconfig *kc,
		      struct nd_err *e)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = o->sa_dir ? o->sa_dir : getenv("NETDIAG_SERVICEACCOUNT_DIR");
	char path[4096], *ns;
	size_t n;
	int v6;

	if (!dir)
		dir = "/var/run/secrets/kubernetes.io/serviceaccount";
	kc->in_cluster = true;
	kc->context = nd_xstrdup("in-cluster");
	kc->cluster = nd_xstrdup("in-cluster");
	kc->user = nd_xstrdup("service-account");
	kc->files = nd_xstrdup(dir);
	v6 = strchr(host, ':') != NULL;
	n = strlen(host) + strlen(port) + 16;
	kc->server = nd_xmalloc(n);
	snprintf(kc->server, n, "https://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	snprintf(path, sizeof(path), "%s/token", dir);
	if (!exists(path))
		return nd_err_set(e, _("in a pod (KUBERNETES_SERVICE_HOST is set) but the service "
				  "account token '%s' does not exist (automountServiceAccountToken: "
				  "false?)"), path);
	kc->token_file = nd_xstrdup(path);
	snprintf(path, sizeof(path), "%s/ca.crt", dir);
	if (exists(path))
		kc->ca_file = nd_xstrdup(path);
	snprintf(path, sizeof(path), "%s/namespace", dir);
	ns = read_small(path, 253, NULL);
	if (ns) {
		ns[strcspn(ns, "\r\n ")] = '\0';
		if (ns[0])
			kc->ns = ns;
		else
			free(ns);
	}
	return 0;
}

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

int nd_kubeconfig_in_cluster(const char *sa_dir, struct nd_kubeconfig **out, struct nd_err *e)
{
	struct nd_kubeconfig_opts o = {.sa_dir = sa_dir};
	struct nd_kubeconfig *kc;
	char path[4096];

	*out = NULL;
	if (!env_set("KUBERNETES_SERVICE_HOST") || !env_set("KUBERNETES_SERVICE_PORT"))
		return nd_err_set(e, _("not in a pod: KUBERNETES_SERVICE_HOST and "
				  "KUBERNETES_SERVICE_PORT are not both set (Kubernetes sets them "
				  "in every container)"));
	kc = nd_xcalloc(1, sizeof(*kc));
	if (in_cluster(&o, kc, e) < 0) {
		nd_kubeconfig_free(kc);
		return -1;
	}
	if (!kc->ca_file) {
		snprintf(path, sizeof(path), "%s/ca.crt", kc->files);
		nd_err_set(e, _("the service account's CA '%s' does not exist: the API server's "
			   "certificate cannot be verified"), path);
		nd_kubeconfig_free(kc);
		return -1;
	}
	*out = kc;
	return 0;
}

static void join_file(struct nd_kubeconfig *kc, const char *p)
{
	size_t a = kc->files ? strlen(kc->files) : 0, b = strlen(p);

	kc->files = nd_xrealloc(kc->files, a + b + 2);
	if (a)
		kc->files[a++] = ':';
	memcpy(kc->files + a, p, b + 1);
}

int nd_kubeconfig_load(const struct nd_kubeconfig_opts *o, struct nd_kubeconfig **out,
		       struct nd_err *e)
{
	struct nd_kubeconfig *kc = nd_xcalloc(1, sizeof(*kc));
	struct kset ks = {.n = 0};
	const char *env = o->kubeconfig_env ? o->kubeconfig_env : getenv("KUBECONFIG");
	const char *home = o->home ? o->home : getenv("HOME");
	char defpath[4096];
	int rc = -1;

	*out = NULL;
	if (o->path) {
		if (load_file(&ks, o->path, e) < 0)
			goto out;
		join_file(kc, o->path);
	} else if (env && env[0]) {
		const char *p = env;

		while (*p) {
			size_t l = strcspn(p, ":");
			char one[4096];

			if (l > 0 && l < sizeof(one)) {
				memcpy(one, p, l);
				one[l] = '\0';
				if (exists(one)) {
					if (load_file(&ks, one, e) < 0)
						goto out;
					join_file(kc, one);
				}
			}
			p += l;
			if (*p == ':')
				p++;
		}
	} else if (home) {
		snprintf(defpath, sizeof(defpath), "%s/.kube/config", home);
		if (exists(defpath)) {
			if (load_file(&ks, defpath, e) < 0)
				goto out;
			join_file(kc, defpath);
		}
	}
	if (ks.n == 0) {
		if (!o->path && env_set("KUBERNETES_SERVICE_HOST") && env_set("KUBERNETES_SERVICE_PORT") &&
		    !o->context) {
			rc = in_cluster(o, kc, e);
			goto out;
		}
		if (env && env[0])
			nd_err_set(e, _("no kubeconfig: none of the files in KUBECONFIG ('%s') exists, "
				   "and not running in a pod"), env);
		else
			nd_err_set(e, _("no kubeconfig: '%s/.kube/config' does not exist, and not "
				   "running in a pod (give --kubeconfig or --snapshot)"),
				   home ? home : "~");
		goto out;
	}
	rc = resolve(&ks, o->context, kc, e);
out:
	kset_free(&ks);
	if (rc < 0) {
		nd_kubeconfig_free(kc);
		return -1;
	}
	*out = kc;
	return 0;
}

static void wipe_free(char *s, size_t n)
{
	if (!s)
		return;
	explicit_bzero(s, n);
	free(s);
}

void nd_kubeconfig_free(struct nd_kubeconfig *kc)
{
	size_t i;

	if (!kc)
		return;
	free(kc->files);
	free(kc->context);
	free(kc->cluster);
	free(kc->user);
	free(kc->ns);
	free(kc->server);
	free(kc->ca_file);
	free(kc->ca_data);
	free(kc->tls_server_name);
	free(kc->proxy_url);
	free(kc->cert_file);
	free(kc->key_file);
	free(kc->cert_data);
	wipe_free(kc->key_data, kc->key_len);
	if (kc->token)
		wipe_free(kc->token, strlen(kc->token));
	free(kc->token_file);
	if (kc->exec) {
		struct nd_exec_cfg *x = kc->exec;

		for (i = 0; i < x->nargs; i++)
			free(x->args[i]);
		for (i = 0; i < x->nenv; i++)
			free(x->env[i]);
		free(x->args);
		free(x->env);
		free(x->api_version);
		free(x->command);
		free(x->install_hint);
		free(x);
	}
	free(kc);
}
