/* SPDX-License-Identifier: MIT */
#ifndef ND_BUNDLE_H
#define ND_BUNDLE_H
/*
 * The offline bundle (DESIGN §2):
 *   DIR/cluster/ **.json      kubectl -o json output: Lists or single objects,
 *                            any kinds, any file names, in sub-folders too
 *   DIR/aks.json             optional: az aks show output
 *   DIR/nodes/<node>/...     optional: files copied from nodes
 *
 * nd_bundle_load() streams every cluster file into the model. A file that
 * is malformed is recorded in errors[] (file, byte offset, what) and the
 * objects read before the fault are kept; an object of a known kind with a
 * wrong field type is recorded and dropped; everything else goes on.
 */
#include <stddef.h>

struct nd_model;
struct nd_err;
struct nd_snapshot;

struct nd_bundle_error {
	char *file;
	char *msg;
};

struct nd_bundle_node {
	char *name;
	char *dir;               /* DIR/nodes/<name> */
};

struct nd_bundle {
	char *dir;               /* the folder read (inside snap's private one for a .tar.gz) */
	struct nd_snapshot *snap; /* what --snapshot named, opened (k8s/snapshot.h) */
	char *aks_path;          /* DIR/aks.json when present */
	struct nd_bundle_node *nodes;
	size_t nnodes;
	struct nd_bundle_error *errors;
	size_t nerrors;
	size_t errors_dropped;   /* past the ceiling, counted only */
	/* one object (kind, namespace, name) in two places with different
	 * content: file is the first place, msg names both; the last read wins */
	struct nd_bundle_error *conflicts;
	size_t nconflicts;
	struct nd_bundle_seen *seen;   /* private: what was read where */
	size_t files;            /* cluster files read */
	size_t objects;          /* objects seen in them */
};

/*
 * Progress, for a caller that shows it: called now and then while a file is
 * read, with the bytes done of that file's total.
 */
typedef void (*nd_bundle_progress_fn)(const char *file, size_t done, size_t total, void *arg);
void nd_bundle_set_progress(nd_bundle_progress_fn fn, void *arg);

/*
 * arg is a bundle folder or a .tar.gz of one (k8s/snapshot.h: extracted
 * into a private folder that nd_bundle_free removes).
 * -1 with e filled when arg does not exist, is neither, an archive is
 * refused, or it holds neither cluster/ nor nodes/. Loading problems inside are not failures:
 * they are in b->errors.
 */
int nd_bundle_load(const char *arg, struct nd_model *m, struct nd_bundle **out,
		   struct nd_err *e);
void nd_bundle_free(struct nd_bundle *b);

#endif
