/* SPDX-License-Identifier: MIT */
/* core/yaml: quoting of values a YAML reader would misread, and a round trip
 * of every emitted scalar through libyaml's parser. */
#include "core/yaml.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <yaml.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* values that must come back as the same string, quoted */
static const char *const tricky[] = {
	"yes", "Yes", "NO", "on", "Off", "y", "n", "true", "False", "null", "Null", "~", "",
	"01", "1", "1.5", "1e3", "0x1f", "12:30", ".inf", "-", "- x", "a: b", "a:b", "*x", "&x",
	"!x", "#x", "a #b", "x #", "%x", "@x", "`x", "|", ">", "[x]", "{x}", "'q'", "\"q\"",
	"a\nb", "tab\there", " lead", "trail ", "?x", ",x", "<<", "=", "caf\xc3\xa9 x",
};
/* values written plain */
static const char *const plain[] = {
	"web", "db", "app.kubernetes.io/name", "kube-system", "alice@example.com", "v1",
	"Ingress", "a_b", "x1",
};

struct ev {
	char *v;
	int style;
};

/* Every scalar of text, in order, with its style. */
static size_t parse_scalars(const char *text, struct ev *out, size_t max)
{
	yaml_parser_t p;
	yaml_event_t e;
	size_t n = 0;
	int done = 0;

	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	while (!done) {
		if (!yaml_parser_parse(&p, &e)) {
			print_message("parse error: %s\n%s\n", p.problem, text);
			fail();
		}
		if (e.type == YAML_SCALAR_EVENT && n < max) {
			out[n].v = nd_xstrdup((const char *)e.data.scalar.value);
			out[n].style = e.data.scalar.style;
			n++;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return n;
}

static void test_round_trip(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_yaml *y = nd_yaml_new();
	struct ev got[4 * (N(tricky) + N(plain))];
	const char *text;
	size_t i, n;

	(void)state;
	nd_yaml_note(y, "a note");
	nd_yaml_doc(y);
	nd_yaml_map(y);
	for (i = 0; i < N(tricky); i++)
		nd_yaml_kv(y, tricky[i], tricky[i]);
	for (i = 0; i < N(plain); i++)
		nd_yaml_kv(y, plain[i], plain[i]);
	nd_yaml_str(y, "list");
	nd_yaml_flow_seq(y);
	nd_yaml_str(y, "on");
	nd_yaml_int(y, 5432);
	nd_yaml_end(y);
	text = nd_yaml_done(y, a);
	assert_non_null(text);
	assert_memory_equal(text, "# a note\n---\n", 13);
	n = parse_scalars(text, got, N(got));
	assert_int_equal(n, 2 * (N(tricky) + N(plain)) + 3);
	for (i = 0; i < N(tricky); i++) {
		assert_string_equal(got[2 * i].v, tricky[i]);
		assert_string_equal(got[2 * i + 1].v, tricky[i]);
		if (got[2 * i + 1].style == YAML_PLAIN_SCALAR_STYLE) {
			print_message("'%s' came out plain\n", tricky[i]);
			fail();
		}
		assert_false(nd_yaml_plain_ok(tricky[i]));
	}
	for (i = 0; i < N(plain); i++) {
		size_t k = 2 * (N(tricky) + i);

		assert_string_equal(got[k + 1].v, plain[i]);
		assert_int_equal(got[k + 1].style, YAML_PLAIN_SCALAR_STYLE);
	}
	assert_non_null(strstr(text, "\nlist: [\"on\", 5432]\n"));
	assert_non_null(strstr(text, "\napp.kubernetes.io/name: app.kubernetes.io/name\n"));
	assert_non_null(strstr(text, "\n\"a: b\": \"a: b\"\n"));
	assert_non_null(strstr(text, "\"yes\": \"yes\"\n"));
	for (i = 0; i < n; i++)
		free(got[i].v);
	nd_arena_free(a);
}

static void test_documents_and_errors(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_yaml *y = nd_yaml_new();
	const char *text;
	char *big;

	(void)state;
	nd_yaml_doc(y);
	nd_yaml_map(y);
	nd_yaml_kv(y, "kind", "Role");
	nd_yaml_str(y, "rules");
	nd_yaml_seq(y);
	nd_yaml_map(y);
	nd_yaml_kv(y, "name", "x");
	/* left open: done ends them */
	nd_yaml_doc(y);
	nd_yaml_map(y);
	nd_yaml_kv_int(y, "port", 80);
	text = nd_yaml_done(y, a);
	assert_string_equal(text, "---\nkind: Role\nrules:\n- name: x\n---\nport: 80\n");

	/* a scalar outside a document, ending what is not open: errors */
	y = nd_yaml_new();
	nd_yaml_str(y, "x");
	assert_null(nd_yaml_done(y, a));
	y = nd_yaml_new();
	nd_yaml_doc(y);
	nd_yaml_str(y, "x");
	nd_yaml_end(y);
	assert_null(nd_yaml_done(y, a));
	/* invalid UTF-8 is refused by the emitter */
	y = nd_yaml_new();
	nd_yaml_doc(y);
	nd_yaml_str(y, "bad \xff byte");
	assert_null(nd_yaml_done(y, a));
	/* the ceiling */
	big = nd_xmalloc(300 * 1024);
	memset(big, 'a', 300 * 1024 - 1);
	big[300 * 1024 - 1] = '\0';
	y = nd_yaml_new();
	nd_yaml_doc(y);
	nd_yaml_str(y, big);
	assert_null(nd_yaml_done(y, a));
	free(big);
	nd_arena_free(a);
}

/* A YAML fix as the command that applies it: a quoted here-document. */
/* nd_yaml_to_json: each case's YAML and the JSON array it must read as ("" = an error). */
static void test_to_json(void **state)
{
	static const struct {
		const char *yaml, *json;
	} cases[] = {
		{"a: 1\nb: x\n", "[{\"a\":1,\"b\":\"x\"}]"},
		{"a: [\"\", x, 1.5, -2, 012, 1e3, +1]\n",
		 "[{\"a\":[\"\",\"x\",1.5,-2,\"012\",1e3,\"+1\"]}]"},
		{"t: [true, yes, On, y, false, no, OFF, n, null, ~, \"true\", !!str yes]\n",
		 "[{\"t\":[true,true,true,true,false,false,false,false,null,null,\"true\",\"yes\"]}]"},
		{"e:\nf: ''\n", "[{\"e\":null,\"f\":\"\"}]"},
		{"# only a comment\n---\nkind: A\n---\n---\nkind: B\n",
		 "[{\"kind\":\"A\"},{\"kind\":\"B\"}]"},
		{"m:\n  - k: v\n    l: [1, {x: z}]\n  - 100%\n",
		 "[{\"m\":[{\"k\":\"v\",\"l\":[1,{\"x\":\"z\"}]},\"100%\"]}]"},
		{"1: one\ntrue: t\n", "[{\"1\":\"one\",\"true\":\"t\"}]"},
		{"s: \"a\\\"b\\\\c\\n\"\n", "[{\"s\":\"a\\\"b\\\\c\\n\"}]"},
		{"", "[]"},
		{"a: &x 1\nb: *x\n", ""},
		{"? [a]\n: b\n", ""},
		{"a: [1, 2\n", ""},
		{"a:\n\t- b\n", ""},
	};
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nd_buf b;
		struct nd_err e;
		int rc;

		nd_buf_init(&b, 1u << 20);
		nd_buf_adds(&b, "kept");
		rc = nd_yaml_to_json(cases[i].yaml, strlen(cases[i].yaml), &b, &n, &e);
		if (!cases[i].json[0]) {
			assert_int_equal(rc, -1);
			assert_true(strstr(e.msg, "YAML") != NULL);
			assert_string_equal(b.p, "kept");   /* nothing new on an error */
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, e.msg);
			assert_string_equal(b.p + 4, cases[i].json);
		}
		nd_buf_release(&b);
	}
	(void)state;
}

static void test_apply_command(void **state)
{
	struct nd_arena *a = nd_arena_new(0);

	(void)state;
	assert_string_equal(nd_yaml_apply_command("kind: Role\n", a),
			    "kubectl apply -f - <<'EOF'\nkind: Role\nEOF");
	assert_string_equal(nd_yaml_apply_command("kind: Role", a),
			    "kubectl apply -f - <<'EOF'\nkind: Role\nEOF");
	/* a line that is the delimiter: another one is chosen */
	assert_string_equal(nd_yaml_apply_command("a: |\n  x\nEOF\nEOF1\n", a),
			    "kubectl apply -f - <<'EOF2'\na: |\n  x\nEOF\nEOF1\nEOF2");
	/* EOF inside a line is no delimiter */
	assert_string_equal(nd_yaml_apply_command("note: EOF here\n", a),
			    "kubectl apply -f - <<'EOF'\nnote: EOF here\nEOF");
	assert_null(nd_yaml_apply_command(NULL, a));
	nd_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_command),
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_documents_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
