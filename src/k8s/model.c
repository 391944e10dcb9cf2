/* SPDX-License-Identifier: MIT */
#include "k8s/model.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "core/banned.h"

/*
 * One multimap serves every index: a key is a tag (which index) and up to
 * three interned pointers; a value is a list of positions in a vector.
 * Interned strings make hashing and comparing the key a matter of pointers.
 */
enum tag {
	T_POD = 1, T_SVC, T_NODE, T_NS, T_NNC,
	T_PODS_NS, T_PODS_NODE, T_PODS_IP, T_EPSETS, T_EVENTS,
	T_LABEL,          /* (ns, key, value) -> pods */
};

struct slot {
	const void *a, *b, *c;
	uint32_t tag;
	uint32_t n, cap;
	uint32_t one;       /* the value while n is 1 (most keys): no allocation */
	uint32_t *v;        /* the values once n is 2 or more */
};

struct nd_idx {
	struct slot *slots;
	size_t cap, n;
	bool dense;         /* to be filled at once: nd_xtable_dense */
};

static uint64_t key_hash(uint32_t tag, const void *a, const void *b, const void *c)
{
	uint64_t h = tag * 0x9E3779B97F4A7C15ULL;

	h ^= (uint64_t)(uintptr_t)a * 0xBF58476D1CE4E5B9ULL;
	h = (h << 31 | h >> 33) ^ (uint64_t)(uintptr_t)b * 0x94D049BB133111EBULL;
	h = (h << 27 | h >> 37) ^ (uint64_t)(uintptr_t)c * 0x9E3779B97F4A7C15ULL;
	h ^= h >> 29;
	return h;
}

/* The table moved to ncap slots (a power of two), every key re-placed. */
static void idx_grow(struct nd_idx *x, size_t ncap)
{
	struct slot *ns = x->dense ? nd_xtable_dense(ncap, sizeof(*ns))
				   : nd_xcalloc(ncap, sizeof(*ns));

	for (size_t j = 0; j < x->cap; j++) {
		struct slot *s = &x->slots[j];
		size_t k;

		if (!s->tag)
			continue;
		k = key_hash(s->tag, s->a, s->b, s->c) & (ncap - 1);
		while (ns[k].tag)
			k = (k + 1) & (ncap - 1);
		ns[k] = *s;
	}
	free(x->slots);
	x->slots = ns;
	x->cap = ncap;
}

#define IDX_AHEAD 8

static inline void idx_prefetch(const struct nd_idx *x, uint32_t tag, const void *a,
				const void *b, const void *c)
{
	if (x->cap)
		__builtin_prefetch(&x->slots[key_hash(tag, a, b, c) & (x->cap - 1)], 1);
}

/* Room for n keys at least, so that building an index of known size never rehashes. */
static void idx_reserve(struct nd_idx *x, size_t n)
{
	size_t ncap = x->cap ? x->cap : 4096;

	while (n * 4 > ncap * 3)
		ncap *= 2;
	if (ncap != x->cap)
		idx_grow(x, ncap);
}

static struct slot *idx_slot(struct nd_idx *x, uint32_t tag, const void *a, const void *b,
			     const void *c, bool create)
{
	size_t i;

	if (create && (x->n + 1) * 4 > x->cap * 3)
		idx_grow(x, x->cap ? x->cap * 2 : 4096);
	if (!x->cap)
		return NULL;
	for (i = key_hash(tag, a, b, c) & (x->cap - 1); x->slots[i].tag; i = (i + 1) & (x->cap - 1)) {
		struct slot *s = &x->slots[i];

		if (s->tag == tag && s->a == a && s->b == b && s->c == c)
			return s;
	}
	if (!create)
		return NULL;
	x->slots[i].tag = tag;
	x->slots[i].a = a;
	x->slots[i].b = b;
	x->slots[i].c = c;
	x->n++;
	return &x->slots[i];
}

/* Add val under the key; true when the key is new. */
static bool idx_add(struct nd_idx *x, uint32_t tag, const void *a, const void *b,
		    const void *c, uint32_t val)
{
	struct slot *s = idx_slot(x, tag, a, b, c, true);

	if (s->n == 0) {
		s->one = val;
		s->n = 1;
		return true;
	}
	if (s->n >= s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = nd_xrealloc(s->v, s->cap * sizeof(*s->v));
		if (s->n == 1)
			s->v[0] = s->one;
	}
	s->v[s->n++] = val;
	return false;
}

static void idx_set(struct nd_idx *x, uint32_t tag, const void *a, const void *b, uint32_t val)
{
	struct slot *s = idx_slot(x, tag, a, b, NULL, true);

	if (s->n == 0)
		idx_add(x, tag, a, b, NULL, val);
	else if (s->n == 1)
		s->one = val;      /* last one wins */
	else
		s->v[0] = val;
}

static const uint32_t *idx_get(const struct nd_idx *x, uint32_t tag, const void *a,
			       const void *b, const void *c, size_t *n)
{
	struct slot *s = x ? idx_slot((struct nd_idx *)x, tag, a, b, c, false) : NULL;

	*n = s ? s->n : 0;
	if (!s || !s->n)
		return NULL;
	return s->n == 1 ? &s->one : s->v;
}

static void idx_free(struct nd_idx *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->cap; i++)
		free(x->slots[i].v);
	free(x->slots);
	free(x);
}

struct nd_model *nd_model_new(void)
{
	struct nd_model *m = nd_xcalloc(1, sizeof(*m));

	m->arena = nd_arena_new(1 << 20);
	m->strings = nd_intern_new();
	return m;
}

struct nd_model *nd_model_new_child(struct nd_model *parent)
{
	struct nd_model *m = nd_xcalloc(1, sizeof(*m));

	m->arena = nd_arena_new(1 << 20);
	m->strings = parent->strings;
	m->child = true;
	return m;
}

#define APPEND(dst, src, vec) do { \
	if ((src)->vec.n) { \
		ND_GROW((dst)->vec.v, (dst)->vec.cap, (dst)->vec.n + (src)->vec.n); \
		memcpy((dst)->vec.v + (dst)->vec.n, (src)->vec.v, \
		       (src)->vec.n * sizeof(*(src)->vec.v)); \
		(dst)->vec.n += (src)->vec.n; \
	} \
} while (0)

void nd_model_absorb(struct nd_model *parent, struct nd_model *child)
{
	size_t i;

	APPEND(parent, child, pods);
	APPEND(parent, child, nodes);
	APPEND(parent, child, namespaces);
	APPEND(parent, child, services);
	APPEND(parent, child, epsets);
	APPEND(parent, child, events);
	APPEND(parent, child, daemonsets);
	APPEND(parent, child, netpols);
	APPEND(parent, child, sas);
	APPEND(parent, child, roles);
	APPEND(parent, child, bindings);
	APPEND(parent, child, nncs);
	for (i = 0; i < ND_K__COUNT; i++)
		parent->count[i] += child->count[i];
	parent->skipped += child->skipped;
	parent->arenas = nd_xrealloc(parent->arenas, (parent->narenas + child->narenas + 1) *
				     sizeof(*parent->arenas));
	parent->arenas[parent->narenas++] = child->arena;
	for (i = 0; i < child->narenas; i++)
		parent->arenas[parent->narenas++] = child->arenas[i];
	child->arena = NULL;
	child->narenas = 0;
	nd_model_free(child);
}

void nd_model_free(struct nd_model *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->narenas; i++)
		nd_arena_free(m->arenas[i]);
	free(m->arenas);
	free(m->pods.v);
	free(m->pod_ns);
	free(m->nodes.v);
	free(m->namespaces.v);
	free(m->services.v);
	free(m->epsets.v);
	free(m->events.v);
	free(m->daemonsets.v);
	free(m->netpols.v);
	free(m->sas.v);
	free(m->roles.v);
	free(m->bindings.v);
	free(m->nncs.v);
	idx_free(m->idx);
	idx_free(m->lidx);
	if (!m->child)
		nd_intern_free(m->strings);
	nd_arena_free(m->arena);
	free(m);
}

/*
 * Drop earlier copies of the same object (same namespace and name): a
 * bundle may hold one object in two files. The last one read wins. Every
 * element type starts with its struct nd_meta.
 */
static size_t dedupe(void *vec, size_t n, size_t sz, uint32_t tag)
{
	struct nd_idx seen = {0};
	char *base = vec;
	size_t i, keep = n, out;
	bool *drop;

	if (n < 2)
		return n;
	/* not written at once: copies of one object may be most of them, and the
	 * table then stays sparse (err.h: nd_xtable_dense) */
	idx_reserve(&seen, n);
	drop = nd_xcalloc(n, sizeof(*drop));
	for (i = n; i-- > 0;) {
		const struct nd_meta *m = (const struct nd_meta *)(base + i * sz);
		struct slot *s = idx_slot(&seen, tag, m->ns, m->name, NULL, true);

		if (s->n) {
			drop[i] = true;
			keep--;
		} else {
			s->n = 1;
		}
	}
	if (keep != n) {
		for (i = 0, out = 0; i < n; i++) {
			if (drop[i])
				continue;
			if (out != i)
				memcpy(base + out * sz, base + i * sz, sz);
			out++;
		}
	}
	free(drop);
	free(seen.slots);
	return keep;
}

#define DEDUPE(m, vec, tag) do { \
	size_t before_ = (m)->vec.n; \
	(m)->vec.n = dedupe((m)->vec.v, (m)->vec.n, sizeof(*(m)->vec.v), (tag)); \
	(m)->duplicates += before_ - (m)->vec.n; \
} while (0)

/* The keys pods share, in m->lidx (its own table, so that it is built at
 * the same time as m->idx, which has those of one pod each): (namespace,
 * label key, value), namespace and node -> pods; and m->pod_ns. */
static void *shared_index(void *arg)
{
	struct nd_model *m = arg;
	struct nd_idx *x = m->lidx;
	size_t i;

	/* the labels' keys grow it: pods of one workload share them, so how many
	 * there are is not known, and a table too large for them would stay
	 * sparse (err.h: nd_xtable_dense) */
	idx_reserve(x, m->namespaces.n + m->nodes.n + 1024);
	for (i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];

		if (i + IDX_AHEAD < m->pods.n) {
			const struct nd_pod *q = &m->pods.v[i + IDX_AHEAD];

			for (uint32_t j = 0; j < q->m.labels.n; j++)
				idx_prefetch(x, T_LABEL, q->m.ns, q->m.labels.kv[j].k,
					     q->m.labels.kv[j].v);
		}
		for (uint32_t j = 0; j < p->m.labels.n; j++)
			idx_add(x, T_LABEL, p->m.ns, p->m.labels.kv[j].k, p->m.labels.kv[j].v,
				(uint32_t)i);
		if (idx_add(x, T_PODS_NS, p->m.ns, NULL, NULL, (uint32_t)i) && p->m.ns) {
			ND_GROW(m->pod_ns, m->pod_ns_cap, m->npod_ns + 1);
			m->pod_ns[m->npod_ns++] = p->m.ns;
		}
		if (p->node)
			idx_add(x, T_PODS_NODE, p->node, NULL, NULL, (uint32_t)i);
	}
	return NULL;
}

void nd_model_finish(struct nd_model *m)
{
	pthread_t labels;
	bool labels_started;
	struct nd_idx *x;
	size_t i;
	uint32_t j, k;

	DEDUPE(m, pods, T_POD);
	DEDUPE(m, nodes, T_NODE);
	DEDUPE(m, namespaces, T_NS);
	DEDUPE(m, services, T_SVC);
	DEDUPE(m, daemonsets, 100);
	DEDUPE(m, netpols, 101);
	DEDUPE(m, sas, 102);
	DEDUPE(m, nncs, T_NNC);

	idx_free(m->idx);
	idx_free(m->lidx);
	x = m->idx = nd_xcalloc(1, sizeof(*x));
	m->lidx = nd_xcalloc(1, sizeof(*m->lidx));
	x->dense = true;
	m->lidx->dense = true;
	m->npod_ns = 0;
	/* the keys pods share on a second core while this one builds the rest */
	labels_started = pthread_create(&labels, NULL, shared_index, m) == 0;
	if (!labels_started)
		shared_index(m);
	/* the keys one per object (a pod's name and IP...): no rehash for them */
	idx_reserve(x, 2 * m->pods.n + m->services.n + m->nodes.n + m->namespaces.n +
		       m->nncs.n + m->epsets.n);
	for (i = 0; i < m->pods.n; i++) {
		const struct nd_pod *p = &m->pods.v[i];

		/* the table is far larger than the caches: the next pods' slots are
		 * fetched while this one's are filled */
		if (i + IDX_AHEAD < m->pods.n) {
			const struct nd_pod *q = &m->pods.v[i + IDX_AHEAD];

			idx_prefetch(x, T_POD, q->m.ns, q->m.name, NULL);
			if (q->nips)
				idx_prefetch(x, T_PODS_IP, q->ips[0], NULL, NULL);
		}
		idx_set(x, T_POD, p->m.ns, p->m.name, (uint32_t)i);
		for (j = 0; j < p->nips; j++) {
			/* dual-stack pods list each IP once */
			for (k = 0; k < j && p->ips[k] != p->ips[j]; k++)
				;
			if (k == j)
				idx_add(x, T_PODS_IP, p->ips[j], NULL, NULL, (uint32_t)i);
		}
	}
	for (i = 0; i < m->services.n; i++)
		idx_set(x, T_SVC, m->services.v[i].m.ns, m->services.v[i].m.name, (uint32_t)i);
	for (i = 0; i < m->nodes.n; i++)
		idx_set(x, T_NODE, m->nodes.v[i].m.name, NULL, (uint32_t)i);
	for (i = 0; i < m->namespaces.n; i++)
		idx_set(x, T_NS, m->namespaces.v[i].m.name, NULL, (uint32_t)i);
	for (i = 0; i < m->nncs.n; i++)
		idx_set(x, T_NNC, m->nncs.v[i].m.name, NULL, (uint32_t)i);
	for (i = 0; i < m->epsets.n; i++) {
		const struct nd_epset *s = &m->epsets.v[i];

		if (s->service)
			idx_add(x, T_EPSETS, s->m.ns, s->service, NULL, (uint32_t)i);
	}
	for (i = 0; i < m->events.n; i++) {
		const struct nd_event *ev = &m->events.v[i];

		idx_add(x, T_EVENTS, ev->obj_kind, ev->obj_ns, ev->obj_name, (uint32_t)i);
	}
	if (labels_started)
		pthread_join(labels, NULL);
}

/* Interned copy of a query string, or NULL when the model never saw it. */
static const char *known(const struct nd_model *m, const char *s)
{
	return s ? nd_intern_find(m->strings, s, strlen(s)) : NULL;
}

#define LOOKUP1(m, tag, a, b, vec) do { \
	size_t n_; \
	const uint32_t *v_; \
	const char *a_ = known((m), (a)), *b_ = (b) ? known((m), (b)) : NULL; \
	if (!a_ || ((b) && !b_)) \
		return NULL; \
	v_ = idx_get((m)->idx, (tag), a_, b_, NULL, &n_); \
	return n_ ? &(m)->vec.v[v_[0]] : NULL; \
} while (0)

const struct nd_pod *nd_model_pod(const struct nd_model *m, const char *ns, const char *name)
{
	LOOKUP1(m, T_POD, ns, name, pods);
}

const struct nd_service *nd_model_service(const struct nd_model *m, const char *ns,
					  const char *name)
{
	LOOKUP1(m, T_SVC, ns, name, services);
}

const struct nd_node *nd_model_node(const struct nd_model *m, const char *name)
{
	LOOKUP1(m, T_NODE, name, NULL, nodes);
}

const struct nd_namespace *nd_model_namespace(const struct nd_model *m, const char *name)
{
	LOOKUP1(m, T_NS, name, NULL, namespaces);
}

const struct nd_nnc *nd_model_nnc(const struct nd_model *m, const char *node)
{
	LOOKUP1(m, T_NNC, node, NULL, nncs);
}

const uint32_t *nd_model_pods_in_ns(const struct nd_model *m, const char *ns, size_t *n)
{
	*n = 0;
	ns = known(m, ns);
	return ns ? idx_get(m->lidx, T_PODS_NS, ns, NULL, NULL, n) : NULL;
}

const uint32_t *nd_model_pods_on_node(const struct nd_model *m, const char *node, size_t *n)
{
	*n = 0;
	node = known(m, node);
	return node ? idx_get(m->lidx, T_PODS_NODE, node, NULL, NULL, n) : NULL;
}

const uint32_t *nd_model_pods_by_ip(const struct nd_model *m, const char *ip, size_t *n)
{
	*n = 0;
	ip = known(m, ip);
	return ip ? idx_get(m->idx, T_PODS_IP, ip, NULL, NULL, n) : NULL;
}

const uint32_t *nd_model_epsets_of(const struct nd_model *m, const char *ns, const char *svc,
				   size_t *n)
{
	*n = 0;
	ns = known(m, ns);
	svc = known(m, svc);
	return ns && svc ? idx_get(m->idx, T_EPSETS, ns, svc, NULL, n) : NULL;
}

const uint32_t *nd_model_events_of(const struct nd_model *m, const char *kind,
				   const char *ns, const char *name, size_t *n)
{
	const char *k = known(m, kind), *s = ns ? known(m, ns) : NULL, *nm = known(m, name);

	*n = 0;
	if (!k || !nm || (ns && !s))
		return NULL;
	return idx_get(m->idx, T_EVENTS, k, s, nm, n);
}

uint32_t *nd_model_select_pods(const struct nd_model *m, const char *ns,
			       const struct nd_selector *sel, size_t *n)
{
	const uint32_t *cand = NULL;
	size_t ncand = 0, i, best = SIZE_MAX, out = 0;
	const struct nd_selreq *pick = NULL;
	uint32_t *res;

	*n = 0;
	ns = known(m, ns);
	if (!ns)
		return NULL;
	/* the IN requirement with a single value whose posting list is shortest */
	for (i = 0; i < sel->nreq; i++) {
		const struct nd_selreq *r = &sel->req[i];
		const char *k, *v;
		size_t cnt;

		if (r->op != ND_SEL_IN || r->nvals != 1)
			continue;
		k = known(m, r->key);
		v = known(m, r->vals[0]);
		if (!k || !v)
			return NULL;          /* nothing carries this label */
		idx_get(m->lidx, T_LABEL, ns, k, v, &cnt);
		if (cnt < best) {
			best = cnt;
			pick = r;
		}
	}
	if (pick)
		cand = idx_get(m->lidx, T_LABEL, ns, known(m, pick->key),
			       known(m, pick->vals[0]), &ncand);
	else
		cand = idx_get(m->lidx, T_PODS_NS, ns, NULL, NULL, &ncand);
	if (!ncand)
		return NULL;
	res = nd_xmalloc(ncand * sizeof(*res));
	for (i = 0; i < ncand; i++) {
		if (nd_selector_matches(sel, &m->pods.v[cand[i]].m.labels))
			res[out++] = cand[i];
	}
	*n = out;
	if (!out) {
		free(res);
		return NULL;
	}
	return res;
}
