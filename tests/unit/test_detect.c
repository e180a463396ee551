/* Unit tests of lib/detect.c: each detector's update on short sequences.
 * Expected values were computed by hand from the update rule written above
 * each function in lib/detect.c (the arithmetic is in the comments), and
 * checked with the Python re-implementation of River's rules,
 * tests/data/witness-detect.py (run by /usr/bin/python3; scipy 1.10.1 for
 * the KS p-values). */
#include <math.h>

#include "detect.h"
#include "tap.h"

static const char *const rname[] = { "none", "warning", "drift" };

/* Feed xs[0..n) to a detector made with o; want[i] the result of each
 * update, wstat[i] its statistic (NaN: none). */
static void
run(const char *what, const struct mlw_det_opts *o, const double *xs,
    const int *want, const double *wstat, int n)
{
	struct mlw_det *d = mlw_det_new(o);
	double st, p;
	int i, r;

	for (i = 0; i < n; i++) {
		r = (int)mlw_det_update(d, xs[i], &st, &p);
		ok(r == want[i], "%s: value %d gives %s", what, i, rname[want[i]]);
		if (r != want[i])
			printf("#   got %s\n", rname[r]);
		if (isnan(wstat[i]))
			ok(isnan(st), "%s: value %d: no statistic", what, i);
		else
			near_double(st, wstat[i], 1e-15, "%s: value %d statistic",
			    what, i);
	}
	mlw_det_free(d);
}

#define N NAN
enum { O = MLW_DET_NONE, W = MLW_DET_WARNING, D = MLW_DET_DRIFT };

int
main(void)
{
	struct mlw_det_opts o;
	enum mlw_det_method m;
	int i;

	/* names */
	ok(mlw_det_method_parse("hddm-w", &m) == 0 && m == MLW_DET_HDDM_W,
	    "method names parse");
	ok(mlw_det_method_parse("HDDM-W", &m) < 0, "names are lower case");
	is_str(mlw_det_method_name(MLW_DET_PAGE_HINKLEY), "page-hinkley",
	    "page-hinkley's name");
	ok(mlw_det_binary(MLW_DET_EDDM) && !mlw_det_binary(MLW_DET_KSWIN),
	    "binary methods");

	/* River's defaults */
	mlw_det_defaults(&o, MLW_DET_PAGE_HINKLEY);
	ok(o.min_instances == 30 && o.delta == 0.005 && o.threshold == 50 &&
	    o.alpha == 1 - 0.0001 && o.mode == MLW_DET_BOTH,
	    "page-hinkley defaults");
	mlw_det_defaults(&o, MLW_DET_ADWIN);
	ok(o.delta == 0.002 && o.clock == 32 && o.max_buckets == 5 &&
	    o.min_window_length == 5 && o.grace_period == 10, "adwin defaults");
	mlw_det_defaults(&o, MLW_DET_DDM);
	ok(o.warm_start == 30 && o.warning_threshold == 2 &&
	    o.drift_threshold == 3, "ddm defaults");
	mlw_det_defaults(&o, MLW_DET_EDDM);
	ok(o.warm_start == 30 && o.alpha == 0.95 && o.beta == 0.9,
	    "eddm defaults");
	mlw_det_defaults(&o, MLW_DET_HDDM_W);
	ok(o.drift_confidence == 0.001 && o.warning_confidence == 0.005 &&
	    o.lambda == 0.05 && !o.two_sided, "hddm-w defaults");
	mlw_det_defaults(&o, MLW_DET_KSWIN);
	ok(o.alpha == 0.005 && o.window_size == 100 && o.stat_size == 30,
	    "kswin defaults");
	ok(mlw_det_check(&o) == NULL, "kswin defaults are valid");
	o.window_size = 59;
	ok(mlw_det_check(&o) != NULL, "kswin needs window >= 2 stat");
	mlw_det_defaults(&o, MLW_DET_EDDM);
	o.beta = 0.96;
	ok(mlw_det_check(&o) != NULL, "eddm needs beta <= alpha");

	/*
	 * Page-Hinkley, min_instances 3, delta 0.5, threshold 2, alpha 1.
	 * 1,1,1: mean 1, dev 0: U = -0.5, -1, -1.5 (its minimum), L = 0.5,
	 * 1, 1.5 (its maximum); at n = 3, U - minU = 0 and maxL - L = 0.
	 * 5: mean 2, dev 3: U = -1.5 + 3 - 0.5 = 1, U - minU = 2.5 > 2:
	 * drift, statistic 2.5; L = 5 is its maximum, so maxL - L = 0.
	 * The detector resets: 5, 5 are its first values again.
	 */
	{
		double xs[] = { 1, 1, 1, 5, 5, 5 };
		int want[] = { O, O, O, D, O, O };
		double st[] = { N, N, 0, 2.5, N, N };

		mlw_det_defaults(&o, MLW_DET_PAGE_HINKLEY);
		o.min_instances = 3;
		o.delta = 0.5;
		o.threshold = 2;
		o.alpha = 1;
		run("page-hinkley", &o, xs, want, st, 6);
		/* mode down: the same rise is not a change */
		o.mode = MLW_DET_DOWN;
		{
			int w2[] = { O, O, O, O, O, O };
			double s2[] = { N, N, 0, 0, 0, 0 };

			/* L: 5, then mean 2.75 dev 2.25: 5 + 2.75 = 7.75,
			 * mean 3.2 dev 1.8: 7.75 + 2.3 = 10.05; each the
			 * new maximum, so maxL - L stays 0 */
			run("page-hinkley down", &o, xs, w2, s2, 6);
		}
	}

	/*
	 * CUSUM, warmup 4, k 0.5, h 2. Warm-up 1,2,3,2: mean 2, sample
	 * variance (1 + 0 + 1 + 0)/3 = 2/3, sigma = sqrt(2/3); the 4th value
	 * is already scored: dev 0, S+ = S- = 0. Then 2: 0. Then 5: dev 3,
	 * S+ = 3 - 0.5 sqrt(2/3) = 2.5917517095361369 > 2 sqrt(2/3) =
	 * 1.633: drift. After the reset, 6 is a warm-up value.
	 */
	{
		double xs[] = { 1, 2, 3, 2, 2, 5, 6 };
		int want[] = { O, O, O, O, O, D, O };
		double st[] = { N, N, N, 0, 0, 3 - 0.5 * sqrt(2.0 / 3), N };

		mlw_det_defaults(&o, MLW_DET_CUSUM);
		o.warmup = 4;
		o.h = 2;
		run("cusum", &o, xs, want, st, 7);
	}

	/*
	 * ADWIN, clock 1, grace_period 5, min_window_length 2 (delta 0.002,
	 * max_buckets 5): 0,1 eight times then 5,6 eight times. At the 28th
	 * value (index 27) the cut between the 16 values of 0/1 (mean 0.5)
	 * and the 12 of 5/6 (mean 5.5) holds: statistic |0.5 - 5.5| = 5
	 * (witness-detect.py: the same index; no earlier cut holds).
	 */
	{
		double xs[32];
		int want[32];
		double st[32];

		for (i = 0; i < 32; i++) {
			xs[i] = (i < 16 ? 0 : 5) + i % 2;
			want[i] = i == 27 ? D : O;
			st[i] = i == 27 ? 5 : N;
		}
		mlw_det_defaults(&o, MLW_DET_ADWIN);
		o.clock = 1;
		o.grace_period = 5;
		o.min_window_length = 2;
		run("adwin", &o, xs, want, st, 32);
	}

	/*
	 * DDM, warm_start 3: 0,1,0,0,0,0,0,0,1,1,1. p+s = p + sqrt(p(1-p)/n):
	 * n=1: 0; n=2: 0.5 + sqrt(0.125) = 0.85355339059327373; n=3:
	 * 1/3 + sqrt(2/27); n=4..8 each a new minimum, the last p_min =
	 * 0.125, s_min = sqrt(0.109375/8) = 0.11692679333668567. n=9: p =
	 * 2/9, p+s = 0.36080212543607193 > 0.125 + 2 s_min = 0.3589:
	 * warning; n=10: 0.3 + sqrt(0.021) = 0.44491376746189443: warning;
	 * n=11: 4/11 + sqrt(28/1331) = 0.50867709731226651 > 0.125 + 3 s_min
	 * = 0.4758: drift.
	 */
	{
		double xs[] = { 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1 };
		int want[] = { O, O, O, O, O, O, O, O, W, W, D };
		double st[] = { 0, 0.85355339059327373, 0.60549886030924205,
		    0.46650635094610965, 0.37888543819998322,
		    0.31881182152921284, 0.27511715711036455,
		    0.24192679333668571, 0.36080212543607193,
		    0.44491376746189443, 0.50867709731226651 };

		mlw_det_defaults(&o, MLW_DET_DDM);
		o.warm_start = 3;
		run("ddm", &o, xs, want, st, 11);
	}

	/*
	 * EDDM, warm_start 2, alpha 0.95, beta 0.9: 1,0,0,1,0,0,1,1,1,1.
	 * Distances between errors 1, 3 (n = 4 > 2): mean 2, s' = sqrt(2),
	 * p'+2s' = 4.8284 the first maximum. Then 3: mean 7/3, s' =
	 * sqrt(4/3), p'+2s' = 4.6427, level 0.96154177957814491 >= 0.95:
	 * nothing. Then 1: mean 2, s' = sqrt(4/3), level 4.3094/4.8284 =
	 * 0.89250618584929564 < 0.9: drift. After the reset the last two
	 * 1s are at n = 1, 2, not beyond warm_start.
	 */
	{
		double xs[] = { 1, 0, 0, 1, 0, 0, 1, 1, 1, 1 };
		int want[] = { O, O, O, O, O, O, O, D, O, O };
		double st[] = { N, N, N, N, N, N, 0.96154177957814491,
		    0.89250618584929564, N, N };

		mlw_det_defaults(&o, MLW_DET_EDDM);
		o.warm_start = 2;
		run("eddm", &o, xs, want, st, 10);
	}

	/*
	 * HDDM-A, defaults: twenty 0s then 1s. The cut point stays at n = 20
	 * (mean 0). At n = 24 (index 23) z = 4/24, m = 4/20/24, warning bound
	 * sqrt(m/2 ln 400) = 0.158 <= 1/6 < drift bound sqrt(m/2 ln 2000) =
	 * 0.178: warning, statistic 1/6. At n = 25, z = 0.2 >=
	 * sqrt(0.005 ln 2000) = 0.195: drift, statistic 0.2 (as computed,
	 * 0.19999999999999998).
	 */
	{
		double xs[26];
		int want[26];
		double st[26];

		for (i = 0; i < 26; i++) {
			xs[i] = i >= 20;
			want[i] = i == 23 ? W : i == 24 ? D : O;
			st[i] = i < 20 ? 0 : i == 25 ? 0 :
			    (double)(i - 19) / (i + 1);
		}
		st[23] = 0.16666666666666666;
		st[24] = 0.19999999999999998;
		/* after index 20 the incremental mean, not (i-19)/(i+1) */
		st[20] = 0.047619047619047616;
		st[21] = 0.090909090909090912;
		st[22] = 0.13043478260869565;
		mlw_det_defaults(&o, MLW_DET_HDDM_A);
		run("hddm-a", &o, xs, want, st, 26);
	}

	/*
	 * HDDM-W, defaults: twenty 0s then 1s. While the values are 0 the
	 * increase cut point moves down at every value (its bound shrinks),
	 * so S1 is the snapshot at the last 0 (ewma 0) and S2 starts at the
	 * first 1; an EWMean takes its first value whole, so S2's ewma is 1
	 * from then on. ibc_k = c + (1 - c) 0.9025^k with c = 0.0025/0.0975
	 * (S1: k = 20). Warning when 1 > sqrt((ibc1 + ibc2) ln(200)/2),
	 * first at k = 16 ones (index 35); drift with ln(1000), first at
	 * k = 21 (index 40). Statistic S2 - S1 = 1.
	 */
	{
		double xs[45];
		int want[45];
		double st[45];

		for (i = 0; i < 45; i++) {
			xs[i] = i >= 20;
			want[i] = i >= 35 && i < 40 ? W : i == 40 ? D : O;
			st[i] = i >= 20 && i <= 40 ? 1 : N;
		}
		mlw_det_defaults(&o, MLW_DET_HDDM_W);
		run("hddm-w", &o, xs, want, st, 45);
	}

	/*
	 * HDDM-W, defaults: twenty 0s, 1,0 three times, then 1s. Here S2
	 * starts with a 0, so its ewma follows 0, then 0.05, ... : warnings
	 * from index 43, drift at 48, statistic 0.87094220312500004
	 * (witness-detect.py). With the EWMean of River before 0.24, which
	 * restarted from x whenever its mean was exactly 0, the warnings
	 * would start at 38 and the drift come at 44.
	 */
	{
		double xs[56];
		int want[56];
		double st[56];

		for (i = 0; i < 56; i++) {
			xs[i] = i < 20 ? 0 : i < 26 ? (i % 2 == 0) : 1;
			want[i] = i >= 43 && i < 48 ? W : i == 48 ? D : O;
			st[i] = i >= 43 && i <= 48 ? 0.87094220312500004 : -1;
		}
		mlw_det_defaults(&o, MLW_DET_HDDM_W);
		{
			struct mlw_det *d = mlw_det_new(&o);
			double s1;

			for (i = 0; i < 56; i++) {
				int r = (int)mlw_det_update(d, xs[i], &s1, NULL);

				ok(r == want[i], "hddm-w 2: value %d gives %s", i,
				    rname[want[i]]);
				if (st[i] >= 0)
					near_double(s1, st[i], 1e-15,
					    "hddm-w 2: value %d statistic", i);
			}
			mlw_det_free(d);
		}
	}

	/*
	 * KSWIN with window_size = 2 stat_size: the sample is the whole
	 * older half, so the test is the KS test of the two halves, and
	 * alpha 1 makes every test with D > 0.1 a drift, to read its p.
	 * scipy.stats.ks_2samp (method "auto", exact here):
	 * [1..5] vs [6..10]: D 1, p 2/C(10,5) = 0.0079365079365079361;
	 * [1..5] vs [3..7]: D 0.4, p 0.87301587301587302;
	 * [1,1,2,2,3] vs [1,2,2,3,3]: D 0.2, p 1 (clipped; see ks_equal);
	 * 0..29 vs 20..49: D 2/3, p 1.2750060342394341e-06.
	 */
	{
		static const double h1[][10] = {
			{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
			{ 1, 2, 3, 4, 5, 3, 4, 5, 6, 7 },
			{ 1, 1, 2, 2, 3, 1, 2, 2, 3, 3 },
		};
		static const double wd[] = { 1, 0.4, 0.2 };
		static const double wp[] = { 0.0079365079365079361,
		    0.87301587301587302, 1 };
		struct mlw_det *d;
		double st, p;
		int k;

		mlw_det_defaults(&o, MLW_DET_KSWIN);
		o.alpha = 1;
		o.window_size = 10;
		o.stat_size = 5;
		for (k = 0; k < 3; k++) {
			d = mlw_det_new(&o);
			for (i = 0; i < 9; i++)
				ok(mlw_det_update(d, h1[k][i], &st, &p) ==
				    MLW_DET_NONE && isnan(p),
				    "kswin %d: no test before the window is "
				    "full (%d)", k, i);
			ok(mlw_det_update(d, h1[k][9], &st, &p) ==
			    MLW_DET_DRIFT, "kswin %d: tested", k);
			near_double(st, wd[k], 1e-15, "kswin %d: D", k);
			near_double(p, wp[k], 1e-14, "kswin %d: p as scipy", k);
			mlw_det_free(d);
		}
		o.window_size = 60;
		o.stat_size = 30;
		d = mlw_det_new(&o);
		for (i = 0; i < 59; i++)
			mlw_det_update(d, i < 30 ? i : i - 10, &st, &p);
		ok(mlw_det_update(d, 49, &st, &p) == MLW_DET_DRIFT,
		    "kswin n=30: tested");
		near_double(st, 2.0 / 3, 1e-15, "kswin n=30: D");
		near_double(p, 1.2750060342394341e-06, 1e-12,
		    "kswin n=30: p as scipy");
		/* at the default alpha 0.005, [1..5] vs [6..10] (p 0.0079)
		 * is no drift */
		mlw_det_free(d);
		o.alpha = 0.005;
		o.window_size = 10;
		o.stat_size = 5;
		d = mlw_det_new(&o);
		for (i = 0; i < 10; i++)
			ok(mlw_det_update(d, h1[0][i], &st, &p) ==
			    MLW_DET_NONE, "kswin alpha 0.005: none (%d)", i);
		mlw_det_free(d);
	}

	/* constant streams: nothing, ever, whatever the method */
	for (m = 0; m < MLW_DET_NMETHODS; m++) {
		struct mlw_det *d;
		double st, x = mlw_det_binary(m) ? 1 : 0.5;
		int any = 0;

		mlw_det_defaults(&o, m);
		d = mlw_det_new(&o);
		for (i = 0; i < 5000; i++)
			any |= mlw_det_update(d, x, &st, NULL) != MLW_DET_NONE;
		ok(!any, "%s: nothing on 5000 constant values",
		    mlw_det_method_name(m));
		/* reset makes it new: the same first result as a fresh one */
		mlw_det_reset(d);
		mlw_det_free(d);
	}
	return done_testing();
}
