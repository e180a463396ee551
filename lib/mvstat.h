/* mvstat: two-sample statistics of d-dimensional records: the maximum mean
 * discrepancy with a Gaussian kernel and its permutation test (Gretton et
 * al. 2012, as Alibi Detect's MMDDrift computes it), L2-regularized
 * logistic regression (scikit-learn's LogisticRegression objective) and a
 * domain classifier's cross-validated ROC AUC.
 *
 * A sample of n records of d dimensions is a row-major array: record i is
 * X[i * d .. i * d + d). */
#ifndef MLW_MVSTAT_H
#define MLW_MVSTAT_H

#include <stddef.h>
#include <stdint.h>

/* The next number of the SplitMix64 generator whose state is *s (Steele,
 * Lea and Flood 2014): the permutations' and the samples' randomness. */
uint64_t mlw_splitmix64(uint64_t *s);

/* The median heuristic bandwidth of the sample X (m records): sigma =
 * sqrt(M / 2), M the median (numpy's: the mean of the two middle values
 * of an even count) of the squared Euclidean distances of the m(m-1)/2
 * distinct pairs, so that the kernel exp(-||x-y||^2 / (2 sigma^2)) is
 * exp(-||x-y||^2 / M) (Alibi Detect's sigma_median applied to the
 * reference alone). 1 when m < 2 or M is 0 (every record the same).
 * Allocates m(m-1)/2 doubles. */
double mlw_mmd_bandwidth(const double *X, size_t m, size_t d);

/* The Gaussian kernel matrix of the N records Z (N x N, symmetric, ones on
 * the diagonal): K[i * N + j] = exp(-||z_i - z_j||^2 / (2 sigma^2)). */
void mlw_gauss_kernel(const double *Z, size_t N, size_t d, double sigma,
    double *K);

/* The unbiased estimate of MMD^2 (Gretton et al. 2012, eq. 3) of the split
 * of the N records of kernel matrix K in which in[i] is 1 for the m
 * records of X and 0 for the n = N - m of Y (m, n >= 2):
 *   sum_{i != j in X} k / (m (m - 1)) + sum_{i != j in Y} k / (n (n - 1))
 *   - 2 sum_{i in X, j in Y} k / (m n),
 * each sum over the upper triangle (i < j), row by row. */
double mlw_mmd2_split(const double *K, size_t N, const unsigned char *in,
    size_t m);

/* Permuted statistics within this relative distance below the observed
 * one count as equal to it (the same split summed in another order). */
#define MLW_MMD_TIE 1e-12

struct mlw_mmd {
	double mmd2;       /* the statistic, unbiased MMD^2 */
	double p_value;
	double sigma;      /* the bandwidth used */
	uint64_t permutations; /* B, or the number of splits enumerated */
	int exact;         /* every split enumerated */
};

/* The MMD test of X (m records) against Y (n records), m, n >= 2, kernel
 * bandwidth sigma: the statistic, then its p-value by permutation of the
 * pooled records. When the number of distinct splits, C(m + n, m), is at
 * most B, every split is enumerated (in lexicographic order) and p is the
 * share of splits whose statistic is at least the observed one, the
 * observed split among them: the exact permutation p-value. Otherwise B
 * random permutations (Fisher-Yates with mlw_splitmix64 from seed; the
 * first m places are X) and p = (k + 1) / (B + 1), k the permutations whose
 * statistic is at least the observed one: the observed split counts as
 * one of the B + 1 (Alibi Detect's issue 960 was a p of 0). "At least"
 * allows MLW_MMD_TIE. Memory (m + n)^2 doubles. Returns 0, or -1 for
 * m < 2 or n < 2 or B < 1. */
int mlw_mmd_test(const double *X, size_t m, const double *Y, size_t n,
    size_t d, double sigma, uint64_t B, uint64_t seed, struct mlw_mmd *r);

/* Newton iterations cap of mlw_logreg_fit. */
#define MLW_LOGREG_MAX_ITER 200

/* Fit L2-regularized logistic regression to the n records X (d
 * dimensions) with labels y (0 or 1): w[0..d) the weights and w[d] the
 * intercept minimizing
 *   lambda / 2 ||w||^2 + sum_i log(1 + exp(z_i)) - y_i z_i,
 *   z_i = x_i . w + w[d],
 * the intercept not penalized: scikit-learn's LogisticRegression(penalty=
 * "l2", C = 1 / lambda), whose objective is this one times C. Newton's
 * method from w = 0, each step solved by Cholesky factorization of the
 * Hessian (lambda I + X^T S X, S = diag(p (1 - p))), halved until the
 * objective does not increase, taken whole once the Newton decrement
 * (g^T H^-1 g) / 2 is at most 1e-9 (1 + |f|); converged when no component
 * of the step exceeds 1e-10 (1 + |w|) or the decrement is at most
 * 1e-15 (1 + |f|) (well separated data, where f tends to 0). Cost
 * O(n d^2 + d^3) per iteration, memory (d + 1)^2 doubles. Returns the
 * iterations, or -1 when the cap was reached or the Hessian is not
 * positive definite (lambda <= 0 with separable or degenerate data). */
int mlw_logreg_fit(const double *X, const unsigned char *y, size_t n,
    size_t d, double lambda, double *w);

/* The probability P(y = 1 | x) of record x under the weights w. */
double mlw_logreg_prob(const double *w, const double *x, size_t d);

/* A domain classifier's ROC AUC: stratified k-fold cross-validation of
 * mlw_logreg_fit on (X, y), every record predicted by the model fitted
 * without its fold, and the ROC AUC (mlw_roc_auc) of all n out-of-fold
 * predictions together. Folds: the j-th record of a class, in the order
 * given, is in fold j mod folds (stratified; shuffle the records first
 * for random folds). NaN when a class has fewer than folds records or a
 * fit fails. */
double mlw_domain_auc(const double *X, const unsigned char *y, size_t n,
    size_t d, unsigned folds, double lambda);

#endif
