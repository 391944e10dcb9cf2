/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_JBUF_H
#define ND_SERVE_JBUF_H
/*
 * A growable byte buffer with a ceiling, and a compact JSON writer on it.
 *
 * Adding past the ceiling (max) sets toobig, keeps what fitted and makes
 * every later add a no-op; callers check toobig once at the end (curl's
 * dynbuf). The buffer is always NUL-terminated after len bytes.
 * nd_jbuf_release() frees the bytes; nd_jbuf_detach() hands them over.
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_json;

struct nd_jbuf {
	char *p;
	size_t len, cap, max;
	bool toobig;
};

void nd_jbuf_init(struct nd_jbuf *b, size_t max);
void nd_jbuf_release(struct nd_jbuf *b);
void nd_jbuf_reset(struct nd_jbuf *b);
/* The bytes (malloc'd, NUL-terminated) to the caller; b is empty again. */
char *nd_jbuf_detach(struct nd_jbuf *b, size_t *len);

void nd_jbuf_add(struct nd_jbuf *b, const void *s, size_t n);
void nd_jbuf_adds(struct nd_jbuf *b, const char *s);
void nd_jbuf_addc(struct nd_jbuf *b, char c);
void nd_jbuf_printf(struct nd_jbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* s (n bytes, may hold NUL; valid UTF-8) as a JSON string literal. */
void nd_jbuf_str(struct nd_jbuf *b, const char *s, size_t n);
void nd_jbuf_cstr(struct nd_jbuf *b, const char *s);
/* "key": with a leading comma when comma is true. */
void nd_jbuf_key(struct nd_jbuf *b, bool comma, const char *key);

/*
 * v re-encoded compactly: member order and duplicates kept, numbers written
 * as their original text, strings re-escaped. Depth is bounded by the
 * decoder (ND_JSON_MAX_DEPTH).
 */
void nd_jbuf_json(struct nd_jbuf *b, const struct nd_json *v);

/* Standard base64 (with padding) of n bytes. */
void nd_jbuf_base64(struct nd_jbuf *b, const void *data, size_t n);
/* Decode standard or URL-safe base64 into out (at most max bytes); -1 on bad input. */
int nd_jbuf_b64decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen);

#endif
