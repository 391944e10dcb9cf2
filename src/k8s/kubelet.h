/* SPDX-License-Identifier: MIT */
#ifndef ND_KUBELET_H
#define ND_KUBELET_H
/*
 * The kubelet's kubeconfig on a node, read under its root (--node-root):
 * where the node's kubelet talks to the API server. The first of
 * var/lib/kubelet/kubeconfig (AKS), etc/kubernetes/kubelet.conf (kubeadm)
 * and var/lib/kubelet/kubeconfig.yaml that exists is loaded as kubectl
 * would load it (k8s/kubeconfig.h: its current context); the paths it names
 * (certificate-authority) are the node's, so an absolute one is taken under
 * root. Only what reaching the server needs is kept: server, CA,
 * tls-server-name, insecure-skip-tls-verify; the kubelet's credentials
 * (client certificate and key, token) are dropped at once; an exec plugin is
 * never run. None is used or shown.
 */
struct nd_err;
struct nd_kubeconfig;

/*
 * 0 with *out (free with nd_kubeconfig_free) and *path (malloc'd: the file
 * read, under root); 1 when none of the files exists (*out NULL); -1 with e
 * when the file exists but cannot be read or used (no server in it).
 */
int nd_kubelet_kubeconfig(const char *root, struct nd_kubeconfig **out, char **path,
			  struct nd_err *e);

#endif
