/* dist: the distribution functions of the statistical tests (stattest.h):
 * survival functions (upper tails) of the normal, chi-square, Student's t
 * and Kolmogorov-Smirnov distributions, accurate to about 1e-14 relative
 * where SciPy's are. */
#ifndef MLW_DIST_H
#define MLW_DIST_H

double mlw_norm_sf(double z);
double mlw_chi2_sf(double x, double df);
double mlw_t_sf(double t, double df);
/* scipy.stats.kstwo.sf(d, n): the one-sample two-sided KS distribution,
 * choosing among Durbin's matrix, Pomeranz's recursion, the Pelz-Good
 * series and the one-sided Smirnov sum exactly as SciPy's _kolmogn does
 * (Simard & L'Ecuyer 2011). n must be a positive integer. */
double mlw_kstwo_sf(double d, double n);
/* The standard normal cdf, as scipy.special.ndtr. */
double mlw_norm_cdf(double z);
/* p clipped to [0, 1] (NaN stays NaN). */
double mlw_clip01(double p);

#endif
