/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for `serve`'s store and its spool (serve/store.h): the
 * input is one bundle file, cluster/objects.json of a private bundle
 * folder (a List, a single object, a stream of objects or anything else),
 * loaded by nd_store_load() as `serve` loads a bundle. Every object kept
 * is read back from the spool and must be a JSON object with kind,
 * apiVersion and the metadata.name (and namespace, for a namespaced
 * resource) its index entry holds; nd_store_get() must find each one; a
 * list of every resource with objects is answered with valid JSON.
 */
#include "serve/store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "serve/api.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[256], cluster[300], file[340];

static void cleanup(void)
{
	unlink(file);
	rmdir(cluster);
	rmdir(top);
}

/* On the first input: the replay driver of make check calls no LLVMFuzzerInitialize. */
static void setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	if (top[0])
		return;
	snprintf(top, sizeof(top), "%s/nd-fuzz-store.XXXXXX", base);
	if (!mkdtemp(top))
		abort();
	snprintf(cluster, sizeof(cluster), "%s/cluster", top);
	snprintf(file, sizeof(file), "%s/objects.json", cluster);
	if (mkdir(cluster, 0700) < 0)
		abort();
	atexit(cleanup);
}

static void check_json(const char *p, size_t n, struct nd_arena *a, struct nd_json *root)
{
	struct nd_err e;

	if (nd_json_parse(p, n, 0, a, root, &e) < 0) {
		fprintf(stderr, "not JSON (%s): %.*s\n", e.msg, (int)(n < 400 ? n : 400), p);
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nd_store_opts o = {.spool_dir = top, .max_objects = 5000,
					.max_item = 256u << 10};
	struct nd_store *s;
	struct nd_arena *a;
	struct nd_err e;
	char *buf = NULL;
	size_t cap = 0;
	FILE *f;

	setup();
	f = fopen(file, "w");
	if (!f)
		abort();
	if (size)
		fwrite(data, 1, size, f);
	if (fclose(f) != 0)
		abort();
	if (nd_store_load(top, &o, &s, &e) < 0) {
		if (!e.msg[0])
			__builtin_trap();
		return 0;
	}
	a = nd_arena_new(0);
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct nd_sobj *ob = &s->objs[i];
		const struct nd_sres *r = &s->res[ob->res];
		const struct nd_json *meta;
		const char *name, *ns;
		struct nd_json root;

		if ((size_t)ob->len + 1 > cap) {
			cap = (size_t)ob->len + 1;
			buf = realloc(buf, cap);
		}
		if (nd_store_read(s, ob, 0, buf, ob->len) != (long)ob->len)
			__builtin_trap();
		nd_arena_reset(a);
		check_json(buf, ob->len, a, &root);
		meta = nd_json_get(&root, "metadata");
		name = nd_json_str(nd_json_get(meta, "name"));
		ns = nd_json_str(nd_json_get(meta, "namespace"));
		if (root.type != ND_JOBJ || !nd_json_str(nd_json_get(&root, "kind")) ||
		    !nd_json_str(nd_json_get(&root, "apiVersion")) || !name ||
		    strcmp(name, ob->name) != 0 ||
		    (r->namespaced && ob->ns[0] && (!ns || strcmp(ns, ob->ns) != 0)))
			__builtin_trap();
	}
	for (size_t i = 0; i < s->nres; i++) {
		const struct nd_sres *r = &s->res[i];
		struct nd_api api = {.s = s, .server = "127.0.0.1:6443"};
		struct nd_api_req rq = {.method = "GET", .user = "fuzz", .limit = "3"};
		struct nd_api_resp rs;
		char path[1200];
		uint64_t total;

		for (uint32_t j = 0; j < r->nobjs; j++) {
			const struct nd_sobj *ob = &s->objs[r->objs[j]];

			if (nd_store_get(s, r, ob->ns, ob->name) == NULL)
				__builtin_trap();
		}
		if (!r->nobjs || r->forbidden || strchr(r->plural, '/') || strchr(r->group, '/') ||
		    strchr(r->version, '/'))
			continue;
		if (r->group[0])
			snprintf(path, sizeof(path), "/apis/%s/%s/%s", r->group, r->version, r->plural);
		else
			snprintf(path, sizeof(path), "/api/%s/%s", r->version, r->plural);
		rq.path = path;
		nd_api_handle(&api, &rq, &rs);
		total = nd_body_size(rs.body);
		if (total + 1 > cap) {
			cap = (size_t)total + 1;
			buf = realloc(buf, cap);
		}
		if (nd_body_read(rs.body, 0, buf, (size_t)total) != (long)total)
			__builtin_trap();
		nd_arena_reset(a);
		{
			struct nd_json root;

			check_json(buf, (size_t)total, a, &root);
		}
		nd_body_free(rs.body);
	}
	nd_arena_free(a);
	free(buf);
	nd_store_free(s);
	return 0;
}
