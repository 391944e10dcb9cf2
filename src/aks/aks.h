/* SPDX-License-Identifier: MIT */
#ifndef ND_AKS_H
#define ND_AKS_H
/*
 * The AKS profile: the parts of `az aks show` output that S1 needs, read
 * from a file (--aks, DIR/aks.json) or from running `az aks show`
 * (--resource-group/--name, when az is installed).
 *
 * Both spellings are accepted (reference facts §1.1): the CLI's
 * authorizedIpRanges / enablePrivateClusterPublicFqdn / privateDnsZone and
 * ARM's authorizedIPRanges / enablePrivateClusterPublicFQDN / privateDNSZone;
 * when a file has both, the CLI spelling wins. ARM resources nest them
 * under "properties"; that is accepted too.
 *
 * Tri-state fields are -1 when absent or null, else 0/1.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct nd_err;

#define ND_AKS_MAX_RANGES 256   /* AKS allows 200 */
#define ND_AKS_MAX_POOLS  1024  /* AKS allows 100 node pools */

/* One agentPoolProfiles[] entry (facts §1.5); numbers are -1 when absent or null. */
struct nd_aks_pool {
	char *name, *mode;
	int64_t count, min_count, max_count, max_pods;
	int autoscaling;             /* enableAutoScaling */
	char *vnet_subnet_id;        /* the node subnet, or NULL when AKS made the VNet */
	char *pod_subnet_id;         /* the pod subnet (Azure CNI dynamic), or NULL */
	char *max_surge;             /* upgradeSettings.maxSurge ("1", "33%"), or NULL */
};

struct nd_aks_profile {
	char *source;                /* the file, or "az aks show -g RG -n NAME" */
	char *name, *resource_group, *location;
	char *fqdn, *private_fqdn, *azure_portal_fqdn;
	char *power_state;           /* powerState.code: Running, Stopped */
	char *outbound_type;         /* networkProfile.outboundType */
	bool have_access_profile;    /* apiServerAccessProfile present and not null */
	char **ranges;               /* authorizedIpRanges as written; NULL/0 when unset */
	size_t nranges;
	int private_cluster;         /* enablePrivateCluster */
	int public_fqdn;             /* enablePrivateClusterPublicFqdn */
	int vnet_integration;        /* enableVnetIntegration */
	int disable_run_command;     /* disableRunCommand */
	char *private_dns_zone;      /* system, none, or a resource ID */
	char *subnet_id;             /* API server subnet (VNet integration) */
	/* features that change the required outbound destinations (aks/egress.h) */
	char *addons;                /* enabled addonProfiles, space-separated ("omsagent azurepolicy") */
	bool windows_pool;           /* an agent pool with osType Windows */
	bool gpu_pool;               /* an agent pool with an N-series (GPU) vmSize */
	bool defender;               /* securityProfile.defender.securityMonitoring.enabled */
	bool cost_analysis;          /* metricsProfile.costAnalysis.enabled */
	bool prometheus;             /* azureMonitorProfile.metrics.enabled */
	char *network_plugin;        /* networkProfile.networkPlugin: azure, kubenet, none */
	char *network_plugin_mode;   /* networkProfile.networkPluginMode: overlay, or NULL */
	struct nd_aks_pool *pools;   /* agentPoolProfiles, in file order */
	size_t npools;
};

/* Parse az aks show JSON. -1 with e naming name and the byte offset. */
int nd_aks_parse(const char *buf, size_t len, const char *name, struct nd_aks_profile **out,
		 struct nd_err *e);
/* Read and parse a file (at most 8 MiB). */
int nd_aks_load_file(const char *path, struct nd_aks_profile **out, struct nd_err *e);
/*
 * Run `az aks show -g rg -n name -o json` (az from PATH), waiting at most
 * timeout_ms; its stderr is kept (up to a ceiling) for the error message.
 * -1 when az is missing, fails, times out, or prints something unusable.
 */
int nd_aks_from_az(const char *rg, const char *name, int64_t timeout_ms,
		   struct nd_aks_profile **out, struct nd_err *e);
void nd_aks_free(struct nd_aks_profile *p);

/* --- authorized IP ranges (guide cause 1) -------------------------------- */

enum nd_range_problem {
	ND_RANGE_OK = 0,
	ND_RANGE_UNPARSABLE,         /* not a CIDR or address */
	ND_RANGE_NOT_NETWORK,        /* bits set past the prefix: AKS rejects it */
};

struct nd_range_verdict {
	bool enabled;                /* the list is not empty */
	bool allowed;                /* the client IP is in a range (only with an IP) */
	size_t matched;              /* the index of the first range that holds it */
	bool only_cluster_egress;    /* the list is just 0.0.0.0/32 */
	size_t nbad;
	struct {
		size_t index;
		enum nd_range_problem problem;
		char network[50];    /* the network address it should start at */
	} bad[16];
};

/*
 * Test ip (may be NULL: only the list is checked) against the profile's
 * ranges, IPv4 and IPv6. A bare address in the list counts as /32 or /128.
 */
void nd_aks_ranges_check(const struct nd_aks_profile *p, const struct nd_ip *ip,
			 struct nd_range_verdict *v);
/*
 * The --api-server-authorized-ip-ranges value that adds ip: the existing
 * ranges as written, then ip/32 (ip/128 for IPv6), comma-separated, no
 * spaces, duplicates dropped. Returns the length, or -1 when buf is too small.
 */
int nd_aks_ranges_with(const struct nd_aks_profile *p, const struct nd_ip *ip, char *buf,
		       size_t len);
/* True when name is an AKS private-link API server name (*.privatelink.<region>.azmk8s.io). */
bool nd_aks_is_privatelink(const char *name);

/*
 * A VMSS instance from a Node's spec.providerID, "azure:///subscriptions/S/
 * resourceGroups/RG/providers/Microsoft.Compute/virtualMachineScaleSets/V/
 * virtualMachines/N" (the resource-group case as written): false for any
 * other shape. Parts are copied into the caller's buffers, cut at 128 bytes.
 */
struct nd_vmss_ref {
	char subscription[128], group[128], vmss[128], instance[128];
};
bool nd_aks_vmss_of(const char *provider_id, struct nd_vmss_ref *out);
/* True for RFC 1918, CGNAT 100.64/10, link-local, loopback, and IPv6 ULA/link-local. */
bool nd_ip_is_private(const struct nd_ip *ip);

#endif
