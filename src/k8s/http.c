/* SPDX-License-Identifier: MIT */
#include "k8s/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"
#include "core/i18n.h"

struct xfer {
	struct nd_http *h;
	CURL *easy;
	struct curl_slist *hdrs;
	char *bearer_hdr;
	struct nd_http_req req;
	struct nd_http_body err;     /* a non-2xx body (the Status object) */
	bool aborted, body_toobig;
	size_t body_bytes;
	char first[64];
	size_t first_len;
	struct nd_http_hdrs hd;
	char errbuf[CURL_ERROR_SIZE];
	int64_t started;
	struct xfer *next;
};

struct nd_http {
	struct nd_http_config c;
	char *base;                  /* URL prefix used for requests */
	char *connect_to;            /* "name:port:host:port" for tls-server-name */
	struct curl_slist *connect_list;
	CURLM *multi;
	CURLSH *share;
	struct xfer *running;
	char last_version[16];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void do_global_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int64_t nd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *nd_http_fail_name(enum nd_http_fail f)
{
	static const char *const n[] = {"ok", "dns", "connect", "timeout", "tls-verify", "tls",
					"client-cert", "truncated", "aborted", "other",
					"headers-too-big", "body-too-big"};

	return (unsigned)f < sizeof(n) / sizeof(n[0]) ? n[f] : "other";
}

/* With tls-server-name: request https://<name>:<port>/... and connect to the real host. */
static int setup_server(struct nd_http *h, struct nd_err *e)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *scheme = NULL, *url = NULL;
	int rc = -1;

	if (!u)
		nd_oom(0);
	if (curl_url_set(u, CURLUPART_URL, h->c.server, 0) != CURLUE_OK) {
		nd_err_set(e, _("server '%s' is not a URL"), h->c.server);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0)) {
		nd_err_set(e, _("server '%s' is not an http(s) URL"), h->c.server);
		goto out;
	}
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	if (h->c.tls_server_name && host && port) {
		size_t n = strlen(h->c.tls_server_name) * 2 + strlen(host) + strlen(port) * 2 + 8;

		h->connect_to = nd_xmalloc(n);
		snprintf(h->connect_to, n, "%s:%s:%s:%s", h->c.tls_server_name, port, host, port);
		h->connect_list = curl_slist_append(NULL, h->connect_to);
		if (curl_url_set(u, CURLUPART_HOST, h->c.tls_server_name, 0) != CURLUE_OK) {
			nd_err_set(e, _("tls-server-name '%s' is not a host name"), h->c.tls_server_name);
			goto out;
		}
	}
	curl_url_get(u, CURLUPART_URL, &url, 0);
	{
		size_t l = strlen(url);

		while (l > 0 && url[l - 1] == '/')
			url[--l] = '\0';
		h->base = nd_xstrdup(url);
	}
	rc = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_free(url);
	curl_url_cleanup(u);
	return rc;
}

struct nd_http *nd_http_new(const struct nd_http_config *c, struct nd_err *e)
{
	struct nd_http *h;

	pthread_once(&curl_once, do_global_init);
	if (curl_init_rc != CURLE_OK) {
		nd_err_set(e, _("cannot initialise libcurl: %s"), curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	h = nd_xcalloc(1, sizeof(*h));
	h->c = *c;
	if (!h->c.connect_timeout_ms)
		h->c.connect_timeout_ms = 10000;
	if (!h->c.max_connections)
		h->c.max_connections = 6;
	if (!h->c.err_body_max)
		h->c.err_body_max = 64 * 1024;
	if (!h->c.max_headers)
		h->c.max_headers = 256 * 1024;
	if (!h->c.low_speed_ms)
		h->c.low_speed_ms = 10000;
	if (setup_server(h, e) < 0) {
		nd_http_free(h);
		return NULL;
	}
	h->multi = curl_multi_init();
	h->share = curl_share_init();
	if (!h->multi || !h->share)
		nd_oom(0);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->c.max_connections);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->c.max_connections);
	return h;
}

static void xfer_free(struct xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	if (x->bearer_hdr) {
		explicit_bzero(x->bearer_hdr, strlen(x->bearer_hdr));
		free(x->bearer_hdr);
	}
	free((char *)x->req.path);
	nd_http_body_release(&x->err);
	free(x);
}

void nd_http_free(struct nd_http *h)
{
	struct xfer *x, *n;

	if (!h)
		return;
	for (x = h->running; x; x = n) {
		n = x->next;
		curl_multi_remove_handle(h->multi, x->easy);
		xfer_free(x);
	}
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->share)
		curl_share_cleanup(h->share);
	curl_slist_free_all(h->connect_list);
	free(h->connect_to);
	free(h->base);
	free(h);
}

void nd_http_body_init(struct nd_http_body *c, size_t max, bool fail_over)
{
	nd_buf_init(&c->body, max);
	c->fail_over = fail_over;
	c->cut = false;
}

int nd_http_body_add(void *ctx, const char *p, size_t n)
{
	struct nd_http_body *c = ctx;
	size_t room = c->body.max - c->body.len;

	if (n > room) {
		c->cut = true;
		if (c->fail_over)
			return -1;
		n = room;    /* keep the start */
	}
	if (n)
		nd_buf_add(&c->body, p, n);
	else if (!c->body.p)
		nd_buf_add(&c->body, "", 0);
	return 0;
}

void nd_http_body_release(struct nd_http_body *c)
{
	nd_buf_release(&c->body);
}

static size_t on_write(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm;
	long code = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (x->first_len < sizeof(x->first) - 1) {
		size_t k = sizeof(x->first) - 1 - x->first_len;

		if (k > n)
			k = n;
		memcpy(x->first + x->first_len, p, k);
		x->first_len += k;
	}
	if (code >= 200 && code < 300) {
		curl_off_t wire = 0;
		unsigned ratio = x->req.max_ratio ? x->req.max_ratio : 200;

		x->body_bytes += n;
		curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
		if ((x->req.max_body && x->body_bytes > x->req.max_body) ||
		    (x->body_bytes > (2u << 20) && wire > 0 &&
		     x->body_bytes / (size_t)wire > ratio)) {
			x->body_toobig = true;
			return 0;
		}
		if (x->req.on_body && x->req.on_body(x->req.ctx, p, n) < 0) {
			x->aborted = true;
			return 0;
		}
		return n;
	}
	if (!x->err.body.max)
		nd_http_body_init(&x->err, x->h->c.err_body_max, false);
	nd_http_body_add(&x->err, p, n);
	return n;
}

static void trim(char *s)
{
	size_t l = strlen(s);

	while (l > 0 && (s[l - 1] == '\r' || s[l - 1] == '\n' || s[l - 1] == ' '))
		s[--l] = '\0';
}

void nd_http_hdrs_init(struct nd_http_hdrs *hd)
{
	memset(hd, 0, sizeof(*hd));
	hd->retry_after_ms = -1;
}

bool nd_http_hdrs_line(struct nd_http_hdrs *hd, const char *p, size_t n, size_t max)
{
	char line[256];

	hd->bytes += n;
	if (hd->bytes > max) {
		hd->toobig = true;
		return false;
	}
	if (n >= sizeof(line))
		return true;
	memcpy(line, p, n);
	line[n] = '\0';
	trim(line);
	if (strncasecmp(line, "HTTP/", 5) == 0) {
		/* a new response (after 100-continue or a proxy CONNECT): start over */
		hd->bytes = n;
		hd->retry_after_ms = -1;
		hd->content_type[0] = '\0';
	} else if (strncasecmp(line, "Retry-After:", 12) == 0) {
		const char *v = line + 12;
		int64_t s;

		while (*v == ' ')
			v++;
		/* seconds; a larger value is kept (capped) so the caller can say it */
		if (nd_parse_i64(v, strlen(v), 0, INT64_MAX / 1000, &s) == 0)
			hd->retry_after_ms = s > 864000 ? 864000000 : s * 1000;
	} else if (strncasecmp(line, "Content-Type:", 13) == 0) {
		const char *v = line + 13;

		while (*v == ' ')
			v++;
		snprintf(hd->content_type, sizeof(hd->content_type), "%.127s", v);
	}
	return true;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm;

	return nd_http_hdrs_line(&x->hd, p, n, x->h->c.max_headers) ? n : 0;
}

int nd_http_start(struct nd_http *h, const struct nd_http_req *req, struct nd_err *e)
{
	struct xfer *x = nd_xcalloc(1, sizeof(*x));
	size_t ul = strlen(h->base) + strlen(req->path) + 2;
	char *url = nd_xmalloc(ul);
	CURL *c;

	x->h = h;
	x->req = *req;
	x->req.path = nd_xstrdup(req->path);
	x->req.bearer = NULL;
	x->req.body = NULL;
	nd_http_hdrs_init(&x->hd);
	x->easy = c = curl_easy_init();
	if (!c)
		nd_oom(0);
	snprintf(url, ul, "%s%s%s", h->base, req->path[0] == '/' ? "" : "/", req->path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SHARE, h->share);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "netdiag/0.1 (linux)");
	{
		/* the request's own bound (what a run's deadline leaves) when it is shorter */
		int64_t ct = h->c.connect_timeout_ms, tt = h->c.timeout_ms, rt = req->timeout_ms;

		if (rt > 0 && (ct <= 0 || rt < ct))
			ct = rt;
		if (rt > 0 && (tt <= 0 || rt < tt))
			tt = rt;
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)ct);
		if (tt > 0)
			curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)tt);
		/* a drip: under 512 bytes/s for low_speed_ms (whole seconds, at least 1) */
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 512L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
				 (long)(h->c.low_speed_ms >= 1000 ? h->c.low_speed_ms / 1000 : 1));
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	if (h->connect_list)
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, h->connect_list);
	if (h->c.proxy)
		curl_easy_setopt(c, CURLOPT_PROXY, h->c.proxy);
	if (h->c.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (h->c.ca_data) {
		struct curl_blob b = {.data = (void *)h->c.ca_data, .len = h->c.ca_len,
				      .flags = CURL_BLOB_COPY};

		curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &b);
	} else if (h->c.ca_file) {
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(c, CURLOPT_CAINFO, h->c.ca_file);
	}
	if (req->cert_data && req->key_data) {
		struct curl_blob cb = {.data = (void *)req->cert_data, .len = req->cert_len,
				       .flags = CURL_BLOB_COPY};
		struct curl_blob kb = {.data = (void *)req->key_data, .len = req->key_len,
				       .flags = CURL_BLOB_COPY};

		curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cb);
		curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
		curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &kb);
	} else if (req->cert_file && req->key_file) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, req->cert_file);
		curl_easy_setopt(c, CURLOPT_SSLKEY, req->key_file);
	}
	x->hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (req->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, req->body);
		x->hdrs = curl_slist_append(x->hdrs, "Content-Type: application/json");
	}
	if (req->method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->bearer) {
		size_t bl = strlen(req->bearer) + 32;

		x->bearer_hdr = nd_xmalloc(bl);
		snprintf(x->bearer_hdr, bl, "Authorization: Bearer %s", req->bearer);
		x->hdrs = curl_slist_append(x->hdrs, x->bearer_hdr);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs);
	x->started = nd_now_ms();
	if (curl_multi_add_handle(h->multi, c) != CURLM_OK) {
		xfer_free(x);
		return nd_err_set(e, _("cannot start a request to '%s'"), h->c.server);
	}
	x->next = h->running;
	h->running = x;
	return 0;
}

static enum nd_http_fail classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK: return ND_HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return ND_HTTP_DNS;
	case CURLE_COULDNT_CONNECT: return ND_HTTP_CONNECT;
	case CURLE_OPERATION_TIMEDOUT: return ND_HTTP_TIMEOUT;
	case CURLE_PEER_FAILED_VERIFICATION: return ND_HTTP_TLS_VERIFY;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER: return ND_HTTP_CLIENT_CERT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR: return ND_HTTP_TLS;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_SEND_ERROR: return ND_HTTP_TRUNCATED;
	case CURLE_WRITE_ERROR: return ND_HTTP_ABORTED;
	default: return ND_HTTP_OTHER;
	}
}

static void finish(struct nd_http *h, struct xfer *x, CURLcode rc)
{
	struct nd_http_result res = {.retry_after_ms = x->hd.retry_after_ms};
	struct xfer **pp;
	long ver = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &res.status);
	curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &ver);
	snprintf(h->last_version, sizeof(h->last_version), "%s",
		 ver == CURL_HTTP_VERSION_2_0 ? "HTTP/2" : ver == CURL_HTTP_VERSION_1_1 ? "HTTP/1.1" :
		 ver == CURL_HTTP_VERSION_1_0 ? "HTTP/1.0" : "HTTP");
	res.fail = x->aborted ? ND_HTTP_ABORTED : classify(rc);
	if (rc != CURLE_OK)
		snprintf(res.error, sizeof(res.error), "%s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	if (x->hd.toobig || (rc == CURLE_OUT_OF_MEMORY && x->hd.bytes > 0 &&
			       x->body_bytes == 0 && !x->err.body.len)) {
		/* ours (max_headers), or curl's own limit on one header line (100 KiB,
		 * which libcurl reports as "out of memory" while reading headers) */
		res.fail = ND_HTTP_HEADERS_TOOBIG;
		snprintf(res.error, sizeof(res.error), _("the answer's headers are larger than %zu "
			 "bytes%s"), x->hd.toobig ? x->h->c.max_headers : (size_t)100 * 1024,
			 x->hd.toobig ? "" : " (one header line)");
	} else if (x->body_toobig) {
		curl_off_t wire = 0;

		curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
		res.fail = ND_HTTP_BODY_TOOBIG;
		if (x->req.max_body && x->body_bytes > x->req.max_body)
			snprintf(res.error, sizeof(res.error), _("the answer is larger than %zu bytes"),
				 x->req.max_body);
		else
			snprintf(res.error, sizeof(res.error), _("the answer inflates more than %u "
				 "times (%zu bytes from %lld on the wire): a compression bomb?"),
				 x->req.max_ratio ? x->req.max_ratio : 200, x->body_bytes,
				 (long long)wire);
	}
	res.body_bytes = x->body_bytes;
	{
		curl_off_t wire = 0;

		curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
		res.wire_bytes = wire > 0 ? (size_t)wire : 0;
	}
	memcpy(res.first, x->first, x->first_len);
	res.first[x->first_len] = '\0';
	res.first_len = x->first_len;
	res.content_type = x->hd.content_type[0] ? x->hd.content_type : NULL;
	res.body = x->err.body.p;
	res.body_len = x->err.body.len;
	res.elapsed_ms = nd_now_ms() - x->started;
	for (pp = &h->running; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	curl_multi_remove_handle(h->multi, x->easy);
	if (x->req.on_done)
		x->req.on_done(x->req.ctx, &res);
	xfer_free(x);
}

int nd_http_poll(struct nd_http *h, int64_t wait_ms)
{
	int running = 0, left;
	CURLMsg *m;

	curl_multi_perform(h->multi, &running);
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x)
			finish(h, x, m->data.result);
	}
	if (!h->running)
		return 0;
	if (wait_ms > 0)
		curl_multi_poll(h->multi, NULL, 0, (int)(wait_ms > 1000 ? 1000 : wait_ms), NULL);
	curl_multi_perform(h->multi, &running);
	return running ? running : (h->running != NULL);
}

const char *nd_http_last_version(const struct nd_http *h)
{
	return h->last_version[0] ? h->last_version : "none";
}
