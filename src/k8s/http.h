/* SPDX-License-Identifier: MIT */
#ifndef ND_HTTP_H
#define ND_HTTP_H
/*
 * The HTTP client: the only module that talks to libcurl.
 *
 * One nd_http is one API server: its TLS settings (CA from the kubeconfig,
 * never the system store when a CA is given; tls-server-name; client
 * certificate; insecure only when asked), its proxy, its deadlines, and one
 * curl multi handle, so transfers run concurrently on one thread, reuse
 * connections and use HTTP/2 when the server offers it. Bodies are
 * accepted gzip-compressed.
 *
 * Requests are started with nd_http_start() and driven by nd_http_poll();
 * a 2xx body is handed to on_body piece by piece as it arrives; any other
 * body is kept (up to err_body_max bytes) for the caller to read the
 * Status object. on_done is called exactly once per started request, from
 * nd_http_poll(), and may start new requests.
 *
 * The bearer token is sent in a header and never copied into messages.
 *
 * Budgets (issue 10): every transfer has a connect and a total deadline,
 * is cut when slower than 512 bytes/s for low_speed_ms, when its headers
 * pass max_headers, and when its body passes the request's max_body or
 * inflates more than max_ratio times; each has its own nd_http_fail.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct nd_err;

struct nd_http_config {
	const char *server;          /* https://host:port[/prefix] */
	const char *ca_file;         /* PEM file, or NULL */
	const char *ca_data;         /* PEM bytes, or NULL */
	size_t ca_len;
	bool insecure;               /* skip verification (kubeconfig said so) */
	const char *tls_server_name; /* name to send (SNI) and verify, or NULL */
	const char *proxy;           /* proxy-url, or NULL (then the *_proxy variables) */
	int64_t connect_timeout_ms;  /* 0: 10 s */
	int64_t timeout_ms;          /* whole request; 0: none */
	int max_connections;         /* 0: 6 */
	size_t err_body_max;         /* 0: 64 KiB */
	size_t max_headers;          /* bytes of one answer's headers; 0: 256 KiB */
	int64_t low_speed_ms;        /* abort when under 512 bytes/s for this long; 0: 10 s */
};

/* Why a request failed before an HTTP status was known (or the body was cut). */
enum nd_http_fail {
	ND_HTTP_OK = 0,
	ND_HTTP_DNS,            /* the name does not resolve */
	ND_HTTP_CONNECT,        /* refused, unreachable */
	ND_HTTP_TIMEOUT,        /* connect or total deadline passed */
	ND_HTTP_TLS_VERIFY,     /* the server's certificate is not trusted / wrong name */
	ND_HTTP_TLS,            /* handshake failed otherwise (client cert rejected...) */
	ND_HTTP_CLIENT_CERT,    /* our certificate or key cannot be used */
	ND_HTTP_TRUNCATED,      /* the body ended early or the connection broke */
	ND_HTTP_ABORTED,        /* on_body returned an error */
	ND_HTTP_OTHER,
	ND_HTTP_HEADERS_TOOBIG, /* the answer's headers passed max_headers (or curl's own limit) */
	ND_HTTP_BODY_TOOBIG,    /* the body passed max_body, or inflated past the ratio */
};

struct nd_http_result {
	long status;                 /* HTTP status, 0 when none */
	enum nd_http_fail fail;
	char error[256];             /* transport error text, "" when none */
	int64_t retry_after_ms;      /* Retry-After header, -1 when absent */
	const char *content_type;    /* or NULL */
	const char *body;            /* non-2xx body (NUL-terminated), or NULL */
	size_t body_len;
	int64_t elapsed_ms;
	size_t body_bytes;           /* 2xx body bytes handed on (decoded) */
	size_t wire_bytes;           /* body bytes on the wire (before gzip decoding) */
	char first[64];              /* the body's first bytes (any status), NUL-terminated */
	size_t first_len;
};

/*
 * The one collector of a whole body (every caller that reads one: error
 * bodies, probe stages, POST answers, the egress echo). At most max bytes
 * are kept; past that the start is kept and cut is set, or, with
 * fail_over, the transfer is aborted. Pass nd_http_body_add as on_body and
 * the collector as ctx. The bytes are body.p (NUL-terminated), body.len.
 */
struct nd_http_body {
	struct nd_buf body;
	bool fail_over;
	bool cut;
};
void nd_http_body_init(struct nd_http_body *c, size_t max, bool fail_over);
int nd_http_body_add(void *ctx, const char *p, size_t n);
void nd_http_body_release(struct nd_http_body *c);

/*
 * What the header callback keeps of one answer's headers: their size
 * against the client's max_headers, Retry-After (seconds, capped at 10
 * days, -1 when absent) and Content-Type (first 127 bytes). A status line
 * ("HTTP/...", after a 100-continue or a proxy's CONNECT) starts over.
 * Lines of 256 bytes or more count towards the size only.
 */
struct nd_http_hdrs {
	size_t bytes;
	bool toobig;
	int64_t retry_after_ms;
	char content_type[128];
};
void nd_http_hdrs_init(struct nd_http_hdrs *hd);
/* One line of n bytes as libcurl hands it (CRLF included); false once the headers passed max. */
bool nd_http_hdrs_line(struct nd_http_hdrs *hd, const char *p, size_t n, size_t max);

struct nd_http_req {
	const char *path;            /* "/api/v1/pods?limit=500" (copied) */
	int64_t timeout_ms;          /* this request's bound when shorter than the client's; 0: none */
	const char *bearer;          /* token or NULL (copied, wiped after) */
	const char *cert_data, *key_data;  /* client cert/key PEM from an exec plugin, or NULL */
	size_t cert_len, key_len;
	const char *cert_file, *key_file;
	/* 2xx body bytes; return 0, or -1 to abort the transfer (ND_HTTP_ABORTED) */
	int (*on_body)(void *ctx, const char *p, size_t n);
	void (*on_done)(void *ctx, const struct nd_http_result *res);
	void *ctx;
	/* The most 2xx body bytes to take, decoded (0: none), and the most a
	 * gzip'd body may inflate (decoded / wire, checked past 2 MiB; 0: 200):
	 * past either the transfer ends with ND_HTTP_BODY_TOOBIG. */
	size_t max_body;
	unsigned max_ratio;
	/* A POST (a create, such as a SubjectAccessReview) when body is set:
	 * body_len bytes of JSON, copied at start; NULL for a GET. */
	const char *body;
	size_t body_len;
	/* Another method ("DELETE"), or NULL: GET, or POST when body is set. */
	const char *method;
};

struct nd_http;

struct nd_http *nd_http_new(const struct nd_http_config *c, struct nd_err *e);
/* Cancels what is still running (on_done is not called for it). NULL is a no-op. */
void nd_http_free(struct nd_http *h);

int nd_http_start(struct nd_http *h, const struct nd_http_req *req, struct nd_err *e);
/* Move transfers along, waiting up to wait_ms for activity, and call on_done
 * for those that ended. Returns the number still running. */
int nd_http_poll(struct nd_http *h, int64_t wait_ms);
/* A short name for a failure class ("timeout", "tls-verify"). */
const char *nd_http_fail_name(enum nd_http_fail f);
/* The protocol of the last finished transfer ("HTTP/2", "HTTP/1.1"). */
const char *nd_http_last_version(const struct nd_http *h);
/* Monotonic milliseconds, for deadlines. */
int64_t nd_now_ms(void);

#endif
