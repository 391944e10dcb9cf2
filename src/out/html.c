/* SPDX-License-Identifier: MIT */
#include "out/html.h"

#include <inttypes.h>
#include <string.h>

#include "core/i18n.h"
#include "findings/causes.h"
#include "out/emit.h"
#include "core/banned.h"

/* The whole style: no font but the system's, no image but inline SVG. */
static const char css[] =
	":root{--err:#b3261e;--warn:#9a6700;--info:#0b5cad;--ok:#1a7f37;--mute:#6e7781;"
	"--bg:#fff;--fg:#1f2328;--line:#d0d7de;--soft:#f6f8fa}"
	"body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);"
	"margin:0 auto;max-width:1100px;padding:1rem 1.5rem}"
	"h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:1px solid "
	"var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:.2rem 0}"
	"code,pre{font:13px/1.4 ui-monospace,monospace}"
	".verdict{border:2px solid var(--line);border-radius:8px;padding:.8rem 1.2rem}"
	".v-problems{border-color:var(--err)}.v-incomplete{border-color:var(--warn)}"
	".v-healthy{border-color:var(--ok)}"
	".v-problems h1{color:var(--err)}.v-incomplete h1{color:var(--warn)}"
	".v-healthy h1{color:var(--ok)}"
	".sev{display:inline-block;min-width:4.5em;font-weight:600;text-transform:uppercase;"
	"font-size:.8em}.sev-error .sev{color:var(--err)}.sev-warning .sev{color:var(--warn)}"
	".sev-info .sev{color:var(--info)}"
	"ol.causes{padding-left:1.4rem}ol.causes li{margin:.15rem 0}"
	"nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem}"
	"article.finding{border-left:4px solid var(--line);padding:.3rem .9rem;margin:1rem 0;"
	"background:var(--soft)}article.sev-error{border-color:var(--err)}"
	"article.sev-warning{border-color:var(--warn)}article.sev-info{border-color:var(--info)}"
	".subject{color:var(--mute)}"
	"pre.cmd{background:#0d1117;color:#e6edf3;padding:.5rem .7rem;border-radius:6px;"
	"white-space:pre-wrap;overflow-wrap:anywhere;user-select:all;-webkit-user-select:all}"
	"dl.ev{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}"
	"dl.ev dt{font-weight:600;color:var(--mute)}dl.ev dd{margin:0;overflow-wrap:anywhere}"
	"table{border-collapse:collapse;margin:.4rem 0}th,td{border:1px solid var(--line);"
	"padding:.15rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}"
	"th{background:var(--soft)}"
	".st-pass{color:var(--ok)}.st-fail,.st-error{color:var(--err)}.st-skip,.st-none{color:var(--mute)}"
	"figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}"
	"svg text{font:12px system-ui,sans-serif}"
	"footer{color:var(--mute);margin-top:2rem;font-size:.85em}";

void nd_html_esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			/* control characters would make the file invalid: shown as U+FFFD */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputs("&#xFFFD;", out);
			else
				putc(*s, out);
		}
	}
}

const struct nd_val *nd_val_get(const struct nd_val *o, const char *k)
{
	for (const struct nd_val *c = o && o->type == ND_V_OBJ ? o->first : NULL; c; c = c->next)
		if (c->key && strcmp(c->key, k) == 0)
			return c;
	return NULL;
}

static const char *str_of(const struct nd_val *o, const char *k)
{
	const struct nd_val *v = nd_val_get(o, k);

	return v && v->type == ND_V_STR ? v->u.s : NULL;
}

static int64_t int_of(const struct nd_val *o, const char *k)
{
	const struct nd_val *v = nd_val_get(o, k);

	return v && v->type == ND_V_INT ? v->u.i : 0;
}

static bool is_scalar(const struct nd_val *v)
{
	return v->type != ND_V_OBJ && v->type != ND_V_ARR;
}

static void scalar(FILE *out, const struct nd_val *v)
{
	switch (v->type) {
	case ND_V_STR: nd_html_esc(out, v->u.s); break;
	case ND_V_INT: fprintf(out, "%" PRId64, v->u.i); break;
	case ND_V_BOOL: fputs(v->u.b ? "true" : "false", out); break;
	default: fputs("&#8212;", out); break;
	}
}

/* An array of objects whose members are all scalars, the same keys in each: a table. */
static bool tabular(const struct nd_val *a)
{
	const struct nd_val *head;

	if (a->type != ND_V_ARR || !a->n || a->first->type != ND_V_OBJ)
		return false;
	head = a->first;
	for (const struct nd_val *row = a->first; row; row = row->next) {
		const struct nd_val *c, *h;

		if (row->type != ND_V_OBJ || row->n != head->n)
			return false;
		for (c = row->first, h = head->first; c; c = c->next, h = h->next)
			if (!is_scalar(c) || strcmp(c->key, h->key) != 0)
				return false;
	}
	return true;
}

static void val_html(FILE *out, const struct nd_val *v, int depth);

static void table_html(FILE *out, const struct nd_val *a)
{
	fputs("<table><thead><tr>", out);
	for (const struct nd_val *h = a->first->first; h; h = h->next) {
		fputs("<th>", out);
		nd_html_esc(out, h->key);
		fputs("</th>", out);
	}
	fputs("</tr></thead><tbody>", out);
	for (const struct nd_val *row = a->first; row; row = row->next) {
		fputs("<tr>", out);
		for (const struct nd_val *c = row->first; c; c = c->next) {
			fputs("<td>", out);
			scalar(out, c);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>", out);
}

/* Evidence: objects as definition lists, uniform lists as tables, the rest as lists. */
static void val_html(FILE *out, const struct nd_val *v, int depth)
{
	if (is_scalar(v)) {
		scalar(out, v);
		return;
	}
	if (depth > 12) {
		fputs("&#8230;", out);
		return;
	}
	if (!v->n) {
		fputs(v->type == ND_V_OBJ ? "{}" : "[]", out);
		return;
	}
	if (v->type == ND_V_OBJ) {
		fputs("<dl class=\"ev\">", out);
		for (const struct nd_val *c = v->first; c; c = c->next) {
			fputs("<dt>", out);
			nd_html_esc(out, c->key);
			fputs("</dt><dd>", out);
			val_html(out, c, depth + 1);
			fputs("</dd>\n", out);
		}
		fputs("</dl>", out);
		return;
	}
	if (tabular(v)) {
		table_html(out, v);
		return;
	}
	if (is_scalar(v->first) && v->n <= 8) {
		for (const struct nd_val *c = v->first; c; c = c->next) {
			scalar(out, c);
			if (c->next)
				fputs(", ", out);
		}
		return;
	}
	fputs("<ul>", out);
	for (const struct nd_val *c = v->first; c; c = c->next) {
		fputs("<li>", out);
		val_html(out, c, depth + 1);
		fputs("</li>", out);
	}
	fputs("</ul>", out);
}

static void subject_html(FILE *out, const struct nd_val *s)
{
	const char *kind = str_of(s, "kind"), *ns = str_of(s, "namespace"), *name = str_of(s, "name");

	fputs("<span class=\"subject\">", out);
	if (kind) {
		nd_html_esc(out, kind);
		putc(' ', out);
	}
	if (ns) {
		nd_html_esc(out, ns);
		putc('/', out);
	}
	nd_html_esc(out, name);
	fputs("</span>", out);
}

/* "error" -> the word in the report's language */
static const char *sev_text(const char *sev)
{
	enum nd_sev s;

	return sev && nd_sev_parse(sev, &s) == 0 ? nd_sev_label(s) : sev;
}

static const char *status_text(const char *st)
{
	static const char *const names[] = {"pass", "fail", "skip", "error"};

	for (int i = 0; st && i < 4; i++)
		if (strcmp(st, names[i]) == 0)
			return nd_check_status_label((enum nd_check_status)i);
	return st;
}

static void finding_html(FILE *out, const struct nd_val *f, size_t idx)
{
	const char *sev = str_of(f, "severity"), *code = str_of(f, "code");
	const struct nd_val *ev = nd_val_get(f, "evidence"), *cmds = nd_val_get(f, "commands");

	fprintf(out, "<article class=\"finding sev-%s\" id=\"f%zu\" data-code=\"", sev ? sev : "info",
		idx);
	nd_html_esc(out, code);
	fputs("\"><h3><span class=\"sev\">", out);
	nd_html_esc(out, sev_text(sev));
	fputs("</span> <code>", out);
	nd_html_esc(out, code);
	fputs("</code> ", out);
	subject_html(out, nd_val_get(f, "subject"));
	fputs("</h3>\n<p class=\"summary\">", out);
	nd_html_esc(out, str_of(f, "summary"));
	fputs("</p>\n", out);
	if (ev && ev->n) {
		fprintf(out, "<details open><summary>%s</summary>", _("evidence"));
		val_html(out, ev, 0);
		fputs("</details>\n", out);
	}
	if (str_of(f, "remedy")) {
		fprintf(out, "<p class=\"fix\"><strong>%s</strong> ", _("fix:"));
		nd_html_esc(out, str_of(f, "remedy"));
		fputs("</p>\n", out);
	}
	for (const struct nd_val *c = cmds ? cmds->first : NULL; c; c = c->next) {
		fputs("<pre class=\"cmd\"><code>", out);
		nd_html_esc(out, c->type == ND_V_STR ? c->u.s : "");
		fputs("</code></pre>\n", out);
	}
	fputs("</article>\n", out);
}

static const char *verdict_title(const char *v, const struct nd_report *r)
{
	if (strcmp(v, "healthy") == 0 && r->answer)
		return _("ANSWER:");
	if (strcmp(v, "problems") == 0)
		return _("PROBLEMS:");
	if (strcmp(v, "incomplete") == 0)
		return _("INCOMPLETE:");
	return _("HEALTHY:");
}

static void source_html(FILE *out, const struct nd_val *src)
{
	static const char *const keys[] = {"mode", "snapshot", "context", "server", "when"};

	fprintf(out, "<p class=\"source\"><strong>%s</strong> ", _("source:"));
	for (size_t i = 0, n = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *s = str_of(src, keys[i]);

		if (!s)
			continue;
		fprintf(out, "%s<span data-key=\"%s\">", n++ ? ", " : "", keys[i]);
		nd_html_esc(out, s);
		fputs("</span>", out);
	}
	fputs("</p>\n", out);
}

static void verdict_html(FILE *out, struct nd_report *r, const struct nd_val *tree)
{
	const struct nd_val *sum = nd_val_get(tree, "summary"), *unread = nd_val_get(sum, "unread");
	const char *v = str_of(sum, "verdict");
	int64_t err = int_of(sum, "error"), warn = int_of(sum, "warning"), info = int_of(sum, "info");
	size_t n;
	const struct nd_cause *c = nd_report_causes(r, &n);

	v = v ? v : "healthy";
	fprintf(out, "<header id=\"verdict\" class=\"verdict v-%s\" data-verdict=\"%s\" "
		"data-findings=\"%" PRId64 "\" data-errors=\"%" PRId64 "\" data-warnings=\"%" PRId64
		"\" data-info=\"%" PRId64 "\" data-causes=\"%zu\">\n<h1>netdiag &#8212; %s ",
		strcmp(v, "healthy") == 0 && r->answer ? "answer" : v, v, err + warn + info, err, warn,
		info, n, verdict_title(v, r));
	if (strcmp(v, "problems") == 0)
		fprintf(out, "%" PRId64 " %s: %" PRId64 " %s, %" PRId64 " %s, %" PRId64 " %s", err + warn + info,
			err + warn + info == 1 ? _("finding") : _("findings"), err, _("error(s)"), warn,
			_("warning(s)"), info, _("info"));
	else if (strcmp(v, "healthy") == 0)
		nd_html_esc(out, r->answer ? r->answer : _("no problems found"));
	else
		fputs(_("a run that could not look everywhere is not a clean bill of health"), out);
	fputs("</h1>\n", out);
	source_html(out, nd_val_get(tree, "source"));
	if (unread && unread->n) {
		fprintf(out, "<p class=\"unread\"><strong>%s</strong> ", _("could not read"));
		val_html(out, unread, 0);
		fputs("</p>\n", out);
	}
	if (n) {
		fprintf(out, "<h2>%s</h2>\n<ol class=\"causes\">\n", _("top causes:"));
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "<li class=\"sev-%s\" data-code=\"%s\" data-count=\"%zu\">"
				"<span class=\"sev\">%s</span> <code>", nd_sev_name(c[i].sev), c[i].code,
				c[i].count, nd_sev_label(c[i].sev));
			nd_html_esc(out, c[i].code);
			fputs("</code> ", out);
			nd_html_esc(out, c[i].text);
			fputs("</li>\n", out);
		}
		fputs("</ol>\n", out);
	}
	fputs("</header>\n", out);
}

static void nav_html(FILE *out, const struct nd_val *findings)
{
	const char *last = NULL;

	fprintf(out, "<nav><ul>");
	for (const struct nd_val *f = findings ? findings->first : NULL; f; f = f->next) {
		const char *sc = str_of(f, "scenario");

		if (!sc || (last && strcmp(last, sc) == 0))
			continue;
		fprintf(out, "<li><a href=\"#%s\">%s &#8212; ", sc, sc);
		nd_html_esc(out, nd_scenario_title(sc));
		fputs("</a></li>", out);
		last = sc;
	}
	fprintf(out, "<li><a href=\"#checks\">%s</a></li></ul></nav>\n", _("checks"));
}

static void scenarios_html(FILE *out, const struct nd_val *findings)
{
	const char *last = NULL;
	size_t idx = 0, count;

	for (const struct nd_val *f = findings ? findings->first : NULL; f; f = f->next, idx++) {
		const char *sc = str_of(f, "scenario");

		if (!sc)
			sc = "S0";
		if (!last || strcmp(last, sc) != 0) {
			if (last)
				fputs("</section>\n", out);
			count = 0;
			for (const struct nd_val *g = f; g; g = g->next) {
				const char *gs = str_of(g, "scenario");

				if (!gs || strcmp(gs, sc) != 0)
					break;
				count++;
			}
			fprintf(out, "<section class=\"scenario\" id=\"%s\" data-scenario=\"%s\" "
				"data-findings=\"%zu\">\n<h2>%s &#8212; ", sc, sc, count, sc);
			nd_html_esc(out, nd_scenario_title(sc));
			fputs("</h2>\n", out);
			last = sc;
		}
		finding_html(out, f, idx);
	}
	if (last)
		fputs("</section>\n", out);
}

static void checks_html(FILE *out, const struct nd_val *checks)
{
	fprintf(out, "<section id=\"checks\" data-checks=\"%u\">\n<h2>%s</h2>\n<table><thead><tr>"
		"<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>ms</th></tr></thead><tbody>\n",
		checks ? checks->n : 0, _("checks"), _("check"), _("scenario"), _("status"),
		_("reason"));
	for (const struct nd_val *c = checks ? checks->first : NULL; c; c = c->next) {
		const char *st = str_of(c, "status");

		fprintf(out, "<tr class=\"st-%s\"><td><code>", st ? st : "skip");
		nd_html_esc(out, str_of(c, "id"));
		fputs("</code></td><td>", out);
		nd_html_esc(out, str_of(c, "scenario"));
		fputs("</td><td>", out);
		nd_html_esc(out, status_text(st));
		fputs("</td><td>", out);
		nd_html_esc(out, str_of(c, "reason"));
		fprintf(out, "</td><td>%" PRId64 "</td></tr>\n", int_of(c, "duration_ms"));
	}
	fputs("</tbody></table>\n</section>\n", out);
}

int nd_emit_html(FILE *out, struct nd_report *r)
{
	const struct nd_val *tree = nd_report_tree(r);
	const struct nd_val *findings = nd_val_get(tree, "findings");
	const struct nd_val *answer = nd_val_get(tree, "verdict");
	const char *v = str_of(nd_val_get(tree, "summary"), "verdict");

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; img-src data:\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"netdiag\">\n<title>netdiag: ",
		nd_i18n_lang());
	nd_html_esc(out, v ? v : "healthy");
	fputs("</title>\n<style>", out);
	fputs(css, out);
	fputs("</style>\n</head>\n<body>\n", out);
	verdict_html(out, r, tree);
	nav_html(out, findings);
	nd_html_pictures(out, r, tree);
	if (answer) {
		/* a matrix or egress's table drawn above is not listed again as rows */
		bool drawn = nd_val_get(answer, "pods") && nd_val_get(answer, "allowed");
		const struct nd_val *dests = nd_val_get(answer, "destinations");

		fprintf(out, "<section id=\"answer\">\n<h2>%s</h2>\n<dl class=\"ev\">", _("verdict:"));
		for (const struct nd_val *c = answer->type == ND_V_OBJ ? answer->first : NULL; c;
		     c = c->next) {
			if (drawn && (!strcmp(c->key, "allowed") || !strcmp(c->key, "deciding") ||
				      !strcmp(c->key, "pods")))
				continue;
			if (c == dests && dests->type == ND_V_ARR)
				continue;
			fputs("<dt>", out);
			nd_html_esc(out, c->key);
			fputs("</dt><dd>", out);
			val_html(out, c, 1);
			fputs("</dd>\n", out);
		}
		fputs("</dl>\n</section>\n", out);
	}
	scenarios_html(out, findings);
	checks_html(out, nd_val_get(tree, "checks"));
	fputs("<footer>netdiag/v1</footer>\n</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
