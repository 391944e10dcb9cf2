/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for nd_yaml_to_json (core/yaml.h): any input either
 * fails with a message naming the line and leaves the buffer as it was, or
 * gives one JSON array that netdiag's own parser reads, with as many
 * elements as ndocs says.
 */
#include "core/yaml.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_buf b = ND_BUF_INIT(4u << 20);
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err e;
	size_t n;

	if (size > 65536)
		return 0;
	nd_buf_adds(&b, "x");
	if (nd_yaml_to_json((const char *)data, size, &b, &n, &e) < 0) {
		if (b.len != 1 || !e.msg[0])
			__builtin_trap();
		nd_buf_release(&b);
		return 0;
	}
	a = nd_arena_new(0);
	if (nd_json_parse(b.p + 1, b.len - 1, 0, a, &root, &e) < 0) {
		fprintf(stderr, "not JSON (%s): %.300s\n", e.msg, b.p + 1);
		__builtin_trap();
	}
	if (root.type != ND_JARR || root.n != n)
		__builtin_trap();
	nd_arena_free(a);
	nd_buf_release(&b);
	return 0;
}
