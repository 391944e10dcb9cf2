/* SPDX-License-Identifier: MIT */
/*
 * Differential: every input through the portable byte scanners and through
 * each SIMD set the CPU has (json_simd.c) must give the same accept/reject,
 * the same error message (which names the byte offset) and the same decoded
 * tree: nd_json_parse, the stream's in-place prefix parse with skip paths,
 * and the stream itself over a pipe in small reads. And the decoder's skip
 * (json_skip.c, nd_json_skip) against the parser with each set: the same
 * verdict on the value at the start of the input and the same end, at
 * depth 0 and 250 levels deep (the parser sees it inside 250 arrays).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/json_internal.h"

#include "tree_hash.h"

struct result {
	int rc;
	char msg[1024];
	uint64_t hash;
	size_t used;
	long items;
};

static void same(const struct result *a, const struct result *b, const char *what,
		 const char *level)
{
	if (a->rc != b->rc || a->hash != b->hash || a->used != b->used || a->items != b->items ||
	    strcmp(a->msg, b->msg) != 0) {
		fprintf(stderr, "%s differs with %s: rc %d/%d used %zu/%zu items %ld/%ld\n"
			"  portable: %s\n  %s: %s\n", what, level, a->rc, b->rc, a->used, b->used,
			a->items, b->items, a->msg, level, b->msg);
		abort();
	}
}

static void whole(const uint8_t *data, size_t size, struct result *r)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e = {{0}};

	memset(r, 0, sizeof(*r));
	r->hash = 0xcbf29ce484222325ULL;
	r->rc = nd_json_parse((const char *)data, size, 7, a, &v, &e);
	if (r->rc == 0)
		h_tree(&r->hash, &v);
	else
		snprintf(r->msg, sizeof(r->msg), "%s", e.msg);
	nd_arena_free(a);
}

static const char *const skips[] = {"metadata.managedFields", "a", "b.c", "spec.containers.env", NULL};

static void prefix(const uint8_t *data, size_t size, struct result *r)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_err e = {{0}};
	struct parser *ps = nd_jparser_new(a, &e, skips);
	char *buf = malloc(size ? size : 1);
	struct nd_json v;
	bool inc = false, at_end = false;

	memcpy(buf, data, size);
	memset(r, 0, sizeof(*r));
	r->hash = 0xcbf29ce484222325ULL;
	r->rc = nd_jparser_parse_prefix(ps, a, buf, size, 3, &v, &r->used, &inc, &at_end, true);
	if (r->rc == 0)
		h_tree(&r->hash, &v);
	else
		snprintf(r->msg, sizeof(r->msg), "%.900s inc=%d end=%d", e.msg, inc, at_end);
	nd_jparser_free(ps);
	free(buf);
	nd_arena_free(a);
}

static int on_item(const struct nd_json *o, size_t off, const char *lk, void *ctx,
		   struct nd_err *e)
{
	struct result *r = ctx;

	(void)e;
	h_tree(&r->hash, o);
	h_bytes(&r->hash, &off, sizeof(off));
	if (lk)
		h_bytes(&r->hash, lk, strlen(lk));
	r->items++;
	return 0;
}

static void streamed(const uint8_t *data, size_t size, struct result *r)
{
	struct nd_json_stream_opts o = {.chunk = 13, .max_item = 1 << 20};
	struct nd_err e = {{0}};
	int p[2];

	memset(r, 0, sizeof(*r));
	r->hash = 0xcbf29ce484222325ULL;
	if (size >= 60000 || pipe(p) != 0)
		return;
	if (write(p[1], data, size) != (ssize_t)size) {
		close(p[0]);
		close(p[1]);
		return;
	}
	close(p[1]);
	r->rc = nd_json_stream_fd(p[0], "fuzz", &o, on_item, r, &e) < 0 ? -1 : 0;
	if (r->rc)
		snprintf(r->msg, sizeof(r->msg), "%s", e.msg);
	close(p[0]);
}

static void skip_vs_parse(const uint8_t *data, size_t size, const char *level)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_err e = {{0}};
	struct parser *ps = nd_jparser_new(a, &e, NULL);
	char *buf = malloc(size ? size : 1);
	const char *after = NULL;
	struct nd_json v;
	bool inc = false, at_end = false;
	size_t used = 0, lead = 0;
	int prc, src;

	memcpy(buf, data, size);
	prc = nd_jparser_parse_prefix(ps, a, buf, size, 0, &v, &used, &inc, &at_end, false);
	while (lead < size && (data[lead] == ' ' || data[lead] == '\n' || data[lead] == '\r' ||
			       data[lead] == '\t'))
		lead++;
	src = nd_json_skip((const char *)data + lead, (const char *)data + size, 0, &after);
	if ((prc == 0) != (src == 0) ||
	    (src == 0 && (size_t)(after - (const char *)data) != used)) {
		fprintf(stderr, "nd_json_skip differs from the parser with %s: %d/%d, end %zu/%zu\n",
			level, src, prc, src == 0 ? (size_t)(after - (const char *)data) : 0, used);
		abort();
	}
	if (prc == 0 && used < 20000) {
		/* the same value 250 arrays deep */
		enum { D = 250 };
		size_t n = used - lead;
		char *w = malloc(2 * D + n);
		struct nd_json wv;

		memset(w, '[', D);
		memcpy(w + D, data + lead, n);
		memset(w + D + n, ']', D);
		nd_arena_reset(a);
		prc = nd_json_parse(w, 2 * D + n, 0, a, &wv, &e);
		src = nd_json_skip((const char *)data + lead, (const char *)data + size, D, &after);
		if ((prc == 0) != (src == 0)) {
			fprintf(stderr, "nd_json_skip at depth %d differs from the parser with %s: "
				"%d/%d\n", D, level, src, prc);
			abort();
		}
		free(w);
	}
	nd_jparser_free(ps);
	free(buf);
	nd_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result base[3], got[3];
	int lv;

	nd_jscan_set(ND_JSCAN_PORTABLE);
	whole(data, size, &base[0]);
	prefix(data, size, &base[1]);
	streamed(data, size, &base[2]);
	skip_vs_parse(data, size, "portable");
	for (lv = ND_JSCAN_PORTABLE + 1; lv < ND_JSCAN_NLEVELS; lv++) {
		if (nd_jscan_set((enum nd_jscan_level)lv) < 0)
			continue;
		whole(data, size, &got[0]);
		prefix(data, size, &got[1]);
		streamed(data, size, &got[2]);
		skip_vs_parse(data, size, nd_jscan_name());
		same(&base[0], &got[0], "nd_json_parse", nd_jscan_name());
		same(&base[1], &got[1], "nd_jparser_parse_prefix", nd_jscan_name());
		same(&base[2], &got[2], "nd_json_stream_fd", nd_jscan_name());
	}
	nd_jscan_set(nd_jscan_best());
	return 0;
}
