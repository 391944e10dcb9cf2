/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the host-local store's files (node/hostlocal.h):
 * the input is "NAME\nCONTENT", one directory entry as nd_hostlocal_read()
 * meets it. A name starting "last_reserved_ip." goes to nd_hostlocal_last
 * (an IP or nothing), any other to nd_hostlocal_name and, when that takes
 * it, the content to nd_hostlocal_content. The promises are checked: a
 * name taken formats back to itself; a container ID follows the CNI rule,
 * an interface name is 1..15 bytes without blanks, '/' or ':'.
 */
#include "node/hostlocal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 1024 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
				    (s[0] >= '0' && s[0] <= '9')))
		__builtin_trap();
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct nd_arena *a;
	struct nd_err e;
	struct nd_ip ip;
	size_t nlen, clen;
	char *name;
	const char *content;

	if (!nl || size > 8192)
		return 0;
	nlen = (size_t)(nl - data);
	content = (const char *)nl + 1;
	clen = size - nlen - 1;
	if (clen > 4096)    /* read_small refuses a larger file before parsing */
		return 0;
	name = malloc(nlen + 1);
	memcpy(name, data, nlen);
	name[nlen] = '\0';
	a = nd_arena_new(0);
	if (strncmp(name, "last_reserved_ip.", 17) == 0) {
		const char *last = nd_hostlocal_last(content, clen, a);

		if (last && nd_ip_parse(last, &ip) < 0)
			__builtin_trap();
	} else if (nd_hostlocal_name(name, name, &ip, &e) == 0) {
		struct nd_hl_entry ent = {0};
		char canon[64];

		nd_ip_format(&ip, canon, sizeof(canon));
		if (strcmp(canon, name) != 0)
			__builtin_trap();
		if (nd_hostlocal_content(name, content, clen, a, &ent, &e) == 0) {
			check_id(ent.container_id);
			if (ent.ifname) {
				size_t n = strlen(ent.ifname);

				if (n == 0 || n > 15 || strpbrk(ent.ifname, " /:\t"))
					__builtin_trap();
			}
		} else if (!e.msg[0]) {
			__builtin_trap();
		}
	}
	nd_arena_free(a);
	free(name);
	return 0;
}
