/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the fleet merge (checks/fleet.h): the input is an
 * agent pod's log as `fleet report` reads it through pods/{name}/log, from a
 * node that may run another version or anything at all. The first byte says
 * whether the log was cut. The merged report must pass the registry audit
 * (every finding's code declared by its check) and print.
 */
#include "checks/fleet.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "checks/registry.h"
#include "findings/finding.h"
#include "out/emit.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_report *r;
	struct nd_fleet *f;
	struct nd_emit_opts eo = {.format = ND_EMIT_JSON, .one_line = true};
	const char *why;
	FILE *out;

	if (size == 0)
		return 0;
	r = nd_report_new();
	f = nd_fleet_new(r, 3);
	if (nd_fleet_add_log(f, "node-a", "ns/pod-a", (const char *)data + 1, size - 1, data[0] & 1,
			     &why) < 0 && !why)
		__builtin_trap();   /* a refusal says why */
	nd_fleet_add_log(f, "node-b", "ns/pod-b", (const char *)data + 1, size - 1, false, &why);
	nd_fleet_finish(f);
	nd_checks_audit(r);
	out = fopen("/dev/null", "w");
	if (out) {
		nd_emit_report(out, r, &eo);
		fclose(out);
	}
	nd_fleet_free(f);
	nd_report_free(r);
	return 0;
}
