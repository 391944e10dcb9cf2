/* SPDX-License-Identifier: MIT */
#ifndef ND_NODEDNS_H
#define ND_NODEDNS_H
/*
 * The DNS servers a node resolves with, read under its root (--node-root):
 *  - etc/resolv.conf: what the node's own processes (kubelet, containerd
 *    pulling images) use; on systemd-resolved nodes (AKS Ubuntu) a link to
 *    ../run/systemd/resolve/stub-resolv.conf naming the stub 127.0.0.53;
 *  - run/systemd/resolve/resolv.conf: systemd-resolved's own upstreams,
 *    which kubelet hands to pods with dnsPolicy Default and CoreDNS
 *    forwards to (kubelet --resolv-conf on those nodes).
 * A symbolic link is followed inside root: an absolute target is taken
 * under root, never on the machine netdiag runs on.
 *
 * Every server of each file that exists, in file order, each address once
 * (the first file that names it); a file without a nameserver line means
 * 127.0.0.1, as the resolver reads it (resolv.conf(5)). Strings live in a.
 */
#include <stddef.h>

struct nd_arena;
struct nd_err;

#define ND_NODE_DNS_FILES 2
#define ND_NODE_DNS_MAX 8

struct nd_node_dns_server {
	const char *addr;          /* "10.0.0.10", "fd00::a" (no port) */
	const char *file;          /* the file it came from (its path under root) */
};

struct nd_node_dns {
	const char *files[ND_NODE_DNS_FILES];   /* the files read */
	size_t nfiles;
	struct nd_node_dns_server servers[ND_NODE_DNS_MAX];
	size_t n;
	size_t bad;                /* lines of the files the parser did not understand */
	const char *bad_file;      /* the first file with one, and its line */
	unsigned bad_line;
};

/*
 * Fill out from the files under root. Returns 0 (out->nfiles 0 when none
 * exists), -1 with e naming the file when one exists and cannot be read
 * (or its link leads nowhere readable).
 */
int nd_node_dns_read(const char *root, struct nd_arena *a, struct nd_node_dns *out,
		     struct nd_err *e);

/* The same from text already read (the tests, the fuzz target): file names it. */
void nd_node_dns_add(struct nd_node_dns *out, struct nd_arena *a, const char *file,
		     const char *text, size_t len);

/*
 * rel under root with symbolic links of its last component followed inside
 * root (at most 8): the path to open. NULL when a link cannot be read.
 */
const char *nd_node_follow(const char *root, const char *rel, struct nd_arena *a);

#endif
