/* SPDX-License-Identifier: MIT */
/*
 * netdiag can-i VERB RESOURCE[/NAME] --as SUBJECT [--as-group G]... [-n NS] [--subresource S]
 * netdiag can-i VERB /PATH --as SUBJECT
 *
 * As kubectl auth can-i: RESOURCE is a plural, a short name or
 * resource.group; the namespace is -n (default "default"), none with -A or
 * for cluster-scoped kinds. --as system:serviceaccount:NS:NAME is a service
 * account (with its implied groups unless --as-group is given).
 * Decided offline from the Roles and bindings in the source; asking the API
 * server (SubjectAccessReview) needs the live client, not here yet.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "policy/rbac.h"
#include "policy/rbac_report.h"
#include "core/banned.h"

int cmd_cani(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("can-i");
	struct nd_report *r = ctx->report;
	const char *pos[2] = {NULL, NULL}, *as = NULL, *sub = NULL;
	const char *groups[ND_RBAC_MAX_GROUPS];
	uint32_t ngroups = 0;
	struct nd_rbac_user u;
	struct nd_rbac_req q = {0};
	struct nd_rbac_result res;
	struct nd_rbac *e;
	struct nd_err err;
	int i, npos = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

#define VOPT(name) \
		(strcmp(a, name) == 0 && i + 1 < argc ? (v = argv[++i]) != NULL : \
		 strncmp(a, name "=", strlen(name) + 1) == 0 ? (v = a + strlen(name) + 1) != NULL : false)
		if (VOPT("--as")) {
			as = v;
		} else if (VOPT("--as-group")) {
			if (ngroups >= ND_RBAC_MAX_GROUPS)
				return nd_usage_error(cmd, _("too many --as-group options (at most %d)"),
						      ND_RBAC_MAX_GROUPS);
			groups[ngroups++] = v;
		} else if (VOPT("--subresource")) {
			sub = v;
		} else if (a[0] == '-' && a[1]) {
			return nd_usage_error(cmd, _("unknown option '%s' (or it needs a value)"), a);
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			return nd_usage_error(cmd, _("unexpected argument '%s'"), a);
		}
#undef VOPT
	}
	if (npos != 2)
		return nd_usage_error(cmd, _("need VERB and RESOURCE (or a /path)"));
	if (!as || !*as)
		return nd_usage_error(cmd, _("--as SUBJECT is required: offline, netdiag cannot know "
					     "who you are (e.g. --as system:serviceaccount:NS:NAME)"));
	q.verb = pos[0];
	if (pos[1][0] == '/') {
		if (sub)
			return nd_usage_error(cmd, _("--subresource does not apply to a path"));
		q.path = pos[1];
	} else {
		const char *slash = strchr(pos[1], '/');
		const char *resarg = pos[1];
		bool cluster;

		if (slash) {
			resarg = nd_report_printf(r, "%.*s", (int)(slash - pos[1]), pos[1]);
			q.name = slash + 1;
		}
		if (nd_rbac_resource(resarg, r->arena, &q.resource, &q.group, &cluster, &err) < 0)
			return nd_usage_error(cmd, "%s", err.msg);
		q.subresource = sub;
		q.ns = ctx->all_ns || cluster ? NULL : ctx->ns ? ctx->ns : "default";
	}
	nd_rbac_user_make(&u, as, groups, ngroups, r->arena);
	e = nd_rbac_new(ctx->model);
	nd_check_begin(r, "rbac-can-i", "S4");
	nd_rbac_check(e, &u, &q, r->arena, &res);
	r->verdict = nd_rbac_verdict_val(r, &u, &q, &res);
	nd_rbac_add_finding(r, &u, &q, &res);
	nd_check_end(r, ND_CHECK_PASS, res.allowed ? _("allowed") : _("denied"));
	nd_rbac_free(e);
	return ND_EXIT_OK;
}
