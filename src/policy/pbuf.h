/* SPDX-License-Identifier: MIT */
#ifndef ND_PBUF_H
#define ND_PBUF_H
/*
 * A growable text buffer for the policy engines' explanations and YAML,
 * with a ceiling (PBUF_MAX): past it, text is dropped and the result ends
 * with "...". pb_done() copies the text into an arena and frees the buffer.
 * Internal to src/policy/.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"

#define PBUF_MAX (256 * 1024)

struct pbuf {
	char *p;
	size_t n, cap;
	bool full;
};

static inline __attribute__((format(printf, 2, 3))) void pb_printf(struct pbuf *b,
								       const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->full)
		return;
	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	if (b->n + (size_t)k + 1 > PBUF_MAX) {
		b->full = true;
		return;
	}
	ND_GROW(b->p, b->cap, b->n + (size_t)k + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)k;
}

static inline const char *pb_done(struct pbuf *b, struct nd_arena *a)
{
	char *s = nd_arena_alloc(a, b->n + 4);

	if (b->n)
		memcpy(s, b->p, b->n);
	if (b->full)
		memcpy(s + b->n, "...", 3);
	free(b->p);
	memset(b, 0, sizeof(*b));
	return s;
}

#endif
