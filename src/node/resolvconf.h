/* SPDX-License-Identifier: MIT */
#ifndef ND_RESOLVCONF_H
#define ND_RESOLVCONF_H
/*
 * /etc/resolv.conf as the stub resolver reads it (resolv.conf(5)): the
 * lines that matter to a pod's DNS.
 *  - "nameserver ADDR": IPv4 or IPv6 (a "%zone" suffix is dropped); at most
 *    ND_RESOLV_MAX_NS are kept, as glibc keeps 3 (the rest is counted);
 *  - "search D...": the last search (or domain) line wins; at most
 *    ND_RESOLV_MAX_SEARCH domains, each at most 253 bytes;
 *  - "domain D": a search list of one, when no later search line;
 *  - "options": ndots:N (capped at 15, as glibc does), timeout:N,
 *    attempts:N; other options are ignored.
 * '#' and ';' start comments (in column one, or after white space); other
 * keywords are ignored; a word holding a NUL byte is not understood. Defaults: ndots 1, timeout 5, attempts 2.
 *
 * Parsing never fails on content: a line that is not understood is
 * counted in bad with its first line number in bad_line (a bad address,
 * an option value out of range), so the caller can say so. Strings point
 * into a, which must outlive the result.
 */
#include <stddef.h>
#include <stdint.h>

struct nd_arena;

#define ND_RESOLV_MAX_NS 3
#define ND_RESOLV_MAX_SEARCH 32

struct nd_resolv {
	const char *ns[ND_RESOLV_MAX_NS];     /* addresses, in order */
	size_t nns;
	size_t ns_dropped;                     /* nameserver lines past the third */
	const char *search[ND_RESOLV_MAX_SEARCH];
	size_t nsearch;
	unsigned ndots, timeout, attempts;
	size_t bad;
	unsigned bad_line;
};

void nd_resolv_parse(const char *text, size_t len, struct nd_arena *a, struct nd_resolv *out);

/*
 * How many search-list names the resolver tries before the name as given:
 * every search domain when the name has fewer than ndots dots and no
 * trailing dot, else none (the name is tried first; the list only after a
 * failure).
 */
size_t nd_resolv_expansions(const struct nd_resolv *rc, const char *name);

/* The cluster domain a pod's search list names ("svc.<domain>" entry), or NULL. */
const char *nd_resolv_cluster_domain(const struct nd_resolv *rc);

#endif
