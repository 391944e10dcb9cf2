/* SPDX-License-Identifier: MIT */
/*
 * collect --nodes (collect.h): the fleet agents' node files into the
 * bundle's nodes/<node>/..., and their logs into logs/<namespace>/<pod>.log
 * (so `serve` replays them for `fleet report`).
 */
#include "k8s/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/err.h"
#include "core/json.h"
#include "node/nodefiles.h"
#include "core/banned.h"
#include "core/i18n.h"

#define AGENT_SELECTOR "app.kubernetes.io%2Fname%3Dnetdiag%2Capp.kubernetes.io%2Fcomponent%3Dagent"
#define LINE_PREFIX "{\"schema\":\"netdiag/v1\""

const char *nd_agent_last_line(const char *log, size_t len, size_t *linelen)
{
	size_t end = len, plen = strlen(LINE_PREFIX);

	while (end > 0) {
		size_t start = end;

		while (start > 0 && log[start - 1] != '\n')
			start--;
		if (end - start >= plen && memcmp(log + start, LINE_PREFIX, plen) == 0) {
			size_t n = end - start;

			while (n && (log[start + n - 1] == '\r' || log[start + n - 1] == '\n'))
				n--;
			*linelen = n;
			return log + start;
		}
		end = start ? start - 1 : 0;
	}
	return NULL;
}

struct agents {
	char **pod, **node;
	size_t n, cap;
};

static bool segment_ok(const char *s)
{
	return s && *s && strlen(s) < 254 && !strchr(s, '/') && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0;
}

static int on_pod(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		  struct nd_err *e)
{
	struct agents *ag = ctx;
	const char *name = nd_json_str(nd_json_path(obj, "metadata", "name", NULL));
	const char *node = nd_json_str(nd_json_path(obj, "spec", "nodeName", NULL));

	if (!segment_ok(name) || !segment_ok(node))
		return 0;      /* not scheduled: no node to collect */
	if (ag->n == ag->cap) {
		ag->cap = ag->cap ? ag->cap * 2 : 64;
		ag->pod = nd_xrealloc(ag->pod, ag->cap * sizeof(*ag->pod));
		ag->node = nd_xrealloc(ag->node, ag->cap * sizeof(*ag->node));
	}
	ag->pod[ag->n] = nd_xstrdup(name);
	ag->node[ag->n++] = nd_xstrdup(node);
	return 0;
}

/* mkdir -p of the folders of path below base (base exists). */
static int mkdirs(const char *base, const char *rel, struct nd_err *e)
{
	char p[4096];
	size_t bl = strlen(base);

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", base, rel) >= sizeof(p))
		return nd_err_set(e, _("path too long: '%s/%s'"), base, rel);
	for (char *s = p + bl + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return nd_err_set(e, _("cannot create '%s': %s"), p, strerror(errno));
		*s = '/';
	}
	return 0;
}

static int write_file(const char *base, const char *rel, const void *data, size_t len,
		      int64_t mtime, struct nd_err *e)
{
	char p[4096];
	int fd;

	if (mkdirs(base, rel, e) < 0)
		return -1;
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", base, rel) >= sizeof(p))
		return nd_err_set(e, _("path too long: '%s/%s'"), base, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nd_err_set(e, _("cannot create '%s': %s"), p, strerror(errno));
	if (len && write(fd, data, len) != (ssize_t)len) {
		nd_err_set(e, _("cannot write '%s': %s"), p, strerror(errno));
		close(fd);
		return -1;
	}
	if (mtime > 0) {
		struct timespec ts[2] = {{(time_t)mtime, 0}, {(time_t)mtime, 0}};

		futimens(fd, ts);
	}
	if (close(fd) < 0)
		return nd_err_set(e, _("cannot write '%s': %s"), p, strerror(errno));
	return 0;
}

struct run {
	const char *out, *ns;
	struct agents *ag;
	struct nd_collect_nodes_stats *st;
};

/* The node files of one agent's line into out/nodes/<node>/. */
static void node_files(struct run *rn, const char *node, const char *line, size_t n)
{
	struct nd_arena *a = nd_arena_new(n + 4096);
	const struct nd_json *files;
	struct nd_json root;
	struct nd_err e;
	char base[4096];

	if (nd_json_parse(line, n, 0, a, &root, &e) < 0) {
		fprintf(stderr, _("netdiag collect: node '%s': the agent's line is not JSON: %s\n"), node,
			e.msg);
		rn->st->failed++;
		goto out;
	}
	files = nd_json_path(&root, "node_files", "files", NULL);
	if (!nd_json_is(files, ND_JARR)) {
		fprintf(stderr, _("netdiag collect: node '%s': the agent ran without --raw-files: no "
			"node files\n"), node);
		rn->st->failed++;
		goto out;
	}
	snprintf(base, sizeof(base), "%s/nodes/%s", rn->out, node);
	for (uint32_t i = 0; i < files->n; i++) {
		const struct nd_json *f = &files->u.items[i];
		const char *path = nd_json_str(nd_json_get(f, "path"));
		const struct nd_json *b64 = nd_json_get(f, "base64");
		int64_t mtime = 0;
		unsigned char *data;
		size_t len;

		if (!nd_node_file_path_ok(path) || !nd_json_is(b64, ND_JSTR)) {
			fprintf(stderr, _("netdiag collect: node '%s': file %u: path '%s' is not one of a "
				"bundle's node files; skipped\n"), node, i, path ? path : "?");
			continue;
		}
		nd_json_i64(nd_json_get(f, "mtime"), 0, INT64_MAX, &mtime);
		data = nd_xmalloc(b64->n / 4 * 3 + 3);
		if (nd_b64_decode(b64->u.s, b64->n, data, b64->n / 4 * 3 + 3, &len) < 0) {
			fprintf(stderr, _("netdiag collect: node '%s': '%s' is not valid base64; "
				"skipped\n"), node, path);
		} else if (mkdirs(rn->out, nd_arena_printf(a, "nodes/%s/x", node), &e) < 0 ||
			   write_file(base, path, data, len, mtime, &e) < 0) {
			fprintf(stderr, "netdiag collect: %s\n", e.msg);
		} else {
			rn->st->files++;
		}
		free(data);
	}
	rn->st->nodes++;
out:
	nd_arena_free(a);
}

static void got(void *ctx, size_t i, const char *body, size_t len, bool cut,
		const struct nd_api_error *ae)
{
	struct run *rn = ctx;
	const char *pod = rn->ag->pod[i], *node = rn->ag->node[i], *line;
	char rel[600];
	struct nd_err e;
	size_t n;

	if (!body) {
		fprintf(stderr, "netdiag collect: node '%s': %s\n", node, ae->message);
		rn->st->failed++;
		return;
	}
	snprintf(rel, sizeof(rel), "logs/%s/%s.log", rn->ns, pod);
	if (write_file(rn->out, rel, body, len, 0, &e) < 0)
		fprintf(stderr, "netdiag collect: %s\n", e.msg);
	else
		rn->st->logs++;
	line = nd_agent_last_line(body, len, &n);
	if (!line) {
		fprintf(stderr, _("netdiag collect: node '%s': no netdiag/v1 line in pod %s/%s's log%s\n"),
			node, rn->ns, pod, cut ? " (cut at its bound)" : "");
		rn->st->failed++;
		return;
	}
	node_files(rn, node, line, n);
}

int nd_collect_nodes(struct nd_live *lv, const char *ns, const char *out, size_t log_max,
		     int64_t deadline_ms, struct nd_collect_nodes_stats *st, struct nd_err *e)
{
	struct nd_live_kind k = {ND_K_POD, NULL, "v1", "Pod", "pods"};
	struct nd_live_get_opts go = {0};
	struct agents ag = {0};
	struct run rn = {out, ns, &ag, st};
	char **paths = NULL;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (!segment_ok(ns))
		return nd_err_set(e, _("namespace '%s' is not a namespace name"), ns);
	{
		char path[512];

		snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods?labelSelector=%s", ns,
			 AGENT_SELECTOR);
		k.path = path;
		if (nd_live_list(lv, &k, 1, on_pod, &ag, e) < 0 || k.state != ND_LIVE_OK) {
			if (k.state != ND_LIVE_OK)
				nd_err_set(e, "%s", k.err.message);
			goto out;
		}
	}
	st->agents = ag.n;
	paths = nd_xcalloc(ag.n ? ag.n : 1, sizeof(*paths));
	for (size_t i = 0; i < ag.n; i++) {
		char p[1024];

		snprintf(p, sizeof(p), "/api/v1/namespaces/%s/pods/%s/log?container=agent&tailLines=50"
			 "&limitBytes=%zu", ns, ag.pod[i], log_max);
		paths[i] = nd_xstrdup(p);
	}
	go.max = log_max + 1024;
	go.deadline_ms = deadline_ms;
	if (ag.n)
		nd_live_get_many(lv, (const char *const *)paths, ag.n, &go, got, &rn);
	rc = 0;
out:
	for (size_t i = 0; i < ag.n; i++) {
		free(ag.pod[i]);
		free(ag.node[i]);
		if (paths)
			free(paths[i]);
	}
	free(ag.pod);
	free(ag.node);
	free(paths);
	return rc;
}
