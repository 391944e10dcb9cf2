/* SPDX-License-Identifier: MIT */
#ifndef ND_FILE_H
#define ND_FILE_H
/*
 * Reading a small file whole, safely: a regular file only (a FIFO cannot
 * hang the open), at most max bytes, into a malloc'd buffer with a NUL
 * after the last byte. Errors name the file:
 *   cannot read '<path>': <strerror>
 *   '<path>': larger than 1 MiB
 */
#include <stddef.h>

struct nd_err;

int nd_read_file(const char *path, size_t max, char **buf, size_t *len, struct nd_err *e);

#endif
