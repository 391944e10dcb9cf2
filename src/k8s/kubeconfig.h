/* SPDX-License-Identifier: MIT */
#ifndef ND_KUBECONFIG_H
#define ND_KUBECONFIG_H
/*
 * Where the API is and who we are: one context resolved from kubeconfig
 * files, or from the in-cluster service account.
 *
 * Files, as kubectl reads them:
 *  - --kubeconfig F: only F, which must exist;
 *  - else $KUBECONFIG, a ':'-separated list: files that do not exist are
 *    skipped; for clusters, users and contexts the first file that names a
 *    key wins; current-context comes from the first file that sets it;
 *  - else ~/.kube/config;
 *  - when none of them exists and KUBERNETES_SERVICE_HOST/PORT are set:
 *    in-cluster (token file, CA and namespace of the service account).
 * --context picks another context; -n overrides its namespace (the
 * caller's business). Relative paths in a file (certificate-authority,
 * client-certificate, client-key, tokenFile, an exec command with a '/')
 * are taken relative to that file's folder.
 *
 * *-data fields are base64-decoded here. Secrets (token, client key, exec
 * output) are held in memory only and never put into error messages.
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_err;

enum nd_exec_interactive { ND_EXEC_NEVER = 0, ND_EXEC_IF_AVAILABLE, ND_EXEC_ALWAYS };

struct nd_exec_cfg {
	char *api_version;       /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;           /* resolved against the kubeconfig folder when it has a '/' */
	char **args;
	size_t nargs;
	char **env;              /* "NAME=value" */
	size_t nenv;
	char *install_hint;
	enum nd_exec_interactive interactive;
	bool provide_cluster_info;
};

struct nd_kubeconfig {
	bool in_cluster;
	char *files;             /* the files read, ':'-joined, for messages */
	char *context;           /* context name ("in-cluster" in a pod) */
	char *cluster;           /* cluster entry name */
	char *user;              /* user entry name */
	char *ns;                /* context namespace, or NULL */

	/* cluster */
	char *server;
	char *ca_file;
	char *ca_data;           /* PEM bytes (decoded) */
	size_t ca_len;
	bool insecure;           /* insecure-skip-tls-verify */
	char *tls_server_name;
	char *proxy_url;

	/* user */
	char *cert_file, *key_file;
	char *cert_data, *key_data;  /* PEM bytes (decoded) */
	size_t cert_len, key_len;
	char *token;
	char *token_file;
	struct nd_exec_cfg *exec;
};

struct nd_kubeconfig_opts {
	const char *path;        /* --kubeconfig, or NULL */
	const char *context;     /* --context, or NULL */
	/* NULL: read from the environment (KUBECONFIG, HOME). For tests. */
	const char *kubeconfig_env;
	const char *home;
	/* The service-account folder; NULL: /var/run/secrets/kubernetes.io/serviceaccount
	 * (or $NETDIAG_SERVICEACCOUNT_DIR, for tests). */
	const char *sa_dir;
};

/*
 * Resolve the context. -1 with e filled: no configuration at all ("no
 * kubeconfig ('~/.kube/config' does not exist) and not running in a pod"),
 * a file that cannot be read or parsed (named, with line and column), an
 * unknown context, a context naming a missing cluster or user, a bad
 * base64 field.
 */
int nd_kubeconfig_load(const struct nd_kubeconfig_opts *o, struct nd_kubeconfig **out,
		       struct nd_err *e);
void nd_kubeconfig_free(struct nd_kubeconfig *kc);
/*
 * In a pod, whatever kubeconfig files exist: server
 * https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (IPv6 in
 * brackets), the token file, ca.crt and namespace of sa_dir (NULL: the
 * standard folder, or $NETDIAG_SERVICEACCOUNT_DIR). -1 with e filled when
 * either variable is unset or empty, or the token or the CA is missing.
 */
int nd_kubeconfig_in_cluster(const char *sa_dir, struct nd_kubeconfig **out, struct nd_err *e);

/* Decode base64 (standard alphabet, padding optional, white space ignored).
 * Returns a malloc'd buffer (NUL-terminated for convenience) or NULL. */
char *nd_base64_decode(const char *s, size_t *len);

#endif
