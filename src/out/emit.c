/* SPDX-License-Identifier: MIT */
#include "out/emit.h"

#include <inttypes.h>
#include <string.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "core/json.h"
#include "findings/catalogue.h"
#include "findings/causes.h"
#include "out/html.h"
#include "core/banned.h"

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_CYA "\033[36m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

static void jstr(FILE *out, const char *s)
{
	if (!s)
		fputs("null", out);
	else
		nd_json_write_str(out, s, strlen(s));
}

static void nl(FILE *out, int indent)
{
	if (indent < 0)
		return;
	putc('\n', out);
	while (indent-- > 0)
		putc(' ', out);
}

/* A compact value: on one line, "a": 1, "b": [x, y] (as a check or a subject prints). */
static void json_compact(FILE *out, const struct nd_val *v)
{
	const struct nd_val *c;

	if (v->type != ND_V_OBJ && v->type != ND_V_ARR) {
		nd_emit_val_json(out, v, -1);
		return;
	}
	putc(v->type == ND_V_OBJ ? '{' : '[', out);
	for (c = v->first; c; c = c->next) {
		if (v->type == ND_V_OBJ) {
			jstr(out, c->key);
			fputs(": ", out);
		}
		json_compact(out, c);
		if (c->next)
			fputs(", ", out);
	}
	putc(v->type == ND_V_OBJ ? '}' : ']', out);
}

void nd_emit_val_json(FILE *out, const struct nd_val *v, int indent)
{
	const struct nd_val *c;
	int in = indent < 0 ? -1 : indent + 2;

	if (v->compact && indent >= 0) {
		json_compact(out, v);
		return;
	}

	switch (v->type) {
	case ND_V_STR:
		jstr(out, v->u.s);
		return;
	case ND_V_INT:
		fprintf(out, "%" PRId64, v->u.i);
		return;
	case ND_V_BOOL:
		fputs(v->u.b ? "true" : "false", out);
		return;
	case ND_V_NULL:
		fputs("null", out);
		return;
	default:
		break;
	}
	putc(v->type == ND_V_OBJ ? '{' : '[', out);
	for (c = v->first; c; c = c->next) {
		nl(out, in);
		if (v->type == ND_V_OBJ) {
			jstr(out, c->key);
			fputs(indent < 0 ? ":" : ": ", out);
		}
		nd_emit_val_json(out, c, in);
		if (c->next)
			putc(',', out);
	}
	if (v->first)
		nl(out, indent);
	putc(v->type == ND_V_OBJ ? '}' : ']', out);
}

static bool is_scalar(const struct nd_val *v)
{
	return v->type != ND_V_OBJ && v->type != ND_V_ARR;
}

static void scalar_text(FILE *out, const struct nd_val *v)
{
	switch (v->type) {
	case ND_V_STR: fputs(v->u.s, out); break;
	case ND_V_INT: fprintf(out, "%" PRId64, v->u.i); break;
	case ND_V_BOOL: fputs(v->u.b ? "true" : "false", out); break;
	default: fputs("-", out); break;
	}
}

/* An object whose members are all scalars prints on one line: {a: 1, b: x}. */
static bool flat(const struct nd_val *v)
{
	const struct nd_val *c;

	if (v->type != ND_V_OBJ || v->n > 6)
		return false;
	for (c = v->first; c; c = c->next)
		if (!is_scalar(c))
			return false;
	return true;
}

static void flat_text(FILE *out, const struct nd_val *v)
{
	const struct nd_val *c;

	for (c = v->first; c; c = c->next) {
		fprintf(out, "%s=", c->key);
		scalar_text(out, c);
		if (c->next)
			fputs(" ", out);
	}
}

/* A row of booleans (a can-reach matrix row): "X . X", X for true. */
static bool bool_row(const struct nd_val *v)
{
	if (v->type != ND_V_ARR || !v->n)
		return false;
	for (const struct nd_val *c = v->first; c; c = c->next)
		if (c->type != ND_V_BOOL)
			return false;
	return true;
}

/* An array of flat objects as columns: the first item's keys are the header. */
#define TABLE_COLS 12
static bool table_ok(const struct nd_val *v)
{
	if (!v->table || v->table > TABLE_COLS || v->type != ND_V_ARR || !v->n ||
	    v->first->type != ND_V_OBJ)
		return false;
	for (const struct nd_val *r = v->first; r; r = r->next) {
		const struct nd_val *c = r->first;
		int i = 0;

		if (r->type != ND_V_OBJ || r->n < v->table)
			return false;
		for (; c && i < v->table; c = c->next, i++)
			if (!is_scalar(c))
				return false;
	}
	return true;
}

static int scalar_width(const struct nd_val *v)
{
	switch (v->type) {
	case ND_V_STR: return (int)strlen(v->u.s);
	case ND_V_INT: return snprintf(NULL, 0, "%" PRId64, v->u.i);
	case ND_V_BOOL: return v->u.b ? 4 : 5;
	default: return 1;
	}
}

static void table_text(FILE *out, const struct nd_val *v, int indent)
{
	int w[TABLE_COLS] = {0}, i;
	const struct nd_val *r, *c;

	const int cols = v->table;

	for (i = 0, c = v->first->first; c && i < cols; c = c->next, i++)
		w[i] = (int)strlen(c->key);
	for (r = v->first; r; r = r->next)
		for (i = 0, c = r->first; c && i < cols; c = c->next, i++)
			if (scalar_width(c) > w[i])
				w[i] = scalar_width(c);
	fprintf(out, "%*s", indent, "");
	for (i = 0, c = v->first->first; c && i < cols; c = c->next, i++)
		if (c->next && i + 1 < cols)
			fprintf(out, "%-*s  ", w[i], c->key);
		else
			fprintf(out, "%s\n", c->key);
	for (r = v->first; r; r = r->next) {
		fprintf(out, "%*s", indent, "");
		for (i = 0, c = r->first; c && i < cols; c = c->next, i++) {
			int pad = w[i] - scalar_width(c);

			scalar_text(out, c);
			if (c->next && i + 1 < cols)
				fprintf(out, "%*s", pad + 2, "");
		}
		putc('\n', out);
	}
}

/* One member or item: "key: value", or "- value" in an array. */
static void text_entry(FILE *out, const struct nd_val *c, bool in_arr, int indent, bool first_pad)
{
	if (first_pad)
		fprintf(out, "%*s", indent, "");
	if (in_arr && bool_row(c)) {
		fputs("-", out);
		for (const struct nd_val *x = c->first; x; x = x->next)
			fputs(x->u.b ? " X" : " .", out);
		putc('\n', out);
		return;
	}
	if (!in_arr && table_ok(c)) {
		fprintf(out, "%s:\n", c->key);
		table_text(out, c, indent + 2);
		return;
	}
	if (in_arr)
		fputs("-", out);
	else
		fprintf(out, "%s:", c->key);
	if (!(c->n && !is_scalar(c) && !(in_arr && c->type == ND_V_OBJ) && !(flat(c) && !in_arr) &&
	      !(c->type == ND_V_ARR && is_scalar(c->first) && c->n <= 8)))
		putc(' ', out);
	if (is_scalar(c)) {
		scalar_text(out, c);
		putc('\n', out);
	} else if (c->n == 0) {
		fputs(c->type == ND_V_OBJ ? "{}\n" : "[]\n", out);
	} else if (flat(c) && !in_arr) {
		flat_text(out, c);
		putc('\n', out);
	} else if (c->type == ND_V_ARR && is_scalar(c->first) && c->n <= 8) {
		const struct nd_val *x;

		for (x = c->first; x; x = x->next) {
			scalar_text(out, x);
			if (x->next)
				fputs(", ", out);
		}
		putc('\n', out);
	} else if (in_arr && c->type == ND_V_OBJ) {
		/* YAML-like: the first member after the dash, the rest below it */
		const struct nd_val *x;

		for (x = c->first; x; x = x->next)
			text_entry(out, x, false, indent + 2, x != c->first);
	} else {
		putc('\n', out);
		nd_emit_val_text(out, c, indent + 2);
	}
}

void nd_emit_val_text(FILE *out, const struct nd_val *v, int indent)
{
	const struct nd_val *c;

	for (c = v->first; c; c = c->next)
		text_entry(out, c, v->type == ND_V_ARR, indent, true);
}

const char *nd_scenario_title(const char *s)
{
	if (strcmp(s, "S0") == 0)
		return _("Input");
	if (strcmp(s, "S1") == 0)
		return _("A client cannot reach the API server");
	if (strcmp(s, "S2") == 0)
		return _("Pods cannot get an IP address");
	if (strcmp(s, "S3") == 0)
		return _("A Service is unreachable");
	if (strcmp(s, "S4") == 0)
		return _("Pods or nodes cannot reach the API server");
	return s;
}

const char *nd_sev_label(enum nd_sev s)
{
	return s == ND_SEV_ERROR ? _("error") : s == ND_SEV_WARNING ? _("warning") : _("info");
}

const char *nd_check_status_label(enum nd_check_status s)
{
	switch (s) {
	case ND_CHECK_PASS: return _("pass");
	case ND_CHECK_FAIL: return _("fail");
	case ND_CHECK_SKIP: return _("skip");
	default: return _("error");
	}
}

static const char *sev_color(enum nd_sev s)
{
	return s == ND_SEV_ERROR ? C_RED : s == ND_SEV_WARNING ? C_YEL : C_CYA;
}

static void text_finding(FILE *out, const struct nd_finding *f, bool color)
{
	uint32_t i;

	fprintf(out, "  %s%-7s%s %s%s%s  %s %s%s%s\n",
		color ? sev_color(f->sev) : "", nd_sev_label(f->sev), color ? C_OFF : "",
		color ? C_BOLD : "", f->code, color ? C_OFF : "",
		f->subject.kind ? f->subject.kind : "",
		f->subject.ns ? f->subject.ns : "", f->subject.ns ? "/" : "",
		f->subject.name ? f->subject.name : "");
	if (f->subject.node && !(f->subject.kind && strcmp(f->subject.kind, "Node") == 0))
		fprintf(out, "          %s %s\n", _("node:"), f->subject.node);
	if (f->summary)
		fprintf(out, "          %s\n", f->summary);
	if (f->evidence && f->evidence->n) {
		fprintf(out, "          %s%s%s\n", color ? C_DIM : "", _("evidence:"),
			color ? C_OFF : "");
		nd_emit_val_text(out, f->evidence, 12);
	}
	if (f->remedy)
		fprintf(out, "          %s %s\n", _("fix:"), f->remedy);
	for (i = 0; i < f->ncommands; i++)
		fprintf(out, "            $ %s\n", f->commands[i]);
	putc('\n', out);
}

/* A list of the checks with status st (silenced ones only when silenced): "a, b". */
static size_t list_checks(FILE *out, const struct nd_report *r, enum nd_check_status st,
			  bool silenced)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nchecks; i++) {
		const struct nd_check *c = &r->checks[i];

		if (c->status != st || (silenced && !c->silenced))
			continue;
		fprintf(out, "%s%s", n++ ? ", " : "", c->id);
	}
	return n;
}

static size_t count_checks(const struct nd_report *r, enum nd_check_status st, bool silenced)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nchecks; i++)
		n += r->checks[i].status == st && (!silenced || r->checks[i].silenced);
	return n;
}

/* The first line of an incomplete run: what could not be read, what that silenced. */
static void incomplete_line(FILE *out, const struct nd_report *r, bool color)
{
	fprintf(out, "%s%s%s", color ? C_RED C_BOLD : "", _("INCOMPLETE:"), color ? C_OFF : "");
	if (r->nunread) {
		fprintf(out, " %s ", _("could not read"));
		for (size_t i = 0; i < r->nunread; i++)
			fprintf(out, "%s%s", i ? ", " : "", r->unread[i]);
	}
	if (count_checks(r, ND_CHECK_SKIP, true)) {
		fprintf(out, "%s %s ", r->nunread ? ";" : "", _("checks silenced:"));
		list_checks(out, r, ND_CHECK_SKIP, true);
	}
	if (count_checks(r, ND_CHECK_ERROR, false)) {
		fprintf(out, "%s %s ", r->nunread || count_checks(r, ND_CHECK_SKIP, true) ? ";" : "",
			_("checks in error:"));
		list_checks(out, r, ND_CHECK_ERROR, false);
	}
	if (!r->nunread && !count_checks(r, ND_CHECK_ERROR, false))
		fprintf(out, " %s", _("no check could run (see the skipped checks below)"));
	fprintf(out, "\n%s\n", _("a run that could not look everywhere is not a clean bill of "
				    "health"));
}

static const struct nd_val *member_of(const struct nd_val *o, const char *k)
{
	for (const struct nd_val *c = o->type == ND_V_OBJ ? o->first : NULL; c; c = c->next)
		if (c->key && strcmp(c->key, k) == 0)
			return c;
	return NULL;
}

/*
 * A can-reach --matrix answer (pods, allowed rows, deciding): a grid with
 * each row labelled by its source pod and the columns numbered as the rows,
 * then how many denied flows each deciding policy set accounts for. The
 * other members print as usual. Returns false when v is no matrix.
 */
static bool matrix_text(FILE *out, struct nd_report *r, const struct nd_val *v)
{
	const struct nd_val *pods = member_of(v, "pods"), *rows = member_of(v, "allowed");
	const struct nd_val *dec = member_of(v, "deciding"), *p, *row, *c;
	size_t w = 0, i;

	if (!pods || !rows || pods->type != ND_V_ARR || rows->type != ND_V_ARR || !pods->n ||
	    pods->n != rows->n)
		return false;
	for (c = v->first; c; c = c->next)
		if (c != pods && c != rows && c != dec)
			text_entry(out, c, false, 2, true);
	for (p = pods->first; p; p = p->next)
		if (p->type == ND_V_STR && strlen(p->u.s) > w)
			w = strlen(p->u.s);
	fprintf(out, "  %s\n    %*s %*s", _("allowed (rows: from, columns: to; X allowed, . denied):"),
		(int)(pods->n >= 10 ? 3 : 2), "", (int)w, "");
	for (i = 1; i <= pods->n; i++)
		fprintf(out, " %zu", i % 10);
	putc('\n', out);
	for (p = pods->first, row = rows->first, i = 1; p && row; p = p->next, row = row->next, i++) {
		fprintf(out, "    %*zu %-*s", (int)(pods->n >= 10 ? 3 : 2), i, (int)w,
			p->type == ND_V_STR ? p->u.s : "");
		for (c = row->first; c; c = c->next)
			fputs(c->type == ND_V_BOOL && c->u.b ? " X" : " .", out);
		putc('\n', out);
	}
	if (dec && dec->n) {
		/* denied flows by the policies that decide them, most first */
		const char **key = nd_arena_alloc(r->arena, dec->n * sizeof(*key));
		size_t *cnt = nd_arena_alloc(r->arena, dec->n * sizeof(*cnt)), nk = 0;

		for (c = dec->first; c; c = c->next) {
			const struct nd_val *pv = member_of(c, "policies");
			const char *k = pv && pv->type == ND_V_STR ? pv->u.s : "";
			size_t j;

			for (j = 0; j < nk && strcmp(key[j], k) != 0; j++)
				;
			if (j == nk) {
				key[nk] = k;
				cnt[nk++] = 0;
			}
			cnt[j]++;
		}
		fprintf(out, "  %s\n", _("denied by:"));
		for (size_t done = 0; done < nk; done++) {
			size_t best = 0;

			for (size_t j = 1; j < nk; j++)
				if (cnt[j] > cnt[best])
					best = j;
			fprintf(out, "    %s: %zu\n", key[best], cnt[best]);
			cnt[best] = 0;
		}
	}
	return true;
}

/* "source: snapshot DIR, collected T" / "source: live, context C, server S, at T" */
static void source_line(FILE *out, const struct nd_report *r)
{
	const struct nd_source_info *s = &r->source;
	const char *mode = s->mode ? s->mode : "snapshot";

	fprintf(out, "%s %s", _("source:"), mode);
	if (s->snapshot)
		fprintf(out, " %s", s->snapshot);
	if (s->context)
		fprintf(out, ", %s %s", _("context"), s->context);
	if (s->server)
		fprintf(out, ", %s %s", _("server"), s->server);
	if (s->when)
		fprintf(out, ", %s %s", s->snapshot ? _("collected") : _("at"), s->when);
	putc('\n', out);
}

/* Lines of top causes in the verdict block; the rest are counted. */
#define TOP_CAUSES 8

/*
 * The verdict block: what a person reads first, and all --brief prints.
 * The verdict (INCOMPLETE first, with what could not be read), the source,
 * and the top causes one line each, worst first (findings/causes.h).
 */
static void verdict_block(FILE *out, struct nd_report *r, const struct nd_emit_opts *o)
{
	enum nd_verdict verdict = nd_report_verdict(r);
	size_t err = nd_report_count(r, ND_SEV_ERROR);
	size_t warn = nd_report_count(r, ND_SEV_WARNING) - err;
	size_t info = r->nfindings - err - warn, n;
	const struct nd_cause *c = nd_report_causes(r, &n);

	if (verdict == ND_VERDICT_INCOMPLETE)
		incomplete_line(out, r, o->color);
	else if (verdict == ND_VERDICT_PROBLEMS)
		fprintf(out, "%s%s%s %zu %s: %zu %s, %zu %s, %zu %s\n",
			o->color ? C_RED C_BOLD : "", _("PROBLEMS:"), o->color ? C_OFF : "",
			r->nfindings, r->nfindings == 1 ? _("finding") : _("findings"),
			err, _("error(s)"), warn, _("warning(s)"), info, _("info"));
	else if (r->answer)
		fprintf(out, "%s%s%s %s\n", o->color ? C_BOLD : "", _("ANSWER:"),
			o->color ? C_OFF : "", r->answer);
	else
		fprintf(out, "%s%s%s %s\n", o->color ? C_BOLD : "", _("HEALTHY:"),
			o->color ? C_OFF : "", _("no problems found"));
	source_line(out, r);
	if (n)
		fprintf(out, "%s\n", _("top causes:"));
	for (size_t i = 0; i < n && (i < TOP_CAUSES || n == TOP_CAUSES + 1); i++) {
		fprintf(out, "  %zu. %s%-7s%s %s%s%s  %s\n", i + 1, o->color ? sev_color(c[i].sev) : "",
			nd_sev_label(c[i].sev), o->color ? C_OFF : "", o->color ? C_BOLD : "",
			c[i].code, o->color ? C_OFF : "", c[i].text ? c[i].text : "");
	}
	if (n > TOP_CAUSES + 1)
		fprintf(out, "  %s\n", nd_report_printf(r, _("... and %zu more causes"),
							  n - TOP_CAUSES));
	putc('\n', out);
}

static int emit_text(FILE *out, struct nd_report *r, const struct nd_emit_opts *o)
{
	const char *last = NULL;
	size_t i, st[4] = {0};
	enum nd_verdict verdict = nd_report_verdict(r);
	int sw = 5;

	if (r->document && !r->nchecks && !r->nfindings) {
		fputs(r->document, out);
		return 0;
	}
	verdict_block(out, r, o);
	if (o->brief)
		return 0;
	/* the status column as wide as its longest word in this language */
	for (int k = ND_CHECK_PASS; k <= ND_CHECK_ERROR; k++)
		if ((int)strlen(nd_check_status_label((enum nd_check_status)k)) > sw)
			sw = (int)strlen(nd_check_status_label((enum nd_check_status)k));
	if (r->verdict) {
		fprintf(out, "%s\n", _("verdict:"));
		if (!matrix_text(out, r, r->verdict))
			nd_emit_val_text(out, r->verdict, 2);
		putc('\n', out);
	}
	for (i = 0; i < r->nfindings; i++) {
		const struct nd_finding *f = r->findings[i];

		if (!last || strcmp(last, f->scenario) != 0) {
			fprintf(out, "%s%s  %s%s\n", o->color ? C_BOLD : "", f->scenario,
				nd_scenario_title(f->scenario), o->color ? C_OFF : "");
			last = f->scenario;
		}
		text_finding(out, f, o->color);
	}
	if (!r->nfindings && r->nchecks && r->answer)
		fprintf(out, "%s\n\n", r->answer);
	else if (!r->nfindings && r->nchecks)
		fprintf(out, "%s\n\n", verdict == ND_VERDICT_INCOMPLETE
					 ? _("no problems found in what could be read")
					 : _("no problems found"));
	for (i = 0; i < r->nchecks; i++) {
		const struct nd_check *c = &r->checks[i];

		st[c->status]++;
		if (!o->verbose && (c->status == ND_CHECK_PASS || c->status == ND_CHECK_FAIL))
			continue;
		fprintf(out, "  %-*s %-28s %s%s%s\n", sw, nd_check_status_label(c->status), c->id,
			c->reason ? "(" : "", c->reason ? c->reason : "", c->reason ? ")" : "");
	}
	fprintf(out, "%s %zu %s, %zu %s, %zu %s, %zu %s\n", _("checks:"),
		st[ND_CHECK_PASS], _("passed"), st[ND_CHECK_FAIL], _("failed"),
		st[ND_CHECK_SKIP], _("skipped"), st[ND_CHECK_ERROR], _("errors"));
	fprintf(out, "%s %zu %s, %zu %s, %zu %s\n", _("findings:"),
		nd_report_count(r, ND_SEV_ERROR), _("error(s)"),
		nd_report_count(r, ND_SEV_WARNING) - nd_report_count(r, ND_SEV_ERROR),
		_("warning(s)"),
		nd_report_count(r, ND_SEV_INFO) - nd_report_count(r, ND_SEV_WARNING), _("info"));
	return 0;
}

int nd_emit_report(FILE *out, struct nd_report *r, const struct nd_emit_opts *o)
{
	if (o->format == ND_EMIT_JSON) {
		nd_emit_val_json(out, nd_report_tree(r), o->one_line ? -1 : 0);
		putc('\n', out);
	} else if (o->format == ND_EMIT_HTML)
		nd_emit_html(out, r);
	else
		emit_text(out, r, o);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
