/* Unit tests of lib/linalg.c.
 *
 * Eigendecompositions are checked by their definition (A V = V diag(w),
 * V^T V = I, to 1e-12) and against closed forms. The PCA numbers are
 * scikit-learn 1.2.1's (NumPy 1.24.2), from tests/data/witness-linalg.py
 * run with /usr/bin/python3: StandardScaler().fit(X), PCA(n_components=
 * 0.65) on the scaled data, and NannyML's reconstruction error
 * np.linalg.norm(z - pca.inverse_transform(pca.transform(z))) with z =
 * scaler.transform(x), on the 200 x 6 table the script and gen_row()
 * below both build from the same 64-bit LCG (rows 0 and 199 are pinned
 * bit for bit, so both sides saw the same data). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "tap.h"

/* the witness's output */
static const double w_mean[] = { -0.03094613004993682, -0.009496649963089914, 10.011386067155811, -0.011720712150088025, 3.197083884715914e-05, 99.88605486870462 };
static const double w_scale[] = { 0.5774953006615761, 0.5620368219153213, 1.835119357872706, 0.6567670309264979, 0.0013268401282425988, 11.762199460063986 };
static const double w_var[] = { 2.913285977083124, 1.7920424035904514, 0.9522945058373883, 0.23282230211993146, 0.10785577941291871, 0.03184978572503439 };
static const double w_ratio[] = { 0.48311992453295105, 0.297180365262083, 0.15792217221803345, 0.03860969843488861, 0.017886083419309008, 0.005281756132734867 };
static const double w_comp[] = { -0.4732965772334372, -0.48302672257636003, 0.3318129132481258, -0.5648595609268209, 0.3214385278112881, -0.10092905986936898, -0.33529208214006884, -0.3734481185412325, -0.5910761589531052, -0.04699898232968355, -0.5934454286619075, -0.21061413910203947, -0.05846969577986792, -0.16178094240453056, -0.11087190320987937, -0.10252498160374172, -0.09058806252111949, 0.9692255018851668, 0.7831482069335397, -0.3451808047326633, 0.08288662052252672, -0.4407355250239392, -0.24782292395551672, -0.07067461710726164, 0.212005249358423, -0.3114839078355809, -0.6099166831071036, 0.1258805373276712, 0.6849718407080873, -0.03163632138300866, -0.043399591356995705, 0.6203842373186489, -0.38648160862276226, -0.6768453941194065, 0.07543854960548549, -0.007821601225585728 };
static const double w_err[] = { 1.8068160670234599, 0.789041414208966, 0.4547955603266531, 2.5075998056242415, 4.5111425432092185 };
static const double w_row0[] = { 0.28908098961069806, 0.33075822502469493, 8.643885516182754, 0.4616064931054598, -0.0011447973494130123, 122.15564441173906 };
static const double w_row199[] = { 0.0065234755287670865, -0.01056238810719825, 11.472651572696355, -0.2738175984564212, 0.0009278119026811029, 96.06650721074493 };
/* Hadamard cumsum ['0.2500000000000001', '0.5000000000000001', '0.7500000000000001', '1.0'] */

static uint64_t lcg = 22;

static double
unif(void)
{
	lcg = lcg * 6364136223846793005u + 1442695040888963407u;
	return (double)(lcg >> 11) * 0x1p-53;
}

static double
gauss(void)
{
	double u1 = unif(), u2 = unif(), u3 = unif(), u4 = unif();

	return u1 + u2 + u3 + u4 - 2.0;
}

/* The witness's row(), operation for operation. */
static void
gen_row(double *c)
{
	double g[6];
	int i;

	for (i = 0; i < 6; i++)
		g[i] = gauss();
	c[0] = g[0];
	c[1] = 0.8 * g[0] + 0.6 * g[1];
	c[2] = 3.0 * g[2] + 10.0;
	c[3] = c[1] - 0.5 * g[2] + 0.3 * g[3];
	c[4] = 0.001 * g[4] + 0.002 * g[2];
	c[5] = 100.0 + 20.0 * g[5] + 5.0 * g[0];
}

/* max |A V - V diag(w)| and max |V^T V - I| */
static void
check_eigen(size_t n, const double *A, const double *w, const double *V,
    double *resid, double *orth)
{
	size_t i, j, k;

	*resid = *orth = 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			double av = 0, vv = 0;

			for (k = 0; k < n; k++) {
				double aik = k >= i ? A[i * n + k] : A[k * n + i];

				av += aik * V[k * n + j];
				vv += V[k * n + i] * V[k * n + j];
			}
			av -= V[i * n + j] * w[j];
			if (fabs(av) > *resid)
				*resid = fabs(av);
			vv -= i == j;
			if (fabs(vv) > *orth)
				*orth = fabs(vv);
		}
}

/* Each vector's largest-magnitude component is positive. */
static int
signs_ok(size_t n, const double *V)
{
	size_t i, j;

	for (j = 0; j < n; j++) {
		size_t im = 0;

		for (i = 1; i < n; i++)
			if (fabs(V[i * n + j]) > fabs(V[im * n + j]))
				im = i;
		if (!(V[im * n + j] > 0))
			return 0;
	}
	return 1;
}

static void
test_eigen(void)
{
	double w[100], *V, *A, r, o;
	size_t i, j;
	int sw;

	V = malloc(100 * 100 * sizeof *V);
	A = malloc(100 * 100 * sizeof *A);

	/* 1 x 1 */
	A[0] = 4;
	sw = mlw_eigen_sym(1, A, w, V);
	ok(sw == 0, "1x1: no sweep (%d)", sw);
	is_double(w[0], 4, "1x1: eigenvalue");
	is_double(V[0], 1, "1x1: eigenvector");

	/* 2 x 2, [[2, 1], [1, 3]]: (5 +- sqrt 5) / 2 */
	{
		static const double a2[] = { 2, 1, 1, 3 };

		sw = mlw_eigen_sym(2, a2, w, V);
		ok(sw > 0, "2x2: converged in %d sweeps", sw);
		near_double(w[0], (5 + sqrt(5)) / 2, 1e-15, "2x2: w0");
		near_double(w[1], (5 - sqrt(5)) / 2, 1e-15, "2x2: w1");
		/* (1, (1 + sqrt 5) / 2) normalized, for w0 */
		near_double(V[2] / V[0], (1 + sqrt(5)) / 2, 1e-14,
		    "2x2: direction of v0");
		check_eigen(2, a2, w, V, &r, &o);
		ok(r < 1e-12 && o < 1e-12, "2x2: residual %g, orth %g", r, o);
		ok(signs_ok(2, V), "2x2: sign convention");
	}

	/* diagonal: sorted, vectors the unit vectors, no sweep */
	{
		static const double d4[] = { 3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 7,
		    0, 0, 0, 0, 0 };
		static const double wd[] = { 7, 3, 0, -1 };
		static const int at[] = { 2, 0, 3, 1 };

		sw = mlw_eigen_sym(4, d4, w, V);
		ok(sw == 0, "diagonal: no sweep (%d)", sw);
		for (j = 0; j < 4; j++) {
			is_double(w[j], wd[j], "diagonal: w%zu", j);
			for (i = 0; i < 4; i++)
				if (V[i * 4 + j] != ((int)i == at[j]))
					break;
			ok(i == 4, "diagonal: v%zu is e%d", j, at[j]);
		}
	}

	/* 5 x 5 with a triple eigenvalue: H diag(5, 2, 2, 2, -1) H, H the
	 * Householder reflection I - 2 v v^T / v^T v, v = (1, 2, 3, 4, 5) */
	{
		static const double dg[] = { 5, 2, 2, 2, -1 };
		double H[25], vv = 55;

		for (i = 0; i < 5; i++)
			for (j = 0; j < 5; j++)
				H[i * 5 + j] = (i == j) - 2.0 * (double)((i + 1) *
				    (j + 1)) / vv;
		for (i = 0; i < 5; i++)
			for (j = 0; j < 5; j++) {
				double s = 0;
				size_t k;

				for (k = 0; k < 5; k++)
					s += H[i * 5 + k] * dg[k] * H[k * 5 + j];
				A[i * 5 + j] = s;
			}
		sw = mlw_eigen_sym(5, A, w, V);
		ok(sw > 0, "5x5 repeated: converged in %d sweeps", sw);
		for (j = 0; j < 5; j++)
			ok(fabs(w[j] - dg[j]) < 1e-13, "5x5 repeated: w%zu "
			    "%.17g", j, w[j]);
		check_eigen(5, A, w, V, &r, &o);
		ok(r < 1e-12 && o < 1e-12, "5x5 repeated: residual %g, "
		    "orth %g", r, o);
		/* the vector of 5 is column 0 of H, up to sign */
		for (i = 0; i < 5; i++)
			if (fabs(fabs(V[i * 5]) - fabs(H[i * 5])) > 1e-13)
				break;
		ok(i == 5, "5x5 repeated: v0 is H e0");
		ok(signs_ok(5, V), "5x5 repeated: sign convention");
	}

	/* zero matrix */
	memset(A, 0, 9 * sizeof *A);
	sw = mlw_eigen_sym(3, A, w, V);
	ok(sw == 0 && w[0] == 0 && w[2] == 0 && V[0] == 1 && V[4] == 1 &&
	    V[8] == 1 && V[1] == 0, "zero matrix: 0 and the identity");

	/* 100 x 100 from the LCG (only the upper triangle is given) */
	for (i = 0; i < 100; i++)
		for (j = 0; j < 100; j++)
			A[i * 100 + j] = j >= i ? gauss() : NAN;
	sw = mlw_eigen_sym(100, A, w, V);
	ok(sw > 0 && sw < 20, "100x100: converged in %d sweeps", sw);
	check_eigen(100, A, w, V, &r, &o);
	ok(r < 1e-12 && o < 1e-12, "100x100: residual %g, orth %g", r, o);
	for (j = 1; j < 100; j++)
		if (w[j] > w[j - 1])
			break;
	ok(j == 100, "100x100: descending");
	ok(signs_ok(100, V), "100x100: sign convention");

	A[0] = NAN;
	ok(mlw_eigen_sym(2, A, w, V) == -1, "NaN: -1");
	free(V);
	free(A);
}

static void
test_comoment(double (*X)[6])
{
	struct mlw_comoment one, s[3];
	double m1[6], m2[6], c1[36], c2[36], c0[36];
	size_t i;
	int same = 1;

	mlw_comoment_init(&one, 6);
	for (i = 0; i < 3; i++)
		mlw_comoment_init(&s[i], 6);
	for (i = 0; i < 200; i++) {
		mlw_comoment_add(&one, X[i]);
		mlw_comoment_add(&s[i < 70 ? 0 : i < 140 ? 1 : 2], X[i]);
	}
	/* merged out of order: (2 + 0) + 1 */
	mlw_comoment_merge(&s[2], &s[0]);
	mlw_comoment_merge(&s[2], &s[1]);
	ok(s[2].n == 200, "merge: n");
	mlw_comoment_mean(&one, m1);
	mlw_comoment_mean(&s[2], m2);
	ok(memcmp(m1, m2, sizeof m1) == 0, "merge: means bit for bit");
	mlw_comoment_cov(&one, 1, c1);
	mlw_comoment_cov(&s[2], 1, c2);
	ok(memcmp(c1, c2, sizeof c1) == 0, "merge: ddof 1 bit for bit");
	mlw_comoment_cov(&one, 0, c0);
	mlw_comoment_cov(&s[2], 0, c2);
	ok(memcmp(c0, c2, sizeof c0) == 0, "merge: ddof 0 bit for bit");
	for (i = 0; i < 6; i++) {
		near_double(m1[i], w_mean[i], 1e-13, "mean %zu", i);
		near_double(sqrt(c0[i * 6 + i]), w_scale[i], 1e-13,
		    "scale %zu (ddof 0)", i);
		near_double(c1[i * 6 + i] * 199 / 200, c0[i * 6 + i], 1e-15,
		    "ddof 1 / ddof 0 %zu", i);
		if (c1[i * 6 + (i + 1) % 6] != c1[(i + 1) % 6 * 6 + i])
			same = 0;
	}
	ok(same, "cov symmetric");
	/* the 200 less rows 70..139 (taken out of a copy) is shard 0 + 2 */
	{
		struct mlw_comoment rest, a;
		double c3[36];

		mlw_comoment_init(&rest, 6);
		mlw_comoment_merge(&rest, &one);
		for (i = 70; i < 140; i++)
			mlw_comoment_sub(&rest, X[i]);
		mlw_comoment_init(&a, 6);
		for (i = 0; i < 200; i++)
			if (i < 70 || i >= 140)
				mlw_comoment_add(&a, X[i]);
		mlw_comoment_cov(&rest, 1, c2);
		mlw_comoment_cov(&a, 1, c3);
		ok(rest.n == 130 && memcmp(c2, c3, sizeof c2) == 0,
		    "sub: the rest of a copy is bit for bit the rows never "
		    "added");
		mlw_comoment_free(&rest);
		mlw_comoment_free(&a);
	}
	for (i = 0; i < 3; i++)
		mlw_comoment_free(&s[i]);
	mlw_comoment_free(&one);
	{
		struct mlw_comoment e;

		mlw_comoment_init(&e, 2);
		mlw_comoment_add(&e, (double[]){ 1, 2 });
		mlw_comoment_cov(&e, 1, c1);
		ok(isnan(c1[0]) && isnan(c1[3]), "n = 1: ddof 1 is NaN");
		mlw_comoment_cov(&e, 0, c1);
		ok(c1[0] == 0 && c1[1] == 0, "n = 1: ddof 0 is 0");
		mlw_comoment_free(&e);
	}
}

static void
test_pca(double (*X)[6])
{
	static const double Q[5][6] = { { 0 }, { 0 }, { 0 },
	    { 1.0, -1.0, 10.0, 0.0, 0.0, 100.0 },
	    { 0.5, 0.5, 13.0, -2.0, 0.004, 60.0 } };
	struct mlw_comoment c;
	struct mlw_pca p;
	double q[5][6];
	size_t i, r;

	memcpy(q, Q, sizeof q);
	memcpy(q[0], X[0], sizeof q[0]);
	memcpy(q[1], X[1], sizeof q[1]);
	memcpy(q[2], X[199], sizeof q[2]);
	mlw_comoment_init(&c, 6);
	for (i = 0; i < 200; i++)
		mlw_comoment_add(&c, X[i]);
	ok(mlw_pca_fit(&p, &c, 0.65) == 0, "pca: fitted");
	ok(p.k == 2, "pca: k = %zu, sklearn's n_components_ 2", p.k);
	for (i = 0; i < 6; i++) {
		near_double(p.mean[i], w_mean[i], 1e-13, "pca: mean_ %zu", i);
		near_double(p.scale[i], w_scale[i], 1e-13, "pca: scale_ %zu",
		    i);
		near_double(p.variance[i], w_var[i], 1e-9,
		    "pca: explained_variance_ %zu", i);
		near_double(p.ratio[i], w_ratio[i], 1e-9,
		    "pca: explained_variance_ratio_ %zu", i);
	}
	for (r = 0; r < 6; r++) {
		double dot = 0, sg, worst = 0;

		for (i = 0; i < 6; i++)
			dot += p.components[r * 6 + i] * w_comp[r * 6 + i];
		sg = dot < 0 ? -1 : 1;
		for (i = 0; i < 6; i++) {
			double e = fabs(sg * p.components[r * 6 + i] -
			    w_comp[r * 6 + i]) / fabs(w_comp[r * 6 + i]);

			if (e > worst)
				worst = e;
		}
		ok(worst <= 1e-9, "pca: component %zu up to sign (worst "
		    "relative %.3g)", r, worst);
	}
	for (i = 0; i < 5; i++)
		near_double(mlw_pca_error(&p, q[i]), w_err[i], 1e-9,
		    "pca: reconstruction error %zu", i);
	mlw_pca_free(&p);
	ok(mlw_pca_fit(&p, &c, 1.0) == -1 && mlw_pca_fit(&p, &c, 0) == -1,
	    "pca: share outside (0, 1) is -1");
	mlw_comoment_free(&c);
}

/* sklearn's k rule, k = searchsorted(cumsum(ratio), share, "right") + 1,
 * on the columns 1..4 of the Sylvester Hadamard matrix: exactly
 * uncorrelated, every ratio exactly 1/4 here, so the cumulative sums are
 * 0.25, 0.5, 0.75, 1 and a share equal to one of them takes one more
 * component. sklearn agrees off the ties (the witness: 0.24 1, 0.49 2,
 * 0.51 3, 0.74 3, 0.76 4, 0.99 4); on them its SVD's cumulative sums
 * (0.5000000000000001, 0.7500000000000001) decide, and it answers 2 and
 * 3 where the exact ratios answer 3 and 4. */
static void
test_k_rule(void)
{
	static const double share[] = { 0.24, 0.49, 0.5, 0.51, 0.74, 0.75,
	    0.76, 0.99 };
	static const size_t want[] = { 1, 2, 3, 3, 3, 4, 4, 4 };
	struct mlw_comoment c;
	struct mlw_pca p;
	size_t i, j, k;

	mlw_comoment_init(&c, 4);
	for (i = 0; i < 8; i++) {
		double x[4];

		for (j = 1; j <= 4; j++) {
			unsigned b = (unsigned)(i & j), par = 0;

			while (b) {
				par ^= b & 1;
				b >>= 1;
			}
			x[j - 1] = par ? -1 : 1;
		}
		mlw_comoment_add(&c, x);
	}
	for (k = 0; k < sizeof share / sizeof share[0]; k++) {
		ok(mlw_pca_fit(&p, &c, share[k]) == 0 && p.k == want[k],
		    "k rule: share %g gives %zu (%zu)", share[k], want[k], p.k);
		if (k == 0)
			is_double(p.ratio[1], 0.25, "k rule: ratio exactly 1/4");
		mlw_pca_free(&p);
	}
	mlw_comoment_free(&c);
}

/* A constant dimension: scale 1 (sklearn's _handle_zeros_in_scale), and it
 * standardizes to 0. */
static void
test_constant(void)
{
	struct mlw_comoment c;
	struct mlw_pca p;
	double x[3];
	int i;

	mlw_comoment_init(&c, 3);
	for (i = 0; i < 10; i++) {
		x[0] = i;
		x[1] = 0.1;
		x[2] = i * i;
		mlw_comoment_add(&c, x);
	}
	ok(mlw_pca_fit(&p, &c, 0.65) == 0, "constant: fitted");
	is_double(p.scale[1], 1, "constant: scale 1");
	is_double(p.variance[2], 0, "constant: a zero eigenvalue");
	mlw_pca_free(&p);
	mlw_comoment_free(&c);
}

int
main(void)
{
	static double X[200][6];
	int i, j, same = 1;

	for (i = 0; i < 200; i++)
		gen_row(X[i]);
	for (j = 0; j < 6; j++)
		if (X[0][j] != w_row0[j] || X[199][j] != w_row199[j])
			same = 0;
	ok(same, "the data are the witness's");
	test_eigen();
	test_comoment(X);
	test_pca(X);
	test_k_rule();
	test_constant();
	return done_testing();
}
