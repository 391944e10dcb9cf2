/* SPDX-License-Identifier: MIT */
#ifndef ND_LIVE_H
#define ND_LIVE_H
/*
 * The live source: list the kinds netdiag reads from the API server,
 * several at once, page by page (limit/continue), each page decoded as it
 * streams in and handed on object by object; nothing holds a whole list.
 *
 * Per request: 401 -> fresh credentials and one retry; 429 and 5xx ->
 * retried with exponential backoff (honouring Retry-After), bounded;
 * a broken or truncated body -> the page is fetched again and the objects
 * already handed on are skipped; 410 Expired on a continue -> the list
 * starts again (the second time without limit, as client-go's pager does),
 * skipping what was handed on; 403 -> the kind is FORBIDDEN with the
 * user/verb/resource; 404 -> the API is not served (a CRD that is not
 * installed): ABSENT, not an error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/json.h"
#include "k8s/apierr.h"
#include "k8s/model.h"

struct nd_kubeconfig;
struct nd_err;

enum nd_live_state { ND_LIVE_OK = 0, ND_LIVE_FORBIDDEN, ND_LIVE_ABSENT, ND_LIVE_ERROR };

struct nd_live_kind {
	enum nd_kind kind;
	const char *path;            /* "/api/v1/pods" */
	const char *api_version;     /* "v1", "apps/v1" */
	const char *kind_name;       /* "Pod" */
	const char *file;            /* bundle file name: "pods" */
	/* results */
	enum nd_live_state state;
	struct nd_api_error err;     /* when not OK */
	size_t objects, pages;
	unsigned retries, restarts;
	int64_t ms;
};

/* The kinds netdiag reads, in a fresh array the caller frees. */
struct nd_live_kind *nd_live_kinds(size_t *n);

struct nd_live_opts {
	int64_t timeout_ms;          /* per request (connect and total); 0: 10 s */
	unsigned page_limit;         /* 0: 500 */
	unsigned parallel;           /* kinds at once; 0: 4 */
	unsigned max_retries;        /* per request; 0: 5 */
	int64_t max_backoff_ms;      /* 0: 10 s */
	/* Called when a kind is done (progress); may be NULL. */
	void (*on_kind_done)(void *ctx, const struct nd_live_kind *k);
	void *progress_ctx;
};

struct nd_live;

/* Resolve credentials and set up the client. -1 with e (kubeconfig errors). */
int nd_live_open(const struct nd_kubeconfig *kc, const struct nd_live_opts *o,
		 struct nd_live **out, struct nd_err *e);
void nd_live_free(struct nd_live *lv);

/*
 * List kinds[0..n) concurrently; each object goes to fn with the List's
 * kind ("PodList") as list_kind, on this thread. Per-kind outcomes are in
 * kinds[]. Returns the number of kinds read (OK or ABSENT); -1 with e when
 * none could be, naming the first failure (unreachable, TLS, 401...).
 */
int nd_live_list(struct nd_live *lv, struct nd_live_kind *kinds, size_t n,
		 nd_json_item_fn fn, void *ctx, struct nd_err *e);

/* nd_live_list into a model, then nd_model_finish(). */
int nd_live_load_model(struct nd_live *lv, struct nd_model *m, struct nd_live_kind *kinds,
		       size_t n, struct nd_err *e);

/* The protocol the server answered with ("HTTP/2", "HTTP/1.1"). */
const char *nd_live_protocol(const struct nd_live *lv);

/*
 * Which kinds a check reads (for marking it skipped when one of them could
 * not be listed). Bit i = enum nd_kind i. 0 for unknown checks.
 */
uint32_t nd_live_check_needs(const char *check_id);
/* Whether check_id is the check that emits finding code (same table). */
bool nd_live_check_emits(const char *check_id, const char *code);

#endif
