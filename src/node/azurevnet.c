/* SPDX-License-Identifier: MIT */
#include "node/azurevnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/json.h"
#include "node/nodeenv.h"
#include "core/banned.h"

#define AZV_MAX_FILE  (64u << 20)
#define AZV_MAX_ADDRS (1u << 20)

static int want_obj(const char *name, const struct nd_json *v, const char *where,
		    struct nd_err *e)
{
	if (!v || v->type != ND_JOBJ)
		return nd_err_set(e, "'%s': %s is %s, not an object", name, where,
				  v ? nd_json_type_name((enum nd_jtype)v->type) : "missing");
	return 0;
}

static const char *opt_str(const struct nd_json *o, const char *k, struct nd_arena *a)
{
	const char *s = nd_json_str(nd_json_get(o, k));

	return s ? nd_arena_strdup(a, s) : NULL;
}

int nd_azv_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
		 struct nd_azv_state *out, struct nd_err *e)
{
	struct nd_arena *scratch = nd_arena_new(0);
	struct nd_azv_addr *v = NULL;
	size_t n = 0, cap = 0;
	struct nd_json root;
	const struct nd_json *ipam, *spaces;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (len > AZV_MAX_FILE) {
		nd_err_set(e, "'%s': larger than 64 MiB", name);
		goto out;
	}
	if (nd_json_parse(buf, len, 0, scratch, &root, e) < 0) {
		nd_err_prefix(e, "'%s'", name);
		goto out;
	}
	ipam = nd_json_get(&root, "IPAM");
	if (root.type != ND_JOBJ || want_obj(name, ipam, "'IPAM'", e) < 0)
		goto out;
	out->version = opt_str(ipam, "Version", a);
	out->timestamp = opt_str(ipam, "TimeStamp", a);
	spaces = nd_json_get(ipam, "AddressSpaces");
	if (!spaces || spaces->type == ND_JNULL)
		goto done;
	if (want_obj(name, spaces, "'IPAM.AddressSpaces'", e) < 0)
		goto out;
	for (uint32_t i = 0; i < spaces->n; i++) {
		const struct nd_jmember *sp = &spaces->u.members[i];
		const struct nd_json *pools;
		char where[512];

		snprintf(where, sizeof(where), "'IPAM.AddressSpaces.%s'", sp->key);
		if (want_obj(name, &sp->val, where, e) < 0)
			goto out;
		pools = nd_json_get(&sp->val, "Pools");
		if (!pools || pools->type == ND_JNULL)
			continue;
		snprintf(where, sizeof(where), "'IPAM.AddressSpaces.%s.Pools'", sp->key);
		if (want_obj(name, pools, where, e) < 0)
			goto out;
		for (uint32_t j = 0; j < pools->n; j++) {
			const struct nd_jmember *pl = &pools->u.members[j];
			const struct nd_json *addrs;

			out->pools++;
			snprintf(where, sizeof(where), "'IPAM.AddressSpaces.%s.Pools.%s'", sp->key,
				 pl->key);
			if (want_obj(name, &pl->val, where, e) < 0)
				goto out;
			addrs = nd_json_get(&pl->val, "Addresses");
			if (!addrs || addrs->type == ND_JNULL)
				continue;
			if (want_obj(name, addrs, where, e) < 0)
				goto out;
			for (uint32_t k = 0; k < addrs->n; k++) {
				const struct nd_jmember *ad = &addrs->u.members[k];
				const struct nd_json *inuse;
				const char *addr;
				struct nd_ip ip;

				snprintf(where, sizeof(where),
					 "'IPAM.AddressSpaces.%s.Pools.%s.Addresses.%s'", sp->key,
					 pl->key, ad->key);
				if (want_obj(name, &ad->val, where, e) < 0)
					goto out;
				if (n == AZV_MAX_ADDRS) {
					nd_err_set(e, "'%s': more than %u addresses", name,
						   AZV_MAX_ADDRS);
					goto out;
				}
				addr = nd_json_str(nd_json_get(&ad->val, "Addr"));
				if (!addr)
					addr = ad->key;
				if (nd_ip_parse(addr, &ip) < 0) {
					nd_err_set(e, "'%s': %s: 'Addr' is not an IP address", name,
						   where);
					goto out;
				}
				inuse = nd_json_get(&ad->val, "InUse");
				if (inuse && inuse->type != ND_JTRUE && inuse->type != ND_JFALSE &&
				    inuse->type != ND_JNULL) {
					nd_err_set(e, "'%s': %s: 'InUse' is not a boolean", name, where);
					goto out;
				}
				ND_GROW(v, cap, n + 1);
				v[n].space = nd_arena_strdup(a, sp->key);
				v[n].pool = nd_arena_strdup(a, pl->key);
				v[n].addr = nd_arena_strdup(a, addr);
				v[n].id = opt_str(&ad->val, "ID", a);
				v[n].in_use = nd_json_true(inuse);
				out->in_use += v[n].in_use;
				n++;
			}
		}
	}
done:
	if (n) {
		out->addrs = nd_arena_alloc(a, n * sizeof(*v));
		memcpy(out->addrs, v, n * sizeof(*v));
	}
	out->n = n;
	r = 0;
out:
	free(v);
	nd_arena_free(scratch);
	return r;
}

int nd_azv_read(const char *path, struct nd_arena *a, struct nd_azv_state *out,
		struct nd_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (nd_read_file(path, AZV_MAX_FILE, &buf, &len, e) < 0)
		return -1;
	r = nd_azv_parse(path, buf, len, a, out, e);
	free(buf);
	return r;
}
