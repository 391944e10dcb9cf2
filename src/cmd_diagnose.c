/* SPDX-License-Identifier: MIT */
/* netdiag diagnose: every check of the registry that applies to the source, in its order. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aks/aks.h"
#include "checks/registry.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/bundle.h"
#include "k8s/snapshot.h"
#include "node/nodeenv.h"
#include "node/source.h"
#include "core/banned.h"

/* On a node without --node: the kubelet's kubeconfig names it. */
static void node_name(struct nd_ctx *ctx, struct nd_check_env *env)
{
	static struct nd_arena *keep;   /* lives as long as the process */
	const char *name, *from;
	struct nd_err e;

	if (!keep)
		keep = nd_arena_new(4096);
	if (nd_node_name(ctx->node_root, keep, &name, &from, &e) == 0)
		ctx->node = name;
	else
		env->node_error = nd_report_strdup(ctx->report, e.msg);
}

/* The AKS profile for the checks: the one S1 read, else --aks or the bundle's aks.json. A
 * profile that cannot be read is S1's to report; the checks then go without. */
static const struct nd_aks_profile *aks_profile(struct nd_ctx *ctx)
{
	struct nd_err e;
	char path[4096];

	if (ctx->aks_profile || ctx->aks_tried)
		return ctx->aks_profile;
	ctx->aks_tried = true;
	if (ctx->aks)
		snprintf(path, sizeof(path), "%s", ctx->aks);
	else if (ctx->bundle && ctx->bundle->dir)
		snprintf(path, sizeof(path), "%s/aks.json", ctx->bundle->dir);
	else
		return NULL;
	if (nd_aks_load_file(path, &ctx->aks_profile, &e) < 0)
		ctx->aks_profile = NULL;
	return ctx->aks_profile;
}

/* s copied into the report, s freed. */
static const char *report_strdup_free(struct nd_report *r, char *s)
{
	const char *c = r ? nd_report_strdup(r, s) : NULL;

	free(s);
	return c;
}

/* The checks' view of ctx: the model, the node-data source, what could not be read. */
static void make_env(struct nd_ctx *ctx, const struct nd_scope *scope, struct nd_check_env *env,
		     struct nd_node_src **nodes, struct nd_node_dir **dirs)
{
	memset(env, 0, sizeof(*env));
	env->m = ctx->model;
	env->r = ctx->report;
	env->now = (int64_t)time(NULL);
	if (scope)
		env->scope = *scope;
	if (!env->scope.ns && ctx->ns && !ctx->all_ns)
		env->scope.ns = ctx->ns;
	env->have_pods = ctx->have_source || ctx->live;
	env->in_pod = ctx->in_pod;
	env->pod_ns = ctx->pod_ns;
	env->pod_name = ctx->pod_name;
	if (ctx->node_root && !ctx->node)
		node_name(ctx, env);
	if (!env->scope.node)
		env->scope.node = ctx->node;
	*dirs = NULL;
	if (ctx->node_root || ctx->iptables_file || ctx->ipvs_file || ctx->nft_file) {
		const char *files[ND_RULES__COUNT] = {
			[ND_RULES_IPTABLES] = ctx->iptables_file,
			[ND_RULES_IPVS] = ctx->ipvs_file,
			[ND_RULES_NFT] = ctx->nft_file,
		};

		*nodes = nd_node_src_local(ctx->node_root, env->scope.node, files);
	} else if (ctx->bundle && ctx->bundle->nnodes) {
		*dirs = nd_xcalloc(ctx->bundle->nnodes, sizeof(**dirs));
		for (size_t i = 0; i < ctx->bundle->nnodes; i++) {
			(*dirs)[i].name = ctx->bundle->nodes[i].name;
			(*dirs)[i].dir = ctx->bundle->nodes[i].dir;
			/* a .tar.gz is read from a private folder: evidence names the archive */
			(*dirs)[i].shown = report_strdup_free(ctx->report,
				nd_snapshot_display(ctx->bundle->snap, ctx->bundle->nodes[i].dir));
		}
		*nodes = nd_node_src_dirs(*dirs, ctx->bundle->nnodes);
	} else {
		*nodes = NULL;
	}
	env->nodes = *nodes;
	env->aks = aks_profile(ctx);
	if (ctx->live)
		nd_live_source_unread(ctx->live, ctx->report, env->unread);
}

void nd_run_checks(struct nd_ctx *ctx, const struct nd_scope *scope, unsigned which)
{
	struct nd_check_env env;
	struct nd_node_src *nodes;
	struct nd_node_dir *dirs;

	make_env(ctx, scope, &env, &nodes, &dirs);
	if ((which & ND_RUN_S1) && !ctx->s1_done) {
		const char *why;

		/* with a bundle (or no API): the offline part, S1 comes first */
		nd_apiserver_checks(ctx, true, true, &why);
	}
	nd_checks_run(&env, which);
	nd_node_src_free(nodes);
	free(dirs);
}

bool nd_check_runnable(struct nd_ctx *ctx, const char *id)
{
	const struct nd_check_def *d = nd_check_def_find(id);
	struct nd_check_env env;
	struct nd_node_src *nodes;
	struct nd_node_dir *dirs;
	const char *unmet;
	bool silenced;

	if (!d) {
		fprintf(stderr, "netdiag: BUG: check '%s' has no registry row\n", id);
		abort();
	}
	make_env(ctx, NULL, &env, &nodes, &dirs);
	unmet = nd_check_unmet(d, &env, &silenced);
	if (unmet)
		nd_check_skip_unmet(ctx->report, d, unmet, silenced);
	nd_node_src_free(nodes);
	free(dirs);
	return !unmet;
}

int cmd_diagnose(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("diagnose");
	bool probe = false, egress = false;

	for (int i = 1; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--iptables-save") == 0 ? &ctx->iptables_file
				    : strcmp(argv[i], "--ipvsadm") == 0 ? &ctx->ipvs_file
				    : strcmp(argv[i], "--nft") == 0 ? &ctx->nft_file : NULL;

		if (strcmp(argv[i], "--probe") == 0) {
			probe = true;
			continue;
		}
		if (strcmp(argv[i], "--egress") == 0) {
			egress = true;
			continue;
		}
		if (!slot)
			return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
		if (i + 1 >= argc)
			return nd_usage_error(cmd, _("option '%s' needs a value"), argv[i]);
		*slot = argv[++i];
	}
	if (!ctx->s1_done) {
		const char *why;
		int rc = nd_apiserver_checks(ctx, true, true, &why);

		if (rc != ND_EXIT_OK)
			return rc;
	}
	nd_run_checks(ctx, NULL, ND_RUN_ALL);
	if (probe)
		nd_endpoint_probes(ctx, NULL);
	if (egress && ctx->snapshot) {
		nd_check_skip(ctx->report, "egress", "S4",
			      _("offline (--snapshot): the destinations are probed from a pod or a node"));
	} else if (egress) {
		struct nd_egress_opts eo = {.caller = "diagnose", .aks = ctx->aks_profile};

		return nd_egress_checks(ctx, &eo);
	}
	return ND_EXIT_OK;
}
