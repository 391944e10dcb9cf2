/* SPDX-License-Identifier: MIT */
/* core/base64: RFC 4648 vectors, the decoder's leniencies (white space,
 * URL-safe letters, missing padding) and what it refuses. */
#include "core/base64.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct { const char *plain, *b64; } rfc[] = {
	{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static int dec(const char *s, unsigned char *out, size_t max, size_t *n)
{
	return nd_b64_decode(s, strlen(s), out, max, n);
}

static void test_vectors(void **state)
{
	char enc[64];
	unsigned char out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < N(rfc); i++) {
		nd_b64_encode(rfc[i].plain, strlen(rfc[i].plain), enc);
		assert_string_equal(enc, rfc[i].b64);
		assert_int_equal(strlen(enc), ND_B64_LEN(strlen(rfc[i].plain)));
		assert_int_equal(dec(rfc[i].b64, out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(rfc[i].plain));
		assert_memory_equal(out, rfc[i].plain, n);
	}
}

static void test_binary(void **state)
{
	unsigned char in[256], out[256];
	char enc[ND_B64_LEN(256) + 1];
	size_t len, n, i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(255 - i);
	for (len = 0; len <= sizeof(in); len += 37) {
		nd_b64_encode(in, len, enc);
		assert_int_equal(dec(enc, out, sizeof(out), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, in, len);
	}
}

static void test_lenient(void **state)
{
	unsigned char out[64];
	size_t n;

	(void)state;
	/* white space anywhere, missing padding, URL-safe letters */
	assert_int_equal(dec(" Zm9v\nYmE=\r\n", out, sizeof(out), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "fooba", 5);
	assert_int_equal(dec("Zm9vYg", out, sizeof(out), &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "foob", 4);
	assert_int_equal(dec("-_-_", out, sizeof(out), &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	assert_int_equal(dec("+/+/", out, sizeof(out), &n), 0);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	assert_int_equal(dec("Zm8= \n", out, sizeof(out), &n), 0);
	assert_int_equal(n, 2);
	/* the length only: decoding n bytes into exactly n */
	assert_int_equal(dec("Zm9vYmFy", out, 6, &n), 0);
	assert_int_equal(n, 6);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {"Zm9v*", "Zm9v YmFy!", "Zg==Zg==", "Zg==x", "Zm\x01" "9v",
					  "Zm9v\xc3\xa9"};
	unsigned char out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		if (dec(bad[i], out, sizeof(out), &n) == 0) {
			print_message("'%s' was accepted\n", bad[i]);
			fail();
		}
	}
	/* overflow of out */
	assert_int_equal(dec("Zm9vYmFy", out, 5, &n), -1);
	assert_int_equal(dec("Zg==", out, 0, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
