/* SPDX-License-Identifier: MIT */
#include "node/kpchains.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "core/banned.h"

void nd_kp_hash(const char *text, size_t n, char *out)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char d[SHA256_DIGEST_LENGTH];
	size_t i;

	if (n > 52)
		n = 52;
	SHA256((const unsigned char *)text, strlen(text), d);
	/* bit i of the digest, most significant first; 5 bits per character */
	for (i = 0; i < n; i++) {
		size_t bit = i * 5;
		unsigned v = 0;

		for (size_t k = 0; k < 5; k++, bit++) {
			unsigned b = bit < 256 ? (d[bit / 8] >> (7 - bit % 8)) & 1u : 0u;

			v = (v << 1) | b;
		}
		out[i] = alpha[v];
	}
	out[n] = '\0';
}

void nd_kp_port_name(const char *ns, const char *svc, const char *port_name,
		     char *out, size_t len)
{
	if (port_name && *port_name)
		snprintf(out, len, "%s/%s:%s", ns, svc, port_name);
	else
		snprintf(out, len, "%s/%s", ns, svc);
}

void nd_kp_svc_chain(const char *prefix, const char *spn, const char *proto,
		     char *out, size_t len)
{
	char text[ND_KP_CHAIN_MAX], h[17];

	snprintf(text, sizeof(text), "%s%s", spn, proto);
	nd_kp_hash(text, 16, h);
	snprintf(out, len, "%s%s", prefix, h);
}

void nd_kp_sep_chain(const char *spn, const char *proto, const char *endpoint,
		     char *out, size_t len)
{
	char text[ND_KP_CHAIN_MAX], h[17];

	snprintf(text, sizeof(text), "%s%s%s", spn, proto, endpoint);
	nd_kp_hash(text, 16, h);
	snprintf(out, len, "KUBE-SEP-%s", h);
}

void nd_kp_join_host_port(const char *ip, int port, char *out, size_t len)
{
	if (strchr(ip, ':'))
		snprintf(out, len, "[%s]:%d", ip, port);
	else
		snprintf(out, len, "%s:%d", ip, port);
}

void nd_kp_nft_service_chain(const char *kind, const char *ns, const char *svc,
			     const char *proto, const char *port_name,
			     char *out, size_t len)
{
	char rest[ND_KP_CHAIN_MAX], h[9];

	snprintf(rest, sizeof(rest), "%s/%s/%s/%s", ns, svc, proto, port_name ? port_name : "");
	nd_kp_hash(rest, 8, h);
	snprintf(out, len, "%s-%s-%s", kind, h, rest);
}

void nd_kp_nft_endpoint_chain(const char *ns, const char *svc, const char *proto,
			      const char *port_name, const char *ip, int port,
			      char *out, size_t len)
{
	char rest[ND_KP_CHAIN_MAX], addr[64], h[9];
	size_t i;

	snprintf(addr, sizeof(addr), "%s", ip);
	for (i = 0; addr[i]; i++)
		if (addr[i] == ':')
			addr[i] = '.';
	snprintf(rest, sizeof(rest), "%s/%s/%s/%s__%s/%d", ns, svc, proto,
		 port_name ? port_name : "", addr, port);
	nd_kp_hash(rest, 8, h);
	snprintf(out, len, "endpoint-%s-%s", h, rest);
}
