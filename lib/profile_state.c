#include "profile_priv.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "out.h"
#include "profile.h"
#include "seg.h"
#include "sketch.h"
#include "state.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"
#include "xsum.h"

/* ---------------- partial states (--emit-state, --merge) ---------------- */

/* A state record is cut after this many bytes and continued in another
 * record of the same window and field (the lines must stay readable). */
#define CHUNK (MLW_LINE_MAX / 2)
/* The member of a state's segment values (--by): "values" holds a
 * field's kept numbers here. */
#define SEG_VALUES "segment_values"

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
	if (dp->is_sub)
		mlw_seg_state_members(b, dp->seg, dp->segid,
		    SEG_VALUES);
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

/* The data tests' kept values (profile_check.c): the cut and the
 * offending values of --allowed, the distinct keys of --unique or their
 * registers. */
static void
emit_checks(struct mlw_profile *dp, const struct mlw_wkey *key, size_t fi,
    const struct acc *a)
{
	struct mlw_buf *b = &dp->out;
	size_t k;

	if (a->navcut_set) {
		mlw_jw_key(b, "navcut");
		mlw_jw_uint(b, a->navcut);
	}
	if (a->nnav) {
		mlw_jw_key(b, "nav");
		mlw_jw_open(b, '[');
		for (k = 0; k < a->nnav; k++) {
			state_room(dp, key, fi, "nav");
			mlw_jw_sep(b);
			mlw_jw_open(b, '[');
			mlw_jw_sep(b);
			mlw_prof_write_ckey(b, a->nav[k].k, a->nav[k].len);
			mlw_jw_sep(b);
			mlw_jw_uint(b, a->nav[k].count);
			mlw_jw_close(b, ']');
		}
		mlw_jw_close(b, ']');
	}
	if (a->uhll) {
		mlw_jw_key(b, "uhll");
		mlw_hll_write(b, a->uhll);
	}
	if (a->ukeys.n) {
		mlw_jw_key(b, "ukeys");
		mlw_jw_open(b, '[');
		for (k = 0; k < a->ukeys.n; k++) {
			state_room(dp, key, fi, "ukeys");
			mlw_jw_sep(b);
			mlw_prof_write_ckey(b, a->ukeys.ent[k].s,
			    a->ukeys.ent[k].len);
		}
		mlw_jw_close(b, ']');
	}
}

/* One window's states: per field one record with its counts, extremes,
 * exact sums and sketches, and its kept values and categories, continued
 * in more records when long. */
void
mlw_prof_emit_state(struct mlw_profile *dp, const struct mlw_wkey *key,
    struct win *w)
{
	struct mlw_buf *b = &dp->out;
	size_t i, k;

	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc && w->a[i] ? w->a[i] :
		    (struct acc *)(void *)&mlw_prof_zero_acc;
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
		if (dp->f[i].chk) {
			c[0] = a->nmatch;
			c[1] = a->notallowed;
			u64_array(b, "checks", c, 2);
		}
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
		if (a->kll) {
			mlw_jw_key(b, "kll");
			mlw_kll_write(b, a->kll);
		}
		if (a->nhll) {
			mlw_jw_key(b, "nhll");
			mlw_hll_write(b, a->nhll);
		}
		if (a->hll) {
			mlw_jw_key(b, "hll");
			mlw_hll_write(b, a->hll);
			mlw_jw_key(b, "ss");
			mlw_jw_open(b, '[');
			for (k = 0; k < a->ss->n; k++) {
				const struct mlw_ss_item *it = &a->ss->item[k];

				state_room(dp, key, i, "ss");
				mlw_jw_sep(b);
				mlw_jw_open(b, '[');
				mlw_jw_sep(b);
				mlw_prof_write_key_value(b, it->s, it->len);
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
				mlw_prof_write_key_value(b, a->cats.ent[k].s,
				    a->cats.ent[k].len);
				mlw_jw_sep(b);
				mlw_jw_uint(b, a->cc[k]);
				mlw_jw_close(b, ']');
			}
			mlw_jw_close(b, ']');
		}
		emit_checks(dp, key, i, a);
		mlw_state_emit(b);
	}
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

int
mlw_prof_member_num(const struct mlw_json *doc, uint32_t obj, const char *name,
    double *d)
{
	long t = mlw_json_member(doc, obj, name, strlen(name));

	return t >= 0 && doc->tok[t].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)t, d) == 0 ? 0 : -1;
}

/* Merge the KLL sketch written at token o into a's. */
static int
merge_kll(struct acc *a, const struct mlw_json *doc, uint32_t o)
{
	struct mlw_kll t;

	if (mlw_kll_read(&t, doc, o) < 0)
		return -1;
	if (a->kll == NULL)
		mlw_prof_to_kll(a, MLW_KLL_SEED);
	mlw_kll_merge(a->kll, &t);
	mlw_kll_free(&t);
	return 0;
}

/* The key of a data test's value at token t: a category's (read_key),
 * or a number's into nk; its length, or 0 when t is no such value. */
static size_t
read_ckey(struct mlw_profile *dp, const struct mlw_json *doc, uint32_t t,
    char *nk, const char **k)
{
	double d;

	if (doc->tok[t].type == MLW_JNUM) {
		if (mlw_json_num(doc, t, &d) < 0)
			return 0;
		*k = nk;
		return mlw_prof_num_key(d, nk);
	}
	if (read_key(dp, doc, t) < 0)
		return 0;
	*k = dp->key.p;
	return dp->key.len;
}

/* The data tests' members of a state record (emit_checks) into a. */
static int
merge_checks(struct mlw_profile *dp, const struct chk *ck, struct acc *a,
    const struct mlw_json *doc, const char **why)
{
	char nk[9];
	const char *k;
	size_t len;
	uint64_t u;
	uint32_t j;
	long t;

	if ((t = mlw_state_member(doc, "navcut")) >= 0) {
		*why = "navcut: expected a whole number, with --allowed";
		if (ck == NULL || !ck->has_set || mlw_state_word(doc, t, &u) < 0)
			return -1;
		mlw_prof_nav_cut(a, u);
	}
	if ((t = mlw_state_member(doc, "nav")) >= 0) {
		*why = "nav: expected [value, count] pairs, with --allowed";
		if (ck == NULL || !ck->has_set || doc->tok[t].type != MLW_JARR)
			return -1;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next) {
			uint32_t v = j + 1;

			if (doc->tok[j].type != MLW_JARR || v >= doc->tok[j].next ||
			    (len = read_ckey(dp, doc, v, nk, &k)) == 0 ||
			    doc->tok[v].next >= doc->tok[j].next ||
			    mlw_state_u64(doc, doc->tok[v].next, &u) < 0 ||
			    doc->tok[doc->tok[v].next].next != doc->tok[j].next)
				return -1;
			mlw_prof_nav_add(a, k, len, u);
		}
	}
	if ((t = mlw_state_member(doc, "uhll")) >= 0) {
		static struct mlw_hll h;

		*why = "uhll: expected 16384 registers in hexadecimal, with "
		    "--unique";
		if (ck == NULL || !ck->unique || mlw_hll_read(&h, doc, t) < 0)
			return -1;
		if (a->uhll == NULL)
			mlw_prof_to_uhll(a);
		mlw_hll_merge(a->uhll, &h);
	}
	if ((t = mlw_state_member(doc, "ukeys")) >= 0) {
		*why = "ukeys: expected an array of values, with --unique";
		if (ck == NULL || !ck->unique || doc->tok[t].type != MLW_JARR)
			return -1;
		for (j = (uint32_t)t + 1; j < doc->tok[t].next;
		    j = doc->tok[j].next) {
			if ((len = read_ckey(dp, doc, j, nk, &k)) == 0)
				return -1;
			mlw_prof_ukey_add(a, k, len);
		}
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
			if (mlw_prof_member_num(doc, 0, "min", &mn) < 0 ||
			    mlw_prof_member_num(doc, 0, "max", &mx) < 0 ||
			    mlw_xsum_read(&a->xs, doc,
			    mlw_state_member(doc, "sum")) < 0 ||
			    mlw_xsum_read(&a->xss, doc,
			    mlw_state_member(doc, "sumsq")) < 0)
				return -1;
			if (had == 0 || mlw_prof_before(mn, a->min))
				a->min = mn;
			if (had == 0 || mlw_prof_before(a->max, mx))
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
		if (dp->f[fi].chk) {
			*why = "checks: expected 2 counts, none above n";
			if (mlw_state_u64s(doc, mlw_state_member(doc, "checks"),
			    c, 2) < 0 || c[0] > c[5] || c[1] > c[5])
				return -1;
			a->nmatch += c[0];
			a->notallowed += c[1];
		}
		if ((t = mlw_state_member(doc, "kll")) >= 0) {
			*why = "kll: expected a sketch";
			if (merge_kll(a, doc, (uint32_t)t) < 0)
				return -1;
		}
		if ((t = mlw_state_member(doc, "nhll")) >= 0) {
			static struct mlw_hll h;

			*why = "nhll: expected 16384 registers in hexadecimal, "
			    "with a kll";
			if (a->nhll == NULL || mlw_hll_read(&h, doc, t) < 0)
				return -1;
			mlw_hll_merge(a->nhll, &h);
		}
		if ((t = mlw_state_member(doc, "hll")) >= 0) {
			static struct mlw_hll h;

			*why = "hll: expected 16384 registers in hexadecimal";
			if (mlw_hll_read(&h, doc, t) < 0)
				return -1;
			if (a->hll == NULL)
				mlw_prof_to_sketch(dp, a);
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
			mlw_prof_keep_value(dp, a, d);
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
				mlw_prof_count_key(dp, a, dp->key.p,
				    dp->key.len, c[0]);
		}
	}
	return merge_checks(dp, dp->f[fi].chk, a, doc, why);
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
	tab = mlw_prof_windows(dp);
	mlw_state_in_init(&r, PROG, dp->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		long fe = mlw_state_member(&doc, "feature"), fi = -1, id = 0;
		struct mlw_profile *s = dp;
		const char *why;
		struct win *w;

		if (dp->seg) {
			if (mlw_seg_state_key(dp->seg, &doc, SEG_VALUES,
			    &why) < 0) {
				mlw_state_reject(&r, &ln, "%s", why);
				continue;
			}
			id = mlw_seg_id(dp->seg, &ln, 1);
			if ((s = mlw_prof_sub(dp, (size_t)id)) == NULL) {
				mlw_state_reject(&r, &ln, "segment: a segment "
				    "with no part in the reference");
				continue;
			}
		}
		if (fe >= 0 && doc.tok[fe].type == MLW_JSTR) {
			if (doc.tok[fe].len > ncap) {
				ncap = doc.tok[fe].len;
				name = mlw_xrealloc(name, ncap);
			}
			fi = mlw_strmap_find(&s->names, name,
			    mlw_json_str(&doc, (uint32_t)fe, name,
			    doc.tok[fe].len));
		}
		if (fi < 0) {
			mlw_state_reject(&r, &ln, "feature: expected one of the "
			    "--fields");
			continue;
		}
		w = mlw_prof_win_of(dp, mlw_wtab_open(tab, &key), (size_t)id);
		if (merge_record(s, w, (size_t)fi,
		    mlw_prof_win_acc(w, (size_t)fi), &doc, &why) < 0)
			mlw_state_reject(&r, &ln, "%s: %s", s->f[fi].path.text,
			    why);
	}
	mlw_state_in_check(&r);
	mlw_wtab_close_all(tab);
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
	free(name);
}
