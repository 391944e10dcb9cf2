/* SPDX-License-Identifier: MIT */
/* netdiag service NAME, pod NAME: the checks of one scenario, narrowed to one object. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "checks/checks.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

/* "ns/name" or "name" with -n (default "default"). Returns the name part. */
static const char *split_name(const struct nd_ctx *ctx, const char *arg, char *ns, size_t nslen)
{
	const char *slash = strchr(arg, '/');

	if (slash && (size_t)(slash - arg) < nslen) {
		memcpy(ns, arg, (size_t)(slash - arg));
		ns[slash - arg] = '\0';
		return slash + 1;
	}
	snprintf(ns, nslen, "%s", ctx->ns ? ctx->ns : "default");
	return arg;
}

/* The positional argument, refusing options this command does not know. */
static const char *one_arg(const struct nd_cmd *cmd, int argc, char **argv, int *rc)
{
	const char *name = NULL;
	int i;

	*rc = ND_EXIT_OK;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			*rc = nd_usage_error(cmd, _("unknown option '%s'"), argv[i]);
			return NULL;
		}
		if (name) {
			*rc = nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
			return NULL;
		}
		name = argv[i];
	}
	if (!name && cmd->min_args)
		*rc = nd_usage_error(cmd, _("missing argument"));
	return name;
}

int cmd_service(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("service");
	char ns[256];
	struct nd_scope scope = {0};
	const char *arg, *name;
	int rc;

	arg = one_arg(cmd, argc, argv, &rc);
	if (!arg)
		return rc;
	name = split_name(ctx, arg, ns, sizeof(ns));
	if (!nd_model_service(ctx->model, ns, name)) {
		fprintf(stderr, "netdiag service: %s\n",
			nd_report_printf(ctx->report, _("Service '%s/%s' is not in the source"), ns,
					 name));
		return ND_EXIT_USAGE;
	}
	scope.ns = ns;
	scope.service = name;
	if (strcmp(ns, "default") == 0 &&
	    (strcmp(name, "kubernetes") == 0 || strcmp(name, "kubernetes-internal") == 0))
		nd_run_checks(ctx, &scope, ND_RUN_S4);
	else
		nd_run_checks(ctx, &scope, ND_RUN_S3);
	return ND_EXIT_OK;
}

int cmd_pod(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("pod");
	char ns[256];
	struct nd_scope scope = {0};
	const struct nd_pod *p;
	const char *arg, *name;
	int rc;

	arg = one_arg(cmd, argc, argv, &rc);
	if (!arg)
		return rc;
	name = split_name(ctx, arg, ns, sizeof(ns));
	p = nd_model_pod(ctx->model, ns, name);
	if (!p) {
		fprintf(stderr, "netdiag pod: %s\n",
			nd_report_printf(ctx->report, _("Pod '%s/%s' is not in the source"), ns, name));
		return ND_EXIT_USAGE;
	}
	scope.ns = ns;
	scope.pod = name;
	scope.node = p->node ? p->node : "";
	nd_run_checks(ctx, &scope, ND_RUN_S2);
	return ND_EXIT_OK;
}
