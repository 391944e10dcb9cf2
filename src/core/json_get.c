/* SPDX-License-Identifier: MIT */
/* Reading a decoded tree, and writing JSON strings. */
#include "core/json.h"
#include "core/json_internal.h"

#include <stdarg.h>
#include <string.h>

#include "core/i18n.h"
#include "core/intern.h"
#include "core/num.h"
#include "core/banned.h"

const struct nd_json *nd_json_getn(const struct nd_json *obj, const char *key, size_t klen)
{
	uint32_t i;

	if (!obj || obj->type != ND_JOBJ)
		return NULL;
	for (i = obj->n; i-- > 0;) {
		const struct nd_jmember *m = &obj->u.members[i];

		if (m->klen == klen && nd_bytes_eq(m->key, key, klen))
			return &m->val;
	}
	return NULL;
}

const struct nd_json *nd_json_path(const struct nd_json *v, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, v);
	while (v && (k = va_arg(ap, const char *)) != NULL)
		v = nd_json_get(v, k);
	va_end(ap);
	return v;
}

const char *nd_json_str(const struct nd_json *v)
{
	return v && v->type == ND_JSTR ? v->u.s : NULL;
}

bool nd_json_true(const struct nd_json *v)
{
	return v && v->type == ND_JTRUE;
}

bool nd_json_is(const struct nd_json *v, enum nd_jtype t)
{
	return v && v->type == t;
}

int nd_json_i64(const struct nd_json *v, int64_t min, int64_t max, int64_t *out)
{
	if (!v || v->type != ND_JNUM)
		return -1;
	return nd_parse_i64(v->u.s, v->n, min, max, out);
}

const char *nd_json_type_name(enum nd_jtype t)
{
	static const char *const names[] = {
		[ND_JNULL] = N_("null"), [ND_JFALSE] = N_("a boolean"), [ND_JTRUE] = N_("a boolean"),
		[ND_JNUM] = N_("a number"), [ND_JSTR] = N_("a string"), [ND_JARR] = N_("an array"),
		[ND_JOBJ] = N_("an object"),
	};
	return (unsigned)t <= ND_JOBJ ? _(names[t]) : "?";
}

const char *nd_json_escape(unsigned char c, char buf[8])
{
	static const char hex[] = "0123456789abcdef";

	if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
		return NULL;
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default:
		memcpy(buf, "\\u00", 4);
		buf[4] = hex[c >> 4];
		buf[5] = hex[c & 15];
		buf[6] = '\0';
		return buf;
	}
}

const char *nd_json_escape_next(const char *p, const char *end, size_t *len, char buf[8])
{
	unsigned char c = (unsigned char)*p;

	*len = 1;
	if (c < 0x80)
		return nd_json_escape(c, buf);
	*len = nd_utf8_len((const unsigned char *)p, (const unsigned char *)end);
	if (*len)
		return NULL;
	*len = 1;
	return "\\ufffd";
}

void nd_json_write_str(FILE *out, const char *s, size_t n)
{
	size_t i, k, run = 0;
	char buf[8];
	const char *esc;

	if (nd_jphase_enabled > 0)
		nd_jphase_write();

	putc('"', out);
	for (i = 0; i < n; i += k) {
		if ((esc = nd_json_escape_next(s + i, s + n, &k, buf)) == NULL)
			continue;
		fwrite(s + run, 1, i - run, out);
		fputs(esc, out);
		run = i + k;
	}
	fwrite(s + run, 1, n - run, out);
	putc('"', out);
}

