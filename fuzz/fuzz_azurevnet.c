/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the Azure CNI / CNS state readers (node/azurevnet.h):
 * the v1 IPAM state (azure-vnet-ipam.json) and the endpoint state
 * (azure-endpoints.json, azure-vnet.json). The first byte picks the reader;
 * every parsed address is walked and must be an IP, so a bad pointer or a
 * broken promise shows up under ASan.
 */
#include "node/azurevnet.h"

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
	struct nd_arena *a;
	struct nd_err e;
	struct nd_ip ip;
	volatile size_t sink = 0;
	int rc;

	if (size == 0)
		return 0;
	a = nd_arena_new(0);
	e.msg[0] = '\0';
	if (data[0] & 1) {
		struct nd_azv_endpoints eps;

		rc = nd_azv_endpoints_parse("fuzz.json", (const char *)data + 1, size - 1, a, &eps, &e);
		for (size_t i = 0; rc == 0 && i < eps.n; i++) {
			const struct nd_azv_endpoint *ep = &eps.v[i];

			if (nd_ip_parse(ep->ip, &ip) < 0 || !ep->container_id)
				__builtin_trap();
			sink += touch(ep->pod_ns) + touch(ep->pod_name) + touch(ep->ifname);
		}
	} else {
		struct nd_azv_state st;

		rc = nd_azv_parse("fuzz.json", (const char *)data + 1, size - 1, a, &st, &e);
		for (size_t i = 0; rc == 0 && i < st.n; i++) {
			if (nd_ip_parse(st.addrs[i].addr, &ip) < 0)
				__builtin_trap();
			sink += touch(st.addrs[i].id) + touch(st.addrs[i].pool) + st.addrs[i].in_use;
		}
	}
	if (rc < 0 && (e.msg[0] == '\0' || memchr(e.msg, '\0', sizeof(e.msg)) == NULL))
		__builtin_trap();   /* every failure says why */
	(void)sink;
	nd_arena_free(a);
	return 0;
}
