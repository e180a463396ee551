/* xalloc: allocation for which running out of memory is fatal (exit 2,
 * "out of memory"), so callers need not check. */
#ifndef MLW_XALLOC_H
#define MLW_XALLOC_H

#include <stddef.h>

/* malloc(n), with n 0 taken as 1: never NULL. */
void *mlw_xmalloc(size_t n);
/* realloc(p, n), with n 0 taken as 1: never NULL. */
void *mlw_xrealloc(void *p, size_t n);
/* n zeroed elements of size bytes (n 0 taken as 1): never NULL. */
void *mlw_xcalloc(size_t n, size_t size);
/* A copy of the n bytes of s, NUL-terminated. */
char *mlw_xstrndup(const char *s, size_t n);
/* A copy of the string s. */
char *mlw_xstrdup(const char *s);
/* Make room for n elements of size bytes in p (capacity *cap, doubled
 * from 64 as needed, never overflowing); returns the array, perhaps
 * moved. */
void *mlw_grow(void *p, size_t *cap, size_t n, size_t size);

#endif
