/* mlw-agg: the business and risk numbers per window and segment: counts,
 * exact sums, means, quantiles, distinct counts, rates and ratios, with
 * thresholds from reference chunks. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "diag.h"
#include "io.h"
#include "opt.h"
#include "out.h"
#include "seg.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-agg (--agg SPEC | --spec FILE) ... [--where EXPR] [--by PATHS]\n"
    "               [--max-keys N] [--ref FILE --chunk N|DUR [--time PATH]\n"
    "               [--sigma K]] [--emit-state | --merge]\n"
    "               [--strict] [--rejects FILE] [FILE ...]";

/* --spec FILE: each line's aggregates, named FILE:LINE in errors. */
static void
spec_file(struct mlw_agg *g, const char *path)
{
	size_t len, line = 0;
	char *text = mlw_read_file(path, &len), *p, *e, where[512];

	if (text == NULL)
		mlw_fatal_errno("%s", path);
	if (memchr(text, '\0', len))
		mlw_opt_error("--spec %s: a NUL byte in the file", path);
	for (p = text; p < text + len; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(text + len - p))) == NULL)
			e = text + len;
		*e = '\0';
		snprintf(where, sizeof where, "%s:%zu", path, ++line);
		mlw_agg_add(g, p, where);
	}
	free(text);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "agg", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "emit-state", no_argument, NULL, 'E' },
		{ "merge", no_argument, NULL, 'G' },
		{ "ref", required_argument, NULL, 'r' },
		{ "sigma", required_argument, NULL, 'k' },
		{ "spec", required_argument, NULL, 'f' },
		{ "time", required_argument, NULL, 't' },
		{ "where", required_argument, NULL, 'w' },
		MLW_COMMON_OPTIONS,
		MLW_MAX_KEYS_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const taken[] = {	/* the members it writes */
		"agg", "field", "q", "value", "n", "exact", "lower", "upper",
		"alert", NULL
	};
	struct mlw_agg_opts o;
	struct mlw_seg seg;
	struct mlw_agg *g;
	struct mlw_input *in;
	char **by = NULL, **specs = NULL;
	size_t nby = 0, nspecs = 0, i;
	int ch, sigma = 0;
	const char *chunk = NULL;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&o, 0, sizeof o);
	o.sigma = 3;
	/* the aggregates are added once every option is read (--by first) */
	specs = mlw_xcalloc((size_t)argc + 1, sizeof *specs);
	while ((ch = getopt_long(argc, argv, "a:h", longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'a':
		case 'f':
			/* 'a' or 'f' then the text: kept in order */
			specs[nspecs] = mlw_xmalloc(strlen(optarg) + 2);
			specs[nspecs][0] = (char)ch;
			strcpy(specs[nspecs++] + 1, optarg);
			break;
		case 'b':
			by = mlw_list_opt("--by", optarg, by, &nby);
			break;
		case 'c':
			chunk = optarg;
			break;
		case 'E':
			o.emit = 1;
			break;
		case 'G':
			o.merge = 1;
			break;
		case 'k':
			o.sigma = mlw_opt_num("--sigma", optarg, 0, INFINITY,
			    "a number >= 0");
			sigma = 1;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 't':
			o.time = optarg;
			break;
		case 'w':
			o.where = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (nspecs == 0)
		mlw_opt_error("give the aggregates with --agg or --spec");
	if (o.emit && o.merge)
		mlw_opt_error("--emit-state and --merge exclude each other");
	if (o.ref == NULL && (chunk || o.time || sigma))
		mlw_opt_error("--chunk, --time and --sigma need --ref");
	if (o.ref && chunk == NULL)
		mlw_opt_error("--ref needs --chunk N (records) or --chunk DUR");
	if (chunk && strspn(chunk, "0123456789") == strlen(chunk))
		o.chunk_n = (uint64_t)mlw_opt_int("--chunk", chunk, 1,
		    1000000000000LL, "a whole number of records or a duration");
	else if (chunk) {
		o.chunk_ns = mlw_opt_duration("--chunk", chunk, 1, INT64_MAX,
		    "a whole number of records or a duration");
		if (o.time == NULL)
			mlw_opt_error("--chunk %s needs --time PATH, the "
			    "reference's time", chunk);
	}
	if (o.time && o.chunk_n)
		mlw_opt_error("--time applies to --chunk DUR only");
	if (nby) {
		mlw_seg_opt_check(by, nby, taken);
		mlw_seg_init(&seg, by, nby);
	}
	g = mlw_agg_new(&o, nby ? &seg : NULL);
	for (i = 0; i < nspecs; i++) {
		if (specs[i][0] == 'a')
			mlw_agg_add(g, specs[i] + 1, "--agg");
		else
			spec_file(g, specs[i] + 1);
		free(specs[i]);
	}
	free(specs);
	if (mlw_agg_count(g) == 0)
		mlw_opt_error("no aggregate in --agg or --spec");
	in = mlw_input_new(argv, argc);
	mlw_agg_run(g, in);
	mlw_input_free(in);
	mlw_agg_free(g);
	if (nby)
		mlw_seg_free(&seg);
	mlw_free_list(by, nby);
	return mlw_finish();
}
