/* track_query: the queries of mlw-runs over the runs read by track_store.h: run
 * summaries, selecting them (--where) and sorting them (--sort), and the
 * outputs of the list, show, compare, history and best commands, as JSON
 * lines or as aligned text tables. */
#ifndef MLW_TRACK_QUERY_H
#define MLW_TRACK_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "track_filter.h"
#include "track_store.h"

/* The status shown for a run: its end record's status; without one,
 * "UNFINISHED" when stale_ns > 0 and the run started more than stale_ns
 * before now, else "RUNNING". */
const char *mlw_run_status(const struct mlw_run *r, int64_t now,
    int64_t stale_ns);

/* The last point of a metric: the highest step, then the latest
 * timestamp, then the last logged (as MLflow). NULL when it has none. */
const struct mlw_point *mlw_metric_last(const struct mlw_tmetric *m);

/* Append to b the summary record of r (without LF): run_id, experiment,
 * run_name, status, start_time, end_time, duration, exit_code, signal,
 * host, user, cwd, pid, git, command, params, tags, metrics. With
 * all_stats, metrics also has NAME.min, NAME.max, NAME.step and
 * NAME.count, except a statistic whose name is that of a metric of any run
 * of rs (left out, with one message per name and process, so that a table
 * column never mixes the two). Members unknown for the run are left out. */
void mlw_run_summary(struct mlw_buf *b, const struct mlw_runs *rs,
    const struct mlw_run *r, int all_stats, int64_t now, int64_t stale_ns);

/* Output formats. */
enum { MLW_RFMT_JSONL, MLW_RFMT_TABLE };

/* A run with its summary record (mlw_run_summary), as text and parsed. */
struct mlw_ritem {
	struct mlw_run *run;
	struct mlw_buf text;
	struct mlw_json doc;
	size_t order;            /* index in the store */
};

/* The summaries of all the runs of a store and those selected. */
struct mlw_rsel {
	const struct mlw_runs *rs;
	struct mlw_ritem *all;   /* indexed as rs->run */
	struct mlw_ritem **sel;  /* the selected, in store order until sorted */
	size_t nsel;
};

/* A --where filter, compiled. Zeroed: keeps every run. */
struct mlw_rwhere {
	struct mlw_filter flt;
	struct mlw_expr *expr;
};

/* A --sort order: a field of the summary record and a direction. */
struct mlw_rsort {
	struct mlw_path path;
	int desc;
};

/* Compile src (MLflow search syntax or the expression language, see
 * mlw_filter_translate) into w (zeroed by the caller). 0; -1 when src does
 * not translate, -2 when its translation, w->flt.text, does not compile;
 * err then holds the reason. */
int mlw_rwhere_compile(struct mlw_rwhere *w, const char *src, char *err,
    size_t errlen);
/* Free what w holds (compiled or not) and zero it. */
void mlw_rwhere_free(struct mlw_rwhere *w);

/* Parse a sort spec into s: a field, in MLflow's syntax or as a path,
 * after an optional - (descending) or +, or before " DESC" or " ASC" (any
 * case), as MLflow's order_by. 0, or -1 when it does not name one field
 * (s is then left without a path to free). */
int mlw_rsort_parse(struct mlw_rsort *s, const char *spec);
/* Free the path of s (parsed without error). */
void mlw_rsort_free(struct mlw_rsort *s);

/* Summarize every run of rs into sel (zeroed by the caller), with the
 * statistics of mlw_run_summary when all_stats, the status as of now with
 * stale_ns; select those that pass w (NULL or zeroed: all), in store
 * order. sel refers to rs, which must outlive it. */
void mlw_rsel_build(struct mlw_rsel *sel, const struct mlw_runs *rs,
    const struct mlw_rwhere *w, int all_stats, int64_t now, int64_t stale_ns);
/* Sort the selected by the field of s: numbers (in order) before strings,
 * RFC 3339 strings as times, other strings by bytes, a missing field last
 * in either direction, ties in store order. */
void mlw_rsel_sort(struct mlw_rsel *sel, const struct mlw_rsort *s);
/* The item of the run named by arg (see mlw_runs_find; selected or not),
 * or NULL with the reason in whyb. */
struct mlw_ritem *mlw_rsel_find(const struct mlw_rsel *sel, const char *arg,
    char *whyb, size_t whylen);
/* Of the selected runs, the one whose metric's last value (mlw_metric_last,
 * not NaN) is highest (dir > 0) or lowest, the first of equals; NULL when
 * none has a value. */
struct mlw_ritem *mlw_rsel_best(const struct mlw_rsel *sel,
    const char *metric, int dir);
/* Free the summaries and the selection, and zero sel. */
void mlw_rsel_free(struct mlw_rsel *sel);

/* Write n runs to standard output: their summary records as JSON lines,
 * or a table of their summary columns (all but experiment, end_time, host,
 * user, cwd, pid, exit_code, signal, git and tags.mlflow.*; objects
 * flattened with dots; run_id to 8 digits; "-" for missing). */
void mlw_runs_print(struct mlw_ritem *const *it, size_t n, int format);
/* Write one run: its summary record, or as a table one "name  value" line
 * per flattened member. */
void mlw_runs_show(const struct mlw_ritem *it, int format);
/* Write the differences of n runs, field by field (run_name, status,
 * git.commit, params.*, tags.*, metrics.*, in order of first appearance):
 * as JSON lines {"field","changed","values" (null when missing) and, for
 * two numbers, "change" (second less first)}, or as a table with a column
 * per run and "* " before the changed fields. With only_changed, the
 * fields that are the same in all runs are left out. */
void mlw_runs_compare(struct mlw_ritem *const *it, size_t n, int only_changed,
    int format);
/* Write the points of r's metrics (those named in names, all when nnames
 * is 0), ordered by step, then time, then order logged: {"run_id",
 * "metric","step","timestamp","value","window_start","window_end"} as JSON
 * lines, or as a table without run_id and the window. A name r has no
 * metric of is reported; 1 then, else 0. */
int mlw_runs_history(const struct mlw_run *r, char *const *names, int nnames,
    int format);

/* A query of mlw-runs: its options and operands. */
struct mlw_runs_query {
	const char *store;       /* the store, or NULL: $MLW_STORE, default */
	const char *mlflow;      /* an MLflow file store instead */
	const char *where, *sort;        /* or NULL */
	long long limit;         /* at most this many runs listed; -1 all */
	int format;              /* MLW_RFMT_* */
	int all_stats, only_changed;
	int dir;                 /* best: -1 --min, 1 --max, 0 default */
	int64_t stale;           /* --stale, ns; 0 none */
	const char *cmd;         /* show, compare, history, best; NULL list */
	char *const *args;       /* its operands */
	int nargs;
};
/* mlw-runs' work: check the command, its operands and the --where and
 * --sort expressions (a usage error, exit 2, when they are wrong), read
 * the store, and write what the command asks. Returns 1 when history or
 * best found no such metric, else 0. */
int mlw_runs_query(const struct mlw_runs_query *q);

#endif
