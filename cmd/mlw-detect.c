/* mlw-detect: online change detection over a field of a live stream, with
 * River's detectors (lib/detect.h), one per --by key. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect_stream.h"
#include "io.h"
#include "json.h"
#include "opt.h"
#include "out.h"

static const char usage_text[] =
    "mlw-detect --field PATH --method METHOD [--by PATHS] [--all]\n"
    "                  [--mode up|down|both] [--min-instances N] [--delta X]\n"
    "                  [--threshold X] [--alpha X] [--beta X] [--warmup N]\n"
    "                  [--k X] [--h X] [--clock N] [--max-buckets N]\n"
    "                  [--min-window-length N] [--grace-period N]\n"
    "                  [--warm-start N] [--warning-threshold X]\n"
    "                  [--drift-threshold X] [--drift-confidence X]\n"
    "                  [--warning-confidence X] [--lambda X] [--two-sided]\n"
    "                  [--window-size N] [--stat-size N] [--seed N]\n"
    "                  [--max-keys N] [--strict] [--rejects FILE] [FILE ...]\n"
    "methods: page-hinkley cusum adwin ddm eddm hddm-a hddm-w kswin";

int
main(int argc, char *argv[])
{
	struct option longopts[MLW_DET_NOPTS + 10];
	static const struct option fixed[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "field", required_argument, NULL, 'f' },
		MLW_MAX_KEYS_OPTION,
		{ "method", required_argument, NULL, 'm' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const char *given[MLW_DET_NOPTS] = { NULL };
	struct mlw_detect_opts o;
	struct mlw_path p;
	struct mlw_input *in;
	int ch;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	memcpy(longopts + mlw_det_longopts(longopts), fixed, sizeof fixed);
	while ((ch = getopt_long(argc, argv, "ab:f:hm:", longopts, NULL)) !=
	    -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		if (ch >= MLW_DET_OPT_BASE &&
		    ch < MLW_DET_OPT_BASE + MLW_DET_NOPTS) {
			given[ch - MLW_DET_OPT_BASE] = optarg ? optarg : "";
			continue;
		}
		switch (ch) {
		case 'a':
			o.all = 1;
			break;
		case 'b':
			o.by = mlw_list_opt("--by", optarg, o.by, &o.nby);
			break;
		case 'f':
			o.field = optarg;
			break;
		case 'm':
			o.method = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.field == NULL)
		mlw_opt_error("--field is required");
	mlw_path_opt(&p, "--field", o.field);
	mlw_path_free(&p);
	if (o.method == NULL)
		mlw_opt_error("--method is required");
	mlw_det_options(&o.det, o.method, given);
	mlw_paths_free(mlw_paths_opt("--by", o.by, o.nby), o.nby);

	in = mlw_input_new(argv, argc);
	mlw_detect_run(&o, in);
	mlw_input_free(in);
	mlw_free_list(o.by, o.nby);
	return mlw_finish();
}
