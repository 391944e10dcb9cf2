/* SPDX-License-Identifier: MIT */
/*
 * A YAML stream as JSON (yaml.h, nd_yaml_to_json): libyaml's event parser,
 * one JSON value per document. Plain scalars are typed as kubectl's YAML
 * reader types them (sigs.k8s.io/yaml over go-yaml v2: YAML 1.1 booleans,
 * null, numbers); quoted ones and anything tagged !!str stay strings.
 */
#include "core/yaml.h"

#include <stdbool.h>
#include <string.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/banned.h"

#define DEPTH_MAX 64

struct level {
	bool map;        /* a mapping: members alternate key, value */
	size_t items;    /* scalars/nodes seen at this level */
};

static bool one_of(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return true;
	return false;
}

/* A JSON number's syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static bool json_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	return i == n;
}

static void scalar(struct nd_buf *out, const yaml_event_t *ev, bool key)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
					    "true", "True", "TRUE", NULL};
	static const char *const falses[] = {"n", "N", "no", "No", "NO", "off", "Off", "OFF",
					     "false", "False", "FALSE", NULL};
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		     (!tag || strcmp(tag, "!") != 0);

	if (tag && strcmp(tag, YAML_STR_TAG) == 0)
		plain = false;
	if (key || !plain)
		nd_buf_str(out, s, n);
	else if (one_of(s, n, nulls))
		nd_buf_adds(out, "null");
	else if (one_of(s, n, trues))
		nd_buf_adds(out, "true");
	else if (one_of(s, n, falses))
		nd_buf_adds(out, "false");
	else if (json_number(s, n))
		nd_buf_add(out, s, n);
	else
		nd_buf_str(out, s, n);
}

int nd_yaml_to_json(const char *text, size_t len, struct nd_buf *out, size_t *ndocs,
		    struct nd_err *e)
{
	struct level st[DEPTH_MAX];
	yaml_parser_t ps;
	yaml_event_t ev;
	size_t start = out->len, depth = 0, docs = 0, doc_start = 0;
	bool done = false, in_doc = false, empty = true;
	int rc = -1;

	*ndocs = 0;
	if (!yaml_parser_initialize(&ps))
		return nd_err_set(e, _("cannot set up the YAML parser"));
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	nd_buf_addc(out, '[');
	while (!done) {
		struct level *top = depth ? &st[depth - 1] : NULL;
		bool is_key;

		if (!yaml_parser_parse(&ps, &ev)) {
			nd_err_set(e, _("YAML line %zu column %zu: %s"), ps.problem_mark.line + 1,
				   ps.problem_mark.column + 1, ps.problem ? ps.problem : "syntax error");
			goto out;
		}
		is_key = top && top->map && top->items % 2 == 0;
		if (top && (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_MAPPING_START_EVENT ||
			    ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_ALIAS_EVENT)) {
			if (top->items)
				nd_buf_addc(out, top->map && !is_key ? ':' : ',');
			top->items++;
		}
		if (is_key && ev.type != YAML_SCALAR_EVENT && ev.type != YAML_MAPPING_END_EVENT) {
			nd_err_set(e, _("YAML line %zu: a mapping key that is not a plain value"),
				   ev.start_mark.line + 1);
			yaml_event_delete(&ev);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			in_doc = true;
			empty = true;
			doc_start = out->len;
			if (docs)
				nd_buf_addc(out, ',');
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (empty) {
				/* a document with nothing but comments: not an object */
				out->len = doc_start;
				out->p[out->len] = '\0';
			} else {
				docs++;
			}
			in_doc = false;
			break;
		case YAML_ALIAS_EVENT:
			nd_err_set(e, _("YAML line %zu: aliases (*name) are not accepted"),
				   ev.start_mark.line + 1);
			yaml_event_delete(&ev);
			goto out;
		case YAML_SCALAR_EVENT:
			if (!top && ev.data.scalar.length == 0 &&
			    ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
				break;      /* an empty document */
			empty = false;
			scalar(out, &ev, is_key);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == DEPTH_MAX) {
				nd_err_set(e, _("YAML line %zu: nested deeper than %d levels"),
					   ev.start_mark.line + 1, DEPTH_MAX);
				yaml_event_delete(&ev);
				goto out;
			}
			empty = false;
			st[depth++] = (struct level){ev.type == YAML_MAPPING_START_EVENT, 0};
			nd_buf_addc(out, ev.type == YAML_MAPPING_START_EVENT ? '{' : '[');
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			nd_buf_addc(out, ev.type == YAML_MAPPING_END_EVENT ? '}' : ']');
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (out->toobig) {
			nd_err_set(e, _("the YAML as JSON is larger than %zu bytes"), out->max);
			goto out;
		}
	}
	(void)in_doc;
	nd_buf_addc(out, ']');
	if (out->toobig) {
		nd_err_set(e, _("the YAML as JSON is larger than %zu bytes"), out->max);
		goto out;
	}
	*ndocs = docs;
	rc = 0;
out:
	yaml_parser_delete(&ps);
	if (rc < 0 && out->p) {
		out->len = start;
		out->p[start] = '\0';
		out->toobig = false;
	}
	return rc;
}
