/* SPDX-License-Identifier: MIT */
/*
 * networkpolicies.json for `gen --policies N`: NetworkPolicies in the shape
 * `kubectl get networkpolicies -A -o json` prints, over the model's
 * namespaces and Deployments. Policy i goes to app namespace i % napp, and
 * its kind is (i / napp) % 10, so every namespace that gets any policy
 * starts with a default deny of ingress, and the next kinds follow:
 *   0 deny-all-ingress       podSelector {}, policyTypes [Ingress]
 *   1 allow-same-ns-X        app=X from any pod of the namespace, named port http
 *   2 allow-from-ns-X        app=X from every pod of another namespace, all ports
 *   3 allow-from-pods-X      app=X from app=Y pods of another namespace, port N/TCP
 *   4 allow-ipblock-X        app=X from 10.32.0.0/11 except two /24s, ports 80-9000
 *   5 egress-dns-X           app=X egress only to kube-dns (53 UDP+TCP) and its namespace
 *   6 allow-teams            team Exists, from namespaces In [a, b, c], ports 80 and metrics
 *   7 allow-monitoring       every pod, from kube-system, port 9090 and named metrics
 *   8 egress-no-metadata-X   app=X egress anywhere but 169.254.169.254/32
 *   9 web-ingress-80-X       app In [X, Y]: ingress port 80 from anywhere, egress [] (deny)
 * Items are sorted by namespace and name, keys in Go's order.
 */
#define _GNU_SOURCE
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_NETPOL = 40 };

struct gpol {
	uint32_t ns;
	uint32_t idx;
	uint8_t kind;
	char name[64];
};

static int cmp_pol(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct gpol *x = a, *y = b;
	int c = strcmp(m->ns[x->ns].name, m->ns[y->ns].name);

	return c ? c : strcmp(x->name, y->name);
}

/* Deployments per namespace: first[ns]..first[ns+1] in list. */
struct nsdeps {
	uint32_t *first, *list;
};

static int index_deploys(const struct model *m, struct nsdeps *nd)
{
	uint32_t *fill;

	nd->first = calloc(m->nns + 1, sizeof(uint32_t));
	nd->list = calloc(m->ndeploy ? m->ndeploy : 1, sizeof(uint32_t));
	fill = calloc(m->nns + 1, sizeof(uint32_t));
	if (!nd->first || !nd->list || !fill) {
		free(fill);
		return -1;
	}
	for (uint32_t j = 1; j < m->ndeploy; j++)
		nd->first[m->deploys[j].ns + 1]++;
	for (uint32_t n = 0; n < m->nns; n++)
		nd->first[n + 1] += nd->first[n];
	for (uint32_t j = 1; j < m->ndeploy; j++) {
		uint32_t n = m->deploys[j].ns;
		nd->list[nd->first[n] + fill[n]++] = j;
	}
	free(fill);
	return 0;
}

/* A Deployment of namespace ns picked by h, or -1 when it has none. */
static int32_t pick(const struct nsdeps *nd, uint32_t ns, uint64_t h)
{
	uint32_t n = nd->first[ns + 1] - nd->first[ns];

	return n ? (int32_t)nd->list[nd->first[ns] + h % n] : -1;
}

static uint32_t other_ns(const struct model *m, uint32_t ns, uint64_t h)
{
	uint32_t napp = m->nns - 4;
	uint32_t o = 4 + (uint32_t)(h % napp);

	return o == ns && napp > 1 ? 4 + (o - 4 + 1) % napp : o;
}

static void sel_labels1(struct jw *w, const char *key, const char *k, const char *v)
{
	jw_obj(w, key);
	jw_obj(w, "matchLabels");
	jw_str(w, k, v);
	jw_end(w);
	jw_end(w);
}

static void sel_app(struct jw *w, const struct model *m, int32_t d)
{
	if (d < 0)
		jw_empty(w, "podSelector");
	else
		sel_labels1(w, "podSelector", "app", m->deploys[d].name);
}

static void ns_sel(struct jw *w, const char *name)
{
	sel_labels1(w, "namespaceSelector", "kubernetes.io/metadata.name", name);
}

static void port_num(struct jw *w, int32_t port, int32_t end, const char *proto)
{
	jw_obj(w, NULL);
	if (end)
		jw_int(w, "endPort", end);
	jw_int(w, "port", port);
	jw_str(w, "protocol", proto);
	jw_end(w);
}

static void port_name(struct jw *w, const char *name)
{
	jw_obj(w, NULL);
	jw_str(w, "port", name);
	jw_str(w, "protocol", "TCP");
	jw_end(w);
}

static void types(struct jw *w, bool in, bool eg)
{
	jw_arr(w, "policyTypes");
	if (in)
		jw_str(w, NULL, "Ingress");
	if (eg)
		jw_str(w, NULL, "Egress");
	jw_end(w);
}

static void spec(struct jw *w, const struct model *m, const struct nsdeps *nd,
		 const struct gpol *p)
{
	uint64_t h = gh(m->seed, K_NETPOL, p->idx, 0);
	int32_t d = pick(nd, p->ns, h);
	uint32_t o = other_ns(m, p->ns, h >> 16);
	char cidr[24], ip[16];

	jw_obj(w, "spec");
	switch (p->kind) {
	case 0:
		jw_empty(w, "podSelector");
		types(w, true, false);
		break;
	case 1:
		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "from");
		jw_obj(w, NULL);
		jw_empty(w, "podSelector");
		jw_end(w);
		jw_end(w);
		jw_arr(w, "ports");
		port_name(w, "http");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		sel_app(w, m, d);
		types(w, true, false);
		break;
	case 2:
		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "from");
		jw_obj(w, NULL);
		ns_sel(w, m->ns[o].name);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		sel_app(w, m, d);
		types(w, true, false);
		break;
	case 3: {
		int32_t y = pick(nd, o, h >> 32);

		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "from");
		jw_obj(w, NULL);
		ns_sel(w, m->ns[o].name);
		sel_app(w, m, y);
		jw_end(w);
		jw_end(w);
		jw_arr(w, "ports");
		port_num(w, d >= 0 ? m->deploys[d].port : 8080, 0, "TCP");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		sel_app(w, m, d);
		types(w, true, false);
		break;
	}
	case 4:
		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "from");
		jw_obj(w, NULL);
		jw_obj(w, "ipBlock");
		jw_str(w, "cidr", "10.32.0.0/11");
		jw_arr(w, "except");
		fmt_ip(ip, 0x0a200000u + (uint32_t)((h >> 20) % m->nnodes) * 256);
		snprintf(cidr, sizeof(cidr), "%s/24", ip);
		jw_str(w, NULL, cidr);
		fmt_ip(ip, 0x0a200000u + (uint32_t)((h >> 36) % m->nnodes) * 256);
		snprintf(cidr, sizeof(cidr), "%s/24", ip);
		jw_str(w, NULL, cidr);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_arr(w, "ports");
		port_num(w, 80, 9000, "TCP");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		sel_app(w, m, d);
		types(w, true, false);
		break;
	case 5:
		jw_arr(w, "egress");
		jw_obj(w, NULL);
		jw_arr(w, "ports");
		port_num(w, 53, 0, "UDP");
		port_num(w, 53, 0, "TCP");
		jw_end(w);
		jw_arr(w, "to");
		jw_obj(w, NULL);
		ns_sel(w, "kube-system");
		sel_labels1(w, "podSelector", "k8s-app", "kube-dns");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_obj(w, NULL);
		jw_arr(w, "to");
		jw_obj(w, NULL);
		jw_empty(w, "podSelector");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		sel_app(w, m, d);
		types(w, false, true);
		break;
	case 6: {
		uint32_t a = other_ns(m, p->ns, h >> 8), b = other_ns(m, p->ns, h >> 24);

		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "from");
		jw_obj(w, NULL);
		jw_obj(w, "namespaceSelector");
		jw_arr(w, "matchExpressions");
		jw_obj(w, NULL);
		jw_str(w, "key", "kubernetes.io/metadata.name");
		jw_str(w, "operator", "In");
		jw_arr(w, "values");
		jw_str(w, NULL, m->ns[p->ns].name);
		jw_str(w, NULL, m->ns[a].name);
		jw_str(w, NULL, m->ns[b].name);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_arr(w, "ports");
		port_num(w, 80, 0, "TCP");
		port_name(w, "metrics");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_obj(w, "podSelector");
		jw_arr(w, "matchExpressions");
		jw_obj(w, NULL);
		jw_str(w, "key", "team");
		jw_str(w, "operator", "Exists");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		types(w, true, false);
		break;
	}
	case 7:
		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "from");
		jw_obj(w, NULL);
		ns_sel(w, "kube-system");
		jw_end(w);
		jw_end(w);
		jw_arr(w, "ports");
		port_num(w, 9090, 0, "TCP");
		port_name(w, "metrics");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_empty(w, "podSelector");
		types(w, true, false);
		break;
	case 8:
		jw_arr(w, "egress");
		jw_obj(w, NULL);
		jw_arr(w, "to");
		jw_obj(w, NULL);
		jw_obj(w, "ipBlock");
		jw_str(w, "cidr", "0.0.0.0/0");
		jw_arr(w, "except");
		jw_str(w, NULL, "169.254.169.254/32");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		sel_app(w, m, d);
		types(w, false, true);
		break;
	default: {
		int32_t y = pick(nd, p->ns, h >> 40);

		jw_arr(w, "egress");
		jw_end(w);
		jw_arr(w, "ingress");
		jw_obj(w, NULL);
		jw_arr(w, "ports");
		port_num(w, 80, 0, "TCP");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_obj(w, "podSelector");
		jw_arr(w, "matchExpressions");
		jw_obj(w, NULL);
		jw_str(w, "key", "app");
		jw_str(w, "operator", "In");
		jw_arr(w, "values");
		jw_str(w, NULL, d >= 0 ? m->deploys[d].name : "none");
		if (y >= 0 && y != d)
			jw_str(w, NULL, m->deploys[y].name);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_end(w);
		types(w, true, true);
		break;
	}
	}
	jw_end(w);
}

static const char *const kind_name[] = {
	"deny-all-ingress", "allow-same-ns", "allow-from-ns", "allow-from-pods",
	"allow-ipblock", "egress-dns", "allow-teams", "allow-monitoring",
	"egress-no-metadata", "web-ingress-80",
};

int write_netpols(const struct model *m, const char *path, uint32_t n)
{
	struct jw w;
	struct nsdeps nd = {0};
	struct gpol *v = calloc(n ? n : 1, sizeof(*v));
	uint32_t napp = m->nns > 4 ? m->nns - 4 : 0;
	int rc = -1;

	if (!v || !napp || index_deploys(m, &nd))
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		struct gpol *p = &v[i];
		uint64_t h = gh(m->seed, K_NETPOL, i, 0);
		int32_t d = pick(&nd, 4 + i % napp, h);

		p->ns = 4 + i % napp;
		p->idx = i;
		p->kind = (uint8_t)((i / napp) % 10);
		if (p->kind == 0 || p->kind == 6 || p->kind == 7 || d < 0)
			snprintf(p->name, sizeof(p->name), "%s-%u", kind_name[p->kind], i / napp);
		else
			snprintf(p->name, sizeof(p->name), "%s-%s-%u", kind_name[p->kind],
				 m->deploys[d].name, i / napp);
	}
	qsort_r(v, n, sizeof(*v), cmp_pol, (void *)m);
	if (jw_open(&w, path))
		goto out;
	jw_list_begin(&w);
	for (uint32_t k = 0; k < n; k++) {
		const struct gpol *p = &v[k];
		char t[21], uid[37];

		fmt_time(t, m->now - 20 * 86400 + (int64_t)p->idx * 37);
		fmt_uid(uid, gh(m->seed, K_NETPOL, p->idx, 1), gh(m->seed, K_NETPOL, p->idx, 2));
		jw_obj(&w, NULL);
		jw_str(&w, "apiVersion", "networking.k8s.io/v1");
		jw_str(&w, "kind", "NetworkPolicy");
		jw_obj(&w, "metadata");
		jw_str(&w, "creationTimestamp", t);
		jw_int(&w, "generation", 1);
		jw_str(&w, "name", p->name);
		jw_str(&w, "namespace", m->ns[p->ns].name);
		jw_strf(&w, "resourceVersion", "%u", 900000u + p->idx);
		jw_str(&w, "uid", uid);
		jw_end(&w);
		spec(&w, m, &nd, p);
		jw_end(&w);
	}
	jw_list_end(&w);
	rc = jw_close(&w);
out:
	free(v);
	free(nd.first);
	free(nd.list);
	return rc;
}
