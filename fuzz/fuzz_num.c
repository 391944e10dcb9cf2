/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the small parsers of untrusted text: durations
 * (--timeout, --min-age), RFC 3339 times (collected_at, reservations,
 * expirations), ranged integers and base64 (kubeconfig data fields).
 * Each either fails or gives a value in range; base64 output fits.
 */
#include "core/base64.h"
#include "core/num.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	unsigned char out[4096];
	int64_t v;
	uint32_t u;
	size_t n;

	memcpy(s, data, size);
	s[size] = '\0';
	if (nd_parse_duration_ms(s, &v) == 0 && v < 0)
		__builtin_trap();
	(void)nd_parse_rfc3339(s, &v);
	if (nd_parse_i64(s, size, -1000, 1000, &v) == 0 && (v < -1000 || v > 1000))
		__builtin_trap();
	if (nd_parse_u32(s, size, 65535, &u) == 0 && u > 65535)
		__builtin_trap();
	if (nd_b64_decode(s, size, out, sizeof(out), &n) == 0 && n > sizeof(out))
		__builtin_trap();
	free(s);
	return 0;
}
