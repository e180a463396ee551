/* Unit tests of lib/stats.c: quantile edges, binning and PSI.
 * Expected values were computed independently with NumPy 1.24.2 (Debian
 * python3-numpy) and Python's math module; the script is in each comment. */
#include <math.h>
#include <string.h>

#include "stats.h"
#include "tap.h"

int
main(void)
{
	/* the same literals as the witness script */
	double ref[] = { 3.1, 4.7, 1.2, 9.9, 5.5, 5.5, 2.0, 7.3, 8.8, 0.4, 6.1,
	    3.3, 4.4, 5.0, 7.7, 2.9, 6.6, 1.8, 9.1, 4.2 };
	double cur[] = { 5.2, 7.9, 8.1, 9.5, 6.0, 10.4, 7.2, 8.8, 4.9, 11.0,
	    6.6, 12.3 };
	/* np.quantile(ref, np.arange(1, 10) / 10) */
	static const double want_edges[] = { 1.7400000000000002, 2.72,
	    3.2399999999999998, 4.32, 4.85, 5.5, 6.249999999999999, 7.38,
	    8.830000000000002 };
	/* np.bincount(np.searchsorted(edges, x, side='right'), minlength=10) */
	static const uint64_t want_rc[] = { 2, 2, 2, 2, 2, 1, 3, 2, 2, 2 };
	static const uint64_t want_cc[] = { 0, 0, 0, 0, 0, 2, 1, 2, 3, 4 };
	double e[16], x[4] = { 1, 1, 1, 1 };
	uint64_t rc[10] = { 0 }, cc[10] = { 0 };
	size_t ne, i;

	mlw_sort_doubles(ref, 20);
	ne = mlw_edges(ref, 20, 10, 0, e);
	ok(ne == 9, "10 quantile bins give 9 inner edges");
	for (i = 0; i < 9; i++)
		is_double(e[i], want_edges[i], "quantile edge %zu as numpy", i + 1);
	/* np.quantile(ref, [0.25, 0.5, 0.75]) */
	is_double(mlw_quantile_sorted(ref, 20, 0.25), 3.05, "q25 as numpy");
	is_double(mlw_quantile_sorted(ref, 20, 0.5), 4.85, "median as numpy");
	is_double(mlw_quantile_sorted(ref, 20, 0.75), 6.7749999999999995,
	    "q75 as numpy");
	is_double(mlw_quantile_sorted(ref, 20, 0), 0.4, "q0 is the minimum");
	is_double(mlw_quantile_sorted(ref, 20, 1), 9.9, "q1 is the maximum");
	is_double(mlw_quantile_sorted(ref, 1, 0.3), 0.4, "one value");

	for (i = 0; i < 20; i++)
		rc[mlw_bin_of(e, ne, ref[i])]++;
	for (i = 0; i < 12; i++)
		cc[mlw_bin_of(e, ne, cur[i])]++;
	for (i = 0; i < 10; i++)
		ok(rc[i] == want_rc[i] && cc[i] == want_cc[i],
		    "bin %zu counts as numpy searchsorted(side=right)", i);
	ok(mlw_bin_of(e, ne, 5.5) == 6, "a value on an edge goes above it");
	ok(mlw_bin_of(e, ne, -1e300) == 0, "below the range: first open bin");
	ok(mlw_bin_of(e, ne, 1e300) == 9, "above the range: last open bin");

	/* sum((a-e)*log(a/e)) with zero proportions replaced by 1e-4, in a
	 * plain Python loop over the counts above: 4.08249867239132 */
	is_double(mlw_psi(rc, 20, cc, 12, 10, 1e-4), 4.08249867239132,
	    "PSI of the numeric example as the Python loop");
	ok(mlw_psi(rc, 20, rc, 20, 10, 1e-4) == 0, "PSI of identical is 0");
	{
		/* categorical: reference [5,3,2,0 unseen], current [1,1,4,2];
		 * the same Python loop gives 2.903183732132125 */
		uint64_t r[] = { 5, 3, 2, 0 }, c[] = { 1, 1, 4, 2 };

		is_double(mlw_psi(r, 10, c, 8, 4, 1e-4), 2.903183732132125,
		    "PSI with an unseen-category bin");
	}

	/* repeated quantiles merge */
	ne = mlw_edges(x, 4, 10, 0, e);
	ok(ne == 1 && e[0] == 1, "constant data: one merged edge");
	/* uniform edges: min + k*((max-min)/N), as min + k*w in Python */
	{
		double u[] = { 0, 2, 10 };

		ne = mlw_edges(u, 3, 4, 1, e);
		ok(ne == 3 && e[0] == 2.5 && e[1] == 5 && e[2] == 7.5,
		    "uniform edges over [0, 10] in 4 bins");
	}

	/* the radix sort: every value class, against the definition of
	 * ascending order (each element <= the next), and the multiset kept
	 * (same sum of bit patterns as before sorting) */
	{
		static double v[5000];
		uint64_t seed = 12345, before = 0, after = 0, u;
		size_t i, n = 5000, bad = 0;
		const double special[] = { 0.0, -0.0, 1e-310, -1e-310, 1e308,
		    -1e308, 1.0 / 0.0, -1.0 / 0.0, 5e-324, -5e-324 };

		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			v[i] = i < 10 ? special[i] :
			    ((double)(seed >> 11) / 9007199254740992.0 - 0.5) *
			    (i % 3 ? 1e6 : 1e-6);
			memcpy(&u, &v[i], 8);
			before += u;
		}
		mlw_sort_doubles(v, n);
		for (i = 0; i < n; i++) {
			memcpy(&u, &v[i], 8);
			after += u;
			if (i && v[i - 1] > v[i])
				bad++;
		}
		ok(bad == 0 && before == after && isinf(v[0]) && v[0] < 0 &&
		    isinf(v[n - 1]) && v[n - 1] > 0,
		    "radix sort: 5000 values with zeros, subnormals, infinities");
	}
	return done_testing();
}
