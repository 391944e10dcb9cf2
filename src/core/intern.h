/* SPDX-License-Identifier: MIT */
#ifndef ND_INTERN_H
#define ND_INTERN_H
/*
 * String interning. Equal byte strings (including embedded NULs) give the
 * same pointer, so the model compares names, labels and namespaces by
 * pointer. Interned strings are NUL-terminated and live as long as the
 * table. nd_intern_len() gives the real length of a string that may hold a
 * NUL (from a JSON "\u0000").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct nd_intern;

struct nd_intern *nd_intern_new(void);
void nd_intern_free(struct nd_intern *t);
const char *nd_intern(struct nd_intern *t, const char *s, size_t len);
const char *nd_intern_cstr(struct nd_intern *t, const char *s);
/* The interned copy of s if there is one, else NULL; never inserts. */
const char *nd_intern_find(const struct nd_intern *t, const char *s, size_t len);
/*
 * Ask the memory for where s would be in t, so that an nd_intern of it a
 * little later does not wait for it: for the strings of many objects that
 * are looked up one after another (the IPs and pod names of an Endpoints
 * object), fetched together rather than one miss at a time. Changes nothing.
 */
void nd_intern_prefetch(const struct nd_intern *t, const char *s, size_t len);
/* Length of a string returned by nd_intern (not valid on other strings). */
size_t nd_intern_len(const char *interned);
size_t nd_intern_count(const struct nd_intern *t);
/* While on, nd_intern and nd_intern_find take a lock: for two threads
 * decoding into models that share one table. */
void nd_intern_set_shared(struct nd_intern *t, bool on);

uint64_t nd_hash(const void *p, size_t n);

/* The last n (1-7) bytes at c as one word, without a variable-length memcpy:
 * the tail of the word-at-a-time hashes (interning, the bundle's content hash). */
static inline uint64_t nd_tail_word(const unsigned char *c, size_t n)
{
	uint32_t lo, hi;

	if (n >= 4) {
		memcpy(&lo, c, 4);
		memcpy(&hi, c + n - 4, 4);
		return lo | (uint64_t)hi << 32;
	}
	return (uint64_t)c[0] | (uint64_t)c[n / 2] << 8 | (uint64_t)c[n - 1] << 16;
}

/* Whether n bytes at a and b are equal, inline for the short strings of a
 * model (names, keys, IPs) where a call to memcmp costs more than the compare. */
static inline bool nd_bytes_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t u, v;

	if (n < 8)
		return n == 0 || nd_tail_word(x, n) == nd_tail_word(y, n);
	for (; n > 8; n -= 8, x += 8, y += 8) {
		memcpy(&u, x, 8);
		memcpy(&v, y, 8);
		if (u != v)
			return false;
	}
	/* the last eight bytes, overlapping what was compared */
	memcpy(&u, x + n - 8, 8);
	memcpy(&v, y + n - 8, 8);
	return u == v;
}

#endif
