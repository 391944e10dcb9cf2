/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_FAULTS_H
#define ND_SERVE_FAULTS_H
/*
 * Test-only fault injection for `serve`, so clients can be tested against
 * a misbehaving API server. Every switch is off by default.
 *
 *   latency_ms        every request waits this long before it is answered
 *   hang_prefix       a request whose path starts with it is never answered
 *                     (the connection stays open until the client gives up
 *                     or the server stops)
 *   every_429         every Nth authenticated request gets 429
 *                     TooManyRequests with "Retry-After: 1"
 *   expire_continue   the first list request carrying a continue token
 *                     gets 410 Expired (once per server run, so a client
 *                     that restarts its list gets through)
 *   truncate_prefix   responses on these paths stop after half the body
 *                     (the connection is closed short of Content-Length)
 *   fail500_prefix    requests on these paths get 500 InternalError
 *   sar_deny          every access review (SubjectAccessReview,
 *                     SelfSubjectAccessReview) answers allowed: false, as a
 *                     webhook authorizer (Azure RBAC) that disagrees with
 *                     the bundle's RBAC would
 *   hostile           an answer that attacks the client (serve/hostile.h),
 *                     on hostile_prefix when set, else on every path
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct nd_faults {
	int64_t latency_ms;
	const char *hang_prefix;
	uint32_t every_429;
	bool expire_continue;
	const char *truncate_prefix;
	const char *fail500_prefix;
	bool sar_deny;
	int hostile;                 /* enum nd_hostile, 0: off */
	const char *hostile_prefix;
};

struct nd_fault_state {
	atomic_uint_fast64_t requests;
	atomic_bool expired;
	atomic_uint_fast64_t hostile;   /* hostile answers given */
};

enum nd_fault {
	ND_FAULT_NONE = 0,
	ND_FAULT_HANG,
	ND_FAULT_500,
	ND_FAULT_429,
	ND_FAULT_410,
	ND_FAULT_TRUNCATE,
	ND_FAULT_HOSTILE,
};

/* The fault for one authenticated request (counts it for every_429). Thread-safe. */
enum nd_fault nd_fault_pick(const struct nd_faults *f, struct nd_fault_state *st,
			    const char *path, bool has_continue);
bool nd_faults_any(const struct nd_faults *f);

#endif
