/* SPDX-License-Identifier: MIT */
/*
 * Reader of the policy engines' case files (tests/cases/NAME.txt), shared by
 * test_netpol.c and test_rbac.c. Each case becomes one cmocka test.
 *
 *   # comment
 *   case NAME
 *   ns NAME [k=v,k=v]                       a Namespace (no automatic label: the engine adds it)
 *   node NAME IP                            a Node with that InternalIP
 *   pod NS/NAME IP [labels|-] [ports|-] [node=N] [host]
 *                                           a Running, ready pod; labels k=v,k=v;
 *                                           ports name:port/PROTO or port/PROTO, comma-separated
 *   obj {JSON}                              any Kubernetes object, one line
 *   expect ...                              a question and its answer (per engine)
 *   end
 *
 * Objects are decoded by the model's own decoders (the bundle path).
 */
#ifndef POLICY_CASES_H
#define POLICY_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/model.h"

#define PC_MAX_EXPECT 64

struct pc_case {
	char name[160];
	const char *file;
	int line;
	struct nd_model *m;
	char *expect[PC_MAX_EXPECT];
	int expect_line[PC_MAX_EXPECT];
	int nexpect;
};

static void pc_die(const char *file, int line, const char *msg, const char *extra)
{
	fprintf(stderr, "%s:%d: %s%s%s\n", file, line, msg, extra ? ": " : "", extra ? extra : "");
	exit(2);
}

static void pc_add_json(struct pc_case *c, const char *json, int line)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json v;
	struct nd_err e;

	if (nd_json_parse(json, strlen(json), 0, a, &v, &e) < 0)
		pc_die(c->file, line, e.msg, json);
	if (nd_model_add_object(c->m, &v, NULL, &e) < 0)
		pc_die(c->file, line, e.msg, json);
	nd_arena_free(a);
}

/* "k=v,k=v" as JSON members into out. */
static void pc_kv_json(char *out, size_t len, const char *kv)
{
	char tmp[1024];
	char *save = NULL, *tok;
	size_t n = 0;

	out[0] = '\0';
	if (!kv || strcmp(kv, "-") == 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s", kv);
	for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		n += (size_t)snprintf(out + n, len - n, "%s\"%s\":\"%s\"", n ? "," : "", tok, eq + 1);
	}
}

static void pc_ports_json(char *out, size_t len, const char *spec)
{
	char tmp[1024];
	char *save = NULL, *tok;
	size_t n = 0;

	out[0] = '\0';
	if (!spec || strcmp(spec, "-") == 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s", spec);
	for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':'), *slash;
		const char *name = NULL, *proto = "TCP";

		if (colon) {
			*colon = '\0';
			name = tok;
			tok = colon + 1;
		}
		slash = strchr(tok, '/');
		if (slash) {
			*slash = '\0';
			proto = slash + 1;
		}
		n += (size_t)snprintf(out + n, len - n, "%s{%s%s%s\"containerPort\":%s,\"protocol\":\"%s\"}",
				      n ? "," : "", name ? "\"name\":\"" : "", name ? name : "",
				      name ? "\"," : "", tok, proto);
	}
}

static char *pc_trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void pc_line(struct pc_case *c, char *s, int line)
{
	static char json[16384];
	char a[8][512];
	int n;

	memset(a, 0, sizeof(a));
	if (strncmp(s, "obj ", 4) == 0) {
		pc_add_json(c, s + 4, line);
		return;
	}
	if (strncmp(s, "expect ", 7) == 0) {
		if (c->nexpect >= PC_MAX_EXPECT)
			pc_die(c->file, line, "too many expect lines", NULL);
		c->expect_line[c->nexpect] = line;
		c->expect[c->nexpect++] = strdup(s + 7);
		return;
	}
	n = sscanf(s, "%511s %511s %511s %511s %511s %511s %511s", a[0], a[1], a[2], a[3], a[4],
		   a[5], a[6]);
	if (n >= 2 && strcmp(a[0], "ns") == 0) {
		char labels[2048];

		pc_kv_json(labels, sizeof(labels), n >= 3 ? a[2] : NULL);
		snprintf(json, sizeof(json), "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
			 "{\"name\":\"%s\",\"labels\":{%s}}}", a[1], labels);
	} else if (n >= 3 && strcmp(a[0], "node") == 0) {
		snprintf(json, sizeof(json), "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":"
			 "{\"name\":\"%s\"},\"status\":{\"addresses\":[{\"type\":\"InternalIP\","
			 "\"address\":\"%s\"}]}}", a[1], a[2]);
	} else if (n >= 3 && strcmp(a[0], "pod") == 0) {
		char labels[2048], ports[2048], ns[512], node[512] = "node-1";
		char *slash = strchr(a[1], '/');
		bool host = false;
		int i;

		if (!slash)
			pc_die(c->file, line, "pod needs NS/NAME", s);
		*slash = '\0';
		snprintf(ns, sizeof(ns), "%s", a[1]);
		pc_kv_json(labels, sizeof(labels), n >= 4 ? a[3] : NULL);
		pc_ports_json(ports, sizeof(ports), n >= 5 ? a[4] : NULL);
		for (i = 5; i < n; i++) {
			if (strncmp(a[i], "node=", 5) == 0)
				snprintf(node, sizeof(node), "%s", a[i] + 5);
			else if (strcmp(a[i], "host") == 0)
				host = true;
		}
		snprintf(json, sizeof(json), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
			 "{\"name\":\"%s\",\"namespace\":\"%s\",\"labels\":{%s}},\"spec\":{\"nodeName\":"
			 "\"%s\",\"hostNetwork\":%s,\"containers\":[{\"name\":\"c\",\"ports\":[%s]}]},"
			 "\"status\":{\"phase\":\"Running\",\"podIP\":\"%s\",\"podIPs\":[{\"ip\":\"%s\"}],"
			 "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
			 slash + 1, ns, labels, node, host ? "true" : "false", ports, a[2], a[2]);
	} else {
		pc_die(c->file, line, "unknown line", s);
	}
	pc_add_json(c, json, line);
}

/* Read every case of path; the count in *n. Exits on a malformed file. */
static struct pc_case *pc_load(const char *path, size_t *n)
{
	static char buf[65536];
	struct pc_case *v = NULL, *cur = NULL;
	size_t cap = 0;
	int line = 0;
	FILE *f = fopen(path, "r");

	*n = 0;
	if (!f)
		pc_die(path, 0, "cannot open the case file", NULL);
	while (fgets(buf, sizeof(buf), f)) {
		char *s = pc_trim(buf);

		line++;
		if (!*s || *s == '#')
			continue;
		if (strncmp(s, "case ", 5) == 0) {
			if (cur)
				pc_die(path, line, "case inside a case (missing end)", NULL);
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				v = realloc(v, cap * sizeof(*v));
			}
			cur = &v[(*n)++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->name, sizeof(cur->name), "%s", s + 5);
			cur->file = path;
			cur->line = line;
			cur->m = nd_model_new();
			continue;
		}
		if (!cur)
			pc_die(path, line, "line outside a case", s);
		if (strcmp(s, "end") == 0) {
			nd_model_finish(cur->m);
			cur = NULL;
			continue;
		}
		pc_line(cur, s, line);
	}
	fclose(f);
	if (cur)
		pc_die(path, line, "missing end", NULL);
	return v;
}

static void pc_free(struct pc_case *v, size_t n)
{
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		nd_model_free(v[i].m);
		for (j = 0; j < v[i].nexpect; j++)
			free(v[i].expect[j]);
	}
	free(v);
}

/* key=value out of a space-separated expect line; NULL when absent. */
static const char *pc_arg(const char *line, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=') {
			const char *v = p + kl + 1, *end = strchr(v, ' ');
			size_t n = end ? (size_t)(end - v) : strlen(v);

			if (n >= len)
				n = len - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return out;
		}
		p += kl;
	}
	return NULL;
}

static const char *pc_cases_dir(void)
{
	const char *top = getenv("TOP");
	static char dir[1024];

	snprintf(dir, sizeof(dir), "%s/tests/cases", top ? top : ".");
	return dir;
}

#endif
