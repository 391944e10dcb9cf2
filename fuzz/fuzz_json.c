/* SPDX-License-Identifier: MIT */
/* The JSON decoder and the stream, on arbitrary bytes; every object that
 * decodes is also fed to the model's decoders. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/model.h"

static int on_obj(const struct nd_json *o, size_t off, const char *lk, void *ctx,
		  struct nd_err *e)
{
	struct nd_err oe;

	(void)off;
	(void)e;
	nd_model_add_object(ctx, o, lk, &oe);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_model *m = nd_model_new();
	struct nd_json v;
	struct nd_err e;
	int p[2];
	struct nd_json_stream_opts o = {.chunk = 7, .max_item = 1 << 20};

	nd_json_parse((const char *)data, size, 0, a, &v, &e);
	if (size < 60000 && pipe(p) == 0) {
		if (write(p[1], data, size) == (ssize_t)size) {
			close(p[1]);
			nd_json_stream_fd(p[0], "fuzz", &o, on_obj, m, &e);
		} else {
			close(p[1]);
		}
		close(p[0]);
	}
	nd_model_finish(m);
	nd_model_free(m);
	nd_arena_free(a);
	return 0;
}
