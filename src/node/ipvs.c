/* SPDX-License-Identifier: MIT */
#include "node/ipvs.h"

#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

#define IPVS_MAX_TEXT  (64u << 20)
#define IPVS_MAX_ITEMS (1u << 20)

struct word {
	const char *s;
	size_t n;
};

static size_t words(const char *s, size_t n, struct word *w, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == n)
			break;
		w[k].s = s + i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		w[k].n = (size_t)((s + i) - w[k].s);
		k++;
	}
	return k;
}

static bool word_is(const struct word *w, const char *s)
{
	return w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

/* "10.0.0.1:443" or "[fd00::1]:443" into ip (arena) and port. */
static int split_addr(const struct word *w, struct nd_arena *a, const char **ip, int32_t *port)
{
	const char *s = w->s, *colon;
	size_t hl;
	int64_t p;
	struct nd_ip tmp;
	char *h;

	if (w->n > 2 && s[0] == '[') {
		const char *rb = memchr(s, ']', w->n);

		if (!rb || rb + 1 >= s + w->n || rb[1] != ':')
			return -1;
		h = nd_arena_strndup(a, s + 1, (size_t)(rb - s - 1));
		colon = rb + 1;
	} else {
		colon = NULL;
		for (size_t i = 0; i < w->n; i++)
			if (s[i] == ':')
				colon = s + i;
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		h = nd_arena_strndup(a, s, hl);
	}
	if (nd_ip_parse(h, &tmp) < 0)
		return -1;
	if (nd_parse_i64(colon + 1, (size_t)(s + w->n - colon - 1), 0, 65535, &p) < 0)
		return -1;
	*ip = h;
	*port = (int32_t)p;
	return 0;
}

int nd_ipvs_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		  struct nd_ipvs *out, struct nd_err *e)
{
	struct nd_ipvs_svc *svcs = NULL;
	struct nd_ipvs_real *reals = NULL;   /* of the current service */
	size_t nsvc = 0, capsvc = 0, nreal = 0, capreal = 0, total = 0, i = 0;
	uint32_t line = 0, nwarn = 0, nskipped = 0;
	struct nd_rules_warning warn[ND_RULES_MAX_WARNINGS];
	bool orphan = false;     /* the real servers of a skipped virtual service */
	bool open = false;       /* svcs[nsvc - 1] still takes real servers */
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (len > IPVS_MAX_TEXT)
		return nd_err_set(e, _("'%s': larger than 64 MiB"), name);
	for (;;) {
		const char *s = buf + i, *nl;
		size_t n;
		struct word w[8];
		size_t nw;
		bool end = i >= len;

		nl = end ? NULL : memchr(s, '\n', len - i);
		n = end ? 0 : nl ? (size_t)(nl - s) : len - i;
		line++;
		nw = end ? 0 : words(s, n, w, 8);
		/* close the current service at a new service or the end */
		if (open && (end || (nw && !word_is(&w[0], "->")))) {
			struct nd_ipvs_svc *sv = &svcs[nsvc - 1];

			if (nreal) {
				sv->reals = nd_arena_alloc(a, nreal * sizeof(*reals));
				memcpy(sv->reals, reals, nreal * sizeof(*reals));
			}
			sv->nreals = (uint32_t)nreal;
			nreal = 0;
			open = false;
		}
		if (end)
			break;
		i += n + 1;
		if (memchr(s, '\0', n)) {
			nd_err_set(e, _("'%s' line %u: a NUL byte"), name, line);
			goto out;
		}
		if (nw == 0)
			continue;
		if (word_is(&w[0], "IP") || word_is(&w[0], "Prot") ||
		    (word_is(&w[0], "->") && nw > 1 && word_is(&w[1], "RemoteAddress:Port")))
			continue;   /* headers */
		if (++total > IPVS_MAX_ITEMS) {
			nd_err_set(e, _("'%s': more than %u services and real servers"), name,
				   IPVS_MAX_ITEMS);
			goto out;
		}
#define SKIP(why) do { \
	if (nwarn < ND_RULES_MAX_WARNINGS) \
		warn[nwarn++] = (struct nd_rules_warning){line, why, \
			nd_arena_strndup(a, s, n > 200 ? 200 : n)}; \
	nskipped++; \
} while (0)
		if (word_is(&w[0], "->")) {
			struct nd_ipvs_real *rs;
			int64_t wt = 0;

			if (orphan) {
				nskipped++;
				continue;
			}
			if (!open) {
				SKIP(_("a real server before any virtual service"));
				continue;
			}
			ND_GROW(reals, capreal, nreal + 1);
			rs = &reals[nreal];
			memset(rs, 0, sizeof(*rs));
			if (nw < 2 || split_addr(&w[1], a, &rs->ip, &rs->port) < 0) {
				SKIP(_("a real server without an address:port"));
				continue;
			}
			if (nw > 2)
				rs->method = nd_arena_strndup(a, w[2].s, w[2].n);
			if (nw > 3 && nd_parse_i64(w[3].s, w[3].n, 0, INT64_MAX, &wt) == 0)
				rs->weight = wt;
			nreal++;
			continue;
		}
		if (word_is(&w[0], "TCP") || word_is(&w[0], "UDP") || word_is(&w[0], "SCTP") ||
		    word_is(&w[0], "FWM")) {
			struct nd_ipvs_svc sv;
			int64_t mark;

			memset(&sv, 0, sizeof(sv));
			sv.proto = nd_arena_strndup(a, w[0].s, w[0].n);
			sv.line = line;
			orphan = true;
			if (nw < 2) {
				SKIP(_("a virtual service without an address"));
				continue;
			}
			if (word_is(&w[0], "FWM")) {
				if (nd_parse_i64(w[1].s, w[1].n, 0, INT32_MAX, &mark) < 0) {
					SKIP(_("FWM without a mark"));
					continue;
				}
				sv.port = (int32_t)mark;
			} else if (split_addr(&w[1], a, &sv.ip, &sv.port) < 0) {
				SKIP(_("not an address:port"));
				continue;
			}
			if (nw > 2)
				sv.sched = nd_arena_strndup(a, w[2].s, w[2].n);
			for (size_t k = 3; k + 1 < nw; k++)
				if (word_is(&w[k], "persistent") &&
				    nd_parse_i64(w[k + 1].s, w[k + 1].n, 0, INT32_MAX, &mark) == 0)
					sv.persistent = (int32_t)mark;
			orphan = false;
			ND_GROW(svcs, capsvc, nsvc + 1);
			svcs[nsvc++] = sv;
			open = true;
			continue;
		}
		SKIP(_("not an 'ipvsadm -Ln' line"));
		orphan = true;
#undef SKIP
	}
	if (nwarn) {
		out->warnings = nd_arena_alloc(a, nwarn * sizeof(*out->warnings));
		memcpy(out->warnings, warn, nwarn * sizeof(*out->warnings));
	}
	out->nwarnings = nwarn;
	out->nskipped = nskipped;
	if (nsvc) {
		out->svcs = nd_arena_alloc(a, nsvc * sizeof(*svcs));
		memcpy(out->svcs, svcs, nsvc * sizeof(*svcs));
	}
	out->nsvcs = (uint32_t)nsvc;
	r = 0;
out:
	free(svcs);
	free(reals);
	return r;
}

const struct nd_ipvs_svc *nd_ipvs_find(const struct nd_ipvs *v, const char *proto,
				       const char *ip, int32_t port)
{
	struct nd_ip want, have;

	if (nd_ip_parse(ip, &want) < 0)
		return NULL;
	for (uint32_t i = 0; v && i < v->nsvcs; i++) {
		const struct nd_ipvs_svc *s = &v->svcs[i];

		if (s->ip && s->port == port && strcasecmp(s->proto, proto) == 0 &&
		    nd_ip_parse(s->ip, &have) == 0 && nd_ip_equal(&want, &have))
			return s;
	}
	return NULL;
}
