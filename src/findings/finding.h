/* SPDX-License-Identifier: MIT */
#ifndef ND_FINDING_H
#define ND_FINDING_H
/*
 * The report: what ran (checks) and what was found (findings), kept in one
 * arena. Checks add to it; the emitter (out/emit.h) prints it; nothing else
 * prints.
 *
 * A finding's code must exist in the catalogue (catalogue.h); nd_finding_new
 * takes its scenario and default severity from there. Evidence is a small
 * tree of values (struct nd_val) so text and JSON come from one place.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct nd_arena;

enum nd_sev { ND_SEV_INFO = 0, ND_SEV_WARNING, ND_SEV_ERROR };
const char *nd_sev_name(enum nd_sev s);          /* "info", "warning", "error" */
int nd_sev_parse(const char *s, enum nd_sev *out);

enum nd_vtype { ND_V_STR, ND_V_INT, ND_V_BOOL, ND_V_NULL, ND_V_OBJ, ND_V_ARR };

/* An evidence value. Objects keep their keys in insertion order. */
struct nd_val {
	uint8_t type;            /* enum nd_vtype */
	const char *key;         /* when a member of an object */
	union {
		const char *s;
		int64_t i;
		bool b;
	} u;
	struct nd_val *first, *last, *next;   /* children (OBJ, ARR) / sibling */
	uint32_t n;              /* number of children */
	bool compact;            /* JSON: print on one line (a check, a subject) */
	uint8_t table;           /* text: an array of flat objects printed as aligned columns,
				  * the first `table` keys of the first item as the header,
				  * the other members left to JSON (0: not a table) */
};

struct nd_report;
struct nd_cause;

/* Builders. Strings are copied into the report's arena; s may be NULL (null). */
struct nd_val *nd_val_obj(struct nd_report *r);
struct nd_val *nd_val_arr(struct nd_report *r);
void nd_obj_str(struct nd_report *r, struct nd_val *o, const char *k, const char *s);
void nd_obj_int(struct nd_report *r, struct nd_val *o, const char *k, int64_t i);
void nd_obj_bool(struct nd_report *r, struct nd_val *o, const char *k, bool b);
struct nd_val *nd_obj_obj(struct nd_report *r, struct nd_val *o, const char *k);
struct nd_val *nd_obj_arr(struct nd_report *r, struct nd_val *o, const char *k);
void nd_arr_str(struct nd_report *r, struct nd_val *a, const char *s);
void nd_arr_int(struct nd_report *r, struct nd_val *a, int64_t i);
struct nd_val *nd_arr_obj(struct nd_report *r, struct nd_val *a);
struct nd_val *nd_arr_arr(struct nd_report *r, struct nd_val *a);
void nd_arr_bool(struct nd_report *r, struct nd_val *a, bool b);
/* Put an existing value v (a root: not yet in any tree) into o under k, or
 * into an array when k is NULL. */
void nd_obj_put(struct nd_report *r, struct nd_val *o, const char *k, struct nd_val *v);

struct nd_subject {
	const char *kind;        /* Service, Pod, Node, NodeNetworkConfig, ... */
	const char *ns;          /* NULL when cluster-scoped */
	const char *name;
	const char *node;        /* the node it was seen on, in a fleet report (else NULL) */
};

struct nd_finding {
	const char *code;
	const char *scenario;    /* "S1".."S4", from the catalogue */
	enum nd_sev sev;
	struct nd_subject subject;
	const char *summary;     /* one line, translated */
	struct nd_val *evidence; /* an object */
	const char *remedy;      /* translated */
	const char **commands;   /* exact commands to run */
	uint32_t ncommands;
	uint32_t seq;            /* insertion order, for stable sorting */
	const char *check;       /* id of the check that added it, NULL outside one */
};

enum nd_check_status { ND_CHECK_PASS = 0, ND_CHECK_FAIL, ND_CHECK_SKIP, ND_CHECK_ERROR };
const char *nd_check_status_name(enum nd_check_status s);

struct nd_check {
	const char *id;          /* "service-endpoints" */
	const char *scenario;
	enum nd_check_status status;
	const char *reason;      /* why skipped / error text / short result */
	int64_t duration_ms;
	bool silenced;           /* skipped because an input it needs could not be read */
};

struct nd_source_info {
	const char *mode;        /* live, snapshot, in-cluster, node */
	const char *context;
	const char *server;
	const char *snapshot;    /* bundle directory */
	const char *when;        /* RFC 3339: when the bundle was collected, or when a
				  * live run read the cluster; NULL when unknown */
};

struct nd_report {
	struct nd_arena *arena;
	struct nd_source_info source;
	struct nd_finding **findings;
	size_t nfindings, capf;
	struct nd_check *checks;
	size_t nchecks, capc;
	/* A command's own answer (can-i, can-reach): printed as "verdict" in
	 * JSON and as indented text before the findings. NULL for none. */
	struct nd_val *verdict;
	/* A command whose answer is a document (explain: a catalogue page): the
	 * text output is this text as it is; JSON carries the verdict. */
	const char *document;
	/* A command's one-line answer (a dry run's plan, a matrix's count): the text's
	 * closing line says it instead of "no problems found" */
	const char *answer;
	/* service NAME, pod NAME: the subject asked about, whose findings come first */
	struct nd_subject focus;
	/* inputs a source could not read ("pods (forbidden for 'alice')"): the
	 * run is then incomplete, never healthy */
	const char **unread;
	size_t nunread, capu;
	/* agent --raw-files: the node's files for a bundle, printed as the
	 * top-level member node_files (JSON only); NULL for none */
	struct nd_val *node_files;
	/* print each finding's check id ("check") in JSON (the agent's line, so
	 * the fleet merge knows which row added it) */
	bool finding_checks;
	/* the run's own command line (nd_report_set_invocation), for the
	 * netdiag commands findings suggest */
	const char *source_flags;
	const char **self;
	size_t nself;
	/* the whole report as one value (nd_report_tree), built once */
	struct nd_val *tree;
	/* the findings folded into causes (findings/causes.h), computed once */
	const struct nd_cause *causes;
	size_t ncauses;
	bool causes_done;
	/* the arenas of the reports checks ran in on other threads, whose
	 * findings were moved here (nd_report_take) */
	struct nd_arena **taken;
	size_t ntaken;
	/* internal: the check being run */
	size_t cur_check;
	size_t findings_at_start;
	int64_t started_ns;
};

struct nd_report *nd_report_new(void);

/* Record an input that could not be read (printf format; copied). */
void nd_report_unread(struct nd_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The run's verdict (DESIGN §3, §4): incomplete when an input could not be
 * read, a check errored, or checks were asked for and none could run;
 * else problems when there is a finding, else healthy.
 */
enum nd_verdict { ND_VERDICT_HEALTHY = 0, ND_VERDICT_PROBLEMS, ND_VERDICT_INCOMPLETE };
enum nd_verdict nd_report_verdict(const struct nd_report *r);
const char *nd_verdict_name(enum nd_verdict v);   /* "healthy", "problems", "incomplete" */
/*
 * The report as one tree, schema netdiag/v1: schema, source, verdict (when
 * set), checks, findings, summary. The JSON output is a walk of it. Built
 * on the first call (the evidence and verdict values move into it); the
 * report must not grow afterwards.
 */
struct nd_val *nd_report_tree(struct nd_report *r);
void nd_report_free(struct nd_report *r);

/* Copy s into the report's arena. */
const char *nd_report_strdup(struct nd_report *r, const char *s);
const char *nd_report_printf(struct nd_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Unix seconds as RFC 3339 UTC ("2025-05-02T09:24:40Z") in the report's
 * arena; NULL for 0 (unknown). */
const char *nd_report_time(struct nd_report *r, int64_t t);

/*
 * For a check run on another thread: a report of its own, with r's source
 * and invocation (read, not copied: r must not change meanwhile). Its one
 * check and what it added go into r with nd_report_take, which frees it.
 */
struct nd_report *nd_report_new_for(const struct nd_report *r);
/* The one check of sub (begun and ended in it), its findings and the inputs
 * it could not read, added to r as if run there; sub is freed. */
void nd_report_take(struct nd_report *r, struct nd_report *sub);

/*
 * Start a check; every finding added until nd_check_end belongs to it.
 * nd_check_end(r, status, reason): status PASS becomes FAIL by itself when
 * the check added findings. nd_check_skip() records a check that did not run.
 */
void nd_check_begin(struct nd_report *r, const char *id, const char *scenario);
void nd_check_end(struct nd_report *r, enum nd_check_status st, const char *reason);
void nd_check_skip(struct nd_report *r, const char *id, const char *scenario,
		   const char *reason);

/*
 * How this run was invoked, so that every "netdiag ..." command a finding
 * suggests runs as printed: source_flags (shell-quoted, e.g. "--snapshot
 * b.tar.gz --context prod"; NULL for none) are put after "netdiag", and a
 * suggestion whose words are the run's own (self: the command, its
 * arguments and options, in any order) is left out, since running it again
 * adds nothing. Strings are copied.
 */
void nd_report_set_invocation(struct nd_report *r, const char *source_flags,
			      const char *const *self, size_t nself);
/* Replace the run's words with the blank-separated words of text: a command
 * that normalises its arguments says what it answered. */
void nd_report_self_words(struct nd_report *r, const char *text);

/*
 * Add a finding for a catalogued code (aborts on an unknown code: that is a
 * programming error caught by the tests). summary and remedy are printf
 * formats; the result is copied.
 */
struct nd_finding *nd_finding_add(struct nd_report *r, const char *code,
				  const char *kind, const char *ns, const char *name);
void nd_finding_summary(struct nd_report *r, struct nd_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nd_finding_remedy(struct nd_report *r, struct nd_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A command to run. "netdiag ..." gets the run's source flags, and is
 * dropped when it is the run itself (nd_report_set_invocation). */
void nd_finding_command(struct nd_report *r, struct nd_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sort findings by scenario, severity (highest first), code, subject. */
void nd_report_sort(struct nd_report *r);
/* Count findings at or above sev. */
size_t nd_report_count(const struct nd_report *r, enum nd_sev sev);

#endif
