/* SPDX-License-Identifier: MIT */
#ifndef ND_BUNDLE_INT_H
#define ND_BUNDLE_INT_H
/* Shared by bundle.c (loading) and bundle_seen.c (the duplicate check) only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/json.h"
#include "k8s/bundle.h"

#define MAX_ERRORS 200

/*
 * Objects read so far: (kind, namespace, name) -> where the last one read
 * is, and its content hash. The hash is taken only when the same object
 * comes again (a bundle rarely holds one twice, and hashing every object
 * cost 8 % of a load): then the earlier one is read again from its file.
 */
struct seen_obj {
	uint64_t key;
	uint64_t content;        /* 0 until needed; content_hash() is never 0 */
	const char *file;        /* in files[] */
	size_t off;              /* of the object in file */
};
struct nd_bundle_seen {
	struct seen_obj *v;      /* open addressing, cap a power of two */
	size_t n, cap;
	char **files;
	size_t nfiles;
};

/* Where the search for key starts, to fetch it ahead of the search. */
static inline const struct seen_obj *nd_seen_home(const struct nd_bundle_seen *sn, uint64_t key)
{
	return sn->cap ? &sn->v[key & (sn->cap - 1)] : NULL;
}

/* What names an object in messages and in the seen key. */
struct obj_names {
	const char *kind, *ns, *name;
	size_t klen;
};

/* What the bundle never builds (its skip paths), for the stream and for
 * reading an object again. */
extern const struct nd_json_stream_opts nd_bundle_stream_opts;
/* A problem with a file, kept up to MAX_ERRORS, then counted. */
void nd_bundle_add_error(struct nd_bundle *b, const char *file, const char *msg);

/* The key an object is seen under, and its names; false when it has no name. */
bool nd_seen_key(const struct nd_json *obj, const char *list_kind, struct obj_names *on,
		 uint64_t *key);
/* The object under key, at off in file: a conflict when it was read before, different. */
void nd_seen_note(struct nd_bundle *b, const struct nd_json *obj, const struct obj_names *on,
		  uint64_t key, const char *file, size_t off);
/* A split file's later piece (half, its own table) after what was read before it. */
void nd_seen_merge(struct nd_bundle *b, const struct nd_bundle_seen *half, const char *file);
void nd_seen_free(struct nd_bundle_seen *sn);

#endif
