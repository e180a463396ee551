/* mlw-alert: alerting rules over records, firing once and resolving once,
 * with state kept across runs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_stream.h"
#include "alert_test.h"
#include "child.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "opt.h"
#include "out.h"
#include "times.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-alert (--name NAME --when EXPR [--for N|DUR] [--keep-firing-for N|DUR]\n"
    "                 [--clear EXPR] [--by PATHS] [--severity S] [--label K=V]...\n"
    "                 [--summary TEMPLATE] | --rules FILE) [--state FILE]\n"
    "                 [--format records|alertmanager] [--exec CMD]\n"
    "                 [--exec-timeout DUR] [--repeat DUR] [--pass] [--time FIELD]\n"
    "                 [--now TIME] [--max-keys N] [--strict] [--rejects FILE]\n"
    "                 [FILE ...]\n"
    "       mlw-alert --test [--max-keys N] TESTFILE ...";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "clear", required_argument, NULL, 'c' },
		{ "exec", required_argument, NULL, 'e' },
		{ "exec-timeout", required_argument, NULL, 'E' },
		{ "for", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		MLW_MAX_KEYS_OPTION,
		{ "keep-firing-for", required_argument, NULL, 'k' },
		{ "label", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "pass", no_argument, NULL, 'p' },
		{ "repeat", required_argument, NULL, 'P' },
		{ "rules", required_argument, NULL, 'r' },
		{ "severity", required_argument, NULL, 's' },
		{ "state", required_argument, NULL, 'S' },
		{ "summary", required_argument, NULL, 'm' },
		{ "test", no_argument, NULL, 'T' },
		{ "time", required_argument, NULL, 't' },
		{ "when", required_argument, NULL, 'w' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const attr[128] = {
		['b'] = "by", ['c'] = "clear", ['f'] = "for",
		['k'] = "keep_firing_for", ['l'] = "label", ['m'] = "summary",
		['s'] = "severity", ['w'] = "when",
	};
	static const char *const formats[] = { "records", "alertmanager",
		NULL };
	struct mlw_alert_opts o;
	const char **keys = NULL;
	char **vals = NULL;
	struct mlw_path p;
	struct mlw_input *in;
	const char *why;
	int ch, test = 0, st;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.exec_timeout = 10 * MLW_NS_PER_SEC;
	while ((ch = getopt_long(argc, argv, "b:c:e:f:hk:l:m:n:pr:s:t:w:",
	    longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'E':
			o.exec_timeout = mlw_opt_duration("--exec-timeout",
			    optarg, 1, INT64_MAX, "a duration like 10s");
			break;
		case 'F':
			o.alertmanager = mlw_opt_choice("--format", optarg,
			    formats, NULL);
			break;
		case 'N':
			if (mlw_time_parse(optarg, strlen(optarg), &o.now,
			    &why) < 0)
				mlw_opt_error("--now: %s, found '%s'", why, optarg);
			o.has_now = 1;
			break;
		case 'P':
			o.repeat = mlw_opt_duration("--repeat", optarg, 1,
			    INT64_MAX, "a duration like 4h");
			break;
		case 'S':
			o.state = optarg;
			break;
		case 'T':
			test = 1;
			break;
		case 'b': case 'c': case 'f': case 'k': case 'l': case 'm':
		case 's': case 'w':
			/* applied once the rule's name is known */
			keys = mlw_xrealloc(keys, (o.ncli + 1) * sizeof *keys);
			vals = mlw_xrealloc(vals, (o.ncli + 1) * sizeof *vals);
			keys[o.ncli] = attr[ch];
			vals[o.ncli++] = optarg;
			break;
		case 'e':
			mlw_child_words_free(o.execv);
			if ((o.execv = mlw_child_words(optarg)) == NULL)
				mlw_opt_bad("--exec", "a command", optarg);
			break;
		case 'n':
			o.cli_name = optarg;
			break;
		case 'p':
			o.pass = 1;
			break;
		case 'r':
			o.rules_file = optarg;
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
	if (test) {
		/* the test file is the whole of what is judged */
		if (o.rules_file || o.cli_name || o.ncli || o.state || o.time ||
		    o.pass || o.alertmanager || o.execv || o.repeat ||
		    o.has_now)
			mlw_opt_error("--test: the rules, the input and the "
			    "repeat come from the test file, not from options");
		if (argc == 0)
			mlw_opt_error("--test: no test file");
		st = mlw_alert_test(argv, argc);
		free(keys);
		free(vals);
		return mlw_finish() == MLW_EXIT_OK ? st : MLW_EXIT_FATAL;
	}
	o.cli_keys = keys;
	o.cli_vals = vals;
	if (o.time) {
		mlw_path_opt(&p, "--time", o.time);
		mlw_path_free(&p);
	}

	in = mlw_input_new(argv, argc);
	mlw_alert_run(&o, in);
	mlw_input_free(in);
	free(keys);
	free(vals);
	mlw_child_words_free(o.execv);
	return mlw_finish();
}
