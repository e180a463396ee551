/* mlw-profile: a data profile of each field, per window, and its quality
 * against a reference. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "profile.h"
#include "io.h"
#include "num.h"
#include "opt.h"

static const char usage_text[] =
    "mlw-profile [--ref PROFILE_OR_REF] [--fields PATHS] [--top K]\n"
    "               [--quantiles LIST] [--save FILE] [--emit-state | --merge]\n"
    "               [--strict] [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "emit-state", no_argument, NULL, 'E' },
		{ "fields", required_argument, NULL, 'f' },
		{ "merge", no_argument, NULL, 'M' },
		{ "quantiles", required_argument, NULL, 'q' },
		{ "ref", required_argument, NULL, 'r' },
		{ "save", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const double defq[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
	double q[MLW_PROFILE_QMAX];
	char **list;
	struct mlw_profile_opts o;
	struct mlw_profile *dp;
	struct mlw_input *in;
	long long ll;
	size_t i, j, n;
	int ch;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.top = 5;
	o.q = defq;
	o.nq = sizeof defq / sizeof defq[0];
	while ((ch = getopt_long(argc, argv, "f:hq:r:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'E':
			o.emit = 1;
			break;
		case 'M':
			o.merge = 1;
			break;
		case 'f':
			o.fields = mlw_list_opt("--fields", optarg, o.fields,
			    &o.nfields);
			break;
		case 'q':
			list = mlw_split_list(optarg, &n);
			if (list == NULL || n > MLW_PROFILE_QMAX) {
				mlw_opt_error("--quantiles: expected 1 to %d numbers "
				    "from 0 to 1, found '%s'", MLW_PROFILE_QMAX, optarg);
			}
			for (i = 0; i < n; i++) {
				char a[32], b[32];

				if (mlw_num_strict(list[i], &q[i]) < 0 ||
				    !(q[i] >= 0 && q[i] <= 1)) {
					mlw_opt_error("--quantiles: expected numbers "
					    "from 0 to 1, found '%s'", list[i]);
				}
				for (j = 0; j < i; j++) {
					mlw_profile_qname(q[i], a);
					mlw_profile_qname(q[j], b);
					if (strcmp(a, b) == 0) {
						mlw_opt_error("--quantiles: %s is "
						    "given twice", a);
					}
				}
			}
			mlw_free_list(list, n);
			o.q = q;
			o.nq = n;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 's':
			o.save = optarg;
			break;
		case 't':
			if (mlw_int_strict(optarg, 0, MLW_PROFILE_TOPMAX, &ll) < 0) {
				mlw_opt_error("--top: expected a whole number from "
				    "0 to %d, found '%s'", MLW_PROFILE_TOPMAX, optarg);
			}
			o.top = (size_t)ll;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.emit && o.merge) {
		mlw_opt_error("--emit-state and --merge exclude each other");
	}
	if ((o.emit || o.merge) && o.save) {
		mlw_warnx("--save profiles one batch; it cannot be split into "
		    "states (--emit-state, --merge)");
		mlw_usage();
	}
	if ((o.emit || o.merge) && o.nfields == 0) {
		mlw_opt_error("--%s needs --fields: without it the fields and "
		    "their order depend on where each first appears in the "
		    "whole input, which no shard knows",
		    o.emit ? "emit-state" : "merge");
	}

	dp = mlw_profile_new(&o);
	in = mlw_input_new(argv, argc);
	if (o.merge)
		mlw_profile_merge(dp, in);
	else
		mlw_profile_run(dp, in);
	mlw_input_free(in);
	mlw_profile_free(dp);
	mlw_free_list(o.fields, o.nfields);
	return mlw_finish();
}
