/* SPDX-License-Identifier: MIT */
#ifndef ND_CMD_FLEET_H
#define ND_CMD_FLEET_H
/*
 * Between the fleet subcommands: 'fleet report' (cmd_fleet.c) and 'fleet
 * run' (cmd_fleet_run.c), which ends with the same report.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_ctx;

/*
 * The fleet report of the agents in ctx->ns (default netdiag) through the
 * live API: sets ctx->report (main.c prints it). An exit code.
 */
int nd_fleet_report(struct nd_ctx *ctx, unsigned concurrency, size_t log_max, unsigned top);

struct nd_fleet_run_opts {
	const char *image;        /* NULL: the default */
	bool keep;                /* leave what was created */
	bool dry_run;             /* print the plan only */
	int64_t wait_ms;          /* how long to wait for the agents */
	unsigned concurrency;     /* agent logs read at once */
	size_t log_max;
	unsigned top;
};

/*
 * 'fleet run': the objects of 'fleet manifest' created through the API
 * (POST, dependency order; an existing object of netdiag's is used and left
 * alone, one that is not netdiag's is refused), the wait for the
 * DaemonSet's agents (stderr progress; until each scheduled agent's log
 * holds its netdiag/v1 line or wait_ms passes), nd_fleet_report(), then
 * DELETE of what this run created, in reverse order, unless keep. SIGINT
 * and SIGTERM while it runs end the wait and still delete (exit
 * 128+signal). A step that fails deletes what was created and says why
 * (403: the permission missing; 404: the API not served; 405: a read-only
 * server); a deletion that fails prints the kubectl command that removes
 * the object and makes the exit at least ND_EXIT_NORUN.
 */
int nd_fleet_run(struct nd_ctx *ctx, const struct nd_fleet_run_opts *o);

#endif
