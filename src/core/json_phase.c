/* SPDX-License-Identifier: MIT */
/*
 * NETDIAG_PHASES=1: where the time of a run goes, printed to stderr at exit
 * (bench/README.md "per-phase split"). The decoder counts its own phases;
 * the rest of the run is told apart by two moments the decoder also sees:
 * the end of the last stream (the model is loaded; checks run) and the
 * first string written by nd_json_write_str (the report is being written).
 * Off (the default) it costs one load of a flag per counted call.
 */
#include "core/json_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

int nd_jphase_enabled = -1;

static _Atomic uint64_t wall_ns[ND_JP_N], cpu_ns[ND_JP_N], bytes_read;
static _Atomic uint64_t t_start, t_first_stream, t_last_stream_end, t_first_write, stream_wall;
static _Atomic int streams;

static const char *const names[ND_JP_N] = {
	[ND_JP_READ] = "read",
	[ND_JP_PARSE] = "scan+decode",
	[ND_JP_ITEM] = "model",
};

uint64_t nd_jphase_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t nd_jphase_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double s_of(uint64_t ns)
{
	return (double)ns / 1e9;
}

static void report(void)
{
	uint64_t end = nd_jphase_clock(), st = atomic_load(&t_start);
	uint64_t le = atomic_load(&t_last_stream_end), fw = atomic_load(&t_first_write);
	int i;

	fprintf(stderr, "netdiag phases: %d streams, %llu bytes read, structural pass: %s\n",
		atomic_load(&streams), (unsigned long long)atomic_load(&bytes_read),
		nd_jscan_name());
	fprintf(stderr, "  %-12s %9s %9s\n", "phase", "wall s", "cpu s");
	for (i = 0; i < ND_JP_N; i++)
		fprintf(stderr, "  %-12s %9.3f %9.3f\n", names[i], s_of(atomic_load(&wall_ns[i])),
			s_of(atomic_load(&cpu_ns[i])));
	fprintf(stderr, "  %-12s %9.3f %9s  (all streams, wall; threads overlap)\n", "load",
		s_of(atomic_load(&stream_wall)), "-");
	if (le && st) {
		uint64_t out_at = fw > le ? fw : end;

		fprintf(stderr, "  %-12s %9.3f %9s  (start to first stream)\n", "startup",
			s_of(atomic_load(&t_first_stream) - st), "-");
		fprintf(stderr, "  %-12s %9.3f %9s  (first stream start to last stream end)\n",
			"load span", s_of(le - atomic_load(&t_first_stream)), "-");
		fprintf(stderr, "  %-12s %9.3f %9s  (last stream end to first report string)\n",
			"checks", s_of(out_at - le), "-");
		fprintf(stderr, "  %-12s %9.3f %9s  (first report string to exit)\n", "output",
			s_of(fw > le ? end - fw : 0), "-");
	}
	fprintf(stderr, "  %-12s %9.3f\n", "total", s_of(end - st));
}

static void init(void)
{
	const char *v = getenv("NETDIAG_PHASES");

	nd_jphase_enabled = v && *v && strcmp(v, "0") != 0;
	if (nd_jphase_enabled) {
		atomic_store(&t_start, nd_jphase_clock());
		atexit(report);
	}
}

__attribute__((constructor)) static void phase_ctor(void)
{
	init();
}

void nd_jphase_add(enum nd_jphase ph, uint64_t wall, uint64_t cpu)
{
	atomic_fetch_add(&wall_ns[ph], wall);
	atomic_fetch_add(&cpu_ns[ph], cpu);
}

void nd_jphase_bytes(size_t n)
{
	atomic_fetch_add(&bytes_read, n);
}

void nd_jphase_stream(uint64_t t0, uint64_t t1)
{
	uint64_t cur;
	uint64_t z = 0;

	atomic_fetch_add(&streams, 1);
	atomic_compare_exchange_strong(&t_first_stream, &z, t0);
	atomic_fetch_add(&stream_wall, t1 - t0);
	/* the latest end wins */
	cur = atomic_load(&t_last_stream_end);
	while (cur < t1 && !atomic_compare_exchange_weak(&t_last_stream_end, &cur, t1))
		;
}

void nd_jphase_write(void)
{
	uint64_t zero = 0;

	if (atomic_load(&t_last_stream_end))
		atomic_compare_exchange_strong(&t_first_write, &zero, nd_jphase_clock());
}
