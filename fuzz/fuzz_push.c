/* SPDX-License-Identifier: MIT */
/*
 * Differential libFuzzer target: the live path's push decoder (bytes as
 * they come off the network, in pieces) against the buffer decoder (the
 * whole text at once). The first byte sets the piece size, the second the
 * batch the push decoder gathers before it parses again an element that
 * was cut short (json.h: nd_json_stream_opts.chunk). When the buffer
 * decoder reads a List, the push decoder must hand on exactly its items,
 * each the same tree at the same offset; and a List the buffer decoder
 * rejects the push decoder must reject too.
 */
#include "core/json.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "tree_hash.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	uint64_t h[512];
	size_t n;
};

static uint64_t tree_hash(const struct nd_json *v)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h_tree(&h, v);
	return h;
}

static int count(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		 struct nd_err *e)
{
	struct seen *s = ctx;

	(void)off;
	(void)list_kind;
	(void)e;
	if (s->n < sizeof(s->h) / sizeof(s->h[0]))
		s->h[s->n] = tree_hash(obj);
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* nothing skipped: the buffer decoder builds every member */
	static const char *const none[] = {NULL};
	struct nd_json_stream_opts o = {.skip_paths = none, .max_item = 1 << 20};
	struct nd_json_push *p;
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err e1, e2;
	struct seen *s = calloc(1, sizeof(*s));
	const char *text;
	char *copy;
	size_t step, n, off;
	int push_ok = 0, buf_ok;

	if (size < 2 || !s) {
		free(s);
		return 0;
	}
	step = (size_t)data[0] % 64 + 1;
	o.chunk = (size_t)data[1] % 128 + 1;
	text = (const char *)data + 2;
	n = size - 2;
	p = nd_json_push_new("fuzz", &o, count, s);
	for (off = 0; off < n; off += step) {
		size_t k = n - off < step ? n - off : step;

		if (nd_json_push_feed(p, text + off, k, &e1) < 0)
			break;
	}
	if (off >= n && nd_json_push_finish(p, &e1) >= 0)
		push_ok = 1;
	a = nd_arena_new(0);
	/* a copy: the buffer decoder is handed the text as it is, with no NUL after */
	copy = malloc(n ? n : 1);
	if (copy)
		memcpy(copy, text, n);
	buf_ok = copy && nd_json_parse(copy, n, 0, a, &root, &e2) == 0;
	if (buf_ok && root.type == ND_JOBJ) {
		const struct nd_json *it = nd_json_get(&root, "items");

		/* a document the push decoder takes (an object, "items" an array of
		 * anything), every member valid: it must take it, with the same items */
		if (it && it->type == ND_JARR) {
			bool dup_items = false;

			for (uint32_t i = 0, k = 0; i < root.n; i++)
				if (strcmp(root.u.members[i].key, "items") == 0 && ++k > 1)
					dup_items = true;
			if (!dup_items) {
				if (!push_ok || s->n != it->n)
					__builtin_trap();
				for (uint32_t i = 0; i < it->n && i < 512; i++)
					if (s->h[i] != tree_hash(&it->u.items[i]))
						__builtin_trap();
			}
		}
	}
	/* what the push decoder takes, the buffer decoder takes (both strict) */
	if (push_ok && nd_json_push_is_list(p) && !buf_ok)
		__builtin_trap();
	free(copy);
	nd_arena_free(a);
	nd_json_push_free(p);
	free(s);
	return 0;
}
