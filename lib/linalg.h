/* linalg: the linear algebra of multivariate drift: the eigendecomposition
 * of a symmetric matrix (cyclic Jacobi), mergeable means and co-moments of
 * d-dimensional records, and principal component analysis as
 * scikit-learn's StandardScaler + PCA compute it, with the reconstruction
 * error of NannyML's DataReconstructionDriftCalculator.
 *
 * Matrices are dense, row-major arrays of doubles: element (i, j) of an
 * n x n matrix M is M[i * n + j]. */
#ifndef MLW_LINALG_H
#define MLW_LINALG_H

#include <stddef.h>
#include <stdint.h>

#include "xsum.h"

/* Sweep cap of mlw_eigen_sym. */
#define MLW_EIGEN_MAX_SWEEPS 100

/* The eigenvalues and orthonormal eigenvectors of the symmetric n x n
 * matrix A (n >= 1; only its upper triangle, j >= i, is read; A is not
 * changed) by the cyclic Jacobi method: sweeps over the pairs (p, q),
 * p < q, row by row, each a plane rotation that zeroes A[p][q]
 * (Rutishauser's formulas: theta = (a_qq - a_pp) / (2 a_pq), t =
 * sgn(theta) / (|theta| + sqrt(theta^2 + 1)), 1 / (2 theta) when theta^2
 * would overflow). Converged when the off-diagonal norm, sqrt(sum over
 * i != j of a_ij^2), is at most 1e-15 times the Frobenius norm of A, or
 * after MLW_EIGEN_MAX_SWEEPS sweeps (after 4 sweeps an a_pq too small to
 * change a_pp or a_qq is set to 0 without a rotation). One sweep costs
 * O(n^3): n(n-1)/2 rotations of O(n) each, on the matrix and on the
 * vectors. A random matrix takes about 10 sweeps: n = 128 in 0.04 s, n =
 * 512 in about 4 s on one core; memory 2 n^2 doubles besides A and V.
 *
 * w[0..n) receives the eigenvalues in descending order (ties keep the
 * order of the diagonal Jacobi ends with), V (n x n) the eigenvectors as
 * columns, V[i * n + j] component i of the vector of w[j], like
 * numpy.linalg.eigh's (which is ascending). The sign of each vector is
 * chosen so that its component of largest magnitude (the first one, on
 * ties) is positive. scikit-learn's svd_flip chooses the sign of a PCA
 * component from the largest entry of the score vector U[:, j] (one entry
 * per sample, not per dimension), which the covariance matrix does not
 * know, so a component may differ from sklearn's by its sign (its
 * reconstruction error does not). Returns the number of sweeps, or -1
 * when the cap was reached before convergence (w and V then hold the last
 * iterate) or A holds a NaN or an infinity. */
int mlw_eigen_sym(size_t n, const double *A, double *w, double *V);

/* Means and co-moments of d-dimensional records, kept as exact sums so
 * that shards merge to the same bits as one pass, in any order: n, the
 * exact sum of each x_i, and the exact sum of each product x_i * x_j (i <=
 * j), each product added exactly (the rounded product and its rounding
 * error, by fma: mlw_xsum_add_product), so no term is rounded at all.
 * Memory: (d + d(d+1)/2) sums of sizeof(struct mlw_xsum) (568) bytes,
 * 8.6 KB for d = 5, 42 MB for d = 384; mlw_comoment_add costs O(d^2). */
struct mlw_comoment {
	size_t d;
	uint64_t n;
	struct mlw_xsum *sum;   /* [d]: sum of x_i */
	struct mlw_xsum *prod;  /* [d(d+1)/2]: sum of x_i x_j, i <= j, rows
	                         * packed: (0,0) (0,1) .. (0,d-1) (1,1) .. */
};

/* An empty accumulator of d >= 1 dimensions (allocation failure is
 * fatal). */
void mlw_comoment_init(struct mlw_comoment *c, size_t d);
/* Add the record x[0..d). A NaN or infinite value makes the sums it
 * enters non-finite, and so the means and covariances NaN: impute first.
 * Allocates nothing. */
void mlw_comoment_add(struct mlw_comoment *c, const double *x);
/* Take the record x[0..d), added before, out again: the sums are exact,
 * so c is then exactly what it would be had x never been added (c->n >= 1). */
void mlw_comoment_sub(struct mlw_comoment *c, const double *x);
/* c += o, exactly; o must have the same d. */
void mlw_comoment_merge(struct mlw_comoment *c, const struct mlw_comoment *o);
/* Free the sums (c can be initialized again). */
void mlw_comoment_free(struct mlw_comoment *c);
/* mean[0..d): each exact sum rounded once, divided by n (NaN when n is 0). */
void mlw_comoment_mean(const struct mlw_comoment *c, double *mean);
/* The d x d covariance matrix with ddof 0 or 1 (numpy.cov's bias=True or
 * the default): C_ij = (n S_ij - S_i S_j) / (n (n - ddof)), with S_i the
 * sum of x_i and S_ij the sum of x_i x_j. The numerator is computed
 * exactly (every product of the exact sums' terms added exactly), rounded
 * once, then divided by n and by n - ddof: nothing cancels, and C does not
 * depend on the order of the records. NaN when n <= ddof or a sum is not
 * finite. */
void mlw_comoment_cov(const struct mlw_comoment *c, int ddof, double *C);

/* A fitted PCA of standardized data: scikit-learn 1.2's StandardScaler()
 * then PCA(n_components=share) (svd_solver "full", which "auto" picks for
 * a share in (0, 1)), fitted on the reference. */
struct mlw_pca {
	size_t d;          /* dimensions */
	size_t k;          /* components kept */
	uint64_t n;        /* reference records */
	double *mean;      /* [d] StandardScaler.mean_ */
	double *scale;     /* [d] StandardScaler.scale_ */
	double *components; /* [d x d] rows: component r is components[r*d ..
	                    * r*d + d); the first k are PCA.components_ (up
	                    * to sign, see mlw_eigen_sym) */
	double *variance;  /* [d] explained_variance_ (the first k), then the
	                    * discarded ones */
	double *ratio;     /* [d] explained_variance_ratio_, likewise */
	double *work;      /* [2d] scratch of mlw_pca_error */
};

/* Fit p on the reference's co-moments c (n >= 2) keeping the components
 * that explain share (0 < share < 1; NannyML's default 0.65) of the
 * variance:
 *  - StandardScaler: mean_i = S_i / n, var_i the ddof-0 variance
 *    (mlw_comoment_cov), scale_i = sqrt(var_i), or 1 when the dimension is
 *    constant by sklearn's test (_is_constant_feature: var_i <= n eps
 *    var_i + (n mean_i eps)^2, eps = 2^-52), like _handle_zeros_in_scale;
 *    such a dimension standardizes to 0 (or nearly) everywhere.
 *  - PCA: the covariance of the standardized data with ddof 1, C_ij /
 *    (scale_i scale_j), is the matrix whose eigenvalues are sklearn's
 *    explained_variance_ = S^2 / (n - 1) (S the singular values of the
 *    centred standardized data) and whose eigenvectors are the rows of
 *    components_; eigenvalues below 0 (rounding) are taken as 0.
 *    explained_variance_ratio_ is each over their sum (n >= d; with fewer
 *    records than dimensions the extra eigenvalues are rounding noise
 *    where sklearn has none, which changes the ratios below 1e-15).
 *  - k: sklearn's _fit_full: ratio_cumsum = stable_cumsum(ratio) (a
 *    running sum, left to right), k = np.searchsorted(ratio_cumsum, share,
 *    side="right") + 1, i.e. one more than the number of cumulative sums
 *    <= share (the first whose sum exceeds share strictly), and at most d.
 * Returns 0, or -1 (p untouched) when n < 2, share is outside (0, 1), a
 * statistic is not finite, the total variance is 0 or the
 * eigendecomposition does not converge. */
int mlw_pca_fit(struct mlw_pca *p, const struct mlw_comoment *c,
    double share);

/* The reconstruction error of the record x[0..d) as NannyML's
 * DataReconstructionDriftCalculator computes it
 * (_calculate_reconstruction_error_for_data): z = scaler.transform(x) =
 * (x - mean) / scale; y = pca.transform(z) = (z - pca.mean_) @
 * components_.T; r = pca.inverse_transform(y) = y @ components_ +
 * pca.mean_; the error is np.linalg.norm(z - r), the Euclidean distance in
 * the standardized space (NannyML does not undo the scaler). pca.mean_,
 * the mean of the standardized reference, is 0 up to rounding and is
 * taken as 0 here. The chunk's statistic is the mean of these errors.
 * Uses p->work: allocates nothing, and one p serves one thread. */
double mlw_pca_error(const struct mlw_pca *p, const double *x);

/* Free what mlw_pca_fit allocated. */
void mlw_pca_free(struct mlw_pca *p);

#endif
