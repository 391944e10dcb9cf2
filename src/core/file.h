/* SPDX-License-Identifier: MIT */
#ifndef ND_FILE_H
#define ND_FILE_H
/*
 * Reading a small file whole, safely: a regular file only (a FIFO cannot
 * hang the open), at most max bytes, into a malloc'd buffer with a NUL
 * after the last byte. Errors name the file:
 *   cannot read '<path>': <strerror>
 *   '<path>': larger than 1 MiB
 */
#include <stddef.h>

struct nd_err;

int nd_read_file(const char *path, size_t max, char **buf, size_t *len, struct nd_err *e);

/*
 * A walk over a folder that may hold symbolic links (a bundle): each entry
 * goes through nd_walk_entry(), which follows a link only when it resolves
 * inside root, and meets each file and folder once by device and inode.
 *   ND_WALK_GO      st is the entry's (followed) stat: read it
 *   ND_WALK_AGAIN   a file already read under another name: skip it quietly
 *   ND_WALK_BAD     why says it: a folder met again (a link loop), a link
 *                   that leaves root, or an entry that cannot be read
 * nd_walk_init() takes root's real path (-1 with e when it has none).
 */
#include <stdint.h>
#include <sys/stat.h>

struct nd_walk {
	char *root;              /* real path of the root */
	uint64_t *keys;          /* open addressing: dev, ino pairs */
	size_t n, cap;           /* pairs stored, slots (a power of two) */
};
enum nd_walk_verdict { ND_WALK_GO = 0, ND_WALK_AGAIN, ND_WALK_BAD };
int nd_walk_init(struct nd_walk *w, const char *root, struct nd_err *e);
enum nd_walk_verdict nd_walk_entry(struct nd_walk *w, const char *path, struct stat *st,
				   char *why, size_t whylen);
void nd_walk_release(struct nd_walk *w);

#endif
