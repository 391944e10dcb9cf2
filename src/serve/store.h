/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_STORE_H
#define ND_SERVE_STORE_H
/*
 * The objects `netdiag serve` answers with, read once from a bundle.
 *
 * Memory stays bounded whatever the bundle size: each object is re-encoded
 * compactly (with "kind" and "apiVersion" added when a raw API list left
 * them out) into an unlinked spool file, and only an index entry is kept in
 * memory: resource, namespace, name, labels, the values of the fields a
 * field selector may name, and where the bytes are in the spool. Bodies are
 * read back with pread() as they are sent, so the process never holds a
 * whole list.
 *
 * Resources: the built-in table (resources.c) gives plural, short names,
 * scope and selectable fields of the kinds kubectl users ask for; a kind
 * found in the bundle that the table lacks gets a resource of its own
 * (plural by kubectl's rules, namespaced when its objects have a
 * namespace; names from a CustomResourceDefinition in the bundle win).
 * Secrets are never read: the resource exists and always answers 403.
 *
 * Objects of one resource are sorted by (namespace, name), as the API
 * server lists them; when two files hold the same object the last one
 * read (files in name order) wins, as in the model diagnose --snapshot
 * builds (k8s/model.h), and the others are counted in dups.
 *
 * After nd_store_load() the store is immutable: any number of threads may
 * read it. nd_store_free(NULL) is a no-op.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "k8s/labels.h"

struct nd_err;
struct nd_arena;
struct nd_intern;

#define ND_SRES_MAX_FIELDS 20

struct nd_sres {
	const char *group;        /* "" for the core group */
	const char *version;
	const char *kind;
	const char *plural;
	const char *singular;
	const char *shortnames;   /* comma-separated, or NULL */
	const char *categories;   /* comma-separated, or NULL */
	bool namespaced;
	bool forbidden;           /* never served (Secrets): always 403 */
	bool always;              /* advertised even with no objects */
	/*
	 * Field-selector labels beyond metadata.name / metadata.namespace, as
	 * "[!]label[=path]": path is the dotted JSON path when it differs from
	 * the label; "!" marks a boolean that reads "false" when absent.
	 */
	const char *fields[ND_SRES_MAX_FIELDS];
	uint32_t nfields;
	uint32_t *objs;           /* indexes into store->objs, sorted */
	uint32_t nobjs;
	size_t cap;
};

struct nd_sobj {
	const char *ns;           /* interned; "" for cluster-scoped objects */
	const char *name;         /* interned */
	struct nd_labels labels;
	const char **fvals;       /* parallel to the resource's fields; NULL = "" */
	uint64_t off;             /* bytes in the spool */
	uint32_t len;
	uint32_t res;
};

struct nd_store_opts {
	const char *spool_dir;    /* default $TMPDIR or /tmp */
	size_t max_objects;       /* ceiling; default 4,000,000 */
	size_t max_item;          /* largest single object; default 64 MiB */
};

#define ND_STORE_MAX_ERRORS 50

struct nd_store {
	struct nd_sres *res;
	size_t nres;
	struct nd_sobj *objs;
	size_t nobjs;
	int spool_fd;
	uint64_t spool_size;
	struct nd_arena *a;
	struct nd_intern *t;
	uint64_t max_rv;          /* largest metadata.resourceVersion seen (1 if none) */
	char kube_version[64];    /* highest kubelet version of the nodes, or "" */
	int64_t collected_at;     /* collect-info.json's collected_at (Unix s), 0: unknown */
	size_t files, skipped, dups, secrets;
	char *errors[ND_STORE_MAX_ERRORS];  /* "file: message", malloc'd */
	size_t nerrors, errors_dropped;
};

/*
 * Read dir/cluster/ **.json. -1 with e filled when dir has no cluster/
 * folder, the spool cannot be written, or a ceiling is passed. Files that
 * do not parse are listed in errors[]; the objects before the fault are
 * kept.
 */
int nd_store_load(const char *dir, const struct nd_store_opts *o, struct nd_store **out,
		  struct nd_err *e);
void nd_store_free(struct nd_store *s);

/* The resource of group/version with this plural, or NULL. */
const struct nd_sres *nd_store_resource(const struct nd_store *s, const char *group,
					const char *version, const char *plural);
/* Index into s->res, for continue tokens. */
uint32_t nd_store_res_id(const struct nd_store *s, const struct nd_sres *r);
/* Advertised in discovery: built-in "always" ones and any with objects. */
bool nd_store_res_visible(const struct nd_store *s, const struct nd_sres *r);

/* Positions [*lo, *hi) in r->objs of the objects in namespace ns (NULL = all). */
void nd_store_ns_range(const struct nd_store *s, const struct nd_sres *r, const char *ns,
		       uint32_t *lo, uint32_t *hi);
/* The object ns/name of r, or NULL. */
const struct nd_sobj *nd_store_get(const struct nd_store *s, const struct nd_sres *r,
				   const char *ns, const char *name);
/* Value of field label key for o ("" when absent), or NULL when r has no such field. */
const char *nd_store_field(const struct nd_store *s, const struct nd_sobj *o, const char *key);

/* Copy up to n bytes of o's encoding from byte at; returns bytes copied or -1. */
long nd_store_read(const struct nd_store *s, const struct nd_sobj *o, uint64_t at, void *buf,
		   size_t n);

/*
 * Object o read whole into *buf (grown to *cap as needed) and parsed into
 * root, in arena a (reset first). 0, or -1 when it cannot be read or parsed.
 */
struct nd_arena;
int nd_store_parse(const struct nd_store *s, const struct nd_sobj *o, char **buf, size_t *cap,
		   struct nd_arena *a, struct nd_json *root);

/* The built-in table (resources.c); nd_sres_builtin_count entries. */
extern const struct nd_sres nd_sres_builtin[];
extern const size_t nd_sres_builtin_count;
/* kubectl's plural of a kind: "NetworkPolicy" -> "networkpolicies". */
void nd_sres_plural(const char *kind, char *out, size_t outlen);

#endif
