/* SPDX-License-Identifier: MIT */
/*
 * The node-data source (source.h): node folders laid out as a bundle, and
 * this node at its root. Every read of a node's files for the checks is
 * here.
 */
#include "node/source.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "core/i18n.h"
#include "node/azurevnet.h"
#include "node/cni.h"
#include "node/conntrack.h"
#include "node/hostlocal.h"
#include "node/release.h"
#include "node/nodeenv.h"
#include "core/banned.h"

struct nd_node_src {
	bool local;
	/* dirs */
	const struct nd_node_dir *nodes;
	size_t n;
	/* local */
	const char *root, *name;
	const char *files[ND_RULES__COUNT];
};

struct nd_node_src *nd_node_src_dirs(const struct nd_node_dir *nodes, size_t n)
{
	struct nd_node_src *s = nd_xcalloc(1, sizeof(*s));

	s->nodes = nodes;
	s->n = n;
	return s;
}

struct nd_node_src *nd_node_src_local(const char *root, const char *name,
				      const char *const rule_files[ND_RULES__COUNT])
{
	struct nd_node_src *s = nd_xcalloc(1, sizeof(*s));

	s->local = true;
	s->root = root;
	s->name = name;
	s->n = 1;
	for (int k = 0; rule_files && k < ND_RULES__COUNT; k++)
		s->files[k] = rule_files[k];
	return s;
}

void nd_node_src_free(struct nd_node_src *s)
{
	free(s);
}

size_t nd_node_src_count(const struct nd_node_src *s)
{
	return s ? s->n : 0;
}

const char *nd_node_src_name(const struct nd_node_src *s, size_t i)
{
	if (!s || i >= s->n)
		return NULL;
	return s->local ? s->name : s->nodes[i].name;
}

bool nd_node_src_is_local(const struct nd_node_src *s)
{
	return s && s->local;
}

static bool any_rule_file(const struct nd_node_src *s)
{
	for (int k = 0; k < ND_RULES__COUNT; k++)
		if (s->files[k])
			return true;
	return false;
}

bool nd_node_src_has_files(const struct nd_node_src *s)
{
	return s && (s->local ? s->root != NULL : s->n > 0);
}

bool nd_node_src_has_rules(const struct nd_node_src *s)
{
	return s && (s->local ? s->root != NULL || any_rule_file(s) : s->n > 0);
}

/* path (under node i's folder) as evidence and messages name it. */
static const char *shown(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			 const char *path)
{
	const struct nd_node_dir *d = &s->nodes[i];
	size_t n = strlen(d->dir);

	if (s->local || !d->shown || !path || strncmp(path, d->dir, n) != 0)
		return path;
	return nd_arena_printf(a, "%s%s", d->shown, path + n);
}

/* e's message with node i's folder named as it is shown. */
static void shown_err(const struct nd_node_src *s, size_t i, struct nd_err *e)
{
	const struct nd_node_dir *d = &s->nodes[i];
	char out[sizeof(e->msg)];
	const char *hit;
	size_t n;

	if (s->local || !d->shown || (hit = strstr(e->msg, d->dir)) == NULL)
		return;
	n = strlen(d->dir);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(hit - e->msg), e->msg, d->shown, hit + n);
	memcpy(e->msg, out, sizeof(e->msg));
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The names of dir's sub-folders, sorted (n of them). */
static const char **subdirs(struct nd_arena *a, const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	const char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !is_dir(nd_arena_printf(a, "%s/%s", dir, de->d_name)))
			continue;
		if (*n == cap) {
			const char **nv = nd_arena_alloc(a, (cap ? cap * 2 : 8) * sizeof(*nv));

			if (*n)
				memcpy(nv, v, *n * sizeof(*nv));
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		v[(*n)++] = nd_arena_strdup(a, de->d_name);
	}
	closedir(d);
	for (size_t i = 1; i < *n; i++)       /* insertion sort: a handful of names */
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

/*
 * A node folder's host-local networks: each config of its net.d whose IPAM is
 * host-local (the first config is the default network), else, without a
 * net.d, its store folders (the default network only when there is one).
 */
static int dir_networks(struct nd_arena *a, const char *nodedir, struct nd_hl_net **out,
			const char ***names, size_t *n, const char **why, struct nd_err *err)
{
	char *netd = nd_arena_printf(a, "%s/cni/net.d", nodedir);
	struct nd_cni_net *nets = NULL;
	char **errs = NULL;
	size_t cnt = 0, nerr = 0;
	const char **dirs;
	struct nd_err e;

	*out = NULL;
	*names = NULL;
	*n = 0;
	if (is_dir(netd) && nd_cni_load_dir(netd, a, &nets, &cnt, &errs, &nerr, &e) == 0 &&
	    (cnt || nerr)) {
		if (nerr) {   /* a broken conflist: the store is not dropped in silence */
			nd_err_set(err, _("a CNI config in '%s' cannot be read, so the node's networks "
				   "are unknown: %s"), netd, errs[0]);
			return ND_NS_ERROR;
		}
		*out = nd_arena_alloc(a, (cnt ? cnt : 1) * sizeof(**out));
		*names = nd_arena_alloc(a, (cnt ? cnt : 1) * sizeof(**names));
		for (size_t i = 0; i < cnt; i++) {
			bool dup = false;

			if (!nets[i].ipam_type || strcmp(nets[i].ipam_type, "host-local") != 0)
				continue;
			for (size_t k = 0; k < *n; k++)
				dup |= strcmp((*names)[k], nets[i].name) == 0;
			if (dup)
				continue;
			(*out)[*n].net = &nets[i];
			(*out)[*n].primary = i == 0;
			(*names)[(*n)++] = nets[i].name;
		}
		if (*n)
			return ND_NS_OK;
		if (cnt)
			*why = nd_arena_printf(a, _("the node's CNI network '%s' (%s) does not use "
						    "host-local IPAM"), nets[0].name,
					       nets[0].plugin ? nets[0].plugin : "?");
		else
			*why = nd_arena_strdup(a, errs[0]);
		return ND_NS_ABSENT;
	}
	/* no net.d was copied: the store folders still name the networks */
	dirs = subdirs(a, nd_arena_printf(a, "%s/cni/networks", nodedir), n);
	if (!*n)
		return ND_NS_ABSENT;
	*out = nd_arena_alloc(a, *n * sizeof(**out));
	memset(*out, 0, *n * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i].primary = *n == 1;
	*names = dirs;
	return ND_NS_OK;
}

int nd_node_src_hostlocal(const struct nd_node_src *s, size_t i, size_t k, struct nd_arena *a,
			  const struct nd_cni_net **net, const char **netname, bool *primary,
			  const char **store_dir, struct nd_hl_store *st, const char **why,
			  struct nd_err *e)
{
	struct nd_hl_net *nets;
	const char **names = NULL;
	const char *dummy;
	size_t n = 0;
	int rc;

	if (!why)
		why = &dummy;
	*why = NULL;
	*net = NULL;
	*netname = NULL;
	*store_dir = NULL;
	*primary = false;
	if (!s || i >= s->n)
		return ND_NS_ABSENT;
	if (s->local) {
		if (!s->root)
			return ND_NS_ABSENT;
		if (nd_node_hostlocal_stores(s->root, a, &nets, &n, why, e) < 0) {
			*why = nd_arena_strdup(a, e->msg);
			return ND_NS_ABSENT;
		}
		if (k >= n)
			return ND_NS_ABSENT;
		*net = nets[k].net;
		*netname = nets[k].net->name;
		*store_dir = nets[k].store_dir;
		*primary = nets[k].primary;
		if (!is_dir(*store_dir))
			return ND_NS_SKIP;
	} else {
		rc = dir_networks(a, s->nodes[i].dir, &nets, &names, &n, why, e);
		if (rc == ND_NS_ERROR) {
			*store_dir = shown(s, i, a, nd_arena_printf(a, "%s/cni/net.d",
								    s->nodes[i].dir));
			shown_err(s, i, e);
			return k == 0 ? ND_NS_ERROR : ND_NS_ABSENT;
		}
		if (rc != ND_NS_OK || k >= n)
			return ND_NS_ABSENT;
		*net = nets[k].net;
		*netname = names[k];
		*primary = nets[k].primary;
		*store_dir = nd_arena_printf(a, "%s/cni/networks/%s", s->nodes[i].dir, *netname);
		if (!is_dir(*store_dir))
			return ND_NS_SKIP;
	}
	/* this node's store may be written while it is read: under its lock */
	rc = (s->local ? nd_store_read_locked(*store_dir, 0, a, st, e)
		       : nd_hostlocal_read(*store_dir, a, st, e)) < 0 ? ND_NS_ERROR : ND_NS_OK;
	if (!s->local) {
		*store_dir = shown(s, i, a, *store_dir);
		if (rc == ND_NS_ERROR)
			shown_err(s, i, e);
	}
	return rc;
}

int nd_node_src_sandboxes(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			  struct nd_sandboxes *out)
{
	bool proc;

	memset(out, 0, sizeof(*out));
	if (!s || !s->local || !s->root || i >= s->n)
		return ND_NS_ABSENT;
	/* /proc is this machine's: only meaningful when root is the node's own */
	proc = strcmp(s->root, "/") == 0 || strcmp(s->root, "/host") == 0;
	nd_sandboxes_scan(s->root, proc, a, out);
	return ND_NS_OK;
}

int nd_node_src_azure_vnet(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			   const char **path, struct nd_azv_state *st, struct nd_err *e)
{
	*path = NULL;
	if (!s || i >= s->n)
		return ND_NS_ABSENT;
	if (s->local) {
		if (!s->root)
			return ND_NS_ABSENT;
		*path = nd_node_path(a, s->root, "var/run/azure-vnet-ipam.json");
	} else {
		*path = nd_arena_printf(a, "%s/azure-vnet-ipam.json", s->nodes[i].dir);
	}
	if (access(*path, F_OK) != 0)
		return ND_NS_ABSENT;
	return nd_azv_read(*path, a, st, e) < 0 ? ND_NS_ERROR : ND_NS_OK;
}

int nd_node_src_azure_endpoints(const struct nd_node_src *s, size_t i, struct nd_arena *a,
				const char **path, struct nd_azv_endpoints *eps, struct nd_err *e)
{
	static const char *const local[] = {"var/run/azure-cns/azure-endpoints.json",
					    "var/run/azure-vnet.json"};
	static const char *const bundle[] = {"azure-endpoints.json", "azure-vnet.json"};

	*path = NULL;
	if (!s || i >= s->n || (s->local && !s->root))
		return ND_NS_ABSENT;
	for (int k = 0; k < 2; k++) {
		const char *p = s->local ? nd_node_path(a, s->root, local[k])
					 : nd_arena_printf(a, "%s/%s", s->nodes[i].dir, bundle[k]);
		int rc;

		if (access(p, F_OK) != 0)
			continue;
		rc = nd_azv_endpoints_read(p, a, eps, e) < 0 ? ND_NS_ERROR : ND_NS_OK;
		*path = p;
		if (!s->local) {
			*path = shown(s, i, a, p);
			if (rc == ND_NS_ERROR)
				shown_err(s, i, e);
		}
		return rc;
	}
	return ND_NS_ABSENT;
}

static int read_rules(const char *path, bool optional, char **text, size_t *len,
		      struct nd_err *e)
{
	if (optional && access(path, F_OK) != 0 && errno == ENOENT)
		return ND_NS_ABSENT;
	return nd_read_file(path, ND_RULES_MAX, text, len, e) < 0 ? ND_NS_ERROR : ND_NS_OK;
}

/* The executable file name in a folder of $PATH (the usual folders when it is
 * unset: execvp's default has no sbin), into buf; NULL when there is none. */
static const char *in_path(const char *name, char *buf, size_t bufsz)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && n + strlen(name) + 2 <= bufsz) {
			snprintf(buf, bufsz, "%.*s/%s", (int)n, path, name);
			if (access(buf, X_OK) == 0)
				return buf;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

size_t nd_rules_count(const char *text, size_t len, bool *hint)
{
	size_t n = 0;

	*hint = false;
	for (size_t i = 0; i < len;) {
		const char *l = text + i, *nl = memchr(l, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - l) : len - i;

		if (ll >= 3 && l[0] == '-' && l[1] == 'A' && l[2] == ' ')
			n++;
		else if ((ll >= 19 && memcmp(l, ":KUBE-IPTABLES-HINT", 19) == 0) ||
			 (ll >= 20 && memcmp(l, ":KUBE-KUBELET-CANARY", 20) == 0))
			*hint = true;
		i += ll + 1;
	}
	return n;
}

/*
 * The node's live iptables rules. iptables 1.8 has two back ends and a
 * node uses one: kube-proxy's image decides as its iptables wrapper does,
 * and so does netdiag: the back end holding kubelet's or kube-proxy's hint
 * chains (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY; nft first), else the one
 * with more rules (nft on a tie); plain iptables-save when neither variant
 * is installed. A variant that cannot run is passed over; only when every
 * one fails is it an error (the first failure).
 */
static int live_iptables(char **text, size_t *len, const char **origin, struct nd_err *e)
{
	static const char *const variant[2] = {"iptables-nft-save", "iptables-legacy-save"};
	static const char *const shown[2] = {"iptables-nft-save (live)",
					     "iptables-legacy-save (live)"};
	char *out[2] = {NULL, NULL};
	size_t olen[2] = {0, 0}, rules[2] = {0, 0};
	bool hint[2] = {false, false}, ran[2] = {false, false}, any = false;
	struct nd_err first = {{0}};
	int pick;

	for (int k = 0; k < 2; k++) {
		char exe[4096];
		const char *argv[] = {in_path(variant[k], exe, sizeof(exe)), NULL};
		struct nd_err ke;

		if (!argv[0])
			continue;
		any = true;
		if (nd_run_capture(argv, ND_RULES_MAX, 30000, &out[k], &olen[k], &ke) < 0) {
			if (!first.msg[0])
				first = ke;
			continue;
		}
		ran[k] = true;
		rules[k] = nd_rules_count(out[k], olen[k], &hint[k]);
	}
	if (!any) {
		char exe[4096];
		const char *argv[] = {in_path("iptables-save", exe, sizeof(exe)), NULL};

		if (!argv[0])
			argv[0] = "iptables-save";   /* it cannot run: the error says so */
		*origin = "iptables-save (live)";
		return nd_run_capture(argv, ND_RULES_MAX, 30000, text, len, e) < 0 ? ND_NS_ERROR
										   : ND_NS_OK;
	}
	if (!ran[0] && !ran[1]) {
		*e = first;
		*origin = shown[0];
		return ND_NS_ERROR;
	}
	pick = !ran[0] ? 1 : !ran[1] ? 0 : hint[0] ? 0 : hint[1] ? 1 : rules[1] > rules[0] ? 1 : 0;
	*text = out[pick];
	*len = olen[pick];
	free(out[1 - pick]);
	*origin = shown[pick];
	return ND_NS_OK;
}

/*
 * kube-proxy's nftables table (its nftables mode, facts §6.6), when nft is
 * installed: ABSENT without nft or without the table (nft: "No such file or
 * directory"), an error when it cannot be listed (no CAP_NET_ADMIN).
 */
static int live_nft(char **text, size_t *len, const char **origin, struct nd_err *e)
{
	char exe[4096];
	const char *argv[] = {in_path("nft", exe, sizeof(exe)), "list", "table", "ip", "kube-proxy",
			      NULL};
	struct nd_err ne;

	if (!argv[0])
		return ND_NS_ABSENT;
	*origin = "nft list table ip kube-proxy (live)";
	if (nd_run_capture(argv, ND_RULES_MAX, 30000, text, len, &ne) == 0)
		return ND_NS_OK;
	*text = NULL;
	*len = 0;
	if (strstr(ne.msg, "No such file or directory"))
		return ND_NS_ABSENT;
	*e = ne;
	return ND_NS_ERROR;
}

int nd_node_src_rules(const struct nd_node_src *s, size_t i, enum nd_rules_kind kind,
		      struct nd_arena *a, char **text, size_t *len, const char **origin,
		      struct nd_err *e)
{
	static const char *const bundle_file[ND_RULES__COUNT] = {"iptables-save.txt",
								  "ipvsadm.txt", "nft.txt"};

	*text = NULL;
	*len = 0;
	*origin = NULL;
	if (!s || i >= s->n || kind < 0 || kind >= ND_RULES__COUNT)
		return ND_NS_ABSENT;
	if (!s->local) {
		const char *path = nd_arena_printf(a, "%s/%s", s->nodes[i].dir, bundle_file[kind]);
		int rc = read_rules(path, true, text, len, e);

		*origin = shown(s, i, a, path);
		if (rc == ND_NS_ERROR)
			shown_err(s, i, e);
		return rc;
	}
	if (s->files[kind]) {
		*origin = s->files[kind];
		return read_rules(*origin, false, text, len, e);
	}
	/* on a node without dumps given: read the live rules */
	if (kind == ND_RULES_IPTABLES && s->root && !any_rule_file(s))
		return live_iptables(text, len, origin, e);
	if (kind == ND_RULES_NFT && s->root && !any_rule_file(s))
		return live_nft(text, len, origin, e);
	return ND_NS_ABSENT;
}

/* A conntrack file of node i: its path (shown) and bytes, ABSENT when missing. */
static int ct_file(const struct nd_node_src *s, size_t i, struct nd_arena *a, const char *rel,
		   const char **path, char **text, size_t *len, struct nd_err *e)
{
	const char *p = s->local ? nd_node_path(a, s->root, rel)
				 : nd_arena_printf(a, "%s/%s", s->nodes[i].dir, rel);
	int rc;

	*path = p;
	*text = NULL;
	if (access(p, F_OK) != 0 && errno == ENOENT)
		return ND_NS_ABSENT;
	rc = nd_read_file(p, 1u << 20, text, len, e) < 0 ? ND_NS_ERROR : ND_NS_OK;
	if (!s->local) {
		*path = shown(s, i, a, p);
		if (rc == ND_NS_ERROR)
			shown_err(s, i, e);
	}
	return rc;
}

int nd_node_src_conntrack(const struct nd_node_src *s, size_t i, struct nd_arena *a,
			  int64_t *count, int64_t *max, struct nd_ct_stat *st,
			  const char **origin, struct nd_err *e)
{
	static const char *const rel[3] = {"proc/sys/net/netfilter/nf_conntrack_count",
					   "proc/sys/net/netfilter/nf_conntrack_max",
					   "proc/net/stat/nf_conntrack"};
	const char *path;
	char *text;
	size_t len;
	int rc;

	*count = *max = -1;
	memset(st, 0, sizeof(*st));
	st->insert_failed = st->drop = st->early_drop = -1;
	*origin = NULL;
	if (!s || i >= s->n || (s->local && !s->root))
		return ND_NS_ABSENT;
	for (int k = 0; k < 3; k++) {
		rc = ct_file(s, i, a, rel[k], &path, &text, &len, e);
		if (k == 0)
			*origin = path;
		if (rc == ND_NS_ABSENT) {
			if (k < 2)
				return ND_NS_ABSENT;
			continue;
		}
		if (rc == ND_NS_ERROR)
			return rc;
		rc = k < 2 ? nd_ct_parse_number(text, len, k == 0 ? count : max, e)
			   : nd_ct_parse_stat(text, len, st, e);
		free(text);
		if (rc < 0) {
			nd_err_prefix(e, "'%s'", path);
			return ND_NS_ERROR;
		}
	}
	return ND_NS_OK;
}
