/* metrics: model quality from labels, per window and segment, as
 * scikit-learn defines each metric (see mlw-metrics(1)). Accumulators
 * take one record at a time; a metric whose denominator is zero is NaN
 * here and null in the output. */
#ifndef MLW_METRICS_H
#define MLW_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "calib.h"
#include "json.h"
#include "jsonw.h"
#include "state.h"
#include "strmap.h"

/* The class of the label or prediction at token i of doc: 1 positive, 0
 * negative, -1 not a scalar, -2 neither class. Without positive, 1, true,
 * "1" and "true" are positive and 0, false, "0" and "false" negative; with
 * it, the value equal to positive is (numbers compare by value when
 * positive reads as a number) and every other is negative. tmp is scratch. */
int mlw_binary_class(const char *positive, const struct mlw_json *doc,
    long i, struct mlw_buf *tmp);
/* The class a score predicts: 1 when score > threshold, else 0. On a tie
 * the class is negative, as scikit-learn's predict() takes the first class
 * of predict_proba's argmax for a probability of exactly 0.5. */
int mlw_score_class(double score, double threshold);

/* Binary classification. */
struct mlw_binacc {
	uint64_t tp, fp, tn, fn;
	uint64_t nscore;
	struct mlw_xsum logloss, brier;  /* exact sums over records with a
	                                  * score, so shards merge exactly */
	/* scores for the AUCs: pairs kept, or counts per bin with bins > 0 */
	double *s;
	unsigned char *y;
	size_t ns, cap;
	int bins;
	uint64_t *bpos, *bneg;
	/* the reliability diagram (calib.h) with cbins > 0: counted as the
	 * records come with uniform bins; made from the kept scores when
	 * written with quantile bins */
	int cbins, cstrat;
	struct mlw_calbins cal;
	int curves;              /* write the ROC and PR curves' points */
};

void mlw_bin_init(struct mlw_binacc *a, int bins);
/* After mlw_bin_init: the reliability diagram of cbins >= 2 bins of
 * strategy cstrat (MLW_CALIB_*) too. Quantile bins keep every score. */
void mlw_bin_calibration(struct mlw_binacc *a, int cbins, int cstrat);
void mlw_bin_clear(struct mlw_binacc *a);
void mlw_bin_free(struct mlw_binacc *a);
/* One record: label and prediction 0/1; a score in [0,1] when has_score. */
void mlw_bin_add(struct mlw_binacc *a, int label, int pred, int has_score,
    double score);
/* Append the binary metrics as members of an open object; with scores
 * and a reliability diagram, calibration_error, max_calibration_error and
 * calibration_bins, an array of one object per nonempty bin: lower,
 * upper, n, positives, mean_predicted, fraction_positive; with scores and
 * a->curves (mlw-metrics --detail), roc_curve {threshold, fpr, tpr} (as
 * scikit-learn's roc_curve with drop_intermediate, without its first
 * point (0, 0)) and pr_curve {threshold, precision, recall} (every
 * distinct score, from the highest), the lower edge of each nonempty bin
 * as its threshold with --auc-bins. */
void mlw_bin_write(struct mlw_buf *b, struct mlw_binacc *a, int scores);
/* Append the accumulator's mergeable state (counts, exact sums, AUC bins,
 * uniform calibration bins; never the kept scores, so never quantile
 * bins) as members of an open object; add such a state,
 * read from the object at token 0 of doc, to a: 0, or -1 with *why. */
void mlw_bin_state_write(struct mlw_buf *b, const struct mlw_binacc *a);
int mlw_bin_state_read(struct mlw_binacc *a, const struct mlw_json *doc,
    const char **why);

/* Area under the ROC curve of n (score, label) pairs, as sklearn's
 * roc_auc_score: the trapezoid over the distinct scores, ties counted
 * half. Sorts the pairs. NaN when only one class is present. */
double mlw_roc_auc(double *s, unsigned char *y, size_t n);
/* sklearn's average_precision_score: sum over distinct thresholds, from
 * the highest, of (R_k - R_k-1) * P_k. NaN without positives. Sorts. */
double mlw_average_precision(double *s, unsigned char *y, size_t n);

/* Both from counts per distinct score (or score bin) in increasing score
 * order: pos[i] positives and neg[i] negatives at the i-th. NaN as above. */
void mlw_auc_counts(const uint64_t *pos, const uint64_t *neg, size_t n,
    double *auc, double *ap);

/* Multiclass: a confusion matrix over the labels seen. */
struct mlw_mcacc {
	struct mlw_strmap names;
	uint64_t *cm;            /* cm[true * cap + pred] */
	size_t cap;
	uint64_t n;
	int text;                /* a class came from a string or boolean */
};

void mlw_mc_clear(struct mlw_mcacc *a);
void mlw_mc_free(struct mlw_mcacc *a);
/* One record; numeric when both came from JSON numbers (classes sort
 * numerically only when all did, as scikit-learn's sorted labels). Returns
 * -1 when the window would have more than MLW_MC_MAX classes. */
int mlw_mc_add(struct mlw_mcacc *a, const char *label, size_t llen,
    const char *pred, size_t plen, int numeric);
void mlw_mc_write(struct mlw_buf *b, struct mlw_mcacc *a);
#define MLW_MC_MAX 1000
/* State: "text" and "cells", [[label, prediction, count], ...]. */
void mlw_mc_state_write(struct mlw_buf *b, const struct mlw_mcacc *a);
int mlw_mc_state_read(struct mlw_mcacc *a, const struct mlw_json *doc,
    const char **why);

/* Regression. */
/* Regression: exact sums of |e|, e^2, |e|/|y|, e, y and y^2 (y^2 exactly,
 * as its rounded value and its error), so that the result does not depend
 * on the order of the records and shards merge exactly. An all-zero struct
 * is empty. */
struct mlw_regacc {
	uint64_t n;
	struct mlw_xsum sae, sse, sape, se, sy, sy2;
	double maxe;
};

void mlw_reg_clear(struct mlw_regacc *a);
void mlw_reg_add(struct mlw_regacc *a, double label, double pred);
void mlw_reg_write(struct mlw_buf *b, const struct mlw_regacc *a);
/* State: n and the sums (exact), max_abs. */
void mlw_reg_state_write(struct mlw_buf *b, const struct mlw_regacc *a);
int mlw_reg_state_read(struct mlw_regacc *a, const struct mlw_json *doc,
    const char **why);

#endif
