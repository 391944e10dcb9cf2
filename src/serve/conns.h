/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_CONNS_H
#define ND_SERVE_CONNS_H
/*
 * The connection keeper of `serve`: who may hold a socket, for how long,
 * and timed pauses that cost no thread.
 *
 * Every connection is tracked from accept (libmicrohttpd's connection
 * notifications) to close, in one of three states:
 *
 *   fresh    no request yet (TLS handshake, headers on their way)
 *   anon     requests seen, none authenticated (public paths, 401s)
 *   authed   at least one authenticated request
 *
 * Fresh connections have a hard deadline (fresh_ms from accept, however
 * slowly the bytes trickle in); then they are cut. Fresh and anon
 * connections are the only ones ever evicted. At most per_client
 * connections per source address and total in all: a new connection over
 * either cap evicts one that never authenticated — over per_client the
 * oldest of that address, over total the oldest of the address that holds
 * the most unauthenticated ones — so idle sockets, however many, cannot
 * keep a client that authenticates out for longer than its own handshake.
 * When every connection of an address (or of the server) has
 * authenticated, the newcomer itself is the one cut. Eviction is
 * shutdown(2) of the socket; libmicrohttpd then closes it as a dead peer.
 *
 * Pauses: nd_conns_pause() suspends a connection (from its request or
 * content callback) and resumes it after ms, so a delayed answer (fault
 * latency, a drip) holds no pool thread. In the blocking model (one thread
 * per connection, kept for comparison) it sleeps in place instead.
 *
 * Lifecycle: nd_conns_new() starts the keeper thread; the daemon gets
 * nd_conns_notify() as MHD_OPTION_NOTIFY_CONNECTION with the keeper as
 * its closure; nd_conns_stop() resumes every paused connection and
 * refuses new pauses (call it before MHD_stop_daemon, which must find
 * none suspended); nd_conns_free() after the daemon has stopped. NULL is a
 * no-op for both. All calls are thread-safe.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sys/socket.h>

#include <microhttpd.h>

struct nd_err;

struct nd_conns_opts {
	unsigned total;          /* connections in all */
	unsigned per_client;     /* connections from one source address */
	unsigned fresh_ms;       /* deadline from accept to the first request */
	unsigned idle_s;         /* idle timeout once authenticated (set on the connection) */
	bool blocking;           /* thread per connection: pauses sleep in place */
};

struct nd_conns_stats {
	uint64_t accepted;
	uint64_t evicted;        /* over a cap */
	uint64_t expired;        /* fresh past the deadline */
	unsigned live;           /* tracked now, not evicted */
};

struct nd_conns;

struct nd_conns *nd_conns_new(const struct nd_conns_opts *o, struct nd_err *e);
void nd_conns_stop(struct nd_conns *k);
void nd_conns_free(struct nd_conns *k);

/* MHD_NotifyConnectionCallback; cls is the keeper. */
void nd_conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe);

/* A request's headers are in; authed: it carried valid credentials. */
void nd_conns_request(struct nd_conns *k, struct MHD_Connection *c, bool authed);

/*
 * Pause c for ms. 0: suspended, return from the callback (MHD_YES, or 0
 * bytes from a content reader) and it is called again once resumed;
 * 1: waited in place (blocking model), go on; -1: the server is
 * stopping, give up on the answer.
 */
int nd_conns_pause(struct nd_conns *k, struct MHD_Connection *c, int64_t ms);

void nd_conns_stats(struct nd_conns *k, struct nd_conns_stats *out);

/*
 * The same bookkeeping without libmicrohttpd (what nd_conns_notify and
 * nd_conns_request do; the unit test drives these): a new connection on
 * fd from sa, its record back (evictions done, shutdown(2) on their fds);
 * its request seen (true: it became authenticated now); it closed.
 */
void *nd_conns_add(struct nd_conns *k, int fd, const struct sockaddr *sa);
bool nd_conns_seen(struct nd_conns *k, void *rec, bool authed);
void nd_conns_gone(struct nd_conns *k, void *rec);

#endif
