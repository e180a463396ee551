/* drift_method: the drift battery's methods. Definitions follow
 * Evidently's legacy stattests module (evidently/legacy/calculations/
 * stattests/ modules) and the SciPy and NumPy functions it calls; each is
 * written out in man/mlw-drift.1. Sums are NumPy's pairwise sums where
 * Evidently uses numpy.sum, and plain left-to-right sums where it uses a
 * Python loop. */
#include "drift_method.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stattest.h"
#include "xalloc.h"

const struct mlw_dmethod mlw_dmethods[MLW_DM_N] = {
	[MLW_DM_AUTO] = { "auto", NULL, 0, MLW_CMP_SGE, 0, 0 },
	[MLW_DM_KS] = { "ks", NULL, 0.05, MLW_CMP_PLE, 1, 0 },
	[MLW_DM_CHISQUARE] = { "chisquare", NULL, 0.05, MLW_CMP_PLT, 0, 0 },
	[MLW_DM_Z] = { "z", NULL, 0.05, MLW_CMP_PLT, 0, 0 },
	[MLW_DM_PSI] = { "psi", NULL, 0.1, MLW_CMP_SGE, 0, 1 },
	[MLW_DM_KL] = { "kl", "kl_div", 0.1, MLW_CMP_SGE, 0, 1 },
	[MLW_DM_JS] = { "jensenshannon", NULL, 0.1, MLW_CMP_SGE, 0, 1 },
	[MLW_DM_HELLINGER] = { "hellinger", NULL, 0.1, MLW_CMP_SGE, 0, 0 },
	[MLW_DM_WASSERSTEIN] = { "wasserstein", NULL, 0.1, MLW_CMP_SGE, 1, 0 },
	[MLW_DM_TVD] = { "tvd", "TVD", 0.1, MLW_CMP_SGE, 0, 0 },
	[MLW_DM_ENERGY] = { "energy", "ed", 0.1, MLW_CMP_SGT, 1, 0 },
	[MLW_DM_MANNWHITNEY] = { "mannwhitney", "mannw", 0.05, MLW_CMP_PLT, 1,
	    0 },
	[MLW_DM_TTEST] = { "ttest", "t_test", 0.05, MLW_CMP_PLT, 1, 0 },
	[MLW_DM_ANDERSON] = { "anderson", NULL, 0.1, MLW_CMP_PLT, 1, 0 },
	[MLW_DM_CVM] = { "cramer_von_mises", NULL, 0.1, MLW_CMP_PLE, 1, 0 },
	[MLW_DM_FISHER] = { "fisher_exact", NULL, 0.1, MLW_CMP_PLT, 0, 0 },
};

int
mlw_dmethod_find(const char *name)
{
	int m;

	for (m = 0; m < MLW_DM_N; m++)
		if (strcmp(name, mlw_dmethods[m].name) == 0 ||
		    (mlw_dmethods[m].alias &&
		    strcmp(name, mlw_dmethods[m].alias) == 0))
			return m;
	return -1;
}

int
mlw_dmethod_is(int m, double stat, double p, double t)
{
	switch (mlw_dmethods[m].cmp) {
	case MLW_CMP_PLE:
		return p <= t;
	case MLW_CMP_PLT:
		return p < t;
	case MLW_CMP_SGT:
		return stat > t;
	default:
		return stat >= t;
	}
}

int
mlw_dmethod_verdict(int m, struct mlw_test t, double thr)
{
	int cmp = mlw_dmethods[m].cmp;

	if (cmp == MLW_CMP_PLE || cmp == MLW_CMP_PLT)
		return isfinite(t.p) ? mlw_dmethod_is(m, t.stat, t.p, thr) : -1;
	return isfinite(t.stat) ? mlw_dmethod_is(m, t.stat, t.p, thr) : -1;
}

const char *const mlw_dcorrections[] = { "none", "bonferroni", "fdr", NULL };

int
mlw_dcorrected(int corr, double *p, size_t m, double alpha)
{
	size_t k;

	if (m == 0)
		return -1;
	mlw_sort_doubles(p, m);
	if (corr == MLW_CORR_BONFERRONI)
		return p[0] < alpha / (double)m;
	/* step-up: any k will do, a larger one rescues the smaller */
	for (k = 1; k <= m; k++)
		if (p[k - 1] < alpha * (double)k / (double)m)
			return 1;
	return 0;
}

void
mlw_dscratch_free(struct mlw_dscratch *s)
{
	free(s->a);
	free(s->b);
	free(s->e);
	free(s->ca);
	free(s->cb);
	memset(s, 0, sizeof *s);
}

size_t
mlw_distinct(const double *x, size_t n)
{
	size_t i, d = n ? 1 : 0;

	for (i = 1; i < n; i++)
		d += x[i] != x[i - 1];
	return d;
}

size_t
mlw_distinct_union(const double *a, size_t na, const double *b, size_t nb)
{
	size_t i = 0, j = 0, d = 0;

	while (i < na || j < nb) {
		double v = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];

		while (i < na && a[i] == v)
			i++;
		while (j < nb && b[j] == v)
			j++;
		d++;
	}
	return d;
}

size_t
mlw_sturges_edges(const double *a, size_t na, const double *b, size_t nb,
    double **e, size_t *ecap)
{
	double first, last, ptp, width, step;
	size_t n = na + nb, nbins, k;

	first = na ? a[0] : b[0];
	last = na ? a[na - 1] : b[nb - 1];
	if (nb && b[0] < first)
		first = b[0];
	if (nb && b[nb - 1] > last)
		last = b[nb - 1];
	ptp = last - first;
	if (first == last) {
		first -= 0.5;
		last += 0.5;
	}
	width = ptp / (log2((double)n) + 1.0);
	nbins = 1;
	if (width != 0) {
		double c = ceil((last - first) / width);

		/* a span beyond the largest double makes c NaN (numpy fails
		 * there); callers check mlw_span_finite first */
		nbins = !(c >= 1) ? 1 : c > 1e6 ? 1000000 : (size_t)c;
	}
	*e = mlw_grow(*e, ecap, nbins + 1, sizeof **e);
	/* numpy.linspace(first, last, nbins + 1): k * step + first, the
	 * last edge exactly last */
	step = (last - first) / (double)nbins;
	for (k = 0; k < nbins; k++) {
		double y = (double)k * step;

		(*e)[k] = y + first;
	}
	(*e)[nbins] = last;
	return nbins + 1;
}

/* numpy.histogram counts of sorted x[0..n) over edges e[0..ne): bin j holds
 * e[j] <= v < e[j+1], the last bin also v == e[ne-1]; values outside are
 * not counted. */
static void
hist_sorted(const double *x, size_t n, const double *e, size_t ne,
    uint64_t *c)
{
	size_t i, j = 0, nb = ne - 1;

	memset(c, 0, nb * sizeof *c);
	for (i = 0; i < n; i++) {
		double v = x[i];

		if (v < e[0] || v > e[nb])
			continue;
		while (j + 1 < nb && v >= e[j + 1])
			j++;
		c[j]++;
	}
}

/* The counts of both samples over the categories or values present in
 * either: ref in s->ca, cur in s->cb; returns their number. *key0 is the
 * index (in that order) of the smallest category or value. */
static size_t
union_counts(const struct mlw_dsample *r, const struct mlw_dsample *c,
    struct mlw_dscratch *s, size_t *key0)
{
	size_t k = 0, i, j;

	*key0 = 0;
	if (r->x == NULL) {
		size_t n = r->k > c->k ? r->k : c->k;
		const struct mlw_strent *best = NULL;

		s->ca = mlw_grow(s->ca, &s->cacap, n, sizeof *s->ca);
		s->cb = mlw_grow(s->cb, &s->cbcap, n, sizeof *s->cb);
		for (i = 0; i < n; i++) {
			uint64_t a = i < r->k ? r->c[i] : 0;
			uint64_t b = i < c->k ? c->c[i] : 0;

			if (a == 0 && b == 0)
				continue;
			if (r->names && i < r->names->n) {
				const struct mlw_strent *en = &r->names->ent[i];
				size_t l;
				int cmp;

				if (best == NULL)
					cmp = -1;
				else {
					l = en->len < best->len ? en->len :
					    best->len;
					cmp = memcmp(en->s, best->s, l);
					if (cmp == 0)
						cmp = en->len < best->len ? -1 : 1;
				}
				if (cmp < 0) {
					best = en;
					*key0 = k;
				}
			}
			s->ca[k] = a;
			s->cb[k] = b;
			k++;
		}
		return k;
	}
	/* numeric: distinct values, ascending, so key 0 is the smallest */
	s->ca = mlw_grow(s->ca, &s->cacap, r->n + c->n, sizeof *s->ca);
	s->cb = mlw_grow(s->cb, &s->cbcap, r->n + c->n, sizeof *s->cb);
	i = j = 0;
	while (i < r->n || j < c->n) {
		double v = (j >= c->n || (i < r->n && r->x[i] <= c->x[j])) ?
		    r->x[i] : c->x[j];
		uint64_t a = 0, b = 0;

		while (i < r->n && r->x[i] == v) {
			i++;
			a++;
		}
		while (j < c->n && c->x[j] == v) {
			j++;
			b++;
		}
		s->ca[k] = a;
		s->cb[k] = b;
		k++;
	}
	return k;
}

/* Counts for the binned methods: Sturges bins over both samples for a
 * numeric reference with more than 20 distinct values, else the values or
 * categories present in either. Returns the number of bins. */
static size_t
binned_counts(const struct mlw_dsample *r, const struct mlw_dsample *c,
    struct mlw_dscratch *s)
{
	size_t ne, key0;

	if (r->x == NULL || r->distinct <= 20)
		return union_counts(r, c, s, &key0);
	ne = mlw_sturges_edges(r->x, r->n, c->x, c->n, &s->e, &s->ecap);
	s->ca = mlw_grow(s->ca, &s->cacap, ne, sizeof *s->ca);
	s->cb = mlw_grow(s->cb, &s->cbcap, ne, sizeof *s->cb);
	hist_sorted(r->x, r->n, s->e, ne, s->ca);
	hist_sorted(c->x, c->n, s->e, ne, s->cb);
	return ne - 1;
}

/* Proportions count / total into p; with fill, Evidently's zero
 * replacement: the smallest non-zero proportion / 10^6 when it is at most
 * 0.0001, else 0.0001. */
static void
proportions(const uint64_t *cnt, size_t k, uint64_t total, double *p,
    int fill)
{
	double min = INFINITY, rep;
	size_t i;

	for (i = 0; i < k; i++) {
		p[i] = (double)cnt[i] / (double)total;
		if (p[i] != 0 && p[i] < min)
			min = p[i];
	}
	if (!fill || min == INFINITY)
		return;
	rep = min <= 0.0001 ? min / 1e6 : 0.0001;
	for (i = 0; i < k; i++)
		if (p[i] == 0)
			p[i] = rep;
}

/* scipy.special.rel_entr */
static double
rel_entr(double x, double y)
{
	if (x > 0 && y > 0)
		return x * log(x / y);
	if (x == 0 && y >= 0)
		return 0;
	return INFINITY;
}

static double
binned(int m, size_t k, uint64_t rn, uint64_t cn, double js_base,
    struct mlw_dscratch *s)
{
	double *p, *q, *t, sp, sq, left, right, js;
	size_t i;

	s->a = mlw_grow(s->a, &s->acap, 2 * k, sizeof *s->a);
	s->b = mlw_grow(s->b, &s->bcap, k, sizeof *s->b);
	p = s->a;
	q = s->a + k;
	t = s->b;
	proportions(s->ca, k, rn, p, m != MLW_DM_JS);
	proportions(s->cb, k, cn, q, m != MLW_DM_JS);
	switch (m) {
	case MLW_DM_PSI:
		/* sum((ref - cur) * ln(ref / cur)) */
		for (i = 0; i < k; i++)
			t[i] = (p[i] - q[i]) * log(p[i] / q[i]);
		return mlw_np_sum(t, k);
	case MLW_DM_KL:
		/* scipy.stats.entropy(ref, cur): both normalized first */
		sp = mlw_np_sum(p, k);
		sq = mlw_np_sum(q, k);
		for (i = 0; i < k; i++)
			t[i] = rel_entr(p[i] / sp, q[i] / sq);
		return mlw_np_sum(t, k);
	default:
		/* scipy.spatial.distance.jensenshannon(ref, cur, base) */
		sp = mlw_np_sum(p, k);
		sq = mlw_np_sum(q, k);
		for (i = 0; i < k; i++) {
			p[i] /= sp;
			q[i] /= sq;
		}
		for (i = 0; i < k; i++)
			t[i] = rel_entr(p[i], (p[i] + q[i]) / 2.0);
		left = mlw_np_sum(t, k);
		for (i = 0; i < k; i++)
			t[i] = rel_entr(q[i], (p[i] + q[i]) / 2.0);
		right = mlw_np_sum(t, k);
		js = left + right;
		if (js_base > 0)
			js /= log(js_base);
		return sqrt(js / 2.0);
	}
}

static double
hellinger(const struct mlw_dsample *r, const struct mlw_dsample *c,
    struct mlw_dscratch *s)
{
	double h = 0, width;
	size_t k, i, ne, key0;

	if (r->x == NULL) {
		/* categories: 1 - sum sqrt(p q), Bhattacharyya */
		k = union_counts(r, c, s, &key0);
		for (i = 0; i < k; i++)
			h += sqrt(((double)s->ca[i] / (double)r->total) *
			    ((double)s->cb[i] / (double)c->total));
	} else {
		/* density histograms over Sturges edges of the distinct
		 * values of both samples */
		size_t nd = 0, a = 0, b = 0;
		double *d;

		s->b = mlw_grow(s->b, &s->bcap, r->n + c->n, sizeof *s->b);
		d = s->b;
		while (a < r->n || b < c->n) {
			double v = (b >= c->n || (a < r->n && r->x[a] <= c->x[b]))
			    ? r->x[a] : c->x[b];

			while (a < r->n && r->x[a] == v)
				a++;
			while (b < c->n && c->x[b] == v)
				b++;
			d[nd++] = v;
		}
		ne = mlw_sturges_edges(d, nd, NULL, 0, &s->e, &s->ecap);
		k = ne - 1;
		s->ca = mlw_grow(s->ca, &s->cacap, k, sizeof *s->ca);
		s->cb = mlw_grow(s->cb, &s->cbcap, k, sizeof *s->cb);
		hist_sorted(r->x, r->n, s->e, ne, s->ca);
		hist_sorted(c->x, c->n, s->e, ne, s->cb);
		width = (s->e[k] - s->e[0]) / (double)k;
		for (i = 0; i < k; i++) {
			double db = s->e[i + 1] - s->e[i];
			double p1 = (double)s->ca[i] / db / (double)r->n;
			double p2 = (double)s->cb[i] / db / (double)c->n;

			h += sqrt(p1 * p2) * width;
		}
	}
	if (h < 0)
		h = 0;
	if (h > 1)
		h = 1;
	return sqrt(1 - h);
}

int
mlw_dmethod_auto(const struct mlw_dsample *ref, const struct mlw_dsample *cur)
{
	size_t nv;

	if (ref->x == NULL) {
		size_t i, n = ref->k > cur->k ? ref->k : cur->k;

		for (i = nv = 0; i < n; i++)
			nv += (i < ref->k && ref->c[i]) ||
			    (i < cur->k && cur->c[i]);
		if (ref->total <= 1000)
			return nv > 2 ? MLW_DM_CHISQUARE : MLW_DM_Z;
		return MLW_DM_JS;
	}
	nv = mlw_distinct_union(ref->x, ref->n, cur->x, cur->n);
	if (ref->total <= 1000) {
		if (nv <= 5)
			return nv > 2 ? MLW_DM_CHISQUARE : MLW_DM_Z;
		return MLW_DM_KS;
	}
	return nv <= 5 ? MLW_DM_JS : MLW_DM_WASSERSTEIN;
}

/* Whether the values of both numeric samples (sorted) span a finite
 * range, which binning them needs: -1e308 and 1e308 do not. */
static int
span_finite(const struct mlw_dsample *r, const struct mlw_dsample *c)
{
	double lo = r->n ? r->x[0] : c->x[0];
	double hi = r->n ? r->x[r->n - 1] : c->x[c->n - 1];

	if (c->n && c->x[0] < lo)
		lo = c->x[0];
	if (c->n && c->x[c->n - 1] > hi)
		hi = c->x[c->n - 1];
	return isfinite(hi - lo);
}

static struct mlw_test
run_method(int m, const struct mlw_dsample *r, const struct mlw_dsample *c,
    double js_base, struct mlw_dscratch *s, const char **why)
{
	struct mlw_test t = { NAN, NAN };
	size_t k, i, key0;
	double *obs, *exp, knorm;
	uint64_t x1, x2;

	*why = NULL;
	if (r->total == 0 || c->total == 0) {
		*why = "no values";
		return t;
	}
	if (mlw_dmethods[m].numeric && r->x == NULL) {
		*why = "needs numeric values";
		return t;
	}
	if (r->x && (m == MLW_DM_HELLINGER || ((m == MLW_DM_PSI ||
	    m == MLW_DM_KL || m == MLW_DM_JS) && r->distinct > 20)) &&
	    !span_finite(r, c)) {
		*why = "the values span more than the largest number, so they "
		    "cannot be binned";
		return t;
	}
	switch (m) {
	case MLW_DM_KS:
		return mlw_ks_2samp(r->x, r->n, c->x, c->n);
	case MLW_DM_WASSERSTEIN:
		/* Evidently: wasserstein_distance / max(std(ref), 0.001) */
		t = mlw_wasserstein(r->x, r->n, c->x, c->n);
		t.stat /= r->std > 0.001 ? r->std : 0.001;
		t.p = NAN;
		return t;
	case MLW_DM_ENERGY:
		t = mlw_energy_distance(r->x, r->n, c->x, c->n);
		t.p = NAN;
		return t;
	case MLW_DM_MANNWHITNEY:
		/* Evidently: alternative="less", the reference first */
		return mlw_mannwhitneyu_alt(r->x, r->n, c->x, c->n, MLW_LESS);
	case MLW_DM_TTEST:
		return mlw_ttest_ind(r->x, r->n, c->x, c->n, 1);
	case MLW_DM_ANDERSON:
		return mlw_anderson_ksamp(r->x, r->n, c->x, c->n);
	case MLW_DM_CVM:
		if (r->n < 2 || c->n < 2) {
			*why = "needs at least 2 values on each side";
			return t;
		}
		return mlw_cvm_2samp(r->x, r->n, c->x, c->n);
	case MLW_DM_PSI:
	case MLW_DM_KL:
	case MLW_DM_JS:
		k = binned_counts(r, c, s);
		t.stat = binned(m, k, r->total, c->total, js_base, s);
		return t;
	case MLW_DM_HELLINGER:
		t.stat = hellinger(r, c, s);
		return t;
	case MLW_DM_TVD:
		k = union_counts(r, c, s, &key0);
		s->a = mlw_grow(s->a, &s->acap, k, sizeof *s->a);
		for (i = 0; i < k; i++)
			s->a[i] = fabs((double)s->ca[i] / (double)r->total -
			    (double)s->cb[i] / (double)c->total);
		t.stat = 0.5 * mlw_np_sum(s->a, k);
		return t;
	case MLW_DM_CHISQUARE:
		/* expected = reference counts x current size / reference size */
		k = union_counts(r, c, s, &key0);
		s->a = mlw_grow(s->a, &s->acap, 2 * k, sizeof *s->a);
		obs = s->a;
		exp = s->a + k;
		knorm = (double)c->total / (double)r->total;
		for (i = 0; i < k; i++) {
			obs[i] = (double)s->cb[i];
			exp[i] = (double)s->ca[i] * knorm;
		}
		return mlw_chisquare(obs, exp, k);
	case MLW_DM_Z:
	case MLW_DM_FISHER:
		k = union_counts(r, c, s, &key0);
		if (k > 2) {
			*why = "needs at most 2 distinct values";
			return t;
		}
		/* the smallest value is 0, the other 1 (Evidently) */
		x1 = r->total - s->ca[key0];
		x2 = c->total - s->cb[key0];
		if (m == MLW_DM_FISHER)
			return mlw_fisher_exact(x2, c->total - x2, x1,
			    r->total - x1);
		if (k == 1) {
			/* one value on both sides: no difference */
			t.stat = 0;
			t.p = 1;
			return t;
		}
		return mlw_ztest_2prop(x1, r->total, x2, c->total);
	}
	*why = "unknown method";
	return t;
}

/* Why a statistic that was computed is not finite, when the method knows. */
static const char *
not_finite_why(int m, double stat)
{
	switch (m) {
	case MLW_DM_FISHER:
		return isinf(stat) ? "the odds ratio is infinite: a category "
		    "is absent from one side" : "the odds ratio is undefined: "
		    "one category only, on both sides";
	case MLW_DM_TTEST:
		return isinf(stat) ? "t is infinite: both samples are "
		    "constant and differ" : "t is undefined: both samples are "
		    "constant and equal";
	case MLW_DM_CHISQUARE:
		return "a category is absent from the reference";
	}
	return "the statistic is not finite";
}

struct mlw_test
mlw_dmethod_run(int m, const struct mlw_dsample *r, const struct mlw_dsample *c,
    double js_base, struct mlw_dscratch *s, const char **why)
{
	struct mlw_test t = run_method(m, r, c, js_base, s, why);

	if (*why == NULL && !isfinite(t.stat))
		*why = not_finite_why(m, t.stat);
	return t;
}
