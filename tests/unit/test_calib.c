/* Unit tests of lib/calib.c. Expected values from Debian's
 * python3-sklearn 1.2.1 and NumPy 1.24, run by hand on the 12 pairs
 * below: IsotonicRegression(out_of_bounds="clip").fit(s, y) gives
 * X_thresholds_ [0.05, 0.2, 0.35, 0.4, 0.75, 0.8, 0.9], y_thresholds_
 * [0, 0, 0.5, 0.6, 0.6, 1, 1] and the predictions pinned here.
 *
 * The calibration bins are sklearn.calibration.calibration_curve's, on
 * those 12 pairs and the 7 edge cases after them (0, 1, 0.5 and the edges
 * 0.30000000000000004 and 0.7000000000000001 of np.linspace(0, 1, 11),
 * with 0.3 and 0.7 just below them): np.searchsorted(bins[1:-1], s), the
 * default side "left", so that a probability on an edge is in the bin
 * below it (0.1 in bin 0, 0.4 in bin 3); bins np.linspace(0, 1, N + 1)
 * for strategy="uniform", whose edges (printed with repr) are pinned for
 * N = 3, 7, 10 and 49, and np.percentile(s, np.linspace(0, 1, N + 1) *
 * 100) for "quantile". The expected calibration errors are, with the
 * prob_true and prob_pred calibration_curve(y, s, n_bins=N,
 * strategy=...) returns and n_b the np.bincount of the bins, the sum
 * over nonempty bins in bin order of n_b / n * abs(prob_true -
 * prob_pred), and the maximum the largest abs(prob_true - prob_pred),
 * with prob_pred as mlw computes it: the exact sum (math.fsum) / n_b.
 * sklearn's prob_pred sums in input order (np.bincount) and differs from
 * it in two bins here, by one unit in the last place: bin 1 of 5 uniform
 * bins, 0.34 (sklearn) against 0.33999999999999997 (exact), and bin 3 of
 * 5 quantile bins, 0.6499999999999999 against 0.65. The errors are the
 * same either way but for the maximum over 5 uniform bins, 0.26 here and
 * 0.25999999999999995 from sklearn's means. */
#include <math.h>
#include <stddef.h>

#include "calib.h"
#include "stats.h"
#include "xsum.h"
#include "tap.h"

int
main(void)
{
	static const double s[] = { 0.1, 0.35, 0.35, 0.2, 0.8, 0.6, 0.6, 0.9,
	    0.4, 0.75, 0.05, 0.55 };
	static const unsigned char y[] = { 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1 };
	static const double t[] = { -1, 0.05, 0.1, 0.3, 0.35, 0.5, 0.58, 0.6,
	    0.7, 0.85, 0.9, 2 };
	static const double want[] = { 0, 0, 0, 0.3333333333333333, 0.5, 0.6,
	    0.6, 0.6, 0.6, 1, 1, 1 };
	static const double wx[] = { 0.05, 0.2, 0.35, 0.4, 0.75, 0.8, 0.9 };
	static const double wy[] = { 0, 0, 0.5, 0.6, 0.6, 1, 1 };
	/* the 12 pairs above, then the edge cases */
	static const double cs[] = { 0.1, 0.35, 0.35, 0.2, 0.8, 0.6, 0.6,
	    0.9, 0.4, 0.75, 0.05, 0.55, 0.0, 1.0, 0.5, 0.30000000000000004,
	    0.7000000000000001, 0.3, 0.7 };
	static const unsigned char cy[] = { 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0,
	    1, 0, 1, 1, 0, 1, 1, 0 };
	static const int wbin[] = { 0, 3, 3, 1, 7, 5, 5, 8, 3, 7, 0, 5, 0, 9,
	    4, 2, 6, 2, 6 };
	static const int wbin5[] = { 0, 1, 1, 0, 3, 2, 2, 4, 1, 3, 0, 2, 0, 4,
	    2, 1, 3, 1, 3 };
	/* np.linspace(0, 1, N + 1) */
	static const double lin3[] = { 0.0, 0.3333333333333333,
	    0.6666666666666666, 1.0 };
	static const double lin7[] = { 0.0, 0.14285714285714285,
	    0.2857142857142857, 0.42857142857142855, 0.5714285714285714,
	    0.7142857142857142, 0.8571428571428571, 1.0 };
	static const double lin10[] = { 0.0, 0.1, 0.2, 0.30000000000000004,
	    0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0 };
	static const double lin49[] = { 0.0, 0.02040816326530612,
	    0.04081632653061224, 0.061224489795918366, 0.08163265306122448,
	    0.1020408163265306, 0.12244897959183673, 0.14285714285714285,
	    0.16326530612244897, 0.18367346938775508, 0.2040816326530612,
	    0.22448979591836732, 0.24489795918367346, 0.26530612244897955,
	    0.2857142857142857, 0.3061224489795918, 0.32653061224489793,
	    0.3469387755102041, 0.36734693877551017, 0.3877551020408163,
	    0.4081632653061224, 0.42857142857142855, 0.44897959183673464,
	    0.4693877551020408, 0.4897959183673469, 0.5102040816326531,
	    0.5306122448979591, 0.5510204081632653, 0.5714285714285714,
	    0.5918367346938775, 0.6122448979591836, 0.6326530612244897,
	    0.6530612244897959, 0.673469387755102, 0.6938775510204082,
	    0.7142857142857142, 0.7346938775510203, 0.7551020408163265,
	    0.7755102040816326, 0.7959183673469387, 0.8163265306122448,
	    0.836734693877551, 0.8571428571428571, 0.8775510204081632,
	    0.8979591836734693, 0.9183673469387754, 0.9387755102040816,
	    0.9591836734693877, 0.9795918367346939, 1.0 };
	static const struct {
		int n;
		const double *e;
	} lins[] = { { 3, lin3 }, { 7, lin7 }, { 10, lin10 }, { 49, lin49 } };
	/* np.percentile(cs, np.linspace(0, 1, N + 1) * 100), its bins */
	static const double q4[] = { 0.0, 0.30000000000000004, 0.5, 0.7, 1.0 };
	static const double q5[] = { 0.0, 0.26, 0.36, 0.5900000000000001,
	    0.7200000000000001, 1.0 };
	static const int qbin4[] = { 0, 1, 1, 0, 3, 2, 2, 3, 1, 3, 0, 2, 0, 3,
	    1, 0, 3, 0, 2 };
	static const int qbin5[] = { 0, 1, 1, 0, 4, 3, 3, 4, 2, 4, 0, 2, 0, 4,
	    2, 1, 3, 1, 3 };
	struct mlw_calbins cb;
	double sorted[19], mce;
	int k;
	struct mlw_iso c, id = { 0 };
	size_t i;

	mlw_iso_fit(&c, s, y, 12);
	ok(c.n == 7, "the points sklearn keeps: 7, got %zu", c.n);
	for (i = 0; i < 7 && i < c.n; i++) {
		is_double(c.x[i], wx[i], "X_thresholds_[%zu]", i);
		is_double(c.y[i], wy[i], "y_thresholds_[%zu]", i);
	}
	for (i = 0; i < 12; i++)
		is_double(mlw_iso_predict(&c, t[i]), want[i],
		    "predict(%g), clipped outside [0.05, 0.9]", t[i]);
	is_double(mlw_iso_predict(&id, 0.37), 0.37, "no calibrator: identity");
	for (i = 0; i < sizeof lins / sizeof lins[0]; i++)
		for (k = 0; k <= lins[i].n; k++)
			is_double(mlw_calib_edge(k, lins[i].n), lins[i].e[k],
			    "np.linspace(0, 1, %d)[%d], bit for bit",
			    lins[i].n + 1, k);
	mlw_calbins_init(&cb, 10);
	for (i = 0; i < 19; i++) {
		ok(mlw_calib_bin(cs[i], 10) == wbin[i], "bin of %.17g: %d, "
		    "got %d", cs[i], wbin[i], mlw_calib_bin(cs[i], 10));
		ok(mlw_calbins_find(&cb, cs[i]) == wbin[i], "searched bin of "
		    "%.17g", cs[i]);
		ok(mlw_calib_bin(cs[i], 5) == wbin5[i], "5 bins: bin of %.17g",
		    cs[i]);
		mlw_calbins_add(&cb, cs[i], cy[i]);
	}
	is_double(mlw_calbins_ece(&cb, &mce), 0.181578947368421,
	    "expected calibration error, 10 uniform bins");
	is_double(mce, 0.5, "maximum calibration error, 10 uniform bins");
	is_double(mlw_ece(cs, cy, 19, 10), 0.181578947368421,
	    "mlw_ece: the same binning");
	is_double(mlw_ece(cs, cy, 19, 5), 0.1815789473684211,
	    "expected calibration error, 5 uniform bins");
	mlw_calbins_free(&cb);
	mlw_calbins_init(&cb, 5);
	for (i = 0; i < 19; i++)
		mlw_calbins_add(&cb, cs[i], cy[i]);
	is_double(mlw_calbins_ece(&cb, &mce), 0.1815789473684211,
	    "expected calibration error, 5 uniform bins");
	is_double(mce, 0.26, "maximum calibration error, 5 uniform bins");
	is_double(mlw_xsum_value(&cb.sum[1]) / (double)cb.n[1],
	    0.33999999999999997, "the exact mean of bin 1 of 5 (sklearn's "
	    "input-order sum: 0.34)");
	mlw_calbins_clear(&cb);
	ok(isnan(mlw_calbins_ece(&cb, &mce)) && isnan(mce), "empty: NaN");
	mlw_calbins_free(&cb);
	/* every uniform bin count up to 1000: the bin is the number of inner
	 * edges below p, for p on, just below and just above each edge */
	for (k = 2, i = 0; k <= 1000; k++) {
		int e, bad = 0;

		for (e = 1; e < k; e++) {
			double v = mlw_calib_edge(e, k);

			bad |= mlw_calib_bin(v, k) != e - 1 ||
			    mlw_calib_bin(nextafter(v, 0), k) != e - 1 ||
			    mlw_calib_bin(nextafter(v, 1), k) != e;
		}
		bad |= mlw_calib_bin(0, k) != 0 || mlw_calib_bin(1, k) != k - 1;
		i += bad;
	}
	ok(i == 0, "uniform bins 2 .. 1000, on and beside every edge");
	for (i = 0; i < 19; i++)
		sorted[i] = cs[i];
	mlw_sort_doubles(sorted, 19);
	mlw_calbins_init(&cb, 4);
	mlw_calbins_quantile(&cb, sorted, 19);
	for (k = 0; k <= 4; k++)
		is_double(cb.edge[k], q4[k], "4 quantile edges: [%d]", k);
	for (i = 0; i < 19; i++) {
		ok(mlw_calbins_find(&cb, cs[i]) == qbin4[i], "4 quantile bins: "
		    "bin of %.17g", cs[i]);
		mlw_calbins_add(&cb, cs[i], cy[i]);
	}
	is_double(mlw_calbins_ece(&cb, &mce), 0.10789473684210527,
	    "expected calibration error, 4 quantile bins");
	is_double(mce, 0.35, "maximum calibration error, 4 quantile bins");
	mlw_calbins_free(&cb);
	mlw_calbins_init(&cb, 5);
	mlw_calbins_quantile(&cb, sorted, 19);
	for (k = 0; k <= 5; k++)
		is_double(cb.edge[k], q5[k], "5 quantile edges: [%d]", k);
	for (i = 0; i < 19; i++) {
		ok(mlw_calbins_find(&cb, cs[i]) == qbin5[i], "5 quantile bins: "
		    "bin of %.17g", cs[i]);
		mlw_calbins_add(&cb, cs[i], cy[i]);
	}
	is_double(mlw_calbins_ece(&cb, &mce), 0.19210526315789472,
	    "expected calibration error, 5 quantile bins");
	is_double(mce, 0.5166666666666666, "maximum, 5 quantile bins");
	mlw_calbins_free(&cb);
	ok(mlw_iso_needed(s, y, 12) == 0, "fewer than 20 pairs: not needed");
	mlw_iso_free(&c);
	return done_testing();
}
