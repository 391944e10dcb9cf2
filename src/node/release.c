/* SPDX-License-Identifier: MIT */
#include "node/release.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/json.h"
#include "core/num.h"
#include "node/hostlocal.h"
#include "node/nodeenv.h"
#include "core/banned.h"
#include "core/i18n.h"

#define REL_MAX_FILE   4096
#define REL_MAX_JOURNAL (64u << 20)
#define JOURNAL_SCHEMA "netdiag/ipam-release-journal/v1"

const char *nd_rel_status_name(enum nd_rel_status s)
{
	static const char *const names[] = {
		"freed", "restored", "gone", "reassigned", "kept", "present", "conflict",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* flock(op | LOCK_NB) on fd, tried every 20 ms for timeout_ms: 0, or -1 with
 * errno (EWOULDBLOCK: still held at the end). */
static int flock_wait(int fd, int op, int timeout_ms)
{
	struct timespec nap = {0, 20 * 1000 * 1000};
	int waited = 0;

	while (flock(fd, op | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			errno = EWOULDBLOCK;
			return -1;
		}
		nanosleep(&nap, NULL);
		waited += 20;
	}
	return 0;
}

int nd_store_lock(const char *store_dir, int timeout_ms, int *out, struct nd_err *e)
{
	char path[4096];
	struct stat st;
	int fd;

	if (timeout_ms <= 0)
		timeout_ms = 10000;
	snprintf(path, sizeof(path), "%s/lock", store_dir);
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)   /* host-local creates it on first use too */
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return nd_err_set(e, _("cannot open the store's lock '%s': %s; nothing was changed"),
				  path, errno == ELOOP ? _("it is a symbolic link") : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return nd_err_set(e, _("the store's lock '%s' is not a regular file; nothing was "
				  "changed"), path);
	}
	if (flock_wait(fd, LOCK_EX, timeout_ms) < 0) {
		int err = errno;

		close(fd);
		if (err == EWOULDBLOCK)
			return nd_err_set(e, _("'%s' stayed locked for %d ms (a CNI plugin is "
					  "running?); nothing was changed"), path, timeout_ms);
		return nd_err_set(e, _("cannot lock '%s': %s; nothing was changed"), path,
				  strerror(err));
	}
	*out = fd;
	return 0;
}

int nd_store_read_locked(const char *store_dir, int timeout_ms, struct nd_arena *a,
			 struct nd_hl_store *st, struct nd_err *e)
{
	char path[4096];
	int fd, r;

	if (timeout_ms <= 0)
		timeout_ms = 10000;
	snprintf(path, sizeof(path), "%s/lock", store_dir);
	/* no lock file: no plugin has used the store, nobody writes it; the lock
	 * is not made here, so that a plan changes nothing on the node */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return nd_hostlocal_read(store_dir, a, st, e);
	if (flock_wait(fd, LOCK_SH, timeout_ms) < 0) {
		close(fd);
		return nd_hostlocal_read(store_dir, a, st, e);
	}
	r = nd_hostlocal_read(store_dir, a, st, e);
	close(fd);      /* drops the flock */
	return r;
}

/* The exact bytes of an entry, read without following links. */
static int read_raw(int dfd, const char *dir, const char *name, char *buf, size_t *len,
		    struct stat *st, struct nd_err *e)
{
	ssize_t got;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s/%s': %s"), dir, name, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return nd_err_set(e, _("'%s/%s': not a regular file"), dir, name);
	}
	got = read(fd, buf, REL_MAX_FILE + 1);
	close(fd);
	if (got < 0 || got > REL_MAX_FILE)
		return nd_err_set(e, _("cannot read '%s/%s' whole"), dir, name);
	*len = (size_t)got;
	return 0;
}

static void json_str(FILE *f, const char *s)
{
	nd_json_write_str(f, s, strlen(s));
}

struct cand {
	const char *name;
	char *b64;
	struct stat st;
};

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static int write_journal(const char *path, const char *dir, const char *store,
			 const struct nd_rel_opts *o, const struct cand *c, size_t n,
			 struct nd_err *e)
{
	char tmp[4200], when[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nd_err_set(e, _("cannot write the journal '%s': %s; nothing was removed"),
				  tmp, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return nd_err_set(e, _("cannot write the journal '%s'; nothing was removed"), tmp);
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\"schema\": \"%s\",\n \"store_dir\": ", JOURNAL_SCHEMA);
	json_str(f, store);
	fputs(",\n \"network\": ", f);
	json_str(f, o->network ? o->network : "");
	fputs(",\n \"node\": ", f);
	json_str(f, o->node ? o->node : "");
	fprintf(f, ",\n \"created\": \"%s\",\n \"entries\": [", when);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\n  {\"file\": ", i ? "," : "");
		json_str(f, c[i].name);
		fprintf(f, ", \"content_base64\": \"%s\", \"mode\": %u, \"uid\": %u, \"gid\": %u, "
			"\"mtime_sec\": %lld, \"mtime_nsec\": %ld}", c[i].b64,
			(unsigned)(c[i].st.st_mode & 07777), (unsigned)c[i].st.st_uid,
			(unsigned)c[i].st.st_gid, (long long)c[i].st.st_mtim.tv_sec,
			(long)c[i].st.st_mtim.tv_nsec);
	}
	fputs("\n ]}\n", f);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
		fclose(f);
		unlink(tmp);
		return nd_err_set(e, _("cannot write the journal '%s': %s; nothing was removed"),
				  tmp, strerror(errno));
	}
	fclose(f);
	if (rename(tmp, path) < 0 || fsync_dir(dir) < 0) {
		unlink(tmp);
		return nd_err_set(e, _("cannot write the journal '%s': %s; nothing was removed"),
				  path, strerror(errno));
	}
	return 0;
}

static const struct nd_hl_entry *find_entry(const struct nd_hl_store *st, const char *ip)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->entries[i].ip, ip) == 0)
			return &st->entries[i];
	return NULL;
}

static char *parent_dir(struct nd_arena *a, const char *p)
{
	const char *slash;
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	slash = memrchr(p, '/', n);
	if (!slash)
		return nd_arena_strdup(a, ".");
	if (slash == p)
		return nd_arena_strdup(a, "/");
	return nd_arena_strndup(a, p, (size_t)(slash - p));
}

int nd_release_apply(const char *store_dir, const struct nd_rel_plan *plan, size_t n,
		     nd_rel_recheck_fn recheck, void *ctx, const struct nd_rel_opts *o,
		     struct nd_arena *a, struct nd_rel_result *out, struct nd_err *e)
{
	struct nd_hl_store st;
	struct cand *c = NULL;
	size_t nc = 0;
	int lockfd = -1, dfd = -1, r = -1;

	memset(out, 0, sizeof(*out));
	out->store_dir = store_dir;
	out->items = nd_arena_alloc(a, (n + 1) * sizeof(*out->items));
	if (nd_store_lock(store_dir, o->lock_timeout_ms, &lockfd, e) < 0)
		return -1;
	if (nd_hostlocal_read(store_dir, a, &st, e) < 0) {
		nd_err_prefix(e, _("the store cannot be fully read under its lock; nothing was "
			      "removed"));
		goto out;
	}
	dfd = open(store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		nd_err_set(e, _("cannot open '%s': %s; nothing was removed"), store_dir,
			   strerror(errno));
		goto out;
	}
	c = nd_xcalloc(n + 1, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		struct nd_rel_item *it = &out->items[out->n++];
		const struct nd_hl_entry *en = find_entry(&st, plan[i].ip);
		char raw[REL_MAX_FILE + 1];
		size_t len = 0;

		it->ip = plan[i].ip;
		it->container_id = plan[i].container_id;
		if (!en) {
			it->status = ND_REL_GONE;
			continue;
		}
		if (strcmp(en->container_id, plan[i].container_id) != 0) {
			it->status = ND_REL_REASSIGNED;
			it->container_id = en->container_id;
			continue;
		}
		if (recheck && !recheck(ctx, en, &it->why)) {
			it->status = ND_REL_KEPT;
			continue;
		}
		if (read_raw(dfd, store_dir, en->ip, raw, &len, &c[nc].st, e) < 0) {
			nd_err_prefix(e, _("nothing was removed"));
			goto out;
		}
		c[nc].name = en->ip;
		c[nc].b64 = nd_arena_alloc(a, 4 * ((len + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)c[nc].b64, (const unsigned char *)raw, (int)len);
		nc++;
		it->status = ND_REL_FREED;
	}
	if (nc) {
		const char *jdir = o->journal_dir ? o->journal_dir : parent_dir(a, store_dir);
		char stamp[32];
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		out->journal = nd_arena_printf(a, "%s/.netdiag-release-%s-%s-%09ld.json", jdir,
					       o->network ? o->network : "store", stamp,
					       (long)ts.tv_nsec);
		if (write_journal(out->journal, jdir, store_dir, o, c, nc, e) < 0) {
			out->journal = NULL;
			goto out;
		}
	}
	/* the journal is on disk: now remove */
	for (size_t i = 0; i < out->n; i++) {
		struct nd_rel_item *it = &out->items[i];

		if (it->status != ND_REL_FREED)
			continue;
		if (unlinkat(dfd, it->ip, 0) < 0) {
			nd_err_set(e, _("cannot remove '%s/%s': %s (the journal '%s' lists what was "
				   "meant to go)"), store_dir, it->ip, strerror(errno), out->journal);
			goto out;
		}
		out->done++;
	}
	if (out->done)
		fsync(dfd);
	r = 0;
out:
	free(c);
	if (dfd >= 0)
		close(dfd);
	close(lockfd);   /* drops the flock */
	return r;
}

static int decode_entry(const char *journal, uint32_t i, const struct nd_json *o,
			struct nd_arena *a, struct nd_rel_jent *je, struct nd_err *e)
{
	const char *b64 = nd_json_str(nd_json_get(o, "content_base64"));
	struct nd_ip ip;
	char canon[64];
	size_t bl;
	int got;

	je->file = nd_json_str(nd_json_get(o, "file"));
	if (!je->file || nd_ip_parse(je->file, &ip) < 0)
		return nd_err_set(e, _("'%s': entry %u: 'file' is not an IP address"), journal, i);
	nd_ip_format(&ip, canon, sizeof(canon));
	if (strcmp(canon, je->file) != 0)
		return nd_err_set(e, _("'%s': entry %u: 'file' is not a host-local file name"),
				  journal, i);
	if (!b64 || (bl = strlen(b64)) % 4 != 0 || bl > 4 * ((REL_MAX_FILE + 2) / 3))
		return nd_err_set(e, _("'%s': entry %u: bad 'content_base64'"), journal, i);
	je->bytes = nd_arena_alloc(a, bl / 4 * 3 + 1);
	got = bl ? EVP_DecodeBlock(je->bytes, (const unsigned char *)b64, (int)bl) : 0;
	if (got < 0)
		return nd_err_set(e, _("'%s': entry %u: bad 'content_base64'"), journal, i);
	je->len = (size_t)got;
	/* EVP_DecodeBlock counts the padding as bytes */
	if (bl && b64[bl - 1] == '=')
		je->len--;
	if (bl > 1 && b64[bl - 2] == '=')
		je->len--;
	/* apply journals files of at most REL_MAX_FILE bytes: more is not ours */
	if (je->len > REL_MAX_FILE)
		return nd_err_set(e, _("'%s': entry %u: 'content_base64' holds more than %d bytes, "
				  "more than a host-local file"), journal, i, REL_MAX_FILE);
	if (nd_json_i64(nd_json_get(o, "mode"), 0, 07777, &je->mode) < 0 ||
	    nd_json_i64(nd_json_get(o, "uid"), 0, UINT32_MAX, &je->uid) < 0 ||
	    nd_json_i64(nd_json_get(o, "gid"), 0, UINT32_MAX, &je->gid) < 0 ||
	    nd_json_i64(nd_json_get(o, "mtime_sec"), 0, INT64_MAX, &je->sec) < 0 ||
	    nd_json_i64(nd_json_get(o, "mtime_nsec"), 0, 999999999, &je->nsec) < 0)
		return nd_err_set(e, _("'%s': entry %u: bad mode, owner or mtime"), journal, i);
	return 0;
}

static int restore_one(int dfd, const char *store, const struct nd_rel_jent *je,
		       struct nd_rel_item *it, struct nd_err *e)
{
	struct timespec ts[2];
	int fd = openat(dfd, je->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			(mode_t)je->mode);

	if (fd < 0 && errno == EEXIST) {
		char raw[REL_MAX_FILE + 1];
		size_t len = 0;
		struct stat st;

		if (read_raw(dfd, store, je->file, raw, &len, &st, e) < 0)
			return -1;
		it->status = len == je->len && memcmp(raw, je->bytes, len) == 0 ? ND_REL_PRESENT
										   : ND_REL_CONFLICT;
		return 0;
	}
	if (fd < 0)
		return nd_err_set(e, _("cannot create '%s/%s': %s"), store, je->file, strerror(errno));
	if (write(fd, je->bytes, je->len) != (ssize_t)je->len ||
	    fchown(fd, (uid_t)je->uid, (gid_t)je->gid) < 0 ||
	    fchmod(fd, (mode_t)je->mode) < 0) {
		nd_err_set(e, _("cannot write '%s/%s': %s"), store, je->file, strerror(errno));
		close(fd);
		unlinkat(dfd, je->file, 0);
		return -1;
	}
	ts[0].tv_sec = ts[1].tv_sec = (time_t)je->sec;
	ts[0].tv_nsec = ts[1].tv_nsec = (long)je->nsec;
	futimens(fd, ts);
	fsync(fd);
	close(fd);
	it->status = ND_REL_RESTORED;
	return 0;
}

int nd_release_journal_parse(const char *journal, const char *buf, size_t len,
			     struct nd_arena *a, struct nd_rel_journal *out, struct nd_err *e)
{
	const struct nd_json *ents;
	struct nd_json root;
	const char *store, *schema;

	memset(out, 0, sizeof(*out));
	if (nd_json_parse(buf, len, 0, a, &root, e) < 0) {
		nd_err_prefix(e, "'%s'", journal);
		return -1;
	}
	schema = nd_json_str(nd_json_get(&root, "schema"));
	store = nd_json_str(nd_json_get(&root, "store_dir"));
	ents = nd_json_get(&root, "entries");
	if (!schema || strcmp(schema, JOURNAL_SCHEMA) != 0 || !store || !*store ||
	    !ents || ents->type != ND_JARR)
		return nd_err_set(e, _("'%s': not a netdiag release journal (schema '%s')"), journal,
				  JOURNAL_SCHEMA);
	out->store_dir = store;
	out->v = nd_arena_alloc(a, (ents->n + 1) * sizeof(*out->v));
	memset(out->v, 0, (ents->n + 1) * sizeof(*out->v));
	for (uint32_t i = 0; i < ents->n; i++) {
		struct nd_rel_jent *je = &out->v[i];
		size_t k = 0;

		if (ents->u.items[i].type != ND_JOBJ)
			return nd_err_set(e, _("'%s': entry %u is not an object"), journal, i);
		if (decode_entry(journal, i, &ents->u.items[i], a, je, e) < 0)
			return -1;
		while (k < je->len && je->bytes[k] != '\r' && je->bytes[k] != '\n')
			k++;
		je->container_id = nd_arena_strndup(a, (const char *)je->bytes, k);
	}
	out->n = ents->n;
	return 0;
}

int nd_release_restore(const char *journal, int lock_timeout_ms, struct nd_arena *a,
		       struct nd_rel_result *out, struct nd_err *e)
{
	struct nd_arena *scratch = nd_arena_new(0);
	struct nd_rel_journal j;
	char *buf = NULL;
	size_t len = 0;
	int lockfd = -1, dfd = -1, r = -1;

	memset(out, 0, sizeof(*out));
	out->journal = journal;
	if (nd_read_file(journal, REL_MAX_JOURNAL, &buf, &len, e) < 0)
		goto out;
	/* decode everything before touching the store */
	if (nd_release_journal_parse(journal, buf, len, scratch, &j, e) < 0) {
		if (j.store_dir)
			out->store_dir = nd_arena_strdup(a, j.store_dir);
		goto out;
	}
	out->store_dir = nd_arena_strdup(a, j.store_dir);
	if (nd_store_lock(out->store_dir, lock_timeout_ms, &lockfd, e) < 0)
		goto out;
	dfd = open(out->store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		nd_err_set(e, _("cannot open '%s': %s"), out->store_dir, strerror(errno));
		goto out;
	}
	out->items = nd_arena_alloc(a, (j.n + 1) * sizeof(*out->items));
	for (size_t i = 0; i < j.n; i++) {
		struct nd_rel_item *it = &out->items[out->n++];

		it->ip = nd_arena_strdup(a, j.v[i].file);
		it->container_id = nd_arena_strdup(a, j.v[i].container_id);
		if (restore_one(dfd, out->store_dir, &j.v[i], it, e) < 0)
			goto out;
		out->done += it->status == ND_REL_RESTORED;
	}
	fsync(dfd);
	r = 0;
out:
	if (dfd >= 0)
		close(dfd);
	if (lockfd >= 0)
		close(lockfd);
	free(buf);
	nd_arena_free(scratch);
	return r;
}
