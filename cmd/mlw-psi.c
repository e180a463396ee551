/* mlw-psi: Population Stability Index of each field, per window, against a
 * reference. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "opt.h"
#include "psiref.h"
#include "state.h"
#include "stats.h"
#include "window.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-psi --ref REF [--fields PATHS] [--categorical PATHS] [--bins N]\n"
    "               [--binning quantile|uniform] [--eps E] [--detail]\n"
    "               [--save-ref FILE] [--emit-state | --merge] [--strict]\n"
    "               [--rejects FILE] [FILE ...]";

struct psi {
	struct mlw_psiref prof;
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

	for (i = 0; i < ps->prof.nf; i++) {
		const struct mlw_feature *f = &ps->prof.f[i];
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
	for (i = 0; i < ps->prof.nf; i++)
		if (ps->prof.f[i].nbins > maxb)
			maxb = ps->prof.f[i].nbins;
	tmp = mlw_xcalloc(maxb + 1, sizeof *tmp);
	mlw_state_in_init(&r, "mlw-psi", ps->hash);
	while (mlw_state_next(&r, in, &ln, &doc, &key)) {
		if ((k = mlw_psiref_state_read(&ps->prof, &r, &ln, &doc,
		    tmp)) < 0)
			continue;
		st = mlw_wtab_open(tab, &key);
		for (i = 0; i <= ps->prof.f[k].nbins; i++)
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
	for (i = 0; i < ps->prof.nf; i++) {
		const struct mlw_feature *f = &ps->prof.f[i];
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bins", required_argument, NULL, 'b' },
		{ "binning", required_argument, NULL, 'B' },
		{ "categorical", required_argument, NULL, 'c' },
		{ "detail", no_argument, NULL, 'd' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "eps", required_argument, NULL, 'e' },
		{ "fields", required_argument, NULL, 'f' },
		{ "merge", no_argument, NULL, 'M' },
		{ "ref", required_argument, NULL, 'r' },
		{ "save-ref", required_argument, NULL, 's' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct psi ps;
	struct mlw_psiref_opts po;
	const char *ref = NULL, *save = NULL;
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	struct mlw_path *paths;
	size_t i;
	int ch, domerge = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&ps, 0, sizeof ps);
	memset(&po, 0, sizeof po);
	memset(&doc, 0, sizeof doc);
	ps.eps = 1e-4;
	ps.nulls.what = "null results";
	po.bins = 10;
	po.binning = MLW_BINNING_QUANTILE;
	while ((ch = getopt_long(argc, argv, "b:c:de:f:hr:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'B':
			if (strcmp(optarg, "quantile") == 0)
				po.binning = MLW_BINNING_QUANTILE;
			else if (strcmp(optarg, "uniform") == 0)
				po.binning = MLW_BINNING_UNIFORM;
			else {
				mlw_opt_error("--binning: expected quantile or "
				    "uniform, found '%s'", optarg);
			}
			po.bins_given = 1;
			break;
		case 'E':
			ps.emit = 1;
			break;
		case 'M':
			domerge = 1;
			break;
		case 'b':
			mlw_psiref_opt_bins(&po, optarg);
			break;
		case 'c':
			po.categorical = mlw_list_opt("--categorical", optarg,
			    po.categorical, &po.ncategorical);
			break;
		case 'd':
			ps.detail = 1;
			break;
		case 'e':
			if (mlw_num_strict(optarg, &ps.eps) < 0 ||
			    !(ps.eps > 0 && ps.eps < 1))
				mlw_opt_error("--eps: expected a number between 0 "
				    "and 1, found '%s'", optarg);
			break;
		case 'f':
			po.fields = mlw_list_opt("--fields", optarg,
			    po.fields, &po.nfields);
			break;
		case 'r':
			ref = optarg;
			break;
		case 's':
			save = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (ref == NULL)
		mlw_opt_error("--ref is required");
	if (ps.emit && domerge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	mlw_psiref_opts_check(&po);

	mlw_psiref_load(&ps.prof, ref, &po);
	if (save) {
		mlw_psiref_save(&ps.prof, save);
		mlw_psiref_free(&ps.prof);
		mlw_free_list(po.fields, po.nfields);
		mlw_free_list(po.categorical, po.ncategorical);
		return mlw_finish();
	}
	ps.off = mlw_xcalloc(ps.prof.nf, sizeof *ps.off);
	ps.bins = mlw_xcalloc(ps.prof.nf, sizeof *ps.bins);
	ps.tok = mlw_xcalloc(ps.prof.nf, sizeof *ps.tok);
	paths = mlw_xcalloc(ps.prof.nf, sizeof *paths);
	for (i = 0; i < ps.prof.nf; i++)
		paths[i] = ps.prof.f[i].path;
	mlw_pathset_init(&ps.set, paths, ps.prof.nf);
	for (i = 0; i < ps.prof.nf; i++) {
		ps.off[i] = ps.ncounts;
		ps.ncounts += ps.prof.f[i].nbins + 1;
	}
	tab = mlw_wtab_new(ps.ncounts * sizeof(uint64_t), reset, report, &ps);
	ps.hash = mlw_psiref_hash(&ps.prof);

	in = mlw_input_new(argv, argc);
	if (domerge) {
		merge(&ps, tab, in);
		goto done;
	}
	while (mlw_input_next(in, &ln)) {
		char fwhy[128];
		uint64_t *st;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		mlw_json_getset(&doc, &ps.set, ps.tok);
		for (i = 0; i < ps.prof.nf; i++) {
			const struct mlw_feature *f = &ps.prof.f[i];

			ps.bins[i] = mlw_feature_bin(f, &doc, ps.tok[i], fwhy);
			if (ps.bins[i] == -2)
				break;
		}
		if (i < ps.prof.nf) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", fwhy);
			continue;
		}
		st = mlw_wtab_open(tab, &key);
		for (i = 0; i < ps.prof.nf; i++) {
			size_t nb = ps.prof.f[i].nbins;

			st[ps.off[i] + (ps.bins[i] < 0 ? nb : (size_t)ps.bins[i])]++;
		}
	}
	mlw_wtab_close_all(tab);
	if (ps.emit)
		mlw_state_end("mlw-psi", ps.hash);

done:
	mlw_wtab_free(tab);
	mlw_input_free(in);
	mlw_json_free(&doc);
	mlw_buf_free(&ps.out);
	free(ps.off);
	free(ps.bins);
	free(ps.tok);
	free(paths);
	mlw_pathset_free(&ps.set);
	mlw_psiref_free(&ps.prof);
	mlw_free_list(po.fields, po.nfields);
	mlw_free_list(po.categorical, po.ncategorical);
	return mlw_finish();
}
