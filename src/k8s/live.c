/* SPDX-License-Identifier: MIT */
#include "k8s/live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "k8s/auth.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "k8s/live_impl.h"
#include "core/banned.h"
#include "core/i18n.h"

static const struct nd_live_kind kinds_tab[] = {
	{ND_K_POD, "/api/v1/pods", "v1", "Pod", "pods"},
	{ND_K_NODE, "/api/v1/nodes", "v1", "Node", "nodes"},
	{ND_K_NAMESPACE, "/api/v1/namespaces", "v1", "Namespace", "namespaces"},
	{ND_K_SERVICE, "/api/v1/services", "v1", "Service", "services"},
	{ND_K_ENDPOINTS, "/api/v1/endpoints", "v1", "Endpoints", "endpoints"},
	{ND_K_ENDPOINTSLICE, "/apis/discovery.k8s.io/v1/endpointslices", "discovery.k8s.io/v1",
	 "EndpointSlice", "endpointslices"},
	{ND_K_EVENT, "/api/v1/events", "v1", "Event", "events"},
	{ND_K_DAEMONSET, "/apis/apps/v1/daemonsets", "apps/v1", "DaemonSet", "daemonsets"},
	{ND_K_NETWORKPOLICY, "/apis/networking.k8s.io/v1/networkpolicies", "networking.k8s.io/v1",
	 "NetworkPolicy", "networkpolicies"},
	{ND_K_SERVICEACCOUNT, "/api/v1/serviceaccounts", "v1", "ServiceAccount", "serviceaccounts"},
	{ND_K_ROLE, "/apis/rbac.authorization.k8s.io/v1/roles", "rbac.authorization.k8s.io/v1",
	 "Role", "roles"},
	{ND_K_CLUSTERROLE, "/apis/rbac.authorization.k8s.io/v1/clusterroles",
	 "rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles"},
	{ND_K_ROLEBINDING, "/apis/rbac.authorization.k8s.io/v1/rolebindings",
	 "rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"},
	{ND_K_CLUSTERROLEBINDING, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
	 "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings"},
	{ND_K_NNC, "/apis/acn.azure.com/v1alpha/nodenetworkconfigs", "acn.azure.com/v1alpha",
	 "NodeNetworkConfig", "nodenetworkconfigs"},
};

struct nd_live_kind *nd_live_kinds(size_t *n)
{
	struct nd_live_kind *k = nd_xmalloc(sizeof(kinds_tab));

	memcpy(k, kinds_tab, sizeof(kinds_tab));
	*n = sizeof(kinds_tab) / sizeof(kinds_tab[0]);
	return k;
}

#define SEEN_TOKENS 16

struct job {
	struct nd_live *lv;
	struct nd_live_kind *k;
	char list_kind[96];
	char *cont;
	bool full, running, done, auth_retried;
	unsigned attempts;
	size_t skip_left, skip_at_start, delivered_attempt;
	struct nd_json_push *push;
	struct nd_err perr;
	bool perr_set, over_budget;
	uint64_t seen[SEEN_TOKENS];   /* hashes of the continue tokens met, a ring */
	unsigned nseen;
	int64_t not_before, t0;
	char last[160];               /* why the last attempt was retried, for the message */
};

int nd_live_open(const struct nd_kubeconfig *kc, const struct nd_live_opts *o,
		 struct nd_live **out, struct nd_err *e)
{
	struct nd_live *lv = nd_xcalloc(1, sizeof(*lv));
	struct nd_http_config hc = {0};

	*out = NULL;
	lv->kc = kc;
	if (o)
		lv->o = *o;
	if (!lv->o.timeout_ms)
		lv->o.timeout_ms = 10000;
	if (!lv->o.page_limit)
		lv->o.page_limit = 500;
	if (!lv->o.parallel)
		lv->o.parallel = 4;
	if (!lv->o.max_retries)
		lv->o.max_retries = 5;
	if (!lv->o.max_backoff_ms)
		lv->o.max_backoff_ms = 10000;
	if (!lv->o.max_objects)
		lv->o.max_objects = 500000;
	if (!lv->o.max_pages)
		lv->o.max_pages = 10000;
	if (!lv->o.max_page_bytes)
		lv->o.max_page_bytes = (size_t)1 << 30;
	hc.server = kc->server;
	hc.ca_file = kc->ca_file;
	hc.ca_data = kc->ca_data;
	hc.ca_len = kc->ca_len;
	hc.insecure = kc->insecure;
	hc.tls_server_name = kc->tls_server_name;
	hc.proxy = kc->proxy_url;
	hc.connect_timeout_ms = lv->o.timeout_ms;
	hc.timeout_ms = lv->o.timeout_ms;
	hc.max_connections = (int)lv->o.parallel;
	lv->http = nd_http_new(&hc, e);
	if (!lv->http) {
		free(lv);
		return -1;
	}
	/* a plugin that hangs must not outlast the run (--timeout) */
	lv->auth = nd_auth_new(kc, o->deadline_ms ? (o->deadline_ms - nd_now_ms() > 1
						       ? o->deadline_ms - nd_now_ms() : 1) : 0);
	*out = lv;
	return 0;
}

void nd_live_free(struct nd_live *lv)
{
	if (!lv)
		return;
	nd_http_free(lv->http);
	nd_auth_free(lv->auth);
	free(lv);
}

const char *nd_live_protocol(const struct nd_live *lv)
{
	return nd_http_last_version(lv->http);
}

/*
 * The API server stores no object over 1.5 MiB (etcd's request limit): an
 * element far larger (a 100 MiB name) is an attack, cut before it is held.
 */
static const struct nd_json_stream_opts push_opts = {.max_item = 8u << 20};

static int on_item(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		   struct nd_err *e)
{
	struct job *j = ctx;
	const char *kind = nd_json_str(nd_json_get(obj, "kind"));

	/* the answer to /api/v1/pods is a PodList of Pods: anything else is not this API's */
	if ((list_kind && strcmp(list_kind, j->list_kind) != 0 && strcmp(list_kind, "List") != 0) ||
	    (kind && strcmp(kind, j->k->kind_name) != 0))
		return nd_err_set(e, _("the answer holds a %.60s where a %s of %s was asked for: not "
				  "a Kubernetes API server's answer"), kind && strcmp(kind,
				  j->k->kind_name) != 0 ? kind : list_kind, j->list_kind,
				  j->k->kind_name);
	if (j->skip_left > 0) {
		j->skip_left--;
		return 0;
	}
	if (j->lv->objects >= j->lv->o.max_objects) {
		j->over_budget = true;
		return nd_err_set(e, _("more than %zu objects in all (the budget of one run): the "
				  "rest of %s was not read"), j->lv->o.max_objects, j->k->file);
	}
	j->delivered_attempt++;
	j->k->objects++;
	j->lv->objects++;
	return j->lv->fn(obj, off, list_kind ? list_kind : j->list_kind, j->lv->fnctx, e);
}

static int on_body(void *ctx, const char *p, size_t n)
{
	struct job *j = ctx;

	if (nd_json_push_feed(j->push, p, n, &j->perr) < 0) {
		j->perr_set = true;
		return -1;
	}
	return 0;
}

static void urlenc(char *out, size_t outlen, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

static void on_done(void *ctx, const struct nd_http_result *res);

static void job_fail(struct job *j, const struct nd_api_error *ae, enum nd_live_state st)
{
	j->k->err = *ae;
	j->k->state = st;
	j->done = true;
	j->k->ms = nd_now_ms() - j->t0;
	if (j->lv->o.on_kind_done)
		j->lv->o.on_kind_done(j->lv->o.progress_ctx, j->k);
}

static void job_fail_msg(struct job *j, const char *msg)
{
	struct nd_api_error ae;

	memset(&ae, 0, sizeof(ae));
	ae.fail = ND_HTTP_OTHER;
	snprintf(ae.message, sizeof(ae.message), "%.511s", msg);
	job_fail(j, &ae, ND_LIVE_ERROR);
}

static void start(struct job *j)
{
	struct nd_live *lv = j->lv;
	char path[8192], enc[6144];
	struct nd_http_req rq = {0};
	struct nd_cred cr;
	struct nd_err e;
	int n;

	if (lv->o.deadline_ms && nd_now_ms() >= lv->o.deadline_ms) {
		char msg[600];

		if (j->k->pages)
			snprintf(msg, sizeof(msg), _("GET %.400s: cut after %zu pages and %zu objects: "
				 "the run's --timeout deadline passed (continue tokens that never "
				 "end?)"), j->k->path, j->k->pages, j->k->objects);
		else
			snprintf(msg, sizeof(msg), _("GET %.360s: not listed, the run's --timeout "
				 "deadline passed%s%s%.150s"), j->k->path,
				 j->k->retries ? _(" while retrying") : "", j->last[0] ? _(" after: ") : "",
				 j->last);
		job_fail_msg(j, msg);
		return;
	}
	if (nd_auth_get(lv->auth, &cr, &e) < 0) {
		job_fail_msg(j, e.msg);
		return;
	}
	if (lv->o.deadline_ms)
		rq.timeout_ms = lv->o.deadline_ms - nd_now_ms();
	if (j->full)
		n = snprintf(path, sizeof(path), "%s", j->k->path);
	else
		n = snprintf(path, sizeof(path), "%s%climit=%u", j->k->path,
			     strchr(j->k->path, '?') ? '&' : '?', lv->o.page_limit);
	if (j->cont) {
		urlenc(enc, sizeof(enc), j->cont);
		snprintf(path + n, sizeof(path) - (size_t)n, "%scontinue=%s",
			 j->full && !strchr(j->k->path, '?') ? "?" : "&", enc);
	}
	nd_json_push_free(j->push);
	j->push = nd_json_push_new(j->k->path, &push_opts, on_item, j);
	j->perr_set = false;
	j->skip_at_start = j->skip_left;
	j->delivered_attempt = 0;
	rq.path = path;
	nd_cred_apply(&cr, &rq);
	rq.on_body = on_body;
	rq.on_done = on_done;
	rq.ctx = j;
	rq.max_body = lv->o.max_page_bytes;
	if (nd_http_start(lv->http, &rq, &e) < 0) {
		job_fail_msg(j, e.msg);
		return;
	}
	j->running = true;
	lv->running++;
}

/* Try the same request again later: the objects it handed on are skipped. */
static bool retry(struct job *j, int64_t delay_ms)
{
	struct nd_live *lv = j->lv;

	if (j->attempts >= lv->o.max_retries)
		return false;
	if (delay_ms < 0) {
		int64_t b = 250LL << j->attempts;

		delay_ms = b + (nd_now_ms() % (b / 2 + 1));
		if (delay_ms > lv->o.max_backoff_ms)
			delay_ms = lv->o.max_backoff_ms;
	}
	/* the backoff itself must end before the deadline, or there is no time for another try */
	if (lv->o.deadline_ms && nd_now_ms() + delay_ms >= lv->o.deadline_ms)
		return false;
	j->attempts++;
	j->k->retries++;
	j->skip_left = j->skip_at_start + j->delivered_attempt;
	j->not_before = nd_now_ms() + delay_ms;
	return true;
}

static uint64_t token_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The body's first bytes, printable, for a message. */
static void first_bytes(char *out, size_t outlen, const struct nd_http_result *res)
{
	size_t o = 0;

	for (size_t i = 0; i < res->first_len && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)res->first[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		}
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

/* A 2xx answer that is not JSON: say what it is. */
static bool not_json(const struct nd_http_result *res)
{
	const char *ct = res->content_type;

	return ct && !strstr(ct, "json");
}

static void fail_not_json(struct job *j, const char *what, const struct nd_http_result *res)
{
	char msg[512], fb[200];

	first_bytes(fb, sizeof(fb), res);
	snprintf(msg, sizeof(msg), _("%s: HTTP %ld answer is not JSON (%s), it starts '%s': is "
		 "this a Kubernetes API server (a proxy's sign-in page?)"), what, res->status,
		 res->content_type ? res->content_type : "no Content-Type", fb);
	job_fail_msg(j, msg);
}

/* 429/5xx with Retry-After: wait what the server asks if the run has the time, else say so. */
static bool retry_after(struct job *j, const struct nd_http_result *res, struct nd_api_error *ae)
{
	struct nd_live *lv = j->lv;
	int64_t left = lv->o.deadline_ms ? lv->o.deadline_ms - nd_now_ms() : INT64_MAX;
	size_t l = strlen(ae->message);

	if (res->retry_after_ms < 0) {
		if (retry(j, -1))
			return true;
		if (j->attempts >= lv->o.max_retries)
			snprintf(ae->message + l, sizeof(ae->message) - l, _("; still failing "
				 "after %u tries"), j->attempts + 1);
		else
			snprintf(ae->message + l, sizeof(ae->message) - l, _("; not retried: the "
				 "run's --timeout deadline comes before the next try"));
		return false;
	}
	if (res->retry_after_ms < left && res->retry_after_ms <= lv->o.max_backoff_ms * 6 &&
	    retry(j, res->retry_after_ms))
		return true;
	if (res->retry_after_ms >= left)
		snprintf(ae->message + l, sizeof(ae->message) - l, _("; the server asks to wait "
			 "%lld s (Retry-After), more than the %.1f s left of --timeout: not "
			 "retried"), (long long)(res->retry_after_ms / 1000), (double)left / 1000.0);
	else
		snprintf(ae->message + l, sizeof(ae->message) - l, _("; still refused after %u "
			 "tries (Retry-After %lld s)"), j->attempts + 1,
			 (long long)(res->retry_after_ms / 1000));
	return false;
}

static void on_done(void *ctx, const struct nd_http_result *res)
{
	struct job *j = ctx;
	struct nd_live *lv = j->lv;
	struct nd_api_error ae;
	char what[256];

	j->running = false;
	lv->running--;
	snprintf(what, sizeof(what), "GET %s%s", j->k->path, j->cont ? " (continue)" : "");
	if (res->status >= 200 && res->status < 300 && res->fail == ND_HTTP_OK) {
		struct nd_err e;
		const struct nd_json *md;
		const char *c;

		if (nd_json_push_finish(j->push, &e) < 0) {
			if (not_json(res)) {
				fail_not_json(j, what, res);
				return;
			}
			if (retry(j, -1))
				return;
			job_fail_msg(j, e.msg);
			return;
		}
		if (!nd_json_push_is_list(j->push)) {
			const char *kind = nd_json_str(nd_json_push_member(j->push, "kind"));

			snprintf(ae.message, sizeof(ae.message), _("%s: the server answered with %s%s, "
				 "not a list: is it a Kubernetes API server?"), what,
				 kind ? "a " : "an object without kind", kind ? kind : "");
			job_fail_msg(j, ae.message);
			return;
		}
		j->k->pages++;
		j->attempts = 0;
		md = nd_json_push_member(j->push, "metadata");
		c = nd_json_str(nd_json_get(md, "continue"));
		if (c && c[0]) {
			uint64_t hv = token_hash(c);
			unsigned n = j->nseen < SEEN_TOKENS ? j->nseen : SEEN_TOKENS;

			for (unsigned t = 0; t < n; t++) {
				if (j->seen[t] == hv) {
					snprintf(ae.message, sizeof(ae.message), _("%s: the server gave "
						 "a continue token it gave before ('%.40s%s', page "
						 "%zu): a loop; the list was cut after %zu objects"),
						 what, c, strlen(c) > 40 ? "..." : "", j->k->pages,
						 j->k->objects);
					job_fail_msg(j, ae.message);
					return;
				}
			}
			j->seen[j->nseen++ % SEEN_TOKENS] = hv;
			if (j->k->pages >= lv->o.max_pages) {
				snprintf(ae.message, sizeof(ae.message), _("%s: more than %u pages "
					 "(continue tokens that never end?); the list was cut after "
					 "%zu objects"), what, lv->o.max_pages, j->k->objects);
				job_fail_msg(j, ae.message);
				return;
			}
		}
		free(j->cont);
		j->cont = c && c[0] ? nd_xstrdup(c) : NULL;
		if (!j->cont) {
			j->done = true;
			j->k->ms = nd_now_ms() - j->t0;
			if (lv->o.on_kind_done)
				lv->o.on_kind_done(lv->o.progress_ctx, j->k);
		}
		j->not_before = 0;
		return;
	}
	if (res->fail != ND_HTTP_OK && res->status < 300) {
		/* transport: the body was cut, the connection broke, a deadline passed */
		if (res->fail == ND_HTTP_ABORTED && j->perr_set) {
			if (j->over_budget) {
				snprintf(ae.message, sizeof(ae.message), "%.200s: %.300s", what,
					 j->perr.msg);
				job_fail_msg(j, ae.message);
				return;
			}
			if (not_json(res)) {
				fail_not_json(j, what, res);
				return;
			}
			if (j->attempts == 0 && retry(j, -1))
				return;
			{
				char fb[100];

				first_bytes(fb, sizeof(fb), res);
				snprintf(ae.message, sizeof(ae.message), _("%.120s: %.180s (%.60s, the answer starts "
					 "'%s')"), what, j->perr.msg, res->content_type ?
					 res->content_type : "no Content-Type", fb);
			}
			job_fail_msg(j, ae.message);
			return;
		}
		if (res->fail == ND_HTTP_HEADERS_TOOBIG || res->fail == ND_HTTP_BODY_TOOBIG) {
			nd_api_error_from(&ae, res, what);
			job_fail(j, &ae, ND_LIVE_ERROR);
			return;
		}
		snprintf(j->last, sizeof(j->last), "%.150s", res->error);
		if ((res->fail == ND_HTTP_TRUNCATED || res->fail == ND_HTTP_OTHER ||
		     (res->fail == ND_HTTP_TIMEOUT && j->attempts == 0)) && retry(j, -1))
			return;
		nd_api_error_from(&ae, res, what);
		if (res->fail == ND_HTTP_TIMEOUT && j->k->pages)
			snprintf(ae.message, sizeof(ae.message), _("%s: cut after %zu pages and %zu "
				 "objects when the run's --timeout deadline passed (continue tokens "
				 "that never end?)"), what, j->k->pages, j->k->objects);
		else if (res->fail == ND_HTTP_TIMEOUT && strstr(res->error, "too slow"))
			snprintf(ae.message, sizeof(ae.message), _("%s: no complete answer: slower "
				 "than 512 bytes/s for 10 s (%zu bytes came in %lld ms)"), what,
				 res->wire_bytes, (long long)res->elapsed_ms);
		else if (res->fail == ND_HTTP_TIMEOUT && j->delivered_attempt)
			snprintf(ae.message, sizeof(ae.message), _("%s: cut after %zu objects (%zu "
				 "bytes) when the run's --timeout deadline passed: a list that never "
				 "ends?"), what, j->k->objects, res->wire_bytes);
		else if (res->fail == ND_HTTP_TIMEOUT)
			snprintf(ae.message, sizeof(ae.message), _("%s: no complete answer within "
				 "%lld ms (--timeout; %zu bytes came)"), what,
				 (long long)lv->o.timeout_ms, res->wire_bytes);
		job_fail(j, &ae, ND_LIVE_ERROR);
		return;
	}
	nd_api_error_from(&ae, res, what);
	switch (res->status) {
	case 401:
		if (!j->auth_retried && nd_auth_invalidate(lv->auth)) {
			j->auth_retried = true;
			j->skip_left = j->skip_at_start + j->delivered_attempt;
			j->not_before = 0;
			return;
		}
		job_fail(j, &ae, ND_LIVE_ERROR);
		return;
	case 403:
		job_fail(j, &ae, ND_LIVE_FORBIDDEN);
		return;
	case 404:
		/* a CRD that is not installed answers a Status; anything else is not Kubernetes */
		job_fail(j, &ae, strcmp(ae.reason, "NotKubernetes") == 0 ? ND_LIVE_ERROR
									 : ND_LIVE_ABSENT);
		return;
	case 410:
		if (j->cont && j->k->restarts < 3) {
			j->k->restarts++;
			free(j->cont);
			j->cont = NULL;
			j->full = j->k->restarts >= 2;
			j->nseen = 0;    /* a new list: its tokens may be the old ones again */
			j->skip_left = j->k->objects;
			j->attempts = 0;
			j->not_before = 0;
			return;
		}
		job_fail(j, &ae, ND_LIVE_ERROR);
		return;
	case 429:
	case 500:
	case 502:
	case 503:
	case 504:
		if (retry_after(j, res, &ae))
			return;
		job_fail(j, &ae, ND_LIVE_ERROR);
		return;
	default:
		job_fail(j, &ae, ND_LIVE_ERROR);
		return;
	}
}

int nd_live_list(struct nd_live *lv, struct nd_live_kind *kinds, size_t n,
		 nd_json_item_fn fn, void *ctx, struct nd_err *e)
{
	struct job *jobs = nd_xcalloc(n ? n : 1, sizeof(*jobs));
	size_t i, ok = 0, left = n;
	const struct nd_live_kind *first_err = NULL;
	bool any_forbidden = false;

	lv->fn = fn;
	lv->fnctx = ctx;
	for (i = 0; i < n; i++) {
		jobs[i].lv = lv;
		jobs[i].k = &kinds[i];
		jobs[i].t0 = nd_now_ms();
		snprintf(jobs[i].list_kind, sizeof(jobs[i].list_kind), "%sList", kinds[i].kind_name);
		kinds[i].state = ND_LIVE_OK;
		kinds[i].objects = kinds[i].pages = 0;
		kinds[i].retries = kinds[i].restarts = 0;
	}
	while (left > 0) {
		int64_t now = nd_now_ms(), wait = 200;

		left = 0;
		for (i = 0; i < n; i++) {
			struct job *j = &jobs[i];

			if (j->done)
				continue;
			left++;
			if (j->running)
				continue;
			if (j->not_before <= now && lv->running < lv->o.parallel) {
				start(j);
			} else if (j->not_before > now && j->not_before - now < wait) {
				wait = j->not_before - now;
			}
		}
		if (left == 0)
			break;
		if (lv->running == 0) {
			struct timespec ts = {.tv_sec = wait / 1000, .tv_nsec = (wait % 1000) * 1000000};

			nanosleep(&ts, NULL);
		} else {
			nd_http_poll(lv->http, wait);
		}
	}
	for (i = 0; i < n; i++) {
		if (kinds[i].state == ND_LIVE_OK || kinds[i].state == ND_LIVE_ABSENT)
			ok++;
		else if (kinds[i].state == ND_LIVE_FORBIDDEN)
			any_forbidden = true;
		else if (!first_err)
			first_err = &kinds[i];
		nd_json_push_free(jobs[i].push);
		free(jobs[i].cont);
	}
	free(jobs);
	if (ok == 0 && !any_forbidden && first_err)
		return nd_err_set(e, _("cannot read the cluster from '%s': %s"), lv->kc->server,
				  first_err->err.message);
	return (int)ok;
}

struct model_sink {
	struct nd_model *m;
};

static int to_model(const struct nd_json *obj, size_t off, const char *list_kind, void *ctx,
		    struct nd_err *e)
{
	struct model_sink *s = ctx;
	struct nd_err oe;

	/* an object with a wrong field is dropped, as from a bundle */
	(void)nd_model_add_object(s->m, obj, list_kind, &oe);
	return 0;
}

int nd_live_load_model(struct nd_live *lv, struct nd_model *m, struct nd_live_kind *kinds,
		       size_t n, struct nd_err *e)
{
	struct model_sink s = {.m = m};
	int rc = nd_live_list(lv, kinds, n, to_model, &s, e);

	nd_model_finish(m);
	return rc;
}
