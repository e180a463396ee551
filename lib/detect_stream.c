#include "detect_stream.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "detect.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "out.h"
#include "strmap.h"
#include "xalloc.h"

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
/* the header says how many */
_Static_assert(NMOPTS == MLW_DET_NOPTS, "MLW_DET_NOPTS");

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

size_t
mlw_det_longopts(struct option *out)
{
	size_t i;

	for (i = 0; i < NMOPTS; i++) {
		out[i].name = mopts[i].name;
		out[i].has_arg = mopts[i].kind == O_FLAG ? no_argument :
		    required_argument;
		out[i].flag = NULL;
		out[i].val = MLW_DET_OPT_BASE + (int)i;
	}
	return NMOPTS;
}

void
mlw_det_options(struct mlw_det_opts *o, const char *method,
    const char *const *given)
{
	enum mlw_det_method m;
	const char *why;
	size_t i;

	if (mlw_det_method_parse(method, &m) < 0)
		mlw_opt_error("--method: expected page-hinkley, cusum, adwin, ddm, "
		    "eddm, hddm-a, hddm-w or kswin, found '%s'", method);
	mlw_det_defaults(o, m);
	for (i = 0; i < NMOPTS; i++) {
		if (given[i] == NULL)
			continue;
		if (!(mopts[i].methods & (1u << m)))
			mlw_opt_error("--%s does not apply to --method %s",
			    mopts[i].name, method);
		apply(o, i, given[i]);
	}
	if ((why = mlw_det_check(o)) != NULL)
		mlw_opt_error("%s", why);
}

/* One detector per key, and where its stream is. */
struct key {
	struct mlw_det *det;
	uint64_t index;          /* values fed so far */
	int warned;              /* the last value left it in its warning zone */
};

void
mlw_detect_run(const struct mlw_detect_opts *o, struct mlw_input *in)
{
	static const char *const omit[] = {
		"change", "method", "index", "statistic", "p_value"
	};
	struct mlw_path field, *by = NULL;
	size_t i, nomit = o->det.method == MLW_DET_KSWIN ? 5 : 4;
	int binary = mlw_det_binary(o->det.method);
	const char *why;
	struct mlw_strmap keymap;
	struct key *keys = NULL;
	size_t nkeys = 0, keycap = 0;
	struct mlw_buf kb = { 0 }, out = { 0 };
	struct mlw_line ln;
	struct mlw_json doc;
	uint64_t skipped = 0;

	memset(&doc, 0, sizeof doc);
	memset(&keymap, 0, sizeof keymap);
	if (mlw_path_parse(&field, o->field) < 0)
		mlw_fatal("--field: invalid path");
	by = mlw_paths_opt("--by", o->by, o->nby);
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
				skip_first(&ln, o->field, "missing");
			goto pass;
		}
		t = &doc.tok[vi];
		if (t->type == MLW_JNUM) {
			if (mlw_json_num(&doc, (uint32_t)vi, &x) < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: number out of range", o->field);
				continue;
			}
		} else if (binary && (t->type == MLW_JTRUE ||
		    t->type == MLW_JFALSE))
			x = t->type == MLW_JTRUE;
		else {
			if (skipped++ == 0)
				skip_first(&ln, o->field, "not a number");
			goto pass;
		}
		if (!binary && fabs(x) > MLW_DET_MAX) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: %.*s is beyond the detectors' range (at most "
			    "1e100 in magnitude)", o->field, (int)t->len,
			    doc.src + t->start);
			continue;
		}
		if (binary && x != 0 && x != 1) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: expected 0 or 1 (an error indicator) for "
			    "--method %s, found %.*s", o->field, o->method,
			    (int)t->len, doc.src + t->start);
			continue;
		}
		if (mlw_key_make(&kb, &doc, by, o->nby, &i, &why) < 0) {
			const struct mlw_jtok *b = &doc.tok[mlw_json_get(&doc,
			    0, &by[i])];

			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: %s as a key, found %.*s", o->by[i], why,
			    (int)(b->len > 40 ? 40 : b->len), doc.src + b->start);
			continue;
		}
		if ((ki = mlw_key_index(&keymap, kb.p, kb.len)) < 0)
			mlw_key_full(ln.file, ln.lineno, "keys", kb.p, kb.len,
			    o->by);
		if ((size_t)ki == nkeys) {
			if (nkeys == keycap) {
				keycap = keycap ? 2 * keycap : 16;
				keys = mlw_xrealloc(keys,
				    keycap * sizeof *keys);
			}
			keys[nkeys].det = mlw_det_new(&o->det);
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
			mlw_jw_str(&out, o->method, strlen(o->method));
			mlw_jw_key(&out, "index");
			mlw_jw_uint(&out, k->index);
			mlw_jw_key(&out, "statistic");
			mlw_jw_num(&out, stat);
			if (o->det.method == MLW_DET_KSWIN) {
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
		if (o->all) {
			mlw_out_write(ln.p, ln.len);
			mlw_out_write("\n", 1);
		}
	}
	if (skipped)
		mlw_warnx("%llu record%s skipped: %s missing or not a number",
		    (unsigned long long)skipped, skipped == 1 ? "" : "s",
		    o->field);

	mlw_json_free(&doc);
	for (i = 0; i < nkeys; i++)
		mlw_det_free(keys[i].det);
	free(keys);
	mlw_strmap_free(&keymap);
	mlw_buf_free(&kb);
	mlw_buf_free(&out);
	mlw_paths_free(by, o->nby);
	mlw_path_free(&field);
}
