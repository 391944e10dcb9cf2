/* SPDX-License-Identifier: MIT */
/* The DNS servers of a node under its root (nodedns.h). */
#include "node/nodedns.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "node/nodeenv.h"
#include "node/resolvconf.h"
#include "core/banned.h"

#define RESOLV_MAX (64u << 10)
#define MAX_LINKS 8

const char *nd_node_follow(const char *root, const char *rel, struct nd_arena *a)
{
	const char *p = nd_node_path(a, root, rel);

	for (int i = 0; i < MAX_LINKS; i++) {
		struct stat st;
		char t[PATH_MAX];
		ssize_t n;

		if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
			return p;
		n = readlink(p, t, sizeof(t) - 1);
		if (n < 0)
			return NULL;
		t[n] = '\0';
		if (t[0] == '/') {
			p = nd_node_path(a, root, t);
		} else {
			const char *sl = strrchr(p, '/');

			p = nd_arena_printf(a, "%.*s/%s", sl ? (int)(sl - p) : 1, sl ? p : ".", t);
		}
	}
	return p;
}

void nd_node_dns_add(struct nd_node_dns *out, struct nd_arena *a, const char *file,
		     const char *text, size_t len)
{
	struct nd_resolv rc;
	const char *dflt[1] = {"127.0.0.1"};
	const char *const *ns;
	size_t nns;

	if (out->nfiles < ND_NODE_DNS_FILES)
		out->files[out->nfiles++] = file;
	nd_resolv_parse(text, len, a, &rc);
	if (rc.bad && !out->bad) {
		out->bad_file = file;
		out->bad_line = rc.bad_line;
	}
	out->bad += rc.bad;
	ns = rc.nns ? rc.ns : dflt;
	nns = rc.nns ? rc.nns : 1;
	for (size_t i = 0; i < nns && out->n < ND_NODE_DNS_MAX; i++) {
		bool seen = false;

		for (size_t j = 0; j < out->n && !seen; j++)
			seen = strcmp(out->servers[j].addr, ns[i]) == 0;
		if (seen)
			continue;
		out->servers[out->n].addr = ns[i];
		out->servers[out->n].file = file;
		out->n++;
	}
}

int nd_node_dns_read(const char *root, struct nd_arena *a, struct nd_node_dns *out,
		     struct nd_err *e)
{
	static const char *const files[ND_NODE_DNS_FILES] = {
		"etc/resolv.conf",
		"run/systemd/resolve/resolv.conf",   /* systemd-resolved's upstreams */
	};

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ND_NODE_DNS_FILES; i++) {
		const char *shown = nd_node_path(a, root, files[i]);
		const char *p = nd_node_follow(root, files[i], a);
		char *text = NULL;
		size_t len;

		if (!p)
			return nd_err_set(e, "cannot read the link '%s': %s", shown, strerror(errno));
		if (access(p, F_OK) != 0 && errno == ENOENT) {
			if (strcmp(p, shown) != 0 && i == 0)
				/* a link to a file that is not there: the node cannot resolve */
				return nd_err_set(e, "'%s' links to '%s', which does not exist",
						  shown, p);
			continue;
		}
		if (nd_read_file(p, RESOLV_MAX, &text, &len, e) < 0)
			return -1;
		nd_node_dns_add(out, a, shown, text, len);
		free(text);
	}
	return 0;
}
