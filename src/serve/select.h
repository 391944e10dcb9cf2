/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_SELECT_H
#define ND_SERVE_SELECT_H
/*
 * What a list request selects: field selectors (the API server's
 * "k=v,k2!=v2" syntax with "\" escapes) and continue tokens. Label
 * selectors are k8s/labels.h's nd_selector_parse(); its matching
 * compares strings, so a request parses into its own intern table and the
 * shared store stays read-only.
 */
#include <stdbool.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;
struct nd_store;
struct nd_sres;
struct nd_sobj;
struct nd_buf;

#define ND_FSEL_MAX_TERMS 32

struct nd_fsel_term {
	const char *key;
	const char *val;
	bool neg;                 /* != */
};

struct nd_fsel {
	uint32_t n;
	struct nd_fsel_term t[ND_FSEL_MAX_TERMS];
};

/* Parse text (NULL or "" selects everything). -1 with e filled on bad syntax. */
int nd_fsel_parse(const char *text, struct nd_arena *a, struct nd_fsel *out, struct nd_err *e);
/* -1 with e ("field label not supported: spec.foo") when r cannot select on a key. */
int nd_fsel_check(const struct nd_sres *r, const struct nd_fsel *f, struct nd_err *e);
bool nd_sres_has_field(const struct nd_sres *r, const char *key);
bool nd_fsel_matches(const struct nd_store *s, const struct nd_sobj *o, const struct nd_fsel *f);

/* A continue token: opaque to clients, names the resource, position and resourceVersion. */
void nd_continue_make(struct nd_buf *b, uint32_t res, uint32_t pos, uint64_t rv);
int nd_continue_parse(const char *tok, uint32_t *res, uint32_t *pos, uint64_t *rv);

#endif
