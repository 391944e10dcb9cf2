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

/* A parser whose scratch stacks are kept between calls. */
struct parser *nd_jparser_new(struct nd_arena *a, struct nd_err *e, bool drop_managed);
void nd_jparser_free(struct parser *ps);
/* Parse exactly one value in buf (white space around it allowed) into a. */
int nd_jparser_parse(struct parser *ps, struct nd_arena *a, const char *buf, size_t len,
		     size_t base, struct nd_json *out);

#endif
