/* SPDX-License-Identifier: MIT */
#include "k8s/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/kubeconfig.h"
#include "k8s/redact.h"
#include "k8s/tarball.h"
#include "core/banned.h"
#include "core/i18n.h"

static const char REDACTED[] = "<redacted>";

struct wr {
	FILE *f;
	size_t redacted;
	const struct nd_redact *rd;
	bool pending;            /* args: the last word was a secret flag */
	struct nd_buf scratch;
};

static void put_raw(struct wr *w, const char *s, size_t n)
{
	nd_json_write_str(w->f, s, n);
}

static void put_redacted(struct wr *w)
{
	w->redacted++;
	put_raw(w, REDACTED, sizeof(REDACTED) - 1);
}

/* A string value, redacted by shape (k8s/redact.h); words: a command or args element. */
static void put_str(struct wr *w, const char *s, size_t n, bool words)
{
	nd_buf_reset(&w->scratch);
	w->redacted += nd_redact_str(w->rd, s, n, words, words ? &w->pending : NULL, &w->scratch);
	put_raw(w, w->scratch.p ? w->scratch.p : "", w->scratch.len);
}

static bool secret_member(const char *k)
{
	static const char *const pat[] = {"password", "passwd", "token", "secret", "apikey",
					  "api_key", "privatekey", "private_key", "clientkey"};
	size_t i, l = strlen(k);

	if (l > 4 && (strcmp(k + l - 4, "Name") == 0 || strcmp(k + l - 3, "Ref") == 0))
		return false;
	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (strcasestr(k, pat[i]))
			return true;
	return false;
}

enum ctxk { C_NONE, C_ENV, C_ARGS, C_META };

static void put_val(struct wr *w, const struct nd_json *v, enum ctxk c);

static void put_obj(struct wr *w, const struct nd_json *v, enum ctxk c)
{
	uint32_t i;
	bool env_secret = false;

	if (c == C_ENV) {
		const char *n = nd_json_str(nd_json_get(v, "name"));

		env_secret = n && nd_redact_secret_name(n, strlen(n));
	}
	fputc('{', w->f);
	for (i = 0; i < v->n; i++) {
		const struct nd_jmember *m = &v->u.members[i];
		enum ctxk cc = C_NONE;

		if (i)
			fputc(',', w->f);
		put_raw(w, m->key, m->klen);
		fputc(':', w->f);
		if (m->val.type == ND_JSTR &&
		    ((env_secret && strcmp(m->key, "value") == 0) ||
		     (c == C_META && (strcmp(m->key, "kubectl.kubernetes.io/last-applied-"
					       "configuration") == 0 ||
				      nd_redact_secret_meta_key(m->key, m->klen))) ||
		     (c != C_META && c != C_ENV && secret_member(m->key)))) {
			put_redacted(w);
			continue;
		}
		if (strcmp(m->key, "env") == 0)
			cc = C_ENV;
		else if (strcmp(m->key, "args") == 0 || strcmp(m->key, "command") == 0)
			cc = C_ARGS;
		else if (strcmp(m->key, "annotations") == 0 || strcmp(m->key, "labels") == 0)
			cc = C_META;
		put_val(w, &m->val, cc);
	}
	fputc('}', w->f);
}

static void put_val(struct wr *w, const struct nd_json *v, enum ctxk c)
{
	uint32_t i;

	switch (v->type) {
	case ND_JNULL: fputs("null", w->f); break;
	case ND_JTRUE: fputs("true", w->f); break;
	case ND_JFALSE: fputs("false", w->f); break;
	case ND_JNUM: fwrite(v->u.s, 1, v->n, w->f); break;
	case ND_JSTR:
		put_str(w, v->u.s, v->n, c == C_ARGS);
		break;
	case ND_JARR:
		fputc('[', w->f);
		if (c == C_ARGS)
			w->pending = false;    /* a new command line */
		for (i = 0; i < v->n; i++) {
			if (i)
				fputc(',', w->f);
			put_val(w, &v->u.items[i], c == C_ENV || c == C_ARGS ? c : C_NONE);
		}
		w->pending = false;
		fputc(']', w->f);
		break;
	case ND_JOBJ:
		put_obj(w, v, c == C_ARGS ? C_NONE : c);
		break;
	default:
		fputs("null", w->f);
	}
}

size_t nd_collect_write_obj(FILE *f, const struct nd_json *obj, const char *kind,
			    const char *api_version, const struct nd_redact *rd)
{
	struct wr w = {.f = f, .rd = rd, .scratch = ND_BUF_INIT((size_t)256 << 20)};
	uint32_t i;
	bool first = true;

	if (obj->type != ND_JOBJ) {
		put_val(&w, obj, C_NONE);
		nd_buf_release(&w.scratch);
		return w.redacted;
	}
	fputc('{', f);
	if (!nd_json_get(obj, "apiVersion") && api_version) {
		fputs("\"apiVersion\":", f);
		put_raw(&w, api_version, strlen(api_version));
		first = false;
	}
	if (!nd_json_get(obj, "kind") && kind) {
		fputs(first ? "\"kind\":" : ",\"kind\":", f);
		put_raw(&w, kind, strlen(kind));
		first = false;
	}
	for (i = 0; i < obj->n; i++) {
		const struct nd_jmember *m = &obj->u.members[i];

		if (!first)
			fputc(',', f);
		first = false;
		put_raw(&w, m->key, m->klen);
		fputc(':', f);
		if (m->val.type == ND_JSTR && secret_member(m->key)) {
			put_redacted(&w);
			continue;
		}
		put_val(&w, &m->val, C_NONE);
	}
	fputc('}', f);
	nd_buf_release(&w.scratch);
	return w.redacted;
}

/* ---- the bundle writer ---- */

struct kfile {
	FILE *f;
	size_t n;
	char *path;
};

/* A new file only its owner may read (a bundle holds a cluster's state). */
static FILE *create_0600(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

struct cctx {
	const struct nd_redact *rd;
	struct nd_live_kind *kinds;
	size_t nk;
	struct kfile *files;
	const char *dir;
	struct nd_collect_stats *st;
	int err_no;
};

static int on_obj(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		  struct nd_err *e)
{
	struct cctx *c = ctx;
	size_t i, l = list_kind ? strlen(list_kind) : 0;

	for (i = 0; i < c->nk; i++) {
		const char *kn = c->kinds[i].kind_name;

		if (l == strlen(kn) + 4 && strncmp(list_kind, kn, l - 4) == 0)
			break;
	}
	if (i == c->nk)
		return 0;
	if (!c->files[i].f) {
		size_t pl = strlen(c->dir) + strlen(c->kinds[i].file) + 32;

		c->files[i].path = nd_xmalloc(pl);
		snprintf(c->files[i].path, pl, "%s/cluster/%s.json", c->dir, c->kinds[i].file);
		c->files[i].f = create_0600(c->files[i].path);
		if (!c->files[i].f)
			return nd_err_set(e, _("cannot create '%s': %s"), c->files[i].path,
					  strerror(errno));
		fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n", c->files[i].f);
	}
	if (c->files[i].n++)
		fputs(",\n", c->files[i].f);
	c->st->redacted += nd_collect_write_obj(c->files[i].f, obj, c->kinds[i].kind_name,
						c->kinds[i].api_version, c->rd);
	c->st->objects++;
	return 0;
}

static int write_info(const char *dir, const struct nd_kubeconfig *kc,
		      const struct nd_live_kind *kinds, size_t n, struct nd_err *e)
{
	char p[4200], ts[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;
	size_t i;

	snprintf(p, sizeof(p), "%s/collect-info.json", dir);
	f = create_0600(p);
	if (!f)
		return nd_err_set(e, _("cannot create '%s': %s"), p, strerror(errno));
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fputs("{\"collected_at\":", f);
	nd_json_write_str(f, ts, strlen(ts));
	fputs(",\"context\":", f);
	nd_json_write_str(f, kc->context, strlen(kc->context));
	fputs(",\"server\":", f);
	nd_json_write_str(f, kc->server, strlen(kc->server));
	fputs(",\"namespaces\":\"all\"", f);
	fputs(",\"kinds\":[", f);
	for (i = 0; i < n; i++) {
		static const char *const st[] = {"ok", "forbidden", "absent", "error"};

		fprintf(f, "%s\n {\"resource\":", i ? "," : "");
		nd_json_write_str(f, kinds[i].file, strlen(kinds[i].file));
		fprintf(f, ",\"state\":\"%s\",\"objects\":%zu", st[kinds[i].state], kinds[i].objects);
		if (kinds[i].state == ND_LIVE_FORBIDDEN || kinds[i].state == ND_LIVE_ERROR) {
			fputs(",\"error\":", f);
			nd_json_write_str(f, kinds[i].err.message, strlen(kinds[i].err.message));
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
	if (fclose(f) != 0)
		return nd_err_set(e, _("cannot write '%s': %s"), p, strerror(errno));
	return 0;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

int nd_collect(struct nd_live *lv, const struct nd_kubeconfig *kc, struct nd_live_kind *kinds,
	       size_t n, const char *out, const struct nd_redact *rd,
	       struct nd_collect_stats *st, struct nd_err *e)
{
	bool tgz = ends_with(out, ".tar.gz") || ends_with(out, ".tgz");
	char dir[4096], sub[4200];
	struct cctx c = {.kinds = kinds, .nk = n, .st = st, .rd = rd};
	struct stat sb;
	size_t i;
	int rc = -1, got;

	memset(st, 0, sizeof(*st));
	if (tgz) {
		if (stat(out, &sb) == 0)
			return nd_err_set(e, _("'%s' already exists: not overwriting it"), out);
		snprintf(dir, sizeof(dir), "%s.tmpXXXXXX", out);
		if (!mkdtemp(dir))
			return nd_err_set(e, _("cannot create a folder next to '%s': %s"), out,
					  strerror(errno));
	} else {
		snprintf(dir, sizeof(dir), "%s", out);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return nd_err_set(e, _("cannot create '%s': %s"), dir, strerror(errno));
		if (chmod(dir, 0700) < 0)   /* an empty folder given: only its owner reads it */
			return nd_err_set(e, _("cannot make '%s' private: %s"), dir, strerror(errno));
		snprintf(sub, sizeof(sub), "%s/cluster", dir);
		if (stat(sub, &sb) == 0)
			return nd_err_set(e, _("'%s' already holds a bundle: not overwriting it"), dir);
	}
	snprintf(sub, sizeof(sub), "%s/cluster", dir);
	if (mkdir(sub, 0700) < 0) {
		nd_err_set(e, _("cannot create '%s': %s"), sub, strerror(errno));
		goto out;
	}
	c.dir = dir;
	c.files = nd_xcalloc(n ? n : 1, sizeof(*c.files));
	got = nd_live_list(lv, kinds, n, on_obj, &c, e);
	for (i = 0; i < n; i++) {
		if (kinds[i].state == ND_LIVE_OK || kinds[i].state == ND_LIVE_ABSENT)
			st->kinds_ok++;
		else
			st->kinds_failed++;
		if (!c.files[i].f)
			continue;
		fputs("\n]}\n", c.files[i].f);
		if (fclose(c.files[i].f) != 0 && got >= 0 && kinds[i].state != ND_LIVE_ERROR) {
			nd_err_set(e, _("cannot write '%s': %s"), c.files[i].path, strerror(errno));
			got = -1;
		}
		/* a list cut short (a budget, the deadline, a broken page) would read back
		 * as the whole kind: it is not kept; collect-info.json says why */
		if (kinds[i].state == ND_LIVE_ERROR)
			unlink(c.files[i].path);
		free(c.files[i].path);
	}
	free(c.files);
	if (got < 0)
		goto out;
	if (write_info(dir, kc, kinds, n, e) < 0)
		goto out;
	if (tgz) {
		const char *base = strrchr(out, '/');
		char prefix[256];
		size_t pl;

		snprintf(prefix, sizeof(prefix), "%s", base ? base + 1 : out);
		pl = strlen(prefix);
		pl -= ends_with(prefix, ".tgz") ? 4 : 7;
		prefix[pl] = '\0';
		if (nd_tar_write_dir(out, dir, prefix, e) < 0)
			goto out;
	}
	rc = 0;
out:
	if (tgz)
		nd_tar_rm_tree(dir);
	return rc;
}
