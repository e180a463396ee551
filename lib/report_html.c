/* report_html: the report as one self-contained HTML page with SVG charts (see report_priv.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "num.h"
#include "report_priv.h"
#include "times.h"
#include "xalloc.h"

void
mlw_rep_html_text(struct mlw_buf *b, const char *s)
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

void
mlw_rep_line_chart(struct mlw_report *r, const struct mlw_rep_line *L,
    struct mlw_buf *b)
{
	double lo = 0, hi = 0, step, y;
	size_t i, np = 0, nv = 0;
	struct period *p = NULL;
	double pw = CW - ML - MR, ph = CH - MT - MB;
	char v[48], lab[64];
	int64_t t0 = 0, t1 = 0;
	int timex = 1, has = L->ser != (size_t)-1;
	const double *ys[4] = { L->y, L->y2, L->lo, L->hi };
	size_t q, nw = r->nwin;

	/* a batch result (no window) among windows is for the tables */
	while (nw > 1 && r->win[r->order[nw - 1]].start == NULL)
		nw--;

	for (i = 0; i < nw; i++) {
		for (q = 0; q < 4; q++) {
			double x = ys[q] ? ys[q][i] : NAN;

			if (isnan(x))
				continue;
			if (nv == 0 || x < lo)
				lo = x;
			if (nv == 0 || x > hi)
				hi = x;
			nv++;
		}
		if (!r->win[r->order[i]].istime)
			timex = 0;
	}
	for (i = 0; i < nw && isnan(L->y[i]); i++)
		;
	if (i == nw)
		return;                 /* nothing to draw */
	/* from zero, but for a band or a lower threshold: their span */
	if (lo > 0 && L->lo == NULL && isnan(L->tlo))
		lo = 0;
	if (!isnan(L->thi) && L->thi > hi)
		hi = L->thi;
	if (!isnan(L->tlo) && L->tlo < lo)
		lo = L->tlo;
	if (hi <= lo)
		hi = lo + 1;
	hi += (hi - lo) * 0.08;
	step = nice_step(hi - lo, 5);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;
	if (timex && nw) {
		t0 = r->win[r->order[0]].t0;
		t1 = r->win[r->order[nw - 1]].t1;
		if (t1 <= t0)
			timex = 0;
	}
#define XW(k) (timex ? ML + pw * (double)((r->win[r->order[k]].t0 + \
	r->win[r->order[k]].t1) / 2 - t0) / (double)(t1 - t0) : \
	ML + pw * ((double)(k) + 0.5) / (double)(nw ? nw : 1))
#define XT(t) (ML + pw * (double)((t) - t0) / (double)(t1 - t0))
#define YV(x) (MT + ph * (1 - ((x) - lo) / (hi - lo)))
	mlw_buf_adds(b, "<figure class=\"linechart\">\n<figcaption>");
	mlw_rep_html_text(b, L->title);
	mlw_buf_printf(b, "</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 "
	    "%.0f %.0f\" role=\"img\" aria-label=\"", CW, CH);
	mlw_rep_html_text(b, L->title);
	mlw_buf_adds(b, " over windows\">\n<title>");
	mlw_rep_html_text(b, L->title);
	mlw_buf_adds(b, " over windows</title>\n");
	/* firing periods */
	if (has)
		np = mlw_rep_periods(r, &r->ser[L->ser], &p);
	for (i = 0; timex && i < np; i++) {
		double a = XT(p[i].shade_from < t0 ? t0 : p[i].shade_from);
		double e = p[i].open || p[i].shade_to > t1 ? XT(t1) :
		    XT(p[i].shade_to);

		if (e > a)
			mlw_buf_printf(b, "<rect class=\"firing\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"><title>alert firing"
			    "</title></rect>\n", a, MT, e - a, ph);
	}
	free(p);
	/* the band, as one polygon per run of windows that have it */
	if (L->lo && L->hi) {
		size_t s0 = 0, k;

		while (s0 < nw) {
			size_t e0;

			if (isnan(L->lo[s0]) || isnan(L->hi[s0])) {
				s0++;
				continue;
			}
			for (e0 = s0; e0 < nw && !isnan(L->lo[e0]) &&
			    !isnan(L->hi[e0]); e0++)
				;
			mlw_buf_adds(b, "<polygon class=\"band\" points=\"");
			for (k = s0; k < e0; k++)
				mlw_buf_printf(b, "%.1f,%.1f ", XW(k), YV(L->hi[k]));
			for (k = e0; k-- > s0;)
				mlw_buf_printf(b, "%.1f,%.1f%s", XW(k), YV(L->lo[k]),
				    k > s0 ? " " : "");
			mlw_buf_adds(b, "\"><title>confidence band</title>"
			    "</polygon>\n");
			s0 = e0;
		}
	}
	/* grid and y axis */
	for (y = lo; y <= hi + step / 2; y += step) {
		snprintf(v, sizeof v, "%g", fabs(y) < step / 1e6 ? 0 :
		    round(y / step) * step);
		mlw_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML, YV(y),
		    CW - MR, YV(y), ML - 6, YV(y) + 4, v);
	}
	mlw_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", ML, MT + ph, CW - MR, MT + ph);
	/* x labels: first, middle, last */
	if (nw) {
		size_t ks[3] = { 0, nw / 2, nw - 1 };
		size_t k;

		for (k = 0; k < 3; k++) {
			if ((k == 1 && (ks[1] == 0 || ks[1] == nw - 1)) ||
			    (k == 2 && nw == 1))
				continue;
			mlw_rep_win_label(&r->win[r->order[ks[k]]], lab, sizeof lab);
			mlw_buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"%s\">", XW(ks[k]), MT + ph + 18,
			    k == 0 ? "start" : k == 2 ? "end" : "middle");
			mlw_rep_html_text(b, lab);
			mlw_buf_adds(b, "</text>\n");
		}
	}
	mlw_buf_printf(b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"middle\">window%s</text>\n", ML + pw / 2, CH - 6,
	    timex ? " (UTC)" : "");
	mlw_buf_printf(b, "<text class=\"label\" transform=\"translate(14 %.1f) "
	    "rotate(-90)\" text-anchor=\"middle\">", MT + ph / 2);
	mlw_rep_html_text(b, L->ylabel);
	mlw_buf_adds(b, "</text>\n");
	{
		double th[2] = { L->thi, L->tlo };

		for (q = 0; q < 2; q++) {
			if (isnan(th[q]))
				continue;
			mlw_num_format(th[q], v);
			if (strlen(v) > 7)
				mlw_rep_fmt(th[q], v, sizeof v);
			mlw_buf_printf(b, "<line class=\"threshold\" x1=\"%.1f\" "
			    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><text "
			    "class=\"tick threshold-label\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"end\">%sthreshold %s</text>\n", ML,
			    YV(th[q]), CW - MR, YV(th[q]), CW - MR - 2,
			    YV(th[q]) + (q ? 12 : -4), q ? "lower " :
			    isnan(L->tlo) ? "" : "upper ", v);
		}
	}
	/* the lines, broken where a window has no value */
	for (q = 0; q < 2; q++) {
		const double *ly = q ? L->y2 : L->y;
		int open = 0;

		for (i = 0; ly && i < nw; i++) {
			double x = ly[i];

			if (isnan(x)) {
				if (open)
					mlw_buf_adds(b, "\"/>\n");
				open = 0;
				continue;
			}
			if (!open)
				mlw_buf_printf(b, "<polyline class=\"line%s\" "
				    "points=\"", q ? " second" : "");
			mlw_buf_printf(b, "%s%.1f,%.1f", open ? " " : "", XW(i), YV(x));
			open = 1;
		}
		if (open)
			mlw_buf_adds(b, "\"/>\n");
	}
	for (q = 0; q < 2; q++) {
		const double *ly = q ? L->y2 : L->y;

		for (i = 0; ly && i < nw; i++) {
			double x = ly[i];
			int bad;

			if (isnan(x))
				continue;
			bad = q == 0 && (has ? mlw_rep_bad(r, r->order[i], L->ser,
			    x) != 0 : (!isnan(L->thi) && x > L->thi) ||
			    (!isnan(L->tlo) && x < L->tlo));
			mlw_rep_win_label(&r->win[r->order[i]], lab, sizeof lab);
			if (has)
				mlw_rep_fmt_ser(r, L->ser, x, v, sizeof v);
			else
				mlw_rep_fmt(x, v, sizeof v);
			mlw_buf_printf(b, "<circle class=\"%s\" cx=\"%.1f\" "
			    "cy=\"%.1f\" r=\"3\"><title>", q ? "point second" :
			    bad ? "point over" : "point", XW(i), YV(x));
			mlw_rep_html_text(b, lab);
			if (q) {
				mlw_buf_addc(b, ' ');
				mlw_rep_html_text(b, L->y2label);
			}
			mlw_buf_printf(b, ": %s%s</title></circle>\n", v,
			    bad ? " (marked)" : "");
		}
	}
	if (L->y2) {
		mlw_buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">"
		    "solid: ", ML + 4, MT + 10);
		mlw_rep_html_text(b, L->ylabel);
		mlw_buf_adds(b, ", dashed: ");
		mlw_rep_html_text(b, L->y2label);
		mlw_buf_adds(b, "</text>\n");
	}
	mlw_buf_adds(b, "</svg>\n</figure>\n");
#undef XW
#undef XT
#undef YV
}

void
mlw_rep_chart(struct mlw_report *r, const double *g, size_t s,
    struct mlw_buf *b)
{
	struct mlw_rep_line L;
	double *y = mlw_xmalloc((r->nwin + 1) * sizeof *y);
	size_t i;

	for (i = 0; i < r->nwin; i++)
		y[i] = g[r->order[i] * r->nser + s];
	memset(&L, 0, sizeof L);
	L.title = r->ser[s].name;
	L.ylabel = r->ser[s].field;
	L.y = y;
	L.tlo = L.thi = NAN;
	if (!isnan(r->ser[s].thr))
		L.thi = r->ser[s].thr;
	else if (r->o.has_threshold) {
		if (mlw_rep_low_bad(r->ser[s].field))
			L.tlo = r->o.threshold;
		else
			L.thi = r->o.threshold;
	}
	L.ser = s;
	mlw_rep_line_chart(r, &L, b);
	free(y);
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
		(*strs)[k] = mlw_rep_scalar_text(&d, (long)i);
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
void
mlw_rep_bars(struct mlw_report *r, size_t s, struct mlw_buf *b)
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
	mlw_rep_win_label(&r->win[d->w], lab, sizeof lab);
	mlw_buf_adds(b, "<figure>\n<figcaption>Bins of ");
	mlw_rep_html_text(b, r->ser[s].name);
	mlw_buf_adds(b, " in its worst window, ");
	mlw_rep_html_text(b, lab);
	mlw_rep_fmt(d->v, v, sizeof v);
	mlw_buf_printf(b, " (%s %s): <span class=\"key ref\">reference</span> "
	    "<span class=\"key cur\">current</span></figcaption>\n", r->ser[s].field,
	    v);
	mlw_buf_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
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
		mlw_buf_printf(b, "<rect class=\"ref\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>", x + slot * 0.1, MT + ph - hr, bw, hr);
		mlw_rep_html_text(b, bl);
		mlw_buf_printf(b, ": reference %s</title></rect>\n", rs[i]);
		mlw_buf_printf(b, "<rect class=\"cur\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>", x + slot * 0.1 + bw, MT + ph - hc,
		    bw, hc);
		mlw_rep_html_text(b, bl);
		mlw_buf_printf(b, ": current %s</title></rect>\n", cs[i]);
		if (nr <= 8 || i % ((nr + 7) / 8) == 0) {
			mlw_buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\">", x + slot / 2, MT + ph + 16);
			if (strlen(bl) > 14) {
				size_t cut = 12;

				/* cut on a character boundary */
				while (cut > 0 && ((unsigned char)bl[cut] & 0xC0) ==
				    0x80)
					cut--;
				strcpy(bl + cut, "…");
			}
			mlw_rep_html_text(b, bl);
			mlw_buf_adds(b, "</text>\n");
		}
	}
	mlw_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", ML, MT + ph, CW - MR, MT + ph);
	mlw_rep_fmt(hi, v, sizeof v);
	mlw_buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"end\">%s</text><text class=\"tick\" x=\"%.1f\" "
	    "y=\"%.1f\" text-anchor=\"end\">0</text>\n", ML - 6, MT + 4, v,
	    ML - 6, MT + ph + 4);
	mlw_buf_printf(b, "<text class=\"label\" transform=\"translate(14 %.1f) "
	    "rotate(-90)\" text-anchor=\"middle\">proportion</text>\n",
	    MT + ph / 2);
	mlw_buf_adds(b, "</svg>\n</figure>\n");
	free_strs(bs, nb); free_strs(rs, nr); free_strs(cs, nc);
	free(bn); free(rv); free(cv);
}

#define SQ 300.0        /* square charts */
#define SM 44.0

void
mlw_rep_heatmap(struct mlw_buf *b, const char *const *labels, size_t n,
    const double *cm)
{
	double mx = 0, cell = (SQ - SM - 8) / (double)n;
	size_t i, j;

	for (i = 0; i < n * n; i++)
		if (cm[i] > mx)
			mx = cm[i];
	mlw_buf_adds(b, "<figure>\n");
	mlw_buf_printf(b, "<svg class=\"square\" viewBox=\"0 0 %.0f %.0f\" "
	    "role=\"img\" aria-label=\"confusion matrix\">\n<title>confusion "
	    "matrix: rows true class, columns predicted</title>\n", SQ, SQ);
	for (i = 0; i < n; i++) {
		double y = SM + cell * (double)i;
		char t[32];

		mlw_buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\">", SM - 4, y + cell / 2 + 4);
		snprintf(t, sizeof t, "%.10s", labels[i]);
		mlw_rep_html_text(b, t);
		mlw_buf_printf(b, "</text><text class=\"tick\" x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"middle\">", SM + cell * ((double)i +
		    0.5), SM - 6);
		mlw_rep_html_text(b, t);
		mlw_buf_adds(b, "</text>\n");
		for (j = 0; j < n; j++) {
			double v = cm[i * n + j], a = mx > 0 ? v / mx : 0;
			char num[48];

			mlw_num_format(v, num);
			mlw_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.3f\" "
			    "stroke=\"#d0d7de\"><title>true ", SM + cell * (double)j,
			    y, cell, cell, i == j ? "#0969da" : "#cf222e",
			    0.08 + 0.85 * a);
			mlw_rep_html_text(b, labels[i]);
			mlw_buf_adds(b, ", predicted ");
			mlw_rep_html_text(b, labels[j]);
			mlw_buf_printf(b, ": %s</title></rect>\n", num);
			if (n <= 12)
				mlw_buf_printf(b, "<text class=\"hm-text\" x=\"%.1f\" "
				    "y=\"%.1f\" fill=\"%s\">%s</text>\n",
				    SM + cell * ((double)j + 0.5), y + cell / 2 + 4,
				    a > 0.55 ? "#fff" : "#1f2328", num);
		}
	}
	mlw_buf_printf(b, "<text class=\"label\" x=\"%.1f\" y=\"12\" "
	    "text-anchor=\"middle\">predicted</text><text class=\"label\" "
	    "transform=\"translate(12 %.1f) rotate(-90)\" text-anchor=\"middle\">"
	    "true</text>\n</svg>\n</figure>\n", SM + (SQ - SM) / 2,
	    SM + (SQ - SM) / 2);
}

void
mlw_rep_curve(struct mlw_buf *b, const char *title, const char *xl,
    const char *yl, const double *x, const double *y, size_t n, double base)
{
	double w = SQ - SM - 12;
	size_t i, step = n > 400 ? n / 400 : 1;
	int k;

#define CX(v) (SM + w * (v))
#define CY(v) (12 + w * (1 - (v)))
	mlw_buf_adds(b, "<figure>\n<figcaption>");
	mlw_rep_html_text(b, title);
	mlw_buf_adds(b, "</figcaption>\n");
	mlw_buf_printf(b, "<svg class=\"square\" viewBox=\"0 0 %.0f %.0f\" "
	    "role=\"img\" aria-label=\"", SQ, SQ);
	mlw_rep_html_text(b, title);
	mlw_buf_adds(b, "\">\n<title>");
	mlw_rep_html_text(b, title);
	mlw_buf_adds(b, "</title>\n");
	for (k = 0; k <= 4; k++) {
		double t = k / 4.0;

		mlw_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%g</text><text class=\"tick\" "
		    "x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
		    CX(0), CY(t), CX(1), CY(t), CX(0) - 4, CY(t) + 4, t, CX(t),
		    CY(0) + 14, t);
	}
	if (base < 0)
		mlw_buf_printf(b, "<line class=\"diag\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"><title>chance</title></line>\n",
		    CX(0), CY(0), CX(1), CY(1));
	else if (base <= 1)
		mlw_buf_printf(b, "<line class=\"diag\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"><title>share of positives</title>"
		    "</line>\n", CX(0), CY(base), CX(1), CY(base));
	mlw_buf_adds(b, "<polyline class=\"curve\" points=\"");
	if (base < 0)
		mlw_buf_printf(b, "%.1f,%.1f", CX(0), CY(0));
	for (i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i]) && (i % step == 0 || i + 1 == n))
			mlw_buf_printf(b, "%s%.1f,%.1f", i || base < 0 ? " " : "",
			    CX(x[i]), CY(y[i]));
	mlw_buf_printf(b, "\"/>\n<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"middle\">", CX(0.5), SQ - 4);
	mlw_rep_html_text(b, xl);
	mlw_buf_printf(b, "</text><text class=\"label\" transform=\"translate(12 "
	    "%.1f) rotate(-90)\" text-anchor=\"middle\">", CY(0.5));
	mlw_rep_html_text(b, yl);
	mlw_buf_adds(b, "</text>\n</svg>\n</figure>\n");
#undef CX
#undef CY
}

/* Bars of shares v[0..n) (of the largest), labelled. */
static void
share_bars(struct mlw_buf *b, const char *title, const char *what,
    char **lab, const double *v, size_t n)
{
	double mx = 0, w = SQ * 1.6 - SM - 8, h = SQ * 0.6 - 40, slot;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > mx)
			mx = v[i];
	if (mx <= 0)
		mx = 1;
	slot = w / (double)(n ? n : 1);
	mlw_buf_adds(b, "<figure>\n<figcaption>");
	mlw_rep_html_text(b, title);
	mlw_buf_printf(b, ": %s</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 "
	    "%.0f %.0f\" role=\"img\" aria-label=\"", what, SQ * 1.6, SQ * 0.6);
	mlw_rep_html_text(b, title);
	mlw_buf_adds(b, "\">\n<title>");
	mlw_rep_html_text(b, title);
	mlw_buf_printf(b, ": %s</title>\n", what);
	for (i = 0; i < n; i++) {
		double bh = h * v[i] / mx;
		char s[48];

		mlw_rep_fmt(v[i], s, sizeof s);
		mlw_buf_printf(b, "<rect class=\"cur\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"><title>", SM + slot *
		    (double)i + slot * 0.1, 8 + h - bh, slot * 0.8, bh);
		mlw_rep_html_text(b, lab[i]);
		mlw_buf_printf(b, ": %s</title></rect>\n", s);
		if (n <= 6 || i % ((n + 4) / 5) == 0) {
			char t[24];

			snprintf(t, sizeof t, "%.12s", lab[i]);
			mlw_buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\">", SM + slot * ((double)i +
			    0.5), 8 + h + 16);
			mlw_rep_html_text(b, t);
			mlw_buf_adds(b, "</text>\n");
		}
	}
	{
		char s[48];

		mlw_rep_fmt(mx, s, sizeof s);
		mlw_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text><text class=\"tick\" "
		    "x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">0</text>\n", SM,
		    8 + h, SM + w, 8 + h, SM - 4, 12.0, s, SM - 4, 8 + h + 4);
	}
	mlw_buf_adds(b, "</svg>\n</figure>\n");
}

void
mlw_rep_histogram(struct mlw_buf *b, const char *title, const double *edges,
    const double *counts, size_t n)
{
	char **lab = mlw_xcalloc(n + 1, sizeof *lab);
	double *v = mlw_xcalloc(n + 1, sizeof *v), tot = 0;
	size_t i;

	for (i = 0; i < n; i++)
		tot += counts[i];
	for (i = 0; i < n; i++) {
		char t[64];

		snprintf(t, sizeof t, "%.3g–%.3g", edges[i], edges[i + 1]);
		lab[i] = mlw_xstrdup(t);
		v[i] = tot > 0 ? counts[i] / tot : 0;
	}
	share_bars(b, title, "share of the numbers per bin", lab, v, n);
	for (i = 0; i < n; i++)
		free(lab[i]);
	free(lab);
	free(v);
}

void
mlw_rep_topbars(struct mlw_buf *b, const char *title,
    const char *const *labels, const double *counts, size_t n, double total)
{
	double *v = mlw_xcalloc(n + 1, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = total > 0 ? counts[i] / total : 0;
	share_bars(b, title, "share of the records, top values", (char **)
	    (void *)labels, v, n);
	free(v);
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
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:right}\n"
    "th:first-child,td:first-child{text-align:left;white-space:nowrap}\n"
    "td.over{color:#cf222e;font-weight:600}td.alert{background:#ffebe9}\n"
    ".firing-status{color:#cf222e;font-weight:600}"
    ".resolved-status{color:#1a7f37;font-weight:600}\n"
    "th.text,td.text{text-align:left}td.good{color:#1a7f37}\n"
    "h3{font-size:1em;margin:1.2em 0 .2em}\n"
    "section.kind{break-inside:auto}\n"
    "dl.cards{display:flex;flex-wrap:wrap;gap:.6em;margin:0}\n"
    ".card{border:1px solid #d0d7de;border-left:6px solid #8c959f;"
    "border-radius:4px;padding:.4em .8em;min-width:12em;flex:1 1 14em}\n"
    ".card.bad{border-left-color:#cf222e}.card.good{border-left-color:#1a7f37}\n"
    ".card dt{color:#59636e;font-size:.85em}.card dd{margin:0;font-weight:600}\n"
    ".band{fill:#0969da;fill-opacity:.12}\n"
    ".line.second{stroke:#8250df;stroke-dasharray:5 3}.point.second{fill:#8250df}\n"
    ".pair,.grid2{display:flex;flex-wrap:wrap;gap:1em}"
    ".pair>figure,.grid2>figure{flex:1 1 18em;min-width:0;max-width:100%}\n"
    "svg.square{width:100%;max-width:26em;height:auto}\n"
    ".hm-text{font-size:12px;text-anchor:middle}\n"
    ".curve{fill:none;stroke:#0969da;stroke-width:2}"
    ".diag{stroke:#8c959f;stroke-dasharray:4 4}\n"
    "@media print{body{margin:0;max-width:none;font-size:11px}"
    "a{color:inherit}h2{break-after:avoid}}\n";

void
mlw_rep_html(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t i, j;
	char lab[64], v[48];
	int secs;

	mlw_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	mlw_rep_html_text(b, mlw_rep_title(r));
	mlw_buf_adds(b, "</title>\n<style>\n");
	mlw_buf_adds(b, css);
	mlw_buf_adds(b, "</style>\n</head>\n<body>\n<h1>");
	mlw_rep_html_text(b, mlw_rep_title(r));
	mlw_buf_adds(b, "</h1>\n<p class=\"range\">");
	if (r->nwin && r->win[r->order[0]].start) {
		const struct win *a = &r->win[r->order[0]];
		const struct win *z = &r->win[r->order[r->nwin - 1]];

		if (a->istime && z->istime) {
			char t0[MLW_TIME_MAX], t1[MLW_TIME_MAX];

			mlw_time_format(a->t0, t0);
			mlw_time_format(z->t1, t1);
			mlw_buf_printf(b, "%s to %s, ", t0, t1);
		}
	}
	mlw_buf_printf(b, "%zu window%s, %zu series, %zu alert record%s",
	    r->nwin, r->nwin == 1 ? "" : "s", r->nser, r->nal,
	    r->nal == 1 ? "" : "s");
	if (r->o.has_threshold) {
		mlw_num_format(r->o.threshold, v);
		mlw_buf_printf(b, ", threshold %s", v);
	}
	mlw_buf_adds(b, ".</p>\n");
	secs = mlw_rep_sections(r, g, MLW_REP_HTML, b);
	/* summary table */
	mlw_buf_adds(b, secs ? "<h2>All series</h2>\n" : "<h2>Summary</h2>\n");
	mlw_buf_adds(b, "<div class=\"scroll\"><table>\n<thead><tr><th>series</th>"
	    "<th>latest</th><th>max</th><th>mean</th>");
	if (r->o.has_threshold)
		mlw_buf_adds(b, "<th>windows marked</th>");
	mlw_buf_adds(b, "<th>alert</th></tr></thead>\n<tbody>\n");
	for (j = 0; j < r->nser; j++) {
		double last = NAN, mx = NAN, sum = 0;
		size_t n = 0, nover = 0, np, k, lastw = 0, mxw = 0;
		struct period *p;
		int firing = 0;

		for (i = 0; i < r->nwin; i++) {
			double x = g[r->order[i] * r->nser + j];

			if (isnan(x))
				continue;
			last = x;
			lastw = r->order[i];
			if (isnan(mx) || x > mx) {
				mx = x;
				mxw = r->order[i];
			}
			sum += x;
			n++;
			nover += mlw_rep_bad(r, r->order[i], j, x) != 0;
		}
		np = mlw_rep_periods(r, &r->ser[j], &p);
		for (k = 0; k < np; k++)
			firing |= p[k].open;
		mlw_buf_adds(b, "<tr><td>");
		mlw_rep_html_text(b, r->ser[j].name);
		mlw_rep_fmt_ser(r, j, last, v, sizeof v);
		mlw_buf_printf(b, "</td><td%s>%s</td>", mlw_rep_bad(r, lastw, j, last) ?
		    " class=\"over\"" : "", v);
		mlw_rep_fmt_ser(r, j, mx, v, sizeof v);
		mlw_buf_printf(b, "<td%s>%s</td>", mlw_rep_bad(r, mxw, j, mx) ?
		    " class=\"over\"" : "", v);
		mlw_rep_fmt_ser(r, j, n ? sum / (double)n : NAN, v, sizeof v);
		mlw_buf_printf(b, "<td>%s</td>", v);
		if (r->o.has_threshold)
			mlw_buf_printf(b, "<td>%zu of %zu</td>", nover, n);
		mlw_buf_printf(b, "<td>%s</td></tr>\n", firing ?
		    "<span class=\"firing-status\">firing</span>" :
		    np ? "resolved" : "");
		free(p);
	}
	mlw_buf_adds(b, "</tbody>\n</table></div>\n");
	/* one section per series */
	for (j = 0; j < r->nser; j++) {
		if (secs && r->ser[j].kind != K_NONE)
			continue;       /* charted in its kind's section */
		mlw_buf_adds(b, "<section class=\"panel\">\n<h2>");
		mlw_rep_html_text(b, r->ser[j].name);
		mlw_buf_adds(b, "</h2>\n");
		mlw_rep_chart(r, g, j, b);
		if (r->det[j].ref)
			mlw_rep_bars(r, j, b);
		mlw_buf_adds(b, "</section>\n");
	}
	/* all values */
	mlw_buf_adds(b, "<h2>Values</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>window</th>");
	for (j = 0; j < r->nser; j++) {
		mlw_buf_adds(b, "<th>");
		mlw_rep_html_text(b, r->ser[j].name);
		mlw_buf_adds(b, "</th>");
	}
	mlw_buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < r->nwin; i++) {
		size_t w = r->order[i];

		mlw_rep_win_label(&r->win[w], lab, sizeof lab);
		mlw_buf_adds(b, "<tr><td>");
		mlw_rep_html_text(b, lab);
		mlw_buf_adds(b, "</td>");
		for (j = 0; j < r->nser; j++) {
			double x = g[w * r->nser + j];
			int a = r->alerting[w * r->nser + j];
			int o = mlw_rep_bad(r, w, j, x);

			mlw_rep_fmt_ser(r, j, x, v, sizeof v);
			mlw_buf_printf(b, "<td%s%s%s%s>%s</td>", a || o ? " class=\"" : "",
			    o ? "over" : "", a && o ? " " : "", a ? "alert\"" :
			    o ? "\"" : "", v);
		}
		mlw_buf_adds(b, "</tr>\n");
	}
	mlw_buf_adds(b, "</tbody>\n</table></div>\n<h2>Alerts</h2>\n");
	if (r->nal == 0)
		mlw_buf_adds(b, "<p>None.</p>\n");
	else {
		mlw_buf_adds(b, "<div class=\"scroll\"><table>\n<thead><tr>"
		    "<th>time</th><th class=\"text\">alert</th><th class=\"text\">status</th><th class=\"text\">labels</th><th>value</th><th class=\"text\">summary</th>"
		    "</tr></thead>\n<tbody>\n");
		for (i = 0; i < r->nal; i++) {
			const struct arec *a = &r->al[i];
			char t[MLW_TIME_MAX];

			mlw_time_format(a->has_ends ? a->ends : a->starts, t);
			mlw_buf_printf(b, "<tr><td>%s</td><td class=\"text\">", t);
			mlw_rep_html_text(b, a->name);
			mlw_buf_printf(b, "</td><td class=\"text\"><span class=\"%s-status\">",
			    strcmp(a->status, "resolved") == 0 ? "resolved" :
			    "firing");
			mlw_rep_html_text(b, a->status);
			mlw_buf_adds(b, "</span></td><td class=\"text\">");
			for (j = 0; j < a->nl; j++) {
				if (j)
					mlw_buf_adds(b, ", ");
				mlw_rep_html_text(b, a->lk[j]);
				mlw_buf_addc(b, '=');
				mlw_rep_html_text(b, a->lv[j]);
			}
			mlw_rep_fmt(a->hasv ? a->value : NAN, v, sizeof v);
			mlw_buf_printf(b, "</td><td>%s</td><td class=\"text\">", v);
			if (a->summary)
				mlw_rep_html_text(b, a->summary);
			mlw_buf_adds(b, "</td></tr>\n");
		}
		mlw_buf_adds(b, "</tbody>\n</table></div>\n");
	}
	mlw_buf_adds(b, "<p class=\"range\">Made by mlw-report.</p>\n"
	    "</body>\n</html>\n");
}
