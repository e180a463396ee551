/* report_prom: the report as Prometheus metrics (the text exposition format) (see report_priv.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonw.h"
#include "diag.h"
#include "key.h"
#include "report_priv.h"
#include "strmap.h"
#include "xalloc.h"

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

/* The metric name of value field f: mlw_ and f as a label name, as
 * Prometheus' naming conventions ask: a share (a name ending in "share")
 * ends in _ratio, and a name ending in a suffix Prometheus keeps for
 * counters, histograms and summaries (_total, _count, _sum, _bucket) gets
 * _value after it, being a gauge. */
static void
prom_name(struct mlw_buf *b, const char *f)
{
	static const char *const kept[] = { "_total", "_count", "_sum",
	    "_bucket" };
	size_t n = strlen(f), start = b->len, k, m;

	mlw_buf_adds(b, "mlw_");
	mlw_label_name(b, f);
	if (n > 6 && strcmp(f + n - 6, "_share") == 0) {
		b->len -= 5;
		mlw_buf_adds(b, "ratio");
	}
	for (k = 0; k < sizeof kept / sizeof *kept; k++) {
		m = strlen(kept[k]);
		if (b->len - start >= m &&
		    memcmp(b->p + b->len - m, kept[k], m) == 0) {
			mlw_buf_adds(b, "_value");
			break;
		}
	}
}

/* Series s's labels for Prometheus: its labels, the segment's --by paths
 * each a label of its own in place of "segment" (so that PromQL can sum
 * by one of them), unless plain: then "segment" as it is. */
static void
prom_series_labels(struct mlw_buf *b, const struct ser *s, int plain)
{
	char **lk = mlw_xcalloc(s->nl + s->nb + 1, sizeof *lk);
	char **lv = mlw_xcalloc(s->nl + s->nb + 1, sizeof *lv);
	size_t n = 0, k;

	for (k = 0; k < s->nl; k++) {
		if (s->nb && !plain && strcmp(s->lk[k], "segment") == 0)
			continue;
		lk[n] = s->lk[k];
		lv[n++] = s->lv[k];
	}
	for (k = 0; !plain && k < s->nb; k++) {
		lk[n] = s->bk[k];
		lv[n++] = s->bv[k];
	}
	prom_labels(b, lk, lv, n, NULL, NULL);
	free(lk);
	free(lv);
}

void
mlw_rep_prom(struct mlw_report *r, const double *g, struct mlw_buf *b)
{
	size_t f, j, i, k;
	char *has = mlw_xcalloc(r->nwin * r->nser + 1, 1);
	struct mlw_strmap names = { 0 }, sets = { 0 };
	struct mlw_buf nm = { 0 }, ls = { 0 };

	for (i = 0; i < r->ncell; i++)
		has[r->cell[i].w * r->nser + r->cell[i].s] = 1;
	if (r->nal)
		mlw_strmap_add(&names, "mlw_alert_firing", 16);
	for (f = 0; f < r->fields.n; f++) {
		const char *field = r->fields.ent[f].s;

		/* the metric's name, told apart from every other one (two
		 * fields may clean up to the same name: the later gets _2) */
		nm.len = 0;
		prom_name(&nm, field);
		for (k = 2; mlw_strmap_find(&names, nm.p, nm.len) >= 0; k++) {
			nm.len = 0;
			prom_name(&nm, field);
			mlw_buf_printf(&nm, "_%zu", k);
		}
		if (k > 2)
			mlw_warnx("%s: its metric name is taken; written as %.*s",
			    field, (int)nm.len, nm.p);
		mlw_strmap_add(&names, nm.p, nm.len);
		mlw_buf_addc(&nm, '\0');
		nm.len--;
		mlw_buf_printf(b, "# HELP %s Latest ", nm.p);
		{
			const char *q;

			for (q = field; *q; q++) {
				if (*q == '\\')
					mlw_buf_addc(b, '\\');
				if (*q == '\n')
					mlw_buf_adds(b, "\\n");
				else
					mlw_buf_addc(b, *q);
			}
		}
		mlw_buf_printf(b, " per series, from mlw.\n# TYPE %s gauge\n",
		    nm.p);
		mlw_strmap_free(&sets);
		memset(&sets, 0, sizeof sets);
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
			/* two series with the same labels would be one
			 * sample twice: such a one keeps its segment label */
			ls.len = 0;
			prom_series_labels(&ls, &r->ser[j], 0);
			if (mlw_strmap_find(&sets, ls.p ? ls.p : "", ls.len) >= 0) {
				ls.len = 0;
				prom_series_labels(&ls, &r->ser[j], 1);
			}
			mlw_strmap_add(&sets, ls.p ? ls.p : "", ls.len);
			mlw_buf_adds(b, nm.p);
			if (ls.len)
				mlw_buf_add(b, ls.p, ls.len);
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
	mlw_strmap_free(&names);
	mlw_strmap_free(&sets);
	mlw_buf_free(&nm);
	mlw_buf_free(&ls);
}
