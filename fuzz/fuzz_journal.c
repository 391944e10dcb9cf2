/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the restore journal of `ipam release`
 * (node/release.h, nd_release_journal_parse): any bytes as the journal
 * nd_release_restore() would read, decoded without touching any store.
 * What it hands back must be safe to act on: every file name a canonical
 * IP address (so a tampered journal cannot name a path outside the store),
 * content at most 4 KiB, the container ID its first line, mode, owner and
 * mtime in range.
 */
#include "node/release.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ipaddr.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_rel_journal j;
	struct nd_err e;

	if (nd_release_journal_parse("/var/lib/cni/networks/.netdiag-release-kubenet.json",
				     (const char *)data, size, a, &j, &e) == 0) {
		if (!j.store_dir || !*j.store_dir)
			__builtin_trap();
		for (size_t i = 0; i < j.n; i++) {
			const struct nd_rel_jent *je = &j.v[i];
			struct nd_ip ip;
			char canon[64];
			size_t k = strlen(je->container_id);

			if (nd_ip_parse(je->file, &ip) < 0 || strchr(je->file, '/') ||
			    strcmp(je->file, "..") == 0)
				__builtin_trap();
			nd_ip_format(&ip, canon, sizeof(canon));
			if (strcmp(canon, je->file) != 0 || je->len > 4096 || k > je->len ||
			    memcmp(je->container_id, je->bytes, k) != 0 ||
			    (k < je->len && je->bytes[k] != '\r' && je->bytes[k] != '\n' &&
			     je->bytes[k] != '\0') ||
			    je->mode < 0 || je->mode > 07777 || je->uid < 0 || je->uid > UINT32_MAX ||
			    je->gid < 0 || je->gid > UINT32_MAX || je->sec < 0 || je->nsec < 0 ||
			    je->nsec > 999999999)
				__builtin_trap();
		}
	} else if (!memchr(e.msg, '\0', sizeof(e.msg)) || !e.msg[0]) {
		__builtin_trap();
	}
	nd_arena_free(a);
	return 0;
}
