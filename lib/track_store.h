/* track_store: the experiment-tracking store of mlw-track and mlw-runs: its
 * records, appending to it safely from many processes, reading it into
 * runs (track_mlflow.h reads an MLflow file store into the same runs), run
 * ids, the run summary record, and filters in MLflow's search syntax. */
#ifndef MLW_TRACK_STORE_H
#define MLW_TRACK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"
#include "strmap.h"

/* The store when neither --store nor $MLW_STORE names one. */
#define MLW_STORE_DEFAULT "mlw-runs.jsonl"
/* Length of a run id: 32 lowercase hex digits, as MLflow's. */
#define MLW_RUN_ID_LEN 32

/* One logged value of a metric. value is NaN for a value that was not a
 * finite number (written as null). */
struct mlw_point {
	int64_t step;
	int64_t ts;              /* ns since the epoch */
	double value;
	size_t seq;              /* order of appearance, for ties */
};

struct mlw_tmetric {
	char *key;
	struct mlw_point *pt;
	size_t n, cap;
};

/* Params and tags: string keys and string values; a later value wins. */
struct mlw_kvs {
	struct mlw_strmap keys;
	char **val;
};

struct mlw_run {
	char *run_id, *experiment, *run_name, *status;   /* status: of the end
	                                                    record, or NULL */
	char *host, *user, *cwd, *git_commit, *command;  /* command: JSON array */
	int git_dirty;           /* -1 unknown */
	int64_t start, end;      /* ns */
	int has_start, has_end;
	int has_exit, has_signal;
	long long exit_code, signal, pid;
	struct mlw_kvs params, tags;
	struct mlw_strmap mkeys;
	struct mlw_tmetric *metric;      /* indexed as mkeys */
};

struct mlw_runs {
	struct mlw_run **run;    /* in order of first appearance */
	size_t n, cap;
	struct mlw_strmap ids;
	struct mlw_strmap mnames;       /* every metric name of every run */
	size_t seq;
};

/* Open (creating it, mode 0666 less the umask) a store for appending,
 * without blocking (a FIFO). A store is a regular file, or a character
 * device that is not a terminal (/dev/null): anything else (a FIFO, a
 * socket, a block device, a terminal) is refused. Returns a descriptor,
 * or -1: with errno set and *why NULL, or with *why the reason the file
 * is refused (errno EINVAL). */
int mlw_store_openx(const char *path, const char **why);
/* mlw_store_openx() without the reason. */
int mlw_store_open(const char *path);
/* Append len bytes (whole lines, each ending in LF) to the store as one
 * write(2) under an exclusive fcntl lock of the whole file, so that lines
 * written by concurrent processes never interleave. When the file does not
 * end with a LF (a torn last line), a LF is written first so the new
 * records stay whole. 0, or -1 with errno set (EINTR: a write or the
 * wait for the lock was interrupted by a signal mlw_child_received()). */
int mlw_store_append(int fd, const char *p, size_t len);

/* Write a fresh run id (MLW_RUN_ID_LEN hex digits and a NUL) to out: from
 * /dev/urandom, else from the time, the process id and a counter. */
void mlw_run_id_new(char out[MLW_RUN_ID_LEN + 1]);

/* Start a store record in b (emptied first): {"mlw":KIND,"run_id":ID ...
 * Members are then added with mlw_jw_key() and the record ended with
 * mlw_trec_end(). */
void mlw_trec_begin(struct mlw_buf *b, const char *kind, const char *run_id);
/* Close the record and add its LF. */
void mlw_trec_end(struct mlw_buf *b);

/* Read a store into rs. Bad lines are rejected (mlw_reject: file, line,
 * reason); a last line without its LF that is not a record, and a line
 * that ends before its record does (a writer killed mid-line, the line
 * ended by the next writer's LF), are reported as torn and ignored,
 * without being rejected. 0, or -1 when the file cannot be read
 * (reported). */
int mlw_store_read(struct mlw_runs *rs, const char *path);

/* Building runs in memory (for readers of other stores, see
 * track_mlflow.h). */
/* The run of id (len bytes) in rs, added (empty, git_dirty -1) when new. */
struct mlw_run *mlw_runs_get(struct mlw_runs *rs, const char *id, size_t len);
/* Set key k (klen bytes) of kv to a copy of v (vlen bytes); a later value
 * wins. */
void mlw_kvs_set(struct mlw_kvs *kv, const char *k, size_t klen,
    const char *v, size_t vlen);
/* Add a point (step, ts ns, value v; NaN for none) to metric k (klen
 * bytes) of r, numbered in rs's order of appearance. */
void mlw_run_add_point(struct mlw_runs *rs, struct mlw_run *r, const char *k,
    size_t klen, int64_t step, int64_t ts, double v);
/* Free every run of rs and empty it. */
void mlw_runs_free(struct mlw_runs *rs);

/* Index of the run named by arg: its whole id, a unique id prefix (as git
 * does), or else a unique run name. -1 with *why set ("no run", "ambiguous
 * ...", in whyb of whylen bytes) otherwise. */
long mlw_runs_find(const struct mlw_runs *rs, const char *arg, char *whyb,
    size_t whylen);

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

/* A filter translated into the expression language of expr.h. Fields that
 * the expression language cannot name (keys with characters other than
 * letters, digits, _ and .) and LIKE tests are computed by mlw_filter_extend()
 * into a member "__mlw" of the record, and the expression names them
 * __mlw.a0, __mlw.a1 ... */
struct mlw_falias {
	int like;                /* 0: the field's value; 1 LIKE; 2 ILIKE */
	char *path;              /* the field, for mlw_path_parse() */
	char *pat;               /* the LIKE pattern */
};
struct mlw_filter {
	struct mlw_buf text;     /* the expression, NUL-terminated */
	struct mlw_falias *a;
	size_t n;
};

/* Translate a filter in MLflow's search syntax, or already in the
 * expression language, into f (zeroed by the caller): AND/OR/NOT (any
 * case) become && || !, a lone = becomes ==, <> becomes !=, the entity
 * prefixes metric(s)./param(s)./tag(s). become metrics. params. tags.,
 * attribute(s)./attr./run. are dropped, and the rest of such a name
 * (backquoted parts allowed) is one key, its dots escaped. FIELD LIKE
 * 'pattern' and ILIKE (% any run, _ one character; ILIKE ignores ASCII
 * case) become aliases. 0, or -1 with err set (IN, IS, a bad LIKE). */
int mlw_filter_translate(const char *src, struct mlw_filter *f, char *err,
    size_t errlen);
/* Free what f holds and zero it. */
void mlw_filter_free(struct mlw_filter *f);

/* Write to b (emptied first) the record of doc (an object at token 0) with
 * the member "__mlw" holding the aliases of f, to evaluate f->text on. */
void mlw_filter_extend(const struct mlw_filter *f, const struct mlw_json *doc,
    struct mlw_buf *b);

#endif
