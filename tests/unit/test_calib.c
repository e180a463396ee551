/* Unit tests of lib/calib.c. Expected values from Debian's
 * python3-sklearn 1.2.1 and NumPy 1.24, run by hand on the 12 pairs
 * below: IsotonicRegression(out_of_bounds="clip").fit(s, y) gives
 * X_thresholds_ [0.05, 0.2, 0.35, 0.4, 0.75, 0.8, 0.9], y_thresholds_
 * [0, 0, 0.5, 0.6, 0.6, 1, 1] and the predictions pinned here; the
 * bins are np.searchsorted(np.linspace(0, 1, 11)[1:-1], s, side="right")
 * and the expected calibration error sum((n_b / n) |mean(y_b) - mean(s_b)|)
 * over them. */
#include <math.h>

#include "calib.h"
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
	static const int wbin[] = { 1, 3, 3, 2, 8, 5, 5, 9, 4, 7, 0, 5 };
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
	for (i = 0; i < 12; i++)
		ok(mlw_calib_bin(s[i], 10) == wbin[i], "bin of %g", s[i]);
	is_double(mlw_ece(s, y, 12, 10), 0.21249999999999997,
	    "expected calibration error, 10 bins");
	ok(mlw_iso_needed(s, y, 12) == 0, "fewer than 20 pairs: not needed");
	mlw_iso_free(&c);
	return done_testing();
}
