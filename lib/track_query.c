#include "track_query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "expr.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "opt.h"
#include "out.h"
#include "strmap.h"
#include "times.h"
#include "track_filter.h"
#include "track_mlflow.h"
#include "track_store.h"
#include "utf8.h"
#include "xalloc.h"

/* ---- run summaries ---- */

const char *
mlw_run_status(const struct mlw_run *r, int64_t now, int64_t stale_ns)
{
	if (r->status)
		return r->status;
	if (stale_ns > 0 && r->has_start && now - r->start > stale_ns)
		return "UNFINISHED";
	return "RUNNING";
}

const struct mlw_point *
mlw_metric_last(const struct mlw_tmetric *m)
{
	const struct mlw_point *best = NULL;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct mlw_point *p = &m->pt[i];

		if (best == NULL || p->step > best->step ||
		    (p->step == best->step && p->ts >= best->ts))
			best = p;
	}
	return best;
}

static void
kv_write(struct mlw_buf *b, const char *name, const struct mlw_kvs *kv)
{
	size_t i;

	if (kv->keys.n == 0)
		return;
	mlw_jw_key(b, name);
	mlw_jw_open(b, '{');
	for (i = 0; i < kv->keys.n; i++) {
		mlw_jw_sep(b);
		mlw_jw_str(b, kv->keys.ent[i].s, kv->keys.ent[i].len);
		mlw_buf_addc(b, ':');
		mlw_jw_str(b, kv->val[i], strlen(kv->val[i]));
	}
	mlw_jw_close(b, '}');
}

static void
str_write(struct mlw_buf *b, const char *key, const char *s)
{
	if (s == NULL)
		return;
	mlw_jw_key(b, key);
	mlw_jw_str(b, s, strlen(s));
}

static void
mkey(struct mlw_buf *b, const struct mlw_tmetric *m, const char *suffix)
{
	struct mlw_buf t = { 0 };

	mlw_buf_adds(&t, m->key);
	mlw_buf_adds(&t, suffix);
	mlw_jw_sep(b);
	mlw_jw_str(b, t.p, t.len);
	mlw_buf_addc(b, ':');
	mlw_buf_free(&t);
}

/* 1 when NAME.suffix, a statistic of metric m, is also the name of a
 * metric of any run of rs: the statistic is then left out, with one
 * message per name (the metric keeps the name, in every run's column). */
static int
stat_clash(const struct mlw_runs *rs, const struct mlw_tmetric *m,
    const char *suffix)
{
	static struct mlw_strmap told;
	struct mlw_buf t = { 0 };
	int clash;

	mlw_buf_adds(&t, m->key);
	mlw_buf_adds(&t, suffix);
	clash = mlw_strmap_find(&rs->mnames, t.p, t.len) >= 0;
	if (clash && mlw_strmap_find(&told, t.p, t.len) < 0) {
		mlw_strmap_add(&told, t.p, t.len);
		mlw_warnx("--all-stats: %.*s is a metric: the statistic %s "
		    "of metric %s left out", (int)t.len, t.p, suffix + 1,
		    m->key);
	}
	mlw_buf_free(&t);
	return clash;
}

void
mlw_run_summary(struct mlw_buf *b, const struct mlw_runs *rs,
    const struct mlw_run *r, int all_stats, int64_t now, int64_t stale_ns)
{
	const char *st = mlw_run_status(r, now, stale_ns);
	size_t i, k;

	mlw_jw_open(b, '{');
	str_write(b, "run_id", r->run_id);
	str_write(b, "experiment", r->experiment);
	str_write(b, "run_name", r->run_name);
	str_write(b, "status", st);
	if (r->has_start) {
		mlw_jw_key(b, "start_time");
		mlw_jw_time(b, r->start);
	}
	if (r->has_end) {
		mlw_jw_key(b, "end_time");
		mlw_jw_time(b, r->end);
	}
	if (r->has_start && r->has_end) {
		mlw_jw_key(b, "duration");
		mlw_jw_num(b, (double)(r->end - r->start) / 1e9);
	}
	if (r->has_exit) {
		mlw_jw_key(b, "exit_code");
		mlw_jw_int(b, r->exit_code);
	}
	if (r->has_signal) {
		mlw_jw_key(b, "signal");
		mlw_jw_int(b, r->signal);
	}
	str_write(b, "host", r->host);
	str_write(b, "user", r->user);
	str_write(b, "cwd", r->cwd);
	if (r->pid) {
		mlw_jw_key(b, "pid");
		mlw_jw_int(b, r->pid);
	}
	if (r->git_commit || r->git_dirty >= 0) {
		mlw_jw_key(b, "git");
		mlw_jw_open(b, '{');
		str_write(b, "commit", r->git_commit);
		if (r->git_dirty >= 0) {
			mlw_jw_key(b, "dirty");
			mlw_buf_adds(b, r->git_dirty ? "true" : "false");
		}
		mlw_jw_close(b, '}');
	}
	if (r->command) {
		mlw_jw_key(b, "command");
		mlw_buf_adds(b, r->command);
	}
	kv_write(b, "params", &r->params);
	kv_write(b, "tags", &r->tags);
	if (r->mkeys.n == 0)
		goto done;
	mlw_jw_key(b, "metrics");
	mlw_jw_open(b, '{');
	for (i = 0; i < r->mkeys.n; i++) {
		const struct mlw_tmetric *m = &r->metric[i];
		const struct mlw_point *last = mlw_metric_last(m);
		double lo = INFINITY, hi = -INFINITY;
		size_t nv = 0;

		mkey(b, m, "");
		mlw_jw_num(b, last->value);
		if (!all_stats)
			continue;
		for (k = 0; k < m->n; k++)
			if (!isnan(m->pt[k].value)) {
				nv++;
				if (m->pt[k].value < lo)
					lo = m->pt[k].value;
				if (m->pt[k].value > hi)
					hi = m->pt[k].value;
			}
		if (!stat_clash(rs, m, ".min")) {
			mkey(b, m, ".min");
			mlw_jw_num(b, nv ? lo : NAN);  /* null without values */
		}
		if (!stat_clash(rs, m, ".max")) {
			mkey(b, m, ".max");
			mlw_jw_num(b, nv ? hi : NAN);  /* null without values */
		}
		if (!stat_clash(rs, m, ".step")) {
			mkey(b, m, ".step");
			mlw_jw_int(b, last->step);
		}
		if (!stat_clash(rs, m, ".count")) {
			mkey(b, m, ".count");
			mlw_jw_uint(b, m->n);
		}
	}
	mlw_jw_close(b, '}');
done:
	mlw_jw_close(b, '}');
}

/* ---- selecting, sorting, writing ---- */

/* ---- selecting and sorting ---- */

int
mlw_rwhere_compile(struct mlw_rwhere *w, const char *src, char *err,
    size_t errlen)
{
	if (mlw_filter_translate(src, &w->flt, err, errlen) < 0)
		return -1;
	w->expr = mlw_expr_compile(w->flt.text.p, err, errlen);
	return w->expr == NULL ? -2 : 0;
}

void
mlw_rwhere_free(struct mlw_rwhere *w)
{
	mlw_filter_free(&w->flt);
	if (w->expr)
		mlw_expr_free(w->expr);
	w->expr = NULL;
}

int
mlw_rsort_parse(struct mlw_rsort *s, const char *spec)
{
	struct mlw_filter f;
	char *copy = mlw_xstrdup(spec), *fp = copy, err[256];
	size_t fl;
	int rc;

	memset(&f, 0, sizeof f);
	s->desc = 0;
	if (*fp == '-') {
		s->desc = 1;
		fp++;
	} else if (*fp == '+')
		fp++;
	/* MLflow's order_by: "metrics.rmse DESC" */
	fl = strlen(fp);
	if (fl > 5 && strcasecmp(fp + fl - 5, " DESC") == 0) {
		s->desc = 1;
		fp[fl - 5] = '\0';
	} else if (fl > 4 && strcasecmp(fp + fl - 4, " ASC") == 0)
		fp[fl - 4] = '\0';
	rc = mlw_filter_translate(fp, &f, err, sizeof err) < 0 || f.n > 1 ||
	    mlw_path_parse(&s->path, f.n ? f.a[0].path : f.text.p) < 0 ? -1 : 0;
	mlw_filter_free(&f);
	free(copy);
	return rc;
}

void
mlw_rsort_free(struct mlw_rsort *s)
{
	mlw_path_free(&s->path);
}

void
mlw_rsel_build(struct mlw_rsel *sel, const struct mlw_runs *rs,
    const struct mlw_rwhere *w, int all_stats, int64_t now, int64_t stale_ns)
{
	struct mlw_buf ext = { 0 };
	struct mlw_json edoc;
	size_t i;

	memset(&edoc, 0, sizeof edoc);
	sel->rs = rs;
	sel->all = mlw_xcalloc(rs->n, sizeof *sel->all);
	sel->sel = mlw_xcalloc(rs->n, sizeof *sel->sel);
	sel->nsel = 0;
	for (i = 0; i < rs->n; i++) {
		struct mlw_ritem *it = &sel->all[i];

		it->run = rs->run[i];
		it->order = i;
		mlw_run_summary(&it->text, rs, rs->run[i], all_stats, now,
		    stale_ns);
		if (mlw_json_parse(&it->doc, it->text.p, it->text.len) < 0)
			mlw_fatal("internal error: summary: %s", it->doc.err);
		if (w == NULL || w->expr == NULL)
			sel->sel[sel->nsel++] = it;
		else if (w->flt.n == 0) {
			if (mlw_expr_test(w->expr, &it->doc) == 1)
				sel->sel[sel->nsel++] = it;
		} else {
			mlw_filter_extend(&w->flt, &it->doc, &ext);
			if (mlw_json_parse(&edoc, ext.p, ext.len) < 0)
				mlw_fatal("internal error: filter: %s", edoc.err);
			if (mlw_expr_test(w->expr, &edoc) == 1)
				sel->sel[sel->nsel++] = it;
		}
	}
	mlw_buf_free(&ext);
	mlw_json_free(&edoc);
}

static int
cmp_values(const struct mlw_json *a, long i, const struct mlw_json *b,
    long j)
{
	int na = a->tok[i].type == MLW_JNUM, nb = b->tok[j].type == MLW_JNUM;
	double x, y;
	int64_t s, t;
	const char *why;
	struct mlw_buf p = { 0 }, q = { 0 };
	int c;

	if (na && nb) {
		mlw_json_num(a, (uint32_t)i, &x);
		mlw_json_num(b, (uint32_t)j, &y);
		return x < y ? -1 : x > y;
	}
	if (na != nb)
		return na ? -1 : 1;     /* numbers before strings */
	if (a->tok[i].type == MLW_JSTR && b->tok[j].type == MLW_JSTR &&
	    mlw_time_parse(a->src + a->tok[i].start + 1, a->tok[i].len - 2,
	    &s, &why) == 0 && mlw_time_parse(b->src + b->tok[j].start + 1,
	    b->tok[j].len - 2, &t, &why) == 0)
		return s < t ? -1 : s > t;
	mlw_key_category(&p, a, i);
	mlw_key_category(&q, b, j);
	mlw_buf_addc(&p, '\0');
	mlw_buf_addc(&q, '\0');
	c = strcmp(p.p, q.p);
	mlw_buf_free(&p);
	mlw_buf_free(&q);
	return c;
}

static const struct mlw_rsort *sort_by;    /* for by_field() in qsort() */

static int
by_field(const void *pa, const void *pb)
{
	const struct mlw_ritem *a = *(struct mlw_ritem *const *)pa;
	const struct mlw_ritem *b = *(struct mlw_ritem *const *)pb;
	long i = mlw_json_get(&a->doc, 0, &sort_by->path);
	long j = mlw_json_get(&b->doc, 0, &sort_by->path);
	int ma = mlw_json_missing(&a->doc, i), mb = mlw_json_missing(&b->doc, j);
	int c;

	if (ma || mb) {
		if (ma != mb)
			return ma ? 1 : -1;     /* missing last, either way */
	} else if ((c = cmp_values(&a->doc, i, &b->doc, j)) != 0)
		return sort_by->desc ? -c : c;
	return a->order < b->order ? -1 : a->order > b->order;
}

void
mlw_rsel_sort(struct mlw_rsel *sel, const struct mlw_rsort *s)
{
	sort_by = s;
	if (sel->nsel > 1)
		qsort(sel->sel, sel->nsel, sizeof *sel->sel, by_field);
	sort_by = NULL;
}

struct mlw_ritem *
mlw_rsel_find(const struct mlw_rsel *sel, const char *arg, char *whyb,
    size_t whylen)
{
	long k = mlw_runs_find(sel->rs, arg, whyb, whylen);

	return k < 0 ? NULL : &sel->all[k];
}

struct mlw_ritem *
mlw_rsel_best(const struct mlw_rsel *sel, const char *metric, int dir)
{
	struct mlw_ritem *best = NULL;
	double bv = 0;
	size_t i;

	for (i = 0; i < sel->nsel; i++) {
		const struct mlw_run *r = sel->sel[i]->run;
		long m = mlw_strmap_find(&r->mkeys, metric, strlen(metric));
		const struct mlw_point *p;

		if (m < 0 || (p = mlw_metric_last(&r->metric[m])) == NULL ||
		    isnan(p->value))
			continue;
		if (best == NULL || (dir > 0 ? p->value > bv : p->value < bv)) {
			best = sel->sel[i];
			bv = p->value;
		}
	}
	return best;
}

void
mlw_rsel_free(struct mlw_rsel *sel)
{
	size_t i;

	for (i = 0; sel->rs && i < sel->rs->n; i++) {
		mlw_buf_free(&sel->all[i].text);
		mlw_json_free(&sel->all[i].doc);
	}
	free(sel->all);
	free(sel->sel);
	memset(sel, 0, sizeof *sel);
}

/* ---- tables ---- */

/* Leaves of a record as (column name, token) pairs, objects flattened with
 * dots, arrays left out. */
struct leaves {
	char **name;
	long *tok;
	size_t n, cap;
};

static void
leaves_add(struct leaves *l, const char *name, long tok)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->name = mlw_xrealloc(l->name, l->cap * sizeof *l->name);
		l->tok = mlw_xrealloc(l->tok, l->cap * sizeof *l->tok);
	}
	l->name[l->n] = mlw_xstrdup(name);
	l->tok[l->n++] = tok;
}

static void
leaves_free(struct leaves *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->name[i]);
	free(l->name);
	free(l->tok);
	memset(l, 0, sizeof *l);
}

static void
flatten(const struct mlw_json *d, uint32_t obj, const char *prefix,
    struct leaves *l)
{
	uint32_t i;
	char key[1024];
	struct mlw_buf name = { 0 };

	for (i = obj + 1; i < d->tok[obj].next; i = d->tok[i + 1].next) {
		size_t kn = mlw_json_str(d, i, key, sizeof key - 1);

		key[kn] = '\0';
		name.len = 0;
		if (*prefix) {
			mlw_buf_adds(&name, prefix);
			mlw_buf_addc(&name, '.');
		}
		mlw_buf_adds(&name, key);
		mlw_buf_addc(&name, '\0');
		if (d->tok[i + 1].type == MLW_JOBJ)
			flatten(d, i + 1, name.p, l);
		else if (d->tok[i + 1].type != MLW_JARR)
			leaves_add(l, name.p, (long)i + 1);
	}
	mlw_buf_free(&name);
}

/* The flattened leaves of n records as a grid: the columns that keep()
 * accepts (NULL: all), in order of first appearance, and at[i][c] the
 * token of column c in record i, -1 when missing (the last of equal
 * names). */
struct grid {
	struct mlw_strmap cols;
	long **at;
	size_t n;
};

static void
grid_build(struct grid *g, struct mlw_ritem *const *it, size_t n,
    int (*keep)(const char *))
{
	struct leaves *lv = mlw_xcalloc(n, sizeof *lv);
	size_t i, c;

	memset(g, 0, sizeof *g);
	g->n = n;
	for (i = 0; i < n; i++) {
		flatten(&it[i]->doc, 0, "", &lv[i]);
		for (c = 0; c < lv[i].n; c++)
			if (keep == NULL || keep(lv[i].name[c]))
				mlw_strmap_add(&g->cols, lv[i].name[c],
				    strlen(lv[i].name[c]));
	}
	g->at = mlw_xcalloc(n, sizeof *g->at);
	for (i = 0; i < n; i++) {
		g->at[i] = mlw_xcalloc(g->cols.n, sizeof **g->at);
		for (c = 0; c < g->cols.n; c++)
			g->at[i][c] = -1;
		for (c = 0; c < lv[i].n; c++) {
			long k = mlw_strmap_find(&g->cols, lv[i].name[c],
			    strlen(lv[i].name[c]));

			if (k >= 0)
				g->at[i][k] = lv[i].tok[c];
		}
		leaves_free(&lv[i]);
	}
	free(lv);
}

static void
grid_free(struct grid *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->at[i]);
	free(g->at);
	mlw_strmap_free(&g->cols);
	memset(g, 0, sizeof *g);
}

/* A scalar as table text, a fresh string: strings as they are (control
 * characters escaped, so that a value cannot start a line of its own),
 * numbers in shortest form, missing as "-"; at most max bytes of it. */
static char *
cell_text(const struct mlw_json *d, long i, size_t max)
{
	struct mlw_buf b = { 0 }, t = { 0 };

	if (mlw_json_missing(d, i))
		mlw_buf_adds(&b, "-");
	else if (d->tok[i].type == MLW_JSTR || d->tok[i].type == MLW_JNUM ||
	    d->tok[i].type == MLW_JTRUE || d->tok[i].type == MLW_JFALSE) {
		mlw_key_category(&t, d, i);
		mlw_jw_cell(&b, t.p, t.len);
		mlw_buf_free(&t);
	} else
		mlw_buf_add(&b, d->src + d->tok[i].start, d->tok[i].len);
	if (b.len > max)
		b.len = max;
	mlw_buf_addc(&b, '\0');
	return b.p;
}

#define CONTROLS "\001\002\003\004\005\006\007\010\011\012\013\014\015" \
    "\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036" \
    "\037\177"

/* Write rows of ncols cells (cell[r * ncols + c]; a row whose first cell
 * is NULL is left out) as aligned text: cells two spaces apart, each but
 * the last of a row padded to its column's width (the longest cell, at
 * least minw[c]). Frees the cells. */
static void
text_table(char **cell, size_t rows, size_t ncols, const size_t *minw)
{
	size_t *w = mlw_xcalloc(ncols, sizeof *w), r, c, k;
	struct mlw_buf line = { 0 };

	for (c = 0; c < ncols; c++)
		w[c] = minw ? minw[c] : 0;
	/* names too may hold control characters: a cell stays on its line */
	for (r = 0; r < rows * ncols; r++)
		if (cell[r] && strpbrk(cell[r], CONTROLS)) {
			struct mlw_buf t = { 0 };

			mlw_jw_cell(&t, cell[r], strlen(cell[r]));
			mlw_buf_addc(&t, '\0');
			free(cell[r]);
			cell[r] = t.p;
		}
	for (r = 0; r < rows; r++)
		for (c = 0; c < ncols && cell[r * ncols]; c++) {
			const char *s = cell[r * ncols + c];

			if (mlw_utf8_width(s, strlen(s)) > w[c])
				w[c] = mlw_utf8_width(s, strlen(s));
		}
	for (r = 0; r < rows; r++) {
		if (cell[r * ncols] == NULL)
			continue;
		line.len = 0;
		for (c = 0; c < ncols; c++) {
			const char *s = cell[r * ncols + c];

			if (c)
				mlw_buf_adds(&line, "  ");
			mlw_buf_adds(&line, s);
			for (k = mlw_utf8_width(s, strlen(s));
			    k < w[c] && c + 1 < ncols; k++)
				mlw_buf_addc(&line, ' ');
		}
		mlw_buf_addc(&line, '\n');
		mlw_out_write(line.p, line.len);
	}
	for (r = 0; r < rows * ncols; r++)
		free(cell[r]);
	mlw_buf_free(&line);
	free(w);
}

/* A table of n records: a header of column names and a row per record,
 * with the leaves that keep() accepts; run_id shortened to 8 digits. */
static void
records_table(struct mlw_ritem *const *it, size_t n,
    int (*keep)(const char *))
{
	struct grid g;
	char **cell;
	size_t i, c, nc;

	grid_build(&g, it, n, keep);
	nc = g.cols.n;
	if (nc > 0) {
		cell = mlw_xcalloc((n + 1) * nc, sizeof *cell);
		for (c = 0; c < nc; c++) {
			size_t max = strcmp(g.cols.ent[c].s, "run_id") == 0 ?
			    8 : (size_t)-1;

			cell[c] = mlw_xstrdup(g.cols.ent[c].s);
			for (i = 0; i < n; i++)
				cell[(i + 1) * nc + c] = cell_text(&it[i]->doc,
				    g.at[i][c], max);
		}
		text_table(cell, n + 1, nc, NULL);
		free(cell);
	}
	grid_free(&g);
}

/* Write the JSON line of b. */
static void
out_line(struct mlw_buf *b)
{
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
}

/* ---- outputs ---- */

/* Columns of the summary table. */
static int
summary_column(const char *name)
{
	static const char *const skip[] = { "experiment", "end_time", "host",
	    "user", "cwd", "pid", "exit_code", "signal", "git.commit",
	    "git.dirty" };
	size_t i;

	for (i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (strcmp(name, skip[i]) == 0)
			return 0;
	return strncmp(name, "tags.mlflow.", 12) != 0;
}

void
mlw_runs_print(struct mlw_ritem *const *it, size_t n, int format)
{
	size_t i;

	if (format == MLW_RFMT_TABLE) {
		records_table(it, n, summary_column);
		return;
	}
	for (i = 0; i < n; i++) {
		mlw_out_write(it[i]->text.p, it[i]->text.len);
		mlw_out_write("\n", 1);
	}
}

void
mlw_runs_show(const struct mlw_ritem *it, int format)
{
	static const size_t minw[2] = { 5, 0 };
	struct leaves l = { 0 };
	char **cell;
	size_t i;

	if (format != MLW_RFMT_TABLE) {
		mlw_out_write(it->text.p, it->text.len);
		mlw_out_write("\n", 1);
		return;
	}
	flatten(&it->doc, 0, "", &l);
	cell = mlw_xcalloc(2 * l.n, sizeof *cell);
	for (i = 0; i < l.n; i++) {
		cell[2 * i] = mlw_xstrdup(l.name[i]);
		cell[2 * i + 1] = cell_text(&it->doc, l.tok[i], (size_t)-1);
	}
	text_table(cell, l.n, 2, minw);
	free(cell);
	leaves_free(&l);
}

static int
compare_field(const char *name)
{
	return strcmp(name, "run_name") == 0 || strcmp(name, "status") == 0 ||
	    strcmp(name, "git.commit") == 0 ||
	    strncmp(name, "params.", 7) == 0 || strncmp(name, "tags.", 5) == 0 ||
	    strncmp(name, "metrics.", 8) == 0;
}

/* Whether the value at token i of a differs from that at j of d, as
 * text; missing differs from present. */
static int
differs(const struct mlw_json *a, long i, const struct mlw_json *d, long j)
{
	int ma = mlw_json_missing(a, i), md = mlw_json_missing(d, j);

	return ma != md || (!ma && (a->tok[i].len != d->tok[j].len ||
	    memcmp(a->src + a->tok[i].start, d->src + d->tok[j].start,
	    a->tok[i].len)));
}

/* The compare record of field f: {"field","changed","values","change"}. */
static void
compare_record(struct mlw_buf *b, struct mlw_ritem *const *it, size_t n,
    const struct grid *g, size_t f, int changed)
{
	const struct mlw_json *d0 = &it[0]->doc, *d1 = &it[n - 1]->doc;
	long t0 = g->at[0][f], t1 = g->at[n - 1][f];
	size_t i;

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "field");
	mlw_jw_str(b, g->cols.ent[f].s, g->cols.ent[f].len);
	mlw_jw_key(b, "changed");
	mlw_buf_adds(b, changed ? "true" : "false");
	mlw_jw_key(b, "values");
	mlw_jw_open(b, '[');
	for (i = 0; i < n; i++) {
		mlw_jw_sep(b);
		if (mlw_json_missing(&it[i]->doc, g->at[i][f]))
			mlw_jw_null(b);
		else
			mlw_jw_raw(b, &it[i]->doc, (uint32_t)g->at[i][f]);
	}
	mlw_jw_close(b, ']');
	if (n == 2 && !mlw_json_missing(d0, t0) && !mlw_json_missing(d1, t1) &&
	    d0->tok[t0].type == MLW_JNUM && d1->tok[t1].type == MLW_JNUM) {
		double x, y;

		mlw_json_num(d0, (uint32_t)t0, &x);
		mlw_json_num(d1, (uint32_t)t1, &y);
		mlw_jw_key(b, "change");
		mlw_jw_num(b, y - x);
	}
	mlw_jw_close(b, '}');
}

void
mlw_runs_compare(struct mlw_ritem *const *it, size_t n, int only_changed,
    int format)
{
	struct grid g;
	struct mlw_buf b = { 0 };
	size_t f, i, nc = n + 1, *minw = NULL;
	char **cell = NULL;

	grid_build(&g, it, n, compare_field);
	if (format == MLW_RFMT_TABLE) {
		/* a row per field: "* name" (or "  name"), a value per run */
		cell = mlw_xcalloc((g.cols.n + 1) * nc, sizeof *cell);
		minw = mlw_xcalloc(nc, sizeof *minw);
		cell[0] = mlw_xstrdup("  field");
		for (i = 0; i < n; i++) {
			cell[1 + i] = mlw_xstrdup(it[i]->run->run_id);
			if (strlen(cell[1 + i]) > 8)
				cell[1 + i][8] = '\0';
			minw[1 + i] = 8;
		}
	}
	for (f = 0; f < g.cols.n; f++) {
		int changed = 0;

		for (i = 1; i < n; i++)
			if (differs(&it[0]->doc, g.at[0][f], &it[i]->doc,
			    g.at[i][f]))
				changed = 1;
		if (only_changed && !changed)
			continue;
		if (format != MLW_RFMT_TABLE) {
			compare_record(&b, it, n, &g, f, changed);
			out_line(&b);
			continue;
		}
		b.len = 0;
		mlw_buf_adds(&b, changed ? "* " : "  ");
		mlw_buf_add(&b, g.cols.ent[f].s, g.cols.ent[f].len + 1);
		cell[(f + 1) * nc] = mlw_xstrdup(b.p);
		for (i = 0; i < n; i++)
			cell[(f + 1) * nc + 1 + i] = cell_text(&it[i]->doc,
			    g.at[i][f], (size_t)-1);
	}
	if (format == MLW_RFMT_TABLE) {
		text_table(cell, g.cols.n + 1, nc, minw);
		free(cell);
		free(minw);
	}
	mlw_buf_free(&b);
	grid_free(&g);
}

static int
history_column(const char *name)
{
	return strcmp(name, "window_start") && strcmp(name, "window_end") &&
	    strcmp(name, "run_id");
}

struct hpoint {
	const struct mlw_tmetric *m;
	const struct mlw_point *p;
};

static int
by_step(const void *pa, const void *pb)
{
	const struct hpoint *a = pa, *b = pb;

	if (a->p->step != b->p->step)
		return a->p->step < b->p->step ? -1 : 1;
	if (a->p->ts != b->p->ts)
		return a->p->ts < b->p->ts ? -1 : 1;
	return a->p->seq < b->p->seq ? -1 : a->p->seq > b->p->seq;
}

static int
named(const char *key, char *const *names, int nnames)
{
	int j;

	for (j = 0; j < nnames; j++)
		if (strcmp(names[j], key) == 0)
			return 1;
	return nnames == 0;
}

/* The history record of point h of run r. */
static void
history_record(struct mlw_buf *b, const struct mlw_run *r,
    const struct hpoint *h)
{
	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "run_id");
	mlw_jw_str(b, r->run_id, strlen(r->run_id));
	mlw_jw_key(b, "metric");
	mlw_jw_str(b, h->m->key, strlen(h->m->key));
	mlw_jw_key(b, "step");
	mlw_jw_int(b, h->p->step);
	mlw_jw_key(b, "timestamp");
	mlw_jw_time(b, h->p->ts);
	mlw_jw_key(b, "value");
	mlw_jw_num(b, h->p->value);
	mlw_jw_key(b, "window_start");
	mlw_jw_int(b, h->p->step);
	mlw_jw_key(b, "window_end");
	mlw_jw_int(b, h->p->step + 1);
	mlw_jw_close(b, '}');
}

int
mlw_runs_history(const struct mlw_run *r, char *const *names, int nnames,
    int format)
{
	struct hpoint *h = NULL;
	size_t nh = 0, i, k;
	struct mlw_buf b = { 0 };
	struct mlw_ritem *it, **ip;
	int rc = 0, j;

	for (i = 0; i < r->mkeys.n; i++) {
		const struct mlw_tmetric *m = &r->metric[i];

		if (!named(m->key, names, nnames))
			continue;
		h = mlw_xrealloc(h, (nh + m->n + 1) * sizeof *h);
		for (k = 0; k < m->n; k++) {
			h[nh].m = m;
			h[nh++].p = &m->pt[k];
		}
	}
	for (j = 0; j < nnames; j++)
		if (mlw_strmap_find(&r->mkeys, names[j], strlen(names[j])) < 0) {
			mlw_warnx("run %s has no metric '%s'", r->run_id,
			    names[j]);
			rc = 1;
		}
	if (nh)
		qsort(h, nh, sizeof *h, by_step);
	it = mlw_xcalloc(nh, sizeof *it);
	ip = mlw_xcalloc(nh, sizeof *ip);
	for (i = 0; i < nh; i++) {
		history_record(&b, r, &h[i]);
		if (format != MLW_RFMT_TABLE) {
			out_line(&b);
			continue;
		}
		mlw_buf_add(&it[i].text, b.p, b.len);
		if (mlw_json_parse(&it[i].doc, it[i].text.p, it[i].text.len) < 0)
			mlw_fatal("internal error: %s", it[i].doc.err);
		ip[i] = &it[i];
	}
	if (format == MLW_RFMT_TABLE)
		records_table(ip, nh, history_column);
	for (i = 0; i < nh; i++) {
		mlw_buf_free(&it[i].text);
		mlw_json_free(&it[i].doc);
	}
	free(it);
	free(ip);
	free(h);
	mlw_buf_free(&b);
	return rc;
}

/* ---- mlw-runs ---- */

/* Check the operands of command cmd (NULL: none). */
static void
check_command(const char *cmd, int nargs)
{
	if (cmd == NULL)
		return;
	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "best") == 0) {
		if (nargs != 1)
			mlw_opt_error("%s: expected one operand", cmd);
	} else if (strcmp(cmd, "compare") == 0) {
		if (nargs < 2)
			mlw_opt_error("compare: expected two runs or more");
	} else if (strcmp(cmd, "history") == 0) {
		if (nargs < 1)
			mlw_opt_error("history: expected a run");
	} else {
		mlw_opt_error("unknown command '%s' (expected show, compare, "
		    "history or best)", cmd);
	}
}

static struct mlw_ritem *
find_run(const struct mlw_rsel *sel, const char *arg)
{
	char why[256];
	struct mlw_ritem *it = mlw_rsel_find(sel, arg, why, sizeof why);

	if (it == NULL)
		mlw_fatal("%s", why);
	return it;
}

int
mlw_runs_query(const struct mlw_runs_query *q)
{
	const char *cmd = q->cmd, *store = q->store, *where = q->where;
	char *const *argv = q->args;
	int argc = q->nargs, k, rc = 0;
	struct mlw_runs rs;
	struct mlw_rwhere rw;
	struct mlw_rsort rsort;
	struct mlw_rsel sel;
	struct timespec ts;
	char err[256];

	memset(&rs, 0, sizeof rs);
	memset(&rw, 0, sizeof rw);
	memset(&rsort, 0, sizeof rsort);
	memset(&sel, 0, sizeof sel);
	check_command(cmd, argc);
	if (store && q->mlflow)
		mlw_opt_error("--store and --mlflow exclude each other");
	if (where && (k = mlw_rwhere_compile(&rw, where, err, sizeof err)) < 0) {
		if (k == -2 && strcmp(rw.flt.text.p, where) != 0)
			mlw_opt_error("--where: in '%s' (as translated): %s",
			    rw.flt.text.p, err);
		mlw_opt_error("--where: %s", err);
	}
	if (where) {
		/* params and tags are strings: a number never equals one, so
		 * such a filter selects nothing, silently */
		static const char *const strs[] = { "params.", "tags." };
		const char *f;

		for (k = 0; k < 2; k++)
			if ((f = mlw_expr_number_compare(rw.expr, strs[k])))
				mlw_warnx("--where: %s is compared with a number, "
				    "but %s are strings (compare with a string, "
				    "as %s == \"0.01\")", f, k ? "tags" :
				    "params", f);
	}
	if (q->sort && mlw_rsort_parse(&rsort, q->sort) < 0)
		mlw_opt_bad("--sort", "a field", q->sort);

	if (store == NULL)
		store = getenv("MLW_STORE");
	if (store == NULL || *store == '\0')
		store = MLW_STORE_DEFAULT;
	if ((q->mlflow ? mlw_mlflow_read(&rs, q->mlflow) :
	    mlw_store_read(&rs, store)) < 0)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	mlw_rsel_build(&sel, &rs, &rw, q->all_stats || (cmd && strcmp(cmd,
	    "show") == 0), (int64_t)ts.tv_sec * MLW_NS_PER_SEC + ts.tv_nsec,
	    q->stale);
	if (q->sort)
		mlw_rsel_sort(&sel, &rsort);

	if (cmd == NULL) {
		if (q->limit >= 0 && (size_t)q->limit < sel.nsel)
			sel.nsel = (size_t)q->limit;
		mlw_runs_print(sel.sel, sel.nsel, q->format);
	} else if (strcmp(cmd, "show") == 0) {
		mlw_runs_show(find_run(&sel, argv[0]), q->format);
	} else if (strcmp(cmd, "compare") == 0) {
		struct mlw_ritem **cmp = mlw_xcalloc((size_t)argc, sizeof *cmp);

		for (k = 0; k < argc; k++)
			cmp[k] = find_run(&sel, argv[k]);
		mlw_runs_compare(cmp, (size_t)argc, q->only_changed,
		    q->format);
		free(cmp);
	} else if (strcmp(cmd, "history") == 0) {
		rc = mlw_runs_history(find_run(&sel, argv[0])->run, argv + 1,
		    argc - 1, q->format);
	} else {                /* best */
		struct mlw_ritem *best = mlw_rsel_best(&sel, argv[0], q->dir);

		if (best == NULL) {
			mlw_warnx("no run has a value of metric '%s'", argv[0]);
			rc = 1;
		} else
			mlw_runs_print(&best, 1, q->format);
	}

	mlw_rsel_free(&sel);
	mlw_rwhere_free(&rw);
	if (q->sort)
		mlw_rsort_free(&rsort);
	mlw_runs_free(&rs);
	return rc;
}
