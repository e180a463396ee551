/* xsum: exact sums. Floating-point sums that must merge to the same bits
 * as a single pass are kept in an exact fixed-point accumulator (a "long
 * accumulator" over the whole double range, Kulisch's idea), rounded once,
 * to nearest even, when read. Adding is exact, so the result does not
 * depend on the order of the terms or on how they were split between
 * shards. */
#ifndef MLW_XSUM_H
#define MLW_XSUM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

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

#endif
