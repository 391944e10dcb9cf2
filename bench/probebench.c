/* SPDX-License-Identifier: MIT */
/*
 * probebench N [PORTS]: the endpoint probe engine (probe/fanout.h, what
 * `service --probe` runs) on N loopback-class endpoints, against a baseline
 * measured in the same run.
 *
 * PORTS listeners (default 100) are bound to the wildcard address; the N
 * targets are 127.0.a.b:port, N / PORTS addresses on each port, so every
 * target is a distinct address and port, as endpoints are. Run it in a
 * fresh network namespace (bench/run.sh does: unshare -n, lo up), where all
 * of 127.0.0.0/8 is local and nobody else's traffic shares the loopback.
 *
 * Measured, each after the listeners' accept queues are drained:
 *   serial_ms       baseline: one blocking connect()+close() at a time, the
 *                   kernel's own cost of the same N handshakes
 *   engine_ms       nd_fan_run on the N targets (all answer)
 *   refused_ms      nd_fan_run on N targets whose ports are closed (RST)
 * Prints "key value" lines; exits 1 when a result is not what it must be
 * (every target ok, every closed one refused).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "probe/fanout.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int listener(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static void drain(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c;

		while ((c = accept(fds[i], NULL, NULL)) >= 0)
			close(c);
	}
}

static void fill(struct nd_fan_target *t, size_t n, const uint16_t *ports, size_t nports)
{
	for (size_t i = 0; i < n; i++) {
		size_t a = i / nports + 1;   /* 127.0.0.1 upward */

		memset(&t[i], 0, sizeof(t[i]));
		snprintf(t[i].ip, sizeof(t[i].ip), "127.%zu.%zu.%zu", (a >> 16) & 255, (a >> 8) & 255,
			 a & 255);
		t[i].port = ports[i % nports];
		t[i].kind = ND_FAN_TCP;
	}
}

/* One blocking connect at a time: the floor. Returns how many connected. */
static size_t serial(const struct nd_fan_target *t, size_t n)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(t[i].port)};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		inet_pton(AF_INET, t[i].ip, &sa.sin_addr);
		ok += connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
	}
	return ok;
}

static size_t count(const struct nd_fan_target *t, size_t n, enum nd_fan_result r)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += t[i].result == r;
	return c;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	size_t nports = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
	struct nd_fan_opts o = {0};
	struct nd_fan_stats st;
	struct nd_fan_target *t;
	struct nd_err e;
	uint16_t *ports, *closed;
	int *fds, rc = 0;
	double t0, serial_ms, engine_ms, refused_ms;
	size_t ok_serial, ok, refused, i;

	if (n == 0 || nports == 0 || nports > 1000) {
		fprintf(stderr, "usage: probebench N [PORTS<=1000]\n");
		return 2;
	}
	t = calloc(n, sizeof(*t));
	ports = calloc(nports, sizeof(*ports));
	closed = calloc(nports, sizeof(*closed));
	fds = calloc(nports, sizeof(*fds));
	if (!t || !ports || !closed || !fds)
		return 2;
	for (i = 0; i < nports; i++) {
		fds[i] = listener(&ports[i]);
		if (fds[i] < 0) {
			fprintf(stderr, "probebench: cannot listen: %s\n", strerror(errno));
			return 2;
		}
	}
	/* closed ports: bound once, then closed */
	for (i = 0; i < nports; i++) {
		int fd = listener(&closed[i]);

		if (fd < 0)
			return 2;
		close(fd);
	}
	fill(t, n, ports, nports);

	t0 = now_ms();
	ok_serial = serial(t, n);
	serial_ms = now_ms() - t0;
	drain(fds, nports);

	t0 = now_ms();
	if (nd_fan_run(t, n, &o, &st, &e) < 0) {
		fprintf(stderr, "probebench: %s\n", e.msg);
		return 1;
	}
	engine_ms = now_ms() - t0;
	ok = count(t, n, ND_FAN_OK);
	drain(fds, nports);

	fill(t, n, closed, nports);
	t0 = now_ms();
	nd_fan_run(t, n, &o, NULL, &e);
	refused_ms = now_ms() - t0;
	refused = count(t, n, ND_FAN_REFUSED);

	printf("targets %zu\nports %zu\nconcurrency %zu\nmax_inflight %zu\n", n, nports,
	       st.concurrency, st.max_inflight);
	printf("serial_ms %.1f\nserial_ok %zu\n", serial_ms, ok_serial);
	printf("engine_ms %.1f\nengine_ok %zu\n", engine_ms, ok);
	printf("refused_ms %.1f\nrefused %zu\n", refused_ms, refused);
	if (ok != n || refused != n || ok_serial != n) {
		fprintf(stderr, "probebench: %zu/%zu ok, %zu/%zu refused, %zu/%zu serial\n", ok, n,
			refused, n, ok_serial, n);
		rc = 1;
	}
	for (i = 0; i < nports; i++)
		close(fds[i]);
	free(t);
	free(ports);
	free(closed);
	free(fds);
	return rc;
}
