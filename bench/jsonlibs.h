/* SPDX-License-Identifier: MIT */
#ifndef BENCH_JSONLIBS_H
#define BENCH_JSONLIBS_H
/*
 * jansson and json-c declare the same names (json_object, json_object_get,
 * json_type...), so each lives in its own translation unit. Both shared
 * libraries version their symbols, and the Makefile links -ljansson before
 * -ljson-c, so each call binds to the library it was written for.
 */
#include <sys/types.h>

#define CHUNK (1u << 20)

struct result {
	long long items;             /* length of the top-level "items" array */
	unsigned long long bytes;
};

int open_in(const char *path);   /* O_RDONLY|O_CLOEXEC, message on error */
ssize_t read_some(int fd, const char *path, char *buf, size_t n);

int mode_jansson(const char *path, struct result *res);
int mode_jsonc(const char *path, struct result *res);

#endif
