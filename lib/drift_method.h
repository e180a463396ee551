/* drift_method: the methods of mlw-drift's battery. Each compares a
 * reference sample with a current one as Evidently's legacy stattests do
 * (with the SciPy functions of stattest.h), and says whether it drifted. */
#ifndef MLW_DRIFT_METHOD_H
#define MLW_DRIFT_METHOD_H

#include <stddef.h>
#include <stdint.h>

#include "stattest.h"
#include "strmap.h"

enum {
	MLW_DM_AUTO, MLW_DM_KS, MLW_DM_CHISQUARE, MLW_DM_Z, MLW_DM_PSI,
	MLW_DM_KL, MLW_DM_JS, MLW_DM_HELLINGER, MLW_DM_WASSERSTEIN,
	MLW_DM_TVD, MLW_DM_ENERGY, MLW_DM_MANNWHITNEY, MLW_DM_TTEST,
	MLW_DM_ANDERSON, MLW_DM_CVM, MLW_DM_FISHER, MLW_DM_N
};

/* How a method's value is compared with its threshold. */
enum { MLW_CMP_PLE, MLW_CMP_PLT, MLW_CMP_SGE, MLW_CMP_SGT };

struct mlw_dmethod {
	const char *name;        /* as mlw-drift prints it */
	const char *alias;       /* Evidently's name, or NULL */
	double threshold;        /* Evidently's default */
	int cmp;                 /* p <= t, p < t, stat >= t, stat > t */
	int numeric;             /* needs numeric values */
	int binned;              /* works from bin counts (--binning quantile) */
};
extern const struct mlw_dmethod mlw_dmethods[MLW_DM_N];

/* The method named name (or its Evidently alias), or -1. */
int mlw_dmethod_find(const char *name);

/* A sample: numeric values sorted ascending (x, n), or counts per category
 * or bin (c[0..k), total their sum, names the category texts when they are
 * categories). std is the population standard deviation of a numeric
 * reference; distinct its number of distinct values. */
struct mlw_dsample {
	const double *x;
	size_t n;
	const uint64_t *c;
	size_t k;
	uint64_t total;
	const struct mlw_strmap *names;
	double std;
	size_t distinct;
};

/* Scratch memory reused from call to call. */
struct mlw_dscratch {
	double *a, *b, *e;
	size_t acap, bcap, ecap;
	uint64_t *ca, *cb;
	size_t cacap, cbcap;
};
void mlw_dscratch_free(struct mlw_dscratch *s);

/* Distinct values of two sorted samples together. */
size_t mlw_distinct_union(const double *a, size_t na, const double *b,
    size_t nb);
/* Distinct values of one sorted sample. */
size_t mlw_distinct(const double *x, size_t n);

/* The method Evidently's defaults pick: with a reference of at most 1000
 * values, z (at most 2 distinct values in both samples), chisquare (3 to
 * 5, or any categorical), ks (numeric, more than 5); above 1000,
 * jensenshannon (categorical, or numeric with at most 5 distinct values)
 * or wasserstein. */
int mlw_dmethod_auto(const struct mlw_dsample *ref,
    const struct mlw_dsample *cur);

/* Run method m (not MLW_DM_AUTO). The samples are both numeric or both
 * counts over the same categories or bins. js_base is the logarithm base
 * of jensenshannon (0: natural). Returns the statistic and p-value (p NAN
 * for distances); stat NAN with *why set when the method cannot be
 * computed on these samples, and *why set too when the statistic came out
 * infinite or undefined (an infinite odds ratio, two constant samples). */
struct mlw_test mlw_dmethod_run(int m, const struct mlw_dsample *ref,
    const struct mlw_dsample *cur, double js_base, struct mlw_dscratch *s,
    const char **why);

/* 1 when (stat, p) is drift against threshold t by method m's rule. */
int mlw_dmethod_is(int m, double stat, double p, double t);
/* The verdict on t against threshold thr: a test's comes from its p-value
 * whenever that is finite, whatever the statistic (Evidently decides by
 * p alone); a distance's from its statistic. 1 drift, 0 none, -1 when the
 * number it needs is not finite. */
int mlw_dmethod_verdict(int m, struct mlw_test t, double thr);

/* Multiple-testing corrections of the dataset verdict (--correction);
 * mlw_dcorrections names them, NULL-terminated, in this order. */
enum { MLW_CORR_NONE, MLW_CORR_BONFERRONI, MLW_CORR_FDR };
extern const char *const mlw_dcorrections[];

/* Whether a window drifted by correction corr (not MLW_CORR_NONE) of its
 * m p-values p[0..m) at level alpha, as Alibi Detect's feature-wise
 * detectors decide (alibi_detect/cd/base.py, BaseUnivariateDrift.predict;
 * alibi_detect/utils/statstest.py, fdr): bonferroni, some p < alpha / m;
 * fdr (Benjamini-Hochberg), with p sorted ascending, some
 * p_(k) < alpha * k / m, k = 1..m (strict, and alpha * k computed
 * before the division, as NumPy does). p is sorted in place. 1 drift,
 * 0 none, -1 when m is 0 (no verdict). */
int mlw_dcorrected(int corr, double *p, size_t m, double alpha);

/* Sturges edges as numpy.histogram_bin_edges(concat(a, b), "sturges"):
 * writes the edges to *e (reallocated) and returns how many there are. */
size_t mlw_sturges_edges(const double *a, size_t na, const double *b,
    size_t nb, double **e, size_t *ecap);

#endif
