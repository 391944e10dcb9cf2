/* SPDX-License-Identifier: MIT */
/* serve's connection keeper (conns.h): caps, the fresh deadline, eviction, timed resumes. */
#include "serve/conns.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/err.h"
#include "core/i18n.h"
#include "core/banned.h"

#define HOST_BUCKETS 1024
#define TICK_MS 200             /* the keeper looks at the fresh deadline this often */

enum cstate { FRESH, ANON, AUTHED };

struct host;

struct rec {
	int fd;
	int64_t t0;                  /* accept, ms */
	enum cstate st;
	bool evicted;
	struct host *h;
	struct rec *fprev, *fnext;   /* the fresh list, oldest first */
	struct rec *uprev, *unext;   /* the host's unauthenticated list, oldest first */
};

struct host {
	unsigned char key[17];       /* family byte + address */
	unsigned all, unauth;
	unsigned refs;               /* records that point here, evicted ones too */
	struct rec *uhead, *utail;
	struct host *chain;          /* hash bucket */
	struct host *prev, *next;    /* every host */
};

struct pause {
	int64_t at;
	struct MHD_Connection *c;
};

struct nd_conns {
	struct nd_conns_opts o;

	pthread_mutex_t mu;          /* tracking: recs, hosts, counts; never held into MHD */
	struct host *buckets[HOST_BUCKETS];
	struct host *hosts;
	struct rec *fhead, *ftail;
	unsigned live;
	uint64_t accepted, evicted, expired;

	pthread_mutex_t pmu;         /* pauses; held across MHD_suspend_connection only */
	pthread_cond_t cv;
	struct pause *p;
	size_t np, pcap;
	bool stopping, quit;
	pthread_t keeper;
	bool started;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- hosts ---- */

static void addr_key(const struct sockaddr *sa, unsigned char key[17])
{
	memset(key, 0, 17);
	if (!sa)
		return;
	key[0] = (unsigned char)sa->sa_family;
	if (sa->sa_family == AF_INET)
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static unsigned key_hash(const unsigned char key[17])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % HOST_BUCKETS;
}

static struct host *host_get(struct nd_conns *k, const unsigned char key[17])
{
	unsigned b = key_hash(key);
	struct host *h;

	for (h = k->buckets[b]; h; h = h->chain)
		if (memcmp(h->key, key, 17) == 0)
			return h;
	h = nd_xcalloc(1, sizeof(*h));
	memcpy(h->key, key, 17);
	h->chain = k->buckets[b];
	k->buckets[b] = h;
	h->next = k->hosts;
	if (k->hosts)
		k->hosts->prev = h;
	k->hosts = h;
	return h;
}

static void host_put(struct nd_conns *k, struct host *h)
{
	struct host **pp;

	if (h->refs)
		return;
	for (pp = &k->buckets[key_hash(h->key)]; *pp != h; pp = &(*pp)->chain)
		;
	*pp = h->chain;
	if (h->prev)
		h->prev->next = h->next;
	else
		k->hosts = h->next;
	if (h->next)
		h->next->prev = h->prev;
	free(h);
}

/* ---- the lists ---- */

static void fresh_unlink(struct nd_conns *k, struct rec *r)
{
	if (r->fprev)
		r->fprev->fnext = r->fnext;
	else
		k->fhead = r->fnext;
	if (r->fnext)
		r->fnext->fprev = r->fprev;
	else
		k->ftail = r->fprev;
	r->fprev = r->fnext = NULL;
}

static void unauth_unlink(struct rec *r)
{
	struct host *h = r->h;

	if (r->uprev)
		r->uprev->unext = r->unext;
	else
		h->uhead = r->unext;
	if (r->unext)
		r->unext->uprev = r->uprev;
	else
		h->utail = r->uprev;
	r->uprev = r->unext = NULL;
	h->unauth--;
}

/* Cut r: out of every list and count; its record stays until libmicrohttpd closes it. */
static void evict(struct nd_conns *k, struct rec *r)
{
	if (r->evicted)
		return;
	if (r->st == FRESH)
		fresh_unlink(k, r);
	if (r->st != AUTHED)
		unauth_unlink(r);
	r->evicted = true;
	r->h->all--;
	k->live--;
	shutdown(r->fd, SHUT_RDWR);
}

/* The oldest unauthenticated connection of the address that holds the most of them. */
static struct rec *victim(struct nd_conns *k)
{
	struct host *h, *best = NULL;

	for (h = k->hosts; h; h = h->next) {
		if (!h->uhead)
			continue;
		if (!best || h->unauth > best->unauth ||
		    (h->unauth == best->unauth && h->uhead->t0 < best->uhead->t0))
			best = h;
	}
	return best ? best->uhead : NULL;
}

void *nd_conns_add(struct nd_conns *k, int fd, const struct sockaddr *sa)
{
	struct rec *r = nd_xcalloc(1, sizeof(*r));
	unsigned char key[17];
	struct host *h;

	r->fd = fd;
	r->t0 = now_ms();
	r->st = FRESH;
	addr_key(sa, key);
	pthread_mutex_lock(&k->mu);
	k->accepted++;
	h = r->h = host_get(k, key);
	h->refs++;
	h->all++;
	h->unauth++;
	r->uprev = h->utail;
	if (h->utail)
		h->utail->unext = r;
	else
		h->uhead = r;
	h->utail = r;
	r->fprev = k->ftail;
	if (k->ftail)
		k->ftail->fnext = r;
	else
		k->fhead = r;
	k->ftail = r;
	k->live++;
	if (h->all > k->o.per_client && h->uhead) {
		k->evicted++;
		evict(k, h->uhead);
	}
	if (k->live > k->o.total) {
		struct rec *v = victim(k);

		if (v) {
			k->evicted++;
			evict(k, v);
		}
	}
	pthread_mutex_unlock(&k->mu);
	return r;
}

void nd_conns_gone(struct nd_conns *k, void *rec)
{
	struct rec *r = rec;
	struct host *h;

	if (!r)
		return;
	pthread_mutex_lock(&k->mu);
	h = r->h;
	if (!r->evicted) {
		if (r->st == FRESH)
			fresh_unlink(k, r);
		if (r->st != AUTHED)
			unauth_unlink(r);
		h->all--;
		k->live--;
	}
	h->refs--;
	host_put(k, h);
	pthread_mutex_unlock(&k->mu);
	free(r);
}

bool nd_conns_seen(struct nd_conns *k, void *rec, bool authed)
{
	struct rec *r = rec;
	bool now_authed = false;

	if (!r)
		return false;
	pthread_mutex_lock(&k->mu);
	if (!r->evicted) {
		if (r->st == FRESH) {
			fresh_unlink(k, r);
			r->st = ANON;
		}
		if (authed && r->st == ANON) {
			unauth_unlink(r);
			r->st = AUTHED;
			now_authed = true;
		}
	}
	pthread_mutex_unlock(&k->mu);
	return now_authed;
}

void nd_conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe)
{
	struct nd_conns *k = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fi =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ai =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		*socket_context = nd_conns_add(k, fi ? fi->connect_fd : -1,
					       ai ? ai->client_addr : NULL);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		nd_conns_gone(k, *socket_context);
		*socket_context = NULL;
	}
}

void nd_conns_request(struct nd_conns *k, struct MHD_Connection *c, bool authed)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
							MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	if (ci && nd_conns_seen(k, ci->socket_context, authed))
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, k->o.idle_s);
}

void nd_conns_stats(struct nd_conns *k, struct nd_conns_stats *out)
{
	pthread_mutex_lock(&k->mu);
	out->accepted = k->accepted;
	out->evicted = k->evicted;
	out->expired = k->expired;
	out->live = k->live;
	pthread_mutex_unlock(&k->mu);
}

/* ---- pauses and the keeper thread ---- */

static void deadline_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int nd_conns_pause(struct nd_conns *k, struct MHD_Connection *c, int64_t ms)
{
	int rc = 0;

	pthread_mutex_lock(&k->pmu);
	if (k->stopping) {
		rc = -1;
	} else if (k->o.blocking) {
		struct timespec ts;

		deadline_in(&ts, ms);
		while (!k->stopping && pthread_cond_timedwait(&k->cv, &k->pmu, &ts) != ETIMEDOUT)
			;
		rc = k->stopping ? -1 : 1;
	} else {
		if (k->np == k->pcap) {
			k->pcap = k->pcap ? 2 * k->pcap : 64;
			k->p = nd_xrealloc(k->p, k->pcap * sizeof(*k->p));
		}
		MHD_suspend_connection(c);
		k->p[k->np++] = (struct pause){now_ms() + ms, c};
		pthread_cond_broadcast(&k->cv);
	}
	pthread_mutex_unlock(&k->pmu);
	return rc;
}

/* Take the pauses due by t (all of them when stopping) out of the list, into due. */
static size_t take_due(struct nd_conns *k, int64_t t, struct MHD_Connection ***due,
		       size_t *cap, int64_t *next)
{
	size_t i = 0, n = 0;

	*next = t + TICK_MS;
	while (i < k->np) {
		if (k->stopping || k->p[i].at <= t) {
			if (n == *cap) {
				*cap = *cap ? 2 * *cap : 64;
				*due = nd_xrealloc(*due, *cap * sizeof(**due));
			}
			(*due)[n++] = k->p[i].c;
			k->p[i] = k->p[--k->np];
			continue;
		}
		if (k->p[i].at < *next)
			*next = k->p[i].at;
		i++;
	}
	return n;
}

static void expire_fresh(struct nd_conns *k, int64_t t)
{
	pthread_mutex_lock(&k->mu);
	while (k->fhead && t - k->fhead->t0 >= (int64_t)k->o.fresh_ms) {
		k->expired++;
		evict(k, k->fhead);
	}
	pthread_mutex_unlock(&k->mu);
}

static void *keeper(void *arg)
{
	struct nd_conns *k = arg;
	struct MHD_Connection **due = NULL;
	size_t cap = 0, n, i;
	int64_t next, t;

	pthread_mutex_lock(&k->pmu);
	while (!k->quit) {
		struct timespec ts;

		t = now_ms();
		n = take_due(k, t, &due, &cap, &next);
		if (n) {
			/* resumed outside our lock: libmicrohttpd takes its own */
			pthread_mutex_unlock(&k->pmu);
			for (i = 0; i < n; i++)
				MHD_resume_connection(due[i]);
			pthread_mutex_lock(&k->pmu);
			continue;
		}
		pthread_mutex_unlock(&k->pmu);
		expire_fresh(k, t);
		pthread_mutex_lock(&k->pmu);
		deadline_in(&ts, next - t > 0 ? next - t : 0);
		if (!k->quit)
			pthread_cond_timedwait(&k->cv, &k->pmu, &ts);
	}
	pthread_mutex_unlock(&k->pmu);
	free(due);
	return NULL;
}

struct nd_conns *nd_conns_new(const struct nd_conns_opts *o, struct nd_err *e)
{
	struct nd_conns *k = nd_xcalloc(1, sizeof(*k));
	pthread_condattr_t ca;
	int rc;

	k->o = *o;
	pthread_mutex_init(&k->mu, NULL);
	pthread_mutex_init(&k->pmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cv, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&k->keeper, NULL, keeper, k);
	if (rc != 0) {
		nd_err_set(e, _("cannot start the connection keeper thread: %s"), strerror(rc));
		nd_conns_free(k);
		return NULL;
	}
	k->started = true;
	return k;
}

void nd_conns_stop(struct nd_conns *k)
{
	struct MHD_Connection **due = NULL;
	size_t cap = 0, n, i;
	int64_t next;

	if (!k)
		return;
	pthread_mutex_lock(&k->pmu);
	k->stopping = true;
	n = take_due(k, now_ms(), &due, &cap, &next);
	pthread_cond_broadcast(&k->cv);
	pthread_mutex_unlock(&k->pmu);
	for (i = 0; i < n; i++)
		MHD_resume_connection(due[i]);
	free(due);
}

void nd_conns_free(struct nd_conns *k)
{
	struct host *h, *nx;

	if (!k)
		return;
	if (k->started) {
		pthread_mutex_lock(&k->pmu);
		k->quit = true;
		pthread_cond_broadcast(&k->cv);
		pthread_mutex_unlock(&k->pmu);
		pthread_join(k->keeper, NULL);
	}
	for (h = k->hosts; h; h = nx) {
		nx = h->next;
		free(h);
	}
	free(k->p);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->pmu);
	pthread_mutex_destroy(&k->mu);
	free(k);
}
