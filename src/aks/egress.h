/* SPDX-License-Identifier: MIT */
#ifndef ND_AKS_EGRESS_H
#define ND_AKS_EGRESS_H
/*
 * AKS's required outbound destinations, as data: data/aks-egress.json
 * (schema netdiag/aks-egress/v1, embedded in the binary at build time) is
 * parsed into a table of rules, and the table is expanded for one cluster
 * into the concrete destinations to probe.
 *
 * A rule: the destination as Microsoft's page writes it (`rule`, may hold a
 * wildcard or a placeholder), the name to test (`probe`, default the rule),
 * port, protocol, how far to probe (`scheme`), the ALPN list to offer, the
 * firewall rule kind (application = FQDN, network = IP/port), the sets it
 * belongs to (`required`, `gpu`, `windows`, `monitoring`...), the features
 * that make it unneeded (`unless`: `private`), why it is needed and when
 * it is not, and `default_skip`: why it is listed but not probed unless
 * an include names one of its sets (another name of what is probed).
 *
 * Expansion (nd_egress_expand): the `required` set plus the sets the
 * profile's features or the caller's include list name; placeholders
 * <region> and <fqdn> filled from the profile (<region> falls back to the
 * data's default_region); duplicates (same name and port) kept once, the
 * first wins. A destination that cannot be probed keeps its row with a
 * reason in `skip` (a wildcard with no concrete name, UDP, an unknown
 * <fqdn>, a feature that makes it unneeded), so the report lists it.
 *
 * --also entries (nd_egress_also_parse): HOST:PORT, [IPv6]:PORT, HOST
 * (port 443), optionally with a scheme prefix tcp:// http:// https://
 * tls://; comma-separated lists. Without a prefix, 443 and 8443 probe
 * HTTPS, 80 HTTP, other ports TCP only.
 *
 * Library code: errors name the input and the entry (JSON: the byte
 * offset; rules: their index); nothing is printed. Every list owns its
 * strings (one arena); nd_egress_data_free / nd_egress_list_release free them.
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_err;
struct nd_arena;
struct nd_aks_profile;

enum nd_egress_scheme {
	ND_EG_TCP = 0,   /* connect only */
	ND_EG_TLS,       /* connect, TLS handshake (ALPN when the rule gives it) */
	ND_EG_HTTPS,     /* connect, TLS, then GET / over it */
	ND_EG_HTTP,      /* connect, then GET / in clear */
	ND_EG_UDP,       /* listed, not probed: UDP has no handshake to tell a drop from silence */
};
const char *nd_egress_scheme_name(enum nd_egress_scheme s);   /* "tcp", "tls", "https"... */

#define ND_EGRESS_MAX_DESTS 512
#define ND_EGRESS_MAX_NAME 253

struct nd_egress_dest {
	const char *rule;          /* as the source writes it: "*.data.mcr.microsoft.com" */
	const char *host;          /* the name or address to probe (placeholders filled) */
	unsigned port;
	const char *protocol;      /* "tcp", "udp" */
	enum nd_egress_scheme scheme;
	const char *alpn;          /* "h2,http/1.1", or NULL */
	bool network_rule;         /* an IP/port (network) rule, else an FQDN (application) rule */
	const char *sets;          /* "required", "defender monitoring", "also" */
	const char *unless;        /* features that make it unneeded: "private konnectivity", or NULL */
	const char *purpose;
	const char *not_needed;
	const char *skip;          /* why it is not probed, or NULL */
	const char *default_skip;  /* data: why not probed unless included by name, or NULL */
	bool also;                 /* from --also */
};

struct nd_egress_list {
	struct nd_egress_dest *v;
	size_t n, cap;
	struct nd_arena *a;        /* owns every string */
};
void nd_egress_list_release(struct nd_egress_list *l);

struct nd_egress_data {
	const char *version, *date, *cloud, *default_region;
	const char **sources;      /* "title <url> (revision)" */
	size_t nsources;
	const char **proxy_words;  /* lower-case words an intercepting proxy's issuer names */
	size_t nproxy;
	struct nd_egress_list rules;
};

/* Parse the data file (name for messages). -1 with e naming name and where. */
int nd_egress_data_parse(const char *buf, size_t len, const char *name,
			 struct nd_egress_data **out, struct nd_err *e);
void nd_egress_data_free(struct nd_egress_data *d);

/* The copy built into the binary (build/gen/egress_data.c from data/aks-egress.json). */
extern const char nd_egress_builtin[];
extern const size_t nd_egress_builtin_len;

/* What the cluster is, for the expansion. */
struct nd_egress_env {
	const char *region;        /* NULL: the data's default_region for <region> */
	const char *fqdn;          /* the API server's public FQDN, NULL when unknown */
	bool private_cluster;
	const char *include;       /* extra sets, comma-separated ("gpu,windows"), or NULL */
	const char *features;      /* sets the profile turns on, space-separated, or NULL */
};

/*
 * The sets an AKS profile turns on (space-separated, in the arena):
 * "windows" (a Windows pool), "gpu" (an N-series pool), "monitoring",
 * "policy", "keyvault", "defender", "cost-analysis", "extensions"; and fill
 * env's region, fqdn and private_cluster from it.
 */
void nd_egress_env_from_profile(const struct nd_aks_profile *p, struct nd_arena *a,
				struct nd_egress_env *env);

/* The region in an AKS API server name (x.hcp.<region>.azmk8s.io, and the
 * privatelink form), copied into buf; NULL when name is not one. */
const char *nd_egress_region_of(const char *name, char *buf, size_t len);

/* Expand d for env into out (appended). -1 when an include names no set. */
int nd_egress_expand(const struct nd_egress_data *d, const struct nd_egress_env *env,
		     struct nd_egress_list *out, struct nd_err *e);
/* Append the --also entries of arg. -1 with e naming the bad entry. */
int nd_egress_also_parse(const char *arg, struct nd_egress_list *out, struct nd_err *e);

/* True when issuer (an X.509 name line) names an intercepting proxy of d's list. */
bool nd_egress_issuer_is_proxy(const struct nd_egress_data *d, const char *issuer);

#endif
