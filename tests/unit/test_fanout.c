/* SPDX-License-Identifier: MIT */
/*
 * The endpoint probe engine (probe/fanout.h): its bookkeeping (slots in
 * start order, the free list), the errno classification, the DNS query it
 * sends, and runs on loopback only: a listener (ok), a closed port
 * (refused), a DNS server in a thread (ok), a silent UDP socket (timeout,
 * and cut when the overall deadline is shorter), the concurrency bound, a
 * deadline already passed (not run), a bad address (error) and IPv6.
 */
#include "probe/fanout.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/err.h"
#include "k8s/http.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void classify(void **state)
{
	static const struct {
		int err;
		enum nd_fan_result want;
	} tab[] = {
		{0, ND_FAN_OK},
		{ECONNREFUSED, ND_FAN_REFUSED},
		{ECONNRESET, ND_FAN_REFUSED},
		{ETIMEDOUT, ND_FAN_TIMEOUT},
		{EHOSTUNREACH, ND_FAN_UNREACHABLE},
		{ENETUNREACH, ND_FAN_UNREACHABLE},
		{EPERM, ND_FAN_UNREACHABLE},       /* this host's own netfilter DROP */
		{EMFILE, ND_FAN_ERROR},            /* local: says nothing about the target */
		{EADDRNOTAVAIL, ND_FAN_ERROR},
		{ENOBUFS, ND_FAN_ERROR},
	};

	(void)state;
	for (size_t i = 0; i < N(tab); i++)
		assert_int_equal(nd_fan_classify(tab[i].err), tab[i].want);
	assert_true(nd_fan_decided(ND_FAN_OK) && nd_fan_decided(ND_FAN_REFUSED) &&
		    nd_fan_decided(ND_FAN_TIMEOUT) && nd_fan_decided(ND_FAN_UNREACHABLE));
	assert_false(nd_fan_decided(ND_FAN_CUT) || nd_fan_decided(ND_FAN_NOT_RUN) ||
		     nd_fan_decided(ND_FAN_ERROR));
	assert_string_equal(nd_fan_result_name(ND_FAN_REFUSED), "refused");
	assert_string_equal(nd_fan_result_name(ND_FAN_TIMEOUT), "timeout");
	assert_string_equal(nd_fan_result_name(ND_FAN_CUT), "cut");
}

/* The busy list, oldest first, as target numbers. */
static size_t busy_list(const struct nd_fan_slots *s, size_t *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = nd_fan_slot_oldest(s); i != ND_FAN_NONE && n < cap; i = s->v[i].next)
		out[n++] = s->v[i].target;
	return n;
}

static void slots(void **state)
{
	struct nd_fan_slots s;
	uint32_t ix[4];
	size_t got[8];

	(void)state;
	assert_int_equal(nd_fan_slots_init(&s, 0), -1);
	assert_int_equal(nd_fan_slots_init(&s, 4), 0);
	assert_int_equal(nd_fan_slot_oldest(&s), ND_FAN_NONE);
	for (size_t k = 0; k < 4; k++) {
		ix[k] = nd_fan_slot_take(&s, 10 + k, (int)k, (int64_t)(100 + k));
		assert_int_not_equal(ix[k], ND_FAN_NONE);
	}
	assert_int_equal(s.busy, 4);
	assert_int_equal(nd_fan_slot_take(&s, 99, 9, 999), ND_FAN_NONE);   /* full */
	assert_int_equal(busy_list(&s, got, 8), 4);
	assert_int_equal(got[0], 10);
	assert_int_equal(got[3], 13);
	/* out of the middle, then the head: order kept */
	nd_fan_slot_put(&s, ix[2]);
	nd_fan_slot_put(&s, ix[0]);
	assert_int_equal(s.busy, 2);
	assert_int_equal(busy_list(&s, got, 8), 2);
	assert_int_equal(got[0], 11);
	assert_int_equal(got[1], 13);
	assert_int_equal(s.v[nd_fan_slot_oldest(&s)].expires, 101);
	/* freed slots are reused, and new ones go to the back */
	assert_int_not_equal(nd_fan_slot_take(&s, 14, 4, 104), ND_FAN_NONE);
	assert_int_not_equal(nd_fan_slot_take(&s, 15, 5, 105), ND_FAN_NONE);
	assert_int_equal(nd_fan_slot_take(&s, 16, 6, 106), ND_FAN_NONE);
	assert_int_equal(busy_list(&s, got, 8), 4);
	assert_int_equal(got[0], 11);
	assert_int_equal(got[2], 14);
	assert_int_equal(got[3], 15);
	/* the tail, then everything */
	while (s.busy)
		nd_fan_slot_put(&s, s.tail);
	assert_int_equal(nd_fan_slot_oldest(&s), ND_FAN_NONE);
	assert_int_equal(s.tail, ND_FAN_NONE);
	for (size_t k = 0; k < 4; k++)
		assert_int_not_equal(nd_fan_slot_take(&s, k, 0, 0), ND_FAN_NONE);
	nd_fan_slots_release(&s);
	nd_fan_slots_release(NULL);
}

static void dns_query(void **state)
{
	unsigned char q[64], a[64];
	size_t n;

	(void)state;
	n = nd_fan_dns_query(0xbeef, q, sizeof(q));
	/* header 12, "kubernetes.default.svc.cluster.local" as 5 labels + root = 38, type+class 4 */
	assert_int_equal(n, 12 + 38 + 4);
	assert_int_equal(q[0], 0xbe);
	assert_int_equal(q[1], 0xef);
	assert_int_equal(q[2] & 0x80, 0);              /* a query */
	assert_int_equal(q[5], 1);                     /* one question */
	assert_int_equal(q[12], 10);
	assert_memory_equal(q + 13, "kubernetes", 10);
	assert_int_equal(nd_fan_dns_query(1, q, 20), 0);   /* too small */
	nd_fan_dns_query(0xbeef, q, sizeof(q));
	assert_false(nd_fan_dns_is_answer(0xbeef, q, n));   /* our own query is no answer */
	memcpy(a, q, n);
	a[2] |= 0x80;
	a[3] = 0x03;                                    /* NXDOMAIN still means a server */
	assert_true(nd_fan_dns_is_answer(0xbeef, a, n));
	assert_false(nd_fan_dns_is_answer(0xbeee, a, n));
	assert_false(nd_fan_dns_is_answer(0xbeef, a, 11));
}

/* --- on loopback ---------------------------------------------------------- */

static int bound_socket(int type, uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A port nothing listens on: bound and closed again. */
static uint16_t closed_port(int type)
{
	uint16_t port;

	close(bound_socket(type, &port));
	return port;
}

static void target(struct nd_fan_target *t, const char *ip, uint16_t port, int kind)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->ip, sizeof(t->ip), "%s", ip);
	t->port = port;
	t->kind = (uint8_t)kind;
	t->result = ND_FAN_ERROR;   /* the run must overwrite it */
}

struct dns_server {
	int fd;
	int answers;
};

/* Answers `answers` queries, flipping QR and setting NXDOMAIN. */
static void *dns_serve(void *arg)
{
	struct dns_server *d = arg;

	for (int k = 0; k < d->answers; k++) {
		unsigned char b[512];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(d->fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);

		if (n < 12)
			break;
		b[2] |= 0x80;
		b[3] = (unsigned char)((b[3] & 0xf0) | 3);
		sendto(d->fd, b, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void loopback_outcomes(void **state)
{
	struct nd_fan_target t[5];
	struct nd_fan_opts o = {.probe_ms = 300};
	struct nd_fan_stats st;
	struct dns_server d = {.answers = 1};
	struct nd_err e;
	pthread_t th;
	uint16_t lport, dport, sport;
	int lfd = bound_socket(SOCK_STREAM, &lport);
	int silent = bound_socket(SOCK_DGRAM, &sport);

	(void)state;
	assert_int_equal(listen(lfd, 16), 0);
	d.fd = bound_socket(SOCK_DGRAM, &dport);
	assert_int_equal(pthread_create(&th, NULL, dns_serve, &d), 0);
	target(&t[0], "127.0.0.1", lport, ND_FAN_TCP);
	target(&t[1], "127.0.0.1", closed_port(SOCK_STREAM), ND_FAN_TCP);
	target(&t[2], "127.0.0.1", dport, ND_FAN_UDP_DNS);
	target(&t[3], "127.0.0.1", sport, ND_FAN_UDP_DNS);   /* bound, never answers */
	target(&t[4], "not-an-ip", 80, ND_FAN_TCP);
	assert_int_equal(nd_fan_run(t, N(t), &o, &st, &e), 0);
	pthread_join(th, NULL);
	assert_int_equal(t[0].result, ND_FAN_OK);
	assert_int_equal(t[1].result, ND_FAN_REFUSED);
	assert_int_equal(t[1].err, ECONNREFUSED);
	assert_int_equal(t[2].result, ND_FAN_OK);
	assert_int_equal(t[3].result, ND_FAN_TIMEOUT);
	assert_true(t[3].ms >= 290);
	assert_int_equal(t[4].result, ND_FAN_ERROR);
	assert_int_equal(st.started, 5);
	assert_int_equal(st.finished, 4);        /* the bad address decided nothing */
	/* UDP to a closed port: the ICMP port unreachable is a refusal */
	target(&t[0], "127.0.0.1", closed_port(SOCK_DGRAM), ND_FAN_UDP_DNS);
	assert_int_equal(nd_fan_run(t, 1, &o, NULL, &e), 0);
	assert_int_equal(t[0].result, ND_FAN_REFUSED);
	close(lfd);
	close(silent);
	close(d.fd);
}

static void deadlines(void **state)
{
	struct nd_fan_target t[3];
	struct nd_fan_opts o = {.probe_ms = 5000};
	struct nd_fan_stats st;
	struct nd_err e;
	uint16_t sport;
	int silent = bound_socket(SOCK_DGRAM, &sport);
	int64_t t0;

	(void)state;
	/* the whole run's deadline is shorter than a probe's window: cut, not timeout */
	target(&t[0], "127.0.0.1", sport, ND_FAN_UDP_DNS);
	t0 = nd_now_ms();
	o.deadline = t0 + 200;
	assert_int_equal(nd_fan_run(t, 1, &o, &st, &e), 0);
	assert_int_equal(t[0].result, ND_FAN_CUT);
	assert_true(nd_now_ms() - t0 < 2000);
	assert_int_equal(st.finished, 0);
	/* a deadline already passed: nothing starts */
	target(&t[0], "127.0.0.1", sport, ND_FAN_UDP_DNS);
	target(&t[1], "127.0.0.1", sport, ND_FAN_TCP);
	target(&t[2], "127.0.0.1", sport, ND_FAN_TCP);
	o.deadline = nd_now_ms() - 1;
	assert_int_equal(nd_fan_run(t, 3, &o, &st, &e), 0);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(t[k].result, ND_FAN_NOT_RUN);
	assert_int_equal(st.started, 0);
	assert_int_equal(nd_fan_run(t, 0, &o, &st, &e), 0);
	close(silent);
}

static void concurrency_bound(void **state)
{
	enum { TARGETS = 200, BOUND = 7 };
	struct nd_fan_target *t = calloc(TARGETS, sizeof(*t));
	struct nd_fan_opts o = {.concurrency = BOUND, .probe_ms = 2000};
	struct nd_fan_stats st;
	struct nd_err e;
	uint16_t lport, cport = closed_port(SOCK_STREAM);
	int lfd = bound_socket(SOCK_STREAM, &lport);

	(void)state;
	assert_non_null(t);
	assert_int_equal(listen(lfd, 512), 0);
	for (size_t k = 0; k < TARGETS; k++)
		target(&t[k], "127.0.0.1", k % 2 ? lport : cport, ND_FAN_TCP);
	assert_int_equal(nd_fan_run(t, TARGETS, &o, &st, &e), 0);
	assert_int_equal(st.concurrency, BOUND);
	assert_true(st.max_inflight <= BOUND);
	assert_int_equal(st.started, TARGETS);
	assert_int_equal(st.finished, TARGETS);
	for (size_t k = 0; k < TARGETS; k++)
		assert_int_equal(t[k].result, k % 2 ? ND_FAN_OK : ND_FAN_REFUSED);
	close(lfd);
	free(t);
}

/* IPv6 endpoints: a listener on ::1 (skipped where the host has no IPv6 loopback). */
static void ipv6(void **state)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	socklen_t sl = sizeof(sa);
	struct nd_fan_target t[1];
	struct nd_fan_opts o = {.probe_ms = 1000};
	struct nd_err e;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)state;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		if (fd >= 0)
			close(fd);
		skip();
	}
	target(&t[0], "::1", ntohs(sa.sin6_port), ND_FAN_TCP);
	assert_int_equal(nd_fan_run(t, 1, &o, NULL, &e), 0);
	assert_int_equal(t[0].result, ND_FAN_OK);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify),
		cmocka_unit_test(slots),
		cmocka_unit_test(dns_query),
		cmocka_unit_test(loopback_outcomes),
		cmocka_unit_test(deadlines),
		cmocka_unit_test(concurrency_bound),
		cmocka_unit_test(ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
