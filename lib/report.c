#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "out.h"
#include "report_priv.h"
#include "strmap.h"
#include "times.h"
#include "xalloc.h"

static const char *const value_names[] = {
	"psi", "statistic", "drift_score", "value", "accuracy", "f1",
	"roc_auc", "rmse", "mae"
};
static const char *const skip_names[] = {
	"n", "missing", "ref_n", "count", "records", "index", "unlabeled",
	"positives", "tp", "fp", "tn", "fn", "window_start", "window_end",
	"threshold", "p_value", "bins"
};
static const char *const series_names[] = {
	"feature", "segment", "column", "metric", "method", "agg", "field"
};

struct mlw_report *
mlw_report_new(const struct mlw_report_opts *o)
{
	struct mlw_report *r = mlw_xcalloc(1, sizeof *r);
	size_t i;

	r->o = *o;
	if (r->o.width <= 0)
		r->o.width = 80;
	if (o->nvalues) {
		r->vpath = mlw_xcalloc(o->nvalues, sizeof *r->vpath);
		for (i = 0; i < o->nvalues; i++)
			if (mlw_path_parse(&r->vpath[i], o->values[i]) < 0)
				mlw_fatal("--value: %s, found '%s'",
				    MLW_PATH_EXPECTED, o->values[i]);
	}
	if (o->nseries) {
		r->spath = mlw_xcalloc(o->nseries, sizeof *r->spath);
		r->sfound = mlw_xcalloc(o->nseries, 1);
		for (i = 0; i < o->nseries; i++)
			if (mlw_path_parse(&r->spath[i], o->series[i]) < 0)
				mlw_fatal("--series: %s, found '%s'",
				    MLW_PATH_EXPECTED, o->series[i]);
	}
	return r;
}

/* A scalar as text: strings decoded, numbers shortest, others raw. */
char *
mlw_rep_scalar_text(const struct mlw_json *doc, long i)
{
	struct mlw_buf b = { 0 };

	mlw_key_label(&b, doc, i);
	mlw_buf_addc(&b, '\0');
	return b.p;
}

static int
in_list(const char *const *l, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(l[i]) == len && memcmp(l[i], s, len) == 0)
			return 1;
	return 0;
}

static int
parse_time_tok(const struct mlw_json *doc, long i, int64_t *t)
{
	const char *why;

	return doc->tok[i].type == MLW_JSTR && !doc->tok[i].esc &&
	    mlw_time_parse(doc->src + doc->tok[i].start + 1,
	    doc->tok[i].len - 2, t, &why) == 0;
}

static void
add_alert(struct mlw_report *r, const struct mlw_json *doc, long name)
{
	struct arec *a;
	long st = mlw_json_member(doc, 0, "status", 6);
	long sv = mlw_json_member(doc, 0, "severity", 8);
	long sm = mlw_json_member(doc, 0, "summary", 7);
	long lb = mlw_json_member(doc, 0, "labels", 6);
	long sa = mlw_json_member(doc, 0, "starts_at", 9);
	long ea = mlw_json_member(doc, 0, "ends_at", 7);
	long va = mlw_json_member(doc, 0, "value", 5);
	uint32_t i;

	r->al = mlw_grow(r->al, &r->acap, r->nal + 1, sizeof *r->al);
	a = &r->al[r->nal++];
	memset(a, 0, sizeof *a);
	a->name = mlw_rep_scalar_text(doc, name);
	a->status = st >= 0 ? mlw_rep_scalar_text(doc, st) : mlw_xstrndup("firing", 6);
	a->severity = sv >= 0 ? mlw_rep_scalar_text(doc, sv) : mlw_xstrndup("", 0);
	a->summary = sm >= 0 && doc->tok[sm].type == MLW_JSTR ?
	    mlw_rep_scalar_text(doc, sm) : NULL;
	if (sa >= 0)
		parse_time_tok(doc, sa, &a->starts);
	if (ea >= 0)
		a->has_ends = parse_time_tok(doc, ea, &a->ends);
	{
		long w = mlw_json_member(doc, 0, "window_start", 12);

		a->has_ws = w >= 0 && parse_time_tok(doc, w, &a->ws);
	}
	if (va >= 0 && doc->tok[va].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)va, &a->value) == 0)
		a->hasv = 1;
	if (lb >= 0 && doc->tok[lb].type == MLW_JOBJ)
		for (i = (uint32_t)lb + 1; i < doc->tok[lb].next;
		    i = doc->tok[i + 1].next) {
			a->lk = mlw_xrealloc(a->lk,
			    (a->nl + 1) * sizeof *a->lk);
			a->lv = mlw_xrealloc(a->lv,
			    (a->nl + 1) * sizeof *a->lv);
			a->lk[a->nl] = mlw_rep_scalar_text(doc, i);
			a->lv[a->nl] = mlw_rep_scalar_text(doc, i + 1);
			a->nl++;
		}
}

/* The number a value token stands for: a number, NaN for null, 1 and 0
 * for true and false (a verdict as a gauge); -1 for any other token. */
static int
value_of(const struct mlw_json *doc, long v, double *d)
{
	if (v < 0)
		return -1;
	switch (doc->tok[v].type) {
	case MLW_JNUM:
		if (mlw_json_num(doc, (uint32_t)v, d) < 0)
			*d = NAN;
		return 0;
	case MLW_JNULL:
		*d = NAN;
		return 0;
	case MLW_JTRUE:
	case MLW_JFALSE:
		*d = doc->tok[v].type == MLW_JTRUE;
		return 0;
	}
	return -1;
}

#define MAX_BY 64

/* The --by members of a record's segment: the members right after
 * "segment" whose names, each followed by '=', begin the parts of its
 * display text in turn (mlw_seg_members writes them so; a path may hold
 * '=' or ','). Their key tokens into out[0..MAX_BY); the count. */
static size_t
seg_members(const struct mlw_json *doc, uint32_t *out)
{
	uint32_t i, end = doc->tok[0].next;
	size_t n = 0, pos = 0, tl;
	char *text = NULL;

	for (i = 1; i < end; i = doc->tok[i + 1].next)
		if (mlw_json_streq(doc, i, "segment", 7)) {
			if (doc->tok[i + 1].type == MLW_JSTR)
				text = mlw_rep_scalar_text(doc, (long)i + 1);
			i = doc->tok[i + 1].next;
			break;
		}
	if (text == NULL)
		return 0;
	tl = strlen(text);
	for (; i < end && n < MAX_BY && pos < tl; i = doc->tok[i + 1].next) {
		size_t len, p;
		char *name = mlw_json_cstr(doc, i, &len);
		int t = doc->tok[i + 1].type;

		if (t == MLW_JARR || t == MLW_JOBJ || pos + len >= tl ||
		    memcmp(text + pos, name, len) != 0 ||
		    text[pos + len] != '=') {
			free(name);
			break;
		}
		free(name);
		p = pos + len + 1;
		if (text[p] == '"') {   /* a quoted value: to its end quote */
			for (p++; p < tl && text[p] != '"'; p++)
				if (text[p] == '\\' && p + 1 < tl)
					p++;
			if (p < tl)
				p++;
		} else
			while (p < tl && text[p] != ',')
				p++;
		if (p < tl && text[p] == ',')
			p++;
		pos = p;
		out[n++] = i;
	}
	free(text);
	return n;
}

/* Series s's --by labels (when it has a "segment" label): its record's
 * --by members and their values, a JSON null as "null". */
static void
by_labels(const struct mlw_json *doc, struct ser *s)
{
	uint32_t m[MAX_BY];
	size_t n, k;

	for (k = 0; k < s->nl && strcmp(s->lk[k], "segment") != 0; k++)
		;
	if (k == s->nl)
		return;
	n = seg_members(doc, m);
	if (n == 0)
		return;
	s->bk = mlw_xcalloc(n, sizeof *s->bk);
	s->bv = mlw_xcalloc(n, sizeof *s->bv);
	for (k = 0; k < n; k++) {
		size_t len;

		s->bk[k] = mlw_json_cstr(doc, m[k], &len);
		s->bv[k] = doc->tok[m[k] + 1].type == MLW_JNULL ?
		    mlw_xstrndup("null", 4) : mlw_rep_scalar_text(doc,
		    (long)m[k] + 1);
	}
	s->nb = n;
}

/* Whether member key token i names a series (a label), a --by path of
 * the record's segment (bym[0..nbym)), or the window: not a value. */
static int
is_label_member(const struct mlw_report *r, const struct mlw_json *doc,
    uint32_t i, const uint32_t *bym, size_t nbym)
{
	const char *k = doc->src + doc->tok[i].start + 1;
	size_t len = doc->tok[i].len - 2, j;

	for (j = 0; j < nbym; j++)
		if (bym[j] == i)
			return 1;
	if ((len == 12 && memcmp(k, "window_start", 12) == 0) ||
	    (len == 10 && memcmp(k, "window_end", 10) == 0))
		return 1;
	if (r->spath) {
		for (j = 0; j < r->o.nseries; j++)
			if (strlen(r->o.series[j]) == len &&
			    memcmp(r->o.series[j], k, len) == 0)
				return 1;
		return 0;
	}
	return in_list(series_names, sizeof series_names /
	    sizeof *series_names, k, len);
}

/* Add value d of field vname in window wi to its series (made when new):
 * the series' index. */
static size_t
add_value(struct mlw_report *r, const struct mlw_json *doc, size_t wi,
    const char *vname, double d, int verdict, int kind)
{
	struct mlw_buf key = { 0 };
	size_t si, k;
	char **lk = NULL, **lv = NULL;
	size_t nl = 0, ns = r->spath ? r->o.nseries :
	    sizeof series_names / sizeof *series_names;

	/* the series: labels from --series or the usual names */
	mlw_buf_adds(&key, vname);
	for (k = 0; k < ns; k++) {
		long s;
		const char *fname;

		if (r->spath) {
			s = mlw_json_get(doc, 0, &r->spath[k]);
			fname = r->o.series[k];
		} else {
			fname = series_names[k];
			s = mlw_json_member(doc, 0, fname, strlen(fname));
		}
		if (mlw_json_missing(doc, s))
			continue;
		if (r->spath)
			r->sfound[k] = 1;
		lk = mlw_xrealloc(lk, (nl + 1) * sizeof *lk);
		lv = mlw_xrealloc(lv, (nl + 1) * sizeof *lv);
		lk[nl] = mlw_xstrndup(fname, strlen(fname));
		lv[nl] = mlw_rep_scalar_text(doc, s);
		/* quoted: no name or value can hold a separator */
		mlw_jw_str(&key, fname, strlen(fname));
		mlw_jw_str(&key, lv[nl], strlen(lv[nl]));
		nl++;
	}
	si = mlw_strmap_add(&r->smap, key.p, key.len);
	if (si == r->nser) {            /* a new series */
		struct ser *s;

		r->ser = mlw_grow(r->ser, &r->scap, si + 1, sizeof *r->ser);
		r->det = mlw_grow(r->det, &r->dcap, si + 1, sizeof *r->det);
		r->nser++;
		s = &r->ser[si];
		memset(s, 0, sizeof *s);
		memset(&r->det[si], 0, sizeof r->det[si]);
		s->field = mlw_xstrndup(vname, strlen(vname));
		s->kind = kind;
		s->primary = (kind == K_DRIFT || kind == K_MV) &&
		    (strcmp(vname, "statistic") == 0 || strcmp(vname, "psi") == 0);
		s->thr = NAN;
		s->nl = nl;
		s->lk = lk;
		s->lv = lv;
		by_labels(doc, s);
		mlw_strmap_add(&r->fields, s->field, strlen(s->field));
		lk = lv = NULL;
		nl = 0;
	}
	for (k = 0; k < nl; k++) {
		free(lk[k]);
		free(lv[k]);
	}
	free(lk);
	free(lv);
	mlw_buf_free(&key);
	if (r->ser[si].primary) {       /* its records' own threshold */
		long t = mlw_json_member(doc, 0, "threshold", 9);
		long m = mlw_json_member(doc, 0, "method", 6);
		double x;
		char *mt = m >= 0 ? mlw_rep_scalar_text(doc, m) : NULL;
		int onp = mt && mlw_rep_thr_on_p(mt);

		free(mt);
		if (!onp && t >= 0 && doc->tok[t].type == MLW_JNUM &&
		    mlw_json_num(doc, (uint32_t)t, &x) == 0)
			r->ser[si].thr = x;
	}
	if (r->ncell >= 2 * r->nwin * r->nser + 1024) {
		/* keep the last value of each (window, series) only */
		size_t n = 0, c;
		char *seen = mlw_xcalloc(r->nwin * r->nser + 1, 1);

		for (c = r->ncell; c-- > 0;) {
			size_t at = r->cell[c].w * r->nser + r->cell[c].s;

			if (!seen[at]) {
				seen[at] = 1;
				r->cell[n++] = r->cell[c];
			}
		}
		for (c = 0; c < n / 2; c++) {   /* back to record order */
			struct cell t = r->cell[c];

			r->cell[c] = r->cell[n - 1 - c];
			r->cell[n - 1 - c] = t;
		}
		r->ncell = n;
		free(seen);
	}
	r->cell = mlw_grow(r->cell, &r->ccap, r->ncell + 1, sizeof *r->cell);
	r->cell[r->ncell].w = wi;
	r->cell[r->ncell].s = si;
	r->cell[r->ncell].v = d;
	/* a record's verdict is about its statistic, not its counts */
	r->cell[r->ncell].verdict = (signed char)(strcmp(vname, "p_value") != 0 &&
	    in_list(skip_names, sizeof skip_names / sizeof *skip_names, vname,
	    strlen(vname)) ? -1 : verdict);
	r->ncell++;
	return si;
}

int
mlw_report_add(struct mlw_report *r, const struct mlw_json *doc,
    const char **why)
{
	long v = -1, ws, we, al, t;
	uint32_t i;
	struct mlw_buf key = { 0 };
	size_t wi, si = 0, k, np = 0, pcap = 0;
	char *vname = NULL;
	double d = NAN, first = NAN;
	int verdict = -1, kind;
	uint32_t bym[MAX_BY];
	size_t nbym = 0;
	/* the record's values: field name (owned) and number */
	struct pick { char *name; double d; } *pk = NULL;

	if (mlw_json_member(doc, 0, "mlw", 3) >= 0)
		return 1;
	al = mlw_json_member(doc, 0, "alert", 5);
	if (al >= 0 && mlw_json_member(doc, 0, "status", 6) >= 0) {
		add_alert(r, doc, al);
		return 0;
	}
	/* mlw-check's results: for the Checks section only */
	if (mlw_rep_kind_of(doc) == K_CHECK) {
		mlw_rep_kind_add(r, doc, K_CHECK, (size_t)-1, (size_t)-1);
		return 0;
	}
	/* the value, when one is inferred */
	if (r->o.nvalues == 0 && !r->o.all_values) {
		for (k = 0; k < sizeof value_names / sizeof *value_names && v < 0;
		    k++)
			v = mlw_json_member(doc, 0, value_names[k],
			    strlen(value_names[k]));
		if (v >= 0)
			vname = mlw_xstrndup(value_names[k - 1],
			    strlen(value_names[k - 1]));
		for (i = 1; v < 0 && i < doc->tok[0].next;
		    i = doc->tok[i + 1].next) {
			const struct mlw_jtok *kt = &doc->tok[i];

			if (doc->tok[i + 1].type == MLW_JNUM && !kt->esc &&
			    !in_list(skip_names, sizeof skip_names /
			    sizeof *skip_names, doc->src + kt->start + 1,
			    kt->len - 2)) {
				v = (long)i + 1;
				vname = mlw_xstrndup(doc->src + kt->start + 1,
				    kt->len - 2);
			}
		}
		if (v < 0 || (doc->tok[v].type != MLW_JNUM &&
		    doc->tok[v].type != MLW_JNULL)) {
			free(vname);
			*why = "no value to report (name one with --value)";
			return -1;
		}
		value_of(doc, v, &d);
		pk = mlw_grow(pk, &pcap, 1, sizeof *pk);
		pk[np].name = vname;
		pk[np++].d = d;
	} else if (r->o.nvalues) {
		for (k = 0; k < r->o.nvalues; k++)
			if (value_of(doc, mlw_json_get(doc, 0, &r->vpath[k]),
			    &d) == 0) {
				pk = mlw_grow(pk, &pcap, np + 1, sizeof *pk);
				pk[np].name = mlw_xstrdup(r->o.values[k]);
				pk[np++].d = d;
			}
	} else {
		nbym = seg_members(doc, bym);
		for (i = 1; i < doc->tok[0].next; i = doc->tok[i + 1].next) {
			const struct mlw_jtok *kt = &doc->tok[i];

			if (kt->esc || value_of(doc, (long)i + 1, &d) < 0 ||
			    is_label_member(r, doc, i, bym, nbym))
				continue;
			pk = mlw_grow(pk, &pcap, np + 1, sizeof *pk);
			pk[np].name = mlw_xstrndup(doc->src + kt->start + 1,
			    kt->len - 2);
			pk[np++].d = d;
		}
	}
	if (np == 0) {
		*why = r->o.nvalues == 1 ? "no numeric value in the --value field" :
		    r->o.nvalues ? "no numeric value in the --value fields" :
		    "no numeric member to report";
		free(pk);
		return -1;
	}
	/* the window */
	ws = mlw_json_member(doc, 0, "window_start", 12);
	we = mlw_json_member(doc, 0, "window_end", 10);
	if (ws >= 0 && we >= 0) {
		mlw_jw_raw(&key, doc, (uint32_t)ws);
		mlw_buf_addc(&key, '\x1f');
		mlw_jw_raw(&key, doc, (uint32_t)we);
	}
	wi = mlw_strmap_add(&r->wmap, key.p ? key.p : "", key.len);
	mlw_buf_free(&key);
	if (wi == r->nwin) {                    /* a new window */
		struct win *w;
		double a, b;

		r->win = mlw_grow(r->win, &r->wcap, wi + 1, sizeof *r->win);
		r->nwin++;
		w = &r->win[wi];
		memset(w, 0, sizeof *w);
		if (ws < 0 || we < 0)
			goto windone;
		w->start = mlw_xstrndup(doc->src + doc->tok[ws].start,
		    doc->tok[ws].len);
		w->end = mlw_xstrndup(doc->src + doc->tok[we].start,
		    doc->tok[we].len);
		if (parse_time_tok(doc, ws, &w->t0) && parse_time_tok(doc, we,
		    &w->t1))
			w->istime = 1;
		else if (mlw_json_num(doc, (uint32_t)ws, &a) == 0 &&
		    mlw_json_num(doc, (uint32_t)we, &b) == 0) {
			w->t0 = (int64_t)a;
			w->t1 = (int64_t)b;
		}
	}
windone:
	/* the record's own verdict: mlw-drift's drift, mlw-estimate's and
	 * mlw-agg's alert */
	{
		long dv = mlw_json_member(doc, 0, "drift", 5);

		if (dv < 0 || (doc->tok[dv].type != MLW_JTRUE &&
		    doc->tok[dv].type != MLW_JFALSE))
			dv = mlw_json_member(doc, 0, "alert", 5);
		if (dv >= 0 && (doc->tok[dv].type == MLW_JTRUE ||
		    doc->tok[dv].type == MLW_JFALSE))
			verdict = doc->tok[dv].type == MLW_JTRUE;
	}
	kind = mlw_rep_kind_of(doc);
	for (k = 0; k < np; k++) {
		size_t s1 = add_value(r, doc, wi, pk[k].name, pk[k].d, verdict,
		    kind);

		/* psi's --detail bins go with psi (or the first value) */
		if (k == 0 || strcmp(pk[k].name, "psi") == 0) {
			si = s1;
			first = pk[k].d;
		}
		free(pk[k].name);
	}
	free(pk);
	mlw_rep_kind_add(r, doc, kind, wi, si);
	d = first;
	/* mlw-psi --detail: keep the worst window's bins */
	t = mlw_json_member(doc, 0, "ref", 3);
	if (t >= 0 && doc->tok[t].type == MLW_JARR && !isnan(d)) {
		long cur = mlw_json_member(doc, 0, "cur", 3);
		long e = mlw_json_member(doc, 0, "edges", 5);
		long c = mlw_json_member(doc, 0, "categories", 10);
		struct detail *dt = &r->det[si];

		if (cur >= 0 && (e >= 0 || c >= 0) && (dt->ref == NULL ||
		    d > dt->v)) {
			long b = e >= 0 ? e : c;

			free(dt->bins);
			free(dt->ref);
			free(dt->cur);
			dt->w = wi;
			dt->v = d;
			dt->categorical = c >= 0;
			dt->bins = mlw_xstrndup(doc->src + doc->tok[b].start,
			    doc->tok[b].len);
			dt->ref = mlw_xstrndup(doc->src + doc->tok[t].start,
			    doc->tok[t].len);
			dt->cur = mlw_xstrndup(doc->src + doc->tok[cur].start,
			    doc->tok[cur].len);
		}
	}
	return 0;
}

/* ---------- rendering ---------- */

static struct mlw_report *sort_r;

static int
wcmp(const void *pa, const void *pb)
{
	const struct win *a = &sort_r->win[*(const size_t *)pa];
	const struct win *b = &sort_r->win[*(const size_t *)pb];

	if ((a->start == NULL) != (b->start == NULL))
		return a->start == NULL ? 1 : -1;
	if (a->t0 != b->t0)
		return a->t0 < b->t0 ? -1 : 1;
	if (a->t1 != b->t1)
		return a->t1 < b->t1 ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/* The grid of values: grid[w * nser + s], NaN where there is none. */
static double *
build_grid(struct mlw_report *r)
{
	size_t i, n = r->nwin * (r->nser ? r->nser : 1);
	double *g = mlw_xmalloc((n ? n : 1) * sizeof *g);

	for (i = 0; i < n; i++)
		g[i] = NAN;
	free(r->verdict);
	r->verdict = mlw_xmalloc((n ? n : 1) * sizeof *r->verdict);
	memset(r->verdict, -1, (n ? n : 1) * sizeof *r->verdict);
	for (i = 0; i < r->ncell; i++) {
		g[r->cell[i].w * r->nser + r->cell[i].s] = r->cell[i].v;
		r->verdict[r->cell[i].w * r->nser + r->cell[i].s] =
		    r->cell[i].verdict;
	}
	free(r->order);
	r->order = mlw_xmalloc((r->nwin ? r->nwin : 1) * sizeof *r->order);
	for (i = 0; i < r->nwin; i++)
		r->order[i] = i;
	sort_r = r;
	if (r->nwin > 1)
		qsort(r->order, r->nwin, sizeof *r->order, wcmp);
	return g;
}

/* A window as readers like it: "2026-11-01 00:00", "[0, 100)", "all". */
void
mlw_rep_win_label(const struct win *w, char *buf, size_t cap)
{
	if (w->start == NULL)
		snprintf(buf, cap, "all");
	else if (w->istime) {
		char t[MLW_TIME_MAX];
		size_t n = mlw_time_format(w->t0, t);

		t[n - 1] = '\0';                /* drop Z */
		t[10] = ' ';
		if (strcmp(t + 16, ":00") == 0)
			t[16] = '\0';           /* whole minutes */
		snprintf(buf, cap, "%s", t);
	} else
		snprintf(buf, cap, "[%s, %s)", w->start, w->end);
}

/* A value rounded for reading. */
void
mlw_rep_fmt(double v, char *buf, size_t cap)
{
	if (isnan(v))
		snprintf(buf, cap, "-");
	else if (v == 0)
		snprintf(buf, cap, "0");
	else if (fabs(v) >= 999999.95 || fabs(v) < 1e-4)
		snprintf(buf, cap, "%.3g", v);
	else if (fabs(v) >= 99.99995)
		snprintf(buf, cap, "%.1f", v);
	else
		snprintf(buf, cap, "%.4f", v);
}

enum { FMT_INT = 'i', FMT_FIX4 = '4', FMT_FIX1 = '1', FMT_EXP = 'e' };

char
mlw_rep_colfmt(const double *v, size_t n, size_t stride)
{
	double mx = 0, mn = INFINITY;
	int whole = 1, any = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double x = v[i * stride], a = fabs(x);

		if (isnan(x))
			continue;
		any = 1;
		if (!(a < 1e15) || x != floor(x))
			whole = 0;
		if (a > mx)
			mx = a;
		if (a > 0 && a < mn)
			mn = a;
	}
	return !any ? FMT_FIX4 : whole ? FMT_INT :
	    mx >= 999999.95 || mn < 1e-4 ? FMT_EXP :
	    mx >= 99.99995 ? FMT_FIX1 : FMT_FIX4;
}

/* Each series' column format, from all its values. */
static void
build_colfmt(struct mlw_report *r, const double *g)
{
	size_t j;

	free(r->colfmt);
	r->colfmt = mlw_xcalloc(r->nser + 1, 1);
	for (j = 0; j < r->nser; j++)
		r->colfmt[j] = mlw_rep_colfmt(g + j, r->nwin, r->nser);
}

void
mlw_rep_fmt_as(int f, double v, char *buf, size_t cap)
{
	if (isnan(v) || v == 0 || f == 0) {
		mlw_rep_fmt(v, buf, cap);
		return;
	}
	switch (f) {
	case FMT_INT:
		if (v == floor(v)) {
			snprintf(buf, cap, "%.0f", v);
			return;
		}
		mlw_rep_fmt(v, buf, cap);      /* a mean of whole numbers */
		return;
	case FMT_EXP:
		snprintf(buf, cap, "%.3e", v);
		return;
	case FMT_FIX1:
		snprintf(buf, cap, "%.1f", v);
		return;
	default:
		snprintf(buf, cap, "%.4f", v);
	}
}

void
mlw_rep_fmt_ser(const struct mlw_report *r, size_t s, double v, char *buf,
    size_t cap)
{
	mlw_rep_fmt_as(r->colfmt && s < r->nser ? r->colfmt[s] : 0, v, buf, cap);
}

static int
is_series_field(const struct mlw_report *r, const char *k)
{
	size_t i;

	if (r->spath) {
		for (i = 0; i < r->o.nseries; i++)
			if (strcmp(r->o.series[i], k) == 0)
				return 1;
		return 0;
	}
	return in_list(series_names, sizeof series_names / sizeof *series_names,
	    k, strlen(k));
}

static int
alert_matches(const struct mlw_report *r, const struct ser *s,
    const struct arec *a)
{
	size_t i, j;

	/* an alert about a series field value the series lacks is not its */
	for (j = 0; j < a->nl; j++) {
		if (!is_series_field(r, a->lk[j]))
			continue;
		for (i = 0; i < s->nl; i++)
			if (strcmp(s->lk[i], a->lk[j]) == 0)
				break;
		if (i == s->nl)
			return 0;
	}

	for (i = 0; i < s->nl; i++) {
		for (j = 0; j < a->nl; j++)
			if (strcmp(s->lk[i], a->lk[j]) == 0)
				break;
		/* the method says how a series was measured, not what: an
		 * alert without it is about every method's series */
		if (j == a->nl && strcmp(s->lk[i], "method") == 0)
			continue;
		if (j == a->nl || strcmp(s->lv[i], a->lv[j]) != 0)
			return 0;
	}
	return 1;
}


/* Firing periods of the alerts that match series s. */
size_t
mlw_rep_periods(const struct mlw_report *r, const struct ser *s, struct period **out)
{
	struct period *p = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i < r->nal; i++) {
		const struct arec *a = &r->al[i];

		if (!alert_matches(r, s, a))
			continue;
		/* the same alert (name and start) already has a period */
		for (k = 0; k < n; k++)
			if (p[k].from == a->starts && strcmp(p[k].name, a->name) == 0)
				break;
		if (k == n) {
			p = mlw_grow(p, &cap, n + 1, sizeof *p);
			p[n].name = a->name;
			p[n].from = a->starts;
			p[n].shade_from = a->has_ws ? a->ws : a->starts;
			p[n].to = p[n].shade_to = 0;
			p[n].open = 1;
			n++;
		}
		if (strcmp(a->status, "resolved") == 0 && a->has_ends) {
			p[k].to = a->ends;
			p[k].shade_to = a->has_ws ? a->ws : a->ends;
			p[k].open = 0;
		}
	}
	*out = p;
	return n;
}

/* Is window w under a firing period: from <= window_end < to? */
static int
under_alert(const struct win *w, const struct period *p, size_t np)
{
	size_t i;

	if (!w->istime)
		return 0;
	for (i = 0; i < np; i++)
		if (w->t1 >= p[i].from && (p[i].open || w->t1 < p[i].to))
			return 1;
	return 0;
}

/* Which cells are under a firing alert, worked out once per series for
 * every format to read. */
static void
build_alerting(struct mlw_report *r)
{
	size_t j, w;

	free(r->alerting);
	r->alerting = mlw_xcalloc(r->nwin * r->nser + 1, 1);
	for (j = 0; j < r->nser; j++) {
		struct period *p;
		size_t np = mlw_rep_periods(r, &r->ser[j], &p);

		for (w = 0; np && w < r->nwin; w++)
			r->alerting[w * r->nser + j] =
			    (char)under_alert(&r->win[w], p, np);
		free(p);
	}
}

void
mlw_rep_bad_legend(const struct mlw_report *r, int mask, const char *sep,
    struct mlw_buf *b)
{
	char t[48];
	int any = 0;

	mlw_num_format(r->o.threshold, t);
	if (mask & MLW_BAD_OVER) {
		mlw_buf_printf(b, "over the threshold %s", t);
		any = 1;
	}
	if (mask & MLW_BAD_UNDER) {
		mlw_buf_printf(b, "%sunder the threshold %s (lower is worse)",
		    any ? sep : "", t);
		any = 1;
	}
	if (mask & MLW_BAD_VERDICT)
		mlw_buf_printf(b, "%sdrift or alert by the record's own "
		    "threshold", any ? sep : "");
}

int
mlw_rep_low_bad(const char *f)
{
	static const char *const low[] = {
		"accuracy", "balanced_accuracy", "precision", "recall", "f1",
		"specificity", "roc_auc", "pr_auc", "average_precision", "mcc",
		"r2", "p_value", "estimate", "realized", "selection_rate",
		"disparate_impact", "demographic_parity_ratio", "tpr", "tnr",
		"explained_variance", "pass_share", "match_share",
		"success_percent", "auc"
	};

	static const char *const affix[] = { "weighted_", "macro_", "micro_" };
	static const char *const suffix[] = { "_weighted", "_macro", "_micro" };
	const char *dot = strrchr(f, '.');
	size_t n, k;

	if (dot)
		f = dot + 1;            /* the last segment of a path */
	for (k = 0; k < sizeof affix / sizeof *affix; k++)
		if (strncmp(f, affix[k], strlen(affix[k])) == 0)
			f += strlen(affix[k]);
	n = strlen(f);
	for (k = 0; k < sizeof suffix / sizeof *suffix; k++) {
		size_t m = strlen(suffix[k]);

		if (n > m && strcmp(f + n - m, suffix[k]) == 0)
			n -= m;
	}
	return in_list(low, sizeof low / sizeof *low, f, n);
}

int
mlw_rep_bad(const struct mlw_report *r, size_t w, size_t s, double v)
{
	signed char vd = r->verdict && r->nser ? r->verdict[w * r->nser + s] :
	    -1;

	if (isnan(v))
		return 0;
	if (vd >= 0)
		return vd ? MLW_BAD_VERDICT : 0;
	if (!r->o.has_threshold || isnan(v))
		return 0;
	if (mlw_rep_low_bad(r->ser[s].field))
		return v < r->o.threshold ? MLW_BAD_UNDER : 0;
	return v > r->o.threshold ? MLW_BAD_OVER : 0;
}

const char *
mlw_rep_title(const struct mlw_report *r)
{
	if (r->o.title)
		return r->o.title;
	if (r->fields.n == 1)
		return r->fields.ent[0].s;
	return "mlw report";
}

static void
name_series(struct mlw_report *r)
{
	size_t j, k;

	for (j = 0; j < r->nser; j++) {
		struct ser *s = &r->ser[j];
		struct mlw_buf n = { 0 };

		if (r->fields.n > 1 || s->nl == 0)
			mlw_buf_adds(&n, s->field);
		for (k = 0; k < s->nl; k++) {
			if (n.len)
				mlw_buf_addc(&n, ' ');
			mlw_buf_adds(&n, s->lv[k]);
		}
		mlw_buf_addc(&n, '\0');
		free(s->name);
		s->name = n.p;
	}
}

void
mlw_report_render(struct mlw_report *r, int format, struct mlw_buf *b)
{
	double *g;
	size_t i;

	/* a --series field in no record is most likely a typo: all the
	 * records fell into fewer series than asked for */
	for (i = 0; r->spath && r->nser && i < r->o.nseries; i++)
		if (!r->sfound[i])
			mlw_warnx("--series: no record has the field '%s'",
			    r->o.series[i]);
	name_series(r);
	g = build_grid(r);
	build_colfmt(r, g);
	build_alerting(r);
	switch (format) {
	case MLW_REP_MARKDOWN:
		mlw_rep_markdown(r, g, b);
		break;
	case MLW_REP_HTML:
		mlw_rep_html(r, g, b);
		break;
	case MLW_REP_PROM:
		mlw_rep_prom(r, g, b);
		break;
	default:
		mlw_rep_table(r, g, b);
	}
	free(g);
}

void
mlw_report_free(struct mlw_report *r)
{
	size_t i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->nwin; i++) {
		free(r->win[i].start);
		free(r->win[i].end);
	}
	for (i = 0; i < r->nser; i++) {
		struct ser *s = &r->ser[i];

		free(s->name);
		free(s->field);
		for (k = 0; k < s->nl; k++) {
			free(s->lk[k]);
			free(s->lv[k]);
		}
		for (k = 0; k < s->nb; k++) {
			free(s->bk[k]);
			free(s->bv[k]);
		}
		free(s->bk);
		free(s->bv);
		free(s->lk);
		free(s->lv);
		free(r->det[i].bins);
		free(r->det[i].ref);
		free(r->det[i].cur);
	}
	for (i = 0; i < r->nal; i++) {
		struct arec *a = &r->al[i];

		free(a->name);
		free(a->status);
		free(a->severity);
		free(a->summary);
		for (k = 0; k < a->nl; k++) {
			free(a->lk[k]);
			free(a->lv[k]);
		}
		free(a->lk);
		free(a->lv);
	}
	if (r->spath)
		for (i = 0; i < r->o.nseries; i++)
			mlw_path_free(&r->spath[i]);
	free(r->spath);
	free(r->sfound);
	for (i = 0; i < r->o.nvalues; i++)
		mlw_path_free(&r->vpath[i]);
	free(r->vpath);
	free(r->win);
	free(r->ser);
	free(r->det);
	free(r->cell);
	free(r->al);
	free(r->order);
	free(r->alerting);
	free(r->verdict);
	free(r->colfmt);
	mlw_strmap_free(&r->wmap);
	mlw_strmap_free(&r->smap);
	mlw_strmap_free(&r->fields);
	mlw_rep_kinds_free(r);
	free(r);
}

void
mlw_report_run(struct mlw_report_opts *o, int format, const char *outpath,
    struct mlw_input *in)
{
	static struct mlw_msgkind unknown = { "records of unknown shape", 0, 0 };
	struct mlw_report *rep;
	struct mlw_buf out = { 0 };
	struct mlw_json doc;
	struct mlw_line ln;
	const char *cols, *why;
	long long ll;

	memset(&doc, 0, sizeof doc);
	if ((cols = getenv("COLUMNS")) != NULL &&
	    mlw_int_strict(cols, 40, 1000, &ll) == 0)
		o->width = (int)ll;
	o->color = format == MLW_REP_TABLE && outpath == NULL && isatty(1) &&
	    (getenv("NO_COLOR") == NULL || *getenv("NO_COLOR") == '\0');
	rep = mlw_report_new(o);
	while (mlw_record_next(in, &ln, &doc))
		if (mlw_report_add(rep, &doc, &why) < 0) {
			if (unknown.n == 0)
				mlw_msg(&unknown, ln.file, ln.lineno, "%s; records "
				    "like this are skipped", why);
			else
				unknown.n++;
		}
	mlw_report_render(rep, format, &out);
	if (outpath == NULL)
		mlw_out_write(out.p, out.len);
	else if (mlw_diag_failed())
		mlw_warnx("%s: left as it was: an input could not be read",
		    outpath);
	else if (mlw_write_atomic(outpath, out.p, out.len) < 0)
		mlw_fatal_errno("%s: write error", outpath);
	if (unknown.n > 1)
		mlw_warnx("%lu records of unknown shape skipped", unknown.n);
	unknown.n = 0;
	mlw_buf_free(&out);
	mlw_report_free(rep);
	mlw_json_free(&doc);
}

