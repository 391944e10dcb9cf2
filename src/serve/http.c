/* SPDX-License-Identifier: MIT */
/* The HTTP side of `serve`: libmicrohttpd, authentication, faults, streaming bodies. */
#include "serve/serve.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/err.h"
#include "core/num.h"
#include "serve/api.h"
#include "serve/conns.h"
#include "serve/hostile.h"
#include "core/buf.h"
#include "serve/tls.h"
#include "core/banned.h"
#include "core/i18n.h"

#define BLOCK_SIZE (64u << 10)
#define UPLOAD_MAX (64u << 10)   /* POST bodies (access reviews) */
#define HANG_MAX_MS (3600 * 1000)

struct nd_server {
	struct MHD_Daemon *d;
	const struct nd_store *s;
	struct nd_serve_opts o;
	struct nd_api api;
	struct nd_tls_verifier *verifier;
	struct nd_fault_state fs;
	struct nd_serve_rbac *rbac;   /* access reviews (sar.c) */
	struct nd_conns *conns;       /* caps, deadlines, pauses (conns.h) */
	atomic_bool stopping;
	uint16_t port;
	char server_addr[300];
};

/* One request: its POST body (access reviews; others carry none) and where it stands. */
struct req {
	struct nd_buf b;
	bool post;
	bool authed;
	bool delayed;             /* --fault-latency waited */
	bool hung;                /* --fault-hang-path: paused until the end */
	char user[256];
	char why[1024];           /* not authenticated: why */
};

static void req_done(void *cls, struct MHD_Connection *c, void **req_cls,
		     enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *req_cls;

	if (!rq)
		return;
	nd_buf_release(&rq->b);
	free(rq);
	*req_cls = NULL;
}

struct stream {
	struct nd_body *body;
	uint64_t cut;             /* bytes to send before failing (truncate fault) */
};

int nd_listen_parse(const char *spec, char *host, size_t hostlen, uint16_t *port,
		    struct nd_err *e)
{
	const char *colon, *h = spec, *p = NULL;
	size_t hl;
	uint32_t v;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || (end[1] && end[1] != ':'))
			return nd_err_set(e, _("bad listen address '%s': expected [ADDR]:PORT"), spec);
		h = spec + 1;
		hl = (size_t)(end - h);
		p = end[1] ? end + 2 : NULL;
	} else {
		colon = strrchr(spec, ':');
		if (colon && strchr(spec, ':') != colon)
			return nd_err_set(e, _("bad listen address '%s': write IPv6 as [ADDR]:PORT"), spec);
		hl = colon ? (size_t)(colon - spec) : strlen(spec);
		p = colon ? colon + 1 : NULL;
	}
	if (hl >= hostlen)
		return nd_err_set(e, _("bad listen address '%s': host name too long"), spec);
	if (hl == 0)
		snprintf(host, hostlen, "127.0.0.1");
	else
		snprintf(host, hostlen, "%.*s", (int)hl, h);
	*port = 0;
	if (p) {
		if (nd_parse_u32(p, strlen(p), 65535, &v) < 0)
			return nd_err_set(e, _("bad listen address '%s': port must be 0-65535"), spec);
		*port = (uint16_t)v;
	}
	return 0;
}

static int open_listener(const char *host, uint16_t port, uint16_t *bound, struct nd_err *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char ports[8];
	int fd = -1, rc, one = 1, err = 0;

	snprintf(ports, sizeof(ports), "%u", port);
	rc = getaddrinfo(host, ports, &hints, &res);
	if (rc != 0)
		return nd_err_set(e, _("cannot resolve listen host '%s': %s"), host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return nd_err_set(e, _("cannot listen on '%s' port %u: %s"), host, port, strerror(err));
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							: ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	long n;

	if (pos >= st->cut)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (max > st->cut - pos)
		max = (size_t)(st->cut - pos);
	n = nd_body_read(st->body, pos, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return n;
}

static void reader_free(void *cls)
{
	struct stream *st = cls;

	nd_body_free(st->body);
	free(st);
}

static enum MHD_Result send_resp(struct MHD_Connection *c, int code, const char *ctype,
				 struct nd_body *body, bool truncate, int retry_after)
{
	struct stream *st = nd_xcalloc(1, sizeof(*st));
	uint64_t size = nd_body_size(body);
	struct MHD_Response *r;
	enum MHD_Result ok;

	st->body = body;
	st->cut = truncate ? size / 2 : size;
	r = MHD_create_response_from_callback(size, BLOCK_SIZE, reader, st, reader_free);
	if (!r) {
		reader_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, private");
	MHD_add_response_header(r, "X-Kubernetes-Pf-Flowschema-Uid",
				"6b0a1f4e-netd-iag0-serv-e00000000001");
	MHD_add_response_header(r, "X-Kubernetes-Pf-Prioritylevel-Uid",
				"6b0a1f4e-netd-iag0-serv-e00000000002");
	if (retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%d", retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	ok = MHD_queue_response(c, (unsigned)code, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_status(struct MHD_Connection *c, int code, const char *reason,
				   const char *msg, const char *details, const char *cont,
				   int retry_after)
{
	return send_resp(c, code, "application/json",
			 nd_api_status(code, reason, msg, details, cont), false, retry_after);
}

static bool token_ok(const char *want, const char *hdr)
{
	size_t i, n, m;
	unsigned char diff = 0;

	if (!want || !hdr || strncasecmp(hdr, "Bearer ", 7) != 0)
		return false;
	hdr += 7;
	while (*hdr == ' ')
		hdr++;
	n = strlen(want);
	m = strlen(hdr);
	while (m && hdr[m - 1] == ' ')
		m--;
	if (n != m)
		return false;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(want[i] ^ hdr[i]);
	return diff == 0;
}

/* 0: authenticated as user; -1: not, why in e. */
static int authenticate(struct nd_server *srv, struct MHD_Connection *c, char *user,
			size_t userlen, struct nd_err *e)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_AUTHORIZATION);
	int rc;

	if (token_ok(srv->o.token, auth)) {
		snprintf(user, userlen, "%s", srv->o.token_user ? srv->o.token_user : "netdiag");
		return 0;
	}
	if (srv->verifier) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);

		rc = nd_tls_verify_session(srv->verifier, ci ? ci->tls_session : NULL, user,
					   userlen, e);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return -1;
	}
	return nd_err_set(e, auth ? "invalid bearer token" : "no credentials");
}

/* The first call of a request: its headers are in, so its credentials are known. */
static void req_start(struct nd_server *srv, struct MHD_Connection *c, const char *url,
		      const char *method, struct req *rq)
{
	struct nd_err e;

	rq->post = strcmp(method, "POST") == 0;
	if (rq->post)
		nd_buf_init(&rq->b, UPLOAD_MAX);
	/* a public path (/version, /healthz) does not make the connection a trusted one */
	if (!nd_api_public(url)) {
		if (authenticate(srv, c, rq->user, sizeof(rq->user), &e) == 0)
			rq->authed = true;
		else
			snprintf(rq->why, sizeof(rq->why), "%s", e.msg);
	}
	nd_conns_request(srv->conns, c, rq->authed);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **req_cls)
{
	struct nd_server *srv = cls;
	struct req *st = *req_cls;
	struct nd_api_req rq = {0};
	struct nd_api_resp rs;
	enum nd_fault f = ND_FAULT_NONE;
	char msg[1200];
	int rc;

	if (!st) {
		st = nd_xcalloc(1, sizeof(*st));
		*req_cls = st;
		req_start(srv, c, url, method, st);
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* read-only: bodies are kept (bounded) only for POSTs, which only
		 * access reviews answer; any other body is dropped */
		if (st->post)
			nd_buf_add(&st->b, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (st->hung)             /* resumed at the end of a hang: close */
		return MHD_NO;
	if (srv->o.faults.latency_ms > 0 && !st->delayed) {
		st->delayed = true;
		rc = nd_conns_pause(srv->conns, c, srv->o.faults.latency_ms);
		if (rc < 0)
			return MHD_NO;
		if (rc == 0)
			return MHD_YES;   /* called again once resumed */
	}
	if (st->post) {
		rq.body = st->b.p ? st->b.p : "";
		rq.body_len = st->b.len;
		rq.body_toobig = st->b.toobig;
	}
	rq.method = method;
	rq.path = url;
	rq.label_selector = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "labelSelector");
	rq.field_selector = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "fieldSelector");
	rq.limit = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	rq.cont = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "continue");
	rq.watch = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "watch");
	rq.tail_lines = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "tailLines");
	rq.limit_bytes = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limitBytes");
	rq.container = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "container");
	rq.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	rq.include_object = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "includeObject");
	rq.dry_run = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dryRun");
	if (!nd_api_public(url)) {
		if (!st->authed) {
			snprintf(msg, sizeof(msg), "Unauthorized: %s", st->why);
			return send_status(c, 401, "Unauthorized", msg, NULL, NULL, 0);
		}
		rq.user = st->user;
		f = nd_fault_pick(&srv->o.faults, &srv->fs, url, rq.cont && *rq.cont);
	}
	switch (f) {
	case ND_FAULT_HANG:
		/* never answered: paused (no thread held) until the end, then closed */
		st->hung = true;
		rc = nd_conns_pause(srv->conns, c, HANG_MAX_MS);
		return rc == 0 ? MHD_YES : MHD_NO;
	case ND_FAULT_HOSTILE:
		return (enum MHD_Result)nd_hostile_answer(c, (enum nd_hostile)srv->o.faults.hostile,
							  atomic_fetch_add(&srv->fs.hostile, 1) + 1,
							  &srv->stopping, srv->conns);
	case ND_FAULT_500:
		return send_status(c, 500, "InternalError",
				   "Internal error occurred: injected by netdiag serve "
				   "--fault-500-path", NULL, NULL, 0);
	case ND_FAULT_429:
		return send_status(c, 429, "TooManyRequests",
				   "Too many requests, please try again later.",
				   "\"retryAfterSeconds\":1", NULL, 1);
	case ND_FAULT_410:
		return send_status(c, 410, "Expired",
				   "The provided continue parameter is too old to display a "
				   "consistent list result. You can start a new list without the "
				   "continue parameter, or use the continue token in this response "
				   "to retrieve the remainder of the results. Continuing with the "
				   "provided token results in an inconsistent list - objects that "
				   "were created, modified, or deleted between the time the first "
				   "chunk was returned and now may show up in the list.",
				   NULL, rq.cont, 0);
	default:
		break;
	}
	nd_api_handle(&srv->api, &rq, &rs);
	return send_resp(c, rs.code, rs.content_type, rs.body, f == ND_FAULT_TRUNCATE, 0);
}

static void server_free(struct nd_server *srv)
{
	nd_conns_free(srv->conns);
	nd_serve_rbac_free(srv->rbac);
	nd_tls_verifier_free(srv->verifier);
	free(srv);
}

/* Pool threads: two per core, 4 to 16. */
static unsigned pool_size(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	n = n > 0 ? 2 * n : 4;
	return (unsigned)(n < 4 ? 4 : n > 16 ? 16 : n);
}

int nd_server_start(const struct nd_store *s, const struct nd_serve_opts *o,
		    struct nd_server **out, struct nd_err *e)
{
	struct nd_server *srv;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	struct MHD_OptionItem opts[20];
	struct nd_conns_opts co = {
		.total = o->max_connections ? o->max_connections : ND_SERVE_MAX_CONNECTIONS,
		.per_client = o->max_per_client ? o->max_per_client : ND_SERVE_MAX_PER_CLIENT,
		.fresh_ms = ND_SERVE_FRESH_S * 1000,
		.idle_s = ND_SERVE_IDLE_S,
		.blocking = o->thread_per_connection,
	};
	int fd, n = 0;

	*out = NULL;
	srv = nd_xcalloc(1, sizeof(*srv));
	srv->s = s;
	srv->o = *o;
	if (o->client_ca_pem) {
		srv->verifier = nd_tls_verifier_new(o->client_ca_pem,
						    o->client_ca_name ? o->client_ca_name : "client CA", e);
		if (!srv->verifier) {
			server_free(srv);
			return -1;
		}
	}
	if (nd_hostile_prepare((enum nd_hostile)o->faults.hostile) < 0) {
		server_free(srv);
		return nd_err_set(e, _("cannot prepare --fault-hostile"));
	}
	srv->conns = nd_conns_new(&co, e);
	if (!srv->conns) {
		server_free(srv);
		return -1;
	}
	fd = open_listener(o->host, o->port, &srv->port, e);
	if (fd < 0) {
		server_free(srv);
		return -1;
	}
	snprintf(srv->server_addr, sizeof(srv->server_addr), strchr(o->host, ':') ? "[%s]:%u" : "%s:%u",
		 o->host, srv->port);
	srv->api.s = s;
	srv->api.server = srv->server_addr;
	srv->api.forbid = o->forbid;
	srv->api.nforbid = o->nforbid;
	srv->api.sar_deny = o->faults.sar_deny;
	srv->api.logs_dir = o->logs_dir;
	srv->api.ov = o->overlay;
	srv->api.rbac = srv->rbac = nd_serve_rbac_new(s);
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
	/*
	 * Idle clients must not lock others out (issue 10): the caps, the
	 * fresh deadline and eviction are the keeper's (conns.h); the daemon's
	 * own limit is only a ceiling above them, room for the evicted sockets
	 * that are not closed yet. Its timeout is the fresh one, raised per
	 * connection once a request authenticates.
	 */
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
					    (intptr_t)(co.total + co.total / 2 + 64), NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, ND_SERVE_FRESH_S, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION,
					    (intptr_t)nd_conns_notify, srv->conns};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)req_done, NULL};
	if (o->thread_per_connection) {
		/* the old model, for comparison: a thread (small stack) per connection */
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_STACK_SIZE,
						    (intptr_t)(512u << 10), NULL};
	} else {
		/*
		 * a few threads poll every connection; a delayed answer is a
		 * pause, not a sleep. poll(2), not epoll: libmicrohttpd 0.9.75's
		 * epoll loop spins on a TLS record that has arrived only in part
		 * (half a ClientHello: 250 of them kept a core 44% busy), poll
		 * waits for the rest
		 */
		flags |= MHD_ALLOW_SUSPEND_RESUME | MHD_USE_POLL;
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
						    (intptr_t)pool_size(), NULL};
	}
	if (o->faults.hostile == ND_HOSTILE_HUGE_HEADER)   /* room to build the header in */
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
						    (intptr_t)(1u << 20), NULL};
	if (o->cert_pem) {
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem};
		if (o->client_ca_pem)
			opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0,
							    (void *)o->client_ca_pem};
	}
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	srv->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, srv, MHD_OPTION_ARRAY, opts,
				  MHD_OPTION_END);
	if (!srv->d) {
		close(fd);
		server_free(srv);
		return nd_err_set(e, _("cannot start the HTTP server on %s:%u (libmicrohttpd refused "
				  "the TLS key or certificate, or the socket)"), o->host, o->port);
	}
	*out = srv;
	return 0;
}

uint16_t nd_server_port(const struct nd_server *srv)
{
	return srv->port;
}

void nd_server_counts(struct nd_server *srv, uint64_t *accepted, uint64_t *evicted,
		      uint64_t *expired)
{
	struct nd_conns_stats st;

	nd_conns_stats(srv->conns, &st);
	*accepted = st.accepted;
	*evicted = st.evicted;
	*expired = st.expired;
}

void nd_server_stop(struct nd_server *srv)
{
	if (!srv)
		return;
	atomic_store(&srv->stopping, true);
	nd_conns_stop(srv->conns);      /* no connection may stay suspended */
	MHD_stop_daemon(srv->d);
	server_free(srv);
}
