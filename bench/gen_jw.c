/* SPDX-License-Identifier: MIT */
/*
 * The bench generator's JSON writer: Go json.MarshalIndent layout with a
 * 4-space indent (what kubectl -o json prints), Go's string escaping
 * (including the HTML-safe \u003c \u003e \u0026), one 8 MiB buffer.
 */
#define _GNU_SOURCE
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JW_BUFSZ (8u << 20)

static const char spaces[] =
	"                                                                "
	"                                                                "
	"                                                                "
	"                                                                ";

static unsigned char esc_tab[256];

static void esc_init(void)
{
	if (esc_tab['"'])
		return;
	for (int c = 0; c < 0x20; c++)
		esc_tab[c] = 1;
	esc_tab['"'] = esc_tab['\\'] = 1;
	esc_tab['<'] = esc_tab['>'] = esc_tab['&'] = 1;
}

static void jw_flush(struct jw *w)
{
	size_t off = 0;

	while (!w->err && off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->err = errno;
			break;
		}
		off += (size_t)n;
	}
	w->total += off;
	w->len = 0;
}

bool jw_drop_managed;

static inline void put(struct jw *w, const char *s, size_t n)
{
	if (w->mute)
		return;
	if (w->len + n > w->cap) {
		jw_flush(w);
		if (n > w->cap) {   /* never in practice: pieces are small */
			w->err = w->err ? w->err : E2BIG;
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc1(struct jw *w, char c)
{
	if (w->mute)
		return;
	if (w->len + 1 > w->cap)
		jw_flush(w);
	w->buf[w->len++] = c;
}

static void put_escaped(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	putc1(w, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!esc_tab[c])
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(w, u, 6);
		}
		}
	}
	put(w, s + run, n - run);
	putc1(w, '"');
}

/* Separator and indentation before a member or element, then its key. */
static void lead(struct jw *w, const char *key)
{
	if (w->mute)
		return;
	if (w->depth > 0) {
		if (w->first[w->depth])
			w->first[w->depth] = false;
		else
			putc1(w, ',');
		putc1(w, '\n');
		size_t ind = (size_t)w->depth * 4;
		if (ind >= sizeof(spaces))
			ind = sizeof(spaces) - 1;
		put(w, spaces, ind);
	}
	if (key) {
		put_escaped(w, key, strlen(key));
		put(w, ": ", 2);
	}
}

int jw_open(struct jw *w, const char *path)
{
	esc_init();
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->buf = malloc(JW_BUFSZ);
	if (!w->buf)
		return -1;
	w->cap = JW_BUFSZ;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		free(w->buf);
		w->buf = NULL;
		return -1;
	}
	return 0;
}

int jw_close(struct jw *w)
{
	int err;

	putc1(w, '\n');
	jw_flush(w);
	err = w->err;
	if (w->depth != 0 && !err)
		err = EPROTO;   /* unbalanced writer calls: a bug here */
	if (close(w->fd) != 0 && !err)
		err = errno;
	free(w->buf);
	w->buf = NULL;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static void open_container(struct jw *w, const char *key, char o, char c)
{
	if (!w->mute && jw_drop_managed && key && !strcmp(key, "managedFields"))
		w->mute = w->depth + 1;
	lead(w, key);
	putc1(w, o);
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->err = w->err ? w->err : EOVERFLOW;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->close[w->depth] = c;
}

void jw_obj(struct jw *w, const char *key) { open_container(w, key, '{', '}'); }
void jw_arr(struct jw *w, const char *key) { open_container(w, key, '[', ']'); }

void jw_end(struct jw *w)
{
	if (w->depth <= 0) {
		w->err = w->err ? w->err : EPROTO;
		return;
	}
	bool empty = w->first[w->depth];
	char c = w->close[w->depth];

	w->depth--;
	if (w->mute && w->depth + 1 == w->mute) {
		w->mute = 0;
		return;
	}
	if (!empty) {
		putc1(w, '\n');
		put(w, spaces, (size_t)w->depth * 4);
	}
	putc1(w, c);
}

void jw_str(struct jw *w, const char *key, const char *v)
{
	lead(w, key);
	put_escaped(w, v, strlen(v));
}

void jw_strf(struct jw *w, const char *key, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		w->err = w->err ? w->err : EOVERFLOW;
		return;
	}
	lead(w, key);
	put_escaped(w, tmp, (size_t)n);
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	lead(w, key);
	put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	lead(w, key);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct jw *w, const char *key)
{
	lead(w, key);
	put(w, "null", 4);
}

void jw_empty(struct jw *w, const char *key)
{
	lead(w, key);
	put(w, "{}", 2);
}

void jw_fields(struct jw *w, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, w);
	while ((k = va_arg(ap, const char *)) != NULL)
		jw_empty(w, k);
	va_end(ap);
}

void jw_list_begin(struct jw *w)
{
	jw_obj(w, NULL);
	jw_str(w, "apiVersion", "v1");
	jw_arr(w, "items");
}

void jw_list_end(struct jw *w)
{
	jw_end(w);
	jw_str(w, "kind", "List");
	jw_obj(w, "metadata");
	jw_str(w, "resourceVersion", "");
	jw_end(w);
	jw_end(w);
}

/* ---- helpers ------------------------------------------------------------ */

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t gh(uint64_t seed, unsigned kind, uint64_t idx, unsigned field)
{
	uint64_t key = (idx & 0xffffffffULL) | ((uint64_t)(field & 0xffff) << 32) |
		       ((uint64_t)(kind & 0xffff) << 48);
	return mix64(seed * 0x9e3779b97f4a7c15ULL ^ mix64(key + (idx >> 32)));
}

/* Days since 1970-01-01 to a proleptic Gregorian date (era arithmetic). */
static void civil(int64_t days, int *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void fmt_time(char out[21], int64_t t)
{
	int64_t days = t / 86400, sec = t % 86400;
	int y;
	unsigned mo, d;

	if (sec < 0) {
		sec += 86400;
		days--;
	}
	char tmp[64];

	civil(days, &y, &mo, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02u:%02u:%02uZ", y % 10000, mo % 100, d % 100,
		 (unsigned)(sec / 3600), (unsigned)(sec / 60 % 60), (unsigned)(sec % 60));
	memcpy(out, tmp, 20);
	out[20] = 0;
}

void fmt_ip(char out[16], uint32_t ip)
{
	snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

void fmt_uid(char out[37], uint64_t a, uint64_t b)
{
	static const char hex[] = "0123456789abcdef";
	int j = 0;

	a = (a & ~0xf000ULL) | 0x4000ULL;                       /* version 4 */
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant */
	for (int i = 0; i < 32; i++) {
		uint64_t v = i < 16 ? a : b;
		int sh = 60 - 4 * (i % 16);
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[j++] = '-';
		out[j++] = hex[(v >> sh) & 15];
	}
	out[j] = 0;
}

void fmt_hex64(char out[65], uint64_t seed, unsigned kind, uint64_t idx)
{
	static const char hex[] = "0123456789abcdef";

	for (int k = 0; k < 4; k++) {
		uint64_t v = gh(seed, kind, idx, 100u + (unsigned)k);
		for (int i = 0; i < 16; i++)
			out[k * 16 + i] = hex[(v >> (60 - 4 * i)) & 15];
	}
	out[64] = 0;
}

/* The alphabet of k8s.io/apimachinery/pkg/util/rand (no vowels, no 0/1/3). */
static const char safe_alpha[] = "bcdfghjklmnpqrstvwxz2456789";

void fmt_safe(char *out, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = safe_alpha[v % 27];
		v = v / 27 ^ (v << 59 | i);
	}
	out[n] = 0;
}

void fmt_safe_bij(char out[6], uint64_t ord, uint64_t salt)
{
	const uint64_t space = 27ULL * 27 * 27 * 27 * 27;   /* 14348907 */
	/* x -> a*x + b mod 27^5 is a bijection when gcd(a, 27) = 1 */
	uint64_t a = (salt % (space / 3)) * 3 + 1;
	uint64_t v = (a * (ord % space) + (salt >> 24)) % space;

	for (int i = 0; i < 5; i++) {
		out[i] = safe_alpha[v % 27];
		v /= 27;
	}
	out[5] = 0;
}
