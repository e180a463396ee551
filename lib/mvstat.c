/* mvstat: MMD and its permutation test, logistic regression, a domain
 * classifier's AUC (see mvstat.h for the definitions and sources). */
#include "mvstat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "xalloc.h"

uint64_t
mlw_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
sqdist(const double *a, const double *b, size_t d)
{
	double s = 0;
	size_t k;

	for (k = 0; k < d; k++)
		s += (a[k] - b[k]) * (a[k] - b[k]);
	return s;
}

static int
by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
mlw_mmd_bandwidth(const double *X, size_t m, size_t d)
{
	size_t np, i, j, k = 0;
	double *dist, med;

	if (m < 2)
		return 1;
	np = m * (m - 1) / 2;
	dist = mlw_xcalloc(np, sizeof *dist);
	for (i = 0; i < m; i++)
		for (j = i + 1; j < m; j++)
			dist[k++] = sqdist(X + i * d, X + j * d, d);
	qsort(dist, np, sizeof *dist, by_double);
	med = np % 2 ? dist[np / 2] : (dist[np / 2 - 1] + dist[np / 2]) / 2;
	free(dist);
	return med > 0 && isfinite(med) ? sqrt(med / 2) : 1;
}

void
mlw_gauss_kernel(const double *Z, size_t N, size_t d, double sigma,
    double *K)
{
	double g = 1 / (2 * sigma * sigma);
	size_t i, j;

	for (i = 0; i < N; i++) {
		K[i * N + i] = 1;
		for (j = i + 1; j < N; j++)
			K[i * N + j] = K[j * N + i] =
			    exp(-sqdist(Z + i * d, Z + j * d, d) * g);
	}
}

double
mlw_mmd2_split(const double *K, size_t N, const unsigned char *in, size_t m)
{
	double sxx = 0, syy = 0, sxy = 0, dm = (double)m, dn = (double)(N - m);
	size_t i, j;

	for (i = 0; i < N; i++) {
		const double *row = K + i * N;

		if (in[i]) {
			for (j = i + 1; j < N; j++)
				if (in[j])
					sxx += row[j];
				else
					sxy += row[j];
		} else {
			for (j = i + 1; j < N; j++)
				if (in[j])
					sxy += row[j];
				else
					syy += row[j];
		}
	}
	return 2 * sxx / (dm * (dm - 1)) + 2 * syy / (dn * (dn - 1)) -
	    2 * sxy / (dm * dn);
}

/* C(N, m), or cap + 1 when it exceeds cap. */
static uint64_t
binom_capped(size_t N, size_t m, uint64_t cap)
{
	uint64_t c = 1;
	size_t i;

	if (m > N - m)
		m = N - m;
	for (i = 0; i < m; i++) {
		/* c * (N - i) / (i + 1) is whole: C(N, i + 1) */
		c = c * (N - i) / (i + 1);
		if (c > cap)
			return cap + 1;
	}
	return c;
}

int
mlw_mmd_test(const double *X, size_t m, const double *Y, size_t n,
    size_t d, double sigma, uint64_t B, uint64_t seed, struct mlw_mmd *r)
{
	size_t N = m + n, i;
	double *Z, *K, obs, lim;
	unsigned char *in;
	uint64_t splits, k = 0;

	if (m < 2 || n < 2 || B < 1)
		return -1;
	Z = mlw_xcalloc(N * d, sizeof *Z);
	memcpy(Z, X, m * d * sizeof *Z);
	memcpy(Z + m * d, Y, n * d * sizeof *Z);
	K = mlw_xcalloc(N * N, sizeof *K);
	mlw_gauss_kernel(Z, N, d, sigma, K);
	free(Z);
	in = mlw_xcalloc(N, 1);
	for (i = 0; i < m; i++)
		in[i] = 1;
	obs = mlw_mmd2_split(K, N, in, m);
	lim = obs - MLW_MMD_TIE * fabs(obs);
	r->mmd2 = obs;
	r->sigma = sigma;
	splits = binom_capped(N, m, B);
	if (splits <= B) {
		/* every combination c[0] < .. < c[m-1] of X's places */
		size_t *c = mlw_xcalloc(m, sizeof *c);

		for (i = 0; i < m; i++)
			c[i] = i;
		for (;;) {
			memset(in, 0, N);
			for (i = 0; i < m; i++)
				in[c[i]] = 1;
			k += mlw_mmd2_split(K, N, in, m) >= lim;
			/* the next combination */
			i = m;
			while (i > 0 && c[i - 1] == N - m + i - 1)
				i--;
			if (i == 0)
				break;
			c[i - 1]++;
			for (; i < m; i++)
				c[i] = c[i - 1] + 1;
		}
		free(c);
		r->p_value = (double)k / (double)splits;
		r->permutations = splits;
		r->exact = 1;
	} else {
		size_t *perm = mlw_xcalloc(N, sizeof *perm);
		uint64_t s = seed, b;

		for (i = 0; i < N; i++)
			perm[i] = i;
		for (b = 0; b < B; b++) {
			for (i = N - 1; i > 0; i--) {
				size_t j = (size_t)(mlw_splitmix64(&s) %
				    (uint64_t)(i + 1)), t = perm[i];

				perm[i] = perm[j];
				perm[j] = t;
			}
			memset(in, 0, N);
			for (i = 0; i < m; i++)
				in[perm[i]] = 1;
			k += mlw_mmd2_split(K, N, in, m) >= lim;
		}
		free(perm);
		r->p_value = (double)(k + 1) / (double)(B + 1);
		r->permutations = B;
		r->exact = 0;
	}
	free(in);
	free(K);
	return 0;
}

/* ---------------- logistic regression ---------------- */

static double
softplus(double z)
{
	return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double
sigmoid(double z)
{
	double e;

	if (z >= 0)
		return 1 / (1 + exp(-z));
	e = exp(z);
	return e / (1 + e);
}

static double
lin(const double *w, const double *x, size_t d)
{
	double z = w[d];
	size_t k;

	for (k = 0; k < d; k++)
		z += w[k] * x[k];
	return z;
}

double
mlw_logreg_prob(const double *w, const double *x, size_t d)
{
	return sigmoid(lin(w, x, d));
}

static double
objective(const double *X, const unsigned char *y, size_t n, size_t d,
    double lambda, const double *w)
{
	double f = 0, r = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		double z = lin(w, X + i * d, d);

		f += softplus(z) - (y[i] ? z : 0);
	}
	for (k = 0; k < d; k++)
		r += w[k] * w[k];
	return f + lambda / 2 * r;
}

/* Solve H s = g in place (s in g) by Cholesky of the p x p H (upper
 * triangle read, lower overwritten): 0, or -1 when not positive definite. */
static int
cholesky_solve(double *H, double *g, size_t p)
{
	size_t i, j, k;

	for (j = 0; j < p; j++) {
		double s = H[j * p + j];

		for (k = 0; k < j; k++)
			s -= H[j * p + k] * H[j * p + k];
		if (!(s > 0))
			return -1;
		H[j * p + j] = sqrt(s);
		for (i = j + 1; i < p; i++) {
			double t = H[j * p + i];   /* upper: H(j, i) */

			for (k = 0; k < j; k++)
				t -= H[i * p + k] * H[j * p + k];
			H[i * p + j] = t / H[j * p + j];
		}
	}
	for (i = 0; i < p; i++) {            /* L u = g */
		double t = g[i];

		for (k = 0; k < i; k++)
			t -= H[i * p + k] * g[k];
		g[i] = t / H[i * p + i];
	}
	for (i = p; i-- > 0;) {              /* L^T s = u */
		double t = g[i];

		for (k = i + 1; k < p; k++)
			t -= H[k * p + i] * g[k];
		g[i] = t / H[i * p + i];
	}
	return 0;
}

int
mlw_logreg_fit(const double *X, const unsigned char *y, size_t n,
    size_t d, double lambda, double *w)
{
	size_t p = d + 1, i, j, k;
	double *H = mlw_xcalloc(p * p, sizeof *H), *g = mlw_xcalloc(p, sizeof *g);
	double *wn = mlw_xcalloc(p, sizeof *wn), *gr = mlw_xcalloc(p, sizeof *gr);
	double f, dec;
	int it, ret = -1;

	memset(w, 0, p * sizeof *w);
	f = objective(X, y, n, d, lambda, w);
	for (it = 1; it <= MLW_LOGREG_MAX_ITER; it++) {
		double t = 1, fn;
		int small = 1, h;

		memset(H, 0, p * p * sizeof *H);
		memset(g, 0, p * sizeof *g);
		for (i = 0; i < n; i++) {
			const double *x = X + i * d;
			double pr = sigmoid(lin(w, x, d)), rr = pr - y[i];
			double s = pr * (1 - pr);

			for (j = 0; j < d; j++) {
				double sx = s * x[j];

				g[j] += rr * x[j];
				for (k = j; k < d; k++)
					H[j * p + k] += sx * x[k];
				H[j * p + d] += sx;
			}
			g[d] += rr;
			H[d * p + d] += s;
		}
		for (j = 0; j < d; j++) {
			g[j] += lambda * w[j];
			H[j * p + j] += lambda;
		}
		memcpy(gr, g, p * sizeof *gr);
		if (cholesky_solve(H, g, p) < 0)
			break;
		for (j = 0, dec = 0; j < p; j++)
			dec += gr[j] * g[j];
		for (j = 0; j < p; j++)
			if (!(fabs(g[j]) <= 1e-10 * (1 + fabs(w[j]))))
				small = 0;
		if (small) {
			for (j = 0; j < p; j++)
				w[j] -= g[j];
			ret = it;
			break;
		}
		/* Newton's decrement: the full step lowers the objective by
		 * about dec / 2; once that is below what the objective's
		 * rounding can show, the iterate is in Newton's quadratic
		 * region and the full step is taken without a line search */
		if (dec / 2 <= 1e-9 * (1 + fabs(f))) {
			for (j = 0; j < p; j++)
				w[j] -= g[j];
			/* nothing left to gain, as on well separated data,
			 * where the objective tends to 0 and the step stays
			 * rounding noise: converged */
			if (dec / 2 <= 1e-15 * (1 + fabs(f))) {
				ret = it;
				break;
			}
			f = objective(X, y, n, d, lambda, w);
			continue;
		}
		for (h = 0; h < 60; h++, t /= 2) {
			for (j = 0; j < p; j++)
				wn[j] = w[j] - t * g[j];
			fn = objective(X, y, n, d, lambda, wn);
			if (fn <= f)
				break;
		}
		if (h == 60) {          /* no descent left: at the optimum */
			ret = it;
			break;
		}
		memcpy(w, wn, p * sizeof *w);
		f = fn;
	}
	free(H);
	free(g);
	free(wn);
	free(gr);
	return ret;
}

double
mlw_domain_auc(const double *X, const unsigned char *y, size_t n, size_t d,
    unsigned folds, double lambda)
{
	unsigned *fold = mlw_xcalloc(n ? n : 1, sizeof *fold), f;
	double *tr = mlw_xcalloc(n * d + 1, sizeof *tr);
	double *s = mlw_xcalloc(n ? n : 1, sizeof *s), *w, auc = NAN;
	unsigned char *ty = mlw_xcalloc(n ? n : 1, 1);
	uint64_t cnt[2] = { 0, 0 };
	size_t i, nt;

	w = mlw_xcalloc(d + 1, sizeof *w);
	if (folds < 2)
		goto out;
	for (i = 0; i < n; i++)
		fold[i] = (unsigned)(cnt[y[i] != 0]++ % folds);
	if (cnt[0] < folds || cnt[1] < folds)
		goto out;
	for (f = 0; f < folds; f++) {
		nt = 0;
		for (i = 0; i < n; i++)
			if (fold[i] != f) {
				memcpy(tr + nt * d, X + i * d, d * sizeof *tr);
				ty[nt++] = y[i] != 0;
			}
		if (mlw_logreg_fit(tr, ty, nt, d, lambda, w) < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (fold[i] == f)
				s[i] = mlw_logreg_prob(w, X + i * d, d);
	}
	for (i = 0; i < n; i++)
		ty[i] = y[i] != 0;
	auc = mlw_roc_auc(s, ty, n);
out:
	free(fold);
	free(tr);
	free(s);
	free(ty);
	free(w);
	return auc;
}
