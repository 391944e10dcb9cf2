/* SPDX-License-Identifier: MIT */
/*
 * S2: pods stuck without an IP, read from their FailedCreatePodSandBox
 * events. Messages change across versions, so only the stable inner
 * substrings each CNI writes are matched (reference facts §3.2), with the
 * most specific first: Azure CNS messages also contain "azure-vnet".
 */
#include "checks/checks.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

static const struct nd_cni_signature signatures[] = {
	{"azure-cns", true, "not enough IPs available"},
	{"azure-cns", true, "AllocateIPConfig failed"},
	{"azure-cns", false, "Failed to get IP address from CNS"},
	{"azure-cni", true, "No available addresses"},
	{"azure-cni", true, "No available address pools"},
	{"azure-cni", true, "no available address pools"},
	{"azure-cni", false, "Failed to allocate pool"},
	{"azure-cni", false, "Failed to allocate address"},
	{"host-local", true, "no IP addresses available in range set"},
	{"host-local", false, "is not available in range set"},
	{"calico", true, "IPAM allocated only 0"},
	{"calico", true, "cannot allocate new block due to per host block limit"},
	{"calico", true, "cannot find a qualified ippool"},
	{"cilium", true, "range is full"},
	{"cilium", true, "No more IPs available"},
	{"cilium", false, "unable to allocate IP via local cilium agent"},
	{"aws-vpc-cni", true, "failed to assign an IP address to container"},
	/* a network set-up failure whose plugin said nothing we know */
	{"cni", false, "failed to setup network for sandbox"},
	{"cni", false, "failed to set up sandbox container"},
	{"cni", false, "networkPlugin cni failed"},
};

bool nd_classify_sandbox_message(const char *msg, struct nd_cni_signature *out)
{
	size_t i;

	if (!msg)
		return false;
	for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
		if (strstr(msg, signatures[i].match)) {
			*out = signatures[i];
			/* name the plugin when the generic text carries it */
			if (strcmp(out->cni, "cni") == 0 || strcmp(out->cni, "host-local") == 0) {
				if (strstr(msg, "azure-vnet"))
					out->cni = "azure-cni";
				else if (strstr(msg, "calico"))
					out->cni = "calico";
				else if (strstr(msg, "cilium"))
					out->cni = "cilium";
			}
			return true;
		}
	}
	return false;
}

static bool waiting_for_ip(const struct nd_pod *p)
{
	if (p->host_network || p->nips || !p->node || p->m.deleting)
		return false;
	return !p->phase || strcmp(p->phase, "Pending") == 0;
}

enum nd_check_status nd_check_pod_ip(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	struct nd_report *r = env->r;
	size_t i, stuck = 0;

	if (!m->pods.n) {
		*why = _("no Pods in the source");
		return ND_CHECK_SKIP;
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];
		const struct nd_event *last = NULL;
		struct nd_cni_signature sig = {0}, s;
		int64_t count = 0;
		size_t n, k;
		const uint32_t *ix;
		struct nd_finding *f;

		if (!waiting_for_ip(p))
			continue;
		if (env->scope.ns && strcmp(env->scope.ns, p->m.ns) != 0)
			continue;
		if (env->scope.pod && strcmp(env->scope.pod, p->m.name) != 0)
			continue;
		if (env->scope.node && strcmp(env->scope.node, p->node) != 0)
			continue;
		ix = nd_model_events_of(m, "Pod", p->m.ns, p->m.name, &n);
		for (k = 0; k < n; k++) {
			const struct nd_event *ev = &m->events.v[ix[k]];

			if (!ev->reason || strcmp(ev->reason, "FailedCreatePodSandBox") != 0)
				continue;
			if (!nd_classify_sandbox_message(ev->message, &s))
				continue;
			count += ev->count;
			/* an exhaustion message names the cause better than a generic one */
			if (!last || ev->last > last->last || (s.exhausted && !sig.exhausted)) {
				if (!last || ev->last >= last->last || !sig.exhausted) {
					last = ev;
					sig = s;
				}
			}
		}
		if (!last)
			continue;
		stuck++;
		f = nd_finding_add(r, "pod-ip-allocation-failed", "Pod", p->m.ns, p->m.name);
		nd_obj_str(r, f->evidence, "pod", nd_report_printf(r, "%s/%s", p->m.ns, p->m.name));
		nd_obj_str(r, f->evidence, "node", p->node);
		nd_obj_str(r, f->evidence, "cni", sig.cni);
		nd_obj_bool(r, f->evidence, "out_of_addresses", sig.exhausted);
		nd_obj_str(r, f->evidence, "matched", sig.match);
		nd_obj_int(r, f->evidence, "events", count);
		nd_obj_str(r, f->evidence, "last_message", last->message);
		nd_obj_str(r, f->evidence, "last_seen", nd_report_time(r, last->last));
		if (sig.exhausted)
			nd_finding_summary(r, f, _("the pod has no IP: %s on node %s is out of "
						   "addresses (%lld sandbox failures)"),
					   sig.cni, p->node, (long long)count);
		else
			nd_finding_summary(r, f, _("the pod has no IP: %s failed to set up its network "
						   "on node %s (%lld sandbox failures)"),
					   sig.cni, p->node, (long long)count);
		if (strcmp(sig.cni, "host-local") == 0)
			nd_finding_remedy(r, f, _("find leaked or terminated-pod addresses in the "
						  "node's host-local store (netdiag ipam --node %s) and "
						  "free them"), p->node);
		else if (strncmp(sig.cni, "azure", 5) == 0)
			nd_finding_remedy(r, f, _("check the node's NodeNetworkConfig and the pod "
						  "subnet's free addresses; add a larger subnet or a "
						  "node pool on a new subnet"));
		else
			nd_finding_remedy(r, f, _("free or add addresses in the CNI's IP pool for "
						  "node %s"), p->node);
		nd_finding_command(r, f, "kubectl get events -n %s --field-selector "
				   "involvedObject.name=%s,reason=FailedCreatePodSandBox", p->m.ns,
				   p->m.name);
		if (strncmp(sig.cni, "azure", 5) == 0)
			nd_finding_command(r, f, "kubectl get nnc -n kube-system %s -o yaml", p->node);
		else
			nd_finding_command(r, f, "netdiag ipam --node %s", p->node);
	}
	*why = nd_report_printf(r, _("%zu pods without an IP after sandbox failures"), stuck);
	return ND_CHECK_PASS;
}
