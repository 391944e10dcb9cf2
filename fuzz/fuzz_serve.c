/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for `serve`'s request routing (serve/api.h,
 * nd_api_handle): the path, the query parameters that matter and the
 * Accept header, over a store loaded once from tests/bundles/policy (pods,
 * services, RBAC objects, NetworkPolicies). The input is up to nine lines:
 * method, decoded path, labelSelector, fieldSelector, limit, continue,
 * watch, Accept, includeObject (a line left out is a parameter not given).
 * Every answer must be a known status with a body read back whole in
 * pieces of varying size, the same bytes again from a later offset, and,
 * when it says application/json, valid JSON.
 */
#include "serve/api.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "serve/store.h"
#include "policy_bundle.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY (16u << 20)

static struct nd_store *store;
static struct nd_api api;
static const char *const forbid[] = {"configmaps"};

static void setup(void)
{
	if (api.s)
		return;
	store = fuzz_policy_store();
	api.s = store;
	api.server = "127.0.0.1:6443";
	api.forbid = forbid;
	api.nforbid = 1;
	api.rbac = nd_serve_rbac_new(store);
}

static const int codes[] = {200, 201, 400, 403, 404, 405, 413, 422, 500};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[9] = {NULL};
	struct nd_api_req rq = {0};
	struct nd_api_resp rs;
	char *s, *p, *out;
	uint64_t total, pos = 0;
	size_t nf = 0, step = 1;
	bool known = false;

	setup();

	if (size > 8192)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	for (p = s; nf < 9; nf++) {
		char *nl = strchr(p, '\n');

		f[nf] = p;
		if (!nl) {
			nf++;
			break;
		}
		*nl = '\0';
		p = nl + 1;
	}
	rq.method = f[0] ? f[0] : "GET";
	rq.path = f[1] ? f[1] : "/";
	rq.label_selector = f[2];
	rq.field_selector = f[3];
	rq.limit = f[4];
	rq.cont = f[5];
	rq.watch = f[6];
	rq.accept = f[7];
	rq.include_object = f[8];
	rq.user = "alice@example.com";
	rq.body = "";
	nd_api_handle(&api, &rq, &rs);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		known |= rs.code == codes[i];
	if (!known || !rs.body || !rs.content_type)
		__builtin_trap();
	total = nd_body_size(rs.body);
	if (total > MAX_BODY) {     /* a whole list of the bundle stays far below */
		nd_body_free(rs.body);
		free(s);
		return 0;
	}
	out = malloc((size_t)total + 1);
	while (pos < total) {
		long n = nd_body_read(rs.body, pos, out + pos, step);

		if (n <= 0)
			__builtin_trap();
		pos += (uint64_t)n;
		step = step * 7 % 4093 + 1;
	}
	if (nd_body_read(rs.body, total, out, 1) != 0)
		__builtin_trap();
	if (total > 1) {
		uint64_t at = size % total;
		char *again = malloc((size_t)(total - at));
		long n = nd_body_read(rs.body, at, again, (size_t)(total - at));

		if (n != (long)(total - at) || memcmp(again, out + at, (size_t)n) != 0)
			__builtin_trap();
		free(again);
	}
	if (strcmp(rs.content_type, "application/json") == 0) {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_json root;
		struct nd_err e;

		if (nd_json_parse(out, (size_t)total, 0, a, &root, &e) < 0) {
			fprintf(stderr, "not JSON (%s): %.*s\n", e.msg, (int)(total < 400 ? total : 400),
				out);
			__builtin_trap();
		}
		nd_arena_free(a);
	}
	free(out);
	nd_body_free(rs.body);
	free(s);
	return 0;
}
