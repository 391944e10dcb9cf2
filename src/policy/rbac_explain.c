/* SPDX-License-Identifier: MIT */
/* RBAC explanations: rules and requests in words, the reason, the minimal grant (YAML). */
#include "policy/rbac.h"

#include <string.h>

#include "core/arena.h"
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

static void yq(struct nd_buf *b, const char *s)
{
	nd_buf_printf(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			nd_buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			nd_buf_printf(b, "\\x%02x", (unsigned char)*s);
		else
			nd_buf_printf(b, "%c", *s);
	}
	nd_buf_printf(b, "\"");
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

static void subject_yaml(struct nd_buf *b, const struct nd_rbac_user *u)
{
	const char *c;

	if (strncmp(u->name, SA_PREFIX, strlen(SA_PREFIX)) == 0 &&
	    (c = strchr(u->name + strlen(SA_PREFIX), ':')) != NULL) {
		nd_buf_printf(b, "- kind: ServiceAccount\n  name: ");
		yq(b, c + 1);
		nd_buf_printf(b, "\n  namespace: %.*s\n", (int)(c - u->name - strlen(SA_PREFIX)),
			  u->name + strlen(SA_PREFIX));
		return;
	}
	nd_buf_printf(b, "- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: ");
	yq(b, u->name);
	nd_buf_printf(b, "\n");
}

const char *nd_rbac_fix_yaml(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			     struct nd_arena *a)
{
	bool cluster = !q->resource || empty(q->ns);
	const char *name = nd_rbac_grant_name(u, q, a);
	const char *kind = cluster ? "ClusterRole" : "Role";
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);

	nd_buf_printf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: %s\nmetadata:\n"
		  "  name: %s\n", kind, name);
	if (!cluster)
		nd_buf_printf(&b, "  namespace: %s\n", q->ns);
	nd_buf_printf(&b, "rules:\n");
	if (q->resource) {
		nd_buf_printf(&b, "- apiGroups: [");
		yq(&b, q->group ? q->group : "");
		nd_buf_printf(&b, "]\n  resources: [");
		yq(&b, empty(q->subresource) ? q->resource
					     : nd_arena_printf(a, "%s/%s", q->resource, q->subresource));
		nd_buf_printf(&b, "]\n");
		if (!empty(q->name)) {
			nd_buf_printf(&b, "  resourceNames: [");
			yq(&b, q->name);
			nd_buf_printf(&b, "]\n");
		}
	} else {
		nd_buf_printf(&b, "- nonResourceURLs: [");
		yq(&b, q->path ? q->path : "");
		nd_buf_printf(&b, "]\n");
	}
	nd_buf_printf(&b, "  verbs: [");
	yq(&b, q->verb);
	nd_buf_printf(&b, "]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: %sBinding\n"
		  "metadata:\n  name: %s\n", kind, name);
	if (!cluster)
		nd_buf_printf(&b, "  namespace: %s\n", q->ns);
	nd_buf_printf(&b, "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: %s\n  name: %s\n"
		  "subjects:\n", kind, name);
	subject_yaml(&b, u);
	return nd_buf_arena(&b, a);
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
