/* SPDX-License-Identifier: MIT */
/*
 * A destination, staged: DNS (dns.c) -> TCP (tcp.c) -> TLS (tls.c) -> HTTP
 * (http1.c), each stage capped and all bounded by one deadline; many
 * destinations at once on a bounded set of threads (each probe is a chain
 * of blocking waits on its own epoll set, so a thread per probe in flight
 * is the simple way to overlap them).
 */
#include "probe/probe.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/ipaddr.h"
#include "k8s/http.h"
#include "core/banned.h"

#define DNS_CAP_MS 4000
#define TCP_CAP_MS 5000
#define TLS_CAP_MS 5000
#define HTTP_CAP_MS 3000     /* a peer that proved itself with TLS and stays silent is not waited for long */
#define MAX_THREADS 64

static int64_t cap(int64_t deadline, int64_t c)
{
	int64_t l = nd_probe_left(deadline);

	return l < c ? l : c;
}

void nd_probe_dest(const struct nd_dest_req *q, const struct nd_dest_opts *o,
		   struct nd_dest_result *out)
{
	int64_t t0 = nd_now_ms();
	struct nd_err e;
	char fq[300];
	size_t i;
	int fd = -1;

	memset(out, 0, sizeof(*out));
	out->started = true;
	/* a destination's name is absolute: a pod's search list (ndots:5) is not tried first */
	{
		size_t hl = strlen(q->host);
		struct nd_ip ip;

		if (hl + 2 > sizeof(fq) || nd_ip_parse(q->host, &ip) == 0 ||
		    (hl && q->host[hl - 1] == '.'))
			snprintf(fq, sizeof(fq), "%s", q->host);
		else
			snprintf(fq, sizeof(fq), "%s.", q->host);
	}
	if (nd_dns_lookup(fq, o->dns_servers, cap(o->deadline, DNS_CAP_MS), &out->dns, &e) < 0) {
		out->dns.status = ND_STAGE_FAIL;
		out->dns.error = ND_DNS_OTHER;
		snprintf(out->dns.detail, sizeof(out->dns.detail), "%.159s", e.msg);
	}
	if (out->dns.status != ND_STAGE_PASS)
		goto out;
	for (i = 0; i < out->dns.naddrs && i < ND_PROBE_MAX_ADDRS; i++) {
		snprintf(out->tcp[i].ip, sizeof(out->tcp[i].ip), "%s", out->dns.addrs[i]);
		out->tcp[i].family = out->dns.families[i];
	}
	out->ntcp = i;
	{
		int64_t t = nd_now_ms();

		nd_tcp_connect_all(out->tcp, out->ntcp, q->port, cap(o->deadline, TCP_CAP_MS), &fd,
				   &out->tcp_which);
		out->tcp_ms = nd_now_ms() - t;
	}
	out->tcp_status = fd >= 0 ? ND_STAGE_PASS : ND_STAGE_FAIL;
	if (fd < 0)
		goto out;
	if (q->tls) {
		struct nd_tls_opts to = {0};

		to.name = q->host;
		to.ca_file = o->ca_file;
		to.ca_adds = true;
		to.store = o->store;
		to.alpn = q->alpn;
		to.timeout_ms = cap(o->deadline, TLS_CAP_MS + HTTP_CAP_MS);
		to.http_timeout_ms = HTTP_CAP_MS;
		to.http_host = q->http ? q->host : NULL;
		to.http_out = &out->http;
		nd_tls_probe(fd, &to, &out->tls);
	} else if (q->http) {
		nd_http1_get(fd, NULL, q->host, cap(o->deadline, HTTP_CAP_MS), &out->http);
	}
	close(fd);
out:
	out->ms = nd_now_ms() - t0;
}

struct pool {
	const struct nd_dest_req *q;
	const struct nd_dest_opts *o;
	struct nd_dest_result *out;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		i = p->next < p->n && nd_probe_left(p->o->deadline) > 0 ? p->next++ : p->n;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			break;
		nd_probe_dest(&p->q[i], p->o, &p->out[i]);
	}
	return NULL;
}

void nd_probe_dests(const struct nd_dest_req *q, size_t n, const struct nd_dest_opts *o,
		    struct nd_dest_result *out)
{
	pthread_t th[MAX_THREADS];
	struct pool p = {.q = q, .o = o, .out = out, .n = n};
	size_t want = o->concurrency ? o->concurrency : 8, started = 0, i;
	struct nd_dest_opts own;

	memset(out, 0, sizeof(*out) * n);
	if (want > MAX_THREADS)
		want = MAX_THREADS;
	if (want > n)
		want = n;
	/* the resolver library and the trust store are set up once, before any thread */
	nd_dns_init();
	if (!p.o->store) {
		own = *o;
		own.store = nd_tls_store_new(o->ca_file);
		p.o = &own;
	}
	pthread_mutex_init(&p.mu, NULL);
	for (i = 0; i < want; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	if (!started)
		worker(&p);     /* no thread could start: probe them one by one here */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	if (p.o == &own)
		nd_tls_store_free(own.store);
}
