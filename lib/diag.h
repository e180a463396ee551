/* diag: messages, rejected records and the exit status (mlw(7), ERRORS
 * AND EXIT STATUS). */
#ifndef MLW_DIAG_H
#define MLW_DIAG_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses of every mlw program. */
enum { MLW_EXIT_OK = 0, MLW_EXIT_REJECTS = 1, MLW_EXIT_FATAL = 2 };

/* How many messages of one kind are printed before they are only counted. */
#define MLW_MSG_LIMIT 10

/* Set the program name used as the prefix of every message; also sets
 * SIGPIPE to its default action so that a closed pipe ends us quietly.
 * Returns the name (the basename of prog), for argv[0], so that getopt's
 * own messages carry it too. */
char *mlw_diag_init(char *prog);
const char *mlw_prog(void);

/* "prog: message" on standard error. */
void mlw_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message: strerror(errno)" on standard error. */
void mlw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "prog: message" and exit 2. */
_Noreturn void mlw_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "prog: message: strerror(errno)" and exit 2. */
_Noreturn void mlw_fatal_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Note a fatal condition that does not stop processing (an unreadable input
 * file among others): the exit status becomes 2. */
void mlw_diag_set_failed(void);
/* Whether a fatal condition was noted so far (the exit status will be 2). */
int mlw_diag_failed(void);

/* A kind of repeated message: the first MLW_MSG_LIMIT are printed, the rest
 * only counted and summarised by mlw_finish() as "N more WHAT not shown". */
struct mlw_msgkind {
	const char *what;       /* plural noun phrase, e.g. "late records" */
	unsigned long n;        /* how many were reported */
	int registered;
};
/* Report one message of kind k, prefixed "prog: " (and "FILE:LINE: " when
 * file is not NULL). */
void mlw_msg(struct mlw_msgkind *k, const char *file, uint64_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Rejected input records. */
/* Append rejected lines to PATH (opened once, in append mode); 0 or -1. */
int mlw_rejects_open(const char *path);
/* Make the first rejected record fatal (exit 2). */
void mlw_set_strict(int strict);
/* Reject one record: report "FILE:LINE: message" (limited), append the
 * verbatim line (when line is not NULL) plus LF to the rejects file, count it.
 * In strict mode this exits 2 after the message. */
void mlw_reject(const char *file, uint64_t lineno, const char *line,
    size_t len, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Reject one more record for a reason said already (by mlw_reject): count
 * it and append it to the rejects file, with no message. */
void mlw_reject_again(const char *line, size_t len);
/* Write a chunk of an over-long line straight to the rejects file (used by
 * the reader, which never holds the whole line). */
void mlw_rejects_write(const char *p, size_t len);
uint64_t mlw_rejected(void);
/* Whether --strict was given. */
int mlw_strict(void);

/* A record held n values NaN, Infinity or -Infinity (not JSON, but what
 * Python's json.dumps writes), read as missing: the first such record is
 * said at once with FILE:LINE, and mlw_finish says how many there were. */
void mlw_note_nonfinite(const char *file, uint64_t line, uint64_t n);

/* Close the rejects file, checking every write; print the summaries of
 * limited messages and the reject count; return the exit status the
 * program should end with. Programs call mlw_finish() (out.h), which
 * closes standard output first. */
int mlw_diag_finish(void);

/* For fuzz targets only (scripts/fuzz), which run a program's main many
 * times in one process: forget everything the last run left here (the
 * failed flag, strict mode, the reject count, the rejects file, which is
 * closed, and the counts of every kind of limited message), as if the
 * process had just started. Programs never call it. */
void mlw_diag_reset(void);

#endif
