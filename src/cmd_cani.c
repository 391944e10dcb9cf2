/* SPDX-License-Identifier: MIT */
/*
 * netdiag can-i VERB RESOURCE[/NAME] --as SUBJECT [--as-group G]... [-n NS] [--subresource S]
 * netdiag can-i VERB /PATH --as SUBJECT
 *
 * As kubectl auth can-i: RESOURCE is a plural, a short name or
 * resource.group; the namespace is -n (default "default"), none with -A or
 * for cluster-scoped kinds. --as system:serviceaccount:NS:NAME is a service
 * account (with its implied groups unless --as-group is given).
 * Decided from the Roles and bindings in the source. Live (no --snapshot),
 * the API server is asked too: a SelfSubjectAccessReview when SUBJECT is
 * the caller (SelfSubjectReview says who that is; --as may then be left
 * out), else a SubjectAccessReview for SUBJECT with the groups the engine
 * used. Its answer goes to the verdict as "api_server", and "disagree":
 * true when it differs from the RBAC engine's: another authorizer (a
 * webhook such as Azure RBAC for Kubernetes) decides there.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "k8s/live.h"
#include "k8s/model.h"
#include "policy/rbac.h"
#include "policy/rbac_report.h"
#include "core/banned.h"

/*
 * The API server refuses what the RBAC objects allow: the refusal is the
 * fact (apiserver-forbidden), another authorizer made it.
 */
static void webhook_denies(struct nd_report *r, const struct nd_rbac_user *u,
			   const struct nd_rbac_req *q, const char *reason)
{
	struct nd_finding *f = nd_finding_add(r, "apiserver-forbidden", "User", NULL, u->name);
	const char *res = !q->resource ? q->path : q->group && *q->group
			  ? nd_report_printf(r, "%s.%s", q->resource, q->group) : q->resource;

	nd_finding_summary(r, f, _("the API server denies %s to '%s' although its RBAC objects "
				   "allow it: another authorizer (such as Azure RBAC) decides"),
			   nd_rbac_req_text(q, r->arena), u->name);
	nd_obj_str(r, f->evidence, "user", u->name);
	nd_obj_str(r, f->evidence, "verb", q->verb);
	nd_obj_str(r, f->evidence, "resource", res);
	nd_obj_str(r, f->evidence, "namespace", q->resource && q->ns && *q->ns ? q->ns : NULL);
	nd_obj_str(r, f->evidence, "message", reason);
	nd_finding_remedy(r, f, _("the grant is missing in the other authorizer: with Azure RBAC "
				  "for Kubernetes, assign the user a role on the cluster or the "
				  "namespace (az role assignment create)"));
	nd_finding_command(r, f, "kubectl auth can-i %s %s%s%s --as %s", q->verb, res,
			   q->resource && q->ns && *q->ns ? " -n " : "",
			   q->resource && q->ns && *q->ns ? q->ns : "", u->name);
}

/* Ask the API server the same question; its answer into the verdict v, as the check rbac-api-server. */
static void ask_server(struct nd_ctx *ctx, struct nd_live *lv, const struct nd_whoami *me,
		       const struct nd_rbac_user *u, uint32_t given_groups,
		       const struct nd_rbac_req *q, const struct nd_rbac_result *res,
		       struct nd_val *v)
{
	struct nd_report *r = ctx->report;
	struct nd_access_review rq = {
		.verb = q->verb, .group = q->group, .resource = q->resource,
		.subresource = q->subresource, .name = q->name, .ns = q->ns, .path = q->path,
	};
	struct nd_access_answer ans;
	struct nd_api_error ae;
	struct nd_val *o;

	/* the caller as they are: a self review; anyone else, or other groups: SubjectAccessReview */
	if (!me->user || strcmp(me->user, u->name) != 0 || given_groups) {
		rq.user = u->name;
		rq.groups = u->groups;
		rq.ngroups = u->ngroups;
	}
	nd_check_begin(r, "rbac-api-server", "S4");
	o = nd_obj_obj(r, v, "api_server");
	if (nd_live_access_review(lv, &rq, &ans, &ae) < 0) {
		nd_obj_str(r, o, "allowed", NULL);
		nd_obj_str(r, o, "review", rq.user ? "SubjectAccessReview" : "SelfSubjectAccessReview");
		nd_obj_str(r, o, "error", ae.message);
		if (ae.http)
			nd_obj_int(r, o, "http", ae.http);
		nd_check_end(r, ND_CHECK_ERROR,
			     nd_report_printf(r, _("cannot ask the API server: %s"), ae.message));
		return;
	}
	nd_obj_bool(r, o, "allowed", ans.allowed);
	nd_obj_str(r, o, "reason", ans.reason);
	nd_obj_str(r, o, "review", ans.self ? "SelfSubjectAccessReview" : "SubjectAccessReview");
	if (ans.denied)
		nd_obj_bool(r, o, "denied", true);
	if (ans.evaluation_error[0])
		nd_obj_str(r, o, "evaluation_error", ans.evaluation_error);
	nd_obj_bool(r, v, "disagree", ans.allowed != res->allowed);
	if (!ans.allowed && res->allowed)
		webhook_denies(r, u, q, ans.reason);
	nd_check_end(r, ND_CHECK_PASS,
		     ans.allowed == res->allowed
		     ? nd_report_printf(r, _("the API server agrees: %s"),
					ans.allowed ? _("allowed") : _("denied"))
		     : nd_report_printf(r, _("the API server disagrees: it says %s, the RBAC objects "
					    "say %s (another authorizer, such as an Azure RBAC "
					    "webhook, decides)"), ans.allowed ? _("allowed") : _("denied"),
					res->allowed ? _("allowed") : _("denied")));
}

/*
 * The verbs the API server and RBAC know: the API verbs, RBAC's special ones
 * (use, bind, escalate, impersonate, approve, sign) and, for a path, the
 * HTTP verbs lowercased. NULL when verb is one of them, else the nearest
 * (or "" when none is near): a typo must not become a Role granting it.
 */
static const char *unknown_verb(const char *verb, bool path)
{
	static const char *const api[] = {"get", "list", "watch", "create", "update", "patch",
					  "delete", "deletecollection", "use", "bind", "escalate",
					  "impersonate", "approve", "sign", "*", NULL};
	static const char *const http[] = {"get", "post", "put", "patch", "delete", "head",
					   "options", "*", NULL};
	const char *const *l = path ? http : api;
	const char *best = "";
	unsigned bd = 99;

	for (; *l; l++) {
		unsigned d = nd_edit_distance(verb, *l);

		if (d == 0)
			return NULL;
		if (d < bd) {
			bd = d;
			best = *l;
		}
	}
	return bd <= 2 ? best : "";
}

/* The nearest built-in resource to an unknown one, "" when none is near. */
static const char *unknown_resource(const char *res)
{
	const char *best = "", *n;
	unsigned bd = 99;

	for (size_t i = 0; (n = nd_rbac_builtin_resource(i)) != NULL; i++) {
		unsigned d = nd_edit_distance(res, n);

		if (d < bd) {
			bd = d;
			best = n;
		}
	}
	return bd <= 2 ? best : "";
}

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
	struct nd_live *lv = nd_live_session_client(ctx->live);
	struct nd_whoami me = {0};
	bool res_known = true;
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
	if (lv) {
		struct nd_api_error ae;

		/* who the caller is: the default SUBJECT, and whether a self review fits */
		if (nd_live_whoami(lv, r->arena, &me, &ae) < 0 && (!as || !*as))
			return nd_usage_error(cmd, _("--as SUBJECT is required: the API server did not "
						     "say who you are (%s)"), ae.message);
		if ((!as || !*as) && me.user) {
			as = me.user;
			for (i = 0; i < (int)me.ngroups && ngroups < ND_RBAC_MAX_GROUPS; i++)
				groups[ngroups++] = me.groups[i];
		}
	}
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
		if (nd_rbac_resource_known(resarg, r->arena, &q.resource, &q.group, &cluster,
					   &res_known, &err) < 0)
			return nd_usage_error(cmd, "%s", err.msg);
		q.subresource = sub;
		q.ns = ctx->all_ns || cluster ? NULL : ctx->ns ? ctx->ns : "default";
	}
	nd_rbac_user_make(&u, as, groups, ngroups, r->arena);
	if (!nd_check_runnable(ctx, "rbac-can-i"))
		return ND_EXIT_OK;
	e = nd_rbac_new(ctx->model);
	nd_check_begin(r, "rbac-can-i", "S4");
	nd_rbac_check(e, &u, &q, r->arena, &res);
	r->verdict = nd_rbac_verdict_val(r, &u, &q, &res);
	{
		const char *near = unknown_verb(q.verb, q.path != NULL);
		const char *rnear = res_known ? NULL : unknown_resource(q.resource);

		if (rnear) {
			/* a typo must not become a Role: say so, decide it, propose nothing */
			const char *w = *rnear ? nd_report_printf(r, _("'%s' is not a known resource; "
								       "did you mean '%s'?"),
								  q.resource, rnear)
					       : nd_report_printf(r, _("'%s' is not a built-in resource "
								       "(a custom one is named "
								       "RESOURCE.GROUP)"), q.resource);

			fprintf(stderr, "netdiag can-i: %s: %s\n", _("warning"), w);
			nd_obj_str(r, r->verdict, "warning", w);
			r->answer = nd_report_printf(r, _("%s (no Role is proposed for it); the RBAC "
							  "objects say %s"), w,
						     res.allowed ? _("allowed") : _("denied"));
		} else if (near) {
			/* kubectl warns alike; RBAC may still name a custom verb, so decide it */
			const char *w = *near ? nd_report_printf(r, _("'%s' is not a known verb; did "
								      "you mean '%s'?"), q.verb, near)
					      : nd_report_printf(r, _("'%s' is not a known verb"),
								 q.verb);

			fprintf(stderr, "netdiag can-i: %s: %s\n", _("warning"), w);
			nd_obj_str(r, r->verdict, "warning", w);
			r->answer = nd_report_printf(r, _("%s (no Role is proposed for it); the RBAC "
							  "objects say %s"), w,
						     res.allowed ? _("allowed") : _("denied"));
		} else {
			nd_rbac_add_finding(r, &u, &q, &res);
			if (res.allowed)
				r->answer = nd_report_printf(r, _("allowed: %s may %s %s"), u.name,
							     q.verb, q.path ? q.path : q.resource);
		}
	}
	nd_check_end(r, ND_CHECK_PASS, res.allowed ? _("allowed") : _("denied"));
	if (lv)
		ask_server(ctx, lv, &me, &u,
			   as == me.user ? 0 : ngroups, &q, &res, r->verdict);
	nd_rbac_free(e);
	return ND_EXIT_OK;
}
