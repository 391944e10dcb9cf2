/* SPDX-License-Identifier: MIT */
/*
 * bench/npbench DIR PORT[/PROTO] [--check N] [--pair SRC DST] [--no-matrix]
 *
 * The NetworkPolicy engine at scale, linked against netdiag's own library
 * (build/libnetdiag.a): loads the bundle DIR exactly as `netdiag --snapshot`
 * does, builds the engine, and computes the whole pod-to-pod matrix on the
 * port with nd_np_matrix() -- the code behind `can-reach --matrix`, without
 * that command's 1,000-pod ceiling on the printed report. Then it checks N
 * random cells (default 20000) against nd_np_evaluate(), the single-flow
 * decision `can-reach SRC DST` prints, so the figures are for correct
 * answers. With --pair it also times that one question alone; --no-matrix skips
 * the matrix (for a bundle too large for n*n cells).
 *
 * Prints one line per phase (ms) and the peak RSS; exit 1 when a checked
 * cell disagrees.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "k8s/bundle.h"
#include "k8s/model.h"
#include "policy/netpol.h"

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static uint64_t next(uint64_t *s)
{
	uint64_t x = (*s += 0x9e3779b97f4a7c15ull);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

int main(int argc, char **argv)
{
	const char *dir, *portarg, *src = NULL, *dst = NULL;
	unsigned long check = 20000;
	struct nd_err err;
	struct nd_model *m;
	struct nd_bundle *b = NULL;
	struct nd_np_engine *e;
	struct nd_np_port q;
	struct nd_np_matrix mx;
	double t0, t1, t2, t3;
	size_t yes = 0, i;
	unsigned long bad = 0, k;
	uint64_t seed = 1;
	int no_matrix = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: npbench DIR PORT[/PROTO] [--check N] [--pair SRC DST] "
			"[--no-matrix]\n");
		return 2;
	}
	dir = argv[1];
	portarg = argv[2];
	for (int a = 3; a < argc; a++) {
		if (!strcmp(argv[a], "--check") && a + 1 < argc) {
			check = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--no-matrix")) {
			no_matrix = 1;
		} else if (!strcmp(argv[a], "--pair") && a + 2 < argc) {
			src = argv[++a];
			dst = argv[++a];
		} else {
			fprintf(stderr, "npbench: unknown argument '%s'\n", argv[a]);
			return 2;
		}
	}
	if (nd_np_port_parse(portarg, &q, &err) < 0 || q.any) {
		fprintf(stderr, "npbench: bad port '%s'\n", portarg);
		return 2;
	}
	t0 = ms_now();
	m = nd_model_new();
	if (nd_bundle_load(dir, m, &b, &err) < 0) {
		fprintf(stderr, "npbench: %s\n", err.msg);
		return 2;
	}
	t1 = ms_now();
	e = nd_np_engine_new(m);
	t2 = ms_now();
	printf("load_ms %.1f\npods %zu\npolicies %zu\nengine_ms %.1f\n", t1 - t0, m->pods.n,
	       m->netpols.n, t2 - t1);

	if (src) {
		struct nd_np_ep s, d;
		struct nd_np_verdict v;
		struct nd_arena *ar = nd_arena_new(0);
		double a0, a1;

		if (nd_np_ep_parse(e, src, "default", &s, &err) < 0 ||
		    nd_np_ep_parse(e, dst, "default", &d, &err) < 0) {
			fprintf(stderr, "npbench: %s\n", err.msg);
			return 2;
		}
		a0 = ms_now();
		nd_np_evaluate(e, &s, &d, &q, ar, &v);
		a1 = ms_now();
		printf("pair %s -> %s:%s allowed=%s\npair_ms %.3f\n", src, dst, portarg,
		       v.allowed ? "true" : "false", a1 - a0);
		nd_arena_free(ar);
	}

	if (no_matrix) {
		printf("peak_rss_kb %ld\n", peak_kb());
		nd_np_engine_free(e);
		nd_bundle_free(b);
		nd_model_free(m);
		return 0;
	}
	t2 = ms_now();
	if (nd_np_matrix(e, NULL, &q, (size_t)-1 / 2, &mx, &err) < 0) {
		fprintf(stderr, "npbench: %s\n", err.msg);
		return 2;
	}
	t3 = ms_now();
	for (i = 0; i < mx.n * mx.n; i++)
		yes += mx.allowed[i];
	printf("matrix_ms %.1f\nmatrix_pods %zu\ncells %zu\nallowed %zu\nclasses %zu\n"
	       "refined_pairs %zu\n", t3 - t2, mx.n, mx.n * mx.n, yes, mx.nclasses, mx.refined);

	/* random cells against the single-flow decision */
	t2 = ms_now();
	for (k = 0; k < check && mx.n; k++) {
		size_t a = next(&seed) % mx.n, c = next(&seed) % mx.n;
		struct nd_np_ep s, d;
		struct nd_np_verdict v;
		struct nd_arena *ar = nd_arena_new(0);

		nd_np_ep_pod(&s, &m->pods.v[mx.pods[a]]);
		nd_np_ep_pod(&d, &m->pods.v[mx.pods[c]]);
		nd_np_evaluate(e, &s, &d, &q, ar, &v);
		if (v.allowed != (mx.allowed[a * mx.n + c] != 0)) {
			if (bad++ < 5)
				fprintf(stderr, "npbench: cell %zu,%zu: matrix %d, evaluate %d\n", a, c,
					mx.allowed[a * mx.n + c], v.allowed);
		}
		nd_arena_free(ar);
	}
	t3 = ms_now();
	printf("checked_cells %lu\nmismatches %lu\ncheck_ms %.1f\npeak_rss_kb %ld\n",
	       mx.n ? check : 0, bad, t3 - t2, peak_kb());
	nd_np_matrix_release(&mx);
	nd_np_engine_free(e);
	nd_bundle_free(b);
	nd_model_free(m);
	return bad ? 1 : 0;
}
