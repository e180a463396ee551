#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "xsum.h"

double
mlw_quantile_sorted(const double *x, size_t n, double q)
{
	double vi = (double)(n - 1) * q, fl = floor(vi), g, a, b, d;
	size_t lo;

	if (fl < 0)
		fl = 0;
	lo = (size_t)fl;
	if (lo > n - 1)
		lo = n - 1;
	g = vi - fl;
	a = x[lo];
	b = x[lo + 1 < n ? lo + 1 : n - 1];
	d = b - a;
	return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/* Doubles as unsigned keys in the same order: flip every bit of a
 * negative number, only the sign bit of a positive one. */
static uint64_t
dkey(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : u | UINT64_C(0x8000000000000000);
}

static double
dval(uint64_t k)
{
	double d;

	k = (k >> 63) ? k & ~UINT64_C(0x8000000000000000) : ~k;
	memcpy(&d, &k, sizeof d);
	return d;
}

/* Least-significant-digit radix sort on the keys, one byte a pass, passes
 * where every key has the same byte skipped: linear time, no comparisons
 * (the reference's and windows' values are sorted with it). Insertion
 * sort for short arrays. */
void
mlw_sort_doubles(double *x, size_t n)
{
	static size_t hist[8][256];
	uint64_t *a, *b, *t;
	size_t i, p;

	if (n < 64) {
		for (i = 1; i < n; i++) {
			double v = x[i];
			size_t j = i;

			while (j > 0 && x[j - 1] > v) {
				x[j] = x[j - 1];
				j--;
			}
			x[j] = v;
		}
		return;
	}
	a = mlw_xmalloc(n * sizeof *a);
	b = mlw_xmalloc(n * sizeof *b);
	memset(hist, 0, sizeof hist);
	for (i = 0; i < n; i++) {
		uint64_t k = a[i] = dkey(x[i]);

		for (p = 0; p < 8; p++)
			hist[p][(k >> (8 * p)) & 0xff]++;
	}
	for (p = 0; p < 8; p++) {
		size_t *h = hist[p], sum = 0, c;
		unsigned d;

		if (h[(a[0] >> (8 * p)) & 0xff] == n)
			continue;       /* one digit for all: nothing moves */
		for (d = 0; d < 256; d++) {
			c = h[d];
			h[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[h[(a[i] >> (8 * p)) & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		x[i] = dval(a[i]);
	free(a);
	free(b);
}

size_t
mlw_edges(const double *x, size_t n, int nbins, int uniform, double *edges)
{
	size_t ne = 0;
	int k;
	double lo = x[0], hi = x[n - 1], w = (hi - lo) / nbins;
	int wide = isinf(hi - lo);      /* the range overflows a double */

	for (k = 1; k < nbins; k++) {
		double e = uniform ? (wide ? lo / nbins * (nbins - k) +
		    hi / nbins * k : lo + k * w) :
		    mlw_quantile_sorted(x, n, (double)k / nbins);

		if (ne == 0 || e > edges[ne - 1])
			edges[ne++] = e;
	}
	return ne;
}

size_t
mlw_bin_of(const double *e, size_t ne, double v)
{
	const double *base = e;
	size_t n = ne;

	/* branch-free lower search: count of edges <= v */
	while (n > 1) {
		size_t half = n / 2;

		base = base[half - 1] <= v ? base + half : base;
		n -= half;
	}
	return (size_t)(base - e) + (n == 1 && base[0] <= v);
}

double
mlw_psi(const uint64_t *ref, uint64_t ref_n, const uint64_t *cur,
    uint64_t cur_n, size_t nbins, double eps)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < nbins; i++) {
		double e = (double)ref[i] / (double)ref_n;
		double a = (double)cur[i] / (double)cur_n;

		if (e == 0)
			e = eps;
		if (a == 0)
			a = eps;
		sum += (a - e) * log(a / e);
	}
	return sum;
}

static double
pairwise(const double *x, size_t n)
{
	double r[8], res;
	size_t i, j, n2;

	if (n < 8) {
		res = 0.;
		for (i = 0; i < n; i++)
			res += x[i];
		return res;
	}
	if (n <= 128) {
		for (j = 0; j < 8; j++)
			r[j] = x[j];
		for (i = 8; i < n - n % 8; i += 8)
			for (j = 0; j < 8; j++)
				r[j] += x[i + j];
		res = ((r[0] + r[1]) + (r[2] + r[3])) +
		    ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += x[i];
		return res;
	}
	n2 = n / 2;
	n2 -= n2 % 8;
	return pairwise(x, n2) + pairwise(x + n2, n - n2);
}

double
mlw_np_sum(const double *x, size_t n)
{
	double r = 0.;
	size_t i;

	/* the reduction runs over buffers of 8192 elements */
	for (i = 0; i < n; i += 8192)
		r += pairwise(x + i, n - i < 8192 ? n - i : 8192);
	return r;
}

double
mlw_np_var(const double *x, size_t n, double *mean)
{
	double *d, m, v;
	size_t i;

	m = mlw_np_sum(x, n) / (double)n;
	d = mlw_xmalloc(n * sizeof *d);
	for (i = 0; i < n; i++) {
		double t = x[i] - m;

		d[i] = t * t;
	}
	v = mlw_np_sum(d, n) / (double)n;
	free(d);
	if (mean)
		*mean = m;
	return v;
}

void
mlw_moments(const struct mlw_xsum *xs, const struct mlw_xsum *xss,
    const double *vals, uint64_t n, double *mean, double *sd)
{
	double nd = (double)n, m, e, v, t[MLW_XSUM_LIMBS];
	struct mlw_xsum q, d;
	size_t i;
	int k, nt;

	*sd = NAN;
	m = mlw_xsum_value(xs) / nd;
	*mean = m;
	if (n < 2 || !isfinite(m))
		return;
	if (vals != NULL) {
		mlw_xsum_clear(&q);
		mlw_xsum_clear(&d);
		for (i = 0; i < n; i++) {
			double di = vals[i] - m;

			mlw_xsum_add(&q, di * di);
			mlw_xsum_add(&d, di);
		}
	} else {
		double p = m * m;

		q = *xss;
		d = *xs;
		if ((nt = mlw_xsum_terms(xs, t)) < 0)
			return;
		for (k = 0; k < nt; k++)
			mlw_xsum_add_product(&q, -2 * m, t[k]);
		mlw_xsum_add_product(&q, nd, p);
		mlw_xsum_add_product(&q, nd, fma(m, m, -p));
		mlw_xsum_add_product(&d, -nd, m);
	}
	e = mlw_xsum_value(&d);
	v = (mlw_xsum_value(&q) - e * e / nd) / (nd - 1);
	*sd = v > 0 ? sqrt(v) : v == v ? 0 : NAN;
}
