/* state: mergeable partial results (--emit-state and --merge).
 *
 * A program run with --emit-state writes, instead of its results, one
 * state record per window and unit (feature, segment ...):
 *   {"mlw":"state","program":"mlw-psi","version":1,"hash":"0123abcd...",
 *    "window_start":S,"window_end":E, ...the program's members...}
 * and, last, one trailer
 *   {"mlw":"state_end","program":"mlw-psi","version":1,"hash":"...",
 *    "states":N,"rejected":R}
 * hash is a 64-bit FNV-1a hash, in 16 hex digits, of everything that decides
 * how records were counted (a reference profile's edges and categories, the
 * options); states merge only with states of the same program, version and
 * hash. The trailers let --merge find a truncated or missing shard: the
 * states read must be exactly those the trailers announce.
 *
 * Exact sums: floating-point sums that must merge to the same bits as a
 * single pass are kept in an exact fixed-point accumulator (a "long
 * accumulator" over the whole double range, Kulisch's idea), rounded once,
 * to nearest even, when read. Adding is exact, so the result does not depend
 * on the order of the terms or on how they were split between shards. */
#ifndef MLW_STATE_H
#define MLW_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "window.h"

#define MLW_STATE_VERSION 1

/* ---- exact sums ---- */
#define MLW_XSUM_LIMBS 70        /* 32-bit digits from 2^-1074 upwards */
struct mlw_xsum {
	int64_t limb[MLW_XSUM_LIMBS];
	uint32_t nadd;           /* adds since the last carry propagation */
	uint8_t pinf, ninf, nan; /* non-finite terms seen */
};

/* An all-zero struct is an empty sum; so is one after mlw_xsum_clear. */
void mlw_xsum_clear(struct mlw_xsum *s);
/* Add x exactly (infinities and NaN are remembered and make the sum
 * non-finite). */
void mlw_xsum_add(struct mlw_xsum *s, double x);
/* Add the exact product a*b (two terms: the rounded product and its
 * error, by fma). */
void mlw_xsum_add_product(struct mlw_xsum *s, double a, double b);
/* s += o, exactly. */
void mlw_xsum_merge(struct mlw_xsum *s, const struct mlw_xsum *o);
/* The sum rounded once to the nearest double (ties to even); an infinity
 * when it overflows or an infinite term was added, NaN for NaN or +inf
 * plus -inf. */
double mlw_xsum_value(const struct mlw_xsum *s);
/* Write the sum exactly as a JSON array of doubles whose exact sum it is
 * (at most one per 32-bit digit; "inf", "-inf" or "nan" for non-finite
 * sums). A sum whose magnitude reaches 2^1024 is written as "inf" or
 * "-inf". */
void mlw_xsum_write(struct mlw_buf *b, const struct mlw_xsum *s);
/* Write to out (room for MLW_XSUM_LIMBS) doubles whose exact sum is s;
 * returns their number, or -1 when s is not finite or beyond the double
 * range. */
int mlw_xsum_terms(const struct mlw_xsum *s, double *out);
/* Add the array at token i (as written above) to s: 0, or -1 when it is
 * not such an array. */
int mlw_xsum_read(struct mlw_xsum *s, const struct mlw_json *doc, long i);

/* ---- hashing what must agree ---- */
#define MLW_HASH_INIT 0xcbf29ce484222325ull
uint64_t mlw_hash_bytes(uint64_t h, const void *p, size_t n);
/* A string with its length, so that ("ab","c") and ("a","bc") differ. */
uint64_t mlw_hash_str(uint64_t h, const char *s);
uint64_t mlw_hash_u64(uint64_t h, uint64_t v);
/* The bits of d (so that 0.1 and 0.1000000000000001 differ). */
uint64_t mlw_hash_double(uint64_t h, double d);

/* ---- writing ---- */
/* Empty b and begin a state record of program for window k:
 * {"mlw":"state","program":..,"version":..,"hash":..[,window members]
 * Add the program's members with mlw_jw_key and friends, then call
 * mlw_state_emit. */
void mlw_state_begin(struct mlw_buf *b, const char *program, uint64_t hash,
    const struct mlw_wkey *k);
/* Close the record, check it is not longer than MLW_LINE_MAX (fatal
 * otherwise: it could not be read back) and write it to standard output. */
void mlw_state_emit(struct mlw_buf *b);
/* Write the trailer: the number of states emitted and of input records
 * rejected so far. Call once, after the last state. */
void mlw_state_end(const char *program, uint64_t hash);

/* ---- reading (--merge) ---- */
struct mlw_state_in {
	const char *program;
	uint64_t hash;
	uint64_t nstates;        /* state records accepted */
	uint64_t announced;      /* sum of the trailers' "states" */
	uint64_t shard_rejects;  /* sum of the trailers' "rejected" */
	uint64_t ntrailers;
	uint64_t bad;            /* records rejected here */
};

void mlw_state_in_init(struct mlw_state_in *r, const char *program,
    uint64_t hash);
/* The next state record of the input: 1 with ln, doc and *key (its window)
 * filled; 0 at end of input. Trailers are consumed and counted; every
 * other record (not JSON, another program's state, another version or
 * hash, bad window members) is rejected with FILE:LINE and the reason. */
int mlw_state_next(struct mlw_state_in *r, struct mlw_input *in,
    struct mlw_line *ln, struct mlw_json *doc, struct mlw_wkey *key);
/* Reject the current state record (the program found a bad member). */
void mlw_state_reject(struct mlw_state_in *r, const struct mlw_line *ln,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* After the last record and before any output: exits 2 when the merge
 * would not be exact (a record was rejected, no trailer was read, or the
 * states read are not those the trailers announce); warns when the shards
 * rejected input records. */
void mlw_state_in_check(const struct mlw_state_in *r);

/* Member helpers: the token of member name of the top-level object, or
 * -1; a count, a JSON whole number 0 <= v <= 2^53 (no fraction or
 * exponent; exact as a double, and so far from 2^64 that no merge of real
 * shards can wrap around): 0 or -1; an array of exactly n such numbers
 * into out: 0 or -1. */
#define MLW_STATE_COUNT_MAX 9007199254740992ULL        /* 2^53 */
long mlw_state_member(const struct mlw_json *doc, const char *name);
int mlw_state_u64(const struct mlw_json *doc, long i, uint64_t *v);
/* A JSON whole number 0 <= v < 2^64 that is not a count (a generator's
 * state): 0 or -1. */
int mlw_state_word(const struct mlw_json *doc, long i, uint64_t *v);
int mlw_state_u64s(const struct mlw_json *doc, long i, uint64_t *out,
    size_t n);

#endif
