/* SPDX-License-Identifier: MIT */
#ifndef ND_NODE_SOURCE_H
#define ND_NODE_SOURCE_H
/*
 * The node-data source: what the checks know of nodes besides the cluster
 * objects. One interface, read the same way whatever holds the data:
 *
 *   nd_node_src_dirs()   a folder per node, the bundle layout (DESIGN §2):
 *                        <dir>/cni/net.d/ (files), <dir>/cni/networks/<net>/,
 *                        <dir>/iptables-save.txt, ipvsadm.txt, nft.txt,
 *                        <dir>/azure-vnet-ipam.json,
 *                        <dir>/proc/sys/net/netfilter/nf_conntrack_{count,max},
 *                        <dir>/proc/net/stat/nf_conntrack (the node's procfs paths)
 *   nd_node_src_local()  the node netdiag runs on: its file system at a
 *                        root (--node-root), rule dumps given as files, and
 *                        `iptables-save` run live when on a node without them
 *
 * (the fleet's agent reports are the next implementation). The checks are
 * functions of the model and these sources: every read of a node's files
 * happens here, never in a check.
 *
 * Each getter returns ND_NS_OK, ND_NS_ABSENT (the node has no such data;
 * *why, when not NULL, may say what was found instead) or ND_NS_ERROR (the
 * data is there but could not be read: e says what and where).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;
struct nd_cni_net;
struct nd_hl_store;
struct nd_azv_state;
struct nd_sandboxes;

enum { ND_NS_ERROR = -1, ND_NS_OK = 0, ND_NS_ABSENT = 1 };

enum nd_rules_kind { ND_RULES_IPTABLES = 0, ND_RULES_IPVS, ND_RULES_NFT, ND_RULES__COUNT };

struct nd_node_src;

/* Folders laid out as a bundle's nodes/<node>/ (names and dirs are kept, not copied). */
struct nd_node_dir {
	const char *name;
	const char *dir;
	const char *shown;     /* how dir is named in evidence and messages (a bundle
				* archive's private folder as 'b.tar.gz/nodes/n'); NULL: dir */
};
struct nd_node_src *nd_node_src_dirs(const struct nd_node_dir *nodes, size_t n);

/*
 * This node. root may be NULL when only rule files are given; name is the
 * node's name or NULL when unknown. rule_files[kind] are files given on the
 * command line (NULL: none); when none is given and root is set,
 * `iptables-save` is run. Strings are kept, not copied.
 */
struct nd_node_src *nd_node_src_local(const char *root, const char *name,
				      const char *const rule_files[ND_RULES__COUNT]);
void nd_node_src_free(struct nd_node_src *s);

/* The nodes the source covers, and whether it is this node (local). */
size_t nd_node_src_count(const struct nd_node_src *s);
const char *nd_node_src_name(const struct nd_node_src *s, size_t i);
bool nd_node_src_is_local(const struct nd_node_src *s);
/* Whether the source can have files (a root or node folders) and rules at all. */
bool nd_node_src_has_files(const struct nd_node_src *s);
bool nd_node_src_has_rules(const struct nd_node_src *s);

/*
 * Node i's k-th host-local network (k = 0, 1, ...): a config of its CNI
 * configuration whose IPAM (of any plugin of its chain) is host-local, in
 * libcni order, or, in a folder without net.d, a store folder; and that
 * store, read. *primary is true for the node's default network (the first
 * config, or a folder's only store), whose addresses pods' status.podIPs
 * list. ABSENT past the last network (for k = 0: the node does not use
 * host-local, *why names what it uses, when known); SKIP when the network
 * is configured but its store was not copied. *net is NULL when the
 * network's config was not copied.
 */
enum { ND_NS_SKIP = 2 };
int nd_node_src_hostlocal(const struct nd_node_src *s, size_t i, size_t k, struct nd_arena *a,
			  const struct nd_cni_net **net, const char **netname, bool *primary,
			  const char **store_dir, struct nd_hl_store *st, const char **why,
			  struct nd_err *e);

/* Node i's live sandboxes (local only: ABSENT elsewhere). */
int nd_node_src_sandboxes(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			  struct nd_sandboxes *out);

/*
 * Node i's Azure CNI / CNS endpoint state, read (node/azurevnet.h): CNS's
 * var/run/azure-cns/azure-endpoints.json when there, else azure-vnet's
 * var/run/azure-vnet.json (a bundle's node folder: azure-endpoints.json,
 * azure-vnet.json). ABSENT when neither is there.
 */
struct nd_azv_endpoints;
int nd_node_src_azure_endpoints(const struct nd_node_src *s, size_t i, struct nd_arena *a,
				const char **path, struct nd_azv_endpoints *eps, struct nd_err *e);

/* Node i's Azure CNI v1 state file (var/run/azure-vnet-ipam.json), read. */
int nd_node_src_azure_vnet(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			   const char **path, struct nd_azv_state *st, struct nd_err *e);

/*
 * Node i's conntrack table: fill (count, max) and the per-CPU counters
 * summed (node/conntrack.h). ABSENT when the node shows no count/max (no
 * nf_conntrack module, or a folder without them); the stat file is
 * optional (st->cpus 0). *origin names the count file.
 */
struct nd_ct_stat;
int nd_node_src_conntrack(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			  int64_t *count, int64_t *max, struct nd_ct_stat *st,
			  const char **origin, struct nd_err *e);

/*
 * Node i's kube-proxy rule dump of one kind: its bytes (malloc'd, NUL-ended,
 * the caller frees them) and where they came from (a path, or the live
 * command: "iptables-nft-save (live)", "iptables-legacy-save (live)",
 * "iptables-save (live)"). Live, on a node without dumps given, the back
 * end of iptables the node uses is chosen as kube-proxy's iptables wrapper
 * chooses it (see source.c: the hint chains, else the more rules), and
 * kube-proxy's nftables table is listed when nft is installed
 * ("nft list table ip kube-proxy (live)"; ABSENT without nft or the table).
 */
#define ND_RULES_MAX (256u << 20)
/* The "-A " rule lines of an iptables-save dump; *hint: it has kubelet's or
 * kube-proxy's hint chain (:KUBE-IPTABLES-HINT, :KUBE-KUBELET-CANARY). */
size_t nd_rules_count(const char *text, size_t len, bool *hint);
int nd_node_src_rules(const struct nd_node_src *s, size_t i, enum nd_rules_kind kind,
		      struct nd_arena *a, char **text, size_t *len, const char **origin,
		      struct nd_err *e);

#endif
