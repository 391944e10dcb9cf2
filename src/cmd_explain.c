/* SPDX-License-Identifier: MIT */
/* netdiag explain [CODE]: the catalogue page of a finding code, or the list of codes. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "findings/catalogue.h"
#include "core/banned.h"

int cmd_explain(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("explain");
	bool it = strcmp(nd_i18n_lang(), "it") == 0;
	const struct nd_catentry *c;
	size_t i;

	if (argc > 2)
		return nd_usage_error(cmd, _("unexpected argument '%s'"), argv[2]);
	if (argc == 2 && argv[1][0] == '-')
		return nd_usage_error(cmd, _("unknown option '%s'"), argv[1]);
	if (argc < 2) {
		for (i = 0; i < nd_catalogue_len; i++) {
			c = &nd_catalogue[i];
			if (ctx->format == ND_FMT_JSON)
				continue;
			printf("%-36s %-3s %-8s %s\n", c->code, c->scenario, c->severity,
			       it && c->title_it ? c->title_it : c->title);
		}
		if (ctx->format == ND_FMT_JSON) {
			fputs("[", stdout);
			for (i = 0; i < nd_catalogue_len; i++) {
				c = &nd_catalogue[i];
				printf("%s\n  {\"code\": \"%s\", \"scenario\": \"%s\", \"severity\": \"%s\"}",
				       i ? "," : "", c->code, c->scenario, c->severity);
			}
			fputs("\n]\n", stdout);
		}
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
	fputs(it && c->text_it ? c->text_it : c->text, stdout);
	return ND_EXIT_OK;
}
