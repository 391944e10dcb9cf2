/* SPDX-License-Identifier: MIT */
#include "core/base64.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

void nd_b64_encode(const void *in, size_t n, char *out)
{
	/* EVP_EncodeBlock takes an int length: a 1.5 GiB input is never encoded here */
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static bool blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/*
 * OpenSSL's EVP_DecodeBlock wants the standard alphabet in whole quads and
 * decodes padding as zero bytes; our contract is wider (white space
 * anywhere, URL-safe letters, padding optional). So: gather the letters
 * into quads (URL-safe ones mapped), check what follows '=', pad the last
 * quad, decode, and drop the bytes the padding stood for.
 */
int nd_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	char *q;
	unsigned char *raw;
	size_t i, k = 0, want, pad;
	int got, rc = -1;

	if (n > (size_t)INT32_MAX / 2)
		return -1;
	q = nd_xmalloc(n + 4);
	for (i = 0; i < n && s[i] != '='; i++) {
		char c = s[i];

		if (blank(c))
			continue;
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9') || c == '+' || c == '/'))
			goto out;
		q[k++] = c;
	}
	for (; i < n; i++)
		if (s[i] != '=' && !blank(s[i]))
			goto out;
	/* a lone letter in the last quad holds no whole byte */
	if (k % 4 == 1)
		k--;
	pad = (4 - k % 4) % 4;
	want = k / 4 * 3 + (pad ? 3 - pad : 0);
	if (want > max)
		goto out;
	memset(q + k, '=', pad);
	k += pad;
	raw = nd_xmalloc(k / 4 * 3 + 1);
	got = EVP_DecodeBlock(raw, (const unsigned char *)q, (int)k);
	if (got >= 0 && (size_t)got == k / 4 * 3) {
		memcpy(out, raw, want);
		*outlen = want;
		rc = 0;
	}
	free(raw);
out:
	free(q);
	return rc;
}
