/* SPDX-License-Identifier: MIT */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/banned.h"

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
		return nd_err_set(e, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		nd_err_set(e, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		nd_err_set(e, "cannot read '%s': %s", path,
			   S_ISDIR(st.st_mode) ? "a directory, not a file" : "not a regular file");
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
			nd_err_set(e, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			nd_err_set(e, "'%s': larger than %s", path, size_text(max, lim, sizeof(lim)));
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
