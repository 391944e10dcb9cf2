/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for serve --writable's creates (serve/overlay.h): the
 * input is a collection path on its first line and the POST body after it,
 * dryRun=All when the path line ends in " dry". Over the policy bundle's
 * store, with a fresh overlay per input. Every answer is a known status with
 * a JSON body; a 201 is an object with the kind, name, uid and
 * resourceVersion filled, which a GET then finds (unless dry) and a DELETE
 * removes (200), after which the GET is 404 and the DELETE too.
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
#include "serve/overlay.h"
#include "serve/store.h"
#include "policy_bundle.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int codes[] = {200, 201, 400, 403, 404, 405, 409, 413, 422, 500};

/* The answer's status; its JSON parsed into root from a (kept there), or only checked. */
static int ask(struct nd_api *api, const char *method, const char *path, const char *body,
	       size_t len, const char *dry, struct nd_arena *a, struct nd_json *root)
{
	struct nd_api_req rq = {.method = method, .path = path, .user = "fuzz", .body = body,
				.body_len = len, .dry_run = dry};
	struct nd_arena *own = a ? a : nd_arena_new(0);
	struct nd_api_resp rs;
	struct nd_json tmp;
	struct nd_err e;
	bool known = false;
	uint64_t total;
	char *out;

	nd_api_handle(api, &rq, &rs);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		known |= rs.code == codes[i];
	if (!known || !rs.body || !rs.content_type || strcmp(rs.content_type, "application/json"))
		__builtin_trap();
	total = nd_body_size(rs.body);
	out = nd_arena_alloc(own, (size_t)total + 1);
	if (nd_body_read(rs.body, 0, out, (size_t)total) != (long)total)
		__builtin_trap();
	out[total] = '\0';
	nd_body_free(rs.body);
	if (nd_json_parse(out, (size_t)total, 0, own, root ? root : &tmp, &e) < 0) {
		fprintf(stderr, "not JSON (%s): %.*s\n", e.msg, (int)(total < 400 ? total : 400), out);
		__builtin_trap();
	}
	if (!a)
		nd_arena_free(own);
	return rs.code;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_api api = {0};
	struct nd_arena *a;
	struct nd_json root;
	char *s, *nl, path[1200], obj[2600];
	const char *dry = NULL, *name;
	size_t plen;
	int code;

	if (size > 65536)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	nl = memchr(s, '\n', size);
	plen = nl ? (size_t)(nl - s) : size;
	if (plen >= sizeof(path) - 8) {
		free(s);
		return 0;
	}
	memcpy(path, s, plen);
	path[plen] = '\0';
	if (plen > 4 && strcmp(path + plen - 4, " dry") == 0) {
		path[plen - 4] = '\0';
		dry = "All";
	}
	api.s = fuzz_policy_store();
	api.server = "127.0.0.1:6443";
	api.ov = nd_overlay_new(api.s);
	a = nd_arena_new(0);
	code = ask(&api, "POST", path, nl ? nl + 1 : "", nl ? size - plen - 1 : 0, dry, a, &root);
	if (code == 201) {
		const char *uid = nd_json_str(nd_json_path(&root, "metadata", "uid", NULL));
		const char *rv = nd_json_str(nd_json_path(&root, "metadata", "resourceVersion", NULL));

		name = nd_json_str(nd_json_path(&root, "metadata", "name", NULL));
		if (!nd_json_str(nd_json_get(&root, "kind")) || !name || !uid || strlen(uid) != 36 ||
		    !rv || !nd_json_str(nd_json_path(&root, "metadata", "creationTimestamp", NULL)))
			__builtin_trap();
		if (snprintf(obj, sizeof(obj), "%s/%s", path, name) < (int)sizeof(obj)) {
			int want = dry ? 404 : 200;

			if (ask(&api, "GET", obj, NULL, 0, NULL, NULL, NULL) != want ||
			    ask(&api, "GET", path, NULL, 0, NULL, NULL, NULL) != 200 ||
			    ask(&api, "DELETE", obj, NULL, 0, NULL, NULL, NULL) != (dry ? 404 : 200) ||
			    ask(&api, "GET", obj, NULL, 0, NULL, NULL, NULL) != 404 ||
			    ask(&api, "DELETE", obj, NULL, 0, NULL, NULL, NULL) != 404)
				__builtin_trap();
		}
	}
	nd_arena_free(a);
	nd_overlay_free(api.ov);
	free(s);
	return 0;
}
