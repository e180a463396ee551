#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

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
