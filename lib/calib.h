/* calib: probability calibration. An isotonic calibrator as
 * scikit-learn's IsotonicRegression(out_of_bounds="clip") fits and
 * predicts it, the expected calibration error over sklearn's
 * calibration_curve bins, and whether calibrating a set of scores helps
 * (NannyML's needs_calibration, with deterministic folds). */
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

/* The bin of probability p among nbins uniform bins of [0, 1], as
 * sklearn's calibration_curve(strategy="uniform") assigns it:
 * searchsorted(linspace(0, 1, nbins + 1)[1:-1], p, side="right"). */
int mlw_calib_bin(double p, int nbins);
/* The expected calibration error of n probabilities p with labels y over
 * nbins uniform bins: sum over bins of (n_b / n) |mean(y_b) - mean(p_b)|. */
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
