/* sketch: mergeable summaries of unbounded streams in bounded memory.
 *
 * KLL (Karnin, Lang, Liberty 2016) for quantiles of doubles; HyperLogLog
 * (Flajolet, Fusy, Gandouet, Meunier 2007, with the small-range correction)
 * for distinct counts; SpaceSaving (Metwally, Agrawal, El Abbadi 2005) for
 * the most frequent values. Everything is deterministic: KLL's coin flips
 * come from a seeded generator, hashes are fixed functions of the bytes. */
#ifndef MLW_SKETCH_H
#define MLW_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* ---- KLL ---- */
#define MLW_KLL_K 200            /* default accuracy parameter */
#define MLW_KLL_SEED 0x6d6c772d6b6c6cULL   /* "mlw-kll" */
#define MLW_KLL_MAXLEVEL 64

struct mlw_kll {
	int k;
	int nlev;                    /* levels in use */
	struct { double *v; size_t n, cap; } lev[MLW_KLL_MAXLEVEL];
	uint64_t compactions[MLW_KLL_MAXLEVEL];  /* per level, for the bound */
	uint64_t n;                  /* items inserted */
	double min, max;             /* exact extremes */
	size_t size, maxsize;        /* items held, capacity of all levels */
	uint64_t rng;                /* xorshift64* state */
	double *scratch;             /* query workspace */
	size_t scap;
};

/* Capacity of level h is ceil(k * (2/3)^(nlev-1-h)), at least 2. */
void mlw_kll_init(struct mlw_kll *s, int k, uint64_t seed);
void mlw_kll_free(struct mlw_kll *s);
void mlw_kll_add(struct mlw_kll *s, double x);
/* Rebuild a written-out sketch: hold x at level h (weight 2^h), adding
 * levels up to h as needed, without compacting; 0, or -1 when h is not a
 * level (h < 0 or h >= MLW_KLL_MAXLEVEL). The caller then sets n, min,
 * max, compactions and rng as they were. */
int mlw_kll_load(struct mlw_kll *s, int h, double x);
/* Use at least nlev levels (as the written-out sketch did, its top ones
 * perhaps empty): 0, or -1 when nlev > MLW_KLL_MAXLEVEL. */
int mlw_kll_levels(struct mlw_kll *s, int nlev);
/* Add b's items into a (a's seed continues); b is unchanged. */
void mlw_kll_merge(struct mlw_kll *a, const struct mlw_kll *b);
/* Approximate q-quantile: the smallest retained item whose cumulative
 * weight is >= q * n; the exact minimum for q = 0 and maximum for q = 1.
 * n must be > 0. Writes nq answers for the nq qs (any order). */
void mlw_kll_quantiles(struct mlw_kll *s, const double *q, size_t nq,
    double *out);
/* Estimated number of items <= x. */
double mlw_kll_rank(const struct mlw_kll *s, double x);
/* Normalized rank error bound at confidence 1 - delta for any one query,
 * from the compactions actually made: each compaction at level h moves the
 * estimated rank of a point by +2^h, -2^h (each with probability 1/2) or
 * 0, independently, so by Hoeffding's inequality
 * |error| <= sqrt(2 ln(2/delta) sum_h c_h 4^h) with probability 1 - delta,
 * c_h the compactions at level h; divided by n. A reported quantile v is
 * off by at most the errors at v and just below v. 0 while nothing was
 * compacted (the answers are then exact). */
double mlw_kll_error_bound(const struct mlw_kll *s, double delta);

/* ---- HyperLogLog ---- */
#define MLW_HLL_P 14
#define MLW_HLL_M (1u << MLW_HLL_P)

struct mlw_hll {
	uint8_t reg[MLW_HLL_M];
};

void mlw_hll_init(struct mlw_hll *h);
void mlw_hll_add_hash(struct mlw_hll *h, uint64_t hash);
void mlw_hll_merge(struct mlw_hll *a, const struct mlw_hll *b);
/* alpha_m m^2 / sum 2^-M[j]; when that is <= 2.5 m and some register is
 * zero, linear counting m ln(m / zeros) instead. No large-range correction
 * (the hash has 64 bits). Standard error 1.04 / sqrt(m) = 0.81%. */
double mlw_hll_estimate(const struct mlw_hll *h);

/* ---- SpaceSaving ---- */
struct mlw_ss_item {
	char *s;
	size_t len;
	uint64_t hash;
	uint64_t count;              /* estimated count (an over-estimate) */
	uint64_t err;                /* count - err <= true count <= count */
	size_t heap;                 /* position in the min-heap */
};

struct mlw_ss {
	size_t m;                    /* counters */
	size_t n;                    /* counters in use */
	uint64_t total;              /* items counted */
	struct mlw_ss_item *item;
	size_t *heap;                /* min-heap of item indices by count */
	uint32_t *slot;              /* open addressing: item index + 1 */
	size_t nslot;
};

/* m counters: every value whose true count exceeds total/m is held, and a
 * held value's count over-estimates its true count by at most total/m. */
void mlw_ss_init(struct mlw_ss *s, size_t m);
void mlw_ss_free(struct mlw_ss *s);
/* Count a value c times with a known error err (err = 0 for exact counts;
 * used to seed the summary from exact counts). */
void mlw_ss_add(struct mlw_ss *s, const char *p, size_t len, uint64_t c,
    uint64_t err);
void mlw_ss_merge(struct mlw_ss *a, const struct mlw_ss *b);
/* Indices of the held items sorted by count (descending) then bytes
 * (ascending), into idx (room for s->n); returns s->n. */
size_t mlw_ss_sorted(const struct mlw_ss *s, size_t *idx);

/* ---- in state records (--emit-state, --merge; sketch_state.c) ---- */
struct mlw_buf;
struct mlw_json;
/* Write s as a JSON object: {"n","min","max","rng","compactions",
 * "levels"}, the held items of each level. */
void mlw_kll_write(struct mlw_buf *b, const struct mlw_kll *s);
/* Rebuild into t (initialised here) the sketch written at token o: 0, or
 * -1 (t freed) when it is not such an object. */
int mlw_kll_read(struct mlw_kll *t, const struct mlw_json *doc, uint32_t o);
/* Write the registers of h as a string of 2 * MLW_HLL_M hex digits. */
void mlw_hll_write(struct mlw_buf *b, const struct mlw_hll *h);
/* Read such a string at token t (-1: none) into h: 0, or -1. */
int mlw_hll_read(struct mlw_hll *h, const struct mlw_json *doc, long t);

#endif
