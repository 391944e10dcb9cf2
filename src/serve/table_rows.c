/* SPDX-License-Identifier: MIT */
/*
 * The columns and cells of each kind, as the Kubernetes API server prints
 * them (pkg/printers/internalversion): same column names, types and
 * priorities, same cell rules ("<none>", "<unknown>", "<pending>", "+ N
 * more...", the pod STATUS reasons). The core kinds are here; namespaces,
 * configmaps, serviceaccounts, networkpolicies, workloads and RBAC are in
 * table_other.c; batch, ingresses, storage and leases in table_more.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "serve/table.h"
#include "serve/table_int.h"
#include "core/banned.h"



/* ---- default: Name, Age (what a custom resource without printer columns shows) ---- */

static const struct nd_tcol default_cols[] = {NAME_COL, AGE_COL};

static void default_row(struct nd_trow *t, const struct nd_json *obj)
{
	name_cell(t, obj);
	age_cell(t, obj);
}

/* ---- pods ---- */

static const struct nd_tcol pod_cols[] = {
	NAME_COL,
	{"Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."},
	{"Status", "string", "", 0, "The aggregate status of the containers in this pod."},
	{"Restarts", "string", "", 0, "The number of times the containers in this pod have been "
				   "restarted and when the last container in this pod has restarted."},
	AGE_COL,
	{"IP", "string", "", 1, "podIP address allocated to the pod."},
	{"Node", "string", "", 1, "NodeName indicates in which node this pod is scheduled."},
	{"Nominated Node", "string", "", 1, "nominatedNodeName is set only when this pod preempts "
					    "other pods on the node."},
	{"Readiness Gates", "string", "", 1, "If specified, all readiness gates will be evaluated "
					     "for pod readiness."},
};

static bool cond_true(const struct nd_json *status, const char *type)
{
	const struct nd_json *cs = get(status, "conditions");

	for (size_t i = 0; i < len_of(cs); i++) {
		const char *ty = nd_tstr(at(cs, i), "type"), *st = nd_tstr(at(cs, i), "status");

		if (ty && st && strcmp(ty, type) == 0)
			return strcmp(st, "True") == 0;
	}
	return false;
}

static bool restartable_init(const struct nd_json *spec, const char *name)
{
	const struct nd_json *ics = get(spec, "initContainers");

	for (size_t i = 0; name && i < len_of(ics); i++) {
		const char *n = nd_tstr(at(ics, i), "name"), *rp = nd_tstr(at(ics, i), "restartPolicy");

		if (n && strcmp(n, name) == 0)
			return rp && strcmp(rp, "Always") == 0;
	}
	return false;
}

/* the later of *last and the container's lastState.terminated.finishedAt */
static void last_restart(int64_t *last, const struct nd_json *cs)
{
	int64_t t = nd_ttime(get(get(get(cs, "lastState"), "terminated"), "finishedAt"));

	if (t > *last)
		*last = t;
}

static void pod_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *md = get(obj, "metadata"), *spec = get(obj, "spec");
	const struct nd_json *st = get(obj, "status"), *ics = get(st, "initContainerStatuses");
	const struct nd_json *css = get(st, "containerStatuses"), *conds = get(st, "conditions");
	const struct nd_json *gates = get(spec, "readinessGates"), *ips = get(st, "podIPs");
	int64_t restarts = 0, sidecar_restarts = 0, last = 0, sidecar_last = 0;
	size_t total = len_of(get(spec, "containers")), ready = 0;
	char reason[300], buf[64];
	bool initializing = false;
	const char *phase = nd_tstr(st, "phase"), *ip;

	snprintf(reason, sizeof(reason), "%s", or(nd_tstr(st, "reason"), or(phase, "")));
	for (size_t i = 0; i < len_of(conds); i++) {
		const char *ty = nd_tstr(at(conds, i), "type"), *re = nd_tstr(at(conds, i), "reason");

		if (ty && re && !strcmp(ty, "PodScheduled") && !strcmp(re, "SchedulingGated"))
			snprintf(reason, sizeof(reason), "SchedulingGated");
	}
	for (size_t i = 0; i < len_of(get(spec, "initContainers")); i++) {
		const char *rp = nd_tstr(at(get(spec, "initContainers"), i), "restartPolicy");

		total += rp && !strcmp(rp, "Always");
	}
	for (size_t i = 0; i < len_of(ics); i++) {
		const struct nd_json *c = at(ics, i), *state = get(c, "state");
		const struct nd_json *term = get(state, "terminated"), *wait = get(state, "waiting");
		bool sidecar = restartable_init(spec, nd_tstr(c, "name"));

		restarts += nd_tint(c, "restartCount", 0);
		last_restart(&last, c);
		if (sidecar) {
			sidecar_restarts += nd_tint(c, "restartCount", 0);
			last_restart(&sidecar_last, c);
		}
		if (term && nd_tint(term, "exitCode", 0) == 0)
			continue;
		if (sidecar && nd_ttrue(c, "started")) {
			ready += nd_ttrue(c, "ready");
			continue;
		}
		if (term) {
			if (nd_tstr(term, "reason") && *nd_tstr(term, "reason"))
				snprintf(reason, sizeof(reason), "Init:%s", nd_tstr(term, "reason"));
			else if (nd_tint(term, "signal", 0))
				snprintf(reason, sizeof(reason), "Init:Signal:%lld",
					 (long long)nd_tint(term, "signal", 0));
			else
				snprintf(reason, sizeof(reason), "Init:ExitCode:%lld",
					 (long long)nd_tint(term, "exitCode", 0));
		} else if (wait && nd_tstr(wait, "reason") && *nd_tstr(wait, "reason") &&
			   strcmp(nd_tstr(wait, "reason"), "PodInitializing") != 0) {
			snprintf(reason, sizeof(reason), "Init:%s", nd_tstr(wait, "reason"));
		} else {
			snprintf(reason, sizeof(reason), "Init:%zu/%zu", i,
				 len_of(get(spec, "initContainers")));
		}
		initializing = true;
		break;
	}
	if (!initializing || cond_true(st, "Initialized")) {
		bool running = false;

		restarts = sidecar_restarts;
		last = sidecar_last;
		for (size_t k = len_of(css); k-- > 0;) {
			const struct nd_json *c = at(css, k), *state = get(c, "state");
			const struct nd_json *term = get(state, "terminated"), *wait = get(state, "waiting");

			restarts += nd_tint(c, "restartCount", 0);
			last_restart(&last, c);
			if (wait && nd_tstr(wait, "reason") && *nd_tstr(wait, "reason"))
				snprintf(reason, sizeof(reason), "%s", nd_tstr(wait, "reason"));
			else if (term && nd_tstr(term, "reason") && *nd_tstr(term, "reason"))
				snprintf(reason, sizeof(reason), "%s", nd_tstr(term, "reason"));
			else if (term && nd_tint(term, "signal", 0))
				snprintf(reason, sizeof(reason), "Signal:%lld",
					 (long long)nd_tint(term, "signal", 0));
			else if (term)
				snprintf(reason, sizeof(reason), "ExitCode:%lld",
					 (long long)nd_tint(term, "exitCode", 0));
			else if (nd_ttrue(c, "ready") && get(state, "running")) {
				running = true;
				ready++;
			}
		}
		if (!strcmp(reason, "Completed") && running)
			snprintf(reason, sizeof(reason), "%s", cond_true(st, "Ready") ? "Running"
										: "NotReady");
	}
	if (get(md, "deletionTimestamp") && nd_tstr(st, "reason") &&
	    !strcmp(nd_tstr(st, "reason"), "NodeLost"))
		snprintf(reason, sizeof(reason), "Unknown");
	else if (get(md, "deletionTimestamp") &&
		 !(phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
		snprintf(reason, sizeof(reason), "Terminating");

	name_cell(t, obj);
	snprintf(buf, sizeof(buf), "%zu/%zu", ready, total);
	nd_tcell_str(t, buf);
	nd_tcell_str(t, reason);
	if (restarts && last) {
		char d[32], r[80];

		nd_table_duration(t->now - last, d, sizeof(d));
		snprintf(r, sizeof(r), "%lld (%s ago)", (long long)restarts, d);
		nd_tcell_str(t, r);
	} else {
		snprintf(buf, sizeof(buf), "%lld", (long long)restarts);
		nd_tcell_str(t, buf);
	}
	age_cell(t, obj);
	ip = nd_tstr(at(ips, 0), "ip");
	nd_tcell_str(t, or(ip, "<none>"));
	nd_tcell_str(t, or(nd_tstr(spec, "nodeName"), "<none>"));
	nd_tcell_str(t, or(nd_tstr(st, "nominatedNodeName"), "<none>"));
	if (len_of(gates)) {
		size_t yes = 0;

		for (size_t i = 0; i < len_of(gates); i++) {
			const char *ty = nd_tstr(at(gates, i), "conditionType");

			yes += ty && cond_true(st, ty);
		}
		snprintf(buf, sizeof(buf), "%zu/%zu", yes, len_of(gates));
		nd_tcell_str(t, buf);
	} else {
		nd_tcell_str(t, "<none>");
	}
}

/* ---- services ---- */

static const struct nd_tcol svc_cols[] = {
	NAME_COL,
	{"Type", "string", "", 0, "type determines how the Service is exposed."},
	{"Cluster-IP", "string", "", 0, "clusterIP is the IP address of the service."},
	{"External-IP", "string", "", 0, "externalIPs is a list of IP addresses for which nodes in "
					 "the cluster will also accept traffic for this service."},
	{"Port(s)", "string", "", 0, "The list of ports that are exposed by this service."},
	AGE_COL,
	{"Selector", "string", "", 1, "Route service traffic to pods with label keys and values "
				      "matching this selector."},
};

static void join_strings(struct nd_buf *b, const struct nd_json *arr)
{
	for (size_t i = 0; i < len_of(arr); i++)
		if (at(arr, i)->type == ND_JSTR)
			nd_buf_printf(b, "%s%s", b->len ? "," : "", at(arr, i)->u.s);
}

static void svc_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *spec = get(obj, "spec"), *ports = get(spec, "ports");
	const char *type = or(nd_tstr(spec, "type"), "");
	const char *cip;
	struct nd_buf ext = ND_BUF_INIT(64 * 1024), pb = ND_BUF_INIT(64 * 1024);
	struct nd_buf sel = ND_BUF_INIT(64 * 1024);

	if (at(get(spec, "clusterIPs"), 0) && at(get(spec, "clusterIPs"), 0)->type == ND_JSTR)
		cip = at(get(spec, "clusterIPs"), 0)->u.s;
	else
		cip = nd_tstr(spec, "clusterIP");
	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
		join_strings(&ext, get(spec, "externalIPs"));
		if (!ext.len)
			nd_buf_adds(&ext, "<none>");
	} else if (!strcmp(type, "LoadBalancer")) {
		const struct nd_json *ing = get(get(get(obj, "status"), "loadBalancer"), "ingress");

		for (size_t i = 0; i < len_of(ing); i++) {
			const char *v = or(nd_tstr(at(ing, i), "ip"), nd_tstr(at(ing, i), "hostname"));

			if (v && *v)
				nd_buf_printf(&ext, "%s%s", ext.len ? "," : "", v);
		}
		join_strings(&ext, get(spec, "externalIPs"));
		if (!ext.len)
			nd_buf_adds(&ext, "<pending>");
	} else if (!strcmp(type, "ExternalName")) {
		nd_buf_adds(&ext, or(nd_tstr(spec, "externalName"), ""));
	} else {
		nd_buf_adds(&ext, "<unknown>");
	}
	for (size_t i = 0; i < len_of(ports); i++) {
		const struct nd_json *p = at(ports, i);
		const char *proto = or(nd_tstr(p, "protocol"), "TCP");
		int64_t np = nd_tint(p, "nodePort", 0);

		if (np)
			nd_buf_printf(&pb, "%s%lld:%lld/%s", i ? "," : "", (long long)nd_tint(p, "port", 0),
				      (long long)np, proto);
		else
			nd_buf_printf(&pb, "%s%lld/%s", i ? "," : "", (long long)nd_tint(p, "port", 0),
				      proto);
	}
	if (!pb.len)
		nd_buf_adds(&pb, "<none>");
	nd_tlabels(&sel, get(spec, "selector"));
	name_cell(t, obj);
	nd_tcell_str(t, type);
	nd_tcell_str(t, or(cip, "<none>"));
	buf_cell(t, &ext);
	buf_cell(t, &pb);
	age_cell(t, obj);
	buf_cell(t, &sel);
}

/* ---- endpoints and endpointslices ---- */

static const struct nd_tcol ep_cols[] = {
	NAME_COL,
	{"Endpoints", "string", "", 0, "The set of all endpoints is the union of all subsets."},
	AGE_COL,
};

/* up to 3 entries, then " + N more..." */
struct few {
	struct nd_buf b;
	size_t listed, count;
	bool more;
};

static void few_add(struct few *f, const char *s)
{
	if (f->listed < 3) {
		nd_buf_printf(&f->b, "%s%s", f->listed ? "," : "", s);
		f->listed++;
	} else {
		f->more = true;
	}
	f->count++;
}

static void few_cell(struct nd_trow *t, struct few *f, const char *empty)
{
	if (f->more)
		nd_buf_printf(&f->b, " + %zu more...", f->count - 3);
	else if (!f->b.len && empty)
		nd_buf_adds(&f->b, empty);
	buf_cell(t, &f->b);
}

static void ep_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *subsets = get(obj, "subsets");
	struct few f = {ND_BUF_INIT(64 * 1024), 0, 0, false};
	char hp[300];

	for (size_t i = 0; i < len_of(subsets); i++) {
		const struct nd_json *ss = at(subsets, i), *addrs = get(ss, "addresses");
		const struct nd_json *ports = get(ss, "ports");

		if (!len_of(ports)) {
			for (size_t j = 0; j < len_of(addrs); j++)
				few_add(&f, or(nd_tstr(at(addrs, j), "ip"), ""));
			continue;
		}
		for (size_t k = 0; k < len_of(ports); k++)
			for (size_t j = 0; j < len_of(addrs); j++) {
				const char *ip = or(nd_tstr(at(addrs, j), "ip"), "");

				snprintf(hp, sizeof(hp), strchr(ip, ':') ? "[%s]:%lld" : "%s:%lld", ip,
					 (long long)nd_tint(at(ports, k), "port", 0));
				few_add(&f, hp);
			}
	}
	name_cell(t, obj);
	few_cell(t, &f, len_of(subsets) ? NULL : "<none>");
	age_cell(t, obj);
}

static const struct nd_tcol eps_cols[] = {
	NAME_COL,
	{"AddressType", "string", "", 0, "addressType specifies the type of address carried by "
					 "this EndpointSlice."},
	{"Ports", "string", "", 0, "ports specifies the list of network ports exposed by each "
				   "endpoint in this slice."},
	{"Endpoints", "string", "", 0, "endpoints is a list of unique endpoints in this slice."},
	AGE_COL,
};

static void eps_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *ports = get(obj, "ports"), *eps = get(obj, "endpoints");
	struct few p = {ND_BUF_INIT(64 * 1024), 0, 0, false};
	struct few e = {ND_BUF_INIT(64 * 1024), 0, 0, false};
	char num[32];

	for (size_t i = 0; i < len_of(ports); i++) {
		const struct nd_json *pt = at(ports, i);

		if (get(pt, "port") && get(pt, "port")->type == ND_JNUM) {
			snprintf(num, sizeof(num), "%lld", (long long)nd_tint(pt, "port", 0));
			few_add(&p, num);
		} else {
			few_add(&p, or(nd_tstr(pt, "name"), "*"));
		}
	}
	for (size_t i = 0; i < len_of(eps); i++) {
		const struct nd_json *addrs = get(at(eps, i), "addresses");

		for (size_t j = 0; j < len_of(addrs); j++)
			if (at(addrs, j)->type == ND_JSTR)
				few_add(&e, at(addrs, j)->u.s);
	}
	name_cell(t, obj);
	nd_tcell_str(t, nd_tstr(obj, "addressType"));
	few_cell(t, &p, "<unset>");
	few_cell(t, &e, "<unset>");
	age_cell(t, obj);
}

/* ---- nodes ---- */

static const struct nd_tcol node_cols[] = {
	NAME_COL,
	{"Status", "string", "", 0, "The status of the node"},
	{"Roles", "string", "", 0, "The roles of the node"},
	AGE_COL,
	{"Version", "string", "", 0, "Kubelet Version reported by the node."},
	{"Internal-IP", "string", "", 1, "List of addresses reachable to the node."},
	{"External-IP", "string", "", 1, "List of addresses reachable to the node."},
	{"OS-Image", "string", "", 1, "OS Image reported by the node from /etc/os-release."},
	{"Kernel-Version", "string", "", 1, "Kernel Version reported by the node from 'uname -r'."},
	{"Container-Runtime", "string", "", 1, "ContainerRuntime Version reported by the node "
					       "through runtime remote API."},
};

static const char *node_addr(const struct nd_json *st, const char *type)
{
	const struct nd_json *as = get(st, "addresses");

	for (size_t i = 0; i < len_of(as); i++) {
		const char *ty = nd_tstr(at(as, i), "type");

		if (ty && !strcmp(ty, type))
			return or(nd_tstr(at(as, i), "address"), "<none>");
	}
	return "<none>";
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void node_row(struct nd_trow *t, const struct nd_json *obj)
{
	const struct nd_json *st = get(obj, "status"), *info = get(st, "nodeInfo");
	const struct nd_json *labels = get(get(obj, "metadata"), "labels"), *cs = get(st, "conditions");
	struct nd_buf s = ND_BUF_INIT(4096), r = ND_BUF_INIT(64 * 1024);
	const char *roles[64];
	size_t nroles = 0;

	for (size_t i = 0; i < len_of(cs); i++) {
		const char *ty = nd_tstr(at(cs, i), "type"), *v = nd_tstr(at(cs, i), "status");

		if (ty && !strcmp(ty, "Ready"))
			nd_buf_adds(&s, v && !strcmp(v, "True") ? "Ready" : "NotReady");
	}
	if (!s.len)
		nd_buf_adds(&s, "Unknown");
	if (nd_ttrue(get(obj, "spec"), "unschedulable"))
		nd_buf_adds(&s, ",SchedulingDisabled");
	for (size_t i = 0; i < len_of(labels) && nroles < N(roles); i++) {
		const struct nd_jmember *m = &labels->u.members[i];

		if (!strncmp(m->key, "node-role.kubernetes.io/", 24) && m->key[24])
			roles[nroles++] = m->key + 24;
		else if (!strcmp(m->key, "kubernetes.io/role") && m->val.type == ND_JSTR && m->val.n)
			roles[nroles++] = m->val.u.s;
	}
	qsort(roles, nroles, sizeof(roles[0]), cmp_cstr);
	for (size_t i = 0; i < nroles; i++)
		if (!i || strcmp(roles[i], roles[i - 1]) != 0)
			nd_buf_printf(&r, "%s%s", r.len ? "," : "", roles[i]);
	if (!r.len)
		nd_buf_adds(&r, "<none>");
	name_cell(t, obj);
	buf_cell(t, &s);
	buf_cell(t, &r);
	age_cell(t, obj);
	nd_tcell_str(t, nd_tstr(info, "kubeletVersion"));
	nd_tcell_str(t, node_addr(st, "InternalIP"));
	nd_tcell_str(t, node_addr(st, "ExternalIP"));
	nd_tcell_str(t, or(nd_tstr(info, "osImage"), "<unknown>"));
	nd_tcell_str(t, or(nd_tstr(info, "kernelVersion"), "<unknown>"));
	nd_tcell_str(t, or(nd_tstr(info, "containerRuntimeVersion"), "<unknown>"));
}

/* ---- events (core/v1 and events.k8s.io/v1) ---- */

static const struct nd_tcol event_cols[] = {
	{"Last Seen", "string", "", 0, "The time at which the most recent occurrence of this event "
				       "was recorded."},
	{"Type", "string", "", 0, "Type of this event (Normal, Warning), new types could be added "
				  "in the future"},
	{"Reason", "string", "", 0, "This should be a short, machine understandable string that "
				    "gives the reason for the transition into the object's current "
				    "status."},
	{"Object", "string", "", 0, "The object that this event is about."},
	{"Subobject", "string", "", 1, "If referring to a piece of an object instead of an entire "
				       "object, this string should contain a valid JSON/Go field "
				       "access statement."},
	{"Source", "string", "", 1, "The component reporting this event."},
	{"Message", "string", "", 0, "A human-readable description of the status of this "
				     "operation."},
	{"First Seen", "string", "", 1, "The time at which the event was first recorded."},
	{"Count", "string", "", 1, "The number of times this event has occurred."},
	{"Name", "string", "name", 1, "Name must be unique within a namespace."},
};

static void since(struct nd_trow *t, int64_t at_, char *out, size_t n)
{
	if (!at_)
		snprintf(out, n, "<unknown>");
	else
		nd_table_duration(t->now - at_, out, n);
}

static void event_row(struct nd_trow *t, const struct nd_json *obj)
{
	bool v1 = get(obj, "regarding") || get(obj, "note") || get(obj, "deprecatedCount");
	const struct nd_json *io = get(obj, v1 ? "regarding" : "involvedObject");
	const struct nd_json *src = get(obj, v1 ? "deprecatedSource" : "source");
	const struct nd_json *series = get(obj, "series");
	int64_t first = nd_ttime(get(obj, v1 ? "deprecatedFirstTimestamp" : "firstTimestamp"));
	int64_t last = nd_ttime(get(obj, v1 ? "deprecatedLastTimestamp" : "lastTimestamp"));
	int64_t count = nd_tint(obj, v1 ? "deprecatedCount" : "count", 0);
	const char *kind = or(nd_tstr(io, "kind"), ""), *name = nd_tstr(io, "name");
	const char *comp = or(nd_tstr(src, "component"), nd_tstr(obj, "reportingController"));
	const char *host = or(nd_tstr(src, "host"), nd_tstr(obj, "reportingInstance"));
	const char *msg = or(nd_tstr(obj, v1 ? "note" : "message"), "");
	char fs[32], ls[32], target[600], source[600];
	size_t i, ml = strlen(msg);

	if (first)
		since(t, first, fs, sizeof(fs));
	else
		since(t, nd_ttime(get(obj, "eventTime")), fs, sizeof(fs));
	if (last)
		since(t, last, ls, sizeof(ls));
	else
		snprintf(ls, sizeof(ls), "%s", fs);
	if (series) {
		since(t, nd_ttime(get(series, "lastObservedTime")), ls, sizeof(ls));
		count = nd_tint(series, "count", 0);
	} else if (!count) {
		count = 1;
	}
	for (i = 0; kind[i] && i < 200; i++)
		target[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] + 32 : kind[i]);
	target[i] = '\0';
	if (name && *name)
		snprintf(target + i, sizeof(target) - i, "/%s", name);
	if (host && *host)
		snprintf(source, sizeof(source), "%s, %s", comp ? comp : "", host);
	else
		snprintf(source, sizeof(source), "%s", comp ? comp : "");
	/* strings.TrimSpace */
	while (*msg == ' ' || *msg == '\n' || *msg == '\t' || *msg == '\r')
		msg++, ml--;
	while (ml && (msg[ml - 1] == ' ' || msg[ml - 1] == '\n' || msg[ml - 1] == '\t' ||
		      msg[ml - 1] == '\r'))
		ml--;
	nd_tcell_str(t, ls);
	nd_tcell_str(t, nd_tstr(obj, "type"));
	nd_tcell_str(t, nd_tstr(obj, "reason"));
	nd_tcell_str(t, target);
	nd_tcell_str(t, nd_tstr(io, "fieldPath"));
	nd_tcell_str(t, source);
	{
		struct nd_buf m = ND_BUF_INIT(1 << 20);

		nd_buf_add(&m, msg, ml);
		buf_cell(t, &m);
	}
	nd_tcell_str(t, fs);
	nd_tcell_int(t, count);
	name_cell(t, obj);
}

static const struct nd_tprinter printers[] = {
	P("", "pods", pod_cols, pod_row),
	P("", "services", svc_cols, svc_row),
	P("", "endpoints", ep_cols, ep_row),
	P("discovery.k8s.io", "endpointslices", eps_cols, eps_row),
	P("", "nodes", node_cols, node_row),
	P("", "events", event_cols, event_row),
	P("events.k8s.io", "events", event_cols, event_row),
};

static const struct nd_tprinter default_printer = P("", "", default_cols, default_row);

const struct nd_tprinter *nd_tprinter_find(const char *group, const char *plural)
{
	for (size_t i = 0; i < N(printers); i++)
		if (!strcmp(printers[i].group, group) && !strcmp(printers[i].plural, plural))
			return &printers[i];
	for (size_t i = 0; i < nd_ntprinters_other; i++)
		if (!strcmp(nd_tprinters_other[i].group, group) &&
		    !strcmp(nd_tprinters_other[i].plural, plural))
			return &nd_tprinters_other[i];
	for (size_t i = 0; i < nd_ntprinters_more; i++)
		if (!strcmp(nd_tprinters_more[i].group, group) &&
		    !strcmp(nd_tprinters_more[i].plural, plural))
			return &nd_tprinters_more[i];
	return &default_printer;
}
