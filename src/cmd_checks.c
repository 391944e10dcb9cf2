/* SPDX-License-Identifier: MIT */
/*
 * netdiag checks [ID]: the check registry as the report's verdict, one
 * entry per check with what it needs and what it may find. What an SRE
 * reads to know what netdiag looks at, and what the catalogue test reads
 * to hold the docs to the code.
 */
#include "cmd.h"

#include <string.h>

#include "checks/registry.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "core/banned.h"

static const char *vantage_name(enum nd_vantage v)
{
	switch (v) {
	case ND_AT_WORKSTATION: return "workstation";
	case ND_AT_POD: return "pod";
	case ND_AT_NODE: return "node";
	case ND_AT_ANY: break;
	}
	return "any";
}

static void one(struct nd_report *r, struct nd_val *arr, const struct nd_check_def *d)
{
	struct nd_val *o = nd_arr_obj(r, arr), *a;

	nd_obj_str(r, o, "id", d->id);
	nd_obj_str(r, o, "scenario", d->scenario);
	nd_obj_str(r, o, "vantage", vantage_name(d->at));
	a = nd_obj_arr(r, o, "kinds");
	for (int k = 0; k < ND_K__COUNT; k++)
		if (d->kinds & ND_KIND(k))
			nd_arr_str(r, a, nd_kind_name((enum nd_kind)k));
	a = nd_obj_arr(r, o, "node_data");
	if (d->node & ND_NODE_FILES)
		nd_arr_str(r, a, "files");
	if (d->node & ND_NODE_RULES)
		nd_arr_str(r, a, "rules");
	a = nd_obj_arr(r, o, "codes");
	for (const char *const *c = d->codes; c && *c; c++)
		nd_arr_str(r, a, *c);
	nd_obj_str(r, o, "run_by", d->fn ? "diagnose" : d->by);
}

int cmd_checks(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("checks");
	struct nd_report *r = ctx->report;
	struct nd_val *v, *arr;
	const struct nd_check_def *d = NULL;

	if (argc > 2)
		return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[2]);
	if (argc == 2 && argv[1][0] == '-')
		return nd_usage_error(cmd, _("unknown option '%s'"), argv[1]);
	if (argc == 2 && !(d = nd_check_def_find(argv[1])))
		return nd_usage_error(cmd, _("'%s' is not a check (netdiag checks lists them)"),
				      argv[1]);
	v = nd_val_obj(r);
	arr = nd_obj_arr(r, v, "checks");
	for (size_t i = 0; i < nd_ncheck_defs; i++)
		if (!d || d == &nd_check_defs[i])
			one(r, arr, &nd_check_defs[i]);
	arr = nd_obj_arr(r, v, "shared_codes");
	for (const char *const *c = nd_shared_codes; *c; c++)
		nd_arr_str(r, arr, *c);
	r->verdict = v;
	return ND_EXIT_OK;
}
