/* SPDX-License-Identifier: MIT */
#ifndef ND_NUM_H
#define ND_NUM_H
/*
 * Range-checked number parsing ("never atoi"). Each returns 0 on success and
 * -1 when the text is empty, has trailing garbage, or is out of [min, max].
 */
#include <stddef.h>
#include <stdint.h>

int nd_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);
int nd_parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out);
/* Durations like "5s", "1m30s", "250ms", "2h" into milliseconds. */
int nd_parse_duration_ms(const char *s, int64_t *out);
/* RFC 3339 ("2025-05-02T09:24:40Z", fractions and offsets allowed) to Unix seconds. */
int nd_parse_rfc3339(const char *s, int64_t *out);

#endif
