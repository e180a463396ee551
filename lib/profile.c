#include "profile.h"
#include "profile_priv.h"
#include "seg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hash.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "opt.h"
#include "out.h"
#include "sketch.h"
#include "state.h"
#include "stats.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"
#include "xsum.h"

const char *const mlw_prof_tname[NT] = {
	"n_number", "n_string", "n_bool", "n_object", "n_array"
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
	f->chk = mlw_prof_check_of(dp, text);
	if (dp->rp) {
		r = mlw_strmap_find(&dp->rp->names, text, len);
		f->ref = r >= 0 ? &dp->rp->refs[r] : &dp->absent;
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
		else if (!mlw_seg_is_by(dp->seg, dp->pathbuf))
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
	mlw_prof_check_acc_free(a);
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

struct acc *
mlw_prof_win_acc(struct win *w, size_t f)
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
int
mlw_prof_before(double x, double y)
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
void
mlw_prof_to_kll(struct acc *a, uint64_t seed)
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
void
mlw_prof_keep_value(struct mlw_profile *dp, struct acc *a, double x)
{
	if (a->kll == NULL && a->nvals == MLW_PROFILE_EXACT) {
		uint64_t seed = MLW_KLL_SEED;

		if (dp->o.emit)
			seed ^= mlw_hash64(a->vals, a->nvals * sizeof *a->vals);
		mlw_prof_to_kll(a, seed);
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
	if (n == 1 || mlw_prof_before(x, a->min))
		a->min = x;
	if (n == 1 || mlw_prof_before(a->max, x))
		a->max = x;
	mlw_xsum_add(&a->xs, x);
	mlw_xsum_add_product(&a->xss, x, x);
	if (r && r->has_minmax && (x < r->min || x > r->max))
		a->oor++;
	mlw_prof_keep_value(dp, a, x);
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
void
mlw_prof_to_sketch(struct mlw_profile *dp, struct acc *a)
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
void
mlw_prof_count_key(struct mlw_profile *dp, struct acc *a, const char *k,
    size_t len, uint64_t c)
{
	long i;

	if (a->hll == NULL) {
		i = mlw_strmap_find(&a->cats, k, len);
		if (i < 0 && (a->cats.n >= MLW_PROFILE_CATS ||
		    a->cbytes + len > MLW_PROFILE_CATBYTES))
			mlw_prof_to_sketch(dp, a);
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
	mlw_prof_count_key(dp, a, k, len, 1);
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
		a = mlw_prof_win_acc(w, f);
		a->nval++;
		a->type[ty]++;
		if (r && !r->seen[ty])
			a->mismatch++;
		if (ty == T_NUM) {
			mlw_json_num(doc, t, &d);
			add_number(dp, a, r, d);
			if (dp->f[f].chk) {
				char nk[1 + sizeof d];

				mlw_prof_check_value(a, dp->f[f].chk, ty, nk,
				    mlw_prof_num_key(d, nk));
			}
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
			if (dp->f[f].chk) {
				/* a string's ends in a NUL for regexec: its
				 * room was reserved, decoded text being
				 * shorter than the token */
				if (ty == T_STR)
					k->p[k->len] = '\0';
				mlw_prof_check_value(a, dp->f[f].chk, ty, k->p,
				    k->len);
			}
		} else if (dp->f[f].chk)
			mlw_prof_check_value(a, dp->f[f].chk, ty, NULL, 0);
	}
}

/* ---------------- statistics ---------------- */

/* Mean and sample standard deviation (mlw_moments, stats.h): over the
 * kept values while they are kept, from the exact sums beyond. */
static void
moments(const struct acc *a, double *mean, double *sd)
{
	mlw_moments(&a->xs, &a->xss, a->kll ? NULL : a->vals,
	    a->type[T_NUM], mean, sd);
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

void
mlw_prof_write_key_value(struct mlw_buf *b, const char *k, size_t len)
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
		mlw_prof_write_key_value(b, s, len);
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

const struct acc mlw_prof_zero_acc;

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

#define HIST_BINS 10

/* --detail: the numbers' histogram as numpy.histogram(x, bins=10) makes
 * it: equal bins from min to max (min - 0.5 to max + 0.5 when they are
 * one), each [e_k, e_k+1) but the last closed; counted exactly from the
 * kept values, else (histogram_exact false) from the KLL sketch's ranks. */
static void
histogram(struct mlw_buf *b, const struct acc *a)
{
	double lo = a->min, hi = a->max, e[HIST_BINS + 1], step;
	uint64_t c[HIST_BINS] = { 0 };
	size_t i;
	int k;

	if (lo == hi) {
		lo -= 0.5;
		hi += 0.5;
	}
	step = (hi - lo) / HIST_BINS;
	for (k = 0; k < HIST_BINS; k++)  /* as numpy.linspace */
		e[k] = lo + k * step;
	e[HIST_BINS] = hi;
	if (a->kll) {
		double prev = 0, r;

		for (k = 1; k < HIST_BINS; k++) {
			r = mlw_kll_rank(a->kll, nextafter(e[k], -INFINITY));
			c[k - 1] = r > prev ? (uint64_t)(r - prev) : 0;
			if (r > prev)
				prev = r;
		}
		c[HIST_BINS - 1] = (double)a->type[T_NUM] > prev ?
		    a->type[T_NUM] - (uint64_t)prev : 0;
	} else
		for (i = 0; i < a->nvals; i++) {
			double x = a->vals[i];
			long j = (long)((x - lo) * (HIST_BINS / (hi - lo)));

			if (j >= HIST_BINS)
				j = HIST_BINS - 1;
			if (j < 0)
				j = 0;
			/* numpy's correction of the rounded index */
			if (x < e[j] && j > 0)
				j--;
			else if (j + 1 < HIST_BINS && x >= e[j + 1])
				j++;
			c[j]++;
		}
	mlw_jw_key(b, "histogram");
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "edges");
	mlw_jw_nums(b, e, HIST_BINS + 1);
	mlw_jw_key(b, "counts");
	mlw_jw_uints(b, c, HIST_BINS);
	mlw_jw_close(b, '}');
	mlw_jw_key(b, "histogram_exact");
	mlw_buf_adds(b, a->kll ? "false" : "true");
}

/* The statistics members of field f (everything after "feature"). */
void
mlw_prof_write_stats(struct mlw_profile *dp, struct mlw_buf *b, struct acc *a,
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
		mlw_jw_key(b, mlw_prof_tname[t]);
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
	if (dp->o.detail && nn > 0)
		histogram(b, a);
}

static void
report(struct mlw_profile *dp, const struct mlw_wkey *key, struct win *w)
{
	size_t i;

	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc && w->a[i] ? w->a[i] :
		    (struct acc *)(void *)&mlw_prof_zero_acc;
		const struct ref *r = dp->f[i].ref;
		struct mlw_buf *b = &dp->out;
		uint64_t nn = a->type[T_NUM];

		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		if (dp->is_sub)
			mlw_seg_members(b, dp->seg, dp->segid);
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, dp->f[i].path.text, strlen(dp->f[i].path.text));
		mlw_prof_write_stats(dp, b, a, w->nrec);
		if (r) {
			uint64_t rn = dp->rp->records;
			uint64_t rmiss = r == &dp->absent ? rn : r->missing;

			num_or_null(b, "missing_share_ref", rn > 0,
			    share(rmiss, rn));
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
		mlw_prof_write_checks(dp, b, a, dp->f[i].chk);
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
}

/* ---------------- segments (--by) ---------------- */

/* The reference of segment id: its part, or the whole reference when it
 * is shared or with --ref-fallback all; NULL when there is no reference,
 * or (*none set) when the segment has no part in it. */
static struct refprof *
seg_ref(const struct mlw_profile *dp, size_t id, int *none)
{
	*none = 0;
	if (dp->whole == NULL)
		return NULL;
	if (dp->shared)
		return dp->whole;
	if (id < dp->npart && dp->part[id] != NULL)
		return dp->part[id];
	if (dp->o.fallback)
		return dp->whole;
	*none = 1;
	return NULL;
}

static void setup_fields(struct mlw_profile *dp);

struct mlw_profile *
mlw_prof_sub(struct mlw_profile *dp, size_t id)
{
	struct mlw_profile *s;
	struct refprof *rp;
	int none;
	size_t i;

	if (id < dp->nsub && dp->sub[id] != NULL)
		return dp->sub[id];
	rp = seg_ref(dp, id, &none);
	if (none)
		return NULL;
	if (id >= dp->nsub) {
		size_t old = dp->nsub;

		dp->sub = mlw_grow(dp->sub, &dp->nsub, id + 1, sizeof *dp->sub);
		for (i = old; i < dp->nsub; i++)
			dp->sub[i] = NULL;
	}
	s = mlw_xcalloc(1, sizeof *s);
	s->o = dp->o;
	s->o.ref = s->o.save = NULL;
	s->rp = rp;
	s->absent.complete = 1;
	s->seg = dp->seg;
	s->is_sub = 1;
	s->segid = id;
	s->hash = dp->hash;
	s->chk = dp->chk;
	s->nchk = dp->nchk;
	setup_fields(s);
	dp->sub[id] = s;
	return s;
}

/* The profile of data record doc's segment, in *id (dp itself without
 * --by); NULL after rejecting the record (a bad segment value, or a
 * segment with no part in the reference). */
static struct mlw_profile *
route(struct mlw_profile *dp, const struct mlw_json *doc,
    const struct mlw_line *ln, size_t *id)
{
	struct mlw_profile *s;
	long k;

	*id = 0;
	if (dp->seg == NULL)
		return dp;
	if (mlw_seg_key(dp->seg, doc, ln) < 0)
		return NULL;
	k = mlw_seg_id(dp->seg, ln, 1);
	if ((s = mlw_prof_sub(dp, (size_t)k)) == NULL)
		mlw_seg_no_ref(dp->seg, (size_t)k, ln);
	*id = (size_t)k;
	return s;
}

/* ---------------- windows ---------------- */

/* A window's state: a struct win, or with --by a struct mlw_segwin of
 * one struct win per segment. */
static void
win_fin(void *state)
{
	win_clear(state);
}

static void
st_reset(void *state, void *arg)
{
	struct mlw_profile *dp = arg;

	if (dp->seg)
		mlw_segwin_clear(state, win_fin);
	else
		memset(state, 0, sizeof(struct win));
}

/* The records (or states) of window w of profile dp. */
static void
close_win(struct mlw_profile *dp, const struct mlw_wkey *key, struct win *w)
{
	size_t i;

	for (i = 0; dp->o.merge && i < w->nacc; i++)
		if (w->a[i] && w->a[i]->owed)
			mlw_fatal("%s: a state brought %llu values fewer than it "
			    "announced", dp->f[i].path.text,
			    (unsigned long long)w->a[i]->owed);
	if (dp->o.emit)
		mlw_prof_emit_state(dp, key, w);
	else
		report(dp, key, w);
}

static void
st_close(const struct mlw_wkey *key, void *state, void *arg)
{
	struct mlw_profile *dp = arg;
	size_t i;

	if (dp->seg) {
		struct mlw_segwin *sw = state;

		/* every segment the window saw, in the order it saw them */
		for (i = 0; i < sw->n; i++)
			close_win(dp->sub[sw->ids[i]], key, sw->state[i]);
		mlw_segwin_clear(sw, win_fin);
	} else {
		close_win(dp, key, state);
		win_clear(state);
	}
	mlw_out_flush();
}

static void
st_destroy(void *state, void *arg)
{
	struct mlw_profile *dp = arg;

	if (dp->seg)
		mlw_segwin_free(state, win_fin);
	else
		win_clear(state);
}

struct mlw_wtab *
mlw_prof_windows(struct mlw_profile *dp)
{
	struct mlw_wtab *tab;

	tab = mlw_wtab_new(dp->seg ? sizeof(struct mlw_segwin) :
	    sizeof(struct win), st_reset, st_close, dp);
	mlw_wtab_set_destroy(tab, st_destroy);
	return tab;
}

struct win *
mlw_prof_win_of(struct mlw_profile *dp, void *state, size_t id)
{
	if (dp->seg == NULL)
		return state;
	return mlw_segwin_get(state, id, sizeof(struct win));
}

/* Profile every data record of in as one batch into dp->batch. */
void
mlw_prof_run_batch(struct mlw_profile *dp, struct mlw_input *in,
    struct mlw_line *first)
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
		struct mlw_profile *s;
		size_t id;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* a control record, not data */
		if ((s = route(dp, &doc, &ln, &id)) == NULL)
			continue;
		/* with --by, the whole batch and the segment's */
		if (collect(dp, &doc, &ln) < 0)
			continue;
		win_add(dp, &dp->batch, &doc);
		if (s != dp) {
			collect(s, &doc, &ln);
			win_add(s, &s->batch, &doc);
		}
	}
	if (dp->seg)
		mlw_seg_warn(dp->seg, dp->batch.nrec);
	mlw_json_free(&doc);
}

void
mlw_profile_run(struct mlw_profile *dp, struct mlw_input *in)
{
	struct mlw_json doc;
	struct mlw_line ln;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	uint64_t seen = 0;

	if (dp->o.save) {
		size_t i;

		mlw_prof_run_batch(dp, in, NULL);
		memset(&key, 0, sizeof key);
		if (dp->seg == NULL)
			report(dp, &key, &dp->batch);
		for (i = 0; i < dp->nsub; i++)
			if (dp->sub[i] != NULL)
				report(dp->sub[i], &key, &dp->sub[i]->batch);
		mlw_out_flush();
		/* a profile of part of the input must not replace a whole one */
		if (mlw_diag_failed())
			mlw_warnx("%s: left as it was: an input could not be "
			    "read", dp->o.save);
		else
			mlw_prof_write_saved(dp, dp->o.save);
		return;
	}
	memset(&doc, 0, sizeof doc);
	tab = mlw_prof_windows(dp);
	while (mlw_input_next(in, &ln)) {
		struct mlw_profile *s;
		size_t id;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if ((s = route(dp, &doc, &ln, &id)) == NULL)
			continue;
		seen++;
		if (collect(s, &doc, &ln) < 0)
			continue;
		win_add(s, mlw_prof_win_of(dp, mlw_wtab_open(tab, &key), id),
		    &doc);
	}
	mlw_wtab_close_all(tab);
	if (dp->seg)
		mlw_seg_warn(dp->seg, seen);
	if (dp->o.emit)
		mlw_state_end(PROG, dp->hash);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
}

/* ---------------- set up ---------------- */

/* Add to h what reference rp says about each of dp's fields. */
static uint64_t
ref_hash(uint64_t h, const struct mlw_profile *dp, const struct refprof *rp)
{
	size_t i, k;
	int t;

	h = mlw_hash_u64(h, (uint64_t)(rp != NULL));
	h = mlw_hash_u64(h, rp ? rp->records : 0);
	for (i = 0; rp && i < dp->nf; i++) {
		const char *text = dp->f[i].path.text;
		long j = mlw_strmap_find(&rp->names, text, strlen(text));
		const struct ref *r = j >= 0 ? &rp->refs[j] : &dp->absent;

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

/* What decides how values are counted, for the states: the fields, and
 * everything the reference says about them (with --by, every segment's
 * part of it, and the segment's key). */
static uint64_t
dp_hash(const struct mlw_profile *dp)
{
	uint64_t h = mlw_hash_u64(MLW_HASH_INIT, dp->nf);
	size_t i;

	for (i = 0; i < dp->nf; i++)
		h = mlw_hash_str(h, dp->f[i].path.text);
	h = mlw_prof_checks_hash(h, dp);
	h = ref_hash(h, dp, dp->rp);
	if (dp->seg == NULL)
		return h;
	h = mlw_hash_u64(h, (uint64_t)dp->shared);
	for (i = 0; i < dp->npart; i++) {
		const struct mlw_strent *e = &dp->seg->keys.ent[i];

		if (dp->part[i] == NULL)
			continue;
		h = mlw_hash_u64(h, e->len);
		h = mlw_hash_bytes(h, e->s, e->len);
		h = ref_hash(h, dp, dp->part[i]);
	}
	return h;
}

/* The fields of dp: those of --fields, or else its reference's (more are
 * added as the records bring them). */
static void
setup_fields(struct mlw_profile *dp)
{
	const struct mlw_profile_opts *o = &dp->o;
	size_t i;

	if (o->nfields) {
		for (i = 0; i < o->nfields; i++) {
			if (field_of(dp, o->fields[i]) != i)
				mlw_fatal("--fields: %s is given twice",
				    o->fields[i]);
			/* most often a misspelled name: its audit would
			 * pass whatever the data */
			if (dp->rp && !dp->is_sub &&
			    (dp->f[i].ref == &dp->absent ||
			    dp->f[i].ref->missing >= dp->f[i].ref->records))
				mlw_warnx("%s: field %s has no values in the "
				    "reference", o->ref, o->fields[i]);
		}
		dp->paths = mlw_xcalloc(dp->nf, sizeof *dp->paths);
		dp->tok = mlw_xcalloc(dp->nf, sizeof *dp->tok);
		for (i = 0; i < dp->nf; i++)
			dp->paths[i] = dp->f[i].path;
		mlw_pathset_init(&dp->set, dp->paths, dp->nf);
		return;
	}
	if (dp->rp)
		for (i = 0; i < dp->rp->names.n; i++) {
			const struct mlw_strent *e = &dp->rp->names.ent[i];
			char *t = mlw_xcalloc(1, e->len + 1);

			memcpy(t, e->s, e->len);
			field_of(dp, t);
			free(t);
		}
	/* a tested field is reported in every window, even one without it:
	 * a test of a misspelled field must not pass for want of records */
	for (i = 0; i < dp->nchk; i++)
		field_of(dp, dp->chk[i].path);
}

struct mlw_profile *
mlw_profile_new(const struct mlw_profile_opts *o)
{
	struct mlw_profile *dp = mlw_xcalloc(1, sizeof *dp);

	dp->o = *o;
	dp->seg = o->seg;
	dp->absent.complete = 1;
	mlw_prof_checks_setup(dp);
	if (o->ref) {
		mlw_prof_load_ref(dp, o->ref);
		dp->rp = dp->whole;
	}
	setup_fields(dp);
	if (o->emit || o->merge)
		dp->hash = dp_hash(dp);
	return dp;
}

void
mlw_prof_refprof_free(struct refprof *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->names.n; i++)
		mlw_strmap_free(&rp->refs[i].set);
	free(rp->refs);
	mlw_strmap_free(&rp->names);
	free(rp);
}

void
mlw_profile_free(struct mlw_profile *dp)
{
	size_t i;

	if (dp == NULL)
		return;
	for (i = 0; i < dp->nsub; i++)
		mlw_profile_free(dp->sub[i]);
	free(dp->sub);
	mlw_prof_refprof_free(dp->whole);
	for (i = 0; i < dp->npart; i++)
		mlw_prof_refprof_free(dp->part[i]);
	free(dp->part);
	win_clear(&dp->batch);
	for (i = 0; i < dp->nf; i++)
		mlw_path_free(&dp->f[i].path);
	free(dp->f);
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
	if (!dp->is_sub)
		mlw_prof_checks_free(dp);
	free(dp);
}
