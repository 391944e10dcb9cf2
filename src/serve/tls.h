/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_TLS_H
#define ND_SERVE_TLS_H
/*
 * TLS material for `serve`, on OpenSSL: a self-signed certificate made at
 * start (EC P-256, CA:TRUE so it is also the trust anchor a kubeconfig
 * names, SANs for 127.0.0.1, ::1, localhost and the listen host), random
 * tokens, and client-certificate verification against --client-ca.
 *
 * libmicrohttpd speaks TLS through GnuTLS and hands out only the GnuTLS
 * session; the peer certificates are read from it with
 * gnutls_certificate_get_peers(), looked up at run time in the GnuTLS that
 * libmicrohttpd already loaded (the build does not link GnuTLS itself),
 * and verified here with OpenSSL.
 */
#include <stddef.h>

struct nd_err;

struct nd_tls_pair {
	char *cert_pem;           /* malloc'd */
	char *key_pem;            /* malloc'd; a secret */
};

int nd_tls_selfsigned(const char *const *hosts, size_t nhosts, int days,
		      struct nd_tls_pair *out, struct nd_err *e);
void nd_tls_pair_release(struct nd_tls_pair *p);

/* Whole file into a malloc'd NUL-terminated string, at most max bytes. */
int nd_read_small_file(const char *path, size_t max, char **out, struct nd_err *e);
/* n random bytes as 2n hex characters plus NUL into out (2n+1 bytes). */
int nd_random_hex(char *out, size_t n, struct nd_err *e);

struct nd_tls_verifier;
/* A verifier for client certificates signed by the CAs in ca_pem. */
struct nd_tls_verifier *nd_tls_verifier_new(const char *ca_pem, const char *name,
					    struct nd_err *e);
void nd_tls_verifier_free(struct nd_tls_verifier *v);
/*
 * Check the client certificate of a GnuTLS session (libmicrohttpd's
 * MHD_CONNECTION_INFO_GNUTLS_SESSION). 1: the client sent none; 0:
 * verified, user gets the subject's CN; -1: rejected, e says why.
 * Thread-safe.
 */
int nd_tls_verify_session(const struct nd_tls_verifier *v, void *session, char *user,
			  size_t userlen, struct nd_err *e);

#endif
