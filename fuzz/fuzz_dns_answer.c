/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the one piece of the endpoint probe engine that reads
 * bytes from the network: whether a datagram answers the DNS query a UDP
 * probe sent (probe/fanout.h). The input's first two bytes are the query id,
 * the rest the datagram; the verdict must be exactly "12 bytes or more, the
 * same id, QR set", and the query built for any id must never answer itself.
 */
#include "probe/fanout.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char q[64];
	uint16_t id;
	const uint8_t *d;
	size_t n, ql;
	int want;

	if (size < 2)
		return 0;
	id = (uint16_t)(data[0] << 8 | data[1]);
	d = data + 2;
	n = size - 2;
	want = n >= 12 && d[0] == data[0] && d[1] == data[1] && (d[2] & 0x80);
	if (nd_fan_dns_is_answer(id, d, n) != want)
		abort();
	ql = nd_fan_dns_query(id, q, sizeof(q));
	if (ql == 0 || nd_fan_dns_is_answer(id, q, ql))
		abort();
	return 0;
}
