/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the 403 Forbidden parser (bare message and JSON
 * Status body). A parse that succeeds must give NUL-terminated fields and a
 * request the RBAC engine can decide on an empty model; a failure must say
 * why.
 */
#include "policy/rbac.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "k8s/model.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nd_model *m;
	struct nd_forbidden f;
	struct nd_err e = { "" };
	int rc;

	if (!m) {
		m = nd_model_new();
		nd_model_finish(m);
	}
	rc = size && data[0] == '{' ? nd_rbac_parse_status((const char *)data, size, &f, &e)
				    : nd_rbac_parse_forbidden((const char *)data, size, &f, &e);
	if (rc == 0) {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_rbac *r = nd_rbac_new(m);
		struct nd_rbac_user u;
		struct nd_rbac_req q;
		struct nd_rbac_result res;

		if (memchr(f.user, 0, sizeof(f.user)) == NULL || memchr(f.path, 0, sizeof(f.path)) == NULL)
			abort();
		nd_rbac_forbidden_request(&f, a, &u, &q);
		nd_rbac_check(r, &u, &q, a, &res);
		if (res.allowed && !res.superuser)
			abort();        /* nothing is bound in an empty model */
		(void)nd_rbac_fix_yaml(&u, &q, a);
		(void)nd_rbac_reason(&u, &q, &res, a);
		nd_rbac_free(r);
		nd_arena_free(a);
	} else if (!e.msg[0]) {
		abort();
	}
	return 0;
}
