/* SPDX-License-Identifier: MIT */
/*
 * The egress HTTP stage: one GET / on a connection that is already open
 * (clear, or an OpenSSL session after a verified handshake), and only the
 * head of the answer read. What it tells: the destination answers, or a
 * firewall or proxy on the path refused the request (Azure Firewall
 * answers HTTP 470 "Action: Deny" for an application rule that does not
 * match; a proxy asks 407 for credentials).
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "k8s/http.h"
#include "core/banned.h"

#define HEAD_MAX 2048

static bool has_ci(const char *h, size_t len, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = 0; i + nl <= len; i++)
		if (strncasecmp(h + i, needle, nl) == 0)
			return true;
	return false;
}

void nd_http1_classify(const char *head, size_t len, struct nd_http1_result *out)
{
	size_t ll = 0;
	long status = 0;

	while (ll < len && head[ll] != '\r' && head[ll] != '\n')
		ll++;
	snprintf(out->detail, sizeof(out->detail), "%.*s", (int)(ll < 160 ? ll : 160), head);
	for (size_t i = 0; i < ll; i++)
		if (out->detail[i] < 0x20 || out->detail[i] == 0x7f)
			out->detail[i] = '?';
	if (ll >= 12 && strncmp(head, "HTTP/", 5) == 0) {
		const char *sp = memchr(head, ' ', ll);

		if (sp && sp + 4 <= head + ll && sp[1] >= '1' && sp[1] <= '5' && sp[2] >= '0' &&
		    sp[2] <= '9' && sp[3] >= '0' && sp[3] <= '9')
			status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	}
	out->http = status;
	out->status = ND_STAGE_PASS;
	out->error[0] = '\0';
	if (!status) {
		/* something answered, but not HTTP: the port is open and talks */
		snprintf(out->detail, sizeof(out->detail), "answered, but not HTTP");
		return;
	}
	if (status == 470 || has_ci(head, len, "Action: Deny")) {
		out->status = ND_STAGE_FAIL;
		snprintf(out->error, sizeof(out->error), status == 470 ? "http-470" : "firewall-deny");
	} else if (status == 407) {
		out->status = ND_STAGE_FAIL;
		snprintf(out->error, sizeof(out->error), "http-407");
	}
}

struct conn {
	int fd;
	SSL *ssl;
	int ep;
	int64_t deadline;
};

/* Wait until fd is readable (want_write: writable). 0 ready, -1 timeout or error. */
static int wait_io(struct conn *c, bool want_write)
{
	struct epoll_event ev = {.events = want_write ? EPOLLOUT : EPOLLIN};
	int n;

	if (epoll_ctl(c->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0 &&
	    epoll_ctl(c->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return -1;
	do {
		int64_t left = nd_probe_left(c->deadline);

		if (left <= 0)
			return -1;
		n = epoll_wait(c->ep, &ev, 1, (int)left);
	} while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : -1;
}

/* Returns bytes moved, 0 at a clean end, -1 timeout, -2 reset or error. */
static ssize_t io(struct conn *c, bool write, void *buf, size_t n)
{
	for (;;) {
		ssize_t r;
		bool want_write = write;

		if (c->ssl) {
			int k;

			ERR_clear_error();
			k = write ? SSL_write(c->ssl, buf, (int)n) : SSL_read(c->ssl, buf, (int)n);
			if (k > 0)
				return k;
			switch (SSL_get_error(c->ssl, k)) {
			case SSL_ERROR_WANT_READ: want_write = false; break;
			case SSL_ERROR_WANT_WRITE: want_write = true; break;
			case SSL_ERROR_ZERO_RETURN: return 0;
			case SSL_ERROR_SYSCALL: return errno == 0 ? 0 : -2;
			default: return -2;
			}
		} else {
			r = write ? send(c->fd, buf, n, MSG_NOSIGNAL) : recv(c->fd, buf, n, 0);
			if (r >= 0)
				return r;
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				return -2;
		}
		if (wait_io(c, want_write) < 0)
			return -1;
	}
}

void nd_http1_get(int fd, void *ssl, const char *host, int64_t timeout_ms,
		  struct nd_http1_result *out)
{
	struct conn c = {.fd = fd, .ssl = ssl, .deadline = nd_now_ms() + timeout_ms};
	char req[512], head[HEAD_MAX + 1];
	int64_t t0 = nd_now_ms();
	size_t sent = 0, got = 0;
	int n;

	memset(out, 0, sizeof(*out));
	out->status = ND_STAGE_FAIL;
	n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: netdiag-egress\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n", host);
	c.ep = epoll_create1(EPOLL_CLOEXEC);
	if (c.ep < 0 || n < 0 || (size_t)n >= sizeof(req)) {
		snprintf(out->error, sizeof(out->error), "error");
		snprintf(out->detail, sizeof(out->detail), "cannot set up the request");
		goto out;
	}
	while (sent < (size_t)n) {
		ssize_t r = io(&c, true, req + sent, (size_t)n - sent);

		if (r <= 0) {
			if (r == -1) {
				out->status = ND_STAGE_PASS;
				snprintf(out->detail, sizeof(out->detail),
					 "the request could not be sent within %lld ms", (long long)timeout_ms);
			} else {
				snprintf(out->error, sizeof(out->error), "reset");
				snprintf(out->detail, sizeof(out->detail),
					 "the connection was reset while the request was sent");
			}
			goto out;
		}
		sent += (size_t)r;
	}
	while (got < HEAD_MAX) {
		ssize_t r = io(&c, false, head + got, HEAD_MAX - got);

		if (r > 0) {
			got += (size_t)r;
			head[got] = '\0';
			if (strstr(head, "\r\n\r\n") || strstr(head, "\n\n"))
				break;
			continue;
		}
		if (got)
			break;
		if (r == -2) {
			snprintf(out->error, sizeof(out->error), "reset");
			snprintf(out->detail, sizeof(out->detail),
				 "the connection was reset after the request, before any answer");
			goto out;
		}
		/* silence or a clean close: the connection itself worked */
		out->status = ND_STAGE_PASS;
		if (r == 0)
			snprintf(out->detail, sizeof(out->detail), "closed without an HTTP answer");
		else
			snprintf(out->detail, sizeof(out->detail), "no HTTP answer within %lld ms",
				 (long long)timeout_ms);
		goto out;
	}
	nd_http1_classify(head, got, out);
out:
	if (c.ep >= 0)
		close(c.ep);
	out->ms = nd_now_ms() - t0;
}
