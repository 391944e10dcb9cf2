/* SPDX-License-Identifier: MIT */
/*
 * Differential libFuzzer target: the live path's push decoder (bytes as
 * they come off the network, in pieces) against the buffer decoder (the
 * whole text at once). The first byte sets the piece size. When the buffer
 * decoder reads a List, the push decoder must hand on exactly its items,
 * and both must agree that the text is valid JSON.
 */
#include "core/json.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		 struct nd_err *e)
{
	(void)obj;
	(void)off;
	(void)list_kind;
	(void)e;
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_json_push *p;
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err e1, e2;
	const char *text;
	size_t step, n, items = 0, off;
	int push_ok = 0, buf_ok;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	text = (const char *)data + 1;
	n = size - 1;
	p = nd_json_push_new("fuzz", NULL, count, &items);
	for (off = 0; off < n; off += step) {
		size_t k = n - off < step ? n - off : step;

		if (nd_json_push_feed(p, text + off, k, &e1) < 0)
			break;
	}
	if (off >= n && nd_json_push_finish(p, &e1) >= 0)
		push_ok = 1;
	a = nd_arena_new(0);
	buf_ok = nd_json_parse(text, n, 0, a, &root, &e2) == 0;
	/* the buffer decoder takes any JSON value; the push decoder a document of
	 * objects: where both say yes, a List's items must agree */
	if (buf_ok && push_ok && nd_json_push_is_list(p) && root.type == ND_JOBJ) {
		const struct nd_json *it = nd_json_get(&root, "items");

		if (it && it->type == ND_JARR && it->n != items)
			__builtin_trap();
	}
	/* push_ok && !buf_ok is not a contradiction by itself: the push side may skip members */
	nd_arena_free(a);
	nd_json_push_free(p);
	return 0;
}
