/* SPDX-License-Identifier: MIT */
#ifndef ND_APIERR_H
#define ND_APIERR_H
/*
 * An API request that did not give what was asked, as a value: the HTTP
 * status, the Status object's reason and message, and for 403 the user,
 * verb, resource and namespace taken from the message (kept for RBAC
 * analysis), or the transport failure.
 */
#include <stdbool.h>
#include <stddef.h>
#include "k8s/http.h"

struct nd_api_error {
	long http;                  /* 0 when the request never got a status */
	enum nd_http_fail fail;
	char reason[64];            /* Status.reason: Forbidden, Expired, TooManyRequests... */
	char message[512];          /* Status.message, or what went wrong */
	/* 403 only, "" when the message does not say */
	char user[256];
	char verb[32];
	char resource[160];         /* "pods", "nodenetworkconfigs.acn.azure.com" */
	char ns[254];               /* "" for cluster scope */
};

/*
 * Fill ae from a finished request that was not a 2xx: res->body is read as
 * a Status object when it is one; otherwise the message says what came
 * back ("HTTP 502 with a text/html body: not a Kubernetes API server?").
 */
void nd_api_error_from(struct nd_api_error *ae, const struct nd_http_result *res,
		       const char *what);
/* Parse a Forbidden message ("pods is forbidden: User \"x\" cannot list resource
 * \"pods\" in API group \"\" in the namespace \"default\""). False when it does not match. */
bool nd_api_parse_forbidden(const char *msg, struct nd_api_error *ae);

#endif
