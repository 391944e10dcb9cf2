/* SPDX-License-Identifier: MIT */
/*
 * Differential: a file read by several threads in pieces
 * (nd_json_stream_file_pieces, a cut every few bytes) against the same file
 * read by one (nd_json_stream_file). Every object, its offset and List kind
 * must come out once each in the same order from fn/ctx and then the used
 * pieces' contexts, with the same count and the same error message; the
 * contexts not used are the guesses that were checked and thrown away.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"
#include "tree_hash.h"

struct seq {
	uint64_t *h;            /* one hash per object, in the order handed over */
	size_t n, cap;
};

static void push(struct seq *s, uint64_t h)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->h = realloc(s->h, s->cap * sizeof(*s->h));
		if (!s->h)
			abort();
	}
	s->h[s->n++] = h;
}

static int on_item(const struct nd_json *o, size_t off, const char *lk, void *ctx,
		   struct nd_err *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	(void)e;
	(void)lk;       /* the pieces do not see the List's kind */
	h_tree(&h, o);
	h_bytes(&h, &off, sizeof(off));
	push(ctx, h);
	return 0;
}

static void *open_seq(void *arg)
{
	(void)arg;
	return calloc(1, sizeof(struct seq));
}

static const char *const skips[] = {"metadata.managedFields", "spec.x", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/nd-fuzz-pieces-XXXXXX";
	struct nd_json_stream_opts o = {.chunk = 64, .skip_paths = skips};
	struct seq one = {0}, many = {0};
	struct nd_json_pieces pc = {.fn = on_item, .open = open_seq, .piece = 1};
	struct nd_err e1 = {{0}}, e2 = {{0}};
	ssize_t n1, n2;
	int fd;

	if (size > 200000)
		return 0;
	fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	n1 = nd_json_stream_file(path, &o, on_item, &one, &e1);
	n2 = nd_json_stream_file_pieces(path, &o, on_item, &many, &pc, &e2);
	/* the used pieces' objects after the first thread's, in order */
	for (size_t i = 0; i < pc.n; i++) {
		struct seq *s = pc.ctx[i];

		for (size_t j = 0; pc.used[i] && j < s->n; j++)
			push(&many, s->h[j]);
		free(s->h);
		free(s);
	}
	free(pc.ctx);
	free(pc.used);
	unlink(path);
	if (n1 != n2 || one.n != many.n || (n1 < 0 && strcmp(e1.msg, e2.msg) != 0) ||
	    (one.n && memcmp(one.h, many.h, one.n * sizeof(*one.h)) != 0)) {
		fprintf(stderr, "pieces differ: %zd/%zd objects %zu/%zu\n  one:    %s\n  pieces: %s\n",
			n1, n2, one.n, many.n, n1 < 0 ? e1.msg : "", n2 < 0 ? e2.msg : "");
		abort();
	}
	free(one.h);
	free(many.h);
	return 0;
}
