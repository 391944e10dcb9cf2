/* SPDX-License-Identifier: MIT */
#include "k8s/apierr.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/banned.h"
#include "core/i18n.h"

/* Copy the quoted text after prefix in s into out; returns the position after it. */
static const char *quoted_after(const char *s, const char *prefix, char *out, size_t outlen)
{
	const char *p = strstr(s, prefix), *q;
	size_t n;

	if (!p)
		return NULL;
	p += strlen(prefix);
	q = strchr(p, '"');
	if (!q)
		return NULL;
	n = (size_t)(q - p);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return q + 1;
}

bool nd_api_parse_forbidden(const char *msg, struct nd_api_error *ae)
{
	const char *p, *v;
	char group[128] = "";
	size_t n;

	p = quoted_after(msg, "User \"", ae->user, sizeof(ae->user));
	if (!p)
		return false;
	v = strstr(p, " cannot ");
	if (!v)
		return false;
	v += 8;
	n = strcspn(v, " ");
	if (n >= sizeof(ae->verb))
		n = sizeof(ae->verb) - 1;
	memcpy(ae->verb, v, n);
	ae->verb[n] = '\0';
	if (quoted_after(v, "resource \"", ae->resource, sizeof(ae->resource))) {
		if (quoted_after(v, "in API group \"", group, sizeof(group)) && group[0]) {
			size_t l = strlen(ae->resource);

			snprintf(ae->resource + l, sizeof(ae->resource) - l, ".%s", group);
		}
	} else {
		quoted_after(v, "path \"", ae->resource, sizeof(ae->resource));
	}
	if (!quoted_after(v, "in the namespace \"", ae->ns, sizeof(ae->ns)))
		ae->ns[0] = '\0';
	return true;
}

void nd_api_error_from(struct nd_api_error *ae, const struct nd_http_result *res,
		       const char *what)
{
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err pe;
	const char *kind;

	memset(ae, 0, sizeof(*ae));
	ae->http = res->status;
	ae->fail = res->fail;
	if (res->status == 0 || res->fail != ND_HTTP_OK) {
		snprintf(ae->message, sizeof(ae->message), "%s: %s", what,
			 res->error[0] ? res->error : nd_http_fail_name(res->fail));
		return;
	}
	a = nd_arena_new(0);
	if (res->body && nd_json_parse(res->body, res->body_len, 0, a, &root, &pe) == 0 &&
	    (kind = nd_json_str(nd_json_get(&root, "kind"))) && strcmp(kind, "Status") == 0) {
		const char *m = nd_json_str(nd_json_get(&root, "message"));
		const char *r = nd_json_str(nd_json_get(&root, "reason"));

		snprintf(ae->reason, sizeof(ae->reason), "%s", r ? r : "");
		if (res->status == 429)   /* who throttled, and for how long */
			snprintf(ae->message, sizeof(ae->message), _("%.200s: 429 %s from the API "
				 "server: %.200s%s"), what, r && *r ? r : "TooManyRequests",
				 m && *m ? m : "throttled, no message given",
				 res->retry_after_ms >= 0 ? "" : " (no Retry-After)");
		else
			snprintf(ae->message, sizeof(ae->message), "%s",
				 m && *m ? m : "(no message)");
		if (res->status == 403)
			nd_api_parse_forbidden(ae->message, ae);
	} else {
		const char *ct = res->content_type ? res->content_type : "no content type";

		if (res->status == 429)
			snprintf(ae->message, sizeof(ae->message), _("%.200s: 429 Too Many Requests "
				 "from the server or a proxy before it (a %.100s body, no Status)"),
				 what, ct);
		else
			snprintf(ae->message, sizeof(ae->message), _("%s: HTTP %ld with a %s body that "
				 "is not a Kubernetes Status object (is this a Kubernetes API "
				 "server?)"), what, res->status, ct);
		snprintf(ae->reason, sizeof(ae->reason), "NotKubernetes");
	}
	nd_arena_free(a);
}
