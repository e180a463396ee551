#include "profile_priv.h"
#include "psiref.h"
#include "seg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "profile.h"
#include "sketch.h"
#include "stats.h"
#include "strmap.h"
#include "xalloc.h"

#define PSI_TAG MLW_PSIREF_TAG
#define PSI_BINS 10

/* ---------------- saving ---------------- */

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
		mlw_jw_nums(b, e, ne);
		mlw_jw_key(b, "counts");
		uint_array(b, c, ne + 1, nn, 0);
		mlw_jw_key(b, "proportions");
		uint_array(b, c, ne + 1, nn, 1);
		if (a->ncat && complete) {
			psi_categories(a, &m, &cnt);
			mlw_jw_key(b, "category_set");
			mlw_jw_strs(b, &m);
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
		mlw_jw_strs(b, &m);
		mlw_jw_key(b, "counts");
		uint_array(b, cnt, m.n + 1, a->ncat, 0);
		mlw_jw_key(b, "proportions");
		uint_array(b, cnt, m.n + 1, a->ncat, 1);
	}
	mlw_jw_key(b, "categories_complete");
	mlw_buf_adds(b, complete ? "true" : "false");
	mlw_prof_write_stats(dp, b, a, nrec);
	mlw_prof_write_checks(dp, b, a, dp->f[fi].chk);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_strmap_free(&m);
	free(cnt);
}

/* The member "fields_without_values" of a profile's first line (or of a
 * segment's line): dp's fields with no number or category in its batch. */
static void
fields_without_values(struct mlw_profile *dp, struct mlw_buf *b)
{
	struct win *w = &dp->batch;
	size_t i;

	mlw_jw_key(b, "fields_without_values");
	mlw_jw_open(b, '[');
	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc ? w->a[i] : NULL;

		if (a && (a->type[T_NUM] || a->ncat))
			continue;
		mlw_jw_sep(b);
		mlw_jw_open(b, '{');
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, dp->f[i].path.text, strlen(dp->f[i].path.text));
		if (a == NULL)
			a = (struct acc *)(void *)&mlw_prof_zero_acc;
		mlw_prof_write_stats(dp, b, a, w->nrec);
		mlw_prof_write_checks(dp, b, a, dp->f[i].chk);
		mlw_jw_close(b, '}');
	}
	mlw_jw_close(b, ']');
}

/* The lines of dp's fields that have values. */
static void
field_lines(struct mlw_profile *dp, struct mlw_buf *b, struct mlw_buf *line,
    const char *path)
{
	struct win *w = &dp->batch;
	size_t i;

	for (i = 0; i < dp->nf; i++) {
		struct acc *a = i < w->nacc ? w->a[i] : NULL;

		if (a == NULL || (a->type[T_NUM] == 0 && a->ncat == 0))
			continue;
		line->len = 0;
		saved_line(dp, line, i, a, w->nrec, 1);
		if (line->len > MLW_LINE_MAX) {
			mlw_warnx("%s: %s: the category list is too long for a "
			    "profile line; saved without it", path,
			    dp->f[i].path.text);
			line->len = 0;
			saved_line(dp, line, i, a, w->nrec, 0);
		}
		mlw_buf_add(b, line->p, line->len);
	}
}

void
mlw_prof_write_saved(struct mlw_profile *dp, const char *path)
{
	struct mlw_buf b = { 0 }, line = { 0 };
	size_t i, k;
	int by = 0;

	/* with --by, the segments, unless the only one has no values (no
	 * record holds one: one profile serves every segment) */
	for (i = 0; dp->seg && i < dp->nsub; i++)
		if (dp->sub[i] && !mlw_seg_all_missing(dp->seg, i))
			by = 1;
	mlw_jw_open(&b, '{');
	mlw_jw_key(&b, "mlw");
	mlw_jw_str(&b, PSI_TAG, strlen(PSI_TAG));
	mlw_jw_key(&b, "version");
	mlw_jw_int(&b, 1);
	mlw_jw_key(&b, "records");
	mlw_jw_uint(&b, dp->batch.nrec);
	mlw_jw_key(&b, "profile_version");
	mlw_jw_int(&b, 1);
	if (by) {
		mlw_jw_key(&b, "by");
		mlw_jw_open(&b, '[');
		for (k = 0; k < dp->seg->nby; k++) {
			mlw_jw_sep(&b);
			mlw_jw_str(&b, dp->seg->by[k], strlen(dp->seg->by[k]));
		}
		mlw_jw_close(&b, ']');
	}
	fields_without_values(dp, &b);
	mlw_jw_close(&b, '}');
	mlw_buf_addc(&b, '\n');
	field_lines(dp, &b, &line, path);
	for (i = 0; by && i < dp->nsub; i++) {
		struct mlw_profile *s = dp->sub[i];

		if (s == NULL)
			continue;
		mlw_jw_open(&b, '{');
		mlw_jw_key(&b, "mlw");
		mlw_jw_str(&b, MLW_PSIREF_SEGMENT_TAG,
		    strlen(MLW_PSIREF_SEGMENT_TAG));
		mlw_seg_state_members(&b, dp->seg, i, MLW_SEG_VALUES);
		mlw_jw_key(&b, "records");
		mlw_jw_uint(&b, s->batch.nrec);
		fields_without_values(s, &b);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\n');
		field_lines(s, &b, &line, path);
	}
	if (mlw_write_atomic(path, b.p, b.len) < 0)
		mlw_fatal_errno("%s", path);
	mlw_buf_free(&b);
	mlw_buf_free(&line);
}

/* ---------------- references ---------------- */

static struct ref *
new_ref(struct refprof *rp, const char *text, size_t len)
{
	size_t i = mlw_strmap_add(&rp->names, text, len);

	if (i >= rp->cap) {
		size_t ncap = rp->cap ? rp->cap * 2 : 16;

		rp->refs = mlw_xrealloc(rp->refs, ncap * sizeof *rp->refs);
		memset(rp->refs + rp->cap, 0, (ncap - rp->cap) *
		    sizeof *rp->refs);
		rp->cap = ncap;
	}
	return &rp->refs[i];
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
read_field(struct refprof *rp, const struct mlw_json *doc, uint32_t obj,
    const struct mlw_line *ln)
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
	if (mlw_strmap_find(&rp->names, name, len) >= 0)
		bad_profile(ln, "repeated feature");
	r = new_ref(rp, name, len);
	free(name);
	if (mlw_prof_member_num(doc, obj, "count", &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected count (not saved by mlw-profile?)");
	r->records = (uint64_t)d;
	if (mlw_prof_member_num(doc, obj, "missing", &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected missing");
	r->missing = (uint64_t)d;
	for (k = 0; k < NT; k++) {
		if (mlw_prof_member_num(doc, obj, mlw_prof_tname[k], &d) < 0)
			bad_profile(ln, "expected the counts per type");
		r->seen[k] = d > 0;
	}
	if (mlw_prof_member_num(doc, obj, "min", &mn) == 0 &&
	    mlw_prof_member_num(doc, obj, "max", &mx) == 0) {
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

/* The records count of a profile's first line or segment line. */
static uint64_t
saved_records(const struct mlw_json *doc, const struct mlw_line *ln)
{
	double d;

	if (mlw_prof_member_num(doc, 0, "records", &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected records");
	return (uint64_t)d;
}

/* The fields of a part (the whole profile, or a segment's) into rp: those
 * of the line in doc (fields_without_values), then each line up to the
 * next segment line (1, doc holding it) or the end (0). */
static int
load_part(struct refprof *rp, struct mlw_input *in, struct mlw_json *doc,
    struct mlw_line *ln)
{
	long t = mlw_json_member(doc, 0, "fields_without_values", 21);
	uint32_t j;

	rp->records = saved_records(doc, ln);
	if (t < 0 || doc->tok[t].type != MLW_JARR)
		bad_profile(ln, "expected fields_without_values");
	for (j = (uint32_t)t + 1; j < doc->tok[t].next; j = doc->tok[j].next) {
		if (doc->tok[j].type != MLW_JOBJ)
			bad_profile(ln, "expected objects in "
			    "fields_without_values");
		read_field(rp, doc, j, ln);
	}
	while (mlw_input_next(in, ln)) {
		if (mlw_json_parse(doc, ln->p, ln->len) < 0)
			bad_profile(ln, doc->err);
		if (doc->tok[0].type != MLW_JOBJ)
			bad_profile(ln, "expected an object");
		t = mlw_json_member(doc, 0, "mlw", 3);
		if (t >= 0 && mlw_json_streq(doc, (uint32_t)t,
		    MLW_PSIREF_SEGMENT_TAG, strlen(MLW_PSIREF_SEGMENT_TAG)))
			return 1;
		read_field(rp, doc, 0, ln);
	}
	return 0;
}

static struct refprof *
part_at(struct mlw_profile *dp, size_t id)
{
	size_t i;

	if (id >= dp->npart) {
		size_t old = dp->npart;

		dp->part = mlw_grow(dp->part, &dp->npart, id + 1,
		    sizeof *dp->part);
		for (i = old; i < dp->npart; i++)
			dp->part[i] = NULL;
	}
	if (dp->part[id] == NULL)
		dp->part[id] = mlw_xcalloc(1, sizeof *dp->part[id]);
	return dp->part[id];
}

static void
load_saved(struct mlw_profile *dp, const char *path, struct mlw_input *in,
    struct mlw_json *doc, struct mlw_line *ln)
{
	struct mlw_seg *seg = dp->seg;
	double d;
	long by;
	size_t k = 0;
	uint32_t i;

	if (mlw_prof_member_num(doc, 0, "profile_version", &d) < 0 || d != 1)
		bad_profile(ln, "expected profile_version 1 (a profile saved "
		    "by mlw-profile --save)");
	by = mlw_json_member(doc, 0, "by", 2);
	if (by >= 0 && doc->tok[by].type != MLW_JARR)
		bad_profile(ln, "by: expected an array of paths");
	if (by >= 0 && seg) {
		/* the profile's --by must be this run's */
		for (i = (uint32_t)by + 1; i < doc->tok[by].next;
		    i = doc->tok[i].next, k++)
			if (k == seg->nby || !mlw_json_streq(doc, i, seg->by[k],
			    strlen(seg->by[k])))
				break;
		if (k != seg->nby || i != doc->tok[by].next)
			mlw_fatal("%s: the profile's segments are not those of "
			    "this --by (save it again with this --by)", path);
	}
	dp->whole = mlw_xcalloc(1, sizeof *dp->whole);
	if (!load_part(dp->whole, in, doc, ln))
		goto done;
	if (by < 0)
		bad_profile(ln, "a segment in a profile without by");
	/* without --by, the whole profile only */
	while (seg)
		if (!load_part(part_at(dp, mlw_psi_segment_id(seg, doc, ln)), in,
		    doc, ln))
			break;
done:
	dp->shared = seg && by < 0;
}

/* The reference of a profiled batch: what sub's batch says of each of its
 * fields. */
static struct refprof *
batch_ref(const struct mlw_profile *sub)
{
	struct refprof *rp = mlw_xcalloc(1, sizeof *rp);
	const struct win *w = &sub->batch;
	size_t i, k;

	rp->records = w->nrec;
	for (i = 0; i < sub->nf; i++) {
		const char *text = sub->f[i].path.text;
		struct acc *a = i < w->nacc && w->a[i] ? w->a[i] :
		    (struct acc *)(void *)&mlw_prof_zero_acc;
		struct ref *r = new_ref(rp, text, strlen(text));
		int t;

		r->records = w->nrec;
		r->missing = w->nrec - a->nval;
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
	return rp;
}

/* A reference of JSON Lines records: profile it as one batch (with --by,
 * each segment's records as a batch of their own too). */
static void
load_records(struct mlw_profile *dp, struct mlw_input *in, struct mlw_line *first)
{
	struct mlw_profile_opts o = dp->o;
	struct mlw_profile *sub;
	size_t i;

	o.ref = o.save = NULL;
	o.emit = o.merge = o.fallback = 0;
	o.nmatch = o.nallowed = o.nunique = 0;  /* the reference is not tested */
	sub = mlw_profile_new(&o);
	mlw_prof_run_batch(sub, in, first);
	dp->whole = batch_ref(sub);
	for (i = 0; i < sub->nsub; i++)
		if (sub->sub[i] != NULL && sub->sub[i]->batch.nrec > 0) {
			struct refprof *rp = batch_ref(sub->sub[i]);

			part_at(dp, i);
			free(dp->part[i]);
			dp->part[i] = rp;
		}
	/* no record holds a --by value: one reference for all */
	if (dp->seg && mlw_seg_count(dp->seg) == 1 &&
	    mlw_seg_all_missing(dp->seg, 0)) {
		mlw_prof_refprof_free(dp->part[0]);
		dp->part[0] = NULL;
		dp->shared = 1;
	}
	mlw_profile_free(sub);
}

void
mlw_prof_load_ref(struct mlw_profile *dp, const char *path)
{
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;

	memset(&doc, 0, sizeof doc);
	if (mlw_ref_open(path, &in, &ln, &doc))
		load_saved(dp, path, in, &doc, &ln);
	else
		load_records(dp, in, &ln);
	mlw_json_free(&doc);
	mlw_input_free(in);
}
