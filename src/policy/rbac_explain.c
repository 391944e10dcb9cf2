/* SPDX-License-Identifier: MIT */
/* RBAC explanations: rules and requests in words, the reason, the minimal grant (YAML). */
#include "policy/rbac.h"

#include <string.h>

#include "core/arena.h"
#include "core/yaml.h"
#include "k8s/model.h"
#include "policy/pbuf.h"
#include "core/banned.h"

#define SA_PREFIX "system:serviceaccount:"

static bool empty(const char *s)
{
	return !s || !*s;
}

static void list(struct pbuf *b, const char *key, const char **v, uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	pb_printf(b, "%s%s=[", b->n ? " " : "", key);
	for (i = 0; i < n; i++)
		pb_printf(b, "%s%s", i ? " " : "", *v[i] ? v[i] : "\"\"");
	pb_printf(b, "]");
}

const char *nd_rbac_rule_text(const struct nd_rbac_rule *r, struct nd_arena *a)
{
	struct pbuf b = {0};

	list(&b, "verbs", r->verbs, r->nverbs);
	list(&b, "apiGroups", r->api_groups, r->napi_groups);
	list(&b, "resources", r->resources, r->nresources);
	list(&b, "resourceNames", r->resource_names, r->nresource_names);
	list(&b, "nonResourceURLs", r->urls, r->nurls);
	return pb_done(&b, a);
}

const char *nd_rbac_req_text(const struct nd_rbac_req *q, struct nd_arena *a)
{
	struct pbuf b = {0};

	if (!q->resource) {
		pb_printf(&b, "%s path %s", q->verb ? q->verb : "", q->path ? q->path : "");
		return pb_done(&b, a);
	}
	pb_printf(&b, "%s %s", q->verb ? q->verb : "", q->resource);
	if (!empty(q->group))
		pb_printf(&b, ".%s", q->group);
	if (!empty(q->subresource))
		pb_printf(&b, "/%s", q->subresource);
	if (!empty(q->name))
		pb_printf(&b, " \"%s\"", q->name);
	if (!empty(q->ns))
		pb_printf(&b, " in namespace %s", q->ns);
	else
		pb_printf(&b, " at the cluster scope");
	return pb_done(&b, a);
}

static void dns_part(struct pbuf *b, const char *s, size_t max)
{
	size_t n = 0;
	bool dash = true;       /* no leading or doubled '-' */

	for (; *s && n < max; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			if (dash)
				continue;
			c = '-';
		}
		dash = c == '-';
		pb_printf(b, "%c", c);
		n++;
	}
	if (n && dash)
		b->n--, b->p[b->n] = '\0';
}

const char *nd_rbac_grant_name(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			       struct nd_arena *a)
{
	struct pbuf b = {0};
	const char *who = u->name;

	if (strncmp(who, SA_PREFIX, strlen(SA_PREFIX)) == 0)
		who = strrchr(who, ':') + 1;
	dns_part(&b, who, 24);
	if (!b.n)
		pb_printf(&b, "subject");
	pb_printf(&b, "-");
	dns_part(&b, strcmp(q->verb, "*") == 0 ? "all" : q->verb, 16);
	pb_printf(&b, "-");
	if (q->resource) {
		dns_part(&b, strcmp(q->resource, "*") == 0 ? "all" : q->resource, 20);
		if (!empty(q->subresource)) {
			pb_printf(&b, "-");
			dns_part(&b, q->subresource, 12);
		}
	} else {
		size_t at = b.n;

		dns_part(&b, q->path ? q->path : "", 20);
		if (b.n == at)
			pb_printf(&b, "path");
	}
	return pb_done(&b, a);
}

static void subject_yaml(struct nd_yaml *y, const struct nd_rbac_user *u, struct nd_arena *a)
{
	const char *c;

	nd_yaml_map(y);
	if (strncmp(u->name, SA_PREFIX, strlen(SA_PREFIX)) == 0 &&
	    (c = strchr(u->name + strlen(SA_PREFIX), ':')) != NULL) {
		nd_yaml_kv(y, "kind", "ServiceAccount");
		nd_yaml_kv(y, "name", c + 1);
		nd_yaml_kv(y, "namespace",
			   nd_arena_printf(a, "%.*s", (int)(c - u->name - strlen(SA_PREFIX)),
					   u->name + strlen(SA_PREFIX)));
	} else {
		nd_yaml_kv(y, "kind", "User");
		nd_yaml_kv(y, "apiGroup", "rbac.authorization.k8s.io");
		nd_yaml_kv(y, "name", u->name);
	}
	nd_yaml_end(y);
}

/* key: [v] */
static void one_item(struct nd_yaml *y, const char *k, const char *v)
{
	nd_yaml_str(y, k);
	nd_yaml_flow_seq(y);
	nd_yaml_str(y, v);
	nd_yaml_end(y);
}

static void meta(struct nd_yaml *y, const char *name, bool cluster, const char *ns)
{
	nd_yaml_str(y, "metadata");
	nd_yaml_map(y);
	nd_yaml_kv(y, "name", name);
	if (!cluster)
		nd_yaml_kv(y, "namespace", ns);
	nd_yaml_end(y);
}

const char *nd_rbac_fix_yaml(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			     struct nd_arena *a)
{
	bool cluster = !q->resource || empty(q->ns);
	const char *name = nd_rbac_grant_name(u, q, a);
	const char *kind = cluster ? "ClusterRole" : "Role";
	struct nd_yaml *y = nd_yaml_new();

	nd_yaml_doc(y);
	nd_yaml_map(y);
	nd_yaml_kv(y, "apiVersion", "rbac.authorization.k8s.io/v1");
	nd_yaml_kv(y, "kind", kind);
	meta(y, name, cluster, q->ns);
	nd_yaml_str(y, "rules");
	nd_yaml_seq(y);
	nd_yaml_map(y);
	if (q->resource) {
		one_item(y, "apiGroups", q->group ? q->group : "");
		one_item(y, "resources", empty(q->subresource) ? q->resource
			 : nd_arena_printf(a, "%s/%s", q->resource, q->subresource));
		if (!empty(q->name))
			one_item(y, "resourceNames", q->name);
	} else {
		one_item(y, "nonResourceURLs", q->path ? q->path : "");
	}
	one_item(y, "verbs", q->verb);
	nd_yaml_doc(y);
	nd_yaml_map(y);
	nd_yaml_kv(y, "apiVersion", "rbac.authorization.k8s.io/v1");
	nd_yaml_kv(y, "kind", nd_arena_printf(a, "%sBinding", kind));
	meta(y, name, cluster, q->ns);
	nd_yaml_str(y, "roleRef");
	nd_yaml_map(y);
	nd_yaml_kv(y, "apiGroup", "rbac.authorization.k8s.io");
	nd_yaml_kv(y, "kind", kind);
	nd_yaml_kv(y, "name", name);
	nd_yaml_end(y);
	nd_yaml_str(y, "subjects");
	nd_yaml_seq(y);
	subject_yaml(y, u, a);
	return nd_yaml_done(y, a);
}

static void binding_name(struct pbuf *b, const struct nd_binding *x)
{
	if (x->cluster)
		pb_printf(b, "ClusterRoleBinding %s", x->m.name);
	else
		pb_printf(b, "RoleBinding %s/%s", x->m.ns, x->m.name);
}

const char *nd_rbac_reason(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			   const struct nd_rbac_result *res, struct nd_arena *a)
{
	struct pbuf b = {0};
	uint32_t i;

	if (res->superuser) {
		pb_printf(&b, "allowed: %s is in the group system:masters, which the API server "
			  "allows everything", u->name);
		return pb_done(&b, a);
	}
	if (res->allowed) {
		const struct nd_rbac_hit *h = &res->matched[0];

		pb_printf(&b, "allowed: ");
		binding_name(&b, h->binding);
		pb_printf(&b, " -> %s %s", h->role->cluster ? "ClusterRole" : "Role", h->role->m.name);
		if (h->from != h->role)
			pb_printf(&b, " (aggregated from ClusterRole %s)", h->from->m.name);
		pb_printf(&b, " rule %u: %s", h->rule, nd_rbac_rule_text(&h->from->rules[h->rule], a));
		return pb_done(&b, a);
	}
	pb_printf(&b, "denied: ");
	if (!res->nbindings) {
		pb_printf(&b, "no RoleBinding or ClusterRoleBinding names %s or its groups (", u->name);
		for (i = 0; i < u->ngroups; i++)
			pb_printf(&b, "%s%s", i ? ", " : "", u->groups[i]);
		pb_printf(&b, ")");
	} else {
		pb_printf(&b, "%u binding%s name%s %s, none grants %s", res->nbindings,
			  res->nbindings == 1 ? "" : "s", res->nbindings == 1 ? "s" : "", u->name,
			  nd_rbac_req_text(q, a));
		if (res->nclosest)
			pb_printf(&b, "; closest: %s", res->closest[0].differs);
	}
	for (i = 0; i < res->nmissing; i++) {
		pb_printf(&b, "; ");
		binding_name(&b, res->missing[i]);
		pb_printf(&b, " names %s %s, which does not exist%s",
			  res->missing[i]->role_kind ? res->missing[i]->role_kind : "?",
			  res->missing[i]->role_name ? res->missing[i]->role_name : "?",
			  res->missing[i]->cluster && res->missing[i]->role_kind &&
			  strcmp(res->missing[i]->role_kind, "Role") == 0 ?
			  " (a ClusterRoleBinding cannot name a Role)" : "");
	}
	return pb_done(&b, a);
}
