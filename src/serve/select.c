/* SPDX-License-Identifier: MIT */
#include "serve/select.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/num.h"
#include "core/buf.h"
#include "serve/store.h"
#include "core/banned.h"

#define MAX_SELECTOR 4096

/* Unescape s[0..n) ("\x" -> "x") into the arena. */
static char *unescape(const char *s, size_t n, struct nd_arena *a)
{
	char *out = nd_arena_alloc(a, n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* End of the term that starts at i: the next unescaped ',' or len. */
static size_t term_end(const char *text, size_t i, size_t len)
{
	for (; i < len && text[i] != ','; i++)
		if (text[i] == '\\')
			i++;
	return i < len ? i : len;
}

int nd_fsel_parse(const char *text, struct nd_arena *a, struct nd_fsel *out, struct nd_err *e)
{
	size_t len = text ? strlen(text) : 0, i = 0;

	out->n = 0;
	if (len > MAX_SELECTOR)
		return nd_err_set(e, "field selector longer than %d bytes", MAX_SELECTOR);
	while (len && i <= len) {
		size_t end = term_end(text, i, len), k, op = 0, oplen = 0;
		struct nd_fsel_term *t;

		for (k = i; k < end && !oplen; k++) {
			if (text[k] == '\\') {
				k++;
			} else if (text[k] == '!' && k + 1 < end && text[k + 1] == '=') {
				op = k;
				oplen = 2;
			} else if (text[k] == '=') {
				op = k;
				oplen = k + 1 < end && text[k + 1] == '=' ? 2 : 1;
			}
		}
		if (!oplen || op == i)
			return nd_err_set(e, "invalid field selector: '%.*s': expected key=value, "
					  "key==value or key!=value", (int)(end - i), text + i);
		if (out->n >= ND_FSEL_MAX_TERMS)
			return nd_err_set(e, "field selector has more than %d terms", ND_FSEL_MAX_TERMS);
		t = &out->t[out->n++];
		t->key = unescape(text + i, op - i, a);
		t->neg = text[op] == '!';
		t->val = unescape(text + op + oplen, end - op - oplen, a);
		i = end + 1;
	}
	return 0;
}

bool nd_sres_has_field(const struct nd_sres *r, const char *key)
{
	uint32_t i;

	if (strcmp(key, "metadata.name") == 0 || strcmp(key, "metadata.namespace") == 0)
		return true;
	for (i = 0; i < r->nfields; i++) {
		const char *f = r->fields[i] + (r->fields[i][0] == '!');
		const char *eq = strchr(f, '=');
		size_t n = eq ? (size_t)(eq - f) : strlen(f);

		if (strncmp(f, key, n) == 0 && key[n] == '\0')
			return true;
	}
	return false;
}

int nd_fsel_check(const struct nd_sres *r, const struct nd_fsel *f, struct nd_err *e)
{
	uint32_t i;

	for (i = 0; i < f->n; i++)
		if (!nd_sres_has_field(r, f->t[i].key))
			return nd_err_set(e, "field label not supported: %s", f->t[i].key);
	return 0;
}

bool nd_fsel_matches(const struct nd_store *s, const struct nd_sobj *o, const struct nd_fsel *f)
{
	uint32_t i;

	for (i = 0; i < f->n; i++) {
		const char *v = nd_store_field(s, o, f->t[i].key);

		if (!v || (strcmp(v, f->t[i].val) == 0) == f->t[i].neg)
			return false;
	}
	return true;
}

void nd_continue_make(struct nd_buf *b, uint32_t res, uint32_t pos, uint64_t rv)
{
	char raw[96];
	int n = snprintf(raw, sizeof(raw), "nd1:%u:%u:%llu", res, pos, (unsigned long long)rv);

	nd_buf_base64(b, raw, (size_t)n);
}

int nd_continue_parse(const char *tok, uint32_t *res, uint32_t *pos, uint64_t *rv)
{
	unsigned char raw[97];
	size_t n, i, f = 0, start = 4;
	const char *parts[3];
	size_t lens[3];
	int64_t v;

	if (strlen(tok) > 128 || nd_buf_b64decode(tok, strlen(tok), raw, sizeof(raw) - 1, &n) < 0)
		return -1;
	raw[n] = '\0';
	if (n < 4 || memcmp(raw, "nd1:", 4) != 0)
		return -1;
	for (i = start; i <= n; i++)
		if (i == n || raw[i] == ':') {
			if (f >= 3)
				return -1;
			parts[f] = (const char *)raw + start;
			lens[f++] = i - start;
			start = i + 1;
		}
	if (f != 3 || nd_parse_u32(parts[0], lens[0], UINT32_MAX, res) < 0 ||
	    nd_parse_u32(parts[1], lens[1], UINT32_MAX, pos) < 0 ||
	    nd_parse_i64(parts[2], lens[2], 0, INT64_MAX, &v) < 0)
		return -1;
	*rv = (uint64_t)v;
	return 0;
}
