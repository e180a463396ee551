/* mlw-drift: the drift battery (a statistical test or distance per field),
 * per window, against a reference, and a verdict for the whole dataset. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "diag.h"
#include "drift_method.h"
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
    "mlw-drift --ref REF [--fields PATHS] [--categorical PATHS]\n"
    "                 [--method auto|NAME] [--method-for PATH=NAME]...\n"
    "                 [--threshold X] [--auto-threshold] [--drift-share S]\n"
    "                 [--binning sturges|quantile] [--bins N] [--js-base B]\n"
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
		{ "binning", required_argument, NULL, 'B' },
		{ "categorical", required_argument, NULL, 'c' },
		{ "drift-share", required_argument, NULL, 'D' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "fields", required_argument, NULL, 'f' },
		{ "js-base", required_argument, NULL, 'J' },
		{ "method", required_argument, NULL, 'm' },
		{ "merge", no_argument, NULL, 'G' },
		{ "method-for", required_argument, NULL, 'M' },
		{ "ref", required_argument, NULL, 'r' },
		{ "threshold", required_argument, NULL, 't' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct mlw_drift d;
	struct mlw_psiref_opts po;
	const char *ref = NULL;
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_wtab *tab;
	struct mlw_wkey key;
	char **mfor = NULL;
	size_t nmfor = 0, i, j;
	int *methods;
	double threshold = NAN;
	int method = MLW_DM_AUTO, ch, domerge = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&d, 0, sizeof d);
	memset(&po, 0, sizeof po);
	memset(&doc, 0, sizeof doc);
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
			if (strcmp(optarg, "quantile") == 0)
				d.quantile = 1;
			else if (strcmp(optarg, "sturges") == 0)
				d.quantile = 0;
			else {
				mlw_opt_error("--binning: expected sturges or "
				    "quantile, found '%s'", optarg);
			}
			break;
		case 'D':
			d.share = mlw_opt_num("--drift-share", optarg, 0, 1, NULL);
			break;
		case 'E':
			d.emit = 1;
			break;
		case 'G':
			domerge = 1;
			break;
		case 'J':
			d.js_base = mlw_opt_num("--js-base", optarg, 0, INFINITY, NULL);
			if (d.js_base <= 0 || d.js_base == 1)
				mlw_opt_error("--js-base: expected a base above 0 "
				    "other than 1, found '%s'", optarg);
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
		case 't':
			/* p-values and distances are never negative */
			threshold = mlw_opt_num("--threshold", optarg, 0, INFINITY, NULL);
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
		mlw_opt_error("--emit-state and --merge need --binning quantile (the "
		    "Sturges bins depend on every value of a window)");
	if (po.bins_given && !d.quantile)
		mlw_opt_error("--bins applies to --binning quantile only");
	mlw_psiref_opts_check(&po);
	po.keep_order = d.autothr;
	po.bins_given = 0;       /* a saved profile brings its own bins */

	mlw_psiref_load(&d.prof, ref, &po);
	if (d.prof.saved && !d.quantile)
		mlw_fatal("%s is a saved profile: it has bins, not values; use "
		    "--binning quantile with psi, kl or jensenshannon", ref);
	if (d.prof.saved && d.autothr)
		mlw_fatal("--auto-threshold needs reference records, not the "
		    "saved profile %s", ref);
	methods = mlw_xcalloc(d.prof.nf, sizeof *methods);
	for (i = 0; i < d.prof.nf; i++)
		methods[i] = method;
	for (j = 0; j < nmfor; j++) {
		const char *eq = strrchr(mfor[j], '=');
		size_t len = (size_t)(eq - mfor[j]);

		for (i = 0; i < d.prof.nf; i++)
			if (strlen(d.prof.f[i].path.text) == len &&
			    strncmp(mfor[j], d.prof.f[i].path.text, len) == 0)
				break;
		if (i == d.prof.nf)
			mlw_fatal("--method-for: %.*s is not a field of the "
			    "reference", (int)len, mfor[j]);
		methods[i] = mlw_dmethod_find(eq + 1);
	}
	mlw_drift_setup(&d, methods, threshold);
	tab = mlw_wtab_new(mlw_drift_state_size(&d), mlw_drift_reset,
	    mlw_drift_report, &d);
	mlw_wtab_set_destroy(tab, mlw_drift_destroy);

	in = mlw_input_new(argv, argc);
	if (domerge) {
		mlw_drift_merge(&d, tab, in);
		goto done;
	}
	while (mlw_input_next(in, &ln)) {
		char why[128];

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (!mlw_wtab_route(tab, &doc, &ln, &key))
			continue;
		if (mlw_drift_check(&d, &doc, why) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s", why);
			continue;
		}
		mlw_drift_add(&d, mlw_wtab_open(tab, &key));
	}
	mlw_wtab_close_all(tab);
	if (d.emit)
		mlw_state_end("mlw-drift", d.hash);

done:
	mlw_wtab_free(tab);
	mlw_input_free(in);
	mlw_json_free(&doc);
	mlw_drift_free(&d);
	free(methods);
	free(mfor);
	mlw_free_list(po.fields, po.nfields);
	mlw_free_list(po.categorical, po.ncategorical);
	return mlw_finish();
}
