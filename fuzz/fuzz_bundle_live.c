/* SPDX-License-Identifier: MIT */
/*
 * Differential libFuzzer target: one bundle file (cluster/objects.json of a
 * private bundle folder: a List, objects, a stream, anything) read along the
 * two paths the product has for it.
 *
 *   bundle: nd_bundle_load(), as diagnose --snapshot reads it;
 *   live:   serve's store (nd_store_load) answering each kind the live
 *           client lists (nd_live_kinds) page by page with limit and
 *           continue (nd_api_handle, no socket), each page fed in pieces
 *           to the live path's push decoder and its objects to the model
 *           as the live client hands them on (with the kind it asked for).
 *
 * The two cluster models must hold the same objects with the same decoded
 * fields. What the live client cannot see by design is left out: objects
 * whose apiVersion is not the one it lists (events.k8s.io Events, a Pod of
 * another group), and objects met twice in the file of the kinds whose
 * copies the model keeps (Endpoints, Events, RBAC: the model does not
 * dedupe them), or when a copy does not decode (the bundle keeps the one
 * that does, serve the last). Of the others both keep the last one read. The first byte sets the page size (1-8) and the
 * piece size of the push feed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "k8s/bundle.h"
#include "k8s/live.h"
#include "k8s/model.h"
#include "serve/api.h"
#include "serve/store.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[256], cluster[300], file[340], spool[300];

static void cleanup(void)
{
	unlink(file);
	rmdir(cluster);
	rmdir(spool);
	rmdir(top);
}

/* On the first input: the replay driver of make check calls no LLVMFuzzerInitialize. */
static void setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	if (top[0])
		return;
	snprintf(top, sizeof(top), "%s/nd-fuzz-bl.XXXXXX", base);
	if (!mkdtemp(top))
		abort();
	snprintf(cluster, sizeof(cluster), "%s/cluster", top);
	snprintf(spool, sizeof(spool), "%s/spool", top);
	snprintf(file, sizeof(file), "%s/objects.json", cluster);
	if (mkdir(cluster, 0700) < 0 || mkdir(spool, 0700) < 0)
		abort();
	atexit(cleanup);
}

/* ---- the objects of the file, as the live client could see them ---- */

struct seen {
	char *key;              /* "Kind ns/name" */
	unsigned n;
	bool visible;           /* of an apiVersion the live client lists */
	bool bad;               /* a copy the model refuses (a field of the wrong type) */
};
struct scan {
	struct seen *v;
	size_t n, cap;
	const struct nd_live_kind *kinds;
	size_t nkinds;
	struct nd_model *scratch;   /* where each object is tried alone */
};

/* Node and Namespace are cluster-scoped: a namespace they give is not theirs. */
static const char *scoped_ns(const char *kind, const char *ns)
{
	return strcmp(kind, "Node") == 0 || strcmp(kind, "Namespace") == 0 ? NULL : ns;
}

static int on_scan(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		   struct nd_err *e)
{
	struct scan *sc = ctx;
	const struct nd_json *md = nd_json_get(obj, "metadata");
	const char *kind = nd_json_str(nd_json_get(obj, "kind"));
	const char *av = nd_json_str(nd_json_get(obj, "apiVersion"));
	const char *ns = nd_json_str(nd_json_get(md, "namespace"));
	const char *name = nd_json_str(nd_json_get(md, "name"));
	char kbuf[128], key[1024];
	bool visible = false, bad;
	struct nd_err oe;
	size_t i;

	(void)off;
	(void)e;
	bad = nd_model_add_object(sc->scratch, obj, list_kind, &oe) < 0;
	if (!kind && list_kind && strlen(list_kind) > 4 && strlen(list_kind) < sizeof(kbuf)) {
		snprintf(kbuf, sizeof(kbuf), "%.*s", (int)strlen(list_kind) - 4, list_kind);
		kind = kbuf;
	}
	if (!kind || !name)
		return 0;
	for (i = 0; i < sc->nkinds; i++)
		if (strcmp(sc->kinds[i].kind_name, kind) == 0)
			visible = !av || strcmp(av, sc->kinds[i].api_version) == 0;
	ns = scoped_ns(kind, ns);
	snprintf(key, sizeof(key), "%s %s/%s", kind, ns ? ns : "", name);
	for (i = 0; i < sc->n; i++)
		if (strcmp(sc->v[i].key, key) == 0) {
			sc->v[i].n++;
			sc->v[i].visible = sc->v[i].visible && visible;
			sc->v[i].bad = sc->v[i].bad || bad;
			return 0;
		}
	ND_GROW(sc->v, sc->cap, sc->n + 1);
	sc->v[sc->n++] = (struct seen){nd_xstrdup(key), 1, visible, bad};
	return 0;
}

/* Kinds whose copies the model drops, the last one read kept (nd_model_finish). */
static bool deduped(const char *kind)
{
	static const char *const k[] = {"Pod", "Node", "Namespace", "Service", "DaemonSet",
					"NetworkPolicy", "ServiceAccount", "NodeNetworkConfig"};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(kind, k[i]) == 0)
			return true;
	return false;
}

/* Whether the object "Kind ns/name" is one both paths must agree on. */
static bool compared(const struct scan *sc, const char *kind, const char *ns, const char *name)
{
	char key[1024];

	ns = scoped_ns(kind, ns);
	snprintf(key, sizeof(key), "%s %s/%s", kind, ns ? ns : "", name ? name : "");
	for (size_t i = 0; i < sc->n; i++)
		if (strcmp(sc->v[i].key, key) == 0)
			return sc->v[i].visible &&
			       (sc->v[i].n == 1 || (deduped(kind) && !sc->v[i].bad));
	return true;    /* not in the file as such: a line that cannot match */
}

/* ---- a model as lines of text, one per object, sorted ---- */

struct lines {
	char **v;
	size_t n, cap;
};

static void meta(struct nd_buf *b, const char *kind, const struct nd_meta *m)
{
	nd_buf_printf(b, "%s %s/%s created=%s del=%d owner=%s/%s labels=", kind,
		      m->ns ? m->ns : "", m->name ? m->name : "",
		      m->created ? m->created : "", m->deleting, m->owner_kind ? m->owner_kind : "",
		      m->owner_name ? m->owner_name : "");
	for (uint32_t i = 0; i < m->labels.n; i++)
		nd_buf_printf(b, "%s=%s,", m->labels.kv[i].k, m->labels.kv[i].v);
}

static void strs(struct nd_buf *b, const char *what, const char *const *v, uint32_t n)
{
	nd_buf_printf(b, " %s=", what);
	for (uint32_t i = 0; i < n; i++)
		nd_buf_printf(b, "%s,", v[i] ? v[i] : "(null)");
}

#define S(x) ((x) ? (x) : "")

static void add_line(struct lines *l, const struct scan *sc, const char *kind,
		     const struct nd_meta *m, struct nd_buf *b)
{
	if (compared(sc, kind, m->ns, m->name)) {
		ND_GROW(l->v, l->cap, l->n + 1);
		l->v[l->n++] = nd_xstrdup(b->p ? b->p : "");
	}
	nd_buf_release(b);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump(const struct nd_model *m, const struct scan *sc, struct lines *l)
{
	struct nd_buf b;
	size_t i;
	uint32_t j;

	for (i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "Pod", &p->m);
		nd_buf_printf(&b, " node=%s phase=%s sa=%s reason=%s waiting=%s hn=%d ready=%d/%d "
			      "image=%s containers=%u", S(p->node), S(p->phase), S(p->sa),
			      S(p->reason), S(p->waiting), p->host_network, p->ready,
			      p->containers_ready, S(p->image0), p->ncontainers);
		strs(&b, "ips", p->ips, p->nips);
		for (j = 0; j < p->nports; j++)
			nd_buf_printf(&b, " port=%s:%d/%u", S(p->ports[j].name), p->ports[j].port,
				      p->ports[j].proto);
		add_line(l, sc, "Pod", &p->m, &b);
	}
	for (i = 0; i < m->nodes.n; i++) {
		const struct nd_node *n = &m->nodes.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "Node", &n->m);
		nd_buf_printf(&b, " ip=%s provider=%s ready=%d/%d unsched=%d os=%s max=%d conds=%u",
			      S(n->internal_ip), S(n->provider_id), n->ready, n->ready_known,
			      n->unschedulable, S(n->os), n->max_pods, n->conds);
		strs(&b, "cidrs", n->pod_cidrs, n->npod_cidrs);
		for (j = 0; j < n->ntaints; j++)
			nd_buf_printf(&b, " taint=%s=%s:%s", S(n->taints[j].key), S(n->taints[j].value),
				      S(n->taints[j].effect));
		add_line(l, sc, "Node", &n->m, &b);
	}
	for (i = 0; i < m->namespaces.n; i++) {
		nd_buf_init(&b, 1u << 20);
		meta(&b, "Namespace", &m->namespaces.v[i].m);
		nd_buf_printf(&b, " phase=%s", S(m->namespaces.v[i].phase));
		add_line(l, sc, "Namespace", &m->namespaces.v[i].m, &b);
	}
	for (i = 0; i < m->services.n; i++) {
		const struct nd_service *s = &m->services.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "Service", &s->m);
		nd_buf_printf(&b, " type=%s ip=%s sel=%d/%u pnr=%d itp=%d etp=%d aff=%d/%d",
			      S(s->type), S(s->cluster_ip), s->has_selector, s->selector.nreq,
			      s->publish_not_ready, s->itp_local, s->etp_local,
			      s->affinity_client_ip, s->affinity_timeout);
		strs(&b, "ext", s->external_ips, s->nexternal_ips);
		strs(&b, "lb", s->lb_ips, s->nlb_ips);
		for (j = 0; j < s->nports; j++)
			nd_buf_printf(&b, " port=%s:%d/%u->%d/%s:%d", S(s->ports[j].name),
				      s->ports[j].port, s->ports[j].proto, s->ports[j].target_num,
				      S(s->ports[j].target_name), s->ports[j].node_port);
		add_line(l, sc, "Service", &s->m, &b);
	}
	for (i = 0; i < m->epsets.n; i++) {
		const struct nd_epset *x = &m->epsets.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, x->is_slice ? "EndpointSlice" : "Endpoints", &x->m);
		nd_buf_printf(&b, " svc=%s type=%s trunc=%d", S(x->service), S(x->addr_type),
			      x->truncated);
		for (j = 0; j < x->naddrs; j++)
			nd_buf_printf(&b, " addr=%s@%s/%s:%d%d%d", S(x->addrs[j].ip),
				      S(x->addrs[j].node), S(x->addrs[j].pod), x->addrs[j].ready,
				      x->addrs[j].serving, x->addrs[j].terminating);
		for (j = 0; j < x->nports; j++)
			nd_buf_printf(&b, " port=%s:%d/%u", S(x->ports[j].name), x->ports[j].port,
				      x->ports[j].proto);
		add_line(l, sc, x->is_slice ? "EndpointSlice" : "Endpoints", &x->m, &b);
	}
	for (i = 0; i < m->events.n; i++) {
		const struct nd_event *v = &m->events.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "Event", &v->m);
		nd_buf_printf(&b, " obj=%s %s/%s reason=%s type=%s msg=%s host=%s count=%lld last=%lld",
			      S(v->obj_kind), S(v->obj_ns), S(v->obj_name), S(v->reason), S(v->type),
			      S(v->message), S(v->host), (long long)v->count, (long long)v->last);
		add_line(l, sc, "Event", &v->m, &b);
	}
	for (i = 0; i < m->daemonsets.n; i++) {
		const struct nd_daemonset *d = &m->daemonsets.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "DaemonSet", &d->m);
		nd_buf_printf(&b, " sel=%u image=%s desired=%lld ready=%lld node=%s tols=%u terms=%u",
			      d->selector.nreq, S(d->image0), (long long)d->desired, (long long)d->ready,
			      S(d->place.node_name), d->place.ntols, d->place.nterms);
		strs(&b, "args", d->args, d->nargs);
		add_line(l, sc, "DaemonSet", &d->m, &b);
	}
	for (i = 0; i < m->netpols.n; i++) {
		const struct nd_netpol *p = &m->netpols.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "NetworkPolicy", &p->m);
		nd_buf_printf(&b, " sel=%u in=%d/%u eg=%d/%u", p->pod_sel.nreq, p->ingress_type,
			      p->ningress, p->egress_type, p->negress);
		add_line(l, sc, "NetworkPolicy", &p->m, &b);
	}
	for (i = 0; i < m->sas.n; i++) {
		nd_buf_init(&b, 1u << 20);
		meta(&b, "ServiceAccount", &m->sas.v[i].m);
		add_line(l, sc, "ServiceAccount", &m->sas.v[i].m, &b);
	}
	for (i = 0; i < m->roles.n; i++) {
		const struct nd_role *r = &m->roles.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, r->cluster ? "ClusterRole" : "Role", &r->m);
		nd_buf_printf(&b, " rules=%u agg=%u", r->nrules, r->nagg);
		for (j = 0; j < r->nrules; j++)
			strs(&b, "verbs", r->rules[j].verbs, r->rules[j].nverbs);
		add_line(l, sc, r->cluster ? "ClusterRole" : "Role", &r->m, &b);
	}
	for (i = 0; i < m->bindings.n; i++) {
		const struct nd_binding *r = &m->bindings.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, r->cluster ? "ClusterRoleBinding" : "RoleBinding", &r->m);
		nd_buf_printf(&b, " role=%s/%s", S(r->role_kind), S(r->role_name));
		for (j = 0; j < r->nsubjects; j++)
			nd_buf_printf(&b, " subj=%s:%s/%s", S(r->subjects[j].kind),
				      S(r->subjects[j].ns), S(r->subjects[j].name));
		add_line(l, sc, r->cluster ? "ClusterRoleBinding" : "RoleBinding", &r->m, &b);
	}
	for (i = 0; i < m->nncs.n; i++) {
		const struct nd_nnc *n = &m->nncs.v[i];

		nd_buf_init(&b, 1u << 20);
		meta(&b, "NodeNetworkConfig", &n->m);
		nd_buf_printf(&b, " req=%lld asg=%lld status=%s ncs=%u", (long long)n->requested,
			      (long long)n->assigned, S(n->status), n->nncs);
		add_line(l, sc, "NodeNetworkConfig", &n->m, &b);
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_line);
}

static void free_lines(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* ---- the live path: serve's pages through the push decoder ---- */

struct live_ctx {
	struct nd_model *m;
	const struct nd_live_kind *k;
	char list_kind[96];
};

/* As the live client hands an object on (k8s/live.c on_item, then to the model). */
static int on_live(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		   struct nd_err *e)
{
	struct live_ctx *lc = ctx;
	const char *kind = nd_json_str(nd_json_get(obj, "kind"));
	struct nd_err oe;

	(void)off;
	if ((list_kind && strcmp(list_kind, lc->list_kind) != 0 && strcmp(list_kind, "List") != 0) ||
	    (kind && strcmp(kind, lc->k->kind_name) != 0))
		return nd_err_set(e, "a %s in the answer to %s", kind ? kind : list_kind, lc->k->path);
	(void)nd_model_add_object(lc->m, obj, list_kind ? list_kind : lc->list_kind, &oe);
	return 0;
}

static void live_kind(struct nd_api *api, const struct nd_live_kind *k, struct nd_model *m,
		      unsigned limit, size_t piece)
{
	struct live_ctx lc = {.m = m, .k = k};
	char *cont = NULL, *buf = NULL, path[600], lim[16];
	size_t cap = 0;
	unsigned pages = 0;

	snprintf(lc.list_kind, sizeof(lc.list_kind), "%sList", k->kind_name);
	snprintf(lim, sizeof(lim), "%u", limit);
	do {
		struct nd_api_req rq = {.method = "GET", .user = "fuzz", .limit = lim, .cont = cont};
		struct nd_api_resp rs;
		struct nd_json_push *p;
		struct nd_err e;
		uint64_t total;
		const char *c;
		int bad = 0;

		snprintf(path, sizeof(path), "%s", k->path);
		rq.path = path;
		nd_api_handle(api, &rq, &rs);
		total = nd_body_size(rs.body);
		if (total + 1 > cap) {
			cap = (size_t)total + 1;
			buf = realloc(buf, cap);
		}
		if (nd_body_read(rs.body, 0, buf, (size_t)total) != (long)total)
			__builtin_trap();
		nd_body_free(rs.body);
		if (rs.code == 404)
			break;   /* not served: the live client's ABSENT */
		if (rs.code != 200) {
			fprintf(stderr, "serve answered %d to %s: %.*s\n", rs.code, path,
				(int)(total < 300 ? total : 300), buf);
			__builtin_trap();
		}
		p = nd_json_push_new(k->path, NULL, on_live, &lc);
		for (size_t off = 0; !bad && off < total; off += piece)
			bad = nd_json_push_feed(p, buf + off, total - off < piece ? total - off : piece,
						&e) < 0;
		if (bad || nd_json_push_finish(p, &e) < 0) {
			fprintf(stderr, "serve's page of %s does not decode: %s\n", k->path, e.msg);
			__builtin_trap();
		}
		c = nd_json_str(nd_json_get(nd_json_push_member(p, "metadata"), "continue"));
		free(cont);
		cont = c && c[0] ? nd_xstrdup(c) : NULL;
		nd_json_push_free(p);
		if (++pages > 100000)
			__builtin_trap();   /* serve's continue tokens must end */
	} while (cont);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nd_store_opts so = {.spool_dir = spool, .max_objects = 5000,
					 .max_item = 256u << 10};
	struct nd_model *ma, *mb;
	struct nd_bundle *b = NULL;
	struct nd_store *s;
	struct nd_live_kind *kinds;
	struct scan sc = {0};
	struct lines la = {0}, lb = {0};
	struct nd_err e;
	size_t nk, i;
	unsigned limit;
	size_t piece;
	FILE *f;

	if (size < 1)
		return 0;
	setup();
	limit = data[0] % 8 + 1;
	piece = (size_t)(data[0] >> 3) + 1;
	f = fopen(file, "w");
	if (!f)
		abort();
	if (size > 1)
		fwrite(data + 1, 1, size - 1, f);
	if (fclose(f) != 0)
		abort();

	/* the file must be whole JSON for both paths to be compared: a bundle keeps
	 * what came before a fault, serve refuses the file */
	kinds = nd_live_kinds(&nk);
	sc.kinds = kinds;
	sc.nkinds = nk;
	sc.scratch = nd_model_new();
	if (nd_json_stream_file(file, NULL, on_scan, &sc, &e) < 0)
		goto out;

	ma = nd_model_new();
	if (nd_bundle_load(top, ma, &b, &e) < 0) {
		fprintf(stderr, "bundle refused: %s\n", e.msg);
		__builtin_trap();
	}
	if (nd_store_load(top, &so, &s, &e) < 0) {
		/* serve refuses a bundle only for its ceilings (objects, spool) */
		nd_model_free(ma);
		nd_bundle_free(b);
		goto out;
	}
	mb = nd_model_new();
	{
		struct nd_api api = {.s = s, .server = "127.0.0.1:6443"};

		for (i = 0; i < nk; i++)
			live_kind(&api, &kinds[i], mb, limit, piece);
	}
	nd_model_finish(mb);
	dump(ma, &sc, &la);
	dump(mb, &sc, &lb);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "compared %zu objects (bundle) and %zu (serve->live)\n", la.n, lb.n);
	for (i = 0; i < la.n || i < lb.n; i++) {
		if (i < la.n && i < lb.n && strcmp(la.v[i], lb.v[i]) == 0)
			continue;
		fprintf(stderr, "bundle and serve->live differ (%zu and %zu objects):\n"
			"  bundle: %s\n  live:   %s\n", la.n, lb.n, i < la.n ? la.v[i] : "(none)",
			i < lb.n ? lb.v[i] : "(none)");
		__builtin_trap();
	}
	free_lines(&la);
	free_lines(&lb);
	nd_store_free(s);
	nd_model_free(mb);
	nd_model_free(ma);
	nd_bundle_free(b);
out:
	for (i = 0; i < sc.n; i++)
		free(sc.v[i].key);
	free(sc.v);
	nd_model_free(sc.scratch);
	free(kinds);
	return 0;
}
