/* SPDX-License-Identifier: MIT */
#ifndef ND_REGISTRY_H
#define ND_REGISTRY_H
/*
 * The check registry: one row per check, the only list of them. A row says
 * the check's id and scenario, which commands run it, what it needs (object
 * kinds, node data, where netdiag must stand), every finding code it may
 * add, and its function.
 *
 * nd_checks_run() (run.c) runs the rows of the scenarios asked for; their
 * results are in table order, whether they ran on one thread or several.
 * Before calling a check it skips it, with the reason, when a need is
 * missing or could not be read (the source says which kinds it could not
 * list, and why); a check then only decides on data it has. It aborts when
 * a check adds a code its row does not declare: the row is the contract
 * the catalogue test (tests/meta/registry.sh) holds the docs to.
 *
 * Rows without a function are checks a command runs itself (S1's probe
 * stages, can-i, can-reach, the live source's api-list): they are here so
 * every check and every code has one declaration.
 *
 * Adding a check: its file in src/checks/ and one row in registry.c.
 */
#include <stdbool.h>
#include <stdint.h>

#include "checks/checks.h"

/* Which command runs a row: diagnose runs them all, in this order. */
enum { ND_RUN_S2 = 1, ND_RUN_S3 = 2, ND_RUN_S4 = 4, ND_RUN_S1 = 8, ND_RUN_ALL = 15,
       /* with the others: only the rows that read node data (the fleet agent) */
       ND_RUN_NODE = 16,
       /* with the others: only the rows that read no node data (fleet report's own) */
       ND_RUN_CLUSTER = 32 };

/* Where netdiag must stand for the check's data (DESIGN §1 vantage points). */
enum nd_vantage {
	ND_AT_ANY = 0,         /* a bundle or the API, from anywhere */
	ND_AT_WORKSTATION,     /* the user's machine: the path to the API server */
	ND_AT_POD,             /* inside a pod: its network, its service account */
	ND_AT_NODE,            /* on a node: --node-root (or the node agent) */
};

/* Node data a check reads through env->nodes (node/source.h). */
enum nd_node_need {
	ND_NODE_NONE = 0,
	ND_NODE_FILES = 1 << 0,   /* CNI configs, IPAM stores */
	ND_NODE_RULES = 1 << 1,   /* kube-proxy's rules */
};

typedef enum nd_check_status (*nd_check_fn)(struct nd_check_env *env, const char **why);

struct nd_check_def {
	const char *id;
	const char *scenario;      /* "S1".."S4", "S0" for the source itself */
	unsigned run;              /* ND_RUN_*: the scenario group that runs it */
	uint32_t kinds;            /* ND_KIND(k) | ...: object kinds read */
	unsigned node;             /* enum nd_node_need */
	enum nd_vantage at;
	const char *no_data;       /* why it is skipped without its node data/vantage */
	const char *const *codes;  /* finding codes it may add, NULL-ended */
	nd_check_fn fn;            /* NULL: run by the command named in by */
	const char *by;            /* "diagnose" or the command/source that runs it */
};

#define ND_KIND(k) (UINT32_C(1) << (k))

extern const struct nd_check_def nd_check_defs[];
extern const size_t nd_ncheck_defs;
/* Codes more than one row declares (the same fact seen from two places), NULL-ended. */
extern const char *const nd_shared_codes[];

const struct nd_check_def *nd_check_def_find(const char *id);
bool nd_check_def_emits(const struct nd_check_def *d, const char *code);

/*
 * After a command: every check in r has a row, and every finding was added
 * inside a check whose row declares its code. Aborts naming the first that
 * is not: a programming error the tests catch.
 */
void nd_checks_audit(const struct nd_report *r);

/* The object kinds (ND_KIND bits) the rows that read node data need: what
 * the fleet agent lists. */
uint32_t nd_check_node_kinds(void);

/* Run every row of which (ND_RUN_* bits) with a function; see above. */
void nd_checks_run(struct nd_check_env *env, unsigned which);

/*
 * The reason a row is skipped before it runs, or NULL when its needs are
 * met (exposed for `netdiag checks` and the tests).
 */
const char *nd_check_unmet(const struct nd_check_def *d, const struct nd_check_env *env,
			   bool *silenced);
/* Record d as skipped for unmet (silenced: an input it needs could not be read). */
void nd_check_skip_unmet(struct nd_report *r, const struct nd_check_def *d, const char *unmet,
			 bool silenced);

#endif
