/* SPDX-License-Identifier: MIT */
#include "core/file.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/banned.h"
#include "core/i18n.h"

/* "1 MiB", "4 KiB", or "1000 bytes". */
static const char *size_text(size_t n, char *buf, size_t len)
{
	if (n && n % (1u << 20) == 0)
		snprintf(buf, len, "%zu MiB", n >> 20);
	else if (n && n % 1024 == 0)
		snprintf(buf, len, "%zu KiB", n >> 10);
	else
		snprintf(buf, len, "%zu bytes", n);
	return buf;
}

int nd_read_file(const char *path, size_t max, char **buf, size_t *len, struct nd_err *e)
{
	struct stat st;
	char *b = NULL;
	size_t n = 0, cap = 0;
	int fd, r = -1;
	char lim[32];

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		nd_err_set(e, _("cannot read '%s': %s"), path,
			   S_ISDIR(st.st_mode) ? _("a directory, not a file") : _("not a regular file"));
		goto out;
	}
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			b = nd_xrealloc(b, cap + 1);
		}
		got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			nd_err_set(e, _("'%s': larger than %s"), path, size_text(max, lim, sizeof(lim)));
			goto out;
		}
	}
	if (!b)
		b = nd_xmalloc(1);
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	r = 0;
out:
	free(b);
	close(fd);
	return r;
}

int nd_walk_init(struct nd_walk *w, const char *root, struct nd_err *e)
{
	memset(w, 0, sizeof(*w));
	w->root = realpath(root, NULL);
	if (!w->root)
		return nd_err_set(e, _("cannot read '%s': %s"), root, strerror(errno));
	return 0;
}

void nd_walk_release(struct nd_walk *w)
{
	free(w->root);
	free(w->keys);
	memset(w, 0, sizeof(*w));
}

/* Remember (dev, ino); false when it was there already. */
static bool remember(struct nd_walk *w, uint64_t dev, uint64_t ino)
{
	size_t i, mask;

	if ((w->n + 1) * 2 > w->cap) {
		struct nd_walk old = *w;
		size_t cap = old.cap ? old.cap * 2 : 64;

		w->keys = nd_xcalloc(cap * 2, sizeof(*w->keys));
		w->cap = cap;
		w->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[2 * i] || old.keys[2 * i + 1])
				remember(w, old.keys[2 * i] - 1, old.keys[2 * i + 1]);
		free(old.keys);
	}
	mask = w->cap - 1;
	dev += 1;                    /* (0, 0) marks a free slot */
	for (i = (size_t)((dev * 0x9E3779B97F4A7C15ULL) ^ ino) & mask;; i = (i + 1) & mask) {
		if (!w->keys[2 * i] && !w->keys[2 * i + 1]) {
			w->keys[2 * i] = dev;
			w->keys[2 * i + 1] = ino;
			w->n++;
			return true;
		}
		if (w->keys[2 * i] == dev && w->keys[2 * i + 1] == ino)
			return false;
	}
}

enum nd_walk_verdict nd_walk_entry(struct nd_walk *w, const char *path, struct stat *st,
				   char *why, size_t whylen)
{
	struct stat lst;

	if (lstat(path, &lst) < 0) {
		snprintf(why, whylen, _("cannot read '%s': %s"), path, strerror(errno));
		return ND_WALK_BAD;
	}
	if (S_ISLNK(lst.st_mode)) {
		char *real = realpath(path, NULL);
		size_t rl = strlen(w->root);

		if (!real) {
			snprintf(why, whylen, _("'%s' is a symbolic link that leads nowhere (%s)"), path,
				 errno == ELOOP ? _("a link loop") : strerror(errno));
			return ND_WALK_BAD;
		}
		if (strncmp(real, w->root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0')) {
			snprintf(why, whylen, _("'%s' is a symbolic link to '%s', outside the bundle: "
				 "not read"), path, real);
			free(real);
			return ND_WALK_BAD;
		}
		free(real);
	}
	if (stat(path, st) < 0) {
		snprintf(why, whylen, _("cannot read '%s': %s"), path, strerror(errno));
		return ND_WALK_BAD;
	}
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))
		return ND_WALK_GO;
	if (!remember(w, (uint64_t)st->st_dev, (uint64_t)st->st_ino)) {
		if (!S_ISDIR(st->st_mode))
			return ND_WALK_AGAIN;
		snprintf(why, whylen, _("'%s' is a folder already read (a symbolic link loop): "
			 "read once"), path);
		return ND_WALK_BAD;
	}
	return ND_WALK_GO;
}
