/* mlw-runs: query the runs recorded by mlw-track (or an MLflow file
 * store): summaries, filters, sorting, one run, comparisons, learning
 * curves, the best run. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "diag.h"
#include "expr.h"
#include "io.h"
#include "json.h"
#include "jw.h"
#include "num.h"
#include "opt.h"
#include "strmap.h"
#include "times.h"
#include "track.h"

static const char usage_text[] =
    "mlw-runs [--store FILE | --mlflow DIR] [--where EXPR] [--sort [-]FIELD]\n"
    "                [--limit N] [--format jsonl|table] [--all-stats]\n"
    "                [--stale DUR] [--strict] [--rejects FILE]\n"
    "       mlw-runs [options] show RUN\n"
    "       mlw-runs [options] compare [--only-changed] RUN RUN ...\n"
    "       mlw-runs [options] history RUN [METRIC ...]\n"
    "       mlw-runs [options] best METRIC [--min | --max]";

enum { FMT_JSONL, FMT_TABLE };

/* A run with its summary record, as text and parsed. */
struct item {
	struct mlw_run *run;
	struct mlw_buf text;
	struct mlw_json doc;
	size_t order;
};

static struct mlw_path sort_path;
static int sort_desc;

static void
usage_bad(const char *opt, const char *what, const char *val)
{
	mlw_warnx("%s: expected %s, found '%s'", opt, what, val);
	mlw_usage_error(usage_text);
}

/* ---- output ---- */

static void
out_str(const char *s)
{
	mlw_out_write(s, strlen(s));
}

/* A scalar as table text: strings as they are, numbers in shortest form,
 * missing as "-". */
static void
cell_text(const struct mlw_json *d, long i, struct mlw_buf *b)
{
	b->len = 0;
	if (mlw_json_missing(d, i))
		mlw_buf_adds(b, "-");
	else if (d->tok[i].type == MLW_JSTR || d->tok[i].type == MLW_JNUM ||
	    d->tok[i].type == MLW_JTRUE || d->tok[i].type == MLW_JFALSE)
		mlw_jw_category(b, d, i);
	else
		mlw_buf_add(b, d->src + d->tok[i].start, d->tok[i].len);
	mlw_buf_addc(b, '\0');
	b->len--;
}

/* Leaves of a record as (column name, token) pairs, objects flattened with
 * dots. */
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
		l->name = realloc(l->name, l->cap * sizeof *l->name);
		l->tok = realloc(l->tok, l->cap * sizeof *l->tok);
		if (l->name == NULL || l->tok == NULL)
			mlw_fatal("out of memory");
	}
	l->name[l->n] = strdup(name);
	if (l->name[l->n] == NULL)
		mlw_fatal("out of memory");
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

/* Columns of the summary table. */
static int
table_column(const char *name)
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

/* An aligned text table of the records: one column per leaf (in order of
 * first appearance) that keep() accepts. run_id shortened to 8 digits. */
static void
table(struct item **it, size_t n, int (*keep)(const char *))
{
	struct mlw_strmap cols = { 0 };
	size_t *width = NULL, i, c;
	struct leaves *lv = calloc(n ? n : 1, sizeof *lv);
	long **at = calloc(n ? n : 1, sizeof *at);
	struct mlw_buf cell = { 0 }, line = { 0 };

	if (lv == NULL || at == NULL)
		mlw_fatal("out of memory");
	for (i = 0; i < n; i++) {
		flatten(&it[i]->doc, 0, "", &lv[i]);
		for (c = 0; c < lv[i].n; c++)
			if (keep == NULL || keep(lv[i].name[c]))
				mlw_strmap_add(&cols, lv[i].name[c],
				    strlen(lv[i].name[c]));
	}
	width = calloc(cols.n ? cols.n : 1, sizeof *width);
	for (i = 0; i < n; i++) {
		at[i] = malloc((cols.n ? cols.n : 1) * sizeof **at);
		if (at[i] == NULL || width == NULL)
			mlw_fatal("out of memory");
		for (c = 0; c < cols.n; c++)
			at[i][c] = -1;
		for (c = 0; c < lv[i].n; c++) {
			long k = mlw_strmap_find(&cols, lv[i].name[c],
			    strlen(lv[i].name[c]));

			if (k >= 0)
				at[i][k] = lv[i].tok[c];
		}
	}
	for (c = 0; c < cols.n; c++) {
		width[c] = cols.ent[c].len;
		for (i = 0; i < n; i++) {
			cell_text(&it[i]->doc, at[i][c], &cell);
			if (strcmp(cols.ent[c].s, "run_id") == 0 && cell.len > 8)
				cell.len = 8;
			if (cell.len > width[c])
				width[c] = cell.len;
		}
	}
	for (i = 0; i <= n && cols.n > 0; i++) {
		line.len = 0;
		for (c = 0; c < cols.n; c++) {
			size_t w;

			if (i == 0) {
				cell.len = 0;
				mlw_buf_add(&cell, cols.ent[c].s, cols.ent[c].len);
			} else {
				cell_text(&it[i - 1]->doc, at[i - 1][c], &cell);
				if (strcmp(cols.ent[c].s, "run_id") == 0 &&
				    cell.len > 8)
					cell.len = 8;
			}
			if (c)
				mlw_buf_adds(&line, "  ");
			mlw_buf_add(&line, cell.p, cell.len);
			for (w = cell.len; w < width[c] && c + 1 < cols.n; w++)
				mlw_buf_addc(&line, ' ');
		}
		mlw_buf_addc(&line, '\n');
		mlw_out_write(line.p, line.len);
	}
	for (i = 0; i < n; i++) {
		leaves_free(&lv[i]);
		free(at[i]);
	}
	free(lv);
	free(at);
	free(width);
	mlw_buf_free(&cell);
	mlw_buf_free(&line);
	mlw_strmap_free(&cols);
}

static void
emit(struct item **it, size_t n, int format, int (*keep)(const char *))
{
	size_t i;

	if (format == FMT_TABLE) {
		table(it, n, keep);
		return;
	}
	for (i = 0; i < n; i++) {
		mlw_out_write(it[i]->text.p, it[i]->text.len);
		out_str("\n");
	}
}

/* ---- sorting ---- */

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
	mlw_jw_category(&p, a, i);
	mlw_jw_category(&q, b, j);
	mlw_buf_addc(&p, '\0');
	mlw_buf_addc(&q, '\0');
	c = strcmp(p.p, q.p);
	mlw_buf_free(&p);
	mlw_buf_free(&q);
	return c;
}

static int
by_field(const void *pa, const void *pb)
{
	const struct item *a = *(struct item *const *)pa;
	const struct item *b = *(struct item *const *)pb;
	long i = mlw_json_get(&a->doc, 0, &sort_path);
	long j = mlw_json_get(&b->doc, 0, &sort_path);
	int ma = mlw_json_missing(&a->doc, i), mb = mlw_json_missing(&b->doc, j);
	int c;

	if (ma || mb) {
		if (ma != mb)
			return ma ? 1 : -1;     /* missing last, either way */
	} else if ((c = cmp_values(&a->doc, i, &b->doc, j)) != 0)
		return sort_desc ? -c : c;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* ---- subcommands ---- */

static struct item *
find_run(struct item *all, size_t n, const struct mlw_runs *rs,
    const char *arg)
{
	char why[256];
	long k = mlw_runs_find(rs, arg, why, sizeof why);

	(void)n;
	if (k < 0)
		mlw_fatal("%s", why);
	return &all[k];
}

static void
show_vertical(struct item *it)
{
	struct leaves l = { 0 };
	struct mlw_buf cell = { 0 };
	size_t i, w = 5;

	flatten(&it->doc, 0, "", &l);
	for (i = 0; i < l.n; i++)
		if (strlen(l.name[i]) > w)
			w = strlen(l.name[i]);
	for (i = 0; i < l.n; i++) {
		size_t k;

		cell_text(&it->doc, l.tok[i], &cell);
		out_str(l.name[i]);
		for (k = strlen(l.name[i]); k < w + 2; k++)
			out_str(" ");
		mlw_out_write(cell.p, cell.len);
		out_str("\n");
	}
	mlw_buf_free(&cell);
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

static void
compare(struct item **it, size_t n, int only_changed, int format)
{
	struct mlw_strmap fields = { 0 };
	struct leaves *lv = calloc(n, sizeof *lv);
	size_t f, i, c, wname = 5, *w = calloc(n, sizeof *w);
	struct mlw_buf b = { 0 }, cell = { 0 };
	long *tok = calloc(n, sizeof *tok);
	int *changed;
	char **cells;

	if (lv == NULL || w == NULL || tok == NULL)
		mlw_fatal("out of memory");
	for (i = 0; i < n; i++) {
		flatten(&it[i]->doc, 0, "", &lv[i]);
		for (c = 0; c < lv[i].n; c++)
			if (compare_field(lv[i].name[c]))
				mlw_strmap_add(&fields, lv[i].name[c],
				    strlen(lv[i].name[c]));
	}
	changed = calloc(fields.n + 1, sizeof *changed);
	cells = calloc((fields.n + 1) * n, sizeof *cells);
	if (changed == NULL || cells == NULL)
		mlw_fatal("out of memory");
	for (f = 0; f < fields.n; f++) {
		for (i = 0; i < n; i++) {
			tok[i] = -1;
			for (c = 0; c < lv[i].n; c++)
				if (strcmp(lv[i].name[c], fields.ent[f].s) == 0)
					tok[i] = lv[i].tok[c];
			if (i > 0) {
				const struct mlw_json *a = &it[0]->doc,
				    *d = &it[i]->doc;
				int ma = mlw_json_missing(a, tok[0]),
				    md = mlw_json_missing(d, tok[i]);

				if (ma != md || (!ma && (a->tok[tok[0]].len !=
				    d->tok[tok[i]].len || memcmp(a->src +
				    a->tok[tok[0]].start, d->src +
				    d->tok[tok[i]].start, a->tok[tok[0]].len))))
					changed[f] = 1;
			}
		}
		if (only_changed && !changed[f])
			continue;
		if (format == FMT_JSONL) {
			b.len = 0;
			mlw_jw_open(&b, '{');
			mlw_jw_key(&b, "field");
			mlw_jw_str(&b, fields.ent[f].s, fields.ent[f].len);
			mlw_jw_key(&b, "changed");
			mlw_buf_adds(&b, changed[f] ? "true" : "false");
			mlw_jw_key(&b, "values");
			mlw_jw_open(&b, '[');
			for (i = 0; i < n; i++) {
				mlw_jw_sep(&b);
				if (mlw_json_missing(&it[i]->doc, tok[i]))
					mlw_jw_null(&b);
				else
					mlw_jw_raw(&b, &it[i]->doc,
					    (uint32_t)tok[i]);
			}
			mlw_jw_close(&b, ']');
			if (n == 2 && !mlw_json_missing(&it[0]->doc, tok[0]) &&
			    !mlw_json_missing(&it[1]->doc, tok[1]) &&
			    it[0]->doc.tok[tok[0]].type == MLW_JNUM &&
			    it[1]->doc.tok[tok[1]].type == MLW_JNUM) {
				double x, y;

				mlw_json_num(&it[0]->doc, (uint32_t)tok[0], &x);
				mlw_json_num(&it[1]->doc, (uint32_t)tok[1], &y);
				mlw_jw_key(&b, "change");
				mlw_jw_num(&b, y - x);
			}
			mlw_jw_close(&b, '}');
			mlw_buf_addc(&b, '\n');
			mlw_out_write(b.p, b.len);
			continue;
		}
		for (i = 0; i < n; i++) {
			cell_text(&it[i]->doc, tok[i], &cell);
			cells[f * n + i] = strdup(cell.p);
			if (cells[f * n + i] == NULL)
				mlw_fatal("out of memory");
		}
	}
	if (format == FMT_TABLE) {
		for (i = 0; i < n; i++)
			w[i] = 8;
		for (f = 0; f < fields.n; f++) {
			if (cells[f * n] == NULL)
				continue;
			if (fields.ent[f].len > wname)
				wname = fields.ent[f].len;
			for (i = 0; i < n; i++)
				if (strlen(cells[f * n + i]) > w[i])
					w[i] = strlen(cells[f * n + i]);
		}
		for (f = 0; f <= fields.n; f++) {
			size_t k;

			if (f > 0 && cells[(f - 1) * n] == NULL)
				continue;
			b.len = 0;
			mlw_buf_adds(&b, f > 0 && changed[f - 1] ? "* " : "  ");
			mlw_buf_adds(&b, f ? fields.ent[f - 1].s : "field");
			for (k = f ? fields.ent[f - 1].len : 5; k < wname; k++)
				mlw_buf_addc(&b, ' ');
			for (i = 0; i < n; i++) {
				const char *s = f ? cells[(f - 1) * n + i] :
				    it[i]->run->run_id;
				size_t sl = f ? strlen(s) : 8;

				mlw_buf_adds(&b, "  ");
				mlw_buf_add(&b, s, sl);
				for (k = sl; k < w[i] && i + 1 < n; k++)
					mlw_buf_addc(&b, ' ');
			}
			mlw_buf_addc(&b, '\n');
			mlw_out_write(b.p, b.len);
		}
	}
	for (i = 0; i < n; i++)
		leaves_free(&lv[i]);
	for (i = 0; i < fields.n * n; i++)
		free(cells[i]);
	free(cells);
	free(changed);
	free(lv);
	free(w);
	free(tok);
	mlw_buf_free(&b);
	mlw_buf_free(&cell);
	mlw_strmap_free(&fields);
}

static int
not_window(const char *name)
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
history(const struct mlw_run *r, char **names, int nnames, int format)
{
	struct hpoint *h = NULL;
	size_t nh = 0, i, k;
	struct mlw_buf b = { 0 };
	struct item *it;
	struct item **ip;
	int rc = 0, j;

	for (i = 0; i < r->mkeys.n; i++) {
		const struct mlw_tmetric *m = &r->metric[i];

		if (nnames > 0) {
			for (j = 0; j < nnames; j++)
				if (strcmp(names[j], m->key) == 0)
					break;
			if (j == nnames)
				continue;
		}
		h = realloc(h, (nh + m->n + 1) * sizeof *h);
		if (h == NULL)
			mlw_fatal("out of memory");
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
	it = calloc(nh ? nh : 1, sizeof *it);
	ip = calloc(nh ? nh : 1, sizeof *ip);
	if (it == NULL || ip == NULL)
		mlw_fatal("out of memory");
	for (i = 0; i < nh; i++) {
		b.len = 0;
		mlw_jw_open(&b, '{');
		mlw_jw_key(&b, "run_id");
		mlw_jw_str(&b, r->run_id, strlen(r->run_id));
		mlw_jw_key(&b, "metric");
		mlw_jw_str(&b, h[i].m->key, strlen(h[i].m->key));
		mlw_jw_key(&b, "step");
		mlw_jw_int(&b, h[i].p->step);
		mlw_jw_key(&b, "timestamp");
		mlw_jw_time(&b, h[i].p->ts);
		mlw_jw_key(&b, "value");
		mlw_jw_num(&b, h[i].p->value);
		mlw_jw_key(&b, "window_start");
		mlw_jw_int(&b, h[i].p->step);
		mlw_jw_key(&b, "window_end");
		mlw_jw_int(&b, h[i].p->step + 1);
		mlw_jw_close(&b, '}');
		if (format == FMT_JSONL) {
			mlw_buf_addc(&b, '\n');
			mlw_out_write(b.p, b.len);
		} else {
			mlw_buf_add(&it[i].text, b.p, b.len);
			if (mlw_json_parse(&it[i].doc, it[i].text.p,
			    it[i].text.len) < 0)
				mlw_fatal("internal error: %s", it[i].doc.err);
			ip[i] = &it[i];
		}
	}
	if (format == FMT_TABLE)
		table(ip, nh, not_window);
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all-stats", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "limit", required_argument, NULL, 'l' },
		{ "max", no_argument, NULL, 'M' },
		{ "min", no_argument, NULL, 'm' },
		{ "mlflow", required_argument, NULL, 'F' },
		{ "only-changed", no_argument, NULL, 'c' },
		{ "rejects", required_argument, NULL, 'R' },
		{ "sort", required_argument, NULL, 's' },
		{ "stale", required_argument, NULL, 'S' },
		{ "store", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 'X' },
		{ "version", no_argument, NULL, 'V' },
		{ "where", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, *mlflow = NULL, *where = NULL, *sort = NULL;
	const char *cmd = NULL;
	long long limit = -1, ll;
	int format = FMT_JSONL, all_stats = 0, only_changed = 0, dir = 0;
	int ch, rc = 0;
	int64_t stale = 0, now;
	struct mlw_runs rs;
	struct mlw_expr *expr = NULL;
	struct mlw_filter flt, fsort;
	struct mlw_buf ext = { 0 };
	struct mlw_json edoc;
	struct item *all;
	struct item **sel;
	size_t nsel = 0, i;
	struct timespec ts;
	char err[256];

	argv[0] = mlw_diag_init(argv[0]);
	memset(&rs, 0, sizeof rs);
	memset(&flt, 0, sizeof flt);
	memset(&fsort, 0, sizeof fsort);
	memset(&edoc, 0, sizeof edoc);
	while ((ch = getopt_long(argc, argv, "f:hl:s:w:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'F':
			mlflow = optarg;
			break;
		case 'M':
			dir = 1;
			break;
		case 'R':
			if (mlw_rejects_open(optarg) < 0)
				mlw_fatal_errno("%s", optarg);
			break;
		case 'S':
			if (mlw_duration_parse(optarg, &stale) < 0 || stale <= 0)
				usage_bad("--stale", "a positive duration such "
				    "as 1h", optarg);
			break;
		case 'V':
			mlw_version();
		case 'X':
			mlw_set_strict(1);
			break;
		case 'a':
			all_stats = 1;
			break;
		case 'c':
			only_changed = 1;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				format = FMT_JSONL;
			else if (strcmp(optarg, "table") == 0)
				format = FMT_TABLE;
			else
				usage_bad("--format", "jsonl or table", optarg);
			break;
		case 'h':
			printf("usage: %s\n", usage_text);
			mlw_out_close();
			return 0;
		case 'l':
			if (mlw_int_strict(optarg, 0, 1000000000, &ll) < 0)
				usage_bad("--limit", "a whole number from 0",
				    optarg);
			limit = ll;
			break;
		case 'm':
			dir = -1;
			break;
		case 'r':
			store = optarg;
			break;
		case 's':
			sort = optarg;
			break;
		case 'w':
			where = optarg;
			break;
		default:
			mlw_usage_error(usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0) {
		cmd = argv[0];
		argc--;
		argv++;
		if (strcmp(cmd, "show") == 0 || strcmp(cmd, "best") == 0) {
			if (argc != 1) {
				mlw_warnx("%s: expected one operand", cmd);
				mlw_usage_error(usage_text);
			}
		} else if (strcmp(cmd, "compare") == 0) {
			if (argc < 2) {
				mlw_warnx("compare: expected two runs or more");
				mlw_usage_error(usage_text);
			}
		} else if (strcmp(cmd, "history") == 0) {
			if (argc < 1) {
				mlw_warnx("history: expected a run");
				mlw_usage_error(usage_text);
			}
		} else {
			mlw_warnx("unknown command '%s' (expected show, "
			    "compare, history or best)", cmd);
			mlw_usage_error(usage_text);
		}
	}
	if (store && mlflow) {
		mlw_warnx("--store and --mlflow exclude each other");
		mlw_usage_error(usage_text);
	}
	if (where) {
		if (mlw_filter_translate(where, &flt, err, sizeof err) < 0) {
			mlw_warnx("--where: %s", err);
			mlw_usage_error(usage_text);
		}
		expr = mlw_expr_compile(flt.text.p, err, sizeof err);
		if (expr == NULL) {
			if (strcmp(flt.text.p, where) != 0)
				mlw_warnx("--where: in '%s' (as translated): %s",
				    flt.text.p, err);
			else
				mlw_warnx("--where: %s", err);
			mlw_usage_error(usage_text);
		}
	}
	if (sort) {
		char *f = strdup(sort), *fp;
		size_t fl;

		if (f == NULL)
			mlw_fatal("out of memory");
		fp = f;
		if (*fp == '-') {
			sort_desc = 1;
			fp++;
		} else if (*fp == '+')
			fp++;
		/* MLflow's order_by: "metrics.rmse DESC" */
		fl = strlen(fp);
		if (fl > 5 && strcasecmp(fp + fl - 5, " DESC") == 0) {
			sort_desc = 1;
			fp[fl - 5] = '\0';
		} else if (fl > 4 && strcasecmp(fp + fl - 4, " ASC") == 0)
			fp[fl - 4] = '\0';
		if (mlw_filter_translate(fp, &fsort, err, sizeof err) < 0 ||
		    fsort.n > 1 || mlw_path_parse(&sort_path, fsort.n ?
		    fsort.a[0].path : fsort.text.p) < 0) {
			mlw_warnx("--sort: expected a field, found '%s'", sort);
			mlw_usage_error(usage_text);
		}
		free(f);
	}

	if (store == NULL)
		store = getenv("MLW_STORE");
	if (store == NULL || *store == '\0')
		store = MLW_STORE_DEFAULT;
	if ((mlflow ? mlw_mlflow_read(&rs, mlflow) :
	    mlw_store_read(&rs, store)) < 0)
		return mlw_finish();
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * MLW_NS_PER_SEC + ts.tv_nsec;

	/* summaries, filtered and sorted */
	all = calloc(rs.n ? rs.n : 1, sizeof *all);
	sel = calloc(rs.n ? rs.n : 1, sizeof *sel);
	if (all == NULL || sel == NULL)
		mlw_fatal("out of memory");
	for (i = 0; i < rs.n; i++) {
		all[i].run = rs.run[i];
		all[i].order = i;
		mlw_run_summary(&all[i].text, rs.run[i], all_stats ||
		    (cmd && strcmp(cmd, "show") == 0), now, stale);
		if (mlw_json_parse(&all[i].doc, all[i].text.p,
		    all[i].text.len) < 0)
			mlw_fatal("internal error: summary: %s", all[i].doc.err);
		if (expr == NULL)
			sel[nsel++] = &all[i];
		else if (flt.n == 0) {
			if (mlw_expr_test(expr, &all[i].doc) == 1)
				sel[nsel++] = &all[i];
		} else {
			mlw_filter_extend(&flt, &all[i].doc, &ext);
			if (mlw_json_parse(&edoc, ext.p, ext.len) < 0)
				mlw_fatal("internal error: filter: %s", edoc.err);
			if (mlw_expr_test(expr, &edoc) == 1)
				sel[nsel++] = &all[i];
		}
	}
	if (sort)
		qsort(sel, nsel, sizeof *sel, by_field);

	if (cmd == NULL) {
		if (limit >= 0 && (size_t)limit < nsel)
			nsel = (size_t)limit;
		emit(sel, nsel, format, table_column);
	} else if (strcmp(cmd, "show") == 0) {
		struct item *it = find_run(all, rs.n, &rs, argv[0]);

		if (format == FMT_TABLE)
			show_vertical(it);
		else
			emit(&it, 1, format, NULL);
	} else if (strcmp(cmd, "compare") == 0) {
		struct item **cmp = calloc((size_t)argc, sizeof *cmp);
		int k;

		if (cmp == NULL)
			mlw_fatal("out of memory");
		for (k = 0; k < argc; k++)
			cmp[k] = find_run(all, rs.n, &rs, argv[k]);
		compare(cmp, (size_t)argc, only_changed, format);
		free(cmp);
	} else if (strcmp(cmd, "history") == 0) {
		struct item *it = find_run(all, rs.n, &rs, argv[0]);

		rc = history(it->run, argv + 1, argc - 1, format);
	} else {                /* best */
		struct item *best = NULL;
		double bv = 0;

		for (i = 0; i < nsel; i++) {
			const struct mlw_run *r = sel[i]->run;
			long m = mlw_strmap_find(&r->mkeys, argv[0],
			    strlen(argv[0]));
			const struct mlw_point *p;

			if (m < 0 || (p = mlw_metric_last(&r->metric[m])) ==
			    NULL || isnan(p->value))
				continue;
			if (best == NULL || (dir > 0 ? p->value > bv :
			    p->value < bv)) {
				best = sel[i];
				bv = p->value;
			}
		}
		if (best == NULL) {
			mlw_warnx("no run has a value of metric '%s'", argv[0]);
			rc = 1;
		} else
			emit(&best, 1, format, table_column);
	}

	for (i = 0; i < rs.n; i++) {
		mlw_buf_free(&all[i].text);
		mlw_json_free(&all[i].doc);
	}
	free(all);
	free(sel);
	mlw_filter_free(&flt);
	mlw_filter_free(&fsort);
	mlw_buf_free(&ext);
	mlw_json_free(&edoc);
	if (expr)
		mlw_expr_free(expr);
	if (sort)
		mlw_path_free(&sort_path);
	mlw_runs_free(&rs);
	{
		int f = mlw_finish();

		return f ? f : rc;
	}
}
