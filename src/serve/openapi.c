/* SPDX-License-Identifier: MIT */
#include "serve/openapi.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "serve/store.h"
#include "core/banned.h"

#define DOC_MAX (4u << 20)

static bool gv_served(const struct nd_store *s, const char *group, const char *version)
{
	size_t i;

	for (i = 0; i < s->nres; i++)
		if (strcmp(s->res[i].group, group) == 0 && strcmp(s->res[i].version, version) == 0 &&
		    nd_store_res_visible(s, &s->res[i]))
			return true;
	return false;
}

static void gvk(struct nd_buf *b, const struct nd_sres *r)
{
	nd_buf_adds(b, ",\"x-kubernetes-group-version-kind\":{\"group\":");
	nd_buf_cstr(b, r->group);
	nd_buf_adds(b, ",\"version\":");
	nd_buf_cstr(b, r->version);
	nd_buf_adds(b, ",\"kind\":");
	nd_buf_cstr(b, r->kind);
	nd_buf_addc(b, '}');
}

static void query_param(struct nd_buf *b, bool comma, const char *name)
{
	if (comma)
		nd_buf_addc(b, ',');
	nd_buf_adds(b, "{\"name\":");
	nd_buf_cstr(b, name);
	nd_buf_adds(b, ",\"in\":\"query\",\"schema\":{\"type\":\"string\",\"uniqueItems\":true}}");
}

static void path_item(struct nd_buf *b, const struct nd_sres *r)
{
	const char *ops[] = {"get", "patch"};
	size_t i;

	nd_buf_addc(b, '"');
	if (r->group[0])
		nd_buf_printf(b, "/apis/%s/%s", r->group, r->version);
	else
		nd_buf_printf(b, "/api/%s", r->version);
	if (r->namespaced)
		nd_buf_adds(b, "/namespaces/{namespace}");
	nd_buf_printf(b, "/%s/{name}\":{", r->plural);
	for (i = 0; i < 2; i++) {
		if (i)
			nd_buf_addc(b, ',');
		nd_buf_printf(b, "\"%s\":{\"operationId\":\"%s%s%s\",\"x-kubernetes-action\":\"%s\"",
			       ops[i], ops[i], r->namespaced ? "Namespaced" : "", r->kind, ops[i]);
		gvk(b, r);
		nd_buf_adds(b, ",\"parameters\":[");
		if (i == 1) {
			query_param(b, false, "dryRun");
			query_param(b, true, "fieldManager");
			query_param(b, true, "fieldValidation");
			query_param(b, true, "force");
		}
		nd_buf_adds(b, "],\"responses\":{\"200\":{\"description\":\"OK\"}}}");
	}
	nd_buf_addc(b, '}');
}

int nd_openapi_gv(const struct nd_store *s, const char *group, const char *version,
		  struct nd_buf *b)
{
	bool first = true;
	size_t i;

	if (!gv_served(s, group, version))
		return -1;
	nd_buf_adds(b, "{\"openapi\":\"3.0.0\",\"info\":{\"title\":\"Kubernetes\",\"version\":");
	nd_buf_cstr(b, s->kube_version[0] == 'v' ? s->kube_version : "v1.31.0");
	nd_buf_adds(b, "},\"paths\":{");
	for (i = 0; i < s->nres; i++) {
		const struct nd_sres *r = &s->res[i];

		if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0 ||
		    !nd_store_res_visible(s, r))
			continue;
		if (!first)
			nd_buf_addc(b, ',');
		first = false;
		path_item(b, r);
	}
	nd_buf_adds(b, "},\"components\":{\"schemas\":{}}}");
	return 0;
}

/* FNV-1a, 64 bits: names a document's version for caches, not a security digest. */
static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* True when res[i]'s group/version is visible and appeared (visible) before i. */
static bool seen_before(const struct nd_store *s, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(s->res[j].group, s->res[i].group) == 0 &&
		    strcmp(s->res[j].version, s->res[i].version) == 0 &&
		    nd_store_res_visible(s, &s->res[j]))
			return true;
	return false;
}

void nd_openapi_root(const struct nd_store *s, struct nd_buf *b)
{
	bool first = true;
	size_t i;

	nd_buf_adds(b, "{\"paths\":{");
	for (i = 0; i < s->nres; i++) {
		const struct nd_sres *r = &s->res[i];
		struct nd_buf d = ND_BUF_INIT(DOC_MAX);
		char key[256];

		if (!nd_store_res_visible(s, r) || seen_before(s, i))
			continue;
		if (r->group[0])
			snprintf(key, sizeof(key), "apis/%s/%s", r->group, r->version);
		else
			snprintf(key, sizeof(key), "api/%s", r->version);
		nd_openapi_gv(s, r->group, r->version, &d);
		if (!first)
			nd_buf_addc(b, ',');
		first = false;
		nd_buf_cstr(b, key);
		nd_buf_printf(b, ":{\"serverRelativeURL\":\"/openapi/v3/%s?hash=%016llX\"}", key,
			       (unsigned long long)fnv1a(d.p ? d.p : "", d.len));
		nd_buf_release(&d);
	}
	nd_buf_adds(b, "}}");
}
