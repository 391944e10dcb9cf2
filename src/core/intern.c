/* SPDX-License-Identifier: MIT */
#include "core/intern.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

/*
 * Each string is stored as [uint32 len][bytes][NUL]; the table holds
 * pointers to the bytes. The table is split into shards by the high bits of
 * the hash, each with its own slots, arena and lock, so two threads that
 * decode at once (nd_intern_set_shared) rarely meet on one lock: a single
 * table with one mutex cost more in futex waits than the lookups themselves
 * (bench/README.md, issue 16).
 */
#define NSHARDS 256
#define SHARD_BITS 8

struct islot {
	const char *s;
	uint32_t len;
	uint32_t h;             /* low half of the hash, to skip most compares */
};

struct shard {
	pthread_mutex_t lock;
	struct islot *slots;
	size_t cap, n;
	struct nd_arena *arena;
} __attribute__((aligned(64)));

struct nd_intern {
	struct shard sh[NSHARDS];
	bool shared;
	uint32_t gen;           /* this table's number, for the thread caches */
};

/*
 * In front of the tables, a small cache per thread of the strings it
 * interned last, direct-mapped by hash: the namespaces, label keys, node
 * names and phases that most lookups ask for again are found there without
 * the shard's lock or a miss in its large slot array. An entry names its
 * table by number (never reused), so a freed table's strings are never
 * returned for a new one at the same address.
 */
#define TC_BITS 13
struct tcent {
	const char *s;
	uint32_t gen, h, len;
};
static __thread struct tcent tcache[1u << TC_BITS];
static _Atomic uint32_t next_gen;

static inline struct tcent *tc_slot(uint64_t h)
{
	return &tcache[(h >> 32) & ((1u << TC_BITS) - 1)];
}

static inline const char *tc_find(const struct nd_intern *t, const char *s, uint32_t len,
				  uint64_t h)
{
	const struct tcent *c = tc_slot(h);

	if (c->gen == t->gen && c->h == (uint32_t)h && c->len == len &&
	    nd_bytes_eq(c->s, s, len))
		return c->s;
	return NULL;
}

static inline void tc_put(const struct nd_intern *t, const char *s, uint32_t len, uint64_t h)
{
	*tc_slot(h) = (struct tcent){.s = s, .gen = t->gen, .h = (uint32_t)h, .len = len};
}

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

/* The table's own hash: eight bytes a step (the names and IPs of a model
 * are 8-60 bytes), a splitmix finish. */
static uint64_t fmix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static uint64_t ihash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL * (len + 1), w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 29;
	}
	if (i < len) {
		w = nd_tail_word((const unsigned char *)s + i, len - i);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
	}
	return fmix(h);
}

struct nd_intern *nd_intern_new(void)
{
	struct nd_intern *t;
	size_t i;

	if (posix_memalign((void **)&t, 64, sizeof(*t)) != 0)
		nd_oom(sizeof(*t));
	memset(t, 0, sizeof(*t));
	t->gen = ++next_gen;
	/* a shard's slots and arena come with its first string: a table made for
	 * one label selector stays small */
	/* a lookup holds its shard's lock for well under a microsecond: the
	 * other thread spins a little before it sleeps (a futex call each time,
	 * when it did not, cost more than the wait) */
	pthread_mutexattr_t ma;

	pthread_mutexattr_init(&ma);
#ifdef PTHREAD_MUTEX_ADAPTIVE_NP
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
	for (i = 0; i < NSHARDS; i++)
		pthread_mutex_init(&t->sh[i].lock, &ma);
	pthread_mutexattr_destroy(&ma);
	return t;
}

void nd_intern_free(struct nd_intern *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < NSHARDS; i++) {
		nd_arena_free(t->sh[i].arena);
		pthread_mutex_destroy(&t->sh[i].lock);
		free(t->sh[i].slots);
	}
	free(t);
}

size_t nd_intern_len(const char *s)
{
	uint32_t len;

	memcpy(&len, s - sizeof(len), sizeof(len));
	return len;
}

static void grow(struct shard *s)
{
	size_t ncap = s->cap * 2, i;
	/* written before it is probed (err.h: nd_xtable_dense) */
	struct islot *slots = nd_xtable_dense(ncap, sizeof(*slots));

	for (i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->slots[i].s)
			continue;
		for (j = s->slots[i].h & (ncap - 1); slots[j].s; j = (j + 1) & (ncap - 1))
			;
		slots[j] = s->slots[i];
	}
	free(s->slots);
	/* atomic only for nd_intern_prefetch, which reads them without the lock */
	__atomic_store_n(&s->slots, slots, __ATOMIC_RELAXED);
	__atomic_store_n(&s->cap, ncap, __ATOMIC_RELAXED);
}

/* The slot of s in its shard: the string's, or the empty one where it goes. */
static struct islot *find_slot(const struct shard *s, const char *str, uint32_t len, uint32_t h)
{
	size_t i;

	for (i = h & (s->cap - 1); s->slots[i].s; i = (i + 1) & (s->cap - 1)) {
		const struct islot *x = &s->slots[i];

		if (x->h == h && x->len == len && nd_bytes_eq(x->s, str, len))
			break;
	}
	return &s->slots[i];
}

static const char *intern_in(struct shard *s, const char *str, uint32_t len, uint32_t h,
			     bool *fresh)
{
	struct islot *x;
	char *p;

	if (!s->slots) {
		__atomic_store_n(&s->cap, 64, __ATOMIC_RELAXED);
		__atomic_store_n(&s->slots, nd_xcalloc(64, sizeof(*s->slots)), __ATOMIC_RELAXED);
		s->arena = nd_arena_new(16 * 1024);
	}
	x = find_slot(s, str, len, h);

	if (x->s)
		return x->s;
	*fresh = true;
	p = nd_arena_alloc(s->arena, sizeof(len) + len + 1);
	memcpy(p, &len, sizeof(len));
	p += sizeof(len);
	memcpy(p, str, len);
	p[len] = '\0';
	*x = (struct islot){.s = p, .len = len, .h = h};
	if (++s->n * 4 > s->cap * 3)
		grow(s);
	return p;
}

void nd_intern_prefetch(const struct nd_intern *t, const char *s, size_t len)
{
	uint64_t h;
	const struct shard *sh;
	const struct islot *slots;
	size_t cap;

	if (len > UINT32_MAX)
		return;
	h = ihash(s, len);
	sh = &t->sh[h >> (64 - SHARD_BITS)];
	/* read without the lock: a slot array being replaced only makes the
	 * fetch useless, never wrong (a prefetch does not fault) */
	slots = __atomic_load_n(&sh->slots, __ATOMIC_RELAXED);
	cap = __atomic_load_n(&sh->cap, __ATOMIC_RELAXED);
	if (slots && cap)
		__builtin_prefetch((const void *)((uintptr_t)slots +
						  ((uint32_t)h & (cap - 1)) * sizeof(*slots)));
}

const char *nd_intern_cstr(struct nd_intern *t, const char *s)
{
	return s ? nd_intern(t, s, strlen(s)) : NULL;
}

size_t nd_intern_count(const struct nd_intern *t)
{
	size_t i, n = 0;

	for (i = 0; i < NSHARDS; i++)
		n += t->sh[i].n;
	return n;
}

const char *nd_intern(struct nd_intern *t, const char *s, size_t len)
{
	uint64_t h;
	struct shard *sh;
	const char *r;
	bool fresh = false;

	if (len > UINT32_MAX)
		nd_oom(len);
	h = ihash(s, len);
	if ((r = tc_find(t, s, (uint32_t)len, h)))
		return r;
	sh = &t->sh[h >> (64 - SHARD_BITS)];
	if (!t->shared) {
		r = intern_in(sh, s, (uint32_t)len, (uint32_t)h, &fresh);
	} else {
		pthread_mutex_lock(&sh->lock);
		r = intern_in(sh, s, (uint32_t)len, (uint32_t)h, &fresh);
		pthread_mutex_unlock(&sh->lock);
	}
	/* a string seen for the first time is often the only time (a pod's
	 * name, an IP): it goes to the cache once it is asked for again */
	if (!fresh)
		tc_put(t, r, (uint32_t)len, h);
	return r;
}

const char *nd_intern_find(const struct nd_intern *t, const char *s, size_t len)
{
	uint64_t h;
	struct shard *sh;
	const char *r;

	if (len > UINT32_MAX)
		return NULL;
	h = ihash(s, len);
	if ((r = tc_find(t, s, (uint32_t)len, h)))
		return r;
	sh = (struct shard *)&t->sh[h >> (64 - SHARD_BITS)];
	if (t->shared)
		pthread_mutex_lock(&sh->lock);
	r = sh->slots ? find_slot(sh, s, (uint32_t)len, (uint32_t)h)->s : NULL;
	if (t->shared)
		pthread_mutex_unlock(&sh->lock);
	return r;
}

void nd_intern_set_shared(struct nd_intern *t, bool on)
{
	t->shared = on;
}
