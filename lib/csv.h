/* csv: an RFC 4180 record reader over the file operands and the CSV field
 * writer, with the checks a CSV <-> JSON Lines converter needs (UTF-8, JSON
 * number syntax, compact JSON text). */
#ifndef MLW_CSV_H
#define MLW_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "jsonw.h"

/* Longest accepted record, in bytes, not counting its final line end: the
 * same as the JSON Lines limit, so that records convert both ways. */
#define MLW_CSV_RECORD_MAX MLW_LINE_MAX

/* One field of a record: decoded bytes (quotes removed, doubled quotes
 * undoubled), NUL-terminated; quoted tells whether it was written in
 * quotes (so that "" can differ from an empty field). */
struct mlw_csv_field {
	const char *p;
	size_t len;
	int quoted;
};

/* The fields of a split record; storage is reused from one split to the
 * next. */
struct mlw_csv_fields {
	struct mlw_csv_field *f;
	size_t n, cap;
	struct mlw_buf data;
	size_t *off;             /* scratch: offsets of fields in data */
	size_t offcap;
};

struct mlw_csv_rec {
	const char *raw;     /* the record's bytes as read (CR before the final
	                      * LF included, the LF not), or NULL when they were
	                      * already copied to the rejects file (too long) */
	size_t rawlen;
	const char *file;    /* file name for messages ("stdin" for -) */
	uint64_t lineno;     /* physical line of the record's first line */
	int first;           /* the first record of its file (still set on
	                      * empty lines before it) */
	int blank;           /* an empty line, given as one empty unquoted
	                      * field */
	const char *err;     /* NULL, or why the record cannot be used */
	char errbuf[128];
	struct mlw_csv_fields *fields;  /* when err is NULL */
};

struct mlw_csv_reader;

/* A reader over the operands (n == 0: standard input; "-" is standard input
 * too), with the field delimiter delim. Files are opened lazily; an
 * unreadable file is reported, marks the run failed (exit 2) and skipped. */
struct mlw_csv_reader *mlw_csv_open(char *const *files, int n, char delim);

/* The next record: 1 with rec filled, or 0 at the end of all input.
 * Records end at an LF outside quotes (a CR before it is removed); a UTF-8
 * byte-order mark at the start of a file is removed; an empty line
 * (nothing, or a CR alone, before its LF) is given with blank set, for the
 * caller to take as a record or skip (it is a record of a one-column file
 * only). A record longer than MLW_CSV_RECORD_MAX, a quote left open at the
 * end of a file, text after a closing quote, and invalid UTF-8 give the
 * record with err set (the caller rejects it). Standard output is flushed
 * before any read that could block. The record stays valid until the next
 * call. */
int mlw_csv_next(struct mlw_csv_reader *r, struct mlw_csv_rec *rec);
/* Drop the first n records (lines, empty ones included) of every file, as
 * pandas' read_csv(skiprows=n) does; the record after them is the first. */
void mlw_csv_skip(struct mlw_csv_reader *r, uint64_t n);
void mlw_csv_close(struct mlw_csv_reader *r);

/* Split the complete record s (len bytes, without its line end) into
 * fields. 0, or -1 with a reason in err (errcap bytes): a quote left open,
 * text after a closing quote, invalid UTF-8. */
int mlw_csv_split(const char *s, size_t len, char delim,
    struct mlw_csv_fields *out, char *err, size_t errcap);
void mlw_csv_fields_free(struct mlw_csv_fields *f);

/* Append the field s (n bytes) to b, quoted when it holds the delimiter, a
 * quote, CR or LF, or starts with a byte-order mark or '{' (which the
 * reader refuses at the start of a header), and always when empty (so that
 * "" reads back as the empty string, not as a missing value). */
void mlw_csv_put(struct mlw_buf *b, const char *s, size_t n, char delim);

/* True when s (n bytes) is a JSON number (RFC 8259 syntax) whose value,
 * as strtod reads it, is finite. */
int mlw_csv_is_number(const char *s, size_t n);

/* Append the valid JSON text s (n bytes) to b without the white space
 * outside strings. */
void mlw_json_compact(struct mlw_buf *b, const char *s, size_t n);

#endif
