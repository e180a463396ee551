#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "times.h"
#include "utf8.h"
#include "xalloc.h"

struct win {
	char *start, *end;       /* raw JSON, NULL for the batch */
	int istime;
	int64_t t0, t1;
};

struct ser {
	char *name;              /* what readers see */
	char *field;             /* the value field */
	size_t nl;
	char **lk, **lv;         /* series labels: field -> value */
};

struct cell {
	size_t w, s;
	double v;
};

struct detail {
	size_t w;
	double v;
	char *bins, *ref, *cur;  /* raw JSON arrays */
	int categorical;
};

struct arec {
	char *name, *status, *severity, *summary;
	size_t nl;
	char **lk, **lv;
	int64_t starts, ends;
	int64_t ws;              /* window_start of the record, for shading */
	int has_ends, hasv, has_ws;
	double value;
};

struct mlw_report {
	struct mlw_report_opts o;
	struct mlw_path *spath;  /* --series */
	unsigned char *sfound;   /* spath[i] was in a record */
	struct mlw_path vpath;
	struct mlw_strmap wmap, smap, fields;
	struct win *win;
	size_t nwin, wcap;
	struct ser *ser;
	size_t nser, scap, dcap;
	struct cell *cell;
	size_t ncell, ccap;
	struct detail *det;      /* per series, the worst window's bins */
	struct arec *al;
	size_t nal, acap;
	size_t *order;           /* windows sorted */
	char *alerting;          /* [w * nser + s]: under a firing alert */
};

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
	"feature", "segment", "column", "metric"
};

struct mlw_report *
mlw_report_new(const struct mlw_report_opts *o)
{
	struct mlw_report *r = mlw_xcalloc(1, sizeof *r);
	size_t i;

	r->o = *o;
	if (r->o.width <= 0)
		r->o.width = 80;
	if (o->value && mlw_path_parse(&r->vpath, o->value) < 0)
		mlw_fatal("--value: %s, found '%s'", MLW_PATH_EXPECTED, o->value);
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
static char *
scalar_text(const struct mlw_json *doc, long i)
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
	a->name = scalar_text(doc, name);
	a->status = st >= 0 ? scalar_text(doc, st) : mlw_xstrndup("firing", 6);
	a->severity = sv >= 0 ? scalar_text(doc, sv) : mlw_xstrndup("", 0);
	a->summary = sm >= 0 && doc->tok[sm].type == MLW_JSTR ?
	    scalar_text(doc, sm) : NULL;
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
			a->lk[a->nl] = scalar_text(doc, i);
			a->lv[a->nl] = scalar_text(doc, i + 1);
			a->nl++;
		}
}

int
mlw_report_add(struct mlw_report *r, const struct mlw_json *doc,
    const char **why)
{
	long v = -1, ws, we, al, t;
	uint32_t i;
	struct mlw_buf key = { 0 };
	size_t wi, si, k;
	char *vname = NULL;
	double d;

	if (mlw_json_member(doc, 0, "mlw", 3) >= 0)
		return 1;
	al = mlw_json_member(doc, 0, "alert", 5);
	if (al >= 0 && mlw_json_member(doc, 0, "status", 6) >= 0) {
		add_alert(r, doc, al);
		return 0;
	}
	/* the value */
	if (r->o.value) {
		v = mlw_json_get(doc, 0, &r->vpath);
		vname = mlw_xstrndup(r->o.value, strlen(r->o.value));
	} else {
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
	}
	if (v < 0 || (doc->tok[v].type != MLW_JNUM &&
	    doc->tok[v].type != MLW_JNULL)) {
		free(vname);
		*why = r->o.value ? "no numeric value in the --value field" :
		    "no value to report (name one with --value)";
		return -1;
	}
	if (doc->tok[v].type == MLW_JNULL || mlw_json_num(doc, (uint32_t)v, &d) < 0)
		d = NAN;
	/* the window */
	ws = mlw_json_member(doc, 0, "window_start", 12);
	we = mlw_json_member(doc, 0, "window_end", 10);
	if (ws >= 0 && we >= 0) {
		mlw_jw_raw(&key, doc, (uint32_t)ws);
		mlw_buf_addc(&key, '\x1f');
		mlw_jw_raw(&key, doc, (uint32_t)we);
	}
	wi = mlw_strmap_add(&r->wmap, key.p ? key.p : "", key.len);
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
	/* the series: labels from --series or the usual names */
	key.len = 0;
	mlw_buf_adds(&key, vname);
	{
		char **lk = NULL, **lv = NULL;
		size_t nl = 0, ns = r->spath ? r->o.nseries :
		    sizeof series_names / sizeof *series_names;

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
			lv[nl] = scalar_text(doc, s);
			/* quoted: no name or value can hold a separator */
			mlw_jw_str(&key, fname, strlen(fname));
			mlw_jw_str(&key, lv[nl], strlen(lv[nl]));
			nl++;
		}
		si = mlw_strmap_add(&r->smap, key.p, key.len);
		if (si == r->nser) {            /* a new series */
			struct ser *s;

			r->ser = mlw_grow(r->ser, &r->scap, si + 1,
			    sizeof *r->ser);
			r->det = mlw_grow(r->det, &r->dcap, si + 1,
			    sizeof *r->det);
			r->nser++;
			s = &r->ser[si];
			memset(s, 0, sizeof *s);
			memset(&r->det[si], 0, sizeof r->det[si]);
			s->field = vname;
			vname = NULL;
			s->nl = nl;
			s->lk = lk;
			s->lv = lv;
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
	}
	free(vname);
	mlw_buf_free(&key);
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
	r->ncell++;
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
	for (i = 0; i < r->ncell; i++)
		g[r->cell[i].w * r->nser + r->cell[i].s] = r->cell[i].v;
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
static void
win_label(const struct win *w, char *buf, size_t cap)
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
static void
fmt_read(double v, char *buf, size_t cap)
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
		if (j == a->nl || strcmp(s->lv[i], a->lv[j]) != 0)
			return 0;
	}
	return 1;
}

struct period {
	const char *name;
	int64_t from, to;        /* starts_at, ends_at */
	int64_t shade_from, shade_to;   /* the windows: fired, resolved */
	int open;
};

/* Firing periods of the alerts that match series s. */
static size_t
periods(const struct mlw_report *r, const struct ser *s, struct period **out)
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
		size_t np = periods(r, &r->ser[j], &p);

		for (w = 0; np && w < r->nwin; w++)
			r->alerting[w * r->nser + j] =
			    (char)under_alert(&r->win[w], p, np);
		free(p);
	}
}

static int
over(const struct mlw_report *r, double v)
{
	return r->o.has_threshold && !isnan(v) && v > r->o.threshold;
}

static const char *
metric_title(const struct mlw_report *r)
{
	if (r->o.title)
		return r->o.title;
	if (r->fields.n == 1)
		return r->fields.ent[0].s;
	return "mlw report";
}

static void
pad(struct mlw_buf *b, size_t n)
{
	while (n-- > 0)
		mlw_buf_addc(b, ' ');
}

static void
render_table(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t wcol = 6, i, j, first = 0;
	size_t *cw = mlw_xcalloc(r->nser + 1, sizeof *cw);
	size_t *nw = mlw_xcalloc(r->nser + 1, sizeof *nw);
	struct mlw_buf *nm = mlw_xcalloc(r->nser + 1, sizeof *nm);
	int marks_over = 0, marks_alert = 0;
	char lab[64], v[48];

	for (j = 0; j < r->nser; j++) {
		/* a name's control characters escaped: one line per row */
		mlw_jw_cell(&nm[j], r->ser[j].name, strlen(r->ser[j].name));
		nw[j] = mlw_utf8_width(nm[j].p, nm[j].len);
		cw[j] = nw[j];
		for (i = 0; i < r->nwin; i++) {
			fmt_read(g[i * r->nser + j], v, sizeof v);
			if (strlen(v) + 1 > cw[j])
				cw[j] = strlen(v) + 1;
		}
	}
	for (i = 0; i < r->nwin; i++) {
		win_label(&r->win[i], lab, sizeof lab);
		if (strlen(lab) > wcol)
			wcol = strlen(lab);
	}
	mlw_buf_adds(b, metric_title(r));
	mlw_buf_addc(b, '\n');
	/* columns in groups that fit the width */
	while (first < r->nser || (r->nser == 0 && first == 0)) {
		size_t last = first, width = wcol;

		while (last < r->nser && (last == first ||
		    width + 2 + cw[last] + 1 <= (size_t)r->o.width)) {
			width += 2 + cw[last] + 1;
			last++;
		}
		mlw_buf_addc(b, '\n');
		mlw_buf_adds(b, "window");
		pad(b, wcol - 6);
		for (j = first; j < last; j++) {
			pad(b, 2 + cw[j] - nw[j]);
			mlw_buf_add(b, nm[j].p, nm[j].len);
			mlw_buf_addc(b, ' ');
		}
		mlw_buf_addc(b, '\n');
		for (i = 0; i < r->nwin; i++) {
			size_t w = r->order[i];

			win_label(&r->win[w], lab, sizeof lab);
			mlw_buf_adds(b, lab);
			pad(b, wcol - strlen(lab));
			for (j = first; j < last; j++) {
				double x = g[w * r->nser + j];
				int o = over(r, x);
				int a = r->alerting[w * r->nser + j];
				char m = a ? '!' : o ? '*' : ' ';

				fmt_read(x, v, sizeof v);
				pad(b, 2 + cw[j] - strlen(v));
				if (r->o.color && (o || a))
					mlw_buf_adds(b, "\033[1;31m");
				mlw_buf_adds(b, v);
				if (r->o.color && (o || a))
					mlw_buf_adds(b, "\033[0m");
				mlw_buf_addc(b, m);
				marks_over |= o && !a;
				marks_alert |= a;
			}
			mlw_buf_addc(b, '\n');
		}
		if (r->nser == 0)
			break;
		first = last;
	}
	if (marks_over || marks_alert) {
		mlw_buf_addc(b, '\n');
		if (marks_over) {
			char t[48];

			mlw_num_format(r->o.threshold, t);
			mlw_buf_adds(b, "* over the threshold ");
			mlw_buf_adds(b, t);
			mlw_buf_addc(b, '\n');
		}
		if (marks_alert)
			mlw_buf_adds(b, "! under a firing alert\n");
	}
	if (r->nal) {
		mlw_buf_adds(b, "\nalerts\n");
		for (i = 0; i < r->nal; i++) {
			const struct arec *a = &r->al[i];
			char t[MLW_TIME_MAX];

			mlw_time_format(a->has_ends ? a->ends : a->starts, t);
			mlw_buf_adds(b, "  ");
			mlw_buf_adds(b, t);
			mlw_buf_addc(b, ' ');
			mlw_buf_adds(b, a->status);
			pad(b, a->status[0] == 'f' ? 3 : 1);
			mlw_jw_cell(b, a->name, strlen(a->name));
			for (j = 0; j < a->nl; j++) {
				mlw_buf_addc(b, ' ');
				mlw_jw_cell(b, a->lk[j], strlen(a->lk[j]));
				mlw_buf_addc(b, '=');
				mlw_jw_cell(b, a->lv[j], strlen(a->lv[j]));
			}
			if (a->summary) {
				mlw_buf_adds(b, ": ");
				mlw_jw_cell(b, a->summary, strlen(a->summary));
			}
			mlw_buf_addc(b, '\n');
		}
	}
	for (j = 0; j < r->nser; j++)
		mlw_buf_free(&nm[j]);
	free(nm);
	free(nw);
	free(cw);
}

/* Markdown text: escape the characters that would break a table cell. */
static void
md_text(struct mlw_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("|\\*_`<>[]", *s))
			mlw_buf_addc(b, '\\');
		mlw_buf_addc(b, *s == '\n' ? ' ' : *s);
	}
}

static void
render_markdown(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t i, j;
	char lab[64], v[48];
	int marks = 0;

	mlw_buf_adds(b, "## ");
	md_text(b, metric_title(r));
	mlw_buf_adds(b, "\n\n| window |");
	for (j = 0; j < r->nser; j++) {
		mlw_buf_addc(b, ' ');
		md_text(b, r->ser[j].name);
		mlw_buf_adds(b, " |");
	}
	mlw_buf_adds(b, "\n|---|");
	for (j = 0; j < r->nser; j++)
		mlw_buf_adds(b, "---:|");
	mlw_buf_addc(b, '\n');
	for (i = 0; i < r->nwin; i++) {
		size_t w = r->order[i];

		win_label(&r->win[w], lab, sizeof lab);
		mlw_buf_adds(b, "| ");
		md_text(b, lab);
		mlw_buf_adds(b, " |");
		for (j = 0; j < r->nser; j++) {
			double x = g[w * r->nser + j];
			int a = r->alerting[w * r->nser + j], o = over(r, x);

			fmt_read(x, v, sizeof v);
			mlw_buf_addc(b, ' ');
			if (a || o)
				mlw_buf_adds(b, "**");
			mlw_buf_adds(b, v);
			if (a || o)
				mlw_buf_adds(b, "**");
			if (a)
				mlw_buf_adds(b, " (alert)");
			mlw_buf_adds(b, " |");
			marks |= a || o;
		}
		mlw_buf_addc(b, '\n');
	}
	if (marks) {
		mlw_buf_adds(b, "\nBold: ");
		if (r->o.has_threshold) {
			mlw_num_format(r->o.threshold, v);
			mlw_buf_adds(b, "over the threshold ");
			mlw_buf_adds(b, v);
			mlw_buf_adds(b, " or ");
		}
		mlw_buf_adds(b, "under a firing alert.\n");
	}
	mlw_buf_adds(b, "\n### Alerts\n\n");
	if (r->nal == 0)
		mlw_buf_adds(b, "None.\n");
	for (i = 0; i < r->nal; i++) {
		const struct arec *a = &r->al[i];
		char t[MLW_TIME_MAX];

		mlw_time_format(a->has_ends ? a->ends : a->starts, t);
		mlw_buf_adds(b, "- ");
		mlw_buf_adds(b, t);
		mlw_buf_adds(b, " **");
		md_text(b, a->name);
		mlw_buf_adds(b, "** ");
		mlw_buf_adds(b, a->status);
		for (j = 0; j < a->nl; j++) {
			mlw_buf_adds(b, j ? ", " : " (");
			md_text(b, a->lk[j]);
			mlw_buf_addc(b, '=');
			md_text(b, a->lv[j]);
		}
		if (a->nl)
			mlw_buf_addc(b, ')');
		if (a->summary) {
			mlw_buf_adds(b, ": ");
			md_text(b, a->summary);
		}
		mlw_buf_addc(b, '\n');
	}
}

static void
html_text(struct mlw_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': mlw_buf_adds(b, "&lt;"); break;
		case '>': mlw_buf_adds(b, "&gt;"); break;
		case '&': mlw_buf_adds(b, "&amp;"); break;
		case '"': mlw_buf_adds(b, "&quot;"); break;
		default: mlw_buf_addc(b, *s);
		}
	}
}

static void
bprintf(struct mlw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void
bprintf(struct mlw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	mlw_buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Round step for about n ticks over span. */
static double
nice_step(double span, int n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

#define CW 720.0        /* chart width */
#define CH 240.0        /* chart height */
#define ML 64.0         /* margins */
#define MR 16.0
#define MT 16.0
#define MB 44.0

static void
chart(struct mlw_report *r, const double *g, size_t s, struct mlw_buf *b)
{
	double lo = 0, hi = 0, step, y;
	size_t i, np, nv = 0;
	struct period *p;
	double pw = CW - ML - MR, ph = CH - MT - MB;
	char v[48], lab[64];
	int64_t t0 = 0, t1 = 0;
	int timex = 1;

	for (i = 0; i < r->nwin; i++) {
		double x = g[r->order[i] * r->nser + s];

		if (!isnan(x)) {
			if (nv == 0 || x < lo)
				lo = x < 0 ? x : lo;
			if (nv == 0 || x > hi)
				hi = x;
			nv++;
		}
		if (!r->win[r->order[i]].istime)
			timex = 0;
	}
	if (r->o.has_threshold && r->o.threshold > hi)
		hi = r->o.threshold;
	if (hi <= lo)
		hi = lo + 1;
	hi += (hi - lo) * 0.08;
	step = nice_step(hi - lo, 5);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;
	if (timex && r->nwin) {
		t0 = r->win[r->order[0]].t0;
		t1 = r->win[r->order[r->nwin - 1]].t1;
		if (t1 <= t0)
			timex = 0;
	}
#define XW(k) (timex ? ML + pw * (double)((r->win[r->order[k]].t0 + \
	r->win[r->order[k]].t1) / 2 - t0) / (double)(t1 - t0) : \
	ML + pw * ((double)(k) + 0.5) / (double)(r->nwin ? r->nwin : 1))
#define XT(t) (ML + pw * (double)((t) - t0) / (double)(t1 - t0))
#define YV(x) (MT + ph * (1 - ((x) - lo) / (hi - lo)))
	bprintf(b, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
	    "role=\"img\" aria-label=\"", CW, CH);
	html_text(b, r->ser[s].name);
	mlw_buf_adds(b, " over windows\">\n");
	/* firing periods */
	np = periods(r, &r->ser[s], &p);
	for (i = 0; timex && i < np; i++) {
		double a = XT(p[i].shade_from < t0 ? t0 : p[i].shade_from);
		double e = p[i].open || p[i].shade_to > t1 ? XT(t1) :
		    XT(p[i].shade_to);

		if (e > a)
			bprintf(b, "<rect class=\"firing\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"><title>alert firing"
			    "</title></rect>\n", a, MT, e - a, ph);
	}
	free(p);
	/* grid and y axis */
	for (y = lo; y <= hi + step / 2; y += step) {
		snprintf(v, sizeof v, "%g", fabs(y) < step / 1e6 ? 0 :
		    round(y / step) * step);
		bprintf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML, YV(y),
		    CW - MR, YV(y), ML - 6, YV(y) + 4, v);
	}
	bprintf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", ML, MT + ph, CW - MR, MT + ph);
	/* x labels: first, middle, last */
	if (r->nwin) {
		size_t ks[3] = { 0, r->nwin / 2, r->nwin - 1 };
		size_t k;

		for (k = 0; k < 3; k++) {
			if ((k == 1 && (ks[1] == 0 || ks[1] == r->nwin - 1)) ||
			    (k == 2 && r->nwin == 1))
				continue;
			win_label(&r->win[r->order[ks[k]]], lab, sizeof lab);
			bprintf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"%s\">", XW(ks[k]), MT + ph + 18,
			    k == 0 ? "start" : k == 2 ? "end" : "middle");
			html_text(b, lab);
			mlw_buf_adds(b, "</text>\n");
		}
	}
	bprintf(b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"middle\">window%s</text>\n", ML + pw / 2, CH - 6,
	    timex ? " (UTC)" : "");
	bprintf(b, "<text class=\"label\" transform=\"translate(14 %.1f) "
	    "rotate(-90)\" text-anchor=\"middle\">", MT + ph / 2);
	html_text(b, r->ser[s].field);
	mlw_buf_adds(b, "</text>\n");
	if (r->o.has_threshold) {
		mlw_num_format(r->o.threshold, v);
		bprintf(b, "<line class=\"threshold\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick threshold-label\" "
		    "x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">threshold %s"
		    "</text>\n", ML, YV(r->o.threshold), CW - MR,
		    YV(r->o.threshold), CW - MR - 2, YV(r->o.threshold) - 4, v);
	}
	/* the line, broken where a window has no value */
	{
		int open = 0;

		for (i = 0; i < r->nwin; i++) {
			double x = g[r->order[i] * r->nser + s];

			if (isnan(x)) {
				if (open)
					mlw_buf_adds(b, "\"/>\n");
				open = 0;
				continue;
			}
			if (!open)
				mlw_buf_adds(b, "<polyline class=\"line\" "
				    "points=\"");
			bprintf(b, "%s%.1f,%.1f", open ? " " : "", XW(i), YV(x));
			open = 1;
		}
		if (open)
			mlw_buf_adds(b, "\"/>\n");
	}
	for (i = 0; i < r->nwin; i++) {
		double x = g[r->order[i] * r->nser + s];

		if (isnan(x))
			continue;
		win_label(&r->win[r->order[i]], lab, sizeof lab);
		fmt_read(x, v, sizeof v);
		bprintf(b, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\">"
		    "<title>", over(r, x) ? "point over" : "point", XW(i), YV(x));
		html_text(b, lab);
		bprintf(b, ": %s</title></circle>\n", v);
	}
	mlw_buf_adds(b, "</svg>\n");
#undef XW
#undef XT
#undef YV
}

/* Parse a JSON array of numbers or strings into texts / numbers. */
static size_t
json_array(const char *text, char ***strs, double **nums)
{
	struct mlw_json d;
	size_t n = 0, k = 0;
	uint32_t i;

	memset(&d, 0, sizeof d);
	*strs = NULL;
	*nums = NULL;
	if (mlw_json_parse(&d, text, strlen(text)) < 0 ||
	    d.tok[0].type != MLW_JARR) {
		mlw_json_free(&d);
		return 0;
	}
	for (i = 1; i < d.tok[0].next; i = d.tok[i].next)
		n++;
	*strs = mlw_xcalloc(n + 1, sizeof **strs);
	*nums = mlw_xcalloc(n + 1, sizeof **nums);
	for (i = 1; i < d.tok[0].next; i = d.tok[i].next, k++) {
		(*strs)[k] = scalar_text(&d, (long)i);
		if (d.tok[i].type != MLW_JNUM || mlw_json_num(&d, i, &(*nums)[k]) < 0)
			(*nums)[k] = NAN;
	}
	mlw_json_free(&d);
	return n;
}

static void
free_strs(char **s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

/* Reference against current proportions per bin, for the worst window. */
static void
bars(struct mlw_report *r, size_t s, struct mlw_buf *b)
{
	const struct detail *d = &r->det[s];
	char **bs, **rs, **cs, lab[64], v[48];
	double *bn, *rv, *cv, hi = 0, pw, ph = CH - MT - MB - 10, slot;
	size_t nb = json_array(d->bins, &bs, &bn);
	size_t nr = json_array(d->ref, &rs, &rv);
	size_t nc = json_array(d->cur, &cs, &cv);
	size_t i;

	if (nr == 0 || nr != nc) {
		free_strs(bs, nb); free_strs(rs, nr); free_strs(cs, nc);
		free(bn); free(rv); free(cv);
		return;
	}
	for (i = 0; i < nr; i++) {
		if (!isnan(rv[i]) && rv[i] > hi)
			hi = rv[i];
		if (!isnan(cv[i]) && cv[i] > hi)
			hi = cv[i];
	}
	if (hi <= 0)
		hi = 1;
	pw = CW - ML - MR;
	slot = pw / (double)nr;
	win_label(&r->win[d->w], lab, sizeof lab);
	mlw_buf_adds(b, "<figure>\n<figcaption>Bins of ");
	html_text(b, r->ser[s].name);
	mlw_buf_adds(b, " in its worst window, ");
	html_text(b, lab);
	fmt_read(d->v, v, sizeof v);
	bprintf(b, " (%s %s): <span class=\"key ref\">reference</span> "
	    "<span class=\"key cur\">current</span></figcaption>\n", r->ser[s].field,
	    v);
	bprintf(b, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"reference and current proportions per bin\">\n", CW, CH);
	for (i = 0; i < nr; i++) {
		double x = ML + slot * (double)i, bw = slot * 0.38;
		double hr = isnan(rv[i]) ? 0 : ph * rv[i] / hi;
		double hc = isnan(cv[i]) ? 0 : ph * cv[i] / hi;
		char bl[96];

		if (d->categorical)
			snprintf(bl, sizeof bl, "%s", i < nb ? bs[i] : "(unseen)");
		else if (nb == 0)
			snprintf(bl, sizeof bl, "all");
		else if (i == 0)
			snprintf(bl, sizeof bl, "< %.3g", bn[0]);
		else if (i >= nb)
			snprintf(bl, sizeof bl, "≥ %.3g", bn[nb - 1]);
		else
			snprintf(bl, sizeof bl, "%.3g–%.3g", bn[i - 1], bn[i]);
		bprintf(b, "<rect class=\"ref\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>", x + slot * 0.1, MT + ph - hr, bw, hr);
		html_text(b, bl);
		bprintf(b, ": reference %s</title></rect>\n", rs[i]);
		bprintf(b, "<rect class=\"cur\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>", x + slot * 0.1 + bw, MT + ph - hc,
		    bw, hc);
		html_text(b, bl);
		bprintf(b, ": current %s</title></rect>\n", cs[i]);
		if (nr <= 8 || i % ((nr + 7) / 8) == 0) {
			bprintf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\">", x + slot / 2, MT + ph + 16);
			if (strlen(bl) > 14) {
				size_t cut = 12;

				/* cut on a character boundary */
				while (cut > 0 && ((unsigned char)bl[cut] & 0xC0) ==
				    0x80)
					cut--;
				strcpy(bl + cut, "…");
			}
			html_text(b, bl);
			mlw_buf_adds(b, "</text>\n");
		}
	}
	bprintf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", ML, MT + ph, CW - MR, MT + ph);
	fmt_read(hi, v, sizeof v);
	bprintf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"end\">%s</text><text class=\"tick\" x=\"%.1f\" "
	    "y=\"%.1f\" text-anchor=\"end\">0</text>\n", ML - 6, MT + 4, v,
	    ML - 6, MT + ph + 4);
	bprintf(b, "<text class=\"label\" transform=\"translate(14 %.1f) "
	    "rotate(-90)\" text-anchor=\"middle\">proportion</text>\n",
	    MT + ph / 2);
	mlw_buf_adds(b, "</svg>\n</figure>\n");
	free_strs(bs, nb); free_strs(rs, nr); free_strs(cs, nc);
	free(bn); free(rv); free(cv);
}

static const char css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1f2328;margin:2em auto;max-width:60em;padding:0 1em}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;"
    "border-bottom:1px solid #d0d7de;padding-bottom:.2em}\n"
    ".range{color:#59636e;margin-top:0}\n"
    "section.panel{break-inside:avoid;page-break-inside:avoid}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    ".grid{stroke:#eaeef2}.axis{stroke:#59636e}\n"
    ".tick{font-size:11px;fill:#59636e}.label{font-size:12px;fill:#1f2328}\n"
    ".line{fill:none;stroke:#0969da;stroke-width:2}\n"
    ".point{fill:#0969da}.point.over{fill:#cf222e}\n"
    ".threshold{stroke:#cf222e;stroke-dasharray:6 4}\n"
    ".threshold-label{fill:#cf222e}\n"
    ".firing{fill:#cf222e;fill-opacity:.12}\n"
    "rect.ref{fill:#8c959f}rect.cur{fill:#0969da}\n"
    ".key{display:inline-block;padding:0 .4em;color:#fff;border-radius:3px}"
    ".key.ref{background:#8c959f}.key.cur{background:#0969da}\n"
    "figure{margin:1em 0}figcaption{color:#59636e;margin-bottom:.3em}\n"
    "table{border-collapse:collapse;margin:1em 0;font-variant-numeric:"
    "tabular-nums}\n"
    "th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:right}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "td.over{color:#cf222e;font-weight:600}td.alert{background:#ffebe9}\n"
    ".firing-status{color:#cf222e;font-weight:600}"
    ".resolved-status{color:#1a7f37;font-weight:600}\n"
    "@media print{body{margin:0;max-width:none;font-size:11px}"
    "a{color:inherit}h2{break-after:avoid}}\n";

static void
render_html(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t i, j;
	char lab[64], v[48];

	mlw_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(b, metric_title(r));
	mlw_buf_adds(b, "</title>\n<style>\n");
	mlw_buf_adds(b, css);
	mlw_buf_adds(b, "</style>\n</head>\n<body>\n<h1>");
	html_text(b, metric_title(r));
	mlw_buf_adds(b, "</h1>\n<p class=\"range\">");
	if (r->nwin && r->win[r->order[0]].start) {
		const struct win *a = &r->win[r->order[0]];
		const struct win *z = &r->win[r->order[r->nwin - 1]];

		if (a->istime && z->istime) {
			char t0[MLW_TIME_MAX], t1[MLW_TIME_MAX];

			mlw_time_format(a->t0, t0);
			mlw_time_format(z->t1, t1);
			bprintf(b, "%s to %s, ", t0, t1);
		}
	}
	bprintf(b, "%zu window%s, %zu series, %zu alert record%s",
	    r->nwin, r->nwin == 1 ? "" : "s", r->nser, r->nal,
	    r->nal == 1 ? "" : "s");
	if (r->o.has_threshold) {
		mlw_num_format(r->o.threshold, v);
		bprintf(b, ", threshold %s", v);
	}
	mlw_buf_adds(b, ".</p>\n");
	/* summary table */
	mlw_buf_adds(b, "<h2>Summary</h2>\n<table>\n<thead><tr><th>series</th>"
	    "<th>latest</th><th>max</th><th>mean</th>");
	if (r->o.has_threshold)
		mlw_buf_adds(b, "<th>windows over</th>");
	mlw_buf_adds(b, "<th>alert</th></tr></thead>\n<tbody>\n");
	for (j = 0; j < r->nser; j++) {
		double last = NAN, mx = NAN, sum = 0;
		size_t n = 0, nover = 0, np, k;
		struct period *p;
		int firing = 0;

		for (i = 0; i < r->nwin; i++) {
			double x = g[r->order[i] * r->nser + j];

			if (isnan(x))
				continue;
			last = x;
			if (isnan(mx) || x > mx)
				mx = x;
			sum += x;
			n++;
			nover += over(r, x);
		}
		np = periods(r, &r->ser[j], &p);
		for (k = 0; k < np; k++)
			firing |= p[k].open;
		mlw_buf_adds(b, "<tr><td>");
		html_text(b, r->ser[j].name);
		fmt_read(last, v, sizeof v);
		bprintf(b, "</td><td%s>%s</td>", over(r, last) ?
		    " class=\"over\"" : "", v);
		fmt_read(mx, v, sizeof v);
		bprintf(b, "<td%s>%s</td>", over(r, mx) ? " class=\"over\"" : "", v);
		fmt_read(n ? sum / (double)n : NAN, v, sizeof v);
		bprintf(b, "<td>%s</td>", v);
		if (r->o.has_threshold)
			bprintf(b, "<td>%zu of %zu</td>", nover, n);
		bprintf(b, "<td>%s</td></tr>\n", firing ?
		    "<span class=\"firing-status\">firing</span>" :
		    np ? "resolved" : "");
		free(p);
	}
	mlw_buf_adds(b, "</tbody>\n</table>\n");
	/* one section per series */
	for (j = 0; j < r->nser; j++) {
		mlw_buf_adds(b, "<section class=\"panel\">\n<h2>");
		html_text(b, r->ser[j].name);
		mlw_buf_adds(b, "</h2>\n");
		chart(r, g, j, b);
		if (r->det[j].ref)
			bars(r, j, b);
		mlw_buf_adds(b, "</section>\n");
	}
	/* all values */
	mlw_buf_adds(b, "<h2>Values</h2>\n<table>\n<thead><tr><th>window</th>");
	for (j = 0; j < r->nser; j++) {
		mlw_buf_adds(b, "<th>");
		html_text(b, r->ser[j].name);
		mlw_buf_adds(b, "</th>");
	}
	mlw_buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < r->nwin; i++) {
		size_t w = r->order[i];

		win_label(&r->win[w], lab, sizeof lab);
		mlw_buf_adds(b, "<tr><td>");
		html_text(b, lab);
		mlw_buf_adds(b, "</td>");
		for (j = 0; j < r->nser; j++) {
			double x = g[w * r->nser + j];
			int a = r->alerting[w * r->nser + j], o = over(r, x);

			fmt_read(x, v, sizeof v);
			bprintf(b, "<td%s%s%s%s>%s</td>", a || o ? " class=\"" : "",
			    o ? "over" : "", a && o ? " " : "", a ? "alert\"" :
			    o ? "\"" : "", v);
		}
		mlw_buf_adds(b, "</tr>\n");
	}
	mlw_buf_adds(b, "</tbody>\n</table>\n<h2>Alerts</h2>\n");
	if (r->nal == 0)
		mlw_buf_adds(b, "<p>None.</p>\n");
	else {
		mlw_buf_adds(b, "<table>\n<thead><tr><th>time</th><th>alert</th>"
		    "<th>status</th><th>labels</th><th>value</th><th>summary</th>"
		    "</tr></thead>\n<tbody>\n");
		for (i = 0; i < r->nal; i++) {
			const struct arec *a = &r->al[i];
			char t[MLW_TIME_MAX];

			mlw_time_format(a->has_ends ? a->ends : a->starts, t);
			bprintf(b, "<tr><td>%s</td><td>", t);
			html_text(b, a->name);
			bprintf(b, "</td><td><span class=\"%s-status\">",
			    strcmp(a->status, "resolved") == 0 ? "resolved" :
			    "firing");
			html_text(b, a->status);
			mlw_buf_adds(b, "</span></td><td>");
			for (j = 0; j < a->nl; j++) {
				if (j)
					mlw_buf_adds(b, ", ");
				html_text(b, a->lk[j]);
				mlw_buf_addc(b, '=');
				html_text(b, a->lv[j]);
			}
			fmt_read(a->hasv ? a->value : NAN, v, sizeof v);
			bprintf(b, "</td><td>%s</td><td>", v);
			if (a->summary)
				html_text(b, a->summary);
			mlw_buf_adds(b, "</td></tr>\n");
		}
		mlw_buf_adds(b, "</tbody>\n</table>\n");
	}
	mlw_buf_adds(b, "<p class=\"range\">Made by mlw-report.</p>\n"
	    "</body>\n</html>\n");
}

static void
prom_value(struct mlw_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			mlw_buf_addc(b, '\\');
		if (*s == '\n')
			mlw_buf_adds(b, "\\n");
		else
			mlw_buf_addc(b, *s);
	}
}

/* Is label name k (as mlw_label_name writes it) the same as one of names? */
static int
prom_seen(char **names, size_t n, const char *k)
{
	struct mlw_buf a = { 0 }, c = { 0 };
	size_t i;
	int same = 0;

	mlw_label_name(&a, k);
	for (i = 0; i < n && !same; i++) {
		c.len = 0;
		mlw_label_name(&c, names[i]);
		same = a.len == c.len && memcmp(a.p, c.p, a.len) == 0;
	}
	mlw_buf_free(&a);
	mlw_buf_free(&c);
	return same;
}

static void
prom_labels(struct mlw_buf *b, char **lk, char **lv, size_t n,
    const char *first_k, const char *first_v)
{
	size_t i;
	int any = 0;
	char *fk[1];

	if (n == 0 && first_k == NULL)
		return;
	mlw_buf_addc(b, '{');
	if (first_k) {
		mlw_label_name(b, first_k);
		mlw_buf_adds(b, "=\"");
		prom_value(b, first_v);
		mlw_buf_addc(b, '"');
		any = 1;
	}
	fk[0] = (char *)first_k;
	for (i = 0; i < n; i++) {
		/* a label name may appear once: later duplicates are dropped */
		if ((first_k && prom_seen(fk, 1, lk[i])) || prom_seen(lk, i, lk[i]))
			continue;
		if (any)
			mlw_buf_addc(b, ',');
		mlw_label_name(b, lk[i]);
		mlw_buf_adds(b, "=\"");
		prom_value(b, lv[i]);
		mlw_buf_addc(b, '"');
		any = 1;
	}
	mlw_buf_addc(b, '}');
}

static void
render_prom(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t f, j, i;
	char *has = mlw_xcalloc(r->nwin * r->nser + 1, 1);

	for (i = 0; i < r->ncell; i++)
		has[r->cell[i].w * r->nser + r->cell[i].s] = 1;

	for (f = 0; f < r->fields.n; f++) {
		const char *field = r->fields.ent[f].s;

		mlw_buf_adds(b, "# HELP mlw_");
		mlw_label_name(b, field);
		mlw_buf_adds(b, " Latest ");
		{
			const char *q;

			for (q = field; *q; q++) {
				if (*q == '\\')
					mlw_buf_addc(b, '\\');
				mlw_buf_addc(b, *q);
			}
		}
		mlw_buf_adds(b, " per series, from mlw.\n# TYPE mlw_");
		mlw_label_name(b, field);
		mlw_buf_adds(b, " gauge\n");
		for (j = 0; j < r->nser; j++) {
			double last = NAN;

			if (strcmp(r->ser[j].field, field) != 0)
				continue;
			/* the series' latest window; null there: no sample,
			 * rather than an older value passed off as current */
			for (i = 0; i < r->nwin; i++)
				if (has[r->order[i] * r->nser + j])
					last = g[r->order[i] * r->nser + j];
			if (isnan(last))
				continue;
			mlw_buf_adds(b, "mlw_");
			mlw_label_name(b, field);
			prom_labels(b, r->ser[j].lk, r->ser[j].lv, r->ser[j].nl,
			    NULL, NULL);
			mlw_buf_addc(b, ' ');
			mlw_jw_num(b, last);
			mlw_buf_addc(b, '\n');
		}
	}
	if (r->nal) {
		/* the last status of each alert instance */
		mlw_buf_adds(b, "# HELP mlw_alert_firing 1 while an mlw-alert "
		    "alert is firing, 0 once resolved.\n# TYPE mlw_alert_firing "
		    "gauge\n");
		for (i = 0; i < r->nal; i++) {
			const struct arec *a = &r->al[i];
			size_t k;

			for (k = i + 1; k < r->nal; k++) {
				size_t m;
				const struct arec *z = &r->al[k];

				if (strcmp(z->name, a->name) != 0 || z->nl != a->nl)
					continue;
				for (m = 0; m < a->nl; m++)
					if (strcmp(a->lk[m], z->lk[m]) ||
					    strcmp(a->lv[m], z->lv[m]))
						break;
				if (m == a->nl)
					break;
			}
			if (k < r->nal)
				continue;       /* a later record says more */
			mlw_buf_adds(b, "mlw_alert_firing");
			prom_labels(b, a->lk, a->lv, a->nl, "alertname", a->name);
			mlw_buf_adds(b, strcmp(a->status, "resolved") == 0 ?
			    " 0\n" : " 1\n");
		}
	}
	free(has);
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
	build_alerting(r);
	switch (format) {
	case MLW_REP_MARKDOWN:
		render_markdown(r, g, b);
		break;
	case MLW_REP_HTML:
		render_html(r, g, b);
		break;
	case MLW_REP_PROM:
		render_prom(r, g, b);
		break;
	default:
		render_table(r, g, b);
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
	if (r->o.value)
		mlw_path_free(&r->vpath);
	free(r->win);
	free(r->ser);
	free(r->det);
	free(r->cell);
	free(r->al);
	free(r->order);
	free(r->alerting);
	mlw_strmap_free(&r->wmap);
	mlw_strmap_free(&r->smap);
	mlw_strmap_free(&r->fields);
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
