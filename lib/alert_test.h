/* alert_test: mlw-alert --test: unit tests of alerting rules, as
 * promtool's rule unit tests are for Prometheus: a test file gives the
 * rules, input records at steps of event time and the alert records
 * expected at each step; the records are judged by the stream's own code
 * (mlw_judge_record, alert.h) and each case is reported in TAP. The
 * syntax is in mlw-alert(1), TEST FILES. */
#ifndef MLW_ALERT_TEST_H
#define MLW_ALERT_TEST_H

#include <stddef.h>

#include "buf.h"

/* The most steps, and the most input records, of one case. */
#define MLW_ATEST_MAX_STEPS 100000
#define MLW_ATEST_MAX_RECORDS 100000

struct mlw_atest;

/* Parse the text of the test file named file: a new test, or NULL with err
 * set to "FILE:LINE: message" (or "FILE: message"). Reads no other file:
 * the rules line is only remembered, and inline rules are parsed by
 * mlw_atest_load. */
struct mlw_atest *mlw_atest_parse(const char *text, const char *file,
    char *err, size_t errlen);
/* The path the rules line of t names, as written, or NULL. */
const char *mlw_atest_rules_path(const struct mlw_atest *t);
/* Read the rules of t: those of the file its rules line names (a relative
 * path is taken from the directory of the test file), then those written
 * inline; check that every expect names one of them. 0, or -1 with err set
 * ("FILE:LINE: message"). */
int mlw_atest_load(struct mlw_atest *t, char *err, size_t errlen);
/* Run every case of a loaded t, numbered from *num + 1 (updated): append
 * to out an "ok N - FILE: CASE" or "not ok N - ..." line for each, the
 * latter followed by "#" lines with the difference at the first step where
 * the alert records written are not those expected; count each in *passed
 * or *failed. */
void mlw_atest_run(struct mlw_atest *t, struct mlw_buf *out, unsigned *num,
    unsigned *passed, unsigned *failed);
void mlw_atest_free(struct mlw_atest *t);

/* mlw-alert --test FILE...: every file in turn, the TAP lines on standard
 * output, then the plan "1..N" and "# P passed, F failed". An unreadable
 * test file, or one with an error, is reported on standard error with its
 * file and line and skipped, and makes the exit status 2 (mlw_diag). 1 when
 * some case failed, else 0. */
int mlw_alert_test(char *const *files, int n);

#endif
