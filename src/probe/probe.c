/* SPDX-License-Identifier: MIT */
/* The staged probe: DNS -> TCP -> TLS here, the HTTP stages in http_stage.c. */
#include "probe/probe.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/num.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "probe/stage.h"
#include "core/banned.h"
#include "core/i18n.h"

#define STAGE_CAP_MS 5000   /* no single stage waits longer than this */

int nd_probe_split_url(const char *url, char *host, size_t hostlen, unsigned *port, bool *https)
{
	const char *p, *end, *colon = NULL;
	size_t hl;

	if (strncmp(url, "https://", 8) == 0) {
		*https = true;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		*https = false;
		p = url + 7;
	} else {
		return -1;
	}
	*port = *https ? 443 : 80;
	if (*p == '[') {
		end = strchr(p, ']');
		if (!end)
			return -1;
		hl = (size_t)(end - p - 1);
		if (hl == 0 || hl >= hostlen)
			return -1;
		memcpy(host, p + 1, hl);
		host[hl] = '\0';
		p = end + 1;
		if (*p == ':')
			colon = p;
		else if (*p && *p != '/')
			return -1;
	} else {
		end = p + strcspn(p, ":/?#");
		hl = (size_t)(end - p);
		if (hl == 0 || hl >= hostlen)
			return -1;
		memcpy(host, p, hl);
		host[hl] = '\0';
		if (*end == ':')
			colon = end;
	}
	if (colon) {
		char num[8];
		size_t nl = strcspn(colon + 1, "/?#");
		int64_t v;

		if (nl == 0 || nl >= sizeof(num))
			return -1;
		memcpy(num, colon + 1, nl);
		num[nl] = '\0';
		if (nd_parse_i64(num, nl, 1, 65535, &v) < 0)
			return -1;
		*port = (unsigned)v;
	}
	return 0;
}

static int64_t cap(int64_t deadline)
{
	int64_t l = nd_probe_left(deadline);

	return l < STAGE_CAP_MS ? l : STAGE_CAP_MS;
}

int nd_probe_apiserver(const struct nd_kubeconfig *kc, const struct nd_probe_opts *o,
		       struct nd_probe_result *out, struct nd_err *e)
{
	int64_t t0 = nd_now_ms();
	int64_t deadline = t0 + (o->timeout_ms > 0 ? o->timeout_ms : 10000);
	struct nd_tls_opts to = {0};
	size_t i, which = 0;
	int fd = -1;

	memset(out, 0, sizeof(*out));
	if (!kc->server || !*kc->server)
		return nd_err_set(e, _("kubeconfig context '%s' names no server"),
				  kc->context ? kc->context : "?");
	snprintf(out->server, sizeof(out->server), "%s", kc->server);
	if (nd_probe_split_url(kc->server, out->host, sizeof(out->host), &out->port,
			       &out->https) < 0)
		return nd_err_set(e, _("kubeconfig server '%s' is not an http(s) URL"), kc->server);

	/* DNS */
	if (nd_dns_lookup(out->host, o->dns_servers, cap(deadline), &out->dns, e) < 0)
		return -1;
	if (out->dns.status != ND_STAGE_PASS)
		goto out;

	/* TCP */
	for (i = 0; i < out->dns.naddrs && i < ND_PROBE_MAX_ADDRS; i++) {
		snprintf(out->tcp[i].ip, sizeof(out->tcp[i].ip), "%s", out->dns.addrs[i]);
		out->tcp[i].family = out->dns.families[i];
	}
	out->ntcp = i;
	{
		int64_t t = nd_now_ms();

		nd_tcp_connect_all(out->tcp, out->ntcp, out->port, cap(deadline), &fd, &which);
		out->tcp_ms = nd_now_ms() - t;
	}
	out->tcp_status = fd >= 0 ? ND_STAGE_PASS : ND_STAGE_FAIL;
	if (fd < 0)
		goto out;

	/* TLS */
	if (out->https) {
		to.name = kc->tls_server_name && *kc->tls_server_name ? kc->tls_server_name
								       : out->host;
		to.ca_file = kc->ca_file;
		to.ca_data = kc->ca_data;
		to.ca_len = kc->ca_len;
		to.insecure = kc->insecure;
		to.timeout_ms = cap(deadline);
		nd_tls_probe(fd, &to, &out->tls);
	}
	close(fd);
	if (out->https && out->tls.status != ND_STAGE_PASS)
		goto out;
	if (o->no_http)
		goto out;

	/* HTTP: /version, /readyz, then with credentials */
	nd_probe_http_stages(kc, o, out, deadline);
out:
	out->ms = nd_now_ms() - t0;
	out->timed_out = nd_probe_left(deadline) <= 0;
	return 0;
}
