/* SPDX-License-Identifier: MIT */
/* The JSON decoder: grammar, strings, numbers, limits, and the stream at every chunk size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/buf.h"

struct pcase {
	const char *in;
	int ok;             /* 1: parses, 0: error */
	const char *errpart; /* substring of the error message */
};

static const struct pcase parse_cases[] = {
	{"{}", 1, NULL},
	{"[]", 1, NULL},
	{" {\"a\" : [1, -2.5e3, true, false, null, \"x\"]} ", 1, NULL},
	{"\"\\u00e9\\ud83d\\ude00\"", 1, NULL},
	{"12345678901234567890123", 1, NULL},           /* kept as text */
	{"{\"a\":1,}", 0, "expected a string key"},
	{"[1,]", 0, "unexpected ']'"},
	{"{\"a\" 1}", 0, "byte 5: expected ':'"},
	{"{\"a\":1} x", 0, "byte 8: trailing data"},
	{"[1 2]", 0, "expected ',' or ']'"},
	{"01", 0, "trailing data"},
	{"-", 0, "invalid number"},
	{"1.", 0, "digit expected after '.'"},
	{"1e", 0, "exponent"},
	{"tru", 0, "unexpected 't'"},
	{"\"abc", 0, "unterminated string"},
	{"\"a\tb\"", 0, "control character 0x09"},
	{"\"\\x\"", 0, "bad escape"},
	{"\"\\ud800\"", 0, "unpaired UTF-16 surrogate"},
	{"\"\\udc00x\"", 0, "unpaired"},
	{"\"\xff\"", 0, "invalid UTF-8"},
	{"\"\xc0\xaf\"", 0, "invalid UTF-8"},              /* overlong */
	{"\"\xed\xa0\x80\"", 0, "invalid UTF-8"},          /* surrogate */
	{"\"\xf4\x90\x80\x80\"", 0, "invalid UTF-8"},      /* above U+10FFFF */
	{"\"\xe2\x82\"", 0, "invalid UTF-8"},              /* truncated */
	{"", 0, "unexpected end of input"},
	{"{\"a\":", 0, "unexpected end of input"},
};

static void test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct pcase *c = &parse_cases[i];
		struct nd_arena *a = nd_arena_new(0);
		struct nd_json v;
		struct nd_err e = {{0}};
		int r = nd_json_parse(c->in, strlen(c->in), 0, a, &v, &e);

		if ((r == 0) != c->ok || (c->errpart && !strstr(e.msg, c->errpart))) {
			print_error("case %zu '%s': r=%d err='%s'\n", i, c->in, r, e.msg);
			fail();
		}
		nd_arena_free(a);
	}
}

static void test_strings(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;
	const char in[] = "{\"k\":\"a\\u0000b\",\"k\":\"last\",\"e\":\"\\u00e9\\n\\\"\"}";

	(void)state;
	assert_int_equal(nd_json_parse(in, sizeof(in) - 1, 0, a, &v, &e), 0);
	/* duplicate keys: the last one wins */
	assert_string_equal(nd_json_str(nd_json_get(&v, "k")), "last");
	/* an embedded NUL is kept, with the length */
	assert_int_equal(v.u.members[0].val.n, 3);
	assert_memory_equal(v.u.members[0].val.u.s, "a\0b", 3);
	assert_string_equal(nd_json_str(nd_json_get(&v, "e")), "\xc3\xa9\n\"");
	assert_null(nd_json_get(&v, "K"));             /* keys are case-sensitive */
	nd_arena_free(a);
}

static void test_numbers(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;
	int64_t x;
	const char in[] = "[4294967296, 9223372036854775807, 9223372036854775808, 1.5, -7]";

	(void)state;
	assert_int_equal(nd_json_parse(in, sizeof(in) - 1, 0, a, &v, &e), 0);
	assert_int_equal(nd_json_i64(&v.u.items[0], 0, INT64_MAX, &x), 0);
	assert_true(x == 4294967296LL);
	assert_int_equal(nd_json_i64(&v.u.items[1], 0, INT64_MAX, &x), 0);
	assert_int_equal(nd_json_i64(&v.u.items[2], 0, INT64_MAX, &x), -1);
	assert_string_equal(v.u.items[2].u.s, "9223372036854775808");
	assert_int_equal(nd_json_i64(&v.u.items[3], 0, 10, &x), -1);
	assert_int_equal(nd_json_i64(&v.u.items[4], 0, 10, &x), -1);
	assert_int_equal(nd_json_i64(&v.u.items[4], -10, 10, &x), 0);
	nd_arena_free(a);
}

static void test_depth(void **state)
{
	char buf[2 * (ND_JSON_MAX_DEPTH + 2)];
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;
	int d;

	(void)state;
	for (d = ND_JSON_MAX_DEPTH; d <= ND_JSON_MAX_DEPTH + 1; d++) {
		memset(buf, '[', (size_t)d);
		memset(buf + d, ']', (size_t)d);
		assert_int_equal(nd_json_parse(buf, 2 * (size_t)d, 0, a, &v, &e),
				 d <= ND_JSON_MAX_DEPTH ? 0 : -1);
	}
	assert_non_null(strstr(e.msg, "nesting deeper"));
	nd_arena_free(a);
}

/* ---- stream ---- */

struct got {
	char names[16][32];
	char kinds[16][32];
	size_t n;
};

static int collect(const struct nd_json *o, size_t off, const char *lk, void *ctx,
		   struct nd_err *e)
{
	struct got *g = ctx;
	const char *n = nd_json_str(nd_json_path(o, "metadata", "name", NULL));

	(void)off;
	(void)e;
	if (g->n < 16) {
		snprintf(g->names[g->n], 32, "%s", n ? n : "-");
		snprintf(g->kinds[g->n], 32, "%s", lk ? lk : "-");
		if (nd_json_path(o, "metadata", "managedFields", NULL))
			snprintf(g->names[g->n], 32, "MF");
	}
	g->n++;
	return 0;
}

static ssize_t stream_str(const char *s, size_t chunk, struct got *g, struct nd_err *e)
{
	int p[2];
	ssize_t r;
	struct nd_json_stream_opts o = {.chunk = chunk, .max_item = 1 << 16};
	size_t len = strlen(s);

	memset(g, 0, sizeof(*g));
	assert_int_equal(pipe(p), 0);
	assert_true(len < 60000);
	assert_int_equal(write(p[1], s, len), (ssize_t)len);
	close(p[1]);
	r = nd_json_stream_fd(p[0], "t.json", &o, collect, g, e);
	close(p[0]);
	return r;
}

static void test_stream_chunks(void **state)
{
	const char *list = "{\"kind\": \"PodList\", \"metadata\": {}, \"items\": [\n"
			   "  {\"metadata\": {\"name\": \"a\\\"]}\", \"managedFields\": [{\"x\": 1}]}},\n"
			   "  {\"metadata\": {\"name\": \"b\\\\\"}, \"s\": \"\\u00e9\xc3\xa9\"}\n"
			   "]}\n";
	size_t chunk;

	(void)state;
	for (chunk = 1; chunk <= 64; chunk++) {
		struct got g;
		struct nd_err e;

		assert_int_equal(stream_str(list, chunk, &g, &e), 2);
		assert_string_equal(g.names[0], "a\"]}");
		assert_string_equal(g.names[1], "b\\");
		assert_string_equal(g.kinds[0], "PodList");
	}
}

static void test_stream_shapes(void **state)
{
	struct got g;
	struct nd_err e;

	(void)state;
	/* a single object */
	assert_int_equal(stream_str("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}", 3, &g, &e), 1);
	assert_string_equal(g.names[0], "p");
	assert_string_equal(g.kinds[0], "-");
	/* a bare array (jq '.items' output) */
	assert_int_equal(stream_str("[{\"metadata\":{\"name\":\"x\"}},{}]", 5, &g, &e), 2);
	/* an empty List */
	assert_int_equal(stream_str("{\"apiVersion\":\"v1\",\"items\":[],\"kind\":\"List\"}", 7, &g, &e), 0);
	/* errors, with the byte offset */
	assert_int_equal(stream_str("", 8, &g, &e), -1);
	assert_non_null(strstr(e.msg, "'t.json': invalid JSON at byte 0: the file is empty"));
	assert_int_equal(stream_str("{\"items\":[{\"a\":1},{\"a\":", 4, &g, &e), -1);
	assert_int_equal(g.n, 1);   /* the object before the fault was delivered */
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(stream_str("{\"items\":\"x\"}", 4, &g, &e), -1);
	assert_non_null(strstr(e.msg, "\"items\" must be an array"));
	assert_int_equal(stream_str("{\"kind\":\"Pod\"} {}", 4, &g, &e), -1);
	assert_int_equal(g.n, 0);   /* a single object with garbage after it is not used */
	assert_non_null(strstr(e.msg, "byte 15: trailing data"));
	assert_int_equal(stream_str("{\"items\":[{},]}", 4, &g, &e), -1);
	assert_non_null(strstr(e.msg, "trailing comma"));
	assert_int_equal(stream_str("{\"items\":[{\"n\":\"\xff\"}]}", 4, &g, &e), -1);
	assert_non_null(strstr(e.msg, "byte 16: invalid UTF-8"));
	assert_int_equal(stream_str("7", 4, &g, &e), -1);
	assert_non_null(strstr(e.msg, "expected a Kubernetes object"));
}

static void test_stream_ceiling(void **state)
{
	char *big = malloc(70000);
	struct got g;
	struct nd_err e;
	int p[2];
	struct nd_json_stream_opts o = {.chunk = 4096, .max_item = 32768};
	ssize_t r;
	FILE *f = tmpfile();

	(void)state;
	(void)p;
	memset(big, 'x', 70000);
	fputs("{\"items\":[{\"s\":\"", f);
	fwrite(big, 1, 70000, f);
	fputs("\"}]}", f);
	rewind(f);
	memset(&g, 0, sizeof(g));
	r = nd_json_stream_fd(fileno(f), "big.json", &o, collect, &g, &e);
	assert_int_equal(r, -1);
	assert_non_null(strstr(e.msg, "larger than the 32768-byte limit"));
	fclose(f);
	free(big);
}

/* The report writer (FILE) and the API writer (nd_buf) escape alike, byte for byte. */
static void test_one_escaper(void **state)
{
	char all[256], *mem = NULL;
	size_t memlen = 0;
	struct nd_buf b = ND_BUF_INIT(4096);
	FILE *f = open_memstream(&mem, &memlen);

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	nd_json_write_str(f, all, sizeof(all));
	fclose(f);
	nd_buf_str(&b, all, sizeof(all));
	assert_int_equal(memlen, b.len);
	assert_memory_equal(mem, b.p, memlen);
	/* RFC 8259 §7: the short forms, \u00XX for the other controls, DEL escaped */
	assert_non_null(strstr(mem, "\\u0000\\u0001"));
	assert_non_null(strstr(mem, "\\b\\t\\n\\u000b\\f\\r"));
	assert_non_null(strstr(mem, " !\\\"#"));
	assert_non_null(strstr(mem, "[\\\\]"));
	assert_non_null(strstr(mem, "~\\u007f"));
	/* bytes 0x80-0xff alone are not UTF-8: each one is U+FFFD, so the output parses */
	assert_non_null(strstr(mem, "\\u007f\\ufffd\\ufffd"));
	free(mem);
	nd_buf_release(&b);
}

/* What the writers give back is JSON whatever the bytes (fuzz_serve found a
 * Status message quoting a selector's invalid UTF-8); valid UTF-8 is kept. */
static void test_writer_utf8(void **state)
{
	static const char in[] = "tier notin\x8a (db) caf\xc3\xa9 \xe2\x82 \xed\xa0\x80 \xf0\x9f\x98\x80";
	struct nd_buf b = ND_BUF_INIT(4096);
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;

	(void)state;
	nd_buf_str(&b, in, sizeof(in) - 1);
	assert_int_equal(nd_json_parse(b.p, b.len, 0, a, &v, &e), 0);
	assert_string_equal(b.p, "\"tier notin\\ufffd (db) caf\xc3\xa9 \\ufffd\\ufffd "
			    "\\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
	nd_arena_free(a);
	nd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_stream_chunks),
		cmocka_unit_test(test_stream_shapes),
		cmocka_unit_test(test_stream_ceiling),
		cmocka_unit_test(test_one_escaper),
		cmocka_unit_test(test_writer_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
