/* SPDX-License-Identifier: MIT */
#include "k8s/tarball.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_NAME 4095
#define MAX_DEPTH 32
#define BLOCK 65536

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	int64_t n;

	if (v && nd_parse_i64(v, strlen(v), 0, INT64_MAX, &n) == 0)
		return (uint64_t)n;
	return def;
}

void nd_tar_limits_default(struct nd_tar_limits *l)
{
	l->max_file = env_u64("NETDIAG_SNAPSHOT_MAX_FILE", (uint64_t)4 << 30);
	l->max_total = env_u64("NETDIAG_SNAPSHOT_MAX_TOTAL", (uint64_t)8 << 30);
	l->max_entries = (size_t)env_u64("NETDIAG_SNAPSHOT_MAX_ENTRIES", 1000000);
}

/* ---- reading ---------------------------------------------------------- */

struct rd {
	struct archive *ar;
	const char *path;        /* the archive, for messages */
	const char *into;
	const char *name;        /* the entry as the archive spells it */
	uint64_t total;
	const struct nd_tar_limits *l;
	struct nd_err *e;
};

static int refuse(struct rd *r, const char *why)
{
	return nd_err_set(r->e, _("cannot read bundle '%s': entry '%s' %s"), r->path, r->name, why);
}

/*
 * The entry's name relative to into, in rel: no empty, "." or ".."
 * component, not absolute. 0 with rel "" for the top folder itself.
 */
static int clean_name(struct rd *r, char *rel, size_t cap)
{
	const char *s = r->name, *c;
	size_t n = 0, depth = 0;

	if (s[0] == '/')
		return refuse(r, "is an absolute path");
	if (strlen(s) > MAX_NAME)
		return refuse(r, "has a name longer than 4095 bytes");
	for (; *s; s = *c ? c + 1 : c) {
		size_t len;

		c = strchr(s, '/');
		if (!c)
			c = s + strlen(s);
		len = (size_t)(c - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return refuse(r, "has a '..' component");
		if (++depth > MAX_DEPTH)
			return refuse(r, "is nested deeper than 32 folders");
		if (n + len + 2 > cap)
			return refuse(r, "has a name longer than 4095 bytes");
		if (n)
			rel[n++] = '/';
		memcpy(rel + n, s, len);
		n += len;
	}
	rel[n] = '\0';
	return 0;
}

/* mkdir -p of rel's folders below into; the last component too when whole. */
static int make_dirs(struct rd *r, const char *rel, bool whole)
{
	char p[MAX_NAME + 4200];
	size_t base = (size_t)snprintf(p, sizeof(p), "%s/", r->into), i;
	size_t n = strlen(rel);

	for (i = 0; i <= n; i++) {
		struct stat st;

		if (rel[i] != '/' && rel[i] != '\0')
			continue;
		if (rel[i] == '\0' && !whole)
			break;
		memcpy(p + base, rel, i);
		p[base + i] = '\0';
		if (mkdir(p, 0700) == 0)
			continue;
		if (errno != EEXIST)
			return nd_err_set(r->e, _("cannot create '%s': %s"), p, strerror(errno));
		if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			return refuse(r, "is below a name that is a file in the archive");
	}
	return 0;
}

static int write_file(struct rd *r, const char *rel, struct archive_entry *ent)
{
	char p[MAX_NAME + 4200], buf[BLOCK];
	uint64_t done = 0;
	int64_t size = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : 0;
	ssize_t got;
	int fd;

	if (size < 0 || (uint64_t)size > r->l->max_file) {
		char why[200];

		snprintf(why, sizeof(why), _("claims %lld bytes, more than the %llu allowed for "
			 "one file (NETDIAG_SNAPSHOT_MAX_FILE)"), (long long)size,
			 (unsigned long long)r->l->max_file);
		return refuse(r, why);
	}
	if (make_dirs(r, rel, false) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/%s", r->into, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return refuse(r, "appears twice");
	if (fd < 0)
		return nd_err_set(r->e, _("cannot create '%s': %s"), p, strerror(errno));
	while ((got = archive_read_data(r->ar, buf, sizeof(buf))) > 0) {
		size_t off = 0;

		done += (uint64_t)got;
		if (done > r->l->max_file) {
			close(fd);
			return refuse(r, "is larger than the size allowed for one file "
				      "(NETDIAG_SNAPSHOT_MAX_FILE)");
		}
		if (r->total + done > r->l->max_total) {
			char why[200];

			close(fd);
			snprintf(why, sizeof(why), _("takes the bundle past the %llu bytes allowed "
				 "in all (NETDIAG_SNAPSHOT_MAX_TOTAL)"),
				 (unsigned long long)r->l->max_total);
			return refuse(r, why);
		}
		while (off < (size_t)got) {
			ssize_t w = write(fd, buf + off, (size_t)got - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				nd_err_set(r->e, _("cannot write '%s': %s"), p, strerror(errno));
				close(fd);
				return -1;
			}
			off += (size_t)w;
		}
	}
	if (got < 0) {
		close(fd);
		return nd_err_set(r->e, _("cannot read bundle '%s' at entry '%s': %s"), r->path,
				  r->name, archive_error_string(r->ar));
	}
	r->total += done;
	/* file times are evidence (a host-local reservation's age): keep them */
	if (archive_entry_mtime_is_set(ent)) {
		struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
					 {.tv_sec = archive_entry_mtime(ent),
					  .tv_nsec = archive_entry_mtime_nsec(ent)}};

		futimens(fd, ts);
	}
	if (close(fd) < 0)
		return nd_err_set(r->e, _("cannot write '%s': %s"), p, strerror(errno));
	return 0;
}

static int extract_entry(struct rd *r, struct archive_entry *ent)
{
	char rel[MAX_NAME + 2];

	if (clean_name(r, rel, sizeof(rel)) < 0)
		return -1;
	/* a hard link is a regular-file header naming another entry */
	if (archive_entry_hardlink(ent))
		return refuse(r, "is a hard link: a bundle holds only files and folders");
	switch (archive_entry_filetype(ent)) {
	case AE_IFDIR:
		return rel[0] ? make_dirs(r, rel, true) : 0;
	case AE_IFREG:
		if (!rel[0])
			return refuse(r, "is a file without a name");
		return write_file(r, rel, ent);
	case AE_IFLNK:
		return refuse(r, "is a symbolic link: a bundle holds only files and folders");
	default:
		return refuse(r, "is a device, FIFO or socket: a bundle holds only files and "
			      "folders");
	}
}

int nd_tar_extract(const char *path, const char *into, const struct nd_tar_limits *l,
		   struct nd_err *e)
{
	struct rd r = {.path = path, .into = into, .l = l, .e = e, .name = ""};
	struct archive_entry *ent;
	size_t n = 0;
	int fd, rc = -1, st;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nd_err_set(e, _("cannot open bundle '%s': %s"), path, strerror(errno));
	r.ar = archive_read_new();
	if (!r.ar)
		nd_oom(sizeof(struct archive *));
	archive_read_support_filter_gzip(r.ar);
	archive_read_support_format_tar(r.ar);
	if (archive_read_open_fd(r.ar, fd, BLOCK) != ARCHIVE_OK) {
		nd_err_set(e, _("cannot read bundle '%s' as a .tar.gz: %s"), path,
			   archive_error_string(r.ar));
		goto out;
	}
	for (;;) {
		st = archive_read_next_header(r.ar, &ent);
		if (st == ARCHIVE_EOF)
			break;
		if (st < ARCHIVE_WARN) {
			if (n)
				nd_err_set(e, _("cannot read bundle '%s' after entry '%s': %s"), path,
					   r.name, archive_error_string(r.ar));
			else
				nd_err_set(e, _("cannot read bundle '%s' as a .tar.gz: %s"), path,
					   archive_error_string(r.ar));
			goto out;
		}
		r.name = archive_entry_pathname(ent);
		if (!r.name)
			r.name = "";
		if (++n > l->max_entries) {
			nd_err_set(e, _("cannot read bundle '%s': more than %zu entries, at '%s' "
				   "(NETDIAG_SNAPSHOT_MAX_ENTRIES)"), path, l->max_entries, r.name);
			goto out;
		}
		if (!r.name[0]) {
			nd_err_set(e, _("cannot read bundle '%s': entry %zu has no name"), path, n);
			goto out;
		}
		if (extract_entry(&r, ent) < 0)
			goto out;
	}
	if (n == 0) {
		nd_err_set(e, _("cannot read bundle '%s': the archive is empty"), path);
		goto out;
	}
	rc = 0;
out:
	archive_read_free(r.ar);
	close(fd);
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

struct wr {
	struct archive *ar;
	const char *path;
	struct nd_err *e;
	int depth;
};

static int ar_fail(struct wr *w, const char *what)
{
	return nd_err_set(w->e, _("cannot write '%s' (%s): %s"), w->path, what,
			  archive_error_string(w->ar));
}

static int put_header(struct wr *w, const char *name, const struct stat *st, bool dir)
{
	struct archive_entry *ent = archive_entry_new();
	int rc = 0;

	if (!ent)
		nd_oom(sizeof(void *));
	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ent, dir ? 0700 : 0600);
	archive_entry_set_size(ent, dir ? 0 : st->st_size);
	archive_entry_set_mtime(ent, st->st_mtime, 0);
	if (archive_write_header(w->ar, ent) != ARCHIVE_OK)
		rc = ar_fail(w, name);
	archive_entry_free(ent);
	return rc;
}

static int put_file(struct wr *w, const char *fs, const char *name, const struct stat *st)
{
	char buf[BLOCK];
	int fd = open(fs, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	uint64_t total = 0, size = (uint64_t)st->st_size;
	ssize_t n;

	if (fd < 0)
		return nd_err_set(w->e, _("cannot read '%s': %s"), fs, strerror(errno));
	if (put_header(w, name, st, false) < 0) {
		close(fd);
		return -1;
	}
	while (total < size && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nd_err_set(w->e, _("cannot read '%s': %s"), fs, strerror(errno));
			close(fd);
			return -1;
		}
		if ((uint64_t)n > size - total)
			n = (ssize_t)(size - total);
		if (archive_write_data(w->ar, buf, (size_t)n) != n) {
			close(fd);
			return ar_fail(w, name);
		}
		total += (uint64_t)n;
	}
	close(fd);
	if (total != size)
		return nd_err_set(w->e, _("'%s' changed while it was archived"), fs);
	return 0;
}

static int put_dir(struct wr *w, const char *fs, const char *name)
{
	struct dirent **des = NULL;
	struct stat st;
	int n, i, rc;

	if (++w->depth > 8)
		return nd_err_set(w->e, _("'%s' is nested too deeply"), fs);
	if (stat(fs, &st) < 0)
		return nd_err_set(w->e, _("cannot open '%s': %s"), fs, strerror(errno));
	n = scandir(fs, &des, NULL, alphasort);
	if (n < 0)
		return nd_err_set(w->e, _("cannot open '%s': %s"), fs, strerror(errno));
	rc = put_header(w, name, &st, true);
	for (i = 0; i < n; i++) {
		const char *d = des[i]->d_name;
		size_t pl = strlen(fs) + strlen(d) + 2, nl = strlen(name) + strlen(d) + 2;
		char *p = nd_xmalloc(pl), *nm = nd_xmalloc(nl);
		struct stat es;

		snprintf(p, pl, "%s/%s", fs, d);
		snprintf(nm, nl, "%s/%s", name, d);
		if (rc == 0 && strcmp(d, ".") != 0 && strcmp(d, "..") != 0 && lstat(p, &es) == 0) {
			if (S_ISDIR(es.st_mode))
				rc = put_dir(w, p, nm);
			else if (S_ISREG(es.st_mode))
				rc = put_file(w, p, nm, &es);
		}
		free(p);
		free(nm);
		free(des[i]);
	}
	free(des);
	w->depth--;
	return rc;
}

int nd_tar_write_dir(const char *path, const char *dir, const char *prefix, struct nd_err *e)
{
	struct wr w = {.path = path, .e = e};
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return nd_err_set(e, _("cannot create '%s': %s"), path, strerror(errno));
	w.ar = archive_write_new();
	if (!w.ar)
		nd_oom(sizeof(struct archive *));
	/* pax: names of any length, read by every tar since 2001 */
	if (archive_write_add_filter_gzip(w.ar) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(w.ar) != ARCHIVE_OK ||
	    archive_write_open_fd(w.ar, fd) != ARCHIVE_OK) {
		ar_fail(&w, "setup");
		goto out;
	}
	if (put_dir(&w, dir, prefix) < 0)
		goto out;
	if (archive_write_close(w.ar) != ARCHIVE_OK) {
		ar_fail(&w, "close");
		goto out;
	}
	rc = 0;
out:
	archive_write_free(w.ar);
	if (close(fd) < 0 && rc == 0)
		rc = nd_err_set(e, _("cannot write '%s': %s"), path, strerror(errno));
	if (rc < 0)
		unlink(path);
	return rc;
}

/* ---- removing --------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

void nd_tar_rm_tree(const char *dir)
{
	if (dir && dir[0])
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
