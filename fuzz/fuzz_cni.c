/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CNI config parser. The first byte picks the
 * file name, so the .conflist, .conf and guessing paths are all reached;
 * the rest is the file's bytes. Any parsed network is walked so that a bad
 * pointer in the result shows up under ASan.
 */
#include "node/cni.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"/etc/cni/net.d/10-fuzz.conflist",
		"/etc/cni/net.d/10-fuzz.conf",
		"/etc/cni/net.d/10-fuzz.json",
		"fuzz-input",
	};
	struct nd_arena *a;
	struct nd_cni_net net;
	struct nd_err e;
	volatile size_t sink = 0;

	if (size == 0)
		return 0;
	a = nd_arena_new(0);
	memset(&net, 0, sizeof(net));
	if (nd_cni_parse(paths[data[0] % 4], (const char *)data + 1, size - 1, a, &net,
			 &e) == 0) {
		sink += touch(net.file) + touch(net.name) + touch(net.plugin) +
			touch(net.ipam_type) + touch(net.data_dir);
		for (uint32_t i = 0; i < net.nranges; i++) {
			const struct nd_cni_range *r = &net.ranges[i];
			struct nd_cidr c;

			sink += touch(r->subnet) + touch(r->start) + touch(r->end) +
				touch(r->gateway) + r->set;
			/* The parser promises a subnet that parses unless usePodCidr. */
			if (!r->use_pod_cidr && (!r->subnet || nd_cidr_parse(r->subnet, false, &c) < 0))
				__builtin_trap();
		}
	} else if (e.msg[0] == '\0' || memchr(e.msg, '\0', sizeof(e.msg)) == NULL) {
		__builtin_trap();   /* every failure says why */
	}
	(void)sink;
	nd_arena_free(a);
	return 0;
}
