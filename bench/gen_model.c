/* SPDX-License-Identifier: MIT */
/*
 * The synthetic cluster: counts, names, placement and addresses, decided
 * once so every output file agrees with every other.
 *
 * Layout (all addresses private and made up):
 *   nodes      10.224.0.4 upward (AKS default node subnet 10.224.0.0/16)
 *   pods       one /24 per node from 10.32.0.0/11 (node i: 10.32.0.0 + i*256)
 *   services   10.0.0.0/16 (kubernetes = .1, kube-dns = .10)
 * Pods: one kube-proxy per node (hostNetwork), cloud-node-manager on the
 * system pool (hostNetwork, sized so about 5% of pods use the host
 * network), coredns, one Deployment behind each Service, 2.5% Job pods
 * (Succeeded/Failed), 1% of app pods not ready, and on every 500th node
 * (index 3, 503, ...) the newest pods stuck Pending without an IP.
 */
#define _GNU_SOURCE
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1746178200   /* 2025-05-02T09:30:00Z */
#define DAY 86400

static const char *const teams[] = {
	"payments", "checkout", "catalog", "search", "identity", "billing",
	"shipping", "inventory", "pricing", "reviews", "ads", "analytics",
	"notifications", "media", "profile", "orders", "fraud", "loyalty",
	"support", "reporting", "gateway", "partners", "mobile", "web",
	"recommendations", "messaging", "ledger", "compliance", "onboarding",
	"growth", "sre", "platform", "data", "ml", "iot", "video", "maps",
	"travel", "insurance", "wallet",
};
static const char *const envs[] = { "prod", "staging", "dev", "qa", "perf" };
static const char *const apps[] = {
	"cart", "order", "user", "session", "invoice", "quote", "stock",
	"price", "coupon", "email", "sms", "push", "feed", "image", "thumb",
	"token", "audit", "event", "metric", "report", "export", "import",
	"sync", "cache", "rate", "geo", "tax", "refund", "ledger", "score",
	"rank", "index", "crawler", "ingest", "router", "config", "flag",
	"schema", "graph", "auth",
};
static const char *const roles[] = {
	"api", "worker", "svc", "frontend", "backend", "gateway", "processor",
	"scheduler", "consumer", "producer", "reader", "writer",
};
static const char *const crons[] = {
	"nightly-report", "db-backup", "cache-warmup", "cleanup", "reindex",
	"invoice-run", "usage-export", "cert-check",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void base36(char out[7], unsigned v)
{
	static const char d[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	for (int i = 5; i >= 0; i--) {
		out[i] = d[v % 36];
		v /= 36;
	}
	out[6] = 0;
}

static int add_name(struct model *m, size_t *cap, uint32_t *off, const char *s)
{
	size_t n = strlen(s) + 1;

	if (m->names_len + n > *cap) {
		size_t nc = *cap ? *cap * 2 : 1u << 20;
		char *p = realloc(m->names, nc);
		if (!p)
			return -1;
		m->names = p;
		*cap = nc;
	}
	memcpy(m->names + m->names_len, s, n);
	*off = (uint32_t)m->names_len;
	m->names_len += n;
	return 0;
}

const char *pod_ns(const struct model *m, const struct gpod *p)
{
	switch (p->kind) {
	case PK_APP:
	case PK_COREDNS:
		return m->ns[m->deploys[p->owner].ns].name;
	case PK_JOB:
		return m->ns[m->jobs[p->owner].ns].name;
	default:
		return "kube-system";
	}
}

int64_t pod_created(const struct model *m, uint32_t i)
{
	const struct gpod *p = &m->pods[i];
	uint64_t h = gh(m->seed, K_POD, i, 1);

	switch (p->kind) {
	case PK_KUBEPROXY:
	case PK_CNM:
		return m->now - 40 * DAY + (int64_t)(p->node % 1000) * 30 + 90;
	case PK_JOB:
		return m->now - 600 - (int64_t)(h % DAY);
	default:
		if (p->phase == PH_PENDING)
			return m->now - 900 - (int64_t)(h % 1800);
		return m->now - 3600 - (int64_t)(h % (20 * DAY));
	}
}

void sandbox_id(char out[65], const struct model *m, uint32_t pod)
{
	fmt_hex64(out, m->seed, K_SANDBOX, pod);
}

/* ---- sorting ------------------------------------------------------------ */

static int cmp_pod(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct gpod *x = &m->pods[*(const uint32_t *)a];
	const struct gpod *y = &m->pods[*(const uint32_t *)b];
	int c = strcmp(pod_ns(m, x), pod_ns(m, y));

	return c ? c : strcmp(pod_name(m, x), pod_name(m, y));
}

static int cmp_svc(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct gsvc *x = &m->svcs[*(const uint32_t *)a];
	const struct gsvc *y = &m->svcs[*(const uint32_t *)b];
	int c = strcmp(m->ns[x->ns].name, m->ns[y->ns].name);

	return c ? c : strcmp(x->name, y->name);
}

static int cmp_ns(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;

	return strcmp(m->ns[*(const uint32_t *)a].name, m->ns[*(const uint32_t *)b].name);
}

static uint32_t *identity(uint32_t n)
{
	uint32_t *v = malloc((n ? n : 1) * sizeof(*v));

	if (v)
		for (uint32_t i = 0; i < n; i++)
			v[i] = i;
	return v;
}

/* ---- build -------------------------------------------------------------- */

static void build_nodes(struct model *m)
{
	uint32_t vmss = (uint32_t)(gh(m->seed, K_MISC, 0, 1) % 90000000) + 10000000;

	snprintf(m->vmss_id, sizeof(m->vmss_id), "%08u", vmss);
	for (uint32_t i = 0; i < m->nnodes; i++) {
		struct gnode *n = &m->nodes[i];
		char b36[7];
		bool sys = i < m->ncnm;
		uint32_t first = sys ? 0 : m->ncnm;
		uint32_t k = i - first;

		base36(b36, k % 1000);
		snprintf(n->name, sizeof(n->name), "aks-%s%u-%s-vmss%s",
			 sys ? "system" : "user", k / 1000 + 1, m->vmss_id, b36);
		n->pool = (uint8_t)(k / 1000);
		n->system = sys;
		n->ip = 0x0AE00000u + 4 + i;             /* 10.224.0.4 + i */
		n->cidr = 0x0A200000u + (i << 8);        /* 10.32.0.0/11, one /24 each */
		n->broken = (i % 500 == 3) || (m->nnodes <= 3 && i == 0);
	}
}

static void build_namespaces(struct model *m)
{
	static const char *const fixed[] = { "default", "kube-node-lease", "kube-public", "kube-system" };

	for (uint32_t i = 0; i < 4; i++)
		snprintf(m->ns[i].name, sizeof(m->ns[i].name), "%s", fixed[i]);
	for (uint32_t i = 4; i < m->nns; i++) {
		uint32_t k = i - 4;
		uint32_t nt = NELEM(teams), ne = NELEM(envs);
		if (k < nt * ne)
			snprintf(m->ns[i].name, sizeof(m->ns[i].name), "%s-%s",
				 teams[k % nt], envs[k / nt % ne]);
		else
			snprintf(m->ns[i].name, sizeof(m->ns[i].name), "%s-%s-%u",
				 teams[k % nt], envs[k / nt % ne], k / (nt * ne) + 1);
	}
}

static void build_deploys(struct model *m, uint32_t app_replicas)
{
	uint32_t napp_ns = m->nns - 4;
	uint32_t na = NELEM(apps), nr = NELEM(roles);
	uint64_t wsum = 0;
	uint32_t big = 0, given = 0;

	for (uint32_t j = 0; j < m->ndeploy; j++) {
		struct gdeploy *d = &m->deploys[j];
		uint64_t h = gh(m->seed, K_DEPLOY, j, 0);

		fmt_safe(d->hash, 10, gh(m->seed, K_DEPLOY, j, 1));
		d->port = (uint16_t[]){ 8080, 8080, 8080, 3000, 5000, 8000, 9000, 8443 }[h % 8];
		d->nenv = (uint8_t)(1 + (h >> 8) % 5);
		d->sidecar = (h >> 16) % 10 == 0;
		d->team = (h >> 24) % 3 == 0;
		d->probes = (h >> 32) % 10 < 6;
		d->secctx = (h >> 40) % 10 < 4;
		if (j == 0) {
			snprintf(d->name, sizeof(d->name), "coredns");
			d->ns = 3;
			d->replicas = 2 + m->nnodes / 256;
			d->port = 53;
			continue;
		}
		uint32_t ns = 4 + (j - 1) % napp_ns;
		uint32_t k = (j - 1) / napp_ns + ns % na;
		d->ns = ns;
		if (k < na * nr)
			snprintf(d->name, sizeof(d->name), "%s-%s", apps[k % na], roles[k / na % nr]);
		else
			snprintf(d->name, sizeof(d->name), "%s-%s-%u", apps[k % na],
				 roles[k / na % nr], k / (na * nr) + 1);
	}
	/* One big Deployment (1-5k endpoints exercise Endpoints truncation and
	 * EndpointSlice paging), the rest weighted 1..24. */
	if (m->ndeploy > 1 && app_replicas >= 2000) {
		big = app_replicas / 20 < 2500 ? app_replicas / 20 : 2500;
		m->deploys[1].replicas = big;
	}
	uint32_t first_small = big ? 2 : 1;
	for (uint32_t j = first_small; j < m->ndeploy; j++)
		wsum += 1 + gh(m->seed, K_DEPLOY, j, 2) % 24;
	uint32_t rest = app_replicas - big;
	for (uint32_t j = first_small; j < m->ndeploy && wsum; j++) {
		uint64_t w = 1 + gh(m->seed, K_DEPLOY, j, 2) % 24;
		m->deploys[j].replicas = (uint32_t)(rest * w / wsum);
		given += m->deploys[j].replicas;
	}
	for (uint32_t j = first_small; given < rest && m->ndeploy > first_small; j++) {
		if (j >= m->ndeploy)
			j = first_small;
		m->deploys[j].replicas++;
		given++;
	}
	if (m->ndeploy == 1)
		m->deploys[0].replicas += app_replicas;
}

static int build_pods(struct model *m, char *err, size_t errlen)
{
	size_t cap = 0;
	uint32_t i = 0, cursor = 0;
	char nm[128], suf[6];

	for (uint32_t n = 0; n < m->nnodes; n++) {
		struct gpod *p = &m->pods[i];
		p->kind = PK_KUBEPROXY;
		p->owner = p->node = n;
		p->phase = (n % 1000 == 11) ? PH_NOTREADY : PH_RUNNING;
		p->restarts = p->phase == PH_NOTREADY ? 87 : 0;
		p->ip = m->nodes[n].ip;
		fmt_safe_bij(suf, n, gh(m->seed, K_DS, 0, 0));
		snprintf(nm, sizeof(nm), "kube-proxy-%s", suf);
		if (add_name(m, &cap, &p->name, nm))
			goto oom;
		i++;
		if (!m->nodes[n].system)
			continue;
		p = &m->pods[i];
		p->kind = PK_CNM;
		p->owner = p->node = n;
		p->ip = m->nodes[n].ip;
		fmt_safe_bij(suf, n, gh(m->seed, K_DS, 1, 0));
		snprintf(nm, sizeof(nm), "cloud-node-manager-%s", suf);
		if (add_name(m, &cap, &p->name, nm))
			goto oom;
		i++;
	}
	for (uint32_t j = 0; j < m->ndeploy; j++) {
		struct gdeploy *d = &m->deploys[j];
		uint64_t salt = gh(m->seed, K_DEPLOY, j, 3);
		d->first = i;
		for (uint32_t r = 0; r < d->replicas; r++, i++) {
			struct gpod *p = &m->pods[i];
			p->kind = j == 0 ? PK_COREDNS : PK_APP;
			p->owner = j;
			p->ord = r;
			p->node = cursor++ % m->nnodes;
			uint64_t h = gh(m->seed, K_POD, i, 0);
			p->phase = (j && h % 100 == 0) ? PH_NOTREADY : PH_RUNNING;
			p->restarts = p->phase == PH_NOTREADY ? (uint8_t)(3 + h % 40) : (uint8_t)((h >> 8) % 100 == 0);
			fmt_safe_bij(suf, r, salt);
			snprintf(nm, sizeof(nm), "%s-%s-%s", d->name, d->hash, suf);
			if (add_name(m, &cap, &p->name, nm))
				goto oom;
		}
	}
	for (uint32_t k = 0; k < m->njobs; k++, i++) {
		struct gjob *jb = &m->jobs[k];
		struct gpod *p = &m->pods[i];
		jb->ns = 4 + (k * 13) % (m->nns - 4);
		jb->pod = i;
		snprintf(jb->name, sizeof(jb->name), "%s-%u", crons[k % NELEM(crons)], 29000000 + k);
		p->kind = PK_JOB;
		p->owner = k;
		p->node = cursor++ % m->nnodes;
		p->phase = gh(m->seed, K_JOB, k, 0) % 5 == 0 ? PH_FAILED : PH_SUCCEEDED;
		fmt_safe_bij(suf, 0, gh(m->seed, K_JOB, k, 1));
		snprintf(nm, sizeof(nm), "%s-%s", jb->name, suf);
		if (add_name(m, &cap, &p->name, nm))
			goto oom;
	}
	if (i != m->npods) {
		snprintf(err, errlen, "internal: placed %u pods, wanted %u", i, m->npods);
		return -1;
	}
	/* The newest app pods of each broken node are stuck without an IP. */
	uint32_t *left = calloc(m->nnodes, sizeof(*left));
	if (!left)
		goto oom;
	for (uint32_t n = 0; n < m->nnodes; n++)
		if (m->nodes[n].broken)
			left[n] = 5 + (uint32_t)(gh(m->seed, K_NODE, n, 9) % 6);
	for (uint32_t k = m->npods; k-- > 0;) {
		struct gpod *p = &m->pods[k];
		if (p->kind == PK_APP && left[p->node]) {
			left[p->node]--;
			p->phase = PH_PENDING;
			p->restarts = 0;
		}
	}
	free(left);
	for (uint32_t k = 0; k < m->npods; k++) {
		struct gpod *p = &m->pods[k];
		struct gnode *n = &m->nodes[p->node];
		if (p->kind == PK_KUBEPROXY || p->kind == PK_CNM || p->phase == PH_PENDING)
			continue;
		if (n->nalloc >= 253) {
			snprintf(err, errlen, "more than 253 pod IPs on node %s: use more nodes", n->name);
			return -1;
		}
		n->nalloc++;
		p->ip = n->cidr + 1 + n->nalloc;   /* .2 upward; .1 is the bridge */
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void build_services(struct model *m)
{
	for (uint32_t j = 0; j < m->nsvcs; j++) {
		struct gsvc *s = &m->svcs[j];
		uint64_t h = gh(m->seed, K_SVC, j, 0);
		if (j == 0) {
			snprintf(s->name, sizeof(s->name), "kubernetes");
			s->ns = 0;
			s->deploy = -1;
			s->cip = 0x0A000001u;
			s->flags = SV_KUBERNETES;
			continue;
		}
		if (j == 1) {
			snprintf(s->name, sizeof(s->name), "kube-dns");
			s->ns = 3;
			s->deploy = 0;
			s->cip = 0x0A00000Au;
			s->flags = SV_TWOPORTS;
			continue;
		}
		const struct gdeploy *d = &m->deploys[j - 1];
		snprintf(s->name, sizeof(s->name), "%s", d->name);
		s->ns = d->ns;
		s->deploy = (int32_t)(j - 1);
		s->cip = 0x0A000100u + (j - 2);
		if (h % 3 == 0)
			s->flags |= SV_TWOPORTS;
		if ((h >> 8) % 2 == 0)
			s->flags |= SV_NAMEDTP;
		if ((h >> 16) % 100 == 5)
			s->flags |= SV_LB;
		if (j > 2 && (h >> 24) % 200 == 0)
			s->flags |= SV_MISMATCH;
		else if (j > 2 && (h >> 24) % 250 == 1)
			s->flags |= SV_BADPORT;
	}
}

int model_build(struct model *m, uint64_t seed, uint32_t nodes, uint32_t pods,
		uint32_t services, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->seed = seed;
	m->now = NOW;
	if (nodes < 1 || nodes > 8192) {
		snprintf(err, errlen, "--nodes must be 1..8192 (one /24 each from 10.32.0.0/11)");
		return -1;
	}
	if (services < 3 || services > 60000) {
		snprintf(err, errlen, "--services must be 3..60000");
		return -1;
	}
	m->nnodes = nodes;
	m->npods = pods;
	m->nsvcs = services;
	uint32_t hostnet = (uint32_t)((uint64_t)pods * 5 / 100);
	m->ncnm = hostnet > nodes ? hostnet - nodes : 0;
	if (m->ncnm > nodes)
		m->ncnm = nodes;
	m->njobs = (uint32_t)((uint64_t)pods * 25 / 1000);
	m->ndeploy = services - 1;     /* coredns + one per app Service */
	m->nns = 4 + ((services - 2) / 10 ? (services - 2) / 10 : 1);
	uint64_t fixed = (uint64_t)nodes + m->ncnm + m->njobs + 2 + nodes / 256;
	if (pods < fixed + 1) {
		snprintf(err, errlen, "--pods %u too small for %u nodes (need more than %llu)",
			 pods, nodes, (unsigned long long)fixed);
		return -1;
	}
	uint32_t app_replicas = (uint32_t)(pods - fixed);
	m->apiserver_ip = 0x14320000u | (uint32_t)(gh(seed, K_MISC, 0, 2) & 0xffff); /* 20.50.x.y */
	snprintf(m->cluster, sizeof(m->cluster), "aks-bench");
	snprintf(m->rg, sizeof(m->rg), "MC_rg-bench_aks-bench_westeurope");
	fmt_uid(m->sub, gh(seed, K_MISC, 0, 3), gh(seed, K_MISC, 0, 4));
	snprintf(m->acr, sizeof(m->acr), "benchacr%04x", (unsigned)(gh(seed, K_MISC, 0, 5) & 0xffff));

	m->nodes = calloc(nodes, sizeof(*m->nodes));
	m->ns = calloc(m->nns, sizeof(*m->ns));
	m->deploys = calloc(m->ndeploy, sizeof(*m->deploys));
	m->jobs = calloc(m->njobs ? m->njobs : 1, sizeof(*m->jobs));
	m->svcs = calloc(services, sizeof(*m->svcs));
	m->pods = calloc(pods, sizeof(*m->pods));
	if (!m->nodes || !m->ns || !m->deploys || !m->jobs || !m->svcs || !m->pods) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	build_nodes(m);
	build_namespaces(m);
	build_deploys(m, app_replicas);
	if (build_pods(m, err, errlen))
		return -1;
	build_services(m);

	m->pod_order = identity(pods);
	m->svc_order = identity(services);
	m->ns_order = identity(m->nns);
	if (!m->pod_order || !m->svc_order || !m->ns_order) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	qsort_r(m->pod_order, pods, sizeof(uint32_t), cmp_pod, m);
	qsort_r(m->svc_order, services, sizeof(uint32_t), cmp_svc, m);
	qsort_r(m->ns_order, m->nns, sizeof(uint32_t), cmp_ns, m);
	return 0;
}

void model_free(struct model *m)
{
	free(m->nodes);
	free(m->ns);
	free(m->deploys);
	free(m->jobs);
	free(m->svcs);
	free(m->pods);
	free(m->pod_order);
	free(m->svc_order);
	free(m->ns_order);
	free(m->names);
	memset(m, 0, sizeof(*m));
}
