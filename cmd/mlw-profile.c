/* mlw-profile: a data profile of each field, per window, and its quality
 * against a reference. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "opt.h"
#include "out.h"
#include "profile.h"
#include "seg.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-profile [--ref PROFILE_OR_REF] [--fields PATHS] [--top K]\n"
    "               [--quantiles LIST] [--save FILE] [--by PATHS]\n"
    "               [--ref-fallback none|all] [--max-keys N]\n"
    "               [--match PATH=ERE]... [--allowed PATH=VALUE,...]...\n"
    "               [--unique PATH]... [--detail]\n"
    "               [--emit-state | --merge]\n"
    "               [--strict] [--rejects FILE] [FILE ...]";

/* Add arg to the list of a repeatable option. */
static char **
append(char **list, size_t *n, const char *arg)
{
	list = mlw_xrealloc(list, (*n + 1) * sizeof *list);
	list[(*n)++] = mlw_xstrdup(arg);
	return list;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "allowed", required_argument, NULL, 'A' },
		{ "by", required_argument, NULL, 'y' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "detail", no_argument, NULL, 'D' },
		{ "fields", required_argument, NULL, 'f' },
		{ "match", required_argument, NULL, 'X' },
		{ "merge", no_argument, NULL, 'M' },
		{ "quantiles", required_argument, NULL, 'q' },
		{ "ref", required_argument, NULL, 'r' },
		{ "ref-fallback", required_argument, NULL, 'F' },
		{ "save", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' },
		{ "unique", required_argument, NULL, 'U' },
		MLW_MAX_KEYS_OPTION,
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	/* the members it writes, the quantiles' names aside */
	static const char *const members[] = {
		"feature", "count", "missing", "missing_share", "n_number",
		"n_string", "n_bool", "n_object", "n_array", "min", "max",
		"mean", "std", "zeros", "quantiles_exact",
		"quantile_rank_error", "distinct", "distinct_exact", "top",
		"top_exact", "histogram", "histogram_exact", "missing_share_ref", "type_mismatch",
		"out_of_range", "out_of_range_share", "new_categories",
		"new_categories_share", "new_category_values", "match",
		"match_count", "match_share", "mismatch_count", "not_allowed",
		"not_allowed_share", "not_allowed_values", "duplicates",
		"duplicates_exact", "duplicates_error", "unique_share", NULL
	};
	static const char *const fallbacks[] = { "none", "all", NULL };
	struct mlw_seg seg;
	char **by = NULL;
	size_t nby = 0;
	static const double defq[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
	char topx[64];
	double q[MLW_PROFILE_QMAX];
	struct mlw_profile_opts o;
	struct mlw_profile *dp;
	struct mlw_input *in;
	int ch;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.top = 5;
	o.q = defq;
	o.nq = sizeof defq / sizeof defq[0];
	snprintf(topx, sizeof topx, "a whole number from 0 to %d",
	    MLW_PROFILE_TOPMAX);
	while ((ch = getopt_long(argc, argv, "f:hq:r:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'A':
			o.allowed = append(o.allowed, &o.nallowed, optarg);
			break;
		case 'E':
			o.emit = 1;
			break;
		case 'F':
			o.fallback = mlw_opt_choice("--ref-fallback", optarg,
			    fallbacks, NULL);
			break;
		case 'y':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		case 'M':
			o.merge = 1;
			break;
		case 'f':
			o.fields = mlw_list_opt("--fields", optarg, o.fields,
			    &o.nfields);
			break;
		case 'D':
			o.detail = 1;
			break;
		case 'q':
			o.nq = mlw_opt_nums("--quantiles", optarg, 0, 1, q,
			    MLW_PROFILE_QMAX, "numbers from 0 to 1");
			o.q = q;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 's':
			o.save = optarg;
			break;
		case 't':
			o.top = (size_t)mlw_opt_int("--top", optarg, 0,
			    MLW_PROFILE_TOPMAX, topx);
			break;
		case 'U':
			o.unique = append(o.unique, &o.nunique, optarg);
			break;
		case 'X':
			o.match = append(o.match, &o.nmatch, optarg);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	mlw_profile_opts_check(&o);
	if (o.fallback && nby == 0)
		mlw_opt_error("--ref-fallback applies to --by only");
	if (o.fallback && o.ref == NULL)
		mlw_opt_error("--ref-fallback needs --ref");
	if (nby) {
		size_t nm = sizeof members / sizeof members[0] - 1, i;
		const char **taken = mlw_xcalloc(nm + o.nq + 1, sizeof *taken);
		char (*qn)[32] = mlw_xcalloc(o.nq ? o.nq : 1, sizeof *qn);

		for (i = 0; i < nm; i++)
			taken[i] = members[i];
		for (i = 0; i < o.nq; i++) {
			mlw_profile_qname(o.q[i], qn[i]);
			taken[nm + i] = qn[i];
		}
		mlw_seg_opt_check(by, nby, taken);
		free(taken);
		free(qn);
		mlw_seg_init(&seg, by, nby);
		o.seg = &seg;
	}

	dp = mlw_profile_new(&o);
	in = mlw_input_new(argv, argc);
	if (o.merge)
		mlw_profile_merge(dp, in);
	else
		mlw_profile_run(dp, in);
	mlw_input_free(in);
	mlw_profile_free(dp);
	if (nby)
		mlw_seg_free(&seg);
	mlw_free_list(by, nby);
	mlw_free_list(o.fields, o.nfields);
	mlw_free_list(o.match, o.nmatch);
	mlw_free_list(o.allowed, o.nallowed);
	mlw_free_list(o.unique, o.nunique);
	return mlw_finish();
}
