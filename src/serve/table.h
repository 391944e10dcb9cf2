/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_TABLE_H
#define ND_SERVE_TABLE_H
/*
 * Server-side printing: the meta.k8s.io Table that `kubectl get` asks for
 * (Accept: application/json;as=Table;v=v1;g=meta.k8s.io), so a served
 * bundle prints the columns a cluster prints: pods NAME READY STATUS
 * RESTARTS AGE (and IP, NODE, NOMINATED NODE, READINESS GATES with -o wide,
 * the priority-1 columns), services, endpoints, endpointslices, nodes,
 * events, namespaces, daemonsets, deployments, replicasets, statefulsets,
 * networkpolicies, configmaps, serviceaccounts, RBAC objects, jobs, cronjobs,
 * ingresses, ingressclasses, PVCs, PVs, storageclasses, leases, PDBs,
 * replicationcontrollers, podtemplates, controllerrevisions, HPAs,
 * resourcequotas, limitranges and CRDs; a custom resource gets the printer
 * columns of its CustomResourceDefinition when the bundle holds it, and any
 * other kind NAME and AGE. Columns and cell rules are those of the Kubernetes API
 * server's printers (every cell is made, wide ones included, as the API
 * server does; kubectl hides priority 1 unless -o wide).
 *
 * Ages are measured from now_unix: when the bundle was collected
 * (collect-info.json), so a replayed bundle looks as the cluster did then.
 * Each row carries its object as PartialObjectMetadata (includeObject
 * Metadata, the default), the whole object (Object) or nothing (None).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_store;
struct nd_sres;
struct nd_buf;

/* The Table version an Accept header asks for first: "v1", "v1beta1", or NULL for none. */
const char *nd_table_wanted(const char *accept);

enum nd_table_include { ND_TABLE_METADATA = 0, ND_TABLE_OBJECT, ND_TABLE_NONE };
/* "Metadata", "Object", "None" (NULL: Metadata); -1 for anything else. */
int nd_table_include_parse(const char *s, enum nd_table_include *out);

/*
 * The Table of r's objects items[0..n) (indexes into s->objs) into b:
 * metadata holds resourceVersion and, when not NULL, continue and
 * remainingItemCount (remaining > 0). Returns 0, or -1 when an object
 * cannot be read back or b passed its ceiling.
 */
int nd_table_write(struct nd_buf *b, const struct nd_store *s, const struct nd_sres *r,
		   const uint32_t *items, size_t n, const char *version,
		   enum nd_table_include inc, const char *cont, uint32_t remaining,
		   int64_t now_unix);

/*
 * The same for objects given as their JSON (raw[i], len[i] bytes each):
 * the objects serve --writable created (overlay.h), with resourceVersion rv.
 */
int nd_table_write_raw(struct nd_buf *b, const struct nd_sres *r, const char *const *raw,
		       const size_t *len, size_t n, const char *version,
		       enum nd_table_include inc, const char *cont, uint64_t rv, int64_t now_unix);

/* Kubernetes' human duration of d seconds ("45s", "3m20s", "5h", "12d", "2y3d"). */
void nd_table_duration(int64_t d, char *out, size_t outlen);

#endif
