/* drift: mlw-drift's work per window (see drift.h). */
#include "drift.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "drift_method.h"
#include "hash.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "out.h"
#include "psiref.h"
#include "seg.h"
#include "state.h"
#include "stats.h"
#include "stattest.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"

/* One field's part of a window's state. */
struct mlw_drift_state {
	double *v;                /* numeric values (sturges binning) */
	size_t n, cap;
	uint64_t *c;              /* counts per category or bin */
	size_t ccap;
	uint64_t missing;
};

/* One reference (the reference, or with --by one segment's part or the
 * whole reference) and how a record's values are read against it. */
struct mlw_drift_ref {
	struct mlw_psiref *prof;
	struct mlw_drift_field *fl;
	size_t nf;
	struct mlw_pathset set;
	long *tok, *slot;         /* scratch: token and slot of each field */
	double *val;              /* scratch: the number of each field */
};

/* A segment's state in a window (the window's, without --by): one part
 * per field of its reference. */
struct segstate {
	size_t nf;
	struct mlw_drift_state f[];
};

static void
segstate_fin(void *state)
{
	struct segstate *ss = state;
	size_t i;

	for (i = 0; i < ss->nf; i++) {
		free(ss->f[i].v);
		free(ss->f[i].c);
	}
}

static void
reset(void *state, void *arg)
{
	(void)arg;
	mlw_segwin_clear(state, segstate_fin);
}

static void
destroy(void *state, void *arg)
{
	(void)arg;
	mlw_segwin_free(state, segstate_fin);
}

/* Counts of field fl as bins or categories: the reference in quantile
 * mode uses the profile's bins, else categories. */
static int
counted(const struct mlw_drift *d, const struct mlw_drift_field *fl)
{
	return d->quantile || fl->f->categorical;
}

/* The current sample of a field in state st. */
static void
cur_sample(const struct mlw_drift *d, const struct mlw_drift_field *fl, struct mlw_drift_state *st,
    struct mlw_dsample *s)
{
	size_t k;

	memset(s, 0, sizeof *s);
	if (counted(d, fl)) {
		s->c = st->c;
		s->k = st->ccap;
		for (k = 0; k < st->ccap; k++)
			s->total += st->c[k];
		if (!d->quantile)
			s->names = &fl->f->cats;
		return;
	}
	mlw_sort_doubles(st->v, st->n);
	s->x = st->v;
	s->n = st->n;
	s->total = st->n;
}

/* NannyML's threshold: the method's statistic on each chunk of n
 * consecutive reference values against the whole reference; mean + 3
 * population standard deviations. NAN when there are fewer than 2 chunks. */
static double
auto_threshold(struct mlw_drift *d, struct mlw_drift_field *fl, int m, uint64_t n)
{
	const struct mlw_feature *f = fl->f;
	size_t nref = counted(d, fl) && f->categorical ? f->nseq : f->nvals;
	size_t nchunks = n ? nref / n : 0, j, i, ns = 0;
	double mean, var;

	if (fl->at_n == n && fl->at_m == m)
		return fl->at_t;
	d->stats = mlw_grow(d->stats, &d->statcap, nchunks + 1, sizeof *d->stats);
	for (j = 0; j < nchunks; j++) {
		struct mlw_dsample c;
		struct mlw_test t;
		const char *why;

		memset(&c, 0, sizeof c);
		if (counted(d, fl)) {
			size_t k = d->quantile ? f->nbins : f->cats.n;

			d->chunkc = mlw_grow(d->chunkc, &d->chunkccap, k,
			    sizeof *d->chunkc);
			memset(d->chunkc, 0, k * sizeof *d->chunkc);
			for (i = 0; i < n; i++) {
				size_t b;

				if (f->categorical)
					b = f->seq[j * n + i];
				else
					b = mlw_bin_of(f->edges, f->nedges,
					    f->order[j * n + i]);
				d->chunkc[b]++;
			}
			c.c = d->chunkc;
			c.k = k;
			c.total = n;
			if (!d->quantile)
				c.names = &f->cats;
		} else {
			d->chunk = mlw_grow(d->chunk, &d->chunkcap, n,
			    sizeof *d->chunk);
			memcpy(d->chunk, f->order + j * n, n * sizeof *d->chunk);
			mlw_sort_doubles(d->chunk, n);
			c.x = d->chunk;
			c.n = n;
			c.total = n;
		}
		t = mlw_dmethod_run(m, &fl->ref, &c, d->js_base, &d->sc, &why);
		if (m == MLW_DM_Z)
			t.stat = fabs(t.stat);
		if (isfinite(t.stat))
			d->stats[ns++] = t.stat;
	}
	fl->at_n = n;
	fl->at_m = m;
	if (ns < 2) {
		fl->at_t = NAN;
		return NAN;
	}
	mean = mlw_np_sum(d->stats, ns) / (double)ns;
	for (i = 0; i < ns; i++)
		d->stats[i] = (d->stats[i] - mean) * (d->stats[i] - mean);
	var = mlw_np_sum(d->stats, ns) / (double)ns;
	fl->at_t = mean + 3 * sqrt(var);
	return fl->at_t;
}

/* Text naming the segment in a message: " (segment model=m1)", or "". */
static const char *
seg_text(struct mlw_drift *d, size_t segid)
{
	struct mlw_seg *s = d->seg;

	if (s == NULL)
		return "";
	d->segtext.len = 0;
	mlw_buf_adds(&d->segtext, " (segment ");
	mlw_key_display(&d->segtext, s->keys.ent[segid].s,
	    s->keys.ent[segid].len, s->by);
	mlw_buf_adds(&d->segtext, ")");
	mlw_buf_addc(&d->segtext, '\0');
	return d->segtext.p;
}

/* Begin a result record: the window, and the segment with --by. */
static void
record_open(struct mlw_drift *d, const struct mlw_wkey *key, size_t segid)
{
	struct mlw_buf *b = &d->out;

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_wkey_write(b, key);
	if (d->seg)
		mlw_seg_members(b, d->seg, segid);
}

/* Whether method m is a test, judged by a p-value. */
static int
has_p(int m)
{
	return mlw_dmethods[m].cmp == MLW_CMP_PLE ||
	    mlw_dmethods[m].cmp == MLW_CMP_PLT;
}

/* The records of one segment (or of the window, without --by) against its
 * reference r: its states with --emit-state; else one record per field,
 * then the dataset verdict. */
/* --detail: the field's bins and the reference's and the window's shares
 * of them, as mlw-psi --detail writes them (for mlw-report's bar charts):
 * the reference's bins for numbers (each current value binned), every
 * category seen (the reference's, then new ones) and "other". */
static void
detail(struct mlw_buf *b, const struct mlw_drift *d,
    const struct mlw_drift_field *fl, const struct mlw_drift_state *st)
{
	const struct mlw_feature *f = fl->f;
	size_t nb, k, nref = f->nbins;
	uint64_t *rc, *cc, cn = 0;

	if (f->categorical && !d->quantile) {
		nb = f->cats.n + 1;     /* the categories, then "other" */
		mlw_jw_key(b, "categories");
		mlw_jw_strs(b, &f->cats);
	} else {
		nb = nref;
		mlw_feature_bins_write(b, f);
	}
	rc = mlw_xcalloc(nb, sizeof *rc);
	cc = mlw_xcalloc(nb, sizeof *cc);
	for (k = 0; k < nref && k < nb; k++)
		rc[k < nref - 1 || nb == nref ? k : nb - 1] += f->ref[k];
	if (counted(d, fl)) {
		for (k = 0; k < st->ccap; k++)
			cc[k < nb ? k : nb - 1] += st->c[k];
	} else
		for (k = 0; k < st->n; k++)
			cc[mlw_bin_of(f->edges, f->nedges, st->v[k])]++;
	for (k = 0; k < nb; k++)
		cn += cc[k];
	mlw_feature_props_write(b, "ref", rc, nb, f->ref_n);
	mlw_feature_props_write(b, "cur", cc, nb, cn);
	free(rc);
	free(cc);
}

static void
report_seg(struct mlw_drift *d, const struct mlw_wkey *key,
    struct mlw_drift_ref *r, struct segstate *ss, size_t segid)
{
	struct mlw_drift_state *st = ss->f;
	struct mlw_buf *b = &d->out;
	size_t i, drifted = 0, evaluated = 0, np = 0;
	int wl = key->has ? (int)key->slen : 0;
	const char *wn = key->has ? "window " : "batch";

	if (d->emit) {
		for (i = 0; i < r->nf; i++)
			mlw_psiref_state_emit(b, "mlw-drift", d->hash, key,
			    d->seg, segid, r->fl[i].f, st[i].c, st[i].ccap,
			    st[i].missing);
		return;
	}
	for (i = 0; i < r->nf; i++) {
		struct mlw_drift_field *fl = &r->fl[i];
		struct mlw_dsample cur;
		struct mlw_test t;
		const char *why = NULL;
		double thr;
		int m, dr = -1;

		cur_sample(d, fl, &st[i], &cur);
		m = fl->method;
		if (m == MLW_DM_AUTO)
			m = d->quantile ? MLW_DM_PSI : mlw_dmethod_auto(&fl->ref,
			    &cur);
		if (cur.total == 0) {
			t.stat = t.p = NAN;
			why = "no values";
		} else
			t = mlw_dmethod_run(m, &fl->ref, &cur, d->js_base, &d->sc,
			    &why);
		thr = isnan(fl->threshold) ? mlw_dmethods[m].threshold :
		    fl->threshold;
		/* NannyML alerts when the statistic is strictly above the
		 * fitted threshold; a statistic that is not finite leaves the
		 * verdict to the p-value, against the method's threshold */
		if (d->autothr && cur.total && isfinite(t.stat)) {
			double at = auto_threshold(d, fl, m, cur.total);

			if (isnan(at))
				mlw_msg(&d->defthr, NULL, 0, "%s%.*s%s: %s: the "
				    "reference has fewer than 2 chunks of %llu "
				    "values; default threshold used", wn, wl,
				    key->start, seg_text(d, segid),
				    fl->f->path.text,
				    (unsigned long long)cur.total);
			else {
				thr = at;
				dr = (m == MLW_DM_Z ? fabs(t.stat) : t.stat) >
				    thr;
			}
		}
		if (dr < 0)
			dr = mlw_dmethod_verdict(m, t, thr);
		if (!isfinite(t.stat))
			mlw_msg(&d->nulls, NULL, 0, "%s%.*s%s: %s: %s: %s; "
			    "statistic is null", wn, wl, key->start,
			    seg_text(d, segid), fl->f->path.text,
			    mlw_dmethods[m].name,
			    why ? why : "the statistic is not finite");
		if (dr >= 0) {
			evaluated++;
			drifted += (size_t)dr;
		}
		/* --correction counts the p-values, whatever decided the
		 * field's verdict (--auto-threshold: the statistic) */
		if (d->correction && has_p(m) && isfinite(t.p)) {
			d->pv = mlw_grow(d->pv, &d->pvcap, np + 1, sizeof *d->pv);
			d->pv[np++] = t.p;
		}
		record_open(d, key, segid);
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, fl->f->path.text, strlen(fl->f->path.text));
		mlw_jw_key(b, "method");
		mlw_jw_str(b, mlw_dmethods[m].name,
		    strlen(mlw_dmethods[m].name));
		mlw_jw_key(b, "statistic");
		if (isfinite(t.stat))
			mlw_jw_num(b, t.stat);
		else
			mlw_jw_null(b);
		mlw_jw_key(b, "p_value");
		if (isfinite(t.p))
			mlw_jw_num(b, t.p);
		else
			mlw_jw_null(b);
		mlw_jw_key(b, "threshold");
		mlw_jw_num(b, thr);
		mlw_jw_key(b, "drift");
		if (dr < 0)
			mlw_jw_null(b);
		else
			mlw_buf_adds(b, dr ? "true" : "false");
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, cur.total);
		mlw_jw_key(b, "missing");
		mlw_jw_uint(b, st[i].missing);
		mlw_jw_key(b, "ref_n");
		mlw_jw_uint(b, fl->ref.total);
		if (d->detail)
			detail(b, d, fl, &st[i]);
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
	record_open(d, key, segid);
	mlw_jw_key(b, "drifted");
	mlw_jw_uint(b, drifted);
	mlw_jw_key(b, "features");
	mlw_jw_uint(b, evaluated);
	mlw_jw_key(b, "share");
	if (evaluated)
		mlw_jw_num(b, (double)drifted / (double)evaluated);
	else
		mlw_jw_null(b);
	if (d->correction) {
		int v = mlw_dcorrected(d->correction, d->pv, np, d->alpha);
		const char *cn = mlw_dcorrections[d->correction];

		mlw_jw_key(b, "correction");
		mlw_jw_str(b, cn, strlen(cn));
		mlw_jw_key(b, "alpha");
		mlw_jw_num(b, d->alpha);
		mlw_jw_key(b, "tests");
		mlw_jw_uint(b, np);
		mlw_jw_key(b, "dataset_drift");
		if (v < 0)
			mlw_jw_null(b);
		else
			mlw_buf_adds(b, v ? "true" : "false");
	} else {
		mlw_jw_key(b, "dataset_drift");
		if (evaluated)
			mlw_buf_adds(b, (double)drifted / (double)evaluated >=
			    d->share ? "true" : "false");
		else
			mlw_jw_null(b);
	}
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
}

/* The reference of segment id (routed, so it has one). */
static struct mlw_drift_ref *
ref_of(struct mlw_drift *d, size_t id)
{
	if (d->seg == NULL)
		return d->one;
	if (mlw_psirefs_get(&d->refs, id, d->fallback) == &d->refs.whole)
		return d->whole;
	return d->part[id];
}

/* A window closed: every segment it saw, in the order it saw them. */
static void
report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct mlw_drift *d = arg;
	struct mlw_segwin *w = state;
	size_t i;

	for (i = 0; i < w->n; i++)
		report_seg(d, key, ref_of(d, w->ids[i]), w->state[i],
		    w->ids[i]);
	mlw_out_flush();
}

/* The state of segment segid, with reference r, in a window's state. */
static struct segstate *
state_of(void *wstate, const struct mlw_drift_ref *r, size_t segid)
{
	struct segstate *ss = mlw_segwin_get(wstate, segid, sizeof *ss +
	    r->nf * sizeof ss->f[0]);

	ss->nf = r->nf;
	return ss;
}

/* Set up field fl from its reference feature f. */
static void
setup_field(struct mlw_drift *d, struct mlw_drift_field *fl, struct mlw_feature *f,
    int method, double threshold)
{
	struct mlw_dsample *r = &fl->ref;

	fl->f = f;
	fl->method = method;
	fl->threshold = threshold;
	fl->at_n = 0;
	if (d->quantile && method != MLW_DM_AUTO &&
	    !mlw_dmethods[method].binned)
		mlw_fatal("%s: --binning quantile works with psi, kl and "
		    "jensenshannon only, not %s", f->path.text,
		    mlw_dmethods[method].name);
	if (method != MLW_DM_AUTO && mlw_dmethods[method].numeric &&
	    f->categorical)
		mlw_fatal("%s is categorical, and %s needs numbers (choose "
		    "another method with --method-for %s=NAME)", f->path.text,
		    mlw_dmethods[method].name, f->path.text);
	if (d->quantile) {
		r->c = f->ref;
		r->k = f->nbins;
		r->total = f->ref_n;
	} else if (f->categorical) {
		/* the reference's counts, without the profile's "other" bin */
		fl->refc = mlw_xcalloc(f->cats.n ? f->cats.n : 1,
		    sizeof *fl->refc);
		memcpy(fl->refc, f->ref, f->cats.n * sizeof *fl->refc);
		r->c = fl->refc;
		r->k = f->cats.n;
		r->total = f->ref_n;
		r->names = &f->cats;
	} else {
		r->x = f->vals;
		r->n = f->nvals;
		r->total = f->nvals;
		r->std = sqrt(mlw_np_var(f->vals, f->nvals, NULL));   /* np.std */
		r->distinct = mlw_distinct(f->vals, f->nvals);
	}
}

/* Whether "PATH=METHOD" names the path of feature f. */
static int
names_feature(const char *mfor, const struct mlw_feature *f)
{
	size_t len = (size_t)(strrchr(mfor, '=') - mfor);

	return strlen(f->path.text) == len &&
	    strncmp(mfor, f->path.text, len) == 0;
}

/* The reading of reference p: each field given method, or the method of
 * the last of mfor[0..nmfor) naming it, and threshold. */
static struct mlw_drift_ref *
ref_new(struct mlw_drift *d, struct mlw_psiref *p, int method,
    char *const *mfor, size_t nmfor, double threshold)
{
	struct mlw_drift_ref *r = mlw_xcalloc(1, sizeof *r);
	struct mlw_path *paths;
	size_t i, j;

	r->prof = p;
	r->nf = p->nf;
	r->fl = mlw_xcalloc(r->nf, sizeof *r->fl);
	r->tok = mlw_xcalloc(r->nf, sizeof *r->tok);
	r->slot = mlw_xcalloc(r->nf, sizeof *r->slot);
	r->val = mlw_xcalloc(r->nf, sizeof *r->val);
	paths = mlw_xcalloc(r->nf, sizeof *paths);
	for (i = 0; i < r->nf; i++) {
		struct mlw_feature *f = &p->f[i];
		int m = method;

		for (j = 0; j < nmfor; j++)
			if (names_feature(mfor[j], f))
				m = mlw_dmethod_find(strrchr(mfor[j], '=') + 1);
		setup_field(d, &r->fl[i], f, m, threshold);
		paths[i] = f->path;
	}
	mlw_pathset_init(&r->set, paths, r->nf);
	free(paths);
	return r;
}

static void
ref_free(struct mlw_drift_ref *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nf; i++)
		free(r->fl[i].refc);
	free(r->fl);
	free(r->tok);
	free(r->slot);
	free(r->val);
	mlw_pathset_free(&r->set);
	free(r);
}

/* Field i's value at token tok. With st NULL: check it, reading the number
 * into *val or resolving the category's slot (adding it to the field's
 * categories), or say why it cannot be taken: -1 (why set). With st: add
 * the value checked before to the window state. */
static int
take(struct mlw_drift *d, struct mlw_drift_field *fl, const struct mlw_json *doc,
    long tok, struct mlw_drift_state *st, long *slot, double *val, char *why)
{
	struct mlw_feature *f = fl->f;
	const char *cat;
	size_t len;
	int r;

	if (st == NULL) {
		/* check, and resolve the slot */
		if (d->quantile) {
			*slot = mlw_feature_bin(f, doc, tok, why);
			return *slot == -2 ? -1 : 0;
		}
		r = mlw_feature_value(f, doc, tok, val, &cat, &len, why);
		if (r == -2)
			return -1;
		if (r == -1) {
			*slot = -1;
			return 0;
		}
		if (!f->categorical) {
			*slot = 0;
			return 0;
		}
		*slot = mlw_strmap_find(&f->cats, cat, len);
		if (*slot < 0) {
			if (f->cats.n >= MLW_DRIFT_MAX_CATEGORIES) {
				snprintf(why, 128, "%s: more than %d distinct "
				    "categories", f->path.text, MLW_DRIFT_MAX_CATEGORIES);
				return -1;
			}
			*slot = (long)mlw_strmap_add(&f->cats, cat, len);
		}
		return 0;
	}
	if (*slot == -1) {
		st->missing++;
		return 0;
	}
	if (counted(d, fl)) {
		if ((size_t)*slot >= st->ccap) {
			size_t old = st->ccap;

			st->c = mlw_grow(st->c, &st->ccap, (size_t)*slot + 1,
			    sizeof *st->c);
			memset(st->c + old, 0, (st->ccap - old) * sizeof *st->c);
		}
		st->c[*slot]++;
		return 0;
	}
	st->v = mlw_grow(st->v, &st->cap, st->n + 1, sizeof *st->v);
	st->v[st->n++] = *val;
	return 0;
}

/* Read every field of a data record against r: 0, or -1 with why (room
 * for 128 bytes) when a value has the wrong type (nothing is taken then). */
static int
check(struct mlw_drift *d, struct mlw_drift_ref *r, const struct mlw_json *doc,
    char *why)
{
	size_t i;

	mlw_json_getset(doc, &r->set, r->tok);
	for (i = 0; i < r->nf; i++)
		if (take(d, &r->fl[i], doc, r->tok[i], NULL, &r->slot[i],
		    &r->val[i], why) < 0)
			return -1;
	return 0;
}

/* Add the values just checked to a segment's state. */
static void
add(struct mlw_drift *d, struct mlw_drift_ref *r, struct segstate *ss)
{
	char why[128];
	size_t i;

	for (i = 0; i < r->nf; i++)
		take(d, &r->fl[i], NULL, -1, &ss->f[i], &r->slot[i],
		    &r->val[i], why);
}

/* --merge (quantile binning): add up the states of in, then report every
 * window as a single pass would. */
static void
merge(struct mlw_drift *d, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in si;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t *tmp = NULL;
	size_t i, maxb = 0;
	long k;

	memset(&doc, 0, sizeof doc);
	mlw_state_in_init(&si, "mlw-drift", d->hash);
	while (mlw_state_next(&si, in, &ln, &doc, &key)) {
		struct mlw_drift_ref *r = d->one;
		struct mlw_drift_state *st;
		size_t segid = 0, nb;

		if (d->seg) {
			long id = mlw_psirefs_state_route(&d->refs, d->seg,
			    d->fallback, &si, &doc, &ln);

			if (id < 0)
				continue;
			segid = (size_t)id;
			r = ref_of(d, segid);
		}
		for (i = 0; i < r->nf; i++)
			if (r->fl[i].f->nbins + 1 > maxb) {
				maxb = r->fl[i].f->nbins + 1;
				tmp = mlw_xrealloc(tmp, maxb * sizeof *tmp);
			}
		if ((k = mlw_psiref_state_read(r->prof, &si, &ln, &doc,
		    tmp)) < 0)
			continue;
		st = &state_of(mlw_wtab_open(tab, &key), r, segid)->f[k];
		nb = r->fl[k].f->nbins;
		if (nb > st->ccap) {
			size_t old = st->ccap;

			st->c = mlw_grow(st->c, &st->ccap, nb, sizeof *st->c);
			memset(st->c + old, 0, (st->ccap - old) * sizeof *st->c);
		}
		for (i = 0; i < nb; i++)
			st->c[i] += tmp[i];
		st->missing += tmp[nb];
	}
	mlw_state_in_check(&si);
	mlw_wtab_close_all(tab);
	free(tmp);
	mlw_json_free(&doc);
}

void
mlw_drift_free(struct mlw_drift *d)
{
	size_t i;

	ref_free(d->one);
	for (i = 0; i < d->npart; i++)
		ref_free(d->part[i]);
	free(d->part);
	ref_free(d->whole);
	free(d->chunk);
	free(d->chunkc);
	free(d->stats);
	free(d->pv);
	mlw_buf_free(&d->out);
	mlw_buf_free(&d->segtext);
	mlw_dscratch_free(&d->sc);
	if (d->seg)
		mlw_psirefs_free(&d->refs);
	else
		mlw_psiref_free(&d->prof);
}

/* Whether the path of "PATH=METHOD" is a field of reference p. */
static int
has_field(const struct mlw_psiref *p, const char *mfor)
{
	size_t i;

	for (i = 0; i < p->nf; i++)
		if (names_feature(mfor, &p->f[i]))
			return 1;
	return 0;
}

/* --correction's level: every test a field of r can be compared by (with
 * auto, those it may pick: ks, chisquare, z) must have the same p-value
 * threshold, d->alpha (NAN until one is seen); *who names the first. */
static void
alpha_of(struct mlw_drift *d, const struct mlw_drift_ref *r, const char **who,
    int *whom)
{
	static const int picks[] = { MLW_DM_KS, MLW_DM_CHISQUARE, MLW_DM_Z };
	size_t i, j;

	for (i = 0; r && i < r->nf; i++) {
		const struct mlw_drift_field *fl = &r->fl[i];

		for (j = 0; j < 3; j++) {
			int m = fl->method == MLW_DM_AUTO ? picks[j] : fl->method;
			double t;

			if (!has_p(m) || (fl->method == MLW_DM_AUTO && d->quantile))
				continue;
			t = isnan(fl->threshold) ? mlw_dmethods[m].threshold :
			    fl->threshold;
			if (isnan(d->alpha)) {
				d->alpha = t;
				*who = fl->f->path.text;
				*whom = m;
			} else if (t != d->alpha)
				mlw_fatal("--correction: the tests have "
				    "different p-value thresholds (%s: %s %g, "
				    "%s: %s %g); give one with --threshold",
				    *who, mlw_dmethods[*whom].name, d->alpha,
				    fl->f->path.text, mlw_dmethods[m].name, t);
		}
	}
}

/* --correction: its level (alpha_of each reference; with no test at all,
 * --threshold or Alibi Detect's default 0.05), and the option joins the
 * hash, so that states merge only with states made with it. */
static void
correction_setup(struct mlw_drift *d, double threshold)
{
	const char *who = NULL;
	const char *cn = mlw_dcorrections[d->correction];
	int whom = 0;
	size_t i;

	d->alpha = NAN;
	alpha_of(d, d->one, &who, &whom);
	alpha_of(d, d->whole, &who, &whom);
	for (i = 0; i < d->npart; i++)
		alpha_of(d, d->part[i], &who, &whom);
	if (isnan(d->alpha)) {
		d->alpha = isnan(threshold) ? 0.05 : threshold;
		if (!d->emit)
			mlw_warnx("--correction %s: every field is compared by "
			    "a distance, which has no p-value: tests will be 0 "
			    "and dataset_drift null", cn);
	}
	d->hash = mlw_hash_str(mlw_hash_str(d->hash, "correction"), cn);
}

void
mlw_drift_load(struct mlw_drift *d, const char *ref,
    const struct mlw_psiref_opts *po, int method, char *const *mfor,
    size_t nmfor, double threshold)
{
	struct mlw_psirefs *rs = &d->refs;
	size_t i, j;
	int saved;

	d->nulls.what = "null statistics";
	d->defthr.what = "default thresholds used";
	if (d->seg == NULL) {
		mlw_psiref_load(&d->prof, ref, po);
		saved = d->prof.saved;
	} else {
		mlw_psirefs_load(rs, d->seg, ref, po, d->fallback);
		saved = rs->has_whole && rs->whole.saved;
	}
	if (saved && !d->quantile)
		mlw_fatal("%s is a saved profile: it has bins, not values; use "
		    "--binning quantile with psi, kl or jensenshannon", ref);
	if (saved && d->autothr)
		mlw_fatal("--auto-threshold needs reference records, not the "
		    "saved profile %s", ref);
	/* a --method-for path must be a field of some reference */
	for (j = 0; j < nmfor; j++) {
		int found = d->seg == NULL ? has_field(&d->prof, mfor[j]) :
		    rs->has_whole && has_field(&rs->whole, mfor[j]);

		for (i = 0; d->seg && !found && i < rs->npart; i++)
			found = rs->part[i] && has_field(rs->part[i], mfor[j]);
		if (!found)
			mlw_fatal("--method-for: %.*s is not a field of the "
			    "reference", (int)(strrchr(mfor[j], '=') - mfor[j]),
			    mfor[j]);
	}
	if (d->seg == NULL) {
		d->one = ref_new(d, &d->prof, method, mfor, nmfor, threshold);
		d->hash = mlw_psiref_hash(&d->prof);
		if (d->correction)
			correction_setup(d, threshold);
		return;
	}
	if (rs->has_whole)
		d->whole = ref_new(d, &rs->whole, method, mfor, nmfor,
		    threshold);
	d->npart = rs->npart;
	d->part = mlw_xcalloc(d->npart ? d->npart : 1, sizeof *d->part);
	for (i = 0; i < rs->npart; i++)
		if (rs->part[i])
			d->part[i] = ref_new(d, rs->part[i], method, mfor,
			    nmfor, threshold);
	d->hash = mlw_psirefs_hash(rs, d->seg);
	if (d->correction)
		correction_setup(d, threshold);
}

void
mlw_drift_run(struct mlw_drift *d, int merge_states, struct mlw_input *in)
{
	struct mlw_wtab *tab;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t seen = 0;
	char why[128];

	tab = mlw_wtab_new(sizeof(struct mlw_segwin), reset, report, d);
	mlw_wtab_set_destroy(tab, destroy);
	if (merge_states) {
		merge(d, tab, in);
		mlw_wtab_free(tab);
		return;
	}
	memset(&doc, 0, sizeof doc);
	while (mlw_record_next(in, &ln, &doc)) {
		struct mlw_drift_ref *r = d->one;
		size_t segid = 0;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if (d->seg) {
			long id = mlw_psirefs_route(&d->refs, d->seg,
			    d->fallback, &doc, &ln);

			if (id < 0)
				continue;
			segid = (size_t)id;
			r = ref_of(d, segid);
		}
		seen++;
		if (check(d, r, &doc, why) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", why);
			continue;
		}
		add(d, r, state_of(mlw_wtab_open(tab, &key), r, segid));
	}
	mlw_wtab_close_all(tab);
	if (d->seg)
		mlw_seg_warn(d->seg, seen);
	if (d->emit)
		mlw_state_end("mlw-drift", d->hash);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}
