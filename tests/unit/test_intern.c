/* SPDX-License-Identifier: MIT */
/* String interning: equal bytes give one pointer, alone and from two threads at once. */
#include "core/intern.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/banned.h"

#define NSTR 20000

/* Every length from 0 to 40 (the hash reads words and tails), some with a NUL inside. */
static size_t make(char *buf, size_t i)
{
	size_t n = i % 41, k;

	for (k = 0; k < n; k++)
		buf[k] = (char)('a' + (i * 7 + k * 13) % 26);
	if (n > 3 && i % 5 == 0)
		buf[n / 2] = '\0';
	if (n)
		buf[0] = (char)('A' + (i / 41) % 26);
	if (n > 1)
		buf[n - 1] = (char)('A' + (i / (41 * 26)) % 26);
	return n;
}

static void test_intern_equal_bytes_one_pointer(void **state)
{
	struct nd_intern *t = nd_intern_new();
	char a[64], b[64];
	const char *p, *q;

	(void)state;
	assert_null(nd_intern_find(t, "pod-1", 5));   /* nothing yet, no shard made */
	assert_int_equal(nd_intern_count(t), 0);
	p = nd_intern(t, "pod-1", 5);
	memcpy(a, "pod-1", 6);
	assert_ptr_equal(nd_intern(t, a, 5), p);
	assert_ptr_equal(nd_intern_cstr(t, "pod-1"), p);
	assert_ptr_equal(nd_intern_find(t, "pod-1", 5), p);
	assert_null(nd_intern_find(t, "pod-2", 5));
	assert_int_equal(nd_intern_len(p), 5);
	/* a NUL inside: the length counts, the prefix is another string */
	memcpy(b, "ab\0cd", 5);
	q = nd_intern(t, b, 5);
	assert_ptr_not_equal(q, nd_intern(t, "ab", 2));
	assert_int_equal(nd_intern_len(q), 5);
	assert_memory_equal(q, b, 5);
	assert_int_equal(nd_intern(t, "", 0)[0], '\0');
	assert_int_equal(nd_intern_count(t), 4);
	nd_intern_free(t);
}

static void test_intern_many_grow(void **state)
{
	struct nd_intern *t = nd_intern_new();
	static const char *first[NSTR];
	char buf[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < NSTR; i++) {
		n = make(buf, i);
		first[i] = nd_intern(t, buf, n);
		assert_int_equal(nd_intern_len(first[i]), n);
		assert_memory_equal(first[i], buf, n);
		assert_int_equal(first[i][n], '\0');
	}
	for (i = 0; i < NSTR; i++) {
		n = make(buf, i);
		assert_ptr_equal(nd_intern(t, buf, n), first[i]);
		assert_ptr_equal(nd_intern_find(t, buf, n), first[i]);
	}
	nd_intern_free(t);
}

struct worker {
	struct nd_intern *t;
	int dir;
	const char **got;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char buf[64];
	size_t k;

	for (k = 0; k < NSTR; k++) {
		size_t i = w->dir ? NSTR - 1 - k : k, n = make(buf, i);

		w->got[i] = nd_intern(w->t, buf, n);
	}
	return NULL;
}

/* Two threads, the same strings in opposite orders: the same pointers, each string once. */
static void test_intern_shared_two_threads(void **state)
{
	struct nd_intern *t = nd_intern_new(), *alone = nd_intern_new();
	static const char *g1[NSTR], *g2[NSTR];
	struct worker w1 = {t, 0, g1}, w2 = {t, 1, g2};
	pthread_t th;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < NSTR; i++)
		nd_intern(alone, buf, make(buf, i));
	nd_intern_set_shared(t, true);
	assert_int_equal(pthread_create(&th, NULL, work, &w2), 0);
	work(&w1);
	pthread_join(th, NULL);
	nd_intern_set_shared(t, false);
	for (i = 0; i < NSTR; i++)
		assert_ptr_equal(g1[i], g2[i]);
	assert_int_equal(nd_intern_count(t), nd_intern_count(alone));
	nd_intern_free(t);
	nd_intern_free(alone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_equal_bytes_one_pointer),
		cmocka_unit_test(test_intern_many_grow),
		cmocka_unit_test(test_intern_shared_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
