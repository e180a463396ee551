/* mlw-detect: online change detection over a field of a live stream, with
 * River's detectors (lib/detect.h), one per --by key. */
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "strmap.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-detect --field PATH --method METHOD [--by PATHS] [--all]\n"
    "                  [--mode up|down|both] [--min-instances N] [--delta X]\n"
    "                  [--threshold X] [--alpha X] [--beta X] [--warmup N]\n"
    "                  [--k X] [--h X] [--clock N] [--max-buckets N]\n"
    "                  [--min-window-length N] [--grace-period N]\n"
    "                  [--warm-start N] [--warning-threshold X]\n"
    "                  [--drift-threshold X] [--drift-confidence X]\n"
    "                  [--warning-confidence X] [--lambda X] [--two-sided]\n"
    "                  [--window-size N] [--stat-size N] [--seed N]\n"
    "                  [--max-keys N] [--strict] [--rejects FILE] [FILE ...]\n"
    "methods: page-hinkley cusum adwin ddm eddm hddm-a hddm-w kswin";

/* Methods as bits, for the options that apply to them. */
#define PH (1u << MLW_DET_PAGE_HINKLEY)
#define CU (1u << MLW_DET_CUSUM)
#define AD (1u << MLW_DET_ADWIN)
#define DD (1u << MLW_DET_DDM)
#define ED (1u << MLW_DET_EDDM)
#define HA (1u << MLW_DET_HDDM_A)
#define HW (1u << MLW_DET_HDDM_W)
#define KS (1u << MLW_DET_KSWIN)

enum { O_INT, O_NUM, O_MODE, O_FLAG };

/* The method options: applied over the method's defaults once all options
 * are read, so that their order does not matter. */
static const struct mopt {
	const char *name;
	int kind;
	unsigned methods;
	size_t off;              /* into struct mlw_det_opts */
	long long lo, hi;        /* O_INT: accepted range */
} mopts[] = {
	{ "mode", O_MODE, PH | CU, offsetof(struct mlw_det_opts, mode), 0, 0 },
	{ "min-instances", O_INT, PH,
	    offsetof(struct mlw_det_opts, min_instances), 0, 1000000000000LL },
	{ "delta", O_NUM, PH | AD, offsetof(struct mlw_det_opts, delta), 0, 0 },
	{ "threshold", O_NUM, PH, offsetof(struct mlw_det_opts, threshold),
	    0, 0 },
	{ "alpha", O_NUM, PH | ED | KS, offsetof(struct mlw_det_opts, alpha),
	    0, 0 },
	{ "beta", O_NUM, ED, offsetof(struct mlw_det_opts, beta), 0, 0 },
	{ "warmup", O_INT, CU, offsetof(struct mlw_det_opts, warmup), 1,
	    1000000000000LL },
	{ "k", O_NUM, CU, offsetof(struct mlw_det_opts, k), 0, 0 },
	{ "h", O_NUM, CU, offsetof(struct mlw_det_opts, h), 0, 0 },
	{ "clock", O_INT, AD, offsetof(struct mlw_det_opts, clock), 1,
	    1000000000LL },
	{ "max-buckets", O_INT, AD, offsetof(struct mlw_det_opts, max_buckets),
	    2, 1000 },
	{ "min-window-length", O_INT, AD,
	    offsetof(struct mlw_det_opts, min_window_length), 1,
	    1000000000000LL },
	{ "grace-period", O_INT, AD,
	    offsetof(struct mlw_det_opts, grace_period), 0, 1000000000000LL },
	{ "warm-start", O_INT, DD | ED,
	    offsetof(struct mlw_det_opts, warm_start), 0, 1000000000000LL },
	{ "warning-threshold", O_NUM, DD,
	    offsetof(struct mlw_det_opts, warning_threshold), 0, 0 },
	{ "drift-threshold", O_NUM, DD,
	    offsetof(struct mlw_det_opts, drift_threshold), 0, 0 },
	{ "drift-confidence", O_NUM, HA | HW,
	    offsetof(struct mlw_det_opts, drift_confidence), 0, 0 },
	{ "warning-confidence", O_NUM, HA | HW,
	    offsetof(struct mlw_det_opts, warning_confidence), 0, 0 },
	{ "lambda", O_NUM, HW, offsetof(struct mlw_det_opts, lambda), 0, 0 },
	{ "two-sided", O_FLAG, HA | HW,
	    offsetof(struct mlw_det_opts, two_sided), 0, 0 },
	{ "window-size", O_INT, KS, offsetof(struct mlw_det_opts, window_size),
	    2, 1000000 },
	{ "stat-size", O_INT, KS, offsetof(struct mlw_det_opts, stat_size), 1,
	    500000 },
	{ "seed", O_INT, KS, offsetof(struct mlw_det_opts, seed), 0,
	    9223372036854775807LL },
};
#define NMOPTS (sizeof mopts / sizeof mopts[0])
#define MOPT_BASE 256

/* One detector per key, and where its stream is. */
struct key {
	struct mlw_det *det;
	uint64_t index;          /* values fed so far */
	int warned;              /* the last value left it in its warning zone */
};

/* Apply option i's text to o; exits 2 on a bad value. */
static void
apply(struct mlw_det_opts *o, size_t i, const char *arg)
{
	const struct mopt *m = &mopts[i];
	char *p = (char *)o + m->off;
	long long ll;
	double x;

	switch (m->kind) {
	case O_MODE:
		if (strcmp(arg, "both") == 0)
			*(int *)p = MLW_DET_BOTH;
		else if (strcmp(arg, "up") == 0)
			*(int *)p = MLW_DET_UP;
		else if (strcmp(arg, "down") == 0)
			*(int *)p = MLW_DET_DOWN;
		else {
			mlw_opt_error("--mode: expected up, down or both, found "
			    "'%s'", arg);
		}
		break;
	case O_INT:
		if (mlw_int_strict(arg, m->lo, m->hi, &ll) < 0)
			mlw_opt_error("--%s: expected a whole number from %lld to "
			    "%lld, found '%s'", m->name, m->lo, m->hi, arg);
		if (m->off == offsetof(struct mlw_det_opts, seed))
			*(uint64_t *)p = (uint64_t)ll;
		else
			*(long long *)p = ll;
		break;
	case O_NUM:
		if (mlw_num_strict(arg, &x) < 0)
			mlw_opt_error("--%s: expected a number, found '%s'",
			    m->name, arg);
		*(double *)p = x;
		break;
	case O_FLAG:
		*(int *)p = 1;
		break;
	}
}

/* The first record skipped, said at once: a misspelled --field would
 * otherwise look like "no change" until the end of input. */
static void
skip_first(const struct mlw_line *ln, const char *field, const char *what)
{
	mlw_warnx("%s:%llu: %s %s; skipped, as records like this will be "
	    "(and counted)", ln->file, (unsigned long long)ln->lineno, field,
	    what);
}

int
main(int argc, char *argv[])
{
	static const char *const omit[] = {
		"change", "method", "index", "statistic", "p_value"
	};
	struct option longopts[NMOPTS + 10];
	const char *given[NMOPTS] = { NULL };
	const char *fieldarg = NULL, *byarg = NULL, *methodarg = NULL;
	struct mlw_det_opts o;
	enum mlw_det_method method = MLW_DET_PAGE_HINKLEY;
	struct mlw_path field, *by = NULL;
	char **bylist = NULL;
	size_t nby = 0, i, nomit;
	int all = 0, ch, binary;
	const char *why;
	struct mlw_strmap keymap;
	struct key *keys = NULL;
	size_t nkeys = 0, keycap = 0;
	struct mlw_buf kb = { 0 }, out = { 0 };
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	uint64_t skipped = 0;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&doc, 0, sizeof doc);
	memset(&keymap, 0, sizeof keymap);
	for (i = 0; i < NMOPTS; i++) {
		longopts[i].name = mopts[i].name;
		longopts[i].has_arg = mopts[i].kind == O_FLAG ? no_argument :
		    required_argument;
		longopts[i].flag = NULL;
		longopts[i].val = MOPT_BASE + (int)i;
	}
	{
		static const struct option fixed[] = {
			{ "all", no_argument, NULL, 'a' },
			{ "by", required_argument, NULL, 'b' },
			{ "field", required_argument, NULL, 'f' },
			MLW_MAX_KEYS_OPTION,
			{ "method", required_argument, NULL, 'm' },
			MLW_COMMON_OPTIONS,
			{ NULL, 0, NULL, 0 }
		};
		memcpy(longopts + NMOPTS, fixed, sizeof fixed);
	}
	while ((ch = getopt_long(argc, argv, "ab:f:hm:", longopts, NULL)) !=
	    -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		if (ch >= MOPT_BASE && ch < MOPT_BASE + (int)NMOPTS) {
			given[ch - MOPT_BASE] = optarg ? optarg : "";
			continue;
		}
		switch (ch) {
		case 'a':
			all = 1;
			break;
		case 'b':
			byarg = optarg;
			break;
		case 'f':
			fieldarg = optarg;
			break;
		case 'm':
			methodarg = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (fieldarg == NULL)
		mlw_opt_error("--field is required");
	mlw_path_opt(&field, "--field", fieldarg);
	if (methodarg == NULL)
		mlw_opt_error("--method is required");
	if (mlw_det_method_parse(methodarg, &method) < 0)
		mlw_opt_error("--method: expected page-hinkley, cusum, adwin, ddm, "
		    "eddm, hddm-a, hddm-w or kswin, found '%s'", methodarg);
	mlw_det_defaults(&o, method);
	for (i = 0; i < NMOPTS; i++) {
		if (given[i] == NULL)
			continue;
		if (!(mopts[i].methods & (1u << method)))
			mlw_opt_error("--%s does not apply to --method %s",
			    mopts[i].name, methodarg);
		apply(&o, i, given[i]);
	}
	if ((why = mlw_det_check(&o)) != NULL)
		mlw_opt_error("%s", why);
	if (byarg) {
		if ((bylist = mlw_split_list(byarg, &nby)) == NULL)
			mlw_opt_error("--by: expected a comma-separated list of "
			    "fields, found '%s'", byarg);
		by = mlw_xcalloc(nby, sizeof *by);
		for (i = 0; i < nby; i++)
			mlw_path_opt(&by[i], "--by", bylist[i]);
	}
	binary = mlw_det_binary(method);
	nomit = method == MLW_DET_KSWIN ? 5 : 4;

	in = mlw_input_new(argv, argc);
	while (mlw_input_next(in, &ln)) {
		const struct mlw_jtok *t;
		enum mlw_det_result res;
		struct key *k;
		double x, stat, p;
		long vi, ki;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			goto pass;      /* a control record: not data */
		vi = mlw_json_get(&doc, 0, &field);
		if (mlw_json_missing(&doc, vi)) {
			if (skipped++ == 0)
				skip_first(&ln, fieldarg, "missing");
			goto pass;
		}
		t = &doc.tok[vi];
		if (t->type == MLW_JNUM) {
			if (mlw_json_num(&doc, (uint32_t)vi, &x) < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: number out of range", fieldarg);
				continue;
			}
		} else if (binary && (t->type == MLW_JTRUE ||
		    t->type == MLW_JFALSE))
			x = t->type == MLW_JTRUE;
		else {
			if (skipped++ == 0)
				skip_first(&ln, fieldarg, "not a number");
			goto pass;
		}
		if (!binary && fabs(x) > MLW_DET_MAX) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: %.*s is beyond the detectors' range (at most "
			    "1e100 in magnitude)", fieldarg, (int)t->len,
			    doc.src + t->start);
			continue;
		}
		if (binary && x != 0 && x != 1) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: expected 0 or 1 (an error indicator) for "
			    "--method %s, found %.*s", fieldarg, methodarg,
			    (int)t->len, doc.src + t->start);
			continue;
		}
		if (mlw_key_make(&kb, &doc, by, nby, &i, &why) < 0) {
			const struct mlw_jtok *b = &doc.tok[mlw_json_get(&doc,
			    0, &by[i])];

			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: %s as a key, found %.*s", bylist[i], why,
			    (int)(b->len > 40 ? 40 : b->len), doc.src + b->start);
			continue;
		}
		if ((ki = mlw_key_index(&keymap, kb.p, kb.len)) < 0)
			mlw_key_full(ln.file, ln.lineno, "keys", kb.p, kb.len,
			    bylist);
		if ((size_t)ki == nkeys) {
			if (nkeys == keycap) {
				keycap = keycap ? 2 * keycap : 16;
				keys = mlw_xrealloc(keys,
				    keycap * sizeof *keys);
			}
			keys[nkeys].det = mlw_det_new(&o);
			keys[nkeys].index = 0;
			keys[nkeys].warned = 0;
			nkeys++;
		}
		k = &keys[ki];
		res = mlw_det_update(k->det, x, &stat, &p);
		if (res == MLW_DET_WARNING && k->warned)
			res = MLW_DET_NONE;     /* still in the zone: said */
		else
			k->warned = res == MLW_DET_WARNING;
		if (res != MLW_DET_NONE) {
			const char *c = res == MLW_DET_DRIFT ? "drift" :
			    "warning";

			out.len = 0;
			mlw_jw_copy_open(&out, &doc, omit, nomit);
			mlw_jw_key(&out, "change");
			mlw_jw_str(&out, c, strlen(c));
			mlw_jw_key(&out, "method");
			mlw_jw_str(&out, methodarg, strlen(methodarg));
			mlw_jw_key(&out, "index");
			mlw_jw_uint(&out, k->index);
			mlw_jw_key(&out, "statistic");
			mlw_jw_num(&out, stat);
			if (method == MLW_DET_KSWIN) {
				mlw_jw_key(&out, "p_value");
				mlw_jw_num(&out, p);
			}
			mlw_jw_close(&out, '}');
			mlw_buf_addc(&out, '\n');
			mlw_out_write(out.p, out.len);
			mlw_out_flush();        /* a change is news: now */
			k->index++;
			continue;
		}
		k->index++;
pass:
		if (all) {
			mlw_out_write(ln.p, ln.len);
			mlw_out_write("\n", 1);
		}
	}
	if (skipped)
		mlw_warnx("%llu record%s skipped: %s missing or not a number",
		    (unsigned long long)skipped, skipped == 1 ? "" : "s",
		    fieldarg);

	mlw_input_free(in);
	mlw_json_free(&doc);
	for (i = 0; i < nkeys; i++)
		mlw_det_free(keys[i].det);
	free(keys);
	mlw_strmap_free(&keymap);
	mlw_buf_free(&kb);
	mlw_buf_free(&out);
	for (i = 0; i < nby; i++)
		mlw_path_free(&by[i]);
	free(by);
	if (bylist)
		mlw_free_list(bylist, nby);
	mlw_path_free(&field);
	return mlw_finish();
}
