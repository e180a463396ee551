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
#include "state.h"
#include "stats.h"
#include "window.h"
#include "xalloc.h"

struct psi {
	struct mlw_psiref *prof;
	size_t *off;             /* first count of feature i in a state */
	size_t ncounts;          /* counts per state, missing counts included */
	double eps;
	int detail;
	int emit;                /* --emit-state */
	uint64_t hash;           /* of the profile, for states */
	struct mlw_buf out;
	long *bins;              /* scratch: bin of each feature */
	long *tok;               /* scratch: token of each feature */
	struct mlw_pathset set;
	struct mlw_msgkind nulls;
};

/* A window's state: ncounts uint64_t: per feature its bins, then missing. */
static void
reset(void *state, void *arg)
{
	struct psi *ps = arg;

	memset(state, 0, ps->ncounts * sizeof(uint64_t));
}

static void
props(struct mlw_buf *b, const char *key, const uint64_t *c, size_t nb,
    uint64_t n)
{
	size_t k;

	mlw_jw_key(b, key);
	mlw_jw_open(b, '[');
	for (k = 0; k < nb; k++) {
		mlw_jw_sep(b);
		if (n)
			mlw_jw_num(b, (double)c[k] / (double)n);
		else
			mlw_jw_null(b);
	}
	mlw_jw_close(b, ']');
}

/* --emit-state: one record per feature of the window: its counts per bin
 * and its missing count. */
static void
emit_state(const struct mlw_wkey *key, const uint64_t *st, struct psi *ps)
{
	size_t i;

	for (i = 0; i < ps->prof->nf; i++) {
		const struct mlw_feature *f = &ps->prof->f[i];
		const uint64_t *cur = st + ps->off[i];

		mlw_psiref_state_emit(&ps->out, "mlw-psi", ps->hash, key, f,
		    cur, f->nbins, cur[f->nbins]);
	}
	mlw_out_flush();
}

/* --merge: add up the states of each window and feature, then report every
 * window as a single pass would. */
static void
merge(struct psi *ps, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_state_in r;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	uint64_t *tmp, *st;
	size_t i, maxb = 1;
	long k;

	memset(&doc, 0, sizeof doc);
	for (i = 0; i < ps->prof->nf; i++)
		if (ps->prof->f[i].nbins > maxb)
			maxb = ps->prof->f[i].nbins;
	tmp = mlw_xcalloc(maxb + 1, sizeof *tmp);
	mlw_state_in_init(&r, "mlw-psi", ps->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		if ((k = mlw_psiref_state_read(ps->prof, &r, &ln, &doc,
		    tmp)) < 0)
			continue;
		st = mlw_wtab_open(tab, &key);
		for (i = 0; i <= ps->prof->f[k].nbins; i++)
			st[ps->off[k] + i] += tmp[i];
	}
	mlw_state_in_check(&r);
	mlw_wtab_close_all(tab);
	free(tmp);
	mlw_json_free(&doc);
}

static void
report(const struct mlw_wkey *key, void *state, void *arg)
{
	struct psi *ps = arg;
	const uint64_t *st = state;
	size_t i, k;

	if (ps->emit) {
		emit_state(key, st, ps);
		return;
	}
	for (i = 0; i < ps->prof->nf; i++) {
		const struct mlw_feature *f = &ps->prof->f[i];
		const uint64_t *cur = st + ps->off[i];
		uint64_t n = 0, missing = cur[f->nbins];
		struct mlw_buf *b = &ps->out;

		for (k = 0; k < f->nbins; k++)
			n += cur[k];
		b->len = 0;
		mlw_jw_open(b, '{');
		mlw_wkey_write(b, key);
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
			if (f->categorical) {
				mlw_jw_key(b, "categories");
				mlw_jw_open(b, '[');
				for (k = 0; k < f->cats.n; k++) {
					mlw_jw_sep(b);
					mlw_jw_str(b, f->cats.ent[k].s,
					    f->cats.ent[k].len);
				}
				mlw_jw_close(b, ']');
			} else {
				mlw_jw_key(b, "edges");
				mlw_jw_open(b, '[');
				for (k = 0; k < f->nedges; k++) {
					mlw_jw_sep(b);
					mlw_jw_num(b, f->edges[k]);
				}
				mlw_jw_close(b, ']');
			}
			props(b, "ref", f->ref, f->nbins, f->ref_n);
			props(b, "cur", cur, f->nbins, n);
		}
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
		mlw_out_write(b->p, b->len);
	}
	mlw_out_flush();
}

/* Count every record of in into its window's state. */
static void
count(struct psi *ps, struct mlw_wtab *tab, struct mlw_input *in)
{
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wkey key;
	size_t i;

	memset(&doc, 0, sizeof doc);
	while (mlw_input_next(in, &ln)) {
		char fwhy[128];
		uint64_t *st;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		mlw_json_getset(&doc, &ps->set, ps->tok);
		for (i = 0; i < ps->prof->nf; i++) {
			const struct mlw_feature *f = &ps->prof->f[i];

			ps->bins[i] = mlw_feature_bin(f, &doc, ps->tok[i], fwhy);
			if (ps->bins[i] == -2)
				break;
		}
		if (i < ps->prof->nf) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", fwhy);
			continue;
		}
		st = mlw_wtab_open(tab, &key);
		for (i = 0; i < ps->prof->nf; i++) {
			size_t nb = ps->prof->f[i].nbins;

			st[ps->off[i] + (ps->bins[i] < 0 ? nb :
			    (size_t)ps->bins[i])]++;
		}
	}
	mlw_wtab_close_all(tab);
	if (ps->emit)
		mlw_state_end("mlw-psi", ps->hash);
	mlw_json_free(&doc);
}

void
mlw_psi_run(struct mlw_psiref *prof, const struct mlw_psi_opts *o,
    struct mlw_input *in)
{
	static struct psi psv;	/* its messages are counted until mlw_finish */
	struct psi *ps = &psv;
	struct mlw_wtab *tab;
	struct mlw_path *paths;
	size_t i;

	memset(ps, 0, sizeof *ps);
	ps->prof = prof;
	ps->eps = o->eps;
	ps->detail = o->detail;
	ps->emit = o->emit;
	ps->nulls.what = "null results";
	ps->off = mlw_xcalloc(ps->prof->nf, sizeof *ps->off);
	ps->bins = mlw_xcalloc(ps->prof->nf, sizeof *ps->bins);
	ps->tok = mlw_xcalloc(ps->prof->nf, sizeof *ps->tok);
	paths = mlw_xcalloc(ps->prof->nf, sizeof *paths);
	for (i = 0; i < ps->prof->nf; i++)
		paths[i] = ps->prof->f[i].path;
	mlw_pathset_init(&ps->set, paths, ps->prof->nf);
	for (i = 0; i < ps->prof->nf; i++) {
		ps->off[i] = ps->ncounts;
		ps->ncounts += ps->prof->f[i].nbins + 1;
	}
	tab = mlw_wtab_new(ps->ncounts * sizeof(uint64_t), reset, report, ps);
	ps->hash = mlw_psiref_hash(ps->prof);

	if (o->merge)
		merge(ps, tab, in);
	else
		count(ps, tab, in);
	mlw_wtab_free(tab);
	mlw_buf_free(&ps->out);
	free(ps->off);
	free(ps->bins);
	free(ps->tok);
	free(paths);
	mlw_pathset_free(&ps->set);
}
