/* stattest: two-sample statistical tests and distances, each computed as
 * SciPy 1.10 defines it (and as Evidently's legacy stattests call it); the
 * distribution functions they need are dist.h's.
 *
 * Samples are passed sorted ascending (the caller sorts once and reuses
 * them) and hold no NaN; n may be 1. A result's p is NAN for a distance,
 * and both fields are NAN where SciPy raises or returns nan (an empty
 * side, too few observations, a t-test with n = 1 on a side): the caller
 * reports null. Where SciPy returns an infinity, so do we (a t-test with
 * zero variance on both sides and different means gives t = +-inf, p = 0;
 * chisquare with an expected count of 0 gives inf, p = 0): the caller
 * prints null for the statistic and keeps the p-value.
 *
 * Agreement with SciPy 1.10.1 (tests/unit/test_stattest.c, values from
 * tests/data/witness-stattest.py): statistics bit for bit on the test
 * data (same formulas, same order of operations, NumPy's pairwise
 * summation), p-values to about 1e-13 relative or better (subnormal
 * p-values aside), except the asymptotic Cramer-von Mises p-value, which
 * SciPy computes as 1 - cdf and which therefore agrees to about 4e-15
 * absolute only (so 1e-4 relative at p = 1e-11; ours is the closer one
 * to a 40-digit evaluation of the same series).
 *
 * Inputs must not contain NaN; if they do, the functions still return
 * (with meaningless values), never hang or crash.
 *
 * Cost, with N = na + nb: O(N) for the statistics of ks, mannwhitneyu,
 * ttest, anderson, cvm, energy and wasserstein (the input is sorted), and
 * an O(N) scratch array for the sums (allocated and freed per call). The
 * exact distributions cost more, as in SciPy: ks exact (max(na, nb) <=
 * 10000) O(N) when na == nb, else O(na nb min(1, 2D)) time and
 * O(min(na, nb)) memory, as SciPy's own recursion (0.2 s at 10000 x 9999
 * with D = 0.08, up to 1.5 s there when D >= 0.5; D = 1 is O(N) by a
 * closed form); the asymptotic ks p-value is O(1)
 * to O(N) (Durbin's matrix: O(k^3 log n), k <= 2 n^(1/3)); exact
 * Mann-Whitney (a side <= 8, no ties) O(2^m U) time, O(U) memory; exact
 * Cramer-von Mises (both sides <= 20) a few ms at 20 x 20. */
#ifndef MLW_STATTEST_H
#define MLW_STATTEST_H

#include <stddef.h>
#include <stdint.h>

struct mlw_test {
	double stat;
	double p;
};

/* scipy.stats.ks_2samp(a, b), alternative two-sided, method "auto": exact
 * when max(na, nb) <= 10000 (then stat is D rounded to the lattice,
 * round(D lcm)/lcm, as SciPy returns it), asymptotic otherwise:
 * p = kstwo.sf(D, round(na nb / (na + nb))); SciPy's fallback to the
 * asymptotic p when the exact one is not in [0, 1] is kept. */
struct mlw_test mlw_ks_2samp(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.mannwhitneyu(a, b): two-sided, use_continuity, method "auto"
 * as SciPy 1.10's code decides it: exact when one size is <= 8 and there
 * are no ties, else the tie-corrected normal approximation. stat is U of
 * a; p = min(1, 2 P(U >= max(U_a, U_b))). */
struct mlw_test mlw_mannwhitneyu(const double *a, size_t na, const double *b,
    size_t nb);
/* The same with SciPy's alternative: MLW_LESS (a stochastically less than
 * b: p = P(U >= U_b)), MLW_GREATER (p = P(U >= U_a)) or MLW_TWO_SIDED.
 * Evidently's "mannw" is MLW_LESS with a the reference. */
enum { MLW_TWO_SIDED, MLW_LESS, MLW_GREATER };
struct mlw_test mlw_mannwhitneyu_alt(const double *a, size_t na,
    const double *b, size_t nb, int alternative);

/* scipy.stats.ttest_ind(a, b, equal_var): Student's (equal_var != 0) or
 * Welch's t-test, two-sided; p = 2 t_sf(|t|, df). n = 1 on a side gives
 * NAN (the variance is nan in SciPy); zero variance on both sides gives
 * t = +-inf and p = 0, or NAN when the means are equal, as SciPy. */
struct mlw_test mlw_ttest_ind(const double *a, size_t na, const double *b,
    size_t nb, int equal_var);

/* scipy.stats.anderson_ksamp([a, b]) with midrank: stat is the normalized
 * k-sample statistic, p its interpolated significance level, capped to
 * [0.001, 0.25] as SciPy does (exp of the quadratic np.polyfit of
 * log(significance) on the critical values, evaluated at stat). NAN when
 * SciPy raises or fails: an empty side, na + nb = 2 (an IndexError in
 * SciPy), or fewer than two distinct values. */
struct mlw_test mlw_anderson_ksamp(const double *a, size_t na,
    const double *b, size_t nb);

/* The critical values anderson_ksamp reports for two samples (k = 2), at
 * significance 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001. */
void mlw_anderson_ksamp_critical(double crit[7]);

/* scipy.stats.cramervonmises_2samp(a, b), method "auto": the exact
 * distribution when both sizes are <= 20, else the normalized statistic
 * against the limiting distribution (_cdf_cvm_inf, summed until a term is
 * below 1e-7 as SciPy does), p = max(0, 1 - cdf), and p = 1 when the
 * normalized statistic is below 0.003. NAN when a side has < 2 values. */
struct mlw_test mlw_cvm_2samp(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.energy_distance(a, b) and wasserstein_distance(a, b),
 * unweighted. p is NAN. */
struct mlw_test mlw_energy_distance(const double *a, size_t na,
    const double *b, size_t nb);
struct mlw_test mlw_wasserstein(const double *a, size_t na, const double *b,
    size_t nb);

/* scipy.stats.chisquare(obs, exp) over k cells: stat = sum (o-e)^2/e,
 * p = chi2.sf(stat, k - 1). NAN when the sums of obs and exp differ by
 * more than 1e-8 relative (SciPy 1.10 raises); p NAN when k < 2; an
 * expected 0 with an observed > 0 gives inf and p = 0 (0 and 0: NAN). */
struct mlw_test mlw_chisquare(const double *obs, const double *exp, size_t k);

/* scipy.stats.fisher_exact([[a, b], [c, d]]), two-sided: stat is the
 * sample odds ratio (a*d)/(b*c) (inf when b or c is 0; nan with p = 1
 * when a row or column is empty, as SciPy gives). p sums the tables whose
 * probability is at most the observed one's times 1 + 1e-14: that is
 * SciPy 1.10.1's tolerance (R's fisher.test uses 1 + 1e-7). */
struct mlw_test mlw_fisher_exact(uint64_t a, uint64_t b, uint64_t c,
    uint64_t d);

/* Evidently's z_stat_test (legacy/calculations/stattests/z_stattest.py):
 * p1 = x1/n1, p2 = x2/n2, P = (p1 n1 + p2 n2)/(n1 + n2),
 * z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)), p = 2 (1 - norm.cdf(|z|))
 * (Evidently's 1 - cdf: p is 0 beyond |z| ~ 8.3). Evidently codes a value
 * equal to the smallest category of both sides as 0, others as 1, so x
 * counts the values that are not the smallest category. When both sides
 * hold a single, equal value (P is 0 or 1) Evidently gives p = 1 and no z:
 * stat is NAN and p is 1. */
struct mlw_test mlw_ztest_2prop(uint64_t x1, uint64_t n1, uint64_t x2,
    uint64_t n2);

#endif
