/* SPDX-License-Identifier: MIT */
/* The fleet report's merge of the agents' lines (fleet.h). */
#include "checks/fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/json.h"
#include "findings/catalogue.h"
#include "findings/finding.h"
#include "k8s/collect.h"
#include "core/banned.h"

#define EVIDENCE_DEPTH 32
#define NODE_CODES 32      /* distinct codes one node's line may add to the roll-up */

struct mfinding {
	const char *code, *kind, *ns, *name, *node, *summary, *remedy;
	const char **cmds;
	uint32_t ncmds;
	int sev;             /* -1: the catalogue's */
	struct nd_val *evidence;
};

struct mcheck {
	const char *id, *scenario;
	size_t pass, fail, skip, error;
	const char *error_node, *error_reason;
	struct mfinding *f;
	size_t nf, capf;
};

struct worst {
	const char *node;
	int64_t weight;
};

struct cause {
	const char *code;
	size_t nodes;
	struct worst *top;   /* f->top entries, heaviest first */
	size_t ntop;
};

struct nodecode {
	const char *code;
	int64_t w;
};

struct missing {
	const char *node, *pod, *reason, *detail, *os;
};

struct nd_fleet {
	struct nd_report *r;
	unsigned top;
	struct mcheck *checks;
	size_t nchecks, capc;
	struct cause *causes;
	size_t ncauses, capcause;
	struct missing *miss;
	size_t nmiss, capmiss;
	size_t reported, not_covered;
	bool finished;
};

struct nd_fleet *nd_fleet_new(struct nd_report *r, unsigned top)
{
	struct nd_fleet *f = nd_xcalloc(1, sizeof(*f));

	f->r = r;
	f->top = top ? top : 3;
	return f;
}

void nd_fleet_free(struct nd_fleet *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nchecks; i++)
		free(f->checks[i].f);
	for (size_t i = 0; i < f->ncauses; i++)
		free(f->causes[i].top);
	free(f->checks);
	free(f->causes);
	free(f->miss);
	free(f);
}

const char *nd_fleet_last_line(const char *log, size_t len, size_t *linelen)
{
	return nd_agent_last_line(log, len, linelen);
}

static struct mcheck *check_of(struct nd_fleet *f, const char *id, const char *scenario)
{
	for (size_t i = 0; i < f->nchecks; i++)
		if (strcmp(f->checks[i].id, id) == 0)
			return &f->checks[i];
	if (f->nchecks == f->capc) {
		f->capc = f->capc ? f->capc * 2 : 16;
		f->checks = nd_xrealloc(f->checks, f->capc * sizeof(*f->checks));
	}
	memset(&f->checks[f->nchecks], 0, sizeof(f->checks[0]));
	f->checks[f->nchecks].id = nd_report_strdup(f->r, id);
	f->checks[f->nchecks].scenario = nd_report_strdup(f->r, scenario ? scenario : "S0");
	return &f->checks[f->nchecks++];
}

/* A JSON value into parent (an object when key is set, else an array). */
static void put(struct nd_report *r, struct nd_val *parent, const char *key,
		const struct nd_json *j, int depth)
{
	struct nd_val *v;
	int64_t i;

	switch (j->type) {
	case ND_JNULL:
		if (key)
			nd_obj_str(r, parent, key, NULL);
		else
			nd_arr_str(r, parent, NULL);
		return;
	case ND_JTRUE:
	case ND_JFALSE:
		if (key)
			nd_obj_bool(r, parent, key, j->type == ND_JTRUE);
		else
			nd_arr_bool(r, parent, j->type == ND_JTRUE);
		return;
	case ND_JNUM:
		if (nd_json_i64(j, INT64_MIN, INT64_MAX, &i) == 0) {
			if (key)
				nd_obj_int(r, parent, key, i);
			else
				nd_arr_int(r, parent, i);
			return;
		}
		/* a fraction is kept as its text (not NUL-ended in the parse) */
		if (key)
			nd_obj_str(r, parent, key, nd_report_printf(r, "%.*s", (int)j->n, j->u.s));
		else
			nd_arr_str(r, parent, nd_report_printf(r, "%.*s", (int)j->n, j->u.s));
		return;
	case ND_JSTR:
		if (key)
			nd_obj_str(r, parent, key, j->u.s);
		else
			nd_arr_str(r, parent, j->u.s);
		return;
	case ND_JARR:
	case ND_JOBJ:
		if (depth >= EVIDENCE_DEPTH)
			return;
		if (j->type == ND_JARR)
			v = key ? nd_obj_arr(r, parent, key) : nd_arr_arr(r, parent);
		else
			v = key ? nd_obj_obj(r, parent, key) : nd_arr_obj(r, parent);
		for (uint32_t k = 0; k < j->n; k++) {
			if (j->type == ND_JARR)
				put(r, v, NULL, &j->u.items[k], depth + 1);
			else
				put(r, v, j->u.members[k].key, &j->u.members[k].val, depth + 1);
		}
		return;
	default:
		return;
	}
}

static const char *str_of(struct nd_report *r, const struct nd_json *o, const char *k)
{
	const char *s = nd_json_str(nd_json_get(o, k));

	return s ? nd_report_strdup(r, s) : NULL;
}

/* How bad a finding is, for "the worst nodes": its leak count, fill, else 1. */
static int64_t weight(const struct nd_json *ev)
{
	static const char *const keys[] = {"leaked_count", "leaked", "percent"};
	int64_t w;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (nd_json_i64(nd_json_get(ev, keys[i]), 0, INT64_MAX, &w) == 0)
			return w;
	return 1;
}

static void add_cause(struct nd_fleet *f, const char *code, const char *node, int64_t w)
{
	struct cause *c = NULL;
	size_t i;

	for (i = 0; i < f->ncauses; i++)
		if (strcmp(f->causes[i].code, code) == 0)
			c = &f->causes[i];
	if (!c) {
		if (f->ncauses == f->capcause) {
			f->capcause = f->capcause ? f->capcause * 2 : 8;
			f->causes = nd_xrealloc(f->causes, f->capcause * sizeof(*f->causes));
		}
		c = &f->causes[f->ncauses++];
		memset(c, 0, sizeof(*c));
		c->code = code;
		c->top = nd_xcalloc(f->top, sizeof(*c->top));
	}
	c->nodes++;
	/* keep the heaviest f->top, heaviest first (ties: the first seen) */
	for (i = c->ntop; i > 0 && c->top[i - 1].weight < w; i--)
		;
	if (i >= f->top)
		return;
	if (c->ntop < f->top)
		c->ntop++;
	memmove(&c->top[i + 1], &c->top[i], (c->ntop - 1 - i) * sizeof(*c->top));
	c->top[i] = (struct worst){node, w};
}

static void merge_check(struct nd_fleet *f, const char *node, const struct nd_json *c)
{
	const char *id = nd_json_str(nd_json_get(c, "id"));
	const char *st = nd_json_str(nd_json_get(c, "status"));
	struct mcheck *m;

	if (!id || !st || !nd_check_def_find(id))
		return;     /* a check this build does not know: its findings say so */
	/* the agent's own source (its API listing, its bundle): what it could not
	 * read is in its unread list, merged as the node's; the report has its own */
	if (strcmp(nd_check_def_find(id)->scenario, "S0") == 0 && strcmp(st, "error") != 0)
		return;
	m = check_of(f, id, nd_json_str(nd_json_get(c, "scenario")));
	if (strcmp(st, "pass") == 0)
		m->pass++;
	else if (strcmp(st, "fail") == 0)
		m->fail++;
	else if (strcmp(st, "error") == 0) {
		if (!m->error++) {
			m->error_node = node;
			m->error_reason = str_of(f->r, c, "reason");
		}
	} else
		m->skip++;
}

static int merge_finding(struct nd_fleet *f, const char *node, const struct nd_json *j,
			 struct nodecode *codes, size_t *ncodes)
{
	struct nd_report *r = f->r;
	const char *code = nd_json_str(nd_json_get(j, "code"));
	const char *check = nd_json_str(nd_json_get(j, "check"));
	const struct nd_json *subj = nd_json_get(j, "subject"), *ev = nd_json_get(j, "evidence");
	const struct nd_json *cmds = nd_json_get(j, "commands");
	const struct nd_catentry *ce = code ? nd_catalogue_find(code) : NULL;
	const char *sevs;
	struct mfinding mf = {0};
	struct mcheck *m = NULL;
	enum nd_sev sev;
	size_t k;

	if (!ce) {
		nd_report_unread(r, _("node '%s': finding '%s' is unknown to this netdiag (another "
				      "version's agent?)"), node, code ? code : "?");
		return -1;
	}
	/* the check that added it: named in the line, else the one row that declares it */
	for (k = 0; !check && k < nd_ncheck_defs; k++)
		if (nd_check_def_emits(&nd_check_defs[k], code) && nd_check_defs[k].fn &&
		    (nd_check_defs[k].node || nd_check_defs[k].at == ND_AT_NODE))
			check = nd_check_defs[k].id;
	if (!check || !nd_check_def_emits(nd_check_def_find(check), code)) {
		nd_report_unread(r, _("node '%s': finding '%s' has no check of this netdiag that "
				      "declares it"), node, code);
		return -1;
	}
	for (k = 0; k < f->nchecks; k++)
		if (strcmp(f->checks[k].id, check) == 0)
			m = &f->checks[k];
	if (!m)
		m = check_of(f, check, ce->scenario);
	mf.code = ce->code;
	mf.kind = str_of(r, subj, "kind");
	mf.ns = str_of(r, subj, "namespace");
	mf.name = str_of(r, subj, "name");
	mf.node = node;
	mf.summary = str_of(r, j, "summary");
	mf.remedy = str_of(r, j, "remedy");
	sevs = nd_json_str(nd_json_get(j, "severity"));
	mf.sev = sevs && nd_sev_parse(sevs, &sev) == 0 ? (int)sev : -1;
	mf.evidence = nd_val_obj(r);
	if (nd_json_is(ev, ND_JOBJ))
		for (uint32_t i = 0; i < ev->n; i++)
			put(r, mf.evidence, ev->u.members[i].key, &ev->u.members[i].val, 1);
	if (nd_json_is(cmds, ND_JARR) && cmds->n) {
		mf.cmds = nd_arena_alloc(r->arena, cmds->n * sizeof(*mf.cmds));
		for (uint32_t i = 0; i < cmds->n; i++)
			if (nd_json_str(&cmds->u.items[i]))
				mf.cmds[mf.ncmds++] = nd_report_strdup(r, cmds->u.items[i].u.s);
	}
	if (m->nf == m->capf) {
		m->capf = m->capf ? m->capf * 2 : 16;
		m->f = nd_xrealloc(m->f, m->capf * sizeof(*m->f));
	}
	m->f[m->nf++] = mf;
	for (k = 0; k < *ncodes; k++)
		if (strcmp(codes[k].code, mf.code) == 0)
			break;
	if (k == *ncodes) {
		if (*ncodes == NODE_CODES)
			return 0;
		codes[(*ncodes)++].code = mf.code;
		codes[k].w = 0;
	}
	codes[k].w += weight(ev);
	return 0;
}

int nd_fleet_add_log(struct nd_fleet *f, const char *node, const char *pod, const char *log,
		     size_t len, bool cut, const char **why)
{
	struct nd_report *r = f->r;
	struct nodecode codes[NODE_CODES];
	size_t ncodes = 0, n;
	const char *line = nd_fleet_last_line(log, len, &n);
	const struct nd_json *arr;
	struct nd_arena *a;
	struct nd_json root;
	struct nd_err e;

	(void)pod;
	*why = NULL;
	if (!line) {
		*why = cut ? _("no complete netdiag/v1 line within the bytes read (--log-max)")
			   : _("no netdiag/v1 line in the log yet");
		return -1;
	}
	a = nd_arena_new(n + 4096);
	if (nd_json_parse(line, n, 0, a, &root, &e) < 0 || !nd_json_is(&root, ND_JOBJ)) {
		*why = nd_report_printf(r, _("the last netdiag/v1 line is not valid JSON: %s%s"),
					e.msg, cut ? _(" (the log was cut at --log-max)") : "");
		nd_arena_free(a);
		return -1;
	}
	node = nd_report_strdup(r, node);
	arr = nd_json_get(&root, "checks");
	for (uint32_t i = 0; nd_json_is(arr, ND_JARR) && i < arr->n; i++)
		merge_check(f, node, &arr->u.items[i]);
	arr = nd_json_get(&root, "findings");
	for (uint32_t i = 0; nd_json_is(arr, ND_JARR) && i < arr->n; i++)
		merge_finding(f, node, &arr->u.items[i], codes, &ncodes);
	arr = nd_json_path(&root, "summary", "unread", NULL);
	for (uint32_t i = 0; nd_json_is(arr, ND_JARR) && i < arr->n; i++)
		if (nd_json_str(&arr->u.items[i]))
			nd_report_unread(r, "node '%s': %s", node, arr->u.items[i].u.s);
	for (size_t k = 0; k < ncodes; k++)
		add_cause(f, codes[k].code, node, codes[k].w);
	f->reported++;
	nd_arena_free(a);
	return 0;
}

static void add_missing(struct nd_fleet *f, struct missing m)
{
	struct nd_report *r = f->r;

	if (f->nmiss == f->capmiss) {
		f->capmiss = f->capmiss ? f->capmiss * 2 : 16;
		f->miss = nd_xrealloc(f->miss, f->capmiss * sizeof(*f->miss));
	}
	m.node = nd_report_strdup(r, m.node);
	m.pod = m.pod ? nd_report_strdup(r, m.pod) : NULL;
	m.reason = m.reason ? nd_report_strdup(r, m.reason) : NULL;
	m.detail = m.detail ? nd_report_strdup(r, m.detail) : NULL;
	m.os = m.os ? nd_report_strdup(r, m.os) : NULL;
	f->miss[f->nmiss++] = m;
}

void nd_fleet_not_reported(struct nd_fleet *f, const char *node, const char *pod,
			   const char *reason, const char *detail)
{
	add_missing(f, (struct missing){node, pod, reason, detail, NULL});
}

void nd_fleet_not_covered(struct nd_fleet *f, const char *node, const char *os)
{
	f->not_covered++;
	add_missing(f, (struct missing){node, NULL, NULL, NULL, os ? os : "windows"});
}

static void finish_check(struct nd_fleet *f, struct mcheck *m)
{
	struct nd_report *r = f->r;
	enum nd_check_status st = ND_CHECK_PASS;
	const char *reason;

	nd_check_begin(r, m->id, m->scenario);
	for (size_t i = 0; i < m->nf; i++) {
		struct mfinding *mf = &m->f[i];
		struct nd_finding *fd = nd_finding_add(r, mf->code, mf->kind, mf->ns, mf->name);

		fd->subject.node = mf->node;
		if (mf->sev >= 0)
			fd->sev = (enum nd_sev)mf->sev;
		if (mf->summary)
			nd_finding_summary(r, fd, "%s", mf->summary);
		if (mf->remedy)
			nd_finding_remedy(r, fd, "%s", mf->remedy);
		for (uint32_t k = 0; k < mf->ncmds; k++)
			nd_finding_command(r, fd, "%s", mf->cmds[k]);
		fd->evidence = mf->evidence;
	}
	if (m->error) {
		st = ND_CHECK_ERROR;
		reason = nd_report_printf(r, _("%zu nodes could not run it (%s: %s)"), m->error,
					  m->error_node, m->error_reason ? m->error_reason : "?");
	} else if (!m->pass && !m->fail && m->skip) {
		st = ND_CHECK_SKIP;
		reason = nd_report_printf(r, _("skipped on all %zu nodes"), m->skip);
	} else {
		reason = nd_report_printf(r, _("%zu nodes: %zu pass, %zu fail, %zu skipped"),
					  m->pass + m->fail + m->skip, m->pass, m->fail, m->skip);
	}
	nd_check_end(r, st, reason);
}

static int by_nodes(const void *x, const void *y)
{
	const struct cause *a = x, *b = y;

	if (a->nodes != b->nodes)
		return a->nodes > b->nodes ? -1 : 1;
	return strcmp(a->code, b->code);
}

void nd_fleet_finish(struct nd_fleet *f)
{
	struct nd_report *r = f->r;
	struct nd_val *v, *arr;
	char *answer = NULL;
	size_t alen = 0, notrep = f->nmiss - f->not_covered;

	if (f->finished)
		return;
	f->finished = true;
	for (size_t i = 0; i < f->nchecks; i++)
		finish_check(f, &f->checks[i]);
	nd_check_begin(r, "fleet-agents", "S0");
	for (size_t i = 0; i < f->nmiss; i++) {
		const struct missing *m = &f->miss[i];
		struct nd_finding *fd;

		if (m->os) {
			fd = nd_finding_add(r, "fleet-node-not-covered", "Node", NULL, m->node);
			nd_finding_summary(r, fd, _("node '%s' runs %s: the fleet agent does not run "
						    "there, its node checks did not run"), m->node,
					   m->os);
			nd_obj_str(r, fd->evidence, "node", m->node);
			nd_obj_str(r, fd->evidence, "os", m->os);
			nd_finding_remedy(r, fd, _("check it by hand (kubectl debug node/%s with a "
						   "Windows host-process image)"), m->node);
			continue;
		}
		fd = nd_finding_add(r, "fleet-node-not-reported", "Node", NULL, m->node);
		fd->subject.node = m->node;
		nd_finding_summary(r, fd, _("node '%s': no agent report (%s)%s%s"), m->node, m->reason,
				   m->detail ? ": " : "", m->detail ? m->detail : "");
		nd_obj_str(r, fd->evidence, "node", m->node);
		nd_obj_str(r, fd->evidence, "pod", m->pod);
		nd_obj_str(r, fd->evidence, "reason", m->reason);
		nd_obj_str(r, fd->evidence, "detail", m->detail);
		nd_finding_remedy(r, fd, _("look at the agent pod, then run 'netdiag fleet report' "
					   "again"));
		if (m->pod)
			nd_finding_command(r, fd, "kubectl describe pod -n %.*s %s",
					   (int)(strchr(m->pod, '/') ? strchr(m->pod, '/') - m->pod
								     : 0), m->pod,
					   strchr(m->pod, '/') ? strchr(m->pod, '/') + 1 : m->pod);
		nd_report_unread(r, _("node '%s' (no agent report: %s)"), m->node, m->reason);
	}
	nd_check_end(r, ND_CHECK_PASS,
		     nd_report_printf(r, _("%zu nodes reported, %zu did not, %zu not covered"),
				      f->reported, notrep, f->not_covered));
	/* the roll-up by cause */
	if (f->ncauses > 1)
		qsort(f->causes, f->ncauses, sizeof(*f->causes), by_nodes);
	v = nd_val_obj(r);
	nd_obj_int(r, v, "nodes", (int64_t)(f->reported + f->nmiss));
	nd_obj_int(r, v, "reported", (int64_t)f->reported);
	nd_obj_int(r, v, "not_reported", (int64_t)notrep);
	nd_obj_int(r, v, "not_covered", (int64_t)f->not_covered);
	arr = nd_obj_arr(r, v, "causes");
	for (size_t i = 0; i < f->ncauses; i++) {
		const struct cause *c = &f->causes[i];
		const struct nd_catentry *ce = nd_catalogue_find(c->code);
		struct nd_val *o = nd_arr_obj(r, arr), *w;
		char line[1024];
		int n;

		nd_obj_str(r, o, "code", c->code);
		nd_obj_int(r, o, "nodes", (int64_t)c->nodes);
		w = nd_obj_arr(r, o, "worst");
		if (c->nodes == 1)
			n = snprintf(line, sizeof(line), _("1 node: %s (%s):"), c->code,
				     ce ? ce->title : "");
		else
			n = snprintf(line, sizeof(line), _("%zu nodes: %s (%s); the %zu worst:"),
				     c->nodes, c->code, ce ? ce->title : "", c->ntop);
		for (size_t k = 0; k < c->ntop; k++) {
			struct nd_val *x = nd_arr_obj(r, w);

			x->compact = true;
			nd_obj_str(r, x, "node", c->top[k].node);
			nd_obj_int(r, x, "weight", c->top[k].weight);
			if (n > 0 && (size_t)n < sizeof(line))
				n += snprintf(line + n, sizeof(line) - (size_t)n, "%s %s (%lld)",
					      k ? "," : "", c->top[k].node,
					      (long long)c->top[k].weight);
		}
		nd_obj_str(r, o, "summary", line);
		answer = nd_xrealloc(answer, alen + strlen(line) + 3);
		if (alen) {
			memcpy(answer + alen, "; ", 2);
			alen += 2;
		}
		memcpy(answer + alen, line, strlen(line) + 1);
		alen += strlen(line);
	}
	r->verdict = v;
	if (answer)
		r->answer = nd_report_strdup(r, answer);
	else
		r->answer = nd_report_printf(r, _("%zu nodes reported, none with a node problem"),
					     f->reported);
	free(answer);
}
