/* report_text: the report as a terminal table and as Markdown (see report_priv.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonw.h"
#include "num.h"
#include "report_priv.h"
#include "times.h"
#include "utf8.h"
#include "xalloc.h"

static void
pad(struct mlw_buf *b, size_t n)
{
	while (n-- > 0)
		mlw_buf_addc(b, ' ');
}

void
mlw_rep_table(struct mlw_report *r, const double *g, struct mlw_buf *b)
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
			mlw_rep_fmt_ser(r, j, g[i * r->nser + j], v, sizeof v);
			if (strlen(v) + 1 > cw[j])
				cw[j] = strlen(v) + 1;
		}
	}
	for (i = 0; i < r->nwin; i++) {
		mlw_rep_win_label(&r->win[i], lab, sizeof lab);
		if (strlen(lab) > wcol)
			wcol = strlen(lab);
	}
	mlw_buf_adds(b, mlw_rep_title(r));
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

			mlw_rep_win_label(&r->win[w], lab, sizeof lab);
			mlw_buf_adds(b, lab);
			pad(b, wcol - strlen(lab));
			for (j = first; j < last; j++) {
				double x = g[w * r->nser + j];
				int o = mlw_rep_bad(r, w, j, x);
				int a = r->alerting[w * r->nser + j];
				char m = a ? '!' : o ? '*' : ' ';

				mlw_rep_fmt_ser(r, j, x, v, sizeof v);
				pad(b, 2 + cw[j] - strlen(v));
				if (r->o.color && (o || a))
					mlw_buf_adds(b, "\033[1;31m");
				mlw_buf_adds(b, v);
				if (r->o.color && (o || a))
					mlw_buf_adds(b, "\033[0m");
				mlw_buf_addc(b, m);
				if (!a)
					marks_over |= o;
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
			mlw_buf_adds(b, "* ");
			mlw_rep_bad_legend(r, marks_over, "; ", b);
			mlw_buf_addc(b, '\n');
		}
		if (marks_alert)
			mlw_buf_adds(b, "! under a firing alert\n");
	}
	mlw_rep_sections(r, g, MLW_REP_TABLE, b);
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
void
mlw_rep_md_text(struct mlw_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("|\\*_`<>[]", *s))
			mlw_buf_addc(b, '\\');
		mlw_buf_addc(b, *s == '\n' ? ' ' : *s);
	}
}

void
mlw_rep_markdown(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t i, j;
	char lab[64], v[48];
	int marks = 0, why = 0;

	mlw_buf_adds(b, "## ");
	mlw_rep_md_text(b, mlw_rep_title(r));
	mlw_buf_adds(b, "\n\n| window |");
	for (j = 0; j < r->nser; j++) {
		mlw_buf_addc(b, ' ');
		mlw_rep_md_text(b, r->ser[j].name);
		mlw_buf_adds(b, " |");
	}
	mlw_buf_adds(b, "\n|---|");
	for (j = 0; j < r->nser; j++)
		mlw_buf_adds(b, "---:|");
	mlw_buf_addc(b, '\n');
	for (i = 0; i < r->nwin; i++) {
		size_t w = r->order[i];

		mlw_rep_win_label(&r->win[w], lab, sizeof lab);
		mlw_buf_adds(b, "| ");
		mlw_rep_md_text(b, lab);
		mlw_buf_adds(b, " |");
		for (j = 0; j < r->nser; j++) {
			double x = g[w * r->nser + j];
			int a = r->alerting[w * r->nser + j];
			int o = mlw_rep_bad(r, w, j, x);

			mlw_rep_fmt_ser(r, j, x, v, sizeof v);
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
			why |= o;
		}
		mlw_buf_addc(b, '\n');
	}
	if (marks) {
		mlw_buf_adds(b, "\nBold: ");
		if (why) {
			mlw_rep_bad_legend(r, why, ", ", b);
			mlw_buf_adds(b, " or ");
		}
		mlw_buf_adds(b, "under a firing alert.\n");
	}
	mlw_rep_sections(r, g, MLW_REP_MARKDOWN, b);
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
		mlw_rep_md_text(b, a->name);
		mlw_buf_adds(b, "** ");
		mlw_buf_adds(b, a->status);
		for (j = 0; j < a->nl; j++) {
			mlw_buf_adds(b, j ? ", " : " (");
			mlw_rep_md_text(b, a->lk[j]);
			mlw_buf_addc(b, '=');
			mlw_rep_md_text(b, a->lv[j]);
		}
		if (a->nl)
			mlw_buf_addc(b, ')');
		if (a->summary) {
			mlw_buf_adds(b, ": ");
			mlw_rep_md_text(b, a->summary);
		}
		mlw_buf_addc(b, '\n');
	}
}
