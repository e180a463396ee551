/* state: mergeable partial results (--emit-state and --merge): writing
 * and reading the state records; the exact sums they carry are xsum.h's,
 * the hashes hash.h's.
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
 * states read must be exactly those the trailers announce. */
#ifndef MLW_STATE_H
#define MLW_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "hash.h"
#include "json.h"
#include "jsonw.h"
#include "window.h"
#include "xsum.h"

#define MLW_STATE_VERSION 1

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
