/* SPDX-License-Identifier: MIT */
/* resolv.conf(5), the parts a pod's DNS depends on (resolvconf.h). */
#include "node/resolvconf.h"

#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/ipaddr.h"
#include "core/num.h"
#include "core/banned.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The next word of [*p, end): its start and length; 0 at the end of the line. */
static size_t word(const char **p, const char *end, const char **w)
{
	const char *s = *p, *t;

	while (s < end && blank(*s))
		s++;
	if (s < end && (*s == '#' || *s == ';'))
		s = end;
	for (t = s; t < end && !blank(*t); t++)
		;
	*w = s;
	*p = t;
	return (size_t)(t - s);
}

static bool is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && memcmp(w, kw, n) == 0;
}

static void bad(struct nd_resolv *rc, unsigned line)
{
	if (!rc->bad++)
		rc->bad_line = line;
}

static void nameserver(struct nd_resolv *rc, const char *w, size_t n, struct nd_arena *a,
		       unsigned line)
{
	char buf[64];
	size_t l = n;
	const char *pct = memchr(w, '%', n);
	struct nd_ip ip;

	if (pct)
		l = (size_t)(pct - w);
	if (l == 0 || l >= sizeof(buf) || memchr(w, '\0', n)) {
		bad(rc, line);
		return;
	}
	memcpy(buf, w, l);
	buf[l] = '\0';
	if (nd_ip_parse(buf, &ip) < 0) {
		bad(rc, line);
		return;
	}
	if (rc->nns >= ND_RESOLV_MAX_NS) {
		rc->ns_dropped++;
		return;
	}
	rc->ns[rc->nns++] = nd_arena_strdup(a, buf);
}

static void option(struct nd_resolv *rc, const char *w, size_t n, unsigned line)
{
	static const struct { const char *name; size_t off; unsigned max, cap; } opts[] = {
		{"ndots:", offsetof(struct nd_resolv, ndots), 1000000, 15},
		{"timeout:", offsetof(struct nd_resolv, timeout), 1000000, 30},
		{"attempts:", offsetof(struct nd_resolv, attempts), 1000000, 5},
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		size_t kl = strlen(opts[i].name);
		uint32_t v;

		if (n <= kl || memcmp(w, opts[i].name, kl) != 0)
			continue;
		if (nd_parse_u32(w + kl, n - kl, opts[i].max, &v) < 0) {
			bad(rc, line);
			return;
		}
		*(unsigned *)(void *)((char *)rc + opts[i].off) = v > opts[i].cap ? opts[i].cap : v;
		return;
	}
}

void nd_resolv_parse(const char *text, size_t len, struct nd_arena *a, struct nd_resolv *out)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	memset(out, 0, sizeof(*out));
	out->ndots = 1;
	out->timeout = 5;
	out->attempts = 2;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end, *w, *q = p;
		size_t n = word(&q, le, &w);

		line++;
		if (is(w, n, "nameserver")) {
			n = word(&q, le, &w);
			if (n)
				nameserver(out, w, n, a, line);
			else
				bad(out, line);
		} else if (is(w, n, "search") || is(w, n, "domain")) {
			bool dom = is(w, n, "domain");

			out->nsearch = 0;
			while ((n = word(&q, le, &w)) > 0) {
				if (n > 253 || out->nsearch >= ND_RESOLV_MAX_SEARCH ||
				    memchr(w, '\0', n)) {
					bad(out, line);
					continue;
				}
				out->search[out->nsearch++] = nd_arena_strndup(a, w, n);
				if (dom)
					break;
			}
		} else if (is(w, n, "options")) {
			while ((n = word(&q, le, &w)) > 0)
				option(out, w, n, line);
		}
		p = eol ? eol + 1 : end;
	}
}

size_t nd_resolv_expansions(const struct nd_resolv *rc, const char *name)
{
	size_t dots = 0, n = name ? strlen(name) : 0;

	if (!n || name[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		dots += name[i] == '.';
	return dots < rc->ndots ? rc->nsearch : 0;
}

const char *nd_resolv_cluster_domain(const struct nd_resolv *rc)
{
	for (size_t i = 0; i < rc->nsearch; i++)
		if (strncmp(rc->search[i], "svc.", 4) == 0 && rc->search[i][4])
			return rc->search[i] + 4;
	return NULL;
}
