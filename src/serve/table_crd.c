/* SPDX-License-Identifier: MIT */
/*
 * The Table of a custom resource, from its CustomResourceDefinition in the
 * bundle, as apiextensions-apiserver prints it: Name, then the
 * additionalPrinterColumns of the served version (Age from
 * .metadata.creationTimestamp when it lists none). Each cell is the first
 * value its JSONPath finds, as the column's type says: a "string" column
 * shows the value as text (objects and lists as JSON), "integer", "number"
 * and "boolean" pass the JSON value, "date" shows its age ("<invalid>" when
 * it is not a time); a path that finds nothing, or a value of the wrong
 * type, gives a null cell (kubectl prints it empty).
 *
 * JSONPath here is the subset printer columns use: .field (with "\." inside
 * a name), [N], ['name'] and [*] (its first element). A path with filters,
 * slices or recursive descent finds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "serve/store.h"
#include "serve/table.h"
#include "serve/table_int.h"
#include "core/banned.h"

#define MAX_COLS 64
#define MAX_CRD (4u << 20)

/* the member key of o, NULL when o is not an object or lacks it */
static const struct nd_json *member(const struct nd_json *o, const char *k, size_t kl)
{
	if (!o || o->type != ND_JOBJ)
		return NULL;
	for (uint32_t i = 0; i < o->n; i++)
		if (o->u.members[i].klen == kl && !memcmp(o->u.members[i].key, k, kl))
			return &o->u.members[i].val;
	return NULL;
}

/* Follow path from v; NULL when it finds nothing or uses what is not supported. */
static const struct nd_json *follow(const struct nd_json *v, const char *p)
{
	char name[256];

	while (v && *p) {
		size_t n = 0;

		if (*p == '.') {
			p++;
			if (*p == '.')
				return NULL;      /* recursive descent */
			while (*p && *p != '.' && *p != '[') {
				if (*p == '\\' && p[1])
					p++;
				if (n + 1 >= sizeof(name))
					return NULL;
				name[n++] = *p++;
			}
			if (!n)
				return NULL;
			v = member(v, name, n);
		} else if (*p == '[') {
			const char *end = strchr(p, ']');

			if (!end)
				return NULL;
			if (p[1] == '\'' || p[1] == '"') {
				if (end - p < 3 || end[-1] != p[1] || (size_t)(end - p - 3) >= sizeof(name))
					return NULL;
				n = (size_t)(end - p - 3);
				memcpy(name, p + 2, n);
				v = member(v, name, n);
			} else if (p[1] == '*' && end == p + 2) {
				v = v->type == ND_JARR && v->n ? &v->u.items[0] : NULL;
			} else {
				char *stop;
				long idx = strtol(p + 1, &stop, 10);

				if (stop != end || p + 1 == end || v->type != ND_JARR)
					return NULL;
				if (idx < 0)
					idx += (long)v->n;
				v = idx >= 0 && (unsigned long)idx < v->n ? &v->u.items[idx] : NULL;
			}
			p = end + 1;
		} else {
			return NULL;
		}
	}
	return v;
}

static void null_cell(struct nd_trow *t)
{
	nd_tcell_raw(t, "null", 4);
}

void nd_tcrd_row(struct nd_trow *t, const struct nd_tcrd *c, const struct nd_json *obj)
{
	name_cell(t, obj);
	for (size_t i = 1; i < c->p.ncols; i++) {
		const struct nd_json *v = follow(obj, c->paths[i]);
		const char *ty = c->p.cols[i].type;

		if (!v || v->type == ND_JNULL) {
			null_cell(t);
		} else if (!strcmp(ty, "string")) {
			struct nd_buf b = ND_BUF_INIT(1 << 20);

			if (v->type == ND_JSTR)
				nd_buf_adds(&b, v->u.s);
			else if (v->type == ND_JNUM)
				nd_buf_add(&b, v->u.s, v->n);
			else if (v->type == ND_JTRUE || v->type == ND_JFALSE)
				nd_buf_adds(&b, v->type == ND_JTRUE ? "true" : "false");
			else
				nd_buf_json(&b, v);
			buf_cell(t, &b);
		} else if (!strcmp(ty, "integer") && v->type == ND_JNUM) {
			int64_t n;

			if (nd_json_i64(v, INT64_MIN, INT64_MAX, &n) == 0)
				nd_tcell_int(t, n);
			else
				nd_tcell_int(t, (int64_t)strtod(v->u.s, NULL));
		} else if (!strcmp(ty, "number") && v->type == ND_JNUM) {
			nd_tcell_raw(t, v->u.s, v->n);
		} else if (!strcmp(ty, "boolean") && (v->type == ND_JTRUE || v->type == ND_JFALSE)) {
			nd_tcell_bool(t, v->type == ND_JTRUE);
		} else if (!strcmp(ty, "date") && v->type == ND_JSTR) {
			if (nd_ttime(v))
				nd_tcell_age(t, v);
			else
				nd_tcell_str(t, "<invalid>");
		} else {
			null_cell(t);
		}
	}
}

/* the served version's printer columns of the CRD object, or NULL */
static const struct nd_json *columns_of(const struct nd_json *crd, const char *version)
{
	const struct nd_json *vs = get(get(crd, "spec"), "versions");

	for (size_t i = 0; i < len_of(vs); i++) {
		const char *n = nd_tstr(at(vs, i), "name");

		if (n && !strcmp(n, version))
			return get(at(vs, i), "additionalPrinterColumns");
	}
	return NULL;
}

int nd_tcrd_from(const struct nd_json *crd, const char *version, struct nd_arena *a,
		 struct nd_tcrd *out)
{
	const struct nd_json *cols = columns_of(crd, version);
	size_t n = len_of(cols) < MAX_COLS ? len_of(cols) : MAX_COLS, k = 0;
	struct nd_tcol *tc = nd_arena_alloc(a, (n + 2) * sizeof(*tc));

	out->paths = nd_arena_alloc(a, (n + 2) * sizeof(*out->paths));
	tc[0] = (struct nd_tcol)NAME_COL;
	out->paths[0] = ".metadata.name";
	for (size_t i = 0; i < n; i++) {
		const struct nd_json *c = at(cols, i);
		const char *cn = nd_tstr(c, "name"), *path = nd_tstr(c, "jsonPath");
		const char *d = nd_tstr(c, "description");
		size_t pl;

		if (!cn || !path)
			continue;
		k++;
		tc[k].name = cn;
		tc[k].type = or(nd_tstr(c, "type"), "string");
		tc[k].format = or(nd_tstr(c, "format"), "");
		tc[k].priority = (int)nd_tint(c, "priority", 0);
		tc[k].desc = d && *d ? d : nd_arena_printf(a, "Custom resource definition column "
							 "(in JSONPath format): %s", path);
		/* the API server parses "{" path "}"; a path written with braces is the same */
		pl = strlen(path);
		if (pl >= 2 && path[0] == '{' && path[pl - 1] == '}')
			path = nd_arena_strndup(a, path + 1, pl - 2);
		out->paths[k] = path;
	}
	if (!k) {
		/* serveDefaultColumnsIfEmpty */
		tc[1] = (struct nd_tcol){"Age", "date", "", 0, AGE_COL_DESC};
		out->paths[1] = ".metadata.creationTimestamp";
		k = 1;
	}
	out->p = (struct nd_tprinter){"", "", tc, k + 1, NULL};
	return 0;
}

int nd_tcrd_find(const struct nd_store *s, const struct nd_sres *r, struct nd_arena *a,
		 struct nd_tcrd *out)
{
	const struct nd_sres *cr = nd_store_resource(s, "apiextensions.k8s.io", "v1",
						     "customresourcedefinitions");
	const struct nd_sobj *o;
	struct nd_json *doc;
	struct nd_err e;
	char *raw;

	if (!cr || !r->group[0])
		return -1;
	o = nd_store_get(s, cr, "", nd_arena_printf(a, "%s.%s", r->plural, r->group));
	if (!o || o->len > MAX_CRD)
		return -1;
	raw = nd_arena_alloc(a, o->len ? o->len : 1);
	doc = nd_arena_alloc(a, sizeof(*doc));
	if (nd_store_read(s, o, 0, raw, o->len) != (long)o->len ||
	    nd_json_parse(raw, o->len, 0, a, doc, &e) < 0 || doc->type != ND_JOBJ)
		return -1;
	nd_tcrd_from(doc, r->version, a, out);
	out->p.group = r->group;
	out->p.plural = r->plural;
	return 0;
}
