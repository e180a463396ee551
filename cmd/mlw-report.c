/* mlw-report: mlw results as a table, Markdown, an HTML page with charts, or
 * Prometheus metrics. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "opt.h"
#include "out.h"
#include "report.h"

static const char usage_text[] =
    "mlw-report [--format table|markdown|html|prom]\n"
    "                  [--value FIELDS | --all-values]\n"
    "                  [--series FIELDS] [--title TEXT] [--threshold X]\n"
    "                  [-o FILE] [--strict] [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "series", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "title", required_argument, NULL, 't' },
		{ "value", required_argument, NULL, 'v' },
		{ "all-values", no_argument, NULL, 'A' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = {	/* MLW_REP_*, in order */
		"table", "markdown", "html", "prom", NULL
	};
	struct mlw_report_opts o;
	const char *outpath = NULL;
	int format = MLW_REP_TABLE, ch;
	struct mlw_input *in;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "f:ho:s:t:v:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'T':
			o.threshold = mlw_opt_num("--threshold", optarg,
			    -INFINITY, INFINITY, NULL);
			o.has_threshold = 1;
			break;
		case 'f':
			format = mlw_opt_choice("--format", optarg, formats,
			    NULL);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 's':
			o.series = mlw_list_opt("--series", optarg, o.series,
			    &o.nseries);
			break;
		case 't':
			o.title = optarg;
			break;
		case 'v':
			o.values = mlw_list_opt("--value", optarg, o.values,
			    &o.nvalues);
			o.value = o.values[0];
			break;
		case 'A':
			o.all_values = 1;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.nvalues && o.all_values)
		mlw_opt_error("--value and --all-values exclude each other");
	o.width = 80;

	in = mlw_input_new(argv, argc);
	mlw_report_run(&o, format, outpath, in);
	mlw_input_free(in);
	mlw_free_list(o.series, o.nseries);
	mlw_free_list(o.values, o.nvalues);
	return mlw_finish();
}
