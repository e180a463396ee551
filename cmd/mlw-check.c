/* mlw-check: data and model tests over result records, a gate for CI. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "io.h"
#include "opt.h"
#include "out.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-check --tests FILE [--tests FILE ...]\n"
    "                 [--format records|table|tap|junit] [--empty fail|warn]\n"
    "                 [--strict] [--rejects FILE] [FILE ...]\n"
    "       mlw-check --suggest PROFILE";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "empty", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "suggest", required_argument, NULL, 'S' },
		{ "tests", required_argument, NULL, 't' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "records", "table", "tap",
		"junit", NULL };
	static const char *const empty[] = { "fail", "warn", NULL };
	struct mlw_check_opts o;
	struct mlw_input *in;
	const char *suggest = NULL;
	int ch, failed, rc, fmt = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'S':
			suggest = optarg;
			break;
		case 'e':
			o.empty_warn = mlw_opt_choice("--empty", optarg, empty,
			    NULL);
			break;
		case 'f':
			o.format = mlw_opt_choice("--format", optarg, formats,
			    NULL);
			fmt = 1;
			break;
		case 't':
			o.tests = mlw_xrealloc(o.tests, (o.ntests + 1) *
			    sizeof *o.tests);
			o.tests[o.ntests++] = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (suggest) {
		if (o.ntests || fmt || argc)
			mlw_opt_error("--suggest takes a saved profile alone");
		mlw_check_suggest(suggest);
		return mlw_finish();
	}
	if (o.ntests == 0)
		mlw_opt_error("--tests FILE is required");
	in = mlw_input_new(argv, argc);
	failed = mlw_check_run(&o, in);
	mlw_input_free(in);
	free(o.tests);
	rc = mlw_finish();
	return rc == 0 && failed ? 1 : rc;
}
