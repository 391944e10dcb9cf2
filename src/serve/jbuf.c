/* SPDX-License-Identifier: MIT */
#include "serve/jbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/base64.h"
#include "core/banned.h"

void nd_jbuf_init(struct nd_jbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void nd_jbuf_release(struct nd_jbuf *b)
{
	if (!b)
		return;
	free(b->p);
	nd_jbuf_init(b, b->max);
}

void nd_jbuf_reset(struct nd_jbuf *b)
{
	b->len = 0;
	b->toobig = false;
	if (b->p)
		b->p[0] = '\0';
}

char *nd_jbuf_detach(struct nd_jbuf *b, size_t *len)
{
	char *p = b->p ? b->p : nd_xcalloc(1, 1);

	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	b->toobig = false;
	return p;
}

void nd_jbuf_add(struct nd_jbuf *b, const void *s, size_t n)
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

void nd_jbuf_adds(struct nd_jbuf *b, const char *s)
{
	nd_jbuf_add(b, s, strlen(s));
}

void nd_jbuf_addc(struct nd_jbuf *b, char c)
{
	nd_jbuf_add(b, &c, 1);
}

void nd_jbuf_printf(struct nd_jbuf *b, const char *fmt, ...)
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
		nd_jbuf_add(b, small, (size_t)n);
		return;
	}
	{
		char *big = nd_xmalloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		nd_jbuf_add(b, big, (size_t)n);
		free(big);
	}
}

void nd_jbuf_str(struct nd_jbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	nd_jbuf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		nd_jbuf_add(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		nd_jbuf_add(b, esc, elen);
	}
	nd_jbuf_add(b, s + run, n - run);
	nd_jbuf_addc(b, '"');
}

void nd_jbuf_cstr(struct nd_jbuf *b, const char *s)
{
	nd_jbuf_str(b, s, strlen(s));
}

void nd_jbuf_key(struct nd_jbuf *b, bool comma, const char *key)
{
	if (comma)
		nd_jbuf_addc(b, ',');
	nd_jbuf_cstr(b, key);
	nd_jbuf_addc(b, ':');
}

void nd_jbuf_json(struct nd_jbuf *b, const struct nd_json *v)
{
	uint32_t i;

	switch (v->type) {
	case ND_JNULL: nd_jbuf_add(b, "null", 4); break;
	case ND_JFALSE: nd_jbuf_add(b, "false", 5); break;
	case ND_JTRUE: nd_jbuf_add(b, "true", 4); break;
	case ND_JNUM: nd_jbuf_add(b, v->u.s, v->n); break;
	case ND_JSTR: nd_jbuf_str(b, v->u.s, v->n); break;
	case ND_JARR:
		nd_jbuf_addc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				nd_jbuf_addc(b, ',');
			nd_jbuf_json(b, &v->u.items[i]);
		}
		nd_jbuf_addc(b, ']');
		break;
	case ND_JOBJ:
		nd_jbuf_addc(b, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				nd_jbuf_addc(b, ',');
			nd_jbuf_str(b, v->u.members[i].key, v->u.members[i].klen);
			nd_jbuf_addc(b, ':');
			nd_jbuf_json(b, &v->u.members[i].val);
		}
		nd_jbuf_addc(b, '}');
		break;
	}
}

void nd_jbuf_base64(struct nd_jbuf *b, const void *data, size_t n)
{
	char q[4 * 48 + 1];
	const unsigned char *p = data;

	/* in pieces of 144 bytes: 192 characters each, padding only at the end */
	while (n) {
		size_t k = n > 144 ? 144 : n;

		nd_b64_encode(p, k, q);
		nd_jbuf_add(b, q, ND_B64_LEN(k));
		p += k;
		n -= k;
	}
}

int nd_jbuf_b64decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	return nd_b64_decode(s, n, out, max, outlen);
}
