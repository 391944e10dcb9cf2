/* SPDX-License-Identifier: MIT */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/base64.h"
#include "core/banned.h"

void nd_buf_init(struct nd_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void nd_buf_release(struct nd_buf *b)
{
	if (!b)
		return;
	free(b->p);
	nd_buf_init(b, b->max);
}

void nd_buf_reset(struct nd_buf *b)
{
	b->len = 0;
	b->toobig = false;
	if (b->p)
		b->p[0] = '\0';
}

char *nd_buf_detach(struct nd_buf *b, size_t *len)
{
	char *p = b->p ? b->p : nd_xcalloc(1, 1);

	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	b->toobig = false;
	return p;
}

const char *nd_buf_arena(struct nd_buf *b, struct nd_arena *a)
{
	char *s = nd_arena_alloc(a, b->len + 4);

	if (b->len)
		memcpy(s, b->p, b->len);
	if (b->toobig)
		memcpy(s + b->len, "...", 3);
	nd_buf_release(b);
	return s;
}

void nd_buf_add(struct nd_buf *b, const void *s, size_t n)
{
	size_t need;

	if (b->toobig)
		return;
	if (n > b->max - b->len) {
		b->toobig = true;
		return;
	}
	need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < need)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		b->p = nd_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void nd_buf_adds(struct nd_buf *b, const char *s)
{
	nd_buf_add(b, s, strlen(s));
}

void nd_buf_addc(struct nd_buf *b, char c)
{
	nd_buf_add(b, &c, 1);
}

void nd_buf_printf(struct nd_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		nd_buf_add(b, small, (size_t)n);
		return;
	}
	{
		char *big = nd_xmalloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		nd_buf_add(b, big, (size_t)n);
		free(big);
	}
}

void nd_buf_str(struct nd_buf *b, const char *s, size_t n)
{
	size_t i, k, run = 0;
	char buf[8];
	const char *esc;

	nd_buf_addc(b, '"');
	for (i = 0; i < n; i += k) {
		if ((esc = nd_json_escape_next(s + i, s + n, &k, buf)) == NULL)
			continue;
		nd_buf_add(b, s + run, i - run);
		nd_buf_adds(b, esc);
		run = i + k;
	}
	nd_buf_add(b, s + run, n - run);
	nd_buf_addc(b, '"');
}

void nd_buf_cstr(struct nd_buf *b, const char *s)
{
	nd_buf_str(b, s, strlen(s));
}

void nd_buf_key(struct nd_buf *b, bool comma, const char *key)
{
	if (comma)
		nd_buf_addc(b, ',');
	nd_buf_cstr(b, key);
	nd_buf_addc(b, ':');
}

void nd_buf_json(struct nd_buf *b, const struct nd_json *v)
{
	uint32_t i;

	switch (v->type) {
	case ND_JNULL: nd_buf_add(b, "null", 4); break;
	case ND_JFALSE: nd_buf_add(b, "false", 5); break;
	case ND_JTRUE: nd_buf_add(b, "true", 4); break;
	case ND_JNUM: nd_buf_add(b, v->u.s, v->n); break;
	case ND_JSTR: nd_buf_str(b, v->u.s, v->n); break;
	case ND_JARR:
		nd_buf_addc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				nd_buf_addc(b, ',');
			nd_buf_json(b, &v->u.items[i]);
		}
		nd_buf_addc(b, ']');
		break;
	case ND_JOBJ:
		nd_buf_addc(b, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				nd_buf_addc(b, ',');
			nd_buf_str(b, v->u.members[i].key, v->u.members[i].klen);
			nd_buf_addc(b, ':');
			nd_buf_json(b, &v->u.members[i].val);
		}
		nd_buf_addc(b, '}');
		break;
	}
}

void nd_buf_base64(struct nd_buf *b, const void *data, size_t n)
{
	char q[4 * 48 + 1];
	const unsigned char *p = data;

	/* in pieces of 144 bytes: 192 characters each, padding only at the end */
	while (n) {
		size_t k = n > 144 ? 144 : n;

		nd_b64_encode(p, k, q);
		nd_buf_add(b, q, ND_B64_LEN(k));
		p += k;
		n -= k;
	}
}

int nd_buf_b64decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	return nd_b64_decode(s, n, out, max, outlen);
}
