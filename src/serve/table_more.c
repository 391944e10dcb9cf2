/* SPDX-License-Identifier: MIT */
/*
 * The Table columns and cells of batch (jobs, cronjobs), networking
 * (ingresses, ingressclasses), storage (persistentvolumeclaims,
 * persistentvolumes, storageclasses), leases, poddisruptionbudgets,
 * replicationcontrollers, podtemplates, controllerrevisions,
 * horizontalpodautoscalers and resourcequotas, as the Kubernetes
 * API server prints them (pkg/printers/internalversion). The server prints
 * with Wide set, so no cell is clipped here; kubectl hides the priority-1
 * columns unless -o wide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "serve/table.h"
#include "serve/table_int.h"
#include "core/banned.h"

static const char *annotation(const struct nd_json *obj, const char *key)
{
	return nd_tstr(get(get(obj, "metadata"), "annotations"), key);
}

static bool terminating(const struct nd_json *obj)
{
	return get(get(obj, "metadata"), "deletionTimestamp") != NULL;
}

/* "True", "False", or "<unset>" when the field is absent (printBoolPtr) */
static void boolptr_cell(struct nd_trow *t, const struct nd_json *o, const char *key)
{
	const struct nd_json *v = get(o, key);

	nd_tcell_str(t, !v || (v->type != ND_JTRUE && v->type != ND_JFALSE) ? "<unset>"
			: v->type == ND_JTRUE ? "True" : "False");
}

/* ---- jobs, cronjobs ---- */

static const struct nd_tcol job_cols[] = {
	NAME_COL,
	{"Status", "string", "", 0, "Status of the job."},
	{"Completions", "string", "", 0, "The number of pods which reached phase Succeeded."},
	{"Duration", "string", "", 0, "Time required to complete the job."},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
	{"Selector", "string", "", 1, "A label query over pods that should match the pod count."},
};

/* a condition of type ty with status "True" (hasJobCondition) */
static bool job_cond(const struct nd_json *st, const char *ty)
{
	const struct nd_json *cs = get(st, "conditions");

	for (size_t i = 0; i < len_of(cs); i++) {
		const char *t = nd_tstr(at(cs, i), "type"), *s = nd_tstr(at(cs, i), "status");

		if (t && s && !strcmp(t, ty) && !strcmp(s, "True"))
			return true;
	}
	return false;
}

static void job_tail(struct nd_trow *t, const struct nd_json *jobspec)
{
	struct nd_buf n = ND_BUF_INIT(64 * 1024), im = ND_BUF_INIT(64 * 1024);
	struct nd_buf s = ND_BUF_INIT(64 * 1024);

	nd_tcontainers(&n, &im, get(get(jobspec, "template"), "spec"));
	nd_tselector(&s, get(jobspec, "selector"));
	buf_cell(t, &n);
	buf_cell(t, &im);
	buf_cell(t, &s);
}

static void job_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	long long ok = (long long)nd_tint(st, "succeeded", 0);
	int64_t start = nd_ttime(get(st, "startTime")), end = nd_ttime(get(st, "completionTime"));
	char comp[96], dur[32] = "";
	const char *status;

	if (get(spec, "completions") && get(spec, "completions")->type == ND_JNUM)
		snprintf(comp, sizeof(comp), "%lld/%lld", ok, (long long)nd_tint(spec, "completions", 0));
	else if (nd_tint(spec, "parallelism", 0) > 1)
		snprintf(comp, sizeof(comp), "%lld/1 of %lld", ok,
			 (long long)nd_tint(spec, "parallelism", 0));
	else
		snprintf(comp, sizeof(comp), "%lld/1", ok);
	if (start)
		nd_table_duration((end ? end : t->now) - start, dur, sizeof(dur));
	if (job_cond(st, "Complete"))
		status = "Complete";
	else if (job_cond(st, "Failed"))
		status = "Failed";
	else if (terminating(obj))
		status = "Terminating";
	else if (job_cond(st, "Suspended"))
		status = "Suspended";
	else if (job_cond(st, "FailureTarget"))
		status = "FailureTarget";
	else
		status = "Running";
	name_cell(t, obj);
	nd_tcell_str(t, status);
	nd_tcell_str(t, comp);
	nd_tcell_str(t, dur);
	age_cell(t, obj);
	job_tail(t, spec);
}

static const struct nd_tcol cj_cols[] = {
	NAME_COL,
	{"Schedule", "string", "", 0, "The schedule in Cron format."},
	{"Timezone", "string", "", 0, "The time zone name for the given schedule."},
	{"Suspend", "boolean", "", 0, "This flag tells the controller to suspend subsequent "
				      "executions."},
	{"Active", "integer", "", 0, "A list of pointers to currently running jobs."},
	{"Last Schedule", "string", "", 0, "Information when was the last time the job was "
					   "successfully scheduled."},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
	{"Selector", "string", "", 1, "A label query over pods that should match the pod count."},
};

static void cj_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");

	name_cell(t, obj);
	nd_tcell_str(t, or(nd_tstr(spec, "schedule"), ""));
	nd_tcell_str(t, nd_tstr(spec, "timeZone") ? nd_tstr(spec, "timeZone") : "<none>");
	boolptr_cell(t, spec, "suspend");
	nd_tcell_int(t, (int64_t)len_of(get(st, "active")));
	if (get(st, "lastScheduleTime"))
		nd_tcell_age(t, get(st, "lastScheduleTime"));
	else
		nd_tcell_str(t, "<none>");
	age_cell(t, obj);
	job_tail(t, get(get(spec, "jobTemplate"), "spec"));
}

/* ---- ingresses, ingressclasses ---- */

static const struct nd_tcol ing_cols[] = {
	NAME_COL,
	{"Class", "string", "", 0, "The name of the IngressClass resource that should be used for "
				   "additional configuration"},
	{"Hosts", "string", "", 0, "Hosts that incoming requests are matched against before the "
				   "ingress rule"},
	{"Address", "string", "", 0, "Address is a list containing ingress points for the "
				     "load-balancer"},
	{"Ports", "string", "", 0, "Ports of TLS configurations that open"},
	AGE_COL,
};

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the load balancer's IPs, else host names: sorted, each once, joined by "," */
static void lb_address(struct nd_buf *out, const struct nd_json *lb)
{
	const struct nd_json *ing = get(lb, "ingress");
	size_t n = len_of(ing), k = 0;
	const char **v = n ? calloc(n, sizeof(*v)) : NULL;

	if (n && !v)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *ip = nd_tstr(at(ing, i), "ip"), *host = nd_tstr(at(ing, i), "hostname");

		if (ip && *ip)
			v[k++] = ip;
		else if (host && *host)
			v[k++] = host;
	}
	if (k > 1)
		qsort(v, k, sizeof(*v), cmp_cstr);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			nd_buf_printf(out, "%s%s", out->len ? "," : "", v[i]);
	free(v);
}

static void ing_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *rules = get(spec, "rules");
	struct nd_buf hosts = ND_BUF_INIT(64 * 1024), addr = ND_BUF_INIT(64 * 1024);
	size_t listed = 0;
	bool more = false;

	/* formatHosts: the first three host names, "+ N more..." past them, "*" for none */
	for (size_t i = 0; i < len_of(rules); i++) {
		const char *h = nd_tstr(at(rules, i), "host");

		if (listed == 3)
			more = true;
		if (!more && h && *h) {
			nd_buf_printf(&hosts, "%s%s", listed ? "," : "", h);
			listed++;
		}
	}
	if (!listed)
		nd_buf_adds(&hosts, "*");
	else if (more)
		nd_buf_printf(&hosts, " + %zu more...", len_of(rules) - 3);
	lb_address(&addr, get(get(obj, "status"), "loadBalancer"));
	name_cell(t, obj);
	nd_tcell_str(t, nd_tstr(spec, "ingressClassName") ? nd_tstr(spec, "ingressClassName")
							  : "<none>");
	buf_cell(t, &hosts);
	buf_cell(t, &addr);
	nd_tcell_str(t, len_of(get(spec, "tls")) ? "80, 443" : "80");
	age_cell(t, obj);
}

static const struct nd_tcol ingc_cols[] = {
	NAME_COL,
	{"Controller", "string", "", 0, "Controller that is responsible for handling this class"},
	{"Parameters", "string", "", 0, "A reference to a resource with additional parameters"},
	AGE_COL,
};

static void ingc_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *p = get(spec, "parameters");
	char params[800];

	if (p && p->type == ND_JOBJ) {
		const char *g = nd_tstr(p, "apiGroup");

		snprintf(params, sizeof(params), "%s%s%s/%s", or(nd_tstr(p, "kind"), ""),
			 g ? "." : "", g ? g : "", or(nd_tstr(p, "name"), ""));
	} else {
		snprintf(params, sizeof(params), "<none>");
	}
	name_cell(t, obj);
	nd_tcell_str(t, or(nd_tstr(spec, "controller"), ""));
	nd_tcell_str(t, params);
	age_cell(t, obj);
}

/* ---- persistentvolumeclaims, persistentvolumes, storageclasses ---- */

/* RWO, ROX, RWX, RWOP in that order, each once (GetAccessModesAsString) */
static void access_modes(struct nd_buf *out, const struct nd_json *modes)
{
	static const char *const full[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
					   "ReadWriteOncePod"};
	static const char *const abbr[] = {"RWO", "ROX", "RWX", "RWOP"};

	for (size_t m = 0; m < N(full); m++)
		for (size_t i = 0; i < len_of(modes); i++) {
			const char *s = modes->type == ND_JARR && at(modes, i)->type == ND_JSTR
						? at(modes, i)->u.s : NULL;

			if (s && !strcmp(s, full[m])) {
				nd_buf_printf(out, "%s%s", out->len ? "," : "", abbr[m]);
				break;
			}
		}
}

/* the beta annotation first, then spec.storageClassName (GetPersistentVolume(Claim)Class) */
static const char *storage_class(const struct nd_json *obj)
{
	const char *a = annotation(obj, "volume.beta.kubernetes.io/storage-class");

	return a ? a : or(nd_tstr(get(obj, "spec"), "storageClassName"), "");
}

static const char *phase_of(const struct nd_json *obj)
{
	return terminating(obj) ? "Terminating" : or(nd_tstr(get(obj, "status"), "phase"), "");
}

static const struct nd_tcol pvc_cols[] = {
	NAME_COL,
	{"Status", "string", "", 0, "phase represents the current phase of PersistentVolumeClaim."},
	{"Volume", "string", "", 0, "volumeName is the binding reference to the PersistentVolume "
				    "backing this claim."},
	{"Capacity", "string", "", 0, "capacity represents the actual resources of the underlying "
				      "volume."},
	{"Access Modes", "string", "", 0, "accessModes contains the actual access modes the volume "
					  "backing the PVC has."},
	{"StorageClass", "string", "", 0, "StorageClass of the pvc"},
	{"VolumeAttributesClass", "string", "", 0, "VolumeAttributesClass of the pvc"},
	AGE_COL,
	{"VolumeMode", "string", "", 1, "volumeMode defines what type of volume is required by the "
					"claim."},
};

static void pvc_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	const char *vol = or(nd_tstr(spec, "volumeName"), ""), *vac;
	struct nd_buf modes = ND_BUF_INIT(256);

	if (*vol)
		access_modes(&modes, get(st, "accessModes"));
	vac = nd_tstr(spec, "volumeAttributesClassName");
	name_cell(t, obj);
	nd_tcell_str(t, phase_of(obj));
	nd_tcell_str(t, vol);
	nd_tcell_str(t, *vol ? or(nd_tstr(get(st, "capacity"), "storage"), "") : "");
	buf_cell(t, &modes);
	nd_tcell_str(t, storage_class(obj));
	nd_tcell_str(t, vac ? vac : "<unset>");
	age_cell(t, obj);
	nd_tcell_str(t, nd_tstr(spec, "volumeMode") ? nd_tstr(spec, "volumeMode") : "<unset>");
}

static const struct nd_tcol pv_cols[] = {
	NAME_COL,
	{"Capacity", "string", "", 0, "capacity is the description of the persistent volume's "
				      "resources and capacity."},
	{"Access Modes", "string", "", 0, "accessModes contains all ways the volume can be mounted."},
	{"Reclaim Policy", "string", "", 0, "persistentVolumeReclaimPolicy defines what happens to "
					    "a persistent volume when released from its claim."},
	{"Status", "string", "", 0, "phase indicates if a volume is available, bound to a claim, "
				    "or released by a claim."},
	{"Claim", "string", "", 0, "claimRef is part of a bi-directional binding between "
				   "PersistentVolume and PersistentVolumeClaim."},
	{"StorageClass", "string", "", 0, "StorageClass of the pv"},
	{"VolumeAttributesClass", "string", "", 0, "VolumeAttributesClass of the pv"},
	{"Reason", "string", "", 0, "reason is a brief CamelCase string that describes any "
				    "failure."},
	AGE_COL,
	{"VolumeMode", "string", "", 1, "volumeMode defines if a volume is intended to be used "
					"with a formatted filesystem or to remain in raw block "
					"state."},
};

static void pv_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *ref = get(spec, "claimRef");
	struct nd_buf modes = ND_BUF_INIT(256), claim = ND_BUF_INIT(1024);
	const char *vac = nd_tstr(spec, "volumeAttributesClassName");

	access_modes(&modes, get(spec, "accessModes"));
	if (ref && ref->type == ND_JOBJ)
		nd_buf_printf(&claim, "%s/%s", or(nd_tstr(ref, "namespace"), ""),
			      or(nd_tstr(ref, "name"), ""));
	name_cell(t, obj);
	nd_tcell_str(t, or(nd_tstr(get(spec, "capacity"), "storage"), "0"));
	buf_cell(t, &modes);
	nd_tcell_str(t, or(nd_tstr(spec, "persistentVolumeReclaimPolicy"), ""));
	nd_tcell_str(t, phase_of(obj));
	buf_cell(t, &claim);
	nd_tcell_str(t, storage_class(obj));
	nd_tcell_str(t, vac ? vac : "<unset>");
	nd_tcell_str(t, or(nd_tstr(get(obj, "status"), "reason"), ""));
	age_cell(t, obj);
	nd_tcell_str(t, nd_tstr(spec, "volumeMode") ? nd_tstr(spec, "volumeMode") : "<unset>");
}

static const struct nd_tcol sc_cols[] = {
	NAME_COL,
	{"Provisioner", "string", "", 0, "provisioner indicates the type of the provisioner."},
	{"ReclaimPolicy", "string", "", 0, "reclaimPolicy controls the reclaimPolicy for "
					   "dynamically provisioned PersistentVolumes of this "
					   "storage class."},
	{"VolumeBindingMode", "string", "", 0, "volumeBindingMode indicates how "
					       "PersistentVolumeClaims should be provisioned and "
					       "bound."},
	{"AllowVolumeExpansion", "string", "", 0, "allowVolumeExpansion shows whether the storage "
						  "class allow volume expand."},
	AGE_COL,
};

static void sc_row(struct nd_trow *t, const struct nd_json *obj)
{
	const char *def = annotation(obj, "storageclass.kubernetes.io/is-default-class");
	const char *beta = annotation(obj, "storageclass.beta.kubernetes.io/is-default-class");
	const char *name = or(nd_tstr(get(obj, "metadata"), "name"), "");
	struct nd_buf n = ND_BUF_INIT(1024);

	nd_buf_adds(&n, name);
	if ((def && !strcmp(def, "true")) || (beta && !strcmp(beta, "true")))
		nd_buf_adds(&n, " (default)");
	buf_cell(t, &n);
	nd_tcell_str(t, or(nd_tstr(obj, "provisioner"), ""));
	nd_tcell_str(t, or(nd_tstr(obj, "reclaimPolicy"), "Delete"));
	nd_tcell_str(t, or(nd_tstr(obj, "volumeBindingMode"), "Immediate"));
	nd_tcell_bool(t, nd_ttrue(obj, "allowVolumeExpansion"));
	age_cell(t, obj);
}

/* ---- leases ---- */

static const struct nd_tcol lease_cols[] = {
	NAME_COL,
	{"Holder", "string", "", 0, "holderIdentity contains the identity of the holder of a "
				    "current lease."},
	AGE_COL,
};

static void lease_row(struct nd_trow *t, const struct nd_json *obj)
{
	name_cell(t, obj);
	nd_tcell_str(t, or(nd_tstr(get(obj, "spec"), "holderIdentity"), ""));
	age_cell(t, obj);
}

/* ---- poddisruptionbudgets, replicationcontrollers, podtemplates, controllerrevisions ---- */

/* an IntOrString as its String(): the number, or the text ("50%") */
static void intorstr(char *out, size_t n, const struct nd_json *v, const char *absent)
{
	if (v && v->type == ND_JNUM)
		snprintf(out, n, "%.*s", (int)v->n, v->u.s);
	else if (v && v->type == ND_JSTR)
		snprintf(out, n, "%s", v->u.s);
	else
		snprintf(out, n, "%s", absent);
}

static const struct nd_tcol pdb_cols[] = {
	NAME_COL,
	{"Min Available", "string", "", 0, "The minimum number of pods that must be available."},
	{"Max Unavailable", "string", "", 0, "The maximum number of pods that may be unavailable."},
	{"Allowed Disruptions", "integer", "", 0, "Calculated number of pods that may be disrupted "
						  "at this time."},
	AGE_COL,
};

static void pdb_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec");
	char mina[80], maxu[80];

	intorstr(mina, sizeof(mina), get(spec, "minAvailable"), "N/A");
	intorstr(maxu, sizeof(maxu), get(spec, "maxUnavailable"), "N/A");
	name_cell(t, obj);
	nd_tcell_str(t, mina);
	nd_tcell_str(t, maxu);
	nd_tcell_int(t, nd_tint(get(obj, "status"), "disruptionsAllowed", 0));
	age_cell(t, obj);
}

static const struct nd_tcol rc_cols[] = {
	NAME_COL,
	{"Desired", "integer", "", 0, "Replicas is the number of desired replicas."},
	{"Current", "integer", "", 0, "Replicas is the most recently observed number of replicas."},
	{"Ready", "integer", "", 0, "The number of ready replicas for this replication "
				    "controller."},
	AGE_COL,
	{"Containers", "string", "", 1, "Names of each container in the template."},
	{"Images", "string", "", 1, "Images referenced by each container in the template."},
	{"Selector", "string", "", 1, "Selector is a label query over pods that should match the "
				      "Replicas count."},
};

static void rc_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	struct nd_buf n = ND_BUF_INIT(64 * 1024), im = ND_BUF_INIT(64 * 1024);
	struct nd_buf sel = ND_BUF_INIT(64 * 1024);

	nd_tcontainers(&n, &im, get(get(spec, "template"), "spec"));
	nd_tlabels(&sel, get(spec, "selector"));
	name_cell(t, obj);
	nd_tcell_int(t, nd_tint(spec, "replicas", 1));
	nd_tcell_int(t, nd_tint(st, "replicas", 0));
	nd_tcell_int(t, nd_tint(st, "readyReplicas", 0));
	age_cell(t, obj);
	buf_cell(t, &n);
	buf_cell(t, &im);
	buf_cell(t, &sel);
}

static const struct nd_tcol podt_cols[] = {
	NAME_COL,
	{"Containers", "string", "", 0, "Names of each container in the template."},
	{"Images", "string", "", 0, "Images referenced by each container in the template."},
	{"Pod Labels", "string", "", 0, "The labels for the pod template."},
};

static void podt_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *tmpl = get(obj, "template");
	struct nd_buf n = ND_BUF_INIT(64 * 1024), im = ND_BUF_INIT(64 * 1024);
	struct nd_buf l = ND_BUF_INIT(64 * 1024);

	nd_tcontainers(&n, &im, get(tmpl, "spec"));
	nd_tlabels(&l, get(get(tmpl, "metadata"), "labels"));
	name_cell(t, obj);
	buf_cell(t, &n);
	buf_cell(t, &im);
	buf_cell(t, &l);
}

static const struct nd_tcol crev_cols[] = {
	NAME_COL,
	{"Controller", "string", "", 0, "Controller of the object"},
	{"Revision", "string", "", 0, "Revision indicates the revision of the state represented by "
				      "Data."},
	AGE_COL,
};

/* the controller owner as kind.group/name in lower case ("daemonset.apps/kube-proxy") */
static void crev_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *refs = get(get(obj, "metadata"), "ownerReferences");
	struct nd_buf c = ND_BUF_INIT(1024);

	for (size_t i = 0; i < len_of(refs); i++) {
		const struct nd_json *r = at(refs, i);
		const char *av = or(nd_tstr(r, "apiVersion"), ""), *slash = strchr(av, '/');
		const char *kind = or(nd_tstr(r, "kind"), "");

		if (!nd_ttrue(r, "controller"))
			continue;
		for (const char *k = kind; *k; k++)
			nd_buf_addc(&c, (char)(*k >= 'A' && *k <= 'Z' ? *k - 'A' + 'a' : *k));
		if (slash && *kind) {
			nd_buf_addc(&c, '.');
			for (const char *g = av; g < slash; g++)
				nd_buf_addc(&c, (char)(*g >= 'A' && *g <= 'Z' ? *g - 'A' + 'a' : *g));
		}
		nd_buf_printf(&c, "%s%s", *kind ? "/" : "", or(nd_tstr(r, "name"), ""));
		break;
	}
	if (!c.len)
		nd_buf_adds(&c, "<none>");
	name_cell(t, obj);
	buf_cell(t, &c);
	nd_tcell_int(t, nd_tint(obj, "revision", 0));
	age_cell(t, obj);
}

/* ---- horizontalpodautoscalers, resourcequotas ---- */

/* a resource.Quantity as the API server wrote it ("500m", "1Gi"), NULL when absent */
static const char *qty(const struct nd_json *o, const char *key)
{
	const struct nd_json *v = get(o, key);

	if (v && v->type == ND_JSTR)
		return v->u.s;
	return NULL;
}

static void qty_or(struct nd_buf *b, const struct nd_json *o, const char *key, const char *dflt)
{
	const struct nd_json *v = get(o, key);

	if (v && v->type == ND_JNUM)
		nd_buf_printf(b, "%.*s", (int)v->n, v->u.s);
	else
		nd_buf_adds(b, qty(o, key) ? qty(o, key) : dflt);
}

/* "name: current/target" of a Resource or ContainerResource metric */
static void hpa_resource(struct nd_buf *b, const struct nd_json *spec, const struct nd_json *cur)
{
	const struct nd_json *tgt = get(spec, "target"), *c = get(cur, "current");

	nd_buf_printf(b, "%s: ", or(nd_tstr(spec, "name"), ""));
	if (get(tgt, "averageValue")) {
		qty_or(b, c, "averageValue", "<unknown>");
		nd_buf_addc(b, '/');
		qty_or(b, tgt, "averageValue", "");
		return;
	}
	if (get(c, "averageUtilization"))
		nd_buf_printf(b, "%lld%%", (long long)nd_tint(c, "averageUtilization", 0));
	else
		nd_buf_adds(b, "<unknown>");
	if (get(tgt, "averageUtilization"))
		nd_buf_printf(b, "/%lld%%", (long long)nd_tint(tgt, "averageUtilization", 0));
	else
		nd_buf_adds(b, "/<auto>");
}

/* "current/target", " (avg)" when the target is an average (External, Object) */
static void hpa_value(struct nd_buf *b, const struct nd_json *spec, const struct nd_json *cur,
		      bool avg_only)
{
	const struct nd_json *tgt = get(spec, "target"), *c = get(cur, "current");
	bool avg = avg_only || get(tgt, "averageValue");
	const char *k = avg ? "averageValue" : "value";

	qty_or(b, cur ? c : NULL, k, "<unknown>");
	nd_buf_addc(b, '/');
	qty_or(b, tgt, k, "");
	if (avg && !avg_only)
		nd_buf_adds(b, " (avg)");
}

/* formatHPAMetrics: the first two metrics, "+ N more...", "<none>" for none */
static void hpa_metrics(struct nd_buf *b, const struct nd_json *specs, const struct nd_json *sts)
{
	size_t n = len_of(specs);

	if (!n) {
		nd_buf_adds(b, "<none>");
		return;
	}
	for (size_t i = 0; i < n && i < 2; i++) {
		const struct nd_json *sp = at(specs, i), *st = at(sts, i);
		const char *ty = or(nd_tstr(sp, "type"), "");

		if (i)
			nd_buf_adds(b, ", ");
		if (!strcmp(ty, "Resource"))
			hpa_resource(b, get(sp, "resource"), get(st, "resource"));
		else if (!strcmp(ty, "ContainerResource"))
			hpa_resource(b, get(sp, "containerResource"), get(st, "containerResource"));
		else if (!strcmp(ty, "External"))
			hpa_value(b, get(sp, "external"), get(st, "external"), false);
		else if (!strcmp(ty, "Object"))
			hpa_value(b, get(sp, "object"), get(st, "object"), false);
		else if (!strcmp(ty, "Pods"))
			hpa_value(b, get(sp, "pods"), get(st, "pods"), true);
		else
			nd_buf_adds(b, "<unknown type>");
	}
	if (n > 2)
		nd_buf_printf(b, " + %zu more...", n - 2);
}

static const struct nd_tcol hpa_cols[] = {
	NAME_COL,
	{"Reference", "string", "", 0, "scaleTargetRef points to the target resource to scale."},
	{"Targets", "string", "", 0, "metrics contains the specifications for which to use to "
				     "calculate the desired replica count."},
	{"MinPods", "string", "", 0, "minReplicas is the lower limit for the number of replicas."},
	{"MaxPods", "string", "", 0, "maxReplicas is the upper limit for the number of replicas."},
	{"Replicas", "string", "", 0, "currentReplicas is current number of replicas of pods "
				      "managed by this autoscaler."},
	AGE_COL,
};

static void hpa_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *st = get(obj, "status");
	const struct nd_json *ref = get(spec, "scaleTargetRef");
	struct nd_buf r = ND_BUF_INIT(1024), m = ND_BUF_INIT(64 * 1024);
	char minp[32];

	nd_buf_printf(&r, "%s/%s", or(nd_tstr(ref, "kind"), ""), or(nd_tstr(ref, "name"), ""));
	hpa_metrics(&m, get(spec, "metrics"), get(st, "currentMetrics"));
	if (get(spec, "minReplicas"))
		snprintf(minp, sizeof(minp), "%lld", (long long)nd_tint(spec, "minReplicas", 0));
	else
		snprintf(minp, sizeof(minp), "<unset>");
	name_cell(t, obj);
	buf_cell(t, &r);
	buf_cell(t, &m);
	nd_tcell_str(t, minp);
	nd_tcell_int(t, nd_tint(spec, "maxReplicas", 0));
	nd_tcell_int(t, nd_tint(st, "currentReplicas", 0));
	age_cell(t, obj);
}

static const struct nd_tcol quota_cols[] = {
	NAME_COL,
	{"Request", "string", "", 0, "Request represents a minimum amount of cpu/memory that a "
				     "container may consume."},
	{"Limit", "string", "", 0, "Limits control the maximum amount of cpu/memory that a "
				   "container may use independent of contention on the node."},
	AGE_COL,
};

static int cmp_member(const void *a, const void *b)
{
	return strcmp((*(const struct nd_jmember *const *)a)->key,
		      (*(const struct nd_jmember *const *)b)->key);
}

/* "resource: used/hard, ..." over status.hard sorted by name; limits.* go to Limit */
static void quota_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *st = get(obj, "status"), *hard = get(st, "hard");
	const struct nd_json *used = get(st, "used");
	struct nd_buf req = ND_BUF_INIT(64 * 1024), lim = ND_BUF_INIT(64 * 1024);
	size_t n = hard && hard->type == ND_JOBJ ? hard->n : 0;
	const struct nd_jmember **ms = n ? calloc(n, sizeof(*ms)) : NULL;

	for (size_t i = 0; ms && i < n; i++)
		ms[i] = &hard->u.members[i];
	if (ms && n > 1)
		qsort(ms, n, sizeof(*ms), cmp_member);
	for (size_t i = 0; ms && i < n; i++) {
		const char *k = ms[i]->key;
		struct nd_buf *w = !strncmp(k, "limits.", 7) ? &lim : &req;

		nd_buf_printf(w, "%s%s: ", w->len ? ", " : "", k);
		qty_or(w, used, k, "0");
		nd_buf_addc(w, '/');
		qty_or(w, hard, k, "0");
	}
	free(ms);
	name_cell(t, obj);
	buf_cell(t, &req);
	buf_cell(t, &lim);
	age_cell(t, obj);
}

const struct nd_tprinter nd_tprinters_more[] = {
	P("batch", "jobs", job_cols, job_row),
	P("batch", "cronjobs", cj_cols, cj_row),
	P("networking.k8s.io", "ingresses", ing_cols, ing_row),
	P("networking.k8s.io", "ingressclasses", ingc_cols, ingc_row),
	P("", "persistentvolumeclaims", pvc_cols, pvc_row),
	P("", "persistentvolumes", pv_cols, pv_row),
	P("storage.k8s.io", "storageclasses", sc_cols, sc_row),
	P("coordination.k8s.io", "leases", lease_cols, lease_row),
	P("policy", "poddisruptionbudgets", pdb_cols, pdb_row),
	P("", "replicationcontrollers", rc_cols, rc_row),
	P("", "podtemplates", podt_cols, podt_row),
	P("apps", "controllerrevisions", crev_cols, crev_row),
	P("autoscaling", "horizontalpodautoscalers", hpa_cols, hpa_row),
	P("", "resourcequotas", quota_cols, quota_row),
};
const size_t nd_ntprinters_more = N(nd_tprinters_more);
