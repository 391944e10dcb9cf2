/* SPDX-License-Identifier: MIT */
#ifndef ND_RELEASE_H
#define ND_RELEASE_H
/*
 * The only writer in netdiag (DESIGN §7): freeing leaked host-local
 * entries, and putting them back.
 *
 * nd_release_apply():
 *   1. takes flock(LOCK_EX) on <store>/lock, as host-local does for every
 *      allocation and release (a lock that is not a regular file — a
 *      directory, a symlink, a FIFO — is refused);
 *   2. re-reads the whole store under the lock (all or nothing: a store
 *      that cannot be fully read is left untouched);
 *   3. keeps a planned entry only if it still exists with the same
 *      container ID and recheck() still says it may go;
 *   4. writes the journal (<journal_dir>/.netdiag-release-<net>-<time>.json:
 *      name, exact bytes, mode, owner and mtime of each file) with fsync
 *      and an atomic rename, BEFORE removing anything;
 *   5. unlinks those entries, fsyncs the directory, drops the lock.
 * Nothing is removed when any step before 5 fails.
 *
 * nd_release_restore() takes the same lock and re-creates each journalled
 * file byte for byte (O_EXCL: an address handed out again since is left to
 * its new owner and reported as a conflict). File names from the journal
 * must be canonical IP addresses, so a tampered journal cannot write
 * outside the store.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_arena;
struct nd_err;
struct nd_hl_entry;

struct nd_rel_plan {
	const char *ip;
	const char *container_id;
};

enum nd_rel_status {
	ND_REL_FREED = 0,       /* removed (apply) */
	ND_REL_RESTORED,        /* re-created (restore) */
	ND_REL_GONE,            /* not in the store any more */
	ND_REL_REASSIGNED,      /* held by another container now */
	ND_REL_KEPT,            /* recheck() said no */
	ND_REL_PRESENT,         /* restore: already there with the same bytes */
	ND_REL_CONFLICT,        /* restore: the address belongs to someone else now */
};
const char *nd_rel_status_name(enum nd_rel_status s);

struct nd_rel_item {
	const char *ip;
	const char *container_id;
	enum nd_rel_status status;
	const char *why;        /* for KEPT, or NULL */
};

struct nd_rel_result {
	const char *store_dir;
	const char *journal;    /* the journal written (apply) or read (restore); NULL if none */
	struct nd_rel_item *items;
	size_t n;
	size_t done;            /* freed or restored */
};

/* May a still-present entry go? Called under the lock; *why explains a no. */
typedef bool (*nd_rel_recheck_fn)(void *ctx, const struct nd_hl_entry *en, const char **why);

struct nd_rel_opts {
	const char *journal_dir;    /* NULL: the store's parent (the dataDir) */
	const char *network;        /* for the journal's name and content */
	const char *node;
	int lock_timeout_ms;        /* 0: 10 s */
};

int nd_release_apply(const char *store_dir, const struct nd_rel_plan *plan, size_t n,
		     nd_rel_recheck_fn recheck, void *ctx, const struct nd_rel_opts *o,
		     struct nd_arena *a, struct nd_rel_result *out, struct nd_err *e);
int nd_release_restore(const char *journal, int lock_timeout_ms, struct nd_arena *a,
		       struct nd_rel_result *out, struct nd_err *e);

/*
 * A restore journal's len bytes at buf, decoded as nd_release_restore()
 * does before it touches the store (public for the fuzz target): the store
 * folder and each entry's file name (a canonical IP address), bytes, first
 * line (the container ID), mode, owner and mtime, all in a. -1 with e
 * naming journal (the file name, for messages) and the entry.
 */
struct nd_rel_jent {
	const char *file;
	const char *container_id;
	unsigned char *bytes;
	size_t len;
	int64_t mode, uid, gid, sec, nsec;
};
struct nd_rel_journal {
	const char *store_dir;
	struct nd_rel_jent *v;
	size_t n;
};
int nd_release_journal_parse(const char *journal, const char *buf, size_t len,
			     struct nd_arena *a, struct nd_rel_journal *out, struct nd_err *e);

/*
 * The store read under its lock, shared (host-local holds it while it writes
 * an entry: read without it, an ADD at that moment shows an empty file), for
 * a plan; without a lock file, or when the lock cannot be had within
 * timeout_ms, a plain read. Creates nothing.
 */
struct nd_hl_store;
int nd_store_read_locked(const char *store_dir, int timeout_ms, struct nd_arena *a,
			 struct nd_hl_store *st, struct nd_err *e);
/* flock(LOCK_EX) on <store>/lock within timeout_ms; *fd to close to unlock. */
int nd_store_lock(const char *store_dir, int timeout_ms, int *fd, struct nd_err *e);

#endif
