/* io: the JSON Lines reader over the file operands, which flushes standard
 * output (out.h) before it waits for input, and whole files written
 * atomically or read at once (mlw(7), RECORDS AND STREAMS, ERRORS AND
 * EXIT STATUS, BUFFERING). */
#ifndef MLW_IO_H
#define MLW_IO_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "out.h"
#include "xalloc.h"

/* Longest accepted line, in bytes, not counting the LF (and a CR before it). */
#define MLW_LINE_MAX (1u << 20)

struct mlw_line {
	char *p;            /* the line, without CR/LF; p[rawlen] is NUL */
	size_t len;
	size_t rawlen;      /* bytes in the file, CR included, LF not */
	const char *file;   /* file name for messages ("-" shows as "stdin") */
	uint64_t lineno;    /* 1-based line number within file */
};

struct mlw_input;

/* Open a reader over the operands (n == 0: standard input; "-" is standard
 * input too). Files are opened lazily, one at a time; an unreadable file is
 * reported, marks the run failed (exit 2) and is skipped. */
struct mlw_input *mlw_input_new(char *const *files, int n);

/* Return the next non-blank line: 1 and *ln filled, or 0 at end of all
 * input. The line stays valid until the next call. Lines longer than
 * MLW_LINE_MAX are rejected here (copied to the rejects file and counted) and
 * never returned. A UTF-8 BOM at the start of a file and a CR before the LF
 * are removed. Before any read that could block, standard output is flushed;
 * while waiting, the idle callback (if set) runs every idle_ns nanoseconds
 * without input. */
int mlw_input_next(struct mlw_input *in, struct mlw_line *ln);

/* Call cb(arg) whenever no input has arrived for idle_ns (0: never). */
void mlw_input_set_idle(struct mlw_input *in, int64_t idle_ns,
    void (*cb)(void *), void *arg);

void mlw_input_free(struct mlw_input *in);

/* Parse ln as a record, a JSON object, into doc: 0 when it is one;
 * otherwise the line is rejected (reported with file and line, counted,
 * appended to the --rejects file) and -1 returned. NaN and infinities are
 * read as missing values (mlw_json_parse_nonfinite, mlw_note_nonfinite);
 * with --strict, a record with one is rejected. */
int mlw_record_parse(struct mlw_json *doc, const struct mlw_line *ln);
/* The next record of the input: mlw_input_next() and mlw_record_parse()
 * until a record parses. 1 with ln and doc filled, or 0 at end of input. */
int mlw_record_next(struct mlw_input *in, struct mlw_line *ln,
    struct mlw_json *doc);

/* Replace path with len bytes at p atomically: a temporary file beside it
 * (created exclusively), fsync, rename, fsync of the directory. So a crash
 * at any moment leaves the old content or the new, never a mix. 0, or -1
 * with errno set (the temporary file is removed). */
int mlw_write_atomic(const char *path, const void *p, size_t len);

/* Read a whole small file (a rules file, a profile) into memory,
 * NUL-terminated; NULL with errno set on failure. */
char *mlw_read_file(const char *path, size_t *len);


/* For fuzz targets only (scripts/fuzz), which run a program's main many
 * times in one process: free every reader that a run left open (it ended
 * in exit(), not mlw_input_free()) and mlw_out_reset(); returns what that
 * returns.
 * Programs never call it. */
int mlw_io_reset(void);

#endif
