/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_OVERLAY_INT_H
#define ND_SERVE_OVERLAY_INT_H
/*
 * Inside the overlay (overlay.h): overlay.c creates and deletes,
 * overlay_read.c answers get and list. Every function here expects the
 * caller to hold ov->mu.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_store;
struct nd_sres;
struct nd_api_resp;

#define OV_MAX_DOC (8u << 20)

struct ovobj {
	const struct nd_sres *r;
	char *ns;                 /* "" for cluster scope */
	char *name;
	char *json;
	size_t len;
	char uid[37];
	int64_t doomed_ms;        /* its Namespace was deleted: removed at this time; 0 */
};

struct nd_overlay {
	const struct nd_store *s;
	pthread_mutex_t mu;
	struct ovobj *v;          /* sorted by (resource, ns, name) */
	size_t n, cap;
	uint64_t rv;
};

/* A Status answer; r and name, when given, fill its details. (No lock needed.) */
void nd_ov_status(struct nd_api_resp *out, int code, const char *reason,
		  const struct nd_sres *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Position of (r, ns, name) in ov->v, or where it would go; *found says which. */
size_t nd_ov_find(const struct nd_overlay *ov, const struct nd_sres *r, const char *ns,
		  const char *name, bool *found);
/* The namespace controller: contents of deleted Namespaces go once their grace ends. */
void nd_ov_sweep(struct nd_overlay *ov);

#endif
