/* csv_conv: the conversions of mlw-csv(1), CSV to JSON Lines (with each
 * column's type inferred or named) and back, over the reader and writer
 * of csv.h; mlw-csv(1) describes them in full. */
#ifndef MLW_CSV_CONV_H
#define MLW_CSV_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"

enum {
	MLW_CSV_AUTO, MLW_CSV_NUMBER, MLW_CSV_STRING, MLW_CSV_BOOL, MLW_CSV_JSON
};

struct mlw_csv_type {
	char *path;              /* canonical path text */
	int type;                /* MLW_CSV_NUMBER ... MLW_CSV_JSON */
	int used;                /* a column of the input has this path */
};

struct mlw_csv_conv {
	char delim;              /* the field delimiter */
	int crlf;                /* CSV output: end records with CRLF */
	char **header;           /* --header: paths (a list as opt.h splits
	                          * it), or NULL */
	size_t nheader;
	struct mlw_csv_type *types;   /* --types, to JSON only */
	size_t ntypes;
	uint64_t skip;           /* --skip-lines, to JSON only */
};

/* Add "PATH=TYPE" (TYPE number, string, bool or json) to cv->types; 0, or
 * -1 when arg is not of that form. */
int mlw_csv_type_add(struct mlw_csv_conv *cv, const char *arg);

/* Read CSV from the operands (as mlw_csv_open) and write JSON Lines to
 * standard output: columns typed by cv->types or inferred over the whole
 * input (kept meanwhile in a tmpfile(), unless every column of a header is
 * typed), dotted names nested, bad records rejected through diag.h. A
 * --types path that matched no column is reported at the end. 0, or -1 with
 * a reason in err before anything is read, when cv->header is invalid. */
int mlw_csv_to_json(struct mlw_csv_conv *cv, char *const *files, int n,
    char *err, size_t errcap);

/* Read JSON Lines records from the operands and write CSV to standard
 * output: columns = cv->header, streamed, or else the union of the leaf
 * paths in first-seen order (the records kept meanwhile in a tmpfile()).
 * 0, or -1 with a reason in err before anything is read, when cv->header
 * is invalid. */
int mlw_csv_to_csv(struct mlw_csv_conv *cv, char *const *files, int n,
    char *err, size_t errcap);

/* Free cv->types (not cv->header). */
void mlw_csv_conv_free(struct mlw_csv_conv *cv);

#endif
