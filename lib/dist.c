/* dist: distribution functions written from their textbook definitions:
 * Lentz's continued fractions and power series for the incomplete gamma
 * and beta functions, erfc for the normal tail, and for the
 * Kolmogorov-Smirnov distribution the algorithms Simard & L'Ecuyer (2011)
 * select and SciPy's _kolmogn uses (Durbin's matrix as Marsaglia-Tsang-
 * Wang compute it, Pomeranz's recursion, the Pelz-Good asymptotic series,
 * and the one-sided Smirnov sum of Birnbaum & Tingey). Expected values in
 * tests/unit/test_stattest.c come from tests/data/witness-stattest.py. */
#include "dist.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define PI 3.14159265358979323846
#define SQRT1_2 0.70710678118654752440

/* ---- distribution functions ------------------------------------------ */

/* scipy.special.ndtr(-z) (norm.sf), with Cephes' split: erf near 0,
 * erfc in the tails, so an upper tail is never 1 - something. */
double
mlw_norm_sf(double z)
{
	double x = -z * SQRT1_2, y;

	if (isnan(z))
		return NAN;
	if (fabs(x) < SQRT1_2)
		return 0.5 + 0.5 * erf(x);
	y = 0.5 * erfc(fabs(x));
	return x > 0 ? 1 - y : y;
}

/* scipy.special.ndtr(z) (norm.cdf), the same split. */
double
mlw_norm_cdf(double z)
{
	double x = z * SQRT1_2, y;

	if (fabs(x) < SQRT1_2)
		return 0.5 + 0.5 * erf(x);
	y = 0.5 * erfc(fabs(x));
	return x > 0 ? 1 - y : y;
}

/* lgamma(a) - lgamma(a + b) for a >= 10 and 0 < b <= a, from Stirling's
 * series, without the cancellation of two large lgamma values. */
static double
lgamma_ratio(double a, double b)
{
	/* B_2k / (2k (2k-1)) for k = 1..6 */
	static const double c[] = { 1.0 / 12, -1.0 / 360, 1.0 / 1260,
	    -1.0 / 1680, 1.0 / 1188, -691.0 / 360360 };
	double ab = a + b, s = 0, ia = 1 / a, iab = 1 / ab, pa = ia, pab = iab;
	int k;

	for (k = 0; k < 6; k++) {
		s += c[k] * (pa - pab);
		pa *= ia * ia;
		pab *= iab * iab;
	}
	return -(a - 0.5) * log1p(b / a) - b * log(ab) + b + s;
}

/* log B(a, b) */
static double
lbeta(double a, double b)
{
	double big = a > b ? a : b, small = a > b ? b : a;

	if (big >= 10)
		return lgamma(small) + lgamma_ratio(big, small);
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* Continued fraction of the incomplete beta function (modified Lentz),
 * in long double: near x = (a+1)/(a+b+2) it takes O(sqrt(a)) steps and
 * the extra bits keep their rounding out of the result. */
static double
betacf(double a_, double b_, double x_)
{
	const long double tiny = 1e-300L, eps = 1e-19L;
	long double a = a_, b = b_, x = x_;
	long double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d, h;
	int m;

	d = 1 - qab * x / qap;
	if (fabsl(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 1000000; m++) {
		long double m2 = 2.0L * m, aa, del;

		aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabsl(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabsl(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabsl(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabsl(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabsl(del - 1) < eps)
			break;
	}
	return (double)h;
}

/* The second continued fraction of I_x(a, b) (the one Cephes' incbd
 * evaluates), in z = x / (1 - x): I_x(a,b) = front * cf2 / (1 - x). With
 * 1 - x passed exactly it has no 1 - x inside, which matters when x is
 * within O(1/a) of 1 (a t tail with many degrees of freedom). Forward
 * recurrences for the convergents P/Q, rescaled to stay in range. */
static double
betacf2(double a_, double b_, double x, double y)
{
	long double a = a_, b = b_, z = (long double)x / y;
	long double k1 = a, k2 = b - 1, k3 = a, k4 = a + 1, k5 = 1, k6 = a + b;
	long double k7 = a + 1, k8 = a + 2, pm2 = 0, qm2 = 1, pm1 = 1, qm1 = 1;
	long double ans = 1, r, t, xk, pk, qk;
	int n;

	for (n = 0; n < 1000000; n++) {
		xk = -(z * k1 * k2) / (k3 * k4);
		pk = pm1 + pm2 * xk;
		qk = qm1 + qm2 * xk;
		pm2 = pm1;
		pm1 = pk;
		qm2 = qm1;
		qm1 = qk;
		xk = (z * k5 * k6) / (k7 * k8);
		pk = pm1 + pm2 * xk;
		qk = qm1 + qm2 * xk;
		pm2 = pm1;
		pm1 = pk;
		qm2 = qm1;
		qm1 = qk;
		if (qk != 0) {
			r = pk / qk;
			t = r != 0 ? fabsl((ans - r) / r) : 1;
			ans = r;
			if (t < 1e-19L)
				break;
		}
		k1 += 1;
		k2 -= 1;
		k3 += 2;
		k4 += 2;
		k5 += 1;
		k6 += 1;
		k7 += 2;
		k8 += 2;
		if (fabsl(qk) + fabsl(pk) > 1e300L) {
			pm2 *= 1e-300L;
			pm1 *= 1e-300L;
			qm2 *= 1e-300L;
			qm1 *= 1e-300L;
		}
		if (fabsl(qk) < 1e-300L || fabsl(pk) < 1e-300L) {
			pm2 *= 1e300L;
			pm1 *= 1e300L;
			qm2 *= 1e300L;
			qm1 *= 1e300L;
		}
	}
	return (double)ans;
}

/* I_x(a, b) by a continued fraction, without the reflection; y = 1 - x,
 * computed directly by the caller so that neither is a difference of
 * near-equal numbers. */
static double
ibeta_cf(double a, double b, double x, double y)
{
	double lx, ly, front;

	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	lx = x > 0.5 ? log1p(-y) : log(x);
	ly = y > 0.5 ? log1p(-x) : log(y);
	front = exp(a * lx + b * ly - lbeta(a, b)) / a;
	if (x > 0.5)
		return front * betacf2(a, b, x, y) / y;
	return front * betacf(a, b, x);
}

/* Regularized incomplete beta I_x(a, b), reflected as 1 - I_y(b, a) where
 * the fraction converges slowly. */
static double
ibeta(double a, double b, double x, double y)
{
	if (x > (a + 1) / (a + b + 2))
		return 1 - ibeta_cf(b, a, y, x);
	return ibeta_cf(a, b, x, y);
}

/* Student's t upper tail, as scipy.special.stdtr(df, -t). For t > 2,
 * 1/2 I_{df/(df+t^2)}(df/2, 1/2) (a small tail, no subtraction); for
 * 0 < t <= 2, as Cephes, 1/2 - 1/2 I_{t^2/(df+t^2)}(1/2, df/2): the
 * argument is then small, where the fraction needs no 1 - x, and the
 * result is at least 0.02, so the subtraction costs little. */
double
mlw_t_sf(double t, double df)
{
	double t2;

	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (t == 0)
		return 0.5;
	if (t < 0)
		return 1 - mlw_t_sf(-t, df);
	t2 = t * t;
	if (isinf(t2))
		return 0;
	if (t <= 2)
		return 0.5 - 0.5 * ibeta_cf(0.5, df / 2, t2 / (df + t2),
		    df / (df + t2));
	return 0.5 * ibeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/* log(1 + d) - d without cancellation near 0 */
static double
log1pmx(double d)
{
	if (fabs(d) < 0.25) {
		double s = 0, p = -d;
		int k;

		/* sum_{k>=2} (-1)^(k+1) d^k / k */
		for (k = 2; k < 80; k++) {
			double t;

			p *= -d;
			t = p / k;
			s -= t;
			if (fabs(t) < 1e-17 * fabs(s))
				break;
		}
		return s;
	}
	return log1p(d) - d;
}

/* log(x^a e^-x / Gamma(a)); for a >= 10 as a (log1p(d) - d) + log(a)/2 -
 * log(2 pi)/2 - Stirling's correction, d = (x - a)/a, which avoids
 * subtracting numbers of size a log a. */
static double
igam_logfac(double a, double x)
{
	static const double c[] = { 1.0 / 12, -1.0 / 360, 1.0 / 1260,
	    -1.0 / 1680, 1.0 / 1188, -691.0 / 360360 };
	double s = 0, ia, p;
	int k;

	if (a < 10)
		return a * log(x) - x - lgamma(a);
	ia = 1 / a;
	p = ia;
	for (k = 0; k < 6; k++) {
		s += c[k] * p;
		p *= ia * ia;
	}
	return a * log1pmx((x - a) / a) + 0.5 * log(a) -
	    0.5 * log(2 * PI) - s;
}

/* Regularized upper incomplete gamma Q(a, x): the power series for P when
 * x < a + 1 (Q is then not small, 1 - P loses nothing that matters), a
 * continued fraction (modified Lentz) for Q otherwise. */
static double
igamc(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0)
		return NAN;
	if (x <= 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1) {
		double ap = a, sum = 1 / a, del = sum;
		int k;

		for (k = 0; k < 10000000; k++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-17)
				break;
		}
		return 1 - sum * exp(igam_logfac(a, x));
	} else {
		const double tiny = 1e-300;
		double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
		int i;

		for (i = 1; i < 10000000; i++) {
			double an = -i * (i - a), del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < tiny)
				d = tiny;
			c = b + an / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-16)
				break;
		}
		return exp(igam_logfac(a, x)) * h;
	}
}

/* scipy.stats.chi2.sf(x, df) = Q(df/2, x/2) */
double
mlw_chi2_sf(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (x <= 0)
		return 1;
	return igamc(df / 2, x / 2);
}

/* ---- the Kolmogorov-Smirnov distribution (scipy.stats.kstwo) ---------- */

/* log(n! / n^n) from Stirling's series: log(n)/2 - n + log(2 pi)/2 +
 * sum B_2j / (2j (2j-1) n^(2j-1)). */
static double
log_nfact_div_npown(double n)
{
	static const double c[] = { -2.955065359477124183e-2,
	    6.4102564102564102564e-3, -1.9175269175269175269e-3,
	    8.4175084175084175084e-4, -5.952380952380952381e-4,
	    7.9365079365079365079e-4, -2.7777777777777777778e-3,
	    8.3333333333333333333e-2 };
	double rn = 1 / n, r2 = rn / n, p = 0;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		p = p * r2 + c[i];
	return log(n) / 2 - n + log(2 * PI) / 2 + rn * p;
}

/* One-sided Smirnov upper tail P(D+_n >= x) (scipy.special.smirnov) by the
 * Birnbaum-Tingey sum x sum_{v=0}^{floor(n(1-x))} C(n,v) (x+v/n)^(v-1)
 * (1-x-v/n)^(n-v), every term positive and taken in long double logs. */
static double
smirnov_sf(int n, double x)
{
	long double sum = 0, lgn1;
	double nx;
	int nxfl, v, vmax;

	if (!(n > 0 && x >= 0 && x <= 1))
		return NAN;
	if (n == 1)
		return 1 - x;
	if (x == 0)
		return 1;
	if (x == 1)
		return 0;
	nx = n * x;
	nxfl = (int)floor(nx);
	if (nxfl == 0 || (nxfl == 1 && nx == 1))
		return 1 - x * pow(1 + x, n - 1);
	if (-2 * n * x * x < -745.13321910194110842)
		return 0;
	if (nxfl >= n - 1)
		return pow(1 - x, n);
	if (n > 1000000)
		return exp(-pow(6 * n * x + 1.0, 2) / 18.0 / n);
	lgn1 = lgammal((long double)n + 1);
	vmax = (int)floor(n * (1 - x));
	for (v = 0; v <= vmax; v++) {
		long double p = (long double)x + (long double)v / n;
		long double q = 1 - p, lt, t;

		if (q <= 0)
			break;
		lt = lgn1 - lgammal((long double)v + 1) -
		    lgammal((long double)(n - v) + 1) + (v - 1) * logl(p) +
		    (n - v) * log1pl(-p);
		t = expl(lt);
		sum += t;
		if (v > 0 && 4.0L * (vmax - v) * t < LDBL_EPSILON * sum)
			break;
	}
	return (double)(x * sum);
}

double
mlw_clip01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* t = a b for m x m matrices (row-major), summed in index order. */
static void
matmul(const double *a, const double *b, double *t, int m)
{
	int i, j, l;

	for (i = 0; i < m; i++)
		for (j = 0; j < m; j++) {
			double s = 0;

			for (l = 0; l < m; l++)
				s += a[(size_t)i * m + l] * b[(size_t)l * m + j];
			t[(size_t)i * m + j] = s;
		}
}

/* Durbin's matrix (Marsaglia, Tsang & Wang 2003): P(D_n < d) is
 * n!/n^n times the (k,k) entry of H^n, d = (k - h)/n. Scaled powers keep
 * the entries in range; the exponent is tracked apart. */
static double
kolmogn_dmtw(int n, double d)
{
	const double ep = 0x1p128, em = 0x1p-128;
	double nd = n * d, h, *H, *P, *T, *v, *w, fac, tt, p;
	int k, m, i, j, nn, expnt = 0, hexp = 0;

	if (d >= 1)
		return 1;
	if (nd <= 0.5)
		return 0;
	k = (int)ceil(nd);
	h = k - nd;
	m = 2 * k - 1;
	H = mlw_xcalloc((size_t)m * m * 3 + 2 * (size_t)m, sizeof *H);
	P = H + (size_t)m * m;
	T = P + (size_t)m * m;
	v = T + (size_t)m * m;
	w = v + m;
	fac = 1;
	for (j = 1; j <= m; j++) {
		w[j - 1] = fac;
		fac /= j;
		v[j - 1] = (1 - pow(h, j)) * fac;
	}
	tt = pow(fmax(2 * h - 1, 0), m) - 2 * pow(h, m);
	v[m - 1] = (1 + tt) * fac;
	for (i = 1; i < m; i++)
		for (j = i - 1; j < m; j++)
			H[(size_t)j * m + i] = w[j - i + 1];
	for (j = 0; j < m; j++)
		H[(size_t)j * m] = v[j];
	for (j = 0; j < m; j++)
		H[(size_t)(m - 1) * m + j] = v[m - 1 - j];
	for (i = 0; i < m; i++)
		P[(size_t)i * m + i] = 1;
	for (nn = n; nn > 0; nn /= 2) {
		if (nn % 2) {
			matmul(P, H, T, m);
			memcpy(P, T, (size_t)m * m * sizeof *P);
			expnt += hexp;
		}
		if (nn / 2 == 0)
			break;
		matmul(H, H, T, m);
		memcpy(H, T, (size_t)m * m * sizeof *H);
		hexp *= 2;
		if (fabs(H[(size_t)(k - 1) * m + k - 1]) > ep) {
			for (i = 0; i < m * m; i++)
				H[i] /= ep;
			hexp += 128;
		}
	}
	p = P[(size_t)(k - 1) * m + k - 1];
	for (i = 1; i <= n; i++) {
		p = i * p / n;
		if (fabs(p) < em) {
			p *= ep;
			expnt -= 128;
		}
	}
	free(H);
	return mlw_clip01(ldexp(p, expnt));
}

/* Pomeranz (1974): rows of a convolution recursion with Poisson-like
 * weights; P(D_n <= x) = n! times the last entry of the last row. */
static void
pom_j1j2(int i, int n, int ll, int ceilf, int roundf, int *j1, int *j2)
{
	int a, b;

	if (i == 0) {
		a = -ll - ceilf - 1;
		b = ll + ceilf - 1;
	} else {
		int d = (i + 1) / 2;

		if ((i + 1) % 2 == 0) {
			if (d == n + 1) {
				a = n - ll - ceilf - 1;
				b = n + ll + ceilf - 1;
			} else {
				a = d - 1 - ll - roundf - 1;
				b = d + ll - 1 + ceilf - 1;
			}
		} else {
			a = d - 1 - ll - 1;
			b = d + ll + roundf - 1;
		}
	}
	*j1 = a + 2 > 0 ? a + 2 : 0;
	*j2 = b < n ? b : n;
}

static double
kolmogn_pomeranz(int n, double x)
{
	const double ep = 0x1p128, em = 0x1p-128;
	double t = n * x, f, g, *gp, *tgp, *ogp, *V0, *V1, *buf, ans;
	int ll, ceilf, roundf, npw, i, m, j1, j2, k1, v0s = 0, v1s = 0;
	int expnt = 0;

	ll = (int)floor(t);
	f = t - ll;
	g = fmin(f, 1 - f);
	ceilf = f > 0;
	roundf = f > 0.5;
	npw = 2 * (ll + 1);
	buf = mlw_xcalloc((size_t)npw * 5, sizeof *buf);
	gp = buf;
	tgp = gp + npw;
	ogp = tgp + npw;
	V0 = ogp + npw;
	V1 = V0 + npw;
	gp[0] = tgp[0] = ogp[0] = 1;
	for (m = 1; m < npw; m++) {
		gp[m] = gp[m - 1] * (g / n) / m;
		tgp[m] = tgp[m - 1] * (2 * g / n) / m;
		ogp[m] = ogp[m - 1] * ((1 - 2 * g) / n) / m;
	}
	V1[0] = 1;
	pom_j1j2(0, n, ll, ceilf, roundf, &j1, &j2);
	for (i = 1; i < 2 * n + 2; i++) {
		double *sw = V0, *pw;
		int ln2, s, tmp;

		k1 = j1;
		V0 = V1;
		V1 = sw;
		tmp = v0s;
		v0s = v1s;
		v1s = tmp;
		memset(V1, 0, (size_t)npw * sizeof *V1);
		pom_j1j2(i, n, ll, ceilf, roundf, &j1, &j2);
		if (i == 1 || i == 2 * n + 1)
			pw = gp;
		else
			pw = i % 2 ? tgp : ogp;
		ln2 = j2 - k1 + 1;
		if (ln2 > 0) {
			int cs = j1 - k1, cl = j2 - j1 + 1, q, p;
			int base = k1 - v0s, len0 = ln2;
			double mx = 0;

			if (base + len0 > npw)
				len0 = npw - base;
			for (q = 0; q < cl && q < npw; q++) {
				double acc = 0;
				int c = cs + q;

				/* conv[c] = sum_p V0[base+p] * pw[c-p] */
				for (p = 0; p < len0; p++) {
					int r = c - p;

					if (r < 0)
						break;
					if (r < ln2)
						acc += V0[base + p] * pw[r];
				}
				V1[q] = acc;
			}
			for (s = 0; s < npw; s++)
				if (V1[s] > mx)
					mx = V1[s];
			if (mx > 0 && mx < em) {
				for (s = 0; s < npw; s++)
					V1[s] *= ep;
				expnt -= 128;
			}
			v1s = v0s + j1 - k1;
		}
	}
	ans = V1[n - v1s];
	for (m = 1; m <= n; m++) {
		if (fabs(ans) > ep) {
			ans *= em;
			expnt += 128;
		}
		ans *= m;
	}
	free(buf);
	return mlw_clip01(ldexp(ans, expnt));
}

/* Pelz & Good (1976): P(D_n <= x) ~ K0 + K1/sqrt(n) + K2/n + K3/n^1.5 with
 * each K in its small-z (Jacobi theta) form, z = x sqrt(n). */
static double
kolmogn_pelzgood(int n, double x)
{
	const double pi2 = PI * PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
	double z, z2, z3, z4, z6, qlog, q, k1a, k1b, k2a, k2b, k2c, k3a, k3b,
	    k3c, k3d, K[4] = { 0, 0, 0, 0 }, s2 = 0, s3 = 0, sqrt3z, sum;
	int maxk, k, i;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	z = sqrt((double)n) * x;
	z2 = z * z;
	z3 = z2 * z;
	z4 = z2 * z2;
	z6 = z4 * z2;
	qlog = -pi2 / 8 / z2;
	if (qlog < -708)
		return 0;
	q = exp(qlog);
	k1a = -z2;
	k1b = pi2 / 4;
	k2a = 6 * z6 + 2 * z4;
	k2b = (2 * z4 - 5 * z2) * pi2 / 4;
	k2c = pi4 * (1 - 2 * z2) / 16;
	k3d = pi6 * (5 - 30 * z2) / 64;
	k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
	k3b = pi2 * (135 * z4 - 96 * z6) / 4;
	k3a = -30 * z6 - 90 * z4 * z4;
	maxk = (int)ceil(16 * z / PI);
	for (k = maxk; k > 0; k--) {
		double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
		double qp = pow(q, 8.0 * k);

		K[0] = K[0] * qp + 1;
		K[1] = K[1] * qp + (k1a + k1b * m2);
		K[2] = K[2] * qp + (k2a + k2b * m2 + k2c * m4);
		K[3] = K[3] * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
	}
	for (i = 0; i < 4; i++)
		K[i] *= q * sqrt(2 * PI);
	K[0] /= z;
	K[1] /= 6 * z4;
	K[2] /= 72 * z6 * z;
	K[3] /= 6480 * z6 * z4;
	q = exp(-pi2 / 2 / z2);
	sqrt3z = sqrt(3.0) * z;
	for (k = maxk; k > 0; k--) {
		double ks = (double)k * k, qp = pow(q, ks), kp = PI * k;

		s2 += ks * qp;
		s3 += (sqrt3z + kp) * (sqrt3z - kp) * ks * qp;
	}
	K[2] += s2 * pi2 * sqrt(2 * PI) / (-36 * z3);
	K[3] += s3 * pi2 * sqrt(2 * PI) / (216 * z6);
	sum = K[0] + K[1] / sqrt((double)n) + K[2] / n +
	    K[3] / pow((double)n, 1.5);
	return sum;
}

/* scipy.stats.kstwo.sf(d, n): SciPy's _kolmogn(n, d, cdf=False). */
double
mlw_kstwo_sf(double d, double nd)
{
	double t, nxsq, p;
	int n;

	if (isnan(d) || isnan(nd) || nd < 1 || nd != floor(nd) || nd > 2e9)
		return NAN;
	n = (int)nd;
	if (d >= 1)
		return 0;
	if (d <= 0)
		return 1;
	t = n * d;
	if (t <= 1) {
		double prob;

		if (t <= 0.5)
			return 1;
		if (n <= 140) {
			int i;

			prob = 1;
			for (i = 1; i <= n; i++)
				prob *= i * (1.0 / n) * (2 * t - 1);
		} else {
			prob = exp(log_nfact_div_npown(n) + n * log(2 * t - 1));
		}
		return mlw_clip01(1 - prob);
	}
	if (t >= n - 1)
		return mlw_clip01(2 * pow(1 - d, n));
	if (d >= 0.5)
		return mlw_clip01(2 * smirnov_sf(n, d));
	nxsq = t * d;
	if (n <= 140) {
		if (nxsq <= 0.754693)
			return mlw_clip01(1 - kolmogn_dmtw(n, d));
		if (nxsq <= 4)
			return mlw_clip01(1 - kolmogn_pomeranz(n, d));
		return mlw_clip01(2 * smirnov_sf(n, d));
	}
	if (nxsq >= 370)
		return 0;
	if (nxsq >= 2.2)
		return mlw_clip01(2 * smirnov_sf(n, d));
	if (n <= 100000 && n * pow(d, 1.5) <= 1.4)
		p = kolmogn_dmtw(n, d);
	else
		p = kolmogn_pelzgood(n, d);
	return mlw_clip01(1 - mlw_clip01(p));
}
