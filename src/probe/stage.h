/* SPDX-License-Identifier: MIT */
#ifndef ND_PROBE_STAGE_H
#define ND_PROBE_STAGE_H
/* Internal to src/probe/: the HTTP stages (http_stage.c). */
#include <stdint.h>

struct nd_kubeconfig;
struct nd_probe_opts;
struct nd_probe_result;

/* GET /version and /readyz without credentials, then the authenticated
 * request, each until the overall deadline (monotonic ms). Fills out. */
void nd_probe_http_stages(const struct nd_kubeconfig *kc, const struct nd_probe_opts *o,
			  struct nd_probe_result *out, int64_t deadline);

#endif
