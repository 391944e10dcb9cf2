/* SPDX-License-Identifier: MIT */
/* The push form of the streaming decoder (json.h): bytes are fed as they arrive. */
#include "core/json.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json_internal.h"
#include "core/banned.h"
#include "core/i18n.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* ---- push API: the same grammar, fed bytes as they arrive ---- */

/* the bytes gathered before an element cut short is parsed again */
#define PUSH_BATCH ((size_t)256 << 10)

enum pstate {
	P_BEGIN, P_OBJ_FIRST, P_KEY, P_COLON, P_VALUE, P_OBJ_AFTER, P_OBJ_COMMA,
	P_ARR_FIRST, P_ELEM, P_ARR_AFTER, P_ARR_COMMA, P_TRAILER,
};

struct nd_json_push {
	const char *name;
	char *buf;
	size_t cap, start, end, base;
	size_t max_item;
	enum pstate st;
	bool bare;              /* top level is an array */
	bool in_items;
	/* resumable scan of the value at buf[start] */
	bool scanning, s_str, s_esc, s_scalar;
	long s_depth;
	size_t s_off;
	struct nd_arena *top, *scratch;
	struct parser *ps;
	struct nd_err pe;       /* the parser's own error slot */
	struct nd_jmember *mem;
	size_t nmem, capmem;
	const char *key;        /* pending member key (in top) */
	const char *list_kind;
	bool seen_items;
	size_t obj_at;
	ssize_t count;
	bool failed;
	bool finishing;         /* nd_json_push_finish: no more bytes will come */
	size_t want;            /* an element is parsed once this much is buffered */
	size_t batch;           /* bytes gathered before an element is tried again */
	nd_json_item_fn fn;
	void *ctx;
};

struct nd_json_push *nd_json_push_new(const char *name, const struct nd_json_stream_opts *opts,
				      nd_json_item_fn fn, void *ctx)
{
	static const struct nd_json_stream_opts defaults;
	const struct nd_json_stream_opts *o = opts ? opts : &defaults;
	struct nd_json_push *p = nd_xcalloc(1, sizeof(*p));

	p->name = name;
	p->max_item = o->max_item ? o->max_item : 64 << 20;
	p->batch = o->chunk ? o->chunk : PUSH_BATCH;
	p->cap = 64 * 1024;
	p->buf = nd_xmalloc(p->cap);
	p->top = nd_arena_new(16 * 1024);
	p->scratch = nd_arena_new(256 * 1024);
	p->ps = nd_jparser_new(p->top, &p->pe, nd_json_skip_paths(o));
	p->fn = fn;
	p->ctx = ctx;
	return p;
}

void nd_json_push_free(struct nd_json_push *p)
{
	if (!p)
		return;
	nd_jparser_free(p->ps);
	nd_arena_free(p->scratch);
	nd_arena_free(p->top);
	free(p->mem);
	free(p->buf);
	free(p);
}

static int p_bad(struct nd_json_push *p, struct nd_err *e, const char *what)
{
	p->failed = true;
	return nd_err_set(e, _("'%s': invalid JSON at byte %zu: %s"), p->name, p->base + p->start,
			  what);
}

/* Next non-blank byte, or -1 when the buffer is used up (a NUL byte is a
 * byte: the states reject it, where 0 for both let one after the value by). */
static int p_peek(struct nd_json_push *p)
{
	while (p->start < p->end && is_ws(p->buf[p->start]))
		p->start++;
	return p->start < p->end ? (unsigned char)p->buf[p->start] : -1;
}

/* 1: the value at start is complete (*len), 0: need more bytes. */
static int p_scan(struct nd_json_push *p, size_t *len)
{
	const char *b = p->buf + p->start, *q, *end = p->buf + p->end;

	if (!p->scanning) {
		p->scanning = true;
		p->s_off = 0;
		p->s_depth = 0;
		p->s_str = p->s_esc = false;
		p->s_scalar = b[0] != '{' && b[0] != '[' && b[0] != '"';
	}
	q = b + p->s_off;
	while (q < end) {
		char c = *q;

		if (p->s_esc) {
			p->s_esc = false;
			q++;
			continue;
		}
		if (p->s_str) {
			while (q < end && *q != '"' && *q != '\\')
				q++;
			if (q >= end)
				break;
			if (*q == '\\') {
				p->s_esc = true;
				q++;
				continue;
			}
			p->s_str = false;
			q++;
			if (p->s_depth == 0)
				goto done;
			continue;
		}
		if (p->s_scalar) {
			if (is_ws(c) || c == ',' || c == ']' || c == '}' || c == '{' || c == '[' ||
			    c == '"' || c == ':')
				goto done;
			q++;
			continue;
		}
		if (c == '"') {
			p->s_str = true;
		} else if (c == '{' || c == '[') {
			p->s_depth++;
		} else if (c == '}' || c == ']') {
			if (--p->s_depth <= 0) {
				q++;
				goto done;
			}
		}
		q++;
	}
	p->s_off = (size_t)(q - b);
	return 0;
done:
	p->scanning = false;
	*len = (size_t)(q - b);
	return 1;
}

/* Scan and parse the value at start into a. 1: done, 0: need more, -1: error. */
static int p_take(struct nd_json_push *p, struct nd_arena *a, struct nd_json *out,
		  size_t *at, struct nd_err *e)
{
	size_t len = 0;

	if (!p_scan(p, &len)) {
		if (p->end - p->start > p->max_item) {
			p->failed = true;
			return nd_err_set(e, _("'%s': a JSON value at byte %zu is larger than the "
					  "%zu-byte limit"), p->name, p->base + p->start, p->max_item);
		}
		return 0;
	}
	*at = p->base + p->start;
	if (nd_jparser_parse(p->ps, a, p->buf + p->start, len, *at, out) < 0) {
		p->failed = true;
		*e = p->pe;
		return nd_err_prefix(e, "'%s'", p->name);
	}
	p->start += len;
	return 1;
}

/*
 * An element that is an object or an array, parsed straight from the
 * buffer (no scan for its end first: that was as much work as the parse).
 * A parse that runs out of bytes is tried again only once a batch more
 * have come (p->batch, PUSH_BATCH), so an element costs at most one wasted
 * partial parse per batch of many. 1: done, 0: need more, -1: error.
 */
static int p_take_container(struct nd_json_push *p, struct nd_json *out, size_t *at,
			    struct nd_err *e)
{
	size_t avail = p->end - p->start, len = 0;
	bool incomplete = false, at_end = false;

	if (!p->finishing && avail < p->want)
		return 0;
	*at = p->base + p->start;
	nd_arena_reset(p->scratch);
	if (nd_jparser_parse_prefix(p->ps, p->scratch, p->buf + p->start, avail, *at, out, &len,
				    &incomplete, &at_end, true) == 0) {
		p->start += len;
		p->want = 0;
		return 1;
	}
	if (!incomplete) {
		p->failed = true;
		*e = p->pe;
		return nd_err_prefix(e, "'%s'", p->name);
	}
	if (avail > p->max_item) {
		p->failed = true;
		return nd_err_set(e, _("'%s': a JSON value at byte %zu is larger than the "
				  "%zu-byte limit"), p->name, p->base + p->start, p->max_item);
	}
	/* at the end of the body, nd_json_push_finish says it is cut short; the
	 * bytes waiting never pass the limit for one value */
	p->want = avail + (p->batch < p->max_item + 1 - avail ? p->batch
							     : p->max_item + 1 - avail);
	return 0;
}

/* Run the state machine over the buffered bytes. 0: needs more, -1: error. */
static int p_run(struct nd_json_push *p, struct nd_err *e)
{
	for (;;) {
		struct nd_json v;
		size_t at;
		int c = p_peek(p), r;

		if (c < 0)
			return 0;
		switch (p->st) {
		case P_BEGIN:
			p->obj_at = p->base + p->start;
			p->start++;
			if (c == '[') {
				p->bare = p->in_items = p->seen_items = true;
				p->st = P_ARR_FIRST;
			} else if (c == '{') {
				p->st = P_OBJ_FIRST;
			} else {
				p->start--;
				return p_bad(p, e, _("expected a Kubernetes object or List ('{')"));
			}
			break;
		case P_OBJ_FIRST:
			if (c == '}') {
				p->start++;
				p->st = P_TRAILER;
			} else {
				p->st = P_KEY;
			}
			break;
		case P_KEY:
			if (c != '"')
				return p_bad(p, e, _("expected a string key in object"));
			r = p_take(p, p->top, &v, &at, e);
			if (r <= 0)
				return r;
			p->key = v.u.s;
			p->st = P_COLON;
			break;
		case P_COLON:
			if (c != ':')
				return p_bad(p, e, _("expected ':' after object key"));
			p->start++;
			p->st = P_VALUE;
			break;
		case P_VALUE:
			if (strcmp(p->key, "items") == 0) {
				if (c != '[')
					return p_bad(p, e, _("\"items\" must be an array"));
				p->start++;
				p->in_items = p->seen_items = true;
				p->st = P_ARR_FIRST;
				break;
			}
			r = p_take(p, p->top, &v, &at, e);
			if (r <= 0)
				return r;
			if (strcmp(p->key, "kind") == 0 && v.type == ND_JSTR)
				p->list_kind = v.u.s;
			ND_GROW(p->mem, p->capmem, p->nmem + 1);
			p->mem[p->nmem].key = p->key;
			p->mem[p->nmem].klen = (uint32_t)strlen(p->key);
			p->mem[p->nmem].val = v;
			p->nmem++;
			p->st = P_OBJ_AFTER;
			break;
		case P_OBJ_AFTER:
			p->start++;
			if (c == ',')
				p->st = P_OBJ_COMMA;
			else if (c == '}')
				p->st = P_TRAILER;
			else {
				p->start--;
				return p_bad(p, e, _("expected ',' or '}' in object"));
			}
			break;
		case P_OBJ_COMMA:
			if (c == '}')
				return p_bad(p, e, _("trailing comma"));
			p->st = P_KEY;
			break;
		case P_ARR_FIRST:
			if (c == ']') {
				p->start++;
				p->in_items = false;
				p->st = p->bare ? P_TRAILER : P_OBJ_AFTER;
			} else {
				p->st = P_ELEM;
			}
			break;
		case P_ELEM:
			if (c == '{' || c == '[') {
				r = p_take_container(p, &v, &at, e);
			} else {
				if (!p->scanning)
					nd_arena_reset(p->scratch);
				r = p_take(p, p->scratch, &v, &at, e);
			}
			if (r <= 0)
				return r;
			if (p->fn(&v, at, p->list_kind, p->ctx, e) < 0) {
				p->failed = true;
				return -1;
			}
			p->count++;
			p->st = P_ARR_AFTER;
			break;
		case P_ARR_AFTER:
			p->start++;
			if (c == ',') {
				p->st = P_ARR_COMMA;
			} else if (c == ']') {
				p->in_items = false;
				p->st = p->bare ? P_TRAILER : P_OBJ_AFTER;
			} else {
				p->start--;
				return p_bad(p, e, _("expected ',' or ']' in array"));
			}
			break;
		case P_ARR_COMMA:
			if (c == ']')
				return p_bad(p, e, _("trailing comma"));
			p->st = P_ELEM;
			break;
		case P_TRAILER:
			return p_bad(p, e, _("trailing data after the JSON value"));
		}
	}
}

int nd_json_push_feed(struct nd_json_push *p, const char *data, size_t n, struct nd_err *e)
{
	if (p->failed)
		return nd_err_set(e, _("'%s': the JSON stream already failed"), p->name);
	while (n > 0) {
		size_t room, take;

		if (p->start > 0 && p->end == p->cap) {
			/* full: keep only what is not parsed yet */
			memmove(p->buf, p->buf + p->start, p->end - p->start);
			p->base += p->start;
			p->end -= p->start;
			p->start = 0;
		}
		if (p->end == p->cap) {
			if (p->end > p->max_item + 1) {
				p->failed = true;
				return nd_err_set(e, _("'%s': a JSON value at byte %zu is larger than "
						  "the %zu-byte limit"), p->name, p->base, p->max_item);
			}
			p->cap *= 2;
			p->buf = nd_xrealloc(p->buf, p->cap);
		}
		room = p->cap - p->end;
		take = n < room ? n : room;
		memcpy(p->buf + p->end, data, take);
		p->end += take;
		data += take;
		n -= take;
		if (p_run(p, e) < 0)
			return -1;
	}
	return 0;
}

ssize_t nd_json_push_finish(struct nd_json_push *p, struct nd_err *e)
{
	if (p->failed)
		return nd_err_set(e, _("'%s': the JSON stream already failed"), p->name);
	/* the elements still waiting for a batch of bytes */
	p->finishing = true;
	if (p_run(p, e) < 0)
		return -1;
	if (p->st == P_BEGIN) {
		p->failed = true;
		return nd_err_set(e, _("'%s': the body is empty"), p->name);
	}
	if (p->st != P_TRAILER) {
		p->failed = true;
		return nd_err_set(e, _("'%s': invalid JSON at byte %zu: unexpected end of input "
				  "(truncated body?)"), p->name, p->base + p->end);
	}
	if (!p->seen_items) {
		struct nd_json obj = {.type = ND_JOBJ, .n = (uint32_t)p->nmem, .u.members = p->mem};

		if (p->fn && p->fn(&obj, p->obj_at, NULL, p->ctx, e) < 0) {
			p->failed = true;
			return -1;
		}
		p->count = 1;
	}
	return p->count;
}

const struct nd_json *nd_json_push_member(const struct nd_json_push *p, const char *key)
{
	size_t i;
	const struct nd_json *v = NULL;

	for (i = 0; i < p->nmem; i++)
		if (strcmp(p->mem[i].key, key) == 0)
			v = &p->mem[i].val;
	return v;
}

bool nd_json_push_is_list(const struct nd_json_push *p)
{
	return p->seen_items;
}
