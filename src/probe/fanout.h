/* SPDX-License-Identifier: MIT */
#ifndef ND_PROBE_FANOUT_H
#define ND_PROBE_FANOUT_H
/*
 * Many one-shot probes on one epoll loop (S3's live endpoint probes,
 * `service --probe`): each target is an address and a port, probed once
 *
 *  - TCP: a non-blocking connect; the connection is closed as soon as it is
 *    up (nothing is sent);
 *  - UDP DNS: one DNS query (A kubernetes.default.svc.cluster.local) on a
 *    connected UDP socket. Any answer with the query's id, whatever its
 *    rcode, means a DNS server listens; an ICMP port unreachable comes back
 *    as ECONNREFUSED, i.e. nothing listens.
 *
 * Bounds: at most `concurrency` probes are in flight (the socket budget);
 * each has `probe_ms` from its start; none outlives `deadline`, the whole
 * run's --timeout. A probe whose own window the deadline cut short and that
 * got no answer is ND_FAN_CUT, not a timeout: it proves nothing about the
 * target. A probe the deadline left no time to start is ND_FAN_NOT_RUN.
 * Neither may be read as a verdict on the target.
 *
 * Library code: results are values in the targets; nothing is printed.
 */
#include <stddef.h>
#include <stdint.h>

struct nd_err;

#define ND_FAN_DEFAULT_CONCURRENCY 512
#define ND_FAN_DEFAULT_PROBE_MS 2000
/* A window shorter than this (cut by the deadline) is not worth starting. */
#define ND_FAN_MIN_WINDOW_MS 50

enum nd_fan_kind { ND_FAN_TCP = 0, ND_FAN_UDP_DNS };

enum nd_fan_result {
	ND_FAN_NOT_RUN = 0,   /* the deadline came before it could start */
	ND_FAN_OK,            /* connected; a DNS answer came back */
	ND_FAN_REFUSED,       /* RST (or REJECT --reject-with tcp-reset); ICMP port unreachable */
	ND_FAN_TIMEOUT,       /* no answer within its own window: dropped on the way */
	ND_FAN_UNREACHABLE,   /* no route; host, network or admin unreachable; a local DROP */
	ND_FAN_CUT,           /* no answer yet when the overall deadline ended it */
	ND_FAN_ERROR,         /* a local failure: socket, file limit, bad address */
};
/* "not-run", "ok", "refused", "timeout", "unreachable", "cut", "error" */
const char *nd_fan_result_name(enum nd_fan_result r);

/* The outcome an errno of connect(), SO_ERROR or recv() stands for (0: ok). */
enum nd_fan_result nd_fan_classify(int err);

/* True when the result says something about the target (not cut, not run, not local). */
int nd_fan_decided(enum nd_fan_result r);

struct nd_fan_target {
	char ip[46];                 /* IPv4 or IPv6 literal */
	uint16_t port;
	uint8_t kind;                /* enum nd_fan_kind */
	/* filled by nd_fan_run */
	uint8_t result;              /* enum nd_fan_result */
	int err;                     /* the errno behind a failure, 0 else */
	int32_t ms;                  /* from its start to its outcome */
};

struct nd_fan_opts {
	size_t concurrency;          /* 0: ND_FAN_DEFAULT_CONCURRENCY; never above half the
				      * open-file limit */
	int64_t probe_ms;            /* 0: ND_FAN_DEFAULT_PROBE_MS */
	int64_t deadline;            /* monotonic ms (nd_now_ms) when all must end; 0: none */
	/* called about every 200 ms with how many have an outcome, or NULL */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

struct nd_fan_stats {
	size_t started, finished;    /* finished: an outcome other than cut/not-run */
	size_t max_inflight;         /* the most probes in flight at once */
	size_t concurrency;          /* the bound that was used */
	int64_t ms;                  /* the whole run */
};

/*
 * Probe every target (in order of the array, up to the bound at a time)
 * and fill its result. Returns 0, or -1 with e filled when the loop could
 * not be set up (then every target is ND_FAN_NOT_RUN). stats may be NULL.
 */
int nd_fan_run(struct nd_fan_target *t, size_t n, const struct nd_fan_opts *o,
	       struct nd_fan_stats *stats, struct nd_err *e);

/* --- bookkeeping, exposed for the unit tests ------------------------------ */

#define ND_FAN_NONE UINT32_MAX

/*
 * The in-flight table: cap slots, each either free or holding one probe.
 * Busy slots are on a list in start order; since every probe has the same
 * window, the first on the list is always the next to expire. All
 * operations are O(1).
 */
struct nd_fan_slot {
	int fd;
	size_t target;               /* index into the targets */
	int64_t started, expires;    /* monotonic ms */
	uint8_t cut;                 /* the deadline shortened its window */
	uint16_t dns_id;
	uint32_t prev, next;         /* the busy list, or the free list (next only) */
};

struct nd_fan_slots {
	struct nd_fan_slot *v;
	uint32_t cap, busy;
	uint32_t head, tail;         /* oldest and newest busy slot */
	uint32_t free;               /* first free slot */
};

/* Allocate cap slots (all free). -1 when cap is 0 or too large. */
int nd_fan_slots_init(struct nd_fan_slots *s, uint32_t cap);
void nd_fan_slots_release(struct nd_fan_slots *s);
/* Take a free slot and append it to the busy list; ND_FAN_NONE when all are busy. */
uint32_t nd_fan_slot_take(struct nd_fan_slots *s, size_t target, int fd, int64_t expires);
/* Unlink busy slot i and free it. */
void nd_fan_slot_put(struct nd_fan_slots *s, uint32_t i);
/* The oldest busy slot, ND_FAN_NONE when none is busy. */
uint32_t nd_fan_slot_oldest(const struct nd_fan_slots *s);

/* The DNS query a UDP probe sends (id in network order at the front); returns its length. */
size_t nd_fan_dns_query(uint16_t id, unsigned char *buf, size_t cap);
/* 1 when buf is an answer to query id (QR set, same id), 0 otherwise. */
int nd_fan_dns_is_answer(uint16_t id, const unsigned char *buf, size_t len);

#endif
