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

/* The structural pass in use: "avx2", "sse4.2", "sse2" or "portable" (json_simd.c). */
const char *nd_jscan_name(void);

#endif
