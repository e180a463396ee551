/* jsonw: JSON written into a byte buffer (buf.h): strings escaped, numbers in
 * shortest round-trip form, records copied from input with members added at
 * the end (mlw(7), RECORDS AND STREAMS and NUMBERS). */
#ifndef MLW_JSONW_H
#define MLW_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

/* Objects and arrays: '{' / '[' ... '}' / ']'. mlw_jw_key() writes the
 * comma itself when a member came before, so members are simply listed. */
void mlw_jw_open(struct mlw_buf *b, char c);
void mlw_jw_close(struct mlw_buf *b, char c);
void mlw_jw_key(struct mlw_buf *b, const char *key);
/* Before an array element: a comma unless it is the first. */
void mlw_jw_sep(struct mlw_buf *b);

/* A JSON string of s (n bytes), escaped. A byte that is not part of
 * valid UTF-8 (text from an argument, a file name, an MLflow file) is
 * written as U+FFFD, so the output is always valid JSON. */
void mlw_jw_str(struct mlw_buf *b, const char *s, size_t n);
/* Text for a cell of a terminal table: s (n bytes) as it is, but control
 * characters (a line feed, a tab, NUL, DEL ...) written as their JSON
 * escapes (\n, \t, \u0000, \u007f), so that a cell stays on its line, and
 * bytes that are not UTF-8 as U+FFFD. */
void mlw_jw_cell(struct mlw_buf *b, const char *s, size_t n);
/* x in shortest round-trip form, or null when x is NaN or infinite.
 * Returns 0, or -1 when null was written. */
int mlw_jw_num(struct mlw_buf *b, double x);
void mlw_jw_int(struct mlw_buf *b, long long v);
void mlw_jw_uint(struct mlw_buf *b, uint64_t v);
/* An array of n counts: [v0,v1,...]. */
void mlw_jw_uints(struct mlw_buf *b, const uint64_t *v, size_t n);
/* The strings of a string map, in its order, as an array. */
struct mlw_strmap;
void mlw_jw_strs(struct mlw_buf *b, const struct mlw_strmap *m);
/* An array of n finite numbers, each as mlw_jw_num writes it. */
void mlw_jw_nums(struct mlw_buf *b, const double *v, size_t n);
void mlw_jw_null(struct mlw_buf *b);
/* An RFC 3339 UTC time string. */
void mlw_jw_time(struct mlw_buf *b, int64_t ns);
/* The raw bytes of token i of doc (a value copied verbatim). */
void mlw_jw_raw(struct mlw_buf *b, const struct mlw_json *doc, uint32_t i);


/* Copy the object at token 0 of doc without its closing brace (and without
 * members whose names are in omit[0..nomit)), so that more members can be
 * appended with mlw_jw_key() and the object closed with mlw_jw_close().
 * Kept members are copied byte for byte, in order. */
void mlw_jw_copy_open(struct mlw_buf *b, const struct mlw_json *doc,
    const char *const *omit, size_t nomit);

#endif
