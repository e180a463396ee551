/* fair: group fairness from per-group confusion counts, with Fairlearn's
 * definitions (see mlw-bias(1)). Pure functions over counts: no I/O, no
 * allocation. A rate whose denominator is zero is NaN here and null in the
 * output. */
#ifndef MLW_FAIR_H
#define MLW_FAIR_H

#include <stddef.h>
#include <stdint.h>

/* The most groups mlw-bias keeps in one window. */
#define MLW_FAIR_MAX_GROUPS 1000

/* The four-fifths rule: a disparate impact below this is flagged. */
#define MLW_FAIR_DI_LIMIT 0.8

/* One group's confusion counts; positive means "equal to the positive
 * class", for the label and for the prediction. */
struct mlw_fair_counts {
	uint64_t tp, fp, tn, fn;
};

/* Add one record with label y and prediction p (each 0 or 1). */
void mlw_fair_add(struct mlw_fair_counts *c, int y, int p);

/* tp + fp + tn + fn. */
uint64_t mlw_fair_n(const struct mlw_fair_counts *c);
/* (tp + fp) / n: the share predicted positive; NaN when n is 0. */
double mlw_fair_selection_rate(const struct mlw_fair_counts *c);
/* tp / (tp + fn); NaN without positive labels. */
double mlw_fair_tpr(const struct mlw_fair_counts *c);
/* fp / (fp + tn); NaN without negative labels. */
double mlw_fair_fpr(const struct mlw_fair_counts *c);
/* tp / (tp + fp); NaN without positive predictions. */
double mlw_fair_precision(const struct mlw_fair_counts *c);
/* (tp + tn) / n; NaN when n is 0. */
double mlw_fair_accuracy(const struct mlw_fair_counts *c);

/* Index of the group with the largest n among g[0..k), the first of equal
 * ones; 0 when k is 0. */
size_t mlw_fair_largest(const struct mlw_fair_counts *g, size_t k);

/* Why summary values are null (bits of mlw_fair_summary.nulls). */
enum {
	MLW_FAIR_NO_TPR = 1,      /* a group has no positive labels */
	MLW_FAIR_NO_FPR = 2,      /* a group has no negative labels */
	MLW_FAIR_ALL_ZERO = 4,    /* every selection rate is 0: no ratio */
	MLW_FAIR_NO_REF = 8,      /* the reference group is not among g */
	MLW_FAIR_REF_ZERO = 16,   /* the reference's selection rate is 0 */
	MLW_FAIR_ONE_GROUP = 32   /* no group besides the reference */
};

struct mlw_fair_summary {
	double dpd;      /* max - min of the selection rates */
	double dpr;      /* min / max of the selection rates */
	double di;       /* min over groups other than the reference of
	                    selection rate / the reference's */
	int di_flag;     /* di is a number and di < MLW_FAIR_DI_LIMIT */
	double eod;      /* equal opportunity: max - min of the tprs */
	double eqodds;   /* equalized odds: max(tpr max - min, fpr max - min) */
	unsigned nulls;  /* MLW_FAIR_* bits */
};

/* The disparities over groups g[0..k) (k >= 1, every group with n > 0),
 * against g[ref], or no reference when ref < 0. A difference or ratio is
 * NaN when any rate it needs is NaN (a group without positive labels makes
 * eod and eqodds NaN) or its denominator is 0. */
void mlw_fair_summarize(const struct mlw_fair_counts *g, size_t k, long ref,
    struct mlw_fair_summary *s);

/* One group against the reference: differences are group minus reference,
 * NaN when either rate is NaN; di = group selection rate / reference's,
 * NaN when the reference's is 0. */
struct mlw_fair_pair {
	double sr_diff, di, tpr_diff, fpr_diff;
};
void mlw_fair_pair(const struct mlw_fair_counts *g,
    const struct mlw_fair_counts *ref, struct mlw_fair_pair *p);

#endif
