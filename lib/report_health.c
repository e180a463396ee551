/* report_health: the sections of a model-health report, one per kind of
 * mlw result found in the input (see report_priv.h, mlw-report(1)
 * SECTIONS): a headline, data drift, distributions, quality, estimated
 * performance, data summary, business aggregates and checks. Each section
 * is made once as tables (and, in HTML, charts) and written as HTML,
 * Markdown or text. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "drift_method.h"
#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "report_priv.h"
#include "strmap.h"
#include "utf8.h"
#include "xalloc.h"

/* ---------- kinds and their rows ---------- */

static int
has(const struct mlw_json *d, const char *k)
{
	return mlw_json_member(d, 0, k, strlen(k)) >= 0;
}

int
mlw_rep_kind_of(const struct mlw_json *d)
{
	if ((has(d, "test") && has(d, "status")) || (has(d, "summary") &&
	    has(d, "tests") && has(d, "success")))
		return K_CHECK;     /* a test, or mlw-check's summary */
	if (has(d, "dataset_drift"))
		return K_DATASET;
	if (has(d, "task"))
		return K_METRICS;
	if (has(d, "estimate") && has(d, "metric"))
		return K_EST;
	if (has(d, "agg") && has(d, "field"))
		return K_AGG;
	if (has(d, "feature") && (has(d, "psi") || (has(d, "method") &&
	    has(d, "statistic"))))
		return K_DRIFT;
	if (has(d, "method") && has(d, "statistic"))
		return K_MV;
	if (has(d, "feature") && has(d, "count") && has(d, "missing_share"))
		return K_PROFILE;
	return K_NONE;
}

/* The members that name a row of each kind, after its segment. */
static const char *const key_members[K_N][3] = {
	[K_DRIFT] = { "feature", "method", NULL },
	[K_MV] = { "method", NULL, NULL },
	[K_EST] = { "metric", NULL, NULL },
	[K_AGG] = { "agg", "field", "q" },
	[K_PROFILE] = { "feature", NULL, NULL },
	[K_CHECK] = { "suite", "test", NULL },
};

void
mlw_rep_kind_add(struct mlw_report *r, const struct mlw_json *d, int kind,
    size_t wi, size_t si)
{
	struct mlw_buf key = { 0 };
	long sg = mlw_json_member(d, 0, "segment", 7);
	size_t k, ki, at;
	struct krow *row;

	if (kind == K_NONE)
		return;
	mlw_buf_addc(&key, (char)('0' + kind));
	if (sg >= 0) {
		mlw_jw_raw(&key, d, (uint32_t)sg);
		if (d->tok[sg].type == MLW_JSTR && !mlw_json_streq(d,
		    (uint32_t)sg, "all", 3)) {
			char *t = mlw_rep_scalar_text(d, sg);

			mlw_strmap_add(&r->segs, t, strlen(t));
			free(t);
		}
	}
	for (k = 0; k < 3 && key_members[kind][k]; k++) {
		long m = mlw_json_member(d, 0, key_members[kind][k],
		    strlen(key_members[kind][k]));

		mlw_buf_addc(&key, '\x1f');
		if (m >= 0)
			mlw_jw_raw(&key, d, (uint32_t)m);
	}
	ki = mlw_strmap_add(&r->kkeys, key.p, key.len);
	mlw_buf_printf(&key, "\x1e%zu", wi);
	at = mlw_strmap_add(&r->krmap, key.p, key.len);
	mlw_buf_free(&key);
	if (at == r->nkr) {
		r->kr = mlw_grow(r->kr, &r->krcap, r->nkr + 1, sizeof *r->kr);
		r->nkr++;
	} else
		free(r->kr[at].raw);     /* the last record of a key wins */
	row = &r->kr[at];
	row->kind = kind;
	row->w = wi;
	row->key = ki;
	row->ser = si;
	row->raw = mlw_xstrndup(d->src + d->tok[0].start, d->tok[0].len);
	r->kinds |= 1u << kind;
}

void
mlw_rep_kinds_free(struct mlw_report *r)
{
	size_t i;

	for (i = 0; i < r->nkr; i++)
		free(r->kr[i].raw);
	free(r->kr);
	mlw_strmap_free(&r->krmap);
	mlw_strmap_free(&r->kkeys);
	mlw_strmap_free(&r->segs);
}

/* ---------- reading a row ---------- */

struct rec {
	struct mlw_json d;
	const struct krow *k;
};

static double
num(const struct rec *e, const char *name)
{
	long m = mlw_json_member(&e->d, 0, name, strlen(name));
	double v;

	if (m < 0)
		return NAN;
	switch (e->d.tok[m].type) {
	case MLW_JNUM:
		return mlw_json_num(&e->d, (uint32_t)m, &v) == 0 ? v : NAN;
	case MLW_JTRUE:
		return 1;
	case MLW_JFALSE:
		return 0;
	}
	return NAN;
}

/* A member as text (freshly allocated), or NULL. */
static char *
str(const struct rec *e, const char *name)
{
	long m = mlw_json_member(&e->d, 0, name, strlen(name));

	if (m < 0 || e->d.tok[m].type == MLW_JNULL)
		return NULL;
	return mlw_rep_scalar_text(&e->d, m);
}

/* A member's numbers (an array, or the array name2 of object name):
 * their count, into *out (freshly allocated). */
static size_t
nums(const struct rec *e, const char *name, const char *name2, double **out)
{
	long m = mlw_json_member(&e->d, 0, name, strlen(name));
	size_t n = 0;
	uint32_t i;

	*out = NULL;
	if (m >= 0 && name2 && e->d.tok[m].type == MLW_JOBJ)
		m = mlw_json_member(&e->d, (uint32_t)m, name2, strlen(name2));
	if (m < 0 || e->d.tok[m].type != MLW_JARR)
		return 0;
	for (i = (uint32_t)m + 1; i < e->d.tok[m].next; i = e->d.tok[i].next)
		n++;
	*out = mlw_xcalloc(n + 1, sizeof **out);
	n = 0;
	for (i = (uint32_t)m + 1; i < e->d.tok[m].next; i = e->d.tok[i].next) {
		double x = NAN;

		if (e->d.tok[i].type == MLW_JNUM &&
		    mlw_json_num(&e->d, i, &x) < 0)
			x = NAN;
		(*out)[n++] = x;
	}
	return n;
}

/* The rows of one kind, parsed: grouped by key in order of first
 * appearance, each group in window order. */
struct group {
	struct rec *e;           /* its rows */
	size_t n;
};

struct kind {
	struct rec *e;
	size_t n;
	struct group *g;
	size_t ng;
};

static const size_t *sort_pos;
static const struct mlw_report *sort_rep;

static int
rowcmp(const void *pa, const void *pb)
{
	const struct krow *a = &sort_rep->kr[*(const size_t *)pa];
	const struct krow *b = &sort_rep->kr[*(const size_t *)pb];

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->w != b->w && a->w != (size_t)-1 && b->w != (size_t)-1 &&
	    sort_pos[a->w] != sort_pos[b->w])
		return sort_pos[a->w] < sort_pos[b->w] ? -1 : 1;
	return 0;
}

static void
kind_load(struct mlw_report *r, const size_t *pos, int kind, struct kind *K)
{
	size_t *ix = mlw_xmalloc((r->nkr + 1) * sizeof *ix), n = 0, i;

	memset(K, 0, sizeof *K);
	for (i = 0; i < r->nkr; i++)
		if (r->kr[i].kind == kind)
			ix[n++] = i;
	sort_pos = pos;
	sort_rep = r;
	if (n > 1)
		qsort(ix, n, sizeof *ix, rowcmp);
	K->e = mlw_xcalloc(n + 1, sizeof *K->e);
	K->g = mlw_xcalloc(n + 1, sizeof *K->g);
	for (i = 0; i < n; i++) {
		struct rec *e = &K->e[i];

		e->k = &r->kr[ix[i]];
		/* stored from a parsed record: parses again */
		if (mlw_json_parse(&e->d, e->k->raw, strlen(e->k->raw)) < 0)
			continue;
		if (K->ng == 0 || K->g[K->ng - 1].e[0].k->key != e->k->key) {
			K->g[K->ng].e = e;
			K->ng++;
		}
		K->g[K->ng - 1].n++;
	}
	K->n = n;
	free(ix);
}

static void
kind_free(struct kind *K)
{
	size_t i;

	for (i = 0; i < K->n; i++)
		mlw_json_free(&K->e[i].d);
	free(K->e);
	free(K->g);
}

static const struct rec *
latest(const struct group *g)
{
	return &g->e[g->n - 1];
}

/* ---------- tables, in any format ---------- */

enum { F_BAD = 1, F_GOOD = 2 };

struct tab {
	size_t nc, nr, cap;
	const char *const *head; /* a leading '<': a text column */
	char **cell;             /* NULL: a number of val */
	double *val;
	unsigned char *flag;
};

static void
tab_init(struct tab *t, const char *const *head)
{
	memset(t, 0, sizeof *t);
	t->head = head;
	while (head[t->nc])
		t->nc++;
}

static void
tab_row(struct tab *t)
{
	size_t cap = t->cap;

	t->cell = mlw_grow(t->cell, &t->cap, (t->nr + 1) * t->nc,
	    sizeof *t->cell);
	t->val = mlw_grow(t->val, &cap, (t->nr + 1) * t->nc, sizeof *t->val);
	t->flag = mlw_xrealloc(t->flag, (t->nr + 1) * t->nc);
	memset(t->cell + t->nr * t->nc, 0, t->nc * sizeof *t->cell);
	memset(t->flag + t->nr * t->nc, 0, t->nc);
	t->nr++;
}

static void
tab_set(struct tab *t, size_t c, int flag, const char *fmt, ...)
{
	va_list ap;
	struct mlw_buf b = { 0 };
	char tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	mlw_buf_adds(&b, tmp);
	mlw_buf_addc(&b, '\0');
	free(t->cell[(t->nr - 1) * t->nc + c]);
	t->cell[(t->nr - 1) * t->nc + c] = b.p;
	t->flag[(t->nr - 1) * t->nc + c] = (unsigned char)flag;
}

/* Set a cell to a (freshly allocated, taken) text; "-" for NULL. */
static void
tab_take(struct tab *t, size_t c, int flag, char *s)
{
	tab_set(t, c, flag, "%s", s ? s : "-");
	free(s);
}

/* A number, written in its column's one format. */
static void
tab_num(struct tab *t, size_t c, int flag, double v)
{
	size_t at = (t->nr - 1) * t->nc + c;

	free(t->cell[at]);
	t->cell[at] = NULL;
	t->val[at] = v;
	t->flag[at] = (unsigned char)flag;
}

/* The numbers as text, each column in one format. */
static void
tab_fmt(struct tab *t)
{
	size_t i, j;

	for (j = 0; j < t->nc; j++) {
		double *v = mlw_xmalloc((t->nr + 1) * sizeof *v);
		char f, s[48];

		for (i = 0; i < t->nr; i++)
			v[i] = t->cell[i * t->nc + j] ? NAN : t->val[i * t->nc + j];
		f = mlw_rep_colfmt(v, t->nr, 1);
		for (i = 0; i < t->nr; i++)
			if (t->cell[i * t->nc + j] == NULL) {
				mlw_rep_fmt_as(f, v[i], s, sizeof s);
				t->cell[i * t->nc + j] = mlw_xstrdup(s);
			}
		free(v);
	}
}

static void
tab_free(struct tab *t)
{
	size_t i;

	for (i = 0; i < t->nr * t->nc; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->val);
	free(t->flag);
}

struct sink {
	struct mlw_report *r;
	const double *g;
	int fmt;                 /* MLW_REP_* */
	struct mlw_buf *b;
	size_t *pos;             /* window -> its place in r->order */
	int marks;               /* a text table marked a cell */
};

static void
cell_width(const char *s, size_t *w)
{
	struct mlw_buf b = { 0 };
	size_t n;

	mlw_jw_cell(&b, s, strlen(s));
	n = mlw_utf8_width(b.p, b.len);
	if (n > *w)
		*w = n;
	mlw_buf_free(&b);
}

static void
tab_put(struct sink *k, struct tab *t)
{
	struct mlw_buf *b = k->b;
	size_t i, j, *w;

	if (t->nr == 0)
		return;
	tab_fmt(t);
	if (k->fmt == MLW_REP_HTML) {
		mlw_buf_adds(b, "<div class=\"scroll\"><table>\n<thead><tr>");
		for (j = 0; j < t->nc; j++) {
			int tx = t->head[j][0] == '<';

			mlw_buf_adds(b, tx ? "<th class=\"text\">" : "<th>");
			mlw_rep_html_text(b, t->head[j] + tx);
			mlw_buf_adds(b, "</th>");
		}
		mlw_buf_adds(b, "</tr></thead>\n<tbody>\n");
		for (i = 0; i < t->nr; i++) {
			mlw_buf_adds(b, "<tr>");
			for (j = 0; j < t->nc; j++) {
				int f = t->flag[i * t->nc + j];
				int tx = t->head[j][0] == '<';

				mlw_buf_printf(b, "<td%s%s%s>", tx || f ?
				    " class=\"" : "", tx ? (f ? "text " : "text") :
				    "", f == F_BAD ? "over\"" : f == F_GOOD ?
				    "good\"" : tx ? "\"" : "");
				mlw_rep_html_text(b, t->cell[i * t->nc + j]);
				mlw_buf_adds(b, "</td>");
			}
			mlw_buf_adds(b, "</tr>\n");
		}
		mlw_buf_adds(b, "</tbody>\n</table></div>\n");
		return;
	}
	if (k->fmt == MLW_REP_MARKDOWN) {
		mlw_buf_adds(b, "|");
		for (j = 0; j < t->nc; j++) {
			mlw_buf_addc(b, ' ');
			mlw_rep_md_text(b, t->head[j] + (t->head[j][0] == '<'));
			mlw_buf_adds(b, " |");
		}
		mlw_buf_adds(b, "\n|");
		for (j = 0; j < t->nc; j++)
			mlw_buf_adds(b, t->head[j][0] == '<' ? "---|" : "---:|");
		mlw_buf_addc(b, '\n');
		for (i = 0; i < t->nr; i++) {
			mlw_buf_adds(b, "|");
			for (j = 0; j < t->nc; j++) {
				int bad = t->flag[i * t->nc + j] == F_BAD;

				mlw_buf_adds(b, bad ? " **" : " ");
				mlw_rep_md_text(b, t->cell[i * t->nc + j]);
				mlw_buf_adds(b, bad ? "** |" : " |");
			}
			mlw_buf_addc(b, '\n');
		}
		mlw_buf_addc(b, '\n');
		return;
	}
	w = mlw_xcalloc(t->nc, sizeof *w);
	for (j = 0; j < t->nc; j++) {
		cell_width(t->head[j] + (t->head[j][0] == '<'), &w[j]);
		for (i = 0; i < t->nr; i++) {
			size_t x = 0;

			cell_width(t->cell[i * t->nc + j], &x);
			x += t->flag[i * t->nc + j] == F_BAD;
			if (x > w[j])
				w[j] = x;
		}
	}
	for (i = 0; i <= t->nr; i++) {
		mlw_buf_adds(b, " ");
		for (j = 0; j < t->nc; j++) {
			const char *s = i == 0 ? t->head[j] + (t->head[j][0] ==
			    '<') : t->cell[(i - 1) * t->nc + j];
			int bad = i > 0 && t->flag[(i - 1) * t->nc + j] == F_BAD;
			size_t x = 0, p;
			int tx = t->head[j][0] == '<';

			cell_width(s, &x);
			x += bad;
			mlw_buf_adds(b, " ");
			if (!tx)
				for (p = x; p < w[j]; p++)
					mlw_buf_addc(b, ' ');
			if (bad && k->r->o.color)
				mlw_buf_adds(b, "\033[1;31m");
			mlw_jw_cell(b, s, strlen(s));
			if (bad && k->r->o.color)
				mlw_buf_adds(b, "\033[0m");
			if (bad)
				mlw_buf_addc(b, '*');
			k->marks |= bad;
			if (tx && j + 1 < t->nc)
				for (p = x; p < w[j]; p++)
					mlw_buf_addc(b, ' ');
		}
		mlw_buf_addc(b, '\n');
	}
	free(w);
}

static void
sec_begin(struct sink *k, const char *id, const char *title)
{
	if (k->fmt == MLW_REP_HTML)
		mlw_buf_printf(k->b, "<section class=\"kind\" id=\"%s\">\n"
		    "<h2>%s</h2>\n", id, title);
	else if (k->fmt == MLW_REP_MARKDOWN)
		mlw_buf_printf(k->b, "\n### %s\n\n", title);
	else
		mlw_buf_printf(k->b, "\n%s\n", title);
}

static void
sec_end(struct sink *k)
{
	if (k->fmt == MLW_REP_HTML)
		mlw_buf_adds(k->b, "</section>\n");
}

/* A line of text: a paragraph, or a subheading when head. */
static void
line(struct sink *k, int head, const char *fmt, ...)
{
	va_list ap;
	char t[512];

	va_start(ap, fmt);
	vsnprintf(t, sizeof t, fmt, ap);
	va_end(ap);
	if (k->fmt == MLW_REP_HTML) {
		mlw_buf_adds(k->b, head ? "<h3>" : "<p>");
		mlw_rep_html_text(k->b, t);
		mlw_buf_adds(k->b, head ? "</h3>\n" : "</p>\n");
	} else if (k->fmt == MLW_REP_MARKDOWN) {
		if (head)
			mlw_buf_adds(k->b, "#### ");
		mlw_rep_md_text(k->b, t);
		mlw_buf_adds(k->b, "\n\n");
	} else {
		mlw_buf_adds(k->b, head ? " " : "  ");
		mlw_jw_cell(k->b, t, strlen(t));
		mlw_buf_addc(k->b, '\n');
	}
}

/* The segment of a row, or NULL for one without (or "all" when no row of
 * the report has another). */
static char *
seg_of(const struct sink *k, const struct rec *e)
{
	char *s = str(e, "segment");

	if (s && strcmp(s, "all") == 0 && k->r->segs.n == 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Whether any row of K has a segment to show. */
static int
any_seg(const struct sink *k, const struct kind *K)
{
	size_t i;

	for (i = 0; i < K->ng; i++) {
		char *s = seg_of(k, latest(&K->g[i]));

		free(s);
		if (s)
			return 1;
	}
	return 0;
}

/* The window label of a row. */
static void
row_win(const struct sink *k, const struct rec *e, char *buf, size_t cap)
{
	mlw_rep_win_label(&k->r->win[e->k->w], buf, cap);
}

/* A chart of the rows of g over the windows: member y, and the optional
 * y2 (a second, dashed line), band members lo and hi (shaded) and the
 * threshold members tlo and thi. */
static void
group_chart(struct sink *k, const struct group *g, const char *title,
    const char *y, const char *y2, const char *lo, const char *hi,
    const char *tlo, const char *thi)
{
	struct mlw_report *r = k->r;
	struct mlw_rep_line L;
	size_t i, n = r->nwin ? r->nwin : 1;
	double *v = mlw_xmalloc(5 * n * sizeof *v);

	memset(&L, 0, sizeof L);
	for (i = 0; i < 5 * n; i++)
		v[i] = NAN;
	L.y = v;
	L.y2 = y2 ? v + n : NULL;
	L.lo = lo ? v + 2 * n : NULL;
	L.hi = hi ? v + 3 * n : NULL;
	L.tlo = L.thi = NAN;
	for (i = 0; i < g->n; i++) {
		const struct rec *e = &g->e[i];
		size_t p = k->pos[e->k->w];

		v[p] = num(e, y);
		if (y2)
			v[n + p] = num(e, y2);
		if (lo)
			v[2 * n + p] = num(e, lo);
		if (hi)
			v[3 * n + p] = num(e, hi);
		if (tlo && !isnan(num(e, tlo)))
			L.tlo = num(e, tlo);
		if (thi && !isnan(num(e, thi)))
			L.thi = num(e, thi);
	}
	L.title = title;
	L.ylabel = y;
	L.y2label = y2;
	L.ser = (size_t)-1;
	mlw_rep_line_chart(r, &L, k->b);
	free(v);
}

/* ---------- the sections ---------- */

static const char *
drift_type(const struct rec *e)
{
	char *m;
	const char *t = "-";
	int i;

	if (has(&e->d, "categories"))
		return "categorical";
	if (has(&e->d, "edges"))
		return "numerical";
	m = str(e, "method");
	i = m ? mlw_dmethod_find(m) : -1;
	if (i >= 0 && mlw_dmethods[i].numeric)
		t = "numerical";
	else if (m && (strcmp(m, "chisquare") == 0 || strcmp(m, "z") == 0 ||
	    strcmp(m, "fisher_exact") == 0))
		t = "categorical";
	free(m);
	return t;
}

static double
drift_stat(const struct rec *e)
{
	double v = num(e, "statistic");

	return isnan(v) ? num(e, "psi") : v;
}

/* A drift row's threshold and verdict (-1 when it has none): its own, or
 * for mlw-psi's --threshold. */
static int
drift_verdict(const struct sink *k, const struct rec *e, double *thr)
{
	long d = mlw_json_member(&e->d, 0, "drift", 5);

	*thr = num(e, "threshold");
	if (d >= 0 && (e->d.tok[d].type == MLW_JTRUE ||
	    e->d.tok[d].type == MLW_JFALSE))
		return e->d.tok[d].type == MLW_JTRUE;
	if (isnan(*thr) && k->r->o.has_threshold)
		*thr = k->r->o.threshold;
	if (isnan(*thr) || isnan(drift_stat(e)))
		return -1;
	return drift_stat(e) > *thr;
}

/* How a row's threshold applies, as text: "p ≤ 0.05", "≥ 0.1" (Evidently's
 * rule for mlw-drift's methods; mlw-mvdrift's mmd tests its p-value). */
static void
thr_text(const struct rec *e, double thr, char *buf, size_t cap)
{
	char *m = str(e, "method"), v[48];
	int i = m ? mlw_dmethod_find(m) : -1, cmp = i >= 0 ? mlw_dmethods[i].cmp :
	    m && strcmp(m, "mmd") == 0 ? MLW_CMP_PLT : MLW_CMP_SGT;
	static const char *const op[] = { "p ≤ ", "p < ", "≥ ", "> " };

	free(m);
	if (isnan(thr)) {
		snprintf(buf, cap, "-");
		return;
	}
	mlw_num_format(thr, v);
	if (strlen(v) > 7)
		mlw_rep_fmt(thr, v, sizeof v);
	snprintf(buf, cap, "%s%s", op[cmp], v);
}

int
mlw_rep_thr_on_p(const char *method)
{
	int i = mlw_dmethod_find(method);

	return i >= 0 ? mlw_dmethods[i].cmp == MLW_CMP_PLE ||
	    mlw_dmethods[i].cmp == MLW_CMP_PLT : strcmp(method, "mmd") == 0;
}

static int
latest_cmp_drift(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

static void
sec_drift(struct sink *k)
{
	static const char *const hs[] = { "<segment", "<field", "<type",
		"<method", "statistic", "p-value", "threshold", "<drift", NULL };
	static const char *const hd[] = { "<segment", "drifting", "fields",
		"share", "<dataset drift", NULL };
	static const char *const hm[] = { "<segment", "<method", "statistic",
		"p-value", "lower threshold", "threshold", "<drift", NULL };
	struct kind K, D, M;
	struct tab t;
	size_t i, j, seg0;
	int *ord;
	char lab[64];

	kind_load(k->r, k->pos, K_DRIFT, &K);
	kind_load(k->r, k->pos, K_DATASET, &D);
	kind_load(k->r, k->pos, K_MV, &M);
	if (K.ng + D.ng + M.ng == 0)
		goto done;
	sec_begin(k, "drift", "Data drift");
	if (D.ng) {
		seg0 = !any_seg(k, &D);
		tab_init(&t, hd + seg0);
		for (i = 0; i < D.ng; i++) {
			const struct rec *e = latest(&D.g[i]);
			int dd = num(e, "dataset_drift") == 1;

			tab_row(&t);
			if (!seg0)
				tab_take(&t, 0, 0, seg_of(k, e));
			tab_num(&t, 1 - seg0, 0, num(e, "drifted"));
			tab_num(&t, 2 - seg0, 0, num(e, "features"));
			tab_num(&t, 3 - seg0, 0, num(e, "share"));
			tab_set(&t, 4 - seg0, dd ? F_BAD : F_GOOD, "%s",
			    dd ? "yes" : "no");
		}
		row_win(k, latest(&D.g[0]), lab, sizeof lab);
		line(k, 1, "Dataset drift, window %s", lab);
		tab_put(k, &t);
		tab_free(&t);
	}
	if (K.ng) {
		/* drifting fields first, each group by its latest window */
		ord = mlw_xmalloc(K.ng * 2 * sizeof *ord);
		for (i = 0; i < K.ng; i++) {
			double thr;

			ord[2 * i] = drift_verdict(k, latest(&K.g[i]), &thr);
			ord[2 * i + 1] = (int)i;
		}
		/* stable: by verdict, then by order of appearance */
		for (i = 1; i < K.ng; i++)
			for (j = i; j > 0 && latest_cmp_drift(&ord[2 * j - 2],
			    &ord[2 * j]) > 0; j--) {
				int a = ord[2 * j], b = ord[2 * j + 1];

				ord[2 * j] = ord[2 * j - 2];
				ord[2 * j + 1] = ord[2 * j - 1];
				ord[2 * j - 2] = a;
				ord[2 * j - 1] = b;
			}
		seg0 = !any_seg(k, &K);
		tab_init(&t, hs + seg0);
		for (i = 0; i < K.ng; i++) {
			const struct rec *e = latest(&K.g[ord[2 * i + 1]]);
			double thr;
			int v = drift_verdict(k, e, &thr);
			char *m = str(e, "method");

			tab_row(&t);
			if (!seg0)
				tab_take(&t, 0, 0, seg_of(k, e));
			tab_take(&t, 1 - seg0, 0, str(e, "feature"));
			tab_set(&t, 2 - seg0, 0, "%s", drift_type(e));
			tab_take(&t, 3 - seg0, 0, m ? m : mlw_xstrdup("psi"));
			tab_num(&t, 4 - seg0, v == 1 ? F_BAD : 0, drift_stat(e));
			tab_num(&t, 5 - seg0, 0, num(e, "p_value"));
			thr_text(e, thr, lab, sizeof lab);
			tab_set(&t, 6 - seg0, 0, "%s", lab);
			tab_set(&t, 7 - seg0, v == 1 ? F_BAD : v == 0 ? F_GOOD : 0,
			    "%s", v == 1 ? "yes" : v == 0 ? "no" : "-");
		}
		row_win(k, latest(&K.g[0]), lab, sizeof lab);
		line(k, 1, "Per field, window %s (drifting first)", lab);
		tab_put(k, &t);
		tab_free(&t);
		free(ord);
	}
	if (M.ng) {
		seg0 = !any_seg(k, &M);
		tab_init(&t, hm + seg0);
		for (i = 0; i < M.ng; i++) {
			const struct rec *e = latest(&M.g[i]);
			int v = num(e, "drift") == 1;

			tab_row(&t);
			if (!seg0)
				tab_take(&t, 0, 0, seg_of(k, e));
			tab_take(&t, 1 - seg0, 0, str(e, "method"));
			tab_num(&t, 2 - seg0, v ? F_BAD : 0, num(e, "statistic"));
			tab_num(&t, 3 - seg0, 0, num(e, "p_value"));
			tab_num(&t, 4 - seg0, 0, num(e, "lower_threshold"));
			thr_text(e, num(e, "threshold"), lab, sizeof lab);
			tab_set(&t, 5 - seg0, 0, "%s", lab);
			tab_set(&t, 6 - seg0, v ? F_BAD : F_GOOD, "%s",
			    v ? "yes" : "no");
		}
		row_win(k, latest(&M.g[0]), lab, sizeof lab);
		line(k, 1, "Multivariate, window %s", lab);
		tab_put(k, &t);
		tab_free(&t);
	}
	if (k->fmt == MLW_REP_HTML && k->r->nwin > 1) {
		for (i = 0; i < k->r->nser; i++)
			if ((k->r->ser[i].kind == K_DRIFT ||
			    k->r->ser[i].kind == K_MV) && k->r->ser[i].primary)
				mlw_rep_chart(k->r, k->g, i, k->b);
		for (i = 0; i < D.ng; i++) {
			char *s = seg_of(k, latest(&D.g[i]));
			char t2[256];

			snprintf(t2, sizeof t2, "share of drifting fields%s%s",
			    s ? " " : "", s ? s : "");
			group_chart(k, &D.g[i], t2, "share", NULL, NULL, NULL,
			    NULL, NULL);
			free(s);
		}
	}
	sec_end(k);
done:
	kind_free(&K);
	kind_free(&D);
	kind_free(&M);
}

static void
sec_distributions(struct sink *k)
{
	size_t i, n = 0;

	if (k->fmt != MLW_REP_HTML)
		return;
	for (i = 0; i < k->r->nser; i++)
		n += k->r->det[i].ref != NULL;
	if (n == 0)
		return;
	sec_begin(k, "distributions", "Distributions");
	for (i = 0; i < k->r->nser; i++)
		if (k->r->det[i].ref)
			mlw_rep_bars(k->r, i, k->b);
	sec_end(k);
}

/* The metrics a task's table and charts show. */
static const char *const q_bin[] = { "accuracy", "precision", "recall",
	"f1", "roc_auc", "pr_auc", "log_loss", "brier", NULL };
static const char *const q_mc[] = { "accuracy", "precision_macro",
	"recall_macro", "f1_macro", "f1_weighted", NULL };
static const char *const q_reg[] = { "mae", "rmse", "mape", "r2", NULL };

static const char *const *
task_metrics(const struct rec *e, const char *const **chart)
{
	char *t = str(e, "task");
	static const char *const c_bin[] = { "accuracy", "f1", "roc_auc", NULL };
	static const char *const c_mc[] = { "accuracy", "f1_macro", NULL };
	static const char *const c_reg[] = { "rmse", "mae", NULL };
	const char *const *m = q_bin;

	*chart = c_bin;
	if (t && strcmp(t, "multiclass") == 0) {
		m = q_mc;
		*chart = c_mc;
	} else if (t && strcmp(t, "regression") == 0) {
		m = q_reg;
		*chart = c_reg;
	}
	free(t);
	return m;
}

/* A confusion matrix from a row: binary counts or multiclass cells. */
static size_t
confusion(const struct rec *e, char ***labels, double **cm)
{
	long l = mlw_json_member(&e->d, 0, "labels", 6);
	long c = mlw_json_member(&e->d, 0, "confusion_matrix", 16);
	size_t n = 0, i = 0;
	uint32_t a, b;

	*labels = NULL;
	*cm = NULL;
	if (!isnan(num(e, "tp"))) {
		*labels = mlw_xcalloc(2, sizeof **labels);
		(*labels)[0] = mlw_xstrdup("0");
		(*labels)[1] = mlw_xstrdup("1");
		*cm = mlw_xcalloc(4, sizeof **cm);
		(*cm)[0] = num(e, "tn");
		(*cm)[1] = num(e, "fp");
		(*cm)[2] = num(e, "fn");
		(*cm)[3] = num(e, "tp");
		return 2;
	}
	if (l < 0 || c < 0 || e->d.tok[l].type != MLW_JARR ||
	    e->d.tok[c].type != MLW_JARR)
		return 0;
	for (a = (uint32_t)l + 1; a < e->d.tok[l].next; a = e->d.tok[a].next)
		n++;
	if (n == 0 || n > 50)
		return 0;
	*labels = mlw_xcalloc(n, sizeof **labels);
	*cm = mlw_xcalloc(n * n, sizeof **cm);
	for (a = (uint32_t)l + 1; a < e->d.tok[l].next; a = e->d.tok[a].next)
		(*labels)[i++] = mlw_rep_scalar_text(&e->d, (long)a);
	i = 0;
	for (a = (uint32_t)c + 1; a < e->d.tok[c].next && i < n * n;
	    a = e->d.tok[a].next) {
		size_t col = 0;

		if (e->d.tok[a].type != MLW_JARR)
			break;
		for (b = a + 1; b < e->d.tok[a].next && col < n;
		    b = e->d.tok[b].next, col++)
			if (mlw_json_num(&e->d, b, &(*cm)[i + col]) < 0)
				(*cm)[i + col] = 0;
		i += n;
	}
	return n;
}

static void
free_labels(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void
sec_quality(struct sink *k)
{
	static const char *const pc[] = { "<class", "precision", "recall",
		"f1", "support", NULL };
	struct kind K;
	struct tab t;
	const char *const *m, *const *cm;
	const char **hd;
	size_t i, j, nm = 0;
	char lab[64];

	kind_load(k->r, k->pos, K_METRICS, &K);
	if (K.ng == 0) {
		kind_free(&K);
		return;
	}
	sec_begin(k, "quality", "Quality");
	m = task_metrics(latest(&K.g[0]), &cm);
	while (m[nm])
		nm++;
	hd = mlw_xcalloc(nm + 3, sizeof *hd);
	hd[0] = "<segment";
	hd[1] = "n";
	for (j = 0; j < nm; j++)
		hd[2 + j] = m[j];
	tab_init(&t, hd);
	for (i = 0; i < K.ng; i++) {
		const struct rec *e = latest(&K.g[i]);
		char *s = str(e, "segment");

		tab_row(&t);
		tab_take(&t, 0, 0, s);
		tab_num(&t, 1, 0, num(e, "n"));
		for (j = 0; j < nm; j++) {
			double v = num(e, m[j]);
			int bad = k->r->o.has_threshold && !isnan(v) &&
			    (mlw_rep_low_bad(m[j]) ? v < k->r->o.threshold :
			    v > k->r->o.threshold);

			tab_num(&t, 2 + j, bad ? F_BAD : 0, v);
		}
	}
	row_win(k, latest(&K.g[0]), lab, sizeof lab);
	line(k, 1, "Per segment, window %s", lab);
	tab_put(k, &t);
	tab_free(&t);
	free(hd);
	/* the confusion matrices, curves and per-class table of the latest
	 * window, per segment (the first eight) */
	for (i = 0; i < K.ng && i < 8; i++) {
		const struct rec *e = latest(&K.g[i]);
		char **cl, *s = str(e, "segment");
		double *c, *fx = NULL, *fy = NULL, *px = NULL, *py = NULL;
		size_t n = confusion(e, &cl, &c), nr, np;

		nr = nums(e, "roc_curve", "fpr", &fx);
		if (nums(e, "roc_curve", "tpr", &fy) != nr)
			nr = 0;
		np = nums(e, "pr_curve", "recall", &px);
		if (nums(e, "pr_curve", "precision", &py) != np)
			np = 0;
		if (n) {
			line(k, 1, "Confusion matrix, %s, window %s (rows: "
			    "true class, columns: predicted)", s ? s : "all", lab);
			if (k->fmt == MLW_REP_HTML)
				mlw_rep_heatmap(k->b, (const char *const *)cl, n, c);
			else {
				const char **h = mlw_xcalloc(n + 2, sizeof *h);
				size_t a, b2;

				h[0] = "<true \\ predicted";
				for (a = 0; a < n; a++)
					h[a + 1] = cl[a];
				tab_init(&t, h);
				for (a = 0; a < n; a++) {
					tab_row(&t);
					tab_set(&t, 0, 0, "%s", cl[a]);
					for (b2 = 0; b2 < n; b2++)
						tab_num(&t, b2 + 1, 0, c[a * n + b2]);
				}
				tab_put(k, &t);
				tab_free(&t);
				free(h);
			}
		}
		if (n > 2) {
			size_t a, b2;

			tab_init(&t, pc);
			for (a = 0; a < n; a++) {
				double tp = c[a * n + a], pp = 0, ap = 0, pr, rc;

				for (b2 = 0; b2 < n; b2++) {
					pp += c[b2 * n + a];
					ap += c[a * n + b2];
				}
				pr = pp > 0 ? tp / pp : NAN;
				rc = ap > 0 ? tp / ap : NAN;
				tab_row(&t);
				tab_set(&t, 0, 0, "%s", cl[a]);
				tab_num(&t, 1, 0, pr);
				tab_num(&t, 2, 0, rc);
				tab_num(&t, 3, 0, pr + rc > 0 ? 2 * pr * rc /
				    (pr + rc) : isnan(pr + rc) ? NAN : 0);
				tab_num(&t, 4, 0, ap);
			}
			line(k, 1, "Per class, %s, window %s", s ? s : "all", lab);
			tab_put(k, &t);
			tab_free(&t);
		}
		if (k->fmt == MLW_REP_HTML && (nr || np)) {
			mlw_buf_adds(k->b, "<div class=\"pair\">\n");
			if (nr)
				mlw_rep_curve(k->b, "ROC curve", "false positive rate",
				    "true positive rate", fx, fy, nr, -1);
			if (np)
				mlw_rep_curve(k->b, "Precision-recall curve",
				    "recall", "precision", px, py, np,
				    num(e, "positives") / num(e, "n"));
			mlw_buf_adds(k->b, "</div>\n");
		}
		free_labels(cl, n);
		free(c);
		free(fx);
		free(fy);
		free(px);
		free(py);
		free(s);
	}
	if (k->fmt == MLW_REP_HTML && k->r->nwin > 1)
		for (i = 0; i < K.ng && i < 8; i++)
			for (j = 0; cm[j]; j++) {
				char *s = str(latest(&K.g[i]), "segment");
				char t2[256];

				snprintf(t2, sizeof t2, "%s %s", cm[j], s ? s : "all");
				group_chart(k, &K.g[i], t2, cm[j], NULL, NULL, NULL,
				    NULL, NULL);
				free(s);
			}
	sec_end(k);
	kind_free(&K);
}

static void
sec_estimate(struct sink *k)
{
	static const char *const hd[] = { "<segment", "<metric", "estimate",
		"lower", "upper", "lower threshold", "upper threshold",
		"realized", "<alert", NULL };
	struct kind K;
	struct tab t;
	size_t i, seg0;
	char lab[64];

	kind_load(k->r, k->pos, K_EST, &K);
	if (K.ng == 0) {
		kind_free(&K);
		return;
	}
	sec_begin(k, "estimate", "Estimated performance");
	seg0 = !any_seg(k, &K);
	tab_init(&t, hd + seg0);
	for (i = 0; i < K.ng; i++) {
		const struct rec *e = latest(&K.g[i]);
		int a = num(e, "alert") == 1;

		tab_row(&t);
		if (!seg0)
			tab_take(&t, 0, 0, seg_of(k, e));
		tab_take(&t, 1 - seg0, 0, str(e, "metric"));
		tab_num(&t, 2 - seg0, a ? F_BAD : 0, num(e, "estimate"));
		tab_num(&t, 3 - seg0, 0, num(e, "lower"));
		tab_num(&t, 4 - seg0, 0, num(e, "upper"));
		tab_num(&t, 5 - seg0, 0, num(e, "lower_threshold"));
		tab_num(&t, 6 - seg0, 0, num(e, "upper_threshold"));
		tab_num(&t, 7 - seg0, 0, num(e, "realized"));
		tab_set(&t, 8 - seg0, a ? F_BAD : F_GOOD, "%s", a ? "yes" : "no");
	}
	row_win(k, latest(&K.g[0]), lab, sizeof lab);
	line(k, 1, "Estimated without labels (CBPE), window %s", lab);
	tab_put(k, &t);
	tab_free(&t);
	/* charts of accuracy, roc_auc, f1 and of any metric that alerted */
	if (k->fmt == MLW_REP_HTML && k->r->nwin > 1)
		for (i = 0; i < K.ng; i++) {
			const struct rec *e = latest(&K.g[i]);
			char *m = str(e, "metric"), *s = seg_of(k, e), t2[256];
			size_t j, al = 0;

			for (j = 0; j < K.g[i].n; j++)
				al |= num(&K.g[i].e[j], "alert") == 1;
			if (!al && !(m && (strcmp(m, "accuracy") == 0 ||
			    strcmp(m, "roc_auc") == 0 || strcmp(m, "f1") == 0))) {
				free(m);
				free(s);
				continue;
			}

			snprintf(t2, sizeof t2, "estimated %s%s%s", m ? m : "",
			    s ? " " : "", s ? s : "");
			group_chart(k, &K.g[i], t2, "estimate", "realized",
			    "lower", "upper", "lower_threshold",
			    "upper_threshold");
			free(m);
			free(s);
		}
	sec_end(k);
	kind_free(&K);
}

/* A profile row's top values as "a (12), b (7)". */
static char *
top_text(const struct rec *e)
{
	long t = mlw_json_member(&e->d, 0, "top", 3);
	struct mlw_buf b = { 0 };
	uint32_t i;
	int n = 0;

	if (t < 0 || e->d.tok[t].type != MLW_JARR)
		return NULL;
	for (i = (uint32_t)t + 1; i < e->d.tok[t].next && n < 3;
	    i = e->d.tok[i].next, n++) {
		long v = mlw_json_member(&e->d, i, "value", 5);
		long c = mlw_json_member(&e->d, i, "count", 5);
		char *s;

		if (v < 0 || c < 0)
			break;
		s = mlw_rep_scalar_text(&e->d, v);
		mlw_buf_printf(&b, "%s%s (", n ? ", " : "", s);
		free(s);
		s = mlw_rep_scalar_text(&e->d, c);
		mlw_buf_printf(&b, "%s)", s);
		free(s);
	}
	if (b.len == 0)
		return NULL;
	mlw_buf_addc(&b, '\0');
	return b.p;
}

static void
sec_profile(struct sink *k)
{
	static const char *const hd[] = { "<segment", "<field", "count",
		"missing", "mean", "std", "min", "median", "max", "distinct",
		"<top values", NULL };
	struct kind K;
	struct tab t;
	size_t i, seg0;
	char lab[64];

	kind_load(k->r, k->pos, K_PROFILE, &K);
	if (K.ng == 0) {
		kind_free(&K);
		return;
	}
	sec_begin(k, "summary", "Data summary");
	seg0 = !any_seg(k, &K);
	tab_init(&t, hd + seg0);
	for (i = 0; i < K.ng; i++) {
		const struct rec *e = latest(&K.g[i]);
		double ms = num(e, "missing_share");

		tab_row(&t);
		if (!seg0)
			tab_take(&t, 0, 0, seg_of(k, e));
		tab_take(&t, 1 - seg0, 0, str(e, "feature"));
		tab_num(&t, 2 - seg0, 0, num(e, "count"));
		tab_num(&t, 3 - seg0, ms > 0 ? F_BAD : 0, ms);
		tab_num(&t, 4 - seg0, 0, num(e, "mean"));
		tab_num(&t, 5 - seg0, 0, num(e, "std"));
		tab_num(&t, 6 - seg0, 0, num(e, "min"));
		tab_num(&t, 7 - seg0, 0, num(e, "p50"));
		tab_num(&t, 8 - seg0, 0, num(e, "max"));
		tab_num(&t, 9 - seg0, 0, num(e, "distinct"));
		tab_take(&t, 10 - seg0, 0, top_text(e));
	}
	row_win(k, latest(&K.g[0]), lab, sizeof lab);
	line(k, 1, "Per field, window %s (missing: share of records)", lab);
	tab_put(k, &t);
	tab_free(&t);
	if (k->fmt == MLW_REP_HTML) {
		mlw_buf_adds(k->b, "<div class=\"grid2\">\n");
		for (i = 0; i < K.ng; i++) {
			const struct rec *e = latest(&K.g[i]);
			char *f = str(e, "feature");
			double *ed, *ct;
			size_t ne = nums(e, "histogram", "edges", &ed);
			size_t nc = nums(e, "histogram", "counts", &ct);

			if (nc > 0 && ne == nc + 1)
				mlw_rep_histogram(k->b, f ? f : "", ed, ct, nc);
			else {
				/* the top values as bars */
				long tp = mlw_json_member(&e->d, 0, "top", 3);
				char **lb = NULL;
				double *cn = NULL;
				size_t n = 0;
				uint32_t j;

				if (tp >= 0 && e->d.tok[tp].type == MLW_JARR)
					for (j = (uint32_t)tp + 1; j <
					    e->d.tok[tp].next; j = e->d.tok[j].next) {
						long v = mlw_json_member(&e->d, j,
						    "value", 5);
						long c = mlw_json_member(&e->d, j,
						    "count", 5);

						if (v < 0 || c < 0)
							break;
						lb = mlw_xrealloc(lb, (n + 1) * sizeof *lb);
						cn = mlw_xrealloc(cn, (n + 1) * sizeof *cn);
						lb[n] = mlw_rep_scalar_text(&e->d, v);
						if (mlw_json_num(&e->d, (uint32_t)c,
						    &cn[n]) < 0)
							cn[n] = 0;
						n++;
					}
				if (n)
					mlw_rep_topbars(k->b, f ? f : "",
					    (const char *const *)lb, cn, n,
					    num(e, "count"));
				free_labels(lb, n);
				free(cn);
			}
			free(ed);
			free(ct);
			free(f);
		}
		mlw_buf_adds(k->b, "</div>\n");
	}
	sec_end(k);
	kind_free(&K);
}

static void
sec_agg(struct sink *k)
{
	static const char *const hd[] = { "<segment", "<aggregate", "<field",
		"value", "lower", "upper", "<alert", NULL };
	struct kind K;
	struct tab t;
	size_t i, seg0;
	char lab[64];

	kind_load(k->r, k->pos, K_AGG, &K);
	if (K.ng == 0) {
		kind_free(&K);
		return;
	}
	sec_begin(k, "business", "Business aggregates");
	seg0 = !any_seg(k, &K);
	tab_init(&t, hd + seg0);
	for (i = 0; i < K.ng; i++) {
		const struct rec *e = latest(&K.g[i]);
		int a = num(e, "alert") == 1;
		char *ag = str(e, "agg");
		double q = num(e, "q");

		tab_row(&t);
		if (!seg0)
			tab_take(&t, 0, 0, seg_of(k, e));
		if (!isnan(q))
			tab_set(&t, 1 - seg0, 0, "%s %g", ag ? ag : "", q);
		else
			tab_set(&t, 1 - seg0, 0, "%s", ag ? ag : "-");
		free(ag);
		tab_take(&t, 2 - seg0, 0, str(e, "field"));
		tab_num(&t, 3 - seg0, a ? F_BAD : 0, num(e, "value"));
		tab_num(&t, 4 - seg0, 0, num(e, "lower"));
		tab_num(&t, 5 - seg0, 0, num(e, "upper"));
		tab_set(&t, 6 - seg0, a ? F_BAD : has(&e->d, "alert") ? F_GOOD : 0,
		    "%s", a ? "yes" : has(&e->d, "alert") ? "no" : "-");
	}
	row_win(k, latest(&K.g[0]), lab, sizeof lab);
	line(k, 1, "Window %s (bounds from the reference)", lab);
	tab_put(k, &t);
	tab_free(&t);
	if (k->fmt == MLW_REP_HTML && k->r->nwin > 1)
		for (i = 0; i < K.ng; i++) {
			const struct rec *e = latest(&K.g[i]);
			char *ag = str(e, "agg"), *f = str(e, "field");
			char *s = seg_of(k, e), t2[256];

			snprintf(t2, sizeof t2, "%s %s%s%s", ag ? ag : "",
			    f ? f : "", s ? " " : "", s ? s : "");
			group_chart(k, &K.g[i], t2, "value", NULL, NULL, NULL,
			    "lower", "upper");
			free(ag);
			free(f);
			free(s);
		}
	sec_end(k);
	kind_free(&K);
}

static void
sec_checks(struct sink *k)
{
	static const char *const hd[] = { "<test", "<status", "<severity",
		"pass share", "<message", NULL };
	struct kind K;
	struct tab t;
	size_t i, np = 0, nf = 0, nsum = 0;

	kind_load(k->r, k->pos, K_CHECK, &K);
	if (K.ng == 0) {
		kind_free(&K);
		return;
	}
	sec_begin(k, "checks", "Checks");
	tab_init(&t, hd);
	/* failed first */
	for (i = 0; i < 2 * K.ng; i++) {
		const struct rec *e = latest(&K.g[i % K.ng]);
		char *st = str(e, "status");
		int ok = st && strcmp(st, "passed") == 0;

		if (!has(&e->d, "test")) {
			nsum += i < K.ng;
			free(st);
			continue;
		}
		if ((i < K.ng) == ok) {
			free(st);
			continue;
		}
		np += ok;
		nf += st && strcmp(st, "failed") == 0;
		tab_row(&t);
		tab_take(&t, 0, 0, str(e, "test"));
		tab_take(&t, 1, ok ? F_GOOD : F_BAD, st);
		tab_take(&t, 2, 0, str(e, "severity"));
		tab_num(&t, 3, 0, num(e, "pass_share"));
		tab_take(&t, 4, 0, str(e, "message"));
	}
	line(k, 0, "%zu passed, %zu failed, %zu other (failed first).", np, nf,
	    K.ng - nsum - np - nf);
	tab_put(k, &t);
	tab_free(&t);
	sec_end(k);
	kind_free(&K);
}

/* ---------- the headline ---------- */

struct item {
	char label[64], value[256];
	int flag;
};

static void
item(struct item *it, size_t *n, int flag, const char *label,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(it[*n].label, sizeof it[*n].label, "%s", label);
	va_start(ap, fmt);
	vsnprintf(it[*n].value, sizeof it[*n].value, fmt, ap);
	va_end(ap);
	it[*n].flag = flag;
	(*n)++;
}

static void
sec_headline(struct sink *k)
{
	struct mlw_report *r = k->r;
	struct item it[10];
	size_t n = 0, i, j, nw = 0, firing = 0, nal = 0;
	struct kind K;
	char v[48], v2[48], lab[64];
	struct mlw_strmap last = { 0 };
	char *st = NULL;

	for (i = 0; i < r->nwin; i++)
		nw += r->win[i].start != NULL;
	item(it, &n, 0, "windows", "%zu", nw);
	if (r->segs.n) {
		struct mlw_buf b = { 0 };

		for (i = 0; i < r->segs.n && i < 4; i++)
			mlw_buf_printf(&b, "%s%.*s", i ? ", " : "",
			    (int)r->segs.ent[i].len, r->segs.ent[i].s);
		if (r->segs.n > 4)
			mlw_buf_adds(&b, ", ...");
		mlw_buf_addc(&b, '\0');
		item(it, &n, 0, "models and segments", "%zu: %s", r->segs.n, b.p);
		mlw_buf_free(&b);
	}
	/* alerts: the last status of each alert and label set */
	st = mlw_xcalloc(r->nal + 1, 1);
	for (i = 0; i < r->nal; i++) {
		struct mlw_buf key = { 0 };
		size_t at;

		mlw_buf_adds(&key, r->al[i].name);
		for (j = 0; j < r->al[i].nl; j++)
			mlw_buf_printf(&key, "\x1f%s\x1e%s", r->al[i].lk[j],
			    r->al[i].lv[j]);
		at = mlw_strmap_add(&last, key.p, key.len);
		st[at] = strcmp(r->al[i].status, "firing") == 0;
		mlw_buf_free(&key);
	}
	nal = last.n;
	for (i = 0; i < nal; i++)
		firing += st[i];
	free(st);
	mlw_strmap_free(&last);
	if (nal)
		item(it, &n, firing ? F_BAD : F_GOOD, "alerts firing",
		    "%zu of %zu", firing, nal);
	kind_load(r, k->pos, K_DATASET, &K);
	if (K.ng) {
		const struct rec *e = latest(&K.g[0]);
		int dd = num(e, "dataset_drift") == 1;

		mlw_rep_fmt(num(e, "share"), v, sizeof v);
		item(it, &n, dd ? F_BAD : F_GOOD, "dataset drift",
		    "%s: %.0f of %.0f fields (share %s)", dd ? "yes" : "no",
		    num(e, "drifted"), num(e, "features"), v);
	}
	kind_free(&K);
	kind_load(r, k->pos, K_DRIFT, &K);
	if (K.ng) {
		size_t nd = 0, nk = 0;
		size_t lw = k->pos[latest(&K.g[0])->k->w];

		for (i = 0; i < K.ng; i++) {
			double t;
			const struct rec *e = latest(&K.g[i]);

			if (k->pos[e->k->w] != lw)
				continue;
			nk++;
			nd += drift_verdict(k, e, &t) == 1;
		}
		item(it, &n, nd ? F_BAD : F_GOOD, "fields drifting",
		    "%zu of %zu", nd, nk);
	}
	kind_free(&K);
	kind_load(r, k->pos, K_MV, &K);
	if (K.ng) {
		const struct rec *e = latest(&K.g[0]);
		int d = num(e, "drift") == 1;
		char *m = str(e, "method");

		mlw_rep_fmt(num(e, "statistic"), v, sizeof v);
		item(it, &n, d ? F_BAD : F_GOOD, "multivariate drift",
		    "%s: %s %s", d ? "yes" : "no", m ? m : "", v);
		free(m);
	}
	kind_free(&K);
	kind_load(r, k->pos, K_METRICS, &K);
	if (K.ng) {
		const struct group *g = &K.g[0];
		const struct rec *e = latest(g);
		char *t = str(e, "task");
		const char *m = t && strcmp(t, "regression") == 0 ? "rmse" :
		    !isnan(num(e, "roc_auc")) ? "roc_auc" : "accuracy";

		mlw_rep_fmt(num(e, m), v, sizeof v);
		if (g->n > 1) {
			mlw_rep_fmt(num(&g->e[0], m), v2, sizeof v2);
			row_win(k, &g->e[0], lab, sizeof lab);
			item(it, &n, 0, "quality", "%s %s now, %s in the first "
			    "window (%s)", m, v, v2, lab);
		} else
			item(it, &n, 0, "quality", "%s %s", m, v);
		free(t);
	}
	kind_free(&K);
	kind_load(r, k->pos, K_EST, &K);
	for (i = 0; i < K.ng; i++) {
		const struct rec *e = latest(&K.g[i]);
		char *m = str(e, "metric");

		if (m && (strcmp(m, "roc_auc") == 0 || (strcmp(m, "accuracy") ==
		    0 && i + 1 == K.ng))) {
			int a = num(e, "alert") == 1;

			mlw_rep_fmt(num(e, "estimate"), v, sizeof v);
			mlw_rep_fmt(num(e, "lower_threshold"), v2, sizeof v2);
			mlw_rep_fmt(num(e, "upper_threshold"), lab, sizeof lab);
			item(it, &n, a ? F_BAD : F_GOOD, "estimated quality",
			    "%s %s (reference band %s to %s)%s", m, v, v2, lab,
			    a ? ": outside" : "");
			free(m);
			break;
		}
		free(m);
	}
	kind_free(&K);
	kind_load(r, k->pos, K_CHECK, &K);
	if (K.ng) {
		size_t np = 0, nt = 0;

		for (i = 0; i < K.ng; i++) {
			char *s = str(latest(&K.g[i]), "status");

			if (has(&latest(&K.g[i])->d, "test")) {
				nt++;
				np += s && strcmp(s, "passed") == 0;
			}
			free(s);
		}
		if (nt)
			item(it, &n, np < nt ? F_BAD : F_GOOD, "checks",
			    "%zu of %zu passed", np, nt);
	}
	kind_free(&K);
	if (k->fmt == MLW_REP_HTML) {
		mlw_buf_adds(k->b, "<section class=\"kind\" id=\"headline\">\n"
		    "<h2>Headline</h2>\n<dl class=\"cards\">\n");
		for (i = 0; i < n; i++) {
			mlw_buf_printf(k->b, "<div class=\"card%s\"><dt>",
			    it[i].flag == F_BAD ? " bad" : it[i].flag == F_GOOD ?
			    " good" : "");
			mlw_rep_html_text(k->b, it[i].label);
			mlw_buf_adds(k->b, "</dt><dd>");
			mlw_rep_html_text(k->b, it[i].value);
			mlw_buf_adds(k->b, "</dd></div>\n");
		}
		mlw_buf_adds(k->b, "</dl>\n</section>\n");
		return;
	}
	sec_begin(k, "headline", "Headline");
	for (i = 0; i < n; i++) {
		int bad = it[i].flag == F_BAD;

		if (k->fmt == MLW_REP_MARKDOWN) {
			mlw_buf_adds(k->b, bad ? "- **" : "- ");
			mlw_rep_md_text(k->b, it[i].label);
			mlw_buf_adds(k->b, ": ");
			mlw_rep_md_text(k->b, it[i].value);
			mlw_buf_adds(k->b, bad ? "**\n" : "\n");
		} else {
			mlw_buf_printf(k->b, "  %-20s ", it[i].label);
			mlw_jw_cell(k->b, it[i].value, strlen(it[i].value));
			mlw_buf_adds(k->b, bad ? " *\n" : "\n");
			k->marks |= bad;
		}
	}
}

int
mlw_rep_sections(struct mlw_report *r, const double *g, int fmt,
    struct mlw_buf *b)
{
	struct sink k;
	size_t i;

	if (r->kinds == 0)
		return 0;
	memset(&k, 0, sizeof k);
	k.r = r;
	k.g = g;
	k.fmt = fmt;
	k.b = b;
	k.pos = mlw_xcalloc(r->nwin + 1, sizeof *k.pos);
	for (i = 0; i < r->nwin; i++)
		k.pos[r->order[i]] = i;
	sec_headline(&k);
	sec_drift(&k);
	sec_distributions(&k);
	sec_quality(&k);
	sec_estimate(&k);
	sec_profile(&k);
	sec_agg(&k);
	sec_checks(&k);
	if (k.marks && fmt == MLW_REP_TABLE)
		mlw_buf_adds(b, "\n* drift, alert, a failed check or a value "
		    "past its threshold\n");
	free(k.pos);
	return 1;
}
