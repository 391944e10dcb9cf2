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
#include <unistd.h>

#include "cmd.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/num.h"
#include "k8s/bundle.h"
#include "k8s/model.h"
#include "out/emit.h"
#include "core/banned.h"

#ifndef ND_VERSION
#define ND_VERSION "0.1.0"
#endif

static const struct nd_cmd commands[] = {
	{"diagnose", cmd_diagnose, 0, 0, ND_WANTS_MODEL | ND_NEEDS_REPORT,
	 "diagnose [--iptables-save F] [--ipvsadm F] [--nft F]",
	 N_("every check that applies from here (the default)")},
	{"apiserver", cmd_apiserver, 0, 0, ND_NEEDS_REPORT,
	 "apiserver [--aks F | --resource-group RG --name N] [--client-ip IP | --egress-ip-url URL]",
	 N_("why this machine cannot reach the API server (S1)"), nd_apiserver_help},
	{"service", cmd_service, 1, 1, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "service NAME [--from NAMESPACE/POD]",
	 N_("why a Service is unreachable (S3); with --from, NetworkPolicy from that pod too")},
	{"pod", cmd_pod, 1, 1, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "pod NAME", N_("why a pod has no IP or no network (S2)")},
	{"ipam", cmd_ipam, 0, 2, ND_WANTS_MODEL | ND_NEEDS_REPORT,
	 "ipam [--node N] | ipam release [--apply] [--min-age DUR] | ipam restore JOURNAL",
	 N_("IP address management on the nodes (S2); release leaked addresses safely")},
	{"can-reach", cmd_canreach, 0, 2, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "can-reach SRC DST[:PORT[/PROTO]] | --matrix [-n NS] --port P[/PROTO]",
	 N_("NetworkPolicy verdict for a flow, with the deciding rules and the fix")},
	{"can-i", cmd_cani, 2, 2, ND_NEEDS_MODEL | ND_NEEDS_REPORT,
	 "can-i VERB RESOURCE[/NAME]|/PATH --as SUBJECT [--as-group G]... [--subresource S]",
	 N_("RBAC verdict with the binding, role and rule, or the grant that is missing; "
	    "live, the API server's answer too")},
	{"collect", cmd_collect, 0, 0, ND_NEEDS_NOTHING,
	 "collect -o DIR|FILE.tar.gz", N_("write an offline bundle from the cluster (secrets never included)")},
	{"checks", cmd_checks, 0, 1, ND_NEEDS_REPORT,
	 "checks [ID]", N_("the checks netdiag runs: what each needs and the codes it may find")},
	{"explain", cmd_explain, 0, 1, ND_NEEDS_NOTHING,
	 "explain [CODE]", N_("the catalogue entry of a finding code (all codes without one)")},
	{"serve", cmd_serve, 0, 1, ND_NEEDS_NOTHING,
	 "serve --snapshot DIR [--listen H:P] [--write-kubeconfig F] [options]",
	 N_("serve a bundle as a read-only Kubernetes API (kubectl works on it)"), nd_serve_help},
};

const struct nd_cmd *nd_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int nd_usage_error(const struct nd_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netdiag%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "%s: netdiag [global options] %s\n", _("usage"), cmd->usage);
	else
		fprintf(stderr, _("see 'netdiag --help'\n"));
	return ND_EXIT_USAGE;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "%s: netdiag [global options] [command] [args]\n\n", _("usage"));
	fprintf(out, "%s\n", _("Finds why a Kubernetes (AKS) cluster's network is broken: the cause, "
			       "the evidence and the fix."));
	fprintf(out, "\n%s\n", _("commands:"));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strlen(commands[i].usage) > 24)
			fprintf(out, "  %s\n  %-24s %s\n", commands[i].usage, "",
				_(commands[i].summary));
		else
			fprintf(out, "  %-24s %s\n", commands[i].usage, _(commands[i].summary));
	}
	fprintf(out, "\n%s\n", _("global options:"));
	fputs("  --snapshot DIR           read an offline bundle (DIR/cluster/*.json, DIR/nodes/...)\n"
	      "  --kubeconfig F --context C\n"
	      "  -n NS, -A               namespace, all namespaces\n"
	      "  --aks F                  az aks show output\n"
	      "  --resource-group RG --name N   run az aks show instead\n"
	      "  --client-ip IP, --egress-ip-url URL   this client's egress IP (S1)\n"
	      "  --node-root DIR --node N\n"
	      "  -o text|json             output format\n"
	      "  --lang en|it             language of the text output\n"
	      "  --timeout DUR            deadline for network calls (5s, 1m)\n"
	      "  --fail-on info|warning|error   exit 1 at or above this severity (default warning)\n"
	      "  --color auto|always|never\n"
	      "  -v, -h/--help, --version\n", out);
	fprintf(out, "\n%s\n", _("exit codes: 0 nothing at or above --fail-on, 1 findings, "
				 "2 usage or input error, 3 no check could run"));
}

static unsigned edit_distance(const char *a, const char *b)
{
	unsigned d[32][32], i, j;
	size_t la = strlen(a), lb = strlen(b);

	if (la > 30 || lb > 30)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			unsigned c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

static int unknown_command(const char *name)
{
	size_t i, best = 0;
	unsigned bd = 99;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		unsigned dd = edit_distance(name, commands[i].name);

		if (dd < bd) {
			bd = dd;
			best = i;
		}
	}
	if (bd <= 2)
		return nd_usage_error(NULL, _("'%s' is not a command; did you mean '%s'?"), name,
				      commands[best].name);
	return nd_usage_error(NULL, _("'%s' is not a command"), name);
}

/* Global option with a value: "--opt V" or "--opt=V". Returns the value or NULL. */
static const char *optval(int argc, char **argv, int *i, const char *lng, const char *shrt,
			  bool *bad)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if ((strcmp(a, lng) == 0 || (shrt && strcmp(a, shrt) == 0))) {
		if (*i + 1 >= argc) {
			nd_usage_error(NULL, _("option '%s' needs a value"), a);
			*bad = true;
			return NULL;
		}
		return argv[++*i];
	}
	if (strncmp(a, lng, n) == 0 && a[n] == '=')
		return a + n + 1;
	return NULL;
}

static int parse_globals(struct nd_ctx *ctx, int argc, char **argv, char **rest, int *nrest,
			 const char **color)
{
	int i;

	*nrest = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool bad = false;

#define OPT(l, s, field) \
		if ((v = optval(argc, argv, &i, l, s, &bad)) != NULL) { field = v; continue; } \
		if (bad) return ND_EXIT_USAGE;
		OPT("--kubeconfig", NULL, ctx->kubeconfig)
		OPT("--context", NULL, ctx->context)
		OPT("--namespace", "-n", ctx->ns)
		OPT("--snapshot", NULL, ctx->snapshot)
		OPT("--aks", NULL, ctx->aks)
		OPT("--node-root", NULL, ctx->node_root)
		OPT("--node", NULL, ctx->node)
		OPT("--lang", NULL, ctx->lang)
		OPT("--color", NULL, *color)
		OPT("--client-ip", NULL, ctx->client_ip)
		OPT("--egress-ip-url", NULL, ctx->egress_ip_url)
		OPT("--resource-group", NULL, ctx->resource_group)
		OPT("--name", NULL, ctx->cluster_name)
#undef OPT
		if (*nrest > 0 && strcmp(rest[0], "collect") == 0 &&
		    (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
		     strncmp(a, "--output=", 9) == 0)) {
			/* collect -o DIR: its own option, not the output format */
			rest[(*nrest)++] = argv[i];
			if (strchr(a, '=') == NULL && i + 1 < argc)
				rest[(*nrest)++] = argv[++i];
			continue;
		}
		if ((v = optval(argc, argv, &i, "--output", "-o", &bad)) != NULL) {
			if (strcmp(v, "json") == 0)
				ctx->format = ND_FMT_JSON;
			else if (strcmp(v, "text") == 0)
				ctx->format = ND_FMT_TEXT;
			else
				return nd_usage_error(NULL, _("-o takes text or json, not '%s'"), v);
			continue;
		}
		if (bad)
			return ND_EXIT_USAGE;
		if ((v = optval(argc, argv, &i, "--timeout", NULL, &bad)) != NULL) {
			if (nd_parse_duration_ms(v, &ctx->timeout_ms) < 0)
				return nd_usage_error(NULL, _("--timeout takes a duration like 5s or "
							     "1m30s, not '%s'"), v);
			continue;
		}
		if (bad)
			return ND_EXIT_USAGE;
		if ((v = optval(argc, argv, &i, "--fail-on", NULL, &bad)) != NULL) {
			if (nd_sev_parse(v, &ctx->fail_on) < 0)
				return nd_usage_error(NULL, _("--fail-on takes info, warning or error, "
							     "not '%s'"), v);
			continue;
		}
		if (bad)
			return ND_EXIT_USAGE;
		if (strcmp(a, "-A") == 0 || strcmp(a, "--all-namespaces") == 0) {
			ctx->all_ns = true;
			continue;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			ctx->verbose++;
			continue;
		}
		if (strcmp(a, "--no-color") == 0) {
			*color = "never";
			continue;
		}
		rest[(*nrest)++] = argv[i];
	}
	if (ctx->lang && strcmp(ctx->lang, "en") != 0 && strcmp(ctx->lang, "it") != 0)
		return nd_usage_error(NULL, _("--lang takes en or it, not '%s'"), ctx->lang);
	if (strcmp(*color, "auto") != 0 && strcmp(*color, "always") != 0 &&
	    strcmp(*color, "never") != 0)
		return nd_usage_error(NULL, _("--color takes auto, always or never, not '%s'"),
				      *color);
	return ND_EXIT_OK;
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

int main(int argc, char **argv)
{
	struct nd_ctx ctx = {.fail_on = ND_SEV_WARNING, .timeout_ms = 10000};
	char **rest = nd_xcalloc((size_t)argc + 1, sizeof(*rest));
	const char *color = "auto";
	const struct nd_cmd *cmd;
	int nrest, rc, i, npos = 0;
	struct nd_err e;
	struct progress prog = {0};

	rc = parse_globals(&ctx, argc, argv, rest, &nrest, &color);
	nd_i18n_init(ctx.lang);
	if (rc != ND_EXIT_OK)
		goto out;
	for (i = 0; i < nrest; i++) {
		if (strcmp(rest[i], "-h") == 0 || strcmp(rest[i], "--help") == 0) {
			cmd = nrest > 0 && rest[0][0] != '-' ? nd_cmd_find(rest[0]) : NULL;
			if (cmd)
				printf("%s: netdiag [global options] %s\n%s\n", _("usage"), cmd->usage,
				       _(cmd->summary));
			else
				usage(stdout);
			if (cmd && cmd->help)
				printf("\n%s", cmd->help);
			rc = ND_EXIT_OK;
			goto out;
		}
		if (strcmp(rest[i], "--version") == 0) {
			printf("netdiag %s\n", ND_VERSION);
			rc = ND_EXIT_OK;
			goto out;
		}
	}
	if (nrest == 0 || rest[0][0] == '-') {
		/* no command: diagnose */
		memmove(rest + 1, rest, (size_t)nrest * sizeof(*rest));
		rest[0] = (char *)"diagnose";
		nrest++;
	}
	cmd = nd_cmd_find(rest[0]);
	if (!cmd) {
		rc = unknown_command(rest[0]);
		goto out;
	}
	for (i = 1; i < nrest; i++)
		npos += rest[i][0] != '-';
	if (npos < cmd->min_args && cmd->min_args > 0) {
		rc = nd_usage_error(cmd, _("missing argument"));
		goto out;
	}
	ctx.color = strcmp(color, "always") == 0 ||
		    (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (cmd->needs & ND_NEEDS_REPORT) {
		ctx.report = nd_report_new();
		ctx.report->source.mode = ctx.node_root ? "node" : "snapshot";
		ctx.report->source.snapshot = ctx.snapshot;
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
		for (i = 0; i < (int)ctx.bundle->nerrors; i++)
			fprintf(stderr, "netdiag: %s\n", ctx.bundle->errors[i].msg);
		report_bundle(ctx.report, ctx.bundle);
		ctx.have_source = true;
	}
run:
	rc = cmd->fn(&ctx, nrest, rest);
	if (ctx.report)
		nd_checks_audit(ctx.report);
	if (rc == ND_EXIT_OK && ctx.report) {
		struct nd_emit_opts eo = {
			.format = ctx.format == ND_FMT_JSON ? ND_EMIT_JSON : ND_EMIT_TEXT,
			.color = ctx.color,
			.verbose = ctx.verbose > 0,
		};

		nd_report_sort(ctx.report);
		if (nd_emit_report(stdout, ctx.report, &eo) < 0) {
			fprintf(stderr, "netdiag: %s\n", _("cannot write the report to standard output"));
			rc = ND_EXIT_USAGE;
			goto out;
		}
		rc = exit_code(&ctx, ctx.report);
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
	nd_report_free(ctx.report);
	nd_bundle_free(ctx.bundle);
	nd_model_free(ctx.model);
	nd_live_source_free(ctx.live);
	free(rest);
	return rc;
}
