/* SPDX-License-Identifier: MIT */
#ifndef ND_BASE64_H
#define ND_BASE64_H
/*
 * Base64 (RFC 4648), one implementation for kubeconfig data fields, the
 * serve command's continue tokens and kubeconfigs it writes, on OpenSSL's
 * EVP_EncodeBlock/EVP_DecodeBlock (core/base64.c says what is added).
 */
#include <stddef.h>

/* Length of the encoding of n bytes, without the NUL. */
#define ND_B64_LEN(n) (((n) + 2) / 3 * 4)

/* Standard alphabet with padding; writes ND_B64_LEN(n) chars and a NUL. */
void nd_b64_encode(const void *in, size_t n, char *out);
/*
 * Decode standard or URL-safe base64 of s[0..n): white space is ignored,
 * padding is optional, anything after padding but white space is an error.
 * Writes at most max bytes to out. 0, or -1 on bad input or overflow.
 */
int nd_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen);

#endif
