#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
mlw_buf_reserve(struct mlw_buf *b, size_t extra)
{
	size_t ncap;
	char *np;

	if (b->cap - b->len >= extra)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap - b->len < extra)
		ncap *= 2;
	np = mlw_xrealloc(b->p, ncap);
	b->p = np;
	b->cap = ncap;
}

void
mlw_buf_add(struct mlw_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;         /* b->p may still be NULL: no NULL + 0 */
	mlw_buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
mlw_buf_addc(struct mlw_buf *b, char c)
{
	mlw_buf_reserve(b, 1);
	b->p[b->len++] = c;
}

void
mlw_buf_adds(struct mlw_buf *b, const char *s)
{
	mlw_buf_add(b, s, strlen(s));
}

void
mlw_buf_free(struct mlw_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
mlw_buf_printf(struct mlw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	mlw_buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
