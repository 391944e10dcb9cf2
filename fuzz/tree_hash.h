/* SPDX-License-Identifier: MIT */
#ifndef ND_FUZZ_TREE_HASH_H
#define ND_FUZZ_TREE_HASH_H
/* A hash of a decoded tree, for the differential targets to compare two decoders' output. */
#include <stddef.h>
#include <stdint.h>

#include "core/json.h"

/* FNV-1a over a canonical walk of the tree */
static inline void h_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

static void h_tree(uint64_t *h, const struct nd_json *v)
{
	uint32_t i;

	h_bytes(h, &v->type, 1);
	h_bytes(h, &v->n, sizeof(v->n));
	switch (v->type) {
	case ND_JSTR:
	case ND_JNUM:
		h_bytes(h, v->u.s, v->n);
		break;
	case ND_JARR:
		for (i = 0; i < v->n; i++)
			h_tree(h, &v->u.items[i]);
		break;
	case ND_JOBJ:
		for (i = 0; i < v->n; i++) {
			h_bytes(h, &v->u.members[i].klen, sizeof(uint32_t));
			h_bytes(h, v->u.members[i].key, v->u.members[i].klen);
			h_tree(h, &v->u.members[i].val);
		}
		break;
	default:
		break;
	}
}

#endif
