/* SPDX-License-Identifier: MIT */
#include "findings/causes.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "findings/catalogue.h"
#include "core/banned.h"

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static const char *subject_name(struct nd_report *r, const struct nd_subject *s)
{
	if (!s->name)
		return NULL;
	return s->ns ? nd_report_printf(r, "%s/%s", s->ns, s->name) : s->name;
}

static int cmp_cause(const void *pa, const void *pb)
{
	const struct nd_cause *a = pa, *b = pb;
	int c;

	if (a->sev != b->sev)
		return a->sev > b->sev ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if ((c = strcmp(a->scenario, b->scenario)) != 0)
		return c;
	if ((c = strcmp(a->code, b->code)) != 0)
		return c;
	return strcmp_null(a->kind, b->kind);
}

static const char *cause_title(const char *code)
{
	const struct nd_catentry *c = nd_catalogue_find(code);
	bool it = strcmp(nd_i18n_lang(), "it") == 0;

	if (!c)
		return code;
	return it && c->title_it ? c->title_it : c->title;
}

const struct nd_cause *nd_report_causes(struct nd_report *r, size_t *n)
{
	struct nd_cause *v;
	size_t nc = 0;

	if (r->causes_done) {
		*n = r->ncauses;
		return r->causes;
	}
	r->causes_done = true;
	*n = 0;
	if (!r->nfindings)
		return NULL;
	/* at most one cause per finding: the quadratic fold is bounded by the
	 * number of distinct codes and kinds, a few dozen */
	v = nd_arena_alloc(r->arena, r->nfindings * sizeof(*v));
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct nd_finding *f = r->findings[i];
		struct nd_cause *c = NULL;

		for (size_t j = 0; j < nc && !c; j++)
			if (strcmp(v[j].code, f->code) == 0 && !strcmp_null(v[j].kind, f->subject.kind))
				c = &v[j];
		if (!c) {
			c = &v[nc++];
			memset(c, 0, sizeof(*c));
			c->code = f->code;
			c->scenario = f->scenario;
			c->kind = f->subject.kind;
			c->sev = f->sev;
			c->text = f->summary;
		}
		if (f->sev > c->sev)
			c->sev = f->sev;
		if (c->nsubjects < ND_CAUSE_SUBJECTS && f->subject.name)
			c->subjects[c->nsubjects++] = subject_name(r, &f->subject);
		c->count++;
	}
	for (size_t j = 0; j < nc; j++) {
		struct nd_cause *c = &v[j];

		if (c->count == 1 && c->text)
			continue;
		if (c->kind)
			c->text = nd_report_printf(r, "%zu × %s: %s", c->count, c->kind,
						   cause_title(c->code));
		else
			c->text = nd_report_printf(r, "%zu × %s", c->count, cause_title(c->code));
	}
	qsort(v, nc, sizeof(*v), cmp_cause);
	r->causes = v;
	r->ncauses = nc;
	*n = nc;
	return v;
}
