/* SPDX-License-Identifier: MIT */
#include "node/nft.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"
#include "core/i18n.h"

#define NFT_MAX_TEXT  (64u << 20)
#define NFT_MAX_ITEMS (1u << 20)
#define NFT_MAX_WORDS 4096

struct w {
	const char *s;
	size_t n;
	bool quoted;
};

struct ps {
	const char *name;
	struct nd_arena *a;
	struct nd_err *e;
	uint32_t line;
	size_t items;
	/* growing arrays, copied into the arena at the end */
	struct nd_nft_chain *chains;
	size_t nchains, capchains;
	struct nd_nft_map *maps;
	size_t nmaps, capmaps;
	const char **tmp;        /* targets or dnat of the current rule */
	size_t capt;
	struct nd_nft_elem *elems;
	size_t nelems, capelems;
	/* the line being read, and the lines skipped */
	const char *text;
	size_t textlen;
	struct nd_rules_warning warn[ND_RULES_MAX_WARNINGS];
	uint32_t nwarn, nskipped;
};

static int fail(struct ps *p, const char *what)
{
	return nd_err_set(p->e, _("'%s' line %u: %s"), p->name, p->line, what);
}

/* Skip the line being read with a warning; returns 1 (not an error). */
static int skip(struct ps *p, const char *why)
{
	if (p->nwarn < ND_RULES_MAX_WARNINGS)
		p->warn[p->nwarn++] = (struct nd_rules_warning){p->line, why,
			nd_arena_strndup(p->a, p->text, p->textlen > 200 ? 200 : p->textlen)};
	p->nskipped++;
	return 1;
}

static bool is_punct(char c)
{
	return c == '{' || c == '}' || c == ',' || c == ':' || c == ';';
}

/* Words of a line; braces, commas, colons and semicolons are words of their own
 * (a colon inside an address like "fd00::1" or "10.0.0.1:80" stays in it). */
static int split(struct ps *p, const char *s, size_t n, struct w *w, size_t *nw)
{
	size_t i = 0, k = 0;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == n)
			break;
		if (k == NFT_MAX_WORDS)
			return skip(p, _("too many words on one line"));
		w[k].quoted = false;
		if (s[i] == '"') {
			size_t st = ++i;

			while (i < n && s[i] != '"')
				i++;
			if (i == n)
				return skip(p, _("unterminated quote"));
			w[k].s = s + st;
			w[k].n = i - st;
			w[k].quoted = true;
			i++;
		} else if (is_punct(s[i]) && (s[i] != ':' || i + 1 == n || s[i + 1] == ' ')) {
			w[k].s = s + i;
			w[k].n = 1;
			i++;
		} else {
			size_t st = i;

			while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
			       s[i] != '"' && s[i] != '{' && s[i] != '}' && s[i] != ',' &&
			       s[i] != ';' && !(s[i] == ':' && (i + 1 == n || s[i + 1] == ' ')))
				i++;
			w[k].s = s + st;
			w[k].n = i - st;
		}
		k++;
	}
	*nw = k;
	return 0;
}

static bool is(const struct w *w, const char *s)
{
	return !w->quoted && w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

static const char *dup(struct ps *p, const struct w *w)
{
	return nd_arena_strndup(p->a, w->s, w->n);
}

static const char **copy_list(struct ps *p, const char **v, size_t n)
{
	const char **out = nd_arena_alloc(p->a, (n + 1) * sizeof(*out));

	memcpy(out, v, n * sizeof(*out));
	return out;
}

/* One rule of a chain: its goto/jump targets and dnat addresses. */
static void read_rule(struct ps *p, struct nd_nft_chain *c, const struct w *w, size_t nw)
{
	size_t nt = 0, nd = 0, k;
	const char **targets, **dnat;

	for (k = 0; k + 1 < nw; k++) {
		if (is(&w[k], "goto") || is(&w[k], "jump")) {
			ND_GROW(p->tmp, p->capt, nt + 1);
			p->tmp[nt++] = dup(p, &w[k + 1]);
		}
	}
	targets = nt ? copy_list(p, p->tmp, nt) : NULL;
	for (k = 0; k + 2 < nw; k++) {
		if (is(&w[k], "dnat") && (is(&w[k + 1], "to") ||
					 (k + 3 < nw && is(&w[k + 2], "to")))) {
			size_t at = is(&w[k + 1], "to") ? k + 2 : k + 3;

			ND_GROW(p->tmp, p->capt, nd + 1);
			p->tmp[nd++] = dup(p, &w[at]);
		}
	}
	dnat = nd ? copy_list(p, p->tmp, nd) : NULL;
	/* append to the chain's lists */
	if (nt) {
		const char **v = nd_arena_alloc(p->a, (c->ntargets + nt) * sizeof(*v));

		if (c->ntargets)
			memcpy(v, c->targets, c->ntargets * sizeof(*v));
		memcpy(v + c->ntargets, targets, nt * sizeof(*v));
		c->targets = v;
		c->ntargets += (uint32_t)nt;
	}
	if (nd) {
		const char **v = nd_arena_alloc(p->a, (c->ndnat + nd) * sizeof(*v));

		if (c->ndnat)
			memcpy(v, c->dnat, c->ndnat * sizeof(*v));
		memcpy(v + c->ndnat, dnat, nd * sizeof(*v));
		c->dnat = v;
		c->ndnat += (uint32_t)nd;
	}
	c->nrules++;
}

/* Elements between '{' and '}' of "elements = { ... }": words w[from..to). */
static int read_elems(struct ps *p, const struct w *w, size_t from, size_t to, bool is_set)
{
	size_t k = from;

	while (k < to) {
		struct nd_nft_elem *el;
		char *key;
		size_t klen = 0, st = k, colon = to, end;

		while (k < to && !is(&w[k], ","))
			k++;
		end = k;
		if (k < to)
			k++;    /* the comma */
		if (end == st)
			continue;
		if (++p->items > NFT_MAX_ITEMS)
			return fail(p, "more than 1048576 chains and elements");
		ND_GROW(p->elems, p->capelems, p->nelems + 1);
		el = &p->elems[p->nelems++];
		memset(el, 0, sizeof(*el));
		for (size_t j = st; j < end; j++)
			if (is(&w[j], ":")) {
				colon = j;
				break;
			}
		if (colon == to && !is_set) {
			p->nelems--;
			skip(p, _("a map element without ':'"));
			continue;
		}
		if (colon == to)
			colon = end;
		key = nd_arena_alloc(p->a, 1024 + 1);
		for (size_t j = st; j < colon; j++) {
			if (is(&w[j], "comment") && j + 1 < colon) {
				el->comment = dup(p, &w[j + 1]);
				j++;
				continue;
			}
			if (klen + w[j].n + 1 >= 1024)
				return fail(p, "an element key longer than 1 KiB");
			if (klen)
				key[klen++] = ' ';
			memcpy(key + klen, w[j].s, w[j].n);
			klen += w[j].n;
		}
		key[klen] = '\0';
		el->key = key;
		if (colon < end && colon + 1 < end) {
			el->verdict = dup(p, &w[colon + 1]);
			if (colon + 2 < end && (is(&w[colon + 1], "goto") || is(&w[colon + 1], "jump")))
				el->target = dup(p, &w[colon + 2]);
		}
	}
	return 0;
}

static int cmp_chain(const void *x, const void *y)
{
	return strcmp(((const struct nd_nft_chain *)x)->name,
		      ((const struct nd_nft_chain *)y)->name);
}

const struct nd_nft_chain *nd_nft_chain(const struct nd_nft *t, const char *name)
{
	struct nd_nft_chain key = {.name = name};

	if (!t || !t->nchains)
		return NULL;
	return bsearch(&key, t->chains, t->nchains, sizeof(key), cmp_chain);
}

const struct nd_nft_map *nd_nft_map(const struct nd_nft *t, const char *name)
{
	for (uint32_t i = 0; t && i < t->nmaps; i++)
		if (strcmp(t->maps[i].name, name) == 0)
			return &t->maps[i];
	return NULL;
}

enum where { OUTSIDE, TABLE, CHAIN, MAP, ELEMS, DONE, OTHER };

/* Whether the text holds a "table <family> kube-proxy {" line (nft list ruleset). */
static bool has_kube_proxy_table(const char *buf, size_t len)
{
	static const char key[] = " kube-proxy {";

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		const char *s = buf + i;

		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		if (n > 6 && memcmp(s, "table ", 6) == 0 && n >= sizeof(key) - 1 &&
		    memcmp(s + n - (sizeof(key) - 1), key, sizeof(key) - 1) == 0)
			return true;
		i += (nl ? (size_t)(nl - (buf + i)) : len - i) + 1;
	}
	return false;
}

int nd_nft_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_nft *out, struct nd_err *e)
{
	struct ps p = {.name = name, .a = a, .e = e};
	struct w *w = nd_xmalloc(NFT_MAX_WORDS * sizeof(*w));
	struct w *ew = NULL;     /* words of a map's elements, over lines */
	size_t new_ = 0, capew = 0, i = 0;
	enum where at = OUTSIDE;
	int r = -1, depth = 0;    /* depth: braces open in a table not read */
	bool want_kp = has_kube_proxy_table(buf, len > NFT_MAX_TEXT ? 0 : len);

	memset(out, 0, sizeof(*out));
	if (len > NFT_MAX_TEXT) {
		nd_err_set(e, _("'%s': larger than 64 MiB"), name);
		goto out;
	}
	while (i < len) {
		const char *s = buf + i, *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i, nw = 0, k;

		i += n + 1;
		p.line++;
		if (memchr(s, '\0', n)) {
			fail(&p, "a NUL byte");
			goto out;
		}
		p.text = s;
		p.textlen = n;
		if (split(&p, s, n, w, &nw) != 0)
			continue;      /* skipped with a warning */
		if (nw == 0 || (w[0].n && w[0].s[0] == '#' && !w[0].quoted))
			continue;
		switch (at) {
		case OTHER:
			/* a table netdiag does not read (nft list ruleset): up to its '}' */
			for (k = 0; k < nw; k++)
				depth += is(&w[k], "{") - is(&w[k], "}");
			if (depth <= 0)
				at = out->table ? DONE : OUTSIDE;
			continue;
		case OUTSIDE:
		case DONE:
			if (is(&w[0], "table") && nw == 4 && is(&w[3], "{")) {
				if (at == DONE || (want_kp && !is(&w[2], "kube-proxy"))) {
					depth = 1;
					at = OTHER;
					continue;
				}
				out->family = dup(&p, &w[1]);
				out->table = dup(&p, &w[2]);
				at = TABLE;
				continue;
			}
			if (at == DONE) {
				skip(&p, _("text after the table's closing '}'"));
				continue;
			}
			fail(&p, "expected 'table <family> <name> {'");
			goto out;
		case TABLE:
			if (is(&w[0], "}") && nw == 1) {
				at = DONE;
			} else if ((is(&w[0], "chain") || is(&w[0], "map") || is(&w[0], "set")) &&
				   nw == 3 && is(&w[2], "{")) {
				if (++p.items > NFT_MAX_ITEMS) {
					fail(&p, "more than 1048576 chains and elements");
					goto out;
				}
				if (is(&w[0], "chain")) {
					ND_GROW(p.chains, p.capchains, p.nchains + 1);
					memset(&p.chains[p.nchains], 0, sizeof(p.chains[0]));
					p.chains[p.nchains++].name = dup(&p, &w[1]);
					at = CHAIN;
				} else {
					ND_GROW(p.maps, p.capmaps, p.nmaps + 1);
					memset(&p.maps[p.nmaps], 0, sizeof(p.maps[0]));
					p.maps[p.nmaps].name = dup(&p, &w[1]);
					p.maps[p.nmaps++].is_set = is(&w[0], "set");
					p.nelems = 0;
					at = MAP;
				}
			} else if (is(&w[0], "comment") || is(&w[0], "flags")) {
				/* table attributes */
			} else {
				skip(&p, _("not 'chain', 'map', 'set' or '}' in the table"));
			}
			continue;
		case CHAIN:
			if (is(&w[0], "}") && nw == 1) {
				at = TABLE;
				continue;
			}
			{
				int open = 0;

				for (k = 0; k < nw; k++)
					open += is(&w[k], "{") - is(&w[k], "}");
				if (open != 0) {
					skip(&p, _("unbalanced braces in a rule"));
					continue;
				}
			}
			if (!is(&w[0], "type") && !is(&w[0], "comment") && !is(&w[0], "policy"))
				read_rule(&p, &p.chains[p.nchains - 1], w, nw);
			continue;
		case MAP:
			if (is(&w[0], "}") && nw == 1) {
				struct nd_nft_map *m = &p.maps[p.nmaps - 1];

				if (p.nelems) {
					m->elems = nd_arena_alloc(a, p.nelems * sizeof(*m->elems));
					memcpy(m->elems, p.elems, p.nelems * sizeof(*m->elems));
				}
				m->nelems = (uint32_t)p.nelems;
				at = TABLE;
				continue;
			}
			if (!is(&w[0], "elements"))
				continue;   /* type, flags, comment, timeout, size */
			if (nw < 3 || !is(&w[1], "=") || !is(&w[2], "{")) {
				skip(&p, _("not 'elements = {'"));
				continue;
			}
			new_ = 0;
			for (k = 3; k < nw; k++) {
				ND_GROW(ew, capew, new_ + 1);
				ew[new_++] = w[k];
			}
			at = ELEMS;
			/* fall through: the list may end on this line */
			goto elems_end;
		case ELEMS:
			for (k = 0; k < nw; k++) {
				ND_GROW(ew, capew, new_ + 1);
				ew[new_++] = w[k];
			}
elems_end:
			if (new_ && is(&ew[new_ - 1], "}")) {
				if (read_elems(&p, ew, 0, new_ - 1, p.maps[p.nmaps - 1].is_set) < 0)
					goto out;
				at = MAP;
			}
			continue;
		}
	}
	if (at == OUTSIDE && out->table)
		at = DONE;
	if (at != DONE) {
		nd_err_set(e, "'%s': %s", name, at == OUTSIDE ? _("no 'table ... {' in the text")
					 : _("the text ends inside a block (a '}' is missing)"));
		goto out;
	}
	if (p.nchains) {
		out->chains = nd_arena_alloc(a, p.nchains * sizeof(*out->chains));
		memcpy(out->chains, p.chains, p.nchains * sizeof(*out->chains));
		qsort(out->chains, p.nchains, sizeof(*out->chains), cmp_chain);
	}
	out->nchains = (uint32_t)p.nchains;
	if (p.nmaps) {
		out->maps = nd_arena_alloc(a, p.nmaps * sizeof(*out->maps));
		memcpy(out->maps, p.maps, p.nmaps * sizeof(*out->maps));
	}
	out->nmaps = (uint32_t)p.nmaps;
	if (p.nwarn) {
		out->warnings = nd_arena_alloc(a, p.nwarn * sizeof(*out->warnings));
		memcpy(out->warnings, p.warn, p.nwarn * sizeof(*out->warnings));
	}
	out->nwarnings = p.nwarn;
	out->nskipped = p.nskipped;
	r = 0;
out:
	free(w);
	free(ew);
	free(p.chains);
	free(p.maps);
	free(p.tmp);
	free(p.elems);
	return r;
}
