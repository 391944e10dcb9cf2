/* SPDX-License-Identifier: MIT */
/* serve's connection keeper: caps, eviction order, the fresh deadline, pauses. */
#include "serve/conns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/banned.h"

#define MAXC 16

struct conn {
	int ours, peer;     /* the keeper gets ours; the test reads peer */
	void *rec;
};

struct fix {
	struct nd_conns *k;
	struct conn c[MAXC];
	int n;
};

static struct fix *fix_new(unsigned total, unsigned per_client, unsigned fresh_ms, bool blocking)
{
	struct nd_conns_opts o = {.total = total, .per_client = per_client, .fresh_ms = fresh_ms,
				  .idle_s = 60, .blocking = blocking};
	struct fix *f = calloc(1, sizeof(*f));
	struct nd_err e;

	assert_non_null(f);
	f->k = nd_conns_new(&o, &e);
	assert_non_null(f->k);
	return f;
}

static void fix_free(struct fix *f)
{
	for (int i = 0; i < f->n; i++) {
		nd_conns_gone(f->k, f->c[i].rec);
		close(f->c[i].ours);
		close(f->c[i].peer);
	}
	nd_conns_stop(f->k);
	nd_conns_free(f->k);
	free(f);
}

/* A connection from 10.0.0.host; its index. */
static int add(struct fix *f, int host)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int sv[2], i = f->n++;

	assert_true(i < MAXC);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	sa.sin_addr.s_addr = htonl(0x0a000000u | (unsigned)host);
	f->c[i].ours = sv[0];
	f->c[i].peer = sv[1];
	f->c[i].rec = nd_conns_add(f->k, sv[0], (struct sockaddr *)&sa);
	return i;
}

/* Did the keeper cut connection i (its peer reads the end)? */
static bool cut(struct fix *f, int i)
{
	char b;

	return read(f->c[i].peer, &b, 1) == 0;
}

static void per_client_evicts_the_oldest(void **state)
{
	struct fix *f = fix_new(100, 3, 60000, false);
	struct nd_conns_stats st;
	int a[4];

	for (int i = 0; i < 4; i++)
		a[i] = add(f, 1);
	assert_true(cut(f, a[0]));
	for (int i = 1; i < 4; i++)
		assert_false(cut(f, a[i]));
	nd_conns_stats(f->k, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.live, 3);
	fix_free(f);
}

static void authenticated_ones_stay(void **state)
{
	struct fix *f = fix_new(100, 2, 60000, false);
	int a1 = add(f, 1), a2, a3;

	assert_true(nd_conns_seen(f->k, f->c[a1].rec, true));
	assert_false(nd_conns_seen(f->k, f->c[a1].rec, true));   /* only once */
	a2 = add(f, 1);
	a3 = add(f, 1);
	assert_false(cut(f, a1));
	assert_true(cut(f, a2));
	assert_false(cut(f, a3));
	fix_free(f);
}

static void total_cap_spares_the_small_address(void **state)
{
	struct fix *f = fix_new(4, 100, 60000, false);
	int a1 = add(f, 1), a2 = add(f, 1), a3 = add(f, 1);
	int b1 = add(f, 2), b2 = add(f, 2);   /* the fifth: over the total */

	assert_true(cut(f, a1));
	assert_false(cut(f, a2));
	assert_false(cut(f, a3));
	assert_false(cut(f, b1));
	assert_false(cut(f, b2));
	fix_free(f);
}

static void a_full_server_of_authenticated_cuts_the_newcomer(void **state)
{
	struct fix *f = fix_new(2, 100, 60000, false);
	int a1 = add(f, 1), a2 = add(f, 2), a3;

	nd_conns_seen(f->k, f->c[a1].rec, true);
	nd_conns_seen(f->k, f->c[a2].rec, true);
	a3 = add(f, 3);
	assert_false(cut(f, a1));
	assert_false(cut(f, a2));
	assert_true(cut(f, a3));
	fix_free(f);
}

static void fresh_deadline_cuts_only_the_silent(void **state)
{
	struct fix *f = fix_new(100, 100, 200, false);
	struct nd_conns_stats st;
	int a1 = add(f, 1), a2 = add(f, 1);
	struct timespec ts = {0, 50 * 1000000L};

	nd_conns_seen(f->k, f->c[a2].rec, false);   /* its headers came: no longer fresh */
	for (int i = 0; i < 200 && !cut(f, a1); i++)  /* the keeper ticks every 200 ms */
		nanosleep(&ts, NULL);
	assert_true(cut(f, a1));
	assert_false(cut(f, a2));
	nd_conns_stats(f->k, &st);
	assert_int_equal(st.expired, 1);
	fix_free(f);
}

static void blocking_pause_waits_then_stop_refuses(void **state)
{
	struct fix *f = fix_new(10, 10, 60000, true);

	assert_int_equal(nd_conns_pause(f->k, NULL, 10), 1);
	nd_conns_stop(f->k);
	assert_int_equal(nd_conns_pause(f->k, NULL, 10), -1);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(per_client_evicts_the_oldest),
		cmocka_unit_test(authenticated_ones_stay),
		cmocka_unit_test(total_cap_spares_the_small_address),
		cmocka_unit_test(a_full_server_of_authenticated_cuts_the_newcomer),
		cmocka_unit_test(fresh_deadline_cuts_only_the_silent),
		cmocka_unit_test(blocking_pause_waits_then_stop_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
