/* SPDX-License-Identifier: MIT */
/*
 * services.json, endpointslices.json, endpoints.json, events.json: all
 * consistent with the pods (selectors, IPs, readiness, target ports).
 */
#define _GNU_SOURCE
#include "gen.h"

#include <stdio.h>
#include <string.h>

#define SLICE_MAX 100      /* endpointslice controller default */
#define ENDPOINTS_MAX 1000 /* Endpoints truncation */

struct svcport {
	const char *name;
	int port;
	const char *proto;
	const char *tp_name;   /* named targetPort, or NULL */
	int tp_num;            /* numeric targetPort / resolved container port */
};

static int svc_ports(const struct model *m, const struct gsvc *s, struct svcport out[2])
{
	if (s->flags & SV_KUBERNETES) {
		out[0] = (struct svcport){ "https", 443, "TCP", NULL, 443 };
		return 1;
	}
	if (s->deploy == 0) {
		out[0] = (struct svcport){ "dns", 53, "UDP", NULL, 53 };
		out[1] = (struct svcport){ "dns-tcp", 53, "TCP", NULL, 53 };
		return 2;
	}
	const struct gdeploy *d = &m->deploys[s->deploy];
	int n = 1;
	if (s->flags & SV_NAMEDTP)
		out[0] = (struct svcport){ "http", 80, "TCP", "http", d->port };
	else
		out[0] = (struct svcport){ "http", 80, "TCP", NULL, d->port };
	if (s->flags & SV_BADPORT) {
		out[0].tp_name = NULL;
		out[0].tp_num = d->port + 1;   /* no container listens there */
	}
	if (s->flags & SV_TWOPORTS)
		out[n++] = (struct svcport){ "metrics", 9090, "TCP", (s->flags & SV_NAMEDTP) ? "metrics" : NULL, 9090 };
	return n;
}

static void svc_labels(struct jw *w, const struct model *m, const struct gsvc *s)
{
	if (s->flags & SV_KUBERNETES) {
		jw_str(w, "component", "apiserver");
		jw_str(w, "provider", "kubernetes");
	} else if (s->deploy == 0) {
		jw_str(w, "addonmanager.kubernetes.io/mode", "Reconcile");
		jw_str(w, "k8s-app", "kube-dns");
		jw_str(w, "kubernetes.io/cluster-service", "true");
		jw_str(w, "kubernetes.io/name", "CoreDNS");
	} else {
		jw_str(w, "app", s->name);
		jw_str(w, "app.kubernetes.io/name", s->name);
		jw_str(w, "app.kubernetes.io/part-of", m->ns[s->ns].name);
	}
}

static int64_t svc_created(const struct model *m, uint32_t j)
{
	return m->now - 35 * 86400 + (int64_t)(gh(m->seed, K_SVC, j, 1) % (10 * 86400));
}

/* ---- services ----------------------------------------------------------- */

static void write_service(struct jw *w, const struct model *m, uint32_t j)
{
	const struct gsvc *s = &m->svcs[j];
	const char *ns = m->ns[s->ns].name;
	struct svcport sp[2];
	int np = svc_ports(m, s, sp);
	char t[21], uid[37], cip[16], la[1024];
	bool app = !(s->flags & SV_KUBERNETES) && s->deploy > 0;

	fmt_time(t, svc_created(m, j));
	fmt_uid(uid, gh(m->seed, K_SVC, j, 10), gh(m->seed, K_SVC, j, 11));
	fmt_ip(cip, s->cip);
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_str(w, "kind", "Service");
	jw_obj(w, "metadata");
	if (app) {
		int n = snprintf(la, sizeof(la),
			"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"annotations\":{},\"labels\":"
			"{\"app\":\"%s\",\"app.kubernetes.io/name\":\"%s\",\"app.kubernetes.io/part-of\":\"%s\"},"
			"\"name\":\"%s\",\"namespace\":\"%s\"},\"spec\":{\"ports\":[",
			s->name, s->name, ns, s->name, ns);
		for (int k = 0; k < np && n > 0 && (size_t)n < sizeof(la); k++) {
			if (sp[k].tp_name)
				n += snprintf(la + n, sizeof(la) - (size_t)n,
					      "%s{\"name\":\"%s\",\"port\":%d,\"targetPort\":\"%s\"}",
					      k ? "," : "", sp[k].name, sp[k].port, sp[k].tp_name);
			else
				n += snprintf(la + n, sizeof(la) - (size_t)n,
					      "%s{\"name\":\"%s\",\"port\":%d,\"targetPort\":%d}",
					      k ? "," : "", sp[k].name, sp[k].port, sp[k].tp_num);
		}
		if (n > 0 && (size_t)n < sizeof(la))
			snprintf(la + n, sizeof(la) - (size_t)n,
				 "],\"selector\":{\"app\":\"%s\"%s},\"type\":\"%s\"}}\n",
				 s->name, (s->flags & SV_MISMATCH) ? ",\"version\":\"v2\"" : "",
				 (s->flags & SV_LB) ? "LoadBalancer" : "ClusterIP");
		jw_obj(w, "annotations");
		jw_str(w, "kubectl.kubernetes.io/last-applied-configuration", la);
		jw_end(w);
	}
	jw_str(w, "creationTimestamp", t);
	jw_obj(w, "labels");
	svc_labels(w, m, s);
	jw_end(w);
	jw_arr(w, "managedFields");
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_str(w, "fieldsType", "FieldsV1");
	jw_obj(w, "fieldsV1");
	jw_obj(w, "f:metadata");
	if (app) {
		jw_obj(w, "f:annotations");
		jw_fields(w, ".", "f:kubectl.kubernetes.io/last-applied-configuration", NULL);
		jw_end(w);
	}
	jw_obj(w, "f:labels");
	jw_empty(w, ".");
	if (app)
		jw_fields(w, "f:app", "f:app.kubernetes.io/name", "f:app.kubernetes.io/part-of", NULL);
	jw_end(w);
	jw_end(w);
	jw_obj(w, "f:spec");
	jw_fields(w, "f:internalTrafficPolicy", NULL);
	jw_obj(w, "f:ports");
	jw_empty(w, ".");
	for (int k = 0; k < np; k++) {
		char key[96];
		snprintf(key, sizeof(key), "k:{\"port\":%d,\"protocol\":\"%s\"}", sp[k].port, sp[k].proto);
		jw_obj(w, key);
		jw_fields(w, ".", "f:name", "f:port", "f:protocol", "f:targetPort", NULL);
		jw_end(w);
	}
	jw_end(w);
	if (!(s->flags & SV_KUBERNETES))
		jw_fields(w, "f:selector", NULL);
	jw_fields(w, "f:sessionAffinity", "f:type", NULL);
	jw_end(w);
	jw_end(w);
	jw_str(w, "manager", app ? "kubectl-client-side-apply" : "kube-apiserver");
	jw_str(w, "operation", "Update");
	jw_str(w, "time", t);
	jw_end(w);
	jw_end(w);
	jw_str(w, "name", s->name);
	jw_str(w, "namespace", ns);
	jw_strf(w, "resourceVersion", "%u", 3000000u + j);
	jw_str(w, "uid", uid);
	jw_end(w);

	jw_obj(w, "spec");
	if (s->flags & SV_LB)
		jw_bool(w, "allocateLoadBalancerNodePorts", true);
	jw_str(w, "clusterIP", cip);
	jw_arr(w, "clusterIPs");
	jw_str(w, NULL, cip);
	jw_end(w);
	if (s->flags & SV_LB)
		jw_str(w, "externalTrafficPolicy", "Cluster");
	jw_str(w, "internalTrafficPolicy", "Cluster");
	jw_arr(w, "ipFamilies");
	jw_str(w, NULL, "IPv4");
	jw_end(w);
	jw_str(w, "ipFamilyPolicy", "SingleStack");
	jw_arr(w, "ports");
	for (int k = 0; k < np; k++) {
		jw_obj(w, NULL);
		jw_str(w, "name", sp[k].name);
		if (s->flags & SV_LB)
			jw_int(w, "nodePort", 30000 + (int)(gh(m->seed, K_SVC, j, 20 + (unsigned)k) % 2767));
		jw_int(w, "port", sp[k].port);
		jw_str(w, "protocol", sp[k].proto);
		if (sp[k].tp_name)
			jw_str(w, "targetPort", sp[k].tp_name);
		else
			jw_int(w, "targetPort", sp[k].tp_num);
		jw_end(w);
	}
	jw_end(w);
	if (!(s->flags & SV_KUBERNETES)) {
		jw_obj(w, "selector");
		if (s->deploy == 0) {
			jw_str(w, "k8s-app", "kube-dns");
		} else {
			jw_str(w, "app", s->name);
			if (s->flags & SV_MISMATCH)
				jw_str(w, "version", "v2");
		}
		jw_end(w);
	}
	jw_str(w, "sessionAffinity", "None");
	jw_str(w, "type", (s->flags & SV_LB) ? "LoadBalancer" : "ClusterIP");
	jw_end(w);
	jw_obj(w, "status");
	jw_obj(w, "loadBalancer");
	if (s->flags & SV_LB) {
		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_strf(w, "ip", "20.103.%u.%u", (unsigned)(j >> 8) & 255, (unsigned)j & 255);
		jw_str(w, "ipMode", "VIP");
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

int write_services(const struct model *m, const char *path)
{
	struct jw w;

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < m->nsvcs && !w.err; k++)
		write_service(&w, m, m->svc_order[k]);
	jw_list_end(&w);
	return jw_close(&w);
}

/* ---- endpoints: pods behind a Service ----------------------------------- */

/* Pods that get an endpoint: those of the Service's Deployment with an IP. */
static bool pod_has_endpoint(const struct gpod *p)
{
	return p->ip && (p->phase == PH_RUNNING || p->phase == PH_NOTREADY);
}

static void target_ref(struct jw *w, const struct model *m, uint32_t pi)
{
	const struct gpod *p = &m->pods[pi];
	char uid[37];

	fmt_uid(uid, gh(m->seed, K_POD, pi, 10), gh(m->seed, K_POD, pi, 11));
	jw_obj(w, "targetRef");
	jw_str(w, "kind", "Pod");
	jw_str(w, "name", pod_name(m, p));
	jw_str(w, "namespace", pod_ns(m, p));
	jw_str(w, "uid", uid);
	jw_end(w);
}

static void write_slice(struct jw *w, const struct model *m, uint32_t j, uint32_t chunk,
			uint32_t from, uint32_t to, bool none)
{
	const struct gsvc *s = &m->svcs[j];
	const char *ns = m->ns[s->ns].name;
	struct svcport sp[2];
	int np = svc_ports(m, s, sp);
	char t[21], t2[21], uid[37], suid[37], suf[6], ip[16], zone[24];
	bool kube = s->flags & SV_KUBERNETES;

	fmt_time(t, svc_created(m, j) + 1);
	fmt_time(t2, m->now - 60 - (int64_t)(gh(m->seed, K_SLICE, j, chunk) % 7200));
	fmt_uid(uid, gh(m->seed, K_SLICE, (uint64_t)j << 8 | chunk, 10), gh(m->seed, K_SLICE, (uint64_t)j << 8 | chunk, 11));
	fmt_uid(suid, gh(m->seed, K_SVC, j, 10), gh(m->seed, K_SVC, j, 11));
	fmt_safe(suf, 5, gh(m->seed, K_SLICE, (uint64_t)j << 8 | chunk, 1));

	jw_obj(w, NULL);
	jw_str(w, "addressType", "IPv4");
	jw_str(w, "apiVersion", "discovery.k8s.io/v1");
	if (none) {
		jw_null(w, "endpoints");
	} else {
		jw_arr(w, "endpoints");
		if (kube) {
			fmt_ip(ip, m->apiserver_ip);
			jw_obj(w, NULL);
			jw_arr(w, "addresses");
			jw_str(w, NULL, ip);
			jw_end(w);
			jw_obj(w, "conditions");
			jw_bool(w, "ready", true);
			jw_end(w);
			jw_end(w);
		}
		for (uint32_t pi = from; pi < to && !kube; pi++) {
			const struct gpod *p = &m->pods[pi];
			if (!pod_has_endpoint(p))
				continue;
			bool ready = p->phase == PH_RUNNING;
			fmt_ip(ip, p->ip);
			snprintf(zone, sizeof(zone), "westeurope-%u", 1 + p->node % 3);
			jw_obj(w, NULL);
			jw_arr(w, "addresses");
			jw_str(w, NULL, ip);
			jw_end(w);
			jw_obj(w, "conditions");
			jw_bool(w, "ready", ready);
			jw_bool(w, "serving", ready);
			jw_bool(w, "terminating", false);
			jw_end(w);
			jw_str(w, "nodeName", m->nodes[p->node].name);
			target_ref(w, m, pi);
			jw_str(w, "zone", zone);
			jw_end(w);
		}
		jw_end(w);
	}
	jw_str(w, "kind", "EndpointSlice");
	jw_obj(w, "metadata");
	if (!kube) {
		jw_obj(w, "annotations");
		jw_str(w, "endpoints.kubernetes.io/last-change-trigger-time", t2);
		jw_end(w);
	}
	jw_str(w, "creationTimestamp", t);
	if (!kube)
		jw_strf(w, "generateName", "%s-", s->name);
	jw_int(w, "generation", 1 + (int64_t)(gh(m->seed, K_SLICE, j, 3) % 40));
	jw_obj(w, "labels");
	if (!kube && s->deploy > 0) {
		jw_str(w, "app", s->name);
		jw_str(w, "app.kubernetes.io/name", s->name);
		jw_str(w, "app.kubernetes.io/part-of", ns);
	}
	if (!kube)
		jw_str(w, "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
	if (s->deploy == 0) {
		jw_str(w, "k8s-app", "kube-dns");
		jw_str(w, "kubernetes.io/cluster-service", "true");
		jw_str(w, "kubernetes.io/name", "CoreDNS");
	}
	jw_str(w, "kubernetes.io/service-name", s->name);
	jw_end(w);
	if (kube)
		jw_str(w, "name", "kubernetes");
	else
		jw_strf(w, "name", "%s-%s", s->name, suf);
	jw_str(w, "namespace", ns);
	if (!kube) {
		jw_arr(w, "ownerReferences");
		jw_obj(w, NULL);
		jw_str(w, "apiVersion", "v1");
		jw_bool(w, "blockOwnerDeletion", true);
		jw_bool(w, "controller", true);
		jw_str(w, "kind", "Service");
		jw_str(w, "name", s->name);
		jw_str(w, "uid", suid);
		jw_end(w);
		jw_end(w);
	}
	jw_strf(w, "resourceVersion", "%u", 40000000u + (unsigned)(gh(m->seed, K_SLICE, j, chunk + 100) % 50000000));
	jw_str(w, "uid", uid);
	jw_end(w);
	jw_arr(w, "ports");
	for (int k = 0; k < np; k++) {
		jw_obj(w, NULL);
		jw_str(w, "name", sp[k].name);
		jw_int(w, "port", sp[k].tp_num);
		jw_str(w, "protocol", sp[k].proto);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

/* Index range [from, to) in model.pods of a Service's backends. */
static void svc_pods(const struct model *m, const struct gsvc *s, uint32_t *from, uint32_t *to)
{
	*from = *to = 0;
	if (s->deploy < 0 || (s->flags & SV_MISMATCH))
		return;
	*from = m->deploys[s->deploy].first;
	*to = *from + m->deploys[s->deploy].replicas;
}

int write_slices(const struct model *m, const char *path)
{
	struct jw w;

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < m->nsvcs && !w.err; k++) {
		uint32_t j = m->svc_order[k], from, to, chunk = 0, n = 0, start;
		const struct gsvc *s = &m->svcs[j];
		svc_pods(m, s, &from, &to);
		if (s->flags & SV_KUBERNETES) {
			write_slice(&w, m, j, 0, 0, 0, false);
			continue;
		}
		start = from;
		for (uint32_t pi = from; pi < to; pi++) {
			if (!pod_has_endpoint(&m->pods[pi]))
				continue;
			if (++n == SLICE_MAX) {
				write_slice(&w, m, j, chunk++, start, pi + 1, false);
				start = pi + 1;
				n = 0;
			}
		}
		if (n || chunk == 0)
			write_slice(&w, m, j, chunk, start, to, n == 0);
	}
	jw_list_end(&w);
	return jw_close(&w);
}

int write_endpoints(const struct model *m, const char *path)
{
	struct jw w;
	char t[21], t2[21], uid[37], ip[16];

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < m->nsvcs && !w.err; k++) {
		uint32_t j = m->svc_order[k], from, to, nready = 0, nnot = 0;
		const struct gsvc *s = &m->svcs[j];
		bool kube = s->flags & SV_KUBERNETES;
		struct svcport sp[2];
		int np = svc_ports(m, s, sp);

		svc_pods(m, s, &from, &to);
		for (uint32_t pi = from; pi < to; pi++)
			if (!pod_has_endpoint(&m->pods[pi]))
				continue;
			else if (m->pods[pi].phase == PH_RUNNING)
				nready++;
			else
				nnot++;
		bool trunc = nready + nnot > ENDPOINTS_MAX;
		fmt_time(t, svc_created(m, j) + 1);
		fmt_time(t2, m->now - 60 - (int64_t)(gh(m->seed, K_SLICE, j, 0) % 7200));
		fmt_uid(uid, gh(m->seed, K_SLICE, j, 20), gh(m->seed, K_SLICE, j, 21));
		jw_obj(&w, NULL);
		jw_str(&w, "apiVersion", "v1");
		jw_str(&w, "kind", "Endpoints");
		jw_obj(&w, "metadata");
		if (!kube) {
			jw_obj(&w, "annotations");
			jw_str(&w, "endpoints.kubernetes.io/last-change-trigger-time", t2);
			if (trunc)
				jw_str(&w, "endpoints.kubernetes.io/over-capacity", "truncated");
			jw_end(&w);
		}
		jw_str(&w, "creationTimestamp", t);
		jw_obj(&w, "labels");
		svc_labels(&w, m, s);
		if (!kube)
			jw_str(&w, "endpoints.kubernetes.io/managed-by", "endpoint-controller");
		jw_end(&w);
		jw_str(&w, "name", s->name);
		jw_str(&w, "namespace", m->ns[s->ns].name);
		jw_strf(&w, "resourceVersion", "%u", 60000000u + (unsigned)(gh(m->seed, K_SLICE, j, 22) % 30000000));
		jw_str(&w, "uid", uid);
		jw_end(&w);
		if (kube || nready + nnot) {
			uint32_t budget = ENDPOINTS_MAX;
			jw_arr(&w, "subsets");
			jw_obj(&w, NULL);
			for (int pass = 0; pass < 2; pass++) {
				if ((pass == 0 && !nready && !kube) || (pass == 1 && (!nnot || !budget)))
					continue;
				jw_arr(&w, pass == 0 ? "addresses" : "notReadyAddresses");
				if (kube && pass == 0) {
					fmt_ip(ip, m->apiserver_ip);
					jw_obj(&w, NULL);
					jw_str(&w, "ip", ip);
					jw_end(&w);
				}
				for (uint32_t pi = from; pi < to && budget; pi++) {
					const struct gpod *p = &m->pods[pi];
					if (!pod_has_endpoint(p) || (p->phase == PH_RUNNING) != (pass == 0))
						continue;
					budget--;
					fmt_ip(ip, p->ip);
					jw_obj(&w, NULL);
					jw_str(&w, "ip", ip);
					jw_str(&w, "nodeName", m->nodes[p->node].name);
					target_ref(&w, m, pi);
					jw_end(&w);
				}
				jw_end(&w);
			}
			jw_arr(&w, "ports");
			for (int q = 0; q < np; q++) {
				jw_obj(&w, NULL);
				jw_str(&w, "name", sp[q].name);
				jw_int(&w, "port", sp[q].tp_num);
				jw_str(&w, "protocol", sp[q].proto);
				jw_end(&w);
			}
			jw_end(&w);
			jw_end(&w);
			jw_end(&w);
		}
		jw_end(&w);
	}
	jw_list_end(&w);
	return jw_close(&w);
}

/* ---- events ------------------------------------------------------------- */

struct ev {
	const char *type, *reason, *component, *field;
	int64_t first, last;
	int count;
	char msg[512];
};

static void write_event(struct jw *w, const struct model *m, uint32_t pi, const struct ev *e, unsigned seq)
{
	const struct gpod *p = &m->pods[pi];
	const char *node = m->nodes[p->node].name;
	char t1[21], t2[21], uid[37], puid[37];
	uint64_t nano = (uint64_t)e->first * 1000000000ULL + gh(m->seed, K_EVENT, pi, seq) % 1000000000ULL;

	fmt_time(t1, e->first);
	fmt_time(t2, e->last);
	fmt_uid(uid, gh(m->seed, K_EVENT, pi, 100 + seq), gh(m->seed, K_EVENT, pi, 200 + seq));
	fmt_uid(puid, gh(m->seed, K_POD, pi, 10), gh(m->seed, K_POD, pi, 11));
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_int(w, "count", e->count);
	jw_null(w, "eventTime");
	jw_str(w, "firstTimestamp", t1);
	jw_obj(w, "involvedObject");
	jw_str(w, "apiVersion", "v1");
	if (e->field)
		jw_strf(w, "fieldPath", "spec.containers{%s}", e->field);
	jw_str(w, "kind", "Pod");
	jw_str(w, "name", pod_name(m, p));
	jw_str(w, "namespace", pod_ns(m, p));
	jw_strf(w, "resourceVersion", "%u", 20000000u + (unsigned)(gh(m->seed, K_POD, pi, 6) % 80000000));
	jw_str(w, "uid", puid);
	jw_end(w);
	jw_str(w, "kind", "Event");
	jw_str(w, "lastTimestamp", t2);
	jw_str(w, "message", e->msg);
	jw_obj(w, "metadata");
	jw_str(w, "creationTimestamp", t1);
	jw_strf(w, "name", "%s.%llx", pod_name(m, p), (unsigned long long)nano);
	jw_str(w, "namespace", pod_ns(m, p));
	jw_strf(w, "resourceVersion", "%u", 95000000u + (unsigned)(gh(m->seed, K_EVENT, pi, 300 + seq) % 4000000));
	jw_str(w, "uid", uid);
	jw_end(w);
	jw_str(w, "reason", e->reason);
	jw_str(w, "reportingComponent", e->component);
	jw_str(w, "reportingInstance", strcmp(e->component, "kubelet") == 0 ? node : "");
	jw_obj(w, "source");
	jw_str(w, "component", e->component);
	if (strcmp(e->component, "kubelet") == 0)
		jw_str(w, "host", node);
	jw_end(w);
	jw_str(w, "type", e->type);
	jw_end(w);
}

/* The events of one pod, oldest first (event names sort by time). */
static int pod_events(const struct model *m, uint32_t pi, struct ev ev[6])
{
	const struct gpod *p = &m->pods[pi];
	const struct gnode *n = &m->nodes[p->node];
	int64_t c = pod_created(m, pi);
	uint64_t h = gh(m->seed, K_EVENT, pi, 0);
	char cidr[16], sb[65];
	int k = 0;

	memset(ev, 0, 6 * sizeof(*ev));
	if (p->phase == PH_PENDING) {
		ev[k] = (struct ev){ "Normal", "Scheduled", "default-scheduler", NULL, c, c, 1, "" };
		snprintf(ev[k].msg, sizeof(ev[k].msg), "Successfully assigned %s/%s to %s",
			 pod_ns(m, p), pod_name(m, p), n->name);
		k++;
		fmt_ip(cidr, n->cidr);
		cidr[strlen(cidr) - 1] = 0;   /* "10.32.3.0" -> "10.32.3." */
		fmt_hex64(sb, m->seed, K_EVENT, pi);
		ev[k] = (struct ev){ "Warning", "FailedCreatePodSandBox", "kubelet", NULL, c + 3,
				     m->now - (int64_t)(h % 240), 10 + (int)(h % 30), "" };
		snprintf(ev[k].msg, sizeof(ev[k].msg),
			 "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network "
			 "for sandbox \"%s\": plugin type=\"bridge\" name=\"kubenet\" failed (add): failed to "
			 "allocate for range 0: no IP addresses available in range set: %s1-%s254",
			 sb, cidr, cidr);
		k++;
	} else if (p->phase == PH_NOTREADY && p->kind == PK_KUBEPROXY) {
		char uid[37];
		fmt_uid(uid, gh(m->seed, K_POD, pi, 10), gh(m->seed, K_POD, pi, 11));
		ev[k] = (struct ev){ "Warning", "BackOff", "kubelet", "kube-proxy", m->now - 3 * 86400,
				     m->now - 30, 1800 + (int)(h % 500), "" };
		snprintf(ev[k].msg, sizeof(ev[k].msg), "Back-off restarting failed container kube-proxy in pod %s_kube-system(%s)",
			 pod_name(m, p), uid);
		k++;
	} else if (p->phase == PH_NOTREADY) {
		ev[k] = (struct ev){ "Warning", "Unhealthy", "kubelet", m->deploys[p->owner].name,
				     m->now - 2 * 3600, m->now - (int64_t)(h % 60), 100 + (int)(h % 600), "" };
		snprintf(ev[k].msg, sizeof(ev[k].msg), "Readiness probe failed: HTTP probe failed with statuscode: 503");
		k++;
	} else if (p->kind == PK_JOB && c > m->now - 3600) {
		ev[k] = (struct ev){ "Normal", "Scheduled", "default-scheduler", NULL, c, c, 1, "" };
		snprintf(ev[k].msg, sizeof(ev[k].msg), "Successfully assigned %s/%s to %s",
			 pod_ns(m, p), pod_name(m, p), n->name);
		k++;
		static const char *const r[] = { "Pulled", "Created", "Started" };
		for (int s = 0; s < 3; s++) {
			ev[k] = (struct ev){ "Normal", r[s], "kubelet", "job", c + 1 + s, c + 1 + s, 1, "" };
			if (s == 0)
				snprintf(ev[k].msg, sizeof(ev[k].msg),
					 "Container image \"%s.azurecr.io/%s/batch-tools\" already present on machine",
					 m->acr, pod_ns(m, p));
			else
				snprintf(ev[k].msg, sizeof(ev[k].msg), "%s container job", r[s]);
			k++;
		}
	}
	return k;
}

int write_events(const struct model *m, const char *path)
{
	struct jw w;
	struct ev ev[6];

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < m->npods && !w.err; k++) {
		uint32_t pi = m->pod_order[k];
		int n = pod_events(m, pi, ev);
		for (int e = 0; e < n; e++)
			write_event(&w, m, pi, &ev[e], (unsigned)e);
	}
	jw_list_end(&w);
	return jw_close(&w);
}
