/* SPDX-License-Identifier: MIT */
#ifndef ND_YAML_H
#define ND_YAML_H
/*
 * YAML that netdiag prints (the NetworkPolicy and RBAC fixes), written by
 * libyaml's emitter: the one place netdiag writes YAML.
 *
 * Quoting: a string is written plain only when every YAML reader takes it
 * back as that same string: it starts with a letter, holds only letters,
 * digits and "-._/@", and is not a YAML 1.1 boolean or null word (y, n,
 * yes, no, on, off, true, false, null, any case). Everything else (01,
 * 1.5, "", "a: b", "*x", "- x", "#x", spaces) is double-quoted, escaped by
 * libyaml. Numbers written with nd_yaml_int() are plain.
 *
 * Usage: nd_yaml_new(); per document nd_yaml_doc(); nested nd_yaml_map() /
 * nd_yaml_seq() / nd_yaml_flow_seq() ... nd_yaml_end(); scalars with
 * nd_yaml_str() / nd_yaml_int() (in a map: key, value, key, value...);
 * nd_yaml_done(). Errors are sticky: after one every call does nothing and
 * nd_yaml_done() returns NULL. Output has a ceiling of 256 KiB (an error past
 * it). Lines are never folded. Non-ASCII is written as UTF-8, not escaped.
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_arena;
struct nd_yaml;

struct nd_yaml *nd_yaml_new(void);
/* A "# text" line at the top of the output, before the first document. */
void nd_yaml_note(struct nd_yaml *y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Start a document ("---"), ending the one before. */
void nd_yaml_doc(struct nd_yaml *y);
void nd_yaml_map(struct nd_yaml *y);
void nd_yaml_seq(struct nd_yaml *y);
/* [a, b]: for short lists such as RBAC rules' verbs. */
void nd_yaml_flow_seq(struct nd_yaml *y);
/* End the innermost map or sequence. */
void nd_yaml_end(struct nd_yaml *y);
void nd_yaml_str(struct nd_yaml *y, const char *s);
void nd_yaml_int(struct nd_yaml *y, long long v);
/* key: value, in a map. */
void nd_yaml_kv(struct nd_yaml *y, const char *k, const char *v);
void nd_yaml_kv_int(struct nd_yaml *y, const char *k, long long v);

/*
 * End what is open, copy the text into a (notes first) and free y.
 * NULL when the emitter failed (invalid UTF-8, nesting misuse, the ceiling).
 */
const char *nd_yaml_done(struct nd_yaml *y, struct nd_arena *a);

/*
 * The command that applies yaml as printed: kubectl apply -f - <<'EOF' ...
 * EOF (the here-document quoted, so the shell expands nothing in it; the
 * delimiter is EOF unless a line of yaml is EOF, then EOF1, EOF2...).
 * NULL for NULL. In a.
 */
const char *nd_yaml_apply_command(const char *yaml, struct nd_arena *a);

/*
 * Reading (yaml_json.c): the documents of a YAML stream, appended to out as
 * one JSON array (a document per element, empty ones left out; *ndocs says
 * how many), for the manifests netdiag applies itself ('fleet run'). Plain
 * scalars are typed as kubectl's reader types them: YAML 1.1 booleans (y,
 * yes, on, true... any listed case), null (~, null, empty), numbers in JSON
 * syntax; other plain, quoted or !!str scalars are strings; mapping keys are
 * always strings. Aliases, non-scalar keys and nesting past 64 levels are
 * errors. Returns 0, or -1 with e (the line and column) and out as it was.
 */
struct nd_buf;
struct nd_err;
int nd_yaml_to_json(const char *text, size_t len, struct nd_buf *out, size_t *ndocs,
		    struct nd_err *e);

/* Exposed for tests: whether s would be written plain. */
bool nd_yaml_plain_ok(const char *s);

#endif
