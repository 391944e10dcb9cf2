/* SPDX-License-Identifier: MIT */
#ifndef ND_PROBE_H
#define ND_PROBE_H
/*
 * The staged probe of an API server (S1): DNS -> TCP -> TLS -> HTTP, each
 * stage with its own deadline, all bounded by one overall deadline, so a
 * server that does not answer costs at most that deadline.
 *
 *  - DNS (dns.c, the only module that talks to c-ares): every address the
 *    name has, IPv4 and IPv6, from the resolvers of /etc/resolv.conf (and
 *    /etc/hosts, as the system resolver would). An IP literal skips DNS.
 *  - TCP (tcp.c): a non-blocking connect to every address at once on one
 *    epoll set; each address gets ok / timeout / refused / unreachable.
 *  - TLS (tls.c, OpenSSL): a handshake with the first address that
 *    connected; the chain is checked against the kubeconfig's CA (the system
 *    store when it has none), the name (tls-server-name, else the host), and
 *    the dates. The handshake is always completed so that the certificate's
 *    subject, issuer, SANs and dates can be shown; nothing is sent over a
 *    connection that did not verify.
 *  - HTTP (http_stage.c, through k8s/http.h): GET /version and /readyz
 *    without credentials, then an authenticated GET with the kubeconfig's
 *    credentials (k8s/auth.h).
 *
 * Library code: results are values; nothing is printed. Credentials are
 * never copied into a result.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_err;
struct nd_kubeconfig;
struct nd_http1_result;

#define ND_PROBE_MAX_ADDRS 16
#define ND_PROBE_MAX_SERVERS 8

enum nd_stage_status { ND_STAGE_NOT_RUN = 0, ND_STAGE_PASS, ND_STAGE_FAIL };

enum nd_dns_error {
	ND_DNS_OK = 0,
	ND_DNS_NXDOMAIN,     /* the name does not exist */
	ND_DNS_NODATA,       /* it exists but has no A/AAAA address */
	ND_DNS_SERVFAIL,
	ND_DNS_REFUSED,
	ND_DNS_TIMEOUT,
	ND_DNS_OTHER,
};
const char *nd_dns_error_name(enum nd_dns_error e);   /* "NXDOMAIN", "no address"... */

struct nd_dns_result {
	enum nd_stage_status status;
	enum nd_dns_error error;
	bool literal;                     /* the host was an IP address: no lookup */
	char servers[ND_PROBE_MAX_SERVERS][64];   /* "10.0.0.53:53" */
	size_t nservers;
	char addrs[ND_PROBE_MAX_ADDRS][46];
	int families[ND_PROBE_MAX_ADDRS]; /* 4 or 6 */
	size_t naddrs;
	char detail[160];                 /* c-ares' text, for -v */
	int64_t ms;
};

/*
 * Look host up, waiting at most timeout_ms. servers: "ip[:port]" list
 * (comma-separated) to ask instead of /etc/resolv.conf's, or NULL.
 * Returns 0 (the outcome, good or bad, is in out), -1 when the resolver
 * could not be set up at all.
 */
int nd_dns_lookup(const char *host, const char *servers, int64_t timeout_ms,
		  struct nd_dns_result *out, struct nd_err *e);
/* Set the resolver library up (once, thread-safe); nd_dns_lookup calls it. -1 on failure. */
int nd_dns_init(void);

/*
 * One question to one named server (nd_dns_ask_all): the name is asked as
 * given, as an absolute name (no search list, no ndots, no /etc/hosts),
 * for its A and AAAA records. Filled: error, addrs, ms, answered (false,
 * error ND_DNS_TIMEOUT, when nothing answered: dropped, or the port closed).
 */
struct nd_dns_ask {
	const char *name;
	const char *server;               /* "ip" or "ip:port" ("[v6]:port") */
	bool answered;                    /* an answer came (good or bad) before the deadline */
	enum nd_dns_error error;          /* ND_DNS_TIMEOUT when none came */
	char addrs[ND_PROBE_MAX_ADDRS][46];
	size_t naddrs;
	int64_t ms;                       /* until the answer, or the deadline */
};

/*
 * Ask every question at once (one resolver channel each, one poll loop),
 * each with one try of at most timeout_ms. Returns 0, or -1 when a
 * resolver could not be set up (a server that is not an address: e names it).
 */
int nd_dns_ask_all(struct nd_dns_ask *q, size_t n, int64_t timeout_ms, struct nd_err *e);

enum nd_tcp_state {
	ND_TCP_NOT_TRIED = 0,
	ND_TCP_OK,
	ND_TCP_TIMEOUT,      /* no answer: SYN dropped on the way */
	ND_TCP_REFUSED,      /* RST: nothing listening, or a REJECT */
	ND_TCP_UNREACHABLE,  /* no route, host or network unreachable (ICMP or local) */
	ND_TCP_ERROR,
};
const char *nd_tcp_state_name(enum nd_tcp_state s);   /* "ok", "timeout", "refused"... */

struct nd_tcp_addr {
	char ip[46];
	int family;
	enum nd_tcp_state state;
	int err;             /* errno of a failure */
	int64_t ms;
};

/*
 * Connect to every address (ip[i], port) concurrently, waiting at most
 * timeout_ms in all. The first socket that connected is left open in
 * *fd_out (or -1); the caller closes it. Returns the number that connected.
 */
int nd_tcp_connect_all(struct nd_tcp_addr *addrs, size_t n, unsigned port, int64_t timeout_ms,
		       int *fd_out, size_t *which);

enum nd_tls_reason {
	ND_TLS_OK = 0,
	ND_TLS_UNKNOWN_AUTHORITY,
	ND_TLS_NAME_MISMATCH,
	ND_TLS_EXPIRED,
	ND_TLS_NOT_YET_VALID,
	ND_TLS_HANDSHAKE,    /* the handshake itself failed (protocol, alert, reset) */
	ND_TLS_TIMEOUT,
	ND_TLS_BAD_CA,       /* the kubeconfig's CA cannot be read */
};
const char *nd_tls_reason_name(enum nd_tls_reason r);  /* "unknown-authority"... */

struct nd_tls_opts {
	const char *name;            /* name to send (SNI) and verify; an IP literal is
				      * checked against the IP SANs */
	const char *ca_file;         /* PEM file, or NULL */
	const char *ca_data;         /* PEM bytes, or NULL */
	size_t ca_len;
	bool insecure;               /* still handshake and report; never a failure */
	int64_t timeout_ms;
	/* egress (dest.c): */
	bool ca_adds;                /* ca_file adds anchors to the system store, not replaces it */
	void *store;                 /* a trust store from nd_tls_store_new (shared, read once):
				      * used instead of ca_file/ca_data when set */
	const char *alpn;            /* protocols to offer, comma-separated ("h2,http/1.1"), or NULL */
	const char *http_host;       /* after a verified handshake, GET / with this Host over the
				      * session (not when h2 was chosen), into *http_out; or NULL */
	struct nd_http1_result *http_out;
	int64_t http_timeout_ms;     /* the GET's own bound (within timeout_ms); 0: what is left */
};

struct nd_tls_result {
	enum nd_stage_status status;
	enum nd_tls_reason reason;
	char verify_error[160];      /* OpenSSL's text for the verification error */
	char subject[256], issuer[256];
	char sans[512];              /* "DNS:a, IP Address:1.2.3.4" */
	char not_before[32], not_after[32];   /* RFC 3339, UTC */
	char version[16];            /* "TLSv1.3" */
	char chain_issuer[256];      /* issuer of the last certificate the server sent (its root CA) */
	char alpn[32];               /* the protocol the server chose, "" when none */
	bool have_cert;
	int64_t ms;
};

/* Handshake on the connected socket fd (left open). Returns 0, the outcome in out. */
int nd_tls_probe(int fd, const struct nd_tls_opts *o, struct nd_tls_result *out);
/*
 * The system store plus ca_file (NULL: the system store only), read once to
 * be shared by many handshakes (an OpenSSL X509_STORE, thread-safe for
 * verification). NULL when it cannot be built. nd_tls_store_free(NULL) is a no-op.
 */
void *nd_tls_store_new(const char *ca_file);
void nd_tls_store_free(void *store);
/* 0 when path is a readable PEM file with at least one certificate, else -1 with e filled. */
int nd_tls_ca_file_check(const char *path, struct nd_err *e);

/* --- one HTTP/1.1 request on a connection (http1.c): the egress HTTP stage --- */

struct nd_http1_result {
	enum nd_stage_status status;  /* PASS: the destination answered (any status but a
				       * firewall's or proxy's refusal), or stayed silent */
	long http;                   /* the status, 0 when none */
	char error[32];              /* on FAIL: "http-470", "http-407", "firewall-deny", "reset" */
	char detail[200];            /* the status line, or what happened */
	int64_t ms;
};

/*
 * GET / with Host: host on the connected fd (ssl: an OpenSSL SSL * already
 * through its handshake, or NULL for clear text), reading the answer's head
 * until timeout_ms. An Azure Firewall refusal (HTTP 470 / "Action: Deny"),
 * a proxy's 407 or a reset fail; no answer at all is a pass with a detail
 * (TLS already proved the peer).
 */
void nd_http1_get(int fd, void *ssl, const char *host, int64_t timeout_ms,
		  struct nd_http1_result *out);
/* Classify the head of an answer (exposed for the tests). */
void nd_http1_classify(const char *head, size_t len, struct nd_http1_result *out);

/* --- a destination, staged (dest.c): DNS -> TCP -> TLS -> HTTP ------------- */

struct nd_dest_req {
	const char *host;            /* name or IP literal */
	unsigned port;
	bool tls;                    /* TLS handshake after TCP */
	bool http;                   /* GET / after TCP (clear) or TLS */
	const char *alpn;            /* see nd_tls_opts */
};

struct nd_dest_opts {
	const char *dns_servers;     /* see nd_dns_lookup; NULL: the system's */
	const char *ca_file;         /* extra trust anchors (added to the system store), or NULL */
	int64_t deadline;            /* monotonic ms at which every stage stops */
	unsigned concurrency;        /* destinations probed at once; 0: 8 */
	void *store;                 /* nd_tls_store_new(ca_file), or NULL: nd_probe_dests builds
				      * it once (nd_probe_dest alone then reads ca_file each time) */
};

struct nd_dest_result {
	bool started;                /* false: the deadline came before its turn */
	struct nd_dns_result dns;
	struct nd_tcp_addr tcp[ND_PROBE_MAX_ADDRS];
	size_t ntcp, tcp_which;
	enum nd_stage_status tcp_status;
	int64_t tcp_ms;
	struct nd_tls_result tls;    /* status NOT_RUN when not asked or not reached */
	struct nd_http1_result http; /* idem */
	int64_t ms;
};

/* Probe one destination, stopping at the first stage that fails. */
void nd_probe_dest(const struct nd_dest_req *q, const struct nd_dest_opts *o,
		   struct nd_dest_result *out);
/* Probe n destinations, at most o->concurrency at once (threads), all by o->deadline. */
void nd_probe_dests(const struct nd_dest_req *q, size_t n, const struct nd_dest_opts *o,
		    struct nd_dest_result *out);

/* --- the whole probe ----------------------------------------------------- */

struct nd_http_stage {
	enum nd_stage_status status;
	long http;                   /* HTTP status, 0 when none */
	char fail[32];               /* transport failure class ("timeout"), "" when none */
	char detail[256];            /* the body's gist (version, "ok") or the error */
	int64_t ms;
};

struct nd_probe_opts {
	int64_t timeout_ms;          /* the whole probe; 0: 10 s */
	const char *dns_servers;     /* see nd_dns_lookup; NULL: the system's */
	bool no_http;                /* stop after TLS */
	bool no_auth;                /* stop after /readyz (the caller tests credentials itself) */
	const char *auth_path;       /* authenticated request; NULL: pods of auth_ns, limit 1 */
	const char *auth_ns;         /* NULL: "default" */
};

struct nd_probe_result {
	char server[512];            /* the URL probed */
	char host[256];
	unsigned port;
	bool https;
	struct nd_dns_result dns;
	struct nd_tcp_addr tcp[ND_PROBE_MAX_ADDRS];
	size_t ntcp;
	enum nd_stage_status tcp_status;
	int64_t tcp_ms;
	struct nd_tls_result tls;
	struct nd_http_stage version, readyz, auth;
	/* the authenticated request */
	char auth_kind[32];          /* token, client-certificate, exec, none */
	char auth_path[300];
	char auth_object[64];        /* "kind" of a 2xx JSON answer (PodList), "" when none */
	char status_reason[64], status_message[512];
	char forbidden_user[256], forbidden_verb[32], forbidden_resource[160], forbidden_ns[254];
	bool timed_out;              /* the overall deadline cut the probe short */
	int64_t ms;
};

/*
 * Split "https://host:port/prefix" (IPv6 in brackets) into host and port
 * (default 443 for https, 80 for http). -1 when it is not such a URL.
 */
int nd_probe_split_url(const char *url, char *host, size_t hostlen, unsigned *port,
		       bool *https);

/*
 * Probe kc->server stage by stage, stopping at the first stage that fails.
 * Returns 0 with every stage's outcome in out; -1 only when the server
 * URL cannot be used (e filled).
 */
int nd_probe_apiserver(const struct nd_kubeconfig *kc, const struct nd_probe_opts *o,
		       struct nd_probe_result *out, struct nd_err *e);

/* Milliseconds left until deadline (monotonic ms), never below 0. */
int64_t nd_probe_left(int64_t deadline);

#endif
