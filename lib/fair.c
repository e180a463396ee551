#include "fair.h"

#include <math.h>

void
mlw_fair_add(struct mlw_fair_counts *c, int y, int p)
{
	if (y)
		p ? c->tp++ : c->fn++;
	else
		p ? c->fp++ : c->tn++;
}

uint64_t
mlw_fair_n(const struct mlw_fair_counts *c)
{
	return c->tp + c->fp + c->tn + c->fn;
}

static double
ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

double
mlw_fair_selection_rate(const struct mlw_fair_counts *c)
{
	return ratio(c->tp + c->fp, mlw_fair_n(c));
}

double
mlw_fair_tpr(const struct mlw_fair_counts *c)
{
	return ratio(c->tp, c->tp + c->fn);
}

double
mlw_fair_fpr(const struct mlw_fair_counts *c)
{
	return ratio(c->fp, c->fp + c->tn);
}

double
mlw_fair_precision(const struct mlw_fair_counts *c)
{
	return ratio(c->tp, c->tp + c->fp);
}

double
mlw_fair_accuracy(const struct mlw_fair_counts *c)
{
	return ratio(c->tp + c->tn, mlw_fair_n(c));
}

size_t
mlw_fair_largest(const struct mlw_fair_counts *g, size_t k)
{
	size_t i, best = 0;

	for (i = 1; i < k; i++)
		if (mlw_fair_n(&g[i]) > mlw_fair_n(&g[best]))
			best = i;
	return best;
}

/* max - min of rate over the groups; NaN when any is NaN. */
static double
spread(const struct mlw_fair_counts *g, size_t k,
    double (*rate)(const struct mlw_fair_counts *), double *min, double *max)
{
	size_t i;
	double lo = INFINITY, hi = -INFINITY;

	for (i = 0; i < k; i++) {
		double r = rate(&g[i]);

		if (isnan(r))
			return *min = *max = NAN;
		if (r < lo)
			lo = r;
		if (r > hi)
			hi = r;
	}
	*min = lo;
	*max = hi;
	return hi - lo;
}

void
mlw_fair_summarize(const struct mlw_fair_counts *g, size_t k, long ref,
    struct mlw_fair_summary *s)
{
	double lo, hi, tpr, fpr, rsr;
	size_t i;

	s->nulls = 0;
	s->dpd = spread(g, k, mlw_fair_selection_rate, &lo, &hi);
	if (hi > 0)
		s->dpr = lo / hi;
	else {
		s->dpr = NAN;
		s->nulls |= MLW_FAIR_ALL_ZERO;
	}
	tpr = spread(g, k, mlw_fair_tpr, &lo, &hi);
	fpr = spread(g, k, mlw_fair_fpr, &lo, &hi);
	if (isnan(tpr))
		s->nulls |= MLW_FAIR_NO_TPR;
	if (isnan(fpr))
		s->nulls |= MLW_FAIR_NO_FPR;
	s->eod = tpr;
	s->eqodds = isnan(tpr) || isnan(fpr) ? NAN : tpr > fpr ? tpr : fpr;

	s->di = NAN;
	s->di_flag = 0;
	if (ref < 0 || (size_t)ref >= k) {
		s->nulls |= MLW_FAIR_NO_REF;
		return;
	}
	if (k == 1) {
		s->nulls |= MLW_FAIR_ONE_GROUP;
		return;
	}
	rsr = mlw_fair_selection_rate(&g[ref]);
	if (!(rsr > 0)) {
		s->nulls |= MLW_FAIR_REF_ZERO;
		return;
	}
	s->di = INFINITY;
	for (i = 0; i < k; i++) {
		double d;

		if (i == (size_t)ref)
			continue;
		d = mlw_fair_selection_rate(&g[i]) / rsr;
		if (d < s->di)
			s->di = d;
	}
	s->di_flag = s->di < MLW_FAIR_DI_LIMIT;
}

static double
diff(double a, double b)
{
	return isnan(a) || isnan(b) ? NAN : a - b;
}

void
mlw_fair_pair(const struct mlw_fair_counts *g,
    const struct mlw_fair_counts *ref, struct mlw_fair_pair *p)
{
	double gsr = mlw_fair_selection_rate(g), rsr = mlw_fair_selection_rate(ref);

	p->sr_diff = diff(gsr, rsr);
	p->di = rsr > 0 ? gsr / rsr : NAN;
	p->tpr_diff = diff(mlw_fair_tpr(g), mlw_fair_tpr(ref));
	p->fpr_diff = diff(mlw_fair_fpr(g), mlw_fair_fpr(ref));
}
