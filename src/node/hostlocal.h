/* SPDX-License-Identifier: MIT */
#ifndef ND_HOSTLOCAL_H
#define ND_HOSTLOCAL_H
/*
 * The CNI host-local IPAM store: <dataDir>/<network>/, one regular file
 * per reserved IP named by the IP (Go's text form), holding
 * "<containerID>\r\n<ifname>" (or only the container ID, older plugins).
 * "lock" and "last_reserved_ip.<N>" are not entries.
 *
 * Reading never writes. A store is read fully or not at all: any entry
 * that cannot be trusted (a name that is not an IP, a directory or a
 * symlink where a file should be, an unreadable file, content that is not
 * a container ID) makes nd_hostlocal_read fail with the file named, so no
 * caller acts on a partial view.
 *
 * Details: an entry name must be the exact text host-local writes
 * ("fd00::5", not "fd00:0::5"). Content has trailing whitespace trimmed;
 * the container ID follows the CNI spec ([A-Za-z0-9][A-Za-z0-9_.-]*), the
 * ifname is 1..15 bytes without blanks, '/' or ':'. An empty file fails.
 * Files are opened with O_NOFOLLOW after lstat; each is at most 4 KiB, a
 * store at most 2^20 entries. last_reserved_ip.<N> is not checked beyond
 * lstat: its content is kept when it is an IP, NULL otherwise (host-local
 * then starts from the range start); N over 3 is ignored.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;

struct nd_hl_entry {
	const char *ip;            /* the file name, as written */
	const char *container_id;
	const char *ifname;        /* NULL for the old single-line form */
	int64_t mtime;             /* Unix seconds */
	bool v6;
};

struct nd_hl_store {
	const char *dir;
	struct nd_hl_entry *entries;   /* sorted by address, IPv4 first */
	size_t n;
	const char *last_reserved[4];  /* last_reserved_ip.0 .. .3 contents, or NULL */
};

int nd_hostlocal_read(const char *dir, struct nd_arena *a,
		      struct nd_hl_store *out, struct nd_err *e);

/*
 * The parsers nd_hostlocal_read applies to each file, without I/O (public
 * for the fuzz target). nd_hostlocal_name: 0 with *ip set when name is the
 * text host-local writes for an IP, -1 with e naming path. nd_hostlocal_content:
 * an IP file's len bytes into ent's container_id and ifname (in a), -1 with e
 * naming path. nd_hostlocal_last: a last_reserved_ip.<N> file's IP (in a), or
 * NULL when its content is not one.
 */
struct nd_ip;
int nd_hostlocal_name(const char *name, const char *path, struct nd_ip *ip, struct nd_err *e);
int nd_hostlocal_content(const char *path, const char *buf, size_t len, struct nd_arena *a,
			 struct nd_hl_entry *ent, struct nd_err *e);
const char *nd_hostlocal_last(const char *buf, size_t len, struct nd_arena *a);

#endif
