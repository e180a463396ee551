/* mlw-psi: Population Stability Index of each field, per window, against a
 * reference. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "opt.h"
#include "out.h"
#include "psi.h"
#include "psiref.h"
#include "seg.h"

static const char usage_text[] =
    "mlw-psi --ref REF [--fields PATHS] [--categorical PATHS] [--bins N]\n"
    "               [--binning quantile|uniform] [--eps E] [--detail]\n"
    "               [--by PATHS] [--ref-fallback none|all] [--max-keys N]\n"
    "               [--save-ref FILE] [--emit-state | --merge] [--strict]\n"
    "               [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bins", required_argument, NULL, 'b' },
		{ "by", required_argument, NULL, 'y' },
		{ "binning", required_argument, NULL, 'B' },
		{ "categorical", required_argument, NULL, 'c' },
		{ "detail", no_argument, NULL, 'd' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "eps", required_argument, NULL, 'e' },
		{ "fields", required_argument, NULL, 'f' },
		{ "merge", no_argument, NULL, 'M' },
		{ "ref", required_argument, NULL, 'r' },
		{ "ref-fallback", required_argument, NULL, 'F' },
		{ "save-ref", required_argument, NULL, 's' },
		MLW_COMMON_OPTIONS,
		MLW_MAX_KEYS_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const binnings[] = {	/* MLW_BINNING_* */
		"quantile", "uniform", NULL
	};
	static const char *const fallbacks[] = { "none", "all", NULL };
	static const char *const taken[] = {	/* the members it writes */
		"feature", "psi", "n", "missing", "ref_n", "categories",
		"edges", "ref", "cur", NULL
	};
	struct mlw_psiref prof;
	struct mlw_psirefs refs;
	struct mlw_seg seg;
	char **by = NULL;
	size_t nby = 0;
	struct mlw_psiref_opts po;
	struct mlw_psi_opts o;
	const char *ref = NULL, *save = NULL;
	struct mlw_input *in;
	int ch;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	memset(&po, 0, sizeof po);
	o.eps = 1e-4;
	po.bins = 10;
	po.binning = MLW_BINNING_QUANTILE;
	while ((ch = getopt_long(argc, argv, "b:c:de:f:hr:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'B':
			po.binning = mlw_opt_choice("--binning", optarg,
			    binnings, NULL);
			po.bins_given = 1;
			break;
		case 'E':
			o.emit = 1;
			break;
		case 'F':
			o.fallback = mlw_opt_choice("--ref-fallback", optarg,
			    fallbacks, NULL);
			break;
		case 'M':
			o.merge = 1;
			break;
		case 'b':
			mlw_psiref_opt_bins(&po, optarg);
			break;
		case 'c':
			po.categorical = mlw_list_opt("--categorical", optarg,
			    po.categorical, &po.ncategorical);
			break;
		case 'd':
			o.detail = 1;
			break;
		case 'e':
			o.eps = mlw_opt_num("--eps", optarg, 0, 1,
			    "a number between 0 and 1");
			if (o.eps == 0 || o.eps == 1)
				mlw_opt_bad("--eps", "a number between 0 and 1",
				    optarg);
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
		case 'y':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (ref == NULL)
		mlw_opt_error("--ref is required");
	if (o.emit && o.merge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	mlw_psiref_opts_check(&po);
	if (o.fallback && nby == 0)
		mlw_opt_error("--ref-fallback applies to --by only");
	in = save ? NULL : mlw_input_new(argv, argc);
	if (nby) {
		mlw_seg_opt_check(by, nby, taken);
		mlw_seg_init(&seg, by, nby);
		mlw_psirefs_load(&refs, &seg, ref, &po, save || o.fallback);
		if (save)
			mlw_psirefs_save(&refs, &seg, save);
		else
			mlw_psi_run_by(&refs, &seg, &o, in);
		mlw_psirefs_free(&refs);
		mlw_seg_free(&seg);
	} else {
		mlw_psiref_load(&prof, ref, &po);
		if (save)
			mlw_psiref_save(&prof, save);
		else
			mlw_psi_run(&prof, &o, in);
		mlw_psiref_free(&prof);
	}
	mlw_input_free(in);
	mlw_free_list(by, nby);
	mlw_free_list(po.fields, po.nfields);
	mlw_free_list(po.categorical, po.ncategorical);
	return mlw_finish();
}
