/* SPDX-License-Identifier: MIT */
#include "core/json.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json_internal.h"
#include "core/banned.h"
#include "core/i18n.h"

static const char *const default_skip[] = {"metadata.managedFields", NULL};

const char *const *nd_json_skip_paths(const struct nd_json_stream_opts *o)
{
	if (o->skip_paths)
		return o->skip_paths;
	return o->keep_managed_fields ? NULL : default_skip;
}

/* reads done by this thread, so a parse that read more can leave them out */
static _Thread_local uint64_t tl_read_wall, tl_read_cpu;

size_t nd_jrd_off(const struct rd *r, size_t i)
{
	return r->base + i;
}

/* Read more bytes. 1: got some, 0: end of file, -1: error. */
int nd_jrd_fill(struct rd *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->start > 0 && r->end == r->cap) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->base += r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t ncap = r->cap * 2;

		if (r->end - r->start > r->max_item)
			return nd_err_set(r->e, _("'%s': a JSON value at byte %zu is larger than "
					  "the %zu-byte limit"), r->name, nd_jrd_off(r, r->start),
					  r->max_item);
		r->buf = nd_xrealloc(r->buf, ncap);
		r->cap = ncap;
	}
	for (;;) {
		size_t want = r->cap - r->end;
		uint64_t w0 = 0, c0 = 0;

		if (want > r->chunk)
			want = r->chunk;
		if (nd_jphase_enabled > 0) {
			w0 = nd_jphase_clock();
			c0 = nd_jphase_cpu();
		}
		n = read(r->fd, r->buf + r->end, want);
		if (nd_jphase_enabled > 0) {
			uint64_t dw = nd_jphase_clock() - w0, dc = nd_jphase_cpu() - c0;

			tl_read_wall += dw;
			tl_read_cpu += dc;
			nd_jphase_add(ND_JP_READ, dw, dc);
			if (n > 0)
				nd_jphase_bytes((size_t)n);
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (n < 0)
		return nd_err_set(r->e, _("cannot read '%s': %s"), r->name, strerror(errno));
	if (n == 0) {
		r->eof = true;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

/* Skip white space. Returns the next byte, 0 at end of file, -1 on error. */
int nd_jrd_peek(struct rd *r)
{
	for (;;) {
		while (r->start < r->end && nd_json_ws[(unsigned char)r->buf[r->start]])
			r->start++;
		if (r->start < r->end)
			return (unsigned char)r->buf[r->start];
		{
			int f = nd_jrd_fill(r);

			if (f <= 0)
				return f;
		}
	}
}

static int unexpected(struct rd *r, const char *what)
{
	return nd_err_set(r->e, _("'%s': invalid JSON at byte %zu: %s"), r->name,
			  nd_jrd_off(r, r->start), what);
}

/*
 * Find the end of the value starting at buf[start], reading more as
 * needed. Sets *len to its length. Structure only: the parser validates.
 */
static int scan_value(struct rd *r, size_t *len)
{
	size_t off = 0;
	long depth = 0;
	bool in_str = false, esc = false, scalar;

	scalar = r->buf[r->start] != '{' && r->buf[r->start] != '[' &&
		 r->buf[r->start] != '"';
	for (;;) {
		const char *p = r->buf + r->start + off, *end = r->buf + r->end;

		while (p < end) {
			char c = *p;

			if (in_str) {
				/* fast skip of plain string bytes */
				while (p < end && *p != '"' && *p != '\\')
					p++;
				if (p >= end)
					break;
				if (*p == '\\') {
					if (p + 1 >= end) {
						esc = true;
						in_str = false;
						p++;
						break;
					}
					p += 2;
					continue;
				}
				in_str = false;
				p++;
				if (depth == 0)
					goto done;
				continue;
			}
			if (esc) {
				/* an escape split across reads: its second byte */
				esc = false;
				in_str = true;
				p++;
				continue;
			}
			if (scalar) {
				if (nd_json_ws[(unsigned char)c] || c == ',' || c == ']' || c == '}' || c == '{' ||
				    c == '[' || c == '"' || c == ':')
					goto done_at;
				p++;
				continue;
			}
			switch (c) {
			case '"':
				in_str = true;
				break;
			case '{':
			case '[':
				depth++;
				break;
			case '}':
			case ']':
				depth--;
				if (depth <= 0) {
					p++;
					goto done;
				}
				break;
			default:
				break;
			}
			p++;
		}
		off = (size_t)(p - (r->buf + r->start));
		{
			int f = nd_jrd_fill(r);

			if (f < 0)
				return -1;
			if (f == 0) {
				if (scalar) {
					*len = r->end - r->start;
					return 0;
				}
				return nd_err_set(r->e, _("'%s': invalid JSON at byte %zu: unexpected "
						  "end of file inside a value that starts at byte %zu "
						  "(truncated file?)"), r->name, nd_jrd_off(r, r->end),
						  nd_jrd_off(r, r->start));
			}
		}
		continue;
done_at:
		*len = (size_t)(p - (r->buf + r->start));
		return 0;
done:
		*len = (size_t)(p - (r->buf + r->start));
		return 0;
	}
}

struct member {
	const char *key;
	struct nd_json val;
};

/* Read until at least want bytes are buffered past start, or end of file. */
static int fill_to(struct rd *r, size_t want)
{
	while (r->end - r->start < want) {
		int f = nd_jrd_fill(r);

		if (f <= 0)
			return f;
	}
	return 1;
}

/*
 * Parse the value at buf[start] into a and consume it. Objects and arrays
 * are parsed straight from the buffer; when one runs past what has been
 * read, more is read (at least doubling what is buffered, so a large value
 * costs amortised linear time) and the parse starts again.
 */
static int take_value_(struct rd *r, struct parser *ps, struct nd_arena *a, bool scratch,
		       struct nd_json *out, size_t *at)
{
	size_t len = 0;
	char c = r->buf[r->start];

	if (c == '{' || c == '[') {
		for (;;) {
			bool incomplete, at_end;
			size_t avail = r->end - r->start;
			int f;

			*at = nd_jrd_off(r, r->start);
			if (scratch)
				nd_arena_reset(a);
			if (nd_jparser_parse_prefix(ps, a, r->buf + r->start, avail, *at, out, &len,
						    &incomplete, &at_end, scratch) == 0)
				break;
			if (at_end && r->eof)
				return nd_err_set(r->e, _("'%s': invalid JSON at byte %zu: unexpected "
						  "end of file inside a value that starts at byte %zu "
						  "(truncated file?)"), r->name, nd_jrd_off(r, r->end), *at);
			if (!incomplete || r->eof)
				return nd_err_prefix(r->e, "'%s'", r->name);
			f = fill_to(r, avail * 2 > avail + 4096 ? avail * 2 : avail + 4096);
			if (f < 0)
				return -1;
		}
		r->start += len;
		return 0;
	}
	if (scan_value(r, &len) < 0)
		return -1;
	*at = nd_jrd_off(r, r->start);
	if (nd_jparser_parse(ps, a, r->buf + r->start, len, *at, out) < 0)
		return nd_err_prefix(r->e, "'%s'", r->name);
	r->start += len;
	return 0;
}

int nd_jrd_take(struct rd *r, struct parser *ps, struct nd_arena *a, bool scratch,
		      struct nd_json *out, size_t *at)
{
	uint64_t w0, c0, rw, rc;
	int ret;

	if (nd_jphase_enabled <= 0)
		return take_value_(r, ps, a, scratch, out, at);
	w0 = nd_jphase_clock();
	c0 = nd_jphase_cpu();
	rw = tl_read_wall;
	rc = tl_read_cpu;
	ret = take_value_(r, ps, a, scratch, out, at);
	nd_jphase_add(ND_JP_PARSE, nd_jphase_clock() - w0 - (tl_read_wall - rw),
		      nd_jphase_cpu() - c0 - (tl_read_cpu - rc));
	return ret;
}

/* The caller's function on one decoded object, timed as the "model" phase. */
int nd_jrd_call(nd_json_item_fn fn, const struct nd_json *obj, size_t off,
		   const char *list_kind, void *ctx, struct nd_err *e)
{
	uint64_t w0, c0;
	int ret;

	if (nd_jphase_enabled <= 0)
		return fn(obj, off, list_kind, ctx, e);
	w0 = nd_jphase_clock();
	c0 = nd_jphase_cpu();
	ret = fn(obj, off, list_kind, ctx, e);
	nd_jphase_add(ND_JP_ITEM, nd_jphase_clock() - w0, nd_jphase_cpu() - c0);
	return ret;
}

/* After an element: ',' (not followed by close) or close. 1: more, 0: closed. */
int nd_jrd_after(struct rd *r, char close)
{
	int c = nd_jrd_peek(r);

	if (c < 0)
		return -1;
	if (c == ',') {
		r->start++;
		c = nd_jrd_peek(r);
		if (c < 0)
			return -1;
		if (c == close)
			return unexpected(r, _("trailing comma"));
		if (c == 0)
			return unexpected(r, _("unexpected end of file (truncated file?)"));
		return 1;
	}
	if (c == close) {
		r->start++;
		return 0;
	}
	if (c == 0)
		return unexpected(r, _("unexpected end of file (truncated file?)"));
	return unexpected(r, close == ']' ? _("expected ',' or ']' in array")
					  : _("expected ',' or '}' in object"));
}

/* Stream the elements of an array whose '[' is at buf[start]. */
static ssize_t stream_array(struct rd *r, struct parser *ps, struct nd_arena *scratch,
			    const char *list_kind, nd_json_item_fn fn, void *ctx)
{
	ssize_t count = 0;
	int c, more;

	r->start++;
	c = nd_jrd_peek(r);
	if (c < 0)
		return -1;
	if (c == ']') {
		r->start++;
		return 0;
	}
	if (c == 0)
		return unexpected(r, _("unexpected end of file (truncated file?)"));
	do {
		struct nd_json item;
		size_t at;

		if (r->ps) {
			int w = nd_jpieces_meet(r, nd_jrd_off(r, r->start), &fn, &ctx);

			if (w == 1)
				return count;   /* the other threads did the rest, up to the ']' */
			if (w < 0)
				return -1;
		}
		nd_arena_reset(scratch);
		if (nd_jrd_take(r, ps, scratch, true, &item, &at) < 0)
			return -1;
		if (nd_jrd_call(fn, &item, at, list_kind, ctx, r->e) < 0)
			return -1;
		count++;
		more = nd_jrd_after(r, ']');
		if (more < 0)
			return -1;
	} while (more);
	return count;
}

ssize_t nd_jrd_stream(struct rd *r, const struct nd_json_stream_opts *o,
		      nd_json_item_fn fn, void *ctx)
{
	struct nd_arena *top = nd_arena_new(64 * 1024);
	struct nd_arena *scratch = nd_arena_new(256 * 1024);
	struct parser *ps = nd_jparser_new(top, r->e, nd_json_skip_paths(o));
	struct member *mem = NULL;
	size_t nmem = 0, capmem = 0, obj_at;
	const char *list_kind = NULL;
	bool seen_items = false;
	ssize_t count = 0, got;
	int c, more;

	c = nd_jrd_peek(r);
	if (c <= 0) {
		if (c == 0)
			unexpected(r, _("the file is empty"));
		goto fail;
	}
	obj_at = nd_jrd_off(r, r->start);
	if (c == '[') {
		/* a bare array of objects (jq '.items' output) */
		count = stream_array(r, ps, scratch, NULL, fn, ctx);
		if (count < 0)
			goto fail;
		seen_items = true;
		goto trailer;
	}
	if (c != '{') {
		unexpected(r, _("expected a Kubernetes object or List ('{')"));
		goto fail;
	}
	r->start++;
	c = nd_jrd_peek(r);
	if (c < 0)
		goto fail;
	more = 1;
	if (c == '}') {
		r->start++;
		more = 0;
	}
	while (more) {
		struct nd_json key, val;
		size_t at;

		c = nd_jrd_peek(r);
		if (c < 0)
			goto fail;
		if (c != '"') {
			unexpected(r, c == 0 ? _("unexpected end of file (truncated file?)")
					     : _("expected a string key in object"));
			goto fail;
		}
		if (nd_jrd_take(r, ps, top, false, &key, &at) < 0)
			goto fail;
		c = nd_jrd_peek(r);
		if (c < 0)
			goto fail;
		if (c != ':') {
			unexpected(r, _("expected ':' after object key"));
			goto fail;
		}
		r->start++;
		c = nd_jrd_peek(r);
		if (c < 0)
			goto fail;
		if (c == 0) {
			unexpected(r, _("unexpected end of file (truncated file?)"));
			goto fail;
		}
		if (strcmp(key.u.s, "items") == 0 && key.n == 5) {
			if (c != '[') {
				unexpected(r, _("\"items\" must be an array"));
				goto fail;
			}
			got = stream_array(r, ps, scratch, list_kind, fn, ctx);
			if (got < 0)
				goto fail;
			count += got;
			seen_items = true;
		} else {
			/* as in the whole document: the skip paths below this member
			 * (a single object's metadata.managedFields) */
			int skip = nd_jparser_enter(ps, key.u.s, key.n);

			if (nd_jrd_take(r, ps, top, false, &val, &at) < 0)
				goto fail;
			nd_jparser_leave(ps);
			if (strcmp(key.u.s, "kind") == 0 && val.type == ND_JSTR)
				list_kind = val.u.s;
			if (!skip) {
				ND_GROW(mem, capmem, nmem + 1);
				mem[nmem].key = key.u.s;
				mem[nmem].val = val;
				nmem++;
			}
		}
		more = nd_jrd_after(r, '}');
		if (more < 0)
			goto fail;
	}
trailer:
	c = nd_jrd_peek(r);
	if (c < 0)
		goto fail;
	if (c != 0) {
		unexpected(r, _("trailing data after the JSON value"));
		goto fail;
	}
	if (!seen_items) {
		/* a single object: rebuild it from its members */
		struct nd_json obj = {.type = ND_JOBJ, .n = (uint32_t)nmem};
		size_t i;

		obj.u.members = nd_arena_alloc(top, (nmem ? nmem : 1) * sizeof(*obj.u.members));
		for (i = 0; i < nmem; i++) {
			obj.u.members[i].key = mem[i].key;
			obj.u.members[i].klen = (uint32_t)strlen(mem[i].key);
			obj.u.members[i].val = mem[i].val;
		}
		if (nd_jrd_call(fn, &obj, obj_at, NULL, ctx, r->e) < 0)
			goto fail;
		count = 1;
	}
	free(mem);
	nd_jparser_free(ps);
	nd_arena_free(scratch);
	nd_arena_free(top);
	return count;
fail:
	free(mem);
	nd_jparser_free(ps);
	nd_arena_free(scratch);
	nd_arena_free(top);
	return -1;
}

ssize_t nd_json_stream_fd(int fd, const char *name,
			  const struct nd_json_stream_opts *opts,
			  nd_json_item_fn fn, void *ctx, struct nd_err *e)
{
	static const struct nd_json_stream_opts defaults;
	const struct nd_json_stream_opts *o = opts ? opts : &defaults;
	struct rd r = {.fd = fd, .name = name, .e = e};
	ssize_t n;
	uint64_t t0;

	r.chunk = o->chunk ? o->chunk : 1 << 20;
	r.max_item = o->max_item ? o->max_item : 64 << 20;
	r.cap = r.chunk * 2;
	r.buf = nd_xmalloc(r.cap);
	t0 = nd_jphase_enabled > 0 ? nd_jphase_clock() : 0;
	n = nd_jrd_stream(&r, o, fn, ctx);
	if (nd_jphase_enabled > 0)
		nd_jphase_stream(t0, nd_jphase_clock());
	free(r.buf);
	return n;
}

ssize_t nd_json_stream_file(const char *path,
			    const struct nd_json_stream_opts *opts,
			    nd_json_item_fn fn, void *ctx, struct nd_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return nd_err_set(e, _("cannot open '%s': %s"), path, strerror(errno));
	n = nd_json_stream_fd(fd, path, opts, fn, ctx, e);
	close(fd);
	return n;
}

int nd_json_parse_file_at(const char *path, size_t off, const struct nd_json_stream_opts *opts,
			  struct nd_arena *a, struct nd_json *out, struct nd_err *e)
{
	static const struct nd_json_stream_opts defaults;
	const struct nd_json_stream_opts *o = opts ? opts : &defaults;
	struct rd r = {.name = path, .e = e};
	struct parser *ps = NULL;
	size_t at;
	int c, ret = -1;

	memset(out, 0, sizeof(*out));
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0)
		return nd_err_set(e, _("cannot open '%s': %s"), path, strerror(errno));
	/* one object of a List: most are a few KiB */
	r.chunk = 64 << 10;
	r.max_item = o->max_item ? o->max_item : 64 << 20;
	r.cap = r.chunk * 2;
	r.buf = nd_xmalloc(r.cap);
	r.base = off;
	if (lseek(r.fd, (off_t)off, SEEK_SET) < 0) {
		nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
		goto out;
	}
	c = nd_jrd_peek(&r);
	if (c == 0)
		nd_err_set(e, _("'%s': no JSON value at byte %zu"), path, off);
	if (c <= 0)
		goto out;
	ps = nd_jparser_new(a, e, nd_json_skip_paths(o));
	ret = take_value_(&r, ps, a, false, out, &at);
out:
	nd_jparser_free(ps);
	close(r.fd);
	free(r.buf);
	return ret;
}

