/* SPDX-License-Identifier: MIT */
/* netdiag diagnose: every check that applies to the source, in scenario order. */
#include "cmd.h"

#include <string.h>
#include <time.h>

#include "checks/checks.h"
#include "core/banned.h"

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
	if (!env.scope.node)
		env.scope.node = ctx->node;
	if (which & ND_RUN_S2) {
		nd_check_pod_ip(&env);
		nd_check_ipam_stores(&env);
		nd_check_azure_cni(&env);
	}
	if (which & ND_RUN_S3) {
		nd_check_services(&env);
		nd_check_kube_proxy(&env);
	}
	if (which & ND_RUN_S4)
		nd_check_kubernetes_service(&env);
}

int cmd_diagnose(struct nd_ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return nd_usage_error(nd_cmd_find("diagnose"), "unexpected argument '%s'", argv[1]);
	nd_run_checks(ctx, NULL, ND_RUN_ALL);
	return ND_EXIT_OK;
}
