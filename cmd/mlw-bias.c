/* mlw-bias: group fairness of a binary classifier, per window, with
 * Fairlearn's definitions. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bias.h"
#include "io.h"
#include "json.h"
#include "opt.h"
#include "out.h"
#include "seg.h"

static const char usage_text[] =
    "mlw-bias --group PATH --label PATH (--pred PATH | --score PATH\n"
    "                [--threshold T]) [--positive VALUE]\n"
    "                [--reference-group VALUE] [--by PATHS] [--max-keys N]\n"
    "                [--strict] [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "group", required_argument, NULL, 'g' },
		{ "label", required_argument, NULL, 'l' },
		{ "positive", required_argument, NULL, 'P' },
		{ "pred", required_argument, NULL, 'p' },
		{ "reference-group", required_argument, NULL, 'r' },
		{ "score", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 'T' },
		MLW_COMMON_OPTIONS,
		MLW_MAX_KEYS_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const taken[] = {	/* the members it writes */
		"group", "value", "n", "selection_rate", "tpr", "fpr",
		"precision", "accuracy", "reference", "groups",
		"demographic_parity_difference", "demographic_parity_ratio",
		"disparate_impact", "disparate_impact_flag",
		"equal_opportunity_difference", "equalized_odds_difference",
		"pairwise", NULL
	};
	struct mlw_seg seg;
	char **by = NULL;
	size_t nby = 0;
	struct mlw_bias_opts o;
	struct mlw_path p;
	struct mlw_input *in;
	int ch, thrgiven = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.threshold = 0.5;
	while ((ch = getopt_long(argc, argv, "g:hl:p:r:s:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'P':
			o.positive = optarg;
			break;
		case 'T':
			o.threshold = mlw_opt_num("--threshold", optarg,
			    -INFINITY, INFINITY, NULL);
			thrgiven = 1;
			break;
		case 'b':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		case 'g':
			o.group = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'p':
			o.pred = optarg;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 's':
			o.score = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.group == NULL || o.label == NULL)
		mlw_opt_error("--group and --label are required");
	if ((o.pred == NULL) == (o.score == NULL))
		mlw_opt_error("give one of --pred and --score");
	if (thrgiven && o.score == NULL)
		mlw_opt_error("--threshold needs --score");
	mlw_path_opt(&p, "--group", o.group);
	mlw_path_free(&p);
	mlw_path_opt(&p, "--label", o.label);
	mlw_path_free(&p);
	mlw_path_opt(&p, o.pred ? "--pred" : "--score", o.pred ? o.pred :
	    o.score);
	mlw_path_free(&p);

	if (nby) {
		mlw_seg_opt_check(by, nby, taken);
		mlw_seg_init(&seg, by, nby);
	}
	in = mlw_input_new(argv, argc);
	mlw_bias_run(&o, nby ? &seg : NULL, in);
	mlw_input_free(in);
	if (nby)
		mlw_seg_free(&seg);
	mlw_free_list(by, nby);
	return mlw_finish();
}
