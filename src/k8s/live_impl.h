/* SPDX-License-Identifier: MIT */
#ifndef ND_LIVE_IMPL_H
#define ND_LIVE_IMPL_H
/* The live client's state, shared by live.c, live_get.c and live_review.c only (not a public header). */
#include "k8s/live.h"

struct nd_auth;
struct nd_http;

struct nd_live {
	const struct nd_kubeconfig *kc;
	struct nd_live_opts o;
	struct nd_auth *auth;
	struct nd_http *http;
	nd_json_item_fn fn;
	void *fnctx;
	unsigned running;
	size_t objects;              /* all kinds, against o.max_objects */
};

#endif
