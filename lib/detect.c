/* detect: online change detectors, after River's drift module.
 *
 * Each detector is a small state machine: mlw_det_new() with options,
 * mlw_det_update() with one value, mlw_det_reset(). The update rules below
 * follow River's source (river/drift/page_hinkley.py, cusum.py, adwin.py
 * and adwin_c.pyx, binary/ddm.py, eddm.py, hddm_a.py, hddm_w.py, kswin.py)
 * operation for operation, so that the same stream gives the same
 * detections, with one documented exception: KSWIN draws its sample with
 * splitmix64 instead of Python's Mersenne Twister (its KS test is SciPy's,
 * mlw_ks_2samp()). River resets a detector at the update
 * after a drift; we reset right after it, which gives the same results.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "stats.h"
#include "stattest.h"
#include "xalloc.h"

/* River's stats.Mean: n += 1; m += (1/n) (x - m). */
struct mean { double n, m; };

static void
mean_add(struct mean *a, double x)
{
	a->n += 1;
	a->m += (1.0 / a->n) * (x - a->m);
}

/* River's stats.Var (Welford, ddof 1): S += (x - m_old)(x - m_new);
 * var = S / (n - 1) when n > 1, else 0. */
struct var { struct mean mean; double s; };

static void
var_add(struct var *v, double x)
{
	double old = v->mean.m;

	mean_add(&v->mean, x);
	v->s += (x - old) * (x - v->mean.m);
}

static double
var_get(const struct var *v)
{
	return v->mean.n > 1 ? v->s / (v->mean.n - 1) : 0.0;
}

/* River's stats.EWMean (its Rust EWMean since 0.24): m = x for the first
 * value, then m = lambda x + (1 - lambda) m. (Before 0.24, watermill's
 * EWMean restarted from x whenever m was exactly 0; River's current release
 * does not, nor do we.) */
struct sample {                 /* HDDM-W's SampleInfo */
	double ewma, ibc;
	int init;
};

static void
sample_init(struct sample *s)
{
	s->ewma = 0;
	s->ibc = 1.0;
	s->init = 0;
}

/* ibc = lambda^2 + (1 - lambda)^2 ibc: the independent bound condition. */
static void
sample_add(struct sample *s, double x, double lambda)
{
	double c = 1 - lambda;

	if (!s->init)
		s->ewma = x;
	else
		s->ewma = lambda * x + (1 - lambda) * s->ewma;
	s->init = 1;
	s->ibc = lambda * lambda + c * c * s->ibc;
}

#define ADWIN_ROWS 64           /* rows of 2^0 .. 2^63 values: enough */

struct mlw_det {
	struct mlw_det_opts o;
	int warning;                   /* DDM, EDDM: in the warning zone */
	union {
		struct {               /* Page-Hinkley */
			struct mean x;
			double inc, dec, min_inc, max_dec;
		} ph;
		struct {               /* CUSUM */
			struct var v;
			double n, ref, sigma, up, down;
			int frozen;
		} cu;
		struct {               /* ADWIN */
			double width, total, variance;
			uint64_t tick;
			int nrows;
		} ad;
		struct {               /* DDM */
			struct mean p;
			double p_min, s_min, ps_min;
		} ddm;
		struct {               /* EDDM */
			struct var dist;
			double n, last_error, n_errors, p2s_max;
		} ed;
		struct {               /* HDDM-A */
			struct mean z, lo, hi;
		} ha;
		struct {               /* HDDM-W */
			struct sample total, s1_dec, s1_inc, s2_dec, s2_inc;
			double inc_cut, dec_cut;
		} hw;
		struct {               /* KSWIN */
			uint64_t rng;
			long long head, len;
		} ks;
	} u;
	/* ADWIN: per row, cnt[r] buckets of 2^r values: tot and var at
	 * [r * (max_buckets + 1) + k], k = 0 the oldest. KSWIN: the window
	 * in buf, the sample and the recent values in a and b, indices. */
	double *tot, *var, *buf, *a, *b;
	int *cnt;
	long long *idx;
};

static const char *const names[MLW_DET_NMETHODS] = {
	"page-hinkley", "cusum", "adwin", "ddm", "eddm", "hddm-a", "hddm-w",
	"kswin"
};

int
mlw_det_method_parse(const char *name, enum mlw_det_method *m)
{
	int i;

	for (i = 0; i < MLW_DET_NMETHODS; i++)
		if (strcmp(name, names[i]) == 0) {
			*m = (enum mlw_det_method)i;
			return 0;
		}
	return -1;
}

const char *
mlw_det_method_name(enum mlw_det_method m)
{
	return m < MLW_DET_NMETHODS ? names[m] : "?";
}

int
mlw_det_binary(enum mlw_det_method m)
{
	return m == MLW_DET_DDM || m == MLW_DET_EDDM || m == MLW_DET_HDDM_A ||
	    m == MLW_DET_HDDM_W;
}

void
mlw_det_defaults(struct mlw_det_opts *o, enum mlw_det_method m)
{
	memset(o, 0, sizeof *o);
	o->method = m;
	o->mode = MLW_DET_BOTH;
	o->delta = m == MLW_DET_ADWIN ? 0.002 : 0.005;
	o->threshold = 50;
	o->alpha = m == MLW_DET_EDDM ? 0.95 : m == MLW_DET_KSWIN ? 0.005 :
	    1 - 0.0001;
	o->beta = 0.9;
	o->min_instances = 30;
	o->warmup = 30;
	o->k = 0.5;
	o->h = 5;
	o->clock = 32;
	o->max_buckets = 5;
	o->min_window_length = 5;
	o->grace_period = 10;
	o->warm_start = 30;
	o->warning_threshold = 2;
	o->drift_threshold = 3;
	o->drift_confidence = 0.001;
	o->warning_confidence = 0.005;
	o->lambda = 0.05;
	o->two_sided = 0;
	o->window_size = 100;
	o->stat_size = 30;
	o->seed = 0;
}

const char *
mlw_det_check(const struct mlw_det_opts *o)
{
	switch (o->method) {
	case MLW_DET_PAGE_HINKLEY:
		if (!(o->alpha > 0 && o->alpha <= 1))
			return "--alpha: page-hinkley's fading factor must be "
			    "greater than 0 and at most 1";
		if (!(o->delta >= 0))
			return "--delta: must not be negative";
		if (!(o->threshold > 0))
			return "--threshold: must be greater than 0";
		break;
	case MLW_DET_CUSUM:
		if (!(o->k >= 0))
			return "--k: must not be negative";
		if (!(o->h > 0))
			return "--h: must be greater than 0";
		if (o->warmup < 1)
			return "--warmup: must be at least 1";
		break;
	case MLW_DET_ADWIN:
		if (!(o->delta > 0 && o->delta < 1))
			return "--delta: adwin's delta must be between 0 and 1";
		if (o->clock < 1 || o->max_buckets < 2 ||
		    o->max_buckets > 1000 || o->min_window_length < 1 ||
		    o->grace_period < 0)
			return "--clock, --max-buckets, --min-window-length, "
			    "--grace-period: out of range";
		break;
	case MLW_DET_DDM:
		if (!(o->warning_threshold > 0) || !(o->drift_threshold > 0))
			return "--warning-threshold, --drift-threshold: must be "
			    "greater than 0";
		break;
	case MLW_DET_EDDM:
		if (!(o->alpha > 0 && o->alpha <= 1) ||
		    !(o->beta > 0 && o->beta <= 1))
			return "--alpha, --beta: eddm's levels must be greater "
			    "than 0 and at most 1";
		if (o->alpha < o->beta)
			return "--alpha: eddm's warning level must not be less "
			    "than --beta";
		break;
	case MLW_DET_HDDM_A:
	case MLW_DET_HDDM_W:
		if (!(o->drift_confidence > 0 && o->drift_confidence < 1) ||
		    !(o->warning_confidence > 0 && o->warning_confidence < 1))
			return "--drift-confidence, --warning-confidence: must "
			    "be between 0 and 1";
		if (o->method == MLW_DET_HDDM_W &&
		    !(o->lambda > 0 && o->lambda <= 1))
			return "--lambda: must be greater than 0 and at most 1";
		break;
	case MLW_DET_KSWIN:
		if (!(o->alpha >= 0 && o->alpha <= 1))
			return "--alpha: kswin's significance must be from 0 "
			    "to 1";
		if (o->stat_size < 1 || o->window_size < 2 * o->stat_size)
			return "--window-size: must be at least twice "
			    "--stat-size (the sample is drawn from the older "
			    "part of the window)";
		break;
	default:
		return "unknown method";
	}
	return NULL;
}

struct mlw_det *
mlw_det_new(const struct mlw_det_opts *o)
{
	struct mlw_det *d = mlw_xcalloc(1, sizeof *d);
	size_t n;

	d->o = *o;
	if (o->method == MLW_DET_ADWIN) {
		n = (size_t)ADWIN_ROWS * (size_t)(o->max_buckets + 1);
		d->tot = mlw_xcalloc(n, sizeof *d->tot);
		d->var = mlw_xcalloc(n, sizeof *d->var);
		d->cnt = mlw_xcalloc(ADWIN_ROWS, sizeof *d->cnt);
	} else if (o->method == MLW_DET_KSWIN) {
		d->buf = mlw_xcalloc((size_t)o->window_size, sizeof *d->buf);
		d->a = mlw_xcalloc((size_t)o->stat_size, sizeof *d->a);
		d->b = mlw_xcalloc((size_t)o->stat_size, sizeof *d->b);
		d->idx = mlw_xcalloc((size_t)(o->window_size - o->stat_size),
		    sizeof *d->idx);
	}
	mlw_det_reset(d);
	return d;
}

void
mlw_det_reset(struct mlw_det *d)
{
	const struct mlw_det_opts *o = &d->o;

	memset(&d->u, 0, sizeof d->u);
	d->warning = 0;
	switch (o->method) {
	case MLW_DET_PAGE_HINKLEY:
		d->u.ph.min_inc = INFINITY;
		d->u.ph.max_dec = -1;   /* River's start value, not -inf */
		break;
	case MLW_DET_ADWIN:
		memset(d->cnt, 0, ADWIN_ROWS * sizeof *d->cnt);
		d->u.ad.nrows = 1;
		break;
	case MLW_DET_DDM:
		d->u.ddm.p_min = d->u.ddm.s_min = d->u.ddm.ps_min = INFINITY;
		break;
	case MLW_DET_EDDM:
		d->u.ed.p2s_max = -1;
		break;
	case MLW_DET_HDDM_W:
		sample_init(&d->u.hw.total);
		sample_init(&d->u.hw.s1_dec);
		sample_init(&d->u.hw.s1_inc);
		sample_init(&d->u.hw.s2_dec);
		sample_init(&d->u.hw.s2_inc);
		d->u.hw.inc_cut = INFINITY;
		d->u.hw.dec_cut = -INFINITY;
		break;
	case MLW_DET_KSWIN:
		d->u.ks.rng = o->seed;  /* reseeded, as River's _reset() */
		break;
	default:
		break;
	}
}

void
mlw_det_free(struct mlw_det *d)
{
	if (d == NULL)
		return;
	free(d->tot);
	free(d->var);
	free(d->cnt);
	free(d->buf);
	free(d->a);
	free(d->b);
	free(d->idx);
	free(d);
}

/*
 * Page-Hinkley (River drift.PageHinkley). With the running mean m_n of
 * x_1..x_n (m += (x - m)/n), dev = x_n - m_n:
 *   U_n = alpha U_{n-1} + dev - delta,   minU = min(minU, U_n) (from +inf)
 *   L_n = alpha L_{n-1} + dev + delta,   maxL = max(maxL, L_n) (from -1)
 * and once n >= min_instances, drift when U_n - minU > threshold (mode up),
 * maxL - L_n > threshold (down), or either (both).
 * Statistic: U_n - minU (up), maxL - L_n (down), the larger (both).
 */
static enum mlw_det_result
ph_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	double dev, ti, td;

	mean_add(&d->u.ph.x, x);
	dev = x - d->u.ph.x.m;
	d->u.ph.inc = o->alpha * d->u.ph.inc + dev - o->delta;
	d->u.ph.dec = o->alpha * d->u.ph.dec + dev + o->delta;
	if (d->u.ph.inc < d->u.ph.min_inc)
		d->u.ph.min_inc = d->u.ph.inc;
	if (d->u.ph.dec > d->u.ph.max_dec)
		d->u.ph.max_dec = d->u.ph.dec;
	if (d->u.ph.x.n < (double)o->min_instances)
		return MLW_DET_NONE;
	ti = d->u.ph.inc - d->u.ph.min_inc;
	td = d->u.ph.max_dec - d->u.ph.dec;
	*stat = o->mode == MLW_DET_UP ? ti : o->mode == MLW_DET_DOWN ? td :
	    ti > td ? ti : td;
	if ((o->mode != MLW_DET_DOWN && ti > o->threshold) ||
	    (o->mode != MLW_DET_UP && td > o->threshold))
		return MLW_DET_DRIFT;
	return MLW_DET_NONE;
}

/*
 * CUSUM, two-sided tabular (River drift.CUSUM). The first warmup values
 * give the reference mean mu and standard deviation sigma (sample, ddof 1),
 * then frozen; from the warmup-th value on, with dev = x - mu:
 *   S+ = max(0, S+ + dev - k sigma),   S- = max(0, S- - dev - k sigma)
 * drift when S+ > h sigma (up), S- > h sigma (down), or either (both).
 * Statistic: S+ (up), S- (down), the larger (both).
 */
static enum mlw_det_result
cusum_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	double k, lim, dev, v;

	d->u.cu.n += 1;
	var_add(&d->u.cu.v, x);
	if (d->u.cu.n < (double)o->warmup)
		return MLW_DET_NONE;
	if (!d->u.cu.frozen) {
		d->u.cu.frozen = 1;
		d->u.cu.ref = d->u.cu.v.mean.m;
		v = var_get(&d->u.cu.v);
		d->u.cu.sigma = pow(v > 0.0 ? v : 0.0, 0.5);
	}
	k = o->k * d->u.cu.sigma;
	lim = o->h * d->u.cu.sigma;
	dev = x - d->u.cu.ref;
	v = d->u.cu.up + dev - k;
	d->u.cu.up = v > 0.0 ? v : 0.0;
	v = d->u.cu.down - dev - k;
	d->u.cu.down = v > 0.0 ? v : 0.0;
	*stat = o->mode == MLW_DET_UP ? d->u.cu.up : o->mode == MLW_DET_DOWN ?
	    d->u.cu.down : d->u.cu.up > d->u.cu.down ? d->u.cu.up :
	    d->u.cu.down;
	if ((o->mode != MLW_DET_DOWN && d->u.cu.up > lim) ||
	    (o->mode != MLW_DET_UP && d->u.cu.down > lim))
		return MLW_DET_DRIFT;
	return MLW_DET_NONE;
}

/*
 * ADWIN (River drift.ADWIN, the ADWIN2 of Bifet and Gavalda 2007). The
 * window is an exponential histogram: row r holds up to max_buckets
 * buckets of 2^r values each (total and variance of its values); a row
 * that reaches max_buckets + 1 merges its two oldest buckets into one of
 * the next row, with variance v1 + v2 + n1 n2 (mu1 - mu2)^2 / (n1 + n2).
 * Every clock-th value, when the width W exceeds grace_period, every cut
 * of the window into an older W0 (n0 values) and a newer W1 (n1) at a
 * bucket boundary is tested, oldest first; the cut holds when both have at
 * least min_window_length values and
 *   |mu0 - mu1| > sqrt(2 m sigma2 d') + 2/3 d' m,
 *   m = 1/(n0 - mwl + 1) + 1/(n1 - mwl + 1), sigma2 = variance / W,
 *   d' = ln(2 ln(W) / delta).
 * When it holds, the oldest bucket is dropped and the test starts again.
 * Statistic: |mu0 - mu1| at the first cut that held.
 */
#define AD_T(d, r, k) ((d)->tot[(size_t)(r) * (size_t)((d)->o.max_buckets + 1) + (size_t)(k)])
#define AD_V(d, r, k) ((d)->var[(size_t)(r) * (size_t)((d)->o.max_buckets + 1) + (size_t)(k)])

static void
ad_row_drop(struct mlw_det *d, int r, int n)
{
	int k, c = d->cnt[r];

	if (n > c)
		n = c;
	for (k = n; k < c; k++) {
		AD_T(d, r, k - n) = AD_T(d, r, k);
		AD_V(d, r, k - n) = AD_V(d, r, k);
	}
	for (k = c - n; k < c; k++)
		AD_T(d, r, k) = AD_V(d, r, k) = 0;
	d->cnt[r] = c - n;
}

/* (Rows other than the last are never empty when max_buckets >= 2, which
 * mlw_det_check() requires, so the oldest bucket is always at [last][0].) */
static void
ad_compress(struct mlw_det *d)
{
	long long mb = d->o.max_buckets;
	int r;

	for (r = 0; r + 1 < ADWIN_ROWS && d->cnt[r] == mb + 1; r++) {
		double n1 = ldexp(1.0, r), mu1, mu2, t12, v12, dm;
		int c;

		if (r + 1 == d->u.ad.nrows)
			d->u.ad.nrows++;
		mu1 = AD_T(d, r, 0) / n1;
		mu2 = AD_T(d, r, 1) / n1;
		t12 = AD_T(d, r, 0) + AD_T(d, r, 1);
		dm = mu1 - mu2;
		v12 = AD_V(d, r, 0) + AD_V(d, r, 1) + n1 * 0.5 * dm * dm;
		c = d->cnt[r + 1]++;
		AD_T(d, r + 1, c) = t12;
		AD_V(d, r + 1, c) = v12;
		ad_row_drop(d, r, 2);
		if (d->cnt[r + 1] <= mb)
			break;
	}
}

/* Drop the oldest bucket; returns its number of values. */
static double
ad_delete(struct mlw_det *d)
{
	int r = d->u.ad.nrows - 1;
	double n = ldexp(1.0, r), u = AD_T(d, r, 0), mu = u / n,
	    v = AD_V(d, r, 0), muw;

	d->u.ad.width -= n;
	d->u.ad.total -= u;
	muw = d->u.ad.total / d->u.ad.width;
	d->u.ad.variance -= v + n * d->u.ad.width * (mu - muw) * (mu - muw) /
	    (n + d->u.ad.width);
	ad_row_drop(d, r, 1);
	if (d->cnt[r] == 0 && d->u.ad.nrows > 1)
		d->u.ad.nrows--;
	return n;
}

static int
ad_cut(const struct mlw_det *d, double n0, double n1, double dm)
{
	double mwl = (double)d->o.min_window_length, w = d->u.ad.width;
	double dp = log(2 * log(w) / d->o.delta);
	double m = (1.0 / (n0 - mwl + 1)) + (1.0 / (n1 - mwl + 1));
	double eps = sqrt(2 * m * (d->u.ad.variance / w) * dp) +
	    2.0 / 3.0 * dp * m;

	return fabs(dm) > eps;
}

static enum mlw_det_result
adwin_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	double w, t, n0, n1, u0, u1, size, dm;
	int change = 0, reduce, done, r, k, c;

	/* insert x as a bucket of one value in row 0 */
	c = d->cnt[0]++;
	AD_T(d, 0, c) = x;
	AD_V(d, 0, c) = 0;
	w = d->u.ad.width += 1;
	if (w > 1.0) {
		t = d->u.ad.total / (w - 1.0);
		d->u.ad.variance += (w - 1.0) * (x - t) * (x - t) / w;
	}
	d->u.ad.total += x;
	ad_compress(d);

	d->u.ad.tick++;
	if (d->u.ad.tick % (uint64_t)o->clock != 0 ||
	    !(d->u.ad.width > (double)o->grace_period))
		return MLW_DET_NONE;
	for (reduce = 1; reduce;) {
		reduce = done = 0;
		n0 = 0;
		n1 = d->u.ad.width;
		u0 = 0;
		u1 = d->u.ad.total;
		for (r = d->u.ad.nrows - 1; r >= 0 && !done; r--) {
			size = ldexp(1.0, r);
			c = d->cnt[r];
			for (k = 0; k < c; k++) {
				n0 += size;
				n1 -= size;
				u0 += AD_T(d, r, k);
				u1 -= AD_T(d, r, k);
				if (r == 0 && k == c - 1) {
					done = 1;
					break;
				}
				dm = (u0 / n0) - (u1 / n1);
				if (n1 >= (double)o->min_window_length &&
				    n0 >= (double)o->min_window_length &&
				    ad_cut(d, n0, n1, dm)) {
					if (!change)
						*stat = fabs(dm);
					reduce = change = 1;
					if (d->u.ad.width > 0) {
						n0 -= ad_delete(d);
						done = 1;
						break;
					}
				}
			}
		}
	}
	return change ? MLW_DET_DRIFT : MLW_DET_NONE;
}

/*
 * DDM (River drift.binary.DDM, Gama et al. 2004). p_n is the error rate
 * of the n values, s_n = sqrt(p_n (1 - p_n) / n). Once n > warm_start:
 * when p_n + s_n <= p_min + s_min, (p_min, s_min) = (p_n, s_n); warning
 * while p_n + s_n > p_min + warning_threshold s_min, drift when
 * p_n + s_n > p_min + drift_threshold s_min. Statistic: p_n + s_n.
 */
static enum mlw_det_result
ddm_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	double p, s, n;

	mean_add(&d->u.ddm.p, x);
	p = d->u.ddm.p.m;
	n = d->u.ddm.p.n;
	s = sqrt(p * (1 - p) / n);
	*stat = p + s;
	if (n > (double)o->warm_start) {
		if (p + s <= d->u.ddm.ps_min) {
			d->u.ddm.p_min = p;
			d->u.ddm.s_min = s;
			d->u.ddm.ps_min = d->u.ddm.p_min + d->u.ddm.s_min;
		}
		d->warning = p + s > d->u.ddm.p_min + o->warning_threshold *
		    d->u.ddm.s_min;
		if (p + s > d->u.ddm.p_min + o->drift_threshold *
		    d->u.ddm.s_min) {
			d->warning = 0;
			return MLW_DET_DRIFT;
		}
	}
	return d->warning ? MLW_DET_WARNING : MLW_DET_NONE;
}

/*
 * EDDM (River drift.binary.EDDM, Baena-Garcia et al. 2006). At each error
 * (x = 1), the distance in values from the previous error (or the start)
 * updates its mean p' and standard deviation s' (ddof 1). Once n >
 * warm_start: when p' + 2 s' exceeds its maximum so far, that is the new
 * maximum; otherwise, once more than warm_start errors were seen,
 * level = (p' + 2 s') / max: drift when level < beta, warning when
 * level < alpha, no warning otherwise. Values 0 change nothing.
 * Statistic: level (NaN when not computed by this value).
 */
static enum mlw_det_result
eddm_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	double pi, si, p2s, level;

	d->u.ed.n += 1;
	if (x == 1) {
		d->u.ed.n_errors += 1;
		var_add(&d->u.ed.dist, d->u.ed.n - d->u.ed.last_error);
		if (d->u.ed.n > (double)o->warm_start) {
			pi = d->u.ed.dist.mean.m;
			si = pow(var_get(&d->u.ed.dist), 0.5);
			p2s = pi + 2 * si;
			if (p2s > d->u.ed.p2s_max)
				d->u.ed.p2s_max = p2s;
			else if (d->u.ed.n_errors > (double)o->warm_start) {
				level = p2s / d->u.ed.p2s_max;
				*stat = level;
				if (level < o->beta) {
					d->u.ed.last_error = d->u.ed.n;
					return MLW_DET_DRIFT;
				}
				d->warning = level < o->alpha;
			}
		}
		d->u.ed.last_error = d->u.ed.n;
	}
	return d->warning ? MLW_DET_WARNING : MLW_DET_NONE;
}

/*
 * HDDM-A (River drift.binary.HDDMA, Frias-Blanco et al. 2015, after MOA).
 * z is the mean of all values; lo (hi) a frozen copy of z taken at the
 * cut point for increases (decreases). With eps(n) = sqrt(1/(2n)
 * ln(1/drift_confidence)): lo = z when lo.mean + eps(lo.n) >= z.mean +
 * eps(z.n); hi = z when hi.mean - eps(hi.n) <= z.mean - eps(z.n). Increase
 * at confidence c when lo.n < z.n and z.mean - lo.mean >= sqrt(m/2 ln(2/c)),
 * m = (z.n - lo.n) / lo.n / z.n; drift at drift_confidence, else warning at
 * warning_confidence. With two_sided, the same for decreases with hi.
 * Statistic: z.mean - lo.mean (hi.mean - z.mean for a decrease).
 */
static int
ha_changed(const struct mean *z, const struct mean *c, double conf, int up)
{
	double m, eps;

	if (c->n == z->n)
		return 0;
	m = (z->n - c->n) / c->n * (1.0 / z->n);
	eps = sqrt(m / 2 * log(2.0 / conf));
	return (up ? z->m - c->m : c->m - z->m) >= eps;
}

static double
ha_bound(double n, double conf)
{
	return sqrt(1.0 / (2 * n) * log(1.0 / conf));
}

static enum mlw_det_result
hddma_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	struct mean *z = &d->u.ha.z, *lo = &d->u.ha.lo, *hi = &d->u.ha.hi;
	enum mlw_det_result res = MLW_DET_NONE;
	double ez, ex;

	mean_add(z, x);
	if (lo->n == 0)
		*lo = *z;
	if (hi->n == 0)
		*hi = *z;
	ez = ha_bound(z->n, o->drift_confidence);
	ex = ha_bound(lo->n, o->drift_confidence);
	if (lo->m + ex >= z->m + ez)
		*lo = *z;
	ex = ha_bound(hi->n, o->drift_confidence);
	if (hi->m - ex <= z->m - ez)
		*hi = *z;
	*stat = z->m - lo->m;
	if (ha_changed(z, lo, o->drift_confidence, 1))
		res = MLW_DET_DRIFT;
	else if (ha_changed(z, lo, o->warning_confidence, 1))
		res = MLW_DET_WARNING;
	if (o->two_sided) {
		if (ha_changed(z, hi, o->drift_confidence, 0)) {
			res = MLW_DET_DRIFT;
			*stat = hi->m - z->m;
		} else if (ha_changed(z, hi, o->warning_confidence, 0) &&
		    res == MLW_DET_NONE) {
			res = MLW_DET_WARNING;
			*stat = hi->m - z->m;
		}
	}
	return res;
}

/*
 * HDDM-W (River drift.binary.HDDMW, Frias-Blanco et al. 2015, after MOA).
 * Each sample keeps an EWMA (its first value, then weight lambda to each
 * new value) and
 * ibc = lambda^2 + (1 - lambda)^2 ibc (from 1). With the McDiarmid bound
 * eps(ibc, c) = sqrt(ibc ln(1/c) / 2) and T the sample of all values:
 * when T.ewma + eps(T.ibc, drift_confidence) is below the increase cut
 * point (from +inf), it becomes the cut point, S1 = T and S2 starts empty;
 * otherwise S2 takes x. Increase at confidence c when S2.ewma - S1.ewma >
 * eps(S1.ibc + S2.ibc, c) (both started): drift at drift_confidence, else
 * warning at warning_confidence. Decreases mirror it (T.ewma - eps above
 * the decrease cut point, from -inf), tested only with two_sided.
 * Statistic: S2.ewma - S1.ewma (mirrored for a decrease).
 */
static double
hw_bound(double ibc, double conf)
{
	return sqrt(ibc * log(1 / conf) / 2);
}

static int
hw_changed(const struct sample *s1, const struct sample *s2, double conf)
{
	if (!(s1->init && s2->init))
		return 0;
	return s2->ewma - s1->ewma > hw_bound(s1->ibc + s2->ibc, conf);
}

static enum mlw_det_result
hddmw_update(struct mlw_det *d, double x, double *stat)
{
	const struct mlw_det_opts *o = &d->o;
	double l = o->lambda, eps;
	enum mlw_det_result res = MLW_DET_NONE;

	sample_add(&d->u.hw.total, x, l);
	eps = hw_bound(d->u.hw.total.ibc, o->drift_confidence);
	if (d->u.hw.total.ewma + eps < d->u.hw.inc_cut) {
		d->u.hw.inc_cut = d->u.hw.total.ewma + eps;
		d->u.hw.s1_inc = d->u.hw.total;
		sample_init(&d->u.hw.s2_inc);
	} else
		sample_add(&d->u.hw.s2_inc, x, l);
	if (d->u.hw.s1_inc.init && d->u.hw.s2_inc.init)
		*stat = d->u.hw.s2_inc.ewma - d->u.hw.s1_inc.ewma;
	if (hw_changed(&d->u.hw.s1_inc, &d->u.hw.s2_inc, o->drift_confidence))
		res = MLW_DET_DRIFT;
	else if (hw_changed(&d->u.hw.s1_inc, &d->u.hw.s2_inc,
	    o->warning_confidence))
		res = MLW_DET_WARNING;

	eps = hw_bound(d->u.hw.total.ibc, o->drift_confidence);
	if (d->u.hw.total.ewma - eps > d->u.hw.dec_cut) {
		d->u.hw.dec_cut = d->u.hw.total.ewma - eps;
		d->u.hw.s1_dec = d->u.hw.total;
		sample_init(&d->u.hw.s2_dec);
	} else
		sample_add(&d->u.hw.s2_dec, x, l);
	if (o->two_sided) {
		if (hw_changed(&d->u.hw.s2_dec, &d->u.hw.s1_dec,
		    o->drift_confidence)) {
			res = MLW_DET_DRIFT;
			*stat = d->u.hw.s1_dec.ewma - d->u.hw.s2_dec.ewma;
		} else if (hw_changed(&d->u.hw.s2_dec, &d->u.hw.s1_dec,
		    o->warning_confidence) && res == MLW_DET_NONE) {
			res = MLW_DET_WARNING;
			*stat = d->u.hw.s1_dec.ewma - d->u.hw.s2_dec.ewma;
		}
	}
	return res;
}

/*
 * splitmix64 (Steele, Lea and Flood 2014; the constants of Vigna's
 * reference splitmix64.c): s += 0x9e3779b97f4a7c15, then two xor-shift-
 * multiply rounds and a final xor-shift of s.
 */
static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n): x mod n for the first output x >= 2^64 mod n. */
static uint64_t
uniform_below(uint64_t *s, uint64_t n)
{
	uint64_t t = (0 - n) % n, x;

	do
		x = splitmix64(s);
	while (x < t);
	return x % n;
}

/*
 * KSWIN (River drift.KSWIN, Raab et al. 2020). A sliding window of the
 * last window_size values; once full, on every value: R is the newest
 * stat_size values, W is stat_size values drawn without replacement from
 * the older window_size - stat_size ones (a partial Fisher-Yates shuffle
 * of their positions driven by splitmix64 from seed, reseeded at every
 * reset), and drift when the KS test of W against R gives p <= alpha and
 * D > 0.1. Statistic: D; *p the p-value.
 */
static enum mlw_det_result
kswin_update(struct mlw_det *d, double x, double *stat, double *pv)
{
	long long ws = d->o.window_size, r = d->o.stat_size, m = ws - r, i, j, t;
	struct mlw_test t2;
	double dd, p;

	if (d->u.ks.len < ws)
		d->buf[(d->u.ks.head + d->u.ks.len++) % ws] = x;
	else {
		d->buf[d->u.ks.head] = x;
		d->u.ks.head = (d->u.ks.head + 1) % ws;
	}
	if (d->u.ks.len < ws)
		return MLW_DET_NONE;
	for (i = 0; i < m; i++)
		d->idx[i] = i;
	for (i = 0; i < r; i++) {
		j = i + (long long)uniform_below(&d->u.ks.rng,
		    (uint64_t)(m - i));
		t = d->idx[i];
		d->idx[i] = d->idx[j];
		d->idx[j] = t;
		d->a[i] = d->buf[(d->u.ks.head + d->idx[i]) % ws];
		d->b[i] = d->buf[(d->u.ks.head + m + i) % ws];
	}
	/* River: scipy.stats.ks_2samp(W, R, method="auto") */
	mlw_sort_doubles(d->a, (size_t)r);
	mlw_sort_doubles(d->b, (size_t)r);
	t2 = mlw_ks_2samp(d->a, (size_t)r, d->b, (size_t)r);
	dd = t2.stat;
	p = t2.p;
	*stat = dd;
	*pv = p;
	if (p <= d->o.alpha && dd > 0.1)
		return MLW_DET_DRIFT;
	return MLW_DET_NONE;
}

enum mlw_det_result
mlw_det_update(struct mlw_det *d, double x, double *stat, double *p)
{
	enum mlw_det_result res = MLW_DET_NONE;
	double s = NAN, pv = NAN;

	switch (d->o.method) {
	case MLW_DET_PAGE_HINKLEY:
		res = ph_update(d, x, &s);
		break;
	case MLW_DET_CUSUM:
		res = cusum_update(d, x, &s);
		break;
	case MLW_DET_ADWIN:
		res = adwin_update(d, x, &s);
		break;
	case MLW_DET_DDM:
		res = ddm_update(d, x, &s);
		break;
	case MLW_DET_EDDM:
		res = eddm_update(d, x, &s);
		break;
	case MLW_DET_HDDM_A:
		res = hddma_update(d, x, &s);
		break;
	case MLW_DET_HDDM_W:
		res = hddmw_update(d, x, &s);
		break;
	case MLW_DET_KSWIN:
		res = kswin_update(d, x, &s, &pv);
		break;
	default:
		break;
	}
	if (res == MLW_DET_DRIFT)
		mlw_det_reset(d);
	if (stat)
		*stat = s;
	if (p)
		*p = pv;
	return res;
}
