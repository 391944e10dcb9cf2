/* SPDX-License-Identifier: MIT */
#ifndef ND_KPCHAINS_H
#define ND_KPCHAINS_H
/*
 * kube-proxy's chain names (facts §6.2, §6.6), computed the way kube-proxy
 * does so that rules are found by name, never by their comments (which
 * kube-proxy drops above 1,000 endpoints).
 *
 *   hash(text, n) = the first n characters of base32 (RFC 4648 alphabet,
 *                   A-Z2-7) of SHA-256(text)
 *   servicePortName = "<ns>/<svc>" plus ":<portName>" when the port is named
 *   KUBE-SVC-/SVL-/EXT-/FW-<hash(spn + proto, 16)>      (proto lower case)
 *   KUBE-SEP-<hash(spn + proto + endpoint, 16)>          endpoint "ip:port",
 *                                                        "[v6]:port"
 *   nft: service-<hash(rest, 8)>-<rest>, rest = "<ns>/<svc>/<proto>/<portName>"
 *        endpoint-<hash(rest, 8)>-<rest>, rest = "<...>__<ip>/<port>" with
 *        ':' in an IPv6 address written as '.'
 *
 * Outputs are written into caller buffers of ND_KP_CHAIN_MAX bytes (longer
 * names are truncated, which no valid Kubernetes name reaches for iptables).
 */
#include <stddef.h>

#define ND_KP_CHAIN_MAX 600

/* First n (<= 52) characters of base32(SHA-256(text)); out holds n+1 bytes. */
void nd_kp_hash(const char *text, size_t n, char *out);

/* "ns/svc" or "ns/svc:port"; port_name NULL or "" for an unnamed port. */
void nd_kp_port_name(const char *ns, const char *svc, const char *port_name,
		     char *out, size_t len);
/* prefix "KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-"; proto "tcp"... */
void nd_kp_svc_chain(const char *prefix, const char *spn, const char *proto,
		     char *out, size_t len);
/* endpoint "10.244.1.5:8080" or "[fd00::5]:8080" */
void nd_kp_sep_chain(const char *spn, const char *proto, const char *endpoint,
		     char *out, size_t len);
/* "10.244.1.5", 8080 -> "10.244.1.5:8080"; IPv6 gets brackets. */
void nd_kp_join_host_port(const char *ip, int port, char *out, size_t len);

/* nft: kind "service", "local", "external", "firewall". */
void nd_kp_nft_service_chain(const char *kind, const char *ns, const char *svc,
			     const char *proto, const char *port_name,
			     char *out, size_t len);
void nd_kp_nft_endpoint_chain(const char *ns, const char *svc, const char *proto,
			      const char *port_name, const char *ip, int port,
			      char *out, size_t len);

#endif
