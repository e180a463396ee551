#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void *
mlw_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		mlw_fatal("out of memory");
	return p;
}

void *
mlw_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		mlw_fatal("out of memory");
	return p;
}

void *
mlw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		mlw_fatal("out of memory");
	return p;
}

char *
mlw_xstrndup(const char *s, size_t n)
{
	char *p = mlw_xrealloc(NULL, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mlw_xstrdup(const char *s)
{
	return mlw_xstrndup(s, strlen(s));
}

void *
mlw_grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;

	if (n <= *cap)
		return p;
	ncap = *cap ? *cap : 64;
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2 / size)
			mlw_fatal("out of memory");
		ncap *= 2;
	}
	p = mlw_xrealloc(p, ncap * size);
	*cap = ncap;
	return p;
}
