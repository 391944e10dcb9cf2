/* SPDX-License-Identifier: MIT */
/*
 * nodes.json, namespaces.json, daemonsets.json, nnc.json.
 */
#define _GNU_SOURCE
#include "gen.h"

#include <stdio.h>
#include <string.h>

static void node_zone(char out[24], uint32_t i)
{
	snprintf(out, 24, "westeurope-%u", 1 + i % 3);
}

static void mf_entry_begin(struct jw *w, const char *api)
{
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", api);
	jw_str(w, "fieldsType", "FieldsV1");
	jw_obj(w, "fieldsV1");
}

static void mf_entry_end(struct jw *w, const char *manager, const char *sub, const char *t)
{
	jw_end(w);
	jw_str(w, "manager", manager);
	jw_str(w, "operation", "Update");
	if (sub)
		jw_str(w, "subresource", sub);
	jw_str(w, "time", t);
	jw_end(w);
}

/* ---- nodes -------------------------------------------------------------- */

static const char *const node_labels[][2] = {
	{ "agentpool", NULL },
	{ "beta.kubernetes.io/arch", "amd64" },
	{ "beta.kubernetes.io/instance-type", "Standard_D4ds_v5" },
	{ "beta.kubernetes.io/os", "linux" },
	{ "failure-domain.beta.kubernetes.io/region", "westeurope" },
	{ "failure-domain.beta.kubernetes.io/zone", NULL },
	{ "kubernetes.azure.com/agentpool", NULL },
	{ "kubernetes.azure.com/cluster", NULL },
	{ "kubernetes.azure.com/consolidated-additional-properties", "8d5c6f2a-6f0e-11ef-9a2a-1e3c7d0e9b41" },
	{ "kubernetes.azure.com/kubelet-identity-client-id", "3a7e2c55-1b9d-4c1f-8e4b-6d2f0a9c8b71" },
	{ "kubernetes.azure.com/mode", NULL },
	{ "kubernetes.azure.com/network-policy", "none" },
	{ "kubernetes.azure.com/node-image-version", "AKSUbuntu-2204gen2containerd-202410.27.0" },
	{ "kubernetes.azure.com/nodepool-type", "VirtualMachineScaleSets" },
	{ "kubernetes.azure.com/os-sku", "Ubuntu" },
	{ "kubernetes.azure.com/role", "agent" },
	{ "kubernetes.azure.com/storageprofile", "managed" },
	{ "kubernetes.azure.com/storagetier", "Premium_LRS" },
	{ "kubernetes.io/arch", "amd64" },
	{ "kubernetes.io/hostname", NULL },
	{ "kubernetes.io/os", "linux" },
	{ "kubernetes.io/role", "agent" },
	{ "node-role.kubernetes.io/agent", "" },
	{ "node.kubernetes.io/instance-type", "Standard_D4ds_v5" },
	{ "storageprofile", "managed" },
	{ "storagetier", "Premium_LRS" },
	{ "topology.disk.csi.azure.com/zone", NULL },
	{ "topology.kubernetes.io/region", "westeurope" },
	{ "topology.kubernetes.io/zone", NULL },
};

static const char *const images[][2] = {
	{ "mcr.microsoft.com/oss/kubernetes/kube-proxy", "v1.30.6-hotfix.20241104" },
	{ "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager", "v1.30.7" },
	{ "mcr.microsoft.com/oss/kubernetes/coredns", "v1.11.3-2" },
	{ "mcr.microsoft.com/oss/fluent/fluent-bit", "3.1.9" },
	{ "mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi", "v1.30.5" },
	{ "mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi", "v1.30.6" },
	{ "mcr.microsoft.com/oss/kubernetes-csi/livenessprobe", "v2.13.1" },
	{ "mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar", "v2.11.1" },
	{ "mcr.microsoft.com/oss/kubernetes/pause", "3.6" },
	{ "mcr.microsoft.com/oss/kubernetes/autoscaler/cluster-proportional-autoscaler", "v1.8.11" },
	{ "mcr.microsoft.com/oss/kubernetes/ip-masq-agent", "v2.5.0.13" },
	{ "mcr.microsoft.com/oss/kubernetes/metrics-server", "v0.7.2" },
	{ "mcr.microsoft.com/azuremonitor/containerinsights/ciprod", "3.1.24" },
	{ "mcr.microsoft.com/containernetworking/azure-cns", "v1.6.13" },
	{ "mcr.microsoft.com/containernetworking/cni-dropgz", "v0.0.23" },
	{ "mcr.microsoft.com/aks/ip-masq-agent-v2", "v0.1.15" },
	{ "mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent", "v0.30.3-hotfix.20240819" },
	{ "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04", "20241001.v1" },
	{ "mcr.microsoft.com/oss/open-policy-agent/gatekeeper", "v3.17.1" },
	{ "mcr.microsoft.com/oss/azure/secrets-store/provider-azure", "v1.5.6" },
};

static void write_node(struct jw *w, const struct model *m, uint32_t i)
{
	const struct gnode *n = &m->nodes[i];
	char ip[16], cidr[24], zone[24], pool[24], t[21], t2[21], uid[37], k[128];
	int64_t created = m->now - 40 * 86400 + (int64_t)(i % 1000) * 30;

	fmt_ip(ip, n->ip);
	fmt_ip(cidr, n->cidr);
	size_t cl = strlen(cidr);
	snprintf(cidr + cl, sizeof(cidr) - cl, "/24");
	node_zone(zone, i);
	snprintf(pool, sizeof(pool), "%s%u", n->system ? "system" : "user", n->pool + 1u);
	fmt_uid(uid, gh(m->seed, K_NODE, i, 10), gh(m->seed, K_NODE, i, 11));
	fmt_time(t, created);
	fmt_time(t2, m->now - 20 - (int64_t)(gh(m->seed, K_NODE, i, 1) % 240));

	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_str(w, "kind", "Node");
	jw_obj(w, "metadata");
	jw_obj(w, "annotations");
	jw_strf(w, "csi.volume.kubernetes.io/nodeid",
		"{\"disk.csi.azure.com\":\"%s\",\"file.csi.azure.com\":\"%s\"}", n->name, n->name);
	jw_str(w, "node.alpha.kubernetes.io/ttl", "0");
	jw_str(w, "volumes.kubernetes.io/controller-managed-attach-detach", "true");
	jw_end(w);
	jw_str(w, "creationTimestamp", t);
	jw_obj(w, "labels");
	for (size_t l = 0; l < sizeof(node_labels) / sizeof(node_labels[0]); l++) {
		const char *key = node_labels[l][0], *v = node_labels[l][1];
		if (v)
			jw_str(w, key, v);
		else if (strstr(key, "zone"))
			jw_str(w, key, zone);
		else if (strstr(key, "agentpool"))
			jw_str(w, key, pool);
		else if (strstr(key, "cluster"))
			jw_str(w, key, m->rg);
		else if (strstr(key, "mode"))
			jw_str(w, key, n->system ? "system" : "user");
		else
			jw_str(w, key, n->name);
	}
	jw_end(w);
	jw_arr(w, "managedFields");
	mf_entry_begin(w, "v1");
	jw_obj(w, "f:metadata");
	jw_obj(w, "f:annotations");
	jw_fields(w, ".", "f:csi.volume.kubernetes.io/nodeid", "f:volumes.kubernetes.io/controller-managed-attach-detach", NULL);
	jw_end(w);
	jw_obj(w, "f:labels");
	jw_empty(w, ".");
	for (size_t l = 0; l < sizeof(node_labels) / sizeof(node_labels[0]); l++) {
		snprintf(k, sizeof(k), "f:%s", node_labels[l][0]);
		jw_empty(w, k);
	}
	jw_end(w);
	jw_end(w);
	mf_entry_end(w, "kubelet", NULL, t);
	mf_entry_begin(w, "v1");
	jw_obj(w, "f:metadata");
	jw_obj(w, "f:annotations");
	jw_fields(w, "f:node.alpha.kubernetes.io/ttl", NULL);
	jw_end(w);
	jw_end(w);
	jw_obj(w, "f:spec");
	jw_empty(w, "f:podCIDR");
	jw_obj(w, "f:podCIDRs");
	jw_empty(w, ".");
	snprintf(k, sizeof(k), "v:\"%s\"", cidr);
	jw_empty(w, k);
	jw_end(w);
	jw_end(w);
	mf_entry_end(w, "kube-controller-manager", NULL, t);
	mf_entry_begin(w, "v1");
	jw_obj(w, "f:status");
	jw_obj(w, "f:conditions");
	static const char *const ct[] = { "DiskPressure", "MemoryPressure", "PIDPressure", "Ready" };
	for (int c = 0; c < 4; c++) {
		snprintf(k, sizeof(k), "k:{\"type\":\"%s\"}", ct[c]);
		jw_obj(w, k);
		jw_fields(w, "f:lastHeartbeatTime", "f:lastTransitionTime", "f:message", "f:reason", "f:status", NULL);
		jw_end(w);
	}
	jw_end(w);
	jw_fields(w, "f:images", "f:nodeInfo", NULL);
	jw_end(w);
	mf_entry_end(w, "kubelet", "status", t2);
	jw_end(w);
	jw_str(w, "name", n->name);
	jw_strf(w, "resourceVersion", "%u", 10000000u + (unsigned)(gh(m->seed, K_NODE, i, 2) % 90000000));
	jw_str(w, "uid", uid);
	jw_end(w);

	jw_obj(w, "spec");
	jw_str(w, "podCIDR", cidr);
	jw_arr(w, "podCIDRs");
	jw_str(w, NULL, cidr);
	jw_end(w);
	jw_strf(w, "providerID", "azure:///subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/"
		"virtualMachineScaleSets/aks-%s-%s-vmss/virtualMachines/%u",
		m->sub, m->rg, pool, m->vmss_id, (unsigned)(i % 1000));
	jw_end(w);

	jw_obj(w, "status");
	jw_arr(w, "addresses");
	jw_obj(w, NULL);
	jw_str(w, "address", ip);
	jw_str(w, "type", "InternalIP");
	jw_end(w);
	jw_obj(w, NULL);
	jw_str(w, "address", n->name);
	jw_str(w, "type", "Hostname");
	jw_end(w);
	jw_end(w);
	static const char *const res[][3] = {
		{ "cpu", "3860m", "4" },
		{ "ephemeral-storage", "119703055367", "129886128Ki" },
		{ "hugepages-1Gi", "0", "0" },
		{ "hugepages-2Mi", "0", "0" },
		{ "memory", "12881168Ki", "16375056Ki" },
		{ "pods", "250", "250" },
	};
	jw_obj(w, "allocatable");
	for (int r = 0; r < 6; r++)
		jw_str(w, res[r][0], res[r][1]);
	jw_end(w);
	jw_obj(w, "capacity");
	for (int r = 0; r < 6; r++)
		jw_str(w, res[r][0], res[r][2]);
	jw_end(w);
	static const char *const conds[][4] = {
		{ "ContainerRuntimeProblem", "False", "ContainerRuntimeIsUp", "container runtime service is up" },
		{ "FilesystemCorruptionProblem", "False", "FilesystemIsOK", "Filesystem is healthy" },
		{ "FrequentContainerdRestart", "False", "NoFrequentContainerdRestart", "containerd is functioning properly" },
		{ "FrequentKubeletRestart", "False", "NoFrequentKubeletRestart", "kubelet is functioning properly" },
		{ "FrequentUnregisterNetDevice", "False", "NoFrequentUnregisterNetDevice", "node is functioning properly" },
		{ "KernelDeadlock", "False", "KernelHasNoDeadlock", "kernel has no deadlock" },
		{ "KubeletProblem", "False", "KubeletIsUp", "kubelet service is up" },
		{ "ReadonlyFilesystem", "False", "FilesystemIsNotReadOnly", "Filesystem is not read-only" },
		{ "VMEventScheduled", "False", "NoVMEventScheduled", "VM has no scheduled event" },
		{ "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available" },
		{ "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure" },
		{ "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available" },
		{ "Ready", "True", "KubeletReady", "kubelet is posting ready status" },
	};
	jw_arr(w, "conditions");
	for (int c = 0; c < 13; c++) {
		jw_obj(w, NULL);
		jw_str(w, "lastHeartbeatTime", t2);
		jw_str(w, "lastTransitionTime", t);
		jw_str(w, "message", conds[c][3]);
		jw_str(w, "reason", conds[c][2]);
		jw_str(w, "status", conds[c][1]);
		jw_str(w, "type", conds[c][0]);
		jw_end(w);
	}
	jw_end(w);
	jw_obj(w, "daemonEndpoints");
	jw_obj(w, "kubeletEndpoint");
	jw_int(w, "Port", 10250);
	jw_end(w);
	jw_end(w);
	jw_arr(w, "images");
	for (size_t g = 0; g < sizeof(images) / sizeof(images[0]); g++) {
		char dg[65];
		fmt_hex64(dg, m->seed, K_MISC, 1000 + g);
		jw_obj(w, NULL);
		jw_arr(w, "names");
		jw_strf(w, NULL, "%s@sha256:%s", images[g][0], dg);
		jw_strf(w, NULL, "%s:%s", images[g][0], images[g][1]);
		jw_end(w);
		/* ML images are real-world >4 GB: sizes above 2^31 and 2^32 on purpose */
		jw_int(w, "sizeBytes", g == 17 ? 11834473762LL : (int64_t)(8000000 + gh(m->seed, K_MISC, g, 7) % 400000000));
		jw_end(w);
	}
	jw_end(w);
	jw_obj(w, "nodeInfo");
	char b1[37], b2[37];
	fmt_uid(b1, gh(m->seed, K_NODE, i, 12), gh(m->seed, K_NODE, i, 13));
	fmt_uid(b2, gh(m->seed, K_NODE, i, 14), gh(m->seed, K_NODE, i, 15));
	jw_str(w, "architecture", "amd64");
	jw_str(w, "bootID", b1);
	jw_str(w, "containerRuntimeVersion", "containerd://1.7.22-1");
	jw_str(w, "kernelVersion", "5.15.0-1074-azure");
	jw_str(w, "kubeProxyVersion", "v1.30.6");
	jw_str(w, "kubeletVersion", "v1.30.6");
	jw_strf(w, "machineID", "%.8s%.4s%.4s%.4s%.12s", b2, b2 + 9, b2 + 14, b2 + 19, b2 + 24);
	jw_str(w, "operatingSystem", "linux");
	jw_str(w, "osImage", "Ubuntu 22.04.5 LTS");
	jw_str(w, "systemUUID", b2);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

int write_nodes(const struct model *m, const char *path)
{
	struct jw w;

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t i = 0; i < m->nnodes && !w.err; i++)
		write_node(&w, m, i);
	jw_list_end(&w);
	return jw_close(&w);
}

/* ---- namespaces --------------------------------------------------------- */

int write_namespaces(const struct model *m, const char *path)
{
	struct jw w;
	char t[21], uid[37];

	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < m->nns; k++) {
		uint32_t i = m->ns_order[k];
		const char *name = m->ns[i].name;
		fmt_time(t, m->now - (i < 4 ? 41 * 86400 : 30 * 86400 - (int64_t)i * 60));
		fmt_uid(uid, gh(m->seed, K_NS, i, 10), gh(m->seed, K_NS, i, 11));
		jw_obj(&w, NULL);
		jw_str(&w, "apiVersion", "v1");
		jw_str(&w, "kind", "Namespace");
		jw_obj(&w, "metadata");
		jw_str(&w, "creationTimestamp", t);
		jw_obj(&w, "labels");
		jw_str(&w, "kubernetes.io/metadata.name", name);
		jw_end(&w);
		jw_arr(&w, "managedFields");
		mf_entry_begin(&w, "v1");
		jw_obj(&w, "f:metadata");
		jw_obj(&w, "f:labels");
		jw_fields(&w, ".", "f:kubernetes.io/metadata.name", NULL);
		jw_end(&w);
		jw_end(&w);
		mf_entry_end(&w, i < 4 ? "kube-apiserver" : "kubectl-create", NULL, t);
		jw_end(&w);
		jw_str(&w, "name", name);
		jw_strf(&w, "resourceVersion", "%u", 100u + i * 3);
		jw_str(&w, "uid", uid);
		jw_end(&w);
		jw_obj(&w, "spec");
		jw_arr(&w, "finalizers");
		jw_str(&w, NULL, "kubernetes");
		jw_end(&w);
		jw_end(&w);
		jw_obj(&w, "status");
		jw_str(&w, "phase", "Active");
		jw_end(&w);
		jw_end(&w);
	}
	jw_list_end(&w);
	return jw_close(&w);
}

/* ---- daemonsets --------------------------------------------------------- */

static void write_ds(struct jw *w, const struct model *m, unsigned ds, uint32_t desired, uint32_t ready)
{
	bool kp = ds == 0;
	const char *name = kp ? "kube-proxy" : "cloud-node-manager";
	char t[21], uid[37];

	fmt_time(t, m->now - 41 * 86400);
	fmt_uid(uid, gh(m->seed, K_DS, ds, 10), gh(m->seed, K_DS, ds, 11));
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "apps/v1");
	jw_str(w, "kind", "DaemonSet");
	jw_obj(w, "metadata");
	jw_obj(w, "annotations");
	jw_str(w, "deprecated.daemonset.template.generation", kp ? "3" : "2");
	jw_end(w);
	jw_str(w, "creationTimestamp", t);
	jw_int(w, "generation", kp ? 3 : 2);
	jw_obj(w, "labels");
	jw_str(w, "addonmanager.kubernetes.io/mode", "Reconcile");
	if (kp) {
		jw_str(w, "component", "kube-proxy");
		jw_str(w, "tier", "node");
	} else {
		jw_str(w, "k8s-app", "cloud-node-manager");
	}
	jw_end(w);
	jw_str(w, "name", name);
	jw_str(w, "namespace", "kube-system");
	jw_strf(w, "resourceVersion", "%u", 99000000u + ds);
	jw_str(w, "uid", uid);
	jw_end(w);
	jw_obj(w, "spec");
	jw_int(w, "revisionHistoryLimit", 10);
	jw_obj(w, "selector");
	jw_obj(w, "matchLabels");
	if (kp) {
		jw_str(w, "component", "kube-proxy");
		jw_str(w, "tier", "node");
	} else {
		jw_str(w, "k8s-app", "cloud-node-manager");
	}
	jw_end(w);
	jw_end(w);
	jw_obj(w, "template");
	jw_obj(w, "metadata");
	jw_null(w, "creationTimestamp");
	jw_obj(w, "labels");
	if (kp) {
		jw_str(w, "component", "kube-proxy");
		jw_str(w, "tier", "node");
	} else {
		jw_str(w, "k8s-app", "cloud-node-manager");
	}
	jw_end(w);
	jw_end(w);
	jw_obj(w, "spec");
	jw_arr(w, "containers");
	jw_obj(w, NULL);
	jw_arr(w, "command");
	if (kp) {
		jw_str(w, NULL, "kube-proxy");
		jw_str(w, NULL, "--conntrack-max-per-core=0");
		jw_str(w, NULL, "--metrics-bind-address=0.0.0.0:10249");
		jw_str(w, NULL, "--cluster-cidr=10.32.0.0/11");
		jw_str(w, NULL, "--detect-local-mode=ClusterCIDR");
		jw_str(w, NULL, "--pod-interface-name-prefix=");
		jw_str(w, NULL, "--v=3");
	} else {
		jw_str(w, NULL, "cloud-node-manager");
		jw_str(w, NULL, "--node-name=$(NODE_NAME)");
		jw_str(w, NULL, "--wait-routes=true");
	}
	jw_end(w);
	jw_str(w, "image", kp ? "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.6-hotfix.20241104"
			      : "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.30.7");
	jw_str(w, "imagePullPolicy", "IfNotPresent");
	jw_str(w, "name", name);
	jw_obj(w, "resources");
	jw_obj(w, "requests");
	jw_str(w, "cpu", kp ? "100m" : "50m");
	jw_end(w);
	jw_end(w);
	if (kp) {
		jw_obj(w, "securityContext");
		jw_bool(w, "privileged", true);
		jw_end(w);
	}
	jw_str(w, "terminationMessagePath", "/dev/termination-log");
	jw_str(w, "terminationMessagePolicy", "File");
	jw_end(w);
	jw_end(w);
	jw_str(w, "dnsPolicy", "ClusterFirstWithHostNet");
	jw_bool(w, "hostNetwork", true);
	jw_obj(w, "nodeSelector");
	if (!kp)
		jw_str(w, "kubernetes.azure.com/mode", "system");
	jw_str(w, "kubernetes.io/os", "linux");
	jw_end(w);
	jw_str(w, "priorityClassName", "system-node-critical");
	jw_str(w, "restartPolicy", "Always");
	jw_str(w, "schedulerName", "default-scheduler");
	jw_empty(w, "securityContext");
	jw_str(w, "serviceAccount", name);
	jw_str(w, "serviceAccountName", name);
	jw_int(w, "terminationGracePeriodSeconds", 1);
	jw_arr(w, "tolerations");
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
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_obj(w, "updateStrategy");
	jw_obj(w, "rollingUpdate");
	jw_int(w, "maxSurge", 0);
	jw_str(w, "maxUnavailable", "10%");
	jw_end(w);
	jw_str(w, "type", "RollingUpdate");
	jw_end(w);
	jw_end(w);
	jw_obj(w, "status");
	jw_int(w, "currentNumberScheduled", desired);
	jw_int(w, "desiredNumberScheduled", desired);
	jw_int(w, "numberAvailable", ready);
	jw_int(w, "numberMisscheduled", 0);
	jw_int(w, "numberReady", ready);
	if (desired > ready)
		jw_int(w, "numberUnavailable", desired - ready);
	jw_int(w, "observedGeneration", kp ? 3 : 2);
	jw_int(w, "updatedNumberScheduled", desired);
	jw_end(w);
	jw_end(w);
}

int write_daemonsets(const struct model *m, const char *path)
{
	struct jw w;
	uint32_t kp_ready = 0, cnm_ready = 0;

	for (uint32_t i = 0; i < m->npods; i++) {
		const struct gpod *p = &m->pods[i];
		if (p->kind == PK_KUBEPROXY && p->phase == PH_RUNNING)
			kp_ready++;
		else if (p->kind == PK_CNM && p->phase == PH_RUNNING)
			cnm_ready++;
	}
	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	if (m->ncnm)
		write_ds(&w, m, 1, m->ncnm, cnm_ready);
	write_ds(&w, m, 0, m->nnodes, kp_ready);
	jw_list_end(&w);
	return jw_close(&w);
}

/* ---- NodeNetworkConfig (overlay: a static /24 per node) ---------------- */

int write_nnc(const struct model *m, const char *path)
{
	struct jw w;
	char t[21], uid[37], nuid[37], ncid[37], rd[37], ip[16], cidr[24];

	fmt_uid(rd, gh(m->seed, K_NNC, 0, 1), gh(m->seed, K_NNC, 0, 2));
	if (jw_open(&w, path))
		return -1;
	jw_list_begin(&w);
	for (uint32_t i = 0; i < m->nnodes && !w.err; i++) {
		const struct gnode *n = &m->nodes[i];
		fmt_time(t, m->now - 40 * 86400 + (int64_t)(i % 1000) * 30 + 20);
		fmt_uid(uid, gh(m->seed, K_NNC, i, 10), gh(m->seed, K_NNC, i, 11));
		fmt_uid(nuid, gh(m->seed, K_NODE, i, 10), gh(m->seed, K_NODE, i, 11));
		fmt_uid(ncid, gh(m->seed, K_NNC, i, 12), gh(m->seed, K_NNC, i, 13));
		fmt_ip(ip, n->ip);
		fmt_ip(cidr, n->cidr);
		jw_obj(&w, NULL);
		jw_str(&w, "apiVersion", "acn.azure.com/v1alpha");
		jw_str(&w, "kind", "NodeNetworkConfig");
		jw_obj(&w, "metadata");
		jw_str(&w, "creationTimestamp", t);
		jw_arr(&w, "finalizers");
		jw_str(&w, NULL, "finalizers.acn.azure.com/dnc-operations");
		jw_end(&w);
		jw_int(&w, "generation", 1);
		jw_obj(&w, "labels");
		jw_str(&w, "kubernetes.azure.com/podnetwork-delegationguid", "");
		jw_str(&w, "kubernetes.azure.com/podnetwork-subnet", "");
		jw_str(&w, "kubernetes.azure.com/podnetwork-type", "overlay");
		jw_str(&w, "managed", "true");
		jw_str(&w, "owner", n->name);
		jw_end(&w);
		jw_str(&w, "name", n->name);
		jw_str(&w, "namespace", "kube-system");
		jw_arr(&w, "ownerReferences");
		jw_obj(&w, NULL);
		jw_str(&w, "apiVersion", "v1");
		jw_bool(&w, "blockOwnerDeletion", true);
		jw_bool(&w, "controller", true);
		jw_str(&w, "kind", "Node");
		jw_str(&w, "name", n->name);
		jw_str(&w, "uid", nuid);
		jw_end(&w);
		jw_end(&w);
		jw_strf(&w, "resourceVersion", "%u", 5000000u + i);
		jw_str(&w, "uid", uid);
		jw_end(&w);
		jw_obj(&w, "spec");
		jw_int(&w, "requestedIPCount", 0);
		jw_end(&w);
		jw_obj(&w, "status");
		jw_int(&w, "assignedIPCount", 256);
		jw_arr(&w, "networkContainers");
		jw_obj(&w, NULL);
		jw_str(&w, "assignmentMode", "static");
		jw_str(&w, "id", ncid);
		jw_str(&w, "nodeIP", ip);
		jw_strf(&w, "primaryIP", "%s/24", cidr);
		jw_str(&w, "subnetAddressSpace", "10.32.0.0/11");
		jw_strf(&w, "subnetName", "routingdomain_%s_overlaysubnet", rd);
		jw_str(&w, "type", "overlay");
		jw_int(&w, "version", 0);
		jw_end(&w);
		jw_end(&w);
		jw_end(&w);
		jw_end(&w);
	}
	jw_list_end(&w);
	return jw_close(&w);
}
