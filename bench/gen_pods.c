/* SPDX-License-Identifier: MIT */
/*
 * pods.json: full Pod objects as the API server returns them (with
 * metadata.managedFields): about 8 KB compact, 21 KB pretty-printed on their
 * own, 25 KB at the depth they have inside kubectl's List.
 */
#define _GNU_SOURCE
#include "gen_pod.h"

#include <stdio.h>
#include <string.h>

static const char *const cond_types[] = {
	"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled",
};

static void write_spec(struct jw *w, const struct podctx *x)
{
	const struct model *m = x->m;
	const struct gpod *p = x->p;
	bool ds = x->hostnet;

	jw_obj(w, "spec");
	if (ds) {
		jw_obj(w, "affinity");
		jw_obj(w, "nodeAffinity");
		jw_obj(w, "requiredDuringSchedulingIgnoredDuringExecution");
		jw_arr(w, "nodeSelectorTerms");
		jw_obj(w, NULL);
		jw_arr(w, "matchFields");
		jw_obj(w, NULL);
		jw_str(w, "key", "metadata.name");
		jw_str(w, "operator", "In");
		jw_arr(w, "values");
		jw_str(w, NULL, m->nodes[p->node].name);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
	} else if (p->kind == PK_APP) {
		jw_obj(w, "affinity");
		jw_obj(w, "podAntiAffinity");
		jw_arr(w, "preferredDuringSchedulingIgnoredDuringExecution");
		jw_obj(w, NULL);
		jw_obj(w, "podAffinityTerm");
		jw_obj(w, "labelSelector");
		jw_obj(w, "matchLabels");
		jw_str(w, "app", x->app);
		jw_end(w);
		jw_end(w);
		jw_str(w, "topologyKey", "kubernetes.io/hostname");
		jw_end(w);
		jw_int(w, "weight", 100);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
	}
	jw_arr(w, "containers");
	for (int i = 0; i < x->nc; i++)
		write_container(w, x, &x->c[i]);
	jw_end(w);
	jw_str(w, "dnsPolicy", ds ? "ClusterFirstWithHostNet" : p->kind == PK_COREDNS ? "Default" : "ClusterFirst");
	jw_bool(w, "enableServiceLinks", true);
	if (ds)
		jw_bool(w, "hostNetwork", true);
	jw_str(w, "nodeName", m->nodes[p->node].name);
	if (ds) {
		jw_obj(w, "nodeSelector");
		jw_str(w, "kubernetes.io/os", "linux");
		jw_end(w);
	}
	jw_str(w, "preemptionPolicy", "PreemptLowerPriority");
	bool crit = ds || p->kind == PK_COREDNS;
	jw_int(w, "priority", crit ? (ds ? 2000001000 : 2000000000) : 0);
	if (crit)
		jw_str(w, "priorityClassName", ds ? "system-node-critical" : "system-cluster-critical");
	jw_str(w, "restartPolicy", p->kind == PK_JOB ? "OnFailure" : "Always");
	jw_str(w, "schedulerName", "default-scheduler");
	if (p->kind == PK_APP) {
		jw_obj(w, "securityContext");
		jw_int(w, "fsGroup", 10001);
		jw_bool(w, "runAsNonRoot", true);
		jw_end(w);
	} else {
		jw_empty(w, "securityContext");
	}
	const char *sa = p->kind == PK_KUBEPROXY ? "kube-proxy" : p->kind == PK_CNM ? "cloud-node-manager" :
			 p->kind == PK_COREDNS ? "coredns" : "default";
	jw_str(w, "serviceAccount", sa);
	jw_str(w, "serviceAccountName", sa);
	jw_int(w, "terminationGracePeriodSeconds", ds ? 1 : 30);
	jw_arr(w, "tolerations");
	if (ds) {
		jw_obj(w, NULL);
		jw_str(w, "key", "CriticalAddonsOnly");
		jw_str(w, "operator", "Exists");
		jw_end(w);
		jw_obj(w, NULL);
		jw_str(w, "effect", "NoExecute");
		jw_str(w, "operator", "Exists");
		jw_end(w);
		jw_obj(w, NULL);
		jw_str(w, "effect", "NoSchedule");
		jw_str(w, "operator", "Exists");
		jw_end(w);
	}
	static const char *const taints[] = {
		"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
		"node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
		"node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable",
		"node.kubernetes.io/network-unavailable",
	};
	for (int i = 0; i < (ds ? 7 : 2); i++) {
		jw_obj(w, NULL);
		jw_str(w, "effect", i < 2 ? "NoExecute" : "NoSchedule");
		jw_str(w, "key", taints[i]);
		jw_str(w, "operator", "Exists");
		if (!ds)
			jw_int(w, "tolerationSeconds", 300);
		jw_end(w);
	}
	jw_end(w);

	jw_arr(w, "volumes");
	if (p->kind == PK_KUBEPROXY) {
		static const char *const hp[][3] = {
			{ "kubeconfig", "/var/lib/kubelet", "" },
			{ "lib-modules", "/lib/modules", "" },
			{ "xtables-lock", "/run/xtables.lock", "FileOrCreate" },
		};
		for (int i = 0; i < 3; i++) {
			jw_obj(w, NULL);
			jw_obj(w, "hostPath");
			jw_str(w, "path", hp[i][1]);
			jw_str(w, "type", hp[i][2]);
			jw_end(w);
			jw_str(w, "name", hp[i][0]);
			jw_end(w);
		}
	}
	if (p->kind == PK_APP || p->kind == PK_JOB || p->kind == PK_COREDNS) {
		jw_obj(w, NULL);
		jw_obj(w, "configMap");
		jw_int(w, "defaultMode", 420);
		if (p->kind == PK_COREDNS) {
			jw_str(w, "name", "coredns");
		} else {
			jw_strf(w, "name", "%s-config", x->app);
		}
		jw_end(w);
		jw_str(w, "name", p->kind == PK_COREDNS ? "config-volume" : "config");
		jw_end(w);
	}
	if (p->kind == PK_APP || p->kind == PK_COREDNS) {
		jw_obj(w, NULL);
		jw_obj(w, "emptyDir");
		jw_str(w, "sizeLimit", "64Mi");
		jw_end(w);
		jw_str(w, "name", "tmp");
		jw_end(w);
	}
	if (p->kind != PK_KUBEPROXY) {
		jw_obj(w, NULL);
		jw_str(w, "name", x->api_vol);
		jw_obj(w, "projected");
		jw_int(w, "defaultMode", 420);
		jw_arr(w, "sources");
		jw_obj(w, NULL);
		jw_obj(w, "serviceAccountToken");
		jw_int(w, "expirationSeconds", 3607);
		jw_str(w, "path", "token");
		jw_end(w);
		jw_end(w);
		jw_obj(w, NULL);
		jw_obj(w, "configMap");
		jw_arr(w, "items");
		jw_obj(w, NULL);
		jw_str(w, "key", "ca.crt");
		jw_str(w, "path", "ca.crt");
		jw_end(w);
		jw_end(w);
		jw_str(w, "name", "kube-root-ca.crt");
		jw_end(w);
		jw_end(w);
		jw_obj(w, NULL);
		jw_obj(w, "downwardAPI");
		jw_arr(w, "items");
		jw_obj(w, NULL);
		jw_obj(w, "fieldRef");
		jw_str(w, "apiVersion", "v1");
		jw_str(w, "fieldPath", "metadata.namespace");
		jw_end(w);
		jw_str(w, "path", "namespace");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void container_status(struct jw *w, const struct podctx *x, const struct ctr *c, int ci)
{
	const struct model *m = x->m;
	const struct gpod *p = x->p;
	char cid[65], t[21];
	bool main_ctr = ci == 0;

	fmt_hex64(cid, m->seed, K_CTR, (uint64_t)x->i * 2 + (uint64_t)ci);
	jw_obj(w, NULL);
	if (p->phase != PH_PENDING)
		jw_strf(w, "containerID", "containerd://%s", cid);
	jw_str(w, "image", c->image);
	if (p->phase == PH_PENDING) {
		jw_str(w, "imageID", "");
	} else {
		char dg[65];
		fmt_hex64(dg, m->seed, K_MISC, gh(m->seed, K_CTR, 0, 0) ^ (uint64_t)c->image[10] ^
			  (uint64_t)strlen(c->image) << 8 ^ (uint64_t)(p->kind == PK_APP ? p->owner : 999999) << 16);
		jw_strf(w, "imageID", "%s@sha256:%s", c->image_base, dg);
	}
	if (p->restarts && main_ctr) {
		jw_obj(w, "lastState");
		jw_obj(w, "terminated");
		jw_strf(w, "containerID", "containerd://%s", cid);
		jw_int(w, "exitCode", p->kind == PK_KUBEPROXY ? 1 : 137);
		fmt_time(t, m->now - 400);
		jw_str(w, "finishedAt", t);
		jw_str(w, "reason", p->kind == PK_KUBEPROXY ? "Error" : "OOMKilled");
		fmt_time(t, m->now - 700);
		jw_str(w, "startedAt", t);
		jw_end(w);
		jw_end(w);
	} else {
		jw_empty(w, "lastState");
	}
	jw_str(w, "name", c->name);
	bool ready = p->phase == PH_RUNNING || (p->phase == PH_NOTREADY && !main_ctr);
	jw_bool(w, "ready", ready);
	jw_int(w, "restartCount", main_ctr ? p->restarts : 0);
	bool crash = p->kind == PK_KUBEPROXY && p->phase == PH_NOTREADY;
	jw_bool(w, "started", (p->phase == PH_RUNNING || p->phase == PH_NOTREADY) && !crash);
	jw_obj(w, "state");
	if (p->phase == PH_PENDING) {
		jw_obj(w, "waiting");
		jw_str(w, "reason", "ContainerCreating");
		jw_end(w);
	} else if (crash) {
		jw_obj(w, "waiting");
		jw_strf(w, "message", "back-off 5m0s restarting failed container=%s pod=%s_%s(%s)",
			c->name, x->name, x->ns, x->uid);
		jw_str(w, "reason", "CrashLoopBackOff");
		jw_end(w);
	} else if (p->phase == PH_SUCCEEDED || p->phase == PH_FAILED) {
		jw_obj(w, "terminated");
		jw_strf(w, "containerID", "containerd://%s", cid);
		jw_int(w, "exitCode", p->phase == PH_FAILED ? 1 : 0);
		fmt_time(t, pod_created(m, x->i) + 95);
		jw_str(w, "finishedAt", t);
		jw_str(w, "reason", p->phase == PH_FAILED ? "Error" : "Completed");
		jw_str(w, "startedAt", x->started);
		jw_end(w);
	} else {
		jw_obj(w, "running");
		if (p->restarts && main_ctr) {
			fmt_time(t, m->now - 390);
			jw_str(w, "startedAt", t);
		} else {
			jw_str(w, "startedAt", x->started);
		}
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void write_status(struct jw *w, const struct podctx *x)
{
	const struct gpod *p = x->p;
	bool done = p->phase == PH_SUCCEEDED || p->phase == PH_FAILED;

	jw_obj(w, "status");
	jw_arr(w, "conditions");
	for (int i = 0; i < 5; i++) {
		const char *ty = cond_types[i];
		bool ok = true;
		const char *reason = NULL;
		if (i == 0)
			ok = p->phase != PH_PENDING && !done;
		if (i == 2 || i == 3) {
			ok = p->phase == PH_RUNNING;
			reason = done ? "PodCompleted" : "ContainersNotReady";
		}
		jw_obj(w, NULL);
		jw_null(w, "lastProbeTime");
		jw_str(w, "lastTransitionTime", i == 4 || i == 1 ? x->created : x->started);
		if (!ok && reason && !done) {
			char msg[200];
			snprintf(msg, sizeof(msg), "containers with unready status: [%s]", x->c[0].name);
			jw_str(w, "message", msg);
		}
		if (!ok && reason)
			jw_str(w, "reason", reason);
		jw_str(w, "status", ok ? "True" : "False");
		jw_str(w, "type", ty);
		jw_end(w);
	}
	jw_end(w);
	jw_arr(w, "containerStatuses");
	for (int i = 0; i < x->nc; i++)
		container_status(w, x, &x->c[i], i);
	jw_end(w);
	jw_str(w, "hostIP", x->host_ip);
	jw_arr(w, "hostIPs");
	jw_obj(w, NULL);
	jw_str(w, "ip", x->host_ip);
	jw_end(w);
	jw_end(w);
	jw_str(w, "phase", p->phase == PH_PENDING ? "Pending" : p->phase == PH_SUCCEEDED ? "Succeeded" :
		   p->phase == PH_FAILED ? "Failed" : "Running");
	if (x->ip[0]) {
		jw_str(w, "podIP", x->ip);
		jw_arr(w, "podIPs");
		jw_obj(w, NULL);
		jw_str(w, "ip", x->ip);
		jw_end(w);
		jw_end(w);
	}
	jw_str(w, "qosClass", "Burstable");
	jw_str(w, "startTime", x->created);
	jw_end(w);
}

static void write_metadata(struct jw *w, const struct podctx *x)
{
	const struct model *m = x->m;
	const struct gpod *p = x->p;
	char t[21];

	jw_obj(w, "metadata");
	if (p->kind == PK_APP) {
		jw_obj(w, "annotations");
		jw_str(w, "prometheus.io/path", "/metrics");
		jw_str(w, "prometheus.io/port", "9090");
		jw_str(w, "prometheus.io/scrape", "true");
		jw_end(w);
	}
	jw_str(w, "creationTimestamp", x->created);
	if (p->kind == PK_JOB)
		jw_strf(w, "generateName", "%s-", m->jobs[p->owner].name);
	else
		jw_strf(w, "generateName", "%s-", x->owner_name);
	jw_obj(w, "labels");
	switch (p->kind) {
	case PK_APP: {
		const struct gdeploy *d = &m->deploys[p->owner];
		jw_str(w, "app", d->name);
		jw_str(w, "app.kubernetes.io/name", d->name);
		jw_str(w, "app.kubernetes.io/part-of", x->ns);
		jw_str(w, "pod-template-hash", d->hash);
		if (d->team)
			jw_str(w, "team", m->ns[d->ns].name);
		jw_str(w, "version", "v1");
		break;
	}
	case PK_COREDNS:
		jw_str(w, "k8s-app", "kube-dns");
		jw_str(w, "pod-template-hash", m->deploys[0].hash);
		jw_str(w, "version", "v20");
		break;
	case PK_JOB:
		jw_str(w, "batch.kubernetes.io/controller-uid", x->owner_uid);
		jw_str(w, "batch.kubernetes.io/job-name", m->jobs[p->owner].name);
		jw_str(w, "controller-uid", x->owner_uid);
		jw_str(w, "job-name", m->jobs[p->owner].name);
		break;
	case PK_KUBEPROXY:
		jw_str(w, "component", "kube-proxy");
		jw_str(w, "controller-revision-hash", "7c9f6d8b4");
		jw_str(w, "pod-template-generation", "3");
		jw_str(w, "tier", "node");
		break;
	default:
		jw_str(w, "controller-revision-hash", "5b8d7c9f6");
		jw_str(w, "k8s-app", "cloud-node-manager");
		jw_str(w, "pod-template-generation", "2");
	}
	jw_end(w);
	jw_arr(w, "managedFields");
	mf_controller(w, x);
	mf_kubelet(w, x);
	if (p->kind == PK_APP && m->deploys[p->owner].team) {
		mf_head(w);
		jw_obj(w, "f:metadata");
		jw_obj(w, "f:labels");
		jw_empty(w, "f:team");
		jw_end(w);
		jw_end(w);
		fmt_time(t, pod_created(m, x->i) + 40);
		mf_tail(w, "kubectl-label", NULL, t);
	}
	jw_end(w);
	jw_str(w, "name", x->name);
	jw_str(w, "namespace", x->ns);
	jw_arr(w, "ownerReferences");
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", p->kind == PK_JOB ? "batch/v1" : "apps/v1");
	jw_bool(w, "blockOwnerDeletion", true);
	jw_bool(w, "controller", true);
	jw_str(w, "kind", p->kind == PK_JOB ? "Job" : (p->kind == PK_KUBEPROXY || p->kind == PK_CNM) ?
		   "DaemonSet" : "ReplicaSet");
	jw_str(w, "name", p->kind == PK_JOB ? m->jobs[p->owner].name : x->owner_name);
	jw_str(w, "uid", x->owner_uid);
	jw_end(w);
	jw_end(w);
	jw_strf(w, "resourceVersion", "%u", 20000000u + (unsigned)(gh(m->seed, K_POD, x->i, 6) % 80000000));
	jw_str(w, "uid", x->uid);
	jw_end(w);
}

static void write_pod(struct jw *w, const struct model *m, uint32_t i)
{
	struct podctx x;
	const struct gpod *p = &m->pods[i];
	char suf[6];

	memset(&x, 0, sizeof(x));
	x.m = m;
	x.p = p;
	x.i = i;
	x.ns = pod_ns(m, p);
	x.name = pod_name(m, p);
	x.hostnet = p->kind == PK_KUBEPROXY || p->kind == PK_CNM;
	fmt_uid(x.uid, gh(m->seed, K_POD, i, 10), gh(m->seed, K_POD, i, 11));
	switch (p->kind) {
	case PK_APP:
	case PK_COREDNS:
		x.app = m->deploys[p->owner].name;
		snprintf(x.owner_name, sizeof(x.owner_name), "%s-%s", x.app, m->deploys[p->owner].hash);
		fmt_uid(x.owner_uid, gh(m->seed, K_DEPLOY, p->owner, 10), gh(m->seed, K_DEPLOY, p->owner, 11));
		break;
	case PK_JOB:
		x.app = m->jobs[p->owner].name;
		snprintf(x.owner_name, sizeof(x.owner_name), "%s", x.app);
		fmt_uid(x.owner_uid, gh(m->seed, K_JOB, p->owner, 10), gh(m->seed, K_JOB, p->owner, 11));
		break;
	default: {
		unsigned ds = p->kind == PK_CNM;
		x.app = ds ? "cloud-node-manager" : "kube-proxy";
		snprintf(x.owner_name, sizeof(x.owner_name), "%s", x.app);
		fmt_uid(x.owner_uid, gh(m->seed, K_DS, ds, 10), gh(m->seed, K_DS, ds, 11));
	}
	}
	fmt_safe(suf, 5, gh(m->seed, K_POD, i, 7));
	snprintf(x.api_vol, sizeof(x.api_vol), "kube-api-access-%s", suf);
	if (p->ip)
		fmt_ip(x.ip, p->ip);
	fmt_ip(x.host_ip, m->nodes[p->node].ip);
	fmt_time(x.created, pod_created(m, i));
	fmt_time(x.started, pod_created(m, i) + 4);
	make_containers(&x);

	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_str(w, "kind", "Pod");
	write_metadata(w, &x);
	write_spec(w, &x);
	write_status(w, &x);
	jw_end(w);
}

int write_pods(const struct model *m, const char *path)
{
	struct jw w;

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < m->npods && !w.err; k++)
		write_pod(&w, m, m->pod_order[k]);
	jw_list_end(&w);
	return jw_close(&w);
}
