/* SPDX-License-Identifier: MIT */
#ifndef ND_ERR_H
#define ND_ERR_H
/*
 * Errors are values. Library code fills a struct nd_err and returns -1 (or
 * NULL); it never prints or exits. Only commands talk to the user.
 *
 * The message names what failed first and quotes it:
 *   cannot read 'examples/x/cluster/pods.json': No such file or directory
 */
#include <stddef.h>

struct nd_err {
	char msg[1024];
};

/* Set the message (printf-style) and return -1, for `return nd_err_set(...)`. */
int nd_err_set(struct nd_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the existing message with more context: "<prefix>: <old msg>". */
int nd_err_prefix(struct nd_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Fatal allocation failure: the only place library code may end the process. */
_Noreturn void nd_oom(size_t n);
void *nd_xmalloc(size_t n);
void *nd_xcalloc(size_t n, size_t size);
/*
 * Zeroed memory for a hash table that is about to be filled densely (sized
 * for the keys it will hold), freed with free(). It is written at once: a
 * page of calloc's fresh memory that a probe reads first is mapped to the
 * zero page, and the write that follows faults again and, while another
 * thread of netdiag runs, stops that core to flush its TLB (the label
 * index took 70 ms at 150 000 pods that way, 20 ms written first). From
 * 8 MiB on it is in huge pages where the kernel has them: a fault per
 * 2 MiB rather than per 4 KiB. Not for a table that may stay sparse: every
 * byte of it is resident.
 */
void *nd_xtable_dense(size_t n, size_t size);
void *nd_xrealloc(void *p, size_t n);
char *nd_xstrdup(const char *s);
/* Grow *arr (of *cap elements of size sz) so that it holds at least need. */
void nd_grow(void **arr, size_t *cap, size_t need, size_t sz);
#define ND_GROW(arr, cap, need) do { \
	if ((size_t)(need) > (cap)) \
		nd_grow((void **)&(arr), &(cap), (need), sizeof(*(arr))); \
} while (0)

#endif
