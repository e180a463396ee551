/* mlw-report: mlw results as a table, Markdown, an HTML page with charts, or
 * Prometheus metrics. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "opt.h"
#include "report.h"

static const char usage_text[] =
    "mlw-report [--format table|markdown|html|prom] [--value FIELD]\n"
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
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static struct mlw_msgkind unknown = { "records of unknown shape", 0, 0 };
	struct mlw_report_opts o;
	struct mlw_report *rep;
	const char *outpath = NULL, *why;
	int format = MLW_REP_TABLE, ch;
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	struct mlw_buf out = { 0 };
	long long ll;
	const char *cols;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	memset(&doc, 0, sizeof doc);
	while ((ch = getopt_long(argc, argv, "f:ho:s:t:v:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'T':
			if (mlw_num_strict(optarg, &o.threshold) < 0) {
				mlw_opt_error("--threshold: expected a number, found "
				    "'%s'", optarg);
			}
			o.has_threshold = 1;
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				format = MLW_REP_TABLE;
			else if (strcmp(optarg, "markdown") == 0)
				format = MLW_REP_MARKDOWN;
			else if (strcmp(optarg, "html") == 0)
				format = MLW_REP_HTML;
			else if (strcmp(optarg, "prom") == 0)
				format = MLW_REP_PROM;
			else {
				mlw_opt_error("--format: expected table, markdown, "
				    "html or prom, found '%s'", optarg);
			}
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
			o.value = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	o.width = 80;
	if ((cols = getenv("COLUMNS")) != NULL &&
	    mlw_int_strict(cols, 40, 1000, &ll) == 0)
		o.width = (int)ll;
	o.color = format == MLW_REP_TABLE && outpath == NULL && isatty(1) &&
	    (getenv("NO_COLOR") == NULL || *getenv("NO_COLOR") == '\0');
	rep = mlw_report_new(&o);

	in = mlw_input_new(argv, argc);
	while (mlw_input_next(in, &ln)) {
		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_report_add(rep, &doc, &why) < 0) {
			if (unknown.n == 0)
				mlw_msg(&unknown, ln.file, ln.lineno, "%s; records "
				    "like this are skipped", why);
			else
				unknown.n++;
		}
	}
	mlw_report_render(rep, format, &out);
	if (outpath == NULL)
		mlw_out_write(out.p, out.len);
	else if (mlw_diag_failed())
		/* a report of part of the input must not replace a whole one
		 * (a cron job whose log went missing) */
		mlw_warnx("%s: left as it was: an input could not be read",
		    outpath);
	else if (mlw_write_atomic(outpath, out.p, out.len) < 0)
		mlw_fatal_errno("%s: write error", outpath);
	if (unknown.n > 1)
		mlw_warnx("%lu records of unknown shape skipped", unknown.n);
	unknown.n = 0;

	mlw_buf_free(&out);
	mlw_report_free(rep);
	mlw_input_free(in);
	mlw_json_free(&doc);
	mlw_free_list(o.series, o.nseries);
	return mlw_finish();
}
