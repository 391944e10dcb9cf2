/* SPDX-License-Identifier: MIT */
#include "core/base64.h"

#include <stdbool.h>
#include <stdint.h>

#include "core/banned.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void nd_b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		*out++ = alphabet[p[i] >> 2];
		*out++ = alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*out++ = alphabet[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*out++ = alphabet[p[i + 2] & 63];
	}
	if (n - i == 1) {
		*out++ = alphabet[p[i] >> 2];
		*out++ = alphabet[(p[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		*out++ = alphabet[p[i] >> 2];
		*out++ = alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*out++ = alphabet[(p[i + 1] & 15) << 2];
		*out++ = '=';
	}
	*out = '\0';
}

static int value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

int nd_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n && s[i] != '='; i++) {
		int v;

		if (blank(s[i]))
			continue;
		v = value(s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= max)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	for (; i < n; i++)
		if (s[i] != '=' && !blank(s[i]))
			return -1;
	*outlen = o;
	return 0;
}
