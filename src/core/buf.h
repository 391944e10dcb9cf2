/* SPDX-License-Identifier: MIT */
#ifndef ND_CORE_BUF_H
#define ND_CORE_BUF_H
/*
 * The one growable byte buffer, with a ceiling, and a compact JSON writer
 * on it: API bodies, served pages, explanations, YAML.
 *
 * Adding past the ceiling (max) sets toobig, keeps what fitted and makes
 * every later add a no-op; callers check toobig once at the end (curl's
 * dynbuf). The buffer is always NUL-terminated after len bytes.
 * nd_buf_release() frees the bytes; nd_buf_detach() hands them over.
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_json;
struct nd_arena;

/* An explanation or a printed fix: past this, text is cut and ends in "...". */
#define ND_TEXT_MAX (256u * 1024)
/* A buffer with ceiling max, for declarations: struct nd_buf b = ND_BUF_INIT(m); */
#define ND_BUF_INIT(m) {.max = (m)}

struct nd_buf {
	char *p;
	size_t len, cap, max;
	bool toobig;
};

void nd_buf_init(struct nd_buf *b, size_t max);
void nd_buf_release(struct nd_buf *b);
void nd_buf_reset(struct nd_buf *b);
/* The bytes (malloc'd, NUL-terminated) to the caller; b is empty again. */
char *nd_buf_detach(struct nd_buf *b, size_t *len);

/* The text into a (with "..." when it was cut at the ceiling); b is released. */
const char *nd_buf_arena(struct nd_buf *b, struct nd_arena *a);

void nd_buf_add(struct nd_buf *b, const void *s, size_t n);
void nd_buf_adds(struct nd_buf *b, const char *s);
void nd_buf_addc(struct nd_buf *b, char c);
void nd_buf_printf(struct nd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* s (n bytes, may hold NUL; valid UTF-8) as a JSON string literal. */
void nd_buf_str(struct nd_buf *b, const char *s, size_t n);
void nd_buf_cstr(struct nd_buf *b, const char *s);
/* "key": with a leading comma when comma is true. */
void nd_buf_key(struct nd_buf *b, bool comma, const char *key);

/*
 * v re-encoded compactly: member order and duplicates kept, numbers written
 * as their original text, strings re-escaped. Depth is bounded by the
 * decoder (ND_JSON_MAX_DEPTH).
 */
void nd_buf_json(struct nd_buf *b, const struct nd_json *v);

/* Standard base64 (with padding) of n bytes. */
void nd_buf_base64(struct nd_buf *b, const void *data, size_t n);
/* Decode standard or URL-safe base64 into out (at most max bytes); -1 on bad input. */
int nd_buf_b64decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen);

#endif
