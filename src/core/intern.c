/* SPDX-License-Identifier: MIT */
#include "core/intern.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

/* Each string is stored as [uint32 len][bytes][NUL]; the table holds pointers to the bytes. */
struct nd_intern {
	struct nd_arena *arena;
	const char **slots;
	uint64_t *hashes;
	size_t cap, n;
	bool shared;
	pthread_mutex_t lock;
};

uint64_t nd_hash(const void *p, size_t n)
{
	/* FNV-1a, 64-bit, with a final mix */
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	h ^= h >> 31;
	h *= 0x7fb5d329728ea185ULL;
	h ^= h >> 27;
	return h;
}

struct nd_intern *nd_intern_new(void)
{
	struct nd_intern *t = nd_xcalloc(1, sizeof(*t));

	t->arena = nd_arena_new(256 * 1024);
	t->cap = 1024;
	t->slots = nd_xcalloc(t->cap, sizeof(*t->slots));
	t->hashes = nd_xcalloc(t->cap, sizeof(*t->hashes));
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void nd_intern_free(struct nd_intern *t)
{
	if (!t)
		return;
	nd_arena_free(t->arena);
	pthread_mutex_destroy(&t->lock);
	free(t->slots);
	free(t->hashes);
	free(t);
}

size_t nd_intern_len(const char *s)
{
	uint32_t len;

	memcpy(&len, s - sizeof(len), sizeof(len));
	return len;
}

static void grow(struct nd_intern *t)
{
	size_t ncap = t->cap * 2, i;
	const char **slots = nd_xcalloc(ncap, sizeof(*slots));
	uint64_t *hashes = nd_xcalloc(ncap, sizeof(*hashes));

	for (i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->slots[i])
			continue;
		for (j = t->hashes[i] & (ncap - 1); slots[j]; j = (j + 1) & (ncap - 1))
			;
		slots[j] = t->slots[i];
		hashes[j] = t->hashes[i];
	}
	free(t->slots);
	free(t->hashes);
	t->slots = slots;
	t->hashes = hashes;
	t->cap = ncap;
}

static const char *intern_unlocked(struct nd_intern *t, const char *s, size_t len)
{
	uint64_t h = nd_hash(s, len);
	size_t i;
	char *p;
	uint32_t l32 = (uint32_t)len;

	if (len > UINT32_MAX)
		nd_oom(len);
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		if (t->hashes[i] == h && nd_intern_len(t->slots[i]) == len &&
		    memcmp(t->slots[i], s, len) == 0)
			return t->slots[i];
	}
	p = nd_arena_alloc(t->arena, sizeof(l32) + len + 1);
	memcpy(p, &l32, sizeof(l32));
	p += sizeof(l32);
	memcpy(p, s, len);
	p[len] = '\0';
	t->slots[i] = p;
	t->hashes[i] = h;
	if (++t->n * 4 > t->cap * 3)
		grow(t);
	return p;
}

static const char *find_unlocked(const struct nd_intern *t, const char *s, size_t len)
{
	uint64_t h = nd_hash(s, len);
	size_t i;

	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		if (t->hashes[i] == h && nd_intern_len(t->slots[i]) == len &&
		    memcmp(t->slots[i], s, len) == 0)
			return t->slots[i];
	}
	return NULL;
}

const char *nd_intern_cstr(struct nd_intern *t, const char *s)
{
	return s ? nd_intern(t, s, strlen(s)) : NULL;
}

size_t nd_intern_count(const struct nd_intern *t)
{
	return t->n;
}

const char *nd_intern(struct nd_intern *t, const char *s, size_t len)
{
	const char *r;

	if (!t->shared)
		return intern_unlocked(t, s, len);
	pthread_mutex_lock(&t->lock);
	r = intern_unlocked(t, s, len);
	pthread_mutex_unlock(&t->lock);
	return r;
}

const char *nd_intern_find(const struct nd_intern *t, const char *s, size_t len)
{
	struct nd_intern *w = (struct nd_intern *)t;
	const char *r;

	if (!t->shared)
		return find_unlocked(t, s, len);
	pthread_mutex_lock(&w->lock);
	r = find_unlocked(t, s, len);
	pthread_mutex_unlock(&w->lock);
	return r;
}

void nd_intern_set_shared(struct nd_intern *t, bool on)
{
	t->shared = on;
}
