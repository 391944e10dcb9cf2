/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_OPENAPI_H
#define ND_SERVE_OPENAPI_H
/*
 * OpenAPI v3 discovery, as much of it as kubectl reads before it writes:
 * /openapi/v3 lists one document per served group version, and
 * /openapi/v3/api/v1 or /openapi/v3/apis/G/V holds, for each resource, its
 * object path with the get and patch operations, each tagged with
 * x-kubernetes-group-version-kind and x-kubernetes-action, and patch's
 * query parameters (dryRun, fieldManager, fieldValidation, force). A real
 * API server (1.27+) answers the same paths; kubectl sees fieldValidation
 * on patch, leaves field validation to the server and does not ask for the
 * protobuf /openapi/v2 (which serve does not serve). No schemas are
 * published (components.schemas is empty): 'kubectl explain' is not
 * answered. The documents describe the replayed cluster's API; serve itself
 * still refuses every write (405).
 *
 * The root names each document with ?hash=<16 hex digits> of its bytes, so
 * kubectl's cache follows the store.
 */
struct nd_buf;
struct nd_store;

void nd_openapi_root(const struct nd_store *s, struct nd_buf *b);
/* group "" with version "v1" is the core group; -1 when the store does not serve it */
int nd_openapi_gv(const struct nd_store *s, const char *group, const char *version,
		  struct nd_buf *b);

#endif
