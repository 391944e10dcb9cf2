/* SPDX-License-Identifier: MIT */
#ifndef BENCH_GEN_POD_H
#define BENCH_GEN_POD_H
/*
 * Shared between gen_pods.c (the Pod object) and gen_podctr.c (its
 * containers and managedFields): one pod being written.
 */
#include "gen.h"

enum { EV_VAL, EV_APP, EV_FIELD, EV_SECRET, EV_CM };

struct env {
	const char *name;
	int kind;
	const char *a;
};

struct port {
	const char *name;
	int num;
	const char *proto;
};

struct mount {
	const char *name;
	const char *path;
	bool ro;
};

struct ctr {
	const char *name;
	char image[160], image_base[160];
	const char *const *cmd;
	int ncmd;
	const struct env *env;
	int nenv;
	struct port ports[3];
	int nports;
	const char *cpu_req, *mem_req, *cpu_lim, *mem_lim;
	const char *live_path, *ready_path, *probe_port;   /* probe_port: name or NULL */
	int live_num, ready_num;
	struct mount mounts[6];
	int nmounts;
	int secctx;          /* 0 none, 1 restricted, 2 privileged */
};

struct podctx {
	const struct model *m;
	const struct gpod *p;
	uint32_t i;
	const char *ns, *name, *app;
	char uid[37], owner_uid[37], owner_name[96], api_vol[32];
	char ip[16], host_ip[16], created[21], started[21];
	struct ctr c[2];
	int nc;
	bool hostnet;
};

/* Fills x->c[] and x->nc from the pod's kind and Deployment. */
void make_containers(struct podctx *x);
void write_container(struct jw *w, const struct podctx *x, const struct ctr *c);
/* managedFields entries: the ReplicaSet/Job/DaemonSet controller, kubelet status */
void mf_controller(struct jw *w, const struct podctx *x);
void mf_kubelet(struct jw *w, const struct podctx *x);
void mf_head(struct jw *w);
void mf_tail(struct jw *w, const char *manager, const char *subresource, const char *time);

#endif
