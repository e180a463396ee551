/* mlw-metrics: model quality per window and segment once labels are known. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "metrics.h"
#include "num.h"
#include "opt.h"
#include "state.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-metrics --task binary|multiclass|regression --label PATH\n"
    "                   [--pred PATH] [--score PATH] [--threshold T]\n"
    "                   [--positive VALUE] [--by PATHS] [--max-keys N]\n"
    "                   [--auc-bins N] [--emit-state | --merge] [--strict]\n"
    "                   [--rejects FILE] [FILE ...]";

enum { BINARY, MULTICLASS, REGRESSION };
static const char *const tasknames[] = { "binary", "multiclass", "regression" };

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
		mlw_jw_str(b, tasknames[c->task], strlen(tasknames[c->task]));
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
 * class, segments and AUC bins. */
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
	return mlw_hash_u64(h, (uint64_t)c->bins);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "auc-bins", required_argument, NULL, 'A' },
		{ "by", required_argument, NULL, 'b' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "label", required_argument, NULL, 'l' },
		MLW_MAX_KEYS_OPTION,
		{ "merge", no_argument, NULL, 'M' },
		{ "positive", required_argument, NULL, 'P' },
		{ "pred", required_argument, NULL, 'p' },
		{ "score", required_argument, NULL, 's' },
		{ "task", required_argument, NULL, 't' },
		{ "threshold", required_argument, NULL, 'T' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ctx c;
	struct mlw_path label, pred, score, *by = NULL;
	char **bylist = NULL;
	size_t nby = 0, i;
	const char *labelarg = NULL, *predarg = NULL, *scorearg = NULL;
	double threshold = 0.5;
	long long ll;
	int ch, domerge = 0;
	uint64_t nlab = 0, nunlab = 0, npos = 0;   /* for the warnings */
	uint64_t *byseen = NULL;    /* records with each --by field */
	uint64_t *bybad = NULL;     /* and those rejected for it */
	const char *why;
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	struct mlw_buf t1 = { 0 }, t2 = { 0 };

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&c, 0, sizeof c);
	memset(&doc, 0, sizeof doc);
	c.task = -1;
	while ((ch = getopt_long(argc, argv, "b:hl:p:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'A':
			if (mlw_int_strict(optarg, 2, 1000000, &ll) < 0)
				mlw_opt_error("--auc-bins: expected a whole number from "
				    "2 to 1000000, found '%s'", optarg);
			c.bins = (int)ll;
			break;
		case 'E':
			c.emit = 1;
			break;
		case 'M':
			domerge = 1;
			break;
		case 'P':
			c.positive = optarg;
			break;
		case 'T':
			/* scores are probabilities: a threshold beyond them
			 * would predict one class whatever the score */
			if (mlw_num_strict(optarg, &threshold) < 0 ||
			    !(threshold >= 0 && threshold <= 1))
				mlw_opt_error("--threshold: expected a number from 0 "
				    "to 1, found '%s'", optarg);
			break;
		case 'b':
			bylist = mlw_list_opt("--by", optarg, bylist, &nby);
			break;
		case 'l':
			labelarg = optarg;
			break;
		case 'p':
			predarg = optarg;
			break;
		case 's':
			scorearg = optarg;
			break;
		case 't':
			for (c.task = 0; c.task < 3; c.task++)
				if (strcmp(optarg, tasknames[c.task]) == 0)
					break;
			if (c.task == 3)
				mlw_opt_error("--task: expected binary, multiclass or "
				    "regression, found '%s'", optarg);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (c.task < 0 || labelarg == NULL)
		mlw_opt_error("--task and --label are required");
	if (predarg == NULL && (scorearg == NULL || c.task != BINARY))
		mlw_opt_error(c.task == BINARY ? "--pred or --score is required" :
		    "--pred is required");
	if ((scorearg || c.bins) && c.task != BINARY)
		mlw_opt_error("--score and --auc-bins are for --task binary");
	if (c.emit && domerge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if ((c.emit || domerge) && scorearg && c.bins == 0)
		mlw_opt_error("%s with --score needs --auc-bins: the exact ROC and "
		    "PR AUC need every score and cannot be merged",
		    c.emit ? "--emit-state" : "--merge");
	mlw_path_opt(&label, "--label", labelarg);
	if (predarg)
		mlw_path_opt(&pred, "--pred", predarg);
	if (scorearg)
		mlw_path_opt(&score, "--score", scorearg);
	c.scores = scorearg != NULL;
	if (nby) {
		by = mlw_xcalloc(nby, sizeof *by);
		byseen = mlw_xcalloc(nby, sizeof *byseen);
		bybad = mlw_xcalloc(nby, sizeof *bybad);
		for (i = 0; i < nby; i++)
			mlw_path_opt(&by[i], "--by", bylist[i]);
	}
	tab = mlw_wtab_new(sizeof(struct wstate), reset, report, &c);
	mlw_wtab_set_destroy(tab, destroy);
	c.by = bylist;
	c.nby = nby;
	c.hash = options_hash(&c, labelarg, predarg, scorearg, threshold,
	    bylist, nby);

	in = mlw_input_new(argv, argc);
	if (domerge) {
		merge(&c, tab, in);
		goto done;
	}
	while (mlw_record_next(in, &ln, &doc)) {
		long li, pi = -1, si = -1;
		int yl = 0, yp = 0, hs = 0;
		double s = 0, yv = 0, pv = 0;
		struct wstate *w;
		struct seg *sg[2];
		size_t k, nsg;

		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		li = mlw_json_get(&doc, 0, &label);
		if (predarg)
			pi = mlw_json_get(&doc, 0, &pred);
		if (scorearg)
			si = mlw_json_get(&doc, 0, &score);
		if (mlw_json_missing(&doc, li)) {
			w = mlw_wtab_open(tab, &key);
			segment(&c, w, "", 0);
			w->unlabeled++;
			nunlab++;
			continue;
		}
		nlab++;
		if ((predarg && mlw_json_missing(&doc, pi)) ||
		    (scorearg && mlw_json_missing(&doc, si))) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: missing", mlw_json_missing(&doc, pi) && predarg ?
			    predarg : scorearg);
			continue;
		}
		/* read and check everything before counting anything */
		if (c.task == BINARY) {
			if ((yl = mlw_binary_class(c.positive, &doc, li, &t1)) > 0)
				npos++;
			if (yl < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: expected 0/1 or true/false (or name the "
				    "positive class with --positive), found %.*s",
				    labelarg, (int)(doc.tok[li].len > 40 ? 40 :
				    doc.tok[li].len), doc.src + doc.tok[li].start);
				continue;
			}
			if (scorearg) {
				if (doc.tok[si].type != MLW_JNUM ||
				    mlw_json_num(&doc, (uint32_t)si, &s) < 0 ||
				    s < 0 || s > 1) {
					mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
					    "%s: expected a probability from 0 to 1, "
					    "found %.*s", scorearg,
					    (int)(doc.tok[si].len > 40 ? 40 :
					    doc.tok[si].len), doc.src + doc.tok[si].start);
					continue;
				}
				hs = 1;
				yp = mlw_score_class(s, threshold);
			}
			if (predarg && (yp = mlw_binary_class(c.positive, &doc,
			    pi, &t2)) < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: expected 0/1 or true/false (or name the "
				    "positive class with --positive), found %.*s",
				    predarg, (int)(doc.tok[pi].len > 40 ? 40 :
				    doc.tok[pi].len), doc.src + doc.tok[pi].start);
				continue;
			}
		} else if (c.task == MULTICLASS) {
			if (mlw_key_category(&t1, &doc, li) < 0 ||
			    mlw_key_category(&t2, &doc, pi) < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "expected class labels (strings, numbers or "
				    "booleans) in %s and %s", labelarg, predarg);
				continue;
			}
		} else {
			if (doc.tok[li].type != MLW_JNUM ||
			    doc.tok[pi].type != MLW_JNUM ||
			    mlw_json_num(&doc, (uint32_t)li, &yv) < 0 ||
			    mlw_json_num(&doc, (uint32_t)pi, &pv) < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "expected numbers in %s and %s", labelarg,
				    predarg);
				continue;
			}
		}
		if (nby && mlw_key_make(&c.key, &doc, by, nby, &k, &why) < 0) {
			long bi = mlw_json_get(&doc, 0, &by[k]);

			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: %s as a segment value, found %.*s", bylist[k],
			    why, (int)(doc.tok[bi].len > 40 ? 40 :
			    doc.tok[bi].len), doc.src + doc.tok[bi].start);
			bybad[k]++;
			continue;
		}
		w = mlw_wtab_open(tab, &key);
		sg[0] = segment(&c, w, "", 0);
		nsg = 1;
		if (nby) {
			struct mlw_keypart part;
			size_t pos = 0;

			for (k = 0; mlw_key_next(c.key.p, c.key.len, &pos,
			    &part); k++)
				byseen[k] += part.type != MLW_KEY_MISSING;
			if ((sg[1] = segment(&c, w, c.key.p, c.key.len)) == NULL)
				mlw_key_full(ln.file, ln.lineno,
				    "segments in a window", c.key.p, c.key.len,
				    bylist);
			sg[0] = &w->seg[0];     /* stable after growth */
			nsg = 2;
		}
		for (k = 0; k < nsg; k++) {
			sg[k]->n++;
			if (c.task == BINARY)
				mlw_bin_add(&sg[k]->bin, yl, yp, hs, s);
			else if (c.task == MULTICLASS) {
				if (mlw_mc_add(&sg[k]->mc, t1.p, t1.len, t2.p,
				    t2.len, doc.tok[li].type == MLW_JNUM &&
				    doc.tok[pi].type == MLW_JNUM) < 0)
					mlw_fatal("%s:%llu: more than %d classes",
					    ln.file, (unsigned long long)ln.lineno,
					    MLW_MC_MAX);
			} else
				mlw_reg_add(&sg[k]->reg, yv, pv);
		}
	}
	mlw_wtab_close_all(tab);
	if (c.emit)
		mlw_state_end("mlw-metrics", c.hash);
	/* most often a misspelled --label or --positive: say so */
	if (nlab == 0 && nunlab > 0)
		mlw_warnx("no record has the label %s (%llu unlabeled)",
		    labelarg, (unsigned long long)nunlab);
	if (c.task == BINARY && c.positive && nlab > 0 && npos == 0)
		mlw_warnx("--positive %s: no label is this class",
		    c.positive);
	for (i = 0; byseen && i < nby; i++)
		if (byseen[i] == 0 && bybad[i] > 0)
			mlw_warnx("--by %s: every value of this field was "
			    "rejected (%llu record%s): a segment value is a "
			    "string, number or boolean", bylist[i],
			    (unsigned long long)bybad[i], bybad[i] == 1 ? "" :
			    "s");
		else if (byseen[i] == 0 && nlab > 0)
			mlw_warnx("--by %s: no labelled record has this field",
			    bylist[i]);

done:
	mlw_wtab_free(tab);
	mlw_input_free(in);
	mlw_json_free(&doc);
	mlw_buf_free(&c.out);
	mlw_buf_free(&c.key);
	mlw_buf_free(&t1);
	mlw_buf_free(&t2);
	mlw_path_free(&label);
	if (predarg)
		mlw_path_free(&pred);
	if (scorearg)
		mlw_path_free(&score);
	for (i = 0; i < nby; i++)
		mlw_path_free(&by[i]);
	free(by);
	free(byseen);
	free(bybad);
	mlw_free_list(bylist, nby);
	return mlw_finish();
}
