/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the conntrack counters' parsers (node/conntrack.h) and
 * the node-file path filter (node/nodefiles.h) `collect --nodes` applies to
 * an agent's line. The first byte picks which; every failure must say why.
 */
#include "node/conntrack.h"
#include "node/nodefiles.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_ct_stat st;
	struct nd_err e;
	int64_t v;
	char *s;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		e.msg[0] = '\0';
		if (nd_ct_parse_stat((const char *)data + 1, size - 1, &st, &e) < 0 && !e.msg[0])
			__builtin_trap();
		else if (e.msg[0] == '\0' && (st.drop < -1 || st.insert_failed < -1))
			__builtin_trap();
		break;
	case 1:
		e.msg[0] = '\0';
		if (nd_ct_parse_number((const char *)data + 1, size - 1, &v, &e) < 0 && !e.msg[0])
			__builtin_trap();
		break;
	default:
		s = malloc(size);
		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		/* an accepted path never climbs out or starts at the root */
		if (nd_node_file_path_ok(s) && (s[0] == '/' || strstr(s, "/../") ||
						strncmp(s, "../", 3) == 0))
			__builtin_trap();
		free(s);
		break;
	}
	return 0;
}
