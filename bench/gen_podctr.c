/* SPDX-License-Identifier: MIT */
/*
 * The containers of a Pod and the managedFields entries that describe
 * them (see gen_pod.h).
 */
#define _GNU_SOURCE
#include "gen_pod.h"

#include <stdio.h>
#include <string.h>

/* Sorted by name: the env list order is also the managedFields key order. */
static const struct env app_env[] = {
	{ "APPLICATIONINSIGHTS_CONNECTION_STRING", EV_SECRET, "appinsights-connection-string" },
	{ "CACHE_TTL_SECONDS", EV_VAL, "300" },
	{ "DB_HOST", EV_CM, "db-host" },
	{ "DB_PASSWORD", EV_SECRET, "db-password" },
	{ "DB_USER", EV_CM, "db-user" },
	{ "FEATURE_FLAGS_URL", EV_VAL, "http://flag-api.platform-prod.svc.cluster.local:8080/v1/flags" },
	{ "HTTP_PORT", EV_VAL, "8080" },
	{ "JAVA_TOOL_OPTIONS", EV_VAL, "-XX:MaxRAMPercentage=75.0 -XX:+UseG1GC -Dfile.encoding=UTF-8" },
	{ "LOG_FORMAT", EV_VAL, "json" },
	{ "LOG_LEVEL", EV_VAL, "info" },
	{ "NODE_NAME", EV_FIELD, "spec.nodeName" },
	{ "OTEL_EXPORTER_OTLP_ENDPOINT", EV_VAL, "http://otel-collector.observability.svc.cluster.local:4317" },
	{ "OTEL_SERVICE_NAME", EV_APP, NULL },
	{ "POD_IP", EV_FIELD, "status.podIP" },
	{ "POD_NAME", EV_FIELD, "metadata.name" },
	{ "POD_NAMESPACE", EV_FIELD, "metadata.namespace" },
	{ "REDIS_URL", EV_CM, "redis-url" },
	{ "SERVICE_BUS_CONNECTION", EV_SECRET, "servicebus-connection" },
	{ "SERVICE_NAME", EV_APP, NULL },
	{ "TZ", EV_VAL, "UTC" },
};
static const struct env sidecar_env[] = {
	{ "FLUENT_ELASTICSEARCH_HOST", EV_VAL, "logs.observability.svc.cluster.local" },
	{ "FLUENT_ELASTICSEARCH_PORT", EV_VAL, "9200" },
	{ "NODE_NAME", EV_FIELD, "spec.nodeName" },
};
static const struct env cnm_env[] = {
	{ "NODE_NAME", EV_FIELD, "spec.nodeName" },
};
static const char *const kp_cmd[] = {
	"kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249",
	"--cluster-cidr=10.32.0.0/11", "--detect-local-mode=ClusterCIDR",
	"--pod-interface-name-prefix=", "--v=3",
};
static const char *const cnm_cmd[] = {
	"cloud-node-manager", "--node-name=$(NODE_NAME)", "--wait-routes=true",
};
static const char *const dns_cmd[] = { "-conf", "/etc/coredns/Corefile" };


/* ---- containers --------------------------------------------------------- */

void make_containers(struct podctx *x)
{
	const struct model *m = x->m;
	const struct gpod *p = x->p;
	struct ctr *c = &x->c[0];

	memset(x->c, 0, sizeof(x->c));
	x->nc = 1;
	switch (p->kind) {
	case PK_KUBEPROXY:
		c->name = "kube-proxy";
		snprintf(c->image, sizeof(c->image), "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.6-hotfix.20241104");
		snprintf(c->image_base, sizeof(c->image_base), "mcr.microsoft.com/oss/kubernetes/kube-proxy");
		c->cmd = kp_cmd;
		c->ncmd = 7;
		c->cpu_req = "100m";
		c->mounts[0] = (struct mount){ "lib-modules", "/lib/modules", true };
		c->mounts[1] = (struct mount){ "xtables-lock", "/run/xtables.lock", false };
		c->mounts[2] = (struct mount){ "kubeconfig", "/var/lib/kubelet", true };
		c->nmounts = 3;
		c->secctx = 2;
		return;
	case PK_CNM:
		c->name = "cloud-node-manager";
		snprintf(c->image, sizeof(c->image), "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.30.7");
		snprintf(c->image_base, sizeof(c->image_base), "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager");
		c->cmd = cnm_cmd;
		c->ncmd = 3;
		c->env = cnm_env;
		c->nenv = 1;
		c->cpu_req = "50m";
		c->mem_req = "50Mi";
		c->cpu_lim = "2";
		c->mem_lim = "512Mi";
		break;
	case PK_COREDNS:
		c->name = "coredns";
		snprintf(c->image, sizeof(c->image), "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2");
		snprintf(c->image_base, sizeof(c->image_base), "mcr.microsoft.com/oss/kubernetes/coredns");
		c->cmd = dns_cmd;
		c->ncmd = 2;
		c->ports[0] = (struct port){ "dns", 53, "UDP" };
		c->ports[1] = (struct port){ "dns-tcp", 53, "TCP" };
		c->ports[2] = (struct port){ "metrics", 9153, "TCP" };
		c->nports = 3;
		c->cpu_req = "100m";
		c->mem_req = "70Mi";
		c->mem_lim = "500Mi";
		c->live_path = "/health";
		c->live_num = 8080;
		c->ready_path = "/ready";
		c->ready_num = 8181;
		c->mounts[0] = (struct mount){ "config-volume", "/etc/coredns", true };
		c->mounts[1] = (struct mount){ "tmp", "/tmp", false };
		c->nmounts = 2;
		c->secctx = 1;
		break;
	case PK_JOB:
		c->name = "job";
		snprintf(c->image, sizeof(c->image), "%s.azurecr.io/%s/batch-tools:2.%u.0", m->acr, x->ns,
			 (unsigned)(gh(m->seed, K_JOB, p->owner, 4) % 30));
		snprintf(c->image_base, sizeof(c->image_base), "%s.azurecr.io/%s/batch-tools", m->acr, x->ns);
		c->env = app_env;
		c->nenv = 8;
		c->cpu_req = "250m";
		c->mem_req = "256Mi";
		c->cpu_lim = "1";
		c->mem_lim = "1Gi";
		c->mounts[0] = (struct mount){ "config", "/etc/app", true };
		c->nmounts = 1;
		c->secctx = 1;
		break;
	default: {
		const struct gdeploy *d = &m->deploys[p->owner];
		uint64_t h = gh(m->seed, K_DEPLOY, p->owner, 5);
		c->name = d->name;
		snprintf(c->image, sizeof(c->image), "%s.azurecr.io/%s/%s:1.%u.%u", m->acr, x->ns, d->name,
			 (unsigned)(h % 40), (unsigned)(h >> 8) % 20);
		snprintf(c->image_base, sizeof(c->image_base), "%s.azurecr.io/%s/%s", m->acr, x->ns, d->name);
		c->nenv = d->nenv;   /* a contiguous run keeps the list sorted */
		c->env = app_env + gh(m->seed, K_DEPLOY, p->owner, 6) % (sizeof(app_env) / sizeof(app_env[0]) - d->nenv + 1);
		c->ports[0] = (struct port){ "http", d->port, "TCP" };
		c->ports[1] = (struct port){ "metrics", 9090, "TCP" };
		c->nports = 2;
		c->cpu_req = "100m";
		c->mem_req = "128Mi";
		c->cpu_lim = "500m";
		c->mem_lim = "512Mi";
		if (d->probes) {
			c->live_path = "/healthz";
			c->ready_path = "/ready";
			c->probe_port = "http";
		}
		c->mounts[0] = (struct mount){ "config", "/etc/app", true };
		c->mounts[1] = (struct mount){ "tmp", "/tmp", false };
		c->nmounts = 2;
		c->secctx = d->secctx;
		if (d->sidecar) {
			struct ctr *s = &x->c[1];
			x->nc = 2;
			s->name = "log-shipper";
			snprintf(s->image, sizeof(s->image), "mcr.microsoft.com/oss/fluent/fluent-bit:3.1.9");
			snprintf(s->image_base, sizeof(s->image_base), "mcr.microsoft.com/oss/fluent/fluent-bit");
			s->env = sidecar_env;
			s->nenv = 3;
			s->ports[0] = (struct port){ "fb-metrics", 2020, "TCP" };
			s->nports = 1;
			s->cpu_req = "20m";
			s->mem_req = "32Mi";
			s->mem_lim = "128Mi";
			s->mounts[0] = (struct mount){ "tmp", "/tmp", true };
			s->nmounts = 1;
			s->secctx = 1;
		}
	}
	}
	/* every non-hostNetwork pod gets the service-account token volume */
	c->mounts[c->nmounts++] = (struct mount){ x->api_vol, "/var/run/secrets/kubernetes.io/serviceaccount", true };
	if (x->nc == 2)
		x->c[1].mounts[x->c[1].nmounts++] = (struct mount){ x->api_vol, "/var/run/secrets/kubernetes.io/serviceaccount", true };
}

static void probe(struct jw *w, const char *key, const char *path, const char *pname, int pnum, int delay)
{
	jw_obj(w, key);
	jw_int(w, "failureThreshold", 3);
	jw_obj(w, "httpGet");
	jw_str(w, "path", path);
	if (pname)
		jw_str(w, "port", pname);
	else
		jw_int(w, "port", pnum);
	jw_str(w, "scheme", "HTTP");
	jw_end(w);
	jw_int(w, "initialDelaySeconds", delay);
	jw_int(w, "periodSeconds", 10);
	jw_int(w, "successThreshold", 1);
	jw_int(w, "timeoutSeconds", 1);
	jw_end(w);
}

static void res_pair(struct jw *w, const char *key, const char *cpu, const char *mem)
{
	if (!cpu && !mem)
		return;
	jw_obj(w, key);
	if (cpu)
		jw_str(w, "cpu", cpu);
	if (mem)
		jw_str(w, "memory", mem);
	jw_end(w);
}

void write_container(struct jw *w, const struct podctx *x, const struct ctr *c)
{
	jw_obj(w, NULL);
	if (c->ncmd) {
		jw_arr(w, "command");
		for (int k = 0; k < c->ncmd; k++)
			jw_str(w, NULL, c->cmd[k]);
		jw_end(w);
	}
	if (c->nenv) {
		jw_arr(w, "env");
		for (int k = 0; k < c->nenv; k++) {
			const struct env *e = &c->env[k];
			jw_obj(w, NULL);
			jw_str(w, "name", e->name);
			switch (e->kind) {
			case EV_VAL: jw_str(w, "value", e->a); break;
			case EV_APP: jw_str(w, "value", x->app); break;
			case EV_FIELD:
				jw_obj(w, "valueFrom");
				jw_obj(w, "fieldRef");
				jw_str(w, "apiVersion", "v1");
				jw_str(w, "fieldPath", e->a);
				jw_end(w);
				jw_end(w);
				break;
			default:
				jw_obj(w, "valueFrom");
				jw_obj(w, e->kind == EV_SECRET ? "secretKeyRef" : "configMapKeyRef");
				jw_str(w, "key", e->a);
				jw_strf(w, "name", "%s-%s", x->app, e->kind == EV_SECRET ? "secrets" : "config");
				jw_end(w);
				jw_end(w);
			}
			jw_end(w);
		}
		jw_end(w);
	}
	jw_str(w, "image", c->image);
	jw_str(w, "imagePullPolicy", "IfNotPresent");
	if (c->live_path)
		probe(w, "livenessProbe", c->live_path, c->probe_port, c->live_num, 30);
	jw_str(w, "name", c->name);
	if (c->nports) {
		jw_arr(w, "ports");
		for (int k = 0; k < c->nports; k++) {
			jw_obj(w, NULL);
			jw_int(w, "containerPort", c->ports[k].num);
			jw_str(w, "name", c->ports[k].name);
			jw_str(w, "protocol", c->ports[k].proto);
			jw_end(w);
		}
		jw_end(w);
	}
	if (c->ready_path)
		probe(w, "readinessProbe", c->ready_path, c->probe_port, c->ready_num, 5);
	jw_obj(w, "resources");
	res_pair(w, "limits", c->cpu_lim, c->mem_lim);
	res_pair(w, "requests", c->cpu_req, c->mem_req);
	jw_end(w);
	if (c->secctx == 2) {
		jw_obj(w, "securityContext");
		jw_bool(w, "privileged", true);
		jw_end(w);
	} else if (c->secctx == 1) {
		jw_obj(w, "securityContext");
		jw_bool(w, "allowPrivilegeEscalation", false);
		jw_obj(w, "capabilities");
		jw_arr(w, "drop");
		jw_str(w, NULL, "ALL");
		jw_end(w);
		jw_end(w);
		jw_bool(w, "readOnlyRootFilesystem", true);
		jw_bool(w, "runAsNonRoot", true);
		jw_int(w, "runAsUser", 10001);
		jw_end(w);
	}
	jw_str(w, "terminationMessagePath", "/dev/termination-log");
	jw_str(w, "terminationMessagePolicy", "File");
	if (c->nmounts) {
		jw_arr(w, "volumeMounts");
		for (int k = 0; k < c->nmounts; k++) {
			jw_obj(w, NULL);
			jw_str(w, "mountPath", c->mounts[k].path);
			jw_str(w, "name", c->mounts[k].name);
			if (c->mounts[k].ro)
				jw_bool(w, "readOnly", true);
			jw_end(w);
		}
		jw_end(w);
	}
	jw_end(w);
}

/* ---- managedFields ------------------------------------------------------ */

static void probe_fields(struct jw *w, const char *key)
{
	jw_obj(w, key);
	jw_fields(w, ".", "f:failureThreshold", NULL);
	jw_obj(w, "f:httpGet");
	jw_fields(w, ".", "f:path", "f:port", "f:scheme", NULL);
	jw_end(w);
	jw_fields(w, "f:initialDelaySeconds", "f:periodSeconds", "f:successThreshold", "f:timeoutSeconds", NULL);
	jw_end(w);
}

static void container_fields(struct jw *w, const struct ctr *c)
{
	char k[160];

	snprintf(k, sizeof(k), "k:{\"name\":\"%s\"}", c->name);
	jw_obj(w, k);
	jw_empty(w, ".");
	if (c->ncmd)
		jw_empty(w, "f:command");
	if (c->nenv) {
		jw_obj(w, "f:env");
		jw_empty(w, ".");
		for (int i = 0; i < c->nenv; i++) {
			snprintf(k, sizeof(k), "k:{\"name\":\"%s\"}", c->env[i].name);
			jw_obj(w, k);
			jw_fields(w, ".", "f:name", NULL);
			if (c->env[i].kind == EV_VAL || c->env[i].kind == EV_APP) {
				jw_empty(w, "f:value");
			} else {
				jw_obj(w, "f:valueFrom");
				jw_fields(w, ".", c->env[i].kind == EV_FIELD ? "f:fieldRef" :
					  c->env[i].kind == EV_SECRET ? "f:secretKeyRef" : "f:configMapKeyRef", NULL);
				jw_end(w);
			}
			jw_end(w);
		}
		jw_end(w);
	}
	jw_fields(w, "f:image", "f:imagePullPolicy", NULL);
	if (c->live_path)
		probe_fields(w, "f:livenessProbe");
	jw_empty(w, "f:name");
	if (c->nports) {
		jw_obj(w, "f:ports");
		jw_empty(w, ".");
		for (int i = 0; i < c->nports; i++) {
			snprintf(k, sizeof(k), "k:{\"containerPort\":%d,\"protocol\":\"%s\"}",
				 c->ports[i].num, c->ports[i].proto);
			jw_obj(w, k);
			jw_fields(w, ".", "f:containerPort", "f:name", "f:protocol", NULL);
			jw_end(w);
		}
		jw_end(w);
	}
	if (c->ready_path)
		probe_fields(w, "f:readinessProbe");
	jw_obj(w, "f:resources");
	jw_empty(w, ".");
	if (c->cpu_lim || c->mem_lim) {
		jw_obj(w, "f:limits");
		jw_empty(w, ".");
		if (c->cpu_lim)
			jw_empty(w, "f:cpu");
		if (c->mem_lim)
			jw_empty(w, "f:memory");
		jw_end(w);
	}
	jw_obj(w, "f:requests");
	jw_empty(w, ".");
	if (c->cpu_req)
		jw_empty(w, "f:cpu");
	if (c->mem_req)
		jw_empty(w, "f:memory");
	jw_end(w);
	jw_end(w);
	if (c->secctx == 2) {
		jw_obj(w, "f:securityContext");
		jw_fields(w, ".", "f:privileged", NULL);
		jw_end(w);
	} else if (c->secctx == 1) {
		jw_obj(w, "f:securityContext");
		jw_fields(w, ".", "f:allowPrivilegeEscalation", NULL);
		jw_obj(w, "f:capabilities");
		jw_fields(w, ".", "f:drop", NULL);
		jw_end(w);
		jw_fields(w, "f:readOnlyRootFilesystem", "f:runAsNonRoot", "f:runAsUser", NULL);
		jw_end(w);
	}
	jw_fields(w, "f:terminationMessagePath", "f:terminationMessagePolicy", NULL);
	if (c->nmounts) {
		jw_obj(w, "f:volumeMounts");
		jw_empty(w, ".");
		for (int i = 0; i < c->nmounts; i++) {
			if (strncmp(c->mounts[i].name, "kube-api-access-", 16) == 0)
				continue;   /* added by admission, not by the controller */
			snprintf(k, sizeof(k), "k:{\"mountPath\":\"%s\"}", c->mounts[i].path);
			jw_obj(w, k);
			jw_fields(w, ".", "f:mountPath", "f:name", NULL);
			if (c->mounts[i].ro)
				jw_empty(w, "f:readOnly");
			jw_end(w);
		}
		jw_end(w);
	}
	jw_end(w);
}

void mf_head(struct jw *w)
{
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_str(w, "fieldsType", "FieldsV1");
	jw_obj(w, "fieldsV1");
}

void mf_tail(struct jw *w, const char *manager, const char *subresource, const char *time)
{
	jw_end(w);
	jw_str(w, "manager", manager);
	jw_str(w, "operation", "Update");
	if (subresource)
		jw_str(w, "subresource", subresource);
	jw_str(w, "time", time);
	jw_end(w);
}

/* The volumes the controller wrote (the token volume comes from admission). */
static void volume_fields(struct jw *w, int kind)
{
	if (kind == PK_CNM)
		return;
	jw_obj(w, "f:volumes");
	jw_empty(w, ".");
	if (kind == PK_KUBEPROXY) {
		static const char *const hp[] = { "kubeconfig", "lib-modules", "xtables-lock" };
		for (int i = 0; i < 3; i++) {
			char k[64];
			snprintf(k, sizeof(k), "k:{\"name\":\"%s\"}", hp[i]);
			jw_obj(w, k);
			jw_empty(w, ".");
			jw_obj(w, "f:hostPath");
			jw_fields(w, ".", "f:path", "f:type", NULL);
			jw_end(w);
			jw_empty(w, "f:name");
			jw_end(w);
		}
		jw_end(w);
		return;
	}
	jw_obj(w, kind == PK_COREDNS ? "k:{\"name\":\"config-volume\"}" : "k:{\"name\":\"config\"}");
	jw_empty(w, ".");
	jw_obj(w, "f:configMap");
	jw_fields(w, ".", "f:defaultMode", "f:name", NULL);
	jw_end(w);
	jw_empty(w, "f:name");
	jw_end(w);
	if (kind != PK_JOB) {
		jw_obj(w, "k:{\"name\":\"tmp\"}");
		jw_empty(w, ".");
		jw_obj(w, "f:emptyDir");
		jw_fields(w, ".", "f:sizeLimit", NULL);
		jw_end(w);
		jw_empty(w, "f:name");
		jw_end(w);
	}
	jw_end(w);
}

void mf_controller(struct jw *w, const struct podctx *x)
{
	const struct gpod *p = x->p;
	char k[96];
	bool app = p->kind == PK_APP;
	bool ds = p->kind == PK_KUBEPROXY || p->kind == PK_CNM;

	mf_head(w);
	jw_obj(w, "f:metadata");
	if (app) {
		jw_obj(w, "f:annotations");
		jw_fields(w, ".", "f:prometheus.io/path", "f:prometheus.io/port", "f:prometheus.io/scrape", NULL);
		jw_end(w);
	}
	jw_empty(w, "f:generateName");
	jw_obj(w, "f:labels");
	jw_empty(w, ".");
	switch (p->kind) {
	case PK_APP:
		jw_fields(w, "f:app", "f:app.kubernetes.io/name", "f:app.kubernetes.io/part-of",
			  "f:pod-template-hash", "f:version", NULL);
		break;
	case PK_COREDNS:
		jw_fields(w, "f:k8s-app", "f:pod-template-hash", "f:version", NULL);
		break;
	case PK_JOB:
		jw_fields(w, "f:batch.kubernetes.io/controller-uid", "f:batch.kubernetes.io/job-name",
			  "f:controller-uid", "f:job-name", NULL);
		break;
	case PK_KUBEPROXY:
		jw_fields(w, "f:component", "f:controller-revision-hash", "f:pod-template-generation", "f:tier", NULL);
		break;
	default:
		jw_fields(w, "f:controller-revision-hash", "f:k8s-app", "f:pod-template-generation", NULL);
	}
	jw_end(w);
	jw_obj(w, "f:ownerReferences");
	jw_empty(w, ".");
	snprintf(k, sizeof(k), "k:{\"uid\":\"%s\"}", x->owner_uid);
	jw_empty(w, k);
	jw_end(w);
	jw_end(w);

	jw_obj(w, "f:spec");
	if (app || ds) {
		jw_obj(w, "f:affinity");
		jw_empty(w, ".");
		if (ds) {
			jw_obj(w, "f:nodeAffinity");
			jw_fields(w, ".", "f:requiredDuringSchedulingIgnoredDuringExecution", NULL);
		} else {
			jw_obj(w, "f:podAntiAffinity");
			jw_fields(w, ".", "f:preferredDuringSchedulingIgnoredDuringExecution", NULL);
		}
		jw_end(w);
		jw_end(w);
	}
	jw_obj(w, "f:containers");
	for (int i = 0; i < x->nc; i++)
		container_fields(w, &x->c[i]);
	jw_end(w);
	jw_fields(w, "f:dnsPolicy", "f:enableServiceLinks", NULL);
	if (ds)
		jw_fields(w, "f:hostNetwork", "f:nodeSelector", NULL);
	if (ds || p->kind == PK_COREDNS)
		jw_empty(w, "f:priorityClassName");
	jw_fields(w, "f:restartPolicy", "f:schedulerName", NULL);
	jw_obj(w, "f:securityContext");
	jw_empty(w, ".");
	if (app)
		jw_fields(w, "f:fsGroup", "f:runAsNonRoot", NULL);
	jw_end(w);
	jw_fields(w, "f:serviceAccount", "f:serviceAccountName", "f:terminationGracePeriodSeconds",
		  "f:tolerations", NULL);
	volume_fields(w, p->kind);
	jw_end(w);
	mf_tail(w, "kube-controller-manager", NULL, x->created);
}

void mf_kubelet(struct jw *w, const struct podctx *x)
{
	static const char *const sorted[] = { "ContainersReady", "Initialized", "PodReadyToStartContainers", "Ready" };
	char k[96];
	bool notready = x->p->phase != PH_RUNNING;

	mf_head(w);
	jw_obj(w, "f:status");
	jw_obj(w, "f:conditions");
	for (int i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "k:{\"type\":\"%s\"}", sorted[i]);
		jw_obj(w, k);
		jw_fields(w, ".", "f:lastProbeTime", "f:lastTransitionTime", NULL);
		if (notready && (i == 0 || i == 3))
			jw_fields(w, "f:message", "f:reason", NULL);
		jw_fields(w, "f:status", "f:type", NULL);
		jw_end(w);
	}
	jw_end(w);
	jw_fields(w, "f:containerStatuses", "f:hostIP", "f:hostIPs", "f:phase", NULL);
	if (x->ip[0]) {
		jw_empty(w, "f:podIP");
		jw_obj(w, "f:podIPs");
		jw_empty(w, ".");
		snprintf(k, sizeof(k), "k:{\"ip\":\"%s\"}", x->ip);
		jw_obj(w, k);
		jw_fields(w, ".", "f:ip", NULL);
		jw_end(w);
		jw_end(w);
	}
	jw_empty(w, "f:startTime");
	jw_end(w);
	char t[21];
	fmt_time(t, x->m->now - 60 - (int64_t)(gh(x->m->seed, K_POD, x->i, 5) % 3000));
	mf_tail(w, "kubelet", "status", t);
}

/* ---- the pod ------------------------------------------------------------ */

