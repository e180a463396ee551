/* mvdrift: mlw-mvdrift's work (see mvdrift.h and mlw-mvdrift(1)). */
#include "mvdrift.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hash.h"
#include "json.h"
#include "key.h"
#include "jsonw.h"
#include "linalg.h"
#include "mvstat.h"
#include "opt.h"
#include "out.h"
#include "seg.h"
#include "state.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"
#include "xsum.h"

#define PROG "mlw-mvdrift"
#define RANGE 3                 /* thresholds: mean +- 3 sd */

static const char *const method_name[] = {
	"pca", "mmd", "classifier", "meandist"
};

/* ---------------- a bottom-k sample ---------------- */

/* The records of smallest priority, priority a seeded hash of the
 * record's line (each record its own, so that records of equal values are
 * sampled apart, not all or none): the same sample whatever the order of
 * the records or the shards they were split into. A max-heap on
 * (priority, values). */
struct sample {
	size_t n, cap, d;
	double *rows;
	uint64_t *prio;
	double *tmp;
};

static uint64_t
priority(uint64_t seed, const char *line, size_t len)
{
	return mlw_hash_mix(mlw_hash_bytes(mlw_hash_u64(MLW_HASH_INIT, seed),
	    line, len));
}

static void
sample_init(struct sample *s, size_t cap, size_t d)
{
	s->n = 0;
	s->cap = cap;
	s->d = d;
	s->rows = mlw_xcalloc(cap * d + 1, sizeof *s->rows);
	s->prio = mlw_xcalloc(cap + 1, sizeof *s->prio);
	s->tmp = mlw_xcalloc(d + 1, sizeof *s->tmp);
}

static void
sample_free(struct sample *s)
{
	free(s->rows);
	free(s->prio);
	free(s->tmp);
	memset(s, 0, sizeof *s);
}

/* Order of (priority, values) pairs a and b. */
static int
key_cmp(uint64_t pa, const double *a, uint64_t pb, const double *b, size_t d)
{
	size_t k;

	if (pa != pb)
		return pa < pb ? -1 : 1;
	for (k = 0; k < d; k++)
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	return 0;
}

static int
heap_cmp(const struct sample *s, size_t i, size_t j)
{
	return key_cmp(s->prio[i], s->rows + i * s->d, s->prio[j],
	    s->rows + j * s->d, s->d);
}

static void
heap_swap(struct sample *s, size_t i, size_t j)
{
	uint64_t p = s->prio[i];
	size_t sz = s->d * sizeof *s->rows;

	s->prio[i] = s->prio[j];
	s->prio[j] = p;
	memcpy(s->tmp, s->rows + i * s->d, sz);
	memcpy(s->rows + i * s->d, s->rows + j * s->d, sz);
	memcpy(s->rows + j * s->d, s->tmp, sz);
}

static void
sift_down(struct sample *s, size_t i, size_t n)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && heap_cmp(s, l, m) > 0)
			m = l;
		if (r < n && heap_cmp(s, r, m) > 0)
			m = r;
		if (m == i)
			return;
		heap_swap(s, i, m);
		i = m;
	}
}

static void
sample_add(struct sample *s, uint64_t p, const double *x)
{
	size_t i;

	if (s->cap == 0)
		return;
	if (s->n < s->cap) {
		i = s->n++;
		s->prio[i] = p;
		memcpy(s->rows + i * s->d, x, s->d * sizeof *x);
		while (i > 0 && heap_cmp(s, i, (i - 1) / 2) > 0) {
			heap_swap(s, i, (i - 1) / 2);
			i = (i - 1) / 2;
		}
		return;
	}
	if (key_cmp(p, x, s->prio[0], s->rows, s->d) >= 0)
		return;
	s->prio[0] = p;
	memcpy(s->rows, x, s->d * sizeof *x);
	sift_down(s, 0, s->n);
}

/* Sort the sample by (priority, values), ascending: heapsort. */
static void
sample_sort(struct sample *s)
{
	size_t n = s->n, i;

	for (i = n / 2; i-- > 0;)
		sift_down(s, i, n);
	for (i = n; i-- > 1;) {
		heap_swap(s, 0, i);
		sift_down(s, 0, i);
	}
}

/* ---------------- the reference ---------------- */

struct part {
	uint64_t n;
	double *impute;           /* [nf]: numbers the mean; categories the
	                           * share of the most frequent */
	double **share;           /* [nf]: share of each category (by id) */
	size_t *nshare;
	double *mean, *scale;     /* [d]: the scaler */
	struct mlw_pca pca;
	int has_pca;
	double lo, hi;            /* thresholds (pca) */
	double err_sd;            /* sd of the reference's record errors */
	uint64_t chunk, nchunks;
	double *vmean;            /* [d] (meandist) */
	double *sample;           /* [ns x d]: standardized (mmd, classifier) */
	size_t ns;
	double sigma;             /* the kernel's bandwidth (mmd) */
};

struct cell {
	struct part *part;
	uint64_t n;
	struct mlw_xsum err;      /* pca */
	struct mlw_xsum *sum;     /* [d] meandist */
	struct sample s;          /* mmd, classifier */
};

struct mlw_mv {
	struct mlw_mv_opts o;
	struct mlw_seg *seg;
	size_t nf, vlen, d;
	struct mlw_path *paths;   /* fields, then the vector */
	size_t npaths;
	struct mlw_pathset set;
	long *tok;
	int *kind;                /* [nf]: 0 unknown, 1 number, 2 category */
	unsigned char *forced;    /* [nf]: named in --categorical */
	struct mlw_strmap *cats;  /* [nf]: the categories seen */
	struct part **part;       /* by segment number */
	size_t npart;
	struct part whole;
	int has_whole;
	double threshold;
	int degree;
	uint64_t hash;
	struct mlw_segcells cells;
	unsigned char *present;   /* [nf]: seen in an input record */
	struct mlw_buf out, txt;
	double *x;                /* [d] scratch */
	char why[256];
};

enum { K_UNKNOWN, K_NUM, K_CAT };

/* The text of scalar token t as a category: a string decoded, any other
 * scalar its JSON text. */
static const char *
cat_text(struct mlw_mv *v, const struct mlw_json *doc, long t, size_t *len)
{
	const struct mlw_jtok *k = &doc->tok[t];

	v->txt.len = 0;
	if (k->type == MLW_JSTR) {
		mlw_buf_reserve(&v->txt, k->len);
		*len = mlw_json_str(doc, (uint32_t)t, v->txt.p, k->len);
	} else {
		mlw_buf_add(&v->txt, doc->src + k->start, k->len);
		*len = k->len;
	}
	return v->txt.p;
}

/* The vector's values into x (vlen of them; with learn, the first record
 * sets vlen): 0, or -1 with v->why. */
static int
read_vector(struct mlw_mv *v, const struct mlw_json *doc, double *x,
    int learn)
{
	long t = v->tok[v->nf];
	const char *name = v->paths[v->nf].text;
	uint32_t j;
	size_t cnt = 0;

	if (mlw_json_missing(doc, t)) {
		snprintf(v->why, sizeof v->why, "%s: missing (expected an "
		    "array of numbers)", name);
		return -1;
	}
	if (doc->tok[t].type != MLW_JARR) {
		snprintf(v->why, sizeof v->why, "%s: expected an array of "
		    "numbers, found %s", name,
		    mlw_json_typename(doc->tok[t].type));
		return -1;
	}
	for (j = (uint32_t)t + 1; j < doc->tok[t].next; j = doc->tok[j].next)
		cnt++;
	if (learn && v->vlen == 0) {
		if (cnt == 0 || cnt > MLW_MV_MAX_VECTOR) {
			snprintf(v->why, sizeof v->why, "%s: expected an array "
			    "of 1 to %d numbers, found %zu", name,
			    MLW_MV_MAX_VECTOR, cnt);
			return -1;
		}
		v->vlen = cnt;
		return -2;              /* the caller reads it again */
	}
	if (cnt != v->vlen) {
		snprintf(v->why, sizeof v->why, "%s: expected an array of %zu "
		    "numbers, found %zu", name, v->vlen, cnt);
		return -1;
	}
	cnt = 0;
	for (j = (uint32_t)t + 1; j < doc->tok[t].next; j = doc->tok[j].next) {
		if (doc->tok[j].type != MLW_JNUM ||
		    mlw_json_num(doc, j, &x[cnt]) < 0) {
			snprintf(v->why, sizeof v->why, "%s[%zu]: expected a "
			    "finite number, found %s", name, cnt,
			    doc->tok[j].type == MLW_JNUM ? "an overflow" :
			    mlw_json_typename(doc->tok[j].type));
			return -1;
		}
		cnt++;
	}
	return 0;
}

/* Number token t of field i into *x: 0, or -1 with v->why. */
static int
field_num(struct mlw_mv *v, const struct mlw_json *doc, long t, size_t i,
    double *x)
{
	if (mlw_json_num(doc, (uint32_t)t, x) == 0)
		return 0;
	snprintf(v->why, sizeof v->why, "%s: the number overflows",
	    v->paths[i].text);
	return -1;
}

/* A reference record's values into row: numbers (NaN when missing),
 * category numbers (-1 when missing), the vector. 0, -1 with v->why, or
 * -2 when the vector's length has just been learnt (call again). */
static int
read_ref(struct mlw_mv *v, const struct mlw_json *doc, double *row)
{
	size_t i;

	mlw_json_getset(doc, &v->set, v->tok);
	for (i = 0; i < v->nf; i++) {
		long t = v->tok[i];
		int type;

		if (mlw_json_missing(doc, t)) {
			row[i] = v->kind[i] == K_CAT ? -1 : NAN;
			continue;
		}
		type = doc->tok[t].type;
		if (type == MLW_JARR || type == MLW_JOBJ) {
			snprintf(v->why, sizeof v->why, "%s: expected a number "
			    "or a category, found %s", v->paths[i].text,
			    mlw_json_typename(type));
			return -1;
		}
		if (v->kind[i] == K_UNKNOWN)
			v->kind[i] = type == MLW_JNUM ? K_NUM : K_CAT;
		if (v->kind[i] == K_NUM) {
			if (type != MLW_JNUM) {
				snprintf(v->why, sizeof v->why, "%s: %s in a "
				    "field whose first reference value is a "
				    "number (name it in --categorical to treat "
				    "it as categorical)", v->paths[i].text,
				    type == MLW_JSTR ? "a string" : "a boolean");
				return -1;
			}
			if (field_num(v, doc, t, i, &row[i]) < 0)
				return -1;
		} else {
			size_t len;
			const char *s = cat_text(v, doc, t, &len);

			row[i] = (double)mlw_strmap_add(&v->cats[i], s, len);
		}
	}
	if (v->o.vector) {
		int r = read_vector(v, doc, row + v->nf, 1);

		if (r == -2) {
			v->d = v->nf + v->vlen;
			return -2;
		}
		return r;
	}
	return 0;
}

/* A record's values encoded as part's fit encodes them into x: 0, or -1
 * with v->why. */
static int
read_cur(struct mlw_mv *v, const struct mlw_json *doc,
    const struct part *p, double *x)
{
	size_t i;

	for (i = 0; i < v->nf; i++) {
		long t = v->tok[i];
		int type;

		if (mlw_json_missing(doc, t)) {
			x[i] = p->impute[i];
			continue;
		}
		type = doc->tok[t].type;
		if (v->kind[i] == K_NUM) {
			if (type != MLW_JNUM) {
				snprintf(v->why, sizeof v->why, "%s: expected a "
				    "number, found %s", v->paths[i].text,
				    mlw_json_typename(type));
				return -1;
			}
			if (field_num(v, doc, t, i, &x[i]) < 0)
				return -1;
		} else {
			size_t len;
			const char *s;
			long id;

			if (type == MLW_JARR || type == MLW_JOBJ) {
				snprintf(v->why, sizeof v->why, "%s: expected a "
				    "category, found %s", v->paths[i].text,
				    mlw_json_typename(type));
				return -1;
			}
			s = cat_text(v, doc, t, &len);
			id = mlw_strmap_find(&v->cats[i], s, len);
			x[i] = id >= 0 && (size_t)id < p->nshare[i] ?
			    p->share[i][id] : 0;
		}
	}
	if (v->o.vector)
		return read_vector(v, doc, x + v->nf, 0);
	return 0;
}

/* numpy's mean and ddof-1 standard deviation of n values (pandas' std). */
static void
mean_sd(const double *e, size_t n, double *mean, double *sd)
{
	struct mlw_xsum s;
	double m, q;
	size_t i;

	mlw_xsum_clear(&s);
	for (i = 0; i < n; i++)
		mlw_xsum_add(&s, e[i]);
	m = n ? mlw_xsum_value(&s) / (double)n : NAN;
	mlw_xsum_clear(&s);
	for (i = 0; i < n; i++)
		mlw_xsum_add(&s, (e[i] - m) * (e[i] - m));
	q = mlw_xsum_value(&s);
	*mean = m;
	*sd = n > 1 ? sqrt(q / (double)(n - 1)) : NAN;
}

static _Noreturn void
fit_fatal(struct mlw_mv *v, long id, const char *what)
{
	if (id >= 0 && v->seg) {
		const struct mlw_strent *e = &v->seg->keys.ent[id];

		v->seg->text.len = 0;
		mlw_key_display(&v->seg->text, e->s, e->len, v->seg->by);
		mlw_fatal("%s: segment %.*s: %s", v->o.ref,
		    (int)v->seg->text.len, v->seg->text.p, what);
	}
	mlw_fatal("%s: %s", v->o.ref, what);
}

/* Fit part p (segment id, or the whole reference with id -1) on the n
 * raw reference rows idx[0..n), in the reference's order; prio[] the
 * priorities of all the rows. */
static void
fit_part(struct mlw_mv *v, struct part *p, const double *raw,
    const size_t *idx, size_t n, const uint64_t *prio, long id)
{
	size_t d = v->d, nf = v->nf, i, k, r;
	double *E, eps = 0x1p-52;
	struct mlw_xsum s;

	if (n < 2)
		fit_fatal(v, id, "fewer than 2 reference records to fit on");
	p->n = n;
	E = mlw_xcalloc(n * d, sizeof *E);
	for (k = 0; k < n; k++)
		memcpy(E + k * d, raw + idx[k] * d, d * sizeof *E);
	p->impute = mlw_xcalloc(nf + 1, sizeof *p->impute);
	p->share = mlw_xcalloc(nf + 1, sizeof *p->share);
	p->nshare = mlw_xcalloc(nf + 1, sizeof *p->nshare);
	for (i = 0; i < nf; i++) {
		if (v->kind[i] != K_CAT) {
			uint64_t have = 0;

			mlw_xsum_clear(&s);
			for (k = 0; k < n; k++)
				if (!isnan(E[k * d + i])) {
					mlw_xsum_add(&s, E[k * d + i]);
					have++;
				}
			if (have == 0) {
				snprintf(v->why, sizeof v->why, "%s has no "
				    "value in the reference", v->paths[i].text);
				fit_fatal(v, id, v->why);
			}
			p->impute[i] = mlw_xsum_value(&s) / (double)have;
			for (k = 0; k < n; k++)
				if (isnan(E[k * d + i]))
					E[k * d + i] = p->impute[i];
		} else {
			size_t nc = v->cats[i].n, c;
			uint64_t *cnt = mlw_xcalloc(nc + 1, sizeof *cnt), miss = 0;
			long mode = -1;

			/* missing: -1, or NaN when it came before the field's
			 * first value showed it to be categorical */
			for (k = 0; k < n; k++)
				if (!(E[k * d + i] >= 0))
					miss++;
				else
					cnt[(size_t)E[k * d + i]]++;
			for (c = 0; c < nc; c++) {
				const struct mlw_strent *a = &v->cats[i].ent[c];
				const struct mlw_strent *b;
				int cmp;

				if (cnt[c] == 0)
					continue;
				if (mode < 0 || cnt[c] > cnt[mode]) {
					mode = (long)c;
					continue;
				}
				if (cnt[c] < cnt[mode])
					continue;
				/* a tie: the smaller string, as SimpleImputer's
				 * most_frequent (the first in sorted order) */
				b = &v->cats[i].ent[mode];
				cmp = memcmp(a->s, b->s, a->len < b->len ?
				    a->len : b->len);
				if (cmp < 0 || (cmp == 0 && a->len < b->len))
					mode = (long)c;
			}
			if (mode < 0) {
				snprintf(v->why, sizeof v->why, "%s has no "
				    "value in the reference", v->paths[i].text);
				fit_fatal(v, id, v->why);
			}
			cnt[mode] += miss;
			p->nshare[i] = nc;
			p->share[i] = mlw_xcalloc(nc + 1, sizeof **p->share);
			for (c = 0; c < nc; c++)
				p->share[i][c] = (double)cnt[c] / (double)n;
			p->impute[i] = p->share[i][mode];
			for (k = 0; k < n; k++) {
				double *e = &E[k * d + i];

				*e = !(*e >= 0) ? p->impute[i] :
				    p->share[i][(size_t)*e];
			}
			free(cnt);
		}
	}
	/* the scaler: sklearn's StandardScaler */
	p->mean = mlw_xcalloc(d, sizeof *p->mean);
	p->scale = mlw_xcalloc(d, sizeof *p->scale);
	for (k = 0; k < d; k++) {
		double m, var;

		mlw_xsum_clear(&s);
		for (r = 0; r < n; r++)
			mlw_xsum_add(&s, E[r * d + k]);
		m = mlw_xsum_value(&s) / (double)n;
		mlw_xsum_clear(&s);
		for (r = 0; r < n; r++)
			mlw_xsum_add(&s, (E[r * d + k] - m) * (E[r * d + k] - m));
		var = mlw_xsum_value(&s) / (double)n;
		p->mean[k] = m;
		p->scale[k] = var <= (double)n * eps * var +
		    ((double)n * m * eps) * ((double)n * m * eps) ? 1 : sqrt(var);
	}
	if (v->o.method == MLW_MV_PCA) {
		struct mlw_comoment cm;
		double *err = mlw_xcalloc(n, sizeof *err), *cmean, csd, m;
		size_t nch, c;

		mlw_comoment_init(&cm, d);
		for (r = 0; r < n; r++)
			mlw_comoment_add(&cm, E + r * d);
		if (mlw_pca_fit(&p->pca, &cm, v->o.share) < 0)
			fit_fatal(v, id, "no PCA could be fitted (values that "
			    "do not vary, too large, or no convergence)");
		p->has_pca = 1;
		if (p->pca.k == d) {
			if (id >= 0 && v->seg) {
				const struct mlw_strent *e =
				    &v->seg->keys.ent[id];

				v->seg->text.len = 0;
				mlw_key_display(&v->seg->text, e->s, e->len,
				    v->seg->by);
				mlw_warnx("%s: segment %.*s: all %zu components "
				    "kept (--share %g): the reconstruction "
				    "error is rounding noise, drift is null",
				    v->o.ref, (int)v->seg->text.len,
				    v->seg->text.p, d, v->o.share);
			} else
				mlw_warnx("%s: all %zu components kept (--share "
				    "%g): the reconstruction error is rounding "
				    "noise, drift is null (lower --share)",
				    v->o.ref, d, v->o.share);
		}
		for (r = 0; r < n; r++)
			err[r] = mlw_pca_error(&p->pca, E + r * d);
		mean_sd(err, n, &m, &p->err_sd);
		p->chunk = v->o.chunk ? v->o.chunk : n / 10 ? n / 10 : 1;
		nch = (size_t)((n + p->chunk - 1) / p->chunk);
		cmean = mlw_xcalloc(nch, sizeof *cmean);
		for (c = 0; c < nch; c++) {
			size_t a = c * p->chunk, b = a + p->chunk;
			struct mlw_comoment rest;
			struct mlw_pca cp;
			int cross = v->o.crossfit && nch > 1;

			if (b > n)
				b = n;
			if (n - (b - a) < 2)
				cross = 0;      /* too few left: in-sample */
			if (cross) {
				/* the PCA of the other chunks: the reference
				 * less this chunk's records, exactly */
				mlw_comoment_init(&rest, d);
				mlw_comoment_merge(&rest, &cm);
				for (r = a; r < b; r++)
					mlw_comoment_sub(&rest, E + r * d);
				if (mlw_pca_fit(&cp, &rest, v->o.share) < 0)
					cross = 0;      /* in-sample, then */
				mlw_comoment_free(&rest);
			}
			mlw_xsum_clear(&s);
			for (r = a; r < b; r++)
				mlw_xsum_add(&s, cross ?
				    mlw_pca_error(&cp, E + r * d) : err[r]);
			cmean[c] = mlw_xsum_value(&s) / (double)(b - a);
			if (cross)
				mlw_pca_free(&cp);
		}
		mlw_comoment_free(&cm);
		p->nchunks = nch;
		mean_sd(cmean, nch, &m, &csd);
		p->lo = fmax(0, m - RANGE * csd);
		p->hi = m + RANGE * csd;
		if (isnan(csd) || p->pca.k == d)
			p->lo = p->hi = NAN;
		free(cmean);
		free(err);
	} else if (v->o.method == MLW_MV_MEANDIST) {
		p->vmean = mlw_xcalloc(d, sizeof *p->vmean);
		for (k = 0; k < d; k++)
			p->vmean[k] = p->mean[k];
	} else {
		struct sample smp;

		sample_init(&smp, (size_t)v->o.max_samples, d);
		for (r = 0; r < n; r++)
			sample_add(&smp, prio[idx[r]], E + r * d);
		sample_sort(&smp);
		p->ns = smp.n;
		p->sample = mlw_xcalloc(smp.n * d + 1, sizeof *p->sample);
		for (r = 0; r < smp.n; r++)
			for (k = 0; k < d; k++)
				p->sample[r * d + k] = (smp.rows[r * d + k] -
				    p->mean[k]) / p->scale[k];
		sample_free(&smp);
		if (v->o.method == MLW_MV_MMD)
			p->sigma = mlw_mmd_bandwidth(p->sample, p->ns <
			    MLW_MV_BANDWIDTH_RECORDS ? p->ns :
			    MLW_MV_BANDWIDTH_RECORDS, d);
	}
	free(E);
}

static void
part_free(struct mlw_mv *v, struct part *p)
{
	size_t i;

	for (i = 0; p->share && i < v->nf; i++)
		free(p->share[i]);
	free(p->share);
	free(p->nshare);
	free(p->impute);
	free(p->mean);
	free(p->scale);
	if (p->has_pca)
		mlw_pca_free(&p->pca);
	free(p->vmean);
	free(p->sample);
}

/* Read the reference, and fit a part per segment (and the whole). */
static void
read_reference(struct mlw_mv *v)
{
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	char *files[1];
	double *raw = NULL, *row;
	long *owner = NULL;
	uint64_t *prio = NULL, rejected = mlw_rejected();
	size_t n = 0, cap = 0, ocap = 0, pcap = 0, i, *idx, *start;
	FILE *f;

	if ((f = fopen(v->o.ref, "r")) == NULL)
		mlw_fatal_errno("%s", v->o.ref);
	fclose(f);
	memset(&doc, 0, sizeof doc);
	files[0] = (char *)v->o.ref;
	in = mlw_input_new(files, 1);
	row = mlw_xcalloc(v->nf + MLW_MV_MAX_VECTOR + 1, sizeof *row);
	while (mlw_input_next(in, &ln)) {
		long id = 0;
		int r;

		if (mlw_json_parse_nonfinite(&doc, ln.p, ln.len) < 0)
			mlw_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno, doc.err);
		if (doc.tok[0].type != MLW_JOBJ)
			mlw_fatal("%s:%llu: expected an object, found %s",
			    ln.file, (unsigned long long)ln.lineno,
			    mlw_json_typename(doc.tok[0].type));
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;
		v->hash = mlw_hash_bytes(mlw_hash_u64(v->hash, ln.len), ln.p,
		    ln.len);
		if ((r = read_ref(v, &doc, row)) == -2)
			r = read_ref(v, &doc, row);
		if (r < 0)
			mlw_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno, v->why);
		if (v->seg) {
			if (mlw_seg_key(v->seg, &doc, &ln) < 0)
				mlw_fatal("%s:%llu: the record's --by values "
				    "cannot name a segment", ln.file,
				    (unsigned long long)ln.lineno);
			id = mlw_seg_id(v->seg, &ln, 1);
		}
		raw = mlw_grow(raw, &cap, (n + 1) * v->d, sizeof *raw);
		owner = mlw_grow(owner, &ocap, n + 1, sizeof *owner);
		prio = mlw_grow(prio, &pcap, n + 1, sizeof *prio);
		memcpy(raw + n * v->d, row, v->d * sizeof *raw);
		prio[n] = priority(v->o.seed, ln.p, ln.len);
		owner[n++] = id;
	}
	mlw_input_free(in);
	mlw_json_free(&doc);
	free(row);
	if (mlw_diag_failed() || mlw_rejected() != rejected)
		mlw_fatal("%s: could not be read whole", v->o.ref);
	if (n == 0)
		mlw_fatal("%s: no records to fit on", v->o.ref);
	for (i = 0; i < v->nf; i++)
		if (v->forced[i])
			v->kind[i] = K_CAT;
		else if (v->kind[i] == K_UNKNOWN)
			mlw_fatal("%s: %s has no value in the reference",
			    v->o.ref, v->paths[i].text);
	/* the rows of each segment, in the reference's order: a counting
	 * sort by owner */
	v->npart = v->seg ? mlw_seg_count(v->seg) : 0;
	idx = mlw_xcalloc(n, sizeof *idx);
	start = mlw_xcalloc(v->npart + 2, sizeof *start);
	if (v->seg) {
		for (i = 0; i < n; i++)
			start[owner[i] + 1]++;
		for (i = 0; i < v->npart; i++)
			start[i + 1] += start[i];
		for (i = 0; i < n; i++)
			idx[start[owner[i]]++] = i;
		/* start[i] is now the end of segment i */
		v->part = mlw_xcalloc(v->npart + 1, sizeof *v->part);
		for (i = 0; i < v->npart; i++) {
			size_t a = i ? start[i - 1] : 0;

			v->part[i] = mlw_xcalloc(1, sizeof **v->part);
			fit_part(v, v->part[i], raw, idx + a, start[i] - a, prio,
			    (long)i);
		}
	}
	if (!v->seg || v->o.fallback) {
		for (i = 0; i < n; i++)
			idx[i] = i;
		fit_part(v, &v->whole, raw, idx, n, prio, -1);
		v->has_whole = 1;
	}
	free(idx);
	free(start);
	free(raw);
	free(owner);
	free(prio);
}

/* The part of segment id, or NULL when it has none. */
static struct part *
part_of(struct mlw_mv *v, size_t id)
{
	if (!v->seg)
		return &v->whole;
	if (id < v->npart)
		return v->part[id];
	return v->has_whole ? &v->whole : NULL;
}

/* ---------------- the cells ---------------- */

static void
cell_setup(struct mlw_mv *v, struct cell *c, struct part *p)
{
	size_t k;

	if (c->part)
		return;
	c->part = p;
	if (v->o.method == MLW_MV_PCA)
		mlw_xsum_clear(&c->err);
	else if (v->o.method == MLW_MV_MEANDIST) {
		c->sum = mlw_xcalloc(v->d, sizeof *c->sum);
		for (k = 0; k < v->d; k++)
			mlw_xsum_clear(&c->sum[k]);
	} else
		sample_init(&c->s, (size_t)v->o.max_samples, v->d);
}

static void
fin_cell(void *arg, void *state)
{
	struct cell *c = state;

	(void)arg;
	free(c->sum);
	if (c->s.rows)
		sample_free(&c->s);
}

static void
count(struct mlw_mv *v, struct cell *c, const double *x, uint64_t prio)
{
	size_t k;

	c->n++;
	switch (v->o.method) {
	case MLW_MV_PCA:
		mlw_xsum_add(&c->err, mlw_pca_error(&c->part->pca, x));
		break;
	case MLW_MV_MEANDIST:
		for (k = 0; k < v->d; k++)
			mlw_xsum_add(&c->sum[k], x[k]);
		break;
	default:
		sample_add(&c->s, prio, x);
	}
}

/* ---------------- results ---------------- */

static void
num(struct mlw_buf *b, const char *k, double x)
{
	mlw_jw_key(b, k);
	mlw_jw_num(b, x);
}

static void
uint_(struct mlw_buf *b, const char *k, uint64_t x)
{
	mlw_jw_key(b, k);
	mlw_jw_uint(b, x);
}

static void
flag(struct mlw_buf *b, const char *k, int f)
{
	mlw_jw_key(b, k);
	mlw_buf_adds(b, f < 0 ? "null" : f ? "true" : "false");
}

/* The members every method writes, in order: statistic, p_value (mmd
 * only), threshold, lower_threshold (pca only), drift (-1: null), n and
 * ref_n. */
static void
verdict(struct mlw_buf *b, int method, const struct cell *c, double stat,
    double pv, double thr, double lo, int drift)
{
	num(b, "statistic", stat);
	if (method == MLW_MV_MMD)
		num(b, "p_value", pv);
	num(b, "threshold", thr);
	if (method == MLW_MV_PCA)
		num(b, "lower_threshold", lo);
	flag(b, "drift", drift);
	uint_(b, "n", c->n);
	uint_(b, "ref_n", c->part->n);
}

/* The pooled, standardized samples (reference first, label 0) with the
 * classifier's features: each dimension, and with degree 2 every product
 * z_i z_j, i <= j (scikit-learn's PolynomialFeatures(2,
 * include_bias=False) order). */
static double *
features(struct mlw_mv *v, const struct part *p, const struct sample *s,
    unsigned char **yp, size_t *np, size_t *dp)
{
	size_t d = v->d, D = d + (v->degree == 2 ? d * (d + 1) / 2 : 0);
	size_t N = p->ns + s->n, r, i, j, q;
	double *F = mlw_xcalloc(N * D + 1, sizeof *F), *z;
	unsigned char *y = mlw_xcalloc(N + 1, 1);

	for (r = 0; r < N; r++) {
		z = F + r * D;
		if (r < p->ns)
			memcpy(z, p->sample + r * d, d * sizeof *z);
		else {
			const double *x = s->rows + (r - p->ns) * d;

			for (i = 0; i < d; i++)
				z[i] = (x[i] - p->mean[i]) / p->scale[i];
			y[r] = 1;
		}
		if (v->degree == 2)
			for (i = 0, q = d; i < d; i++)
				for (j = i; j < d; j++)
					z[q++] = z[i] * z[j];
	}
	*yp = y;
	*np = N;
	*dp = D;
	return F;
}

static void
report_cell(struct mlw_mv *v, const struct mlw_wkey *key, struct cell *c,
    size_t id)
{
	struct mlw_buf *b = &v->out;
	struct part *p = c->part;
	size_t d = v->d, k;
	double stat = NAN;
	int drift = -1;

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_wkey_write(b, key);
	if (v->seg)
		mlw_seg_members(b, v->seg, id);
	mlw_jw_key(b, "method");
	mlw_jw_str(b, method_name[v->o.method],
	    strlen(method_name[v->o.method]));
	switch (v->o.method) {
	case MLW_MV_PCA: {
		double ev = 0;

		if (c->n)
			stat = mlw_xsum_value(&c->err) / (double)c->n;
		if (isfinite(stat) && !isnan(p->hi))
			drift = stat > p->hi || stat < p->lo;
		verdict(b, v->o.method, c, stat, NAN, p->hi, p->lo, drift);
		num(b, "sampling_error", c->n ? p->err_sd / sqrt((double)c->n) :
		    NAN);
		uint_(b, "components", p->pca.k);
		for (k = 0; k < p->pca.k; k++)
			ev += p->pca.ratio[k];
		num(b, "explained_variance", ev);
		break;
	}
	case MLW_MV_MEANDIST: {
		double eu = NAN, co = NAN, dot = 0, na = 0, nb = 0, sq = 0;

		if (c->n) {
			for (k = 0; k < d; k++) {
				double m = mlw_xsum_value(&c->sum[k]) /
				    (double)c->n, r = p->vmean[k];

				sq += (m - r) * (m - r);
				dot += m * r;
				na += m * m;
				nb += r * r;
			}
			eu = sqrt(sq);
			co = na > 0 && nb > 0 ? 1 - dot / (sqrt(na) * sqrt(nb)) :
			    NAN;
		}
		stat = v->o.distance == MLW_MV_COSINE ? co : eu;
		if (isfinite(stat))
			drift = stat > v->threshold;
		verdict(b, v->o.method, c, stat, NAN, v->threshold, NAN, drift);
		mlw_jw_key(b, "distance");
		mlw_buf_adds(b, v->o.distance == MLW_MV_COSINE ? "\"cosine\"" :
		    "\"euclidean\"");
		num(b, "euclidean", eu);
		num(b, "cosine", co);
		break;
	}
	case MLW_MV_MMD: {
		struct mlw_mmd r;
		double *Y = mlw_xcalloc(c->s.n * d + 1, sizeof *Y);
		int ok;

		sample_sort(&c->s);
		for (k = 0; k < c->s.n * d; k++)
			Y[k] = (c->s.rows[k] - p->mean[k % d]) / p->scale[k % d];
		memset(&r, 0, sizeof r);
		ok = mlw_mmd_test(p->sample, p->ns, Y, c->s.n, d, p->sigma,
		    v->o.permutations, v->o.seed, &r) == 0;
		free(Y);
		if (ok && isfinite(r.mmd2)) {
			stat = r.mmd2;
			drift = r.p_value < v->o.alpha;
		} else
			ok = 0;
		verdict(b, v->o.method, c, stat, ok ? r.p_value : NAN,
		    v->o.alpha, NAN, drift);
		num(b, "bandwidth", p->sigma);
		if (ok) {
			uint_(b, "permutations", r.permutations);
			flag(b, "exact", r.exact);
		} else {
			mlw_jw_key(b, "permutations");
			mlw_jw_null(b);
			flag(b, "exact", -1);
		}
		uint_(b, "sample", c->s.n);
		uint_(b, "ref_sample", p->ns);
		break;
	}
	case MLW_MV_CLASSIFIER: {
		unsigned char *y;
		size_t N, D;
		double *F;

		sample_sort(&c->s);
		F = features(v, p, &c->s, &y, &N, &D);
		stat = mlw_domain_auc(F, y, N, D, v->o.folds, v->o.l2);
		free(F);
		free(y);
		if (isfinite(stat))
			drift = stat > v->threshold;
		verdict(b, v->o.method, c, stat, NAN, v->threshold, NAN, drift);
		uint_(b, "folds", v->o.folds);
		uint_(b, "degree", (uint64_t)v->degree);
		uint_(b, "sample", c->s.n);
		uint_(b, "ref_sample", p->ns);
		break;
	}
	}
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
}

static void
emit_cell(struct mlw_mv *v, const struct mlw_wkey *key, struct cell *c,
    size_t id)
{
	struct mlw_buf *b = &v->out;
	size_t k, r;

	mlw_state_begin(b, PROG, v->hash, key);
	if (v->seg)
		mlw_seg_state_members(b, v->seg, id, MLW_SEG_VALUES);
	uint_(b, "n", c->n);
	if (v->o.method == MLW_MV_PCA) {
		mlw_jw_key(b, "error");
		mlw_xsum_write(b, &c->err);
	} else if (v->o.method == MLW_MV_MEANDIST) {
		mlw_jw_key(b, "sum");
		mlw_jw_open(b, '[');
		for (k = 0; k < v->d; k++) {
			mlw_jw_sep(b);
			mlw_xsum_write(b, &c->sum[k]);
		}
		mlw_jw_close(b, ']');
	}
	mlw_state_emit(b);
	if (v->o.method == MLW_MV_PCA || v->o.method == MLW_MV_MEANDIST)
		return;
	sample_sort(&c->s);
	for (r = 0; r < c->s.n; r++) {
		mlw_state_begin(b, PROG, v->hash, key);
		if (v->seg)
			mlw_seg_state_members(b, v->seg, id, MLW_SEG_VALUES);
		mlw_jw_key(b, "row");
		mlw_jw_nums(b, c->s.rows + r * v->d, v->d);
		mlw_jw_key(b, "p");
		mlw_jw_uint(b, c->s.prio[r]);
		mlw_state_emit(b);
	}
}

static void
close_cell(void *arg, const struct mlw_wkey *key, void *cell, size_t id)
{
	struct mlw_mv *v = arg;

	if (v->o.emit)
		emit_cell(v, key, cell, id);
	else
		report_cell(v, key, cell, id);
}

static struct cell *
cell_of(struct mlw_mv *v, struct mlw_wtab *tab, const struct mlw_wkey *key,
    size_t id, struct part *p)
{
	struct cell *c = mlw_segcells_get(&v->cells, tab, key, id);

	cell_setup(v, c, p);
	return c;
}

/* ---------------- --merge ---------------- */

static int
merge_one(struct mlw_mv *v, struct cell *c, const struct mlw_json *doc,
    const char **why)
{
	long t = mlw_state_member(doc, "row");
	uint64_t u;
	size_t k;

	if (t >= 0) {
		uint32_t j;

		*why = "row: expected an array of the dimensions' numbers";
		if (v->o.method != MLW_MV_MMD &&
		    v->o.method != MLW_MV_CLASSIFIER)
			return -1;
		if (doc->tok[t].type != MLW_JARR)
			return -1;
		k = 0;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next) {
			if (k == v->d || doc->tok[j].type != MLW_JNUM ||
			    mlw_json_num(doc, j, &v->x[k]) < 0)
				return -1;
			k++;
		}
		if (k != v->d)
			return -1;
		*why = "p: expected the record's priority, a whole number";
		if (mlw_state_word(doc, mlw_state_member(doc, "p"), &u) < 0)
			return -1;
		sample_add(&c->s, u, v->x);
		return 0;
	}
	*why = "n: expected a count";
	if (mlw_state_u64(doc, mlw_state_member(doc, "n"), &u) < 0)
		return -1;
	/* the sums are added as they are read: a bad state fails the
	 * whole merge (mlw_state_in_check), so no half-added one is used */
	if (v->o.method == MLW_MV_PCA) {
		*why = "error: expected an exact sum";
		if ((t = mlw_state_member(doc, "error")) < 0 ||
		    mlw_xsum_read(&c->err, doc, t) < 0)
			return -1;
	} else if (v->o.method == MLW_MV_MEANDIST) {
		uint32_t j;

		*why = "sum: expected an exact sum per dimension";
		if ((t = mlw_state_member(doc, "sum")) < 0 ||
		    doc->tok[t].type != MLW_JARR)
			return -1;
		k = 0;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next)
			if (k++ >= v->d)
				return -1;
		if (k != v->d)
			return -1;
		k = 0;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next) {
			if (mlw_xsum_read(&c->sum[k++], doc, (long)j) < 0)
				return -1;
		}
	}
	c->n += u;
	return 0;
}

static void
merge(struct mlw_mv *v, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in si;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;

	memset(&doc, 0, sizeof doc);
	mlw_state_in_init(&si, PROG, v->hash);
	while (mlw_state_next(&si, in, &ln, &doc, &key)) {
		const char *why;
		struct part *p;
		size_t id = 0;

		if (mlw_seg_state_id(v->seg, &si, &doc, &ln, &id) < 0)
			continue;
		if ((p = part_of(v, id)) == NULL) {
			mlw_state_reject(&si, &ln, "the segment has no part in "
			    "the reference");
			continue;
		}
		if (merge_one(v, cell_of(v, tab, &key, id, p), &doc, &why) < 0)
			mlw_state_reject(&si, &ln, "%s", why);
	}
	mlw_state_in_check(&si);
	mlw_json_free(&doc);
}

/* ---------------- the run ---------------- */

struct mlw_mv *
mlw_mv_new(const struct mlw_mv_opts *o, struct mlw_seg *seg)
{
	struct mlw_mv *v = mlw_xcalloc(1, sizeof *v);
	struct mlw_buf *h = &v->txt;
	size_t i, j;

	v->o = *o;
	v->seg = seg;
	v->nf = o->nfields;
	v->npaths = o->nfields + (o->vector != NULL);
	v->paths = mlw_xcalloc(v->npaths + 1, sizeof *v->paths);
	for (i = 0; i < o->nfields; i++)
		mlw_path_opt(&v->paths[i], "--fields", o->fields[i]);
	if (o->vector)
		mlw_path_opt(&v->paths[v->nf], "--vector", o->vector);
	for (i = 0; i < v->npaths; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(v->paths[i].text, v->paths[j].text) == 0)
				mlw_opt_error("%s is given twice",
				    v->paths[i].text);
		if (seg && mlw_seg_is_by(seg, v->paths[i].text))
			mlw_opt_error("%s names a segment (--by) and cannot "
			    "also be a dimension", v->paths[i].text);
	}
	v->kind = mlw_xcalloc(v->nf + 1, sizeof *v->kind);
	v->forced = mlw_xcalloc(v->nf + 1, 1);
	v->cats = mlw_xcalloc(v->nf + 1, sizeof *v->cats);
	for (j = 0; j < o->ncats; j++) {
		for (i = 0; i < v->nf; i++)
			if (strcmp(o->cats[j], o->fields[i]) == 0)
				break;
		if (i == v->nf)
			mlw_opt_error("--categorical: %s is not one of --fields",
			    o->cats[j]);
		v->forced[i] = 1;
		v->kind[i] = K_CAT;
	}
	mlw_pathset_init(&v->set, v->paths, v->npaths);
	v->tok = mlw_xcalloc(v->npaths + 1, sizeof *v->tok);
	v->d = v->nf;
	/* the states' hash: the options that shape a state, the reference */
	mlw_buf_printf(h, "%s %.17g %llu %llu %llu %llu %.17g %.17g %u %.17g "
	    "%d %d %d %d", method_name[o->method], o->share,
	    (unsigned long long)o->chunk, (unsigned long long)o->max_samples,
	    (unsigned long long)o->permutations, (unsigned long long)o->seed,
	    o->alpha, o->threshold, o->folds, o->l2, o->degree, o->distance,
	    o->fallback, o->crossfit);
	v->hash = mlw_hash_bytes(MLW_HASH_INIT, h->p, h->len);
	for (i = 0; i < v->nf; i++)
		v->hash = mlw_hash_str(mlw_hash_u64(v->hash, v->forced[i]),
		    v->paths[i].text);
	v->hash = mlw_hash_str(v->hash, o->vector);
	for (i = 0; seg && i < seg->nby; i++)
		v->hash = mlw_hash_str(mlw_hash_u64(v->hash, 2), seg->by[i]);
	read_reference(v);
	v->x = mlw_xcalloc(v->d + 1, sizeof *v->x);
	v->present = mlw_xcalloc(v->nf + 1, 1);
	v->threshold = o->threshold;
	if (isnan(v->threshold))
		v->threshold = o->method == MLW_MV_CLASSIFIER ? 0.55 : 0.2;
	v->degree = o->degree ? o->degree :
	    v->d <= MLW_MV_QUADRATIC_MAX ? 2 : 1;
	if (o->method == MLW_MV_CLASSIFIER && v->degree == 2 &&
	    v->d > MLW_MV_DEGREE2_MAX)
		mlw_opt_error("--degree 2: %zu dimensions would make %zu "
		    "features; at most %d dimensions", v->d,
		    v->d + v->d * (v->d + 1) / 2, MLW_MV_DEGREE2_MAX);
	return v;
}

void
mlw_mv_run(struct mlw_mv *v, struct mlw_input *in)
{
	struct mlw_wtab *tab;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t seen = 0, counted = 0;
	size_t k;

	v->cells.size = sizeof(struct cell);
	v->cells.close = close_cell;
	v->cells.fin = fin_cell;
	v->cells.arg = v;
	tab = mlw_segcells_tab(&v->cells);
	if (v->o.merge) {
		merge(v, tab, in);
		mlw_wtab_close_all(tab);
		mlw_wtab_free(tab);
		return;
	}
	memset(&doc, 0, sizeof doc);
	while (mlw_record_next(in, &ln, &doc)) {
		struct part *p;
		long id = 0;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if (v->seg) {
			if (mlw_seg_key(v->seg, &doc, &ln) < 0)
				continue;
			id = mlw_seg_id(v->seg, &ln, 1);
			seen++;
		}
		if ((p = part_of(v, (size_t)id)) == NULL) {
			mlw_seg_no_ref(v->seg, (size_t)id, &ln);
			continue;
		}
		mlw_json_getset(&doc, &v->set, v->tok);
		if (read_cur(v, &doc, p, v->x) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s",
			    v->why);
			continue;
		}
		for (k = 0; k < v->nf; k++)
			if (!mlw_json_missing(&doc, v->tok[k]))
				v->present[k] = 1;
		/* the line's hash only where a sample is drawn */
		count(v, cell_of(v, tab, &key, (size_t)id, p), v->x,
		    v->o.method == MLW_MV_MMD || v->o.method == MLW_MV_CLASSIFIER ?
		    priority(v->o.seed, ln.p, ln.len) : 0);
		counted++;
	}
	mlw_wtab_close_all(tab);
	if (v->seg)
		mlw_seg_warn(v->seg, seen);
	for (k = 0; counted && k < v->nf; k++)
		if (!v->present[k])
			mlw_warnx("%s: in no input record (every value was "
			    "imputed: is it the reference's name?)",
			    v->paths[k].text);
	if (v->o.emit)
		mlw_state_end(PROG, v->hash);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}

void
mlw_mv_free(struct mlw_mv *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->npart; i++) {
		part_free(v, v->part[i]);
		free(v->part[i]);
	}
	free(v->part);
	if (v->has_whole)
		part_free(v, &v->whole);
	for (i = 0; i < v->npaths; i++)
		mlw_path_free(&v->paths[i]);
	free(v->paths);
	mlw_pathset_free(&v->set);
	free(v->tok);
	for (i = 0; i < v->nf; i++)
		mlw_strmap_free(&v->cats[i]);
	free(v->cats);
	free(v->kind);
	free(v->forced);
	free(v->x);
	free(v->present);
	mlw_buf_free(&v->out);
	mlw_buf_free(&v->txt);
	free(v);
}
