/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for serve's Table printing (serve/table.c, table_rows.c,
 * table_other.c, table_more.c, table_crd.c): the first line is an Accept
 * header, the rest one JSON object printed by every kind's printer, and by
 * the printer it makes when read as a CustomResourceDefinition (its first
 * version's printer columns and their JSONPaths). Each row must hold exactly one cell per column and
 * be valid JSON; Accept and RFC 3339 parsing must never read past the input.
 */
#include "serve/table.h"
#include "serve/table_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[][2] = {
	{"", "pods"}, {"", "services"}, {"", "endpoints"}, {"discovery.k8s.io", "endpointslices"},
	{"", "nodes"}, {"", "events"}, {"events.k8s.io", "events"}, {"", "namespaces"},
	{"", "configmaps"}, {"", "serviceaccounts"}, {"networking.k8s.io", "networkpolicies"},
	{"apps", "daemonsets"}, {"apps", "deployments"}, {"apps", "replicasets"},
	{"apps", "statefulsets"}, {"rbac.authorization.k8s.io", "rolebindings"},
	{"rbac.authorization.k8s.io", "roles"}, {"batch", "jobs"}, {"batch", "cronjobs"},
	{"networking.k8s.io", "ingresses"}, {"networking.k8s.io", "ingressclasses"},
	{"", "persistentvolumeclaims"}, {"", "persistentvolumes"},
	{"storage.k8s.io", "storageclasses"}, {"coordination.k8s.io", "leases"},
	{"policy", "poddisruptionbudgets"}, {"", "replicationcontrollers"}, {"", "podtemplates"},
	{"apps", "controllerrevisions"}, {"autoscaling", "horizontalpodautoscalers"},
	{"", "resourcequotas"}, {"", "anything"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t hl = nl ? (size_t)(nl - (const char *)data) : size;
	struct nd_arena *a = nd_arena_new(0);
	char *accept = nd_arena_strndup(a, (const char *)data, hl);
	struct nd_json obj, ts = {.type = ND_JSTR};
	struct nd_err e;

	(void)nd_table_wanted(accept);
	ts.u.s = accept;
	ts.n = (uint32_t)strlen(accept);
	(void)nd_ttime(&ts);
	if (nl && nd_json_parse(nl + 1, size - hl - 1, 0, a, &obj, &e) == 0 && obj.type == ND_JOBJ) {
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const struct nd_tprinter *p = nd_tprinter_find(kinds[k][0], kinds[k][1]);
			struct nd_buf b = ND_BUF_INIT(8u << 20);
			struct nd_trow t = {&b, 1749722400, 0};
			struct nd_arena *a2 = nd_arena_new(0);
			struct nd_json back;

			nd_buf_addc(&b, '[');
			p->row(&t, &obj);
			nd_buf_addc(&b, ']');
			if (t.ncells != p->ncols)
				abort();        /* a missed or extra cell shifts the columns */
			if (!b.toobig && nd_json_parse(b.p, b.len, 0, a2, &back, &e) != 0)
				abort();        /* the cells must be valid JSON */
			nd_arena_free(a2);
			nd_buf_release(&b);
		}
	}
	if (nl && nd_json_parse(nl + 1, size - hl - 1, 0, a, &obj, &e) == 0 && obj.type == ND_JOBJ) {
		const struct nd_json *v0 = get(get(&obj, "spec"), "versions");
		const char *ver = v0 && v0->type == ND_JARR && v0->n ?
			nd_tstr(&v0->u.items[0], "name") : NULL;
		struct nd_buf b = ND_BUF_INIT(8u << 20);
		struct nd_trow t = {&b, 1749722400, 0};
		struct nd_arena *a2 = nd_arena_new(0);
		struct nd_tcrd crd;
		struct nd_json back;

		nd_tcrd_from(&obj, ver ? ver : "", a2, &crd);
		nd_buf_addc(&b, '[');
		nd_tcrd_row(&t, &crd, &obj);
		nd_buf_addc(&b, ']');
		if (t.ncells != crd.p.ncols)
			abort();
		if (!b.toobig && nd_json_parse(b.p, b.len, 0, a2, &back, &e) != 0)
			abort();
		nd_arena_free(a2);
		nd_buf_release(&b);
	}
	nd_arena_free(a);
	return 0;
}
