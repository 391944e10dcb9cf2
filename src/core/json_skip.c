/* SPDX-License-Identifier: MIT */
/*
 * The decoder's skip (json_internal.h: nd_json_skip): one JSON value
 * validated as strictly as the parser does, without building it, in one
 * loop with its own stack of open containers instead of a call per value.
 * It only answers "valid, and it ends here" or "not valid"; for the
 * message and the byte it names, the parser goes over the value again
 * (json.c), so both always say the same.
 */
#include "core/json_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/banned.h"

static inline const unsigned char *ws(const unsigned char *p, const unsigned char *end)
{
	return (const unsigned char *)nd_json_ws_skip((const char *)p, (const char *)end);
}

/* The rest of a string from p, the first byte that needed a look: the byte
 * after its closing quote, or NULL. */
static const unsigned char *string_rest(const unsigned char *p, const unsigned char *end)
	__attribute__((noinline));

/* A string whose opening quote is at p; the byte after its closing quote, or NULL. */
static inline const unsigned char *string(const unsigned char *p, const unsigned char *end)
{
	p = nd_jscan_str_first(p + 1, end);
	if (p < end && *p == '"')
		return p + 1;
	return string_rest(p, end);
}

static const unsigned char *string_rest(const unsigned char *p, const unsigned char *end)
{
	for (;;) {
		unsigned c;

		p = nd_jscan_str_first(p, end);
		if (p >= end)
			return NULL;
		c = *p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (end - p < 2)
				return NULL;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u': {
				unsigned cp;

				if (end - p < 6 || nd_json_hex4((const char *)p + 2, &cp) < 0)
					return NULL;
				if (cp >= 0xDC00 && cp <= 0xDFFF)
					return NULL;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					unsigned lo;

					if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
					    nd_json_hex4((const char *)p + 8, &lo) < 0 ||
					    lo < 0xDC00 || lo > 0xDFFF)
						return NULL;
					p += 6;
				}
				p += 6;
				continue;
			}
			default:
				return NULL;
			}
		}
		/* c >= 0x80 */
		{
			size_t n = nd_utf8_len(p, end);

			if (!n)
				return NULL;
			p += n;
		}
	}
}

static inline bool digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* A number at p (on '-' or a digit); the byte after it, or NULL. */
static const unsigned char *number(const unsigned char *p, const unsigned char *end)
{
	if (*p == '-')
		p++;
	if (!digit(p, end))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (digit(p, end))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (!digit(p, end))
			return NULL;
		while (digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, end))
			return NULL;
		while (digit(p, end))
			p++;
	}
	return p;
}

int nd_json_skip(const char *start, const char *stop, int depth, const char **after)
{
	const unsigned char *p = (const unsigned char *)start, *end = (const unsigned char *)stop;
	/* one bit per open container, 1 for an object */
	uint64_t open[(ND_JSON_MAX_DEPTH + 63) / 64 + 1] = {0};
	int n = 0;      /* containers open */

	for (;;) {
		/* a value */
		if (p >= end)
			return -1;
		switch (*p) {
		case '{':
		case '[':
			if (depth + n + 1 > ND_JSON_MAX_DEPTH)
				return -1;
			if (*p == '{')
				open[n / 64] |= (uint64_t)1 << (n % 64);
			else
				open[n / 64] &= ~((uint64_t)1 << (n % 64));
			n++;
			p = ws(p + 1, end);
			if (p >= end)
				return -1;
			if (*p == (open[(n - 1) / 64] >> ((n - 1) % 64) & 1 ? '}' : ']')) {
				p++;
				n--;
				break;          /* an empty one: go on after it */
			}
			if (open[(n - 1) / 64] >> ((n - 1) % 64) & 1)
				goto key;
			continue;               /* the array's first value */
		case '"':
			if (!(p = string(p, end)))
				return -1;
			break;
		case 't':
			if (end - p < 4 || memcmp(p, "true", 4) != 0)
				return -1;
			p += 4;
			break;
		case 'f':
			if (end - p < 5 || memcmp(p, "false", 5) != 0)
				return -1;
			p += 5;
			break;
		case 'n':
			if (end - p < 4 || memcmp(p, "null", 4) != 0)
				return -1;
			p += 4;
			break;
		default:
			if (*p != '-' && (*p < '0' || *p > '9'))
				return -1;
			if (!(p = number(p, end)))
				return -1;
			break;
		}
		/* after a value: the end, ',' or a close */
		for (;;) {
			bool obj;

			if (!n) {
				*after = (const char *)p;
				return 0;
			}
			obj = open[(n - 1) / 64] >> ((n - 1) % 64) & 1;
			p = ws(p, end);
			if (p >= end)
				return -1;
			if (*p == ',') {
				p = ws(p + 1, end);
				if (obj)
					goto key;
				break;          /* the next value of the array */
			}
			if (*p != (obj ? '}' : ']'))
				return -1;
			p++;
			n--;
		}
		continue;
key:
		/* a member: "key" ':' and its value */
		if (p >= end || *p != '"' || !(p = string(p, end)))
			return -1;
		p = ws(p, end);
		if (p >= end || *p != ':')
			return -1;
		p = ws(p + 1, end);
	}
}

/* ---- the trie of skip paths ---- */

static void jskip_free_kids(struct jskip *t)
{
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->nkids; i++) {
		jskip_free_kids(&t->kids[i]);
		free((char *)t->kids[i].key);
	}
	free(t->kids);
}

/* A kid of t by key, before jskip_finish has made the chains. */
static struct jskip *jskip_kid_linear(struct jskip *t, const char *key, uint32_t klen)
{
	for (uint32_t i = 0; i < t->nkids; i++)
		if (t->kids[i].klen == klen && memcmp(t->kids[i].key, key, klen) == 0)
			return &t->kids[i];
	return NULL;
}

/* Add a dotted path ("spec.containers.env") to the trie. */
static void jskip_add(struct jskip *t, const char *path)
{
	while (*path) {
		const char *dot = strchr(path, '.');
		uint32_t n = (uint32_t)(dot ? (size_t)(dot - path) : strlen(path));
		struct jskip *k = jskip_kid_linear(t, path, n);

		if (!k) {
			t->kids = nd_xrealloc(t->kids, (t->nkids + 1) * sizeof(*t->kids));
			k = &t->kids[t->nkids++];
			memset(k, 0, sizeof(*k));
			k->key = nd_xstrdup(path);
			((char *)k->key)[n] = '\0';
			k->klen = n;
		}
		t = k;
		path += n;
		if (*path == '.')
			path++;
	}
	t->skip = true;
}

/* The hash chains of every node, once the paths are in. */
static void jskip_finish(struct jskip *t)
{
	memset(t->head, 0, sizeof(t->head));
	for (uint32_t i = t->nkids; i-- > 0;) {
		unsigned h = jskip_hash(t->kids[i].key, t->kids[i].klen);

		jskip_finish(&t->kids[i]);
		if (t->nkids <= UINT16_MAX - 1) {
			t->kids[i].next = t->head[h];
			t->head[h] = (uint16_t)(i + 1);
		}
	}
}

struct jskip *nd_jskip_build(const char *const *paths)
{
	struct jskip *root = nd_xcalloc(1, sizeof(*root));

	for (; *paths; paths++)
		jskip_add(root, *paths);
	jskip_finish(root);
	return root;
}

void nd_jskip_free(struct jskip *root)
{
	if (!root)
		return;
	jskip_free_kids(root);
	free(root);
}
