#include "profile.h"
#include "psiref.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "jsonw.h"
#include "num.h"
#include "opt.h"
#include "sketch.h"
#include "state.h"
#include "stats.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"

#define PSI_TAG MLW_PSIREF_TAG
#define PROG "mlw-profile"
#define PSI_BINS 10

enum { T_NUM, T_STR, T_BOOL, T_OBJ, T_ARR, NT };
static const char *const tname[NT] = {
	"n_number", "n_string", "n_bool", "n_object", "n_array"
};

/* One field in one window. */
struct acc {
	uint64_t nval, type[NT];
	/* numbers */
	uint64_t zeros;
	double min, max;
	struct mlw_xsum xs, xss;            /* exact sums of x and x^2 */
	double *vals;                       /* exact, until MLW_PROFILE_EXACT */
	size_t nvals, vcap;
	int sorted;
	struct mlw_kll *kll;
	struct mlw_hll *nhll;               /* the numbers' distinct count,
	                                     * with kll */
	/* strings and booleans: key = 'b' or 's', then the text */
	uint64_t ncat;
	struct mlw_strmap cats;
	uint64_t *cc;
	size_t cccap, cbytes;
	struct mlw_hll *hll;                /* with ss, after the exact table */
	struct mlw_ss *ss;
	/* reference checks */
	uint64_t mismatch, oor, newcat;
	/* --merge: values a state announced that its records have not yet
	 * brought (a long state is cut into several records) */
	uint64_t owed;
};

/* What the reference says about a field. */
struct ref {
	uint64_t records, missing;
	int seen[NT];
	int has_minmax;
	double min, max;
	int complete;                       /* set holds every category */
	struct mlw_strmap set;              /* category texts */
};

struct field {
	struct mlw_path path;
	struct ref *ref;                    /* NULL: not in the reference */
	uint64_t stamp;
	size_t pend;
};

struct win {
	uint64_t nrec;
	size_t nacc;
	struct acc **a;
};

struct pendv { size_t f; uint32_t tok; };

struct mlw_profile {
	struct mlw_profile_opts o;
	struct field *f;
	size_t nf, fcap;
	struct mlw_strmap names;
	int has_ref;
	uint64_t ref_records;
	struct ref *refs;                   /* reference fields, by refnames */
	struct mlw_strmap refnames;
	struct ref absent;                  /* a field the reference lacks */
	struct mlw_pathset set;             /* --fields */
	struct mlw_path *paths;
	long *tok;
	struct pendv *pend;
	size_t npend, pcap;
	uint64_t recno;
	char *pathbuf, *namebuf;
	size_t pathcap, namecap;
	struct mlw_buf key, out;
	size_t *idx;
	size_t idxcap;
	struct win batch;
	uint64_t hash;                      /* for --emit-state, --merge */
};

void
mlw_profile_opts_check(const struct mlw_profile_opts *o)
{
	char a[32], b[32];
	size_t i, j;

	for (i = 0; i < o->nq; i++)
		for (j = 0; j < i; j++) {
			mlw_profile_qname(o->q[i], a);
			mlw_profile_qname(o->q[j], b);
			if (strcmp(a, b) == 0)
				mlw_opt_error("--quantiles: %s is given twice", a);
		}
	if (o->emit && o->merge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if ((o->emit || o->merge) && o->save)
		mlw_opt_error("--save profiles one batch; it cannot be split "
		    "into states (--emit-state, --merge)");
	if ((o->emit || o->merge) && o->nfields == 0)
		mlw_opt_error("--%s needs --fields: without it the fields and "
		    "their order depend on where each first appears in the "
		    "whole input, which no shard knows",
		    o->emit ? "emit-state" : "merge");
}

void
mlw_profile_qname(double q, char *out)
{
	char buf[64], *d;
	size_t n;

	/* 100 q to 12 significant digits, so that 0.29 names p29 */
	snprintf(buf, sizeof buf, "%.12f", q * 100);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if ((d = strchr(buf, '.')) != NULL)
		*d = '_';
	snprintf(out, 32, "p%s%s", buf[1] == '\0' || buf[1] == '_' ? "0" : "",
	    buf);
}

/* ---------------- fields ---------------- */

static size_t
field_of(struct mlw_profile *dp, const char *text)
{
	size_t len = strlen(text), i;
	long r;
	struct field *f;

	i = mlw_strmap_add(&dp->names, text, len);
	if (i < dp->nf)
		return i;
	if (dp->nf >= MLW_PROFILE_FIELDS)
		mlw_fatal("more than %d fields; name the ones to profile with "
		    "--fields", MLW_PROFILE_FIELDS);
	if (dp->nf == dp->fcap) {
		dp->fcap = dp->fcap ? dp->fcap * 2 : 16;
		dp->f = mlw_xrealloc(dp->f, dp->fcap * sizeof *dp->f);
	}
	f = &dp->f[dp->nf];
	memset(f, 0, sizeof *f);
	if (mlw_path_parse(&f->path, text) < 0)
		mlw_fatal("--fields: %s, found '%s'", MLW_PATH_EXPECTED, text);
	if (dp->has_ref) {
		r = mlw_strmap_find(&dp->refnames, text, len);
		f->ref = r >= 0 ? &dp->refs[r] : &dp->absent;
	}
	return dp->nf++;
}

static void
pend(struct mlw_profile *dp, size_t f, uint32_t tok)
{
	struct field *fd = &dp->f[f];

	if (fd->stamp == dp->recno) {           /* repeated: last one wins */
		dp->pend[fd->pend].tok = tok;
		return;
	}
	if (dp->npend == dp->pcap) {
		dp->pcap = dp->pcap ? dp->pcap * 2 : 32;
		dp->pend = mlw_xrealloc(dp->pend, dp->pcap * sizeof *dp->pend);
	}
	fd->stamp = dp->recno;
	fd->pend = dp->npend;
	dp->pend[dp->npend].f = f;
	dp->pend[dp->npend++].tok = tok;
}

static struct mlw_msgkind empty_names = { "members with empty names", 0, 0 };

/* Every leaf of object obj (scalars and arrays; objects are entered). */
static void
walk(struct mlw_profile *dp, const struct mlw_json *doc, uint32_t obj, size_t plen)
{
	const struct mlw_jtok *tok = doc->tok;
	uint32_t i;

	for (i = obj + 1; i < tok[obj].next; i = tok[i + 1].next) {
		const struct mlw_jtok *k = &tok[i], *v = &tok[i + 1];
		size_t n = plen, need = plen + 2 * (size_t)k->len + 2, nlen;

		if (k->len == 2) {
			mlw_msg(&empty_names, NULL, 0, "a member with an empty "
			    "name cannot be named by a path; left out");
			continue;
		}
		if (obj == 0 && (mlw_json_streq(doc, i, "window_start", 12) ||
		    mlw_json_streq(doc, i, "window_end", 10)))
			continue;
		if (need > dp->pathcap) {
			dp->pathcap = need * 2;
			dp->pathbuf = mlw_xrealloc(dp->pathbuf, dp->pathcap);
		}
		if (k->len > dp->namecap) {
			dp->namecap = 2 * (size_t)k->len;
			dp->namebuf = mlw_xrealloc(dp->namebuf, dp->namecap);
		}
		nlen = mlw_json_str(doc, i, dp->namebuf, k->len);
		if (n)
			dp->pathbuf[n++] = '.';
		n += mlw_path_escape(dp->namebuf, nlen, dp->pathbuf + n);
		dp->pathbuf[n] = '\0';
		if (v->type == MLW_JOBJ)
			walk(dp, doc, i + 1, n);
		else
			pend(dp, field_of(dp, dp->pathbuf), i + 1);
	}
}

/* Collect the record's values into dp->pend; 0, or -1 when the record was
 * rejected. */
static int
collect(struct mlw_profile *dp, const struct mlw_json *doc,
    const struct mlw_line *ln)
{
	size_t j;
	double d;

	dp->npend = 0;
	dp->recno++;
	if (dp->o.nfields) {
		mlw_json_getset(doc, &dp->set, dp->tok);
		for (j = 0; j < dp->nf; j++)
			if (!mlw_json_missing(doc, dp->tok[j]))
				pend(dp, j, (uint32_t)dp->tok[j]);
	} else
		walk(dp, doc, 0, 0);
	for (j = 0; j < dp->npend; j++) {
		uint32_t t = dp->pend[j].tok;

		if (doc->tok[t].type == MLW_JNUM && mlw_json_num(doc, t, &d) < 0) {
			mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
			    "%s: number out of range",
			    dp->f[dp->pend[j].f].path.text);
			return -1;
		}
	}
	return 0;
}

/* ---------------- accumulators ---------------- */

static void
acc_free(struct acc *a)
{
	if (a == NULL)
		return;
	free(a->vals);
	if (a->kll) {
		mlw_kll_free(a->kll);
		free(a->kll);
	}
	free(a->nhll);
	mlw_strmap_free(&a->cats);
	free(a->cc);
	free(a->hll);
	if (a->ss) {
		mlw_ss_free(a->ss);
		free(a->ss);
	}
	free(a);
}

static void
win_clear(struct win *w)
{
	size_t i;

	for (i = 0; i < w->nacc; i++)
		acc_free(w->a[i]);
	free(w->a);
	memset(w, 0, sizeof *w);
}

static struct acc *
win_acc(struct win *w, size_t f)
{
	if (f >= w->nacc) {
		size_t n = w->nacc ? w->nacc : 8;

		while (n <= f)
			n *= 2;
		w->a = mlw_xrealloc(w->a, n * sizeof *w->a);
		memset(w->a + w->nacc, 0, (n - w->nacc) * sizeof *w->a);
		w->nacc = n;
	}
	if (w->a[f] == NULL)
		w->a[f] = mlw_xcalloc(1, sizeof **w->a);
	return w->a[f];
}

/* x comes before y in the order of min and max: -0 before +0, so that
 * the extremes do not depend on which zero came first (or on the shards). */
static int
before(double x, double y)
{
	return x < y || (x == y && signbit(x) && !signbit(y));
}

/* The hash of a number for the distinct count: of its bits, -0 as 0 (one
 * value, as pandas' nunique counts them), in a domain of its own so that
 * no string's hash is a number's. */
static uint64_t
num_hash(double x)
{
	unsigned char k[1 + sizeof x];

	if (x == 0)
		x = 0.0;
	k[0] = 'n';
	memcpy(k + 1, &x, sizeof x);
	return mlw_hash64(k, sizeof k);
}

/* Give up the kept values: the KLL sketch (seeded with seed) and the
 * numbers' HyperLogLog get them all. */
static void
to_kll(struct acc *a, uint64_t seed)
{
	size_t i;

	a->kll = mlw_xcalloc(1, sizeof *a->kll);
	mlw_kll_init(a->kll, MLW_KLL_K, seed);
	a->nhll = mlw_xcalloc(1, sizeof *a->nhll);
	mlw_hll_init(a->nhll);
	for (i = 0; i < a->nvals; i++) {
		mlw_kll_add(a->kll, a->vals[i]);
		mlw_hll_add_hash(a->nhll, num_hash(a->vals[i]));
	}
	free(a->vals);
	a->vals = NULL;
	a->nvals = a->vcap = 0;
}

/* Keep x for the quantiles: exactly, or in the KLL sketch once
 * MLW_PROFILE_EXACT are kept. With --emit-state the sketch's coin flips are
 * seeded from the kept values too, so that the shards' sketches flip
 * independent coins (the error bound of a merged sketch needs that). */
static void
keep_value(struct mlw_profile *dp, struct acc *a, double x)
{
	if (a->kll == NULL && a->nvals == MLW_PROFILE_EXACT) {
		uint64_t seed = MLW_KLL_SEED;

		if (dp->o.emit)
			seed ^= mlw_hash64(a->vals, a->nvals * sizeof *a->vals);
		to_kll(a, seed);
	}
	if (a->kll) {
		mlw_kll_add(a->kll, x);
		mlw_hll_add_hash(a->nhll, num_hash(x));
		return;
	}
	if (a->nvals == a->vcap) {
		a->vcap = a->vcap ? a->vcap * 2 : 64;
		if (a->vcap > MLW_PROFILE_EXACT)
			a->vcap = MLW_PROFILE_EXACT;
		a->vals = mlw_xrealloc(a->vals, a->vcap * sizeof *a->vals);
	}
	a->vals[a->nvals++] = x;
	a->sorted = 0;
}

static void
add_number(struct mlw_profile *dp, struct acc *a, const struct ref *r, double x)
{
	uint64_t n = a->type[T_NUM];

	if (x == 0)
		a->zeros++;
	if (n == 1 || before(x, a->min))
		a->min = x;
	if (n == 1 || before(a->max, x))
		a->max = x;
	mlw_xsum_add(&a->xs, x);
	mlw_xsum_add_product(&a->xss, x, x);
	if (r && r->has_minmax && (x < r->min || x > r->max))
		a->oor++;
	keep_value(dp, a, x);
}

static size_t *
idx_room(struct mlw_profile *dp, size_t n)
{
	if (n > dp->idxcap) {
		dp->idxcap = n;
		dp->idx = mlw_xrealloc(dp->idx, n * sizeof *dp->idx);
	}
	return dp->idx;
}

static const struct acc *sort_acc;

static int
cat_cmp(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct mlw_strent *a = &sort_acc->cats.ent[i];
	const struct mlw_strent *b = &sort_acc->cats.ent[j];
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (sort_acc->cc[i] != sort_acc->cc[j])
		return sort_acc->cc[i] > sort_acc->cc[j] ? -1 : 1;
	c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/* The exact table's indices by count (descending), then key bytes. */
static size_t *
cats_sorted(struct mlw_profile *dp, const struct acc *a)
{
	size_t *idx = idx_room(dp, a->cats.n), i;

	for (i = 0; i < a->cats.n; i++)
		idx[i] = i;
	sort_acc = a;
	if (a->cats.n > 1)
		qsort(idx, a->cats.n, sizeof *idx, cat_cmp);
	return idx;
}

/* Give up the exact table: HyperLogLog gets every key, SpaceSaving the
 * MLW_PROFILE_SS most frequent with their exact counts. */
static void
to_sketch(struct mlw_profile *dp, struct acc *a)
{
	size_t *idx = cats_sorted(dp, a), i;

	a->hll = mlw_xcalloc(1, sizeof *a->hll);
	mlw_hll_init(a->hll);
	a->ss = mlw_xcalloc(1, sizeof *a->ss);
	mlw_ss_init(a->ss, MLW_PROFILE_SS);
	for (i = 0; i < a->cats.n; i++)
		mlw_hll_add_hash(a->hll, mlw_hash64(a->cats.ent[i].s,
		    a->cats.ent[i].len));
	for (i = 0; i < a->cats.n && i < MLW_PROFILE_SS; i++)
		mlw_ss_add(a->ss, a->cats.ent[idx[i]].s, a->cats.ent[idx[i]].len,
		    a->cc[idx[i]], 0);
	a->ss->total = a->ncat;
	mlw_strmap_free(&a->cats);
	memset(&a->cats, 0, sizeof a->cats);
	free(a->cc);
	a->cc = NULL;
	a->cccap = a->cbytes = 0;
}

/* Count key k c times: in the exact table until it is full, then in the
 * sketches. */
static void
count_key(struct mlw_profile *dp, struct acc *a, const char *k, size_t len,
    uint64_t c)
{
	long i;

	if (a->hll == NULL) {
		i = mlw_strmap_find(&a->cats, k, len);
		if (i < 0 && (a->cats.n >= MLW_PROFILE_CATS ||
		    a->cbytes + len > MLW_PROFILE_CATBYTES))
			to_sketch(dp, a);
		else {
			if (i < 0) {
				i = (long)mlw_strmap_add(&a->cats, k, len);
				a->cbytes += len;
				if ((size_t)i >= a->cccap) {
					a->cccap = a->cccap ? a->cccap * 2 : 16;
					a->cc = mlw_xrealloc(a->cc,
					    a->cccap * sizeof *a->cc);
				}
				a->cc[i] = 0;
			}
			a->cc[i] += c;
			return;
		}
	}
	mlw_hll_add_hash(a->hll, mlw_hash64(k, len));
	mlw_ss_add(a->ss, k, len, c, 0);
}

static void
add_category(struct mlw_profile *dp, struct acc *a, const struct ref *r,
    const char *k, size_t len)
{
	a->ncat++;
	if (r && r->complete && mlw_strmap_find(&r->set, k + 1, len - 1) < 0)
		a->newcat++;
	count_key(dp, a, k, len, 1);
}

/* Add the collected values of a record to window w. */
static void
win_add(struct mlw_profile *dp, struct win *w, const struct mlw_json *doc)
{
	size_t j;

	w->nrec++;
	for (j = 0; j < dp->npend; j++) {
		size_t f = dp->pend[j].f;
		uint32_t t = dp->pend[j].tok;
		const struct ref *r = dp->f[f].ref;
		struct acc *a;
		int ty;
		double d;

		switch (doc->tok[t].type) {
		case MLW_JNULL:
			continue;
		case MLW_JNUM:
			ty = T_NUM;
			break;
		case MLW_JSTR:
			ty = T_STR;
			break;
		case MLW_JTRUE:
		case MLW_JFALSE:
			ty = T_BOOL;
			break;
		case MLW_JOBJ:
			ty = T_OBJ;
			break;
		default:
			ty = T_ARR;
			break;
		}
		a = win_acc(w, f);
		a->nval++;
		a->type[ty]++;
		if (r && !r->seen[ty])
			a->mismatch++;
		if (ty == T_NUM) {
			mlw_json_num(doc, t, &d);
			add_number(dp, a, r, d);
		} else if (ty == T_STR || ty == T_BOOL) {
			struct mlw_buf *k = &dp->key;

			k->len = 0;
			if (ty == T_STR) {
				mlw_buf_reserve(k, doc->tok[t].len + 1);
				k->p[0] = 's';
				k->len = 1 + mlw_json_str(doc, t, k->p + 1,
				    doc->tok[t].len);
			} else
				mlw_buf_adds(k, doc->tok[t].type == MLW_JTRUE ?
				    "btrue" : "bfalse");
			add_category(dp, a, r, k->p, k->len);
		}
	}
}

/* ---------------- statistics ---------------- */

/* Mean and sample standard deviation from exact sums, so that they do not
 * depend on the order of the values (nor on how --merge split them): the
 * mean is the exact sum rounded once, divided by n. Over the kept values
 * the corrected two-pass algorithm: with d_i = x_i - mean (rounded),
 * (sum d_i^2 - (sum d_i)^2 / n) / (n - 1), both sums exact. Beyond them the
 * same from the exact sums of x and x^2: sum (x_i - mean)^2 =
 * sum x_i^2 - 2 mean sum x_i + n mean^2 and sum d_i = sum x_i - n mean,
 * each computed exactly. */
static void
moments(const struct acc *a, double *mean, double *sd)
{
	uint64_t n = a->type[T_NUM];
	double nd = (double)n, m, e, v, t[MLW_XSUM_LIMBS];
	struct mlw_xsum q, d;
	size_t i;
	int k, nt;

	*sd = NAN;
	m = mlw_xsum_value(&a->xs) / nd;
	*mean = m;
	if (n < 2 || !isfinite(m))
		return;
	if (a->kll == NULL) {
		mlw_xsum_clear(&q);
		mlw_xsum_clear(&d);
		for (i = 0; i < a->nvals; i++) {
			double di = a->vals[i] - m;

			mlw_xsum_add(&q, di * di);
			mlw_xsum_add(&d, di);
		}
	} else {
		double p = m * m;

		q = a->xss;
		d = a->xs;
		if ((nt = mlw_xsum_terms(&a->xs, t)) < 0)
			return;
		for (k = 0; k < nt; k++)
			mlw_xsum_add_product(&q, -2 * m, t[k]);
		mlw_xsum_add_product(&q, nd, p);
		mlw_xsum_add_product(&q, nd, fma(m, m, -p));
		mlw_xsum_add_product(&d, -nd, m);
	}
	e = mlw_xsum_value(&d);
	v = (mlw_xsum_value(&q) - e * e / nd) / (nd - 1);
	*sd = v > 0 ? sqrt(v) : v == v ? 0 : NAN;
}

static void
quantiles(struct mlw_profile *dp, struct acc *a, double *out)
{
	size_t i;

	if (a->kll) {
		mlw_kll_quantiles(a->kll, dp->o.q, dp->o.nq, out);
		return;
	}
	if (!a->sorted) {
		size_t z, nneg = 0;

		mlw_sort_doubles(a->vals, a->nvals);
		/* -0 before +0 whatever order they came in (a short sort
		 * keeps equal values in input order) */
		for (i = 0; i < a->nvals && a->vals[i] < 0; i++)
			;
		for (z = i; z < a->nvals && a->vals[z] == 0; z++)
			nneg += signbit(a->vals[z]) != 0;
		for (; i < z; i++, nneg -= nneg > 0)
			a->vals[i] = nneg ? -0.0 : 0.0;
		a->sorted = 1;
	}
	for (i = 0; i < dp->o.nq; i++)
		out[i] = mlw_quantile_sorted(a->vals, a->nvals, dp->o.q[i]);
}

static void
write_key_value(struct mlw_buf *b, const char *k, size_t len)
{
	if (k[0] == 'b')
		mlw_buf_adds(b, len == 5 ? "true" : "false");
	else
		mlw_jw_str(b, k + 1, len - 1);
}

static void
num_or_null(struct mlw_buf *b, const char *key, int ok, double x)
{
	mlw_jw_key(b, key);
	if (ok)
		mlw_jw_num(b, x);
	else
		mlw_jw_null(b);
}

/* The top values (filtered to the reference's new ones when newonly). */
static void
write_top(struct mlw_profile *dp, struct mlw_buf *b, const struct acc *a,
    const struct ref *newonly)
{
	size_t i, n, k = 0, *idx;

	mlw_jw_open(b, '[');
	if (a->ss) {
		idx = idx_room(dp, a->ss->n);
		n = mlw_ss_sorted(a->ss, idx);
	} else {
		n = a->cats.n;
		idx = n ? cats_sorted(dp, a) : NULL;
	}
	for (i = 0; i < n && k < dp->o.top; i++) {
		const char *s = a->ss ? a->ss->item[idx[i]].s :
		    a->cats.ent[idx[i]].s;
		size_t len = a->ss ? a->ss->item[idx[i]].len :
		    a->cats.ent[idx[i]].len;
		uint64_t c = a->ss ? a->ss->item[idx[i]].count :
		    a->cc[idx[i]];

		if (newonly && mlw_strmap_find(&newonly->set, s + 1, len - 1) >= 0)
			continue;
		k++;
		mlw_jw_sep(b);
		mlw_jw_open(b, '{');
		mlw_jw_key(b, "value");
		write_key_value(b, s, len);
		mlw_jw_key(b, "count");
		mlw_jw_uint(b, c);
		mlw_jw_close(b, '}');
	}
	mlw_jw_close(b, ']');
}

static double
share(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

static const struct acc zero_acc;

/* Distinct values, numbers and categories together, as pandas' nunique
 * counts them (-0 and 0 one value, 1 and "1" two): exact while both are
 * exact, else the HyperLogLog estimate of their union. The kept numbers
 * are sorted (quantiles() sorts them). */
static double
distinct(const struct acc *a)
{
	struct mlw_hll *u;
	size_t i, nd = 0;
	double e;

	if (a->hll == NULL && a->nhll == NULL) {
		for (i = 0; i < a->nvals; i++)
			nd += i == 0 || a->vals[i] != a->vals[i - 1];
		return (double)(nd + a->cats.n);
	}
	u = mlw_xcalloc(1, sizeof *u);
	mlw_hll_init(u);
	if (a->nhll)
		mlw_hll_merge(u, a->nhll);
	else
		for (i = 0; i < a->nvals; i++)
			mlw_hll_add_hash(u, num_hash(a->vals[i]));
	if (a->hll)
		mlw_hll_merge(u, a->hll);
	else
		for (i = 0; i < a->cats.n; i++)
			mlw_hll_add_hash(u, mlw_hash64(a->cats.ent[i].s,
			    a->cats.ent[i].len));
	e = floor(mlw_hll_estimate(u) + 0.5);
	free(u);
	return e;
}

/* The statistics members of field f (everything after "feature"). */
static void
write_stats(struct mlw_profile *dp, struct mlw_buf *b, struct acc *a,
    uint64_t nrec)
{
	uint64_t nn = a->type[T_NUM];
	double mean = NAN, sd = NAN, qv[MLW_PROFILE_QMAX];
	char qn[32];
	size_t i;
	int t;

	mlw_jw_key(b, "count");
	mlw_jw_uint(b, nrec);
	mlw_jw_key(b, "missing");
	mlw_jw_uint(b, nrec - a->nval);
	num_or_null(b, "missing_share", nrec > 0, share(nrec - a->nval, nrec));
	for (t = 0; t < NT; t++) {
		mlw_jw_key(b, tname[t]);
		mlw_jw_uint(b, a->type[t]);
	}
	if (nn)
		moments(a, &mean, &sd);
	num_or_null(b, "min", nn > 0, a->min);
	num_or_null(b, "max", nn > 0, a->max);
	num_or_null(b, "mean", nn > 0, mean);
	num_or_null(b, "std", nn > 1, sd);
	num_or_null(b, "zeros", nn > 0, (double)a->zeros);
	if (nn)
		quantiles(dp, a, qv);
	for (i = 0; i < dp->o.nq; i++) {
		mlw_profile_qname(dp->o.q[i], qn);
		num_or_null(b, qn, nn > 0, qv[i]);
	}
	mlw_jw_key(b, "quantiles_exact");
	mlw_buf_adds(b, a->kll ? "false" : "true");
	num_or_null(b, "quantile_rank_error", nn > 0,
	    a->kll ? mlw_kll_error_bound(a->kll, 0.01) : 0);
	num_or_null(b, "distinct", a->ncat + nn > 0, distinct(a));
	mlw_jw_key(b, "distinct_exact");
	mlw_buf_adds(b, a->hll || a->nhll ? "false" : "true");
	mlw_jw_key(b, "top");
	write_top(dp, b, a, NULL);
	mlw_jw_key(b, "top_exact");
	mlw_buf_adds(b, a->ss ? "false" : "true");
}

static void
report(struct mlw_profile *dp, const struct mlw_wkey *key, struct win *w)
{
	size_t i;

	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc && w->a[i] ? w->a[i] :
		    (struct acc *)(void *)&zero_acc;
		const struct ref *r = dp->f[i].ref;
		struct mlw_buf *b = &dp->out;
		uint64_t nn = a->type[T_NUM];

		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, dp->f[i].path.text, strlen(dp->f[i].path.text));
		write_stats(dp, b, a, w->nrec);
		if (r) {
			uint64_t rmiss = r == &dp->absent ? dp->ref_records :
			    r->missing;

			num_or_null(b, "missing_share_ref", dp->ref_records > 0,
			    share(rmiss, dp->ref_records));
			mlw_jw_key(b, "type_mismatch");
			mlw_jw_uint(b, a->mismatch);
			/* with no numbers (or none in the reference, whose
			 * numbers are then type mismatches) nothing is out of
			 * range: 0, so that alert rules always have a number */
			mlw_jw_key(b, "out_of_range");
			mlw_jw_uint(b, r->has_minmax ? a->oor : 0);
			mlw_jw_key(b, "out_of_range_share");
			mlw_jw_num(b, r->has_minmax && nn > 0 ?
			    share(a->oor, nn) : 0);
			num_or_null(b, "new_categories", r->complete,
			    (double)a->newcat);
			num_or_null(b, "new_categories_share", r->complete,
			    a->ncat > 0 ? share(a->newcat, a->ncat) : 0);
			mlw_jw_key(b, "new_category_values");
			if (r->complete)
				write_top(dp, b, a, r);
			else
				mlw_buf_adds(b, "[]");
		}
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
	mlw_out_flush();
}

/* ---------------- windows ---------------- */

static void
st_reset(void *state, void *arg)
{
	(void)arg;
	memset(state, 0, sizeof(struct win));
}

static void emit_state(struct mlw_profile *dp, const struct mlw_wkey *key,
    struct win *w);

static void
st_close(const struct mlw_wkey *key, void *state, void *arg)
{
	struct mlw_profile *dp = arg;
	struct win *w = state;
	size_t i;

	for (i = 0; dp->o.merge && i < w->nacc; i++)
		if (w->a[i] && w->a[i]->owed)
			mlw_fatal("%s: a state brought %llu values fewer than it "
			    "announced", dp->f[i].path.text,
			    (unsigned long long)w->a[i]->owed);
	if (dp->o.emit)
		emit_state(dp, key, state);
	else
		report(dp, key, state);
	win_clear(state);
}

static void
st_destroy(void *state, void *arg)
{
	(void)arg;
	win_clear(state);
}

/* Profile every data record of in as one batch into dp->batch. */
static void
run_batch(struct mlw_profile *dp, struct mlw_input *in, struct mlw_line *first)
{
	struct mlw_json doc;
	struct mlw_line ln;
	int have = 1;

	memset(&doc, 0, sizeof doc);
	if (first)
		ln = *first;
	else
		have = mlw_input_next(in, &ln);
	for (; have; have = mlw_input_next(in, &ln)) {
		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* a control record, not data */
		if (collect(dp, &doc, &ln) < 0)
			continue;
		win_add(dp, &dp->batch, &doc);
	}
	mlw_json_free(&doc);
}

/* ---------------- saving ---------------- */

static void write_saved(struct mlw_profile *dp, const char *path);

void
mlw_profile_run(struct mlw_profile *dp, struct mlw_input *in)
{
	struct mlw_json doc;
	struct mlw_line ln;
	struct mlw_wtab *tab;
	struct mlw_wkey key;

	if (dp->o.save) {
		run_batch(dp, in, NULL);
		memset(&key, 0, sizeof key);
		report(dp, &key, &dp->batch);
		/* a profile of part of the input must not replace a whole one */
		if (mlw_diag_failed())
			mlw_warnx("%s: left as it was: an input could not be "
			    "read", dp->o.save);
		else
			write_saved(dp, dp->o.save);
		return;
	}
	memset(&doc, 0, sizeof doc);
	tab = mlw_wtab_new(sizeof(struct win), st_reset, st_close, dp);
	mlw_wtab_set_destroy(tab, st_destroy);
	while (mlw_input_next(in, &ln)) {
		struct win *w;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if (collect(dp, &doc, &ln) < 0)
			continue;
		w = mlw_wtab_open(tab, &key);
		win_add(dp, w, &doc);
	}
	mlw_wtab_close_all(tab);
	if (dp->o.emit)
		mlw_state_end(PROG, dp->hash);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}

/* ---------------- partial states (--emit-state, --merge) ---------------- */

/* A state record is cut after this many bytes and continued in another
 * record of the same window and field (the lines must stay readable). */
#define CHUNK (MLW_LINE_MAX / 2)

static void
u64_array(struct mlw_buf *b, const char *key, const uint64_t *v, size_t n)
{
	mlw_jw_key(b, key);
	mlw_jw_uints(b, v, n);
}

/* Start a state record of window key and field fi. */
static void
state_begin(struct mlw_profile *dp, const struct mlw_wkey *key, size_t fi)
{
	struct mlw_buf *b = &dp->out;

	mlw_state_begin(b, PROG, dp->hash, key);
	mlw_jw_key(b, "feature");
	mlw_jw_str(b, dp->f[fi].path.text, strlen(dp->f[fi].path.text));
}

/* Before the next item of array member name: when the record is long,
 * close it and go on in a new record of the same window and field. */
static void
state_room(struct mlw_profile *dp, const struct mlw_wkey *key, size_t fi,
    const char *name)
{
	struct mlw_buf *b = &dp->out;

	if (b->len < CHUNK)
		return;
	mlw_jw_close(b, ']');
	mlw_state_emit(b);
	state_begin(dp, key, fi);
	mlw_jw_key(b, name);
	mlw_jw_open(b, '[');
}

static void
state_kll(struct mlw_buf *b, const struct mlw_kll *s)
{
	size_t i;
	int h;

	mlw_jw_key(b, "kll");
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "n");
	mlw_jw_uint(b, s->n);
	mlw_jw_key(b, "min");
	mlw_jw_num(b, s->min);
	mlw_jw_key(b, "max");
	mlw_jw_num(b, s->max);
	mlw_jw_key(b, "rng");
	mlw_jw_uint(b, s->rng);
	u64_array(b, "compactions", s->compactions, (size_t)s->nlev);
	mlw_jw_key(b, "levels");
	mlw_jw_open(b, '[');
	for (h = 0; h < s->nlev; h++) {
		mlw_jw_sep(b);
		mlw_jw_open(b, '[');
		for (i = 0; i < s->lev[h].n; i++) {
			mlw_jw_sep(b);
			mlw_jw_num(b, s->lev[h].v[i]);
		}
		mlw_jw_close(b, ']');
	}
	mlw_jw_close(b, ']');
	mlw_jw_close(b, '}');
}

/* One window's states: per field one record with its counts, extremes,
 * exact sums and sketches, and its kept values and categories, continued
 * in more records when long. */
/* Member name: the registers of h, in hexadecimal. */
static void
state_hll(struct mlw_buf *b, const char *name, const struct mlw_hll *h)
{
	static const char hex[] = "0123456789abcdef";
	size_t k;

	mlw_jw_key(b, name);
	mlw_buf_reserve(b, 2 * MLW_HLL_M + 2);
	mlw_buf_addc(b, '"');
	for (k = 0; k < MLW_HLL_M; k++) {
		mlw_buf_addc(b, hex[h->reg[k] >> 4]);
		mlw_buf_addc(b, hex[h->reg[k] & 15]);
	}
	mlw_buf_addc(b, '"');
}

static void
emit_state(struct mlw_profile *dp, const struct mlw_wkey *key, struct win *w)
{
	struct mlw_buf *b = &dp->out;
	size_t i, k;

	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc && w->a[i] ? w->a[i] :
		    (struct acc *)(void *)&zero_acc;
		uint64_t c[8];

		state_begin(dp, key, i);
		mlw_jw_key(b, "records");
		mlw_jw_uint(b, w->nrec);
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, a->nval);
		u64_array(b, "types", a->type, NT);
		c[0] = a->zeros;
		c[1] = a->mismatch;
		c[2] = a->oor;
		c[3] = a->newcat;
		c[4] = a->ncat;
		u64_array(b, "counts", c, 5);
		if (a->type[T_NUM]) {
			mlw_jw_key(b, "min");
			mlw_jw_num(b, a->min);
			mlw_jw_key(b, "max");
			mlw_jw_num(b, a->max);
			mlw_jw_key(b, "sum");
			mlw_xsum_write(b, &a->xs);
			mlw_jw_key(b, "sumsq");
			mlw_xsum_write(b, &a->xss);
		}
		if (a->kll)
			state_kll(b, a->kll);
		if (a->nhll)
			state_hll(b, "nhll", a->nhll);
		if (a->hll) {
			state_hll(b, "hll", a->hll);
			mlw_jw_key(b, "ss");
			mlw_jw_open(b, '[');
			for (k = 0; k < a->ss->n; k++) {
				const struct mlw_ss_item *it = &a->ss->item[k];

				state_room(dp, key, i, "ss");
				mlw_jw_sep(b);
				mlw_jw_open(b, '[');
				mlw_jw_sep(b);
				write_key_value(b, it->s, it->len);
				mlw_jw_sep(b);
				mlw_jw_uint(b, it->count);
				mlw_jw_sep(b);
				mlw_jw_uint(b, it->err);
				mlw_jw_close(b, ']');
			}
			mlw_jw_close(b, ']');
		}
		if (a->nvals) {
			mlw_jw_key(b, "values");
			mlw_jw_open(b, '[');
			for (k = 0; k < a->nvals; k++) {
				state_room(dp, key, i, "values");
				mlw_jw_sep(b);
				mlw_jw_num(b, a->vals[k]);
			}
			mlw_jw_close(b, ']');
		}
		if (a->cats.n) {
			mlw_jw_key(b, "cats");
			mlw_jw_open(b, '[');
			for (k = 0; k < a->cats.n; k++) {
				state_room(dp, key, i, "cats");
				mlw_jw_sep(b);
				mlw_jw_open(b, '[');
				mlw_jw_sep(b);
				write_key_value(b, a->cats.ent[k].s,
				    a->cats.ent[k].len);
				mlw_jw_sep(b);
				mlw_jw_uint(b, a->cc[k]);
				mlw_jw_close(b, ']');
			}
			mlw_jw_close(b, ']');
		}
		mlw_state_emit(b);
	}
	mlw_out_flush();
}

/* The key of a category value at token t ('s' and the text, or 'b' and
 * true or false) into dp->key: 0, or -1 when t is no such value. */
static int
read_key(struct mlw_profile *dp, const struct mlw_json *doc, uint32_t t)
{
	struct mlw_buf *k = &dp->key;

	k->len = 0;
	switch (doc->tok[t].type) {
	case MLW_JSTR:
		mlw_buf_reserve(k, doc->tok[t].len + 1);
		k->p[0] = 's';
		k->len = 1 + mlw_json_str(doc, t, k->p + 1, doc->tok[t].len);
		return 0;
	case MLW_JTRUE:
		mlw_buf_adds(k, "btrue");
		return 0;
	case MLW_JFALSE:
		mlw_buf_adds(k, "bfalse");
		return 0;
	default:
		return -1;
	}
}

static int
member_num(const struct mlw_json *doc, uint32_t obj, const char *name,
    double *d)
{
	long t = mlw_json_member(doc, obj, name, strlen(name));

	return t >= 0 && doc->tok[t].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)t, d) == 0 ? 0 : -1;
}

/* Merge the KLL sketch written at token o into a's. */
static int
merge_kll(struct mlw_profile *dp, struct acc *a, const struct mlw_json *doc,
    uint32_t o)
{
	struct mlw_kll t;
	long lv, cp;
	uint32_t j, x;
	uint64_t u;
	double d;
	int h, ok = 0;

	(void)dp;
	if (doc->tok[o].type != MLW_JOBJ ||
	    mlw_state_word(doc, mlw_json_member(doc, o, "rng", 3), &u) < 0)
		return -1;
	mlw_kll_init(&t, MLW_KLL_K, u);
	lv = mlw_json_member(doc, o, "levels", 6);
	cp = mlw_json_member(doc, o, "compactions", 11);
	if (lv < 0 || doc->tok[lv].type != MLW_JARR || cp < 0 ||
	    mlw_state_u64(doc, mlw_json_member(doc, o, "n", 1), &t.n) < 0 ||
	    member_num(doc, o, "min", &t.min) < 0 ||
	    member_num(doc, o, "max", &t.max) < 0)
		goto out;
	for (h = 0, j = (uint32_t)lv + 1; j < doc->tok[lv].next;
	    j = doc->tok[j].next, h++) {
		if (doc->tok[j].type != MLW_JARR)
			goto out;
		for (x = j + 1; x < doc->tok[j].next; x = doc->tok[x].next)
			if (doc->tok[x].type != MLW_JNUM ||
			    mlw_json_num(doc, x, &d) < 0 ||
			    mlw_kll_load(&t, h, d) < 0)
				goto out;
	}
	if (h == 0 || mlw_kll_levels(&t, h) < 0)
		goto out;
	if (mlw_state_u64s(doc, cp, t.compactions, (size_t)h) < 0)
		goto out;
	if (a->kll == NULL)
		to_kll(a, MLW_KLL_SEED);
	mlw_kll_merge(a->kll, &t);
	ok = 1;
out:
	mlw_kll_free(&t);
	return ok ? 0 : -1;
}

static int
unhex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

/* The registers written by state_hll at token t into h: 0 or -1. */
static int
read_hll(const struct mlw_json *doc, long t, struct mlw_hll *h)
{
	const char *p = doc->src + doc->tok[t].start;
	size_t i;

	if (doc->tok[t].type != MLW_JSTR || doc->tok[t].len != 2 * MLW_HLL_M + 2)
		return -1;
	for (i = 0; i < MLW_HLL_M; i++) {
		int hi = unhex(p[1 + 2 * i]), lo = unhex(p[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -1;
		h->reg[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Add one state record (a field of a window) into a. */
static int
merge_record(struct mlw_profile *dp, struct win *w, size_t fi, struct acc *a,
    const struct mlw_json *doc, const char **why)
{
	long t;
	uint32_t j;
	double d;
	uint64_t u, c[8], ty[NT], tsum, nnum = UINT64_MAX, nv = 0;
	int k;

	if ((t = mlw_state_member(doc, "n")) >= 0) {
		uint64_t had = a->type[T_NUM];

		*why = "the values of the state before were cut short";
		if (a->owed)
			return -1;
		double mn, mx;

		*why = "expected records, n, types (5 counts) and counts "
		    "(5 counts)";
		if (mlw_state_u64(doc, mlw_state_member(doc, "records"),
		    &u) < 0 || mlw_state_u64(doc, t, &c[5]) < 0 ||
		    mlw_state_u64s(doc, mlw_state_member(doc, "types"), ty,
		    NT) < 0 || mlw_state_u64s(doc, mlw_state_member(doc,
		    "counts"), c, 5) < 0)
			return -1;
		*why = "n is more than records, or types do not add up to n";
		for (k = 0, tsum = 0; k < NT; k++)
			tsum += ty[k];
		if (c[5] > u || tsum != c[5])
			return -1;
		nnum = ty[T_NUM];
		if (fi == 0)
			w->nrec += u;
		if (ty[T_NUM]) {
			*why = "expected min, max, sum and sumsq";
			if (member_num(doc, 0, "min", &mn) < 0 ||
			    member_num(doc, 0, "max", &mx) < 0 ||
			    mlw_xsum_read(&a->xs, doc,
			    mlw_state_member(doc, "sum")) < 0 ||
			    mlw_xsum_read(&a->xss, doc,
			    mlw_state_member(doc, "sumsq")) < 0)
				return -1;
			if (had == 0 || before(mn, a->min))
				a->min = mn;
			if (had == 0 || before(a->max, mx))
				a->max = mx;
		}
		a->nval += c[5];
		for (k = 0; k < NT; k++)
			a->type[k] += ty[k];
		a->zeros += c[0];
		a->mismatch += c[1];
		a->oor += c[2];
		a->newcat += c[3];
		a->ncat += c[4];
		if ((t = mlw_state_member(doc, "kll")) >= 0) {
			*why = "kll: expected a sketch";
			if (merge_kll(dp, a, doc, (uint32_t)t) < 0)
				return -1;
		}
		if ((t = mlw_state_member(doc, "nhll")) >= 0) {
			static struct mlw_hll h;

			*why = "nhll: expected 16384 registers in hexadecimal, "
			    "with a kll";
			if (a->nhll == NULL || read_hll(doc, t, &h) < 0)
				return -1;
			mlw_hll_merge(a->nhll, &h);
		}
		if ((t = mlw_state_member(doc, "hll")) >= 0) {
			static struct mlw_hll h;

			*why = "hll: expected 16384 registers in hexadecimal";
			if (read_hll(doc, t, &h) < 0)
				return -1;
			if (a->hll == NULL)
				to_sketch(dp, a);
			mlw_hll_merge(a->hll, &h);
		}
	}
	if ((t = mlw_state_member(doc, "values")) >= 0) {
		*why = "values: expected an array of numbers";
		if (doc->tok[t].type != MLW_JARR)
			return -1;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next) {
			if (doc->tok[j].type != MLW_JNUM ||
			    mlw_json_num(doc, j, &d) < 0)
				return -1;
			keep_value(dp, a, d);
			nv++;
		}
		/* the first record of a state announces the numbers; the
		 * values may go on in the records after it */
		*why = "values: expected as many as types counts numbers";
		if (nnum != UINT64_MAX) {
			if (nv > nnum)
				return -1;
			a->owed = nnum - nv;
		} else {
			if (nv > a->owed)
				return -1;
			a->owed -= nv;
		}
	} else if (nnum != UINT64_MAX && nnum > 0 &&
	    mlw_state_member(doc, "kll") < 0) {
		*why = "expected values or a kll for the numbers";
		return -1;
	}
	if ((t = mlw_state_member(doc, "cats")) >= 0 ||
	    (t = mlw_state_member(doc, "ss")) >= 0) {
		int ss = mlw_json_streq(doc, (uint32_t)t - 1, "ss", 2);

		*why = ss ? "ss: expected [value, count, error] triples" :
		    "cats: expected [value, count] pairs";
		if (doc->tok[t].type != MLW_JARR || (ss && a->hll == NULL))
			return -1;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next) {
			uint32_t v = j + 1;

			if (doc->tok[j].type != MLW_JARR || v >= doc->tok[j].next ||
			    read_key(dp, doc, v) < 0 ||
			    mlw_state_u64(doc, doc->tok[v].next, &c[0]) < 0 ||
			    doc->tok[v].next >= doc->tok[j].next)
				return -1;
			if (ss) {
				uint32_t e = doc->tok[doc->tok[v].next].next;

				if (e >= doc->tok[j].next ||
				    mlw_state_u64(doc, e, &c[1]) < 0)
					return -1;
				mlw_ss_add(a->ss, dp->key.p, dp->key.len, c[0],
				    c[1]);
			} else
				count_key(dp, a, dp->key.p, dp->key.len, c[0]);
		}
	}
	return 0;
}

void
mlw_profile_merge(struct mlw_profile *dp, struct mlw_input *in)
{
	struct mlw_state_in r;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	struct mlw_wtab *tab;
	char *name = NULL;
	size_t ncap = 0;

	memset(&doc, 0, sizeof doc);
	tab = mlw_wtab_new(sizeof(struct win), st_reset, st_close, dp);
	mlw_wtab_set_destroy(tab, st_destroy);
	mlw_state_in_init(&r, PROG, dp->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		long fe = mlw_state_member(&doc, "feature"), fi = -1;
		const char *why;
		struct win *w;

		if (fe >= 0 && doc.tok[fe].type == MLW_JSTR) {
			if (doc.tok[fe].len > ncap) {
				ncap = doc.tok[fe].len;
				name = mlw_xrealloc(name, ncap);
			}
			fi = mlw_strmap_find(&dp->names, name,
			    mlw_json_str(&doc, (uint32_t)fe, name,
			    doc.tok[fe].len));
		}
		if (fi < 0) {
			mlw_state_reject(&r, &ln, "feature: expected one of the "
			    "--fields");
			continue;
		}
		w = mlw_wtab_open(tab, &key);
		if (merge_record(dp, w, (size_t)fi, win_acc(w, (size_t)fi),
		    &doc, &why) < 0)
			mlw_state_reject(&r, &ln, "%s: %s", dp->f[fi].path.text,
			    why);
	}
	mlw_state_in_check(&r);
	mlw_wtab_close_all(tab);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
	free(name);
}

/* A categorical psi line's categories: the distinct texts of the held keys
 * (a boolean and a string with the same text are one category there, as in
 * mlw-psi), with their counts. */
static void
psi_categories(const struct acc *a, struct mlw_strmap *m, uint64_t **cnt)
{
	size_t i, n = a->ss ? a->ss->n : a->cats.n, j;

	*cnt = mlw_xcalloc(n + 1, sizeof **cnt);
	for (i = 0; i < n; i++) {
		const char *s = a->ss ? a->ss->item[i].s : a->cats.ent[i].s;
		size_t len = a->ss ? a->ss->item[i].len : a->cats.ent[i].len;

		j = mlw_strmap_add(m, s + 1, len - 1);
		(*cnt)[j] += a->ss ? a->ss->item[i].count : a->cc[i];
	}
}

static void
str_array(struct mlw_buf *b, const struct mlw_strmap *m)
{
	size_t k;

	mlw_jw_open(b, '[');
	for (k = 0; k < m->n; k++) {
		mlw_jw_sep(b);
		mlw_jw_str(b, m->ent[k].s, m->ent[k].len);
	}
	mlw_jw_close(b, ']');
}

static void
uint_array(struct mlw_buf *b, const uint64_t *c, size_t n, uint64_t tot,
    int props)
{
	size_t k;

	mlw_jw_open(b, '[');
	for (k = 0; k < n; k++) {
		mlw_jw_sep(b);
		if (props)
			mlw_jw_num(b, (double)c[k] / (double)tot);
		else
			mlw_jw_uint(b, c[k]);
	}
	mlw_jw_close(b, ']');
}

/* One saved field, as mlw-psi reads it (feature, type, n, edges or
 * categories, counts, proportions) followed by mlw-profile's members.
 * With sets == 0 the category list is left out (too long for a line). */
static void
saved_line(struct mlw_profile *dp, struct mlw_buf *b, size_t fi, struct acc *a,
    uint64_t nrec, int sets)
{
	uint64_t nn = a->type[T_NUM], *cnt = NULL;
	struct mlw_strmap m;
	int numeric = nn > 0 && nn >= a->ncat;
	int complete = a->hll == NULL && sets;
	size_t k;

	memset(&m, 0, sizeof m);
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "feature");
	mlw_jw_str(b, dp->f[fi].path.text, strlen(dp->f[fi].path.text));
	mlw_jw_key(b, "type");
	mlw_buf_adds(b, numeric ? "\"numeric\"" : "\"categorical\"");
	mlw_jw_key(b, "n");
	mlw_jw_uint(b, numeric ? nn : a->ncat);
	if (numeric) {
		double e[PSI_BINS], qs[PSI_BINS - 1];
		uint64_t c[PSI_BINS];
		size_t ne = 0;

		memset(c, 0, sizeof c);
		if (a->kll == NULL) {
			if (!a->sorted) {
				mlw_sort_doubles(a->vals, a->nvals);
				a->sorted = 1;
			}
			ne = mlw_edges(a->vals, a->nvals, PSI_BINS, 0, e);
			for (k = 0; k < a->nvals; k++)
				c[mlw_bin_of(e, ne, a->vals[k])]++;
		} else {
			double prev = 0;

			for (k = 0; k < PSI_BINS - 1; k++)
				qs[k] = (double)(k + 1) / PSI_BINS;
			mlw_kll_quantiles(a->kll, qs, PSI_BINS - 1, e);
			for (k = 0; k < PSI_BINS - 1; k++)
				if (ne == 0 || e[k] > e[ne - 1])
					e[ne++] = e[k];
			for (k = 0; k < ne; k++) {
				double r = mlw_kll_rank(a->kll,
				    nextafter(e[k], -INFINITY));

				c[k] = (uint64_t)(r - prev);
				prev = r;
			}
			c[ne] = nn - (uint64_t)prev;
		}
		mlw_jw_key(b, "edges");
		mlw_jw_open(b, '[');
		for (k = 0; k < ne; k++) {
			mlw_jw_sep(b);
			mlw_jw_num(b, e[k]);
		}
		mlw_jw_close(b, ']');
		mlw_jw_key(b, "counts");
		uint_array(b, c, ne + 1, nn, 0);
		mlw_jw_key(b, "proportions");
		uint_array(b, c, ne + 1, nn, 1);
		if (a->ncat && complete) {
			psi_categories(a, &m, &cnt);
			mlw_jw_key(b, "category_set");
			str_array(b, &m);
		}
	} else {
		if (sets || a->ss)
			psi_categories(a, &m, &cnt);
		else
			cnt = mlw_xcalloc(1, sizeof *cnt);
		{
			/* what the held values do not account for is "other" */
			uint64_t held = 0;

			for (k = 0; k < m.n; k++)
				held += cnt[k];
			cnt[m.n] = held < a->ncat ? a->ncat - held : 0;
		}
		mlw_jw_key(b, "categories");
		str_array(b, &m);
		mlw_jw_key(b, "counts");
		uint_array(b, cnt, m.n + 1, a->ncat, 0);
		mlw_jw_key(b, "proportions");
		uint_array(b, cnt, m.n + 1, a->ncat, 1);
	}
	mlw_jw_key(b, "categories_complete");
	mlw_buf_adds(b, complete ? "true" : "false");
	write_stats(dp, b, a, nrec);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_strmap_free(&m);
	free(cnt);
}

static void
write_saved(struct mlw_profile *dp, const char *path)
{
	struct mlw_buf b = { 0 }, line = { 0 };
	struct win *w = &dp->batch;
	size_t i;

	mlw_jw_open(&b, '{');
	mlw_jw_key(&b, "mlw");
	mlw_jw_str(&b, PSI_TAG, strlen(PSI_TAG));
	mlw_jw_key(&b, "version");
	mlw_jw_int(&b, 1);
	mlw_jw_key(&b, "records");
	mlw_jw_uint(&b, w->nrec);
	mlw_jw_key(&b, "profile_version");
	mlw_jw_int(&b, 1);
	mlw_jw_key(&b, "fields_without_values");
	mlw_jw_open(&b, '[');
	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc ? w->a[i] : NULL;

		if (a && (a->type[T_NUM] || a->ncat))
			continue;
		mlw_jw_sep(&b);
		mlw_jw_open(&b, '{');
		mlw_jw_key(&b, "feature");
		mlw_jw_str(&b, dp->f[i].path.text, strlen(dp->f[i].path.text));
		write_stats(dp, &b, a ? a : (struct acc *)(void *)&zero_acc,
		    w->nrec);
		mlw_jw_close(&b, '}');
	}
	mlw_jw_close(&b, ']');
	mlw_jw_close(&b, '}');
	mlw_buf_addc(&b, '\n');
	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc ? w->a[i] : NULL;

		if (a == NULL || (a->type[T_NUM] == 0 && a->ncat == 0))
			continue;
		line.len = 0;
		saved_line(dp, &line, i, a, w->nrec, 1);
		if (line.len > MLW_LINE_MAX) {
			mlw_warnx("%s: %s: the category list is too long for a "
			    "profile line; saved without it", path,
			    dp->f[i].path.text);
			line.len = 0;
			saved_line(dp, &line, i, a, w->nrec, 0);
		}
		mlw_buf_add(&b, line.p, line.len);
	}
	if (mlw_write_atomic(path, b.p, b.len) < 0)
		mlw_fatal_errno("%s", path);
	mlw_buf_free(&b);
	mlw_buf_free(&line);
}

/* ---------------- references ---------------- */

static struct ref *
new_ref(struct mlw_profile *dp, const char *text, size_t len, size_t *cap)
{
	size_t i = mlw_strmap_add(&dp->refnames, text, len);

	if (i >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		dp->refs = mlw_xrealloc(dp->refs, ncap * sizeof *dp->refs);
		memset(dp->refs + *cap, 0, (ncap - *cap) * sizeof *dp->refs);
		*cap = ncap;
	}
	return &dp->refs[i];
}

static _Noreturn void
bad_profile(const struct mlw_line *ln, const char *what)
{
	mlw_fatal("%s:%llu: invalid profile: %s", ln->file,
	    (unsigned long long)ln->lineno, what);
}

static void
read_set(struct ref *r, const struct mlw_json *doc, long a,
    const struct mlw_line *ln)
{
	uint32_t j;
	char *c;

	if (doc->tok[a].type != MLW_JARR)
		bad_profile(ln, "expected an array of categories");
	for (j = (uint32_t)a + 1; j < doc->tok[a].next; j = doc->tok[j].next) {
		if (doc->tok[j].type != MLW_JSTR)
			bad_profile(ln, "expected category strings");
		c = mlw_xcalloc(1, doc->tok[j].len);
		mlw_strmap_add(&r->set, c, mlw_json_str(doc, j, c,
		    doc->tok[j].len));
		free(c);
	}
}

/* One field of a saved profile, the object at token obj. */
static void
read_field(struct mlw_profile *dp, const struct mlw_json *doc, uint32_t obj,
    const struct mlw_line *ln, size_t *cap)
{
	long fe = mlw_json_member(doc, obj, "feature", 7), t;
	struct ref *r;
	char *name;
	size_t len;
	double d, mn, mx;
	int k;

	if (fe < 0 || doc->tok[fe].type != MLW_JSTR)
		bad_profile(ln, "expected a feature string");
	name = mlw_xcalloc(1, doc->tok[fe].len);
	len = mlw_json_str(doc, (uint32_t)fe, name, doc->tok[fe].len);
	if (mlw_strmap_find(&dp->refnames, name, len) >= 0)
		bad_profile(ln, "repeated feature");
	r = new_ref(dp, name, len, cap);
	free(name);
	if (member_num(doc, obj, "count", &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected count (not saved by mlw-profile?)");
	r->records = (uint64_t)d;
	if (member_num(doc, obj, "missing", &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected missing");
	r->missing = (uint64_t)d;
	for (k = 0; k < NT; k++) {
		if (member_num(doc, obj, tname[k], &d) < 0)
			bad_profile(ln, "expected the counts per type");
		r->seen[k] = d > 0;
	}
	if (member_num(doc, obj, "min", &mn) == 0 &&
	    member_num(doc, obj, "max", &mx) == 0) {
		r->has_minmax = 1;
		r->min = mn;
		r->max = mx;
	}
	t = mlw_json_member(doc, obj, "categories_complete", 19);
	if (!r->seen[T_STR] && !r->seen[T_BOOL])
		r->complete = 1;
	else if (t >= 0 && doc->tok[t].type == MLW_JTRUE) {
		long ty = mlw_json_member(doc, obj, "type", 4);
		long set = mlw_json_member(doc, obj, "category_set", 12);

		if (ty >= 0 && mlw_json_streq(doc, (uint32_t)ty,
		    "categorical", 11))
			set = mlw_json_member(doc, obj, "categories", 10);
		if (set < 0)
			bad_profile(ln, "expected the categories");
		read_set(r, doc, set, ln);
		r->complete = 1;
	}
}

static void
load_saved(struct mlw_profile *dp, struct mlw_input *in, struct mlw_json *doc,
    struct mlw_line *ln)
{
	size_t cap = 0;
	double d;
	long t;
	uint32_t j;

	if (member_num(doc, 0, "profile_version", &d) < 0 || d != 1)
		bad_profile(ln, "expected profile_version 1 (a profile saved "
		    "by mlw-profile --save)");
	if (member_num(doc, 0, "records", &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected records");
	dp->ref_records = (uint64_t)d;
	t = mlw_json_member(doc, 0, "fields_without_values", 21);
	if (t < 0 || doc->tok[t].type != MLW_JARR)
		bad_profile(ln, "expected fields_without_values");
	for (j = (uint32_t)t + 1; j < doc->tok[t].next; j = doc->tok[j].next) {
		if (doc->tok[j].type != MLW_JOBJ)
			bad_profile(ln, "expected objects in "
			    "fields_without_values");
		read_field(dp, doc, j, ln, &cap);
	}
	while (mlw_input_next(in, ln)) {
		if (mlw_json_parse(doc, ln->p, ln->len) < 0)
			bad_profile(ln, doc->err);
		if (doc->tok[0].type != MLW_JOBJ)
			bad_profile(ln, "expected an object");
		read_field(dp, doc, 0, ln, &cap);
	}
}

/* A reference of JSON Lines records: profile it as one batch. */
static void
load_records(struct mlw_profile *dp, struct mlw_input *in, struct mlw_line *first)
{
	struct mlw_profile_opts o = dp->o;
	struct mlw_profile *sub;
	size_t i, cap = 0, k;

	o.ref = o.save = NULL;
	o.emit = o.merge = 0;
	sub = mlw_profile_new(&o);
	run_batch(sub, in, first);
	dp->ref_records = sub->batch.nrec;
	for (i = 0; i < sub->nf; i++) {
		const char *text = sub->f[i].path.text;
		struct acc *a = i < sub->batch.nacc && sub->batch.a[i] ?
		    sub->batch.a[i] : (struct acc *)(void *)&zero_acc;
		struct ref *r = new_ref(dp, text, strlen(text), &cap);
		int t;

		r->records = sub->batch.nrec;
		r->missing = sub->batch.nrec - a->nval;
		for (t = 0; t < NT; t++)
			r->seen[t] = a->type[t] > 0;
		if (a->type[T_NUM]) {
			r->has_minmax = 1;
			r->min = a->min;
			r->max = a->max;
		}
		if (a->hll == NULL) {
			r->complete = 1;
			for (k = 0; k < a->cats.n; k++)
				mlw_strmap_add(&r->set, a->cats.ent[k].s + 1,
				    a->cats.ent[k].len - 1);
		}
	}
	mlw_profile_free(sub);
}

static void
load_ref(struct mlw_profile *dp, const char *path)
{
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;

	memset(&doc, 0, sizeof doc);
	if (mlw_ref_open(path, &in, &ln, &doc))
		load_saved(dp, in, &doc, &ln);
	else
		load_records(dp, in, &ln);
	mlw_json_free(&doc);
	mlw_input_free(in);
	dp->has_ref = 1;
	dp->absent.complete = 1;
}

/* ---------------- set up ---------------- */

/* What decides how values are counted, for the states: the fields, and
 * everything the reference says about them. */
static uint64_t
dp_hash(const struct mlw_profile *dp)
{
	uint64_t h = mlw_hash_u64(MLW_HASH_INIT, dp->nf);
	size_t i, k;
	int t;

	for (i = 0; i < dp->nf; i++)
		h = mlw_hash_str(h, dp->f[i].path.text);
	h = mlw_hash_u64(h, (uint64_t)dp->has_ref);
	h = mlw_hash_u64(h, dp->ref_records);
	for (i = 0; i < dp->nf; i++) {
		const struct ref *r = dp->f[i].ref;

		if (r == NULL)
			continue;
		h = mlw_hash_u64(h, r == &dp->absent);
		h = mlw_hash_u64(h, r->records);
		h = mlw_hash_u64(h, r->missing);
		for (t = 0; t < NT; t++)
			h = mlw_hash_u64(h, (uint64_t)r->seen[t]);
		h = mlw_hash_u64(h, (uint64_t)r->has_minmax);
		if (r->has_minmax) {
			h = mlw_hash_double(h, r->min);
			h = mlw_hash_double(h, r->max);
		}
		h = mlw_hash_u64(h, (uint64_t)r->complete);
		h = mlw_hash_u64(h, r->set.n);
		for (k = 0; k < r->set.n; k++) {
			h = mlw_hash_u64(h, r->set.ent[k].len);
			h = mlw_hash_bytes(h, r->set.ent[k].s, r->set.ent[k].len);
		}
	}
	return h;
}

struct mlw_profile *
mlw_profile_new(const struct mlw_profile_opts *o)
{
	struct mlw_profile *dp = mlw_xcalloc(1, sizeof *dp);
	size_t i;

	dp->o = *o;
	if (o->ref)
		load_ref(dp, o->ref);
	if (o->nfields) {
		for (i = 0; i < o->nfields; i++) {
			if (field_of(dp, o->fields[i]) != i)
				mlw_fatal("--fields: %s is given twice",
				    o->fields[i]);
			/* most often a misspelled name: its audit would
			 * pass whatever the data */
			if (dp->has_ref && (dp->f[i].ref == &dp->absent ||
			    dp->f[i].ref->missing >= dp->f[i].ref->records))
				mlw_warnx("%s: field %s has no values in the "
				    "reference", o->ref, o->fields[i]);
		}
		dp->paths = mlw_xcalloc(dp->nf, sizeof *dp->paths);
		dp->tok = mlw_xcalloc(dp->nf, sizeof *dp->tok);
		for (i = 0; i < dp->nf; i++)
			dp->paths[i] = dp->f[i].path;
		mlw_pathset_init(&dp->set, dp->paths, dp->nf);
	} else if (dp->has_ref)
		for (i = 0; i < dp->refnames.n; i++) {
			char *t = mlw_xcalloc(1, dp->refnames.ent[i].len + 1);

			memcpy(t, dp->refnames.ent[i].s, dp->refnames.ent[i].len);
			field_of(dp, t);
			free(t);
		}
	if (o->emit || o->merge)
		dp->hash = dp_hash(dp);
	return dp;
}

void
mlw_profile_free(struct mlw_profile *dp)
{
	size_t i;

	if (dp == NULL)
		return;
	win_clear(&dp->batch);
	for (i = 0; i < dp->nf; i++)
		mlw_path_free(&dp->f[i].path);
	free(dp->f);
	for (i = 0; i < dp->refnames.n; i++)
		mlw_strmap_free(&dp->refs[i].set);
	free(dp->refs);
	mlw_strmap_free(&dp->refnames);
	mlw_strmap_free(&dp->names);
	if (dp->o.nfields)
		mlw_pathset_free(&dp->set);
	free(dp->paths);
	free(dp->tok);
	free(dp->pend);
	free(dp->pathbuf);
	free(dp->namebuf);
	mlw_buf_free(&dp->key);
	mlw_buf_free(&dp->out);
	free(dp->idx);
	free(dp);
}
