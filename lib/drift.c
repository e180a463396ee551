/* drift: mlw-drift's work per window (see drift.h). */
#include "drift.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "drift_method.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "out.h"
#include "psiref.h"
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


void
mlw_drift_reset(void *state, void *arg)
{
	struct mlw_drift *d = arg;
	struct mlw_drift_state *st = state;
	size_t i;

	for (i = 0; i < d->nf; i++) {
		st[i].n = 0;
		st[i].missing = 0;
		if (st[i].c)
			memset(st[i].c, 0, st[i].ccap * sizeof *st[i].c);
	}
}

void
mlw_drift_destroy(void *state, void *arg)
{
	struct mlw_drift *d = arg;
	struct mlw_drift_state *st = state;
	size_t i;

	for (i = 0; i < d->nf; i++) {
		free(st[i].v);
		free(st[i].c);
	}
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

void
mlw_drift_report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct mlw_drift *d = arg;
	struct mlw_drift_state *st = state;
	struct mlw_buf *b = &d->out;
	size_t i, drifted = 0, evaluated = 0;
	int wl = key->has ? (int)key->slen : 0;
	const char *wn = key->has ? "window " : "batch";

	if (d->emit) {
		for (i = 0; i < d->nf; i++)
			mlw_psiref_state_emit(b, "mlw-drift", d->hash, key, NULL, 0,
			    d->fl[i].f, st[i].c, st[i].ccap, st[i].missing);
		mlw_out_flush();
		return;
	}
	for (i = 0; i < d->nf; i++) {
		struct mlw_drift_field *fl = &d->fl[i];
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
				mlw_msg(&d->fallback, NULL, 0, "%s%.*s: %s: the "
				    "reference has fewer than 2 chunks of %llu "
				    "values; default threshold used", wn, wl,
				    key->start, fl->f->path.text,
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
			mlw_msg(&d->nulls, NULL, 0, "%s%.*s: %s: %s: %s; "
			    "statistic is null", wn, wl, key->start,
			    fl->f->path.text, mlw_dmethods[m].name,
			    why ? why : "the statistic is not finite");
		if (dr >= 0) {
			evaluated++;
			drifted += (size_t)dr;
		}
		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
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
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_wkey_write(b, key);
	mlw_jw_key(b, "drifted");
	mlw_jw_uint(b, drifted);
	mlw_jw_key(b, "features");
	mlw_jw_uint(b, evaluated);
	mlw_jw_key(b, "share");
	if (evaluated)
		mlw_jw_num(b, (double)drifted / (double)evaluated);
	else
		mlw_jw_null(b);
	mlw_jw_key(b, "dataset_drift");
	if (evaluated)
		mlw_buf_adds(b, (double)drifted / (double)evaluated >= d->share ?
		    "true" : "false");
	else
		mlw_jw_null(b);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
	mlw_out_flush();
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

/* Field i's value at token tok. With st NULL: check it, reading the number
 * into *val or resolving the category's slot (adding it to the field's
 * categories), or say why it cannot be taken: -1 (why set). With st: add
 * the value checked before to the window state. */
static int
take(struct mlw_drift *d, size_t i, const struct mlw_json *doc,
    long tok, struct mlw_drift_state *st, long *slot, double *val, char *why)
{
	struct mlw_drift_field *fl = &d->fl[i];
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


void
mlw_drift_setup(struct mlw_drift *d, const int *methods, double threshold)
{
	struct mlw_path *paths;
	size_t i;

	d->nf = d->prof.nf;
	d->fl = mlw_xcalloc(d->nf, sizeof *d->fl);
	paths = mlw_xcalloc(d->nf, sizeof *paths);
	d->tok = mlw_xcalloc(d->nf, sizeof *d->tok);
	d->slot = mlw_xcalloc(d->nf, sizeof *d->slot);
	d->val = mlw_xcalloc(d->nf, sizeof *d->val);
	d->nulls.what = "null statistics";
	d->fallback.what = "default thresholds used";
	for (i = 0; i < d->nf; i++) {
		struct mlw_feature *f = &d->prof.f[i];
		int m = methods[i];

		if (d->quantile && m != MLW_DM_AUTO && !mlw_dmethods[m].binned)
			mlw_fatal("%s: --binning quantile works with psi, kl "
			    "and jensenshannon only, not %s", f->path.text,
			    mlw_dmethods[m].name);
		setup_field(d, &d->fl[i], f, m, threshold);
		paths[i] = f->path;
	}
	mlw_pathset_init(&d->set, paths, d->nf);
	free(paths);
	d->hash = mlw_psiref_hash(&d->prof);
}

size_t
mlw_drift_state_size(const struct mlw_drift *d)
{
	return d->nf * sizeof(struct mlw_drift_state);
}

int
mlw_drift_check(struct mlw_drift *d, const struct mlw_json *doc,
    char *why)
{
	size_t i;

	mlw_json_getset(doc, &d->set, d->tok);
	for (i = 0; i < d->nf; i++)
		if (take(d, i, doc, d->tok[i], NULL, &d->slot[i], &d->val[i],
		    why) < 0)
			return -1;
	return 0;
}

void
mlw_drift_add(struct mlw_drift *d, void *state)
{
	struct mlw_drift_state *st = state;
	char why[128];
	size_t i;

	for (i = 0; i < d->nf; i++)
		take(d, i, NULL, -1, &st[i], &d->slot[i], &d->val[i], why);
}

void
mlw_drift_merge(struct mlw_drift *d, struct mlw_wtab *tab,
    struct mlw_input *in)
{
	struct mlw_state_in r;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t *tmp;
	size_t i, maxb = 1;
	long k;

	memset(&doc, 0, sizeof doc);
	for (i = 0; i < d->nf; i++)
		if (d->fl[i].f->nbins > maxb)
			maxb = d->fl[i].f->nbins;
	tmp = mlw_xcalloc(maxb + 1, sizeof *tmp);
	mlw_state_in_init(&r, "mlw-drift", d->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		struct mlw_drift_state *st;
		size_t nb;

		if ((k = mlw_psiref_state_read(&d->prof, &r, &ln, &doc,
		    tmp)) < 0)
			continue;
		st = (struct mlw_drift_state *)mlw_wtab_open(tab, &key) + k;
		nb = d->fl[k].f->nbins;
		if (nb > st->ccap) {
			size_t old = st->ccap;

			st->c = mlw_grow(st->c, &st->ccap, nb, sizeof *st->c);
			memset(st->c + old, 0, (st->ccap - old) * sizeof *st->c);
		}
		for (i = 0; i < nb; i++)
			st->c[i] += tmp[i];
		st->missing += tmp[nb];
	}
	mlw_state_in_check(&r);
	mlw_wtab_close_all(tab);
	free(tmp);
	mlw_json_free(&doc);
}

void
mlw_drift_free(struct mlw_drift *d)
{
	size_t i;

	for (i = 0; i < d->nf; i++)
		free(d->fl[i].refc);
	free(d->fl);
	free(d->tok);
	free(d->slot);
	free(d->val);
	free(d->chunk);
	free(d->chunkc);
	free(d->stats);
	mlw_pathset_free(&d->set);
	mlw_buf_free(&d->out);
	mlw_dscratch_free(&d->sc);
	mlw_psiref_free(&d->prof);
}

void
mlw_drift_load(struct mlw_drift *d, const char *ref,
    const struct mlw_psiref_opts *po, int method, char *const *mfor,
    size_t nmfor, double threshold)
{
	int *methods;
	size_t i, j;

	mlw_psiref_load(&d->prof, ref, po);
	if (d->prof.saved && !d->quantile)
		mlw_fatal("%s is a saved profile: it has bins, not values; use "
		    "--binning quantile with psi, kl or jensenshannon", ref);
	if (d->prof.saved && d->autothr)
		mlw_fatal("--auto-threshold needs reference records, not the "
		    "saved profile %s", ref);
	methods = mlw_xcalloc(d->prof.nf, sizeof *methods);
	for (i = 0; i < d->prof.nf; i++)
		methods[i] = method;
	for (j = 0; j < nmfor; j++) {
		const char *eq = strrchr(mfor[j], '=');
		size_t len = (size_t)(eq - mfor[j]);

		for (i = 0; i < d->prof.nf; i++)
			if (strlen(d->prof.f[i].path.text) == len &&
			    strncmp(mfor[j], d->prof.f[i].path.text, len) == 0)
				break;
		if (i == d->prof.nf)
			mlw_fatal("--method-for: %.*s is not a field of the "
			    "reference", (int)len, mfor[j]);
		methods[i] = mlw_dmethod_find(eq + 1);
	}
	mlw_drift_setup(d, methods, threshold);
	free(methods);
}

void
mlw_drift_run(struct mlw_drift *d, int merge, struct mlw_input *in)
{
	struct mlw_wtab *tab;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	char why[128];

	tab = mlw_wtab_new(mlw_drift_state_size(d), mlw_drift_reset,
	    mlw_drift_report, d);
	mlw_wtab_set_destroy(tab, mlw_drift_destroy);
	if (merge) {
		mlw_drift_merge(d, tab, in);
		mlw_wtab_free(tab);
		return;
	}
	memset(&doc, 0, sizeof doc);
	while (mlw_record_next(in, &ln, &doc)) {
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if (mlw_drift_check(d, &doc, why) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", why);
			continue;
		}
		mlw_drift_add(d, mlw_wtab_open(tab, &key));
	}
	mlw_wtab_close_all(tab);
	if (d->emit)
		mlw_state_end("mlw-drift", d->hash);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}
