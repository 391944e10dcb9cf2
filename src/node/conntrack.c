/* SPDX-License-Identifier: MIT */
/* The conntrack counters' parsers (conntrack.h). */
#include "node/conntrack.h"

#include <string.h>

#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MAX_LINES 4096
#define MAX_FIELDS 64
#define COUNTER_MAX (INT64_C(1) << 62)

int nd_ct_parse_number(const char *text, size_t len, int64_t *out, struct nd_err *e)
{
	size_t n = len;

	while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (nd_parse_i64(text, n, 0, COUNTER_MAX, out) < 0)
		return nd_err_set(e, _("'%.*s' is not a count"), (int)(n > 40 ? 40 : n), text);
	return 0;
}

/* The next whitespace-separated word of line [*p, end), or 0 at its end. */
static size_t word(const char **p, const char *end)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (s + n < end && s[n] != ' ' && s[n] != '\t')
		n++;
	*p = s;
	return n;
}

static int hex(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0 || v > (COUNTER_MAX >> 4))
			return -1;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

int nd_ct_parse_stat(const char *text, size_t len, struct nd_ct_stat *out, struct nd_err *e)
{
	/* which of out's counters each header column is (NULL: not read) */
	int64_t *col[MAX_FIELDS];
	size_t ncol = 0, line = 0;
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	out->insert_failed = out->drop = out->early_drop = -1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;
		size_t n, f = 0;

		if (!eol)
			eol = end;
		line++;
		if (line > MAX_LINES)
			return nd_err_set(e, _("more than %d lines"), MAX_LINES);
		if (line == 1) {
			while ((n = word(&q, eol)) > 0) {
				if (ncol == MAX_FIELDS)
					return nd_err_set(e, _("line 1: more than %d fields"), MAX_FIELDS);
				col[ncol] = n == 13 && memcmp(q, "insert_failed", 13) == 0 ? &out->insert_failed
					: n == 4 && memcmp(q, "drop", 4) == 0 ? &out->drop
					: n == 10 && memcmp(q, "early_drop", 10) == 0 ? &out->early_drop
					: NULL;
				if (col[ncol] && *col[ncol] < 0)
					*col[ncol] = 0;
				ncol++;
				q += n;
			}
			if (ncol == 0 || (size_t)(eol - p) < 7 || memcmp(p, "entries", 7) != 0)
				return nd_err_set(e, _("line 1: not the header of /proc/net/stat/nf_conntrack "
						  "(it starts with 'entries')"));
		} else {
			while ((n = word(&q, eol)) > 0) {
				int64_t v;

				if (f == ncol)
					return nd_err_set(e, _("line %zu: more fields than the header's %zu"),
							  line, ncol);
				if (hex(q, n, &v) < 0)
					return nd_err_set(e, _("line %zu, field %zu: '%.*s' is not a hex "
							  "counter"), line, f + 1, (int)(n > 20 ? 20 : n), q);
				if (col[f]) {
					if (*col[f] > COUNTER_MAX - v)
						return nd_err_set(e, _("line %zu, field %zu: the sum overflows"),
								  line, f + 1);
					*col[f] += v;
				}
				f++;
				q += n;
			}
			if (f == 0 && q >= eol) {
				p = eol + 1;
				continue;     /* an empty line */
			}
			if (f != ncol)
				return nd_err_set(e, _("line %zu: %zu fields, the header has %zu"), line, f,
						  ncol);
			out->cpus++;
		}
		p = eol + 1;
	}
	if (line == 0)
		return nd_err_set(e, _("empty"));
	return 0;
}
