/* SPDX-License-Identifier: MIT */
#ifndef ND_AZUREVNET_H
#define ND_AZUREVNET_H
/*
 * Azure CNI v1 IPAM state, /var/run/azure-vnet-ipam.json (facts §4.2):
 * IPAM.AddressSpaces.<as>.Pools.<subnet>.Addresses.<ip>.{ID, Addr, InUse},
 * the fields Microsoft's own validator reads.
 *
 * Read fully or not at all: not JSON, no "IPAM" object, an address whose
 * Addr is not an IP or whose InUse is not a boolean fail with the path of
 * the bad member. Ceilings: 64 MiB, 1 million addresses.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;

struct nd_azv_addr {
	const char *space;      /* "local" */
	const char *pool;       /* the pool key: its subnet */
	const char *addr;
	const char *id;         /* what holds it (may be ""), or NULL */
	bool in_use;
};

struct nd_azv_state {
	const char *version;    /* IPAM.Version, or NULL */
	const char *timestamp;  /* IPAM.TimeStamp, or NULL */
	struct nd_azv_addr *addrs;   /* in file order */
	size_t n;
	size_t in_use;
	size_t pools;
};

int nd_azv_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_azv_state *out, struct nd_err *e);
int nd_azv_read(const char *path, struct nd_arena *a, struct nd_azv_state *out,
		struct nd_err *e);

#endif
