/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the manifest values (--image, -n): the input is
 * IMAGE NUL NS. Either every template prints with both values in it and no
 * placeholder left, or it fails with a message and leaves the buffer as it
 * was. A value that printed never holds a byte that would need YAML quoting,
 * and when the values hold no '@', neither does the output (no placeholder
 * left: the templates use '@' for nothing else).
 */
#include "manifest.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 2), *ns;
	size_t i;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	in[size + 1] = '\0';
	ns = in + strlen(in) + 1;
	if (ns > in + size)
		ns = in + size;
	for (i = 0; i < nd_manifest_tpls_len; i++) {
		struct nd_buf b = ND_BUF_INIT(1u << 20);
		struct nd_err e;
		const char *name = nd_manifest_tpls[i].name;

		if (name[0] == '_')
			continue;
		nd_buf_adds(&b, "x");
		e.msg[0] = '\0';
		if (nd_manifest_print(&b, name, in, ns, &e) == 0) {
			/* placeholders are gone (an image may hold '@': then it may spell one) */
			if (!strchr(in, '@') && strchr(b.p, '@'))
				abort();
			if (!strstr(b.p, in) || !strstr(b.p, ns) ||
			    strpbrk(in, " \t\n\"'#{}[],&*!|>%`") || strpbrk(ns, " \t\n\"'#:@"))
				abort();
		} else if (!e.msg[0] || b.len != 1 || strcmp(b.p, "x") != 0) {
			abort();
		}
		nd_buf_release(&b);
	}
	free(in);
	return 0;
}
