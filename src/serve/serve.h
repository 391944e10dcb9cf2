/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_SERVE_H
#define ND_SERVE_SERVE_H
/*
 * `netdiag serve`: the read-only Kubernetes API (api.h) over a store
 * (store.h), on libmicrohttpd, one thread per connection (small stacks),
 * at most max_connections, 3/4 of them from one address; a connection that
 * stays silent 10 s (mid-handshake, mid-headers, idle keep-alive) is closed,
 * so idle clients cannot lock out real ones.
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
#include <stddef.h>
#include <stdint.h>

#include "serve/faults.h"

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
	unsigned max_connections;    /* default 1024; one address at most 3/4 of it */
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
void nd_server_stop(struct nd_server *srv);

#endif
