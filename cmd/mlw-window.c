/* mlw-window: assign records to event-time or count windows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "opt.h"
#include "times.h"
#include "window.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-window --time FIELD --size DUR [--slide DUR] [--lateness DUR]\n"
    "                  [--idle DUR] [--time-unit s|ms] [--late FILE]\n"
    "                  [--strict] [--rejects FILE] [FILE ...]\n"
    "       mlw-window --count N [--slide M] [--strict] [--rejects FILE] [FILE ...]";

struct win {
	struct mlw_wclock clock;
	int count;               /* count windows: bounds are integers */
	struct mlw_buf out;
	FILE *late;
	const char *latepath;
	uint64_t nlate, ngap;
	/* the last window's bounds as written, for reuse */
	int64_t cstart;
	int cached;
	struct mlw_buf cbounds;
};

static void
bound(struct mlw_buf *b, const struct win *w, int64_t v)
{
	if (w->count)
		mlw_jw_int(b, v);
	else
		mlw_jw_time(b, v);
}

/* Append ,"window_start":S,"window_end":E (formatted once per window). */
static void
bounds(struct mlw_buf *b, struct win *w, int64_t start)
{
	if (!w->cached || w->cstart != start) {
		w->cbounds.len = 0;
		mlw_jw_key(&w->cbounds, "window_start");
		bound(&w->cbounds, w, start);
		mlw_jw_key(&w->cbounds, "window_end");
		bound(&w->cbounds, w, start + w->clock.size);
		w->cstart = start;
		w->cached = 1;
	}
	mlw_jw_sep(b);
	mlw_buf_add(b, w->cbounds.p, w->cbounds.len);
}

/* A window closed: write its close record and flush. */
static void
closed(int64_t start, int64_t end, uint64_t n, void *arg)
{
	struct win *w = arg;
	struct mlw_buf *b = &w->out;

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_buf_adds(b, "\"window_close\"");
	mlw_jw_key(b, "window_start");
	bound(b, w, start);
	mlw_jw_key(b, "window_end");
	bound(b, w, end);
	mlw_jw_key(b, "n");
	mlw_jw_uint(b, n);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
	mlw_out_flush();
}

/* No input for --idle: let the watermark follow the wall clock. */
static void
idle(void *arg)
{
	struct win *w = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	mlw_wclock_advance(&w->clock, (int64_t)ts.tv_sec * MLW_NS_PER_SEC +
	    ts.tv_nsec - w->clock.lateness, closed, w);
}

static int64_t
duration_opt(const char *name, const char *val, int zero_ok)
{
	int64_t ns;

	if (mlw_duration_parse(val, &ns) < 0 || (ns == 0 && !zero_ok))
		mlw_opt_error("%s: expected a duration like 30s, 5m, 1h, found '%s'",
		    name, val);
	return ns;
}

static struct mlw_msgkind latekind = { "late records", 0, 0 };
static struct mlw_msgkind gapkind = { "records between windows", 0, 0 };

static void
late_record(struct win *w, const struct mlw_line *ln, int64_t t)
{
	char ts[MLW_TIME_MAX], wm[MLW_TIME_MAX];

	w->nlate++;
	if (w->count)
		snprintf(ts, sizeof ts, "%lld", (long long)t);
	else
		mlw_time_format(t, ts);
	mlw_time_format(w->clock.wm, wm);
	mlw_msg(&latekind, ln->file, ln->lineno, "late record at %s: the "
	    "watermark is already %s%s", ts, wm,
	    w->late ? "; written to the --late file" : "");
	if (w->late && (fwrite(ln->p, 1, ln->rawlen, w->late) != ln->rawlen ||
	    putc('\n', w->late) == EOF))
		mlw_fatal_errno("%s: write error", w->latepath);
}

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
	struct win w;
	struct mlw_path timepath;
	const char *timefield = NULL, *slidearg = NULL, *sizearg = NULL;
	int unit_given = 0;
	int64_t size = 0, slide = 0, lateness = 0, idle_ns = 0, unit = MLW_NS_PER_SEC;
	int64_t index = 0;
	int64_t *starts;
	long long ll;
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	static const char *const owned[] = { "window_start", "window_end" };
	int ch;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&w, 0, sizeof w);
	memset(&doc, 0, sizeof doc);
	while ((ch = getopt_long(argc, argv, "c:hi:l:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'L':
			w.latepath = optarg;
			if ((w.late = fopen(optarg, "a")) == NULL)
				mlw_fatal_errno("%s", optarg);
			break;
		case 'S':
			slidearg = optarg;
			break;
		case 'U':
			unit_given = 1;
			if (strcmp(optarg, "s") == 0)
				unit = MLW_NS_PER_SEC;
			else if (strcmp(optarg, "ms") == 0)
				unit = 1000000;
			else {
				mlw_opt_error("--time-unit: expected s or ms, found "
				    "'%s'", optarg);
			}
			break;
		case 'c':
			if (mlw_int_strict(optarg, 1, INT64_MAX / 4, &ll) < 0)
				mlw_opt_error("--count: expected a whole number > 0, "
				    "found '%s'", optarg);
			w.count = 1;
			size = ll;
			break;
		case 'i':
			idle_ns = duration_opt("--idle", optarg, 0);
			break;
		case 'l':
			lateness = duration_opt("--lateness", optarg, 1);
			break;
		case 's':
			sizearg = optarg;
			break;
		case 't':
			timefield = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (w.count) {
		if (timefield || sizearg || idle_ns || lateness || w.late ||
		    unit_given)
			mlw_opt_error("--count cannot be used with --time, --size, "
			    "--idle, --lateness, --late or --time-unit");
		slide = size;
		if (slidearg && mlw_int_strict(slidearg, 1, size, &ll) < 0)
			mlw_opt_error("--slide: expected a whole number from 1 to "
			    "%lld, found '%s'", (long long)size, slidearg);
		if (slidearg)
			slide = ll;
	} else {
		if (timefield == NULL || sizearg == NULL)
			mlw_opt_error("either --time and --size, or --count, is "
			    "required");
		size = duration_opt("--size", sizearg, 0);
		slide = slidearg ? duration_opt("--slide", slidearg, 0) : size;
	}
	if (size / slide + (size % slide != 0) > MLW_WINDOWS_PER_RECORD)
		mlw_opt_error("--slide: a record would be in more than %d windows",
		    MLW_WINDOWS_PER_RECORD);
	if (timefield)
		mlw_path_opt(&timepath, "--time", timefield);
	mlw_wclock_init(&w.clock, size, slide, lateness);
	w.clock.nonneg = w.count;
	starts = mlw_xmalloc(MLW_WINDOWS_PER_RECORD * sizeof *starts);

	in = mlw_input_new(argv, argc);
	if (idle_ns)
		mlw_input_set_idle(in, idle_ns, idle, &w);
	while (mlw_input_next(in, &ln)) {
		int64_t t;
		size_t n, k;
		int late;
		long i;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* an upstream control record */
		if (w.count)
			t = index;
		else {
			const struct mlw_jtok *tt;
			const char *why;
			int r;

			i = mlw_json_get(&doc, 0, &timepath);
			if (mlw_json_missing(&doc, i)) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: missing time field", timefield);
				continue;
			}
			tt = &doc.tok[i];
			if (tt->type == MLW_JSTR) {
				char tb[64];

				why = "expected an RFC 3339 time like "
				    "2026-11-01T00:00:00Z";
				r = tt->len > sizeof tb ? -1 : mlw_time_parse(tb,
				    mlw_json_str(&doc, (uint32_t)i, tb, sizeof tb),
				    &t, &why);
			}
			else if (tt->type == MLW_JNUM) {
				const char *p = doc.src + tt->start, *ign;
				int64_t ms;

				r = mlw_time_from_number(p, tt->len, unit, &t,
				    &why);
				/* as milliseconds, a time of this century */
				if (r < 0 && unit == MLW_NS_PER_SEC &&
				    mlw_time_from_number(p, tt->len,
				    MLW_NS_PER_SEC / 1000, &ms, &ign) == 0 &&
				    ms >= 946684800 * MLW_NS_PER_SEC)
					why = "time out of range in seconds (in "
					    "milliseconds? give --time-unit ms)";
			} else {
				r = -1;
				why = "expected an RFC 3339 string or a number "
				    "of seconds";
			}
			/* every window of t lies in [t - size, t + size]: its
			 * bounds must be times the next program can read */
			if (r == 0 && !w.count &&
			    (!mlw_time_in_range(t - w.clock.size) ||
			    !mlw_time_in_range(t + w.clock.size))) {
				r = -1;
				why = "its window would reach outside the years "
				    "1824 to 2115";
			}
			if (r < 0) {
				mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
				    "%s: %s, found %.*s", timefield, why,
				    tt->len > 40 ? 40 : (int)tt->len,
				    doc.src + tt->start);
				continue;
			}
		}
		n = mlw_wclock_assign(&w.clock, t, starts, &late);
		if (late)
			late_record(&w, &ln, t);
		else if (n == 0) {
			char ts[MLW_TIME_MAX];

			w.ngap++;
			mlw_time_format(t, ts);
			mlw_msg(&gapkind, ln.file, ln.lineno, "record at %s falls "
			    "between windows (--slide is longer than --size)", ts);
		}
		if (!w.count)
			mlw_wclock_advance(&w.clock, t - lateness, closed, &w);
		for (k = 0; k < n; k++) {
			struct mlw_buf *b = &w.out;

			b->len = 0;
			mlw_jw_copy_open(b, &doc, owned, 2);
			bounds(b, &w, starts[k]);
			mlw_jw_close(b, '}');
			mlw_buf_addc(b, '\n');
			mlw_out_write(b->p, b->len);
		}
		if (w.count)
			mlw_wclock_advance(&w.clock, ++index, closed, &w);
	}
	mlw_wclock_close_all(&w.clock, closed, &w);

	if (w.nlate)
		mlw_warnx("%llu late record%s (for a window already closed)",
		    (unsigned long long)w.nlate, w.nlate == 1 ? "" : "s");
	if (w.ngap)
		mlw_warnx("%llu record%s between windows, in none",
		    (unsigned long long)w.ngap, w.ngap == 1 ? "" : "s");
	if (w.late && (fflush(w.late) == EOF || ferror(w.late) ||
	    fclose(w.late) == EOF))
		mlw_fatal_errno("%s: write error", w.latepath);
	mlw_wclock_free(&w.clock);
	mlw_buf_free(&w.out);
	mlw_buf_free(&w.cbounds);
	mlw_json_free(&doc);
	mlw_input_free(in);
	free(starts);
	if (timefield)
		mlw_path_free(&timepath);
	return mlw_finish();
}
