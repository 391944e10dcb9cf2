/* SPDX-License-Identifier: MIT */
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

struct block {
	struct block *next;
	size_t size, used;
	max_align_t data[];
};

struct nd_arena {
	struct block *head;     /* current block, newest first */
	struct block *first;    /* the block made by nd_arena_new, kept by reset */
	size_t block_size;      /* the next new block's size */
	size_t block_first;     /* the size asked for */
	size_t total;
};

/* Each new block is twice the last, up to this (or the size asked for, when
 * larger): an arena that fills many blocks asks malloc less often, and a
 * second thread's heap is grown (an mprotect, a TLB flush on every core)
 * less often. */
#define BLOCK_GROW_MAX ((size_t)1 << 20)

static struct block *block_new(size_t size)
{
	struct block *b = nd_xmalloc(sizeof(*b) + size);

	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct nd_arena *nd_arena_new(size_t block_size)
{
	struct nd_arena *a = nd_xcalloc(1, sizeof(*a));

	a->block_size = a->block_first = block_size ? block_size : 64 * 1024;
	a->head = a->first = block_new(a->block_size);
	a->total = a->block_size;
	return a;
}

void nd_arena_free(struct nd_arena *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void nd_arena_reset(struct nd_arena *a)
{
	struct block *b, *next;

	for (b = a->head; b; b = next) {
		next = b->next;
		if (b != a->first)
			free(b);
	}
	a->head = a->first;
	a->block_size = a->block_first;
	a->first->next = NULL;
	a->first->used = 0;
	a->total = a->first->size;
}

void *nd_arena_alloc_raw(struct nd_arena *a, size_t n)
{
	struct block *b = a->head;
	size_t need = (n + 7) & ~(size_t)7;
	void *p;

	if (need < n)
		nd_oom(n);
	if (b->size - b->used < need) {
		size_t size = a->block_size;

		if (need > size / 4) {
			/* a big one gets its own block behind the current one */
			struct block *big = block_new(need);

			big->used = need;
			big->next = b->next;
			b->next = big;
			a->total += need;
			return big->data;
		}
		if (size < BLOCK_GROW_MAX)
			a->block_size = size * 2 < BLOCK_GROW_MAX ? size * 2 : BLOCK_GROW_MAX;
		b = block_new(size);
		b->next = a->head;
		a->head = b;
		a->total += size;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

void *nd_arena_alloc(struct nd_arena *a, size_t n)
{
	void *p = nd_arena_alloc_raw(a, n);

	memset(p, 0, n);
	return p;
}

char *nd_arena_strndup(struct nd_arena *a, const char *s, size_t n)
{
	char *p = nd_arena_alloc_raw(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *nd_arena_strdup(struct nd_arena *a, const char *s)
{
	return nd_arena_strndup(a, s, strlen(s));
}

char *nd_arena_printf(struct nd_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return nd_arena_strdup(a, "");
	p = nd_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t nd_arena_size(const struct nd_arena *a)
{
	return a ? a->total : 0;
}
