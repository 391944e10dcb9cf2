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

/*
 * Which container holds which pod IP, as Azure CNI and CNS record it on the
 * node. Two files, one model (each endpoint's IPs, its container ID and the
 * pod it was made for):
 *
 *   /var/run/azure-cns/azure-endpoints.json  CNS's endpoint state (CNS manages
 *       it in the Cilium and stateless-CNI modes): {"Endpoints": {"<container
 *       ID>": {"PodName", "PodNamespace", "IfnameToIPMap": {"<ifname>":
 *       {"IPv4": [{"IP", "Mask"}], "IPv6": [...]}}}}}
 *       [Azure/azure-container-networking: cns/restserver/endpoint_state.go,
 *       test/validate/linux_validate.go]
 *   /var/run/azure-vnet.json  the azure-vnet plugin's state: {"Network":
 *       {"ExternalInterfaces": {"<if>": {"Networks": {"<net>": {"Endpoints":
 *       {"<id>": {"Id", "ContainerID", "PODName", "PODNameSpace",
 *       "IPAddresses": [{"IP", "Mask"}]}}}}}}}}
 *       [network/endpoint.go, platform/os_linux.go CNIStateFilePath]
 *
 * The format is told by the top-level key. Read fully or not at all: a member
 * of the wrong type or an IP that does not parse fails with its path. An
 * endpoint without any IP is kept out. Ceilings: 64 MiB, 1 million IPs. Never
 * written.
 */
struct nd_azv_endpoint {
	const char *ip;
	const char *container_id;   /* the key (CNS) or ContainerID (azure-vnet); may be "" */
	const char *pod_ns, *pod_name;   /* as recorded, or NULL */
	const char *ifname;         /* CNS: the IfnameToIPMap key; azure-vnet: NULL */
};
struct nd_azv_endpoints {
	const char *format;         /* "azure-cns" or "azure-vnet" */
	struct nd_azv_endpoint *v;  /* in file order */
	size_t n;
	size_t endpoints;
};
int nd_azv_endpoints_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
			   struct nd_azv_endpoints *out, struct nd_err *e);
int nd_azv_endpoints_read(const char *path, struct nd_arena *a, struct nd_azv_endpoints *out,
			  struct nd_err *e);
int nd_azv_read(const char *path, struct nd_arena *a, struct nd_azv_state *out,
		struct nd_err *e);

#endif
