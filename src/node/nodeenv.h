/* SPDX-License-Identifier: MIT */
#ifndef ND_NODEENV_H
#define ND_NODEENV_H
/*
 * What netdiag can see of the node it runs on, with the node's file system
 * at a root ("/" on the node, "/host" under `kubectl debug node/...`):
 *  - its name, from the kubelet's kubeconfig ("system:node:<name>" in the
 *    file, else the CN of the client certificate it names);
 *  - its sandboxes: the container IDs that still have a live sandbox, from
 *    containerd's task directory (run/containerd/io.containerd.runtime.v2.task/k8s.io),
 *    CRI-O's run root (run/containers/storage/overlay-containers/<id>),
 *    the names in var/run/netns, and the cgroups of the processes in /proc
 *    (/proc/<pid>/cgroup names the sandbox ID; /proc/<pid>/ns/net its netns).
 *    Only the runtime directories (containerd, CRI-O, or one the user names)
 *    and kubepods cgroups are authoritative for "gone": without them, or
 *    when a list was cut at its ceiling, an entry's sandbox is "unknown".
 *
 * All of it only reads.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/file.h"

struct nd_arena;
struct nd_err;

/* "<root>/<rel>" without doubled slashes; rel may start with '/'. */
char *nd_node_path(struct nd_arena *a, const char *root, const char *rel);



/*
 * The node's name from the kubelet's kubeconfig under root. *from is set to
 * the file it came from. -1 with e saying where netdiag looked.
 */
int nd_node_name(const char *root, struct nd_arena *a, const char **name,
		 const char **from, struct nd_err *e);

enum nd_sandbox { ND_SANDBOX_UNKNOWN = 0, ND_SANDBOX_RUNNING, ND_SANDBOX_GONE };
const char *nd_sandbox_name(enum nd_sandbox s);   /* "unknown", "running", "gone" */

struct nd_sandboxes {
	const char **ids;        /* container IDs and netns names seen, sorted */
	size_t n;
	bool authoritative;      /* a source that lists every live sandbox was read */
	size_t netns;            /* entries of var/run/netns (-1 unread: see has_netns_dir) */
	bool has_netns_dir;
	size_t live_netns;       /* distinct network namespaces of processes in /proc */
	const char *sources;     /* what was read, for the evidence */
	const char *runtime_dir_error;  /* the runtime_dir given could not be listed, or NULL */
};

/* Scan root (and /proc when scan_proc). Never fails: unreadable sources are skipped. */
void nd_sandboxes_scan(const char *root, bool scan_proc, struct nd_arena *a,
		       struct nd_sandboxes *out);
/* The same, also listing runtime_dir (not under root; NULL: none): a folder
 * with one entry per live sandbox ID, such as containerd's task directory
 * where /run is mounted elsewhere. */
void nd_sandboxes_scan_with(const char *root, bool scan_proc, const char *runtime_dir,
			    struct nd_arena *a, struct nd_sandboxes *out);
/* Whether container_id has a sandbox: RUNNING when seen (also as part of a
 * netns name), GONE when not and the scan was authoritative, else UNKNOWN. */
enum nd_sandbox nd_sandbox_state(const struct nd_sandboxes *s, const char *container_id);

/*
 * The node's host-local store: the first network in <root>/etc/cni/net.d
 * (libcni order) whose IPAM is host-local, and its directory
 * <root><dataDir>/<name> (dataDir defaults to /var/lib/cni/networks).
 * -1 with e saying why there is none (no config, another IPAM: *net is then
 * the first network, so the caller can name it).
 */
struct nd_cni_net;
int nd_node_hostlocal_store(const char *root, struct nd_arena *a,
			    const struct nd_cni_net **net, const char **store_dir,
			    struct nd_err *e);

/*
 * Every host-local network of <root>/etc/cni/net.d: each config (libcni
 * order; .conf, .conflist and .json alike, the IPAM of any plugin of a
 * chain) whose IPAM is host-local, with its store directory; a store named
 * by two configs is listed once. primary marks the node's default network:
 * the first config that parses, which is what the runtime gives every pod
 * (status.podIPs); the others are extra attachments (Multus) or leftovers,
 * whose addresses pods' status never lists. 0 with *n = 0 when none is
 * host-local (*why, when not NULL, names what the node uses); -1 when the
 * directory cannot be read.
 */
struct nd_hl_net {
	const struct nd_cni_net *net;
	const char *store_dir;
	bool primary;
};
int nd_node_hostlocal_stores(const char *root, struct nd_arena *a, struct nd_hl_net **out,
			     size_t *n, const char **why, struct nd_err *e);

/*
 * Run argv (no shell; argv[0] looked up in PATH) with stdin from /dev/null
 * and capture at most max bytes of its stdout into a malloc'd, NUL-terminated
 * buffer. Killed after timeout_ms. -1 with e when it cannot run, times out,
 * writes more than max or exits non-zero (its first stderr line quoted).
 */
int nd_run_capture(const char *const argv[], size_t max, int timeout_ms,
		   char **out, size_t *len, struct nd_err *e);

#endif
