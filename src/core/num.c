/* SPDX-License-Identifier: MIT */
#include "core/num.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/banned.h"

int nd_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;

	if (!s || len == 0)
		return -1;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	{
		int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
				: (int64_t)v;

		if (r < min || r > max)
			return -1;
		*out = r;
	}
	return 0;
}

int nd_parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	int64_t v;

	if (!s || len == 0 || s[0] == '-' || s[0] == '+')
		return -1;
	if (nd_parse_i64(s, len, 0, max, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int nd_parse_duration_ms(const char *s, int64_t *out)
{
	int64_t total = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	while (*p) {
		int64_t v = 0, mult;
		const char *q = p;

		while (*q >= '0' && *q <= '9') {
			if (v > INT64_MAX / 10 - 10)
				return -1;
			v = v * 10 + (*q - '0');
			q++;
		}
		if (q == p)
			return -1;
		if (strncmp(q, "ms", 2) == 0) {
			mult = 1;
			q += 2;
		} else if (*q == 's') {
			mult = 1000;
			q++;
		} else if (*q == 'm') {
			mult = 60000;
			q++;
		} else if (*q == 'h') {
			mult = 3600000;
			q++;
		} else {
			return -1;
		}
		if (v > (INT64_MAX - total) / mult)
			return -1;
		total += v * mult;
		p = q;
	}
	*out = total;
	return 0;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int nd_parse_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	const char *p;
	int64_t t;

	if (!s || strlen(s) < 20)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;

		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
			return -1;
		oh *= sign;
		om *= sign;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	t -= oh * 3600 + om * 60;
	*out = t;
	return 0;
}
