/* SPDX-License-Identifier: MIT */
/*
 * S4 checks of the model that the pod vantage needs or that any source
 * answers: the kubernetes Service's endpoints as addresses, the pod's own
 * egress policies toward them (netpol-blocks-apiserver), and the
 * kube-apiserver pods of a self-managed control plane.
 */
#include "checks/checks.h"
#include "checks/incluster.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "core/ipaddr.h"
#include "policy/netpol.h"
#include "policy/netpol_report.h"
#include "core/banned.h"

static const struct nd_service *kubernetes_service(const struct nd_model *m)
{
	const struct nd_service *s = nd_model_service(m, "default", "kubernetes");

	return s ? s : nd_model_service(m, "default", "kubernetes-internal");
}

static int32_t https_port(const struct nd_epset *e)
{
	for (uint32_t i = 0; i < e->nports; i++)
		if (e->ports[i].name && strcmp(e->ports[i].name, "https") == 0)
			return e->ports[i].port;
	for (uint32_t i = 0; i < e->nports; i++)
		if (e->ports[i].proto == ND_TCP)
			return e->ports[i].port;
	return 0;
}

size_t nd_ic_api_endpoints(const struct nd_model *m, struct nd_ic_apiep *out, size_t max,
			   const struct nd_service **svc)
{
	const struct nd_service *s = kubernetes_service(m);
	const uint32_t *ix;
	size_t n, k = 0, slices = 0;

	*svc = s;
	if (!s)
		return 0;
	ix = nd_model_epsets_of(m, s->m.ns, s->m.name, &n);
	for (size_t i = 0; i < n; i++)
		slices += m->epsets.v[ix[i]].is_slice;
	for (size_t i = 0; i < n; i++) {
		const struct nd_epset *e = &m->epsets.v[ix[i]];
		int32_t port = https_port(e);

		if ((slices && !e->is_slice) || !port)
			continue;
		for (uint32_t j = 0; j < e->naddrs && k < max; j++) {
			size_t d;

			if (!e->addrs[j].ready)
				continue;
			for (d = 0; d < k; d++)
				if (strcmp(out[d].ip, e->addrs[j].ip) == 0 && out[d].port == port)
					break;
			if (d == k)
				out[k++] = (struct nd_ic_apiep){e->addrs[j].ip, port};
		}
	}
	return k;
}

/* --- netpol-blocks-apiserver ------------------------------------------------ */

#define MAX_APIEP 16

enum nd_check_status nd_check_netpol_apiserver(struct nd_check_env *env, const char **why)
{
	struct nd_report *r = env->r;
	const struct nd_model *m = env->m;
	const struct nd_pod *pod = nd_model_pod(m, env->pod_ns, env->pod_name);
	struct nd_ic_apiep eps[MAX_APIEP];
	const struct nd_service *svc;
	struct nd_np_engine *e;
	size_t n, denied = 0;

	if (!pod) {
		*why = nd_report_printf(r, _("the pod %s/%s is not in the source"),
					env->pod_ns ? env->pod_ns : "?", env->pod_name ? env->pod_name : "?");
		return ND_CHECK_SKIP;
	}
	n = nd_ic_api_endpoints(m, eps, MAX_APIEP, &svc);
	if (!n) {
		*why = svc ? _("the kubernetes Service has no ready endpoint to evaluate")
			   : _("the default/kubernetes Service is not in the source");
		return ND_CHECK_SKIP;
	}
	e = nd_np_engine_new(m);
	for (size_t i = 0; i < n; i++) {
		struct nd_np_ep src, dst = {0};
		struct nd_np_port q = {.proto = ND_TCP, .port = eps[i].port};
		struct nd_np_verdict v;
		struct nd_finding *f;
		const char *pol;

		nd_np_ep_pod(&src, pod);
		if (nd_ip_parse(eps[i].ip, &dst.ip) < 0)
			continue;
		nd_np_evaluate(e, &src, &dst, &q, r->arena, &v);
		if (v.egress.allowed || !v.egress.evaluated)
			continue;
		denied++;
		f = nd_np_add_finding_code(r, "netpol-blocks-apiserver", e, &src, &dst, &q, &v);
		pol = v.egress.npolicies ? nd_report_printf(r, "%s/%s",
			m->netpols.v[v.egress.policies[0]].m.ns,
			m->netpols.v[v.egress.policies[0]].m.name) : "?";
		nd_finding_summary(r, f, _("NetworkPolicy %s selects pod %s/%s for egress and "
					   "allows no rule to the API server %s port %d/TCP"), pol,
				   pod->m.ns, pod->m.name, eps[i].ip, eps[i].port);
		nd_obj_str(r, f->evidence, "fix", nd_np_fix_yaml(e, &src, &dst, &q, &v, r->arena));
		nd_finding_remedy(r, f, _("add an egress rule to %s (or a policy of its own) that "
					  "allows %s/32 on %d/TCP, the address the Service's VIP is "
					  "translated to, and DNS if the pod resolves names; the YAML "
					  "is in the evidence's fix"), pol, eps[i].ip, eps[i].port);
	}
	nd_np_engine_free(e);
	*why = nd_report_printf(r, _("%zu of %zu API server endpoints denied by the pod's egress "
				     "policies"), denied, n);
	return ND_CHECK_PASS;
}

/* --- kube-apiserver-not-running ----------------------------------------------- */

static bool control_plane_node(const struct nd_node *nd)
{
	return nd_labels_get(&nd->m.labels, "node-role.kubernetes.io/control-plane") ||
	       nd_labels_get(&nd->m.labels, "node-role.kubernetes.io/master");
}

static bool is_component(const struct nd_pod *p, const char *c)
{
	const char *v = nd_labels_get(&p->m.labels, "component");

	return v && strcmp(v, c) == 0 && p->m.ns && strcmp(p->m.ns, "kube-system") == 0;
}

static void f_apiserver_pod(struct nd_check_env *env, const struct nd_pod *p)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "kube-apiserver-not-running", "Pod", p->m.ns,
					      p->m.name);
	const char *why = p->waiting ? p->waiting : p->reason ? p->reason : p->phase;

	nd_finding_summary(r, f, _("the API server pod %s/%s is %s%s%s"), p->m.ns, p->m.name,
			   p->phase ? p->phase : "?", p->ready ? "" : _(", not ready"),
			   why && why != p->phase ? nd_report_printf(r, " (%s)", why) : "");
	nd_obj_str(r, f->evidence, "pod", nd_report_printf(r, "%s/%s", p->m.ns, p->m.name));
	nd_obj_str(r, f->evidence, "node", p->node);
	nd_obj_str(r, f->evidence, "phase", p->phase);
	nd_obj_bool(r, f->evidence, "ready", p->ready);
	nd_obj_str(r, f->evidence, "reason", p->waiting ? p->waiting : p->reason);
	nd_finding_remedy(r, f, _("look at the pod's logs and, on its control-plane node, at the "
				  "container and /etc/kubernetes/manifests/kube-apiserver.yaml: "
				  "expired certificates, an unreachable etcd or a bad flag are the "
				  "usual causes"));
	nd_finding_command(r, f, "kubectl -n kube-system logs %s --tail 100 --previous", p->m.name);
	if (p->node)
		nd_finding_command(r, f, "kubectl debug node/%s -it --image=busybox -- chroot /host "
				   "crictl ps -a --name kube-apiserver", p->node);
}

static void f_apiserver_missing(struct nd_check_env *env, const struct nd_node *nd)
{
	struct nd_report *r = env->r;
	struct nd_finding *f = nd_finding_add(r, "kube-apiserver-not-running", "Node", NULL,
					      nd->m.name);

	nd_finding_summary(r, f, _("control-plane node %s runs no kube-apiserver pod"), nd->m.name);
	nd_obj_str(r, f->evidence, "pod", NULL);
	nd_obj_str(r, f->evidence, "node", nd->m.name);
	nd_obj_str(r, f->evidence, "phase", NULL);
	nd_obj_bool(r, f->evidence, "ready", false);
	nd_obj_str(r, f->evidence, "reason", "missing");
	nd_finding_remedy(r, f, _("the kubelet of this node did not start the static pod: check "
				  "/etc/kubernetes/manifests/kube-apiserver.yaml there and the "
				  "kubelet's log"));
	nd_finding_command(r, f, "kubectl debug node/%s -it --image=busybox -- chroot /host "
			   "journalctl -u kubelet --since -1h", nd->m.name);
}

enum nd_check_status nd_check_kube_apiserver(struct nd_check_env *env, const char **why)
{
	const struct nd_model *m = env->m;
	size_t napi = 0, ncp = 0, others = 0, bad = 0;

	if (!env->have_pods || !m->pods.n) {
		*why = _("no pods in the source");
		return ND_CHECK_SKIP;
	}
	for (size_t i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];

		if (is_component(p, "kube-apiserver")) {
			napi++;
			if (p->m.deleting || !p->phase || strcmp(p->phase, "Running") != 0 ||
			    !p->ready) {
				f_apiserver_pod(env, p);
				bad++;
			}
		} else if (is_component(p, "etcd") || is_component(p, "kube-controller-manager") ||
			   is_component(p, "kube-scheduler")) {
			others++;
		}
	}
	/*
	 * A control-plane node without a kube-apiserver pod: only when its static
	 * pods are visible (another control-plane component on it, or an API
	 * server pod on another node); a source that lists none of them says nothing.
	 */
	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct nd_node *nd = &m->nodes.v[i];
		bool has = false, visible = napi > 0;

		if (!control_plane_node(nd))
			continue;
		ncp++;
		for (size_t j = 0; j < m->pods.n && !has; j++) {
			const struct nd_pod *p = &m->pods.v[j];
			bool here = p->node && strcmp(p->node, nd->m.name) == 0;

			has = here && is_component(p, "kube-apiserver");
			visible |= here && (is_component(p, "etcd") ||
					    is_component(p, "kube-controller-manager") ||
					    is_component(p, "kube-scheduler"));
		}
		if (!has && visible) {
			f_apiserver_missing(env, nd);
			bad++;
		}
	}
	if (!napi && !ncp && !others) {
		*why = _("no control-plane pods or nodes: a managed control plane (AKS)");
		return ND_CHECK_PASS;
	}
	*why = nd_report_printf(env->r, _("%zu kube-apiserver pods, %zu control-plane nodes, %zu "
					  "not running"), napi, ncp, bad);
	return ND_CHECK_PASS;
}
