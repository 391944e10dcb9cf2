/* SPDX-License-Identifier: MIT */
/* AKS's outbound destinations: the data file, its expansion for a cluster, --also. */
#include "aks/egress.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aks/aks.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/json.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_DATA (1u << 20)

const char *nd_egress_scheme_name(enum nd_egress_scheme s)
{
	switch (s) {
	case ND_EG_TCP: return "tcp";
	case ND_EG_TLS: return "tls";
	case ND_EG_HTTPS: return "https";
	case ND_EG_HTTP: return "http";
	case ND_EG_UDP: return "udp";
	}
	return "?";
}

static int scheme_parse(const char *s, enum nd_egress_scheme *out)
{
	static const enum nd_egress_scheme all[] = {ND_EG_TCP, ND_EG_TLS, ND_EG_HTTPS, ND_EG_HTTP,
						    ND_EG_UDP};

	for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, nd_egress_scheme_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

void nd_egress_list_release(struct nd_egress_list *l)
{
	if (!l)
		return;
	free(l->v);
	nd_arena_free(l->a);
	memset(l, 0, sizeof(*l));
}

void nd_egress_data_free(struct nd_egress_data *d)
{
	if (!d)
		return;
	nd_egress_list_release(&d->rules);
	free(d);
}

static struct nd_egress_dest *push(struct nd_egress_list *l)
{
	if (!l->a)
		l->a = nd_arena_new(8192);
	ND_GROW(l->v, l->cap, l->n + 1);
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static const char *str_of(struct nd_arena *a, const struct nd_json *o, const char *key)
{
	const char *s = nd_json_str(nd_json_get(o, key));

	return s ? nd_arena_strdup(a, s) : NULL;
}

/* A name usable as a probe target: letters, digits, - . * < > _ (placeholders), or an IP. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	struct nd_ip ip;

	if (n == 0 || n > ND_EGRESS_MAX_NAME)
		return false;
	if (nd_ip_parse(s, &ip) == 0)
		return true;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-.*<>_", *s))
			return false;
	return true;
}

/* A space-separated list of words of [a-z0-9-]; or NULL. Joins a JSON array or string. */
static const char *words_of(struct nd_arena *a, const struct nd_json *v, const char *what,
			    size_t idx, struct nd_err *e, int *bad)
{
	char buf[256];
	size_t used = 0;
	uint32_t i, n = 1;
	const struct nd_json *items = v;

	if (!v || v->type == ND_JNULL)
		return NULL;
	if (v->type == ND_JARR) {
		n = v->n;
		items = v->u.items;
	}
	for (i = 0; i < n; i++) {
		const char *s = nd_json_str(&items[i]);
		size_t k;

		if (!s || !*s || strlen(s) + used + 2 > sizeof(buf)) {
			*bad = nd_err_set(e, _("destination %zu: '%s' must be a list of words"), idx, what);
			return NULL;
		}
		for (k = 0; s[k]; k++)
			if (!(islower((unsigned char)s[k]) || isdigit((unsigned char)s[k]) ||
			      s[k] == '-' || s[k] == ' ')) {
				*bad = nd_err_set(e, _("destination %zu: '%s' holds '%s': words of a-z, "
						  "0-9 and '-' only"), idx, what, s);
				return NULL;
			}
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? " " : "", s);
	}
	return used ? nd_arena_strdup(a, buf) : NULL;
}

static int parse_rule(const struct nd_json *o, size_t idx, struct nd_egress_list *l,
		      struct nd_err *e)
{
	struct nd_egress_dest *d;
	const char *sch;
	int64_t port;
	int bad = 0;

	if (o->type != ND_JOBJ)
		return nd_err_set(e, _("destination %zu is %s, not an object"), idx,
				  nd_json_type_name(o->type));
	d = push(l);
	d->rule = str_of(l->a, o, "rule");
	d->host = str_of(l->a, o, "probe");
	d->protocol = str_of(l->a, o, "protocol");
	d->alpn = str_of(l->a, o, "alpn");
	d->purpose = str_of(l->a, o, "purpose");
	d->not_needed = str_of(l->a, o, "not_needed");
	d->default_skip = str_of(l->a, o, "default_skip");
	if (!d->rule || !*d->rule)
		return nd_err_set(e, _("destination %zu has no \"rule\""), idx);
	if (!d->host)
		d->host = d->rule;
	if (!name_ok(d->host) && !strchr(d->host, ':'))
		return nd_err_set(e, _("destination %zu ('%s'): \"probe\" '%s' is not a host name"), idx,
				  d->rule, d->host);
	if (nd_json_i64(nd_json_get(o, "port"), 1, 65535, &port) < 0)
		return nd_err_set(e, _("destination %zu ('%s'): \"port\" must be a number from 1 to "
				  "65535"), idx, d->rule);
	d->port = (unsigned)port;
	if (!d->protocol || (strcmp(d->protocol, "tcp") != 0 && strcmp(d->protocol, "udp") != 0))
		return nd_err_set(e, _("destination %zu ('%s'): \"protocol\" must be \"tcp\" or "
				  "\"udp\""), idx, d->rule);
	sch = nd_json_str(nd_json_get(o, "scheme"));
	if (scheme_parse(sch, &d->scheme) < 0)
		return nd_err_set(e, _("destination %zu ('%s'): \"scheme\" must be tcp, tls, https, "
				  "http or udp, not '%s'"), idx, d->rule, sch ? sch : "(none)");
	if ((d->scheme == ND_EG_UDP) != (strcmp(d->protocol, "udp") == 0))
		return nd_err_set(e, _("destination %zu ('%s'): scheme '%s' does not go with protocol "
				  "'%s'"), idx, d->rule, sch, d->protocol);
	if (d->alpn && (!*d->alpn || strlen(d->alpn) > 64 || strspn(d->alpn,
	    "abcdefghijklmnopqrstuvwxyz0123456789/.-,") != strlen(d->alpn)))
		return nd_err_set(e, _("destination %zu ('%s'): \"alpn\" must be a comma-separated "
				  "list of protocol names"), idx, d->rule);
	{
		const char *k = nd_json_str(nd_json_get(o, "kind"));

		if (!k || (strcmp(k, "network") != 0 && strcmp(k, "application") != 0))
			return nd_err_set(e, _("destination %zu ('%s'): \"kind\" must be \"network\" or "
					  "\"application\""), idx, d->rule);
		d->network_rule = strcmp(k, "network") == 0;
	}
	d->sets = words_of(l->a, nd_json_get(o, "set"), "set", idx, e, &bad);
	if (!bad)
		d->unless = words_of(l->a, nd_json_get(o, "unless"), "unless", idx, e, &bad);
	if (bad)
		return -1;
	if (!d->sets)
		return nd_err_set(e, _("destination %zu ('%s') has no \"set\""), idx, d->rule);
	if (!d->purpose)
		return nd_err_set(e, _("destination %zu ('%s') has no \"purpose\""), idx, d->rule);
	return 0;
}

static const char **str_list(struct nd_arena *a, const struct nd_json *v, size_t *n, bool lower)
{
	const char **out;
	uint32_t i;

	*n = 0;
	if (!v || v->type != ND_JARR || v->n == 0)
		return NULL;
	out = nd_arena_alloc(a, sizeof(*out) * v->n);
	for (i = 0; i < v->n; i++) {
		const struct nd_json *x = &v->u.items[i];
		const char *s = nd_json_str(x);
		char *c;

		if (!s) {
			const char *t = nd_json_str(nd_json_get(x, "title"));
			const char *u = nd_json_str(nd_json_get(x, "url"));
			const char *r = nd_json_str(nd_json_get(x, "revision"));

			if (!t && !u)
				continue;
			out[(*n)++] = nd_arena_printf(a, "%s%s%s%s%s%s%s", t ? t : "", t && u ? " <" : "",
						      u ? u : "", t && u ? ">" : "", r ? " (" : "",
						      r ? r : "", r ? ")" : "");
			continue;
		}
		if (!*s)
			continue;
		c = nd_arena_strdup(a, s);
		for (char *p = c; lower && *p; p++)
			*p = (char)tolower((unsigned char)*p);
		out[(*n)++] = c;
	}
	return out;
}

int nd_egress_data_parse(const char *buf, size_t len, const char *name,
			 struct nd_egress_data **out, struct nd_err *e)
{
	struct nd_arena *a;
	struct nd_egress_data *d;
	const struct nd_json *dests;
	struct nd_json doc;
	const char *schema;
	uint32_t i;

	*out = NULL;
	if (len > MAX_DATA)
		return nd_err_set(e, _("'%s': more than %u bytes"), name, MAX_DATA);
	a = nd_arena_new(16384);
	d = nd_xcalloc(1, sizeof(*d));
	if (nd_json_parse(buf, len, 0, a, &doc, e) < 0) {
		nd_err_prefix(e, _("cannot read the egress data '%s'"), name);
		goto fail;
	}
	if (doc.type != ND_JOBJ) {
		nd_err_set(e, _("'%s': %s, not an object"), name, nd_json_type_name(doc.type));
		goto fail;
	}
	schema = nd_json_str(nd_json_get(&doc, "schema"));
	if (!schema || strcmp(schema, "netdiag/aks-egress/v1") != 0) {
		nd_err_set(e, _("'%s': \"schema\" must be \"netdiag/aks-egress/v1\""), name);
		goto fail;
	}
	d->rules.a = nd_arena_new(16384);
	d->version = str_of(d->rules.a, &doc, "version");
	d->date = str_of(d->rules.a, &doc, "date");
	d->cloud = str_of(d->rules.a, &doc, "cloud");
	d->default_region = str_of(d->rules.a, &doc, "default_region");
	if (!d->version || !d->date) {
		nd_err_set(e, _("'%s': \"version\" and \"date\" are required"), name);
		goto fail;
	}
	if (d->default_region && !name_ok(d->default_region)) {
		nd_err_set(e, _("'%s': \"default_region\" '%s' is not a region name"), name,
			   d->default_region);
		goto fail;
	}
	d->sources = str_list(d->rules.a, nd_json_get(&doc, "sources"), &d->nsources, false);
	d->proxy_words = str_list(d->rules.a, nd_json_get(&doc, "interception_issuers"), &d->nproxy,
				  true);
	dests = nd_json_get(&doc, "destinations");
	if (!dests || dests->type != ND_JARR || dests->n == 0) {
		nd_err_set(e, _("'%s': \"destinations\" must be a non-empty list"), name);
		goto fail;
	}
	if (dests->n > ND_EGRESS_MAX_DESTS) {
		nd_err_set(e, _("'%s': more than %d destinations"), name, ND_EGRESS_MAX_DESTS);
		goto fail;
	}
	for (i = 0; i < dests->n; i++)
		if (parse_rule(&dests->u.items[i], i, &d->rules, e) < 0) {
			nd_err_prefix(e, "'%s'", name);
			goto fail;
		}
	nd_arena_free(a);
	*out = d;
	return 0;
fail:
	nd_arena_free(a);
	nd_egress_data_free(d);
	return -1;
}

/* --- expansion ------------------------------------------------------------ */

static bool has_word(const char *list, const char *w, size_t wl)
{
	const char *p = list;

	while (p && *p) {
		size_t n;

		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n && n == wl && strncmp(p, w, wl) == 0)
			return true;
		p += n;
	}
	return false;
}

/* Any word of a (space- or comma-separated) in b. */
static bool any_word(const char *a, const char *b)
{
	const char *p = a;

	while (p && *p) {
		size_t n;

		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n && has_word(b, p, n))
			return true;
		p += n;
	}
	return false;
}

static void add_word(char *buf, size_t len, const char *w)
{
	size_t used = strlen(buf);

	if (!has_word(buf, w, strlen(w)))
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", w);
}

void nd_egress_env_from_profile(const struct nd_aks_profile *p, struct nd_arena *a,
				struct nd_egress_env *env)
{
	char f[256] = "";

	if (!p)
		return;
	env->region = p->location;
	env->fqdn = p->fqdn;
	env->private_cluster = p->private_cluster == 1;
	if (p->windows_pool)
		add_word(f, sizeof(f), "windows");
	if (p->gpu_pool)
		add_word(f, sizeof(f), "gpu");
	if (p->prometheus || has_word(p->addons, "omsagent", 8) ||
	    has_word(p->addons, "omsAgent", 8))
		add_word(f, sizeof(f), "monitoring");
	if (has_word(p->addons, "azurepolicy", 11) || has_word(p->addons, "azurePolicy", 11))
		add_word(f, sizeof(f), "policy");
	if (has_word(p->addons, "azureKeyvaultSecretsProvider", 28))
		add_word(f, sizeof(f), "keyvault");
	if (p->defender)
		add_word(f, sizeof(f), "defender");
	if (p->cost_analysis)
		add_word(f, sizeof(f), "cost-analysis");
	env->features = f[0] ? nd_arena_strdup(a, f) : NULL;
}

const char *nd_egress_region_of(const char *name, char *buf, size_t len)
{
	const char *p, *end;
	size_t n;

	if (!name)
		return NULL;
	p = strstr(name, ".hcp.");
	if (p)
		p += 5;
	else if ((p = strstr(name, ".privatelink.")) != NULL)
		p += 13;
	else
		return NULL;
	end = strchr(p, '.');
	if (!end || strcasecmp(end, ".azmk8s.io") != 0)
		return NULL;
	n = (size_t)(end - p);
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* Replace <region> and <fqdn> in s; NULL (and *why) when one is unknown. */
static const char *fill(struct nd_arena *a, const char *s, const char *region, const char *fqdn,
			const char **why)
{
	char buf[512];
	size_t used = 0;

	while (*s && used < sizeof(buf) - 1) {
		const char *val = NULL;
		size_t skip = 0;

		if (strncmp(s, "<region>", 8) == 0) {
			val = region;
			skip = 8;
			if (!val) {
				*why = "needs the cluster's region (--aks)";
				return NULL;
			}
		} else if (strncmp(s, "<fqdn>", 6) == 0) {
			val = fqdn;
			skip = 6;
			if (!val) {
				*why = "needs the API server's FQDN (--aks)";
				return NULL;
			}
		}
		if (val) {
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s", val);
			s += skip;
			continue;
		}
		buf[used++] = *s++;
	}
	if (*s)
		return NULL;
	buf[used < sizeof(buf) ? used : sizeof(buf) - 1] = '\0';
	return nd_arena_strdup(a, buf);
}

static bool known_set(const struct nd_egress_data *d, const char *w, size_t wl)
{
	for (size_t i = 0; i < d->rules.n; i++)
		if (has_word(d->rules.v[i].sets, w, wl))
			return true;
	return false;
}

static bool dup_dest(const struct nd_egress_list *l, const char *host, unsigned port,
		     const char *proto)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].port == port && strcasecmp(l->v[i].host, host) == 0 &&
		    strcmp(l->v[i].protocol, proto) == 0)
			return true;
	return false;
}

int nd_egress_expand(const struct nd_egress_data *d, const struct nd_egress_env *env,
		     struct nd_egress_list *out, struct nd_err *e)
{
	const char *region = env->region && *env->region ? env->region : d->default_region;
	const char *p = env->include;
	char lower[64];
	size_t i;

	/* every word of include must name a set of the data */
	while (p && *p) {
		size_t n;

		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n && !has_word("all", p, n) && !known_set(d, p, n))
			return nd_err_set(e, _("--include: no destination set '%.*s' (sets: required, "
					  "recommended, apiserver-ip, mcr-edge, tunnel, ntp, "
					  "custom-dns, gpu, windows, monitoring, policy, keyvault, "
					  "defender, extensions, all)"), (int)n, p);
		p += n;
	}
	/* regions are written lower-case in names: "West Europe" is not a location */
	if (region) {
		size_t k = 0;

		for (; region[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)region[k]);
		lower[k] = '\0';
		region = lower;
	}
	if (!out->a)
		out->a = nd_arena_new(8192);
	for (i = 0; i < d->rules.n; i++) {
		const struct nd_egress_dest *r = &d->rules.v[i];
		const bool all = has_word(env->include, "all", 3);
		struct nd_egress_dest *x;
		const char *why = NULL, *rwhy = NULL, *host;

		if (!has_word(r->sets, "required", 8) && !all && !any_word(r->sets, env->include) &&
		    !any_word(r->sets, env->features))
			continue;
		host = fill(out->a, r->host, region, env->fqdn, &why);
		if (host && dup_dest(out, host, r->port, r->protocol))
			continue;
		if (out->n >= ND_EGRESS_MAX_DESTS)
			return nd_err_set(e, _("more than %d destinations"), ND_EGRESS_MAX_DESTS);
		x = push(out);
		*x = *r;
		x->rule = fill(out->a, r->rule, region, env->fqdn, &rwhy);
		if (!x->rule)
			x->rule = nd_arena_strdup(out->a, r->rule);
		/* a name that cannot be filled is shown as its rule */
		x->host = host ? host : x->rule;
		x->sets = nd_arena_strdup(out->a, r->sets);
		x->unless = r->unless ? nd_arena_strdup(out->a, r->unless) : NULL;
		x->alpn = r->alpn ? nd_arena_strdup(out->a, r->alpn) : NULL;
		x->protocol = nd_arena_strdup(out->a, r->protocol);
		x->purpose = nd_arena_strdup(out->a, r->purpose);
		x->not_needed = r->not_needed ? nd_arena_strdup(out->a, r->not_needed) : NULL;
		x->default_skip = NULL;
		if (env->private_cluster && has_word(r->unless, "private", 7))
			x->skip = "not needed: a private cluster";
		else if (why)
			x->skip = why;
		else if (r->default_skip && !all && !any_word(r->sets, env->include))
			x->skip = nd_arena_strdup(out->a, r->default_skip);
		else if (strchr(x->host, '*') || strchr(x->host, '<'))
			x->skip = "a wildcard rule: no one name to test";
		else if (x->scheme == ND_EG_UDP)
			x->skip = "UDP: no handshake tells a drop from silence";
	}
	return 0;
}

/* --- --also ---------------------------------------------------------------- */

static int also_one(const char *s, size_t n, struct nd_egress_list *out, struct nd_err *e)
{
	char item[300], host[256];
	const char *p = item, *colon = NULL;
	enum nd_egress_scheme sch = ND_EG_TCP;
	bool have_scheme = false;
	unsigned port = 443;
	struct nd_egress_dest *d;
	size_t hl;

	if (n >= sizeof(item))
		return nd_err_set(e, _("--also '%.*s...': too long"), 40, s);
	memcpy(item, s, n);
	item[n] = '\0';
	{
		static const struct { const char *pre; enum nd_egress_scheme s; } pre[] = {
			{"tcp://", ND_EG_TCP}, {"tls://", ND_EG_TLS}, {"https://", ND_EG_HTTPS},
			{"http://", ND_EG_HTTP},
		};
		for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
			if (strncmp(item, pre[i].pre, strlen(pre[i].pre)) == 0) {
				sch = pre[i].s;
				have_scheme = true;
				p = item + strlen(pre[i].pre);
				port = sch == ND_EG_HTTP ? 80 : 443;
				break;
			}
	}
	if (!have_scheme && strstr(item, "://"))
		return nd_err_set(e, _("--also '%s': the scheme must be tcp://, tls://, https:// or "
				  "http://"), item);
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (!end)
			return nd_err_set(e, _("--also '%s': '[' without ']'"), item);
		hl = (size_t)(end - p - 1);
		if (hl == 0 || hl >= sizeof(host))
			return nd_err_set(e, _("--also '%s': no address in brackets"), item);
		memcpy(host, p + 1, hl);
		host[hl] = '\0';
		p = end + 1;
		if (*p == ':')
			colon = p;
		else if (*p && strcmp(p, "/") != 0)
			return nd_err_set(e, _("--also '%s': expected ':PORT' after ']'"), item);
	} else {
		const char *c = strrchr(p, ':');

		if (c && strchr(p, ':') != c)
			return nd_err_set(e, _("--also '%s': write an IPv6 address in brackets: "
					  "[ADDR]:PORT"), item);
		hl = c ? (size_t)(c - p) : strcspn(p, "/");
		if (!c && p[hl] && strcmp(p + hl, "/") != 0)
			return nd_err_set(e, _("--also '%s': no path is probed; give HOST:PORT"), item);
		if (hl >= sizeof(host))
			return nd_err_set(e, _("--also '%s': the host is too long"), item);
		memcpy(host, p, hl);
		host[hl] = '\0';
		colon = c;
	}
	if (colon) {
		int64_t v;
		size_t pl = strcspn(colon + 1, "/");

		if (colon[1 + pl] && strcmp(colon + 1 + pl, "/") != 0)
			return nd_err_set(e, _("--also '%s': no path is probed; give HOST:PORT"), item);
		if (nd_parse_i64(colon + 1, pl, 1, 65535, &v) < 0)
			return nd_err_set(e, _("--also '%s': the port must be a number from 1 to 65535"),
					  item);
		port = (unsigned)v;
	}
	{
		struct nd_ip ip;

		if (!host[0] || (!name_ok(host) && nd_ip_parse(host, &ip) < 0) || strchr(host, '*') ||
		    strchr(host, '<'))
			return nd_err_set(e, _("--also '%s': '%s' is not a host name or IP address"), item,
					  host);
	}
	if (!have_scheme)
		sch = port == 443 || port == 8443 ? ND_EG_HTTPS : port == 80 ? ND_EG_HTTP : ND_EG_TCP;
	if (!out->a)
		out->a = nd_arena_new(8192);
	if (dup_dest(out, host, port, "tcp"))
		return 0;
	if (out->n >= ND_EGRESS_MAX_DESTS)
		return nd_err_set(e, _("--also: more than %d destinations"), ND_EGRESS_MAX_DESTS);
	d = push(out);
	d->host = nd_arena_strdup(out->a, host);
	d->rule = nd_arena_printf(out->a, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
	d->port = port;
	d->protocol = "tcp";
	d->scheme = sch;
	{
		struct nd_ip ip;

		d->network_rule = nd_ip_parse(host, &ip) == 0 || sch == ND_EG_TCP;
	}
	d->sets = "also";
	d->purpose = "named with --also";
	d->also = true;
	return 0;
}

int nd_egress_also_parse(const char *arg, struct nd_egress_list *out, struct nd_err *e)
{
	const char *p = arg;
	int any = 0;

	while (*p) {
		size_t n;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			break;
		if (also_one(p, n, out, e) < 0)
			return -1;
		any = 1;
		p += n;
	}
	if (!any)
		return nd_err_set(e, _("--also '%s': no HOST:PORT given"), arg);
	return 0;
}

bool nd_egress_issuer_is_proxy(const struct nd_egress_data *d, const char *issuer)
{
	char low[512];
	size_t i;

	if (!d || !issuer)
		return false;
	for (i = 0; issuer[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)issuer[i]);
	low[i] = '\0';
	for (i = 0; i < d->nproxy; i++)
		if (strstr(low, d->proxy_words[i]))
			return true;
	return false;
}
