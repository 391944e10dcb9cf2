/* SPDX-License-Identifier: MIT */
#include "serve/faults.h"

#include <string.h>

#include "core/banned.h"

static bool prefixed(const char *path, const char *prefix)
{
	return prefix && *prefix && strncmp(path, prefix, strlen(prefix)) == 0;
}

bool nd_faults_any(const struct nd_faults *f)
{
	return f->latency_ms > 0 || f->hang_prefix || f->every_429 || f->expire_continue ||
	       f->truncate_prefix || f->fail500_prefix || f->sar_deny || f->hostile;
}

enum nd_fault nd_fault_pick(const struct nd_faults *f, struct nd_fault_state *st,
			    const char *path, bool has_continue)
{
	uint64_t n = atomic_fetch_add(&st->requests, 1) + 1;

	if (f->hostile && (!f->hostile_prefix || prefixed(path, f->hostile_prefix)))
		return ND_FAULT_HOSTILE;
	if (prefixed(path, f->hang_prefix))
		return ND_FAULT_HANG;
	if (prefixed(path, f->fail500_prefix))
		return ND_FAULT_500;
	if (f->every_429 && n % f->every_429 == 0)
		return ND_FAULT_429;
	if (f->expire_continue && has_continue && !atomic_exchange(&st->expired, true))
		return ND_FAULT_410;
	if (prefixed(path, f->truncate_prefix))
		return ND_FAULT_TRUNCATE;
	return ND_FAULT_NONE;
}
