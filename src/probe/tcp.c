/* SPDX-License-Identifier: MIT */
/* The TCP stage: connect to every address at once on one epoll set. */
#include "probe/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "k8s/http.h"
#include "core/banned.h"

const char *nd_tcp_state_name(enum nd_tcp_state s)
{
	switch (s) {
	case ND_TCP_NOT_TRIED: return "not-tried";
	case ND_TCP_OK: return "ok";
	case ND_TCP_TIMEOUT: return "timeout";
	case ND_TCP_REFUSED: return "refused";
	case ND_TCP_UNREACHABLE: return "unreachable";
	case ND_TCP_ERROR: break;
	}
	return "error";
}

int64_t nd_probe_left(int64_t deadline)
{
	int64_t l = deadline - nd_now_ms();

	return l > 0 ? l : 0;
}

static enum nd_tcp_state classify(int err)
{
	switch (err) {
	case 0: return ND_TCP_OK;
	case ECONNREFUSED: case ECONNRESET: return ND_TCP_REFUSED;
	case ETIMEDOUT: return ND_TCP_TIMEOUT;
	case ENETUNREACH: case EHOSTUNREACH: case EADDRNOTAVAIL: case ENETDOWN:
		return ND_TCP_UNREACHABLE;
	default: return ND_TCP_ERROR;
	}
}

/* Start a non-blocking connect; -1 with a->state set when it failed at once. */
static int start(struct nd_tcp_addr *a, unsigned port)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int fd;

	if (a->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, a->ip, &s6->sin6_addr) != 1)
			goto bad;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, a->ip, &s4->sin_addr) != 1)
			goto bad;
		sl = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		a->err = errno;
		a->state = ND_TCP_ERROR;
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0 || errno == EINPROGRESS)
		return fd;
	a->err = errno;
	a->state = classify(errno);
	close(fd);
	return -1;
bad:
	a->err = EINVAL;
	a->state = ND_TCP_ERROR;
	return -1;
}

int nd_tcp_connect_all(struct nd_tcp_addr *addrs, size_t n, unsigned port, int64_t timeout_ms,
		       int *fd_out, size_t *which)
{
	int fds[ND_PROBE_MAX_ADDRS];
	int64_t t0 = nd_now_ms(), deadline = t0 + timeout_ms;
	size_t i, pending = 0;
	int ep, connected = 0;

	*fd_out = -1;
	if (n > ND_PROBE_MAX_ADDRS)
		n = ND_PROBE_MAX_ADDRS;
	ep = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < n; i++) {
		struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = i};

		addrs[i].state = ND_TCP_NOT_TRIED;
		addrs[i].err = 0;
		fds[i] = ep < 0 ? -1 : start(&addrs[i], port);
		if (fds[i] < 0) {
			addrs[i].ms = nd_now_ms() - t0;
			continue;
		}
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) {
			addrs[i].state = ND_TCP_ERROR;
			addrs[i].err = errno;
			close(fds[i]);
			fds[i] = -1;
			continue;
		}
		pending++;
	}
	while (pending > 0) {
		struct epoll_event evs[ND_PROBE_MAX_ADDRS];
		int64_t left = nd_probe_left(deadline);
		int k, m;

		if (left <= 0)
			break;
		m = epoll_wait(ep, evs, ND_PROBE_MAX_ADDRS, (int)left);
		if (m < 0 && errno == EINTR)
			continue;
		if (m <= 0)
			continue;   /* the deadline is checked above */
		for (k = 0; k < m; k++) {
			size_t j = (size_t)evs[k].data.u64;
			int err = 0;
			socklen_t el = sizeof(err);

			if (getsockopt(fds[j], SOL_SOCKET, SO_ERROR, &err, &el) < 0)
				err = errno;
			addrs[j].err = err;
			addrs[j].state = classify(err);
			addrs[j].ms = nd_now_ms() - t0;
			epoll_ctl(ep, EPOLL_CTL_DEL, fds[j], NULL);
			pending--;
			if (err == 0) {
				connected++;
				if (*fd_out < 0) {
					/* one is enough: the others get a short grace */
					if (deadline > nd_now_ms() + 250)
						deadline = nd_now_ms() + 250;
					*fd_out = fds[j];
					*which = j;
					fds[j] = -1;
				}
			}
			if (fds[j] >= 0) {
				close(fds[j]);
				fds[j] = -1;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		/* still waiting at the deadline: the SYN got no answer (or another
		 * address answered first and this one was not waited for) */
		addrs[i].state = connected ? ND_TCP_NOT_TRIED : ND_TCP_TIMEOUT;
		addrs[i].err = connected ? 0 : ETIMEDOUT;
		addrs[i].ms = nd_now_ms() - t0;
		close(fds[i]);
	}
	if (ep >= 0)
		close(ep);
	return connected;
}
