/* track_store: the experiment-tracking store of mlw-track and mlw-runs: its
 * records, appending to it safely from many processes, reading it into
 * runs (track_mlflow.h reads an MLflow file store into the same runs), run
 * ids, finding a run by id, prefix or name. */
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

#endif
