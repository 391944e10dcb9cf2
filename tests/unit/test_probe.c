/* SPDX-License-Identifier: MIT */
/*
 * The probe's stages on loopback only: URL splitting, DNS (literal, /etc/hosts,
 * a resolver that refuses), TCP (ok, refused), and TLS against a local
 * OpenSSL server (trusted, unknown authority, name mismatch, details).
 */
#include "probe/probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "core/err.h"
#include "k8s/http.h"
#include "serve/tls.h"
#include "core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void split_url(void **state)
{
	static const struct {
		const char *url, *host;
		unsigned port;
		bool https;
	} ok[] = {
		{"https://x.hcp.westeurope.azmk8s.io:443", "x.hcp.westeurope.azmk8s.io", 443, true},
		{"https://x.hcp.westeurope.azmk8s.io", "x.hcp.westeurope.azmk8s.io", 443, true},
		{"https://10.0.0.1:6443/prefix", "10.0.0.1", 6443, true},
		{"https://[fd00::1]:8443", "fd00::1", 8443, true},
		{"https://[fd00::1]", "fd00::1", 443, true},
		{"http://127.0.0.1:8080/", "127.0.0.1", 8080, false},
	};
	static const char *bad[] = {"ftp://x", "https://", "https://:443", "https://x:0",
				    "https://x:70000", "https://[fd00::1", "https://x:ab", "x:443"};
	char host[256];
	unsigned port;
	bool https;
	size_t i;

	(void)state;
	for (i = 0; i < N(ok); i++) {
		assert_int_equal(nd_probe_split_url(ok[i].url, host, sizeof(host), &port, &https), 0);
		assert_string_equal(host, ok[i].host);
		assert_int_equal(port, ok[i].port);
		assert_int_equal(https, ok[i].https);
	}
	for (i = 0; i < N(bad); i++)
		assert_int_equal(nd_probe_split_url(bad[i], host, sizeof(host), &port, &https), -1);
}

static void dns(void **state)
{
	struct nd_dns_result r;
	struct nd_err e;
	int64_t t0;

	(void)state;
	assert_int_equal(nd_dns_lookup("fd00::5", NULL, 1000, &r, &e), 0);
	assert_true(r.literal);
	assert_int_equal(r.status, ND_STAGE_PASS);
	assert_string_equal(r.addrs[0], "fd00::5");
	assert_int_equal(r.families[0], 6);

	/* /etc/hosts answers localhost without asking a server */
	assert_int_equal(nd_dns_lookup("localhost", "127.0.0.1:1", 2000, &r, &e), 0);
	assert_int_equal(r.status, ND_STAGE_PASS);
	assert_true(r.naddrs >= 1);

	/* a resolver that is not there (loopback, closed port): a failure within the deadline */
	t0 = nd_now_ms();
	assert_int_equal(nd_dns_lookup("nothing.invalid-lab-name", "127.0.0.1:1", 1500, &r, &e), 0);
	assert_int_equal(r.status, ND_STAGE_FAIL);
	assert_int_not_equal(r.error, ND_DNS_OK);
	assert_true(nd_now_ms() - t0 < 2500);
	assert_int_equal(r.nservers, 1);
	assert_string_equal(r.servers[0], "127.0.0.1:1");

	assert_int_equal(nd_dns_lookup("x", "not-an-ip", 1000, &r, &e), -1);
}

static int listener(unsigned *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void tcp(void **state)
{
	struct nd_tcp_addr a[2] = {{.ip = "127.0.0.1", .family = 4}, {.ip = "127.0.0.1", .family = 4}};
	unsigned port, closed;
	size_t which = 9;
	int lfd, fd;

	(void)state;
	lfd = listener(&port);
	/* a port that was just free: refused */
	close(listener(&closed));
	assert_int_equal(nd_tcp_connect_all(a, 1, closed, 1000, &fd, &which), 0);
	assert_int_equal(fd, -1);
	assert_int_equal(a[0].state, ND_TCP_REFUSED);
	assert_string_equal(nd_tcp_state_name(a[0].state), "refused");

	assert_true(nd_tcp_connect_all(a, 2, port, 1000, &fd, &which) >= 1);
	assert_true(fd >= 0);
	assert_true(which < 2);
	assert_int_equal(a[which].state, ND_TCP_OK);
	close(fd);
	close(lfd);
}

struct server {
	int lfd;
	int n;
	SSL_CTX *ctx;
};

static void *serve(void *arg)
{
	struct server *s = arg;
	int i;

	for (i = 0; i < s->n; i++) {
		int c = accept(s->lfd, NULL, NULL);
		SSL *ssl;

		if (c < 0)
			break;
		ssl = SSL_new(s->ctx);
		SSL_set_fd(ssl, c);
		SSL_accept(ssl);
		SSL_free(ssl);
		close(c);
	}
	return NULL;
}

static void tls(void **state)
{
	const char *hosts[] = {"127.0.0.1"};
	struct nd_tls_pair pair = {0};
	struct server s = {.n = 5};
	struct nd_tls_result r;
	struct nd_err e;
	pthread_t th;
	unsigned port;
	BIO *bio;
	X509 *x;
	EVP_PKEY *k;
	int i;
	static const struct {
		const char *name;
		bool with_ca, insecure;
		enum nd_tls_reason reason;
		enum nd_stage_status st;
	} cases[] = {
		{"localhost", true, false, ND_TLS_OK, ND_STAGE_PASS},
		{"127.0.0.1", true, false, ND_TLS_OK, ND_STAGE_PASS},
		{"other.example", true, false, ND_TLS_NAME_MISMATCH, ND_STAGE_FAIL},
		{"localhost", false, true, ND_TLS_OK, ND_STAGE_PASS},   /* insecure: reported, passes */
	};

	(void)state;
	assert_int_equal(nd_tls_selfsigned(hosts, 1, 1, &pair, &e), 0);
	s.ctx = SSL_CTX_new(TLS_server_method());
	bio = BIO_new_mem_buf(pair.cert_pem, -1);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	bio = BIO_new_mem_buf(pair.key_pem, -1);
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_int_equal(SSL_CTX_use_certificate(s.ctx, x), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(s.ctx, k), 1);
	s.lfd = listener(&port);
	pthread_create(&th, NULL, serve, &s);
	for (i = 0; i < (int)N(cases); i++) {
		struct nd_tcp_addr a = {.ip = "127.0.0.1", .family = 4};
		struct nd_tls_opts o = {.name = cases[i].name, .timeout_ms = 3000,
					.insecure = cases[i].insecure};
		size_t which;
		int fd;

		if (cases[i].with_ca) {
			o.ca_data = pair.cert_pem;
			o.ca_len = strlen(pair.cert_pem);
		} else {
			/* a CA that did not sign it: the server's own key under another name */
			o.ca_file = "/nonexistent-ca.pem";
		}
		assert_int_equal(nd_tcp_connect_all(&a, 1, port, 1000, &fd, &which), 1);
		nd_tls_probe(fd, &o, &r);
		close(fd);
		if (!cases[i].with_ca) {
			/* an unreadable CA file is named, the handshake not attempted */
			assert_int_equal(r.reason, ND_TLS_BAD_CA);
			continue;
		}
		assert_int_equal(r.reason, cases[i].reason);
		assert_int_equal(r.status, cases[i].st);
		assert_true(r.have_cert);
		assert_non_null(strstr(r.sans, "IP:127.0.0.1"));
		assert_non_null(strstr(r.sans, "DNS:localhost"));
		assert_true(r.not_after[0] != '\0');
		assert_true(strncmp(r.version, "TLSv1.", 6) == 0);
	}
	/* a CA that did not sign the certificate */
	{
		const char *h2[] = {"other"};
		struct nd_tls_pair other = {0};
		struct nd_tcp_addr a = {.ip = "127.0.0.1", .family = 4};
		struct nd_tls_opts o = {.name = "localhost", .timeout_ms = 3000};
		size_t which;
		int fd;

		assert_int_equal(nd_tls_selfsigned(h2, 1, 1, &other, &e), 0);
		o.ca_data = other.cert_pem;
		o.ca_len = strlen(other.cert_pem);
		assert_int_equal(nd_tcp_connect_all(&a, 1, port, 1000, &fd, &which), 1);
		nd_tls_probe(fd, &o, &r);
		close(fd);
		assert_int_equal(r.status, ND_STAGE_FAIL);
		assert_int_equal(r.reason, ND_TLS_UNKNOWN_AUTHORITY);
		assert_string_equal(nd_tls_reason_name(r.reason), "unknown-authority");
		assert_non_null(strstr(r.subject, "CN"));
		nd_tls_pair_release(&other);
	}
	pthread_join(th, NULL);
	close(s.lfd);
	X509_free(x);
	EVP_PKEY_free(k);
	SSL_CTX_free(s.ctx);
	nd_tls_pair_release(&pair);
}

static void tls_timeout(void **state)
{
	struct nd_tcp_addr a = {.ip = "127.0.0.1", .family = 4};
	struct nd_tls_opts o = {.name = "localhost", .timeout_ms = 300};
	struct nd_tls_result r;
	unsigned port;
	size_t which;
	int lfd, fd;
	int64_t t0;

	(void)state;
	lfd = listener(&port);      /* accepts in the kernel, never answers TLS */
	assert_int_equal(nd_tcp_connect_all(&a, 1, port, 1000, &fd, &which), 1);
	t0 = nd_now_ms();
	o.ca_file = NULL;
	nd_tls_probe(fd, &o, &r);
	assert_true(nd_now_ms() - t0 < 1500);
	assert_int_equal(r.status, ND_STAGE_FAIL);
	assert_int_equal(r.reason, ND_TLS_TIMEOUT);
	close(fd);
	close(lfd);
}

int main(void)
{
	/* the server side (this test) writes session tickets to clients that left */
	signal(SIGPIPE, SIG_IGN);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_url),
		cmocka_unit_test(dns),
		cmocka_unit_test(tcp),
		cmocka_unit_test(tls),
		cmocka_unit_test(tls_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
