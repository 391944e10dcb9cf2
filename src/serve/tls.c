/* SPDX-License-Identifier: MIT */
#include "serve/tls.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/err.h"
#include "core/buf.h"
#include "core/banned.h"
#include "core/i18n.h"

static int ossl_err(struct nd_err *e, const char *what)
{
	char buf[256];
	unsigned long code = ERR_get_error();

	ERR_error_string_n(code, buf, sizeof(buf));
	ERR_clear_error();
	return nd_err_set(e, "%s: %s", what, code ? buf : "OpenSSL error");
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (!ext)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static char *bio_string(BIO *bio)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	char *out = nd_xmalloc((size_t)n + 1);

	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	return out;
}

int nd_tls_selfsigned(const char *const *hosts, size_t nhosts, int days,
		      struct nd_tls_pair *out, struct nd_err *e)
{
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	BIGNUM *bn = NULL;
	BIO *cb = NULL, *kb = NULL;
	X509V3_CTX ctx;
	X509_NAME *nm;
	struct nd_buf san;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	nd_buf_init(&san, 8192);
	nd_buf_adds(&san, "IP:127.0.0.1,IP:::1,DNS:localhost");
	for (i = 0; i < nhosts; i++) {
		unsigned char buf[16];

		if (!hosts[i] || !*hosts[i] || strchr(hosts[i], ','))
			continue;
		if (inet_pton(AF_INET, hosts[i], buf) == 1 || inet_pton(AF_INET6, hosts[i], buf) == 1)
			nd_buf_printf(&san, ",IP:%s", hosts[i]);
		else
			nd_buf_printf(&san, ",DNS:%s", hosts[i]);
	}
	if (san.toobig) {
		nd_err_set(e, _("too many host names for the certificate"));
		goto out;
	}
	pkey = EVP_EC_gen("P-256");
	x = X509_new();
	bn = BN_new();
	if (!pkey || !x || !bn) {
		ossl_err(e, "cannot make a key for the serving certificate");
		goto out;
	}
	if (!BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) || !X509_set_version(x, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400L) ||
	    !X509_set_pubkey(x, pkey)) {
		ossl_err(e, "cannot fill in the serving certificate");
		goto out;
	}
	nm = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"netdiag",
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
					(const unsigned char *)"netdiag-serve", -1, -1, 0) ||
	    !X509_set_issuer_name(x, nm)) {
		ossl_err(e, "cannot name the serving certificate");
		goto out;
	}
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign") ||
	    !add_ext(x, &ctx, NID_ext_key_usage, "serverAuth") ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, &ctx, NID_subject_alt_name, san.p)) {
		ossl_err(e, "cannot add extensions to the serving certificate");
		goto out;
	}
	if (!X509_sign(x, pkey, EVP_sha256())) {
		ossl_err(e, "cannot sign the serving certificate");
		goto out;
	}
	cb = BIO_new(BIO_s_mem());
	kb = BIO_new(BIO_s_mem());
	if (!cb || !kb || !PEM_write_bio_X509(cb, x) ||
	    !PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL, NULL)) {
		ossl_err(e, "cannot encode the serving certificate");
		goto out;
	}
	out->cert_pem = bio_string(cb);
	out->key_pem = bio_string(kb);
	rc = 0;
out:
	BIO_free(cb);
	BIO_free(kb);
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pkey);
	nd_buf_release(&san);
	return rc;
}

void nd_tls_pair_release(struct nd_tls_pair *p)
{
	if (!p)
		return;
	free(p->cert_pem);
	if (p->key_pem) {
		OPENSSL_cleanse(p->key_pem, strlen(p->key_pem));
		free(p->key_pem);
	}
	memset(p, 0, sizeof(*p));
}

int nd_read_small_file(const char *path, size_t max, char **out, struct nd_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	char *buf;
	struct stat st;

	*out = NULL;
	if (fd < 0)
		return nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		close(fd);
		return nd_err_set(e, _("'%s' is larger than %zu bytes"), path, max);
	}
	buf = nd_xmalloc(max + 1);
	for (;;) {
		ssize_t n = read(fd, buf + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nd_err_set(e, _("cannot read '%s': %s"), path, strerror(errno));
			close(fd);
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			close(fd);
			free(buf);
			return nd_err_set(e, _("'%s' is larger than %zu bytes"), path, max);
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int nd_random_hex(char *out, size_t n, struct nd_err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t i;

	if (n > sizeof(raw))
		return nd_err_set(e, _("too many random bytes asked for"));
	if (RAND_bytes(raw, (int)n) != 1)
		return ossl_err(e, "cannot get random bytes");
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * n] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

/* ---- client certificates ---- */

struct nd_tls_verifier {
	X509_STORE *store;
};

typedef const gnutls_datum_t *(*get_peers_fn)(gnutls_session_t, unsigned int *);
static get_peers_fn get_peers;
static pthread_once_t peers_once = PTHREAD_ONCE_INIT;

static void find_get_peers(void)
{
	void *sym = dlsym(RTLD_DEFAULT, "gnutls_certificate_get_peers");

	memcpy(&get_peers, &sym, sizeof(get_peers));
}

struct nd_tls_verifier *nd_tls_verifier_new(const char *ca_pem, const char *name,
					    struct nd_err *e)
{
	struct nd_tls_verifier *v;
	BIO *bio = BIO_new_mem_buf(ca_pem, -1);
	X509 *ca;
	int n = 0;

	if (!bio) {
		ossl_err(e, "cannot read the client CA");
		return NULL;
	}
	v = nd_xcalloc(1, sizeof(*v));
	v->store = X509_STORE_new();
	while ((ca = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(v->store, ca);
		X509_free(ca);
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (!n) {
		nd_tls_verifier_free(v);
		nd_err_set(e, _("'%s' holds no PEM certificate"), name);
		return NULL;
	}
	pthread_once(&peers_once, find_get_peers);
	if (!get_peers) {
		nd_tls_verifier_free(v);
		nd_err_set(e, _("cannot check client certificates: libmicrohttpd is not built on GnuTLS"));
		return NULL;
	}
	return v;
}

void nd_tls_verifier_free(struct nd_tls_verifier *v)
{
	if (!v)
		return;
	X509_STORE_free(v->store);
	free(v);
}

int nd_tls_verify_session(const struct nd_tls_verifier *v, void *session, char *user,
			  size_t userlen, struct nd_err *e)
{
	const gnutls_datum_t *d;
	unsigned int n = 0, i;
	STACK_OF(X509) *chain = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *leaf = NULL;
	int rc = -1;

	if (!v || !session || !get_peers)
		return 1;
	d = get_peers((gnutls_session_t)session, &n);
	if (!d || !n)
		return 1;
	{
		const unsigned char *p = d[0].data;

		leaf = d2i_X509(NULL, &p, (long)d[0].size);
	}
	chain = sk_X509_new_null();
	ctx = X509_STORE_CTX_new();
	if (!leaf || !chain || !ctx) {
		ossl_err(e, "cannot read the client certificate");
		goto out;
	}
	for (i = 1; i < n && i < 10; i++) {
		const unsigned char *p = d[i].data;
		X509 *c = d2i_X509(NULL, &p, (long)d[i].size);

		if (c && !sk_X509_push(chain, c))
			X509_free(c);
	}
	if (!X509_STORE_CTX_init(ctx, v->store, leaf, chain) ||
	    !X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT)) {
		ossl_err(e, "cannot check the client certificate");
		goto out;
	}
	if (X509_verify_cert(ctx) != 1) {
		nd_err_set(e, _("client certificate rejected: %s"),
			   X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, user,
				      (int)userlen) < 0)
		snprintf(user, userlen, "system:anonymous");
	rc = 0;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	return rc;
}
