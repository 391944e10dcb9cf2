/* SPDX-License-Identifier: MIT */
#include "node/iptables.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

#define IPT_MAX_TEXT   (256u << 20)
#define IPT_MAX_LINE   (64u << 10)
#define IPT_MAX_RULES  (4u << 20)
#define IPT_MAX_CHAINS (1u << 20)
#define IPT_MAX_TOKENS 512

struct tok {
	const char *s;
	size_t n;
};

struct pstate {
	const char *name;
	struct nd_arena *a;
	struct nd_err *e;
	uint32_t line;
	/* the table being read */
	struct nd_ipt_table *cur;
	size_t capc, capr;
	bool cur_in_arena;       /* cur's arrays moved to the arena (finish_table) */
	/* all tables */
	struct nd_ipt_table *tables;
	size_t ntables, capt;
	/* the line being read, and the lines skipped */
	const char *text;
	size_t textlen;
	struct nd_rules_warning warn[ND_RULES_MAX_WARNINGS];
	uint32_t nwarn, nskipped;
};

static int fail(struct pstate *ps, const char *what)
{
	return nd_err_set(ps->e, _("'%s' line %u: %s"), ps->name, ps->line, what);
}

/* Skip what cannot be read, keeping a warning; returns 0 (reading goes on). */
static int skip_at(struct pstate *ps, uint32_t line, const char *why, const char *text,
		   size_t n)
{
	if (ps->nwarn < ND_RULES_MAX_WARNINGS) {
		struct nd_rules_warning *w = &ps->warn[ps->nwarn++];

		w->line = line;
		w->why = why;
		w->text = nd_arena_strndup(ps->a, text, n > 200 ? 200 : n);
	}
	ps->nskipped++;
	return 0;
}

static int skip(struct pstate *ps, const char *why)
{
	return skip_at(ps, ps->line, why, ps->text, ps->textlen);
}

/*
 * Split a line into words: blanks separate, "..." quotes with \" and \\
 * escapes (iptables-save quotes comments that hold blanks). Quoted words
 * are unescaped into the arena. 1 when the line was skipped (a warning).
 */
static int tokenize(struct pstate *ps, const char *s, size_t n, struct tok *t, size_t *nt)
{
	size_t i = 0, k = 0;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		if (k == IPT_MAX_TOKENS) {
			skip(ps, _("too many words on one line"));
			return 1;
		}
		if (s[i] == '"') {
			char *out = nd_arena_alloc(ps->a, n - i);
			size_t o = 0;

			i++;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				out[o++] = s[i++];
			}
			if (i == n) {
				skip(ps, _("unterminated quote"));
				return 1;
			}
			i++;
			t[k].s = out;
			t[k].n = o;
		} else {
			size_t st = i;

			while (i < n && s[i] != ' ' && s[i] != '\t')
				i++;
			t[k].s = s + st;
			t[k].n = i - st;
		}
		k++;
	}
	*nt = k;
	return 0;
}

static bool tok_is(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

static const char *dup_tok(struct pstate *ps, const struct tok *t)
{
	return nd_arena_strndup(ps->a, t->s, t->n);
}

static int cmp_chain(const void *x, const void *y)
{
	return strcmp(((const struct nd_ipt_chain *)x)->name,
		      ((const struct nd_ipt_chain *)y)->name);
}

const struct nd_ipt_chain *nd_ipt_chain(const struct nd_ipt_table *t, const char *name)
{
	struct nd_ipt_chain key = {.name = name};

	if (!t || !t->nchains)
		return NULL;
	return bsearch(&key, t->chains, t->nchains, sizeof(key), cmp_chain);
}

const struct nd_ipt_table *nd_ipt_table(const struct nd_iptables *t, const char *name)
{
	for (uint32_t i = 0; t && i < t->ntables; i++)
		if (strcmp(t->tables[i].name, name) == 0)
			return &t->tables[i];
	return NULL;
}

static int parse_rule(struct pstate *ps, const struct tok *t, size_t nt)
{
	struct nd_ipt_table *tb = ps->cur;
	struct nd_ipt_rule *r;
	bool neg = false;
	int64_t v;

	if (nt < 2)
		return skip(ps, _("'-A' without a chain name"));
	if (tb->nrules == IPT_MAX_RULES)
		return fail(ps, "more than 4194304 rules");
	ND_GROW(tb->rules, ps->capr, (size_t)tb->nrules + 1);
	r = &tb->rules[tb->nrules];
	memset(r, 0, sizeof(*r));
	r->chain = dup_tok(ps, &t[1]);
	r->probability = -1;
	r->line = ps->line;
	for (size_t i = 2; i < nt; i++) {
		const struct tok *o = &t[i];
		const struct tok *val = i + 1 < nt ? &t[i + 1] : NULL;

		if (tok_is(o, "!")) {
			neg = true;
			continue;
		}
		if (tok_is(o, "-s") || tok_is(o, "--source") || tok_is(o, "-d") ||
		    tok_is(o, "--destination") || tok_is(o, "-p") || tok_is(o, "--protocol") ||
		    tok_is(o, "-j") || tok_is(o, "--jump") || tok_is(o, "-g") ||
		    tok_is(o, "--goto") || tok_is(o, "--dport") || tok_is(o, "--destination-port") ||
		    tok_is(o, "--to-destination") || tok_is(o, "--comment") ||
		    tok_is(o, "--probability") || tok_is(o, "-m") || tok_is(o, "--match") ||
		    tok_is(o, "--name") || tok_is(o, "--seconds")) {
			if (!val)
				return skip(ps, _("an option at the end of the line has no value"));
			i++;
		} else {
			if (tok_is(o, "--rcheck"))
				r->recent_rcheck = true;
			neg = false;
			continue;   /* an option netdiag does not read, or its value */
		}
		if (tok_is(o, "-s") || tok_is(o, "--source")) {
			r->src = dup_tok(ps, val);
			r->src_neg = neg;
		} else if (tok_is(o, "-d") || tok_is(o, "--destination")) {
			r->dst = dup_tok(ps, val);
			r->dst_neg = neg;
		} else if (tok_is(o, "-p") || tok_is(o, "--protocol")) {
			r->proto = dup_tok(ps, val);
		} else if (tok_is(o, "-j") || tok_is(o, "--jump") || tok_is(o, "-g") ||
			   tok_is(o, "--goto")) {
			if (r->target)
				return skip(ps, _("a rule with two targets"));
			r->target = dup_tok(ps, val);
			r->is_goto = o->s[1] == 'g' || o->s[2] == 'g';
		} else if (tok_is(o, "--dport") || tok_is(o, "--destination-port")) {
			/* a range "a:b" is kept as its start */
			size_t n = val->n;
			const char *colon = memchr(val->s, ':', n);

			if (colon)
				n = (size_t)(colon - val->s);
			if (nd_parse_i64(val->s, n, 0, 65535, &v) < 0)
				return skip(ps, _("--dport is not a port number"));
			r->dport = (int32_t)v;
		} else if (tok_is(o, "--to-destination")) {
			r->to_dest = dup_tok(ps, val);
		} else if (tok_is(o, "--comment")) {
			r->comment = dup_tok(ps, val);
		} else if (tok_is(o, "--probability")) {
			char *end, *p = nd_arena_strndup(ps->a, val->s, val->n);
			double d = strtod(p, &end);

			if (end == p || *end || !(d >= 0.0 && d <= 1.0))
				return skip(ps, _("--probability is not a number in [0, 1]"));
			r->probability = d;
		} else if (tok_is(o, "--name")) {
			r->recent_name = dup_tok(ps, val);
		} else if (tok_is(o, "--seconds")) {
			if (nd_parse_i64(val->s, val->n, 0, INT32_MAX, &v) < 0)
				return skip(ps, _("--seconds is not a number"));
			r->recent_seconds = (int32_t)v;
		}
		neg = false;
	}
	tb->nrules++;
	return 0;
}

static int parse_chain_decl(struct pstate *ps, const struct tok *t, size_t nt)
{
	struct nd_ipt_table *tb = ps->cur;
	struct nd_ipt_chain *c;

	if (t[0].n < 2 || nt < 2)
		return skip(ps, _("a chain declaration needs a name and a policy"));
	if (tb->nchains == IPT_MAX_CHAINS)
		return fail(ps, "more than 1048576 chains");
	ND_GROW(tb->chains, ps->capc, (size_t)tb->nchains + 1);
	c = &tb->chains[tb->nchains++];
	memset(c, 0, sizeof(*c));
	c->name = nd_arena_strndup(ps->a, t[0].s + 1, t[0].n - 1);
	c->policy = dup_tok(ps, &t[1]);
	return 0;
}

/* Sort the chains, check them, and give each its rules. Copies into the arena. */
static int finish_table(struct pstate *ps)
{
	struct nd_ipt_table *tb = ps->cur, *out;
	struct nd_ipt_chain *chains = NULL;
	struct nd_ipt_rule *rules = NULL;
	uint32_t i;

	if (tb->nchains) {
		chains = nd_arena_alloc(ps->a, tb->nchains * sizeof(*chains));
		memcpy(chains, tb->chains, tb->nchains * sizeof(*chains));
		qsort(chains, tb->nchains, sizeof(*chains), cmp_chain);
	}
	if (tb->nrules) {
		rules = nd_arena_alloc(ps->a, tb->nrules * sizeof(*rules));
		memcpy(rules, tb->rules, tb->nrules * sizeof(*rules));
	}
	free(tb->chains);
	free(tb->rules);
	tb->chains = chains;
	tb->rules = rules;
	ps->cur_in_arena = true;
	if (tb->nchains) {
		/* a chain declared twice: the second declaration is skipped */
		uint32_t k = 1;

		for (i = 1; i < tb->nchains; i++) {
			if (strcmp(chains[k - 1].name, chains[i].name) == 0) {
				skip_at(ps, 0, _("a chain declared twice"), chains[i].name,
					strlen(chains[i].name));
				continue;
			}
			chains[k++] = chains[i];
		}
		tb->nchains = k;
	}
	/* two passes: count, then fill */
	for (i = 0; i < tb->nrules; i++) {
		struct nd_ipt_chain *c = (struct nd_ipt_chain *)nd_ipt_chain(tb, rules[i].chain);

		if (!c) {
			skip_at(ps, rules[i].line, _("a rule for a chain the table does not declare"),
				rules[i].chain, strlen(rules[i].chain));
			rules[i].chain = NULL;
			continue;
		}
		rules[i].chain = c->name;
		c->nrules++;
	}
	for (i = 0; i < tb->nchains; i++) {
		chains[i].rules = nd_arena_alloc(ps->a, (chains[i].nrules + 1) * sizeof(uint32_t));
		chains[i].nrules = 0;
	}
	for (i = 0; i < tb->nrules; i++) {
		struct nd_ipt_chain *c;

		if (!rules[i].chain)
			continue;
		c = (struct nd_ipt_chain *)nd_ipt_chain(tb, rules[i].chain);
		c->rules[c->nrules++] = i;
	}
	ND_GROW(ps->tables, ps->capt, ps->ntables + 1);
	out = &ps->tables[ps->ntables++];
	*out = *tb;
	free(ps->cur);
	ps->cur = NULL;
	return 0;
}

static int parse_line(struct pstate *ps, const char *s, size_t n)
{
	struct tok t[IPT_MAX_TOKENS];
	size_t nt = 0;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0 || s[0] == '#')
		return 0;
	ps->text = s;
	ps->textlen = n;
	if (n > IPT_MAX_LINE)
		return fail(ps, "line longer than 64 KiB");
	if (memchr(s, '\0', n))
		return fail(ps, "a NUL byte");
	if (s[0] == '*') {
		if (ps->cur)
			return fail(ps, "a new table starts before COMMIT");
		if (n < 2)
			return fail(ps, "'*' without a table name");
		ps->cur = nd_xcalloc(1, sizeof(*ps->cur));
		ps->capc = ps->capr = 0;
		ps->cur_in_arena = false;
		ps->cur->name = nd_arena_strndup(ps->a, s + 1, n - 1);
		return 0;
	}
	if (tokenize(ps, s, n, t, &nt) != 0 || nt == 0)
		return 0;      /* skipped with a warning */
	if (tok_is(&t[0], "COMMIT")) {
		if (!ps->cur)
			return skip(ps, _("COMMIT outside a table"));
		if (nt != 1)
			skip(ps, _("words after COMMIT"));
		return finish_table(ps);
	}
	if (!ps->cur)
		return skip(ps, _("a rule or chain outside a table (no '*nat' line before it)"));
	if (s[0] == ':')
		return parse_chain_decl(ps, t, nt);
	if (tok_is(&t[0], "-A") || tok_is(&t[0], "--append"))
		return parse_rule(ps, t, nt);
	return skip(ps, _("not an iptables-save line"));
}

int nd_ipt_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_iptables *out, struct nd_err *e)
{
	struct pstate ps = {.name = name, .a = a, .e = e};
	size_t i = 0;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (len > IPT_MAX_TEXT)
		return nd_err_set(e, _("'%s': larger than 256 MiB"), name);
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;

		ps.line++;
		if (parse_line(&ps, buf + i, n) < 0)
			goto out;
		i += n + 1;
	}
	if (ps.cur) {
		ps.line++;
		nd_err_set(e, _("'%s': table '%s' has no COMMIT (the text is cut short)"), name,
			   ps.cur->name);
		goto out;
	}
	if (ps.ntables) {
		out->tables = nd_arena_alloc(a, ps.ntables * sizeof(*out->tables));
		memcpy(out->tables, ps.tables, ps.ntables * sizeof(*out->tables));
	}
	out->ntables = (uint32_t)ps.ntables;
	if (ps.nwarn) {
		out->warnings = nd_arena_alloc(a, ps.nwarn * sizeof(*out->warnings));
		memcpy(out->warnings, ps.warn, ps.nwarn * sizeof(*out->warnings));
	}
	out->nwarnings = ps.nwarn;
	out->nskipped = ps.nskipped;
	r = 0;
out:
	if (ps.cur) {
		if (!ps.cur_in_arena) {
			free(ps.cur->chains);
			free(ps.cur->rules);
		}
		free(ps.cur);
	}
	free(ps.tables);
	return r;
}
