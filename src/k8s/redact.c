/* SPDX-License-Identifier: MIT */
#include "k8s/redact.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"
#include "core/i18n.h"

#define MARK "<redacted>"
#define MARK_LEN (sizeof(MARK) - 1)
#define SCRATCH_MAX ((size_t)128 << 20)

struct nd_redact {
	regex_t extra;
	bool has_extra;
};

struct nd_redact *nd_redact_new(const char *extra, struct nd_err *e)
{
	struct nd_redact *r = nd_xcalloc(1, sizeof(*r));
	int rc;

	if (extra) {
		rc = regcomp(&r->extra, extra, REG_EXTENDED);
		if (rc != 0) {
			char msg[200];

			regerror(rc, &r->extra, msg, sizeof(msg));
			free(r);
			nd_err_set(e, _("--redact-extra '%s' is not a regular expression: %s"), extra, msg);
			return NULL;
		}
		r->has_extra = true;
	}
	return r;
}

void nd_redact_free(struct nd_redact *r)
{
	if (!r)
		return;
	if (r->has_extra)
		regfree(&r->extra);
	free(r);
}

static bool has_ci(const char *s, size_t n, const char *sub)
{
	size_t l = strlen(sub);

	for (size_t i = 0; i + l <= n; i++)
		if (strncasecmp(s + i, sub, l) == 0)
			return true;
	return false;
}

bool nd_redact_secret_name(const char *s, size_t n)
{
	static const char *const pat[] = {"pass", "pwd", "secret", "token", "key", "credential",
					  "auth", "cert", "private", "connection", "dsn", "sas"};

	for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (has_ci(s, n, pat[i]))
			return true;
	return false;
}

bool nd_redact_secret_meta_key(const char *k, size_t n)
{
	static const char *const pat[] = {"token", "secret", "password", "passwd", "credential",
					  "apikey", "api-key", "api_key", "private-key",
					  "privatekey", "private_key"};

	for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (has_ci(k, n, pat[i]))
			return true;
	if (n >= 3 && strncasecmp(k + n - 3, "key", 3) == 0 &&
	    (n == 3 || strchr("/-_.", k[n - 4])))
		return true;
	return false;
}

/* Where a URL's authority ends; a raw password may hold anything else (` ; , < >). */
static bool url_end(char c)
{
	return !c || strchr("/?# \t\r\n\"'", c);
}

/* Pass 1: URL credentials and Authorization values, in any string. */
static size_t pass_any(const char *s, size_t n, struct nd_buf *o)
{
	size_t i = 0, count = 0;

	while (i < n) {
		if (i + 3 <= n && memcmp(s + i, "://", 3) == 0) {
			size_t j = i + 3, at = 0, colon = 0;

			for (; j < n && !url_end(s[j]); j++) {
				if (s[j] == '@')
					at = j;
				else if (s[j] == ':' && !at && !colon)
					colon = j;
			}
			if (at && colon && colon < at) {         /* user:PASS@ or :PASS@ */
				nd_buf_add(o, s + i, colon + 1 - i);
				nd_buf_add(o, MARK, MARK_LEN);
				i = at;
				count++;
				continue;
			}
			if (at && at - (i + 3) >= 16) {           /* TOKEN@ */
				nd_buf_add(o, "://", 3);
				nd_buf_add(o, MARK, MARK_LEN);
				i = at;
				count++;
				continue;
			}
			nd_buf_add(o, s + i, 3);
			i += 3;
			continue;
		}
		if ((i == 0 || !((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z')) &&
		    ((i + 7 <= n && strncasecmp(s + i, "bearer ", 7) == 0) ||
		     (i + 6 <= n && strncasecmp(s + i, "basic ", 6) == 0))) {
			size_t w = (s[i] | 0x20) == 'b' && (s[i + 1] | 0x20) == 'e' ? 7 : 6, j;

			j = i + w;
			while (j < n && s[j] == ' ')
				j++;
			{
				size_t k = j;

				while (k < n && !strchr(" \t\r\n\"',;", s[k]))
					k++;
				if (k - j >= 8) {
					nd_buf_add(o, s + i, j - i);
					nd_buf_add(o, MARK, MARK_LEN);
					i = k;
					count++;
					continue;
				}
			}
		}
		nd_buf_addc(o, s[i]);
		i++;
	}
	return count;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_mysql(const char *w, size_t n)
{
	static const char *const names[] = {"mysql", "mariadb", "mysqldump", "mysqladmin"};
	const char *base = w;

	for (size_t i = 0; i < n; i++)
		if (w[i] == '/')
			base = w + i + 1;
	n -= (size_t)(base - w);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i]) && memcmp(base, names[i], n) == 0)
			return true;
	return false;
}

/* One word: emit it, redacted as the word rules say. */
static size_t word(const char *w, size_t n, bool *pending, bool *mysql, struct nd_buf *o)
{
	const char *eq = memchr(w, '=', n);
	size_t lead = 0;

	if (*pending) {
		*pending = false;
		if (n && w[0] != '-') {
			nd_buf_add(o, MARK, MARK_LEN);
			return 1;
		}
	}
	if (is_mysql(w, n))
		*mysql = true;
	while (lead < n && lead < 2 && w[lead] == '-')
		lead++;
	if (lead && eq) {
		const char *flag = w + lead, *v = eq + 1;
		size_t fl = (size_t)(eq - flag), vl = n - (size_t)(v - w);

		if (vl && (nd_redact_secret_name(flag, fl) ||
			   (fl == 1 && flag[0] == 'p' && !all_digits(v, vl)))) {
			nd_buf_add(o, w, (size_t)(v - w));
			nd_buf_add(o, MARK, MARK_LEN);
			return 1;
		}
	} else if (lead && n > lead) {
		if (lead == 1 && *mysql && w[1] == 'p' && n > 2) {       /* mysql -pPASS */
			nd_buf_add(o, w, 2);
			nd_buf_add(o, MARK, MARK_LEN);
			return 1;
		}
		if ((lead == 2 || n - lead > 1) && nd_redact_secret_name(w + lead, n - lead))
			*pending = true;                                   /* --password VALUE */
	} else if (!lead && eq && eq > w && nd_redact_secret_name(w, (size_t)(eq - w)) &&
		   n - (size_t)(eq - w) > 1) {
		nd_buf_add(o, w, (size_t)(eq - w) + 1);                    /* PGPASSWORD=x */
		nd_buf_add(o, MARK, MARK_LEN);
		return 1;
	}
	nd_buf_add(o, w, n);
	return 0;
}

/* Pass 2: the word rules, words split on blanks; quotes are part of words. */
static size_t pass_words(const char *s, size_t n, bool *pending, struct nd_buf *o)
{
	size_t i = 0, count = 0;
	bool mysql = false;

	while (i < n) {
		size_t j = i;

		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
			j++;
		nd_buf_add(o, s + i, j - i);
		i = j;
		while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r')
			j++;
		if (j > i) {
			/* quotes around the word are kept out of the rules */
			size_t a = i, b = j;

			while (a < b && (s[a] == '"' || s[a] == '\''))
				a++;
			while (b > a && (s[b - 1] == '"' || s[b - 1] == '\'' || s[b - 1] == ';'))
				b--;
			nd_buf_add(o, s + i, a - i);
			count += word(s + a, b - a, pending, &mysql, o);
			nd_buf_add(o, s + b, j - b);
		}
		i = j;
	}
	return count;
}

/* Pass 3: the site's own rule. */
static size_t pass_extra(const struct nd_redact *r, const char *s, size_t n, struct nd_buf *o)
{
	size_t count = 0, i = 0;
	regmatch_t m;

	while (i <= n) {
		int fl = i ? REG_NOTBOL : 0;

		if (regexec(&r->extra, s + i, 1, &m, fl) != 0 || m.rm_eo <= m.rm_so)
			break;
		nd_buf_add(o, s + i, (size_t)m.rm_so);
		nd_buf_add(o, MARK, MARK_LEN);
		i += (size_t)m.rm_eo;
		count++;
	}
	if (i < n)
		nd_buf_add(o, s + i, n - i);
	return count;
}

size_t nd_redact_str(const struct nd_redact *r, const char *s, size_t n, bool words,
		     bool *pending, struct nd_buf *out)
{
	struct nd_buf a = ND_BUF_INIT(SCRATCH_MAX), b = ND_BUF_INIT(SCRATCH_MAX);
	bool local = false;
	size_t count;

	count = pass_any(s, n, &a);
	if (!a.p)
		nd_buf_add(&a, "", 0);
	if (words || memchr(a.p, ' ', a.len)) {
		count += pass_words(a.p, a.len, pending ? pending : &local, &b);
		if (!b.p)
			nd_buf_add(&b, "", 0);
	} else {
		b = a;
		a = (struct nd_buf)ND_BUF_INIT(SCRATCH_MAX);
	}
	if (a.toobig || b.toobig) {   /* a value past the ceiling: nothing of it is kept */
		nd_buf_add(out, MARK, MARK_LEN);
		count++;
	} else if (r && r->has_extra && !memchr(b.p, '\0', b.len)) {
		count += pass_extra(r, b.p, b.len, out);
	} else {
		nd_buf_add(out, b.p, b.len);
	}
	nd_buf_release(&a);
	nd_buf_release(&b);
	return count;
}
