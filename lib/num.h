/* num: JSON numbers in and out, exactly (mlw(7), NUMBERS). */
#ifndef MLW_NUM_H
#define MLW_NUM_H

#include <stddef.h>

/* Longest text mlw_num_format() writes, with its NUL. */
#define MLW_NUM_MAX 32

/* Convert the JSON number text at s (len bytes, already validated by the
 * JSON scanner) to the double strtod() gives in the C locale. Returns 0, or
 * -1 when the value overflows to infinity. */
int mlw_num_parse(const char *s, size_t len, double *out);

/* Write the shortest of %.15g, %.16g, %.17g that reads back as x (so
 * integers print without a fraction). x must be finite. Returns the length. */
size_t mlw_num_format(double x, char *buf);

/* Parse a whole string as a finite decimal double (for option values;
 * not hexadecimal); 0 or -1. */
int mlw_num_strict(const char *s, double *out);
/* Parse a whole string as a decimal integer in [lo, hi]; 0 or -1. */
int mlw_int_strict(const char *s, long long lo, long long hi, long long *out);

#endif
