/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the two AKS inputs read from files: `az aks show`
 * JSON (--aks FILE) and the Azure CNI v1 state (var/run/azure-vnet-ipam.json
 * on a node). The first byte picks which. Parse, walk, free.
 */
#include "aks/aks.h"
#include "node/azurevnet.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_err e;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		struct nd_aks_profile *p = NULL;

		if (nd_aks_parse((const char *)data + 1, size - 1, "fuzz.json", &p, &e) == 0)
			nd_aks_free(p);
		else if (!e.msg[0])
			__builtin_trap();
	} else {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_azv_state st;

		if (nd_azv_parse("azure-vnet-ipam.json", (const char *)data + 1, size - 1, a, &st,
				 &e) == 0) {
			if (st.in_use > st.n)
				__builtin_trap();
		} else if (!e.msg[0]) {
			__builtin_trap();
		}
		nd_arena_free(a);
	}
	return 0;
}
