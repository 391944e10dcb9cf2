/* SPDX-License-Identifier: MIT */
#ifndef ND_CNI_H
#define ND_CNI_H
/*
 * CNI network configuration (/etc/cni/net.d): *.conflist, *.conf, *.json,
 * read in the order libcni uses (file names sorted); the first file that
 * parses is the network the runtime uses.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;

struct nd_cni_range {
	uint32_t set;           /* index of the range set (last_reserved_ip.<set>) */
	const char *subnet;     /* NULL with usePodCidr */
	const char *start;      /* rangeStart or NULL */
	const char *end;        /* rangeEnd or NULL */
	const char *gateway;    /* or NULL */
	bool use_pod_cidr;      /* Calico's "subnet": "usePodCidr" or "usePodCidrIPv6" */
	bool pod_cidr_v6;       /* with use_pod_cidr: the node's IPv6 podCIDR */
};

struct nd_cni_net {
	const char *file;       /* path of the config file */
	const char *name;       /* network name: the store is <data_dir>/<name> */
	const char *plugin;     /* type of the first plugin: bridge, azure-vnet, calico, cilium-cni */
	const char *ipam_type;  /* host-local, azure-vnet-ipam, azure-cns, calico-ipam, ... or NULL */
	const char *data_dir;   /* host-local dataDir, or NULL for /var/lib/cni/networks */
	uint32_t nranges;
	struct nd_cni_range *ranges;
};

/*
 * What fails a file: not JSON, not an object; a .conflist without a valid
 * "name" or a "plugins" array of objects each with a "type"; a .conf/.json
 * without "name" or "type". A network name must match the CNI spec's
 * [a-zA-Z0-9][a-zA-Z0-9_.-]* (it is a directory name under dataDir). The
 * IPAM section is read from the first plugin with a non-empty "ipam"
 * object; an IPAM that host-local could not decode (a field of the wrong
 * type, a subnet or address that does not parse) fails the file too.
 * The old single form ("subnet", "rangeStart"... at the ipam level) becomes
 * range set 0 ahead of "ranges", as host-local does. Files over 1 MiB fail.
 *
 * Read every config in dir (symlinks followed, as libcni does;
 * subdirectories skipped). Files that fail to parse are listed in
 * *errors (one message each, naming the file) and skipped; the rest are
 * returned in libcni order. -1 only when dir cannot be read.
 */
int nd_cni_load_dir(const char *dir, struct nd_arena *a,
		    struct nd_cni_net **out, size_t *n,
		    char ***errors, size_t *nerrors, struct nd_err *e);
/* Parse one config file's bytes (path only for messages). */
int nd_cni_parse(const char *path, const char *buf, size_t len,
		 struct nd_arena *a, struct nd_cni_net *out, struct nd_err *e);

#endif
