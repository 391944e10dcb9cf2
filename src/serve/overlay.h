/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_OVERLAY_H
#define ND_SERVE_OVERLAY_H
/*
 * `serve --writable`: an in-memory overlay of created objects over the
 * replayed bundle, so a writer (`netdiag fleet run`, `kubectl apply -f`,
 * `kubectl delete -f`) can be tested against real parts. The bundle and
 * the store are never modified; without --writable serve stays read-only
 * (every write is 405 MethodNotAllowed).
 *
 * Writable resources: namespaces, serviceaccounts, roles, rolebindings,
 * clusterroles, clusterrolebindings, daemonsets (nd_overlay_writable).
 * Semantics, as the API server's (facts §9, API conventions):
 *  - POST to the collection: 201 Created with the object, metadata.uid
 *    (a random UUID), resourceVersion (counting on from the bundle's
 *    largest), creationTimestamp (the replay's clock: the bundle's
 *    collection time when known, else now) and, for DaemonSets,
 *    generation 1 filled; client-set values of those are replaced and a
 *    sent status is dropped. A Namespace gets the kubernetes.io/metadata.name
 *    label, spec.finalizers [kubernetes] and status.phase Active.
 *    dryRun=All answers the same and stores nothing.
 *  - 409 AlreadyExists when the bundle or the overlay holds the name;
 *    404 NotFound when a namespaced object's namespace does not exist (a
 *    Namespace object in the bundle or the overlay, or, for bundles
 *    collected without Namespace objects, a namespace some bundle object
 *    lives in); 400 BadRequest for a body that is not a JSON object, a
 *    kind or apiVersion that is not the collection's, a namespace that
 *    differs from the path's; 422 Invalid for a missing or malformed name;
 *    413 past the body ceiling.
 *  - DELETE of a created object: 200 with a Success Status naming it.
 *    Deletion is immediate (any propagationPolicy: the bundle's pods are
 *    the replay's, not the DaemonSet's), except that a deleted Namespace's
 *    contents stay for 2 s, as the namespace controller removes them after
 *    the Namespace, so 'kubectl delete -f' can delete them one by one.
 *    404 NotFound for a name held by nothing; 405 for an object of the
 *    bundle (the replay is fixed).
 *  - GET and list see the bundle's objects and the created ones together,
 *    sorted by namespace and name, with label and field selectors, limit
 *    and continue, as JSON or as a Table.
 *  - A created DaemonSet's status is computed from the replay: its
 *    desiredNumberScheduled is the nodes the DaemonSet controller would
 *    place it on (k8s/sched.h, over the bundle's nodes), current and
 *    updated the bundle's pods in its namespace that its selector matches
 *    on those nodes, numberReady/numberAvailable those Ready,
 *    numberMisscheduled matching pods on other nodes. So the replayed
 *    agents "run" as soon as it is created, and their logs are the
 *    bundle's logs/.
 *
 * Thread-safe (one mutex): serve answers on many threads. At most 10,000
 * objects (then 500 InternalError, saying so).
 */
#include <stdbool.h>

struct nd_store;
struct nd_sres;
struct nd_api_req;
struct nd_api_resp;
struct nd_overlay;

struct nd_overlay *nd_overlay_new(const struct nd_store *s);
void nd_overlay_free(struct nd_overlay *ov);   /* NULL: no-op */

/* Whether r can be written through the overlay. */
bool nd_overlay_writable(const struct nd_sres *r);

/* POST to r's collection (in ns, NULL for cluster scope); rq->body is the object. */
void nd_overlay_create(struct nd_overlay *ov, const struct nd_api_req *rq,
		       const struct nd_sres *r, const char *ns, struct nd_api_resp *out);
/* DELETE ns/name of r. */
void nd_overlay_delete(struct nd_overlay *ov, const struct nd_api_req *rq,
		       const struct nd_sres *r, const char *ns, const char *name,
		       struct nd_api_resp *out);
/* GET ns/name of r: true (out filled) when the overlay holds it. */
bool nd_overlay_get(struct nd_overlay *ov, const struct nd_api_req *rq,
		    const struct nd_sres *r, const char *ns, const char *name,
		    struct nd_api_resp *out);
/* List r (ns NULL: every namespace): true (out filled) when the overlay holds any of r. */
bool nd_overlay_list(struct nd_overlay *ov, const struct nd_api_req *rq,
		     const struct nd_sres *r, const char *ns, struct nd_api_resp *out);

#endif
