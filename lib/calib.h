/* calib: probability calibration. An isotonic calibrator as
 * scikit-learn's IsotonicRegression(out_of_bounds="clip") fits and
 * predicts it, sklearn's calibration_curve bins (the reliability
 * diagram) and the expected calibration error over them, and whether
 * calibrating a set of scores helps (NannyML's needs_calibration, with
 * deterministic folds). */
#ifndef MLW_CALIB_H
#define MLW_CALIB_H

#include <stddef.h>
#include <stdint.h>

/* The fitted calibrator: the points (x[i], y[i]) between which it
 * interpolates linearly (np.interp), x increasing; below x[0] it is y[0],
 * above x[n-1] y[n-1]. n == 0: the identity (not calibrated). */
struct mlw_iso {
	double *x, *y;
	size_t n;
};

/* Fit on n pairs (s[i], y[i] 0/1): the pairs sorted by score (then
 * label), equal scores pooled into their mean label weighted by their
 * count, pool-adjacent-violators for the increasing fit, and the points
 * inside a run of equal fitted values dropped (as sklearn keeps only
 * X_thresholds_, y_thresholds_). n must be > 0. */
void mlw_iso_fit(struct mlw_iso *c, const double *s, const unsigned char *y,
    size_t n);
/* The calibrated probability of score s (s itself when c->n == 0). */
double mlw_iso_predict(const struct mlw_iso *c, double s);
void mlw_iso_free(struct mlw_iso *c);

/* The reliability diagram of sklearn's calibration_curve (sklearn 1.2,
 * sklearn/calibration.py): nbins bins between edges edge[0..nbins]; a
 * probability p goes to np.searchsorted(edge[1:-1], p) (side "left"),
 * the number of inner edges strictly below p, so that bin b holds
 * edge[b] < p <= edge[b+1] (the first bin also p == edge[0]). Per bin
 * the number of probabilities, the number of positive labels, and the
 * exact sum of the probabilities (xsum.h), so that two diagrams with the
 * same edges merge to the same bits as one pass; prob_true is then
 * positives / n and prob_pred sum / n, each one rounding (sklearn's
 * np.bincount sums in input order; the two agree to a few units in the
 * last place). */
struct mlw_xsum;
struct mlw_calbins {
	int nbins;
	double *edge;            /* nbins + 1 edges, increasing */
	uint64_t *n, *pos;       /* per bin */
	struct mlw_xsum *sum;    /* per bin */
};
enum { MLW_CALIB_UNIFORM, MLW_CALIB_QUANTILE };
/* "uniform", "quantile" by MLW_CALIB_*, NULL-ended. */
extern const char *const mlw_calib_strategy_names[];

/* Edge k (0 <= k <= nbins) of nbins uniform bins of [0, 1], bit for bit
 * as np.linspace(0, 1, nbins + 1) computes it: k * (1.0 / nbins), and 1
 * for k == nbins. */
double mlw_calib_edge(int k, int nbins);
/* The uniform bin (0 .. nbins-1) of probability p in [0, 1], as above:
 * the number of edges k = 1 .. nbins-1 with mlw_calib_edge(k) < p. */
int mlw_calib_bin(double p, int nbins);
/* An empty diagram of nbins >= 2 uniform bins; cleared: its counts and
 * sums emptied, its edges kept; freed: all zero. */
void mlw_calbins_init(struct mlw_calbins *c, int nbins);
void mlw_calbins_clear(struct mlw_calbins *c);
void mlw_calbins_free(struct mlw_calbins *c);
/* Make c's edges the quantile edges of sorted s[0..n), n >= 1:
 * np.percentile(s, np.linspace(0, 1, nbins + 1) * 100), numpy's "linear"
 * method with numpy's arithmetic (the percentile k * (1.0 / nbins) * 100,
 * divided by 100 again, as numpy does), and empty it. Repeated edges
 * stay: a bin between two equal edges is empty. */
void mlw_calbins_quantile(struct mlw_calbins *c, const double *s, size_t n);
/* The bin of p among c's edges (searchsorted, side "left"). */
int mlw_calbins_find(const struct mlw_calbins *c, double p);
/* Count probability p with label y (0/1). */
void mlw_calbins_add(struct mlw_calbins *c, double p, int y);
/* The expected calibration error over the nonempty bins, in bin order:
 * sum of (n_b / n) * |pos_b / n_b - sum_b / n_b|, n the total count; and
 * in *mce (unless NULL) the largest |pos_b / n_b - sum_b / n_b|. Both
 * NaN when the diagram is empty. */
double mlw_calbins_ece(const struct mlw_calbins *c, double *mce);

/* The expected calibration error of n > 0 probabilities p in [0, 1] with
 * labels y over nbins uniform bins, as mlw_calbins_ece computes it. */
double mlw_ece(const double *p, const unsigned char *y, size_t n, int nbins);
/* Whether isotonic calibration helps these n scores: over 10 folds
 * (record i in fold i mod 10), a calibrator fitted on the other nine
 * folds; 1 when the held-out expected calibration error (10 bins) of the
 * calibrated probabilities, pooled over the folds, is below that of the
 * scores themselves; 0 otherwise, and when the labels are all one class
 * or there are fewer than 20 pairs. Scores outside [0, 1] always need
 * it. */
int mlw_iso_needed(const double *s, const unsigned char *y, size_t n);

#endif
