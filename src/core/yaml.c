/* SPDX-License-Identifier: MIT */
#include "core/yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

#define MAX_NEST 32

struct nd_yaml {
	yaml_emitter_t em;
	struct nd_buf out, notes;   /* the document, and the "# " lines put before it */
	int depth;               /* open collections */
	char kind[MAX_NEST];     /* 'm' or 's' for each, to end it with the right event */
	bool in_doc, started, failed;
};

static int on_write(void *data, unsigned char *buf, size_t n)
{
	struct nd_buf *b = data;

	nd_buf_add(b, buf, n);
	return !b->toobig;
}

static void emit(struct nd_yaml *y, yaml_event_t *ev, int ok)
{
	if (!ok) {
		y->failed = true;
		return;
	}
	if (!yaml_emitter_emit(&y->em, ev))
		y->failed = true;       /* the emitter frees ev either way */
}

struct nd_yaml *nd_yaml_new(void)
{
	struct nd_yaml *y = nd_xcalloc(1, sizeof(*y));
	yaml_event_t ev;

	nd_buf_init(&y->out, ND_TEXT_MAX);
	nd_buf_init(&y->notes, ND_TEXT_MAX);

	if (!yaml_emitter_initialize(&y->em))
		nd_oom(sizeof(y->em));
	yaml_emitter_set_output(&y->em, on_write, &y->out);
	yaml_emitter_set_unicode(&y->em, 1);
	yaml_emitter_set_width(&y->em, -1);
	yaml_emitter_set_indent(&y->em, 2);
	emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	y->started = true;
	return y;
}

void nd_yaml_note(struct nd_yaml *y, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	nd_buf_printf(&y->notes, "# %s\n", line);
}

static void end_doc(struct nd_yaml *y)
{
	yaml_event_t ev;

	while (y->depth > 0)
		nd_yaml_end(y);
	if (!y->in_doc)
		return;
	emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
	y->in_doc = false;
}

void nd_yaml_doc(struct nd_yaml *y)
{
	yaml_event_t ev;

	end_doc(y);
	if (y->failed)
		return;
	emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0));
	y->in_doc = true;
}

static void open_coll(struct nd_yaml *y, int kind, int style)
{
	yaml_event_t ev;

	if (y->failed)
		return;
	if (!y->in_doc || y->depth >= MAX_NEST) {
		y->failed = true;
		return;
	}
	if (kind == 'm')
		emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, style));
	else
		emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style));
	y->kind[y->depth++] = (char)kind;
}

void nd_yaml_map(struct nd_yaml *y)
{
	open_coll(y, 'm', YAML_BLOCK_MAPPING_STYLE);
}

void nd_yaml_seq(struct nd_yaml *y)
{
	open_coll(y, 's', YAML_BLOCK_SEQUENCE_STYLE);
}

void nd_yaml_flow_seq(struct nd_yaml *y)
{
	open_coll(y, 's', YAML_FLOW_SEQUENCE_STYLE);
}

void nd_yaml_end(struct nd_yaml *y)
{
	yaml_event_t ev;

	if (y->depth <= 0) {
		y->failed = true;
		return;
	}
	if (!y->failed) {
		if (y->kind[y->depth - 1] == 'm')
			emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
		else
			emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
	}
	y->depth--;
}

bool nd_yaml_plain_ok(const char *s)
{
	static const char *const words[] = {"y", "n", "yes", "no", "on", "off",
					    "true", "false", "null"};
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || c == '/' || c == '@'))
			return false;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	return true;
}

static void scalar(struct nd_yaml *y, const char *s, bool plain)
{
	yaml_event_t ev;

	if (y->failed)
		return;
	if (!y->in_doc) {
		y->failed = true;
		return;
	}
	emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
						  (int)strlen(s), 1, 1,
						  plain ? YAML_PLAIN_SCALAR_STYLE
							: YAML_DOUBLE_QUOTED_SCALAR_STYLE));
}

void nd_yaml_str(struct nd_yaml *y, const char *s)
{
	if (!s)
		s = "";
	scalar(y, s, nd_yaml_plain_ok(s));
}

void nd_yaml_int(struct nd_yaml *y, long long v)
{
	char n[32];

	snprintf(n, sizeof(n), "%lld", v);
	scalar(y, n, true);
}

void nd_yaml_kv(struct nd_yaml *y, const char *k, const char *v)
{
	nd_yaml_str(y, k);
	nd_yaml_str(y, v);
}

void nd_yaml_kv_int(struct nd_yaml *y, const char *k, long long v)
{
	nd_yaml_str(y, k);
	nd_yaml_int(y, v);
}

const char *nd_yaml_done(struct nd_yaml *y, struct nd_arena *a)
{
	yaml_event_t ev;
	char *s = NULL;

	if (!y)
		return NULL;
	end_doc(y);
	if (!y->failed)
		emit(y, &ev, yaml_stream_end_event_initialize(&ev));
	if (!y->failed && !yaml_emitter_flush(&y->em))
		y->failed = true;
	if (!y->failed && !y->out.toobig && !y->notes.toobig)
		s = nd_arena_printf(a, "%s%s", y->notes.p ? y->notes.p : "", y->out.p ? y->out.p : "");
	yaml_emitter_delete(&y->em);
	nd_buf_release(&y->out);
	nd_buf_release(&y->notes);
	free(y);
	return s;
}

/* Whether a line of text is exactly word. */
static bool has_line(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, word, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

const char *nd_yaml_apply_command(const char *yaml, struct nd_arena *a)
{
	char delim[16] = "EOF";
	size_t len;

	if (!yaml)
		return NULL;
	for (int i = 1; has_line(yaml, delim) && i < 1000; i++)
		snprintf(delim, sizeof(delim), "EOF%d", i);
	len = strlen(yaml);
	return nd_arena_printf(a, "kubectl apply -f - <<'%s'\n%s%s%s", delim, yaml,
			       len && yaml[len - 1] == '\n' ? "" : "\n", delim);
}
