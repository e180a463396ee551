#include "metrics_stream.h"

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
#include "key.h"
#include "metrics.h"
#include "opt.h"
#include "out.h"
#include "state.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"

#define BINARY MLW_TASK_BINARY
#define MULTICLASS MLW_TASK_MULTICLASS
#define REGRESSION MLW_TASK_REGRESSION
const char *const mlw_task_names[] = {
	"binary", "multiclass", "regression", NULL
};

struct seg {
	uint64_t n;
	struct mlw_binacc bin;
	struct mlw_mcacc mc;
	struct mlw_regacc reg;
};

/* A window: segment 0 is "all" (the empty key), the others in order of
 * appearance, by their keys (lib/key.h). */
struct wstate {
	struct mlw_strmap names;
	struct seg *seg;
	size_t nseg, cap;
	uint64_t unlabeled;
};

struct ctx {
	int task, scores, bins;
	int cbins, cstrat;       /* --calibration-bins, --calibration-strategy */
	int curves;              /* --detail */
	int emit;                /* --emit-state */
	uint64_t hash;           /* of the options, for states */
	const char *positive;
	char **by;               /* the --by paths' texts, for display */
	size_t nby;
	struct mlw_buf out, key;
};

static void
reset(void *state, void *arg)
{
	struct wstate *w = state;
	size_t i;

	(void)arg;
	for (i = 0; i < w->nseg; i++) {
		w->seg[i].n = 0;
		mlw_bin_clear(&w->seg[i].bin);
		mlw_mc_clear(&w->seg[i].mc);
		mlw_reg_clear(&w->seg[i].reg);
	}
	mlw_strmap_free(&w->names);
	w->nseg = 0;
	w->unlabeled = 0;
}

static void
destroy(void *state, void *arg)
{
	struct wstate *w = state;
	size_t i;

	(void)arg;
	for (i = 0; i < w->cap; i++) {
		mlw_bin_free(&w->seg[i].bin);
		mlw_mc_free(&w->seg[i].mc);
	}
	free(w->seg);
	mlw_strmap_free(&w->names);
}

/* The segment of key (len bytes; "" for "all") in window w, or NULL when
 * it is new and the window holds --max-keys segments already. */
static struct seg *
segment(struct ctx *c, struct wstate *w, const char *name, size_t len)
{
	size_t k;

	/* "all" does not count against --max-keys */
	if (len && mlw_strmap_find(&w->names, name, len) < 0 &&
	    w->names.n > mlw_key_max())
		return NULL;
	k = mlw_strmap_add(&w->names, name, len);

	if (k >= w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 4, i;

		w->seg = mlw_xrealloc(w->seg, nc * sizeof *w->seg);
		for (i = w->cap; i < nc; i++) {
			memset(&w->seg[i], 0, sizeof w->seg[i]);
			mlw_bin_init(&w->seg[i].bin, c->bins);
			if (c->cbins > 0)
				mlw_bin_calibration(&w->seg[i].bin, c->cbins,
				    c->cstrat);
			w->seg[i].bin.curves = c->curves;
		}
		w->cap = nc;
	}
	if (k >= w->nseg)
		w->nseg = k + 1;
	return &w->seg[k];
}

/* The member "segment": "all", or the display text of segment i's key. */
static void
segment_name(struct ctx *c, struct mlw_buf *b, const struct wstate *w,
    size_t i)
{
	mlw_jw_key(b, "segment");
	if (i == 0) {
		mlw_jw_str(b, "all", 3);
		return;
	}
	c->key.len = 0;
	mlw_key_display(&c->key, w->names.ent[i].s, w->names.ent[i].len, c->by);
	mlw_jw_str(b, c->key.p, c->key.len);
}

static void
report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct ctx *c = arg;
	struct wstate *w = state;
	size_t i;

	for (i = 0; i < w->nseg; i++) {
		struct mlw_buf *b = &c->out;
		struct seg *s = &w->seg[i];

		if (c->emit) {
			/* one state per segment, in order of appearance */
			mlw_state_begin(b, "mlw-metrics", c->hash, key);
			segment_name(c, b, w, i);
			if (i > 0) {
				mlw_jw_key(b, "values");
				mlw_key_json_array(b, w->names.ent[i].s,
				    w->names.ent[i].len);
			}
			mlw_jw_key(b, "n");
			mlw_jw_uint(b, s->n);
			if (i == 0) {
				mlw_jw_key(b, "unlabeled");
				mlw_jw_uint(b, w->unlabeled);
			}
			if (c->task == BINARY)
				mlw_bin_state_write(b, &s->bin);
			else if (c->task == MULTICLASS)
				mlw_mc_state_write(b, &s->mc);
			else
				mlw_reg_state_write(b, &s->reg);
			mlw_state_emit(b);
			continue;
		}
		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		segment_name(c, b, w, i);
		mlw_jw_key(b, "task");
		mlw_jw_str(b, mlw_task_names[c->task], strlen(mlw_task_names[c->task]));
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, s->n);
		if (i == 0) {
			mlw_jw_key(b, "unlabeled");
			mlw_jw_uint(b, w->unlabeled);
		}
		if (c->task == BINARY)
			mlw_bin_write(b, &s->bin, c->scores);
		else if (c->task == MULTICLASS)
			mlw_mc_write(b, &s->mc);
		else
			mlw_reg_write(b, &s->reg);
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
	mlw_out_flush();
}

/* The key of a state's segment into b: empty for "all", else made from
 * its values (the segment's display text may be the same for two keys).
 * 0, or -1 when they are not what this run's --by makes. */
static int
state_key(const struct ctx *c, const struct mlw_json *doc, long si,
    struct mlw_buf *b)
{
	long vi = mlw_state_member(doc, "values");
	const char *why;
	uint32_t i;
	size_t k = 0;

	b->len = 0;
	mlw_buf_reserve(b, 1);
	if (vi < 0)
		return mlw_json_streq(doc, (uint32_t)si, "all", 3) ? 0 : -1;
	if (doc->tok[vi].type != MLW_JARR)
		return -1;
	for (i = (uint32_t)vi + 1; i < doc->tok[vi].next; i = doc->tok[i].next)
		if (k++ == c->nby || mlw_key_add(b, doc, (long)i, &why) < 0)
			return -1;
	return k == c->nby && k > 0 ? 0 : -1;
}

/* --merge: add each state to its window and segment; segments keep the
 * order in which they first appear in the states, which is the single
 * pass's order when the shards' states are given in input order. */
static void
merge(struct ctx *c, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in r;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	struct mlw_buf name = { 0 };

	memset(&doc, 0, sizeof doc);
	mlw_state_in_init(&r, "mlw-metrics", c->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		long si = mlw_state_member(&doc, "segment");
		long ui = mlw_state_member(&doc, "unlabeled");
		uint64_t n, u = 0;
		const char *why = NULL;
		struct wstate *w;
		struct seg *sg;
		int rc;

		if (si < 0 || doc.tok[si].type != MLW_JSTR ||
		    mlw_state_u64(&doc, mlw_state_member(&doc, "n"), &n) < 0 ||
		    (ui >= 0 && mlw_state_u64(&doc, ui, &u) < 0)) {
			mlw_state_reject(&r, &ln, "expected segment, a string, n "
			    "and unlabeled, counts");
			continue;
		}
		if (state_key(c, &doc, si, &name) < 0) {
			mlw_state_reject(&r, &ln, "expected segment \"all\", or "
			    "values, an array of the %zu --by values", c->nby);
			continue;
		}
		w = mlw_wtab_open(tab, &key);
		segment(c, w, "", 0);
		if ((sg = segment(c, w, name.p, name.len)) == NULL)
			mlw_key_full(ln.file, ln.lineno, "segments in a window",
			    name.p, name.len, c->by);
		if (c->task == BINARY)
			rc = mlw_bin_state_read(&sg->bin, &doc, &why);
		else if (c->task == MULTICLASS)
			rc = mlw_mc_state_read(&sg->mc, &doc, &why);
		else
			rc = mlw_reg_state_read(&sg->reg, &doc, &why);
		if (rc < 0) {
			mlw_state_reject(&r, &ln, "%s", why);
			continue;
		}
		sg->n += n;
		w->unlabeled += u;
	}
	mlw_state_in_check(&r);
	mlw_wtab_close_all(tab);
	mlw_buf_free(&name);
	mlw_json_free(&doc);
}

/* What decides how records are counted: task, paths, threshold, positive
 * class, segments, AUC bins and calibration bins (mixed in only when
 * there are some, so that the states of runs without keep their hash). */
static uint64_t
options_hash(const struct ctx *c, const char *label, const char *pred,
    const char *score, double threshold, char **by, size_t nby)
{
	uint64_t h = mlw_hash_u64(MLW_HASH_INIT, (uint64_t)c->task);
	size_t i;

	h = mlw_hash_str(h, label);
	h = mlw_hash_str(h, pred);
	h = mlw_hash_str(h, score);
	h = mlw_hash_double(h, threshold);
	h = mlw_hash_str(h, c->positive);
	h = mlw_hash_u64(h, nby);
	for (i = 0; i < nby; i++)
		h = mlw_hash_str(h, by[i]);
	h = mlw_hash_u64(h, (uint64_t)c->bins);
	if (c->cbins > 0) {
		h = mlw_hash_str(h, "calibration");
		h = mlw_hash_u64(h, (uint64_t)c->cbins);
		h = mlw_hash_u64(h, (uint64_t)c->cstrat);
	}
	return h;
}

/* What one labelled record says, read and checked before anything is
 * counted. */
struct obs {
	int yl, yp, hs;          /* binary: label, prediction, has a score */
	double s;                /* the score */
	double yv, pv;           /* regression */
	int numeric;             /* multiclass: both classes are numbers */
};

/* The raw text of token i, cut to 40 bytes, for messages. */
#define RAW(doc, i) (int)((doc)->tok[i].len > 40 ? 40 : (doc)->tok[i].len), \
	(doc)->src + (doc)->tok[i].start

/* Read the label li, prediction pi and score si of a labelled record into
 * ob (classes into t1, t2): 0, or -1 when the record was rejected. */
static int
observe(const struct mlw_metrics_opts *o, const struct mlw_json *doc,
    const struct mlw_line *ln, long li, long pi, long si, struct obs *ob,
    struct mlw_buf *t1, struct mlw_buf *t2)
{
	memset(ob, 0, sizeof *ob);
	if ((o->pred && mlw_json_missing(doc, pi)) ||
	    (o->score && mlw_json_missing(doc, si))) {
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen, "%s: missing",
		    mlw_json_missing(doc, pi) && o->pred ? o->pred : o->score);
		return -1;
	}
	if (o->task == BINARY) {
		if ((ob->yl = mlw_binary_class(o->positive, doc, li, t1)) < 0) {
			mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
			    "%s: expected 0/1 or true/false (or name the positive "
			    "class with --positive), found %.*s", o->label,
			    RAW(doc, li));
			return -1;
		}
		if (o->score) {
			if (doc->tok[si].type != MLW_JNUM ||
			    mlw_json_num(doc, (uint32_t)si, &ob->s) < 0 ||
			    ob->s < 0 || ob->s > 1) {
				mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
				    "%s: expected a probability from 0 to 1, "
				    "found %.*s", o->score, RAW(doc, si));
				return -1;
			}
			ob->hs = 1;
			ob->yp = mlw_score_class(ob->s, o->threshold);
		}
		if (o->pred && (ob->yp = mlw_binary_class(o->positive, doc, pi,
		    t2)) < 0) {
			mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
			    "%s: expected 0/1 or true/false (or name the positive "
			    "class with --positive), found %.*s", o->pred,
			    RAW(doc, pi));
			return -1;
		}
	} else if (o->task == MULTICLASS) {
		if (mlw_key_category(t1, doc, li) < 0 ||
		    mlw_key_category(t2, doc, pi) < 0) {
			mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
			    "expected class labels (strings, numbers or booleans) "
			    "in %s and %s", o->label, o->pred);
			return -1;
		}
		ob->numeric = doc->tok[li].type == MLW_JNUM &&
		    doc->tok[pi].type == MLW_JNUM;
	} else if (doc->tok[li].type != MLW_JNUM ||
	    doc->tok[pi].type != MLW_JNUM ||
	    mlw_json_num(doc, (uint32_t)li, &ob->yv) < 0 ||
	    mlw_json_num(doc, (uint32_t)pi, &ob->pv) < 0) {
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
		    "expected numbers in %s and %s", o->label, o->pred);
		return -1;
	}
	return 0;
}

/* Count ob in segment sg. */
static void
add(const struct mlw_metrics_opts *o, struct seg *sg, const struct obs *ob,
    const struct mlw_buf *t1, const struct mlw_buf *t2,
    const struct mlw_line *ln)
{
	sg->n++;
	if (o->task == BINARY)
		mlw_bin_add(&sg->bin, ob->yl, ob->yp, ob->hs, ob->s);
	else if (o->task == MULTICLASS) {
		if (mlw_mc_add(&sg->mc, t1->p, t1->len, t2->p, t2->len,
		    ob->numeric) < 0)
			mlw_fatal("%s:%llu: more than %d classes", ln->file,
			    (unsigned long long)ln->lineno, MLW_MC_MAX);
	} else
		mlw_reg_add(&sg->reg, ob->yv, ob->pv);
}

void
mlw_metrics_run(const struct mlw_metrics_opts *o, struct mlw_input *in)
{
	static struct ctx c;     /* with what mlw_finish still reads */
	struct mlw_path label, pred, score, *by;
	uint64_t nlab = 0, nunlab = 0, npos = 0;   /* for the warnings */
	uint64_t *byseen, *bybad;  /* records with each --by field, rejected */
	struct mlw_buf t1 = { 0 }, t2 = { 0 };
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	const char *why;
	size_t i;

	memset(&c, 0, sizeof c);
	memset(&doc, 0, sizeof doc);
	c.task = o->task;
	c.bins = o->bins;
	c.cbins = o->cbins;
	c.cstrat = o->cstrat;
	c.curves = o->detail;
	c.emit = o->emit;
	c.positive = o->positive;
	c.scores = o->score != NULL;
	c.by = o->by;
	c.nby = o->nby;
	c.hash = options_hash(&c, o->label, o->pred, o->score, o->threshold,
	    o->by, o->nby);
	if (mlw_path_parse(&label, o->label) < 0 || (o->pred &&
	    mlw_path_parse(&pred, o->pred) < 0) || (o->score &&
	    mlw_path_parse(&score, o->score) < 0))
		mlw_fatal("invalid path");
	by = mlw_paths_opt("--by", o->by, o->nby);
	byseen = mlw_xcalloc(o->nby, sizeof *byseen);
	bybad = mlw_xcalloc(o->nby, sizeof *bybad);
	tab = mlw_wtab_new(sizeof(struct wstate), reset, report, &c);
	mlw_wtab_set_destroy(tab, destroy);
	if (o->merge) {
		merge(&c, tab, in);
		goto done;
	}
	while (mlw_record_next(in, &ln, &doc)) {
		long li, pi, si;
		struct wstate *w;
		struct seg *sg;
		struct obs ob;
		size_t k;
		int r;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		li = mlw_json_get(&doc, 0, &label);
		pi = o->pred ? mlw_json_get(&doc, 0, &pred) : -1;
		si = o->score ? mlw_json_get(&doc, 0, &score) : -1;
		if (mlw_json_missing(&doc, li)) {
			w = mlw_wtab_open(tab, &key);
			segment(&c, w, "", 0);
			w->unlabeled++;
			nunlab++;
			continue;
		}
		nlab++;
		r = observe(o, &doc, &ln, li, pi, si, &ob, &t1, &t2);
		npos += o->task == BINARY && ob.yl > 0;
		if (r < 0)
			continue;
		if (o->nby && mlw_key_make(&c.key, &doc, by, o->nby, &k,
		    &why) < 0) {
			long bi = mlw_json_get(&doc, 0, &by[k]);

			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: %s as a segment value, found %.*s", o->by[k],
			    why, RAW(&doc, bi));
			bybad[k]++;
			continue;
		}
		w = mlw_wtab_open(tab, &key);
		add(o, segment(&c, w, "", 0), &ob, &t1, &t2, &ln);
		if (o->nby) {
			struct mlw_keypart part;
			size_t pos = 0;

			for (k = 0; mlw_key_next(c.key.p, c.key.len, &pos,
			    &part); k++)
				byseen[k] += part.type != MLW_KEY_MISSING;
			if ((sg = segment(&c, w, c.key.p, c.key.len)) == NULL)
				mlw_key_full(ln.file, ln.lineno,
				    "segments in a window", c.key.p, c.key.len,
				    o->by);
			add(o, sg, &ob, &t1, &t2, &ln);
		}
	}
	mlw_wtab_close_all(tab);
	if (c.emit)
		mlw_state_end("mlw-metrics", c.hash);
	/* most often a misspelled --label or --positive: say so */
	if (nlab == 0 && nunlab > 0)
		mlw_warnx("no record has the label %s (%llu unlabeled)",
		    o->label, (unsigned long long)nunlab);
	if (o->task == BINARY && o->positive && nlab > 0 && npos == 0)
		mlw_warnx("--positive %s: no label is this class", o->positive);
	for (i = 0; i < o->nby; i++)
		if (byseen[i] == 0 && bybad[i] > 0)
			mlw_warnx("--by %s: every value of this field was "
			    "rejected (%llu record%s): a segment value is a "
			    "string, number or boolean", o->by[i],
			    (unsigned long long)bybad[i], bybad[i] == 1 ? "" :
			    "s");
		else if (byseen[i] == 0 && nlab > 0)
			mlw_warnx("--by %s: no labelled record has this field",
			    o->by[i]);
done:
	mlw_wtab_free(tab);
	mlw_json_free(&doc);
	mlw_buf_free(&c.out);
	mlw_buf_free(&c.key);
	mlw_buf_free(&t1);
	mlw_buf_free(&t2);
	mlw_path_free(&label);
	if (o->pred)
		mlw_path_free(&pred);
	if (o->score)
		mlw_path_free(&score);
	mlw_paths_free(by, o->nby);
	free(byseen);
	free(bybad);
}
