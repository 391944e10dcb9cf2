/* SPDX-License-Identifier: MIT */
#ifndef ND_ARENA_H
#define ND_ARENA_H
/*
 * A bump allocator. Everything the model holds lives in one arena and is
 * freed at once; per-object scratch (one decoded JSON item) lives in a second
 * arena that is reset between items, so memory stays flat whatever the size
 * of a list.
 *
 * Allocations are 8-byte aligned and zeroed. Allocation failure ends the
 * process (nd_oom). nd_arena_free(NULL) is a no-op.
 */
#include <stddef.h>

struct nd_arena;

struct nd_arena *nd_arena_new(size_t block_size);
void nd_arena_free(struct nd_arena *a);
/* Forget every allocation but keep the first block for reuse. */
void nd_arena_reset(struct nd_arena *a);
void *nd_arena_alloc(struct nd_arena *a, size_t n);
/* The same, not zeroed: for memory the caller fills at once. */
void *nd_arena_alloc_raw(struct nd_arena *a, size_t n);
/* Copy n bytes and add a NUL. */
char *nd_arena_strndup(struct nd_arena *a, const char *s, size_t n);
char *nd_arena_strdup(struct nd_arena *a, const char *s);
char *nd_arena_printf(struct nd_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes handed out plus slack, for benchmarks and tests. */
size_t nd_arena_size(const struct nd_arena *a);

#endif
