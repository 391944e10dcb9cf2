/* SPDX-License-Identifier: MIT */
#ifndef ND_TARBALL_H
#define ND_TARBALL_H
/*
 * A bundle as a gzip'd tar (libarchive, reached only through this module):
 * what 'collect -o FILE.tar.gz' writes and what '--snapshot FILE.tar.gz'
 * reads.
 *
 * Reading is for untrusted archives. nd_tar_extract() writes only regular
 * files and folders, only below `into`, and refuses, naming the entry:
 *  - absolute names and names with a '..' component;
 *  - symbolic links, hard links, devices, FIFOs and sockets;
 *  - a file larger than max_file, contents past max_total in all, more
 *    than max_entries entries, a name longer than 4095 bytes or deeper
 *    than 32 folders, the same name twice;
 *  - an archive that is not tar (gzip'd or plain) or is truncated.
 * Leading "./" and empty or "." components are dropped, so archives made
 * with `tar czf x.tgz -C dir .` read too. Files are created 0600 with
 * O_EXCL|O_NOFOLLOW, folders 0700, files keep their mtime; owners and
 * modes in the archive are not applied. On error what was written below `into` stays there: the
 * caller owns `into` and removes it (nd_tar_rm_tree).
 */
#include <stddef.h>
#include <stdint.h>

struct nd_err;

struct nd_tar_limits {
	uint64_t max_file;       /* bytes of one file */
	uint64_t max_total;      /* bytes of all files */
	size_t max_entries;      /* headers of any type */
};

/*
 * The defaults (4 GiB a file, 8 GiB in all, 1,000,000 entries: a bundle of
 * a 5,000-node cluster fits), each lowered or raised by the environment:
 * NETDIAG_SNAPSHOT_MAX_FILE, NETDIAG_SNAPSHOT_MAX_TOTAL (bytes),
 * NETDIAG_SNAPSHOT_MAX_ENTRIES.
 */
void nd_tar_limits_default(struct nd_tar_limits *l);

/* Extract the archive at path into the existing folder into (see above). */
int nd_tar_extract(const char *path, const char *into, const struct nd_tar_limits *l,
		   struct nd_err *e);

/*
 * Pack folder dir into a new gzip'd tar at path (which must not exist),
 * names under prefix/, in name order; regular files and folders only, other
 * types are left out. The archive is removed again on error.
 */
int nd_tar_write_dir(const char *path, const char *dir, const char *prefix, struct nd_err *e);

/* Remove dir and everything below it, never following a link. */
void nd_tar_rm_tree(const char *dir);

#endif
