/* SPDX-License-Identifier: MIT */
#ifndef ND_JSON_INTERNAL_H
#define ND_JSON_INTERNAL_H
/* Shared by json.c and json_stream.c only. */
#include <stdbool.h>
#include <stddef.h>

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
bool nd_jscan_supported(enum nd_jscan_level level);
/* Use level from now on (all threads): 0, or -1 when the CPU lacks it. */
int nd_jscan_set(enum nd_jscan_level level);
enum nd_jscan_level nd_jscan_best(void);
/* The set in use: "avx2", "sse4.2", "sse2" or "portable". */
const char *nd_jscan_name(void);

#endif
