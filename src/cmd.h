/* SPDX-License-Identifier: MIT */
#ifndef ND_CMD_H
#define ND_CMD_H
/*
 * The command table (main.c) and what a command gets.
 *
 * A row says what the command needs; main.c parses the global options,
 * loads the model when a row says ND_NEEDS_MODEL, creates the report, runs
 * the command, prints the report through the one emitter and turns it into
 * the exit code. Commands never repeat that set-up and never print findings
 * themselves.
 *
 * A command function gets its own arguments (argv[0] is the command name)
 * and returns ND_EXIT_OK when it ran (whatever it found), ND_EXIT_USAGE
 * after printing a usage error with nd_usage_error(), or ND_EXIT_NORUN.
 */
#include <stdbool.h>
#include <stdint.h>
#include "findings/finding.h"

struct nd_model;
struct nd_bundle;

enum {
	ND_EXIT_OK = 0,        /* nothing at or above --fail-on */
	ND_EXIT_FINDINGS = 1,
	ND_EXIT_USAGE = 2,     /* usage or input error */
	ND_EXIT_NORUN = 3,     /* no check could run */
};

enum nd_needs {
	ND_NEEDS_NOTHING = 0,
	ND_NEEDS_MODEL = 1 << 0,   /* cluster objects: a bundle (--snapshot) or, later, the API */
	ND_NEEDS_REPORT = 1 << 1,  /* prints a report (findings/checks) at the end */
};

enum nd_format { ND_FMT_TEXT = 0, ND_FMT_JSON };

struct nd_ctx {
	/* global options */
	const char *kubeconfig;
	const char *context;
	const char *ns;            /* -n; NULL = all / default per command */
	bool all_ns;               /* -A */
	const char *snapshot;      /* --snapshot DIR */
	const char *aks;           /* --aks FILE */
	const char *node_root;     /* --node-root DIR */
	const char *node;          /* --node N */
	enum nd_format format;
	bool color;
	const char *lang;          /* en, it */
	int64_t timeout_ms;
	enum nd_sev fail_on;
	int verbose;

	/* set up by main.c according to the row's needs */
	struct nd_bundle *bundle;  /* when --snapshot */
	struct nd_model *model;
	struct nd_report *report;
};

struct nd_cmd {
	const char *name;
	int (*fn)(struct nd_ctx *ctx, int argc, char **argv);
	int min_args, max_args;    /* positional arguments after the name; -1 = any */
	unsigned needs;            /* enum nd_needs */
	const char *usage;         /* "service NAME [--from POD]" */
	const char *summary;       /* one line for --help */
};

/* Print "netdiag CMD: <message>" and the command's usage on stderr. */
int nd_usage_error(const struct nd_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct nd_cmd *nd_cmd_find(const char *name);

/* Run the checks (src/cmd_diagnose.c) of the scenarios in which, narrowed by scope. */
enum { ND_RUN_S2 = 1, ND_RUN_S3 = 2, ND_RUN_S4 = 4, ND_RUN_ALL = 7 };
struct nd_scope;
void nd_run_checks(struct nd_ctx *ctx, const struct nd_scope *scope, unsigned which);

/* Commands, one file each (src/cmd_<name>.c). */
int cmd_diagnose(struct nd_ctx *ctx, int argc, char **argv);
int cmd_explain(struct nd_ctx *ctx, int argc, char **argv);
int cmd_service(struct nd_ctx *ctx, int argc, char **argv);
int cmd_pod(struct nd_ctx *ctx, int argc, char **argv);
int cmd_ipam(struct nd_ctx *ctx, int argc, char **argv);

#endif
