/* SPDX-License-Identifier: MIT */
#ifndef ND_JSON_INTERNAL_H
#define ND_JSON_INTERNAL_H
/* Shared by the decoder's files (json*.c) and its fuzz targets only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct parser;
struct nd_arena;
struct nd_err;
struct nd_json;

/* A parser whose scratch stacks are kept between calls; skip_paths as in
 * struct nd_json_stream_opts (NULL: build everything). */
struct parser *nd_jparser_new(struct nd_arena *a, struct nd_err *e,
			      const char *const *skip_paths);
void nd_jparser_free(struct parser *ps);
/* Parse exactly one value in buf (white space around it allowed) into a. */
int nd_jparser_parse(struct parser *ps, struct nd_arena *a, const char *buf, size_t len,
		     size_t base, struct nd_json *out);

/*
 * Parse one value at the start of buf and set *used to its length; what
 * follows it is not looked at. On failure, *incomplete says the parser ran
 * into (or stopped within 16 bytes of) the end of buf, so the caller may read
 * more and try again; *at_end that it stopped exactly there. With inplace,
 * strings and numbers of the result point into buf, whose closing quotes and delimiters
 * are overwritten with NULs on success: buf must stay as it is while the
 * result is used.
 */
int nd_jparser_parse_prefix(struct parser *ps, struct nd_arena *a, char *buf, size_t len,
			    size_t base, struct nd_json *out, size_t *used, bool *incomplete,
			    bool *at_end, bool inplace);

/*
 * For the members of a document parsed one at a time (the stream's top
 * level): the skip paths below key apply to the next parses, as they would
 * inside the whole document, until nd_jparser_leave(). Returns 1, and
 * changes nothing, when the member itself is skipped.
 */
int nd_jparser_enter(struct parser *ps, const char *key, size_t klen);
void nd_jparser_leave(struct parser *ps);

/*
 * Validate the one value at start (no white space before it), nested
 * depth deep already, as the parser would, building nothing (json_skip.c):
 * 0 with *after just past it, or -1 when the parser would not accept it
 * (it says why). The same answer as the parser's on every input
 * (fuzz/fuzz_json_diff.c).
 */
int nd_json_skip(const char *start, const char *end, int depth, const char **after);

#define JSKIP_BUCKETS 32

/*
 * Members to skip, as a trie of keys: a node with skip set is validated
 * (nd_json_skip) but not built; its kids apply to the member's value, and
 * through arrays to each element. Built from the dotted paths of
 * nd_json_stream_opts.skip_paths by nd_jskip_build (json_skip.c).
 */
struct jskip {
	const char *key;
	uint32_t klen;
	bool skip;
	struct jskip *kids;
	uint32_t nkids;
	/* the kids by a hash of the key (jskip_finish): the first with each
	 * hash + 1, then each one's next + 1; 0 ends a chain */
	uint16_t head[JSKIP_BUCKETS];
	uint16_t next;
};

static inline unsigned jskip_hash(const char *key, uint32_t klen)
{
	return klen ? (klen + (unsigned char)key[0] * 3u + (unsigned char)key[klen - 1] * 5u) &
		      (JSKIP_BUCKETS - 1) : 0;
}

struct jskip *nd_jskip_build(const char *const *paths);
void nd_jskip_free(struct jskip *root);

struct nd_json_stream_opts;
/* The skip paths the options ask for (json_stream.c). */
const char *const *nd_json_skip_paths(const struct nd_json_stream_opts *o);

/*
 * NETDIAG_PHASES=1 (json_phase.c): time per phase of the decoder, printed
 * to stderr at exit. nd_jphase_enabled is 1 when on; the calls are made only then.
 */
#include <stdint.h>
enum nd_jphase { ND_JP_READ, ND_JP_PARSE, ND_JP_ITEM, ND_JP_N };
extern int nd_jphase_enabled;
uint64_t nd_jphase_clock(void);                 /* CLOCK_MONOTONIC, ns */
uint64_t nd_jphase_cpu(void);                   /* this thread's CPU time, ns */
void nd_jphase_add(enum nd_jphase ph, uint64_t wall, uint64_t cpu);
void nd_jphase_bytes(size_t n);
void nd_jphase_stream(uint64_t t0, uint64_t t1); /* one whole stream call */
void nd_jphase_write(void);                      /* a report string is written */

/*
 * The byte scanners of the decoder (json_simd.c), one set per instruction
 * set, chosen at start-up; all give the same answers.
 *   str: the first byte at or after p that is '"', '\\', below 0x20 or above 0x7f, or end
 *   ws:  the first byte at or after p that is not ' ', '\n', '\r', '\t', or end
 */
enum nd_jscan_level {
	ND_JSCAN_PORTABLE, ND_JSCAN_SSE2, ND_JSCAN_SSE42, ND_JSCAN_AVX2, ND_JSCAN_NLEVELS
};
struct nd_jscan_ops {
	const char *name;
	const unsigned char *(*str)(const unsigned char *p, const unsigned char *end);
	const char *(*ws)(const char *p, const char *end);
};
extern const struct nd_jscan_ops *nd_jscan;

/* JSON white space by byte (json_simd.c): one load where four compares were. */
extern const bool nd_json_ws[256];

/*
 * The first byte at or after p that is not white space: most calls find a
 * value at once or after the one space of ": "; the rest (a line break and
 * its indentation) go to the scanner. For the parser and the skip.
 */
static inline const char *nd_json_ws_skip(const char *p, const char *end)
{
	if (p < end && !nd_json_ws[(unsigned char)*p])
		return p;
	if (end - p >= 2 && *p == ' ' && !nd_json_ws[(unsigned char)p[1]])
		return p + 1;
	return nd_jscan->ws(p, end);
}

/* The four hex digits of a \u escape at p: 0 with *out, or -1. */
static inline int nd_json_hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

#include <string.h>
/* The first string byte that needs a look (as nd_jscan->str), the first
 * eight bytes inline in the caller: most keys and values end within them. */
static inline const unsigned char *nd_jscan_str_first(const unsigned char *p,
						       const unsigned char *end)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (end - p >= 8) {
		uint64_t w, q, b, m;

		memcpy(&w, p, 8);
		q = w ^ (0x0101010101010101ULL * '"');
		b = w ^ (0x0101010101010101ULL * '\\');
		q = (q - 0x0101010101010101ULL) & ~q;
		b = (b - 0x0101010101010101ULL) & ~b;
		m = (q | b | (w - 0x0101010101010101ULL * 0x20) | w) & 0x8080808080808080ULL;
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	return nd_jscan->str(p, end);
}
bool nd_jscan_supported(enum nd_jscan_level level);
/* Use level from now on (all threads): 0, or -1 when the CPU lacks it. */
int nd_jscan_set(enum nd_jscan_level level);
enum nd_jscan_level nd_jscan_best(void);
/* The set in use: "avx2", "sse4.2", "sse2" or "portable". */
const char *nd_jscan_name(void);

/*
 * The stream's reader (json_stream.c), shared with the split of a large
 * List over threads (json_pieces.c). The reader keeps unconsumed bytes in
 * buf[start, end). The value being looked at always begins at buf[start];
 * offsets inside it are relative to start, so they survive the buffer being
 * moved or grown.
 */
#include <sys/types.h>
#include "core/json.h"

struct nd_jpieces;
struct rd {
	int fd;
	const char *name;
	char *buf;
	size_t cap, start, end;
	size_t base;           /* file offset of buf[0] */
	bool eof;
	size_t chunk, max_item;
	struct nd_err *e;
	struct nd_jpieces *ps; /* other threads reading the rest of the List, or NULL */
	size_t pk;             /* the piece this reader watches for (json_pieces.c) */
	size_t size;           /* of the file, when known */
};

size_t nd_jrd_off(const struct rd *r, size_t i);
/* Read more: 1 got some, 0 end of file, -1 error. */
int nd_jrd_fill(struct rd *r);
/* Skip white space: the next byte, 0 at end of file, -1 on error. */
int nd_jrd_peek(struct rd *r);
/* Parse the value at buf[start] into a and consume it; *at its offset. */
int nd_jrd_take(struct rd *r, struct parser *ps, struct nd_arena *a, bool scratch,
		struct nd_json *out, size_t *at);
/* The caller's function on one object, timed as the "model" phase. */
int nd_jrd_call(nd_json_item_fn fn, const struct nd_json *obj, size_t off,
		const char *list_kind, void *ctx, struct nd_err *e);
/* After an element: ',' (not followed by close) or close. 1: more, 0: closed. */
int nd_jrd_after(struct rd *r, char close);
/* A whole document from the reader (json.h: nd_json_stream_fd). */
ssize_t nd_jrd_stream(struct rd *r, const struct nd_json_stream_opts *o, nd_json_item_fn fn,
		      void *ctx);
/*
 * Called by the first thread before each element of the List at offset at
 * (json_pieces.c). 0: decode it. 1: the other pieces did the rest and the
 * reader is after the List's ']'. 2: decode it, and the rest, with *fn and
 * *ctx, which it changed (a piece after this one could not be used).
 */
int nd_jpieces_meet(struct rd *r, size_t at, nd_json_item_fn *fn, void **ctx);

#endif
