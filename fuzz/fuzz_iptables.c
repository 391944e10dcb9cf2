/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the kube-proxy data-plane readers. The first byte
 * picks the reader (iptables-save, ipvsadm -Ln, nft list table); the rest
 * is the text. Parsed results are walked so a bad pointer shows under ASan.
 */
#include "node/iptables.h"
#include "node/ipvs.h"
#include "node/nft.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_arena *a;
	struct nd_err e;
	volatile size_t sink = 0;
	const char *txt = (const char *)data + 1;
	int rc;

	if (size == 0)
		return 0;
	a = nd_arena_new(0);
	e.msg[0] = '\0';
	switch (data[0] % 3) {
	case 0: {
		struct nd_iptables t;

		rc = nd_ipt_parse("fuzz", txt, size - 1, a, &t, &e);
		for (uint32_t i = 0; rc == 0 && i < t.ntables; i++) {
			const struct nd_ipt_table *tb = &t.tables[i];

			for (uint32_t c = 0; c < tb->nchains; c++) {
				if (nd_ipt_chain(tb, tb->chains[c].name) != &tb->chains[c])
					__builtin_trap();
				for (uint32_t k = 0; k < tb->chains[c].nrules; k++) {
					const struct nd_ipt_rule *r = &tb->rules[tb->chains[c].rules[k]];

					sink += touch(r->chain) + touch(r->target) + touch(r->to_dest) +
						touch(r->comment) + touch(r->src) + touch(r->dst);
				}
			}
		}
		break;
	}
	case 1: {
		struct nd_ipvs v;

		rc = nd_ipvs_parse("fuzz", txt, size - 1, a, &v, &e);
		for (uint32_t i = 0; rc == 0 && i < v.nsvcs; i++)
			for (uint32_t k = 0; k < v.svcs[i].nreals; k++)
				sink += touch(v.svcs[i].reals[k].ip) + touch(v.svcs[i].reals[k].method);
		break;
	}
	default: {
		struct nd_nft t;

		rc = nd_nft_parse("fuzz", txt, size - 1, a, &t, &e);
		for (uint32_t i = 0; rc == 0 && i < t.nchains; i++) {
			for (uint32_t k = 0; k < t.chains[i].ntargets; k++)
				sink += touch(t.chains[i].targets[k]);
			for (uint32_t k = 0; k < t.chains[i].ndnat; k++)
				sink += touch(t.chains[i].dnat[k]);
		}
		for (uint32_t i = 0; rc == 0 && i < t.nmaps; i++)
			for (uint32_t k = 0; k < t.maps[i].nelems; k++)
				sink += touch(t.maps[i].elems[k].key) + touch(t.maps[i].elems[k].target) +
					touch(t.maps[i].elems[k].comment);
		break;
	}
	}
	if (rc != 0 && (e.msg[0] == '\0' || memchr(e.msg, '\0', sizeof(e.msg)) == NULL))
		__builtin_trap();   /* every failure says why */
	(void)sink;
	nd_arena_free(a);
	return 0;
}
