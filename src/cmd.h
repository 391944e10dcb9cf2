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
#include <stdio.h>
#include "checks/registry.h"
#include "findings/finding.h"

#ifndef ND_VERSION
#define ND_VERSION "0.1.0"
#endif

struct nd_model;
struct nd_bundle;
struct nd_live_session;
struct nd_kubeconfig;
struct nd_err;

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
	ND_WANTS_MODEL = 1 << 2,   /* the model when a source is given, else an empty one
				    * (ctx->have_source false): node commands */
};

enum nd_format { ND_FMT_TEXT = 0, ND_FMT_JSON, ND_FMT_HTML };

struct nd_aks_profile;

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
	bool brief;                /* --brief: the text's verdict block only */
	const char *html_file;     /* --html FILE: the HTML report there too */
	bool color;
	const char *lang;          /* en, it */
	int64_t timeout_ms;
	int64_t deadline_ms;       /* nd_now_ms() when --timeout ends: the whole run's network bound */
	enum nd_sev fail_on;
	int verbose;

	/* command options that reach the checks (diagnose) */
	const char *iptables_file;   /* --iptables-save FILE */
	const char *ipvs_file;       /* --ipvsadm FILE */
	const char *nft_file;        /* --nft FILE */

	/* S1 (src/cmd_apiserver.c): the client's egress IP and the AKS profile */
	const char *client_ip;       /* --client-ip IP */
	const char *egress_ip_url;   /* --egress-ip-url URL (an echo service the user names) */
	const char *resource_group;  /* --resource-group RG, with --name: runs az aks show */
	const char *cluster_name;    /* --name NAME */
	bool s1_done;                /* the S1 checks ran (before the live source) */
	/* the AKS profile once read (by S1, or for the S2 checks from --aks or the
	 * bundle's aks.json): main.c frees it; NULL when there is none */
	struct nd_aks_profile *aks_profile;
	bool aks_tried;

	/* S4 in a pod (src/cmd_incluster.c): the checks' pod vantage */
	bool in_pod;
	const char *pod_ns, *pod_name;
	bool s1_unreachable;         /* ... and found the API server unusable */

	/* how main.c ends a command (the fleet agent) */
	bool one_line;             /* JSON on one line (a log line) */
	bool linger;               /* stay running after the report, until a signal */
	int exit_min;              /* the exit code is at least this once the report is
				    * printed (fleet run: what it created was not all removed) */
	uint32_t live_kinds;       /* the live source lists only these kinds (ND_KIND bits);
				    * 0: all */

	/* set up by main.c according to the row's needs */
	bool have_source;          /* the model was read from a source (not empty) */
	struct nd_bundle *bundle;  /* when --snapshot */
	struct nd_model *model;
	struct nd_report *report;
	struct nd_live_session *live;  /* when reading the API (k8s/livesrc.c) */
};

/* One option of a command or of all (nd_global_opts): --name, -s. */
enum {
	ND_OPT_REPEAT = 1 << 0,     /* may be given more than once */
	ND_OPT_PATH = 1 << 1,       /* completion: a file or folder */
	ND_OPT_NAMESPACE = 1 << 2,  /* completion: a namespace of the source */
	ND_OPT_POD = 1 << 3,        /* completion: NS/POD of the source */
};
struct nd_opt {
	const char *name;          /* long name, without "--" */
	int shrt;                  /* short letter, or 0 */
	const char *arg;           /* the value's name ("FILE"), NULL for a flag */
	const char *help;          /* one line (N_()), for --help and the man page */
	unsigned flags;
};
extern const struct nd_opt nd_global_opts[];   /* NULL-ended */

struct nd_cmd {
	const char *name;
	int (*fn)(struct nd_ctx *ctx, int argc, char **argv);
	int min_args, max_args;    /* positional arguments after the name; -1 = any */
	unsigned needs;            /* enum nd_needs */
	const char *usage;         /* "service [NS/]NAME" */
	const char *summary;       /* one line for --help */
	const char *help;          /* more text for 'netdiag CMD -h', or NULL */
	const struct nd_opt *opts; /* its own options, NULL-ended; an option with a
				    * global's name (collect -o) is the command's */
	const char *complete;      /* what its positionals complete to: words, or
				    * "service", "pod", "code", "check", "shell", "verb" */
};
extern const struct nd_cmd nd_commands[];      /* NULL-ended, in --help order */

/*
 * A command function gets argv[0] = its name, then its positional
 * arguments in order, then its options as "--name" [VALUE] (the table's
 * long names, checked and split by main.c): it never sees a global option
 * or an unknown one.
 */

/* --help text from the tables: the command's (cmd) or netdiag's (NULL). */
void nd_help(FILE *out, const struct nd_cmd *cmd);
/* Damerau-Levenshtein distance, for "did you mean" (99 when too long). */
unsigned nd_edit_distance(const char *a, const char *b);

/* Print "netdiag CMD: <message>" and the command's usage on stderr. */
int nd_usage_error(const struct nd_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct nd_cmd *nd_cmd_find(const char *name);

/* Run the registry's checks (src/cmd_diagnose.c) of the scenarios in which
 * (ND_RUN_*), narrowed by scope. */
void nd_run_checks(struct nd_ctx *ctx, const struct nd_scope *scope, unsigned which);
/*
 * For a check a command runs itself (a registry row with .by): true when
 * its needs are met on ctx's source, else its skip is recorded with the
 * reason and the command must not decide (no verdict from part of the data).
 */
bool nd_check_runnable(struct nd_ctx *ctx, const char *id);

/*
 * --probe (src/cmd_probe.c): probe every ready endpoint and the ClusterIP of
 * the Services in scope from here, within ctx->deadline_ms, and add the
 * checks endpoint-probe and cluster-ip-probe (checks/epprobe.h).
 */
void nd_endpoint_probes(struct nd_ctx *ctx, const struct nd_scope *scope);

/*
 * The live source (src/k8s/livesrc.c), set up by main.c when a command
 * needs the model and no --snapshot is given: resolves the kubeconfig
 * (or in-cluster credentials), lists every kind into ctx->model, sets
 * report.source and adds the "api-list" check. Returns an exit code
 * (ND_EXIT_OK to go on) after printing what failed.
 * nd_live_source_unread() says, per kind, why it could not be listed (403,
 * error): the runner skips the checks that need it before they run.
 */
int nd_live_source_open(struct nd_ctx *ctx, const char *cmdname);
/* The same with credentials already resolved (incluster); takes kc. */
int nd_live_source_open_kc(struct nd_ctx *ctx, const char *cmdname, struct nd_kubeconfig *kc);
void nd_live_source_unread(const struct nd_live_session *s, struct nd_report *r,
			   const char *why[ND_K__COUNT]);
void nd_live_source_free(struct nd_live_session *s);
int nd_kubeconfig_opts_from_ctx(const struct nd_ctx *ctx, struct nd_kubeconfig **kc,
				struct nd_err *e);

/* Commands, one file each (src/cmd_<name>.c). */
int cmd_diagnose(struct nd_ctx *ctx, int argc, char **argv);
int cmd_collect(struct nd_ctx *ctx, int argc, char **argv);
int cmd_explain(struct nd_ctx *ctx, int argc, char **argv);
int cmd_checks(struct nd_ctx *ctx, int argc, char **argv);
int cmd_completion(struct nd_ctx *ctx, int argc, char **argv);
/* The man page (roff) from the tables: netdiag --help-man, docs/netdiag.1. */
void nd_man(FILE *out);
int cmd_serve(struct nd_ctx *ctx, int argc, char **argv);
extern const char nd_serve_help[];     /* src/cmd_serve.c: options and fault switches */
int cmd_service(struct nd_ctx *ctx, int argc, char **argv);
int cmd_pod(struct nd_ctx *ctx, int argc, char **argv);
int cmd_ipam(struct nd_ctx *ctx, int argc, char **argv);
int cmd_canreach(struct nd_ctx *ctx, int argc, char **argv);
int cmd_cani(struct nd_ctx *ctx, int argc, char **argv);
int cmd_apiserver(struct nd_ctx *ctx, int argc, char **argv);
int cmd_agent(struct nd_ctx *ctx, int argc, char **argv);
int cmd_fleet(struct nd_ctx *ctx, int argc, char **argv);
extern const char nd_fleet_help[];
int cmd_incluster(struct nd_ctx *ctx, int argc, char **argv);
extern const char nd_incluster_help[];
extern const char nd_apiserver_help[];

/*
 * S1 (src/cmd_apiserver.c): read the AKS profile and the client's egress
 * IP, probe the API server unless offline (a --snapshot, or no_probe), and
 * add the S1 checks to ctx->report, all within ctx->timeout_ms. Sets
 * ctx->s1_done, and ctx->s1_unreachable when the probe found the API
 * server unusable (then *why says how, for stderr). Returns ND_EXIT_OK or
 * ND_EXIT_USAGE (a bad --client-ip, an unreadable --aks file: printed).
 */
int nd_apiserver_checks(struct nd_ctx *ctx, bool no_probe, bool in_diagnose, const char **why);

int cmd_egress(struct nd_ctx *ctx, int argc, char **argv);
extern const char nd_egress_help[];

/*
 * S4 egress (src/cmd_egress.c): AKS's required outbound destinations
 * (data/aks-egress.json, built in, or data_file), expanded for the AKS
 * profile (aks, else ctx->aks / --resource-group --name) and include, plus
 * the also entries; each probed DNS -> TCP -> TLS -> HTTP, o->concurrency
 * at once, all within ctx->deadline_ms; then the check `egress` and one
 * egress-blocked finding per failing destination are added to ctx->report
 * (checks/egress.h says what each carries). With table, the destinations
 * table goes into the report's verdict (the egress command; a caller that
 * has its own verdict leaves it false: the check and findings still say
 * everything). Offline (ctx->snapshot) or no_probe: listed, not probed
 * (the check is skipped). Returns ND_EXIT_OK, or ND_EXIT_USAGE after
 * printing "netdiag <caller>: <message>" for a bad --ca-file, --dns-server,
 * --also, --include, --aks or data file.
 */
struct nd_aks_profile;
struct nd_egress_opts {
	const char *caller;               /* command name for messages; NULL: "egress" */
	const char *const *also;          /* --also values (each HOST:PORT[,HOST:PORT...]) */
	size_t nalso;
	const char *include;              /* extra sets, comma-separated, or NULL */
	const char *ca_file;              /* extra trust anchors (PEM), or NULL */
	const char *dns_server;           /* IP[:PORT], or NULL: the system's resolver */
	const char *data_file;            /* another data file, or NULL: the built-in one */
	const char *apiserver_fqdn;       /* overrides the profile's fqdn (<fqdn>), or NULL */
	const struct nd_aks_profile *aks; /* the profile when the caller has read it, or NULL */
	unsigned concurrency;             /* destinations at once; 0: 8 */
	bool no_probe;
	bool table;
};
int nd_egress_checks(struct nd_ctx *ctx, const struct nd_egress_opts *o);

/*
 * The fleet agent's checks from the node's network (src/cmd_agent_net.c):
 * node-dns (the node's resolv.conf servers under ctx->node_root asked for
 * the kubelet's API server host and dns_names) and node-apiserver (the
 * kubelet kubeconfig's server probed in stages, without credentials), all
 * within ctx->deadline_ms; checks/nodenet.h says what each finds. With
 * no_probe both are skipped, nothing is sent.
 */
struct nd_agent_net_opts {
	const char *const *dns_names;     /* --dns-name values */
	size_t ndns_names;
	bool no_probe;
};
void nd_agent_node_net(struct nd_ctx *ctx, const struct nd_agent_net_opts *o);

#endif
