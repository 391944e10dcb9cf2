/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the access-review bodies `serve` decodes
 * (serve/api.h, nd_sar_handle): the first byte picks SelfSubjectReview,
 * SelfSubjectAccessReview or SubjectAccessReview (and whether the body
 * passed the upload ceiling), the rest is the POSTed body, decided by the
 * RBAC engine over tests/bundles/policy's Roles and bindings. Every answer
 * must be a known status with a JSON body; a 201 must be the review asked
 * for, with status.allowed a boolean (or status.userInfo for whoami).
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

static struct nd_store *store;
static struct nd_api api;

static void setup(void)
{
	if (api.s)
		return;
	store = fuzz_policy_store();
	api.s = store;
	api.server = "127.0.0.1:6443";
	api.rbac = nd_serve_rbac_new(store);
	if (!api.rbac) {
		fprintf(stderr, "fuzz_sar: no RBAC objects in tests/bundles/policy\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"/apis/authentication.k8s.io/v1/selfsubjectreviews",
		"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		"/apis/authorization.k8s.io/v1/subjectaccessreviews",
	};
	static const char *const kinds[] = {"SelfSubjectReview", "SelfSubjectAccessReview",
					    "SubjectAccessReview"};
	static const char *const users[] = {"alice@example.com", "system:serviceaccount:shop:reader",
					    "bob"};
	struct nd_api_req rq = {0};
	struct nd_api_resp rs;
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err e;
	char *body, *out;
	uint64_t total;
	unsigned w;

	setup();

	if (size == 0 || size > (64u << 10))
		return 0;
	w = data[0] % 3;
	body = malloc(size);
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	rq.method = "POST";
	rq.path = paths[w];
	rq.user = users[(data[0] / 3) % 3];
	rq.body = body;
	rq.body_len = size - 1;
	rq.body_toobig = data[0] == 0xff;
	if (!nd_sar_path(rq.method, rq.path))
		__builtin_trap();
	nd_api_handle(&api, &rq, &rs);
	if (rs.code != 201 && rs.code != 400 && rs.code != 404 && rs.code != 413 &&
	    rs.code != 422 && rs.code != 500)
		__builtin_trap();
	total = nd_body_size(rs.body);
	out = malloc((size_t)total + 1);
	if (nd_body_read(rs.body, 0, out, (size_t)total) != (long)total)
		__builtin_trap();
	a = nd_arena_new(0);
	if (nd_json_parse(out, (size_t)total, 0, a, &root, &e) < 0) {
		fprintf(stderr, "not JSON (%s): %.*s\n", e.msg, (int)(total < 400 ? total : 400), out);
		__builtin_trap();
	}
	if (rs.code == 201) {
		const char *k = nd_json_str(nd_json_get(&root, "kind"));
		const struct nd_json *st = nd_json_get(&root, "status");

		if (!k || strcmp(k, kinds[w]) != 0 || !nd_json_is(st, ND_JOBJ))
			__builtin_trap();
		if (w == 0 ? !nd_json_is(nd_json_get(st, "userInfo"), ND_JOBJ)
			   : !(nd_json_is(nd_json_get(st, "allowed"), ND_JTRUE) ||
			       nd_json_is(nd_json_get(st, "allowed"), ND_JFALSE)))
			__builtin_trap();
	}
	nd_arena_free(a);
	free(out);
	nd_body_free(rs.body);
	free(body);
	return 0;
}
