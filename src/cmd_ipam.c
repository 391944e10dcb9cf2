/* SPDX-License-Identifier: MIT */
/*
 * netdiag ipam: S2 on a node (--node-root) or over a bundle's node files;
 * `ipam release [--apply]` frees leaked host-local entries (the only
 * command that writes, DESIGN §7); `ipam restore JOURNAL` undoes it.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/checks.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/num.h"
#include "k8s/bundle.h"
#include "k8s/http.h"
#include "k8s/model.h"
#include "node/cni.h"
#include "node/hostlocal.h"
#include "node/nodeenv.h"
#include "node/release.h"
#include "core/banned.h"

#define DEFAULT_MIN_AGE_MS 60000
#define DEFAULT_MAX_LIST_AGE_MS (5 * 60000)
#define OVERRIDE_FLAG "--accept-risk-of-freeing-live-ips"

/*
 * Two witnesses before any write (issue 10): an entry goes only when the
 * API's pod list AND the node's runtime both say its container is gone, the
 * list is whole (every namespace, the pods kind read) and has a timestamp of
 * its own that is recent, and the entry was reserved before the list was
 * taken. A witness that is missing refuses the whole release, naming what
 * is missing and how to supply it; OVERRIDE_FLAG lifts only those refusals
 * (never the per-entry rules) and is never the default.
 */
struct relctx {
	const struct nd_model *m;
	const char *node;
	struct nd_sandboxes sb;
	int64_t cutoff;          /* entries written after this are kept */
	bool override;           /* OVERRIDE_FLAG: go on without a witness */
};

struct witness {
	int64_t listed_at;       /* Unix seconds the pod list was taken (at the latest) */
	const char *listed_by;   /* "the API server" or the bundle's collect-info.json */
};

/* When the run started, in Unix seconds, rounded down: the live list came after it. */
static int64_t run_started(const struct nd_ctx *ctx)
{
	int64_t since = nd_now_ms() - (ctx->deadline_ms - ctx->timeout_ms);

	return (int64_t)time(NULL) - (since > 0 ? since / 1000 : 0) - 1;
}

/*
 * The pod list's own timestamp and completeness. Live: the API server was
 * listed by this run (every namespace) and the pods kind was read. Bundle:
 * its collect-info.json (what `netdiag collect` writes) says when, and
 * that pods were read in full. NULL, or why the list cannot witness.
 */
static const char *pod_list_witness(const struct nd_ctx *ctx, struct nd_report *r,
				    struct nd_arena *a, struct witness *w)
{
	const char *why[ND_K__COUNT] = {0};
	struct nd_json root;
	const struct nd_json *kinds, *scope;
	const char *at, *path;
	char *buf = NULL, *text;
	size_t len = 0;
	bool pods_ok = false;
	struct nd_err e;

	if (!ctx->bundle) {
		nd_live_source_unread(ctx->live, r, why);
		if (why[ND_K_POD])
			return nd_report_printf(r, _("the API server's pod list could not be read "
						     "(%s); give credentials that may list pods "
						     "in every namespace"), why[ND_K_POD]);
		w->listed_at = run_started(ctx);
		w->listed_by = "the API server";
		return NULL;
	}
	path = nd_arena_printf(a, "%s/collect-info.json", ctx->bundle->dir);
	if (nd_read_file(path, 1u << 20, &buf, &len, &e) < 0)
		return nd_report_printf(r, _("the bundle's pod list has no timestamp of its own "
					     "(no collect-info.json: %s), so it may be stale or "
					     "filtered by namespace; take a fresh one with "
					     "'netdiag collect -o DIR' or run against the API "
					     "server (no --snapshot)"), e.msg);
	text = nd_arena_strndup(a, buf, len);   /* the parse may point into it */
	free(buf);
	if (nd_json_parse(text, len, 0, a, &root, &e) < 0)
		return nd_report_printf(r, _("'%s' cannot be read (%s); take a fresh bundle "
					     "with 'netdiag collect -o DIR'"), path, e.msg);
	if (root.type != ND_JOBJ)
		return nd_report_printf(r, _("'%s' is not a JSON object; take a fresh bundle "
					     "with 'netdiag collect -o DIR'"), path);
	at = nd_json_str(nd_json_get(&root, "collected_at"));
	if (!at || nd_parse_rfc3339(at, &w->listed_at) < 0)
		return nd_report_printf(r, _("'%s' has no valid 'collected_at': the pod list's "
					     "age is unknown; take a fresh bundle with "
					     "'netdiag collect -o DIR'"), path);
	scope = nd_json_get(&root, "namespaces");
	if (scope && (!nd_json_str(scope) || strcmp(nd_json_str(scope), "all") != 0))
		return nd_report_printf(r, _("'%s' says the pods were listed in some namespaces "
					     "only: pods of the others would look like leaks; "
					     "collect every namespace"), path);
	kinds = nd_json_get(&root, "kinds");
	for (uint32_t i = 0; kinds && kinds->type == ND_JARR && i < kinds->n; i++) {
		const char *res = nd_json_str(nd_json_get(&kinds->u.items[i], "resource"));
		const char *st = nd_json_str(nd_json_get(&kinds->u.items[i], "state"));

		if (res && strcmp(res, "pods") == 0)
			pods_ok = st && strcmp(st, "ok") == 0;
	}
	if (!pods_ok)
		return nd_report_printf(r, _("'%s' does not say the pods were listed in full; "
					     "take a fresh bundle with 'netdiag collect -o DIR' "
					     "with credentials that may list pods"), path);
	w->listed_by = path;
	return NULL;
}

/* Why an entry must stay, or NULL when it may be freed. */
static const char *keep_reason(const struct relctx *rc, const struct nd_hl_entry *en)
{
	const struct nd_pod *pod;

	switch (nd_ipam_classify(rc->m, rc->node, en->ip, &pod)) {
	case ND_HOLD_LIVE:
		return "held by a live pod";
	case ND_HOLD_TERMINATED:
		return "held by a terminated pod that still exists";
	case ND_HOLD_NONE:
		break;
	}
	switch (nd_sandbox_state(&rc->sb, en->container_id)) {
	case ND_SANDBOX_RUNNING:
		return "its sandbox still runs on the node";
	case ND_SANDBOX_UNKNOWN:
		if (!rc->override)
			return "no runtime evidence that its sandbox is gone";
		break;
	case ND_SANDBOX_GONE:
		break;
	}
	if (en->mtime > rc->cutoff)
		return "reserved after the pod list was taken (or within --min-age)";
	return NULL;
}

/*
 * Refusals that concern the whole store: a missing or contradicted witness.
 * NULL when both witnesses may be trusted.
 */
static const char *store_witness(const struct nd_ctx *ctx, const struct relctx *rc,
				 const struct nd_hl_store *st, const struct witness *w,
				 int64_t max_list_age, const char *runtime_dir)
{
	struct nd_report *r = ctx->report;
	int64_t now = (int64_t)time(NULL);
	size_t npods = 0;

	if (runtime_dir && rc->sb.runtime_dir_error)
		return nd_report_printf(r, _("--runtime-dir: %s"), rc->sb.runtime_dir_error);
	if (!rc->sb.authoritative)
		return nd_report_printf(r, _("no runtime evidence on the node: none of "
					     "run/containerd/io.containerd.runtime.v2.task/k8s.io "
					     "(containerd) or run/containers/storage/overlay-"
					     "containers (CRI-O) is under '%s', so a pod the list "
					     "misses cannot be told from a leak; mount the node's "
					     "/run (kubectl debug node/... mounts it at /host/run) "
					     "or name the runtime's sandbox folder with "
					     "--runtime-dir DIR"), ctx->node_root);
	nd_model_pods_on_node(rc->m, rc->node, &npods);
	if (npods == 0 && st->n > 0)
		return nd_report_printf(r, _("the pod list shows no pod at all on node '%s' while "
					     "its store holds %zu entries: a list filtered by "
					     "namespace, stale or of another cluster cannot tell "
					     "leaks from live pods; list every namespace (netdiag "
					     "collect, or the API server)"), rc->node, st->n);
	if (now - w->listed_at > max_list_age / 1000)
		return nd_report_printf(r, _("the pod list was taken %llds ago (%s), more than "
					     "--max-list-age %llds: pods started since are not in "
					     "it; take a fresh one ('netdiag collect -o DIR') or run "
					     "against the API server"),
					(long long)(now - w->listed_at), w->listed_by,
					(long long)(max_list_age / 1000));
	for (size_t i = 0; i < st->n; i++) {
		const struct nd_pod *pod;

		if (nd_ipam_classify(rc->m, rc->node, st->entries[i].ip, &pod) == ND_HOLD_LIVE &&
		    nd_sandbox_state(&rc->sb, st->entries[i].container_id) == ND_SANDBOX_GONE)
			return nd_report_printf(r, _("the witnesses disagree: %s is held by a live "
						     "pod in the list, but its sandbox %.12s is not in "
						     "%s; that runtime evidence is not this node's "
						     "(another root, /run not mounted?), so nothing is "
						     "freed"), st->entries[i].ip,
						st->entries[i].container_id, rc->sb.sources);
	}
	return NULL;
}

static bool recheck(void *ctx, const struct nd_hl_entry *en, const char **why)
{
	*why = keep_reason(ctx, en);
	return *why == NULL;
}

static void item(struct nd_report *r, struct nd_val *arr, const char *ip, const char *cid,
		 const char *why)
{
	struct nd_val *o = nd_arr_obj(r, arr);

	nd_obj_str(r, o, "ip", ip);
	nd_obj_str(r, o, "container_id", cid);
	if (why)
		nd_obj_str(r, o, "why", why);
}

static int fail(const char *sub, const char *msg)
{
	fprintf(stderr, "netdiag ipam %s: %s\n", sub, msg);
	return ND_EXIT_USAGE;
}

static int cmd_release(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("ipam");
	struct nd_report *r = ctx->report;
	struct nd_arena *a = nd_arena_new(64 * 1024);
	struct nd_rel_opts o = {0};
	struct nd_rel_plan *plan = NULL;
	const struct nd_cni_net *net;
	const char *store_dir, *from, *runtime_dir = NULL, *refusal;
	struct nd_hl_store st;
	struct relctx rc = {.m = ctx->model};
	struct witness w = {0};
	struct nd_val *v, *freed, *kept;
	int64_t min_age = DEFAULT_MIN_AGE_MS, max_list_age = DEFAULT_MAX_LIST_AGE_MS;
	bool apply = false;
	size_t nplan = 0, size = 0;
	struct nd_err e;
	int ret = ND_EXIT_USAGE;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--apply") == 0) {
			apply = true;
		} else if (strcmp(argv[i], OVERRIDE_FLAG) == 0) {
			rc.override = true;
		} else if (strcmp(argv[i], "--min-age") == 0 && i + 1 < argc) {
			if (nd_parse_duration_ms(argv[++i], &min_age) < 0) {
				ret = nd_usage_error(cmd, _("--min-age takes a duration like 0s or 5m"));
				goto out;
			}
		} else if (strcmp(argv[i], "--max-list-age") == 0 && i + 1 < argc) {
			if (nd_parse_duration_ms(argv[++i], &max_list_age) < 0) {
				ret = nd_usage_error(cmd, _("--max-list-age takes a duration like 30s "
							    "or 5m"));
				goto out;
			}
		} else if (strcmp(argv[i], "--runtime-dir") == 0 && i + 1 < argc) {
			runtime_dir = argv[++i];
		} else if (strcmp(argv[i], "--journal-dir") == 0 && i + 1 < argc) {
			o.journal_dir = argv[++i];
		} else {
			ret = nd_usage_error(cmd, _("unexpected argument '%s'"), argv[i]);
			goto out;
		}
	}
	if (!ctx->node_root) {
		ret = fail("release", _("runs on a node: give --node-root DIR ('/' on the node, "
					"'/host' under kubectl debug)"));
		goto out;
	}
	if (!ctx->have_source && !ctx->live) {
		ret = fail("release", _("refusing to free anything without the node's pod list: "
					"give --snapshot DIR"));
		goto out;
	}
	rc.node = ctx->node;
	if (!rc.node) {
		if (nd_node_name(ctx->node_root, a, &rc.node, &from, &e) < 0) {
			ret = fail("release", e.msg);
			goto out;
		}
	}
	if (!nd_model_node(ctx->model, rc.node) && !nd_model_pods_on_node(ctx->model, rc.node,
									  &size)) {
		ret = fail("release", nd_report_printf(r, _("node '%s' is neither a Node nor the "
							    "node of any pod in the source; "
							    "refusing to free anything"), rc.node));
		goto out;
	}
	if (nd_node_hostlocal_store(ctx->node_root, a, &net, &store_dir, &e) < 0 ||
	    nd_store_read_locked(store_dir, o.lock_timeout_ms, a, &st, &e) < 0) {
		ret = fail("release", nd_report_printf(r, _("%s; nothing was removed"), e.msg));
		goto out;
	}
	nd_sandboxes_scan_with(ctx->node_root, strcmp(ctx->node_root, "/") == 0 ||
			       strcmp(ctx->node_root, "/host") == 0, runtime_dir, a, &rc.sb);
	refusal = pod_list_witness(ctx, r, a, &w);
	if (!refusal)
		refusal = store_witness(ctx, &rc, &st, &w, max_list_age, runtime_dir);
	if (refusal && !rc.override) {
		ret = fail("release", nd_report_printf(r, _("refusing to free anything: %s (or, "
							    "knowing that a live pod may lose its "
							    "address, %s)"), refusal,
						       OVERRIDE_FLAG));
		goto out;
	}
	if (refusal)
		fprintf(stderr, "netdiag ipam release: %s: %s\n", _("warning"),
			nd_report_printf(r, _("%s given: going on although %s"), OVERRIDE_FLAG,
					 refusal));
	rc.cutoff = refusal ? (int64_t)time(NULL) : w.listed_at;
	if (rc.cutoff > (int64_t)time(NULL))
		rc.cutoff = (int64_t)time(NULL);
	rc.cutoff -= min_age / 1000;
	v = nd_val_obj(r);
	nd_obj_str(r, v, "action", apply ? "release" : "release (dry run)");
	nd_obj_str(r, v, "node", rc.node);
	nd_obj_str(r, v, "network", net->name);
	nd_obj_str(r, v, "store_dir", store_dir);
	nd_obj_int(r, v, "reserved", (int64_t)st.n);
	nd_obj_str(r, v, "runtime_evidence", rc.sb.authoritative ? rc.sb.sources : NULL);
	nd_obj_str(r, v, "pod_list", refusal ? NULL : w.listed_by);
	if (refusal)
		nd_obj_str(r, v, "override", nd_report_printf(r, "%s: %s", OVERRIDE_FLAG, refusal));
	plan = nd_arena_alloc(a, (st.n + 1) * sizeof(*plan));
	freed = nd_obj_arr(r, v, apply ? "freed" : "would_free");
	kept = nd_obj_arr(r, v, "kept");
	for (size_t i = 0; i < st.n; i++) {
		const struct nd_pod *pod;
		const char *why;

		if (nd_ipam_classify(ctx->model, rc.node, st.entries[i].ip, &pod) != ND_HOLD_NONE)
			continue;    /* not a leak: not listed */
		why = keep_reason(&rc, &st.entries[i]);
		if (why) {
			item(r, kept, st.entries[i].ip, st.entries[i].container_id, why);
			continue;
		}
		plan[nplan].ip = st.entries[i].ip;
		plan[nplan++].container_id = st.entries[i].container_id;
	}
	nd_check_begin(r, "ipam-release", "S2");
	if (!apply) {
		for (size_t i = 0; i < nplan; i++)
			item(r, freed, plan[i].ip, plan[i].container_id, NULL);
		nd_obj_int(r, v, "would_free_count", (int64_t)nplan);
		r->answer = nplan ? nd_report_printf(r, _("dry run: %zu leaked entries would be freed; "
							  "run again with --apply"), nplan)
				  : _("dry run: no leaked entry to free");
		nd_check_end(r, ND_CHECK_PASS,
			     nd_report_printf(r, _("%zu leaked entries would be freed; run again with "
						   "--apply"), nplan));
	} else {
		struct nd_rel_result res;

		o.network = net->name;
		o.node = rc.node;
		if (nd_release_apply(store_dir, plan, nplan, recheck, &rc, &o, a, &res, &e) < 0) {
			nd_check_end(r, ND_CHECK_ERROR, nd_report_strdup(r, e.msg));
			ret = fail("release", e.msg);
			goto out;
		}
		for (size_t i = 0; i < res.n; i++) {
			if (res.items[i].status == ND_REL_FREED)
				item(r, freed, res.items[i].ip, res.items[i].container_id, NULL);
			else
				item(r, kept, res.items[i].ip, res.items[i].container_id,
				     res.items[i].why ? res.items[i].why
						      : nd_rel_status_name(res.items[i].status));
		}
		nd_obj_int(r, v, "freed_count", (int64_t)res.done);
		nd_obj_str(r, v, "journal", res.journal);
		if (res.journal)
			nd_obj_str(r, v, "undo", nd_report_printf(r, "netdiag ipam restore %s",
								  res.journal));
		r->answer = nd_report_printf(r, _("%zu leaked entries freed"), res.done);
		nd_check_end(r, ND_CHECK_PASS, r->answer);
	}
	r->verdict = v;
	ret = ND_EXIT_OK;
out:
	nd_arena_free(a);
	return ret;
}

static int cmd_restore(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("ipam");
	struct nd_report *r = ctx->report;
	struct nd_arena *a;
	struct nd_rel_result res;
	struct nd_val *v, *done, *other;
	struct nd_err e;
	size_t conflicts = 0;

	if (argc != 3 || argv[2][0] == '-')
		return nd_usage_error(cmd, _("ipam restore takes one journal file"));
	a = nd_arena_new(16 * 1024);
	if (nd_release_restore(argv[2], 0, a, &res, &e) < 0) {
		nd_arena_free(a);
		return fail("restore", e.msg);
	}
	nd_check_begin(r, "ipam-restore", "S2");
	v = nd_val_obj(r);
	nd_obj_str(r, v, "action", "restore");
	nd_obj_str(r, v, "journal", res.journal);
	nd_obj_str(r, v, "store_dir", res.store_dir);
	nd_obj_int(r, v, "restored_count", (int64_t)res.done);
	done = nd_obj_arr(r, v, "restored");
	other = nd_obj_arr(r, v, "not_restored");
	for (size_t i = 0; i < res.n; i++) {
		const struct nd_rel_item *it = &res.items[i];

		if (it->status == ND_REL_RESTORED) {
			item(r, done, it->ip, it->container_id, NULL);
		} else {
			item(r, other, it->ip, it->container_id, nd_rel_status_name(it->status));
			conflicts += it->status == ND_REL_CONFLICT;
		}
	}
	r->verdict = v;
	nd_check_end(r, conflicts ? ND_CHECK_FAIL : ND_CHECK_PASS,
		     nd_report_printf(r, _("%zu entries restored, %zu taken by other containers "
					   "since (left to them)"), res.done, conflicts));
	nd_arena_free(a);
	return ND_EXIT_OK;
}

int cmd_ipam(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("ipam");
	struct nd_scope scope = {0};

	if (argc > 1 && strcmp(argv[1], "release") == 0)
		return cmd_release(ctx, argc, argv);
	if (argc > 1 && strcmp(argv[1], "restore") == 0)
		return cmd_restore(ctx, argc, argv);
	if (argc > 1)
		return nd_usage_error(cmd, argv[1][0] == '-' ? _("unknown option '%s'")
							      : _("unexpected argument '%s'"), argv[1]);
	if (!ctx->node_root && !ctx->have_source && !ctx->live) {
		fprintf(stderr, "netdiag ipam: %s\n",
			_("nothing to read: give --node-root DIR on a node, or a bundle with "
			  "--snapshot DIR"));
		return ND_EXIT_NORUN;
	}
	if (!ctx->node_root && ctx->node && !nd_model_node(ctx->model, ctx->node)) {
		fprintf(stderr, "netdiag ipam: %s\n",
			nd_report_printf(ctx->report, _("Node '%s' is not in the source"), ctx->node));
		return ND_EXIT_USAGE;
	}
	scope.node = ctx->node;
	nd_run_checks(ctx, &scope, ND_RUN_S2);
	return ND_EXIT_OK;
}
