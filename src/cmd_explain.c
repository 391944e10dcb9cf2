/* SPDX-License-Identifier: MIT */
/*
 * netdiag explain [CODE]: the catalogue page of a finding code, or the list
 * of codes, as the report's verdict (JSON) and its document (text).
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "findings/catalogue.h"
#include "core/banned.h"

int cmd_explain(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("explain");
	bool it = strcmp(nd_i18n_lang(), "it") == 0;
	const struct nd_catentry *c;
	struct nd_report *r = ctx->report;
	size_t i;

	if (argc > 2)
		return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[2]);
	if (argc < 2) {
		struct nd_buf doc = ND_BUF_INIT(ND_TEXT_MAX);
		struct nd_val *v = nd_val_obj(r), *codes = nd_obj_arr(r, v, "codes");

		for (i = 0; i < nd_catalogue_len; i++) {
			const char *title;
			struct nd_val *o = nd_arr_obj(r, codes);

			c = &nd_catalogue[i];
			title = it && c->title_it ? c->title_it : c->title;
			o->compact = true;
			nd_obj_str(r, o, "code", c->code);
			nd_obj_str(r, o, "scenario", c->scenario);
			nd_obj_str(r, o, "severity", c->severity);
			nd_obj_str(r, o, "title", title);
			nd_buf_printf(&doc, "%-36s %-3s %-8s %s\n", c->code, c->scenario, c->severity,
				      title);
		}
		r->verdict = v;
		r->document = nd_buf_arena(&doc, r->arena);
		return ND_EXIT_OK;
	}
	c = nd_catalogue_find(argv[1]);
	if (!c) {
		const char *best = NULL;
		size_t bl = 0;

		/* did you mean: the code sharing the longest prefix */
		for (i = 0; i < nd_catalogue_len; i++) {
			size_t l = 0;

			while (argv[1][l] && argv[1][l] == nd_catalogue[i].code[l])
				l++;
			if (l > bl) {
				bl = l;
				best = nd_catalogue[i].code;
			}
		}
		if (best && bl >= 4)
			return nd_usage_error(cmd, _("'%s' is not a finding code; did you mean '%s'?"),
					      argv[1], best);
		return nd_usage_error(cmd, _("'%s' is not a finding code (netdiag explain lists "
					     "them)"), argv[1]);
	}
	{
		struct nd_val *v = nd_val_obj(r);

		nd_obj_str(r, v, "code", c->code);
		nd_obj_str(r, v, "scenario", c->scenario);
		nd_obj_str(r, v, "severity", c->severity);
		nd_obj_str(r, v, "title", it && c->title_it ? c->title_it : c->title);
		nd_obj_str(r, v, "page", it && c->text_it ? c->text_it : c->text);
		r->verdict = v;
		r->document = v->last->u.s;
	}
	return ND_EXIT_OK;
}
