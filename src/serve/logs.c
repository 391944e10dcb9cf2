/* SPDX-License-Identifier: MIT */
/* pods/{name}/log replayed from the bundle's logs/ folder (api.h, nd_api_pod_log). */
#include "serve/api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"
#include "core/num.h"
#include "core/banned.h"

#define LOG_FILE_MAX (256u << 20)

static void status(struct nd_api_resp *out, int code, const char *reason, const char *msg)
{
	out->code = code;
	out->content_type = "application/json";
	out->body = nd_api_status(code, reason, msg, NULL, NULL);
}

/* A name that is one path segment (no '/', not '.' or '..'). */
static bool segment_ok(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int param(const char *v, int64_t *out)
{
	*out = -1;
	return v ? nd_parse_i64(v, strlen(v), 0, INT64_MAX, out) : 0;
}

void nd_api_pod_log(const struct nd_api *api, const struct nd_api_req *rq, const char *ns,
		    const char *name, struct nd_api_resp *out)
{
	char path[4096], msg[600];
	int64_t tail, limit;
	char *buf = NULL;
	size_t len = 0, start = 0;
	struct nd_err e;

	if (param(rq->tail_lines, &tail) < 0 || param(rq->limit_bytes, &limit) < 0 ||
	    (rq->limit_bytes && limit == 0)) {
		status(out, 400, "BadRequest", rq->tail_lines && tail < 0
		       ? "tailLines: must be a non-negative integer"
		       : "limitBytes: must be a positive integer");
		return;
	}
	if (!api->logs_dir || !segment_ok(ns) || !segment_ok(name) ||
	    (rq->container && !segment_ok(rq->container))) {
		snprintf(msg, sizeof(msg), "no log of pod \"%s\" in the bundle (logs/%s/%s.log)", name,
			 ns, name);
		status(out, 404, "NotFound", msg);
		return;
	}
	path[0] = '\0';
	if (rq->container)
		snprintf(path, sizeof(path), "%s/%s/%s/%s.log", api->logs_dir, ns, name,
			 rq->container);
	if (!path[0] || access(path, F_OK) != 0)
		snprintf(path, sizeof(path), "%s/%s/%s.log", api->logs_dir, ns, name);
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		snprintf(msg, sizeof(msg), "no log of pod \"%s\" in the bundle (logs/%s/%s.log)", name,
			 ns, name);
		status(out, 404, "NotFound", msg);
		return;
	}
	if (nd_read_file(path, LOG_FILE_MAX, &buf, &len, &e) < 0) {
		status(out, 500, "InternalError", e.msg);
		return;
	}
	if (tail >= 0) {
		/* the last tail lines: a final line without '\n' counts as one */
		size_t i = len, lines = 0;

		if (i && buf[i - 1] == '\n')
			i--;
		while (i > 0) {
			if (buf[i - 1] == '\n' && ++lines == (size_t)tail)
				break;
			i--;
		}
		start = tail == 0 ? len : i;
	}
	if (limit > 0 && (uint64_t)limit < len - start)
		len = start + (size_t)limit;
	memmove(buf, buf + start, len - start);
	out->code = 200;
	out->content_type = "text/plain";
	out->body = nd_body_bytes(buf, len - start);
}
