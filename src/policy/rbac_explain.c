/* SPDX-License-Identifier: MIT */
/* RBAC explanations: rules and requests in words, the reason, the minimal grant (YAML). */
#include "policy/rbac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/yaml.h"
#include "k8s/model.h"
#include "core/buf.h"
#include "core/banned.h"

#define SA_PREFIX "system:serviceaccount:"

static bool empty(const char *s)
{
	return !s || !*s;
}

static void list(struct nd_buf *b, const char *key, const char **v, uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	nd_buf_printf(b, "%s%s=[", b->len ? " " : "", key);
	for (i = 0; i < n; i++)
		nd_buf_printf(b, "%s%s", i ? " " : "", *v[i] ? v[i] : "\"\"");
	nd_buf_printf(b, "]");
}

const char *nd_rbac_rule_text(const struct nd_rbac_rule *r, struct nd_arena *a)
{
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);

	list(&b, "verbs", r->verbs, r->nverbs);
	list(&b, "apiGroups", r->api_groups, r->napi_groups);
	list(&b, "resources", r->resources, r->nresources);
	list(&b, "resourceNames", r->resource_names, r->nresource_names);
	list(&b, "nonResourceURLs", r->urls, r->nurls);
	return nd_buf_arena(&b, a);
}

const char *nd_rbac_req_text(const struct nd_rbac_req *q, struct nd_arena *a)
{
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);

	if (!q->resource) {
		nd_buf_printf(&b, "%s path %s", q->verb ? q->verb : "", q->path ? q->path : "");
		return nd_buf_arena(&b, a);
	}
	nd_buf_printf(&b, "%s %s", q->verb ? q->verb : "", q->resource);
	if (!empty(q->group))
		nd_buf_printf(&b, ".%s", q->group);
	if (!empty(q->subresource))
		nd_buf_printf(&b, "/%s", q->subresource);
	if (!empty(q->name))
		nd_buf_printf(&b, " \"%s\"", q->name);
	if (!empty(q->ns))
		nd_buf_printf(&b, " in namespace %s", q->ns);
	else
		nd_buf_printf(&b, " at the cluster scope");
	return nd_buf_arena(&b, a);
}

static void dns_part(struct nd_buf *b, const char *s, size_t max)
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
		nd_buf_printf(b, "%c", c);
		n++;
	}
	if (n && dash)
		b->len--, b->p[b->len] = '\0';
}

const char *nd_rbac_grant_name(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			       struct nd_arena *a)
{
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);
	const char *who = u->name;

	if (strncmp(who, SA_PREFIX, strlen(SA_PREFIX)) == 0)
		who = strrchr(who, ':') + 1;
	dns_part(&b, who, 24);
	if (!b.len)
		nd_buf_printf(&b, "subject");
	nd_buf_printf(&b, "-");
	dns_part(&b, strcmp(q->verb, "*") == 0 ? "all" : q->verb, 16);
	nd_buf_printf(&b, "-");
	if (q->resource) {
		dns_part(&b, strcmp(q->resource, "*") == 0 ? "all" : q->resource, 20);
		if (!empty(q->subresource)) {
			nd_buf_printf(&b, "-");
			dns_part(&b, q->subresource, 12);
		}
	} else {
		size_t at = b.len;

		dns_part(&b, q->path ? q->path : "", 20);
		if (b.len == at)
			nd_buf_printf(&b, "path");
	}
	return nd_buf_arena(&b, a);
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

static void binding_name(struct nd_buf *b, const struct nd_binding *x)
{
	if (x->cluster)
		nd_buf_printf(b, "ClusterRoleBinding %s", x->m.name);
	else
		nd_buf_printf(b, "RoleBinding %s/%s", x->m.ns, x->m.name);
}

const char *nd_rbac_reason(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			   const struct nd_rbac_result *res, struct nd_arena *a)
{
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);
	uint32_t i;

	if (res->superuser) {
		nd_buf_printf(&b, "allowed: %s is in the group system:masters, which the API server "
			  "allows everything", u->name);
		return nd_buf_arena(&b, a);
	}
	if (res->allowed) {
		const struct nd_rbac_hit *h = &res->matched[0];

		nd_buf_printf(&b, "allowed: ");
		binding_name(&b, h->binding);
		nd_buf_printf(&b, " -> %s %s", h->role->cluster ? "ClusterRole" : "Role", h->role->m.name);
		if (h->from != h->role)
			nd_buf_printf(&b, " (aggregated from ClusterRole %s)", h->from->m.name);
		nd_buf_printf(&b, " rule %u: %s", h->rule, nd_rbac_rule_text(&h->from->rules[h->rule], a));
		return nd_buf_arena(&b, a);
	}
	nd_buf_printf(&b, "denied: ");
	if (!res->nbindings) {
		nd_buf_printf(&b, "no RoleBinding or ClusterRoleBinding names %s or its groups (", u->name);
		for (i = 0; i < u->ngroups; i++)
			nd_buf_printf(&b, "%s%s", i ? ", " : "", u->groups[i]);
		nd_buf_printf(&b, ")");
	} else {
		nd_buf_printf(&b, "%u binding%s name%s %s, none grants %s", res->nbindings,
			  res->nbindings == 1 ? "" : "s", res->nbindings == 1 ? "s" : "", u->name,
			  nd_rbac_req_text(q, a));
		if (res->nclosest)
			nd_buf_printf(&b, "; closest: %s", res->closest[0].differs);
	}
	for (i = 0; i < res->nmissing; i++) {
		nd_buf_printf(&b, "; ");
		binding_name(&b, res->missing[i]);
		nd_buf_printf(&b, " names %s %s, which does not exist%s",
			  res->missing[i]->role_kind ? res->missing[i]->role_kind : "?",
			  res->missing[i]->role_name ? res->missing[i]->role_name : "?",
			  res->missing[i]->cluster && res->missing[i]->role_kind &&
			  strcmp(res->missing[i]->role_kind, "Role") == 0 ?
			  " (a ClusterRoleBinding cannot name a Role)" : "");
	}
	return nd_buf_arena(&b, a);
}
