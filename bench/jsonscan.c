/* SPDX-License-Identifier: MIT */
/*
 * bench/jsonscan LEVEL FILE [REPEAT]: netdiag's decoder alone on one List
 * file, single thread, with each byte-scanner set (json_simd.c), against
 * read(2) of the same file and, when built with simdjson, simdjson on it.
 *   LEVEL: read | portable | sse2 | sse4.2 | avx2 | simdjson-dom | simdjson-ondemand
 * Prints the best of REPEAT runs (default 3): "LEVEL items=N cpu_s=... wall_s=... MiB/s=...".
 * Linked against netdiag's library like npbench.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"
#include "core/json_internal.h"

#ifdef WITH_SIMDJSON
/* jsonscan_simdjson.cpp */
long nd_bench_simdjson(const char *path, int ondemand, char *err, size_t errlen);
#endif

static double clk(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_item(const struct nd_json *o, size_t off, const char *lk, void *ctx,
		   struct nd_err *e)
{
	(void)o; (void)off; (void)lk; (void)e;
	(*(long *)ctx)++;
	return 0;
}

static long run_read(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);
	long n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		n += r;
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	const char *lv, *path;
	int rep, i;
	double best_cpu = 1e9, best_wall = 1e9;
	long items = 0;
	off_t size;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: jsonscan read|portable|sse2|sse4.2|avx2|simdjson-dom|simdjson-ondemand FILE [REPEAT]\n");
		return 2;
	}
	lv = argv[1];
	path = argv[2];
	rep = argc > 3 ? atoi(argv[3]) : 3;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	if (strcmp(lv, "read") && strncmp(lv, "simdjson", 8)) {
		static const char *const names[] = {"portable", "sse2", "sse4.2", "avx2"};
		int k, found = -1;

		for (k = 0; k < 4; k++)
			if (!strcmp(lv, names[k]))
				found = k;
		if (found < 0 || nd_jscan_set((enum nd_jscan_level)found) < 0) {
			printf("%s unsupported\n", lv);
			return 3;
		}
	}
	for (i = 0; i < rep; i++) {
		double c0 = clk(CLOCK_PROCESS_CPUTIME_ID), w0 = clk(CLOCK_MONOTONIC), c, w;
		struct nd_err e;

		items = 0;
		if (!strcmp(lv, "read")) {
			items = run_read(path);
		} else if (!strncmp(lv, "simdjson", 8)) {
#ifdef WITH_SIMDJSON
			char err[256] = "";

			items = nd_bench_simdjson(path, !strcmp(lv, "simdjson-ondemand"), err, sizeof(err));
			if (items < 0) {
				printf("%s error: %s\n", lv, err);
				return 1;
			}
#else
			printf("%s not built (no libsimdjson-dev)\n", lv);
			return 3;
#endif
		} else {
			struct nd_json_stream_opts o = {0};

			if (nd_json_stream_file(path, &o, on_item, &items, &e) < 0) {
				printf("%s error: %s\n", lv, e.msg);
				return 1;
			}
		}
		c = clk(CLOCK_PROCESS_CPUTIME_ID) - c0;
		w = clk(CLOCK_MONOTONIC) - w0;
		if (c < best_cpu)
			best_cpu = c;
		if (w < best_wall)
			best_wall = w;
	}
	printf("%s items=%ld cpu_s=%.3f wall_s=%.3f MiB/s=%.0f\n", lv, items, best_cpu, best_wall,
	       (double)size / 1048576.0 / best_cpu);
	return 0;
}
