/* SPDX-License-Identifier: MIT */
/*
 * S2, Azure CNI on the node: the endpoint state CNS (azure-endpoints.json) or
 * the azure-vnet plugin (azure-vnet.json) keeps says which container holds
 * which pod IP (node/azurevnet.h). Compared with the pods of the node, each
 * IP is held by a live pod (fine), by a pod that has terminated
 * (terminated-pods-hold-ips), or by no pod (ipam-leak), with the container
 * ID and the pod the state file names, and, on the node, whether that
 * container's sandbox still exists: the same model and evidence as a
 * host-local store. The files are read, never written.
 */
#include "checks/checks.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "node/azurevnet.h"
#include "node/nodeenv.h"
#include "node/source.h"
#include "core/banned.h"

#define MAX_LISTED 50

bool nd_azure_endpoints_of(const struct nd_check_env *env, const char *node, struct nd_arena *a,
			   const char **path, struct nd_azv_endpoints *eps, struct nd_sandboxes *sb)
{
	size_t n = nd_node_src_count(env->nodes);
	bool local = nd_node_src_is_local(env->nodes);
	struct nd_err e;

	if (sb)
		memset(sb, 0, sizeof(*sb));
	for (size_t i = 0; node && i < n; i++) {
		const char *name = nd_node_src_name(env->nodes, i);

		if (!name || strcmp(name, node) != 0)
			continue;
		if (nd_node_src_azure_endpoints(env->nodes, i, a, path, eps, &e) != ND_NS_OK)
			return false;
		if (sb && local)
			nd_node_src_sandboxes(env->nodes, i, a, sb);
		return true;
	}
	return false;
}

const struct nd_azv_endpoint *nd_azure_endpoint_by_ip(const struct nd_azv_endpoints *eps,
						      const char *ip)
{
	for (size_t i = 0; eps && ip && i < eps->n; i++)
		if (strcmp(eps->v[i].ip, ip) == 0)
			return &eps->v[i];
	return NULL;
}

/* A dynamic (pool) NodeNetworkConfig for node in the model: the NNC checks judge it. */
static bool has_pool_nnc(const struct nd_model *m, const char *node)
{
	for (size_t i = 0; i < m->nncs.n; i++) {
		const struct nd_nnc *n = &m->nncs.v[i];

		if (strcmp(n->m.name, node) != 0)
			continue;
		for (uint32_t k = 0; k < n->nncs; k++)
			if ((!n->ncs[k].mode || strcmp(n->ncs[k].mode, "dynamic") == 0) &&
			    (!n->ncs[k].type || strcmp(n->ncs[k].type, "overlay") != 0))
				return true;
	}
	return false;
}

/* Azure CNI v1's IPAM state is on node i: the azure-vnet-ipam check judges it. */
static bool has_v1_state(const struct nd_node_src *s, size_t i, struct nd_arena *a)
{
	struct nd_azv_state st;
	const char *path;
	struct nd_err e;

	return nd_node_src_azure_vnet(s, i, a, &path, &st, &e) != ND_NS_ABSENT;
}

static const char *recorded_pod(struct nd_report *r, const struct nd_azv_endpoint *ep)
{
	if (!ep->pod_name || !*ep->pod_name)
		return NULL;
	return nd_report_printf(r, "%s/%s", ep->pod_ns ? ep->pod_ns : "?", ep->pod_name);
}

static void compare(struct nd_check_env *env, const char *node, const char *path,
		    const struct nd_azv_endpoints *eps, const struct nd_sandboxes *sb)
{
	struct nd_report *r = env->r;
	struct nd_val *leaked = nd_val_arr(r), *held = nd_val_arr(r);
	size_t nleak = 0, nterm = 0, live = 0;

	for (size_t i = 0; i < eps->n; i++) {
		const struct nd_azv_endpoint *ep = &eps->v[i];
		const struct nd_pod *pod;
		enum nd_ipam_hold h = nd_ipam_classify(env->m, node, ep->ip, &pod);
		struct nd_val *o;

		if (h == ND_HOLD_LIVE) {
			live++;
			continue;
		}
		if (h == ND_HOLD_TERMINATED) {
			if (nterm++ < MAX_LISTED) {
				o = nd_arr_obj(r, held);
				nd_obj_str(r, o, "ip", ep->ip);
				nd_obj_str(r, o, "container_id", ep->container_id);
				nd_obj_str(r, o, "pod", nd_report_printf(r, "%s/%s", pod->m.ns,
									 pod->m.name));
				nd_obj_str(r, o, "phase", pod->phase);
			}
			continue;
		}
		if (nleak++ < MAX_LISTED) {
			o = nd_arr_obj(r, leaked);
			nd_obj_str(r, o, "ip", ep->ip);
			nd_obj_str(r, o, "container_id", ep->container_id);
			nd_obj_str(r, o, "recorded_pod", recorded_pod(r, ep));
			if (sb)
				nd_obj_str(r, o, "sandbox",
					   nd_sandbox_name(nd_sandbox_state(sb, ep->container_id)));
		}
	}
	if (nleak) {
		struct nd_finding *f = nd_finding_add(r, "ipam-leak", "Node", NULL, node);

		nd_obj_str(r, f->evidence, "node", node);
		nd_obj_str(r, f->evidence, "network", eps->format);
		nd_obj_str(r, f->evidence, "store_dir", path);
		nd_obj_int(r, f->evidence, "reserved", (int64_t)eps->n);
		nd_obj_int(r, f->evidence, "running", (int64_t)live);
		nd_obj_int(r, f->evidence, "leaked_count", (int64_t)nleak);
		nd_obj_put(r, f->evidence, "leaked", leaked);
		if (sb)
			nd_obj_str(r, f->evidence, "sandbox_sources", sb->sources);
		nd_finding_summary(r, f, _("%zu of the %zu pod IPs %s records on node %s belong to no "
					   "pod: the plugin did not release them"), nleak, eps->n,
				   strcmp(eps->format, "azure-cns") == 0 ? "Azure CNS" : "Azure CNI",
				   node);
		nd_finding_remedy(r, f, _("netdiag does not edit Azure's state files: restart azure-cns "
					  "on the node (its DaemonSet pod) so it reconciles its IPs with "
					  "the pods, or reimage the node; open a support request with the "
					  "'leaked' list (IPs and container IDs) if it comes back"));
		nd_finding_command(r, f, "kubectl delete pod -n kube-system -l k8s-app=azure-cns "
				   "--field-selector spec.nodeName=%s", node);
	}
	if (nterm) {
		struct nd_finding *f = nd_finding_add(r, "terminated-pods-hold-ips", "Node", NULL, node);

		nd_obj_str(r, f->evidence, "node", node);
		nd_obj_str(r, f->evidence, "network", eps->format);
		nd_obj_str(r, f->evidence, "store_dir", path);
		nd_obj_int(r, f->evidence, "held_count", (int64_t)nterm);
		nd_obj_put(r, f->evidence, "held", held);
		nd_finding_summary(r, f, _("%zu address(es) on node %s are still held by pods that "
					   "have terminated: pods are created faster than finished "
					   "ones are collected"), nterm, node);
		nd_finding_remedy(r, f, _("delete the finished pods (or lower the controller's "
					  "terminated-pod-gc-threshold; use Job ttlSecondsAfterFinished)"));
		nd_finding_command(r, f, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Succeeded", node);
		nd_finding_command(r, f, "kubectl delete pods -A --field-selector "
				   "spec.nodeName=%s,status.phase=Failed", node);
	}
}

enum nd_check_status nd_check_azure_cns_state(struct nd_check_env *env, const char **why)
{
	struct nd_report *r = env->r;
	struct nd_arena *a = nd_arena_new(64 * 1024);
	size_t n = nd_node_src_count(env->nodes), read = 0, ips = 0, errors = 0, judged_by_nnc = 0;
	bool local = nd_node_src_is_local(env->nodes);
	enum nd_check_status ret = ND_CHECK_PASS;

	for (size_t i = 0; i < n; i++) {
		const char *node = nd_node_src_name(env->nodes, i), *path;
		struct nd_azv_endpoints eps;
		struct nd_sandboxes sb;
		struct nd_err e;
		int rc;

		if (!local && env->scope.node && node && strcmp(env->scope.node, node) != 0)
			continue;
		rc = nd_node_src_azure_endpoints(env->nodes, i, a, &path, &eps, &e);
		if (rc == ND_NS_ABSENT)
			continue;
		if (rc == ND_NS_ERROR) {
			struct nd_finding *f;

			errors++;
			if (local) {
				*why = nd_report_strdup(r, e.msg);
				ret = ND_CHECK_ERROR;
				goto out;
			}
			f = nd_finding_add(r, "bundle-load-error", "Node", NULL, node);
			nd_finding_summary(r, f, _("the Azure CNI state of node %s cannot be read, so "
						   "it was not compared: %s"), node, e.msg);
			nd_obj_str(r, f->evidence, "file", path);
			nd_obj_str(r, f->evidence, "error", e.msg);
			continue;
		}
		if (!node) {
			*why = env->node_error ? env->node_error
					       : _("the node's name is unknown (give --node)");
			ret = ND_CHECK_ERROR;
			goto out;
		}
		read++;
		ips += eps.n;
		if (!env->have_pods)
			continue;
		/* a dynamic NNC's gap check, or the v1 IPAM check, lists these IPs with their
		 * containers already */
		if (has_pool_nnc(env->m, node) || has_v1_state(env->nodes, i, a)) {
			judged_by_nnc++;
			continue;
		}
		if (local)
			nd_node_src_sandboxes(env->nodes, i, a, &sb);
		compare(env, node, path, &eps, local ? &sb : NULL);
	}
	if (!read && !errors) {
		*why = _("no Azure CNI endpoint state (var/run/azure-cns/azure-endpoints.json, "
			 "var/run/azure-vnet.json) on the node(s)");
		ret = ND_CHECK_SKIP;
	} else if (!env->have_pods) {
		*why = nd_report_printf(r, _("%zu pod IPs recorded; no pod list to compare with (give "
					     "--snapshot)"), ips);
		ret = ND_CHECK_SKIP;
	} else {
		if (judged_by_nnc)
			*why = nd_report_printf(r, _("%zu pod IPs in the endpoint state of %zu node(s) "
						     "read; %zu node(s) with a NodeNetworkConfig or an "
						     "azure-vnet-ipam state are judged by those checks, "
						     "with these containers"), ips, read, judged_by_nnc);
		else
			*why = nd_report_printf(r, _("%zu pod IPs in the endpoint state of %zu node(s) "
						     "compared"), ips, read);
		if (errors)
			ret = ND_CHECK_ERROR;
	}
out:
	nd_arena_free(a);
	return ret;
}
