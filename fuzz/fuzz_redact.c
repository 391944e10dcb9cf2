/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for collect's redaction by shape (k8s/redact.h). The
 * first byte chooses the word rules and whether the state carries over; the
 * rest is one string value. Redaction must never grow a value by more than
 * its marks, and a planted URL password must never survive.
 */
#include "k8s/redact.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether p[0..n) holds one of the characters that end a URL's authority (or a NUL). */
static bool has_any(const uint8_t *p, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!p[i] || strchr(set, p[i]))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_buf out = ND_BUF_INIT((size_t)16 << 20), url = ND_BUF_INIT(1u << 20);
	bool pending = (data && size && (data[0] & 2));
	size_t count;

	if (size < 1)
		return 0;
	count = nd_redact_str(NULL, (const char *)data + 1, size - 1, data[0] & 1,
			      (data[0] & 4) ? &pending : NULL, &out);
	if (out.len > size - 1 + count * sizeof("<redacted>"))
		__builtin_trap();
	/* the same text behind a URL password: the password never comes out */
	nd_buf_adds(&url, "postgres://u:");
	nd_buf_add(&url, data + 1, size - 1 > 200 ? 200 : size - 1);
	nd_buf_adds(&url, "ZZPLANTZZ@db:5432/x");
	nd_buf_reset(&out);
	nd_redact_str(NULL, url.p, url.len, data[0] & 1, NULL, &out);
	if (!has_any(data + 1, size - 1 > 200 ? 200 : size - 1, "@/?# \t\r\n\"'") &&
	    memmem(out.p, out.len, "ZZPLANTZZ", 9))
		__builtin_trap();
	nd_buf_release(&out);
	nd_buf_release(&url);
	return 0;
}
