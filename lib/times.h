/* times: RFC 3339 timestamps, epoch numbers and durations (mlw(7), TIMES
 * AND DURATIONS).
 * Times are int64 nanoseconds since 1970-01-01T00:00:00Z, accepted within
 * +-2^62 ns (the years 1824 to 2115), and durations up to 2^61 ns (73
 * years), so that window arithmetic (t - size, start + size, t - lateness)
 * never overflows. */
#ifndef MLW_TIMES_H
#define MLW_TIMES_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define MLW_NS_PER_SEC INT64_C(1000000000)
#define MLW_TIME_LIMIT (INT64_C(1) << 62)
#define MLW_DURATION_LIMIT (INT64_C(1) << 61)
/* Whether ns is in the range of times that format with a year from 1824
 * to 2115 and so read back: [1824-01-01T00:00:00Z, 2116-01-01T00:00:00Z). */
int mlw_time_in_range(int64_t ns);
/* Longest text mlw_time_format() writes, with its NUL. */
#define MLW_TIME_MAX 40

/* Parse an RFC 3339 date-time ("2026-11-01T01:00:00.250+01:00"; "t" or a
 * space for "T", "z" for "Z", up to 9 fraction digits, seconds 60 counted
 * as the next second). Returns 0, or -1 with *why set to a short reason. */
int mlw_time_parse(const char *s, size_t len, int64_t *ns, const char **why);

/* Convert the text of a JSON number of seconds (or of unit_ns per unit:
 * 1000000 for milliseconds) since the epoch to nanoseconds, exactly for
 * plain decimals. 0, or -1 with *why set. */
int mlw_time_from_number(const char *s, size_t len, int64_t unit_ns,
    int64_t *ns, const char **why);

/* The time held by token i of doc: an RFC 3339 string (decoded), or a
 * JSON number of units of unit_ns since the epoch. 0, or -1 with *why set
 * (for a number of seconds that reads as milliseconds of this century,
 * why suggests --time-unit ms). */
int mlw_time_token(const struct mlw_json *doc, long i, int64_t unit_ns,
    int64_t *ns, const char **why);

/* Write ns as RFC 3339 UTC with "Z", with fraction digits only when not
 * zero (trailing zeros removed). Returns the length. */
size_t mlw_time_format(int64_t ns, char *buf);

/* Parse a duration: one or more number+unit terms ("250ms", "1h30m",
 * "1.5s", "0s"); units ns, us, ms, s, m, h, d, w. 0 or -1 (callers that
 * need a positive duration check for 0 themselves). */
int mlw_duration_parse(const char *s, int64_t *ns);

/* floor(a / b) for b > 0. */
int64_t mlw_floordiv(int64_t a, int64_t b);

#endif
