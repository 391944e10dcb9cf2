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
#include "core/i18n.h"

#define AZV_MAX_FILE  (64u << 20)
#define AZV_MAX_ADDRS (1u << 20)

static int want_obj(const char *name, const struct nd_json *v, const char *where,
		    struct nd_err *e)
{
	if (!v || v->type != ND_JOBJ)
		return nd_err_set(e, _("'%s': %s is %s, not an object"), name, where,
				  v ? nd_json_type_name((enum nd_jtype)v->type) : "missing");
	return 0;
}

static const char *opt_str(const struct nd_json *o, const char *k, struct nd_arena *a)
{
	const char *s = nd_json_str(nd_json_get(o, k));

	return s ? nd_arena_strdup(a, s) : NULL;
}

/* A state file's top level: within the size bound, JSON, an object. -1 with e naming name. */
static int parse_top(const char *buf, size_t len, const char *name, const char *what,
		     struct nd_arena *scratch, struct nd_json *root, struct nd_err *e)
{
	if (len > AZV_MAX_FILE)
		return nd_err_set(e, _("'%s': larger than 64 MiB"), name);
	if (nd_json_parse(buf, len, 0, scratch, root, e) < 0) {
		nd_err_prefix(e, "'%s'", name);
		return -1;
	}
	if (root->type != ND_JOBJ)
		return nd_err_set(e, _("'%s': not %s: the top level is %s"), name, what,
				  nd_json_type_name((enum nd_jtype)root->type));
	return 0;
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
	if (parse_top(buf, len, name, "Azure CNI IPAM state", scratch, &root, e) < 0)
		goto out;
	ipam = nd_json_get(&root, "IPAM");
	if (want_obj(name, ipam, "'IPAM'", e) < 0)
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
					nd_err_set(e, _("'%s': more than %u addresses"), name,
						   AZV_MAX_ADDRS);
					goto out;
				}
				addr = nd_json_str(nd_json_get(&ad->val, "Addr"));
				if (!addr)
					addr = ad->key;
				if (nd_ip_parse(addr, &ip) < 0) {
					nd_err_set(e, _("'%s': %s: 'Addr' is not an IP address"), name,
						   where);
					goto out;
				}
				inuse = nd_json_get(&ad->val, "InUse");
				if (inuse && inuse->type != ND_JTRUE && inuse->type != ND_JFALSE &&
				    inuse->type != ND_JNULL) {
					nd_err_set(e, _("'%s': %s: 'InUse' is not a boolean"), name, where);
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

/* Endpoint state (azurevnet.h): CNS's azure-endpoints.json and azure-vnet's azure-vnet.json. */

struct ep_acc {
	struct nd_azv_endpoint *v;
	size_t n, cap;
};

static int opt_member_str(const char *name, const struct nd_json *o, const char *k,
			  const char *where, struct nd_arena *a, const char **out, struct nd_err *e)
{
	const struct nd_json *v = nd_json_get(o, k);

	*out = NULL;
	if (!v || v->type == ND_JNULL)
		return 0;
	if (v->type != ND_JSTR)
		return nd_err_set(e, _("'%s': %s.%s is %s, not a string"), name, where, k,
				  nd_json_type_name((enum nd_jtype)v->type));
	*out = nd_arena_strdup(a, v->u.s);
	return 0;
}

/* A list of Go net.IPNet ({"IP", "Mask"}): each IP added for the endpoint. */
static int add_ipnets(const char *name, const struct nd_json *list, const char *where,
		      const struct nd_azv_endpoint *tmpl, struct nd_arena *a, struct ep_acc *acc,
		      struct nd_err *e)
{
	if (!list || list->type == ND_JNULL)
		return 0;
	if (list->type != ND_JARR)
		return nd_err_set(e, _("'%s': %s is %s, not a list"), name, where,
				  nd_json_type_name((enum nd_jtype)list->type));
	for (uint32_t i = 0; i < list->n; i++) {
		const struct nd_json *it = &list->u.items[i];
		const char *ip;
		struct nd_ip parsed;

		if (it->type != ND_JOBJ)
			return nd_err_set(e, _("'%s': %s[%u] is not an object"), name, where, i);
		ip = nd_json_str(nd_json_get(it, "IP"));
		if (!ip || nd_ip_parse(ip, &parsed) < 0)
			return nd_err_set(e, _("'%s': %s[%u].IP is not an IP address"), name, where, i);
		if (acc->n == AZV_MAX_ADDRS)
			return nd_err_set(e, _("'%s': more than %u addresses"), name, AZV_MAX_ADDRS);
		ND_GROW(acc->v, acc->cap, acc->n + 1);
		acc->v[acc->n] = *tmpl;
		acc->v[acc->n].ip = nd_arena_strdup(a, ip);
		acc->n++;
	}
	return 0;
}

static int want_map(const char *name, const struct nd_json *v, const char *where, bool *absent,
		    struct nd_err *e)
{
	*absent = !v || v->type == ND_JNULL;
	if (*absent || v->type == ND_JOBJ)
		return 0;
	return nd_err_set(e, _("'%s': %s is %s, not an object"), name, where,
			  nd_json_type_name((enum nd_jtype)v->type));
}

static int cns_endpoints(const char *name, const struct nd_json *eps, struct nd_arena *a,
			 struct ep_acc *acc, size_t *count, struct nd_err *e)
{
	bool absent;

	if (want_map(name, eps, "'Endpoints'", &absent, e) < 0)
		return -1;
	for (uint32_t i = 0; !absent && i < eps->n; i++) {
		const struct nd_jmember *ep = &eps->u.members[i];
		const struct nd_json *ifs;
		struct nd_azv_endpoint t = {0};
		char where[512];
		bool noifs;

		snprintf(where, sizeof(where), "Endpoints.%s", ep->key);
		if (ep->val.type == ND_JNULL)
			continue;
		if (want_obj(name, &ep->val, where, e) < 0)
			return -1;
		(*count)++;
		t.container_id = nd_arena_strdup(a, ep->key);
		if (opt_member_str(name, &ep->val, "PodName", where, a, &t.pod_name, e) < 0 ||
		    opt_member_str(name, &ep->val, "PodNamespace", where, a, &t.pod_ns, e) < 0)
			return -1;
		ifs = nd_json_get(&ep->val, "IfnameToIPMap");
		snprintf(where, sizeof(where), "Endpoints.%s.IfnameToIPMap", ep->key);
		if (want_map(name, ifs, where, &noifs, e) < 0)
			return -1;
		for (uint32_t k = 0; !noifs && k < ifs->n; k++) {
			const struct nd_jmember *im = &ifs->u.members[k];
			char w2[640];

			if (im->val.type == ND_JNULL)
				continue;
			snprintf(w2, sizeof(w2), "%s.%s", where, im->key);
			if (want_obj(name, &im->val, w2, e) < 0)
				return -1;
			t.ifname = nd_arena_strdup(a, im->key);
			snprintf(w2, sizeof(w2), "%s.%s.IPv4", where, im->key);
			if (add_ipnets(name, nd_json_get(&im->val, "IPv4"), w2, &t, a, acc, e) < 0)
				return -1;
			snprintf(w2, sizeof(w2), "%s.%s.IPv6", where, im->key);
			if (add_ipnets(name, nd_json_get(&im->val, "IPv6"), w2, &t, a, acc, e) < 0)
				return -1;
		}
	}
	return 0;
}

static int vnet_endpoints(const char *name, const struct nd_json *netw, struct nd_arena *a,
			  struct ep_acc *acc, size_t *count, struct nd_err *e)
{
	const struct nd_json *ext;
	bool absent;

	if (want_obj(name, netw, "'Network'", e) < 0)
		return -1;
	ext = nd_json_get(netw, "ExternalInterfaces");
	if (want_map(name, ext, "'Network.ExternalInterfaces'", &absent, e) < 0)
		return -1;
	for (uint32_t i = 0; !absent && i < ext->n; i++) {
		const struct nd_jmember *xi = &ext->u.members[i];
		const struct nd_json *nets;
		char where[512];
		bool none;

		snprintf(where, sizeof(where), "Network.ExternalInterfaces.%s", xi->key);
		if (want_obj(name, &xi->val, where, e) < 0)
			return -1;
		nets = nd_json_get(&xi->val, "Networks");
		if (want_map(name, nets, where, &none, e) < 0)
			return -1;
		for (uint32_t j = 0; !none && j < nets->n; j++) {
			const struct nd_jmember *nw = &nets->u.members[j];
			const struct nd_json *eps;
			char w2[640];
			bool noeps;

			snprintf(w2, sizeof(w2), "%s.Networks.%s", where, nw->key);
			if (want_obj(name, &nw->val, w2, e) < 0)
				return -1;
			eps = nd_json_get(&nw->val, "Endpoints");
			if (want_map(name, eps, w2, &noeps, e) < 0)
				return -1;
			for (uint32_t k = 0; !noeps && k < eps->n; k++) {
				const struct nd_jmember *ep = &eps->u.members[k];
				struct nd_azv_endpoint t = {0};
				char w3[800];

				snprintf(w3, sizeof(w3), "%s.Endpoints.%s", w2, ep->key);
				if (want_obj(name, &ep->val, w3, e) < 0)
					return -1;
				(*count)++;
				if (opt_member_str(name, &ep->val, "ContainerID", w3, a, &t.container_id,
						   e) < 0 ||
				    opt_member_str(name, &ep->val, "PODName", w3, a, &t.pod_name, e) < 0 ||
				    opt_member_str(name, &ep->val, "PODNameSpace", w3, a, &t.pod_ns, e) < 0)
					return -1;
				if (!t.container_id)
					t.container_id = "";
				snprintf(w3, sizeof(w3), "%s.Endpoints.%s.IPAddresses", w2, ep->key);
				if (add_ipnets(name, nd_json_get(&ep->val, "IPAddresses"), w3, &t, a, acc,
					       e) < 0)
					return -1;
			}
		}
	}
	return 0;
}

int nd_azv_endpoints_parse(const char *name, const char *buf, size_t len, struct nd_arena *a,
			   struct nd_azv_endpoints *out, struct nd_err *e)
{
	struct nd_arena *scratch = nd_arena_new(0);
	struct ep_acc acc = {0};
	const struct nd_json *k;
	struct nd_json root;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (parse_top(buf, len, name, "Azure CNI or CNS state", scratch, &root, e) < 0)
		goto out;
	if ((k = nd_json_get(&root, "Endpoints")) != NULL) {
		out->format = "azure-cns";
		if (cns_endpoints(name, k, a, &acc, &out->endpoints, e) < 0)
			goto out;
	} else if ((k = nd_json_get(&root, "Network")) != NULL) {
		out->format = "azure-vnet";
		if (vnet_endpoints(name, k, a, &acc, &out->endpoints, e) < 0)
			goto out;
	} else {
		nd_err_set(e, _("'%s': not Azure CNI or CNS state: no 'Endpoints' or 'Network' key"),
			   name);
		goto out;
	}
	if (acc.n) {
		out->v = nd_arena_alloc(a, acc.n * sizeof(*acc.v));
		memcpy(out->v, acc.v, acc.n * sizeof(*acc.v));
	}
	out->n = acc.n;
	r = 0;
out:
	free(acc.v);
	nd_arena_free(scratch);
	return r;
}

int nd_azv_endpoints_read(const char *path, struct nd_arena *a, struct nd_azv_endpoints *out,
			  struct nd_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (nd_read_file(path, AZV_MAX_FILE, &buf, &len, e) < 0)
		return -1;
	r = nd_azv_endpoints_parse(path, buf, len, a, out, e);
	free(buf);
	return r;
}
