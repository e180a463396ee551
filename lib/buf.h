/* buf: a growable byte buffer, the text every writer of mlw builds a line
 * in. Running out of memory is fatal (exit 2). */
#ifndef MLW_BUF_H
#define MLW_BUF_H

#include <stddef.h>

/* An all-zero struct is an empty buffer. p[0..len) is the text; cap its
 * room. */
struct mlw_buf {
	char *p;
	size_t len, cap;
};

/* Make room for extra more bytes after len (the capacity doubles). */
void mlw_buf_reserve(struct mlw_buf *b, size_t extra);
/* Append n bytes at p (n may be 0, p then NULL). */
void mlw_buf_add(struct mlw_buf *b, const void *p, size_t n);
/* Append the byte c. */
void mlw_buf_addc(struct mlw_buf *b, char c);
/* Append the C string s, without its NUL. */
void mlw_buf_adds(struct mlw_buf *b, const char *s);
/* Free the text; b is an empty buffer again. */
void mlw_buf_free(struct mlw_buf *b);
/* Append the printf-formatted text (C locale). */
void mlw_buf_printf(struct mlw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
