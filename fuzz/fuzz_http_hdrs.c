/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the HTTP answer's header parser (k8s/http.h,
 * nd_http_hdrs_line): the input is split at each '\n' into the lines
 * libcurl would hand the header callback, fed in order with a small
 * max_headers taken from the first byte. The parser's promises are
 * checked: Retry-After is -1 or within 0..10 days in ms, Content-Type is
 * NUL-terminated inside its field, and once the headers passed max no
 * later line is accepted until a status line starts over.
 */
#include "k8s/http.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_http_hdrs hd;
	size_t max, i = 1;

	if (size == 0)
		return 0;
	max = data[0] < 16 ? 256 * 1024 : (size_t)data[0] * 8;
	nd_http_hdrs_init(&hd);
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) + 1 : size - i;
		bool ok = nd_http_hdrs_line(&hd, (const char *)data + i, n, max);

		if (ok == hd.toobig && ok)
			__builtin_trap();
		if (!ok)
			break;          /* libcurl aborts the transfer here */
		if (hd.retry_after_ms < -1 || hd.retry_after_ms > 864000000LL ||
		    !memchr(hd.content_type, '\0', sizeof(hd.content_type)))
			__builtin_trap();
		i += n;
	}
	return 0;
}
