/* SPDX-License-Identifier: MIT */
#include "serve/discovery.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "serve/overlay.h"
#include "serve/store.h"
#include "core/banned.h"

#define DEFAULT_VERSION "v1.31.0"

void nd_disc_version(const struct nd_store *s, struct nd_buf *b)
{
	const char *v = s->kube_version[0] == 'v' ? s->kube_version : DEFAULT_VERSION;
	unsigned major = 1, minor = 31;
	char gv[64];

	if (sscanf(v, "v%u.%u", &major, &minor) != 2) {
		v = DEFAULT_VERSION;
		major = 1;
		minor = 31;
	}
	/* kubelet versions carry suffixes ("v1.29.7-hotfix..."): keep them, like AKS */
	snprintf(gv, sizeof(gv), "%s", v);
	nd_buf_printf(b, "{\"major\":\"%u\",\"minor\":\"%u\",\"gitVersion\":", major, minor);
	nd_buf_cstr(b, gv);
	nd_buf_adds(b, ",\"gitCommit\":\"netdiag-serve\",\"gitTreeState\":\"clean\","
		     "\"buildDate\":\"2025-01-01T00:00:00Z\",\"goVersion\":\"go1.22.0\","
		     "\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}");
}

void nd_disc_api(const struct nd_store *s, const char *server, struct nd_buf *b)
{
	nd_buf_adds(b, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
		     "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":");
	nd_buf_cstr(b, server);
	nd_buf_adds(b, "}]}");
}

static bool gv_visible(const struct nd_store *s, const char *group, const char *version)
{
	size_t i;

	for (i = 0; i < s->nres; i++)
		if (strcmp(s->res[i].group, group) == 0 &&
		    (!version || strcmp(s->res[i].version, version) == 0) &&
		    nd_store_res_visible(s, &s->res[i]))
			return true;
	return false;
}

/* True when res[i]'s group/version (or group, when !version) appeared before i. */
static bool seen_before(const struct nd_store *s, size_t i, bool version)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(s->res[j].group, s->res[i].group) == 0 &&
		    (!version || strcmp(s->res[j].version, s->res[i].version) == 0) &&
		    nd_store_res_visible(s, &s->res[j]))
			return true;
	return false;
}

static void group_doc(const struct nd_store *s, const char *group, struct nd_buf *b)
{
	const char *preferred = NULL;
	bool first = true;
	size_t i;

	nd_buf_adds(b, "\"name\":");
	nd_buf_cstr(b, group);
	nd_buf_adds(b, ",\"versions\":[");
	for (i = 0; i < s->nres; i++) {
		const struct nd_sres *r = &s->res[i];

		if (strcmp(r->group, group) != 0 || !nd_store_res_visible(s, r) ||
		    seen_before(s, i, true))
			continue;
		if (!first)
			nd_buf_addc(b, ',');
		first = false;
		if (!preferred)
			preferred = r->version;
		nd_buf_printf(b, "{\"groupVersion\":\"%s/%s\",\"version\":\"%s\"}", group,
			       r->version, r->version);
	}
	nd_buf_printf(b, "],\"preferredVersion\":{\"groupVersion\":\"%s/%s\",\"version\":\"%s\"}",
		       group, preferred ? preferred : "", preferred ? preferred : "");
}

void nd_disc_apis(const struct nd_store *s, struct nd_buf *b)
{
	bool first = true;
	size_t i;

	nd_buf_adds(b, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
	for (i = 0; i < s->nres; i++) {
		const struct nd_sres *r = &s->res[i];

		if (!r->group[0] || !nd_store_res_visible(s, r) || seen_before(s, i, false))
			continue;
		nd_buf_adds(b, first ? "{" : ",{");
		first = false;
		group_doc(s, r->group, b);
		nd_buf_addc(b, '}');
	}
	nd_buf_adds(b, "]}");
}

int nd_disc_group(const struct nd_store *s, const char *group, struct nd_buf *b)
{
	if (!group[0] || !gv_visible(s, group, NULL))
		return -1;
	nd_buf_adds(b, "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",");
	group_doc(s, group, b);
	nd_buf_addc(b, '}');
	return 0;
}

static void str_array(struct nd_buf *b, const char *csv)
{
	const char *p = csv;

	nd_buf_addc(b, '[');
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (p != csv)
			nd_buf_addc(b, ',');
		nd_buf_str(b, p, n);
		p += n + (c ? 1 : 0);
	}
	nd_buf_addc(b, ']');
}

int nd_disc_resources(const struct nd_store *s, const char *group, const char *version,
		      bool writable, struct nd_buf *b)
{
	bool first = true;
	size_t i;

	if (!gv_visible(s, group, version))
		return -1;
	nd_buf_adds(b, "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":");
	if (group[0])
		nd_buf_printf(b, "\"%s/%s\"", group, version);
	else
		nd_buf_cstr(b, version);
	nd_buf_adds(b, ",\"resources\":[");
	for (i = 0; i < s->nres; i++) {
		const struct nd_sres *r = &s->res[i];

		if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0 ||
		    !nd_store_res_visible(s, r))
			continue;
		nd_buf_adds(b, first ? "{" : ",{");
		first = false;
		nd_buf_key(b, false, "name");
		nd_buf_cstr(b, r->plural);
		nd_buf_key(b, true, "singularName");
		nd_buf_cstr(b, r->singular ? r->singular : "");
		nd_buf_printf(b, ",\"namespaced\":%s", r->namespaced ? "true" : "false");
		nd_buf_key(b, true, "kind");
		nd_buf_cstr(b, r->kind);
		nd_buf_adds(b, writable && nd_overlay_writable(r)
				       ? ",\"verbs\":[\"create\",\"delete\",\"get\",\"list\"]"
				       : ",\"verbs\":[\"get\",\"list\"]");
		if (r->shortnames) {
			nd_buf_key(b, true, "shortNames");
			str_array(b, r->shortnames);
		}
		if (r->categories) {
			nd_buf_key(b, true, "categories");
			str_array(b, r->categories);
		}
		nd_buf_addc(b, '}');
	}
	nd_buf_adds(b, "]}");
	return 0;
}
