/* source: the bytes of the file operands in order (standard input when
 * there are none, and for "-"), read into a buffer that grows as needed,
 * with standard output flushed before any read that may block: the reader
 * under the JSON Lines reader (io.h) and the CSV reader (csv.h). */
#ifndef MLW_SOURCE_H
#define MLW_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct mlw_source {
	char *const *files;
	int nfiles, next;       /* operands, and the next one to open */
	int fd;                 /* the open file, -1 when none */
	const char *name;       /* its name for messages ("stdin" for -) */
	int eof;                /* the open file has given its last byte */
	char *buf;              /* unread bytes are buf[start, end), and */
	size_t cap, start, end; /* buf[end] is always room for one more */
	int64_t idle_ns;        /* see mlw_source_set_idle */
	void (*idle_cb)(void *);
	void *idle_arg;
};

/* Start reading the operands files[0..n) (n == 0: standard input). Files
 * are opened one at a time, by mlw_source_open. */
void mlw_source_init(struct mlw_source *s, char *const *files, int n);
void mlw_source_free(struct mlw_source *s);
/* When no file is open, open the next operand: 1 when one is open (a new
 * file: start, end and eof reset), or 0 when the operands are done. An
 * unreadable file is reported, marks the run failed (exit 2) and is
 * skipped. */
int mlw_source_open(struct mlw_source *s);
/* Read more bytes after buf[end] (moving the unread ones to the front, or
 * growing the buffer, when room runs short): how many, or 0 at the end of
 * the file or on a read error (reported, the run failed), eof then set.
 * Before a read that would block, standard output is flushed, and while
 * waiting the idle callback runs every idle_ns nanoseconds. */
size_t mlw_source_fill(struct mlw_source *s);
/* Close the open file (the next mlw_source_open opens the next one). */
void mlw_source_close(struct mlw_source *s);
/* Call cb(arg) whenever no input has arrived for idle_ns (0: never). */
void mlw_source_set_idle(struct mlw_source *s, int64_t idle_ns,
    void (*cb)(void *), void *arg);

#endif
