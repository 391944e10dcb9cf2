/* SPDX-License-Identifier: MIT */
/* Label selectors: labels from JSON, the three constructors, matching, text. */
#include "k8s/labels.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct fx {
	struct nd_arena *a;
	struct nd_intern *t;
	struct nd_err e;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));

	f->a = nd_arena_new(0);
	f->t = nd_intern_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nd_arena_free(f->a);
	nd_intern_free(f->t);
	test_free(f);
	return 0;
}

static const struct nd_json *json(struct fx *f, const char *text)
{
	struct nd_json *j = nd_arena_alloc(f->a, sizeof(*j));

	if (nd_json_parse(text, strlen(text), 0, f->a, j, &f->e) < 0)
		fail_msg("test JSON '%s': %s", text, f->e.msg);
	return j;
}

static struct nd_labels labels(struct fx *f, const char *text)
{
	struct nd_labels l = { 0, NULL };

	if (nd_labels_from_json(json(f, text), f->a, f->t, &l, &f->e) < 0)
		fail_msg("labels '%s': %s", text, f->e.msg);
	return l;
}

static struct nd_selector parse_ok(struct fx *f, const char *text)
{
	struct nd_selector s;

	if (nd_selector_parse(text, f->a, f->t, &s, &f->e) < 0)
		fail_msg("parse '%s': %s", text, f->e.msg);
	return s;
}

static bool matches(struct fx *f, const struct nd_selector *s, const char *labels_json)
{
	struct nd_labels l = labels(f, labels_json);

	return nd_selector_matches(s, &l);
}

/* ---- labels ---- */

static void test_labels_sorted_last_duplicate_wins(void **state)
{
	struct fx *f = *state;
	struct nd_labels l = labels(f, "{\"tier\":\"db\",\"app\":\"web\",\"b\":\"1\",\"app\":\"api\"}");
	char key[] = "tier";   /* not interned */

	assert_int_equal(l.n, 3);
	assert_string_equal(l.kv[0].k, "app");
	assert_string_equal(l.kv[0].v, "api");
	assert_string_equal(l.kv[1].k, "b");
	assert_string_equal(l.kv[2].k, "tier");
	assert_ptr_equal(l.kv[0].k, nd_intern_cstr(f->t, "app"));
	assert_string_equal(nd_labels_get(&l, key), "db");
	assert_ptr_equal(nd_labels_get(&l, nd_intern_cstr(f->t, "b")), l.kv[1].v);
	assert_null(nd_labels_get(&l, "missing"));
	assert_null(nd_labels_get(&l, ""));
	assert_null(nd_labels_get(NULL, "app"));
}

/* Already in order (as kubectl writes maps): the same result without the sort. */
static void test_labels_sorted_input(void **state)
{
	struct fx *f = *state;
	struct nd_labels l = labels(f, "{\"app\":\"web\",\"app\":\"api\",\"b\":\"1\",\"tier\":\"db\"}");

	assert_int_equal(l.n, 3);
	assert_string_equal(l.kv[0].k, "app");
	assert_string_equal(l.kv[0].v, "api");
	assert_string_equal(l.kv[1].k, "b");
	assert_string_equal(l.kv[2].k, "tier");
	assert_string_equal(l.kv[2].v, "db");
}

static void test_labels_empty_and_null(void **state)
{
	struct fx *f = *state;
	struct nd_labels l = labels(f, "{}");

	assert_int_equal(l.n, 0);
	assert_null(nd_labels_get(&l, "app"));
	l = labels(f, "null");
	assert_int_equal(l.n, 0);
	assert_int_equal(nd_labels_from_json(NULL, f->a, f->t, &l, &f->e), 0);
	assert_int_equal(l.n, 0);
}

static void test_labels_errors(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{ "{\"app\":\"web\",\"replicas\":3}", "labels: value of 'replicas' is a number, want a string" },
		{ "{\"ok\":true}", "labels: value of 'ok' is" },
		{ "{\"x\":null}", "labels: value of 'x' is" },
		{ "{\"x\":{\"y\":\"z\"}}", "labels: value of 'x' is" },
		{ "[\"app\"]", "labels is" },
		{ "\"app=web\"", "labels is" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct nd_labels l;

		f->e.msg[0] = '\0';
		assert_int_equal(nd_labels_from_json(json(f, cases[i].json), f->a, f->t, &l, &f->e), -1);
		if (!strstr(f->e.msg, cases[i].msg))
			fail_msg("labels %s: got '%s', want '%s'", cases[i].json, f->e.msg, cases[i].msg);
	}
}

/* ---- matching, through the -l parser ---- */

static void test_match_table(void **state)
{
	static const struct {
		const char *sel, *labels;
		bool want;
	} cases[] = {
		{ "", "{}", true },
		{ "", "{\"a\":\"b\"}", true },
		{ "  \t", "{\"a\":\"b\"}", true },
		{ "app=web", "{\"app\":\"web\"}", true },
		{ "app==web", "{\"app\":\"web\",\"x\":\"y\"}", true },
		{ "app=web", "{\"app\":\"api\"}", false },
		{ "app=web", "{}", false },
		{ "app=", "{\"app\":\"\"}", true },
		{ "app=", "{}", false },
		{ "app!=web", "{\"app\":\"api\"}", true },
		{ "app!=web", "{\"app\":\"web\"}", false },
		{ "app!=web", "{}", true },                        /* absent key: NotIn holds */
		{ "app in (web,api)", "{\"app\":\"api\"}", true },
		{ "app in (web,api)", "{\"app\":\"db\"}", false },
		{ "app in (web,api)", "{}", false },
		{ "app in ()", "{\"app\":\"\"}", true },
		{ "app in (a,)", "{\"app\":\"\"}", true },
		{ "app notin (web,api)", "{\"app\":\"db\"}", true },
		{ "app notin (web,api)", "{\"app\":\"web\"}", false },
		{ "app notin (web,api)", "{\"other\":\"web\"}", true },  /* absent key */
		{ "app notin (web,api)", "{}", true },
		{ "app", "{\"app\":\"\"}", true },
		{ "app", "{\"apps\":\"x\"}", false },
		{ "!app", "{\"apps\":\"x\"}", true },
		{ "!app", "{\"app\":\"x\"}", false },
		{ "n>5", "{\"n\":\"6\"}", true },
		{ "n>5", "{\"n\":\"5\"}", false },
		{ "n>5", "{\"n\":\"-7\"}", false },
		{ "n>5", "{\"n\":\"+7\"}", true },                   /* strconv.ParseInt takes a sign */
		{ "n>5", "{\"n\":\"six\"}", false },
		{ "n>5", "{\"n\":\" 6\"}", false },
		{ "n>5", "{\"n\":\"9223372036854775808\"}", false }, /* out of int64: no match */
		{ "n>5", "{}", false },
		{ "n<5", "{\"n\":\"-9223372036854775808\"}", true },
		{ "n<5", "{\"n\":\"4\"}", true },
		{ "n<5", "{\"n\":\"5\"}", false },
		{ "n<5", "{}", false },
		{ "n>007", "{\"n\":\"8\"}", true },
		{ "a=1,b!=2,c in (x,y),d notin (z),e,!f,g>1,h<9",
		  "{\"a\":\"1\",\"b\":\"3\",\"c\":\"y\",\"e\":\"\",\"g\":\"2\",\"h\":\"8\"}", true },
		{ "a=1,b!=2,c in (x,y),d notin (z),e,!f,g>1,h<9",
		  "{\"a\":\"1\",\"b\":\"3\",\"c\":\"y\",\"e\":\"\",\"f\":\"\",\"g\":\"2\",\"h\":\"8\"}", false },
		{ "a=1,a=2", "{\"a\":\"1\"}", false },                /* ANDed */
		{ "a in (1,2),a notin (2)", "{\"a\":\"1\"}", true },
		{ "example.com/tier=db", "{\"example.com/tier\":\"db\"}", true },
		{ "in in (in),notin notin (notin)", "{\"in\":\"in\",\"notin\":\"x\"}", true },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct nd_selector s = parse_ok(f, cases[i].sel);
		struct nd_labels l = labels(f, cases[i].labels);

		if (nd_selector_matches(&s, &l) != cases[i].want)
			fail_msg("'%s' on %s: want %s", cases[i].sel, cases[i].labels,
				 cases[i].want ? "match" : "no match");
	}
}

static void test_match_other_table_and_handmade(void **state)
{
	struct fx *f = *state;
	struct nd_intern *t2 = nd_intern_new();
	struct nd_selector s;
	struct nd_labels l = labels(f, "{\"app\":\"web\",\"n\":\"3\"}");
	const char *two[] = { "1", "2" };
	struct nd_selreq gt = { "n", ND_SEL_GT, 2, two };
	struct nd_selreq bad = { "n", 42, 0, NULL };

	/* strings interned in another table still compare equal */
	assert_int_equal(nd_selector_parse("app in (web)", f->a, t2, &s, &f->e), 0);
	assert_true(nd_selector_matches(&s, &l));
	nd_intern_free(t2);

	s.nreq = 1;
	s.req = &gt;   /* Gt needs exactly one value */
	assert_false(nd_selector_matches(&s, &l));
	s.req = &bad;
	assert_false(nd_selector_matches(&s, &l));
	s.nreq = 0;
	assert_true(nd_selector_matches(&s, NULL));
}

/* ---- the -l parser ---- */

static void test_parse_structure(void **state)
{
	struct fx *f = *state;
	struct nd_selector s = parse_ok(f, " tier notin (b, a ,a) , app = web,!legacy ,n > 3 ");

	assert_int_equal(s.nreq, 4);
	/* sorted by key, as apimachinery's Parse does */
	assert_string_equal(s.req[0].key, "app");
	assert_int_equal(s.req[0].op, ND_SEL_IN);
	assert_int_equal(s.req[0].nvals, 1);
	assert_ptr_equal(s.req[0].vals[0], nd_intern_cstr(f->t, "web"));
	assert_string_equal(s.req[1].key, "legacy");
	assert_int_equal(s.req[1].op, ND_SEL_NOTEXISTS);
	assert_int_equal(s.req[1].nvals, 0);
	assert_string_equal(s.req[2].key, "n");
	assert_int_equal(s.req[2].op, ND_SEL_GT);
	assert_string_equal(s.req[2].vals[0], "3");
	assert_string_equal(s.req[3].key, "tier");
	assert_int_equal(s.req[3].op, ND_SEL_NOTIN);
	assert_int_equal(s.req[3].nvals, 2);   /* a set: sorted, no duplicate */
	assert_string_equal(s.req[3].vals[0], "a");
	assert_string_equal(s.req[3].vals[1], "b");
	assert_ptr_equal(s.req[3].key, nd_intern_cstr(f->t, "tier"));

	s = parse_ok(f, "");
	assert_int_equal(s.nreq, 0);
	assert_string_equal(nd_selector_string(&s, f->a), "");
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *sel, *msg;
	} cases[] = {
		{ "app in (a", "invalid selector 'app in (a': expected ')' at position 10" },
		{ "app in (a b)", "invalid selector 'app in (a b)': expected ',' or ')', found 'b' at position 11" },
		{ "app in a", "invalid selector 'app in a': expected '(', found 'a' at position 8" },
		{ "app in (", "invalid selector 'app in (': expected a value, ',' or ')' at position 9" },
		{ "app in (a,", "invalid selector 'app in (a,': expected a value, ',' or ')' at position 11" },
		{ "app in (a,=)", "expected a value, ',' or ')', found '=' at position 11" },
		{ "app web", "invalid selector 'app web': expected an operator ('=', '==', '!=', 'in', "
			     "'notin', '>' or '<'), found 'web' at position 5" },
		{ "app!", "expected an operator ('=', '==', '!=', 'in', 'notin', '>' or '<'), found '!' at position 4" },
		{ "app<=3", "expected a value, found '=' at position 5" },
		{ "app=(x)", "expected a value, found '(' at position 5" },
		{ "app===x", "expected a value, found '=' at position 6" },
		{ ",app", "invalid selector ',app': expected a label key, '!' or end of string, found ',' at position 1" },
		{ "app,", "invalid selector 'app,': expected a label key or '!' after ',' at position 5" },
		{ "a,,b", "expected a label key or '!' after ',', found ',' at position 3" },
		{ "=x", "expected a label key, '!' or end of string, found '=' at position 1" },
		{ "!", "invalid selector '!': expected a label key at position 2" },
		{ "!!a", "expected a label key, found '!' at position 2" },
		{ "!a=b", "invalid selector '!a=b': expected ',' or end of string, found '=' at position 3" },
		{ "a=b c", "expected ',' or end of string, found 'c' at position 5" },
		{ "a=b)", "expected ',' or end of string, found ')' at position 4" },
		{ "-a=b", "invalid key '-a': name part must be alphanumerics" },
		{ "a-=b", "invalid key 'a-': name part must be alphanumerics" },
		{ "x=1,Example.com/a=b", "invalid key 'Example.com/a': prefix part must be a lowercase DNS "
					"subdomain of at most 253 characters at position 5" },
		{ "/a=b", "invalid key '/a': prefix part must not be empty at position 1" },
		{ "a.com/=b", "invalid key 'a.com/': name part must not be empty" },
		{ "a/b/c", "invalid key 'a/b/c': a key is a name with an optional DNS subdomain prefix and one '/'" },
		{ "a..b/c", "prefix part must be a lowercase DNS subdomain" },
		{ "a.-b/c", "prefix part must be a lowercase DNS subdomain" },
		{ "a_b/c", "prefix part must be a lowercase DNS subdomain" },
		{ "k=-v", "invalid selector 'k=-v': invalid value '-v': a value must be empty or alphanumerics, '-', "
			  "'_' or '.', starting and ending with an alphanumeric at position 3" },
		{ "k in (a,b_)", "invalid value 'b_'" },
		{ "k=v/w", "invalid value 'v/w'" },
		{ "k=\xc3\xa9", "invalid value '\xc3\xa9'" },
		{ "n>x", "invalid selector 'n>x': value 'x' of '>' must be an integer at position 3" },
		{ "n<", "invalid selector 'n<': value '' of '<' must be an integer at position 3" },
		{ "n>1.5", "value '1.5' of '>' must be an integer" },
		{ "n>-1", "invalid value '-1'" },     /* an integer, but not a label value */
		{ "n>99999999999999999999", "value '99999999999999999999' of '>' must be an integer" },
		{ "n>1)", "expected ',' or end of string, found ')' at position 4" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct nd_selector s = { 7, NULL };

		f->e.msg[0] = '\0';
		if (nd_selector_parse(cases[i].sel, f->a, f->t, &s, &f->e) != -1)
			fail_msg("'%s' parsed; want error '%s'", cases[i].sel, cases[i].msg);
		if (!strstr(f->e.msg, cases[i].msg))
			fail_msg("'%s': got \"%s\", want \"%s\"", cases[i].sel, f->e.msg, cases[i].msg);
		assert_int_equal(s.nreq, 0);
	}
}

static void test_parse_key_value_limits(void **state)
{
	struct fx *f = *state;
	char text[600], name63[64], prefix253[254];
	struct nd_selector s;

	memset(name63, 'n', 63);
	name63[63] = '\0';
	for (int i = 0; i < 253; i++)
		prefix253[i] = i % 2 ? '.' : 'p';
	prefix253[252] = 'p';
	prefix253[253] = '\0';
	snprintf(text, sizeof(text), "%s/%s=%s", prefix253, name63, name63);
	s = parse_ok(f, text);
	assert_int_equal(s.nreq, 1);

	snprintf(text, sizeof(text), "%sx=v", name63);
	assert_int_equal(nd_selector_parse(text, f->a, f->t, &s, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "name part must be at most 63 characters at position 1"));
	snprintf(text, sizeof(text), "k=%sx", name63);
	assert_int_equal(nd_selector_parse(text, f->a, f->t, &s, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "a value must be at most 63 characters at position 3"));
	snprintf(text, sizeof(text), "pp.%s/k", prefix253);
	assert_int_equal(nd_selector_parse(text, f->a, f->t, &s, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "prefix part must be a lowercase DNS subdomain"));
	/* a long selector is cut short in the message, the position is still exact */
	memset(text, 'a', 300);
	memcpy(text + 300, ",=", 3);
	assert_int_equal(nd_selector_parse(text, f->a, f->t, &s, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "...': invalid key"));
	for (int i = 0; i < 150; i++)
		memcpy(text + 2 * i, "a,", 2);
	memcpy(text + 300, "=", 2);
	assert_int_equal(nd_selector_parse(text, f->a, f->t, &s, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "a,a,...': expected a label key or '!' after ',', "
			       "found '=' at position 301"));
}

/* ---- text form ---- */

static void test_round_trip(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "app=web", "app=web" },
		{ "app==web", "app=web" },
		{ "app = web", "app=web" },
		{ "app!=web", "app!=web" },
		{ "app=", "app=" },
		{ "app!=", "app!=" },
		{ "app in (web)", "app=web" },
		{ "app notin (web)", "app!=web" },
		{ "app in (web,api)", "app in (api,web)" },
		{ "app in(b,a,b)", "app in (a,b)" },
		{ "app notin ( z , y )", "app notin (y,z)" },
		{ "app in ()", "app=" },
		{ "app in (,)", "app=" },
		{ "app in (,a)", "app in (,a)" },
		{ "app in (a,)", "app in (,a)" },
		{ "app in (a,,b)", "app in (,a,b)" },
		{ "app in (a,,)", "app in (,a)" },
		{ "app", "app" },
		{ "!app", "!app" },
		{ "! app", "!app" },
		{ "n>5", "n>5" },
		{ "n < 05", "n<05" },
		{ "z,y=1,x!=2,!w,v in (a,b),u notin (c,d),t>1,s<2",
		  "s<2,t>1,u notin (c,d),v in (a,b),!w,x!=2,y=1,z" },
		{ "b=1,a=2,b!=3,a", "a=2,a,b=1,b!=3" },      /* equal keys keep their order */
		{ "in in (in,notin)", "in in (in,notin)" },
		{ "k8s.io/app-name=Web_1.x", "k8s.io/app-name=Web_1.x" },
		{ "a=b\t,\nc\r", "a=b,c" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct nd_selector s = parse_ok(f, cases[i].in), s2;
		const char *text = nd_selector_string(&s, f->a);

		if (strcmp(text, cases[i].out) != 0)
			fail_msg("'%s': got '%s', want '%s'", cases[i].in, text, cases[i].out);
		s2 = parse_ok(f, text);
		assert_string_equal(nd_selector_string(&s2, f->a), text);
		assert_int_equal(s2.nreq, s.nreq);
	}
}

static void test_string_handmade(void **state)
{
	struct fx *f = *state;
	const char *vals[] = { "z", "a", "m" };
	const char *one[] = { "1" };
	struct nd_selreq r[] = {
		{ "tier", ND_SEL_NOTIN, 3, vals },
		{ "app", ND_SEL_IN, 3, vals },
		{ "n", ND_SEL_LT, 1, one },
		{ "app", ND_SEL_EXISTS, 0, NULL },
	};
	struct nd_selector s = { N(r), r };

	assert_string_equal(nd_selector_string(&s, f->a),
			    "app in (a,m,z),app,n<1,tier notin (a,m,z)");
	/* the selector itself is left as it was */
	assert_string_equal(r[0].key, "tier");
	assert_string_equal(vals[0], "z");
	assert_string_equal(nd_selector_string(NULL, f->a), "");
}

/* ---- Service selector (a map) ---- */

static void test_from_map(void **state)
{
	struct fx *f = *state;
	struct nd_selector s;

	assert_int_equal(nd_selector_from_map(json(f, "{\"tier\":\"db\",\"app\":\"web\"}"),
					      f->a, f->t, &s, &f->e), 0);
	assert_int_equal(s.nreq, 2);
	assert_string_equal(s.req[0].key, "app");
	assert_int_equal(s.req[0].op, ND_SEL_IN);
	assert_int_equal(s.req[0].nvals, 1);
	assert_string_equal(nd_selector_string(&s, f->a), "app=web,tier=db");
	assert_true(matches(f, &s, "{\"app\":\"web\",\"tier\":\"db\",\"x\":\"y\"}"));
	assert_false(matches(f, &s, "{\"app\":\"web\"}"));

	/* empty: matches everything; the caller decides what "no selector" means */
	assert_int_equal(nd_selector_from_map(json(f, "{}"), f->a, f->t, &s, &f->e), 0);
	assert_int_equal(s.nreq, 0);
	assert_int_equal(nd_selector_from_map(json(f, "null"), f->a, f->t, &s, &f->e), 0);
	assert_int_equal(s.nreq, 0);
	assert_int_equal(nd_selector_from_map(NULL, f->a, f->t, &s, &f->e), 0);
	assert_int_equal(s.nreq, 0);

	/* not validated, as AsSelectorPreValidated; duplicates: the last wins */
	assert_int_equal(nd_selector_from_map(json(f, "{\"Bad Key\":\"v\",\"a\":\"1\",\"a\":\"2\"}"),
					      f->a, f->t, &s, &f->e), 0);
	assert_string_equal(nd_selector_string(&s, f->a), "Bad Key=v,a=2");

	assert_int_equal(nd_selector_from_map(json(f, "{\"app\":1}"), f->a, f->t, &s, &f->e), -1);
	assert_string_equal(f->e.msg, "selector: value of 'app' is a number, want a string");
	assert_int_equal(nd_selector_from_map(json(f, "[]"), f->a, f->t, &s, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "selector is"));
}

/* ---- metav1.LabelSelector ---- */

static void test_from_labelselector(void **state)
{
	static const struct {
		const char *json, *text;
	} cases[] = {
		{ "{}", "" },
		{ "{\"matchLabels\":null,\"matchExpressions\":null}", "" },
		{ "{\"matchLabels\":{},\"matchExpressions\":[]}", "" },
		{ "{\"matchLabels\":{\"app\":\"web\"}}", "app=web" },
		{ "{\"matchLabels\":{\"b\":\"1\"},\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\","
		  "\"values\":[\"y\",\"x\",\"x\"]}]}", "a in (x,y),b=1" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\",\"values\":[\"x\"]},"
		  "{\"key\":\"b\",\"operator\":\"Exists\"},{\"key\":\"c\",\"operator\":\"DoesNotExist\","
		  "\"values\":[]},{\"key\":\"d\",\"operator\":\"Exists\",\"values\":null}]}",
		  "a!=x,b,!c,d" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[\"\"]}],"
		  "\"unknownField\":1}", "a=" },
	};
	struct fx *f = *state;
	struct nd_selector s;

	for (size_t i = 0; i < N(cases); i++) {
		if (nd_selector_from_labelselector(json(f, cases[i].json), f->a, f->t, &s, &f->e) < 0)
			fail_msg("%s: %s", cases[i].json, f->e.msg);
		assert_string_equal(nd_selector_string(&s, f->a), cases[i].text);
	}
	assert_int_equal(nd_selector_from_labelselector(json(f,
		"{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"env\","
		"\"operator\":\"NotIn\",\"values\":[\"prod\"]}]}"), f->a, f->t, &s, &f->e), 0);
	assert_true(matches(f, &s, "{\"app\":\"web\"}"));
	assert_true(matches(f, &s, "{\"app\":\"web\",\"env\":\"dev\"}"));
	assert_false(matches(f, &s, "{\"app\":\"web\",\"env\":\"prod\"}"));
	assert_false(matches(f, &s, "{\"env\":\"dev\"}"));
}

static void test_from_labelselector_errors(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{ "null", "label selector is null, want an object" },
		{ "[]", "label selector is" },
		{ "{\"matchLabels\":[]}", "matchLabels is" },
		{ "{\"matchLabels\":{\"app\":2}}", "matchLabels: value of 'app' is a number, want a string" },
		{ "{\"matchLabels\":{\"bad key\":\"v\"}}", "matchLabels: invalid key 'bad key': name part" },
		{ "{\"matchLabels\":{\"k\":\"bad value\"}}", "matchLabels: invalid value 'bad value' of 'k'" },
		{ "{\"matchExpressions\":{}}", "matchExpressions is" },
		{ "{\"matchExpressions\":[1]}", "matchExpressions[0] is" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}",
		  "matchExpressions[0]: operator 'Gt' is not In, NotIn, Exists or DoesNotExist" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"in\",\"values\":[\"1\"]}]}",
		  "operator 'in' is not In" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\"},{\"key\":\"a\"}]}",
		  "matchExpressions[1]: operator '' is not In" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":7}]}", "must be strings" },
		{ "{\"matchExpressions\":[{\"operator\":\"Exists\"}]}",
		  "matchExpressions[0]: invalid key '': name part must not be empty" },
		{ "{\"matchExpressions\":[{\"key\":\"a/b/c\",\"operator\":\"Exists\"}]}", "invalid key 'a/b/c'" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}",
		  "matchExpressions[0]: operator In needs at least one value" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\",\"values\":[]}]}",
		  "operator NotIn needs at least one value" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}",
		  "matchExpressions[0]: operator Exists takes no values" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"DoesNotExist\",\"values\":[\"\"]}]}",
		  "operator DoesNotExist takes no values" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":\"x\"}]}",
		  "'values' is a string, want an array" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[\"x\",3]}]}",
		  "matchExpressions[0]: values[1] is a number, want a string" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[\"x y\"]}]}",
		  "matchExpressions[0]: invalid value 'x y'" },
		{ "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[\"a\\u0000\"]}]}",
		  "invalid value 'a'" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct nd_selector s = { 9, NULL };

		f->e.msg[0] = '\0';
		if (nd_selector_from_labelselector(json(f, cases[i].json), f->a, f->t, &s, &f->e) != -1)
			fail_msg("%s decoded; want error '%s'", cases[i].json, cases[i].msg);
		if (!strstr(f->e.msg, cases[i].msg))
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].json, f->e.msg, cases[i].msg);
		assert_int_equal(s.nreq, 0);
	}
	assert_int_equal(nd_selector_from_labelselector(NULL, f->a, f->t, &(struct nd_selector){ 0 },
							&f->e), -1);
	assert_string_equal(f->e.msg, "label selector is missing, want an object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_labels_sorted_last_duplicate_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels_sorted_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels_empty_and_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_other_table_and_handmade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_key_value_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_handmade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_labelselector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_labelselector_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("selector", tests, NULL, NULL);
}
