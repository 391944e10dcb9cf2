/* SPDX-License-Identifier: MIT */
#include "findings/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "findings/catalogue.h"
#include "findings/causes.h"
#include "core/banned.h"

const char *nd_sev_name(enum nd_sev s)
{
	return s == ND_SEV_ERROR ? "error" : s == ND_SEV_WARNING ? "warning" : "info";
}

int nd_sev_parse(const char *s, enum nd_sev *out)
{
	if (strcmp(s, "info") == 0)
		*out = ND_SEV_INFO;
	else if (strcmp(s, "warning") == 0)
		*out = ND_SEV_WARNING;
	else if (strcmp(s, "error") == 0)
		*out = ND_SEV_ERROR;
	else
		return -1;
	return 0;
}

const char *nd_check_status_name(enum nd_check_status s)
{
	static const char *const names[] = {"pass", "fail", "skip", "error"};

	return (unsigned)s < 4 ? names[s] : "?";
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct nd_report *nd_report_new(void)
{
	struct nd_report *r = nd_xcalloc(1, sizeof(*r));

	r->arena = nd_arena_new(64 * 1024);
	r->cur_check = SIZE_MAX;
	return r;
}

void nd_report_free(struct nd_report *r)
{
	if (!r)
		return;
	free(r->findings);
	free(r->checks);
	free(r->unread);
	for (size_t i = 0; i < r->ntaken; i++)
		nd_arena_free(r->taken[i]);
	free(r->taken);
	nd_arena_free(r->arena);
	free(r);
}

struct nd_report *nd_report_new_for(const struct nd_report *r)
{
	struct nd_report *sub = nd_report_new();

	sub->source = r->source;
	sub->source_flags = r->source_flags;
	sub->self = r->self;
	sub->nself = r->nself;
	sub->finding_checks = r->finding_checks;
	return sub;
}

void nd_report_take(struct nd_report *r, struct nd_report *sub)
{
	const struct nd_check *c = &sub->checks[0];
	size_t at;

	/* a check adds findings and unread inputs; the rest is a command's */
	if (sub->nchecks != 1 || sub->verdict || sub->document || sub->answer || sub->node_files ||
	    sub->ntaken) {
		fprintf(stderr, "netdiag: BUG: check '%s' on a thread of its own set more than "
			"its findings\n", sub->nchecks ? c->id : "?");
		abort();
	}
	nd_check_begin(r, c->id, c->scenario);
	at = r->cur_check;
	ND_GROW(r->findings, r->capf, r->nfindings + sub->nfindings);
	for (size_t i = 0; i < sub->nfindings; i++) {
		sub->findings[i]->seq = (uint32_t)r->nfindings;
		r->findings[r->nfindings++] = sub->findings[i];
	}
	ND_GROW(r->unread, r->capu, r->nunread + sub->nunread);
	for (size_t i = 0; i < sub->nunread; i++)
		r->unread[r->nunread++] = sub->unread[i];
	r->checks[at] = *c;
	r->cur_check = SIZE_MAX;
	r->taken = nd_xrealloc(r->taken, (r->ntaken + 1) * sizeof(*r->taken));
	r->taken[r->ntaken++] = sub->arena;
	sub->arena = NULL;
	nd_report_free(sub);
}

const char *nd_report_strdup(struct nd_report *r, const char *s)
{
	return s ? nd_arena_strdup(r->arena, s) : NULL;
}

static const char *vfmt(struct nd_report *r, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return "";
	p = nd_arena_alloc(r->arena, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

const char *nd_report_printf(struct nd_report *r, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = vfmt(r, fmt, ap);
	va_end(ap);
	return s;
}

const char *nd_report_time(struct nd_report *r, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];

	if (!t || !gmtime_r(&tt, &tm))
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return nd_report_strdup(r, buf);
}

/* ---- evidence values ---- */

static struct nd_val *val_new(struct nd_report *r, enum nd_vtype t)
{
	struct nd_val *v = nd_arena_alloc(r->arena, sizeof(*v));

	v->type = (uint8_t)t;
	return v;
}

static void attach(struct nd_val *parent, struct nd_val *child)
{
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	parent->n++;
}

struct nd_val *nd_val_obj(struct nd_report *r)
{
	return val_new(r, ND_V_OBJ);
}

struct nd_val *nd_val_arr(struct nd_report *r)
{
	return val_new(r, ND_V_ARR);
}

static struct nd_val *member(struct nd_report *r, struct nd_val *o, const char *k,
			     enum nd_vtype t)
{
	struct nd_val *v = val_new(r, t);

	v->key = nd_report_strdup(r, k);
	attach(o, v);
	return v;
}

void nd_obj_str(struct nd_report *r, struct nd_val *o, const char *k, const char *s)
{
	struct nd_val *v = member(r, o, k, s ? ND_V_STR : ND_V_NULL);

	v->u.s = nd_report_strdup(r, s);
}

void nd_obj_int(struct nd_report *r, struct nd_val *o, const char *k, int64_t i)
{
	member(r, o, k, ND_V_INT)->u.i = i;
}

void nd_obj_bool(struct nd_report *r, struct nd_val *o, const char *k, bool b)
{
	member(r, o, k, ND_V_BOOL)->u.b = b;
}

struct nd_val *nd_arr_arr(struct nd_report *r, struct nd_val *a)
{
	struct nd_val *v = val_new(r, ND_V_ARR);

	attach(a, v);
	return v;
}

void nd_arr_bool(struct nd_report *r, struct nd_val *a, bool b)
{
	struct nd_val *v = val_new(r, ND_V_BOOL);

	v->u.b = b;
	attach(a, v);
}

void nd_obj_put(struct nd_report *r, struct nd_val *o, const char *k, struct nd_val *v)
{
	v->key = k ? nd_report_strdup(r, k) : NULL;
	v->next = NULL;
	attach(o, v);
}

void nd_report_unread(struct nd_report *r, const char *fmt, ...)
{
	va_list ap;

	ND_GROW(r->unread, r->capu, r->nunread + 1);
	va_start(ap, fmt);
	r->unread[r->nunread++] = vfmt(r, fmt, ap);
	va_end(ap);
}

enum nd_verdict nd_report_verdict(const struct nd_report *r)
{
	size_t ran = 0;

	if (r->nunread)
		return ND_VERDICT_INCOMPLETE;
	for (size_t i = 0; i < r->nchecks; i++) {
		if (r->checks[i].status == ND_CHECK_ERROR)
			return ND_VERDICT_INCOMPLETE;
		/* the sources' own checks (S0) do not look at the cluster */
		ran += (r->checks[i].status == ND_CHECK_PASS || r->checks[i].status == ND_CHECK_FAIL) &&
		       strcmp(r->checks[i].scenario, "S0") != 0;
	}
	if (r->nchecks && !ran)
		return ND_VERDICT_INCOMPLETE;
	return r->nfindings ? ND_VERDICT_PROBLEMS : ND_VERDICT_HEALTHY;
}

const char *nd_verdict_name(enum nd_verdict v)
{
	return v == ND_VERDICT_INCOMPLETE ? "incomplete" : v == ND_VERDICT_PROBLEMS ? "problems"
											: "healthy";
}

/* summary.top: the causes, worst first (findings/causes.h) */
static void top_causes(struct nd_report *r, struct nd_val *a)
{
	size_t n;
	const struct nd_cause *c = nd_report_causes(r, &n);

	for (size_t i = 0; i < n; i++) {
		struct nd_val *o = nd_arr_obj(r, a), *s;

		o->compact = true;
		nd_obj_str(r, o, "code", c[i].code);
		nd_obj_str(r, o, "scenario", c[i].scenario);
		nd_obj_str(r, o, "severity", nd_sev_name(c[i].sev));
		nd_obj_str(r, o, "kind", c[i].kind);
		nd_obj_int(r, o, "count", (int64_t)c[i].count);
		s = nd_obj_arr(r, o, "subjects");
		for (size_t j = 0; j < c[i].nsubjects; j++)
			nd_arr_str(r, s, c[i].subjects[j]);
		nd_obj_str(r, o, "summary", c[i].text);
	}
}

struct nd_val *nd_report_tree(struct nd_report *r)
{
	struct nd_val *t, *o, *a;

	if (r->tree)
		return r->tree;
	t = nd_val_obj(r);
	nd_obj_str(r, t, "schema", "netdiag/v1");
	o = nd_obj_obj(r, t, "source");
	nd_obj_str(r, o, "mode", r->source.mode ? r->source.mode : "snapshot");
	nd_obj_str(r, o, "context", r->source.context);
	nd_obj_str(r, o, "server", r->source.server);
	if (r->source.snapshot)
		nd_obj_str(r, o, "snapshot", r->source.snapshot);
	if (r->source.when)
		nd_obj_str(r, o, "when", r->source.when);
	if (r->verdict)
		nd_obj_put(r, t, "verdict", r->verdict);
	a = nd_obj_arr(r, t, "checks");
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct nd_check *c = &r->checks[i];

		o = nd_arr_obj(r, a);
		o->compact = true;
		nd_obj_str(r, o, "id", c->id);
		nd_obj_str(r, o, "scenario", c->scenario);
		nd_obj_str(r, o, "status", nd_check_status_name(c->status));
		nd_obj_str(r, o, "reason", c->reason);
		nd_obj_int(r, o, "duration_ms", c->duration_ms);
	}
	a = nd_obj_arr(r, t, "findings");
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct nd_finding *f = r->findings[i];
		struct nd_val *s, *cmds;

		o = nd_arr_obj(r, a);
		nd_obj_str(r, o, "code", f->code);
		if (r->finding_checks)
			nd_obj_str(r, o, "check", f->check);
		nd_obj_str(r, o, "scenario", f->scenario);
		nd_obj_str(r, o, "severity", nd_sev_name(f->sev));
		s = nd_obj_obj(r, o, "subject");
		s->compact = true;
		nd_obj_str(r, s, "kind", f->subject.kind);
		nd_obj_str(r, s, "namespace", f->subject.ns);
		nd_obj_str(r, s, "name", f->subject.name);
		if (f->subject.node)
			nd_obj_str(r, s, "node", f->subject.node);
		nd_obj_str(r, o, "summary", f->summary);
		nd_obj_put(r, o, "evidence", f->evidence);
		nd_obj_str(r, o, "remedy", f->remedy);
		cmds = nd_obj_arr(r, o, "commands");
		cmds->compact = true;
		for (uint32_t j = 0; j < f->ncommands; j++)
			nd_arr_str(r, cmds, f->commands[j]);
	}
	o = nd_obj_obj(r, t, "summary");
	nd_obj_str(r, o, "verdict", nd_verdict_name(nd_report_verdict(r)));
	nd_obj_int(r, o, "error", (int64_t)nd_report_count(r, ND_SEV_ERROR));
	nd_obj_int(r, o, "warning", (int64_t)(nd_report_count(r, ND_SEV_WARNING) -
					      nd_report_count(r, ND_SEV_ERROR)));
	nd_obj_int(r, o, "info", (int64_t)(nd_report_count(r, ND_SEV_INFO) -
					   nd_report_count(r, ND_SEV_WARNING)));
	a = nd_obj_arr(r, o, "unread");
	a->compact = true;
	for (size_t i = 0; i < r->nunread; i++)
		nd_arr_str(r, a, r->unread[i]);
	top_causes(r, nd_obj_arr(r, o, "top"));
	if (r->node_files)
		nd_obj_put(r, t, "node_files", r->node_files);
	r->tree = t;
	return t;
}

struct nd_val *nd_obj_obj(struct nd_report *r, struct nd_val *o, const char *k)
{
	return member(r, o, k, ND_V_OBJ);
}

struct nd_val *nd_obj_arr(struct nd_report *r, struct nd_val *o, const char *k)
{
	return member(r, o, k, ND_V_ARR);
}

void nd_arr_str(struct nd_report *r, struct nd_val *a, const char *s)
{
	struct nd_val *v = val_new(r, s ? ND_V_STR : ND_V_NULL);

	v->u.s = nd_report_strdup(r, s);
	attach(a, v);
}

void nd_arr_int(struct nd_report *r, struct nd_val *a, int64_t i)
{
	struct nd_val *v = val_new(r, ND_V_INT);

	v->u.i = i;
	attach(a, v);
}

struct nd_val *nd_arr_obj(struct nd_report *r, struct nd_val *a)
{
	struct nd_val *v = val_new(r, ND_V_OBJ);

	attach(a, v);
	return v;
}

/* ---- checks ---- */

void nd_check_begin(struct nd_report *r, const char *id, const char *scenario)
{
	struct nd_check *c;

	ND_GROW(r->checks, r->capc, r->nchecks + 1);
	c = &r->checks[r->nchecks];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->scenario = scenario;
	r->cur_check = r->nchecks++;
	r->findings_at_start = r->nfindings;
	r->started_ns = now_ns();
}

void nd_check_end(struct nd_report *r, enum nd_check_status st, const char *reason)
{
	struct nd_check *c;

	if (r->cur_check == SIZE_MAX)
		return;
	c = &r->checks[r->cur_check];
	if (st == ND_CHECK_PASS && r->nfindings > r->findings_at_start)
		st = ND_CHECK_FAIL;
	c->status = st;
	c->reason = nd_report_strdup(r, reason);
	c->duration_ms = (now_ns() - r->started_ns) / 1000000;
	r->cur_check = SIZE_MAX;
}

void nd_check_skip(struct nd_report *r, const char *id, const char *scenario,
		   const char *reason)
{
	nd_check_begin(r, id, scenario);
	nd_check_end(r, ND_CHECK_SKIP, reason);
}

/* ---- findings ---- */

struct nd_finding *nd_finding_add(struct nd_report *r, const char *code,
				  const char *kind, const char *ns, const char *name)
{
	const struct nd_catentry *c = nd_catalogue_find(code);
	struct nd_finding *f;

	if (!c) {
		fprintf(stderr, "netdiag: BUG: finding code '%s' is not in the catalogue\n", code);
		abort();
	}
	f = nd_arena_alloc(r->arena, sizeof(*f));
	f->code = c->code;
	f->scenario = c->scenario;
	nd_sev_parse(c->severity, &f->sev);
	f->subject.kind = nd_report_strdup(r, kind);
	f->subject.ns = nd_report_strdup(r, ns);
	f->subject.name = nd_report_strdup(r, name);
	f->evidence = nd_val_obj(r);
	f->seq = (uint32_t)r->nfindings;
	f->check = r->cur_check != SIZE_MAX ? r->checks[r->cur_check].id : NULL;
	ND_GROW(r->findings, r->capf, r->nfindings + 1);
	r->findings[r->nfindings++] = f;
	return f;
}

void nd_finding_summary(struct nd_report *r, struct nd_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	f->summary = vfmt(r, fmt, ap);
	va_end(ap);
}

void nd_finding_remedy(struct nd_report *r, struct nd_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	f->remedy = vfmt(r, fmt, ap);
	va_end(ap);
}

void nd_report_set_invocation(struct nd_report *r, const char *source_flags,
			      const char *const *self, size_t nself)
{
	r->source_flags = source_flags && *source_flags ? nd_report_strdup(r, source_flags) : NULL;
	r->self = nself ? nd_arena_alloc(r->arena, nself * sizeof(*r->self)) : NULL;
	for (size_t i = 0; i < nself; i++)
		r->self[i] = nd_report_strdup(r, self[i]);
	r->nself = nself;
}

void nd_report_self_words(struct nd_report *r, const char *text)
{
	const char *w[64];
	size_t n = 0;

	while (*text && n < 64) {
		size_t len = strcspn(text, " ");

		if (len)
			w[n++] = nd_arena_strndup(r->arena, text, len);
		text += len + (text[len] == ' ');
	}
	nd_report_set_invocation(r, r->source_flags, w, n);
}

/* Whether the words of cmd (blank-separated) are the run's own, in any order. */
static bool is_self(const struct nd_report *r, const char *cmd)
{
	bool used[64] = {false};
	size_t n = 0;

	if (!r->nself || r->nself > 64)
		return false;
	while (*cmd) {
		size_t len = strcspn(cmd, " "), k;

		if (len) {
			for (k = 0; k < r->nself; k++)
				if (!used[k] && strlen(r->self[k]) == len &&
				    memcmp(r->self[k], cmd, len) == 0)
					break;
			if (k == r->nself)
				return false;
			used[k] = true;
			n++;
		}
		cmd += len + (cmd[len] == ' ');
	}
	return n == r->nself;
}

void nd_finding_command(struct nd_report *r, struct nd_finding *f, const char *fmt, ...)
{
	va_list ap;
	const char **cmds, *c;

	va_start(ap, fmt);
	c = vfmt(r, fmt, ap);
	va_end(ap);
	if (strncmp(c, "netdiag ", 8) == 0) {
		if (is_self(r, c + 8))
			return;
		if (r->source_flags)
			c = nd_report_printf(r, "netdiag %s %s", r->source_flags, c + 8);
	}
	cmds = nd_arena_alloc(r->arena, (f->ncommands + 1) * sizeof(*cmds));
	if (f->ncommands)
		memcpy(cmds, f->commands, f->ncommands * sizeof(*cmds));
	cmds[f->ncommands++] = c;
	f->commands = cmds;
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* A finding about several pods (one per node and cause) lists them in evidence.pods[].pod. */
static bool lists_pod(const struct nd_finding *x, const struct nd_subject *f)
{
	const struct nd_val *v;
	size_t nl = f->ns ? strlen(f->ns) : 0;

	if (!x->evidence || strcmp(f->kind, "Pod") != 0 || !f->ns)
		return false;
	for (v = x->evidence->first; v && !(v->key && strcmp(v->key, "pods") == 0); v = v->next)
		;
	if (!v || v->type != ND_V_ARR)
		return false;
	for (const struct nd_val *it = v->first; it; it = it->next)
		for (const struct nd_val *m = it->first; m; m = m->next)
			if (m->key && strcmp(m->key, "pod") == 0 && m->type == ND_V_STR && m->u.s &&
			    strncmp(m->u.s, f->ns, nl) == 0 && m->u.s[nl] == '/' &&
			    strcmp(m->u.s + nl + 1, f->name) == 0)
				return true;
	return false;
}

static bool focused(const struct nd_subject *f, const struct nd_finding *x)
{
	if (!f->name)
		return false;
	if (x->subject.kind && x->subject.name && strcmp(f->kind, x->subject.kind) == 0 &&
	    strcmp(f->name, x->subject.name) == 0 && !strcmp_null(f->ns, x->subject.ns))
		return true;
	return lists_pod(x, f);
}

/* The subject asked about first; then scenario, severity (worst first), code, subject. */
static int cmp_finding(const void *pa, const void *pb, void *arg)
{
	const struct nd_finding *a = *(struct nd_finding *const *)pa;
	const struct nd_finding *b = *(struct nd_finding *const *)pb;
	const struct nd_subject *focus = arg;
	bool fa = focused(focus, a), fb = focused(focus, b);
	int c;

	if (fa != fb)
		return fa ? -1 : 1;
	if ((c = strcmp(a->scenario, b->scenario)) != 0)
		return c;
	if (a->sev != b->sev)
		return a->sev > b->sev ? -1 : 1;
	if ((c = strcmp(a->code, b->code)) != 0)
		return c;
	if ((c = strcmp_null(a->subject.ns, b->subject.ns)) != 0)
		return c;
	if ((c = strcmp_null(a->subject.name, b->subject.name)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void nd_report_sort(struct nd_report *r)
{
	if (r->nfindings > 1)
		qsort_r(r->findings, r->nfindings, sizeof(*r->findings), cmp_finding, &r->focus);
}

size_t nd_report_count(const struct nd_report *r, enum nd_sev sev)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += r->findings[i]->sev >= sev;
	return n;
}
