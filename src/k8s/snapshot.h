/* SPDX-License-Identifier: MIT */
#ifndef ND_SNAPSHOT_H
#define ND_SNAPSHOT_H
/*
 * What --snapshot names, made into a folder every bundle reader can use:
 * a folder is used as it is; a regular file is read as a gzip'd (or plain)
 * tar of a bundle, the layout 'collect -o FILE.tar.gz' writes, and
 * extracted safely (k8s/tarball.h) into a private folder.
 *
 * Why extract rather than read into memory: every reader of a bundle works
 * on paths (the JSON stream decoder, which splits a big file between two
 * threads by offset; the node readers; serve's store; ipam's cluster
 * folder), and a big cluster's bundle is gigabytes, more than memory
 * should hold. So the archive becomes a folder made by mkdtemp (mode 0700,
 * under $TMPDIR or /tmp, named netdiag-snapshot.XXXXXX) that only this
 * process writes; it holds only files and folders the limits allowed, and
 * nd_snapshot_close() removes it, on every path a command ends by (error
 * paths included). A process killed by a signal it does not handle leaves
 * it behind: it is private to the user and named as above.
 *
 * The bundle root inside an archive is its top folder when it has
 * cluster/ or nodes/ itself, else its one sub-folder (collect writes
 * NAME/cluster/..., `tar -C dir .` writes ./cluster/...).
 */
struct nd_err;

struct nd_snapshot {
	char *arg;               /* as given, for messages */
	char *root;              /* the folder to read: arg, or inside tmp */
	char *tmp;               /* the private folder to remove, or NULL */
};

/* -1 with e filled when arg cannot be opened or an archive is refused. */
int nd_snapshot_open(const char *arg, struct nd_snapshot **out, struct nd_err *e);
/* Removes the private folder. NULL is fine. */
void nd_snapshot_close(struct nd_snapshot *s);

/*
 * s with every mention of the private root replaced by the name given, so
 * messages name 'b.tar.gz/cluster/x.json'. A new string (free it).
 */
char *nd_snapshot_display(const struct nd_snapshot *sn, const char *s);

#endif
