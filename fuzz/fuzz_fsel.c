/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what `serve` takes from a request's URL: field
 * selectors (?fieldSelector=) and continue tokens (?continue=). Both come
 * from any client, before any object is looked at.
 */
#include "serve/select.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct nd_arena *a = nd_arena_new(0);
	struct nd_fsel f;
	struct nd_err e;
	uint32_t res, pos;
	uint64_t rv;

	memcpy(s, data, size);
	s[size] = '\0';
	if (nd_fsel_parse(s, a, &f, &e) < 0 && !e.msg[0])
		__builtin_trap();
	(void)nd_continue_parse(s, &res, &pos, &rv);
	nd_arena_free(a);
	free(s);
	return 0;
}
