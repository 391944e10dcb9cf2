/* SPDX-License-Identifier: MIT */
/* The RBAC engine: roles, aggregation, subjects, rule matching, the decision. */
#include "policy/rbac.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "k8s/model.h"
#include "core/buf.h"
#include "k8s/labels.h"
#include "core/banned.h"
#include "core/i18n.h"

#define SA_PREFIX "system:serviceaccount:"

struct eff {                         /* a role's rules after aggregation */
	const struct nd_rbac_rule **rules;
	const struct nd_role **from;
	size_t n, cap;
	uint8_t state;                   /* 0 not built, 1 building, 2 built */
};

struct nd_rbac {
	const struct nd_model *m;
	uint32_t *order;                 /* role indexes sorted by (cluster, ns, name) */
	size_t nroles;
	struct eff *eff;                 /* per role, by index into m->roles.v */
};

static bool streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static int cmp_role_key(bool c1, const char *ns1, const char *n1, const struct nd_role *r)
{
	int c;

	if (c1 != r->cluster)
		return c1 ? 1 : -1;
	if (!c1) {
		c = strcmp(ns1 ? ns1 : "", r->m.ns ? r->m.ns : "");
		if (c)
			return c;
	}
	return strcmp(n1 ? n1 : "", r->m.name ? r->m.name : "");
}

static int cmp_role(const void *x, const void *y, void *arg)
{
	const struct nd_model *m = arg;
	const struct nd_role *a = &m->roles.v[*(const uint32_t *)x];

	return cmp_role_key(a->cluster, a->m.ns, a->m.name, &m->roles.v[*(const uint32_t *)y]);
}

static const struct nd_role *find_role(const struct nd_rbac *e, bool cluster, const char *ns,
				       const char *name)
{
	size_t lo = 0, hi = e->nroles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct nd_role *r = &e->m->roles.v[e->order[mid]];
		int c = cmp_role_key(cluster, ns, name, r);

		if (!c)
			return r;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct nd_rbac *nd_rbac_new(const struct nd_model *m)
{
	struct nd_rbac *e = nd_xcalloc(1, sizeof(*e));
	size_t i;

	e->m = m;
	e->nroles = m->roles.n;
	e->order = nd_xmalloc((e->nroles ? e->nroles : 1) * sizeof(*e->order));
	for (i = 0; i < e->nroles; i++)
		e->order[i] = (uint32_t)i;
	qsort_r(e->order, e->nroles, sizeof(*e->order), cmp_role, (void *)m);
	e->eff = nd_xcalloc(e->nroles ? e->nroles : 1, sizeof(*e->eff));
	return e;
}

void nd_rbac_free(struct nd_rbac *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nroles; i++) {
		free(e->eff[i].rules);
		free(e->eff[i].from);
	}
	free(e->eff);
	free(e->order);
	free(e);
}

/* ---- aggregation ---- */

static void eff_add(struct eff *x, const struct nd_rbac_rule *r, const struct nd_role *from)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->rules[i] == r)
			return;
	if (x->n >= ND_RBAC_MAX_RULES)
		return;
	if (x->n == x->cap) {
		size_t cap = x->cap;

		ND_GROW(x->rules, cap, x->n + 1);
		ND_GROW(x->from, x->cap, x->n + 1);
	}
	x->rules[x->n] = r;
	x->from[x->n++] = from;
}

static void own_rules(struct eff *x, const struct nd_role *r)
{
	uint32_t i;

	for (i = 0; i < r->nrules; i++)
		eff_add(x, &r->rules[i], r);
}

static int cmp_by_name(const void *x, const void *y, void *arg)
{
	const struct nd_model *m = arg;

	return strcmp(m->roles.v[*(const uint32_t *)x].m.name,
		      m->roles.v[*(const uint32_t *)y].m.name);
}

static void build(struct nd_rbac *e, size_t idx)
{
	const struct nd_model *m = e->m;
	const struct nd_role *r = &m->roles.v[idx];
	struct eff *x = &e->eff[idx];
	uint32_t *match;
	size_t i, j, k = 0;

	if (x->state)
		return;
	x->state = 1;
	if (!r->cluster || !r->nagg) {
		own_rules(x, r);
		x->state = 2;
		return;
	}
	/* matched ClusterRoles in name order, as the controller does */
	match = nd_xmalloc((m->roles.n ? m->roles.n : 1) * sizeof(*match));
	for (i = 0; i < m->roles.n; i++) {
		const struct nd_role *c = &m->roles.v[i];

		if (i == idx || !c->cluster)
			continue;
		for (j = 0; j < r->nagg; j++)
			if (nd_selector_matches(&r->agg[j], &c->m.labels)) {
				match[k++] = (uint32_t)i;
				break;
			}
	}
	qsort_r(match, k, sizeof(*match), cmp_by_name, (void *)m);
	for (i = 0; i < k; i++) {
		struct eff *cx = &e->eff[match[i]];

		build(e, match[i]);
		if (cx->state == 1) {           /* a cycle: that role's stored rules */
			own_rules(x, &m->roles.v[match[i]]);
			continue;
		}
		for (j = 0; j < cx->n; j++)
			eff_add(x, cx->rules[j], cx->from[j]);
	}
	free(match);
	x->state = 2;
}

size_t nd_rbac_role_rules(const struct nd_rbac *e, const struct nd_role *r,
			  const struct nd_rbac_rule *const **rules,
			  const struct nd_role *const **from)
{
	size_t idx = (size_t)(r - e->m->roles.v);
	struct nd_rbac *me = (struct nd_rbac *)e;   /* built lazily, once */

	build(me, idx);
	*rules = me->eff[idx].rules;
	*from = me->eff[idx].from;
	return me->eff[idx].n;
}

const struct nd_role *nd_rbac_binding_role(const struct nd_rbac *e, const struct nd_binding *b)
{
	if (streq(b->role_kind, "ClusterRole"))
		return find_role(e, true, NULL, b->role_name);
	if (streq(b->role_kind, "Role") && !b->cluster)
		return find_role(e, false, b->m.ns, b->role_name);
	return NULL;
}

/* ---- users and subjects ---- */

static bool has(const char *const *v, uint32_t n, const char *s)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

/* "system:serviceaccount:<ns>:<name>" -> ns (copied to a) and name; false otherwise. */
static bool split_sa(const char *user, struct nd_arena *a, const char **ns, const char **name)
{
	const char *p, *c;

	if (!user || strncmp(user, SA_PREFIX, strlen(SA_PREFIX)) != 0)
		return false;
	p = user + strlen(SA_PREFIX);
	c = strchr(p, ':');
	if (!c || c == p || !c[1] || strchr(c + 1, ':'))
		return false;
	*ns = nd_arena_strndup(a, p, (size_t)(c - p));
	*name = c + 1;
	return true;
}

void nd_rbac_user_make(struct nd_rbac_user *u, const char *name, const char *const *groups,
		       uint32_t ngroups, struct nd_arena *a)
{
	const char *ns, *sa;
	uint32_t i;

	u->name = name ? name : "";
	u->groups = nd_arena_alloc(a, (ND_RBAC_MAX_GROUPS + 3) * sizeof(*u->groups));
	u->ngroups = 0;
	for (i = 0; i < ngroups && u->ngroups < ND_RBAC_MAX_GROUPS; i++)
		if (!has(u->groups, u->ngroups, groups[i]))
			u->groups[u->ngroups++] = groups[i];
	if (!ngroups && split_sa(u->name, a, &ns, &sa)) {
		u->groups[u->ngroups++] = "system:serviceaccounts";
		u->groups[u->ngroups++] = nd_arena_printf(a, "system:serviceaccounts:%s", ns);
	}
	if (strcmp(u->name, "system:anonymous") == 0) {
		if (!ngroups)
			u->groups[u->ngroups++] = "system:unauthenticated";
	} else if (!has(u->groups, u->ngroups, "system:authenticated")) {
		u->groups[u->ngroups++] = "system:authenticated";
	}
}

bool nd_rbac_subject_applies(const struct nd_rbac_subject *s, const char *binding_ns,
			     const struct nd_rbac_user *u)
{
	const char *ns;
	size_t pl = strlen(SA_PREFIX), nl, ml;

	if (!s->kind || !s->name)
		return false;
	if (strcmp(s->kind, "User") == 0)
		return streq(u->name, s->name);
	if (strcmp(s->kind, "Group") == 0)
		return has(u->groups, u->ngroups, s->name);
	if (strcmp(s->kind, "ServiceAccount") != 0)
		return false;
	ns = !empty(s->ns) ? s->ns : binding_ns;
	if (empty(ns) || !u->name)
		return false;
	nl = strlen(ns);
	ml = strlen(s->name);
	return strlen(u->name) == pl + nl + 1 + ml && strncmp(u->name, SA_PREFIX, pl) == 0 &&
	       strncmp(u->name + pl, ns, nl) == 0 && u->name[pl + nl] == ':' &&
	       strcmp(u->name + pl + nl + 1, s->name) == 0;
}

static bool binding_applies(const struct nd_binding *b, const struct nd_rbac_user *u)
{
	uint32_t i;

	for (i = 0; i < b->nsubjects; i++)
		if (nd_rbac_subject_applies(&b->subjects[i], b->cluster ? NULL : b->m.ns, u))
			return true;
	return false;
}

/* ---- rules ---- */

static bool in_or_star(const char **v, uint32_t n, const char *s)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], "*") == 0 || streq(v[i], s))
			return true;
	return false;
}

static bool resource_matches(const struct nd_rbac_rule *r, const char *res, const char *sub)
{
	size_t rl = strlen(res), sl = sub ? strlen(sub) : 0;
	uint32_t i;

	for (i = 0; i < r->nresources; i++) {
		const char *x = r->resources[i];
		size_t xl = strlen(x);

		if (strcmp(x, "*") == 0)
			return true;
		if (!sl) {
			if (strcmp(x, res) == 0)
				return true;
			continue;
		}
		/* "resource/subresource" */
		if (xl == rl + 1 + sl && strncmp(x, res, rl) == 0 && x[rl] == '/' &&
		    strcmp(x + rl + 1, sub) == 0)
			return true;
		/* "*\/subresource" */
		if (xl == sl + 2 && x[0] == '*' && x[1] == '/' && strcmp(x + 2, sub) == 0)
			return true;
	}
	return false;
}

static bool name_matches(const struct nd_rbac_rule *r, const char *name)
{
	uint32_t i;

	if (!r->nresource_names)
		return true;
	for (i = 0; i < r->nresource_names; i++)
		if (streq(r->resource_names[i], name ? name : ""))
			return true;
	return false;
}

static bool url_matches(const struct nd_rbac_rule *r, const char *path)
{
	uint32_t i;

	for (i = 0; i < r->nurls; i++) {
		const char *x = r->urls[i];
		size_t xl = strlen(x);

		if (strcmp(x, "*") == 0 || strcmp(x, path) == 0)
			return true;
		if (xl && x[xl - 1] == '*' && strncmp(x, path, xl - 1) == 0)
			return true;
	}
	return false;
}

bool nd_rbac_rule_allows(const struct nd_rbac_rule *r, const struct nd_rbac_req *q)
{
	if (!in_or_star(r->verbs, r->nverbs, q->verb ? q->verb : ""))
		return false;
	if (!q->resource)
		return url_matches(r, q->path ? q->path : "");
	return in_or_star(r->api_groups, r->napi_groups, q->group ? q->group : "") &&
	       resource_matches(r, q->resource, empty(q->subresource) ? NULL : q->subresource) &&
	       name_matches(r, q->name);
}

/* Score a rule that does not allow q, and say why; the binding's scope may differ too. */
static int score_rule(const struct nd_rbac_rule *r, const struct nd_rbac_req *q,
		      const struct nd_binding *b, struct nd_buf *why)
{
	const char *sub = empty(q->subresource) ? NULL : q->subresource;
	int s = 0;
	bool first = true;

#define DIFF(...) do { nd_buf_printf(why, "%s", first ? "" : "; "); nd_buf_printf(why, __VA_ARGS__); \
		first = false; } while (0)
	if (in_or_star(r->verbs, r->nverbs, q->verb))
		s++;
	else
		DIFF("verb '%s' is not in its verbs", q->verb);
	if (!q->resource) {
		if (url_matches(r, q->path))
			s++;
		else if (!r->nurls)
			DIFF("it is a resource rule, the request is for the path %s", q->path);
		else
			DIFF("path %s is not in its nonResourceURLs", q->path);
		return s;
	}
	if (in_or_star(r->api_groups, r->napi_groups, q->group))
		s++;
	else
		DIFF("API group \"%s\" is not in its apiGroups", q->group);
	if (resource_matches(r, q->resource, sub))
		s++;
	else if (sub)
		DIFF("resource %s/%s is not in its resources (subresources must be listed)",
		     q->resource, sub);
	else
		DIFF("resource %s is not in its resources", q->resource);
	if (name_matches(r, q->name))
		s++;
	else if (empty(q->name))
		DIFF("it is limited to resourceNames and the request names no object");
	else
		DIFF("name '%s' is not in its resourceNames", q->name);
	if (b && !b->cluster && !streq(b->m.ns, q->ns)) {
		if (empty(q->ns))
			DIFF("RoleBinding %s/%s grants in namespace %s only, the request is "
			     "cluster-wide", b->m.ns, b->m.name, b->m.ns);
		else
			DIFF("RoleBinding %s/%s grants in namespace %s, not %s", b->m.ns, b->m.name,
			     b->m.ns, q->ns);
	} else {
		s++;
	}
#undef DIFF
	return s;
}

static void keep_closest(struct nd_rbac_result *out, struct nd_arena *a,
			 const struct nd_rbac_hit *h)
{
	uint32_t i, at;

	if (!out->closest)
		out->closest = nd_arena_alloc(a, ND_RBAC_MAX_CLOSEST * sizeof(*out->closest));
	for (at = 0; at < out->nclosest && out->closest[at].score >= h->score; at++)
		;
	if (at >= ND_RBAC_MAX_CLOSEST)
		return;
	if (out->nclosest < ND_RBAC_MAX_CLOSEST)
		out->nclosest++;
	for (i = out->nclosest - 1; i > at; i--)
		out->closest[i] = out->closest[i - 1];
	out->closest[at] = *h;
}

void nd_rbac_check(const struct nd_rbac *e, const struct nd_rbac_user *u,
		   const struct nd_rbac_req *q, struct nd_arena *a, struct nd_rbac_result *out)
{
	const struct nd_model *m = e->m;
	struct nd_rbac_req qq = *q;
	size_t i, j;

	memset(out, 0, sizeof(*out));
	qq.verb = qq.verb ? qq.verb : "";
	qq.group = qq.group ? qq.group : "";
	qq.path = qq.path ? qq.path : "";
	out->matched = nd_arena_alloc(a, ND_RBAC_MAX_HITS * sizeof(*out->matched));
	out->bindings = nd_arena_alloc(a, ND_RBAC_MAX_BINDINGS * sizeof(*out->bindings));
	out->missing = nd_arena_alloc(a, ND_RBAC_MAX_BINDINGS * sizeof(*out->missing));
	if (has(u->groups, u->ngroups, "system:masters")) {
		out->allowed = out->superuser = true;
	}
	/* ClusterRoleBindings first, then the RoleBindings of the namespace, as the authorizer */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < m->bindings.n; i++) {
			const struct nd_binding *b = &m->bindings.v[i];
			const struct nd_rbac_rule *const *rules;
			const struct nd_role *const *from;
			const struct nd_role *role;
			bool in_scope;
			size_t n;

			if (b->cluster != (pass == 0) || !binding_applies(b, u))
				continue;
			in_scope = b->cluster || (!empty(qq.ns) && streq(b->m.ns, qq.ns) && qq.resource);
			if (out->nbindings < ND_RBAC_MAX_BINDINGS)
				out->bindings[out->nbindings++] = b;
			role = nd_rbac_binding_role(e, b);
			if (!role) {
				if (out->nmissing < ND_RBAC_MAX_BINDINGS)
					out->missing[out->nmissing++] = b;
				continue;
			}
			n = nd_rbac_role_rules(e, role, &rules, &from);
			for (j = 0; j < n; j++) {
				const struct nd_role *fr = from[j];
				struct nd_rbac_hit h = {b, role, fr, (uint32_t)(rules[j] - fr->rules),
							0, NULL};

				if (in_scope && nd_rbac_rule_allows(rules[j], &qq)) {
					out->allowed = true;
					if (out->nmatched < ND_RBAC_MAX_HITS)
						out->matched[out->nmatched++] = h;
					continue;
				}
				if (!out->nmatched) {
					struct nd_buf why = ND_BUF_INIT(ND_TEXT_MAX);

					h.score = score_rule(rules[j], &qq, b, &why);
					h.differs = nd_buf_arena(&why, a);
					keep_closest(out, a, &h);
				}
			}
		}
	}
	if (out->allowed)
		out->nclosest = 0;
}

/* ---- kubectl's RESOURCE argument ---- */

static const struct {
	const char *name, *shrt, *group;
	bool cluster;
} builtin[] = {
	{"pods", "po", "", false},
	{"services", "svc", "", false},
	{"endpoints", "ep", "", false},
	{"configmaps", "cm", "", false},
	{"secrets", NULL, "", false},
	{"serviceaccounts", "sa", "", false},
	{"persistentvolumeclaims", "pvc", "", false},
	{"events", "ev", "", false},
	{"limitranges", "limits", "", false},
	{"resourcequotas", "quota", "", false},
	{"replicationcontrollers", "rc", "", false},
	{"podtemplates", NULL, "", false},
	{"bindings", NULL, "", false},
	{"nodes", "no", "", true},
	{"namespaces", "ns", "", true},
	{"persistentvolumes", "pv", "", true},
	{"componentstatuses", "cs", "", true},
	{"deployments", "deploy", "apps", false},
	{"replicasets", "rs", "apps", false},
	{"statefulsets", "sts", "apps", false},
	{"daemonsets", "ds", "apps", false},
	{"controllerrevisions", NULL, "apps", false},
	{"jobs", NULL, "batch", false},
	{"cronjobs", "cj", "batch", false},
	{"horizontalpodautoscalers", "hpa", "autoscaling", false},
	{"ingresses", "ing", "networking.k8s.io", false},
	{"networkpolicies", "netpol", "networking.k8s.io", false},
	{"ingressclasses", NULL, "networking.k8s.io", true},
	{"endpointslices", NULL, "discovery.k8s.io", false},
	{"poddisruptionbudgets", "pdb", "policy", false},
	{"roles", NULL, "rbac.authorization.k8s.io", false},
	{"rolebindings", NULL, "rbac.authorization.k8s.io", false},
	{"clusterroles", NULL, "rbac.authorization.k8s.io", true},
	{"clusterrolebindings", NULL, "rbac.authorization.k8s.io", true},
	{"storageclasses", "sc", "storage.k8s.io", true},
	{"csidrivers", NULL, "storage.k8s.io", true},
	{"csinodes", NULL, "storage.k8s.io", true},
	{"volumeattachments", NULL, "storage.k8s.io", true},
	{"customresourcedefinitions", "crd", "apiextensions.k8s.io", true},
	{"apiservices", NULL, "apiregistration.k8s.io", true},
	{"priorityclasses", "pc", "scheduling.k8s.io", true},
	{"runtimeclasses", NULL, "node.k8s.io", true},
	{"leases", NULL, "coordination.k8s.io", false},
	{"certificatesigningrequests", "csr", "certificates.k8s.io", true},
	{"mutatingwebhookconfigurations", NULL, "admissionregistration.k8s.io", true},
	{"validatingwebhookconfigurations", NULL, "admissionregistration.k8s.io", true},
	{"tokenreviews", NULL, "authentication.k8s.io", true},
	{"subjectaccessreviews", NULL, "authorization.k8s.io", true},
	{"selfsubjectaccessreviews", NULL, "authorization.k8s.io", true},
	{"localsubjectaccessreviews", NULL, "authorization.k8s.io", false},
	{"nodenetworkconfigs", "nnc", "acn.azure.com", false},
};

/* kubectl's singular forms: "pod" -> "pods", "networkpolicy" -> "networkpolicies",
 * "ingress" -> "ingresses". */
static bool singular_of(const char *arg, const char *plural)
{
	size_t n = strlen(arg), p = strlen(plural);

	if (p == n + 1 && plural[n] == 's' && strncmp(arg, plural, n) == 0)
		return true;
	if (p == n + 2 && strcmp(plural + n, "es") == 0 && strncmp(arg, plural, n) == 0)
		return true;
	return n > 1 && arg[n - 1] == 'y' && p == n + 2 && strcmp(plural + n - 1, "ies") == 0 &&
	       strncmp(arg, plural, n - 1) == 0;
}

int nd_rbac_resource(const char *arg, struct nd_arena *a, const char **resource,
		     const char **group, bool *cluster, struct nd_err *e)
{
	bool known;

	return nd_rbac_resource_known(arg, a, resource, group, cluster, &known, e);
}

int nd_rbac_resource_known(const char *arg, struct nd_arena *a, const char **resource,
			   const char **group, bool *cluster, bool *known, struct nd_err *e)
{
	const char *dot;
	size_t i;

	*cluster = false;
	*known = true;
	if (empty(arg))
		return nd_err_set(e, _("empty resource name"));
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (strcmp(arg, builtin[i].name) == 0 ||
		    (builtin[i].shrt && strcmp(arg, builtin[i].shrt) == 0) ||
		    singular_of(arg, builtin[i].name)) {
			*resource = builtin[i].name;
			*group = builtin[i].group;
			*cluster = builtin[i].cluster;
			return 0;
		}
	dot = strchr(arg, '.');
	if (dot && dot != arg && dot[1]) {
		*resource = nd_arena_strndup(a, arg, (size_t)(dot - arg));
		*group = dot + 1;
		for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
			if (strcmp(*resource, builtin[i].name) == 0 &&
			    strcmp(*group, builtin[i].group) == 0)
				*cluster = builtin[i].cluster;
		return 0;    /* another API group: its resources are not known offline */
	}
	*resource = arg;
	*group = "";
	*known = strcmp(arg, "*") == 0;
	return 0;
}

const char *nd_rbac_builtin_resource(size_t i)
{
	return i < sizeof(builtin) / sizeof(builtin[0]) ? builtin[i].name : NULL;
}
