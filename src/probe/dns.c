/* SPDX-License-Identifier: MIT */
/* The DNS stage: the only module that talks to c-ares. */
#include "probe/probe.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/err.h"
#include "core/ipaddr.h"
#include "k8s/http.h"
#include "core/banned.h"
#include "core/i18n.h"

const char *nd_dns_error_name(enum nd_dns_error e)
{
	switch (e) {
	case ND_DNS_OK: return "ok";
	case ND_DNS_NXDOMAIN: return "NXDOMAIN";
	case ND_DNS_NODATA: return "no address";
	case ND_DNS_SERVFAIL: return "SERVFAIL";
	case ND_DNS_REFUSED: return "REFUSED";
	case ND_DNS_TIMEOUT: return "timeout";
	case ND_DNS_OTHER: break;
	}
	return "error";
}

struct lookup {
	struct nd_dns_result *out;
	bool done;
};

static void add_addr(struct nd_dns_result *r, int family, const void *a)
{
	char buf[46];
	size_t i;

	if (r->naddrs >= ND_PROBE_MAX_ADDRS)
		return;
	if (!inet_ntop(family, a, buf, sizeof(buf)))
		return;
	for (i = 0; i < r->naddrs; i++)
		if (strcmp(r->addrs[i], buf) == 0)
			return;
	snprintf(r->addrs[r->naddrs], sizeof(r->addrs[0]), "%s", buf);
	r->families[r->naddrs++] = family == AF_INET6 ? 6 : 4;
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct lookup *l = arg;
	struct nd_dns_result *r = l->out;
	const struct ares_addrinfo_node *n;

	(void)timeouts;
	l->done = true;
	switch (status) {
	case ARES_SUCCESS: r->error = ND_DNS_OK; break;
	case ARES_ENOTFOUND: r->error = ND_DNS_NXDOMAIN; break;
	case ARES_ENODATA: r->error = ND_DNS_NODATA; break;
	case ARES_ESERVFAIL: r->error = ND_DNS_SERVFAIL; break;
	case ARES_EREFUSED: r->error = ND_DNS_REFUSED; break;
	case ARES_ETIMEOUT: case ARES_ECANCELLED: case ARES_EDESTRUCTION:
		r->error = ND_DNS_TIMEOUT; break;
	default: r->error = ND_DNS_OTHER; break;
	}
	snprintf(r->detail, sizeof(r->detail), "%s", ares_strerror(status));
	for (n = res ? res->nodes : NULL; n; n = n->ai_next) {
		if (n->ai_family == AF_INET)
			add_addr(r, AF_INET, &((const struct sockaddr_in *)(const void *)n->ai_addr)->sin_addr);
		else if (n->ai_family == AF_INET6)
			add_addr(r, AF_INET6,
				 &((const struct sockaddr_in6 *)(const void *)n->ai_addr)->sin6_addr);
	}
	if (res)
		ares_freeaddrinfo(res);
	if (r->error == ND_DNS_OK && r->naddrs == 0)
		r->error = ND_DNS_NODATA;
}

static void list_servers(ares_channel ch, struct nd_dns_result *r)
{
	struct ares_addr_port_node *list = NULL, *n;
	char ip[46];

	if (ares_get_servers_ports(ch, &list) != ARES_SUCCESS)
		return;
	for (n = list; n && r->nservers < ND_PROBE_MAX_SERVERS; n = n->next) {
		if (!inet_ntop(n->family, &n->addr, ip, sizeof(ip)))
			continue;
		snprintf(r->servers[r->nservers++], sizeof(r->servers[0]),
			 n->family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip,
			 n->udp_port ? n->udp_port : 53);
	}
	ares_free_data(list);
}

#define RD(bits, i) (((unsigned)(bits) >> (i)) & 1u)
#define WR(bits, i) (((unsigned)(bits) >> ((i) + ARES_GETSOCK_MAXNUM)) & 1u)

/* Drive the channel on an epoll set until the lookup ends or the deadline passes. */
static void run(ares_channel ch, struct lookup *l, int64_t deadline)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0) {
		ares_cancel(ch);
		return;
	}
	while (!l->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct epoll_event evs[ARES_GETSOCK_MAXNUM];
		struct timeval tv, maxtv, *tvp;
		int64_t left = nd_probe_left(deadline), wait;
		int bits, i, n;

		if (left <= 0) {
			ares_cancel(ch);
			break;
		}
		maxtv.tv_sec = (time_t)(left / 1000);
		maxtv.tv_usec = (suseconds_t)(left % 1000) * 1000;
		tvp = ares_timeout(ch, &maxtv, &tv);
		wait = (int64_t)tvp->tv_sec * 1000 + tvp->tv_usec / 1000 + 1;
		/* the ARES_GETSOCK_* macros shift a signed 1 into bit 31: test bits unsigned */
		bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			struct epoll_event ev = {0};

			if (!RD(bits, i) && !WR(bits, i))
				continue;
			ev.events = (RD(bits, i) ? EPOLLIN : 0) |
				    (WR(bits, i) ? EPOLLOUT : 0);
			ev.data.fd = socks[i];
			if (epoll_ctl(ep, EPOLL_CTL_ADD, socks[i], &ev) < 0 && errno == EEXIST)
				epoll_ctl(ep, EPOLL_CTL_MOD, socks[i], &ev);
		}
		n = epoll_wait(ep, evs, ARES_GETSOCK_MAXNUM, (int)(wait < left ? wait : left));
		if (n < 0 && errno != EINTR)
			n = 0;
		if (n <= 0)
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		for (i = 0; i < n; i++)
			ares_process_fd(ch, (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
					    ? evs[i].data.fd : ARES_SOCKET_BAD,
					(evs[i].events & EPOLLOUT) ? evs[i].data.fd : ARES_SOCKET_BAD);
		/* sockets c-ares closed must leave the set: rebuild it each round */
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++)
			if (RD(bits, i) || WR(bits, i))
				epoll_ctl(ep, EPOLL_CTL_DEL, socks[i], NULL);
	}
	close(ep);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = ARES_SUCCESS;

static void init_library(void)
{
	init_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

int nd_dns_init(void)
{
	pthread_once(&init_once, init_library);
	return init_rc == ARES_SUCCESS ? 0 : -1;
}

int nd_dns_lookup(const char *host, const char *servers, int64_t timeout_ms,
		  struct nd_dns_result *out, struct nd_err *e)
{
	struct ares_options opts = {0};
	struct ares_addrinfo_hints hints = {0};
	struct lookup l = {.out = out};
	ares_channel ch;
	struct nd_ip ip;
	int64_t t0 = nd_now_ms();
	int rc;

	memset(out, 0, sizeof(*out));
	out->status = ND_STAGE_FAIL;
	if (nd_ip_parse(host, &ip) == 0) {
		out->literal = true;
		nd_ip_format(&ip, out->addrs[0], sizeof(out->addrs[0]));
		out->families[0] = ip.family;
		out->naddrs = 1;
		out->status = ND_STAGE_PASS;
		return 0;
	}
	if (nd_dns_init() < 0)
		return nd_err_set(e, _("cannot start the DNS resolver: %s"), ares_strerror(init_rc));
	/* one try per server of at most a third of the time, so two servers fit */
	opts.timeout = (int)(timeout_ms / 3 > 0 ? (timeout_ms / 3 < 3000 ? timeout_ms / 3 : 3000) : 1);
	opts.tries = 2;
	rc = ares_init_options(&ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS)
		return nd_err_set(e, _("cannot start the DNS resolver: %s"), ares_strerror(rc));
	if (servers && (rc = ares_set_servers_ports_csv(ch, servers)) != ARES_SUCCESS) {
		ares_destroy(ch);
		return nd_err_set(e, _("bad DNS server list '%s': %s"), servers, ares_strerror(rc));
	}
	list_servers(ch, out);
	hints.ai_family = AF_UNSPEC;
	ares_getaddrinfo(ch, host, NULL, &hints, on_addrinfo, &l);
	run(ch, &l, t0 + timeout_ms);
	ares_destroy(ch);      /* calls the callback with ARES_EDESTRUCTION if still pending */
	if (!l.done)
		out->error = ND_DNS_TIMEOUT;
	out->ms = nd_now_ms() - t0;
	out->status = out->error == ND_DNS_OK ? ND_STAGE_PASS : ND_STAGE_FAIL;
	return 0;
}

/* --- many questions, each to one server, at once ----------------------------- */

struct ask_ctx {
	struct nd_dns_ask *q;
	int64_t t0;
	bool done;
};

static enum nd_dns_error ares_class(int status)
{
	switch (status) {
	case ARES_SUCCESS: return ND_DNS_OK;
	case ARES_ENOTFOUND: return ND_DNS_NXDOMAIN;
	case ARES_ENODATA: return ND_DNS_NODATA;
	case ARES_ESERVFAIL: return ND_DNS_SERVFAIL;
	case ARES_EREFUSED: return ND_DNS_REFUSED;
	case ARES_ETIMEOUT: case ARES_ECANCELLED: case ARES_EDESTRUCTION: return ND_DNS_TIMEOUT;
	default: return ND_DNS_OTHER;
	}
}

static void on_ask(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct ask_ctx *c = arg;
	struct nd_dns_ask *q = c->q;
	struct nd_dns_result tmp;
	const struct ares_addrinfo_node *n;
	size_t i;

	(void)timeouts;
	c->done = true;
	q->ms = nd_now_ms() - c->t0;
	q->error = ares_class(status);
	/* ECONNREFUSED: the server's port is closed (ICMP port unreachable): no answer either */
	q->answered = status != ARES_ETIMEOUT && status != ARES_ECANCELLED &&
		      status != ARES_EDESTRUCTION && status != ARES_ECONNREFUSED;
	if (status == ARES_ECONNREFUSED)
		q->error = ND_DNS_TIMEOUT;
	memset(&tmp, 0, sizeof(tmp));
	for (n = res ? res->nodes : NULL; n; n = n->ai_next) {
		if (n->ai_family == AF_INET)
			add_addr(&tmp, AF_INET, &((const struct sockaddr_in *)(const void *)n->ai_addr)->sin_addr);
		else if (n->ai_family == AF_INET6)
			add_addr(&tmp, AF_INET6,
				 &((const struct sockaddr_in6 *)(const void *)n->ai_addr)->sin6_addr);
	}
	if (res)
		ares_freeaddrinfo(res);
	for (i = 0; i < tmp.naddrs; i++)
		snprintf(q->addrs[i], sizeof(q->addrs[i]), "%s", tmp.addrs[i]);
	q->naddrs = tmp.naddrs;
	if (q->error == ND_DNS_OK && q->naddrs == 0)
		q->error = ND_DNS_NODATA;
}

#define ASK_MAX_FDS 1024

int nd_dns_ask_all(struct nd_dns_ask *q, size_t n, int64_t timeout_ms, struct nd_err *e)
{
	ares_channel *ch = nd_xcalloc(n ? n : 1, sizeof(*ch));
	struct ask_ctx *cx = nd_xcalloc(n ? n : 1, sizeof(*cx));
	struct pollfd *pf = nd_xcalloc(ASK_MAX_FDS, sizeof(*pf));
	size_t *owner = nd_xcalloc(ASK_MAX_FDS, sizeof(*owner));
	int64_t t0 = nd_now_ms(), deadline = t0 + timeout_ms;
	size_t i, left;
	int rc = 0;

	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		rc = nd_err_set(e, _("cannot start the DNS resolver"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct ares_options o = {0};
		struct ares_addrinfo_hints h = {0};
		char lookups[] = "b", name[300];
		size_t l;
		int r;

		memset(&q[i].addrs, 0, sizeof(q[i].addrs));
		q[i].naddrs = 0;
		q[i].answered = false;
		q[i].error = ND_DNS_TIMEOUT;
		q[i].ms = 0;
		o.timeout = (int)(timeout_ms > 0 ? (timeout_ms < INT32_MAX ? timeout_ms : INT32_MAX) : 1);
		o.tries = 1;
		o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
		o.lookups = lookups;
		r = ares_init_options(&ch[i], &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
				      ARES_OPT_FLAGS | ARES_OPT_LOOKUPS);
		if (r != ARES_SUCCESS) {
			ch[i] = NULL;
			rc = nd_err_set(e, _("cannot start the DNS resolver: %s"), ares_strerror(r));
			goto out;
		}
		if ((r = ares_set_servers_ports_csv(ch[i], q[i].server)) != ARES_SUCCESS) {
			rc = nd_err_set(e, _("DNS server '%s' is not an address: %s"), q[i].server,
					ares_strerror(r));
			goto out;
		}
		cx[i].q = &q[i];
		cx[i].t0 = t0;
		h.ai_family = AF_UNSPEC;
		/* a trailing dot: absolute, so no search list whatever resolv.conf says */
		l = strlen(q[i].name);
		if (l + 2 > sizeof(name)) {
			rc = nd_err_set(e, _("DNS name '%.64s...' is too long"), q[i].name);
			goto out;
		}
		memcpy(name, q[i].name, l + 1);
		if (!l || name[l - 1] != '.')
			memcpy(name + l, ".", 2);
		ares_getaddrinfo(ch[i], name, NULL, &h, on_ask, &cx[i]);
	}
	for (;;) {
		int64_t wait = nd_probe_left(deadline);
		size_t nfd = 0;
		int k;

		for (i = 0, left = 0; i < n; i++) {
			ares_socket_t socks[ARES_GETSOCK_MAXNUM];
			struct timeval tv, maxtv, *tvp;
			int bits;

			if (cx[i].done)
				continue;
			left++;
			maxtv.tv_sec = (time_t)(wait / 1000);
			maxtv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
			tvp = ares_timeout(ch[i], &maxtv, &tv);
			if ((int64_t)tvp->tv_sec * 1000 + tvp->tv_usec / 1000 + 1 < wait)
				wait = (int64_t)tvp->tv_sec * 1000 + tvp->tv_usec / 1000 + 1;
			bits = ares_getsock(ch[i], socks, ARES_GETSOCK_MAXNUM);
			for (k = 0; k < ARES_GETSOCK_MAXNUM && nfd < ASK_MAX_FDS; k++) {
				if (!RD(bits, k) && !WR(bits, k))
					continue;
				pf[nfd].fd = socks[k];
				pf[nfd].events = (short)((RD(bits, k) ? POLLIN : 0) |
							 (WR(bits, k) ? POLLOUT : 0));
				pf[nfd].revents = 0;
				owner[nfd++] = i;
			}
		}
		if (!left)
			break;
		if (nd_probe_left(deadline) <= 0) {
			for (i = 0; i < n; i++)
				if (!cx[i].done)
					ares_cancel(ch[i]);
			break;
		}
		k = poll(pf, (nfds_t)nfd, (int)wait);
		if (k < 0 && errno != EINTR)
			k = 0;
		for (size_t j = 0; k > 0 && j < nfd; j++) {
			if (!pf[j].revents || cx[owner[j]].done)
				continue;
			ares_process_fd(ch[owner[j]],
					(pf[j].revents & (POLLIN | POLLERR | POLLHUP)) ? pf[j].fd
										    : ARES_SOCKET_BAD,
					(pf[j].revents & POLLOUT) ? pf[j].fd : ARES_SOCKET_BAD);
		}
		for (i = 0; i < n; i++)   /* timeouts */
			if (!cx[i].done)
				ares_process_fd(ch[i], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
out:
	for (i = 0; i < n; i++) {
		if (ch[i])
			ares_destroy(ch[i]);   /* a pending question ends as a timeout */
		if (!cx[i].done || !q[i].answered) {
			q[i].answered = false;
			q[i].error = ND_DNS_TIMEOUT;
			q[i].ms = nd_now_ms() - t0;
		}
	}
	free(ch);
	free(cx);
	free(pf);
	free(owner);
	return rc;
}
