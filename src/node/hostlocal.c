/* SPDX-License-Identifier: MIT */
#include "node/hostlocal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/banned.h"
#include "core/i18n.h"

#define HL_MAX_FILE    4096           /* an IP file holds an ID and an ifname */
#define HL_MAX_ENTRIES (1u << 20)     /* files in one store directory */
#define HL_MAX_ID      1024
#define HL_LAST        "last_reserved_ip."

struct item {
	struct nd_ip ip;
	struct nd_hl_entry ent;
};

/* CNI spec: a container ID starts alphanumeric, then alphanumerics, '_', '.', '-'. */
static bool valid_container_id(const char *s, size_t n)
{
	if (n == 0 || n > HL_MAX_ID)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* A Linux interface name: 1..15 printable bytes, no '/', ':' or blanks. */
static bool valid_ifname(const char *s, size_t n)
{
	if (n == 0 || n > 15)
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
			return false;
	}
	return true;
}

static size_t trim_right(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			 s[n - 1] == '\n' || s[n - 1] == '\v' || s[n - 1] == '\f'))
		n--;
	return n;
}

/*
 * Read a file of the store that lstat found regular: no symlink is
 * followed, and the file opened must be the one that was looked at.
 */
static int read_small(int dfd, const char *name, const char *path, const struct stat *lst,
		      char *buf, size_t *len, struct nd_err *e)
{
	struct stat st;
	size_t n = 0;
	int fd, r = -1;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_ino != lst->st_ino || st.st_dev != lst->st_dev) {
		nd_err_set(e, _("'%s': changed while being read"), path);
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf + n, HL_MAX_FILE + 1 - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > HL_MAX_FILE) {
			nd_err_set(e, _("'%s': larger than 4 KiB, not a host-local IP file"), path);
			goto out;
		}
	}
	*len = n;
	r = 0;
out:
	close(fd);
	return r;
}

/* lstat a name of the store; anything but a regular file is refused. */
static int stat_regular(int dfd, const char *name, const char *path, struct stat *st,
			struct nd_err *e)
{
	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
	if (S_ISLNK(st->st_mode))
		return nd_err_set(e, _("'%s': a symbolic link where an IP file should be"), path);
	if (S_ISDIR(st->st_mode))
		return nd_err_set(e, _("'%s': a directory where an IP file should be"), path);
	if (!S_ISREG(st->st_mode))
		return nd_err_set(e, _("'%s': not a regular file"), path);
	return 0;
}

int nd_hostlocal_content(const char *path, const char *buf, size_t len,
			 struct nd_arena *a, struct nd_hl_entry *ent, struct nd_err *e)
{
	size_t n = trim_right(buf, len), idlen = n;
	const char *ifn = NULL;
	size_t iflen = 0;

	if (n == 0)
		return nd_err_set(e, _("'%s': empty, no container ID"), path);
	for (size_t i = 0; i + 1 < n; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n') {
			idlen = i;
			ifn = buf + i + 2;
			iflen = n - i - 2;
			break;
		}
	}
	if (!valid_container_id(buf, idlen))
		return nd_err_set(e, _("'%s': content is not a container ID"), path);
	if (ifn && !valid_ifname(ifn, iflen))
		return nd_err_set(e, _("'%s': content is not a container ID and interface name"),
				  path);
	ent->container_id = nd_arena_strndup(a, buf, idlen);
	ent->ifname = ifn ? nd_arena_strndup(a, ifn, iflen) : NULL;
	return 0;
}

/* last_reserved_ip.<N>: kept for N in 0..3 when it holds an IP, as host-local reads it. */
static int read_last(int dfd, const char *name, const char *path, struct nd_arena *a,
		     struct nd_hl_store *out, struct nd_err *e)
{
	const char *suffix = name + strlen(HL_LAST);
	char buf[HL_MAX_FILE + 1];
	struct stat st;
	size_t len = 0;
	unsigned idx;

	if (strlen(suffix) != 1 || suffix[0] < '0' || suffix[0] > '3')
		return 0;
	idx = (unsigned)(suffix[0] - '0');
	if (stat_regular(dfd, name, path, &st, e) < 0 ||
	    read_small(dfd, name, path, &st, buf, &len, e) < 0)
		return -1;
	out->last_reserved[idx] = nd_hostlocal_last(buf, len, a);
	return 0;
}

const char *nd_hostlocal_last(const char *buf, size_t len, struct nd_arena *a)
{
	char ipt[HL_MAX_FILE + 1];
	struct nd_ip ip;

	if (len > HL_MAX_FILE)
		return NULL;
	len = trim_right(buf, len);
	memcpy(ipt, buf, len);
	ipt[len] = '\0';
	if (strlen(ipt) == len && nd_ip_parse(ipt, &ip) == 0)
		return nd_arena_strndup(a, ipt, len);
	return NULL;
}

int nd_hostlocal_name(const char *name, const char *path, struct nd_ip *ip, struct nd_err *e)
{
	char canon[64];

	/* Only the name host-local would write: Go's canonical text of an IP. */
	if (nd_ip_parse(name, ip) < 0)
		return nd_err_set(e, _("'%s': not a valid IP file name"), path);
	nd_ip_format(ip, canon, sizeof(canon));
	if (strcmp(canon, name) != 0)
		return nd_err_set(e, _("'%s': not a valid IP file name (host-local writes '%s')"),
				  path, canon);
	return 0;
}

static int read_entry(int dfd, const char *name, const char *path, struct nd_arena *a,
		      struct item *it, struct nd_err *e)
{
	char buf[HL_MAX_FILE + 1];
	struct stat st;
	size_t len = 0;

	if (nd_hostlocal_name(name, path, &it->ip, e) < 0 ||
	    stat_regular(dfd, name, path, &st, e) < 0 ||
	    read_small(dfd, name, path, &st, buf, &len, e) < 0 ||
	    nd_hostlocal_content(path, buf, len, a, &it->ent, e) < 0)
		return -1;
	it->ent.ip = nd_arena_strdup(a, name);
	it->ent.mtime = (int64_t)st.st_mtim.tv_sec;
	it->ent.v6 = it->ip.family == 6;
	return 0;
}

static int cmp_item(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	return nd_ip_cmp(&a->ip, &b->ip);
}

int nd_hostlocal_read(const char *dir, struct nd_arena *a,
		      struct nd_hl_store *out, struct nd_err *e)
{
	struct nd_hl_store st;
	struct item *items = NULL;
	size_t cnt = 0, cap = 0;
	const char *sep;
	DIR *d;
	int fd, r = -1;

	memset(&st, 0, sizeof(st));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), dir, strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		nd_err_set(e, _("cannot read '%s': %s"), dir, strerror(errno));
		close(fd);
		return -1;
	}
	st.dir = nd_arena_strdup(a, dir);
	sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	for (;;) {
		struct dirent *de;
		char path[4096];

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				nd_err_set(e, _("cannot read '%s': %s"), dir, strerror(errno));
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "lock") == 0)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", dir, sep, de->d_name);
		if (strncmp(de->d_name, HL_LAST, strlen(HL_LAST)) == 0) {
			if (read_last(fd, de->d_name, path, a, &st, e) < 0)
				goto out;
			continue;
		}
		if (cnt == HL_MAX_ENTRIES) {
			nd_err_set(e, _("'%s': more than %u entries, not a host-local store"), dir,
				   HL_MAX_ENTRIES);
			goto out;
		}
		ND_GROW(items, cap, cnt + 1);
		memset(&items[cnt], 0, sizeof(items[cnt]));
		if (read_entry(fd, de->d_name, path, a, &items[cnt], e) < 0)
			goto out;
		cnt++;
	}
	if (cnt > 1)
		qsort(items, cnt, sizeof(*items), cmp_item);
	if (cnt > 0) {
		st.entries = nd_arena_alloc(a, cnt * sizeof(*st.entries));
		for (size_t i = 0; i < cnt; i++)
			st.entries[i] = items[i].ent;
	}
	st.n = cnt;
	*out = st;
	r = 0;
out:
	free(items);
	closedir(d);
	return r;
}
