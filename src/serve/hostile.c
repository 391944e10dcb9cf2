/* SPDX-License-Identifier: MIT */
/* The hostile answers of `serve --fault-hostile` (hostile.h); zlib makes the gzip bomb. */
#include "serve/hostile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <zlib.h>

#include "core/err.h"
#include "serve/conns.h"
#include "core/banned.h"

#define ANSWER_MAX_MS 30000
#define ANSWERS_MAX 100000
#define BOMB_INFLATED (512u << 20)
#define HUGE_HEADER (200u << 10)

static const char LIST_HEAD[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
				"\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[";
/* names and values that are not UTF-8 (a lone 0xff, an overlong NUL, a surrogate) */
static const char bad_utf8[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},"
			       "\"items\":[{\"metadata\":{\"name\":\"bad\xff\xfename\","
			       "\"namespace\":\"hostile\xc0\x80\"},\"spec\":{\"nodeName\":"
			       "\"\xed\xa0\x80\"},\"status\":{\"podIP\":\"10.0.0.\xff\"}}]}";
/* every key twice, "items" too: which one counts is the decoder's choice, made once */
static const char dup_keys[] = "{\"kind\":\"PodList\",\"kind\":\"ServiceList\",\"apiVersion\":"
			       "\"v1\",\"metadata\":{},\"items\":[{\"metadata\":{\"name\":\"a\","
			       "\"namespace\":\"hostile\"}}],\"items\":[{\"metadata\":{\"name\":"
			       "\"b\",\"name\":\"c\",\"namespace\":\"hostile\",\"namespace\":"
			       "\"other\"},\"status\":{\"podIP\":\"10.0.0.1\",\"podIP\":"
			       "\"10.0.0.2\"}}]}";
static const char ITEM[] = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"hostile\"}},";

const char nd_hostile_names[] = "endless-list, gzip-bomb, endless-continue, repeat-continue, "
				"retry-after, drip, garbage, html, huge-header, redirect-loop, "
				"depth-bomb, huge-string, huge-number, invalid-utf8, duplicate-keys";

int nd_hostile_parse(const char *name)
{
	static const char *const names[] = {
		"", "endless-list", "gzip-bomb", "endless-continue", "repeat-continue",
		"retry-after", "drip", "garbage", "html", "huge-header", "redirect-loop",
		"depth-bomb", "huge-string", "huge-number", "invalid-utf8", "duplicate-keys",
	};

	for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned char *bomb;
static size_t bomb_len;

int nd_hostile_prepare(enum nd_hostile mode)
{
	z_stream z;
	size_t cap = 4u << 20, reps;
	char *chunk;
	size_t clen = 0;

	if (mode != ND_HOSTILE_GZIP_BOMB || bomb)
		return 0;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	chunk = nd_xmalloc(sizeof(ITEM) * 40000);
	for (int i = 0; i < 40000; i++) {
		memcpy(chunk + clen, ITEM, sizeof(ITEM) - 1);
		clen += sizeof(ITEM) - 1;
	}
	bomb = nd_xmalloc(cap);
	z.next_out = bomb;
	z.avail_out = (uInt)cap;
	z.next_in = (Bytef *)LIST_HEAD;
	z.avail_in = sizeof(LIST_HEAD) - 1;
	deflate(&z, Z_NO_FLUSH);
	for (reps = BOMB_INFLATED / clen; reps > 0 && z.avail_out > 1024; reps--) {
		z.next_in = (Bytef *)chunk;
		z.avail_in = (uInt)clen;
		while (z.avail_in && z.avail_out > 1024)
			deflate(&z, Z_NO_FLUSH);
	}
	/* the last item has no comma after it */
	z.next_in = (Bytef *)"{}]}";
	z.avail_in = 4;
	deflate(&z, Z_FINISH);
	bomb_len = cap - z.avail_out;
	deflateEnd(&z);
	free(chunk);
	return 0;
}

/* A piece of a generated body: len bytes at p, reps times over. */
struct seg {
	const char *p;
	size_t len;
	uint64_t reps;
};

struct gen {
	enum nd_hostile mode;
	int64_t t0;
	int64_t next;             /* drip: when the next byte is due */
	const atomic_bool *stopping;
	struct nd_conns *conns;
	struct MHD_Connection *c;
	const char *body;         /* drip: the whole body */
	size_t len;
	struct seg segs[6];       /* the other bounded bodies, one after the other */
	unsigned nseg, cur;
	uint64_t rep;             /* of segs[cur] */
	size_t off;               /* in its current repetition */
};

/* The next bytes of a body made of segments; END_OF_STREAM after the last. */
static ssize_t segs_read(struct gen *g, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max && g->cur < g->nseg) {
		const struct seg *s = &g->segs[g->cur];
		size_t k = s->len - g->off;

		if (k > max - n)
			k = max - n;
		memcpy(buf + n, s->p + g->off, k);
		n += k;
		g->off += k;
		if (g->off == s->len) {
			g->off = 0;
			if (++g->rep >= s->reps) {
				g->rep = 0;
				g->cur++;
			}
		}
	}
	return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

/* An answer that goes on: endless items, or a drip of one byte a second. */
static ssize_t gen_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct gen *g = cls;
	size_t n = 0;

	if (atomic_load(g->stopping) || now_ms() - g->t0 > ANSWER_MAX_MS)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (g->nseg)
		return segs_read(g, buf, max);
	if (g->mode == ND_HOSTILE_DRIP) {
		int64_t t = now_ms();

		if (pos >= g->len)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (pos > 0 && t < g->next) {
			/* the connection waits for its next byte; no thread does */
			int rc = nd_conns_pause(g->conns, g->c, g->next - t);

			if (rc < 0)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			if (rc == 0)
				return 0;     /* called again once resumed */
		}
		buf[0] = g->body[pos];
		g->next = now_ms() + 1000;
		return 1;
	}
	if (pos == 0 && max > sizeof(LIST_HEAD)) {
		memcpy(buf, LIST_HEAD, sizeof(LIST_HEAD) - 1);
		n = sizeof(LIST_HEAD) - 1;
	}
	while (n + sizeof(ITEM) <= max) {
		memcpy(buf + n, ITEM, sizeof(ITEM) - 1);
		n += sizeof(ITEM) - 1;
	}
	return (ssize_t)n;
}

/*
 * Lists with one item that attacks the decoder: nested a million arrays
 * deep, a name of 100 MiB, a number of a million digits. Each is finite
 * and valid JSON in form, sent as it is made.
 */
static struct MHD_Response *segs_answer(enum nd_hostile mode, const atomic_bool *stopping)
{
	static const char head[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":"
				   "{\"resourceVersion\":\"1\"},\"items\":[{\"metadata\":{\"name\":";
	static const char open_[] = "[[[[[[[[[[[[[[[[", close_[] = "]]]]]]]]]]]]]]]]";
	static const char as[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	static const char nines[] = "9999999999999999999999999999999999999999999999999999999999999999";
	struct gen *g = nd_xcalloc(1, sizeof(*g));
	struct MHD_Response *r;

	g->mode = mode;
	g->t0 = now_ms();
	g->stopping = stopping;
	g->segs[0] = (struct seg){head, sizeof(head) - 1, 1};
	switch (mode) {
	case ND_HOSTILE_DEPTH_BOMB:     /* "name":"a","x":[[[...]]] a million deep */
		g->segs[1] = (struct seg){"\"a\",\"namespace\":\"hostile\",\"x\":", 30, 1};
		g->segs[2] = (struct seg){open_, 16, 1000000 / 16};
		g->segs[3] = (struct seg){close_, 16, 1000000 / 16};
		g->nseg = 4;
		break;
	case ND_HOSTILE_HUGE_STRING:    /* "name":"AAAA..." of 100 MiB */
		g->segs[1] = (struct seg){"\"", 1, 1};
		g->segs[2] = (struct seg){as, 64, (100u << 20) / 64};
		g->segs[3] = (struct seg){"\"", 1, 1};
		g->nseg = 4;
		break;
	default:                        /* "name":"a","generation":999... a million digits */
		g->segs[1] = (struct seg){"\"a\",\"namespace\":\"hostile\",\"generation\":", 39, 1};
		g->segs[2] = (struct seg){nines, 64, 1000000 / 64};
		g->nseg = 3;
		break;
	}
	/* then the end: the metadata, the item, the items, the list */
	if (mode == ND_HOSTILE_HUGE_STRING)
		g->segs[g->nseg++] = (struct seg){",\"namespace\":\"hostile\"}}]}", 26, 1};
	else
		g->segs[g->nseg++] = (struct seg){"}}]}", 4, 1};
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, gen_read, g, free);
	if (!r)
		free(g);
	return r;
}

static int queue(struct MHD_Connection *c, unsigned code, struct MHD_Response *r,
		 const char *ctype)
{
	int ok;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	ok = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ok;
}

static int answer_buf(struct MHD_Connection *c, unsigned code, const char *ctype,
		      const char *body, size_t len)
{
	return queue(c, code, MHD_create_response_from_buffer(len, (void *)body,
							       MHD_RESPMEM_MUST_COPY), ctype);
}

int nd_hostile_answer(struct MHD_Connection *c, enum nd_hostile mode, uint64_t n,
		      const atomic_bool *stopping, struct nd_conns *conns)
{
	static const char drip[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},"
				   "\"items\":[]}";
	static const char html[] = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
				   "<body><form action=\"/login\"><input name=\"user\"></form>"
				   "</body></html>\n";
	static const char status429[] = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
					"\"status\":\"Failure\",\"reason\":\"TooManyRequests\","
					"\"code\":429}";
	struct MHD_Response *r;
	char body[256];
	struct gen *g;
	int ok;

	if (n > ANSWERS_MAX)
		return answer_buf(c, 503, "text/plain", "hostile: answer budget spent\n", 29);
	switch (mode) {
	case ND_HOSTILE_ENDLESS_LIST:
	case ND_HOSTILE_DRIP:
		g = nd_xcalloc(1, sizeof(*g));
		g->mode = mode;
		g->t0 = now_ms();
		g->stopping = stopping;
		g->conns = conns;
		g->c = c;
		g->body = drip;
		g->len = sizeof(drip) - 1;
		r = MHD_create_response_from_callback(mode == ND_HOSTILE_DRIP ? g->len
									   : MHD_SIZE_UNKNOWN,
						      64 * 1024, gen_read, g, free);
		if (!r)
			free(g);
		return queue(c, 200, r, "application/json");
	case ND_HOSTILE_GZIP_BOMB:
		r = MHD_create_response_from_buffer(bomb_len, bomb, MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		return queue(c, 200, r, "application/json");
	case ND_HOSTILE_ENDLESS_CONTINUE:
	case ND_HOSTILE_REPEAT_CONTINUE:
		snprintf(body, sizeof(body), "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
			 "\"metadata\":{\"resourceVersion\":\"1\",\"continue\":\"%s%llu\"},"
			 "\"items\":[{\"metadata\":{\"name\":\"p%llu\",\"namespace\":\"hostile\"}}]}",
			 mode == ND_HOSTILE_REPEAT_CONTINUE ? "same" : "tok-",
			 mode == ND_HOSTILE_REPEAT_CONTINUE ? 0ULL : (unsigned long long)n,
			 (unsigned long long)n);
		return answer_buf(c, 200, "application/json", body, strlen(body));
	case ND_HOSTILE_RETRY_AFTER:
		r = MHD_create_response_from_buffer(sizeof(status429) - 1, (void *)status429,
						    MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "86400");
		return queue(c, 429, r, "application/json");
	case ND_HOSTILE_GARBAGE: {
		char *junk = nd_xmalloc(64 * 1024);

		for (size_t i = 0; i < 64 * 1024; i++)
			junk[i] = (char)(0x80 | ((i * 2654435761u) >> 24));
		r = MHD_create_response_from_buffer(64 * 1024, junk, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(junk);
		return queue(c, 200, r, "application/json");
	}
	case ND_HOSTILE_HTML:
		return answer_buf(c, 200, "text/html; charset=utf-8", html, sizeof(html) - 1);
	case ND_HOSTILE_HUGE_HEADER: {
		char *v = nd_xmalloc(HUGE_HEADER + 1);

		memset(v, 'A', HUGE_HEADER);
		v[HUGE_HEADER] = '\0';
		r = MHD_create_response_from_buffer(sizeof(drip) - 1, (void *)drip,
						    MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, "X-Hostile", v);
		free(v);
		ok = queue(c, 200, r, "application/json");
		return ok;
	}
	case ND_HOSTILE_REDIRECT_LOOP:
		snprintf(body, sizeof(body), "/api/v1/pods?hop=%llu", (unsigned long long)n);
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, body);
		return queue(c, 302, r, "text/plain");
	case ND_HOSTILE_DEPTH_BOMB:
	case ND_HOSTILE_HUGE_STRING:
	case ND_HOSTILE_HUGE_NUMBER:
		return queue(c, 200, segs_answer(mode, stopping), "application/json");
	case ND_HOSTILE_INVALID_UTF8:
		return answer_buf(c, 200, "application/json", bad_utf8, sizeof(bad_utf8) - 1);
	case ND_HOSTILE_DUPLICATE_KEYS:
		return answer_buf(c, 200, "application/json", dup_keys, sizeof(dup_keys) - 1);
	case ND_HOSTILE_NONE:
		break;
	}
	return MHD_NO;
}
