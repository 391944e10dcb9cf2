/* SPDX-License-Identifier: MIT */
/*
 * One large List decoded by several threads (json.h:
 * nd_json_stream_file_pieces). The file is cut into pieces. The calling
 * thread decodes from the start; each other thread takes the next piece no
 * one has begun, looks for the first element after its cut, and decodes
 * from there. Every reader, before each element, looks at the next piece
 * after its own:
 *  - nobody has begun it and the reader is past its cut: the reader takes
 *    it over and reads on (it is "eaten");
 *  - it began exactly at this element: the reader stops, that piece goes on;
 *  - it began before this element, i.e. inside one: it is void, told to stop.
 * A piece's work counts only when the piece before it, itself counted,
 * stopped exactly where it began, and the last one ended at the List's own
 * ']'. So the guesses are checked, never trusted; when one cannot be used,
 * the calling thread decodes from where it began on itself, and the result
 * is the one thread's.
 */
#include "core/json.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json_internal.h"
#include "core/banned.h"
#include "core/i18n.h"

enum {
	P_FREE,        /* no one has begun it */
	P_EATEN,       /* the reader before it read through it */
	P_SEARCHING,   /* a thread looks for its first element */
	P_RUNNING,     /* decoding from start */
	P_MET,         /* stopped where piece met began */
	P_END,         /* ended at the List's ']' */
	P_FAILED,      /* an error, a ']' that is not the List's, or told to stop */
	P_NOSTART,     /* no element where it was cut */
};

#define MAX_PIECES 64
#define MIN_PIECES 8
#define MIN_PIECE_BYTES ((size_t)2 << 20)
#define MAX_THREADS 8
#define SEARCH_LIMIT ((size_t)16 << 20)
#define TAIL_LIMIT ((size_t)64 << 10)

struct piece {
	size_t cut;             /* where its search begins */
	atomic_int state;
	atomic_size_t start;    /* its first element, once running */
	atomic_int stop;
	size_t end;             /* P_END: just past the ']' */
	size_t met;             /* P_MET: the piece whose start it reached */
	void *ctx;
	ssize_t count;
	bool used;
	struct nd_err e;
};

struct nd_jpieces {
	struct piece v[MAX_PIECES];
	size_t n;
	const char *path;
	size_t size;
	const struct nd_json_stream_opts *o;
	struct nd_json_pieces *pc;
	pthread_mutex_t lock;   /* around pc->open */
	pthread_t th[MAX_THREADS];
	size_t nth;
	bool joined;
};

/* A plausible element: an object with a "kind" string and a "metadata" object. */
static bool looks_like_item(const struct nd_json *v)
{
	return v->type == ND_JOBJ && nd_json_is(nd_json_get(v, "kind"), ND_JSTR) &&
	       nd_json_is(nd_json_get(v, "metadata"), ND_JOBJ);
}

/*
 * The next candidate at or after r->start: a '{' whose previous non-blank
 * bytes are '}' and ','. Leaves r->start on it. 0 when found, -1 when not.
 */
static int next_candidate(struct rd *r, struct piece *p)
{
	char prev1 = 0, prev2 = 0;

	for (;;) {
		while (r->start < r->end) {
			char c = r->buf[r->start];

			if (!nd_json_ws[(unsigned char)c]) {
				if (c == '{' && prev1 == ',' && prev2 == '}')
					return 0;
				prev2 = prev1;
				prev1 = c;
			}
			r->start++;
		}
		if (nd_jrd_off(r, r->start) - p->cut > SEARCH_LIMIT || atomic_load(&p->stop))
			return -1;
		/* keep nothing: the candidate is always at r->start when found */
		r->base += r->start;
		r->start = r->end = 0;
		if (nd_jrd_fill(r) <= 0)
			return -1;
	}
}

/*
 * Before the element at `at` of a reader whose next piece is *k: true when
 * the element is where piece *k began (the reader stops). Pieces it has
 * passed are eaten (nobody had begun them) or void (begun inside an element).
 */
static bool watch(struct nd_jpieces *ps, size_t *k, size_t at)
{
	while (*k < ps->n) {
		struct piece *p = &ps->v[*k];
		int st = atomic_load(&p->state);
		size_t s;

		if (st == P_FREE) {
			int expect = P_FREE;

			if (at < p->cut)
				return false;
			if (atomic_compare_exchange_strong(&p->state, &expect, P_EATEN))
				(*k)++;
			continue;       /* taken over, or just begun by another: look again */
		}
		if (st == P_EATEN || st == P_NOSTART)
			goto next;
		if (st == P_SEARCHING)
			return false;
		s = atomic_load(&p->start);
		if (at < s)
			return false;
		if (at == s)
			return true;
		atomic_store(&p->stop, 1);     /* it began inside an element */
next:
		(*k)++;
	}
	return false;
}

/* The reader has reached the List's end: no piece after it can be real. */
static void void_after(struct nd_jpieces *ps, size_t k)
{
	for (; k < ps->n; k++) {
		int expect = P_FREE;

		if (!atomic_compare_exchange_strong(&ps->v[k].state, &expect, P_EATEN))
			atomic_store(&ps->v[k].stop, 1);
	}
}

/* Piece j, on this thread: find where it begins, then decode until it
 * reaches a later piece's start or the List's end. */
static void run_piece(struct nd_jpieces *ps, size_t j)
{
	struct piece *p = &ps->v[j];
	struct rd r = {.name = ps->path, .e = &p->e};
	struct nd_arena *scratch = nd_arena_new(256 * 1024);
	struct parser *pr = nd_jparser_new(scratch, &p->e, nd_json_skip_paths(ps->o));
	struct nd_json item;
	size_t at, k = j + 1;
	int state = P_NOSTART, more;

	r.chunk = ps->o->chunk ? ps->o->chunk : 1 << 20;
	r.max_item = ps->o->max_item ? ps->o->max_item : 64 << 20;
	r.cap = r.chunk * 2;
	r.buf = nd_xmalloc(r.cap);
	r.fd = open(ps->path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0 || lseek(r.fd, (off_t)p->cut, SEEK_SET) < 0)
		goto out;
	r.base = p->cut;
	/* find an element that parses and looks like a Kubernetes object */
	for (;;) {
		if (next_candidate(&r, p) < 0)
			goto out;
		at = nd_jrd_off(&r, r.start);
		nd_arena_reset(scratch);
		if (nd_jrd_take(&r, pr, scratch, true, &item, &at) == 0 && looks_like_item(&item))
			break;
		/* not one: look again just after the '{' that misled us */
		r.start = at - r.base + 1;
		if (r.start > r.end) {
			r.base += r.end;
			r.start = r.end = 0;
		}
	}
	state = P_FAILED;
	pthread_mutex_lock(&ps->lock);
	p->ctx = ps->pc->open(ps->pc->arg);
	pthread_mutex_unlock(&ps->lock);
	atomic_store(&p->start, at);
	atomic_store(&p->state, P_RUNNING);
	for (;;) {
		if (nd_jrd_call(ps->pc->fn, &item, at, NULL, p->ctx, &p->e) < 0)
			goto out;
		p->count++;
		more = nd_jrd_after(&r, ']');
		if (more < 0)
			goto out;
		if (!more)
			break;
		if (atomic_load(&p->stop))
			goto out;
		if (watch(ps, &k, nd_jrd_off(&r, r.start))) {
			p->met = k;
			state = P_MET;
			goto out;
		}
		nd_arena_reset(scratch);
		if (nd_jrd_take(&r, pr, scratch, true, &item, &at) < 0)
			goto out;
	}
	/* the List's own ']' is close to the end of the file; a nested one is not */
	p->end = nd_jrd_off(&r, r.start);
	if (ps->size - p->end <= TAIL_LIMIT) {
		state = P_END;
		void_after(ps, k);
	}
out:
	if (r.fd >= 0)
		close(r.fd);
	free(r.buf);
	nd_jparser_free(pr);
	nd_arena_free(scratch);
	atomic_store(&p->state, state);
}

/* Begin pieces no one has begun, until there are none. */
static void work(struct nd_jpieces *ps)
{
	for (size_t j = 1; j < ps->n; j++) {
		int expect = P_FREE;

		if (atomic_compare_exchange_strong(&ps->v[j].state, &expect, P_SEARCHING))
			run_piece(ps, j);
	}
}

static void *worker(void *arg)
{
	work(arg);
	return NULL;
}

static void join_all(struct nd_jpieces *ps)
{
	if (ps->joined)
		return;
	for (size_t i = 0; i < ps->nth; i++)
		pthread_join(ps->th[i], NULL);
	ps->joined = true;
}

static int seek_to(struct rd *r, size_t off)
{
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return nd_err_set(r->e, _("cannot read '%s': %s"), r->name, strerror(errno));
	r->base = off;
	r->start = r->end = 0;
	r->eof = false;
	return 0;
}

int nd_jpieces_meet(struct rd *r, size_t at, nd_json_item_fn *fn, void **ctx)
{
	struct nd_jpieces *ps = r->ps;
	struct piece *last = NULL;
	size_t j;

	if (!watch(ps, &r->pk, at))
		return 0;
	/* the first piece ends here: help with the rest, then follow the chain */
	work(ps);
	join_all(ps);
	r->ps = NULL;
	for (j = r->pk;;) {
		struct piece *p = &ps->v[j];
		int st = atomic_load(&p->state);

		if (st == P_MET || st == P_END) {
			p->used = true;
			last = p;
			if (st == P_MET) {
				j = p->met;
				continue;
			}
			return seek_to(r, p->end) < 0 ? -1 : 1;
		}
		/* p began at an element but could not be used: read on from there
		 * here, into the last piece that was */
		if (p != &ps->v[r->pk] && seek_to(r, atomic_load(&p->start)) < 0)
			return -1;
		if (last) {
			*fn = ps->pc->fn;
			*ctx = last->ctx;
		}
		return 2;
	}
}

ssize_t nd_json_stream_file_pieces(const char *path, const struct nd_json_stream_opts *opts,
				   nd_json_item_fn fn, void *ctx, struct nd_json_pieces *pc,
				   struct nd_err *e)
{
	static const struct nd_json_stream_opts defaults;
	const struct nd_json_stream_opts *o = opts ? opts : &defaults;
	struct nd_jpieces *ps = nd_xcalloc(1, sizeof(*ps));
	struct rd r = {.name = path, .e = e};
	struct stat st;
	size_t piece = pc->piece ? pc->piece : (size_t)32 << 20, i;
	long ncpu;
	ssize_t n;
	uint64_t t0;

	pc->ctx = NULL;
	pc->used = NULL;
	pc->n = 0;
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		free(ps);
		return nd_err_set(e, _("cannot open '%s': %s"), path, strerror(errno));
	}
	r.chunk = o->chunk ? o->chunk : 1 << 20;
	r.max_item = o->max_item ? o->max_item : 64 << 20;
	r.cap = r.chunk * 2;
	r.buf = nd_xmalloc(r.cap);
	ps->joined = true;
	if (fstat(r.fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 1) {
		ps->path = path;
		ps->size = (size_t)st.st_size;
		ps->o = o;
		ps->pc = pc;
		ps->n = ps->size / piece;
		/* a file of a few pieces in all (nodes, endpoints: 10-100 MB) in
		 * eight at least, of 2 MiB or more: with two, the thread that ends
		 * first waits for the other (a fifth of that file's time) */
		if (!pc->piece && ps->n < MIN_PIECES)
			ps->n = ps->size / MIN_PIECE_BYTES < MIN_PIECES ? ps->size / MIN_PIECE_BYTES
								       : MIN_PIECES;
		ps->n = ps->n < 2 ? 2 : ps->n > MAX_PIECES ? MAX_PIECES : ps->n;
		for (i = 0; i < ps->n; i++) {
			ps->v[i].cut = ps->size / ps->n * i;
			atomic_init(&ps->v[i].state, i ? P_FREE : P_RUNNING);
			atomic_init(&ps->v[i].start, i ? SIZE_MAX : 0);
			atomic_init(&ps->v[i].stop, 0);
		}
		pthread_mutex_init(&ps->lock, NULL);
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		ncpu = ncpu < 2 ? 2 : ncpu > MAX_THREADS ? MAX_THREADS : ncpu;
		ps->joined = false;
		for (i = 0; i + 1 < (size_t)ncpu && i + 1 < ps->n; i++) {
			if (pthread_create(&ps->th[ps->nth], NULL, worker, ps) != 0)
				break;
			ps->nth++;
		}
		r.ps = ps;
		r.pk = 1;
	}
	t0 = nd_jphase_enabled > 0 ? nd_jphase_clock() : 0;
	n = nd_jrd_stream(&r, o, fn, ctx);
	/* the first thread read the List to its end itself, or stopped: nothing
	 * after it is used unless a chain was followed */
	void_after(ps, 1);
	join_all(ps);
	if (nd_jphase_enabled > 0)
		nd_jphase_stream(t0, nd_jphase_clock());
	close(r.fd);
	free(r.buf);
	if (ps->n) {
		pc->ctx = nd_xcalloc(ps->n, sizeof(*pc->ctx));
		pc->used = nd_xcalloc(ps->n, sizeof(*pc->used));
	}
	for (i = 1; i < ps->n; i++) {
		if (!ps->v[i].ctx)
			continue;
		pc->ctx[pc->n] = ps->v[i].ctx;
		pc->used[pc->n++] = ps->v[i].used;
		if (ps->v[i].used && n >= 0)
			n += ps->v[i].count;
	}
	if (ps->n)
		pthread_mutex_destroy(&ps->lock);
	free(ps);
	return n;
}
