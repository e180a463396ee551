/* mlw-runs: query the runs recorded by mlw-track (or an MLflow file
 * store): summaries, filters, sorting, one run, comparisons, learning
 * curves, the best run. */
#include <getopt.h>
#include <string.h>

#include "opt.h"
#include "out.h"
#include "track_query.h"

static const char usage_text[] =
    "mlw-runs [--store FILE | --mlflow DIR] [--where EXPR] [--sort [-]FIELD]\n"
    "                [--limit N] [--format jsonl|table] [--all-stats]\n"
    "                [--stale DUR] [--strict] [--rejects FILE]\n"
    "       mlw-runs [options] show RUN\n"
    "       mlw-runs [options] compare [--only-changed] RUN RUN ...\n"
    "       mlw-runs [options] history RUN [METRIC ...]\n"
    "       mlw-runs [options] best METRIC [--min | --max]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all-stats", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'l' },
		{ "max", no_argument, NULL, 'M' },
		{ "min", no_argument, NULL, 'm' },
		{ "mlflow", required_argument, NULL, 'F' },
		{ "only-changed", no_argument, NULL, 'c' },
		{ "sort", required_argument, NULL, 's' },
		{ "stale", required_argument, NULL, 'S' },
		{ "store", required_argument, NULL, 'r' },
		{ "where", required_argument, NULL, 'w' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = {	/* MLW_RFMT_* */
		"jsonl", "table", NULL
	};
	struct mlw_runs_query q;
	int ch, rc;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&q, 0, sizeof q);
	q.limit = -1;
	q.format = MLW_RFMT_JSONL;
	while ((ch = getopt_long(argc, argv, "f:hl:s:w:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'F':
			q.mlflow = optarg;
			break;
		case 'M':
			q.dir = 1;
			break;
		case 'S':
			q.stale = mlw_opt_duration("--stale", optarg, 1,
			    INT64_MAX, "a positive duration such as 1h");
			break;
		case 'a':
			q.all_stats = 1;
			break;
		case 'c':
			q.only_changed = 1;
			break;
		case 'f':
			q.format = mlw_opt_choice("--format", optarg, formats,
			    NULL);
			break;
		case 'l':
			q.limit = mlw_opt_int("--limit", optarg, 0, 1000000000,
			    "a whole number from 0");
			break;
		case 'm':
			q.dir = -1;
			break;
		case 'r':
			q.store = optarg;
			break;
		case 's':
			q.sort = optarg;
			break;
		case 'w':
			q.where = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	if (optind < argc)
		q.cmd = argv[optind++];
	q.args = argv + optind;
	q.nargs = argc - optind;
	rc = mlw_runs_query(&q);
	ch = mlw_finish();
	return ch ? ch : rc;
}
