/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the resolv.conf parser (node/resolvconf.h): any
 * bytes. Every kept string is walked so that a bad pointer shows under
 * ASan, and the parser's promises are checked: at most three servers, each
 * an address; the limits on the search list and the options hold. The same
 * bytes as a node's resolv.conf (node/nodedns.h): its servers are addresses,
 * each once, at most ND_NODE_DNS_MAX; and as an iptables-save dump, its rule
 * count (node/source.h) is at most its lines.
 */
#include "node/resolvconf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/ipaddr.h"
#include "node/nodedns.h"
#include "node/source.h"
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
	{
		struct nd_node_dns nd = {0};
		size_t lines = 1;
		bool hint;

		nd_node_dns_add(&nd, a, "a", (const char *)data, size);
		nd_node_dns_add(&nd, a, "b", (const char *)data, size / 2);
		if (nd.n > ND_NODE_DNS_MAX || nd.nfiles != 2)
			__builtin_trap();
		for (size_t i = 0; i < nd.n; i++) {
			if (nd_ip_parse(nd.servers[i].addr, &ip) < 0 && strcmp(nd.servers[i].addr,
									       "127.0.0.1") != 0)
				__builtin_trap();
			for (size_t j = 0; j < i; j++)
				if (strcmp(nd.servers[i].addr, nd.servers[j].addr) == 0)
					__builtin_trap();
		}
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (nd_rules_count((const char *)data, size, &hint) > lines)
			__builtin_trap();
	}
	(void)sink;
	nd_arena_free(a);
	return 0;
}
