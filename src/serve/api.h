/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_API_H
#define ND_SERVE_API_H
/*
 * The read-only Kubernetes API over a store, without any HTTP library:
 * a request (method, path, the query parameters that matter, the user)
 * goes in, a status code and a body come out. http.c puts it on the wire;
 * tests call it directly.
 *
 * Answers: discovery (discovery.h); list and get of every resource, in a
 * namespace or across all, as JSON or, when Accept asks, as the Table
 * kubectl prints (table.h); labelSelector, fieldSelector, limit/continue;
 * errors as Status objects (reference facts §9): 400 BadRequest, 403
 * Forbidden (Secrets, and resources named in forbid[]), 404 NotFound,
 * 405 MethodNotAllowed (any verb but GET/HEAD, and watch). With an
 * overlay (serve --writable, overlay.h), POST and DELETE of its writable
 * resources create and delete objects over the bundle, and get and list
 * see them.
 * The one exception to read-only: access reviews (sar.c) are POSTed, as
 * on a real API server, and answered from the bundle's RBAC objects;
 * nothing is stored.
 *
 * A body is produced as it is sent: a list keeps its object indexes only
 * and reads each object from the spool when its bytes are asked for.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_store;
struct nd_overlay;

struct nd_body;
uint64_t nd_body_size(const struct nd_body *b);
/* Copy up to max bytes from offset pos; returns bytes copied, 0 at the end, -1 on error. */
long nd_body_read(struct nd_body *b, uint64_t pos, char *buf, size_t max);
void nd_body_free(struct nd_body *b);
/* A body of n bytes at p (malloc'd; taken over). */
struct nd_body *nd_body_bytes(char *p, size_t n);

struct nd_serve_rbac;

struct nd_api {
	const struct nd_store *s;
	const char *server;            /* "127.0.0.1:6443", for /api */
	const char *const *forbid;     /* plurals answered 403 for every user */
	size_t nforbid;
	const struct nd_serve_rbac *rbac;  /* access reviews (sar.c); NULL: 404 */
	bool sar_deny;                 /* fault: every access review says no */
	const char *logs_dir;          /* the bundle's logs/ (pods/{name}/log), or NULL */
	struct nd_overlay *ov;         /* serve --writable (overlay.h); NULL: read-only */
};

struct nd_api_req {
	const char *method;            /* "GET" ... */
	const char *path;              /* decoded path, no query */
	const char *label_selector;    /* query parameters, NULL when absent */
	const char *field_selector;
	const char *limit;
	const char *cont;
	const char *watch;
	const char *tail_lines;        /* pods/{name}/log: tailLines, limitBytes, container */
	const char *limit_bytes;
	const char *container;
	const char *accept;            /* the Accept header: a meta.k8s.io Table (table.h)? */
	const char *include_object;    /* includeObject, for a Table */
	const char *user;              /* authenticated user, for 403 messages */
	const char *dry_run;           /* dryRun (writes with --writable): "All" stores nothing */
	const char *body;              /* POST body (access reviews), or NULL */
	size_t body_len;
	bool body_toobig;              /* the body passed the server's ceiling */
};

struct nd_api_resp {
	int code;
	const char *content_type;
	struct nd_body *body;          /* owned by the caller after nd_api_handle */
};

/* Paths anyone may read (like system:public-info-viewer): /version, /healthz, /livez, /readyz. */
bool nd_api_public(const char *path);
void nd_api_handle(const struct nd_api *api, const struct nd_api_req *rq,
		   struct nd_api_resp *out);

/*
 * A Status body (kind Status, status Failure). details_json is the inside
 * of "details" without braces ("\"name\":\"x\",\"kind\":\"pods\""), or NULL;
 * cont, when not NULL, goes to metadata.continue.
 */
struct nd_body *nd_api_status(int code, const char *reason, const char *message,
			      const char *details_json, const char *cont);

/*
 * GET pods/{name}/log (logs.c): the bundle's logs/<namespace>/<pod>.log
 * (or logs/<namespace>/<pod>/<container>.log when ?container= names one and
 * it exists), as text/plain, with tailLines (the last N lines) and
 * limitBytes (the first N bytes of that) as the kubelet applies them. 404
 * when the pod is not in the bundle or its log was not collected; 400 for
 * a malformed parameter. Files are read up to 256 MiB.
 */
void nd_api_pod_log(const struct nd_api *api, const struct nd_api_req *rq, const char *ns,
		    const char *name, struct nd_api_resp *out);

/* ---- access reviews (sar.c) ---- */
/*
 * The RBAC objects of the store (Roles, ClusterRoles and their bindings)
 * decoded into a model with an RBAC engine, built once at start; NULL when
 * the store holds none (then access reviews answer 404, as when the API is
 * not served). Immutable after it is made: threads share it.
 */
struct nd_serve_rbac *nd_serve_rbac_new(const struct nd_store *s);
void nd_serve_rbac_free(struct nd_serve_rbac *r);
/* Whether method/path is an access review this server answers. */
bool nd_sar_path(const char *method, const char *path);
/*
 * POST /apis/authentication.k8s.io/v1/selfsubjectreviews (who rq->user is),
 * /apis/authorization.k8s.io/v1/selfsubjectaccessreviews (rq->user) and
 * subjectaccessreviews (spec.user, spec.groups): 201 with the review and
 * its status, or 400 for a body that is not a review.
 */
void nd_sar_handle(const struct nd_api *api, const struct nd_api_req *rq,
		   struct nd_api_resp *out);

#endif
