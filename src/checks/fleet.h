/* SPDX-License-Identifier: MIT */
#ifndef ND_FLEET_H
#define ND_FLEET_H
/*
 * The fleet report's merge (src/checks/fleet_merge.c): every node agent's
 * netdiag/v1 line (`netdiag agent`, one per node) into one report, in
 * bounded memory (each line is parsed, its findings copied into the
 * report, and the parse freed before the next one).
 *
 *  - Each agent check id becomes one check of the report (its status the
 *    worst of the nodes': error when any node's errored, so a node that
 *    could not look never makes the fleet healthy); each finding keeps its
 *    check and code, and its subject carries the node (subject.node).
 *    The agents' source checks (S0: api-list, bundle-load) are merged
 *    only when they errored (the report has its own source).
 *  - Nodes without a report: fleet-node-not-reported with the reason
 *    (no-agent-pod, pending, evicted, failed, no-log, unparsable) and an
 *    unread input, so the verdict is incomplete. Windows nodes:
 *    fleet-node-not-covered (info).
 *  - The roll-up by cause: the report's verdict value, one entry per code
 *    with the number of nodes and the worst ones (by leaked_count, leaked,
 *    percent, else the number of findings), and a one-line answer.
 *
 * A line from another agent version may carry a code or check this build
 * does not know: the node is then unparsable for that finding, never a
 * crash (nd_finding_add would abort on an unknown code).
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_report;
struct nd_fleet;

struct nd_fleet *nd_fleet_new(struct nd_report *r, unsigned top);
void nd_fleet_free(struct nd_fleet *f);

/*
 * An agent pod's log (the body of pods/{name}/log): its last netdiag/v1
 * line is merged for node. cut: the log was longer than what was read.
 * Returns 0, or -1 with *why set ("no netdiag/v1 line in the log", "the
 * last netdiag/v1 line is not valid JSON: ...") when nothing was merged:
 * the caller then reports the node as not reported (unparsable / no-log).
 */
int nd_fleet_add_log(struct nd_fleet *f, const char *node, const char *pod, const char *log,
		     size_t len, bool cut, const char **why);
/* reason: no-agent-pod, pending, evicted, failed, no-log, unparsable. */
void nd_fleet_not_reported(struct nd_fleet *f, const char *node, const char *pod,
			   const char *reason, const char *detail);
void nd_fleet_not_covered(struct nd_fleet *f, const char *node, const char *os);

/* The last line of log [0, len) that starts a netdiag/v1 report, or NULL. */
const char *nd_fleet_last_line(const char *log, size_t len, size_t *linelen);

/* Add the merged checks and findings and the roll-up to the report (once). */
void nd_fleet_finish(struct nd_fleet *f);

#endif
