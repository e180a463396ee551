/* opt: helpers for command lines (conventions §6). */
#ifndef MLW_OPT_H
#define MLW_OPT_H

#include <stddef.h>

#define MLW_VERSION "0.1.0"

/* Print one line of usage (the first line of usage, then "... (see PROG
 * --help)") to standard error, then exit 2. */
_Noreturn void mlw_usage_error(const char *usage);
/* Print "PROG MLW_VERSION" to standard output and exit 0. */
_Noreturn void mlw_version(void);
/* Split a comma-separated list; "\," does not split (the backslash is
 * kept, so that a path "b\,c" names the member "b,c"); entries are fresh
 * strings; empty entries are an error (NULL). */
char **mlw_split_list(const char *s, size_t *n);
void mlw_free_list(char **list, size_t n);

#endif
