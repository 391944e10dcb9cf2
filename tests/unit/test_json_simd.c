/* SPDX-License-Identifier: MIT */
/* The decoder's byte scanners (json_simd.c): every set the CPU has gives
 * the portable answer, at every start and end, and the parser's results
 * (values and error offsets) do not depend on the set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/json_internal.h"

static bool special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

static bool wsp(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* a buffer rich in the bytes the scanners look for, and runs without them */
static void fill(unsigned char *b, size_t n, unsigned seed)
{
	static const unsigned char alpha[] = {' ', ' ', ' ', ' ', '\n', '\r', '\t', 'a', 'b', '"',
					      '\\', 0x00, 0x1f, 0x20, 0x7f, 0x80, 0xc3, 0xff, '{', ':'};
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		/* long plain stretches: mostly spaces or letters, now and then a special byte */
		if ((seed >> 16) % 8 != 0)
			b[i] = (seed >> 20) % 2 ? ' ' : 'x';
		else
			b[i] = alpha[(seed >> 8) % sizeof(alpha)];
	}
}

static void test_scanners_agree(void **state)
{
	unsigned char buf[200];
	unsigned seed;
	int lv, levels = 0;

	(void)state;
	for (lv = ND_JSCAN_PORTABLE; lv < ND_JSCAN_NLEVELS; lv++) {
		if (nd_jscan_set((enum nd_jscan_level)lv) < 0)
			continue;
		levels++;
		for (seed = 1; seed < 60; seed++) {
			size_t s, e;

			fill(buf, sizeof(buf), seed);
			for (s = 0; s < 70; s++) {
				for (e = s; e <= sizeof(buf); e += 1 + (e % 3)) {
					const unsigned char *p = buf + s, *end = buf + e, *want;
					const char *cp = (const char *)p, *cend = (const char *)end, *cwant;

					for (want = p; want < end && !special(*want); want++)
						;
					for (cwant = cp; cwant < cend && wsp((unsigned char)*cwant); cwant++)
						;
					assert_ptr_equal(nd_jscan->str(p, end), want);
					assert_ptr_equal(nd_jscan->ws(cp, cend), cwant);
				}
			}
		}
	}
	assert_true(levels >= 1);
	nd_jscan_set(nd_jscan_best());
}

static const char *const docs[] = {
	"{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"kind\": \"Pod\",\n"
	"            \"metadata\": {\"name\": \"a-very-long-pod-name-0123456789-abcdefghij\"}\n"
	"        }\n    ]\n}\n",
	"[\"caf\xc3\xa9 and some more text after the accent to pass a block\", \"\\u00e9\\ud83d\\ude00\"]",
	"[\"0123456789abcdef0123456789abcdef0123456789\x01\"]",
	"[\"0123456789abcdef0123456789abcdef0123456\xe0\x80\xaf\"]",
	"[\"0123456789abcdef0123456789abcdef01234567\\x\"]",
	"{\"k\"                                                 :  \n\n\n\t\t\t   tru}",
	"[\"no end 0123456789abcdef0123456789abcdef0123456789abcdef",
	"{\"a\": [1, 2.5e3, -0, \"x\"], \"b\": {\"c\": null}}                                   x",
};

static void test_parse_same_everywhere(void **state)
{
	size_t i;
	int lv;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char want[1100] = "", got[1100];
		int want_rc = 0;

		for (lv = ND_JSCAN_PORTABLE; lv < ND_JSCAN_NLEVELS; lv++) {
			struct nd_arena *a = nd_arena_new(0);
			struct nd_json v;
			struct nd_err e = {{0}};
			int rc;

			if (nd_jscan_set((enum nd_jscan_level)lv) < 0) {
				nd_arena_free(a);
				continue;
			}
			rc = nd_json_parse(docs[i], strlen(docs[i]), 100, a, &v, &e);
			snprintf(got, sizeof(got), "%d %s %u", rc, rc ? e.msg : "",
				 rc ? 0u : v.n);
			if (lv == ND_JSCAN_PORTABLE) {
				memcpy(want, got, sizeof(want));
				want_rc = rc;
			} else {
				assert_string_equal(got, want);
			}
			nd_arena_free(a);
		}
		(void)want_rc;
	}
	nd_jscan_set(nd_jscan_best());
}

/* The error offsets themselves, with the default set: a control byte in a long string. */
static void test_offsets(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;

	(void)state;
	assert_int_equal(nd_json_parse(docs[2], strlen(docs[2]), 0, a, &v, &e), -1);
	assert_non_null(strstr(e.msg, "at byte 44: control character 0x01"));
	assert_int_equal(nd_json_parse(docs[3], strlen(docs[3]), 0, a, &v, &e), -1);
	assert_non_null(strstr(e.msg, "at byte 41: invalid UTF-8"));
	nd_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanners_agree),
		cmocka_unit_test(test_parse_same_everywhere),
		cmocka_unit_test(test_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
