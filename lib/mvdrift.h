/* mvdrift: mlw-mvdrift's work: drift of the records as a whole, per window
 * and --by segment, against a reference fitted per segment: PCA
 * reconstruction error (NannyML's data reconstruction drift), MMD with a
 * permutation test (Alibi Detect's MMDDrift), a domain classifier's
 * cross-validated ROC AUC, and the distance of the mean vectors
 * (Evidently's embedding distance). The numbers are those of mvstat and
 * linalg; this module reads, encodes, samples, windows and reports. */
#ifndef MLW_MVDRIFT_H
#define MLW_MVDRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

enum { MLW_MV_PCA, MLW_MV_MMD, MLW_MV_CLASSIFIER, MLW_MV_MEANDIST };
enum { MLW_MV_EUCLIDEAN, MLW_MV_COSINE };

/* The longest --vector accepted (a state row must fit on one line). */
#define MLW_MV_MAX_VECTOR 4096
/* Dimensions up to which --degree auto gives the classifier the pairwise
 * products too. */
#define MLW_MV_QUADRATIC_MAX 16
/* Dimensions up to which --degree 2 is accepted (2144 features). */
#define MLW_MV_DEGREE2_MAX 64
/* The largest --max-samples: the kernel matrix of mmd is (2 x 5000)^2
 * doubles, 800 MB. */
#define MLW_MV_MAX_SAMPLES 5000
/* mmd's bandwidth: the median over the pairs of at most this many of the
 * reference sample's records (the first, in their hash order). */
#define MLW_MV_BANDWIDTH_RECORDS 1000

struct mlw_mv_opts {
	const char *ref;
	char **fields;            /* --fields, in order */
	size_t nfields;
	char **cats;              /* --categorical */
	size_t ncats;
	const char *vector;       /* --vector, or NULL */
	int method;               /* MLW_MV_* */
	double share;             /* --share: PCA variance kept, 0.65 */
	uint64_t chunk;           /* --chunk: reference chunk size, 0 n/10 */
	int crossfit;             /* --thresholds cross-fit */
	uint64_t max_samples;     /* --max-samples per side, 1000 */
	uint64_t permutations;    /* --permutations, 100 */
	uint64_t seed;            /* --seed, 0 */
	double alpha;             /* --alpha, 0.05 */
	double threshold;         /* --threshold, NAN for the default */
	unsigned folds;           /* --folds, 5 */
	double l2;                /* --l2, 1 */
	int degree;               /* --degree: 0 auto, 1, 2 */
	int distance;             /* --distance: MLW_MV_EUCLIDEAN, COSINE */
	int fallback;             /* --ref-fallback all */
	int emit, merge;
};

struct mlw_mv;
struct mlw_seg;

/* Read and fit the reference (fatal when it cannot be). */
struct mlw_mv *mlw_mv_new(const struct mlw_mv_opts *o, struct mlw_seg *seg);
/* One result record per window and segment as each window closes (or,
 * with emit, the states; with merge, read states). */
void mlw_mv_run(struct mlw_mv *v, struct mlw_input *in);
void mlw_mv_free(struct mlw_mv *v);

#endif
