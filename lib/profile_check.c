/* profile_check: what data tests need of mlw-profile (issue 21): per
 * window and field, the strings matching a POSIX extended regular
 * expression (--match), the values outside an allowed set (--allowed) and
 * the duplicate keys (--unique). Every count merges exactly: the states
 * carry the counts, the offending values kept (those of the smallest
 * hashes, a set that does not depend on the shards) and the distinct keys
 * or their HyperLogLog registers. */
#include "profile_priv.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "opt.h"
#include "sketch.h"
#include "strmap.h"
#include "xalloc.h"

/* ---------------- options ---------------- */

/* The position of the first '=' of arg not after a backslash, or NULL. */
static const char *
unescaped_eq(const char *arg)
{
	const char *p;

	for (p = arg; *p; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '=')
			return p;
	}
	return NULL;
}

static void
check_path(const char *opt, const char *path)
{
	struct mlw_path p;

	if (mlw_path_parse(&p, path) < 0)
		mlw_opt_error("%s: %s, found '%s'", opt, MLW_PATH_EXPECTED, path);
	mlw_path_free(&p);
}

/* The data tests of path, made when new. */
static struct chk *
chk_at(struct mlw_profile *dp, const char *opt, const char *path)
{
	struct mlw_profile_opts *o = &dp->o;
	struct chk *c;
	size_t i;

	check_path(opt, path);
	for (i = 0; i < dp->nchk; i++)
		if (strcmp(dp->chk[i].path, path) == 0)
			return &dp->chk[i];
	if (o->nfields) {
		for (i = 0; i < o->nfields; i++)
			if (strcmp(o->fields[i], path) == 0)
				break;
		if (i == o->nfields)
			mlw_opt_error("%s: %s is not one of --fields", opt, path);
	}
	dp->chk = mlw_xrealloc(dp->chk, (dp->nchk + 1) * sizeof *dp->chk);
	c = &dp->chk[dp->nchk++];
	memset(c, 0, sizeof *c);
	c->path = mlw_xstrdup(path);
	return c;
}

static int
num_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The entries of "a,b,c" into c's set: commas split, except after a
 * backslash ("\," is a comma, "\\" a backslash); entries are kept as
 * they are, spaces too; an entry that reads as a decimal number is also
 * a number. */
static void
read_set(struct chk *c, const char *list)
{
	size_t n = strlen(list), i, len = 0;
	char *e = mlw_xmalloc(n + 1);
	double d;

	for (i = 0; ; i++) {
		if (list[i] == '\\' && list[i + 1] != '\0') {
			e[len++] = list[++i];
			continue;
		}
		if (list[i] != ',' && list[i] != '\0') {
			e[len++] = list[i];
			continue;
		}
		e[len] = '\0';
		mlw_strmap_add(&c->set, e, len);
		if (len && mlw_num_strict(e, &d) == 0) {
			c->nums = mlw_xrealloc(c->nums, (c->nnums + 1) *
			    sizeof *c->nums);
			c->nums[c->nnums++] = d == 0 ? 0.0 : d;
		}
		len = 0;
		if (list[i] == '\0')
			break;
	}
	free(e);
	if (c->nnums > 1)
		qsort(c->nums, c->nnums, sizeof *c->nums, num_cmp);
}

void
mlw_prof_checks_setup(struct mlw_profile *dp)
{
	const struct mlw_profile_opts *o = &dp->o;
	size_t i;

	for (i = 0; i < o->nmatch; i++) {
		const char *arg = o->match[i], *eq = unescaped_eq(arg);
		char *path, msg[256];
		struct chk *c;
		int e;

		if (eq == NULL || eq == arg || eq[1] == '\0')
			mlw_opt_bad("--match", "PATH=ERE", arg);
		path = mlw_xstrndup(arg, (size_t)(eq - arg));
		c = chk_at(dp, "--match", path);
		if (c->ere)
			mlw_opt_error("--match: %s is given twice", path);
		if ((e = regcomp(&c->re, eq + 1, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(e, &c->re, msg, sizeof msg);
			mlw_opt_error("--match: %s: bad extended regular "
			    "expression '%s': %s", path, eq + 1, msg);
		}
		c->ere = mlw_xstrdup(eq + 1);
		free(path);
	}
	for (i = 0; i < o->nallowed; i++) {
		const char *arg = o->allowed[i], *eq = unescaped_eq(arg);
		char *path;
		struct chk *c;

		if (eq == NULL || eq == arg)
			mlw_opt_bad("--allowed", "PATH=VALUE,VALUE...", arg);
		path = mlw_xstrndup(arg, (size_t)(eq - arg));
		if (eq[1] == '\0')
			mlw_opt_error("--allowed: %s: the set is empty (expected "
			    "PATH=VALUE,VALUE...)", path);
		c = chk_at(dp, "--allowed", path);
		if (c->has_set)
			mlw_opt_error("--allowed: %s is given twice", path);
		c->has_set = 1;
		read_set(c, eq + 1);
		free(path);
	}
	for (i = 0; i < o->nunique; i++) {
		struct chk *c = chk_at(dp, "--unique", o->unique[i]);

		if (c->unique)
			mlw_opt_error("--unique: %s is given twice",
			    o->unique[i]);
		c->unique = 1;
	}
}

void
mlw_prof_checks_free(struct mlw_profile *dp)
{
	size_t i;

	for (i = 0; i < dp->nchk; i++) {
		struct chk *c = &dp->chk[i];

		if (c->ere) {
			regfree(&c->re);
			free(c->ere);
		}
		mlw_strmap_free(&c->set);
		free(c->nums);
		free(c->path);
	}
	free(dp->chk);
	dp->chk = NULL;
	dp->nchk = 0;
}

const struct chk *
mlw_prof_check_of(const struct mlw_profile *dp, const char *text)
{
	size_t i;

	for (i = 0; i < dp->nchk; i++)
		if (strcmp(dp->chk[i].path, text) == 0)
			return &dp->chk[i];
	return NULL;
}

uint64_t
mlw_prof_checks_hash(uint64_t h, const struct mlw_profile *dp)
{
	size_t i, k;

	if (dp->nchk == 0)
		return h;
	h = mlw_hash_u64(h, dp->nchk);
	for (i = 0; i < dp->nchk; i++) {
		const struct chk *c = &dp->chk[i];

		h = mlw_hash_str(h, c->path);
		h = mlw_hash_u64(h, c->ere != NULL);
		if (c->ere)
			h = mlw_hash_str(h, c->ere);
		h = mlw_hash_u64(h, (uint64_t)c->has_set);
		h = mlw_hash_u64(h, c->set.n);
		for (k = 0; k < c->set.n; k++) {
			h = mlw_hash_u64(h, c->set.ent[k].len);
			h = mlw_hash_bytes(h, c->set.ent[k].s, c->set.ent[k].len);
		}
		h = mlw_hash_u64(h, (uint64_t)c->unique);
	}
	return h;
}

/* ---------------- counting ---------------- */

size_t
mlw_prof_num_key(double x, char *k)
{
	if (x == 0)
		x = 0.0;
	k[0] = 'n';
	memcpy(k + 1, &x, sizeof x);
	return 1 + sizeof x;
}

static double
key_num(const char *k)
{
	double x;

	memcpy(&x, k + 1, sizeof x);
	return x;
}

/* Whether the value of type ty and key k is in c's set: a string by its
 * text, a boolean by its text (true, false), a number by its value. */
static int
allowed(const struct chk *c, int ty, const char *k, size_t len)
{
	size_t lo = 0, hi = c->nnums;
	double x;

	switch (ty) {
	case T_STR:
	case T_BOOL:
		return mlw_strmap_find(&c->set, k + 1, len - 1) >= 0;
	case T_NUM:
		x = key_num(k);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (c->nums[mid] == x)
				return 1;
			if (c->nums[mid] < x)
				lo = mid + 1;
			else
				hi = mid;
		}
		return 0;
	default:
		return 0;
	}
}

void
mlw_prof_check_value(struct acc *a, const struct chk *c, int ty,
    const char *k, size_t len)
{
	if (c->ere && ty == T_STR && regexec(&c->re, k + 1, 0, NULL, 0) == 0)
		a->nmatch++;
	if (c->has_set && !allowed(c, ty, k, len)) {
		a->notallowed++;
		if (k)
			mlw_prof_nav_add(a, k, len, 1);
	}
	if (c->unique && k)
		mlw_prof_ukey_add(a, k, len);
}

/* The order of the kept offending values: by hash, then bytes. */
static int
nav_cmp(uint64_t h, const char *k, size_t len, const struct naent *e)
{
	size_t n = len < e->len ? len : e->len;
	int c;

	if (h != e->hash)
		return h < e->hash ? -1 : 1;
	if ((c = memcmp(k, e->k, n)) != 0)
		return c;
	return (len > e->len) - (len < e->len);
}

void
mlw_prof_nav_cut(struct acc *a, uint64_t cut)
{
	while (a->nnav > 0 && a->nav[a->nnav - 1].hash >= cut) {
		struct naent *e = &a->nav[--a->nnav];

		a->navbytes -= e->len;
		free(e->k);
	}
	if (!a->navcut_set || cut < a->navcut) {
		a->navcut = cut;
		a->navcut_set = 1;
	}
}

/* The values kept are those whose hash is below the cut: the longest run
 * of the offending values in hash order, values of one hash together,
 * that fits in MLW_PROFILE_NAV values and MLW_PROFILE_NAVBYTES bytes. That
 * run depends only on the set of offending values, so each shard keeps
 * every value of the whole log's run that it saw, with its count, and the
 * merge keeps the single pass's. */
void
mlw_prof_nav_add(struct acc *a, const char *k, size_t len, uint64_t c)
{
	uint64_t h = mlw_hash64(k, len);
	size_t lo = 0, hi = a->nnav;
	struct naent *e;

	if (a->navcut_set && h >= a->navcut)
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = nav_cmp(h, k, len, &a->nav[mid]);

		if (r == 0) {
			a->nav[mid].count += c;
			return;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (a->nnav == a->navcap) {
		a->navcap = a->navcap ? a->navcap * 2 : 8;
		a->nav = mlw_xrealloc(a->nav, a->navcap * sizeof *a->nav);
	}
	memmove(a->nav + lo + 1, a->nav + lo, (a->nnav - lo) * sizeof *a->nav);
	e = &a->nav[lo];
	e->hash = h;
	e->k = mlw_xmalloc(len ? len : 1);
	memcpy(e->k, k, len);
	e->len = len;
	e->count = c;
	a->nnav++;
	a->navbytes += len;
	while (a->nnav > MLW_PROFILE_NAV || a->navbytes > MLW_PROFILE_NAVBYTES)
		mlw_prof_nav_cut(a, a->nav[a->nnav - 1].hash);
}

void
mlw_prof_to_uhll(struct acc *a)
{
	size_t i;

	a->uhll = mlw_xcalloc(1, sizeof *a->uhll);
	mlw_hll_init(a->uhll);
	for (i = 0; i < a->ukeys.n; i++)
		mlw_hll_add_hash(a->uhll, mlw_hash64(a->ukeys.ent[i].s,
		    a->ukeys.ent[i].len));
	mlw_strmap_free(&a->ukeys);
	memset(&a->ukeys, 0, sizeof a->ukeys);
	a->ubytes = 0;
}

/* Exact while the distinct keys are at most MLW_PROFILE_UNIQUE and
 * MLW_PROFILE_UNIQUEBYTES bytes: a condition on the set of keys alone, so
 * that shards and their merge give up the table in the same cases, and the
 * registers are those of every key, whatever the shards. */
void
mlw_prof_ukey_add(struct acc *a, const char *k, size_t len)
{
	size_t n;

	if (a->uhll == NULL) {
		n = a->ukeys.n;
		if (mlw_strmap_add(&a->ukeys, k, len) < n)
			return;
		a->ubytes += len;
		if (a->ukeys.n <= MLW_PROFILE_UNIQUE &&
		    a->ubytes <= MLW_PROFILE_UNIQUEBYTES)
			return;
		mlw_prof_to_uhll(a);
		return;
	}
	mlw_hll_add_hash(a->uhll, mlw_hash64(k, len));
}

void
mlw_prof_check_acc_free(struct acc *a)
{
	size_t i;

	for (i = 0; i < a->nnav; i++)
		free(a->nav[i].k);
	free(a->nav);
	mlw_strmap_free(&a->ukeys);
	free(a->uhll);
}

/* ---------------- output ---------------- */

void
mlw_prof_write_ckey(struct mlw_buf *b, const char *k, size_t len)
{
	if (k[0] == 'n')
		mlw_jw_num(b, key_num(k));
	else
		mlw_prof_write_key_value(b, k, len);
}

static const struct acc *sort_nav;

/* By count, highest first; then booleans (false, true), numbers by value,
 * strings by their bytes. */
static int
nav_out_cmp(const void *x, const void *y)
{
	const struct naent *a = &sort_nav->nav[*(const size_t *)x];
	const struct naent *b = &sort_nav->nav[*(const size_t *)y];
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->k[0] != b->k[0])
		return a->k[0] < b->k[0] ? -1 : 1;
	if (a->k[0] == 'n') {
		double p = key_num(a->k), q = key_num(b->k);

		return (p > q) - (p < q);
	}
	if ((c = memcmp(a->k, b->k, n)) != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static void
write_nav(struct mlw_profile *dp, struct mlw_buf *b, const struct acc *a)
{
	size_t *idx = mlw_xcalloc(a->nnav ? a->nnav : 1, sizeof *idx), i;

	for (i = 0; i < a->nnav; i++)
		idx[i] = i;
	sort_nav = a;
	if (a->nnav > 1)
		qsort(idx, a->nnav, sizeof *idx, nav_out_cmp);
	mlw_jw_open(b, '[');
	for (i = 0; i < a->nnav && i < dp->o.top; i++) {
		const struct naent *e = &a->nav[idx[i]];

		mlw_jw_sep(b);
		mlw_jw_open(b, '{');
		mlw_jw_key(b, "value");
		mlw_prof_write_ckey(b, e->k, e->len);
		mlw_jw_key(b, "count");
		mlw_jw_uint(b, e->count);
		mlw_jw_close(b, '}');
	}
	mlw_jw_close(b, ']');
	free(idx);
}

void
mlw_prof_write_checks(struct mlw_profile *dp, struct mlw_buf *b,
    const struct acc *a, const struct chk *c)
{
	uint64_t nv = a->nval;
	uint64_t nk = a->type[T_NUM] + a->type[T_STR] + a->type[T_BOOL];

	if (c == NULL)
		return;
	if (c->ere) {
		mlw_jw_key(b, "match");
		mlw_jw_str(b, c->ere, strlen(c->ere));
		mlw_jw_key(b, "match_count");
		mlw_jw_uint(b, a->nmatch);
		mlw_jw_key(b, "match_share");
		if (nv)
			mlw_jw_num(b, (double)a->nmatch / (double)nv);
		else
			mlw_jw_null(b);
		mlw_jw_key(b, "mismatch_count");
		mlw_jw_uint(b, nv - a->nmatch);
	}
	if (c->has_set) {
		mlw_jw_key(b, "not_allowed");
		mlw_jw_uint(b, a->notallowed);
		mlw_jw_key(b, "not_allowed_share");
		mlw_jw_num(b, nv ? (double)a->notallowed / (double)nv : 0);
		mlw_jw_key(b, "not_allowed_values");
		write_nav(dp, b, a);
	}
	if (c->unique) {
		double d = (double)a->ukeys.n;

		if (a->uhll) {
			d = floor(mlw_hll_estimate(a->uhll) + 0.5);
			if (d > (double)nk)
				d = (double)nk;
		}
		mlw_jw_key(b, "duplicates");
		mlw_jw_uint(b, nk - (uint64_t)d);
		mlw_jw_key(b, "duplicates_exact");
		mlw_buf_adds(b, a->uhll ? "false" : "true");
		mlw_jw_key(b, "duplicates_error");
		mlw_jw_num(b, a->uhll ? 1.04 / sqrt((double)MLW_HLL_M) * d : 0);
		mlw_jw_key(b, "unique_share");
		if (nk)
			mlw_jw_num(b, d / (double)nk);
		else
			mlw_jw_null(b);
	}
}
