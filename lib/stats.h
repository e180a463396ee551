/* stats: quantiles, binning and the Population Stability Index. */
#ifndef MLW_STATS_H
#define MLW_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The q-quantile (0 <= q <= 1) of sorted x[0..n), n >= 1, by linear
 * interpolation between order statistics: numpy.quantile's default
 * ("linear", Hyndman & Fan type 7, R's default), computed with numpy's
 * arithmetic (index (n-1)*q; a+(b-a)*g when g < 0.5, else b-(b-a)*(1-g))
 * so that the results agree to the last bit. */
double mlw_quantile_sorted(const double *x, size_t n, double q);

/* The sum of x[0..n) as numpy.sum computes it (left to right over
 * buffers of 8192 elements, each summed pairwise: eight running sums over
 * blocks of at most 128, halves above that), so that results computed from
 * sums agree with NumPy's to the last bit. */
double mlw_np_sum(const double *x, size_t n);

/* numpy.var(x) (ddof 0, n >= 1) with numpy's sums: mean((x - m)^2), m the
 * mean, stored in *mean unless mean is NULL. */
double mlw_np_var(const double *x, size_t n, double *mean);

/* Sort x[0..n) ascending. */
void mlw_sort_doubles(double *x, size_t n);

/* Inner bin edges for nbins bins over sorted x[0..n): quantile edges at
 * k/nbins (k = 1..nbins-1) or, when uniform, min + k*((max-min)/nbins).
 * Repeated edges are merged. Writes at most nbins-1 edges to edges and
 * returns how many. */
size_t mlw_edges(const double *x, size_t n, int nbins, int uniform,
    double *edges);

/* The bin of v for inner edges e[0..ne): the number of edges <= v, so bins
 * are (-inf,e0), [e0,e1), ..., [e_last,+inf). */
size_t mlw_bin_of(const double *e, size_t ne, double v);

/* PSI = sum over bins of (a - e) * ln(a / e), where e = ref[i]/ref_n and
 * a = cur[i]/cur_n are the proportions, each replaced by eps when exactly
 * 0. Summed in bin order. ref_n and cur_n must be > 0. */
double mlw_psi(const uint64_t *ref, uint64_t ref_n, const uint64_t *cur,
    uint64_t cur_n, size_t nbins, double eps);

struct mlw_xsum;
/* The mean and sample standard deviation (ddof 1) of n numbers from exact
 * sums, so that they do not depend on the order of the values (nor on how
 * --merge split them): the mean is the exact sum xs rounded once, divided
 * by n. With vals (the n numbers themselves) the corrected two-pass
 * algorithm: with d_i = x_i - mean (rounded), (sum d_i^2 - (sum d_i)^2 / n)
 * / (n - 1), both sums exact. Without, the same from the exact sums xs of
 * x and xss of x^2: sum (x_i - mean)^2 = sum x_i^2 - 2 mean sum x_i +
 * n mean^2 and sum d_i = sum x_i - n mean, each computed exactly. The
 * deviation is NaN when n < 2 or the mean is not finite. */
void mlw_moments(const struct mlw_xsum *xs, const struct mlw_xsum *xss,
    const double *vals, uint64_t n, double *mean, double *sd);

#endif
