/* report_priv: the parts of a report that its collector (report.c) and
 * its renderers (report_text.c, report_html.c, report_prom.c) share; no
 * other module includes it. */
#ifndef MLW_REPORT_PRIV_H
#define MLW_REPORT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "jsonw.h"
#include "report.h"
#include "strmap.h"

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
	size_t nb;
	char **bk, **bv;         /* its segment's --by paths -> values (the
	                          * Prometheus labels for "segment") */
	int kind;                /* K_* of its records */
	int primary;             /* the value its kind charts (statistic) */
	double thr;              /* its records' own threshold, NaN: none */
};

/* The kinds of mlw results a report has a section for
 * (report_health.c). */
enum { K_NONE, K_DRIFT, K_DATASET, K_MV, K_METRICS, K_EST, K_AGG,
	K_PROFILE, K_CHECK, K_N };

/* The last record of one kind, key (segment and names) and window. */
struct krow {
	int kind;
	size_t w, key, ser;
	char *raw;               /* the record's text */
};

struct cell {
	size_t w, s;
	double v;
	signed char verdict;     /* the record's own drift or alert: 0 or 1,
	                          * -1 when it has none */
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
	struct mlw_path *vpath;  /* --value */
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
	signed char *verdict;    /* [w * nser + s]: the cell's verdict */
	char *colfmt;            /* [s]: its column's format (report.c) */
	struct krow *kr;         /* the records of known kinds */
	size_t nkr, krcap;
	struct mlw_strmap krmap, kkeys, segs;
	unsigned kinds;          /* 1 << K_* of the kinds seen */
};

struct period {
	const char *name;
	int64_t from, to;        /* starts_at, ends_at */
	int64_t shade_from, shade_to;   /* the windows: fired, resolved */
	int open;
};

/* A scalar as text, freshly allocated: strings decoded, numbers shortest,
 * others raw. */
char * mlw_rep_scalar_text(const struct mlw_json *doc, long i);
/* A value rounded for reading. */
void mlw_rep_fmt(double v, char *buf, size_t cap);
/* A value of series s, in the one format of its column (mlw-report(1),
 * FORMATS): whole numbers as such; else 4 decimals, 1 when the series
 * reaches 100, or 4 significant digits with an exponent when it spans
 * below 1e-4 or reaches 1e6. */
void mlw_rep_fmt_ser(const struct mlw_report *r, size_t s, double v,
    char *buf, size_t cap);
/* The one format of a column of n values v[0], v[stride], ... (as
 * mlw_rep_fmt_ser's), and a value in such a format. */
char mlw_rep_colfmt(const double *v, size_t n, size_t stride);
void mlw_rep_fmt_as(int f, double v, char *buf, size_t cap);
/* The title of the report: --title, else one made from the value. */
const char * mlw_rep_title(const struct mlw_report *r);
/* Whether the value v of series s in window w is bad: the record's own
 * verdict (its drift or alert member) when it has one, else past
 * --threshold: below it for a field where lower is worse (accuracy, AUC,
 * p-values ... mlw_rep_low_bad), above it for the others. 0, or the
 * reason: */
enum { MLW_BAD_OVER = 1, MLW_BAD_UNDER = 2, MLW_BAD_VERDICT = 4 };
int mlw_rep_bad(const struct mlw_report *r, size_t w, size_t s, double v);
/* The legend of the reasons in mask (MLW_BAD_* ored), as "over the
 * threshold 0.25", "under the threshold 0.7", "drift or alert by the
 * record's own verdict", joined by sep. */
void mlw_rep_bad_legend(const struct mlw_report *r, int mask,
    const char *sep, struct mlw_buf *b);
/* Whether lower values of field f are worse (quality metrics, p-values). */
int mlw_rep_low_bad(const char *f);
/* Firing periods of the alerts that match series s. */
size_t mlw_rep_periods(const struct mlw_report *r, const struct ser *s,
    struct period **out);
/* A window as readers like it: "2026-11-01 00:00", "[0, 100)", "all". */
void mlw_rep_win_label(const struct win *w, char *buf, size_t cap);
/* The kind of a record (K_*), from its members. */
int mlw_rep_kind_of(const struct mlw_json *doc);
/* Keep a record of a kind (the last one per key and window wins); si is
 * the series of its first value; wi and si are (size_t)-1 for a check,
 * which has neither. */
void mlw_rep_kind_add(struct mlw_report *r, const struct mlw_json *doc,
    int kind, size_t wi, size_t si);
void mlw_rep_kinds_free(struct mlw_report *r);
/* The sections of the kinds seen (headline, data drift, distributions,
 * quality, estimated performance, data summary, business aggregates,
 * checks) in format fmt into b: 1, or 0 when the report has none. */
int mlw_rep_sections(struct mlw_report *r, const double *g, int fmt,
    struct mlw_buf *b);
/* Whether method's threshold is on the p-value (ks, chisquare ..., and
 * mlw-mvdrift's mmd), not on the statistic. */
int mlw_rep_thr_on_p(const char *method);
/* Text escaped for HTML (report_html.c) and for Markdown (report_text.c). */
void mlw_rep_html_text(struct mlw_buf *b, const char *s);
void mlw_rep_md_text(struct mlw_buf *b, const char *s);
/* A line chart over the windows (report_html.c): y per window in the
 * report's order, NaN where there is none; optional y2 (dashed), a band
 * lo..hi (shaded), threshold lines tlo and thi (NaN: none); ser, when not
 * (size_t)-1, the series whose alerts shade it and whose verdicts mark
 * its points. */
struct mlw_rep_line {
	const char *title, *ylabel, *y2label;
	const double *y, *y2, *lo, *hi;
	double tlo, thi;
	size_t ser;
};
void mlw_rep_line_chart(struct mlw_report *r, const struct mlw_rep_line *L,
    struct mlw_buf *b);
/* Series s over the windows, its threshold marked. */
void mlw_rep_chart(struct mlw_report *r, const double *g, size_t s,
    struct mlw_buf *b);
/* Series s's reference and current bin proportions, in its worst window. */
void mlw_rep_bars(struct mlw_report *r, size_t s, struct mlw_buf *b);
/* An n x n confusion matrix as a heat map, rows the true class. */
void mlw_rep_heatmap(struct mlw_buf *b, const char *const *labels, size_t n,
    const double *cm);
/* A curve of n points in the unit square: the diagonal under it when
 * base < 0, else a baseline at base. */
void mlw_rep_curve(struct mlw_buf *b, const char *title, const char *xl,
    const char *yl, const double *x, const double *y, size_t n, double base);
/* A histogram of n bins (edges[n + 1], counts[n]). */
void mlw_rep_histogram(struct mlw_buf *b, const char *title,
    const double *edges, const double *counts, size_t n);
/* The top values of a field as bars, their share of total. */
void mlw_rep_topbars(struct mlw_buf *b, const char *title,
    const char *const *labels, const double *counts, size_t n, double total);
/* The renderers (report_text.c, report_html.c, report_prom.c): the
 * report into b, from the grid g of values ([w * nser + s], NaN where
 * there is none). */
void mlw_rep_markdown(struct mlw_report *r, const double *g, struct mlw_buf *b);
void mlw_rep_table(struct mlw_report *r, const double *g, struct mlw_buf *b);
void mlw_rep_html(struct mlw_report *r, const double *g, struct mlw_buf *b);
void mlw_rep_prom(struct mlw_report *r, const double *g, struct mlw_buf *b);

#endif
