#include "estimate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calib.h"
#include "diag.h"
#include "hash.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "metrics.h"
#include "opt.h"
#include "out.h"
#include "seg.h"
#include "state.h"
#include "stats.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"
#include "xsum.h"

#define PROG "mlw-estimate"
#define GRID 8192.0               /* beyond MLW_EST_EXACT values */
#define RANGE 3                   /* NannyML's SAMPLING_ERROR_RANGE */

/* ---------------- values and their counts ---------------- */

/* Distinct values with two counts each (for the estimate: c0 the
 * records; for the realized AUC: c0 the negatives, c1 the positives). */
struct ptab {
	double *v;
	uint64_t *c0, *c1;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;
	int coarse;                   /* values rounded to 1 / GRID */
};

static uint64_t
vhash(double v)
{
	return mlw_hash_double(MLW_HASH_INIT, v == 0 ? 0 : v);
}

static void
pt_free(struct ptab *t)
{
	free(t->v);
	free(t->c0);
	free(t->c1);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static void pt_add(struct ptab *t, double v, uint64_t a, uint64_t b);

static void
pt_rehash(struct ptab *t, size_t nslot)
{
	size_t i;

	free(t->slot);
	t->nslot = nslot;
	t->slot = mlw_xcalloc(nslot, sizeof *t->slot);
	for (i = 0; i < t->n; i++) {
		size_t h = (size_t)vhash(t->v[i]) & (nslot - 1);

		while (t->slot[h])
			h = (h + 1) & (nslot - 1);
		t->slot[h] = (uint32_t)i + 1;
	}
}

static void
pt_coarsen(struct ptab *t)
{
	struct ptab old = *t;
	size_t i;

	memset(t, 0, sizeof *t);
	t->coarse = 1;
	for (i = 0; i < old.n; i++)
		pt_add(t, old.v[i], old.c0[i], old.c1[i]);
	pt_free(&old);
}

static void
pt_add(struct ptab *t, double v, uint64_t a, uint64_t b)
{
	size_t h;

	if (v == 0)
		v = 0;                /* -0 and 0 are one value */
	if (t->coarse)
		v = round(v * GRID) / GRID;
	if (t->nslot == 0)
		pt_rehash(t, 64);
	h = (size_t)vhash(v) & (t->nslot - 1);
	while (t->slot[h]) {
		size_t i = t->slot[h] - 1;

		if (t->v[i] == v) {
			t->c0[i] += a;
			t->c1[i] += b;
			return;
		}
		h = (h + 1) & (t->nslot - 1);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = mlw_xrealloc(t->v, t->cap * sizeof *t->v);
		t->c0 = mlw_xrealloc(t->c0, t->cap * sizeof *t->c0);
		t->c1 = mlw_xrealloc(t->c1, t->cap * sizeof *t->c1);
	}
	t->v[t->n] = v;
	t->c0[t->n] = a;
	t->c1[t->n] = b;
	t->slot[h] = (uint32_t)++t->n;
	if (2 * t->n > t->nslot)
		pt_rehash(t, 2 * t->nslot);
	if (!t->coarse && t->n > MLW_EST_EXACT)
		pt_coarsen(t);
}

static const struct ptab *sort_t;

static int
by_value(const void *a, const void *b)
{
	double x = sort_t->v[*(const size_t *)a], y = sort_t->v[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/* The indices of t's values in increasing order (free them). */
static size_t *
pt_sorted(const struct ptab *t)
{
	size_t *ix = mlw_xcalloc(t->n ? t->n : 1, sizeof *ix), i;

	for (i = 0; i < t->n; i++)
		ix[i] = i;
	sort_t = t;
	qsort(ix, t->n, sizeof *ix, by_value);
	return ix;
}

/* NannyML's estimate_roc_auc over the calibrated probabilities (each
 * value v with count c): thresholds the sorted probabilities and 1; at
 * the first of each distinct threshold t, TP and FP the sums of p and
 * 1 - p from it upwards, FN and TN those below it; the trapezoidal area
 * under (FPR, TPR). And the average precision from the same expected
 * counts, as sklearn's average_precision_score defines it. */
static void
est_auc(const struct ptab *t, double *auc, double *ap)
{
	size_t *ix = pt_sorted(t), i, k = t->n;
	double *tp = mlw_xcalloc(k + 2, sizeof *tp), *fp = mlw_xcalloc(k + 2,
	    sizeof *fp), *fn = mlw_xcalloc(k + 2, sizeof *fn);
	double *tn = mlw_xcalloc(k + 2, sizeof *tn), sp = 0, sq = 0, area = 0;
	double ptpr = 0, pfpr = 0, sum = 0, prevr = 0, allp;
	size_t m;
	int last1 = k > 0 && t->v[ix[k - 1]] == 1;

	*auc = *ap = NAN;
	if (k == 0) {
		free(ix);
		goto out;
	}
	/* the points: each distinct value, then 1 unless the largest is 1;
	 * suffix sums from the top (the appended 1 is a p of 1) */
	m = last1 ? k : k + 1;
	sp = 1;
	sq = 0;
	if (!last1) {
		tp[k] = 1;
		fp[k] = 0;
	}
	for (i = k; i-- > 0;) {
		double v = t->v[ix[i]], c = (double)t->c0[ix[i]];

		sp += v * c;
		sq += (1 - v) * c;
		tp[i] = sp;
		fp[i] = sq;
	}
	sp = sq = 0;
	for (i = 0; i < m; i++) {
		fn[i] = sp;
		tn[i] = sq;
		if (i < k) {
			sp += t->v[ix[i]] * (double)t->c0[ix[i]];
			sq += (1 - t->v[ix[i]]) * (double)t->c0[ix[i]];
		}
	}
	for (i = 0; i < m; i++) {
		double tpr = tp[i] / (tp[i] + fn[i]);
		double fpr = fp[i] / (fp[i] + tn[i]);

		if (i > 0)
			area += (pfpr - fpr) * (tpr + ptpr) / 2;
		ptpr = tpr;
		pfpr = fpr;
	}
	*auc = area;
	/* average precision: thresholds from the highest value down */
	allp = 0;
	for (i = 0; i < k; i++)
		allp += t->v[ix[i]] * (double)t->c0[ix[i]];
	if (allp > 0) {
		double etp = 0, efp = 0;

		for (i = k; i-- > 0;) {
			double v = t->v[ix[i]], c = (double)t->c0[ix[i]], r;

			etp += v * c;
			efp += (1 - v) * c;
			r = etp / allp;
			sum += (r - prevr) * (etp / (etp + efp));
			prevr = r;
		}
		*ap = sum;
	}
	free(ix);
out:
	free(tp);
	free(fp);
	free(fn);
	free(tn);
}

/* sklearn's roc_auc_score and average_precision_score from the raw
 * scores of the labelled records. */
static void
real_auc(const struct ptab *t, double *auc, double *ap)
{
	size_t *ix = pt_sorted(t), i;
	uint64_t *pos = mlw_xcalloc(t->n ? t->n : 1, sizeof *pos);
	uint64_t *neg = mlw_xcalloc(t->n ? t->n : 1, sizeof *neg);

	for (i = 0; i < t->n; i++) {
		neg[i] = t->c0[ix[i]];
		pos[i] = t->c1[ix[i]];
	}
	mlw_auc_counts(pos, neg, t->n, auc, ap);
	free(ix);
	free(pos);
	free(neg);
}

/* ---------------- windows ---------------- */

/* One class in one window (binary: the positive class). */
struct ecls {
	uint64_t npred;               /* records predicted as the class */
	struct mlw_xsum sp_pred;      /* sum of p over those */
	struct mlw_xsum sp_other;     /* over the others */
	struct ptab est, real;
};

struct cell {
	uint64_t n, nlab;
	uint64_t *cm;                 /* [label * K2 + pred], labelled */
	struct ecls *c;
};

/* The metrics, each with how its sampling error is known. */
enum {
	M_ACC, M_PREC, M_REC, M_SPEC, M_F1, M_AUC, M_AP,
	M_WPREC, M_WREC, M_WF1, M_TP, M_FP, M_FN, M_TN, NM
};
static const char *const mname[NM] = {
	"accuracy", "precision", "recall", "specificity", "f1", "roc_auc",
	"average_precision", "weighted_precision", "weighted_recall",
	"weighted_f1", "true_positive", "false_positive", "false_negative",
	"true_negative"
};

/* Whether metric m is estimated: multiclass, up to the weighted means;
 * binary, all but those, with the confusion matrix. */
static int
metric_of(int multi, int m)
{
	return multi ? m <= M_WF1 : m < M_WPREC || m >= M_TP;
}

struct mfit {
	double se_a, se_b;            /* SE(n) = se_a / sqrt(n se_b) */
	double lo, hi;                /* alert thresholds */
};

struct rec {
	double s[MLW_EST_MAX_CLASSES];
	int pred, label;              /* class numbers; label -1: none */
};

struct mlw_est {
	struct mlw_est_opts o;
	struct mlw_seg *seg;
	size_t K;                     /* classes scored (binary: 1) */
	size_t K2;                    /* rows of the confusion matrix */
	int multi;
	struct mlw_path *spath, ppath, lpath;
	int has_pred;
	struct mlw_iso *cal;          /* per class */
	int *calibrated;
	struct mlw_strmap cls;        /* multiclass: class names */
	int metric_on[NM];
	struct mfit fit[NM];
	uint64_t refn, chunk, nchunks;
	struct mlw_buf out, tmp, model;
	uint64_t hash;
	uint64_t noscore;
	char **own;                   /* strings read from --model */
	size_t nown;
	char **classes, **scores;     /* from --model */
	struct mlw_segcells cells;
};

static void
cell_init(struct mlw_est *e, struct cell *c)
{
	if (c->c)
		return;
	c->c = mlw_xcalloc(e->K, sizeof *c->c);
	c->cm = mlw_xcalloc(e->K2 * e->K2, sizeof *c->cm);
}

static void
cell_free(struct mlw_est *e, struct cell *c)
{
	size_t k;

	if (c->c)
		for (k = 0; k < e->K; k++) {
			pt_free(&c->c[k].est);
			pt_free(&c->c[k].real);
		}
	free(c->c);
	free(c->cm);
	memset(c, 0, sizeof *c);
}

/* The calibrated probabilities of a record (multiclass: normalized to sum
 * 1, uniform when they sum to 0, as NannyML does). */
static void
probs(const struct mlw_est *e, const struct rec *r, double *p)
{
	double sum = 0;
	size_t k;

	for (k = 0; k < e->K; k++) {
		p[k] = e->calibrated[k] ? mlw_iso_predict(&e->cal[k], r->s[k]) :
		    r->s[k];
		sum += p[k];
	}
	if (!e->multi)
		return;
	for (k = 0; k < e->K; k++)
		p[k] = sum != 0 ? p[k] / sum : 1.0 / (double)e->K;
}

static void
count(struct mlw_est *e, struct cell *c, const struct rec *r)
{
	double p[MLW_EST_MAX_CLASSES];
	size_t k;

	cell_init(e, c);
	probs(e, r, p);
	c->n++;
	for (k = 0; k < e->K; k++) {
		struct ecls *q = &c->c[k];
		int is = e->multi ? r->pred == (int)k : r->pred == 1;

		if (is) {
			q->npred++;
			mlw_xsum_add(&q->sp_pred, p[k]);
		} else
			mlw_xsum_add(&q->sp_other, p[k]);
		pt_add(&q->est, p[k], 1, 0);
		if (r->label >= 0) {
			int y = e->multi ? r->label == (int)k : r->label == 1;

			pt_add(&q->real, r->s[k], !y, y);
		}
	}
	if (r->label >= 0) {
		c->nlab++;
		c->cm[(size_t)r->label * e->K2 + (size_t)r->pred]++;
	}
}

/* ---------------- metrics of a cell ---------------- */

static double
div0(double a, double b)
{
	return b == 0 ? NAN : a / b;
}

/* x - y exactly, rounded once */
static double
xdiff(double n, const struct mlw_xsum *s)
{
	struct mlw_xsum t;
	double d[MLW_XSUM_LIMBS];
	int k, m;

	mlw_xsum_clear(&t);
	mlw_xsum_add(&t, n);
	if ((m = mlw_xsum_terms(s, d)) < 0)
		return NAN;
	for (k = 0; k < m; k++)
		mlw_xsum_add(&t, -d[k]);
	return mlw_xsum_value(&t);
}

/* est[] and real[] of every metric for cell c */
static void
metrics(const struct mlw_est *e, struct cell *c, double *est, double *real)
{
	double n = (double)c->n, sumtp = 0, rsumtp = 0;
	double wsum = 0, rwsum = 0;
	size_t k, j, K = e->K;
	int m;

	for (m = 0; m < NM; m++)
		est[m] = real[m] = e->multi && m >= M_PREC && m <= M_WF1 ? 0 :
		    NAN;
	for (k = 0; k < K; k++) {
		struct ecls *q = &c->c[k];
		struct mlw_xsum all = q->sp_pred;
		double tp = mlw_xsum_value(&q->sp_pred);
		double fp = xdiff((double)q->npred, &q->sp_pred);
		double fn = mlw_xsum_value(&q->sp_other);
		double tn = xdiff((double)(c->n - q->npred), &q->sp_other);
		double sp, v[NM], r[NM], auc, ap, rtp, rfp, rfn, rtn;
		uint64_t a = 0, b = 0, d = 0, t = 0;
		size_t y, x, ci = e->multi ? k : 1;

		mlw_xsum_merge(&all, &q->sp_other);
		sp = mlw_xsum_value(&all);
		v[M_PREC] = div0(tp, (double)q->npred);
		v[M_REC] = div0(tp, sp);
		v[M_SPEC] = div0(tn, xdiff(n, &all));
		v[M_F1] = div0(tp, tp + 0.5 * (fp + fn));
		est_auc(&q->est, &auc, &ap);
		v[M_AUC] = auc;
		v[M_AP] = ap;
		/* realized: the labelled records' confusion for this class */
		for (y = 0; y < e->K2; y++)
			for (x = 0; x < e->K2; x++) {
				uint64_t u = c->cm[y * e->K2 + x];

				if (y == ci && x == ci)
					a += u;
				else if (x == ci)
					b += u;
				else if (y == ci)
					d += u;
				else
					t += u;
			}
		rtp = (double)a;
		rfp = (double)b;
		rfn = (double)d;
		rtn = (double)t;
		r[M_PREC] = div0(rtp, rtp + rfp);
		r[M_REC] = div0(rtp, rtp + rfn);
		r[M_SPEC] = div0(rtn, rtn + rfp);
		r[M_F1] = div0(rtp, rtp + 0.5 * (rfp + rfn));
		real_auc(&q->real, &auc, &ap);
		r[M_AUC] = auc;
		r[M_AP] = ap;
		if (!e->multi) {
			for (m = M_PREC; m <= M_AP; m++) {
				est[m] = v[m];
				real[m] = c->nlab ? r[m] : NAN;
			}
			est[M_ACC] = div0(tp + tn, n);
			real[M_ACC] = div0(rtp + rtn, (double)c->nlab);
			/* the confusion matrix as shares of the records
			 * (NannyML's normalize_confusion_matrix="all") */
			est[M_TP] = div0(tp, n);
			est[M_FP] = div0(fp, n);
			est[M_FN] = div0(fn, n);
			est[M_TN] = div0(tn, n);
			if (c->nlab) {
				real[M_TP] = rtp / (double)c->nlab;
				real[M_FP] = rfp / (double)c->nlab;
				real[M_FN] = rfn / (double)c->nlab;
				real[M_TN] = rtn / (double)c->nlab;
			}
			return;
		}
		/* multiclass: macro means and support-weighted means */
		for (m = M_PREC; m <= M_AP; m++) {
			est[m] += v[m] / (double)K;
			real[m] += r[m] / (double)K;
		}
		est[M_WPREC] += sp * v[M_PREC];
		est[M_WREC] += sp * v[M_REC];
		est[M_WF1] += sp * v[M_F1];
		wsum += sp;
		real[M_WPREC] += (rtp + rfn) * r[M_PREC];
		real[M_WREC] += (rtp + rfn) * r[M_REC];
		real[M_WF1] += (rtp + rfn) * r[M_F1];
		rwsum += rtp + rfn;
		sumtp += tp;
		rsumtp += rtp;
	}
	for (j = M_WPREC; j <= M_WF1; j++) {
		est[j] = div0(est[j], wsum);
		real[j] = div0(real[j], rwsum);
	}
	est[M_ACC] = div0(sumtp, n);
	real[M_ACC] = div0(rsumtp, (double)c->nlab);
	if (c->nlab == 0)
		for (m = 0; m < NM; m++)
			real[m] = NAN;
}

/* ---------------- records ---------------- */

#define RAW(doc, i) (int)((doc)->tok[i].len > 40 ? 40 : (doc)->tok[i].len), \
	(doc)->src + (doc)->tok[i].start

/* The class number of a multiclass label or prediction at token i: 0 ..
 * K-1, -1 (said in e->tmp) when it is not one of the classes. */
static int
class_of(struct mlw_est *e, const struct mlw_json *doc, long i,
    const char *what, char *why, size_t whylen)
{
	long k;

	if (mlw_key_category(&e->tmp, doc, i) < 0) {
		snprintf(why, whylen, "%s: expected a class, found %.*s", what,
		    RAW(doc, i));
		return -1;
	}
	if ((k = mlw_strmap_find(&e->cls, e->tmp.p, e->tmp.len)) < 0) {
		snprintf(why, whylen, "%s: %.*s is not one of the classes of "
		    "--scores", what, (int)(e->tmp.len > 40 ? 40 : e->tmp.len),
		    e->tmp.p);
		return -1;
	}
	return (int)k;
}

/* Read a record: 0, 1 to skip it (a score or prediction missing), -1 to
 * reject it (why set). */
static int
read_rec(struct mlw_est *e, const struct mlw_json *doc, struct rec *r,
    int need_label, char *why, size_t whylen)
{
	size_t k;
	long t;

	for (k = 0; k < e->K; k++) {
		t = mlw_json_get(doc, 0, &e->spath[k]);
		if (mlw_json_missing(doc, t))
			return 1;
		if (doc->tok[t].type != MLW_JNUM ||
		    mlw_json_num(doc, (uint32_t)t, &r->s[k]) < 0) {
			snprintf(why, whylen, "%s: expected a finite number, "
			    "found %.*s", e->spath[k].text, RAW(doc, t));
			return -1;
		}
		/* a score used as it is must be a probability */
		if ((r->s[k] < 0 || r->s[k] > 1) && (need_label ?
		    e->o.calibrate == MLW_CAL_NEVER : !e->calibrated[k])) {
			snprintf(why, whylen, "%s: expected a probability from "
			    "0 to 1 (the scores are used uncalibrated%s), "
			    "found %.*s", e->spath[k].text, need_label ?
			    ": --calibrate never" : "", RAW(doc, t));
			return -1;
		}
	}
	if (e->has_pred) {
		t = mlw_json_get(doc, 0, &e->ppath);
		if (mlw_json_missing(doc, t))
			return 1;
		if (e->multi)
			r->pred = class_of(e, doc, t, e->ppath.text, why, whylen);
		else if ((r->pred = mlw_binary_class(e->o.positive, doc, t,
		    &e->tmp)) < 0)
			snprintf(why, whylen, "%s: expected 0/1 or true/false "
			    "(or name the positive class with --positive), "
			    "found %.*s", e->ppath.text, RAW(doc, t));
		if (r->pred < 0)
			return -1;
	} else
		r->pred = mlw_score_class(r->s[0], e->o.threshold);
	r->label = -1;
	t = e->lpath.text ? mlw_json_get(doc, 0, &e->lpath) : -1;
	if (!mlw_json_missing(doc, t)) {
		if (e->multi)
			r->label = class_of(e, doc, t, e->lpath.text, why,
			    whylen);
		else if ((r->label = mlw_binary_class(e->o.positive, doc, t,
		    &e->tmp)) < 0)
			snprintf(why, whylen, "%s: expected 0/1 or true/false "
			    "(or name the positive class with --positive), "
			    "found %.*s", e->lpath.text, RAW(doc, t));
		if (r->label < 0)
			return -1;
	} else if (need_label)
		return 1;
	return 0;
}

/* ---------------- fitting ---------------- */

/* numpy.std (ddof 0) of the n values of v whose mask is set. */
static double
masked_std(const double *v, const unsigned char *mask, size_t n, size_t *cnt)
{
	double *x = mlw_xcalloc(n ? n : 1, sizeof *x), sd;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!mask || mask[i])
			x[k++] = v[i];
	*cnt = k;
	sd = k ? sqrt(mlw_np_var(x, k, NULL)) : NAN;
	free(x);
	return sd;
}

static const double *auc_s;

/* by score, equal scores in their order (a stable sort) */
static int
by_auc_s(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (auc_s[i] != auc_s[j])
		return auc_s[i] < auc_s[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* NannyML's analytic sampling-error components of the binary metrics
 * (nannyml/sampling_error/binary_classification.py), from the
 * reference's labels y, predictions h and raw scores s. */
static void
binary_se(struct mlw_est *e, const double *s, const unsigned char *y,
    const unsigned char *h, size_t n)
{
	double *ind = mlw_xcalloc(n, sizeof *ind), nd = (double)n;
	unsigned char *mask = mlw_xcalloc(n, 1);
	size_t i, cnt, tp = 0, fp = 0, fn = 0;
	double c;

	/* accuracy: the correct predictions */
	for (i = 0; i < n; i++)
		ind[i] = y[i] == h[i];
	e->fit[M_ACC].se_a = masked_std(ind, NULL, n, &cnt);
	e->fit[M_ACC].se_b = 1;
	/* precision: correct among predicted positives */
	for (i = 0; i < n; i++)
		mask[i] = h[i] == 1;
	e->fit[M_PREC].se_a = masked_std(ind, mask, n, &cnt);
	e->fit[M_PREC].se_b = (double)cnt / nd;
	/* recall: predicted positive among the positives */
	for (i = 0; i < n; i++) {
		ind[i] = h[i] == 1;
		mask[i] = y[i] == 1;
	}
	e->fit[M_REC].se_a = masked_std(ind, mask, n, &cnt);
	e->fit[M_REC].se_b = (double)cnt / nd;
	/* specificity: predicted negative among the negatives */
	for (i = 0; i < n; i++) {
		ind[i] = h[i] == 0;
		mask[i] = y[i] == 0;
	}
	e->fit[M_SPEC].se_a = masked_std(ind, mask, n, &cnt);
	e->fit[M_SPEC].se_b = (double)cnt / nd;
	/* f1: 1 for each TP, 0 for each FP and FN, times len / (TP +
	 * (FP + FN) / 2) */
	for (i = 0; i < n; i++) {
		tp += y[i] && h[i];
		fp += !y[i] && h[i];
		fn += y[i] && !h[i];
		ind[i] = y[i] && h[i];
		mask[i] = y[i] || h[i];
	}
	c = (double)(tp + fp + fn) / ((double)(fn + fp) * 0.5 + (double)tp);
	for (i = 0; i < n; i++)
		ind[i] *= c;
	e->fit[M_F1].se_a = masked_std(ind, mask, n, &cnt);
	e->fit[M_F1].se_b = (double)cnt / nd;
	/* the confusion matrix's shares: each cell's indicator */
	for (i = 0; i < n; i++)
		ind[i] = y[i] && h[i];
	e->fit[M_TP].se_a = masked_std(ind, NULL, n, &cnt);
	for (i = 0; i < n; i++)
		ind[i] = !y[i] && h[i];
	e->fit[M_FP].se_a = masked_std(ind, NULL, n, &cnt);
	for (i = 0; i < n; i++)
		ind[i] = y[i] && !h[i];
	e->fit[M_FN].se_a = masked_std(ind, NULL, n, &cnt);
	for (i = 0; i < n; i++)
		ind[i] = !y[i] && !h[i];
	e->fit[M_TN].se_a = masked_std(ind, NULL, n, &cnt);
	e->fit[M_TP].se_b = e->fit[M_FP].se_b = e->fit[M_FN].se_b =
	    e->fit[M_TN].se_b = 1;
	/* roc_auc: DeLong's variance (DeLong, DeLong and Clarke-Pearson
	 * 1988): each positive's placement, the share of negatives below
	 * it (ties half), and each negative's, the share of positives above
	 * it; var = S10 / n_pos + S01 / n_neg with S the sample variances
	 * (ddof 1), which for a window of n records with the reference's
	 * share of positives is (S10 / pi + S01 / (1 - pi)) / n */
	{
		size_t *ix = mlw_xcalloc(n, sizeof *ix), j, g, npos = 0;
		double *v = mlw_xcalloc(n, sizeof *v), below = 0, m10, m01;
		double s10 = 0, s01 = 0, a10 = 0, a01 = 0, np_, nn, pi;

		auc_s = s;
		for (i = 0; i < n; i++) {
			ix[i] = i;
			npos += y[i];
		}
		qsort(ix, n, sizeof *ix, by_auc_s);
		np_ = (double)npos;
		nn = (double)(n - npos);
		/* the positives' placements: negatives below (ties half),
		 * run by run of equal scores from the bottom */
		for (i = 0; i < n; i = j) {
			double rn = 0;

			for (j = i; j < n && s[ix[j]] == s[ix[i]]; j++)
				rn += !y[ix[j]];
			for (g = i; g < j; g++)
				if (y[ix[g]])
					v[ix[g]] = (below + rn / 2) / nn;
			below += rn;
		}
		/* the negatives' placements: positives above (ties half),
		 * from the top */
		below = 0;
		for (i = n; i > 0; i = j) {
			double rp = 0;

			for (j = i; j > 0 && s[ix[j - 1]] == s[ix[i - 1]]; j--)
				rp += y[ix[j - 1]];
			for (g = j; g < i; g++)
				if (!y[ix[g]])
					v[ix[g]] = (below + rp / 2) / np_;
			below += rp;
		}
		for (i = 0; i < n; i++)
			if (y[i])
				a10 += v[i];
			else
				a01 += v[i];
		m10 = a10 / np_;
		m01 = a01 / nn;
		for (i = 0; i < n; i++)
			if (y[i])
				s10 += (v[i] - m10) * (v[i] - m10);
			else
				s01 += (v[i] - m01) * (v[i] - m01);
		s10 /= np_ - 1;
		s01 /= nn - 1;
		pi = np_ / nd;
		e->fit[M_AUC].se_a = npos > 1 && n - npos > 1 ?
		    sqrt(s10 / pi + s01 / (1 - pi)) : NAN;
		e->fit[M_AUC].se_b = 1;
		free(ix);
		free(v);
	}
	free(ind);
	free(mask);
}

/* The realized metrics of the reference's chunks: thresholds (mean +-
 * 3 sd, ddof 0, clipped to [0, 1], NaN left out, as NannyML's
 * StandardDeviationThreshold) and, for the metrics without an analytic
 * sampling error, its chunk form: sd sqrt(chunk size). */
static void
chunk_fit(struct mlw_est *e, struct rec *rs, size_t n)
{
	size_t nch = (n + e->chunk - 1) / e->chunk, i, j, k;
	double *val = mlw_xcalloc(nch * NM, sizeof *val), *x;
	int m;

	for (j = 0; j < nch; j++) {
		struct cell c = { 0 };
		double est[NM], real[NM];

		for (i = j * e->chunk; i < n && i < (j + 1) * e->chunk; i++)
			count(e, &c, &rs[i]);
		metrics(e, &c, est, real);
		for (m = 0; m < NM; m++)
			val[j * NM + (size_t)m] = real[m];
		cell_free(e, &c);
	}
	e->nchunks = nch;
	x = mlw_xcalloc(nch, sizeof *x);
	for (m = 0; m < NM; m++) {
		double mean, sd;

		for (j = k = 0; j < nch; j++)
			if (!isnan(val[j * NM + (size_t)m]))
				x[k++] = val[j * NM + (size_t)m];
		if (k == 0) {
			e->fit[m].lo = e->fit[m].hi = NAN;
			continue;
		}
		sd = sqrt(mlw_np_var(x, k, &mean));
		e->fit[m].lo = fmax(0, mean - 3 * sd);
		e->fit[m].hi = fmin(1, mean + 3 * sd);
		if (e->multi || m == M_AP) {
			e->fit[m].se_a = sd * sqrt((double)e->chunk);
			e->fit[m].se_b = 1;
		}
	}
	free(x);
	free(val);
}

static void
fit_ref(struct mlw_est *e)
{
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	char *files[1], why[256];
	struct rec *rs = NULL;
	size_t n = 0, cap = 0, i, k;
	uint64_t nolabel = 0;
	FILE *f;

	if ((f = fopen(e->o.ref, "r")) == NULL)
		mlw_fatal_errno("%s", e->o.ref);
	fclose(f);
	memset(&doc, 0, sizeof doc);
	files[0] = (char *)e->o.ref;
	in = mlw_input_new(files, 1);
	while (mlw_input_next(in, &ln)) {
		struct rec r;
		int st;

		if (mlw_json_parse_nonfinite(&doc, ln.p, ln.len) < 0)
			mlw_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno, doc.err);
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;
		if ((st = read_rec(e, &doc, &r, 1, why, sizeof why)) < 0)
			mlw_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno, why);
		if (st > 0) {
			nolabel++;
			continue;
		}
		if (n == cap)
			rs = mlw_grow(rs, &cap, n + 1, sizeof *rs);
		rs[n++] = r;
	}
	mlw_input_free(in);
	mlw_json_free(&doc);
	if (mlw_diag_failed())
		mlw_fatal("%s: could not be read", e->o.ref);
	if (nolabel)
		mlw_warnx("%s: %llu reference record%s without a score, "
		    "prediction or label left out", e->o.ref,
		    (unsigned long long)nolabel, nolabel == 1 ? "" : "s");
	if (n < 2)
		mlw_fatal("%s: fewer than 2 labelled records to fit on",
		    e->o.ref);
	e->refn = n;
	e->chunk = e->o.chunk ? e->o.chunk : n / 10 ? n / 10 : 1;
	/* the calibrators, per class */
	{
		double *s = mlw_xcalloc(n, sizeof *s);
		unsigned char *y = mlw_xcalloc(n, 1), *h = mlw_xcalloc(n, 1);

		for (k = 0; k < e->K; k++) {
			for (i = 0; i < n; i++) {
				s[i] = rs[i].s[k];
				y[i] = e->multi ? rs[i].label == (int)k :
				    rs[i].label == 1;
				h[i] = e->multi ? rs[i].pred == (int)k :
				    rs[i].pred == 1;
			}
			e->calibrated[k] = e->o.calibrate == MLW_CAL_ALWAYS ||
			    (e->o.calibrate == MLW_CAL_AUTO &&
			    mlw_iso_needed(s, y, n));
			if (e->calibrated[k])
				mlw_iso_fit(&e->cal[k], s, y, n);
			if (!e->multi)
				binary_se(e, s, y, h, n);
		}
		free(s);
		free(y);
		free(h);
	}
	chunk_fit(e, rs, n);
	free(rs);
}

/* ---------------- the saved estimator ---------------- */

static void
num(struct mlw_buf *b, const char *k, double x)
{
	mlw_jw_key(b, k);
	mlw_jw_num(b, x);
}

static void
str(struct mlw_buf *b, const char *k, const char *s)
{
	mlw_jw_key(b, k);
	if (s)
		mlw_jw_str(b, s, strlen(s));
	else
		mlw_jw_null(b);
}

/* The estimator as JSON Lines in e->model. */
static void
model_text(struct mlw_est *e)
{
	struct mlw_buf *b = &e->model;
	size_t k;
	int m;

	b->len = 0;
	mlw_jw_open(b, '{');
	str(b, "mlw", "estimator");
	mlw_jw_key(b, "version");
	mlw_jw_uint(b, 1);
	str(b, "task", e->multi ? "multiclass" : "binary");
	mlw_jw_key(b, "n");
	mlw_jw_uint(b, e->refn);
	mlw_jw_key(b, "chunk");
	mlw_jw_uint(b, e->chunk);
	mlw_jw_key(b, "chunks");
	mlw_jw_uint(b, e->nchunks);
	str(b, "label", e->lpath.text);
	str(b, "pred", e->has_pred ? e->ppath.text : NULL);
	num(b, "threshold", e->has_pred ? NAN : e->o.threshold);
	str(b, "positive", e->o.positive);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	for (k = 0; k < e->K; k++) {
		mlw_jw_open(b, '{');
		str(b, "class", e->multi ? e->cls.ent[k].s : NULL);
		str(b, "score", e->spath[k].text);
		mlw_jw_key(b, "calibrated");
		mlw_buf_adds(b, e->calibrated[k] ? "true" : "false");
		mlw_jw_key(b, "x");
		mlw_jw_nums(b, e->cal[k].x, e->cal[k].n);
		mlw_jw_key(b, "y");
		mlw_jw_nums(b, e->cal[k].y, e->cal[k].n);
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
	}
	for (m = 0; m < NM; m++) {
		if (!e->metric_on[m])
			continue;
		mlw_jw_open(b, '{');
		str(b, "metric", mname[m]);
		num(b, "se_a", e->fit[m].se_a);
		num(b, "se_b", e->fit[m].se_b);
		num(b, "lower_threshold", e->fit[m].lo);
		num(b, "upper_threshold", e->fit[m].hi);
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
	}
	/* the end, with a check of every byte before it */
	{
		char hex[40];

		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)
		    mlw_hash_bytes(MLW_HASH_INIT, b->p, b->len));
		mlw_buf_adds(b, "{\"mlw\":\"estimator_end\",\"hash\":\"");
		mlw_buf_adds(b, hex);
		mlw_buf_adds(b, "\"}\n");
	}
}

static char *
own(struct mlw_est *e, char *s)
{
	e->own = mlw_xrealloc(e->own, (e->nown + 1) * sizeof *e->own);
	e->own[e->nown++] = s;
	return s;
}

static _Noreturn void
bad_model(const char *path, uint64_t line, const char *what)
{
	mlw_fatal("%s:%llu: not an estimator saved by mlw-estimate --save: %s",
	    path, (unsigned long long)line, what);
}

static int
get_num(const struct mlw_json *doc, const char *k, double *x)
{
	long t = mlw_json_member(doc, 0, k, strlen(k));

	if (t < 0)
		return -1;
	if (doc->tok[t].type == MLW_JNULL) {
		*x = NAN;
		return 0;
	}
	return doc->tok[t].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)t, x) == 0 ? 0 : -1;
}

/* The text of string member k (NULL for null), fresh; -1: neither. */
static int
get_str(const struct mlw_json *doc, const char *k, char **s)
{
	long t = mlw_json_member(doc, 0, k, strlen(k));
	size_t len;

	if (t < 0)
		return -1;
	if (doc->tok[t].type == MLW_JNULL) {
		*s = NULL;
		return 0;
	}
	if (doc->tok[t].type != MLW_JSTR)
		return -1;
	*s = mlw_json_cstr(doc, (uint32_t)t, &len);
	return 0;
}

static double *
get_nums(const struct mlw_json *doc, const char *k, size_t *n)
{
	long t = mlw_json_member(doc, 0, k, strlen(k));
	uint32_t j;
	double *v;
	size_t m = 0;

	if (t < 0 || doc->tok[t].type != MLW_JARR)
		return NULL;
	for (j = (uint32_t)t + 1; j < doc->tok[t].next; j = doc->tok[j].next)
		m++;
	v = mlw_xcalloc(m ? m : 1, sizeof *v);
	m = 0;
	for (j = (uint32_t)t + 1; j < doc->tok[t].next; j = doc->tok[j].next)
		if (doc->tok[j].type != MLW_JNUM ||
		    mlw_json_num(doc, j, &v[m++]) < 0) {
			free(v);
			return NULL;
		}
	*n = m;
	return v;
}

/* Read the estimator at path into e: the paths and classes it was fitted
 * with become e's (options given as well must agree). */
static void
load_model(struct mlw_est *e, struct mlw_est_opts *o)
{
	size_t len, k, line = 0, nx, ny;
	char *text = mlw_read_file(o->model, &len), *p, *q, *s1, *s2, *s3;
	struct mlw_json doc;
	double d;
	int m, ncls = 0, ended = 0;
	unsigned char seen[NM] = { 0 };

	if (text == NULL)
		mlw_fatal_errno("%s", o->model);
	memset(&doc, 0, sizeof doc);
	for (p = text; p < text + len; p = q + 1) {
		if ((q = memchr(p, '\n', (size_t)(text + len - p))) == NULL)
			q = text + len;
		line++;
		if (mlw_json_parse(&doc, p, (size_t)(q - p)) < 0)
			bad_model(o->model, line, doc.err);
		if (line == 1) {
			uint64_t u;

			if (get_str(&doc, "mlw", &s1) < 0 || s1 == NULL ||
			    strcmp(s1, "estimator") != 0)
				bad_model(o->model, line, "no estimator header");
			free(s1);
			if (mlw_state_u64(&doc, mlw_json_member(&doc, 0,
			    "version", 7), &u) < 0 || u != 1)
				mlw_fatal("%s: an estimator of another version "
				    "(this mlw-estimate reads version 1)",
				    o->model);
			if (get_str(&doc, "task", &s1) < 0 || s1 == NULL)
				bad_model(o->model, line, "task");
			e->multi = strcmp(s1, "multiclass") == 0;
			if (!e->multi && strcmp(s1, "binary") != 0)
				bad_model(o->model, line, "task");
			free(s1);
			if (mlw_state_u64(&doc, mlw_json_member(&doc, 0, "n", 1),
			    &e->refn) < 0 ||
			    mlw_state_u64(&doc, mlw_json_member(&doc, 0,
			    "chunk", 5), &e->chunk) < 0 ||
			    mlw_state_u64(&doc, mlw_json_member(&doc, 0,
			    "chunks", 6), &e->nchunks) < 0 ||
			    get_str(&doc, "label", &s1) < 0 ||
			    get_str(&doc, "pred", &s2) < 0 ||
			    get_num(&doc, "threshold", &d) < 0 ||
			    get_str(&doc, "positive", &s3) < 0)
				bad_model(o->model, line, "header members");
			o->label = own(e, s1);
			o->pred = own(e, s2);
			o->positive = own(e, s3);
			o->threshold = d;
			continue;
		}
		if (ended)
			bad_model(o->model, line, "a line after estimator_end");
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0) {
			char hex[40];

			if (get_str(&doc, "mlw", &s1) < 0 || s1 == NULL ||
			    strcmp(s1, "estimator_end") != 0)
				bad_model(o->model, line, "a second header");
			free(s1);
			snprintf(hex, sizeof hex, "%016llx", (unsigned long long)
			    mlw_hash_bytes(MLW_HASH_INIT, text,
			    (size_t)(p - text)));
			if (get_str(&doc, "hash", &s1) < 0 || s1 == NULL ||
			    strcmp(s1, hex) != 0)
				mlw_fatal("%s:%zu: the estimator's hash does not "
				    "match its lines (%s, expected \"%s\"): the "
				    "file was changed or damaged", o->model, line,
				    s1 ? s1 : "none", hex);
			free(s1);
			ended = 1;
			continue;
		}
		if (mlw_json_member(&doc, 0, "metric", 6) >= 0) {
			if (get_str(&doc, "metric", &s1) < 0 || s1 == NULL)
				bad_model(o->model, line, "metric");
			for (m = 0; m < NM; m++)
				if (strcmp(s1, mname[m]) == 0)
					break;
			free(s1);
			if (m == NM || get_num(&doc, "se_a", &e->fit[m].se_a) < 0 ||
			    get_num(&doc, "se_b", &e->fit[m].se_b) < 0 ||
			    get_num(&doc, "lower_threshold", &e->fit[m].lo) < 0 ||
			    get_num(&doc, "upper_threshold", &e->fit[m].hi) < 0)
				bad_model(o->model, line, "a metric's members");
			seen[m] = 1;
			continue;
		}
		/* a class */
		if (ncls == MLW_EST_MAX_CLASSES ||
		    get_str(&doc, "class", &s1) < 0 ||
		    get_str(&doc, "score", &s2) < 0 || s2 == NULL)
			bad_model(o->model, line, "a class's members");
		e->classes = mlw_xrealloc(e->classes, (size_t)(ncls + 1) *
		    sizeof *e->classes);
		e->scores = mlw_xrealloc(e->scores, (size_t)(ncls + 1) *
		    sizeof *e->scores);
		e->classes[ncls] = own(e, s1);
		e->scores[ncls] = own(e, s2);
		o->classes = e->classes;
		o->scores = e->scores;
		e->calibrated = mlw_xrealloc(e->calibrated, (size_t)(ncls + 1) *
		    sizeof *e->calibrated);
		e->cal = mlw_xrealloc(e->cal, (size_t)(ncls + 1) * sizeof *e->cal);
		{
			long t = mlw_json_member(&doc, 0, "calibrated", 10);

			if (t < 0 || (doc.tok[t].type != MLW_JTRUE &&
			    doc.tok[t].type != MLW_JFALSE))
				bad_model(o->model, line, "calibrated");
			e->calibrated[ncls] = doc.tok[t].type == MLW_JTRUE;
		}
		e->cal[ncls].x = get_nums(&doc, "x", &nx);
		e->cal[ncls].y = get_nums(&doc, "y", &ny);
		if (e->cal[ncls].x == NULL || e->cal[ncls].y == NULL ||
		    nx != ny || (e->calibrated[ncls] && nx == 0))
			bad_model(o->model, line, "a calibrator's points");
		for (k = 1; k < nx; k++)
			if (!(e->cal[ncls].x[k - 1] < e->cal[ncls].x[k]))
				bad_model(o->model, line, "a calibrator's points");
		e->cal[ncls].n = nx;
		ncls++;
	}
	if (!ended)
		mlw_fatal("%s: no estimator_end line: the estimator is cut "
		    "short", o->model);
	if (ncls == 0 || (!e->multi && ncls != 1))
		bad_model(o->model, line, "no class");
	for (m = 0; m < NM; m++)
		if (!seen[m] && metric_of(e->multi, m))
			bad_model(o->model, line, mname[m]);
	o->nclasses = (size_t)ncls;
	o->score = e->multi ? NULL : o->scores[0];
	mlw_json_free(&doc);
	free(text);
}

/* ---------------- output ---------------- */

static void
fin_cell(void *arg, void *state)
{
	cell_free(arg, state);
}

static void
report_cell(struct mlw_est *e, const struct mlw_wkey *key, struct cell *c,
    size_t id)
{
	struct mlw_buf *b = &e->out;
	double est[NM], real[NM];
	size_t k;
	int m;

	cell_init(e, c);
	metrics(e, c, est, real);
	for (m = 0; m < NM; m++) {
		double se = e->fit[m].se_a / sqrt((double)c->n * e->fit[m].se_b);

		if (!e->metric_on[m])
			continue;
		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		if (e->seg)
			mlw_seg_members(b, e->seg, id);
		str(b, "metric", mname[m]);
		num(b, "estimate", est[m]);
		num(b, "sampling_error", se);
		num(b, "lower", isnan(se) ? NAN : fmax(0, est[m] - RANGE * se));
		num(b, "upper", isnan(se) ? NAN : fmin(1, est[m] + RANGE * se));
		num(b, "lower_threshold", e->fit[m].lo);
		num(b, "upper_threshold", e->fit[m].hi);
		mlw_jw_key(b, "alert");
		mlw_buf_adds(b, est[m] < e->fit[m].lo || est[m] > e->fit[m].hi ?
		    "true" : "false");
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, c->n);
		num(b, "realized", real[m]);
		num(b, "difference", real[m] - est[m]);
		mlw_jw_key(b, "n_labeled");
		mlw_jw_uint(b, c->nlab);
		mlw_jw_key(b, "calibrated");
		if (e->multi) {
			mlw_jw_open(b, '[');
			for (k = 0; k < e->K; k++) {
				mlw_jw_sep(b);
				mlw_buf_adds(b, e->calibrated[k] ? "true" :
				    "false");
			}
			mlw_jw_close(b, ']');
		} else
			mlw_buf_adds(b, e->calibrated[0] ? "true" : "false");
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
}

static void
pt_write(struct mlw_buf *b, const char *k, const struct ptab *t, int two)
{
	size_t i;

	mlw_jw_key(b, k);
	mlw_jw_open(b, '[');
	for (i = 0; i < t->n; i++) {
		mlw_jw_sep(b);
		mlw_jw_open(b, '[');
		mlw_jw_num(b, t->v[i]);
		mlw_jw_sep(b);
		mlw_jw_uint(b, t->c0[i]);
		if (two) {
			mlw_jw_sep(b);
			mlw_jw_uint(b, t->c1[i]);
		}
		mlw_jw_close(b, ']');
	}
	mlw_jw_close(b, ']');
	mlw_jw_key(b, two ? "real_coarse" : "est_coarse");
	mlw_buf_adds(b, t->coarse ? "true" : "false");
}

static void
emit_cell(struct mlw_est *e, const struct mlw_wkey *key, struct cell *c,
    size_t id)
{
	struct mlw_buf *b = &e->out;
	size_t k;

	cell_init(e, c);
	for (k = 0; k < e->K; k++) {
		struct ecls *q = &c->c[k];

		mlw_state_begin(b, PROG, e->hash, key);
		if (e->seg)
			mlw_seg_state_members(b, e->seg, id, MLW_SEG_VALUES);
		mlw_jw_key(b, "class");
		mlw_jw_uint(b, k);
		if (k == 0) {
			mlw_jw_key(b, "n");
			mlw_jw_uint(b, c->n);
			mlw_jw_key(b, "cm");
			mlw_jw_uints(b, c->cm, e->K2 * e->K2);
		}
		mlw_jw_key(b, "npred");
		mlw_jw_uint(b, q->npred);
		mlw_jw_key(b, "pred");
		mlw_xsum_write(b, &q->sp_pred);
		mlw_jw_key(b, "other");
		mlw_xsum_write(b, &q->sp_other);
		pt_write(b, "est", &q->est, 0);
		pt_write(b, "real", &q->real, 1);
		mlw_state_emit(b);
	}
}

static void
close_cell(void *arg, const struct mlw_wkey *key, void *cell, size_t id)
{
	struct mlw_est *e = arg;

	if (e->o.emit)
		emit_cell(e, key, cell, id);
	else
		report_cell(e, key, cell, id);
}

static struct cell *
cell_of(struct mlw_est *e, struct mlw_wtab *tab, const struct mlw_wkey *key,
    size_t id)
{
	struct cell *c = mlw_segcells_get(&e->cells, tab, key, id);

	cell_init(e, c);
	return c;
}

/* ---------------- --merge ---------------- */

static int
pt_read(struct ptab *t, const struct mlw_json *doc, const char *k,
    const char *ck, int two)
{
	long a = mlw_state_member(doc, k), co = mlw_state_member(doc, ck);
	uint32_t j;

	if (a < 0 || doc->tok[a].type != MLW_JARR || co < 0 ||
	    (doc->tok[co].type != MLW_JTRUE && doc->tok[co].type != MLW_JFALSE))
		return -1;
	if (doc->tok[co].type == MLW_JTRUE && !t->coarse)
		pt_coarsen(t);
	for (j = (uint32_t)a + 1; j < doc->tok[a].next; j = doc->tok[j].next) {
		uint32_t x = j + 1;
		double v;
		uint64_t c0, c1 = 0;

		if (doc->tok[j].type != MLW_JARR || x >= doc->tok[j].next ||
		    doc->tok[x].type != MLW_JNUM ||
		    mlw_json_num(doc, x, &v) < 0)
			return -1;
		x = doc->tok[x].next;
		if (x >= doc->tok[j].next || mlw_state_u64(doc, (long)x, &c0) < 0)
			return -1;
		x = doc->tok[x].next;
		if (two && (x >= doc->tok[j].next ||
		    mlw_state_u64(doc, (long)x, &c1) < 0))
			return -1;
		if (two)
			x = doc->tok[x].next;
		if (x != doc->tok[j].next)
			return -1;
		pt_add(t, v, c0, c1);
	}
	return 0;
}

static int
merge_one(struct mlw_est *e, struct cell *c, uint64_t k,
    const struct mlw_json *doc, const char **why)
{
	struct ecls *q = &c->c[k];
	uint64_t u, *cm;
	long t;
	size_t i;

	if (k == 0) {
		*why = "n: expected a count";
		if (mlw_state_u64(doc, mlw_state_member(doc, "n"), &u) < 0)
			return -1;
		c->n += u;
		*why = "cm: expected the confusion counts";
		cm = mlw_xcalloc(e->K2 * e->K2, sizeof *cm);
		if ((t = mlw_state_member(doc, "cm")) < 0 ||
		    mlw_state_u64s(doc, t, cm, e->K2 * e->K2) < 0) {
			free(cm);
			return -1;
		}
		for (i = 0; i < e->K2 * e->K2; i++) {
			c->cm[i] += cm[i];
			c->nlab += cm[i];
		}
		free(cm);
	}
	*why = "npred: expected a count";
	if (mlw_state_u64(doc, mlw_state_member(doc, "npred"), &u) < 0)
		return -1;
	q->npred += u;
	*why = "pred, other: expected exact sums";
	if ((t = mlw_state_member(doc, "pred")) < 0 ||
	    mlw_xsum_read(&q->sp_pred, doc, t) < 0 ||
	    (t = mlw_state_member(doc, "other")) < 0 ||
	    mlw_xsum_read(&q->sp_other, doc, t) < 0)
		return -1;
	*why = "est, real: expected [value, count] pairs";
	if (pt_read(&q->est, doc, "est", "est_coarse", 0) < 0 ||
	    pt_read(&q->real, doc, "real", "real_coarse", 1) < 0)
		return -1;
	return 0;
}

static void
merge(struct mlw_est *e, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in si;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;

	memset(&doc, 0, sizeof doc);
	mlw_state_in_init(&si, PROG, e->hash);
	while (mlw_state_next(&si, in, &ln, &doc, &key)) {
		const char *why;
		uint64_t k;
		size_t id = 0;

		if (mlw_state_u64(&doc, mlw_state_member(&doc, "class"), &k) < 0 ||
		    k >= e->K) {
			mlw_state_reject(&si, &ln, "class: expected a class "
			    "number from 0 to %zu", e->K - 1);
			continue;
		}
		if (mlw_seg_state_id(e->seg, &si, &doc, &ln, &id) < 0)
			continue;
		if (merge_one(e, cell_of(e, tab, &key, id), k, &doc, &why) < 0)
			mlw_state_reject(&si, &ln, "%s", why);
	}
	mlw_state_in_check(&si);
	mlw_json_free(&doc);
}

/* ---------------- the run ---------------- */

struct mlw_est *
mlw_est_new(const struct mlw_est_opts *oo, struct mlw_seg *seg)
{
	struct mlw_est *e = mlw_xcalloc(1, sizeof *e);
	struct mlw_est_opts o = *oo;
	size_t k;
	int m;

	e->seg = seg;
	if (o.model)
		load_model(e, &o);
	else {
		e->multi = o.nclasses > 0;
		if (!e->multi) {
			o.classes = NULL;
			o.nclasses = 1;
		}
	}
	e->o = o;
	e->K = e->multi ? o.nclasses : 1;
	e->K2 = e->multi ? e->K : 2;
	e->spath = mlw_xcalloc(e->K, sizeof *e->spath);
	for (k = 0; k < e->K; k++) {
		const char *sp = e->multi || o.model ? o.scores[k] : o.score;

		mlw_path_opt(&e->spath[k], e->multi ? "--scores" : "--score", sp);
		if (e->multi) {
			if (mlw_strmap_find(&e->cls, o.classes[k],
			    strlen(o.classes[k])) >= 0)
				mlw_opt_error("--scores: class %s is given twice",
				    o.classes[k]);
			mlw_strmap_add(&e->cls, o.classes[k],
			    strlen(o.classes[k]));
		}
	}
	if (o.pred) {
		mlw_path_opt(&e->ppath, "--pred", o.pred);
		e->has_pred = 1;
	}
	if (o.label)
		mlw_path_opt(&e->lpath, "--label", o.label);
	for (m = 0; m < NM; m++)
		e->metric_on[m] = metric_of(e->multi, m);
	if (!o.model) {
		e->cal = mlw_xcalloc(e->K, sizeof *e->cal);
		e->calibrated = mlw_xcalloc(e->K, sizeof *e->calibrated);
		fit_ref(e);
	}
	model_text(e);
	/* the states' hash: the estimator and the --by paths */
	e->hash = mlw_hash_bytes(MLW_HASH_INIT, e->model.p, e->model.len);
	for (k = 0; e->seg && k < e->seg->nby; k++)
		e->hash = mlw_hash_str(mlw_hash_u64(e->hash, 2), e->seg->by[k]);
	if (o.save) {
		if (mlw_write_atomic(o.save, e->model.p, e->model.len) < 0)
			mlw_fatal_errno("%s", o.save);
		mlw_est_free(e);
		return NULL;
	}
	return e;
}

void
mlw_est_run(struct mlw_est *e, struct mlw_input *in)
{
	struct mlw_wtab *tab;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t seen = 0;
	char why[256];

	e->cells.size = sizeof(struct cell);
	e->cells.close = close_cell;
	e->cells.fin = fin_cell;
	e->cells.arg = e;
	tab = mlw_segcells_tab(&e->cells);
	if (e->o.merge) {
		merge(e, tab, in);
		mlw_wtab_close_all(tab);
		mlw_wtab_free(tab);
		return;
	}
	memset(&doc, 0, sizeof doc);
	while (mlw_record_next(in, &ln, &doc)) {
		struct rec r;
		long id = 0;
		int st;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if ((st = read_rec(e, &doc, &r, 0, why, sizeof why)) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", why);
			continue;
		}
		if (st > 0) {
			e->noscore++;
			continue;
		}
		if (e->seg) {
			if (mlw_seg_key(e->seg, &doc, &ln) < 0)
				continue;
			id = mlw_seg_id(e->seg, &ln, 1);
			seen++;
		}
		count(e, cell_of(e, tab, &key, (size_t)id), &r);
	}
	mlw_wtab_close_all(tab);
	if (e->seg)
		mlw_seg_warn(e->seg, seen);
	if (e->o.emit)
		mlw_state_end(PROG, e->hash);
	if (e->noscore)
		mlw_warnx("%llu record%s without a score or prediction skipped",
		    (unsigned long long)e->noscore, e->noscore == 1 ? "" : "s");
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}

void
mlw_est_free(struct mlw_est *e)
{
	size_t k;

	if (e == NULL)
		return;
	for (k = 0; k < e->K; k++) {
		mlw_path_free(&e->spath[k]);
		if (e->cal)
			mlw_iso_free(&e->cal[k]);
	}
	free(e->spath);
	free(e->cal);
	free(e->calibrated);
	if (e->has_pred)
		mlw_path_free(&e->ppath);
	if (e->lpath.text)
		mlw_path_free(&e->lpath);
	mlw_strmap_free(&e->cls);
	for (k = 0; k < e->nown; k++)
		free(e->own[k]);
	free(e->own);
	free(e->classes);
	free(e->scores);
	mlw_buf_free(&e->out);
	mlw_buf_free(&e->tmp);
	mlw_buf_free(&e->model);
	free(e);
}
