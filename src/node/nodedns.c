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
#include "core/i18n.h"
#include "core/file.h"
#include "node/nodeenv.h"
#include "node/resolvconf.h"
#include "core/banned.h"

#define RESOLV_MAX (64u << 10)
#define MAX_LINKS 8

/* dir/t (dir relative to the root, t a link's target) with "." and ".." taken
 * lexically and never above the root: the node's path, relative to its root. */
static const char *join_in_root(struct nd_arena *a, const char *dir, const char *t)
{
	const char *in = nd_arena_printf(a, "%s/%s", t[0] == '/' ? "" : dir, t);
	char *out = nd_arena_alloc(a, strlen(in) + 2);
	size_t n = 0;

	while (*in) {
		size_t c;

		while (*in == '/')
			in++;
		c = strcspn(in, "/");
		if (c == 0 || (c == 1 && in[0] == '.')) {
			/* nothing */
		} else if (c == 2 && in[0] == '.' && in[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			out[n++] = '/';
			memcpy(out + n, in, c);
			n += c;
		}
		in += c;
	}
	out[n] = '\0';
	return n ? out : "/";
}

const char *nd_node_follow(const char *root, const char *rel, struct nd_arena *a)
{
	const char *node = join_in_root(a, "", rel);   /* the path as the node sees it */

	for (int i = 0; i < MAX_LINKS; i++) {
		const char *p = nd_node_path(a, root, node), *sl;
		struct stat st;
		char t[PATH_MAX];
		ssize_t n;

		if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
			return p;
		n = readlink(p, t, sizeof(t) - 1);
		if (n < 0)
			return NULL;
		t[n] = '\0';
		sl = strrchr(node, '/');
		node = join_in_root(a, nd_arena_printf(a, "%.*s", (int)(sl - node), node), t);
	}
	return nd_node_path(a, root, node);
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
			return nd_err_set(e, _("cannot read the link '%s': %s"), shown, strerror(errno));
		if (access(p, F_OK) != 0 && errno == ENOENT) {
			if (strcmp(p, shown) != 0 && i == 0)
				/* a link to a file that is not there: the node cannot resolve */
				return nd_err_set(e, _("'%s' links to '%s', which does not exist"),
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
