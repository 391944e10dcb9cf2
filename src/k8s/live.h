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
 *
 * Nothing the server does makes a run outlast deadline_ms or its budgets:
 * a Retry-After longer than what is left is not waited for (the message
 * says both); a continue token seen before, more than max_pages pages,
 * more than max_objects objects, a page over max_page_bytes or inflating
 * like a bomb, headers over the HTTP client's ceiling, a drip: each ends
 * the kind with a message saying what was cut and why. A 2xx answer that
 * is not JSON names its Content-Type and first bytes and is not retried
 * (a syntax error is retried once: a proxy may have cut it).
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
	int64_t deadline_ms;         /* nd_now_ms() past which nothing is started or retried,
				      * and no request runs (--timeout, the whole run); 0: none */
	/* Budgets (issue 10): past one the kind is an ERROR that says what was cut. */
	size_t max_objects;          /* objects of all kinds together; 0: 500000 */
	unsigned max_pages;          /* pages (continue tokens) per kind; 0: 10000 */
	size_t max_page_bytes;       /* decoded bytes of one page; 0: 1 GiB */
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

/* ---- one request at a time ---- */
/*
 * POST body (len bytes of JSON) to path and wait for the answer: a create
 * such as an access review. The 2xx body (at most max bytes; 0: 1 MiB) goes
 * to *out (malloc'd, NUL-terminated; the caller frees). A 401 gets fresh
 * credentials and one retry. Returns 0, or -1 with ae filled (the HTTP
 * status and the Status reason and message, or the transport failure).
 */
int nd_live_post(struct nd_live *lv, const char *path, const char *body, size_t len,
		 size_t max, char **out, size_t *outlen, struct nd_api_error *ae);

/*
 * The same for any method: "GET" (body NULL), "POST", "DELETE" (a body, or
 * NULL with the options in the query). A non-2xx answer is -1 with ae->http
 * the status and ae->reason/message the Status's (409 AlreadyExists, 404
 * NotFound, 403 Forbidden with the user, verb and resource parsed).
 */
int nd_live_request(struct nd_live *lv, const char *method, const char *path, const char *body,
		    size_t len, size_t max, char **out, size_t *outlen, struct nd_api_error *ae);
/* A new deadline for what is started from now on (a command that runs in steps). */
void nd_live_set_deadline(struct nd_live *lv, int64_t deadline_ms);
/* Who the API server says the caller is (SelfSubjectReview, kubectl auth whoami). */
struct nd_whoami {
	const char *user;            /* from the arena */
	const char **groups;
	uint32_t ngroups;
};
struct nd_arena;
int nd_live_whoami(struct nd_live *lv, struct nd_arena *a, struct nd_whoami *out,
		   struct nd_api_error *ae);

/*
 * An access review: SubjectAccessReview for user (with groups as given:
 * the API server adds none), or SelfSubjectAccessReview for the caller
 * when user is NULL. A resource request (resource set) or a path.
 */
struct nd_access_review {
	const char *user;
	const char *const *groups;
	uint32_t ngroups;
	const char *verb, *group, *resource, *subresource, *name, *ns;
	const char *path;            /* non-resource request */
};
struct nd_access_answer {
	bool self;                   /* answered as SelfSubjectAccessReview */
	bool allowed, denied;        /* status.allowed, status.denied */
	char reason[512];            /* status.reason, "" when none */
	char evaluation_error[512];  /* status.evaluationError */
};
/* 0 with out filled, or -1 with ae (403: the caller may not ask; 404: not served). */
int nd_live_access_review(struct nd_live *lv, const struct nd_access_review *q,
			  struct nd_access_answer *out, struct nd_api_error *ae);

/*
 * ---- many small GETs at once (pods/{name}/log for the fleet) ----
 * Each path is fetched once, at most parallel at a time, every request
 * within the deadline; 429 and 5xx are retried with exponential backoff,
 * honouring Retry-After (as client-go does), a 401 once with fresh
 * credentials. A 2xx body is kept up to max bytes (its start; cut says
 * more came). fn is called once per path as it ends, on this thread, with
 * the body (NULL on failure, then ae says why); the body is freed after.
 * Nothing holds more than parallel bodies at a time.
 */
struct nd_live_get_opts {
	unsigned parallel;           /* 0: 32 */
	size_t max;                  /* per body; 0: 1 MiB */
	int64_t deadline_ms;         /* nd_now_ms() after which nothing starts or runs; 0: none */
	unsigned max_retries;        /* 0: 5 */
	/* counted */
	size_t requests, retries;
};
typedef void (*nd_live_got_fn)(void *ctx, size_t i, const char *body, size_t len, bool cut,
			       const struct nd_api_error *ae);
void nd_live_get_many(struct nd_live *lv, const char *const *paths, size_t n,
		      struct nd_live_get_opts *o, nd_live_got_fn fn, void *ctx);

/* The client of a live session set up by nd_live_source_open() (cmd.h), or NULL. */
struct nd_live_session;
struct nd_live *nd_live_session_client(const struct nd_live_session *s);

#endif
