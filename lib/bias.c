#include "bias.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "fair.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "metrics.h"
#include "out.h"
#include "seg.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"

/* A window: its groups in order of first appearance, and their counts. */
struct wstate {
	struct mlw_strmap names;
	struct mlw_fair_counts *g;
	size_t cap;
};

struct ctx {
	const char *group, *ref;
	struct mlw_seg *seg;     /* --by, or NULL */
	struct mlw_buf out, where;
	struct mlw_msgkind nopos, noneg, nopred, allzero, noref, refzero, one;
};

/* A window's state: a struct wstate, or with --by a struct mlw_segwin
 * holding one per segment. */
static void
wstate_free(void *state)
{
	struct wstate *w = state;

	mlw_strmap_free(&w->names);
	free(w->g);
}

static void
reset(void *state, void *arg)
{
	struct ctx *c = arg;
	struct wstate *w = state;

	if (c->seg)
		mlw_segwin_clear(state, wstate_free);
	else
		mlw_strmap_free(&w->names);
}

static void
destroy(void *state, void *arg)
{
	struct ctx *c = arg;

	if (c->seg)
		mlw_segwin_free(state, wstate_free);
	else
		wstate_free(state);
}

/* Report a reason for nulls once per kind for the whole run. */
#define ONCE(k, ...) do { \
	if ((k)->n == 0) \
		mlw_msg((k), NULL, 0, __VA_ARGS__); \
} while (0)

static void
num(struct mlw_buf *b, const char *key, double x)
{
	mlw_jw_key(b, key);
	mlw_jw_num(b, x);
}

/* Begin a record in c->out: the window, the segment (with --by), the
 * group path. */
static void
begin(struct ctx *c, const struct mlw_wkey *key, size_t segid)
{
	struct mlw_buf *b = &c->out;

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_wkey_write(b, key);
	if (c->seg)
		mlw_seg_members(b, c->seg, segid);
	mlw_jw_key(b, "group");
	mlw_jw_str(b, c->group, strlen(c->group));
}

/* The records of one window (and segment segid, with --by). */
static void
report_groups(struct ctx *c, const struct mlw_wkey *key, struct wstate *w,
    size_t segid)
{
	struct mlw_buf *b = &c->out;
	struct mlw_fair_summary s;
	struct mlw_fair_pair p;
	size_t i, k = w->names.n;
	long ref;

	if (k == 0)
		return;
	c->where.len = 0;
	if (key->has) {
		mlw_buf_adds(&c->where, "window ");
		mlw_buf_add(&c->where, key->start, key->slen);
	} else
		mlw_buf_adds(&c->where, "batch");
	if (c->seg) {
		const struct mlw_strent *e = &c->seg->keys.ent[segid];

		mlw_buf_adds(&c->where, ", segment ");
		mlw_key_display(&c->where, e->s, e->len, c->seg->by);
	}
	mlw_buf_addc(&c->where, '\0');
	for (i = 0; i < k; i++) {
		const struct mlw_fair_counts *g = &w->g[i];
		const struct mlw_strent *e = &w->names.ent[i];

		begin(c, key, segid);
		mlw_jw_key(b, "value");
		mlw_jw_str(b, e->s, e->len);
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, mlw_fair_n(g));
		num(b, "selection_rate", mlw_fair_selection_rate(g));
		num(b, "tpr", mlw_fair_tpr(g));
		num(b, "fpr", mlw_fair_fpr(g));
		num(b, "precision", mlw_fair_precision(g));
		num(b, "accuracy", mlw_fair_accuracy(g));
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
		if (isnan(mlw_fair_tpr(g)))
			ONCE(&c->nopos, "%s: group %.*s has no positive "
			    "labels; its tpr is null, and so are the "
			    "equal_opportunity_difference, the "
			    "equalized_odds_difference and its tpr_difference",
			    c->where.p, (int)e->len, e->s);
		if (isnan(mlw_fair_fpr(g)))
			ONCE(&c->noneg, "%s: group %.*s has no negative "
			    "labels; its fpr is null, and so are the "
			    "equalized_odds_difference and its fpr_difference",
			    c->where.p, (int)e->len, e->s);
		if (isnan(mlw_fair_precision(g)))
			ONCE(&c->nopred, "%s: group %.*s has no positive "
			    "predictions; its precision is null", c->where.p,
			    (int)e->len, e->s);
	}

	if (c->ref)
		ref = mlw_strmap_find(&w->names, c->ref, strlen(c->ref));
	else
		ref = (long)mlw_fair_largest(w->g, k);
	mlw_fair_summarize(w->g, k, ref, &s);
	if (s.nulls & MLW_FAIR_ALL_ZERO)
		ONCE(&c->allzero, "%s: no group has a positive "
		    "prediction; demographic_parity_ratio is null", c->where.p);
	if (s.nulls & MLW_FAIR_NO_REF)
		ONCE(&c->noref, "%s: reference group %s is not in the "
		    "window; disparate_impact and the pairwise values are null",
		    c->where.p, c->ref);
	else if (s.nulls & MLW_FAIR_ONE_GROUP)
		ONCE(&c->one, "%s: only one group, %.*s; "
		    "disparate_impact is null", c->where.p,
		    (int)w->names.ent[0].len, w->names.ent[0].s);
	else if (s.nulls & MLW_FAIR_REF_ZERO)
		ONCE(&c->refzero, "%s: reference group %.*s has no "
		    "positive predictions; disparate_impact is null",
		    c->where.p, (int)w->names.ent[ref].len,
		    w->names.ent[ref].s);

	begin(c, key, segid);
	mlw_jw_key(b, "reference");
	if (ref >= 0)
		mlw_jw_str(b, w->names.ent[ref].s, w->names.ent[ref].len);
	else
		mlw_jw_str(b, c->ref, strlen(c->ref));
	mlw_jw_key(b, "groups");
	mlw_jw_uint(b, k);
	num(b, "demographic_parity_difference", s.dpd);
	num(b, "demographic_parity_ratio", s.dpr);
	num(b, "disparate_impact", s.di);
	mlw_jw_key(b, "disparate_impact_flag");
	mlw_buf_adds(b, s.di_flag ? "true" : "false");
	num(b, "equal_opportunity_difference", s.eod);
	num(b, "equalized_odds_difference", s.eqodds);
	mlw_jw_key(b, "pairwise");
	mlw_jw_open(b, '[');
	for (i = 0; i < k; i++) {
		const struct mlw_strent *e = &w->names.ent[i];

		if ((long)i == ref)
			continue;
		if (ref >= 0)
			mlw_fair_pair(&w->g[i], &w->g[ref], &p);
		else
			p.sr_diff = p.di = p.tpr_diff = p.fpr_diff = NAN;
		mlw_jw_sep(b);
		mlw_jw_open(b, '{');
		mlw_jw_key(b, "value");
		mlw_jw_str(b, e->s, e->len);
		num(b, "selection_rate_difference", p.sr_diff);
		num(b, "disparate_impact", p.di);
		num(b, "tpr_difference", p.tpr_diff);
		num(b, "fpr_difference", p.fpr_diff);
		mlw_jw_close(b, '}');
	}
	mlw_jw_close(b, ']');
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
}

static void
report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct ctx *c = arg;

	if (c->seg) {
		struct mlw_segwin *sw = state;
		size_t i;

		/* every segment the window saw, in the order it saw them */
		for (i = 0; i < sw->n; i++)
			report_groups(c, key, sw->state[i], sw->ids[i]);
	} else
		report_groups(c, key, state, 0);
	mlw_out_flush();
}

/* The raw text of token i, cut to 40 bytes, for messages. */
#define RAW(doc, i) (int)((doc)->tok[i].len > 40 ? 40 : (doc)->tok[i].len), \
	(doc)->src + (doc)->tok[i].start

static void
skipped(uint64_t n, const char *what, const char *path)
{
	if (n)
		mlw_warnx("%llu record%s without %s %s skipped",
		    (unsigned long long)n, n == 1 ? "" : "s", what, path);
}

void
mlw_bias_run(const struct mlw_bias_opts *o, struct mlw_seg *seg,
    struct mlw_input *in)
{
	static struct ctx c;	/* its messages are counted until mlw_finish */
	struct mlw_path gpath, label, pred;
	uint64_t nogroup = 0, nolabel = 0, nopred = 0;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	struct mlw_buf gv = { 0 }, tmp = { 0 };

	memset(&c, 0, sizeof c);
	memset(&doc, 0, sizeof doc);
	c.group = o->group;
	c.ref = o->ref;
	c.nopos.what = "groups without positive labels";
	c.noneg.what = "groups without negative labels";
	c.nopred.what = "groups without positive predictions";
	c.allzero.what = "windows without positive predictions";
	c.noref.what = "windows without the reference group";
	c.refzero.what = "reference groups without positive predictions";
	c.one.what = "windows with one group";
	if (mlw_path_parse(&gpath, o->group) < 0 ||
	    mlw_path_parse(&label, o->label) < 0 ||
	    mlw_path_parse(&pred, o->pred ? o->pred : o->score) < 0)
		mlw_fatal("invalid path");
	c.seg = seg;
	tab = mlw_wtab_new(seg ? sizeof(struct mlw_segwin) :
	    sizeof(struct wstate), reset, report, &c);
	mlw_wtab_set_destroy(tab, destroy);

	while (mlw_record_next(in, &ln, &doc)) {
		long gi, li, pi;
		int y = 0, p = 0;
		double s;
		struct wstate *w;
		size_t k;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		gi = mlw_json_get(&doc, 0, &gpath);
		li = mlw_json_get(&doc, 0, &label);
		pi = mlw_json_get(&doc, 0, &pred);
		/* every value present must have the right type ... */
		if (!mlw_json_missing(&doc, gi) &&
		    mlw_key_category(&gv, &doc, gi) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: expected a string, number or boolean, found %s",
			    c.group, mlw_json_typename(doc.tok[gi].type));
			continue;
		}
		if (!mlw_json_missing(&doc, li) &&
		    (y = mlw_binary_class(o->positive, &doc, li, &tmp)) < 0) {
			if (y == -1)
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: expected a string, number or boolean, "
				    "found %s", o->label,
				    mlw_json_typename(doc.tok[li].type));
			else
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: expected 0/1 or true/false (or name the "
				    "positive class with --positive), found %.*s",
				    o->label, RAW(&doc, li));
			continue;
		}
		if (!mlw_json_missing(&doc, pi)) {
			if (o->score) {
				if (doc.tok[pi].type != MLW_JNUM ||
				    mlw_json_num(&doc, (uint32_t)pi, &s) < 0) {
					mlw_reject(ln.file, ln.lineno, ln.p,
					    ln.rawlen, "%s: expected a finite "
					    "number, found %.*s", o->score,
					    RAW(&doc, pi));
					continue;
				}
				p = mlw_score_class(s, o->threshold);
			} else if ((p = mlw_binary_class(o->positive, &doc, pi,
			    &tmp)) < 0) {
				if (p == -1)
					mlw_reject(ln.file, ln.lineno, ln.p,
					    ln.rawlen, "%s: expected a string, "
					    "number or boolean, found %s", o->pred,
					    mlw_json_typename(doc.tok[pi].type));
				else
					mlw_reject(ln.file, ln.lineno, ln.p,
					    ln.rawlen, "%s: expected 0/1 or "
					    "true/false (or name the positive "
					    "class with --positive), found %.*s",
					    o->pred, RAW(&doc, pi));
				continue;
			}
		}
		if (seg && mlw_seg_key(seg, &doc, &ln) < 0)
			continue;
		/* ... and a record missing one of them is skipped */
		if (mlw_json_missing(&doc, gi)) {
			nogroup++;
			continue;
		}
		if (mlw_json_missing(&doc, li)) {
			nolabel++;
			continue;
		}
		if (mlw_json_missing(&doc, pi)) {
			nopred++;
			continue;
		}
		w = mlw_wtab_open(tab, &key);
		if (seg)
			w = mlw_segwin_get((struct mlw_segwin *)w,
			    (size_t)mlw_seg_id(seg, &ln, 1), sizeof *w);
		if (mlw_strmap_find(&w->names, gv.p, gv.len) < 0) {
			if (w->names.n >= MLW_FAIR_MAX_GROUPS)
				mlw_fatal("%s:%llu: %s: more than %d groups in "
				    "one window", ln.file,
				    (unsigned long long)ln.lineno, c.group,
				    MLW_FAIR_MAX_GROUPS);
			if (w->names.n >= w->cap) {
				size_t nc = w->cap ? w->cap * 2 : 8;

				if (nc > MLW_FAIR_MAX_GROUPS)
					nc = MLW_FAIR_MAX_GROUPS;
				w->g = mlw_xrealloc(w->g, nc * sizeof *w->g);
				w->cap = nc;
			}
			k = mlw_strmap_add(&w->names, gv.p, gv.len);
			memset(&w->g[k], 0, sizeof w->g[k]);
		} else
			k = (size_t)mlw_strmap_find(&w->names, gv.p, gv.len);
		mlw_fair_add(&w->g[k], y, p);
	}
	mlw_wtab_close_all(tab);
	if (seg)
		mlw_seg_warn(seg, mlw_seg_count(seg));
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
	mlw_buf_free(&c.out);
	mlw_buf_free(&c.where);
	mlw_buf_free(&gv);
	mlw_buf_free(&tmp);
	mlw_path_free(&gpath);
	mlw_path_free(&label);
	mlw_path_free(&pred);
	skipped(nogroup, "group", c.group);
	skipped(nolabel, "label", o->label);
	skipped(nopred, o->pred ? "prediction" : "score",
	    o->pred ? o->pred : o->score);
}
