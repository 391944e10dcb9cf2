/* SPDX-License-Identifier: MIT */
#include "core/json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json_internal.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"
#include "core/intern.h"

/*
 * A recursive-descent parser over a complete buffer. Children of arrays and
 * objects are collected on scratch stacks and copied into the arena when
 * the container closes, so each node is allocated once at its final size.
 */
struct parser {
	const char *start, *p, *end;
	size_t base;
	struct nd_arena *a;      /* NULL: validate only */
	struct nd_err *e;
	int depth;
	const struct jskip *skip;  /* members not to build (stream option) */
	const struct jskip *root;  /* the part of skip the next parse starts from */
	struct nd_json *vs;      /* value stack */
	size_t vn, vcap;
	struct nd_jmember *ms;   /* member stack */
	size_t mn, mcap;
	char *sbuf;              /* string decode buffer */
	size_t scap;
	bool inplace;            /* strings and numbers point into the (mutable) input */
	char **zs;               /* with inplace: bytes to turn into NULs on success */
	size_t zn, zcap;
};

static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return nd_err_set(ps->e, _("invalid JSON at byte %zu: %s"),
			  ps->base + (size_t)(ps->p - ps->start), what);
}

static inline void skip_ws(struct parser *ps)
{
	ps->p = nd_json_ws_skip(ps->p, ps->end);
}

size_t nd_utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];

	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		if (end - p < 2 || (p[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0) {
		if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0;       /* overlong */
		if (c == 0xED && p[1] >= 0xA0)
			return 0;       /* surrogate */
		return 3;
	}
	if (c < 0xF5) {
		if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90)
			return 0;       /* overlong */
		if (c == 0xF4 && p[1] >= 0x90)
			return 0;       /* above U+10FFFF */
		return 4;
	}
	return 0;
}

static size_t put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Parse a string at ps->p (on the opening quote). When out is set, the
 * decoded bytes are copied to the arena; escapes never lengthen the text,
 * so a buffer of the raw length is enough.
 */
static int parse_string_rest(struct parser *ps, const unsigned char *s0,
			     const unsigned char *p, const char **out, uint32_t *outlen)
	__attribute__((noinline));

static inline __attribute__((always_inline)) int parse_string(struct parser *ps, const char **out,
							   uint32_t *outlen)
{
	const unsigned char *p = (const unsigned char *)ps->p + 1;
	const unsigned char *end = (const unsigned char *)ps->end;
	const unsigned char *s0 = p;

	/* fast path, inline in the callers: plain ASCII up to the closing quote;
	 * short keys end within the first eight bytes, longer strings go to the
	 * scanner (json_simd.c); escapes and UTF-8 to parse_string_rest */
	p = nd_jscan_str_first(p, end);
	if (p < end && *p == '"') {
		if (out && ps->a) {
			size_t n = (size_t)(p - s0);

			if (n > UINT32_MAX)
				return fail(ps, _("string too long"));
			if (ps->inplace) {
				/* the closing quote becomes the NUL once the parse succeeds */
				*out = (const char *)s0;
				ND_GROW(ps->zs, ps->zcap, ps->zn + 1);
				ps->zs[ps->zn++] = (char *)p;
			} else {
				*out = nd_arena_strndup(ps->a, (const char *)s0, n);
			}
			*outlen = (uint32_t)n;
		}
		ps->p = (const char *)p + 1;
		return 0;
	}
	return parse_string_rest(ps, s0, p, out, outlen);
}

/* The string from p on (s0: its first byte), which needs a look at p. */
static int parse_string_rest(struct parser *ps, const unsigned char *s0,
			     const unsigned char *p, const char **out, uint32_t *outlen)
{
	const unsigned char *end = (const unsigned char *)ps->end;
	char *d = NULL, *d0 = NULL;
	bool want = out != NULL && ps->a != NULL;

	if (want) {
		/* the rest of the string is at most end - s0 bytes */
		const unsigned char *q = p;
		size_t raw;

		for (;;) {
			q = nd_jscan_str_first(q, end);
			if (q >= end || *q == '"')
				break;
			if (*q == '\\' && q + 1 < end)
				q++;
			q++;
		}
		raw = (size_t)(q - s0);
		if (raw + 1 > ps->scap) {
			ps->scap = raw + 1 > 4096 ? raw + 1 : 4096;
			free(ps->sbuf);
			ps->sbuf = nd_xmalloc(ps->scap);
		}
		d = d0 = ps->sbuf;
		memcpy(d, s0, (size_t)(p - s0));
		d += p - s0;
	}
	while (p < end) {
		unsigned c = *p;

		if (c == '"') {
			if (want) {
				size_t n = (size_t)(d - d0);

				if (n > UINT32_MAX)
					return fail(ps, _("string too long"));
				*out = nd_arena_strndup(ps->a, d0, n);
				*outlen = (uint32_t)n;
			}
			ps->p = (const char *)p + 1;
			return 0;
		}
		if (c < 0x20) {
			ps->p = (const char *)p;
			return fail(ps, _("control character 0x%02x in string"), c);
		}
		if (c == '\\') {
			unsigned cp;

			if (p + 1 >= end)
				break;
			switch (p[1]) {
			case '"': cp = '"'; break;
			case '\\': cp = '\\'; break;
			case '/': cp = '/'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (end - p < 6 || nd_json_hex4((const char *)p + 2, &cp) < 0) {
					ps->p = (const char *)p;
					return fail(ps, _("bad \\u escape"));
				}
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					unsigned lo;

					if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
					    nd_json_hex4((const char *)p + 8, &lo) < 0 ||
					    lo < 0xDC00 || lo > 0xDFFF) {
						ps->p = (const char *)p;
						return fail(ps, _("unpaired UTF-16 surrogate in \\u escape"));
					}
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
					ps->p = (const char *)p;
					return fail(ps, _("unpaired UTF-16 surrogate in \\u escape"));
				}
				if (want)
					d += put_utf8(d, cp);
				p += 6;
				continue;
			default:
				ps->p = (const char *)p;
				return fail(ps, _("bad escape '\\%c'"), p[1] >= 0x20 && p[1] < 0x7f ? p[1] : '?');
			}
			if (want)
				*d++ = (char)cp;
			p += 2;
			continue;
		}
		if (c >= 0x80) {
			size_t n = nd_utf8_len(p, end);

			if (!n) {
				ps->p = (const char *)p;
				return fail(ps, _("invalid UTF-8 in string"));
			}
			if (want) {
				memcpy(d, p, n);
				d += n;
			}
			p += n;
			continue;
		}
		{
			/* a run of plain bytes up to the next one that needs a look */
			const unsigned char *q = nd_jscan_str_first(p + 1, end);

			if (want) {
				memcpy(d, p, (size_t)(q - p));
				d += q - p;
			}
			p = q;
		}
	}
	ps->p = (const char *)p;
	return fail(ps, _("unterminated string"));
}

static int parse_number(struct parser *ps, struct nd_json *v)
{
	const char *p = ps->p, *end = ps->end, *s = p;

	if (p < end && *p == '-')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return fail(ps, _("invalid number"));
	if (*p == '0') {
		p++;
	} else {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9') {
			ps->p = p;
			return fail(ps, _("invalid number: digit expected after '.'"));
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9') {
			ps->p = p;
			return fail(ps, _("invalid number: digit expected in exponent"));
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (v) {
		v->type = ND_JNUM;
		v->n = (uint32_t)(p - s);
		if (ps->inplace && p < end) {
			/* the delimiter after the number becomes its NUL */
			v->u.s = s;
			ND_GROW(ps->zs, ps->zcap, ps->zn + 1);
			ps->zs[ps->zn++] = (char *)p;
		} else {
			v->u.s = ps->a ? nd_arena_strndup(ps->a, s, (size_t)(p - s)) : NULL;
		}
	}
	ps->p = p;
	return 0;
}

static const struct jskip *jskip_kid(const struct jskip *t, const char *key, uint32_t klen)
{
	uint32_t i;

	if (!t)
		return NULL;
	if (t->nkids <= UINT16_MAX - 1) {
		for (i = t->head[jskip_hash(key, klen)]; i; i = t->kids[i - 1].next) {
			const struct jskip *k = &t->kids[i - 1];

			if (k->klen == klen && nd_bytes_eq(k->key, key, klen))
				return k;
		}
		return NULL;
	}
	for (i = 0; i < t->nkids; i++)
		if (t->kids[i].klen == klen && nd_bytes_eq(t->kids[i].key, key, klen))
			return &t->kids[i];
	return NULL;
}

static int parse_value(struct parser *ps, struct nd_json *v, const struct jskip *sk);

static int parse_array(struct parser *ps, struct nd_json *v, const struct jskip *sk)
{
	size_t mark = ps->vn, n;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		goto done;
	}
	for (;;) {
		struct nd_json item = {0};

		if (parse_value(ps, v ? &item : NULL, sk) < 0)
			return -1;
		if (v) {
			ND_GROW(ps->vs, ps->vcap, ps->vn + 1);
			ps->vs[ps->vn++] = item;
		}
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, _("unterminated array"));
		if (*ps->p == ',') {
			ps->p++;
			skip_ws(ps);
			continue;
		}
		if (*ps->p == ']') {
			ps->p++;
			break;
		}
		return fail(ps, _("expected ',' or ']' in array"));
	}
done:
	if (v) {
		n = ps->vn - mark;
		v->type = ND_JARR;
		v->n = (uint32_t)n;
		v->u.items = NULL;
		if (n) {
			v->u.items = nd_arena_alloc_raw(ps->a, n * sizeof(*v->u.items));
			memcpy(v->u.items, ps->vs + mark, n * sizeof(*v->u.items));
		}
		ps->vn = mark;
	}
	return 0;
}

static int parse_object(struct parser *ps, struct nd_json *v, const struct jskip *sk)
{
	size_t mark = ps->mn, n;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		goto done;
	}
	for (;;) {
		struct nd_jmember m = {0};
		const struct jskip *kid = NULL;

		if (ps->p >= ps->end || *ps->p != '"')
			return fail(ps, ps->p >= ps->end ? _("unterminated object")
							 : _("expected a string key in object"));
		if (parse_string(ps, v ? &m.key : NULL, &m.klen) < 0)
			return -1;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return fail(ps, _("expected ':' after object key"));
		ps->p++;
		skip_ws(ps);
		if (v && sk)
			kid = jskip_kid(sk, m.key, m.klen);
		if (kid && kid->skip) {
			const char *after;

			/* the fast skip decides; when it finds the value bad, the
			 * parser goes over it for the message and its byte */
			if (nd_json_skip(ps->p, ps->end, ps->depth, &after) == 0)
				ps->p = after;
			else if (parse_value(ps, NULL, NULL) < 0)
				return -1;
		} else if (ps->p < ps->end && *ps->p == '"') {
			/* most values are strings: no call to parse_value for them */
			if (v) {
				m.val.type = ND_JSTR;
				if (parse_string(ps, &m.val.u.s, &m.val.n) < 0)
					return -1;
			} else if (parse_string(ps, NULL, NULL) < 0) {
				return -1;
			}
		} else if (parse_value(ps, v ? &m.val : NULL, kid) < 0) {
			return -1;
		}
		if (v && !(kid && kid->skip)) {
			ND_GROW(ps->ms, ps->mcap, ps->mn + 1);
			ps->ms[ps->mn++] = m;
		}
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, _("unterminated object"));
		if (*ps->p == ',') {
			ps->p++;
			skip_ws(ps);
			continue;
		}
		if (*ps->p == '}') {
			ps->p++;
			break;
		}
		return fail(ps, _("expected ',' or '}' in object"));
	}
done:
	if (v) {
		n = ps->mn - mark;
		v->type = ND_JOBJ;
		v->n = (uint32_t)n;
		v->u.members = NULL;
		if (n) {
			v->u.members = nd_arena_alloc_raw(ps->a, n * sizeof(*v->u.members));
			memcpy(v->u.members, ps->ms + mark, n * sizeof(*v->u.members));
		}
		ps->mn = mark;
	}
	return 0;
}

static int literal(struct parser *ps, const char *word, size_t n, enum nd_jtype t,
		   struct nd_json *v)
{
	if ((size_t)(ps->end - ps->p) < n || !nd_bytes_eq(ps->p, word, n))
		return fail(ps, _("unexpected '%c'"), *ps->p >= 0x20 && *ps->p < 0x7f ? *ps->p : '?');
	ps->p += n;
	if (v)
		v->type = (uint8_t)t;
	return 0;
}

/* v == NULL: validate and skip. */
static int parse_value(struct parser *ps, struct nd_json *v, const struct jskip *sk)
{
	int r;

	/* the callers have skipped the white space before the value */
	if (ps->p >= ps->end)
		return fail(ps, _("unexpected end of input"));
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > ND_JSON_MAX_DEPTH)
			return fail(ps, _("nesting deeper than %d"), ND_JSON_MAX_DEPTH);
		r = *ps->p == '{' ? parse_object(ps, v, sk) : parse_array(ps, v, sk);
		ps->depth--;
		return r;
	case '"':
		if (!v)
			return parse_string(ps, NULL, NULL);
		v->type = ND_JSTR;
		return parse_string(ps, &v->u.s, &v->n);
	case 't':
		return literal(ps, "true", 4, ND_JTRUE, v);
	case 'f':
		return literal(ps, "false", 5, ND_JFALSE, v);
	case 'n':
		return literal(ps, "null", 4, ND_JNULL, v);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, v);
		return fail(ps, _("unexpected '%c'"), *ps->p >= 0x20 && *ps->p < 0x7f ? *ps->p : '?');
	}
}

static void parser_release(struct parser *ps)
{
	free(ps->zs);
	free(ps->vs);
	free(ps->ms);
	free(ps->sbuf);
}

/* Parse exactly one value filling [buf, buf+len) but for white space. */
static int parse_whole(struct parser *ps, const char *buf, size_t len, size_t base,
		       struct nd_json *out)
{
	ps->start = ps->p = buf;
	ps->end = buf + len;
	ps->base = base;
	ps->depth = 0;
	ps->vn = ps->mn = 0;
	skip_ws(ps);
	if (parse_value(ps, out, ps->root) < 0)
		return -1;
	skip_ws(ps);
	if (ps->p != ps->end)
		return fail(ps, _("trailing data after the JSON value"));
	return 0;
}

int nd_json_parse(const char *buf, size_t len, size_t base_off,
		  struct nd_arena *a, struct nd_json *out, struct nd_err *e)
{
	struct parser ps = {.a = a, .e = e};
	int r;

	memset(out, 0, sizeof(*out));
	r = parse_whole(&ps, buf, len, base_off, out);
	parser_release(&ps);
	return r;
}

/* ---- a reusable parser, for the stream (json_internal.h) ---- */

struct parser *nd_jparser_new(struct nd_arena *a, struct nd_err *e,
			      const char *const *skip_paths)
{
	struct parser *ps = nd_xcalloc(1, sizeof(*ps));

	ps->a = a;
	ps->e = e;
	if (skip_paths && *skip_paths) {
		ps->skip = ps->root = nd_jskip_build(skip_paths);
	}
	return ps;
}

void nd_jparser_free(struct parser *ps)
{
	if (!ps)
		return;
	nd_jskip_free((struct jskip *)ps->skip);
	parser_release(ps);
	free(ps);
}

int nd_jparser_parse_prefix(struct parser *ps, struct nd_arena *a, char *buf, size_t len,
			    size_t base, struct nd_json *out, size_t *used, bool *incomplete,
			    bool *at_end, bool inplace)
{
	size_t i;

	ps->a = a;
	ps->inplace = inplace;
	ps->zn = 0;
	ps->start = ps->p = buf;
	ps->end = buf + len;
	ps->base = base;
	ps->depth = 0;
	ps->vn = ps->mn = 0;
	memset(out, 0, sizeof(*out));
	*incomplete = false;
	skip_ws(ps);
	if (parse_value(ps, out, ps->root) < 0) {
		/* stopped at (or just before) the end of what we have: more may come */
		ps->inplace = false;
		*incomplete = ps->end - ps->p <= 16;
		*at_end = ps->p >= ps->end;
		return -1;
	}
	ps->inplace = false;
	for (i = 0; i < ps->zn; i++)
		*ps->zs[i] = '\0';
	*used = (size_t)(ps->p - buf);
	return 0;
}

int nd_jparser_enter(struct parser *ps, const char *key, size_t klen)
{
	const struct jskip *kid = ps->skip && klen <= UINT32_MAX ?
				  jskip_kid(ps->skip, key, (uint32_t)klen) : NULL;

	if (kid && kid->skip)
		return 1;
	ps->root = kid;
	return 0;
}

void nd_jparser_leave(struct parser *ps)
{
	ps->root = ps->skip;
}

int nd_jparser_parse(struct parser *ps, struct nd_arena *a, const char *buf, size_t len,
		     size_t base, struct nd_json *out)
{
	ps->a = a;
	memset(out, 0, sizeof(*out));
	return parse_whole(ps, buf, len, base, out);
}
