/* SPDX-License-Identifier: MIT */
/* The loaded store's lookups: resources, objects by key, fields, bytes (store.h). */
#include "serve/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/banned.h"

const struct nd_sres *nd_store_resource(const struct nd_store *s, const char *group,
					const char *version, const char *plural)
{
	size_t i;

	for (i = 0; i < s->nres; i++)
		if (strcmp(s->res[i].plural, plural) == 0 && strcmp(s->res[i].group, group) == 0 &&
		    strcmp(s->res[i].version, version) == 0 && nd_store_res_visible(s, &s->res[i]))
			return &s->res[i];
	return NULL;
}

uint32_t nd_store_res_id(const struct nd_store *s, const struct nd_sres *r)
{
	return (uint32_t)(r - s->res);
}

bool nd_store_res_visible(const struct nd_store *s, const struct nd_sres *r)
{
	return r->always || r->nobjs > 0;
}

static int key_cmp(const struct nd_sobj *o, const char *ns, const char *name)
{
	int c = strcmp(o->ns, ns);

	return c ? c : (name ? strcmp(o->name, name) : 0);
}

/* First position whose (ns[, name]) is >= the key. */
static uint32_t lower_bound(const struct nd_store *s, const struct nd_sres *r, const char *ns,
			    const char *name, bool after_ns)
{
	uint32_t lo = 0, hi = r->nobjs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(&s->objs[r->objs[mid]], ns, name);

		if (c < 0 || (after_ns && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void nd_store_ns_range(const struct nd_store *s, const struct nd_sres *r, const char *ns,
		       uint32_t *lo, uint32_t *hi)
{
	if (!ns) {
		*lo = 0;
		*hi = r->nobjs;
		return;
	}
	*lo = lower_bound(s, r, ns, NULL, false);
	*hi = lower_bound(s, r, ns, NULL, true);
}

const struct nd_sobj *nd_store_get(const struct nd_store *s, const struct nd_sres *r,
				   const char *ns, const char *name)
{
	uint32_t i = lower_bound(s, r, ns ? ns : "", name, false);

	if (i < r->nobjs && key_cmp(&s->objs[r->objs[i]], ns ? ns : "", name) == 0)
		return &s->objs[r->objs[i]];
	return NULL;
}

const char *nd_store_field(const struct nd_store *s, const struct nd_sobj *o, const char *key)
{
	const struct nd_sres *r = &s->res[o->res];
	uint32_t i;

	if (strcmp(key, "metadata.name") == 0)
		return o->name;
	if (strcmp(key, "metadata.namespace") == 0)
		return o->ns;
	for (i = 0; i < r->nfields; i++) {
		const char *f = r->fields[i] + (r->fields[i][0] == '!');
		const char *eq = strchr(f, '=');
		size_t n = eq ? (size_t)(eq - f) : strlen(f);

		if (strncmp(f, key, n) == 0 && key[n] == '\0')
			return o->fvals && o->fvals[i] ? o->fvals[i] : "";
	}
	return NULL;
}

long nd_store_read(const struct nd_store *s, const struct nd_sobj *o, uint64_t at, void *buf,
		   size_t n)
{
	size_t done = 0;

	if (at >= o->len)
		return 0;
	if (n > o->len - at)
		n = (size_t)(o->len - at);
	while (done < n) {
		ssize_t k = pread(s->spool_fd, (char *)buf + done, n - done,
				  (off_t)(o->off + at + done));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return (long)done;
}

int nd_store_parse(const struct nd_store *s, const struct nd_sobj *o, char **buf, size_t *cap,
		   struct nd_arena *a, struct nd_json *root)
{
	struct nd_err e;

	if ((size_t)o->len + 1 > *cap) {
		*cap = (size_t)o->len + 1;
		*buf = nd_xrealloc(*buf, *cap);
	}
	if (nd_store_read(s, o, 0, *buf, o->len) != (long)o->len)
		return -1;
	nd_arena_reset(a);
	return nd_json_parse(*buf, o->len, 0, a, root, &e);
}
