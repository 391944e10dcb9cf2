/* SPDX-License-Identifier: MIT */
/* Many one-shot TCP / UDP-DNS probes on one epoll loop (fanout.h). */
#include "probe/fanout.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "k8s/http.h"
#include "core/banned.h"
#include "core/i18n.h"

#define EVENTS 256
#define DNS_QUERY_MAX 64
#define DNS_NAME "kubernetes.default.svc.cluster.local"

const char *nd_fan_result_name(enum nd_fan_result r)
{
	switch (r) {
	case ND_FAN_NOT_RUN: return "not-run";
	case ND_FAN_OK: return "ok";
	case ND_FAN_REFUSED: return "refused";
	case ND_FAN_TIMEOUT: return "timeout";
	case ND_FAN_UNREACHABLE: return "unreachable";
	case ND_FAN_CUT: return "cut";
	case ND_FAN_ERROR: break;
	}
	return "error";
}

enum nd_fan_result nd_fan_classify(int err)
{
	switch (err) {
	case 0: return ND_FAN_OK;
	case ECONNREFUSED: case ECONNRESET: return ND_FAN_REFUSED;
	case ETIMEDOUT: return ND_FAN_TIMEOUT;
	/* ICMP unreachables, no route, and this host's own netfilter DROP (EPERM) */
	case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN: case EHOSTDOWN: case EPERM:
	case EACCES: case ENONET:
		return ND_FAN_UNREACHABLE;
	default: return ND_FAN_ERROR;   /* EMFILE, EADDRNOTAVAIL (ports), ENOBUFS: local */
	}
}

int nd_fan_decided(enum nd_fan_result r)
{
	return r == ND_FAN_OK || r == ND_FAN_REFUSED || r == ND_FAN_TIMEOUT ||
	       r == ND_FAN_UNREACHABLE;
}

/* --- slots ------------------------------------------------------------------ */

int nd_fan_slots_init(struct nd_fan_slots *s, uint32_t cap)
{
	memset(s, 0, sizeof(*s));
	s->head = s->tail = s->free = ND_FAN_NONE;
	if (cap == 0 || cap >= ND_FAN_NONE)
		return -1;
	s->v = nd_xcalloc(cap, sizeof(*s->v));
	s->cap = cap;
	for (uint32_t i = cap; i-- > 0;) {
		s->v[i].fd = -1;
		s->v[i].prev = ND_FAN_NONE;
		s->v[i].next = s->free;
		s->free = i;
	}
	return 0;
}

void nd_fan_slots_release(struct nd_fan_slots *s)
{
	if (!s)
		return;
	free(s->v);
	memset(s, 0, sizeof(*s));
	s->head = s->tail = s->free = ND_FAN_NONE;
}

uint32_t nd_fan_slot_take(struct nd_fan_slots *s, size_t target, int fd, int64_t expires)
{
	uint32_t i = s->free;
	struct nd_fan_slot *sl;

	if (i == ND_FAN_NONE)
		return ND_FAN_NONE;
	sl = &s->v[i];
	s->free = sl->next;
	sl->fd = fd;
	sl->target = target;
	sl->expires = expires;
	sl->prev = s->tail;
	sl->next = ND_FAN_NONE;
	if (s->tail != ND_FAN_NONE)
		s->v[s->tail].next = i;
	else
		s->head = i;
	s->tail = i;
	s->busy++;
	return i;
}

void nd_fan_slot_put(struct nd_fan_slots *s, uint32_t i)
{
	struct nd_fan_slot *sl = &s->v[i];

	if (sl->prev != ND_FAN_NONE)
		s->v[sl->prev].next = sl->next;
	else
		s->head = sl->next;
	if (sl->next != ND_FAN_NONE)
		s->v[sl->next].prev = sl->prev;
	else
		s->tail = sl->prev;
	sl->fd = -1;
	sl->prev = ND_FAN_NONE;
	sl->next = s->free;
	s->free = i;
	s->busy--;
}

uint32_t nd_fan_slot_oldest(const struct nd_fan_slots *s)
{
	return s->head;
}

/* --- DNS -------------------------------------------------------------------- */

size_t nd_fan_dns_query(uint16_t id, unsigned char *buf, size_t cap)
{
	const char *name = DNS_NAME;
	size_t n = 0;

	if (cap < 12 + strlen(name) + 2 + 4)
		return 0;
	buf[n++] = (unsigned char)(id >> 8);
	buf[n++] = (unsigned char)id;
	buf[n++] = 0x01;              /* RD */
	buf[n++] = 0x00;
	buf[n++] = 0; buf[n++] = 1;   /* QDCOUNT */
	memset(buf + n, 0, 6);        /* AN, NS, AR */
	n += 6;
	while (*name) {
		size_t l = strcspn(name, ".");

		buf[n++] = (unsigned char)l;
		memcpy(buf + n, name, l);
		n += l;
		name += l;
		if (*name == '.')
			name++;
	}
	buf[n++] = 0;
	buf[n++] = 0; buf[n++] = 1;   /* A */
	buf[n++] = 0; buf[n++] = 1;   /* IN */
	return n;
}

int nd_fan_dns_is_answer(uint16_t id, const unsigned char *buf, size_t len)
{
	return len >= 12 && buf[0] == (unsigned char)(id >> 8) && buf[1] == (unsigned char)id &&
	       (buf[2] & 0x80) != 0;
}

/* --- the loop --------------------------------------------------------------- */

struct run {
	struct nd_fan_target *t;
	struct nd_fan_slots s;
	int ep;
	uint16_t id_seed;
	struct nd_fan_stats st;
};

static int sockaddr_of(const struct nd_fan_target *t, struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(t->ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(t->port);
		*sl = sizeof(*s6);
		return inet_pton(AF_INET6, t->ip, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	{
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(t->port);
		*sl = sizeof(*s4);
		return inet_pton(AF_INET, t->ip, &s4->sin_addr) == 1 ? 0 : -1;
	}
}

static void outcome(struct nd_fan_target *t, enum nd_fan_result r, int err, int64_t ms)
{
	t->result = (uint8_t)r;
	t->err = r == ND_FAN_OK ? 0 : err;
	t->ms = ms > INT32_MAX ? INT32_MAX : (int32_t)ms;
}

/* Close slot i's socket and record its outcome. */
static void finish(struct run *x, uint32_t i, enum nd_fan_result r, int err, int64_t now)
{
	struct nd_fan_slot *sl = &x->s.v[i];

	outcome(&x->t[sl->target], r, err, now - sl->started);
	if (nd_fan_decided(r))
		x->st.finished++;
	close(sl->fd);   /* also leaves the epoll set */
	nd_fan_slot_put(&x->s, i);
}

/* Start target k; its outcome is set at once when it cannot be in flight. */
static void start(struct run *x, size_t k, int64_t now, int64_t expires, int cut)
{
	struct nd_fan_target *t = &x->t[k];
	struct sockaddr_storage ss;
	struct epoll_event ev = {0};
	socklen_t sl;
	uint16_t id = (uint16_t)(x->id_seed + k * 40503u);
	uint32_t i;
	int fd, udp = t->kind == ND_FAN_UDP_DNS;

	x->st.started++;
	if (sockaddr_of(t, &ss, &sl) < 0 || t->port == 0) {
		outcome(t, ND_FAN_ERROR, EINVAL, 0);
		return;
	}
	fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		outcome(t, ND_FAN_ERROR, errno, 0);
		return;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		outcome(t, nd_fan_classify(err), err, nd_now_ms() - now);
		if (nd_fan_decided((enum nd_fan_result)t->result))
			x->st.finished++;
		return;
	}
	if (udp) {
		unsigned char q[DNS_QUERY_MAX];
		size_t ql = nd_fan_dns_query(id, q, sizeof(q));

		if (send(fd, q, ql, MSG_NOSIGNAL) < 0) {
			int err = errno;

			close(fd);
			outcome(t, nd_fan_classify(err), err, nd_now_ms() - now);
			if (nd_fan_decided((enum nd_fan_result)t->result))
				x->st.finished++;
			return;
		}
	}
	i = nd_fan_slot_take(&x->s, k, fd, expires);
	x->s.v[i].started = now;
	x->s.v[i].cut = (uint8_t)cut;
	x->s.v[i].dns_id = id;
	ev.events = udp ? EPOLLIN : EPOLLOUT;
	ev.data.u32 = i;
	if (epoll_ctl(x->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		finish(x, i, ND_FAN_ERROR, errno, now);
		return;
	}
	if (x->s.busy > x->st.max_inflight)
		x->st.max_inflight = x->s.busy;
}

/* An event on slot i: the connect's outcome, or a datagram (or its error). */
static void event(struct run *x, uint32_t i, int64_t now)
{
	struct nd_fan_slot *sl = &x->s.v[i];
	int err = 0;

	if (x->t[sl->target].kind == ND_FAN_UDP_DNS) {
		unsigned char buf[512];

		for (;;) {
			ssize_t got = recv(sl->fd, buf, sizeof(buf), 0);

			if (got >= 0) {
				if (nd_fan_dns_is_answer(sl->dns_id, buf, (size_t)got)) {
					finish(x, i, ND_FAN_OK, 0, now);
					return;
				}
				continue;       /* not ours: keep waiting */
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			err = errno;
			break;
		}
		finish(x, i, nd_fan_classify(err), err, now);
		return;
	}
	{
		socklen_t el = sizeof(err);

		if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
	}
	if (err == EINPROGRESS || err == EALREADY)
		return;
	finish(x, i, nd_fan_classify(err), err, now);
}

static size_t bound(const struct nd_fan_opts *o, size_t n)
{
	size_t c = o->concurrency ? o->concurrency : ND_FAN_DEFAULT_CONCURRENCY;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    c > rl.rlim_cur / 2)
		c = rl.rlim_cur / 2;
	if (c > n)
		c = n;
	if (c > EVENTS * 64)
		c = EVENTS * 64;
	return c ? c : 1;
}

int nd_fan_run(struct nd_fan_target *t, size_t n, const struct nd_fan_opts *o,
	       struct nd_fan_stats *stats, struct nd_err *e)
{
	int64_t probe_ms = o->probe_ms > 0 ? o->probe_ms : ND_FAN_DEFAULT_PROBE_MS;
	int64_t t0 = nd_now_ms(), shown = t0;
	struct epoll_event evs[EVENTS];
	struct run x;
	size_t next = 0, k;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.st.concurrency = bound(o, n);
	x.id_seed = (uint16_t)(t0 ^ (int64_t)getpid() * 7919);
	for (k = 0; k < n; k++) {
		t[k].result = ND_FAN_NOT_RUN;
		t[k].err = 0;
		t[k].ms = 0;
	}
	if (n == 0)
		goto out;
	x.ep = epoll_create1(EPOLL_CLOEXEC);
	if (x.ep < 0) {
		rc = nd_err_set(e, _("cannot create an epoll set: %s"), strerror(errno));
		goto out;
	}
	nd_fan_slots_init(&x.s, (uint32_t)x.st.concurrency);
	for (;;) {
		int64_t now = nd_now_ms(), wait;
		uint32_t old;
		int m;

		/* fill the free slots, each with its window (cut by the deadline) */
		while (next < n && x.s.busy < x.s.cap) {
			int64_t left = o->deadline ? o->deadline - now : probe_ms;

			if (left < ND_FAN_MIN_WINDOW_MS)
				break;
			start(&x, next, now, now + (left < probe_ms ? left : probe_ms),
			      left < probe_ms);
			next++;
		}
		if (x.s.busy == 0)
			break;   /* all done, or the deadline leaves no time for the rest */
		old = nd_fan_slot_oldest(&x.s);
		wait = x.s.v[old].expires - now;
		m = epoll_wait(x.ep, evs, EVENTS, wait > 0 ? (int)wait : 0);
		if (m < 0 && errno != EINTR) {
			rc = nd_err_set(e, _("epoll_wait: %s"), strerror(errno));
			break;
		}
		now = nd_now_ms();
		for (int j = 0; j < m; j++)
			event(&x, evs[j].data.u32, now);
		/* the oldest expire first: they all had the same window */
		while ((old = nd_fan_slot_oldest(&x.s)) != ND_FAN_NONE &&
		       x.s.v[old].expires <= now)
			finish(&x, old, x.s.v[old].cut ? ND_FAN_CUT : ND_FAN_TIMEOUT, ETIMEDOUT,
			       now);
		if (o->progress && now - shown >= 200) {
			shown = now;
			o->progress(o->progress_ctx, next - x.s.busy, n);
		}
	}
	/* an epoll failure leaves probes in flight: they proved nothing */
	while (x.s.busy) {
		uint32_t old = nd_fan_slot_oldest(&x.s);

		finish(&x, old, ND_FAN_CUT, ETIMEDOUT, nd_now_ms());
	}
	nd_fan_slots_release(&x.s);
	close(x.ep);
out:
	x.st.ms = nd_now_ms() - t0;
	if (stats)
		*stats = x.st;
	return rc;
}
