/* mlw-csv: CSV (RFC 4180) to JSON Lines and back. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_conv.h"
#include "diag.h"
#include "opt.h"
#include "out.h"

static const char usage_text[] =
    "mlw-csv [--to-json] [--delimiter C] [--header LIST] [--skip-lines N]\n"
    "               [--types PATH=number|string|bool|json ...] [--strict]\n"
    "               [--rejects FILE] [FILE ...]\n"
    "       mlw-csv --to-csv [--delimiter C] [--header LIST] [--crlf]\n"
    "               [--strict] [--rejects FILE] [FILE ...]";

static char
delimiter(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 ||
	    strcmp(s, "\t") == 0)
		return '\t';
	if (strlen(s) != 1 || *s == '"' || *s == '\r' || *s == '\n' ||
	    (unsigned char)*s >= 0x80)
		mlw_opt_bad("--delimiter", "one ASCII character other than a "
		    "quote or a line end, or tab", s);
	return *s;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "crlf", no_argument, NULL, 'C' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "header", required_argument, NULL, 'H' },
		{ "skip-lines", required_argument, NULL, 'S' },
		{ "to-csv", no_argument, NULL, 'c' },
		{ "to-json", no_argument, NULL, 'j' },
		{ "types", required_argument, NULL, 't' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct mlw_csv_conv cv;
	char err[256];
	int ch, csv = 0, r;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&cv, 0, sizeof cv);
	cv.delim = ',';
	while ((ch = getopt_long(argc, argv, "cd:hjt:", longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'C':
			cv.crlf = 1;
			break;
		case 'S':
			cv.skip = (uint64_t)mlw_opt_int("--skip-lines", optarg,
			    0, 1000000000, NULL);
			break;
		case 'H':
			cv.header = mlw_list_opt("--header", optarg, cv.header,
			    &cv.nheader);
			break;
		case 'c':
			csv = 1;
			break;
		case 'd':
			cv.delim = delimiter(optarg);
			break;
		case 'j':
			csv = 0;
			break;
		case 't':
			if (mlw_csv_type_add(&cv, optarg) < 0)
				mlw_opt_bad("--types", "PATH=number, string, bool or "
				    "json", optarg);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (csv && (cv.ntypes || cv.skip))
		mlw_opt_error("%s applies to --to-json only", cv.ntypes ?
		    "--types" : "--skip-lines");
	if (!csv && cv.crlf)
		mlw_opt_error("--crlf applies to --to-csv only");

	if (csv)
		r = mlw_csv_to_csv(&cv, argv, argc, err, sizeof err);
	else
		r = mlw_csv_to_json(&cv, argv, argc, err, sizeof err);
	if (r < 0)
		mlw_opt_error("--header: %s", err);
	mlw_csv_conv_free(&cv);
	mlw_free_list(cv.header, cv.nheader);
	return mlw_finish();
}
