#include "calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"
#include "xsum.h"

static const double *sort_s;
static const unsigned char *sort_y;

static int
by_score(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (sort_s[i] != sort_s[j])
		return sort_s[i] < sort_s[j] ? -1 : 1;
	if (sort_y[i] != sort_y[j])
		return sort_y[i] < sort_y[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

void
mlw_iso_fit(struct mlw_iso *c, const double *s, const unsigned char *y,
    size_t n)
{
	size_t *ix = mlw_xcalloc(n, sizeof *ix), i, k, m = 0, nb;
	double *ux = mlw_xcalloc(n, sizeof *ux), *uw = mlw_xcalloc(n,
	    sizeof *uw), *uy = mlw_xcalloc(n, sizeof *uy);
	/* blocks of pool-adjacent-violators: first unique point, weight,
	 * weighted label sum */
	size_t *bfirst = mlw_xcalloc(n, sizeof *bfirst);
	double *bw = mlw_xcalloc(n, sizeof *bw), *bwy = mlw_xcalloc(n,
	    sizeof *bwy), *fit;

	for (i = 0; i < n; i++)
		ix[i] = i;
	sort_s = s;
	sort_y = y;
	qsort(ix, n, sizeof *ix, by_score);
	/* equal scores pooled: their count and number of positives */
	for (i = 0; i < n; i++) {
		double v = s[ix[i]];

		if (m == 0 || ux[m - 1] != v) {
			ux[m] = v;
			uw[m] = 0;
			uy[m] = 0;
			m++;
		}
		uw[m - 1] += 1;
		uy[m - 1] += y[ix[i]];
	}
	/* pool adjacent violators (the counts and sums are whole numbers,
	 * so every block mean is one correctly rounded division) */
	for (i = nb = 0; i < m; i++) {
		bfirst[nb] = i;
		bw[nb] = uw[i];
		bwy[nb] = uy[i];
		nb++;
		while (nb > 1 && bwy[nb - 2] / bw[nb - 2] >=
		    bwy[nb - 1] / bw[nb - 1]) {
			bw[nb - 2] += bw[nb - 1];
			bwy[nb - 2] += bwy[nb - 1];
			nb--;
		}
	}
	fit = mlw_xcalloc(m, sizeof *fit);
	for (k = 0; k < nb; k++) {
		size_t end = k + 1 < nb ? bfirst[k + 1] : m;

		for (i = bfirst[k]; i < end; i++)
			fit[i] = bwy[k] / bw[k];
	}
	/* keep the ends of every run of equal fitted values */
	c->x = mlw_xcalloc(m, sizeof *c->x);
	c->y = mlw_xcalloc(m, sizeof *c->y);
	c->n = 0;
	for (i = 0; i < m; i++)
		if (i == 0 || i == m - 1 || fit[i - 1] != fit[i] ||
		    fit[i] != fit[i + 1]) {
			c->x[c->n] = ux[i];
			c->y[c->n] = fit[i];
			c->n++;
		}
	free(ix);
	free(ux);
	free(uw);
	free(uy);
	free(bfirst);
	free(bw);
	free(bwy);
	free(fit);
}

double
mlw_iso_predict(const struct mlw_iso *c, double s)
{
	size_t lo, hi;
	double slope;

	if (c->n == 0)
		return s;
	if (!(s > c->x[0]))
		return c->y[0];
	if (!(s < c->x[c->n - 1]))
		return c->y[c->n - 1];
	/* x[lo] <= s < x[hi] */
	lo = 0;
	hi = c->n - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->x[mid] <= s)
			lo = mid;
		else
			hi = mid;
	}
	if (s == c->x[lo])
		return c->y[lo];
	/* numpy.interp's arithmetic */
	slope = (c->y[hi] - c->y[lo]) / (c->x[hi] - c->x[lo]);
	return slope * (s - c->x[lo]) + c->y[lo];
}

void
mlw_iso_free(struct mlw_iso *c)
{
	free(c->x);
	free(c->y);
	memset(c, 0, sizeof *c);
}

const char *const mlw_calib_strategy_names[] = {
	"uniform", "quantile", NULL
};

double
mlw_calib_edge(int k, int nbins)
{
	/* numpy.linspace: arange(0, num) * step + start, step = 1.0 /
	 * nbins, then the last element set to stop */
	return k >= nbins ? 1.0 : (double)k * (1.0 / nbins);
}

int
mlw_calib_bin(double p, int nbins)
{
	int b;

	/* a guess from p * nbins, then moved until edge b < p <= edge b+1
	 * (the edges increase with k, so one or two steps at most) */
	b = p > 0 ? (int)(p * nbins) : 0;
	if (b > nbins - 1)
		b = nbins - 1;
	while (b > 0 && !(mlw_calib_edge(b, nbins) < p))
		b--;
	while (b < nbins - 1 && mlw_calib_edge(b + 1, nbins) < p)
		b++;
	return b;
}

void
mlw_calbins_init(struct mlw_calbins *c, int nbins)
{
	int k;

	c->nbins = nbins;
	c->edge = mlw_xcalloc((size_t)nbins + 1, sizeof *c->edge);
	c->n = mlw_xcalloc((size_t)nbins, sizeof *c->n);
	c->pos = mlw_xcalloc((size_t)nbins, sizeof *c->pos);
	c->sum = mlw_xcalloc((size_t)nbins, sizeof *c->sum);
	for (k = 0; k <= nbins; k++)
		c->edge[k] = mlw_calib_edge(k, nbins);
}

void
mlw_calbins_clear(struct mlw_calbins *c)
{
	int b;

	for (b = 0; b < c->nbins; b++) {
		c->n[b] = c->pos[b] = 0;
		mlw_xsum_clear(&c->sum[b]);
	}
}

void
mlw_calbins_free(struct mlw_calbins *c)
{
	free(c->edge);
	free(c->n);
	free(c->pos);
	free(c->sum);
	memset(c, 0, sizeof *c);
}

void
mlw_calbins_quantile(struct mlw_calbins *c, const double *s, size_t n)
{
	int k;

	for (k = 0; k <= c->nbins; k++) {
		/* np.percentile(s, q * 100) divides q * 100 by 100 again */
		double q = mlw_calib_edge(k, c->nbins) * 100 / 100;

		c->edge[k] = mlw_quantile_sorted(s, n, q);
	}
	mlw_calbins_clear(c);
}

int
mlw_calbins_find(const struct mlw_calbins *c, double p)
{
	int lo = 0, hi = c->nbins - 1;

	/* the number of inner edges edge[1 .. nbins-1] below p: the first
	 * bin b whose upper edge edge[b+1] >= p, the last bin if none */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (c->edge[mid + 1] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
mlw_calbins_add(struct mlw_calbins *c, double p, int y)
{
	int b = mlw_calbins_find(c, p);

	c->n[b]++;
	c->pos[b] += y != 0;
	mlw_xsum_add(&c->sum[b], p);
}

double
mlw_calbins_ece(const struct mlw_calbins *c, double *mce)
{
	double e = 0, m = 0, n = 0;
	int b;

	for (b = 0; b < c->nbins; b++)
		n += (double)c->n[b];
	for (b = 0; b < c->nbins; b++) {
		double nb = (double)c->n[b], d;

		if (c->n[b] == 0)
			continue;
		d = fabs((double)c->pos[b] / nb - mlw_xsum_value(&c->sum[b]) /
		    nb);
		e += nb / n * d;
		if (d > m)
			m = d;
	}
	if (mce)
		*mce = n > 0 ? m : NAN;
	return n > 0 ? e : NAN;
}

double
mlw_ece(const double *p, const unsigned char *y, size_t n, int nbins)
{
	struct mlw_calbins c;
	double e;
	size_t i;

	mlw_calbins_init(&c, nbins);
	for (i = 0; i < n; i++)
		mlw_calbins_add(&c, p[i], y[i]);
	e = mlw_calbins_ece(&c, NULL);
	mlw_calbins_free(&c);
	return e;
}

int
mlw_iso_needed(const double *s, const unsigned char *y, size_t n)
{
	double *ts = mlw_xcalloc(n, sizeof *ts), *hp = mlw_xcalloc(n,
	    sizeof *hp), *hs = mlw_xcalloc(n, sizeof *hs);
	unsigned char *ty = mlw_xcalloc(n, 1), *hy = mlw_xcalloc(n, 1);
	size_t i, nt, nh = 0, pos = 0;
	int f, need;

	for (i = 0; i < n; i++) {
		pos += y[i];
		if (!(s[i] >= 0 && s[i] <= 1)) {
			need = 1;
			goto out;
		}
	}
	need = 0;
	if (n < 20 || pos == 0 || pos == n)
		goto out;
	for (f = 0; f < 10; f++) {
		struct mlw_iso c;

		for (i = nt = 0; i < n; i++)
			if (i % 10 != (size_t)f) {
				ts[nt] = s[i];
				ty[nt++] = y[i];
			}
		mlw_iso_fit(&c, ts, ty, nt);
		for (i = (size_t)f; i < n; i += 10) {
			hs[nh] = s[i];
			hp[nh] = mlw_iso_predict(&c, s[i]);
			hy[nh++] = y[i];
		}
		mlw_iso_free(&c);
	}
	need = mlw_ece(hp, hy, nh, 10) < mlw_ece(hs, hy, nh, 10);
out:
	free(ts);
	free(hp);
	free(hs);
	free(ty);
	free(hy);
	return need;
}
