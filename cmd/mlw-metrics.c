/* mlw-metrics: model quality per window and segment once labels are known. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "io.h"
#include "json.h"
#include "metrics_stream.h"
#include "opt.h"
#include "out.h"

static const char usage_text[] =
    "mlw-metrics --task binary|multiclass|regression --label PATH\n"
    "                   [--pred PATH] [--score PATH] [--threshold T]\n"
    "                   [--positive VALUE] [--by PATHS] [--max-keys N]\n"
    "                   [--auc-bins N] [--calibration-bins N]\n"
    "                   [--calibration-strategy uniform|quantile] [--detail]\n"
    "                   [--emit-state | --merge] [--strict]\n"
    "                   [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "auc-bins", required_argument, NULL, 'A' },
		{ "by", required_argument, NULL, 'b' },
		{ "calibration-bins", required_argument, NULL, 'C' },
		{ "calibration-strategy", required_argument, NULL, 'S' },
		{ "detail", no_argument, NULL, 'D' },
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
	struct mlw_metrics_opts o;
	struct mlw_path p;
	struct mlw_input *in;
	int ch, strategy = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.task = -1;
	o.threshold = 0.5;
	while ((ch = getopt_long(argc, argv, "b:hl:p:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'A':
			o.bins = (int)mlw_opt_int("--auc-bins", optarg, 2,
			    1000000, NULL);
			break;
		case 'C':
			/* each bin holds an exact sum (about 600 bytes) in
			 * every segment of every open window */
			o.cbins = (int)mlw_opt_int("--calibration-bins", optarg,
			    2, 1000, NULL);
			break;
		case 'D':
			o.detail = 1;
			break;
		case 'E':
			o.emit = 1;
			break;
		case 'M':
			o.merge = 1;
			break;
		case 'P':
			o.positive = optarg;
			break;
		case 'S':
			o.cstrat = mlw_opt_choice("--calibration-strategy",
			    optarg, mlw_calib_strategy_names, NULL);
			strategy = 1;
			break;
		case 'T':
			/* scores are probabilities: a threshold beyond them
			 * would predict one class whatever the score */
			o.threshold = mlw_opt_num("--threshold", optarg, 0, 1,
			    NULL);
			break;
		case 'b':
			o.by = mlw_list_opt("--by", optarg, o.by, &o.nby);
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'p':
			o.pred = optarg;
			break;
		case 's':
			o.score = optarg;
			break;
		case 't':
			o.task = mlw_opt_choice("--task", optarg, mlw_task_names,
			    NULL);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.task < 0 || o.label == NULL)
		mlw_opt_error("--task and --label are required");
	if (o.pred == NULL && (o.score == NULL || o.task != MLW_TASK_BINARY))
		mlw_opt_error(o.task == MLW_TASK_BINARY ?
		    "--pred or --score is required" : "--pred is required");
	if ((o.score || o.bins || o.cbins) && o.task != MLW_TASK_BINARY)
		mlw_opt_error("--score, --auc-bins and --calibration-bins are "
		    "for --task binary");
	if (o.detail && o.score == NULL)
		mlw_opt_error("--detail needs --score (and --task binary)");
	if (o.cbins && o.score == NULL)
		mlw_opt_error("--calibration-bins needs --score");
	if (strategy && o.cbins == 0)
		mlw_opt_error("--calibration-strategy needs --calibration-bins");
	if (o.emit && o.merge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if ((o.emit || o.merge) && o.score && o.bins == 0)
		mlw_opt_error("%s with --score needs --auc-bins: the exact ROC "
		    "and PR AUC need every score and cannot be merged",
		    o.emit ? "--emit-state" : "--merge");
	if ((o.emit || o.merge) && o.cbins && o.cstrat == MLW_CALIB_QUANTILE)
		mlw_opt_error("%s with --calibration-strategy quantile: the "
		    "quantile bin edges need every score and cannot be merged "
		    "(uniform bins can)", o.emit ? "--emit-state" : "--merge");
	mlw_path_opt(&p, "--label", o.label);
	mlw_path_free(&p);
	if (o.pred) {
		mlw_path_opt(&p, "--pred", o.pred);
		mlw_path_free(&p);
	}
	if (o.score) {
		mlw_path_opt(&p, "--score", o.score);
		mlw_path_free(&p);
	}
	mlw_paths_free(mlw_paths_opt("--by", o.by, o.nby), o.nby);

	in = mlw_input_new(argv, argc);
	mlw_metrics_run(&o, in);
	mlw_input_free(in);
	mlw_free_list(o.by, o.nby);
	return mlw_finish();
}
