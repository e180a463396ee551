/* check: mlw-check's work: data and model tests (a tests file of
 * select / expect / mostly / severity) over the result records of the
 * other programs, judged as Great Expectations judges an expectation, and
 * written as records, a table, TAP or JUnit XML; and a starting tests file
 * suggested from a saved mlw-profile. */
#ifndef MLW_CHECK_H
#define MLW_CHECK_H

#include <stddef.h>

#include "io.h"

enum { MLW_CHECK_RECORDS, MLW_CHECK_TABLE, MLW_CHECK_TAP, MLW_CHECK_JUNIT };

struct mlw_check_opts {
	char **tests;              /* --tests files */
	size_t ntests;
	int format;                /* MLW_CHECK_* */
	int empty_warn;            /* --empty warn: no records is a warning */
};

/* Read the tests files (fatal, naming FILE:LINE, when one is bad), judge
 * every test over the records of in, write the results to standard
 * output. Returns 1 when a test of severity error failed, else 0. */
int mlw_check_run(const struct mlw_check_opts *o, struct mlw_input *in);

/* Write to standard output a tests file suggested from the saved
 * mlw-profile at path (fatal when it is not one). */
void mlw_check_suggest(const char *path);

/* Parse a tests file's text; 0, or -1 with err set to "FILE:LINE: ...".
 * For the fuzz targets and mlw_check_run. */
struct mlw_ctest;
int mlw_check_parse(const char *text, const char *file,
    struct mlw_ctest **tests, size_t *n, char *err, size_t errlen);
void mlw_check_free(struct mlw_ctest *tests, size_t n);

#endif
