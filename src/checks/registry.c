/* SPDX-License-Identifier: MIT */
/*
 * The check registry (registry.h): every check netdiag has, what it needs,
 * what it may find, and the runner that skips a check before it runs when
 * a need is missing.
 */
#include "checks/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "node/source.h"
#include "core/banned.h"

#define CODES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_CODES ((const char *const[]){NULL})

#define K(k) ND_KIND(ND_K_##k)

const struct nd_check_def nd_check_defs[] = {
	/* S0: the sources report what they could not read */
	{.id = "bundle-load", .scenario = "S0", .codes = CODES("bundle-load-error",
							       "bundle-duplicate-object"),
	 .by = "--snapshot"},
	{.id = "api-list", .scenario = "S0", .at = ND_AT_ANY,
	 .codes = CODES("apiserver-forbidden", "apiserver-insecure-skip-tls-verify",
			"incluster-forbidden"),
	 .by = "the live source"},

	/* the fleet: which nodes' agents reported (fleet report merges their checks) */
	{.id = "fleet-agents", .scenario = "S0",
	 .codes = CODES("fleet-node-not-reported", "fleet-node-not-covered"), .by = "fleet report"},

	/* S1: the path from the workstation to the API server, in probe order */
	{.id = "apiserver-probe", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = NO_CODES, .by = "apiserver"},
	{.id = "apiserver-dns", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = CODES("apiserver-dns-failure"), .by = "apiserver"},
	{.id = "apiserver-tcp", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = CODES("apiserver-connect-refused", "apiserver-connect-timeout"),
	 .by = "apiserver"},
	{.id = "apiserver-tls", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = CODES("apiserver-tls-untrusted", "apiserver-insecure-skip-tls-verify"),
	 .by = "apiserver"},
	{.id = "apiserver-version", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = NO_CODES, .by = "apiserver"},
	{.id = "apiserver-readyz", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = NO_CODES, .by = "apiserver"},
	{.id = "apiserver-auth", .scenario = "S1", .run = ND_RUN_S1, .at = ND_AT_WORKSTATION,
	 .codes = CODES("apiserver-unauthorized", "apiserver-forbidden"), .by = "apiserver"},
	{.id = "apiserver-authorized-ranges", .scenario = "S1", .run = ND_RUN_S1,
	 .at = ND_AT_WORKSTATION,
	 .codes = CODES("apiserver-client-ip-not-authorized", "apiserver-authorized-range-invalid"),
	 .by = "apiserver"},
	{.id = "apiserver-private-cluster", .scenario = "S1", .run = ND_RUN_S1,
	 .at = ND_AT_WORKSTATION, .codes = CODES("apiserver-private-cluster"), .by = "apiserver"},

	/* S2: pods cannot get an IP */
	{.id = "pod-ip-allocation", .scenario = "S2", .run = ND_RUN_S2,
	 .kinds = K(POD) | K(EVENT),
	 .codes = CODES("pod-ip-allocation-failed", "pod-network-setup-failed"),
	 .fn = nd_check_pod_ip},
	{.id = "ipam-store", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(POD) | K(NODE),
	 .node = ND_NODE_FILES,
	 .no_data = N_("no node files in the source (bundle nodes/<node>/cni/...)"),
	 .codes = CODES("ipam-leak", "ipam-pool-exhausted", "terminated-pods-hold-ips",
			"bundle-load-error"),
	 .fn = nd_check_ipam_stores},
	{.id = "ipam-node", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(POD) | K(NODE),
	 .node = ND_NODE_FILES, .at = ND_AT_NODE, .no_data = N_("not on a node (no --node-root)"),
	 .codes = CODES("ipam-leak", "ipam-pool-exhausted", "terminated-pods-hold-ips"),
	 .fn = nd_check_node_ipam},
	{.id = "azure-vnet-ipam", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(POD),
	 .node = ND_NODE_FILES, .at = ND_AT_NODE, .no_data = NULL /* not listed off a node */,
	 .codes = CODES("ipam-leak"), .fn = nd_check_azure_vnet},
	{.id = "azure-cni-nnc", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(NNC) | K(POD),
	 .codes = CODES("azure-cni-ip-shortage", "azure-cni-subnet-full", "azure-cni-nc-update-failed",
			"azure-cni-ip-limit-reached"),
	 .fn = nd_check_azure_cni},
	{.id = "azure-cni-ip-gap", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(NNC) | K(POD),
	 .codes = CODES("terminated-pods-hold-ips", "ipam-leak"), .fn = nd_check_azure_cni_gap},
	{.id = "azure-cns-state", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(POD),
	 .node = ND_NODE_FILES, .no_data = NULL /* quiet where there are no node files */,
	 .codes = CODES("ipam-leak", "terminated-pods-hold-ips", "bundle-load-error"),
	 .fn = nd_check_azure_cns_state},
	{.id = "azure-cni-subnet-headroom", .scenario = "S2", .run = ND_RUN_S2, .kinds = K(NNC),
	 .codes = CODES("azure-cni-subnet-headroom-low"), .fn = nd_check_azure_cni_subnet},
	{.id = "ipam-release", .scenario = "S2", .at = ND_AT_NODE, .kinds = K(POD) | K(NODE),
	 .node = ND_NODE_FILES, .codes = NO_CODES, .by = "ipam release"},
	{.id = "ipam-restore", .scenario = "S2", .at = ND_AT_NODE, .node = ND_NODE_FILES,
	 .codes = NO_CODES, .by = "ipam restore"},

	/* S3: a Service is unreachable */
	{.id = "service-endpoints", .scenario = "S3", .run = ND_RUN_S3,
	 .kinds = K(SERVICE) | K(ENDPOINTS) | K(ENDPOINTSLICE) | K(POD),
	 .codes = CODES("service-no-endpoints", "service-selector-mismatch",
			"service-pods-not-ready", "service-target-port-mismatch"),
	 .fn = nd_check_services},
	{.id = "kube-proxy", .scenario = "S3", .run = ND_RUN_S3,
	 .kinds = K(DAEMONSET) | K(NODE) | K(POD), .codes = CODES("kube-proxy-not-running"),
	 .fn = nd_check_kube_proxy},
	{.id = "kube-proxy-rules", .scenario = "S3", .run = ND_RUN_S3,
	 .kinds = K(SERVICE) | K(ENDPOINTS) | K(ENDPOINTSLICE) | K(POD) | K(DAEMONSET),
	 .node = ND_NODE_RULES,
	 .no_data = N_("no node rules in the source (--node-root, --iptables-save FILE, or a "
		       "bundle's nodes/<node>/iptables-save.txt)"),
	 .codes = CODES("kube-proxy-rules-missing", "kube-proxy-rules-unreadable-line",
			"bundle-load-error"),
	 .fn = nd_check_kube_proxy_rules},
	{.id = "conntrack", .scenario = "S3", .run = ND_RUN_S3, .node = ND_NODE_FILES,
	 .no_data = N_("no node files in the source (--node-root, or a bundle's "
		       "nodes/<node>/proc/sys/net/netfilter/)"),
	 .codes = CODES("conntrack-table-full"), .fn = nd_check_conntrack},
	{.id = "service-netpol", .scenario = "S3",
	 .kinds = K(POD) | K(NAMESPACE) | K(NETWORKPOLICY) | K(ENDPOINTS) | K(ENDPOINTSLICE),
	 .codes = CODES("netpol-denies"), .by = "service --from"},
	/* the live probes: run by the command (src/cmd_probe.c), judged in epprobe.c */
	{.id = "endpoint-probe", .scenario = "S3",
	 .kinds = K(SERVICE) | K(ENDPOINTS) | K(ENDPOINTSLICE) | K(POD),
	 .codes = CODES("endpoint-not-listening", "endpoint-unreachable"),
	 .by = "service --probe, diagnose --probe"},
	{.id = "cluster-ip-probe", .scenario = "S3",
	 .kinds = K(SERVICE) | K(ENDPOINTS) | K(ENDPOINTSLICE) | K(POD),
	 .codes = CODES("kube-proxy-rules-missing"), .by = "service --probe, diagnose --probe"},
	{.id = "netpol-can-reach", .scenario = "S3",
	 .kinds = K(POD) | K(NAMESPACE) | K(NETWORKPOLICY) | K(SERVICE) | K(ENDPOINTS) |
		  K(ENDPOINTSLICE),
	 .codes = CODES("netpol-denies"), .by = "can-reach"},

	/* S4: pods cannot reach the API server */
	{.id = "kubernetes-service", .scenario = "S4", .run = ND_RUN_S4,
	 .kinds = K(SERVICE) | K(ENDPOINTS) | K(ENDPOINTSLICE),
	 .codes = CODES("kubernetes-service-no-endpoints"), .fn = nd_check_kubernetes_service},
	{.id = "kube-apiserver", .scenario = "S4", .run = ND_RUN_S4, .kinds = K(POD) | K(NODE),
	 .codes = CODES("kube-apiserver-not-running"), .fn = nd_check_kube_apiserver},
	{.id = "netpol-blocks-apiserver", .scenario = "S4", .run = ND_RUN_S4, .at = ND_AT_POD,
	 .kinds = K(POD) | K(NAMESPACE) | K(NETWORKPOLICY) | K(SERVICE) | K(ENDPOINTS) |
		  K(ENDPOINTSLICE),
	 .no_data = N_("not in a pod: netdiag incluster runs it inside one"),
	 .codes = CODES("netpol-blocks-apiserver"), .fn = nd_check_netpol_apiserver},
	/* run by incluster (checks/incluster.c): the guide's request three ways, then DNS */
	{.id = "incluster-service", .scenario = "S4", .at = ND_AT_POD,
	 .codes = CODES("incluster-apiserver-unreachable"), .by = "incluster"},
	{.id = "incluster-endpoints", .scenario = "S4", .at = ND_AT_POD,
	 .kinds = K(SERVICE) | K(ENDPOINTS) | K(ENDPOINTSLICE),
	 .codes = CODES("incluster-apiserver-unreachable"), .by = "incluster"},
	{.id = "incluster-fqdn", .scenario = "S4", .at = ND_AT_POD,
	 .codes = CODES("incluster-apiserver-unreachable"), .by = "incluster"},
	{.id = "incluster-rbac", .scenario = "S4", .at = ND_AT_POD,
	 .codes = CODES("incluster-forbidden"), .by = "incluster"},
	{.id = "incluster-dns", .scenario = "S4", .at = ND_AT_POD,
	 .codes = CODES("incluster-dns-failure"), .by = "incluster"},
	{.id = "incluster-private-dns", .scenario = "S4", .at = ND_AT_POD,
	 .codes = CODES("private-dns-unresolvable"), .by = "incluster"},
	{.id = "rbac-can-i", .scenario = "S4",
	 .kinds = K(ROLE) | K(CLUSTERROLE) | K(ROLEBINDING) | K(CLUSTERROLEBINDING) |
		  K(SERVICEACCOUNT),
	 .codes = CODES("incluster-forbidden"), .by = "can-i"},
	{.id = "rbac-api-server", .scenario = "S4", .codes = CODES("apiserver-forbidden"),
	 .by = "can-i --ask-server"},
	{.id = "egress", .scenario = "S4", .at = ND_AT_ANY, .codes = CODES("egress-blocked"),
	 .by = "egress"},
	/* run by the fleet agent (src/cmd_agent_net.c, checks/nodenet.c): from the node's network */
	{.id = "node-dns", .scenario = "S4", .at = ND_AT_NODE, .codes = CODES("node-dns-failure"),
	 .by = "agent"},
	{.id = "node-apiserver", .scenario = "S4", .at = ND_AT_NODE,
	 .codes = CODES("node-apiserver-unreachable"), .by = "agent"},
};
const size_t nd_ncheck_defs = sizeof(nd_check_defs) / sizeof(nd_check_defs[0]);

/*
 * Codes that more than one row declares, and why: the same fact seen from
 * two places. tests/meta/registry.sh allows exactly these to be shared.
 *   bundle-load-error    the bundle loader, and checks that read a bundle's node files
 *   apiserver-forbidden  the probe's auth stage, the live listing, the server's can-i
 *   apiserver-insecure-skip-tls-verify  the probe's TLS stage and the live listing
 *   incluster-forbidden  can-i's answer, a listing refused to a service account, and
 *                        the 403 of the guide's request in a pod
 *   incluster-apiserver-unreachable  the guide's request through the Service, an
 *                        endpoint, or the FQDN: three paths, three checks
 *   ipam-leak, ipam-pool-exhausted, terminated-pods-hold-ips  a bundle's stores and this node's
 *   netpol-denies        service --from and can-reach ask the same engine
 *   kube-proxy-rules-missing  the node's rules read (kube-proxy-rules), and a live probe
 *                        that finds the ClusterIP dead while its endpoints answer
 */
const char *const nd_shared_codes[] = {
	"apiserver-forbidden", "apiserver-insecure-skip-tls-verify", "bundle-load-error",
	"incluster-apiserver-unreachable", "incluster-forbidden", "ipam-leak", "ipam-pool-exhausted",
	"kube-proxy-rules-missing", "netpol-denies", "terminated-pods-hold-ips", NULL,
};

const struct nd_check_def *nd_check_def_find(const char *id)
{
	for (size_t i = 0; id && i < nd_ncheck_defs; i++)
		if (strcmp(nd_check_defs[i].id, id) == 0)
			return &nd_check_defs[i];
	return NULL;
}

static bool in_list(const char *const *l, const char *code)
{
	for (; l && *l; l++)
		if (strcmp(*l, code) == 0)
			return true;
	return false;
}

bool nd_check_def_emits(const struct nd_check_def *d, const char *code)
{
	return d && code && in_list(d->codes, code);
}

const char *nd_check_unmet(const struct nd_check_def *d, const struct nd_check_env *env,
			   bool *silenced)
{
	*silenced = false;
	/* a kind the source could not read: the check would decide on a part */
	for (int k = 0; k < ND_K__COUNT; k++) {
		if ((d->kinds & ND_KIND(k)) && env->unread[k]) {
			*silenced = true;
			return env->unread[k];
		}
	}
	if (d->at == ND_AT_POD && !env->in_pod)
		return d->no_data ? _(d->no_data) : "";
	if (d->at == ND_AT_NODE && !nd_node_src_is_local(env->nodes))
		return d->no_data ? _(d->no_data) : "";
	if ((d->node & ND_NODE_FILES) && !nd_node_src_has_files(env->nodes))
		return d->no_data ? _(d->no_data) : "";
	if ((d->node & ND_NODE_RULES) && !nd_node_src_has_rules(env->nodes))
		return d->no_data ? _(d->no_data) : "";
	return NULL;
}

void nd_checks_audit(const struct nd_report *r)
{
	for (size_t i = 0; i < r->nchecks; i++) {
		if (nd_check_def_find(r->checks[i].id))
			continue;
		fprintf(stderr, "netdiag: BUG: check '%s' has no registry row\n", r->checks[i].id);
		abort();
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct nd_finding *f = r->findings[i];

		if (f->check && nd_check_def_emits(nd_check_def_find(f->check), f->code))
			continue;
		fprintf(stderr, "netdiag: BUG: finding '%s' added %s%s%s, whose registry row does "
			"not declare it\n", f->code, f->check ? "by check '" : "outside any check",
			f->check ? f->check : "", f->check ? "'" : "");
		abort();
	}
}

void nd_check_skip_unmet(struct nd_report *r, const struct nd_check_def *d, const char *unmet,
			 bool silenced)
{
	/* a check that needs a node says nothing off a node unless told to */
	if (!silenced && !*unmet)
		return;
	nd_check_skip(r, d->id, d->scenario, unmet);
	r->checks[r->nchecks - 1].silenced = silenced;
}

uint32_t nd_check_node_kinds(void)
{
	uint32_t k = 0;

	for (size_t i = 0; i < nd_ncheck_defs; i++)
		if (nd_check_defs[i].fn && (nd_check_defs[i].node || nd_check_defs[i].at == ND_AT_NODE))
			k |= nd_check_defs[i].kinds;
	return k;
}
