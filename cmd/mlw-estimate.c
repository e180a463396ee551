/* mlw-estimate: a model's quality per window before the labels arrive,
 * by NannyML's confidence-based performance estimation (CBPE). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"
#include "io.h"
#include "opt.h"
#include "out.h"
#include "seg.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-estimate (--ref FILE (--score PATH [--pred PATH | --threshold T]\n"
    "                | --scores CLASS=PATH,... --pred PATH) --label PATH\n"
    "                [--positive VALUE] [--calibrate auto|always|never]\n"
    "                [--chunk N] [--save FILE] | --model FILE)\n"
    "                [--by PATHS] [--max-keys N] [--emit-state | --merge]\n"
    "                [--strict] [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "calibrate", required_argument, NULL, 'C' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "label", required_argument, NULL, 'l' },
		{ "merge", no_argument, NULL, 'G' },
		{ "model", required_argument, NULL, 'm' },
		{ "positive", required_argument, NULL, 'P' },
		{ "pred", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, 'r' },
		{ "save", required_argument, NULL, 'S' },
		{ "score", required_argument, NULL, 's' },
		{ "scores", required_argument, NULL, 'k' },
		{ "threshold", required_argument, NULL, 'T' },
		MLW_COMMON_OPTIONS,
		MLW_MAX_KEYS_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const taken[] = {	/* the members it writes */
		"metric", "estimate", "sampling_error", "lower", "upper",
		"lower_threshold", "upper_threshold", "alert", "n", "realized",
		"difference", "n_labeled", "calibrated", NULL
	};
	static const char *const cal[] = { "auto", "always", "never", NULL };
	struct mlw_est_opts o;
	struct mlw_seg seg;
	struct mlw_est *e;
	struct mlw_input *in;
	char **by = NULL, **pairs = NULL;
	size_t nby = 0, npairs = 0, i;
	int ch, fitopt = 0, thr = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.threshold = 0.5;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'C':
			o.calibrate = mlw_opt_choice("--calibrate", optarg, cal,
			    NULL);
			fitopt = 1;
			break;
		case 'E':
			o.emit = 1;
			break;
		case 'G':
			o.merge = 1;
			break;
		case 'P':
			o.positive = optarg;
			fitopt = 1;
			break;
		case 'S':
			o.save = optarg;
			break;
		case 'T':
			o.threshold = mlw_opt_num("--threshold", optarg,
			    -INFINITY, INFINITY, NULL);
			thr = fitopt = 1;
			break;
		case 'b':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		case 'c':
			o.chunk = (uint64_t)mlw_opt_int("--chunk", optarg, 2,
			    1000000000000LL, NULL);
			fitopt = 1;
			break;
		case 'k':
			pairs = mlw_list_opt("--scores", optarg, pairs, &npairs);
			fitopt = 1;
			break;
		case 'l':
			o.label = optarg;
			fitopt = 1;
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'p':
			o.pred = optarg;
			fitopt = 1;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 's':
			o.score = optarg;
			fitopt = 1;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((o.ref == NULL) == (o.model == NULL))
		mlw_opt_error("give one of --ref (a labelled reference to fit "
		    "on) and --model (a saved estimator)");
	if (o.model && fitopt)
		mlw_opt_error("--model: the paths and the fit come from the "
		    "estimator; --score, --scores, --pred, --label, "
		    "--threshold, --positive, --calibrate and --chunk apply "
		    "to --ref");
	if (o.model && o.save)
		mlw_opt_error("--save applies to --ref");
	if (o.emit && o.merge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if (o.ref) {
		if ((o.score == NULL) == (npairs == 0))
			mlw_opt_error("give one of --score (binary) and --scores "
			    "(multiclass)");
		if (o.label == NULL)
			mlw_opt_error("--label is required with --ref");
		if (npairs && o.pred == NULL)
			mlw_opt_error("--scores needs --pred, the predicted "
			    "class");
		if (thr && (o.pred || npairs))
			mlw_opt_error("--threshold applies to --score without "
			    "--pred");
		if (npairs && o.positive)
			mlw_opt_error("--positive applies to --score");
		if (npairs > MLW_EST_MAX_CLASSES || npairs == 1)
			mlw_opt_error("--scores: expected 2 to %d classes",
			    MLW_EST_MAX_CLASSES);
	}
	o.classes = mlw_xcalloc(npairs + 1, sizeof *o.classes);
	o.scores = mlw_xcalloc(npairs + 1, sizeof *o.scores);
	for (i = 0; i < npairs; i++) {
		char *eq = strchr(pairs[i], '=');

		if (eq == NULL || eq == pairs[i] || eq[1] == '\0')
			mlw_opt_error("--scores: expected CLASS=PATH, found '%s'",
			    pairs[i]);
		*eq = '\0';
		o.classes[i] = pairs[i];
		o.scores[i] = eq + 1;
	}
	o.nclasses = npairs;
	if (nby) {
		mlw_seg_opt_check(by, nby, taken);
		mlw_seg_init(&seg, by, nby);
	}
	e = mlw_est_new(&o, nby ? &seg : NULL);
	if (e) {
		in = mlw_input_new(argv, argc);
		mlw_est_run(e, in);
		mlw_input_free(in);
		mlw_est_free(e);
	}
	free(o.classes);
	free(o.scores);
	if (nby)
		mlw_seg_free(&seg);
	mlw_free_list(by, nby);
	mlw_free_list(pairs, npairs);
	return mlw_finish();
}
