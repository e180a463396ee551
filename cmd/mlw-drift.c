/* mlw-drift: the drift battery (a statistical test or distance per field),
 * per window, against a reference, and a verdict for the whole dataset. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "drift_method.h"
#include "io.h"
#include "opt.h"
#include "out.h"
#include "psiref.h"
#include "seg.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-drift --ref REF [--fields PATHS] [--categorical PATHS]\n"
    "                 [--method auto|NAME] [--method-for PATH=NAME]...\n"
    "                 [--threshold X] [--auto-threshold] [--drift-share S]\n"
    "                 [--correction none|bonferroni|fdr]\n"
    "                 [--binning sturges|quantile] [--bins N] [--js-base B]\n"
    "                 [--detail]\n"
    "                 [--by PATHS] [--ref-fallback none|all] [--max-keys N]\n"
    "                 [--emit-state | --merge] [--strict] [--rejects FILE]\n"
    "                 [FILE ...]";

static int
method_opt(const char *opt, const char *name)
{
	int m = mlw_dmethod_find(name);

	if (m < 0)
		mlw_opt_error("%s: unknown method '%s' (see mlw-drift(1))", opt,
		    name);
	return m;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "auto-threshold", no_argument, NULL, 'A' },
		{ "bins", required_argument, NULL, 'b' },
		{ "by", required_argument, NULL, 'y' },
		{ "binning", required_argument, NULL, 'B' },
		{ "categorical", required_argument, NULL, 'c' },
		{ "correction", required_argument, NULL, 'C' },
		{ "detail", no_argument, NULL, 'L' },
		{ "drift-share", required_argument, NULL, 'D' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "fields", required_argument, NULL, 'f' },
		{ "js-base", required_argument, NULL, 'J' },
		{ "method", required_argument, NULL, 'm' },
		{ "merge", no_argument, NULL, 'G' },
		{ "method-for", required_argument, NULL, 'M' },
		{ "ref", required_argument, NULL, 'r' },
		{ "ref-fallback", required_argument, NULL, 'F' },
		{ "threshold", required_argument, NULL, 't' },
		MLW_MAX_KEYS_OPTION,
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const fallbacks[] = { "none", "all", NULL };
	static const char *const taken[] = {	/* the members it writes */
		"correction", "alpha", "tests",	/* with --correction only */
		"feature", "method", "statistic", "p_value", "threshold",
		"drift", "n", "missing", "ref_n", "drifted", "features",
		"edges", "categories", "ref", "cur",
		"share", "dataset_drift", NULL
	};
	struct mlw_seg seg;
	char **by = NULL;
	size_t nby = 0;
	struct mlw_drift d;
	struct mlw_psiref_opts po;
	const char *ref = NULL;
	static const char *const binnings[] = { "sturges", "quantile", NULL };
	struct mlw_input *in;
	char **mfor = NULL;
	size_t nmfor = 0;
	double threshold = NAN;
	int method = MLW_DM_AUTO, ch, domerge = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&d, 0, sizeof d);
	memset(&po, 0, sizeof po);
	d.share = 0.5;
	po.bins = 10;
	po.binning = MLW_BINNING_QUANTILE;
	po.keep_values = 1;
	while ((ch = getopt_long(argc, argv, "b:c:f:hm:r:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'A':
			d.autothr = 1;
			break;
		case 'B':
			d.quantile = mlw_opt_choice("--binning", optarg,
			    binnings, NULL);
			break;
		case 'C':
			d.correction = mlw_opt_choice("--correction", optarg,
			    mlw_dcorrections, NULL);
			break;
		case 'D':
			d.share = mlw_opt_num("--drift-share", optarg, 0, 1, NULL);
			break;
		case 'E':
			d.emit = 1;
			break;
		case 'L':
			d.detail = 1;
			break;
		case 'F':
			d.fallback = mlw_opt_choice("--ref-fallback", optarg,
			    fallbacks, NULL);
			break;
		case 'G':
			domerge = 1;
			break;
		case 'J':
			d.js_base = mlw_opt_num("--js-base", optarg, 0, INFINITY,
			    "a base above 0 other than 1");
			if (d.js_base == 0 || d.js_base == 1)
				mlw_opt_bad("--js-base", "a base above 0 other than 1",
				    optarg);
			break;
		case 'M':
			mfor = mlw_xrealloc(mfor, (nmfor + 1) * sizeof *mfor);
			mfor[nmfor++] = optarg;
			if (strchr(optarg, '=') == NULL)
				mlw_opt_error("--method-for: expected PATH=METHOD, "
				    "found '%s'", optarg);
			method_opt("--method-for", strrchr(optarg, '=') + 1);
			break;
		case 'b':
			mlw_psiref_opt_bins(&po, optarg);
			break;
		case 'c':
			po.categorical = mlw_list_opt("--categorical", optarg,
			    po.categorical, &po.ncategorical);
			break;
		case 'f':
			po.fields = mlw_list_opt("--fields", optarg,
			    po.fields, &po.nfields);
			break;
		case 'm':
			method = method_opt("--method", optarg);
			break;
		case 'r':
			ref = optarg;
			break;
		case 'y':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		case 't':
			/* p-values and distances are never negative */
			threshold = mlw_opt_num("--threshold", optarg, 0,
			    INFINITY, NULL);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (ref == NULL)
		mlw_opt_error("--ref is required");
	if (d.emit && domerge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if ((d.emit || domerge) && !d.quantile)
		mlw_opt_error("--emit-state and --merge need --binning quantile "
		    "(the Sturges bins depend on every value of a window)");
	if (po.bins_given && !d.quantile)
		mlw_opt_error("--bins applies to --binning quantile only");
	mlw_psiref_opts_check(&po);
	po.keep_order = d.autothr;
	po.bins_given = 0;       /* a saved profile brings its own bins */
	if (d.fallback && nby == 0)
		mlw_opt_error("--ref-fallback applies to --by only");
	if (nby) {
		mlw_seg_opt_check(by, nby, d.correction ? taken : taken + 3);
		mlw_seg_init(&seg, by, nby);
		d.seg = &seg;
	}

	mlw_drift_load(&d, ref, &po, method, mfor, nmfor, threshold);
	in = mlw_input_new(argv, argc);
	mlw_drift_run(&d, domerge, in);
	mlw_input_free(in);
	mlw_drift_free(&d);
	if (nby)
		mlw_seg_free(&seg);
	mlw_free_list(by, nby);
	free(mfor);
	mlw_free_list(po.fields, po.nfields);
	mlw_free_list(po.categorical, po.ncategorical);
	return mlw_finish();
}
