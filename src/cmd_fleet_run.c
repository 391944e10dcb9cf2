/* SPDX-License-Identifier: MIT */
/*
 * netdiag fleet run (cmd_fleet.h): the one fleet subcommand that writes.
 * The objects are those 'fleet manifest' prints (manifest.h), read back
 * from its YAML so the two never differ.
 */
#include "cmd.h"
#include "cmd_fleet.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks/fleet.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/num.h"
#include "core/yaml.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "k8s/live.h"
#include "manifest.h"
#include "core/banned.h"

#define MAX_OBJS 16
#define OBJ_MAX (1u << 20)             /* one object's answer */
#define LIST_MAX (64u << 20)           /* one page of agent pods */
#define PAGE 500
#define LOG_TAIL 50
#define OURS_LABEL "app.kubernetes.io/name"
#define AGENT_SELECTOR "app.kubernetes.io/name%3Dnetdiag%2Capp.kubernetes.io/component%3Dagent"
#define POLL_MS 2000
#define POLL_BIG_MS 5000               /* past 1,000 nodes */
#define QUIET_MS 30000                 /* not a terminal: a progress line at least this often */

struct kinddef {
	const char *kind, *api_version, *plural, *kubectl;
	bool namespaced;
	int rank;                          /* creation order: what others depend on first */
};

static const struct kinddef kinds[] = {
	{"Namespace", "v1", "namespaces", "namespace", false, 0},
	{"ServiceAccount", "v1", "serviceaccounts", "serviceaccount", true, 1},
	{"ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", "clusterrole", false, 2},
	{"Role", "rbac.authorization.k8s.io/v1", "roles", "role", true, 2},
	{"ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings",
	 "clusterrolebinding", false, 3},
	{"RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", "rolebinding", true, 3},
	{"DaemonSet", "apps/v1", "daemonsets", "daemonset", true, 4},
};

struct fobj {
	const struct kinddef *k;
	char *json;
	size_t len;
	char name[254], ns[64];
	char coll[600], path[900];
	bool created, present;
};

struct run {
	struct nd_ctx *ctx;
	const struct nd_fleet_run_opts *o;
	struct nd_live *lv;
	struct fobj obj[MAX_OBJS];
	size_t n;
	const char *ns;
	bool tty;
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* "DaemonSet netdiag/netdiag-agent" */
static const char *label(const struct fobj *f, char *buf, size_t n)
{
	if (f->k->namespaced)
		snprintf(buf, n, "%s %s/%s", f->k->kind, f->ns, f->name);
	else
		snprintf(buf, n, "%s %s", f->k->kind, f->name);
	return buf;
}

/* ---- the objects of the manifest ---- */

static int build(struct run *rn, struct nd_err *e)
{
	struct nd_buf yaml, js;
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json docs;
	size_t ndocs, i, j;
	int rc = -1;

	nd_buf_init(&yaml, ND_MANIFEST_MAX);
	nd_buf_init(&js, 4 * ND_MANIFEST_MAX);
	if (nd_manifest_fleet(&yaml, rn->o->image, rn->ctx->ns, e) < 0 ||
	    nd_yaml_to_json(yaml.p, yaml.len, &js, &ndocs, e) < 0 ||
	    nd_json_parse(js.p, js.len, 0, a, &docs, e) < 0)
		goto out;
	if (docs.n > MAX_OBJS) {
		nd_err_set(e, _("the fleet manifest holds %u objects, more than %d"), docs.n, MAX_OBJS);
		goto out;
	}
	for (i = 0; i < docs.n; i++) {
		const struct nd_json *d = &docs.u.items[i];
		const char *kind = nd_json_str(nd_json_get(d, "kind"));
		const char *av = nd_json_str(nd_json_get(d, "apiVersion"));
		const char *name = nd_json_str(nd_json_path(d, "metadata", "name", NULL));
		const char *ns = nd_json_str(nd_json_path(d, "metadata", "namespace", NULL));
		const struct kinddef *k = NULL;
		struct fobj *f = &rn->obj[rn->n];
		struct nd_buf b;

		for (j = 0; kind && av && j < sizeof(kinds) / sizeof(kinds[0]); j++)
			if (strcmp(kinds[j].kind, kind) == 0 && strcmp(kinds[j].api_version, av) == 0)
				k = &kinds[j];
		if (!k || !name || strlen(name) >= sizeof(f->name) ||
		    (k->namespaced && (!ns || strlen(ns) >= sizeof(f->ns)))) {
			nd_err_set(e, _("fleet manifest object %zu (%s %s) is not one fleet run can "
				   "create"), i + 1, av ? av : "?", kind ? kind : "?");
			goto out;
		}
		f->k = k;
		snprintf(f->name, sizeof(f->name), "%s", name);
		snprintf(f->ns, sizeof(f->ns), "%s", k->namespaced ? ns : "");
		snprintf(f->coll, sizeof(f->coll), "%s%s%s%s/%s",
			 strchr(av, '/') ? "/apis/" : "/api/", av,
			 k->namespaced ? "/namespaces/" : "", k->namespaced ? ns : "", k->plural);
		snprintf(f->path, sizeof(f->path), "%s%s%s%s/%s/%s",
			 strchr(av, '/') ? "/apis/" : "/api/", av,
			 k->namespaced ? "/namespaces/" : "", k->namespaced ? ns : "", k->plural, name);
		nd_buf_init(&b, OBJ_MAX);
		nd_buf_json(&b, d);
		f->json = nd_buf_detach(&b, &f->len);
		rn->n++;
	}
	/* dependency order, stable: what a later object names exists before it */
	for (i = 1; i < rn->n; i++)
		for (j = i; j > 0 && rn->obj[j - 1].k->rank > rn->obj[j].k->rank; j--) {
			struct fobj t = rn->obj[j];

			rn->obj[j] = rn->obj[j - 1];
			rn->obj[j - 1] = t;
		}
	rc = 0;
out:
	nd_buf_release(&yaml);
	nd_buf_release(&js);
	nd_arena_free(a);
	return rc;
}

/* ---- creating ---- */

static bool is_ours(const char *body, size_t len)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_json root;
	struct nd_err e;
	const char *v;
	bool ours = false;

	if (nd_json_parse(body, len, 0, a, &root, &e) == 0) {
		v = nd_json_str(nd_json_path(&root, "metadata", "labels", OURS_LABEL, NULL));
		ours = v && strcmp(v, "netdiag") == 0;
	}
	nd_arena_free(a);
	return ours;
}

/* Why a create failed, in words an operator can act on. */
static void create_failed(const struct fobj *f, const struct nd_api_error *ae)
{
	char what[400], res[200];

	label(f, what, sizeof(what));
	snprintf(res, sizeof(res), "%s%s%s", f->k->plural, strchr(f->k->api_version, '/') ? "." : "",
		 strchr(f->k->api_version, '/') ? f->k->api_version : "");
	if (strchr(res, '/'))
		*strchr(res, '/') = '\0';
	if (ae->http == 403) {
		fprintf(stderr, _("netdiag fleet run: cannot create %s: 403 Forbidden: %s\n"), what,
			ae->message);
		if (f->k->namespaced)
			fprintf(stderr, _("netdiag fleet run: the permission missing: create %s in "
					  "the namespace \"%s\" for \"%s\" (check: kubectl auth can-i "
					  "create %s -n %s); fleet run needs create and delete on "
					  "namespaces, serviceaccounts, clusterroles, "
					  "clusterrolebindings and daemonsets\n"),
				res, f->ns, ae->user[0] ? ae->user : "?", res, f->ns);
		else
			fprintf(stderr, _("netdiag fleet run: the permission missing: create %s at "
					  "the cluster scope for \"%s\" (check: kubectl auth can-i "
					  "create %s); fleet run needs create and delete on "
					  "namespaces, serviceaccounts, clusterroles, "
					  "clusterrolebindings and daemonsets\n"),
				res, ae->user[0] ? ae->user : "?", res);
	} else if (ae->http == 404) {
		fprintf(stderr, _("netdiag fleet run: cannot create %s: the API server does not "
				  "serve %s (404 on POST %s): %s\n"), what, f->k->api_version,
			f->coll, ae->message);
	} else if (ae->http == 405) {
		fprintf(stderr, _("netdiag fleet run: cannot create %s: the API server refuses "
				  "writes (405 MethodNotAllowed on POST %s: %s); a replay served "
				  "by 'netdiag serve' accepts them only with --writable\n"), what,
			f->coll, ae->message);
	} else if (ae->http) {
		fprintf(stderr, _("netdiag fleet run: cannot create %s: HTTP %ld %s: %s\n"), what,
			ae->http, ae->reason, ae->message);
	} else {
		fprintf(stderr, _("netdiag fleet run: cannot create %s: %s\n"), what, ae->message);
	}
	if (!ae->http || ae->http >= 500)
		/* the request may have been carried out before the answer was lost */
		fprintf(stderr, _("netdiag fleet run: the API server may have created %s all the "
				  "same; if 'kubectl get %s %s%s%s' finds it, remove it with: "
				  "kubectl delete %s %s%s%s\n"), what, f->k->kubectl, f->name,
			f->k->namespaced ? " -n " : "", f->ns, f->k->kubectl, f->name,
			f->k->namespaced ? " -n " : "", f->ns);
}

/* 0, or -1 after saying why (nothing of this object is left behind). */
static int create(struct run *rn, struct fobj *f)
{
	struct nd_api_error ae;
	char what[400], *out = NULL;
	size_t len;

	label(f, what, sizeof(what));
	if (nd_live_request(rn->lv, "POST", f->coll, f->json, f->len, OBJ_MAX, &out, &len,
			    &ae) == 0) {
		free(out);
		f->created = true;
		fprintf(stderr, _("netdiag fleet run: created %s\n"), what);
		return 0;
	}
	if (ae.http != 409) {
		create_failed(f, &ae);
		return -1;
	}
	if (nd_live_request(rn->lv, "GET", f->path, NULL, 0, OBJ_MAX, &out, &len, &ae) < 0) {
		fprintf(stderr, _("netdiag fleet run: %s already exists but cannot be read: %s\n"),
			what, ae.message);
		return -1;
	}
	if (!is_ours(out, len) && strcmp(f->k->kind, "Namespace") == 0) {
		/* the agents only go in it: nothing of it is changed, and it stays */
		free(out);
		f->present = true;
		fprintf(stderr, _("netdiag fleet run: %s already exists (not netdiag's): the agents "
				  "go in it; it is left as it is\n"), what);
		return 0;
	}
	if (!is_ours(out, len)) {
		free(out);
		fprintf(stderr, _("netdiag fleet run: %s already exists and is not netdiag's (no "
				  "label %s=netdiag): refusing to touch it; remove or rename it, or "
				  "run in another namespace with -n\n"), what, OURS_LABEL);
		return -1;
	}
	free(out);
	f->present = true;
	fprintf(stderr, _("netdiag fleet run: %s already exists (netdiag's): used as it is and "
			  "left in place\n"), what);
	return 0;
}

/* ---- removing ---- */

/* Delete what this run created, last first; false when something is left. */
static bool remove_created(struct run *rn)
{
	bool all = true;
	size_t i;

	nd_live_set_deadline(rn->lv, nd_now_ms() + rn->ctx->timeout_ms);
	for (i = rn->n; i-- > 0;) {
		struct fobj *f = &rn->obj[i];
		struct nd_api_error ae;
		char path[1000], what[400], *out = NULL;
		size_t len;

		if (!f->created)
			continue;
		label(f, what, sizeof(what));
		snprintf(path, sizeof(path), "%s?propagationPolicy=Background", f->path);
		if (nd_live_request(rn->lv, "DELETE", path, NULL, 0, OBJ_MAX, &out, &len,
				    &ae) == 0 || ae.http == 404) {
			free(out);
			f->created = false;
			fprintf(stderr, _("netdiag fleet run: deleted %s\n"), what);
			continue;
		}
		all = false;
		fprintf(stderr, _("netdiag fleet run: could not delete %s: %s; remove it with: "
				  "kubectl delete %s %s%s%s\n"), what, ae.message, f->k->kubectl,
			f->name, f->k->namespaced ? " -n " : "", f->ns);
	}
	return all;
}

/* ---- waiting ---- */

struct progress {
	long long desired, ready, updated;
	bool seen;                    /* the controller has written this generation's status */
	char **reported;              /* pod names whose log holds the report, sorted */
	size_t nrep, caprep;
	char **cand;                  /* this round's pods to read */
	size_t ncand, capcand;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool reported(const struct progress *p, const char *pod)
{
	return p->nrep && bsearch(&pod, p->reported, p->nrep, sizeof(char *), cmp_str);
}

static void mark_reported(struct progress *p, const char *pod)
{
	size_t at = 0;

	while (at < p->nrep && strcmp(p->reported[at], pod) < 0)
		at++;
	ND_GROW(p->reported, p->caprep, p->nrep + 1);
	memmove(&p->reported[at + 1], &p->reported[at], (p->nrep - at) * sizeof(char *));
	p->reported[at] = nd_xstrdup(pod);
	p->nrep++;
}

/* A count of the DaemonSet's status; dflt when absent or not a count. */
static long long count(const struct nd_json *v, long long dflt)
{
	int64_t n;

	if (!nd_json_is(v, ND_JNUM) || nd_parse_i64(v->u.s, v->n, 0, INT32_MAX, &n) < 0)
		return dflt;
	return n;
}

static void ds_status(struct run *rn, const struct fobj *ds, struct progress *p)
{
	struct nd_api_error ae;
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err e;
	char *out;
	size_t len;

	if (nd_live_request(rn->lv, "GET", ds->path, NULL, 0, OBJ_MAX, &out, &len, &ae) < 0) {
		if (rn->ctx->verbose)
			fprintf(stderr, "netdiag fleet run: GET %s: %s\n", ds->path, ae.message);
		return;
	}
	a = nd_arena_new(0);
	if (nd_json_parse(out, len, 0, a, &root, &e) == 0) {
		const struct nd_json *st = nd_json_get(&root, "status");
		const struct nd_json *d = nd_json_get(st, "desiredNumberScheduled");
		const struct nd_json *og = nd_json_get(st, "observedGeneration");
		const struct nd_json *g = nd_json_path(&root, "metadata", "generation", NULL);

		/* the counts are zeros until the controller has seen this generation */
		if (count(d, -1) >= 0 && count(og, -1) >= count(g, 1)) {
			p->seen = true;
			p->desired = count(d, 0);
			p->ready = count(nd_json_get(st, "numberReady"), 0);
			p->updated = count(nd_json_get(st, "updatedNumberScheduled"), 0);
		}
	}
	nd_arena_free(a);
	free(out);
}

/* The running agent pods that have not reported yet, into p->cand. */
static void candidates(struct run *rn, struct progress *p)
{
	struct nd_arena *a = nd_arena_new(0);
	char cont[2048] = "";
	unsigned pages = 0;

	for (size_t i = 0; i < p->ncand; i++)
		free(p->cand[i]);
	p->ncand = 0;
	do {
		struct nd_api_error ae;
		struct nd_json root;
		const struct nd_json *items, *c;
		struct nd_err e;
		char path[3000], *out;
		size_t len;
		uint32_t i;

		snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods?labelSelector=%s&limit=%d%s%s",
			 rn->ns, AGENT_SELECTOR, PAGE, cont[0] ? "&continue=" : "", cont);
		if (nd_live_request(rn->lv, "GET", path, NULL, 0, LIST_MAX, &out, &len, &ae) < 0) {
			if (rn->ctx->verbose)
				fprintf(stderr, "netdiag fleet run: %s\n", ae.message);
			break;
		}
		nd_arena_reset(a);
		cont[0] = '\0';
		if (nd_json_parse(out, len, 0, a, &root, &e) == 0) {
			items = nd_json_get(&root, "items");
			for (i = 0; nd_json_is(items, ND_JARR) && i < items->n; i++) {
				const struct nd_json *it = &items->u.items[i];
				const char *name = nd_json_str(nd_json_path(it, "metadata", "name", NULL));
				const char *node = nd_json_str(nd_json_path(it, "spec", "nodeName", NULL));
				const char *phase = nd_json_str(nd_json_path(it, "status", "phase", NULL));

				if (!name || !node || !phase || strcmp(phase, "Running") != 0 ||
				    reported(p, name))
					continue;
				ND_GROW(p->cand, p->capcand, p->ncand + 1);
				p->cand[p->ncand++] = nd_xstrdup(name);
			}
			c = nd_json_path(&root, "metadata", "continue", NULL);
			/* a token is opaque but URL-safe base64 on every API server */
			if (nd_json_str(c) && strlen(c->u.s) < sizeof(cont) &&
			    !strpbrk(c->u.s, "&#? "))
				snprintf(cont, sizeof(cont), "%s", c->u.s);
		}
		free(out);
	} while (cont[0] && ++pages < 1000 && !got_signal);
	nd_arena_free(a);
}

struct logread {
	struct progress *p;
};

static void got_log(void *ctx, size_t i, const char *body, size_t len, bool cut,
		    const struct nd_api_error *ae)
{
	struct logread *lr = ctx;
	size_t ll;

	(void)cut;
	(void)ae;
	if (body && nd_fleet_last_line(body, len, &ll))
		mark_reported(lr->p, lr->p->cand[i]);
}

static void read_logs(struct run *rn, struct progress *p)
{
	struct nd_live_get_opts go = {0};
	struct logread lr = {p};
	char **paths;
	size_t i;

	if (!p->ncand)
		return;
	paths = nd_xcalloc(p->ncand, sizeof(*paths));
	for (i = 0; i < p->ncand; i++) {
		size_t n = strlen(rn->ns) + strlen(p->cand[i]) + 200;

		paths[i] = nd_xmalloc(n);
		snprintf(paths[i], n, "/api/v1/namespaces/%s/pods/%s/log?container=agent&tailLines=%d"
			 "&limitBytes=%zu", rn->ns, p->cand[i], LOG_TAIL, rn->o->log_max);
	}
	go.parallel = rn->o->concurrency;
	go.max = rn->o->log_max + 1024;
	go.deadline_ms = nd_now_ms() + rn->ctx->timeout_ms;
	nd_live_get_many(rn->lv, (const char *const *)paths, p->ncand, &go, got_log, &lr);
	for (i = 0; i < p->ncand; i++)
		free(paths[i]);
	free(paths);
}

static void show(const struct run *rn, const struct progress *p, bool last)
{
	if (rn->tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, _("netdiag fleet run: %lld/%lld nodes ready, %zu reported"), p->ready,
		p->desired, p->nrep);
	if (!rn->tty || last)
		fputc('\n', stderr);
}

static void nap(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	/* a signal ends the nap early: nanosleep returns EINTR */
	if (ms > 0)
		(void)nanosleep(&ts, NULL);
}

/* Until every scheduled agent has reported, the deadline, or a signal; false: cut short. */
static bool wait_agents(struct run *rn, const struct fobj *ds, struct progress *p)
{
	int64_t end = nd_now_ms() + rn->o->wait_ms, last_print = 0;
	long long pr = -1, pd = -1;
	size_t pn = (size_t)-1;

	for (;;) {
		int64_t now;

		nd_live_set_deadline(rn->lv, nd_now_ms() + rn->ctx->timeout_ms);
		ds_status(rn, ds, p);
		if (got_signal)
			return false;
		candidates(rn, p);
		if (got_signal)
			return false;
		read_logs(rn, p);
		now = nd_now_ms();
		if (p->ready != pr || p->desired != pd || p->nrep != pn || rn->tty ||
		    now - last_print >= QUIET_MS) {
			show(rn, p, false);
			last_print = now;
			pr = p->ready;
			pd = p->desired;
			pn = p->nrep;
		}
		if (p->seen && (long long)p->nrep >= p->desired)
			break;
		if (got_signal || now >= end)
			break;
		nap(end - now < (p->desired > 1000 ? POLL_BIG_MS : POLL_MS)
			    ? end - now : (p->desired > 1000 ? POLL_BIG_MS : POLL_MS));
		if (got_signal)
			return false;
	}
	if (rn->tty)
		show(rn, p, true);
	return !got_signal && p->seen && (long long)p->nrep >= p->desired;
}

/* ---- the run ---- */

static void plan(const struct run *rn, FILE *out)
{
	char what[400];

	fprintf(out, _("netdiag fleet run will create, in this order (and delete after the "
		       "report unless --keep):\n"));
	for (size_t i = 0; i < rn->n; i++)
		fprintf(out, "  POST %s  %s\n", rn->obj[i].coll, label(&rn->obj[i], what,
									 sizeof(what)));
}

static int signal_rc(int sig)
{
	return 128 + sig;
}

int nd_fleet_run(struct nd_ctx *ctx, const struct nd_fleet_run_opts *o)
{
	struct run rn = {ctx, o, NULL, {{0}}, 0, NULL, isatty(STDERR_FILENO) != 0};
	struct sigaction sa, old_int, old_term;
	struct nd_kubeconfig *kc = NULL;
	struct nd_live_opts lo = {0};
	struct progress p = {0};
	const struct fobj *ds = NULL;
	struct nd_err e;
	bool complete = false;
	int rc = ND_EXIT_NORUN;
	size_t i;

	rn.ns = ctx->ns ? ctx->ns : ND_MANIFEST_NS_FLEET;
	if (build(&rn, &e) < 0) {
		fprintf(stderr, "netdiag fleet run: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
		goto free_objs;
	}
	for (i = 0; i < rn.n; i++)
		if (strcmp(rn.obj[i].k->kind, "DaemonSet") == 0)
			ds = &rn.obj[i];
	if (o->dry_run) {
		plan(&rn, stdout);
		rc = ND_EXIT_OK;
		goto free_objs;
	}
	if (nd_kubeconfig_opts_from_ctx(ctx, &kc, &e) < 0) {
		fprintf(stderr, "netdiag fleet run: %s\n", e.msg);
		goto free_objs;
	}
	lo.timeout_ms = ctx->timeout_ms;
	lo.deadline_ms = nd_now_ms() + ctx->timeout_ms;
	if (nd_live_open(kc, &lo, &rn.lv, &e) < 0) {
		fprintf(stderr, "netdiag fleet run: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
		goto free_objs;
	}
	plan(&rn, stderr);
	fprintf(stderr, _("netdiag fleet run: writing to %s\n"), kc->server);

	got_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;   /* a second signal ends it at once */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	for (i = 0; i < rn.n && !got_signal; i++)
		if (create(&rn, &rn.obj[i]) < 0)
			goto undo;
	if (got_signal)
		goto undo;
	if (ds)
		complete = wait_agents(&rn, ds, &p);
	if (got_signal)
		goto undo;
	if (!complete)
		fprintf(stderr, _("netdiag fleet run: the wait ended with %zu of %lld agents "
				  "reported; the report names the nodes that did not\n"), p.nrep,
			p.desired);
	ctx->deadline_ms = nd_now_ms() + ctx->timeout_ms;
	rc = nd_fleet_report(ctx, o->concurrency, o->log_max, o->top);
	if (rc == ND_EXIT_OK && ctx->report && !complete)
		nd_report_unread(ctx->report, _("fleet run: %zu of %lld agents had reported when "
						"the wait ended"), p.nrep, p.desired);
	if (got_signal)
		goto undo;
	if (o->keep) {
		fprintf(stderr, _("netdiag fleet run: --keep: the agents stay; remove them with: "
				  "netdiag fleet manifest -n %s | kubectl delete -f -\n"), rn.ns);
		goto done;
	}
	if (!remove_created(&rn) && rc == ND_EXIT_OK)
		ctx->exit_min = ND_EXIT_NORUN;
	goto done;
undo:
	if (got_signal)
		fprintf(stderr, _("netdiag fleet run: interrupted (%s): deleting what this run "
				  "created\n"), got_signal == SIGINT ? "SIGINT" : "SIGTERM");
	if (!remove_created(&rn))
		fprintf(stderr, _("netdiag fleet run: some objects could not be deleted: see the "
				  "commands above\n"));
	rc = got_signal ? signal_rc(got_signal) : ND_EXIT_NORUN;
	if (ctx->report && got_signal) {
		nd_report_free(ctx->report);   /* cut short: no report, only the exit code */
		ctx->report = NULL;
	}
done:
	if (rn.tty)
		fflush(stderr);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	nd_live_free(rn.lv);
free_objs:
	nd_kubeconfig_free(kc);
	for (i = 0; i < rn.n; i++)
		free(rn.obj[i].json);
	for (i = 0; i < p.nrep; i++)
		free(p.reported[i]);
	free(p.reported);
	for (i = 0; i < p.ncand; i++)
		free(p.cand[i]);
	free(p.cand);
	return rc;
}
