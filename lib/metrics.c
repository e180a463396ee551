#include "metrics.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calib.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "state.h"
#include "stats.h"
#include "strmap.h"
#include "xalloc.h"
#include "xsum.h"

int
mlw_score_class(double score, double threshold)
{
	return score > threshold;
}

int
mlw_binary_class(const char *positive, const struct mlw_json *doc, long i,
    struct mlw_buf *tmp)
{
	double a, b;

	if (mlw_key_category(tmp, doc, i) < 0)
		return -1;
	if (positive) {
		if (doc->tok[i].type == MLW_JNUM &&
		    mlw_num_strict(positive, &b) == 0 &&
		    mlw_json_num(doc, (uint32_t)i, &a) == 0)
			return a == b;
		return tmp->len == strlen(positive) &&
		    memcmp(tmp->p, positive, tmp->len) == 0;
	}
	if ((tmp->len == 1 && tmp->p[0] == '1') ||
	    (tmp->len == 4 && memcmp(tmp->p, "true", 4) == 0))
		return 1;
	if ((tmp->len == 1 && tmp->p[0] == '0') ||
	    (tmp->len == 5 && memcmp(tmp->p, "false", 5) == 0))
		return 0;
	return -2;
}

void
mlw_bin_init(struct mlw_binacc *a, int bins)
{
	memset(a, 0, sizeof *a);
	a->bins = bins;
	if (bins > 0) {
		a->bpos = mlw_xcalloc((size_t)bins, sizeof *a->bpos);
		a->bneg = mlw_xcalloc((size_t)bins, sizeof *a->bneg);
	}
}

void
mlw_bin_calibration(struct mlw_binacc *a, int cbins, int cstrat)
{
	a->cbins = cbins;
	a->cstrat = cstrat;
	mlw_calbins_init(&a->cal, cbins);
}

/* Whether the scores themselves are kept: for the exact AUCs, or for the
 * quantile edges of the calibration bins. */
static int
keeps(const struct mlw_binacc *a)
{
	return a->bins == 0 || (a->cbins > 0 && a->cstrat ==
	    MLW_CALIB_QUANTILE);
}

void
mlw_bin_clear(struct mlw_binacc *a)
{
	a->tp = a->fp = a->tn = a->fn = a->nscore = 0;
	mlw_xsum_clear(&a->logloss);
	mlw_xsum_clear(&a->brier);
	a->ns = 0;
	if (a->bins > 0) {
		memset(a->bpos, 0, (size_t)a->bins * sizeof *a->bpos);
		memset(a->bneg, 0, (size_t)a->bins * sizeof *a->bneg);
	}
	if (a->cbins > 0)
		mlw_calbins_clear(&a->cal);
}

void
mlw_bin_free(struct mlw_binacc *a)
{
	free(a->s);
	free(a->y);
	free(a->bpos);
	free(a->bneg);
	if (a->cbins > 0)
		mlw_calbins_free(&a->cal);
	memset(a, 0, sizeof *a);
}

void
mlw_bin_add(struct mlw_binacc *a, int label, int pred, int has_score,
    double score)
{
	if (label && pred)
		a->tp++;
	else if (label)
		a->fn++;
	else if (pred)
		a->fp++;
	else
		a->tn++;
	if (!has_score)
		return;
	{
		/* log loss with the score clipped to [eps, 1 - eps], eps
		 * the machine epsilon: scikit-learn 1.2's eps="auto" */
		double p = score < DBL_EPSILON ? DBL_EPSILON :
		    score > 1 - DBL_EPSILON ? 1 - DBL_EPSILON : score;

		mlw_xsum_add(&a->logloss, -(label ? log(p) : log(1 - p)));
		mlw_xsum_add(&a->brier, (score - label) * (score - label));
		a->nscore++;
	}
	if (a->cbins > 0 && a->cstrat == MLW_CALIB_UNIFORM)
		mlw_calbins_add(&a->cal, score, label);
	if (a->bins > 0) {
		/* the nudge keeps a decimal score on a bin edge (0.29 with
		 * 100 bins: 28.999999999999996) in the bin it names */
		long k = (long)floor(score * a->bins + 1e-9);

		if (k < 0)
			k = 0;
		if (k >= a->bins)
			k = a->bins - 1;
		if (label)
			a->bpos[k]++;
		else
			a->bneg[k]++;
	}
	if (!keeps(a))
		return;
	if (a->ns == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 1024;

		a->s = mlw_xrealloc(a->s, nc * sizeof *a->s);
		a->y = mlw_xrealloc(a->y, nc);
		a->cap = nc;
	}
	a->s[a->ns] = score;
	a->y[a->ns++] = (unsigned char)label;
}

/* Sort pairs by score, highest first. */
struct pair {
	double s;
	unsigned char y;
};

static int
pcmp(const void *pa, const void *pb)
{
	double a = ((const struct pair *)pa)->s, b = ((const struct pair *)pb)->s;

	return (a < b) - (a > b);
}

static struct pair *
sorted(const double *s, const unsigned char *y, size_t n)
{
	struct pair *p = mlw_xmalloc((n ? n : 1) * sizeof *p);
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].s = s[i];
		p[i].y = y[i];
	}
	if (n > 1)
		qsort(p, n, sizeof *p, pcmp);
	return p;
}

double
mlw_roc_auc(double *s, unsigned char *y, size_t n)
{
	struct pair *p = sorted(s, y, n);
	uint64_t P = 0, N = 0, tp = 0, fp = 0, ptp = 0, pfp = 0;
	double area = 0;
	size_t i;

	for (i = 0; i < n; i++)
		P += p[i].y;
	N = n - P;
	if (P == 0 || N == 0) {
		free(p);
		return NAN;
	}
	for (i = 0; i < n; i++) {
		tp += p[i].y;
		fp += !p[i].y;
		if (i + 1 < n && p[i + 1].s == p[i].s)
			continue;               /* one point per distinct score */
		area += (double)(fp - pfp) * (double)(tp + ptp) / 2;
		ptp = tp;
		pfp = fp;
	}
	free(p);
	return area / ((double)P * (double)N);
}

double
mlw_average_precision(double *s, unsigned char *y, size_t n)
{
	struct pair *p = sorted(s, y, n);
	uint64_t P = 0, tp = 0, fp = 0;
	double ap = 0, prevr = 0;
	size_t i;

	for (i = 0; i < n; i++)
		P += p[i].y;
	if (P == 0) {
		free(p);
		return NAN;
	}
	for (i = 0; i < n; i++) {
		double r;

		tp += p[i].y;
		fp += !p[i].y;
		if (i + 1 < n && p[i + 1].s == p[i].s)
			continue;
		r = (double)tp / (double)P;
		ap += (r - prevr) * ((double)tp / (double)(tp + fp));
		prevr = r;
	}
	free(p);
	return ap;
}

void
mlw_auc_counts(const uint64_t *pos, const uint64_t *neg, size_t n,
    double *auc, double *ap)
{
	uint64_t P = 0, N = 0, tp = 0, fp = 0;
	double area = 0, prevr = 0, sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		P += pos[i];
		N += neg[i];
	}
	for (i = n; i-- > 0;) {
		uint64_t ntp = tp + pos[i], nfp = fp + neg[i];

		if (pos[i] + neg[i] == 0)
			continue;
		area += (double)(nfp - fp) * (double)(ntp + tp) / 2;
		if (P) {
			double r = (double)ntp / (double)P;

			sum += (r - prevr) * ((double)ntp / (double)(ntp + nfp));
			prevr = r;
		}
		tp = ntp;
		fp = nfp;
	}
	*auc = P && N ? area / ((double)P * (double)N) : NAN;
	*ap = P ? sum : NAN;
}

/* AUCs from counts per score bin (--auc-bins). */
static void
binned(const struct mlw_binacc *a, double *auc, double *ap)
{
	mlw_auc_counts(a->bpos, a->bneg, (size_t)a->bins, auc, ap);
}

static double
ratio(double a, double b)
{
	return b == 0 ? NAN : a / b;
}

static void
num(struct mlw_buf *b, const char *k, double v)
{
	mlw_jw_key(b, k);
	mlw_jw_num(b, v);               /* NaN and infinities: null */
}

/* The reliability diagram's members (quantile edges made from the kept
 * scores first). */
static void
calibration(struct mlw_buf *b, struct mlw_binacc *a)
{
	struct mlw_calbins *c = &a->cal;
	double ece, mce;
	size_t i;
	int k;

	if (a->cstrat == MLW_CALIB_QUANTILE) {
		mlw_calbins_clear(c);
		if (a->ns > 0) {
			double *s = mlw_xmalloc(a->ns * sizeof *s);

			memcpy(s, a->s, a->ns * sizeof *s);
			mlw_sort_doubles(s, a->ns);
			mlw_calbins_quantile(c, s, a->ns);
			free(s);
			for (i = 0; i < a->ns; i++)
				mlw_calbins_add(c, a->s[i], a->y[i]);
		}
	}
	ece = mlw_calbins_ece(c, &mce);
	num(b, "calibration_error", ece);
	num(b, "max_calibration_error", mce);
	mlw_jw_key(b, "calibration_bins");
	mlw_jw_open(b, '[');
	for (k = 0; k < c->nbins; k++) {
		double n = (double)c->n[k];

		if (c->n[k] == 0)
			continue;
		mlw_jw_sep(b);
		mlw_jw_open(b, '{');
		num(b, "lower", c->edge[k]);
		num(b, "upper", c->edge[k + 1]);
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, c->n[k]);
		mlw_jw_key(b, "positives");
		mlw_jw_uint(b, c->pos[k]);
		num(b, "mean_predicted", mlw_xsum_value(&c->sum[k]) / n);
		num(b, "fraction_positive", (double)c->pos[k] / n);
		mlw_jw_close(b, '}');
	}
	mlw_jw_close(b, ']');
}

/* The curves' points: one per distinct score (or nonempty bin), from the
 * highest, with the positives and negatives at or above it. */
struct cpt {
	double t;
	uint64_t tp, fp;
};

static size_t
curve_points(const struct mlw_binacc *a, struct cpt **out)
{
	size_t n = 0, i;
	uint64_t tp = 0, fp = 0;
	struct cpt *c;

	if (a->bins > 0) {
		c = mlw_xmalloc((size_t)a->bins * sizeof *c);
		for (i = (size_t)a->bins; i-- > 0;) {
			if (a->bpos[i] + a->bneg[i] == 0)
				continue;
			tp += a->bpos[i];
			fp += a->bneg[i];
			c[n].t = (double)i / a->bins;
			c[n].tp = tp;
			c[n++].fp = fp;
		}
	} else {
		struct pair *p = sorted(a->s, a->y, a->ns);

		c = mlw_xmalloc((a->ns ? a->ns : 1) * sizeof *c);
		for (i = 0; i < a->ns; i++) {
			tp += p[i].y;
			fp += !p[i].y;
			if (i + 1 < a->ns && p[i + 1].s == p[i].s)
				continue;
			c[n].t = p[i].s;
			c[n].tp = tp;
			c[n++].fp = fp;
		}
		free(p);
	}
	*out = c;
	return n;
}

/* Member name: {"threshold": t, xn: x, yn: y}, n points each. */
static void
curve(struct mlw_buf *b, const char *name, const char *xn, const char *yn,
    const double *t, const double *x, const double *y, size_t n)
{
	mlw_jw_key(b, name);
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "threshold");
	mlw_jw_nums(b, t, n);
	mlw_jw_key(b, xn);
	mlw_jw_nums(b, x, n);
	mlw_jw_key(b, yn);
	mlw_jw_nums(b, y, n);
	mlw_jw_close(b, '}');
}

static void
curves(struct mlw_buf *b, const struct mlw_binacc *a)
{
	struct cpt *c;
	size_t n = curve_points(a, &c), i, k = 0;
	double P = n ? (double)c[n - 1].tp : 0, N = n ? (double)c[n - 1].fp : 0;
	double *t = mlw_xmalloc((n ? n : 1) * sizeof *t);
	double *x = mlw_xmalloc((n ? n : 1) * sizeof *x);
	double *y = mlw_xmalloc((n ? n : 1) * sizeof *y);

	/* ROC: a point stays unless both its neighbours are on one line with
	 * it in both counts (scikit-learn's drop_intermediate) */
	for (i = 0; i < n; i++) {
		if (i > 0 && i + 1 < n &&
		    c[i + 1].fp - c[i].fp == c[i].fp - c[i - 1].fp &&
		    c[i + 1].tp - c[i].tp == c[i].tp - c[i - 1].tp)
			continue;
		t[k] = c[i].t;
		x[k] = N > 0 ? (double)c[i].fp / N : NAN;
		y[k++] = P > 0 ? (double)c[i].tp / P : NAN;
	}
	curve(b, "roc_curve", "fpr", "tpr", t, x, y, k);
	for (i = 0; i < n; i++) {
		t[i] = c[i].t;
		x[i] = (double)c[i].tp / (double)(c[i].tp + c[i].fp);
		y[i] = P > 0 ? (double)c[i].tp / P : NAN;
	}
	curve(b, "pr_curve", "precision", "recall", t, x, y, n);
	free(c);
	free(t);
	free(x);
	free(y);
}

void
mlw_bin_write(struct mlw_buf *b, struct mlw_binacc *a, int scores)
{
	double tp = (double)a->tp, fp = (double)a->fp, tn = (double)a->tn;
	double fn = (double)a->fn, n = tp + fp + tn + fn;
	double prec = ratio(tp, tp + fp), rec = ratio(tp, tp + fn);
	double spec = ratio(tn, tn + fp);
	double mccd = sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));

	mlw_jw_key(b, "positives");
	mlw_jw_uint(b, a->tp + a->fn);
	mlw_jw_key(b, "tp");
	mlw_jw_uint(b, a->tp);
	mlw_jw_key(b, "fp");
	mlw_jw_uint(b, a->fp);
	mlw_jw_key(b, "tn");
	mlw_jw_uint(b, a->tn);
	mlw_jw_key(b, "fn");
	mlw_jw_uint(b, a->fn);
	num(b, "accuracy", ratio(tp + tn, n));
	num(b, "precision", prec);
	num(b, "recall", rec);
	/* as scikit-learn: 2PR/(P+R) when both are defined */
	num(b, "f1", !isnan(prec) && !isnan(rec) && prec + rec > 0 ?
	    2 * prec * rec / (prec + rec) : ratio(2 * tp, 2 * tp + fp + fn));
	num(b, "fpr", ratio(fp, fp + tn));
	num(b, "specificity", spec);
	/* scikit-learn averages the recall of the classes present */
	num(b, "balanced_accuracy", isnan(rec) ? spec : isnan(spec) ? rec :
	    (rec + spec) / 2);
	num(b, "mcc", ratio(tp * tn - fp * fn, mccd));
	if (!scores)
		return;
	{
		double auc, ap;

		if (a->bins > 0)
			binned(a, &auc, &ap);
		else {
			auc = mlw_roc_auc(a->s, a->y, a->ns);
			ap = mlw_average_precision(a->s, a->y, a->ns);
		}
		num(b, "roc_auc", auc);
		num(b, "pr_auc", ap);
		num(b, "log_loss", ratio(mlw_xsum_value(&a->logloss),
		    (double)a->nscore));
		num(b, "brier", ratio(mlw_xsum_value(&a->brier),
		    (double)a->nscore));
		if (a->cbins > 0)
			calibration(b, a);
		if (a->curves)
			curves(b, a);
	}
}

static void
counts(struct mlw_buf *b, const char *k, const uint64_t *c, int n)
{
	mlw_jw_key(b, k);
	mlw_jw_uints(b, c, (size_t)n);
}

static void
xsum(struct mlw_buf *b, const char *k, const struct mlw_xsum *s)
{
	mlw_jw_key(b, k);
	mlw_xsum_write(b, s);
}

void
mlw_bin_state_write(struct mlw_buf *b, const struct mlw_binacc *a)
{
	mlw_jw_key(b, "tp");
	mlw_jw_uint(b, a->tp);
	mlw_jw_key(b, "fp");
	mlw_jw_uint(b, a->fp);
	mlw_jw_key(b, "tn");
	mlw_jw_uint(b, a->tn);
	mlw_jw_key(b, "fn");
	mlw_jw_uint(b, a->fn);
	mlw_jw_key(b, "nscore");
	mlw_jw_uint(b, a->nscore);
	xsum(b, "log_loss_sum", &a->logloss);
	xsum(b, "brier_sum", &a->brier);
	if (a->bins > 0) {
		counts(b, "auc_pos", a->bpos, a->bins);
		counts(b, "auc_neg", a->bneg, a->bins);
	}
	if (a->cbins > 0) {
		int k;

		counts(b, "calibration_n", a->cal.n, a->cbins);
		counts(b, "calibration_positives", a->cal.pos, a->cbins);
		mlw_jw_key(b, "calibration_sums");
		mlw_jw_open(b, '[');
		for (k = 0; k < a->cbins; k++) {
			mlw_jw_sep(b);
			mlw_xsum_write(b, &a->cal.sum[k]);
		}
		mlw_jw_close(b, ']');
	}
}

/* The uniform calibration bins of a state, read into c (2 * cbins
 * counts) and s (cbins sums): 0, or -1 when they are not
 * --calibration-bins counts and sums. */
static int
calib_read(const struct mlw_binacc *a, const struct mlw_json *doc,
    uint64_t *c, struct mlw_xsum *s)
{
	size_t nb = (size_t)a->cbins, k = 0;
	long si = mlw_state_member(doc, "calibration_sums");
	uint32_t j;

	if (mlw_state_u64s(doc, mlw_state_member(doc, "calibration_n"), c,
	    nb) < 0 || mlw_state_u64s(doc, mlw_state_member(doc,
	    "calibration_positives"), c + nb, nb) < 0 || si < 0 ||
	    doc->tok[si].type != MLW_JARR)
		return -1;
	for (j = (uint32_t)si + 1; j < doc->tok[si].next; j = doc->tok[j].next)
		if (k == nb || mlw_xsum_read(&s[k++], doc, (long)j) < 0)
			return -1;
	if (k != nb)
		return -1;
	for (k = 0; k < nb; k++)
		if (c[nb + k] > c[k])
			return -1;      /* more positives than probabilities */
	return 0;
}

static int
get_u64(const struct mlw_json *doc, const char *k, uint64_t *v)
{
	uint64_t x;

	if (mlw_state_u64(doc, mlw_state_member(doc, k), &x) < 0)
		return -1;
	*v += x;
	return 0;
}

static int
get_xsum(const struct mlw_json *doc, const char *k, struct mlw_xsum *s)
{
	return mlw_xsum_read(s, doc, mlw_state_member(doc, k));
}

int
mlw_bin_state_read(struct mlw_binacc *a, const struct mlw_json *doc,
    const char **why)
{
	struct mlw_binacc t;
	uint64_t *cc = NULL;
	struct mlw_xsum *cs = NULL;
	int i;

	memset(&t, 0, sizeof t);
	if (get_u64(doc, "tp", &t.tp) < 0 || get_u64(doc, "fp", &t.fp) < 0 ||
	    get_u64(doc, "tn", &t.tn) < 0 || get_u64(doc, "fn", &t.fn) < 0 ||
	    get_u64(doc, "nscore", &t.nscore) < 0 ||
	    get_xsum(doc, "log_loss_sum", &t.logloss) < 0 ||
	    get_xsum(doc, "brier_sum", &t.brier) < 0) {
		*why = "expected the counts tp, fp, tn, fn, nscore and the sums "
		    "log_loss_sum, brier_sum";
		return -1;
	}
	if (a->cbins > 0) {
		cc = mlw_xmalloc(2 * (size_t)a->cbins * sizeof *cc);
		cs = mlw_xcalloc((size_t)a->cbins, sizeof *cs);
		if (calib_read(a, doc, cc, cs) < 0) {
			free(cc);
			free(cs);
			*why = "expected calibration_n and calibration_positives, "
			    "arrays of --calibration-bins counts, and "
			    "calibration_sums, an array of as many exact sums";
			return -1;
		}
	}
	if (a->bins > 0) {
		uint64_t *c = mlw_xmalloc(2 * (size_t)a->bins * sizeof *c);

		if (mlw_state_u64s(doc, mlw_state_member(doc, "auc_pos"), c,
		    (size_t)a->bins) < 0 || mlw_state_u64s(doc,
		    mlw_state_member(doc, "auc_neg"), c + a->bins,
		    (size_t)a->bins) < 0) {
			free(c);
			free(cc);
			free(cs);
			*why = "expected auc_pos and auc_neg, arrays of "
			    "--auc-bins counts";
			return -1;
		}
		for (i = 0; i < a->bins; i++) {
			a->bpos[i] += c[i];
			a->bneg[i] += c[a->bins + i];
		}
		free(c);
	}
	for (i = 0; i < a->cbins; i++) {
		a->cal.n[i] += cc[i];
		a->cal.pos[i] += cc[a->cbins + i];
		mlw_xsum_merge(&a->cal.sum[i], &cs[i]);
	}
	free(cc);
	free(cs);
	a->tp += t.tp;
	a->fp += t.fp;
	a->tn += t.tn;
	a->fn += t.fn;
	a->nscore += t.nscore;
	mlw_xsum_merge(&a->logloss, &t.logloss);
	mlw_xsum_merge(&a->brier, &t.brier);
	return 0;
}

/* ---------- multiclass ---------- */

void
mlw_mc_clear(struct mlw_mcacc *a)
{
	mlw_strmap_free(&a->names);
	if (a->cm)
		memset(a->cm, 0, a->cap * a->cap * sizeof *a->cm);
	a->n = 0;
	a->text = 0;
}

void
mlw_mc_free(struct mlw_mcacc *a)
{
	mlw_strmap_free(&a->names);
	free(a->cm);
	memset(a, 0, sizeof *a);
}

static size_t
mc_class(struct mlw_mcacc *a, const char *s, size_t len)
{
	size_t k = mlw_strmap_add(&a->names, s, len);

	if (k >= a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 8, i;
		uint64_t *m;

		while (nc <= k)
			nc *= 2;
		m = mlw_xcalloc(nc * nc, sizeof *m);
		for (i = 0; i < a->cap; i++)
			memcpy(m + i * nc, a->cm + i * a->cap, a->cap * sizeof *m);
		free(a->cm);
		a->cm = m;
		a->cap = nc;
	}
	return k;
}

static int
mc_add(struct mlw_mcacc *a, const char *label, size_t llen,
    const char *pred, size_t plen, uint64_t count)
{
	size_t t, p, fresh = 0;

	fresh += mlw_strmap_find(&a->names, label, llen) < 0;
	fresh += (plen != llen || memcmp(label, pred, llen) != 0) &&
	    mlw_strmap_find(&a->names, pred, plen) < 0;
	if (a->names.n + fresh > MLW_MC_MAX)
		return -1;
	t = mc_class(a, label, llen);
	p = mc_class(a, pred, plen);
	a->cm[t * a->cap + p] += count;
	a->n += count;
	return 0;
}

int
mlw_mc_add(struct mlw_mcacc *a, const char *label, size_t llen,
    const char *pred, size_t plen, int numeric)
{
	if (mc_add(a, label, llen, pred, plen, 1) < 0)
		return -1;
	if (!numeric)
		a->text = 1;
	return 0;
}

void
mlw_mc_state_write(struct mlw_buf *b, const struct mlw_mcacc *a)
{
	size_t i, j, k = a->names.n;

	mlw_jw_key(b, "text");
	mlw_buf_adds(b, a->text ? "true" : "false");
	mlw_jw_key(b, "cells");
	mlw_jw_open(b, '[');
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			uint64_t c = a->cm[i * a->cap + j];

			if (c == 0)
				continue;
			mlw_jw_sep(b);
			mlw_jw_open(b, '[');
			mlw_jw_sep(b);
			mlw_jw_str(b, a->names.ent[i].s, a->names.ent[i].len);
			mlw_jw_sep(b);
			mlw_jw_str(b, a->names.ent[j].s, a->names.ent[j].len);
			mlw_jw_sep(b);
			mlw_jw_uint(b, c);
			mlw_jw_close(b, ']');
		}
	mlw_jw_close(b, ']');
}

int
mlw_mc_state_read(struct mlw_mcacc *a, const struct mlw_json *doc,
    const char **why)
{
	long t = mlw_state_member(doc, "text"), c = mlw_state_member(doc, "cells");
	static struct mlw_buf l, p;
	uint32_t i;

	*why = "expected text, true or false, and cells, an array of "
	    "[label, prediction, count]";
	if (t < 0 || (doc->tok[t].type != MLW_JTRUE &&
	    doc->tok[t].type != MLW_JFALSE) || c < 0 ||
	    doc->tok[c].type != MLW_JARR)
		return -1;
	/* check everything before adding anything */
	for (i = (uint32_t)c + 1; i < doc->tok[c].next; i = doc->tok[i].next) {
		uint32_t x = i + 1, y;
		uint64_t n;

		if (doc->tok[i].type != MLW_JARR || x >= doc->tok[i].next ||
		    doc->tok[x].type != MLW_JSTR ||
		    (y = doc->tok[x].next) >= doc->tok[i].next ||
		    doc->tok[y].type != MLW_JSTR ||
		    doc->tok[y].next >= doc->tok[i].next ||
		    mlw_state_u64(doc, (long)doc->tok[y].next, &n) < 0 ||
		    doc->tok[doc->tok[y].next].next != doc->tok[i].next)
			return -1;
	}
	for (i = (uint32_t)c + 1; i < doc->tok[c].next; i = doc->tok[i].next) {
		uint32_t x = i + 1, y = doc->tok[x].next;
		uint64_t n;

		mlw_buf_reserve(&l, doc->tok[x].len);
		l.len = mlw_json_str(doc, x, l.p, doc->tok[x].len);
		mlw_buf_reserve(&p, doc->tok[y].len);
		p.len = mlw_json_str(doc, y, p.p, doc->tok[y].len);
		mlw_state_u64(doc, (long)doc->tok[y].next, &n);
		if (mc_add(a, l.p, l.len, p.p, p.len, n) < 0) {
			*why = "more classes than mlw-metrics takes";
			return -1;
		}
	}
	if (doc->tok[t].type == MLW_JTRUE)
		a->text = 1;
	return 0;
}

static const struct mlw_strmap *order_names;

/* scikit-learn sorts the labels: numerically when all are numbers. */
static int allnum;

static int
ocmp(const void *pa, const void *pb)
{
	const struct mlw_strent *a = &order_names->ent[*(const size_t *)pa];
	const struct mlw_strent *b = &order_names->ent[*(const size_t *)pb];
	int r;

	if (allnum) {
		double x = strtod(a->s, NULL), y = strtod(b->s, NULL);

		if (x != y)
			return (x > y) - (x < y);
	}
	r = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
	return r ? r : (a->len > b->len) - (a->len < b->len);
}

void
mlw_mc_write(struct mlw_buf *b, struct mlw_mcacc *a)
{
	size_t k = a->names.n, i, j,
	    *ord = mlw_xmalloc((k ? k : 1) * sizeof *ord);
	double correct = 0, mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;

	allnum = !a->text;
	for (i = 0; i < k; i++)
		ord[i] = i;
	order_names = &a->names;
	if (k > 1)
		qsort(ord, k, sizeof *ord, ocmp);
	/* per class precision, recall, F1; 0 where undefined, as
	 * scikit-learn's zero_division default does inside averages */
	for (i = 0; i < k; i++) {
		size_t c = ord[i];
		double tp = (double)a->cm[c * a->cap + c], pc = 0, tc = 0;
		double p, r, f;

		for (j = 0; j < k; j++) {
			pc += (double)a->cm[j * a->cap + c];
			tc += (double)a->cm[c * a->cap + j];
		}
		p = pc ? tp / pc : 0;
		r = tc ? tp / tc : 0;
		f = p + r ? 2 * p * r / (p + r) : 0;
		correct += tp;
		mp += p;
		mr += r;
		mf += f;
		wp += p * tc;
		wr += r * tc;
		wf += f * tc;
	}
	num(b, "accuracy", ratio(correct, (double)a->n));
	num(b, "precision_macro", ratio(mp, (double)k));
	num(b, "recall_macro", ratio(mr, (double)k));
	num(b, "f1_macro", ratio(mf, (double)k));
	/* micro averages equal accuracy when every record has one label */
	num(b, "precision_micro", ratio(correct, (double)a->n));
	num(b, "recall_micro", ratio(correct, (double)a->n));
	num(b, "f1_micro", ratio(correct, (double)a->n));
	num(b, "precision_weighted", ratio(wp, (double)a->n));
	num(b, "recall_weighted", ratio(wr, (double)a->n));
	num(b, "f1_weighted", ratio(wf, (double)a->n));
	mlw_jw_key(b, "labels");
	mlw_jw_open(b, '[');
	for (i = 0; i < k; i++) {
		mlw_jw_sep(b);
		mlw_jw_str(b, a->names.ent[ord[i]].s, a->names.ent[ord[i]].len);
	}
	mlw_jw_close(b, ']');
	mlw_jw_key(b, "confusion_matrix");
	mlw_jw_open(b, '[');
	for (i = 0; i < k; i++) {
		mlw_jw_sep(b);
		mlw_jw_open(b, '[');
		for (j = 0; j < k; j++) {
			mlw_jw_sep(b);
			mlw_jw_uint(b, a->cm[ord[i] * a->cap + ord[j]]);
		}
		mlw_jw_close(b, ']');
	}
	mlw_jw_close(b, ']');
	free(ord);
}

/* ---------- regression ---------- */

void
mlw_reg_clear(struct mlw_regacc *a)
{
	memset(a, 0, sizeof *a);
}

void
mlw_reg_add(struct mlw_regacc *a, double y, double p)
{
	double e = p - y, ae = fabs(e);

	a->n++;
	mlw_xsum_add(&a->sae, ae);
	mlw_xsum_add(&a->sse, e * e);
	/* scikit-learn's MAPE: |y - p| / max(|y|, machine epsilon) */
	mlw_xsum_add(&a->sape, ae / (fabs(y) > DBL_EPSILON ? fabs(y) :
	    DBL_EPSILON));
	mlw_xsum_add(&a->se, e);
	mlw_xsum_add(&a->sy, y);
	mlw_xsum_add_product(&a->sy2, y, y);
	if (ae > a->maxe)
		a->maxe = ae;
}

/* The sum of squared deviations of the labels from their mean,
 * (n*sum(y^2) - sum(y)^2) / n, the numerator computed exactly and rounded
 * once: NaN when it cannot be. */
static double
label_ss(const struct mlw_regacc *a)
{
	static struct mlw_xsum d;
	double y[MLW_XSUM_LIMBS], y2[MLW_XSUM_LIMBS], n = (double)a->n;
	int ny = mlw_xsum_terms(&a->sy, y), ny2 = mlw_xsum_terms(&a->sy2, y2);
	int i, j;

	if (ny < 0 || ny2 < 0)
		return NAN;
	mlw_xsum_clear(&d);
	for (i = 0; i < ny2; i++)
		mlw_xsum_add_product(&d, n, y2[i]);
	for (i = 0; i < ny; i++)
		for (j = 0; j < ny; j++)
			mlw_xsum_add_product(&d, -y[i], y[j]);
	return mlw_xsum_value(&d) / n;
}

void
mlw_reg_write(struct mlw_buf *b, const struct mlw_regacc *a)
{
	double n = (double)a->n, r2, sse = mlw_xsum_value(&a->sse), ss;

	num(b, "mae", ratio(mlw_xsum_value(&a->sae), n));
	num(b, "mse", ratio(sse, n));
	num(b, "rmse", a->n ? sqrt(sse / n) : NAN);
	num(b, "mape", ratio(mlw_xsum_value(&a->sape), n));
	/* as scikit-learn with force_finite: a constant label gives 1 for a
	 * perfect fit and 0 otherwise */
	if (a->n == 0)
		r2 = NAN;
	else if (sse == 0)
		r2 = 1;         /* a perfect fit, even when the labels' spread
				 * is too large for a double */
	else if ((ss = label_ss(a)) == 0)
		r2 = 0;
	else
		r2 = 1 - sse / ss;
	num(b, "r2", r2);
	num(b, "mean_error", ratio(mlw_xsum_value(&a->se), n));
	num(b, "max_error", a->n ? a->maxe : NAN);
}

void
mlw_reg_state_write(struct mlw_buf *b, const struct mlw_regacc *a)
{
	xsum(b, "sum_abs", &a->sae);
	xsum(b, "sum_sq", &a->sse);
	xsum(b, "sum_ape", &a->sape);
	xsum(b, "sum_err", &a->se);
	xsum(b, "sum_y", &a->sy);
	xsum(b, "sum_y2", &a->sy2);
	num(b, "max_abs", a->maxe);
}

int
mlw_reg_state_read(struct mlw_regacc *a, const struct mlw_json *doc,
    const char **why)
{
	static struct mlw_regacc t;
	long m = mlw_state_member(doc, "max_abs");
	double mx;

	mlw_reg_clear(&t);
	if (get_u64(doc, "n", &t.n) < 0 ||
	    get_xsum(doc, "sum_abs", &t.sae) < 0 ||
	    get_xsum(doc, "sum_sq", &t.sse) < 0 ||
	    get_xsum(doc, "sum_ape", &t.sape) < 0 ||
	    get_xsum(doc, "sum_err", &t.se) < 0 ||
	    get_xsum(doc, "sum_y", &t.sy) < 0 ||
	    get_xsum(doc, "sum_y2", &t.sy2) < 0 || m < 0 ||
	    doc->tok[m].type != MLW_JNUM ||
	    mlw_json_num(doc, (uint32_t)m, &mx) < 0) {
		*why = "expected n, the sums sum_abs, sum_sq, sum_ape, sum_err, "
		    "sum_y, sum_y2 and max_abs, a number";
		return -1;
	}
	a->n += t.n;
	mlw_xsum_merge(&a->sae, &t.sae);
	mlw_xsum_merge(&a->sse, &t.sse);
	mlw_xsum_merge(&a->sape, &t.sape);
	mlw_xsum_merge(&a->se, &t.se);
	mlw_xsum_merge(&a->sy, &t.sy);
	mlw_xsum_merge(&a->sy2, &t.sy2);
	if (mx > a->maxe)
		a->maxe = mx;
	return 0;
}
