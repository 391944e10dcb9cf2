/* SPDX-License-Identifier: MIT */
#ifndef ND_NODEFILES_H
#define ND_NODEFILES_H
/*
 * The node's files a bundle carries (DESIGN §2, nodes/<node>/...), read from
 * the node's file system at root, for `agent --raw-files` (which embeds them
 * in its report) and so for `collect --nodes` (which writes them back):
 *
 *   etc/cni/net.d/<file>                  -> cni/net.d/<file>
 *   <host-local dataDir>/<net>/<file>     -> cni/networks/<net>/<file>
 *   var/run/azure-vnet-ipam.json          -> azure-vnet-ipam.json
 *   var/run/azure-cns/azure-endpoints.json -> azure-endpoints.json
 *   var/run/azure-vnet.json               -> azure-vnet.json
 *   etc/resolv.conf                       -> resolv.conf
 *   proc/sys/net/netfilter/nf_conntrack_{count,max}, proc/net/stat/nf_conntrack
 *                                         -> the same path
 *
 * Regular files only, one level deep, at most ND_NODE_FILE_MAX bytes each and
 * max bytes in all: what does not fit is counted in dropped (and named in
 * skipped), never cut. Files that cannot be read are named in skipped too.
 * Nothing is written. Rule dumps (iptables-save output) are added by the
 * caller with nd_node_files_add().
 */
#include <stddef.h>
#include <stdint.h>

struct nd_arena;

#define ND_NODE_FILE_MAX (4u << 20)
#define ND_NODE_FILES_SKIPPED_MAX 32

struct nd_node_file {
	const char *path;        /* bundle-relative: "cni/networks/kubenet/10.244.0.5" */
	const char *data;        /* its bytes (in the arena) */
	size_t len;
	int64_t mtime;           /* Unix seconds */
};

struct nd_node_files {
	struct nd_node_file *v;
	size_t n, cap;
	size_t bytes, max;       /* bytes kept, the ceiling */
	size_t dropped;          /* files left out: over the ceiling or unreadable */
	const char *skipped[ND_NODE_FILES_SKIPPED_MAX];   /* "path: why", the first ones */
	size_t nskipped;
};

/* Read root's files (above) into out (zeroed first), within max bytes; strings in a. */
void nd_node_files_read(const char *root, struct nd_arena *a, size_t max,
			struct nd_node_files *out);
/* Add one file (data copied into a); false when it does not fit (counted as dropped). */
int nd_node_files_add(struct nd_node_files *out, struct nd_arena *a, const char *path,
		      const char *data, size_t len, int64_t mtime);
void nd_node_files_release(struct nd_node_files *out);

/*
 * Whether a bundle-relative path is one nd_node_files_read() makes (what
 * `collect --nodes` accepts from an agent's log: no "..", no absolute path,
 * only these folders).
 */
int nd_node_file_path_ok(const char *path);

#endif
