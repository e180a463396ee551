/* metrics: model quality from labels, per window and segment, as
 * scikit-learn defines each metric (see mlw-metrics(1)). Accumulators
 * take one record at a time; a metric whose denominator is zero is NaN
 * here and null in the output. */
#ifndef MLW_METRICS_H
#define MLW_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "jw.h"
#include "strmap.h"

/* The class of the label or prediction at token i of doc: 1 positive, 0
 * negative, -1 not a scalar, -2 neither class. Without positive, 1, true,
 * "1" and "true" are positive and 0, false, "0" and "false" negative; with
 * it, the value equal to positive is (numbers compare by value when
 * positive reads as a number) and every other is negative. tmp is scratch. */
int mlw_binary_class(const char *positive, const struct mlw_json *doc,
    long i, struct mlw_buf *tmp);

/* Binary classification. */
struct mlw_binacc {
	uint64_t tp, fp, tn, fn;
	uint64_t nscore;
	double logloss, brier;   /* sums over records with a score */
	/* scores for the AUCs: pairs kept, or counts per bin with bins > 0 */
	double *s;
	unsigned char *y;
	size_t ns, cap;
	int bins;
	uint64_t *bpos, *bneg;
};

void mlw_bin_init(struct mlw_binacc *a, int bins);
void mlw_bin_clear(struct mlw_binacc *a);
void mlw_bin_free(struct mlw_binacc *a);
/* One record: label and prediction 0/1; a score in [0,1] when has_score. */
void mlw_bin_add(struct mlw_binacc *a, int label, int pred, int has_score,
    double score);
/* Append the binary metrics as members of an open object. */
void mlw_bin_write(struct mlw_buf *b, struct mlw_binacc *a, int scores);

/* Area under the ROC curve of n (score, label) pairs, as sklearn's
 * roc_auc_score: the trapezoid over the distinct scores, ties counted
 * half. Sorts the pairs. NaN when only one class is present. */
double mlw_roc_auc(double *s, unsigned char *y, size_t n);
/* sklearn's average_precision_score: sum over distinct thresholds, from
 * the highest, of (R_k - R_k-1) * P_k. NaN without positives. Sorts. */
double mlw_average_precision(double *s, unsigned char *y, size_t n);

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

/* Regression. */
struct mlw_regacc {
	uint64_t n;
	double sae, sse, sape, se, maxe;   /* sums of |e|, e^2, |e|/|y|, e */
	double ymean, ym2;                  /* Welford over the labels */
};

void mlw_reg_clear(struct mlw_regacc *a);
void mlw_reg_add(struct mlw_regacc *a, double label, double pred);
void mlw_reg_write(struct mlw_buf *b, const struct mlw_regacc *a);

#endif
