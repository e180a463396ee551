#include "linalg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "xsum.h"

/*
 * Jacobi. The matrix is first scaled by a power of two (exactly) so that
 * its largest entry is in [0.5, 1): the norms below cannot overflow, and
 * theta overflows only when a_pq is negligible, where t = 1 / (2 theta)
 * is the limit. Rotation as in Rutishauser (1966) and Numerical Recipes'
 * jacobi: with tau = s / (1 + c), a' = a - s (b + tau a), b' = b + s (a -
 * tau b) for each pair of entries (a, b) in columns (rows) p and q.
 */

#define EIGEN_TOL 1e-15

static void
rot(double *a, double *b, double s, double tau)
{
	double g = *a, h = *b;

	*a = g - s * (h + g * tau);
	*b = h + s * (g - h * tau);
}

static double
offnorm2(size_t n, const double *a)
{
	double s = 0;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			s += 2 * a[i * n + j] * a[i * n + j];
	return s;
}

int
mlw_eigen_sym(size_t n, const double *A, double *w, double *V)
{
	double *a, *vt, amax = 0, fro2 = 0;
	size_t i, j, p, q, *ord;
	int e, sweep, conv = 0;

	a = mlw_xmalloc(n * n * sizeof *a);
	for (i = 0; i < n; i++)
		for (j = i; j < n; j++) {
			double v = A[i * n + j];

			if (!isfinite(v)) {
				free(a);
				return -1;
			}
			a[i * n + j] = a[j * n + i] = v;
			if (fabs(v) > amax)
				amax = fabs(v);
		}
	e = 0;
	if (amax > 0) {
		(void)frexp(amax, &e);
		for (i = 0; i < n * n; i++)
			a[i] = ldexp(a[i], -e);
	}
	for (i = 0; i < n * n; i++)
		fro2 += a[i] * a[i];
	vt = mlw_xcalloc(n * n, sizeof *vt);  /* the vectors as rows */
	for (i = 0; i < n; i++)
		vt[i * n + i] = 1;

	for (sweep = 0; sweep <= MLW_EIGEN_MAX_SWEEPS; sweep++) {
		if (offnorm2(n, a) <= EIGEN_TOL * EIGEN_TOL * fro2) {
			conv = 1;
			break;
		}
		if (sweep == MLW_EIGEN_MAX_SWEEPS)
			break;
		for (p = 0; p < n; p++)
			for (q = p + 1; q < n; q++) {
				double apq = a[p * n + q], app, aqq, theta, t,
				    c, s, tau;
				size_t k;

				if (apq == 0)
					continue;
				app = a[p * n + p];
				aqq = a[q * n + q];
				/* after 4 sweeps, an entry too small to
				 * change either diagonal entry is dropped */
				if (sweep > 3 && fabs(app) + 100 * fabs(apq) ==
				    fabs(app) && fabs(aqq) + 100 * fabs(apq) ==
				    fabs(aqq)) {
					a[p * n + q] = a[q * n + p] = 0;
					continue;
				}
				theta = (aqq - app) / (2 * apq);
				if (fabs(theta) > 1e150)
					t = 0.5 / theta;
				else
					t = (theta >= 0 ? 1 : -1) / (fabs(theta) +
					    sqrt(theta * theta + 1));
				c = 1 / sqrt(t * t + 1);
				s = t * c;
				tau = s / (1 + c);
				a[p * n + p] = app - t * apq;
				a[q * n + q] = aqq + t * apq;
				a[p * n + q] = a[q * n + p] = 0;
				/* rows p and q hold columns p and q too: rotate
				 * them (contiguous), then mirror */
				{
					double *rp = a + p * n, *rq = a + q * n;
					double *vp = vt + p * n, *vq = vt + q * n;

					for (k = 0; k < n; k++)
						if (k != p && k != q)
							rot(&rp[k], &rq[k], s, tau);
					for (k = 0; k < n; k++)
						if (k != p && k != q) {
							a[k * n + p] = rp[k];
							a[k * n + q] = rq[k];
						}
					for (k = 0; k < n; k++)
						rot(&vp[k], &vq[k], s, tau);
				}
			}
	}

	/* order by eigenvalue, descending (a stable insertion sort of
	 * indices), then fix each vector's sign */
	ord = mlw_xmalloc(n * sizeof *ord);
	for (i = 0; i < n; i++) {
		double v = a[i * n + i];

		for (j = i; j > 0 && a[ord[j - 1] * n + ord[j - 1]] < v; j--)
			ord[j] = ord[j - 1];
		ord[j] = i;
	}
	for (j = 0; j < n; j++) {
		size_t src = ord[j], im = 0;
		double big = -1, sg;

		w[j] = ldexp(a[src * n + src], e);
		for (i = 0; i < n; i++)
			if (fabs(vt[src * n + i]) > big) {
				big = fabs(vt[src * n + i]);
				im = i;
			}
		sg = vt[src * n + im] < 0 ? -1 : 1;
		for (i = 0; i < n; i++)
			V[i * n + j] = sg * vt[src * n + i];
	}
	free(ord);
	free(vt);
	free(a);
	return conv ? sweep : -1;
}

/*
 * Co-moments. prod is the upper triangle packed by rows.
 */

void
mlw_comoment_init(struct mlw_comoment *c, size_t d)
{
	c->d = d;
	c->n = 0;
	c->sum = mlw_xcalloc(d, sizeof *c->sum);
	c->prod = mlw_xcalloc(d * (d + 1) / 2, sizeof *c->prod);
}

void
mlw_comoment_add(struct mlw_comoment *c, const double *x)
{
	size_t d = c->d, i, j, m = 0;

	c->n++;
	for (i = 0; i < d; i++) {
		mlw_xsum_add(&c->sum[i], x[i]);
		for (j = i; j < d; j++)
			mlw_xsum_add_product(&c->prod[m++], x[i], x[j]);
	}
}

void
mlw_comoment_sub(struct mlw_comoment *c, const double *x)
{
	size_t d = c->d, i, j, m = 0;

	c->n--;
	for (i = 0; i < d; i++) {
		mlw_xsum_add(&c->sum[i], -x[i]);
		for (j = i; j < d; j++)
			mlw_xsum_add_product(&c->prod[m++], -x[i], x[j]);
	}
}

void
mlw_comoment_merge(struct mlw_comoment *c, const struct mlw_comoment *o)
{
	size_t d = c->d, i;

	c->n += o->n;
	for (i = 0; i < d; i++)
		mlw_xsum_merge(&c->sum[i], &o->sum[i]);
	for (i = 0; i < d * (d + 1) / 2; i++)
		mlw_xsum_merge(&c->prod[i], &o->prod[i]);
}

void
mlw_comoment_free(struct mlw_comoment *c)
{
	free(c->sum);
	free(c->prod);
	c->sum = c->prod = NULL;
	c->d = 0;
	c->n = 0;
}

void
mlw_comoment_mean(const struct mlw_comoment *c, double *mean)
{
	size_t i;

	for (i = 0; i < c->d; i++)
		mean[i] = c->n ? mlw_xsum_value(&c->sum[i]) / (double)c->n : NAN;
}

/* N[i][j] = n S_ij - S_i S_j, computed exactly (each product of two
 * terms by mlw_xsum_add_product; exact unless a product falls below
 * 2^-1022, far under any data's last bit) and rounded once; NaN when a
 * sum is not finite. */
static void
numerators(const struct mlw_comoment *c, double *N)
{
	size_t d = c->d, i, j, m = 0;
	double nd = (double)c->n, *t, tp[MLW_XSUM_LIMBS];
	int *nt, a, b, np;
	struct mlw_xsum q;

	t = mlw_xmalloc(d * MLW_XSUM_LIMBS * sizeof *t);
	nt = mlw_xmalloc(d * sizeof *nt);
	for (i = 0; i < d; i++)
		nt[i] = mlw_xsum_terms(&c->sum[i], t + i * MLW_XSUM_LIMBS);
	for (i = 0; i < d; i++)
		for (j = i; j < d; j++, m++) {
			const double *ti = t + i * MLW_XSUM_LIMBS;
			const double *tj = t + j * MLW_XSUM_LIMBS;
			double v;

			np = mlw_xsum_terms(&c->prod[m], tp);
			if (np < 0 || nt[i] < 0 || nt[j] < 0) {
				N[i * d + j] = N[j * d + i] = NAN;
				continue;
			}
			mlw_xsum_clear(&q);
			for (a = 0; a < np; a++)
				mlw_xsum_add_product(&q, nd, tp[a]);
			for (a = 0; a < nt[i]; a++)
				for (b = 0; b < nt[j]; b++)
					mlw_xsum_add_product(&q, -ti[a], tj[b]);
			v = mlw_xsum_value(&q);
			N[i * d + j] = N[j * d + i] = isfinite(v) ? v : NAN;
		}
	free(t);
	free(nt);
}

void
mlw_comoment_cov(const struct mlw_comoment *c, int ddof, double *C)
{
	size_t d = c->d, i;
	double nd = (double)c->n;

	if (c->n <= (uint64_t)ddof) {
		for (i = 0; i < d * d; i++)
			C[i] = NAN;
		return;
	}
	numerators(c, C);
	for (i = 0; i < d * d; i++)
		C[i] = C[i] / nd / (nd - ddof);
}

/*
 * PCA.
 */

int
mlw_pca_fit(struct mlw_pca *p, const struct mlw_comoment *c, double share)
{
	size_t d = c->d, i, j, k;
	double nd = (double)c->n, eps = 0x1p-52, *N, *w, *V, *mean, *scale,
	    total = 0, cum = 0;

	if (c->n < 2 || !(share > 0 && share < 1))
		return -1;
	N = mlw_xmalloc(d * d * sizeof *N);
	mean = mlw_xmalloc(d * sizeof *mean);
	scale = mlw_xmalloc(d * sizeof *scale);
	w = mlw_xmalloc(d * sizeof *w);
	V = mlw_xmalloc(d * d * sizeof *V);
	numerators(c, N);
	mlw_comoment_mean(c, mean);
	for (i = 0; i < d; i++) {
		double var = N[i * d + i] / nd / nd, b;

		if (!isfinite(var) || !isfinite(mean[i]))
			goto fail;
		if (var < 0)
			var = 0;
		b = nd * mean[i] * eps;
		scale[i] = var <= nd * eps * var + b * b ? 1 : sqrt(var);
	}
	/* the ddof-1 covariance of the standardized data, in place */
	for (i = 0; i < d; i++)
		for (j = 0; j < d; j++) {
			N[i * d + j] = N[i * d + j] / nd / (nd - 1) /
			    (scale[i] * scale[j]);
			if (!isfinite(N[i * d + j]))
				goto fail;
		}
	if (mlw_eigen_sym(d, N, w, V) < 0)
		goto fail;
	for (i = 0; i < d; i++) {
		if (w[i] < 0)
			w[i] = 0;
		total += w[i];
	}
	if (!(total > 0))
		goto fail;

	p->d = d;
	p->n = c->n;
	p->mean = mean;
	p->scale = scale;
	p->variance = w;
	p->ratio = mlw_xmalloc(d * sizeof *p->ratio);
	p->components = mlw_xmalloc(d * d * sizeof *p->components);
	p->work = mlw_xmalloc(2 * d * sizeof *p->work);
	k = 0;
	for (i = 0; i < d; i++) {
		p->ratio[i] = w[i] / total;
		cum += p->ratio[i];
		if (cum <= share)
			k++;       /* searchsorted(cumsum, share, "right") */
		for (j = 0; j < d; j++)
			p->components[i * d + j] = V[j * d + i];
	}
	p->k = k + 1 < d ? k + 1 : d;
	free(N);
	free(V);
	return 0;
fail:
	free(N);
	free(mean);
	free(scale);
	free(w);
	free(V);
	return -1;
}

double
mlw_pca_error(const struct mlw_pca *p, const double *x)
{
	size_t d = p->d, k = p->k, i, r;
	double *z = p->work, *y = p->work + d, s = 0;

	for (i = 0; i < d; i++)
		z[i] = (x[i] - p->mean[i]) / p->scale[i];
	for (r = 0; r < k; r++) {
		const double *cr = p->components + r * d;
		double v = 0;

		for (i = 0; i < d; i++)
			v += z[i] * cr[i];
		y[r] = v;
	}
	for (i = 0; i < d; i++) {
		double v = 0, e;

		for (r = 0; r < k; r++)
			v += y[r] * p->components[r * d + i];
		e = z[i] - v;
		s += e * e;
	}
	return sqrt(s);
}

void
mlw_pca_free(struct mlw_pca *p)
{
	free(p->mean);
	free(p->scale);
	free(p->components);
	free(p->variance);
	free(p->ratio);
	free(p->work);
	memset(p, 0, sizeof *p);
}
