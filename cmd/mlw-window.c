/* mlw-window: assign records to event-time or count windows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io.h"
#include "json.h"
#include "opt.h"
#include "out.h"
#include "times.h"
#include "window.h"

static const char usage_text[] =
    "mlw-window --time FIELD --size DUR [--slide DUR] [--lateness DUR]\n"
    "                  [--idle DUR] [--time-unit s|ms] [--late FILE]\n"
    "                  [--strict] [--rejects FILE] [FILE ...]\n"
    "       mlw-window --count N [--slide M] [--strict] [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "idle", required_argument, NULL, 'i' },
		{ "late", required_argument, NULL, 'L' },
		{ "lateness", required_argument, NULL, 'l' },
		{ "size", required_argument, NULL, 's' },
		{ "slide", required_argument, NULL, 'S' },
		{ "time", required_argument, NULL, 't' },
		{ "time-unit", required_argument, NULL, 'U' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const units[] = { "s", "ms", NULL };
	static const char dur[] = "a duration like 30s, 5m, 1h";
	struct mlw_window_opts o;
	struct mlw_path tp;
	const char *slide = NULL, *size = NULL;
	struct mlw_input *in;
	int ch, unit = -1;
	char e[64];

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "c:hi:l:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'L':
			o.late = optarg;
			break;
		case 'S':
			slide = optarg;
			break;
		case 'U':
			unit = mlw_opt_choice("--time-unit", optarg, units, NULL);
			break;
		case 'c':
			o.count = 1;
			o.size = mlw_opt_int("--count", optarg, 1, INT64_MAX / 4,
			    "a whole number > 0");
			break;
		case 'i':
			o.idle_ns = mlw_opt_duration("--idle", optarg, 1,
			    INT64_MAX, dur);
			break;
		case 'l':
			o.lateness = mlw_opt_duration("--lateness", optarg, 0,
			    INT64_MAX, dur);
			break;
		case 's':
			size = optarg;
			break;
		case 't':
			o.time = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.count) {
		if (o.time || size || o.idle_ns || o.lateness || o.late ||
		    unit >= 0)
			mlw_opt_error("--count cannot be used with --time, --size, "
			    "--idle, --lateness, --late or --time-unit");
		snprintf(e, sizeof e, "a whole number from 1 to %lld",
		    (long long)o.size);
		o.slide = slide ? mlw_opt_int("--slide", slide, 1, o.size, e) :
		    o.size;
	} else {
		if (o.time == NULL || size == NULL)
			mlw_opt_error("either --time and --size, or --count, is "
			    "required");
		o.size = mlw_opt_duration("--size", size, 1, INT64_MAX, dur);
		o.slide = slide ? mlw_opt_duration("--slide", slide, 1,
		    INT64_MAX, dur) : o.size;
		mlw_path_opt(&tp, "--time", o.time);
		mlw_path_free(&tp);
	}
	if (o.size / o.slide + (o.size % o.slide != 0) > MLW_WINDOWS_PER_RECORD)
		mlw_opt_error("--slide: a record would be in more than %d windows",
		    MLW_WINDOWS_PER_RECORD);
	o.unit = unit == 1 ? 1000000 : MLW_NS_PER_SEC;

	in = mlw_input_new(argv, argc);
	mlw_window_run(&o, in);
	mlw_input_free(in);
	return mlw_finish();
}
