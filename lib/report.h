/* report: collect mlw result records (values per window and series, psi
 * --detail bins, alert records) and render them as a text table, Markdown,
 * a self-contained HTML page with SVG charts, or Prometheus metrics. */
#ifndef MLW_REPORT_H
#define MLW_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "strmap.h"

enum { MLW_REP_TABLE, MLW_REP_MARKDOWN, MLW_REP_HTML, MLW_REP_PROM };

struct mlw_report;

struct mlw_report_opts {
	const char *value;       /* the first --value, or NULL to infer */
	char **values;           /* --value fields */
	size_t nvalues;
	int all_values;          /* --all-values: every numeric member */
	char **series;           /* --series fields, or NULL to infer */
	size_t nseries;
	const char *title;
	double threshold;
	int has_threshold;
	int width;               /* table width (80) */
	int color;               /* ANSI colour in the table */
};

struct mlw_report *mlw_report_new(const struct mlw_report_opts *o);
/* Add one parsed record. Returns 0 when used, 1 for a control record, -1
 * for a shape it does not know (why set, for the caller to report once). */
int mlw_report_add(struct mlw_report *r, const struct mlw_json *doc,
    const char **why);
/* Render everything collected so far into b. */
void mlw_report_render(struct mlw_report *r, int format, struct mlw_buf *b);
void mlw_report_free(struct mlw_report *r);
/* mlw-report's work: a report of every record of in (a record of a shape
 * it does not know is said once, then counted), rendered in format to
 * standard output, or written atomically to outpath (left as it was when
 * an input could not be read: a report of part of the input must not
 * replace a whole one). The table is $COLUMNS wide (40 to 1000; else
 * o->width), coloured on a terminal unless $NO_COLOR is set. */
void mlw_report_run(struct mlw_report_opts *o, int format,
    const char *outpath, struct mlw_input *in);

#endif
