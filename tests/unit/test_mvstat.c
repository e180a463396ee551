/* Unit tests of lib/mvstat.c.
 *
 * The expected numbers are NumPy 1.24's and scikit-learn 1.2's, printed
 * by tests/data/witness-mvstat.py (run with /usr/bin/python3) for the
 * 40 x 3 table it and gen_row() below both build from the same 64-bit
 * LCG: LogisticRegression(C=2, solver="newton-cholesky", tol=1e-14), the
 * median-heuristic bandwidth, the unbiased MMD^2 of Gretton et al. 2012
 * with numpy's kernel sums, the exact permutation p over all 252 splits
 * (itertools.combinations) and the 4-fold domain classifier's pooled
 * roc_auc_score. SplitMix64's first outputs are those of Vigna's
 * reference splitmix64.c (seed 1234567: 6457827717110365317,
 * 3203168211198807973). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mvstat.h"
#include "tap.h"

/* the witness's output */
static const double w_logreg[] = { 2.9532477345156787, 1.002720086208822, -0.3449024484415391, -1.9707415461740394 };
static const double w_prob0[] = { 0.4183303807358849 };
static const double w_sigma[] = { 0.6577139437280045 };
static const double w_mmd2[] = { -0.028642894365268456 };
static const double w_mmd2_10[] = { -0.1263857515123198 };
static const double w_p_exact[] = { 0.7142857142857143 };
static const double w_auc[] = { 0.8325 };

static uint64_t lcg = 7;

static double
unif(void)
{
	lcg = lcg * 6364136223846793005u + 1442695040888963407u;
	return (double)(lcg >> 11) * 0x1p-53;
}

/* The witness's row(), operation for operation. */
static unsigned char
gen_row(int i, double *r)
{
	double a = unif(), b = unif(), c = unif();
	unsigned char lab = (unsigned char)(i % 2);

	r[0] = a + 0.4 * lab;
	r[1] = b - 0.3 * a;
	r[2] = c * 2.0;
	return lab;
}

int
main(void)
{
	double X[40 * 3], w[4], K[40 * 40];
	unsigned char y[40], in[40];
	struct mlw_mmd r;
	uint64_t s = 1234567;
	int i, it;

	ok(mlw_splitmix64(&s) == 6457827717110365317ULL &&
	    mlw_splitmix64(&s) == 3203168211198807973ULL,
	    "splitmix64: Vigna's reference outputs");
	for (i = 0; i < 40; i++)
		y[i] = gen_row(i, X + 3 * i);

	it = mlw_logreg_fit(X, y, 40, 3, 0.5, w);
	ok(it > 0 && it < 20, "logreg: Newton converges (%d iterations)", it);
	for (i = 0; i < 4; i++)
		near_double(w[i], w_logreg[i], 1e-9,
		    "logreg: w[%d] = sklearn's (C = 1 / lambda)", i);
	near_double(mlw_logreg_prob(w, X, 3), w_prob0[0], 1e-10,
	    "logreg: P(y = 1 | x_0) = predict_proba");
	/* separable data: the penalty keeps the optimum finite */
	{
		double S[4] = { 0, 1, 2, 3 };
		unsigned char sy[4] = { 0, 0, 1, 1 };
		double sw[2];

		ok(mlw_logreg_fit(S, sy, 4, 1, 1, sw) > 0 && sw[0] > 0 &&
		    isfinite(sw[0]), "logreg: separable data converge under L2");
	}

	near_double(mlw_mmd_bandwidth(X, 40, 3), w_sigma[0], 1e-15,
	    "bandwidth: the median heuristic");
	is_double(mlw_mmd_bandwidth(X, 1, 3), 1,
	    "bandwidth: 1 for a single record");

	mlw_gauss_kernel(X, 40, 3, 0.7, K);
	for (i = 0; i < 40; i++)
		in[i] = i < 20;
	near_double(mlw_mmd2_split(K, 40, in, 20), w_mmd2[0], 1e-12,
	    "mmd2: the unbiased estimate of 20 against 20 = numpy's");

	ok(mlw_mmd_test(X, 5, X + 15, 5, 3, 0.7, 252, 9, &r) == 0 &&
	    r.exact && r.permutations == 252, "mmd test: 252 splits enumerated");
	near_double(r.mmd2, w_mmd2_10[0], 1e-12, "mmd test: the statistic");
	is_double(r.p_value, w_p_exact[0], "mmd test: the exact p-value");
	ok(mlw_mmd_test(X, 5, X + 15, 5, 3, 0.7, 251, 9, &r) == 0 &&
	    !r.exact && r.permutations == 251 &&
	    r.p_value * 252 == floor(r.p_value * 252 + 0.5) &&
	    r.p_value >= 1.0 / 252, "mmd test: 251 seeded permutations, "
	    "p = (k + 1) / 252 > 0");
	{
		struct mlw_mmd r2;

		mlw_mmd_test(X, 5, X + 15, 5, 3, 0.7, 251, 9, &r2);
		is_double(r2.p_value, r.p_value, "mmd test: the same seed, the "
		    "same p");
	}
	/* far apart: every permutation below the observed, p = 1 / (B + 1) */
	{
		double A[6] = { 0, 0.1, 0.2, 0.3, 0.05, 0.15 };
		double Bv[6] = { 9, 9.1, 9.2, 9.3, 9.05, 9.15 };

		mlw_mmd_test(A, 6, Bv, 6, 1, 1, 99, 3, &r);
		is_double(r.p_value, 0.01, "mmd test: p never 0 (Alibi Detect "
		    "issue 960)");
	}
	ok(mlw_mmd_test(X, 1, X, 5, 3, 1, 10, 0, &r) < 0,
	    "mmd test: refused with a single record");

	for (i = 0; i < 40; i++)
		in[i] = y[i];
	near_double(mlw_domain_auc(X, in, 40, 3, 4, 1), w_auc[0], 1e-12,
	    "domain AUC: 4 folds, pooled out-of-fold AUC = sklearn's");
	ok(isnan(mlw_domain_auc(X, in, 6, 3, 4, 1)),
	    "domain AUC: NaN with fewer records per class than folds");

	return done_testing();
}
