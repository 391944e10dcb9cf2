/* SPDX-License-Identifier: MIT */
/*
 * The bundle's duplicate check (bundle_int.h): which objects were read
 * where, and a warning when one comes again with different content.
 */
#include "k8s/bundle_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/json.h"
#include "core/banned.h"
#include "core/i18n.h"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}

/* The same job as fnv for the bytes of a whole object, eight at a time (it
 * hashes every string of every object: byte-wise FNV was 7 % of a load). */
static uint64_t whash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t w;

	h ^= n * 0x9e3779b97f4a7c15ULL;
	for (; n >= 8; n -= 8, c += 8) {
		memcpy(&w, c, 8);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 29;
	}
	if (n) {
		w = nd_tail_word(c, n);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

/* A hash of a JSON value in which the order of an object's members does not count. */
static uint64_t content_hash(const struct nd_json *v)
{
	uint64_t h = (1469598103934665603ULL ^ v->type) * 0x9fb21c651e98df25ULL, sum = 0;

	switch (v->type) {
	case ND_JSTR:
	case ND_JNUM:
		return whash(h, v->u.s, v->n);
	case ND_JARR:
		for (uint32_t i = 0; i < v->n; i++) {
			h = (h ^ content_hash(&v->u.items[i])) * 0x9fb21c651e98df25ULL;
			h ^= h >> 29;
		}
		return h;
	case ND_JOBJ:
		for (uint32_t i = 0; i < v->n; i++)
			sum += whash(content_hash(&v->u.members[i].val), v->u.members[i].key,
				     v->u.members[i].klen);
		h = (h ^ sum) * 0x9fb21c651e98df25ULL;
		return h ^ (h >> 29);
	default:
		return h;
	}
}

static uint64_t chash(const struct nd_json *v)
{
	return content_hash(v) | 1;
}

static void add_conflict(struct nd_bundle *b, int klen, const char *kind, const char *ns,
			 const char *name, const char *first, const char *file)
{
	char msg[2400];

	if (b->nconflicts >= MAX_ERRORS)
		return;
	snprintf(msg, sizeof(msg), _("%.*s %s%s%s is in '%.900s' and, different, in "
		 "'%.900s': the last one read is used"), klen, kind, ns ? ns : "",
		 ns ? "/" : "", name, first, file);
	b->conflicts = nd_xrealloc(b->conflicts, (b->nconflicts + 1) * sizeof(*b->conflicts));
	b->conflicts[b->nconflicts].file = nd_xstrdup(file);
	b->conflicts[b->nconflicts].msg = nd_xstrdup(msg);
	b->nconflicts++;
}

static const char *seen_file(struct nd_bundle_seen *sn, const char *file)
{
	if (!sn->nfiles || strcmp(sn->files[sn->nfiles - 1], file) != 0) {
		sn->files = nd_xrealloc(sn->files, (sn->nfiles + 1) * sizeof(*sn->files));
		sn->files[sn->nfiles++] = nd_xstrdup(file);
	}
	return sn->files[sn->nfiles - 1];
}

/* Room for n entries at most half full: the table grown (re-placed) at most once. */
static void seen_reserve(struct nd_bundle_seen *sn, size_t n)
{
	struct nd_bundle_seen old = *sn;
	size_t i;

	if (n * 2 <= sn->cap)
		return;
	sn->cap = old.cap ? old.cap : 1024;
	while (n * 2 > sn->cap)
		sn->cap *= 2;
	sn->v = nd_xtable_dense(sn->cap, sizeof(*sn->v));
	sn->n = 0;
	for (i = 0; i < old.cap; i++) {
		size_t j;

		if (!old.v[i].file)
			continue;
		for (j = old.v[i].key & (sn->cap - 1); sn->v[j].file; j = (j + 1) & (sn->cap - 1))
			;
		sn->v[j] = old.v[i];
		sn->n++;
	}
	free(old.v);
}


/* The slot of key in sn (an empty one when it is not there); room for one more
 * is the caller's (seen_reserve). */
static struct seen_obj *seen_find(struct nd_bundle_seen *sn, uint64_t key)
{
	size_t i;

	for (i = key & (sn->cap - 1); sn->v[i].file && sn->v[i].key != key;
	     i = (i + 1) & (sn->cap - 1))
		;
	return &sn->v[i];
}

/* The slot of key in sn (an empty one when it is not there), the table grown first. */
static struct seen_obj *seen_slot(struct nd_bundle_seen *sn, uint64_t key)
{
	seen_reserve(sn, sn->n + 1);
	return seen_find(sn, key);
}

/* The object at off in file, read again into a; -1 with the problem added
 * to the bundle's errors. */
static int read_again(struct nd_bundle *b, const char *file, size_t off, struct nd_arena *a,
		      struct nd_json *out)
{
	struct nd_err e;

	if (nd_json_parse_file_at(file, off, &nd_bundle_stream_opts, a, out, &e) == 0)
		return 0;
	nd_bundle_add_error(b, file, e.msg);
	return -1;
}

/* The content hash of what so names, read again when it was not taken; 0
 * when it cannot be read (the bundle then has an error). */
static uint64_t seen_content(struct nd_bundle *b, struct seen_obj *so)
{
	struct nd_arena *a;
	struct nd_json v;

	if (so->content)
		return so->content;
	a = nd_arena_new(64 * 1024);
	if (read_again(b, so->file, so->off, a, &v) == 0)
		so->content = chash(&v);
	nd_arena_free(a);
	return so->content;
}


static bool obj_names(const struct nd_json *obj, const char *list_kind, struct obj_names *o)
{
	const struct nd_json *md = nd_json_get(obj, "metadata");
	const char *kind = nd_json_str(nd_json_get(obj, "kind"));

	o->ns = nd_json_str(nd_json_get(md, "namespace"));
	o->name = nd_json_str(nd_json_get(md, "name"));
	o->klen = kind ? strlen(kind) : list_kind ? strlen(list_kind) -
		  (strlen(list_kind) > 4 ? 4 : 0) : 0;
	o->kind = kind ? kind : list_kind ? list_kind : "object";
	if (!kind && !list_kind)
		o->klen = 6;
	return o->name != NULL;
}

/* The key an object is seen under, and its names; false when it has no name. */
bool nd_seen_key(const struct nd_json *obj, const char *list_kind, struct obj_names *on,
		     uint64_t *key)
{
	const char *kind = nd_json_str(nd_json_get(obj, "kind"));
	const char *av = nd_json_str(nd_json_get(obj, "apiVersion")), *slash;
	uint64_t k;

	if (!obj_names(obj, list_kind, on))
		return false;
	k = fnv(1469598103934665603ULL, kind ? kind : list_kind ? list_kind : "",
		kind || list_kind ? on->klen : 0);
	/* the API group too: events.k8s.io/v1 and v1 Events are one object seen twice */
	slash = av ? strchr(av, '/') : NULL;
	k = fnv(fnv(k, "@", 1), av ? av : "", slash ? (size_t)(slash - av) : 0);
	k = fnv(fnv(k, "/", 1), on->ns ? on->ns : "", on->ns ? strlen(on->ns) : 0);
	*key = fnv(fnv(k, "/", 1), on->name, strlen(on->name));
	return true;
}

/* The object under key, at off in file: a conflict when it was read before,
 * different. */
void nd_seen_note(struct nd_bundle *b, const struct nd_json *obj, const struct obj_names *on,
			uint64_t key, const char *file, size_t off)
{
	struct nd_bundle_seen *sn = b->seen;
	struct seen_obj *so;

	file = seen_file(sn, file);
	so = seen_slot(sn, key);
	if (!so->file) {
		so->key = key;
		so->content = 0;
		sn->n++;
	} else {
		uint64_t before = seen_content(b, so), now = chash(obj);

		if (before && before != now)
			add_conflict(b, (int)on->klen, on->kind, on->ns, on->name, so->file, file);
		so->content = now;
	}
	so->file = file;
	so->off = off;
}

/* An object of a later piece (h, in file) that was also read before (so). */
static void merge_one(struct nd_bundle *b, struct seen_obj *so, const struct seen_obj *h,
		      const char *file)
{
	struct nd_arena *a = nd_arena_new(64 * 1024);
	uint64_t before = seen_content(b, so);
	struct nd_json v;
	struct obj_names on;

	/* the names for the message, and its hash when it was not taken */
	if (read_again(b, file, h->off, a, &v) == 0 && obj_names(&v, NULL, &on)) {
		uint64_t now = h->content ? h->content : chash(&v);

		if (before && before != now)
			add_conflict(b, (int)on.klen, on.kind, on.ns, on.name, so->file, file);
		so->content = now;
	} else {
		so->content = h->content;
	}
	so->file = file;
	so->off = h->off;
	nd_arena_free(a);
}

/*
 * A later piece of a split file (half, read by another thread into its own
 * table) after what was read before it: each of its objects checked against
 * that, as nd_seen_note() does, and kept as the last one read.
 */
void nd_seen_merge(struct nd_bundle *b, const struct nd_bundle_seen *half, const char *file)
{
	/* how many entries ahead the merge fetches the slot it will probe */
	enum { AHEAD = 16 };
	struct nd_bundle_seen *sn = b->seen;
	const struct seen_obj **q;
	size_t nq = 0;

	if (!sn || !half->n)
		return;
	file = seen_file(sn, file);
	seen_reserve(sn, sn->n + half->n);
	q = nd_xmalloc(half->n * sizeof(*q));
	for (size_t i = 0; i < half->cap; i++)
		if (half->v[i].file)
			q[nq++] = &half->v[i];
	for (size_t i = 0; i < nq; i++) {
		const struct seen_obj *h = q[i];
		struct seen_obj *so;

		if (i + AHEAD < nq)
			__builtin_prefetch(nd_seen_home(sn, q[i + AHEAD]->key), 1);
		so = seen_find(sn, h->key);
		if (!so->file) {
			*so = *h;
			so->file = file;
			sn->n++;
			continue;
		}
		merge_one(b, so, h, file);
	}
	free(q);
}

void nd_seen_free(struct nd_bundle_seen *sn)
{
	if (!sn)
		return;
	for (size_t i = 0; i < sn->nfiles; i++)
		free(sn->files[i]);
	free(sn->files);
	free(sn->v);
	free(sn);
}
