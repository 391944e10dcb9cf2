/* SPDX-License-Identifier: MIT */
#ifndef ND_JSON_H
#define ND_JSON_H
/*
 * netdiag's JSON decoder, chosen by measurement (bench/README.md).
 *
 * Two layers:
 *  - nd_json_parse(): parse one complete JSON text held in memory into a
 *    small tree allocated from an arena. Used for one Kubernetes object at a
 *    time (an item of a List, a config file), never for a whole list.
 *  - nd_json_stream_fd(): read a file or pipe in chunks; if the top-level
 *    value is an object with an "items" array (any *List kind), call back
 *    once per element, each parsed into a fresh tree in a scratch arena that
 *    is reset between elements. Any other top-level object is handed over
 *    whole, once. Memory is bounded by the largest single element
 *    (max_item), not by the size of the file.
 *
 * Rules, on purpose (see the reference facts, "JSON inputs that break
 * parsers"):
 *  - strict RFC 8259 grammar; trailing garbage after the top-level value is
 *    an error;
 *  - strings are validated as UTF-8 (overlongs, surrogates and bytes above
 *    U+10FFFF rejected); "\u0000" is kept, strings carry their length;
 *  - numbers are kept as text; convert with nd_json_i64() when arithmetic is
 *    needed;
 *  - duplicate keys: the last one wins in nd_json_get(), as with Go's
 *    encoding/json which the API server and kubectl use;
 *  - nesting deeper than ND_JSON_MAX_DEPTH is an error;
 *  - every error names the byte offset from the start of the input.
 *
 * The byte scanners under the parser (strings, white space) come in one
 * set per instruction set, picked at start-up (json_simd.c); all give the
 * same answers, checked by fuzz/fuzz_json_diff.c. NETDIAG_JSCAN=portable|
 * sse2|sse4.2|avx2 asks for one (for measuring), and NETDIAG_PHASES=1
 * prints the decoder's time per phase to stderr at exit (json_phase.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nd_arena;
struct nd_err;

#define ND_JSON_MAX_DEPTH 256

enum nd_jtype {
	ND_JNULL = 0,
	ND_JFALSE,
	ND_JTRUE,
	ND_JNUM,
	ND_JSTR,
	ND_JARR,
	ND_JOBJ,
};

struct nd_jmember;

struct nd_json {
	uint8_t type;   /* enum nd_jtype */
	uint32_t n;     /* bytes of s (string/number), or count of items/members */
	union {
		const char *s;               /* ND_JSTR (decoded, NUL-terminated), ND_JNUM (text) */
		struct nd_json *items;       /* ND_JARR */
		struct nd_jmember *members;  /* ND_JOBJ, in input order */
	} u;
};

struct nd_jmember {
	const char *key;  /* decoded, NUL-terminated */
	uint32_t klen;
	struct nd_json val;
};

/*
 * Parse buf[0..len) as one JSON text. base_off is added to offsets in error
 * messages (the position of buf inside a larger file). Returns 0, or -1 with
 * e filled ("invalid JSON at byte 1234: expected ':' after object key").
 */
int nd_json_parse(const char *buf, size_t len, size_t base_off,
		  struct nd_arena *a, struct nd_json *out, struct nd_err *e);

/* Member of an object by key (last duplicate wins), or NULL. */
const struct nd_json *nd_json_getn(const struct nd_json *obj, const char *key, size_t klen);
/* The same for a NUL-terminated key; inline, so a literal's length is known
 * when it is compiled. */
static inline const struct nd_json *nd_json_get(const struct nd_json *obj, const char *key)
{
	return nd_json_getn(obj, key, __builtin_strlen(key));
}
/* Follow a path of keys: nd_json_path(o, "status", "podIP", NULL). */
const struct nd_json *nd_json_path(const struct nd_json *v, ...);
/* The string, or NULL when v is NULL or not a string. */
const char *nd_json_str(const struct nd_json *v);
/* True only for JSON true. */
bool nd_json_true(const struct nd_json *v);
/* Integer value: 0 on success, -1 when not an integer in [min, max]. */
int nd_json_i64(const struct nd_json *v, int64_t min, int64_t max, int64_t *out);
bool nd_json_is(const struct nd_json *v, enum nd_jtype t);
const char *nd_json_type_name(enum nd_jtype t);

/*
 * Callback for each decoded object. off is the byte offset of the object in
 * the stream. list_kind is the List's "kind" when it came before "items"
 * ("PodList" as the API server writes it), else NULL: items of an API list
 * carry no kind of their own. Return 0 to go on, -1 to stop with e filled.
 */
typedef int (*nd_json_item_fn)(const struct nd_json *obj, size_t off,
			       const char *list_kind, void *ctx, struct nd_err *e);

struct nd_json_stream_opts {
	size_t chunk;      /* read size, default 1 MiB; for the push decoder the
			    * bytes gathered before an element cut short by the
			    * end of what came is parsed again, default 256 KiB */
	size_t max_item;   /* largest single element in bytes; default 64 MiB */
	bool keep_managed_fields;  /* default: "managedFields" members are
				    * validated and dropped (never read, and
				    * half of every object) */
	/*
	 * Members not to build, as dotted paths from each object's root
	 * ("metadata.managedFields", "spec.containers.env"; arrays on the way
	 * are passed through). NULL-terminated; when set it replaces the
	 * managedFields default. Skipped values are validated like the rest;
	 * only no tree is built for them.
	 */
	const char *const *skip_paths;
};

/*
 * Stream a JSON document from fd (see the top of this file). Returns the
 * number of objects handed to fn, or -1 with e filled; on error the objects
 * before the bad one have already been delivered. name is used in messages.
 */
ssize_t nd_json_stream_fd(int fd, const char *name,
			  const struct nd_json_stream_opts *opts,
			  nd_json_item_fn fn, void *ctx, struct nd_err *e);
ssize_t nd_json_stream_file(const char *path,
			    const struct nd_json_stream_opts *opts,
			    nd_json_item_fn fn, void *ctx, struct nd_err *e);

/*
 * The one value that begins at byte off of the file at path (white space
 * before it allowed), parsed into a with the options' skip paths, as the
 * stream built it: for looking at an object read earlier again. Returns 0,
 * or -1 with e filled.
 */
int nd_json_parse_file_at(const char *path, size_t off, const struct nd_json_stream_opts *opts,
			  struct nd_arena *a, struct nd_json *out, struct nd_err *e);

/*
 * The same decoder, pushed: for bytes that arrive from elsewhere (an HTTP
 * body). Feed bytes in pieces of any size; each element of a List's
 * "items" is handed to fn as soon as its last byte has arrived; a document
 * that is not a List is handed over whole by nd_json_push_finish(). Memory
 * is bounded by the largest single element (opts->max_item) plus one piece.
 *
 *   p = nd_json_push_new("pods page 3", NULL, fn, ctx);
 *   nd_json_push_feed(p, bytes, n, &e) ...  (0, or -1 with e filled)
 *   nd_json_push_finish(p, &e);             (objects handed to fn, or -1:
 *                                            "unexpected end of input" when
 *                                            the body was cut short)
 *   nd_json_push_member(p, "metadata")      the List's other top-level
 *                                            members, valid until free
 *   nd_json_push_free(p);
 *
 * name is kept by pointer and used in messages. After an error every later
 * call fails. nd_json_push_free(NULL) is a no-op.
 */
struct nd_json_push;
struct nd_json_push *nd_json_push_new(const char *name, const struct nd_json_stream_opts *opts,
				      nd_json_item_fn fn, void *ctx);
int nd_json_push_feed(struct nd_json_push *p, const char *data, size_t n, struct nd_err *e);
ssize_t nd_json_push_finish(struct nd_json_push *p, struct nd_err *e);
const struct nd_json *nd_json_push_member(const struct nd_json_push *p, const char *key);
/* True when the document had an "items" array (or was a bare array). */
bool nd_json_push_is_list(const struct nd_json_push *p);
void nd_json_push_free(struct nd_json_push *p);

/*
 * nd_json_stream_file on several cores, for a large List (json_pieces.c).
 * The file is cut into pieces (pc->piece bytes each; when 0, 32 MiB, or
 * eight of 2 MiB or more in a smaller file; 2 to 64 of them). This thread decodes from the start with fn/ctx; the others (as
 * many as there are cores, up to 8, less this one) each take the next piece
 * no one has begun, start at the first element after its cut (an object
 * with "kind" and "metadata" after "}," in the text) and decode with pc->fn
 * and a context pc->open(pc->arg) makes for it, until they reach the start
 * of a later piece. The guesses are checked, never trusted: a piece's work
 * is used only when the piece before it, itself used, stopped exactly at
 * the element where it began, and the last one used finished the List at
 * its own ']'. A reader past a piece's cut that nobody began reads that
 * piece itself. When a piece cannot be used, this thread decodes from
 * where it began on itself. Either way every object is handed over once,
 * in order: fn/ctx's first, then those of the used contexts in the order of
 * pc->ctx; the functions run at the same time on different threads.
 *
 * On return pc->ctx[0..pc->n) are all the contexts opened, in file order,
 * and pc->used[i] says whether ctx[i]'s objects count; the caller forgets
 * the others, and frees both arrays. Errors are as nd_json_stream_file's.
 */
struct nd_json_pieces {
	nd_json_item_fn fn;             /* for the objects of the other pieces */
	void *(*open)(void *arg);       /* called under a lock, from any thread */
	void *arg;
	size_t piece;
	void **ctx;                     /* set by the call */
	bool *used;
	size_t n;
};
ssize_t nd_json_stream_file_pieces(const char *path, const struct nd_json_stream_opts *opts,
				   nd_json_item_fn fn, void *ctx, struct nd_json_pieces *pc,
				   struct nd_err *e);

/*
 * Write s (n bytes, may contain NUL) as a JSON string literal with quotes
 * into out (a FILE *). Invalid UTF-8 never reaches here: decoded strings are
 * valid, and nd_json_write_str escapes control characters.
 */
#include <stdio.h>
void nd_json_write_str(FILE *out, const char *s, size_t n);

/*
 * The one JSON string escaper, for every writer (the report, the served
 * API): the escape for byte c, NUL-terminated in buf, or NULL when c goes
 * out as it is. '"' and '\' and the control bytes (RFC 8259 §7), with the
 * short forms \b \f \n \r \t, and DEL (0x7f) as \u007f so a terminal
 * never sees it.
 */
const char *nd_json_escape(unsigned char c, char buf[8]);
/*
 * The same for the text at p (before end), as the writers walk a string:
 * NULL when its *len bytes go out as they are (a plain byte or a valid
 * UTF-8 sequence); a byte that is not valid UTF-8 is "\ufffd" (*len 1),
 * as Go's encoder writes it, so what netdiag writes is always JSON.
 */
const char *nd_json_escape_next(const char *p, const char *end, size_t *len, char buf[8]);
/* Length of a valid UTF-8 sequence at p (< end), or 0 when invalid. */
size_t nd_utf8_len(const unsigned char *p, const unsigned char *end);

#endif
