/* SPDX-License-Identifier: MIT */
/* The kubelet's kubeconfig on a node (kubelet.h). */
#include "k8s/kubelet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/kubeconfig.h"
#include "node/nodeenv.h"
#include "core/banned.h"

static void drop(char **s)
{
	free(*s);
	*s = NULL;
}

/* A path the kubeconfig names, on the node: an absolute one under root. */
static void rebase(char **p, const char *root, struct nd_arena *a)
{
	size_t rl = strlen(root);

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (!*p || (*p)[0] != '/' || (rl == 1 && root[0] == '/'))
		return;
	/* relative paths were resolved against the file's folder: already under root */
	if (strncmp(*p, root, rl) == 0 && (*p)[rl] == '/')
		return;
	{
		char *q = nd_xstrdup(nd_node_path(a, root, *p));

		free(*p);
		*p = q;
	}
}

int nd_kubelet_kubeconfig(const char *root, struct nd_kubeconfig **out, char **path,
			  struct nd_err *e)
{
	static const char *const files[] = {
		"var/lib/kubelet/kubeconfig",      /* AKS */
		"etc/kubernetes/kubelet.conf",     /* kubeadm */
		"var/lib/kubelet/kubeconfig.yaml",
	};
	struct nd_arena *a = nd_arena_new(1024);
	struct nd_kubeconfig *kc = NULL;
	int rc = 1;

	*out = NULL;
	*path = NULL;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *p = nd_node_path(a, root, files[i]);
		struct nd_kubeconfig_opts o = {.path = p, .kubeconfig_env = "", .home = "/nonexistent"};

		if (access(p, F_OK) != 0 && errno == ENOENT)
			continue;
		if (nd_kubeconfig_load(&o, &kc, e) < 0) {
			rc = -1;
			break;
		}
		/* the kubelet's own credentials: never needed to reach the server */
		drop(&kc->cert_file);
		drop(&kc->key_file);
		if (kc->token)
			explicit_bzero(kc->token, strlen(kc->token));
		drop(&kc->token);
		drop(&kc->token_file);
		if (kc->cert_data) {
			free(kc->cert_data);
			kc->cert_data = NULL;
			kc->cert_len = 0;
		}
		if (kc->key_data) {
			explicit_bzero(kc->key_data, kc->key_len);
			free(kc->key_data);
			kc->key_data = NULL;
			kc->key_len = 0;
		}
		if (!kc->server || !*kc->server) {
			rc = nd_err_set(e, _("the kubelet kubeconfig '%s' names no server"), p);
			break;
		}
		rebase(&kc->ca_file, root, a);
		*out = kc;
		*path = nd_xstrdup(p);
		kc = NULL;
		rc = 0;
		break;
	}
	nd_kubeconfig_free(kc);
	nd_arena_free(a);
	return rc;
}
