/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_SERVE_H
#define ND_SERVE_SERVE_H
/*
 * `netdiag serve`: the read-only Kubernetes API (api.h) over a store
 * (store.h), on libmicrohttpd: a small pool of threads (two per core, 4 to
 * 16) polls every connection (poll(2)), so a connection costs no thread and
 * a delayed answer (fault latency, hang, drip) is a pause (conns.h), not a
 * sleeping thread.
 *
 * Idle clients cannot lock out real ones (conns.h has the rules): a
 * connection must finish its TLS handshake and first request headers
 * within ND_SERVE_FRESH_S of accept; once a request authenticates, the
 * connection may idle ND_SERVE_IDLE_S between requests (ND_SERVE_FRESH_S
 * before that); at most max_per_client connections per source address and
 * max_connections in all, and a newcomer over a cap evicts a connection
 * that never authenticated, never an authenticated one.
 *
 * thread_per_connection keeps the former model (a thread per connection,
 * pauses sleep in place) for benchmarks that compare the two; the caps
 * and deadlines are the same.
 *
 * Every request but /version, /healthz, /livez and /readyz must carry
 * "Authorization: Bearer <token>" or a client certificate signed by the
 * client CA; otherwise 401 (a Status object). Faults (faults.h) apply
 * after authentication, latency to every request.
 *
 * nd_server_start() takes the listening socket, so the port is known as
 * soon as it returns (listen port 0 picks a free one). nd_server_stop()
 * ends hung requests, waits for the connection threads and frees;
 * NULL is a no-op. The store and every string in the options must outlive
 * the server.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/faults.h"

#define ND_SERVE_MAX_CONNECTIONS 1024
#define ND_SERVE_MAX_PER_CLIENT 256
#define ND_SERVE_FRESH_S 5      /* accept to first request headers */
#define ND_SERVE_IDLE_S 60      /* between requests, once authenticated */

struct nd_store;
struct nd_overlay;
struct nd_err;

struct nd_serve_opts {
	const char *host;            /* numeric address or name to bind */
	uint16_t port;               /* 0: any free port */
	const char *cert_pem;        /* NULL: plain HTTP (tests only) */
	const char *key_pem;
	const char *client_ca_pem;   /* NULL: no client certificates */
	const char *client_ca_name;  /* for messages */
	const char *token;           /* required bearer token, or NULL (certificates only) */
	const char *token_user;      /* the user a token stands for */
	const char *const *forbid;   /* resource plurals answered 403 */
	size_t nforbid;
	struct nd_faults faults;
	unsigned max_connections;    /* 0: ND_SERVE_MAX_CONNECTIONS */
	unsigned max_per_client;     /* 0: ND_SERVE_MAX_PER_CLIENT */
	bool thread_per_connection;  /* the former model, for comparison */
	const char *logs_dir;        /* the bundle's logs/ folder (pods/{name}/log), or NULL */
	struct nd_overlay *overlay;  /* --writable: created objects (overlay.h); NULL: read-only */
};

struct nd_server;

/* "HOST:PORT", "[V6]:PORT", "HOST" or ":PORT" (127.0.0.1 when the host is left out). */
int nd_listen_parse(const char *spec, char *host, size_t hostlen, uint16_t *port,
		    struct nd_err *e);

int nd_server_start(const struct nd_store *s, const struct nd_serve_opts *o,
		    struct nd_server **out, struct nd_err *e);
uint16_t nd_server_port(const struct nd_server *srv);
/* Connections so far: accepted, evicted over a cap, cut at the fresh deadline. */
void nd_server_counts(struct nd_server *srv, uint64_t *accepted, uint64_t *evicted,
		      uint64_t *expired);
void nd_server_stop(struct nd_server *srv);

#endif
