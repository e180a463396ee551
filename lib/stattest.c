/* stattest: two-sample tests and distances as SciPy 1.10.1 computes them.
 *
 * Every function follows the arithmetic of the SciPy function named in
 * stattest.h step by step (same formulas, same order of operations where
 * the order decides the last bits, and NumPy's pairwise summation where
 * SciPy sums an array), so that the statistics agree to the last few ulps
 * and the p-values to about 1e-12 relative. The distribution functions
 * they need are dist.c's.
 *
 * Expected values in tests/unit/test_stattest.c come from
 * tests/data/witness-stattest.py. */
#include "stattest.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "stats.h"
#include "xalloc.h"

#define NAN2 ((struct mlw_test){ NAN, NAN })
#define PI 3.14159265358979323846

/* ---- walking two sorted samples by distinct value ------------------------ */

struct walk {
	const double *a, *b;
	size_t na, nb, i, j;
};

/* The next distinct value of the pooled sample: *ca and *cb get how many
 * times it occurs in a and b. Returns 0 when both are exhausted. */
static int
walk_next(struct walk *w, double *v, size_t *ca, size_t *cb)
{
	double x;
	size_t i0 = w->i, j0 = w->j;

	if (w->i >= w->na && w->j >= w->nb)
		return 0;
	if (w->i >= w->na)
		x = w->b[w->j];
	else if (w->j >= w->nb)
		x = w->a[w->i];
	else
		x = w->a[w->i] < w->b[w->j] ? w->a[w->i] : w->b[w->j];
	while (w->i < w->na && w->a[w->i] == x)
		w->i++;
	while (w->j < w->nb && w->b[w->j] == x)
		w->j++;
	if (w->i == i0 && w->j == j0) {
		/* a NaN (never equal to itself): step over it, never hang */
		if (w->i < w->na)
			w->i++;
		else
			w->j++;
	}
	*v = x;
	*ca = w->i - i0;
	*cb = w->j - j0;
	return 1;
}

static void
walk_init(struct walk *w, const double *a, size_t na, const double *b,
    size_t nb)
{
	w->a = a;
	w->b = b;
	w->na = na;
	w->nb = nb;
	w->i = w->j = 0;
}

/* ---- ks_2samp ---------------------------------------------------------- */

static uint64_t
gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* floor(p / q) for q > 0 */
static int64_t
floordiv(int64_t p, int64_t q)
{
	int64_t r = p / q;

	if ((p % q != 0) && (p < 0))
		r--;
	return r;
}

/* P(D_{n,n} >= h/n) = 2 (A0 (1 - A1 (1 - A2 (...)))) with each ratio of
 * binomial coefficients a product of h factors (SciPy's
 * _compute_prob_outside_square). */
static double
ks_prob_outside_square(int64_t n, int64_t h)
{
	double P = 0;
	int64_t k = n / h, j;

	for (; k >= 0; k--) {
		double p1 = 1;

		for (j = 0; j < h; j++)
			p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
		P = p1 * (1 - P);
	}
	return 2 * P;
}

/* Share of lattice paths (0,0)->(m,n) that leave the band
 * |x/m - y/n| < h/lcm, by Hodges' inside method in Viehmann's (2021) form
 * that carries 1 - p: A(i,j) = (i A(i-1,j) + j A(i,j-1)) / (i+j) inside
 * the band, 1 outside. One sliding column of the band is kept. */
static double
ks_outer_prob_inside(int64_t m, int64_t n, int64_t g, int64_t h)
{
	int64_t mg, ng, minj, maxj, curlen, lenA, i, jj, lastminj, lastlen;
	double *A, val, r;

	if (m < n) {
		int64_t t = m;

		m = n;
		n = t;
	}
	mg = m / g;
	ng = n / g;
	minj = 0;
	maxj = -floordiv(-h, mg);
	if (maxj > n + 1)
		maxj = n + 1;
	curlen = maxj - minj;
	lenA = 2 * maxj + 2 < n + 1 ? 2 * maxj + 2 : n + 1;
	A = mlw_xmalloc((size_t)lenA * sizeof *A);
	for (jj = 0; jj < lenA; jj++)
		A[jj] = 1;
	for (jj = minj; jj < maxj; jj++)
		A[jj] = 0;
	for (i = 1; i <= m; i++) {
		lastminj = minj;
		lastlen = curlen;
		minj = floordiv(ng * i - h, mg) + 1;
		if (minj < 0)
			minj = 0;
		if (minj > n)
			minj = n;
		maxj = -floordiv(-(ng * i + h), mg);
		if (maxj > n + 1)
			maxj = n + 1;
		if (maxj <= minj) {
			free(A);
			return 1;
		}
		val = minj == 0 ? 0 : 1;
		for (jj = 0; jj < maxj - minj; jj++) {
			int64_t j = jj + minj;

			val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
			A[jj] = val;
		}
		curlen = maxj - minj;
		if (lastlen > curlen)
			for (jj = maxj - minj;
			    jj < maxj - minj + (lastlen - curlen) && jj < lenA;
			    jj++)
				A[jj] = 1;
	}
	r = A[maxj - minj - 1];
	free(A);
	return r;
}

/* C(m+n, m) as a product of ratios (inf when it overflows) */
static double
binom_double(size_t m, size_t n)
{
	double c = 1;
	size_t i;

	if (m > n) {
		size_t t = m;

		m = n;
		n = t;
	}
	for (i = 1; i <= m && !isinf(c); i++)
		c = c * (double)(n + i) / (double)i;
	return c;
}

struct mlw_test
mlw_ks_2samp(const double *a, size_t na, const double *b, size_t nb)
{
	struct walk w;
	struct mlw_test r;
	double v, d = 0, prob = NAN;
	size_t ca, cb, ia = 0, ib = 0;
	int exact;

	if (na == 0 || nb == 0)
		return NAN2;
	/* max |cdf_a - cdf_b| over the pooled values, each cdf i/n as SciPy
	 * divides it */
	walk_init(&w, a, na, b, nb);
	while (walk_next(&w, &v, &ca, &cb)) {
		double diff;

		ia += ca;
		ib += cb;
		diff = (double)ia / na - (double)ib / nb;
		if (fabs(diff) > d)
			d = fabs(diff);
	}
	if (d > 1)
		d = 1;
	exact = (na > nb ? na : nb) <= 10000;
	if (exact) {
		uint64_t g = gcd64(na, nb);
		int64_t lcm = (int64_t)(na / g) * (int64_t)nb;
		int64_t h = (int64_t)nearbyint(d * lcm);

		d = h * 1.0 / lcm;
		if (h == 0)
			prob = 1;
		else if (h == lcm && na != nb)
			/* D = 1: only the two extreme paths, 2 / C(na+nb, na);
			 * the recursion below would take O(na nb) to find it */
			prob = 2 / binom_double(na, nb);
		else if (na == nb)
			prob = ks_prob_outside_square((int64_t)na, h);
		else
			prob = ks_outer_prob_inside((int64_t)na, (int64_t)nb,
			    (int64_t)g, h);
		if (!(prob >= 0 && prob <= 1))
			exact = 0;
	}
	if (!exact) {
		double m = na > nb ? (double)na : (double)nb;
		double n = na > nb ? (double)nb : (double)na;
		double en = m * n / (m + n);

		prob = mlw_kstwo_sf(d, nearbyint(en));
	}
	r.stat = d;
	r.p = mlw_clip01(prob);
	return r;
}

/* ---- Mann-Whitney U ---------------------------------------------------- */

/* P(U <= k) for sample sizes m <= n without ties: the counts of U are the
 * coefficients of the Gaussian binomial [m+n, m]_q =
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Partitions into parts <= m
 * (positive sums only) give 1/prod(1 - q^i); the numerator has at most
 * 2^m signed terms. Cost O((2^m + m) k) with m <= 8. */
static double
mwu_cdf_exact(size_t m, size_t n, size_t k)
{
	double *P, total = 0, binom = 1;
	size_t s, i, mask;

	P = mlw_xcalloc(k + 1, sizeof *P);
	P[0] = 1;
	for (s = 1; s <= m; s++)
		for (i = s; i <= k; i++)
			P[i] += P[i - s];
	for (i = 1; i <= k; i++)	/* cumulative: P[i] = sum_{j<=i} */
		P[i] += P[i - 1];
	for (mask = 0; mask < ((size_t)1 << m); mask++) {
		size_t deg = 0, bits = 0;
		int over = 0;

		for (i = 0; i < m; i++)
			if (mask & ((size_t)1 << i)) {
				deg += n + i + 1;
				bits++;
				if (deg > k) {
					over = 1;
					break;
				}
			}
		if (over)
			continue;
		total += (bits % 2 ? -1 : 1) * P[k - deg];
	}
	free(P);
	for (i = 1; i <= m; i++)
		binom = binom * (double)(n + i) / (double)i;
	return total / binom;
}

struct mlw_test
mlw_mannwhitneyu(const double *a, size_t na, const double *b, size_t nb)
{
	return mlw_mannwhitneyu_alt(a, na, b, nb, MLW_TWO_SIDED);
}

struct mlw_test
mlw_mannwhitneyu_alt(const double *a, size_t na, const double *b, size_t nb,
    int alternative)
{
	struct walk w;
	struct mlw_test r;
	double v, R1 = 0, tie = 0, U1, U2, U, p;
	size_t ca, cb, pos = 0;
	int ties = 0;

	if (na == 0 || nb == 0)
		return NAN2;
	walk_init(&w, a, na, b, nb);
	while (walk_next(&w, &v, &ca, &cb)) {
		double t = (double)(ca + cb);

		/* midrank of the group: pos + (t + 1) / 2 */
		R1 += ca * (pos + (t + 1) / 2);
		tie += t * t * t - t;
		if (ca + cb > 1)
			ties = 1;
		pos += ca + cb;
	}
	U1 = R1 - na * (na + 1) / 2.0;
	U2 = (double)na * nb - U1;
	/* SciPy: greater tests U1, less U2, two-sided the larger, doubled */
	U = alternative == MLW_GREATER ? U1 : alternative == MLW_LESS ? U2 :
	    U1 > U2 ? U1 : U2;
	if ((na <= 8 || nb <= 8) && !ties) {
		size_t m = na < nb ? na : nb, n = na < nb ? nb : na;
		size_t k = (size_t)((double)na * nb - U);

		p = mwu_cdf_exact(m, n, k);
	} else {
		double N = (double)(na + nb), mu = (double)na * nb / 2;
		double s = sqrt((double)na * nb / 12 *
		    ((N + 1) - tie / (N * (N - 1))));

		p = mlw_norm_sf((U - mu - 0.5) / s);
	}
	r.stat = U1;
	r.p = mlw_clip01(alternative == MLW_TWO_SIDED ? 2 * p : p);
	return r;
}

/* ---- t-test -------------------------------------------------------------- */

/* mean and variance (ddof=1) as NumPy and scipy's _var compute them:
 * pairwise sums, var = mean((x - mean)^2) * (n / (n - 1)). */
static void
mean_var(const double *x, size_t n, double *mean, double *var)
{
	*var = mlw_np_var(x, n, mean) * ((double)n / (double)(n - 1));
}

struct mlw_test
mlw_ttest_ind(const double *a, size_t na, const double *b, size_t nb,
    int equal_var)
{
	double m1, m2, v1, v2, df, denom, t;
	double n1 = (double)na, n2 = (double)nb;
	struct mlw_test r;

	if (na == 0 || nb == 0)
		return NAN2;
	mean_var(a, na, &m1, &v1);
	mean_var(b, nb, &m2, &v2);
	if (equal_var) {
		double svar;

		df = n1 + n2 - 2.0;
		svar = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
		denom = sqrt(svar * (1.0 / n1 + 1.0 / n2));
	} else {
		double vn1 = v1 / n1, vn2 = v2 / n2;

		df = (vn1 + vn2) * (vn1 + vn2) /
		    (vn1 * vn1 / (n1 - 1) + vn2 * vn2 / (n2 - 1));
		if (isnan(df))
			df = 1;
		denom = sqrt(vn1 + vn2);
	}
	t = (m1 - m2) / denom;
	r.stat = t;
	r.p = isnan(t) ? NAN : mlw_t_sf(fabs(t), df) * 2;
	return r;
}

/* ---- Anderson-Darling k-sample ----------------------------------------- */

static const double ad_sig[7] = { 0.25, 0.1, 0.05, 0.025, 0.01, 0.005,
	0.001 };
/* np.polyfit(critical, log(sig), 2) for k = 2, as NumPy 1.24 computes it
 * (tests/data/witness-stattest.py prints it). */
static const double ad_pf[3] = { 0.01819809457411139, -1.008226564465251,
	-1.0777702798204876 };

void
mlw_anderson_ksamp_critical(double crit[7])
{
	static const double b0[7] = { 0.675, 1.281, 1.645, 1.96, 2.326, 2.573,
	    3.085 };
	static const double b1[7] = { -0.245, 0.25, 0.678, 1.149, 1.822,
	    2.364, 3.615 };
	static const double b2[7] = { -0.105, -0.305, -0.362, -0.391, -0.396,
	    -0.345, -0.154 };
	int i;

	for (i = 0; i < 7; i++)
		crit[i] = b0[i] + b1[i] / sqrt(1.0) + b2[i] / 1;
}

struct mlw_test
mlw_anderson_ksamp(const double *a, size_t na, const double *b, size_t nb)
{
	struct walk w;
	struct mlw_test r;
	double *ta, *tb, *hs, v, A2kN, H, h, g, N, A, B, C, D, sig2, A2, p;
	double crit[7], cmin, cmax;
	size_t ca, cb, nz = 0, cnt = 0, sa = 0, sb = 0, Ni = na + nb, i;
	int k = 2, distinct;

	if (na == 0 || nb == 0 || Ni < 3)
		return NAN2;
	ta = mlw_xmalloc(3 * Ni * sizeof *ta);
	tb = ta + Ni;
	hs = tb + Ni;
	N = (double)Ni;
	/* are all pooled values distinct? then SciPy uses lj = 1. */
	walk_init(&w, a, na, b, nb);
	while (walk_next(&w, &v, &ca, &cb))
		nz++;
	if (nz < 2) {
		free(ta);
		return NAN2;
	}
	distinct = nz == Ni;
	walk_init(&w, a, na, b, nb);
	nz = 0;
	while (walk_next(&w, &v, &ca, &cb)) {
		double lj = distinct ? 1. : (double)(ca + cb);
		double Bj = (double)cnt + lj / 2.;
		double Ma = (double)(sa + ca) - (double)ca / 2.;
		double Mb = (double)(sb + cb) - (double)cb / 2.;
		double den = Bj * (N - Bj) - N * lj / 4.;
		double da = N * Ma - Bj * (double)na;
		double db = N * Mb - Bj * (double)nb;

		ta[nz] = lj / N * (da * da) / den;
		tb[nz] = lj / N * (db * db) / den;
		nz++;
		cnt += ca + cb;
		sa += ca;
		sb += cb;
	}
	A2kN = 0.;
	A2kN += mlw_np_sum(ta, nz) / (double)na;
	A2kN += mlw_np_sum(tb, nz) / (double)nb;
	A2kN *= (N - 1.) / N;
	H = 0.;
	H += 1. / (double)na;
	H += 1. / (double)nb;
	/* hs_cs = cumsum(1 / [N-1, N-2, ..., 2]); h = hs_cs[-1] + 1;
	 * g = sum(hs_cs / [2, 3, ..., N-1]) */
	{
		double c = 0;

		for (i = 0; i < Ni - 2; i++) {
			c += 1. / (double)(Ni - 1 - i);
			hs[i] = c;
		}
		h = c + 1;
		for (i = 0; i < Ni - 2; i++)
			ta[i] = hs[i] / (double)(i + 2);
		g = mlw_np_sum(ta, Ni - 2);
	}
	free(ta);
	A = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
	B = (2 * g - 4) * (k * k) + 8 * h * k + (2 * g - 14 * h - 4) * H -
	    8 * h + 4 * g - 6;
	C = (6 * h + 2 * g - 2) * (k * k) + (4 * h - 4 * g + 6) * k +
	    (2 * h - 6) * H + 4 * h;
	D = (2 * h + 6) * (k * k) - 4 * h * k;
	sig2 = (A * (N * N * N) + B * (N * N) + C * N + D) /
	    ((N - 1.) * (N - 2.) * (N - 3.));
	A2 = (A2kN - 1) / sqrt(sig2);
	mlw_anderson_ksamp_critical(crit);
	cmin = crit[0];
	cmax = crit[6];
	if (A2 < cmin)
		p = ad_sig[0];
	else if (A2 > cmax)
		p = ad_sig[6];
	else
		p = exp((ad_pf[0] * A2 + ad_pf[1]) * A2 + ad_pf[2]);
	if (isnan(A2))
		p = NAN;
	r.stat = A2;
	r.p = p;
	return r;
}

/* ---- Cramer-von Mises two-sample ----------------------------------------- */

/* _cdf_cvm_inf: the limiting distribution (Csorgo & Faraway 1996, eq. 1.2)
 * summed until a term is below 1e-7, as SciPy does. K_{1/4} comes from
 * the integral K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt by the
 * trapezoidal rule, which converges geometrically for this integrand. */
static double
bessel_k(double nu, double x)
{
	const double hstep = 1.0 / 32;
	double s = 0.5 * exp(-x), t;
	int i;

	if (x <= 0)
		return INFINITY;
	for (i = 1; i < 100000; i++) {
		double e;

		t = i * hstep;
		e = exp(-x * cosh(t)) * cosh(nu * t);
		s += e;
		if (e < 1e-18 * s)
			break;
	}
	return s * hstep;
}

static double
cdf_cvm_inf(double x)
{
	double tot = 0;
	int k;

	for (k = 0; k < 1000; k++) {
		double u = exp(lgamma(k + 0.5) - lgamma(k + 1.0)) /
		    (pow(PI, 1.5) * sqrt(x));
		double y = 4.0 * k + 1, q = y * y / (16 * x);
		double z = u * sqrt(y) * exp(-q) * bessel_k(0.25, q);

		tot += z;
		if (!(fabs(z) >= 1e-7))
			break;
	}
	return tot;
}

struct ftab {
	uint64_t *val, *cnt;
	size_t len;
};

/* out = merge of x and y (sorted by value, counts of equal values added),
 * then add inc to every value. */
static void
ftab_merge(struct ftab *out, const struct ftab *x, const struct ftab *y,
    uint64_t inc)
{
	size_t i = 0, j = 0, n = 0, cap = x->len + y->len;

	out->val = mlw_xmalloc((cap ? cap : 1) * sizeof *out->val);
	out->cnt = mlw_xmalloc((cap ? cap : 1) * sizeof *out->cnt);
	while (i < x->len || j < y->len) {
		if (j >= y->len || (i < x->len && x->val[i] < y->val[j])) {
			out->val[n] = x->val[i];
			out->cnt[n++] = x->cnt[i++];
		} else if (i >= x->len || y->val[j] < x->val[i]) {
			out->val[n] = y->val[j];
			out->cnt[n++] = y->cnt[j++];
		} else {
			out->val[n] = x->val[i];
			out->cnt[n++] = x->cnt[i++] + y->cnt[j++];
		}
	}
	for (i = 0; i < n; i++)
		out->val[i] += inc;
	out->len = n;
}

static void
ftab_free(struct ftab *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].val);
		free(t[i].cnt);
		t[i].val = NULL;
		t[i].cnt = NULL;
		t[i].len = 0;
	}
}

/* Exact p-value (Xiao, Gordon & Yakovlev 2006; Anderson 1962): the
 * frequency table of sum (a v - b u)^2 over the lattice paths, built
 * column by column; p = #{paths with value >= zeta} / C(m+n, m). */
static double
cvm_exact_p(double u4, int64_t m, int64_t n)
{
	int64_t l = m / (int64_t)gcd64((uint64_t)m, (uint64_t)n) * n;
	int64_t a = l / m, b = l / n, mn = m * n, zeta;
	struct ftab *gs, *nx, empty = { NULL, NULL, 0 };
	uint64_t comb = 1, hits = 0;
	int64_t uu, v, i;
	double p = NAN;

	/* zeta = floor(l^2 (m+n) (6 U - mn (4mn - 1)) / (6 mn^2)), U = u4/4 */
	zeta = floordiv(l * l * (m + n) * (6 * (int64_t)u4 - 4 * mn *
	    (4 * mn - 1)), 4 * 6 * mn * mn);
	gs = mlw_xcalloc((size_t)(m + 1) * 2, sizeof *gs);
	nx = gs + m + 1;
	gs[0].val = mlw_xmalloc(sizeof *gs[0].val);
	gs[0].cnt = mlw_xmalloc(sizeof *gs[0].cnt);
	gs[0].val[0] = 0;
	gs[0].cnt[0] = 1;
	gs[0].len = 1;
	for (uu = 0; uu <= n; uu++) {
		const struct ftab *tmp = &empty;

		for (v = 0; v <= m; v++) {
			int64_t dv = a * v - b * uu;

			ftab_merge(&nx[v], tmp, &gs[v], (uint64_t)(dv * dv));
			tmp = &nx[v];
		}
		ftab_free(gs, (size_t)m + 1);
		for (v = 0; v <= m; v++) {
			gs[v] = nx[v];
			nx[v].val = NULL;
			nx[v].cnt = NULL;
			nx[v].len = 0;
		}
	}
	for (i = 0; i < (int64_t)gs[m].len; i++)
		if (zeta < 0 || gs[m].val[i] >= (uint64_t)zeta)
			hits += gs[m].cnt[i];
	for (i = 1; i <= m; i++)	/* C(m+n, m), exact: each step divides */
		comb = comb * (uint64_t)(n + i) / (uint64_t)i;
	p = (double)hits / (double)comb;
	ftab_free(gs, (size_t)m + 1);
	ftab_free(nx, (size_t)m + 1);
	free(gs);
	return p;
}

struct mlw_test
mlw_cvm_2samp(const double *a, size_t na, const double *b, size_t nb)
{
	struct walk w;
	struct mlw_test r;
	double v, sx = 0, sy = 0, u, t, k, N, p;
	size_t ca, cb, pos = 0, ia = 0, ib = 0, i;

	if (na <= 1 || nb <= 1)
		return NAN2;
	walk_init(&w, a, na, b, nb);
	while (walk_next(&w, &v, &ca, &cb)) {
		double rank = pos + (double)(ca + cb + 1) / 2;

		for (i = 0; i < ca; i++) {
			double d = rank - (double)(++ia);

			sx += d * d;
		}
		for (i = 0; i < cb; i++) {
			double d = rank - (double)(++ib);

			sy += d * d;
		}
		pos += ca + cb;
	}
	u = (double)na * sx;
	u += (double)nb * sy;
	k = (double)na * nb;
	N = (double)(na + nb);
	t = u / (k * N) - (4 * k - 1) / (6 * N);
	if ((na > nb ? na : nb) <= 20) {
		p = cvm_exact_p(4 * u, (int64_t)na, (int64_t)nb);
	} else {
		double et = (1 + 1 / N) / 6, vt, tn;

		vt = (N + 1) * (4 * k * N - 3 * ((double)na * na +
		    (double)nb * nb) - 2 * k);
		vt = vt / (45 * N * N * 4 * k);
		tn = 1.0 / 6 + (t - et) / sqrt(45 * vt);
		if (tn < 0.003)
			p = 1.0;
		else {
			p = 1. - cdf_cvm_inf(tn);
			if (p < 0)
				p = 0;
		}
	}
	r.stat = t;
	r.p = p;
	return r;
}

/* ---- energy and Wasserstein distances ------------------------------------ */

/* SciPy's _cdf_distance: terms |F_a - F_b|^p * (z_{k+1} - z_k) over the
 * pooled sorted values z, F the empirical cdfs at z_k; summed as NumPy. */
static double
cdf_distance(const double *a, size_t na, const double *b, size_t nb, int p)
{
	struct walk w;
	double *t, v, s;
	size_t ca, cb, ia = 0, ib = 0, pos = 0, N = na + nb, i;
	int have = 0;
	double prevdiff = 0, prev = 0;

	t = mlw_xmalloc((N > 1 ? N - 1 : 1) * sizeof *t);
	walk_init(&w, a, na, b, nb);
	while (walk_next(&w, &v, &ca, &cb)) {
		if (have) {
			double delta = v - prev, term;

			term = p == 1 ? fabs(prevdiff) * delta :
			    prevdiff * prevdiff * delta;
			t[pos - 1] = term;
		}
		ia += ca;
		ib += cb;
		/* r - 1 zero gaps inside the group of equal values */
		for (i = 1; i < ca + cb; i++)
			t[pos + i - 1] = 0 * ((double)ia / na);
		pos += ca + cb;
		prevdiff = (double)ia / na - (double)ib / nb;
		prev = v;
		have = 1;
	}
	s = mlw_np_sum(t, N - 1);
	free(t);
	return p == 1 ? s : sqrt(s);
}

struct mlw_test
mlw_energy_distance(const double *a, size_t na, const double *b, size_t nb)
{
	struct mlw_test r = { NAN, NAN };

	if (na == 0 || nb == 0)
		return r;
	r.stat = sqrt(2.0) * cdf_distance(a, na, b, nb, 2);
	return r;
}

struct mlw_test
mlw_wasserstein(const double *a, size_t na, const double *b, size_t nb)
{
	struct mlw_test r = { NAN, NAN };

	if (na == 0 || nb == 0)
		return r;
	r.stat = cdf_distance(a, na, b, nb, 1);
	return r;
}

/* ---- chisquare ------------------------------------------------------------ */

struct mlw_test
mlw_chisquare(const double *obs, const double *exp_, size_t k)
{
	struct mlw_test r = { NAN, NAN };
	double *t, so, se, rel;
	size_t i;

	if (k == 0)
		return r;
	t = mlw_xmalloc(k * sizeof *t);
	/* SciPy 1.10 refuses sums that differ by more than 1e-8 relative */
	so = mlw_np_sum(obs, k);
	se = mlw_np_sum(exp_, k);
	rel = fabs(so - se) / (so < se ? so : se);
	if (rel > 1e-8) {
		free(t);
		return r;
	}
	for (i = 0; i < k; i++) {
		double d = obs[i] - exp_[i];

		t[i] = d * d / exp_[i];
	}
	r.stat = mlw_np_sum(t, k);
	free(t);
	r.p = k < 2 ? NAN : isnan(r.stat) ? NAN :
	    mlw_chi2_sf(r.stat, (double)(k - 1));
	return r;
}

/* ---- Fisher's exact test -------------------------------------------------- */

/* The hypergeometric pmf relative to its mode, by the exact ratio
 * pmf(x+1)/pmf(x) = (n1-x)(n-x) / ((x+1)(n2-n+x+1)) in long double, so
 * that values equal in exact arithmetic stay equal to well under
 * SciPy's 1e-14 tolerance. The walk never leaves the support. */
struct hyper {
	long double n1, n2, n;
	int64_t lo, hi, mode;
};

static long double
hyp_up(const struct hyper *h, int64_t x)	/* pmf(x+1)/pmf(x) */
{
	return ((h->n1 - x) * (h->n - x)) /
	    (((long double)x + 1) * (h->n2 - h->n + x + 1));
}

/* r(x) = pmf(x)/pmf(mode) */
static long double
hyp_rel(const struct hyper *h, int64_t x)
{
	long double r = 1;
	int64_t y;

	if (x < h->lo || x > h->hi)
		return 0;
	/* far from the mode r underflows; it only decreases from there (a
	 * subnormal would stay stuck at the smallest one, so stop before) */
	if (x >= h->mode)
		for (y = h->mode; y < x && r >= LDBL_MIN; y++)
			r *= hyp_up(h, y);
	else
		for (y = h->mode; y > x && r >= LDBL_MIN; y--)
			r /= hyp_up(h, y - 1);
	return r >= LDBL_MIN ? r : 0;
}

/* sum of r(x) for x from `from` stepping by dir (+1/-1) to the end of the
 * support, stopping when terms are negligible against the sum. */
static long double
hyp_tail(const struct hyper *h, int64_t from, int dir)
{
	long double r, s = 0;
	int64_t x;

	if (from < h->lo)
		from = dir < 0 ? from : h->lo;
	if (from > h->hi)
		from = dir > 0 ? from : h->hi;
	if (from < h->lo || from > h->hi)
		return 0;
	r = hyp_rel(h, from);
	for (x = from;;) {
		s += r;
		if (r < s * 1e-22L && r == r)
			break;
		if (dir > 0) {
			if (x >= h->hi)
				break;
			r *= hyp_up(h, x);
			x++;
		} else {
			if (x <= h->lo)
				break;
			r /= hyp_up(h, x - 1);
			x--;
		}
		if (r < LDBL_MIN)
			break;
	}
	return s;
}

struct mlw_test
mlw_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	struct mlw_test r;
	struct hyper h;
	int64_t n1 = (int64_t)(a + b), n2 = (int64_t)(c + d),
	    n = (int64_t)(a + c), x = (int64_t)a, mode, guess;
	long double pexact, pmode, Z, sum, gam = 1 + 1e-14L;
	double pv;

	if (a + c == 0 || b + d == 0 || a + b == 0 || c + d == 0) {
		r.stat = NAN;
		r.p = 1.0;
		return r;
	}
	if (c > 0 && b > 0)
		r.stat = (double)(int64_t)(a * d) / (double)(int64_t)(c * b);
	else
		r.stat = INFINITY;
	h.n1 = (long double)n1;
	h.n2 = (long double)n2;
	h.n = (long double)n;
	h.lo = n - n2 > 0 ? n - n2 : 0;
	h.hi = n < n1 ? n : n1;
	mode = (int64_t)((double)((n + 1) * (n1 + 1)) /
	    (double)(n1 + n2 + 2));
	if (mode < h.lo)
		mode = h.lo;
	if (mode > h.hi)
		mode = h.hi;
	h.mode = mode;
	pexact = hyp_rel(&h, x);
	pmode = 1;
	Z = hyp_tail(&h, mode, 1) + hyp_tail(&h, mode - 1, -1);
	if (fabsl(pexact - pmode) / (pexact > pmode ? pexact : pmode) <=
	    1e-14L) {
		r.p = 1.0;
		return r;
	}
	if (x < mode) {
		/* lower tail, then the upper values of pmf < pexact * gamma */
		sum = hyp_tail(&h, x, -1);
		if (hyp_rel(&h, n) > pexact * gam) {
			pv = (double)(sum / Z);
			r.p = pv < 1 ? pv : 1;
			return r;
		}
		/* first x >= mode with r(x) < pexact*gamma */
		{
			long double rr = 1;

			guess = pexact > 0 ? mode : h.hi + 1;
			while (guess <= h.hi && rr >= pexact * gam) {
				rr *= guess < h.hi ? hyp_up(&h, guess) : 0;
				guess++;
			}
		}
		sum += hyp_tail(&h, guess, 1);
	} else {
		sum = hyp_tail(&h, x, 1);
		if (hyp_rel(&h, 0) > pexact * gam) {
			pv = (double)(sum / Z);
			r.p = pv < 1 ? pv : 1;
			return r;
		}
		/* last x <= mode with r(x) <= pexact*gamma */
		{
			long double rr = 1;

			guess = mode;
			while (guess >= h.lo && rr > pexact * gam &&
			    rr >= LDBL_MIN) {
				rr = guess > h.lo ? rr / hyp_up(&h, guess - 1) :
				    0;
				guess--;
			}
		}
		sum += hyp_tail(&h, guess, -1);
	}
	pv = (double)(sum / Z);
	r.p = pv < 1 ? pv : 1;
	return r;
}

/* ---- Evidently's z-test ------------------------------------------------- */

/* evidently legacy/calculations/stattests/z_stattest.py:
 *   p1 = x1/n1, p2 = x2/n2, P = (p1 n1 + p2 n2) / (n1 + n2),
 *   z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)),
 *   p = 2 (1 - norm.cdf(|z|))
 * (1 - cdf, not sf: the p-value is 0 beyond |z| ~ 8.3, as in Evidently).
 * Evidently gives p = 1 without a z when both sides hold one and the same
 * value; here that is P = 0 or P = 1, and z is NAN. */
struct mlw_test
mlw_ztest_2prop(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2)
{
	struct mlw_test r = { NAN, NAN };
	double p1, p2, P, dn1 = (double)n1, dn2 = (double)n2;

	if (n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2)
		return r;
	p1 = (double)x1 / dn1;
	p2 = (double)x2 / dn2;
	P = (p1 * dn1 + p2 * dn2) / (dn1 + dn2);
	if ((x1 == 0 && x2 == 0) || (x1 == n1 && x2 == n2)) {
		r.p = 1;
		return r;
	}
	r.stat = (p1 - p2) / sqrt(P * (1 - P) * (1.0 / dn1 + 1.0 / dn2));
	r.p = 2 * (1 - mlw_norm_cdf(fabs(r.stat)));
	return r;
}
