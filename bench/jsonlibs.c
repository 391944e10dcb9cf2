/* SPDX-License-Identifier: MIT */
/*
 * bench/jsonlibs MODE FILE — how fast and how big common C JSON libraries
 * are on one `kubectl get pods -A -o json` file.
 *
 * MODE: read     read(2) into a 1 MiB buffer until EOF (the floor)
 *       yajl     yajl_parse() over 1 MiB chunks, callbacks that only count
 *       cjson    read the whole file, cJSON_ParseWithLength()
 *       jansson  json_loadf()
 *       jsonc    json_tokener_parse_ex() over 1 MiB chunks
 *       all      each of the above in its own child process (wait4 rusage)
 *
 * Prints one line per mode:
 *   mode=yajl items=150000 bytes=3818312456 seconds=12.34 maxrss_mb=1.9
 * items is the length of the top-level "items" array, so every mode is
 * checked to have seen the same document. Exit 0 on success, 1 when the
 * file cannot be read or parsed, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <yajl/yajl_parse.h>

#include "jsonlibs.h"

int open_in(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "jsonlibs: cannot open '%s': %s\n", path, strerror(errno));
	return fd;
}

/* read() that retries on EINTR; -1 with a message on error. */
ssize_t read_some(int fd, const char *path, char *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return r;
		if (errno != EINTR) {
			fprintf(stderr, "jsonlibs: cannot read '%s': %s\n", path, strerror(errno));
			return -1;
		}
	}
}

/* ---- read --------------------------------------------------------------- */

static int mode_read(const char *path, struct result *res)
{
	static char buf[CHUNK];
	int fd = open_in(path);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read_some(fd, path, buf, sizeof(buf))) > 0)
		res->bytes += (unsigned long long)n;
	close(fd);
	res->items = -1;
	return n < 0 ? -1 : 0;
}

/* ---- yajl --------------------------------------------------------------- */

struct ycount {
	int depth;
	long long items;
};

static int y_null(void *c) { (void)c; return 1; }
static int y_bool(void *c, int b) { (void)c; (void)b; return 1; }
static int y_num(void *c, const char *s, size_t l) { (void)c; (void)s; (void)l; return 1; }
static int y_str(void *c, const unsigned char *s, size_t l) { (void)c; (void)s; (void)l; return 1; }

static int y_start_map(void *ctx)
{
	struct ycount *c = ctx;

	if (c->depth == 2)   /* an element of the top-level "items" array */
		c->items++;
	c->depth++;
	return 1;
}

static int y_start_arr(void *ctx)
{
	((struct ycount *)ctx)->depth++;
	return 1;
}

static int y_end(void *ctx)
{
	((struct ycount *)ctx)->depth--;
	return 1;
}

static const yajl_callbacks ycb = {
	.yajl_null = y_null,
	.yajl_boolean = y_bool,
	.yajl_number = y_num,        /* numbers as text: no conversion cost */
	.yajl_string = y_str,
	.yajl_start_map = y_start_map,
	.yajl_map_key = y_str,
	.yajl_end_map = y_end,
	.yajl_start_array = y_start_arr,
	.yajl_end_array = y_end,
};

static int mode_yajl(const char *path, struct result *res)
{
	static unsigned char buf[CHUNK];
	struct ycount c = { 0, 0 };
	yajl_handle h;
	yajl_status st = yajl_status_ok;
	ssize_t n;
	int fd = open_in(path);

	if (fd < 0)
		return -1;
	h = yajl_alloc(&ycb, NULL, &c);
	if (!h) {
		close(fd);
		return -1;
	}
	while ((n = read_some(fd, path, (char *)buf, sizeof(buf))) > 0) {
		res->bytes += (unsigned long long)n;
		st = yajl_parse(h, buf, (size_t)n);
		if (st != yajl_status_ok)
			break;
	}
	if (n == 0 && st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (n == 0 && st != yajl_status_ok) {
		unsigned char *e = yajl_get_error(h, 0, NULL, 0);
		size_t el = strlen((char *)e);
		while (el && (e[el - 1] == '\n' || e[el - 1] == ' '))
			e[--el] = 0;
		fprintf(stderr, "jsonlibs: yajl: '%s': %s\n", path, (char *)e);
		yajl_free_error(h, e);
	}
	yajl_free(h);
	close(fd);
	res->items = c.items;
	return n < 0 || st != yajl_status_ok ? -1 : 0;
}

/* ---- whole-file helpers ------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	struct stat sb;
	char *buf;
	size_t off = 0;
	int fd = open_in(path);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || sb.st_size < 0) {
		fprintf(stderr, "jsonlibs: cannot stat '%s': %s\n", path, strerror(errno));
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		fprintf(stderr, "jsonlibs: out of memory for '%s' (%lld bytes)\n", path, (long long)sb.st_size);
		close(fd);
		return NULL;
	}
	while (off < (size_t)sb.st_size) {
		size_t want = (size_t)sb.st_size - off;
		ssize_t n = read_some(fd, path, buf + off, want > CHUNK * 64 ? CHUNK * 64 : want);
		if (n <= 0) {
			if (n == 0)
				fprintf(stderr, "jsonlibs: '%s' shrank while reading\n", path);
			free(buf);
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	buf[off] = 0;
	*len = off;
	return buf;
}

/* ---- cJSON -------------------------------------------------------------- */

static int mode_cjson(const char *path, struct result *res)
{
	size_t len;
	char *buf = slurp(path, &len);
	cJSON *root, *items;

	if (!buf)
		return -1;
	res->bytes = len;
	root = cJSON_ParseWithLength(buf, len);
	if (!root) {
		const char *e = cJSON_GetErrorPtr();
		fprintf(stderr, "jsonlibs: cjson: '%s': parse error at byte %lld\n", path,
			e ? (long long)(e - buf) : -1LL);
		free(buf);
		return -1;
	}
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	res->items = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : -1;
	cJSON_Delete(root);
	free(buf);
	return 0;
}

/* ---- driver ------------------------------------------------------------- */

struct mode {
	const char *name;
	int (*fn)(const char *, struct result *);
};

static const struct mode modes[] = {
	{ "read", mode_read },
	{ "yajl", mode_yajl },
	{ "cjson", mode_cjson },
	{ "jansson", mode_jansson },
	{ "jsonc", mode_jsonc },
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_mode(const struct mode *m, const char *path)
{
	struct result res = { 0, 0 };
	struct rusage ru;
	double t0 = mono(), dt;
	int rc = m->fn(path, &res);

	dt = mono() - t0;
	if (getrusage(RUSAGE_SELF, &ru))
		memset(&ru, 0, sizeof(ru));
	if (rc)
		return 1;
	printf("mode=%s items=%lld bytes=%llu seconds=%.2f maxrss_mb=%.1f\n", m->name, res.items,
	       res.bytes, dt, (double)ru.ru_maxrss / 1024.0);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "jsonlibs: cannot write to stdout\n");
		return 1;
	}
	return 0;
}

/* Each mode in its own child so peak RSS is per library (wait4 rusage). */
static int run_all(const char *path)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct rusage ru;
		int st;
		double t0 = mono();
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "jsonlibs: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (devnull >= 0)
				dup2(devnull, 1);   /* the parent prints the line */
			_exit(run_mode(&modes[i], path));
		}
		while (wait4(pid, &st, 0, &ru) < 0) {
			if (errno != EINTR) {
				fprintf(stderr, "jsonlibs: wait4: %s\n", strerror(errno));
				return 1;
			}
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("mode=%s failed (%s %d)\n", modes[i].name, WIFEXITED(st) ? "exit" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			rc = 1;
			continue;
		}
		printf("mode=%s seconds=%.2f maxrss_mb=%.1f\n", modes[i].name, mono() - t0,
		       (double)ru.ru_maxrss / 1024.0);
	}
	if (fflush(stdout) || ferror(stdout))
		return 1;
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: jsonlibs read|yajl|cjson|jansson|jsonc|all FILE\n");
		return 2;
	}
	if (!strcmp(argv[1], "all"))
		return run_all(argv[2]);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			return run_mode(&modes[i], argv[2]);
	fprintf(stderr, "jsonlibs: unknown mode '%s'\n", argv[1]);
	return 2;
}
