/* SPDX-License-Identifier: MIT */
#ifndef ND_RBAC_REPORT_H
#define ND_RBAC_REPORT_H
/*
 * RBAC results turned into report values (findings/finding.h), so `can-i`,
 * the in-cluster check and anything that meets a 403 say the same thing.
 * Everything is allocated in the report's arena.
 */
#include "findings/finding.h"
#include "policy/rbac.h"

/*
 * The can-i verdict object: allowed, user, groups, request, matched
 * (binding -> role -> rule), closest (when denied), bindings, reason, and
 * fix (Role + RoleBinding YAML) when denied.
 */
struct nd_val *nd_rbac_verdict_val(struct nd_report *r, const struct nd_rbac_user *u,
				   const struct nd_rbac_req *q, const struct nd_rbac_result *res);
/*
 * An incluster-forbidden finding (evidence user, verb, resource, namespace,
 * bindings) for a denied request, with the kubectl commands that grant it;
 * NULL (nothing added) when res allows it.
 */
struct nd_finding *nd_rbac_add_finding(struct nd_report *r, const struct nd_rbac_user *u,
				       const struct nd_rbac_req *q,
				       const struct nd_rbac_result *res);

#endif
