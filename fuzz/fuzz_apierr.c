/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what an API server (or a proxy in front of it)
 * answers when it says no: the body of a non-2xx answer (a Status object or
 * anything else), its status, Content-Type and Retry-After, and the 403
 * message parser that takes the user, verb, resource and namespace apart.
 * Every message must be NUL-terminated inside its field.
 */
#include "k8s/apierr.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long codes[] = {400, 401, 403, 404, 409, 410, 429, 500, 502, 503};
	static const char *const types[] = {"application/json", "text/html; charset=utf-8", NULL,
					    "application/vnd.kubernetes.protobuf"};
	struct nd_http_result res;
	struct nd_api_error ae;
	char *body, *msg;

	if (size < 2)
		return 0;
	memset(&res, 0, sizeof(res));
	res.status = codes[data[0] % 10];
	res.content_type = types[(data[0] / 10) % 4];
	res.retry_after_ms = data[1] % 3 == 0 ? -1 : (int64_t)data[1] * 1000;
	body = malloc(size - 2 + 1);
	memcpy(body, data + 2, size - 2);
	body[size - 2] = '\0';
	res.body = body;
	res.body_len = size - 2;
	nd_api_error_from(&ae, &res, "GET /api/v1/pods");
	if (!memchr(ae.message, '\0', sizeof(ae.message)) || !memchr(ae.reason, '\0', sizeof(ae.reason)) ||
	    !ae.message[0])
		__builtin_trap();
	msg = body;                 /* the same bytes as a Forbidden message */
	memset(&ae, 0, sizeof(ae));
	if (nd_api_parse_forbidden(msg, &ae) &&
	    (!memchr(ae.user, '\0', sizeof(ae.user)) || !memchr(ae.verb, '\0', sizeof(ae.verb)) ||
	     !memchr(ae.resource, '\0', sizeof(ae.resource)) || !memchr(ae.ns, '\0', sizeof(ae.ns))))
		__builtin_trap();
	free(body);
	return 0;
}
