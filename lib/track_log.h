/* track_log: writing a run into the experiment-tracking store
 * (track_store.h): its run_start record, what a command prints as JSON
 * lines turned into metric, param and tag records, and its run_end record.
 * The logger of mlw-track. */
#ifndef MLW_TRACK_LOG_H
#define MLW_TRACK_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "json.h"
#include "jsonw.h"
#include "strmap.h"
#include "track_store.h"
#include "child.h"

/* What the run_start record says beyond the machine it runs on. */
struct mlw_tstart {
	const char *experiment;
	const char *run_name;            /* or NULL */
	int64_t start;                   /* ns */
	char *const *argv;               /* the command, or NULL (filter) */
	size_t argc;
	char *const *params, *const *tags;      /* KEY=VALUE strings */
	size_t nparams, ntags;
};

/* The logger of one run. */
struct mlw_track_log {
	int fd;                  /* the store */
	const char *store;       /* its name in messages */
	const char *id;          /* the run */
	const char *src;         /* name of the input in messages */
	char *const *param_fields, *const *tag_fields;
	size_t nparam_fields, ntag_fields;
	int write_failed;
	struct mlw_buf rec;      /* the records of one line */
	struct mlw_buf one;      /* scratch */
	struct mlw_buf key;      /* a member name */
	struct mlw_json doc;
	struct mlw_strmap counters;
	int64_t *counter;        /* next step per metric */
	struct mlw_msgkind badstep, nonfinite, notjson, longline, werr;
};

/* Now, in ns since the epoch, to the millisecond (as MLflow's times). */
int64_t mlw_track_log_now(void);

/* Write to b (emptied first) the run_start record of run id: experiment,
 * run_name, start_time, host, user ($USER, else the password entry), cwd,
 * pid, git {commit, dirty} (when the working directory is in a git
 * checkout with a commit), command (a JSON array), params and tags
 * (objects; a later KEY wins in readers). Members unknown are left out. */
void mlw_track_log_run_start(struct mlw_buf *b, const char *id,
    const struct mlw_tstart *s);
/* Write to b (emptied first) the run_end record of run id, which started
 * at start and ends now (end, ns) as w says: status (mlw_child_status),
 * end_time, duration (s), exit_code (when the command exited), signal and
 * signal_name (when it has one). */
void mlw_track_log_run_end(struct mlw_buf *b, const char *id,
    const struct mlw_child *w, int64_t start, int64_t end);

/* Start logging run id into the store open at fd (named store in
 * messages); src names the lines in messages; members named in
 * param_fields (numbers or strings) and tag_fields (strings) are logged
 * as params and tags. The strings and lists are borrowed. */
void mlw_track_log_init(struct mlw_track_log *t, int fd, const char *store,
    const char *id, const char *src, char *const *param_fields,
    size_t nparam_fields, char *const *tag_fields, size_t ntag_fields);
/* A mlw_child_line_fn, arg a struct mlw_track_log: log one line. A line that
 * is a JSON object (after blanks; NaN, -NaN, Infinity and -Infinity accepted
 * where a value stands, as Python writes them: a metric logged as null, a
 * param left out, a step bad; all reported) gives a record per member: a param
 * or tag when its name is listed, else a metric for every number, at the
 * line's "step" (a whole number; otherwise counted per metric from 0) and the
 * time now. Other lines are passed over; a line that starts with { but is not
 * JSON, a bad step, a non-finite value and an over-long line (line NULL) are
 * reported (limited, see mlw_msg). The records of a line are appended as one
 * write. */
void mlw_track_log_line(void *t, char *line, size_t n, uint64_t lineno);
/* Append whole records to the store (mlw_store_append); a failure is
 * reported, counted and remembered in write_failed. */
void mlw_track_log_write(struct mlw_track_log *t, const char *p, size_t n);
/* Close the store (a failure is reported unless a write failed before) and
 * free t. 0, or -1 when a write or the close failed. */
int mlw_track_log_close(struct mlw_track_log *t);

/* mlw-track's work: open the store (fatal when it cannot be), append the
 * run_start record of a new run described by st, run the command argv
 * (argc words; NULL: filter standard input) with MLW_RUN_ID and MLW_STORE
 * in its environment, log what it prints (params named by pfields, tags by
 * tfields, the rest metrics), append the run_end record, and end as the
 * command did: its exit status, or death by its signal (a failed write to
 * the store or to standard output makes a successful command's status 2).
 * Returns the exit status of mlw-track. */
int mlw_track_run(const char *store, struct mlw_tstart *st,
    char *const *argv, int argc, char *const *pfields, size_t npfields,
    char *const *tfields, size_t ntfields);

#endif
