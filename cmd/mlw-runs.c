/* mlw-runs: query the runs recorded by mlw-track (or an MLflow file
 * store): summaries, filters, sorting, one run, comparisons, learning
 * curves, the best run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "io.h"
#include "track_mlflow.h"
#include "num.h"
#include "opt.h"
#include "track_query.h"
#include "times.h"
#include "track_store.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-runs [--store FILE | --mlflow DIR] [--where EXPR] [--sort [-]FIELD]\n"
    "                [--limit N] [--format jsonl|table] [--all-stats]\n"
    "                [--stale DUR] [--strict] [--rejects FILE]\n"
    "       mlw-runs [options] show RUN\n"
    "       mlw-runs [options] compare [--only-changed] RUN RUN ...\n"
    "       mlw-runs [options] history RUN [METRIC ...]\n"
    "       mlw-runs [options] best METRIC [--min | --max]";

static _Noreturn void
usage_bad(const char *opt, const char *what, const char *val)
{
	mlw_opt_error("%s: expected %s, found '%s'", opt, what, val);
}

/* Check the operands of command cmd (NULL: none). */
static void
check_command(const char *cmd, int nargs)
{
	if (cmd == NULL)
		return;
	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "best") == 0) {
		if (nargs != 1)
			mlw_opt_error("%s: expected one operand", cmd);
	} else if (strcmp(cmd, "compare") == 0) {
		if (nargs < 2)
			mlw_opt_error("compare: expected two runs or more");
	} else if (strcmp(cmd, "history") == 0) {
		if (nargs < 1)
			mlw_opt_error("history: expected a run");
	} else {
		mlw_opt_error("unknown command '%s' (expected show, compare, "
		    "history or best)", cmd);
	}
}

static struct mlw_ritem *
find_run(const struct mlw_rsel *sel, const char *arg)
{
	char why[256];
	struct mlw_ritem *it = mlw_rsel_find(sel, arg, why, sizeof why);

	if (it == NULL)
		mlw_fatal("%s", why);
	return it;
}

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
	const char *store = NULL, *mlflow = NULL, *where = NULL, *sort = NULL;
	const char *cmd = NULL;
	long long limit = -1;
	int format = MLW_RFMT_JSONL, all_stats = 0, only_changed = 0, dir = 0;
	int ch, k, rc = 0;
	int64_t stale = 0;
	struct mlw_runs rs;
	struct mlw_rwhere rw;
	struct mlw_rsort rsort;
	struct mlw_rsel sel;
	struct timespec ts;
	char err[256];

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&rs, 0, sizeof rs);
	memset(&rw, 0, sizeof rw);
	memset(&rsort, 0, sizeof rsort);
	memset(&sel, 0, sizeof sel);
	while ((ch = getopt_long(argc, argv, "f:hl:s:w:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'F':
			mlflow = optarg;
			break;
		case 'M':
			dir = 1;
			break;
		case 'S':
			if (mlw_duration_parse(optarg, &stale) < 0 || stale <= 0)
				usage_bad("--stale", "a positive duration such "
				    "as 1h", optarg);
			break;
		case 'a':
			all_stats = 1;
			break;
		case 'c':
			only_changed = 1;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				format = MLW_RFMT_JSONL;
			else if (strcmp(optarg, "table") == 0)
				format = MLW_RFMT_TABLE;
			else
				usage_bad("--format", "jsonl or table", optarg);
			break;
		case 'l':
			if (mlw_int_strict(optarg, 0, 1000000000, &limit) < 0)
				usage_bad("--limit", "a whole number from 0",
				    optarg);
			break;
		case 'm':
			dir = -1;
			break;
		case 'r':
			store = optarg;
			break;
		case 's':
			sort = optarg;
			break;
		case 'w':
			where = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0) {
		cmd = argv[0];
		argc--;
		argv++;
	}
	check_command(cmd, argc);
	if (store && mlflow)
		mlw_opt_error("--store and --mlflow exclude each other");
	if (where && (k = mlw_rwhere_compile(&rw, where, err, sizeof err)) < 0) {
		if (k == -2 && strcmp(rw.flt.text.p, where) != 0)
			mlw_opt_error("--where: in '%s' (as translated): %s",
			    rw.flt.text.p, err);
		mlw_opt_error("--where: %s", err);
	}
	if (where) {
		/* params and tags are strings: a number never equals one, so
		 * such a filter selects nothing, silently */
		static const char *const strs[] = { "params.", "tags." };
		const char *f;

		for (k = 0; k < 2; k++)
			if ((f = mlw_expr_number_compare(rw.expr, strs[k])))
				mlw_warnx("--where: %s is compared with a number, "
				    "but %s are strings (compare with a string, "
				    "as %s == \"0.01\")", f, k ? "tags" :
				    "params", f);
	}
	if (sort && mlw_rsort_parse(&rsort, sort) < 0)
		usage_bad("--sort", "a field", sort);

	if (store == NULL)
		store = getenv("MLW_STORE");
	if (store == NULL || *store == '\0')
		store = MLW_STORE_DEFAULT;
	if ((mlflow ? mlw_mlflow_read(&rs, mlflow) :
	    mlw_store_read(&rs, store)) < 0)
		return mlw_finish();
	clock_gettime(CLOCK_REALTIME, &ts);
	mlw_rsel_build(&sel, &rs, &rw, all_stats || (cmd && strcmp(cmd,
	    "show") == 0), (int64_t)ts.tv_sec * MLW_NS_PER_SEC + ts.tv_nsec,
	    stale);
	if (sort)
		mlw_rsel_sort(&sel, &rsort);

	if (cmd == NULL) {
		if (limit >= 0 && (size_t)limit < sel.nsel)
			sel.nsel = (size_t)limit;
		mlw_runs_print(sel.sel, sel.nsel, format);
	} else if (strcmp(cmd, "show") == 0) {
		mlw_runs_show(find_run(&sel, argv[0]), format);
	} else if (strcmp(cmd, "compare") == 0) {
		struct mlw_ritem **cmp = mlw_xcalloc((size_t)argc, sizeof *cmp);

		for (k = 0; k < argc; k++)
			cmp[k] = find_run(&sel, argv[k]);
		mlw_runs_compare(cmp, (size_t)argc, only_changed, format);
		free(cmp);
	} else if (strcmp(cmd, "history") == 0) {
		rc = mlw_runs_history(find_run(&sel, argv[0])->run, argv + 1,
		    argc - 1, format);
	} else {                /* best */
		struct mlw_ritem *best = mlw_rsel_best(&sel, argv[0], dir);

		if (best == NULL) {
			mlw_warnx("no run has a value of metric '%s'", argv[0]);
			rc = 1;
		} else
			mlw_runs_print(&best, 1, format);
	}

	mlw_rsel_free(&sel);
	mlw_rwhere_free(&rw);
	if (sort)
		mlw_rsort_free(&rsort);
	mlw_runs_free(&rs);
	{
		int f = mlw_finish();

		return f ? f : rc;
	}
}
