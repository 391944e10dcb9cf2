/* SPDX-License-Identifier: MIT */
/*
 * netdiag agent: the node side of fleet mode. On one node (--node-root, '/'
 * by default; '/host' in the DaemonSet) it runs every registry check that
 * reads node data (IPAM stores, CNI config, Azure CNI state, kube-proxy's
 * rules, conntrack) against the cluster model (the in-cluster API, or
 * --snapshot), tests the node's DNS and its path to the API server from the
 * node's network (cmd_agent_net.c; --no-probe: not), and prints one
 * netdiag/v1 JSON line: the container log is
 * where `fleet report` reads it. With --raw-files the line also carries the
 * node's files (node/nodefiles.h), base64, bounded, for `collect --nodes`.
 * With --stay the process stays after the line (a DaemonSet's container
 * must not exit, or it is restarted in a loop). It only reads.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/num.h"
#include "node/nodeenv.h"
#include "node/nodefiles.h"
#include "node/source.h"
#include "core/banned.h"

#define RAW_MAX_DEFAULT (8u << 20)
#define RAW_MAX_CEILING (64u << 20)
#define MAX_DNS_NAMES 4

/* The node's files as the node_files member: {"files":[{path, mtime, base64}], ...}. */
static void raw_files(struct nd_ctx *ctx, size_t max)
{
	struct nd_report *r = ctx->report;
	struct nd_arena *a = nd_arena_new(64 * 1024);
	struct nd_node_files nf;
	struct nd_node_src *src;
	struct nd_val *o, *arr;
	const char *origin;
	char *text = NULL;
	size_t len;
	struct nd_err e;

	nd_node_files_read(ctx->node_root, a, max, &nf);
	/* the kube-proxy rules as the checks read them (a file given, or iptables-save live) */
	src = nd_node_src_local(ctx->node_root, ctx->node, (const char *const[ND_RULES__COUNT]){
					ctx->iptables_file, ctx->ipvs_file, ctx->nft_file});
	for (int k = 0; k < ND_RULES__COUNT; k++) {
		static const char *const name[ND_RULES__COUNT] = {"iptables-save.txt",
								  "ipvsadm.txt", "nft.txt"};

		if (nd_node_src_rules(src, 0, (enum nd_rules_kind)k, a, &text, &len, &origin,
				      &e) == ND_NS_OK)
			nd_node_files_add(&nf, a, name[k], text, len, 0);
		free(text);
		text = NULL;
	}
	nd_node_src_free(src);
	o = nd_val_obj(r);
	nd_obj_str(r, o, "node", ctx->node);
	nd_obj_int(r, o, "bytes", (int64_t)nf.bytes);
	nd_obj_int(r, o, "max_bytes", (int64_t)max);
	nd_obj_int(r, o, "dropped", (int64_t)nf.dropped);
	arr = nd_obj_arr(r, o, "skipped");
	for (size_t i = 0; i < nf.nskipped; i++)
		nd_arr_str(r, arr, nf.skipped[i]);
	arr = nd_obj_arr(r, o, "files");
	for (size_t i = 0; i < nf.n; i++) {
		struct nd_val *f = nd_arr_obj(r, arr);
		char *b64 = nd_xmalloc(ND_B64_LEN(nf.v[i].len) + 1);

		nd_b64_encode(nf.v[i].data, nf.v[i].len, b64);
		nd_obj_str(r, f, "path", nf.v[i].path);
		nd_obj_int(r, f, "mtime", nf.v[i].mtime);
		nd_obj_str(r, f, "base64", b64);
		free(b64);
	}
	r->node_files = o;
	nd_node_files_release(&nf);
	nd_arena_free(a);
}

int cmd_agent(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("agent");
	struct nd_arena *keep;
	bool raw = false, egress = false;
	int64_t raw_max = RAW_MAX_DEFAULT;
	const char *names[MAX_DNS_NAMES];
	struct nd_agent_net_opts no = {.dns_names = names};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--raw-files") == 0) {
			raw = true;
		} else if (strcmp(argv[i], "--stay") == 0) {
			ctx->linger = true;
		} else if (strcmp(argv[i], "--egress") == 0) {
			egress = true;
		} else if (strcmp(argv[i], "--raw-max") == 0 && i + 1 < argc) {
			const char *v = argv[++i];

			if (nd_parse_i64(v, strlen(v), 1024, RAW_MAX_CEILING, &raw_max) < 0)
				return nd_usage_error(cmd, _("--raw-max takes a number of bytes from "
							     "1024 to %u, not '%s'"),
						      RAW_MAX_CEILING, v);
		} else if (strcmp(argv[i], "--iptables-save") == 0 && i + 1 < argc) {
			ctx->iptables_file = argv[++i];
		} else if (strcmp(argv[i], "--dns-name") == 0 && i + 1 < argc) {
			if (no.ndns_names == MAX_DNS_NAMES)
				return nd_usage_error(cmd, _("at most %d --dns-name"), MAX_DNS_NAMES);
			if (!*argv[i + 1] || strlen(argv[i + 1]) > 253)
				return nd_usage_error(cmd, _("--dns-name takes a DNS name, not '%s'"),
						      argv[i + 1]);
			names[no.ndns_names++] = argv[++i];
		} else if (strcmp(argv[i], "--no-probe") == 0) {
			no.no_probe = true;
		} else {
			return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
		}
	}
	if (!ctx->node_root)
		ctx->node_root = "/";
	ctx->report->source.mode = "node";
	/* the node's name: --node (the DaemonSet passes spec.nodeName), else the kubelet's */
	if (!ctx->node) {
		const char *name, *from;
		struct nd_err e;

		keep = nd_arena_new(1024);
		if (nd_node_name(ctx->node_root, keep, &name, &from, &e) == 0)
			ctx->node = nd_report_strdup(ctx->report, name);
		nd_arena_free(keep);
	}
	nd_run_checks(ctx, NULL, ND_RUN_ALL | ND_RUN_NODE);
	/* from the node's network: its DNS, its API server */
	nd_agent_node_net(ctx, &no);
	if (egress) {
		/* from the node: AKS's required outbound destinations, as 'netdiag egress' */
		struct nd_egress_opts eo = {.caller = "agent", .aks = ctx->aks_profile};
		int rc = nd_egress_checks(ctx, &eo);

		if (rc != ND_EXIT_OK)
			return rc;
	}
	if (raw)
		raw_files(ctx, (size_t)raw_max);
	ctx->one_line = true;
	ctx->report->finding_checks = true;
	return ND_EXIT_OK;
}
