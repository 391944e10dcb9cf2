/* SPDX-License-Identifier: MIT */
/*
 * The decoder's byte scanners (json_internal.h), one set per instruction
 * set: AVX2 (32 bytes a step), SSE4.2 (PCMPESTRI), SSE2 (16 bytes), and the
 * portable one (eight bytes at a time in a 64-bit word, then byte by byte),
 * which is what json.c did before the others existed.
 *
 * Every scanner answers the same question exactly: the position of the
 * first byte of a class, or end. The SIMD ones look at whole blocks only
 * while a whole block fits before end, and finish byte by byte, so no load
 * goes past the input and the answer cannot depend on the CPU. The set is
 * chosen once, at start-up, with __builtin_cpu_supports; the differential
 * fuzz target (fuzz/fuzz_json_diff.c) runs each input through the chosen
 * one and the portable one and requires the same result.
 */
#include "core/json_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define ND_X86 1
#include <immintrin.h>
#endif

#include "core/banned.h"

/* A string byte that needs a look: '"', '\\', a control byte or not ASCII. */
static inline bool str_special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

const bool nd_json_ws[256] = {[' '] = true, ['\n'] = true, ['\r'] = true, ['\t'] = true};

static inline bool ws(unsigned char c)
{
	return nd_json_ws[c];
}

/* ---- portable ---- */

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* Bytes of w that are '"', '\\', below 0x20 or above 0x7f: non-zero when any (SWAR). */
static inline uint64_t special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	q = (q - ONES) & ~q;
	b = (b - ONES) & ~b;
	return (q | b | (w - ONES * 0x20) | w) & HIGH;
}

static const unsigned char *str_portable(const unsigned char *p, const unsigned char *end)
{
	/* the lowest flagged byte of special8() is exact, so jump straight to it */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t w, m;

		memcpy(&w, p, 8);
		m = special8(w);
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < end && !str_special(*p))
		p++;
	return p;
}

static const char *ws_portable(const char *p, const char *end)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* pretty-printed lists are mostly newlines and indentation: look at
	 * eight bytes at a time and jump to the first one that is not a space */
	while (end - p >= 8) {
		uint64_t w, x;

		memcpy(&w, p, 8);
		x = w ^ (ONES * ' ');
		if (!x) {
			p += 8;
			continue;
		}
		p += __builtin_ctzll(x) >> 3;
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			p++;
			continue;
		}
		return p;
	}
#endif
	while (p < end && ws((unsigned char)*p))
		p++;
	return p;
}

#ifdef ND_X86
/* ---- SSE2: 16 bytes a step ---- */

__attribute__((target("sse2")))
static const unsigned char *str_sse2(const unsigned char *p, const unsigned char *end)
{
	const __m128i q = _mm_set1_epi8('"'), b = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed: below 0x20 is a control byte or, negative, a byte above 0x7f */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, b)),
					 _mm_cmplt_epi8(v, sp));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
	while (p < end && !str_special(*p))
		p++;
	return p;
}

__attribute__((target("sse2")))
static const char *ws_sse2(const char *p, const char *end)
{
	const __m128i s = _mm_set1_epi8(' '), n = _mm_set1_epi8('\n'), r = _mm_set1_epi8('\r'),
		      t = _mm_set1_epi8('\t');

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, s), _mm_cmpeq_epi8(v, n)),
					 _mm_or_si128(_mm_cmpeq_epi8(v, r), _mm_cmpeq_epi8(v, t)));
		unsigned bits = ~(unsigned)_mm_movemask_epi8(m) & 0xffffu;

		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
	while (p < end && ws((unsigned char)*p))
		p++;
	return p;
}

/* ---- SSE4.2: PCMPESTRI, explicit lengths (NUL is a byte like any other) ---- */

__attribute__((target("sse4.2")))
static const unsigned char *str_sse42(const unsigned char *p, const unsigned char *end)
{
	/* ranges, unsigned bytes: '"'-'"', '\\'-'\\', 0x00-0x1f, 0x80-0xff */
	const __m128i set = _mm_setr_epi8('"', '"', '\\', '\\', 0x00, 0x1f, (char)0x80, (char)0xff,
					  0, 0, 0, 0, 0, 0, 0, 0);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		int i = _mm_cmpestri(set, 8, v, 16,
				     _SIDD_UBYTE_OPS | _SIDD_CMP_RANGES | _SIDD_LEAST_SIGNIFICANT);

		if (i < 16)
			return p + i;
		p += 16;
	}
	while (p < end && !str_special(*p))
		p++;
	return p;
}

__attribute__((target("sse4.2")))
static const char *ws_sse42(const char *p, const char *end)
{
	const __m128i set = _mm_setr_epi8(' ', '\n', '\r', '\t', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		int i = _mm_cmpestri(set, 4, v, 16,
				     _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_NEGATIVE_POLARITY |
				     _SIDD_LEAST_SIGNIFICANT);

		if (i < 16)
			return p + i;
		p += 16;
	}
	while (p < end && ws((unsigned char)*p))
		p++;
	return p;
}

/* ---- AVX2: 32 bytes a step, then one SSE2 step ---- */

__attribute__((target("avx2")))
static const unsigned char *str_avx2(const unsigned char *p, const unsigned char *end)
{
	const __m256i q = _mm256_set1_epi8('"'), b = _mm256_set1_epi8('\\'),
		      sp = _mm256_set1_epi8(0x20);

	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i m = _mm256_or_si256(
			_mm256_or_si256(_mm256_cmpeq_epi8(v, q), _mm256_cmpeq_epi8(v, b)),
			_mm256_cmpgt_epi8(sp, v));
		unsigned bits = (unsigned)_mm256_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	return str_sse2(p, end);
}

/*
 * White space in one step per 32 bytes: a byte is white space when it
 * equals the entry of a table at its low four bits (' ' at 0, '\t', '\n',
 * '\r' at 9, 10 and 13; at every other nibble a byte that cannot have it).
 * PSHUFB gives 0 for bytes from 0x80, which no white space is.
 */
__attribute__((target("avx2")))
static const char *ws_avx2(const char *p, const char *end)
{
	const __m256i tbl = _mm256_setr_epi8(' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0,
					     ' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0);

	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i m = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, v), v);
		unsigned bits = ~(unsigned)_mm256_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	return ws_sse2(p, end);
}
#endif

/* ---- the table and its choice ---- */

static const struct nd_jscan_ops ops[ND_JSCAN_NLEVELS] = {
	[ND_JSCAN_PORTABLE] = {"portable", str_portable, ws_portable},
#ifdef ND_X86
	[ND_JSCAN_SSE2] = {"sse2", str_sse2, ws_sse2},
	[ND_JSCAN_SSE42] = {"sse4.2", str_sse42, ws_sse42},
	[ND_JSCAN_AVX2] = {"avx2", str_avx2, ws_avx2},
#endif
};

const struct nd_jscan_ops *nd_jscan = &ops[ND_JSCAN_PORTABLE];

bool nd_jscan_supported(enum nd_jscan_level level)
{
	if (level == ND_JSCAN_PORTABLE)
		return true;
#ifdef ND_X86
	__builtin_cpu_init();
	switch (level) {
	case ND_JSCAN_SSE2:
		return __builtin_cpu_supports("sse2");
	case ND_JSCAN_SSE42:
		return __builtin_cpu_supports("sse4.2");
	case ND_JSCAN_AVX2:
		return __builtin_cpu_supports("avx2");
	default:
		return false;
	}
#else
	return false;
#endif
}

int nd_jscan_set(enum nd_jscan_level level)
{
	if ((unsigned)level >= ND_JSCAN_NLEVELS || !nd_jscan_supported(level))
		return -1;
	nd_jscan = &ops[level];
	return 0;
}

/*
 * The best the CPU has, in the order measured (bench/README.md, "the
 * structural pass"); NETDIAG_JSCAN=portable|sse2|sse4.2|avx2 asks for one
 * (for measuring; an unsupported one leaves the default).
 */
enum nd_jscan_level nd_jscan_best(void)
{
	static const enum nd_jscan_level order[] = {ND_JSCAN_AVX2, ND_JSCAN_SSE42, ND_JSCAN_SSE2};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (nd_jscan_supported(order[i]))
			return order[i];
	return ND_JSCAN_PORTABLE;
}

__attribute__((constructor)) static void jscan_choose(void)
{
	const char *want = getenv("NETDIAG_JSCAN");
	int i;

	nd_jscan_set(nd_jscan_best());
	for (i = 0; want && i < ND_JSCAN_NLEVELS; i++)
		if (ops[i].name && strcmp(ops[i].name, want) == 0)
			nd_jscan_set((enum nd_jscan_level)i);
}

const char *nd_jscan_name(void)
{
	return nd_jscan->name;
}
