/* psi: mlw-psi's work (see psi.h). */
#include "psi.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "out.h"
#include "psiref.h"
#include "seg.h"
#include "state.h"
#include "stats.h"
#include "window.h"
#include "xalloc.h"

/* How the counts of one reference lie in a state: per feature its bins,
 * then missing; and the paths of its features. */
struct layout {
	struct mlw_psiref *prof;
	size_t *off;             /* first count of feature i */
	size_t ncounts;          /* counts, missing counts included */
	long *bins;              /* scratch: bin of each feature */
	long *tok;               /* scratch: token of each feature */
	struct mlw_path *paths;
	struct mlw_pathset set;
};

struct psi {
	struct layout one;       /* without --by */
	/* --by: the segments, their references, and the layout of each */
	struct mlw_seg *seg;
	struct mlw_psirefs *refs;
	int fallback;
	struct layout **lay;     /* by segment number */
	size_t nlay;
	struct layout **parts;   /* by segment number: its part's layout */
	struct layout *whole;
	double eps;
	int detail;
	int emit;                /* --emit-state */
	uint64_t hash;           /* of the reference, for states */
	struct mlw_buf out;
	struct mlw_msgkind nulls;
};

static void
layout_init(struct layout *l, struct mlw_psiref *prof)
{
	size_t i;

	l->prof = prof;
	l->off = mlw_xcalloc(prof->nf, sizeof *l->off);
	l->bins = mlw_xcalloc(prof->nf, sizeof *l->bins);
	l->tok = mlw_xcalloc(prof->nf, sizeof *l->tok);
	l->paths = mlw_xcalloc(prof->nf, sizeof *l->paths);
	l->ncounts = 0;
	for (i = 0; i < prof->nf; i++) {
		l->paths[i] = prof->f[i].path;
		l->off[i] = l->ncounts;
		l->ncounts += prof->f[i].nbins + 1;
	}
	mlw_pathset_init(&l->set, l->paths, prof->nf);
}

static void
layout_free(struct layout *l)
{
	free(l->off);
	free(l->bins);
	free(l->tok);
	free(l->paths);
	mlw_pathset_free(&l->set);
}

static struct layout *
layout_new(struct mlw_psiref *prof)
{
	struct layout *l = mlw_xcalloc(1, sizeof *l);

	layout_init(l, prof);
	return l;
}

/* The layout of segment id: its reference part's, the whole reference's
 * (shared, or --ref-fallback all), or NULL when it has none. */
static struct layout *
layout_of(struct psi *ps, size_t id)
{
	struct mlw_psiref *p;
	size_t i;

	if (id < ps->nlay && ps->lay[id] != NULL)
		return ps->lay[id];
	if ((p = mlw_psirefs_get(ps->refs, id, ps->fallback)) == NULL)
		return NULL;
	if (id >= ps->nlay) {
		size_t old = ps->nlay, n = ps->nlay;

		ps->lay = mlw_grow(ps->lay, &n, id + 1, sizeof *ps->lay);
		ps->parts = mlw_grow(ps->parts, &ps->nlay, id + 1,
		    sizeof *ps->parts);
		for (i = old; i < ps->nlay; i++)
			ps->lay[i] = ps->parts[i] = NULL;
	}
	if (p == &ps->refs->whole) {
		if (ps->whole == NULL)
			ps->whole = layout_new(p);
		ps->lay[id] = ps->whole;
	} else
		ps->lay[id] = ps->parts[id] = layout_new(p);
	return ps->lay[id];
}

/* A window's state: without --by, the counts of ps->one; with --by, a
 * struct mlw_segwin holding the counts of each segment. */
static void
reset(void *state, void *arg)
{
	struct psi *ps = arg;

	if (ps->seg)
		mlw_segwin_clear(state, NULL);
	else
		memset(state, 0, ps->one.ncounts * sizeof(uint64_t));
}

static void
destroy(void *state, void *arg)
{
	struct psi *ps = arg;

	if (ps->seg)
		mlw_segwin_free(state, NULL);
}


/* The records of one window (and segment segid, when ps->seg): with
 * --emit-state, one state per feature (its counts per bin and its missing
 * count); else its PSI. */
static void
report_counts(struct psi *ps, const struct mlw_wkey *key,
    const struct layout *l, const uint64_t *st, size_t segid)
{
	size_t i, k;

	for (i = 0; i < l->prof->nf; i++) {
		const struct mlw_feature *f = &l->prof->f[i];
		const uint64_t *cur = st + l->off[i];
		uint64_t n = 0, missing = cur[f->nbins];
		struct mlw_buf *b = &ps->out;

		if (ps->emit) {
			mlw_psiref_state_emit(b, "mlw-psi", ps->hash, key,
			    ps->seg, segid, f, cur, f->nbins, missing);
			continue;
		}
		for (k = 0; k < f->nbins; k++)
			n += cur[k];
		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
		if (ps->seg)
			mlw_seg_members(b, ps->seg, segid);
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, f->path.text, strlen(f->path.text));
		mlw_jw_key(b, "psi");
		if (n == 0) {
			mlw_jw_null(b);
			mlw_msg(&ps->nulls, NULL, 0, "%s%.*s: %s has no values; "
			    "psi is null", key->has ? "window " : "batch",
			    key->has ? (int)key->slen : 0, key->start,
			    f->path.text);
		} else if (mlw_jw_num(b, mlw_psi(f->ref, f->ref_n, cur, n,
		    f->nbins, ps->eps)) < 0)
			mlw_msg(&ps->nulls, NULL, 0, "%s: psi is not finite",
			    f->path.text);
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, n);
		mlw_jw_key(b, "missing");
		mlw_jw_uint(b, missing);
		mlw_jw_key(b, "ref_n");
		mlw_jw_uint(b, f->ref_n);
		if (ps->detail) {
			mlw_feature_bins_write(b, f);
			mlw_feature_props_write(b, "ref", f->ref, f->nbins, f->ref_n);
			mlw_feature_props_write(b, "cur", cur, f->nbins, n);
		}
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
}

static void
report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct psi *ps = arg;

	if (ps->seg) {
		struct mlw_segwin *w = state;
		size_t i;

		/* every segment the window saw, in the order it saw them */
		for (i = 0; i < w->n; i++)
			report_counts(ps, key, layout_of(ps, w->ids[i]),
			    w->state[i], w->ids[i]);
	} else
		report_counts(ps, key, &ps->one, state, 0);
	mlw_out_flush();
}

/* The counts of segment segid (or of the window, without --by) in the
 * window's state. */
static uint64_t *
counts_of(struct psi *ps, void *state, const struct layout *l, size_t segid)
{
	if (ps->seg == NULL)
		return state;
	return mlw_segwin_get(state, segid, l->ncounts * sizeof(uint64_t));
}

/* The layout of the record's segment, in *segid; NULL after rejecting the
 * record (mlw_psirefs_route). */
static struct layout *
route_segment(struct psi *ps, const struct mlw_json *doc,
    const struct mlw_line *ln, size_t *segid)
{
	long id;

	if (ps->seg == NULL) {
		*segid = 0;
		return &ps->one;
	}
	id = mlw_psirefs_route(ps->refs, ps->seg, ps->fallback, doc, ln);
	if (id < 0)
		return NULL;
	*segid = (size_t)id;
	return layout_of(ps, (size_t)id);
}

/* --merge: add up the states of each window, segment and feature, then
 * report every window as a single pass would. */
static void
merge(struct psi *ps, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in r;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t *tmp = NULL, *st;
	size_t i, maxb = 0;
	long k;

	memset(&doc, 0, sizeof doc);
	mlw_state_in_init(&r, "mlw-psi", ps->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		const struct layout *l = &ps->one;
		size_t segid = 0;

		if (ps->seg) {
			long id = mlw_psirefs_state_route(ps->refs, ps->seg,
			    ps->fallback, &r, &doc, &ln);

			if (id < 0)
				continue;
			segid = (size_t)id;
			l = layout_of(ps, segid);
		}
		for (i = 0; i < l->prof->nf; i++)
			if (l->prof->f[i].nbins + 1 > maxb) {
				maxb = l->prof->f[i].nbins + 1;
				tmp = mlw_xrealloc(tmp, maxb * sizeof *tmp);
			}
		if ((k = mlw_psiref_state_read(l->prof, &r, &ln, &doc,
		    tmp)) < 0)
			continue;
		st = counts_of(ps, mlw_wtab_open(tab, &key), l, segid);
		for (i = 0; i <= l->prof->f[k].nbins; i++)
			st[l->off[k] + i] += tmp[i];
	}
	mlw_state_in_check(&r);
	mlw_wtab_close_all(tab);
	free(tmp);
	mlw_json_free(&doc);
}

/* Count every record of in into its window's state. */
static void
count(struct psi *ps, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t seen = 0;
	size_t i;

	memset(&doc, 0, sizeof doc);
	while (mlw_input_next(in, &ln)) {
		char fwhy[128];
		struct layout *l;
		uint64_t *st;
		size_t segid;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if ((l = route_segment(ps, &doc, &ln, &segid)) == NULL)
			continue;
		seen++;
		mlw_json_getset(&doc, &l->set, l->tok);
		for (i = 0; i < l->prof->nf; i++) {
			const struct mlw_feature *f = &l->prof->f[i];

			l->bins[i] = mlw_feature_bin(f, &doc, l->tok[i], fwhy);
			if (l->bins[i] == -2)
				break;
		}
		if (i < l->prof->nf) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", fwhy);
			continue;
		}
		st = counts_of(ps, mlw_wtab_open(tab, &key), l, segid);
		for (i = 0; i < l->prof->nf; i++) {
			size_t nb = l->prof->f[i].nbins;

			st[l->off[i] + (l->bins[i] < 0 ? nb :
			    (size_t)l->bins[i])]++;
		}
	}
	mlw_wtab_close_all(tab);
	if (ps->seg)
		mlw_seg_warn(ps->seg, seen);
	if (ps->emit)
		mlw_state_end("mlw-psi", ps->hash);
	mlw_json_free(&doc);
}

static void
run(struct psi *ps, const struct mlw_psi_opts *o, struct mlw_input *in)
{
	struct mlw_wtab *tab;
	size_t i;

	ps->eps = o->eps;
	ps->detail = o->detail;
	ps->emit = o->emit;
	ps->nulls.what = "null results";
	tab = mlw_wtab_new(ps->seg ? sizeof(struct mlw_segwin) :
	    ps->one.ncounts * sizeof(uint64_t), reset, report, ps);
	if (ps->seg)
		mlw_wtab_set_destroy(tab, destroy);
	if (o->merge)
		merge(ps, tab, in);
	else
		count(ps, tab, in);
	mlw_wtab_free(tab);
	mlw_buf_free(&ps->out);
	for (i = 0; i < ps->nlay; i++)
		if (ps->parts != NULL && ps->parts[i] != NULL) {
			layout_free(ps->parts[i]);
			free(ps->parts[i]);
		}
	if (ps->whole) {
		layout_free(ps->whole);
		free(ps->whole);
	}
	free(ps->lay);
	free(ps->parts);
}

void
mlw_psi_run(struct mlw_psiref *prof, const struct mlw_psi_opts *o,
    struct mlw_input *in)
{
	static struct psi psv;	/* its messages are counted until mlw_finish */
	struct psi *ps = &psv;

	memset(ps, 0, sizeof *ps);
	layout_init(&ps->one, prof);
	ps->hash = mlw_psiref_hash(prof);
	run(ps, o, in);
	layout_free(&ps->one);
}

void
mlw_psi_run_by(struct mlw_psirefs *refs, struct mlw_seg *seg,
    const struct mlw_psi_opts *o, struct mlw_input *in)
{
	static struct psi psv;	/* its messages are counted until mlw_finish */
	struct psi *ps = &psv;

	memset(ps, 0, sizeof *ps);
	ps->seg = seg;
	ps->refs = refs;
	ps->fallback = o->fallback;
	ps->hash = mlw_psirefs_hash(refs, seg);
	run(ps, o, in);
}
