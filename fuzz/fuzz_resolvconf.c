/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the resolv.conf parser (node/resolvconf.h): any
 * bytes. Every kept string is walked so that a bad pointer shows under
 * ASan, and the parser's promises are checked: at most three servers, each
 * an address; the limits on the search list and the options hold.
 */
#include "node/resolvconf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/ipaddr.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_resolv rc;
	volatile size_t sink = 0;
	struct nd_ip ip;

	nd_resolv_parse((const char *)data, size, a, &rc);
	if (rc.nns > ND_RESOLV_MAX_NS || rc.nsearch > ND_RESOLV_MAX_SEARCH || rc.ndots > 15 ||
	    rc.timeout > 30 || rc.attempts > 5)
		__builtin_trap();
	for (size_t i = 0; i < rc.nns; i++)
		if (nd_ip_parse(rc.ns[i], &ip) < 0)
			__builtin_trap();
	for (size_t i = 0; i < rc.nsearch; i++) {
		size_t n = strlen(rc.search[i]);

		if (n == 0 || n > 253)
			__builtin_trap();
		sink += nd_resolv_expansions(&rc, rc.search[i]);
	}
	if (rc.bad && !rc.bad_line)
		__builtin_trap();
	sink += nd_resolv_cluster_domain(&rc) != NULL;
	(void)sink;
	nd_arena_free(a);
	return 0;
}
