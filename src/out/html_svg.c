/* SPDX-License-Identifier: MIT */
/*
 * The HTML report's pictures, as inline SVG written here from the report's
 * tree: IP usage per node, the can-reach matrix, the probe ladder, the
 * egress table. Each is drawn only when the tree has its data.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "out/emit.h"
#include "out/html.h"
#include "core/banned.h"

#define IPAM_NODES_MAX 200
#define MATRIX_MAX 120

static const struct nd_val *get(const struct nd_val *o, const char *k)
{
	return nd_val_get(o, k);
}

static const char *str_of(const struct nd_val *o, const char *k)
{
	const struct nd_val *v = get(o, k);

	return v && v->type == ND_V_STR ? v->u.s : NULL;
}

/* An integer member, or -1 when absent. */
static int64_t int_or(const struct nd_val *o, const char *k)
{
	const struct nd_val *v = get(o, k);

	return v && v->type == ND_V_INT ? v->u.i : -1;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* ---- IP usage per node ---------------------------------------------------- */

struct node_ips {
	const char *node;
	int64_t reserved, leaked, held, capacity;
};

static struct node_ips *node_of(struct node_ips *v, size_t *n, const char *node)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i].node, node) == 0)
			return &v[i];
	if (*n >= IPAM_NODES_MAX)
		return NULL;
	v[*n] = (struct node_ips){node, -1, -1, -1, -1};
	return &v[(*n)++];
}

static int64_t bad(const struct node_ips *x)
{
	return max64(x->leaked, 0) + max64(x->held, 0);
}

/* Worst first: most addresses lost (leaked + held by terminated pods), then fullest. */
static int cmp_nodes(const void *pa, const void *pb)
{
	const struct node_ips *a = pa, *b = pb;
	int64_t fa = a->capacity > 0 ? a->reserved * 1000 / a->capacity : 0;
	int64_t fb = b->capacity > 0 ? b->reserved * 1000 / b->capacity : 0;

	if (bad(a) != bad(b))
		return bad(a) > bad(b) ? -1 : 1;
	if (fa != fb)
		return fa > fb ? -1 : 1;
	return strcmp(a->node, b->node);
}

/* From the S2 findings' evidence: node, reserved, capacity, leaked(_count), held(_count). */
static size_t ipam_nodes(const struct nd_val *findings, struct node_ips *v)
{
	size_t n = 0;

	for (const struct nd_val *f = findings ? findings->first : NULL; f; f = f->next) {
		const struct nd_val *ev = get(f, "evidence");
		const char *node = str_of(ev, "node"), *sc = str_of(f, "scenario");
		struct node_ips *x;
		int64_t leaked, held;

		if (!node || !sc || strcmp(sc, "S2") != 0 || int_or(ev, "reserved") < 0)
			continue;
		x = node_of(v, &n, node);
		if (!x)
			break;
		leaked = max64(int_or(ev, "leaked_count"), int_or(ev, "leaked"));
		held = max64(int_or(ev, "held_count"), int_or(ev, "held_by_terminated_pods"));
		x->reserved = max64(x->reserved, int_or(ev, "reserved"));
		x->capacity = max64(x->capacity, int_or(ev, "capacity"));
		x->leaked = max64(x->leaked, leaked);
		x->held = max64(x->held, held);
	}
	/* a node named only by terminated-pods-hold-ips has no reserved count */
	for (const struct nd_val *f = findings ? findings->first : NULL; f; f = f->next) {
		const struct nd_val *ev = get(f, "evidence");
		const char *node = str_of(ev, "node");
		struct node_ips *x;

		if (!node || int_or(ev, "held_count") < 0 || int_or(ev, "reserved") >= 0)
			continue;
		x = node_of(v, &n, node);
		if (x)
			x->held = max64(x->held, int_or(ev, "held_count"));
	}
	return n;
}

static void rect(FILE *out, double x, double y, double w, double h, const char *fill,
		 const char *title, int64_t v)
{
	if (w <= 0)
		return;
	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
		"<title>", x, y, w, h, fill);
	nd_html_esc(out, title);
	fprintf(out, ": %" PRId64 "</title></rect>", v);
}

static void legend(FILE *out, double x, double y, const char *fill, const char *label)
{
	fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		"<text x=\"%.0f\" y=\"%.0f\">", x, y, fill, x + 16, y + 10);
	nd_html_esc(out, label);
	fputs("</text>", out);
}

static void ipam_chart(FILE *out, const struct nd_val *findings)
{
	struct node_ips *v = calloc(IPAM_NODES_MAX, sizeof(*v));
	size_t n = v ? ipam_nodes(findings, v) : 0;
	const double left = 300, width = 520, row = 24;
	int64_t scale = 1;

	if (!n) {
		free(v);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_nodes);
	for (size_t i = 0; i < n; i++)
		scale = max64(scale, max64(v[i].capacity, max64(v[i].reserved, bad(&v[i]))));
	fprintf(out, "<figure id=\"ipam-chart\" data-nodes=\"%zu\"><figcaption>%s</figcaption>\n"
		"<svg role=\"img\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\">\n", n, _("IP addresses per node (worst first)"),
		left + width + 80, n * row + 40, left + width + 80, n * row + 40);
	for (size_t i = 0; i < n; i++) {
		const struct node_ips *x = &v[i];
		int64_t leaked = max64(x->leaked, 0), held = max64(x->held, 0);
		int64_t reserved = max64(x->reserved, leaked + held);
		int64_t running = reserved - leaked - held, free_ = x->capacity - reserved;
		double y = 8 + i * row, k = width / (double)scale, at = left;

		fprintf(out, "<g class=\"node\" data-node=\"");
		nd_html_esc(out, x->node);
		fprintf(out, "\" data-leaked=\"%" PRId64 "\"><text x=\"%.0f\" y=\"%.0f\" "
			"text-anchor=\"end\">", leaked, left - 8, y + 14);
		nd_html_esc(out, x->node);
		fputs("</text>", out);
		rect(out, at, y, running * k, row - 6, "#1a7f37", _("running"), running);
		at += running * k;
		rect(out, at, y, held * k, row - 6, "#d4a72c", _("held by terminated pods"), held);
		at += held * k;
		rect(out, at, y, leaked * k, row - 6, "#b3261e", _("leaked"), leaked);
		at += leaked * k;
		if (x->capacity > 0 && free_ > 0)
			rect(out, at, y, free_ * k, row - 6, "#d0d7de", _("free"), free_);
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">%" PRId64, left + width + 6, y + 14, reserved);
		if (x->capacity > 0)
			fprintf(out, "/%" PRId64, x->capacity);
		fputs("</text></g>\n", out);
	}
	legend(out, left, n * row + 20, "#1a7f37", _("running"));
	legend(out, left + 100, n * row + 20, "#d4a72c", _("held by terminated pods"));
	legend(out, left + 290, n * row + 20, "#b3261e", _("leaked"));
	legend(out, left + 370, n * row + 20, "#d0d7de", _("free"));
	fputs("</svg></figure>\n", out);
	free(v);
}

/* ---- the can-reach matrix ------------------------------------------------- */

/* "deciding" of can-reach --matrix: [{from, to, policies}] for the denied flows */
static const char *deciding(const struct nd_val *dec, int64_t i, int64_t j)
{
	for (const struct nd_val *d = dec ? dec->first : NULL; d; d = d->next) {
		const struct nd_val *a = get(d, "from"), *b = get(d, "to");

		if (a && b && a->type == ND_V_INT && b->type == ND_V_INT && a->u.i == i && b->u.i == j)
			return str_of(d, "policies");
	}
	return NULL;
}

static void matrix_chart(FILE *out, const struct nd_val *verdict)
{
	const struct nd_val *pods = get(verdict, "pods"), *rows = get(verdict, "allowed");
	const struct nd_val *dec = get(verdict, "deciding"), *p, *row;
	const char *port = str_of(verdict, "port");
	double cell = 18, left, top;
	size_t n, i, j, longest = 1;

	if (!pods || !rows || pods->type != ND_V_ARR || rows->type != ND_V_ARR || !pods->n ||
	    pods->n != rows->n || pods->n > MATRIX_MAX)
		return;
	n = pods->n;
	for (p = pods->first; p; p = p->next)
		if (p->type == ND_V_STR && strlen(p->u.s) > longest)
			longest = strlen(p->u.s);
	if (longest > 60)
		longest = 60;
	/* room for the labels: rows on the left, columns rotated by 60 degrees above */
	left = 12 + longest * 7.0;
	top = 12 + longest * 7.0 * 0.87;
	fprintf(out, "<figure id=\"matrix\" data-pods=\"%zu\"><figcaption>%s ", n,
		_("Which pod may reach which, port"));
	nd_html_esc(out, port);
	fprintf(out, " (%s)</figcaption>\n<svg role=\"img\" "
		"width=\"%.0f\" height=\"%.0f\">\n", _("rows: from; columns: to"),
		left + n * cell + longest * 3.5 + 12, top + n * cell + 10);
	for (p = pods->first, i = 0; p; p = p->next, i++) {
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">", left - 6,
			top + i * cell + 13);
		nd_html_esc(out, p->type == ND_V_STR ? p->u.s : "");
		fprintf(out, "</text><text transform=\"translate(%.0f,%.0f) rotate(-60)\">",
			left + i * cell + 12, top - 6);
		nd_html_esc(out, p->type == ND_V_STR ? p->u.s : "");
		fputs("</text>\n", out);
	}
	for (row = rows->first, i = 0; row; row = row->next, i++) {
		const struct nd_val *c, *src = pods->first, *dst;

		for (j = 0; j < i; j++)
			src = src->next;
		for (c = row->first, dst = pods->first, j = 0; c && dst; c = c->next, dst = dst->next, j++) {
			bool ok = c->type == ND_V_BOOL && c->u.b;
			const char *why = ok ? NULL : deciding(dec, (int64_t)i, (int64_t)j);

			fprintf(out, "<rect class=\"%s\" x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
				"height=\"%.0f\" fill=\"%s\" stroke=\"#fff\"><title>", ok ? "allow" : "deny",
				left + j * cell, top + i * cell, cell, cell, ok ? "#2da44e" : "#cf222e");
			nd_html_esc(out, src->type == ND_V_STR ? src->u.s : "");
			fputs(" &#8594; ", out);
			nd_html_esc(out, dst->type == ND_V_STR ? dst->u.s : "");
			fprintf(out, ": %s", ok ? _("allowed") : _("denied"));
			if (why) {
				fputs(" (", out);
				nd_html_esc(out, why);
				putc(')', out);
			}
			fputs("</title></rect>", out);
		}
		putc('\n', out);
	}
	fputs("</svg></figure>\n", out);
}

/* ---- probe stages as a ladder -------------------------------------------- */

/*
 * The checks that are probes, in the order they ran: S1's apiserver-* but the
 * two that read the AKS profile; S3's two of service --probe; S4's requests
 * of incluster (the three paths, then DNS, then RBAC).
 */
static const char *const s3_probes[] = {"endpoint-probe", "cluster-ip-probe", NULL};
static const char *const s4_probes[] = {"incluster-service", "incluster-endpoints",
					"incluster-fqdn", "incluster-dns",
					"incluster-private-dns", "incluster-rbac", NULL};

static bool in_list(const char *const *l, const char *id)
{
	for (; *l; l++)
		if (strcmp(*l, id) == 0)
			return true;
	return false;
}

static bool probe_check(const struct nd_val *c, const char *scenario)
{
	const char *sc = str_of(c, "scenario"), *id = str_of(c, "id");

	if (!sc || !id || strcmp(sc, scenario) != 0)
		return false;
	if (strcmp(scenario, "S1") == 0)
		return strncmp(id, "apiserver-", 10) == 0 &&
		       strcmp(id, "apiserver-authorized-ranges") != 0 &&
		       strcmp(id, "apiserver-private-cluster") != 0;
	return in_list(strcmp(scenario, "S3") == 0 ? s3_probes : s4_probes, id);
}

/*
 * The stages of an incluster path that failed: the evidence.stages
 * [{stage, result, ms}] of its incluster-apiserver-unreachable finding
 * (evidence.via service|endpoint|fqdn names the path), or NULL.
 */
static const struct nd_val *path_stages(const struct nd_val *findings, const char *id)
{
	const char *via = !strcmp(id, "incluster-service")     ? "service"
			  : !strcmp(id, "incluster-endpoints") ? "endpoint"
			  : !strcmp(id, "incluster-fqdn")      ? "fqdn" : NULL;

	for (const struct nd_val *f = findings && via ? findings->first : NULL; f; f = f->next) {
		const struct nd_val *ev = get(f, "evidence"), *st = get(ev, "stages");
		const char *code = str_of(f, "code"), *v = str_of(ev, "via");

		if (code && v && st && st->type == ND_V_ARR &&
		    strcmp(code, "incluster-apiserver-unreachable") == 0 && strcmp(v, via) == 0)
			return st;
	}
	return NULL;
}

static const char *status_fill(const char *st)
{
	if (!st)
		return "#8c959f";
	return !strcmp(st, "pass") ? "#1a7f37" : !strcmp(st, "skip") ? "#8c959f" : "#b3261e";
}

static const char *status_label(const char *st)
{
	static const char *const names[] = {"pass", "fail", "skip", "error"};

	for (int i = 0; st && i < 4; i++)
		if (strcmp(st, names[i]) == 0)
			return nd_check_status_label((enum nd_check_status)i);
	return st;
}

/* A failed path's bar cut into its stages (dns, tcp, tls, http), each titled with its result. */
static void stage_bars(FILE *out, const struct nd_val *stages, double x, double y, double w,
		       int64_t total)
{
	for (const struct nd_val *s = stages->first; s; s = s->next) {
		int64_t ms = max64(int_or(s, "ms"), 0);
		double sw = total > 0 ? w * ms / total : w / (double)stages->n;
		const char *res = str_of(s, "result");

		fprintf(out, "<rect class=\"seg\" data-stage=\"");
		nd_html_esc(out, str_of(s, "stage"));
		fprintf(out, "\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"14\" fill=\"%s\" "
			"stroke=\"#fff\"><title>", x, y, sw < 3 ? 3 : sw, status_fill(res));
		nd_html_esc(out, str_of(s, "stage"));
		putc(' ', out);
		nd_html_esc(out, status_label(res));
		fprintf(out, " %" PRId64 " ms</title></rect>", ms);
		x += sw < 3 ? 3 : sw;
	}
}

static void ladder(FILE *out, const struct nd_val *checks, const struct nd_val *findings,
		   const char *scenario)
{
	size_t n = 0, i = 0, ran = 0;
	int64_t maxms = 1;
	const double left = 230, width = 420, row = 30;

	for (const struct nd_val *c = checks ? checks->first : NULL; c; c = c->next)
		if (probe_check(c, scenario)) {
			const char *st = str_of(c, "status");

			n++;
			ran += st && strcmp(st, "skip") != 0;
			maxms = max64(maxms, int_or(c, "duration_ms"));
		}
	if (!n || !ran)
		return;
	fprintf(out, "<figure class=\"ladder\" id=\"ladder-%s\" data-stages=\"%zu\"><figcaption>%s "
		"%s</figcaption>\n<svg role=\"img\" width=\"%.0f\" "
		"height=\"%.0f\">\n", scenario, n, scenario, _("probe stages, in order, with their time"),
		left + width + 120, n * row + 10);
	for (const struct nd_val *c = checks->first; c; c = c->next) {
		const char *st = str_of(c, "status");
		const struct nd_val *stages;
		int64_t ms = max64(int_or(c, "duration_ms"), 0);
		double y = 5 + i * row, w = st && strcmp(st, "skip") ? 4 + (width - 4) * ms / maxms : 0;

		if (!probe_check(c, scenario))
			continue;
		stages = path_stages(findings, str_of(c, "id"));
		fprintf(out, "<g class=\"stage st-%s\" data-check=\"", st ? st : "skip");
		nd_html_esc(out, str_of(c, "id"));
		fprintf(out, "\"><circle cx=\"%.0f\" cy=\"%.0f\" r=\"7\" fill=\"%s\"/>", left - 16,
			y + 10, status_fill(st));
		if (i + 1 < n)
			fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
				"stroke=\"#8c959f\"/>", left - 16, y + 17, left - 16, y + row + 3);
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">", left - 30, y + 14);
		nd_html_esc(out, str_of(c, "id"));
		fputs("</text>", out);
		if (w > 0 && stages && stages->n)
			stage_bars(out, stages, left, y + 3, w, ms);
		else if (w > 0)
			fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" height=\"14\" "
				"fill=\"%s\"/>", left, y + 3, w, status_fill(st));
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">", left + w + 6, y + 14);
		nd_html_esc(out, status_label(st));
		if (w > 0)
			fprintf(out, " %" PRId64 " ms", ms);
		fputs("<title>", out);
		nd_html_esc(out, str_of(c, "reason"));
		fputs("</title></text></g>\n", out);
		i++;
	}
	fputs("</svg></figure>\n", out);
}

/* ---- egress: pass/fail by stage ------------------------------------------ */

static const char *const egress_stages[] = {"dns", "tcp", "tls", "http"};

/* A stage's word: "ok" passes; "-" was not run; "skip"; anything else failed there. */
static const char *stage_class(const char *s)
{
	if (!s || !strcmp(s, "-"))
		return "st-none";
	if (!strcmp(s, "ok") || !strcmp(s, "pass") || !strcmp(s, "silent"))
		return "st-pass";
	return !strcmp(s, "skip") ? "st-skip" : "st-fail";
}

static void cell(FILE *out, const char *cls, const char *text, const char *title)
{
	fprintf(out, "<td class=\"%s\"", cls);
	if (title) {
		fputs(" title=\"", out);
		nd_html_esc(out, title);
		putc('"', out);
	}
	putc('>', out);
	nd_html_esc(out, text ? text : "");
	fputs("</td>", out);
}

static void egress_head(FILE *out)
{
	fprintf(out, "<table class=\"egress-dests\"><thead><tr><th>%s</th><th>%s</th>",
		_("destination"), _("port"));
	for (size_t i = 0; i < 4; i++)
		fprintf(out, "<th>%s</th>", egress_stages[i]);
	fprintf(out, "<th>%s</th></tr></thead><tbody>\n", _("result"));
}

/* One row of egress's verdict.destinations: each stage's word, its time in the title. */
static void dest_row(FILE *out, struct nd_report *r, const struct nd_val *d)
{
	const struct nd_val *t = get(d, "stage_ms");
	const char *res = str_of(d, "result");

	fprintf(out, "<tr class=\"dest\" data-result=\"");
	nd_html_esc(out, res);
	fputs("\">", out);
	cell(out, "", str_of(d, "destination"), str_of(d, "purpose"));
	cell(out, "", str_of(d, "port"), NULL);
	for (size_t i = 0; i < 4; i++) {
		const char *s = str_of(d, egress_stages[i]);
		int64_t ms = int_or(t, egress_stages[i]);

		cell(out, stage_class(s), s,
		     ms >= 0 ? nd_report_printf(r, "%s %" PRId64 " ms", egress_stages[i], ms) : NULL);
	}
	cell(out, !res || !strcmp(res, "ok") ? "st-pass" : !strcmp(res, "skip") ||
		  !strcmp(res, "not-probed") ? "st-skip" : "st-fail", res, str_of(d, "note"));
	fputs("</tr>\n", out);
}

/*
 * One row of an egress-blocked finding (incluster --egress, diagnose --egress
 * carry no table): the stages before evidence.stage passed, that one failed
 * with evidence.error, the ones after did not run.
 */
static void blocked_row(FILE *out, const struct nd_val *f)
{
	const struct nd_val *ev = get(f, "evidence");
	const char *stage = str_of(ev, "stage"), *err = str_of(ev, "error");
	bool before = stage != NULL;

	fputs("<tr class=\"dest\" data-result=\"blocked\">", out);
	cell(out, "", str_of(ev, "destination"), str_of(ev, "purpose"));
	cell(out, "", str_of(ev, "port"), NULL);
	for (size_t i = 0; i < 4; i++) {
		bool here = stage && strcmp(stage, egress_stages[i]) == 0;

		if (here)
			before = false;
		cell(out, here ? "st-fail" : before ? "st-pass" : "st-none",
		     here ? err : before ? "ok" : "-", NULL);
	}
	cell(out, "st-fail", "blocked", str_of(f, "summary"));
	fputs("</tr>\n", out);
}

static bool is_code(const struct nd_val *f, const char *code)
{
	const char *c = str_of(f, "code");

	return c && strcmp(c, code) == 0;
}

static void egress_table(FILE *out, struct nd_report *r, const struct nd_val *checks,
			 const struct nd_val *findings, const struct nd_val *verdict)
{
	const struct nd_val *dests = get(verdict, "destinations"), *check = NULL;
	size_t nrows = 0;

	for (const struct nd_val *c = checks ? checks->first : NULL; c && !check; c = c->next)
		if (str_of(c, "id") && strcmp(str_of(c, "id"), "egress") == 0)
			check = c;
	if (dests && dests->type != ND_V_ARR)
		dests = NULL;
	if (check && (!str_of(check, "status") || !strcmp(str_of(check, "status"), "skip")))
		check = NULL;
	if (!check && !dests)   /* egress --no-probe has the list and no check */
		return;
	if (dests)
		nrows = dests->n;
	else
		for (const struct nd_val *f = findings ? findings->first : NULL; f; f = f->next)
			nrows += is_code(f, "egress-blocked");
	fprintf(out, "<figure id=\"egress\" data-destinations=\"%zu\"><figcaption>%s"
		"</figcaption>\n", nrows, _("Outbound destinations: pass or fail by stage"));
	if (check) {
		fprintf(out, "<p class=\"%s\">",
			stage_class(!strcmp(str_of(check, "status"), "pass") ? "ok" : "fail"));
		nd_html_esc(out, str_of(check, "reason"));
		fputs("</p>\n", out);
	}
	if (nrows) {
		egress_head(out);
		for (const struct nd_val *d = dests ? dests->first : NULL; d; d = d->next)
			dest_row(out, r, d);
		for (const struct nd_val *f = !dests && findings ? findings->first : NULL; f;
		     f = f->next)
			if (is_code(f, "egress-blocked"))
				blocked_row(out, f);
		fputs("</tbody></table>\n", out);
	}
	fputs("</figure>\n", out);
}

void nd_html_pictures(FILE *out, struct nd_report *r, const struct nd_val *tree)
{
	const struct nd_val *findings = get(tree, "findings"), *checks = get(tree, "checks");

	fprintf(out, "<section id=\"pictures\">\n");
	ipam_chart(out, findings);
	matrix_chart(out, get(tree, "verdict"));
	ladder(out, checks, findings, "S1");
	ladder(out, checks, findings, "S3");
	ladder(out, checks, findings, "S4");
	egress_table(out, r, checks, findings, get(tree, "verdict"));
	fputs("</section>\n", out);
}
