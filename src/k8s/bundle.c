/* SPDX-License-Identifier: MIT */
#include "k8s/bundle.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "core/intern.h"
#include "core/num.h"
#include "core/json.h"
#include "k8s/bundle_int.h"
#include "k8s/model.h"
#include "k8s/snapshot.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_DEPTH 8

static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = nd_xmalloc(la + lb + 2);

	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

void nd_bundle_add_error(struct nd_bundle *b, const char *file, const char *msg)
{
	if (b->nerrors >= MAX_ERRORS) {
		b->errors_dropped++;
		return;
	}
	b->errors = nd_xrealloc(b->errors, (b->nerrors + 1) * sizeof(*b->errors));
	b->errors[b->nerrors].file = nd_xstrdup(file);
	b->errors[b->nerrors].msg = nd_xstrdup(msg);
	b->nerrors++;
}

struct load_ctx {
	struct nd_bundle *b;
	struct nd_model *m;
	const char *file;
	size_t size;            /* of the file, for progress; 0: no reports */
};

/*
 * What the model never reads, so the decoder checks it fast and builds
 * nothing for it (nd_json_stream_opts.skip_paths): managedFields are half
 * of every object; the rest is pod and node detail no check looks at (a
 * template's tolerations and affinity are read: where a DaemonSet runs).
 * Paths are from each object's root, arrays passed through.
 */
#define CONTAINER_DETAIL(pfx) \
	pfx ".env", pfx ".envFrom", pfx ".resources", pfx ".livenessProbe", \
	pfx ".readinessProbe", pfx ".startupProbe", pfx ".volumeMounts", \
	pfx ".volumeDevices", pfx ".securityContext", pfx ".lifecycle"
static const char *const skip_paths[] = {
	"metadata.managedFields",
	"spec.volumes", "spec.tolerations", "spec.affinity", "spec.securityContext",
	"spec.topologySpreadConstraints", "spec.dnsConfig", "spec.imagePullSecrets",
	CONTAINER_DETAIL("spec.containers"),
	"spec.containers.command", "spec.containers.args",
	CONTAINER_DETAIL("spec.initContainers"),
	CONTAINER_DETAIL("spec.ephemeralContainers"),
	"spec.template.spec.volumes",
	CONTAINER_DETAIL("spec.template.spec.containers"),
	CONTAINER_DETAIL("spec.template.spec.initContainers"),
	"status.containerStatuses.lastState", "status.containerStatuses.imageID",
	"status.images", "status.volumesAttached", "status.volumesInUse",
	/* the small members of every pod that no decoder reads (issue 16) */
	"metadata.generateName", "metadata.resourceVersion",
	"spec.dnsPolicy", "spec.enableServiceLinks", "spec.preemptionPolicy", "spec.priority",
	"spec.restartPolicy", "spec.schedulerName", "spec.serviceAccount",
	"spec.terminationGracePeriodSeconds",
	"spec.containers.imagePullPolicy", "spec.containers.terminationMessagePath",
	"spec.containers.terminationMessagePolicy",
	"status.conditions.lastProbeTime", "status.conditions.lastTransitionTime",
	"status.conditions.lastHeartbeatTime", "status.conditions.message",
	"status.conditions.reason",
	"status.containerStatuses.containerID", "status.containerStatuses.image",
	"status.containerStatuses.name", "status.containerStatuses.ready",
	"status.containerStatuses.restartCount", "status.containerStatuses.started",
	"status.initContainerStatuses", "status.hostIP", "status.hostIPs", "status.qosClass",
	"status.startTime",
	NULL,
};
const struct nd_json_stream_opts nd_bundle_stream_opts = {.skip_paths = skip_paths};

static nd_bundle_progress_fn progress_fn;
static void *progress_arg;

void nd_bundle_set_progress(nd_bundle_progress_fn fn, void *arg)
{
	progress_fn = fn;
	progress_arg = arg;
}

static int on_object(const struct nd_json *obj, size_t off, const char *list_kind,
		     void *ctx, struct nd_err *e)
{
	struct load_ctx *lc = ctx;
	struct nd_err oe;

	struct obj_names on;
	uint64_t key;
	bool noted;

	lc->b->objects++;
	/* the tables the object goes into are far larger than the caches: the
	 * slots of its own name and IP in the string table, and its own in the
	 * seen table, are fetched while it is decoded */
	{
		const struct nd_json *nm = nd_json_path(obj, "metadata", "name", NULL);
		const struct nd_json *ip = nd_json_path(obj, "status", "podIP", NULL);

		if (nm && nm->type == ND_JSTR)
			nd_intern_prefetch(lc->m->strings, nm->u.s, nm->n);
		if (ip && ip->type == ND_JSTR)
			nd_intern_prefetch(lc->m->strings, ip->u.s, ip->n);
	}
	noted = lc->b->seen && nd_seen_key(obj, list_kind, &on, &key);
	if (noted && nd_seen_home(lc->b->seen, key))
		__builtin_prefetch(nd_seen_home(lc->b->seen, key), 1);
	if (progress_fn && lc->size && (lc->b->objects & 1023) == 0)
		progress_fn(lc->file, off, lc->size, progress_arg);
	if (nd_model_add_object(lc->m, obj, list_kind, &oe) < 0) {
		char msg[sizeof(oe.msg) + 1100];

		snprintf(msg, sizeof(msg), _("'%.*s': object at byte %zu: %s"), 1000, lc->file, off,
			 oe.msg);
		nd_bundle_add_error(lc->b, lc->file, msg);
	}
	if (noted)
		nd_seen_note(lc->b, obj, &on, key, lc->file, off);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir, without . and .. ; NULL with e on failure. */
static char **list_dir(const char *dir, size_t *n, struct nd_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d) {
		nd_err_set(e, _("cannot open '%s': %s"), dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ND_GROW(names, cap, *n + 1);
		names[(*n)++] = nd_xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	else
		names = nd_xcalloc(1, sizeof(*names));
	return names;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Files this large are read by several threads (nd_json_stream_file_pieces):
 * 1 MiB, so that nodes, endpoints, EndpointSlices and Services are split
 * like pods and the second core is not idle while they load (its start
 * costs well under a millisecond). NETDIAG_SPLIT_MIN (bytes) sets it, for tests.
 */
/* The bytes an environment variable gives (for tests), or def. */
static size_t env_bytes(const char *name, size_t def)
{
	const char *v = getenv(name);
	int64_t n;

	if (v && nd_parse_i64(v, strlen(v), 1, INT64_MAX, &n) == 0)
		return (size_t)n;
	return def;
}

static size_t split_min(void)
{
	return env_bytes("NETDIAG_SPLIT_MIN", (size_t)1 << 20);
}

/* What one piece of a file read by several threads decodes into: its own
 * bundle (problems, seen table) and model, added to the real ones in order. */
struct piece_ctx {
	struct load_ctx lc;     /* first: the stream's context is this */
	struct nd_bundle b;
	struct nd_bundle_seen seen;
	struct nd_model *m;
};

struct pieces_arg {
	struct nd_model *m;
	const char *path;
};

static void *piece_open(void *arg)
{
	struct pieces_arg *pa = arg;
	struct piece_ctx *pc = nd_xcalloc(1, sizeof(*pc));

	pc->m = nd_model_new_child(pa->m);
	pc->b.seen = &pc->seen;
	pc->lc = (struct load_ctx){.b = &pc->b, .m = pc->m, .file = pa->path};
	return pc;
}

/* A used piece after what was read before it: its objects, problems and
 * duplicates (within it, then against everything before it). */
static void piece_absorb(struct nd_bundle *b, struct nd_model *m, struct piece_ctx *pc,
			 const char *path)
{
	size_t i;

	nd_model_absorb(m, pc->m);
	pc->m = NULL;
	b->objects += pc->b.objects;
	for (i = 0; i < pc->b.nerrors; i++)
		nd_bundle_add_error(b, pc->b.errors[i].file, pc->b.errors[i].msg);
	b->errors_dropped += pc->b.errors_dropped;
	for (i = 0; i < pc->b.nconflicts; i++)
		if (b->nconflicts < MAX_ERRORS) {
			b->conflicts = nd_xrealloc(b->conflicts, (b->nconflicts + 1) *
						   sizeof(*b->conflicts));
			b->conflicts[b->nconflicts++] = pc->b.conflicts[i];
			pc->b.conflicts[i] = (struct nd_bundle_error){0};
		}
	nd_seen_merge(b, &pc->seen, path);
}

static void piece_free(struct piece_ctx *pc)
{
	size_t i;

	nd_model_free(pc->m);
	for (i = 0; i < pc->b.nerrors; i++) {
		free(pc->b.errors[i].file);
		free(pc->b.errors[i].msg);
	}
	free(pc->b.errors);
	for (i = 0; i < pc->b.nconflicts; i++) {
		free(pc->b.conflicts[i].file);
		free(pc->b.conflicts[i].msg);
	}
	free(pc->b.conflicts);
	for (i = 0; i < pc->seen.nfiles; i++)
		free(pc->seen.files[i]);
	free(pc->seen.files);
	free(pc->seen.v);
	free(pc);
}

/* Bytes per piece of a file read by several threads; NETDIAG_SPLIT_PIECE
 * sets it, for tests (1: as many pieces as there may be). */
static size_t split_piece(void)
{
	return env_bytes("NETDIAG_SPLIT_PIECE", 0);
}

static void load_split(struct nd_bundle *b, struct nd_model *m, const char *path, size_t size)
{
	struct load_ctx lc = {.b = b, .m = m, .file = path, .size = size};
	struct pieces_arg pa = {.m = m, .path = path};
	struct nd_json_pieces pcs = {.fn = on_object, .open = piece_open, .arg = &pa,
				     .piece = split_piece()};
	struct nd_err e;
	ssize_t n;
	size_t i;

	nd_intern_set_shared(m->strings, true);
	n = nd_json_stream_file_pieces(path, &nd_bundle_stream_opts, on_object, &lc, &pcs, &e);
	nd_intern_set_shared(m->strings, false);
	for (i = 0; i < pcs.n; i++) {
		if (pcs.used[i])
			piece_absorb(b, m, pcs.ctx[i], path);
		piece_free(pcs.ctx[i]);
	}
	free(pcs.ctx);
	free(pcs.used);
	if (n < 0)
		nd_bundle_add_error(b, path, e.msg);
}

static void load_tree(struct nd_bundle *b, struct nd_model *m, struct nd_walk *w,
		      const char *dir, int depth)
{
	struct nd_err e;
	size_t n, i;
	char **names = list_dir(dir, &n, &e);

	if (!names) {
		nd_bundle_add_error(b, dir, e.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		char *p = path_join(dir, names[i]);
		size_t len = strlen(names[i]);
		struct stat st;
		char msg[8400];
		enum nd_walk_verdict wv = nd_walk_entry(w, p, &st, msg, sizeof(msg));

		if (wv == ND_WALK_BAD) {
			nd_bundle_add_error(b, p, msg);
		} else if (wv == ND_WALK_AGAIN) {
			/* the same file under a second name: its objects are in already */
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < MAX_DEPTH)
				load_tree(b, m, w, p, depth + 1);
		} else if (S_ISREG(st.st_mode) && len > 5 &&
			   strcmp(names[i] + len - 5, ".json") == 0) {
			struct load_ctx lc = {.b = b, .m = m, .file = p, .size = (size_t)st.st_size};

			b->files++;
			if ((size_t)st.st_size >= split_min()) {
				load_split(b, m, p, (size_t)st.st_size);
			} else if (nd_json_stream_file(p, &nd_bundle_stream_opts, on_object, &lc, &e) < 0) {
				nd_bundle_add_error(b, p, e.msg);
			}
		}
		free(p);
	}
	free_names(names, n);
}

static int cmp_conflict(const void *a, const void *b)
{
	return strcmp(((const struct nd_bundle_error *)a)->msg,
		      ((const struct nd_bundle_error *)b)->msg);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Messages and file names say 'b.tar.gz/cluster/x.json', not the private folder. */
static void display_errors(struct nd_bundle *b)
{
	size_t i;

	for (i = 0; b->snap->tmp && i < b->nerrors; i++) {
		char *f = nd_snapshot_display(b->snap, b->errors[i].file);
		char *m = nd_snapshot_display(b->snap, b->errors[i].msg);

		free(b->errors[i].file);
		free(b->errors[i].msg);
		b->errors[i].file = f;
		b->errors[i].msg = m;
	}
}

int nd_bundle_load(const char *arg, struct nd_model *m, struct nd_bundle **out,
		   struct nd_err *e)
{
	struct nd_bundle *b;
	struct nd_snapshot *sn;
	char *cluster, *nodes, *aks;
	const char *dir;
	struct stat st;

	*out = NULL;
	if (nd_snapshot_open(arg, &sn, e) < 0)
		return -1;
	dir = sn->root;
	cluster = path_join(dir, "cluster");
	nodes = path_join(dir, "nodes");
	aks = path_join(dir, "aks.json");
	if (!is_dir(cluster) && !is_dir(nodes)) {
		free(cluster);
		free(nodes);
		free(aks);
		nd_snapshot_close(sn);
		return nd_err_set(e, _("'%s' is not a netdiag bundle: it has no cluster/ or nodes/ "
				  "folder (see 'netdiag collect')"), arg);
	}
	b = nd_xcalloc(1, sizeof(*b));
	b->seen = nd_xcalloc(1, sizeof(*b->seen));
	b->snap = sn;
	b->dir = nd_xstrdup(dir);
	if (is_dir(cluster)) {
		struct nd_walk w;
		struct stat cst;
		char msg[8400];

		if (nd_walk_init(&w, dir, e) < 0) {
			nd_bundle_add_error(b, cluster, e->msg);
		} else {
			nd_walk_entry(&w, cluster, &cst, msg, sizeof(msg));   /* cluster/ itself */
			load_tree(b, m, &w, cluster, 0);
			nd_walk_release(&w);
		}
	}
	if (stat(aks, &st) == 0 && S_ISREG(st.st_mode)) {
		b->aks_path = aks;
		aks = NULL;
	}
	if (is_dir(nodes)) {
		size_t n, i;
		char **names = list_dir(nodes, &n, e);

		for (i = 0; names && i < n; i++) {
			char *p = path_join(nodes, names[i]);

			if (!is_dir(p)) {
				free(p);
				continue;
			}
			b->nodes = nd_xrealloc(b->nodes, (b->nnodes + 1) * sizeof(*b->nodes));
			b->nodes[b->nnodes].name = nd_xstrdup(names[i]);
			b->nodes[b->nnodes].dir = p;
			b->nnodes++;
		}
		if (names)
			free_names(names, n);
		else
			nd_bundle_add_error(b, nodes, e->msg);
	}
	display_errors(b);
	/* in one order whether a file was read by one thread or two */
	if (b->nconflicts > 1)
		qsort(b->conflicts, b->nconflicts, sizeof(*b->conflicts), cmp_conflict);
	for (size_t i = 0; b->snap->tmp && i < b->nconflicts; i++) {
		char *f = nd_snapshot_display(b->snap, b->conflicts[i].file);
		char *msg = nd_snapshot_display(b->snap, b->conflicts[i].msg);

		free(b->conflicts[i].file);
		free(b->conflicts[i].msg);
		b->conflicts[i].file = f;
		b->conflicts[i].msg = msg;
	}
	nd_seen_free(b->seen);
	b->seen = NULL;
	nd_model_finish(m);
	free(cluster);
	free(nodes);
	free(aks);
	*out = b;
	return 0;
}

void nd_bundle_free(struct nd_bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nerrors; i++) {
		free(b->errors[i].file);
		free(b->errors[i].msg);
	}
	for (i = 0; i < b->nconflicts; i++) {
		free(b->conflicts[i].file);
		free(b->conflicts[i].msg);
	}
	free(b->conflicts);
	nd_seen_free(b->seen);
	for (i = 0; i < b->nnodes; i++) {
		free(b->nodes[i].name);
		free(b->nodes[i].dir);
	}
	free(b->errors);
	free(b->nodes);
	free(b->aks_path);
	free(b->dir);
	nd_snapshot_close(b->snap);
	free(b);
}
