/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the egress data file parser, the expansion and the
 * --also parser. The first byte picks: even, the rest is a data file
 * (parsed, then expanded with and without a region, FQDN and include); odd,
 * the rest is one --also argument (and a --dns-server-like string for the
 * proxy-issuer match). Every string of the results is walked so a bad
 * pointer shows up under ASan.
 */
#include "aks/egress.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t walk(const struct nd_egress_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct nd_egress_dest *d = &l->v[i];

		n += touch(d->rule) + touch(d->host) + touch(d->protocol) + touch(d->alpn) +
		     touch(d->sets) + touch(d->unless) + touch(d->purpose) + touch(d->not_needed) +
		     touch(d->skip) + d->port + (size_t)d->scheme;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile size_t sink = 0;
	struct nd_err e;

	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0) {
		struct nd_egress_data *d = NULL;

		if (nd_egress_data_parse((const char *)data + 1, size - 1, "fuzz.json", &d, &e) == 0) {
			static const struct nd_egress_env envs[] = {
				{0},
				{.region = "WestEurope", .fqdn = "a.hcp.westeurope.azmk8s.io",
				 .include = "all"},
				{.private_cluster = true, .include = "gpu,windows", .features = "monitoring"},
			};

			sink += walk(&d->rules) + d->nsources + d->nproxy;
			for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
				struct nd_egress_list l = {0};

				if (nd_egress_expand(d, &envs[i], &l, &e) == 0)
					sink += walk(&l);
				nd_egress_list_release(&l);
			}
			sink += nd_egress_issuer_is_proxy(d, "/O=Example Proxy/CN=x");
			nd_egress_data_free(d);
		} else {
			sink += touch(e.msg);
		}
	} else {
		char *s = malloc(size);
		struct nd_egress_list l = {0};

		if (!s)
			return 0;
		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		if (nd_egress_also_parse(s, &l, &e) == 0)
			sink += walk(&l);
		else
			sink += touch(e.msg);
		nd_egress_list_release(&l);
		free(s);
	}
	(void)sink;
	return 0;
}
