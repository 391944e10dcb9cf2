/* SPDX-License-Identifier: MIT */
/*
 * The TLS stage (OpenSSL): a non-blocking handshake driven by epoll, the
 * chain checked against the kubeconfig's CA, the name and the dates, and
 * the server certificate's details kept for the report.
 */
#include "probe/probe.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/err.h"
#include "core/ipaddr.h"
#include "k8s/http.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_CA_PEM (4u << 20)

const char *nd_tls_reason_name(enum nd_tls_reason r)
{
	switch (r) {
	case ND_TLS_OK: return "ok";
	case ND_TLS_UNKNOWN_AUTHORITY: return "unknown-authority";
	case ND_TLS_NAME_MISMATCH: return "name-mismatch";
	case ND_TLS_EXPIRED: return "expired";
	case ND_TLS_NOT_YET_VALID: return "not-yet-valid";
	case ND_TLS_HANDSHAKE: return "handshake-failed";
	case ND_TLS_TIMEOUT: return "timeout";
	case ND_TLS_BAD_CA: return "bad-ca";
	}
	return "error";
}

/* Let the handshake finish whatever the chain: the verdict is read after it. */
static int tls_probe(int fd, const struct nd_tls_opts *o, struct nd_tls_result *out);

static int accept_all(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

static void asn1_time(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	buf[0] = '\0';
	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void name_line(X509_NAME *n, char *buf, size_t len)
{
	buf[0] = '\0';
	if (n)
		X509_NAME_oneline(n, buf, (int)len);
}

static void sans_line(X509 *x, char *buf, size_t len)
{
	GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; g && i < sk_GENERAL_NAME_num(g); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(g, i);
		char one[300];

		one[0] = '\0';
		if (gn->type == GEN_DNS) {
			const unsigned char *d = ASN1_STRING_get0_data(gn->d.dNSName);

			snprintf(one, sizeof(one), "DNS:%.*s", ASN1_STRING_length(gn->d.dNSName),
				 (const char *)d);
		} else if (gn->type == GEN_IPADD) {
			const unsigned char *d = ASN1_STRING_get0_data(gn->d.iPAddress);
			int l = ASN1_STRING_length(gn->d.iPAddress);
			struct nd_ip ip = {.family = l == 16 ? 6 : 4};
			char t[46];

			if (l != 4 && l != 16)
				continue;
			memcpy(ip.b, d, (size_t)l);
			nd_ip_format(&ip, t, sizeof(t));
			snprintf(one, sizeof(one), "IP:%s", t);
		}
		if (!one[0])
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
		if (used >= len - 1)
			break;
	}
	GENERAL_NAMES_free(g);
}

static int load_ca(SSL_CTX *ctx, const struct nd_tls_opts *o, struct nd_tls_result *out)
{
	X509_STORE *st = SSL_CTX_get_cert_store(ctx);
	BIO *bio;
	X509 *x;
	int n = 0;

	if (o->store)
		return SSL_CTX_set1_cert_store(ctx, o->store), 0;
	if (o->ca_data && o->ca_len) {
		if (o->ca_len > MAX_CA_PEM)
			return -1;
		bio = BIO_new_mem_buf(o->ca_data, (int)o->ca_len);
		while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			n += X509_STORE_add_cert(st, x) == 1;
			X509_free(x);
		}
		BIO_free(bio);
		ERR_clear_error();
		return n > 0 ? 0 : -1;
	}
	if (o->ca_file && o->ca_adds && SSL_CTX_set_default_verify_paths(ctx) != 1)
		return -1;
	if (o->ca_file)
		return SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) == 1 ? 0 : -1;
	(void)out;
	return SSL_CTX_set_default_verify_paths(ctx) == 1 ? 0 : -1;
}

static enum nd_tls_reason reason_of(long v)
{
	switch (v) {
	case X509_V_OK: return ND_TLS_OK;
	case X509_V_ERR_HOSTNAME_MISMATCH: case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return ND_TLS_NAME_MISMATCH;
	case X509_V_ERR_CERT_HAS_EXPIRED: return ND_TLS_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID: return ND_TLS_NOT_YET_VALID;
	default: return ND_TLS_UNKNOWN_AUTHORITY;
	}
}

/* "h2,http/1.1" in ALPN wire form (length-prefixed). */
static int set_alpn(SSL *ssl, const char *list)
{
	unsigned char wire[128];
	size_t used = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n > 255 || used + n + 1 > sizeof(wire))
			return -1;
		wire[used++] = (unsigned char)n;
		memcpy(wire + used, p, n);
		used += n;
		p += n;
		p += *p == ',';
	}
	/* SSL_set_alpn_protos returns 0 on success */
	return used && SSL_set_alpn_protos(ssl, wire, (unsigned)used) == 0 ? 0 : -1;
}

void *nd_tls_store_new(const char *ca_file)
{
	X509_STORE *st = X509_STORE_new();

	if (!st)
		return NULL;
	if (X509_STORE_set_default_paths(st) != 1 ||
	    (ca_file && X509_STORE_load_file(st, ca_file) != 1)) {
		X509_STORE_free(st);
		ERR_clear_error();
		return NULL;
	}
	ERR_clear_error();
	return st;
}

void nd_tls_store_free(void *store)
{
	X509_STORE_free(store);
}

int nd_tls_ca_file_check(const char *path, struct nd_err *e)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x;
	int n = 0;

	if (!bio) {
		ERR_clear_error();
		return nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno ? errno : ENOENT));
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		n++;
		X509_free(x);
	}
	BIO_free(bio);
	ERR_clear_error();
	return n > 0 ? 0 : nd_err_set(e, _("'%s' holds no PEM certificate"), path);
}

/* Wait for fd to be ready for what SSL asked, until deadline. 0 ready, -1 timeout. */
static int wait_for(int ep, int fd, int ssl_err, int64_t deadline)
{
	struct epoll_event ev = {.events = ssl_err == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN};
	int n;

	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	do {
		int64_t left = nd_probe_left(deadline);

		if (left <= 0)
			return -1;
		n = epoll_wait(ep, &ev, 1, (int)left);
	} while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : -1;
}

/*
 * OpenSSL writes with write(): a peer that closes mid-handshake would raise
 * SIGPIPE and end the process. Block it around the handshake and consume
 * one raised meanwhile (the way curl does without MSG_NOSIGNAL).
 */
struct nopipe {
	sigset_t old;
	bool was_pending;
};

static void nopipe_on(struct nopipe *np)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	np->was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &np->old);
}

static void nopipe_off(struct nopipe *np)
{
	sigset_t set, pending;
	struct timespec zero = {0, 0};

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!np->was_pending && sigismember(&pending, SIGPIPE) == 1)
		sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &np->old, NULL);
}

int nd_tls_probe(int fd, const struct nd_tls_opts *o, struct nd_tls_result *out)
{
	struct nopipe np;
	int rc;

	nopipe_on(&np);
	rc = tls_probe(fd, o, out);
	nopipe_off(&np);
	return rc;
}

static int tls_probe(int fd, const struct nd_tls_opts *o, struct nd_tls_result *out)
{
	int64_t t0 = nd_now_ms(), deadline = t0 + o->timeout_ms;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	X509 *cert = NULL;
	struct nd_ip ip;
	int ep = -1, rc;

	memset(out, 0, sizeof(*out));
	out->status = ND_STAGE_FAIL;
	out->reason = ND_TLS_HANDSHAKE;
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		goto done;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (load_ca(ctx, o, out) < 0) {
		out->reason = ND_TLS_BAD_CA;
		snprintf(out->verify_error, sizeof(out->verify_error), "%s",
			 o->ca_adds ? "the CA file holds no usable certificate"
				    : "the kubeconfig's certificate-authority holds no usable certificate");
		goto done;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_all);
	/* a trust anchor need not be self-signed (a kubeconfig may hold the serving
	 * certificate itself), as libcurl (the HTTP stages) and kubectl accept */
	X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx), X509_V_FLAG_PARTIAL_CHAIN);
	ssl = SSL_new(ctx);
	if (!ssl || SSL_set_fd(ssl, fd) != 1)
		goto done;
	if (o->name && nd_ip_parse(o->name, &ip) == 0) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o->name);
	} else if (o->name) {
		SSL_set_tlsext_host_name(ssl, o->name);
		SSL_set1_host(ssl, o->name);
	}
	if (o->alpn && set_alpn(ssl, o->alpn) < 0)
		goto done;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		goto done;
	for (;;) {
		int err;

		ERR_clear_error();
		rc = SSL_connect(ssl);
		if (rc == 1)
			break;
		err = SSL_get_error(ssl, rc);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
			unsigned long e = ERR_peek_last_error();

			snprintf(out->verify_error, sizeof(out->verify_error), "%s",
				 e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e)
							       : "handshake failed"
				   : err == SSL_ERROR_SYSCALL ? "connection closed during the handshake"
							     : "handshake failed");
			goto details;
		}
		if (wait_for(ep, fd, err, deadline) < 0) {
			out->reason = ND_TLS_TIMEOUT;
			snprintf(out->verify_error, sizeof(out->verify_error),
				 "no TLS answer within %lld ms", (long long)o->timeout_ms);
			goto details;
		}
	}
	snprintf(out->version, sizeof(out->version), "%s", SSL_get_version(ssl));
	{
		const unsigned char *sel = NULL;
		unsigned sl = 0;

		SSL_get0_alpn_selected(ssl, &sel, &sl);
		if (sel && sl)
			snprintf(out->alpn, sizeof(out->alpn), "%.*s", (int)sl, (const char *)sel);
	}
	{
		long v = SSL_get_verify_result(ssl);

		out->reason = reason_of(v);
		if (v != X509_V_OK)
			snprintf(out->verify_error, sizeof(out->verify_error), "%s",
				 X509_verify_cert_error_string(v));
		if (o->insecure || v == X509_V_OK) {
			out->status = ND_STAGE_PASS;
			if (o->insecure)
				out->reason = ND_TLS_OK;
		}
	}
details:
	cert = SSL_get1_peer_certificate(ssl);
	if (cert) {
		out->have_cert = true;
		name_line(X509_get_subject_name(cert), out->subject, sizeof(out->subject));
		name_line(X509_get_issuer_name(cert), out->issuer, sizeof(out->issuer));
		sans_line(cert, out->sans, sizeof(out->sans));
		asn1_time(X509_get0_notBefore(cert), out->not_before, sizeof(out->not_before));
		asn1_time(X509_get0_notAfter(cert), out->not_after, sizeof(out->not_after));
		X509_free(cert);
	}
	{
		STACK_OF(X509) *chain = ssl ? SSL_get_peer_cert_chain(ssl) : NULL;
		int n = chain ? sk_X509_num(chain) : 0;

		if (n > 0)
			name_line(X509_get_issuer_name(sk_X509_value(chain, n - 1)), out->chain_issuer,
				  sizeof(out->chain_issuer));
	}
	/* the HTTP stage runs only over a session that verified (and speaks HTTP/1.1) */
	if (o->http_host && o->http_out && out->status == ND_STAGE_PASS && strcmp(out->alpn, "h2") != 0)
		nd_http1_get(fd, ssl, o->http_host,
			     o->http_timeout_ms > 0 && o->http_timeout_ms < nd_probe_left(deadline)
			     ? o->http_timeout_ms : nd_probe_left(deadline), o->http_out);
done:
	if (ep >= 0)
		close(ep);
	SSL_free(ssl);      /* no close_notify: nothing was sent, the caller closes fd */
	SSL_CTX_free(ctx);
	ERR_clear_error();
	out->ms = nd_now_ms() - t0;
	return 0;
}
