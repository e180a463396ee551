/* mlw-join: attach delayed labels to prediction records by key. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "io.h"
#include "join.h"
#include "json.h"
#include "jsonw.h"
#include "opt.h"
#include "out.h"

static const char usage_text[] =
    "mlw-join --key PATH --labels FILE [--label-field PATH] [--as NAME]\n"
    "                [--unmatched FILE] [--strict] [--rejects FILE] [FILE ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "as", required_argument, NULL, 'A' },
		{ "key", required_argument, NULL, 'k' },
		{ "label-field", required_argument, NULL, 'F' },
		{ "labels", required_argument, NULL, 'l' },
		{ "unmatched", required_argument, NULL, 'U' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct mlw_join_opts o;
	struct mlw_buf member = { 0 };
	struct mlw_json doc;
	struct mlw_path p;
	struct mlw_input *in;
	int ch, i, stdin_too;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	memset(&doc, 0, sizeof doc);
	o.field = o.as = "label";
	while ((ch = getopt_long(argc, argv, "hk:l:", longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'A':
			o.as = optarg;
			break;
		case 'F':
			o.field = optarg;
			break;
		case 'U':
			o.unmatched = optarg;
			break;
		case 'k':
			o.key = optarg;
			break;
		case 'l':
			o.labels = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.key == NULL || o.labels == NULL)
		mlw_opt_error("--key and --labels are required");
	mlw_path_opt(&p, "--key", o.key);
	mlw_path_free(&p);
	mlw_path_opt(&p, "--label-field", o.field);
	mlw_path_free(&p);
	/* "NAME": the JSON parser checks that NAME is valid UTF-8 */
	mlw_jw_str(&member, o.as, strlen(o.as));
	if (*o.as == '\0' || mlw_json_parse(&doc, member.p, member.len) < 0)
		mlw_opt_error("--as: expected a member name in UTF-8, found '%s'",
		    o.as);
	mlw_buf_free(&member);
	mlw_json_free(&doc);
	for (i = 0, stdin_too = argc == 0; i < argc; i++)
		stdin_too |= strcmp(argv[i], "-") == 0;
	if (strcmp(o.labels, "-") == 0 && stdin_too)
		mlw_opt_error("--labels -: standard input cannot hold both the "
		    "labels and the predictions");

	in = mlw_input_new(argv, argc);
	mlw_join_run(&o, in);
	mlw_input_free(in);
	return mlw_finish();
}
