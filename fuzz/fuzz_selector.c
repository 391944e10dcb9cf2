/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for kubectl's -l syntax: parse the input; when it parses,
 * its text form must parse again to the same selector and print the same.
 * A failed parse must leave an error message naming a position.
 */
#include "k8s/labels.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Both selectors come from one intern table, so strings compare by pointer. */
static int same(const struct nd_selector *x, const struct nd_selector *y)
{
	if (x->nreq != y->nreq)
		return 0;
	for (uint32_t i = 0; i < x->nreq; i++) {
		const struct nd_selreq *a = &x->req[i], *b = &y->req[i];

		if (a->key != b->key || a->op != b->op || a->nvals != b->nvals)
			return 0;
		for (uint32_t j = 0; j < a->nvals; j++)
			if (a->vals[j] != b->vals[j])
				return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_intern *t = nd_intern_new();
	struct nd_selector s, s2;
	struct nd_err e = { "" };
	char *text = nd_arena_strndup(a, (const char *)data, size);

	if (nd_selector_parse(text, a, t, &s, &e) == 0) {
		const char *out = nd_selector_string(&s, a);

		if (nd_selector_parse(out, a, t, &s2, &e) != 0)
			abort();        /* the text form must parse */
		if (!same(&s, &s2) || strcmp(out, nd_selector_string(&s2, a)) != 0)
			abort();        /* and mean the same */
	} else if (!strstr(e.msg, " at position ")) {
		abort();
	}
	nd_intern_free(t);
	nd_arena_free(a);
	return 0;
}
