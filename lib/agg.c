#include "agg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "expr.h"
#include "hash.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "opt.h"
#include "out.h"
#include "seg.h"
#include "sketch.h"
#include "state.h"
#include "stats.h"
#include "strmap.h"
#include "times.h"
#include "window.h"
#include "xalloc.h"
#include "xsum.h"

#define PROG "mlw-agg"

enum kind {
	K_COUNT, K_SUM, K_MEAN, K_MIN, K_MAX, K_STD, K_QUANTILE, K_DISTINCT,
	K_RATE, K_RATIO, NKIND
};
static const char *const kname[NKIND] = {
	"count", "sum", "mean", "min", "max", "std", "quantile", "distinct",
	"rate", "ratio"
};
/* the arguments each kind takes: paths, then a number (quantile) */
static const int npaths[NKIND] = { 0, 1, 1, 1, 1, 1, 1, 1, 0, 2 };

struct spec {
	enum kind kind;
	char *field;                 /* the output's field; NULL for count */
	char *text;                  /* canonical "KIND ARGS", for the hash */
	struct mlw_path path[2];
	double q;
	struct mlw_expr *expr;
	int numeric;                 /* its paths must hold numbers */
};

/* One aggregate in one window (or reference chunk) and segment. For
 * ratio, xs and hits are the numerator's, xss and n the denominator's. */
struct acc {
	uint64_t n, hits;
	double min, max;
	struct mlw_xsum xs, xss;
	double *vals;                /* std, quantile: up to MLW_AGG_EXACT */
	size_t nvals, vcap;
	struct mlw_kll *kll;         /* quantile, beyond them */
	struct mlw_strmap set;       /* distinct: type byte, then the text */
	size_t setbytes;             /* their JSON text, escaped */
	struct mlw_hll *hll;         /* distinct, beyond them */
};

/* A window's (or chunk's) aggregates of one segment. */
struct cell {
	struct acc *a;
};

/* A reference chunker: the chunk being filled and every chunk's values. */
struct chunker {
	struct cell cur;
	uint64_t nrec;               /* records in cur */
	int64_t idx;                 /* cur's time chunk */
	int open;
	double **val;                /* per aggregate, per chunk */
	size_t nval, vcap;
	double *lower, *upper;       /* per aggregate, once done */
};

struct mlw_agg {
	struct mlw_agg_opts o;
	struct mlw_segcells cells;
	struct mlw_seg *seg;
	struct spec *s;
	size_t ns;
	struct mlw_expr *where;
	long *tok;                   /* per aggregate and path: the record's */
	struct mlw_buf out, key, tmp;
	char why[256];
	/* --ref: the whole reference's chunks, and each segment's (by
	 * segment number; NULL: none); shared: the whole serves all */
	struct chunker whole;
	struct chunker **part;
	size_t npart;
	int shared, has_ref;
	unsigned char *said;         /* segments said to have no part */
	size_t nsaid;
	struct mlw_path time;
	uint64_t hash;
	int any;                     /* a window (or batch) was opened */
};

/* ---------------- aggregates ---------------- */

static void
acc_free(struct acc *a)
{
	free(a->vals);
	if (a->kll) {
		mlw_kll_free(a->kll);
		free(a->kll);
	}
	mlw_strmap_free(&a->set);
	free(a->hll);
	memset(a, 0, sizeof *a);
}

static void
cell_free(struct mlw_agg *g, struct cell *c)
{
	size_t i;

	if (c->a == NULL)
		return;
	for (i = 0; i < g->ns; i++)
		acc_free(&c->a[i]);
	free(c->a);
	c->a = NULL;
}

static struct acc *
cell_accs(struct mlw_agg *g, struct cell *c)
{
	if (c->a == NULL)
		c->a = mlw_xcalloc(g->ns, sizeof *c->a);
	return c->a;
}

/* min and max in the order -0 before +0, so that they do not depend on
 * which of two zeros came first */
static int
before(double x, double y)
{
	return x < y || (x == y && signbit(x) && !signbit(y));
}

static void
minmax(struct acc *a, double x, uint64_t had)
{
	if (had == 0 || before(x, a->min))
		a->min = x;
	if (had == 0 || before(a->max, x))
		a->max = x;
}

/* Give up a's kept numbers for a KLL sketch seeded with seed. */
static void
to_kll(struct acc *a, uint64_t seed)
{
	size_t i;

	a->kll = mlw_xcalloc(1, sizeof *a->kll);
	mlw_kll_init(a->kll, MLW_KLL_K, seed);
	for (i = 0; i < a->nvals; i++)
		mlw_kll_add(a->kll, a->vals[i]);
	free(a->vals);
	a->vals = NULL;
	a->nvals = a->vcap = 0;
}

static void
keep_value(struct acc *a, double x)
{
	if (a->nvals == a->vcap) {
		a->vcap = a->vcap ? a->vcap * 2 : 16;
		if (a->vcap > MLW_AGG_EXACT)
			a->vcap = MLW_AGG_EXACT;
		a->vals = mlw_xrealloc(a->vals, a->vcap * sizeof *a->vals);
	}
	a->vals[a->nvals++] = x;
}

/* Keep x (the a->n-th number) for std or quantile: exactly up to
 * MLW_AGG_EXACT numbers; past them std gives its numbers up (its exact
 * sums serve) and quantile keeps them in KLL. With --emit-state the
 * sketch's coins are seeded from the kept numbers too, so that shards
 * flip independent coins. */
static void
keep(struct mlw_agg *g, const struct spec *s, struct acc *a, double x)
{
	if (a->n <= MLW_AGG_EXACT) {
		keep_value(a, x);
		return;
	}
	if (s->kind == K_STD) {
		free(a->vals);
		a->vals = NULL;
		a->nvals = a->vcap = 0;
		return;
	}
	if (a->kll == NULL)
		to_kll(a, MLW_KLL_SEED ^ (g->o.emit ? mlw_hash64(a->vals,
		    a->nvals * sizeof *a->vals) : 0));
	mlw_kll_add(a->kll, x);
}

/* The bytes a JSON string of p[0..len) takes, quotes and comma included. */
static size_t
esc_len(const char *p, size_t len)
{
	size_t i, n = len + 3;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20)
			n += 5;
		else if (p[i] == '"' || p[i] == '\\')
			n += 1;
	return n;
}

static void
to_hll(struct acc *a)
{
	size_t i;

	a->hll = mlw_xcalloc(1, sizeof *a->hll);
	mlw_hll_init(a->hll);
	for (i = 0; i < a->set.n; i++)
		mlw_hll_add_hash(a->hll, mlw_hash64(a->set.ent[i].s,
		    a->set.ent[i].len));
	mlw_strmap_free(&a->set);
	memset(&a->set, 0, sizeof a->set);
	a->setbytes = 0;
}

/* Count the distinct-value key k[0..len) (its type byte, then its text). */
static void
add_key(struct acc *a, const char *k, size_t len)
{
	if (a->hll == NULL && mlw_strmap_find(&a->set, k, len) < 0) {
		mlw_strmap_add(&a->set, k, len);
		a->setbytes += esc_len(k, len);
		if (a->set.n > MLW_AGG_EXACT ||
		    a->setbytes > MLW_AGG_EXACT_BYTES)
			to_hll(a);
	}
	if (a->hll)
		mlw_hll_add_hash(a->hll, mlw_hash64(k, len));
}

/* Make the distinct-value key of token i in g->key: 0, or -1 for a value
 * that is not a string, number or boolean. */
static int
value_key(struct mlw_agg *g, const struct mlw_json *doc, long i)
{
	int t = doc->tok[i].type;

	if (mlw_key_category(&g->tmp, doc, i) < 0)
		return -1;
	g->key.len = 0;
	mlw_buf_addc(&g->key, t == MLW_JSTR ? 's' : t == MLW_JNUM ? 'n' : 'b');
	mlw_buf_add(&g->key, g->tmp.p, g->tmp.len);
	return 0;
}

/* Check a record for every aggregate, its tokens into g->tok: 0, or -1
 * with g->why set (a value of the wrong type). */
static int
check(struct mlw_agg *g, const struct mlw_json *doc)
{
	size_t i, k;
	double d;

	for (i = 0; i < g->ns; i++) {
		const struct spec *s = &g->s[i];

		for (k = 0; k < (size_t)npaths[s->kind]; k++) {
			long t = mlw_json_get(doc, 0, &s->path[k]);
			int ty;

			g->tok[2 * i + k] = t;
			if (mlw_json_missing(doc, t))
				continue;
			ty = doc->tok[t].type;
			if (s->numeric && ty != MLW_JNUM) {
				snprintf(g->why, sizeof g->why, "%s: expected a "
				    "number, found %s", s->path[k].text,
				    mlw_json_typename(ty));
				return -1;
			}
			if (ty == MLW_JNUM && mlw_json_num(doc, (uint32_t)t,
			    &d) < 0) {
				snprintf(g->why, sizeof g->why, "%s: a number "
				    "beyond the range of a double",
				    s->path[k].text);
				return -1;
			}
			if (ty == MLW_JARR || ty == MLW_JOBJ) {
				snprintf(g->why, sizeof g->why, "%s: expected a "
				    "string, number or boolean, found %s",
				    s->path[k].text, mlw_json_typename(ty));
				return -1;
			}
		}
	}
	return 0;
}

static int
number(const struct mlw_json *doc, long t, double *x)
{
	return !mlw_json_missing(doc, t) &&
	    mlw_json_num(doc, (uint32_t)t, x) == 0;
}

/* Count a checked record into the aggregates of c. */
static void
count(struct mlw_agg *g, struct cell *c, const struct mlw_json *doc)
{
	struct acc *a = cell_accs(g, c);
	size_t i;
	double x;

	for (i = 0; i < g->ns; i++, a++) {
		const struct spec *s = &g->s[i];
		long t = g->tok[2 * i];

		switch (s->kind) {
		case K_COUNT:
			a->n++;
			break;
		case K_RATE:
			a->n++;
			if (mlw_expr_test(s->expr, doc) == 1)
				a->hits++;
			break;
		case K_RATIO:
			if (number(doc, t, &x)) {
				mlw_xsum_add(&a->xs, x);
				a->hits++;
			}
			if (number(doc, g->tok[2 * i + 1], &x)) {
				mlw_xsum_add(&a->xss, x);
				a->n++;
			}
			break;
		case K_DISTINCT:
			if (mlw_json_missing(doc, t) || value_key(g, doc, t) < 0)
				break;
			a->n++;
			add_key(a, g->key.p, g->key.len);
			break;
		default:
			if (!number(doc, t, &x))
				break;
			minmax(a, x, a->n);
			a->n++;
			mlw_xsum_add(&a->xs, x);
			if (s->kind == K_STD) {
				mlw_xsum_add_product(&a->xss, x, x);
				keep(g, s, a, x);
			} else if (s->kind == K_QUANTILE)
				keep(g, s, a, x);
		}
	}
}

/* The value of aggregate s; NaN for none (written as null). */
static double
value(const struct spec *s, struct acc *a)
{
	double m, sd, x;

	switch (s->kind) {
	case K_COUNT:
		return (double)a->n;
	case K_SUM:
		return mlw_xsum_value(&a->xs);
	case K_MEAN:
		return a->n ? mlw_xsum_value(&a->xs) / (double)a->n : NAN;
	case K_MIN:
		return a->n ? a->min : NAN;
	case K_MAX:
		return a->n ? a->max : NAN;
	case K_STD:
		if (a->n < 2)
			return NAN;
		mlw_moments(&a->xs, &a->xss, a->n <= MLW_AGG_EXACT ? a->vals :
		    NULL, a->n, &m, &sd);
		return sd;
	case K_QUANTILE:
		if (a->n == 0)
			return NAN;
		if (a->kll) {
			mlw_kll_quantiles(a->kll, &s->q, 1, &x);
			return x;
		}
		mlw_sort_doubles(a->vals, a->nvals);
		return mlw_quantile_sorted(a->vals, a->nvals, s->q);
	case K_DISTINCT:
		return a->hll ? round(mlw_hll_estimate(a->hll)) :
		    (double)a->set.n;
	case K_RATE:
		return a->n ? (double)a->hits / (double)a->n : NAN;
	case K_RATIO:
		if (a->n == 0 || a->hits == 0)
			return NAN;
		return mlw_xsum_value(&a->xs) / mlw_xsum_value(&a->xss);
	default:
		return NAN;
	}
}

/* ---------------- the aggregates' texts ---------------- */

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* The next word of *p (up to a space), copied; NULL at the end. */
static char *
word(const char **p)
{
	const char *q = skip_space(*p), *e = q;
	char *w;

	while (*e && *e != ' ' && *e != '\t' && *e != '\r')
		e++;
	if (e == q)
		return NULL;
	w = mlw_xmalloc((size_t)(e - q) + 1);
	memcpy(w, q, (size_t)(e - q));
	w[e - q] = '\0';
	*p = e;
	return w;
}

/* Add the aggregate of one item's text t (trimmed, not empty). */
static void
add_one(struct mlw_agg *g, const char *t, const char *where)
{
	struct spec *s;
	const char *p = t;
	char *kw = word(&p), *w = NULL, err[160];
	size_t k, i;
	int kind = -1;
	struct mlw_buf b = { 0 };

	for (k = 0; k < NKIND; k++)
		if (strcmp(kw, kname[k]) == 0)
			kind = (int)k;
	if (kind < 0)
		mlw_opt_error("%s: '%s': expected count, sum, mean, min, max, "
		    "std, quantile, distinct, rate or ratio, found '%s'", where,
		    t, kw);
	if (g->ns == MLW_AGG_MAX)
		mlw_opt_error("%s: more than %d aggregates", where, MLW_AGG_MAX);
	g->s = mlw_xrealloc(g->s, (g->ns + 1) * sizeof *g->s);
	s = &g->s[g->ns];
	memset(s, 0, sizeof *s);
	s->kind = (enum kind)kind;
	s->numeric = kind != K_DISTINCT;
	mlw_buf_adds(&b, kw);
	for (k = 0; k < (size_t)npaths[kind]; k++) {
		if ((w = word(&p)) == NULL)
			mlw_opt_error("%s: '%s': %s takes %s", where, t, kw,
			    kind == K_RATIO ? "two paths, the numerator's and "
			    "the denominator's" : kind == K_QUANTILE ? "a path "
			    "and a number from 0 to 1" : "a path");
		if (mlw_path_parse(&s->path[k], w) < 0)
			mlw_opt_error("%s: '%s': expected a field path (member "
			    "names joined by dots, none empty), found '%s'",
			    where, t, w);
		mlw_buf_addc(&b, ' ');
		mlw_buf_adds(&b, w);
		free(w);
	}
	if (kind == K_QUANTILE) {
		char *end;

		if ((w = word(&p)) == NULL)
			mlw_opt_error("%s: '%s': quantile takes a path and a "
			    "number from 0 to 1", where, t);
		s->q = strtod(w, &end);
		if (*end || end == w || !(s->q >= 0 && s->q <= 1))
			mlw_opt_error("%s: '%s': expected a number from 0 to 1, "
			    "found '%s'", where, t, w);
		mlw_buf_addc(&b, ' ');
		mlw_jw_num(&b, s->q);
		free(w);
	}
	if (kind == K_RATE) {
		p = skip_space(p);
		if (*p == '\0')
			mlw_opt_error("%s: '%s': rate takes a condition, such as "
			    "rate converted == true", where, t);
		if ((s->expr = mlw_expr_compile(p, err, sizeof err)) == NULL)
			mlw_opt_error("%s: '%s': %s", where, t, err);
		s->field = mlw_xstrdup(p);
		mlw_buf_addc(&b, ' ');
		mlw_buf_adds(&b, p);
	} else if (*skip_space(p))
		mlw_opt_error("%s: '%s': unexpected '%s'", where, t,
		    skip_space(p));
	if (kind == K_RATIO) {
		struct mlw_buf f = { 0 };

		mlw_buf_adds(&f, s->path[0].text);
		mlw_buf_addc(&f, '/');
		mlw_buf_adds(&f, s->path[1].text);
		mlw_buf_addc(&f, '\0');
		s->field = f.p;
	} else if (npaths[kind] == 1)
		s->field = mlw_xstrdup(s->path[0].text);
	mlw_buf_addc(&b, '\0');
	s->text = b.p;
	for (i = 0; i < g->ns; i++)
		if (strcmp(g->s[i].text, s->text) == 0)
			mlw_opt_error("%s: '%s' is given twice", where, s->text);
	free(kw);
	g->ns++;
}

void
mlw_agg_add(struct mlw_agg *g, const char *text, const char *where)
{
	struct mlw_buf item = { 0 };
	const char *p = text;
	char quote = 0;

	for (;; p++) {
		if (!quote && item.len == 0 && *p == '#')
			while (*p && *p != '\n')
				p++;
		if (quote) {
			if (*p == '\0')
				mlw_opt_error("%s: '%s': a quote is not closed",
				    where, text);
			if (*p == '\\' && p[1]) {
				mlw_buf_addc(&item, *p++);
				mlw_buf_addc(&item, *p);
				continue;
			}
			if (*p == quote)
				quote = 0;
			mlw_buf_addc(&item, *p);
			continue;
		}
		if (*p == ';' || *p == '\n' || *p == '\0') {
			size_t n = item.len;

			while (n && (item.p[n - 1] == ' ' ||
			    item.p[n - 1] == '\t' || item.p[n - 1] == '\r'))
				n--;
			if (n) {
				item.len = n;
				mlw_buf_addc(&item, '\0');
				add_one(g, item.p, where);
			}
			item.len = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = *p;
		if (item.len == 0 && (*p == ' ' || *p == '\t' || *p == '\r'))
			continue;
		mlw_buf_addc(&item, *p);
	}
	mlw_buf_free(&item);
}

size_t
mlw_agg_count(const struct mlw_agg *g)
{
	return g->ns;
}

/* ---------------- the reference's chunks ---------------- */

static void
chunk_close(struct mlw_agg *g, struct chunker *k)
{
	size_t i;

	if (!k->open)
		return;
	if (k->nval == k->vcap) {
		k->vcap = k->vcap ? 2 * k->vcap : 16;
		for (i = 0; i < g->ns; i++)
			k->val[i] = mlw_xrealloc(k->val[i], k->vcap *
			    sizeof *k->val[i]);
	}
	cell_accs(g, &k->cur);
	for (i = 0; i < g->ns; i++)
		k->val[i][k->nval] = value(&g->s[i], &k->cur.a[i]);
	k->nval++;
	cell_free(g, &k->cur);
	k->open = 0;
	k->nrec = 0;
}

static void
chunker_init(struct mlw_agg *g, struct chunker *k)
{
	memset(k, 0, sizeof *k);
	k->val = mlw_xcalloc(g->ns, sizeof *k->val);
}

static void
chunker_free(struct mlw_agg *g, struct chunker *k)
{
	size_t i;

	if (k->val)
		for (i = 0; i < g->ns; i++)
			free(k->val[i]);
	free(k->val);
	free(k->lower);
	free(k->upper);
	cell_free(g, &k->cur);
}

/* Put a reference record (of time chunk idx) into k's chunks: every
 * record makes up the chunks; only those that match (--where, and
 * checked) are counted into the aggregates. */
static void
chunk_add(struct mlw_agg *g, struct chunker *k, const struct mlw_json *doc,
    int64_t idx, const struct mlw_line *ln, int match)
{
	if (k->open && g->o.chunk_ns && idx != k->idx) {
		if (idx < k->idx)
			mlw_fatal("%s:%llu: the reference is not in time order "
			    "(a chunk of --chunk starts before the last)",
			    ln->file, (unsigned long long)ln->lineno);
		chunk_close(g, k);
	}
	k->open = 1;
	k->idx = idx;
	if (match)
		count(g, &k->cur, doc);
	else
		cell_accs(g, &k->cur);
	if (g->o.chunk_n && ++k->nrec == g->o.chunk_n)
		chunk_close(g, k);
}

/* Thresholds as NannyML's StandardDeviationThreshold: the mean of the
 * chunks' values plus and minus sigma times their standard deviation
 * (ddof 0), as NumPy sums them, values that are null left out. */
static void
chunk_done(struct mlw_agg *g, struct chunker *k)
{
	size_t i, j, n;
	double *v, m, sd;

	chunk_close(g, k);
	v = mlw_xcalloc(k->nval ? k->nval : 1, sizeof *v);
	k->lower = mlw_xcalloc(g->ns, sizeof *k->lower);
	k->upper = mlw_xcalloc(g->ns, sizeof *k->upper);
	for (i = 0; i < g->ns; i++) {
		for (j = n = 0; j < k->nval; j++)
			if (!isnan(k->val[i][j]))
				v[n++] = k->val[i][j];
		if (n == 0) {
			k->lower[i] = k->upper[i] = NAN;
			continue;
		}
		sd = sqrt(mlw_np_var(v, n, &m));
		k->lower[i] = m - g->o.sigma * sd;
		k->upper[i] = m + g->o.sigma * sd;
	}
	free(v);
}

static struct chunker *
part_of(struct mlw_agg *g, size_t id)
{
	if (id >= g->npart) {
		size_t old = g->npart;

		g->part = mlw_grow(g->part, &g->npart, id + 1, sizeof *g->part);
		memset(g->part + old, 0, (g->npart - old) * sizeof *g->part);
	}
	if (g->part[id] == NULL) {
		g->part[id] = mlw_xmalloc(sizeof *g->part[id]);
		chunker_init(g, g->part[id]);
	}
	return g->part[id];
}

static void
load_ref(struct mlw_agg *g)
{
	char *files[1];
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	FILE *f;
	uint64_t nrec = 0;
	int any = 0;
	size_t i;

	if ((f = fopen(g->o.ref, "r")) == NULL)
		mlw_fatal_errno("%s", g->o.ref);
	fclose(f);
	memset(&doc, 0, sizeof doc);
	files[0] = (char *)g->o.ref;
	in = mlw_input_new(files, 1);
	chunker_init(g, &g->whole);
	while (mlw_input_next(in, &ln)) {
		int64_t idx = 0;
		int match;

		if (mlw_json_parse_nonfinite(&doc, ln.p, ln.len) < 0)
			mlw_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno, doc.err);
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;
		match = g->where == NULL || mlw_expr_test(g->where, &doc) == 1;
		if (match && check(g, &doc) < 0)
			mlw_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno, g->why);
		if (g->o.chunk_ns) {
			long t = mlw_json_get(&doc, 0, &g->time);
			const char *why;
			int64_t ns;

			if (t < 0)
				mlw_fatal("%s:%llu: %s: no time (the chunks of "
				    "--chunk DUR need --time in the reference)",
				    ln.file, (unsigned long long)ln.lineno,
				    g->time.text);
			if (mlw_time_token(&doc, t, 1000000000, &ns, &why) < 0)
				mlw_fatal("%s:%llu: %s: %s", ln.file,
				    (unsigned long long)ln.lineno, g->time.text,
				    why);
			idx = mlw_floordiv(ns, g->o.chunk_ns);
		}
		nrec++;
		chunk_add(g, &g->whole, &doc, idx, &ln, match);
		if (g->seg) {
			long id;

			if (mlw_seg_key(g->seg, &doc, &ln) < 0)
				mlw_fatal("%s: a --by value that cannot name "
				    "a segment", g->o.ref);
			id = mlw_seg_id(g->seg, &ln, 1);
			if (!mlw_seg_all_missing(g->seg, (size_t)id))
				any = 1;
			chunk_add(g, part_of(g, (size_t)id), &doc, idx, &ln,
			    match);
		}
	}
	if (mlw_diag_failed())
		mlw_fatal("%s: could not be read", g->o.ref);
	mlw_input_free(in);
	mlw_json_free(&doc);
	if (nrec == 0)
		mlw_fatal("%s: no records in the reference", g->o.ref);
	chunk_done(g, &g->whole);
	g->shared = g->seg == NULL || !any;
	for (i = 0; i < g->npart; i++)
		if (g->part[i])
			chunk_done(g, g->part[i]);
	g->has_ref = 1;
}

/* The chunks segment id is compared with; NULL (said once) for none. */
static struct chunker *
ref_of(struct mlw_agg *g, size_t id)
{
	if (!g->has_ref)
		return NULL;
	if (g->shared)
		return &g->whole;
	if (id < g->npart && g->part[id])
		return g->part[id];
	if (id >= g->nsaid) {
		size_t old = g->nsaid;

		g->said = mlw_grow(g->said, &g->nsaid, id + 1, 1);
		memset(g->said + old, 0, g->nsaid - old);
	}
	if (!g->said[id]) {
		const struct mlw_strent *e = &g->seg->keys.ent[id];

		g->said[id] = 1;
		g->tmp.len = 0;
		mlw_key_display(&g->tmp, e->s, e->len, g->seg->by);
		mlw_warnx("segment %.*s has no part in the reference; its "
		    "lower and upper are null", (int)g->tmp.len, g->tmp.p);
	}
	return NULL;
}

/* ---------------- windows ---------------- */

static void
fin_cell(void *arg, void *state)
{
	cell_free(arg, state);
}

static void
num(struct mlw_buf *b, const char *k, double x)
{
	mlw_jw_key(b, k);
	mlw_jw_num(b, x);
}

static void
report_cell(struct mlw_agg *g, const struct mlw_wkey *key, struct cell *c,
    size_t id)
{
	struct mlw_buf *b = &g->out;
	struct chunker *r = ref_of(g, id);
	struct acc *a = cell_accs(g, c);
	size_t i;

	for (i = 0; i < g->ns; i++) {
		const struct spec *s = &g->s[i];
		double v = value(s, &a[i]);

		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		if (g->seg)
			mlw_seg_members(b, g->seg, id);
		mlw_jw_key(b, "agg");
		mlw_jw_str(b, kname[s->kind], strlen(kname[s->kind]));
		mlw_jw_key(b, "field");
		if (s->field)
			mlw_jw_str(b, s->field, strlen(s->field));
		else
			mlw_jw_null(b);
		if (s->kind == K_QUANTILE)
			num(b, "q", s->q);
		num(b, "value", v);
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, a[i].n);
		if (s->kind == K_QUANTILE || s->kind == K_DISTINCT) {
			mlw_jw_key(b, "exact");
			mlw_buf_adds(b, a[i].kll || a[i].hll ? "false" : "true");
		}
		if (g->has_ref) {
			double lo = r ? r->lower[i] : NAN;
			double hi = r ? r->upper[i] : NAN;

			num(b, "lower", lo);
			num(b, "upper", hi);
			mlw_jw_key(b, "alert");
			mlw_buf_adds(b, v < lo || v > hi ? "true" : "false");
		}
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
}

static void
emit_cell(struct mlw_agg *g, const struct mlw_wkey *key, struct cell *c,
    size_t id)
{
	struct mlw_buf *b = &g->out;
	struct acc *a = cell_accs(g, c);
	size_t i;

	for (i = 0; i < g->ns; i++, a++) {
		enum kind k = g->s[i].kind;

		mlw_state_begin(b, PROG, g->hash, key);
		if (g->seg)
			mlw_seg_state_members(b, g->seg, id, MLW_SEG_VALUES);
		mlw_jw_key(b, "agg");
		mlw_jw_uint(b, i);
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, a->n);
		if (k == K_RATE || k == K_RATIO) {
			mlw_jw_key(b, "hits");
			mlw_jw_uint(b, a->hits);
		}
		if (k >= K_SUM && k <= K_QUANTILE && a->n) {
			num(b, "min", a->min);
			num(b, "max", a->max);
		}
		if ((k >= K_SUM && k <= K_QUANTILE) || k == K_RATIO) {
			mlw_jw_key(b, "sum");
			mlw_xsum_write(b, &a->xs);
		}
		if (k == K_STD || k == K_RATIO) {
			mlw_jw_key(b, "sumsq");
			mlw_xsum_write(b, &a->xss);
		}
		if ((k == K_STD || k == K_QUANTILE) && a->kll == NULL &&
		    a->n <= MLW_AGG_EXACT) {
			mlw_jw_key(b, "numbers");
			mlw_jw_nums(b, a->vals, a->nvals);
		}
		if (a->kll) {
			mlw_jw_key(b, "kll");
			mlw_kll_write(b, a->kll);
		}
		if (k == K_DISTINCT && a->hll) {
			mlw_jw_key(b, "hll");
			mlw_hll_write(b, a->hll);
		} else if (k == K_DISTINCT) {
			mlw_jw_key(b, "set");
			mlw_jw_strs(b, &a->set);
		}
		mlw_state_emit(b);
	}
}

static void
close_cell(void *arg, const struct mlw_wkey *key, void *cell, size_t id)
{
	struct mlw_agg *g = arg;

	if (g->o.emit)
		emit_cell(g, key, cell, id);
	else
		report_cell(g, key, cell, id);
}

static struct cell *
cell_of(struct mlw_agg *g, struct mlw_wtab *tab, const struct mlw_wkey *key,
    size_t id)
{
	g->any = 1;
	return mlw_segcells_get(&g->cells, tab, key, id);
}

/* Input without a data record: without --by, its batch is reported all
 * the same (a count of 0, a sum of 0, the rest null), so that a cron job
 * sees the empty day. Not in states: a shard without data adds nothing. */
static void
empty_batch(struct mlw_agg *g)
{
	struct mlw_wkey none;
	struct cell c = { NULL };

	if (g->any || g->seg || g->o.emit)
		return;
	memset(&none, 0, sizeof none);
	report_cell(g, &none, &c, 0);
	cell_free(g, &c);
	mlw_out_flush();
}

/* ---------------- --merge ---------------- */

static int
read_sum(struct mlw_xsum *s, const struct mlw_json *doc, const char *name)
{
	long t = mlw_state_member(doc, name);

	return t < 0 ? -1 : mlw_xsum_read(s, doc, t);
}

static int
read_num(const struct mlw_json *doc, const char *name, double *x)
{
	long t = mlw_state_member(doc, name);

	return t >= 0 && doc->tok[t].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)t, x) == 0 ? 0 : -1;
}

/* Add the state record doc of aggregate i into a: 0, or -1 with *why. */
static int
merge_one(struct mlw_agg *g, size_t i, struct acc *a,
    const struct mlw_json *doc, const char **why)
{
	enum kind k = g->s[i].kind;
	uint64_t n, hits = 0, had = a->n;
	double mn, mx, x;
	long t;
	uint32_t j;

	*why = "n: expected a count";
	if (mlw_state_u64(doc, mlw_state_member(doc, "n"), &n) < 0)
		return -1;
	*why = "hits: expected a count";
	if ((k == K_RATE || k == K_RATIO) &&
	    (mlw_state_u64(doc, mlw_state_member(doc, "hits"), &hits) < 0 ||
	    (k == K_RATE && hits > n)))
		return -1;
	*why = "sum: expected an exact sum";
	if (((k >= K_SUM && k <= K_QUANTILE) || k == K_RATIO) &&
	    read_sum(&a->xs, doc, "sum") < 0)
		return -1;
	*why = "sumsq: expected an exact sum";
	if ((k == K_STD || k == K_RATIO) && read_sum(&a->xss, doc, "sumsq") < 0)
		return -1;
	if (k >= K_SUM && k <= K_QUANTILE && n) {
		*why = "min, max: expected numbers";
		if (read_num(doc, "min", &mn) < 0 || read_num(doc, "max", &mx) < 0)
			return -1;
		minmax(a, mn, had);
		minmax(a, mx, 1);
	}
	if (k == K_STD || k == K_QUANTILE) {
		if ((t = mlw_state_member(doc, "numbers")) >= 0) {
			size_t nv = 0;

			*why = "numbers: expected n numbers";
			if (doc->tok[t].type != MLW_JARR)
				return -1;
			for (j = (uint32_t)t + 1; j < doc->tok[t].next;
			    j = doc->tok[j].next, nv++)
				if (doc->tok[j].type != MLW_JNUM ||
				    mlw_json_num(doc, j, &x) < 0)
					return -1;
			if (nv != n)
				return -1;
			for (j = (uint32_t)t + 1; j < doc->tok[t].next;
			    j = doc->tok[j].next) {
				mlw_json_num(doc, j, &x);
				if (a->kll)
					mlw_kll_add(a->kll, x);
				else if (had + n <= MLW_AGG_EXACT)
					keep_value(a, x);
			}
			if (k == K_QUANTILE && a->kll == NULL &&
			    had + n > MLW_AGG_EXACT) {
				/* the numbers kept and these, in KLL */
				to_kll(a, MLW_KLL_SEED);
				for (j = (uint32_t)t + 1; j < doc->tok[t].next;
				    j = doc->tok[j].next) {
					mlw_json_num(doc, j, &x);
					mlw_kll_add(a->kll, x);
				}
			}
		} else if (k == K_QUANTILE &&
		    (t = mlw_state_member(doc, "kll")) >= 0) {
			struct mlw_kll s;

			*why = "kll: expected a sketch of n numbers";
			if (mlw_kll_read(&s, doc, (uint32_t)t) < 0)
				return -1;
			if (s.n != n) {
				mlw_kll_free(&s);
				return -1;
			}
			if (a->kll == NULL)
				to_kll(a, MLW_KLL_SEED);
			mlw_kll_merge(a->kll, &s);
			mlw_kll_free(&s);
		} else if (k == K_QUANTILE || n <= MLW_AGG_EXACT) {
			*why = "expected numbers or a kll";
			return -1;
		}
		if (k == K_STD && had + n > MLW_AGG_EXACT) {
			free(a->vals);
			a->vals = NULL;
			a->nvals = a->vcap = 0;
		}
	}
	if (k == K_DISTINCT) {
		if ((t = mlw_state_member(doc, "hll")) >= 0) {
			static struct mlw_hll h;

			*why = "hll: expected 16384 registers in hexadecimal";
			if (mlw_hll_read(&h, doc, t) < 0)
				return -1;
			if (a->hll == NULL)
				to_hll(a);
			mlw_hll_merge(a->hll, &h);
		} else if ((t = mlw_state_member(doc, "set")) >= 0 &&
		    doc->tok[t].type == MLW_JARR) {
			for (j = (uint32_t)t + 1; j < doc->tok[t].next;
			    j = doc->tok[j].next) {
				*why = "set: expected strings";
				if (doc->tok[j].type != MLW_JSTR)
					return -1;
				g->key.len = 0;
				mlw_buf_reserve(&g->key, doc->tok[j].len);
				g->key.len = mlw_json_str(doc, j, g->key.p,
				    doc->tok[j].len);
				if (g->key.len == 0 || !strchr("snb", g->key.p[0]))
					return -1;
				add_key(a, g->key.p, g->key.len);
			}
		} else {
			*why = "expected a set or an hll";
			return -1;
		}
	}
	a->n += n;
	a->hits += hits;
	return 0;
}

static void
merge(struct mlw_agg *g, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in si;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;

	memset(&doc, 0, sizeof doc);
	mlw_state_in_init(&si, PROG, g->hash);
	while (mlw_state_next(&si, in, &ln, &doc, &key)) {
		const char *why;
		uint64_t i;
		size_t id = 0;
		struct cell *c;

		if (mlw_state_u64(&doc, mlw_state_member(&doc, "agg"), &i) < 0 ||
		    i >= g->ns) {
			mlw_state_reject(&si, &ln, "agg: expected the number of "
			    "an aggregate, from 0 to %zu", g->ns - 1);
			continue;
		}
		if (mlw_seg_state_id(g->seg, &si, &doc, &ln, &id) < 0)
			continue;
		c = cell_of(g, tab, &key, id);
		if (merge_one(g, (size_t)i, &cell_accs(g, c)[i], &doc,
		    &why) < 0)
			mlw_state_reject(&si, &ln, "%s", why);
	}
	mlw_state_in_check(&si);
	mlw_json_free(&doc);
}

/* ---------------- the run ---------------- */

struct mlw_agg *
mlw_agg_new(const struct mlw_agg_opts *o, struct mlw_seg *seg)
{
	struct mlw_agg *g = mlw_xcalloc(1, sizeof *g);
	char err[160];

	g->o = *o;
	g->seg = seg;
	if (o->where && (g->where = mlw_expr_compile(o->where, err,
	    sizeof err)) == NULL)
		mlw_opt_error("--where: %s", err);
	if (o->time)
		mlw_path_opt(&g->time, "--time", o->time);
	return g;
}

/* Everything that decides how records were counted: the aggregates, the
 * condition, the --by paths and the reference's thresholds. */
static uint64_t
run_hash(struct mlw_agg *g)
{
	uint64_t h = mlw_hash_str(MLW_HASH_INIT, PROG);
	size_t i, j;

	for (i = 0; i < g->ns; i++)
		h = mlw_hash_str(mlw_hash_u64(h, i), g->s[i].text);
	if (g->where)
		h = mlw_hash_str(mlw_hash_u64(h, 1), mlw_expr_source(g->where));
	if (g->seg)
		for (i = 0; i < g->seg->nby; i++)
			h = mlw_hash_str(mlw_hash_u64(h, 2), g->seg->by[i]);
	if (g->has_ref) {
		h = mlw_hash_u64(h, (uint64_t)g->shared);
		for (i = 0; i < g->ns; i++)
			h = mlw_hash_double(mlw_hash_double(h,
			    g->whole.lower[i]), g->whole.upper[i]);
		for (j = 0; !g->shared && j < g->npart; j++) {
			const struct mlw_strent *e = &g->seg->keys.ent[j];

			if (g->part[j] == NULL)
				continue;
			h = mlw_hash_bytes(mlw_hash_u64(h, e->len), e->s, e->len);
			for (i = 0; i < g->ns; i++)
				h = mlw_hash_double(mlw_hash_double(h,
				    g->part[j]->lower[i]), g->part[j]->upper[i]);
		}
	}
	return h;
}

void
mlw_agg_run(struct mlw_agg *g, struct mlw_input *in)
{
	struct mlw_wtab *tab;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t seen = 0;

	g->tok = mlw_xcalloc(2 * g->ns, sizeof *g->tok);
	if (g->o.ref)
		load_ref(g);
	g->hash = run_hash(g);
	g->cells.size = sizeof(struct cell);
	g->cells.close = close_cell;
	g->cells.fin = fin_cell;
	g->cells.arg = g;
	tab = mlw_segcells_tab(&g->cells);
	if (g->o.merge) {
		merge(g, tab, in);
		mlw_wtab_close_all(tab);
		empty_batch(g);
		mlw_wtab_free(tab);
		return;
	}
	memset(&doc, 0, sizeof doc);
	while (mlw_record_next(in, &ln, &doc)) {
		long id = 0;

		struct cell *c;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		/* a window, and a segment, are reported even when none of
		 * their records matches --where (a count of 0) */
		if (g->seg) {
			if (mlw_seg_key(g->seg, &doc, &ln) < 0)
				continue;
			id = mlw_seg_id(g->seg, &ln, 1);
			seen++;
		}
		if (g->where && mlw_expr_test(g->where, &doc) != 1) {
			cell_accs(g, cell_of(g, tab, &key, (size_t)id));
			continue;
		}
		if (check(g, &doc) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s",
			    g->why);
			continue;
		}
		c = cell_of(g, tab, &key, (size_t)id);
		count(g, c, &doc);
	}
	mlw_wtab_close_all(tab);
	empty_batch(g);
	if (g->seg)
		mlw_seg_warn(g->seg, seen);
	if (g->o.emit)
		mlw_state_end(PROG, g->hash);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}

void
mlw_agg_free(struct mlw_agg *g)
{
	size_t i, k;

	for (i = 0; i < g->ns; i++) {
		for (k = 0; k < 2; k++)
			if (g->s[i].path[k].text)
				mlw_path_free(&g->s[i].path[k]);
		mlw_expr_free(g->s[i].expr);
		free(g->s[i].field);
		free(g->s[i].text);
	}
	if (g->has_ref || g->whole.val)
		chunker_free(g, &g->whole);
	for (i = 0; i < g->npart; i++)
		if (g->part[i]) {
			chunker_free(g, g->part[i]);
			free(g->part[i]);
		}
	free(g->part);
	free(g->said);
	free(g->s);
	free(g->tok);
	mlw_expr_free(g->where);
	if (g->time.text)
		mlw_path_free(&g->time);
	mlw_buf_free(&g->out);
	mlw_buf_free(&g->key);
	mlw_buf_free(&g->tmp);
	free(g);
}
