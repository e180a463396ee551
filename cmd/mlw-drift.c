/* mlw-drift: the drift battery (a statistical test or distance per field),
 * per window, against a reference, and a verdict for the whole dataset. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "drift.h"
#include "io.h"
#include "json.h"
#include "jw.h"
#include "num.h"
#include "opt.h"
#include "profile.h"
#include "stats.h"
#include "window.h"

static const char usage_text[] =
    "mlw-drift --ref REF [--fields PATHS] [--categorical PATHS]\n"
    "                 [--method auto|NAME] [--method-for PATH=NAME]...\n"
    "                 [--threshold X] [--auto-threshold] [--drift-share S]\n"
    "                 [--binning sturges|quantile] [--bins N] [--js-base B]\n"
    "                 [--strict] [--rejects FILE] [FILE ...]";

/* Most distinct categories one field may have, reference and current
 * windows together. */
#define MAX_CATEGORIES 100000

struct field {
	struct mlw_feature *f;
	int method;               /* MLW_DM_*, MLW_DM_AUTO included */
	double threshold;         /* NAN: the method's default */
	struct mlw_dsample ref;
	uint64_t *refc;           /* categorical: reference count per category */
	/* --auto-threshold: the last window size and method, and the result */
	uint64_t at_n;
	int at_m;
	double at_t;
};

/* One field's part of a window's state. */
struct fstate {
	double *v;                /* numeric values (sturges binning) */
	size_t n, cap;
	uint64_t *c;              /* counts per category or bin */
	size_t ccap;
	uint64_t missing;
};

struct drift {
	struct mlw_profile prof;
	struct field *fl;
	size_t nf;
	int quantile;             /* --binning quantile */
	int autothr;
	double share, js_base;
	struct mlw_dscratch sc;
	struct mlw_buf out;
	double *chunk;            /* --auto-threshold scratch */
	size_t chunkcap;
	uint64_t *chunkc;
	size_t chunkccap;
	double *stats;
	size_t statcap;
	struct mlw_msgkind nulls, fallback;
};

static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;

	if (n <= *cap)
		return p;
	ncap = *cap ? *cap : 64;
	while (ncap < n)
		ncap *= 2;
	p = realloc(p, ncap * size);
	if (p == NULL)
		mlw_fatal("out of memory");
	*cap = ncap;
	return p;
}

static void
reset(void *state, void *arg)
{
	struct drift *d = arg;
	struct fstate *st = state;
	size_t i;

	for (i = 0; i < d->nf; i++) {
		st[i].n = 0;
		st[i].missing = 0;
		if (st[i].c)
			memset(st[i].c, 0, st[i].ccap * sizeof *st[i].c);
	}
}

static void
destroy(void *state, void *arg)
{
	struct drift *d = arg;
	struct fstate *st = state;
	size_t i;

	for (i = 0; i < d->nf; i++) {
		free(st[i].v);
		free(st[i].c);
	}
}

/* Counts of field fl as bins or categories: the reference in quantile
 * mode uses the profile's bins, else categories. */
static int
counted(const struct drift *d, const struct field *fl)
{
	return d->quantile || fl->f->categorical;
}

/* The current sample of a field in state st. */
static void
cur_sample(const struct drift *d, const struct field *fl, struct fstate *st,
    struct mlw_dsample *s)
{
	size_t k;

	memset(s, 0, sizeof *s);
	if (counted(d, fl)) {
		s->c = st->c;
		s->k = st->ccap;
		for (k = 0; k < st->ccap; k++)
			s->total += st->c[k];
		if (!d->quantile)
			s->names = &fl->f->cats;
		return;
	}
	mlw_sort_doubles(st->v, st->n);
	s->x = st->v;
	s->n = st->n;
	s->total = st->n;
}

/* NannyML's threshold: the method's statistic on each chunk of n
 * consecutive reference values against the whole reference; mean + 3
 * population standard deviations. NAN when there are fewer than 2 chunks. */
static double
auto_threshold(struct drift *d, struct field *fl, int m, uint64_t n)
{
	const struct mlw_feature *f = fl->f;
	size_t nref = counted(d, fl) && f->categorical ? f->nseq : f->nvals;
	size_t nchunks = n ? nref / n : 0, j, i, ns = 0;
	double mean, var;

	if (fl->at_n == n && fl->at_m == m)
		return fl->at_t;
	d->stats = grow(d->stats, &d->statcap, nchunks + 1, sizeof *d->stats);
	for (j = 0; j < nchunks; j++) {
		struct mlw_dsample c;
		struct mlw_test t;
		const char *why;

		memset(&c, 0, sizeof c);
		if (counted(d, fl)) {
			size_t k = d->quantile ? f->nbins : f->cats.n;

			d->chunkc = grow(d->chunkc, &d->chunkccap, k,
			    sizeof *d->chunkc);
			memset(d->chunkc, 0, k * sizeof *d->chunkc);
			for (i = 0; i < n; i++) {
				size_t b;

				if (f->categorical)
					b = f->seq[j * n + i];
				else
					b = mlw_bin_of(f->edges, f->nedges,
					    f->order[j * n + i]);
				d->chunkc[b]++;
			}
			c.c = d->chunkc;
			c.k = k;
			c.total = n;
			if (!d->quantile)
				c.names = &f->cats;
		} else {
			d->chunk = grow(d->chunk, &d->chunkcap, n,
			    sizeof *d->chunk);
			memcpy(d->chunk, f->order + j * n, n * sizeof *d->chunk);
			mlw_sort_doubles(d->chunk, n);
			c.x = d->chunk;
			c.n = n;
			c.total = n;
		}
		t = mlw_drift_run(m, &fl->ref, &c, d->js_base, &d->sc, &why);
		if (m == MLW_DM_Z)
			t.stat = fabs(t.stat);
		if (isfinite(t.stat))
			d->stats[ns++] = t.stat;
	}
	fl->at_n = n;
	fl->at_m = m;
	if (ns < 2) {
		fl->at_t = NAN;
		return NAN;
	}
	mean = mlw_np_sum(d->stats, ns) / (double)ns;
	for (i = 0; i < ns; i++)
		d->stats[i] = (d->stats[i] - mean) * (d->stats[i] - mean);
	var = mlw_np_sum(d->stats, ns) / (double)ns;
	fl->at_t = mean + 3 * sqrt(var);
	return fl->at_t;
}

static void
report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct drift *d = arg;
	struct fstate *st = state;
	struct mlw_buf *b = &d->out;
	size_t i, drifted = 0, evaluated = 0;
	int wl = key->has ? (int)key->slen : 0;
	const char *wn = key->has ? "window " : "batch";

	for (i = 0; i < d->nf; i++) {
		struct field *fl = &d->fl[i];
		struct mlw_dsample cur;
		struct mlw_test t;
		const char *why = NULL;
		double thr;
		int m, dr = -1;

		cur_sample(d, fl, &st[i], &cur);
		m = fl->method;
		if (m == MLW_DM_AUTO)
			m = d->quantile ? MLW_DM_PSI : mlw_drift_auto(&fl->ref,
			    &cur);
		if (cur.total == 0) {
			t.stat = t.p = NAN;
			why = "no values";
		} else
			t = mlw_drift_run(m, &fl->ref, &cur, d->js_base, &d->sc,
			    &why);
		thr = isnan(fl->threshold) ? mlw_dmethods[m].threshold :
		    fl->threshold;
		if (d->autothr && cur.total) {
			double at = auto_threshold(d, fl, m, cur.total);

			if (isnan(at))
				mlw_msg(&d->fallback, NULL, 0, "%s%.*s: %s: the "
				    "reference has fewer than 2 chunks of %llu "
				    "values; default threshold used", wn, wl,
				    key->start, fl->f->path.text,
				    (unsigned long long)cur.total);
			else
				thr = at;
		}
		if (!isfinite(t.stat)) {
			if (why == NULL)
				why = "the statistic is not finite";
			mlw_msg(&d->nulls, NULL, 0, "%s%.*s: %s: %s: %s; "
			    "statistic is null", wn, wl, key->start,
			    fl->f->path.text, mlw_dmethods[m].name, why);
		} else if (d->autothr && !isnan(fl->at_t))
			dr = (m == MLW_DM_Z ? fabs(t.stat) : t.stat) >= thr;
		else
			dr = mlw_drift_is(m, t.stat, t.p, thr);
		/* chisquare with a category the reference never had: the
		 * statistic is infinite and p is 0, which is drift */
		if (dr < 0 && m == MLW_DM_CHISQUARE && t.p == 0)
			dr = 1;
		if (dr >= 0) {
			evaluated++;
			drifted += (size_t)dr;
		}
		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, fl->f->path.text, strlen(fl->f->path.text));
		mlw_jw_key(b, "method");
		mlw_jw_str(b, mlw_dmethods[m].name,
		    strlen(mlw_dmethods[m].name));
		mlw_jw_key(b, "statistic");
		if (isfinite(t.stat))
			mlw_jw_num(b, t.stat);
		else
			mlw_jw_null(b);
		mlw_jw_key(b, "p_value");
		if (isfinite(t.p))
			mlw_jw_num(b, t.p);
		else
			mlw_jw_null(b);
		mlw_jw_key(b, "threshold");
		mlw_jw_num(b, thr);
		mlw_jw_key(b, "drift");
		if (dr < 0)
			mlw_jw_null(b);
		else
			mlw_buf_adds(b, dr ? "true" : "false");
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, cur.total);
		mlw_jw_key(b, "missing");
		mlw_jw_uint(b, st[i].missing);
		mlw_jw_key(b, "ref_n");
		mlw_jw_uint(b, fl->ref.total);
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_wkey_write(b, key);
	mlw_jw_key(b, "drifted");
	mlw_jw_uint(b, drifted);
	mlw_jw_key(b, "features");
	mlw_jw_uint(b, evaluated);
	mlw_jw_key(b, "share");
	if (evaluated)
		mlw_jw_num(b, (double)drifted / (double)evaluated);
	else
		mlw_jw_null(b);
	mlw_jw_key(b, "dataset_drift");
	if (evaluated)
		mlw_buf_adds(b, (double)drifted / (double)evaluated >= d->share ?
		    "true" : "false");
	else
		mlw_jw_null(b);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
	mlw_out_flush();
}

static char **
list_opt(const char *name, const char *val, size_t *n)
{
	char **l = mlw_split_list(val, n);

	if (l == NULL) {
		mlw_warnx("%s: invalid list '%s'", name, val);
		mlw_usage_error(usage_text);
	}
	return l;
}

static int
method_opt(const char *opt, const char *name)
{
	int m = mlw_dmethod_find(name);

	if (m < 0) {
		mlw_warnx("%s: unknown method '%s' (see mlw-drift(1))", opt,
		    name);
		mlw_usage_error(usage_text);
	}
	return m;
}

static double
num_opt(const char *opt, const char *val, double lo, double hi)
{
	double x;

	if (mlw_num_strict(val, &x) < 0 || !(x >= lo && x <= hi)) {
		mlw_warnx("%s: expected a number from %g to %g, found '%s'", opt,
		    lo, hi, val);
		mlw_usage_error(usage_text);
	}
	return x;
}

/* Set up field fl from its reference feature f. */
static void
setup_field(struct drift *d, struct field *fl, struct mlw_feature *f,
    int method, double threshold)
{
	struct mlw_dsample *r = &fl->ref;

	fl->f = f;
	fl->method = method;
	fl->threshold = threshold;
	fl->at_n = 0;
	if (method != MLW_DM_AUTO && mlw_dmethods[method].numeric &&
	    f->categorical)
		mlw_fatal("%s is categorical, and %s needs numbers (choose "
		    "another method with --method-for %s=NAME)", f->path.text,
		    mlw_dmethods[method].name, f->path.text);
	if (d->quantile) {
		r->c = f->ref;
		r->k = f->nbins;
		r->total = f->ref_n;
	} else if (f->categorical) {
		/* the reference's counts, without the profile's "other" bin */
		fl->refc = calloc(f->cats.n ? f->cats.n : 1, sizeof *fl->refc);
		if (fl->refc == NULL)
			mlw_fatal("out of memory");
		memcpy(fl->refc, f->ref, f->cats.n * sizeof *fl->refc);
		r->c = fl->refc;
		r->k = f->cats.n;
		r->total = f->ref_n;
		r->names = &f->cats;
	} else {
		r->x = f->vals;
		r->n = f->nvals;
		r->total = f->nvals;
		r->std = mlw_np_std(f->vals, f->nvals);
		r->distinct = mlw_distinct(f->vals, f->nvals);
	}
}

/* Field i's value at token tok. With st NULL: check it, reading the number
 * into *val or resolving the category's slot (adding it to the field's
 * categories), or say why it cannot be taken: -1 (why set). With st: add
 * the value checked before to the window state. */
static int
take(struct drift *d, size_t i, const struct mlw_json *doc, long tok,
    struct fstate *st, long *slot, double *val, char *why)
{
	struct field *fl = &d->fl[i];
	struct mlw_feature *f = fl->f;
	const char *cat;
	size_t len;
	int r;

	if (st == NULL) {
		/* check, and resolve the slot */
		if (d->quantile) {
			*slot = mlw_feature_bin(f, doc, tok, why);
			return *slot == -2 ? -1 : 0;
		}
		r = mlw_feature_value(f, doc, tok, val, &cat, &len, why);
		if (r == -2)
			return -1;
		if (r == -1) {
			*slot = -1;
			return 0;
		}
		if (!f->categorical) {
			*slot = 0;
			return 0;
		}
		*slot = mlw_strmap_find(&f->cats, cat, len);
		if (*slot < 0) {
			if (f->cats.n >= MAX_CATEGORIES) {
				snprintf(why, 128, "%s: more than %d distinct "
				    "categories", f->path.text, MAX_CATEGORIES);
				return -1;
			}
			*slot = (long)mlw_strmap_add(&f->cats, cat, len);
		}
		return 0;
	}
	if (*slot == -1) {
		st->missing++;
		return 0;
	}
	if (counted(d, fl)) {
		if ((size_t)*slot >= st->ccap) {
			size_t old = st->ccap;

			st->c = grow(st->c, &st->ccap, (size_t)*slot + 1,
			    sizeof *st->c);
			memset(st->c + old, 0, (st->ccap - old) * sizeof *st->c);
		}
		st->c[*slot]++;
		return 0;
	}
	st->v = grow(st->v, &st->cap, st->n + 1, sizeof *st->v);
	st->v[st->n++] = *val;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "auto-threshold", no_argument, NULL, 'A' },
		{ "bins", required_argument, NULL, 'b' },
		{ "binning", required_argument, NULL, 'B' },
		{ "categorical", required_argument, NULL, 'c' },
		{ "drift-share", required_argument, NULL, 'D' },
		{ "fields", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "js-base", required_argument, NULL, 'J' },
		{ "method", required_argument, NULL, 'm' },
		{ "method-for", required_argument, NULL, 'M' },
		{ "ref", required_argument, NULL, 'r' },
		{ "rejects", required_argument, NULL, 'R' },
		{ "strict", no_argument, NULL, 'S' },
		{ "threshold", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct drift d;
	struct mlw_profile_opts po;
	const char *ref = NULL;
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	struct mlw_path *paths;
	struct mlw_pathset set;
	char **mfor = NULL;
	size_t nmfor = 0, i, j;
	long *tok, *slot;
	double *val;
	long long ll;
	double threshold = NAN;
	int method = MLW_DM_AUTO, ch;

	argv[0] = mlw_diag_init(argv[0]);
	memset(&d, 0, sizeof d);
	memset(&po, 0, sizeof po);
	memset(&doc, 0, sizeof doc);
	d.share = 0.5;
	d.nulls.what = "null statistics";
	d.fallback.what = "default thresholds used";
	po.bins = 10;
	po.binning = MLW_BINNING_QUANTILE;
	po.keep_values = 1;
	while ((ch = getopt_long(argc, argv, "b:c:f:hm:r:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'A':
			d.autothr = 1;
			break;
		case 'B':
			if (strcmp(optarg, "quantile") == 0)
				d.quantile = 1;
			else if (strcmp(optarg, "sturges") == 0)
				d.quantile = 0;
			else {
				mlw_warnx("--binning: expected sturges or "
				    "quantile, found '%s'", optarg);
				mlw_usage_error(usage_text);
			}
			break;
		case 'D':
			d.share = num_opt("--drift-share", optarg, 0, 1);
			break;
		case 'J':
			d.js_base = num_opt("--js-base", optarg, 0, 1e300);
			if (d.js_base <= 0 || d.js_base == 1) {
				mlw_warnx("--js-base: expected a base above 0 "
				    "other than 1, found '%s'", optarg);
				mlw_usage_error(usage_text);
			}
			break;
		case 'M':
			mfor = realloc(mfor, (nmfor + 1) * sizeof *mfor);
			if (mfor == NULL)
				mlw_fatal("out of memory");
			mfor[nmfor++] = optarg;
			if (strchr(optarg, '=') == NULL) {
				mlw_warnx("--method-for: expected PATH=METHOD, "
				    "found '%s'", optarg);
				mlw_usage_error(usage_text);
			}
			method_opt("--method-for", strrchr(optarg, '=') + 1);
			break;
		case 'R':
			if (mlw_rejects_open(optarg) < 0)
				mlw_fatal_errno("%s", optarg);
			break;
		case 'S':
			mlw_set_strict(1);
			break;
		case 'V':
			mlw_version();
		case 'b':
			if (mlw_int_strict(optarg, 2, 1000, &ll) < 0) {
				mlw_warnx("--bins: expected a whole number from "
				    "2 to 1000, found '%s'", optarg);
				mlw_usage_error(usage_text);
			}
			po.bins = (int)ll;
			po.bins_given = 1;
			break;
		case 'c':
			po.categorical = list_opt("--categorical", optarg,
			    &po.ncategorical);
			break;
		case 'f':
			po.fields = list_opt("--fields", optarg, &po.nfields);
			break;
		case 'h':
			printf("usage: %s\n", usage_text);
			mlw_out_close();
			return 0;
		case 'm':
			method = method_opt("--method", optarg);
			break;
		case 'r':
			ref = optarg;
			break;
		case 't':
			threshold = num_opt("--threshold", optarg, -1e300, 1e300);
			break;
		default:
			mlw_usage_error(usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (ref == NULL) {
		mlw_warnx("--ref is required");
		mlw_usage_error(usage_text);
	}
	if (po.bins_given && !d.quantile) {
		mlw_warnx("--bins applies to --binning quantile only");
		mlw_usage_error(usage_text);
	}
	for (i = 0; i < po.nfields; i++)
		for (j = 0; j < i; j++)
			if (strcmp(po.fields[i], po.fields[j]) == 0) {
				mlw_warnx("--fields: %s is given twice",
				    po.fields[i]);
				mlw_usage_error(usage_text);
			}
	po.keep_order = d.autothr;
	po.bins_given = 0;       /* a saved profile brings its own bins */

	mlw_profile_load(&d.prof, ref, &po);
	if (d.prof.saved && !d.quantile)
		mlw_fatal("%s is a saved profile: it has bins, not values; use "
		    "--binning quantile with psi, kl or jensenshannon", ref);
	if (d.prof.saved && d.autothr)
		mlw_fatal("--auto-threshold needs reference records, not the "
		    "saved profile %s", ref);
	d.nf = d.prof.nf;
	d.fl = calloc(d.nf, sizeof *d.fl);
	paths = calloc(d.nf, sizeof *paths);
	tok = calloc(d.nf, sizeof *tok);
	slot = calloc(d.nf, sizeof *slot);
	val = calloc(d.nf, sizeof *val);
	if (d.fl == NULL || paths == NULL || tok == NULL || slot == NULL ||
	    val == NULL)
		mlw_fatal("out of memory");
	for (i = 0; i < d.nf; i++) {
		struct mlw_feature *f = &d.prof.f[i];
		int m = method;

		for (j = 0; j < nmfor; j++) {
			const char *eq = strrchr(mfor[j], '=');

			if ((size_t)(eq - mfor[j]) == strlen(f->path.text) &&
			    strncmp(mfor[j], f->path.text,
			    (size_t)(eq - mfor[j])) == 0)
				m = mlw_dmethod_find(eq + 1);
		}
		if (d.quantile && m != MLW_DM_AUTO && !mlw_dmethods[m].binned)
			mlw_fatal("%s: --binning quantile works with psi, kl "
			    "and jensenshannon only, not %s", f->path.text,
			    mlw_dmethods[m].name);
		setup_field(&d, &d.fl[i], f, m, threshold);
		paths[i] = f->path;
	}
	for (j = 0; j < nmfor; j++) {
		const char *eq = strrchr(mfor[j], '=');

		for (i = 0; i < d.nf; i++)
			if ((size_t)(eq - mfor[j]) ==
			    strlen(d.prof.f[i].path.text) &&
			    strncmp(mfor[j], d.prof.f[i].path.text,
			    (size_t)(eq - mfor[j])) == 0)
				break;
		if (i == d.nf)
			mlw_fatal("--method-for: %.*s is not a field of the "
			    "reference", (int)(eq - mfor[j]), mfor[j]);
	}
	mlw_pathset_init(&set, paths, d.nf);
	tab = mlw_wtab_new(d.nf * sizeof(struct fstate), reset, report, &d);
	mlw_wtab_set_destroy(tab, destroy);

	in = mlw_input_new(argv, argc);
	while (mlw_input_next(in, &ln)) {
		char why[128];
		struct fstate *st;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		mlw_json_getset(&doc, &set, tok);
		for (i = 0; i < d.nf; i++)
			if (take(&d, i, &doc, tok[i], NULL, &slot[i], &val[i],
			    why) < 0)
				break;
		if (i < d.nf) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", why);
			continue;
		}
		st = mlw_wtab_open(tab, &key);
		for (i = 0; i < d.nf; i++)
			take(&d, i, &doc, tok[i], &st[i], &slot[i], &val[i], why);
	}
	mlw_wtab_close_all(tab);

	mlw_wtab_free(tab);
	mlw_input_free(in);
	mlw_json_free(&doc);
	mlw_buf_free(&d.out);
	mlw_dscratch_free(&d.sc);
	for (i = 0; i < d.nf; i++)
		free(d.fl[i].refc);
	free(d.fl);
	free(d.chunk);
	free(d.chunkc);
	free(d.stats);
	free(paths);
	free(tok);
	free(slot);
	free(val);
	free(mfor);
	mlw_pathset_free(&set);
	mlw_profile_free(&d.prof);
	mlw_free_list(po.fields, po.nfields);
	mlw_free_list(po.categorical, po.ncategorical);
	return mlw_finish();
}
