/* SPDX-License-Identifier: MIT */
/*
 * netdiag: the command table, the global options, and the one place that
 * sets up what a command needs, prints the report and picks the exit code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <getopt.h>
#include <unistd.h>

#include "aks/aks.h"
#include "cmd.h"
#include <errno.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/num.h"
#include "k8s/bundle.h"
#include "k8s/http.h"
#include "k8s/model.h"
#include "out/emit.h"
#include "core/banned.h"


#define ND_OPT_MAX 64

/* One parsed command line: the command, the argv it gets, and the globals' flags. */
struct cmdline {
	const struct nd_cmd *cmd;
	bool explicit_cmd;           /* named on the line (not the default diagnose) */
	char **argv;                 /* argv[0] = the command's name */
	int argc;
	bool help, version, man;
	const char *color;
	char **owned;                /* the "--name" strings made for argv */
	int nowned;
};

static void cmdline_free(struct cmdline *cl)
{
	for (int i = 0; i < cl->nowned; i++)
		free(cl->owned[i]);
	free(cl->owned);
	free(cl->argv);
}

static const struct nd_opt *opt_named(const struct nd_opt *t, const char *name, size_t n)
{
	for (; t && t->name; t++)
		if (strlen(t->name) == n && strncmp(t->name, name, n) == 0)
			return t;
	return NULL;
}

static const struct nd_opt *opt_short(const struct nd_opt *t, int c)
{
	for (; t && t->name; t++)
		if (t->shrt == c)
			return t;
	return NULL;
}

/* The command word: the first argument that is neither an option nor a global's value. */
static int command_word(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct nd_opt *o;

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (a[0] != '-' || !a[1])
			return i;
		if (a[1] == '-')
			o = strchr(a, '=') ? NULL : opt_named(nd_global_opts, a + 2, strlen(a + 2));
		else
			o = a[2] ? NULL : opt_short(nd_global_opts, a[1]);
		if (o && o->arg)
			i++;
	}
	return -1;
}

static int unknown_command(const char *name)
{
	const struct nd_cmd *best = NULL;
	unsigned bd = 99;

	for (const struct nd_cmd *c = nd_commands; c->name; c++) {
		unsigned d = nd_edit_distance(name, c->name);

		if (d < bd) {
			bd = d;
			best = c;
		}
	}
	if (best && bd <= 2)
		return nd_usage_error(NULL, _("'%s' is not a command; did you mean '%s'?"), name,
				      best->name);
	return nd_usage_error(NULL, _("'%s' is not a command"), name);
}

/* A misspelled long option: named, with the nearest one of the table. */
static int unknown_option(const struct nd_cmd *cmd, const struct nd_opt *const *tab, int n,
			  const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const char *best = NULL;
	unsigned bd = 99;

	if (arg[0] != '-' || arg[1] != '-' || len >= sizeof(name))
		return nd_usage_error(cmd, _("unknown option '%s'"), arg);
	memcpy(name, arg + 2, len - 2);
	name[len - 2] = '\0';
	for (int i = 0; i < n; i++) {
		unsigned d = nd_edit_distance(name, tab[i]->name);

		if (d < bd) {
			bd = d;
			best = tab[i]->name;
		}
	}
	if (best && bd <= (strlen(name) > 6 ? 2u : 1u))
		return nd_usage_error(cmd, _("unknown option '--%s'; did you mean '--%s'?"), name,
				      best);
	/* a prefix two options share (getopt_long: ambiguous) */
	for (int i = 0; i < n; i++)
		if (strncmp(tab[i]->name, name, strlen(name)) == 0)
			return nd_usage_error(cmd, _("option '--%s' is ambiguous; give it in full"),
					      name);
	return nd_usage_error(cmd, _("unknown option '--%s'"), name);
}

static int global_value(struct nd_ctx *ctx, struct cmdline *cl, const struct nd_opt *o,
			const char *v)
{
	const char *n = o->name;

#define IS(x) (strcmp(n, x) == 0)
	if (IS("kubeconfig")) ctx->kubeconfig = v;
	else if (IS("context")) ctx->context = v;
	else if (IS("namespace")) ctx->ns = v;
	else if (IS("all-namespaces")) ctx->all_ns = true;
	else if (IS("snapshot")) ctx->snapshot = v;
	else if (IS("aks")) ctx->aks = v;
	else if (IS("resource-group")) ctx->resource_group = v;
	else if (IS("name")) ctx->cluster_name = v;
	else if (IS("client-ip")) ctx->client_ip = v;
	else if (IS("egress-ip-url")) ctx->egress_ip_url = v;
	else if (IS("node-root")) ctx->node_root = v;
	else if (IS("node")) ctx->node = v;
	else if (IS("lang")) ctx->lang = v;
	else if (IS("color")) cl->color = v;
	else if (IS("no-color")) cl->color = "never";
	else if (IS("verbose")) ctx->verbose++;
	else if (IS("brief")) ctx->brief = true;
	else if (IS("html")) ctx->html_file = v;
	else if (IS("help")) cl->help = true;
	else if (IS("version")) cl->version = true;
	else if (IS("help-man")) cl->man = true;
	else if (IS("output")) {
		if (strcmp(v, "json") == 0)
			ctx->format = ND_FMT_JSON;
		else if (strcmp(v, "text") == 0)
			ctx->format = ND_FMT_TEXT;
		else if (strcmp(v, "html") == 0)
			ctx->format = ND_FMT_HTML;
		else
			return nd_usage_error(NULL, _("-o takes text, json or html, not '%s'"), v);
	} else if (IS("timeout")) {
		if (nd_parse_duration_ms(v, &ctx->timeout_ms) < 0)
			return nd_usage_error(NULL, _("--timeout takes a duration like 5s or 1m30s, "
						     "not '%s'"), v);
	} else if (IS("fail-on")) {
		if (nd_sev_parse(v, &ctx->fail_on) < 0)
			return nd_usage_error(NULL, _("--fail-on takes info, warning or error, not "
						     "'%s'"), v);
	}
#undef IS
	return ND_EXIT_OK;
}

/* A hidden global: the man page from the tables (the build writes docs/netdiag.1 with it). */
static const struct nd_opt man_opt[] = {{"help-man", 0, NULL, "", 0}, {NULL, 0, NULL, NULL, 0}};

/*
 * argv -> the command, its argv (positionals, then its options as
 * "--name" [VALUE]) and the globals into ctx, with getopt_long over the
 * command's table and the global one: options before or after the command,
 * "--opt=V", "-nNS", "--" ending the options. Every error is printed once,
 * here, before anything is read or contacted.
 */
static int parse_cmdline(struct nd_ctx *ctx, int argc, char **argv, struct cmdline *cl)
{
	const struct nd_opt *tab[ND_OPT_MAX];
	struct option lo[ND_OPT_MAX + 1];
	char shorts[2 * ND_OPT_MAX + 4];
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(*pos));
	char **opts = nd_xcalloc(2 * (size_t)argc + 1, sizeof(*opts));
	int n = 0, npos = 0, nopt = 0, ncmd, cw, c, rc = ND_EXIT_OK;
	size_t ns = 0;
	bool word_seen;

	cl->color = "auto";
	cw = command_word(argc, argv);
	cl->cmd = nd_cmd_find(cw > 0 ? argv[cw] : "diagnose");
	cl->explicit_cmd = cw > 0;
	if (!cl->cmd) {
		rc = unknown_command(argv[cw]);
		goto out;
	}
	/* the command's options first: one with a global's name or letter is the command's */
	for (const struct nd_opt *o = cl->cmd->opts; o && o->name && n < ND_OPT_MAX; o++)
		tab[n++] = o;
	ncmd = n;
	for (const struct nd_opt *o = nd_global_opts; o->name && n < ND_OPT_MAX - 1; o++) {
		int k;

		for (k = 0; k < ncmd; k++)
			if (strcmp(tab[k]->name, o->name) == 0 || (o->shrt && tab[k]->shrt == o->shrt))
				break;
		if (k == ncmd)
			tab[n++] = o;
	}
	tab[n++] = man_opt;
	shorts[ns++] = '-';   /* positionals in order, options anywhere */
	shorts[ns++] = ':';   /* a missing value is ':' */
	for (int i = 0; i < n; i++) {
		lo[i] = (struct option){tab[i]->name, tab[i]->arg ? required_argument : no_argument,
					NULL, 256 + i};
		if (tab[i]->shrt) {
			shorts[ns++] = (char)tab[i]->shrt;
			if (tab[i]->arg)
				shorts[ns++] = ':';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	shorts[ns] = '\0';

	opterr = 0;
	optind = 1;
	word_seen = cw < 0;
	cl->owned = nd_xcalloc((size_t)argc + 1, sizeof(*cl->owned));
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct nd_opt *o;
		int k;

		if (c == 1) {
			if (!word_seen && optind - 1 == cw)
				word_seen = true;
			else
				pos[npos++] = optarg;
			continue;
		}
		if (c == '?') {
			if (optopt && optopt < 256)
				rc = nd_usage_error(cl->explicit_cmd ? cl->cmd : NULL,
						    _("unknown option '-%c'"), optopt);
			else
				rc = unknown_option(cl->explicit_cmd ? cl->cmd : NULL, tab, n,
						    argv[optind - 1]);
			goto out;
		}
		if (c == ':') {
			rc = nd_usage_error(cl->explicit_cmd ? cl->cmd : NULL,
					    _("option '%s' needs a value"), argv[optind - 1]);
			goto out;
		}
		if (c >= 256) {
			k = c - 256;
		} else {
			for (k = 0; k < n && tab[k]->shrt != c; k++)
				;
		}
		if (k >= n)
			continue;
		o = tab[k];
		if (k < ncmd) {
			char *s = nd_xmalloc(strlen(o->name) + 3);

			memcpy(s, "--", 2);
			memcpy(s + 2, o->name, strlen(o->name) + 1);
			cl->owned[cl->nowned++] = s;
			opts[nopt++] = s;
			if (o->arg)
				opts[nopt++] = optarg;
		} else if ((rc = global_value(ctx, cl, o, optarg)) != ND_EXIT_OK) {
			goto out;
		}
	}
	for (; optind < argc; optind++) {     /* after "--" */
		if (!word_seen && optind == cw)
			word_seen = true;
		else
			pos[npos++] = argv[optind];
	}
	if (ctx->lang && strcmp(ctx->lang, "en") != 0 && strcmp(ctx->lang, "it") != 0) {
		rc = nd_usage_error(NULL, _("--lang takes en or it, not '%s'"), ctx->lang);
		goto out;
	}
	if (strcmp(cl->color, "auto") != 0 && strcmp(cl->color, "always") != 0 &&
	    strcmp(cl->color, "never") != 0) {
		rc = nd_usage_error(NULL, _("--color takes auto, always or never, not '%s'"),
				    cl->color);
		goto out;
	}
	cl->argv = nd_xcalloc((size_t)(1 + npos + nopt + 1), sizeof(*cl->argv));
	cl->argv[cl->argc++] = (char *)cl->cmd->name;
	for (int i = 0; i < npos; i++)
		cl->argv[cl->argc++] = pos[i];
	for (int i = 0; i < nopt; i++)
		cl->argv[cl->argc++] = opts[i];
	if (!cl->help && !cl->version && !cl->man && npos < cl->cmd->min_args)
		rc = nd_usage_error(cl->cmd, _("missing argument"));
out:
	free(pos);
	free(opts);
	return rc;
}

/* Bundle problems become a check of their own and one finding per file. */
static void report_bundle(struct nd_report *r, const struct nd_bundle *b)
{
	size_t i;

	nd_check_begin(r, "bundle-load", "S0");
	for (i = 0; i < b->nerrors; i++) {
		struct nd_finding *f = nd_finding_add(r, "bundle-load-error", "File", NULL,
						      b->errors[i].file);

		nd_finding_summary(r, f, "%s", b->errors[i].msg);
		nd_obj_str(r, f->evidence, "file", b->errors[i].file);
		nd_obj_str(r, f->evidence, "error", b->errors[i].msg);
		if (!i || strcmp(b->errors[i - 1].file, b->errors[i].file) != 0)
			nd_report_unread(r, "%s", b->errors[i].file);
		nd_finding_remedy(r, f, _("fix or re-collect the file: everything else in the "
					  "bundle was still read"));
	}
	for (i = 0; i < b->nconflicts; i++) {
		struct nd_finding *f = nd_finding_add(r, "bundle-duplicate-object", "File", NULL,
						      b->conflicts[i].file);

		nd_finding_summary(r, f, "%s", b->conflicts[i].msg);
		nd_obj_str(r, f->evidence, "file", b->conflicts[i].file);
		nd_obj_str(r, f->evidence, "conflict", b->conflicts[i].msg);
		nd_finding_remedy(r, f, _("keep one copy of the object in the bundle (the newer "
					  "one), or collect it again"));
	}
	if (b->errors_dropped) {
		struct nd_finding *f = nd_finding_add(r, "bundle-load-error", "Bundle", NULL, b->dir);

		nd_report_unread(r, _("%zu more bundle problems"), b->errors_dropped);
		nd_finding_summary(r, f, _("%zu more problems in the bundle were not listed"),
				   b->errors_dropped);
		nd_obj_int(r, f->evidence, "not_listed", (int64_t)b->errors_dropped);
	}
	nd_check_end(r, b->nerrors ? ND_CHECK_ERROR : ND_CHECK_PASS,
		     nd_report_printf(r, _("%zu files, %zu objects"), b->files, b->objects));
}

/* A progress line on stderr, only on a terminal and only after a second. */
struct progress {
	struct timespec start;
	bool shown;
};

static void show_progress(const char *file, size_t done, size_t total, void *arg)
{
	struct progress *p = arg;
	struct timespec now;
	const char *base = strrchr(file, '/');

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - p->start.tv_sec < 1)
		return;
	fprintf(stderr, "\r\033[K%s %s %zu%%", _("netdiag: reading"), base ? base + 1 : file,
		total ? done * 100 / total : 0);
	p->shown = true;
}

/* --lang's value on the command line, before any parsing (NULL: the environment decides). */
static const char *lang_arg(int argc, char **argv)
{
	const char *lang = NULL;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	return lang;
}

/* --html FILE: the HTML report, written whole to a temporary file first */
static int write_html(const char *path, struct nd_report *r)
{
	struct nd_emit_opts ho = {.format = ND_EMIT_HTML};
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "netdiag: --html: %s\n", _("the path is too long"));
		return -1;
	}
	f = fopen(tmp, "we");
	if (!f) {
		fprintf(stderr, "netdiag: %s '%s': %s\n", _("cannot create"), tmp, strerror(errno));
		return -1;
	}
	if (nd_emit_report(f, r, &ho) < 0 || fclose(f) != 0) {
		fprintf(stderr, "netdiag: %s '%s'\n", _("cannot write"), tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		fprintf(stderr, "netdiag: %s '%s': %s\n", _("cannot write"), path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* A bundle that collect wrote says when, and from which context and server:
 * collect-info.json's collected_at, context, server. */
static void bundle_info(struct nd_report *r, const struct nd_bundle *b)
{
	char path[4200], *buf = NULL;
	size_t len;
	struct nd_err e;
	struct nd_json root;
	struct nd_arena *a;

	if (snprintf(path, sizeof(path), "%s/collect-info.json", b->dir) >= (int)sizeof(path) ||
	    access(path, R_OK) != 0 || nd_read_file(path, 1 << 20, &buf, &len, &e) < 0)
		return;
	a = nd_arena_new(16 * 1024);
	if (nd_json_parse(buf, len, 0, a, &root, &e) == 0) {
		r->source.when = nd_report_strdup(r, nd_json_str(nd_json_get(&root, "collected_at")));
		r->source.context = nd_report_strdup(r, nd_json_str(nd_json_get(&root, "context")));
		r->source.server = nd_report_strdup(r, nd_json_str(nd_json_get(&root, "server")));
	}
	nd_arena_free(a);
	free(buf);
}

/* DESIGN §3: 1 for a finding at or above --fail-on; else 3 when the run
 * could not look (no check ran, or the verdict is incomplete); else 0. */
static int exit_code(const struct nd_ctx *ctx, const struct nd_report *r)
{
	size_t i, ran = 0;

	for (i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, "bundle-load") != 0 &&
		    strcmp(r->checks[i].id, "api-list") != 0 &&
		    (r->checks[i].status == ND_CHECK_PASS || r->checks[i].status == ND_CHECK_FAIL))
			ran++;
	if (r->nchecks && !ran)
		return ND_EXIT_NORUN;
	if (nd_report_count(r, ctx->fail_on))
		return ND_EXIT_FINDINGS;
	return nd_report_verdict(r) == ND_VERDICT_INCOMPLETE ? ND_EXIT_NORUN : ND_EXIT_OK;
}

/* Append word to b, in single quotes when the shell would split or expand it. */
static void shell_word(struct nd_buf *b, const char *w)
{
	bool plain = *w != '\0';

	for (const char *p = w; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_./:@%+=,-", *p))
			plain = false;
	if (plain) {
		nd_buf_adds(b, w);
		return;
	}
	nd_buf_adds(b, "'");
	for (const char *p = w; *p; p++) {
		if (*p == '\'')
			nd_buf_adds(b, "'\\''");
		else
			nd_buf_add(b, p, 1);
	}
	nd_buf_adds(b, "'");
}

/*
 * Tell the report how this run was started: the source flags every
 * suggested netdiag command must carry, and the run's own words (the
 * command, its arguments and options, the scope) so it never suggests itself.
 */
static void set_invocation(const struct nd_ctx *ctx, const struct nd_cmd *cmd, char **rest,
			   int nrest)
{
	static const char *const names[] = {"--snapshot", "--kubeconfig", "--context", "--node-root"};
	const char *vals[] = {ctx->snapshot, ctx->kubeconfig, ctx->context, ctx->node_root};
	const char *self[64];
	size_t n = 0;
	struct nd_buf b;

	nd_buf_init(&b, 1 << 16);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!vals[i])
			continue;
		if (b.len)
			nd_buf_adds(&b, " ");
		nd_buf_adds(&b, names[i]);
		nd_buf_adds(&b, " ");
		shell_word(&b, vals[i]);
	}
	self[n++] = cmd->name;
	for (int i = 1; i < nrest && n < 60; i++)
		self[n++] = rest[i];
	if (ctx->node && n < 62) {
		self[n++] = "--node";
		self[n++] = ctx->node;
	}
	if (ctx->ns && n < 62) {
		self[n++] = "-n";
		self[n++] = ctx->ns;
	}
	if (ctx->all_ns && n < 63)
		self[n++] = "-A";
	nd_report_set_invocation(ctx->report, b.len ? b.p : NULL, self, n);
	nd_buf_release(&b);
}

int main(int argc, char **argv)
{
	struct nd_ctx ctx = {.fail_on = ND_SEV_WARNING, .timeout_ms = 10000};
	struct cmdline cl = {0};
	const char *color;
	const struct nd_cmd *cmd;
	int nrest, rc;
	char **rest;
	struct nd_err e;
	struct progress prog = {0};

	/* the language first: a usage error is already in it */
	nd_i18n_init(lang_arg(argc, argv));
	rc = parse_cmdline(&ctx, argc, argv, &cl);
	ctx.deadline_ms = nd_now_ms() + ctx.timeout_ms;
	nd_i18n_init(ctx.lang);
	cmd = cl.cmd;
	rest = cl.argv;
	nrest = cl.argc;
	color = cl.color;
	if (rc != ND_EXIT_OK)
		goto out;
	if (cl.help || cl.version || cl.man) {
		if (cl.man)
			nd_man(stdout);
		else if (cl.version)
			printf("netdiag %s\n", ND_VERSION);
		else
			nd_help(stdout, cl.explicit_cmd ? cmd : NULL);
		rc = ND_EXIT_OK;
		goto out;
	}
	ctx.color = strcmp(color, "always") == 0 ||
		    (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (cmd->needs & ND_NEEDS_REPORT) {
		ctx.report = nd_report_new();
		ctx.report->source.mode = ctx.node_root ? "node" : "snapshot";
		ctx.report->source.snapshot = ctx.snapshot;
		set_invocation(&ctx, cmd, rest, nrest);
	}
	/* On a node without a bundle (the API source is not read there yet), and
	 * for `ipam restore` (the journal is all it needs): an empty model. */
	if ((cmd->needs & ND_WANTS_MODEL) && !ctx.snapshot &&
	    (ctx.node_root || (nrest > 1 && strcmp(rest[1], "restore") == 0))) {
		ctx.model = nd_model_new();
		nd_model_finish(ctx.model);
	} else if (cmd->needs & (ND_NEEDS_MODEL | ND_WANTS_MODEL)) {
		if (!ctx.snapshot && cmd->fn == cmd_diagnose) {
			/* S1 first: when the API server cannot be used, say why and
			 * run what needs no cluster instead of failing on the list */
			const char *why;

			rc = nd_apiserver_checks(&ctx, false, true, &why);
			if (rc != ND_EXIT_OK)
				goto out;
			if (ctx.s1_unreachable) {
				fprintf(stderr, "netdiag %s: %s\n", cmd->name, why);
				nd_check_skip(ctx.report, "api-list", "S0",
					      _("the API server cannot be used: see the S1 checks"));
				ctx.model = nd_model_new();
				nd_model_finish(ctx.model);
				goto run;
			}
		}
		if (!ctx.snapshot) {
			if (cmd->fn == cmd_agent)   /* one agent per node: no more than its checks read */
				ctx.live_kinds = nd_check_node_kinds();
			rc = nd_live_source_open(&ctx, cmd->name);
			if (rc != ND_EXIT_OK)
				goto out;
			goto run;
		}
		ctx.model = nd_model_new();
		if (isatty(STDERR_FILENO)) {
			clock_gettime(CLOCK_MONOTONIC, &prog.start);
			nd_bundle_set_progress(show_progress, &prog);
		}
		rc = nd_bundle_load(ctx.snapshot, ctx.model, &ctx.bundle, &e);
		if (prog.shown)
			fputs("\r\033[K", stderr);
		if (rc < 0) {
			fprintf(stderr, "netdiag: %s\n", e.msg);
			rc = ND_EXIT_USAGE;
			goto out;
		}
		for (int i = 0; i < (int)ctx.bundle->nerrors; i++)
			fprintf(stderr, "netdiag: %s\n", ctx.bundle->errors[i].msg);
		report_bundle(ctx.report, ctx.bundle);
		bundle_info(ctx.report, ctx.bundle);
		ctx.have_source = true;
	}
run:
	rc = cmd->fn(&ctx, nrest, rest);
	if (ctx.report)
		nd_checks_audit(ctx.report);
	if (rc == ND_EXIT_OK && ctx.report) {
		struct nd_emit_opts eo = {
			.format = ctx.format == ND_FMT_JSON ? ND_EMIT_JSON
				  : ctx.format == ND_FMT_HTML ? ND_EMIT_HTML : ND_EMIT_TEXT,
			.color = ctx.color && ctx.format == ND_FMT_TEXT,
			.verbose = ctx.verbose > 0,
			.one_line = ctx.one_line,
			.brief = ctx.brief,
		};

		nd_report_sort(ctx.report);
		if (ctx.html_file && write_html(ctx.html_file, ctx.report) < 0) {
			rc = ND_EXIT_USAGE;
			goto out;
		}
		if (nd_emit_report(stdout, ctx.report, &eo) < 0) {
			fprintf(stderr, "netdiag: %s\n", _("cannot write the report to standard output"));
			rc = ND_EXIT_USAGE;
			goto out;
		}
		rc = exit_code(&ctx, ctx.report);
		if (rc < ctx.exit_min)
			rc = ctx.exit_min;
		/* diagnose could not read the cluster: 3 as before, the report says why */
		if (ctx.s1_unreachable && !ctx.snapshot && cmd->fn == cmd_diagnose)
			rc = ND_EXIT_NORUN;
	}
out:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "netdiag: %s\n", _("cannot write to standard output"));
		if (rc == ND_EXIT_OK)
			rc = ND_EXIT_USAGE;
	}
	if (ctx.linger && rc != ND_EXIT_USAGE)
		for (;;)
			pause();   /* agent --stay: until the kubelet's SIGTERM */
	nd_report_free(ctx.report);
	nd_aks_free(ctx.aks_profile);
	nd_bundle_free(ctx.bundle);
	nd_model_free(ctx.model);
	nd_live_source_free(ctx.live);
	cmdline_free(&cl);
	return rc;
}
