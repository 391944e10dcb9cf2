/* SPDX-License-Identifier: MIT */
/*
 * The Table columns and cells of the kinds beside the core ones (table_rows.c):
 * namespaces, configmaps, serviceaccounts, networkpolicies, the workloads
 * (daemonsets, deployments, replicasets, statefulsets) and RBAC, as the
 * Kubernetes API server prints them (pkg/printers/internalversion).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "serve/table.h"
#include "serve/table_int.h"
#include "core/banned.h"

/* ---- namespaces, configmaps, serviceaccounts, networkpolicies ---- */

static const struct nd_tcol ns_cols[] = {
	NAME_COL, {"Status", "string", "", 0, "The status of the namespace"}, AGE_COL,
};

static void ns_row(struct nd_trow *t, const struct nd_json *obj)
{
	name_cell(t, obj);
	nd_tcell_str(t, nd_tstr(get(obj, "status"), "phase"));
	age_cell(t, obj);
}

static const struct nd_tcol cm_cols[] = {
	NAME_COL, {"Data", "string", "", 0, "Data contains the configuration data."}, AGE_COL,
};

static void cm_row(struct nd_trow *t, const struct nd_json *obj)
{
	name_cell(t, obj);
	nd_tcell_int(t, (int64_t)(len_of(get(obj, "data")) + len_of(get(obj, "binaryData"))));
	age_cell(t, obj);
}

static const struct nd_tcol sa_cols[] = {
	NAME_COL, {"Secrets", "string", "", 0, "Secrets is a list of the secrets in the same "
					       "namespace that pods running using this "
					       "ServiceAccount are allowed to use."},
	AGE_COL,
};

static void sa_row(struct nd_trow *t, const struct nd_json *obj)
{
	name_cell(t, obj);
	nd_tcell_int(t, (int64_t)len_of(get(obj, "secrets")));
	age_cell(t, obj);
}

static const struct nd_tcol np_cols[] = {
	NAME_COL, {"Pod-Selector", "string", "", 0, "Selects the pods to which this "
						    "NetworkPolicy object applies."},
	AGE_COL,
};

static void np_row(struct nd_trow *t, const struct nd_json *obj)
{
	struct nd_buf s = ND_BUF_INIT(64 * 1024);

	nd_tselector(&s, get(get(obj, "spec"), "podSelector"));
	name_cell(t, obj);
	buf_cell(t, &s);
	age_cell(t, obj);
}

/* ---- workloads ---- */

static const struct nd_tcol ds_cols[] = {
	NAME_COL,
	{"Desired", "integer", "", 0, "The total number of nodes that should be running the daemon "
				      "pod."},
	{"Current", "integer", "", 0, "The number of nodes that are running at least 1 daemon pod "
				      "and are supposed to run the daemon pod."},
	{"Ready", "integer", "", 0, "The number of nodes that should be running the daemon pod and "
				    "have one or more of the daemon pod running and ready."},
	{"Up-to-date", "integer", "", 0, "The total number of nodes that are running updated "
					 "daemon pod"},
	{"Available", "integer", "", 0, "The number of nodes that should be running the daemon pod "
					"and have one or more of the daemon pod running and "
					"available."},
	{"Node Selector", "string", "", 0, "NodeSelector is a selector which must be true for the "
					   "pod to fit on a node."},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
	{"Selector", "string", "", 1, "A label query over pods that are managed by the daemon set."},
};

/* containers, images, selector: the wide tail of every workload */
static void workload_tail(struct nd_trow *t, const struct nd_json *spec)
{
	struct nd_buf n = ND_BUF_INIT(64 * 1024), im = ND_BUF_INIT(64 * 1024);
	struct nd_buf s = ND_BUF_INIT(64 * 1024);

	nd_tcontainers(&n, &im, get(get(spec, "template"), "spec"));
	nd_tselector(&s, get(spec, "selector"));
	buf_cell(t, &n);
	buf_cell(t, &im);
	buf_cell(t, &s);
}

static void ds_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	struct nd_buf ns = ND_BUF_INIT(64 * 1024);

	nd_tlabels(&ns, get(get(get(spec, "template"), "spec"), "nodeSelector"));
	name_cell(t, obj);
	nd_tcell_int(t, nd_tint(st, "desiredNumberScheduled", 0));
	nd_tcell_int(t, nd_tint(st, "currentNumberScheduled", 0));
	nd_tcell_int(t, nd_tint(st, "numberReady", 0));
	nd_tcell_int(t, nd_tint(st, "updatedNumberScheduled", 0));
	nd_tcell_int(t, nd_tint(st, "numberAvailable", 0));
	buf_cell(t, &ns);
	age_cell(t, obj);
	workload_tail(t, spec);
}

static const struct nd_tcol deploy_cols[] = {
	NAME_COL,
	{"Ready", "string", "", 0, "Number of the pod with ready state"},
	{"Up-to-date", "string", "", 0, "Total number of non-terminated pods targeted by this "
					"deployment that have the desired template spec."},
	{"Available", "string", "", 0, "Total number of available pods (ready for at least "
				       "minReadySeconds) targeted by this deployment."},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
	{"Selector", "string", "", 1, "Label selector for pods."},
};

static void deploy_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	char ready[64];

	snprintf(ready, sizeof(ready), "%lld/%lld", (long long)nd_tint(st, "readyReplicas", 0),
		 (long long)nd_tint(spec, "replicas", 1));
	name_cell(t, obj);
	nd_tcell_str(t, ready);
	nd_tcell_int(t, nd_tint(st, "updatedReplicas", 0));
	nd_tcell_int(t, nd_tint(st, "availableReplicas", 0));
	age_cell(t, obj);
	workload_tail(t, spec);
}

static const struct nd_tcol rs_cols[] = {
	NAME_COL,
	{"Desired", "integer", "", 0, "Replicas is the number of desired replicas."},
	{"Current", "integer", "", 0, "Replicas is the most recently observed number of replicas."},
	{"Ready", "integer", "", 0, "The number of ready replicas for this replica set."},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
	{"Selector", "string", "", 1, "Selector is a label query over pods that should match the "
				      "replica count."},
};

static void rs_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");

	name_cell(t, obj);
	nd_tcell_int(t, nd_tint(spec, "replicas", 1));
	nd_tcell_int(t, nd_tint(st, "replicas", 0));
	nd_tcell_int(t, nd_tint(st, "readyReplicas", 0));
	age_cell(t, obj);
	workload_tail(t, spec);
}

static const struct nd_tcol sts_cols[] = {
	NAME_COL,
	{"Ready", "string", "", 0, "Number of the pod with ready state"},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
};

static void sts_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	struct nd_buf n = ND_BUF_INIT(64 * 1024), im = ND_BUF_INIT(64 * 1024);
	char ready[64];

	snprintf(ready, sizeof(ready), "%lld/%lld", (long long)nd_tint(st, "readyReplicas", 0),
		 (long long)nd_tint(spec, "replicas", 1));
	nd_tcontainers(&n, &im, get(get(spec, "template"), "spec"));
	name_cell(t, obj);
	nd_tcell_str(t, ready);
	age_cell(t, obj);
	buf_cell(t, &n);
	buf_cell(t, &im);
}

/* ---- RBAC ---- */

static const struct nd_tcol role_cols[] = {
	NAME_COL, {"Created At", "date", "", 0, "CreationTimestamp is a timestamp representing the "
					       "server time when this object was created."},
};

static void role_row(struct nd_trow *t, const struct nd_json *obj)
{
	name_cell(t, obj);
	nd_tcell_str(t, nd_tstr(get(obj, "metadata"), "creationTimestamp"));
}

static const struct nd_tcol rb_cols[] = {
	NAME_COL,
	{"Role", "string", "", 0, "RoleRef can reference a Role in the current namespace or a "
				  "ClusterRole in the global namespace."},
	AGE_COL,
	{"Users", "string", "", 1, "Users in the roleBinding"},
	{"Groups", "string", "", 1, "Groups in the roleBinding"},
	{"ServiceAccounts", "string", "", 1, "ServiceAccounts in the roleBinding"},
};

static void rb_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *ref = get(obj, "roleRef"), *subs = get(obj, "subjects");
	struct nd_buf u = ND_BUF_INIT(64 * 1024), g = ND_BUF_INIT(64 * 1024);
	struct nd_buf sa = ND_BUF_INIT(64 * 1024);
	char role[600];

	snprintf(role, sizeof(role), "%s/%s", or(nd_tstr(ref, "kind"), ""),
		 or(nd_tstr(ref, "name"), ""));
	for (size_t i = 0; i < len_of(subs); i++) {
		const char *k = or(nd_tstr(at(subs, i), "kind"), ""), *n = or(nd_tstr(at(subs, i), "name"), "");

		if (!strcmp(k, "User"))
			nd_buf_printf(&u, "%s%s", u.len ? ", " : "", n);
		else if (!strcmp(k, "Group"))
			nd_buf_printf(&g, "%s%s", g.len ? ", " : "", n);
		else if (!strcmp(k, "ServiceAccount"))
			nd_buf_printf(&sa, "%s%s/%s", sa.len ? ", " : "",
				      or(nd_tstr(at(subs, i), "namespace"), ""), n);
	}
	name_cell(t, obj);
	nd_tcell_str(t, role);
	age_cell(t, obj);
	buf_cell(t, &u);
	buf_cell(t, &g);
	buf_cell(t, &sa);
}

const struct nd_tprinter nd_tprinters_other[] = {
	P("", "namespaces", ns_cols, ns_row),
	P("", "configmaps", cm_cols, cm_row),
	P("", "serviceaccounts", sa_cols, sa_row),
	P("networking.k8s.io", "networkpolicies", np_cols, np_row),
	P("apps", "daemonsets", ds_cols, ds_row),
	P("apps", "deployments", deploy_cols, deploy_row),
	P("apps", "replicasets", rs_cols, rs_row),
	P("apps", "statefulsets", sts_cols, sts_row),
	P("rbac.authorization.k8s.io", "roles", role_cols, role_row),
	P("rbac.authorization.k8s.io", "clusterroles", role_cols, role_row),
	P("rbac.authorization.k8s.io", "rolebindings", rb_cols, rb_row),
	P("rbac.authorization.k8s.io", "clusterrolebindings", rb_cols, rb_row),
	/* Name and Created At, like the roles */
	P("", "limitranges", role_cols, role_row),
	P("apiextensions.k8s.io", "customresourcedefinitions", role_cols, role_row),
};
const size_t nd_ntprinters_other = N(nd_tprinters_other);
