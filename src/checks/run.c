/* SPDX-License-Identifier: MIT */
/*
 * The runner (registry.h: nd_checks_run). The checks a row needs are met
 * for run on two threads or more when there are cores for it: each in a
 * report of its own (nd_report_new_for), then every row goes into the
 * run's report in table order (nd_report_take), so the report is the one a
 * single thread makes. A row that stands somewhere (a pod, a node, the
 * workstation: it sends requests, runs commands) runs on this thread; the
 * others only read the model and node files. NETDIAG_CHECK_THREADS=1 runs
 * them all here, in order, for tests.
 */
#include "checks/registry.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/num.h"
#include "findings/finding.h"
#include "core/banned.h"

#define MAX_THREADS 4

struct row {
	const struct nd_check_def *d;
	const char *unmet;          /* skipped, and why; NULL: it runs */
	bool silenced;
	bool here;                  /* on the calling thread only */
	struct nd_report *sub;      /* what it found, once run */
};

struct rows {
	struct nd_check_env *env;
	struct row *v;
	size_t n;
	atomic_size_t next;         /* the next row any thread may take */
};

static void run_one(const struct nd_check_env *env, struct row *w)
{
	struct nd_check_env e = *env;
	const char *why = NULL;
	enum nd_check_status st;

	e.r = w->sub = nd_report_new_for(env->r);
	nd_check_begin(e.r, w->d->id, w->d->scenario);
	st = w->d->fn(&e, &why);
	nd_check_end(e.r, st, why);
}

/* Rows nobody has taken that any thread may run. */
static void *work(void *arg)
{
	struct rows *rs = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&rs->next, 1);

		if (i >= rs->n)
			return NULL;
		if (!rs->v[i].unmet && !rs->v[i].here)
			run_one(rs->env, &rs->v[i]);
	}
}

static size_t threads(void)
{
	const char *v = getenv("NETDIAG_CHECK_THREADS");
	int64_t n;
	long cpus;

	if (v && nd_parse_i64(v, strlen(v), 1, MAX_THREADS, &n) == 0)
		return (size_t)n;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
}

static bool selected(const struct nd_check_def *d, unsigned which)
{
	if (!d->fn || !(d->run & which))
		return false;
	if ((which & ND_RUN_NODE) && d->node == ND_NODE_NONE && d->at != ND_AT_NODE)
		return false;
	if ((which & ND_RUN_CLUSTER) && (d->node != ND_NODE_NONE || d->at == ND_AT_NODE))
		return false;
	return true;
}

/* One thread, in table order, straight into the report. */
static void run_serial(struct nd_check_env *env, unsigned which)
{
	struct nd_report *r = env->r;

	for (size_t i = 0; i < nd_ncheck_defs; i++) {
		const struct nd_check_def *d = &nd_check_defs[i];
		const char *why = NULL, *unmet;
		enum nd_check_status st;
		bool silenced;

		if (!selected(d, which))
			continue;
		unmet = nd_check_unmet(d, env, &silenced);
		if (unmet) {
			nd_check_skip_unmet(r, d, unmet, silenced);
			continue;
		}
		nd_check_begin(r, d->id, d->scenario);
		st = d->fn(env, &why);
		nd_check_end(r, st, why);
	}
}

void nd_checks_run(struct nd_check_env *env, unsigned which)
{
	struct rows rs = {.env = env};
	pthread_t th[MAX_THREADS - 1];
	size_t nth = 0, shared = 0, want = threads();

	if (want > 1)
		rs.v = nd_xcalloc(nd_ncheck_defs, sizeof(*rs.v));
	for (size_t i = 0; rs.v && i < nd_ncheck_defs; i++) {
		struct row *w = &rs.v[rs.n];

		if (!selected(&nd_check_defs[i], which))
			continue;
		w->d = &nd_check_defs[i];
		w->unmet = nd_check_unmet(w->d, env, &w->silenced);
		w->here = w->d->at != ND_AT_ANY;
		shared += !w->unmet && !w->here;
		rs.n++;
	}
	if (shared < 2) {
		free(rs.v);
		run_serial(env, which);
		return;
	}
	atomic_init(&rs.next, 0);
	for (; nth + 1 < want && nth + 1 < shared; nth++)
		if (pthread_create(&th[nth], NULL, work, &rs) != 0)
			break;
	/* this thread's own rows first, in order, then a share of the rest */
	for (size_t i = 0; i < rs.n; i++)
		if (!rs.v[i].unmet && rs.v[i].here)
			run_one(env, &rs.v[i]);
	work(&rs);
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < rs.n; i++) {
		struct row *w = &rs.v[i];

		if (w->unmet)
			nd_check_skip_unmet(env->r, w->d, w->unmet, w->silenced);
		else
			nd_report_take(env->r, w->sub);
	}
	free(rs.v);
}
