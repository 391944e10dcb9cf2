/* SPDX-License-Identifier: MIT */
#ifndef ND_AUTH_H
#define ND_AUTH_H
/*
 * Credentials for API requests, from a resolved kubeconfig context:
 * a static token, a token file (re-read at most every minute and after a
 * 401, as client-go does; this is also the in-cluster service-account
 * token), client certificates (files or data), or an exec plugin
 * (client.authentication.k8s.io/v1 and v1beta1, e.g. kubelogin).
 *
 * Exec plugins get KUBERNETES_EXEC_INFO (spec.interactive, and spec.cluster
 * with provideClusterInfo), stdin only when interactiveMode allows it and
 * stdin is a terminal, their stderr passed through (kubelogin's device-code
 * prompt), and a deadline. Their stdout (the ExecCredential) is read up to
 * a ceiling, never logged, and cached until status.expirationTimestamp.
 *
 * nd_auth borrows the kubeconfig: it must outlive the nd_auth.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_kubeconfig;
struct nd_err;

/* What to send with the next request; pointers valid until the next
 * nd_auth_get()/nd_auth_invalidate()/nd_auth_free(). */
struct nd_cred {
	const char *token;
	const char *cert_data, *key_data;
	size_t cert_len, key_len;
	const char *cert_file, *key_file;
	const char *source;      /* "token", "tokenFile", "exec", "client-certificate", "none" */
};

struct nd_auth;
struct nd_http_req;

/* Put cr's credentials (token, client certificate and key) into the request. */
void nd_cred_apply(const struct nd_cred *cr, struct nd_http_req *rq);

/* exec_timeout_ms: deadline for an exec plugin (0: 60 s; 5 min when interactive). */
struct nd_auth *nd_auth_new(const struct nd_kubeconfig *kc, int64_t exec_timeout_ms);
void nd_auth_free(struct nd_auth *a);

/*
 * Current credentials, running the exec plugin or reading the token file
 * when needed. -1 with e filled: the plugin is missing (with its
 * installHint), failed, timed out, printed something that is not an
 * ExecCredential of the configured apiVersion, or the token file cannot be
 * read. Messages never contain credentials.
 */
int nd_auth_get(struct nd_auth *a, struct nd_cred *out, struct nd_err *e);

/*
 * The exec plugin's stdout (len bytes at buf): an ExecCredential of the
 * kubeconfig's exec apiVersion with status.token, or clientCertificateData
 * and clientKeyData, and an optional RFC 3339 expirationTimestamp. 0: the
 * credentials are cached in a as after a run of the plugin (nd_auth_get()
 * calls this; public for the fuzz target). -1 with e filled, the cache
 * left empty; the message never quotes the output's credentials. a's
 * kubeconfig must have an exec entry.
 */
int nd_auth_exec_parse(struct nd_auth *a, const char *buf, size_t len, struct nd_err *e);

/* After a 401: forget cached exec/token-file credentials. True when a
 * fresh attempt may give other credentials (worth one retry). */
bool nd_auth_invalidate(struct nd_auth *a);

/* How many times the exec plugin ran (for tests of the cache). */
unsigned nd_auth_exec_runs(const struct nd_auth *a);

#endif
