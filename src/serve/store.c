/* SPDX-License-Identifier: MIT */
#include "serve/store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/num.h"
#include "core/buf.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_DEPTH 8
#define WBUF_SIZE (1u << 20)

struct crd {
	const char *group, *kind, *plural, *singular, *shortnames;
	bool namespaced;
	const char **versions;
	uint32_t nversions;
};

struct load {
	struct nd_store *s;
	const char *file;
	struct nd_buf enc;
	char *wbuf;
	size_t wlen;
	size_t rescap, objcap, max_objects;
	struct crd *crds;
	size_t ncrds, crdcap;
	bool fatal;
	struct nd_walk walk;         /* links inside the bundle only, each file once */
};

static void add_error(struct nd_store *s, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_error(struct nd_store *s, const char *file, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	int n;

	if (s->nerrors >= ND_STORE_MAX_ERRORS) {
		s->errors_dropped++;
		return;
	}
	n = snprintf(msg, sizeof(msg), "%s: ", file);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	s->errors[s->nerrors++] = nd_xstrdup(msg);
}

/* ---- spool ---- */

static int open_spool(const char *dir, struct nd_err *e)
{
	char path[4096];
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (snprintf(path, sizeof(path), "%s/netdiag-serve.XXXXXX", dir) >= (int)sizeof(path))
		return nd_err_set(e, _("spool folder name '%s' is too long"), dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return nd_err_set(e, _("cannot create a spool file in '%s': %s"), dir, strerror(errno));
	unlink(path);
	return fd;
}

static int spool_flush(struct load *l, struct nd_err *e)
{
	size_t done = 0;

	while (done < l->wlen) {
		ssize_t n = write(l->s->spool_fd, l->wbuf + done, l->wlen - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nd_err_set(e, _("cannot write the spool file: %s"),
					  n < 0 ? strerror(errno) : _("short write"));
		done += (size_t)n;
	}
	l->wlen = 0;
	return 0;
}

static int spool_add(struct load *l, const char *p, size_t n, struct nd_err *e)
{
	while (n) {
		size_t room = WBUF_SIZE - l->wlen, k = n < room ? n : room;

		memcpy(l->wbuf + l->wlen, p, k);
		l->wlen += k;
		p += k;
		n -= k;
		if (l->wlen == WBUF_SIZE && spool_flush(l, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- resources ---- */

static const struct nd_sres *builtin_by_kind(const char *group, const char *kind)
{
	size_t i;

	for (i = 0; i < nd_sres_builtin_count; i++)
		if (strcmp(nd_sres_builtin[i].kind, kind) == 0 &&
		    (!group || strcmp(nd_sres_builtin[i].group, group) == 0))
			return &nd_sres_builtin[i];
	return NULL;
}

static uint32_t add_res(struct load *l, const struct nd_sres *tmpl)
{
	struct nd_store *s = l->s;

	ND_GROW(s->res, l->rescap, s->nres + 1);
	s->res[s->nres] = *tmpl;
	s->res[s->nres].objs = NULL;
	s->res[s->nres].nobjs = s->res[s->nres].cap = 0;
	return (uint32_t)s->nres++;
}

static uint32_t resolve(struct load *l, const char *group, const char *version,
			const char *kind, bool has_ns)
{
	struct nd_store *s = l->s;
	const struct nd_sres *b;
	struct nd_sres r;
	char plural[300];
	size_t i;

	for (i = 0; i < s->nres; i++)
		if (strcmp(s->res[i].kind, kind) == 0 && strcmp(s->res[i].group, group) == 0 &&
		    strcmp(s->res[i].version, version) == 0) {
			if (has_ns && !s->res[i].namespaced && i >= nd_sres_builtin_count &&
			    !builtin_by_kind(group, kind))
				s->res[i].namespaced = true;
			return (uint32_t)i;
		}
	b = builtin_by_kind(group, kind);
	if (b) {
		r = *b;          /* another version of a known kind */
	} else {
		memset(&r, 0, sizeof(r));
		nd_sres_plural(kind, plural, sizeof(plural));
		r.kind = nd_intern_cstr(s->t, kind);
		r.plural = nd_intern_cstr(s->t, plural);
		{
			char low[256];
			size_t n = strlen(kind), j;

			if (n >= sizeof(low))
				n = sizeof(low) - 1;
			for (j = 0; j < n; j++)
				low[j] = (char)tolower((unsigned char)kind[j]);
			r.singular = nd_intern(s->t, low, n);
		}
		r.namespaced = has_ns;
	}
	r.group = nd_intern_cstr(s->t, group);
	r.version = nd_intern_cstr(s->t, version);
	r.kind = nd_intern_cstr(s->t, kind);
	r.always = false;
	return add_res(l, &r);
}

/* ---- one object ---- */

static const struct nd_json *dotted(const struct nd_json *v, const char *path)
{
	char part[128];

	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		v = nd_json_get(v, part);
		path += n + (dot ? 1 : 0);
	}
	return v;
}

static const char *field_value(struct nd_store *s, const struct nd_json *obj, const char *spec)
{
	bool boolean = spec[0] == '!';
	const char *eq = strchr(spec, '=');
	const struct nd_json *v;
	char path[256];

	if (boolean)
		spec++;
	if (eq) {
		/* "involvedObject.=regarding." maps a prefix: label tail goes after the path */
		snprintf(path, sizeof(path), "%s", eq + 1);
	} else {
		snprintf(path, sizeof(path), "%s", spec);
	}
	v = dotted(obj, path);
	if (!v)
		return boolean ? "false" : NULL;
	switch (v->type) {
	case ND_JSTR:
	case ND_JNUM:
		return nd_intern(s->t, v->u.s, v->n);
	case ND_JTRUE:
		return "true";
	case ND_JFALSE:
		return "false";
	default:
		return boolean ? "false" : NULL;
	}
}

static void note_crd(struct load *l, const struct nd_json *obj)
{
	const struct nd_json *spec = nd_json_get(obj, "spec"), *names, *sn, *vers;
	struct nd_store *s = l->s;
	struct crd c = {0};
	struct nd_buf j;
	uint32_t i;

	names = nd_json_get(spec, "names");
	c.group = nd_json_str(nd_json_get(spec, "group"));
	c.kind = nd_json_str(nd_json_get(names, "kind"));
	c.plural = nd_json_str(nd_json_get(names, "plural"));
	if (!c.group || !c.kind || !c.plural)
		return;
	c.group = nd_intern_cstr(s->t, c.group);
	c.kind = nd_intern_cstr(s->t, c.kind);
	c.plural = nd_intern_cstr(s->t, c.plural);
	c.singular = nd_json_str(nd_json_get(names, "singular"));
	c.singular = nd_intern_cstr(s->t, c.singular ? c.singular : "");
	c.namespaced = !nd_json_str(nd_json_get(spec, "scope")) ||
		       strcmp(nd_json_str(nd_json_get(spec, "scope")), "Cluster") != 0;
	sn = nd_json_get(names, "shortNames");
	nd_buf_init(&j, 4096);
	for (i = 0; sn && sn->type == ND_JARR && i < sn->n; i++)
		if (sn->u.items[i].type == ND_JSTR) {
			if (j.len)
				nd_buf_addc(&j, ',');
			nd_buf_adds(&j, sn->u.items[i].u.s);
		}
	c.shortnames = j.len && !j.toobig ? nd_intern(s->t, j.p, j.len) : NULL;
	nd_buf_release(&j);
	vers = nd_json_get(spec, "versions");
	if (vers && vers->type == ND_JARR && vers->n) {
		c.versions = nd_arena_alloc(s->a, vers->n * sizeof(*c.versions));
		for (i = 0; i < vers->n; i++) {
			const char *v = nd_json_str(nd_json_get(&vers->u.items[i], "name"));

			if (v && !nd_json_is(nd_json_get(&vers->u.items[i], "served"), ND_JFALSE))
				c.versions[c.nversions++] = nd_intern_cstr(s->t, v);
		}
	}
	if (l->ncrds >= 10000)
		return;
	ND_GROW(l->crds, l->crdcap, l->ncrds + 1);
	l->crds[l->ncrds++] = c;
}

static void encode(struct load *l, const struct nd_json *obj, const char *kind,
		   const char *api_version, bool add_type)
{
	uint32_t i;
	bool comma = false;

	nd_buf_reset(&l->enc);
	if (!add_type) {
		nd_buf_json(&l->enc, obj);
		return;
	}
	nd_buf_addc(&l->enc, '{');
	if (!nd_json_get(obj, "kind")) {
		nd_buf_key(&l->enc, false, "kind");
		nd_buf_cstr(&l->enc, kind);
		comma = true;
	}
	if (!nd_json_get(obj, "apiVersion")) {
		nd_buf_key(&l->enc, comma, "apiVersion");
		nd_buf_cstr(&l->enc, api_version);
		comma = true;
	}
	for (i = 0; i < obj->n; i++) {
		if (comma)
			nd_buf_addc(&l->enc, ',');
		comma = true;
		nd_buf_str(&l->enc, obj->u.members[i].key, obj->u.members[i].klen);
		nd_buf_addc(&l->enc, ':');
		nd_buf_json(&l->enc, &obj->u.members[i].val);
	}
	nd_buf_addc(&l->enc, '}');
}

static int on_object(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		     struct nd_err *e)
{
	struct load *l = ctx;
	struct nd_store *s = l->s;
	const struct nd_json *meta;
	const char *kind, *av, *name, *ns, *slash;
	char group[256], version[128], kbuf[256];
	struct nd_sres *r;
	struct nd_sobj *o;
	struct nd_err le;
	uint32_t ri, i;
	int64_t rv;

	if (obj->type != ND_JOBJ) {
		s->skipped++;
		add_error(s, l->file, _("value at byte %zu is not an object"), off);
		return 0;
	}
	kind = nd_json_str(nd_json_get(obj, "kind"));
	av = nd_json_str(nd_json_get(obj, "apiVersion"));
	if (!kind && list_kind && strlen(list_kind) > 4 && strlen(list_kind) < sizeof(kbuf) &&
	    strcmp(list_kind + strlen(list_kind) - 4, "List") == 0) {
		snprintf(kbuf, sizeof(kbuf), "%.*s", (int)(strlen(list_kind) - 4), list_kind);
		kind = kbuf;
	}
	if (kind && !av) {
		const struct nd_sres *b = builtin_by_kind(NULL, kind);

		if (b)
			av = b->group[0] ? nd_arena_printf(s->a, "%s/%s", b->group, b->version)
					 : b->version;
	}
	meta = nd_json_get(obj, "metadata");
	name = nd_json_str(nd_json_get(meta, "name"));
	ns = nd_json_str(nd_json_get(meta, "namespace"));
	if (!kind || !av || !name || !*name) {
		s->skipped++;
		add_error(s, l->file, _("object at byte %zu has no %s; skipped"), off,
			  !kind ? "kind" : !av ? "apiVersion" : "metadata.name");
		return 0;
	}
	if (nd_json_get(obj, "items")) {
		s->skipped++;
		add_error(s, l->file, _("list at byte %zu inside a list; skipped"), off);
		return 0;
	}
	slash = strchr(av, '/');
	snprintf(group, sizeof(group), "%.*s", slash ? (int)(slash - av) : 0, av);
	snprintf(version, sizeof(version), "%s", slash ? slash + 1 : av);
	if (!group[0] && strcmp(kind, "Secret") == 0) {
		s->secrets++;    /* credentials never leave the bundle */
		return 0;
	}
	if (strcmp(kind, "CustomResourceDefinition") == 0)
		note_crd(l, obj);
	if (s->nobjs >= l->max_objects) {
		l->fatal = true;
		return nd_err_set(e, _("more than %zu objects in the bundle"), l->max_objects);
	}
	ri = resolve(l, group, version, kind, ns && *ns);
	r = &s->res[ri];
	encode(l, obj, kind, av, !nd_json_get(obj, "kind") || !nd_json_get(obj, "apiVersion"));
	if (l->enc.toobig) {
		s->skipped++;
		add_error(s, l->file, _("object at byte %zu is larger than %zu bytes; skipped"), off,
			  l->enc.max);
		return 0;
	}
	ND_GROW(s->objs, l->objcap, s->nobjs + 1);
	o = &s->objs[s->nobjs];
	memset(o, 0, sizeof(*o));
	o->off = s->spool_size;
	o->len = (uint32_t)l->enc.len;
	o->res = ri;
	o->ns = nd_intern_cstr(s->t, r->namespaced && ns ? ns : "");
	o->name = nd_intern_cstr(s->t, name);
	if (spool_add(l, l->enc.p, l->enc.len, e) < 0) {
		l->fatal = true;
		return -1;
	}
	s->spool_size += l->enc.len;
	if (nd_labels_from_json(nd_json_get(meta, "labels"), s->a, s->t, &o->labels, &le) < 0) {
		add_error(s, l->file, _("%s/%s: %s; served without labels for selectors"), o->ns,
			  o->name, le.msg);
		memset(&o->labels, 0, sizeof(o->labels));
	}
	if (r->nfields) {
		o->fvals = nd_arena_alloc(s->a, r->nfields * sizeof(*o->fvals));
		for (i = 0; i < r->nfields; i++)
			o->fvals[i] = field_value(s, obj, r->fields[i]);
	}
	{
		const char *rvs = nd_json_str(nd_json_get(meta, "resourceVersion"));

		if (rvs && nd_parse_i64(rvs, strlen(rvs), 0, INT64_MAX, &rv) == 0 &&
		    (uint64_t)rv > s->max_rv)
			s->max_rv = (uint64_t)rv;
	}
	if (!group[0] && strcmp(kind, "Node") == 0) {
		const char *kv = nd_json_str(nd_json_path(obj, "status", "nodeInfo",
							  "kubeletVersion", NULL));

		if (kv && strlen(kv) < sizeof(s->kube_version) &&
		    (!s->kube_version[0] || strverscmp(kv, s->kube_version) > 0))
			snprintf(s->kube_version, sizeof(s->kube_version), "%s", kv);
	}
	ND_GROW(r->objs, r->cap, r->nobjs + 1);
	r->objs[r->nobjs++] = (uint32_t)s->nobjs++;
	return 0;
}

/* ---- the walk ---- */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct load *l, const char *dir, int depth, struct nd_err *fatal)
{
	const struct nd_json_stream_opts so = {.keep_managed_fields = true};
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		add_error(l->s, dir, _("cannot open: %s"), strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		ND_GROW(names, cap, n + 1);
		names[n++] = nd_xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		char *p = nd_xmalloc(strlen(dir) + len + 2);
		struct stat st;
		char why[1000];
		enum nd_walk_verdict wv;

		memcpy(p, dir, strlen(dir));
		p[strlen(dir)] = '/';
		memcpy(p + strlen(dir) + 1, names[i], len + 1);
		if (l->fatal) {
			/* stop: keep freeing */
		} else if ((wv = nd_walk_entry(&l->walk, p, &st, why, sizeof(why))) == ND_WALK_BAD) {
			add_error(l->s, p, "%s", why);
		} else if (wv == ND_WALK_AGAIN) {
			/* the same file under a second name: served once */
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < MAX_DEPTH)
				walk(l, p, depth + 1, fatal);
		} else if (S_ISREG(st.st_mode) && len > 5 && strcmp(names[i] + len - 5, ".json") == 0) {
			struct nd_err e;

			l->s->files++;
			l->file = p;
			if (nd_json_stream_file(p, &so, on_object, l, &e) < 0) {
				if (l->fatal)
					*fatal = e;
				else
					add_error(l->s, p, "%s", e.msg);
			}
		}
		free(p);
		free(names[i]);
	}
	free(names);
}

/* ---- after the walk ---- */

static void apply_crds(struct load *l)
{
	struct nd_store *s = l->s;
	size_t i, j;
	uint32_t v;

	for (i = 0; i < l->ncrds; i++) {
		const struct crd *c = &l->crds[i];

		for (v = 0; v < c->nversions; v++) {
			bool found = false;

			for (j = 0; j < s->nres; j++)
				if (strcmp(s->res[j].group, c->group) == 0 &&
				    strcmp(s->res[j].version, c->versions[v]) == 0 &&
				    strcmp(s->res[j].kind, c->kind) == 0)
					found = true;
			if (!found) {
				struct nd_sres r = {0};

				r.group = c->group;
				r.version = c->versions[v];
				r.kind = c->kind;
				add_res(l, &r);
			}
		}
		for (j = 0; j < s->nres; j++) {
			struct nd_sres *r = &s->res[j];

			if (strcmp(r->group, c->group) != 0 || strcmp(r->kind, c->kind) != 0)
				continue;
			r->plural = c->plural;
			r->singular = c->singular;
			r->shortnames = c->shortnames;
			r->namespaced = c->namespaced;
			r->always = true;
		}
	}
}

static int cmp_obj(const void *a, const void *b, void *ctx)
{
	const struct nd_store *s = ctx;
	const struct nd_sobj *x = &s->objs[*(const uint32_t *)a];
	const struct nd_sobj *y = &s->objs[*(const uint32_t *)b];
	int c = strcmp(x->ns, y->ns);

	if (c)
		return c;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;  /* first read first */
}

static void sort_res(struct nd_store *s, struct nd_sres *r)
{
	uint32_t i, n = 0;

	if (r->nobjs > 1)
		qsort_r(r->objs, r->nobjs, sizeof(*r->objs), cmp_obj, s);
	for (i = 0; i < r->nobjs; i++) {
		const struct nd_sobj *o = &s->objs[r->objs[i]];

		if (n) {
			const struct nd_sobj *p = &s->objs[r->objs[n - 1]];

			if (p->ns == o->ns && p->name == o->name) {
				/* the last one read wins, as in the bundle loader's model */
				s->dups++;
				r->objs[n - 1] = r->objs[i];
				continue;
			}
		}
		r->objs[n++] = r->objs[i];
	}
	r->nobjs = n;
}

/* collect-info.json's collected_at, as Unix seconds; 0 when there is none. */
static int64_t collected_at(const char *dir)
{
	char path[4200], *buf = NULL;
	size_t len;
	struct nd_err e;
	struct nd_json root;
	struct nd_arena *a;
	const struct nd_json *v;
	struct tm tm = {0};
	int64_t t = 0;

	if (snprintf(path, sizeof(path), "%s/collect-info.json", dir) >= (int)sizeof(path) ||
	    access(path, R_OK) != 0 || nd_read_file(path, 1 << 20, &buf, &len, &e) < 0)
		return 0;
	a = nd_arena_new(16 * 1024);
	if (nd_json_parse(buf, len, 0, a, &root, &e) == 0 &&
	    (v = nd_json_get(&root, "collected_at")) && v->type == ND_JSTR &&
	    strptime(v->u.s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		t = (int64_t)timegm(&tm);
	nd_arena_free(a);
	free(buf);
	return t;
}

int nd_store_load(const char *dir, const struct nd_store_opts *o, struct nd_store **out,
		  struct nd_err *e)
{
	const char *spool_dir = o && o->spool_dir ? o->spool_dir : getenv("TMPDIR");
	struct load l = {0};
	struct nd_store *s;
	struct nd_err fatal = {{0}};
	char *cluster;
	struct stat st;
	size_t i;

	*out = NULL;
	if (!spool_dir || !*spool_dir)
		spool_dir = "/tmp";
	if (stat(dir, &st) < 0)
		return nd_err_set(e, _("cannot open bundle '%s': %s"), dir, strerror(errno));
	cluster = nd_xmalloc(strlen(dir) + sizeof("/cluster"));
	memcpy(cluster, dir, strlen(dir));
	memcpy(cluster + strlen(dir), "/cluster", sizeof("/cluster"));
	if (stat(cluster, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(cluster);
		return nd_err_set(e, _("'%s' has no cluster/ folder: nothing to serve (see 'netdiag "
				  "collect')"), dir);
	}
	s = nd_xcalloc(1, sizeof(*s));
	s->a = nd_arena_new(0);
	s->t = nd_intern_new();
	s->max_rv = 1;
	s->spool_fd = open_spool(spool_dir, e);
	if (s->spool_fd < 0) {
		free(cluster);
		nd_store_free(s);
		return -1;
	}
	l.s = s;
	l.max_objects = o && o->max_objects ? o->max_objects : 4000000;
	nd_buf_init(&l.enc, o && o->max_item ? o->max_item : (64u << 20));
	l.wbuf = nd_xmalloc(WBUF_SIZE);
	for (i = 0; i < nd_sres_builtin_count; i++)
		add_res(&l, &nd_sres_builtin[i]);
	if (nd_walk_init(&l.walk, dir, &fatal) == 0) {
		char why[1000];

		nd_walk_entry(&l.walk, cluster, &st, why, sizeof(why));   /* cluster/ itself */
		walk(&l, cluster, 0, &fatal);
		nd_walk_release(&l.walk);
	} else {
		add_error(s, cluster, "%s", fatal.msg);
	}
	free(cluster);
	if (!l.fatal && spool_flush(&l, &fatal) < 0)
		l.fatal = true;
	apply_crds(&l);
	for (i = 0; i < s->nres; i++)
		sort_res(s, &s->res[i]);
	nd_buf_release(&l.enc);
	free(l.wbuf);
	free(l.crds);
	if (l.fatal) {
		*e = fatal;
		nd_store_free(s);
		return -1;
	}
	s->collected_at = collected_at(dir);
	*out = s;
	return 0;
}

void nd_store_free(struct nd_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nres; i++)
		free(s->res[i].objs);
	for (i = 0; i < s->nerrors; i++)
		free(s->errors[i]);
	free(s->res);
	free(s->objs);
	if (s->spool_fd >= 0)
		close(s->spool_fd);
	nd_intern_free(s->t);
	nd_arena_free(s->a);
	free(s);
}
