/* mlw-mvdrift: drift of the records as a whole (and of embeddings) per
 * window: PCA reconstruction error, MMD, a domain classifier, the distance
 * of the mean vectors. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "mvdrift.h"
#include "opt.h"
#include "out.h"
#include "seg.h"

static const char usage_text[] =
    "mlw-mvdrift --ref REF [--fields PATHS] [--categorical PATHS]\n"
    "                   [--vector PATH]\n"
    "                   [--method pca|mmd|classifier|meandist]\n"
    "                   [--share S] [--chunk N]\n"
    "                   [--thresholds in-sample|cross-fit] [--max-samples N]\n"
    "                   [--permutations B] [--alpha A] [--seed S]\n"
    "                   [--folds K] [--l2 L] [--degree auto|1|2]\n"
    "                   [--distance euclidean|cosine] [--threshold X]\n"
    "                   [--by PATHS] [--ref-fallback none|all] [--max-keys N]\n"
    "                   [--emit-state | --merge] [--strict] [--rejects FILE]\n"
    "                   [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "alpha", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "categorical", required_argument, NULL, 'c' },
		{ "chunk", required_argument, NULL, 'C' },
		{ "degree", required_argument, NULL, 'D' },
		{ "distance", required_argument, NULL, 'd' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "fields", required_argument, NULL, 'f' },
		{ "folds", required_argument, NULL, 'k' },
		{ "l2", required_argument, NULL, 'L' },
		{ "max-samples", required_argument, NULL, 'n' },
		{ "merge", no_argument, NULL, 'G' },
		{ "method", required_argument, NULL, 'm' },
		{ "permutations", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, 'r' },
		{ "ref-fallback", required_argument, NULL, 'F' },
		{ "seed", required_argument, NULL, 'S' },
		{ "share", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 't' },
		{ "thresholds", required_argument, NULL, 'T' },
		{ "vector", required_argument, NULL, 'v' },
		MLW_COMMON_OPTIONS,
		MLW_MAX_KEYS_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const taken[] = {	/* the members it writes */
		"method", "statistic", "p_value", "threshold",
		"lower_threshold", "drift", "n", "ref_n", "sampling_error",
		"components", "explained_variance", "bandwidth",
		"permutations", "exact", "sample", "ref_sample", "folds",
		"degree", "distance", "euclidean", "cosine", NULL
	};
	static const char *const methods[] = {
		"pca", "mmd", "classifier", "meandist", NULL
	};
	static const char *const degrees[] = { "auto", "1", "2", NULL };
	static const char *const dists[] = { "euclidean", "cosine", NULL };
	static const char *const fallbacks[] = { "none", "all", NULL };
	static const char *const fits[] = { "in-sample", "cross-fit", NULL };
	struct mlw_mv_opts o;
	struct mlw_seg seg;
	struct mlw_mv *v;
	struct mlw_input *in;
	char **by = NULL;
	size_t nby = 0;
	int ch, set_thr = 0, set_dist = 0, set_fit = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.share = 0.65;
	o.max_samples = 1000;
	o.permutations = 100;
	o.alpha = 0.05;
	o.threshold = NAN;
	o.folds = 5;
	o.l2 = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'C':
			o.chunk = (uint64_t)mlw_opt_int("--chunk", optarg, 1,
			    1000000000000LL, NULL);
			break;
		case 'D':
			o.degree = mlw_opt_choice("--degree", optarg, degrees,
			    NULL);
			break;
		case 'E':
			o.emit = 1;
			break;
		case 'F':
			o.fallback = mlw_opt_choice("--ref-fallback", optarg,
			    fallbacks, NULL);
			break;
		case 'G':
			o.merge = 1;
			break;
		case 'L':
			o.l2 = mlw_opt_num("--l2", optarg, 1e-12, 1e12, NULL);
			break;
		case 'S':
			o.seed = (uint64_t)mlw_opt_int("--seed", optarg, 0,
			    9007199254740992LL, NULL);
			break;
		case 'T':
			o.crossfit = mlw_opt_choice("--thresholds", optarg, fits,
			    NULL);
			set_fit = 1;
			break;
		case 'a':
			o.alpha = mlw_opt_num("--alpha", optarg, 0, 1, NULL);
			break;
		case 'b':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		case 'c':
			o.cats = mlw_list_opt("--categorical", optarg, o.cats,
			    &o.ncats);
			break;
		case 'd':
			o.distance = mlw_opt_choice("--distance", optarg, dists,
			    NULL);
			set_dist = 1;
			break;
		case 'f':
			o.fields = mlw_list_opt("--fields", optarg, o.fields,
			    &o.nfields);
			break;
		case 'k':
			o.folds = (unsigned)mlw_opt_int("--folds", optarg, 2, 100,
			    NULL);
			break;
		case 'm':
			o.method = mlw_opt_choice("--method", optarg, methods,
			    NULL);
			break;
		case 'n':
			o.max_samples = (uint64_t)mlw_opt_int("--max-samples",
			    optarg, 2, MLW_MV_MAX_SAMPLES, NULL);
			break;
		case 'p':
			o.permutations = (uint64_t)mlw_opt_int("--permutations",
			    optarg, 1, 1000000000, NULL);
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 's':
			o.share = mlw_opt_num("--share", optarg, 0, 1, NULL);
			if (!(o.share > 0 && o.share < 1))
				mlw_opt_error("--share: expected a number "
				    "between 0 and 1 (exclusive), found '%s'",
				    optarg);
			break;
		case 't':
			o.threshold = mlw_opt_num("--threshold", optarg,
			    -INFINITY, INFINITY, NULL);
			set_thr = 1;
			break;
		case 'v':
			o.vector = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.ref == NULL)
		mlw_opt_error("--ref is required: the reference to compare "
		    "with");
	if (o.nfields == 0 && o.vector == NULL)
		mlw_opt_error("give the dimensions: --fields, --vector or both");
	if (o.emit && o.merge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if (set_thr && (o.method == MLW_MV_PCA || o.method == MLW_MV_MMD))
		mlw_opt_error("--threshold applies to classifier and "
		    "meandist (pca's thresholds come from the reference, "
		    "mmd's verdict from --alpha)");
	if (set_fit && o.method != MLW_MV_PCA)
		mlw_opt_error("--thresholds applies to --method pca");
	if (o.method == MLW_MV_CLASSIFIER && o.max_samples < o.folds)
		mlw_opt_error("--max-samples %llu is fewer than --folds %u: no "
		    "fold would hold a record of each side",
		    (unsigned long long)o.max_samples, o.folds);
	if (set_dist && o.method != MLW_MV_MEANDIST)
		mlw_opt_error("--distance applies to --method meandist");
	if (nby) {
		mlw_seg_opt_check(by, nby, taken);
		mlw_seg_init(&seg, by, nby);
	} else if (o.fallback)
		mlw_opt_error("--ref-fallback applies to --by");
	v = mlw_mv_new(&o, nby ? &seg : NULL);
	in = mlw_input_new(argv, argc);
	mlw_mv_run(v, in);
	mlw_input_free(in);
	mlw_mv_free(v);
	if (nby)
		mlw_seg_free(&seg);
	mlw_free_list(by, nby);
	mlw_free_list(o.fields, o.nfields);
	mlw_free_list(o.cats, o.ncats);
	return mlw_finish();
}
