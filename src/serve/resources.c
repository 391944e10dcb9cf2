/* SPDX-License-Identifier: MIT */
/*
 * The resources `serve` knows by name: what kubectl's discovery needs to
 * turn "po", "nnc" or "netpol" into a path, and which field labels each
 * accepts (from the API server's field label conversions).
 */
#include "serve/store.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define CORE(plural, singular, kind, ns, sh, cat) \
	{"", "v1", kind, plural, singular, sh, cat, ns, false, true, {NULL}, 0, NULL, 0, 0}
#define GRP(g, v, plural, singular, kind, ns, sh, cat) \
	{g, v, kind, plural, singular, sh, cat, ns, false, true, {NULL}, 0, NULL, 0, 0}

#define EVENT_FIELDS(io) \
	io "kind", io "namespace", io "name", io "uid", io "apiVersion", io "resourceVersion", \
	io "fieldPath"
/* events.k8s.io/v1 also answers to the core labels, read from "regarding" */
#define IO(f) "involvedObject." f "=regarding." f
#define EVENT_ALIASES \
	IO("kind"), IO("namespace"), IO("name"), IO("uid"), IO("apiVersion"), \
	IO("resourceVersion"), IO("fieldPath")

const struct nd_sres nd_sres_builtin[] = {
	{"", "v1", "Pod", "pods", "pod", "po", "all", true, false, true,
	 {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
	  "!spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"},
	 8, NULL, 0, 0},
	{"", "v1", "Node", "nodes", "node", "no", NULL, false, false, true,
	 {"!spec.unschedulable"}, 1, NULL, 0, 0},
	{"", "v1", "Namespace", "namespaces", "namespace", "ns", NULL, false, false, true,
	 {"status.phase"}, 1, NULL, 0, 0},
	{"", "v1", "Service", "services", "service", "svc", "all", true, false, true,
	 {"spec.clusterIP", "spec.type"}, 2, NULL, 0, 0},
	CORE("endpoints", "endpoints", "Endpoints", true, "ep", NULL),
	{"", "v1", "Event", "events", "event", "ev", NULL, true, false, true,
	 {EVENT_FIELDS("involvedObject."), "reason", "reportingComponent",
	  "source=source.component", "type"}, 11, NULL, 0, 0},
	CORE("serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa", NULL),
	CORE("configmaps", "configmap", "ConfigMap", true, "cm", NULL),
	{"", "v1", "Secret", "secrets", "secret", NULL, NULL, true, true, true,
	 {"type"}, 1, NULL, 0, 0},
	CORE("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true,
	     "pvc", NULL),
	CORE("persistentvolumes", "persistentvolume", "PersistentVolume", false, "pv", NULL),
	{"", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller",
	 "rc", "all", true, false, true, {"status.replicas"}, 1, NULL, 0, 0},
	CORE("limitranges", "limitrange", "LimitRange", true, "limits", NULL),
	CORE("resourcequotas", "resourcequota", "ResourceQuota", true, "quota", NULL),
	CORE("podtemplates", "podtemplate", "PodTemplate", true, NULL, NULL),
	GRP("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, "ds", "all"),
	GRP("apps", "v1", "deployments", "deployment", "Deployment", true, "deploy", "all"),
	{"apps", "v1", "ReplicaSet", "replicasets", "replicaset", "rs", "all", true, false, true,
	 {"status.replicas"}, 1, NULL, 0, 0},
	GRP("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, "sts", "all"),
	GRP("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true,
	    NULL, NULL),
	{"batch", "v1", "Job", "jobs", "job", NULL, "all", true, false, true,
	 {"status.successful"}, 1, NULL, 0, 0},
	GRP("batch", "v1", "cronjobs", "cronjob", "CronJob", true, "cj", "all"),
	GRP("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true,
	    NULL, NULL),
	{"events.k8s.io", "v1", "Event", "events", "event", "ev", NULL, true, false, true,
	 {EVENT_FIELDS("regarding."), EVENT_ALIASES, "reason",
	  "type", "reportingController"}, 17, NULL, 0, 0},
	GRP("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
	    "netpol", NULL),
	GRP("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, "ing", NULL),
	GRP("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false,
	    NULL, NULL),
	GRP("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget",
	    true, "pdb", NULL),
	GRP("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler",
	    "HorizontalPodAutoscaler", true, "hpa", "all"),
	GRP("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, NULL, NULL),
	GRP("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true,
	    NULL, NULL),
	GRP("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false,
	    NULL, NULL),
	GRP("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
	    "ClusterRoleBinding", false, NULL, NULL),
	GRP("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, "sc",
	    NULL),
	GRP("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, NULL, NULL),
	GRP("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
	    "CustomResourceDefinition", false, "crd,crds", NULL),
	/* Custom resources: advertised only when the bundle has them. */
	{"acn.azure.com", "v1alpha", "NodeNetworkConfig", "nodenetworkconfigs",
	 "nodenetworkconfig", "nnc", NULL, true, false, false, {NULL}, 0, NULL, 0, 0},
	{"cilium.io", "v2", "CiliumNetworkPolicy", "ciliumnetworkpolicies", "ciliumnetworkpolicy",
	 "cnp,ciliumnp", NULL, true, false, false, {NULL}, 0, NULL, 0, 0},
	{"cilium.io", "v2", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies",
	 "ciliumclusterwidenetworkpolicy", "ccnp", NULL, false, false, false, {NULL}, 0, NULL, 0, 0},
	{"cilium.io", "v2", "CiliumEndpoint", "ciliumendpoints", "ciliumendpoint", "cep,ciliumep",
	 NULL, true, false, false, {NULL}, 0, NULL, 0, 0},
	{"cilium.io", "v2", "CiliumNode", "ciliumnodes", "ciliumnode", "cn,ciliumn", NULL, false,
	 false, false, {NULL}, 0, NULL, 0, 0},
};

const size_t nd_sres_builtin_count = sizeof(nd_sres_builtin) / sizeof(nd_sres_builtin[0]);

void nd_sres_plural(const char *kind, char *out, size_t outlen)
{
	size_t n = strlen(kind), i;
	char low[256];

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)kind[i]);
	low[n] = '\0';
	if (n >= 9 && strcmp(low + n - 9, "endpoints") == 0)
		snprintf(out, outlen, "%s", low);
	else if (n && low[n - 1] == 's')
		snprintf(out, outlen, "%ses", low);
	else if (n && low[n - 1] == 'y')
		snprintf(out, outlen, "%.*sies", (int)(n - 1), low);
	else
		snprintf(out, outlen, "%ss", low);
}
