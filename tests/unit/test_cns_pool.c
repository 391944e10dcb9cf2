/* SPDX-License-Identifier: MIT */
/* CNS's pool arithmetic (checks.h, nd_cns_pool_eval), table-driven from the facts file §5. */
#include "checks/checks.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *what;
	int64_t batch, max, req_pct, rel_pct;   /* the NNC's scaler as written */
	int64_t requested, allocated, held;
	const char *nc_status;
	/* expected */
	int64_t min_free, max_free, e_batch, e_max;
	bool should;
	int64_t next;
	const char *request;
};

static const struct row rows[] = {
	/* facts §5: 16 x 50% = 8, 16 x 150% = 24 */
	{"the guide's example by the pods' count", 16, 250, 50, 150, 32, 32, 21, NULL,
	 8, 24, 16, 250, false, 0, "none"},
	{"below minFree: ask for the next batch", 16, 250, 50, 150, 32, 32, 30, NULL,
	 8, 24, 16, 250, true, 48, "not-asked"},
	{"asked and waiting", 16, 250, 50, 150, 48, 32, 32, NULL, 8, 24, 16, 250, false, 0, "pending"},
	{"capped at maxIPCount", 10, 30, 50, 150, 30, 30, 30, NULL, 5, 15, 10, 30, false, 0, "capped"},
	{"next batch capped", 16, 40, 50, 150, 32, 32, 30, NULL, 8, 24, 16, 40, true, 40, "not-asked"},
	{"refused", 16, 250, 50, 150, 48, 32, 32, "NCUpdateSubnetFullError", 8, 24, 16, 250, false, 0,
	 "refused"},
	{"success is no refusal", 16, 250, 50, 150, 16, 16, 4, "NCUpdateSuccess", 8, 24, 16, 250, false,
	 0, "none"},
	/* clamps: batch >= 1, request% in [1,100], release% >= request% + 100, max 250 when unset */
	{"unset scaler", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 1, 1, 250, false, 0, "none"},
	{"release below request+100", 20, 250, 80, 120, 40, 40, 10, NULL, 16, 36, 20, 250, false, 0, "none"},
	{"batch above max", 300, 250, 50, 150, 250, 250, 250, NULL, 125, 375, 250, 250, false, 0, "capped"},
	{"rounding 10 x 25% = 2.5 -> 3", 10, 250, 25, 150, 10, 10, 8, NULL, 3, 15, 10, 250, true, 20,
	 "not-asked"},
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		const struct row *w = &rows[i];
		struct nd_nnc_nc nc;
		struct nd_nnc n;
		struct nd_cns_pool p;

		memset(&nc, 0, sizeof(nc));
		memset(&n, 0, sizeof(n));
		nc.nassigned = (uint32_t)w->allocated;
		nc.status = w->nc_status;
		n.batch = w->batch;
		n.max_ips = w->max;
		n.request_pct = w->req_pct;
		n.release_pct = w->rel_pct;
		n.requested = w->requested;
		n.ncs = &nc;
		n.nncs = 1;
		nd_cns_pool_eval(&n, w->held, &p);
		print_message("%s\n", w->what);
		assert_int_equal(p.batch, w->e_batch);
		assert_int_equal(p.max_ips, w->e_max);
		assert_int_equal(p.min_free, w->min_free);
		assert_int_equal(p.max_free, w->max_free);
		assert_int_equal(p.allocated, w->allocated);
		assert_int_equal(p.expected_free, w->requested - w->held);
		assert_int_equal(p.should_request, w->should);
		if (w->should)
			assert_int_equal(p.next_request, w->next);
		assert_string_equal(p.request, w->request);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
