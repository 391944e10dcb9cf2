/* SPDX-License-Identifier: MIT */
/* RBAC results as report values: the can-i verdict and the incluster-forbidden finding. */
#include "policy/rbac_report.h"

#include <string.h>

#include "core/arena.h"
#include "core/yaml.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

#define SA_PREFIX "system:serviceaccount:"

static bool empty(const char *s)
{
	return !s || !*s;
}

static const char *bname(struct nd_report *r, const struct nd_binding *b)
{
	if (!b)
		return "system:masters";
	return b->cluster ? nd_report_printf(r, "ClusterRoleBinding/%s", b->m.name)
			  : nd_report_printf(r, "RoleBinding/%s/%s", b->m.ns, b->m.name);
}

static const char *rname(struct nd_report *r, const struct nd_role *x)
{
	return x->cluster ? nd_report_printf(r, "ClusterRole/%s", x->m.name)
			  : nd_report_printf(r, "Role/%s/%s", x->m.ns, x->m.name);
}

static void hit_val(struct nd_report *r, struct nd_val *arr, const struct nd_rbac_hit *h)
{
	struct nd_val *o = nd_arr_obj(r, arr);

	nd_obj_str(r, o, "binding", bname(r, h->binding));
	if (!h->binding)
		return;
	nd_obj_str(r, o, "role", rname(r, h->role));
	if (h->from != h->role)
		nd_obj_str(r, o, "aggregated_from", rname(r, h->from));
	nd_obj_int(r, o, "rule", h->rule);
	nd_obj_str(r, o, "text", nd_rbac_rule_text(&h->from->rules[h->rule], r->arena));
	if (h->differs)
		nd_obj_str(r, o, "differs", h->differs);
}

static void bindings_val(struct nd_report *r, struct nd_val *o, const struct nd_rbac_result *res)
{
	struct nd_val *arr = nd_obj_arr(r, o, "bindings");
	uint32_t i;

	for (i = 0; i < res->nbindings; i++) {
		const struct nd_binding *b = res->bindings[i];
		struct nd_val *x = nd_arr_obj(r, arr);

		nd_obj_str(r, x, "kind", b->cluster ? "ClusterRoleBinding" : "RoleBinding");
		nd_obj_str(r, x, "namespace", b->cluster ? NULL : b->m.ns);
		nd_obj_str(r, x, "name", b->m.name);
		nd_obj_str(r, x, "role", nd_report_printf(r, "%s/%s", b->role_kind ? b->role_kind : "?",
							  b->role_name ? b->role_name : "?"));
	}
}

static const char *res_text(struct nd_report *r, const struct nd_rbac_req *q)
{
	if (!q->resource)
		return NULL;
	return empty(q->group) ? nd_report_strdup(r, q->resource)
			       : nd_report_printf(r, "%s.%s", q->resource, q->group);
}

struct nd_val *nd_rbac_verdict_val(struct nd_report *r, const struct nd_rbac_user *u,
				   const struct nd_rbac_req *q, const struct nd_rbac_result *res)
{
	struct nd_val *o = nd_val_obj(r), *x, *arr;
	uint32_t i;

	nd_obj_bool(r, o, "allowed", res->allowed);
	nd_obj_str(r, o, "user", u->name);
	arr = nd_obj_arr(r, o, "groups");
	for (i = 0; i < u->ngroups; i++)
		nd_arr_str(r, arr, u->groups[i]);
	x = nd_obj_obj(r, o, "request");
	nd_obj_str(r, x, "verb", q->verb);
	if (q->resource) {
		nd_obj_str(r, x, "group", q->group ? q->group : "");
		nd_obj_str(r, x, "resource", q->resource);
		if (!empty(q->subresource))
			nd_obj_str(r, x, "subresource", q->subresource);
		if (!empty(q->name))
			nd_obj_str(r, x, "name", q->name);
		nd_obj_str(r, x, "namespace", empty(q->ns) ? NULL : q->ns);
	} else {
		nd_obj_str(r, x, "path", q->path);
	}
	arr = nd_obj_arr(r, o, "matched");
	if (res->superuser && !res->nmatched) {
		struct nd_rbac_hit h = {0};

		hit_val(r, arr, &h);
	}
	for (i = 0; i < res->nmatched; i++)
		hit_val(r, arr, &res->matched[i]);
	if (!res->allowed) {
		arr = nd_obj_arr(r, o, "closest");
		for (i = 0; i < res->nclosest; i++)
			hit_val(r, arr, &res->closest[i]);
	}
	bindings_val(r, o, res);
	nd_obj_str(r, o, "reason", nd_rbac_reason(u, q, res, r->arena));
	if (!res->allowed)
		nd_obj_str(r, o, "fix", nd_yaml_apply_command(nd_rbac_fix_yaml(u, q, r->arena), r->arena));
	return o;
}

struct nd_finding *nd_rbac_add_finding(struct nd_report *r, const struct nd_rbac_user *u,
				       const struct nd_rbac_req *q,
				       const struct nd_rbac_result *res)
{
	const char *ns = NULL, *name = u->name, *kind = "User", *c;
	const char *grant = NULL, *subj, *resarg;
	bool cluster = !q->resource || empty(q->ns);
	struct nd_finding *f;

	if (res->allowed)
		return NULL;
	if (strncmp(u->name, SA_PREFIX, strlen(SA_PREFIX)) == 0 &&
	    (c = strchr(u->name + strlen(SA_PREFIX), ':')) != NULL) {
		kind = "ServiceAccount";
		ns = nd_report_printf(r, "%.*s", (int)(c - u->name - strlen(SA_PREFIX)),
				      u->name + strlen(SA_PREFIX));
		name = c + 1;
		subj = nd_report_printf(r, "--serviceaccount=%s:%s", ns, name);
	} else {
		subj = nd_report_printf(r, "--user=%s", u->name);
	}
	f = nd_finding_add(r, "incluster-forbidden", kind, ns, name);
	nd_finding_summary(r, f, _("%s cannot %s (RBAC)"), u->name, nd_rbac_req_text(q, r->arena));
	nd_obj_str(r, f->evidence, "user", u->name);
	nd_obj_str(r, f->evidence, "verb", q->verb);
	if (q->resource) {
		nd_obj_str(r, f->evidence, "resource", res_text(r, q));
		if (!empty(q->subresource))
			nd_obj_str(r, f->evidence, "subresource", q->subresource);
		if (!empty(q->name))
			nd_obj_str(r, f->evidence, "name", q->name);
	} else {
		nd_obj_str(r, f->evidence, "path", q->path);
	}
	nd_obj_str(r, f->evidence, "namespace", empty(q->ns) || !q->resource ? NULL : q->ns);
	bindings_val(r, f->evidence, res);
	nd_finding_remedy(r, f, _("grant only what is missing: a %s and a %sBinding for this "
				  "subject (the commands below, or the YAML of netdiag can-i)"),
			  cluster ? "ClusterRole" : "Role", cluster ? "ClusterRole" : "Role");
	grant = nd_rbac_grant_name(u, q, r->arena);
	resarg = q->resource ? (empty(q->subresource) ? res_text(r, q)
				: nd_report_printf(r, "%s/%s", res_text(r, q), q->subresource)) : NULL;
	if (cluster) {
		if (q->resource)
			nd_finding_command(r, f, "kubectl create clusterrole %s --verb=%s --resource=%s%s%s",
					   grant, q->verb, resarg, empty(q->name) ? "" : " --resource-name=",
					   empty(q->name) ? "" : q->name);
		else
			nd_finding_command(r, f, "kubectl create clusterrole %s --verb=%s "
					   "--non-resource-url=%s", grant, q->verb, q->path);
		nd_finding_command(r, f, "kubectl create clusterrolebinding %s --clusterrole=%s %s",
				   grant, grant, subj);
	} else {
		nd_finding_command(r, f, "kubectl create role %s -n %s --verb=%s --resource=%s%s%s",
				   grant, q->ns, q->verb, resarg, empty(q->name) ? "" : " --resource-name=",
				   empty(q->name) ? "" : q->name);
		nd_finding_command(r, f, "kubectl create rolebinding %s -n %s --role=%s %s", grant,
				   q->ns, grant, subj);
	}
	return f;
}
