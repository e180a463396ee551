/* stattest: two-sample statistical tests and distances, each computed as
 * SciPy 1.10 defines it (and as Evidently's legacy stattests call it), with
 * the distribution functions they need written out.
 *
 * Samples are passed sorted ascending (the caller sorts once and reuses
 * them); n may be 1. A result's p is NAN for a distance, and both fields
 * are NAN when the statistic is undefined for the input (for example a
 * t-test with zero variance on both sides): the caller reports null. */
#ifndef MLW_STATTEST_H
#define MLW_STATTEST_H

#include <stddef.h>
#include <stdint.h>

struct mlw_test {
	double stat;
	double p;
};

/* scipy.stats.ks_2samp(a, b), alternative two-sided, method "auto": exact
 * when max(na, nb) <= 10000, asymptotic otherwise, with SciPy's fallbacks. */
struct mlw_test mlw_ks_2samp(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.mannwhitneyu(a, b): two-sided, use_continuity, method "auto"
 * (exact when both sizes < 8 and there are no ties). stat is U of a. */
struct mlw_test mlw_mannwhitneyu(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.ttest_ind(a, b, equal_var): Student's (equal_var != 0) or
 * Welch's t-test, two-sided. */
struct mlw_test mlw_ttest_ind(const double *a, size_t na, const double *b,
    size_t nb, int equal_var);

/* scipy.stats.anderson_ksamp([a, b]) with midrank: stat is the normalized
 * k-sample statistic, p its interpolated significance level, capped to
 * [0.001, 0.25] as SciPy does. */
struct mlw_test mlw_anderson_ksamp(const double *a, size_t na,
    const double *b, size_t nb);

/* scipy.stats.cramervonmises_2samp(a, b), method "auto" (exact when both
 * sizes <= 20... as SciPy decides). */
struct mlw_test mlw_cvm_2samp(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.energy_distance(a, b) and wasserstein_distance(a, b),
 * unweighted. p is NAN. */
struct mlw_test mlw_energy_distance(const double *a, size_t na,
    const double *b, size_t nb);
struct mlw_test mlw_wasserstein(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.chisquare(obs, exp) over k cells: stat = sum (o-e)^2/e,
 * p = chi2.sf(stat, k - 1). */
struct mlw_test mlw_chisquare(const double *obs, const double *exp, size_t k);

/* scipy.stats.fisher_exact([[a, b], [c, d]]), two-sided: stat is the
 * sample odds ratio (a*d)/(b*c) (inf or nan as SciPy gives). */
struct mlw_test mlw_fisher_exact(uint64_t a, uint64_t b, uint64_t c,
    uint64_t d);

/* Evidently's z_stat_test: two-proportion z-test with pooled proportion for
 * the share x1/n1 against x2/n2; p two-sided from the normal distribution. */
struct mlw_test mlw_ztest_2prop(uint64_t x1, uint64_t n1, uint64_t x2,
    uint64_t n2);

/* Distribution functions (survival functions, upper tails), accurate to
 * about 1e-14 relative where SciPy's are. */
double mlw_norm_sf(double z);
double mlw_chi2_sf(double x, double df);
double mlw_t_sf(double t, double df);
/* scipy.stats.kstwo.sf(d, n): the one-sample two-sided KS distribution. */
double mlw_kstwo_sf(double d, double n);

#endif
