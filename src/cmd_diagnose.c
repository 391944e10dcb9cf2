/* SPDX-License-Identifier: MIT */
/* netdiag diagnose: every check that applies to the source, in scenario order. */
#include "cmd.h"

#include <string.h>
#include <time.h>

#include "checks/checks.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "node/nodeenv.h"
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

void nd_run_checks(struct nd_ctx *ctx, const struct nd_scope *scope, unsigned which)
{
	struct nd_check_env env = {
		.m = ctx->model,
		.b = ctx->bundle,
		.r = ctx->report,
		.now = (int64_t)time(NULL),
	};

	if (scope)
		env.scope = *scope;
	if (!env.scope.ns && ctx->ns && !ctx->all_ns)
		env.scope.ns = ctx->ns;
	env.node_root = ctx->node_root;
	env.have_pods = ctx->have_source || ctx->live;
	env.iptables_file = ctx->iptables_file;
	env.ipvs_file = ctx->ipvs_file;
	env.nft_file = ctx->nft_file;
	if (ctx->node_root && !ctx->node)
		node_name(ctx, &env);
	if (!env.scope.node)
		env.scope.node = ctx->node;
	if ((which & ND_RUN_S1) && !ctx->s1_done) {
		const char *why;

		/* with a bundle (or no API): the offline part, S1 comes first */
		nd_apiserver_checks(ctx, true, true, &why);
	}
	if (which & ND_RUN_S2) {
		nd_check_pod_ip(&env);
		nd_check_ipam_stores(&env);
		nd_check_node_ipam(&env);
		nd_check_azure_cni(&env);
	}
	if (which & ND_RUN_S3) {
		nd_check_services(&env);
		nd_check_kube_proxy(&env);
		nd_check_kube_proxy_rules(&env);
	}
	if (which & ND_RUN_S4)
		nd_check_kubernetes_service(&env);
}

int cmd_diagnose(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("diagnose");

	for (int i = 1; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--iptables-save") == 0 ? &ctx->iptables_file
				    : strcmp(argv[i], "--ipvsadm") == 0 ? &ctx->ipvs_file
				    : strcmp(argv[i], "--nft") == 0 ? &ctx->nft_file : NULL;

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
	return ND_EXIT_OK;
}
