/* SPDX-License-Identifier: MIT */
/*
 * The live source as main.c sets it up for a command that needs the model:
 * kubeconfig -> client -> every kind listed into the model, an "api-list"
 * check with one finding per kind the user may not list, the
 * insecure-skip-tls-verify warning, and the kinds it could not read (the
 * check runner skips the checks that need them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "core/err.h"
#include "core/i18n.h"
#include "k8s/http.h"
#include "k8s/kubeconfig.h"
#include "k8s/live.h"
#include "k8s/model.h"
#include "policy/rbac.h"
#include "policy/rbac_report.h"
#include "core/banned.h"

struct nd_live_session {
	struct nd_kubeconfig *kc;
	struct nd_live *lv;
	struct nd_live_kind *kinds;
	size_t nkinds;
	uint32_t unread;             /* kinds FORBIDDEN or ERROR */
	size_t done, objects;
	bool tty;
};

static void progress(void *ctx, const struct nd_live_kind *k)
{
	struct nd_live_session *s = ctx;

	s->done++;
	s->objects += k->objects;
	if (s->tty) {
		fputc('\r', stderr);
		fprintf(stderr, _("%s: %zu/%zu kinds, %zu objects   "), _("listing"), s->done,
			s->nkinds, s->objects);
	}
}

int nd_kubeconfig_opts_from_ctx(const struct nd_ctx *ctx, struct nd_kubeconfig **kc,
				struct nd_err *e)
{
	struct nd_kubeconfig_opts ko = {.path = ctx->kubeconfig, .context = ctx->context};

	return nd_kubeconfig_load(&ko, kc, e);
}

static void forbidden_finding(struct nd_report *r, const struct nd_live_kind *k)
{
	const struct nd_api_error *ae = &k->err;
	struct nd_finding *f = nd_finding_add(r, "apiserver-forbidden", "Resource", NULL, k->file);

	nd_finding_summary(r, f, _("listing %s is forbidden for '%s': the checks that need them "
				   "were skipped"), k->file, ae->user[0] ? ae->user : "?");
	nd_obj_str(r, f->evidence, "user", ae->user[0] ? ae->user : NULL);
	nd_obj_str(r, f->evidence, "verb", ae->verb[0] ? ae->verb : "list");
	nd_obj_str(r, f->evidence, "resource", ae->resource[0] ? ae->resource : k->file);
	nd_obj_str(r, f->evidence, "namespace", ae->ns[0] ? ae->ns : NULL);
	nd_obj_str(r, f->evidence, "message", ae->message);
	nd_finding_remedy(r, f, _("ask for read access to %s (a ClusterRole with get/list on "
				  "them, bound to you), or run netdiag on a bundle collected by "
				  "someone who has it"), k->file);
	nd_finding_command(r, f, "kubectl auth can-i list %s -A",
			   ae->resource[0] ? ae->resource : k->file);
}

/*
 * A 403 for a service account becomes the can-i question it asks
 * (rbac_forbidden.c), answered by the RBAC objects that were listed: an
 * incluster-forbidden finding with the bindings it has and the grant that
 * is missing. Only when every RBAC kind could be read (a partial set would
 * give a wrong answer); apiserver-forbidden keeps the raw fact. When RBAC
 * allows what the server refused, another authorizer (a webhook such as
 * Azure RBAC) decided: nothing is added.
 */
static void forbidden_as_rbac(struct nd_ctx *ctx, const struct nd_live_session *s)
{
	static const enum nd_kind need[] = {ND_K_ROLE, ND_K_CLUSTERROLE, ND_K_ROLEBINDING,
					    ND_K_CLUSTERROLEBINDING};
	struct nd_report *r = ctx->report;
	struct nd_rbac *e = NULL;
	size_t i, j, have = 0;

	for (i = 0; i < s->nkinds; i++)
		for (j = 0; j < sizeof(need) / sizeof(need[0]); j++)
			have += s->kinds[i].kind == need[j] && s->kinds[i].state == ND_LIVE_OK;
	if (have != sizeof(need) / sizeof(need[0]))
		return;
	for (i = 0; i < s->nkinds; i++) {
		const struct nd_live_kind *k = &s->kinds[i];
		struct nd_forbidden f;
		struct nd_rbac_user u;
		struct nd_rbac_req q;
		struct nd_rbac_result res;
		struct nd_err err;

		if (k->state != ND_LIVE_FORBIDDEN ||
		    nd_rbac_parse_status(k->err.message, strlen(k->err.message), &f, &err) < 0 ||
		    f.non_resource || strncmp(f.user, "system:serviceaccount:", 22) != 0)
			continue;
		nd_rbac_forbidden_request(&f, r->arena, &u, &q);
		if (!e)
			e = nd_rbac_new(ctx->model);
		nd_rbac_check(e, &u, &q, r->arena, &res);
		nd_rbac_add_finding(r, &u, &q, &res);
	}
	nd_rbac_free(e);
}

int nd_live_source_open(struct nd_ctx *ctx, const char *cmdname)
{
	struct nd_kubeconfig *kc;
	struct nd_err e;

	if (nd_kubeconfig_opts_from_ctx(ctx, &kc, &e) < 0) {
		fprintf(stderr, "netdiag %s: %s\n", cmdname, e.msg);
		return ND_EXIT_NORUN;
	}
	return nd_live_source_open_kc(ctx, cmdname, kc);
}

int nd_live_source_open_kc(struct nd_ctx *ctx, const char *cmdname, struct nd_kubeconfig *kc)
{
	struct nd_live_session *s = nd_xcalloc(1, sizeof(*s));
	/* --timeout bounds the whole run: the listing gets what the S1 probe left */
	struct nd_live_opts lo = {.timeout_ms = ctx->timeout_ms, .deadline_ms = ctx->deadline_ms};
	struct nd_report *r = ctx->report;
	struct nd_err e;
	size_t i;
	int rc;

	ctx->live = s;
	s->kc = kc;
	lo.on_kind_done = progress;
	if (getenv("NETDIAG_PAGE_LIMIT"))   /* tests: small pages */
		lo.page_limit = (unsigned)strtoul(getenv("NETDIAG_PAGE_LIMIT"), NULL, 10);
	lo.progress_ctx = s;
	s->tty = isatty(STDERR_FILENO);
	if (nd_live_open(s->kc, &lo, &s->lv, &e) < 0) {
		fprintf(stderr, "netdiag %s: %s\n", cmdname, e.msg);
		return ND_EXIT_USAGE;
	}
	s->kinds = nd_live_kinds(&s->nkinds);
	if (ctx->live_kinds) {
		size_t keep = 0;

		for (i = 0; i < s->nkinds; i++)
			if (ctx->live_kinds & (UINT32_C(1) << s->kinds[i].kind))
				s->kinds[keep++] = s->kinds[i];
		s->nkinds = keep;
	}
	ctx->model = nd_model_new();
	rc = nd_live_load_model(s->lv, ctx->model, s->kinds, s->nkinds, &e);
	if (s->tty)
		fputs("\r\033[K", stderr);
	if (rc < 0) {
		fprintf(stderr, "netdiag %s: %s\n", cmdname, e.msg);
		return ND_EXIT_NORUN;
	}
	if (!r)
		return ND_EXIT_OK;
	r->source.mode = s->kc->in_cluster ? "in-cluster" : "live";
	r->source.context = nd_report_strdup(r, s->kc->context);
	r->source.server = nd_report_strdup(r, s->kc->server);
	r->source.snapshot = NULL;
	r->source.when = nd_report_time(r, (int64_t)time(NULL));
	nd_check_begin(r, "api-list", "S0");
	if (s->kc->insecure) {
		struct nd_finding *f = nd_finding_add(r, "apiserver-insecure-skip-tls-verify",
						      "Cluster", NULL, s->kc->cluster);

		nd_finding_summary(r, f, _("kubeconfig cluster '%s' turns off TLS verification of "
					   "the API server"), s->kc->cluster);
		nd_obj_str(r, f->evidence, "context", s->kc->context);
		nd_obj_str(r, f->evidence, "cluster", s->kc->cluster);
		nd_obj_str(r, f->evidence, "server", s->kc->server);
		nd_obj_bool(r, f->evidence, "ca_present", s->kc->ca_file || s->kc->ca_data);
		nd_finding_remedy(r, f, _("remove insecure-skip-tls-verify and give the entry the "
					  "cluster's CA"));
		nd_finding_command(r, f, "kubectl config unset clusters.%s.insecure-skip-tls-verify",
				   s->kc->cluster);
	}
	for (i = 0; i < s->nkinds; i++) {
		const struct nd_live_kind *k = &s->kinds[i];

		if (k->state == ND_LIVE_FORBIDDEN) {
			s->unread |= 1u << k->kind;
			forbidden_finding(r, k);
			nd_report_unread(r, _("%s (forbidden for '%s')"), k->file,
					 k->err.user[0] ? k->err.user : "?");
		} else if (k->state == ND_LIVE_ERROR) {
			s->unread |= 1u << k->kind;
			fprintf(stderr, "netdiag: %s\n", k->err.message);
			nd_report_unread(r, "%s (%s)", k->file, k->err.message);
		}
	}
	if (!ctx->in_pod)   /* incluster: the guide's own request says it (incluster-rbac) */
		forbidden_as_rbac(ctx, s);
	{
		size_t objs = 0, bad = 0;

		for (i = 0; i < s->nkinds; i++) {
			objs += s->kinds[i].objects;
			bad += s->kinds[i].state == ND_LIVE_FORBIDDEN || s->kinds[i].state == ND_LIVE_ERROR;
		}
		nd_check_end(r, bad ? ND_CHECK_ERROR : ND_CHECK_PASS,
			     nd_report_printf(r, _("%zu kinds listed from %s (%s), %zu objects, %zu "
						   "could not be read"), s->nkinds - bad, s->kc->server,
					      nd_live_protocol(s->lv), objs, bad));
	}
	return ND_EXIT_OK;
}

void nd_live_source_unread(const struct nd_live_session *s, struct nd_report *r,
			   const char *why[ND_K__COUNT])
{
	for (size_t i = 0; s && r && i < s->nkinds; i++) {
		const struct nd_live_kind *k = &s->kinds[i];

		if ((s->unread & (1u << k->kind)) && k->kind < ND_K__COUNT && !why[k->kind])
			why[k->kind] = nd_report_printf(r, _("cannot list %s from the API server "
							     "(see api-list)"), k->file);
	}
}

struct nd_live *nd_live_session_client(const struct nd_live_session *s)
{
	return s ? s->lv : NULL;
}

void nd_live_source_free(struct nd_live_session *s)
{
	if (!s)
		return;
	nd_live_free(s->lv);
	nd_kubeconfig_free(s->kc);
	free(s->kinds);
	free(s);
}
