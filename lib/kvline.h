/* kvline: the lines of the block files (mlw-alert's rules, mlw-check's
 * tests): "word value" or "word: value", blank lines and comments. */
#ifndef MLW_KVLINE_H
#define MLW_KVLINE_H

#include <stddef.h>

struct mlw_kvline {
	unsigned line;             /* 1-based, counting every line */
	char *buf;                 /* the line's copy; key and val point in */
	char *key, *val;           /* val "" when there is none */
	const char *raw;           /* the line in the text, as it is */
	size_t rawlen;
};

/* The next line of text at *p that is neither blank nor a comment (a '#'
 * at its start; with trailing, also a '#' after a blank outside quotes
 * ends the line), trimmed, split into its first word (a trailing ':'
 * dropped) and the rest: 1 with kv set, or 0 at the end. kv->line counts
 * on from its value; start it at 0 with kv->buf NULL. The previous
 * line's copy is freed; mlw_kvline_free frees the last. */
int mlw_kvline_next(const char **p, struct mlw_kvline *kv, int trailing);
void mlw_kvline_free(struct mlw_kvline *kv);

#endif
