/* SPDX-License-Identifier: MIT */
/* Authorized IP ranges: membership, list problems, and the `az aks update` value. */
#include "aks/aks.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"

void nd_aks_ranges_check(const struct nd_aks_profile *p, const struct nd_ip *ip,
			 struct nd_range_verdict *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->enabled = p && p->nranges > 0;
	if (!v->enabled)
		return;
	v->only_cluster_egress = p->nranges == 1 && strcmp(p->ranges[0], "0.0.0.0/32") == 0;
	for (i = 0; i < p->nranges; i++) {
		struct nd_cidr c;
		enum nd_range_problem pr = ND_RANGE_OK;

		if (nd_cidr_parse(p->ranges[i], true, &c) < 0)
			pr = ND_RANGE_UNPARSABLE;
		else if (!nd_cidr_is_network(&c))
			pr = ND_RANGE_NOT_NETWORK;
		if (pr != ND_RANGE_OK && v->nbad < sizeof(v->bad) / sizeof(v->bad[0])) {
			v->bad[v->nbad].index = i;
			v->bad[v->nbad].problem = pr;
			v->bad[v->nbad].network[0] = '\0';
			if (pr == ND_RANGE_NOT_NETWORK) {
				struct nd_cidr net = c;
				struct nd_ip first;

				if (nd_cidr_nth(&c, 0, &first) == 0) {
					net.ip = first;
					nd_cidr_format(&net, v->bad[v->nbad].network,
						       sizeof(v->bad[0].network));
				}
			}
			v->nbad++;
		}
		/* a range AKS would reject still decides nothing: skip it */
		if (pr != ND_RANGE_OK || !ip || v->allowed)
			continue;
		if (c.ip.family == ip->family && nd_cidr_contains(&c, ip)) {
			v->allowed = true;
			v->matched = i;
		}
	}
}

int nd_aks_ranges_with(const struct nd_aks_profile *p, const struct nd_ip *ip, char *buf,
		       size_t len)
{
	char me[60], a[46];
	size_t used = 0, i;
	int n;

	nd_ip_format(ip, a, sizeof(a));
	snprintf(me, sizeof(me), "%s/%d", a, ip->family == 6 ? 128 : 32);
	buf[0] = '\0';
	for (i = 0; p && i < p->nranges; i++) {
		size_t j;
		bool dup = false;

		if (!*p->ranges[i] || strcmp(p->ranges[i], me) == 0)
			continue;
		for (j = 0; j < i && !dup; j++)
			dup = strcmp(p->ranges[j], p->ranges[i]) == 0;
		if (dup)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", p->ranges[i]);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", me);
	if (n < 0 || (size_t)n >= len - used)
		return -1;
	return (int)(used + (size_t)n);
}

bool nd_aks_is_privatelink(const char *name)
{
	static const char tail[] = ".azmk8s.io";
	size_t n, t = sizeof(tail) - 1;

	if (!name || !strstr(name, ".privatelink."))
		return false;
	n = strlen(name);
	while (n > 0 && name[n - 1] == '.')   /* a fully qualified "name." */
		n--;
	return n > t && strncmp(name + n - t, tail, t) == 0;
}

bool nd_ip_is_private(const struct nd_ip *ip)
{
	const uint8_t *b = ip->b;

	if (ip->family == 4)
		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64) ||
		       (b[0] == 169 && b[1] == 254) || b[0] == 127;
	return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
	       (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0);
}

/* The text after "/<key>/" in s up to the next '/' (or the end), into out. */
static bool id_part(const char *s, const char *key, char *out, size_t cap)
{
	size_t kn = strlen(key);

	for (const char *p = s; (p = strchr(p, '/')) != NULL; p++) {
		if (strncasecmp(p + 1, key, kn) == 0 && p[1 + kn] == '/') {
			const char *v = p + 2 + kn;
			size_t n = strcspn(v, "/");

			if (!n || n >= cap)
				return false;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

bool nd_aks_vmss_of(const char *provider_id, struct nd_vmss_ref *out)
{
	if (!provider_id || strncmp(provider_id, "azure://", 8) != 0)
		return false;
	return id_part(provider_id, "subscriptions", out->subscription, sizeof(out->subscription)) &&
	       id_part(provider_id, "resourceGroups", out->group, sizeof(out->group)) &&
	       id_part(provider_id, "virtualMachineScaleSets", out->vmss, sizeof(out->vmss)) &&
	       id_part(provider_id, "virtualMachines", out->instance, sizeof(out->instance));
}
