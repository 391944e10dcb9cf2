/* SPDX-License-Identifier: MIT */
/* netdiag collect -o DIR|FILE.tar.gz: an offline bundle from the live API. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "k8s/collect.h"
#include "k8s/kubeconfig.h"
#include "k8s/live.h"
#include "k8s/redact.h"
#include "core/banned.h"

static void progress(void *ctx, const struct nd_live_kind *k)
{
	static const char *const st[] = {"", "forbidden", "not served", "error"};

	(void)ctx;
	if (k->state == ND_LIVE_OK)
		fprintf(stderr, "netdiag collect: %s: %zu\n", k->file, k->objects);
	else
		fprintf(stderr, "netdiag collect: %s: %s\n", k->file, st[k->state]);
}

int cmd_collect(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *me = nd_cmd_find("collect");
	struct nd_live_opts lo = {.timeout_ms = ctx->timeout_ms, .deadline_ms = ctx->deadline_ms,
				  .on_kind_done = progress};
	struct nd_kubeconfig *kc = NULL;
	struct nd_live *lv = NULL;
	struct nd_live_kind *kinds = NULL;
	struct nd_collect_stats st;
	const char *out = NULL, *pl = getenv("NETDIAG_PAGE_LIMIT"), *extra = NULL;
	bool nodes = false;
	struct nd_redact *rd = NULL;
	struct nd_err e;
	size_t n, i;
	int rc = ND_EXIT_NORUN;

	for (i = 1; i < (size_t)argc; i++) {
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) &&
		    i + 1 < (size_t)argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--output=", 9) == 0)
			out = argv[i] + 9;
		else if (strcmp(argv[i], "--nodes") == 0)
			nodes = true;
		else if (strcmp(argv[i], "--redact-extra") == 0 && i + 1 < (size_t)argc)
			extra = argv[++i];
		else
			return nd_usage_error(me, _("unexpected argument '%s'"), argv[i]);
	}
	if (!out || !out[0])
		return nd_usage_error(me, _("give the bundle to write with -o DIR or -o FILE.tar.gz"));
	if (nodes && (strstr(out, ".tar.gz") || strstr(out, ".tgz")))
		return nd_usage_error(me, _("--nodes writes a folder: give -o DIR (and tar it "
					    "afterwards)"));
	rd = nd_redact_new(extra, &e);
	if (!rd)
		return nd_usage_error(me, "%s", e.msg);
	if (pl)
		lo.page_limit = (unsigned)strtoul(pl, NULL, 10);
	if (nd_kubeconfig_opts_from_ctx(ctx, &kc, &e) < 0) {
		fprintf(stderr, "netdiag collect: %s\n", e.msg);
		nd_redact_free(rd);
		return ND_EXIT_NORUN;
	}
	if (nd_live_open(kc, &lo, &lv, &e) < 0) {
		fprintf(stderr, "netdiag collect: %s\n", e.msg);
		rc = ND_EXIT_USAGE;
		goto out;
	}
	fprintf(stderr, "netdiag collect: %s %s (%s)\n", _("reading"), kc->server, kc->context);
	kinds = nd_live_kinds(&n);
	if (nd_collect(lv, kc, kinds, n, out, rd, &st, &e) < 0) {
		fprintf(stderr, "netdiag collect: %s\n", e.msg);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (kinds[i].state == ND_LIVE_FORBIDDEN || kinds[i].state == ND_LIVE_ERROR)
			fprintf(stderr, "netdiag collect: %s\n", kinds[i].err.message);
	fprintf(stderr, _("netdiag collect: %s '%s' (%s): %zu objects, %zu values redacted "
		"(credentials by name and by shape%s), %zu kinds could not be read\n"), _("wrote"),
		out, _("readable by you only"), st.objects, st.redacted,
		extra ? _(", and --redact-extra") : "", st.kinds_failed);
	if (nodes) {
		struct nd_collect_nodes_stats ns;
		const char *agent_ns = ctx->ns ? ctx->ns : "netdiag";

		if (nd_collect_nodes(lv, agent_ns, out, 16u << 20, ctx->deadline_ms,
				     &ns, &e) < 0) {
			fprintf(stderr, "netdiag collect --nodes: %s\n", e.msg);
			goto out;
		}
		fprintf(stderr, _("netdiag collect: %zu agents in '%s', %zu logs, %zu nodes' files "
				  "(%zu files), %zu could not be read\n"), ns.agents, agent_ns,
			ns.logs, ns.nodes, ns.files, ns.failed);
	}
	rc = ND_EXIT_OK;
	for (i = 0; i < n; i++)
		if (kinds[i].state == ND_LIVE_ERROR)
			rc = ND_EXIT_NORUN;
	if (rc != ND_EXIT_OK)
		fprintf(stderr, "netdiag collect: %s\n",
			_("the bundle is incomplete: a kind could not be read (above); exit 3"));
out:
	free(kinds);
	nd_redact_free(rd);
	nd_live_free(lv);
	nd_kubeconfig_free(kc);
	return rc;
}
