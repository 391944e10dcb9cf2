/* SPDX-License-Identifier: MIT */
#ifndef ND_MODEL_H
#define ND_MODEL_H
/*
 * The typed cluster model: compact structs decoded from Kubernetes objects,
 * one arena for all of them, strings interned (compare by pointer), and
 * indexes by namespace, node, name and label.
 *
 * Source -> model -> checks. A source (a bundle today, the API later) feeds
 * decoded JSON objects to nd_model_add_object(); after the last one,
 * nd_model_finish() builds the indexes. The model owns everything it holds;
 * nd_model_free(NULL) is a no-op.
 *
 * Only the fields checks read are kept. A pod is a few hundred bytes, so
 * 150,000 pods fit in well under 100 MB.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "k8s/labels.h"

struct nd_arena;
struct nd_intern;
struct nd_json;
struct nd_err;

enum nd_proto { ND_TCP = 0, ND_UDP, ND_SCTP };
const char *nd_proto_name(uint8_t proto);          /* "TCP" ... */
int nd_proto_parse(const char *s, uint8_t *out);   /* NULL/"" = TCP */

enum nd_kind {
	ND_K_POD = 0,
	ND_K_NODE,
	ND_K_NAMESPACE,
	ND_K_SERVICE,
	ND_K_ENDPOINTS,
	ND_K_ENDPOINTSLICE,
	ND_K_EVENT,
	ND_K_DAEMONSET,
	ND_K_NETWORKPOLICY,
	ND_K_SERVICEACCOUNT,
	ND_K_ROLE,
	ND_K_CLUSTERROLE,
	ND_K_ROLEBINDING,
	ND_K_CLUSTERROLEBINDING,
	ND_K_NNC,
	ND_K__COUNT
};
const char *nd_kind_name(enum nd_kind k);   /* "Pod", "NodeNetworkConfig", ... */

struct nd_meta {
	const char *ns;         /* NULL for cluster-scoped objects */
	const char *name;
	const char *created;    /* RFC 3339 text as given, or NULL (not interned) */
	bool deleting;          /* deletionTimestamp set */
	struct nd_labels labels;
	const char *owner_kind; /* controller ownerReference, or NULL */
	const char *owner_name;
};

/* ---- Pod ---- */
struct nd_cport {
	const char *name;       /* NULL when unnamed */
	int32_t port;
	uint8_t proto;
};

struct nd_pod {
	struct nd_meta m;
	const char *node;       /* spec.nodeName, NULL when unscheduled */
	const char *phase;      /* Pending, Running, Succeeded, Failed, Unknown */
	const char *sa;         /* spec.serviceAccountName */
	const char *reason;     /* status.reason (e.g. Evicted) */
	const char *waiting;    /* first container waiting reason (ContainerCreating) */
	const char **ips;       /* status.podIPs[].ip, else status.podIP; n in nips */
	uint32_t nips;
	uint32_t nports;
	struct nd_cport *ports; /* every container's ports */
	uint32_t ncontainers;
	bool host_network;
	bool ready;             /* condition Ready == True */
	bool containers_ready;
	const char *image0;     /* first container's image, for kube-proxy/cilium detection */
};
/* Running or Pending and not terminated: a pod that can hold an IP now. */
bool nd_pod_is_live(const struct nd_pod *p);
/* Phase Succeeded or Failed. */
bool nd_pod_is_terminated(const struct nd_pod *p);

/* ---- Node ---- */
/* spec.taints[] */
struct nd_taint {
	const char *key;
	const char *value;       /* NULL when absent */
	const char *effect;      /* NoSchedule, PreferNoSchedule, NoExecute */
};

/* Node conditions that the node lifecycle controller turns into taints. */
enum {
	ND_NCOND_READY_FALSE    = 1u << 0,   /* Ready False: node.kubernetes.io/not-ready */
	ND_NCOND_READY_UNKNOWN  = 1u << 1,   /* Ready Unknown: node.kubernetes.io/unreachable */
	ND_NCOND_MEMORY         = 1u << 2,   /* MemoryPressure True */
	ND_NCOND_DISK           = 1u << 3,   /* DiskPressure True */
	ND_NCOND_PID            = 1u << 4,   /* PIDPressure True */
	ND_NCOND_NETWORK        = 1u << 5,   /* NetworkUnavailable True */
};

struct nd_node {
	struct nd_meta m;
	const char **pod_cidrs;  /* spec.podCIDRs, else spec.podCIDR */
	uint32_t npod_cidrs;
	const char *internal_ip;
	const char *provider_id; /* spec.providerID (azure:///subscriptions/...), or NULL */
	bool ready;              /* condition Ready == True */
	bool ready_known;        /* a Ready condition was present */
	bool unschedulable;
	const char *os;          /* label kubernetes.io/os or status.nodeInfo.operatingSystem */
	int32_t max_pods;        /* status.allocatable.pods, 0 if unknown */
	struct nd_taint *taints; /* spec.taints */
	uint32_t ntaints;
	uint32_t conds;          /* ND_NCOND_* */
};

/* ---- Namespace ---- */
struct nd_namespace {
	struct nd_meta m;
	const char *phase;
};

/* ---- Service ---- */
struct nd_svcport {
	const char *name;         /* NULL when unnamed */
	int32_t port;
	uint8_t proto;
	int32_t target_num;       /* numeric targetPort (defaults to port) ... */
	const char *target_name;  /* ... or a named one (then target_num = 0) */
	int32_t node_port;
};

struct nd_service {
	struct nd_meta m;
	const char *type;          /* ClusterIP, NodePort, LoadBalancer, ExternalName */
	const char *cluster_ip;    /* "None" for headless */
	bool has_selector;         /* spec.selector present and non-empty */
	bool publish_not_ready;
	bool itp_local;            /* spec.internalTrafficPolicy: Local */
	bool etp_local;            /* spec.externalTrafficPolicy: Local */
	bool affinity_client_ip;   /* spec.sessionAffinity: ClientIP */
	int32_t affinity_timeout;  /* sessionAffinityConfig.clientIP.timeoutSeconds (10800) */
	uint32_t nexternal_ips;    /* spec.externalIPs */
	const char **external_ips;
	uint32_t nlb_ips;          /* status.loadBalancer.ingress[].ip (not ipMode Proxy) */
	const char **lb_ips;
	struct nd_selector selector;
	uint32_t nports;
	struct nd_svcport *ports;
};

/* ---- Endpoints and EndpointSlices, flattened to one shape ---- */
struct nd_epaddr {
	const char *ip;
	const char *node;       /* nodeName, or NULL */
	const char *pod;        /* targetRef name when kind Pod, or NULL */
	bool ready;
	bool serving;
	bool terminating;
};

struct nd_epport {
	const char *name;
	int32_t port;
	uint8_t proto;
};

/* One Endpoints subset, or one EndpointSlice. */
struct nd_epset {
	struct nd_meta m;       /* of the Endpoints / EndpointSlice object */
	const char *service;    /* Endpoints: its name; slice: label kubernetes.io/service-name */
	bool is_slice;
	const char *addr_type;  /* slice addressType (IPv4, IPv6, FQDN), NULL for Endpoints */
	bool truncated;         /* endpoints.kubernetes.io/over-capacity: truncated */
	uint32_t naddrs;
	struct nd_epaddr *addrs;
	uint32_t nports;
	struct nd_epport *ports;
};

/* ---- Events (core/v1 and events.k8s.io/v1, one shape) ---- */
struct nd_event {
	struct nd_meta m;
	const char *obj_kind;    /* involvedObject / regarding */
	const char *obj_ns;
	const char *obj_name;
	const char *reason;
	const char *type;        /* Normal, Warning */
	const char *message;     /* message / note; arena copy */
	const char *host;        /* source.host / reportingInstance / deprecatedSource.host */
	int64_t count;           /* count / series.count / deprecatedCount; >= 1 */
	int64_t last;            /* last seen, Unix seconds, 0 if unknown */
};

/* ---- Where a pod may run (a pod template's scheduling constraints) ---- */
/* spec.tolerations[] */
struct nd_toleration {
	const char *key;          /* NULL or "": every key (with Exists) */
	const char *op;           /* Exists, Equal; NULL or "" means Equal */
	const char *value;
	const char *effect;       /* NULL or "": every effect */
	bool has_seconds;
	int64_t seconds;          /* tolerationSeconds (NoExecute only) */
};

/* One NodeSelectorTerm: matchExpressions on labels AND matchFields. */
struct nd_nsterm {
	struct nd_selector exprs;   /* In/NotIn/Exists/DoesNotExist/Gt/Lt */
	struct nd_selector fields;  /* key a node field (metadata.name), In/NotIn */
	bool invalid;               /* a requirement the API would reject: matches nothing */
};

struct nd_placement {
	const char *node_name;            /* spec.nodeName, or NULL */
	struct nd_labels node_selector;   /* spec.nodeSelector */
	bool has_required;                /* required node affinity given */
	uint32_t nterms;                  /* its nodeSelectorTerms (ORed) */
	struct nd_nsterm *terms;
	uint32_t ntols;
	struct nd_toleration *tols;
	bool host_network;
};

/* ---- DaemonSet ---- */
struct nd_daemonset {
	struct nd_meta m;
	struct nd_selector selector;       /* spec.selector */
	struct nd_placement place;         /* spec.template.spec's scheduling constraints */
	struct nd_labels template_labels;
	const char *image0;
	const char **args;                 /* first container's command + args */
	uint32_t nargs;
	int64_t desired;                   /* status.desiredNumberScheduled */
	int64_t ready;                     /* status.numberReady */
};

/* ---- NetworkPolicy ---- */
struct nd_nppeer {
	bool has_pod_sel;
	bool has_ns_sel;
	struct nd_selector pod_sel;
	struct nd_selector ns_sel;
	const char *cidr;        /* ipBlock.cidr, or NULL */
	const char **except;
	uint32_t nexcept;
};

struct nd_npport {
	bool has_port;           /* false: all ports of proto */
	uint8_t proto;
	int32_t port;            /* numeric port, 0 when named */
	const char *port_name;
	int32_t end_port;        /* 0 when absent */
};

struct nd_nprule {
	uint32_t npeers;         /* 0: all peers */
	struct nd_nppeer *peers;
	uint32_t nports;         /* 0: all ports */
	struct nd_npport *ports;
};

struct nd_netpol {
	struct nd_meta m;
	struct nd_selector pod_sel;
	bool ingress_type;       /* policyTypes contains Ingress (or the default) */
	bool egress_type;
	uint32_t ningress;
	struct nd_nprule *ingress;
	uint32_t negress;
	struct nd_nprule *egress;
};

/* ---- RBAC ---- */
struct nd_rbac_rule {
	const char **verbs;         uint32_t nverbs;
	const char **api_groups;    uint32_t napi_groups;
	const char **resources;     uint32_t nresources;
	const char **resource_names; uint32_t nresource_names;
	const char **urls;          uint32_t nurls;   /* nonResourceURLs */
};

struct nd_role {                 /* Role and ClusterRole */
	struct nd_meta m;
	bool cluster;
	uint32_t nrules;
	struct nd_rbac_rule *rules;
	uint32_t nagg;               /* aggregationRule.clusterRoleSelectors */
	struct nd_selector *agg;
};

struct nd_rbac_subject {
	const char *kind;            /* User, Group, ServiceAccount */
	const char *name;
	const char *ns;
};

struct nd_binding {              /* RoleBinding and ClusterRoleBinding */
	struct nd_meta m;
	bool cluster;
	const char *role_kind;       /* Role or ClusterRole */
	const char *role_name;
	uint32_t nsubjects;
	struct nd_rbac_subject *subjects;
};

struct nd_sa {
	struct nd_meta m;
};

/* ---- Azure CNI NodeNetworkConfig ---- */
struct nd_nnc_nc {
	const char *id;
	const char *mode;            /* dynamic, static */
	const char *type;            /* vnet, vnetblock, overlay */
	const char *status;          /* NCUpdateSubnetFullError, ... or NULL */
	const char *primary_ip;
	const char *subnet_name;
	const char *subnet_cidr;     /* subnetAddressSpace */
	const char *subscription;    /* subcriptionID (sic: the JSON key is misspelled) */
	const char *resource_group;  /* resourceGroupID */
	const char *vnet;            /* vnetID (the VNet's name) */
	const char *subnet_id;       /* subnetID (the subnet's name) */
	uint32_t nassigned;          /* ipAssignments[] */
	const char **ips;            /* ipAssignments[].ip, nassigned of them (NULL when absent) */
	const char **ip_names;       /* ipAssignments[].name: CNS's id of each */
};

struct nd_nnc {
	struct nd_meta m;            /* name is the node's */
	int64_t requested;           /* spec.requestedIPCount */
	int64_t assigned;            /* status.assignedIPCount */
	const char *status;          /* status.status: Updating, Updated, Error */
	int64_t batch, max_ips, request_pct, release_pct;  /* status.scaler, 0 if absent */
	uint32_t nncs;
	struct nd_nnc_nc *ncs;
};

/* A growable array of one kind. */
#define ND_VEC(T) struct { T *v; size_t n, cap; }

struct nd_idx;   /* hash index, model.c */

struct nd_model {
	struct nd_arena *arena;
	struct nd_intern *strings;

	ND_VEC(struct nd_pod) pods;
	ND_VEC(struct nd_node) nodes;
	ND_VEC(struct nd_namespace) namespaces;
	ND_VEC(struct nd_service) services;
	ND_VEC(struct nd_epset) epsets;
	ND_VEC(struct nd_event) events;
	ND_VEC(struct nd_daemonset) daemonsets;
	ND_VEC(struct nd_netpol) netpols;
	ND_VEC(struct nd_sa) sas;
	ND_VEC(struct nd_role) roles;
	ND_VEC(struct nd_binding) bindings;
	ND_VEC(struct nd_nnc) nncs;

	size_t count[ND_K__COUNT];   /* objects kept, per kind */
	size_t skipped;              /* objects of kinds netdiag does not read */
	size_t duplicates;           /* same kind/ns/name seen again; last one kept */

	struct nd_idx *idx;          /* built by nd_model_finish() */
	struct nd_idx *lidx;         /* the same, for the keys pods share (labels, namespace, node) */
	const char **pod_ns;         /* by nd_model_finish(): the namespaces pods are in,
				      * in the order of each one's first pod */
	size_t npod_ns, pod_ns_cap;
	bool child;                  /* strings belong to the parent */
	struct nd_arena **arenas;    /* absorbed children's arenas */
	size_t narenas;
};

struct nd_model *nd_model_new(void);
void nd_model_free(struct nd_model *m);
/*
 * A model that interns into parent's string table (which must be made
 * shared, nd_intern_set_shared, while both are written at once) and has its
 * own arena: a second thread decodes into it. nd_model_absorb() appends its
 * objects to parent, in order, and frees it; nd_model_free() throws it away.
 */
struct nd_model *nd_model_new_child(struct nd_model *parent);
void nd_model_absorb(struct nd_model *parent, struct nd_model *child);

/*
 * Decode one Kubernetes object and keep it. Unknown kinds are counted in
 * m->skipped and return 0. A known kind with fields of the wrong type
 * returns -1 with e naming the object and the field
 * ("Pod 'shop/web-1': spec.containers[0].ports[1].containerPort: expected
 * an integer, got a string"); the object is not kept.
 * kind_hint is used when the object has no "kind" (a List of one type).
 */
int nd_model_add_object(struct nd_model *m, const struct nd_json *obj,
			const char *kind_hint, struct nd_err *e);
/* Build the indexes. Call once after the last nd_model_add_object(). */
void nd_model_finish(struct nd_model *m);

/* ---- Look-ups (after nd_model_finish) ---- */
/* ns and name need not be interned. NULL when absent. */
const struct nd_pod *nd_model_pod(const struct nd_model *m, const char *ns, const char *name);
const struct nd_service *nd_model_service(const struct nd_model *m, const char *ns, const char *name);
const struct nd_node *nd_model_node(const struct nd_model *m, const char *name);
const struct nd_namespace *nd_model_namespace(const struct nd_model *m, const char *name);
const struct nd_nnc *nd_model_nnc(const struct nd_model *m, const char *node);

/* Lists of indexes into m->pods.v; *n set to the count. */
const uint32_t *nd_model_pods_in_ns(const struct nd_model *m, const char *ns, size_t *n);
const uint32_t *nd_model_pods_on_node(const struct nd_model *m, const char *node, size_t *n);
/* Pods holding ip (several when terminated pods keep an old IP). */
const uint32_t *nd_model_pods_by_ip(const struct nd_model *m, const char *ip, size_t *n);
/* Indexes into m->epsets for a Service (Endpoints subsets and slices). */
const uint32_t *nd_model_epsets_of(const struct nd_model *m, const char *ns, const char *svc, size_t *n);
/* Indexes into m->events whose involved object is (kind, ns, name). */
const uint32_t *nd_model_events_of(const struct nd_model *m, const char *kind,
				   const char *ns, const char *name, size_t *n);
/*
 * Pods in ns matching sel, using the label index (cost ~ the smallest
 * posting list, not the namespace). Result in a malloc'd array the caller
 * frees; *n set. Empty selector: every pod of ns.
 */
uint32_t *nd_model_select_pods(const struct nd_model *m, const char *ns,
			       const struct nd_selector *sel, size_t *n);

#endif
