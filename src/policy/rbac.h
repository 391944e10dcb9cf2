/* SPDX-License-Identifier: MIT */
#ifndef ND_RBAC_H
#define ND_RBAC_H
/*
 * RBAC authorization, as rbac.authorization.k8s.io/v1 and the API server's
 * RBAC authorizer define it (re-implemented from the documentation and the
 * upstream evaluation rules, not copied).
 *
 * A request is allowed when some rule of some role bound to the user allows
 * it. Bindings visited: every ClusterRoleBinding, then the RoleBindings of
 * the request's namespace (none for a cluster-scoped or non-resource
 * request). A RoleBinding may name a Role of its own namespace or a
 * ClusterRole (whose rules then count in that namespace only); a
 * ClusterRoleBinding naming a Role is invalid and grants nothing.
 *
 * Subjects: User by name; Group when the user is in the group;
 * ServiceAccount when the user is system:serviceaccount:<ns>:<name>, the
 * namespace defaulting to the binding's. The user's groups follow the
 * API server: a service account without explicit groups is in
 * system:serviceaccounts and system:serviceaccounts:<ns>; every user but
 * system:anonymous is in system:authenticated (anonymous: system:unauthenticated).
 * The group system:masters is allowed everything (the API server's
 * privileged-group authorizer runs before RBAC).
 *
 * A rule allows a resource request when the verb, the API group, the
 * resource and the name match:
 *  - verbs and apiGroups: equal, or "*";
 *  - resources: "*", or equal to "resource" or "resource/subresource"
 *    (pods/log), or "*\/subresource" for that subresource of any resource;
 *  - resourceNames: empty (any name) or containing the name (a request with
 *    no name, such as list or create, is not allowed by a rule with names).
 * A non-resource request (a path such as /healthz) needs a verb and a
 * nonResourceURLs entry that is "*", the path, or a prefix ending in "*".
 *
 * Aggregation: a ClusterRole with aggregationRule has as rules the union of
 * the rules of every other ClusterRole matched by one of its selectors
 * (the controller replaces its own rules with that union), nested to any
 * depth; a cycle stops at the role already being expanded (its stored
 * rules are used there).
 *
 * The engine keeps pointers into the model, which must outlive it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_model;
struct nd_role;
struct nd_binding;
struct nd_rbac_rule;
struct nd_rbac_subject;
struct nd_arena;
struct nd_err;

#define ND_RBAC_MAX_HITS 32        /* allowing rules listed */
#define ND_RBAC_MAX_CLOSEST 3      /* closest non-allowing rules listed */
#define ND_RBAC_MAX_BINDINGS 64    /* bindings listed */
#define ND_RBAC_MAX_RULES 65536    /* rules of one role after aggregation */
#define ND_RBAC_MAX_GROUPS 64

struct nd_rbac;

struct nd_rbac *nd_rbac_new(const struct nd_model *m);
void nd_rbac_free(struct nd_rbac *e);

struct nd_rbac_user {
	const char *name;
	const char **groups;
	uint32_t ngroups;
};
/*
 * The user as the API server sees it after authentication or
 * impersonation (kubectl --as/--as-group): groups as given, plus the
 * implied ones described above. At most ND_RBAC_MAX_GROUPS groups.
 */
void nd_rbac_user_make(struct nd_rbac_user *u, const char *name, const char *const *groups,
		       uint32_t ngroups, struct nd_arena *a);

struct nd_rbac_req {
	const char *verb;
	const char *group;         /* API group, "" for core */
	const char *resource;      /* NULL for a non-resource request */
	const char *subresource;   /* NULL or "" for none */
	const char *name;          /* NULL or "" for none */
	const char *ns;            /* NULL or "" for cluster scope */
	const char *path;          /* non-resource requests: the URL path */
};

/* A rule seen while deciding. */
struct nd_rbac_hit {
	const struct nd_binding *binding;   /* NULL for the system:masters group */
	const struct nd_role *role;         /* the role the binding names */
	const struct nd_role *from;         /* the role the rule is written in (aggregation) */
	uint32_t rule;                      /* index into from->rules */
	int score;                          /* closest: dimensions that match */
	const char *differs;                /* closest: what does not match */
};

struct nd_rbac_result {
	bool allowed;
	bool superuser;                     /* allowed through system:masters */
	uint32_t nmatched;                  /* allowing rules, at most ND_RBAC_MAX_HITS */
	struct nd_rbac_hit *matched;
	uint32_t nclosest;                  /* when denied: nearest rules, best first */
	struct nd_rbac_hit *closest;
	uint32_t nbindings;                 /* bindings naming the user, any namespace */
	const struct nd_binding **bindings;
	uint32_t nmissing;                  /* of those, bindings whose role does not exist */
	const struct nd_binding **missing;
};

/* Decide a request. Lists come from a. Never fails. */
void nd_rbac_check(const struct nd_rbac *e, const struct nd_rbac_user *u,
		   const struct nd_rbac_req *q, struct nd_arena *a, struct nd_rbac_result *out);

/* The pieces, for tests and explanations. */
bool nd_rbac_rule_allows(const struct nd_rbac_rule *r, const struct nd_rbac_req *q);
bool nd_rbac_subject_applies(const struct nd_rbac_subject *s, const char *binding_ns,
			     const struct nd_rbac_user *u);
/* The role a binding names, or NULL when absent or invalid. */
const struct nd_role *nd_rbac_binding_role(const struct nd_rbac *e, const struct nd_binding *b);
/* A role's rules after aggregation: n entries, rule i is rules[i] written in from[i]. */
size_t nd_rbac_role_rules(const struct nd_rbac *e, const struct nd_role *r,
			  const struct nd_rbac_rule *const **rules,
			  const struct nd_role *const **from);

/*
 * kubectl's RESOURCE argument: "pods", "po", "deployments.apps",
 * "deploy". Sets the plural resource and group for known names (a table of
 * the built-in kinds); unknown names are taken as written with group ""
 * unless "name.group" is used. *cluster is set for cluster-scoped kinds.
 * Returns 0, or -1 with e filled for an empty name.
 */
int nd_rbac_resource(const char *arg, struct nd_arena *a, const char **resource,
		     const char **group, bool *cluster, struct nd_err *e);
/*
 * The same, and *known false when arg names no built-in resource of the core
 * group (nor "*"): "podz" is then most likely a typo. A "name.group" of
 * another group is taken as known (custom resources are not known offline).
 * Singular forms resolve as kubectl's do ("pod", "networkpolicy").
 */
int nd_rbac_resource_known(const char *arg, struct nd_arena *a, const char **resource,
			   const char **group, bool *cluster, bool *known, struct nd_err *e);
/* The i-th built-in resource name (plural), NULL past the end. */
const char *nd_rbac_builtin_resource(size_t i);

/* ---- 403 Forbidden messages (rbac_forbidden.c) ---- */
/*
 * The API server writes (pkg/endpoints/handlers/responsewriters):
 *   <resource>[.<group>] ["<name>" ]is forbidden: User "<user>" cannot <verb>
 *     resource "<resource>[/<sub>]" in API group "<group>"
 *     (in the namespace "<ns>" | at the cluster scope)[: <reason>]
 *   forbidden: User "<user>" cannot <verb> path "<path>"[: <reason>]
 * with Go %q quoting. Fields are bounded copies; an over-long field is an error.
 */
struct nd_forbidden {
	char user[512];
	char verb[64];
	char resource[256];
	char subresource[256];
	char group[256];
	char ns[256];
	char name[512];
	char path[1024];
	char reason[512];     /* text after the template (authorizer reasons), may be empty */
	bool non_resource;
	bool cluster_scope;
};
/* Parse a Forbidden message. 0, or -1 with e naming what did not fit. */
int nd_rbac_parse_forbidden(const char *msg, size_t len, struct nd_forbidden *out,
			    struct nd_err *e);
/* Parse a 403 body: a JSON Status ({"kind":"Status",...,"message":...}) or a bare message. */
int nd_rbac_parse_status(const char *body, size_t len, struct nd_forbidden *out,
			 struct nd_err *e);
/* The question a parsed 403 asks: user (implied groups) and request, strings from a. */
void nd_rbac_forbidden_request(const struct nd_forbidden *f, struct nd_arena *a,
			       struct nd_rbac_user *u, struct nd_rbac_req *q);

/* ---- explanations (rbac_explain.c) ---- */
/* "verbs=[get list] apiGroups=[""] resources=[pods]", from a. */
const char *nd_rbac_rule_text(const struct nd_rbac_rule *r, struct nd_arena *a);
/* "get pods/log \"web-1\" in namespace shop" or "get path /healthz", from a. */
const char *nd_rbac_req_text(const struct nd_rbac_req *q, struct nd_arena *a);
/*
 * The smallest grant that allows q for u: Role + RoleBinding in q->ns, or
 * ClusterRole + ClusterRoleBinding for cluster scope and paths. YAML,
 * starting with "---\n", from a.
 */
const char *nd_rbac_fix_yaml(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			     struct nd_arena *a);
/* The name of that grant: <subject>-<verb>-<resource>, a valid object name, from a. */
const char *nd_rbac_grant_name(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			       struct nd_arena *a);
/* One-line reason for the result, from a. */
const char *nd_rbac_reason(const struct nd_rbac_user *u, const struct nd_rbac_req *q,
			   const struct nd_rbac_result *res, struct nd_arena *a);

#endif
