/* child: commands run as our children: the process wrapper of mlw-track
 * (the command's standard output piped through to ours line by line, the
 * signals we receive passed on, and our end as its end; or, without a
 * command, the same for standard input), and mlw-alert's --exec. */
#ifndef MLW_CHILD_H
#define MLW_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mlw_child {
	pid_t pid;               /* the command, or -1 in filter mode */
	int fd;                  /* what is read: its output, or 0 */
	int exited;              /* the command exited (rather than being
	                            killed): code is its exit status */
	int code;
	int sig;                 /* the signal that killed the command; in
	                            filter mode the one we received; or 0 */
	int got;                 /* the first signal we received, or 0 */
	int out_err;             /* a write to standard output failed other
	                            than on a closed pipe (disk full): its
	                            errno, reported; or 0 */
};

/* Called for each line read (without its LF; the last one also without),
 * numbered from 1, with line NULL for a line longer than MLW_LINE_MAX
 * bytes (io.h), which is not passed on. The line may be changed in place
 * within its n bytes. */
typedef void mlw_child_line_fn(void *arg, char *line, size_t n,
    uint64_t lineno);

/* Start argv[0] (searched in PATH) with argv and, in its environment, the
 * NULL-terminated name, value pairs of env; close_fd (unless -1) closed in
 * it. Its standard output goes to a pipe we read, SIGPIPE is ignored by us
 * and default in it. With argv NULL: filter mode, standard input is read.
 * From here on SIGHUP, SIGINT, SIGQUIT and SIGTERM are caught (unless they
 * were ignored when we started): the first is remembered, and a signal
 * sent to us alone by another process is passed on to the command (one
 * from the terminal reaches it anyway). A command that cannot be run ends
 * with status 127 (not found) or 126 after a message. Fatal (exit 2) when
 * the pipe or the process cannot be made. */
void mlw_child_start(struct mlw_child *w, char *const argv[], int close_fd,
    const char *const env[]);
/* Copy what is read to standard output and call fn for every line, until
 * the end of input, or a signal in filter mode. When standard output
 * fails (a closed pipe is not reported), the command's output is no
 * longer read (it then gets SIGPIPE as if it wrote to the closed pipe);
 * in filter mode the lines are still logged. */
void mlw_child_pump(struct mlw_child *w, mlw_child_line_fn *fn, void *arg);
/* Wait for the command to end and set exited, code and sig; in filter mode
 * sig becomes the signal received. */
void mlw_child_wait(struct mlw_child *w);
/* The MLflow status of the run: "KILLED" when a signal killed the command
 * or was received, else "FAILED" for a non-zero exit status, else
 * "FINISHED". */
const char *mlw_child_status(const struct mlw_child *w);
/* The signal to record for the run (that killed the command, else the one
 * received), or 0. */
int mlw_child_signal(const struct mlw_child *w);

/* The first signal received so far (it may come after mlw_child_wait()),
 * or 0. */
int mlw_child_received(void);

/* The name of a common signal ("SIGTERM"), or NULL. */
const char *mlw_signame(int sig);
/* Flush all output and end as a process killed by sig would, without a
 * core dump, so that our parent sees what it would have seen of the
 * command. */
_Noreturn void mlw_die_by(int sig);

/* The words of a command line (--exec): split on blanks, with single or
 * double quotes grouping; a NULL-terminated array of fresh strings, or
 * NULL for an unclosed quote or no word. */
char **mlw_child_words(const char *s);
void mlw_child_words_free(char **v);
/* Run argv[0] (searched in PATH) with the len bytes at in as its standard
 * input, its standard output sent to our standard error (it must not mix
 * with our records), and the NULL-terminated name, value pairs of env in
 * its environment; wait for it at most timeout_ns. 0 with *status (as
 * waitpid sets it) when it ended, 1 when it did not in time and was
 * killed, -1 when it could not be run (said). Standard output is flushed
 * first. */
int mlw_child_run(char *const argv[], const char *const env[], const char *in,
    size_t len, int64_t timeout_ns, int *status);

#endif
