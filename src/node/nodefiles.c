/* SPDX-License-Identifier: MIT */
/* The node's files for a bundle (nodefiles.h). */
#include "node/nodefiles.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "node/cni.h"
#include "node/nodeenv.h"
#include "core/banned.h"

static void skip(struct nd_node_files *out, struct nd_arena *a, const char *path,
		 const char *why)
{
	out->dropped++;
	if (out->nskipped < ND_NODE_FILES_SKIPPED_MAX)
		out->skipped[out->nskipped++] = nd_arena_printf(a, "%s: %s", path, why);
}

int nd_node_files_add(struct nd_node_files *out, struct nd_arena *a, const char *path,
		      const char *data, size_t len, int64_t mtime)
{
	char *copy;

	if (len > ND_NODE_FILE_MAX || out->bytes + len > out->max) {
		skip(out, a, path, "over the size bound (--raw-max)");
		return 0;
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = nd_xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	copy = nd_arena_alloc(a, len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	out->v[out->n++] = (struct nd_node_file){nd_arena_strdup(a, path), copy, len, mtime};
	out->bytes += len;
	return 1;
}

static void add_file(struct nd_node_files *out, struct nd_arena *a, const char *src,
		     const char *dst)
{
	struct stat st;
	struct nd_err e;
	char *buf;
	size_t len;

	if (stat(src, &st) != 0) {
		if (errno != ENOENT)
			skip(out, a, dst, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	if ((size_t)st.st_size > ND_NODE_FILE_MAX || out->bytes + (size_t)st.st_size > out->max) {
		skip(out, a, dst, "over the size bound (--raw-max)");
		return;
	}
	if (nd_read_file(src, ND_NODE_FILE_MAX, &buf, &len, &e) < 0) {
		skip(out, a, dst, e.msg);
		return;
	}
	nd_node_files_add(out, a, dst, buf, len, (int64_t)st.st_mtim.tv_sec);
	free(buf);
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Every regular file of dir (sorted, not recursive) as <prefix>/<name>. */
static void add_dir(struct nd_node_files *out, struct nd_arena *a, const char *dir,
		    const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	const char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' &&
								!de->d_name[2])))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = nd_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = nd_arena_strdup(a, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++)
		add_file(out, a, nd_arena_printf(a, "%s/%s", dir, names[i]),
			 nd_arena_printf(a, "%s/%s", prefix, names[i]));
	free(names);
}

void nd_node_files_read(const char *root, struct nd_arena *a, size_t max,
			struct nd_node_files *out)
{
	static const char *const same[] = {"proc/sys/net/netfilter/nf_conntrack_count",
					   "proc/sys/net/netfilter/nf_conntrack_max",
					   "proc/net/stat/nf_conntrack"};
	const struct nd_cni_net *net;
	const char *store;
	struct nd_err e;

	memset(out, 0, sizeof(*out));
	out->max = max;
	add_dir(out, a, nd_node_path(a, root, "etc/cni/net.d"), "cni/net.d");
	if (nd_node_hostlocal_store(root, a, &net, &store, &e) == 0)
		add_dir(out, a, store, nd_arena_printf(a, "cni/networks/%s", net->name));
	add_file(out, a, nd_node_path(a, root, "var/run/azure-vnet-ipam.json"),
		 "azure-vnet-ipam.json");
	add_file(out, a, nd_node_path(a, root, "var/run/azure-cns/azure-endpoints.json"),
		 "azure-endpoints.json");
	add_file(out, a, nd_node_path(a, root, "var/run/azure-vnet.json"), "azure-vnet.json");
	add_file(out, a, nd_node_path(a, root, "etc/resolv.conf"), "resolv.conf");
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		add_file(out, a, nd_node_path(a, root, same[i]), same[i]);
}

void nd_node_files_release(struct nd_node_files *out)
{
	free(out->v);
	out->v = NULL;
	out->n = out->cap = 0;
}

int nd_node_file_path_ok(const char *p)
{
	static const char *const exact[] = {
		"azure-vnet-ipam.json", "azure-endpoints.json", "azure-vnet.json", "resolv.conf",
		"iptables-save.txt", "ipvsadm.txt", "nft.txt",
		"proc/sys/net/netfilter/nf_conntrack_count",
		"proc/sys/net/netfilter/nf_conntrack_max", "proc/net/stat/nf_conntrack",
	};
	const char *rest;
	size_t i;

	if (!p || !*p || strlen(p) > 512)
		return 0;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(p, exact[i]) == 0)
			return 1;
	if (strncmp(p, "cni/net.d/", 10) == 0)
		rest = p + 10;
	else if (strncmp(p, "cni/networks/", 13) == 0) {
		const char *slash = strchr(p + 13, '/');

		if (!slash || slash == p + 13)
			return 0;
		if ((slash - (p + 13) == 1 && p[13] == '.') ||
		    (slash - (p + 13) == 2 && p[13] == '.' && p[14] == '.'))
			return 0;
		rest = slash + 1;
	} else {
		return 0;
	}
	if (!*rest || strchr(rest, '/') || strcmp(rest, ".") == 0 || strcmp(rest, "..") == 0)
		return 0;
	return 1;
}
