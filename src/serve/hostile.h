/* SPDX-License-Identifier: MIT */
#ifndef ND_SERVE_HOSTILE_H
#define ND_SERVE_HOSTILE_H
/*
 * `serve --fault-hostile MODE`: an API server that attacks its client, for
 * the tests of the client's budgets (issue 10). Every authenticated request
 * (on --fault-hostile-path when given) gets the mode's answer:
 *
 *   endless-list      a 200 PodList whose items never end (chunked)
 *   gzip-bomb         a 200 PodList, Content-Encoding: gzip, ~1.3 MB on the
 *                     wire that inflates to 512 MiB of tiny items
 *   endless-continue  a 200 PodList with one item and a new continue token
 *                     every time
 *   repeat-continue   a 200 PodList with one item and the same continue token
 *   retry-after       429 with "Retry-After: 86400" and a Status without message
 *   drip              a valid PodList, one byte a second
 *   garbage           200, application/json, 64 KiB of bytes that are not JSON
 *   html              200 text/html: a sign-in page, as a captive proxy answers
 *   huge-header       200 with a 200 KiB response header, then a valid list
 *   redirect-loop     302 to another /api/v1/pods?hop=N, every time
 *   depth-bomb        a PodList whose one item nests arrays a million deep
 *   huge-string       a PodList whose one item's name is 100 MiB long
 *   huge-number       a PodList whose one item has a number of a million digits
 *   invalid-utf8      a PodList whose names and addresses are not UTF-8
 *   duplicate-keys    a PodList whose keys ("kind", "items", "name"...) come twice
 *
 * What serve cannot do through its HTTP library (headers sent one byte at a
 * time, a chunk size of 2^64, a TLS handshake that never ends) the tests do
 * with socat (tests/e2e/t_hostile_cmds.sh).
 *
 * The attacker is bounded itself: one answer lasts at most 30 s (then the
 * connection is cut) and at most 100000 requests get the mode's answer
 * (then 503).
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;
struct nd_conns;

enum nd_hostile {
	ND_HOSTILE_NONE = 0,
	ND_HOSTILE_ENDLESS_LIST,
	ND_HOSTILE_GZIP_BOMB,
	ND_HOSTILE_ENDLESS_CONTINUE,
	ND_HOSTILE_REPEAT_CONTINUE,
	ND_HOSTILE_RETRY_AFTER,
	ND_HOSTILE_DRIP,
	ND_HOSTILE_GARBAGE,
	ND_HOSTILE_HTML,
	ND_HOSTILE_HUGE_HEADER,
	ND_HOSTILE_REDIRECT_LOOP,
	ND_HOSTILE_DEPTH_BOMB,
	ND_HOSTILE_HUGE_STRING,
	ND_HOSTILE_HUGE_NUMBER,
	ND_HOSTILE_INVALID_UTF8,
	ND_HOSTILE_DUPLICATE_KEYS,
};

/* The mode named name, or -1; the list of names for messages. */
int nd_hostile_parse(const char *name);
extern const char nd_hostile_names[];

/* Work done before serving (the gzip bomb is compressed once). 0, or -1. */
int nd_hostile_prepare(enum nd_hostile mode);

/*
 * Queue the mode's answer on c; n counts the hostile answers so far. The
 * drip pauses c between bytes through conns (no thread waits on it).
 */
int nd_hostile_answer(struct MHD_Connection *c, enum nd_hostile mode, uint64_t n,
		      const atomic_bool *stopping, struct nd_conns *conns);

#endif
