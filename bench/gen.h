/* SPDX-License-Identifier: MIT */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H
/*
 * bench/gen: a synthetic, deterministic offline bundle shaped like
 * `kubectl get X -A -o json` output of a large AKS cluster.
 *
 * Everything is derived from (seed, object kind, object index), so one seed
 * always gives the same bytes. The model (gen_model.c) decides counts, names,
 * placement and IPs once; the writers (gen_pods.c, gen_objs.c, gen_svc.c)
 * only format it. Keys are written in the byte order Go's encoding/json
 * sorts map keys in, with 4-space indentation, as kubectl prints.
 *
 * Not part of netdiag: nothing here is linked into the tool.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- JSON writer (gen_jw.c) -------------------------------------------- */

#define JW_MAX_DEPTH 64

/*
 * Pretty-printing writer into one large buffer flushed with write(2).
 * The first error is kept in err (an errno) and every later call is a
 * no-op; jw_close() reports it. key is NULL for array elements and for
 * the top-level value.
 */
struct jw {
	int fd;
	const char *path;
	char *buf;
	size_t len, cap;
	int depth;
	int err;
	uint64_t total;
	char close[JW_MAX_DEPTH];
	bool first[JW_MAX_DEPTH];
	int mute;           /* > 0: inside a dropped member, at this depth + 1 */
};

/* gen --no-managed-fields: every "managedFields" member is left out, as
 * kubectl prints objects by default (kubectl get -o json, no
 * --show-managed-fields). */
extern bool jw_drop_managed;

int jw_open(struct jw *w, const char *path);
int jw_close(struct jw *w);   /* 0, or -1 with errno set from w->err */
void jw_obj(struct jw *w, const char *key);
void jw_arr(struct jw *w, const char *key);
void jw_end(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v);
void jw_strf(struct jw *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
void jw_empty(struct jw *w, const char *key);          /* "key": {} */
void jw_fields(struct jw *w, ...);                     /* "k": {} for each, NULL ends */
void jw_list_begin(struct jw *w);                      /* kubectl List header */
void jw_list_end(struct jw *w);

/* ---- formatting helpers (gen_jw.c) -------------------------------------- */

uint64_t gh(uint64_t seed, unsigned kind, uint64_t idx, unsigned field);
void fmt_time(char out[21], int64_t epoch);             /* 2025-05-02T09:11:03Z */
void fmt_ip(char out[16], uint32_t ip);
void fmt_uid(char out[37], uint64_t a, uint64_t b);
void fmt_hex64(char out[65], uint64_t seed, unsigned kind, uint64_t idx);
void fmt_safe(char *out, size_t n, uint64_t v);         /* k8s rand alphabet, n chars */
void fmt_safe_bij(char out[6], uint64_t ord, uint64_t salt); /* 5 chars, unique per ord */

/* ---- model (gen_model.c) ------------------------------------------------ */

enum pod_kind { PK_APP, PK_COREDNS, PK_JOB, PK_KUBEPROXY, PK_CNM };
enum pod_phase { PH_RUNNING, PH_NOTREADY, PH_PENDING, PH_SUCCEEDED, PH_FAILED };

/* object kinds for gh() */
enum { K_NODE = 1, K_NS, K_DEPLOY, K_POD, K_SVC, K_SLICE, K_EVENT, K_JOB,
       K_DS, K_NNC, K_CTR, K_SANDBOX, K_LEAK, K_MISC };

struct gnode {
	char name[40];
	uint32_t ip;        /* InternalIP */
	uint32_t cidr;      /* base of the node's /24 podCIDR */
	uint16_t nalloc;    /* pod IPs handed out (.2 upward) */
	uint8_t pool, system, broken;
};

struct gns {
	char name[40];
};

struct gdeploy {
	char name[48];
	char hash[11];      /* pod-template-hash */
	uint32_t ns;
	uint32_t replicas;
	uint32_t first;     /* index of the first replica in model.pods */
	uint16_t port;      /* containerPort of "http" */
	uint8_t nenv, sidecar, team, probes, secctx;
};

struct gjob {
	char name[64];
	uint32_t ns;
	uint32_t pod;
};

enum { SV_MISMATCH = 1, SV_TWOPORTS = 2, SV_NAMEDTP = 4, SV_LB = 8,
       SV_BADPORT = 16, SV_KUBERNETES = 32 };

struct gsvc {
	char name[48];
	uint32_t ns;
	int32_t deploy;     /* -1: selector-less (the kubernetes Service) */
	uint32_t cip;
	uint8_t flags;
};

struct gpod {
	uint32_t owner;     /* deploy, job, or node index (DaemonSet pods) */
	uint32_t node;
	uint32_t ord;       /* ordinal within owner */
	uint32_t ip;        /* 0 = none */
	uint32_t name;      /* offset into model.names */
	uint8_t kind, phase, restarts;
};

struct model {
	uint64_t seed;
	int64_t now;        /* "current" time of the snapshot */
	uint32_t nnodes, npods, nsvcs, nns, ndeploy, njobs, ncnm;
	uint32_t apiserver_ip;
	char cluster[32], rg[64], sub[37], acr[32], vmss_id[9];
	struct gnode *nodes;
	struct gns *ns;
	struct gdeploy *deploys;
	struct gjob *jobs;
	struct gsvc *svcs;
	struct gpod *pods;
	uint32_t *pod_order;   /* pods sorted by namespace, name */
	uint32_t *svc_order;   /* services sorted by namespace, name */
	uint32_t *ns_order;
	char *names;           /* pod names, NUL-terminated */
	size_t names_len;
};

/* Builds the model; returns 0 or -1 with a message in err. */
int model_build(struct model *m, uint64_t seed, uint32_t nodes, uint32_t pods,
		uint32_t services, char *err, size_t errlen);
void model_free(struct model *m);
const char *pod_ns(const struct model *m, const struct gpod *p);
static inline const char *pod_name(const struct model *m, const struct gpod *p)
{
	return m->names + p->name;
}
int64_t pod_created(const struct model *m, uint32_t i);
void sandbox_id(char out[65], const struct model *m, uint32_t pod);

/* ---- writers: each returns 0 or -1 (errno set) ------------------------- */

int write_pods(const struct model *m, const char *path);
int write_nodes(const struct model *m, const char *path);
int write_namespaces(const struct model *m, const char *path);
int write_daemonsets(const struct model *m, const char *path);
int write_nnc(const struct model *m, const char *path);
int write_services(const struct model *m, const char *path);
int write_slices(const struct model *m, const char *path);
int write_endpoints(const struct model *m, const char *path);
int write_events(const struct model *m, const char *path);
/* networkpolicies.json: n NetworkPolicies over the model (gen_netpol.c) */
int write_netpols(const struct model *m, const char *path, uint32_t n);

#endif
