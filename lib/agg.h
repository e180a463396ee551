/* agg: mlw-agg's work: aggregates (count, sums, means, quantiles, rates,
 * ratios ...) per window and segment, exact and mergeable, and thresholds
 * from reference chunks as NannyML's summary statistics have them.
 *
 * An aggregate is written "KIND ARGS" (man/mlw-agg.1):
 *   count | sum P | mean P | min P | max P | std P | quantile P Q
 *   | distinct P | rate EXPR | ratio P P
 * several in one text separated by ';' or new lines (outside quotes), '#'
 * starting a comment that runs to the end of the line. */
#ifndef MLW_AGG_H
#define MLW_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

/* Beyond this many numbers an aggregate's quantile comes from a KLL
 * sketch, and beyond this many distinct values (or MLW_AGG_EXACT_BYTES of
 * their text) its distinct count from HyperLogLog: so that every state
 * fits in one record. */
#define MLW_AGG_EXACT 10000
#define MLW_AGG_EXACT_BYTES (256u << 10)
#define MLW_AGG_MAX 64            /* aggregates in one run */

struct mlw_agg_opts {
	const char *where;        /* --where EXPR, or NULL */
	const char *ref;          /* --ref FILE, or NULL */
	uint64_t chunk_n;         /* --chunk N (records), or 0 */
	int64_t chunk_ns;         /* --chunk DUR, or 0 */
	const char *time;         /* --time PATH of the reference (DUR) */
	double sigma;             /* --sigma: the multiplier, default 3 */
	int emit, merge;          /* --emit-state, --merge */
};

struct mlw_agg;
struct mlw_seg;

/* A run of options o, with seg (--by, seg.h) or NULL; the aggregates are
 * added next. */
struct mlw_agg *mlw_agg_new(const struct mlw_agg_opts *o,
    struct mlw_seg *seg);
/* Add the aggregates of text (as above): a usage error (exit 2) names
 * where (the option, or FILE:LINE) and what is wrong. */
void mlw_agg_add(struct mlw_agg *a, const char *text, const char *where);
/* The number of aggregates added. */
size_t mlw_agg_count(const struct mlw_agg *a);
/* The work: with o->ref, read the reference's chunks first; then every
 * record of in (or with merge, every state) into its window and segment,
 * writing one record per window, segment and aggregate as each window
 * closes (or, with emit, their states). */
void mlw_agg_run(struct mlw_agg *a, struct mlw_input *in);
void mlw_agg_free(struct mlw_agg *a);

#endif
