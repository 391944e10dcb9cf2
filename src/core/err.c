/* SPDX-License-Identifier: MIT */
#include "core/err.h"

#include <sys/mman.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

int nd_err_set(struct nd_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int nd_err_prefix(struct nd_err *e, const char *fmt, ...)
{
	char pre[512], old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	{
		size_t lp = strnlen(pre, sizeof(pre)), lo = strnlen(old, sizeof(old) - 1);
		size_t room = sizeof(e->msg) - 1;

		if (lp > room - 2)
			lp = room - 2;
		memcpy(e->msg, pre, lp);
		memcpy(e->msg + lp, ": ", 2);
		if (lo > room - lp - 2)
			lo = room - lp - 2;
		memcpy(e->msg + lp + 2, old, lo);
		e->msg[lp + 2 + lo] = '\0';
	}
	return -1;
}

_Noreturn void nd_oom(size_t n)
{
	char buf[96];
	int len = snprintf(buf, sizeof(buf), "netdiag: out of memory allocating %zu bytes\n", n);

	if (len > 0 && write(STDERR_FILENO, buf, (size_t)len) < 0)
		abort();
	abort();
}

void *nd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		nd_oom(n);
	return p;
}

void *nd_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		nd_oom(n * size);
	return p;
}

void *nd_xtable_dense(size_t n, size_t size)
{
	size_t bytes, huge = (size_t)2 << 20;
	void *p;

	if (size && n > SIZE_MAX / size)
		nd_oom(SIZE_MAX);
	bytes = n * size;
	if (bytes < 4 * huge) {
		p = nd_xmalloc(bytes);
	} else {
		if (posix_memalign(&p, huge, bytes) != 0)
			nd_oom(bytes);
#ifdef MADV_HUGEPAGE
		madvise(p, bytes, MADV_HUGEPAGE);
#endif
	}
	memset(p, 0, bytes);
	return p;
}

void *nd_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		nd_oom(n);
	return q;
}

char *nd_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		nd_oom(strlen(s) + 1);
	return p;
}

void nd_grow(void **arr, size_t *cap, size_t need, size_t sz)
{
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sz)
			nd_oom(SIZE_MAX);
		ncap *= 2;
	}
	*arr = nd_xrealloc(*arr, ncap * sz);
	*cap = ncap;
}
