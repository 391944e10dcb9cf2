/* SPDX-License-Identifier: MIT */
/*
 * netdiag can-reach SRC DST[:PORT[/PROTO]]
 * netdiag can-reach --matrix [-n NS] --port PORT[/PROTO]
 *
 * SRC and DST: NAMESPACE/POD (POD alone uses -n, default "default"), or an
 * IP address (a live pod's IP is that pod). DST may be svc:NAMESPACE/NAME:
 * every ready endpoint of the Service; a PORT that is a Service port is
 * translated to each endpoint's target port (policies see the pod port).
 * No PORT asks whether some port is allowed.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "k8s/model.h"
#include "policy/netpol.h"
#include "policy/netpol_report.h"
#include "core/banned.h"

#define MATRIX_MAX_PODS 1000   /* n*n values in the report */
#define MAX_FINDINGS 20        /* denied endpoints of one Service reported as findings */

static const struct nd_pod *live_pod_by_ip(const struct nd_model *m, const char *ip)
{
	size_t n, i;
	const uint32_t *v = nd_model_pods_by_ip(m, ip, &n);

	for (i = 0; i < n; i++)
		if (nd_pod_is_live(&m->pods.v[v[i]]))
			return &m->pods.v[v[i]];
	return NULL;
}

static int resolve(const struct nd_ctx *ctx, const struct nd_np_engine *e,
		   const struct nd_cmd *cmd, const char *arg, struct nd_np_ep *ep, const char *what)
{
	struct nd_err err;

	if (nd_np_ep_parse(e, arg, ctx->ns, ep, &err) == 0)
		return 0;
	nd_usage_error(cmd, "%s: %s", what, err.msg);
	return -1;
}

/* Decide one flow into the object out; a finding when denied (at most MAX_FINDINGS). */
static void one(struct nd_ctx *ctx, const struct nd_np_engine *e, const struct nd_np_ep *src,
		const struct nd_np_ep *dst, const struct nd_np_port *q, struct nd_val *out,
		bool *allowed, size_t *nfind)
{
	struct nd_np_verdict v;

	nd_np_evaluate(e, src, dst, q, ctx->report->arena, &v);
	nd_np_verdict_fill(ctx->report, out, e, src, dst, q, &v);
	*allowed = v.allowed;
	if (!v.allowed && (*nfind)++ < MAX_FINDINGS)
		nd_np_add_finding(ctx->report, e, src, dst, q, &v);
}

/* Every ready endpoint of the Service. */
static int service(struct nd_ctx *ctx, const struct nd_cmd *cmd, const struct nd_np_engine *e,
		   const struct nd_np_ep *src, const char *arg, const char *portarg)
{
	const struct nd_model *m = ctx->model;
	struct nd_report *r = ctx->report;
	const char *slash = strchr(arg, '/');
	const struct nd_service *svc;
	const struct nd_svcport *sp = NULL;
	struct nd_np_port q;
	struct nd_err err;
	struct nd_val *top = nd_val_obj(r), *eps, *first_denied = NULL, *first = NULL, *allowed;
	const uint32_t *sets;
	size_t nsets, i, j, total = 0, denied = 0, nfind = 0;
	char ns[256];

	if (!slash || (size_t)(slash - arg) >= sizeof(ns)) {
		snprintf(ns, sizeof(ns), "%s", ctx->ns ? ctx->ns : "default");
		slash = arg - 1;
	} else {
		memcpy(ns, arg, (size_t)(slash - arg));
		ns[slash - arg] = '\0';
	}
	svc = nd_model_service(m, ns, slash + 1);
	if (!svc)
		return nd_usage_error(cmd, _("Service '%s/%s' is not in the source"), ns, slash + 1);
	{
		const char *names, *num = nd_np_named_port(r, portarg ? portarg : "", NULL, svc, &names);

		if (!num)
			return nd_usage_error(cmd, _("Service %s/%s has no port named '%s' (its named "
						     "ports: %s)"), ns, svc->m.name, portarg,
					      *names ? names : "none");
		portarg = num;
	}
	if (nd_np_port_parse(portarg, &q, &err) < 0)
		return nd_usage_error(cmd, "%s", err.msg);
	for (i = 0; !q.any && i < svc->nports; i++)
		if (svc->ports[i].port == q.port && svc->ports[i].proto == q.proto)
			sp = &svc->ports[i];
	nd_obj_bool(r, top, "allowed", false);
	allowed = top->last;
	nd_obj_str(r, top, "service", nd_report_printf(r, "%s/%s", ns, svc->m.name));
	eps = nd_obj_arr(r, top, "endpoints");
	sets = nd_model_epsets_of(m, ns, slash + 1, &nsets);
	for (i = 0; i < nsets; i++) {
		const struct nd_epset *es = &m->epsets.v[sets[i]];
		struct nd_np_port eq = q;

		if (sp) {
			/* the endpoint port of the same name (or the only one) */
			for (j = 0; j < es->nports; j++)
				if ((es->nports == 1 || (es->ports[j].name && sp->name &&
							 strcmp(es->ports[j].name, sp->name) == 0)) &&
				    es->ports[j].proto == sp->proto)
					eq.port = es->ports[j].port;
		}
		for (j = 0; j < es->naddrs; j++) {
			const struct nd_epaddr *ad = &es->addrs[j];
			const struct nd_pod *p = ad->pod ? nd_model_pod(m, ns, ad->pod) : NULL;
			struct nd_np_ep dst;
			struct nd_val *v;
			bool ok;

			if (!ad->ready || !ad->ip)
				continue;
			if (!p)
				p = live_pod_by_ip(m, ad->ip);
			nd_np_ep_pod(&dst, p);
			if (nd_ip_parse(ad->ip, &dst.ip) < 0)
				continue;
			v = nd_arr_obj(r, eps);
			one(ctx, e, src, &dst, &eq, v, &ok, &nfind);
			total++;
			if (!first)
				first = v;
			if (!ok) {
				denied++;
				if (!first_denied)
					first_denied = v;
			}
		}
	}
	allowed->u.b = total && !denied;
	if (first_denied || first) {
		const struct nd_val *c;

		for (c = (first_denied ? first_denied : first)->first; c; c = c->next)
			if (strcmp(c->key, "egress") == 0 || strcmp(c->key, "ingress") == 0) {
				struct nd_val *cp = nd_obj_obj(r, top, c->key);

				cp->first = c->first;
				cp->last = c->last;
				cp->n = c->n;
			}
	}
	if (!total)
		nd_obj_str(r, top, "reason", _("the Service has no ready endpoints: nothing to reach"));
	else
		nd_obj_str(r, top, "reason",
			   nd_report_printf(r, _("%zu of %zu ready endpoints %s"), total - denied, total,
					    _("are allowed")));
	nd_obj_int(r, top, "endpoints_total", (int64_t)total);
	nd_obj_int(r, top, "endpoints_denied", (int64_t)denied);
	r->verdict = top;
	nd_check_end(r, ND_CHECK_PASS, nd_report_printf(r, _("%zu endpoints evaluated"), total));
	return ND_EXIT_OK;
}

/* Up to this many pods, the matrix names the policies that deny each denied flow. */
#define MATRIX_DECIDING_MAX 60

/* The side that denies: the source's egress when it does not allow, else the
 * destination's ingress. */
static const char *denying(struct nd_report *r, const struct nd_model *m,
			   const struct nd_np_verdict *v)
{
	const struct nd_np_side *s = v->egress.evaluated && !v->egress.allowed ? &v->egress
										 : &v->ingress;
	struct nd_buf b = ND_BUF_INIT(ND_TEXT_MAX);
	const char *out;

	nd_buf_printf(&b, "%s:", s == &v->egress ? "egress" : "ingress");
	for (uint32_t k = 0; k < s->npolicies; k++) {
		const struct nd_netpol *np = &m->netpols.v[s->policies[k]];

		nd_buf_printf(&b, " %s/%s%s", np->m.ns, np->m.name, k + 1 < s->npolicies ? "," : "");
	}
	out = nd_report_strdup(r, b.p ? b.p : "");
	nd_buf_release(&b);
	return out;
}

/* "deciding": [{from, to, policies}] for every denied flow of the matrix (indexes into pods) */
static void matrix_deciding(struct nd_report *r, const struct nd_np_engine *e,
			    const struct nd_np_matrix *mx, const struct nd_np_port *q,
			    struct nd_val *out)
{
	const struct nd_model *m = nd_np_engine_model(e);

	out->compact = false;
	for (size_t i = 0; i < mx->n; i++)
		for (size_t j = 0; j < mx->n; j++) {
			struct nd_np_ep src, dst;
			struct nd_np_verdict v;
			struct nd_val *o;

			if (mx->allowed[i * mx->n + j])
				continue;
			nd_np_ep_pod(&src, &m->pods.v[mx->pods[i]]);
			nd_np_ep_pod(&dst, &m->pods.v[mx->pods[j]]);
			nd_np_evaluate(e, &src, &dst, q, r->arena, &v);
			o = nd_arr_obj(r, out);
			o->compact = true;
			nd_obj_int(r, o, "from", (int64_t)i);
			nd_obj_int(r, o, "to", (int64_t)j);
			nd_obj_str(r, o, "policies", denying(r, m, &v));
		}
}

static int matrix(struct nd_ctx *ctx, const struct nd_cmd *cmd, const struct nd_np_engine *e,
		  const char *portarg)
{
	struct nd_report *r = ctx->report;
	const struct nd_model *m = ctx->model;
	struct nd_np_matrix mx;
	struct nd_np_port q;
	struct nd_err err;
	struct nd_val *top, *pods, *rows;
	const char *ns = ctx->all_ns ? NULL : ctx->ns;
	size_t i, j, yes = 0;

	if (!portarg)
		return nd_usage_error(cmd, _("--matrix needs --port PORT[/PROTO]"));
	if (nd_np_port_parse(portarg, &q, &err) < 0 || q.any)
		return nd_usage_error(cmd, "%s", q.any ? _("--port needs a port number") : err.msg);
	if (nd_np_matrix(e, ns, &q, MATRIX_MAX_PODS, &mx, &err) < 0) {
		fprintf(stderr, "netdiag can-reach: %s\n", err.msg);
		return ND_EXIT_USAGE;
	}
	top = nd_val_obj(r);
	nd_obj_str(r, top, "namespace", ns);
	nd_obj_str(r, top, "port", nd_report_printf(r, "%d/%s", q.port, nd_proto_name(q.proto)));
	pods = nd_obj_arr(r, top, "pods");
	for (i = 0; i < mx.n; i++) {
		const struct nd_pod *p = &m->pods.v[mx.pods[i]];

		nd_arr_str(r, pods, nd_report_printf(r, "%s/%s", p->m.ns, p->m.name));
	}
	rows = nd_obj_arr(r, top, "allowed");
	for (i = 0; i < mx.n; i++) {
		/* a row of booleans per source, columns in pod order (text: X and .) */
		struct nd_val *row = nd_arr_arr(r, rows);

		for (j = 0; j < mx.n; j++) {
			nd_arr_bool(r, row, mx.allowed[i * mx.n + j]);
			yes += mx.allowed[i * mx.n + j];
		}
	}
	nd_obj_int(r, top, "classes", (int64_t)mx.nclasses);
	if (mx.n <= MATRIX_DECIDING_MAX)
		matrix_deciding(r, e, &mx, &q, nd_obj_arr(r, top, "deciding"));
	r->verdict = top;
	r->answer = nd_report_printf(r, _("%zu of %zu flows allowed, %zu denied (%zu pods in %zu "
					  "classes)"), yes, mx.n * mx.n, mx.n * mx.n - yes, mx.n,
				     mx.nclasses);
	nd_check_end(r, ND_CHECK_PASS,
		     nd_report_printf(r, _("%zu pods in %zu classes, %zu of %zu flows allowed"), mx.n,
				      mx.nclasses, yes, mx.n * mx.n));
	nd_np_matrix_release(&mx);
	return ND_EXIT_OK;
}

int cmd_canreach(struct nd_ctx *ctx, int argc, char **argv)
{
	const struct nd_cmd *cmd = nd_cmd_find("can-reach");
	const char *pos[2] = {NULL, NULL}, *portarg = NULL;
	bool want_matrix = false;
	struct nd_np_engine *e;
	int i, npos = 0, rc = ND_EXIT_OK;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--matrix") == 0)
			want_matrix = true;
		else if (strcmp(a, "--port") == 0 && i + 1 < argc)
			portarg = argv[++i];
		else if (strncmp(a, "--port=", 7) == 0)
			portarg = a + 7;
		else if (a[0] == '-')
			return nd_usage_error(cmd, _("unknown option '%s'"), a);
		else if (npos < 2)
			pos[npos++] = a;
		else
			return nd_usage_error(cmd, _("unexpected argument '%s'"), a);
	}
	if (want_matrix && npos)
		return nd_usage_error(cmd, _("--matrix takes no SRC or DST"));
	if (!want_matrix && npos != 2)
		return nd_usage_error(cmd, _("need SRC and DST (or --matrix)"));
	if (!nd_check_runnable(ctx, "netpol-can-reach"))
		return ND_EXIT_OK;
	e = nd_np_engine_new(ctx->model);
	nd_check_begin(ctx->report, "netpol-can-reach", "S3");
	if (want_matrix) {
		rc = matrix(ctx, cmd, e, portarg);
	} else {
		struct nd_np_ep src, dst;
		char buf[512];
		const char *dstarg, *port = "";

		if (resolve(ctx, e, cmd, pos[0], &src, _("source")) < 0) {
			rc = ND_EXIT_USAGE;
			goto out;
		}
		if (strncmp(pos[1], "svc:", 4) == 0) {
			dstarg = nd_np_split_dst(pos[1] + 4, buf, sizeof(buf), &port);
			if (portarg && !*port)
				port = portarg;
			rc = dstarg ? service(ctx, cmd, e, &src, dstarg, port)
				    : nd_usage_error(cmd, _("bad destination '%s'"), pos[1]);
			goto out;
		}
		dstarg = nd_np_split_dst(pos[1], buf, sizeof(buf), &port);
		if (portarg && !*port)
			port = portarg;
		if (!dstarg) {
			rc = nd_usage_error(cmd, _("bad destination '%s'"), pos[1]);
			goto out;
		}
		if (resolve(ctx, e, cmd, dstarg, &dst, _("destination")) < 0) {
			rc = ND_EXIT_USAGE;
			goto out;
		}
		{
			struct nd_np_port q;
			struct nd_err err;
			struct nd_val *v = nd_val_obj(ctx->report);
			bool ok;
			size_t nfind = 0;

			const char *names, *num = nd_np_named_port(ctx->report, port, dst.pod, NULL, &names);

			if (!num) {
				rc = nd_usage_error(cmd, _("%s has no containerPort named '%s' (its named "
							   "ports: %s)"), dstarg, port,
						    *names ? names : "none");
				goto out;
			}
			port = num;
			if (nd_np_port_parse(port, &q, &err) < 0) {
				rc = nd_usage_error(cmd, "%s", err.msg);
				goto out;
			}
			/* this run is that can-reach, however its arguments were spelled */
			nd_report_self_words(ctx->report, nd_np_query_words(ctx->report, &src, &dst, &q));
			one(ctx, e, &src, &dst, &q, v, &ok, &nfind);
			ctx->report->verdict = v;
			nd_check_end(ctx->report, ND_CHECK_PASS, ok ? _("allowed") : _("denied"));
		}
	}
out:
	nd_np_engine_free(e);
	return rc;
}
