/* SPDX-License-Identifier: MIT */
#include "k8s/decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/intern.h"
#include "k8s/labels.h"
#include "core/banned.h"
#include "core/i18n.h"

static const char *const kind_names[ND_K__COUNT] = {
	[ND_K_POD] = "Pod", [ND_K_NODE] = "Node", [ND_K_NAMESPACE] = "Namespace",
	[ND_K_SERVICE] = "Service", [ND_K_ENDPOINTS] = "Endpoints",
	[ND_K_ENDPOINTSLICE] = "EndpointSlice", [ND_K_EVENT] = "Event",
	[ND_K_DAEMONSET] = "DaemonSet", [ND_K_NETWORKPOLICY] = "NetworkPolicy",
	[ND_K_SERVICEACCOUNT] = "ServiceAccount", [ND_K_ROLE] = "Role",
	[ND_K_CLUSTERROLE] = "ClusterRole", [ND_K_ROLEBINDING] = "RoleBinding",
	[ND_K_CLUSTERROLEBINDING] = "ClusterRoleBinding", [ND_K_NNC] = "NodeNetworkConfig",
};

const char *nd_kind_name(enum nd_kind k)
{
	return (unsigned)k < ND_K__COUNT ? kind_names[k] : "?";
}

const char *nd_proto_name(uint8_t proto)
{
	return proto == ND_UDP ? "UDP" : proto == ND_SCTP ? "SCTP" : "TCP";
}

int nd_proto_parse(const char *s, uint8_t *out)
{
	if (!s || !*s || strcmp(s, "TCP") == 0)
		*out = ND_TCP;
	else if (strcmp(s, "UDP") == 0)
		*out = ND_UDP;
	else if (strcmp(s, "SCTP") == 0)
		*out = ND_SCTP;
	else
		return -1;
	return 0;
}

void dec_fail(struct dec *d, const char *field, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (d->failed)
		return;
	d->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	nd_err_set(d->e, "%s '%s%s%s': %s: %s", d->kind, d->ns ? d->ns : "", d->ns ? "/" : "",
		   d->name ? d->name : "?", field, what);
}

static void wrong_type(struct dec *d, const struct nd_json *v, const char *field,
		       const char *want)
{
	dec_fail(d, field, _("expected %s, got %s"), want, nd_json_type_name(v->type));
}

const char *dec_intern(struct dec *d, const char *s)
{
	return s ? nd_intern_cstr(d->m->strings, s) : NULL;
}

const char *dec_str(struct dec *d, const struct nd_json *v, const char *field)
{
	if (!v || v->type == ND_JNULL)
		return NULL;
	if (v->type != ND_JSTR) {
		wrong_type(d, v, field, _("a string"));
		return NULL;
	}
	return nd_intern(d->m->strings, v->u.s, v->n);
}

const char *dec_cstr(struct dec *d, const struct nd_json *v, const char *field)
{
	if (!v || v->type == ND_JNULL)
		return NULL;
	if (v->type != ND_JSTR) {
		wrong_type(d, v, field, "a string");
		return NULL;
	}
	return v->u.s;
}

bool dec_bool(struct dec *d, const struct nd_json *v, const char *field)
{
	if (!v || v->type == ND_JNULL)
		return false;
	if (v->type != ND_JTRUE && v->type != ND_JFALSE) {
		wrong_type(d, v, field, _("a boolean"));
		return false;
	}
	return v->type == ND_JTRUE;
}

int64_t dec_int(struct dec *d, const struct nd_json *v, const char *field,
		int64_t min, int64_t max)
{
	int64_t x;

	if (!v || v->type == ND_JNULL)
		return 0;
	if (v->type != ND_JNUM) {
		wrong_type(d, v, field, _("an integer"));
		return 0;
	}
	if (nd_json_i64(v, min, max, &x) < 0) {
		dec_fail(d, field, _("'%.*s' is not an integer in [%lld, %lld]"), (int)v->n, v->u.s,
			 (long long)min, (long long)max);
		return 0;
	}
	return x;
}

const struct nd_json *dec_arr(struct dec *d, const struct nd_json *v, const char *field)
{
	if (!v || v->type == ND_JNULL)
		return NULL;
	if (v->type != ND_JARR) {
		wrong_type(d, v, field, _("an array"));
		return NULL;
	}
	return v;
}

const struct nd_json *dec_obj(struct dec *d, const struct nd_json *v, const char *field)
{
	if (!v || v->type == ND_JNULL)
		return NULL;
	if (v->type != ND_JOBJ) {
		wrong_type(d, v, field, _("an object"));
		return NULL;
	}
	return v;
}

void *dec_alloc(struct dec *d, size_t n, size_t size)
{
	return n ? nd_arena_alloc(d->m->arena, n * size) : NULL;
}

const char **dec_strs(struct dec *d, const struct nd_json *v, const char *field, uint32_t *n)
{
	const struct nd_json *a = dec_arr(d, v, field);
	const char **out;
	uint32_t i;

	*n = 0;
	if (!a || !a->n)
		return NULL;
	out = dec_alloc(d, a->n, sizeof(*out));
	for (i = 0; i < a->n; i++) {
		const char *s = dec_str(d, &a->u.items[i], field);

		if (s)
			out[(*n)++] = s;
	}
	return out;
}

void dec_meta(struct dec *d, const struct nd_json *obj, struct nd_meta *out)
{
	const struct nd_json *md = dec_obj(d, nd_json_get(obj, "metadata"), "metadata");
	const struct nd_json *owners, *labels;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (!md) {
		dec_fail(d, "metadata", _("missing"));
		return;
	}
	/* name first, so later messages can name the object */
	out->ns = dec_str(d, nd_json_get(md, "namespace"), "metadata.namespace");
	out->name = dec_str(d, nd_json_get(md, "name"), "metadata.name");
	d->ns = out->ns;
	d->name = out->name;
	if (!out->name || !*out->name)   /* the API server names every object */
		dec_fail(d, "metadata.name", out->name ? _("empty") : _("missing"));
	/* the uid is read by nothing: its type is checked, it is not kept */
	dec_cstr(d, nd_json_get(md, "uid"), "metadata.uid");
	out->created = dec_str(d, nd_json_get(md, "creationTimestamp"),
			       "metadata.creationTimestamp");
	out->deleting = dec_str(d, nd_json_get(md, "deletionTimestamp"),
				"metadata.deletionTimestamp") != NULL;
	labels = nd_json_get(md, "labels");
	if (labels && labels->type != ND_JNULL) {
		struct nd_err e;

		if (nd_labels_from_json(labels, d->m->arena, d->m->strings, &out->labels, &e) < 0)
			dec_fail(d, "metadata.labels", "%s", e.msg);
	}
	owners = dec_arr(d, nd_json_get(md, "ownerReferences"), "metadata.ownerReferences");
	for (i = 0; owners && i < owners->n; i++) {
		const struct nd_json *o = &owners->u.items[i];

		if (dec_bool(d, nd_json_get(o, "controller"), "metadata.ownerReferences[].controller")) {
			out->owner_kind = dec_str(d, nd_json_get(o, "kind"),
						  "metadata.ownerReferences[].kind");
			out->owner_name = dec_str(d, nd_json_get(o, "name"),
						  "metadata.ownerReferences[].name");
		}
	}
}

void dec_port(struct dec *d, const struct nd_json *v, const char *field,
	      int32_t *num, const char **name)
{
	*num = 0;
	*name = NULL;
	if (!v || v->type == ND_JNULL)
		return;
	if (v->type == ND_JNUM) {
		*num = (int32_t)dec_int(d, v, field, 0, 65535);
		return;
	}
	if (v->type == ND_JSTR) {
		int64_t x;

		if (v->n && nd_json_i64(&(struct nd_json){.type = ND_JNUM, .n = v->n, .u.s = v->u.s},
					1, 65535, &x) == 0)
			*num = (int32_t)x;
		else
			*name = dec_str(d, v, field);
		return;
	}
	wrong_type(d, v, field, _("a port number or name"));
}

uint8_t dec_proto(struct dec *d, const struct nd_json *v, const char *field)
{
	const char *s = dec_cstr(d, v, field);
	uint8_t p = ND_TCP;

	if (nd_proto_parse(s, &p) < 0)
		dec_fail(d, field, _("unknown protocol '%s'"), s);
	return p;
}

/* ---- the kinds ---- */

struct kindent {
	const char *kind;
	const char *group;       /* NULL: any apiVersion */
	enum nd_kind k;
};

static const struct kindent kinds[] = {
	{"Pod", NULL, ND_K_POD},
	{"Node", NULL, ND_K_NODE},
	{"Namespace", NULL, ND_K_NAMESPACE},
	{"Service", NULL, ND_K_SERVICE},
	{"Endpoints", NULL, ND_K_ENDPOINTS},
	{"EndpointSlice", NULL, ND_K_ENDPOINTSLICE},
	{"Event", NULL, ND_K_EVENT},
	{"DaemonSet", NULL, ND_K_DAEMONSET},
	{"NetworkPolicy", "networking.k8s.io", ND_K_NETWORKPOLICY},
	{"ServiceAccount", NULL, ND_K_SERVICEACCOUNT},
	{"Role", NULL, ND_K_ROLE},
	{"ClusterRole", NULL, ND_K_CLUSTERROLE},
	{"RoleBinding", NULL, ND_K_ROLEBINDING},
	{"ClusterRoleBinding", NULL, ND_K_CLUSTERROLEBINDING},
	{"NodeNetworkConfig", NULL, ND_K_NNC},
};

int nd_model_add_object(struct nd_model *m, const struct nd_json *obj,
			const char *kind_hint, struct nd_err *e)
{
	struct dec d = {.m = m, .e = e};
	const char *kind, *api;
	char hint[128];
	size_t i;
	int r;

	if (!obj || obj->type != ND_JOBJ)
		return nd_err_set(e, _("expected a Kubernetes object, got %s"),
				  obj ? nd_json_type_name(obj->type) : "nothing");
	kind = nd_json_str(nd_json_get(obj, "kind"));
	if (!kind && kind_hint) {
		size_t n = strlen(kind_hint);

		/* "PodList" -> "Pod" */
		if (n > 4 && n < sizeof(hint) && strcmp(kind_hint + n - 4, "List") == 0) {
			memcpy(hint, kind_hint, n - 4);
			hint[n - 4] = '\0';
			kind = hint;
		}
	}
	if (!kind) {
		if (nd_json_get(obj, "kind"))
			return nd_err_set(e, _("\"kind\" must be a string"));
		return nd_err_set(e, _("object without \"kind\""));
	}
	api = nd_json_str(nd_json_get(obj, "apiVersion"));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		if (kinds[i].group && api && strncmp(api, kinds[i].group, strlen(kinds[i].group)) != 0)
			continue;
		break;
	}
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		if (strcmp(kind, "List") == 0 || (strlen(kind) > 4 &&
		    strcmp(kind + strlen(kind) - 4, "List") == 0))
			return nd_err_set(e, _("a %s without an \"items\" array"), kind);
		m->skipped++;
		return 0;
	}
	d.kind = kinds[i].kind;
	switch (kinds[i].k) {
	case ND_K_POD: r = dec_pod(&d, obj); break;
	case ND_K_NODE: r = dec_node(&d, obj); break;
	case ND_K_NAMESPACE: r = dec_namespace(&d, obj); break;
	case ND_K_SERVICE: r = dec_service(&d, obj); break;
	case ND_K_ENDPOINTS: r = dec_endpoints(&d, obj); break;
	case ND_K_ENDPOINTSLICE: r = dec_endpointslice(&d, obj); break;
	case ND_K_EVENT: r = dec_event(&d, obj); break;
	case ND_K_DAEMONSET: r = dec_daemonset(&d, obj); break;
	case ND_K_NETWORKPOLICY: r = dec_netpol(&d, obj); break;
	case ND_K_SERVICEACCOUNT: r = dec_sa(&d, obj); break;
	case ND_K_ROLE: r = dec_role(&d, obj, false); break;
	case ND_K_CLUSTERROLE: r = dec_role(&d, obj, true); break;
	case ND_K_ROLEBINDING: r = dec_binding(&d, obj, false); break;
	case ND_K_CLUSTERROLEBINDING: r = dec_binding(&d, obj, true); break;
	case ND_K_NNC: r = dec_nnc(&d, obj); break;
	default: r = 0; break;
	}
	if (r < 0 || d.failed)
		return -1;
	if (r > 0)
		m->count[kinds[i].k]++;
	return 0;
}
